//! What each command needs from the system (Debian packages, test accounts, toolchain
//! components): checks, installs when it can (root, or sudo without a password), or stops
//! at once with the exact commands to run, so a fresh Debian 12 machine with only a Rust
//! toolchain needs no steps before `cargo xtask demo` or `cargo xtask test`.
//!
//! `packages.rs` decides what is needed and what is missing (pure, unit-tested against a
//! fake package list); `privilege.rs` knows who may install; `toolchain.rs` adds rustfmt and
//! clippy. This file runs the commands.

mod packages;
mod privilege;
mod toolchain;

pub use packages::Display;
pub use privilege::is_root;

use anyhow::{Context as _, bail};
use packages::QUERY_FORMAT;
use privilege::{Privilege, on_path, shell_line, shell_quote};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Which command the set-up is for: each needs a different set of packages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Purpose {
    Demo,
    Test,
    Deb,
}

impl Purpose {
    /// The command a user runs for this purpose (for messages).
    fn command(self) -> &'static str {
        match self {
            Purpose::Demo => "cargo xtask demo",
            Purpose::Test => "cargo xtask test",
            Purpose::Deb => "cargo xtask deb",
        }
    }
}

#[derive(clap::Args)]
pub struct SetupArgs {
    /// The command to set up for.
    #[arg(long = "for", value_enum, default_value = "test")]
    pub purpose: Purpose,
}

pub fn run(args: &SetupArgs) -> anyhow::Result<()> {
    ensure(args.purpose)
}

/// Makes sure everything `purpose` needs is installed.
pub fn ensure(purpose: Purpose) -> anyhow::Result<()> {
    ensure_all(&[purpose])
}

/// Makes sure everything each of `purposes` needs is installed, with one `apt-get` run for
/// all of them. The first purpose names the command in messages.
pub fn ensure_all(purposes: &[Purpose]) -> anyhow::Result<()> {
    let Some(&first) = purposes.first() else {
        return Ok(());
    };
    let display = Display::from_env();
    let mut needed: Vec<&str> = Vec::new();
    for &purpose in purposes {
        for name in packages::needed(purpose, display) {
            if !needed.contains(&name) {
                needed.push(name);
            }
        }
    }
    ensure_packages(first, &needed)?;
    if purposes.contains(&Purpose::Test) {
        ensure_test_accounts()?;
        toolchain::ensure_components(&["rustfmt", "clippy"])?;
    }
    Ok(())
}

/// The accounts the elevation tests run `su` with (customer-client/tests/common/accounts.rs).
const TEST_CUSTOMER: &str = "sbcustomer";
const TEST_ADMIN: &str = "sbadmin";
const TEST_ADMIN_PASSWORD: &str = "Sb-test-elevation-1";

/// Checks the packages, installs the missing ones or stops with the command to run.
fn ensure_packages(purpose: Purpose, needed: &[&str]) -> anyhow::Result<()> {
    if !on_path("dpkg-query") || !on_path("apt-get") {
        println!(
            "xtask setup: not a Debian system (no dpkg-query or apt-get), so nothing was \
             checked. `{}` needs the equivalents of these Debian packages: {}",
            purpose.command(),
            needed.join(" ")
        );
        return Ok(());
    }
    let missing = query_missing(needed)?;
    if missing.is_empty() {
        println!(
            "xtask setup: the {} system packages `{}` needs are installed",
            needed.len(),
            purpose.command()
        );
        return Ok(());
    }
    let privilege = Privilege::detect();
    let steps = install_steps(&missing, privilege);
    if privilege == Privilege::None {
        bail!(
            "`{}` needs these system packages, which are missing: {}\n\
             Not root and sudo asks for a password, so nothing was installed. Run:\n\n{}\n\n\
             then `{}` again.",
            purpose.command(),
            missing.join(" "),
            manual(&install_steps(&missing, Privilege::Root)),
            purpose.command()
        );
    }
    println!("xtask setup: installing {}", missing.join(" "));
    for step in &steps {
        run_step(step)?;
    }
    let still_missing = query_missing(needed)?;
    if !still_missing.is_empty() {
        bail!(
            "apt-get finished but these packages are still not installed: {}",
            still_missing.join(" ")
        );
    }
    Ok(())
}

/// Asks dpkg which of `needed` are installed. dpkg-query exits 1 when it knows nothing of
/// some name (it says so on stderr); its stdout still lists the others, so that is not an
/// error.
fn query_missing<'a>(needed: &[&'a str]) -> anyhow::Result<Vec<&'a str>> {
    let output = Command::new("dpkg-query")
        .arg("-W")
        .arg(format!("-f={QUERY_FORMAT}"))
        .args(needed)
        .stdin(Stdio::null())
        .output()
        .context("running dpkg-query")?;
    let installed = packages::installed(&String::from_utf8_lossy(&output.stdout));
    Ok(packages::missing(needed, &installed))
}

/// One command that changes the system, and what it reads on stdin (chpasswd's input).
struct Step {
    line: Vec<String>,
    stdin: Option<String>,
}

/// `apt-get update` once, then one `apt-get install` for everything missing.
fn install_steps(missing: &[&str], privilege: Privilege) -> Vec<Step> {
    let quiet = [("DEBIAN_FRONTEND", "noninteractive")];
    let mut install = vec!["apt-get", "install", "-y", "--no-install-recommends"];
    install.extend_from_slice(missing);
    vec![
        Step {
            line: privilege.command_line(&quiet, &["apt-get", "update"]),
            stdin: None,
        },
        Step {
            line: privilege.command_line(&quiet, &install),
            stdin: None,
        },
    ]
}

/// `steps` as a user without password-less sudo types them: through `sudo` when there is
/// one, else as they are (to be run as root).
fn manual(steps: &[Step]) -> String {
    let sudo = if on_path("sudo") { "sudo " } else { "" };
    let lines: Vec<String> = steps
        .iter()
        .map(|step| {
            // The environment is for unattended runs only; a user answers apt's questions.
            let words: Vec<String> = step
                .line
                .iter()
                .skip_while(|word| *word == "env" || word.contains('='))
                .cloned()
                .collect();
            match &step.stdin {
                Some(input) => format!(
                    "  echo {} | {sudo}{}",
                    shell_quote(input.trim_end()),
                    shell_line(&words)
                ),
                None => format!("  {sudo}{}", shell_line(&words)),
            }
        })
        .collect();
    let header = if sudo.is_empty() {
        "  # as root:\n"
    } else {
        ""
    };
    format!("{header}{}", lines.join("\n"))
}

/// Prints and runs `step`; fails when it fails.
fn run_step(step: &Step) -> anyhow::Result<()> {
    println!("$ {}", shell_line(&step.line));
    let Some((program, args)) = step.line.split_first() else {
        return Ok(());
    };
    let mut command = Command::new(program);
    command.args(args);
    let status = match &step.stdin {
        None => command.stdin(Stdio::null()).status(),
        Some(input) => command.stdin(Stdio::piped()).spawn().and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(input.as_bytes())?;
            }
            child.wait()
        }),
    }
    .with_context(|| format!("running {program}"))?;
    if !status.success() {
        bail!("`{}` failed ({status})", shell_line(&step.line));
    }
    Ok(())
}

/// The elevation tests' accounts: made (and the password set) when root. Not when only
/// sudo works: they put an account with a published password on the machine, which is
/// fine in a container or CI and not on a workstation, and the tests need root anyway.
fn ensure_test_accounts() -> anyhow::Result<()> {
    let exists = |user: &str| {
        Command::new("id")
            .arg(user)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    let missing: Vec<&str> = [TEST_CUSTOMER, TEST_ADMIN]
        .into_iter()
        .filter(|user| !exists(user))
        .collect();
    let steps = account_steps(&missing);
    if is_root() {
        for step in &steps {
            run_step(step)?;
        }
        return Ok(());
    }
    println!(
        "xtask setup: WARNING: not root. The elevation tests (customer-client/tests/elevate_su.rs) \
         run `su` through `runuser` and need root{}",
        if missing.is_empty() {
            String::new()
        } else {
            format!(
                " and two test accounts, one with a known password (as root, once):\n{}",
                manual(&steps)
            )
        }
    );
    Ok(())
}

/// `useradd` for each missing account, then (always) the admin's known password.
fn account_steps(missing: &[&str]) -> Vec<Step> {
    let mut steps: Vec<Step> = missing
        .iter()
        .map(|user| Step {
            line: ["useradd", "-m", "-s", "/bin/bash", user]
                .map(String::from)
                .to_vec(),
            stdin: None,
        })
        .collect();
    steps.push(Step {
        line: vec!["chpasswd".to_owned()],
        stdin: Some(format!("{TEST_ADMIN}:{TEST_ADMIN_PASSWORD}\n")),
    });
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installing_runs_one_update_then_one_install_without_questions() {
        let steps = install_steps(&["xvfb", "chromium"], Privilege::Root);
        let lines: Vec<String> = steps.iter().map(|step| shell_line(&step.line)).collect();
        assert_eq!(
            lines,
            [
                "env DEBIAN_FRONTEND=noninteractive apt-get update",
                "env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends xvfb chromium",
            ]
        );
        let through_sudo = install_steps(&["xvfb"], Privilege::Sudo);
        assert!(
            through_sudo
                .iter()
                .all(|step| step.line[..2] == ["sudo", "-n"])
        );
    }

    #[test]
    fn the_printed_commands_are_the_ones_to_type() {
        let text = manual(&install_steps(&["xvfb", "chromium"], Privilege::Root));
        assert!(
            text.contains("apt-get install -y --no-install-recommends xvfb chromium"),
            "{text}"
        );
        assert!(text.contains("apt-get update"), "{text}");
        assert!(!text.contains("DEBIAN_FRONTEND"), "{text}");
        let accounts = manual(&account_steps(&["sbcustomer"]));
        assert!(
            accounts.contains("useradd -m -s /bin/bash sbcustomer"),
            "{accounts}"
        );
        assert!(
            accounts.contains("echo sbadmin:Sb-test-elevation-1 | "),
            "{accounts}"
        );
        assert!(accounts.ends_with("chpasswd"), "{accounts}");
    }

    #[test]
    fn the_password_is_set_even_when_both_accounts_exist() {
        let steps = account_steps(&[]);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].line, ["chpasswd"]);
        assert_eq!(
            steps[0].stdin.as_deref(),
            Some("sbadmin:Sb-test-elevation-1\n")
        );
    }
}
