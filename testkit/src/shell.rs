//! A shell through the real server, from the kit's clients (docs/PROTOCOL.md §11, "Shell"):
//! a native customer whose shell `rep` asked for and the customer allowed, the two shell
//! sockets (the customer's and the rep's, both attached before anything is sent), frames to
//! send, and the transcript over HTTP. One copy for the server's, the customer client's and
//! the console's tests.

use crate::media::MediaClient;
use crate::remote::{accept, native_customer};
use crate::{CustomerClient, RepClient, TestServer};
use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{
    Capability, GrantId, MediaChannel, SessionId, ShellTranscript, TranscriptEntry,
};

/// A session between `rep` and a native customer, with `rep`'s shell granted.
pub struct GrantedShell {
    pub rep: RepClient,
    pub customer: CustomerClient,
    pub session_id: SessionId,
    pub grant: GrantId,
}

impl GrantedShell {
    /// `rep` logs in, accepts a native customer's session and asks for the shell; the
    /// customer allows it.
    pub async fn start(server: &TestServer, rep: &str) -> GrantedShell {
        let mut rep_client = server.rep(rep).await;
        let mut customer = native_customer(server.addr, rep).await;
        let session_id = customer.session_id;
        accept(&mut rep_client, rep, session_id).await;
        let grant = rep_client
            .request_remote(session_id, Capability::Shell)
            .await;
        customer.allow(grant).await;
        rep_client
            .grant_reaches(grant, switchboard_protocol::GrantState::Granted)
            .await;
        GrantedShell {
            rep: rep_client,
            customer,
            session_id,
            grant,
        }
    }

    /// Both shell sockets, authenticated and attached: (the customer's, the rep's). A ping
    /// answered after `auth` says the server read the `auth` (and did not close).
    pub async fn sockets(&mut self, server: &TestServer) -> (MediaClient, MediaClient) {
        let customer_ticket = self.customer.open_channel(MediaChannel::Shell).await;
        let mut customer = MediaClient::auth(server.addr, &customer_ticket.token).await;
        customer.ping_pong().await;
        let rep_ticket = self.rep.open_shell_media(self.session_id).await;
        let mut rep = MediaClient::auth(server.addr, &rep_ticket.token).await;
        rep.ping_pong().await;
        (customer, rep)
    }
}

/// Shell output `data` at `offset`.
pub fn output(offset: u64, data: &[u8]) -> MediaFrame {
    MediaFrame::ShellOutput {
        offset,
        data: data.to_vec(),
    }
}

/// Shell input `data`.
pub fn input(data: &[u8]) -> MediaFrame {
    MediaFrame::ShellInput {
        data: data.to_vec(),
    }
}

/// `GET /api/sessions/{id}/shell` with `auth` as the `Authorization` header: the status,
/// and the transcript when it is 200.
pub async fn transcript(
    server: &TestServer,
    auth: &str,
    session_id: SessionId,
) -> (u16, Option<ShellTranscript>) {
    let response = reqwest::Client::new()
        .get(server.http(&format!("/api/sessions/{}/shell", session_id.0)))
        .header("Authorization", auth)
        .send()
        .await
        .expect("the transcript request is answered");
    let status = response.status().as_u16();
    if status != 200 {
        return (status, None);
    }
    let body = response
        .json::<ShellTranscript>()
        .await
        .expect("a transcript");
    (status, Some(body))
}

/// A transcript's entries in short words (`started for Alice`, `Alice: echo hi\r`,
/// `out: hi\r\n`, `120x40`, `exit 3`, `omitted N`), to compare whole transcripts at a glance.
pub fn transcript_words(entries: &[TranscriptEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| match entry {
            TranscriptEntry::Started { rep_name, .. } => format!("started for {rep_name}"),
            TranscriptEntry::Input { rep_name, text, .. } => format!("{rep_name}: {text}"),
            TranscriptEntry::Output { text, .. } => format!("out: {text}"),
            TranscriptEntry::Resized { cols, rows, .. } => format!("{cols}x{rows}"),
            TranscriptEntry::Exited { code, .. } => format!("exit {code}"),
            TranscriptEntry::Omitted { bytes, .. } => format!("omitted {bytes}"),
        })
        .collect()
}
