//! The write-ahead queue: every event from enqueue until the server accepted it or it was dropped
//! for good, with the size cap, queue caps and retention applied here and nowhere else.
//!
//! Owns [`Item`], the bounds, and the record of what left the queue (stored copies to remove, the
//! drop log). Knows nothing of requests beyond an item's in-flight marker.
//! Must not import anything platform-specific.

use super::config::Config;
use super::diagnostics::{DropLog, DropReason};

mod pick;
pub use pick::Pick;

/// One queued event.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The event's `messageId`: the identity used for dedupe everywhere.
    pub message_id: String,
    /// The event's JSON text as built at call time (no `sentAt`; that is stamped per request).
    pub body_json: String,
    /// When it was enqueued, epoch ms (retention counts from here).
    pub created_ms: f64,
    /// Retryable server answers received so far.
    pub attempts: u32,
    /// Not sent before this time, epoch ms (batching delay or backoff).
    pub next_attempt_ms: f64,
    /// The request carrying it right now, if any. Never persisted: after a reload nothing is in flight.
    pub in_flight: Option<u64>,
    /// True when its stored copy (its own localStorage key) is up to date, or it was decided
    /// to keep it in memory only.
    pub saved: bool,
    /// True when it has a stored copy (within `Config::max_stored_bytes`).
    pub stored: bool,
    /// Until when a keepalive request that carried it may still be on its way although this page
    /// saw it fail (a navigation cancels the page's side of its fetches); a page-hide flush skips
    /// it until then. In memory only (the stored copy keeps the request's guard instead).
    pub flying_until_ms: f64,
    /// Most events a request carrying it may hold: unlimited until a request it was in was
    /// rejected for good, then half that request's count (split-and-resend, see
    /// `Outbox::on_response`). In memory only.
    pub request_cap: usize,
}

impl Item {
    /// An event not in flight and without a stored copy yet: a new one (`attempts` 0), or one read
    /// back from storage.
    pub fn new(message_id: String, body_json: String, created_ms: f64, attempts: u32, next_attempt_ms: f64) -> Item {
        Item { message_id, body_json, created_ms, attempts, next_attempt_ms, in_flight: None, saved: false, stored: false, flying_until_ms: 0.0, request_cap: usize::MAX }
    }
}

/// Events in enqueue order, with their total body size, and the record of every event that left.
#[derive(Debug, Default)]
pub struct Queue {
    items: Vec<Item>,
    bytes: usize,
    /// `messageId`s of events that left (delivered, dropped, handed over) whose stored copies
    /// must go; some may never have been stored. The outbox drains it when persisting.
    pub removed: Vec<String>,
    /// Every drop, with its reason.
    pub log: DropLog,
}

impl Queue {
    /// The items, oldest first.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Mutable access for scheduling fields; bodies must not be changed through it.
    pub fn items_mut(&mut self) -> &mut [Item] {
        &mut self.items
    }

    /// Total body bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// True when an item with this `messageId` is queued.
    pub fn contains(&self, message_id: &str) -> bool {
        self.items.iter().any(|item| item.message_id == message_id)
    }

    /// Adds an item in age order (after every item not younger; at the end for a fresh event)
    /// unless it is too large, then enforces the queue caps by dropping the oldest items not in
    /// flight (possibly the new one: an adopted event older than all others). The body is kept
    /// as given (each stored value holds one event, so raw newlines need no repair).
    pub fn push(&mut self, item: Item, config: &Config, now_ms: f64) {
        let too_large = item.body_json.len() > config.max_event_bytes;
        self.bytes += item.body_json.len();
        self.items.push(item);
        if too_large {
            // Out again through `remove_where` (one copy of the drop bookkeeping): it is the only
            // item over the limit, and at the end.
            self.remove_where(Pick::Larger(config.max_event_bytes), Some(DropReason::TooLarge), now_ms);
            return;
        }
        // Age order: the new item moves before every item younger than it (none, for a fresh event).
        // Pairs by `get_mut`, not indexing: no bounds-check panic path in the wasm.
        let mut end = self.items.len();
        while let Some([older, newer]) = self.items.get_mut(end.saturating_sub(2)..end) {
            if older.created_ms <= newer.created_ms {
                break;
            }
            std::mem::swap(older, newer);
            end -= 1;
        }
        // Over a cap, the oldest waiting items go, as many as it takes (the new item is never in
        // flight, so there always are enough).
        let items = self.items.len().saturating_sub(config.max_queue_items);
        let bytes = self.bytes.saturating_sub(config.max_queue_bytes);
        if items > 0 || bytes > 0 {
            self.remove_where(Pick::OldestWaiting { items, bytes }, Some(DropReason::QueueFull), now_ms);
        }
    }

    /// Drops items (not in flight) enqueued `retention_ms` or longer ago. O(1) when nothing
    /// expired: the items are in age order, so only the oldest needs a look.
    pub fn expire(&mut self, now_ms: f64, retention_ms: f64) {
        if self.items.first().is_none_or(|oldest| now_ms - oldest.created_ms < retention_ms) {
            return;
        }
        self.remove_where(Pick::Expired { now_ms, retention_ms }, Some(DropReason::Expired), now_ms);
    }

    /// Brings times from a clock that was ahead back to `now_ms` (a device clock corrected
    /// backwards, or events stored by such a page): an item created in the future counts as
    /// created now (retention runs from now), and a wait ending more than `horizon_ms` ahead –
    /// longer than any wait the outbox itself sets – ends now. Returns whether anything changed
    /// (the stored copies must then be rewritten). Age order is kept: the clamp is monotonic.
    pub fn clamp_future(&mut self, now_ms: f64, horizon_ms: f64) -> bool {
        let mut changed = false;
        // Each clamp moves its time (the horizon is never negative): a flag per item, no before/after compare.
        for item in &mut self.items {
            let mut moved = false;
            if item.created_ms > now_ms {
                item.created_ms = now_ms;
                moved = true;
            }
            if item.next_attempt_ms > now_ms + horizon_ms {
                item.next_attempt_ms = now_ms;
                moved = true;
            }
            if item.flying_until_ms > now_ms + horizon_ms {
                item.flying_until_ms = now_ms;
                moved = true;
            }
            if moved {
                item.saved = false;
                changed = true;
            }
        }
        changed
    }

    /// Removes the items `pick` names, keeping the order of the rest, and schedules their
    /// stored copies for removal; with a `reason` each counts as dropped. Returns how many left.
    pub fn remove_where(&mut self, mut pick: Pick, reason: Option<DropReason>, now_ms: f64) -> usize {
        // A compacting loop, not `retain_mut` and its closure (more wasm): kept items move down
        // in order, the taken ones end up past `kept` and are truncated away.
        let before = self.items.len();
        let mut kept = 0;
        for index in 0..before {
            let Some(item) = self.items.get_mut(index) else { break };
            if !pick.takes(item) {
                self.items.swap(kept, index);
                kept += 1;
                continue;
            }
            self.bytes -= item.body_json.len();
            let message_id = std::mem::take(&mut item.message_id);
            if let Some(reason) = reason {
                self.log.add(message_id.clone(), reason, now_ms);
            }
            self.removed.push(message_id);
        }
        self.items.truncate(kept);
        before - kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, body_len: usize, created_ms: f64) -> Item {
        Item::new(id.to_owned(), "x".repeat(body_len), created_ms, 0, created_ms)
    }

    fn dropped(q: &Queue) -> Vec<(String, DropReason)> {
        q.log.recent.iter().map(|d| (d.message_id.clone(), d.reason)).collect()
    }

    fn ids(q: &Queue) -> Vec<&str> {
        q.items().iter().map(|i| i.message_id.as_str()).collect()
    }

    #[test]
    fn size_limit_is_32_kb_inclusive() {
        let config = Config::DEFAULT;
        let mut q = Queue::default();
        q.push(item("fits", 32_000, 0.0), &config, 0.0);
        q.push(item("big", 32_001, 0.0), &config, 0.0);
        assert_eq!(ids(&q), ["fits"]);
        assert_eq!(dropped(&q), [("big".to_owned(), DropReason::TooLarge)]);
        assert_eq!(q.bytes(), 32_000);
    }

    #[test]
    fn item_cap_drops_the_oldest_waiting_item() {
        let config = Config { max_queue_items: 3, ..Config::DEFAULT };
        let mut q = Queue::default();
        for id in ["a", "b", "c"] {
            q.push(item(id, 10, 0.0), &config, 0.0);
        }
        q.items_mut()[0].in_flight = Some(1);
        q.push(item("d", 10, 0.0), &config, 0.0);
        assert_eq!(ids(&q), ["a", "c", "d"]);
        assert_eq!(dropped(&q), [("b".to_owned(), DropReason::QueueFull)]);
    }

    #[test]
    fn byte_cap_drops_as_many_as_needed_and_the_new_one_when_all_are_in_flight() {
        let config = Config { max_queue_bytes: 100, ..Config::DEFAULT };
        let mut q = Queue::default();
        for id in ["a", "b", "c"] {
            q.push(item(id, 30, 0.0), &config, 0.0);
        }
        q.push(item("d", 70, 0.0), &config, 0.0);
        assert_eq!(ids(&q), ["c", "d"]);
        assert_eq!(q.bytes(), 100);
        for i in q.items_mut() {
            i.in_flight = Some(7);
        }
        q.push(item("e", 1, 0.0), &config, 0.0);
        assert_eq!(ids(&q), ["c", "d"]);
        let reasons: Vec<&str> = q.log.recent.iter().map(|d| d.message_id.as_str()).collect();
        assert_eq!(reasons, ["a", "b", "e"]);
    }

    #[test]
    fn retention_drops_old_waiting_items_only() {
        let mut q = Queue::default();
        let config = Config::DEFAULT;
        q.push(item("old", 1, 0.0), &config, 0.0);
        q.push(item("old-in-flight", 1, 0.0), &config, 0.0);
        q.push(item("young", 1, 50.0), &config, 0.0);
        q.items_mut()[1].in_flight = Some(1);
        q.expire(99.0, 100.0);
        assert_eq!(ids(&q).len(), 3);
        q.expire(100.0, 100.0);
        assert_eq!(ids(&q), ["old-in-flight", "young"]);
        assert_eq!(dropped(&q), [("old".to_owned(), DropReason::Expired)]);
    }

    #[test]
    fn older_items_are_inserted_in_age_order() {
        let mut q = Queue::default();
        let config = Config::DEFAULT;
        for (id, created) in [("b", 20.0), ("d", 40.0), ("a", 10.0), ("c", 20.0), ("e", 50.0)] {
            q.push(item(id, 1, created), &config, 0.0);
        }
        assert_eq!(ids(&q), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn an_adopted_item_older_than_all_is_the_one_dropped_at_the_cap() {
        let config = Config { max_queue_items: 2, ..Config::DEFAULT };
        let mut q = Queue::default();
        q.push(item("new1", 1, 30.0), &config, 0.0);
        q.push(item("new2", 1, 40.0), &config, 0.0);
        q.push(item("old", 1, 10.0), &config, 0.0);
        assert_eq!(ids(&q), ["new1", "new2"]);
        assert_eq!(dropped(&q), [("old".to_owned(), DropReason::QueueFull)]);
    }

    #[test]
    fn removal_schedules_stored_copies_and_counts_only_drops() {
        let mut q = Queue::default();
        for id in ["a", "b", "c", "d"] {
            q.push(item(id, 10, 0.0), &Config::DEFAULT, 0.0);
        }
        q.items_mut()[1].in_flight = Some(7);
        q.items_mut()[2].in_flight = Some(8);
        assert_eq!(q.remove_where(Pick::InRequest(7), None, 5.0), 1);
        assert_eq!(q.remove_where(Pick::OutOfAttempts(0), Some(DropReason::Rejected(400)), 6.0), 2);
        assert_eq!((ids(&q), q.bytes()), (vec!["c"], 10));
        assert_eq!(q.removed, ["b", "a", "d"]);
        assert_eq!(dropped(&q), [("a".to_owned(), DropReason::Rejected(400)), ("d".to_owned(), DropReason::Rejected(400))]);
        assert_eq!(q.log.counts.total(), 2);
    }

    #[test]
    fn times_from_a_clock_that_was_ahead_are_clamped_to_now() {
        let mut q = Queue::default();
        // (created, next attempt) → (created, next attempt) at now = 1000 with a 300 horizon
        let rows = [
            ((500.0, 500.0), (500.0, 500.0)),       // the past stays
            ((900.0, 1200.0), (900.0, 1200.0)),     // a backoff within the horizon stays
            ((5000.0, 5000.0), (1000.0, 1000.0)),   // created in the future: now
            ((800.0, 1301.0), (800.0, 1000.0)),     // a wait beyond the horizon ends now
        ];
        for (i, ((created, next), _)) in rows.iter().enumerate() {
            q.push(Item::new(i.to_string(), "x".into(), *created, 1, *next), &Config::DEFAULT, 0.0);
        }
        assert!(q.clamp_future(1000.0, 300.0));
        let mut got: Vec<(f64, f64)> = q.items().iter().map(|i| (i.created_ms, i.next_attempt_ms)).collect();
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let mut want: Vec<(f64, f64)> = rows.iter().map(|r| r.1).collect();
        want.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(got, want);
        assert!(!q.clamp_future(1000.0, 300.0), "idempotent");
    }

    #[test]
    fn bodies_are_kept_byte_for_byte() {
        let mut q = Queue::default();
        let mut it = item("n", 0, 0.0);
        it.body_json = "{\n\"a\":1\r\n}".to_owned();
        q.push(it, &Config::DEFAULT, 0.0);
        assert_eq!(q.items()[0].body_json, "{\n\"a\":1\r\n}");
    }
}
