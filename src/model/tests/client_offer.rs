//! "Offer the Switchboard program": the entry open for a connected web customer and greyed
//! with why otherwise (ended, waiting, already on the program, not connected); the window
//! through an offer — making a code, the code and its time left, expired, refused in plain
//! words, the customer joined once the session's source is the desktop — and closed with
//! the session.

use super::*;
use crate::model::client_offer::{JoinCode, OfferView, offer_unavailable, offer_view};
use crate::text::client_offer as words;
use switchboard_protocol::{ErrorCode, LeftReason, RemoteInfo, ScreenSource};

/// Session 7 with Pat, whose side can share `source` (`None`: the web chat).
fn pat(source: ScreenSource) -> SessionInfo {
    SessionInfo {
        remote: RemoteInfo {
            source,
            ..RemoteInfo::default()
        },
        ..session_info(7, "Pat Doe")
    }
}

/// A console in session 7 with Pat in web chat.
fn console_with_web_customer() -> Console {
    let mut console = Console::new();
    console.event(RepEvent::SessionJoined {
        view: SessionView {
            session: pat(ScreenSource::None),
            chat: Vec::new(),
            earlier_chat: false,
        },
    });
    console
}

/// The code the server gives, ten minutes from T0.
fn offered() -> OkResult {
    OkResult::ClientOffer {
        code: "482-193-057".into(),
        expires_at: T0 + 600_000,
    }
}

fn offer_request() -> RepRequest {
    RepRequest::OfferClient {
        session_id: SessionId(7),
    }
}

/// Open for a connected customer in web chat (a [Browser] tab too, and for a participant);
/// otherwise greyed with the reason, the session's own state first.
#[test]
fn the_entry_says_why_it_is_greyed() {
    for source in [ScreenSource::None, ScreenSource::Tab] {
        assert_eq!(offer_unavailable(&pat(source)), None, "{source:?}");
    }
    let participant = SessionInfo {
        owner: Some(rep(BOB)),
        participants: vec![rep(BOB), rep(ME)],
        ..pat(ScreenSource::None)
    };
    assert_eq!(
        offer_unavailable(&participant),
        None,
        "any rep in the session"
    );
    assert_eq!(
        offer_unavailable(&pat(ScreenSource::Desktop)),
        Some(words::OFFER_ALREADY_PROGRAM)
    );
    let gone = SessionInfo {
        customer_connected: false,
        ..pat(ScreenSource::None)
    };
    assert_eq!(offer_unavailable(&gone), Some(words::OFFER_NOT_CONNECTED));
    let waiting = SessionInfo {
        owner: None,
        waiting_in: Some(billing()),
        ..pat(ScreenSource::None)
    };
    assert_eq!(offer_unavailable(&waiting), Some(words::OFFER_WAITING));
    let ended = SessionInfo {
        ended: true,
        customer_connected: false,
        ..pat(ScreenSource::None)
    };
    assert_eq!(offer_unavailable(&ended), Some(words::OFFER_ENDED));
}

/// Sending opens the window making a code; the answer shows the code as the server gave it
/// with its time left, until it expires; a new offer replaces it.
#[test]
fn the_code_shows_until_it_expires() {
    let mut console = console_with_web_customer();
    let info = pat(ScreenSource::None);
    let id = console.model.request(&offer_request());
    let panel = console
        .model
        .client_offer
        .clone()
        .expect("the window opens");
    assert_eq!(offer_view(&panel, &info, T0), OfferView::Sending);

    console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(offered()),
    });
    let panel = console.model.client_offer.clone().expect("still open");
    let code = JoinCode {
        code: "482-193-057".into(),
        expires_at: T0 + 600_000,
    };
    assert_eq!(
        offer_view(&panel, &info, T0 + 1_000),
        OfferView::Code {
            code: &code,
            left_ms: 599_000
        }
    );
    assert_eq!(
        offer_view(&panel, &info, T0 + 600_000),
        OfferView::Expired,
        "ten minutes exactly: gone"
    );

    // "New code": making one again, the old code no longer shown.
    console.model.request(&offer_request());
    let panel = console.model.client_offer.clone().unwrap();
    assert_eq!(panel.code, None);
    assert_eq!(offer_view(&panel, &info, T0 + 2_000), OfferView::Sending);
}

/// Once the customer joined (the session's source is the desktop), the window says so,
/// whatever the code's time.
#[test]
fn the_window_says_when_the_customer_joined() {
    let mut console = console_with_web_customer();
    let id = console.model.request(&offer_request());
    console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(offered()),
    });
    console.event(RepEvent::SessionUpdated {
        session: pat(ScreenSource::Desktop),
    });
    let panel = console.model.client_offer.clone().unwrap();
    let info = &console.model.sessions[&SessionId(7)].info;
    assert_eq!(offer_view(&panel, info, T0 + 1_000), OfferView::Joined);
    assert_eq!(offer_view(&panel, info, T0 + 900_000), OfferView::Joined);
    assert_eq!(
        console.model.offer_client_unavailable(info),
        Some(words::OFFER_ALREADY_PROGRAM),
        "and the entry is greyed"
    );
    assert_eq!(
        words::now_using("Pat Doe"),
        "Pat Doe is now using the program."
    );
}

/// A refusal reads in plain words in the window; with the window closed it is a notice. A
/// request that could not be sent says so too.
#[test]
fn refusals_are_said_in_words() {
    let mut console = console_with_web_customer();
    let info = pat(ScreenSource::None);
    let id = console.model.request(&offer_request());
    console.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: ErrorCode::RemoteUnavailable,
        message: "The customer is no longer in this session.".into(),
        retry_after_ms: None,
    });
    let panel = console.model.client_offer.clone().unwrap();
    let said =
        "Could not offer the customer the program: The customer is no longer in this session.";
    assert_eq!(offer_view(&panel, &info, T0), OfferView::Refused(said));
    assert!(console.model.notices.is_empty(), "said once, in the window");

    let id = console.model.request(&offer_request());
    console.model.close_client_offer();
    console.model.apply(RepServerMessage::Error {
        id: Some(id),
        code: ErrorCode::SessionEnded,
        message: String::new(),
        retry_after_ms: None,
    });
    assert_eq!(console.model.client_offer, None);
    assert_eq!(
        console.model.notices.back().map(|n| n.text.as_str()),
        Some("Could not offer the customer the program: the session has ended.")
    );

    let id = console.model.request(&offer_request());
    console.model.send_failed(id, "not connected to the server");
    let panel = console.model.client_offer.clone().unwrap();
    assert!(!panel.sending);
    assert!(
        panel
            .error
            .as_deref()
            .is_some_and(|e| e.contains("offer the customer the program")),
        "{:?}",
        panel.error
    );
}

/// A code that arrives after the window was closed opens it again (the customer's page
/// shows it already); leaving the session closes the window.
#[test]
fn the_window_follows_the_session() {
    let mut console = console_with_web_customer();
    let id = console.model.request(&offer_request());
    console.model.close_client_offer();
    console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(offered()),
    });
    let panel = console.model.client_offer.clone().expect("opened again");
    assert_eq!(panel.session_id, SessionId(7));
    assert!(panel.code.is_some());

    console.event(RepEvent::SessionLeft {
        session_id: SessionId(7),
        reason: LeftReason::Ended,
    });
    assert_eq!(console.model.client_offer, None);

    // An answer for a session the rep is no longer in opens nothing.
    let id = console.model.request(&offer_request());
    console.model.close_client_offer();
    console.model.apply(RepServerMessage::Ok {
        id,
        result: Some(offered()),
    });
    assert_eq!(console.model.client_offer, None);
}
