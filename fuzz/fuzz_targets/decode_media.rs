//! The media WebSocket's frame decoder (`/ws/media`, binary frames): whatever arrives, it
//! returns a frame or a typed error, never panics, and a frame that decodes re-encodes to
//! exactly the bytes it came from (no length is read two ways).

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_protocol::media::{decode_media, encode_media};

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = decode_media(data) {
        let again = encode_media(&frame).expect("a decoded frame encodes");
        assert_eq!(again, data);
    }
});
