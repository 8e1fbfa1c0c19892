//! The console's local preferences: queue table layouts, favourite teams, pane sizes, how
//! incoming work is announced (sound, desktop notifications, reminders) and the last server
//! and username, restored at the next launch.
//!
//! They live in one versioned JSON file (`prefs.json` in the OS config directory). Losing
//! preferences is an annoyance, not a failure, so loading never fails: a missing file gives
//! defaults, and a corrupt file or one written by a newer build is moved aside as
//! `prefs.json.bad-<unix seconds>` (so nothing is destroyed) and replaced by defaults, with a
//! warning in the log. A file from an older build is migrated step by step (see
//! [`MIGRATIONS`]). Every struct is `#[serde(default)]`, so a field added later still loads
//! from an older file.
//!
//! Saving writes a temp file beside the real one, fsyncs it and renames it over the old one,
//! so a crash or power cut mid-save leaves either the old file or the new one, never half of
//! each. Both [`PrefsStore::load`] and [`PrefsStore::save`] do blocking disk IO (save also
//! fsyncs): call them at start-up, on exit, or off the UI thread, not every frame.
//!
//! The password is never stored here.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The version [`PrefsStore::save`] writes. Bump it, and add a step to [`MIGRATIONS`], whenever
/// a change cannot be expressed by `#[serde(default)]` alone (a renamed or re-typed field).
pub const PREFS_VERSION: u32 = 1;

/// The queue table's columns live with the model (which sorts by them); prefs remember them.
pub use crate::model::column::Column;

/// How one queue's table is laid out: which columns, in what order, sorted how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueLayout {
    /// Visible columns in display order (hidden ones are absent). Default: all, in
    /// [`Column::ALL`] order.
    pub columns: Vec<Column>,
    /// Sort column and direction. Default: [`Column::TimeInQueue`], descending (longest wait
    /// first), because the customer who has waited longest is the one to take next.
    pub sort: Column,
    /// Whether [`sort`](Self::sort) runs from largest to smallest.
    pub descending: bool,
}

impl Default for QueueLayout {
    fn default() -> Self {
        Self {
            columns: Column::ALL.to_vec(),
            sort: Column::TimeInQueue,
            descending: true,
        }
    }
}

/// When the console reminds the rep of a customer waiting in an open session they are not
/// looking at (seed 004: "after a certain time from the first message", or "every message").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderMode {
    /// Once, [`AlertPrefs::reminder_after_secs`] after the customer's first unanswered message.
    AfterSeconds,
    /// On every new message from the customer.
    EveryMessage,
}

/// How incoming work is announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertPrefs {
    /// Whether the chime plays with each notification.
    pub sound: bool,
    /// Whether notifications go to the desktop; off, they show only inside the window.
    pub desktop_notifications: bool,
    pub reminder: ReminderMode,
    /// Seconds after the customer's first unanswered message, in [`ReminderMode::AfterSeconds`].
    pub reminder_after_secs: u32,
}

impl AlertPrefs {
    /// The shortest and longest reminder delays the settings offer.
    pub const REMINDER_SECS: std::ops::RangeInclusive<u32> = 1..=3600;
}

impl Default for AlertPrefs {
    fn default() -> Self {
        Self {
            sound: true,
            desktop_notifications: true,
            reminder: ReminderMode::AfterSeconds,
            reminder_after_secs: 60,
        }
    }
}

/// Everything the console remembers between launches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// The file format version, so an older file can be migrated and a newer one recognised
    /// instead of misread. Always [`PREFS_VERSION`] once loaded.
    pub version: u32,
    /// Per queue key: "personal", "team:<id>", "general". Each queue keeps its own layout
    /// because reps watch different things in each.
    pub queues: BTreeMap<String, QueueLayout>,
    /// Team ids the rep starred, in the order they were starred.
    pub favourite_teams: Vec<String>,
    /// Width in points of the queue side panel.
    pub queue_panel_width: f32,
    /// Height in points of the details pane.
    pub details_height: f32,
    /// Whether the chat panel is open.
    pub chat_shown: bool,
    /// Whether the chat panel is pinned beside the queues rather than floating.
    pub chat_pinned: bool,
    /// The server URL last connected to, prefilled on the login screen.
    pub last_server: String,
    /// The username last logged in with, prefilled on the login screen. Never the password.
    pub last_username: String,
    /// Sound, desktop notifications and reminders. Added without a version bump: a file
    /// written before it loads with the defaults.
    pub alerts: AlertPrefs,
    /// Light, dark, or following the operating system. Added without a version bump.
    pub theme: ThemeChoice,
    /// How the Jump Clients window sorts. Added without a version bump.
    pub jump_sort: crate::model::jump::JumpSort,
    /// How a lead's Dashboard sorts its sessions and reps. Added without a version bump.
    pub dashboard_sort: crate::model::dashboard::DashboardSort,
}

/// The console's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    /// Follow the operating system's light or dark setting.
    #[default]
    System,
    Light,
    Dark,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            version: PREFS_VERSION,
            queues: BTreeMap::new(),
            favourite_teams: Vec::new(),
            queue_panel_width: 560.0,
            details_height: 180.0,
            chat_shown: true,
            chat_pinned: true,
            last_server: "http://127.0.0.1:8080".to_owned(),
            last_username: String::new(),
            alerts: AlertPrefs::default(),
            theme: ThemeChoice::System,
            jump_sort: Default::default(),
            dashboard_sort: Default::default(),
        }
    }
}

impl Prefs {
    /// The layout for a queue (default if none saved).
    pub fn layout(&self, queue_key: &str) -> QueueLayout {
        self.queues.get(queue_key).cloned().unwrap_or_default()
    }

    /// The layout for a queue, to change; inserts the default if none is saved yet.
    pub fn layout_mut(&mut self, queue_key: &str) -> &mut QueueLayout {
        self.queues.entry(queue_key.to_owned()).or_default()
    }

    /// Whether the rep starred this team.
    pub fn is_favourite(&self, team: &str) -> bool {
        self.favourite_teams.iter().any(|t| t == team)
    }

    /// Stars the team if it is not starred, unstars it if it is.
    pub fn toggle_favourite(&mut self, team: &str) {
        if self.is_favourite(team) {
            self.favourite_teams.retain(|t| t != team);
        } else {
            self.favourite_teams.push(team.to_owned());
        }
    }
}

/// Why [`PrefsStore::save`] failed. The caller logs it; the rep's work is not affected.
#[derive(Debug, thiserror::Error)]
pub enum PrefsError {
    #[error("could not write the preferences file: {0}")]
    Io(#[from] io::Error),
    #[error("could not encode the preferences: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Where prefs live: a file path. [`PrefsStore::default_location`] uses the OS config dir;
/// tests use [`PrefsStore::at`] with a temp dir.
#[derive(Debug, Clone)]
pub struct PrefsStore {
    path: PathBuf,
}

impl PrefsStore {
    /// `prefs.json` in the OS config directory (e.g. `~/.config/switchboard/` on Linux).
    /// `None` if the OS reports no home directory; the app then runs with defaults.
    pub fn default_location() -> Option<PrefsStore> {
        let dirs = directories::ProjectDirs::from("dev", "switchboard", "switchboard")?;
        Some(PrefsStore::at(dirs.config_dir().join("prefs.json")))
    }

    /// A store at this file path.
    pub fn at(path: impl Into<PathBuf>) -> PrefsStore {
        PrefsStore { path: path.into() }
    }

    /// The prefs file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the prefs. Never fails: a missing or unreadable file gives defaults; a corrupt
    /// file or one from a newer build is moved aside as `<file>.bad-<unix seconds>` and
    /// replaced by defaults (with a `warn!`); an older version is migrated.
    pub fn load(&self) -> Prefs {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Prefs::default(),
            Err(err) => {
                // Not moved aside: we could not read it, so we cannot tell that it is bad.
                tracing::warn!(
                    path = %self.path.display(),
                    error = %err,
                    "could not read the preferences file; using defaults",
                );
                return Prefs::default();
            }
        };
        match decode(&bytes) {
            Ok(prefs) => prefs,
            Err(reason) => {
                self.move_aside(&reason);
                Prefs::default()
            }
        }
    }

    /// Writes the prefs atomically (temp file + fsync + rename), creating the directory.
    /// On error the previous file is left as it was.
    pub fn save(&self, prefs: &Prefs) -> Result<(), PrefsError> {
        let bytes = encode(prefs)?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let temp = self.temp_path();
        let written = write_synced(&temp, &bytes).and_then(|()| fs::rename(&temp, &self.path));
        if let Err(err) = written {
            // The error being returned is the one that matters; this only tidies up, and
            // fails harmlessly if the temp file was never created.
            let _ = fs::remove_file(&temp);
            return Err(err.into());
        }
        sync_parent_dir(&self.path);
        Ok(())
    }

    /// The temp file a save writes first: in the same directory, because a rename is only
    /// atomic within one file system; named per process, so two running consoles never
    /// write into each other's temp file.
    fn temp_path(&self) -> PathBuf {
        self.with_suffix(&format!(".tmp-{}", std::process::id()))
    }

    fn with_suffix(&self, suffix: &str) -> PathBuf {
        let mut name = OsString::from(self.path.as_os_str());
        name.push(suffix);
        PathBuf::from(name)
    }

    /// Moves an unusable file out of the way, keeping it so the rep (or a bug report) can
    /// still recover what was in it.
    fn move_aside(&self, reason: &Rejected) {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let backup = self.with_suffix(&format!(".bad-{secs}"));
        match fs::rename(&self.path, &backup) {
            Ok(()) => tracing::warn!(
                path = %self.path.display(),
                backup = %backup.display(),
                %reason,
                "preferences file unusable; moved it aside and using defaults",
            ),
            Err(err) => tracing::warn!(
                path = %self.path.display(),
                %reason,
                error = %err,
                "preferences file unusable and could not be moved aside; using defaults",
            ),
        }
    }
}

/// Why a prefs file was not used.
#[derive(Debug, thiserror::Error)]
enum Rejected {
    #[error("not valid preferences JSON: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("the top level is not a JSON object")]
    NotAnObject,
    #[error("the version is not a non-negative integer")]
    BadVersion,
    #[error("version {0} is newer than this build understands ({PREFS_VERSION})")]
    Newer(u64),
}

/// One migration step per old version: `MIGRATIONS[n]` turns a version-`n` file into a
/// version-`n + 1` one. The length is tied to [`PREFS_VERSION`], so bumping the version
/// without adding a step does not compile.
const MIGRATIONS: [fn(&mut Map<String, Value>); PREFS_VERSION as usize] = [migrate_v0_to_v1];

/// Version 0 had the same fields as version 1 but no `version` key; it only needs stamping.
/// A later step that renames a field would move the value here, before deserialising.
fn migrate_v0_to_v1(prefs: &mut Map<String, Value>) {
    prefs.insert("version".to_owned(), Value::from(1));
}

/// Parses a prefs file, migrating it to [`PREFS_VERSION`] first if it is older. Works on a
/// [`Value`] because an old file need not fit today's [`Prefs`].
fn decode(bytes: &[u8]) -> Result<Prefs, Rejected> {
    let Value::Object(mut object) = serde_json::from_slice(bytes)? else {
        return Err(Rejected::NotAnObject);
    };
    let version = match object.get("version") {
        // Version 0 predates the key.
        None => 0,
        Some(v) => v.as_u64().ok_or(Rejected::BadVersion)?,
    };
    if version > u64::from(PREFS_VERSION) {
        return Err(Rejected::Newer(version));
    }
    // In range: `version <= PREFS_VERSION`, a u32.
    let from = version as usize;
    for step in &MIGRATIONS[from..] {
        step(&mut object);
    }
    if from < MIGRATIONS.len() {
        tracing::info!(
            from = version,
            to = PREFS_VERSION,
            "migrated the preferences file"
        );
    }
    let mut prefs: Prefs = serde_json::from_value(Value::Object(object))?;
    // Whatever a migration step wrote, the prefs in memory are now the current version.
    prefs.version = PREFS_VERSION;
    Ok(prefs)
}

/// Encodes prefs as pretty JSON (a person may read or fix the file by hand).
fn encode(prefs: &Prefs) -> Result<Vec<u8>, serde_json::Error> {
    let mut prefs = prefs.clone();
    prefs.version = PREFS_VERSION;
    // JSON has no NaN or infinity: serde_json writes them as `null`, which would then fail
    // to load and cost the rep every other preference. Save the default size instead.
    let defaults = Prefs::default();
    if !prefs.queue_panel_width.is_finite() {
        prefs.queue_panel_width = defaults.queue_panel_width;
    }
    if !prefs.details_height.is_finite() {
        prefs.details_height = defaults.details_height;
    }
    let mut bytes = serde_json::to_vec_pretty(&prefs)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `bytes` to `path` and fsyncs it, so the data is on disk before the rename makes
/// it the real file.
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Fsyncs the directory so the rename itself survives a power cut. Best effort: the new
/// file is already in place, and some file systems cannot sync a directory.
#[cfg(unix)]
fn sync_parent_dir(path: &Path) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Err(err) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!(dir = %dir.display(), error = %err, "could not fsync the prefs directory");
    }
}

/// Windows cannot open a directory as a file to sync it; the rename is already durable
/// enough there.
#[cfg(not(unix))]
fn sync_parent_dir(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_in(dir: &tempfile::TempDir) -> PrefsStore {
        PrefsStore::at(dir.path().join("prefs.json"))
    }

    /// Paths in the prefs file's directory whose names start with `prefix`.
    fn files_starting_with(dir: &tempfile::TempDir, prefix: &str) -> Vec<PathBuf> {
        fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            .collect()
    }

    fn customised() -> Prefs {
        let mut prefs = Prefs::default();
        let layout = prefs.layout_mut("team:7");
        layout.columns = vec![Column::Issue, Column::Customer];
        layout.sort = Column::Company;
        layout.descending = false;
        prefs.toggle_favourite("7");
        prefs.queue_panel_width = 420.5;
        prefs.details_height = 99.0;
        prefs.chat_shown = false;
        prefs.chat_pinned = false;
        prefs.last_server = "https://support.example.com".to_owned();
        prefs.last_username = "ana".to_owned();
        prefs.alerts = AlertPrefs {
            sound: false,
            desktop_notifications: false,
            reminder: ReminderMode::EveryMessage,
            reminder_after_secs: 15,
        };
        prefs
    }

    /// Saved prefs load back equal.
    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        let prefs = customised();
        store.save(&prefs).unwrap();
        assert_eq!(store.load(), prefs);
    }

    /// Save creates the config directory if it does not exist yet.
    #[test]
    fn save_creates_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let store = PrefsStore::at(dir.path().join("a/b/prefs.json"));
        store.save(&customised()).unwrap();
        assert_eq!(store.load(), customised());
    }

    /// A missing file loads as defaults and creates nothing.
    #[test]
    fn missing_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(store_in(&dir).load(), Prefs::default());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A corrupt file loads as defaults and is kept, byte for byte, as a backup.
    #[test]
    fn corrupt_file_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        let garbage = b"\x00\xff{not json at all\x80";
        fs::write(store.path(), garbage).unwrap();

        assert_eq!(store.load(), Prefs::default());

        assert!(
            !store.path().exists(),
            "the bad file is moved, not left in place"
        );
        let backups = files_starting_with(&dir, "prefs.json.bad-");
        assert_eq!(backups.len(), 1, "{backups:?}");
        assert_eq!(fs::read(&backups[0]).unwrap(), garbage);
    }

    /// Valid JSON of the wrong shape (fields of the wrong type, or not an object) counts as
    /// corrupt too.
    #[test]
    fn wrong_shape_is_moved_aside() {
        for text in [
            r#"{"version": 1, "chat_shown": "yes"}"#,
            "[1, 2]",
            r#"{"version": "1"}"#,
        ] {
            let dir = tempfile::tempdir().unwrap();
            let store = store_in(&dir);
            fs::write(store.path(), text).unwrap();
            assert_eq!(store.load(), Prefs::default(), "{text}");
            assert_eq!(
                files_starting_with(&dir, "prefs.json.bad-").len(),
                1,
                "{text}"
            );
        }
    }

    /// A file from a newer build is not misread: defaults, and the file is kept as a backup.
    #[test]
    fn newer_version_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        let text = format!(
            r#"{{"version": {}, "chat_shown": false, "last_username": "ana"}}"#,
            PREFS_VERSION + 1
        );
        fs::write(store.path(), &text).unwrap();

        assert_eq!(store.load(), Prefs::default());

        let backups = files_starting_with(&dir, "prefs.json.bad-");
        assert_eq!(backups.len(), 1, "{backups:?}");
        assert_eq!(fs::read_to_string(&backups[0]).unwrap(), text);
    }

    /// A version-0 file (no `version` key) keeps its fields and becomes the current version.
    #[test]
    fn version_0_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        let mut v0 = serde_json::to_value(customised()).unwrap();
        v0.as_object_mut().unwrap().remove("version");
        fs::write(store.path(), serde_json::to_vec(&v0).unwrap()).unwrap();

        let loaded = store.load();

        assert_eq!(loaded.version, PREFS_VERSION);
        assert_eq!(loaded, customised());
        assert!(files_starting_with(&dir, "prefs.json.bad-").is_empty());
    }

    /// Fields absent from the file, at any level, take their defaults.
    #[test]
    fn missing_fields_take_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        let text =
            r#"{"version": 1, "chat_shown": false, "queues": {"general": {"sort": "issue"}}}"#;
        fs::write(store.path(), text).unwrap();

        let loaded = store.load();

        let expected_layout = QueueLayout {
            sort: Column::Issue,
            ..QueueLayout::default()
        };
        let expected = Prefs {
            chat_shown: false,
            queues: BTreeMap::from([("general".to_owned(), expected_layout)]),
            ..Prefs::default()
        };
        assert_eq!(loaded, expected);
    }

    /// A file written before the alert settings existed loads them as defaults (sound and
    /// desktop notifications on, a reminder after 60 s) and keeps everything else; a file
    /// with only some of them takes the defaults for the rest.
    #[test]
    fn alert_settings_default_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        fs::write(
            store.path(),
            r#"{"version": 1, "chat_shown": false, "last_username": "ana"}"#,
        )
        .unwrap();
        let loaded = store.load();
        assert_eq!(loaded.alerts, AlertPrefs::default());
        assert!(loaded.alerts.sound && loaded.alerts.desktop_notifications);
        assert_eq!(loaded.alerts.reminder, ReminderMode::AfterSeconds);
        assert_eq!(loaded.alerts.reminder_after_secs, 60);
        assert_eq!(loaded.last_username, "ana");

        fs::write(
            store.path(),
            r#"{"version": 1, "alerts": {"sound": false, "reminder": "every_message"}}"#,
        )
        .unwrap();
        let loaded = store.load();
        assert_eq!(
            loaded.alerts,
            AlertPrefs {
                sound: false,
                reminder: ReminderMode::EveryMessage,
                ..AlertPrefs::default()
            }
        );
        assert!(files_starting_with(&dir, "prefs.json.bad-").is_empty());
    }

    /// A successful save replaces the old file and leaves no temp file behind.
    #[test]
    fn save_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        store.save(&Prefs::default()).unwrap();
        store.save(&customised()).unwrap();

        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("prefs.json")]);
        assert_eq!(store.load(), customised());
    }

    /// A save whose target path is a directory fails, leaves what was there untouched and
    /// cleans up its temp file.
    #[test]
    fn save_onto_a_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        fs::create_dir(store.path()).unwrap();
        fs::write(store.path().join("inside"), "old").unwrap();

        assert!(store.save(&customised()).is_err());

        assert!(store.path().is_dir());
        assert_eq!(
            fs::read_to_string(store.path().join("inside")).unwrap(),
            "old"
        );
        assert!(!store.temp_path().exists());
    }

    /// A save that fails before the rename leaves the old prefs file exactly as it was.
    #[test]
    fn failed_save_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        store.save(&customised()).unwrap();
        let before = fs::read(store.path()).unwrap();
        // A directory where the temp file should go makes the write fail.
        fs::create_dir(store.temp_path()).unwrap();

        assert!(store.save(&Prefs::default()).is_err());

        assert_eq!(fs::read(store.path()).unwrap(), before);
        assert_eq!(store.load(), customised());
    }

    /// Non-finite sizes are saved as defaults, so one bad number cannot make the whole file
    /// unreadable.
    #[test]
    fn non_finite_sizes_save_as_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        let prefs = Prefs {
            queue_panel_width: f32::NAN,
            details_height: f32::INFINITY,
            chat_shown: false,
            ..Prefs::default()
        };
        store.save(&prefs).unwrap();

        let loaded = store.load();

        assert_eq!(loaded.queue_panel_width, Prefs::default().queue_panel_width);
        assert_eq!(loaded.details_height, Prefs::default().details_height);
        assert!(!loaded.chat_shown, "the other fields survive");
    }

    /// `toggle_favourite` stars an unstarred team and unstars a starred one.
    #[test]
    fn toggle_favourite_adds_and_removes() {
        let mut prefs = Prefs::default();
        assert!(!prefs.is_favourite("7"));
        prefs.toggle_favourite("7");
        prefs.toggle_favourite("9");
        assert!(prefs.is_favourite("7"));
        assert_eq!(prefs.favourite_teams, ["7", "9"]);
        prefs.toggle_favourite("7");
        assert!(!prefs.is_favourite("7"));
        assert_eq!(prefs.favourite_teams, ["9"]);
    }

    /// An unknown queue gets the default layout: all columns, longest wait first; reading it
    /// does not store it, `layout_mut` does.
    #[test]
    fn layout_defaults_for_unknown_queue() {
        let mut prefs = Prefs::default();
        let layout = prefs.layout("team:42");
        assert_eq!(layout.columns, Column::ALL);
        assert_eq!(layout.sort, Column::TimeInQueue);
        assert!(layout.descending);
        assert!(prefs.queues.is_empty());

        prefs.layout_mut("team:42").descending = false;
        assert!(!prefs.layout("team:42").descending);
        assert!(prefs.layout("personal").descending);
    }

    /// The file uses snake_case column names, which hand-edited files and migrations rely on.
    #[test]
    fn columns_serialise_as_snake_case() {
        let json = serde_json::to_string(&Column::ALL).unwrap();
        assert_eq!(
            json,
            r#"["customer","time_in_queue","issue","queue","entry_path","company","session_start","important"]"#
        );
    }
}
