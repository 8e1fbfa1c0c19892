//! UI tests of supervision in the session tab (issue 15), against the real server with the
//! demo configuration: Grace Lin (a lead of Billing) monitors Alice's session from her
//! Dashboard; Alice's console reads "Grace Lin is monitoring"; Grace's tab shows the
//! monitoring strip and a whisper composer; her whisper reaches Alice's console (captioned
//! "Whisper from Grace Lin") and neither Bob (a second rep in the session, a raw socket) nor
//! the customer; Grace takes over (Alice stays): Grace gets the owner's "Close session",
//! Alice's turns into "Leave session". The top bar's load ("0 / 5 sessions", then "1 / 5")
//! and Take next, which opens the customer waiting longest in front.

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use switchboard::text::supervision as words;
use switchboard_protocol::{CustomerServerMessage, QueueRef, RepEvent, RepRequest, Visibility};
use ui_support::*;

const CUSTOMER: &str = "Jane Doe";
const WHISPER: &str = "Offer her the refund now";
const AFTER: &str = "One moment please";

/// Bob, on a raw socket, invited by Alice's console (Share → Representatives → Bob Okafor)
/// and in the session.
fn bob_joins(server: &TestServer, console: &mut Console) -> switchboard_testkit::RepClient {
    let mut bob = server.block_on(server.server.rep("bob"));
    share_with(console, "Representatives", "Bob Okafor");
    let personal = QueueRef::Personal {
        rep: switchboard_protocol::RepId::new("bob"),
    };
    let invitation_id = server.block_on(async {
        bob.event("bob's invitation", |e| match e {
            RepEvent::EntryUpserted { entry } if entry.queue == personal => {
                entry.invitation.as_ref().map(|i| i.invitation_id)
            }
            _ => None,
        })
        .await
    });
    server.block_on(bob.ok(RepRequest::AcceptInvitation { invitation_id }));
    let bob_id = switchboard_protocol::RepId::new("bob");
    step_until(console, "Bob in the session", |h| {
        h.state()
            .model
            .sessions
            .values()
            .any(|s| s.info.participants.contains(&bob_id))
    });
    bob
}

/// Grace opens her Dashboard and monitors the customer's session: its tab comes forward
/// with the monitoring strip.
fn grace_monitors(console: &mut Console, customer: &str) {
    use switchboard::ui::dashboard::{DASHBOARD, sessions};
    // One session in progress in Grace's teams: the customer's.
    click_until_shown(console, DASHBOARD, &sessions::title(1));
    let monitor = sessions::monitor_label(customer);
    wait_for_label(console, &monitor);
    click_label(console, &monitor);
    wait_for_label(console, words::MONITORING);
}

/// The whole path: monitored (the rep is told, the customer is not), a whisper only the
/// owner sees, then a take-over that moves the owner-only actions.
#[test]
fn grace_monitors_whispers_and_takes_over() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut customer) = in_session(&server, &prefs.path().join("alice.json"), CUSTOMER);
    let mut bob = bob_joins(&server, &mut alice);
    let mut grace = logged_in(&server, &prefs.path().join("grace.json"), "grace");

    grace_monitors(&mut grace, CUSTOMER);
    wait_for_label(&mut alice, "Grace Lin is monitoring");
    // Monitoring, Grace cannot write to the customer: the composer whispers.
    assert!(
        grace
            .query_by_role_and_label(Role::MultilineTextInput, "Message")
            .is_none(),
        "no public composer while monitoring"
    );
    // Whispers go to the owner unless Grace picks another rep.
    step_until(&mut grace, "Whisper to: Alice Martin (owner)", |h| {
        h.query_by(|n| {
            n.role() == Role::ComboBox && n.value().as_deref() == Some("Alice Martin (owner)")
        })
        .is_some()
    });

    type_into(
        &mut grace,
        Role::MultilineTextInput,
        words::WHISPER_FIELD,
        WHISPER,
    );
    click_label(&mut grace, words::WHISPER_SEND);
    wait_for_label(&mut alice, WHISPER);
    wait_for_label(&mut alice, &words::whisper_from("Grace Lin"));
    wait_for_label(&mut grace, &words::whisper_to("Alice Martin"));

    // Alice writes after the whisper: Bob and the customer get that, and never the whisper.
    send_in_composer(&mut alice, AFTER);
    server.block_on(async {
        bob.event("Alice's message after the whisper", |e| match e {
            RepEvent::Chat { message } => {
                assert_ne!(message.text, WHISPER, "Bob got the whisper");
                assert_ne!(message.visibility, Visibility::Whisper, "Bob got a whisper");
                (message.text == AFTER).then_some(())
            }
            _ => None,
        })
        .await
    });
    customer.expect(&server, "Alice's message after the whisper", |m| match m {
        CustomerServerMessage::Chat { message } => {
            assert_ne!(message.text, WHISPER, "the customer got the whisper");
            (message.text == AFTER).then_some(())
        }
        _ => None,
    });

    // Take over, Alice stays: the owner's actions move from Alice to Grace.
    assert!(has_label(&alice, "Close session"));
    click_label(&mut grace, &format!("{} ▾", words::TAKE_OVER));
    click_label(&mut grace, &words::take_over_stay("Alice Martin"));
    wait_for_label(&mut grace, "Close session");
    wait_for_no_label(&mut grace, words::MONITORING);
    wait_for_label(&mut alice, "Leave session");
    assert!(!has_label(&alice, "Close session"));
    step_until(&mut grace, "Grace owns the session", |h| {
        let model = &h.state().model;
        model.sessions.values().any(|s| model.owns(&s.info))
    });
}

/// The load against the cap and Take next: greyed with why while nobody waits; with two
/// customers waiting, it opens the one who waited longest in front and the load counts it.
#[test]
fn take_next_opens_the_longest_waiting_customer() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("alice.json"), "alice");
    wait_for_label(&mut alice, &words::load(0, 5));
    expect_greyed(&mut alice, words::TAKE_NEXT, words::NOTHING_WAITING);

    let _first = Customer::start(&server, "First Waiting", invoice());
    wait_for_label(&mut alice, "First Waiting");
    let _second = Customer::start(&server, "Second Waiting", invoice());
    wait_for_label(&mut alice, "Second Waiting");
    step_until(&mut alice, "Take next enabled", |h| {
        !is_disabled(h, words::TAKE_NEXT)
    });
    click_label(&mut alice, words::TAKE_NEXT);
    step_until(&mut alice, "First Waiting's tab in front", |h| {
        h.query_by_role_and_label(Role::Button, "First Waiting")
            .is_some_and(|tab| {
                tab.accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
            })
            && h.query_by_label("Close session").is_some()
    });
    wait_for_label(&mut alice, &words::load(1, 5));
    let waiting: Vec<String> = alice
        .state()
        .model
        .queues
        .iter()
        .flat_map(|q| &q.entries)
        .map(|e| e.customer.name.clone())
        .collect();
    assert_eq!(waiting, ["Second Waiting"], "the later one still waits");
}

/// A rep at their cap: the load reads in full and Take next is greyed with the cap.
#[test]
fn at_the_cap_take_next_is_greyed() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    // Hiro's cap is 2 (demo configuration).
    let mut hiro = logged_in(&server, &prefs.path().join("hiro.json"), "hiro");
    wait_for_label(&mut hiro, &words::load(0, 2));
    let route = switchboard_protocol::Route::Issue {
        issue: "login".into(),
    };
    let _customers: Vec<Customer> = ["One Tech", "Two Tech", "Three Tech"]
        .into_iter()
        .map(|name| {
            let customer = Customer::start(&server, name, route.clone());
            wait_for_label(&mut hiro, name);
            customer
        })
        .collect();
    for (at, name) in ["One Tech", "Two Tech"].into_iter().enumerate() {
        accept(&mut hiro, name);
        wait_for_label(&mut hiro, &words::load(at + 1, 2));
        click_label(&mut hiro, &switchboard::text::queues_tab(3 - at - 1));
    }
    expect_greyed(&mut hiro, words::TAKE_NEXT, &words::at_cap(2));
}
