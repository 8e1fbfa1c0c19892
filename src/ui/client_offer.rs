//! "Offer the Switchboard program" (Click-to-chat → full client): the session toolbar's
//! entry, greyed with why (the customer already uses the program, is not connected, the
//! session waits or ended), and the small window it opens — the one-time join code in large
//! selectable type with Copy, until when it works, what the customer's page shows, and,
//! once the customer joined, that they now use the program. The window's state is the
//! model's ([`crate::model::client_offer`]); everything here pushes intents.

use super::intent::Intent;
use crate::model::Model;
use crate::model::client_offer::{OfferPanel, OfferView, offer_view};
use crate::text::client_offer as words;
use crate::text::display;
use switchboard_protocol::{RepRequest, SessionId, UnixMillis};

/// The toolbar entry: sends `offer_client` (its window opens with the code); greyed, it
/// says why on hover.
pub fn offer_entry_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    unavailable: Option<&str>,
    intents: &mut Vec<Intent>,
) {
    let entry = ui
        .add_enabled(unavailable.is_none(), egui::Button::new(words::OFFER))
        .on_hover_text(words::OFFER_HINT)
        .on_disabled_hover_text(unavailable.unwrap_or_default());
    if entry.clicked() {
        intents.push(offer(session_id));
    }
}

fn offer(session_id: SessionId) -> Intent {
    Intent::Request(RepRequest::OfferClient { session_id })
}

/// The window, while the model has it open, at `now`; closing it pushes
/// [`Intent::CloseClientOffer`].
pub fn client_offer_window_ui(
    ctx: &egui::Context,
    model: &Model,
    panel: &OfferPanel,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let Some(session) = model.sessions.get(&panel.session_id) else {
        return;
    };
    let info = &session.info;
    let customer = &info.customer.name;
    // "New code" shows where a code is wanted and the entry would be open.
    let may_offer = model.offer_client_unavailable(info).is_none();
    let mut open = true;
    egui::Window::new(words::title(customer))
        .id(egui::Id::unique(("client_offer", panel.session_id.0)))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            ui.set_max_width(440.0);
            let mut new_code = false;
            match offer_view(panel, info, now) {
                OfferView::Joined => {
                    ui.strong(words::now_using(customer));
                    ui.label(words::NOW_POSSIBLE);
                }
                OfferView::Sending => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.weak(words::MAKING_CODE);
                    });
                }
                OfferView::Refused(error) => {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                    new_code = may_offer;
                }
                OfferView::Code { code, left_ms } => {
                    ui.weak(words::CODE_LABEL);
                    ui.horizontal(|ui| {
                        // Large, and selectable so it can be copied as it is.
                        let text = egui::RichText::new(&code.code)
                            .size(34.0)
                            .monospace()
                            .strong();
                        ui.add(egui::Label::new(text).selectable(true));
                        if ui.button(words::COPY_CODE).clicked() {
                            ui.ctx().copy_text(code.code.clone());
                        }
                    });
                    ui.label(words::works_until(
                        &display::clock(code.expires_at),
                        left_ms,
                    ));
                    ui.add_space(4.0);
                    ui.add(egui::Label::new(words::customer_sees(customer)).wrap());
                    new_code = may_offer;
                }
                OfferView::Expired => {
                    ui.label(words::expired(customer));
                    new_code = may_offer;
                }
            }
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                if new_code
                    && ui
                        .button(words::NEW_CODE)
                        .on_hover_text(words::NEW_CODE_HINT)
                        .clicked()
                {
                    intents.push(offer(panel.session_id));
                }
                if ui.button(words::CLOSE).clicked() {
                    intents.push(Intent::CloseClientOffer);
                }
            });
        });
    if !open {
        intents.push(Intent::CloseClientOffer);
    }
}
