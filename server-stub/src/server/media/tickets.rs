//! The tickets the router minted with `open_media`, waiting for their sockets: each works once,
//! until it expires. The map is bounded ([`MAX_TICKETS`]), so tickets that are never used
//! cannot grow it: expired ones are pruned, and when it is still full the one closest to
//! expiry goes. Pure (the caller passes the time), so every rule is a unit test.

use super::{MediaRole, SessionAccess, Ticket};
use std::collections::HashMap;
use switchboard_protocol::{SessionId, UnixMillis};

/// The most tickets waiting at once. The router mints one per `open_media`, and those are
/// bounded by sessions and grants; this is the backstop.
pub const MAX_TICKETS: usize = 10_000;

/// Why a token does not open a socket (all close `4401`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketRefused {
    /// Never issued, already used, or dropped (its grant ended, or the map was full).
    Unknown,
    /// Issued, but not used before its `expires_at`.
    Expired,
}

/// Tickets by token.
#[derive(Default)]
pub struct Tickets {
    by_token: HashMap<String, Ticket>,
}

impl Tickets {
    /// Registers a ticket; a full map first drops the expired, then the one expiring first.
    pub fn insert(&mut self, token: String, ticket: Ticket, now: UnixMillis) {
        if self.by_token.len() >= MAX_TICKETS && !self.by_token.contains_key(&token) {
            self.prune(now);
        }
        if self.by_token.len() >= MAX_TICKETS && !self.by_token.contains_key(&token) {
            let first = self
                .by_token
                .iter()
                .min_by_key(|(_, t)| t.expires_at)
                .map(|(token, _)| token.clone());
            if let Some(first) = first {
                self.by_token.remove(&first);
            }
        }
        self.by_token.insert(token, ticket);
    }

    /// Takes the ticket for `token` (whatever the answer, the token is used up).
    pub fn redeem(&mut self, token: &str, now: UnixMillis) -> Result<Ticket, TicketRefused> {
        let ticket = self.by_token.remove(token).ok_or(TicketRefused::Unknown)?;
        if now >= ticket.expires_at {
            return Err(TicketRefused::Expired);
        }
        Ok(ticket)
    }

    /// Drops the expired tickets.
    pub fn prune(&mut self, now: UnixMillis) {
        self.by_token.retain(|_, t| now < t.expires_at);
    }

    /// Drops the tickets of `session` that `access` no longer allows: every one when nobody
    /// may view, else the viewers' whose rep is not in it.
    pub fn restrict(&mut self, session: SessionId, access: &SessionAccess) {
        self.by_token.retain(|_, t| {
            t.session != session
                || match &t.role {
                    MediaRole::Publisher => access.serves(t.channel),
                    MediaRole::Viewer { rep } => access.allows(rep, t.channel),
                }
        });
    }

    /// How many are waiting (for tests and logs).
    pub fn len(&self) -> usize {
        self.by_token.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_token.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::RepId;

    fn ticket(session: u64, role: MediaRole, expires_at: UnixMillis) -> Ticket {
        Ticket {
            session: SessionId(session),
            role,
            channel: switchboard_protocol::MediaChannel::Screen,
            expires_at,
        }
    }

    fn viewer(rep: &str) -> MediaRole {
        MediaRole::Viewer {
            rep: RepId::from(rep),
        }
    }

    #[test]
    fn a_ticket_works_once_and_only_before_it_expires() {
        let mut tickets = Tickets::default();
        tickets.insert("a".into(), ticket(1, MediaRole::Publisher, 100), 0);
        tickets.insert("b".into(), ticket(1, MediaRole::Publisher, 100), 0);
        assert!(tickets.redeem("a", 99).is_ok());
        assert_eq!(tickets.redeem("a", 99), Err(TicketRefused::Unknown));
        assert_eq!(tickets.redeem("b", 100), Err(TicketRefused::Expired));
        assert_eq!(tickets.redeem("b", 50), Err(TicketRefused::Unknown));
        assert_eq!(tickets.redeem("never", 0), Err(TicketRefused::Unknown));
    }

    #[test]
    fn the_map_is_bounded_and_drops_the_expired_first_then_the_oldest() {
        let mut tickets = Tickets::default();
        for i in 0..MAX_TICKETS {
            let expires = if i == 5 { 10 } else { 1_000 + i as u64 };
            tickets.insert(format!("t{i}"), ticket(1, MediaRole::Publisher, expires), 0);
        }
        assert_eq!(tickets.len(), MAX_TICKETS);
        // At 20, t5 has expired: it goes, nothing else does.
        tickets.insert("new".into(), ticket(1, MediaRole::Publisher, 5_000), 20);
        assert_eq!(tickets.len(), MAX_TICKETS);
        assert_eq!(tickets.redeem("t5", 20), Err(TicketRefused::Unknown));
        assert!(tickets.redeem("t6", 20).is_ok());
        // Full again with nothing expired: the one expiring first (t0) goes.
        tickets.insert("t6".into(), ticket(1, MediaRole::Publisher, 9_000), 20);
        tickets.insert("newer".into(), ticket(1, MediaRole::Publisher, 9_000), 20);
        assert_eq!(tickets.len(), MAX_TICKETS);
        assert_eq!(tickets.redeem("t0", 20), Err(TicketRefused::Unknown));
        assert!(tickets.redeem("t1", 20).is_ok());
    }

    #[test]
    fn restricting_drops_what_access_no_longer_allows() {
        let mut tickets = Tickets::default();
        tickets.insert("pub".into(), ticket(1, MediaRole::Publisher, 100), 0);
        tickets.insert("alice".into(), ticket(1, viewer("alice"), 100), 0);
        tickets.insert("bob".into(), ticket(1, viewer("bob"), 100), 0);
        tickets.insert("other".into(), ticket(2, viewer("bob"), 100), 0);
        let mut access = SessionAccess::default();
        let view = super::super::MediaRights {
            view: true,
            ..Default::default()
        };
        access.viewers.insert(RepId::from("alice"), view);
        tickets.restrict(SessionId(1), &access);
        assert!(tickets.redeem("alice", 1).is_ok());
        assert_eq!(tickets.redeem("bob", 1), Err(TicketRefused::Unknown));
        tickets.restrict(SessionId(1), &SessionAccess::default());
        assert_eq!(tickets.redeem("pub", 1), Err(TicketRefused::Unknown));
        assert!(
            tickets.redeem("other", 1).is_ok(),
            "another session's stays"
        );
    }
}
