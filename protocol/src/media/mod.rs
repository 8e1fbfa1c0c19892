//! Binary frames for the media WebSocket (`/ws/media`): authentication with a
//! grant token, screen updates made of tiles, the viewer's acknowledgements, input events and
//! full-refresh requests. Pure encode/decode, no IO.
//!
//! - [`frame`]: the frame types and the limits every decoder enforces.
//! - [`encode`]: frames to bytes (refusing what the decoder would refuse).
//! - [`decode`]: bytes to frames, with a typed [`MediaError`] for anything hostile.
//! - [`error`]: that error.
//!
//! The byte layout is documented in `docs/PROTOCOL.md`, "Media frames".

pub mod decode;
pub mod encode;
pub mod error;
pub mod frame;

#[cfg(test)]
mod tests;

pub use decode::decode_media;
pub use encode::encode_media;
pub use error::MediaError;
pub use frame::*;
