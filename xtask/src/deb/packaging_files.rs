//! Checks on the files in packaging/ themselves, which no compiler reads: the unit keeps
//! every hardening line issue 16 asks for, and the live configuration, the postinst and the
//! install check agree on the first account's placeholder, file and name.

use super::layout::{FIRST_PASSWORD_FILE, SERVER_CONFIG, SERVICE_USER, STATE_DIR};
use std::path::PathBuf;

fn read(relative: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.parent().unwrap_or(&root).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `[Service]` lines of the unit, comments left out.
fn unit_lines() -> Vec<String> {
    read("packaging/switchboard-server/switchboard-server.service")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_unit_runs_as_its_user_hardened_with_a_state_directory() {
    let lines = unit_lines();
    for expected in [
        format!("User={SERVICE_USER}"),
        format!("Group={SERVICE_USER}"),
        "ProtectSystem=strict".to_owned(),
        "ProtectHome=yes".to_owned(),
        "NoNewPrivileges=yes".to_owned(),
        "PrivateTmp=yes".to_owned(),
        "PrivateDevices=yes".to_owned(),
        "StateDirectory=switchboard".to_owned(),
        format!("ReadWritePaths={STATE_DIR}"),
        // Empty: the server may hold no capability at all.
        "CapabilityBoundingSet=".to_owned(),
        "RestrictSUIDSGID=yes".to_owned(),
        "MemoryDenyWriteExecute=yes".to_owned(),
        "SystemCallFilter=@system-service".to_owned(),
        "WantedBy=multi-user.target".to_owned(),
    ] {
        assert!(lines.contains(&expected), "the unit lacks `{expected}`");
    }
    let exec = lines
        .iter()
        .find(|line| line.starts_with("ExecStart="))
        .expect("an ExecStart line");
    assert!(
        exec.contains(&format!("--config {SERVER_CONFIG}")),
        "{exec}"
    );
    assert!(exec.contains(&format!("--db {STATE_DIR}/")), "{exec}");
}

#[test]
fn config_postinst_and_check_agree_on_the_first_account() {
    const PLACEHOLDER: &str = "@FIRST_ADMIN_PASSWORD_HASH@";
    let config = read("packaging/switchboard-server/server.toml");
    let postinst = read("packaging/switchboard-server/postinst");
    assert_eq!(
        config.matches(PLACEHOLDER).count(),
        1,
        "one hash to fill in"
    );
    assert!(config.contains("id = \"admin\""));
    assert!(postinst.contains(&format!("PLACEHOLDER='{PLACEHOLDER}'")));
    assert!(postinst.contains(&format!("CONFIG={SERVER_CONFIG}")));
    assert!(postinst.contains(&format!("PASSWORD_FILE={FIRST_PASSWORD_FILE}")));
    assert!(postinst.contains(&format!("STATE={STATE_DIR}")));
    // The lines install_check::first_account reads.
    assert!(postinst.contains("echo \"username = admin\""));
    assert!(postinst.contains("echo \"password = $password\""));
    // The service starts only where systemd runs (never in a container's dpkg -i).
    assert!(postinst.contains("if [ -d /run/systemd/system ]; then"));
}
