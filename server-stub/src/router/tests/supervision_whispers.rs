//! Issue 15, whispers: a lead's line only its author and `whisper_to` (by default the
//! owner) ever read — not the customer, not the other reps or monitors, not in anyone
//! else's session view, `load_chat` page or customer resume — checked request by request,
//! then over random sequences of requests.

use super::supervision::{leads_harness, sup, tech_session};
use super::support::*;
use crate::router::effects::Effect;
use crate::router::{Input, Router, rep_sees_message};
use proptest::prelude::*;
use switchboard_protocol::{
    Author, ChatMessage, CustomerServerMessage, ErrorCode, OkResult, PreviousOwner, RepEvent,
    RepRequest, SessionId, Visibility,
};

fn whispered(h: &mut Harness, who: &str, request: RepRequest) -> (ChatMessage, Vec<Effect>) {
    h.chat(who, request)
}

/// Every rep a `chat` event carrying message `text` went to.
fn chat_told(effects: &[Effect], text: &str) -> std::collections::BTreeSet<String> {
    reps_told(
        effects,
        |e| matches!(e, RepEvent::Chat { message } if message.text == text),
    )
}

/// Whether `who` can read a message with `text` in their snapshot or a `load_chat` page of
/// session `id`.
fn reads(h: &mut Harness, who: &str, id: SessionId, text: &str) -> bool {
    let in_snapshot = h
        .snap(who)
        .sessions
        .iter()
        .filter(|v| v.session.session_id == id)
        .any(|v| v.chat.iter().any(|m| m.text == text));
    let page = h.request(
        who,
        RepRequest::LoadChat {
            session_id: id,
            before: switchboard_protocol::MessageId(u64::MAX),
        },
    );
    let in_page = matches!(page.0, Ok(Some(OkResult::ChatPage { messages, .. }))
        if messages.iter().any(|m| m.text == text));
    in_snapshot || in_page
}

/// A monitoring lead whispers to the owner (the default) and to a named participant: each
/// whisper reaches its author and its rep, and nobody else, anywhere.
#[test]
fn a_whisper_reaches_only_its_author_and_its_rep() {
    let mut h = leads_harness(true, &["alice", "carol", "dave"]);
    let id = tech_session(&mut h, "Zoe");
    let (inv, _) = h.invite("alice", req::invite_rep(id, "dave"));
    h.ok("dave", req::accept_inv(inv));
    h.ok("carol", sup::monitor(id));

    let (message, effects) = whispered(
        &mut h,
        "carol",
        sup::whisper(id, "w1", "Offer the refund.", None),
    );
    assert_eq!(message.visibility, Visibility::Whisper);
    assert_eq!(message.whisper_to, Some(rep("alice")));
    assert_eq!(
        chat_told(&effects, "Offer the refund."),
        names(&["alice", "carol"])
    );
    assert!(to_customer(&effects, id).is_empty(), "never the customer");
    assert!(reads(&mut h, "alice", id, "Offer the refund."));
    assert!(reads(&mut h, "carol", id, "Offer the refund."));
    assert!(!reads(&mut h, "dave", id, "Offer the refund."));
    // Kept like any chat (the store has it) but never in what the customer gets back.
    assert!(h.session(id).chat.contains(&message));
    assert!(!Router::public_chat(h.session(id)).contains(&message));

    let (to_dave, effects) = whispered(
        &mut h,
        "carol",
        sup::whisper(id, "w2", "Check the logs first.", Some("dave")),
    );
    assert_eq!(to_dave.whisper_to, Some(rep("dave")));
    assert_eq!(
        chat_told(&effects, "Check the logs first."),
        names(&["carol", "dave"])
    );
    assert!(!reads(&mut h, "alice", id, "Check the logs first."));

    // A retried whisper is the same message, with no effects.
    let (reply, effects) = h.request(
        "carol",
        sup::whisper(id, "w2", "Check the logs first.", Some("dave")),
    );
    assert_eq!(reply, Ok(Some(OkResult::Chat { message: to_dave })));
    assert!(effects.is_empty());

    // Nobody else can whisper with `send_chat`.
    h.refused(
        "alice",
        RepRequest::SendChat {
            session_id: id,
            client_msg_id: "s1".into(),
            text: "sneaky".into(),
            visibility: Visibility::Whisper,
        },
        ErrorCode::Invalid,
    );
}

/// Whom a whisper may go to: a rep in the session other than the lead; with no `to`, the
/// owner, so a session nobody owns needs one. A lead neither monitoring nor in the session
/// is `not_in_session`; empty texts are `invalid`.
#[test]
fn whisper_targets_are_checked() {
    let mut h = leads_harness(true, &["alice", "bob", "carol"]);
    let id = tech_session(&mut h, "Zoe");
    h.refused(
        "carol",
        sup::whisper(id, "w", "psst", None),
        ErrorCode::NotInSession,
    );
    h.ok("carol", sup::monitor(id));
    h.refused(
        "carol",
        sup::whisper(id, "w", "  ", None),
        ErrorCode::Invalid,
    );
    h.refused(
        "carol",
        sup::whisper(id, "w", "psst", Some("carol")),
        ErrorCode::Invalid,
    );
    h.refused(
        "carol",
        sup::whisper(id, "w", "psst", Some("bob")),
        ErrorCode::Invalid,
    );
    h.refused(
        "carol",
        sup::whisper(id, "w", "psst", Some("nobody")),
        ErrorCode::Invalid,
    );
    // Alice transfers to the tech team and stays: nobody owns the session.
    h.ok("alice", req::transfer_team(id, "tech", true));
    h.refused(
        "carol",
        sup::whisper(id, "w", "psst", None),
        ErrorCode::Invalid,
    );
    let (message, _) = whispered(
        &mut h,
        "carol",
        sup::whisper(id, "w", "psst", Some("alice")),
    );
    assert_eq!(message.whisper_to, Some(rep("alice")));
    // A lead who took the session over whispers to a named rep, not to themselves.
    let other = tech_session(&mut h, "Yan");
    h.ok("carol", sup::take_over(other, PreviousOwner::Stay));
    h.refused(
        "carol",
        sup::whisper(other, "x", "hm", None),
        ErrorCode::Invalid,
    );
    whispered(
        &mut h,
        "carol",
        sup::whisper(other, "x", "hm", Some("alice")),
    );
}

/// The whisper rule itself: a whisper is for its author and `whisper_to`; anything else is
/// for every rep.
#[test]
fn the_rule_reps_read_by() {
    let whisper = ChatMessage {
        id: switchboard_protocol::MessageId(1),
        session_id: SessionId(1),
        author: Author::Rep {
            rep: rep("carol"),
            name: "Carol".into(),
        },
        text: "psst".into(),
        visibility: Visibility::Whisper,
        at: T0,
        client_msg_id: None,
        attachment: None,
        whisper_to: Some(rep("alice")),
    };
    assert!(rep_sees_message(&whisper, &rep("carol")));
    assert!(rep_sees_message(&whisper, &rep("alice")));
    assert!(!rep_sees_message(&whisper, &rep("dave")));
    let reps_only = ChatMessage {
        visibility: Visibility::Reps,
        ..whisper.clone()
    };
    assert!(rep_sees_message(&reps_only, &rep("dave")));
    let system = ChatMessage {
        author: Author::System,
        ..whisper
    };
    assert!(
        !rep_sees_message(&system, &rep("carol")),
        "a system whisper is for whisper_to only"
    );
    assert!(rep_sees_message(&system, &rep("alice")));
}

/// One step of the random sequences.
#[derive(Debug, Clone)]
enum Step {
    Monitor(u8),
    Stop(u8),
    Whisper(u8, u8, u8),
    Chat(u8, bool),
    Join(u8),
    TakeOver(u8, bool),
    Invite(u8),
    Leave(u8),
    Customer,
    Reconnect(u8),
}

const ACTORS: [&str; 5] = ["alice", "carol", "dave", "gina", "bob"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<u8>().prop_map(Step::Monitor),
        any::<u8>().prop_map(Step::Stop),
        (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(a, b, c)| Step::Whisper(a, b, c)),
        (any::<u8>(), any::<bool>()).prop_map(|(a, b)| Step::Chat(a, b)),
        any::<u8>().prop_map(Step::Join),
        (any::<u8>(), any::<bool>()).prop_map(|(a, b)| Step::TakeOver(a, b)),
        any::<u8>().prop_map(Step::Invite),
        any::<u8>().prop_map(Step::Leave),
        Just(Step::Customer),
        any::<u8>().prop_map(Step::Reconnect),
    ]
}

fn actor(i: u8) -> &'static str {
    ACTORS[usize::from(i) % ACTORS.len()]
}

/// The rule, written out here apart from the router's [`rep_sees_message`], so a mistake
/// there cannot hide itself: a whisper is for its author and `whisper_to` only.
fn may_read(message: &ChatMessage, reader: &switchboard_protocol::RepId) -> bool {
    let author = match &message.author {
        Author::Rep { rep, .. } => Some(rep),
        _ => None,
    };
    message.visibility != Visibility::Whisper
        || author == Some(reader)
        || message.whisper_to.as_ref() == Some(reader)
}

/// No effect of `effects` hands a whisper to anyone but its author and `whisper_to`.
fn check_no_leak(effects: &[Effect]) -> Result<(), TestCaseError> {
    for effect in effects {
        match effect {
            Effect::ToRep(to, RepEvent::Chat { message }) => {
                prop_assert!(may_read(message, to), "{to} got {message:?}");
            }
            Effect::ToRep(to, RepEvent::SessionJoined { view }) => {
                prop_assert!(view.chat.iter().all(|m| may_read(m, to)));
            }
            Effect::ToCustomer(_, CustomerServerMessage::Chat { message }) => {
                prop_assert_ne!(message.visibility, Visibility::Whisper);
            }
            Effect::ToCustomer(_, CustomerServerMessage::SessionStarted { chat, .. }) => {
                prop_assert!(chat.iter().all(|m| m.visibility != Visibility::Whisper));
            }
            _ => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever leads and reps do (monitor, whisper, join, take over, invite, leave,
    /// reconnect), a whisper reaches only its author and `whisper_to`: in every effect and
    /// in every rep's snapshot.
    #[test]
    fn whispers_never_leak(steps in proptest::collection::vec(step(), 1..=40)) {
        let mut h = leads_harness(true, &ACTORS);
        let id = tech_session(&mut h, "Zoe");
        for (n, step) in steps.into_iter().enumerate() {
            let cid = format!("c{n}");
            let (who, request) = match step {
                Step::Monitor(a) => (actor(a), sup::monitor(id)),
                Step::Stop(a) => (actor(a), sup::stop(id)),
                Step::Whisper(a, b, c) => {
                    let to = (c % 3 != 0).then(|| actor(b));
                    (actor(a), sup::whisper(id, &cid, "psst", to))
                }
                Step::Chat(a, public) => {
                    if public {
                        (actor(a), req::chat(id, &cid, "hello"))
                    } else {
                        (actor(a), req::rep_chat(id, &cid, "between us"))
                    }
                }
                Step::Join(a) => (actor(a), sup::join(id)),
                Step::TakeOver(a, leave) => {
                    let previous = if leave { PreviousOwner::Leave } else { PreviousOwner::Stay };
                    (actor(a), sup::take_over(id, previous))
                }
                Step::Invite(a) => {
                    let owner = h.session(id).owner.clone().map(|o| o.to_string());
                    let invitee = actor(a);
                    let Some(owner) = owner else { continue };
                    if let (Ok(Some(OkResult::Invitation { invitation_id })), effects) =
                        h.request(&owner, req::invite_rep(id, invitee))
                    {
                        check_no_leak(&effects)?;
                        let (_, effects) = h.request(invitee, req::accept_inv(invitation_id));
                        check_no_leak(&effects)?;
                    }
                    continue;
                }
                Step::Leave(a) => (actor(a), req::leave(id)),
                Step::Customer => {
                    let (_, effects) = h.customer(id, switchboard_protocol::CustomerRequest::Chat {
                        client_msg_id: cid.clone(),
                        text: "still here".into(),
                    });
                    check_no_leak(&effects)?;
                    continue;
                }
                Step::Reconnect(a) => {
                    let effects = h.disconnect(actor(a));
                    check_no_leak(&effects)?;
                    let (_, effects) = h.handle(Input::RepConnected { rep: rep(actor(a)) });
                    check_no_leak(&effects)?;
                    continue;
                }
            };
            let (_, effects) = h.request(who, request);
            check_no_leak(&effects)?;
            for (viewer, snap) in h.all_snaps() {
                for view in &snap.sessions {
                    prop_assert!(view.chat.iter().all(|m| may_read(m, &viewer)));
                }
            }
            if h.is_live(id) {
                prop_assert!(Router::public_chat(h.session(id))
                    .iter()
                    .all(|m| m.visibility != Visibility::Whisper));
            }
        }
    }
}
