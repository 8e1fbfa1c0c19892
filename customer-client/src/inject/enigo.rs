//! Input injection on Windows and macOS through the `enigo` crate (`SendInput` on Windows,
//! CGEvent on macOS), so the rep's control works there without platform code (or `unsafe`)
//! of our own. The rep's coordinates are pixels of the captured picture and are scaled to the
//! desktop's coordinates (`translate.rs`), which on a HiDPI display are fewer.
//!
//! Compile-checked for `x86_64-pc-windows-gnu` and `x86_64-apple-darwin`; never run on a real
//! Windows or macOS machine. On macOS the program needs the Accessibility permission (enigo
//! asks for it when it starts); without it the worker logs why and control does nothing, as
//! on an X server without XTEST.

use super::InjectError;
use super::translate::{
    ButtonAction, KeyName, NamedKey, PointerButton, button_action, key_name, scale,
};
use ::enigo::{Axis, Button, Coordinate, Direction, Enigo, Key, Keyboard, Mouse, Settings};
use switchboard_protocol::media::InputEvent;

/// Injects input into this desktop's primary monitor.
pub struct EnigoInjector {
    enigo: Enigo,
}

impl EnigoInjector {
    /// Opens the system's input injection.
    pub fn new() -> Result<Self, InjectError> {
        Ok(Self {
            enigo: Enigo::new(&Settings::default())?,
        })
    }

    /// Injects one event; `picture` is the size of the captured picture, the space the rep's
    /// coordinates are in.
    pub fn inject(&mut self, event: InputEvent, picture: (u16, u16)) -> Result<(), InjectError> {
        match event {
            InputEvent::PointerMove { x, y } => self.move_to(x, y, picture)?,
            InputEvent::PointerButton {
                x,
                y,
                button,
                pressed,
            } => {
                self.move_to(x, y, picture)?;
                match button_action(button) {
                    Some(ButtonAction::Button(button)) => {
                        self.enigo
                            .button(enigo_button(button), direction(pressed))?;
                    }
                    Some(ButtonAction::Scroll { horizontal, steps }) => {
                        // X11 sends a wheel step as a press and a release: scroll once.
                        if pressed {
                            let axis = if horizontal {
                                Axis::Horizontal
                            } else {
                                Axis::Vertical
                            };
                            self.enigo.scroll(steps, axis)?;
                        }
                    }
                    None => tracing::debug!(button, "no such pointer button"),
                }
            }
            InputEvent::Key { keysym, pressed } => match key_name(keysym).and_then(enigo_key) {
                Some(key) => self.enigo.key(key, direction(pressed))?,
                None => tracing::debug!(keysym, "no key on this platform gives this keysym"),
            },
        }
        Ok(())
    }

    /// Moves the pointer to pixel (x, y) of the captured picture.
    fn move_to(&mut self, x: u16, y: u16, (width, height): (u16, u16)) -> Result<(), InjectError> {
        // The primary monitor's origin is the desktop's origin on Windows and macOS.
        let (desktop_width, desktop_height) = self.enigo.main_display()?;
        self.enigo.move_mouse(
            scale(x, width, desktop_width),
            scale(y, height, desktop_height),
            Coordinate::Abs,
        )?;
        Ok(())
    }
}

fn direction(pressed: bool) -> Direction {
    if pressed {
        Direction::Press
    } else {
        Direction::Release
    }
}

fn enigo_button(button: PointerButton) -> Button {
    match button {
        PointerButton::Left => Button::Left,
        PointerButton::Middle => Button::Middle,
        PointerButton::Right => Button::Right,
        PointerButton::Back => Button::Back,
        PointerButton::Forward => Button::Forward,
    }
}

/// enigo's key for a key name (`None` where this platform has no such key).
fn enigo_key(name: KeyName) -> Option<Key> {
    let named = match name {
        KeyName::Char(c) => return Some(Key::Unicode(c)),
        KeyName::Named(named) => named,
    };
    Some(match named {
        NamedKey::Return => Key::Return,
        NamedKey::Tab => Key::Tab,
        NamedKey::Backspace => Key::Backspace,
        NamedKey::Escape => Key::Escape,
        NamedKey::Delete => Key::Delete,
        #[cfg(target_os = "windows")]
        NamedKey::Insert => Key::Insert,
        // A Mac keyboard has no Insert key.
        #[cfg(not(target_os = "windows"))]
        NamedKey::Insert => return None,
        NamedKey::Home => Key::Home,
        NamedKey::End => Key::End,
        NamedKey::PageUp => Key::PageUp,
        NamedKey::PageDown => Key::PageDown,
        NamedKey::Left => Key::LeftArrow,
        NamedKey::Right => Key::RightArrow,
        NamedKey::Up => Key::UpArrow,
        NamedKey::Down => Key::DownArrow,
        NamedKey::F(n) => function_key(n)?,
        NamedKey::Shift => Key::Shift,
        NamedKey::RightShift => Key::RShift,
        NamedKey::Control => Key::Control,
        NamedKey::RightControl => Key::RControl,
        NamedKey::Alt => Key::Alt,
        NamedKey::Meta => Key::Meta,
        NamedKey::CapsLock => Key::CapsLock,
    })
}

fn function_key(n: u8) -> Option<Key> {
    Some(match n {
        1 => Key::F1,
        2 => Key::F2,
        3 => Key::F3,
        4 => Key::F4,
        5 => Key::F5,
        6 => Key::F6,
        7 => Key::F7,
        8 => Key::F8,
        9 => Key::F9,
        10 => Key::F10,
        11 => Key::F11,
        12 => Key::F12,
        13 => Key::F13,
        14 => Key::F14,
        15 => Key::F15,
        16 => Key::F16,
        17 => Key::F17,
        18 => Key::F18,
        19 => Key::F19,
        20 => Key::F20,
        _ => return None,
    })
}
