//! The rep's input on the customer's screen. On X11 through XTest ([`XTestInjector`]); on the
//! synthetic desktop a click leaves a mark and a key types a character (the publisher's worker
//! does that itself). Nothing here decides whether input is allowed: the publisher checks the
//! customer's own grant list before anything reaches an injector.

mod keymap;
mod x11;

pub use keymap::{KeyPosition, Keymap};
pub use x11::XTestInjector;

/// Why input could not be injected.
#[derive(Debug, thiserror::Error)]
pub enum InjectError {
    #[error("cannot connect to the X server: {0}")]
    Connect(#[from] x11rb::errors::ConnectError),
    #[error("the X connection failed: {0}")]
    Connection(#[from] x11rb::errors::ConnectionError),
    #[error("the X server refused a request: {0}")]
    Reply(#[from] x11rb::errors::ReplyError),
    #[error("the X server lacks the XTEST extension")]
    NoXTest,
}
