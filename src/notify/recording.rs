//! A notifier for tests: it records every alert the console asked the desktop to show, and
//! a test clicks one through the same channel a real click comes back on. It can also play
//! a desktop without a notification service, to exercise the fallback to toasts.

use super::{Alert, Feedback};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};

/// Shared between the test and the console it built.
#[derive(Debug, Clone, Default)]
pub struct RecordingNotifier {
    inner: Arc<Mutex<Recorded>>,
}

#[derive(Debug, Default)]
struct Recorded {
    shown: Vec<Alert>,
    /// Plays a desktop with no notification service: every alert comes back unshown.
    unavailable: bool,
    /// The console's feedback channel, set when the console starts.
    feedback: Option<Sender<Feedback>>,
}

impl RecordingNotifier {
    /// A desktop whose notifications work.
    pub fn new() -> RecordingNotifier {
        RecordingNotifier::default()
    }

    /// A desktop with no notification service (the console must fall back to toasts).
    pub fn unavailable() -> RecordingNotifier {
        let recording = RecordingNotifier::default();
        recording.lock().unavailable = true;
        recording
    }

    /// Every alert asked for so far, in order.
    pub fn shown(&self) -> Vec<Alert> {
        self.lock().shown.clone()
    }

    /// The rep clicks this alert on the desktop.
    pub fn click(&self, alert: &Alert) {
        self.send(Feedback::Clicked(alert.target.clone()));
    }

    pub(crate) fn attach(&self, feedback: Sender<Feedback>) {
        self.lock().feedback = Some(feedback);
    }

    pub(crate) fn show(&self, alert: Alert) {
        let unavailable = {
            let mut recorded = self.lock();
            recorded.shown.push(alert.clone());
            recorded.unavailable
        };
        if unavailable {
            self.send(Feedback::Unavailable(alert));
        }
    }

    fn send(&self, feedback: Feedback) {
        if let Some(tx) = &self.lock().feedback {
            let _ = tx.send(feedback);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        // A test that panicked while holding it has failed already; the data is still fine.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
