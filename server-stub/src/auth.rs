//! Secrets: how login tokens and customer tokens are made and kept. A token is 256 random
//! bits from the operating system's CSPRNG, written as 64 hex digits; only its SHA-256 is
//! ever stored or compared, so a copy of the database opens no session.

use sha2::{Digest, Sha256};

/// SHA-256 of a secret, hex encoded: how tokens are kept.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new token: 256 bits from the OS's CSPRNG (through `rand`'s thread RNG, which is
/// seeded from it and reseeded), as 64 hex digits.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_kept_hashed() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        assert_eq!(hash_secret(&token).len(), 64);
        assert_ne!(hash_secret(&token), token);
    }
}
