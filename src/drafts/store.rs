//! The drafts file of one account: where it is, reading it (never failing) and writing it
//! atomically, readable by the rep's user only.
//!
//! One file per server and rep (`drafts-<hash>.json`, the hash of both; the file names them
//! too and is ignored if they differ), so two accounts on one machine never see each
//! other's drafts. Drafts may hold customer data: the file and its directory are created
//! readable by the owner only (0600 and 0700), and when the last draft goes the file goes
//! too. Reading never fails: a file over [`MAX_FILE_BYTES`] is ignored with a warning, a
//! corrupt one (or one from a newer build) is moved aside as `<file>.bad` and ignored.
//! Writing goes to a temp file beside the real one, fsynced, then renamed over it, so a
//! crash mid-write leaves the old drafts or the new ones, never half of each.
//!
//! Blocking IO: call [`DraftStore::load`] once per login and [`DraftStore::save`] from the
//! writer thread ([`super::writer`]).

use super::book::{Draft, MAX_DRAFT_CHARS, MAX_DRAFTS, sanitise};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

/// The version [`DraftStore::save`] writes.
pub const DRAFTS_VERSION: u32 = 1;
/// A drafts file larger than this is not read: [`MAX_DRAFTS`] drafts of
/// [`MAX_DRAFT_CHARS`] characters (4 bytes each at most, 6 escaped) fit well within it.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
const _: () = assert!((MAX_DRAFTS * (MAX_DRAFT_CHARS * 6 + 512)) as u64 <= MAX_FILE_BYTES);

/// Why a save failed. The writer logs it; the rep's work goes on.
#[derive(Debug, thiserror::Error)]
pub enum DraftsError {
    #[error("could not write the drafts file: {0}")]
    Io(#[from] io::Error),
    #[error("could not encode the drafts: {0}")]
    Encode(#[from] serde_json::Error),
}

/// The file's content.
#[derive(Debug, Serialize, Deserialize)]
struct DraftsFile {
    version: u32,
    server: String,
    user: String,
    drafts: Vec<Draft>,
}

/// The drafts file of one server and rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftStore {
    path: PathBuf,
    server: String,
    user: String,
}

impl DraftStore {
    /// The drafts directory in the OS data directory (e.g. `~/.local/share/switchboard/
    /// drafts` on Linux); `None` if the OS reports no home directory (drafts are then not
    /// kept).
    pub fn default_dir() -> Option<PathBuf> {
        let dirs = directories::ProjectDirs::from("dev", "switchboard", "switchboard")?;
        Some(dirs.data_dir().join("drafts"))
    }

    /// The drafts directory beside a prefs file a test gives, so its temp dir holds both
    /// and nothing reaches the real user's data.
    pub fn dir_beside(prefs_path: &Path) -> PathBuf {
        prefs_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("drafts")
    }

    /// The store of `user` on `server`, in `dir`. The server URL is compared without
    /// surrounding blanks or a trailing `/`.
    pub fn for_account(dir: &Path, server: &str, user: &str) -> DraftStore {
        let server = server.trim().trim_end_matches('/').to_owned();
        let user = user.trim().to_owned();
        let name = format!("drafts-{:016x}.json", account_hash(&server, &user));
        DraftStore {
            path: dir.join(name),
            server,
            user,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The drafts on disk, bounded (see [`sanitise`]). Never fails: see the module doc.
    pub fn load(&self) -> Vec<Draft> {
        let bytes = match read_capped(&self.path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                tracing::warn!(
                    path = %self.path.display(),
                    limit = MAX_FILE_BYTES,
                    "the drafts file is too large; ignoring it",
                );
                return Vec::new();
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(err) => {
                tracing::warn!(path = %self.path.display(), error = %err, "could not read the drafts file");
                return Vec::new();
            }
        };
        let file = match serde_json::from_slice::<DraftsFile>(&bytes) {
            Ok(file) if file.version <= DRAFTS_VERSION => file,
            Ok(file) => {
                self.move_aside(&format!(
                    "version {} is newer than this build's",
                    file.version
                ));
                return Vec::new();
            }
            Err(err) => {
                self.move_aside(&err.to_string());
                return Vec::new();
            }
        };
        if file.server != self.server || file.user != self.user {
            // Another account's file under the same name (a hash collision): not ours to
            // show, and the next save replaces it.
            tracing::warn!(path = %self.path.display(), "the drafts file belongs to another account; ignoring it");
            return Vec::new();
        }
        sanitise(file.drafts)
    }

    /// Writes `drafts` atomically (temp file, fsync, rename), owner-only; with no drafts the
    /// file is removed. On error the previous file is left as it was.
    pub fn save(&self, drafts: &[Draft]) -> Result<(), DraftsError> {
        if drafts.is_empty() {
            return match fs::remove_file(&self.path) {
                Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err.into()),
                _ => Ok(()),
            };
        }
        let file = DraftsFile {
            version: DRAFTS_VERSION,
            server: self.server.clone(),
            user: self.user.clone(),
            drafts: drafts.to_vec(),
        };
        let mut bytes = serde_json::to_vec(&file)?;
        bytes.push(b'\n');
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let temp = self.with_suffix(&format!(".tmp-{}", std::process::id()));
        let written = write_private(&temp, &bytes).and_then(|()| fs::rename(&temp, &self.path));
        if let Err(err) = written {
            // Tidying up only; the error returned is the one that matters.
            let _ = fs::remove_file(&temp);
            return Err(err.into());
        }
        // The rename itself reaches the disk with the directory's fsync; where a directory
        // cannot be opened (some platforms) the rename stands as the file system keeps it.
        if let Some(dir) = self.path.parent()
            && let Ok(dir) = File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    fn with_suffix(&self, suffix: &str) -> PathBuf {
        let mut name = OsString::from(self.path.as_os_str());
        name.push(suffix);
        PathBuf::from(name)
    }

    /// Keeps an unreadable file as `<file>.bad` (replacing an older one), so what was in
    /// it can still be recovered by hand, and the console starts without it.
    fn move_aside(&self, reason: &str) {
        let bad = self.with_suffix(".bad");
        match fs::rename(&self.path, &bad) {
            Ok(()) => tracing::warn!(
                path = %self.path.display(),
                kept = %bad.display(),
                reason,
                "the drafts file is unusable; moved it aside",
            ),
            Err(error) => tracing::warn!(
                path = %self.path.display(),
                reason,
                %error,
                "the drafts file is unusable and could not be moved aside; ignoring it",
            ),
        }
    }
}

/// FNV-1a over the server and the user: stable across builds and platforms (the std
/// hasher is not), so the same account finds the same file after an update.
fn account_hash(server: &str, user: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in server.bytes().chain([0]).chain(user.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The file's bytes; `Ok(None)` if it is larger than [`MAX_FILE_BYTES`] (read no further).
fn read_capped(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// Creates `dir` (and its parents) readable by the owner only where it is new.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes `bytes` to a new file readable and writable by the owner only, and fsyncs it.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A temp file left by a crash may have other permissions: start from a new one.
    match fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
        _ => {}
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
