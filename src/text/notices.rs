//! The sentences the model leaves for the rep to read: sessions that ended under them, a
//! missed offer, why an owner-only action is greyed, requests that could not be sent.

use switchboard_protocol::LeftReason;

/// What the rep is told when a session leaves their tabs (`None`: they did it themselves,
/// or the session went where they sent it).
pub fn session_left(reason: LeftReason, customer: &str) -> Option<String> {
    match reason {
        LeftReason::Left | LeftReason::LeftInQueue | LeftReason::Transferred => None,
        LeftReason::Ended => Some(format!("The session with {customer} ended.")),
        LeftReason::Removed => Some(format!(
            "The owner removed you from the session with {customer}."
        )),
        LeftReason::ConnectionLost => Some(format!(
            "Your connection was lost for too long; the session with {customer} went back to its queue."
        )),
        LeftReason::TakenOver => Some(format!(
            "A team lead took over the session with {customer}; you are no longer in it."
        )),
    }
}

/// A push offer ran out before the rep answered.
pub fn missed_offer(customer: &str) -> String {
    format!(
        "You missed the chat from {customer}. You are paused: no more chats are offered until you choose Available."
    )
}

/// A request that could not be sent (`what` is a verb phrase: "send the invitation").
pub fn could_not(what: &str, reason: &str) -> String {
    format!("Could not {what}: {reason}")
}

/// Who holds an owner-only action instead of this rep.
pub enum OwnerNow<'a> {
    Rep(&'a str),
    WaitingIn(&'a str),
    Nobody,
}

/// Why an owner-only action is greyed (`action`: "share the session").
pub fn only_the_owner(action: &str, now: OwnerNow<'_>) -> String {
    let reason = match now {
        OwnerNow::Rep(name) => format!("{name} owns this session now"),
        OwnerNow::WaitingIn(queue) => format!("it waits in {queue} for a new owner"),
        OwnerNow::Nobody => "nobody owns it right now".to_owned(),
    };
    format!("Only the session owner can {action}; {reason}.")
}

pub const NOT_PERMITTED_TO_TRANSFER: &str = "You are not permitted to transfer sessions.";

/// Whom an invitation to a team is for.
pub fn any_rep_in(team: &str) -> String {
    format!("Any Representative in {team}")
}

/// Whom an invitation for an issue is for.
pub fn help_with(issue: &str) -> String {
    format!("Help with {issue}")
}
