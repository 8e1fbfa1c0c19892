//! What the test runner prints: each binary's heading, worded as `cargo test` words it so the
//! log reads as before (`     Running tests/e2e_portal.rs (target/debug/deps/e2e_portal-…)`),
//! and the closing summary: how many binaries, the failed ones with how each ended, the
//! slowest (to keep the long-poles list honest) and the wall time. Pure: text from values.

use super::child::Ending;
use super::list::TestBinary;
use crate::test::format_duration;
use std::path::Path;
use std::time::Duration;

/// How many of the slowest binaries the summary names.
const SLOWEST_SHOWN: usize = 8;

/// `     Running unittests src/lib.rs (target/debug/deps/switchboard_server-…)` or
/// `     Running tests/e2e_portal.rs (…)`: paths relative to the package and to `root`.
pub fn heading(binary: &TestBinary, root: &Path) -> String {
    let source = relative(&binary.src_path, &binary.package_dir);
    let executable = relative(&binary.executable, root);
    let unittests = if binary.kind.is_unittests() {
        "unittests "
    } else {
        ""
    };
    format!("     Running {unittests}{source} ({executable})")
}

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// How a binary ended, for the list of failures.
pub fn describe(ending: &Ending) -> String {
    match ending {
        Ending::Exited(status) => status.to_string(),
        Ending::TimedOut(limit) => format!("killed at the {} time limit", format_duration(*limit)),
        Ending::NotStarted(why) => format!("did not start: {why}"),
    }
}

/// One finished binary, as the summary needs it.
pub struct Outcome {
    pub heading: String,
    pub ending: Ending,
    pub elapsed: Duration,
}

/// The closing lines. Worded so that no runner's closing-line pattern ("N passed, N
/// failed") matches it: cargo test's own `test result:` lines are the counts.
pub fn summary(outcomes: &[Outcome], jobs: usize, total: Duration) -> String {
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|outcome| !outcome.ending.passed())
        .collect();
    let mut lines = vec![String::new()];
    if failed.is_empty() {
        lines.push(format!(
            "test binaries: all {} ok in {} ({jobs} at a time)",
            outcomes.len(),
            format_duration(total)
        ));
    } else {
        lines.push(format!(
            "test binaries: {} of {} FAILED in {} ({jobs} at a time):",
            failed.len(),
            outcomes.len(),
            format_duration(total)
        ));
        for outcome in &failed {
            lines.push(format!(
                "    {}: {}",
                outcome.heading.trim_start(),
                describe(&outcome.ending)
            ));
        }
    }
    let mut slowest: Vec<&Outcome> = outcomes.iter().collect();
    slowest.sort_by_key(|outcome| std::cmp::Reverse(outcome.elapsed));
    let named: Vec<String> = slowest
        .iter()
        .take(SLOWEST_SHOWN)
        .map(|outcome| {
            let name = outcome
                .heading
                .split('(')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_start_matches("Running ");
            format!("{name} {}", format_duration(outcome.elapsed))
        })
        .collect();
    if !named.is_empty() {
        lines.push(format!("slowest binaries: {}", named.join(", ")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_runner::list::TargetKind;
    use std::os::unix::process::ExitStatusExt as _;
    use std::path::PathBuf;
    use std::process::ExitStatus;

    fn binary(target: &str, kind: TargetKind, source: &str) -> TestBinary {
        TestBinary {
            package: "switchboard-server".into(),
            package_dir: PathBuf::from("/w/server-stub"),
            target: target.into(),
            kind,
            src_path: PathBuf::from("/w/server-stub").join(source),
            executable: PathBuf::from(format!("/w/target/debug/deps/{target}-0a1b")),
            env: Vec::new(),
        }
    }

    #[test]
    fn headings_read_as_cargo_tests() {
        let root = Path::new("/w");
        assert_eq!(
            heading(
                &binary("switchboard_server", TargetKind::Lib, "src/lib.rs"),
                root
            ),
            "     Running unittests src/lib.rs (target/debug/deps/switchboard_server-0a1b)"
        );
        assert_eq!(
            heading(
                &binary("e2e_portal", TargetKind::Test, "tests/e2e_portal.rs"),
                root
            ),
            "     Running tests/e2e_portal.rs (target/debug/deps/e2e_portal-0a1b)"
        );
    }

    fn outcome(name: &str, ending: Ending, seconds: u64) -> Outcome {
        Outcome {
            heading: format!("     Running tests/{name}.rs (target/debug/deps/{name}-1)"),
            ending,
            elapsed: Duration::from_secs(seconds),
        }
    }

    #[test]
    fn the_summary_lists_each_failure_with_how_it_ended() {
        let outcomes = [
            outcome("e2e_ok", Ending::Exited(ExitStatus::from_raw(0)), 3),
            outcome(
                "e2e_bad",
                Ending::Exited(ExitStatus::from_raw(101 << 8)),
                40,
            ),
            outcome("e2e_hung", Ending::TimedOut(Duration::from_secs(900)), 900),
            outcome("e2e_gone", Ending::NotStarted("no such file".into()), 0),
        ];
        let text = summary(&outcomes, 3, Duration::from_secs(905));
        assert!(
            text.contains("test binaries: 3 of 4 FAILED in 15m05s (3 at a time):"),
            "{text}"
        );
        assert!(
            text.contains("tests/e2e_bad.rs (target/debug/deps/e2e_bad-1): exit status: 101"),
            "{text}"
        );
        assert!(
            text.contains("e2e_hung-1): killed at the 15m00s time limit"),
            "{text}"
        );
        assert!(text.contains("did not start: no such file"), "{text}");
        assert!(!text.contains("e2e_ok-1):"), "{text}");
        assert!(
            text.contains("slowest binaries: tests/e2e_hung.rs 15m00s, tests/e2e_bad.rs 40.0s"),
            "{text}"
        );
        assert!(!text.contains(" passed, "), "{text}");
    }

    #[test]
    fn all_ok_says_so_with_the_count_and_time() {
        let outcomes = [outcome(
            "e2e_ok",
            Ending::Exited(ExitStatus::from_raw(0)),
            3,
        )];
        let text = summary(&outcomes, 1, Duration::from_secs(4));
        assert!(
            text.contains("test binaries: all 1 ok in 4.0s (1 at a time)"),
            "{text}"
        );
    }
}
