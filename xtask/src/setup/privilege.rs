//! Who may change the system: root, a user with password-less sudo, or neither; and the
//! command lines that change it, as root runs them directly and as others get them through
//! `sudo`. Decides nothing about *what* to install (that is `packages.rs`).

use std::process::{Command, Stdio};

/// How set-up may install packages and make accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Privilege {
    /// This process is root: run the commands as they are.
    Root,
    /// `sudo -n true` works: run them through `sudo -n` (never waits for a password).
    Sudo,
    /// Neither: print the commands for the user and stop.
    None,
}

impl Privilege {
    /// This process's privilege (asks `sudo -n true` only when not root).
    pub fn detect() -> Privilege {
        if is_root() {
            return Privilege::Root;
        }
        let sudo_works = Command::new("sudo")
            .args(["-n", "true"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if sudo_works {
            Privilege::Sudo
        } else {
            Privilege::None
        }
    }

    /// `program args…` as this privilege runs it: `sudo -n` in front for [`Privilege::Sudo`].
    /// `env` carries variables through sudo, which would otherwise drop them.
    pub fn command_line(self, env: &[(&str, &str)], program: &[&str]) -> Vec<String> {
        let mut line = Vec::new();
        if self == Privilege::Sudo {
            line.extend(["sudo", "-n"].map(String::from));
        }
        if !env.is_empty() {
            line.push("env".to_owned());
            line.extend(env.iter().map(|(name, value)| format!("{name}={value}")));
        }
        line.extend(program.iter().map(|word| (*word).to_owned()));
        line
    }
}

/// Whether this process runs as root (effective uid 0).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| effective_uid(&status))
        .or_else(effective_uid_from_id)
        == Some(0)
}

/// The effective uid in `/proc/self/status` ("Uid:\treal\teffective\tsaved\tfs").
pub fn effective_uid(status: &str) -> Option<u32> {
    let line = status.lines().find(|line| line.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// Where there is no /proc: `id -u`.
fn effective_uid_from_id() -> Option<u32> {
    let output = Command::new("id").arg("-u").output().ok()?;
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

/// Whether `program` can be run from `PATH`.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Quotes `word` for a POSIX shell when it needs it, so printed commands can be pasted.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A command line as one pasteable string.
pub fn shell_line(words: &[String]) -> String {
    words
        .iter()
        .map(|word| shell_quote(word))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_effective_uid_is_the_second_number() {
        let status =
            "Name:\tcargo\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n";
        assert_eq!(effective_uid(status), Some(0));
        assert_eq!(effective_uid("Uid:\t1000\t1000\t1000\t1000\n"), Some(1000));
        assert_eq!(effective_uid("Name:\tx\n"), None);
        assert_eq!(effective_uid("Uid:\tfoo\tbar\n"), None);
    }

    #[test]
    fn sudo_goes_in_front_and_carries_the_environment() {
        let env = [("DEBIAN_FRONTEND", "noninteractive")];
        assert_eq!(
            Privilege::Sudo.command_line(&env, &["apt-get", "update"]),
            [
                "sudo",
                "-n",
                "env",
                "DEBIAN_FRONTEND=noninteractive",
                "apt-get",
                "update"
            ]
        );
        assert_eq!(
            Privilege::Root.command_line(&[], &["useradd", "x"]),
            ["useradd", "x"]
        );
    }

    #[test]
    fn printed_commands_paste_into_a_shell() {
        assert_eq!(shell_quote("libgl1-mesa-dri"), "libgl1-mesa-dri");
        assert_eq!(shell_quote("sbadmin:pw x"), "'sbadmin:pw x'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(
            shell_line(&["echo".to_owned(), "a b".to_owned()]),
            "echo 'a b'"
        );
    }
}
