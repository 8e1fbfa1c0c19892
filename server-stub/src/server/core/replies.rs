//! The router's replies as wire messages, written once: a rep's request is answered with
//! `ok` (and its result) or `error`; a customer's with `ok` (carrying the stored chat
//! message) or `error`. Every path that answers, synchronous or not, goes through here.

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
