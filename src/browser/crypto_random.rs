//! The browser's CSPRNG (`crypto.getRandomValues`) as a [`Random`]. Where it is missing or throws
//! (very old browsers, odd embedded webviews) bytes come from `Math.random` instead, with one
//! `console.debug` line, so an anonymousId can always be made. Never throws.

use crate::core::random::Random;
use web_sys::Crypto;

/// Random bytes for UUIDs.
pub struct CryptoRandom {
    crypto: Option<Crypto>,
    warned: bool,
}

impl Default for CryptoRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl CryptoRandom {
    /// Looks up `window.crypto` once.
    pub fn new() -> Self {
        CryptoRandom { crypto: web_sys::window().and_then(|window| window.crypto().ok()), warned: false }
    }

    /// Whether the CSPRNG is in use (false after a fallback to `Math.random`).
    pub fn is_cryptographic(&self) -> bool {
        self.crypto.is_some()
    }
}

impl Random for CryptoRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        if let Some(crypto) = &self.crypto {
            if crypto.get_random_values_with_u8_array(buf).is_ok() {
                return;
            }
            self.crypto = None;
        }
        if !self.warned {
            self.warned = true;
            web_sys::console::debug_1(&"[wasm-analytics] crypto.getRandomValues unavailable; ids use Math.random".into());
        }
        for byte in buf.iter_mut() {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}
