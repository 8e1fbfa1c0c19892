//! A Jump Client's files, as text, pure: the agent's config (the server, the token, the
//! Jump Client's id and name, where the machine id is kept, and what registers the agent to
//! start), the systemd user unit and the XDG autostart entry that run
//! `switchboard-customer --jump-agent <config>`. No IO here (`jump.rs` writes and removes
//! them), so the quoting, which decides whether a rep's text (the name) can break out of a
//! line or an argument, is unit-tested on its own.
//!
//! The token is only in the config (0600); the unit and the entry name the config's path.
//! The name is a rep's text: control characters become spaces, so it can never start a line
//! of its own, and systemd's `%` specifiers are doubled. systemd's `ExecStart` takes
//! double-quoted arguments with C escapes (`\"`, `\\`), `%%` for `%` and `$$` for `$`;
//! the autostart entry's `Exec` is quoted as a Support Button's launcher's (`launcher.rs`).

use super::launcher::{escape_value, quote_argument};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use switchboard_protocol::{JumpClientId, MAX_JUMP_NAME_CHARS};

/// The name shown when a Jump Client's name has nothing printable left.
const FALLBACK_NAME: &str = "Support";

/// The autostart entry's `Comment`.
pub const COMMENT: &str =
    "Lets your support team connect to this computer (a Switchboard Jump Client)";

/// What registers the agent to start with the user's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    /// A systemd user unit, enabled with `systemctl --user`.
    SystemdUnit(PathBuf),
    /// An XDG autostart entry (where systemd is absent).
    Autostart(PathBuf),
}

impl Registered {
    /// The unit's or the entry's file.
    pub fn path(&self) -> &Path {
        match self {
            Registered::SystemdUnit(path) | Registered::Autostart(path) => path,
        }
    }
}

/// A Jump Client's agent config, kept 0600 in `<data folder>/jump-clients/<id>.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentConfig {
    /// The server's base URL, `http://host:port`.
    pub server: String,
    /// The token from `install_jump_client`: what `/ws/jump`'s hello carries.
    pub token: String,
    pub jump_client_id: JumpClientId,
    /// The name reps see, for the customer's eyes and the logs.
    pub name: String,
    /// The data folder whose kept machine id the agent describes the machine with (the
    /// agent, started by systemd, may not see the installing program's `XDG_*` variables).
    pub data_dir: PathBuf,
    /// What starts the agent, removed with it.
    pub registered: Registered,
}

/// Why a Jump Client's files cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentFileError {
    /// A control character in the program's path, the server URL, the token or a path: it
    /// cannot be passed on a command line without changing meaning.
    #[error("the {0} holds a control character")]
    ControlCharacter(&'static str),
    #[error("the {0} is empty")]
    Empty(&'static str),
    /// A path that is not UTF-8 cannot be kept in the config.
    #[error("the {0} is not UTF-8")]
    NotUtf8(&'static str),
    /// The config file is not one this program wrote.
    #[error("the Jump Client's config is unreadable: {0}")]
    Unreadable(String),
}

/// `switchboard-jump-<id>.service`.
pub fn unit_name(id: JumpClientId) -> String {
    format!("switchboard-jump-{}.service", id.0)
}

/// `switchboard-jump-<id>.desktop`.
pub fn autostart_name(id: JumpClientId) -> String {
    format!("switchboard-jump-{}.desktop", id.0)
}

/// `<id>.json`.
pub fn config_name(id: JumpClientId) -> String {
    format!("{}.json", id.0)
}

/// A Jump Client's name for people: control characters as spaces, runs of white space as
/// one, cut to the protocol's length; never empty.
pub fn clean_name(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let cut: String = words.join(" ").chars().take(MAX_JUMP_NAME_CHARS).collect();
    let cut = cut.trim_end();
    if cut.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        cut.to_owned()
    }
}

impl AgentConfig {
    /// The config file's text (JSON).
    pub fn encode(&self) -> Result<String, AgentFileError> {
        let (kind, path) = match &self.registered {
            Registered::SystemdUnit(path) => ("systemd_unit", path),
            Registered::Autostart(path) => ("autostart", path),
        };
        let text = json!({
            "server": self.server,
            "token": self.token,
            "jump_client_id": self.jump_client_id.0,
            "name": self.name,
            "data_dir": utf8(&self.data_dir, "data folder")?,
            "registered": { kind: utf8(path, "unit's path")? },
        });
        Ok(format!("{text:#}\n"))
    }

    /// Reads a config file's text.
    pub fn decode(text: &str) -> Result<AgentConfig, AgentFileError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| AgentFileError::Unreadable(e.to_string()))?;
        let field = |key: &str| -> Result<String, AgentFileError> {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| AgentFileError::Unreadable(format!("no {key}")))
        };
        let id = value
            .get("jump_client_id")
            .and_then(Value::as_u64)
            .ok_or_else(|| AgentFileError::Unreadable("no jump_client_id".into()))?;
        let registered = value
            .get("registered")
            .and_then(Value::as_object)
            .ok_or_else(|| AgentFileError::Unreadable("no registered".into()))?;
        let path = |key: &str| {
            registered
                .get(key)
                .and_then(Value::as_str)
                .map(PathBuf::from)
        };
        let registered = match (path("systemd_unit"), path("autostart")) {
            (Some(unit), None) => Registered::SystemdUnit(unit),
            (None, Some(entry)) => Registered::Autostart(entry),
            _ => return Err(AgentFileError::Unreadable("what registered it".into())),
        };
        let config = AgentConfig {
            server: field("server")?,
            token: field("token")?,
            jump_client_id: JumpClientId(id),
            name: field("name")?,
            data_dir: PathBuf::from(field("data_dir")?),
            registered,
        };
        for (what, text) in [("server URL", &config.server), ("token", &config.token)] {
            check_argument(what, text)?;
        }
        Ok(config)
    }
}

/// The systemd user unit that runs `program --jump-agent <config>`, restarted if it fails
/// (not when it exits by itself: unpinned, or its token refused).
pub fn systemd_unit(program: &Path, config: &Path, name: &str) -> Result<String, AgentFileError> {
    let exec = [
        systemd_quote(&argument(program, "program's path")?),
        systemd_quote("--jump-agent"),
        systemd_quote(&argument(config, "config's path")?),
    ];
    let description = clean_name(name).replace('%', "%%");
    // A backslash at a line's end would join the next line to it.
    let description = description.trim_end_matches('\\');
    Ok(format!(
        "# Written by switchboard-customer: a Jump Client a support representative pinned.\n\
         [Unit]\n\
         Description=Switchboard Jump Client: {description}\n\
         Wants=network-online.target\n\
         After=network-online.target\n\
         \n\
         [Service]\n\
         Type=simple\n\
         ExecStart={}\n\
         Restart=on-failure\n\
         RestartSec=30\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n",
        exec.join(" ")
    ))
}

/// The XDG autostart entry that runs `program --jump-agent <config>` when the user logs in.
pub fn autostart_entry(
    program: &Path,
    config: &Path,
    name: &str,
) -> Result<String, AgentFileError> {
    let exec = [
        quote_argument(&argument(program, "program's path")?),
        quote_argument("--jump-agent"),
        quote_argument(&argument(config, "config's path")?),
    ];
    Ok(format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Version=1.5\n\
         Name={}\n\
         Comment={}\n\
         Exec={}\n\
         Terminal=false\n\
         NoDisplay=true\n\
         X-GNOME-Autostart-enabled=true\n",
        escape_value(&format!("Switchboard Jump Client: {}", clean_name(name))),
        escape_value(COMMENT),
        escape_value(&exec.join(" ")),
    ))
}

/// The arguments of a unit's `ExecStart` line, as systemd splits them (quotes, C escapes,
/// `%%`, `$$`); `None` without one or with an unterminated quote. For tests and checks.
pub fn exec_start_arguments(unit: &str) -> Option<Vec<String>> {
    let line = unit
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("ExecStart="))?;
    let mut arguments = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        let Some(first) = chars.next() else {
            return Some(arguments);
        };
        let mut argument = String::new();
        if first == '"' {
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => argument.push(chars.next()?),
                    '%' | '$' => argument.push(chars.next()?),
                    other => argument.push(other),
                }
            }
        } else {
            argument.push(first);
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                argument.push(c);
                chars.next();
            }
        }
        arguments.push(argument);
    }
}

/// One `ExecStart` argument, double-quoted: `"` and `\` escaped, `%` and `$` doubled.
fn systemd_quote(argument: &str) -> String {
    let mut quoted = String::with_capacity(argument.len() + 2);
    quoted.push('"');
    for c in argument.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '%' => quoted.push_str("%%"),
            '$' => quoted.push_str("$$"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// A path as one command-line argument: UTF-8, not empty, no control characters.
fn argument(path: &Path, what: &'static str) -> Result<String, AgentFileError> {
    let text = utf8(path, what)?;
    check_argument(what, &text)?;
    Ok(text)
}

fn check_argument(what: &'static str, text: &str) -> Result<(), AgentFileError> {
    if text.is_empty() {
        return Err(AgentFileError::Empty(what));
    }
    if text.chars().any(char::is_control) {
        return Err(AgentFileError::ControlCharacter(what));
    }
    Ok(())
}

fn utf8(path: &Path, what: &'static str) -> Result<String, AgentFileError> {
    path.to_str()
        .map(str::to_owned)
        .ok_or(AgentFileError::NotUtf8(what))
}

/// Checks the server URL and the token before anything is written.
pub fn check_enrolment(server: &str, token: &str) -> Result<(), AgentFileError> {
    check_argument("server URL", server)?;
    check_argument("token", token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::install::launcher;

    const PROGRAM: &str = "/opt/Support Tools/switchboard-customer";
    const CONFIG: &str = "/home/sam/.local/share/switchboard-customer/jump-clients/7.json";

    /// The unit runs the program with `--jump-agent` and the config's path, each argument
    /// whole (spaces, quotes, `%`, `$`), restarts only on failure, and starts with the
    /// user's session; the token is not in it.
    #[test]
    fn the_unit_runs_the_agent_with_its_config() {
        let program = Path::new("/opt/100% \"odd\" $HOME\\x/switchboard-customer");
        let unit = systemd_unit(program, Path::new(CONFIG), "Sam's laptop").unwrap();
        assert_eq!(
            exec_start_arguments(&unit).unwrap(),
            [program.to_str().unwrap(), "--jump-agent", CONFIG]
        );
        assert!(unit.contains("\nDescription=Switchboard Jump Client: Sam's laptop\n"));
        assert!(unit.contains("\nRestart=on-failure\n"));
        assert!(unit.contains("\n[Install]\nWantedBy=default.target\n"));
        assert!(unit.contains("ExecStart=\"/opt/100%% \\\"odd\\\" $$HOME\\\\x/"));
    }

    /// A rep's name cannot add a line to the unit or the entry, nor a systemd specifier.
    #[test]
    fn a_name_cannot_break_out_of_its_line() {
        let evil = "x\nExecStart=/bin/rm -rf ~\r\n%h\\";
        let unit = systemd_unit(Path::new(PROGRAM), Path::new(CONFIG), evil).unwrap();
        let starts = unit.lines().filter(|l| l.starts_with("ExecStart=")).count();
        assert_eq!(starts, 1, "{unit}");
        assert!(
            unit.contains("Description=Switchboard Jump Client: x ExecStart=/bin/rm -rf ~ %%h\n")
        );
        let entry = autostart_entry(Path::new(PROGRAM), Path::new(CONFIG), evil).unwrap();
        assert_eq!(entry.matches("\nExec=").count(), 1, "{entry}");
        assert_eq!(
            launcher::exec_arguments(&entry).unwrap(),
            [PROGRAM, "--jump-agent", CONFIG]
        );
        assert_eq!(clean_name(" \n\t "), "Support");
        assert_eq!(
            clean_name(&"é".repeat(300)).chars().count(),
            MAX_JUMP_NAME_CHARS
        );
    }

    /// The autostart entry is hidden from menus, named for people, and runs the agent.
    #[test]
    fn the_autostart_entry() {
        let entry = autostart_entry(Path::new(PROGRAM), Path::new(CONFIG), "Sam").unwrap();
        assert_eq!(
            launcher::value(&entry, "Name").as_deref(),
            Some("Switchboard Jump Client: Sam")
        );
        assert_eq!(
            launcher::value(&entry, "NoDisplay").as_deref(),
            Some("true")
        );
        assert_eq!(
            launcher::value(&entry, "Type").as_deref(),
            Some("Application")
        );
        assert_eq!(
            launcher::exec_arguments(&entry).unwrap(),
            [PROGRAM, "--jump-agent", CONFIG]
        );
        assert!(!entry.contains("token"));
    }

    /// A control character in a path is refused, not written.
    #[test]
    fn control_characters_in_paths_are_refused() {
        let bad = Path::new("/opt/a\nb");
        assert_eq!(
            systemd_unit(bad, Path::new(CONFIG), "x").unwrap_err(),
            AgentFileError::ControlCharacter("program's path")
        );
        assert_eq!(
            autostart_entry(Path::new(PROGRAM), bad, "x").unwrap_err(),
            AgentFileError::ControlCharacter("config's path")
        );
        assert!(check_enrolment("http://h:1", "").is_err());
        assert!(check_enrolment("http://h:1\n", "t").is_err());
    }

    /// The config reads back as written; a file of another shape is refused.
    #[test]
    fn the_config_round_trips() {
        for registered in [
            Registered::SystemdUnit(PathBuf::from("/h/.config/systemd/user/x.service")),
            Registered::Autostart(PathBuf::from("/h/.config/autostart/x.desktop")),
        ] {
            let config = AgentConfig {
                server: "http://127.0.0.1:9".into(),
                token: "ab".repeat(32),
                jump_client_id: JumpClientId(7),
                name: "Sam \"laptop\"".into(),
                data_dir: PathBuf::from("/h/.local/share/switchboard-customer"),
                registered,
            };
            let text = config.encode().unwrap();
            assert_eq!(AgentConfig::decode(&text).unwrap(), config);
        }
        assert!(AgentConfig::decode("{}").is_err());
        assert!(AgentConfig::decode("not json").is_err());
    }
}
