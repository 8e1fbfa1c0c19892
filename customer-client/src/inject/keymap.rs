//! X11 keysyms to keycodes, from the server's keyboard mapping (`GetKeyboardMapping`): the rep
//! sends keysyms, XTest wants keycodes. Pure, so the lookup is tested without an X server.

use std::collections::HashMap;

/// `XK_Shift_L`, pressed around a keysym that only the shifted column has.
#[cfg(any(test, target_os = "linux"))]
pub const SHIFT_L: u32 = 0xFFE1;
/// `XK_Shift_R`.
#[cfg(target_os = "linux")]
pub const SHIFT_R: u32 = 0xFFE2;

/// Where a keysym sits on the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPosition {
    pub keycode: u8,
    /// Only in the shifted column: Shift must be down for the key to give this keysym.
    pub shifted: bool,
}

/// A keysym-to-keycode table built from one keyboard mapping.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    positions: HashMap<u32, KeyPosition>,
}

impl Keymap {
    /// Builds the table from a `GetKeyboardMapping` reply for keycodes `first_keycode..`:
    /// `keysyms` holds `per_keycode` keysyms per keycode. The unshifted column wins over the
    /// shifted one, and a lower keycode over a higher one.
    pub fn from_mapping(first_keycode: u8, per_keycode: u8, keysyms: &[u32]) -> Self {
        let mut positions = HashMap::new();
        let per = usize::from(per_keycode).max(1);
        for column in 0..per.min(2) {
            for (index, row) in keysyms.chunks(per).enumerate() {
                let Some(&keysym) = row.get(column) else {
                    continue;
                };
                let Some(keycode) = u8::try_from(index)
                    .ok()
                    .and_then(|i| first_keycode.checked_add(i))
                else {
                    break;
                };
                if keysym != 0 {
                    positions.entry(keysym).or_insert(KeyPosition {
                        keycode,
                        shifted: column == 1,
                    });
                }
            }
        }
        // A keycode whose second column is empty gives the upper case of a letter with Shift.
        for (index, row) in keysyms.chunks(per).enumerate() {
            let (Some(&lower), Ok(index)) = (row.first(), u8::try_from(index)) else {
                continue;
            };
            let upper = match lower {
                0x61..=0x7A => lower - 0x20,
                _ => continue,
            };
            if row.get(1).is_none_or(|&k| k == 0)
                && let Some(keycode) = first_keycode.checked_add(index)
            {
                positions.entry(upper).or_insert(KeyPosition {
                    keycode,
                    shifted: true,
                });
            }
        }
        Self { positions }
    }

    /// Where `keysym` is, if this keyboard has it.
    pub fn lookup(&self, keysym: u32) -> Option<KeyPosition> {
        self.positions.get(&keysym).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A US layout fragment: keycode 38 is a/A, 10 is 1/!, 50 is Shift_L, 36 Return.
    #[test]
    fn keysyms_map_to_keycodes_and_shift() {
        let first = 8u8;
        let per = 2u8;
        let mut keysyms = vec![0u32; 60 * 2];
        let mut set = |keycode: usize, a: u32, b: u32| {
            keysyms[(keycode - 8) * 2] = a;
            keysyms[(keycode - 8) * 2 + 1] = b;
        };
        set(38, 0x61, 0x41);
        set(10, 0x31, 0x21);
        set(50, SHIFT_L, 0);
        set(36, 0xFF0D, 0);
        set(52, 0x7A, 0);
        let map = Keymap::from_mapping(first, per, &keysyms);
        let at = |keycode, shifted| Some(KeyPosition { keycode, shifted });
        assert_eq!(map.lookup(0x61), at(38, false));
        assert_eq!(map.lookup(0x41), at(38, true));
        assert_eq!(map.lookup(0x21), at(10, true));
        assert_eq!(map.lookup(SHIFT_L), at(50, false));
        assert_eq!(map.lookup(0xFF0D), at(36, false));
        // 'Z' from a keycode that lists only 'z'.
        assert_eq!(map.lookup(0x5A), at(52, true));
        assert_eq!(map.lookup(0x20AC), None);
    }
}
