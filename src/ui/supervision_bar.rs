//! A team lead's strip at the top of a session tab (issue 15): while monitoring, "Monitoring
//! — the customer is not told" with Whisper to ▾, Join, Take over ▾ and Stop monitoring; for
//! a lead in the session without owning it, Whisper to ▾ and Take over ▾. What is offered and
//! why each is greyed is the model's ([`SupervisionBar`]); this draws it and pushes intents.
//! The whisper itself is typed in the chat bar (see [`super::chat`]).

use super::chat::ChatDraft;
use super::intent::Intent;
use crate::model::supervision::SupervisionBar;
use crate::text::supervision as words;
use switchboard_protocol::supervision::PreviousOwner;
use switchboard_protocol::{RepRequest, SessionId};

/// The strip for `bar` in session `session_id`; the whisper's rep is kept in `draft`.
pub fn supervision_bar_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    bar: &SupervisionBar,
    draft: &mut ChatDraft,
    intents: &mut Vec<Intent>,
) {
    let dark = ui.visuals().dark_mode;
    egui::Frame::new()
        .fill(crate::theme::monitoring_fill(dark))
        .inner_margin(egui::Margin::symmetric(8, 4))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let title = if bar.monitoring {
                    words::MONITORING
                } else {
                    words::LEAD_TOOLS
                };
                let colour = crate::theme::whisper_caption(dark);
                ui.label(egui::RichText::new(title).strong().color(colour));
                ui.separator();
                whisper_to_ui(ui, session_id, bar, draft);
                if bar.monitoring {
                    let join = ui.button(words::JOIN).on_hover_text(words::JOIN_HINT);
                    if join.clicked() {
                        intents.push(Intent::Request(RepRequest::JoinSession { session_id }));
                    }
                }
                take_over_ui(ui, session_id, bar, intents);
                if bar.monitoring {
                    let stop = ui
                        .button(words::STOP_MONITORING)
                        .on_hover_text(words::STOP_HINT);
                    if stop.clicked() {
                        intents.push(Intent::Request(RepRequest::StopMonitoring { session_id }));
                    }
                }
            });
        });
}

/// "Whisper to" and the rep a whisper goes to (the owner unless another is chosen).
fn whisper_to_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    bar: &SupervisionBar,
    draft: &mut ChatDraft,
) {
    let label = ui.label(words::WHISPER_TO);
    let chosen = bar.target(draft.whisper_to.as_ref());
    let shown = chosen.map_or("", |t| t.label.as_str());
    let mut picked = chosen.map(|t| t.rep.clone());
    ui.add_enabled_ui(bar.whisper.is_none(), |ui| {
        egui::ComboBox::from_id_salt(("whisper_to", session_id.0))
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for target in &bar.whisper_targets {
                    ui.selectable_value(&mut picked, Some(target.rep.clone()), &target.label);
                }
            })
            .response
            .labelled_by(label.id)
    })
    .inner
    .on_disabled_hover_text(bar.whisper.as_deref().unwrap_or_default());
    if picked.as_ref() != chosen.map(|t| &t.rep) {
        draft.whisper_to = picked;
        // Choosing whom to whisper to means whispering: the composer follows.
        draft.whisper = true;
        draft.focus = true;
    }
}

/// Take over ▾: the owner stays in the session, or leaves it.
fn take_over_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    bar: &SupervisionBar,
    intents: &mut Vec<Intent>,
) {
    let owner = bar.owner_name.as_deref().unwrap_or_default();
    ui.add_enabled_ui(bar.take_over.is_none(), |ui| {
        ui.menu_button(format!("{} ▾", words::TAKE_OVER), |ui| {
            let choices = [
                (words::take_over_stay(owner), PreviousOwner::Stay),
                (words::take_over_leave(owner), PreviousOwner::Leave),
            ];
            for (label, previous_owner) in choices {
                if ui.button(label).clicked() {
                    intents.push(Intent::Request(RepRequest::TakeOver {
                        session_id,
                        previous_owner,
                    }));
                    ui.close();
                }
            }
        })
        .response
    })
    .inner
    .on_disabled_hover_text(bar.take_over.as_deref().unwrap_or_default());
}
