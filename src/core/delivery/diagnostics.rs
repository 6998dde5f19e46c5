//! What the outbox reports about itself: drops with their reasons, and the observable queue state
//! (debug mode, `analytics.flush()`, tests). Plain data; must not import anything platform-specific.

/// Why an event left the queue without being delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// The server rejected it for good with this status (see `status_policy`).
    Rejected(u16),
    /// It reached the retry limit on retryable server answers.
    RetriesExhausted,
    /// Its body exceeds the per-event size limit (32 KB, like the Segment API).
    TooLarge,
    /// The queue was full; the oldest waiting event made room for a newer one.
    QueueFull,
    /// It stayed queued longer than the retention period.
    Expired,
    /// A persisted line could not be read back (corrupt or from an unknown writer).
    Unreadable,
}

impl DropReason {
    /// The reason as a short stable text (debug logs, the `error` event's `reason`).
    pub fn message(&self) -> &'static str {
        match self {
            DropReason::Rejected(_) => "rejected by the server (non-retryable status)",
            DropReason::RetriesExhausted => "retry limit reached",
            DropReason::TooLarge => "event larger than 32 KB",
            DropReason::QueueFull => "queue full: oldest event dropped",
            DropReason::Expired => "older than the retention period",
            DropReason::Unreadable => "unreadable persisted queue entry",
        }
    }
}

/// One drop, for debug logging and the `error` event (`delivery_failure`).
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The dropped event's `messageId` (empty for an unreadable persisted line).
    pub message_id: String,
    /// Why it was dropped.
    pub reason: DropReason,
    /// When, in epoch ms.
    pub at_ms: f64,
}

/// Drop counters, one per [`DropReason`] kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropCounts {
    /// Rejected by a non-retryable status.
    pub rejected: u64,
    /// Retry limit reached.
    pub retries_exhausted: u64,
    /// Over the per-event size limit.
    pub too_large: u64,
    /// Pushed out by the queue cap.
    pub queue_full: u64,
    /// Older than the retention period.
    pub expired: u64,
    /// Unreadable persisted lines.
    pub unreadable: u64,
}

impl DropCounts {
    /// Counts one drop.
    pub fn add(&mut self, reason: DropReason) {
        let slot = match reason {
            DropReason::Rejected(_) => &mut self.rejected,
            DropReason::RetriesExhausted => &mut self.retries_exhausted,
            DropReason::TooLarge => &mut self.too_large,
            DropReason::QueueFull => &mut self.queue_full,
            DropReason::Expired => &mut self.expired,
            DropReason::Unreadable => &mut self.unreadable,
        };
        *slot += 1;
    }

    /// All drops together.
    pub fn total(&self) -> u64 {
        self.rejected + self.retries_exhausted + self.too_large + self.queue_full + self.expired + self.unreadable
    }
}

/// Most diagnostics kept between two `take_diagnostics` calls (older ones are discarded; the
/// counters keep the totals).
pub const MAX_DIAGNOSTICS: usize = 256;

/// Every drop so far: the counters, and the diagnostics not yet taken (at most [`MAX_DIAGNOSTICS`]).
#[derive(Debug, Default)]
pub struct DropLog {
    /// Drops since the outbox was created, by reason.
    pub counts: DropCounts,
    /// Drops not yet taken, oldest first.
    pub recent: Vec<Diagnostic>,
}

impl DropLog {
    /// Records one drop.
    pub fn add(&mut self, message_id: String, reason: DropReason, at_ms: f64) {
        self.counts.add(reason);
        let mut newest = Diagnostic { message_id, reason, at_ms };
        if self.recent.len() >= MAX_DIAGNOSTICS {
            // Full: every entry moves down one place (newest first), the oldest ends up in
            // `newest` and is dropped. In place: no second buffer as `split_off(1)` made.
            for slot in self.recent.iter_mut().rev() {
                std::mem::swap(slot, &mut newest);
            }
            return;
        }
        self.recent.push(newest);
    }
}

/// The observable state of an outbox at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryState {
    /// Events queued and not in any request right now.
    pub pending: usize,
    /// Events inside requests that have not been answered yet.
    pub in_flight: usize,
    /// Events accepted by the server since this outbox was created.
    pub delivered: u64,
    /// Events dropped since this outbox was created, by reason.
    pub dropped: DropCounts,
    /// True while the browser reports being offline.
    pub offline: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_its_own_counter() {
        let reasons = [
            DropReason::Rejected(400),
            DropReason::RetriesExhausted,
            DropReason::TooLarge,
            DropReason::QueueFull,
            DropReason::Expired,
            DropReason::Unreadable,
        ];
        let mut counts = DropCounts::default();
        for (i, reason) in reasons.iter().enumerate() {
            for _ in 0..=i {
                counts.add(*reason);
            }
        }
        let got = [
            counts.rejected, counts.retries_exhausted, counts.too_large,
            counts.queue_full, counts.expired, counts.unreadable,
        ];
        assert_eq!(got, [1, 2, 3, 4, 5, 6]);
        assert_eq!(counts.total(), 21);
    }

    #[test]
    fn the_log_keeps_the_newest_diagnostics_and_counts_them_all() {
        let mut log = DropLog::default();
        for i in 0..MAX_DIAGNOSTICS + 2 {
            log.add(i.to_string(), DropReason::Expired, i as f64);
        }
        assert_eq!(log.counts.expired, MAX_DIAGNOSTICS as u64 + 2);
        assert_eq!(log.recent.len(), MAX_DIAGNOSTICS);
        assert_eq!((log.recent[0].message_id.as_str(), log.recent[0].at_ms), ("2", 2.0));
    }
}
