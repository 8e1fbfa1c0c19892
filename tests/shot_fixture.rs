//! Not a check: the customer's half of `docs/screenshots/take_shell.sh`, which photographs
//! the Shell view and the Support Buttons window. It starts the real server with the kit's
//! test configuration (where `alice` may open shells and deploy buttons, unlike the demo's
//! reps), writes its URL to `$SHOT_DIR/url`, and plays a native customer "Sam Lee" on
//! `laptop`: it allows the shell the console asks for, prints a few commands' output on it
//! once the console's terminal has its size, and installs the Support Button the console
//! deploys. Ignored unless run by the script (`-- --ignored`); every wait is bounded.

#![allow(clippy::unwrap_used)]

use futures_util::StreamExt as _;
use std::path::Path;
use std::time::Duration;
use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{
    Capability, CustomerRequest, CustomerServerMessage, GrantState, MachineInfo, MediaChannel,
};
use switchboard_testkit::media::{MediaClient, Next};
use switchboard_testkit::remote::native_customer;
use switchboard_testkit::shell::output;
use switchboard_testkit::{CustomerClient, ServerThread};
use tokio_tungstenite::tungstenite::Message;

/// How long each step waits for the script (and the rep it plays) at most.
const STEP_LIMIT: Duration = Duration::from_secs(180);
/// How often a wait looks whether the script is still there.
const SLICE: Duration = Duration::from_millis(500);

/// What the customer's "shell" prints: a coloured prompt and three commands.
fn transcript() -> Vec<u8> {
    let prompt = "\x1b[1;32msam@laptop\x1b[0m:\x1b[1;34m~\x1b[0m$ ";
    let mut out = String::new();
    out += &format!("{prompt}uname -srm\r\nLinux 6.8.0-45-generic x86_64\r\n");
    out += &format!(
        "{prompt}lpstat -p\r\nprinter \x1b[1mOffice_LaserJet\x1b[0m disabled since Mon 09:12 -\r\n\treason unknown\r\n"
    );
    out += &format!(
        "{prompt}systemctl status cups --no-pager | head -3\r\n\x1b[1;31m×\x1b[0m cups.service - CUPS Scheduler\r\n     Loaded: loaded (/lib/systemd/system/cups.service; enabled)\r\n     Active: \x1b[1;31mfailed\x1b[0m (Result: exit-code) since Mon 09:12:40 CET\r\n"
    );
    out += &format!(
        "{prompt}df -h /\r\nFilesystem      Size  Used Avail Use% Mounted on\r\n/dev/nvme0n1p2  468G  391G   54G  88% /\r\n{prompt}"
    );
    out.into_bytes()
}

/// The next message to the customer within `STEP_LIMIT` (the kit's own waits are shorter
/// than a person, or a script, takes); gives up as soon as the script is gone (`url`
/// removed from `dir`).
async fn next_message(customer: &mut CustomerClient, dir: &Path) -> CustomerServerMessage {
    if let Some(message) = customer.inbox.pop_front() {
        return message;
    }
    let deadline = tokio::time::Instant::now() + STEP_LIMIT;
    loop {
        assert!(dir.join("url").exists(), "the script stopped");
        assert!(
            tokio::time::Instant::now() < deadline,
            "the script went on within the step limit"
        );
        let Ok(frame) = tokio::time::timeout(SLICE, customer.socket.next()).await else {
            continue;
        };
        match frame {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
            Some(Ok(_)) => continue,
            other => panic!("the customer's socket closed: {other:?}"),
        }
    }
}

/// The next frame from the console on the shell socket, likewise.
async fn next_frame(shell: &mut MediaClient, dir: &Path) -> MediaFrame {
    let deadline = tokio::time::Instant::now() + STEP_LIMIT;
    loop {
        assert!(dir.join("url").exists(), "the script stopped");
        assert!(
            tokio::time::Instant::now() < deadline,
            "the console's shell stream came within the step limit"
        );
        match shell.next_within(SLICE).await {
            Next::Binary(bytes) => {
                return switchboard_protocol::media::decode_media(&bytes).unwrap();
            }
            Next::Nothing => continue,
            Next::Closed(code) => panic!("the shell socket closed ({code:?})"),
        }
    }
}

/// Plays the customer for the screenshot script.
#[test]
#[ignore = "run by docs/screenshots/take_shell.sh"]
fn screenshot_customer() {
    let dir = std::path::PathBuf::from(std::env::var("SHOT_DIR").expect("SHOT_DIR is set"));
    let server = ServerThread::start_with(switchboard_testkit::test_config());
    let mut customer = server.block_on(async {
        let mut customer = native_customer(server.addr(), "alice").await;
        customer
            .ok_ticket(CustomerRequest::DescribeMachine {
                machine: MachineInfo {
                    machine_id: "test-machine-0001".into(),
                    host: "laptop".into(),
                    os: "Linux".into(),
                },
            })
            .await;
        customer
    });
    std::fs::write(dir.join("url"), server.url()).unwrap();

    server.block_on(async {
        // The rep asks for the shell: allowed.
        let grant = loop {
            if let CustomerServerMessage::RemoteUpdated { grants } =
                next_message(&mut customer, &dir).await
                && let Some(grant) = grants
                    .iter()
                    .find(|g| g.capability == Capability::Shell && g.state == GrantState::Prompting)
            {
                break grant.grant_id;
            }
        };
        customer
            .ok_ticket(CustomerRequest::AnswerRemote {
                grant_id: grant,
                allow: true,
            })
            .await;
        customer.sees_grant(grant, GrantState::Granted).await;
        let ticket = customer.open_channel(MediaChannel::Shell).await;
        let mut shell = MediaClient::auth(server.addr(), &ticket.token).await;
        // Printed once the console's terminal said its size (so it wraps as drawn).
        while !matches!(
            next_frame(&mut shell, &dir).await,
            MediaFrame::ShellResize { .. }
        ) {}
        shell.send(&output(0, &transcript())).await;
        std::fs::write(dir.join("shell"), "printed").unwrap();

        // The rep deploys a Support Button: installed.
        let button_id = loop {
            if let CustomerServerMessage::InstallButton { button_id, .. } =
                next_message(&mut customer, &dir).await
            {
                break button_id;
            }
        };
        customer
            .ok_ticket(CustomerRequest::ButtonResult {
                button_id,
                done: true,
                detail: String::new(),
            })
            .await;
        std::fs::write(dir.join("button"), "installed").unwrap();
        // Until the script is done (it removes the directory's `url`), the session stays.
        let deadline = tokio::time::Instant::now() + STEP_LIMIT;
        while dir.join("url").exists() && tokio::time::Instant::now() < deadline {
            let _ = shell.next_within(SLICE).await;
        }
    });
}
