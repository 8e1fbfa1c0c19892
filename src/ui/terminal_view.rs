//! The Shell view's terminal widget: draws a [`TerminalModel`] in monospace and collects
//! what the rep types for the shell.
//!
//! It fills the space it is given and works out the rows and columns that fit, resizing
//! the model and reporting the new size (for the shell's PTY). Painting is in `paint.rs`
//! (one galley per row, recoloured per cell). The mouse wheel scrolls the scrollback;
//! dragging selects and copies on release. Keys, text and pastes become bytes only while
//! the widget has the keyboard focus (a click gives it; a border shows it), and never
//! after the shell has ended. No network here: the caller sends
//! [`TerminalResponse::input`] and the resize, and feeds the output to the model.

mod paint;

use crate::terminal::keys::{self, KeyModes};
use crate::terminal::{GridPoint, Selection, ShellEnd, TermSize, TerminalModel};
use egui::{Color32, Event, FontId, Key, MouseWheelUnit, PointerButton, Pos2, Rect, Vec2};

/// The widget's accessible label: how tests and screen readers find the terminal.
pub use crate::text::remote::SHELL as SHELL_LABEL;
/// Space between the widget's border and the grid, in points.
const PADDING: f32 = 4.0;

/// What the widget keeps between frames beside the model.
#[derive(Debug, Default)]
pub struct TerminalViewState {
    /// Wheel movement not yet a whole line, so a slow trackpad scroll still adds up.
    wheel_lines: f32,
    /// True while a drag that began on the grid is selecting.
    selecting: bool,
}

/// What one frame of the widget produced for the caller.
pub struct TerminalResponse {
    /// Bytes for the shell: keys, text and pastes typed while the widget had the focus.
    pub input: Vec<u8>,
    /// The new size when the available space changed it: tell the shell's PTY.
    pub resized: Option<TermSize>,
    /// Text put on the clipboard this frame (a finished drag selection, or Copy).
    pub copied: Option<String>,
    /// Whether the widget has the keyboard focus.
    pub focused: bool,
    /// Where the grid's cells are drawn, in points (row 0, column 0 at its top left).
    pub grid: Rect,
    /// The size of one cell, in points.
    pub cell_size: Vec2,
    /// The widget's egui response (its rect, hover, focus).
    pub response: egui::Response,
}

/// The size of one cell in points, from the monospace font.
struct CellMetrics {
    font_id: FontId,
    width: f32,
    height: f32,
}

impl CellMetrics {
    fn of(ui: &egui::Ui) -> CellMetrics {
        let font_id = egui::TextStyle::Monospace.resolve(ui.style());
        let (width, height) = ui
            .ctx()
            .fonts_mut(|fonts| (fonts.glyph_width(&font_id, 'M'), fonts.row_height(&font_id)));
        CellMetrics {
            font_id,
            width: width.max(1.0),
            height: height.max(1.0),
        }
    }

    /// The rows and columns that fit in `space` (points), inside the padding. A direction
    /// without a limit (in a scroll area) keeps the size it has.
    fn fitting(&self, space: Vec2, current: TermSize) -> TermSize {
        let cells = |points: f32, cell: f32, current: u16| {
            if points.is_finite() {
                ((points - 2.0 * PADDING) / cell)
                    .floor()
                    .clamp(0.0, f32::from(u16::MAX)) as u16
            } else {
                current
            }
        };
        TermSize {
            rows: cells(space.y, self.height, current.rows),
            cols: cells(space.x, self.width, current.cols),
        }
        .clamped()
    }

    /// The rectangle of `cols` cells from column `col` on row `row` of a grid at `origin`.
    fn cells_rect(&self, origin: Pos2, row: u16, col: u16, cols: u16) -> Rect {
        Rect::from_min_size(
            origin + Vec2::new(f32::from(col) * self.width, f32::from(row) * self.height),
            Vec2::new(f32::from(cols) * self.width, self.height),
        )
    }
}

/// Draws the terminal in all the space `ui` has left, and handles its input.
pub fn terminal_view_ui(
    ui: &mut egui::Ui,
    model: &mut TerminalModel,
    state: &mut TerminalViewState,
) -> TerminalResponse {
    let metrics = CellMetrics::of(ui);
    let available = ui.available_size();
    let wanted = metrics.fitting(available, model.size());
    let resized = (wanted != model.size()).then(|| model.resize(wanted));
    let size = model.size();

    let grid_size = Vec2::new(
        f32::from(size.cols) * metrics.width,
        f32::from(size.rows) * metrics.height,
    );
    let least = grid_size + Vec2::splat(2.0 * PADDING);
    let desired = Vec2::new(
        if available.x.is_finite() {
            available.x.max(least.x)
        } else {
            least.x
        },
        if available.y.is_finite() {
            available.y.max(least.y)
        } else {
            least.y
        },
    );
    let (rect, _) = ui.allocate_exact_size(desired, egui::Sense::hover());
    let id = ui.scope_id().with("terminal_view");
    let response = ui
        .interact(rect, id, egui::Sense::click_and_drag())
        .on_hover_cursor(egui::CursorIcon::Text);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Terminal, true, SHELL_LABEL));
    let origin = rect.min + Vec2::splat(PADDING);
    let grid = Rect::from_min_size(origin, grid_size);

    if response.clicked() || response.drag_started() {
        response.request_focus();
    }
    let focused = response.has_focus();
    let events = ui.input(|input| input.events.clone());
    if response.hovered() {
        scroll_by_wheel(&events, &metrics, size, model, state);
    }
    let mut copied = select_by_drag(ui, &response, grid, &metrics, model, state);
    let mut input = Vec::new();
    if focused {
        // Tab, the arrows and Escape go to the shell, not to egui's focus moves.
        ui.memory_mut(|memory| {
            memory.set_focus_lock_filter(
                id,
                egui::EventFilter {
                    tab: true,
                    horizontal_arrows: true,
                    vertical_arrows: true,
                    escape: true,
                },
            );
        });
        if model.ended().is_none() {
            let ctrl_held = ui.input(|input| input.modifiers.ctrl);
            if let Some(text) = collect_input(&events, ctrl_held, model, &mut input) {
                ui.ctx().copy_text(text.clone());
                copied = Some(text);
            }
        }
        if !input.is_empty() {
            // Typing brings the live screen back, as in every terminal.
            model.set_scroll_offset(0);
        }
    }

    paint::paint(ui, rect, grid, &metrics, model, focused);
    if let Some(end) = model.ended() {
        let banner = Rect::from_min_max(
            Pos2::new(rect.left(), rect.bottom() - metrics.height - 2.0 * PADDING),
            rect.max,
        );
        ui.put(
            banner,
            egui::Label::new(
                egui::RichText::new(ended_text(end))
                    .font(metrics.font_id.clone())
                    .color(Color32::BLACK)
                    .background_color(Color32::from_rgb(0xe5, 0xe5, 0x10)),
            )
            .selectable(false),
        );
    }

    TerminalResponse {
        input,
        resized,
        copied,
        focused,
        grid,
        cell_size: Vec2::new(metrics.width, metrics.height),
        response,
    }
}

/// The line that says the shell has ended: "Shell ended (exit 3)".
pub fn ended_text(end: ShellEnd) -> String {
    crate::text::remote::shell_ended(end.exit_code)
}

/// Wheel events over the widget scroll the scrollback (up: back in time).
fn scroll_by_wheel(
    events: &[Event],
    metrics: &CellMetrics,
    size: TermSize,
    model: &mut TerminalModel,
    state: &mut TerminalViewState,
) {
    for event in events {
        if let Event::MouseWheel { unit, delta, .. } = event {
            state.wheel_lines += match unit {
                MouseWheelUnit::Point => delta.y / metrics.height,
                MouseWheelUnit::Line => delta.y,
                MouseWheelUnit::Page => delta.y * f32::from(size.rows),
            };
        }
    }
    let whole = state.wheel_lines.trunc();
    if whole != 0.0 {
        state.wheel_lines -= whole;
        model.scroll_by(whole as isize);
    }
}

/// The cell of the history under `pos`, held to the grid.
fn point_under(pos: Pos2, grid: Rect, metrics: &CellMetrics, model: &TerminalModel) -> GridPoint {
    let size = model.size();
    let cell = |offset: f32, cell: f32, count: u16| {
        (offset / cell)
            .floor()
            .clamp(0.0, f32::from(count.saturating_sub(1))) as u16
    };
    let row = cell(pos.y - grid.top(), metrics.height, size.rows);
    let col = cell(pos.x - grid.left(), metrics.width, size.cols);
    model.point_at(row, col)
}

/// Drag selects (scrolling when the pointer leaves the grid above or below); release
/// copies the selection; a click clears it. Returns the text copied.
fn select_by_drag(
    ui: &egui::Ui,
    response: &egui::Response,
    grid: Rect,
    metrics: &CellMetrics,
    model: &mut TerminalModel,
    state: &mut TerminalViewState,
) -> Option<String> {
    if response.clicked() {
        model.set_selection(None);
    }
    if response.drag_started_by(PointerButton::Primary) {
        let origin = ui.input(|input| input.pointer.press_origin());
        if let Some(origin) = origin.or(response.interact_pointer_pos()) {
            model.set_selection(Some(Selection::at(point_under(
                origin, grid, metrics, model,
            ))));
            state.selecting = true;
        }
    }
    if state.selecting
        && response.dragged_by(PointerButton::Primary)
        && let Some(pos) = response.interact_pointer_pos()
    {
        // Above or below the grid the view scrolls, a line a frame, while the drag lasts.
        if pos.y < grid.top() {
            model.scroll_by(1);
            ui.ctx().request_repaint();
        } else if pos.y > grid.bottom() {
            model.scroll_by(-1);
            ui.ctx().request_repaint();
        }
        if let Some(selection) = model.selection() {
            let head = point_under(pos, grid, metrics, model);
            model.set_selection(Some(Selection { head, ..selection }));
        }
    }
    if state.selecting && response.drag_stopped() {
        state.selecting = false;
        let text = model.selected_text();
        if !text.is_empty() {
            ui.ctx().copy_text(text.clone());
            return Some(text);
        }
    }
    None
}

/// Turns this frame's keyboard events into bytes for the shell. Copy (Ctrl+C, or
/// Ctrl+Shift+C) copies the selection when there is one, and is the interrupt (0x03)
/// otherwise; returns the text to copy.
fn collect_input(
    events: &[Event],
    ctrl_held: bool,
    model: &mut TerminalModel,
    input: &mut Vec<u8>,
) -> Option<String> {
    let modes = KeyModes {
        application_cursor: model.application_cursor(),
    };
    let mut copied = None;
    for event in events {
        match event {
            Event::Text(text) | Event::Ime(egui::ImeEvent::Commit(text)) => {
                input.extend(keys::encode_text(text));
            }
            Event::Paste(text) => input.extend(keys::encode_paste(text, model.bracketed_paste())),
            Event::Copy if model.selection().is_some() => copied = Some(model.selected_text()),
            Event::Copy if ctrl_held => input.push(0x03),
            Event::Cut if ctrl_held => input.push(0x18),
            Event::Key {
                key: Key::C,
                pressed: true,
                modifiers,
                ..
            } if modifiers.ctrl && modifiers.shift && model.selection().is_some() => {
                copied = Some(model.selected_text());
            }
            Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } => {
                if let Some(bytes) = keys::encode_key(*key, *modifiers, modes) {
                    input.extend(bytes);
                }
            }
            _ => {}
        }
    }
    copied
}
