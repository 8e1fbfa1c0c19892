//! Converting the protocol's `u64` ids and timestamps to and from SQLite's `i64` integers
//! (rusqlite's own `u64` support is behind a feature this crate does not enable).

use super::error::StoreError;

/// A `u64` as an SQLite integer; values above `i64::MAX` are refused.
pub(crate) fn to_sql(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::TooLarge(value))
}

/// An SQLite integer read back as a `u64`; a negative value means corrupt data.
pub(crate) fn from_sql(what: &'static str, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Negative { what, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Conversions keep every value SQLite can hold and refuse the others.
    #[test]
    fn conversions_check_the_range() {
        assert_eq!(to_sql(0).unwrap(), 0);
        assert_eq!(to_sql(i64::MAX as u64).unwrap(), i64::MAX);
        assert!(matches!(
            to_sql(u64::MAX),
            Err(StoreError::TooLarge(u64::MAX))
        ));
        assert_eq!(from_sql("x", 42).unwrap(), 42);
        assert!(matches!(
            from_sql("x", -1),
            Err(StoreError::Negative {
                what: "x",
                value: -1
            })
        ));
    }
}
