//! Painting the terminal grid cheaply enough for a 200×60 screen that changes every frame.
//!
//! Each row is one galley laid out in a single colour (a new section only where italics
//! start or stop), then its glyphs are recoloured per cell: shaping one run per row rather
//! than one per colour change is what keeps a colourful screen cheap, and a row whose text
//! did not change is a hit in egui's galley cache whatever its colours. Backgrounds,
//! underlines, the selection and the cursor are plain shapes.

use super::CellMetrics;
use crate::terminal::{CellColor, CellView, TerminalModel, palette};
use egui::epaint::text::Galley;
use egui::text::{ByteIndex, LayoutJob, LayoutSection, TextFormat};
use egui::{Color32, Painter, Pos2, Rect, Stroke};
use std::sync::Arc;

fn rgb([r, g, b]: [u8; 3]) -> Color32 {
    Color32::from_rgb(r, g, b)
}

/// A colour as drawn; bold makes the eight named colours their bright forms.
fn color_of(color: CellColor, default: [u8; 3], bold: bool) -> Color32 {
    match color {
        CellColor::Default => rgb(default),
        CellColor::Indexed(index) if bold && index < 8 => rgb(palette::indexed(index + 8)),
        CellColor::Indexed(index) => rgb(palette::indexed(index)),
        CellColor::Rgb(r, g, b) => Color32::from_rgb(r, g, b),
    }
}

/// A cell's foreground and background as drawn (inverse and dim applied).
fn cell_colors(cell: &CellView<'_>) -> (Color32, Color32) {
    let fg = color_of(cell.fg, palette::DEFAULT_FG, cell.bold);
    let bg = color_of(cell.bg, palette::DEFAULT_BG, false);
    let (fg, bg) = if cell.inverse { (bg, fg) } else { (fg, bg) };
    let fg = if cell.dim {
        fg.lerp_to_gamma(bg, 0.4)
    } else {
        fg
    };
    (fg, bg)
}

/// A run of cells in one colour from a first column, drawn when the run ends.
type Run = Option<(Color32, u16)>;

/// One row's text and per-column colours, built up cell by cell.
#[derive(Default)]
struct RowPaint {
    job: LayoutJob,
    /// The foreground of each column, for recolouring the glyphs laid out over it.
    fg_by_col: Vec<Color32>,
    /// Whether the section being built is italic, and where it began in the text.
    section: Option<(bool, usize)>,
}

impl RowPaint {
    fn new(cols: u16) -> RowPaint {
        let mut job = LayoutJob::default();
        job.wrap.max_width = f32::INFINITY;
        job.text.reserve(usize::from(cols));
        RowPaint {
            job,
            fg_by_col: Vec::with_capacity(usize::from(cols)),
            section: None,
        }
    }

    fn push(&mut self, text: &str, italic: bool, metrics: &CellMetrics) {
        if let Some((current, _)) = self.section
            && current != italic
        {
            self.close_section(metrics);
        }
        if self.section.is_none() {
            self.section = Some((italic, self.job.text.len()));
        }
        self.job
            .text
            .push_str(if text.is_empty() { " " } else { text });
    }

    fn close_section(&mut self, metrics: &CellMetrics) {
        let Some((italic, start)) = self.section.take() else {
            return;
        };
        self.job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: ByteIndex(start)..ByteIndex(self.job.text.len()),
            format: TextFormat {
                font_id: metrics.font_id.clone(),
                color: Color32::WHITE,
                italics: italic,
                ..TextFormat::default()
            },
        });
    }
}

/// Draws the background, each row (cell backgrounds, the selection, the text, the
/// underlines), the cursor and the focus border.
pub(super) fn paint(
    ui: &egui::Ui,
    rect: Rect,
    grid: Rect,
    metrics: &CellMetrics,
    model: &TerminalModel,
    focused: bool,
) {
    let painter = ui.painter_at(rect);
    let default_bg = rgb(palette::DEFAULT_BG);
    painter.rect_filled(rect, 0.0, default_bg);
    let size = model.size();
    let selection = model.selection();
    let selection_fill = ui.visuals().selection.bg_fill.gamma_multiply(0.6);
    for row in 0..size.rows {
        let mut paint = RowPaint::new(size.cols);
        let mut background: Run = None;
        let mut underline: Run = None;
        for col in 0..size.cols {
            let Some(cell) = model.cell(row, col) else {
                break;
            };
            let (fg, bg) = cell_colors(&cell);
            paint.fg_by_col.push(fg);
            let bg = (bg != default_bg).then_some(bg);
            if background.map(|(color, _)| color) != bg {
                fill_cells(&painter, metrics, grid.min, row, background.take(), col);
                background = bg.map(|color| (color, col));
            }
            let line = cell.underline.then_some(fg);
            if underline.map(|(color, _)| color) != line {
                underline_cells(&painter, metrics, grid.min, row, underline.take(), col);
                underline = line.map(|color| (color, col));
            }
            if !cell.wide_continuation {
                paint.push(cell.text, cell.italic, metrics);
            }
        }
        fill_cells(&painter, metrics, grid.min, row, background, size.cols);
        if let Some(selection) = selection
            && let Some((from, to)) = selection.columns_on(model.line_of_row(row), size.cols)
        {
            let cells = metrics.cells_rect(grid.min, row, from, to - from + 1);
            painter.rect_filled(cells, 0.0, selection_fill);
        }
        paint.close_section(metrics);
        if !paint.job.text.trim_end().is_empty() {
            let top_left = metrics.cells_rect(grid.min, row, 0, 0).min;
            let galley = painter.layout_job(paint.job);
            let galley = recolored(&galley, &paint.fg_by_col, metrics.width);
            painter.galley(top_left, galley, rgb(palette::DEFAULT_FG));
        }
        underline_cells(&painter, metrics, grid.min, row, underline, size.cols);
    }
    paint_cursor(&painter, grid.min, metrics, model, focused);
    let border = if focused {
        ui.visuals().selection.stroke
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    painter.rect_stroke(rect, 0.0, border, egui::StrokeKind::Inside);
}

/// A copy of a single-colour row galley with each glyph in the colour of the column it
/// sits on (found from its position: the font is monospace). Colour glyphs (emoji) keep
/// their own colours.
fn recolored(galley: &Arc<Galley>, fg_by_col: &[Color32], cell_width: f32) -> Arc<Galley> {
    let Some(last_col) = fg_by_col.len().checked_sub(1) else {
        return galley.clone();
    };
    let mut galley = Galley::clone(galley);
    for placed in &mut galley.rows {
        let row = Arc::make_mut(&mut placed.row);
        for glyph in &row.glyphs {
            if glyph.uv_rect.is_nothing() || glyph.is_color {
                continue;
            }
            let col = ((glyph.pos.x / cell_width) + 0.25).floor().max(0.0) as usize;
            let color = fg_by_col[col.min(last_col)];
            let first = glyph.first_vertex as usize;
            let vertices = row.visuals.mesh.vertices.iter_mut().skip(first).take(4);
            for vertex in vertices {
                vertex.color = color;
            }
        }
    }
    Arc::new(galley)
}

/// Fills the cells of a background run from its first column up to (not including) `end`.
fn fill_cells(
    painter: &Painter,
    metrics: &CellMetrics,
    origin: Pos2,
    row: u16,
    run: Run,
    end: u16,
) {
    if let Some((color, start)) = run {
        let cells = metrics.cells_rect(origin, row, start, end.saturating_sub(start));
        painter.rect_filled(cells, 0.0, color);
    }
}

/// Underlines the cells of a run from its first column up to (not including) `end`.
fn underline_cells(
    painter: &Painter,
    metrics: &CellMetrics,
    origin: Pos2,
    row: u16,
    run: Run,
    end: u16,
) {
    if let Some((color, start)) = run {
        let cells = metrics.cells_rect(origin, row, start, end.saturating_sub(start));
        let y = cells.bottom() - 1.5;
        painter.hline(cells.x_range(), y, Stroke::new(1.0, color));
    }
}

/// The cursor: a block with the character in the background colour while focused, an
/// outline otherwise; not drawn while the shell hides it or it is below a scrolled view.
fn paint_cursor(
    painter: &Painter,
    origin: Pos2,
    metrics: &CellMetrics,
    model: &TerminalModel,
    focused: bool,
) {
    let cursor = model.cursor();
    let Some(row) = model.cursor_row_in_view().filter(|_| cursor.visible) else {
        return;
    };
    let col = cursor.col.min(model.size().cols.saturating_sub(1));
    let cell = metrics.cells_rect(origin, row, col, 1);
    let color = rgb(palette::DEFAULT_FG);
    if focused {
        painter.rect_filled(cell, 0.0, color);
        if let Some(under) = model.cell(row, col)
            && !under.text.is_empty()
        {
            painter.text(
                cell.min,
                egui::Align2::LEFT_TOP,
                under.text,
                metrics.font_id.clone(),
                rgb(palette::DEFAULT_BG),
            );
        }
    } else {
        painter.rect_stroke(cell, 0.0, Stroke::new(1.0, color), egui::StrokeKind::Inside);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bold brightens the eight named colours; inverse swaps, with the defaults filled in.
    #[test]
    fn cell_colours_apply_bold_and_inverse() {
        let cell = CellView {
            text: "x",
            fg: CellColor::Indexed(1),
            bg: CellColor::Default,
            bold: true,
            dim: false,
            italic: false,
            underline: false,
            inverse: false,
            wide: false,
            wide_continuation: false,
        };
        assert_eq!(
            cell_colors(&cell),
            (rgb(palette::indexed(9)), rgb(palette::DEFAULT_BG))
        );
        let inverse = CellView {
            inverse: true,
            bold: false,
            ..cell
        };
        assert_eq!(
            cell_colors(&inverse),
            (rgb(palette::DEFAULT_BG), rgb(palette::indexed(1)))
        );
    }
}
