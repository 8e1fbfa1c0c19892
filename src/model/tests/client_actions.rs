//! The close dialog's uninstall choice (only for a connected customer client, otherwise
//! greyed with why) and the Special Actions menu (only for a customer on iOS, greyed when
//! they are not connected; absent for everyone else).

use super::*;
use crate::model::client_actions::{special_actions, uninstall_unavailable};
use crate::text::actions as words;
use switchboard_protocol::{Platform, RemoteInfo, ScreenSource, SpecialAction};

fn on(source: ScreenSource, platform: Platform) -> SessionInfo {
    SessionInfo {
        remote: RemoteInfo {
            source,
            grants: Vec::new(),
            platform,
            jump: None,
            elevation: None,
        },
        ..session_info(7, "Sam Lee")
    }
}

/// Uninstall is offered for the customer client; a web chat (or a [Browser] tab) has none to
/// remove, and a customer not connected cannot be told.
#[test]
fn uninstall_needs_a_connected_customer_client() {
    assert_eq!(
        uninstall_unavailable(&on(ScreenSource::Desktop, Platform::Other)),
        None
    );
    for source in [ScreenSource::None, ScreenSource::Tab] {
        assert_eq!(
            uninstall_unavailable(&on(source, Platform::Other)),
            Some(words::UNINSTALL_WEB_CHAT),
            "{source:?}"
        );
    }
    assert_eq!(
        words::UNINSTALL_WEB_CHAT,
        "The customer is in web chat: there is no customer client to uninstall."
    );
    let gone = SessionInfo {
        customer_connected: false,
        ..on(ScreenSource::None, Platform::Other)
    };
    assert_eq!(
        uninstall_unavailable(&gone),
        Some(words::UNINSTALL_NOT_CONNECTED)
    );
}

/// The menu exists only for iOS customers, with the broadcast steps; greyed (with why) once
/// the customer is gone.
#[test]
fn special_actions_only_for_ios() {
    assert_eq!(
        special_actions(&on(ScreenSource::None, Platform::Other)),
        None
    );
    assert_eq!(
        special_actions(&on(ScreenSource::Desktop, Platform::Other)),
        None
    );
    let items = special_actions(&on(ScreenSource::None, Platform::Ios)).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].action, SpecialAction::IosScreenBroadcast);
    assert_eq!(items[0].label, "Send iOS screen broadcast steps");
    assert_eq!(items[0].unavailable, None);
    let gone = SessionInfo {
        customer_connected: false,
        ..on(ScreenSource::None, Platform::Ios)
    };
    assert_eq!(
        special_actions(&gone).unwrap()[0].unavailable,
        Some(words::SPECIAL_NOT_CONNECTED)
    );
}

/// An iOS customer in the portal is a web customer: the Screen menu stays greyed with the
/// web chat reason (nothing pretends to view an iOS screen).
#[test]
fn an_ios_customers_screen_stays_greyed() {
    let info = on(ScreenSource::None, Platform::Ios);
    let bar = crate::model::remote::screen_toolbar(
        &info,
        &rep(ME),
        switchboard_protocol::ScreenPermission::Control,
        T0,
    );
    assert!(bar.all_greyed());
    assert_eq!(bar.view.reason(), Some(crate::text::remote::WEB_CHAT));
}
