//! How a refusal from the server reads to the rep: what they tried, and why it did not
//! happen, in plain words. The server's own message is kept where it names the people
//! involved ("Bob Okafor already has an active invitation…").

use switchboard_protocol::{Capability, ErrorCode, MediaChannel, RepRequest};

/// The sentence shown for a refused request. `what` is a verb phrase ("send the
/// invitation"); `message` is the server's explanation.
pub fn refusal_text(what: &str, code: ErrorCode, message: &str) -> String {
    let message = message.trim();
    match code {
        ErrorCode::NotOwner => {
            format!("Only the session owner can {what}; you take part in this session.")
        }
        ErrorCode::NotActive => {
            format!("Could not {what}: the session waits in a queue and nobody owns it right now.")
        }
        ErrorCode::InvitationExists => {
            format!("Could not {what}: {message} Cancel it first to invite again.")
        }
        ErrorCode::RepUnavailable => format!(
            "Could not {what}: {message} They may have gone offline; try someone else or a team."
        ),
        ErrorCode::SessionEnded => format!("Could not {what}: the session has ended."),
        ErrorCode::AtCapacity => {
            format!("Could not {what}: you already have as many sessions as you may take.")
        }
        ErrorCode::Internal => {
            format!("Could not {what}: the server could not store it. Try again in a moment.")
        }
        _ if message.is_empty() => format!("Could not {what}."),
        _ => format!("Could not {what}: {message}"),
    }
}

/// What a request does, as a verb phrase for "Could not …".
pub fn request_label(request: &RepRequest) -> &'static str {
    match request {
        RepRequest::Ping => "reach the server",
        RepRequest::SetPresence { .. } => "change your presence",
        RepRequest::GenerateSessionKey => "generate a session key",
        RepRequest::Accept { .. } => "accept the session",
        RepRequest::RejectOffer { .. } => "reject the offer",
        RepRequest::AcceptInvitation { .. } => "accept the invitation",
        RepRequest::DeclineInvitation { .. } => "decline the invitation",
        RepRequest::SendChat { .. } => "send the message",
        RepRequest::Invite { .. } => "send the invitation",
        RepRequest::CancelInvitation { .. } => "cancel the invitation",
        RepRequest::ListInvitees { .. } => "list who can be invited",
        RepRequest::Transfer { .. } => "transfer the session",
        RepRequest::RemoveRep { .. } => "remove the representative",
        RepRequest::DisconnectCustomer { .. } => "disconnect the customer",
        RepRequest::Leave { .. } => "leave the session",
        RepRequest::Close { .. } => "close the session",
        RepRequest::SetImportant { .. } => "mark the session",
        RepRequest::SetDisposition { .. } => "set the disposition",
        RepRequest::TeamChat { .. } => "send to the team chat",
        RepRequest::SetAssistance { .. } => "ask for assistance",
        RepRequest::JoinSession { .. } => "join the session",
        RepRequest::MonitorSession { .. } => "monitor the session",
        RepRequest::StopMonitoring { .. } => "stop monitoring the session",
        RepRequest::Whisper { .. } => "send the whisper",
        RepRequest::TakeOver { .. } => "take over the session",
        RepRequest::TakeNext => "take the next session",
        RepRequest::LoadHistory { .. } => "load older messages",
        RepRequest::LoadChat { .. } => "load earlier messages of this chat",
        RepRequest::RequestRemote {
            capability: Capability::Shell,
            ..
        } => "ask for a shell on the customer's computer",
        RepRequest::RequestRemote { .. } => "ask to see the customer's screen",
        RepRequest::ElevateShell { .. } => "ask for an administrator's shell",
        RepRequest::StopRemote { .. } => "stop remote support",
        RepRequest::OpenMedia {
            channel: MediaChannel::Shell,
            ..
        } => "open the customer's shell",
        RepRequest::OpenMedia { .. } => "open the customer's screen",
        RepRequest::SpecialAction { .. } => "send the steps to the customer",
        RepRequest::DeployButton { .. } => "deploy the Support Button",
        RepRequest::ListButtons { .. } => "list the Support Buttons",
        RepRequest::RemoveButton { .. } => "remove the Support Button",
        RepRequest::PinJumpClient { .. } => "pin the Jump Client",
        RepRequest::ListJumpClients => "list the Jump Clients",
        RepRequest::Jump { .. } => "jump to the Jump Client",
        RepRequest::UnpinJumpClient { .. } => "unpin the Jump Client",
        RepRequest::OfferClient { .. } => "offer the customer the program",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Owner-only refusals say who may act, whatever the server's wording.
    #[test]
    fn not_owner_says_only_the_owner_can() {
        let text = refusal_text("transfer the session", ErrorCode::NotOwner, "x");
        assert_eq!(
            text,
            "Only the session owner can transfer the session; you take part in this session."
        );
    }

    /// Other refusals keep the server's explanation after what failed.
    #[test]
    fn other_refusals_keep_the_servers_reason() {
        let text = refusal_text(
            "close the session",
            ErrorCode::DispositionRequired,
            "Choose a disposition before ending the session.",
        );
        assert_eq!(
            text,
            "Could not close the session: Choose a disposition before ending the session."
        );
    }
}
