//! Working a session together: invitations (seed 002's rules), the invitee list,
//! transfer, removing a rep, disconnecting the customer.

use super::effects::{Effect, StoreOp};
use super::state::Invitation;
use super::{Reply, Router, refuse};
use std::collections::BTreeSet;
use switchboard_protocol::{
    CustomerServerMessage, ErrorCode, HelpIssue, InvitationId, InviteTarget, Invitee, InviteeTeam,
    LeftReason, OkResult, QueueReason, QueueRef, RepEvent, RepId, SessionId, TeamId,
    TransferTarget, UnixMillis,
};

impl Router {
    /// Logged in, or reachable by email through extended availability.
    fn invitable(&self, rep: &RepId) -> bool {
        self.connected(rep)
            || self
                .config
                .reps
                .get(rep)
                .is_some_and(|r| r.extended_availability)
    }

    fn in_own_team(&self, rep: &RepId, team: &TeamId) -> bool {
        self.config
            .reps
            .get(rep)
            .is_some_and(|r| r.teams.contains(team))
    }

    fn may_share_outside(&self, rep: &RepId) -> bool {
        self.config
            .reps
            .get(rep)
            .is_some_and(|r| r.permissions.share_outside_teams)
    }

    pub(super) fn invite(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        target: InviteTarget,
    ) -> Reply {
        self.owned_session(rep, session_id)?;
        let session = self.session(session_id)?;
        let queue = match &target {
            InviteTarget::Rep { rep: invitee } => {
                if !self.config.reps.contains_key(invitee) {
                    return Err(refuse(
                        ErrorCode::NotFound,
                        format!("There is no representative {invitee}."),
                    ));
                }
                if session.has_rep(invitee) {
                    return Err(refuse(
                        ErrorCode::AlreadyInSession,
                        format!(
                            "{} is already in this session.",
                            self.config.rep_name(invitee)
                        ),
                    ));
                }
                if !self.config.share_a_team(rep, invitee) && !self.may_share_outside(rep) {
                    return Err(refuse(
                        ErrorCode::Forbidden,
                        "You may only invite members of your own teams.",
                    ));
                }
                if !self.invitable(invitee) {
                    return Err(refuse(
                        ErrorCode::RepUnavailable,
                        format!(
                            "{} is not logged in and has no extended availability.",
                            self.config.rep_name(invitee)
                        ),
                    ));
                }
                let duplicate = self.invitations.values().any(|i| {
                    i.session_id == session_id
                        && matches!(&i.target, InviteTarget::Rep { rep: r } if r == invitee)
                });
                if duplicate {
                    return Err(refuse(
                        ErrorCode::InvitationExists,
                        format!(
                            "{} already has an active invitation to this session.",
                            self.config.rep_name(invitee)
                        ),
                    ));
                }
                QueueRef::Personal {
                    rep: invitee.clone(),
                }
            }
            InviteTarget::Team { team } => {
                if !self.config.teams.contains_key(team) {
                    return Err(refuse(
                        ErrorCode::NotFound,
                        format!("There is no team {team}."),
                    ));
                }
                if !self.in_own_team(rep, team) && !self.may_share_outside(rep) {
                    return Err(refuse(
                        ErrorCode::Forbidden,
                        "You may only invite your own teams.",
                    ));
                }
                if !self.team_has_invitable(team, session_id) {
                    return Err(refuse(
                        ErrorCode::RepUnavailable,
                        "Nobody in that team is logged in or has extended availability.",
                    ));
                }
                QueueRef::Team { team: team.clone() }
            }
            InviteTarget::Issue { issue } => {
                let Some(issue) = self.config.issues.get(issue) else {
                    return Err(refuse(
                        ErrorCode::NotFound,
                        format!("There is no issue {issue}."),
                    ));
                };
                if !issue.request_help {
                    return Err(refuse(
                        ErrorCode::Forbidden,
                        "Help cannot be requested with this issue.",
                    ));
                }
                QueueRef::Team {
                    team: issue.team.clone(),
                }
            }
        };
        // Seed 002: "You can send multiple invitations if you want more representatives
        // from the team." More than the team has members who could take one would only
        // repeat the same entry: those are refused like a repeated rep invitation.
        if let QueueRef::Team { team } = &queue
            && !matches!(target, InviteTarget::Rep { .. })
        {
            let active = self
                .invitations
                .values()
                .filter(|i| {
                    i.session_id == session_id
                        && i.queue == queue
                        && !matches!(i.target, InviteTarget::Rep { .. })
                })
                .count();
            if active >= self.invitable_members(team, session_id) {
                return Err(refuse(
                    ErrorCode::InvitationExists,
                    "Every available member of that team already has an invitation to this session.",
                ));
            }
        }
        let id = InvitationId(self.next_invitation);
        self.next_invitation += 1;
        let invitation = Invitation {
            id,
            session_id,
            inviter: rep.clone(),
            target: target.clone(),
            queue,
            created_at: now,
            declined_by: BTreeSet::new(),
        };
        self.invitations.insert(id, invitation.clone());
        self.persist_invitation(id);
        self.announce_invitation(&invitation);
        let invitee = match &target {
            InviteTarget::Rep { rep: invitee } => self.config.rep_name(invitee),
            InviteTarget::Team { team } => format!("team {}", self.config.team_name(team)),
            InviteTarget::Issue { issue } => match self.config.issues.get(issue) {
                Some(i) => format!("help for {}", i.name),
                None => format!("help for {issue}"),
            },
        };
        let inviter = self.config.rep_name(rep);
        self.note(session_id, format!("{inviter} invited {invitee}."));
        self.announce_session_update(session_id, None);
        if let InviteTarget::Rep { rep: invitee } = &target
            && !self.connected(invitee)
        {
            self.email_invitation(now, rep, invitee, session_id);
        }
        Ok(Some(OkResult::Invitation { invitation_id: id }))
    }

    fn team_has_invitable(&self, team: &TeamId, session_id: SessionId) -> bool {
        self.invitable_members(team, session_id) > 0
    }

    /// Members of `team` who could take an invitation to the session now.
    fn invitable_members(&self, team: &TeamId, session_id: SessionId) -> usize {
        let in_session = |r: &RepId| self.sessions.get(&session_id).is_some_and(|s| s.has_rep(r));
        self.config.teams.get(team).map_or(0, |t| {
            t.members
                .iter()
                .filter(|m| self.invitable(m) && !in_session(m))
                .count()
        })
    }

    fn email_invitation(
        &mut self,
        now: UnixMillis,
        inviter: &RepId,
        invitee: &RepId,
        session_id: SessionId,
    ) {
        let Some(config) = self.config.reps.get(invitee) else {
            return;
        };
        let to = config
            .email
            .clone()
            .unwrap_or_else(|| format!("{invitee}@localhost"));
        let customer = self
            .sessions
            .get(&session_id)
            .map(|s| s.customer.name.clone())
            .unwrap_or_default();
        self.emit(Effect::Persist(StoreOp::Email {
            rep: invitee.clone(),
            to,
            subject: format!("{} invites you to a support session", self.config.rep_name(inviter)),
            body: format!(
                "{} invites you to join session {session_id} with {customer}. Log in to Switchboard to accept the invitation in your personal queue.",
                self.config.rep_name(inviter)
            ),
            at: now,
        }));
    }

    pub(super) fn cancel_invitation(&mut self, rep: &RepId, id: InvitationId) -> Reply {
        let Some(invitation) = self.invitations.get(&id) else {
            return Err(self.gone_invitation(rep, id));
        };
        self.owned_session(rep, invitation.session_id)?;
        self.drop_invitation(id);
        Ok(None)
    }

    fn gone_invitation(&self, rep: &RepId, id: InvitationId) -> switchboard_protocol::ErrorBody {
        match self.accepted_invitations.get(&id) {
            Some((by, _)) if by == rep => refuse(
                ErrorCode::AlreadyInSession,
                "You already accepted this invitation.",
            ),
            // Only a rep who could see the invitation learns that someone took it; for the
            // rest it never existed.
            Some((_, queue)) if self.config.can_see(rep, queue) => refuse(
                ErrorCode::AlreadyTaken,
                "Another representative accepted this invitation first.",
            ),
            _ => refuse(
                ErrorCode::NotFound,
                format!(
                    "Invitation {id} is not active (cancelled, declined, or the session moved on)."
                ),
            ),
        }
    }

    /// An active invitation shown to `rep`. Someone else's invitation is not shown to this
    /// rep: for them it does not exist.
    fn invitation_for(
        &self,
        rep: &RepId,
        id: InvitationId,
    ) -> Result<&Invitation, switchboard_protocol::ErrorBody> {
        let Some(invitation) = self.invitations.get(&id) else {
            return Err(self.gone_invitation(rep, id));
        };
        if !self.config.can_see(rep, &invitation.queue) || invitation.declined_by.contains(rep) {
            return Err(refuse(
                ErrorCode::NotFound,
                format!("There is no invitation {id} for you."),
            ));
        }
        Ok(invitation)
    }

    pub(super) fn accept_invitation(&mut self, rep: &RepId, id: InvitationId) -> Reply {
        let invitation = self.invitation_for(rep, id)?;
        let session_id = invitation.session_id;
        let invitation_queue = invitation.queue.clone();
        if self.session(session_id)?.has_rep(rep) {
            return Err(refuse(
                ErrorCode::AlreadyInSession,
                "You are already in this session.",
            ));
        }
        self.check_capacity(rep)?;
        self.drop_invitation(id);
        self.accepted_invitations
            .insert(id, (rep.clone(), invitation_queue));
        self.join_session(session_id, rep, false);
        Ok(None)
    }

    pub(super) fn decline_invitation(&mut self, rep: &RepId, id: InvitationId) -> Reply {
        let invitation = self.invitation_for(rep, id)?;
        match invitation.target {
            InviteTarget::Rep { .. } => self.drop_invitation(id),
            InviteTarget::Team { .. } | InviteTarget::Issue { .. } => {
                // One member declining must not take the invitation from the rest of the team.
                let entry_id = invitation.entry_id();
                let queue = invitation.queue.clone();
                if let Some(invitation) = self.invitations.get_mut(&id) {
                    invitation.declined_by.insert(rep.clone());
                }
                self.tell_rep(rep, RepEvent::EntryRemoved { queue, entry_id });
                self.persist_invitation(id);
            }
        }
        Ok(None)
    }

    pub(super) fn list_invitees(&self, rep: &RepId, session_id: SessionId) -> Reply {
        self.owned_session(rep, session_id)?;
        let session = self.session(session_id)?;
        let outside = self.may_share_outside(rep);
        let mut teams = Vec::new();
        for team in self.config.teams.values() {
            let own_team = self.in_own_team(rep, &team.id);
            if !own_team && !outside {
                continue;
            }
            let reps: Vec<Invitee> = team
                .members
                .iter()
                .filter(|m| *m != rep && !session.has_rep(m) && self.invitable(m))
                .filter_map(|m| {
                    let info = self.rep_info(m)?;
                    Some(Invitee {
                        rep: m.clone(),
                        display_name: info.display_name,
                        presence: info.presence,
                        extended_availability: info.extended_availability && !self.connected(m),
                        invited: self.invitations.values().any(|i| {
                            i.session_id == session_id
                                && matches!(&i.target, InviteTarget::Rep { rep } if rep == m)
                        }),
                    })
                })
                .collect();
            // Teams outside one's own are listed only when someone there can be invited.
            if reps.is_empty() && !own_team {
                continue;
            }
            teams.push(InviteeTeam {
                team: team.id.clone(),
                display_name: team.name.clone(),
                own_team,
                reps,
            });
        }
        let issues = self
            .config
            .issues
            .values()
            .filter(|i| i.request_help)
            .map(|i| HelpIssue {
                issue: i.id.clone(),
                display_name: i.name.clone(),
                team: i.team.clone(),
            })
            .collect();
        // The rep's own teams first, the others after (a stable sort keeps config order within each).
        teams.sort_by_key(|t| !t.own_team);
        Ok(Some(OkResult::Invitees { teams, issues }))
    }

    pub(super) fn transfer(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        target: TransferTarget,
        stay: bool,
    ) -> Reply {
        self.owned_session(rep, session_id)?;
        let may_transfer = self
            .config
            .reps
            .get(rep)
            .is_some_and(|r| r.permissions.transfer);
        if !may_transfer {
            return Err(refuse(
                ErrorCode::Forbidden,
                "You are not permitted to transfer sessions.",
            ));
        }
        let queue = match &target {
            TransferTarget::Rep { rep: to } => {
                if !self.config.reps.contains_key(to) {
                    return Err(refuse(
                        ErrorCode::NotFound,
                        format!("There is no representative {to}."),
                    ));
                }
                if to == rep {
                    return Err(refuse(
                        ErrorCode::Invalid,
                        "You cannot transfer a session to yourself.",
                    ));
                }
                QueueRef::Personal { rep: to.clone() }
            }
            TransferTarget::Team { team } => {
                if !self.config.teams.contains_key(team) {
                    return Err(refuse(
                        ErrorCode::NotFound,
                        format!("There is no team {team}."),
                    ));
                }
                QueueRef::Team { team: team.clone() }
            }
        };
        let to = match &target {
            TransferTarget::Rep { rep: to } => self.config.rep_name(to),
            TransferTarget::Team { team } => format!("team {}", self.config.team_name(team)),
        };
        let from = self.config.rep_name(rep);
        self.note(
            session_id,
            format!("{from} transferred the session to {to}."),
        );
        // Ownership leaves the rep: their invitations disappear (seed 002).
        self.drop_session_invitations(session_id);
        if let Some(session) = self.session_mut(session_id) {
            session.owner = None;
        }
        if !stay {
            self.remove_participant(session_id, rep, LeftReason::Transferred);
        }
        self.enqueue(
            now,
            session_id,
            queue,
            QueueReason::Transfer,
            Some(rep.clone()),
        );
        self.announce_session_update(session_id, None);
        self.persist_session(session_id);
        Ok(None)
    }

    pub(super) fn remove_rep(
        &mut self,
        rep: &RepId,
        session_id: SessionId,
        removed: &RepId,
    ) -> Reply {
        self.owned_session(rep, session_id)?;
        if removed == rep {
            return Err(refuse(
                ErrorCode::Invalid,
                "You cannot remove yourself; close the session instead.",
            ));
        }
        if !self.session(session_id)?.has_rep(removed) {
            return Err(refuse(
                ErrorCode::NotInSession,
                format!("{} is not in this session.", self.config.rep_name(removed)),
            ));
        }
        self.remove_participant(session_id, removed, LeftReason::Removed);
        self.persist_session(session_id);
        Ok(None)
    }

    pub(super) fn disconnect_customer(&mut self, rep: &RepId, session_id: SessionId) -> Reply {
        self.owned_session(rep, session_id)?;
        let session = self.session(session_id)?;
        if session.customer_gone {
            return Err(refuse(
                ErrorCode::Invalid,
                "The customer is already disconnected.",
            ));
        }
        let was_connected = session.customer_connected;
        if let Some(session) = self.session_mut(session_id) {
            session.customer_gone = true;
            session.customer_connected = false;
        }
        self.end_all_grants(
            session_id,
            switchboard_protocol::GrantEnd::CustomerDisconnected,
        );
        let by = self.config.rep_name(rep);
        self.note(session_id, format!("{by} disconnected the customer."));
        if was_connected {
            self.tell_customer(
                session_id,
                CustomerServerMessage::Disconnected {
                    message: format!(
                        "{} ended your connection to this session.",
                        self.config.rep_name(rep)
                    ),
                },
            );
            self.emit(Effect::CloseCustomer(session_id));
        }
        self.announce_session_update(session_id, None);
        self.persist_session(session_id);
        Ok(None)
    }
}
