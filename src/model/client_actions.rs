//! What a session offers that depends on the customer's program or device, pure: the close
//! dialog's "End session and uninstall the customer client" (only a connected customer
//! client can be told to remove itself) and the Special Actions menu (only for a customer
//! on an iPhone or iPad, where iOS's own screen broadcast is the one way to share the
//! screen). Derived from `SessionInfo`; no egui, no IO.

use crate::text::actions as words;
use switchboard_protocol::{Platform, ScreenSource, SessionInfo, SpecialAction};

/// Why the owner cannot end the session with "uninstall" (`None`: they can). The server
/// tells the customer client to remove itself only while it is connected; a customer in
/// web chat has no client to remove.
pub fn uninstall_unavailable(info: &SessionInfo) -> Option<&'static str> {
    if !info.customer_connected || info.ended {
        Some(words::UNINSTALL_NOT_CONNECTED)
    } else if info.remote.source != ScreenSource::Desktop {
        Some(words::UNINSTALL_WEB_CHAT)
    } else {
        None
    }
}

/// One entry of the Special Actions menu: what it sends, its label, and why it is greyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialItem {
    pub action: SpecialAction,
    pub label: &'static str,
    pub hint: &'static str,
    pub unavailable: Option<&'static str>,
}

/// The session's Special Actions (`None`: the menu is not shown at all, as for every
/// customer not on an iPhone or iPad).
pub fn special_actions(info: &SessionInfo) -> Option<Vec<SpecialItem>> {
    if info.remote.platform != Platform::Ios {
        return None;
    }
    let unavailable =
        (!info.customer_connected || info.ended).then_some(words::SPECIAL_NOT_CONNECTED);
    Some(vec![SpecialItem {
        action: SpecialAction::IosScreenBroadcast,
        label: words::IOS_SCREEN_BROADCAST,
        hint: words::IOS_SCREEN_BROADCAST_HINT,
        unavailable,
    }])
}
