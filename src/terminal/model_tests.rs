//! Unit tests of [`TerminalModel`]: bytes fed to the parser and what the grid, the cursor,
//! the scrollback, resizing and selections make of them.

use super::*;

fn terminal(rows: u16, cols: u16) -> TerminalModel {
    TerminalModel::new(TermSize { rows, cols })
}

fn fed(rows: u16, cols: u16, bytes: &[u8]) -> TerminalModel {
    let mut model = terminal(rows, cols);
    model.process(bytes);
    model
}

/// The output of `seq 1 n`: "1\r\n2\r\n…".
fn seq_output(n: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    for i in 1..=n {
        bytes.extend_from_slice(format!("{i}\r\n").as_bytes());
    }
    bytes
}

/// SGR 31, 38;5;n and 48;2;r;g;b colour the cells they precede; SGR 0 resets.
#[test]
fn sgr_colours_reach_the_cells() {
    let model = fed(
        4,
        40,
        b"\x1b[31mR\x1b[38;5;208mO\x1b[48;2;10;20;30mT\x1b[0mN\x1b[92mB",
    );
    let cell = |col| model.cell(0, col).unwrap();
    assert_eq!(cell(0).text, "R");
    assert_eq!(cell(0).fg, CellColor::Indexed(1));
    assert_eq!(cell(1).fg, CellColor::Indexed(208));
    assert_eq!(cell(2).fg, CellColor::Indexed(208));
    assert_eq!(cell(2).bg, CellColor::Rgb(10, 20, 30));
    assert_eq!(cell(3).fg, CellColor::Default);
    assert_eq!(cell(3).bg, CellColor::Default);
    assert_eq!(cell(4).fg, CellColor::Indexed(10));
    // Truecolour foreground too.
    let model = fed(2, 10, b"\x1b[38;2;1;2;3mX");
    assert_eq!(model.cell(0, 0).unwrap().fg, CellColor::Rgb(1, 2, 3));
}

/// Bold, italic, underline and inverse are kept per cell and turned off again.
#[test]
fn attributes_reach_the_cells() {
    let model = fed(
        2,
        20,
        b"\x1b[1mb\x1b[22;3mi\x1b[23;4mu\x1b[24;7mv\x1b[27mn\x1b[2md",
    );
    let cell = |col| model.cell(0, col).unwrap();
    assert!(cell(0).bold && !cell(0).italic);
    assert!(cell(1).italic && !cell(1).bold);
    assert!(cell(2).underline && !cell(2).italic);
    assert!(cell(3).inverse && !cell(3).underline);
    let plain = cell(4);
    assert!(!plain.bold && !plain.italic && !plain.underline && !plain.inverse);
    assert!(cell(5).dim);
}

/// CUP, relative moves, CR and LF put the cursor where xterm would, and text lands there.
#[test]
fn cursor_moves() {
    let mut model = fed(10, 20, b"hello");
    assert_eq!(
        model.cursor(),
        Cursor {
            row: 0,
            col: 5,
            visible: true
        }
    );
    model.process(b"\x1b[5;10H*");
    assert_eq!(model.cell(4, 9).unwrap().text, "*");
    assert_eq!((model.cursor().row, model.cursor().col), (4, 10));
    model.process(b"\x1b[2A\x1b[3D");
    assert_eq!((model.cursor().row, model.cursor().col), (2, 7));
    model.process(b"\r\n");
    assert_eq!((model.cursor().row, model.cursor().col), (3, 0));
    model.process(b"\x1b[?25l");
    assert!(!model.cursor().visible);
    model.process(b"\x1b[?25h");
    assert!(model.cursor().visible);
}

/// `CSI 2 J` blanks the screen; `CSI H` sends the cursor home.
#[test]
fn clear_screen_blanks_it() {
    let mut model = fed(4, 20, b"one\r\ntwo\r\nthree");
    assert_eq!(model.screen_text(), "one\ntwo\nthree\n");
    model.process(b"\x1b[2J\x1b[H");
    assert_eq!(model.screen_text(), "\n\n\n");
    assert_eq!((model.cursor().row, model.cursor().col), (0, 0));
}

/// 20,000 lines through a 24-row terminal keep exactly the last 10,000 above the screen;
/// the view scrolls back to the oldest held, and no further.
#[test]
fn scrollback_is_capped_at_ten_thousand_lines() {
    let mut model = terminal(24, 80);
    model.process(&seq_output(20_000));
    assert_eq!(model.scrollback_len(), SCROLLBACK_LINES);
    // The screen is 19,978..=20,000 and the empty line the cursor is on.
    assert_eq!(model.row_text(22), "20000");
    assert_eq!(model.row_text(23), "");
    model.scroll_by(isize::MAX);
    assert_eq!(model.scroll_offset(), SCROLLBACK_LINES);
    // 20,001 lines in all (the last is empty): the oldest held is 20,001 - 24 - 10,000 + 1.
    assert_eq!(model.row_text(0), "9978");
    assert_eq!(model.first_line(), 9_977);
    assert_eq!(model.line_of_row(0), 9_977);
    model.scroll_by(-5);
    assert_eq!(model.row_text(0), "9983");
    model.set_scroll_offset(0);
    assert_eq!(model.row_text(0), "19978");
}

/// Scrolled back, the view stays on the same lines while output arrives.
#[test]
fn a_scrolled_back_view_stays_put_as_output_arrives() {
    let mut model = terminal(5, 20);
    model.process(&seq_output(50));
    model.scroll_by(10);
    let top = model.row_text(0);
    model.process(&seq_output(3));
    assert_eq!(model.row_text(0), top);
}

/// Resizing holds the size to 2..=500 rows and 2..=1000 columns and returns it; the text
/// stays.
#[test]
fn resize_clamps_and_reports_the_size() {
    let mut model = fed(24, 80, b"prompt$ ");
    assert_eq!(
        model.resize(TermSize {
            rows: 30,
            cols: 100
        }),
        TermSize {
            rows: 30,
            cols: 100
        }
    );
    assert_eq!(
        model.size(),
        TermSize {
            rows: 30,
            cols: 100
        }
    );
    assert_eq!(model.row_text(0), "prompt$");
    assert_eq!(
        model.resize(TermSize { rows: 0, cols: 0 }),
        TermSize { rows: 2, cols: 2 }
    );
    assert_eq!(
        model.resize(TermSize {
            rows: 10_000,
            cols: u16::MAX
        }),
        TermSize {
            rows: 500,
            cols: 1000
        }
    );
    assert_eq!(
        TerminalModel::new(TermSize { rows: 1, cols: 1 }).size(),
        TermSize { rows: 2, cols: 2 }
    );
}

/// A selection across lines reads from its start column to the end of the first line,
/// whole middle lines, and the last line up to its end column; backwards the same.
#[test]
fn selected_text_across_lines() {
    let mut model = fed(5, 20, b"first line\r\nsecond\r\nthird line here");
    let from = model.point_at(0, 6);
    let to = model.point_at(2, 4);
    model.set_selection(Some(Selection {
        anchor: from,
        head: to,
    }));
    assert_eq!(model.selected_text(), "line\nsecond\nthird");
    model.set_selection(Some(Selection {
        anchor: to,
        head: from,
    }));
    assert_eq!(model.selected_text(), "line\nsecond\nthird");
    model.set_selection(None);
    assert_eq!(model.selected_text(), "");
}

/// A long line the terminal wrapped is copied as one line.
#[test]
fn wrapped_lines_are_copied_whole() {
    let mut model = fed(4, 10, b"0123456789abcdef\r\nnext");
    let from = model.point_at(0, 0);
    let to = model.point_at(2, 3);
    model.set_selection(Some(Selection {
        anchor: from,
        head: to,
    }));
    assert_eq!(model.selected_text(), "0123456789abcdef\nnext");
}

/// A space that fell at the end of a wrapped row is kept: the words stay apart.
#[test]
fn a_wrapped_rows_trailing_space_is_kept() {
    let mut model = fed(4, 5, b"echo hello\r\nnext");
    let from = model.point_at(0, 0);
    let to = model.point_at(2, 3);
    model.set_selection(Some(Selection {
        anchor: from,
        head: to,
    }));
    assert_eq!(model.selected_text(), "echo hello\nnext");
}

/// A selection reaching into the scrollback reads the held lines, stays on its text as
/// output scrolls it up, and leaves the view where it was.
#[test]
fn selection_reaches_into_the_scrollback() {
    let mut model = terminal(5, 20);
    model.process(&seq_output(100));
    model.scroll_by(20);
    let from = model.point_at(0, 0);
    let to = model.point_at(2, 1);
    let top = model.row_text(0);
    model.set_selection(Some(Selection {
        anchor: from,
        head: to,
    }));
    model.set_scroll_offset(0);
    model.process(&seq_output(7));
    let expected = format!(
        "{top}\n{}\n{}",
        top.parse::<u32>().unwrap() + 1,
        top.parse::<u32>().unwrap() + 2
    );
    assert_eq!(model.selected_text(), expected);
    assert_eq!(model.scroll_offset(), 0);
}

/// The application cursor mode and bracketed paste follow the shell's requests.
#[test]
fn input_modes_follow_the_shell() {
    let mut model = terminal(4, 20);
    assert!(!model.application_cursor());
    model.process(b"\x1b[?1h\x1b[?2004h");
    assert!(model.application_cursor());
    assert!(model.bracketed_paste());
    model.process(b"\x1b[?1l\x1b[?2004l");
    assert!(!model.application_cursor());
    assert!(!model.bracketed_paste());
}

/// The end is whatever the caller reports; the title is the shell's, bounded.
#[test]
fn ended_and_title() {
    let mut model = fed(4, 20, b"\x1b]2;bash on host\x07");
    assert_eq!(model.title(), Some("bash on host"));
    assert_eq!(model.ended(), None);
    model.set_ended(ShellEnd { exit_code: Some(3) });
    assert_eq!(model.ended(), Some(ShellEnd { exit_code: Some(3) }));
    let long = format!("\x1b]2;{}\x07", "t".repeat(5_000));
    model.process(long.as_bytes());
    assert_eq!(model.title().map(str::len), Some(256));
}

/// Bytes split anywhere, even inside an escape sequence or a UTF-8 character, give the
/// same screen as fed at once.
#[test]
fn split_input_gives_the_same_screen() {
    let bytes = "\x1b[31mré\x1b[1;4mdone\x1b[0m\r\n日本".as_bytes();
    let whole = fed(3, 20, bytes);
    for split in 1..bytes.len() {
        let mut parts = terminal(3, 20);
        parts.process(&bytes[..split]);
        parts.process(&bytes[split..]);
        assert_eq!(parts.screen_text(), whole.screen_text(), "split at {split}");
        assert_eq!(parts.cell(0, 0), whole.cell(0, 0));
    }
    assert_eq!(whole.row_text(1), "日本");
    assert!(whole.cell(1, 0).unwrap().wide);
    assert!(whole.cell(1, 1).unwrap().wide_continuation);
}
