//! UI tests of incoming-work alerts (seed 004) against a real server: what the console asks
//! the desktop to show (recorded in place of D-Bus) for a push offer, a new session in the
//! personal queue, an invitation, and a customer writing in a background tab (or in the
//! front one while the window is not focused); a click on a notification bringing the
//! session forward; the sound preference; the flashing tab; reminder toasts in both modes;
//! toasts where the desktop has no notification service or the rep turned notifications
//! off; "Waiting activities" with Accept; the offer's Open button; a lead's whisper; and
//! Ctrl+T (Take next) saying why instead of asking while Take next is greyed.

mod ui_support;

use egui::accesskit::Role;
use switchboard::RecordingNotifier;
use switchboard::notify::AlertTarget;
use switchboard::prefs::{AlertPrefs, ReminderMode};
use switchboard::text::supervision as words;
use switchboard_protocol::{RepId, RepRequest, Route};
use ui_support::alerts::*;
use ui_support::*;

fn sales() -> Route {
    Route::Team {
        team: "sales".into(),
    }
}

/// Alice (recorded notifications) with Ann Archer in a background tab and Bea Baker in
/// front; returns both customers.
fn two_sessions(
    server: &TestServer,
    prefs: &std::path::Path,
    notifier: &RecordingNotifier,
) -> (Console, Customer, Customer) {
    let mut alice = logged_in_recording(server, prefs, "alice", notifier);
    let mut ann = Customer::start(server, "Ann Archer", invoice());
    accept(&mut alice, "Ann Archer");
    ann.expect_rep_joined(server);
    let bea = Customer::start(server, "Bea Baker", invoice());
    wait_for_label(&mut alice, "Queues (1)");
    click_label(&mut alice, "Queues (1)");
    accept(&mut alice, "Bea Baker");
    (alice, ann, bea)
}

/// A push offer asks for a desktop notification naming the customer and the queue, with
/// the sound; its box has an Open button that opens the queue's page for the customer;
/// clicking the notification asks the desktop to focus the window.
#[test]
fn an_offer_notifies_and_open_shows_the_queues_page() {
    let server = TestServer::start_with(offers_with_page_config(30));
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::new();
    let mut sam = logged_in_recording(&server, &prefs.path().join("s.json"), "sam", &notifier);
    let pat = Customer::start(&server, "Pat Pending", sales());

    let alert = wait_for_alert(&mut sam, &notifier, "Incoming chat: Pat Pending");
    assert!(
        alert.body.starts_with("Sales · answer within 30s"),
        "{}",
        alert.body
    );
    assert!(alert.body.contains("Initech"), "{}", alert.body);
    assert!(alert.sound, "the chime plays by default");
    assert_eq!(alert.target, AlertTarget::Offer(pat.session_id));

    wait_for_label(&mut sam, "Open");
    click_label(&mut sam, "Open");
    let page = format!(
        "https://crm.example/leads?session={}&name=Pat%20Pending",
        pat.session_id
    );
    assert_eq!(sam.state().opened_urls(), [page]);

    notifier.click(&alert);
    step_until(&mut sam, "the window asks for the focus", |h| {
        h.state().focus_requests() == 1
    });
    expect_label(&mut sam, "Incoming chat");
}

/// A customer writing in a background tab asks for a notification quoting them; the tab
/// flashes (highlighted, then plain, and again) until the rep clicks the notification,
/// which brings that session to the front and stops the flashing.
#[test]
fn a_message_in_a_background_tab_notifies_flashes_and_the_click_brings_it_forward() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::new();
    let (mut alice, mut ann, _bea) = two_sessions(&server, &prefs.path().join("a.json"), &notifier);
    assert!(
        notifier.shown().iter().all(|a| !a.title.ends_with("wrote")),
        "nothing written yet"
    );

    ann.say(&server, "Are you still there?");
    let alert = wait_for_alert(&mut alice, &notifier, "Ann Archer wrote");
    assert_eq!(alert.body, "Are you still there?");
    assert_eq!(alert.target, AlertTarget::Session(ann.session_id));

    let id = ann.session_id;
    step_until(&mut alice, "Ann's tab highlighted", |h| {
        h.state().tab_flash(id) == Some(true)
    });
    step_until(&mut alice, "Ann's tab plain", |h| {
        h.state().tab_flash(id) == Some(false)
    });
    step_until(&mut alice, "Ann's tab highlighted again", |h| {
        h.state().tab_flash(id) == Some(true)
    });
    assert_eq!(alice.state().front().map(|f| f == id), Some(false));

    notifier.click(&alert);
    step_until(&mut alice, "Ann's session in front", |h| {
        h.state().front() == Some(id) && h.state().tab_flash(id).is_none()
    });
    assert_eq!(alice.state().focus_requests(), 1);
    wait_for_label(&mut alice, "Are you still there?");
}

/// With the sound turned off in Settings a
/// notification asks for no sound, and the choice is remembered.
#[test]
fn sound_off_in_settings_asks_for_no_sound() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let prefs_file = prefs.path().join("a.json");
    let notifier = RecordingNotifier::new();
    let (mut alice, mut ann, _bea) = two_sessions(&server, &prefs_file, &notifier);

    click_until_shown(&mut alice, "Settings", "Notification sound");
    click_role(&mut alice, Role::CheckBox, "Notification sound");
    assert!(!alice.state().prefs().alerts.sound);
    assert!(alice.state().prefs().alerts.desktop_notifications);

    ann.say(&server, "Hello?");
    let alert = wait_for_alert(&mut alice, &notifier, "Ann Archer wrote");
    assert!(!alert.sound, "no sound asked for");

    alice.state().flush_prefs();
    let saved = switchboard::prefs::PrefsStore::at(&prefs_file).load();
    assert!(!saved.alerts.sound, "remembered");
}

/// "After N seconds": a reminder toast shows N seconds after the customer's first
/// unanswered message in a session the rep is not looking at; its button goes there.
#[test]
fn reminder_after_n_seconds() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let prefs_file = prefs.path().join("a.json");
    write_alert_prefs(
        &prefs_file,
        AlertPrefs {
            reminder: ReminderMode::AfterSeconds,
            reminder_after_secs: 1,
            ..AlertPrefs::default()
        },
    );
    let notifier = RecordingNotifier::new();
    let (mut alice, mut ann, _bea) = two_sessions(&server, &prefs_file, &notifier);

    ann.say(&server, "Anyone?");
    let text = wait_for_alert_toast(&mut alice, "Reminder: Ann Archer has waited");
    assert!(text.ends_with("for your answer."), "{text}");
    wait_for_label_containing(&mut alice, "Reminder: Ann Archer has waited");

    click_label(&mut alice, "Go to chat");
    step_until(&mut alice, "Ann's session in front, the toast gone", |h| {
        h.state().front() == Some(ann.session_id) && h.state().alert_toasts().is_empty()
    });
}

/// "On every new message": each message of a customer the rep is not looking at brings a
/// reminder toast quoting it (one toast per session, the newest).
#[test]
fn reminder_on_every_message() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let prefs_file = prefs.path().join("a.json");
    write_alert_prefs(
        &prefs_file,
        AlertPrefs {
            reminder: ReminderMode::EveryMessage,
            ..AlertPrefs::default()
        },
    );
    let notifier = RecordingNotifier::new();
    let (mut alice, mut ann, _bea) = two_sessions(&server, &prefs_file, &notifier);

    ann.say(&server, "First question");
    wait_for_alert_toast(&mut alice, "Reminder: Ann Archer wrote: First question");
    ann.say(&server, "Second question");
    wait_for_alert_toast(&mut alice, "Reminder: Ann Archer wrote: Second question");
    assert_eq!(alice.state().alert_toasts().len(), 1, "one per session");
}

/// Where the desktop has no notification service, the alert shows as a toast in the
/// window instead, and its button brings the session forward.
#[test]
fn without_a_notification_service_alerts_become_toasts() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::unavailable();
    let (mut alice, mut ann, _bea) = two_sessions(&server, &prefs.path().join("a.json"), &notifier);

    ann.say(&server, "Is this thing on?");
    wait_for_label(&mut alice, "Ann Archer wrote");
    wait_for_label(&mut alice, "Is this thing on?");
    click_label(&mut alice, "Go to chat");
    step_until(&mut alice, "Ann's session in front", |h| {
        h.state().front() == Some(ann.session_id)
    });
    wait_for_no_label(&mut alice, "Ann Archer wrote");
}

/// A new session in the personal queue asks for a notification; its click shows the
/// queues with that entry's details open.
#[test]
fn a_new_personal_session_notifies() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::new();
    let mut alice = logged_in_recording(&server, &prefs.path().join("a.json"), "alice", &notifier);
    let _cy = Customer::start(
        &server,
        "Cy Cooper",
        Route::Rep {
            rep: "alice".into(),
        },
    );
    let alert = wait_for_alert(&mut alice, &notifier, "New chat for you: Cy Cooper");
    assert!(alert.body.starts_with("Waiting in your personal queue"));

    notifier.click(&alert);
    wait_for_label(&mut alice, "Close details");
    expect_label(&mut alice, "Accept");
}

/// "Waiting activities" counts the push-queue work another rep is being offered, and its
/// Accept takes it: the session opens here and the colleague's offer closes.
#[test]
fn waiting_activities_lists_push_work_to_accept() {
    let server = TestServer::start_with(offers_config(30));
    let prefs = tempfile::tempdir().unwrap();
    let mut sam = logged_in(&server, &prefs.path().join("s.json"), "sam");
    let mut sue = logged_in(&server, &prefs.path().join("u.json"), "sue");
    expect_label(&mut sue, "Waiting activities (0)");
    let mut pat = Customer::start(&server, "Pat Pending", sales());

    // Sam (first by id) is offered Pat; Sue sees the work waiting.
    wait_for_label(&mut sam, "Accept offer");
    wait_for_label(&mut sue, "Waiting activities (1)");
    assert!(!has_label(&sue, "Incoming chat"));
    expect_label(&mut sam, "Waiting activities (0)");

    click_label(&mut sue, "Waiting activities (1)");
    wait_for_label(&mut sue, "Accept");
    click_label(&mut sue, "Accept");
    step_until(&mut sue, "Pat's session open for Sue", |h| {
        has_label(h, "Close session") && has_label(h, "Waiting activities (0)")
    });
    assert_eq!(pat.expect_rep_joined(&server), "Sue Seller");
    wait_for_no_label(&mut sam, "Incoming chat");
}

/// With desktop notifications turned off, alerts show only in the window; nothing goes to
/// the desktop.
#[test]
fn desktop_notifications_off_show_only_toasts() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let prefs_file = prefs.path().join("a.json");
    write_alert_prefs(
        &prefs_file,
        AlertPrefs {
            desktop_notifications: false,
            ..AlertPrefs::default()
        },
    );
    let notifier = RecordingNotifier::new();
    let (mut alice, mut ann, _bea) = two_sessions(&server, &prefs_file, &notifier);

    ann.say(&server, "Quietly now");
    wait_for_label(&mut alice, "Ann Archer wrote");
    assert!(notifier.shown().is_empty(), "{:?}", notifier.shown());
}

/// When the console's window is not focused, even the session in front notifies.
#[test]
fn an_unfocused_window_notifies_for_the_session_in_front() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::new();
    let (mut alice, _ann, mut bea) = two_sessions(&server, &prefs.path().join("a.json"), &notifier);
    let bea_id = bea.session_id;
    assert_eq!(alice.state().front(), Some(bea_id));
    alice
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .focused = Some(false);
    alice.step();

    bea.say(&server, "Hello from the front tab");
    let alert = wait_for_alert(&mut alice, &notifier, "Bea Baker wrote");
    assert_eq!(alert.target, AlertTarget::Session(bea_id));
}

/// An invitation from a colleague notifies the invited rep.
#[test]
fn an_invitation_notifies() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::new();
    let (mut alice, _ivy) = in_session(&server, &prefs.path().join("a.json"), "Ivy Invite");
    let mut bob = logged_in_recording(&server, &prefs.path().join("b.json"), "bob", &notifier);
    share_with(&mut alice, "Billing", "Bob Okafor");

    let alert = wait_for_alert(&mut bob, &notifier, "Invitation from Alice Martin");
    assert_eq!(alert.body, "Join the session with Ivy Invite (Bob Okafor)");
    assert!(matches!(alert.target, AlertTarget::Entry { .. }));
}

/// A lead's whisper to Alice while her queues are in front asks for a notification
/// "Whisper from Grace Lin" quoting it, with whose session it is about; a click brings the
/// session forward. Grace whispers from a raw socket, monitoring the session.
#[test]
fn a_whisper_to_me_notifies() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let notifier = RecordingNotifier::new();
    let mut alice = logged_in_recording(&server, &prefs.path().join("a.json"), "alice", &notifier);
    let ann = Customer::start(&server, "Ann Archer", invoice());
    accept(&mut alice, "Ann Archer");
    click_label(&mut alice, "Queues (0)");
    wait_for_label(&mut alice, "Personal");

    let mut grace = server.block_on(server.server.rep("grace"));
    server.block_on(grace.ok(RepRequest::MonitorSession {
        session_id: ann.session_id,
    }));
    server.block_on(grace.ok(RepRequest::Whisper {
        session_id: ann.session_id,
        client_msg_id: "w1".to_owned(),
        text: "Offer her the refund now".to_owned(),
        to: Some(RepId::new("alice")),
    }));

    let alert = wait_for_alert(&mut alice, &notifier, "Whisper from Grace Lin");
    assert_eq!(
        alert.body,
        "Offer her the refund now\nSession with Ann Archer"
    );
    assert_eq!(alert.target, AlertTarget::Session(ann.session_id));
    assert!(alert.sound, "the chime plays by default");
    notifier.click(&alert);
    step_until(&mut alice, "Ann's session in front", |h| {
        h.state().front() == Some(ann.session_id)
    });
}

/// Ctrl+T obeys what greys Take next: with nobody waiting it asks nothing and says why;
/// once a customer waits it takes them (their session opens).
#[test]
fn ctrl_t_takes_next_only_when_take_next_may() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    alice.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::T);
    step_until(&mut alice, "told why Take next is greyed", |h| {
        h.state()
            .model
            .notices
            .iter()
            .any(|n| n.text == words::NOTHING_WAITING)
    });
    assert_eq!(
        alice.state().model.notices.len(),
        1,
        "no refusal from the server: nothing was asked"
    );

    let _ann = Customer::start(&server, "Ann Archer", invoice());
    wait_for_label(&mut alice, "Queues (1)");
    alice.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::T);
    wait_for_label(&mut alice, "Close session");
}
