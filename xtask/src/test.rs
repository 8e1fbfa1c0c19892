//! `cargo xtask test`: the whole check a change must pass, the same on a developer's machine
//! and in CI (`.ci/run` calls it): set-up, `cargo fmt --check`, `cargo clippy -D warnings`,
//! the tests (every test binary of the workspace built once, then run a few at a time by
//! `test_runner`, then the doc tests), then, as root on Debian, the two .deb packages built from the
//! test build's binaries and installed (`deb::run`, `deb::install_check`). Each step prints
//! its name and time; the first failure stops the run (as `set -e` did), and a summary line
//! closes it either way.

use crate::deb;
use crate::demo::cargo;
use crate::setup::{self, Purpose};
use crate::test_runner::{self, TestRun};
use anyhow::{Context as _, bail};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct TestArgs {
    /// Skip building and installing the .deb packages (they run only as root on Debian).
    #[arg(long)]
    pub no_packages: bool,
    /// Skip `cargo fmt --check` and `cargo clippy`.
    #[arg(long)]
    pub skip_lint: bool,
    /// How many test binaries run at the same time (1 = one after another, in `cargo test`'s
    /// order).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub test_jobs: u16,
    /// Build and run only this package's tests (repeatable); the lints still cover the
    /// whole workspace.
    #[arg(long = "package", short = 'p', value_name = "PACKAGE")]
    pub packages: Vec<String>,
}

/// How a step ended.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Passed(Duration),
    Skipped(&'static str),
    Failed(Duration),
}

pub fn run(root: &Path, args: &TestArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let packages = packages_step(args.no_packages, setup::is_root(), on_debian());
    let mut results: Vec<(&'static str, Outcome)> = Vec::new();

    let purposes: &[Purpose] = match packages {
        Ok(()) => &[Purpose::Test, Purpose::Deb],
        Err(_) => &[Purpose::Test],
    };
    let outcome = step("set-up", || setup::ensure_all(purposes));
    let mut failure = record(&mut results, "set-up", outcome);

    if failure.is_none() {
        let outcome = if args.skip_lint {
            Ok(Outcome::Skipped("--skip-lint"))
        } else {
            step("fmt", || {
                run_cargo(root, &["fmt", "--all", "--", "--check"])
            })
        };
        failure = record(&mut results, "fmt", outcome);
    }
    // Clippy (`-D warnings`, every target) runs inside the tests step's build: clippy-driver
    // compiles the workspace's crates there (`test_runner::CLIPPY_ARGS`). A separate `cargo
    // clippy` checked every dependency a second time, a third of CI's time.
    if failure.is_none() {
        let test_run = TestRun {
            jobs: usize::from(args.test_jobs),
            packages: args.packages.clone(),
            lint: !args.skip_lint,
        };
        let outcome = step("tests", || test_runner::run(root, &test_run));
        failure = record(&mut results, "tests", outcome);
    }
    if failure.is_none() {
        let outcome = match packages {
            Err(reason) => Ok(Outcome::Skipped(reason)),
            Ok(()) => step("packages", || build_and_install_packages(root)),
        };
        failure = record(&mut results, "packages", outcome);
    }

    println!("{}", summary(&results, started.elapsed()));
    match failure {
        None => Ok(()),
        Some(error) => Err(error),
    }
}

/// Whether the packages step runs, or why not.
fn packages_step(no_packages: bool, root: bool, debian: bool) -> Result<(), &'static str> {
    if no_packages {
        Err("--no-packages")
    } else if !debian {
        Err("no dpkg here")
    } else if !root {
        Err("installing them needs root")
    } else {
        Ok(())
    }
}

/// dpkg is there to install packages with.
fn on_debian() -> bool {
    Command::new("dpkg")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Runs `body` as the step `name`, printing its start and its end with the time.
fn step(name: &str, body: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<Outcome> {
    println!("\n==> xtask test: {name}");
    let started = Instant::now();
    let result = body();
    let elapsed = started.elapsed();
    match &result {
        Ok(()) => println!(
            "==> xtask test: {name} passed in {}",
            format_duration(elapsed)
        ),
        Err(error) => println!(
            "==> xtask test: {name} FAILED after {}: {error:#}",
            format_duration(elapsed)
        ),
    }
    result.map(|()| Outcome::Passed(elapsed)).map_err(|error| {
        // The time goes into the summary through the error's context.
        error.context(StepFailed(elapsed))
    })
}

/// Carried on a step's error so the summary can show how long the step ran.
#[derive(Debug)]
struct StepFailed(Duration);

impl std::fmt::Display for StepFailed {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "failed after {}", format_duration(self.0))
    }
}

/// Adds the step's outcome to `results`; returns the error when it failed.
fn record(
    results: &mut Vec<(&'static str, Outcome)>,
    name: &'static str,
    outcome: anyhow::Result<Outcome>,
) -> Option<anyhow::Error> {
    match outcome {
        Ok(outcome) => {
            if let Outcome::Skipped(reason) = outcome {
                println!("\n==> xtask test: {name} skipped ({reason})");
            }
            results.push((name, outcome));
            None
        }
        Err(error) => {
            let elapsed = error
                .downcast_ref::<StepFailed>()
                .map_or(Duration::ZERO, |failed| failed.0);
            results.push((name, Outcome::Failed(elapsed)));
            Some(error)
        }
    }
}

/// `cargo <args>` in the workspace, non-incremental as CI builds (smaller target/, and the
/// same artefacts whoever runs it).
fn run_cargo(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(cargo())
        .current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .args(args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("`cargo {}` exited with {status}", args.join(" "));
    }
    Ok(())
}

/// The packages from the test build's binaries (profile `dev`: the tests step's `cargo test
/// --workspace --no-run` has just built both programs, so they are packaged as they are), then their install check.
fn build_and_install_packages(root: &Path) -> anyhow::Result<()> {
    let args = dev_deb_args()?;
    let packages = deb::run(root, &args)?;
    deb::install_check(root, &packages)
}

/// `cargo xtask deb --profile dev --no-build`'s arguments, parsed as the command line would
/// be so that options `deb` adds keep their defaults. Not building again matters: `cargo
/// build -p switchboard -p switchboard-server` unifies features without the test kit's, so it
/// would rebuild 83 crates (about 4 minutes of CI) for binaries the tests just built.
fn dev_deb_args() -> anyhow::Result<deb::DebArgs> {
    #[derive(clap::Parser)]
    struct Deb {
        #[command(flatten)]
        args: deb::DebArgs,
    }
    use clap::Parser as _;
    Ok(
        Deb::try_parse_from(["deb", "--profile", "dev", "--no-build"])
            .context("the deb command's arguments")?
            .args,
    )
}

/// The closing line: every step's outcome and the total time. Worded so that no runner's
/// closing-line pattern ("N passed, N failed") matches it: cargo test's own lines count.
fn summary(results: &[(&str, Outcome)], total: Duration) -> String {
    let failed = results
        .iter()
        .find(|(_, outcome)| matches!(outcome, Outcome::Failed(_)));
    let steps: Vec<String> = results
        .iter()
        .map(|(name, outcome)| match outcome {
            Outcome::Passed(elapsed) => format!("{name} {}", format_duration(*elapsed)),
            Outcome::Skipped(reason) => format!("{name} skipped ({reason})"),
            Outcome::Failed(elapsed) => format!("{name} FAILED ({})", format_duration(*elapsed)),
        })
        .collect();
    let verdict = match failed {
        None => "all steps passed".to_owned(),
        Some((name, _)) => format!("FAILED at {name}"),
    };
    format!(
        "\nxtask test summary: {verdict} in {} [{}]",
        format_duration(total),
        steps.join("; ")
    )
}

/// `4.2s`, `3m07s`, `1h02m`: short, and readable at a glance.
pub fn format_duration(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    if seconds < 60 {
        format!("{:.1}s", elapsed.as_secs_f64())
    } else if seconds < 3600 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{}h{:02}m", seconds / 3600, seconds % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_run_only_as_root_on_debian_unless_skipped() {
        assert_eq!(packages_step(false, true, true), Ok(()));
        assert!(packages_step(true, true, true).is_err());
        assert!(packages_step(false, false, true).is_err());
        assert!(packages_step(false, true, false).is_err());
    }

    #[test]
    fn the_deb_command_takes_the_test_builds_binaries() {
        let args = dev_deb_args().unwrap();
        assert_eq!(args.profile, "dev");
        assert!(args.no_build);
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(format_duration(Duration::from_millis(4200)), "4.2s");
        assert_eq!(format_duration(Duration::from_secs(187)), "3m07s");
        assert_eq!(format_duration(Duration::from_secs(3720)), "1h02m");
    }

    #[test]
    fn the_summary_names_the_failed_step_and_never_looks_like_a_test_count() {
        let results = [
            ("set-up", Outcome::Passed(Duration::from_secs(2))),
            ("fmt", Outcome::Skipped("--skip-lint")),
            ("tests", Outcome::Failed(Duration::from_secs(700))),
        ];
        let line = summary(&results, Duration::from_secs(702));
        assert!(line.contains("FAILED at tests in 11m42s"), "{line}");
        assert!(line.contains("fmt skipped (--skip-lint)"), "{line}");
        let passed = summary(&results[..2], Duration::from_secs(3));
        assert!(passed.contains("all steps passed"), "{passed}");
        for text in [line, passed] {
            assert!(!text.contains(" passed, "), "{text}");
        }
    }

    #[test]
    fn a_failed_step_keeps_its_time_for_the_summary() {
        let mut results = Vec::new();
        let outcome = Err(anyhow::anyhow!("boom").context(StepFailed(Duration::from_secs(5))));
        let error = record(&mut results, "clippy", outcome).unwrap();
        assert_eq!(
            results,
            [("clippy", Outcome::Failed(Duration::from_secs(5)))]
        );
        assert!(format!("{error:#}").contains("boom"));
    }
}
