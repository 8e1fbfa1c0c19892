//! The pure part of starting an elevated shell: reading what `su` (or `pkexec`) prints before
//! the shell proper starts. The elevated command first prints [`MARKER`], then execs the
//! login shell, so everything before the marker is the elevation tool talking (the password
//! prompt, "Authentication failure") and everything after it is the shell's. The rep never
//! sees the part before the marker; the customer's program answers the prompt itself.

/// Printed by the elevated command once authentication succeeded (an OSC sequence no
/// terminal draws, so it is harmless should it ever reach one).
pub const MARKER: &[u8] = b"\x1b]7770;switchboard-elevated\x07";

/// The most bytes the tool may print before the marker (a prompt and a message or two).
pub const MAX_PREAMBLE: usize = 8 * 1024;

/// What the driver should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Read more.
    More,
    /// The tool asks for the password: type it (once).
    TypePassword,
    /// Authenticated: the shell runs; these bytes came after the marker and belong to it.
    Elevated(Vec<u8>),
    /// The tool printed more than [`MAX_PREAMBLE`] without the marker.
    TooMuch,
}

/// Scans the tool's output as it arrives.
#[derive(Debug, Default)]
pub struct Handshake {
    preamble: Vec<u8>,
    password_typed: bool,
}

impl Handshake {
    /// Takes the next chunk of output.
    pub fn feed(&mut self, chunk: &[u8]) -> Step {
        self.preamble.extend_from_slice(chunk);
        if let Some(at) = find(&self.preamble, MARKER) {
            let rest = self.preamble.split_off(at + MARKER.len());
            self.preamble.truncate(at);
            return Step::Elevated(rest);
        }
        if self.preamble.len() > MAX_PREAMBLE {
            return Step::TooMuch;
        }
        if !self.password_typed && asks_for_password(&self.preamble) {
            self.password_typed = true;
            return Step::TypePassword;
        }
        Step::More
    }

    /// Whether the password was asked for (and so typed).
    #[cfg(test)]
    pub fn password_typed(&self) -> bool {
        self.password_typed
    }

    /// What the tool printed before the marker (or before it gave up), as text for the
    /// rep's error, without the prompt line and terminal noise.
    pub fn message(&self) -> String {
        let text = String::from_utf8_lossy(&self.preamble);
        text.lines()
            .map(|line| line.trim_matches(|c: char| c.is_whitespace() || c.is_control()))
            .filter(|line| !line.is_empty() && !line.to_ascii_lowercase().ends_with("password:"))
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect()
    }
}

/// Whether the text so far ends with a password prompt (`Password: `, `Password for x: `,
/// `[sudo] password for x: `), in the C locale the tool is started in.
fn asks_for_password(text: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    let last = text.trim_end_matches([' ', '\t']).to_ascii_lowercase();
    last.ends_with(':')
        && last
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.contains("password"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_then_the_marker_elevates_with_what_followed() {
        let mut handshake = Handshake::default();
        assert_eq!(handshake.feed(b"Pass"), Step::More);
        assert_eq!(handshake.feed(b"word: "), Step::TypePassword);
        assert_eq!(
            handshake.feed(b"\r\n"),
            Step::More,
            "the prompt is answered once"
        );
        let mut tail = MARKER.to_vec();
        tail.extend_from_slice(b"root@box:~# ");
        assert_eq!(
            handshake.feed(&tail[..5]),
            Step::More,
            "a marker split across reads is still found"
        );
        assert_eq!(
            handshake.feed(&tail[5..]),
            Step::Elevated(b"root@box:~# ".to_vec())
        );
        assert!(handshake.password_typed());
    }

    #[test]
    fn no_prompt_means_no_password_is_typed() {
        let mut handshake = Handshake::default();
        assert_eq!(handshake.feed(MARKER), Step::Elevated(Vec::new()));
        assert!(!handshake.password_typed());
    }

    #[test]
    fn a_failure_reads_as_the_tools_words_without_the_prompt() {
        let mut handshake = Handshake::default();
        assert_eq!(handshake.feed(b"Password: "), Step::TypePassword);
        assert_eq!(
            handshake.feed(b"\r\nsu: Authentication failure\r\n"),
            Step::More
        );
        assert_eq!(handshake.message(), "su: Authentication failure");
    }

    #[test]
    fn a_chatty_tool_is_cut_off() {
        let mut handshake = Handshake::default();
        let noise = vec![b'x'; MAX_PREAMBLE + 1];
        assert_eq!(handshake.feed(&noise), Step::TooMuch);
    }

    #[test]
    fn sudo_style_prompts_are_recognised() {
        assert!(asks_for_password(b"[sudo] password for pat: "));
        assert!(asks_for_password(b"Password for root: "));
        assert!(!asks_for_password(b"Last login: today\r\n"));
        assert!(!asks_for_password(b"password changed\r\nok"));
    }
}
