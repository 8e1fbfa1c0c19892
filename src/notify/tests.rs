//! Unit tests of the pure parts: which events alert and how they read, and when a waiting
//! customer earns a reminder.

use super::events::alert_for;
use super::reminders::{Reminder, Reminders, first_unanswered, on_change, reminder_due_at};
use super::{Alert, AlertTarget};
use crate::model::Model;
use switchboard_protocol::{
    Author, ChatMessage, CustomerInfo, EntryPath, InvitationId, InvitationInfo, InviteTarget,
    MessageId, Offer, Permissions, Presence, QueueEntry, QueueMode, QueueRef, QueueView, RepEvent,
    RepId, RepInfo, RepServerMessage, RepSnapshot, SessionId, SessionInfo, SessionKind,
    SessionView, TeamId, TeamInfo, UnixMillis, Visibility,
};

const T0: UnixMillis = 1_767_261_000_000;

fn rep_info(id: &str, name: &str) -> RepInfo {
    RepInfo {
        rep: RepId::new(id),
        display_name: name.to_owned(),
        teams: vec![TeamId::new("sales")],
        presence: Presence::Available,
        extended_availability: false,
    }
}

fn personal() -> QueueRef {
    QueueRef::Personal {
        rep: RepId::new("sam"),
    }
}

fn sales() -> QueueRef {
    QueueRef::Team {
        team: TeamId::new("sales"),
    }
}

fn customer(name: &str) -> CustomerInfo {
    CustomerInfo {
        name: name.to_owned(),
        company: Some("Initech".to_owned()),
        question: Some("It is broken".to_owned()),
        contact: None,
    }
}

fn entry(session: u64, queue: QueueRef, name: &str) -> QueueEntry {
    QueueEntry {
        entry_id: format!("session:{session}"),
        queue,
        session_id: SessionId(session),
        customer: customer(name),
        issue: None,
        kind: SessionKind::Standard,
        entry_path: EntryPath::General,
        entered_queue_at: T0,
        session_started_at: T0,
        important: false,
        history: Vec::new(),
        session_key: None,
        invitation: None,
    }
}

fn session(session: u64, name: &str, chat: Vec<ChatMessage>) -> SessionView {
    SessionView {
        session: SessionInfo {
            session_id: SessionId(session),
            customer: customer(name),
            customer_connected: true,
            issue: None,
            kind: SessionKind::Standard,
            entry_path: EntryPath::General,
            started_at: T0,
            owner: Some(RepId::new("sam")),
            participants: vec![RepId::new("sam")],
            waiting_in: None,
            important: false,
            disposition: None,
            history: Vec::new(),
            invitations: Vec::new(),
            ended: false,
            assistance: false,
            has_history: false,
            remote: Default::default(),
            monitors: Default::default(),
        },
        chat,
        earlier_chat: false,
    }
}

fn said(
    id: u64,
    session: u64,
    author: Author,
    visibility: Visibility,
    at_secs: u64,
) -> ChatMessage {
    ChatMessage {
        id: MessageId(id),
        session_id: SessionId(session),
        author,
        text: format!("message {id}"),
        visibility,
        at: T0 + at_secs * 1000,
        client_msg_id: None,
        attachment: None,
        whisper_to: Default::default(),
    }
}

fn by_customer(id: u64, session: u64, at_secs: u64) -> ChatMessage {
    let author = Author::Customer {
        name: "Pat".to_owned(),
    };
    said(id, session, author, Visibility::Public, at_secs)
}

fn by_rep(id: u64, session: u64, visibility: Visibility, at_secs: u64) -> ChatMessage {
    let author = Author::Rep {
        rep: RepId::new("sam"),
        name: "Sam Seller".to_owned(),
    };
    said(id, session, author, visibility, at_secs)
}

/// Sam, in the push team Sales, with sessions 1 (Pat) and 2 (Quinn) open.
fn model(chat_1: Vec<ChatMessage>) -> Model {
    let mut model = Model::new();
    let state = RepSnapshot {
        me: rep_info("sam", "Sam Seller"),
        permissions: Permissions {
            general_queue: false,
            share_outside_teams: false,
            transfer: true,
            max_sessions: 4,
            lead: false,
            screen: Default::default(),
            shell: false,
            support_button: false,
            jump_client: false,
            elevate: false,
            monitor: Default::default(),
            take_over: Default::default(),
            whisper: Default::default(),
        },
        reps: vec![rep_info("sam", "Sam Seller"), rep_info("sue", "Sue Seller")],
        teams: vec![TeamInfo {
            team: TeamId::new("sales"),
            display_name: "Sales".to_owned(),
            mode: QueueMode::Push,
            members: vec![RepId::new("sam"), RepId::new("sue")],
        }],
        issues: Vec::new(),
        dispositions: Vec::new(),
        require_disposition: false,
        queues: vec![
            QueueView {
                queue: personal(),
                mode: QueueMode::Pull,
                entries: Vec::new(),
                service_level: Default::default(),
            },
            QueueView {
                queue: sales(),
                mode: QueueMode::Push,
                entries: vec![entry(9, sales(), "Old Waiter")],
                service_level: Default::default(),
            },
        ],
        sessions: vec![session(1, "Pat", chat_1), session(2, "Quinn", Vec::new())],
        offer: None,
        team_chat: Vec::new(),
        templates: Vec::new(),
        external_url: None,
        assistance: Vec::new(),
        dashboard: Default::default(),
    };
    model.apply(RepServerMessage::Snapshot {
        seq: 10,
        state: Box::new(state),
    });
    model
}

fn event(seq: u64, event: RepEvent) -> RepServerMessage {
    RepServerMessage::Event { seq, event }
}

fn chat(message: ChatMessage) -> RepServerMessage {
    event(11, RepEvent::Chat { message })
}

/// The alert `message` earns: applied to a copy of `model`, judged from what it changed.
fn alert_after(
    model: &Model,
    message: &RepServerMessage,
    looking_at: Option<SessionId>,
    sound: bool,
) -> Option<Alert> {
    let mut after = model.clone();
    let changes = after.apply(message.clone());
    changes
        .iter()
        .find_map(|change| alert_for(&after, change, looking_at, sound))
}

/// The "every message" reminder `message` earns, the same way.
fn on_message(
    model: &Model,
    message: &RepServerMessage,
    looking_at: Option<SessionId>,
) -> Option<Reminder> {
    let mut after = model.clone();
    let changes = after.apply(message.clone());
    changes
        .iter()
        .find_map(|change| on_change(&after, change, looking_at))
}

/// A push offer alerts with the customer, the queue, the answer time and their details;
/// a click leads to the offer.
#[test]
fn an_offer_alerts() {
    let model = model(Vec::new());
    let offer = Offer {
        entry: entry(5, sales(), "Pat Pending"),
        offered_at: T0,
        deadline: T0 + 20_000,
        url: None,
    };
    let alert = alert_after(
        &model,
        &event(11, RepEvent::OfferMade { offer }),
        None,
        true,
    );
    assert_eq!(
        alert,
        Some(Alert {
            title: "Incoming chat: Pat Pending".to_owned(),
            body: "Sales · answer within 20s · Initech\nIt is broken".to_owned(),
            target: AlertTarget::Offer(SessionId(5)),
            sound: true,
        })
    );
}

/// A customer's message alerts when the rep is not looking at its session, with the
/// sound only when asked for; not when they are, and never twice for the same message.
#[test]
fn a_customer_message_alerts_unless_seen() {
    let model = model(vec![by_customer(1, 1, 0)]);
    let new = chat(by_customer(2, 1, 5));
    let alert = alert_after(&model, &new, Some(SessionId(2)), false).unwrap();
    assert_eq!(alert.title, "Pat wrote");
    assert_eq!(alert.body, "message 2");
    assert_eq!(alert.target, AlertTarget::Session(SessionId(1)));
    assert!(!alert.sound);
    assert!(
        alert_after(&model, &new, None, true).is_some(),
        "queues in front"
    );
    assert_eq!(
        alert_after(&model, &new, Some(SessionId(1)), true),
        None,
        "in front"
    );
    let repeat = chat(by_customer(1, 1, 0));
    assert_eq!(
        alert_after(&model, &repeat, None, true),
        None,
        "already shown"
    );
    let replayed = event(
        10,
        RepEvent::Chat {
            message: by_customer(3, 1, 6),
        },
    );
    assert_eq!(
        alert_after(&model, &replayed, None, true),
        None,
        "resume overlap"
    );
    let own = chat(by_rep(4, 1, Visibility::Public, 7));
    assert_eq!(alert_after(&model, &own, None, true), None, "the rep's own");
}

/// New sessions in the personal queue alert, updates of known entries and new entries in
/// team queues do not; an invitation from a colleague alerts wherever it lands.
#[test]
fn new_personal_sessions_and_invitations_alert() {
    let model = model(Vec::new());
    let upsert = |entry| event(11, RepEvent::EntryUpserted { entry });
    let alert = alert_after(&model, &upsert(entry(7, personal(), "Ann")), None, true).unwrap();
    assert_eq!(alert.title, "New chat for you: Ann");
    assert_eq!(
        alert.target,
        AlertTarget::Entry {
            queue: personal(),
            entry_id: "session:7".to_owned()
        }
    );
    assert_eq!(
        alert_after(&model, &upsert(entry(8, sales(), "Bo")), None, true),
        None
    );
    assert_eq!(
        alert_after(&model, &upsert(entry(9, sales(), "Old Waiter")), None, true),
        None
    );

    let mut invited = entry(10, sales(), "Cy");
    invited.entry_id = "invitation:3".to_owned();
    invited.invitation = Some(InvitationInfo {
        invitation_id: InvitationId(3),
        inviter: RepId::new("sue"),
        target: InviteTarget::Team {
            team: TeamId::new("sales"),
        },
        created_at: T0,
    });
    let alert = alert_after(&model, &upsert(invited.clone()), None, true).unwrap();
    assert_eq!(alert.title, "Invitation from Sue Seller");
    assert_eq!(
        alert.body,
        "Join the session with Cy (Any Representative in Sales)"
    );
    if let Some(invitation) = &mut invited.invitation {
        invitation.inviter = RepId::new("sam");
    }
    assert_eq!(
        alert_after(&model, &upsert(invited), None, true),
        None,
        "my own"
    );
}

/// The first unanswered message is the customer's first since the last public rep answer;
/// a note between reps answers nobody, and nothing waits once a rep answered.
#[test]
fn first_unanswered_message() {
    assert_eq!(first_unanswered(&[]), None);
    let chat = vec![
        by_customer(1, 1, 0),
        by_rep(2, 1, Visibility::Public, 10),
        by_customer(3, 1, 20),
        by_rep(4, 1, Visibility::Reps, 25),
        by_customer(5, 1, 30),
    ];
    assert_eq!(first_unanswered(&chat).map(|m| m.id), Some(MessageId(3)));
    assert_eq!(
        reminder_due_at(&chat, 45),
        Some((MessageId(3), T0 + 65_000))
    );
    assert_eq!(first_unanswered(&chat[..2]), None, "answered");
    assert_eq!(
        first_unanswered(&chat[..1]).map(|m| m.id),
        Some(MessageId(1))
    );
}

/// "After N seconds": a session the rep is not looking at is reminded of once N seconds
/// after the first unanswered message, not before, and once per wait; until then the next
/// due time is reported. The session in front is never reminded of.
#[test]
fn reminder_after_n_seconds_once_per_wait() {
    let mut model = model(vec![by_customer(1, 1, 0), by_customer(2, 1, 3)]);
    let mut reminders = Reminders::default();

    let (due, next) = reminders.due(&model, None, T0 + 9_999, 10);
    assert!(due.is_empty());
    assert_eq!(next, Some(T0 + 10_000));

    let (due, _) = reminders.due(&model, Some(SessionId(1)), T0 + 12_000, 10);
    assert!(due.is_empty(), "the rep is looking at it");

    let (due, next) = reminders.due(&model, Some(SessionId(2)), T0 + 12_000, 10);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].text, "Reminder: Pat has waited 12s for your answer.");
    assert_eq!(due[0].target, AlertTarget::Session(SessionId(1)));
    assert_eq!(next, None);
    assert!(
        reminders.due(&model, None, T0 + 60_000, 10).0.is_empty(),
        "once"
    );

    // The rep answers; the customer writes again: a new wait, a new reminder.
    model.apply(chat(by_rep(3, 1, Visibility::Public, 70)));
    model.apply(event(
        12,
        RepEvent::Chat {
            message: by_customer(4, 1, 80),
        },
    ));
    assert!(reminders.due(&model, None, T0 + 85_000, 10).0.is_empty());
    assert_eq!(reminders.due(&model, None, T0 + 90_000, 10).0.len(), 1);
}

/// "On every new message": each new customer message in a session the rep is not
/// looking at earns a reminder quoting it.
#[test]
fn reminder_on_every_message() {
    let model = model(Vec::new());
    let reminder = on_message(&model, &chat(by_customer(1, 2, 0)), Some(SessionId(1))).unwrap();
    assert_eq!(reminder.text, "Reminder: Quinn wrote: message 1");
    assert_eq!(reminder.target, AlertTarget::Session(SessionId(2)));
    assert_eq!(
        on_message(&model, &chat(by_customer(1, 2, 0)), Some(SessionId(2))),
        None
    );
    let own = chat(by_rep(2, 2, Visibility::Public, 1));
    assert_eq!(on_message(&model, &own, None), None);
}

/// A whisper from Grace (a lead) to Sam in session `session`.
fn whispered(id: u64, session: u64, to: &str, text: &str) -> ChatMessage {
    ChatMessage {
        author: Author::Rep {
            rep: RepId::new("grace"),
            name: "Grace Lin".to_owned(),
        },
        text: text.to_owned(),
        whisper_to: Some(RepId::new(to)),
        ..said(id, session, Author::System, Visibility::Whisper, 5)
    }
}

/// A lead's whisper to the rep alerts like a customer's message ("Whisper from Grace Lin",
/// what she wrote cut like any quote, whose session), with the sound only when asked for;
/// not while the rep looks at the session, and never one meant for someone else. A click
/// leads to the session.
#[test]
fn a_whisper_to_me_alerts_unless_seen() {
    let model = model(Vec::new());
    let long = "Offer the refund, then ".to_owned() + &"check the invoice again ".repeat(10);
    let new = chat(whispered(1, 2, "sam", &long));
    let alert = alert_after(&model, &new, Some(SessionId(1)), false).unwrap();
    assert_eq!(alert.title, "Whisper from Grace Lin");
    let (quoted, about) = alert.body.split_once('\n').unwrap();
    assert!(
        quoted.starts_with("Offer the refund, then check"),
        "{quoted}"
    );
    assert!(quoted.ends_with('…'), "cut: {quoted}");
    assert_eq!(
        quoted.chars().count(),
        161,
        "160 characters and the ellipsis"
    );
    assert_eq!(about, "Session with Quinn");
    assert_eq!(alert.target, AlertTarget::Session(SessionId(2)));
    assert!(!alert.sound);
    assert!(alert_after(&model, &new, None, true).unwrap().sound);
    assert_eq!(
        alert_after(&model, &new, Some(SessionId(2)), true),
        None,
        "in front"
    );
    let to_sue = chat(whispered(2, 2, "sue", "psst"));
    assert_eq!(alert_after(&model, &to_sue, None, true), None, "for Sue");
    assert_eq!(
        on_message(&model, &new, None),
        None,
        "a whisper is no customer waiting"
    );
}
