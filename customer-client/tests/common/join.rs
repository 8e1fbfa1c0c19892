//! Click-to-chat → full client in the customer client's tests: a web customer (the kit's
//! customer client, client `web`) chatting with Alice, her `offer_client`, the code as the
//! page receives it, and the program's [`SessionConfig`] for `join_with_code` (its customer
//! and route are not used by a join).

use switchboard_customer::publish::ScreenChoice;
use switchboard_customer::session::{JoinCode, Policy, SessionConfig, SessionEvent};
use switchboard_protocol::{CustomerInfo, RepRequest, Route, SessionId, Visibility};
use switchboard_testkit::client_offer::offer_client;
use switchboard_testkit::remote::accept;
use switchboard_testkit::{CustomerClient, DEADLINE, RepClient, TestServer};
use tokio::sync::mpsc::UnboundedReceiver;

/// A small generated desktop to share (no X server needed).
pub const SYNTHETIC: ScreenChoice = ScreenChoice::Synthetic {
    width: 320,
    height: 200,
    typing: false,
};

/// Pat in the web portal, in Alice's session (accepted by her), with a line each said.
pub struct WebChat {
    pub alice: RepClient,
    pub page: CustomerClient,
    pub session_id: SessionId,
}

/// Pat starts a web chat over Alice's personal queue; she accepts; Pat says "My printer is
/// broken" and Alice answers "Hello Pat".
pub async fn web_chat(server: &TestServer) -> WebChat {
    let mut alice = server.rep("alice").await;
    let route = Route::Rep {
        rep: "alice".into(),
    };
    let mut page = server.customer("Pat", route).await;
    let session_id = page.session_id;
    accept(&mut alice, "alice", session_id).await;
    page.say("My printer is broken").await;
    alice.ok(say(session_id, "Hello Pat")).await;
    WebChat {
        alice,
        page,
        session_id,
    }
}

impl WebChat {
    /// Alice offers the program; the code as the page shows it (checked to be hers).
    pub async fn offer(&mut self) -> String {
        let (code, _) = offer_client(&mut self.alice, self.session_id).await;
        let card = self.page.client_offered().await;
        assert_eq!(card.code, code, "the page shows the code Alice read");
        card.code
    }
}

/// A public chat line from a rep.
pub fn say(session_id: SessionId, text: &str) -> RepRequest {
    RepRequest::SendChat {
        session_id,
        client_msg_id: switchboard_testkit::customer::unique_client_id(),
        text: text.into(),
        visibility: Visibility::Public,
    }
}

/// What the program joins with: `server`'s URL, `policy`, the synthetic desktop.
pub fn join_config(server: &TestServer, policy: Policy) -> SessionConfig {
    SessionConfig {
        server: server.url(),
        customer: CustomerInfo {
            name: String::new(),
            company: None,
            question: None,
            contact: None,
        },
        route: Route::General,
        policy,
        screen: Ok(SYNTHETIC),
        wake: None,
        elevate_run_as: Vec::new(),
    }
}

/// `typed` as a join code (the test's own codes are well formed).
pub fn code(typed: &str) -> JoinCode {
    JoinCode::parse(typed).unwrap_or_else(|e| panic!("{typed:?}: {e}"))
}

/// The session's events until `pick` takes one, within the deadline; every event seen on
/// the way is pushed to `seen`.
pub async fn until<T>(
    events: &mut UnboundedReceiver<SessionEvent>,
    what: &str,
    seen: &mut Vec<SessionEvent>,
    mut pick: impl FnMut(&SessionEvent) -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("{what} within {DEADLINE:?}; seen {seen:?}"))
            .unwrap_or_else(|| panic!("the session ended before {what}; seen {seen:?}"));
        let found = pick(&event);
        seen.push(event);
        if let Some(found) = found {
            return found;
        }
    }
}
