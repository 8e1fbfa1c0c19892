//! A shell transcript made readable: one line per row of the transcript window, with when,
//! who, and the text. What a rep typed is shown as typed (control keys as `^C`, Enter as
//! `↵`), keystrokes sent one by one joined into their line; what the shell printed is fed
//! through a [`TerminalModel`] of the size the rep's terminal had, and its text read back,
//! so escape sequences are interpreted by the parser, never by hand. Pure: built once per
//! transcript (off the UI thread, it may be long), then only drawn.

use super::{GridPoint, Selection, TermSize, TerminalModel};
use crate::text::remote as words;
use std::collections::HashMap;
use switchboard_protocol::{GrantId, RepId, ShellTranscript, TranscriptEntry, UnixMillis};

/// What a transcript line is, for how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Typed or pasted by a rep.
    Input,
    /// Printed by the shell.
    Output,
    /// Something that happened: the shell started, was resized, exited, output left out.
    Event,
}

/// One line of the transcript window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptLine {
    /// When its entry happened; only on an entry's first line.
    pub at: Option<UnixMillis>,
    /// Who typed it (a rep's name), or "output"; only on an entry's first line.
    pub who: String,
    pub text: String,
    pub kind: LineKind,
}

/// A whole transcript as lines, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscriptView {
    pub lines: Vec<TranscriptLine>,
}

/// How Enter shows in typed text.
const ENTER: char = '↵';

/// The size output is read at before the transcript says otherwise (a PTY's default).
const DEFAULT_SIZE: TermSize = TermSize { rows: 24, cols: 80 };

impl TranscriptView {
    /// Reads `transcript` into lines.
    pub fn build(transcript: &ShellTranscript) -> TranscriptView {
        let mut lines = Vec::new();
        // Each shell's terminal size, as its resizes said, to read its output at.
        let mut sizes: HashMap<GrantId, TermSize> = HashMap::new();
        // A line of input not ended by Enter yet: whose, and where; the next input of the
        // same rep on the same shell goes on it (a rep typing sends a frame per key).
        let mut open_input: Option<(GrantId, &RepId, usize)> = None;
        for entry in &transcript.entries {
            let continued = match entry {
                TranscriptEntry::Input { grant_id, rep, .. } => open_input
                    .filter(|(grant, who, _)| grant == grant_id && *who == rep)
                    .map(|(_, _, index)| index),
                _ => None,
            };
            open_input = None;
            let at = Some(entry.at());
            let mut push = |who: &str, text: String, kind: LineKind| {
                lines.push(TranscriptLine {
                    at,
                    who: who.to_owned(),
                    text,
                    kind,
                });
            };
            match entry {
                TranscriptEntry::Started { rep_name, .. } => {
                    push(
                        rep_name,
                        words::transcript_started(rep_name),
                        LineKind::Event,
                    );
                }
                TranscriptEntry::Input {
                    grant_id,
                    rep,
                    rep_name,
                    text,
                    ..
                } => {
                    let mut typed = typed_lines(text).into_iter().peekable();
                    if let Some(index) = continued
                        && let Some(first) = typed.next()
                    {
                        lines[index].text.push_str(&first);
                    }
                    let first_new = continued.is_none();
                    for (index, line) in typed.enumerate() {
                        let first = first_new && index == 0;
                        let who = if first { rep_name.as_str() } else { "" };
                        let at = at.filter(|_| first);
                        push_line(&mut lines, at, 0, who, line, LineKind::Input);
                    }
                    let last = lines.len() - 1;
                    if !lines[last].text.ends_with(ENTER) {
                        open_input = Some((*grant_id, rep, last));
                    }
                }
                TranscriptEntry::Output { grant_id, text, .. } => {
                    let size = sizes.get(grant_id).copied().unwrap_or(DEFAULT_SIZE);
                    let who = words::TRANSCRIPT_OUTPUT;
                    for (index, line) in printed_lines(text, size).into_iter().enumerate() {
                        let who = if index == 0 { who } else { "" };
                        push_line(&mut lines, at, index, who, line, LineKind::Output);
                    }
                }
                TranscriptEntry::Omitted { bytes, .. } => {
                    push("", words::transcript_omitted(*bytes), LineKind::Event);
                }
                TranscriptEntry::Resized {
                    grant_id,
                    cols,
                    rows,
                    ..
                } => {
                    sizes.insert(
                        *grant_id,
                        TermSize {
                            rows: *rows,
                            cols: *cols,
                        },
                    );
                    push("", words::transcript_resized(*cols, *rows), LineKind::Event);
                }
                TranscriptEntry::Exited { code, .. } => {
                    push("", words::transcript_exited(*code), LineKind::Event);
                }
            }
        }
        TranscriptView { lines }
    }
}

/// Adds line `index` of an entry: only the first carries the time.
fn push_line(
    lines: &mut Vec<TranscriptLine>,
    at: Option<UnixMillis>,
    index: usize,
    who: &str,
    text: String,
    kind: LineKind,
) {
    lines.push(TranscriptLine {
        at: at.filter(|_| index == 0),
        who: who.to_owned(),
        text,
        kind,
    });
}

/// What a rep typed, as lines: Enter (CR or LF) ends a line and shows as `↵`, other
/// control keys as `^X`, Delete as `^?`.
pub fn typed_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut after_cr = false;
    for c in text.chars() {
        match c {
            // CR LF is one Enter.
            '\n' if after_cr => {}
            '\r' | '\n' => {
                line.push(ENTER);
                lines.push(std::mem::take(&mut line));
            }
            '\u{7f}' => line.push_str("^?"),
            c if u32::from(c) < 0x20 => {
                line.push('^');
                line.push(char::from(b'@' + c as u8));
            }
            c => line.push(c),
        }
        after_cr = c == '\r';
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// What the shell printed, as the lines a terminal of `size` would show for it alone:
/// wrapped lines joined again, blank lines at the end left out. When more came than the
/// scrollback holds, a first line says how many earlier lines are not shown.
pub fn printed_lines(text: &str, size: TermSize) -> Vec<String> {
    let mut terminal = TerminalModel::new(size);
    terminal.process(text.as_bytes());
    let last_col = terminal.size().cols.saturating_sub(1);
    let dropped = terminal.first_line();
    terminal.set_selection(Some(Selection {
        anchor: GridPoint {
            line: dropped,
            col: 0,
        },
        head: GridPoint {
            line: terminal.last_line(),
            col: last_col,
        },
    }));
    let all = terminal.selected_text();
    let mut lines: Vec<String> = all.lines().map(str::to_owned).collect();
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    if dropped > 0 {
        lines.insert(0, words::transcript_lines_dropped(dropped));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{RepId, SessionId};

    fn at(ms: u64) -> UnixMillis {
        1_767_261_600_000 + ms
    }

    /// Typed text reads as keys: Enter ends a line, control keys show as ^X.
    #[test]
    fn typed_text_shows_its_keys() {
        assert_eq!(typed_lines("echo hello\r"), ["echo hello↵"]);
        assert_eq!(typed_lines("ls\r\npwd\r"), ["ls↵", "pwd↵"]);
        assert_eq!(typed_lines("\u{3}"), ["^C"]);
        assert_eq!(typed_lines("ab\u{7f}\tc"), ["ab^?^Ic"]);
        assert_eq!(typed_lines(""), [""]);
    }

    /// Output is read through the terminal: colours and cursor moves are gone, a line
    /// overwritten after CR shows what is left, wrapped lines are joined, trailing blank
    /// rows are dropped.
    #[test]
    fn printed_text_goes_through_the_terminal() {
        let size = TermSize { rows: 5, cols: 10 };
        let text = "\u{1b}[1;31mred\u{1b}[0m ok\r\n50%\r100%\r\n0123456789abc\r\n$ ";
        assert_eq!(
            printed_lines(text, size),
            ["red ok", "100%", "0123456789abc", "$"]
        );
    }

    /// More output than the scrollback holds: the first line says how much is not shown.
    #[test]
    fn a_flood_says_what_it_left_out() {
        let text: String = (0..10_100).map(|n| format!("{n}\r\n")).collect();
        let lines = printed_lines(&text, TermSize { rows: 4, cols: 20 });
        assert!(
            lines[0].starts_with("… ") && lines[0].ends_with(" earlier lines not shown"),
            "{:?}",
            lines[0]
        );
        assert_eq!(lines.last().map(String::as_str), Some("10099"));
    }

    /// A whole transcript: who and when on each entry's first line, keystrokes joined into
    /// their line, output read at the size the shell's last resize gave.
    #[test]
    fn a_transcript_reads_in_order() {
        let grant = GrantId(4);
        let alice = || RepId::new("alice");
        let transcript = ShellTranscript {
            session_id: SessionId(9),
            entries: vec![
                TranscriptEntry::Started {
                    at: at(0),
                    grant_id: grant,
                    rep: alice(),
                    rep_name: "Alice".into(),
                },
                TranscriptEntry::Resized {
                    at: at(1),
                    grant_id: grant,
                    cols: 5,
                    rows: 3,
                },
                TranscriptEntry::Output {
                    at: at(2),
                    grant_id: grant,
                    text: "$ ".into(),
                },
                // Typed key by key: one line.
                TranscriptEntry::Input {
                    at: at(3),
                    grant_id: grant,
                    rep: alice(),
                    rep_name: "Alice".into(),
                    text: "echo hello".into(),
                },
                TranscriptEntry::Input {
                    at: at(3) + 1,
                    grant_id: grant,
                    rep: alice(),
                    rep_name: "Alice".into(),
                    text: "\r".into(),
                },
                TranscriptEntry::Output {
                    at: at(4),
                    grant_id: grant,
                    text: "echo hello\r\nhello\r\n".into(),
                },
                TranscriptEntry::Exited {
                    at: at(5),
                    grant_id: grant,
                    code: 3,
                },
            ],
        };
        let view = TranscriptView::build(&transcript);
        let rows: Vec<(Option<u64>, &str, &str)> = view
            .lines
            .iter()
            .map(|l| (l.at.map(|t| t - at(0)), l.who.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (Some(0), "Alice", "Alice opened a shell"),
                (Some(1), "", "terminal resized to 5×3"),
                (Some(2), "output", "$"),
                (Some(3), "Alice", "echo hello↵"),
                // Five columns wide: "echo hello" wrapped, and joined again.
                (Some(4), "output", "echo hello"),
                (None, "", "hello"),
                (Some(5), "", "the shell ended (exit 3)"),
            ]
        );
        assert_eq!(view.lines[3].kind, LineKind::Input);
        assert_eq!(view.lines[4].kind, LineKind::Output);
    }
}
