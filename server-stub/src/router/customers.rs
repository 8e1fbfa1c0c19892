//! The customer's side: starting a session by each entry path, resuming it, chatting,
//! leaving, and being told the place in the queue.

use super::effects::{CustomerConn, CustomerRead, Effect, StoreOp};
use super::state::Session;
use super::{Reply, Router, refuse, valid_chat_text, valid_client_id};
use crate::auth::hash_secret;
use crate::config::ButtonTarget;
use std::collections::BTreeSet;
use switchboard_protocol::{
    Author, ChatMessage, ClientKind, CustomerInfo, CustomerRequest, CustomerServerMessage,
    EntryPath, ErrorBody, ErrorCode, GrantEnd, IssueId, PROTOCOL_VERSION, Platform, QueueReason,
    QueueRef, Route, SessionId, SessionKind, UnixMillis, Visibility,
};

/// Longest customer name, company, question and contact, in characters.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_CONTACT_CHARS: usize = 200;
pub const MAX_COMPANY_CHARS: usize = 200;
pub const MAX_QUESTION_CHARS: usize = 1000;

/// The answer to a `resume` that names no session this token opens (unknown id or wrong
/// token: the same words for both).
pub const RESUME_REFUSED: &str = "This chat cannot be resumed (unknown session or wrong token). Start a new one if you still need help.";

/// A rough per-position wait, until the queue has its own history.
const ESTIMATED_SECS_PER_POSITION: u32 = 45;

fn optional_field(
    value: Option<String>,
    label: &str,
    max: usize,
) -> Result<Option<String>, ErrorBody> {
    let Some(value) = value else {
        return Ok(None);
    };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > max {
        return Err(refuse(
            ErrorCode::Invalid,
            format!("The {label} can be at most {max} characters."),
        ));
    }
    Ok(Some(trimmed.to_owned()))
}

/// Checks and tidies what the customer typed.
pub fn validate_customer(customer: CustomerInfo) -> Result<CustomerInfo, ErrorBody> {
    let name = customer.name.trim();
    if name.is_empty() {
        return Err(refuse(ErrorCode::Invalid, "Please enter your name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(refuse(
            ErrorCode::Invalid,
            format!("Your name can be at most {MAX_NAME_CHARS} characters."),
        ));
    }
    Ok(CustomerInfo {
        name: name.to_owned(),
        company: optional_field(customer.company, "company name", MAX_COMPANY_CHARS)?,
        question: optional_field(customer.question, "question", MAX_QUESTION_CHARS)?,
        // Compared case-insensitively: "Jane@Example.com" is the same customer as "jane@…".
        contact: optional_field(customer.contact, "email or contact", MAX_CONTACT_CHARS)?
            .map(|c| c.to_lowercase()),
    })
}

/// Where a route leads: first queue, entry path, kind, issue.
struct Destination {
    queue: QueueRef,
    path: EntryPath,
    kind: SessionKind,
    issue: Option<IssueId>,
    /// A session key to consume once the session exists.
    key: Option<String>,
}

impl Router {
    fn resolve_route(&self, now: UnixMillis, route: &Route) -> Result<Destination, ErrorBody> {
        let plain = |queue, path| Destination {
            queue,
            path,
            kind: SessionKind::Standard,
            issue: None,
            key: None,
        };
        let rep_queue = |rep: &switchboard_protocol::RepId| -> Result<QueueRef, ErrorBody> {
            if self.config.reps.contains_key(rep) {
                Ok(QueueRef::Personal { rep: rep.clone() })
            } else {
                Err(refuse(
                    ErrorCode::NotFound,
                    format!("There is no representative called {rep}."),
                ))
            }
        };
        let team_queue = |team: &switchboard_protocol::TeamId| -> Result<QueueRef, ErrorBody> {
            if self.config.teams.contains_key(team) {
                Ok(QueueRef::Team { team: team.clone() })
            } else {
                Err(refuse(
                    ErrorCode::NotFound,
                    format!("There is no team called {team}."),
                ))
            }
        };
        Ok(match route {
            Route::SessionKey { key } => {
                let key = key.trim();
                let Some(record) = self.keys.get(key).filter(|k| k.expires_at > now) else {
                    return Err(refuse(
                        ErrorCode::KeyInvalid,
                        "That session key is not valid: it may have expired or been used already. Ask your representative for a new one.",
                    ));
                };
                Destination {
                    key: Some(record.key.clone()),
                    ..plain(
                        QueueRef::Personal {
                            rep: record.rep.clone(),
                        },
                        EntryPath::SessionKey,
                    )
                }
            }
            Route::Rep { rep } => plain(rep_queue(rep)?, EntryPath::RepPick),
            Route::Team { team } => plain(team_queue(team)?, EntryPath::TeamButton),
            Route::Button { token } => match self.config.buttons.get(token) {
                Some(ButtonTarget::Rep(rep)) => plain(rep_queue(rep)?, EntryPath::RepButton),
                Some(ButtonTarget::Team(team)) => plain(team_queue(team)?, EntryPath::TeamButton),
                // A Support Button a rep deployed on the customer's machine.
                None => match self.deployed_button_queue(now, token)? {
                    QueueRef::Team { team } => plain(team_queue(&team)?, EntryPath::TeamButton),
                    QueueRef::Personal { rep } => plain(rep_queue(&rep)?, EntryPath::RepButton),
                    QueueRef::General => plain(QueueRef::General, EntryPath::General),
                },
            },
            Route::HelpLink { rep, team } => {
                let (queue, path) = match (rep, team) {
                    (Some(rep), None) => (rep_queue(rep)?, EntryPath::RepHelpLink),
                    (None, Some(team)) => (team_queue(team)?, EntryPath::TeamHelpLink),
                    _ => {
                        return Err(refuse(
                            ErrorCode::Invalid,
                            "A help link names either a representative or a team.",
                        ));
                    }
                };
                Destination {
                    kind: SessionKind::Browser,
                    ..plain(queue, path)
                }
            }
            Route::Issue { issue } => {
                let Some(config) = self.config.issues.get(issue) else {
                    return Err(refuse(
                        ErrorCode::NotFound,
                        format!("There is no issue called {issue}."),
                    ));
                };
                Destination {
                    issue: Some(issue.clone()),
                    ..plain(
                        QueueRef::Team {
                            team: config.team.clone(),
                        },
                        EntryPath::Issue,
                    )
                }
            }
            Route::General => plain(QueueRef::General, EntryPath::General),
        })
    }

    pub(super) fn customer_start(
        &mut self,
        now: UnixMillis,
        conn: CustomerConn,
        customer: CustomerInfo,
        route: Route,
        customer_token: &str,
        (client, platform): (ClientKind, Platform),
    ) -> Reply {
        let customer = validate_customer(customer)?;
        let destination = self.resolve_route(now, &route)?;
        let waiting = self.queues.get(&destination.queue).map_or(0, |q| q.len());
        if waiting >= self.config.limits.max_waiting_per_queue {
            return Err(refuse(
                ErrorCode::Busy,
                "Everyone is busy and the queue is full right now. Please try again in a few minutes.",
            ));
        }
        if let Some(key) = &destination.key {
            // Single use: the key is gone once a customer entered it.
            self.remove_key(key);
            self.emit(Effect::Persist(StoreOp::DeleteKey(key.clone())));
        }
        let id = SessionId(self.next_session);
        self.next_session += 1;
        let session = Session {
            id,
            customer,
            customer_token_hash: hash_secret(customer_token),
            customer_connected: true,
            customer_gone: false,
            issue: destination.issue,
            kind: destination.kind,
            entry_path: destination.path,
            session_key: destination.key.clone(),
            started_at: now,
            owner: None,
            participants: Vec::new(),
            ever_joined: BTreeSet::new(),
            waiting: None,
            home_queue: destination.queue.clone(),
            history: Vec::new(),
            important: false,
            disposition: None,
            rejected_by: BTreeSet::new(),
            ended_at: None,
            assistance: None,
            client,
            grants: Default::default(),
            platform,
            machine: None,
            elevation: None,
            jump: None,
            client_offer: None,
            offer: None,
            chat: Vec::new(),
            position_sent: None,
            sent_ids: Default::default(),
            monitors: Default::default(),
        };
        self.sessions.insert(id, session);
        self.emit(Effect::BindCustomer(conn, id));
        self.emit(Effect::ToCustomerConn(
            conn,
            CustomerServerMessage::SessionStarted {
                protocol_version: PROTOCOL_VERSION,
                session_id: id,
                customer_token: customer_token.to_owned(),
                chat: Vec::new(),
                reps: Vec::new(),
                ended: false,
                grants: Vec::new(),
            },
        ));
        self.enqueue(now, id, destination.queue, QueueReason::Started, None);
        self.persist_session(id);
        self.send_position(id);
        Ok(None)
    }

    pub(super) fn customer_resume(
        &mut self,
        conn: CustomerConn,
        session_id: SessionId,
        customer_token: &str,
    ) -> Reply {
        let hash = hash_secret(customer_token);
        let Some(session) = self.sessions.get(&session_id) else {
            // A session that ended left memory: only the store can tell it from one that
            // never existed (and answers both the way a wrong token is answered here).
            self.emit(Effect::ReadForCustomer(CustomerRead::EndedSession {
                session_id,
                customer_token: customer_token.to_owned(),
            }));
            return Ok(None);
        };
        // A wrong token and an unknown id get the same answer: nobody can probe for ids.
        if session.customer_token_hash != hash {
            return Err(refuse(ErrorCode::Unauthorized, RESUME_REFUSED));
        }
        if session.customer_gone {
            // Over for the customer (they left, or a rep disconnected them): say so with the
            // chat they had; the connection closes after it, unbound.
            let over = Self::ended_for_customer(session, customer_token);
            self.emit(Effect::ToCustomerConn(conn, over));
            return Ok(None);
        }
        let started = CustomerServerMessage::SessionStarted {
            protocol_version: PROTOCOL_VERSION,
            session_id,
            customer_token: customer_token.to_owned(),
            chat: Router::public_chat(session),
            reps: self.rep_names(session),
            ended: false,
            grants: session.grants.list.clone(),
        };
        let was_connected = session.customer_connected;
        if let Some(session) = self.sessions.get_mut(&session_id) {
            session.customer_connected = true;
            session.position_sent = None;
        }
        self.emit(Effect::BindCustomer(conn, session_id));
        self.emit(Effect::ToCustomerConn(conn, started));
        if !was_connected {
            let jump_session = self
                .sessions
                .get(&session_id)
                .is_some_and(|s| s.entry_path == EntryPath::JumpClient);
            self.note_customer(
                session_id,
                if jump_session {
                    "The Jump Client joined the session."
                } else {
                    "The customer is back."
                },
            );
            self.announce_session_update(session_id, None);
        }
        self.send_position(session_id);
        Ok(None)
    }

    /// `session_started` with `ended: true`: the session is over for its customer.
    pub fn ended_for_customer(session: &Session, customer_token: &str) -> CustomerServerMessage {
        CustomerServerMessage::SessionStarted {
            protocol_version: PROTOCOL_VERSION,
            session_id: session.id,
            customer_token: customer_token.to_owned(),
            chat: Router::public_chat(session),
            reps: Vec::new(),
            ended: true,
            grants: Vec::new(),
        }
    }

    pub(super) fn customer_request(
        &mut self,
        now: UnixMillis,
        session_id: SessionId,
        request: CustomerRequest,
    ) -> Reply {
        let session = self.session(session_id)?;
        if session.customer_gone {
            return Err(refuse(
                ErrorCode::SessionEnded,
                "You are no longer connected to this session.",
            ));
        }
        match request {
            CustomerRequest::Ping => Ok(None),
            CustomerRequest::AnswerRemote { grant_id, allow } => {
                self.answer_remote(session_id, grant_id, allow)
            }
            CustomerRequest::StopRemote { grant_id } => {
                self.customer_stop_remote(session_id, grant_id)
            }
            CustomerRequest::OpenMedia { channel } => {
                self.customer_open_media(now, session_id, channel)
            }
            CustomerRequest::ShellExited { grant_id, code } => {
                self.shell_exited(session_id, grant_id, code)
            }
            CustomerRequest::ElevationFailed { grant_id, reason } => {
                self.elevation_failed(session_id, grant_id, &reason)
            }
            CustomerRequest::DescribeElevation { support } => {
                self.describe_elevation(session_id, support)
            }
            CustomerRequest::DescribeMachine { machine } => {
                self.describe_machine(session_id, machine)
            }
            CustomerRequest::ButtonResult {
                button_id,
                done,
                detail,
            } => self.button_result(session_id, button_id, done, &detail),
            CustomerRequest::JumpClientResult {
                jump_client_id,
                done,
                detail,
            } => self.jump_client_result(now, session_id, jump_client_id, done, &detail),
            CustomerRequest::Chat {
                client_msg_id,
                text,
            } => {
                let text = valid_chat_text(&text)?;
                valid_client_id(&client_msg_id)?;
                if let Some(existing) = session.sent_message(None, &client_msg_id) {
                    return Ok(Some(switchboard_protocol::OkResult::Chat {
                        message: existing.clone(),
                    }));
                }
                let name = session.customer.name.clone();
                self.chat_allowed(now, session_id, true)?;
                let message = ChatMessage {
                    id: self.next_message_id(),
                    session_id,
                    author: Author::Customer { name },
                    text,
                    visibility: Visibility::Public,
                    at: now,
                    client_msg_id: Some(client_msg_id),
                    attachment: None,
                    whisper_to: None,
                };
                self.add_chat(message.clone());
                Ok(Some(switchboard_protocol::OkResult::Chat { message }))
            }
            CustomerRequest::Leave => {
                // The customer is answered `ok` and their socket is closed by the edge after
                // it (PROTOCOL.md §9), so the session lets go of them here without a word.
                let nobody_there = session.participants.is_empty();
                if let Some(session) = self.sessions.get_mut(&session_id) {
                    session.customer_gone = true;
                    session.customer_connected = false;
                }
                self.end_all_grants(session_id, GrantEnd::CustomerDisconnected);
                if nobody_there {
                    // The customer gave up before anyone took the session.
                    self.end_session(now, session_id, "You left the queue.");
                } else {
                    self.note(session_id, "The customer left the session.".to_owned());
                    self.announce_session_update(session_id, None);
                    self.persist_session(session_id);
                }
                Ok(None)
            }
        }
    }

    pub(super) fn customer_disconnected(&mut self, session_id: SessionId) {
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        if session.customer_connected {
            session.customer_connected = false;
            self.end_all_grants(session_id, GrantEnd::CustomerDisconnected);
            self.note_customer(session_id, "The customer lost the connection.");
            self.announce_session_update(session_id, None);
        }
    }

    /// Tells a waiting customer their place in the queue, if it changed.
    pub(super) fn send_position(&mut self, session_id: SessionId) {
        let Some(waiting) = self
            .sessions
            .get(&session_id)
            .and_then(|s| s.waiting.clone())
        else {
            return;
        };
        let ahead = self
            .queues
            .get(&waiting.queue)
            .map(|set| set.range(..(waiting.entered_at, session_id)).count())
            .unwrap_or(0);
        self.send_position_at(session_id, u32::try_from(ahead + 1).unwrap_or(u32::MAX));
    }

    fn send_position_at(&mut self, session_id: SessionId, position: u32) {
        let Some(session) = self.sessions.get_mut(&session_id) else {
            return;
        };
        if !session.customer_connected || session.position_sent == Some(position) {
            return;
        }
        session.position_sent = Some(position);
        self.tell_customer(
            session_id,
            CustomerServerMessage::QueueStatus {
                position,
                estimated_wait_secs: position.saturating_mul(ESTIMATED_SECS_PER_POSITION),
            },
        );
    }

    /// Re-tells positions in the queues that changed since the last tick.
    pub(super) fn send_dirty_positions(&mut self) {
        let dirty = std::mem::take(&mut self.dirty_positions);
        for queue in dirty {
            let ids: Vec<SessionId> = self
                .queues
                .get(&queue)
                .map(|set| set.iter().map(|(_, id)| *id).collect())
                .unwrap_or_default();
            // One pass over the queue: each session's position is its index.
            for (index, id) in ids.into_iter().enumerate() {
                self.send_position_at(id, u32::try_from(index + 1).unwrap_or(u32::MAX));
            }
        }
    }
}
