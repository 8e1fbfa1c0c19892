//! The top of the console: the fixed controls ("Waiting activities", Assistance, Jump
//! Clients, the rep's load against their cap and Take next, "Generate session key",
//! presence, who is logged in, Settings, Shortcuts, Log out), which keep their place at
//! every width.
//!
//! - [`tabs`]: the row of session tabs below it, scrolling, with the overflow menu.
//! - [`flash`]: which tabs flash, and the rhythm.
//! - [`waiting_activities`]: push-queue work the rep may take without an offer.
//! - [`settings_window`]: sound, desktop notifications and reminders.

pub mod flash;
pub mod settings_window;
pub mod tabs;
pub mod waiting_activities;

use super::intent::{Intent, Panel};
use crate::model::Model;
use crate::text;
use crate::text::display;
use crate::text::supervision as words;
use switchboard_protocol::{Presence, RepRequest};

/// The fixed controls, left to right in the order Tab visits them: the left side (title,
/// Waiting activities, Assistance), then the right-hand ones (session key, presence,
/// Settings, Shortcuts, Log out), which keep their place at any width. The left side gets
/// what the right-hand ones leave and ellipsizes.
pub fn top_bar_ui(
    ui: &mut egui::Ui,
    model: &Model,
    demo: bool,
    panels: TopBarPanels,
    intents: &mut Vec<Intent>,
) {
    let mut right = Vec::new();
    two_sides_in_tab_order(
        ui,
        |ui| {
            if compact(ui.ctx()) {
                // The title a size smaller: Assistance and Jump Clients keep whole labels.
                ui.label(egui::RichText::new(text::TITLE).size(COMPACT_TITLE_SIZE));
            } else {
                ui.heading(text::TITLE);
            }
            if demo {
                ui.label(egui::RichText::new(text::DEMO).color(ui.visuals().warn_fg_color));
            }
            ui.separator();
            let now = crate::pace::now_ms();
            waiting_activities::waiting_activities_ui(ui, model, now, intents);
            super::assistance::assistance_menu_ui(ui, model, now, intents);
            super::jump_clients::jump_clients_button_ui(ui, model.jump.open, intents);
        },
        |ui| right_group_ui(ui, model, panels, &mut right),
    );
    intents.extend(right);
}

/// The right-hand controls, left to right (so Tab runs that way too): load and Take next,
/// session key, presence, who is logged in, Settings, Shortcuts, Log out.
fn right_group_ui(
    ui: &mut egui::Ui,
    model: &Model,
    panels: TopBarPanels,
    intents: &mut Vec<Intent>,
) {
    load_and_take_next_ui(ui, model, intents);
    let session_key = if compact(ui.ctx()) {
        ui.button(text::SESSION_KEY_SHORT)
            .on_hover_text(text::GENERATE_SESSION_KEY)
    } else {
        ui.button(text::GENERATE_SESSION_KEY)
    };
    if session_key.clicked() {
        intents.push(Intent::Request(RepRequest::GenerateSessionKey));
    }
    if let Some(me) = &model.me {
        if me.presence == Presence::Paused {
            let resume = ui
                .button("Available again")
                .on_hover_text("You missed a chat offer; no chats are offered while paused.");
            if resume.clicked() {
                intents.push(Intent::Request(RepRequest::SetPresence {
                    presence: Presence::Available,
                }));
            }
        }
        if compact(ui.ctx()) {
            // Narrow: who is logged in is told by the presence menu's and Log out's tooltips.
            presence_ui(ui, me.presence, intents)
                .on_hover_text(text::logged_in_as(&me.display_name));
        } else {
            presence_ui(ui, me.presence, intents);
            ui.add(egui::Label::new(&me.display_name).truncate())
                .on_hover_text(&me.display_name);
        }
    }
    if ui
        .selectable_label(panels.settings_open, "Settings")
        .clicked()
    {
        intents.push(Intent::TogglePanel(Panel::Settings));
    }
    if ui
        .selectable_label(panels.help_open, text::SHORTCUTS)
        .on_hover_text("Keyboard shortcuts (F1)")
        .clicked()
    {
        intents.push(Intent::TogglePanel(Panel::Help));
    }
    let log_out = ui.button(text::LOG_OUT);
    let log_out = match &model.me {
        Some(me) if compact(ui.ctx()) => {
            log_out.on_hover_text(text::logged_in_as(&me.display_name))
        }
        _ => log_out,
    };
    if log_out.clicked() {
        intents.push(Intent::LogOut);
    }
}

/// One row with `left` at the start and `right` at the end, both laid out left to right
/// and in that order, so the keyboard's Tab (which follows the order widgets are added)
/// runs left to right through the whole row. ([`egui::Sides`] adds a shrinking left side
/// after the right one, so Tab visited Log out's group before the title's.) The right side
/// keeps its width from last frame; the left side gets the rest and truncates its text.
/// When the right side's width changes, the frame is laid out again before it is shown.
fn two_sides_in_tab_order(
    ui: &mut egui::Ui,
    left: impl FnOnce(&mut egui::Ui),
    right: impl FnOnce(&mut egui::Ui),
) {
    let id = egui::Id::unique("top_bar_right_width");
    let spacing = ui.spacing().item_spacing.x;
    let mut row = ui.available_rect_before_wrap();
    row.max.y = row.min.y + ui.spacing().interact_size.y;
    let remembered: Option<f32> = ui.data(|d| d.get_temp(id));
    let right_width = remembered.unwrap_or(row.width()).min(row.width());
    let layout = egui::Layout::left_to_right(egui::Align::Center);

    let left_rect = row.with_max_x((row.max.x - right_width - spacing).max(row.min.x));
    let mut left_ui = ui.new_child(egui::UiBuilder::new().max_rect(left_rect).layout(layout));
    left_ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
    left_ui.shrink_clip_rect(left_rect);
    left(&mut left_ui);

    let right_rect = row.with_min_x(row.max.x - right_width);
    let mut right_ui = ui.new_child(egui::UiBuilder::new().max_rect(right_rect).layout(layout));
    right(&mut right_ui);
    let used = right_ui.min_rect().width();
    if remembered.is_none_or(|w| (w - used).abs() > 0.5) {
        ui.data_mut(|d| d.insert_temp(id, used));
        ui.ctx()
            .request_discard("the top bar's right-hand width changed");
    }
    ui.advance_cursor_after_rect(left_ui.min_rect() | right_ui.min_rect());
}

/// Which of the top bar's panels are open (their buttons show pressed).
#[derive(Clone, Copy, Debug, Default)]
pub struct TopBarPanels {
    pub settings_open: bool,
    pub help_open: bool,
}

/// The presence menu, labelled "Presence"; its response, for a tooltip.
fn presence_ui(ui: &mut egui::Ui, current: Presence, intents: &mut Vec<Intent>) -> egui::Response {
    let mut chosen = current;
    // Narrow: the menu shows the presence itself; the word "Presence" is its accessible name
    // and tooltip rather than a label beside it (a paused rep's "Available again" needs the
    // room, or Jump Clients is cut).
    let label = (!compact(ui.ctx())).then(|| ui.weak("Presence"));
    let combo = egui::ComboBox::from_id_salt("presence")
        .selected_text(display::presence(current))
        .show_ui(ui, |ui| {
            for presence in [Presence::Available, Presence::Busy, Presence::Away] {
                ui.selectable_value(&mut chosen, presence, display::presence(presence));
            }
        })
        .response;
    let combo = match label {
        Some(label) => combo.labelled_by(label.id),
        None => combo.accessible_name("Presence").on_hover_text("Presence"),
    };
    if chosen != current {
        intents.push(Intent::Request(RepRequest::SetPresence {
            presence: chosen,
        }));
    }
    combo
}

/// "3 / 5 sessions" (owned against the cap, in the warning colour at the cap) and Take
/// next, greyed with why (at the cap, nobody waiting that the rep could take).
fn load_and_take_next_ui(ui: &mut egui::Ui, model: &Model, intents: &mut Vec<Intent>) {
    let Some(load) = model.load() else {
        return;
    };
    // Narrow windows get the figure alone ("3 / 5"), the words in its tooltip: the top bar's
    // left side (Assistance, Jump Clients) needs the room.
    let full = words::load(load.owned, load.cap);
    let shown = if compact(ui.ctx()) {
        words::load_figure(load.owned, load.cap)
    } else {
        full.clone()
    };
    let figure = egui::RichText::new(shown);
    let figure = if load.at_cap() {
        figure.strong().color(ui.visuals().warn_fg_color)
    } else {
        figure
    };
    ui.label(figure)
        .on_hover_text(format!("{full}: {}", words::LOAD_HINT));
    let why_not = model.why_not_take_next();
    let shortcut = ui.ctx().format_shortcut(&super::shortcuts::TAKE_NEXT);
    let button = ui
        .add_enabled(why_not.is_none(), egui::Button::new(words::TAKE_NEXT))
        .on_hover_text(format!("{} ({shortcut})", words::TAKE_NEXT_HINT))
        .on_disabled_hover_text(why_not.unwrap_or_default());
    if button.clicked() {
        intents.push(Intent::Request(RepRequest::TakeNext));
    }
}

/// Below this window width the top bar is compact: the title a size smaller, "Waiting (N)",
/// the load as a figure alone, "Session key", and the rep's name only in tooltips (the
/// whole words are in tooltips), so a lead's Assistance and Jump Clients keep whole labels
/// down to 1024 px, "Demo" beside the title included.
const COMPACT_BELOW: f32 = 1200.0;

/// The title's size in a compact top bar (a heading is 20 px).
const COMPACT_TITLE_SIZE: f32 = 16.0;

/// Whether the top bar is compact this frame (see [`COMPACT_BELOW`]).
pub(crate) fn compact(ctx: &egui::Context) -> bool {
    ctx.content_rect().width() < COMPACT_BELOW
}
