//! Remote support's rules (docs/PROTOCOL.md §7 "Remote support"): the consent state
//! machine, the permission × source matrix, one controller at a time, stopping, the
//! revocations on every way out of a session, the public chat lines, media tickets and
//! access, and a restart. Every refusal's code is checked against the request's list in
//! `errors_table`.

use super::support::*;
use crate::router::Input;
use crate::router::effects::{Effect, MediaHolder, StoreOp};
use std::collections::BTreeMap;
use switchboard_protocol::{
    Author, Capability, ClientKind, CustomerRequest, CustomerServerMessage, ErrorCode, GrantEnd,
    GrantId, GrantInfo, GrantState, MAX_LISTED_GRANTS, MediaChannel, OkResult, RepEvent,
    RepRequest, Route, ScreenSource, SessionId, SessionInfo, Visibility,
};

const VIEW: Capability = Capability::ScreenView;
const CONTROL: Capability = Capability::ScreenControl;
/// The test configuration's prompt time (the default).
const PROMPT_MS: u64 = 30_000;

pub(super) fn ask(session_id: SessionId, capability: Capability) -> RepRequest {
    RepRequest::RequestRemote {
        session_id,
        capability,
    }
}

pub(super) fn stop(session_id: SessionId, grant: GrantId) -> RepRequest {
    RepRequest::StopRemote {
        session_id,
        grant_id: grant,
        keep_view: false,
    }
}

pub(super) fn answer(grant: GrantId, allow: bool) -> CustomerRequest {
    CustomerRequest::AnswerRemote {
        grant_id: grant,
        allow,
    }
}

/// A session of a customer on `client` (over `route`), accepted by `owner`.
pub(super) fn session_of(
    h: &mut Harness,
    owner: &str,
    client: ClientKind,
    route: Route,
) -> SessionId {
    let (reply, effects) = h.start_as(customer("Sam Lee"), route, client);
    assert_eq!(reply, Ok(None));
    let id = started_session(&effects);
    h.accept(owner, id);
    id
}

/// A native customer's session owned by `owner` (started in their personal queue).
pub(super) fn native(h: &mut Harness, owner: &str) -> SessionId {
    session_of(h, owner, ClientKind::Native, Route::Rep { rep: rep(owner) })
}

/// `owner`'s native session with `others` invited and joined.
pub(super) fn shared(h: &mut Harness, owner: &str, others: &[&str]) -> SessionId {
    let id = native(h, owner);
    for other in others {
        let (inv, _) = h.invite(owner, req::invite_rep(id, other));
        h.ok(other, req::accept_inv(inv));
    }
    id
}

/// A request that must be granted a new grant id.
pub(super) fn asks(h: &mut Harness, who: &str, id: SessionId, capability: Capability) -> GrantId {
    match h.ok(who, ask(id, capability)) {
        (Some(OkResult::Grant { grant_id }), _) => grant_id,
        other => panic!("request_remote: {other:?}"),
    }
}

pub(super) fn customer_ok(h: &mut Harness, id: SessionId, request: CustomerRequest) -> Vec<Effect> {
    let described = format!("{request:?}");
    let (reply, effects) = h.customer(id, request);
    assert!(reply.is_ok(), "{described}: {reply:?}");
    effects
}

/// A rep request refused with `code`, which must be on its `errors_table` list.
pub(super) fn refused(h: &mut Harness, who: &str, request: RepRequest, code: ErrorCode) {
    assert!(
        request.error_codes().contains(&code),
        "{request:?}: `{}` is not on its errors_table list",
        code.as_str()
    );
    h.refused(who, request, code);
}

/// A customer request refused with `code`, which must be on its `errors_table` list.
pub(super) fn customer_refused(
    h: &mut Harness,
    id: SessionId,
    request: CustomerRequest,
    code: ErrorCode,
) {
    assert!(
        request.error_codes().contains(&code),
        "{request:?}: `{}` is not on its errors_table list",
        code.as_str()
    );
    h.refused_input(
        Input::Customer {
            session_id: id,
            request,
        },
        code,
    );
}

pub(super) fn grant(h: &Harness, id: SessionId, grant: GrantId) -> GrantInfo {
    h.session(id)
        .grants
        .list
        .iter()
        .find(|g| g.grant_id == grant)
        .cloned()
        .expect("a listed grant")
}

pub(super) fn state(h: &Harness, id: SessionId, g: GrantId) -> (GrantState, Option<GrantEnd>) {
    let g = grant(h, id, g);
    (g.state, g.ended)
}

/// The public system lines among the effects' stored messages.
pub(super) fn public_lines(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(StoreOp::PutChat(m))
                if m.author == Author::System && m.visibility == Visibility::Public =>
            {
                Some(m.text.clone())
            }
            _ => None,
        })
        .collect()
}

/// The last `session_updated` `who` got.
fn updated_for(effects: &[Effect], who: &str) -> Option<SessionInfo> {
    events_for(effects, who)
        .into_iter()
        .rev()
        .find_map(|e| match e {
            RepEvent::SessionUpdated { session } => Some(session.clone()),
            _ => None,
        })
}

/// The grants of the last `remote_updated` the customer got.
pub(super) fn remote_updated(effects: &[Effect], id: SessionId) -> Option<Vec<GrantInfo>> {
    to_customer(effects, id)
        .into_iter()
        .rev()
        .find_map(|m| match m {
            CustomerServerMessage::RemoteUpdated { grants } => Some(grants.clone()),
            _ => None,
        })
}

/// The last media access decided for the session.
fn access(effects: &[Effect], id: SessionId) -> Option<BTreeMap<String, bool>> {
    effects.iter().rev().find_map(|e| match e {
        Effect::MediaAccess {
            session_id,
            viewers,
        } if *session_id == id => Some(
            viewers
                .iter()
                .filter(|(_, rights)| rights.view)
                .map(|(r, rights)| (r.to_string(), rights.control))
                .collect(),
        ),
        _ => None,
    })
}

fn viewers(list: &[(&str, bool)]) -> BTreeMap<String, bool> {
    list.iter().map(|(r, c)| ((*r).to_owned(), *c)).collect()
}

#[test]
fn a_request_prompts_the_customer_and_allowing_it_grants_view_with_public_lines() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    assert_eq!(
        h.snap("alice").sessions[0].session.remote.source,
        ScreenSource::Desktop
    );
    let asked_at = h.now;
    let (result, effects) = h.ok("alice", ask(id, VIEW));
    let Some(OkResult::Grant { grant_id }) = result else {
        panic!("no grant id: {result:?}");
    };
    let prompting = GrantInfo {
        grant_id,
        rep: rep("alice"),
        rep_name: "Alice Martin".to_owned(),
        capability: VIEW,
        state: GrantState::Prompting,
        requested_at: asked_at,
        deadline: asked_at + PROMPT_MS,
        ended: None,
        elevation: None,
    };
    assert_eq!(remote_updated(&effects, id), Some(vec![prompting.clone()]));
    let info = updated_for(&effects, "alice").expect("alice is told");
    assert_eq!(info.remote.grants, vec![prompting]);
    assert_eq!(info.remote.source, ScreenSource::Desktop);
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin asked to view the screen."]
    );
    // The line reaches the customer as a chat message, and the rep.
    assert!(to_customer(&effects, id).iter().any(|m| matches!(
        m, CustomerServerMessage::Chat { message } if message.author == Author::System
    )));
    assert!(events_for(&effects, "alice").iter().any(|e| matches!(
        e, RepEvent::Chat { message } if message.author == Author::System
    )));
    // Nothing may be viewed while the customer is asked.
    refused(
        &mut h,
        "alice",
        RepRequest::OpenMedia {
            session_id: id,
            channel: MediaChannel::Screen,
        },
        ErrorCode::Forbidden,
    );
    customer_refused(
        &mut h,
        id,
        CustomerRequest::OpenMedia {
            channel: MediaChannel::Screen,
        },
        ErrorCode::Forbidden,
    );

    h.advance(3);
    let effects = customer_ok(&mut h, id, answer(grant_id, true));
    assert_eq!(state(&h, id, grant_id), (GrantState::Granted, None));
    assert_eq!(
        public_lines(&effects),
        ["The customer allowed Alice Martin to view the screen."]
    );
    assert_eq!(
        updated_for(&effects, "alice").unwrap().remote.grants[0].state,
        GrantState::Granted
    );
    assert_eq!(access(&effects, id), Some(viewers(&[("alice", false)])));

    // Both sides get a media ticket now, valid 60 s, registered through an effect.
    let (result, effects) = h.ok(
        "alice",
        RepRequest::OpenMedia {
            session_id: id,
            channel: MediaChannel::Screen,
        },
    );
    let Some(OkResult::Media { ticket }) = result else {
        panic!("no ticket: {result:?}");
    };
    assert_eq!(ticket.expires_at, h.now + 60_000);
    assert_eq!(ticket.token.len(), 64);
    assert_eq!(
        effects,
        vec![Effect::IssueMediaTicket {
            token: ticket.token.clone(),
            session_id: id,
            holder: MediaHolder::Rep(rep("alice")),
            channel: MediaChannel::Screen,
            expires_at: ticket.expires_at,
        }]
    );
    let (reply, effects) = h.customer(
        id,
        CustomerRequest::OpenMedia {
            channel: MediaChannel::Screen,
        },
    );
    let Ok(Some(OkResult::Media { ticket: published })) = reply else {
        panic!("no customer ticket: {reply:?}");
    };
    assert_ne!(published.token, ticket.token);
    assert!(matches!(
        effects.as_slice(),
        [Effect::IssueMediaTicket {
            holder: MediaHolder::Customer,
            ..
        }]
    ));
    // The same request again, while live: already_in_session. Answering twice: not_found.
    refused(&mut h, "alice", ask(id, VIEW), ErrorCode::AlreadyInSession);
    customer_refused(&mut h, id, answer(grant_id, true), ErrorCode::NotFound);
}

#[test]
fn a_denied_request_ends_and_gives_no_media() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, CONTROL);
    assert_eq!(
        public_lines(&h.ok("alice", RepRequest::Ping).1),
        Vec::<String>::new()
    );
    let effects = customer_ok(&mut h, id, answer(g, false));
    assert_eq!(state(&h, id, g), (GrantState::Denied, None));
    assert_eq!(
        public_lines(&effects),
        ["The customer declined Alice Martin's request to control the screen."]
    );
    assert_eq!(access(&effects, id), Some(BTreeMap::new()));
    refused(
        &mut h,
        "alice",
        RepRequest::OpenMedia {
            session_id: id,
            channel: MediaChannel::Screen,
        },
        ErrorCode::Forbidden,
    );
    refused(&mut h, "alice", stop(id, g), ErrorCode::NotFound);
    // Asking again is a new request.
    let again = asks(&mut h, "alice", id, CONTROL);
    assert_ne!(again, g);
}

#[test]
fn an_unanswered_request_times_out_at_its_deadline() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, VIEW);
    h.advance_ms(PROMPT_MS - 1);
    let effects = h.tick();
    assert!(public_lines(&effects).is_empty());
    assert_eq!(state(&h, id, g).0, GrantState::Prompting);
    h.advance_ms(1);
    let effects = h.tick();
    assert_eq!(state(&h, id, g), (GrantState::TimedOut, None));
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin's request to view the screen timed out."]
    );
    assert_eq!(
        remote_updated(&effects, id).unwrap()[0].state,
        GrantState::TimedOut
    );
    // A late answer finds nothing to answer; later ticks say nothing more.
    customer_refused(&mut h, id, answer(g, true), ErrorCode::NotFound);
    h.advance(60);
    assert!(public_lines(&h.tick()).is_empty());
}

#[test]
fn an_answered_request_does_not_time_out_later() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, VIEW);
    customer_ok(&mut h, id, answer(g, true));
    h.advance_ms(PROMPT_MS * 2);
    assert!(public_lines(&h.tick()).is_empty());
    assert_eq!(state(&h, id, g).0, GrantState::Granted);
}

/// Who may ask for what, over each kind of customer side: the permission × source matrix.
#[test]
fn the_permission_and_source_matrix() {
    use ErrorCode::{Forbidden, RemoteUnavailable};
    // (rep, their permission) × (source) × capability → refusal, or None for a prompt.
    #[derive(Clone, Copy, Debug)]
    enum Side {
        Native,
        WebChat,
        BrowserTab,
        NativeGone,
    }
    let expected = |perm: &str, side: Side, cap: Capability| -> Option<ErrorCode> {
        let allowed = matches!(
            (perm, cap),
            ("control", _) | ("view", Capability::ScreenView)
        );
        if !allowed {
            return Some(Forbidden);
        }
        match (side, cap) {
            (Side::Native, _) | (Side::BrowserTab, Capability::ScreenView) => None,
            _ => Some(RemoteUnavailable),
        }
    };
    for (who, perm) in [("alice", "control"), ("carol", "view"), ("erin", "none")] {
        for side in [
            Side::Native,
            Side::WebChat,
            Side::BrowserTab,
            Side::NativeGone,
        ] {
            for cap in [VIEW, CONTROL] {
                let mut h = Harness::with_reps(&[who]);
                let id = match side {
                    Side::Native | Side::NativeGone => native(&mut h, who),
                    Side::WebChat => {
                        session_of(&mut h, who, ClientKind::Web, Route::Rep { rep: rep(who) })
                    }
                    Side::BrowserTab => session_of(
                        &mut h,
                        who,
                        ClientKind::Web,
                        Route::HelpLink {
                            rep: Some(rep(who)),
                            team: None,
                        },
                    ),
                };
                if let Side::NativeGone = side {
                    h.customer_drops(id);
                }
                let source = h.snap(who).sessions[0].session.remote.source;
                let want_source = match side {
                    Side::Native => ScreenSource::Desktop,
                    Side::BrowserTab => ScreenSource::Tab,
                    Side::WebChat | Side::NativeGone => ScreenSource::None,
                };
                assert_eq!(source, want_source, "{who} {side:?}");
                match expected(perm, side, cap) {
                    None => {
                        asks(&mut h, who, id, cap);
                    }
                    Some(code) => refused(&mut h, who, ask(id, cap), code),
                }
            }
        }
    }
}

#[test]
fn refusals_say_why_the_screen_is_unavailable() {
    let mut h = Harness::with_reps(&["alice", "carol"]);
    let web = session_of(
        &mut h,
        "alice",
        ClientKind::Web,
        Route::Rep { rep: rep("alice") },
    );
    let (reply, _) = h.request("alice", ask(web, VIEW));
    assert_eq!(reply.unwrap_err().message, "The customer is in web chat.");
    let tab = session_of(
        &mut h,
        "carol",
        ClientKind::Web,
        Route::HelpLink {
            rep: Some(rep("carol")),
            team: None,
        },
    );
    let (reply, _) = h.request("carol", ask(tab, CONTROL));
    assert_eq!(
        reply.unwrap_err().message,
        "You may view a customer's screen but not control it."
    );
    let (reply, _) = h.request("alice", ask(tab, CONTROL));
    assert_eq!(reply.unwrap_err().code, ErrorCode::NotInSession);
}

/// In a help link's [Browser] session the customer shares the page they are on, and the
/// lines say so.
#[test]
fn a_browser_sessions_lines_name_the_page() {
    let mut h = Harness::with_reps(&["alice"]);
    let tab = session_of(
        &mut h,
        "alice",
        ClientKind::Web,
        Route::HelpLink {
            rep: Some(rep("alice")),
            team: None,
        },
    );
    let (reply, effects) = h.request("alice", ask(tab, VIEW));
    let Ok(Some(OkResult::Grant { grant_id })) = reply else {
        panic!("request_remote: {reply:?}");
    };
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin asked to view the page."]
    );
    let effects = customer_ok(&mut h, tab, answer(grant_id, true));
    assert_eq!(
        public_lines(&effects),
        ["The customer allowed Alice Martin to view the page."]
    );
    let effects = customer_ok(&mut h, tab, CustomerRequest::StopRemote { grant_id: None });
    assert_eq!(
        public_lines(&effects),
        ["The customer stopped page sharing."]
    );
}

#[test]
fn a_waiting_session_or_one_not_joined_is_refused_in_the_documented_order() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = native(&mut h, "alice");
    refused(&mut h, "bob", ask(id, VIEW), ErrorCode::NotInSession);
    refused(
        &mut h,
        "alice",
        ask(SessionId(999), VIEW),
        ErrorCode::NotFound,
    );
    // Transferred with `stay`: alice is still in it, but it waits in a queue.
    h.ok("alice", req::transfer_team(id, "billing", true));
    refused(&mut h, "alice", ask(id, VIEW), ErrorCode::NotActive);
    let other = native(&mut h, "alice");
    h.ok("alice", req::disposition(other, "Resolved"));
    h.ok("alice", req::end(other));
    refused(&mut h, "alice", ask(other, VIEW), ErrorCode::SessionEnded);
    refused(
        &mut h,
        "alice",
        RepRequest::OpenMedia {
            session_id: other,
            channel: MediaChannel::Screen,
        },
        ErrorCode::SessionEnded,
    );
}

#[test]
fn one_controller_a_participant_waits_and_the_owner_takes_control() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    // The participant asks first and is allowed.
    let bob_view = asks(&mut h, "bob", id, VIEW);
    customer_ok(&mut h, id, answer(bob_view, true));
    let bob_control = asks(&mut h, "bob", id, CONTROL);
    customer_ok(&mut h, id, answer(bob_control, true));
    assert_eq!(
        h.snap("alice").sessions[0]
            .session
            .remote
            .controller()
            .map(|g| g.rep.clone()),
        Some(rep("bob"))
    );
    // The owner may ask over him; the customer allows: bob's control ends, his view stays.
    let alice_control = asks(&mut h, "alice", id, CONTROL);
    let effects = customer_ok(&mut h, id, answer(alice_control, true));
    assert_eq!(
        state(&h, id, bob_control),
        (GrantState::Stopped, Some(GrantEnd::ControlTaken))
    );
    assert_eq!(state(&h, id, bob_view).0, GrantState::Granted);
    assert_eq!(
        public_lines(&effects),
        [
            "The customer allowed Alice Martin to control the screen.",
            "Alice Martin took control of the screen from Bob Okafor.",
        ]
    );
    assert_eq!(
        access(&effects, id),
        Some(viewers(&[("alice", true), ("bob", false)]))
    );
    // Now the participant may not ask for control while the owner has it.
    let (reply, _) = h.request("bob", ask(id, CONTROL));
    let error = reply.unwrap_err();
    assert_eq!(error.code, ErrorCode::RemoteUnavailable);
    assert_eq!(error.message, "Alice Martin is controlling the screen.");
    // Nor while the owner is asking for it.
    h.ok("alice", stop(id, alice_control));
    let asking = asks(&mut h, "alice", id, CONTROL);
    let (reply, _) = h.request("bob", ask(id, CONTROL));
    assert_eq!(
        reply.unwrap_err().message,
        "Alice Martin is asking to control the screen."
    );
    // Once the owner's request ends, the participant may ask.
    customer_ok(&mut h, id, answer(asking, false));
    asks(&mut h, "bob", id, CONTROL);
}

#[test]
fn the_owner_asking_over_a_participants_request_takes_it_when_allowed() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    let bobs = asks(&mut h, "bob", id, CONTROL);
    let alices = asks(&mut h, "alice", id, CONTROL);
    let effects = customer_ok(&mut h, id, answer(alices, true));
    assert_eq!(
        state(&h, id, bobs),
        (GrantState::Stopped, Some(GrantEnd::ControlTaken))
    );
    assert!(public_lines(&effects).contains(
        &"Bob Okafor's request to control the screen ended: Alice Martin took control.".to_owned()
    ));
    customer_refused(&mut h, id, answer(bobs, true), ErrorCode::NotFound);
    let granted_controls = h
        .session(id)
        .grants
        .list
        .iter()
        .filter(|g| g.capability == CONTROL && g.state == GrantState::Granted)
        .count();
    assert_eq!(granted_controls, 1);
}

#[test]
fn reps_stop_their_own_grants_and_the_owner_stops_anyones() {
    let mut h = Harness::with_reps(&["alice", "bob", "dave"]);
    let id = shared(&mut h, "alice", &["bob", "dave"]);
    let alices = asks(&mut h, "alice", id, VIEW);
    customer_ok(&mut h, id, answer(alices, true));
    let bobs = asks(&mut h, "bob", id, VIEW);
    customer_ok(&mut h, id, answer(bobs, true));
    let daves = asks(&mut h, "dave", id, VIEW);
    // A participant cannot stop someone else's.
    refused(&mut h, "bob", stop(id, alices), ErrorCode::NotOwner);
    refused(&mut h, "bob", stop(id, GrantId(99)), ErrorCode::NotFound);
    // Their own: stopped by the rep.
    let effects = h.ok("bob", stop(id, bobs)).1;
    assert_eq!(
        state(&h, id, bobs),
        (GrantState::Stopped, Some(GrantEnd::RepStopped))
    );
    assert_eq!(
        public_lines(&effects),
        ["Bob Okafor stopped viewing the screen."]
    );
    assert_eq!(access(&effects, id), Some(viewers(&[("alice", false)])));
    refused(&mut h, "bob", stop(id, bobs), ErrorCode::NotFound);
    // The owner withdraws dave's request.
    let effects = h.ok("alice", stop(id, daves)).1;
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin withdrew Dave Dunn's request to view the screen."]
    );
    let effects = h.ok("alice", stop(id, alices)).1;
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin stopped viewing the screen."]
    );
    assert_eq!(access(&effects, id), Some(BTreeMap::new()));
}

#[test]
fn giving_back_control_keeps_the_view_without_asking_again() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    let control = asks(&mut h, "alice", id, CONTROL);
    customer_ok(&mut h, id, answer(control, true));
    let keep = RepRequest::StopRemote {
        session_id: id,
        grant_id: control,
        keep_view: true,
    };
    // Not someone else's control, even for the owner's participant asking.
    refused(&mut h, "bob", keep.clone(), ErrorCode::NotOwner);
    let effects = h.ok("alice", keep).1;
    assert_eq!(
        state(&h, id, control),
        (GrantState::Stopped, Some(GrantEnd::RepStopped))
    );
    let list = remote_updated(&effects, id).expect("the customer hears of it");
    let view = list
        .iter()
        .find(|g| g.capability == VIEW && g.rep == "alice".into())
        .expect("a view grant for alice");
    assert_eq!(view.state, GrantState::Granted, "no new prompt");
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin gave back control of the screen and is still viewing it."]
    );
    // Still a viewer, without input.
    assert_eq!(access(&effects, id), Some(viewers(&[("alice", false)])));
    // Without keep_view, or on a view grant, a stop ends it as before.
    let effects = h
        .ok(
            "alice",
            RepRequest::StopRemote {
                session_id: id,
                grant_id: view.grant_id,
                keep_view: true,
            },
        )
        .1;
    assert_eq!(access(&effects, id), Some(BTreeMap::new()));
    // A rep who already views under a grant of its own keeps that one, and no second.
    let view = asks(&mut h, "alice", id, VIEW);
    customer_ok(&mut h, id, answer(view, true));
    let control = asks(&mut h, "alice", id, CONTROL);
    customer_ok(&mut h, id, answer(control, true));
    let effects = h
        .ok(
            "alice",
            RepRequest::StopRemote {
                session_id: id,
                grant_id: control,
                keep_view: true,
            },
        )
        .1;
    let live_views = remote_updated(&effects, id)
        .expect("updated")
        .iter()
        .filter(|g| g.capability == VIEW && g.state.is_live())
        .count();
    assert_eq!(live_views, 1);
    assert_eq!(
        public_lines(&effects),
        ["Alice Martin stopped controlling the screen."]
    );
}

#[test]
fn the_customers_stop_ends_one_grant_or_all_at_once() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    let view = asks(&mut h, "alice", id, VIEW);
    customer_ok(&mut h, id, answer(view, true));
    let control = asks(&mut h, "alice", id, CONTROL);
    customer_ok(&mut h, id, answer(control, true));
    let bobs = asks(&mut h, "bob", id, VIEW);
    let effects = customer_ok(
        &mut h,
        id,
        CustomerRequest::StopRemote {
            grant_id: Some(control),
        },
    );
    assert_eq!(
        public_lines(&effects),
        ["The customer stopped Alice Martin controlling the screen."]
    );
    assert_eq!(access(&effects, id), Some(viewers(&[("alice", false)])));
    customer_refused(
        &mut h,
        id,
        CustomerRequest::StopRemote {
            grant_id: Some(control),
        },
        ErrorCode::NotFound,
    );
    let effects = customer_ok(&mut h, id, CustomerRequest::StopRemote { grant_id: None });
    assert_eq!(
        public_lines(&effects),
        ["The customer stopped screen sharing."]
    );
    for g in [view, bobs] {
        assert_eq!(
            state(&h, id, g),
            (GrantState::Stopped, Some(GrantEnd::CustomerStopped))
        );
    }
    assert_eq!(access(&effects, id), Some(BTreeMap::new()));
    // With nothing live, Stop is answered and says nothing.
    let effects = customer_ok(&mut h, id, CustomerRequest::StopRemote { grant_id: None });
    assert!(public_lines(&effects).is_empty());
    customer_refused(
        &mut h,
        id,
        CustomerRequest::OpenMedia {
            channel: MediaChannel::Screen,
        },
        ErrorCode::Forbidden,
    );
}

/// A native session with alice (owner) and bob both viewing; bob also controls.
fn both_viewing(h: &mut Harness) -> (SessionId, [GrantId; 3]) {
    let id = shared(h, "alice", &["bob"]);
    let a = asks(h, "alice", id, VIEW);
    customer_ok(h, id, answer(a, true));
    let b = asks(h, "bob", id, VIEW);
    customer_ok(h, id, answer(b, true));
    let c = asks(h, "bob", id, CONTROL);
    customer_ok(h, id, answer(c, true));
    (id, [a, b, c])
}

#[test]
fn a_reps_grants_end_when_they_are_removed_leave_or_lose_their_connection() {
    for (how, end) in [
        ("removed", GrantEnd::Removed),
        ("left", GrantEnd::Left),
        ("lost", GrantEnd::Left),
    ] {
        let mut h = Harness::with_reps(&["alice", "bob"]);
        let (id, [a, b, c]) = both_viewing(&mut h);
        let effects = match how {
            "removed" => h.ok("alice", req::remove(id, "bob")).1,
            "left" => h.ok("bob", req::leave(id)).1,
            _ => {
                h.disconnect("bob");
                // Within the grace period nothing changes.
                h.advance(GRACE_SECS - 1);
                assert!(public_lines(&h.tick()).is_empty(), "{how}");
                assert_eq!(state(&h, id, b).0, GrantState::Granted, "{how}");
                h.advance(1);
                h.tick()
            }
        };
        for g in [b, c] {
            assert_eq!(state(&h, id, g), (GrantState::Stopped, Some(end)), "{how}");
        }
        assert_eq!(state(&h, id, a).0, GrantState::Granted, "{how}");
        assert_eq!(
            access(&effects, id),
            Some(viewers(&[("alice", false)])),
            "{how}"
        );
        assert!(
            public_lines(&effects)
                .contains(&"Bob Okafor is no longer controlling the screen.".to_owned()),
            "{how}: {:?}",
            public_lines(&effects)
        );
    }
}

#[test]
fn transferring_away_ends_the_owners_grants_and_staying_keeps_them() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let (id, [a, b, _]) = both_viewing(&mut h);
    h.ok("alice", req::transfer_team(id, "billing", true));
    assert_eq!(state(&h, id, a).0, GrantState::Granted);
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let (id, [a, b2, _]) = both_viewing(&mut h);
    assert_eq!(b, b2);
    let effects = h.ok("alice", req::transfer_rep(id, "bob", false)).1;
    assert_eq!(
        state(&h, id, a),
        (GrantState::Stopped, Some(GrantEnd::Transferred))
    );
    assert_eq!(state(&h, id, b).0, GrantState::Granted);
    assert_eq!(access(&effects, id), Some(viewers(&[("bob", true)])));
}

#[test]
fn every_grant_ends_when_the_customer_goes_or_the_session_ends() {
    for how in ["drop", "disconnect", "leave", "end"] {
        let mut h = Harness::with_reps(&["alice", "bob"]);
        let (id, grants) = both_viewing(&mut h);
        let asking = asks(&mut h, "alice", id, CONTROL);
        let (effects, end) = match how {
            "drop" => (h.customer_drops(id), GrantEnd::CustomerDisconnected),
            "disconnect" => (
                h.ok("alice", RepRequest::DisconnectCustomer { session_id: id })
                    .1,
                GrantEnd::CustomerDisconnected,
            ),
            "leave" => (
                customer_ok(&mut h, id, CustomerRequest::Leave),
                GrantEnd::CustomerDisconnected,
            ),
            _ => {
                h.ok("alice", req::disposition(id, "Resolved"));
                (h.ok("alice", req::end(id)).1, GrantEnd::SessionEnded)
            }
        };
        assert_eq!(access(&effects, id), Some(BTreeMap::new()), "{how}");
        let stored: crate::router::state::Session = {
            let (_, json) = &h.store.sessions[&id.0];
            serde_json::from_str(json).unwrap()
        };
        for g in grants.iter().chain([&asking]) {
            let kept = stored
                .grants
                .list
                .iter()
                .find(|x| x.grant_id == *g)
                .unwrap();
            assert_eq!(
                (kept.state, kept.ended),
                (GrantState::Stopped, Some(end)),
                "{how}"
            );
        }
        let line = if how == "end" {
            "Screen sharing stopped: the session ended."
        } else {
            "Screen sharing stopped: the customer's connection ended."
        };
        assert!(public_lines(&effects).contains(&line.to_owned()), "{how}");
        if how == "drop" {
            // Back again: nothing is live, the customer's side offers its desktop again.
            let (reply, effects) = h.handle(Input::CustomerResume {
                conn: 77,
                session_id: id,
                customer_token: "token-1".to_owned(),
            });
            assert_eq!(reply, Ok(None));
            let grants_on_resume = effects.iter().find_map(|e| match e {
                Effect::ToCustomerConn(_, CustomerServerMessage::SessionStarted { grants, .. }) => {
                    Some(grants.clone())
                }
                _ => None,
            });
            let grants_on_resume = grants_on_resume.expect("session_started");
            assert_eq!(grants_on_resume.len(), 4);
            assert!(grants_on_resume.iter().all(|g| !g.state.is_live()));
            assert_eq!(
                updated_for(&effects, "alice").unwrap().remote.source,
                ScreenSource::Desktop
            );
        }
    }
}

#[test]
fn the_list_keeps_every_live_grant_and_the_latest_ended_ones() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = shared(&mut h, "alice", &["bob"]);
    let kept = asks(&mut h, "bob", id, VIEW);
    customer_ok(&mut h, id, answer(kept, true));
    for _ in 0..MAX_LISTED_GRANTS * 2 {
        let g = asks(&mut h, "alice", id, VIEW);
        customer_ok(&mut h, id, answer(g, false));
    }
    let list = &h.session(id).grants.list;
    assert_eq!(list.len(), MAX_LISTED_GRANTS);
    assert_eq!(list[0].grant_id, kept, "the live grant stays, oldest first");
    assert!(list.windows(2).all(|w| w[0].grant_id < w[1].grant_id));
    assert_eq!(
        list.last().unwrap().grant_id,
        GrantId(1 + 2 * MAX_LISTED_GRANTS as u64)
    );
}

#[test]
fn a_restart_ends_live_grants_and_keeps_the_lines() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, VIEW);
    customer_ok(&mut h, id, answer(g, true));
    let asking = asks(&mut h, "alice", id, CONTROL);
    h.restart();
    for x in [g, asking] {
        assert_eq!(
            state(&h, id, x),
            (GrantState::Stopped, Some(GrantEnd::CustomerDisconnected))
        );
    }
    // The first tick says so in the chat, and tells everyone.
    let effects = h.tick();
    assert_eq!(
        public_lines(&effects),
        ["Screen sharing stopped: the customer's connection ended."]
    );
    assert!(public_lines(&h.tick()).is_empty());
    // The history kept every line, the customer's page included.
    h.restart();
    let texts: Vec<String> = h
        .session(id)
        .chat
        .iter()
        .filter(|m| m.visibility == Visibility::Public && m.author == Author::System)
        .map(|m| m.text.clone())
        .collect();
    assert_eq!(
        texts,
        [
            "Alice Martin asked to view the screen.",
            "The customer allowed Alice Martin to view the screen.",
            "Alice Martin asked to control the screen.",
            "Screen sharing stopped: the customer's connection ended.",
        ]
    );
    // Nothing times out afterwards, and the client kind came back with the session.
    assert_eq!(h.session(id).client, ClientKind::Native);
    h.advance(60);
    assert!(public_lines(&h.tick()).is_empty());
}

#[test]
fn at_the_chat_cap_the_lines_are_left_out_but_the_revocation_happens() {
    let mut config = (*config()).clone();
    config.limits.max_messages_per_session = 8;
    let mut h = Harness::new();
    h.router = crate::router::Router::new(std::sync::Arc::new(config), 7);
    h.connect("alice");
    let id = native(&mut h, "alice");
    let g = asks(&mut h, "alice", id, VIEW);
    customer_ok(&mut h, id, answer(g, true));
    // Fill the chat to its cap.
    let cap = h.router.config().limits.max_messages_per_session;
    let mut n = 0;
    while h.session(id).chat.len() < cap {
        n += 1;
        h.advance(1);
        h.ok("alice", req::chat(id, &format!("c{n}"), "hello"));
    }
    let effects = customer_ok(&mut h, id, CustomerRequest::StopRemote { grant_id: None });
    assert!(public_lines(&effects).is_empty());
    assert_eq!(
        state(&h, id, g),
        (GrantState::Stopped, Some(GrantEnd::CustomerStopped))
    );
    assert_eq!(access(&effects, id), Some(BTreeMap::new()));
}
