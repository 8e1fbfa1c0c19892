//! Which Debian packages each command needs, and which of them are missing according to
//! `dpkg-query`. Pure (the environment and the query's text are arguments) so the unit
//! tests can prove the choices against a fake package list.

use super::Purpose;
use std::collections::BTreeSet;

/// Building the workspace: a C toolchain (the bundled SQLite), `pkg-config`, and CA
/// certificates for HTTPS. No `-dev` library packages are needed.
const BUILD: &[&str] = &["gcc", "libc6-dev", "ca-certificates", "pkg-config"];

/// The libraries eframe loads at run time (dlopen, so nothing links them) to open a window
/// on X11 with OpenGL, software-rendered by Mesa where there is no GPU. The console bundles
/// its own fonts (assets/fonts), so no system font is needed.
const WINDOW: &[&str] = &[
    "libxkbcommon-x11-0",
    "libxcursor1",
    "libxi6",
    "libxrandr2",
    "libegl1",
    "libegl-mesa0",
    "libgl1",
    "libglx-mesa0",
    "libgl1-mesa-dri",
];

/// What winit loads when it talks to a Wayland compositor instead (`WAYLAND_DISPLAY`).
const WAYLAND: &[&str] = &[
    "libwayland-client0",
    "libwayland-cursor0",
    "libwayland-egl1",
    "libxkbcommon0",
];

/// A virtual X server where there is no display (the demo without one; the tests always,
/// as they start their own private Xvfb).
const VIRTUAL_DISPLAY: &[&str] = &["xvfb", "xauth"];

/// The customer portal's browser tests: Chromium, run headless, and its WebDriver.
const BROWSER: &[&str] = &["chromium", "chromium-driver"];

/// The tray icon's test starts a private D-Bus session bus (`dbus-daemon --session`).
const SESSION_BUS: &[&str] = &["dbus-daemon"];

/// The store's and the standby's tests against PostgreSQL: the test kit starts a private
/// cluster of its own from these binaries (initdb + postgres in a temp dir, on a loopback
/// port, as `nobody` when run as root; testkit/src/postgres.rs), so no system cluster is used.
const DATABASE: &[&str] = &["postgresql"];

/// Checking the packages' desktop entry (`desktop-file-validate`).
const PACKAGES_CHECK: &[&str] = &["desktop-file-utils"];

/// What the machine offers the console's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display {
    /// `DISPLAY` is set: an X server (or XWayland) is there.
    pub x11: bool,
    /// `WAYLAND_DISPLAY` is set: winit will use Wayland.
    pub wayland: bool,
}

impl Display {
    /// Reads the two variables' values (empty counts as unset, as winit does).
    pub fn from_vars(display: Option<&str>, wayland_display: Option<&str>) -> Display {
        let set = |value: Option<&str>| value.is_some_and(|value| !value.is_empty());
        Display {
            x11: set(display),
            wayland: set(wayland_display),
        }
    }

    /// This process's environment.
    pub fn from_env() -> Display {
        let display = std::env::var("DISPLAY").ok();
        let wayland = std::env::var("WAYLAND_DISPLAY").ok();
        Display::from_vars(display.as_deref(), wayland.as_deref())
    }

    /// No screen to open a window on: the demo starts Xvfb.
    pub fn is_headless(self) -> bool {
        !self.x11 && !self.wayland
    }
}

/// The packages `purpose` needs on a machine with `display`, in a stable order without
/// duplicates.
pub fn needed(purpose: Purpose, display: Display) -> Vec<&'static str> {
    let groups: Vec<&[&str]> = match purpose {
        Purpose::Demo => {
            let mut groups = vec![BUILD, WINDOW];
            if display.wayland {
                groups.push(WAYLAND);
            }
            if display.is_headless() {
                groups.push(VIRTUAL_DISPLAY);
            }
            groups
        }
        // The tests open their windows on private Xvfb servers whatever the display is.
        Purpose::Test => vec![
            BUILD,
            WINDOW,
            VIRTUAL_DISPLAY,
            BROWSER,
            SESSION_BUS,
            DATABASE,
        ],
        Purpose::Deb => vec![BUILD, PACKAGES_CHECK],
    };
    let mut seen = BTreeSet::new();
    groups
        .into_iter()
        .flatten()
        .copied()
        .filter(|name| seen.insert(*name))
        .collect()
}

/// The `dpkg-query` format [`installed`] reads.
pub const QUERY_FORMAT: &str = "${Package} ${Status}\\n";

/// The packages that `query` (the output of `dpkg-query -W -f='${Package} ${Status}\n'`)
/// reports as installed. The status is "want ok state"; only the state `installed` counts,
/// so a package removed but not purged ("deinstall ok config-files") or only half set up
/// is missing. A held package ("hold ok installed") is installed.
pub fn installed(query: &str) -> BTreeSet<String> {
    query
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?;
            let state = words.nth(2)?;
            (state == "installed").then(|| name.to_owned())
        })
        .collect()
}

/// The packages of `needed` that are not in `installed`, in `needed`'s order.
pub fn missing<'a>(needed: &[&'a str], installed: &BTreeSet<String>) -> Vec<&'a str> {
    needed
        .iter()
        .copied()
        .filter(|name| !installed.contains(*name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADLESS: Display = Display {
        x11: false,
        wayland: false,
    };
    const X11: Display = Display {
        x11: true,
        wayland: false,
    };

    /// A fake `dpkg-query` answer: most of what the tests need, one package removed with its
    /// configuration left behind, one half-installed, one held.
    const FAKE_QUERY: &str = "\
gcc install ok installed
libc6-dev install ok installed
ca-certificates hold ok installed
pkg-config install ok installed
libxkbcommon-x11-0 install ok installed
libxcursor1 install ok installed
libxi6 install ok installed
libxrandr2 install ok installed
libegl1 install ok installed
libegl-mesa0 install ok installed
libgl1 install ok installed
libglx-mesa0 install ok installed
libgl1-mesa-dri install ok installed
xvfb deinstall ok config-files
xauth install ok installed
chromium install ok half-configured
chromium-driver install ok installed
postgresql install ok installed
";

    #[test]
    fn missing_packages_are_found_and_removed_ones_count_as_missing() {
        let installed = installed(FAKE_QUERY);
        let needed = needed(Purpose::Test, X11);
        // xvfb was removed (its configuration is left), chromium is half set up, and
        // dbus-daemon is not in the list at all.
        assert_eq!(
            missing(&needed, &installed),
            ["xvfb", "chromium", "dbus-daemon"]
        );
    }

    #[test]
    fn nothing_missing_means_nothing_to_do() {
        let needed = needed(Purpose::Test, HEADLESS);
        let query: String = needed
            .iter()
            .map(|name| format!("{name} install ok installed\n"))
            .collect();
        assert_eq!(missing(&needed, &installed(&query)), Vec::<&str>::new());
    }

    #[test]
    fn an_empty_or_garbled_answer_installs_nothing() {
        assert!(installed("").is_empty());
        assert!(installed("gcc\nlibc6-dev install\n\n   \n").is_empty());
        assert_eq!(
            missing(&["gcc"], &installed("gcc unknown ok not-installed\n")),
            ["gcc"]
        );
    }

    #[test]
    fn the_demo_needs_xvfb_only_without_a_display() {
        let headless = needed(Purpose::Demo, HEADLESS);
        assert!(headless.contains(&"xvfb") && headless.contains(&"xauth"));
        assert!(headless.contains(&"libgl1-mesa-dri"));
        let on_x11 = needed(Purpose::Demo, X11);
        assert!(!on_x11.contains(&"xvfb"));
        assert!(on_x11.contains(&"libxkbcommon-x11-0"));
        // Neither needs the tests' browser, session bus or database.
        for list in [&headless, &on_x11] {
            assert!(!list.contains(&"chromium") && !list.contains(&"dbus-daemon"));
            assert!(!list.contains(&"postgresql"));
        }
    }

    #[test]
    fn the_demo_on_wayland_gets_the_wayland_libraries() {
        let wayland = Display::from_vars(None, Some("wayland-0"));
        assert!(!wayland.is_headless());
        let list = needed(Purpose::Demo, wayland);
        assert!(list.contains(&"libwayland-client0"));
        assert!(!list.contains(&"xvfb"));
        assert!(!needed(Purpose::Demo, X11).contains(&"libwayland-client0"));
    }

    #[test]
    fn the_tests_need_everything_whatever_the_display() {
        for display in [HEADLESS, X11] {
            let list = needed(Purpose::Test, display);
            for name in [
                "gcc",
                "xvfb",
                "libegl1",
                "chromium",
                "chromium-driver",
                "dbus-daemon",
                "postgresql",
            ] {
                assert!(list.contains(&name), "{name} missing from {list:?}");
            }
        }
        assert!(needed(Purpose::Deb, X11).contains(&"desktop-file-utils"));
        assert!(!needed(Purpose::Deb, X11).contains(&"postgresql"));
    }

    #[test]
    fn a_missing_postgresql_is_installed_for_the_tests() {
        let without_postgres: String = FAKE_QUERY
            .lines()
            .filter(|line| !line.starts_with("postgresql "))
            .map(|line| format!("{line}\n"))
            .collect();
        let missing = missing(&needed(Purpose::Test, X11), &installed(&without_postgres));
        assert!(missing.contains(&"postgresql"), "{missing:?}");
    }

    #[test]
    fn no_package_is_listed_twice() {
        for purpose in [Purpose::Demo, Purpose::Test, Purpose::Deb] {
            let list = needed(purpose, HEADLESS);
            let unique: BTreeSet<_> = list.iter().collect();
            assert_eq!(unique.len(), list.len(), "{purpose:?}: {list:?}");
        }
    }

    #[test]
    fn an_empty_variable_is_no_display() {
        assert!(Display::from_vars(Some(""), Some("")).is_headless());
        assert!(!Display::from_vars(Some(":0"), None).is_headless());
    }
}
