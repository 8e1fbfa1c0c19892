//! Every decoder a WebSocket frame or an HTTP body goes through on the server: the rep's and
//! the customer's request frames, their first frames (`hello`, `start`/`resume`) and the
//! login body. None may panic, whatever arrives; a frame that decodes re-encodes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_protocol::codec::{
    decode_body, decode_customer_frame, decode_rep_frame, decode_typed,
};
use switchboard_protocol::{CustomerHello, LoginRequest, RepHello};

fuzz_target!(|data: &[u8]| {
    let _ = decode_body::<LoginRequest>(data);
    // Frames are text: the server closes on non-UTF-8 before decoding.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(frame) = decode_rep_frame(text) {
        let _ = format!("{frame:?}");
    }
    if let Ok(frame) = decode_customer_frame(text) {
        let _ = format!("{frame:?}");
    }
    if let Ok(hello) = decode_typed::<RepHello>(text, &["hello"]) {
        assert!(serde_json::to_string(&hello).is_ok());
    }
    if let Ok(hello) = decode_typed::<CustomerHello>(text, &["start", "resume"]) {
        assert!(serde_json::to_string(&hello).is_ok());
    }
});
