//! The window's state, pure: the start form (or, on its "Join with a code" route, the join
//! code from a web chat), then the session as its events told it (chat, queue place, reps,
//! consent prompts, who views or controls). No egui types; the app applies [`SessionEvent`]s
//! here and draws from it.

use crate::session::{JoinCode, SessionEvent, ShareState};
use switchboard_protocol::{Author, GrantInfo, IssueId, RepId, Route, TeamId};

/// How the customer reaches support, as the start form offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    SessionKey,
    Rep,
    Team,
    Issue,
    Button,
    General,
    /// Not a new session: a web chat's session taken over with the join code a rep offered.
    JoinCode,
}

impl RouteKind {
    pub const ALL: [RouteKind; 7] = [
        RouteKind::SessionKey,
        RouteKind::Rep,
        RouteKind::Team,
        RouteKind::Issue,
        RouteKind::Button,
        RouteKind::General,
        RouteKind::JoinCode,
    ];

    /// The form's label for the route.
    pub fn label(self) -> &'static str {
        match self {
            RouteKind::SessionKey => "Session key",
            RouteKind::Rep => "A representative",
            RouteKind::Team => "A team",
            RouteKind::Issue => "An issue",
            RouteKind::Button => "A support button",
            RouteKind::General => "Anyone (general queue)",
            RouteKind::JoinCode => "Join with a code (from a web chat)",
        }
    }

    /// What the value field asks for, if the route needs one.
    pub fn value_hint(self) -> Option<&'static str> {
        match self {
            RouteKind::SessionKey => Some("the key your representative gave you"),
            RouteKind::Rep => Some("representative id, e.g. alice"),
            RouteKind::Team => Some("team id, e.g. tech"),
            RouteKind::Issue => Some("issue id, e.g. login"),
            RouteKind::Button => Some("the button's token"),
            RouteKind::General => None,
            RouteKind::JoinCode => Some("the code, e.g. 482-193-057"),
        }
    }
}

/// What the form starts: a new session by a route, or a web chat's session joined by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    Route(Route),
    Join(JoinCode),
}

/// The start form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartForm {
    pub server: String,
    pub name: String,
    pub company: String,
    pub question: String,
    pub route: RouteKind,
    pub value: String,
}

impl StartForm {
    /// What the form starts, or what is missing: a join needs only its code (the session
    /// has the customer's name already), a new session a name and its route's value.
    pub fn start(&self) -> Result<Start, String> {
        if self.route == RouteKind::JoinCode {
            return JoinCode::parse(&self.value)
                .map(Start::Join)
                .map_err(|e| e.to_string());
        }
        self.route().map(Start::Route)
    }

    /// The route the form describes, or what is missing (a join code is not a route).
    pub fn route(&self) -> Result<Route, String> {
        let value = self.value.trim().to_owned();
        if self.name.trim().is_empty() {
            return Err("Please enter your name.".into());
        }
        if self.route.value_hint().is_some() && value.is_empty() {
            return Err(format!(
                "Please enter {}.",
                self.route.label().to_lowercase()
            ));
        }
        Ok(match self.route {
            RouteKind::SessionKey => Route::SessionKey { key: value },
            RouteKind::Rep => Route::Rep {
                rep: RepId::new(value),
            },
            RouteKind::Team => Route::Team {
                team: TeamId::new(value),
            },
            RouteKind::Issue => Route::Issue {
                issue: IssueId::new(value),
            },
            RouteKind::Button => Route::Button { token: value },
            RouteKind::General => Route::General,
            RouteKind::JoinCode => {
                return Err("A join code joins a web chat's session; it starts none.".into());
            }
        })
    }
}

/// One line of the chat pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    /// Who wrote it; `None` for the server's event lines.
    pub who: Option<String>,
    pub text: String,
    /// The customer's own message.
    pub mine: bool,
}

/// Where the window is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Form,
    Connecting,
    Session,
    /// Over, with the words to show.
    Ended(String),
}

/// The window's whole state.
#[derive(Debug, Clone)]
pub struct Model {
    pub form: StartForm,
    pub form_error: Option<String>,
    pub phase: Phase,
    pub chat: Vec<ChatLine>,
    pub queue: Option<(u32, u32)>,
    pub reps: Vec<String>,
    pub prompts: Vec<GrantInfo>,
    pub share: ShareState,
    /// Why this machine cannot share, if it cannot (Wayland, no display): shown on top.
    pub cannot_share: Option<String>,
    /// The latest notice (a refused request, a capture problem).
    pub notice: Option<String>,
    /// The connection dropped and the session is being resumed.
    pub reconnecting: bool,
    /// The program removed itself (a rep closed with uninstall): what went, shown under the
    /// end; the window then closes.
    pub removed: Option<String>,
}

impl Model {
    pub fn new(form: StartForm, cannot_share: Option<String>) -> Self {
        Self {
            form,
            form_error: None,
            phase: Phase::Form,
            chat: Vec::new(),
            queue: None,
            reps: Vec::new(),
            prompts: Vec::new(),
            share: ShareState::default(),
            cannot_share,
            notice: None,
            reconnecting: false,
            removed: None,
        }
    }

    /// Applies one event of the session.
    pub fn apply(&mut self, event: SessionEvent) {
        match event {
            SessionEvent::QueueStatus {
                position,
                estimated_wait_secs,
            } => self.queue = Some((position, estimated_wait_secs)),
            SessionEvent::Chat(message) => {
                let (who, mine) = match message.author {
                    Author::Customer { .. } => (Some("You".to_owned()), true),
                    Author::Rep { name, .. } => (Some(name), false),
                    _ => (None, false),
                };
                self.chat.push(ChatLine {
                    who,
                    text: message.text,
                    mine,
                });
            }
            SessionEvent::RepJoined(name) => {
                self.queue = None;
                self.chat.push(ChatLine {
                    who: None,
                    text: format!("{name} joined."),
                    mine: false,
                });
                self.reps.push(name);
            }
            SessionEvent::RepLeft(name) => {
                if let Some(at) = self.reps.iter().position(|r| *r == name) {
                    self.reps.remove(at);
                }
                self.chat.push(ChatLine {
                    who: None,
                    text: format!("{name} left."),
                    mine: false,
                });
            }
            SessionEvent::Grants { prompts, share } => {
                self.prompts = prompts;
                self.share = share;
            }
            SessionEvent::Notice(text) => self.notice = Some(text),
            SessionEvent::Note(text) => self.chat.push(ChatLine {
                who: None,
                text,
                mine: false,
            }),
            SessionEvent::Uninstalled(text) => self.removed = Some(text),
            SessionEvent::Ended(text) => {
                self.prompts.clear();
                self.share = ShareState::default();
                self.reconnecting = false;
                self.phase = Phase::Ended(text);
            }
            SessionEvent::Reconnecting => {
                self.prompts.clear();
                self.share = ShareState::default();
                self.reconnecting = true;
            }
            SessionEvent::Reconnected { reps } => {
                self.reconnecting = false;
                self.reps = reps;
            }
        }
    }

    /// A prompt was answered here: its card goes at once.
    pub fn answered(&mut self, grant_id: switchboard_protocol::GrantId) {
        self.prompts.retain(|p| p.grant_id != grant_id);
    }

    /// Stop was pressed: the banner goes at once (the session already stopped locally).
    pub fn stopped(&mut self) {
        self.share = ShareState::default();
        self.prompts.clear();
    }
}

/// Whole seconds left until `deadline` (Unix ms) at `now_ms`, never below zero.
pub fn seconds_left(deadline: u64, now_ms: u64) -> u64 {
    deadline.saturating_sub(now_ms).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Viewer;

    fn form(route: RouteKind, value: &str) -> StartForm {
        StartForm {
            server: "http://127.0.0.1:8080".into(),
            name: "Sam".into(),
            company: String::new(),
            question: String::new(),
            route,
            value: value.into(),
        }
    }

    /// Every route of the form becomes its protocol route; a missing value is named.
    #[test]
    fn the_form_makes_every_route() {
        assert_eq!(
            form(RouteKind::SessionKey, " 123456 ").route(),
            Ok(Route::SessionKey {
                key: "123456".into()
            })
        );
        assert!(matches!(
            form(RouteKind::Rep, "alice").route(),
            Ok(Route::Rep { .. })
        ));
        assert!(matches!(
            form(RouteKind::Team, "tech").route(),
            Ok(Route::Team { .. })
        ));
        assert!(matches!(
            form(RouteKind::Issue, "login").route(),
            Ok(Route::Issue { .. })
        ));
        assert!(matches!(
            form(RouteKind::Button, "b").route(),
            Ok(Route::Button { .. })
        ));
        assert_eq!(form(RouteKind::General, "").route(), Ok(Route::General));
        assert!(form(RouteKind::Team, " ").route().is_err());
        let mut nameless = form(RouteKind::General, "");
        nameless.name = " ".into();
        assert!(nameless.route().is_err());
    }

    /// The join route needs only the code (no name: the session has one), normalised; a
    /// code that cannot be one is refused in words; it is no route for a new session.
    #[test]
    fn the_join_route_takes_a_code() {
        let mut join = form(RouteKind::JoinCode, " 482 193-057 ");
        join.name = String::new();
        match join.start() {
            Ok(Start::Join(code)) => assert_eq!(code.digits(), "482193057"),
            other => panic!("{other:?}"),
        }
        join.value = "48219305".into();
        assert!(join.start().unwrap_err().contains("nine digits"));
        join.value = String::new();
        assert!(join.start().unwrap_err().contains("join code"));
        assert!(join.route().is_err());
        assert_eq!(
            form(RouteKind::General, "").start(),
            Ok(Start::Route(Route::General))
        );
        assert!(RouteKind::ALL.contains(&RouteKind::JoinCode));
    }

    /// A granted shell keeps the banner up on its own (no screen shared); Stop clears it.
    #[test]
    fn a_shell_alone_shows_the_banner() {
        let mut model = Model::new(form(RouteKind::General, ""), None);
        let share = ShareState {
            shell: Some(crate::session::ShellUser {
                grant_id: switchboard_protocol::GrantId(7),
                rep_name: "Alice Martin".into(),
                elevation: None,
            }),
            ..ShareState::default()
        };
        model.apply(SessionEvent::Grants {
            prompts: Vec::new(),
            share,
        });
        assert!(model.share.in_use() && !model.share.sharing());
        model.stopped();
        assert!(!model.share.in_use());
    }

    /// The banner follows the share state; the end clears it.
    #[test]
    fn events_fold_into_the_model() {
        let mut model = Model::new(form(RouteKind::General, ""), None);
        model.apply(SessionEvent::RepJoined("Alice Martin".into()));
        let share = ShareState {
            viewers: vec![Viewer {
                rep_name: "Alice Martin".into(),
                controlling: false,
            }],
            control: false,
            shell: None,
        };
        model.apply(SessionEvent::Grants {
            prompts: Vec::new(),
            share: share.clone(),
        });
        assert_eq!(model.share, share);
        // A dropped connection clears the banner at once; back, the reps are the server's.
        model.apply(SessionEvent::Reconnecting);
        assert!(model.reconnecting && !model.share.sharing());
        model.apply(SessionEvent::Reconnected {
            reps: vec!["Bob Okafor".into()],
        });
        assert!(!model.reconnecting);
        assert_eq!(model.reps, ["Bob Okafor"]);
        model.apply(SessionEvent::Grants {
            prompts: Vec::new(),
            share: share.clone(),
        });
        model.apply(SessionEvent::Note("Alice added a Support Button.".into()));
        assert_eq!(model.chat.last().unwrap().who, None);
        model.apply(SessionEvent::Ended("bye".into()));
        assert!(!model.share.sharing());
        assert_eq!(model.phase, Phase::Ended("bye".into()));
        model.apply(SessionEvent::Uninstalled("removed".into()));
        assert_eq!(model.removed.as_deref(), Some("removed"));
        assert_eq!(seconds_left(31_000, 1_500), 30);
        assert_eq!(seconds_left(1_000, 5_000), 0);
    }
}
