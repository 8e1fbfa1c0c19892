//! A rep's requests: presence, session keys, accepting, chat, closing, leaving, flags,
//! team chat. Each checks everything before it changes anything.

use super::effects::{Effect, StoreOp};
use super::state::SessionKey;
use super::{Reply, Router, refuse, valid_chat_text, valid_client_id};
use switchboard_protocol::{
    Author, ChatMessage, CloseMode, ErrorBody, ErrorCode, LeftReason, OfferEndReason, OkResult,
    Presence, QueueReason, RepEvent, RepId, RepRequest, SessionId, TeamChatMessage, TeamId,
    UnixMillis, Visibility,
};

impl Router {
    pub(super) fn rep_request(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        request: RepRequest,
    ) -> Reply {
        if !self.config.reps.contains_key(rep) {
            return Err(refuse(ErrorCode::Unauthorized, "Unknown representative."));
        }
        match request {
            RepRequest::Ping => Ok(None),
            RepRequest::RequestRemote {
                session_id,
                capability,
            } => self.request_remote(now, rep, session_id, capability),
            RepRequest::ElevateShell {
                session_id,
                elevation,
            } => self.elevate_shell(now, rep, session_id, elevation),
            RepRequest::StopRemote {
                session_id,
                grant_id,
                keep_view,
            } => self.rep_stop_remote(now, rep, session_id, grant_id, keep_view),
            RepRequest::OpenMedia {
                session_id,
                channel,
            } => self.rep_open_media(now, rep, session_id, channel),
            RepRequest::SpecialAction { session_id, action } => {
                self.special_action(rep, session_id, action)
            }
            RepRequest::DeployButton {
                session_id,
                description,
                team,
            } => self.deploy_button(now, rep, session_id, &description, team),
            RepRequest::ListButtons { session_id } => self.list_buttons(rep, session_id),
            RepRequest::RemoveButton {
                session_id,
                button_id,
            } => self.remove_button(rep, session_id, button_id),
            RepRequest::PinJumpClient {
                session_id,
                team,
                name,
            } => self.pin_jump_client(now, rep, session_id, team, &name),
            RepRequest::ListJumpClients => self.list_jump_clients(now, rep),
            RepRequest::Jump { jump_client_id } => self.jump(now, rep, jump_client_id),
            RepRequest::UnpinJumpClient { jump_client_id } => {
                self.unpin_jump_client(now, rep, jump_client_id)
            }
            RepRequest::OfferClient { session_id } => self.offer_client(now, rep, session_id),
            RepRequest::SetPresence { presence } => self.set_presence(now, rep, presence),
            RepRequest::GenerateSessionKey => self.generate_key(now, rep),
            RepRequest::Accept { session_id } => self.accept(rep, session_id),
            RepRequest::RejectOffer { session_id } => self.reject_offer(now, rep, session_id),
            RepRequest::AcceptInvitation { invitation_id } => {
                self.accept_invitation(rep, invitation_id)
            }
            RepRequest::DeclineInvitation { invitation_id } => {
                self.decline_invitation(rep, invitation_id)
            }
            RepRequest::SendChat {
                session_id,
                client_msg_id,
                text,
                visibility,
            } => self.rep_chat(now, rep, session_id, client_msg_id, &text, visibility),
            RepRequest::Invite { session_id, target } => self.invite(now, rep, session_id, target),
            RepRequest::CancelInvitation { invitation_id } => {
                self.cancel_invitation(rep, invitation_id)
            }
            RepRequest::ListInvitees { session_id } => self.list_invitees(rep, session_id),
            RepRequest::Transfer {
                session_id,
                target,
                stay,
            } => self.transfer(now, rep, session_id, target, stay),
            RepRequest::RemoveRep {
                session_id,
                rep: removed,
            } => self.remove_rep(rep, session_id, &removed),
            RepRequest::DisconnectCustomer { session_id } => {
                self.disconnect_customer(rep, session_id)
            }
            RepRequest::Leave { session_id } => self.leave(rep, session_id),
            RepRequest::Close { session_id, mode } => self.close(now, rep, session_id, mode),
            RepRequest::SetImportant {
                session_id,
                important,
            } => self.set_important(rep, session_id, important),
            RepRequest::SetDisposition {
                session_id,
                disposition,
            } => self.set_disposition(rep, session_id, disposition),
            RepRequest::TeamChat {
                team,
                client_msg_id,
                text,
            } => self.team_chat(now, rep, team, client_msg_id, &text),
            RepRequest::SetAssistance { session_id, needed } => {
                self.set_assistance(now, rep, session_id, needed)
            }
            RepRequest::JoinSession { session_id } => self.lead_joins(rep, session_id),
            RepRequest::MonitorSession { session_id } => self.monitor_session(rep, session_id),
            RepRequest::StopMonitoring { session_id } => self.stop_monitoring(rep, session_id),
            RepRequest::Whisper {
                session_id,
                client_msg_id,
                text,
                to,
            } => self.whisper(now, rep, session_id, client_msg_id, &text, to),
            RepRequest::TakeOver {
                session_id,
                previous_owner,
            } => self.take_over(rep, session_id, previous_owner),
            RepRequest::TakeNext => self.take_next(rep),
            RepRequest::LoadChat { session_id, before } => self.load_chat(rep, session_id, before),
            // Ended chats live in the store, not here: the core checks with
            // `history_contact` and reads them itself. Reaching this is a wiring bug.
            RepRequest::LoadHistory { session_id, before } => {
                self.load_history(rep, session_id, before)
            }
        }
    }

    fn set_presence(&mut self, now: UnixMillis, rep: &RepId, presence: Presence) -> Reply {
        if !matches!(
            presence,
            Presence::Available | Presence::Busy | Presence::Away
        ) {
            return Err(refuse(
                ErrorCode::Invalid,
                "Presence can be set to available, busy or away.",
            ));
        }
        let state = self.reps.entry(rep.clone()).or_default();
        if state.chosen != presence {
            state.chosen = presence;
            self.timers.offer_pass_needed = true;
            self.announce_presence(rep);
        }
        if presence == Presence::Available {
            self.offer_waiting(now);
        } else if let Some(offered) = self.reps.get(rep).and_then(|s| s.offer) {
            // Offers go to available reps only: a rep who steps away hands theirs on, unpaused.
            self.withdraw_offer(offered, OfferEndReason::Gone);
            self.offer_next(now, offered);
        }
        Ok(None)
    }

    fn generate_key(&mut self, now: UnixMillis, rep: &RepId) -> Reply {
        use rand::Rng;
        let mut key = String::new();
        for _ in 0..1000 {
            let candidate = format!("{:06}", self.rng.random_range(0..1_000_000u32));
            if !self.keys.contains_key(&candidate) {
                key = candidate;
                break;
            }
        }
        if key.is_empty() {
            return Err(refuse(
                ErrorCode::RateLimited,
                "Too many session keys are active; try again in a moment.",
            ));
        }
        let expires_at = now + self.config.settings.session_key_ttl_secs * 1000;
        let record = SessionKey {
            key: key.clone(),
            rep: rep.clone(),
            expires_at,
        };
        self.insert_key(record.clone());
        self.emit(Effect::Persist(StoreOp::PutKey(record)));
        Ok(Some(OkResult::SessionKey { key, expires_at }))
    }

    pub(super) fn accept(&mut self, rep: &RepId, session_id: SessionId) -> Reply {
        let session = self.session(session_id)?;
        let Some(waiting) = &session.waiting else {
            return Err(
                if session.has_rep(rep) && session.owner.as_ref() == Some(rep) {
                    refuse(ErrorCode::AlreadyInSession, "You already own this session.")
                } else {
                    refuse(
                        ErrorCode::AlreadyTaken,
                        "Another representative accepted this session first.",
                    )
                },
            );
        };
        if !self.config.can_see(rep, &waiting.queue) {
            return Err(refuse(
                ErrorCode::Forbidden,
                "This session waits in a queue you cannot take from.",
            ));
        }
        if !session.has_rep(rep) {
            self.check_capacity(rep)?;
        }
        let reason = if session.offer.as_ref().is_some_and(|o| &o.rep == rep) {
            OfferEndReason::Accepted
        } else {
            OfferEndReason::Gone
        };
        self.dequeue(session_id, reason);
        self.join_session(session_id, rep, true);
        Ok(None)
    }

    pub(super) fn check_capacity(&self, rep: &RepId) -> Result<(), ErrorBody> {
        let max = self
            .config
            .reps
            .get(rep)
            .map(|r| r.permissions.max_sessions as usize)
            .unwrap_or(0);
        if self.load(rep) >= max {
            return Err(refuse(
                ErrorCode::AtCapacity,
                format!("You are already in {max} sessions, your maximum."),
            ));
        }
        Ok(())
    }

    fn rep_chat(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        client_msg_id: String,
        text: &str,
        visibility: Visibility,
    ) -> Reply {
        let text = valid_chat_text(text)?;
        valid_client_id(&client_msg_id)?;
        if visibility == Visibility::Whisper {
            return Err(refuse(
                ErrorCode::Invalid,
                "A whisper is sent with `whisper`, by a team lead, not with `send_chat`.",
            ));
        }
        let session = self.rep_session(rep, session_id)?;
        // A retried send: answer with the message already kept, change nothing.
        if let Some(existing) = session.sent_message(Some(rep), &client_msg_id) {
            return Ok(Some(OkResult::Chat {
                message: existing.clone(),
            }));
        }
        self.chat_allowed(now, session_id, false)?;
        let message = ChatMessage {
            id: self.next_message_id(),
            session_id,
            author: Author::Rep {
                rep: rep.clone(),
                name: self.config.rep_name(rep),
            },
            text,
            visibility,
            at: now,
            client_msg_id: Some(client_msg_id),
            attachment: None,
            whisper_to: None,
        };
        self.add_chat(message.clone());
        Ok(Some(OkResult::Chat { message }))
    }

    /// Keeps a chat message, persists it, delivers it.
    pub(super) fn add_chat(&mut self, message: ChatMessage) {
        self.emit(Effect::Persist(StoreOp::PutChat(message.clone())));
        self.dash_chat(&message);
        self.deliver_chat(&message);
        // Last, so the session keeps the message itself rather than one more copy (neither
        // the tally nor the delivery reads the session's chat).
        if let Some(session) = self.sessions.get_mut(&message.session_id) {
            session.push_chat(message);
        }
    }

    /// The session must exist and `rep` must own it.
    pub(super) fn owned_session(
        &self,
        rep: &RepId,
        session_id: SessionId,
    ) -> Result<(), ErrorBody> {
        let session = self.session(session_id)?;
        if !session.is_owner(rep) {
            return Err(if session.has_rep(rep) && session.owner.is_none() {
                refuse(
                    ErrorCode::NotActive,
                    "This session waits in a queue; nobody owns it right now.",
                )
            } else if session.has_rep(rep) {
                refuse(
                    ErrorCode::NotOwner,
                    "Only the session owner can do this; you are a participant.",
                )
            } else {
                refuse(ErrorCode::NotInSession, "You are not in this session.")
            });
        }
        Ok(())
    }

    fn leave(&mut self, rep: &RepId, session_id: SessionId) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        if session.is_owner(rep) {
            return Err(refuse(
                ErrorCode::OwnerMustClose,
                "As the owner, close the session (end it or leave it in queue), or transfer it first.",
            ));
        }
        self.remove_participant(session_id, rep, LeftReason::Left);
        self.persist_session(session_id);
        Ok(None)
    }

    fn close(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
        mode: CloseMode,
    ) -> Reply {
        self.owned_session(rep, session_id)?;
        match mode {
            CloseMode::End | CloseMode::EndAndUninstall => {
                let session = self.session(session_id)?;
                if self.config.settings.require_disposition && session.disposition.is_none() {
                    return Err(refuse(
                        ErrorCode::DispositionRequired,
                        "Choose a disposition before ending the session.",
                    ));
                }
                let uninstall = mode == CloseMode::EndAndUninstall;
                if uninstall && session.client != switchboard_protocol::ClientKind::Native {
                    return Err(refuse(
                        ErrorCode::RemoteUnavailable,
                        "The customer is in web chat: there is no customer client to uninstall.",
                    ));
                }
                let name = self.config.rep_name(rep);
                if uninstall && session.customer_connected && !session.customer_gone {
                    // Before `session_ended`: the client removes itself when that comes.
                    self.tell_customer(
                        session_id,
                        switchboard_protocol::CustomerServerMessage::Uninstall,
                    );
                }
                self.end_session(
                    now,
                    session_id,
                    &if uninstall {
                        format!(
                            "{name} ended the session and removed the support program from this computer. Thank you!"
                        )
                    } else {
                        format!("{name} ended the session. Thank you!")
                    },
                );
            }
            CloseMode::LeaveInQueue => {
                let queue = self.session(session_id)?.home_queue.clone();
                self.drop_session_invitations(session_id);
                self.remove_participant(session_id, rep, LeftReason::LeftInQueue);
                self.enqueue(
                    now,
                    session_id,
                    queue,
                    QueueReason::LeftInQueue,
                    Some(rep.clone()),
                );
                self.announce_session_update(session_id, None);
                self.persist_session(session_id);
            }
        }
        Ok(None)
    }

    fn set_important(&mut self, rep: &RepId, session_id: SessionId, important: bool) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        if session.important != important {
            if let Some(session) = self.session_mut(session_id) {
                session.important = important;
            }
            self.announce_session_update(session_id, None);
            self.announce_session_entry(session_id);
            let invitations: Vec<_> = self
                .invitations
                .values()
                .filter(|i| i.session_id == session_id)
                .cloned()
                .collect();
            for invitation in invitations {
                self.announce_invitation(&invitation);
            }
            self.persist_session(session_id);
        }
        Ok(None)
    }

    fn set_disposition(
        &mut self,
        rep: &RepId,
        session_id: SessionId,
        disposition: String,
    ) -> Reply {
        self.rep_session(rep, session_id)?;
        if !self.config.settings.dispositions.contains(&disposition) {
            return Err(refuse(
                ErrorCode::Invalid,
                format!(
                    "Unknown disposition; choose one of: {}.",
                    self.config.settings.dispositions.join(", ")
                ),
            ));
        }
        if let Some(session) = self.session_mut(session_id) {
            session.disposition = Some(disposition);
        }
        self.announce_session_update(session_id, None);
        self.persist_session(session_id);
        Ok(None)
    }

    fn team_chat(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        team: TeamId,
        client_msg_id: String,
        text: &str,
    ) -> Reply {
        let text = valid_chat_text(text)?;
        valid_client_id(&client_msg_id)?;
        let Some(team_config) = self.config.teams.get(&team) else {
            return Err(refuse(
                ErrorCode::NotFound,
                format!("There is no team {team}."),
            ));
        };
        if !team_config.members.contains(rep) {
            return Err(refuse(
                ErrorCode::Forbidden,
                "You can only write in the chats of your own teams.",
            ));
        }
        let members = team_config.members.clone();
        let retry_key = (team.clone(), rep.clone(), client_msg_id.clone());
        if let Some(existing) = self.team_chat_ids.get(&retry_key) {
            return Ok(Some(OkResult::TeamChat {
                message: existing.clone(),
            }));
        }
        let message = TeamChatMessage {
            id: self.next_message_id(),
            team,
            author: rep.clone(),
            author_name: self.config.rep_name(rep),
            text,
            at: now,
            client_msg_id: Some(client_msg_id),
        };
        self.remember_team_chat(message.clone());
        self.emit(Effect::Persist(StoreOp::PutTeamChat(message.clone())));
        for member in members {
            self.tell_rep(
                &member,
                RepEvent::TeamChat {
                    message: message.clone(),
                },
            );
        }
        Ok(Some(OkResult::TeamChat { message }))
    }
}
