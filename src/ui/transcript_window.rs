//! The shell transcript window of a session (live or ended): what was typed on its shells,
//! by whom and when, and what the shells printed, one line per row. Only the rows in sight
//! are laid out, so a transcript of megabytes scrolls as lightly as a short one.

use super::intent::Intent;
use crate::terminal::transcript::{LineKind, TranscriptView};
use crate::text::display;
use crate::text::remote as words;
use switchboard_protocol::SessionId;

/// Where a transcript window's contents stand.
#[derive(Debug, Clone, PartialEq)]
pub enum TranscriptState {
    Loading,
    Loaded(TranscriptView),
    /// The server refused it or could not be reached: the sentence for the rep.
    Failed(String),
}

/// One open transcript window.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptWindow {
    /// The customer's name, for the title.
    pub customer: String,
    pub state: TranscriptState,
}

/// Widths of the time and who columns, in points.
const TIME_WIDTH: f32 = 64.0;
const WHO_WIDTH: f32 = 110.0;

/// Draws the window; closing it pushes [`Intent::CloseTranscript`].
pub fn transcript_window_ui(
    ctx: &egui::Context,
    session_id: SessionId,
    window: &TranscriptWindow,
    intents: &mut Vec<Intent>,
) {
    let mut open = true;
    egui::Window::new(words::transcript_title(&window.customer))
        .id(egui::Id::unique(("shell_transcript", session_id.0)))
        .open(&mut open)
        .default_size([720.0, 440.0])
        // Over the middle of the window, clear of the session's toolbar.
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            // A live session's transcript grows: read it again on demand.
            let loading = window.state == TranscriptState::Loading;
            let reload = ui
                .add_enabled(!loading, egui::Button::new(words::RELOAD_TRANSCRIPT))
                .on_hover_text("Ask the server for the transcript as it is now");
            if reload.clicked() {
                intents.push(Intent::OpenTranscript {
                    session_id,
                    customer: window.customer.clone(),
                });
            }
            ui.separator();
            contents_ui(ui, session_id, window);
        });
    if !open {
        intents.push(Intent::CloseTranscript(session_id));
    }
}

fn contents_ui(ui: &mut egui::Ui, session_id: SessionId, window: &TranscriptWindow) {
    match &window.state {
        TranscriptState::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(words::TRANSCRIPT_LOADING);
            });
        }
        TranscriptState::Failed(reason) => {
            ui.colored_label(ui.visuals().error_fg_color, reason);
        }
        TranscriptState::Loaded(view) if view.lines.is_empty() => {
            ui.weak(words::TRANSCRIPT_EMPTY);
        }
        TranscriptState::Loaded(view) => lines_ui(ui, session_id, view),
    }
}

fn lines_ui(ui: &mut egui::Ui, session_id: SessionId, view: &TranscriptView) {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.ctx().fonts_mut(|fonts| fonts.row_height(&font));
    let input_colour = ui.visuals().strong_text_color();
    let event_colour = ui.visuals().weak_text_color();
    egui::ScrollArea::both()
        .id_salt(("shell_transcript_lines", session_id.0))
        .auto_shrink(false)
        .show_rows(ui, row_height, view.lines.len(), |ui, rows| {
            for line in view.lines.get(rows).unwrap_or_default() {
                ui.horizontal(|ui| {
                    let time = line.at.map(display::clock).unwrap_or_default();
                    ui.add_sized(
                        [TIME_WIDTH, row_height],
                        egui::Label::new(egui::RichText::new(time).weak()),
                    );
                    ui.add_sized(
                        [WHO_WIDTH, row_height],
                        egui::Label::new(egui::RichText::new(&line.who).weak()).truncate(),
                    );
                    let text = egui::RichText::new(&line.text).font(font.clone());
                    let text = match line.kind {
                        LineKind::Input => text.color(input_colour).strong(),
                        LineKind::Output => text,
                        LineKind::Event => text.color(event_colour).italics(),
                    };
                    ui.add(egui::Label::new(text).extend());
                });
            }
        });
}
