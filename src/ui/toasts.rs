//! Toasts: each new notice (a refusal from the server, a missed chat, a session that
//! ended) shows for a few seconds in the bottom right corner, above everything else; the
//! rep can dismiss it sooner. Older notices stay in the status bar's Notices menu.

use crate::model::Notice;
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

/// How long a toast stays.
const TOAST_SHOWN: Duration = Duration::from_secs(10);
/// At most this many toasts at once (the newest).
const TOASTS_AT_ONCE: usize = 3;

/// Which notices were shown since when, and which the rep dismissed.
#[derive(Debug, Default)]
pub struct Toasts {
    first_shown: HashMap<u64, Instant>,
    dismissed: HashSet<u64>,
}

impl Toasts {
    /// Forget notices that are gone from the model.
    fn forget_missing(&mut self, notices: &VecDeque<Notice>) {
        let kept: HashSet<u64> = notices.iter().map(|n| n.id).collect();
        self.first_shown.retain(|id, _| kept.contains(id));
        self.dismissed.retain(|id| kept.contains(id));
    }
}

pub fn toasts_ui(ctx: &egui::Context, toasts: &mut Toasts, notices: &VecDeque<Notice>) {
    toasts.forget_missing(notices);
    let now = Instant::now();
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
    let Some(soonest) = shown.iter().map(|(_, left)| *left).min() else {
        return;
    };
    ctx.request_repaint_after(soonest);
    egui::Area::new(egui::Id::unique("toasts"))
        .order(egui::Order::Tooltip)
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
        .show(ctx, |ui| {
            ui.set_max_width(380.0);
            for (notice, _) in shown.iter().rev() {
                egui::Frame::popup(ui.style())
                    .stroke(egui::Stroke::new(1.0, ui.visuals().warn_fg_color))
                    .show(ui, |ui| {
                        ui.add(egui::Label::new(&notice.text).wrap());
                        if ui.small_button("Dismiss").clicked() {
                            toasts.dismissed.insert(notice.id);
                        }
                    });
                ui.add_space(4.0);
            }
        });
}
