//! UUID version 4 text from 16 random bytes: the format of every generated `anonymousId`.
//!
//! The version and variant bits (RFC 9562 §5.4) and the lowercase hyphenated text are written here,
//! byte for byte what the `uuid` crate writes (a test holds it to the crate, a dev-dependency; its
//! encoder cost ~340 B more wasm); the bytes come from [`crate::core::random::Random`]. Must not import
//! platform crates.

use crate::core::random::Random;
use crate::core::text;

/// A fresh lowercase UUID v4 (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) drawn from `random`.
pub fn v4(random: &mut dyn Random) -> String {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes);
    from_bytes(bytes)
}

/// Formats 16 random bytes as a UUID v4: the version nibble and variant bits overwritten (RFC 9562
/// §5.4, as the crate's `Builder::from_random_bytes`), lowercase hex, hyphens after bytes 4, 6, 8, 10.
/// By hand, not the crate's encoder: the same text in less wasm.
pub fn from_bytes(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push(text::hex_digit(b >> 4));
        text.push(text::hex_digit(b & 0x0f));
    }
    text
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
    fn text_is_the_uuid_crates_for_any_bytes() {
        // xorshift bytes: 10,000 arrays, every nibble value in every position many times over.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..10_000 {
            let mut bytes = [0u8; 16];
            for byte in bytes.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
            let want = uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string();
            assert_eq!(from_bytes(bytes), want, "{bytes:?}");
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
