//! What the shell tests share: the rep's side of one shell (the output in order with its
//! offsets checked, and the exit), the flood whose every line can be checked, the shell's pid
//! from its own output, and whether a process is gone or this process has children.

use switchboard_protocol::media::{MAX_SHELL_CHUNK, MediaFrame};

/// Lines of the flood, `L000000001` to `L<FLOOD_LINES>`: 12 bytes each on the terminal
/// (`\r\n`), so about 10.2 MB; below a million, where `%g` would switch to exponents.
pub const FLOOD_LINES: u64 = 850_000;

/// The command that prints the flood and then `DONE-42` (the `$((6*7))` keeps the typed
/// command from matching what it prints).
pub fn flood_command(lines: u64) -> String {
    format!("seq -f 'L%09g' 1 {lines}; echo DONE-$((6*7))\r")
}

/// The shell's output as the rep received it.
#[derive(Default)]
pub struct ShellScreen {
    /// Every output byte, in order.
    pub out: Vec<u8>,
    /// The exit code, once `shell_exit` came.
    pub exit: Option<i32>,
    /// Where the next [`ShellScreen::find`] starts.
    cursor: usize,
}

impl ShellScreen {
    /// Output bytes received (the offset the next chunk must have).
    pub fn received(&self) -> u64 {
        self.out.len() as u64
    }

    /// Takes one frame from the customer: output must continue exactly where the last
    /// ended (1..=64 KiB), nothing may follow the exit, and nothing else belongs here.
    pub fn take(&mut self, frame: &MediaFrame) {
        match frame {
            MediaFrame::ShellOutput { offset, data } => {
                assert!(self.exit.is_none(), "output after the exit");
                assert_eq!(*offset, self.received(), "offsets are continuous");
                assert!(!data.is_empty() && data.len() <= MAX_SHELL_CHUNK);
                self.out.extend_from_slice(data);
            }
            MediaFrame::ShellExit { code } => {
                assert!(self.exit.is_none(), "one exit");
                self.exit = Some(*code);
            }
            _ => panic!("a frame that is not the customer's shell frame"),
        }
    }

    /// Finds `needle` in the output after the last match (or the start); on a match the
    /// next search starts after it.
    pub fn find(&mut self, needle: &str) -> bool {
        let needle = needle.as_bytes();
        let found = self.out[self.cursor..]
            .windows(needle.len())
            .position(|w| w == needle);
        match found {
            Some(at) => {
                self.cursor += at + needle.len();
                true
            }
            None => {
                // Keep the tail that could still begin a match.
                self.cursor = self
                    .out
                    .len()
                    .saturating_sub(needle.len() - 1)
                    .max(self.cursor);
                false
            }
        }
    }

    /// The output as text (lossy), for failure messages: its last `tail` bytes.
    pub fn tail(&self, tail: usize) -> String {
        let from = self.out.len().saturating_sub(tail);
        String::from_utf8_lossy(&self.out[from..]).into_owned()
    }

    /// The numbers of the flood's `L#########` lines, in the order they arrived.
    pub fn flood_numbers(&self) -> Vec<u64> {
        let out = &self.out;
        let mut numbers = Vec::new();
        let mut at = 0;
        while at + 10 <= out.len() {
            let digits = &out[at + 1..at + 10];
            if out[at] == b'L' && digits.iter().all(u8::is_ascii_digit) {
                let text = std::str::from_utf8(digits).unwrap();
                numbers.push(text.parse().unwrap());
                at += 10;
            } else {
                at += 1;
            }
        }
        numbers
    }

    /// The pid the shell printed for `echo pid=$$` (the last one).
    pub fn pid(&self) -> Option<i32> {
        let text = String::from_utf8_lossy(&self.out);
        text.rmatch_indices("pid=").find_map(|(at, _)| {
            let digits: String = text[at + 4..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
    }
}

/// Whether process `pid` no longer exists (ended and reaped).
pub fn process_gone(pid: i32) -> bool {
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    kill(Pid::from_raw(pid), None) == Err(nix::errno::Errno::ESRCH)
}

/// The processes whose parent is this test process (a started shell is one).
pub fn children() -> Vec<i32> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let pid: i32 = name.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid ...": the comm may hold spaces and parentheses.
            let after = &stat[stat.rfind(')')? + 1..];
            let ppid = after.split_whitespace().nth(1)?;
            (ppid == me).then_some(pid)
        })
        .collect()
}
