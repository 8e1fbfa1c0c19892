//! `cargo bench --bench queue_view`: CPU time per frame of the console's two big views,
//! laid out by egui in a kittest harness: the queue view (the real `queues_ui`) with 1,000
//! and 10,000 waiting sessions, steady and with the data changing so the queue is
//! re-sorted; and the session view (the real `session_ui`) with a 2,000-message chat,
//! steady and with a message arriving every frame.

#![allow(clippy::unwrap_used)]

use egui_kittest::Harness;

#[path = "support/frames.rs"]
mod frames;
use switchboard::model::Model;
use switchboard::prefs::Prefs;
use switchboard::ui::queues::{QueuesState, queues_ui};
use switchboard_protocol::*;

/// CPU time of this thread in nanoseconds (the first field of schedstat), or wall time if unavailable.
fn entry(i: u64, queue: &QueueRef, now: u64) -> QueueEntry {
    QueueEntry {
        entry_id: format!("session:{i}"),
        queue: queue.clone(),
        session_id: SessionId(i),
        customer: CustomerInfo {
            name: format!("Customer {:05}", (i * 7919) % 100_000),
            company: (!i.is_multiple_of(3)).then(|| format!("Company {}", i % 97)),
            question: None,
            contact: None,
        },
        issue: (i.is_multiple_of(2)).then(|| IssueId::from("invoice")),
        kind: if i.is_multiple_of(5) {
            SessionKind::Browser
        } else {
            SessionKind::Standard
        },
        entry_path: EntryPath::Issue,
        entered_queue_at: now - (i * 37) % 3_600_000,
        session_started_at: now - (i * 41) % 3_600_000,
        important: i.is_multiple_of(11),
        history: Vec::new(),
        session_key: None,
        invitation: None,
    }
}

fn model_with(waiting: u64, now: u64) -> Model {
    let rep = RepId::from("alice");
    let queue = QueueRef::Team {
        team: TeamId::from("billing"),
    };
    let snapshot = RepSnapshot {
        me: RepInfo {
            rep: rep.clone(),
            display_name: "Alice".into(),
            teams: vec![TeamId::from("billing")],
            presence: Presence::Available,
            extended_availability: false,
        },
        permissions: Permissions {
            general_queue: true,
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
        reps: vec![],
        teams: vec![TeamInfo {
            team: TeamId::from("billing"),
            display_name: "Billing".into(),
            mode: QueueMode::Pull,
            members: vec![rep.clone()],
        }],
        issues: vec![],
        dispositions: vec![],
        require_disposition: false,
        queues: vec![
            QueueView {
                queue: QueueRef::Personal { rep },
                mode: QueueMode::Pull,
                entries: vec![],
                service_level: Default::default(),
            },
            QueueView {
                queue: queue.clone(),
                mode: QueueMode::Pull,
                entries: (1..=waiting).map(|i| entry(i, &queue, now)).collect(),
                service_level: Default::default(),
            },
        ],
        sessions: vec![],
        offer: None,
        team_chat: vec![],
        templates: vec![],
        external_url: None,
        assistance: vec![],
        dashboard: Default::default(),
    };
    let mut model = Model::new();
    model.apply(RepServerMessage::Snapshot {
        seq: 0,
        state: Box::new(snapshot),
    });
    model
}

/// What the bench's frames draw from.
struct Screen {
    model: Model,
    prefs: Prefs,
    queues: QueuesState,
}

fn measure(waiting: u64, frames: u32, change_every_frame: bool) -> f64 {
    let now = 1_800_000_000_000;
    let queue = QueueRef::Team {
        team: TeamId::from("billing"),
    };
    let screen = Screen {
        model: model_with(waiting, now),
        prefs: Prefs::default(),
        queues: QueuesState::default(),
    };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        // The console's fonts (the sort arrows need Hack).
        .with_context_setup(switchboard::app::install_fonts)
        .build_ui_state(
            move |ui, screen: &mut Screen| {
                let mut intents = Vec::new();
                queues_ui(
                    ui,
                    &screen.model,
                    &screen.prefs,
                    &mut screen.queues,
                    now,
                    &mut intents,
                );
            },
            screen,
        );
    frames::ms_per_frame(&mut harness, frames, |harness, seq| {
        if change_every_frame {
            harness.state_mut().model.apply(RepServerMessage::Event {
                seq,
                event: RepEvent::EntryUpserted {
                    entry: entry(waiting + seq, &queue, now),
                },
            });
        }
    })
}

/// A model with one session whose chat has `messages` messages, customer and rep in turn.
fn session_model(messages: u64, now: u64) -> Model {
    let mut model = model_with(0, now);
    let session = SessionInfo {
        session_id: SessionId(1),
        customer: CustomerInfo {
            name: "Pat Doe".into(),
            company: Some("Initech".into()),
            question: Some("The printer is on fire".into()),
            contact: None,
        },
        customer_connected: true,
        issue: None,
        kind: SessionKind::Standard,
        entry_path: EntryPath::Issue,
        started_at: now - 3_600_000,
        owner: Some(RepId::from("alice")),
        participants: vec![RepId::from("alice")],
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
    };
    let chat = (1..=messages).map(|i| chat_message(i, now)).collect();
    model.apply(RepServerMessage::Event {
        seq: 1,
        event: RepEvent::SessionJoined {
            view: SessionView {
                session,
                chat,
                earlier_chat: false,
            },
        },
    });
    model
}

fn chat_message(i: u64, now: u64) -> ChatMessage {
    let author = if i.is_multiple_of(2) {
        Author::Customer {
            name: "Pat Doe".into(),
        }
    } else {
        Author::Rep {
            rep: RepId::from("alice"),
            name: "Alice".into(),
        }
    };
    ChatMessage {
        id: MessageId(i),
        session_id: SessionId(1),
        author,
        text: format!("Message {i}: the quick brown fox jumps over the lazy dog, twice over."),
        visibility: Visibility::Public,
        at: now - 3_600_000 + i * 1_000,
        client_msg_id: None,
        attachment: None,
        whisper_to: Default::default(),
    }
}

/// What the session bench's frames draw from.
struct SessionScreen {
    model: Model,
    prefs: Prefs,
    draft: switchboard::ui::chat::ChatDraft,
}

fn measure_session(messages: u64, frames: u32, message_every_frame: bool) -> f64 {
    let now = 1_800_000_000_000;
    let screen = SessionScreen {
        model: session_model(messages, now),
        prefs: Prefs::default(),
        draft: Default::default(),
    };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(switchboard::app::install_fonts)
        .build_ui_state(
            move |ui, screen: &mut SessionScreen| {
                let mut intents = Vec::new();
                if let Some(session) = screen.model.sessions.get(&SessionId(1)) {
                    switchboard::ui::session::session_ui(
                        ui,
                        &screen.model,
                        &screen.prefs,
                        session,
                        &mut screen.draft,
                        switchboard::ui::session::ScreenArgs {
                            bar: None,
                            stream: None,
                            view: &mut Default::default(),
                        },
                        &mut intents,
                    );
                }
            },
            screen,
        );
    frames::ms_per_frame(&mut harness, frames, |harness, frame| {
        if message_every_frame {
            harness.state_mut().model.apply(RepServerMessage::Event {
                seq: 1 + frame,
                event: RepEvent::Chat {
                    message: chat_message(messages + frame, now),
                },
            });
        }
    })
}

fn main() {
    println!("queue view, CPU time per frame (release build, layout only, 1280x800):");
    for waiting in [1_000u64, 10_000] {
        let steady = measure(waiting, 200, false);
        let changing = measure(waiting, 200, true);
        println!(
            "  {waiting:>6} waiting: {steady:.2} ms per frame steady, {changing:.2} ms per frame when an entry arrives every frame (re-sort included)"
        );
    }
    println!("session view, CPU time per frame (release build, layout only, 1280x800):");
    for messages in [200u64, 2_000] {
        let steady = measure_session(messages, 100, false);
        let changing = measure_session(messages, 100, true);
        println!(
            "  {messages:>6} messages: {steady:.2} ms per frame steady, {changing:.2} ms per frame when a message arrives every frame"
        );
    }
}
