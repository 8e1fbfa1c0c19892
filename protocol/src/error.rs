//! Stable error codes sent in `error` replies, and the decode error for incoming frames.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable reason for a refusal. Clients match on these;
/// the accompanying `message` is for people and may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame is not valid JSON or lacks required fields.
    BadRequest,
    /// The frame's `type` is not a message this endpoint knows.
    UnknownType,
    /// The frame is larger than the 64 KiB limit.
    FrameTooLarge,
    /// The client speaks another protocol version.
    VersionMismatch,
    /// Missing, wrong or expired credentials.
    Unauthorized,
    /// The sender may not do this (a permission the rep lacks).
    Forbidden,
    /// Only the session owner may do this.
    NotOwner,
    /// The session, invitation, rep, team, issue or button does not exist.
    NotFound,
    /// The rep is not in this session.
    NotInSession,
    /// Another rep accepted the session or invitation first.
    AlreadyTaken,
    /// An active invitation for this rep and session already exists.
    InvitationExists,
    /// The rep is already in this session.
    AlreadyInSession,
    /// The rep is at their maximum number of concurrent sessions.
    AtCapacity,
    /// The rep is neither logged in nor has extended availability.
    RepUnavailable,
    /// A disposition must be set before the session can be ended.
    DispositionRequired,
    /// The session has ended.
    SessionEnded,
    /// A field's value is not acceptable (empty, too long, not in the list).
    Invalid,
    /// The session key is unknown, used or expired.
    KeyInvalid,
    /// Too many attempts; wait before trying again.
    RateLimited,
    /// The owner must close (end or leave in queue) rather than leave.
    OwnerMustClose,
    /// The session waits in a queue; nobody owns it right now.
    NotActive,
    /// A shared file is larger than the server's limit.
    FileTooLarge,
    /// A shared file's type is not allowed, or its content does not match its name.
    FileTypeRefused,
    /// Everyone is busy and the queue is full: try again later.
    Busy,
    /// A limit on how much one session may hold is reached (messages in its chat).
    LimitReached,
    /// The customer's side cannot give this remote support capability (web chat, a browser
    /// tab asked for control), or another rep controls the screen.
    RemoteUnavailable,
    /// Storage failed; the action may not have been kept.
    Internal,
}

impl ErrorCode {
    /// The snake_case wire name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::UnknownType => "unknown_type",
            ErrorCode::FrameTooLarge => "frame_too_large",
            ErrorCode::VersionMismatch => "version_mismatch",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotOwner => "not_owner",
            ErrorCode::NotFound => "not_found",
            ErrorCode::NotInSession => "not_in_session",
            ErrorCode::AlreadyTaken => "already_taken",
            ErrorCode::InvitationExists => "invitation_exists",
            ErrorCode::AlreadyInSession => "already_in_session",
            ErrorCode::AtCapacity => "at_capacity",
            ErrorCode::RepUnavailable => "rep_unavailable",
            ErrorCode::DispositionRequired => "disposition_required",
            ErrorCode::SessionEnded => "session_ended",
            ErrorCode::FileTooLarge => "file_too_large",
            ErrorCode::FileTypeRefused => "file_type_refused",
            ErrorCode::Invalid => "invalid",
            ErrorCode::KeyInvalid => "key_invalid",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::OwnerMustClose => "owner_must_close",
            ErrorCode::NotActive => "not_active",
            ErrorCode::Busy => "busy",
            ErrorCode::LimitReached => "limit_reached",
            ErrorCode::RemoteUnavailable => "remote_unavailable",
            ErrorCode::Internal => "internal",
        }
    }
}

/// A refusal: the code, and a sentence a person can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// With `rate_limited`: when trying again can succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// A `rate_limited` refusal that says when to try again.
    pub fn rate_limited(message: impl Into<String>, retry_after_ms: u64) -> Self {
        Self {
            code: ErrorCode::RateLimited,
            message: message.into(),
            retry_after_ms: Some(retry_after_ms),
        }
    }
}

/// Why an incoming frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("frame of {size} bytes is over the {limit} byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("unknown message type `{0}`")]
    UnknownType(String),
    #[error("malformed message: {0}")]
    Malformed(String),
}

impl DecodeError {
    /// The error code to answer this decode failure with.
    pub fn code(&self) -> ErrorCode {
        match self {
            DecodeError::TooLarge { .. } => ErrorCode::FrameTooLarge,
            DecodeError::UnknownType(_) => ErrorCode::UnknownType,
            DecodeError::Malformed(_) => ErrorCode::BadRequest,
        }
    }
}
