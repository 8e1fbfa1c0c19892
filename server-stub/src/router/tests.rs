//! Router unit and property tests.
