//! Input injection on X11 with the XTEST extension (`FakeInput`), on a connection of its own:
//! pointer moves and buttons at screen coordinates, keys by keysym through the server's keyboard
//! mapping (with Shift added around keysyms only the shifted column has).

use super::InjectError;
use super::keymap::{Keymap, SHIFT_L, SHIFT_R};
use switchboard_protocol::media::InputEvent;
use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::xproto::{
    BUTTON_PRESS_EVENT, BUTTON_RELEASE_EVENT, ConnectionExt as _, KEY_PRESS_EVENT,
    KEY_RELEASE_EVENT, MOTION_NOTIFY_EVENT, Window,
};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

/// Injects input into one X server.
pub struct XTestInjector {
    conn: RustConnection,
    root: Window,
    width: u16,
    height: u16,
    keymap: Keymap,
    /// Whether the rep holds a Shift key down (then none is added around shifted keysyms).
    shift_down: bool,
}

impl XTestInjector {
    /// Connects to `display` (`$DISPLAY` when `None`) and reads its keyboard mapping.
    pub fn connect(display: Option<&str>) -> Result<Self, InjectError> {
        let (conn, screen_num) = x11rb::connect(display)?;
        if conn
            .extension_information(x11rb::protocol::xtest::X11_EXTENSION_NAME)?
            .is_none()
        {
            return Err(InjectError::NoXTest);
        }
        conn.xtest_get_version(2, 2)?.reply()?;
        let setup = conn.setup();
        let screen = &setup.roots[screen_num];
        let (root, width, height) = (screen.root, screen.width_in_pixels, screen.height_in_pixels);
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let count = max.saturating_sub(min).saturating_add(1);
        let mapping = conn.get_keyboard_mapping(min, count)?.reply()?;
        let keymap = Keymap::from_mapping(min, mapping.keysyms_per_keycode, &mapping.keysyms);
        Ok(Self {
            conn,
            root,
            width,
            height,
            keymap,
            shift_down: false,
        })
    }

    /// Sends one event to the X server (and flushes: input must not wait).
    pub fn inject(&mut self, event: InputEvent) -> Result<(), InjectError> {
        match event {
            InputEvent::PointerMove { x, y } => self.motion(x, y)?,
            InputEvent::PointerButton {
                x,
                y,
                button,
                pressed,
            } => {
                self.motion(x, y)?;
                let kind = if pressed {
                    BUTTON_PRESS_EVENT
                } else {
                    BUTTON_RELEASE_EVENT
                };
                self.fake(kind, button, 0, 0)?;
            }
            InputEvent::Key { keysym, pressed } => {
                if keysym == SHIFT_L || keysym == SHIFT_R {
                    self.shift_down = pressed;
                }
                let Some(position) = self.keymap.lookup(keysym) else {
                    tracing::debug!(keysym, "no key on this keyboard gives this keysym");
                    return Ok(());
                };
                let shift = self.keymap.lookup(SHIFT_L).map(|p| p.keycode);
                let add_shift = position.shifted && !self.shift_down && pressed;
                if let (true, Some(shift)) = (add_shift, shift) {
                    self.fake(KEY_PRESS_EVENT, shift, 0, 0)?;
                }
                let kind = if pressed {
                    KEY_PRESS_EVENT
                } else {
                    KEY_RELEASE_EVENT
                };
                self.fake(kind, position.keycode, 0, 0)?;
                if let (true, Some(shift)) = (add_shift, shift) {
                    self.fake(KEY_RELEASE_EVENT, shift, 0, 0)?;
                }
            }
        }
        self.conn.flush()?;
        Ok(())
    }

    fn motion(&self, x: u16, y: u16) -> Result<(), InjectError> {
        // Inside the screen (at most 32767 a side on X11), so the i16s cannot wrap.
        let x = x.min(self.width.saturating_sub(1)) as i16;
        let y = y.min(self.height.saturating_sub(1)) as i16;
        self.fake(MOTION_NOTIFY_EVENT, 0, x, y)
    }

    fn fake(&self, kind: u8, detail: u8, x: i16, y: i16) -> Result<(), InjectError> {
        // time 0 = now; device 0 = the core device.
        self.conn
            .xtest_fake_input(kind, detail, 0, self.root, x, y, 0)?;
        Ok(())
    }
}
