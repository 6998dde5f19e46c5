//! How one [`Transmit`](super::Transmit) travels and what each browser answer means: nothing is
//! sent while the browser reports itself offline (answered [`Outcome::Offline`]); otherwise `fetch`
//! (POST `text/plain`, `keepalive` as the outbox decided); where `fetch` is missing or throws before
//! starting, `navigator.sendBeacon` (queued counts as 202, refused as a network error). The shell
//! (`src/browser/transport.rs` over `host.js`) performs the steps and reports the raw answers here.
//! Must not import anything platform-specific, `core::identity` or `core::event`.

use super::Outcome;

/// How the shell sends a transmit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendStep {
    /// Start a `fetch`; where it cannot start, hand the body to `navigator.sendBeacon`
    /// ([`after_beacon`]).
    Fetch,
    /// Send nothing: answer [`OFFLINE`].
    Offline,
}

/// The answer status of a transmit that was not sent because the browser is offline.
pub const OFFLINE: i32 = -1;
/// No HTTP answer (rejection, abort after the timeout, opaque answer, refused beacon): the status
/// `host.js`'s fetch answers for it.
pub const NETWORK_ERROR: i32 = 0;
/// The status a queued beacon counts as (the browser gives no answer).
pub const BEACON_QUEUED: i32 = 202;

/// The step for a transmit, given `navigator.onLine`.
pub fn first(online: bool) -> SendStep {
    if online {
        SendStep::Fetch
    } else {
        SendStep::Offline
    }
}

/// The answer status of a beacon: whether the browser queued it.
pub fn after_beacon(queued: bool) -> i32 {
    if queued {
        BEACON_QUEUED
    } else {
        NETWORK_ERROR
    }
}

/// What an answer means: `status` an HTTP status, [`NETWORK_ERROR`], [`OFFLINE`] or a beacon's
/// [`after_beacon`]; `retry_after_s` the `Retry-After` seconds, negative when absent.
pub fn outcome(status: f64, retry_after_s: f64) -> Outcome {
    match status as i32 {
        OFFLINE => Outcome::Offline,
        NETWORK_ERROR => Outcome::NetworkError,
        _ => Outcome::Status(status as u16, (retry_after_s >= 0.0).then_some(retry_after_s as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_sends_nothing() {
        assert_eq!(first(true), SendStep::Fetch);
        assert_eq!(first(false), SendStep::Offline);
        assert_eq!(outcome(OFFLINE as f64, -1.0), Outcome::Offline);
    }

    #[test]
    fn answers_table() {
        let rows = [
            (0.0, -1.0, Outcome::NetworkError),
            (0.0, 5.0, Outcome::NetworkError),
            (200.0, -1.0, Outcome::Status(200, None)),
            (429.0, 30.0, Outcome::Status(429, Some(30))),
            (503.0, 0.0, Outcome::Status(503, Some(0))),
            (400.0, -1.0, Outcome::Status(400, None)),
        ];
        for (status, retry, want) in rows {
            assert_eq!(outcome(status, retry), want, "{status} {retry}");
        }
    }

    #[test]
    fn a_beacon_counts_as_accepted_when_queued() {
        assert_eq!(outcome(after_beacon(true) as f64, -1.0), Outcome::Status(202, None));
        assert_eq!(outcome(after_beacon(false) as f64, -1.0), Outcome::NetworkError);
    }
}
