//! The one-time join code a rep's `offer_client` gives a web customer
//! ("Click-to-chat → full client"), as the customer types or pastes it into `--join CODE` or
//! the window: nine digits, shown `482-193-057`. Spaces, dashes (and the dash look-alikes a
//! web page or a word processor may paste) are dropped here, and anything that cannot be a
//! code is refused in plain words before it reaches the server, so a typo does not spend one
//! of the address's few wrong guesses (the server counts wrong codes like session keys).

use std::fmt;

/// How many digits a join code has.
pub const JOIN_CODE_DIGITS: usize = 9;

/// A join code, normalised to its nine digits.
#[derive(Clone, PartialEq, Eq)]
pub struct JoinCode(String);

/// Why what was typed is not a join code, in words for the customer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinCodeError {
    #[error("Please enter the join code from the web chat (nine digits, like 482-193-057).")]
    Empty,
    #[error("A join code has only digits, like 482-193-057.")]
    NotDigits,
    #[error("A join code has nine digits, like 482-193-057; this has {0}.")]
    WrongLength(usize),
}

impl JoinCode {
    /// The code in `typed`: whitespace and dashes dropped, then exactly nine digits.
    pub fn parse(typed: &str) -> Result<JoinCode, JoinCodeError> {
        let kept: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && !is_dash(*c))
            .collect();
        if kept.is_empty() {
            return Err(JoinCodeError::Empty);
        }
        if !kept.chars().all(|c| c.is_ascii_digit()) {
            return Err(JoinCodeError::NotDigits);
        }
        if kept.len() != JOIN_CODE_DIGITS {
            return Err(JoinCodeError::WrongLength(kept.len()));
        }
        Ok(JoinCode(kept))
    }

    /// The nine digits, as the `join` hello sends them.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

/// Shown as it is read out: `482-193-057`.
impl fmt::Display for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{}-{}-{}", &d[..3], &d[3..6], &d[6..])
    }
}

/// The code is a secret until used: a debug print does not show it.
impl fmt::Debug for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JoinCode(…)")
    }
}

/// A hyphen-minus or one of the dashes a copy from a page or a document may bring.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' // hyphen
            | '\u{2011}' // non-breaking hyphen
            | '\u{2012}' // figure dash
            | '\u{2013}' // en dash
            | '\u{2014}' // em dash
            | '\u{2212}' // minus sign
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code as the page shows it, as read out with spaces, pasted with a newline or a
    /// typographic dash, or typed as bare digits: all the same nine digits.
    #[test]
    fn spaces_and_dashes_are_dropped() {
        for typed in [
            "482-193-057",
            "482 193 057",
            " 482193057 ",
            "482193057\n",
            "482\u{2013}193\u{2013}057",
            "482 - 193 - 057",
            "4-8-2-1-9-3-0-5-7",
            "\t482\u{a0}193\u{2011}057",
        ] {
            let code = JoinCode::parse(typed).unwrap_or_else(|e| panic!("{typed:?}: {e}"));
            assert_eq!(code.digits(), "482193057", "{typed:?}");
            assert_eq!(code.to_string(), "482-193-057");
        }
    }

    /// What cannot be a code is refused here, saying why, without asking the server.
    #[test]
    fn what_is_not_a_code_is_refused_in_words() {
        assert_eq!(JoinCode::parse(""), Err(JoinCodeError::Empty));
        assert_eq!(JoinCode::parse(" - "), Err(JoinCodeError::Empty));
        assert_eq!(
            JoinCode::parse("482-193-05"),
            Err(JoinCodeError::WrongLength(8))
        );
        assert_eq!(
            JoinCode::parse("482-193-0577"),
            Err(JoinCodeError::WrongLength(10))
        );
        assert_eq!(
            JoinCode::parse("482-I93-057"),
            Err(JoinCodeError::NotDigits)
        );
        assert_eq!(
            JoinCode::parse("482.193.057"),
            Err(JoinCodeError::NotDigits)
        );
        // Other scripts' digits are not the server's digits.
        assert_eq!(JoinCode::parse("٤٨٢١٩٣٠٥٧"), Err(JoinCodeError::NotDigits));
        assert!(
            JoinCodeError::WrongLength(8)
                .to_string()
                .contains("nine digits")
        );
    }

    /// A debug print (a log line) never shows the code.
    #[test]
    fn debug_hides_the_code() {
        let code = JoinCode::parse("482193057").unwrap();
        assert!(!format!("{code:?}").contains("482"));
    }
}
