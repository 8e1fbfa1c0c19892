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
use list::{TargetKind, TestBinary};
use order::Group;
use std::ffi::OsString;
use std::io::Write;
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
    /// Lint while building: clippy-driver compiles the workspace's own crates (see
    /// [`CLIPPY_ARGS`]), so the lints need no second, check-only pass over every dependency.
    pub lint: bool,
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
    let build_messages = build(root, &selection, test_run.lint)?;
    let metadata = cargo_output(
        root,
        &["metadata", "--no-deps", "--format-version", "1"],
        false,
    )?;
    let packages = list::parse_metadata(&metadata)?;
    let mut binaries = list::test_binaries(&build_messages, &packages)?;
    // Doc tests are a library's: a selection without one (`-p xtask`) has none, and
    // `cargo test --doc` would refuse it.
    let has_library = binaries.iter().any(|binary| binary.kind == TargetKind::Lib);
    // Benches and examples are built only to be linted (as `cargo clippy --all-targets`
    // does); `cargo test` never ran them, and some benches run for minutes.
    binaries.retain(|binary| !matches!(binary.kind, TargetKind::Bench | TargetKind::Example));
    let extra_env = vec![
        ("CARGO".to_owned(), cargo().to_string_lossy().into_owned()),
        ("LD_LIBRARY_PATH".to_owned(), dylib_path(&binaries)?),
    ];

    let jobs = test_run.jobs.max(1);
    let started = Instant::now();
    let queue = order::start_order(binaries, jobs);
    let outcomes = run_binaries(
        root,
        queue,
        jobs,
        &extra_env,
        TIME_LIMIT,
        &mut std::io::stdout(),
    );
    println!("{}", report::summary(&outcomes, jobs, started.elapsed()));
    let failed = outcomes
        .iter()
        .filter(|outcome| !outcome.ending.passed())
        .count();

    // Doc tests after the binaries (and even when one failed, so one run shows everything).
    let doc_tests = if has_library {
        let mut doc_args = vec!["test".to_owned()];
        doc_args.extend(selection);
        doc_args.push("--doc".to_owned());
        run_cargo(root, &doc_args, test_run.lint)
    } else {
        Ok(())
    };

    if failed > 0 {
        bail!("{failed} test binaries failed (listed above)");
    }
    doc_tests
}

/// `cargo test <selection> --no-run --message-format=json-render-diagnostics`: its JSON
/// lines (stdout); its progress and any compiler errors go to our stderr as usual.
fn build(root: &Path, selection: &[String], lint: bool) -> anyhow::Result<String> {
    let mut args = vec!["test".to_owned()];
    args.extend(selection.iter().cloned());
    if lint {
        // Every target, as `cargo clippy --all-targets` lints them (`--lib` spelled out
        // would refuse a selection without a library, such as `-p xtask`).
        args.push("--all-targets".to_owned());
    }
    args.extend(["--no-run", "--message-format=json-render-diagnostics"].map(str::to_owned));
    cargo_output(root, &args, lint)
}

/// What `cargo clippy -- -D warnings` hands clippy-driver (its own separator): warnings,
/// rustc's and clippy's, fail the build.
pub const CLIPPY_ARGS: &str = "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__";

/// `cargo <args>`'s stdout; its stderr is shown as it comes.
fn cargo_output<S: AsRef<str>>(root: &Path, args: &[S], lint: bool) -> anyhow::Result<String> {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let output = cargo_command(root, &args, lint)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        bail!("`cargo {}` exited with {}", args.join(" "), output.status);
    }
    String::from_utf8(output.stdout).context("cargo's output is not UTF-8")
}

/// `cargo <args>` with its output shown as it comes.
fn run_cargo(root: &Path, args: &[String], lint: bool) -> anyhow::Result<()> {
    let status = cargo_command(root, args, lint)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("`cargo {}` exited with {status}", args.join(" "));
    }
    Ok(())
}

/// Non-incremental, as CI builds (the same artefacts whoever runs it).
/// With `lint`, the workspace's crates are compiled by clippy-driver (what `cargo clippy`
/// does, there for a check only): one build both lints and makes the test binaries.
fn cargo_command<S: AsRef<std::ffi::OsStr>>(root: &Path, args: &[S], lint: bool) -> Command {
    let mut command = Command::new(cargo());
    command
        .current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .args(args);
    if lint {
        command
            .env("RUSTC_WORKSPACE_WRAPPER", "clippy-driver")
            .env("CLIPPY_ARGS", CLIPPY_ARGS);
    }
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
/// together, writing each binary's block to `out` as it ends. The outcomes in finishing
/// order.
fn run_binaries(
    root: &Path,
    mut queue: Vec<TestBinary>,
    jobs: usize,
    extra_env: &[(String, String)],
    time_limit: Duration,
    out: &mut dyn Write,
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
                    let finished = child::run(&binary, extra_env, time_limit);
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
            write_block(out, &heading, &finished);
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
fn write_block(out: &mut dyn Write, heading: &str, finished: &child::Finished) {
    let mut block = format!("\n{heading}\n").into_bytes();
    block.extend_from_slice(&finished.output);
    if !finished.ending.passed() {
        let ending = report::describe(&finished.ending);
        block.extend_from_slice(format!("xtask: this test binary failed: {ending}\n").as_bytes());
    }
    // A closed stdout (the log's reader gone) must not stop the remaining binaries.
    let _ = out.write_all(&block).and_then(|()| out.flush());
}

#[cfg(test)]
mod tests {
    use super::*;
    use list::TargetKind;

    /// A bash script standing in for a test binary (see child.rs's tests for why bash and
    /// `BASH_ENV`), in `dir`.
    fn script(dir: &Path, name: &str, body: &str) -> TestBinary {
        let path = dir.join(format!("{name}.sh"));
        std::fs::write(&path, body).unwrap();
        TestBinary {
            package: "p".into(),
            package_dir: dir.to_owned(),
            target: name.into(),
            kind: TargetKind::Test,
            src_path: dir.join(format!("tests/{name}.rs")),
            executable: PathBuf::from("/bin/bash"),
            env: vec![("BASH_ENV".into(), path.display().to_string())],
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-runner-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Two binaries that each wait for the other's file: they pass only when they run at
    /// the same time. With one at a time the first waits until its limit and fails, and
    /// the second, finding the first's file, passes; every binary runs either way.
    fn waiting_pair(dir: &Path) -> Vec<TestBinary> {
        let waits_for = |mine: &str, other: &str| {
            format!(
                "echo {mine} started; touch {mine}; until [ -e {other} ]; do sleep 0.02; done; \
                 echo {mine} saw {other}; exit 0"
            )
        };
        vec![
            script(dir, "first", &waits_for("first", "second")),
            script(dir, "second", &waits_for("second", "first")),
            script(dir, "fails", "echo about to fail >&2; exit 7"),
        ]
    }

    #[test]
    fn side_by_side_binaries_really_overlap_and_every_block_is_written() {
        let dir = scratch("overlap");
        let mut out = Vec::new();
        let outcomes = run_binaries(
            &dir,
            waiting_pair(&dir),
            2,
            &[],
            Duration::from_secs(60),
            &mut out,
        );
        let text = String::from_utf8(out).unwrap();
        let failed: Vec<&str> = outcomes
            .iter()
            .filter(|outcome| !outcome.ending.passed())
            .map(|outcome| outcome.heading.as_str())
            .collect();
        assert_eq!(
            failed,
            ["     Running tests/fails.rs (/bin/bash)"],
            "{text}"
        );
        assert_eq!(outcomes.len(), 3);
        assert!(
            text.contains(
                "     Running tests/first.rs (/bin/bash)\nfirst started\nfirst saw second\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("about to fail\nxtask: this test binary failed: exit status: 7"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn one_at_a_time_they_run_in_turn_and_a_hung_one_is_killed_not_waited_for() {
        let dir = scratch("serial");
        let mut out = Vec::new();
        let outcomes = run_binaries(
            &dir,
            waiting_pair(&dir),
            1,
            &[],
            Duration::from_millis(500),
            &mut out,
        );
        let endings: Vec<(String, bool)> = outcomes
            .iter()
            .map(|outcome| (outcome.heading.clone(), outcome.ending.passed()))
            .collect();
        assert_eq!(
            endings,
            [
                ("     Running tests/first.rs (/bin/bash)".to_owned(), false),
                ("     Running tests/second.rs (/bin/bash)".to_owned(), true),
                ("     Running tests/fails.rs (/bin/bash)".to_owned(), false),
            ]
        );
        assert!(matches!(outcomes[0].ending, child::Ending::TimedOut(_)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
