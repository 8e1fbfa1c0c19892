//! The rep's input on the customer's screen. On X11 through XTest (`XTestInjector`, Linux);
//! on Windows and macOS through the `enigo` crate (`EnigoInjector`: compile-checked, untested
//! on a real machine); on the synthetic desktop a click leaves a mark and a key types a
//! character (the publisher's worker does that itself). Nothing here decides whether input is
//! allowed: the publisher checks the customer's own grant list before anything reaches an
//! injector.

#[cfg(any(target_os = "windows", target_os = "macos"))]
mod enigo;
mod keymap;
#[cfg(any(test, target_os = "windows", target_os = "macos"))]
mod translate;
#[cfg(target_os = "linux")]
mod x11;

#[cfg(any(target_os = "windows", target_os = "macos"))]
pub use enigo::EnigoInjector;
pub use keymap::{KeyPosition, Keymap};
#[cfg(target_os = "linux")]
pub use x11::XTestInjector;

/// Why input could not be injected.
#[derive(Debug, thiserror::Error)]
pub enum InjectError {
    #[cfg(target_os = "linux")]
    #[error("cannot connect to the X server: {0}")]
    Connect(#[from] x11rb::errors::ConnectError),
    #[cfg(target_os = "linux")]
    #[error("the X connection failed: {0}")]
    Connection(#[from] x11rb::errors::ConnectionError),
    #[cfg(target_os = "linux")]
    #[error("the X server refused a request: {0}")]
    Reply(#[from] x11rb::errors::ReplyError),
    #[cfg(target_os = "linux")]
    #[error("the X server lacks the XTEST extension")]
    NoXTest,
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    #[error("cannot start input injection: {0}")]
    Start(#[from] ::enigo::NewConError),
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    #[error("the system refused the input: {0}")]
    Input(#[from] ::enigo::InputError),
}
