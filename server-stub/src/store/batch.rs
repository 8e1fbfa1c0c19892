//! One batch of the router's ops as the core hands it to the store: shared (an `Arc`), so
//! neither a commit nor its retries copy the ops, and with each chat message's JSON encoded
//! once.
//!
//! Why: a chat message used to be encoded three times (its row, the customer's `ok`, each
//! rep's `event`) and every op cloned for the commit. The JSON of a `ChatMessage` is the
//! same text in the row and in every frame that carries it, so the core encodes it here,
//! the store writes it as the row, and after the commit the core splices the same text into
//! the frames it sends (`server/core/replies.rs` for replies, `server/streams.rs` for events).

use crate::router::effects::StoreOp;
use std::collections::HashMap;
use switchboard_protocol::{Author, ChatMessage, MessageId};

/// Chats in a batch up to which `json_of` scans instead of hashing.
const SCAN_UP_TO: usize = 16;

/// The ops of one commit and the JSON of the chat messages among them.
#[derive(Debug, Default)]
pub struct CommitBatch {
    ops: Vec<StoreOp>,
    /// (index of a `PutChat` op, that message's JSON), in op order.
    chat_json: Vec<(usize, String)>,
    /// Message id -> position in `chat_json` (the last one, if an id repeats); only for a
    /// batch of more than [`SCAN_UP_TO`] chats: fewer are found faster by a scan than by
    /// hashing.
    by_id: HashMap<MessageId, usize>,
}

impl CommitBatch {
    /// A batch whose chat rows the store encodes itself (nobody reuses their JSON).
    pub fn plain(ops: Vec<StoreOp>) -> Self {
        Self {
            ops,
            ..Self::default()
        }
    }

    /// A batch with each `PutChat` message encoded now, for the row and for the frames.
    /// A message that cannot be encoded is left to the store, which reports the error.
    pub fn encoding_chats(ops: Vec<StoreOp>) -> Self {
        let mut chat_json = Vec::new();
        for (index, op) in ops.iter().enumerate() {
            if let StoreOp::PutChat(message) = op
                && let Some(json) = encode(message)
            {
                chat_json.push((index, json));
            }
        }
        let mut by_id = HashMap::new();
        if chat_json.len() > SCAN_UP_TO {
            for (at, (index, _)) in chat_json.iter().enumerate() {
                if let Some(StoreOp::PutChat(message)) = ops.get(*index) {
                    by_id.insert(message.id, at);
                }
            }
        }
        Self {
            ops,
            chat_json,
            by_id,
        }
    }

    pub fn ops(&self) -> &[StoreOp] {
        &self.ops
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Each op with the JSON already encoded for it (only `PutChat` ops have one).
    pub(crate) fn ops_with_json(&self) -> impl Iterator<Item = (&StoreOp, Option<&str>)> {
        let mut encoded = self.chat_json.iter().peekable();
        self.ops.iter().enumerate().map(move |(index, op)| {
            let json = encoded
                .next_if(|(at, _)| *at == index)
                .map(|(_, json)| json.as_str());
            (op, json)
        })
    }

    /// The JSON of `message` if this batch stores exactly that message (same id and same
    /// content: an event about an older or changed message is encoded by its sender).
    pub fn json_of(&self, message: &ChatMessage) -> Option<&str> {
        let stored = |index: usize| match self.ops.get(index) {
            Some(StoreOp::PutChat(stored)) => Some(stored),
            _ => None,
        };
        let (index, json) = if self.chat_json.len() > SCAN_UP_TO {
            self.chat_json.get(*self.by_id.get(&message.id)?)?
        } else {
            // The last one with the id, as the map keeps.
            self.chat_json
                .iter()
                .rev()
                .find(|(index, _)| stored(*index).is_some_and(|m| m.id == message.id))?
        };
        (stored(*index)? == message).then_some(json.as_str())
    }
}

/// A message's JSON, as `serde_json::to_string` writes it, into a buffer sized for it up
/// front: `to_string` starts at 128 bytes and grows (copies) twice for a usual message.
fn encode(message: &ChatMessage) -> Option<String> {
    let mut json = Vec::with_capacity(expected_len(message));
    serde_json::to_writer(&mut json, message).ok()?;
    String::from_utf8(json).ok()
}

/// About the length of a message's JSON: its field names and numbers, its strings, and
/// some room for escapes in the text.
fn expected_len(message: &ChatMessage) -> usize {
    const FIXED: usize = 192;
    let author = match &message.author {
        Author::Customer { name } => name.len(),
        Author::Rep { rep, name } => rep.as_str().len() + name.len() + 8,
        Author::System => 0,
    };
    let attachment = message.attachment.as_ref().map_or(0, |a| {
        a.file_id.len() + a.name.len() + a.content_type.len() + 64
    });
    FIXED
        + message.text.len()
        + message.text.len() / 8
        + author
        + attachment
        + message.client_msg_id.as_ref().map_or(0, |id| id.len() + 20)
        + message
            .whisper_to
            .as_ref()
            .map_or(0, |rep| rep.as_str().len() + 20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{SessionId, Visibility};

    fn chat(id: u64, text: &str) -> ChatMessage {
        ChatMessage {
            id: MessageId(id),
            session_id: SessionId(1),
            author: Author::Customer { name: "Ann".into() },
            text: text.into(),
            visibility: Visibility::Public,
            at: 5,
            client_msg_id: None,
            attachment: None,
            whisper_to: None,
        }
    }

    /// Each `PutChat` gets its message's serde JSON; other ops none; only the very message
    /// stored is found (a changed copy with the same id is not).
    #[test]
    fn chats_are_encoded_once_and_found_only_when_identical() {
        let ops = vec![
            StoreOp::DeleteKey("k".into()),
            StoreOp::PutChat(chat(1, "hello \"you\"")),
            StoreOp::DeleteKey("l".into()),
            StoreOp::PutChat(chat(2, "second")),
        ];
        let batch = CommitBatch::encoding_chats(ops);
        let with_json: Vec<Option<&str>> = batch.ops_with_json().map(|(_, j)| j).collect();
        let first = serde_json::to_string(&chat(1, "hello \"you\"")).unwrap();
        let second = serde_json::to_string(&chat(2, "second")).unwrap();
        assert_eq!(
            with_json,
            vec![None, Some(first.as_str()), None, Some(second.as_str())]
        );
        assert_eq!(batch.json_of(&chat(2, "second")), Some(second.as_str()));
        assert_eq!(batch.json_of(&chat(2, "changed")), None);
        assert_eq!(batch.json_of(&chat(3, "second")), None);
        // Every optional field, escapes, a rep author: the same text as `to_string`.
        let full = ChatMessage {
            author: Author::Rep {
                rep: "bob".into(),
                name: "Bob \u{1F600}".into(),
            },
            text: "a\tb \"quoted\" \\ end".repeat(50),
            client_msg_id: Some("c-9".into()),
            attachment: Some(switchboard_protocol::Attachment {
                file_id: "f0".into(),
                name: "x.png".into(),
                size: 3,
                content_type: "image/png".into(),
            }),
            whisper_to: Some("ann".into()),
            ..chat(9, "")
        };
        assert_eq!(encode(&full), serde_json::to_string(&full).ok());
        // A batch large enough to be looked up by hash finds the same.
        let many: Vec<StoreOp> = (0..40)
            .map(|id| StoreOp::PutChat(chat(id, &format!("m{id}"))))
            .collect();
        let many = CommitBatch::encoding_chats(many);
        let json_of_33 = serde_json::to_string(&chat(33, "m33")).unwrap();
        assert_eq!(many.json_of(&chat(33, "m33")), Some(json_of_33.as_str()));
        assert_eq!(many.json_of(&chat(33, "other")), None);
        assert_eq!(many.json_of(&chat(40, "m40")), None);
        let plain = CommitBatch::plain(vec![StoreOp::PutChat(chat(1, "x"))]);
        assert!(plain.ops_with_json().all(|(_, json)| json.is_none()));
        assert_eq!(plain.json_of(&chat(1, "x")), None);
    }
}
