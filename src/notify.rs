//! Telling the rep about incoming work when they may not be looking (seed 004): desktop
//! notifications through the desktop's notification service (notify-rust over D-Bus) with
//! a short chime, and a click on one brings its session forward.
//!
//! Degrades quietly: where the desktop has no notification service (a bare X server, CI),
//! the first failed send is logged once at debug level and every alert from then on comes
//! back as [`Feedback::Unavailable`], which the app shows as an in-app toast instead.
//!
//! - [`events`]: which server events become an alert, and its text (pure).
//! - [`reminders`]: when an unanswered customer earns a reminder toast (pure).
//! - [`desktop`]: the real notifier, on its own thread.
//! - [`recording`]: a notifier that records what the console asked for (tests).
//! - [`sound`]: the chime shipped in `assets/sounds/`, written where the desktop can read it.

pub mod desktop;
pub mod events;
pub mod recording;
pub mod reminders;
pub mod sound;

pub use recording::RecordingNotifier;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use switchboard_protocol::{QueueRef, SessionId};

/// Where a click on an alert leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AlertTarget {
    /// A session tab: a customer wrote in it.
    Session(SessionId),
    /// The incoming-chat box of a push offer.
    Offer(SessionId),
    /// An entry waiting in one of the rep's queues: a new session or an invitation.
    Entry { queue: QueueRef, entry_id: String },
}

/// One notification the console asks the desktop to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The first line ("Incoming chat: Pat Pending").
    pub title: String,
    /// The details under it.
    pub body: String,
    pub target: AlertTarget,
    /// Whether the chime plays with it (the rep can turn sounds off).
    pub sound: bool,
}

/// What comes back from the notifier, drained once per frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feedback {
    /// The rep clicked the notification.
    Clicked(AlertTarget),
    /// The desktop could not show it (no notification service): show it in the window.
    Unavailable(Alert),
}

/// Which notifier the console uses.
#[derive(Debug, Clone, Default)]
pub enum Notifications {
    /// The desktop's notification service.
    #[default]
    Desktop,
    /// Tests: record what the console asked to show; clicks are simulated.
    Recording(RecordingNotifier),
}

/// Sends alerts to the chosen notifier and collects what comes back.
pub struct Notifier {
    backend: Backend,
    feedback: Receiver<Feedback>,
}

enum Backend {
    Desktop(desktop::DesktopNotifier),
    Recording(RecordingNotifier),
}

impl Notifier {
    /// `wake` asks for a frame when feedback arrives (a click while the window sleeps).
    pub fn new(kind: Notifications, wake: impl Fn() + Send + Sync + 'static) -> Notifier {
        let (feedback_tx, feedback) = channel();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(wake);
        let backend = match kind {
            Notifications::Desktop => {
                Backend::Desktop(desktop::DesktopNotifier::spawn(feedback_tx, wake))
            }
            Notifications::Recording(recording) => {
                recording.attach(feedback_tx);
                Backend::Recording(recording)
            }
        };
        Notifier { backend, feedback }
    }

    /// Shows an alert outside the window. Never blocks: the desktop is asked on another thread.
    pub fn show(&self, alert: Alert) {
        match &self.backend {
            Backend::Desktop(desktop) => desktop.show(alert),
            Backend::Recording(recording) => recording.show(alert),
        }
    }

    /// Clicks and fallbacks since the last call.
    pub fn feedback(&self) -> Vec<Feedback> {
        self.feedback.try_iter().collect()
    }
}

/// Sends feedback to the app and wakes it.
#[derive(Clone)]
pub(crate) struct FeedbackSender {
    tx: Sender<Feedback>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl FeedbackSender {
    pub(crate) fn send(&self, feedback: Feedback) {
        // The app is gone when this fails: nobody is left to tell.
        if self.tx.send(feedback).is_ok() {
            (self.wake)();
        }
    }
}

#[cfg(test)]
mod tests;
