//! The terminal model: a `vt100` parser with the console's bounds around it (sizes,
//! scrollback), the selection over the whole history, and the shell's end as the caller
//! reports it. Pure: bytes in, cells out; no IO, no clock, no egui types.

use super::selection::{GridPoint, Selection};
use std::num::NonZeroU16;

/// Lines kept above the screen; older ones are dropped, so a shell that prints forever
/// holds a bounded amount of memory.
pub const SCROLLBACK_LINES: usize = 10_000;
/// The fewest rows a terminal is given (a window dragged tiny still has a screen).
pub const MIN_ROWS: u16 = 2;
/// The most rows a terminal is given, whatever the window's size.
pub const MAX_ROWS: u16 = 500;
/// The fewest columns a terminal is given.
pub const MIN_COLS: u16 = 2;
/// The most columns a terminal is given.
pub const MAX_COLS: u16 = 1000;
/// The longest window title kept, in characters (a title is outside input).
const MAX_TITLE_CHARS: usize = 256;

/// A terminal's size in cells: what the shell's PTY is told on a resize.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TermSize {
    pub rows: u16,
    pub cols: u16,
}

impl TermSize {
    /// This size held to the bounds (2..=500 rows, 2..=1000 columns).
    pub fn clamped(self) -> TermSize {
        TermSize {
            rows: self.rows.clamp(MIN_ROWS, MAX_ROWS),
            cols: self.cols.clamp(MIN_COLS, MAX_COLS),
        }
    }
}

/// A cell's colour as the shell asked for it; the view turns it into pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CellColor {
    /// The terminal's default foreground or background.
    Default,
    /// One of the 256 indexed colours (SGR 30–37, 90–97, 38;5;n).
    Indexed(u8),
    /// A truecolour (SGR 38;2;r;g;b).
    Rgb(u8, u8, u8),
}

impl From<vt100::Color> for CellColor {
    fn from(color: vt100::Color) -> CellColor {
        match color {
            vt100::Color::Default => CellColor::Default,
            vt100::Color::Idx(index) => CellColor::Indexed(index),
            vt100::Color::Rgb(r, g, b) => CellColor::Rgb(r, g, b),
        }
    }
}

/// One visible cell: its text and how it is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellView<'a> {
    /// The cell's characters (a base character and any combining marks); empty when blank.
    pub text: &'a str,
    pub fg: CellColor,
    pub bg: CellColor,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub inverse: bool,
    /// The left half of a double-width character (its right half is a continuation).
    pub wide: bool,
    /// The right half of a double-width character: drawn by the cell before it.
    pub wide_continuation: bool,
}

/// Where the cursor is on the screen, and whether the shell wants it shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The screen row, counted from the top of the live screen (not the scrolled view).
    pub row: u16,
    pub col: u16,
    /// False while the shell hides it (`CSI ? 25 l`).
    pub visible: bool,
}

/// How the shell ended, as the transport reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShellEnd {
    /// The exit status; `None` when there is none (killed by a signal, or the link lost).
    pub exit_code: Option<i32>,
}

/// Counts the lines that fall off the top of the scrollback, so every line of the history
/// keeps one number (see [`GridPoint`]).
#[derive(Default)]
struct DroppedLines {
    /// Lines dropped from the top of the scrollback so far: the number of the oldest held.
    count: u64,
    /// The window title the shell last set (`OSC 2`), at most [`MAX_TITLE_CHARS`].
    title: Option<String>,
}

impl vt100::Callbacks for DroppedLines {
    fn on_scroll(&mut self, _contents: vt100::capture::RowContents<'_>, alternate_screen: bool) {
        // The alternate screen (full-screen programs) has no scrollback to number.
        if !alternate_screen {
            self.count = self.count.saturating_add(1);
        }
    }

    fn set_window_title(&mut self, _screen: &mut vt100::Screen, title: &[u8]) {
        let title = String::from_utf8_lossy(title);
        self.title = Some(title.chars().take(MAX_TITLE_CHARS).collect());
    }
}

/// The terminal: the parser's screen and scrollback, the view's scroll offset (kept by the
/// parser), the selection, and the shell's end.
pub struct TerminalModel {
    /// The screen, the scrollback (with the view's offset into it) and the input modes.
    parser: vt100::Parser<DroppedLines>,
    /// What the rep has selected, in history lines so output does not move it.
    selection: Option<Selection>,
    /// Set by the caller once the transport reports the shell's exit.
    ended: Option<ShellEnd>,
}

impl TerminalModel {
    /// A blank terminal of this size (held to the bounds), with [`SCROLLBACK_LINES`] of
    /// scrollback.
    pub fn new(size: TermSize) -> TerminalModel {
        let size = size.clamped();
        TerminalModel {
            parser: vt100::Parser::new_with_callbacks(
                non_zero(size.rows),
                non_zero(size.cols),
                SCROLLBACK_LINES,
                DroppedLines::default(),
            ),
            selection: None,
            ended: None,
        }
    }

    /// Feeds the shell's output. Any amount at once; escape sequences split across calls
    /// are carried over by the parser.
    pub fn process(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
    }

    /// The current size in cells.
    pub fn size(&self) -> TermSize {
        let (rows, cols) = self.parser.screen().size();
        TermSize {
            rows: rows.get(),
            cols: cols.get(),
        }
    }

    /// Resizes to `wanted` held to the bounds, and returns the size it now has: what the
    /// caller tells the shell's PTY. The view goes back to the live screen and the
    /// selection is dropped (its cells moved).
    pub fn resize(&mut self, wanted: TermSize) -> TermSize {
        let size = wanted.clamped();
        if size != self.size() {
            self.parser
                .set_size(non_zero(size.rows), non_zero(size.cols));
            self.parser.screen_mut().set_scrollback(0);
            self.selection = None;
        }
        self.size()
    }

    /// The cell at this row and column of the view (the scroll offset applied), if inside.
    pub fn cell(&self, row: u16, col: u16) -> Option<CellView<'_>> {
        let cell = self.parser.screen().cell(row, col)?;
        Some(CellView {
            text: cell.contents(),
            fg: cell.fgcolor().into(),
            bg: cell.bgcolor().into(),
            bold: cell.bold(),
            dim: cell.dim(),
            italic: cell.italic(),
            underline: cell.underline(),
            inverse: cell.inverse(),
            wide: cell.is_wide(),
            wide_continuation: cell.is_wide_continuation(),
        })
    }

    /// The text of one row of the view, trailing blanks trimmed.
    pub fn row_text(&self, row: u16) -> String {
        self.row_text_between(row, 0, self.size().cols.saturating_sub(1))
    }

    /// The text of a row of the view from column `first` to `last` (both included),
    /// trailing blanks trimmed; blank cells inside are spaces.
    fn row_text_between(&self, row: u16, first: u16, last: u16) -> String {
        let mut text = String::new();
        for col in first..=last.min(self.size().cols.saturating_sub(1)) {
            let Some(cell) = self.parser.screen().cell(row, col) else {
                break;
            };
            if cell.is_wide_continuation() {
                continue;
            }
            match cell.contents() {
                "" => text.push(' '),
                contents => text.push_str(contents),
            }
        }
        text.truncate(text.trim_end_matches(' ').len());
        text
    }

    /// How many characters a row of the view shows from column `first` to `last` (a
    /// double-width character counts once, a blank cell as a space).
    fn row_cells(&self, row: u16, first: u16, last: u16) -> usize {
        (first..=last.min(self.size().cols.saturating_sub(1)))
            .filter(|col| {
                self.parser
                    .screen()
                    .cell(row, *col)
                    .is_some_and(|cell| !cell.is_wide_continuation())
            })
            .count()
    }

    /// The whole visible screen as text, one line per row: for tests and logs.
    pub fn screen_text(&self) -> String {
        let rows = self.size().rows;
        let lines: Vec<String> = (0..rows).map(|row| self.row_text(row)).collect();
        lines.join("\n")
    }

    /// The cursor on the live screen.
    pub fn cursor(&self) -> Cursor {
        let screen = self.parser.screen();
        let (row, col) = screen.cursor_position();
        Cursor {
            row,
            col,
            visible: !screen.hide_cursor(),
        }
    }

    /// The row of the view the cursor is drawn on, if the view shows it (scrolled back
    /// far enough, it is below the view).
    pub fn cursor_row_in_view(&self) -> Option<u16> {
        let row = usize::from(self.cursor().row) + self.scroll_offset();
        u16::try_from(row)
            .ok()
            .filter(|row| *row < self.size().rows)
    }

    /// How many lines the view is scrolled back from the live screen (0: live).
    pub fn scroll_offset(&self) -> usize {
        self.parser.screen().scrollback()
    }

    /// Lines held above the screen (at most [`SCROLLBACK_LINES`]).
    pub fn scrollback_len(&self) -> usize {
        self.parser.screen().scrollback_len()
    }

    /// Scrolls the view back (positive) or towards the live screen (negative), held to
    /// the scrollback there is.
    pub fn scroll_by(&mut self, lines: isize) {
        let offset = self.scroll_offset().saturating_add_signed(lines);
        self.set_scroll_offset(offset);
    }

    /// Shows the view this many lines back (0: the live screen), held to the scrollback.
    pub fn set_scroll_offset(&mut self, lines: usize) {
        self.parser.screen_mut().set_scrollback(lines);
    }

    /// True while the shell wants cursor keys as `ESC O x` (`CSI ? 1 h`), as full-screen
    /// programs do.
    pub fn application_cursor(&self) -> bool {
        self.parser.screen().application_cursor()
    }

    /// True while the shell wants pastes wrapped in `CSI 200 ~` … `CSI 201 ~`.
    pub fn bracketed_paste(&self) -> bool {
        self.parser.screen().bracketed_paste()
    }

    /// The title the shell last set (`OSC 2`), if any.
    pub fn title(&self) -> Option<&str> {
        self.parser.callbacks().title.as_deref()
    }

    /// Marks the shell as ended (the transport saw it exit); the view says so.
    pub fn set_ended(&mut self, end: ShellEnd) {
        self.ended = Some(end);
    }

    /// How the shell ended, once it has.
    pub fn ended(&self) -> Option<ShellEnd> {
        self.ended
    }

    /// The number of the oldest line still held (the top of the scrollback).
    pub fn first_line(&self) -> u64 {
        self.parser.callbacks().count
    }

    /// The number of the last line of the live screen.
    pub fn last_line(&self) -> u64 {
        self.first_line() + self.scrollback_len() as u64 + u64::from(self.size().rows) - 1
    }

    /// The history line shown on this row of the view.
    pub fn line_of_row(&self, row: u16) -> u64 {
        let top = self.first_line() + (self.scrollback_len() - self.scroll_offset()) as u64;
        top + u64::from(row)
    }

    /// The cell of the history under this row and column of the view.
    pub fn point_at(&self, row: u16, col: u16) -> GridPoint {
        GridPoint {
            line: self.line_of_row(row),
            col,
        }
    }

    /// The selection, if any.
    pub fn selection(&self) -> Option<Selection> {
        self.selection
    }

    /// Selects from `anchor` to `head` (both included, in either order).
    pub fn set_selection(&mut self, selection: Option<Selection>) {
        self.selection = selection;
    }

    /// The selected text: lines joined with `\n` (not where the shell's line wrapped),
    /// trailing blanks trimmed. Lines dropped from the scrollback since are left out.
    ///
    /// `&mut` because the parser reads scrollback only through its view: the view is moved
    /// over the lines and put back where it was.
    pub fn selected_text(&mut self) -> String {
        let Some(selection) = self.selection else {
            return String::new();
        };
        let (start, end) = selection.ordered();
        let first = start.line.max(self.first_line());
        let last = end.line.min(self.last_line());
        if first > last {
            return String::new();
        }
        let saved_offset = self.scroll_offset();
        let last_col = self.size().cols.saturating_sub(1);
        let mut text = String::new();
        for line in first..=last {
            let row = self.show_line(line);
            let from = if line == start.line { start.col } else { 0 };
            let to = if line == end.line { end.col } else { last_col };
            let wrapped = self.parser.screen().row_wrapped(row) && to == last_col;
            let row_text = self.row_text_between(row, from, to);
            text.push_str(&row_text);
            if wrapped {
                // The line goes on in the next row: the blanks at this row's end are text
                // ("echo" + " " + "hello" wrapped after the space).
                let shown = self.row_cells(row, from, to);
                text.extend(std::iter::repeat_n(
                    ' ',
                    shown.saturating_sub(row_text.chars().count()),
                ));
            }
            if line != last && !wrapped {
                text.push('\n');
            }
        }
        self.set_scroll_offset(saved_offset);
        text
    }

    /// Scrolls the view so that history line `line` is on it, and returns its row.
    fn show_line(&mut self, line: u64) -> u16 {
        let index = usize::try_from(line - self.first_line()).unwrap_or(usize::MAX);
        let held = self.scrollback_len();
        if index >= held {
            self.set_scroll_offset(0);
            u16::try_from(index - held).unwrap_or(u16::MAX)
        } else {
            self.set_scroll_offset(held - index);
            0
        }
    }
}

/// `n` as the parser's size type; the bounds never let it be 0.
fn non_zero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}
