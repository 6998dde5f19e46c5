//! How one [`Transmit`](super::Transmit) travels and what each browser answer means: nothing is
//! sent while the browser reports itself offline (answered [`Outcome::Offline`]); otherwise `fetch`
//! (POST `text/plain`, `keepalive` as the outbox decided); where `fetch` is missing or throws before
//! starting, `navigator.sendBeacon` (queued counts as 202, refused as a network error). The shell
//! (`src/browser/transport.rs` over `host.js`) performs the steps and reports the raw answers here.
//! Must not import anything platform-specific, `core::identity` or `core::event`.

use super::Outcome;

/// What the shell does next for a transmit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendStep {
    /// Start a `fetch`.
    Fetch,
    /// `fetch` could not start: hand the body to `navigator.sendBeacon`.
    Beacon,
    /// Done: tell the outbox (always asynchronously).
    Answer(Outcome),
}

/// `fetch` could not start (missing, or threw: a CSP, a malformed URL): `host.js`'s status for it.
pub const FETCH_UNAVAILABLE: i32 = -1;
/// No HTTP answer (rejection, abort after the timeout, opaque answer): `host.js`'s status for it.
pub const NETWORK_ERROR: i32 = 0;
/// The status a queued beacon counts as (the browser gives no answer).
pub const BEACON_QUEUED: u16 = 202;

/// The first step, given `navigator.onLine`.
pub fn first(online: bool) -> SendStep {
    if online {
        SendStep::Fetch
    } else {
        SendStep::Answer(Outcome::Offline)
    }
}

/// What `host.js`'s fetch answer means: `status` an HTTP status, [`NETWORK_ERROR`] or
/// [`FETCH_UNAVAILABLE`]; `retry_after_s` the `Retry-After` seconds, negative when absent.
pub fn after_fetch(status: f64, retry_after_s: f64) -> SendStep {
    SendStep::Answer(match status as i32 {
        FETCH_UNAVAILABLE => return SendStep::Beacon,
        NETWORK_ERROR => Outcome::NetworkError,
        _ => Outcome::Status(status as u16, (retry_after_s >= 0.0).then_some(retry_after_s as u32)),
    })
}

/// What `sendBeacon`'s answer means.
pub fn after_beacon(queued: bool) -> Outcome {
    if queued {
        Outcome::Status(BEACON_QUEUED, None)
    } else {
        Outcome::NetworkError
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_sends_nothing() {
        assert_eq!(first(true), SendStep::Fetch);
        assert_eq!(first(false), SendStep::Answer(Outcome::Offline));
    }

    #[test]
    fn fetch_answers_table() {
        let rows = [
            (-1.0, -1.0, SendStep::Beacon),
            (0.0, -1.0, SendStep::Answer(Outcome::NetworkError)),
            (0.0, 5.0, SendStep::Answer(Outcome::NetworkError)),
            (200.0, -1.0, SendStep::Answer(Outcome::Status(200, None))),
            (429.0, 30.0, SendStep::Answer(Outcome::Status(429, Some(30)))),
            (503.0, 0.0, SendStep::Answer(Outcome::Status(503, Some(0)))),
            (400.0, -1.0, SendStep::Answer(Outcome::Status(400, None))),
        ];
        for (status, retry, want) in rows {
            assert_eq!(after_fetch(status, retry), want, "{status} {retry}");
        }
    }

    #[test]
    fn a_beacon_counts_as_accepted_when_queued() {
        assert_eq!(after_beacon(true), Outcome::Status(202, None));
        assert_eq!(after_beacon(false), Outcome::NetworkError);
    }
}
