//! Every refused request returns its documented code, produces no effects and leaves
//! every rep's snapshot unchanged.

use super::support::*;
use crate::router::Input;
use switchboard_protocol::{
    CustomerInfo, CustomerRequest, ErrorCode, InvitationId, Presence, RepRequest, Route, SessionId,
};

/// The refusal rule over a busy router: each refused input has its code, no effects, and
/// changes no snapshot (checked by `Harness::refused_input`).
#[test]
fn every_refusal_changes_nothing() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "erin", "frank"]);
    let shared = h.owned("alice", "Zoe", Route::General);
    let (joined, _) = h.invite("alice", req::invite_rep(shared, "bob"));
    h.ok("bob", req::accept_inv(joined));
    let (pending, _) = h.invite("alice", req::invite_team(shared, "tech"));
    h.chat("alice", req::chat(shared, "a1", "hi"));
    let waiting = h.start(
        "Yan",
        Route::Team {
            team: team("billing"),
        },
    );
    let pushed = h.start(
        "Xi",
        Route::Team {
            team: team("sales"),
        },
    );
    let ended = h.owned("bob", "Wu", Route::General);
    h.ok("bob", req::disposition(ended, "Resolved"));
    h.ok("bob", req::end(ended));
    h.ok("alice", req::team_chat("billing", "t1", "hello team"));

    let rep_cases: Vec<(&str, RepRequest, ErrorCode)> = vec![
        ("ghost", RepRequest::Ping, ErrorCode::Unauthorized),
        ("ghost", req::accept(waiting), ErrorCode::Unauthorized),
        (
            "alice",
            RepRequest::SetPresence {
                presence: Presence::Paused,
            },
            ErrorCode::Invalid,
        ),
        ("carol", req::accept(waiting), ErrorCode::Forbidden),
        ("alice", req::accept(shared), ErrorCode::AlreadyInSession),
        ("carol", req::accept(shared), ErrorCode::AlreadyTaken),
        ("alice", req::accept(ended), ErrorCode::SessionEnded),
        ("alice", req::accept(SessionId(500)), ErrorCode::NotFound),
        (
            "frank",
            RepRequest::RejectOffer { session_id: pushed },
            ErrorCode::NotFound,
        ),
        (
            "alice",
            RepRequest::RejectOffer {
                session_id: waiting,
            },
            ErrorCode::NotFound,
        ),
        (
            "carol",
            req::chat(shared, "c", "hi"),
            ErrorCode::NotInSession,
        ),
        ("alice", req::chat(shared, "c", ""), ErrorCode::Invalid),
        ("bob", req::invite_rep(shared, "carol"), ErrorCode::NotOwner),
        (
            "alice",
            req::invite_rep(shared, "bob"),
            ErrorCode::AlreadyInSession,
        ),
        (
            "alice",
            req::invite_rep(shared, "gina"),
            ErrorCode::RepUnavailable,
        ),
        (
            "alice",
            req::invite_issue(shared, "invoice"),
            ErrorCode::Forbidden,
        ),
        (
            "alice",
            req::invite_rep(waiting, "carol"),
            ErrorCode::NotInSession,
        ),
        (
            "alice",
            req::invite_rep(ended, "carol"),
            ErrorCode::SessionEnded,
        ),
        ("bob", req::cancel(pending), ErrorCode::NotOwner),
        ("alice", req::cancel(joined), ErrorCode::AlreadyTaken),
        ("alice", req::cancel(InvitationId(99)), ErrorCode::NotFound),
        ("bob", req::accept_inv(pending), ErrorCode::Forbidden),
        ("frank", req::decline_inv(pending), ErrorCode::Forbidden),
        (
            "carol",
            req::accept_inv(InvitationId(99)),
            ErrorCode::NotFound,
        ),
        (
            "bob",
            RepRequest::ListInvitees { session_id: shared },
            ErrorCode::NotOwner,
        ),
        (
            "bob",
            req::transfer_team(shared, "tech", false),
            ErrorCode::NotOwner,
        ),
        (
            "alice",
            req::transfer_rep(shared, "alice", false),
            ErrorCode::Invalid,
        ),
        (
            "alice",
            req::transfer_rep(shared, "nobody", false),
            ErrorCode::NotFound,
        ),
        ("bob", req::remove(shared, "alice"), ErrorCode::NotOwner),
        (
            "alice",
            req::remove(shared, "carol"),
            ErrorCode::NotInSession,
        ),
        (
            "bob",
            RepRequest::DisconnectCustomer { session_id: shared },
            ErrorCode::NotOwner,
        ),
        ("alice", req::leave(shared), ErrorCode::OwnerMustClose),
        ("carol", req::leave(shared), ErrorCode::NotInSession),
        ("alice", req::end(shared), ErrorCode::DispositionRequired),
        ("bob", req::leave_in_queue(shared), ErrorCode::NotOwner),
        (
            "carol",
            req::important(shared, true),
            ErrorCode::NotInSession,
        ),
        (
            "alice",
            req::disposition(shared, "Maybe"),
            ErrorCode::Invalid,
        ),
        (
            "carol",
            req::team_chat("billing", "x", "hi"),
            ErrorCode::Forbidden,
        ),
        (
            "alice",
            req::team_chat("nope", "x", "hi"),
            ErrorCode::NotFound,
        ),
    ];
    for (who, request, code) in rep_cases {
        h.refused(who, request, code);
    }

    let start = |customer: CustomerInfo, route: Route| Input::CustomerStart {
        conn: 900,
        customer,
        route,
        customer_token: "t".to_owned(),
    };
    let input_cases: Vec<(Input, ErrorCode)> = vec![
        (start(customer(""), Route::General), ErrorCode::Invalid),
        (
            start(customer("Q"), Route::Rep { rep: rep("ghost") }),
            ErrorCode::NotFound,
        ),
        (
            start(
                customer("Q"),
                Route::SessionKey {
                    key: "000000".to_owned(),
                },
            ),
            ErrorCode::KeyInvalid,
        ),
        (
            Input::CustomerResume {
                conn: 901,
                session_id: shared,
                customer_token: "wrong".to_owned(),
            },
            ErrorCode::Unauthorized,
        ),
        (
            Input::CustomerResume {
                conn: 901,
                session_id: ended,
                customer_token: "token-4".to_owned(),
            },
            ErrorCode::SessionEnded,
        ),
        (
            Input::Customer {
                session_id: ended,
                request: CustomerRequest::Leave,
            },
            ErrorCode::SessionEnded,
        ),
        (
            Input::Customer {
                session_id: SessionId(500),
                request: CustomerRequest::Ping,
            },
            ErrorCode::NotFound,
        ),
        (
            Input::Customer {
                session_id: shared,
                request: CustomerRequest::Chat {
                    client_msg_id: String::new(),
                    text: "hi".to_owned(),
                },
            },
            ErrorCode::Invalid,
        ),
    ];
    for (input, code) in input_cases {
        h.refused_input(input, code);
    }
}
