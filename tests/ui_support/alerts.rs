//! Test support for incoming-work alerts: a console whose notifier records what it asked
//! the desktop to show (and lets the test click it), alert settings written into the
//! prefs file before the console starts, and the push team with a page for its offers.

use super::*;
use std::sync::Arc;
use switchboard::RecordingNotifier;
use switchboard::notify::Alert;
use switchboard::prefs::{AlertPrefs, Prefs, PrefsStore};
use switchboard_server::config::Config;

/// The console logged in as `user` (password `<user>-demo`) with `notifier` recording its
/// notifications.
pub fn logged_in_recording(
    server: &TestServer,
    prefs: &std::path::Path,
    user: &str,
    notifier: &RecordingNotifier,
) -> Console {
    let options = AppOptions {
        server_url: Some(server.url()),
        prefs_path: Some(prefs.to_path_buf()),
        auto_login: Some((user.to_owned(), format!("{user}-demo"))),
        notifications: switchboard::Notifications::Recording(notifier.clone()),
        ..AppOptions::default()
    };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| SwitchboardApp::new(cc, options));
    step_until(&mut harness, "connected, with the queues shown", |h| {
        h.query_by_label("Connected").is_some() && has_label(h, "Personal")
    });
    harness
}

/// Writes a prefs file with these alert settings, for a console about to start.
pub fn write_alert_prefs(prefs: &std::path::Path, alerts: AlertPrefs) {
    let prefs_file = Prefs {
        alerts,
        ..Prefs::default()
    };
    PrefsStore::at(prefs).save(&prefs_file).unwrap();
}

/// Steps until the notifier recorded an alert titled `title`; returns it.
pub fn wait_for_alert(console: &mut Console, notifier: &RecordingNotifier, title: &str) -> Alert {
    step_until(console, &format!("a notification titled {title:?}"), |_| {
        notifier.shown().iter().any(|a| a.title == title)
    });
    notifier
        .shown()
        .into_iter()
        .find(|a| a.title == title)
        .unwrap()
}

/// Steps until an alert or reminder toast whose text contains `part` shows; returns its text.
pub fn wait_for_alert_toast(console: &mut Console, part: &str) -> String {
    step_until(console, &format!("a toast containing {part:?}"), |h| {
        alert_toast_containing(h, part).is_some()
    });
    alert_toast_containing(console, part).unwrap()
}

/// The text (title and body) of the alert toast containing `part`, if one shows.
pub fn alert_toast_containing(console: &Console, part: &str) -> Option<String> {
    console
        .state()
        .alert_toasts()
        .into_iter()
        .map(|(title, body)| format!("{}{body}", title.map_or(String::new(), |t| t + ": ")))
        .find(|text| text.contains(part))
}

/// The push team Sales (sam, sue) answering within `offer_secs`, with a page for its
/// offers (the customer's name and session filled in).
pub fn offers_with_page_config(offer_secs: u64) -> Arc<Config> {
    let toml = format!(
        r#"
[server]
offer_answer_secs = {offer_secs}

[[teams]]
id = "sales"
name = "Sales"
mode = "push"
offer_answer_secs = {offer_secs}
offer_url = "https://crm.example/leads?session={{session_id}}&name={{customer}}"

[[reps]]
id = "sam"
name = "Sam Seller"
password = "sam-demo"
teams = ["sales"]

[[reps]]
id = "sue"
name = "Sue Seller"
password = "sue-demo"
teams = ["sales"]
"#
    );
    Arc::new(Config::from_toml(&toml).unwrap())
}
