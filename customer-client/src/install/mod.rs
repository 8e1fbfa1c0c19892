//! What the customer program keeps on the customer's computer, and where: its data folder
//! (the machine id), its cache, its own per-user copy of the program, and the Support
//! Buttons' launchers a rep deploys. A session run by the window is given the real
//! [`Places`] ([`Places::for_this_user`]); tests pass places under a temporary home
//! ([`Places::under_home`]), and simulated customers (the console's demo) none at all, so
//! they never write into the home of whoever runs them.
//!
//! - `launcher.rs`: a launcher's file name and Desktop Entry text, pure.
//! - `buttons.rs`: writing and deleting the launchers (atomically, 0600).
//! - `machine.rs`: the machine's description (`describe_machine`): its kept id, host, system.
//! - `uninstall.rs`: the program removing itself when a rep closes with uninstall.
//! - `agent_files.rs`: a Jump Client's config file, systemd user unit and XDG autostart
//!   entry, as text, pure.
//! - `jump.rs`: installing and removing a Jump Client's agent (the config, 0600, and its
//!   unit or autostart entry; `systemctl --user` when a user systemd answers).
//!
//! Where (Linux, the XDG base directories): data in `$XDG_DATA_HOME/switchboard-customer`
//! (default `~/.local/share/switchboard-customer`), cache in
//! `$XDG_CACHE_HOME/switchboard-customer`, launchers in `$XDG_DATA_HOME/applications` and on
//! the desktop; a Jump Client's agent in `$XDG_CONFIG_HOME/systemd/user` or
//! `$XDG_CONFIG_HOME/autostart`, its config in `<data folder>/jump-clients`. The per-user copy of the program, the one that may delete itself, is
//! `<data folder>/bin/switchboard-customer`. On Windows and macOS the data and cache folders
//! are the platform's (through `directories`); there are no launchers yet.

pub mod agent_files;
mod buttons;
mod jump;
pub mod launcher;
mod machine;
mod uninstall;

pub use agent_files::{AgentConfig, Registered};
pub use buttons::{BUTTONS_UNAVAILABLE, Installed, install_button, remove_button};
pub use jump::{
    JUMP_UNAVAILABLE, JumpInstalled, install_jump_client, jump_client_configs, read_agent_config,
    remove_all_jump_clients, remove_jump_client,
};
pub use machine::{describe_machine, machine_id, os_pretty_name};
pub use uninstall::{Removal, pinned_jump_client, uninstall};

use std::path::{Path, PathBuf};

/// The folders' own name (the last part of the data and cache folders).
pub const FOLDER_NAME: &str = "switchboard-customer";

/// Where the program keeps its things for this user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// The machine id and the program's state; removed whole by uninstall.
    pub data_dir: PathBuf,
    /// Anything that can be made again; removed by uninstall.
    pub cache_dir: PathBuf,
    /// This program, absolute: what a launcher's `Exec` runs. Uninstall deletes it only when
    /// it is the per-user copy ([`Places::own_copy`]).
    pub program: PathBuf,
    /// Where launchers go (Linux); `None` where Support Buttons are not built yet.
    pub launchers: Option<LauncherDirs>,
    /// Where a Jump Client's agent is registered to start (Linux); `None` where Jump Clients
    /// are not built yet.
    pub agent: Option<AgentDirs>,
}

/// Where a Jump Client's agent is registered to start with the user's session, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentDirs {
    /// `$XDG_CONFIG_HOME/systemd/user`: the systemd user unit.
    pub systemd_user: PathBuf,
    /// `$XDG_CONFIG_HOME/autostart`: the XDG autostart entry, where systemd is absent.
    pub autostart: PathBuf,
    pub manager: ServiceManager,
}

/// Whether the agent may be registered with systemd and started now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceManager {
    /// A systemd user unit, enabled and started with `systemctl --user`, when a user systemd
    /// answers; otherwise an XDG autostart entry, and the agent is started now as its own
    /// process. The real program.
    SystemdOrAutostart,
    /// Only the XDG autostart entry: no `systemctl`, nothing started (tests, with a
    /// temporary home; they run the agent themselves).
    AutostartOnly,
}

/// Where Support Buttons' launchers go on a freedesktop system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LauncherDirs {
    /// `$XDG_DATA_HOME/applications`: the applications menu.
    pub applications: PathBuf,
    /// `$XDG_CONFIG_HOME/user-dirs.dirs`, read when a launcher is written: it names the
    /// desktop folder (which may change while the program runs).
    pub user_dirs: PathBuf,
    /// The home folder: `$HOME` in `user-dirs.dirs`, and `~/Desktop` when it names none.
    pub home: PathBuf,
}

impl Places {
    /// The places of a freedesktop system with these base directories (a Jump Client's agent
    /// through systemd when it answers).
    pub fn xdg(
        home: &Path,
        data_home: &Path,
        cache_home: &Path,
        config_home: &Path,
        program: PathBuf,
    ) -> Places {
        Places {
            data_dir: data_home.join(FOLDER_NAME),
            cache_dir: cache_home.join(FOLDER_NAME),
            program,
            launchers: Some(LauncherDirs {
                applications: data_home.join("applications"),
                user_dirs: config_home.join("user-dirs.dirs"),
                home: home.to_owned(),
            }),
            agent: Some(AgentDirs {
                systemd_user: config_home.join("systemd/user"),
                autostart: config_home.join("autostart"),
                manager: ServiceManager::SystemdOrAutostart,
            }),
        }
    }

    /// The places under `home` with the XDG defaults (`.local/share`, `.cache`, `.config`),
    /// for tests with a temporary home: a Jump Client's agent gets only an autostart entry
    /// ([`ServiceManager::AutostartOnly`]), so no test registers anything with the systemd
    /// of whoever runs it.
    pub fn under_home(home: &Path, program: PathBuf) -> Places {
        let mut places = Places::xdg(
            home,
            &home.join(".local/share"),
            &home.join(".cache"),
            &home.join(".config"),
            program,
        );
        if let Some(agent) = &mut places.agent {
            agent.manager = ServiceManager::AutostartOnly;
        }
        places
    }

    /// Where Jump Clients' agent configs are kept: `<data folder>/jump-clients`.
    pub fn jump_clients_dir(&self) -> PathBuf {
        self.data_dir.join("jump-clients")
    }

    /// This user's places, from the environment (`$HOME`, the `XDG_*` variables, the
    /// platform's folders) and this program's path; `None` (with a warning logged) when
    /// there is no home folder or the program cannot find itself.
    pub fn for_this_user() -> Option<Places> {
        let program = match std::env::current_exe() {
            Ok(path) => path,
            Err(error) => {
                tracing::warn!(%error, "this program's own path is unknown");
                return None;
            }
        };
        let places = Places::platform(program);
        if places.is_none() {
            tracing::warn!("no home folder: nothing is kept on this computer");
        }
        places
    }

    /// The XDG base directories (`directories` reads `$XDG_DATA_HOME` and the others).
    #[cfg(target_os = "linux")]
    fn platform(program: PathBuf) -> Option<Places> {
        let base = directories::BaseDirs::new()?;
        Some(Places::xdg(
            base.home_dir(),
            base.data_dir(),
            base.cache_dir(),
            base.config_dir(),
            program,
        ))
    }

    /// The platform's folders for the program; no launchers yet.
    #[cfg(not(target_os = "linux"))]
    fn platform(program: PathBuf) -> Option<Places> {
        let dirs = directories::ProjectDirs::from("dev", "switchboard", FOLDER_NAME)?;
        Some(Places {
            data_dir: dirs.data_dir().to_owned(),
            cache_dir: dirs.cache_dir().to_owned(),
            program,
            launchers: None,
            agent: None,
        })
    }

    /// Where the per-user copy of the program lives: `<data folder>/bin/switchboard-customer`
    /// (`.exe` on Windows). Only a program running from here is deleted by uninstall; one
    /// installed for everybody (`/usr/bin`, a package) is the system's to remove.
    pub fn own_copy(&self) -> PathBuf {
        self.data_dir
            .join("bin")
            .join(format!("{FOLDER_NAME}{}", std::env::consts::EXE_SUFFIX))
    }

    /// The desktop folder, if this user has one: `XDG_DESKTOP_DIR` from `user-dirs.dirs`,
    /// else `~/Desktop`, and only if it exists (nothing is created).
    pub fn desktop_dir(&self) -> Option<PathBuf> {
        let launchers = self.launchers.as_ref()?;
        let named = std::fs::read_to_string(&launchers.user_dirs)
            .ok()
            .and_then(|text| launcher::desktop_from_user_dirs(&text, &launchers.home));
        let desktop = named.unwrap_or_else(|| launchers.home.join("Desktop"));
        desktop.is_dir().then_some(desktop)
    }

    /// `path` for the customer's or a rep's eyes: the home folder shown as `~`.
    pub fn shown(&self, path: &Path) -> String {
        match self
            .launchers
            .as_ref()
            .and_then(|l| path.strip_prefix(&l.home).ok())
        {
            Some(rest) => format!("~/{}", rest.display()),
            None => path.display().to_string(),
        }
    }
}

/// What went wrong keeping or removing the program's things.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// This build has no launchers (Windows, macOS for now).
    #[error("{BUTTONS_UNAVAILABLE}")]
    Unavailable,
    /// The session was started without places (a simulated customer, a test).
    #[error("this program keeps nothing on this computer")]
    NoPlaces,
    /// This build has no Jump Client agent (Windows, macOS for now).
    #[error("{JUMP_UNAVAILABLE}")]
    JumpUnavailable,
    #[error("the launcher cannot be written: {0}")]
    Launcher(#[from] launcher::LauncherError),
    #[error("the Jump Client cannot be set up: {0}")]
    Agent(#[from] agent_files::AgentFileError),
    /// `systemctl --user` refused (its words).
    #[error("systemd refused: {0}")]
    Systemd(String),
    /// A file or folder could not be written, read or removed (`what` names it for people).
    #[error("cannot {what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl InstallError {
    /// An IO error's mapping, naming what was being done (for people).
    #[cfg(target_os = "linux")]
    fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> InstallError {
        let what = what.into();
        move |source| InstallError::Io { what, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The XDG defaults under a home; the own copy is in the data folder.
    #[test]
    fn places_under_a_home() {
        let home = Path::new("/home/sam");
        let places = Places::under_home(home, PathBuf::from("/usr/bin/switchboard-customer"));
        assert_eq!(
            places.data_dir,
            Path::new("/home/sam/.local/share/switchboard-customer")
        );
        assert_eq!(
            places.cache_dir,
            Path::new("/home/sam/.cache/switchboard-customer")
        );
        let launchers = places.launchers.as_ref().unwrap();
        assert_eq!(
            launchers.applications,
            Path::new("/home/sam/.local/share/applications")
        );
        assert!(places.own_copy().starts_with(&places.data_dir));
        assert_eq!(
            places.shown(&launchers.applications),
            "~/.local/share/applications"
        );
        assert_eq!(places.shown(Path::new("/etc/x")), "/etc/x");
    }
}
