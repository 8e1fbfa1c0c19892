//! The drafts file: one per account, owner-only, atomic, and never a crash on what is read.

use super::book::{Draft, DraftKey, MAX_DRAFT_CHARS};
use super::store::{DraftStore, MAX_FILE_BYTES};
use std::fs;
use switchboard_protocol::{SessionId, TeamId};

fn drafts() -> Vec<Draft> {
    vec![
        Draft {
            key: DraftKey::Session {
                session_id: SessionId(7),
            },
            text: "Your refund is on its way — ".to_owned(),
            reps_only: false,
            whisper: false,
        },
        Draft {
            key: DraftKey::Team {
                team: TeamId::new("support"),
            },
            text: "who takes the 3pm call?".to_owned(),
            reps_only: true,
            whisper: false,
        },
    ]
}

fn store(dir: &tempfile::TempDir) -> DraftStore {
    DraftStore::for_account(dir.path(), "https://support.example.com/", "alice")
}

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn round_trip_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    store.save(&drafts()).unwrap();
    store.save(&drafts()).unwrap();
    assert_eq!(store.load(), drafts());
    assert_eq!(names(dir.path()).len(), 1, "{:?}", names(dir.path()));
}

#[test]
fn each_account_has_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    store(&dir).save(&drafts()).unwrap();
    let bob = DraftStore::for_account(dir.path(), "https://support.example.com", "bob");
    let other_server = DraftStore::for_account(dir.path(), "https://other.example.com", "alice");
    assert_ne!(bob.path(), store(&dir).path());
    assert!(bob.load().is_empty());
    assert!(other_server.load().is_empty());
    let same = DraftStore::for_account(dir.path(), " https://support.example.com ", "alice");
    assert_eq!(
        same.load(),
        drafts(),
        "a trailing slash or blanks do not matter"
    );
}

#[test]
fn a_file_of_another_account_under_this_name_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let bob = DraftStore::for_account(dir.path(), "https://support.example.com", "bob");
    bob.save(&drafts()).unwrap();
    // As if the names collided: bob's file where alice's is looked for.
    fs::rename(bob.path(), store(&dir).path()).unwrap();
    assert!(store(&dir).load().is_empty());
}

#[cfg(unix)]
#[test]
fn file_and_directory_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let store = DraftStore::for_account(&dir.path().join("drafts"), "http://h", "alice");
    store.save(&drafts()).unwrap();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.path()), 0o600);
    assert_eq!(mode(&dir.path().join("drafts")), 0o700);
}

#[test]
fn no_drafts_removes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    store.save(&[]).unwrap();
    store.save(&drafts()).unwrap();
    store.save(&[]).unwrap();
    assert!(names(dir.path()).is_empty());
}

#[test]
fn a_corrupt_file_is_kept_aside_as_bad_and_ignored() {
    for garbage in [
        &b"\x00\xff{not json"[..],
        br#"{"version": 1, "server": "x"}"#,
        br#"{"version": 99, "server": "https://support.example.com", "user": "alice", "drafts": []}"#,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        store.save(&drafts()).unwrap();
        fs::write(store.path(), garbage).unwrap();
        assert!(store.load().is_empty());
        assert!(!store.path().exists());
        let bad = format!("{}.bad", store.path().display());
        assert_eq!(fs::read(&bad).unwrap(), garbage);
        // And the next save works as usual.
        store.save(&drafts()).unwrap();
        assert_eq!(store.load(), drafts());
    }
}

#[test]
fn a_file_over_the_cap_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    store.save(&drafts()).unwrap();
    let mut big = fs::read(store.path()).unwrap();
    big.truncate(big.len() - 2);
    big.extend(std::iter::repeat_n(b' ', MAX_FILE_BYTES as usize));
    big.extend(b"}\n");
    fs::write(store.path(), &big).unwrap();
    assert!(store.load().is_empty());
}

#[test]
fn hostile_content_is_bounded_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let mut long = drafts();
    long[0].text = "z".repeat(MAX_DRAFT_CHARS * 3);
    store.save(&long).unwrap();
    let loaded = store.load();
    assert_eq!(loaded[0].text.chars().count(), MAX_DRAFT_CHARS);
}

#[test]
fn a_failed_save_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    store.save(&drafts()).unwrap();
    // A directory where the temp file goes makes the write fail.
    let temp = format!("{}.tmp-{}", store.path().display(), std::process::id());
    fs::create_dir(&temp).unwrap();
    fs::write(format!("{temp}/x"), "in the way").unwrap();
    assert!(store.save(&drafts()[..1]).is_err());
    assert_eq!(store.load(), drafts());
}
