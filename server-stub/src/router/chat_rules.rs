//! What every chat message must pass before the router keeps it, from a customer, a rep or
//! a whisper alike: its text (length, no control characters), its client id, and the
//! session's cap and message rates.

use super::{Router, refuse};
use switchboard_protocol::{ErrorBody, ErrorCode, SessionId, UnixMillis};

/// The longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 4000;

/// Trims and checks a chat text: 1..=MAX_CHAT_CHARS characters.
pub(super) fn valid_chat_text(text: &str) -> Result<String, ErrorBody> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(refuse(ErrorCode::Invalid, "A message cannot be empty."));
    }
    // Control characters (other than line breaks and tabs) have no place in a chat, and
    // each costs six bytes in every frame that carries it.
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(refuse(
            ErrorCode::Invalid,
            "A message cannot contain control characters.",
        ));
    }
    if trimmed.chars().count() > MAX_CHAT_CHARS {
        return Err(refuse(
            ErrorCode::Invalid,
            format!("A message can be at most {MAX_CHAT_CHARS} characters."),
        ));
    }
    Ok(trimmed.to_owned())
}

impl Router {
    /// Whether a new chat message may be kept in `session_id` now: under the session's cap,
    /// and within the customer's (if `from_customer`) and the session's message rates.
    /// Takes the rate tokens only when every check passes.
    pub(super) fn chat_allowed(
        &mut self,
        now: UnixMillis,
        session_id: SessionId,
        from_customer: bool,
    ) -> Result<(), ErrorBody> {
        let limits = &self.config.limits;
        let kept = self.sessions.get(&session_id).map_or(0, |s| s.chat.len());
        if kept >= limits.max_messages_per_session {
            return Err(refuse(
                ErrorCode::LimitReached,
                format!(
                    "This chat has reached its limit of {} messages.",
                    limits.max_messages_per_session
                ),
            ));
        }
        let too_fast = |wait_ms: u64| {
            ErrorBody::rate_limited(
                format!(
                    "Messages are arriving too fast; wait {:.1} s.",
                    wait_ms as f64 / 1000.0
                ),
                wait_ms,
            )
        };
        if from_customer {
            self.customer_chat_rate
                .check(&session_id, now)
                .map_err(too_fast)?;
        }
        self.session_chat_rate
            .check(&session_id, now)
            .map_err(too_fast)?;
        // Both checks just refilled to `now`: spend without looking again.
        if from_customer {
            self.customer_chat_rate.spend_checked(&session_id);
        }
        self.session_chat_rate.spend_checked(&session_id);
        Ok(())
    }
}

pub(super) fn valid_client_id(id: &str) -> Result<(), ErrorBody> {
    if id.is_empty() || id.len() > 100 {
        return Err(refuse(
            ErrorCode::Invalid,
            "client_msg_id must be 1-100 characters.",
        ));
    }
    Ok(())
}
