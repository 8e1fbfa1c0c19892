//! Smaller remote support actions (docs/PROTOCOL.md §5 `special_action`, `close`, §9): the
//! iOS screen broadcast card a rep sends a customer on an iPhone or iPad (nothing views the
//! screen: the card is iOS's own steps, and says so), and a shell that exited by itself
//! (its grant ends with `shell_exited`, not as if the customer had stopped it).

use super::{Reply, Router, refuse};
use switchboard_protocol::{
    Capability, CustomerServerMessage, GrantEnd, GrantId, GrantState, HelpCard, Platform, RepId,
    SessionId, SpecialAction,
};

/// The card for [`SpecialAction::IosScreenBroadcast`].
pub fn ios_broadcast_card() -> HelpCard {
    HelpCard {
        title: "Share your iPhone or iPad screen".to_owned(),
        steps: vec![
            "Open Control Center: swipe down from the top-right corner of the screen (on an iPhone with a Home button, swipe up from the bottom edge).".to_owned(),
            "Touch and hold the Screen Recording button (a dot inside a circle).".to_owned(),
            "Choose the app your representative names (one you both use for screen sharing), then tap Start Broadcast.".to_owned(),
            "To stop, tap the red recording indicator at the top of the screen, then Stop.".to_owned(),
        ],
        note: "These are iOS's own steps. This chat cannot see your screen: it is shared only through the app you choose, and only until you stop it.".to_owned(),
    }
}

impl Router {
    pub(super) fn special_action(
        &mut self,
        rep: &RepId,
        session_id: SessionId,
        action: SpecialAction,
    ) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        match action {
            SpecialAction::IosScreenBroadcast => {
                if session.platform != Platform::Ios {
                    return Err(refuse(
                        switchboard_protocol::ErrorCode::RemoteUnavailable,
                        "This is for customers on an iPhone or iPad.",
                    ));
                }
                if !session.customer_connected || session.customer_gone {
                    return Err(refuse(
                        switchboard_protocol::ErrorCode::RemoteUnavailable,
                        "The customer is not connected.",
                    ));
                }
                self.tell_customer(
                    session_id,
                    CustomerServerMessage::Card {
                        card: ios_broadcast_card(),
                    },
                );
                let name = self.config.rep_name(rep);
                self.public_note(
                    session_id,
                    format!("{name} sent the steps to share an iPhone or iPad screen."),
                );
            }
        }
        Ok(None)
    }

    /// The customer's program says the shell of `grant_id` exited by itself.
    pub(super) fn shell_exited(
        &mut self,
        session_id: SessionId,
        grant_id: GrantId,
        code: i32,
    ) -> Reply {
        let session = self.session(session_id)?;
        let live = session.grants.list.iter().find(|g| {
            g.grant_id == grant_id
                && g.capability == Capability::Shell
                && g.state == GrantState::Granted
        });
        let Some(grant) = live.cloned() else {
            return Err(refuse(
                switchboard_protocol::ErrorCode::NotFound,
                format!("There is no running shell {grant_id}."),
            ));
        };
        self.set_grant(
            session_id,
            grant_id,
            GrantState::Stopped,
            Some(GrantEnd::ShellExited),
        );
        self.public_note(
            session_id,
            format!(
                "The command shell {} was using exited (code {code}).",
                grant.rep_name
            ),
        );
        self.grants_changed(session_id);
        Ok(None)
    }
}
