//! Newtype identifiers used on the wire, so a session id can never be passed where a rep id belongs.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! numeric_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

macro_rules! name_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(name: impl Into<String>) -> Self {
                Self(name.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

numeric_id!(
    /// A support session (one customer, one owner, any number of participating reps).
    SessionId
);
numeric_id!(
    /// An invitation for a rep or a team to join a shared session.
    InvitationId
);
numeric_id!(
    /// A chat message in a session, assigned by the server; increases with time.
    MessageId
);
numeric_id!(
    /// A request sent by a client; echoed in the `ok` or `error` reply.
    RequestId
);
numeric_id!(
    /// A rep's request for a remote support capability (view or control a screen).
    GrantId
);
numeric_id!(
    /// A Support Button a rep deployed on a customer's machine.
    ButtonId
);
numeric_id!(
    /// A Jump Client pinned on a customer's machine.
    JumpClientId
);
name_id!(
    /// A representative's user name, as in the server configuration (`"alice"`).
    RepId
);
name_id!(
    /// A team's short name, as in the server configuration (`"billing"`).
    TeamId
);
name_id!(
    /// A support issue's short name, as in the server configuration (`"refund"`).
    IssueId
);
