//! "Offer the Switchboard program" (Click-to-chat → full client) in a session, pure: why the
//! entry is greyed (ended, waiting, the customer already on the program, not connected),
//! the window's state while `offer_client` is on its way and after its answer (the join
//! code and until when it works, or the refusal in words), and what the window shows at a
//! moment: the code, that it expired, or that the customer now uses the program (the
//! session's `remote.source` became `desktop`). No egui, no IO; the clock is an argument.

use super::{InFlight, Model};
use crate::text::client_offer as words;
use crate::text::notices;
use crate::text::refusal::refusal_text;
use switchboard_protocol::{ErrorCode, ScreenSource, SessionId, SessionInfo, UnixMillis};

/// Why "Offer the Switchboard program" is greyed in this session (`None`: open). Any rep in
/// the session may offer, while the customer is connected and still in web chat.
pub fn offer_unavailable(info: &SessionInfo) -> Option<&'static str> {
    if info.ended {
        Some(words::OFFER_ENDED)
    } else if info.owner.is_none() && info.waiting_in.is_some() {
        Some(words::OFFER_WAITING)
    } else if info.remote.source == ScreenSource::Desktop {
        Some(words::OFFER_ALREADY_PROGRAM)
    } else if !info.customer_connected {
        Some(words::OFFER_NOT_CONNECTED)
    } else {
        None
    }
}

/// A join code as the server gave it (`123-456-789`), and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCode {
    pub code: String,
    pub expires_at: UnixMillis,
}

/// The window of one session's offer, while it is open (one at a time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferPanel {
    pub session_id: SessionId,
    /// An `offer_client` is on its way.
    pub sending: bool,
    /// The latest code (a new offer replaces it: the server forgets the old one).
    pub code: Option<JoinCode>,
    /// Why the last offer was refused or could not be sent.
    pub error: Option<String>,
}

/// What the window shows at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferView<'a> {
    /// The customer joined: the session's customer is on the program now.
    Joined,
    /// A code is being made.
    Sending,
    /// The offer was refused (the sentence says why).
    Refused(&'a str),
    /// The code to read out, and how long it still works.
    Code { code: &'a JoinCode, left_ms: u64 },
    /// The code's time ran out before anyone joined with it.
    Expired,
}

/// What `panel` shows for the session `info` at `now`. Joined wins: once the program is
/// on, the code is spent whatever else the window last knew.
pub fn offer_view<'a>(panel: &'a OfferPanel, info: &SessionInfo, now: UnixMillis) -> OfferView<'a> {
    if info.remote.source == ScreenSource::Desktop {
        OfferView::Joined
    } else if panel.sending {
        OfferView::Sending
    } else if let Some(error) = &panel.error {
        OfferView::Refused(error)
    } else {
        match &panel.code {
            Some(code) if code.expires_at > now => OfferView::Code {
                code,
                left_ms: code.expires_at - now,
            },
            // No code and no refusal (not sent yet) reads as nothing to use: make one.
            _ => OfferView::Expired,
        }
    }
}

impl Model {
    /// Why the session's "Offer the Switchboard program" is greyed, if it is.
    pub fn offer_client_unavailable(&self, info: &SessionInfo) -> Option<&'static str> {
        offer_unavailable(info)
    }

    /// Notes an `offer_client` the app is sending: its window opens (or stays) in "making a
    /// code", the previous code gone (the server replaces it).
    pub(super) fn client_offer_requested(&mut self, session_id: SessionId) -> InFlight {
        if self.sessions.contains_key(&session_id) {
            self.client_offer = Some(OfferPanel {
                session_id,
                sending: true,
                code: None,
                error: None,
            });
        }
        InFlight::ClientOffer { session_id }
    }

    /// The code arrived. The window shows it, opened again if the rep closed it meanwhile
    /// (the customer's page already shows the code: the rep needs it too).
    pub(super) fn client_offer_answered(
        &mut self,
        session_id: SessionId,
        code: String,
        expires_at: UnixMillis,
    ) {
        if !self.sessions.contains_key(&session_id) {
            return;
        }
        self.client_offer = Some(OfferPanel {
            session_id,
            sending: false,
            code: Some(JoinCode { code, expires_at }),
            error: None,
        });
    }

    /// The offer was refused (`code` and the server's `message`) or could not be sent
    /// (`code` `None`): said in its window, or as a notice when the window is gone.
    pub(super) fn client_offer_failed(
        &mut self,
        session_id: SessionId,
        code: Option<ErrorCode>,
        message: &str,
    ) {
        const WHAT: &str = "offer the customer the program";
        let text = match code {
            Some(code) => refusal_text(WHAT, code, message),
            None => notices::could_not(WHAT, message),
        };
        match self
            .client_offer
            .as_mut()
            .filter(|p| p.session_id == session_id)
        {
            Some(panel) => {
                panel.sending = false;
                panel.error = Some(text);
            }
            None => self.notice(text, code),
        }
    }

    /// Closes the offer's window (the code still works until it expires).
    pub fn close_client_offer(&mut self) {
        self.client_offer = None;
    }
}
