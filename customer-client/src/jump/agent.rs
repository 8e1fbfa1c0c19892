//! A Jump Client's agent: keeps `GET /ws/jump` open for as long as it runs, so reps can
//! jump to this machine. Its loop: connect, say `hello {protocol_version, token, machine}`
//! (the machine by its kept id, as `describe_machine` does), read the answer within
//! [`HELLO_LIMIT`]:
//!
//! - `welcome`: online. `ping` every [`PING_EVERY`] (a server silent for [`SILENT_LIMIT`]
//!   is gone); `jump` starts a session (`sessions.rs`); `uninstall` removes the agent's
//!   files and ends it; a loss of any kind connects again after a wait (`backoff.rs`: 1 s
//!   doubling to 60 s, with jitter; straight to the cap when another agent with the same
//!   token replaced this one).
//! - `uninstall` instead of `welcome` (unpinned while this agent was offline): the same.
//! - `error unauthorized`: the token is revoked or unknown: the agent stops for good and
//!   asks no more.
//! - anything else (no answer, another error, a refused connection): try again later.
//!
//! The agent also ends when its config file is gone (the customer removed it with
//! `--remove-jump-clients`), checked at each ping, and when `shutdown` resolves (tests; the
//! program's end). Its memory is bounded: frames of at most 64 KiB, a fixed number of
//! sessions, events that are dropped rather than queued when nobody reads them.

use super::backoff::{Backoff, STABLE};
use super::sessions::{Attended, Jump, JumpContext, JumpSessions, Shown};
use crate::install::{self, AgentConfig, Places};
use crate::publish::ScreenChoice;
use futures_util::{SinkExt, StreamExt};
use std::path::PathBuf;
use std::time::Duration;
use switchboard_protocol::{
    CLOSE_REPLACED, ErrorCode, JumpAgentMessage, JumpHello, JumpPolicy, JumpServerMessage,
    MAX_FRAME_BYTES, MachineInfo, PROTOCOL_VERSION, SessionId,
};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long connecting and the server's answer to the hello may take together.
pub const HELLO_LIMIT: Duration = Duration::from_secs(10);
/// How often the agent pings the server.
pub const PING_EVERY: Duration = Duration::from_secs(25);
/// A server that sent nothing for this long (two pings unanswered) is taken as gone.
pub const SILENT_LIMIT: Duration = Duration::from_secs(60);

/// What the agent runs with.
pub struct AgentSetup {
    pub config: AgentConfig,
    /// The config's file: while it is there the agent runs; removed with the agent.
    pub config_path: PathBuf,
    /// This user's places (the data folder is taken from the config).
    pub places: Places,
    /// What a headless jump session shares: the real screen when there is one, the
    /// synthetic one in tests, or why none can be.
    pub screen: Result<ScreenChoice, String>,
    /// How `notify` and `ask` jumps are shown.
    pub attended: Attended,
    /// Where the agent tells what happens (dropped when full); `None`: only the log.
    pub events: Option<mpsc::Sender<AgentEvent>>,
}

/// What happened, for tests and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentEvent {
    /// Connecting (try `attempt`, 0 the first).
    Connecting { attempt: u32 },
    /// Welcomed: reps see the Jump Client online.
    Online { name: String },
    /// Not connected; connecting again after `retry_in`.
    Offline { why: String, retry_in: Duration },
    /// A rep jumped; the session runs as `shown`.
    Jumped {
        session_id: SessionId,
        rep_name: String,
        policy: JumpPolicy,
        shown: Shown,
    },
    /// A jump session could not be joined or run.
    JumpFailed { session_id: SessionId, why: String },
    /// A jump session ended for this machine.
    JumpEnded { session_id: SessionId },
}

/// Why the agent stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentEnd {
    /// Unpinned: its files were removed (or, the words say, could not all be).
    Uninstalled(Result<(), String>),
    /// The server refused its token (`unauthorized`): it asks no more.
    Refused(String),
    /// Its config file was removed on this computer.
    ConfigGone,
    /// `shutdown` resolved.
    Stopped,
}

/// How one connection ended.
enum Connection {
    Lost { why: String, replaced: bool },
    Uninstall,
    Refused(String),
    ConfigGone,
    Stopped,
}

/// Runs the agent until it is unpinned, refused, its config goes, or `shutdown` resolves.
pub async fn run_agent(setup: AgentSetup, shutdown: impl Future<Output = ()>) -> AgentEnd {
    let mut places = setup.places.clone();
    places.data_dir = setup.config.data_dir.clone();
    let described = {
        let places = places.clone();
        tokio::task::spawn_blocking(move || install::describe_machine(Some(&places))).await
    };
    let machine = match described {
        Ok(machine) => machine,
        Err(error) => {
            tracing::error!(%error, "describing the machine failed");
            install::describe_machine(None)
        }
    };
    let mut agent = Agent {
        context: JumpContext {
            server: setup.config.server.clone(),
            places,
            screen: setup.screen,
            attended: setup.attended,
            events: setup.events,
        },
        config: setup.config,
        config_path: setup.config_path,
        machine,
        sessions: JumpSessions::default(),
    };
    tokio::pin!(shutdown);
    let end = agent.run(&mut shutdown).await;
    agent.sessions.end_all();
    end
}

struct Agent {
    config: AgentConfig,
    config_path: PathBuf,
    machine: MachineInfo,
    context: JumpContext,
    sessions: JumpSessions,
}

impl Agent {
    async fn run(
        &mut self,
        shutdown: &mut std::pin::Pin<&mut impl Future<Output = ()>>,
    ) -> AgentEnd {
        let mut backoff = Backoff::default();
        for attempt in 0u32.. {
            self.context.emit(AgentEvent::Connecting { attempt });
            let connected = tokio::select! {
                // The agent is asked to stop.
                () = &mut *shutdown => return AgentEnd::Stopped,
                // Connect and say hello, within the limit.
                connected = tokio::time::timeout(HELLO_LIMIT, self.connect()) => connected
                    .unwrap_or_else(|_| Err(format!("no answer within {HELLO_LIMIT:?}"))),
            };
            let why = match connected {
                Ok((socket, JumpServerMessage::Welcome { name, .. })) => {
                    tracing::info!(%name, "Jump Client online");
                    self.context.emit(AgentEvent::Online { name });
                    let since = Instant::now();
                    match self.online(socket, shutdown).await {
                        Connection::Lost { why, replaced } => {
                            if replaced {
                                backoff.to_cap();
                            } else if since.elapsed() >= STABLE {
                                backoff.reset();
                            }
                            why
                        }
                        Connection::Uninstall => return self.uninstall().await,
                        Connection::Refused(message) => return AgentEnd::Refused(message),
                        Connection::ConfigGone => return AgentEnd::ConfigGone,
                        Connection::Stopped => return AgentEnd::Stopped,
                    }
                }
                Ok((_, JumpServerMessage::Uninstall)) => return self.uninstall().await,
                Ok((_, JumpServerMessage::Error { code, message })) => {
                    if code == ErrorCode::Unauthorized {
                        tracing::warn!(%message, "the Jump Client's token was refused; the agent stops");
                        return AgentEnd::Refused(message);
                    }
                    format!("the server refused: {message} ({code:?})")
                }
                Ok((_, other)) => format!("an unexpected answer: {other:?}"),
                Err(why) => why,
            };
            if !self.config_path.exists() {
                return AgentEnd::ConfigGone;
            }
            let retry_in = backoff.next_wait();
            tracing::debug!(%why, ?retry_in, "Jump Client offline");
            self.context.emit(AgentEvent::Offline { why, retry_in });
            tokio::select! {
                () = &mut *shutdown => return AgentEnd::Stopped,
                () = tokio::time::sleep(retry_in) => {}
            }
        }
        AgentEnd::Stopped
    }

    /// Opens `/ws/jump` and says hello; the server's first answer.
    async fn connect(&self) -> Result<(Socket, JumpServerMessage), String> {
        let url = format!("{}/ws/jump", crate::session::ws_base(&self.config.server));
        let limits = WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME_BYTES))
            .max_frame_size(Some(MAX_FRAME_BYTES));
        let (mut socket, _) = crate::tls::connect(url.as_str(), Some(limits))
            .await
            .map_err(|e| format!("cannot reach the server: {e}"))?;
        let hello = JumpHello::Hello {
            protocol_version: PROTOCOL_VERSION,
            token: self.config.token.clone(),
            machine: self.machine.clone(),
        };
        let text = serde_json::to_string(&hello).map_err(|e| e.to_string())?;
        socket
            .send(Message::Text(text.into()))
            .await
            .map_err(|e| format!("the hello was not sent: {e}"))?;
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let answer = serde_json::from_str::<JumpServerMessage>(text.as_str())
                        .map_err(|e| format!("an unreadable answer: {e}"))?;
                    return Ok((socket, answer));
                }
                Some(Ok(Message::Close(close))) => {
                    return Err(format!("closed before answering ({close:?})"));
                }
                None => return Err("closed before answering".into()),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(format!("the connection failed: {error}")),
            }
        }
    }

    /// Welcomed: pings, jumps, until the connection ends (or the agent does).
    async fn online(
        &mut self,
        mut socket: Socket,
        shutdown: &mut std::pin::Pin<&mut impl Future<Output = ()>>,
    ) -> Connection {
        let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                // The agent is asked to stop: close politely (briefly) and go.
                () = &mut *shutdown => {
                    let _ = tokio::time::timeout(Duration::from_millis(500), socket.close(None)).await;
                    return Connection::Stopped;
                }
                // The server speaks, or the connection ends.
                message = socket.next() => {
                    heard = Instant::now();
                    match message {
                        Some(Ok(Message::Text(text))) => {
                            match serde_json::from_str::<JumpServerMessage>(text.as_str()) {
                                Ok(message) => {
                                    if let Some(end) = self.server_message(message) {
                                        return end;
                                    }
                                }
                                Err(error) => tracing::warn!(%error, "an unreadable server message"),
                            }
                        }
                        Some(Ok(Message::Close(close))) => {
                            let replaced = close.as_ref().is_some_and(|c| u16::from(c.code) == CLOSE_REPLACED);
                            return Connection::Lost { why: format!("the server closed ({close:?})"), replaced };
                        }
                        Some(Ok(_)) => {}
                        Some(Err(error)) => {
                            return Connection::Lost { why: format!("the connection failed: {error}"), replaced: false };
                        }
                        None => return Connection::Lost { why: "the connection ended".into(), replaced: false },
                    }
                }
                // Keep the connection awake; give up on a silent server; notice a removed config.
                _ = ping.tick() => {
                    if !self.config_path.exists() {
                        let _ = tokio::time::timeout(Duration::from_millis(500), socket.close(None)).await;
                        return Connection::ConfigGone;
                    }
                    if heard.elapsed() >= SILENT_LIMIT {
                        return Connection::Lost { why: "the server went silent".into(), replaced: false };
                    }
                    let ping = serde_json::to_string(&JumpAgentMessage::Ping).unwrap_or_default();
                    if let Err(error) = socket.send(Message::Text(ping.into())).await {
                        return Connection::Lost { why: format!("a ping failed: {error}"), replaced: false };
                    }
                }
            }
        }
    }

    /// One message while online; `Some` when it ends the connection.
    fn server_message(&mut self, message: JumpServerMessage) -> Option<Connection> {
        match message {
            JumpServerMessage::Jump {
                session_id,
                customer_token,
                rep_name,
                policy,
            } => {
                let jump = Jump {
                    session_id,
                    customer_token,
                    rep_name: rep_name.clone(),
                    policy,
                };
                match self.sessions.start(jump, &self.context) {
                    Ok(shown) => {
                        tracing::info!(%session_id, %rep_name, ?policy, ?shown, "a rep jumped");
                        self.context.emit(AgentEvent::Jumped {
                            session_id,
                            rep_name,
                            policy,
                            shown,
                        });
                    }
                    Err(why) => {
                        tracing::warn!(%session_id, %why, "a jump refused");
                        self.context
                            .emit(AgentEvent::JumpFailed { session_id, why });
                    }
                }
                None
            }
            JumpServerMessage::Pong | JumpServerMessage::Welcome { .. } => None,
            JumpServerMessage::Uninstall => Some(Connection::Uninstall),
            JumpServerMessage::Error { code, message } => {
                if code == ErrorCode::Unauthorized {
                    Some(Connection::Refused(message))
                } else {
                    // The socket closes after it; the loss is handled then.
                    tracing::warn!(%message, ?code, "the server refused");
                    None
                }
            }
        }
    }

    /// Unpinned: ends the sessions run here and removes the agent's files.
    async fn uninstall(&mut self) -> AgentEnd {
        self.sessions.end_all();
        let places = self.context.places.clone();
        let path = self.config_path.clone();
        let config = self.config.clone();
        let removed = tokio::task::spawn_blocking(move || {
            install::remove_jump_client(&places, &path, &config, false)
        })
        .await;
        let removed = match removed {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(error) => Err(error.to_string()),
        };
        match &removed {
            Ok(()) => tracing::info!("Jump Client unpinned: the agent removed itself"),
            Err(why) => {
                tracing::error!(%why, "Jump Client unpinned, but its files could not all be removed")
            }
        }
        AgentEnd::Uninstalled(removed)
    }
}

/// Starts the agent of the config at `config_path` (the program's `--jump-agent`): reads
/// it, then runs until the agent ends (`shutdown`: the program is asked to stop).
pub async fn run_from_config(
    config_path: PathBuf,
    places: Places,
    screen: Result<ScreenChoice, String>,
    attended: Attended,
    shutdown: impl Future<Output = ()>,
) -> Result<AgentEnd, install::InstallError> {
    let read = {
        let path = config_path.clone();
        tokio::task::spawn_blocking(move || install::read_agent_config(&path)).await
    };
    let config = match read {
        Ok(config) => config?,
        Err(error) => {
            return Err(install::InstallError::Io {
                what: "read the Jump Client's config".into(),
                source: std::io::Error::other(error.to_string()),
            });
        }
    };
    let setup = AgentSetup {
        config,
        config_path,
        places,
        screen,
        attended,
        events: None,
    };
    Ok(run_agent(setup, shutdown).await)
}
