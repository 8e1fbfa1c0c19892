//! UI tests of the chat widget's workflow (seed 004): a template inserted with the
//! customer's name, an emoticon, a file sent to the customer (picked or dropped on the
//! window) and one received and saved,
//! older messages of a returning customer, asking for assistance and a team lead stepping
//! in, and "Open external URL". The real console against a real server, by label.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use ui_support::workflow::*;
use ui_support::*;

/// Templates → Greeting puts the greeting, with the customer's and the rep's names filled
/// in, into the composer; Enter sends it.
#[test]
fn a_template_is_inserted_with_the_names_filled_in() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut tessa) =
        in_session(&server, &prefs.path().join("p.json"), "Tessa Template");

    click_label(&mut console, "Templates");
    wait_for_label(&mut console, "Refund timeline");
    click_label(&mut console, "Greeting");
    let greeting = "Hello Tessa Template, I'm Alice Martin. How can I help you today?";
    step_until(&mut console, "the greeting in the composer", |h| {
        composer_text(h) == greeting
    });
    console.key_press(egui::Key::Enter);
    console.step();
    tessa.expect_rep_says(&server, greeting);
}

/// The emoticon picker adds to what is typed.
#[test]
fn an_emoticon_goes_into_the_draft() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, mut emil) = in_session(&server, &prefs.path().join("p.json"), "Emil Emoji");

    type_into(&mut console, Role::MultilineTextInput, "Message", "Thanks");
    click_label(&mut console, "Emoticons");
    wait_for_label(&mut console, "👍");
    for emoticon in switchboard::ui::composer_tools::EMOTICONS {
        expect_label(&mut console, emoticon);
    }
    click_label(&mut console, "👍");
    step_until(&mut console, "the emoticon in the composer", |h| {
        composer_text(h) == "Thanks 👍"
    });
    console.key_press(egui::Key::Enter);
    console.step();
    emil.expect_rep_says(&server, "Thanks 👍");
}

/// "Attach file" sends the picked file: the customer gets it and downloads the same bytes.
/// The customer's file shows in the chat; "Save" writes it where the rep chose.
#[test]
fn files_are_sent_and_received() {
    let server = TestServer::start();
    let files = tempfile::tempdir().unwrap();
    let report = files.path().join("report.txt");
    std::fs::write(&report, "Invoice 1042: paid twice\n").unwrap();
    let save_dir = files.path().join("saved");
    std::fs::create_dir(&save_dir).unwrap();
    let mut console = logged_in_with_files(
        &server,
        &files.path().join("p.json"),
        "alice",
        report,
        save_dir.clone(),
    );
    let (mut fiona, token) = Customer::start_with(&server, "Fiona File", "Initech", invoice());
    accept(&mut console, "Fiona File");

    click_label(&mut console, "Attach file");
    let sent = fiona.expect_file(&server);
    assert_eq!(sent.name, "report.txt");
    assert_eq!(
        customer_downloads(&server, &sent.file_id, &token),
        b"Invoice 1042: paid twice\n"
    );
    wait_for_label(&mut console, "Save report.txt");

    let screenshot = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-a-screenshot".to_vec();
    customer_uploads(&server, fiona.session_id, &token, "error.png", &screenshot);
    wait_for_label(&mut console, "Save error.png");
    click_label(&mut console, "Save error.png");
    let saved = save_dir.join("error.png");
    step_until(&mut console, "the file saved", |_| {
        std::fs::read(&saved).is_ok_and(|bytes| bytes == screenshot)
    });
    wait_for_label_containing(&mut console, "Saved");
}

/// A returning customer (same email) has a "Load older messages" button; it shows the
/// earlier chat above this one.
#[test]
fn older_messages_of_a_returning_customer_load() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("p.json"), "alice");

    let (mut first, _) =
        Customer::start_with_contact(&server, "Rita Return", "rita@example.com", invoice());
    accept(&mut console, "Rita Return");
    first.say(&server, "My March invoice is wrong");
    wait_for_label(&mut console, "My March invoice is wrong");
    end_with_disposition(&mut console);

    let (_second, _) =
        Customer::start_with_contact(&server, "Rita Return", "RITA@example.com", invoice());
    accept(&mut console, "Rita Return");
    assert!(
        !has_label(&console, "My March invoice is wrong"),
        "older messages wait until asked for"
    );
    click_label(&mut console, "Load older messages");
    wait_for_label(&mut console, "My March invoice is wrong");
    wait_for_label_containing(&mut console, "Earlier chat");
    wait_for_label(&mut console, "No older messages.");
}

/// Alice asks for assistance; Grace (a team lead) sees it under Assistance, joins, and has
/// the whole chat in a tab of her own.
#[test]
fn a_team_lead_joins_when_assistance_is_asked() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut ada) = in_session(&server, &prefs.path().join("a.json"), "Ada Assist");
    ada.say(&server, "Nothing works");
    wait_for_label(&mut alice, "Nothing works");
    let mut grace = logged_in(&server, &prefs.path().join("g.json"), "grace");

    click_label(&mut alice, "Ask for assistance");
    wait_for_label(&mut alice, "Withdraw assistance request");
    expect_label(&mut alice, "Assistance requested");
    wait_for_label(&mut grace, "Assistance (1)");
    click_label(&mut grace, "Assistance (1)");
    wait_for_label(&mut grace, "Join");
    click_label(&mut grace, "Join");
    step_until(&mut grace, "Grace in the session", |h| {
        h.query_by_label("Nothing works").is_some() && h.query_by_label("Leave session").is_some()
    });
    assert_eq!(ada.expect_rep_joined(&server), "Grace Lin");
    wait_for_label(&mut grace, "Assistance");
}

/// "Open external URL" opens the configured page with this session and customer filled in.
#[test]
fn the_external_url_opens_with_the_session_filled_in() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut console, customer) = in_session(&server, &prefs.path().join("p.json"), "Uma Url");
    click_label(&mut console, "Open external URL");
    let opened = console.state().opened_urls().to_vec();
    assert_eq!(
        opened,
        [format!(
            "https://crm.example.com/lookup?session={}&customer=Uma%20Url",
            customer.session_id
        )]
    );
}

/// The chat widget's "Invite" and "Transfer chat" do what Share and Transfer do, also with
/// the chat in its own window; for a participant they are greyed with the reason.
#[test]
fn invite_and_transfer_from_the_chat_widget() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, _ivy) = in_session(&server, &prefs.path().join("a.json"), "Ivy Invite");
    let mut bob = logged_in(&server, &prefs.path().join("b.json"), "bob");
    click_label(&mut alice, "Unpin chat");
    wait_for_label(&mut alice, "The chat is in its own window (unpinned).");

    click_label(&mut alice, "Invite");
    wait_for_label(&mut alice, "Billing");
    click_label(&mut alice, "Billing");
    step_until(&mut alice, "Bob in the Billing list", |h| {
        h.query_by_role_and_label(Role::Button, "Bob Okafor")
            .is_some()
    });
    click_role(&mut alice, Role::Button, "Bob Okafor");
    let row = "Invitation: Ivy Invite (from Alice Martin)";
    wait_for_label(&mut bob, row);
    double_click_label(&mut bob, row);
    step_until(&mut bob, "Bob in the session", |h| {
        has_label(h, "Leave session")
    });
    assert!(is_disabled(&bob, "Invite"), "only the owner invites");
    assert!(is_disabled(&bob, "Transfer chat"));
    wait_for_tooltip(
        &mut bob,
        "Transfer chat",
        "Only the session owner can transfer",
    );

    click_label(&mut alice, "Transfer chat");
    wait_for_label(&mut alice, "Transfer session");
}

/// A file dropped on the window while a session is in front is sent to its customer, as
/// "Attach file" would.
#[test]
fn a_dropped_file_is_sent_to_the_customer_in_front() {
    #[derive(Debug)]
    struct Dropped(std::path::PathBuf);
    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &std::path::Path {
            &self.0
        }
        fn bytes(&self) -> Result<Vec<u8>, String> {
            std::fs::read(&self.0).map_err(|e| e.to_string())
        }
    }

    let server = TestServer::start();
    let files = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &files.path().join("p.json"), "alice");
    let (mut dora, dora_token) = Customer::start_with(&server, "Dora Drop", "Initech", invoice());
    accept(&mut console, "Dora Drop");

    let log = files.path().join("crash.log");
    std::fs::write(&log, "panic at line 42\n").unwrap();
    console
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(log)));
    console.step();
    let sent = dora.expect_file(&server);
    assert_eq!(sent.name, "crash.log");
    assert_eq!(
        customer_downloads(&server, &sent.file_id, &dora_token),
        b"panic at line 42\n"
    );
    wait_for_label(&mut console, "Save crash.log");
}

/// A long chat arrives with its newest part only (the server keeps snapshots small); "Show
/// earlier messages" pages the rest in above it, and goes when there is no more.
#[test]
fn earlier_messages_of_a_long_chat_page_in() {
    let config = format!(
        "{}\n[limits]\nsnapshot_chat_messages = 3\n",
        switchboard_server::config::DEMO_CONFIG
    );
    let server = TestServer::start_with(std::sync::Arc::new(
        switchboard_server::config::Config::from_toml(&config).unwrap(),
    ));
    let prefs = tempfile::tempdir().unwrap();
    let mut console = logged_in(&server, &prefs.path().join("p.json"), "alice");
    let mut customer = Customer::start(&server, "Lena Long", invoice());
    for line in ["one", "two", "three", "four", "five", "six"] {
        customer.say(&server, &format!("Message {line}"));
    }
    accept(&mut console, "Lena Long");
    wait_for_label(&mut console, "Message six");
    assert!(
        !has_label(&console, "Message one"),
        "the start of a long chat waits until asked for"
    );
    click_label(&mut console, "Show earlier messages");
    wait_for_label(&mut console, "Message one");
    step_until(&mut console, "the button gone", |h| {
        h.query_by_label("Show earlier messages").is_none()
    });
}
