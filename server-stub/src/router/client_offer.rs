//! Click-to-chat → full client: a rep in a web customer's session offers the native
//! program (`offer_client`), which makes a one-time join code (nine digits, read out as
//! `123-456-789`; only its hash is kept, in the session's record, so it survives a restart
//! and is durable before the rep sees it). The program attaches with `join`: the code is
//! used up, the session's client becomes native (its screen and shell can be asked for),
//! the customer gets a new reconnect token, and the web page is told the chat goes on in
//! the program and let go. The session keeps its owner, reps and chat.

use super::effects::{CustomerConn, Effect};
use super::state::ClientOffer;
use super::{Reply, Router, refuse};
use crate::auth::hash_secret;
use switchboard_protocol::{
    ClientKind, CustomerServerMessage, ErrorCode, GrantEnd, OkResult, PROTOCOL_VERSION, Platform,
    PortalMessage, RepId, SessionId, UnixMillis,
};

/// How long a join code works.
pub const JOIN_CODE_TTL_MS: u64 = 10 * 60 * 1000;
/// Where this server hands out the program when `client_download` is configured.
pub const DOWNLOAD_PATH: &str = "/download/switchboard-customer";
/// What the web page is told when the program took the session over.
pub const CONTINUED_IN_PROGRAM: &str =
    "The chat continues in the Switchboard program. You can close this page.";
/// The refusal of a code that is unknown, used up or expired.
pub const JOIN_REFUSED: &str = "That code is not valid: it may have expired or been used already. Ask your representative for a new one.";

/// The digits of a code as typed: white space and dashes (a pasted en dash or minus sign
/// too) dropped; `None` unless nine digits.
pub fn normalize_code(code: &str) -> Option<String> {
    let dash = |c: char| matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}');
    let digits: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && !dash(*c))
        .collect();
    (digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Nine digits as they are read out: `123-456-789`.
fn grouped(digits: &str) -> String {
    format!("{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..])
}

impl Router {
    /// `offer_client`: any rep in the session, for a web customer still in it.
    pub(super) fn offer_client(
        &mut self,
        now: UnixMillis,
        rep: &RepId,
        session_id: SessionId,
    ) -> Reply {
        let session = self.rep_session(rep, session_id)?;
        if session.client == ClientKind::Native {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "The customer already uses the Switchboard program.",
            ));
        }
        if session.customer_gone {
            return Err(refuse(
                ErrorCode::RemoteUnavailable,
                "The customer is no longer in this session.",
            ));
        }
        let digits = self.new_join_code();
        let expires_at = now + JOIN_CODE_TTL_MS;
        if let Some(session) = self.session_mut(session_id) {
            // A new offer replaces the previous code.
            session.client_offer = Some(ClientOffer {
                code_hash: hash_secret(&digits),
                expires_at,
            });
        }
        let code = grouped(&digits);
        let download_url = self
            .config
            .settings
            .client_download
            .as_ref()
            .map(|_| DOWNLOAD_PATH.to_owned());
        let name = self.config.rep_name(rep);
        self.note(
            session_id,
            format!("{name} offered the customer the Switchboard program."),
        );
        self.persist_session(session_id);
        self.emit(Effect::ToPortal(
            session_id,
            PortalMessage::ClientOffered {
                code: code.clone(),
                expires_at,
                download_url,
            },
        ));
        Ok(Some(OkResult::ClientOffer { code, expires_at }))
    }

    /// Nine random digits no live offer uses (the space is a billion; live offers are few).
    fn new_join_code(&mut self) -> String {
        use rand::Rng;
        loop {
            let digits = format!("{:09}", self.rng.random_range(0..1_000_000_000u32));
            let hash = hash_secret(&digits);
            let taken = self.sessions.values().any(|s| {
                s.client_offer
                    .as_ref()
                    .is_some_and(|offer| offer.code_hash == hash)
            });
            if !taken {
                return digits;
            }
        }
    }

    /// A `join` hello: the code names a live web session whose customer is still in it;
    /// the program on `conn` becomes that session's customer with `customer_token`.
    pub(super) fn customer_join(
        &mut self,
        now: UnixMillis,
        conn: CustomerConn,
        code: &str,
        customer_token: &str,
    ) -> Reply {
        let refused = || refuse(ErrorCode::KeyInvalid, JOIN_REFUSED);
        let hash = normalize_code(code).map(|digits| hash_secret(&digits));
        let Some(session_id) = hash.and_then(|hash| {
            self.sessions
                .values()
                .find(|s| {
                    s.client_offer
                        .as_ref()
                        .is_some_and(|offer| offer.code_hash == hash && offer.expires_at > now)
                        && !s.customer_gone
                        && s.ended_at.is_none()
                        && s.client == ClientKind::Web
                })
                .map(|s| s.id)
        }) else {
            return Err(refused());
        };
        // The page's own sharing (a browser session's tab) ends with the page.
        self.end_all_grants(session_id, GrantEnd::CustomerDisconnected);
        let was_connected = self
            .sessions
            .get(&session_id)
            .is_some_and(|s| s.customer_connected);
        if was_connected {
            self.tell_customer(
                session_id,
                CustomerServerMessage::Disconnected {
                    message: CONTINUED_IN_PROGRAM.to_owned(),
                },
            );
            self.emit(Effect::CloseCustomer(session_id));
        }
        let Some(session) = self.session_mut(session_id) else {
            return Err(refused());
        };
        session.client_offer = None;
        session.client = ClientKind::Native;
        // The program runs on a computer: whatever the page was on (an iPhone) no longer is.
        session.platform = Platform::Other;
        session.customer_token_hash = hash_secret(customer_token);
        session.customer_connected = true;
        session.position_sent = None;
        let customer = session.customer.name.clone();
        let Some(session) = self.sessions.get(&session_id) else {
            return Err(refused());
        };
        let started = CustomerServerMessage::SessionStarted {
            protocol_version: PROTOCOL_VERSION,
            session_id,
            customer_token: customer_token.to_owned(),
            chat: Router::public_chat(session),
            reps: self.rep_names(session),
            ended: false,
            grants: session.grants.list.clone(),
        };
        self.emit(Effect::BindCustomer(conn, session_id));
        self.emit(Effect::ToCustomerConn(conn, started));
        self.note(
            session_id,
            format!("{customer} continued in the Switchboard program."),
        );
        self.persist_session(session_id);
        self.announce_session_update(session_id, None);
        self.send_position(session_id);
        Ok(None)
    }
}
