//! Click-to-chat → full client in the router (docs/PROTOCOL.md §5 `offer_client`, §9
//! `join`): who may offer (any rep in the session; not a rep outside it; not to a customer
//! already in the program or gone), what the page is told, the code kept only by hash and
//! durable, single use, its ten minutes, a new offer replacing the old code, and the join
//! itself (the session's client becomes native: screen and shell can be asked for; the page
//! is let go and its token no longer resumes; a note; a restart keeps the code).

use super::remote::{ask, asks, native, refused, session_of, state};
use super::support::*;
use crate::router::Input;
use crate::router::client_offer::{CONTINUED_IN_PROGRAM, DOWNLOAD_PATH, JOIN_CODE_TTL_MS};
use crate::router::effects::{Effect, StoreOp};
use std::sync::Arc;
use switchboard_protocol::{
    Capability, ClientKind, CustomerServerMessage, ErrorCode, GrantState, OkResult, PortalMessage,
    RepEvent, RepRequest, Route, ScreenSource, SessionId,
};

fn offer(session_id: SessionId) -> RepRequest {
    RepRequest::OfferClient { session_id }
}

/// A web customer's session (Sam Lee, token `token-1` for the first start) owned by `owner`.
fn web(h: &mut Harness, owner: &str) -> SessionId {
    session_of(h, owner, ClientKind::Web, Route::Rep { rep: rep(owner) })
}

/// `who` offers the program; the code the rep got, after checking the page got the same.
fn offered(h: &mut Harness, who: &str, id: SessionId) -> (String, Vec<Effect>) {
    let (result, effects) = h.ok(who, offer(id));
    let Some(OkResult::ClientOffer { code, expires_at }) = result else {
        panic!("offer_client answered {result:?}");
    };
    assert_eq!(expires_at, h.now + JOIN_CODE_TTL_MS, "ten minutes");
    let told = effects.iter().find_map(|e| match e {
        Effect::ToPortal(session, PortalMessage::ClientOffered { code, .. }) if *session == id => {
            Some(code.clone())
        }
        _ => None,
    });
    assert_eq!(told.as_deref(), Some(code.as_str()), "the page shows it");
    (code, effects)
}

/// The program's `join` on a new connection; the reply and effects.
fn join(h: &mut Harness, code: &str) -> (crate::router::Reply, Vec<Effect>) {
    h.handle(Input::CustomerJoin {
        conn: 900,
        code: code.to_owned(),
        customer_token: "program-token".to_owned(),
    })
}

/// The owner and a participant may offer; a rep outside the session may not; the code is
/// nine digits read out in three groups, kept only by hash, durable with the `ok`.
#[test]
fn any_rep_in_a_web_session_may_offer() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = web(&mut h, "alice");
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    let (code, effects) = offered(&mut h, "alice", id);
    let digits: String = code.chars().filter(|c| *c != '-').collect();
    assert_eq!(code.len(), 11, "{code}");
    assert_eq!(code.matches('-').count(), 2, "{code}");
    assert!(digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()));
    let stored = effects.iter().find_map(|e| match e {
        Effect::Persist(StoreOp::PutSession(s)) if s.id == id => s.client_offer.clone(),
        _ => None,
    });
    let stored = stored.expect("the code is stored before the rep sees it");
    assert_ne!(stored.code_hash, digits, "only its hash");
    assert!(!format!("{:?}", h.store.restored()).contains(&digits));
    let no_link = effects.iter().any(|e| {
        matches!(
            e,
            Effect::ToPortal(
                _,
                PortalMessage::ClientOffered {
                    download_url: None,
                    ..
                }
            )
        )
    });
    assert!(no_link, "no client_download configured: no link");
    offered(&mut h, "bob", id);
    refused(&mut h, "carol", offer(id), ErrorCode::NotInSession);
}

/// Not to a customer already in the program, nor one who left; not in an ended session.
#[test]
fn only_a_web_customer_still_there() {
    let mut h = Harness::with_reps(&["alice"]);
    let native_id = native(&mut h, "alice");
    refused(
        &mut h,
        "alice",
        offer(native_id),
        ErrorCode::RemoteUnavailable,
    );
    let id = web(&mut h, "alice");
    h.ok("alice", RepRequest::DisconnectCustomer { session_id: id });
    refused(&mut h, "alice", offer(id), ErrorCode::RemoteUnavailable);
    h.ok("alice", req::disposition(id, "Resolved"));
    h.ok("alice", req::end(id));
    refused(&mut h, "alice", offer(id), ErrorCode::SessionEnded);
    refused(&mut h, "alice", offer(SessionId(999)), ErrorCode::NotFound);
}

/// With `client_download` set, the page gets the server's download path.
#[test]
fn the_download_link_when_the_server_has_the_program() {
    let mut config = (*config()).clone();
    config.settings.client_download = Some("/opt/switchboard-customer".into());
    let mut h = Harness::with_config(Arc::new(config));
    h.connect("alice");
    let id = web(&mut h, "alice");
    let (_, effects) = offered(&mut h, "alice", id);
    let link = effects.iter().find_map(|e| match e {
        Effect::ToPortal(_, PortalMessage::ClientOffered { download_url, .. }) => {
            download_url.clone()
        }
        _ => None,
    });
    assert_eq!(link.as_deref(), Some(DOWNLOAD_PATH));
}

/// The join: the program gets `session_started` (its own new token, the chat, the reps),
/// the page is told the chat continues in the program and closed, the session's client is
/// native (the reps see the desktop as the source), a note says so, the owner stays; the
/// code then works no more, and the page's old token no longer resumes.
#[test]
fn join_makes_the_session_native_once() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = web(&mut h, "alice");
    h.chat("alice", req::chat(id, "m1", "Hello Sam"));
    h.chat("alice", req::rep_chat(id, "m2", "Only for reps"));
    let (code, _) = offered(&mut h, "alice", id);
    let (reply, effects) = join(&mut h, &format!(" {code} "));
    assert_eq!(reply, Ok(None));
    let page = to_customer(&effects, id);
    assert!(
        page.iter().any(|m| matches!(m,
            CustomerServerMessage::Disconnected { message } if message == CONTINUED_IN_PROGRAM)),
        "{page:?}"
    );
    let close_at = effects
        .iter()
        .position(|e| matches!(e, Effect::CloseCustomer(s) if *s == id))
        .expect("the page is closed");
    let bind_at = effects
        .iter()
        .position(|e| matches!(e, Effect::BindCustomer(900, s) if *s == id))
        .expect("the program is bound");
    assert!(
        close_at < bind_at,
        "the page goes before the program takes over"
    );
    let started = effects.iter().find_map(|e| match e {
        Effect::ToCustomerConn(
            900,
            CustomerServerMessage::SessionStarted {
                session_id,
                customer_token,
                chat,
                reps,
                ended,
                ..
            },
        ) => Some((
            *session_id,
            customer_token.clone(),
            chat.clone(),
            reps.clone(),
            *ended,
        )),
        _ => None,
    });
    let (session_id, token, chat, reps, ended) = started.expect("session_started");
    assert_eq!(
        (session_id, token.as_str(), ended),
        (id, "program-token", false)
    );
    assert!(
        chat.iter().any(|m| m.text == "Hello Sam"),
        "the chat so far"
    );
    assert_eq!(reps, vec!["Alice Martin".to_owned()]);
    let updated = events_for(&effects, "alice")
        .into_iter()
        .find_map(|e| match e {
            RepEvent::SessionUpdated { session } if session.session_id == id => {
                Some(session.remote.source)
            }
            _ => None,
        });
    assert_eq!(updated, Some(ScreenSource::Desktop), "screen and shell now");
    assert_eq!(h.session(id).client, ClientKind::Native);
    assert_eq!(h.session(id).owner, Some(rep("alice")));
    assert!(
        notes(&h.session(id).chat)
            .contains(&"Sam Lee continued in the Switchboard program.".to_owned())
    );
    // Used up.
    h.refused_input(
        Input::CustomerJoin {
            conn: 901,
            code: code.clone(),
            customer_token: "again".into(),
        },
        ErrorCode::KeyInvalid,
    );
    // The page's token is the program's now.
    h.refused_input(
        Input::CustomerResume {
            conn: 902,
            session_id: id,
            customer_token: "token-1".into(),
        },
        ErrorCode::Unauthorized,
    );
    // Now a native session: the screen is asked of the program, which prompts.
    let grant = asks(&mut h, "alice", id, Capability::ScreenView);
    assert_eq!(state(&h, id, grant).0, GrantState::Prompting);
    refused(&mut h, "alice", offer(id), ErrorCode::RemoteUnavailable);
}

/// A code works for ten minutes, not a moment longer.
#[test]
fn a_code_expires_after_ten_minutes() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = web(&mut h, "alice");
    let (code, _) = offered(&mut h, "alice", id);
    h.advance_ms(JOIN_CODE_TTL_MS);
    h.refused_input(
        Input::CustomerJoin {
            conn: 900,
            code: code.clone(),
            customer_token: "t".into(),
        },
        ErrorCode::KeyInvalid,
    );
    let (code, _) = offered(&mut h, "alice", id);
    h.advance_ms(JOIN_CODE_TTL_MS - 1);
    assert_eq!(join(&mut h, &code).0, Ok(None));
}

/// A new offer replaces the code; typed with spaces or dashes it is the same code; anything
/// else is no code.
#[test]
fn a_new_offer_replaces_the_old_code() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = web(&mut h, "alice");
    let (first, _) = offered(&mut h, "alice", id);
    let (second, _) = offered(&mut h, "alice", id);
    for wrong in [first.as_str(), "", "12345678", "abc-def-ghi", "1234567890"] {
        if wrong == second {
            continue;
        }
        h.refused_input(
            Input::CustomerJoin {
                conn: 900,
                code: wrong.to_owned(),
                customer_token: "t".into(),
            },
            ErrorCode::KeyInvalid,
        );
    }
    let spaced = format!(
        "\t{}",
        second.replacen('-', " ", 1).replacen('-', "\u{2013}", 1)
    );
    assert_eq!(join(&mut h, &spaced).0, Ok(None));
}

/// The code is durable: after a restart it still joins (and the customer's page is gone).
#[test]
fn a_restart_keeps_the_code() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = web(&mut h, "alice");
    let (code, _) = offered(&mut h, "alice", id);
    h.restart();
    h.connect("alice");
    let (reply, effects) = join(&mut h, &code);
    assert_eq!(reply, Ok(None));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::CloseCustomer(_))),
        "no page was connected after the restart"
    );
    assert_eq!(h.session(id).client, ClientKind::Native);
    let _ = ask(id, Capability::Shell);
}

/// A customer on an iPhone who continues in the program is on a computer now: the
/// session no longer says `ios`.
#[test]
fn the_program_is_not_on_the_phone() {
    let mut h = Harness::with_reps(&["alice"]);
    let route = Route::Rep { rep: rep("alice") };
    let (reply, effects) = h.start_on(
        customer("Sam Lee"),
        route,
        ClientKind::Web,
        switchboard_protocol::Platform::Ios,
    );
    assert_eq!(reply, Ok(None));
    let id = started_session(&effects);
    h.accept("alice", id);
    let (code, _) = offered(&mut h, "alice", id);
    assert_eq!(join(&mut h, &code).0, Ok(None));
    assert_eq!(
        h.session(id).platform,
        switchboard_protocol::Platform::Other
    );
}
