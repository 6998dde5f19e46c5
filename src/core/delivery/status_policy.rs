//! The response policy: what one request's outcome means for the events it carried.
//!
//! Owns the status → verdict table (analytics-next 1.84 `shared-dispatcher.ts` defaults) and the
//! meaning of transport failures. Pure data and one function; must not import anything
//! platform-specific. Changing a rule is a one-line edit to [`STATUS_OVERRIDES`] plus a test row.

/// What happened to one request, classified once at the browser edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered: HTTP status and the `Retry-After` header as whole seconds, if any.
    Status(u16, Option<u32>),
    /// No HTTP answer: connection refused, DNS, CORS failure, abort after the request timeout,
    /// or the page's side of the fetch cancelled by a navigation (Chromium: "Failed to fetch",
    /// measured just before or after `pagehide`) while the browser still delivers a keepalive
    /// request. The outbox cannot tell these apart, see `Outbox::on_response`.
    NetworkError,
    /// The request was not attempted because `navigator.onLine` is false.
    Offline,
}

/// What the outbox does with the events of a request, given its [`Outcome`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted (any status below 400, 3xx included): the events leave the queue.
    Delivered,
    /// Rejected for good (other 4xx, 501, 505, 511): the events leave the queue with a diagnostic.
    Drop,
    /// The server asked for a later retry: consumes one attempt per event and backs off.
    Retry,
    /// The network failed: no attempt is consumed (the server never judged the events); the whole
    /// outbox backs off as one connection.
    Reconnect,
    /// The browser is offline: no attempt consumed, sending pauses until `set_online(true)`.
    Pause,
}

/// Status codes whose verdict differs from the class default (`< 400` delivered, other `5xx`
/// retried, other `4xx` dropped). Same defaults as analytics-next 1.84.
pub const STATUS_OVERRIDES: [(u16, Verdict); 7] = [
    (408, Verdict::Retry),
    (410, Verdict::Retry),
    (429, Verdict::Retry),
    (460, Verdict::Retry),
    (501, Verdict::Drop),
    (505, Verdict::Drop),
    (511, Verdict::Drop),
];

/// The verdict for an HTTP status code.
pub fn verdict_for_status(code: u16) -> Verdict {
    if code < 400 {
        return Verdict::Delivered;
    }
    match STATUS_OVERRIDES.iter().find(|(c, _)| *c == code) {
        Some((_, verdict)) => *verdict,
        None if code >= 500 => Verdict::Retry,
        None => Verdict::Drop,
    }
}

/// The verdict for any outcome.
pub fn classify(outcome: Outcome) -> Verdict {
    match outcome {
        Outcome::Status(code, _) => verdict_for_status(code),
        Outcome::NetworkError => Verdict::Reconnect,
        Outcome::Offline => Verdict::Pause,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_status_table() {
        use Verdict::*;
        let rows: &[(u16, Verdict)] = &[
            (200, Delivered), (201, Delivered), (204, Delivered), (299, Delivered),
            (301, Delivered), (302, Delivered), (304, Delivered), (399, Delivered),
            (400, Drop), (401, Drop), (403, Drop), (404, Drop), (413, Drop), (499, Drop),
            (408, Retry), (410, Retry), (429, Retry), (460, Retry),
            (500, Retry), (502, Retry), (503, Retry), (504, Retry), (599, Retry),
            (501, Drop), (505, Drop), (511, Drop),
        ];
        for &(code, want) in rows {
            assert_eq!(verdict_for_status(code), want, "status {code}");
            assert_eq!(classify(Outcome::Status(code, Some(3))), want, "status {code} with Retry-After");
        }
    }

    #[test]
    fn transport_failures_never_drop() {
        assert_eq!(classify(Outcome::NetworkError), Verdict::Reconnect);
        assert_eq!(classify(Outcome::Offline), Verdict::Pause);
    }
}
