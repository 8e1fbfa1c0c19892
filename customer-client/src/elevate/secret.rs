//! A credential that passes once through memory (seed 003's "Specific User"): the rep's
//! password for an administrative account. It is never printed (`Debug` shows stars), never
//! serialised by this type, and its bytes are overwritten when it is dropped, so it lives only
//! as long as the one write to `su`'s prompt needs.

use std::fmt;
use zeroize::Zeroizing;

/// A password, wiped from memory on drop.
pub struct Password(Zeroizing<String>);

impl Password {
    /// Takes ownership of `text` (the caller's copy moves in; nothing is cloned).
    pub fn new(text: String) -> Password {
        Password(Zeroizing::new(text))
    }

    /// The bytes to type at the prompt, followed by a newline, in a buffer that is wiped on
    /// drop too.
    pub fn as_typed_line(&self) -> Zeroizing<Vec<u8>> {
        let mut line = Zeroizing::new(Vec::with_capacity(self.0.len() + 1));
        line.extend_from_slice(self.0.as_bytes());
        line.push(b'\n');
        line
    }

    /// Whether the password is empty (`su` would not accept it).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `haystack` contains the password (tests use it to prove it never leaks into
    /// output; an empty password is never "contained").
    pub fn occurs_in(&self, haystack: &[u8]) -> bool {
        let needle = self.0.as_bytes();
        !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let password = Password::new("hunter2".to_owned());
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn the_typed_line_ends_with_a_newline() {
        let password = Password::new("pw".to_owned());
        assert_eq!(&password.as_typed_line()[..], b"pw\n");
        assert!(password.occurs_in(b"xxpwxx") && !password.occurs_in(b"p w"));
        assert!(!Password::new(String::new()).occurs_in(b"anything"));
    }
}
