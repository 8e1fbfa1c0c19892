//! Writing and deleting Support Buttons' launchers (`install_button`, `remove_button`): the
//! same Desktop Entry (`launcher.rs`) in the applications menu and, when the user has one, on
//! the desktop. Each file is written to a temporary name in its folder with mode 0600 (it
//! carries the button's token, which starts sessions in the rep's queue) and renamed into
//! place, so a menu never reads half a launcher. Blocking IO: the session runs it off its
//! task. Only on Linux for now; elsewhere both report [`BUTTONS_UNAVAILABLE`].

use super::{InstallError, Places};
use switchboard_protocol::ButtonId;

/// What the rep reads when this system has no launchers yet.
pub const BUTTONS_UNAVAILABLE: &str = "Support Buttons are not available on this system yet";

/// Where a launcher was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installed {
    /// Also on the desktop (not only in the applications menu).
    pub on_desktop: bool,
}

/// Writes the launcher of `button_id`, which runs this program against `server` with
/// `token`, into the applications menu and onto the desktop. Fails if the menu's copy cannot
/// be written; a desktop that refuses the file is logged and left out.
#[cfg(target_os = "linux")]
pub fn install_button(
    places: &Places,
    server: &str,
    button_id: ButtonId,
    token: &str,
    description: &str,
) -> Result<Installed, InstallError> {
    let launchers = places.launchers.as_ref().ok_or(InstallError::Unavailable)?;
    let text = super::launcher::desktop_entry(&places.program, server, token, description)?;
    let name = super::launcher::file_name(button_id);
    let menu = &launchers.applications;
    std::fs::create_dir_all(menu).map_err(InstallError::io(format!(
        "create the applications folder {}",
        places.shown(menu)
    )))?;
    write_private(&menu.join(&name), text.as_bytes()).map_err(InstallError::io(format!(
        "write the launcher in {}",
        places.shown(menu)
    )))?;
    let on_desktop = match places.desktop_dir() {
        Some(desktop) => match write_launcher_on_desktop(&desktop.join(&name), text.as_bytes()) {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, desktop = %desktop.display(), "a launcher not on the desktop");
                false
            }
        },
        None => false,
    };
    Ok(Installed { on_desktop })
}

/// Deletes the launcher of `button_id` from the menu and the desktop (one that is not there
/// is fine); its description, if a copy was there to read it from.
#[cfg(target_os = "linux")]
pub fn remove_button(places: &Places, button_id: ButtonId) -> Result<Option<String>, InstallError> {
    let launchers = places.launchers.as_ref().ok_or(InstallError::Unavailable)?;
    let name = super::launcher::file_name(button_id);
    let folders = std::iter::once(launchers.applications.clone()).chain(places.desktop_dir());
    let mut description = None;
    for folder in folders {
        let path = folder.join(&name);
        if description.is_none() {
            description = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| super::launcher::value(&text, "Name"));
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            // Not there, or its folder is not a folder: it cannot be there.
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) => {}
            Err(source) => {
                return Err(InstallError::Io {
                    what: format!("delete the launcher in {}", places.shown(&folder)),
                    source,
                });
            }
        }
    }
    Ok(description)
}

/// No launchers on this system yet.
#[cfg(not(target_os = "linux"))]
pub fn install_button(
    _places: &Places,
    _server: &str,
    _button_id: ButtonId,
    _token: &str,
    _description: &str,
) -> Result<Installed, InstallError> {
    Err(InstallError::Unavailable)
}

/// No launchers on this system yet.
#[cfg(not(target_os = "linux"))]
pub fn remove_button(
    _places: &Places,
    _button_id: ButtonId,
) -> Result<Option<String>, InstallError> {
    Err(InstallError::Unavailable)
}

/// The desktop's copy of a launcher: private like the menu's, and executable by its owner,
/// because GNOME's and Xfce's desktops start only launchers that are (0700).
#[cfg(unix)]
fn write_launcher_on_desktop(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with_mode(path, bytes, 0o700)
}

#[cfg(not(unix))]
fn write_launcher_on_desktop(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private(path, bytes)
}

/// Writes `bytes` to `path` readable by this user only: a new temporary file beside it
/// (mode 0600 from its creation), synced, then renamed over `path`.
#[cfg(unix)]
pub(super) fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with_mode(path, bytes, 0o600)
}

/// [`write_private`] with another owner-only `mode`.
#[cfg(unix)]
fn write_with_mode(path: &std::path::Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a file without a folder"))?;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("a path without a file name"))?;
    let temporary = folder.join(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        rand::random::<u32>()
    ));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Writes `bytes` to `path` through a temporary file renamed into place (the folder's
/// permissions keep it private where there are no Unix modes).
#[cfg(not(unix))]
pub(super) fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a file without a folder"))?;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("a path without a file name"))?;
    let temporary = folder.join(format!(".{}.tmp", name.to_string_lossy()));
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    fn places_under(home: &Path) -> Places {
        Places::under_home(home, home.join("prog dir/switchboard-customer"))
    }

    /// A launcher goes into the menu and onto `~/Desktop` (0600, no temporary left), and
    /// removing it deletes both and reads its name back.
    #[test]
    fn install_then_remove() {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join("Desktop")).unwrap();
        let places = places_under(home.path());
        let installed = install_button(
            &places,
            "http://h:1",
            ButtonId(3),
            "tok",
            "Printer \"help\"",
        )
        .unwrap();
        assert!(installed.on_desktop);
        let menu = home.path().join(".local/share/applications");
        for (folder, expected) in [(menu.clone(), 0o600), (home.path().join("Desktop"), 0o700)] {
            let path = folder.join("switchboard-button-3.desktop");
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, expected, "{}", path.display());
            assert_eq!(
                std::fs::read_dir(&folder).unwrap().count(),
                1,
                "no temporary"
            );
        }
        let name = remove_button(&places, ButtonId(3)).unwrap();
        assert_eq!(name.as_deref(), Some("Printer \"help\""));
        assert_eq!(std::fs::read_dir(&menu).unwrap().count(), 0);
        assert_eq!(
            std::fs::read_dir(home.path().join("Desktop"))
                .unwrap()
                .count(),
            0
        );
        // Removing again is fine: nothing is there.
        assert_eq!(remove_button(&places, ButtonId(3)).unwrap(), None);
    }

    /// Without a desktop only the menu gets it; a menu folder that is a file fails with why.
    #[test]
    fn no_desktop_and_a_broken_menu() {
        let home = tempfile::tempdir().unwrap();
        let places = places_under(home.path());
        let installed = install_button(&places, "http://h:1", ButtonId(1), "t", "x").unwrap();
        assert!(!installed.on_desktop);
        let other = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(other.path().join(".local/share")).unwrap();
        std::fs::write(other.path().join(".local/share/applications"), b"").unwrap();
        let broken = places_under(other.path());
        let error = install_button(&broken, "http://h:1", ButtonId(1), "t", "x").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot create the applications folder ~/.local/share/applications"),
            "{error}"
        );
    }
}
