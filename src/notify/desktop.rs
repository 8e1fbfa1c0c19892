//! The real notifier: the desktop's notification service through notify-rust (D-Bus on
//! Linux and the BSDs). Sending can block (a D-Bus round trip, or a timeout when no
//! service answers), so it happens on a thread of its own; so does waiting for the click,
//! one thread per notification shown, until the desktop closes it.

use super::{Alert, Feedback, FeedbackSender};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// The application name the desktop shows (and groups notifications by).
const APP_NAME: &str = "Switchboard";

/// Hands alerts to the notification thread.
pub struct DesktopNotifier {
    alerts: Sender<Alert>,
    /// Answers directly when the thread could not be started.
    feedback: FeedbackSender,
}

impl DesktopNotifier {
    pub(crate) fn spawn(
        feedback_tx: Sender<Feedback>,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> DesktopNotifier {
        let feedback = FeedbackSender {
            tx: feedback_tx,
            wake,
        };
        let (alerts, incoming) = channel();
        let for_thread = feedback.clone();
        let started = std::thread::Builder::new()
            .name("notifications".into())
            .spawn(move || run(incoming, for_thread));
        if let Err(error) = started {
            tracing::warn!(%error, "could not start the notification thread; alerts show in the window");
        }
        DesktopNotifier { alerts, feedback }
    }

    pub fn show(&self, alert: Alert) {
        if let Err(unsent) = self.alerts.send(alert) {
            // No notification thread: the window shows it.
            self.feedback.send(Feedback::Unavailable(unsent.0));
        }
    }
}

/// The notification thread: shows each alert until the desktop turns out to have no
/// notification service; from then on every alert goes back to the window.
fn run(alerts: Receiver<Alert>, feedback: FeedbackSender) {
    let mut available = true;
    for alert in alerts {
        if !available {
            feedback.send(Feedback::Unavailable(alert));
            continue;
        }
        if let Err(error) = show(&alert, &feedback) {
            // Logged once: a desktop without notifications is normal (CI, a bare X server).
            tracing::debug!(%error, "no desktop notification service; alerts show in the window");
            available = false;
            feedback.send(Feedback::Unavailable(alert));
        }
    }
}

/// Shows one notification; a click on it comes back as [`Feedback::Clicked`].
#[cfg(all(unix, not(target_os = "macos")))]
fn show(alert: &Alert, feedback: &FeedbackSender) -> Result<(), notify_rust::error::Error> {
    use notify_rust::{Hint, Notification};
    let mut notification = Notification::new();
    notification
        .appname(APP_NAME)
        .summary(&alert.title)
        .body(&alert.body)
        .icon("mail-message-new")
        .hint(Hint::Category("im.received".into()))
        .hint(Hint::DesktopEntry("switchboard".into()))
        // "default" is what a click on the notification itself sends.
        .action("default", "Open");
    match alert.sound.then(super::sound::chime_path).flatten() {
        Some(path) => {
            notification.hint(Hint::SoundFile(path.display().to_string()));
        }
        // Some servers play a sound of their own unless told not to.
        None => {
            notification.hint(Hint::SuppressSound(true));
        }
    }
    let handle = notification.show()?;
    let target = alert.target.clone();
    let feedback = feedback.clone();
    let waiting = std::thread::Builder::new()
        .name("notification-click".into())
        .spawn(move || {
            // Returns when the rep acts on it or the desktop closes it (it expires).
            handle.wait_for_action(|action| {
                if action == "default" {
                    feedback.send(Feedback::Clicked(target));
                }
            });
        });
    if let Err(error) = waiting {
        tracing::debug!(%error, "could not wait for a click on the notification");
    }
    Ok(())
}

/// Elsewhere notify-rust shows the notification but reports no clicks.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show(alert: &Alert, _feedback: &FeedbackSender) -> Result<(), notify_rust::error::Error> {
    notify_rust::Notification::new()
        .appname(APP_NAME)
        .summary(&alert.title)
        .body(&alert.body)
        .show()
        .map(|_| ())
}
