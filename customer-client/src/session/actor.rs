//! The session's actor: one task that owns the customer socket and `select!`s over the
//! handle's commands, the server's messages, the share state (to start a publisher when the
//! screen is granted, a shell when a shell is), the running publisher (to open the media
//! socket again if it failed while sharing should go on) and the running shell's link
//! (`shell_grant.rs`: its grant ends with it; an elevated shell's credentials wait there
//! for their link, and `describe_elevation` says what this machine can do). `install.rs`
//! describes the machine after each start and resume, writes and deletes Support Buttons'
//! launchers, and removes the program when the session ends after `uninstall`.

mod install;
mod shell_grant;

use super::consent::{Answer, shell_request_support, shell_support};
use super::{Command, GrantView, SessionConfig, SessionEvent, Shared};
use crate::publish::{self, PublishEnd, PublishError, PublishStats, ScreenWorker};
use futures_util::{SinkExt, StreamExt};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::{
    ChatMessage, CustomerHello, CustomerRequest, CustomerServerMessage, ElevationSupport, GrantId,
    GrantInfo, MediaChannel, MessageId, PROTOCOL_VERSION, RequestId, SessionId,
};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(super) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Times the media socket is opened again, in one share, after it failed.
const MAX_MEDIA_RETRIES: u32 = 3;

/// How long the client keeps trying to get back into its session after the connection to
/// the server drops, and the waits between tries (the last one repeats).
const RESUME_FOR: Duration = Duration::from_secs(120);
const RESUME_BACKOFF_MS: [u64; 6] = [100, 250, 500, 1_000, 2_000, 5_000];
/// Chat lines kept while the connection is gone, sent once it is back.
const MAX_UNSENT: usize = 100;

/// What resuming the session needs, and the chat already shown (a resume sends the whole
/// chat again; only what is new is passed on).
pub(super) struct Resume {
    pub session_id: SessionId,
    pub customer_token: String,
    pub seen: BTreeSet<MessageId>,
    /// The reps in the session now (a note names the one rep who is there).
    pub reps: Vec<String>,
}

/// Whether the session goes on after handling something.
enum Flow {
    Continue,
    End,
}

pub(super) struct Actor {
    config: SessionConfig,
    socket: Socket,
    resume: Resume,
    shared: Arc<Shared>,
    emit: Box<dyn Fn(SessionEvent) + Send>,
    stats: Arc<watch::Sender<PublishStats>>,
    next_id: u64,
    /// The `open_media` waiting for its ticket.
    open_media: Option<RequestId>,
    /// Grants answered already (the policy answers each once).
    answered: BTreeSet<GrantId>,
    /// The screen, opened on the first share and kept for the session.
    worker: Option<Arc<ScreenWorker>>,
    publisher: Option<JoinHandle<Result<PublishEnd, PublishError>>>,
    /// Media sockets opened again in this share.
    retries: u32,
    /// The command shell: its ticket, its running link, the grants it ran for.
    shell: shell_grant::ShellSlot,
    /// Where the program keeps its things (`None`: it keeps nothing on this computer).
    places: Option<Arc<crate::install::Places>>,
    /// The machine as described to the server (worked out once).
    machine: Option<switchboard_protocol::MachineInfo>,
    /// What this machine can do for elevated shells, as described (worked out once).
    elevation: Option<ElevationSupport>,
    /// The rep closed with uninstall: the program removes itself when the session ends.
    uninstall: bool,
    /// Requests whose refusal is logged, not shown (`describe_machine`, `button_result`).
    quiet: BTreeSet<RequestId>,
}

impl Actor {
    pub(super) fn new(
        config: SessionConfig,
        socket: Socket,
        resume: Resume,
        shared: Arc<Shared>,
        emit: Box<dyn Fn(SessionEvent) + Send>,
        stats: watch::Sender<PublishStats>,
        places: Option<Arc<crate::install::Places>>,
    ) -> Self {
        Self {
            config,
            socket,
            resume,
            shared,
            emit,
            stats: Arc::new(stats),
            next_id: 1,
            open_media: None,
            answered: BTreeSet::new(),
            worker: None,
            publisher: None,
            retries: 0,
            shell: shell_grant::ShellSlot::default(),
            places,
            machine: None,
            elevation: None,
            uninstall: false,
            quiet: BTreeSet::new(),
        }
    }

    pub(super) async fn run(
        mut self,
        mut commands: mpsc::UnboundedReceiver<Command>,
        grants: Vec<GrantInfo>,
    ) {
        let mut share = self.shared.share.subscribe();
        if !grants.is_empty() {
            self.apply_grants(grants).await;
        }
        loop {
            let flow = tokio::select! {
                // The UI (or the demo) asks for something; a dropped handle means leave.
                command = commands.recv() => match command {
                    Some(command) => self.command(command).await,
                    None => self.command(Command::Leave).await,
                },
                // The server speaks, or the connection ends.
                message = self.socket.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        match serde_json::from_str::<CustomerServerMessage>(text.as_str()) {
                            Ok(message) => self.server_message(message).await,
                            Err(error) => {
                                tracing::warn!(%error, "an unreadable server message");
                                Flow::Continue
                            }
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                        self.resume(&mut commands).await
                    }
                    Some(Ok(_)) => Flow::Continue,
                },
                // Sharing started or stopped (a grant, the Stop button).
                changed = share.changed() => {
                    if changed.is_ok() {
                        self.reconcile().await;
                    }
                    Flow::Continue
                }
                // The publisher ended: open the media socket again if sharing should go on.
                ended = async {
                    match self.publisher.as_mut() {
                        Some(task) => task.await,
                        None => std::future::pending().await,
                    }
                }, if self.publisher.is_some() => {
                    self.publisher = None;
                    self.publisher_ended(ended).await;
                    Flow::Continue
                }
                // The shell's link ended (exit, the relay's close, a failure, or revoked).
                (grant, words) = self.shell.finished(), if self.shell.running() => {
                    self.shell_finished(grant, words).await;
                    Flow::Continue
                }
            };
            if let Flow::End = flow {
                // The shell's link sees this and kills the shell (it outlives the actor
                // only for that).
                self.shared.update(GrantView::stop_all);
                if let Some(publisher) = self.publisher.take() {
                    publisher.abort();
                }
                if self.uninstall {
                    self.remove_program().await;
                }
                return;
            }
        }
    }

    /// The first thing said after `session_started`: the machine's description, sent before
    /// the session's handle is returned, so a rep who accepts the session finds the machine
    /// known (Support Buttons need it).
    pub(super) async fn introduce(&mut self) {
        self.describe_machine().await;
        self.describe_elevation().await;
    }

    async fn send(&mut self, request: CustomerRequest) -> RequestId {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        let text = encode_with_id(id, &request);
        if let Err(error) = self.socket.send(Message::Text(text.into())).await {
            // The reader sees the connection end next and ends the session.
            tracing::debug!(%error, "sending to the server failed");
        }
        id
    }

    /// A chat message, passed on once.
    fn chat(&mut self, message: ChatMessage) {
        if self.resume.seen.insert(message.id) {
            (self.emit)(SessionEvent::Chat(message));
        }
    }

    /// The connection dropped: sharing stops and the shell is killed here (the server ends
    /// the grants with the connection), and the session is resumed with its token, trying
    /// again with backoff for [`RESUME_FOR`]. Meanwhile Leave ends the session at once, chat
    /// lines wait for the connection, and the rest needs nothing ([`offline`]).
    async fn resume(&mut self, commands: &mut mpsc::UnboundedReceiver<Command>) -> Flow {
        self.shared.update(GrantView::stop_all);
        if let Some(publisher) = self.publisher.take() {
            publisher.abort();
        }
        self.open_media = None;
        self.shell.connection_lost();
        (self.emit)(SessionEvent::Reconnecting);
        let hello = CustomerHello::Resume {
            protocol_version: PROTOCOL_VERSION,
            session_id: self.resume.session_id,
            customer_token: self.resume.customer_token.clone(),
        };
        let server = self.config.server.clone();
        let mut unsent = Vec::new();
        let give_up = Instant::now() + RESUME_FOR;
        for attempt in 0.. {
            let tried = offline(super::handshake(&server, &hello), commands, &mut unsent).await;
            match tried {
                None => return self.end("You left the session.".into()),
                Some(Ok((socket, started))) => {
                    self.socket = socket;
                    if started.ended {
                        return self.end("The session ended while you were disconnected.".into());
                    }
                    for message in started.chat {
                        self.chat(message);
                    }
                    self.resume.reps = started.reps.clone();
                    (self.emit)(SessionEvent::Reconnected { reps: started.reps });
                    self.describe_machine().await;
                    self.describe_elevation().await;
                    self.apply_grants(started.grants).await;
                    for text in unsent {
                        self.command(Command::Chat(text)).await;
                    }
                    return Flow::Continue;
                }
                Some(Err(super::SessionError::Refused { message, .. })) => {
                    return self.end(message);
                }
                Some(Err(error)) => tracing::debug!(%error, attempt, "resuming failed"),
            }
            if Instant::now() >= give_up {
                break;
            }
            let wait = RESUME_BACKOFF_MS[attempt.min(RESUME_BACKOFF_MS.len() - 1)];
            let pause = tokio::time::sleep(Duration::from_millis(wait));
            if offline(pause, commands, &mut unsent).await.is_none() {
                return self.end("You left the session.".into());
            }
        }
        self.end("The connection to the server was lost.".into())
    }

    fn end(&mut self, why: String) -> Flow {
        self.shared.update(GrantView::stop_all);
        (self.emit)(SessionEvent::Ended(why));
        Flow::End
    }

    async fn command(&mut self, command: Command) -> Flow {
        match command {
            Command::Chat(text) => {
                let client_msg_id = unique_client_id();
                self.send(CustomerRequest::Chat {
                    client_msg_id,
                    text,
                })
                .await;
            }
            Command::Answer { grant_id, allow } => {
                self.answered.insert(grant_id);
                self.send(CustomerRequest::AnswerRemote { grant_id, allow })
                    .await;
            }
            Command::StopAll => {
                // Local sharing stopped already (the handle did it); now the server.
                self.send(CustomerRequest::StopRemote { grant_id: None })
                    .await;
            }
            Command::Leave => {
                self.send(CustomerRequest::Leave).await;
                let _ = tokio::time::timeout(
                    std::time::Duration::from_millis(500),
                    self.socket.close(None),
                )
                .await;
                return self.end("You left the session.".into());
            }
        }
        Flow::Continue
    }

    async fn server_message(&mut self, message: CustomerServerMessage) -> Flow {
        match message {
            CustomerServerMessage::QueueStatus {
                position,
                estimated_wait_secs,
            } => (self.emit)(SessionEvent::QueueStatus {
                position,
                estimated_wait_secs,
            }),
            CustomerServerMessage::Chat { message } => self.chat(message),
            CustomerServerMessage::RepJoined { name } => {
                self.resume.reps.push(name.clone());
                (self.emit)(SessionEvent::RepJoined(name));
            }
            CustomerServerMessage::RepLeft { name } => {
                if let Some(at) = self.resume.reps.iter().position(|r| *r == name) {
                    self.resume.reps.remove(at);
                }
                (self.emit)(SessionEvent::RepLeft(name));
            }
            CustomerServerMessage::Disconnected { message }
            | CustomerServerMessage::SessionEnded { message } => return self.end(message),
            CustomerServerMessage::RemoteUpdated { grants } => self.apply_grants(grants).await,
            // `session_ended` follows; the program removes itself then (`run`).
            CustomerServerMessage::Uninstall => self.uninstall = true,
            // Meant for the portal (iOS's steps); here it is chat text.
            CustomerServerMessage::Card { card } => {
                (self.emit)(SessionEvent::Note(super::notes::card_text(&card)));
            }
            CustomerServerMessage::InstallButton {
                button_id,
                token,
                description,
            } => self.install_button(button_id, token, description).await,
            CustomerServerMessage::RemoveButton { button_id } => {
                self.remove_button(button_id).await;
            }
            CustomerServerMessage::InstallJumpClient {
                jump_client_id,
                token,
                name,
            } => self.install_jump_client(jump_client_id, token, name).await,
            // For an elevated shell just allowed: kept for its link (`shell_grant.rs`).
            CustomerServerMessage::ElevationCredentials {
                grant_id,
                username,
                password,
            } => self.elevation_credentials(grant_id, username, password),
            CustomerServerMessage::Ok {
                id,
                message,
                ticket,
            } => {
                if self.quiet.remove(&id) {
                    return Flow::Continue;
                }
                if let Some(message) = message {
                    self.chat(message);
                }
                if self.open_media == Some(id) {
                    self.open_media = None;
                    if let Some(ticket) = ticket {
                        self.start_publisher(ticket.token);
                    }
                } else {
                    self.shell_ticket(id, ticket);
                }
            }
            CustomerServerMessage::Error { id, message, .. } => {
                if id.is_some() && id == self.open_media {
                    // Nothing granted any more: the grant list says so next.
                    self.open_media = None;
                    tracing::debug!(%message, "open_media refused");
                } else if let Some(id) = id
                    && self.shell.owns_error(id)
                {
                    tracing::debug!(%message, "a shell request refused");
                } else if let Some(id) = id
                    && self.quiet.remove(&id)
                {
                    tracing::warn!(%message, "the server refused what this program reported");
                } else {
                    (self.emit)(SessionEvent::Notice(message));
                }
            }
            CustomerServerMessage::SessionStarted { .. } => {}
        }
        Flow::Continue
    }

    /// The server's grant list: answer what the policy answers, tell the UI, and start or
    /// stop sharing and the shell to match.
    async fn apply_grants(&mut self, grants: Vec<GrantInfo>) {
        let ((), view) = self.shared.update(|view| view.apply(grants));
        let mut prompts = Vec::new();
        for grant in view.prompts() {
            if self.answered.contains(&grant.grant_id) {
                continue;
            }
            let screen = self
                .config
                .screen
                .as_ref()
                .map(|_| ())
                .map_err(String::as_str);
            let support = self
                .elevation
                .get_or_insert_with(super::consent::elevation_support);
            let elevation = grant.elevation.as_ref().map(|e| e.method);
            let shell = shell_request_support(elevation, shell_support(), support);
            let shell = shell.as_ref().map(|_| ()).map_err(String::as_str);
            let allow = match self.config.policy.answer(grant.capability, screen, shell) {
                Answer::Ask => None,
                Answer::Allow => Some(true),
                Answer::Deny(why) => {
                    if let Some(why) = why {
                        (self.emit)(SessionEvent::Notice(why));
                    }
                    Some(false)
                }
            };
            match allow {
                Some(allow) => {
                    self.answered.insert(grant.grant_id);
                    self.send(CustomerRequest::AnswerRemote {
                        grant_id: grant.grant_id,
                        allow,
                    })
                    .await;
                }
                None => prompts.push(grant),
            }
        }
        let share = view.share_state();
        if !share.sharing() {
            self.retries = 0;
        }
        (self.emit)(SessionEvent::Grants { prompts, share });
        self.reconcile().await;
    }

    /// Starts what the share state asks for: the screen's publisher and the shell.
    async fn reconcile(&mut self) {
        self.reconcile_shell().await;
        self.reconcile_screen().await;
    }

    /// Asks for a media ticket when sharing should run and nothing runs or is being opened.
    async fn reconcile_screen(&mut self) {
        let sharing = self.shared.share.borrow().sharing();
        if !sharing || self.publisher.is_some() || self.open_media.is_some() {
            return;
        }
        if self.worker.is_none() {
            let started = match &self.config.screen {
                Ok(choice) => ScreenWorker::start(choice, self.shared.share.subscribe())
                    .map_err(|e| e.to_string()),
                Err(reason) => Err(reason.clone()),
            };
            match started {
                Ok(worker) => self.worker = Some(Arc::new(worker)),
                Err(reason) => {
                    (self.emit)(SessionEvent::Notice(format!(
                        "Your screen cannot be shared: {reason}"
                    )));
                    // The screen's grants end; a shell, if one runs, goes on.
                    let (stopped, _) = self.shared.update(GrantView::stop_screen);
                    for grant_id in stopped {
                        self.send(CustomerRequest::StopRemote {
                            grant_id: Some(grant_id),
                        })
                        .await;
                    }
                    return;
                }
            }
        }
        let request = CustomerRequest::OpenMedia {
            channel: MediaChannel::Screen,
        };
        self.open_media = Some(self.send(request).await);
    }

    fn start_publisher(&mut self, token: String) {
        let Some(worker) = self.worker.clone() else {
            return;
        };
        let share = self.shared.share.subscribe();
        let url = publish::media_url(&self.config.server);
        let stats = self.stats.clone();
        self.publisher = Some(tokio::spawn(async move {
            publish::publish(&url, &token, &worker, share, Some(&stats)).await
        }));
    }

    async fn publisher_ended(
        &mut self,
        ended: Result<Result<PublishEnd, PublishError>, tokio::task::JoinError>,
    ) {
        match ended {
            Ok(Ok(end)) => tracing::debug!(?end, "publishing ended"),
            Ok(Err(error)) => tracing::warn!(%error, "publishing failed"),
            Err(error) => tracing::warn!(%error, "the publisher task failed"),
        }
        if self.shared.share.borrow().sharing() && self.retries < MAX_MEDIA_RETRIES {
            self.retries += 1;
            self.reconcile().await;
        }
    }
}

/// Runs `work` while the connection is gone, taking commands as they come: `None` when the
/// customer leaves (or the handle is dropped); chat lines are kept in `unsent` for the
/// connection; an answer or a Stop needs nothing, since the server ended every grant with
/// the connection and Stop has already acted here.
async fn offline<T>(
    work: impl std::future::Future<Output = T>,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    unsent: &mut Vec<String>,
) -> Option<T> {
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return Some(done),
            command = commands.recv() => match command {
                None | Some(Command::Leave) => return None,
                Some(Command::Chat(text)) if unsent.len() < MAX_UNSENT => unsent.push(text),
                Some(Command::Chat(_)) => tracing::warn!("offline: a chat line over the cap dropped"),
                Some(Command::Answer { .. } | Command::StopAll) => {}
            },
        }
    }
}

/// A chat message id no other message of this program uses.
fn unique_client_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let micros = crate::publish::now_micros();
    format!("n{micros}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
