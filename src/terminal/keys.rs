//! Keys to bytes: what an xterm-compatible terminal sends to the shell for a key press, a
//! piece of typed text or a paste. Pure, so the whole table is a unit test.
//!
//! Printable characters come as text (egui's `Event::Text`, which follows the keyboard
//! layout), so [`encode_key`] answers only for keys that send something else: Enter,
//! Backspace, Tab, Escape, the cursor and editing keys, F1–F12, and Ctrl with a letter or
//! symbol.

use egui::{Key, Modifiers};

/// The shell's input modes that change what keys send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyModes {
    /// Cursor keys as `ESC O x` rather than `ESC [ x` (`CSI ? 1 h`, DECCKM).
    pub application_cursor: bool,
}

const ESC: u8 = 0x1b;

/// The bytes for pressing `key` with `modifiers`, or `None` when the key sends nothing of
/// its own (a printable key, whose text arrives separately, or a key a terminal ignores).
pub fn encode_key(key: Key, modifiers: Modifiers, modes: KeyModes) -> Option<Vec<u8>> {
    // xterm's modifier parameter: 1 + Shift 1 + Alt 2 + Ctrl 4.
    let parameter =
        1 + u8::from(modifiers.shift) + 2 * u8::from(modifiers.alt) + 4 * u8::from(modifiers.ctrl);
    let alt_prefixed = |bytes: &[u8]| {
        let mut out = Vec::with_capacity(bytes.len() + 1);
        if modifiers.alt {
            out.push(ESC);
        }
        out.extend_from_slice(bytes);
        out
    };
    let bytes = match key {
        Key::Enter => alt_prefixed(b"\r"),
        Key::Backspace if modifiers.ctrl => alt_prefixed(&[0x08]),
        Key::Backspace => alt_prefixed(&[0x7f]),
        Key::Tab if modifiers.shift => b"\x1b[Z".to_vec(),
        Key::Tab => alt_prefixed(b"\t"),
        Key::Escape => alt_prefixed(&[ESC]),
        Key::ArrowUp => cursor_key(b'A', parameter, modes),
        Key::ArrowDown => cursor_key(b'B', parameter, modes),
        Key::ArrowRight => cursor_key(b'C', parameter, modes),
        Key::ArrowLeft => cursor_key(b'D', parameter, modes),
        Key::Home => cursor_key(b'H', parameter, modes),
        Key::End => cursor_key(b'F', parameter, modes),
        Key::Insert => tilde_key(2, parameter),
        Key::Delete => tilde_key(3, parameter),
        Key::PageUp => tilde_key(5, parameter),
        Key::PageDown => tilde_key(6, parameter),
        Key::F1 => ss3_function_key(b'P', parameter),
        Key::F2 => ss3_function_key(b'Q', parameter),
        Key::F3 => ss3_function_key(b'R', parameter),
        Key::F4 => ss3_function_key(b'S', parameter),
        Key::F5 => tilde_key(15, parameter),
        Key::F6 => tilde_key(17, parameter),
        Key::F7 => tilde_key(18, parameter),
        Key::F8 => tilde_key(19, parameter),
        Key::F9 => tilde_key(20, parameter),
        Key::F10 => tilde_key(21, parameter),
        Key::F11 => tilde_key(23, parameter),
        Key::F12 => tilde_key(24, parameter),
        _ if modifiers.ctrl => alt_prefixed(&[control_byte(key)?]),
        _ => return None,
    };
    Some(bytes)
}

/// The control byte Ctrl+`key` sends (Ctrl+A is 0x01 … Ctrl+Z 0x1a, Ctrl+[ is ESC, Ctrl+Space
/// and Ctrl+2 are NUL), or `None` for keys without one.
fn control_byte(key: Key) -> Option<u8> {
    let name = key.name();
    if name.len() == 1 {
        let letter = name.as_bytes()[0];
        if letter.is_ascii_uppercase() {
            return Some(letter & 0x1f);
        }
    }
    Some(match key {
        Key::Space | Key::Num2 => 0x00,
        Key::OpenBracket | Key::Num3 => 0x1b,
        Key::Backslash | Key::Num4 => 0x1c,
        Key::CloseBracket | Key::Num5 => 0x1d,
        Key::Num6 => 0x1e,
        Key::Slash | Key::Minus | Key::Num7 => 0x1f,
        Key::Num8 => 0x7f,
        _ => return None,
    })
}

/// Arrows, Home and End: `ESC [ x` (or `ESC O x` in application cursor mode); with
/// modifiers `ESC [ 1 ; m x` in either mode.
fn cursor_key(final_byte: u8, parameter: u8, modes: KeyModes) -> Vec<u8> {
    if parameter > 1 {
        format!("\x1b[1;{parameter}{}", char::from(final_byte)).into_bytes()
    } else if modes.application_cursor {
        vec![ESC, b'O', final_byte]
    } else {
        vec![ESC, b'[', final_byte]
    }
}

/// Insert, Delete, Page Up/Down and F5–F12: `ESC [ n ~`, or `ESC [ n ; m ~` with modifiers.
fn tilde_key(number: u8, parameter: u8) -> Vec<u8> {
    if parameter > 1 {
        format!("\x1b[{number};{parameter}~").into_bytes()
    } else {
        format!("\x1b[{number}~").into_bytes()
    }
}

/// F1–F4: `ESC O x`, or `ESC [ 1 ; m x` with modifiers.
fn ss3_function_key(final_byte: u8, parameter: u8) -> Vec<u8> {
    if parameter > 1 {
        format!("\x1b[1;{parameter}{}", char::from(final_byte)).into_bytes()
    } else {
        vec![ESC, b'O', final_byte]
    }
}

/// Typed text as the shell receives it: its UTF-8 bytes.
pub fn encode_text(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// A paste as the shell receives it: line ends as Enter (`\r`), and wrapped in
/// `ESC [ 200 ~` … `ESC [ 201 ~` when the shell asked for bracketed paste. Any end marker
/// inside the pasted text is removed, so a paste cannot end the bracket early and have
/// the rest run as typed commands.
pub fn encode_paste(text: &str, bracketed: bool) -> Vec<u8> {
    let text = text.replace("\r\n", "\r").replace('\n', "\r");
    if bracketed {
        let inner = text.replace("\x1b[201~", "");
        let mut out = Vec::with_capacity(inner.len() + 12);
        out.extend_from_slice(b"\x1b[200~");
        out.extend_from_slice(inner.as_bytes());
        out.extend_from_slice(b"\x1b[201~");
        out
    } else {
        text.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NORMAL: KeyModes = KeyModes {
        application_cursor: false,
    };
    const APPLICATION: KeyModes = KeyModes {
        application_cursor: true,
    };

    fn key(key: Key) -> Option<Vec<u8>> {
        encode_key(key, Modifiers::NONE, NORMAL)
    }

    fn with(modifiers: Modifiers, k: Key) -> Option<Vec<u8>> {
        encode_key(k, modifiers, NORMAL)
    }

    /// The unmodified keys send xterm's sequences.
    #[test]
    fn plain_keys_table() {
        let table: &[(Key, &[u8])] = &[
            (Key::Enter, b"\r"),
            (Key::Backspace, b"\x7f"),
            (Key::Tab, b"\t"),
            (Key::Escape, b"\x1b"),
            (Key::ArrowUp, b"\x1b[A"),
            (Key::ArrowDown, b"\x1b[B"),
            (Key::ArrowRight, b"\x1b[C"),
            (Key::ArrowLeft, b"\x1b[D"),
            (Key::Home, b"\x1b[H"),
            (Key::End, b"\x1b[F"),
            (Key::Insert, b"\x1b[2~"),
            (Key::Delete, b"\x1b[3~"),
            (Key::PageUp, b"\x1b[5~"),
            (Key::PageDown, b"\x1b[6~"),
            (Key::F1, b"\x1bOP"),
            (Key::F2, b"\x1bOQ"),
            (Key::F3, b"\x1bOR"),
            (Key::F4, b"\x1bOS"),
            (Key::F5, b"\x1b[15~"),
            (Key::F6, b"\x1b[17~"),
            (Key::F7, b"\x1b[18~"),
            (Key::F8, b"\x1b[19~"),
            (Key::F9, b"\x1b[20~"),
            (Key::F10, b"\x1b[21~"),
            (Key::F11, b"\x1b[23~"),
            (Key::F12, b"\x1b[24~"),
        ];
        for (k, bytes) in table {
            assert_eq!(key(*k).as_deref(), Some(*bytes), "{k:?}");
        }
    }

    /// Printable keys send nothing themselves: their text event carries the character.
    #[test]
    fn printable_keys_leave_it_to_the_text() {
        for k in [
            Key::A,
            Key::Z,
            Key::Num1,
            Key::Space,
            Key::Minus,
            Key::Period,
        ] {
            assert_eq!(key(k), None, "{k:?}");
            assert_eq!(with(Modifiers::SHIFT, k), None, "Shift+{k:?}");
        }
        assert_eq!(encode_text("ls -l é"), "ls -l é".as_bytes());
    }

    /// Ctrl with a letter is the letter's control byte; with the symbols, xterm's bytes.
    #[test]
    fn ctrl_keys_send_control_bytes() {
        assert_eq!(with(Modifiers::CTRL, Key::C), Some(vec![0x03]));
        assert_eq!(with(Modifiers::CTRL, Key::A), Some(vec![0x01]));
        assert_eq!(with(Modifiers::CTRL, Key::D), Some(vec![0x04]));
        assert_eq!(with(Modifiers::CTRL, Key::Z), Some(vec![0x1a]));
        assert_eq!(
            with(Modifiers::CTRL | Modifiers::SHIFT, Key::L),
            Some(vec![0x0c])
        );
        assert_eq!(with(Modifiers::CTRL, Key::Space), Some(vec![0x00]));
        assert_eq!(with(Modifiers::CTRL, Key::OpenBracket), Some(vec![0x1b]));
        assert_eq!(with(Modifiers::CTRL, Key::Backslash), Some(vec![0x1c]));
        assert_eq!(with(Modifiers::CTRL, Key::Backspace), Some(vec![0x08]));
        assert_eq!(with(Modifiers::CTRL, Key::F20), None);
        // Alt puts ESC in front.
        assert_eq!(
            with(Modifiers::CTRL | Modifiers::ALT, Key::X),
            Some(vec![0x1b, 0x18])
        );
        assert_eq!(with(Modifiers::ALT, Key::Enter), Some(b"\x1b\r".to_vec()));
    }

    /// Modified cursor and editing keys carry xterm's modifier parameter.
    #[test]
    fn modified_keys_carry_the_modifier_parameter() {
        assert_eq!(
            with(Modifiers::CTRL, Key::ArrowRight).as_deref(),
            Some(&b"\x1b[1;5C"[..])
        );
        assert_eq!(
            with(Modifiers::SHIFT, Key::ArrowUp).as_deref(),
            Some(&b"\x1b[1;2A"[..])
        );
        assert_eq!(
            with(Modifiers::ALT, Key::Delete).as_deref(),
            Some(&b"\x1b[3;3~"[..])
        );
        assert_eq!(
            with(Modifiers::CTRL, Key::F1).as_deref(),
            Some(&b"\x1b[1;5P"[..])
        );
        assert_eq!(
            with(Modifiers::SHIFT, Key::Tab).as_deref(),
            Some(&b"\x1b[Z"[..])
        );
    }

    /// In application cursor mode the arrows, Home and End send SS3 (`ESC O x`); the other
    /// keys do not change.
    #[test]
    fn application_cursor_mode_uses_ss3() {
        let app = |k| encode_key(k, Modifiers::NONE, APPLICATION);
        assert_eq!(app(Key::ArrowUp).as_deref(), Some(&b"\x1bOA"[..]));
        assert_eq!(app(Key::ArrowDown).as_deref(), Some(&b"\x1bOB"[..]));
        assert_eq!(app(Key::ArrowRight).as_deref(), Some(&b"\x1bOC"[..]));
        assert_eq!(app(Key::ArrowLeft).as_deref(), Some(&b"\x1bOD"[..]));
        assert_eq!(app(Key::Home).as_deref(), Some(&b"\x1bOH"[..]));
        assert_eq!(app(Key::End).as_deref(), Some(&b"\x1bOF"[..]));
        assert_eq!(app(Key::PageUp).as_deref(), Some(&b"\x1b[5~"[..]));
        assert_eq!(app(Key::Enter).as_deref(), Some(&b"\r"[..]));
    }

    /// Pastes turn line ends into Enter, and are bracketed when the shell asks, with any
    /// end marker inside removed.
    #[test]
    fn pastes_are_bracketed_when_asked() {
        assert_eq!(encode_paste("a\nb\r\nc", false), b"a\rb\rc");
        assert_eq!(encode_paste("ls\n", true), b"\x1b[200~ls\r\x1b[201~");
        assert_eq!(
            encode_paste("x\x1b[201~rm -rf /\n", true),
            b"\x1b[200~xrm -rf /\r\x1b[201~"
        );
    }
}
