//! Installing and removing a Jump Client's agent (`install_jump_client`, and the agent's
//! own removal when it is unpinned): the config (`agent_files.rs`; the token, 0600, in
//! `<data folder>/jump-clients/<id>.json`, the folder 0700) and what starts the agent with
//! the user's session: a systemd user unit `switchboard-jump-<id>.service`, enabled and
//! started with `systemctl --user`, when a user systemd answers; otherwise an XDG autostart
//! entry `switchboard-jump-<id>.desktop`, and the agent is started now as a process of its
//! own. Under [`ServiceManager::AutostartOnly`] (tests) only the entry is written: nothing
//! asks systemd or starts anything.
//!
//! The program the agent runs must still be there later: the per-user copy, or a program
//! installed outside the home folder (for everybody), is named as it is; a program run from
//! the home folder (a download) is first copied to the per-user copy ([`Places::own_copy`]).
//! One id, one set of files: several Jump Clients (for several teams) each have their own.
//! Blocking IO: the session and the agent run it off their tasks. Linux only for now.

#[cfg(target_os = "linux")]
use super::ServiceManager;
use super::agent_files::{self, AgentConfig, Registered};
use super::{InstallError, Places};
use std::path::PathBuf;
use switchboard_protocol::JumpClientId;

/// What the rep reads when this system has no Jump Client agent yet.
pub const JUMP_UNAVAILABLE: &str = "Jump Clients are not available on this system yet";

/// Where a Jump Client's agent was installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JumpInstalled {
    /// The agent's config file.
    pub config: PathBuf,
    /// The unit or autostart entry that starts it.
    pub registered: Registered,
    /// The agent was started now (by systemd, or as a process); `false` under
    /// [`ServiceManager::AutostartOnly`], or when starting it failed (it starts at the next
    /// login then).
    pub started: bool,
}

/// Installs the agent of Jump Client `id` for `server` with `token`: its config, then its
/// unit (enabled and started) or its autostart entry (and the agent started). What was
/// written is removed again when a later step fails.
#[cfg(target_os = "linux")]
pub fn install_jump_client(
    places: &Places,
    server: &str,
    id: JumpClientId,
    token: &str,
    name: &str,
) -> Result<JumpInstalled, InstallError> {
    let dirs = places.agent.as_ref().ok_or(InstallError::JumpUnavailable)?;
    agent_files::check_enrolment(server, token)?;
    let systemd = dirs.manager == ServiceManager::SystemdOrAutostart && systemd::reachable();
    let registered = if systemd {
        Registered::SystemdUnit(dirs.systemd_user.join(agent_files::unit_name(id)))
    } else {
        Registered::Autostart(dirs.autostart.join(agent_files::autostart_name(id)))
    };
    let folder = places.jump_clients_dir();
    let config_path = folder.join(agent_files::config_name(id));
    let config = AgentConfig {
        server: server.to_owned(),
        token: token.to_owned(),
        jump_client_id: id,
        name: agent_files::clean_name(name),
        data_dir: places.data_dir.clone(),
        registered: registered.clone(),
    };
    let config_text = config.encode()?;
    let program = agent_program(places)?;
    let start_text = match &registered {
        Registered::SystemdUnit(_) => agent_files::systemd_unit(&program, &config_path, name)?,
        Registered::Autostart(_) => agent_files::autostart_entry(&program, &config_path, name)?,
    };
    private_folder(&folder).map_err(InstallError::io(format!(
        "create the folder {}",
        places.shown(&folder)
    )))?;
    super::buttons::write_private(&config_path, config_text.as_bytes()).map_err(
        InstallError::io(format!("write {}", places.shown(&config_path))),
    )?;
    let written = write_start_file(places, registered.path(), &start_text);
    if let Err(error) = written {
        let _ = std::fs::remove_file(&config_path);
        return Err(error);
    }
    let started = match &registered {
        Registered::SystemdUnit(path) => {
            let unit = agent_files::unit_name(id);
            let enabled = systemd::run(&["daemon-reload"])
                .and_then(|()| systemd::run(&["enable", "--now", &unit]));
            if let Err(error) = enabled {
                let _ = std::fs::remove_file(path);
                let _ = systemd::run(&["daemon-reload"]);
                let _ = std::fs::remove_file(&config_path);
                return Err(error);
            }
            true
        }
        Registered::Autostart(_) if dirs.manager == ServiceManager::SystemdOrAutostart => {
            match spawn_agent(&program, &config_path) {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(%error, "the Jump Client's agent did not start; it starts at the next login");
                    false
                }
            }
        }
        Registered::Autostart(_) => false,
    };
    Ok(JumpInstalled {
        config: config_path,
        registered,
        started,
    })
}

/// No Jump Client agent on this system yet.
#[cfg(not(target_os = "linux"))]
pub fn install_jump_client(
    _places: &Places,
    _server: &str,
    _id: JumpClientId,
    _token: &str,
    _name: &str,
) -> Result<JumpInstalled, InstallError> {
    Err(InstallError::JumpUnavailable)
}

/// Removes Jump Client `config`'s agent: its unit (disabled; stopped too with `stop`, which
/// the agent itself does not ask, since it is exiting) or its autostart entry, and its
/// config file (and the config folder once empty). Files already gone are fine. A unit or
/// entry is only removed when its name is the one this program gives it.
pub fn remove_jump_client(
    places: &Places,
    config_path: &std::path::Path,
    config: &AgentConfig,
    stop: bool,
) -> Result<(), InstallError> {
    let id = config.jump_client_id;
    let (path, expected) = match &config.registered {
        Registered::SystemdUnit(path) => (path, agent_files::unit_name(id)),
        Registered::Autostart(path) => (path, agent_files::autostart_name(id)),
    };
    if path.file_name() != Some(std::ffi::OsStr::new(&expected)) {
        return Err(InstallError::Io {
            what: format!("remove {}", places.shown(path)),
            source: std::io::Error::other("not a Jump Client's file"),
        });
    }
    #[cfg(target_os = "linux")]
    if let Registered::SystemdUnit(_) = &config.registered
        && places
            .agent
            .as_ref()
            .is_some_and(|d| d.manager == ServiceManager::SystemdOrAutostart)
    {
        let unit = agent_files::unit_name(id);
        let disabled = if stop {
            systemd::run(&["disable", "--now", &unit])
        } else {
            systemd::run(&["disable", &unit])
        };
        if let Err(error) = disabled {
            tracing::warn!(%error, "disabling the Jump Client's unit");
        }
    }
    remove_file(places, path)?;
    #[cfg(target_os = "linux")]
    if let Registered::SystemdUnit(_) = &config.registered
        && places
            .agent
            .as_ref()
            .is_some_and(|d| d.manager == ServiceManager::SystemdOrAutostart)
        && let Err(error) = systemd::run(&["daemon-reload"])
    {
        tracing::warn!(%error, "reloading systemd after removing a unit");
    }
    remove_file(places, config_path)?;
    if let Some(folder) = config_path.parent() {
        // Only when empty: other Jump Clients' configs stay.
        let _ = std::fs::remove_dir(folder);
    }
    Ok(())
}

/// Removes every Jump Client pinned in `places` (the customer's `--remove-jump-clients`):
/// each agent's unit (stopped and disabled) or autostart entry and its config; a config
/// this program cannot read is deleted alone. For each config: the Jump Client's name, or
/// why it could not go. The running agent of an autostart entry notices its config is gone
/// at its next ping and ends.
pub fn remove_all_jump_clients(places: &Places) -> Vec<(PathBuf, Result<String, InstallError>)> {
    let mut removed = Vec::new();
    for path in jump_client_configs(places) {
        let result = match read_agent_config(&path) {
            Ok(config) => remove_jump_client(places, &path, &config, true).map(|()| config.name),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "an unreadable Jump Client config, deleted");
                remove_file(places, &path).map(|()| String::new())
            }
        };
        removed.push((path, result));
    }
    // Only when empty (a config that could not go stays with its folder).
    let _ = std::fs::remove_dir(places.jump_clients_dir());
    removed
}

/// The Jump Clients' config files in the data folder (none when there is no folder).
pub fn jump_client_configs(places: &Places) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(places.jump_clients_dir()) else {
        return Vec::new();
    };
    let mut configs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    configs.sort();
    configs
}

/// Reads an agent's config file.
pub fn read_agent_config(path: &std::path::Path) -> Result<AgentConfig, InstallError> {
    let text = std::fs::read_to_string(path).map_err(|source| InstallError::Io {
        what: format!("read {}", path.display()),
        source,
    })?;
    Ok(AgentConfig::decode(&text)?)
}

fn remove_file(places: &Places, path: &std::path::Path) -> Result<(), InstallError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(InstallError::Io {
            what: format!("remove {}", places.shown(path)),
            source,
        }),
    }
}

/// The unit or entry, in its folder (created), 0600.
#[cfg(target_os = "linux")]
fn write_start_file(
    places: &Places,
    path: &std::path::Path,
    text: &str,
) -> Result<(), InstallError> {
    let folder = path.parent().unwrap_or(path);
    std::fs::create_dir_all(folder).map_err(InstallError::io(format!(
        "create the folder {}",
        places.shown(folder)
    )))?;
    super::buttons::write_private(path, text.as_bytes())
        .map_err(InstallError::io(format!("write {}", places.shown(path))))
}

/// `folder`, created if needed, readable by this user only.
#[cfg(target_os = "linux")]
fn private_folder(folder: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(folder)?;
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
}

/// The program the agent runs: the per-user copy or a program installed outside the home
/// folder as it is; one run from the home folder is copied to the per-user copy first.
#[cfg(target_os = "linux")]
fn agent_program(places: &Places) -> Result<PathBuf, InstallError> {
    use std::os::unix::fs::PermissionsExt;
    let own = places.own_copy();
    let program = &places.program;
    let same = match (program.canonicalize(), own.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => *program == own,
    };
    let in_home = places
        .launchers
        .as_ref()
        .is_some_and(|l| program.starts_with(&l.home));
    if same || !in_home {
        return Ok(program.clone());
    }
    let folder = own.parent().unwrap_or(&own).to_owned();
    let temporary = folder.join(format!(".copy-{}.tmp", rand::random::<u32>()));
    let copied = (|| {
        std::fs::create_dir_all(&folder)?;
        std::fs::copy(program, &temporary)?;
        std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o700))?;
        std::fs::rename(&temporary, &own)
    })();
    if let Err(source) = copied {
        let _ = std::fs::remove_file(&temporary);
        return Err(InstallError::Io {
            what: format!("copy the program to {}", places.shown(&own)),
            source,
        });
    }
    Ok(own)
}

/// Starts the agent as a process of its own (its own process group, no terminal), for an
/// autostart entry that would otherwise wait for the next login.
#[cfg(target_os = "linux")]
fn spawn_agent(program: &std::path::Path, config: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    let child = std::process::Command::new(program)
        .arg("--jump-agent")
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()?;
    tracing::info!(pid = child.id(), "the Jump Client's agent started");
    Ok(())
}

/// `systemctl --user`.
#[cfg(target_os = "linux")]
mod systemd {
    use super::InstallError;

    /// Whether a user systemd answers (`systemctl --user show-environment` succeeds).
    pub(super) fn reachable() -> bool {
        std::process::Command::new("systemctl")
            .args(["--user", "show-environment"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    /// Runs `systemctl --user <args>`; its words when it fails.
    pub(super) fn run(args: &[&str]) -> Result<(), InstallError> {
        let output = std::process::Command::new("systemctl")
            .arg("--user")
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|source| InstallError::Io {
                what: "run systemctl".to_owned(),
                source,
            })?;
        if output.status.success() {
            return Ok(());
        }
        let words = String::from_utf8_lossy(&output.stderr);
        let words: String = words.trim().chars().take(200).collect();
        Err(InstallError::Systemd(format!(
            "systemctl --user {}: {words}",
            args.join(" ")
        )))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Under a temporary home: the config (0600, in a 0700 folder) and the autostart entry;
    /// nothing started; the program installed outside the home is named as it is. Removing
    /// takes both away and the empty folder with them.
    #[test]
    fn install_then_remove_under_a_home() {
        let home = tempfile::tempdir().unwrap();
        let places =
            Places::under_home(home.path(), PathBuf::from("/usr/bin/switchboard-customer"));
        let installed =
            install_jump_client(&places, "http://h:1", JumpClientId(4), "tok", "Sam").unwrap();
        assert!(!installed.started);
        let entry = home
            .path()
            .join(".config/autostart/switchboard-jump-4.desktop");
        assert_eq!(installed.registered, Registered::Autostart(entry.clone()));
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&installed.config), 0o600);
        assert_eq!(mode(installed.config.parent().unwrap()), 0o700);
        let text = std::fs::read_to_string(&entry).unwrap();
        assert_eq!(
            crate::install::launcher::exec_arguments(&text).unwrap(),
            [
                "/usr/bin/switchboard-customer",
                "--jump-agent",
                installed.config.to_str().unwrap()
            ]
        );
        let config = read_agent_config(&installed.config).unwrap();
        assert_eq!(config.token, "tok");
        assert_eq!(
            jump_client_configs(&places),
            std::slice::from_ref(&installed.config)
        );
        remove_jump_client(&places, &installed.config, &config, true).unwrap();
        assert!(!entry.exists() && !installed.config.exists());
        assert!(!places.jump_clients_dir().exists());
        assert!(jump_client_configs(&places).is_empty());
        // Again: nothing there is fine.
        remove_jump_client(&places, &installed.config, &config, true).unwrap();
    }

    /// A program run from the home folder is copied to the per-user copy (0700), which the
    /// entry then runs.
    #[test]
    fn a_program_in_the_home_is_copied() {
        let home = tempfile::tempdir().unwrap();
        let download = home.path().join("Downloads/switchboard-customer");
        std::fs::create_dir_all(download.parent().unwrap()).unwrap();
        std::fs::write(&download, b"#!/bin/sh\n").unwrap();
        let places = Places::under_home(home.path(), download);
        let installed =
            install_jump_client(&places, "http://h:1", JumpClientId(1), "t", "x").unwrap();
        let own = places.own_copy();
        assert_eq!(std::fs::read(&own).unwrap(), b"#!/bin/sh\n");
        assert_eq!(
            std::fs::metadata(&own).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let text = std::fs::read_to_string(installed.registered.path()).unwrap();
        let args = crate::install::launcher::exec_arguments(&text).unwrap();
        assert_eq!(args[0], own.to_str().unwrap());
    }

    /// `--remove-jump-clients`: every pinned Jump Client goes, an unreadable config too.
    #[test]
    fn remove_all() {
        let home = tempfile::tempdir().unwrap();
        let places = Places::under_home(home.path(), PathBuf::from("/usr/bin/x"));
        for id in [1, 2] {
            install_jump_client(&places, "http://h:1", JumpClientId(id), "t", "Sam").unwrap();
        }
        std::fs::write(places.jump_clients_dir().join("9.json"), "{}").unwrap();
        let removed = remove_all_jump_clients(&places);
        assert_eq!(removed.len(), 3);
        let names: Vec<String> = removed.into_iter().map(|(_, r)| r.unwrap()).collect();
        assert_eq!(names, ["Sam", "Sam", ""]);
        assert!(!places.jump_clients_dir().exists());
        let autostart = &places.agent.as_ref().unwrap().autostart;
        assert_eq!(std::fs::read_dir(autostart).unwrap().count(), 0);
        assert!(remove_all_jump_clients(&places).is_empty());
    }

    /// A token with a newline is refused before anything is written; a unit or entry of
    /// another name is never removed.
    #[test]
    fn refusals() {
        let home = tempfile::tempdir().unwrap();
        let places = Places::under_home(home.path(), PathBuf::from("/usr/bin/x"));
        assert!(install_jump_client(&places, "http://h:1", JumpClientId(1), "a\nb", "x").is_err());
        assert!(!places.data_dir.exists());
        let victim = home.path().join("important.desktop");
        std::fs::write(&victim, "keep").unwrap();
        let config = AgentConfig {
            server: "http://h:1".into(),
            token: "t".into(),
            jump_client_id: JumpClientId(1),
            name: "x".into(),
            data_dir: places.data_dir.clone(),
            registered: Registered::Autostart(victim.clone()),
        };
        let path = places.jump_clients_dir().join("1.json");
        assert!(remove_jump_client(&places, &path, &config, true).is_err());
        assert!(victim.exists());
    }
}
