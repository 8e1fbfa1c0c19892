//! Jump Clients in tests: Alice pins, lists, jumps and unpins with the test kit's rep client;
//! the real agent (`switchboard_customer::jump`) runs in-process with its places under the
//! temporary home (autostart entries only, never the real systemd), sharing a small
//! synthetic screen; its events and its end are awaited with the deadline. `RepShell` is the
//! rep's side of a shell in the jump session.

use super::shell::ShellScreen;
use std::path::PathBuf;
use switchboard_customer::install::{self, AgentConfig, Places};
use switchboard_customer::jump::{AgentEnd, AgentEvent, AgentSetup, Attended, run_agent};
use switchboard_customer::publish::ScreenChoice;
use switchboard_protocol::media::MediaFrame;
use switchboard_protocol::{
    JumpClientId, JumpClientInfo, JumpClientState, OkResult, RepEvent, RepRequest, SessionId,
};
use switchboard_testkit::media::{MediaClient, Next};
use switchboard_testkit::{DEADLINE, RepClient, TestServer};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Alice pins a Jump Client named `name` on the session's machine (her personal list).
pub async fn pin(alice: &mut RepClient, session_id: SessionId, name: &str) -> JumpClientId {
    let pinned = alice
        .ok(RepRequest::PinJumpClient {
            session_id,
            team: None,
            name: name.into(),
        })
        .await;
    match pinned {
        Some(OkResult::JumpClient { jump_client_id }) => jump_client_id,
        other => panic!("pin_jump_client answered {other:?}"),
    }
}

/// Waits for a `jump_client_updated` of `id` that `pred` accepts; the Jump Client then.
pub async fn updated(
    rep: &mut RepClient,
    id: JumpClientId,
    what: &str,
    pred: impl Fn(&JumpClientInfo) -> bool,
) -> JumpClientInfo {
    rep.pick(what, |e| match e {
        RepEvent::JumpClientUpdated { jump_client }
            if jump_client.jump_client_id == id && pred(jump_client) =>
        {
            Some(jump_client.clone())
        }
        _ => None,
    })
    .await
}

/// Waits until the server has `id` installed (the program reported it).
pub async fn installed(rep: &mut RepClient, id: JumpClientId) -> JumpClientInfo {
    updated(rep, id, "the Jump Client installed", |c| {
        c.state != JumpClientState::Pending
    })
    .await
}

/// Waits until `id` is online (`true`) or offline.
pub async fn online(rep: &mut RepClient, id: JumpClientId, online: bool) -> JumpClientInfo {
    let what = if online { "online" } else { "offline" };
    updated(rep, id, what, |c| c.online == online).await
}

/// The Jump Clients Alice may see.
pub async fn list(rep: &mut RepClient) -> Vec<JumpClientInfo> {
    match rep.ok(RepRequest::ListJumpClients).await {
        Some(OkResult::JumpClients { jump_clients }) => jump_clients,
        other => panic!("list_jump_clients answered {other:?}"),
    }
}

/// Alice jumps to `id`; the new session.
pub async fn jump(rep: &mut RepClient, id: JumpClientId) -> SessionId {
    match rep.ok(RepRequest::Jump { jump_client_id: id }).await {
        Some(OkResult::JumpSession { session_id }) => session_id,
        other => panic!("jump answered {other:?}"),
    }
}

/// Waits until the rep sees the customer of `session_id` connected.
pub async fn customer_connected(rep: &mut RepClient, session_id: SessionId) {
    rep.pick("the jump session's customer connected", |e| match e {
        RepEvent::SessionUpdated { session }
            if session.session_id == session_id && session.customer_connected =>
        {
            Some(())
        }
        RepEvent::SessionJoined { view }
            if view.session.session_id == session_id && view.session.customer_connected =>
        {
            Some(())
        }
        _ => None,
    })
    .await
}

/// The agent's config file for `id` in `places`, and its autostart entry.
pub fn files(places: &Places, id: JumpClientId) -> (PathBuf, PathBuf) {
    let config = places.jump_clients_dir().join(format!("{}.json", id.0));
    let entry = places
        .agent
        .as_ref()
        .unwrap()
        .autostart
        .join(format!("switchboard-jump-{}.desktop", id.0));
    (config, entry)
}

/// The synthetic screen a headless jump session shares.
pub const SCREEN: ScreenChoice = ScreenChoice::Synthetic {
    width: 320,
    height: 240,
    typing: false,
};

/// The real agent, run in-process.
pub struct Agent {
    pub events: mpsc::Receiver<AgentEvent>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<AgentEnd>,
}

impl Agent {
    /// Starts the agent of the config at `config_path` (read now) with `attended`.
    pub fn start(config_path: PathBuf, places: &Places, attended: Attended) -> Agent {
        let config = install::read_agent_config(&config_path).unwrap();
        Agent::start_with(config, config_path, places, attended)
    }

    /// Starts an agent with `config` (which may no longer be on disk).
    pub fn start_with(
        config: AgentConfig,
        config_path: PathBuf,
        places: &Places,
        attended: Attended,
    ) -> Agent {
        let (events_tx, events) = mpsc::channel(64);
        let (stop, stopped) = oneshot::channel::<()>();
        let setup = AgentSetup {
            config,
            config_path,
            places: places.clone(),
            screen: Ok(SCREEN),
            attended,
            events: Some(events_tx),
        };
        let task = tokio::spawn(run_agent(setup, async {
            let _ = stopped.await;
        }));
        Agent {
            events,
            stop: Some(stop),
            task,
        }
    }

    /// Waits for the agent's event that `pred` picks.
    pub async fn event<T>(&mut self, what: &str, pred: impl Fn(&AgentEvent) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(event)) => {
                    if let Some(found) = pred(&event) {
                        return found;
                    }
                }
                Ok(None) => panic!("the agent ended before {what}"),
                Err(_) => panic!("no {what} from the agent within {DEADLINE:?}"),
            }
        }
    }

    /// Waits until the agent is online.
    pub async fn online(&mut self) {
        self.event("online", |e| {
            matches!(e, AgentEvent::Online { .. }).then_some(())
        })
        .await;
    }

    /// Asks the agent to stop; how it ended.
    pub async fn stop(mut self) -> AgentEnd {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.end().await
    }

    /// Waits (deadline) for the agent to end by itself.
    pub async fn end(self) -> AgentEnd {
        tokio::time::timeout(DEADLINE, self.task)
            .await
            .expect("the agent ended in time")
            .expect("the agent's task did not panic")
    }
}

/// The rep's side of a shell: its media socket and what came on it.
pub struct RepShell {
    pub media: MediaClient,
    pub screen: ShellScreen,
}

impl RepShell {
    /// Opens Alice's shell socket in `session_id` (the grant is granted).
    pub async fn open(server: &TestServer, rep: &mut RepClient, session_id: SessionId) -> RepShell {
        let ticket = rep.open_shell_media(session_id).await;
        RepShell {
            media: MediaClient::auth(server.addr, &ticket.token).await,
            screen: ShellScreen::default(),
        }
    }

    pub async fn type_text(&mut self, text: &str) {
        let data = text.as_bytes().to_vec();
        self.media.send(&MediaFrame::ShellInput { data }).await;
    }

    /// Reads (acknowledging) until `needle` appears.
    pub async fn read_until(&mut self, needle: &str) {
        while !self.screen.find(needle) {
            match self.media.next_within(DEADLINE).await {
                Next::Binary(bytes) => {
                    let frame = switchboard_protocol::media::decode_media(&bytes).unwrap();
                    self.screen.take(&frame);
                    let offset = self.screen.received();
                    self.media.send(&MediaFrame::ShellAck { offset }).await;
                }
                other => panic!(
                    "waiting for {needle:?}: {other:?}; output ends {:?}",
                    self.screen.tail(300)
                ),
            }
        }
    }
}
