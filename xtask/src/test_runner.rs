//! The tests step of `cargo xtask test`: build every test binary once (`cargo test
//! --no-run`), run them up to `--test-jobs` at a time instead of one after another, then the
//! doc tests (`cargo test --doc`).
//!
//! Why: `cargo test --workspace` runs its ~85 binaries strictly in turn, and most of their
//! time is spent waiting (on sockets, Xvfb, Chromium, deadlines), not computing, so on the
//! 2-core CI machine the run phase took ~6m45s of a 30-minute budget. Each binary still runs
//! exactly as cargo runs it (its package's directory, cargo's environment, no arguments; see
//! `list.rs` and `child.rs`), and its output is printed as one block under cargo's own
//! `Running` heading when it ends, so the log reads as before, only in finishing order.
//! `--test-jobs 1` is the old order. Every binary runs even after a failure; the step then
//! fails, listing each failed binary with how it ended.

mod child;
mod list;
mod order;
mod report;

use crate::demo::cargo;
use anyhow::{Context as _, bail};
use list::TestBinary;
use order::Group;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A binary still running after this is killed and fails. Generous: the longest binary
/// takes ~40 s; a hang should not eat the whole CI budget but a slow machine must not fail.
const TIME_LIMIT: Duration = Duration::from_secs(15 * 60);

/// What the tests step runs.
pub struct TestRun {
    /// How many binaries run at once (at least 1).
    pub jobs: usize,
    /// Only these packages (`-p`), or the whole workspace when empty.
    pub packages: Vec<String>,
}

impl TestRun {
    /// `--workspace`, or `-p A -p B`.
    fn selection(&self) -> Vec<String> {
        if self.packages.is_empty() {
            vec!["--workspace".to_owned()]
        } else {
            self.packages
                .iter()
                .flat_map(|package| ["-p".to_owned(), package.clone()])
                .collect()
        }
    }
}

/// Builds, runs every test binary, then the doc tests. Fails if anything failed.
pub fn run(root: &Path, test_run: &TestRun) -> anyhow::Result<()> {
    let selection = test_run.selection();
    let build_messages = build(root, &selection)?;
    let metadata = cargo_output(root, &["metadata", "--no-deps", "--format-version", "1"])?;
    let packages = list::parse_metadata(&metadata)?;
    let binaries = list::test_binaries(&build_messages, &packages)?;
    let extra_env = vec![
        ("CARGO".to_owned(), cargo().to_string_lossy().into_owned()),
        ("LD_LIBRARY_PATH".to_owned(), dylib_path(&binaries)?),
    ];

    let jobs = test_run.jobs.max(1);
    let started = Instant::now();
    let outcomes = run_binaries(root, order::start_order(binaries, jobs), jobs, &extra_env);
    println!("{}", report::summary(&outcomes, jobs, started.elapsed()));
    let failed = outcomes
        .iter()
        .filter(|outcome| !outcome.ending.passed())
        .count();

    // Doc tests after the binaries (and even when one failed, so one run shows everything).
    let mut doc_args = vec!["test".to_owned()];
    doc_args.extend(selection);
    doc_args.push("--doc".to_owned());
    let doc_tests = run_cargo(root, &doc_args);

    if failed > 0 {
        bail!("{failed} test binaries failed (listed above)");
    }
    doc_tests
}

/// `cargo test <selection> --no-run --message-format=json-render-diagnostics`: its JSON
/// lines (stdout); its progress and any compiler errors go to our stderr as usual.
fn build(root: &Path, selection: &[String]) -> anyhow::Result<String> {
    let mut args = vec!["test".to_owned()];
    args.extend(selection.iter().cloned());
    args.extend(["--no-run", "--message-format=json-render-diagnostics"].map(str::to_owned));
    let output = cargo_command(root, &args)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        bail!("`cargo {}` exited with {}", args.join(" "), output.status);
    }
    String::from_utf8(output.stdout).context("cargo's build messages are not UTF-8")
}

/// `cargo <args>`'s stdout.
fn cargo_output(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = cargo_command(root, args)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        bail!("`cargo {}` exited with {}", args.join(" "), output.status);
    }
    String::from_utf8(output.stdout).context("cargo's output is not UTF-8")
}

/// `cargo <args>` with its output shown as it comes.
fn run_cargo(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let status = cargo_command(root, args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("`cargo {}` exited with {status}", args.join(" "));
    }
    Ok(())
}

/// Non-incremental, as CI builds (the same artefacts whoever runs it).
fn cargo_command<S: AsRef<std::ffi::OsStr>>(root: &Path, args: &[S]) -> Command {
    let mut command = Command::new(cargo());
    command
        .current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .args(args);
    command
}

/// The dynamic library path cargo gives a test: the target directory (`target/debug`), its
/// `deps`, the toolchain's libraries (`rustc --print target-libdir` and the sysroot's `lib`),
/// then whatever the caller had.
fn dylib_path(binaries: &[TestBinary]) -> anyhow::Result<String> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(deps) = binaries
        .first()
        .and_then(|binary| binary.executable.parent())
    {
        dirs.extend(deps.parent().map(Path::to_owned));
        dirs.push(deps.to_owned());
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    for (print, suffix) in [("target-libdir", None), ("sysroot", Some("lib"))] {
        let output = Command::new(&rustc)
            .args(["--print", print])
            .output()
            .context("running rustc --print")?;
        let printed = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if output.status.success() && !printed.is_empty() {
            let dir = PathBuf::from(printed);
            dirs.push(suffix.map_or(dir.clone(), |suffix| dir.join(suffix)));
        }
    }
    if let Some(existing) = std::env::var_os("LD_LIBRARY_PATH") {
        dirs.extend(std::env::split_paths(&existing));
    }
    let joined = std::env::join_paths(dirs).context("a library directory holds a ':'")?;
    Ok(joined.to_string_lossy().into_owned())
}

/// Runs `queue` (in start order) up to `jobs` at a time, never two of one [`Group`]
/// together, printing each binary's block as it ends. The outcomes in finishing order.
fn run_binaries(
    root: &Path,
    mut queue: Vec<TestBinary>,
    jobs: usize,
    extra_env: &[(String, String)],
) -> Vec<report::Outcome> {
    let mut outcomes = Vec::new();
    let (finished_tx, finished_rx) = mpsc::channel::<(usize, String, child::Finished)>();
    std::thread::scope(|scope| {
        // Slot i holds the group of the binary running in it (None inside when it has
        // none); a free slot is None outside.
        let mut slots: Vec<Option<Option<Group>>> = vec![None; jobs];
        loop {
            while let Some(slot) = slots.iter().position(Option::is_none) {
                let running: Vec<Option<Group>> = slots.iter().flatten().copied().collect();
                let Some(next) = order::pick_next(&queue, &running) else {
                    break;
                };
                let binary = queue.remove(next);
                slots[slot] = Some(order::group_of(&binary));
                let finished_tx = finished_tx.clone();
                let heading = report::heading(&binary, root);
                scope.spawn(move || {
                    let finished = child::run(&binary, extra_env, TIME_LIMIT);
                    // The receiver outlives every sender in this scope.
                    let _ = finished_tx.send((slot, heading, finished));
                });
            }
            if slots.iter().all(Option::is_none) {
                break; // nothing running, and nothing could start: the queue is empty
            }
            let Ok((slot, heading, finished)) = finished_rx.recv() else {
                break;
            };
            slots[slot] = None;
            print_block(&heading, &finished);
            outcomes.push(report::Outcome {
                heading,
                ending: finished.ending,
                elapsed: finished.elapsed,
            });
        }
    });
    outcomes
}

/// One binary's heading and output together, as cargo test would have shown them; a line
/// more when it did not end by itself with success.
fn print_block(heading: &str, finished: &child::Finished) {
    let mut stdout = std::io::stdout().lock();
    let mut block = format!("\n{heading}\n").into_bytes();
    block.extend_from_slice(&finished.output);
    if !finished.ending.passed() {
        let ending = report::describe(&finished.ending);
        block.extend_from_slice(format!("xtask: this test binary failed: {ending}\n").as_bytes());
    }
    // A closed stdout (the log's reader gone) must not stop the remaining binaries.
    let _ = stdout.write_all(&block).and_then(|()| stdout.flush());
}
