//! Jump Clients in the router (docs/PROTOCOL.md §5 `pin_jump_client` … `unpin_jump_client`,
//! §12 `/ws/jump`): who may pin, see, jump to and unpin one (the wrong rep, a participant,
//! another team: refused), the program's report, the agent's hello (unknown token, another
//! machine, unpinned), online and offline, the jump session (owner, entry path, policy,
//! note, the agent told with a token that resumes it), the policy granting requests without
//! a prompt and the revocations that still hold, lost after `lost_days`, and a restart.

use super::remote::{ask, asks, customer_ok, customer_refused, native, refused, state};
use super::support::*;
use crate::router::Input;
use crate::router::effects::{Effect, StoreOp};
use std::sync::Arc;
use switchboard_protocol::{
    Capability, ClientKind, CustomerRequest, CustomerServerMessage, EntryPath, ErrorCode, GrantEnd,
    GrantState, JumpClientId, JumpClientInfo, JumpClientState, JumpPolicy, JumpServerMessage,
    MachineInfo, OkResult, RepEvent, RepRequest, Route, SessionId,
};

const MACHINE: &str = "machine-0001";
const DAY_MS: u64 = 24 * 3600 * 1000;

fn machine(id: &str) -> MachineInfo {
    MachineInfo {
        machine_id: id.to_owned(),
        host: "sams-laptop".to_owned(),
        os: "Linux (Debian 12)".to_owned(),
    }
}

/// A native session owned by `owner` whose client described `MACHINE`.
fn on_machine(h: &mut Harness, owner: &str) -> SessionId {
    let session = native(h, owner);
    customer_ok(
        h,
        session,
        CustomerRequest::DescribeMachine {
            machine: machine(MACHINE),
        },
    );
    session
}

fn pin(session_id: SessionId, team: Option<&str>, name: &str) -> RepRequest {
    RepRequest::PinJumpClient {
        session_id,
        team: team.map(switchboard_protocol::TeamId::new),
        name: name.to_owned(),
    }
}

/// Pins a Jump Client; its id and the token the program was sent.
fn pinned(h: &mut Harness, who: &str, id: SessionId, team: Option<&str>) -> (JumpClientId, String) {
    let (result, effects) = h.ok(who, pin(id, team, ""));
    let Some(OkResult::JumpClient { jump_client_id }) = result else {
        panic!("pin_jump_client answered {result:?}");
    };
    let token = effects
        .iter()
        .find_map(|e| match e {
            Effect::ToCustomer(
                session,
                CustomerServerMessage::InstallJumpClient {
                    jump_client_id: j,
                    token,
                    name,
                },
            ) if *session == id && *j == jump_client_id => {
                assert_eq!(name, "Sam Lee (sams-laptop)", "the default name");
                Some(token.clone())
            }
            _ => None,
        })
        .expect("the program is asked to install it");
    let stored = effects.iter().any(|e| {
        matches!(e, Effect::Persist(StoreOp::PutJumpClient(j))
            if j.info.jump_client_id == jump_client_id && j.token_hash != token)
    });
    assert!(stored, "stored before acknowledged, by its token's hash");
    (jump_client_id, token)
}

fn hello(conn: u64, token: &str, machine_id: &str) -> Input {
    Input::JumpHello {
        conn,
        token: token.to_owned(),
        machine: machine(machine_id),
    }
}

/// An agent's hello that must be welcomed.
fn welcomed(h: &mut Harness, conn: u64, token: &str, id: JumpClientId) -> Vec<Effect> {
    let (reply, effects) = h.handle(hello(conn, token, MACHINE));
    assert_eq!(reply, Ok(None));
    assert!(effects.contains(&Effect::BindJump(conn, id)));
    assert!(effects.iter().any(|e| matches!(e,
        Effect::ToJumpConn(c, JumpServerMessage::Welcome { jump_client_id, .. })
            if *c == conn && *jump_client_id == id)));
    effects
}

fn listed(h: &mut Harness, who: &str) -> Vec<JumpClientInfo> {
    match h.ok(who, RepRequest::ListJumpClients).0 {
        Some(OkResult::JumpClients { jump_clients }) => jump_clients,
        other => panic!("list_jump_clients answered {other:?}"),
    }
}

fn updates<'a>(effects: &'a [Effect], who: &str) -> Vec<&'a JumpClientInfo> {
    events_for(effects, who)
        .into_iter()
        .filter_map(|e| match e {
            RepEvent::JumpClientUpdated { jump_client } => Some(jump_client),
            _ => None,
        })
        .collect()
}

/// Jumps; the new session and the customer token the agent was sent.
fn jumped(h: &mut Harness, who: &str, id: JumpClientId) -> (SessionId, String, Vec<Effect>) {
    let (result, effects) = h.ok(who, RepRequest::Jump { jump_client_id: id });
    let Some(OkResult::JumpSession { session_id }) = result else {
        panic!("jump answered {result:?}");
    };
    let token = effects
        .iter()
        .find_map(|e| match e {
            Effect::ToJump(
                j,
                JumpServerMessage::Jump {
                    session_id: s,
                    customer_token,
                    ..
                },
            ) if *j == id && *s == session_id => Some(customer_token.clone()),
            _ => None,
        })
        .expect("the agent is told to join");
    (session_id, token, effects)
}

/// The agent joins its jump session on `/ws/customer` with a `resume`.
fn agent_resumes(h: &mut Harness, conn: u64, session_id: SessionId, token: &str) {
    let (reply, effects) = h.handle(Input::CustomerResume {
        conn,
        session_id,
        customer_token: token.to_owned(),
    });
    assert_eq!(reply, Ok(None));
    assert!(effects.contains(&Effect::BindCustomer(conn, session_id)));
}

/// A Jump Client pinned by alice for `team` (or herself), installed and online.
fn online_client(h: &mut Harness, team: Option<&str>) -> (JumpClientId, String) {
    let session = on_machine(h, "alice");
    let (id, token) = pinned(h, "alice", session, team);
    welcomed(h, 900, &token, id);
    (id, token)
}

fn with_policy(policy: JumpPolicy) -> Harness {
    let mut config = (*config()).clone();
    config.jump.policy = policy;
    let mut h = Harness::with_config(Arc::new(config));
    for who in ["alice", "bob", "carol", "dave"] {
        h.connect(who);
    }
    h
}

/// Pinning needs the session's owner with the permission, a native client with a described machine,
/// one of their own teams, a one-line name, and room on the machine.
#[test]
fn only_the_permitted_owner_pins_for_themself_or_their_own_team() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol"]);
    let id = on_machine(&mut h, "alice");
    // Not in the session; a participant (with the permission); a team that is not hers.
    refused(&mut h, "carol", pin(id, None, ""), ErrorCode::NotInSession);
    let (inv, _) = h.invite("alice", req::invite_rep(id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    refused(&mut h, "bob", pin(id, None, ""), ErrorCode::Forbidden);
    refused(
        &mut h,
        "alice",
        pin(id, Some("sales"), ""),
        ErrorCode::Forbidden,
    );
    // An owner without the permission.
    let carols = on_machine(&mut h, "carol");
    refused(&mut h, "carol", pin(carols, None, ""), ErrorCode::Forbidden);
    // Names: one line, at most 100 characters.
    refused(
        &mut h,
        "alice",
        pin(id, None, &"x".repeat(101)),
        ErrorCode::Invalid,
    );
    refused(
        &mut h,
        "alice",
        pin(id, None, "two\nlines"),
        ErrorCode::Invalid,
    );
    // Web chat, and a native client that has not described its machine.
    let web = h.owned("alice", "Wes Web", Route::Rep { rep: rep("alice") });
    refused(
        &mut h,
        "alice",
        pin(web, None, ""),
        ErrorCode::RemoteUnavailable,
    );
    let undescribed = native(&mut h, "alice");
    refused(
        &mut h,
        "alice",
        pin(undescribed, None, ""),
        ErrorCode::RemoteUnavailable,
    );
    // At most four per machine.
    for _ in 0..switchboard_protocol::MAX_JUMP_CLIENTS_PER_MACHINE {
        pinned(&mut h, "alice", id, Some("billing"));
    }
    refused(&mut h, "alice", pin(id, None, ""), ErrorCode::LimitReached);
    // A named one keeps its name.
    let mut h = Harness::with_reps(&["alice"]);
    let id = on_machine(&mut h, "alice");
    h.ok("alice", pin(id, None, "  Front desk PC "));
    assert_eq!(listed(&mut h, "alice")[0].name, "Front desk PC");
}

/// The program's `jump_client_result` counts only from the session it was pinned from, and only
/// once.
#[test]
fn the_programs_report_counts_only_from_the_pinning_session() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = on_machine(&mut h, "alice");
    let other = on_machine(&mut h, "bob");
    let (jc, _) = pinned(&mut h, "alice", id, None);
    let report = |done: bool| CustomerRequest::JumpClientResult {
        jump_client_id: jc,
        done,
        detail: if done {
            String::new()
        } else {
            "no systemd".to_owned()
        },
    };
    customer_refused(&mut h, other, report(true), ErrorCode::NotFound);
    assert_eq!(listed(&mut h, "alice")[0].state, JumpClientState::Pending);
    let effects = customer_ok(&mut h, id, report(false));
    assert_eq!(updates(&effects, "alice")[0].state, JumpClientState::Failed);
    assert_eq!(listed(&mut h, "alice")[0].detail, "no systemd");
    // A repeated report changes nothing.
    let effects = customer_ok(&mut h, id, report(true));
    assert!(updates(&effects, "alice").is_empty());
}

/// A Jump Client is seen (and its changes told) by its owner or the owning team only; seeing
/// without the permission is not jumping.
#[test]
fn the_owner_and_the_owning_team_see_it_and_are_told_of_each_change() {
    let mut h = Harness::with_reps(&["alice", "bob", "carol", "dave"]);
    let id = on_machine(&mut h, "alice");
    let (result, effects) = h.ok("alice", pin(id, Some("tech"), ""));
    let Some(OkResult::JumpClient {
        jump_client_id: team_jc,
    }) = result
    else {
        panic!("{result:?}");
    };
    // Tech is alice, carol and dave; bob (billing) is not told.
    assert_eq!(
        reps_told(&effects, |e| matches!(
            e,
            RepEvent::JumpClientUpdated { .. }
        )),
        names(&["alice", "carol", "dave"])
    );
    let (mine, _) = pinned(&mut h, "alice", id, None);
    let ids = |list: Vec<JumpClientInfo>| list.iter().map(|j| j.jump_client_id).collect::<Vec<_>>();
    assert_eq!(ids(listed(&mut h, "alice")), [team_jc, mine]);
    assert_eq!(ids(listed(&mut h, "carol")), [team_jc]);
    assert!(listed(&mut h, "bob").is_empty());
    // Seeing is not jumping: not visible is `not_found`, visible without permission
    // `forbidden`, offline `remote_unavailable`.
    let jump = |id| RepRequest::Jump { jump_client_id: id };
    refused(&mut h, "bob", jump(team_jc), ErrorCode::NotFound);
    refused(&mut h, "carol", jump(mine), ErrorCode::NotFound);
    refused(&mut h, "carol", jump(team_jc), ErrorCode::Forbidden);
    refused(&mut h, "alice", jump(team_jc), ErrorCode::RemoteUnavailable);
}

/// An agent's hello needs a known token and the pinned machine; it brings the Jump Client online,
/// and its disconnection offline, with `last_seen` stored.
#[test]
fn an_agents_hello_needs_its_token_and_its_machine_and_brings_it_online() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let id = on_machine(&mut h, "alice");
    let (jc, token) = pinned(&mut h, "alice", id, Some("billing"));
    h.refused_input(hello(1, "not-a-token", MACHINE), ErrorCode::Unauthorized);
    h.refused_input(hello(1, &token, "machine-9999"), ErrorCode::Invalid);
    let effects = welcomed(&mut h, 1, &token, jc);
    let told = updates(&effects, "bob");
    assert!(told[0].online && told[0].state == JumpClientState::Installed);
    assert_eq!(told[0].last_seen, h.now);
    // A second connection of the same agent is bound instead (the edge closes the first).
    welcomed(&mut h, 2, &token, jc);
    h.advance(60);
    let (_, effects) = h.handle(Input::JumpDisconnected { jump_client_id: jc });
    let told = updates(&effects, "bob");
    assert!(!told[0].online);
    assert_eq!(told[0].last_seen, h.now, "last seen at the disconnection");
    assert!(h.store.jump_clients.contains_key(&jc.0), "stored");
}

/// A jump starts a session owned by the rep (entry path, policy, note), the agent resumes it with
/// its token, and the policy grants at once; capacity holds.
#[test]
fn a_jump_starts_a_session_owned_by_the_rep_that_the_agent_resumes() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let (jc, _) = online_client(&mut h, Some("billing"));
    let (session_id, token, effects) = jumped(&mut h, "bob", jc);
    assert!(events_for(&effects, "bob").iter().any(
        |e| matches!(e, RepEvent::SessionJoined { view } if view.session.session_id == session_id)
    ));
    let session = h.session(session_id);
    assert_eq!(session.owner, Some(rep("bob")));
    assert_eq!(session.entry_path, EntryPath::JumpClient);
    assert_eq!(session.client, ClientKind::Native);
    assert_eq!(session.customer.name, "Sam Lee (sams-laptop)");
    assert_eq!(
        session.jump,
        Some(JumpPolicy::Notify),
        "the configured policy"
    );
    assert!(session.waiting.is_none());
    assert_eq!(
        notes(&session.chat),
        ["Bob Okafor jumped to “Sam Lee (sams-laptop)” (policy notify)."]
    );
    agent_resumes(&mut h, 50, session_id, &token);
    assert!(h.session(session_id).customer_connected);
    // The policy grants at once, and says so; still subject to the rep's permission.
    let view = asks(&mut h, "bob", session_id, Capability::ScreenView);
    assert_eq!(state(&h, session_id, view), (GrantState::Granted, None));
    let lines = notes(&h.session(session_id).chat);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("grants requests without asking")),
        "{lines:?}"
    );
    // Capacity: bob may have two sessions.
    on_machine(&mut h, "bob");
    refused(
        &mut h,
        "bob",
        RepRequest::Jump { jump_client_id: jc },
        ErrorCode::AtCapacity,
    );
}

/// `no_prompt` and `notify` grant a request at once, `ask` prompts; a participant's own permission
/// still holds.
#[test]
fn no_prompt_and_notify_grant_at_once_but_ask_prompts() {
    for (policy, expected) in [
        (JumpPolicy::NoPrompt, GrantState::Granted),
        (JumpPolicy::Notify, GrantState::Granted),
        (JumpPolicy::Ask, GrantState::Prompting),
    ] {
        let mut h = with_policy(policy);
        let (jc, _) = online_client(&mut h, Some("tech"));
        let (session_id, token, _) = jumped(&mut h, "alice", jc);
        assert_eq!(h.session(session_id).jump, Some(policy));
        agent_resumes(&mut h, 50, session_id, &token);
        let control = asks(&mut h, "alice", session_id, Capability::ScreenControl);
        assert_eq!(state(&h, session_id, control).0, expected, "{policy:?}");
        // Carol (tech, view only) joins: her permission still holds.
        let (inv, _) = h.invite("alice", req::invite_rep(session_id, "carol"));
        h.ok("carol", req::accept_inv(inv));
        refused(
            &mut h,
            "carol",
            ask(session_id, Capability::ScreenControl),
            ErrorCode::Forbidden,
        );
        refused(
            &mut h,
            "carol",
            ask(session_id, Capability::Shell),
            ErrorCode::Forbidden,
        );
    }
}

/// Grants made by the policy end like any other: the agent's connection drops, the customer's Stop,
/// a removed participant, the session's end.
#[test]
fn grants_made_by_the_policy_are_revoked_on_every_way_out() {
    let mut h = Harness::with_reps(&["alice", "bob"]);
    let (jc, _) = online_client(&mut h, Some("billing"));
    let (session_id, token, _) = jumped(&mut h, "alice", jc);
    agent_resumes(&mut h, 50, session_id, &token);
    // The agent's connection drops.
    let view = asks(&mut h, "alice", session_id, Capability::ScreenView);
    h.customer_drops(session_id);
    assert_eq!(
        state(&h, session_id, view),
        (GrantState::Stopped, Some(GrantEnd::CustomerDisconnected))
    );
    // The customer's Stop.
    agent_resumes(&mut h, 51, session_id, &token);
    let shell = asks(&mut h, "alice", session_id, Capability::Shell);
    customer_ok(
        &mut h,
        session_id,
        CustomerRequest::StopRemote { grant_id: None },
    );
    assert_eq!(
        state(&h, session_id, shell),
        (GrantState::Stopped, Some(GrantEnd::CustomerStopped))
    );
    // A participant removed.
    let (inv, _) = h.invite("alice", req::invite_rep(session_id, "bob"));
    h.ok("bob", req::accept_inv(inv));
    let bobs = asks(&mut h, "bob", session_id, Capability::ScreenView);
    assert_eq!(state(&h, session_id, bobs).0, GrantState::Granted);
    h.ok("alice", req::remove(session_id, "bob"));
    assert_eq!(state(&h, session_id, bobs).0, GrantState::Stopped);
    // The session ends.
    let last = asks(&mut h, "alice", session_id, Capability::ScreenView);
    h.ok("alice", req::disposition(session_id, "Resolved"));
    h.ok("alice", req::end(session_id));
    let stored: crate::router::state::Session =
        serde_json::from_str(&h.store.sessions[&session_id.0].1).unwrap();
    let ended = stored
        .grants
        .list
        .iter()
        .find(|g| g.grant_id == last)
        .unwrap();
    assert_eq!(ended.ended, Some(GrantEnd::SessionEnded));
}

/// Unpinning is for the pinner, a lead of the team or a permitted teammate; an online agent is told
/// at once and its token is refused after.
#[test]
fn unpinning_is_for_the_pinner_a_lead_or_a_permitted_teammate_and_revokes_the_token() {
    let mut config = (*config()).clone();
    // Carol leads tech; dave is in tech without the permission.
    config.reps.get_mut(&rep("carol")).unwrap().permissions.lead = true;
    let mut h = Harness::with_config(Arc::new(config));
    for who in ["alice", "bob", "carol", "dave"] {
        h.connect(who);
    }
    let session = on_machine(&mut h, "alice");
    let (tech, tech_token) = pinned(&mut h, "alice", session, Some("tech"));
    let (billing, _) = pinned(&mut h, "alice", session, Some("billing"));
    let unpin = |id| RepRequest::UnpinJumpClient { jump_client_id: id };
    refused(&mut h, "bob", unpin(tech), ErrorCode::NotFound);
    refused(&mut h, "dave", unpin(tech), ErrorCode::Forbidden);
    refused(&mut h, "dave", unpin(billing), ErrorCode::NotFound);
    // Online: told now, and its connection closes.
    welcomed(&mut h, 7, &tech_token, tech);
    let (_, effects) = h.ok("carol", unpin(tech));
    assert!(effects.contains(&Effect::ToJump(tech, JumpServerMessage::Uninstall)));
    assert!(effects.contains(&Effect::CloseJump(tech)));
    assert_eq!(
        updates(&effects, "dave")[0].state,
        JumpClientState::Unpinned
    );
    let _ = h.handle(Input::JumpDisconnected {
        jump_client_id: tech,
    });
    assert!(listed(&mut h, "carol").is_empty());
    refused(&mut h, "carol", unpin(tech), ErrorCode::NotFound);
    // The token is revoked.
    h.refused_input(hello(8, &tech_token, MACHINE), ErrorCode::Unauthorized);
    // A permitted teammate unpins billing's.
    h.ok("bob", unpin(billing));
}

/// An agent offline at its unpinning is answered `uninstall` at its next hello, once, and
/// `unauthorized` after (also after a restart).
#[test]
fn an_agent_offline_at_its_unpinning_is_told_to_uninstall_once() {
    let mut h = Harness::with_reps(&["alice"]);
    let session = on_machine(&mut h, "alice");
    let (jc, token) = pinned(&mut h, "alice", session, None);
    h.ok("alice", RepRequest::UnpinJumpClient { jump_client_id: jc });
    let (reply, effects) = h.handle(hello(3, &token, MACHINE));
    assert_eq!(reply, Ok(None));
    assert_eq!(
        effects
            .iter()
            .filter(|e| !matches!(e, Effect::Persist(_)))
            .collect::<Vec<_>>(),
        [&Effect::ToJumpConn(3, JumpServerMessage::Uninstall)],
        "uninstall, not bound"
    );
    h.refused_input(hello(4, &token, MACHINE), ErrorCode::Unauthorized);
    // Also after a restart.
    h.restart();
    h.refused_input(hello(5, &token, MACHINE), ErrorCode::Unauthorized);
}

/// A Jump Client offline longer than `lost_days` lists as lost, and the tick announces it once.
#[test]
fn offline_longer_than_lost_days_lists_as_lost_and_is_announced_once() {
    let mut h = Harness::with_reps(&["alice"]);
    let (jc, _) = online_client(&mut h, None);
    let _ = h.handle(Input::JumpDisconnected { jump_client_id: jc });
    h.advance(30 * 24 * 3600);
    assert!(!listed(&mut h, "alice")[0].lost, "30 days is not yet lost");
    h.advance_ms(DAY_MS);
    assert!(listed(&mut h, "alice")[0].lost);
    let told = h.tick();
    assert!(updates(&told, "alice")[0].lost);
    h.advance(120);
    assert!(updates(&h.tick(), "alice").is_empty(), "told once");
}

/// A restarted router keeps pinned Jump Clients (offline) and their tokens, and ids go on from the
/// stored ones.
#[test]
fn a_restarted_router_keeps_pinned_clients_offline_and_their_tokens() {
    let mut h = Harness::with_reps(&["alice"]);
    let (jc, token) = online_client(&mut h, Some("billing"));
    h.restart();
    h.connect("alice");
    let list = listed(&mut h, "alice");
    assert_eq!(list.len(), 1);
    assert!(!list[0].online, "all offline after a restart");
    assert_eq!(list[0].state, JumpClientState::Installed);
    welcomed(&mut h, 11, &token, jc);
    // Ids go on from the stored ones.
    let session = on_machine(&mut h, "alice");
    let (next, _) = pinned(&mut h, "alice", session, None);
    assert_eq!(next, JumpClientId(jc.0 + 1));
}
