//! What each package holds: every installed path and where in the workspace it comes from,
//! its conffiles, maintainer scripts and the dependencies its binary does not name itself
//! (libraries the console opens at run time). Pure data, so a test can check that every path
//! the packaging promises is in it.

use std::path::PathBuf;

/// Where a staged file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A binary built by cargo, by name, from the profile's output directory.
    Binary(&'static str),
    /// A file in the workspace, relative to its root.
    Workspace(PathBuf),
    /// An empty directory (the postinst gives it its owner).
    Directory,
}

/// One installed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The absolute path on the installed system.
    pub path: String,
    pub source: Source,
    /// Permissions; owner and group are root (`dpkg-deb --root-owner-group`).
    pub mode: u32,
}

/// One package, before it is built.
#[derive(Debug, Clone)]
pub struct PackageSpec {
    pub name: &'static str,
    pub section: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// The binary whose linked libraries `Depends` names.
    pub binary: &'static str,
    pub entries: Vec<Entry>,
    /// Files under /etc that dpkg keeps when an admin edited them.
    pub conffiles: Vec<&'static str>,
    /// `DEBIAN/<name>` scripts, from the workspace.
    pub scripts: Vec<(&'static str, PathBuf)>,
    /// Dependencies besides the binary's own libraries.
    pub depends: Vec<&'static str>,
    pub recommends: Vec<&'static str>,
    pub suggests: Vec<&'static str>,
}

/// The sizes the icon is rendered at (assets/icons/hicolor/, by assets/icons/render.sh).
pub const ICON_SIZES: [u32; 6] = [16, 32, 48, 64, 128, 256];

fn file(path: impl Into<String>, source: impl Into<PathBuf>) -> Entry {
    Entry {
        path: path.into(),
        source: Source::Workspace(source.into()),
        mode: 0o644,
    }
}

fn binary(name: &'static str) -> Entry {
    Entry {
        path: format!("/usr/bin/{name}"),
        source: Source::Binary(name),
        mode: 0o755,
    }
}

/// `switchboard`: the console, its menu entry, icons and chime.
pub fn console() -> PackageSpec {
    let mut entries = vec![
        binary("switchboard"),
        file(
            "/usr/share/applications/switchboard.desktop",
            "packaging/switchboard.desktop",
        ),
        file(
            "/usr/share/icons/hicolor/scalable/apps/switchboard.svg",
            "assets/icons/switchboard.svg",
        ),
        // The same sound the binary embeds (src/notify/sound.rs), for the desktop to find.
        file(
            "/usr/share/switchboard/chime.wav",
            "assets/sounds/chime.wav",
        ),
        file(
            "/usr/share/doc/switchboard/copyright",
            "packaging/copyright",
        ),
    ];
    for size in ICON_SIZES {
        entries.push(file(
            format!("/usr/share/icons/hicolor/{size}x{size}/apps/switchboard.png"),
            format!("assets/icons/hicolor/{size}x{size}/switchboard.png"),
        ));
    }
    PackageSpec {
        name: "switchboard",
        section: "net",
        summary: "live customer support console",
        description: "The Switchboard console: reps answer customers' chat sessions routed by a\n\
                      Switchboard server, with queues, transfers, team chat, remote support\n\
                      (screen view and control, shell) and a dashboard for team leads.",
        binary: "switchboard",
        entries,
        conffiles: vec![],
        scripts: vec![],
        // What the window opens at run time (winit and glutin load them with dlopen, so
        // readelf does not see them): the same list .ci/run installs.
        depends: vec![
            "libxkbcommon-x11-0",
            "libxcursor1",
            "libxi6",
            "libxrandr2",
            "libegl1",
            "libgl1",
        ],
        // The GL drivers, Wayland sessions, the icon theme's cache trigger, and native file
        // dialogs (rfd asks the XDG desktop portal).
        recommends: vec![
            "libegl-mesa0",
            "libgl1-mesa-dri",
            "libwayland-client0",
            "libwayland-cursor0",
            "libwayland-egl1",
            "hicolor-icon-theme",
            "xdg-desktop-portal",
        ],
        suggests: vec!["switchboard-server"],
    }
}

/// The server's live configuration: the package's conffile, edited by the admin.
pub const SERVER_CONFIG: &str = "/etc/switchboard/server.toml";
/// Where the postinst writes the first account's password (root only).
pub const FIRST_PASSWORD_FILE: &str = "/etc/switchboard/initial-admin-password";
/// The server's state directory (systemd's `StateDirectory=switchboard`).
pub const STATE_DIR: &str = "/var/lib/switchboard";
/// The system user the service runs as.
pub const SERVICE_USER: &str = "switchboard";
/// The systemd unit. Debian 12 installs units under /lib (its /usr merge keeps both names).
pub const SERVER_UNIT: &str = "/lib/systemd/system/switchboard-server.service";

/// `switchboard-server`: the server, its systemd unit, configuration and state directory.
pub fn server() -> PackageSpec {
    let dir = "packaging/switchboard-server";
    PackageSpec {
        name: "switchboard-server",
        section: "net",
        summary: "live customer support routing server",
        description: "The Switchboard server: queues, sessions, chat and remote support for\n\
                      support teams using the Switchboard console, with a web portal for\n\
                      customers. Runs as the systemd service switchboard-server under its own\n\
                      system user; configured in /etc/switchboard/server.toml.",
        binary: "switchboard-server",
        entries: vec![
            binary("switchboard-server"),
            file(SERVER_UNIT, format!("{dir}/switchboard-server.service")),
            file(SERVER_CONFIG, format!("{dir}/server.toml")),
            file("/etc/default/switchboard-server", format!("{dir}/default")),
            // The demo configuration documents every setting; it is an example, never live.
            file(
                "/usr/share/doc/switchboard-server/examples/demo.toml",
                "server-stub/demo.toml",
            ),
            file(
                "/usr/share/doc/switchboard-server/README.Debian",
                format!("{dir}/README.Debian"),
            ),
            file(
                "/usr/share/doc/switchboard-server/copyright",
                "packaging/copyright",
            ),
            Entry {
                path: STATE_DIR.into(),
                source: Source::Directory,
                mode: 0o750,
            },
        ],
        conffiles: vec![SERVER_CONFIG, "/etc/default/switchboard-server"],
        scripts: ["postinst", "prerm", "postrm"]
            .into_iter()
            .map(|script| (script, PathBuf::from(format!("{dir}/{script}"))))
            .collect(),
        depends: vec!["adduser"],
        recommends: vec![],
        suggests: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(spec: &PackageSpec) -> Vec<&str> {
        spec.entries.iter().map(|e| e.path.as_str()).collect()
    }

    /// Everything issue 16 asks of the console's package.
    #[test]
    fn the_console_package_holds_binary_entry_icons_and_chime() {
        let console = console();
        let paths = paths(&console);
        for expected in [
            "/usr/bin/switchboard",
            "/usr/share/applications/switchboard.desktop",
            "/usr/share/icons/hicolor/scalable/apps/switchboard.svg",
            "/usr/share/icons/hicolor/16x16/apps/switchboard.png",
            "/usr/share/icons/hicolor/32x32/apps/switchboard.png",
            "/usr/share/icons/hicolor/48x48/apps/switchboard.png",
            "/usr/share/icons/hicolor/64x64/apps/switchboard.png",
            "/usr/share/icons/hicolor/128x128/apps/switchboard.png",
            "/usr/share/icons/hicolor/256x256/apps/switchboard.png",
            "/usr/share/switchboard/chime.wav",
            "/usr/share/doc/switchboard/copyright",
        ] {
            assert!(
                paths.contains(&expected),
                "{expected} missing from {paths:?}"
            );
        }
        assert!(console.depends.contains(&"libxkbcommon-x11-0"));
    }

    /// Everything issue 16 asks of the server's package; the demo is only an example.
    #[test]
    fn the_server_package_holds_unit_config_state_and_the_demo_as_example() {
        let server = server();
        let paths = paths(&server);
        for expected in [
            "/usr/bin/switchboard-server",
            SERVER_UNIT,
            SERVER_CONFIG,
            STATE_DIR,
            "/usr/share/doc/switchboard-server/examples/demo.toml",
        ] {
            assert!(
                paths.contains(&expected),
                "{expected} missing from {paths:?}"
            );
        }
        let live = server.entries.iter().find(|e| e.path == SERVER_CONFIG);
        assert_eq!(
            live.map(|e| &e.source),
            Some(&Source::Workspace(
                "packaging/switchboard-server/server.toml".into()
            )),
            "the live configuration must not be the demo's"
        );
        assert!(server.conffiles.contains(&SERVER_CONFIG));
        let scripts: Vec<&str> = server.scripts.iter().map(|(name, _)| *name).collect();
        assert_eq!(scripts, ["postinst", "prerm", "postrm"]);
    }

    /// Every workspace file a package names exists, and every path is absolute and unique.
    #[test]
    fn every_source_exists_and_every_path_is_unique() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives in the workspace");
        for spec in [console(), server()] {
            let mut seen = std::collections::BTreeSet::new();
            for entry in &spec.entries {
                assert!(entry.path.starts_with('/'), "{}", entry.path);
                assert!(seen.insert(&entry.path), "{} twice", entry.path);
                if let Source::Workspace(source) = &entry.source {
                    assert!(root.join(source).is_file(), "{} missing", source.display());
                }
            }
            for (_, script) in &spec.scripts {
                assert!(root.join(script).is_file(), "{} missing", script.display());
            }
            for conffile in &spec.conffiles {
                assert!(
                    seen.contains(&conffile.to_string()),
                    "{conffile} not shipped"
                );
            }
        }
    }
}
