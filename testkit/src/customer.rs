//! The customer test client: a customer's protocol over a real WebSocket (what the portal
//! and the terminal customer speak). It starts or resumes a session, chats, and waits for
//! what the server tells the customer with the deadline.

use crate::socket::{Socket, next_text, open_socket};
use crate::wait::{DEADLINE, take_first};
use futures_util::SinkExt;
use std::collections::VecDeque;
use std::net::SocketAddr;
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::{
    ChatMessage, CustomerHello, CustomerInfo, CustomerRequest, CustomerServerMessage,
    PROTOCOL_VERSION, PortalMessage, RequestId, Route, SessionId,
};
use tokio_tungstenite::tungstenite::Message;

/// A customer over a real WebSocket.
pub struct CustomerClient {
    pub socket: Socket,
    pub session_id: SessionId,
    pub token: String,
    /// `session_started` said `ended: true`: the session is over for this customer.
    pub ended: bool,
    /// The public chat so far, as `session_started` told it (a resume's history).
    pub chat: Vec<ChatMessage>,
    /// Messages received and not yet looked at.
    pub inbox: VecDeque<CustomerServerMessage>,
    /// Frames only a portal page gets (`client_offered`), received and not yet looked at.
    pub portal: VecDeque<PortalMessage>,
    next_id: u64,
}

impl CustomerClient {
    pub async fn start(addr: SocketAddr, name: &str, route: Route) -> CustomerClient {
        let customer = CustomerInfo {
            name: name.into(),
            company: Some("Acme".into()),
            question: Some("Help!".into()),
            contact: None,
        };
        Self::start_as(addr, customer, route).await
    }

    /// A customer who told us `customer`, started over `route`.
    pub async fn start_as(
        addr: SocketAddr,
        customer: CustomerInfo,
        route: Route,
    ) -> CustomerClient {
        Self::hello(
            addr,
            CustomerHello::Start {
                protocol_version: PROTOCOL_VERSION,
                client: switchboard_protocol::ClientKind::Web,
                customer,
                route,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("customer start refused: {e:?}"))
    }

    pub async fn resume(
        addr: SocketAddr,
        session_id: SessionId,
        token: &str,
    ) -> Result<CustomerClient, CustomerServerMessage> {
        Self::hello(
            addr,
            CustomerHello::Resume {
                protocol_version: PROTOCOL_VERSION,
                session_id,
                customer_token: token.into(),
            },
        )
        .await
    }

    pub async fn hello(
        addr: SocketAddr,
        hello: CustomerHello,
    ) -> Result<CustomerClient, CustomerServerMessage> {
        let mut socket = open_socket(addr, "/ws/customer").await;
        socket
            .send(Message::Text(serde_json::to_string(&hello).unwrap().into()))
            .await
            .unwrap();
        let text = next_text(&mut socket).await.expect("an answer to hello");
        match serde_json::from_str(&text).unwrap() {
            CustomerServerMessage::SessionStarted {
                session_id,
                customer_token,
                ended,
                chat,
                ..
            } => Ok(CustomerClient {
                socket,
                session_id,
                token: customer_token,
                ended,
                chat,
                inbox: VecDeque::new(),
                portal: VecDeque::new(),
                next_id: 1,
            }),
            other => Err(other),
        }
    }

    pub async fn raw(&mut self, text: &str) {
        self.socket
            .send(Message::Text(text.to_owned().into()))
            .await
            .unwrap();
    }

    pub async fn send(&mut self, request: CustomerRequest) -> RequestId {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        self.raw(&encode_with_id(id, &request)).await;
        id
    }

    pub async fn say(&mut self, text: &str) -> ChatMessage {
        let id = self
            .send(CustomerRequest::Chat {
                client_msg_id: unique_client_id(),
                text: text.into(),
            })
            .await;
        self.wait("ok for chat", |m| match m {
            CustomerServerMessage::Ok {
                id: got, message, ..
            } if *got == id => message.clone(),
            _ => None,
        })
        .await
    }

    /// Reads one more message (before `deadline`) into `inbox`, waiting for `what`.
    pub(crate) async fn receive_message(&mut self, deadline: tokio::time::Instant, what: &str) {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = tokio::time::timeout(remaining, next_text(&mut self.socket))
            .await
            .unwrap_or_else(|_| panic!("customer: no `{what}` before the deadline"));
        let text =
            frame.unwrap_or_else(|| panic!("customer socket closed while waiting for `{what}`"));
        self.keep(&text);
    }

    /// Files a frame: a customer message in `inbox`, a portal-only one in `portal`.
    fn keep(&mut self, text: &str) {
        match serde_json::from_str::<CustomerServerMessage>(text) {
            Ok(message) => self.inbox.push_back(message),
            Err(_) => self
                .portal
                .push_back(serde_json::from_str(text).expect("valid customer frame")),
        }
    }

    /// Waits for a message matching `pred` (with the deadline).
    pub async fn wait<T>(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&CustomerServerMessage) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            while let Some(message) = self.inbox.pop_front() {
                if let Some(found) = pred(&message) {
                    return found;
                }
            }
            self.receive_message(deadline, what).await;
        }
    }

    /// Reads until the server closes the socket, returning everything received.
    pub async fn until_closed(&mut self) -> Vec<CustomerServerMessage> {
        while let Some(text) = next_text(&mut self.socket).await {
            self.keep(&text);
        }
        self.inbox.drain(..).collect()
    }
}

/// A client message id no other send in this test run uses (a resumed client starts afresh).
pub fn unique_client_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("c{nanos}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

impl CustomerClient {
    /// Waits (with the deadline) for a message matching `pred` and takes only that one;
    /// the others stay in `inbox`, in order.
    pub async fn pick<T>(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&CustomerServerMessage) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        let mut checked = 0;
        loop {
            if let Some(found) = take_first(&mut self.inbox, &mut checked, &mut pred) {
                return found;
            }
            self.receive_message(deadline, what).await;
        }
    }

    /// A ping round trip: afterwards every message caused by what the server handled
    /// before it is in `inbox`.
    pub async fn sync(&mut self) {
        let id = self.send(CustomerRequest::Ping).await;
        self.pick("ok for ping", |m| match m {
            CustomerServerMessage::Ok { id: got, .. } if *got == id => Some(()),
            _ => None,
        })
        .await;
    }
}
