//! The login screen against a server that terminates TLS with a certificate made in the
//! test: with the test CA as the console's `--ca-file` it logs in over https/wss; a
//! certificate for another host, or from a CA the console does not trust, is refused with a
//! sentence naming the host on the login screen.

mod ui_support;

use std::path::PathBuf;
use switchboard::{AppOptions, SwitchboardApp};
use switchboard_testkit::config::demo_config;
use switchboard_testkit::tls::{TestCa, TestCert};
use ui_support::*;

fn tls_server(cert: &TestCert) -> TestServer {
    switchboard_testkit::ServerThread::start_tls(demo_config(), cert)
}

/// The console logging in as alice at `server`, trusting `ca_file` besides the system.
fn console_with_ca(
    server: &TestServer,
    prefs: &std::path::Path,
    ca_file: Option<PathBuf>,
) -> Console {
    let options = AppOptions {
        server_url: Some(server.url()),
        prefs_path: Some(prefs.to_path_buf()),
        auto_login: Some(("alice".to_owned(), "alice-demo".to_owned())),
        notifications: switchboard::Notifications::Recording(switchboard::RecordingNotifier::new()),
        ca_file,
        ..AppOptions::default()
    };
    egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| SwitchboardApp::new(cc, options))
}

#[test]
fn the_console_logs_in_over_tls_with_the_ca_file() {
    let ca = TestCa::new("Switchboard Test CA");
    let server = tls_server(&ca.localhost());
    assert!(server.url().starts_with("https://"));
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_with_ca(
        &server,
        &prefs.path().join("prefs.json"),
        Some(ca.ca_file()),
    );
    wait_for_label(&mut console, "Log out");
}

#[test]
fn the_login_screen_names_the_host_of_a_refused_certificate() {
    let ca = TestCa::new("Switchboard Test CA");
    let wrong_host = tls_server(&ca.issue(&["support.example.com"], false));
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_with_ca(
        &wrong_host,
        &prefs.path().join("prefs.json"),
        Some(ca.ca_file()),
    );
    wait_for_label(
        &mut console,
        "The server's certificate is not valid for localhost.",
    );

    let untrusted = tls_server(&ca.localhost());
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_with_ca(&untrusted, &prefs.path().join("prefs.json"), None);
    wait_for_label_containing(
        &mut console,
        "The server's certificate for localhost is not trusted (unknown issuer)",
    );
}
