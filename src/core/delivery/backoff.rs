//! Retry delays: exponential backoff with a hard cap and input-driven jitter, and `Retry-After`.
//!
//! Owns only arithmetic. Jitter is an input in `[0, 1)` (the shell passes `Math.random()`, tests
//! pass fixed values), never an RNG call. Must not import anything platform-specific.

/// Backoff parameters. See [`Backoff::DEFAULT`] for the chosen numbers and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// Delay before the first retry, in ms; doubles with every further failure.
    pub base_ms: f64,
    /// Upper bound of the exponential part, in ms. Jitter only shortens, so this is a hard cap.
    pub cap_ms: f64,
    /// Fraction by which jitter may shorten a delay: `delay × (1 − spread × jitter)`.
    pub jitter_spread: f64,
    /// Upper bound for a server's `Retry-After`, in ms.
    pub retry_after_cap_ms: f64,
}

impl Backoff {
    /// 0.5 s doubling to a 60 s cap (analytics-next batching `computeBackoff`), jitter shortening
    /// by up to 20 % so tabs that failed together retry apart while the cap stays exact, and
    /// `Retry-After` capped at 300 s (analytics-next `maxRetryInterval`).
    pub const DEFAULT: Backoff =
        Backoff { base_ms: 500.0, cap_ms: 60_000.0, jitter_spread: 0.2, retry_after_cap_ms: 300_000.0 };

    /// Delay after the `failures`-th consecutive failure (1 = first): `min(base × 2^(failures−1),
    /// cap) × (1 − spread × jitter)`. `failures = 0` is treated as 1; jitter outside `[0, 1]`
    /// (or NaN) is clamped.
    pub fn delay_ms(&self, failures: u32, jitter: f64) -> f64 {
        let exponent = failures.clamp(1, 31) - 1;
        let raw = (self.base_ms * f64::from(1u32 << exponent)).min(self.cap_ms);
        raw * (1.0 - self.jitter_spread * unit(jitter))
    }

    /// Delay after a retryable server answer: the server's `Retry-After` (seconds, capped) when
    /// given, else the exponential delay for `failures`.
    pub fn server_delay_ms(&self, failures: u32, retry_after_secs: Option<u32>, jitter: f64) -> f64 {
        match retry_after_secs {
            Some(secs) => (f64::from(secs) * 1000.0).min(self.retry_after_cap_ms),
            None => self.delay_ms(failures, jitter),
        }
    }
}

/// Clamps to `[0, 1]`, mapping NaN to 0.
fn unit(x: f64) -> f64 {
    if x >= 0.0 {
        x.min(1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_sequence_with_fixed_jitter_is_exact() {
        let b = Backoff::DEFAULT;
        let no_jitter: Vec<f64> = (1..=10).map(|n| b.delay_ms(n, 0.0)).collect();
        assert_eq!(
            no_jitter,
            [500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0, 32000.0, 60000.0, 60000.0, 60000.0]
        );
        let half: Vec<f64> = (1..=8).map(|n| b.delay_ms(n, 0.5)).collect();
        assert_eq!(half, [450.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 54000.0]);
        assert_eq!(b.delay_ms(1, 1.0), 400.0);
    }

    #[test]
    fn odd_inputs_are_clamped_not_panicking() {
        let b = Backoff::DEFAULT;
        assert_eq!(b.delay_ms(0, 0.0), 500.0);
        assert_eq!(b.delay_ms(u32::MAX, 0.0), 60000.0);
        assert_eq!(b.delay_ms(1, f64::NAN), 500.0);
        assert_eq!(b.delay_ms(1, -3.0), 500.0);
        assert_eq!(b.delay_ms(1, 7.0), 400.0);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let b = Backoff::DEFAULT;
        let rows: &[(Option<u32>, f64)] = &[
            (Some(0), 0.0),
            (Some(2), 2000.0),
            (Some(300), 300_000.0),
            (Some(301), 300_000.0),
            (Some(u32::MAX), 300_000.0),
            (None, 2000.0),
        ];
        for &(retry_after, want) in rows {
            assert_eq!(b.server_delay_ms(3, retry_after, 0.0), want, "{retry_after:?}");
        }
    }
}
