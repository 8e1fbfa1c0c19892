//! Team leads supervising a session over a real socket: monitoring it (`monitor_session`,
//! then its `session_joined`), whispering, `take_next`, and waiting for a message while
//! making sure another did not come first (a whisper must never reach the customer or a
//! second rep: the test awaits a later message and checks nothing else came before it).

use crate::customer::{CustomerClient, unique_client_id};
use crate::rep::{RepClient, joined};
use switchboard_protocol::{
    ChatMessage, CustomerServerMessage, OkResult, RepEvent, RepId, RepRequest, SessionId,
    SessionInfo, SessionView,
};

impl RepClient {
    /// Monitors the session (as a lead of its team) and waits for its `session_joined`.
    pub async fn monitor(&mut self, session_id: SessionId) -> SessionView {
        self.ok(RepRequest::MonitorSession { session_id }).await;
        joined(self, session_id).await
    }

    /// Whispers `text` in the session (to `to`, or the owner); the message the server kept.
    pub async fn whisper(
        &mut self,
        session_id: SessionId,
        text: &str,
        to: Option<&str>,
    ) -> ChatMessage {
        let request = RepRequest::Whisper {
            session_id,
            client_msg_id: unique_client_id(),
            text: text.into(),
            to: to.map(RepId::from),
        };
        match self.ok(request).await {
            Some(OkResult::Chat { message }) => message,
            other => panic!("whisper answered {other:?}"),
        }
    }

    /// `take_next`: the session it accepted.
    pub async fn take_next(&mut self) -> SessionId {
        match self.ok(RepRequest::TakeNext).await {
            Some(OkResult::Taken { session_id }) => session_id,
            other => panic!("take_next answered {other:?}"),
        }
    }

    /// Waits for a `session_updated` of the session that `pred` accepts.
    pub async fn session_update(
        &mut self,
        session_id: SessionId,
        pred: impl Fn(&SessionInfo) -> bool,
    ) -> SessionInfo {
        self.pick("session updated", |e| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == session_id && pred(session) =>
            {
                Some(session.clone())
            }
            _ => None,
        })
        .await
    }

    /// Waits for the chat message `text`, failing if a chat message `never` came before it
    /// (or among the events already queued).
    pub async fn chat_without(&mut self, text: &str, never: &str) -> ChatMessage {
        let mut leaked = None;
        let message = self
            .event("chat", |e| match e {
                RepEvent::Chat { message } if message.text == never => {
                    leaked = Some(message.clone());
                    None
                }
                RepEvent::Chat { message } if message.text == text => Some(message.clone()),
                _ => None,
            })
            .await;
        assert_eq!(leaked, None, "a message that was not for this rep arrived");
        message
    }
}

/// Waits for the customer's chat message `text`, failing if a chat message `never` came
/// before it.
pub async fn customer_chat_without(
    customer: &mut CustomerClient,
    text: &str,
    never: &str,
) -> ChatMessage {
    let mut leaked = None;
    let message = customer
        .wait("chat", |m| match m {
            CustomerServerMessage::Chat { message } if message.text == never => {
                leaked = Some(message.clone());
                None
            }
            CustomerServerMessage::Chat { message } if message.text == text => {
                Some(message.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(
        leaked, None,
        "a message that was not for the customer arrived"
    );
    message
}
