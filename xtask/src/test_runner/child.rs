//! Running one test binary as `cargo test` would (its package's directory, cargo's
//! environment, no arguments), with its stdout and stderr captured together into one pipe
//! (in the order it wrote them, as a terminal would show them) and a time limit after
//! which it is killed and fails.
//!
//! The pipe is drained by a thread of its own from the start, so a chatty binary never
//! blocks on a full pipe. The output kept is bounded (the first and the last megabytes of
//! [`OUTPUT_KEPT`]), because a runaway test could print without end.
//!
//! There is no `wait` with a timeout in std (and no `unsafe` here for `waitpid` or `kill`),
//! so the exit is watched every [`EXIT_POLL`] with `try_wait`, the pause being the wait for
//! the pipe's end with that timeout, never a sleep. Watching the exit rather than only the
//! pipe matters: a server or Xvfb a test leaked can hold the pipe open after the binary has
//! ended; then its output so far is taken after a short grace.

use super::list::TestBinary;
use std::collections::VecDeque;
use std::io::Read as _;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often a running binary's exit is checked.
const EXIT_POLL: Duration = Duration::from_millis(100);
/// How long the output may still come after the binary has ended or been killed.
const DRAIN_GRACE: Duration = Duration::from_secs(2);
/// At most this much output is kept per binary: half from its start, half from its end.
pub const OUTPUT_KEPT: usize = 16 << 20;

/// How a binary's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Exited(ExitStatus),
    /// Killed at the time limit.
    TimedOut(Duration),
    /// It could not be started at all (the message says why).
    NotStarted(String),
}

impl Ending {
    pub fn passed(&self) -> bool {
        matches!(self, Ending::Exited(status) if status.success())
    }
}

/// A finished binary: how it ended, what it printed, how long it took.
#[derive(Debug)]
pub struct Finished {
    pub ending: Ending,
    pub output: Vec<u8>,
    pub elapsed: Duration,
}

/// Runs `binary` with `extra_env` added (the dynamic library path), killing it after
/// `time_limit`.
pub fn run(binary: &TestBinary, extra_env: &[(String, String)], time_limit: Duration) -> Finished {
    let started = Instant::now();
    let not_started = |why: String| Finished {
        ending: Ending::NotStarted(why),
        output: Vec::new(),
        elapsed: started.elapsed(),
    };
    let (mut reader, writer) = match std::io::pipe() {
        Ok(pair) => pair,
        Err(error) => return not_started(format!("no pipe for its output: {error}")),
    };
    let writer_for_stderr = match writer.try_clone() {
        Ok(clone) => clone,
        Err(error) => return not_started(format!("no pipe for its output: {error}")),
    };
    let mut command = Command::new(&binary.executable);
    command
        .current_dir(&binary.package_dir)
        .envs(binary.env.iter().map(|(key, value)| (key, value)))
        .envs(extra_env.iter().map(|(key, value)| (key, value)))
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer_for_stderr);
    let spawned = command.spawn();
    // The command holds the pipe's writing ends: dropped, only the child's copies remain, so
    // the pipe ends when the child (and whatever inherited them) does.
    drop(command);
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            return not_started(format!("{}: {error}", binary.executable.display()));
        }
    };

    let output = Arc::new(Mutex::new(BoundedOutput::new(OUTPUT_KEPT)));
    let (pipe_ended, pipe_end) = mpsc::channel::<()>();
    let sink = Arc::clone(&output);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 64 * 1024];
        while let Ok(read @ 1..) = reader.read(&mut chunk) {
            sink.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(&chunk[..read]);
        }
        // The receiver may be gone (a leftover process held the pipe past the grace).
        let _ = pipe_ended.send(());
    });

    let ending = loop {
        match pipe_end.recv_timeout(EXIT_POLL) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                break match child.wait() {
                    Ok(status) => Ending::Exited(status),
                    Err(error) => Ending::NotStarted(format!("waiting for it: {error}")),
                };
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        if let Ok(Some(status)) = child.try_wait() {
            // Ended, but something it started still holds the pipe: take what came.
            let _ = pipe_end.recv_timeout(DRAIN_GRACE);
            break Ending::Exited(status);
        }
        if started.elapsed() >= time_limit {
            // Already ended (a race with the check above) is fine: kill then does nothing.
            let _ = child.kill();
            let _ = child.wait();
            let _ = pipe_end.recv_timeout(DRAIN_GRACE);
            break Ending::TimedOut(time_limit);
        }
    };
    let output = std::mem::replace(
        &mut *output.lock().unwrap_or_else(PoisonError::into_inner),
        BoundedOutput::new(0),
    )
    .into_bytes();
    Finished {
        ending,
        output,
        elapsed: started.elapsed(),
    }
}

/// A binary's output, kept up to a bound: the first half of it from the start and the
/// second half from the end (where the failures and `test result:` are), with a line saying
/// how much was left out between them.
#[derive(Debug)]
pub struct BoundedOutput {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    head_room: usize,
    tail_room: usize,
    left_out: u64,
}

impl BoundedOutput {
    pub fn new(bound: usize) -> BoundedOutput {
        BoundedOutput {
            head: Vec::new(),
            tail: VecDeque::new(),
            head_room: bound / 2,
            tail_room: bound - bound / 2,
            left_out: 0,
        }
    }

    pub fn push(&mut self, mut bytes: &[u8]) {
        let to_head = bytes.len().min(self.head_room - self.head.len());
        self.head.extend_from_slice(&bytes[..to_head]);
        bytes = &bytes[to_head..];
        if bytes.len() > self.tail_room {
            let skipped = bytes.len() - self.tail_room;
            self.left_out += (self.tail.len() + skipped) as u64;
            self.tail.clear();
            bytes = &bytes[skipped..];
        }
        let overflow = (self.tail.len() + bytes.len()).saturating_sub(self.tail_room);
        self.tail.drain(..overflow);
        self.left_out += overflow as u64;
        self.tail.extend(bytes);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        let mut bytes = self.head;
        if self.left_out > 0 {
            let note = format!(
                "\n[xtask: {} bytes of this binary's output left out here]\n",
                self.left_out
            );
            bytes.extend_from_slice(note.as_bytes());
        }
        bytes.extend(self.tail);
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_runner::list::TargetKind;
    use std::path::PathBuf;

    #[test]
    fn output_within_the_bound_is_kept_whole() {
        let mut output = BoundedOutput::new(10);
        output.push(b"abc");
        output.push(b"defg");
        assert_eq!(output.into_bytes(), b"abcdefg");
    }

    #[test]
    fn past_the_bound_the_start_and_the_end_are_kept_and_the_gap_is_said() {
        let mut output = BoundedOutput::new(8);
        output.push(b"0123");
        output.push(b"45");
        output.push(b"6789abcdef");
        output.push(b"XY");
        let text = String::from_utf8(output.into_bytes()).unwrap();
        assert!(text.starts_with("0123\n[xtask: 10 bytes"), "{text}");
        assert!(text.ends_with("]\nefXY"), "{text}");
    }

    /// bash stands in for a test binary: test binaries get no arguments, and a
    /// non-interactive bash without any reads `$BASH_ENV` first (then its stdin, which is
    /// null). A file read, never executed, so no "text file busy" race with other threads'
    /// forks.
    fn script_binary(name: &str, script: &str) -> TestBinary {
        let dir = std::env::temp_dir().join(format!("xtask-child-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, script).unwrap();
        TestBinary {
            package: "p".into(),
            package_dir: std::env::temp_dir(),
            target: "t".into(),
            kind: TargetKind::Test,
            src_path: PathBuf::from("t.rs"),
            executable: PathBuf::from("/bin/bash"),
            env: vec![
                ("BASH_ENV".into(), path.display().to_string()),
                ("FROM_PACKAGE".into(), "p".into()),
            ],
        }
    }

    #[test]
    fn both_streams_land_in_one_block_in_order_with_the_environment_and_directory() {
        let binary = script_binary(
            "streams",
            "echo out; echo err >&2; echo \"$FROM_PACKAGE $EXTRA\"; pwd; exit 3",
        );
        let extra = [("EXTRA".to_owned(), "x".to_owned())];
        let finished = run(&binary, &extra, Duration::from_secs(60));
        let text = String::from_utf8(finished.output).unwrap();
        let temp = std::env::temp_dir().canonicalize().unwrap();
        assert_eq!(text, format!("out\nerr\np x\n{}\n", temp.display()));
        assert!(matches!(finished.ending, Ending::Exited(status) if status.code() == Some(3)));
        assert!(!finished.ending.passed());
    }

    #[test]
    fn a_binary_past_its_time_limit_is_killed_and_fails() {
        let binary = script_binary("hangs", "echo started; exec sleep 30");
        let finished = run(&binary, &[], Duration::from_millis(300));
        assert_eq!(
            finished.ending,
            Ending::TimedOut(Duration::from_millis(300))
        );
        assert!(finished.elapsed < Duration::from_secs(10), "{finished:?}");
        assert_eq!(finished.output, b"started\n");
    }

    #[test]
    fn a_missing_binary_fails_with_why() {
        let mut binary = script_binary("missing", "");
        binary.executable = PathBuf::from("/nonexistent/test-binary");
        let finished = run(&binary, &[], Duration::from_secs(5));
        assert!(
            matches!(&finished.ending, Ending::NotStarted(why) if why.contains("/nonexistent")),
            "{finished:?}"
        );
    }
}
