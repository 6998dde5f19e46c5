//! Which queued events go into the next request: batching by count and bytes, the keepalive
//! budget of page-hide flushes, and isolation of events that keep failing.
//!
//! Pure selection over the queue; builds no bodies. Must not import anything platform-specific.

use super::queue::Item;

/// The bounds of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLimit {
    /// Most events in the request.
    pub max_count: usize,
    /// Most body bytes (wrapper included).
    pub max_bytes: usize,
    /// `false`: the first event is taken even when it alone exceeds `max_bytes` (normal sending,
    /// where the limit is a preference). `true`: nothing may exceed it (a keepalive budget).
    pub strict: bool,
}

/// Byte sizes the body builder adds (upper bounds, from `Wire`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overhead {
    /// Once per request.
    pub per_request: usize,
    /// Once per event.
    pub per_event: usize,
}

/// When events become sendable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// The current time.
    pub now_ms: f64,
    /// Fresh events skip their batching delay (a full batch, a flush, a page hide).
    pub early: bool,
    /// The batching delay of fresh events, counted from enqueue.
    pub flush_interval_ms: f64,
    /// A page-hide flush: events that may still be on their way in a keepalive request are skipped.
    pub hiding: bool,
}

/// When an item may go: its `next_attempt_ms` (backoff, `Retry-After`, or the guard of a request
/// possibly still in flight from a previous page), and for a fresh event in no hurry also the end
/// of its batching delay.
pub fn due_ms(item: &Item, early: bool, flush_interval_ms: f64) -> f64 {
    if early || item.attempts > 0 {
        item.next_attempt_ms
    } else {
        item.next_attempt_ms.max(item.created_ms + flush_interval_ms)
    }
}

/// Whether an item may be sent now.
pub fn is_eligible(item: &Item, timing: Timing) -> bool {
    item.in_flight.is_none()
        && due_ms(item, timing.early, timing.flush_interval_ms) <= timing.now_ms
        && !(timing.hiding && item.flying_until_ms > timing.now_ms)
}

/// True when the fresh waiting events already fill a batch, so waiting longer gains nothing.
pub fn batch_is_full(items: &[Item], max_count: usize, max_bytes: usize) -> bool {
    let mut count = 0;
    let mut bytes = 0;
    for item in items {
        if item.in_flight.is_some() || item.attempts > 0 {
            continue;
        }
        count += 1;
        bytes += item.body_json.len();
        if count >= max_count || bytes >= max_bytes {
            return true;
        }
    }
    false
}

/// Picks the indices (oldest first) of the events for the next request. Events that do not fit
/// are skipped so smaller later ones can use the room; they stay queued. An event with
/// `attempts >= isolate_after` goes alone; no request holds more events than the smallest
/// `request_cap` among them (the halves of a rejected request).
pub fn select(items: &[Item], timing: Timing, limit: RequestLimit, overhead: Overhead, isolate_after: u32) -> Vec<usize> {
    let mut chosen = Vec::new();
    let mut bytes = overhead.per_request;
    let mut max_count = limit.max_count;
    for (index, item) in items.iter().enumerate() {
        if chosen.len() >= max_count {
            break;
        }
        if !is_eligible(item, timing) {
            continue;
        }
        let size = item.body_json.len() + overhead.per_event;
        let lonely = item.attempts >= isolate_after;
        if chosen.is_empty() {
            if bytes + size > limit.max_bytes && limit.strict {
                continue;
            }
            chosen.push(index);
            bytes += size;
            max_count = max_count.min(item.request_cap);
            if lonely {
                break;
            }
        } else if !lonely && bytes + size <= limit.max_bytes && chosen.len() < item.request_cap {
            chosen.push(index);
            bytes += size;
            max_count = max_count.min(item.request_cap);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(len: usize, attempts: u32, next_attempt_ms: f64) -> Item {
        Item {
            message_id: String::new(),
            body_json: "x".repeat(len),
            created_ms: 0.0,
            attempts,
            next_attempt_ms,
            in_flight: None,
            saved: false,
            stored: false,
            flying_until_ms: 0.0,
            request_cap: usize::MAX,
        }
    }

    const NONE: Overhead = Overhead { per_request: 0, per_event: 0 };

    #[test]
    fn count_and_byte_limits() {
        let items: Vec<Item> = (0..5).map(|_| item(10, 0, 0.0)).collect();
        let by_count = RequestLimit { max_count: 3, max_bytes: 1000, strict: false };
        assert_eq!(select(&items, Timing { now_ms: 0.0, early: false, flush_interval_ms: 0.0, hiding: false }, by_count, NONE, 3), [0, 1, 2]);
        let by_bytes = RequestLimit { max_count: 99, max_bytes: 45, strict: false };
        let overhead = Overhead { per_request: 4, per_event: 1 };
        assert_eq!(select(&items, Timing { now_ms: 0.0, early: false, flush_interval_ms: 0.0, hiding: false }, by_bytes, overhead, 3), [0, 1, 2]);
    }

    #[test]
    fn a_lone_large_event_goes_unless_the_limit_is_strict() {
        let items = vec![item(100, 0, 0.0), item(10, 0, 0.0)];
        let soft = RequestLimit { max_count: 9, max_bytes: 50, strict: false };
        assert_eq!(select(&items, Timing { now_ms: 0.0, early: false, flush_interval_ms: 0.0, hiding: false }, soft, NONE, 3), [0]);
        let strict = RequestLimit { strict: true, ..soft };
        assert_eq!(select(&items, Timing { now_ms: 0.0, early: false, flush_interval_ms: 0.0, hiding: false }, strict, NONE, 3), [1]);
        let tiny = RequestLimit { max_bytes: 5, ..strict };
        assert!(select(&items, Timing { now_ms: 0.0, early: false, flush_interval_ms: 0.0, hiding: false }, tiny, NONE, 3).is_empty());
    }

    #[test]
    fn page_hide_budget_skips_what_does_not_fit_and_takes_what_does() {
        let items = vec![item(30, 0, 0.0), item(30, 0, 0.0), item(5, 0, 0.0), item(30, 0, 0.0)];
        let budget = RequestLimit { max_count: usize::MAX, max_bytes: 64, strict: true };
        assert_eq!(select(&items, Timing { now_ms: 0.0, early: true, flush_interval_ms: 0.0, hiding: false }, budget, NONE, 3), [0, 1]);
        let budget = RequestLimit { max_bytes: 40, ..budget };
        assert_eq!(select(&items, Timing { now_ms: 0.0, early: true, flush_interval_ms: 0.0, hiding: false }, budget, NONE, 3), [0, 2]);
    }

    #[test]
    fn due_times_table() {
        // (attempts, created, next_attempt, early, due)
        let rows: &[(u32, f64, f64, bool, f64)] = &[
            (0, 0.0, 0.0, false, 1000.0),   // fresh: waits for company
            (0, 0.0, 0.0, true, 0.0),       // fresh, full batch / flush / page hide: now
            (0, 0.0, 5000.0, true, 5000.0), // fresh but maybe still in flight from a previous page
            (0, 0.0, 5000.0, false, 5000.0),
            (2, 0.0, 300.0, false, 300.0),  // retried: its backoff only
            (2, 0.0, 300.0, true, 300.0),
        ];
        for &(attempts, created, next, early, due) in rows {
            let mut it = item(1, attempts, next);
            it.created_ms = created;
            assert_eq!(due_ms(&it, early, 1000.0), due, "{attempts} {next} {early}");
        }
    }

    #[test]
    fn eligibility_respects_backoff_in_flight_and_batching_delay() {
        let mut items = vec![item(1, 0, 0.0), item(1, 1, 100.0), item(1, 0, 0.0)];
        items[2].in_flight = Some(1);
        let limit = RequestLimit { max_count: 9, max_bytes: 99, strict: false };
        let at = |now_ms, early| Timing { now_ms, early, flush_interval_ms: 80.0, hiding: false };
        assert!(select(&items, at(50.0, false), limit, NONE, 3).is_empty());
        assert_eq!(select(&items, at(50.0, true), limit, NONE, 3), [0]);
        assert_eq!(select(&items, at(80.0, false), limit, NONE, 3), [0]);
        assert_eq!(select(&items, at(100.0, false), limit, NONE, 3), [0, 1]);
    }

    #[test]
    fn repeatedly_failing_events_travel_alone() {
        let items = vec![item(1, 0, 0.0), item(1, 3, 0.0), item(1, 0, 0.0)];
        let limit = RequestLimit { max_count: 9, max_bytes: 99, strict: false };
        assert_eq!(select(&items, Timing { now_ms: 0.0, early: false, flush_interval_ms: 0.0, hiding: false }, limit, NONE, 3), [0, 2]);
        assert_eq!(select(&items[1..], Timing { now_ms: 0.0, early: false, flush_interval_ms: 0.0, hiding: false }, limit, NONE, 3), [0]);
    }

    #[test]
    fn no_request_holds_more_events_than_the_smallest_cap_among_them() {
        let mut items: Vec<Item> = (0..6).map(|_| item(1, 0, 0.0)).collect();
        for it in &mut items[..4] {
            it.request_cap = 2;
        }
        let limit = RequestLimit { max_count: 9, max_bytes: 99, strict: false };
        let at = Timing { now_ms: 0.0, early: true, flush_interval_ms: 0.0, hiding: false };
        assert_eq!(select(&items, at, limit, NONE, 3), [0, 1]);
        assert_eq!(select(&items[2..], at, limit, NONE, 3), [0, 1]);
        // a capped event joins only while the request stays within its cap, and then caps it
        let mut mixed: Vec<Item> = (0..4).map(|_| item(1, 0, 0.0)).collect();
        mixed[2].request_cap = 2;
        assert_eq!(select(&mixed, at, limit, NONE, 3), [0, 1, 3]);
        mixed[1].request_cap = 2;
        assert_eq!(select(&mixed, at, limit, NONE, 3), [0, 1]);
    }

    #[test]
    fn full_batch_detection_counts_fresh_waiting_events_only() {
        let mut items: Vec<Item> = (0..3).map(|_| item(10, 0, 500.0)).collect();
        assert!(batch_is_full(&items, 3, 1000));
        assert!(!batch_is_full(&items, 4, 1000));
        assert!(batch_is_full(&items, 4, 30));
        items[0].attempts = 1;
        assert!(!batch_is_full(&items, 3, 1000));
    }
}
