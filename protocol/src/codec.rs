//! Turning frames into typed messages and back: the size limit, unknown types and the `id` envelope.

use crate::customer::{CustomerFrame, CustomerRequest};
use crate::error::DecodeError;
use crate::ids::RequestId;
use crate::rep::{RepFrame, RepRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

mod fast_chat;

/// The largest text frame a server reads; larger ones are refused with `frame_too_large`.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// WebSocket close code for a console replaced by a newer connection of the same rep
/// (4000–4999 is the range RFC 6455 leaves to applications). A console closed with it should
/// not reconnect by itself.
pub const CLOSE_REPLACED: u16 = 4001;

/// The protocol version spoken by this crate; `hello` and `welcome` carry it.
pub const PROTOCOL_VERSION: u32 = 1;

/// Decodes a frame whose `type` must be one of `known_types`.
///
/// Unknown types are told apart from malformed frames so a client gets the right code.
pub fn decode_typed<T: DeserializeOwned + Serialize>(
    text: &str,
    known_types: &[&str],
) -> Result<T, DecodeError> {
    let object = parse_object(text)?;
    check_type(&object, known_types)?;
    from_object(object)
}

/// Decodes an HTTP request body (for example `LoginRequest`): a JSON object, never an
/// array standing in for it.
pub fn decode_body<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<T, DecodeError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => from_object(object),
        Ok(_) => Err(DecodeError::Malformed(
            "the body must be a JSON object".into(),
        )),
        Err(e) => Err(DecodeError::Malformed(e.to_string())),
    }
}

/// Turns a parsed object into `T`, refusing arrays where `T` has an object.
///
/// serde lets a struct be written as an array of its fields (`["alice", "pw"]` for
/// `{"username", "password"}`); the protocol documents objects only, so a frame that leans
/// on that is `bad_request`. The check re-encodes the typed value and compares shapes,
/// only for input that contains an array at all (chat frames never pay for it).
fn from_object<T: DeserializeOwned + Serialize>(
    object: Map<String, Value>,
) -> Result<T, DecodeError> {
    let input = Value::Object(object);
    let malformed = |e: serde_json::Error| DecodeError::Malformed(e.to_string());
    if !contains_array(&input) {
        // The usual frame (a chat, say): decoded from the parsed value, no copy, no check.
        return serde_json::from_value(input).map_err(malformed);
    }
    let typed: T = T::deserialize(&input).map_err(malformed)?;
    let encoded = serde_json::to_value(&typed).map_err(malformed)?;
    if let Some(path) = array_for_object(&input, &encoded, String::new()) {
        return Err(DecodeError::Malformed(format!(
            "`{path}` must be a JSON object, not an array"
        )));
    }
    Ok(typed)
}

fn contains_array(value: &Value) -> bool {
    match value {
        Value::Array(_) => true,
        Value::Object(map) => map.values().any(contains_array),
        _ => false,
    }
}

/// The path of the first place where the input has an array and the typed value an object.
fn array_for_object(input: &Value, typed: &Value, path: String) -> Option<String> {
    match (input, typed) {
        (Value::Array(_), Value::Object(_)) => Some(if path.is_empty() {
            "(the message)".into()
        } else {
            path
        }),
        (Value::Object(a), Value::Object(b)) => b.iter().find_map(|(key, typed)| {
            let input = a.get(key)?;
            let path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            array_for_object(input, typed, path)
        }),
        (Value::Array(a), Value::Array(b)) => {
            a.iter().zip(b).enumerate().find_map(|(i, (input, typed))| {
                array_for_object(input, typed, format!("{path}[{i}]"))
            })
        }
        _ => None,
    }
}

/// Decodes a rep's request frame: `{"id": 1, "type": "...", ...}`.
pub fn decode_rep_frame(text: &str) -> Result<RepFrame, DecodeError> {
    match fast_chat::rep_send_chat(text) {
        Some(frame) => Ok(frame),
        None => general_rep_frame(text),
    }
}

/// [`decode_rep_frame`] without the chat fast path: every frame, every refusal.
fn general_rep_frame(text: &str) -> Result<RepFrame, DecodeError> {
    let (id, request) = decode_with_id::<RepRequest>(text, RepRequest::TYPES)?;
    Ok(RepFrame { id, request })
}

/// Decodes a customer's request frame: `{"id": 1, "type": "...", ...}`.
pub fn decode_customer_frame(text: &str) -> Result<CustomerFrame, DecodeError> {
    match fast_chat::customer_chat(text) {
        Some(frame) => Ok(frame),
        None => general_customer_frame(text),
    }
}

/// [`decode_customer_frame`] without the chat fast path: every frame, every refusal.
fn general_customer_frame(text: &str) -> Result<CustomerFrame, DecodeError> {
    let (id, request) = decode_with_id::<CustomerRequest>(text, CustomerRequest::TYPES)?;
    Ok(CustomerFrame { id, request })
}

/// Encodes a request with its id into one JSON object.
pub fn encode_with_id<T: Serialize>(id: RequestId, request: &T) -> String {
    let mut value = serde_json::to_value(request).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("id".to_owned(), Value::from(id.0));
    }
    value.to_string()
}

/// Decodes the id from a frame; useful to answer a frame that failed to decode with its id.
pub fn peek_request_id(text: &str) -> Option<RequestId> {
    let value: Value = serde_json::from_str(text).ok()?;
    value.get("id")?.as_u64().map(RequestId)
}

fn decode_with_id<T: DeserializeOwned + Serialize>(
    text: &str,
    known_types: &[&str],
) -> Result<(RequestId, T), DecodeError> {
    let mut object = parse_object(text)?;
    let id = match object.remove("id") {
        Some(Value::Number(n)) => n
            .as_u64()
            .map(RequestId)
            .ok_or_else(|| DecodeError::Malformed("`id` must be a non-negative integer".into()))?,
        Some(_) => {
            return Err(DecodeError::Malformed(
                "`id` must be a non-negative integer".into(),
            ));
        }
        None => return Err(DecodeError::Malformed("missing `id`".into())),
    };
    check_type(&object, known_types)?;
    let request = from_object(object)?;
    Ok((id, request))
}

fn parse_object(text: &str) -> Result<Map<String, Value>, DecodeError> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::TooLarge {
            size: text.len(),
            limit: MAX_FRAME_BYTES,
        });
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(DecodeError::Malformed(
            "a frame must be a JSON object".into(),
        )),
        Err(e) => Err(DecodeError::Malformed(e.to_string())),
    }
}

fn check_type(object: &Map<String, Value>, known_types: &[&str]) -> Result<(), DecodeError> {
    match object.get("type") {
        Some(Value::String(t)) if known_types.contains(&t.as_str()) => Ok(()),
        Some(Value::String(t)) => Err(DecodeError::UnknownType(t.clone())),
        Some(_) => Err(DecodeError::Malformed("`type` must be a string".into())),
        None => Err(DecodeError::Malformed("missing `type`".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    /// A well-formed request decodes with its id.
    #[test]
    fn decodes_request_with_id() {
        let frame = decode_rep_frame(r#"{"id":7,"type":"accept","session_id":3}"#).unwrap();
        assert_eq!(frame.id, RequestId(7));
        assert_eq!(
            frame.request,
            RepRequest::Accept {
                session_id: crate::SessionId(3)
            }
        );
    }

    /// Unknown types, malformed JSON, missing ids and oversized frames each get their own code.
    #[test]
    fn tells_error_kinds_apart() {
        let unknown = decode_rep_frame(r#"{"id":1,"type":"launch_rockets"}"#).unwrap_err();
        assert_eq!(unknown.code(), ErrorCode::UnknownType);
        let malformed = decode_rep_frame(r#"{"id":1,"type":"accept""#).unwrap_err();
        assert_eq!(malformed.code(), ErrorCode::BadRequest);
        let no_id = decode_rep_frame(r#"{"type":"ping"}"#).unwrap_err();
        assert_eq!(no_id.code(), ErrorCode::BadRequest);
        let missing_field = decode_rep_frame(r#"{"id":1,"type":"accept"}"#).unwrap_err();
        assert_eq!(missing_field.code(), ErrorCode::BadRequest);
        let big = format!(
            r#"{{"id":1,"type":"ping","pad":"{}"}}"#,
            "x".repeat(MAX_FRAME_BYTES)
        );
        assert_eq!(
            decode_rep_frame(&big).unwrap_err().code(),
            ErrorCode::FrameTooLarge
        );
        let customer_tries_rep =
            decode_customer_frame(r#"{"id":1,"type":"accept","session_id":1}"#).unwrap_err();
        assert_eq!(customer_tries_rep.code(), ErrorCode::UnknownType);
    }

    /// A struct written as an array of its fields is refused, at the top and nested.
    #[test]
    fn arrays_never_stand_in_for_objects() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Login {
            username: String,
            password: String,
        }
        assert!(decode_body::<Login>(br#"["alice","alice-demo"]"#).is_err());
        assert!(decode_body::<Login>(br#"{"username":"alice","password":"x"}"#).is_ok());
        let nested =
            r#"{"type":"start","protocol_version":1,"customer":["Pat"],"route":{"via":"general"}}"#;
        let err = decode_typed::<crate::CustomerHello>(nested, &["start", "resume"]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::BadRequest);
        assert!(err.to_string().contains("customer"), "{err}");
        let route = r#"{"type":"start","protocol_version":1,"customer":{"name":"Pat"},"route":["general"]}"#;
        assert!(decode_typed::<crate::CustomerHello>(route, &["start", "resume"]).is_err());
        let fine = r#"{"type":"start","protocol_version":1,"customer":{"name":"Pat"},"route":{"via":"general"}}"#;
        assert!(decode_typed::<crate::CustomerHello>(fine, &["start", "resume"]).is_ok());
        // Arrays that are lists stay lists.
        let frame = r#"{"id":1,"type":"ping","extra":[1,2]}"#;
        assert!(decode_rep_frame(frame).is_ok());
    }

    /// Encoding and decoding a request give back the same request.
    #[test]
    fn round_trips() {
        let request = RepRequest::SendChat {
            session_id: crate::SessionId(1),
            client_msg_id: "c-1".into(),
            text: "hello".into(),
            visibility: crate::Visibility::Reps,
        };
        let text = encode_with_id(RequestId(9), &request);
        let frame = decode_rep_frame(&text).unwrap();
        assert_eq!(frame.request, request);
        assert_eq!(peek_request_id(&text), Some(RequestId(9)));
    }

    /// Every request type listed in TYPES is a real variant name (the list cannot drift).
    #[test]
    fn type_lists_match_variants() {
        for t in RepRequest::TYPES {
            let err = decode_rep_frame(&format!(r#"{{"id":1,"type":"{t}"}}"#));
            if let Err(e) = err {
                assert_ne!(e.code(), ErrorCode::UnknownType, "{t}");
            }
        }
        for t in CustomerRequest::TYPES {
            let err = decode_customer_frame(&format!(r#"{{"id":1,"type":"{t}"}}"#));
            if let Err(e) = err {
                assert_ne!(e.code(), ErrorCode::UnknownType, "{t}");
            }
        }
    }

    /// The chat fast path gives exactly what the general path gives, for chat frames and
    /// for everything near them: odd spacing, escapes, duplicates, arrays, wrong types.
    #[test]
    fn chat_fast_path_agrees_with_the_general_path() {
        let customer = [
            r#"{"id":1,"type":"chat","client_msg_id":"c-1","text":"hello"}"#,
            r#" {"text":"a \"quote\" \u00e9","client_msg_id":"c","type":"chat","id":9,"x":[1]}"#,
            r#"{"id":1,"type":"ch\u0061t","client_msg_id":"c","text":"t"}"#,
            r#"{"id":1,"id":2,"type":"chat","client_msg_id":"c","text":"t"}"#,
            r#"{"id":1,"type":"chat","client_msg_id":"c","text":"t","text":"u"}"#,
            r#"{"id":-1,"type":"chat","client_msg_id":"c","text":"t"}"#,
            r#"{"id":1.0,"type":"chat","client_msg_id":"c","text":"t"}"#,
            r#"{"id":"1","type":"chat","client_msg_id":"c","text":"t"}"#,
            r#"{"type":"chat","client_msg_id":"c","text":"t"}"#,
            r#"{"id":1,"client_msg_id":"c","text":"t"}"#,
            r#"{"id":1,"type":"chat","client_msg_id":["c"],"text":"t"}"#,
            r#"{"id":1,"type":"chat","client_msg_id":"c","text":{"t":1}}"#,
            r#"{"id":1,"type":"chat","client_msg_id":"c"}"#,
            r#"{"id":1,"type":"chat","client_msg_id":"c","text":"t"} x"#,
            r#"[1,"chat","c","t"]"#,
            r#"{"id":1,"type":"ping"}"#,
            r#"{"id":1,"type":"launch","client_msg_id":"c","text":"t"}"#,
            r#"{"id":1,"type":"chat","client_msg_id":"c","text":"t""#,
        ];
        for text in customer {
            let fast = decode_customer_frame(text);
            let general = general_customer_frame(text);
            assert_eq!(describe(&fast), describe(&general), "{text}");
        }
        let rep = [
            r#"{"id":3,"type":"send_chat","session_id":5,"client_msg_id":"c","text":"t","visibility":"reps"}"#,
            r#"{"id":3,"type":"send_chat","session_id":5,"client_msg_id":"c","text":"t","visibility":"public"}"#,
            r#"{"id":3,"type":"send_chat","session_id":5,"client_msg_id":"c","text":"t"}"#,
            r#"{"id":3,"type":"send_chat","session_id":5,"client_msg_id":"c","text":"t","visibility":"everyone"}"#,
            r#"{"id":3,"type":"send_chat","session_id":"5","client_msg_id":"c","text":"t","visibility":"reps"}"#,
            r#"{"id":3,"type":"send_chat","session_id":[5],"client_msg_id":"c","text":"t","visibility":"reps"}"#,
            r#"[3,"send_chat",5,"c","t","reps"]"#,
            r#"{"id":3,"type":"accept","session_id":5}"#,
        ];
        for text in rep {
            let fast = decode_rep_frame(text);
            let general = general_rep_frame(text);
            assert_eq!(describe(&fast), describe(&general), "{text}");
        }
        // The fast path is taken where it should be, and declines an array at the top.
        assert!(fast_chat::customer_chat(customer[0]).is_some());
        assert!(fast_chat::customer_chat(customer[1]).is_some());
        assert!(fast_chat::rep_send_chat(rep[0]).is_some());
        assert!(fast_chat::customer_chat(customer[14]).is_none());
        let big = format!(
            r#"{{"id":1,"type":"chat","client_msg_id":"c","text":"{}"}}"#,
            "x".repeat(MAX_FRAME_BYTES)
        );
        assert_eq!(
            decode_customer_frame(&big).unwrap_err().code(),
            ErrorCode::FrameTooLarge
        );
    }

    /// A decode result as text: the value, or the refusal's code and words.
    fn describe<T: std::fmt::Debug>(result: &Result<T, DecodeError>) -> String {
        match result {
            Ok(value) => format!("ok {value:?}"),
            Err(e) => format!("err {:?} {e}", e.code()),
        }
    }
}
