//! The media socket's close codes (docs/PROTOCOL.md §11, "Close codes"), in one place so the
//! socket task, the relay and the tests say the same thing.

use super::relay::Close;

/// A frame that does not decode, a text message, or a frame the role may not send.
pub const BAD_FRAME: u16 = 4400;
/// The first frame is not `auth`, or its token is unknown, used, expired or not granted.
pub const UNAUTHORIZED: u16 = 4401;
/// No `auth` within [`super::AUTH_TIMEOUT`].
pub const AUTH_TIMEOUT: u16 = 4408;
/// The grant behind the socket ended.
pub const REVOKED: u16 = 4410;
/// The session already has [`super::relay::MAX_VIEWERS`] viewer sockets.
pub const TOO_MANY_VIEWERS: u16 = 4429;
/// A newer publisher socket of the same session authenticated (as for a replaced console).
pub const REPLACED_CODE: u16 = switchboard_protocol::CLOSE_REPLACED;
/// A message over `MAX_FRAME_BYTES` (RFC 6455: "message too big").
pub const TOO_BIG: u16 = 1009;

pub const REPLACED: Close = Close {
    code: REPLACED_CODE,
    reason: "a newer socket publishes this screen",
};

pub const SHUTTING_DOWN: Close = Close {
    code: 1001,
    reason: "the server is stopping",
};

pub const fn bad_frame(reason: &'static str) -> Close {
    Close {
        code: BAD_FRAME,
        reason,
    }
}

pub const fn unauthorized(reason: &'static str) -> Close {
    Close {
        code: UNAUTHORIZED,
        reason,
    }
}

pub const fn revoked(reason: &'static str) -> Close {
    Close {
        code: REVOKED,
        reason,
    }
}

/// A shell's record could not be stored, so it is not passed on (RFC 6455: "internal error").
pub const NOT_STORED: Close = Close {
    code: 1011,
    reason: "the shell transcript could not be stored",
};

/// A newer shell socket of the same side replaced this one.
pub const SHELL_REPLACED: Close = Close {
    code: REPLACED_CODE,
    reason: "a newer socket serves this shell",
};
