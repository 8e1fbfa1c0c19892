//! Seed 002: inviting other reps into a shared session, exactly as the seed lists it.

use super::support::*;
use crate::router::effects::{Effect, StoreOp};
use switchboard_protocol::{
    ErrorCode, HelpIssue, InvitationId, InviteTarget, Invitee, InviteeTeam, OkResult, Presence,
    QueueEntry, RepEvent, RepRequest, Route, SessionId,
};

fn invitation_entry(h: &Harness, who: &str, inv: InvitationId) -> Option<QueueEntry> {
    find_entry(&h.snap(who), &invitation_entry_id(inv)).cloned()
}

fn sees(h: &Harness, who: &str, inv: InvitationId) -> bool {
    invitation_entry(h, who, inv).is_some()
}

/// Seed 002: "Only the session owner can send invitations": a participant gets not_owner,
/// a rep outside the session not_in_session.
#[test]
fn only_the_owner_invites() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    h.refused("bob", req::invite_team(id, "billing"), ErrorCode::NotOwner);
    h.refused("bob", req::invite_rep(id, "carol"), ErrorCode::NotOwner);
    h.refused(
        "carol",
        req::invite_team(id, "tech"),
        ErrorCode::NotInSession,
    );
    // Nobody owns a waiting session.
    let waiting = h.start("W", Route::General);
    h.refused(
        "alice",
        req::invite_rep(waiting, "bob"),
        ErrorCode::NotInSession,
    );
}

/// Seed 002: inviting a named rep sends the invitation to that rep's personal queue,
/// shown to them only, with the inviter and target; it is stored.
#[test]
fn invitation_to_a_rep_goes_to_their_personal_queue() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned(
        "alice",
        "Zoe",
        Route::Issue {
            issue: issue("refund"),
        },
    );
    h.advance(10);
    let (inv, effects) = h.invite("alice", req::invite_rep(id, "bob"));
    let entry_id = invitation_entry_id(inv);
    assert_eq!(upserted_to(&effects, &entry_id), names(&["bob"]));
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::PutInvitation(i) if i.id == inv && i.session_id == id))
    );
    // The owner's session now lists the invitation.
    assert!(events_for(&effects, "alice").iter().any(|e| matches!(
        e,
        RepEvent::SessionUpdated { session } if session.invitations.iter().any(|i| i.invitation_id == inv)
    )));
    let entry = invitation_entry(&h, "bob", inv).expect("bob sees the invitation");
    assert_eq!(entry.queue, personal("bob"));
    assert_eq!(entry.session_id, id);
    assert_eq!(entry.customer.name, "Zoe");
    assert_eq!(entry.issue, Some(issue("refund")));
    assert_eq!(entry.entered_queue_at, T0 + 10_000);
    let info = entry.invitation.expect("an invitation entry");
    assert_eq!(info.inviter, rep("alice"));
    assert_eq!(info.target, InviteTarget::Rep { rep: rep("bob") });
    assert!(entries(&h.snap("bob"), &personal("bob")).len() == 1);
    assert!(!sees(&h, "alice", inv));
}

/// Seed 002: "Any Representative" of a team sends the invitation to the team queue, where
/// every member not in the session sees it.
#[test]
fn invitation_to_a_team_goes_to_the_team_queue() {
    let mut h = Harness::with_reps(&["alice", "carol", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, effects) = h.invite("alice", req::invite_team(id, "tech"));
    assert_eq!(
        upserted_to(&effects, &invitation_entry_id(inv)),
        names(&["carol", "dave"])
    );
    let entry = invitation_entry(&h, "carol", inv).expect("carol sees it");
    assert_eq!(entry.queue, team_q("tech"));
    assert_eq!(
        entry.invitation.map(|i| i.target),
        Some(InviteTarget::Team { team: team("tech") })
    );
    assert!(sees(&h, "dave", inv));
    assert!(
        !sees(&h, "alice", inv),
        "the inviter is in the session already"
    );
    // "You can send multiple invitations if you want more representatives from the team."
    let (second, _) = h.invite("alice", req::invite_team(id, "tech"));
    assert_ne!(second, inv);
}

/// Seed 002: Request Help by issue sends the invitation to the issue's team queue; only
/// issues configured with request_help may be used (forbidden otherwise).
#[test]
fn invitation_by_issue_needs_request_help() {
    let mut h = Harness::with_reps(&["alice", "carol", "gina"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, effects) = h.invite("alice", req::invite_issue(id, "crash"));
    assert_eq!(
        upserted_to(&effects, &invitation_entry_id(inv)),
        names(&["carol", "dave"])
    );
    let entry = invitation_entry(&h, "carol", inv).expect("carol sees it");
    assert_eq!(entry.queue, team_q("tech"));
    assert_eq!(
        entry.invitation.map(|i| i.target),
        Some(InviteTarget::Issue {
            issue: issue("crash")
        })
    );
    let (escalation, _) = h.invite("alice", req::invite_issue(id, "escalate"));
    assert!(sees(&h, "gina", escalation));
    h.refused(
        "alice",
        req::invite_issue(id, "invoice"),
        ErrorCode::Forbidden,
    );
    h.refused(
        "alice",
        req::invite_issue(id, "pricing"),
        ErrorCode::Forbidden,
    );
    h.refused("alice", req::invite_issue(id, "nope"), ErrorCode::NotFound);
}

/// Seed 002: "Invitations do not time out as long as you remain the session owner."
#[test]
fn invitations_do_not_time_out() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (to_bob, _) = h.invite("alice", req::invite_rep(id, "bob"));
    let (to_tech, _) = h.invite("alice", req::invite_team(id, "tech"));
    for _ in 0..5 {
        h.advance(24 * 3600);
        let effects = h.tick();
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::Persist(StoreOp::DeleteInvitation(_)))),
            "nothing deletes invitations on a tick"
        );
    }
    assert_eq!(h.session(id).owner, Some(rep("alice")));
    assert!(sees(&h, "bob", to_bob));
    assert!(sees(&h, "carol", to_tech));
    h.ok("bob", req::accept_inv(to_bob));
}

/// Seed 002: "Multiple active invitations cannot exist for the same rep to join the same
/// session" (invitation_exists); after it is gone, a new one may be sent.
#[test]
fn no_two_invitations_for_the_same_rep_and_session() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let other = h.owned("alice", "Yan", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.refused(
        "alice",
        req::invite_rep(id, "bob"),
        ErrorCode::InvitationExists,
    );
    // Another session is another invitation.
    h.invite("alice", req::invite_rep(other, "bob"));
    h.ok("bob", req::decline_inv(inv));
    h.invite("alice", req::invite_rep(id, "bob"));
    // A rep already in the session cannot be invited to it.
    h.refused(
        "alice",
        req::invite_rep(id, "alice"),
        ErrorCode::AlreadyInSession,
    );
}

/// Seed 002: the invitation disappears when the inviting user cancels it (and only the
/// owner may cancel).
#[test]
fn cancelled_invitation_disappears() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (joined, _) = h.invite("alice", req::invite_rep(id, "carol"));
    h.ok("carol", req::accept_inv(joined));
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.refused("carol", req::cancel(inv), ErrorCode::NotOwner);
    h.refused("bob", req::cancel(inv), ErrorCode::NotInSession);
    let (_, effects) = h.ok("alice", req::cancel(inv));
    assert_eq!(
        removed_to(&effects, &invitation_entry_id(inv)),
        names(&["bob"])
    );
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::DeleteInvitation(i) if *i == inv))
    );
    assert!(!sees(&h, "bob", inv));
    assert!(!h.has_invitation(inv));
    h.refused("bob", req::accept_inv(inv), ErrorCode::NotFound);
    h.refused("alice", req::cancel(inv), ErrorCode::NotFound);
    h.refused("alice", req::cancel(InvitationId(99)), ErrorCode::NotFound);
}

/// Seed 002: the invitation disappears when the inviting user transfers ownership of the
/// session (with or without staying).
#[test]
fn transfer_drops_the_invitations() {
    for stay in [false, true] {
        let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
        let id = h.owned("alice", "Zoe", Route::General);
        let (to_bob, _) = h.invite("alice", req::invite_rep(id, "bob"));
        let (to_tech, _) = h.invite("alice", req::invite_team(id, "tech"));
        let (_, effects) = h.ok("alice", req::transfer_team(id, "billing", stay));
        assert!(removed_to(&effects, &invitation_entry_id(to_bob)).contains("bob"));
        assert!(removed_to(&effects, &invitation_entry_id(to_tech)).contains("carol"));
        assert!(!sees(&h, "bob", to_bob));
        assert!(!sees(&h, "carol", to_tech));
        assert!(!h.has_invitation(to_bob) && !h.has_invitation(to_tech));
        assert!(h.store.invitations.is_empty());
        h.refused("bob", req::accept_inv(to_bob), ErrorCode::NotFound);
    }
}

/// Seed 002: the invitation disappears when the inviting user leaves the session: closing
/// it to its queue, or ending it.
#[test]
fn closing_drops_the_invitations() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let queued = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(queued, "bob"));
    let (_, effects) = h.ok("alice", req::leave_in_queue(queued));
    assert_eq!(
        removed_to(&effects, &invitation_entry_id(inv)),
        names(&["bob"])
    );
    assert!(!h.has_invitation(inv));
    assert!(!sees(&h, "bob", inv));

    let ended = h.owned("alice", "Yan", Route::General);
    let (to_bob, _) = h.invite("alice", req::invite_rep(ended, "bob"));
    let (to_tech, _) = h.invite("alice", req::invite_team(ended, "tech"));
    h.ok("alice", req::disposition(ended, "Resolved"));
    let (_, effects) = h.ok("alice", req::end(ended));
    assert!(removed_to(&effects, &invitation_entry_id(to_bob)).contains("bob"));
    assert!(removed_to(&effects, &invitation_entry_id(to_tech)).contains("carol"));
    assert!(h.router.invitations.is_empty());
    assert!(h.store.invitations.is_empty());
    h.refused("bob", req::accept_inv(to_bob), ErrorCode::NotFound);
    h.refused("carol", req::accept_inv(to_tech), ErrorCode::NotFound);
}

/// Seed 002: the invitation disappears when the invited user accepts it; they join as a
/// participant (the inviter keeps ownership). A team invitation is taken by one member.
#[test]
fn accepted_invitation_disappears() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    let (_, effects) = h.ok("bob", req::accept_inv(inv));
    assert!(
        events_for(&effects, "bob")
            .iter()
            .any(|e| matches!(e, RepEvent::SessionJoined { .. }))
    );
    assert_eq!(
        removed_to(&effects, &invitation_entry_id(inv)),
        names(&["bob"])
    );
    assert!(!h.has_invitation(inv));
    assert_eq!(h.session(id).owner, Some(rep("alice")));
    assert_eq!(h.session(id).participants, vec![rep("alice"), rep("bob")]);
    // Accepting one's own accepted invitation again: already in the session.
    h.refused("bob", req::accept_inv(inv), ErrorCode::AlreadyInSession);

    let (team_inv, _) = h.invite("alice", req::invite_team(id, "tech"));
    let (_, effects) = h.ok("dave", req::accept_inv(team_inv));
    assert_eq!(
        removed_to(&effects, &invitation_entry_id(team_inv)),
        names(&["alice", "carol", "dave"])
    );
    assert!(!sees(&h, "carol", team_inv));
    h.refused("carol", req::accept_inv(team_inv), ErrorCode::AlreadyTaken);
}

/// Seed 002: the invitation disappears when the invited user declines it.
#[test]
fn declined_rep_invitation_disappears() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    // Not for carol (the code: see invitations_for_someone_else_are_not_found).
    h.refused_any("carol", req::decline_inv(inv));
    h.refused_any("carol", req::accept_inv(inv));
    let (_, effects) = h.ok("bob", req::decline_inv(inv));
    assert_eq!(
        removed_to(&effects, &invitation_entry_id(inv)),
        names(&["bob"])
    );
    assert!(!h.has_invitation(inv));
    assert!(h.store.invitations.is_empty());
    // The owner's view of the session no longer lists it.
    assert!(h.snap("alice").sessions[0].session.invitations.is_empty());
}

/// A team invitation declined by one member stays visible to (and can be accepted by)
/// the other members.
#[test]
fn team_invitation_declined_by_one_stays_for_the_others() {
    let mut h = Harness::with_reps(&["alice", "carol", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, _) = h.invite("alice", req::invite_team(id, "tech"));
    let (_, effects) = h.ok("carol", req::decline_inv(inv));
    assert_eq!(
        removed_to(&effects, &invitation_entry_id(inv)),
        names(&["carol"])
    );
    assert!(!sees(&h, "carol", inv));
    assert!(sees(&h, "dave", inv));
    assert!(h.has_invitation(inv));
    h.refused_any("carol", req::accept_inv(inv));
    h.refused_any("carol", req::decline_inv(inv));
    h.ok("dave", req::accept_inv(inv));
    assert!(h.session(id).participants.contains(&rep("dave")));
}

/// Seed 002: reps and teams outside one's own teams may be invited only with
/// share_outside_teams (forbidden otherwise).
#[test]
fn inviting_outside_own_teams_needs_permission() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "gina"]);
    // bob (billing, no share_outside_teams).
    let bobs = h.owned(
        "bob",
        "Zoe",
        Route::Team {
            team: team("billing"),
        },
    );
    h.refused("bob", req::invite_rep(bobs, "carol"), ErrorCode::Forbidden);
    h.refused("bob", req::invite_team(bobs, "tech"), ErrorCode::Forbidden);
    h.refused("bob", req::invite_team(bobs, "nope"), ErrorCode::NotFound);
    h.refused("bob", req::invite_rep(bobs, "nobody"), ErrorCode::NotFound);
    h.invite("bob", req::invite_rep(bobs, "alice"));
    h.invite("bob", req::invite_team(bobs, "billing"));
    // alice (billing, tech, share_outside_teams).
    let alices = h.owned("alice", "Yan", Route::General);
    h.invite("alice", req::invite_rep(alices, "gina"));
    h.invite("alice", req::invite_team(alices, "leads"));
}

/// Seed 002: a rep who is not logged in and has no extended availability cannot be
/// invited (rep_unavailable); nor a team with nobody logged in or extended-available.
#[test]
fn offline_rep_without_extended_availability_is_unavailable() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = h.owned("alice", "Zoe", Route::General);
    h.refused(
        "alice",
        req::invite_rep(id, "carol"),
        ErrorCode::RepUnavailable,
    );
    h.refused(
        "alice",
        req::invite_rep(id, "bob"),
        ErrorCode::RepUnavailable,
    );
    // Billing: bob offline, alice is in the session.
    h.refused(
        "alice",
        req::invite_team(id, "billing"),
        ErrorCode::RepUnavailable,
    );
    // A rep who was connected and dropped is not logged in.
    h.connect("bob");
    h.disconnect("bob");
    h.refused(
        "alice",
        req::invite_rep(id, "bob"),
        ErrorCode::RepUnavailable,
    );
}

/// Seed 002: "When you invite a user with extended availability enabled, they receive an
/// email notification" — allowed though offline, with a StoreOp::Email to their address.
#[test]
fn offline_rep_with_extended_availability_gets_an_email() {
    let mut h = Harness::with_reps(&["alice"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (inv, effects) = h.invite("alice", req::invite_rep(id, "dave"));
    let email = store_ops(&effects)
        .into_iter()
        .find_map(|op| match op {
            StoreOp::Email {
                rep: r,
                to,
                subject,
                body,
                at,
            } => Some((r.clone(), to.clone(), subject.clone(), body.clone(), *at)),
            _ => None,
        })
        .expect("an email is queued");
    assert_eq!(email.0, rep("dave"));
    assert_eq!(email.1, "dave@example.com");
    assert!(email.2.contains("Alice Martin"));
    assert!(email.3.contains("Zoe"));
    assert_eq!(email.4, h.now);
    assert_eq!(h.store.emails.len(), 1);
    // The invitation waits in dave's personal queue for when he logs in.
    h.connect("dave");
    assert!(sees(&h, "dave", inv));
    // A logged-in rep gets no email.
    let other = h.owned("alice", "Yan", Route::General);
    let (_, effects) = h.invite("alice", req::invite_rep(other, "dave"));
    assert!(
        !store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::Email { .. }))
    );
    // Teams outside alice's own with only an extended-available member: allowed.
    h.invite("alice", req::invite_team(other, "leads"));
}

fn invitees(h: &mut Harness, who: &str, id: SessionId) -> (Vec<InviteeTeam>, Vec<HelpIssue>) {
    match h.ok(who, RepRequest::ListInvitees { session_id: id }) {
        (Some(OkResult::Invitees { teams, issues }), effects) => {
            assert!(effects.is_empty(), "listing changes nothing");
            (teams, issues)
        }
        other => panic!("list_invitees: {other:?}"),
    }
}

fn team_reps(teams: &[InviteeTeam], which: &str) -> Option<Vec<String>> {
    teams
        .iter()
        .find(|t| t.team == team(which))
        .map(|t| t.reps.iter().map(|r| r.rep.to_string()).collect())
}

/// Seed 002: the invitee list shows only reps logged in or with extended availability;
/// other teams only with share_outside_teams and only if someone there can be invited;
/// issues only those with request_help.
#[test]
fn list_invitees_follows_seed_002() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "erin", "ivan"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (teams, issues) = invitees(&mut h, "alice", id);
    // Own teams: billing (bob logged in), tech (carol logged in, dave by email).
    assert_eq!(team_reps(&teams, "billing"), Some(vec!["bob".to_owned()]));
    assert_eq!(
        team_reps(&teams, "tech"),
        Some(vec!["carol".to_owned(), "dave".to_owned()])
    );
    // Outside teams (alice may share outside): leads (hank by email; gina is offline),
    // sales (dave by email, erin logged in; frank offline).
    assert_eq!(team_reps(&teams, "leads"), Some(vec!["hank".to_owned()]));
    assert_eq!(
        team_reps(&teams, "sales"),
        Some(vec!["dave".to_owned(), "erin".to_owned()])
    );
    let tech = teams.iter().find(|t| t.team == team("tech")).unwrap();
    assert!(tech.own_team);
    assert!(
        !teams
            .iter()
            .find(|t| t.team == team("leads"))
            .unwrap()
            .own_team
    );
    assert_eq!(
        tech.reps[1],
        Invitee {
            rep: rep("dave"),
            display_name: "Dave Dunn".to_owned(),
            presence: Presence::Offline,
            extended_availability: true,
            invited: false,
        }
    );
    assert_eq!(tech.reps[0].presence, Presence::Available);
    assert!(!tech.reps[0].extended_availability);
    let issue_ids: Vec<String> = issues.iter().map(|i| i.issue.to_string()).collect();
    assert_eq!(issue_ids, vec!["crash", "escalate", "refund"]);

    // bob may not share outside his teams: billing only.
    let bobs = h.owned("bob", "Yan", Route::General);
    let (teams, issues) = invitees(&mut h, "bob", bobs);
    let listed: Vec<String> = teams.iter().map(|t| t.team.to_string()).collect();
    assert_eq!(listed, vec!["billing"]);
    assert_eq!(team_reps(&teams, "billing"), Some(vec!["alice".to_owned()]));
    assert_eq!(issues.len(), 3);

    // Reps already in the session are not listed; a participant may not list.
    let (inv, _) = h.invite("alice", req::invite_rep(id, "carol"));
    h.ok("carol", req::accept_inv(inv));
    let (teams, _) = invitees(&mut h, "alice", id);
    assert_eq!(team_reps(&teams, "tech"), Some(vec!["dave".to_owned()]));
    h.refused(
        "carol",
        RepRequest::ListInvitees { session_id: id },
        ErrorCode::NotOwner,
    );
}

/// PROTOCOL.md §5: accepting, declining or cancelling an invitation that is gone (cancelled,
/// declined, dropped by a transfer) answers not_found; already_taken is for a team
/// invitation another member accepted first.
#[test]
fn gone_invitations_are_not_found() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    // Taken by another team member: already_taken (as documented).
    let (team_inv, _) = h.invite("alice", req::invite_team(id, "tech"));
    h.ok("dave", req::accept_inv(team_inv));
    h.refused("carol", req::accept_inv(team_inv), ErrorCode::AlreadyTaken);
    // Cancelled.
    let (cancelled, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("alice", req::cancel(cancelled));
    h.refused("bob", req::accept_inv(cancelled), ErrorCode::NotFound);
    h.refused("bob", req::decline_inv(cancelled), ErrorCode::NotFound);
    h.refused("alice", req::cancel(cancelled), ErrorCode::NotFound);
    // Declined.
    let (declined, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::decline_inv(declined));
    h.refused("bob", req::accept_inv(declined), ErrorCode::NotFound);
    // Dropped when the owner transferred the session.
    let (dropped, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("alice", req::transfer_team(id, "billing", true));
    h.refused("bob", req::accept_inv(dropped), ErrorCode::NotFound);
}

/// PROTOCOL.md §5: accept_invitation and decline_invitation document no `forbidden`; an
/// invitation the rep cannot see (someone else's, or a team invitation they declined) is
/// not_found for them.
#[test]
fn invitations_for_someone_else_are_not_found() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (to_bob, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.refused("carol", req::accept_inv(to_bob), ErrorCode::NotFound);
    h.refused("carol", req::decline_inv(to_bob), ErrorCode::NotFound);
    let (to_tech, _) = h.invite("alice", req::invite_team(id, "tech"));
    h.refused("bob", req::accept_inv(to_tech), ErrorCode::NotFound);
    h.ok("carol", req::decline_inv(to_tech));
    h.refused("carol", req::accept_inv(to_tech), ErrorCode::NotFound);
    h.refused("carol", req::decline_inv(to_tech), ErrorCode::NotFound);
}

/// Seed 002 / PROTOCOL.md §6: a rep who joins a session by one invitation no longer sees
/// its other invitations, and the live events say so (entry_removed), as a fresh snapshot
/// does; when they leave again, the team invitation shows again (entry_upserted).
#[test]
fn joining_hides_the_sessions_other_invitations_live() {
    let mut h = Harness::with_reps(&["alice", "dave"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (to_tech, _) = h.invite("alice", req::invite_team(id, "tech"));
    let (to_sales, _) = h.invite("alice", req::invite_team(id, "sales"));
    assert!(sees(&h, "dave", to_tech) && sees(&h, "dave", to_sales));
    let (_, effects) = h.ok("dave", req::accept_inv(to_sales));
    // The snapshot hides the tech invitation from dave, who is in the session now ...
    assert!(!sees(&h, "dave", to_tech));
    // ... and so must the live stream.
    assert_eq!(
        removed_to(&effects, &invitation_entry_id(to_tech)),
        names(&["dave"]),
        "dave's console keeps a stale invitation entry"
    );
    let (_, effects) = h.ok("dave", req::leave(id));
    assert!(sees(&h, "dave", to_tech));
    assert_eq!(
        upserted_to(&effects, &invitation_entry_id(to_tech)),
        names(&["dave"]),
        "dave's console misses the invitation shown again"
    );
}

/// PROTOCOL.md §7 invitations: a rep already in the session cannot be invited, so a rep
/// who joins through a team invitation loses their own invitation to that session.
#[test]
fn joining_another_way_drops_the_reps_own_invitation() {
    let mut h = Harness::with_reps(&["alice", "carol"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (to_carol, _) = h.invite("alice", req::invite_rep(id, "carol"));
    let (to_tech, _) = h.invite("alice", req::invite_team(id, "tech"));
    let (_, effects) = h.ok("carol", req::accept_inv(to_tech));
    assert!(!h.has_invitation(to_carol));
    assert!(
        store_ops(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::DeleteInvitation(i) if *i == to_carol))
    );
    assert!(removed_to(&effects, &invitation_entry_id(to_carol)).contains("carol"));
    assert!(h.snap("alice").sessions[0].session.invitations.is_empty());
    // Once she left, she may be invited again.
    h.ok("carol", req::leave(id));
    h.invite("alice", req::invite_rep(id, "carol"));
}

/// PROTOCOL.md §5 list_invitees: the owner's own teams come first, then the others.
#[test]
fn list_invitees_lists_own_teams_first() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "erin", "gina"]);
    let id = h.owned("alice", "Zoe", Route::General);
    let (teams, _) = invitees(&mut h, "alice", id);
    let order: Vec<(String, bool)> = teams
        .iter()
        .map(|t| (t.team.to_string(), t.own_team))
        .collect();
    assert_eq!(
        order,
        vec![
            ("billing".to_owned(), true),
            ("tech".to_owned(), true),
            ("leads".to_owned(), false),
            ("sales".to_owned(), false),
        ]
    );
}
