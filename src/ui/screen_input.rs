//! The rep's keyboard and mouse, turned into the customer's input: egui events over the
//! Screen view become pointer events in screen pixels and keys as X11 keysyms. Only called
//! while Control is on and the view has the focus.

use egui::{Event, Key, Modifiers, PointerButton, Pos2, Rect};
use switchboard_protocol::media::InputEvent;

/// X11 keysyms of the modifiers and the keys egui names.
pub mod keysym {
    pub const SHIFT_L: u32 = 0xffe1;
    pub const CONTROL_L: u32 = 0xffe3;
    pub const ALT_L: u32 = 0xffe9;
    pub const DELETE: u32 = 0xffff;
    pub const RETURN: u32 = 0xff0d;
}

/// The keyboard's modifiers as last sent to the customer, and the picture's place on screen.
#[derive(Debug, Clone, Copy, Default)]
pub struct InputState {
    pub sent: Modifiers,
}

/// What the frame's events came to: input for the customer, and whether the rep pressed the
/// release chord (Ctrl+Alt+Enter).
#[derive(Debug, Default, PartialEq)]
pub struct Translated {
    pub events: Vec<InputEvent>,
    pub release: bool,
}

/// Translates `events` for a picture of `screen` pixels drawn in `image` (points).
pub fn translate(
    events: &[Event],
    image: Rect,
    screen: (u16, u16),
    state: &mut InputState,
) -> Translated {
    let mut out = Translated::default();
    let to_screen = |pos: Pos2| -> Option<(u16, u16)> {
        if !image.contains(pos) || image.width() <= 0.0 || image.height() <= 0.0 {
            return None;
        }
        let x = (pos.x - image.min.x) / image.width() * f32::from(screen.0);
        let y = (pos.y - image.min.y) / image.height() * f32::from(screen.1);
        Some((
            (x as u16).min(screen.0.saturating_sub(1)),
            (y as u16).min(screen.1.saturating_sub(1)),
        ))
    };
    let mut last_pos = None;
    for event in events {
        match event {
            Event::PointerMoved(pos) => {
                if let Some((x, y)) = to_screen(*pos) {
                    last_pos = Some((x, y));
                    out.events.push(InputEvent::PointerMove { x, y });
                }
            }
            Event::PointerButton {
                pos,
                button,
                pressed,
                modifiers,
            } => {
                modifiers_to(*modifiers, state, &mut out.events);
                if let (Some((x, y)), Some(button)) = (to_screen(*pos), x11_button(*button)) {
                    last_pos = Some((x, y));
                    out.events.push(InputEvent::PointerButton {
                        x,
                        y,
                        button,
                        pressed: *pressed,
                    });
                }
            }
            Event::MouseWheel { delta, .. } => {
                let Some((x, y)) = last_pos.or_else(|| to_screen(image.center())) else {
                    continue;
                };
                let vertical = if delta.y > 0.0 { 4 } else { 5 };
                let horizontal = if delta.x > 0.0 { 6 } else { 7 };
                for (amount, button) in [(delta.y, vertical), (delta.x, horizontal)] {
                    if amount != 0.0 {
                        click(&mut out.events, x, y, button);
                    }
                }
            }
            Event::ModifiersChanged(modifiers) => modifiers_to(*modifiers, state, &mut out.events),
            Event::Key {
                key,
                pressed,
                modifiers,
                ..
            } => {
                if *pressed && *key == Key::Enter && modifiers.ctrl && modifiers.alt {
                    out.release = true;
                    modifiers_to(Modifiers::NONE, state, &mut out.events);
                    return out;
                }
                modifiers_to(*modifiers, state, &mut out.events);
                // Printable keys arrive as text, unless Ctrl or Alt makes them a shortcut.
                let shortcut = modifiers.ctrl || modifiers.alt || modifiers.command;
                if let Some(keysym) = key_keysym(*key, shortcut) {
                    out.events.push(InputEvent::Key {
                        keysym,
                        pressed: *pressed,
                    });
                }
            }
            Event::Text(text) => {
                for c in text.chars() {
                    tap(&mut out.events, char_keysym(c));
                }
            }
            // With Ctrl held the integration turns C, X and V into these.
            Event::Copy => tap(&mut out.events, u32::from(b'c')),
            Event::Cut => tap(&mut out.events, u32::from(b'x')),
            Event::Paste(_) => tap(&mut out.events, u32::from(b'v')),
            _ => {}
        }
    }
    out
}

/// Ctrl+Alt+Del, pressed and released in order.
pub fn ctrl_alt_del() -> Vec<InputEvent> {
    let keys = [keysym::CONTROL_L, keysym::ALT_L, keysym::DELETE];
    let press = keys.iter().map(|&keysym| InputEvent::Key {
        keysym,
        pressed: true,
    });
    let release = keys.iter().rev().map(|&keysym| InputEvent::Key {
        keysym,
        pressed: false,
    });
    press.chain(release).collect()
}

fn click(events: &mut Vec<InputEvent>, x: u16, y: u16, button: u8) {
    for pressed in [true, false] {
        events.push(InputEvent::PointerButton {
            x,
            y,
            button,
            pressed,
        });
    }
}

fn tap(events: &mut Vec<InputEvent>, keysym: u32) {
    for pressed in [true, false] {
        events.push(InputEvent::Key { keysym, pressed });
    }
}

/// Sends the presses and releases that bring the customer's modifiers to `now`.
fn modifiers_to(now: Modifiers, state: &mut InputState, events: &mut Vec<InputEvent>) {
    let sent = state.sent;
    for (was, is, keysym) in [
        (sent.shift, now.shift, keysym::SHIFT_L),
        (sent.ctrl, now.ctrl, keysym::CONTROL_L),
        (sent.alt, now.alt, keysym::ALT_L),
    ] {
        if was != is {
            events.push(InputEvent::Key {
                keysym,
                pressed: is,
            });
        }
    }
    state.sent = Modifiers {
        shift: now.shift,
        ctrl: now.ctrl,
        alt: now.alt,
        ..Modifiers::NONE
    };
}

fn x11_button(button: PointerButton) -> Option<u8> {
    Some(match button {
        PointerButton::Primary => 1,
        PointerButton::Middle => 2,
        PointerButton::Secondary => 3,
        PointerButton::Extra1 => 8,
        PointerButton::Extra2 => 9,
    })
}

/// A character's keysym: Latin-1 as itself, the rest as Unicode keysyms.
fn char_keysym(c: char) -> u32 {
    let code = u32::from(c);
    if (0x20..=0x7e).contains(&code) || (0xa0..=0xff).contains(&code) {
        code
    } else {
        0x0100_0000 + code
    }
}

/// The keysym of a key that text does not carry (or, as a shortcut, one that it does).
fn key_keysym(key: Key, shortcut: bool) -> Option<u32> {
    use Key::*;
    let special = match key {
        ArrowDown => 0xff54,
        ArrowLeft => 0xff51,
        ArrowRight => 0xff53,
        ArrowUp => 0xff52,
        Escape => 0xff1b,
        Tab => 0xff09,
        Backspace => 0xff08,
        Enter => keysym::RETURN,
        Insert => 0xff63,
        Delete => keysym::DELETE,
        Home => 0xff50,
        End => 0xff57,
        PageUp => 0xff55,
        PageDown => 0xff56,
        F1 => 0xffbe,
        F2 => 0xffbf,
        F3 => 0xffc0,
        F4 => 0xffc1,
        F5 => 0xffc2,
        F6 => 0xffc3,
        F7 => 0xffc4,
        F8 => 0xffc5,
        F9 => 0xffc6,
        F10 => 0xffc7,
        F11 => 0xffc8,
        F12 => 0xffc9,
        _ => 0,
    };
    if special != 0 {
        return Some(special);
    }
    if !shortcut {
        return None;
    }
    let name = key.symbol_or_name();
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_graphic() || c == ' ' => {
            Some(u32::from(c.to_ascii_lowercase()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> Rect {
        Rect::from_min_size(Pos2::new(100.0, 50.0), egui::vec2(960.0, 540.0))
    }

    /// A click on the picture lands at the screen pixel under it (half-size picture).
    #[test]
    fn pointer_lands_in_screen_pixels() {
        let mut state = InputState::default();
        let events = [Event::PointerButton {
            pos: Pos2::new(100.0 + 480.0, 50.0 + 270.0),
            button: PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::NONE,
        }];
        let out = translate(&events, image(), (1920, 1080), &mut state);
        assert_eq!(
            out.events,
            vec![InputEvent::PointerButton {
                x: 960,
                y: 540,
                button: 1,
                pressed: true
            }]
        );
        let outside = [Event::PointerMoved(Pos2::new(10.0, 10.0))];
        assert!(
            translate(&outside, image(), (1920, 1080), &mut state)
                .events
                .is_empty()
        );
    }

    /// Text becomes key taps; Ctrl+Alt+Enter releases the keyboard and lets the modifiers go.
    #[test]
    fn keys_and_the_release_chord() {
        let mut state = InputState::default();
        let out = translate(
            &[Event::Text("a".into())],
            image(),
            (1920, 1080),
            &mut state,
        );
        assert_eq!(
            out.events,
            vec![
                InputEvent::Key {
                    keysym: 0x61,
                    pressed: true
                },
                InputEvent::Key {
                    keysym: 0x61,
                    pressed: false
                }
            ]
        );
        let ctrl_alt = Modifiers {
            ctrl: true,
            alt: true,
            ..Modifiers::NONE
        };
        let out = translate(
            &[
                Event::ModifiersChanged(ctrl_alt),
                Event::Key {
                    key: Key::Enter,
                    physical_key: None,
                    pressed: true,
                    repeat: false,
                    modifiers: ctrl_alt,
                },
            ],
            image(),
            (1920, 1080),
            &mut state,
        );
        assert!(out.release);
        assert_eq!(
            out.events.len(),
            4,
            "ctrl and alt down, then up: {:?}",
            out.events
        );
        assert_eq!(state.sent, Modifiers::NONE);
        assert_eq!(ctrl_alt_del().len(), 6);
    }
}
