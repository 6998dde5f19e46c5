//! The browser's CSPRNG (`crypto.getRandomValues`) as a [`Random`], read 256 bytes at a time (one
//! call into the browser per 16 UUIDs instead of one per UUID). Where it is missing or throws (very
//! old browsers, odd embedded webviews) bytes come from `Math.random` instead, with one
//! `console.debug` line, so an anonymousId can always be made. Never throws.
//! Must not hold id rules (the UUID layout is `core::uuid`'s); imports only `browser::host` and `core::random`.

use crate::browser::host;
use crate::core::random::Random;

const POOL: usize = 256;

/// Random bytes for UUIDs.
pub struct CryptoRandom {
    cryptographic: bool,
    pool: [u8; POOL],
    /// Bytes of `pool` already handed out (`POOL`: empty).
    used: usize,
}

impl Default for CryptoRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl CryptoRandom {
    /// Looks up `crypto.getRandomValues` once.
    pub fn new() -> Self {
        CryptoRandom { cryptographic: host::has_crypto(), pool: [0; POOL], used: POOL }
    }

    /// Whether the CSPRNG is in use (false after a fallback to `Math.random`).
    pub fn is_cryptographic(&self) -> bool {
        self.cryptographic
    }
}

impl Random for CryptoRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        for byte in buf.iter_mut() {
            if self.used >= POOL {
                self.cryptographic = host::random(&mut self.pool, self.cryptographic);
                self.used = 0;
            }
            *byte = self.pool.get(self.used).copied().unwrap_or_default();
            self.used += 1;
        }
    }
}
