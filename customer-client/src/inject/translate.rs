//! The rep's input as X11 names it (keysyms, pointer buttons 1 to 9) turned into what an
//! injector without X11 needs (`enigo` on Windows and macOS): a character or a named key, a
//! button or a scroll step, and a point scaled from the captured picture's pixels to the
//! desktop's coordinates (on a HiDPI display the picture has more pixels than the desktop has
//! points). Pure, so it is tested on Linux too, where no injector uses it.

// On Linux only the tests read it.
#![cfg_attr(not(any(target_os = "windows", target_os = "macos")), allow(dead_code))]

/// A key the rep pressed or released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyName {
    /// A key that types this character (also with Ctrl or Alt held, for shortcuts).
    Char(char),
    Named(NamedKey),
}

/// The keys without a character that the console sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamedKey {
    Return,
    Tab,
    Backspace,
    Escape,
    Delete,
    Insert,
    Home,
    End,
    PageUp,
    PageDown,
    Left,
    Right,
    Up,
    Down,
    /// F1 to F20.
    F(u8),
    Shift,
    RightShift,
    Control,
    RightControl,
    Alt,
    /// The Windows key, Command on macOS (X11's Meta and Super).
    Meta,
    CapsLock,
}

/// What a pointer button event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ButtonAction {
    Button(PointerButton),
    /// X11's wheel buttons: one step, negative up or left.
    Scroll {
        horizontal: bool,
        steps: i32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PointerButton {
    Left,
    Middle,
    Right,
    Back,
    Forward,
}

/// The key an X11 keysym names: Latin-1 and Unicode keysyms (`0x0100_0000` + code point) as
/// characters, the function keys by name; `None` for the rest.
pub(crate) fn key_name(keysym: u32) -> Option<KeyName> {
    let named = match keysym {
        0xff0d | 0xff8d => NamedKey::Return,
        0xff09 => NamedKey::Tab,
        0xff08 => NamedKey::Backspace,
        0xff1b => NamedKey::Escape,
        0xffff => NamedKey::Delete,
        0xff63 => NamedKey::Insert,
        0xff50 => NamedKey::Home,
        0xff57 => NamedKey::End,
        0xff55 => NamedKey::PageUp,
        0xff56 => NamedKey::PageDown,
        0xff51 => NamedKey::Left,
        0xff52 => NamedKey::Up,
        0xff53 => NamedKey::Right,
        0xff54 => NamedKey::Down,
        0xffbe..=0xffd1 => NamedKey::F((keysym - 0xffbe + 1) as u8),
        0xffe1 => NamedKey::Shift,
        0xffe2 => NamedKey::RightShift,
        0xffe3 => NamedKey::Control,
        0xffe4 => NamedKey::RightControl,
        0xffe9 | 0xffea => NamedKey::Alt,
        0xffe7 | 0xffe8 | 0xffeb | 0xffec => NamedKey::Meta,
        0xffe5 => NamedKey::CapsLock,
        0x20..=0x7e | 0xa0..=0xff => return char::from_u32(keysym).map(KeyName::Char),
        0x0100_0100..=0x0110_ffff => {
            return char::from_u32(keysym - 0x0100_0000).map(KeyName::Char);
        }
        _ => return None,
    };
    Some(KeyName::Named(named))
}

/// What X11 pointer button `button` does: 1 to 3 left, middle, right; 4 to 7 the wheel (up,
/// down, left, right); 8 and 9 back and forward.
pub(crate) fn button_action(button: u8) -> Option<ButtonAction> {
    let scroll = |horizontal, steps| Some(ButtonAction::Scroll { horizontal, steps });
    match button {
        1 => Some(ButtonAction::Button(PointerButton::Left)),
        2 => Some(ButtonAction::Button(PointerButton::Middle)),
        3 => Some(ButtonAction::Button(PointerButton::Right)),
        4 => scroll(false, -1),
        5 => scroll(false, 1),
        6 => scroll(true, -1),
        7 => scroll(true, 1),
        8 => Some(ButtonAction::Button(PointerButton::Back)),
        9 => Some(ButtonAction::Button(PointerButton::Forward)),
        _ => None,
    }
}

/// Pixel `at` of a picture `picture` pixels wide, in a desktop `desktop` units wide: the
/// pixel's centre, scaled, kept inside the desktop.
pub(crate) fn scale(at: u16, picture: u16, desktop: i32) -> i32 {
    let picture = i64::from(picture.max(1));
    let desktop = i64::from(desktop.max(1));
    let scaled = (2 * i64::from(at) + 1) * desktop / (2 * picture);
    // Inside 0..desktop, so it fits an i32.
    scaled.clamp(0, desktop - 1) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keysyms_name_characters_and_keys() {
        assert_eq!(key_name(u32::from(b'a')), Some(KeyName::Char('a')));
        assert_eq!(key_name(0xe9), Some(KeyName::Char('é')));
        assert_eq!(key_name(0x0100_20ac), Some(KeyName::Char('€')));
        assert_eq!(key_name(0xff0d), Some(KeyName::Named(NamedKey::Return)));
        assert_eq!(key_name(0xffbe), Some(KeyName::Named(NamedKey::F(1))));
        assert_eq!(key_name(0xffc9), Some(KeyName::Named(NamedKey::F(12))));
        assert_eq!(key_name(0xffe3), Some(KeyName::Named(NamedKey::Control)));
        assert_eq!(key_name(0x0100_d800), None, "a surrogate is no character");
        assert_eq!(key_name(0xfe03), None);
    }

    #[test]
    fn buttons_and_wheel() {
        assert_eq!(
            button_action(3),
            Some(ButtonAction::Button(PointerButton::Right))
        );
        assert_eq!(
            button_action(4),
            Some(ButtonAction::Scroll {
                horizontal: false,
                steps: -1
            })
        );
        assert_eq!(
            button_action(7),
            Some(ButtonAction::Scroll {
                horizontal: true,
                steps: 1
            })
        );
        assert_eq!(button_action(0), None);
        assert_eq!(button_action(10), None);
    }

    /// Same sizes map a pixel to itself; a Retina picture (twice the points) halves it; the
    /// result never leaves the desktop.
    #[test]
    fn points_scale_to_the_desktop() {
        assert_eq!(scale(0, 1920, 1920), 0);
        assert_eq!(scale(1919, 1920, 1920), 1919);
        assert_eq!(scale(1000, 2880, 1440), 500);
        assert_eq!(scale(2879, 2880, 1440), 1439);
        assert_eq!(scale(5000, 100, 100), 99);
        assert_eq!(scale(5, 0, 0), 0);
    }
}
