//! Closing with uninstall: when a rep ends the session with `end_and_uninstall`, the server
//! sends `uninstall` just before `session_ended`, and the program removes what it keeps on
//! this computer: its data folder (the machine id, its state, the per-user copy of the
//! program in `bin/`), and its cache. Then the window says so and closes.
//!
//! What it leaves, and why:
//! - **The program itself when it is not the per-user copy** ([`Places::own_copy`], in the
//!   data folder): a program installed for everybody (`/usr/bin`, a package, an admin's
//!   copy) is not this session's to delete. The customer is told it stays.
//! - **Support Buttons' launchers**: each is a rep's deployment with its own token, listed
//!   and removed by reps (`remove_button`); a closing session does not take them away. (A
//!   launcher whose program was the removed per-user copy no longer starts; its rep sees it
//!   as installed until it is removed.)
//! - **A pinned Jump Client**: it lives on after sessions by design. When one is installed
//!   ([`pinned_jump_client`]: a config in `<data folder>/jump-clients`), the data folder
//!   stays whole (its config, the machine id it describes the machine with, the per-user
//!   copy its unit or autostart entry runs); only the cache goes. Unpinning removes the
//!   agent (`jump.rs`).
//!
//! As a guard against a wrong path, a folder is only removed whole when its last part is
//! the program's own folder name ([`super::FOLDER_NAME`]).

use super::{FOLDER_NAME, Places};
use std::path::{Path, PathBuf};

/// What uninstalling did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Removal {
    /// The program stays: it runs from here, which is not the per-user copy.
    pub program_kept: Option<PathBuf>,
    /// A pinned Jump Client kept the data folder and the program.
    pub jump_client_kept: bool,
    /// What could not be removed, in words.
    pub failures: Vec<String>,
}

impl Removal {
    /// What the customer reads.
    pub fn words(&self) -> String {
        if !self.failures.is_empty() {
            return format!(
                "The support program could not remove everything from this computer: {}.",
                self.failures.join("; ")
            );
        }
        if self.jump_client_kept {
            return "The support session's files were removed; the pinned support program (Jump Client) stays on this computer.".to_owned();
        }
        match &self.program_kept {
            None => "The support program was removed from this computer.".to_owned(),
            Some(program) => format!(
                "The support program's data was removed from this computer. The program itself ({}) was installed for everyone and stays; your administrator can remove it.",
                program.display()
            ),
        }
    }
}

/// Whether a Jump Client's agent is installed in `places` (its config is there), in which
/// case the program and the data folder stay.
pub fn pinned_jump_client(places: &Places) -> bool {
    !super::jump::jump_client_configs(places).is_empty()
}

/// Removes the data folder (with the per-user copy of the program, if this runs from it)
/// and the cache. Blocking IO. Never fails as a whole: what could not go is listed.
pub fn uninstall(places: &Places) -> Removal {
    let mut removal = Removal::default();
    let runs_own_copy = same_place(&places.program, &places.own_copy());
    if !runs_own_copy {
        removal.program_kept = Some(places.program.clone());
    }
    if pinned_jump_client(places) {
        removal.jump_client_kept = true;
        removal.program_kept = None;
    } else {
        remove_folder(&places.data_dir, "the data folder", &mut removal.failures);
    }
    remove_folder(&places.cache_dir, "the cache", &mut removal.failures);
    removal
}

/// Removes `folder` whole (not there is fine), naming `what` in a failure.
fn remove_folder(folder: &Path, what: &str, failures: &mut Vec<String>) {
    if folder.file_name() != Some(std::ffi::OsStr::new(FOLDER_NAME)) {
        tracing::error!(folder = %folder.display(), "not the program's own folder: left alone");
        failures.push(format!(
            "{what} {} is not the program's own",
            folder.display()
        ));
        return;
    }
    match std::fs::remove_dir_all(folder) {
        Ok(()) => tracing::info!(folder = %folder.display(), "removed"),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            tracing::warn!(%error, folder = %folder.display(), "could not be removed");
            failures.push(format!("{what} ({error})"));
        }
    }
}

/// Whether two paths name the same file (through links where both exist).
fn same_place(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(home: &Path, program: PathBuf) -> Places {
        let places = Places::under_home(home, program);
        std::fs::create_dir_all(places.data_dir.join("bin")).unwrap();
        std::fs::write(places.data_dir.join("machine-id"), "0123456789abcdef\n").unwrap();
        std::fs::create_dir_all(&places.cache_dir).unwrap();
        std::fs::write(places.cache_dir.join("x"), "cached").unwrap();
        places
    }

    /// Running from the per-user copy: the data folder (with the program) and the cache go.
    #[test]
    fn the_own_copy_goes_with_the_data() {
        let home = tempfile::tempdir().unwrap();
        let own = Places::under_home(home.path(), PathBuf::new()).own_copy();
        let places = filled(home.path(), own.clone());
        std::fs::write(&own, "#!/bin/sh\n").unwrap();
        let removal = uninstall(&places);
        assert_eq!(removal, Removal::default());
        assert!(!places.data_dir.exists() && !places.cache_dir.exists() && !own.exists());
        assert_eq!(
            removal.words(),
            "The support program was removed from this computer."
        );
        // Again: nothing left is fine.
        assert_eq!(uninstall(&places), Removal::default());
    }

    /// A program installed elsewhere (as for everybody) stays, and the customer is told.
    #[test]
    fn a_system_program_stays() {
        let home = tempfile::tempdir().unwrap();
        let system = home.path().join("usr/bin/switchboard-customer");
        std::fs::create_dir_all(system.parent().unwrap()).unwrap();
        std::fs::write(&system, "#!/bin/sh\n").unwrap();
        let places = filled(home.path(), system.clone());
        let removal = uninstall(&places);
        assert_eq!(removal.program_kept.as_ref(), Some(&system));
        assert!(system.exists() && !places.data_dir.exists());
        assert!(removal.words().contains("stays"), "{}", removal.words());
    }

    /// With a pinned Jump Client the data folder (its config, the per-user copy) stays and
    /// the cache goes; the customer is told the Jump Client stays.
    #[test]
    fn a_pinned_jump_client_keeps_the_data() {
        let home = tempfile::tempdir().unwrap();
        let own = Places::under_home(home.path(), PathBuf::new()).own_copy();
        let places = filled(home.path(), own.clone());
        std::fs::write(&own, "#!/bin/sh\n").unwrap();
        std::fs::create_dir_all(places.jump_clients_dir()).unwrap();
        std::fs::write(places.jump_clients_dir().join("3.json"), "{}").unwrap();
        let removal = uninstall(&places);
        assert!(removal.jump_client_kept && removal.program_kept.is_none());
        assert!(own.exists() && places.jump_clients_dir().join("3.json").exists());
        assert!(!places.cache_dir.exists());
        assert!(
            removal.words().contains("Jump Client"),
            "{}",
            removal.words()
        );
    }

    /// A data folder that is not the program's own is never removed.
    #[test]
    fn a_foreign_folder_is_left_alone() {
        let home = tempfile::tempdir().unwrap();
        let mut places = Places::under_home(home.path(), PathBuf::from("/bin/true"));
        places.data_dir = home.path().join("Documents");
        std::fs::create_dir_all(&places.data_dir).unwrap();
        let removal = uninstall(&places);
        assert!(places.data_dir.exists());
        assert_eq!(removal.failures.len(), 1, "{removal:?}");
    }
}
