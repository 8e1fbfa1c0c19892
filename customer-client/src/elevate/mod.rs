//! Elevation on the customer's machine (issue 14; seed 003: "Select Prompt Customer to
//! request admin credentials from the remote user. If you possess administrative
//! credentials to the remote computer, select Specific User and supply an administrative
//! username and password"). Both start an **elevated command shell** on a PTY, which the
//! shell link then carries like the customer's own shell:
//!
//! - [`Method::SpecificUser`]: `su --pty -l -c SCRIPT -- USER` on the PTY (`--pty` where
//!   this `su` has it, util-linux 2.34 and later: without it `su -c` takes the shell off the
//!   terminal, so it has no job control and the rep's Ctrl+C ends the whole shell instead of
//!   the command). The program answers
//!   `su`'s password prompt itself with the rep's password ([`Password`]: it passes once
//!   through memory, is wiped on drop and is never printed, stored or sent on); the rep never
//!   sees the prompt or the answer, only the shell that follows, or `su`'s own words when
//!   it refuses ("su: Authentication failure").
//! - [`Method::PromptCustomer`]: `pkexec --disable-internal-agent /bin/sh -c SCRIPT`: the
//!   customer's own polkit agent asks *them* for an administrator's password in a dialog on
//!   their desktop; without a graphical agent pkexec refuses rather than asking on the
//!   terminal the rep reads.
//!
//! SCRIPT prints [`handshake::MARKER`] and then execs the target user's login shell, so
//! the program can tell the tool's talk (before the marker, never relayed) from the shell's
//! output (after it). `handshake.rs` is that pure scanner; this file drives it over a
//! [`ShellSession`] with a deadline. [`support`] says what this machine can do, with the
//! reason when it cannot (the console greys the entry with it).

mod handshake;
mod secret;

pub use handshake::{MARKER, MAX_PREAMBLE};
pub use secret::Password;

use crate::shell::{ShellConfig, ShellError, ShellEvent, ShellOutput, ShellSession};
use handshake::{Handshake, Step};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

/// How long `su` may take to authenticate (PAM waits ~2 s after a wrong password).
pub const SU_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the customer has to answer pkexec's dialog.
pub const PROMPT_CUSTOMER_TIMEOUT: Duration = Duration::from_secs(120);

/// The command the elevated tool runs: the marker, then the target user's login shell.
const SCRIPT: &str = r#"printf '\033]7770;switchboard-elevated\007'; exec "${SHELL:-/bin/sh}" -l"#;

/// How to elevate.
#[derive(Debug)]
pub enum Method {
    /// The rep typed an administrative account's name and password.
    SpecificUser {
        username: String,
        password: Password,
    },
    /// Ask the customer's operating system to elevate (pkexec / polkit).
    PromptCustomer,
}

/// What this machine can do, each with the reason when it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Support {
    pub specific_user: Result<(), String>,
    pub prompt_customer: Result<(), String>,
}

/// What this machine can do now (programs on `PATH`, a graphical session for pkexec's
/// dialog).
pub fn support() -> Support {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let graphical =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    support_with(&path, graphical)
}

/// [`support`] for a given `PATH` and whether a graphical session exists.
pub fn support_with(path: &std::ffi::OsStr, graphical: bool) -> Support {
    let specific_user = match find_program(path, "su") {
        Some(_) => Ok(()),
        None => Err("su is not installed on this computer".to_owned()),
    };
    let prompt_customer = match find_program(path, "pkexec") {
        None => Err(
            "pkexec (polkit) is not installed on this computer, so it cannot ask the customer \
             for an administrator's password"
                .to_owned(),
        ),
        Some(_) if !graphical => Err(
            "the customer has no graphical session for the administrator password dialog"
                .to_owned(),
        ),
        Some(_) => Ok(()),
    };
    Support {
        specific_user,
        prompt_customer,
    }
}

fn find_program(path: &std::ffi::OsStr, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether this machine's `su` can give the shell a terminal of its own (`--pty`), asked
/// once (`su --help`).
fn su_has_pty() -> bool {
    static PTY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PTY.get_or_init(|| {
        std::process::Command::new("su")
            .arg("--help")
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("--pty"))
    })
}

/// Whether `name` is a user name `su` may be given: 1..=32 of `[a-z0-9_.-]` (and a trailing
/// `$`), not starting with `-` (so it can never be read as an option).
pub fn valid_username(name: &str) -> bool {
    let body = name.strip_suffix('$').unwrap_or(name);
    (1..=32).contains(&body.len())
        && !body.starts_with(['-', '.'])
        && body
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
}

/// How the elevated shell starts.
#[derive(Debug, Clone)]
pub struct ElevateOptions {
    pub rows: u16,
    pub cols: u16,
    /// Run the tool through this first (tests run it as an unprivileged user with
    /// `runuser -u NAME --`, as the customer's program runs in real life); empty normally.
    pub run_as: Vec<OsString>,
    /// `None`: [`SU_TIMEOUT`] or [`PROMPT_CUSTOMER_TIMEOUT`].
    pub timeout: Option<Duration>,
}

impl ElevateOptions {
    pub fn new(rows: u16, cols: u16) -> ElevateOptions {
        ElevateOptions {
            rows,
            cols,
            run_as: Vec::new(),
            timeout: None,
        }
    }
}

/// An elevated shell, running.
pub struct Elevated {
    pub session: ShellSession,
    pub output: ShellOutput,
    /// The shell's first output, which arrived with the marker: send it before what
    /// `output` yields. Already acknowledged to the shell's window.
    pub first_output: Vec<u8>,
    /// Who the shell runs as (`root` for pkexec).
    pub user: String,
}

/// Why no elevated shell started.
#[derive(Debug, Error)]
pub enum ElevationError {
    #[error("{0}")]
    Unsupported(String),
    #[error("that is not a user name this computer accepts")]
    BadUsername,
    #[error("no password was given")]
    EmptyPassword,
    #[error(transparent)]
    Shell(#[from] ShellError),
    /// The tool refused, in its own words ("su: Authentication failure").
    #[error("{0}")]
    Refused(String),
    #[error("no answer within {0:?}")]
    TimedOut(Duration),
    #[error("the elevation tool printed too much before starting the shell")]
    TooMuch,
    #[error("pkexec asked for a password on the terminal instead of the customer's desktop")]
    AskedOnTerminal,
}

/// Starts an elevated shell by `method`: returns once the shell runs (after the marker), or
/// why not. The tool is killed on every failure.
pub async fn start(method: Method, options: ElevateOptions) -> Result<Elevated, ElevationError> {
    let (argv, user, timeout) = match &method {
        Method::SpecificUser { username, password } => {
            if !valid_username(username) {
                return Err(ElevationError::BadUsername);
            }
            if password.is_empty() {
                return Err(ElevationError::EmptyPassword);
            }
            let pty = tokio::task::spawn_blocking(su_has_pty)
                .await
                .unwrap_or(false);
            let mut argv = vec![OsString::from("su")];
            if pty {
                argv.push("--pty".into());
            }
            argv.extend(["-l", "-c", SCRIPT, "--", username.as_str()].map(OsString::from));
            (argv, username.clone(), SU_TIMEOUT)
        }
        Method::PromptCustomer => {
            let support = support();
            support
                .prompt_customer
                .map_err(ElevationError::Unsupported)?;
            let argv = [
                "pkexec",
                "--disable-internal-agent",
                "/bin/sh",
                "-c",
                SCRIPT,
            ];
            let argv = argv.map(OsString::from).to_vec();
            (argv, "root".to_owned(), PROMPT_CUSTOMER_TIMEOUT)
        }
    };
    let mut full = options.run_as.clone();
    full.extend(argv);
    let mut config = ShellConfig::command(full, options.rows, options.cols);
    // The tool's prompt in words the handshake knows; `su -l` clears the environment, so
    // the shell itself does not inherit this.
    config.env.push(("LC_ALL".into(), "C".into()));
    let (session, output) = ShellSession::start(config)?;
    let timeout = options.timeout.unwrap_or(timeout);
    match handshake(&session, output, &method, timeout).await {
        Ok((output, first_output)) => Ok(Elevated {
            session,
            output,
            first_output,
            user,
        }),
        Err(error) => {
            // `kill` waits for the hang-up grace; do not block the runtime's thread.
            let _ = tokio::task::spawn_blocking(move || session.kill()).await;
            Err(error)
        }
    }
}

async fn handshake(
    session: &ShellSession,
    mut output: ShellOutput,
    method: &Method,
    timeout: Duration,
) -> Result<(ShellOutput, Vec<u8>), ElevationError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut scanner = Handshake::default();
    loop {
        let event = tokio::time::timeout_at(deadline, output.recv())
            .await
            .map_err(|_| ElevationError::TimedOut(timeout))?;
        let chunk = match event {
            Some(ShellEvent::Output(chunk)) => chunk,
            Some(ShellEvent::Exited(_)) | None => {
                let words = scanner.message();
                return Err(ElevationError::Refused(if words.is_empty() {
                    "the elevation tool ended without starting a shell".to_owned()
                } else {
                    words
                }));
            }
        };
        session.ack(chunk.len())?;
        match scanner.feed(&chunk) {
            Step::More => {}
            Step::TypePassword => match method {
                Method::SpecificUser { password, .. } => {
                    session.write_input(&password.as_typed_line()).await?;
                }
                Method::PromptCustomer => return Err(ElevationError::AskedOnTerminal),
            },
            Step::Elevated(first_output) => return Ok((output, first_output)),
            Step::TooMuch => return Err(ElevationError::TooMuch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_that_could_be_options_or_paths_are_refused() {
        for good in ["root", "sbadmin", "pat.smith", "svc_1", "machine$"] {
            assert!(valid_username(good), "{good}");
        }
        for bad in [
            "",
            "-c",
            "--",
            "a b",
            "Root",
            "../x",
            ".hidden",
            "x;id",
            &"a".repeat(33),
        ] {
            assert!(!valid_username(bad), "{bad:?}");
        }
    }

    #[test]
    fn support_says_why_not() {
        let empty = std::ffi::OsStr::new("/nonexistent");
        let none = support_with(empty, true);
        assert_eq!(
            none.specific_user,
            Err("su is not installed on this computer".to_owned())
        );
        assert!(none.prompt_customer.unwrap_err().contains("pkexec"));
        let bin = std::ffi::OsStr::new("/usr/bin:/bin");
        assert_eq!(support_with(bin, false).specific_user, Ok(()));
    }
}
