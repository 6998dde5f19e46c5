//! UUID version 4 text from 16 random bytes: the format of every generated `anonymousId`.
//!
//! The `uuid` crate sets the version and variant bits (RFC 9562 §5.4) and writes the lowercase
//! hyphenated text; the bytes come from [`crate::core::random::Random`] (the crate's own `v4`
//! feature would pull in getrandom). Must not import platform crates.

use crate::core::random::Random;

/// A fresh lowercase UUID v4 (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) drawn from `random`.
pub fn v4(random: &mut dyn Random) -> String {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes);
    from_bytes(bytes)
}

/// Formats 16 random bytes as a UUID v4 (the crate overwrites the version nibble and variant bits).
pub fn from_bytes(bytes: [u8; 16]) -> String {
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    id.hyphenated().encode_lower(&mut text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::random::CountingRandom;

    #[test]
    fn layout_sets_version_and_variant() {
        let table: &[([u8; 16], &str)] = &[
            ([0; 16], "00000000-0000-4000-8000-000000000000"),
            ([0xff; 16], "ffffffff-ffff-4fff-bfff-ffffffffffff"),
            ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "00010203-0405-4607-8809-0a0b0c0d0e0f"),
        ];
        for (bytes, want) in table {
            assert_eq!(from_bytes(*bytes), *want);
        }
    }

    #[test]
    fn v4_draws_sixteen_bytes_per_id() {
        let mut random = CountingRandom::default();
        assert_eq!(v4(&mut random), "00010203-0405-4607-8809-0a0b0c0d0e0f");
        assert_eq!(v4(&mut random), "10111213-1415-4617-9819-1a1b1c1d1e1f");
        let id = v4(&mut random);
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
}
