//! The router's replies as wire messages, written once: a rep's request is answered with
//! `ok` (and its result) or `error`; a customer's with `ok` (carrying the stored chat
//! message) or `error`. Every path that answers, synchronous or not, goes through here.
//!
//! The chat frames at the end splice a chat message's JSON, encoded once for the batch
//! (`store/batch.rs`), into the frame's fixed text instead of encoding the message again
//! per frame; their tests hold them byte for byte to what serde writes for the same frame.

use crate::router::Reply;
use switchboard_protocol::{
    CustomerServerMessage, ErrorBody, ErrorCode, OkResult, RepServerMessage, RequestId,
};

/// The answer to rep request `id`.
pub fn to_rep(id: RequestId, reply: Reply) -> RepServerMessage {
    match reply {
        Ok(result) => RepServerMessage::Ok { id, result },
        Err(e) => RepServerMessage::Error {
            id: Some(id),
            code: e.code,
            message: e.message,
            retry_after_ms: e.retry_after_ms,
        },
    }
}

/// The answer to customer request `id` (`None`: a hello, whose success is its own
/// `session_started`, so only a refusal is sent).
pub fn to_customer(id: Option<RequestId>, reply: Reply) -> Option<CustomerServerMessage> {
    match (reply, id) {
        (Ok(result), Some(id)) => Some(CustomerServerMessage::Ok {
            id,
            message: match &result {
                Some(OkResult::Chat { message }) => Some(message.clone()),
                _ => None,
            },
            ticket: match result {
                Some(OkResult::Media { ticket }) => Some(ticket),
                _ => None,
            },
        }),
        (Ok(_), None) => None,
        (Err(e), id) => Some(customer_refusal(id, e)),
    }
}

/// A customer request (or hello, `id` `None`) refused.
pub fn customer_refusal(id: Option<RequestId>, e: ErrorBody) -> CustomerServerMessage {
    CustomerServerMessage::Error {
        id,
        code: e.code,
        message: e.message,
        retry_after_ms: e.retry_after_ms,
    }
}

/// A refusal for when the server could not read what a request needed.
pub fn internal(message: &str) -> ErrorBody {
    ErrorBody::new(ErrorCode::Internal, message)
}

/// `{"type":"ok","id":…,"message":…}`: a customer's `ok` for a chat message, as
/// `to_customer` writes it, from the message's JSON.
pub fn customer_chat_ok(id: RequestId, message_json: &str) -> String {
    splice(
        r#"{"type":"ok","id":"#,
        id.0,
        &[r#","message":"#, message_json, "}"],
    )
}

/// `{"type":"chat","message":…}`: a chat message to a customer
/// (`CustomerServerMessage::Chat`), from the message's JSON.
pub fn customer_chat(message_json: &str) -> String {
    [r#"{"type":"chat","message":"#, message_json, "}"].concat()
}

/// `{"type":"ok","id":…,"result":{"kind":"chat","message":…}}`: a rep's `ok` for a chat
/// message, as `to_rep` writes it, from the message's JSON.
pub fn rep_chat_ok(id: RequestId, message_json: &str) -> String {
    splice(
        r#"{"type":"ok","id":"#,
        id.0,
        &[r#","result":{"kind":"chat","message":"#, message_json, "}}"],
    )
}

/// `head`, `number` in decimal, then `tail`'s pieces: in one allocation. The number is
/// written by `itoa`, as serde_json writes it (`write!` goes through the formatting
/// machinery, several times this for a frame's seq or id).
pub(crate) fn splice(head: &str, number: u64, tail: &[&str]) -> String {
    let mut digits = itoa::Buffer::new();
    let number = digits.format(number);
    let tail_len: usize = tail.iter().map(|piece| piece.len()).sum();
    let mut text = String::with_capacity(head.len() + number.len() + tail_len);
    text.push_str(head);
    text.push_str(number);
    for piece in tail {
        text.push_str(piece);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{Author, ChatMessage, MessageId, SessionId, Visibility};

    fn message() -> ChatMessage {
        ChatMessage {
            id: MessageId(12),
            session_id: SessionId(3),
            author: Author::Customer {
                name: "Ann \"A\"".into(),
            },
            text: "héllo\n<b>".into(),
            visibility: Visibility::Public,
            at: 1_700_000_000_000,
            client_msg_id: Some("c-1".into()),
            attachment: None,
            whisper_to: None,
        }
    }

    /// The spliced number agrees with `Display` at every width, 0 and u64::MAX too.
    #[test]
    fn splice_writes_every_width() {
        for number in [0, 7, 10, 99, 1_000_001, u64::MAX] {
            assert_eq!(splice("[", number, &["]"]), format!("[{number}]"));
        }
    }

    /// Each spliced frame is exactly the text serde writes for the same message.
    #[test]
    fn spliced_chat_frames_equal_serde() {
        let json = serde_json::to_string(&message()).unwrap();
        let id = RequestId(u64::MAX);
        let ok = to_customer(Some(id), Ok(Some(OkResult::Chat { message: message() }))).unwrap();
        assert_eq!(
            customer_chat_ok(id, &json),
            serde_json::to_string(&ok).unwrap()
        );
        let chat = CustomerServerMessage::Chat { message: message() };
        assert_eq!(customer_chat(&json), serde_json::to_string(&chat).unwrap());
        let rep_ok = to_rep(
            RequestId(7),
            Ok(Some(OkResult::Chat { message: message() })),
        );
        assert_eq!(
            rep_chat_ok(RequestId(7), &json),
            serde_json::to_string(&rep_ok).unwrap()
        );
    }
}
