//! Jump Clients seen from the kit: a raw `/ws/jump` agent (connect, `hello`, the next
//! message with the deadline, read to the close), and the rep's and the native customer's
//! side of pinning one (`pin_jump_client` and its `install_jump_client`, the list, `jump`,
//! `jump_client_updated`). One copy for the server's, the customer client's and the
//! console's tests.

use crate::customer::CustomerClient;
use crate::rep::RepClient;
use crate::socket::{Socket, drain_until_closed, next_text, open_socket};
use futures_util::SinkExt;
use std::net::SocketAddr;
use switchboard_protocol::{
    CustomerRequest, CustomerServerMessage, JumpAgentMessage, JumpClientId, JumpClientInfo,
    JumpHello, JumpServerMessage, MachineInfo, OkResult, PROTOCOL_VERSION, RepEvent, RepRequest,
    SessionId, TeamId,
};
use tokio_tungstenite::tungstenite::Message;

/// A machine description with `machine_id` (host `sams-laptop`, a Linux).
pub fn machine(machine_id: &str) -> MachineInfo {
    MachineInfo {
        machine_id: machine_id.into(),
        host: "sams-laptop".into(),
        os: "Linux (Debian GNU/Linux 12)".into(),
    }
}

/// A Jump Client agent's `/ws/jump` connection, spoken raw.
pub struct JumpAgent {
    pub socket: Socket,
}

impl JumpAgent {
    /// Opens `/ws/jump` without saying anything yet.
    pub async fn connect(addr: SocketAddr) -> JumpAgent {
        JumpAgent {
            socket: open_socket(addr, "/ws/jump").await,
        }
    }

    /// Connects and says `hello` with `token` from `machine`; the agent and the server's
    /// first answer (`welcome`, `uninstall` or `error`).
    pub async fn hello(
        addr: SocketAddr,
        token: &str,
        machine: MachineInfo,
    ) -> (JumpAgent, JumpServerMessage) {
        let mut agent = JumpAgent::connect(addr).await;
        let hello = JumpHello::Hello {
            protocol_version: PROTOCOL_VERSION,
            token: token.into(),
            machine,
        };
        agent.raw(&serde_json::to_string(&hello).unwrap()).await;
        let answer = agent.next().await.expect("an answer to hello");
        (agent, answer)
    }

    /// Connects and must be welcomed; the agent.
    pub async fn welcomed(addr: SocketAddr, token: &str, machine: MachineInfo) -> JumpAgent {
        let (agent, answer) = JumpAgent::hello(addr, token, machine).await;
        assert!(
            matches!(answer, JumpServerMessage::Welcome { .. }),
            "hello answered {answer:?}"
        );
        agent
    }

    /// Sends `ping`.
    pub async fn ping(&mut self) {
        let ping = JumpAgentMessage::Ping;
        self.raw(&serde_json::to_string(&ping).unwrap()).await;
    }

    /// Sends a raw text frame.
    pub async fn raw(&mut self, text: &str) {
        self.socket
            .send(Message::Text(text.to_owned().into()))
            .await
            .unwrap();
    }

    /// The next message within the deadline; `None` when the socket closed.
    pub async fn next(&mut self) -> Option<JumpServerMessage> {
        let text = next_text(&mut self.socket).await?;
        Some(serde_json::from_str(&text).expect("a valid /ws/jump frame"))
    }

    /// Reads until the server closes the socket: the messages and the close code.
    pub async fn until_closed(&mut self) -> (Vec<JumpServerMessage>, Option<u16>) {
        let (texts, code) = drain_until_closed(&mut self.socket).await;
        let messages = texts
            .iter()
            .map(|t| serde_json::from_str(t).expect("a valid /ws/jump frame"))
            .collect();
        (messages, code)
    }

    /// Closes the connection from the agent's side.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

impl RepClient {
    /// `pin_jump_client` for the rep (`team: None`) or a team; the new Jump Client's id.
    pub async fn pin_jump_client(
        &mut self,
        session_id: SessionId,
        team: Option<&str>,
        name: &str,
    ) -> JumpClientId {
        match self
            .ok(RepRequest::PinJumpClient {
                session_id,
                team: team.map(TeamId::from),
                name: name.into(),
            })
            .await
        {
            Some(OkResult::JumpClient { jump_client_id }) => jump_client_id,
            other => panic!("pin_jump_client answered {other:?}"),
        }
    }

    /// `list_jump_clients`.
    pub async fn jump_clients(&mut self) -> Vec<JumpClientInfo> {
        match self.ok(RepRequest::ListJumpClients).await {
            Some(OkResult::JumpClients { jump_clients }) => jump_clients,
            other => panic!("list_jump_clients answered {other:?}"),
        }
    }

    /// `jump`; the new session's id.
    pub async fn jump(&mut self, jump_client_id: JumpClientId) -> SessionId {
        match self.ok(RepRequest::Jump { jump_client_id }).await {
            Some(OkResult::JumpSession { session_id }) => session_id,
            other => panic!("jump answered {other:?}"),
        }
    }

    /// Waits (with the deadline) for a `jump_client_updated` of `id` that `pred` accepts.
    /// Earlier updates of that Jump Client are taken on the way (they are stale once a
    /// later one matched); other events stay queued.
    pub async fn jump_client_update(
        &mut self,
        id: JumpClientId,
        pred: impl Fn(&JumpClientInfo) -> bool,
    ) -> JumpClientInfo {
        loop {
            let update = self
                .pick("jump_client_updated", |e| match e {
                    RepEvent::JumpClientUpdated { jump_client }
                        if jump_client.jump_client_id == id =>
                    {
                        Some(jump_client.clone())
                    }
                    _ => None,
                })
                .await;
            if pred(&update) {
                return update;
            }
        }
    }
}

impl CustomerClient {
    /// Waits for `install_jump_client`; the Jump Client's id, token and name.
    pub async fn install_jump_client(&mut self) -> (JumpClientId, String, String) {
        self.pick("install_jump_client", |m| match m {
            CustomerServerMessage::InstallJumpClient {
                jump_client_id,
                token,
                name,
            } => Some((*jump_client_id, token.clone(), name.clone())),
            _ => None,
        })
        .await
    }

    /// Reports `jump_client_result` (installed when `done`).
    pub async fn jump_client_result(&mut self, jump_client_id: JumpClientId, done: bool) {
        self.ok_ticket(CustomerRequest::JumpClientResult {
            jump_client_id,
            done,
            detail: if done {
                String::new()
            } else {
                "could not install".into()
            },
        })
        .await;
    }
}
