//! In which order the test binaries start, and which may not run at the same time.
//!
//! With one at a time the order is `cargo test --workspace`'s (package by name, then the
//! library's unit tests, the programs', the integration tests by name), so the log reads as
//! it always did. With more, the known long poles start first: a binary of 40 s started last
//! would finish 40 s after everything else. The list is static (from the "finished in" times
//! of a full run); a binary missing from it only starts later, it is not lost.
//!
//! Some binaries share state outside their temp dirs and so never overlap (see [`Group`]).
//! The pick is pure: the runner asks [`pick_next`] with the groups now running.

use super::list::{TargetKind, TestBinary};

/// The long poles, longest first: (package, target, kind), with their "finished in" from a
/// full run on the 2-core CI machine (issue 17's log): e2e_portal 40 s, the server's unit
/// tests 30 s, e2e_portal_share 24 s, the customer's unit tests 12 s, the shell tests 11 s,
/// e2e_contract and e2e_media_bad 10 s, then 7-8 s each.
const LONG_POLES: &[(&str, &str, TargetKind)] = &[
    ("switchboard-server", "e2e_portal", TargetKind::Test),
    ("switchboard-server", "switchboard_server", TargetKind::Lib),
    ("switchboard-server", "e2e_portal_share", TargetKind::Test),
    (
        "switchboard-customer",
        "switchboard_customer",
        TargetKind::Lib,
    ),
    ("switchboard", "net_shell", TargetKind::Test),
    ("switchboard", "e2e_shell", TargetKind::Test),
    ("switchboard-customer", "e2e_shell", TargetKind::Test),
    ("switchboard-server", "e2e_contract", TargetKind::Test),
    ("switchboard-server", "e2e_media_bad", TargetKind::Test),
    ("switchboard-server", "e2e_abuse_files", TargetKind::Test),
    ("switchboard-server", "e2e_mail", TargetKind::Test),
    ("switchboard", "ui_notify", TargetKind::Test),
    ("switchboard-server", "e2e_portal_offer", TargetKind::Test),
    ("switchboard", "ui_transfer", TargetKind::Test),
    ("switchboard-server", "e2e_portal_tls", TargetKind::Test),
    ("switchboard", "ui_share", TargetKind::Test),
    ("switchboard", "ui_workflow", TargetKind::Test),
    ("switchboard", "ui_sessions", TargetKind::Test),
];

/// Binaries of one group never run at the same time; binaries of no group run with anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The tests that run the real `su` as the system accounts `.ci/run` makes (`sbadmin`,
    /// `sbcustomer`): PAM's per-account state (a wrong password's delay, and failure
    /// counting where pam_faillock is on) and the accounts' home directories are shared by
    /// every process, so a wrong-password test in one binary could fail the right-password
    /// test in another.
    SystemAccounts,
    /// The portal tests, each of which already runs two headless Chromiums at once (one per
    /// test thread, one per core). Four or more browsers on the 2-core CI machine would
    /// starve each other's pages past their 15 s deadline; one portal binary at a time keeps
    /// the browser count what `cargo test` had, while other binaries use the idle time.
    Browser,
}

/// The group `binary` belongs to, if any.
pub fn group_of(binary: &TestBinary) -> Option<Group> {
    let test = |package: &str| binary.package == package && binary.kind == TargetKind::Test;
    if test("switchboard-customer") && ["e2e_elevation", "elevate_su"].contains(&&*binary.target) {
        Some(Group::SystemAccounts)
    } else if test("switchboard-server") && binary.target.starts_with("e2e_portal") {
        Some(Group::Browser)
    } else {
        None
    }
}

/// `cargo test --workspace`'s order: package name, then library, programs, tests, benches,
/// examples, each by target name.
fn cargo_order(binaries: &mut [TestBinary]) {
    binaries.sort_by(|a, b| (&a.package, a.kind, &a.target).cmp(&(&b.package, b.kind, &b.target)));
}

/// The order to start them in: cargo's for one at a time, else the long poles first (in
/// [`LONG_POLES`]' order) and then the rest in cargo's order.
pub fn start_order(mut binaries: Vec<TestBinary>, jobs: usize) -> Vec<TestBinary> {
    cargo_order(&mut binaries);
    if jobs > 1 {
        // A stable sort keeps cargo's order among the binaries that are not long poles.
        binaries.sort_by_key(|binary| {
            LONG_POLES
                .iter()
                .position(|&(package, target, kind)| {
                    binary.package == package && binary.target == target && binary.kind == kind
                })
                .unwrap_or(LONG_POLES.len())
        });
    }
    binaries
}

/// The position in `queue` of the next binary to start while `running` groups are busy: the
/// first one whose group is free. `None` when the queue is empty or every waiting binary's
/// group is busy (then the runner waits for one to finish).
pub fn pick_next(queue: &[TestBinary], running: &[Option<Group>]) -> Option<usize> {
    queue.iter().position(|binary| match group_of(binary) {
        None => true,
        Some(group) => !running.contains(&Some(group)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn binary(package: &str, target: &str, kind: TargetKind) -> TestBinary {
        TestBinary {
            package: package.into(),
            package_dir: PathBuf::from("/w"),
            target: target.into(),
            kind,
            src_path: PathBuf::from("/w/x.rs"),
            executable: PathBuf::from("/w/target/debug/deps/x"),
            env: Vec::new(),
        }
    }

    fn names(binaries: &[TestBinary]) -> Vec<String> {
        binaries
            .iter()
            .map(|b| format!("{}/{}", b.package, b.target))
            .collect()
    }

    /// In the order the build finished them, which is neither order.
    fn sample() -> Vec<TestBinary> {
        vec![
            binary("switchboard-server", "e2e_abuse", TargetKind::Test),
            binary("switchboard", "ui_login", TargetKind::Test),
            binary("switchboard-server", "e2e_portal", TargetKind::Test),
            binary("switchboard", "switchboard", TargetKind::Bin),
            binary("switchboard-server", "switchboard_server", TargetKind::Lib),
            binary("switchboard", "switchboard", TargetKind::Lib),
            binary("switchboard", "e2e_screen", TargetKind::Test),
        ]
    }

    #[test]
    fn one_at_a_time_runs_in_cargo_tests_order() {
        assert_eq!(
            names(&start_order(sample(), 1)),
            [
                "switchboard/switchboard",
                "switchboard/switchboard",
                "switchboard/e2e_screen",
                "switchboard/ui_login",
                "switchboard-server/switchboard_server",
                "switchboard-server/e2e_abuse",
                "switchboard-server/e2e_portal",
            ]
        );
        let first = &start_order(sample(), 1)[0];
        assert_eq!(
            first.kind,
            TargetKind::Lib,
            "the library before the program"
        );
    }

    #[test]
    fn side_by_side_the_long_poles_start_first_and_the_rest_keep_cargos_order() {
        assert_eq!(
            names(&start_order(sample(), 3)),
            [
                "switchboard-server/e2e_portal",
                "switchboard-server/switchboard_server",
                "switchboard/switchboard",
                "switchboard/switchboard",
                "switchboard/e2e_screen",
                "switchboard/ui_login",
                "switchboard-server/e2e_abuse",
            ]
        );
    }

    #[test]
    fn a_busy_group_is_skipped_until_it_is_free() {
        let queue = vec![
            binary("switchboard-server", "e2e_portal_share", TargetKind::Test),
            binary("switchboard-customer", "elevate_su", TargetKind::Test),
            binary("switchboard", "ui_login", TargetKind::Test),
        ];
        assert_eq!(pick_next(&queue, &[]), Some(0));
        assert_eq!(pick_next(&queue, &[None, Some(Group::Browser)]), Some(1));
        assert_eq!(
            pick_next(&queue, &[Some(Group::SystemAccounts), Some(Group::Browser)]),
            Some(2)
        );
        assert_eq!(
            pick_next(
                &queue[..2],
                &[Some(Group::SystemAccounts), Some(Group::Browser)]
            ),
            None
        );
        assert_eq!(pick_next(&[], &[]), None);
    }

    #[test]
    fn the_groups_are_the_real_su_tests_and_the_portal_tests_only() {
        let group = |package, target, kind| group_of(&binary(package, target, kind));
        let customer = "switchboard-customer";
        let server = "switchboard-server";
        assert_eq!(
            group(customer, "e2e_elevation", TargetKind::Test),
            Some(Group::SystemAccounts)
        );
        assert_eq!(
            group(customer, "elevate_su", TargetKind::Test),
            Some(Group::SystemAccounts)
        );
        // The server's e2e_elevation drives a simulated customer: no `su`, no accounts.
        assert_eq!(group(server, "e2e_elevation", TargetKind::Test), None);
        assert_eq!(
            group(server, "e2e_portal_tls", TargetKind::Test),
            Some(Group::Browser)
        );
        assert_eq!(group(server, "e2e_media", TargetKind::Test), None);
        assert_eq!(group("switchboard", "ui_elevation", TargetKind::Test), None);
    }
}
