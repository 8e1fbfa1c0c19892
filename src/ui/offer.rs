//! The incoming-chat notification of a push queue (seed 004): a dark box in the top right
//! corner with the customer's details, the queue, how long they have waited, how long ago
//! the offer came, a countdown to the answer deadline, and Accept / Reject, with "Open"
//! beside them when the queue has a page configured for its offers (opened in the system
//! browser). Missing the deadline pauses the rep (the server decides; the top bar shows
//! "Paused").

use super::intent::Intent;
use crate::model::Model;
use crate::text::display;
use switchboard_protocol::{Offer, RepRequest, UnixMillis};

/// The seed's "black rectangle", readable in light and dark themes alike.
const BACKGROUND: egui::Color32 = egui::Color32::from_rgb(0x16, 0x18, 0x1C);
const TEXT: egui::Color32 = egui::Color32::from_rgb(0xEE, 0xEE, 0xEE);
const DIM: egui::Color32 = egui::Color32::from_rgb(0xA8, 0xAC, 0xB4);
const URGENT: egui::Color32 = egui::Color32::from_rgb(0xFF, 0x9F, 0x43);

pub fn offer_ui(
    ctx: &egui::Context,
    model: &Model,
    offer: &Offer,
    now: UnixMillis,
    intents: &mut Vec<Intent>,
) {
    let entry = &offer.entry;
    let session_id = entry.session_id;
    let left = offer.deadline.saturating_sub(now);
    let answer_window = offer.deadline.saturating_sub(offer.offered_at).max(1);
    // The countdown moves once a second, on the same frames as the other timers.
    crate::pace::tick(ctx, now, crate::pace::SECOND_MS);
    egui::Area::new(egui::Id::unique(("incoming_chat", session_id.0)))
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::RIGHT_TOP, [-12.0, 44.0])
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(BACKGROUND)
                .corner_radius(6.0)
                .inner_margin(egui::Margin::same(12))
                .shadow(ui.visuals().popup_shadow)
                .show(ui, |ui| {
                    ui.set_width(300.0);
                    ui.label(egui::RichText::new("Incoming chat").color(DIM).small());
                    ui.label(
                        egui::RichText::new(display::customer(entry))
                            .color(TEXT)
                            .strong()
                            .size(17.0),
                    );
                    if let Some(company) = &entry.customer.company {
                        ui.label(egui::RichText::new(company).color(TEXT));
                    }
                    if let Some(question) = &entry.customer.question {
                        ui.label(egui::RichText::new(question).color(DIM).italics());
                    }
                    ui.add_space(4.0);
                    egui::Grid::new(("offer_facts", session_id.0))
                        .num_columns(2)
                        .spacing([12.0, 2.0])
                        .show(ui, |ui| {
                            let fact = |ui: &mut egui::Ui, name: &str, value: String| {
                                ui.label(egui::RichText::new(name).color(DIM));
                                ui.label(egui::RichText::new(value).color(TEXT));
                                ui.end_row();
                            };
                            fact(ui, "Queue", display::queue(&entry.queue, &model.teams));
                            fact(
                                ui,
                                "Waiting",
                                display::wait(now.saturating_sub(entry.entered_queue_at)),
                            );
                            fact(
                                ui,
                                "Offered",
                                format!(
                                    "{} ago",
                                    display::wait(now.saturating_sub(offer.offered_at))
                                ),
                            );
                            let issue = display::issue(entry.issue.as_ref(), &model.issues);
                            if !issue.is_empty() {
                                fact(ui, "Issue", issue);
                            }
                        });
                    ui.add_space(6.0);
                    let fraction = left as f32 / answer_window as f32;
                    ui.add(
                        egui::ProgressBar::new(fraction.clamp(0.0, 1.0))
                            .desired_height(6.0)
                            .fill(URGENT),
                    );
                    ui.label(
                        egui::RichText::new(format!(
                            "Answer within {} or you are paused",
                            display::wait(left)
                        ))
                        .color(URGENT),
                    );
                    ui.add_space(6.0);
                    ui.horizontal(|ui| {
                        if ui.button("Accept offer").clicked() {
                            intents.push(Intent::Request(RepRequest::Accept { session_id }));
                        }
                        if ui.button("Reject offer").clicked() {
                            intents.push(Intent::Request(RepRequest::RejectOffer { session_id }));
                        }
                        if let Some(url) = &offer.url {
                            // The seed's white button: set apart from the answer buttons.
                            let open =
                                egui::Button::new(egui::RichText::new("Open").color(BACKGROUND))
                                    .fill(TEXT);
                            if ui.add(open).on_hover_text(url).clicked() {
                                intents.push(Intent::OpenUrl(url.clone()));
                            }
                        }
                    });
                });
        });
}
