//! The global Stop hotkey on X11: Ctrl+Alt+Shift+S, grabbed on the root window with
//! `GrabKey`, so it works whichever window has the focus (even while the rep drives the
//! pointer and keyboard). A thread of its own waits for the key and calls the given action
//! (the session's [`Stopper`](crate::session::Stopper)).
//!
//! Built on Linux only; elsewhere [`watch_stop_hotkey`] says the hotkey is unavailable and
//! the window's Stop button is the way to stop (the window only grabs it for an X11 screen).

#[cfg(target_os = "linux")]
use x11rb::connection::Connection;
#[cfg(target_os = "linux")]
use x11rb::protocol::Event;
#[cfg(target_os = "linux")]
use x11rb::protocol::xproto::{ConnectionExt as _, GrabMode, ModMask};

/// What the hotkey is, for the window and the README.
pub const HOTKEY_TEXT: &str = "Ctrl+Alt+Shift+S";

/// `XK_s`.
#[cfg(target_os = "linux")]
const KEYSYM_S: u32 = 0x73;

/// Why the hotkey could not be grabbed.
#[derive(Debug, thiserror::Error)]
pub enum HotkeyError {
    #[cfg(target_os = "linux")]
    #[error("cannot connect to the X server: {0}")]
    Connect(#[from] x11rb::errors::ConnectError),
    #[cfg(target_os = "linux")]
    #[error("the X connection failed: {0}")]
    Connection(#[from] x11rb::errors::ConnectionError),
    #[cfg(target_os = "linux")]
    #[error("the X server refused: {0}")]
    Reply(#[from] x11rb::errors::ReplyError),
    #[cfg(not(target_os = "linux"))]
    #[error("the global Stop hotkey needs X11 (use the window's Stop button)")]
    Unsupported,
    #[error("no key on this keyboard gives 's'")]
    NoKey,
    #[error("cannot start the hotkey thread: {0}")]
    Thread(std::io::Error),
}

/// Grabs Ctrl+Alt+Shift+S on `display` (`$DISPLAY` when `None`) and calls `action` on each
/// press, from a thread that lives as long as the program (or the X connection).
#[cfg(target_os = "linux")]
pub fn watch_stop_hotkey(
    display: Option<&str>,
    action: impl Fn() + Send + 'static,
) -> Result<(), HotkeyError> {
    let (conn, screen_num) = x11rb::connect(display)?;
    let setup = conn.setup();
    let root = setup.roots[screen_num].root;
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let mapping = conn
        .get_keyboard_mapping(min, max.saturating_sub(min).saturating_add(1))?
        .reply()?;
    let keymap =
        crate::inject::Keymap::from_mapping(min, mapping.keysyms_per_keycode, &mapping.keysyms);
    let keycode = keymap.lookup(KEYSYM_S).ok_or(HotkeyError::NoKey)?.keycode;
    let base = ModMask::CONTROL | ModMask::M1 | ModMask::SHIFT;
    // The grab must hold with Caps Lock and Num Lock (Mod2) on, too.
    for extra in [
        ModMask::from(0u16),
        ModMask::LOCK,
        ModMask::M2,
        ModMask::LOCK | ModMask::M2,
    ] {
        conn.grab_key(
            true,
            root,
            base | extra,
            keycode,
            GrabMode::ASYNC,
            GrabMode::ASYNC,
        )?
        .check()?;
    }
    conn.flush()?;
    std::thread::Builder::new()
        .name("stop-hotkey".into())
        .spawn(move || {
            while let Ok(event) = conn.wait_for_event() {
                if let Event::KeyPress(press) = event
                    && press.detail == keycode
                {
                    action();
                }
            }
        })
        .map_err(HotkeyError::Thread)?;
    Ok(())
}

/// Without X11 there is no global hotkey: always [`HotkeyError::Unsupported`].
#[cfg(not(target_os = "linux"))]
pub fn watch_stop_hotkey(
    _display: Option<&str>,
    _action: impl Fn() + Send + 'static,
) -> Result<(), HotkeyError> {
    Err(HotkeyError::Unsupported)
}
