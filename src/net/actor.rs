//! The actor's loop: wait for `Connect`, log in, hold the WebSocket, forward every frame,
//! reconnect with backoff and resume after a drop, until `Logout` or the last handle goes.
//!
//! While it is not connected (logging in, opening the socket, waiting to retry) it still
//! answers commands: `Send` gets `SendFailed` at once, `Logout` and `Connect` take effect.

use super::files::SharedAuth;
use super::login::{Credentials, HttpApi};
use super::resume::ResumeTracker;
use super::sink::EventSink;
use super::socket::{self, HandshakeError, Incoming, Socket};
use super::url::{self, Endpoints};
use super::{
    Command, ConnectionStatus, LoginError, NOT_CONNECTED, NetEvent, RESERVED_ID_BASE, RepId,
    RepServerMessage, RequestId,
};
use std::future::Future;
use std::time::Duration;
use switchboard_protocol::{ErrorCode, RepRequest};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// After this long without a frame, ping the server.
const PING_AFTER: Duration = Duration::from_secs(15);
/// After this long without a frame (the ping unanswered), the connection is dead.
const SILENCE_LIMIT: Duration = Duration::from_secs(30);

/// The thread's body: a single-threaded runtime running the actor until the handles are gone.
pub(crate) fn run_on_own_runtime(
    runtime: std::io::Result<tokio::runtime::Runtime>,
    commands: UnboundedReceiver<Command>,
    sink: EventSink,
    auth: SharedAuth,
    tls: switchboard_tls::ClientTls,
) {
    match runtime {
        Ok(runtime) => runtime.block_on(Actor::new(commands, sink, auth, tls).run()),
        Err(error) => {
            tracing::error!(%error, "could not start the network runtime");
            refuse_everything(
                commands,
                sink,
                &format!("The network could not start: {error}"),
            );
        }
    }
}

/// Without a runtime: answer each command with a failure, so the UI is never left waiting.
fn refuse_everything(mut commands: UnboundedReceiver<Command>, sink: EventSink, reason: &str) {
    while let Some(command) = commands.blocking_recv() {
        sink.emit(match command {
            Command::Connect { .. } => NetEvent::LoginFailed(LoginError::Other(reason.into())),
            Command::Send { id, .. } => NetEvent::SendFailed {
                id,
                reason: reason.into(),
            },
            Command::Logout => NetEvent::Status(ConnectionStatus::Offline),
        });
    }
}

/// Why waiting (or a connection) was cut short by the console.
enum Interrupt {
    Logout,
    /// A new `Connect`: end this session and start that one.
    Connect(Command),
    /// Every handle was dropped.
    Closed,
}

/// Why a console stopped after another connection of the same rep replaced it.
pub const REPLACED_MESSAGE: &str =
    "You signed in on another console, so this one stopped. Log in again to work here.";

/// How a session ended.
enum Exit {
    /// Offline: wait for the next command.
    Offline,
    /// Start with this command (a new `Connect`) right away.
    Next(Command),
    /// Stop the actor.
    Stop,
}

/// What one connection attempt came to.
enum Step {
    /// The session is over.
    Done(Exit),
    /// The token was refused: log in again now.
    LogInAgain,
    /// A connection was made and later dropped: retry from the first backoff step.
    Dropped,
    /// The attempt failed: retry after the next backoff step, and not sooner than `at_least`.
    Retry { at_least: Duration },
}

/// What a `Connect` keeps for its whole life. The password stays in memory only.
struct Session {
    endpoints: Endpoints,
    credentials: Credentials,
    token: Option<String>,
    /// Who the login said we are, until `LoggedIn` reports it.
    identity: Option<(RepId, String)>,
    /// Whether a `welcome` has arrived: before it, failures are login failures.
    established: bool,
}

/// How a live connection ended.
enum Ended {
    Dropped(String),
    /// Another connection of the same rep took over.
    Replaced,
    Interrupted(Interrupt),
}

/// The command channel and the event sink: what the actor needs while it waits for something.
struct Inbox {
    commands: UnboundedReceiver<Command>,
    sink: EventSink,
}

impl Inbox {
    /// Runs `work` to completion while answering commands; stops early for `Logout`,
    /// `Connect` or the last handle going away.
    async fn answering<T>(&mut self, work: impl Future<Output = T>) -> Result<T, Interrupt> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                // The work (a login, a connect, a backoff sleep) finished: hand back its result.
                out = &mut work => return Ok(out),
                // A command meanwhile: nothing can be sent now, the others end the wait.
                command = self.commands.recv() => match command {
                    Some(Command::Send { id, .. }) => self.sink.emit(NetEvent::SendFailed {
                        id,
                        reason: NOT_CONNECTED.into(),
                    }),
                    Some(Command::Logout) => return Err(Interrupt::Logout),
                    Some(connect @ Command::Connect { .. }) => return Err(Interrupt::Connect(connect)),
                    None => return Err(Interrupt::Closed),
                },
            }
        }
    }
}

struct Actor {
    inbox: Inbox,
    http: HttpApi,
    /// The last status reported, so each transition is reported once.
    status: ConnectionStatus,
    resume: ResumeTracker,
    /// The id of the next ping; always in the reserved range.
    next_ping: u64,
    /// The current login, published for file transfers.
    auth: SharedAuth,
    /// How `wss://` is verified (the HTTP client has the same).
    tls: switchboard_tls::ClientTls,
}

impl Actor {
    fn new(
        commands: UnboundedReceiver<Command>,
        sink: EventSink,
        auth: SharedAuth,
        tls: switchboard_tls::ClientTls,
    ) -> Self {
        Self {
            inbox: Inbox { commands, sink },
            http: HttpApi::new(&tls),
            tls,
            status: ConnectionStatus::Offline,
            resume: ResumeTracker::default(),
            next_ping: RESERVED_ID_BASE,
            auth,
        }
    }

    fn emit(&self, event: NetEvent) {
        self.inbox.sink.emit(event);
    }

    fn set_status(&mut self, status: ConnectionStatus) {
        if self.status != status {
            self.status = status.clone();
            self.emit(NetEvent::Status(status));
        }
    }

    /// Offline: wait for `Connect`, run the session, repeat.
    async fn run(mut self) {
        let mut next = self.inbox.commands.recv().await;
        while let Some(command) = next.take() {
            let exit = match command {
                Command::Connect {
                    server_url,
                    username,
                    password,
                } => {
                    let credentials = Credentials { username, password };
                    self.session(&server_url, credentials).await
                }
                Command::Send { id, .. } => {
                    self.emit(NetEvent::SendFailed {
                        id,
                        reason: NOT_CONNECTED.into(),
                    });
                    Exit::Offline
                }
                Command::Logout => {
                    self.set_status(ConnectionStatus::Offline);
                    Exit::Offline
                }
            };
            next = match exit {
                Exit::Offline => self.inbox.commands.recv().await,
                Exit::Next(command) => Some(command),
                Exit::Stop => None,
            };
        }
        tracing::debug!("all handles dropped; the network actor stops");
    }

    /// One `Connect`: log in, connect, and keep reconnecting until told otherwise.
    ///
    /// Until the first `welcome`, any failure is a `LoginFailed`; afterwards failures are
    /// retried with backoff, logging in again if the token stops working.
    #[tracing::instrument(level = "debug", skip_all, fields(server = %server_url, user = %credentials.username))]
    async fn session(&mut self, server_url: &str, credentials: Credentials) -> Exit {
        self.resume = ResumeTracker::default();
        self.set_status(ConnectionStatus::Connecting);
        let endpoints = match url::endpoints(server_url) {
            Ok(endpoints) => endpoints,
            Err(message) => return self.login_failed(LoginError::Other(message)),
        };
        let mut session = Session {
            endpoints,
            credentials,
            token: None,
            identity: None,
            established: false,
        };
        // Failed attempts in a row; numbers the next retry.
        let mut attempt: u32 = 0;
        loop {
            let at_least = match self.attempt(&mut session).await {
                Step::Done(exit) => return exit,
                Step::LogInAgain => continue,
                Step::Dropped => {
                    attempt = 0;
                    Duration::ZERO
                }
                Step::Retry { at_least } => at_least,
            };
            attempt = attempt.saturating_add(1);
            if let Err(interrupt) = self.wait_before_retry(attempt, at_least).await {
                let token = session.token.take();
                return self
                    .interrupted(interrupt, &session.endpoints, token.as_deref())
                    .await;
            }
        }
    }

    /// One try: log in if there is no token, connect, and stay connected as long as it lasts.
    async fn attempt(&mut self, session: &mut Session) -> Step {
        let fresh_token = session.token.is_none();
        let token = match session.token.clone() {
            Some(token) => token,
            None => match self.log_in(session).await {
                Ok(token) => token,
                Err(step) => return step,
            },
        };
        let resume = self.resume.resume_from();
        let opened = self
            .inbox
            .answering(socket::open(
                &session.endpoints.ws_rep,
                &token,
                resume,
                &self.tls,
            ))
            .await;
        let error = match opened {
            Err(interrupt) => {
                let exit = self
                    .interrupted(interrupt, &session.endpoints, Some(&token))
                    .await;
                return Step::Done(exit);
            }
            Ok(Ok((ws, welcome))) => {
                if !session.established {
                    session.established = true;
                    if let Some((rep, display_name)) = session.identity.take() {
                        self.emit(NetEvent::LoggedIn { rep, display_name });
                    }
                }
                self.resume.observe(&welcome);
                self.set_status(ConnectionStatus::Connected);
                self.emit(NetEvent::Server(welcome));
                return match self.connected(ws).await {
                    Ended::Dropped(reason) => {
                        tracing::debug!(%reason, "connection lost");
                        Step::Dropped
                    }
                    // Reconnecting would take the connection back from the newer console,
                    // which would do the same: a tug of war. Stop and say why.
                    Ended::Replaced => {
                        Step::Done(self.login_failed(LoginError::Other(REPLACED_MESSAGE.into())))
                    }
                    Ended::Interrupted(interrupt) => {
                        let exit = self
                            .interrupted(interrupt, &session.endpoints, Some(&token))
                            .await;
                        Step::Done(exit)
                    }
                };
            }
            Ok(Err(error)) => error,
        };
        match error {
            HandshakeError::Refused {
                code: ErrorCode::VersionMismatch,
                message,
            } => Step::Done(self.login_failed(LoginError::VersionMismatch(message))),
            _ if !session.established => {
                Step::Done(self.login_failed(handshake_login_error(error)))
            }
            HandshakeError::Refused {
                code: ErrorCode::Unauthorized,
                message,
            } => {
                // The token expired or was revoked: log in again, at once unless the token
                // was brand new (then something else is wrong; do not hammer the server).
                tracing::debug!(%message, "token refused; logging in again");
                session.token = None;
                self.auth.clear();
                if fresh_token {
                    Step::Retry {
                        at_least: Duration::ZERO,
                    }
                } else {
                    Step::LogInAgain
                }
            }
            error => {
                tracing::debug!(?error, "reconnect failed");
                Step::Retry {
                    at_least: Duration::ZERO,
                }
            }
        }
    }

    /// `POST /api/login` with the remembered credentials; keeps the token in `session`.
    async fn log_in(&mut self, session: &mut Session) -> Result<String, Step> {
        let login = self
            .inbox
            .answering(self.http.login(&session.endpoints, &session.credentials))
            .await;
        match login {
            Err(interrupt) => Err(Step::Done(
                self.interrupted(interrupt, &session.endpoints, None).await,
            )),
            Ok(Ok(login)) => {
                session.token = Some(login.token.clone());
                self.auth.set(&session.endpoints.http_base, &login.token);
                session.identity = Some((login.rep, login.display_name));
                Ok(login.token)
            }
            // The first login, or a refusal that waiting will not fix: give up.
            Ok(Err(error))
                if !session.established
                    || matches!(
                        error,
                        LoginError::WrongPassword | LoginError::VersionMismatch(_)
                    ) =>
            {
                Err(Step::Done(self.login_failed(error)))
            }
            Ok(Err(LoginError::RateLimited { retry_after_secs })) => Err(Step::Retry {
                at_least: Duration::from_secs(retry_after_secs),
            }),
            Ok(Err(error)) => {
                tracing::debug!(?error, "logging in again failed");
                Err(Step::Retry {
                    at_least: Duration::ZERO,
                })
            }
        }
    }

    /// Reports `Reconnecting`, waits (answering commands), then reports `Connecting`.
    async fn wait_before_retry(
        &mut self,
        attempt: u32,
        at_least: Duration,
    ) -> Result<(), Interrupt> {
        let delay = super::backoff::delay(attempt).max(at_least);
        let retry_at = Instant::now() + delay;
        self.set_status(ConnectionStatus::Reconnecting {
            retry_at: retry_at.into_std(),
            attempt,
        });
        self.inbox
            .answering(tokio::time::sleep_until(retry_at))
            .await?;
        self.set_status(ConnectionStatus::Connecting);
        Ok(())
    }

    /// Connected: forward frames, send requests, ping when quiet; returns when the connection
    /// drops or the console wants something else.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn connected(&mut self, mut ws: Socket) -> Ended {
        let mut last_heard = Instant::now();
        let mut ping_sent = false;
        loop {
            let quiet_deadline = last_heard + if ping_sent { SILENCE_LIMIT } else { PING_AFTER };
            tokio::select! {
                // A frame from the server (or the end of the connection): any frame proves it
                // alive; forward it unless it answers our own ping.
                incoming = socket::next_message(&mut ws) => {
                    last_heard = Instant::now();
                    ping_sent = false;
                    match incoming {
                        Incoming::Message(message) => self.forward(message),
                        Incoming::Ignored => {}
                        Incoming::Gone(reason) => return Ended::Dropped(reason),
                        Incoming::Replaced => return Ended::Replaced,
                    }
                }
                // A command from the console: send a request now, or end the connection.
                command = self.inbox.commands.recv() => match command {
                    Some(Command::Send { id, request }) => {
                        if id.0 >= RESERVED_ID_BASE {
                            self.emit(NetEvent::SendFailed {
                                id,
                                reason: format!("Request ids from {RESERVED_ID_BASE} up are reserved for the connection's pings."),
                            });
                        } else if let Err(reason) = socket::send_request(&mut ws, id, &request).await {
                            self.emit(NetEvent::SendFailed { id, reason: NOT_CONNECTED.into() });
                            return Ended::Dropped(reason);
                        }
                    }
                    Some(Command::Logout) => {
                        socket::close(&mut ws).await;
                        return Ended::Interrupted(Interrupt::Logout);
                    }
                    Some(connect @ Command::Connect { .. }) => {
                        socket::close(&mut ws).await;
                        return Ended::Interrupted(Interrupt::Connect(connect));
                    }
                    None => {
                        socket::close(&mut ws).await;
                        return Ended::Interrupted(Interrupt::Closed);
                    }
                },
                // Silence: ping after 15 s; after 30 s with the ping unanswered, give up.
                () = tokio::time::sleep_until(quiet_deadline) => {
                    if ping_sent {
                        return Ended::Dropped(format!("no answer from the server for {} s", SILENCE_LIMIT.as_secs()));
                    }
                    let id = RequestId(self.next_ping);
                    self.next_ping = self.next_ping.checked_add(1).unwrap_or(RESERVED_ID_BASE);
                    if let Err(reason) = socket::send_request(&mut ws, id, &RepRequest::Ping).await {
                        return Ended::Dropped(reason);
                    }
                    ping_sent = true;
                }
            }
        }
    }

    /// Forwards a server frame, noting where to resume from; the answers to our pings stay here.
    fn forward(&mut self, message: RepServerMessage) {
        let ours = match &message {
            RepServerMessage::Ok { id, .. } => id.0 >= RESERVED_ID_BASE,
            RepServerMessage::Error { id: Some(id), .. } => id.0 >= RESERVED_ID_BASE,
            _ => false,
        };
        if ours {
            tracing::debug!(?message, "ping answered");
            return;
        }
        self.resume.observe(&message);
        self.emit(NetEvent::Server(message));
    }

    /// The session cannot start (or go on): report why and go offline.
    fn login_failed(&mut self, error: LoginError) -> Exit {
        tracing::debug!(?error, "login failed");
        self.auth.clear();
        self.emit(NetEvent::LoginFailed(error));
        self.set_status(ConnectionStatus::Offline);
        Exit::Offline
    }

    /// The console cut the session short: log out if asked to (or if another login replaces
    /// this one), then go on with what it wants.
    async fn interrupted(
        &mut self,
        interrupt: Interrupt,
        endpoints: &Endpoints,
        token: Option<&str>,
    ) -> Exit {
        self.auth.clear();
        match interrupt {
            Interrupt::Logout => {
                self.set_status(ConnectionStatus::Offline);
                if let Some(token) = token {
                    self.http.logout(endpoints, token).await;
                }
                Exit::Offline
            }
            Interrupt::Connect(connect) => {
                if let Some(token) = token {
                    self.http.logout(endpoints, token).await;
                }
                self.set_status(ConnectionStatus::Offline);
                Exit::Next(connect)
            }
            Interrupt::Closed => Exit::Stop,
        }
    }
}

/// A failed first connection, as the login error the console shows.
fn handshake_login_error(error: HandshakeError) -> LoginError {
    match error {
        HandshakeError::Transport(reason) => {
            LoginError::Unreachable(format!("Cannot reach the server: {reason}."))
        }
        HandshakeError::Refused {
            code: ErrorCode::VersionMismatch,
            message,
        } => LoginError::VersionMismatch(message),
        HandshakeError::Refused { message, .. } => LoginError::Other(message),
        HandshakeError::Certificate(sentence) => LoginError::Other(sentence),
        HandshakeError::Unexpected(reason) => LoginError::Other(format!(
            "This does not look like a Switchboard server: {reason}."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn actor() -> (Actor, std::sync::mpsc::Receiver<NetEvent>) {
        let (_commands, inbox) = tokio::sync::mpsc::unbounded_channel();
        let (events, received) = std::sync::mpsc::channel();
        let sink = EventSink::new(events, Arc::new(|| {}));
        (
            Actor::new(
                inbox,
                sink,
                SharedAuth::default(),
                switchboard_tls::ClientTls::platform(),
            ),
            received,
        )
    }

    /// The answers to the actor's own pings stay inside; every other frame is forwarded.
    #[test]
    fn forwards_all_but_its_own_pongs() {
        let (mut actor, received) = actor();
        actor.forward(RepServerMessage::Ok {
            id: RequestId(RESERVED_ID_BASE + 3),
            result: None,
        });
        actor.forward(RepServerMessage::Error {
            id: Some(RequestId(RESERVED_ID_BASE)),
            code: ErrorCode::Internal,
            message: "no".into(),
            retry_after_ms: None,
        });
        let theirs = RepServerMessage::Ok {
            id: RequestId(9),
            result: None,
        };
        actor.forward(theirs.clone());
        let unnumbered = RepServerMessage::Error {
            id: None,
            code: ErrorCode::BadRequest,
            message: "bad frame".into(),
            retry_after_ms: None,
        };
        actor.forward(unnumbered.clone());
        let got: Vec<NetEvent> = received.try_iter().collect();
        assert_eq!(
            got,
            vec![NetEvent::Server(theirs), NetEvent::Server(unnumbered)]
        );
    }

    /// The first refused connection is explained as a login error of the right kind.
    #[test]
    fn handshake_failures_read_as_login_errors() {
        assert!(matches!(
            handshake_login_error(HandshakeError::Transport("connection refused".into())),
            LoginError::Unreachable(_)
        ));
        assert_eq!(
            handshake_login_error(HandshakeError::Refused {
                code: ErrorCode::VersionMismatch,
                message: "v2".into()
            }),
            LoginError::VersionMismatch("v2".into())
        );
        assert!(matches!(
            handshake_login_error(HandshakeError::Unexpected("HTTP 404".into())),
            LoginError::Other(_)
        ));
    }
}
