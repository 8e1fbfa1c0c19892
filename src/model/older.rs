//! "Load older messages": the ended chats of the same customer contact that the rep loaded
//! into a session, newest first, and whether the server has older ones still.

use switchboard_protocol::{PastChat, RepRequest, SessionId};

/// What a session shows above its chat.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OlderChats {
    /// Newest first, as the server sends them.
    pub chats: Vec<PastChat>,
    /// The server said there are older ones than the last loaded.
    pub more: bool,
    /// A `load_history` request is on its way.
    pub loading: bool,
    /// At least one page arrived.
    pub loaded: bool,
}

impl OlderChats {
    /// The request for the next (older) page.
    pub fn next_request(&self, session_id: SessionId) -> RepRequest {
        RepRequest::LoadHistory {
            session_id,
            before: self.chats.last().map(|c| c.session_id),
        }
    }

    /// Whether a "Load older messages" button makes sense now.
    pub fn can_load_more(&self) -> bool {
        !self.loading && (!self.loaded || self.more)
    }

    /// Adds a page the server sent.
    pub fn add_page(&mut self, chats: Vec<PastChat>, more: bool) {
        for chat in chats {
            if !self.chats.iter().any(|c| c.session_id == chat.session_id) {
                self.chats.push(chat);
            }
        }
        self.more = more;
        self.loading = false;
        self.loaded = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn past(id: u64) -> PastChat {
        PastChat {
            session_id: SessionId(id),
            started_at: id * 1000,
            ended_at: Some(id * 1000 + 500),
            disposition: None,
            chat: Vec::new(),
        }
    }

    #[test]
    fn pages_go_older_and_stop_when_the_server_says_so() {
        let mut older = OlderChats::default();
        assert!(older.can_load_more());
        assert_eq!(
            older.next_request(SessionId(9)),
            RepRequest::LoadHistory {
                session_id: SessionId(9),
                before: None
            }
        );
        older.loading = true;
        assert!(!older.can_load_more(), "one request at a time");
        older.add_page(vec![past(8), past(5)], true);
        assert!(older.can_load_more());
        assert_eq!(
            older.next_request(SessionId(9)),
            RepRequest::LoadHistory {
                session_id: SessionId(9),
                before: Some(SessionId(5))
            }
        );
        // A page repeated (a retry) adds nothing twice.
        older.add_page(vec![past(5), past(2)], false);
        let ids: Vec<u64> = older.chats.iter().map(|c| c.session_id.0).collect();
        assert_eq!(ids, [8, 5, 2]);
        assert!(!older.can_load_more());
    }
}
