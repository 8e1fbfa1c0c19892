//! Toasts in a notice area above the status bar: a strip that pushes the content up
//! instead of covering it, so no toast ever hides an input or a button. Two kinds:
//! - notices (a refusal from the server, a missed chat, a session that ended) show for a
//!   few seconds; older ones stay in the status bar's Notices menu;
//! - alerts about incoming work: a desktop notification the desktop could not show (no
//!   notification service, or the rep turned them off) and reminders of a customer waiting
//!   in a session the rep is not looking at. Each has a button that goes there; one per
//!   place (a newer one replaces it), gone once the rep looks at that session, and gone as
//!   soon as what it announces is no longer true (the entry was accepted, taken by someone
//!   else or withdrawn; the session ended; the offer went).
//!
//! The rep can dismiss any toast sooner.

use crate::model::{Model, Notice};
use crate::notify::reminders::Reminder;
use crate::notify::{Alert, AlertTarget};
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};
use switchboard_protocol::SessionId;

/// How long a notice stays.
const TOAST_SHOWN: Duration = Duration::from_secs(10);
/// How long an alert stays: long enough to be found by a rep coming back to the desk.
const ALERT_SHOWN: Duration = Duration::from_secs(60);
/// At most this many notices at once (the newest); alerts likewise.
const TOASTS_AT_ONCE: usize = 3;

/// An alert shown in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertToast {
    id: u64,
    /// The first line, in bold (a reminder has none).
    pub title: Option<String>,
    pub body: String,
    pub target: AlertTarget,
    since: Instant,
}

/// Which notices were shown since when, which the rep dismissed, and the alerts showing.
#[derive(Debug, Default)]
pub struct Toasts {
    first_shown: HashMap<u64, Instant>,
    dismissed: HashSet<u64>,
    /// Oldest first.
    alerts: Vec<AlertToast>,
    next_alert: u64,
}

impl Toasts {
    /// Forget notices that are gone from the model.
    fn forget_missing(&mut self, notices: &VecDeque<Notice>) {
        let kept: HashSet<u64> = notices.iter().map(|n| n.id).collect();
        self.first_shown.retain(|id, _| kept.contains(id));
        self.dismissed.retain(|id| kept.contains(id));
    }

    /// Shows a desktop notification in the window instead. Offers are not: the
    /// incoming-chat box already shows them.
    pub fn alert(&mut self, alert: Alert) {
        if matches!(alert.target, AlertTarget::Offer(_)) {
            return;
        }
        self.push(Some(alert.title), alert.body, alert.target);
    }

    /// Shows a reminder of a waiting customer.
    pub fn remind(&mut self, reminder: Reminder) {
        self.push(None, reminder.text, reminder.target);
    }

    /// Alerts about a session go once the rep looks at it.
    pub fn forget_seen(&mut self, looking_at: Option<SessionId>) {
        if let Some(seen) = looking_at {
            self.alerts
                .retain(|a| a.target != AlertTarget::Session(seen));
        }
    }

    /// Drops the alerts about a session the rep is no longer in, at once.
    pub fn forget_session(&mut self, session_id: SessionId) {
        self.alerts
            .retain(|a| a.target != AlertTarget::Session(session_id));
    }

    /// Drops the alerts whose news is no longer true: the entry left its queue (accepted
    /// here or elsewhere, withdrawn), the session ended or closed, the offer went.
    pub fn forget_stale(&mut self, model: &Model) {
        self.alerts.retain(|a| match &a.target {
            AlertTarget::Entry { queue, entry_id } => model
                .queue(queue)
                .is_some_and(|q| q.entries.iter().any(|e| &e.entry_id == entry_id)),
            AlertTarget::Session(id) => model.sessions.get(id).is_some_and(|s| !s.info.ended),
            AlertTarget::Offer(id) => model
                .offer
                .as_ref()
                .is_some_and(|o| o.entry.session_id == *id),
        });
    }

    /// The alerts showing now, oldest first (tests read their text).
    pub fn alerts(&self) -> &[AlertToast] {
        &self.alerts
    }

    fn push(&mut self, title: Option<String>, body: String, target: AlertTarget) {
        self.alerts.retain(|a| a.target != target);
        self.next_alert += 1;
        self.alerts.push(AlertToast {
            id: self.next_alert,
            title,
            body,
            target,
            since: Instant::now(),
        });
    }
}

/// Draws the notice area (a panel at the bottom of `ui`, only while there is something to
/// show); returns where the rep asked to go from an alert, if they did.
pub fn toasts_ui(
    ui: &mut egui::Ui,
    toasts: &mut Toasts,
    notices: &VecDeque<Notice>,
) -> Option<AlertTarget> {
    toasts.forget_missing(notices);
    let now = Instant::now();
    toasts
        .alerts
        .retain(|a| now.duration_since(a.since) < ALERT_SHOWN);
    let mut shown = Vec::new();
    for notice in notices.iter().rev() {
        if shown.len() == TOASTS_AT_ONCE || toasts.dismissed.contains(&notice.id) {
            continue;
        }
        let since = *toasts.first_shown.entry(notice.id).or_insert(now);
        let left = TOAST_SHOWN.saturating_sub(now.duration_since(since));
        if !left.is_zero() {
            shown.push((notice, left));
        }
    }
    let alerts_shown = toasts.alerts.len().saturating_sub(TOASTS_AT_ONCE);
    let soonest = shown
        .iter()
        .map(|(_, left)| *left)
        .chain(
            toasts.alerts[alerts_shown..]
                .iter()
                .map(|a| ALERT_SHOWN.saturating_sub(now.duration_since(a.since))),
        )
        .min()?;
    ui.ctx().request_repaint_after(soonest);
    let mut go_to = None;
    let mut dismissed_alert = None;
    egui::Panel::bottom("notice_area").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            for alert in &toasts.alerts[alerts_shown..] {
                card(ui, ui.visuals().selection.bg_fill, |ui| {
                    if let Some(title) = &alert.title {
                        ui.add(egui::Label::new(egui::RichText::new(title).strong()).wrap());
                    }
                    ui.add(egui::Label::new(&alert.body).wrap());
                    ui.horizontal(|ui| {
                        if ui.small_button(action_label(&alert.target)).clicked() {
                            go_to = Some(alert.target.clone());
                            dismissed_alert = Some(alert.id);
                        }
                        if ui.small_button("Dismiss").clicked() {
                            dismissed_alert = Some(alert.id);
                        }
                    });
                });
            }
            for (notice, _) in shown.iter().rev() {
                card(ui, ui.visuals().warn_fg_color, |ui| {
                    ui.add(egui::Label::new(&notice.text).wrap());
                    if ui.small_button("Dismiss").clicked() {
                        toasts.dismissed.insert(notice.id);
                    }
                });
            }
        });
    });
    if let Some(id) = dismissed_alert {
        toasts.alerts.retain(|a| a.id != id);
    }
    go_to
}

/// One toast: a framed card of bounded width.
fn card(ui: &mut egui::Ui, edge: egui::Color32, add: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, edge))
        .show(ui, |ui| {
            ui.set_max_width(CARD_WIDTH);
            ui.vertical(add);
        });
}

/// The widest a toast grows.
const CARD_WIDTH: f32 = 340.0;

/// The button that goes where an alert points.
fn action_label(target: &AlertTarget) -> &'static str {
    match target {
        AlertTarget::Session(_) => "Go to chat",
        AlertTarget::Offer(_) => "Show offer",
        AlertTarget::Entry { .. } => "Show in queue",
    }
}
