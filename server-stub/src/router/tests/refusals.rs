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

    // `None`: refused, with the code pinned down by a BUG test elsewhere.
    let rep_cases: Vec<(&str, RepRequest, Option<ErrorCode>)> = vec![
        ("ghost", RepRequest::Ping, Some(ErrorCode::Unauthorized)),
        ("ghost", req::accept(waiting), Some(ErrorCode::Unauthorized)),
        (
            "alice",
            RepRequest::SetPresence {
                presence: Presence::Paused,
            },
            Some(ErrorCode::Invalid),
        ),
        ("carol", req::accept(waiting), Some(ErrorCode::Forbidden)),
        (
            "alice",
            req::accept(shared),
            Some(ErrorCode::AlreadyInSession),
        ),
        ("carol", req::accept(shared), Some(ErrorCode::AlreadyTaken)),
        ("alice", req::accept(ended), Some(ErrorCode::SessionEnded)),
        (
            "alice",
            req::accept(SessionId(500)),
            Some(ErrorCode::NotFound),
        ),
        (
            "frank",
            RepRequest::RejectOffer { session_id: pushed },
            Some(ErrorCode::NotFound),
        ),
        (
            "alice",
            RepRequest::RejectOffer {
                session_id: waiting,
            },
            Some(ErrorCode::NotFound),
        ),
        (
            "carol",
            req::chat(shared, "c", "hi"),
            Some(ErrorCode::NotInSession),
        ),
        (
            "alice",
            req::chat(shared, "c", ""),
            Some(ErrorCode::Invalid),
        ),
        (
            "bob",
            req::invite_rep(shared, "carol"),
            Some(ErrorCode::NotOwner),
        ),
        (
            "alice",
            req::invite_rep(shared, "bob"),
            Some(ErrorCode::AlreadyInSession),
        ),
        (
            "alice",
            req::invite_rep(shared, "gina"),
            Some(ErrorCode::RepUnavailable),
        ),
        (
            "alice",
            req::invite_issue(shared, "invoice"),
            Some(ErrorCode::Forbidden),
        ),
        (
            "alice",
            req::invite_rep(waiting, "carol"),
            Some(ErrorCode::NotInSession),
        ),
        (
            "alice",
            req::invite_rep(ended, "carol"),
            Some(ErrorCode::SessionEnded),
        ),
        ("bob", req::cancel(pending), Some(ErrorCode::NotOwner)),
        ("alice", req::cancel(joined), None),
        (
            "alice",
            req::cancel(InvitationId(99)),
            Some(ErrorCode::NotFound),
        ),
        ("bob", req::accept_inv(pending), None),
        ("frank", req::decline_inv(pending), None),
        (
            "carol",
            req::accept_inv(InvitationId(99)),
            Some(ErrorCode::NotFound),
        ),
        (
            "bob",
            RepRequest::ListInvitees { session_id: shared },
            Some(ErrorCode::NotOwner),
        ),
        (
            "bob",
            req::transfer_team(shared, "tech", false),
            Some(ErrorCode::NotOwner),
        ),
        (
            "alice",
            req::transfer_rep(shared, "alice", false),
            Some(ErrorCode::Invalid),
        ),
        (
            "alice",
            req::transfer_rep(shared, "nobody", false),
            Some(ErrorCode::NotFound),
        ),
        (
            "bob",
            req::remove(shared, "alice"),
            Some(ErrorCode::NotOwner),
        ),
        (
            "alice",
            req::remove(shared, "carol"),
            Some(ErrorCode::NotInSession),
        ),
        (
            "bob",
            RepRequest::DisconnectCustomer { session_id: shared },
            Some(ErrorCode::NotOwner),
        ),
        ("alice", req::leave(shared), Some(ErrorCode::OwnerMustClose)),
        ("carol", req::leave(shared), Some(ErrorCode::NotInSession)),
        (
            "alice",
            req::end(shared),
            Some(ErrorCode::DispositionRequired),
        ),
        (
            "bob",
            req::leave_in_queue(shared),
            Some(ErrorCode::NotOwner),
        ),
        (
            "carol",
            req::important(shared, true),
            Some(ErrorCode::NotInSession),
        ),
        (
            "alice",
            req::disposition(shared, "Maybe"),
            Some(ErrorCode::Invalid),
        ),
        (
            "carol",
            req::team_chat("billing", "x", "hi"),
            Some(ErrorCode::Forbidden),
        ),
        (
            "alice",
            req::team_chat("nope", "x", "hi"),
            Some(ErrorCode::NotFound),
        ),
    ];
    for (who, request, code) in rep_cases {
        match code {
            Some(code) => h.refused(who, request, code),
            None => {
                h.refused_any(who, request);
            }
        }
    }

    let start = |customer: CustomerInfo, route: Route| Input::CustomerStart {
        conn: 900,
        customer,
        route,
        customer_token: "t".to_owned(),
        client: Default::default(),
        platform: Default::default(),
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
