//! The customer's session, headless: [`CustomerSession::start`] connects to `/ws/customer` as
//! the native client, and an actor task (`actor.rs`) then carries the chat, answers consent
//! by the [`Policy`] (`consent.rs`; or leaves it to the UI), runs the publisher while the
//! screen is granted and the shell (`actor/shell_grant.rs`, `crate::shell::link`) while a
//! shell is. The UI (or a test, or the console's demo) sends commands through the handle and
//! reads [`SessionEvent`]s. Stop acts on the shared grant view first (`grants.rs`), so
//! capture, injection and the shell end before the network hears of it.
//!
//! Started with the program's [`Places`] ([`CustomerSession::start_installed`], the window),
//! the session describes the machine by its kept id, writes and deletes Support Buttons'
//! launchers, and removes the program when a rep closes with uninstall
//! (`actor/install.rs`, `crate::install`); started without ([`CustomerSession::start`]:
//! simulated customers, most tests) it touches nothing on the computer. `notes.rs` holds the
//! program's own chat lines. [`CustomerSession::join`] enters a session a rep started (a jump
//! to this machine's Jump Client, `crate::jump`) with a `resume` hello and its token; the
//! actor installs a Jump Client's agent when told (`install_jump_client`).
//! [`CustomerSession::join_with_code`] takes over a web customer's session with the one-time
//! code a rep offered (`join` hello, `join_code.rs`); from then on it is a started session
//! like any other, resumed after a drop with the new token `session_started` gave.

mod actor;
mod consent;
mod grants;
mod join_code;
pub mod notes;
mod simulated;

pub use consent::{
    Answer, Policy, SHELL_UNAVAILABLE, elevation_support, shell_request_support, shell_support,
};
pub use grants::{
    GrantView, ShareState, ShellUser, Viewer, banner_text, prompt_text, shell_banner_text,
};
pub use join_code::{JOIN_CODE_DIGITS, JoinCode, JoinCodeError};
pub use simulated::run_simulated_customer;

use crate::install::Places;
use crate::publish::{PublishStats, ScreenChoice};
use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, Mutex};
use switchboard_protocol::{
    ChatMessage, ClientKind, CustomerHello, CustomerInfo, CustomerServerMessage, ErrorCode,
    GrantId, GrantInfo, PROTOCOL_VERSION, Route, SessionId,
};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// What a session is started with.
#[derive(Clone)]
pub struct SessionConfig {
    /// The server's base URL, `http://host:port`.
    pub server: String,
    pub customer: CustomerInfo,
    pub route: Route,
    pub policy: Policy,
    /// What to share when asked; `Err` holds why this machine cannot share (Wayland, no
    /// display): requests are then denied and the reason is told to the customer.
    pub screen: Result<ScreenChoice, String>,
    /// Called after every event is queued (the window asks egui for a repaint).
    pub wake: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Test and operations plumbing, empty normally: a command the elevation tool (`su`,
    /// `pkexec`) is run through, such as `runuser -u sbcustomer --` for tests that run as
    /// root but must elevate as an unprivileged customer would (`elevate::ElevateOptions`'s
    /// `run_as`). Set only by whoever starts the program; nothing from the network sets it.
    pub elevate_run_as: Vec<std::ffi::OsString>,
}

/// What happened, for the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// Waiting in a queue: place (1 = next) and a rough wait.
    QueueStatus {
        position: u32,
        estimated_wait_secs: u32,
    },
    /// A public message: a rep's, the server's, or the customer's own (from its `ok`).
    Chat(ChatMessage),
    RepJoined(String),
    RepLeft(String),
    /// The grants changed: requests waiting for an answer, and who views, controls or has
    /// the shell now.
    Grants {
        prompts: Vec<GrantInfo>,
        share: ShareState,
    },
    /// Something the customer should read (a refused request, a capture problem).
    Notice(String),
    /// A line of this program's own for the chat (a Support Button added or removed, a
    /// rep's card of steps).
    Note(String),
    /// The session is over for this customer (with the server's words, or why).
    Ended(String),
    /// The connection to the server dropped; the session is being resumed (sharing has
    /// stopped here, and the server ends its grants).
    Reconnecting,
    /// Back in the session after a drop, with the reps in it now.
    Reconnected {
        reps: Vec<String>,
    },
    /// After [`SessionEvent::Ended`], when the rep closed with uninstall: the program removed
    /// what it keeps here (these words say what, or what could not go). The program should
    /// now say so and exit.
    Uninstalled(String),
}

/// What the UI asks of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Chat(String),
    Answer {
        grant_id: GrantId,
        allow: bool,
    },
    /// Tell the server to stop every grant (the local stop has happened already).
    StopAll,
    /// The customer is done.
    Leave,
}

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot reach the server: {0}")]
    Connect(tokio_tungstenite::tungstenite::Error),
    #[error("the server refused: {message} ({code:?})")]
    Refused { code: ErrorCode, message: String },
    #[error("the server closed the connection before answering")]
    NoAnswer,
    #[error("the server's answer was not understood: {0}")]
    BadAnswer(String),
    #[error("the server did not answer within {0:?}")]
    Timeout(std::time::Duration),
    /// A session joined by its token was over already.
    #[error("the session is over")]
    Over,
}

impl SessionError {
    /// What the customer reads: a refusal in the server's own words (such as "This Support
    /// Button is no longer active. Ask your support team for a new one." or a join code's
    /// "That code is not valid: …"), a server out of reach as what to check (the details
    /// after), anything else as the error says it.
    pub fn for_customer(&self) -> String {
        match self {
            SessionError::Refused { message, .. } => message.clone(),
            SessionError::Connect(error) => format!(
                "Could not reach the support server. Check the server address and your \
                 internet connection, then try again. ({error})"
            ),
            other => other.to_string(),
        }
    }
}

/// How long connecting and the server's answer to the hello may take together: a server
/// that accepts the connection and then says nothing must not hold the window (or a resume)
/// for ever.
const HANDSHAKE_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The grant view shared by the handle (Stop) and the actor (the server's lists), and the
/// share state derived from it that the publisher and the worker watch.
pub(crate) struct Shared {
    view: Mutex<GrantView>,
    share: watch::Sender<ShareState>,
}

impl Shared {
    /// Applies `change` to the grant view and publishes the share state if it changed.
    pub(crate) fn update<T>(&self, change: impl FnOnce(&mut GrantView) -> T) -> (T, GrantView) {
        let mut view = self
            .view
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let result = change(&mut view);
        let state = view.share_state();
        self.share.send_if_modified(|current| {
            let changed = *current != state;
            *current = state;
            changed
        });
        (result, view.clone())
    }
}

/// The handle to a running session.
pub struct CustomerSession {
    pub session_id: SessionId,
    /// The token that resumes this session.
    pub customer_token: String,
    commands: mpsc::UnboundedSender<Command>,
    shared: Arc<Shared>,
    stats: watch::Receiver<PublishStats>,
}

impl CustomerSession {
    /// Starts a session as the native client that keeps nothing on this computer (simulated
    /// customers, tests): the machine is described with an id for this run only, Support
    /// Buttons are reported as not written, and an uninstall removes nothing. The events
    /// arrive on the returned receiver, the first being the chat so far (empty for a new
    /// session).
    pub async fn start(
        config: SessionConfig,
    ) -> Result<(CustomerSession, mpsc::UnboundedReceiver<SessionEvent>), SessionError> {
        Self::start_with(config, None).await
    }

    /// Starts a session as the installed program, keeping its things in `places`: the machine
    /// id, Support Buttons' launchers, and what an uninstall removes.
    pub async fn start_installed(
        config: SessionConfig,
        places: Places,
    ) -> Result<(CustomerSession, mpsc::UnboundedReceiver<SessionEvent>), SessionError> {
        Self::start_with(config, Some(places)).await
    }

    /// Joins session `session_id`, which a rep started, with its customer token (a `resume`
    /// hello): a Jump Client's agent when a rep jumps to this machine, or the window it
    /// opens for that session. `config`'s customer and route are not used (the session has
    /// them); a session that is over already is refused with [`SessionError::Over`].
    pub async fn join(
        config: SessionConfig,
        places: Option<Places>,
        session_id: SessionId,
        customer_token: String,
    ) -> Result<(CustomerSession, mpsc::UnboundedReceiver<SessionEvent>), SessionError> {
        let hello = CustomerHello::Resume {
            protocol_version: PROTOCOL_VERSION,
            session_id,
            customer_token,
        };
        Self::open(config, places, hello, None).await
    }

    /// Takes over a web customer's session with the one-time `code` a rep offered
    /// (`offer_client`; "Click-to-chat → full client"): a `join` hello as the native client.
    /// The events start with the chat so far and [`notes::JOINED_WITH_CODE`]; then it runs
    /// as a started session (consent, screen, shell, Stop), resumed after a drop with the
    /// new token. `config`'s customer and route are not used (the session has them). A
    /// wrong, used or expired code is refused `key_invalid`, too many wrong ones
    /// `rate_limited` (both [`SessionError::Refused`], in the server's words).
    pub async fn join_with_code(
        config: SessionConfig,
        places: Option<Places>,
        code: &JoinCode,
    ) -> Result<(CustomerSession, mpsc::UnboundedReceiver<SessionEvent>), SessionError> {
        let hello = CustomerHello::Join {
            protocol_version: PROTOCOL_VERSION,
            code: code.digits().to_owned(),
        };
        let note = Some(notes::JOINED_WITH_CODE.to_owned());
        Self::open(config, places, hello, note).await
    }

    async fn start_with(
        config: SessionConfig,
        places: Option<Places>,
    ) -> Result<(CustomerSession, mpsc::UnboundedReceiver<SessionEvent>), SessionError> {
        let hello = CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            customer: config.customer.clone(),
            route: config.route.clone(),
            client: ClientKind::Native,
        };
        Self::open(config, places, hello, None).await
    }

    /// Says `hello` (start, resume or join) and runs the session's actor; `note`, if any, is
    /// the program's own line after the chat so far.
    async fn open(
        config: SessionConfig,
        places: Option<Places>,
        hello: CustomerHello,
        note: Option<String>,
    ) -> Result<(CustomerSession, mpsc::UnboundedReceiver<SessionEvent>), SessionError> {
        let (socket, started) = handshake(&config.server, &hello).await?;
        let Started {
            session_id,
            customer_token,
            chat,
            reps,
            grants,
            ended,
        } = started;
        if ended {
            return Err(SessionError::Over);
        }
        let (share, _) = watch::channel(ShareState::default());
        let shared = Arc::new(Shared {
            view: Mutex::new(GrantView::default()),
            share,
        });
        let (commands, command_rx) = mpsc::unbounded_channel();
        let (events, event_rx) = mpsc::unbounded_channel();
        let (stats_tx, stats) = watch::channel(PublishStats::default());
        let wake = config.wake.clone();
        let emit = move |event: SessionEvent| {
            let _ = events.send(event);
            if let Some(wake) = &wake {
                wake();
            }
        };
        let seen = chat.iter().map(|m| m.id).collect();
        for message in chat {
            emit(SessionEvent::Chat(message));
        }
        if let Some(note) = note {
            emit(SessionEvent::Note(note));
        }
        for name in &reps {
            emit(SessionEvent::RepJoined(name.clone()));
        }
        let resume = actor::Resume {
            session_id,
            customer_token: customer_token.clone(),
            seen,
            reps,
        };
        let mut actor = actor::Actor::new(
            config,
            socket,
            resume,
            shared.clone(),
            Box::new(emit),
            stats_tx,
            places.map(Arc::new),
        );
        actor.introduce().await;
        tokio::spawn(actor.run(command_rx, grants));
        Ok((
            CustomerSession {
                session_id,
                customer_token,
                commands,
                shared,
                stats,
            },
            event_rx,
        ))
    }

    /// Sends a chat line to the reps.
    pub fn send_chat(&self, text: impl Into<String>) {
        let _ = self.commands.send(Command::Chat(text.into()));
    }

    /// Allows or denies a waiting request.
    pub fn answer(&self, grant_id: GrantId, allow: bool) {
        let _ = self.commands.send(Command::Answer { grant_id, allow });
    }

    /// Stop: ends capture, injection and the shell here at once, then tells the server.
    pub fn stop_sharing(&self) {
        self.shared.update(GrantView::stop_all);
        let _ = self.commands.send(Command::StopAll);
    }

    /// Leaves the session.
    pub fn leave(&self) {
        let _ = self.commands.send(Command::Leave);
    }

    /// Who views, controls or has the shell now; changes as grants change.
    pub fn share_state(&self) -> watch::Receiver<ShareState> {
        self.shared.share.subscribe()
    }

    /// The publisher's counters (updates and bytes sent, the frame rate cap).
    pub fn publish_stats(&self) -> PublishStats {
        *self.stats.borrow()
    }

    /// A cheap way to Stop from another thread (the hotkey), without the handle.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            shared: self.shared.clone(),
            commands: self.commands.clone(),
        }
    }
}

/// Stops sharing from anywhere (the global hotkey's thread).
#[derive(Clone)]
pub struct Stopper {
    shared: Arc<Shared>,
    commands: mpsc::UnboundedSender<Command>,
}

impl Stopper {
    /// The same as [`CustomerSession::stop_sharing`].
    pub fn stop(&self) {
        self.shared.update(GrantView::stop_all);
        let _ = self.commands.send(Command::StopAll);
    }
}

/// What `session_started` said.
pub(super) struct Started {
    pub session_id: SessionId,
    pub customer_token: String,
    pub chat: Vec<switchboard_protocol::ChatMessage>,
    pub reps: Vec<String>,
    pub grants: Vec<GrantInfo>,
    /// The session was already over (a resume too late).
    pub ended: bool,
}

/// Opens `/ws/customer`, sends `hello` (start, resume or join) and reads the answer, within
/// [`HANDSHAKE_LIMIT`].
pub(super) async fn handshake(
    server: &str,
    hello: &CustomerHello,
) -> Result<(actor::Socket, Started), SessionError> {
    tokio::time::timeout(HANDSHAKE_LIMIT, handshake_unbounded(server, hello))
        .await
        .map_err(|_| SessionError::Timeout(HANDSHAKE_LIMIT))?
}

async fn handshake_unbounded(
    server: &str,
    hello: &CustomerHello,
) -> Result<(actor::Socket, Started), SessionError> {
    let url = format!("{}/ws/customer", ws_base(server));
    let (mut socket, _) = crate::tls::connect(url.as_str(), None)
        .await
        .map_err(SessionError::Connect)?;
    let text = serde_json::to_string(hello).map_err(|e| SessionError::BadAnswer(e.to_string()))?;
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(SessionError::Connect)?;
    let answer = loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => break text,
            Some(Ok(Message::Close(_))) | None => return Err(SessionError::NoAnswer),
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Err(SessionError::Connect(error)),
        }
    };
    let message: CustomerServerMessage = serde_json::from_str(answer.as_str())
        .map_err(|e| SessionError::BadAnswer(e.to_string()))?;
    match message {
        CustomerServerMessage::SessionStarted {
            session_id,
            customer_token,
            chat,
            reps,
            grants,
            ended,
            ..
        } => Ok((
            socket,
            Started {
                session_id,
                customer_token,
                chat,
                reps,
                grants,
                ended,
            },
        )),
        CustomerServerMessage::Error { code, message, .. } => {
            Err(SessionError::Refused { code, message })
        }
        other => Err(SessionError::BadAnswer(format!("{other:?}"))),
    }
}

/// `ws://host:port` for a base URL like `http://host:port` (`https` becomes `wss`).
pub fn ws_base(server: &str) -> String {
    let base = server.trim().trim_end_matches('/');
    if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else if base.starts_with("ws://") || base.starts_with("wss://") {
        base.to_owned()
    } else {
        format!("ws://{base}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refusal reads in the server's words; a server out of reach says what to check.
    #[test]
    fn errors_read_in_plain_words() {
        let refused = SessionError::Refused {
            code: ErrorCode::KeyInvalid,
            message: "That code is not valid.".into(),
        };
        assert_eq!(refused.for_customer(), "That code is not valid.");
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let unreachable = SessionError::Connect(io.into());
        assert!(
            unreachable
                .for_customer()
                .starts_with("Could not reach the support server. Check the server address"),
            "{}",
            unreachable.for_customer()
        );
    }

    #[test]
    fn base_urls_become_websocket_urls() {
        assert_eq!(ws_base("http://127.0.0.1:8080/"), "ws://127.0.0.1:8080");
        assert_eq!(
            ws_base("https://help.example.com"),
            "wss://help.example.com"
        );
        assert_eq!(ws_base("127.0.0.1:9"), "ws://127.0.0.1:9");
        assert_eq!(crate::publish::media_url("http://h:1"), "ws://h:1/ws/media");
    }
}
