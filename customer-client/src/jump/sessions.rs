//! The sessions reps jumped into, as the agent runs them: at most [`MAX_JUMP_SESSIONS`] at
//! once (a jump beyond that is refused and logged), each a task the agent owns and ends
//! with itself.
//!
//! - `no_prompt`: the session runs here, headless ([`CustomerSession::join`]): the screen
//!   the agent was given (the real X screen, or the synthetic one in tests) and the shell,
//!   as the server grants them. It answers no prompt by itself (`Policy::DenyAll`): with
//!   this policy the server grants without asking, and nobody is there to ask.
//! - `notify` and `ask`: the customer's window is started on the session
//!   ([`Attended::Window`]: this program with `--resume-session`, the customer token in the
//!   environment, never on a command line other users can read), so the person at the
//!   machine sees who connected and, with `ask`, answers the prompts. If the window cannot
//!   start or fails at once (no display), the session runs headless as with `no_prompt`
//!   (its prompts, if any, denied: nobody can see them). [`Attended::Headless`] (tests)
//!   always runs them here.

use super::agent::AgentEvent;
use crate::install::Places;
use crate::publish::ScreenChoice;
use crate::session::{CustomerSession, Policy, SessionConfig};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use switchboard_protocol::{CustomerInfo, JumpPolicy, Route, SessionId};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// The most jump sessions the agent runs at once.
pub const MAX_JUMP_SESSIONS: usize = 4;

/// The environment variable that hands the window its customer token.
pub const TOKEN_VARIABLE: &str = "SWITCHBOARD_CUSTOMER_TOKEN";

/// A window that ends within this long after it started failed to open: the session runs
/// headless instead.
const WINDOW_FAILS_WITHIN: Duration = Duration::from_secs(10);

/// How a jump with `notify` or `ask` is shown at the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attended {
    /// Start this program's window (the program's path) on the session.
    Window { program: PathBuf },
    /// Run it here without a window (tests).
    Headless,
}

/// Where a jump session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// In the agent, without a window.
    Headless,
    /// In the customer's window, a process of its own.
    Window,
}

/// What a jump session needs from the agent.
#[derive(Clone)]
pub(super) struct JumpContext {
    pub server: String,
    pub places: Places,
    pub screen: Result<ScreenChoice, String>,
    pub attended: Attended,
    pub events: Option<mpsc::Sender<AgentEvent>>,
}

impl JumpContext {
    pub(super) fn emit(&self, event: AgentEvent) {
        emit(&self.events, event);
    }
}

/// Sends `event` if anyone listens and there is room (events are never worth blocking for).
fn emit(events: &Option<mpsc::Sender<AgentEvent>>, event: AgentEvent) {
    if let Some(events) = events {
        let _ = events.try_send(event);
    }
}

/// One jump, as the server sent it.
#[derive(Debug, Clone)]
pub(super) struct Jump {
    pub session_id: SessionId,
    pub customer_token: String,
    pub rep_name: String,
    pub policy: JumpPolicy,
}

/// The running jump sessions.
#[derive(Default)]
pub(super) struct JumpSessions {
    tasks: JoinSet<()>,
}

impl JumpSessions {
    /// Starts `jump`, unless [`MAX_JUMP_SESSIONS`] run already.
    pub(super) fn start(&mut self, jump: Jump, context: &JumpContext) -> Result<Shown, String> {
        while self.tasks.try_join_next().is_some() {}
        if self.tasks.len() >= MAX_JUMP_SESSIONS {
            return Err(format!(
                "{MAX_JUMP_SESSIONS} jump sessions run already on this computer"
            ));
        }
        let shown = match (&jump.policy, &context.attended) {
            (JumpPolicy::NoPrompt, _) | (_, Attended::Headless) => Shown::Headless,
            (_, Attended::Window { .. }) => Shown::Window,
        };
        let context = context.clone();
        match shown {
            Shown::Headless => self.tasks.spawn(headless(context, jump)),
            Shown::Window => self.tasks.spawn(window(context, jump)),
        };
        Ok(shown)
    }

    /// Ends every session run here (a dropped session leaves); windows stay open.
    pub(super) fn end_all(&mut self) {
        self.tasks.abort_all();
    }
}

/// Runs `jump` here until it ends for this machine.
async fn headless(context: JumpContext, jump: Jump) {
    let config = SessionConfig {
        server: context.server.clone(),
        customer: CustomerInfo {
            name: String::new(),
            company: None,
            question: None,
            contact: None,
        },
        route: Route::General,
        policy: Policy::DenyAll,
        screen: context.screen.clone(),
        wake: None,
        elevate_run_as: Vec::new(),
    };
    let session_id = jump.session_id;
    let joined = CustomerSession::join(
        config,
        Some(context.places.clone()),
        session_id,
        jump.customer_token,
    )
    .await;
    match joined {
        Ok((session, mut events)) => {
            tracing::info!(%session_id, "a jump session runs here");
            // Every event is read (the channel is unbounded) until the session's task ends.
            while events.recv().await.is_some() {}
            drop(session);
            context.emit(AgentEvent::JumpEnded { session_id });
        }
        Err(error) => {
            tracing::warn!(%error, %session_id, "joining the jump session failed");
            context.emit(AgentEvent::JumpFailed {
                session_id,
                why: error.to_string(),
            });
        }
    }
}

/// Starts the customer's window on `jump` and waits for it; if it fails at once, runs the
/// session here instead.
async fn window(context: JumpContext, jump: Jump) {
    let Attended::Window { program } = &context.attended else {
        return headless(context, jump).await;
    };
    let policy = match jump.policy {
        JumpPolicy::Ask => "ask",
        JumpPolicy::Notify | JumpPolicy::NoPrompt => "notify",
    };
    let started = Instant::now();
    let spawned = tokio::process::Command::new(program)
        .arg("--server")
        .arg(&context.server)
        .arg("--resume-session")
        .arg(jump.session_id.to_string())
        .arg("--jumped-by")
        .arg(&jump.rep_name)
        .arg("--jump-policy")
        .arg(policy)
        .env(TOKEN_VARIABLE, &jump.customer_token)
        .stdin(std::process::Stdio::null())
        .spawn();
    let failed = match spawned {
        Ok(mut child) => match child.wait().await {
            Ok(status) if status.success() => false,
            Ok(status) => {
                tracing::warn!(%status, "the jump session's window ended");
                started.elapsed() < WINDOW_FAILS_WITHIN
            }
            Err(error) => {
                tracing::warn!(%error, "waiting for the jump session's window");
                false
            }
        },
        Err(error) => {
            tracing::warn!(%error, program = %program.display(), "the jump session's window did not start");
            true
        }
    };
    if failed {
        headless(context, jump).await;
    } else {
        context.emit(AgentEvent::JumpEnded {
            session_id: jump.session_id,
        });
    }
}
