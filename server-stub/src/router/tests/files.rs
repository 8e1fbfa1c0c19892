//! Files in a session: who may share one (asked before an upload's body is read) and who
//! may download a session's files, while it is live and after it ended (from its record).

use super::support::*;
use crate::config::Config;
use crate::router::state::Session;
use crate::router::{FileSender, may_read_files};
use std::sync::Arc;
use switchboard_protocol::{ErrorCode, Route};

fn issue_route(which: &str) -> Route {
    Route::Issue {
        issue: issue(which),
    }
}

/// The test configuration with `who` a team lead.
fn with_lead(who: &str) -> Arc<Config> {
    let mut config = (*config()).clone();
    config
        .reps
        .get_mut(&rep(who))
        .expect("a configured rep")
        .permissions
        .lead = true;
    Arc::new(config)
}

/// The session's stored record, as the store gives it back after it ended.
fn stored(h: &Harness, id: switchboard_protocol::SessionId) -> Session {
    let (ended, json) = &h.store.sessions[&id.0];
    assert!(ended, "the session ended");
    serde_json::from_str(json).unwrap()
}

/// A rep in the session and its customer (by token) may share; a rep outside it, a wrong
/// token, an unknown or ended session may not, each with its code.
#[test]
fn sharing_is_checked_from_the_session_alone() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", issue_route("invoice"));
    let customer = |token: &str| FileSender::Customer {
        token: token.to_owned(),
    };
    assert_eq!(
        h.router.may_share_file(&FileSender::Rep(rep("alice")), id),
        Ok(())
    );
    assert_eq!(h.router.may_share_file(&customer("token-1"), id), Ok(()));
    let code = |h: &Harness, sender: &FileSender, id| {
        h.router.may_share_file(sender, id).unwrap_err().code
    };
    assert_eq!(
        code(&h, &FileSender::Rep(rep("bob")), id),
        ErrorCode::NotInSession
    );
    assert_eq!(code(&h, &customer("wrong"), id), ErrorCode::Unauthorized);
    let unknown = switchboard_protocol::SessionId(id.0 + 100);
    assert_eq!(code(&h, &customer("token-1"), unknown), ErrorCode::NotFound);
    h.ok("alice", req::disposition(id, "Resolved"));
    h.ok("alice", req::end(id));
    assert_eq!(
        code(&h, &FileSender::Rep(rep("alice")), id),
        ErrorCode::SessionEnded
    );
}

/// Reps who are or were in the session read its files, live and ended; a lead of its team
/// (the team queue it was in) does too; other reps, leads of other teams included, do not.
#[test]
fn files_are_read_by_the_sessions_reps_and_its_team_leads() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", issue_route("invoice"));
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    h.ok("bob", req::leave(id));
    assert!(!h.session(id).has_rep(&rep("bob")), "bob left");

    let live = |h: &Harness, who: &str| h.router.rep_may_read_files(&rep(who), id);
    assert_eq!(live(&h, "alice"), Some(true));
    assert_eq!(live(&h, "bob"), Some(true), "bob was in it");
    assert_eq!(live(&h, "carol"), Some(false), "carol (tech) never was");
    assert_eq!(live(&h, "ivan"), Some(false));

    // Leads: of billing (the session's team) yes, of tech only no.
    let session = h.session(id).clone();
    assert!(
        !may_read_files(&with_lead("dave"), &session, &rep("dave")),
        "dave leads tech and sales, not billing"
    );
    let mut billing_lead = (*with_lead("carol")).clone();
    assert!(
        !may_read_files(&billing_lead, &session, &rep("carol")),
        "tech lead"
    );
    billing_lead
        .reps
        .get_mut(&rep("carol"))
        .unwrap()
        .teams
        .push(team("billing"));
    assert!(
        may_read_files(&billing_lead, &session, &rep("carol")),
        "billing lead"
    );

    // Ended: the router forgets it; its record still says who was in it.
    h.ok("alice", req::disposition(id, "Resolved"));
    h.ok("alice", req::end(id));
    assert_eq!(live(&h, "alice"), None, "ask the store");
    let ended = stored(&h, id);
    assert!(ended.participants.is_empty(), "everyone left when it ended");
    let reads = |who: &str| may_read_files(&config(), &ended, &rep(who));
    assert!(reads("alice") && reads("bob"));
    assert!(!reads("carol") && !reads("ivan"));
    assert!(may_read_files(&billing_lead, &ended, &rep("carol")));
}
