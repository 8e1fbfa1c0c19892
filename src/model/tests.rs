//! Model unit tests.
