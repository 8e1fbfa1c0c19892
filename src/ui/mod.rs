//! The console's screens and panels, one module each. They draw from the state they are
//! given and return what the user asked for; they never talk to the network themselves.

pub mod login;
