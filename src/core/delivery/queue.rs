//! The write-ahead queue: every event from enqueue until the server accepted it or it was dropped
//! for good, with the size cap, queue caps and retention applied here and nowhere else.
//!
//! Owns [`Item`] and the bounds. Knows nothing of requests beyond an item's in-flight marker.
//! Must not import anything platform-specific.

use super::config::Config;
use super::diagnostics::DropReason;

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
}

/// A drop the queue made; the outbox turns these into diagnostics.
pub type Dropped = (String, DropReason);

/// Events in enqueue order, with their total body size.
#[derive(Debug, Default)]
pub struct Queue {
    items: Vec<Item>,
    bytes: usize,
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
    /// flight (possibly the new one: an adopted event older than all others). Raw newlines in the body
    /// (only possible as JSON whitespace) become spaces so the persisted format holds.
    pub fn push(&mut self, mut item: Item, config: &Config, dropped: &mut Vec<Dropped>) {
        if item.body_json.len() > config.max_event_bytes {
            dropped.push((item.message_id, DropReason::TooLarge));
            return;
        }
        // Bytes, not `contains([..])`: a char-pattern search decoded every char (the hottest line of track()).
        if item.body_json.bytes().any(|b| b == b'\n' || b == b'\r') {
            item.body_json = item.body_json.replace(['\n', '\r'], " ");
        }
        self.bytes += item.body_json.len();
        let at = self.items.iter().rposition(|i| i.created_ms <= item.created_ms).map_or(0, |p| p + 1);
        self.items.insert(at, item);
        while self.items.len() > config.max_queue_items || self.bytes > config.max_queue_bytes {
            // The new item is never in flight, so there always is a victim.
            let Some(victim) = self.items.iter().position(|i| i.in_flight.is_none()) else { break };
            let item = self.take(victim);
            dropped.push((item.message_id, DropReason::QueueFull));
        }
    }

    /// Drops items (not in flight) enqueued `retention_ms` or longer ago. O(1) when nothing
    /// expired: the items are in age order, so only the oldest needs a look.
    pub fn expire(&mut self, now_ms: f64, retention_ms: f64, dropped: &mut Vec<Dropped>) {
        if self.items.first().is_none_or(|oldest| now_ms - oldest.created_ms < retention_ms) {
            return;
        }
        let expired = |item: &Item| item.in_flight.is_none() && now_ms - item.created_ms >= retention_ms;
        if !self.items.iter().any(expired) {
            return;
        }
        for item in self.remove_where(expired) {
            dropped.push((item.message_id, DropReason::Expired));
        }
    }

    /// Removes and returns every item matching `pred`, keeping the order of the rest.
    pub fn remove_where(&mut self, mut pred: impl FnMut(&Item) -> bool) -> Vec<Item> {
        let mut removed = Vec::new();
        let mut kept = Vec::with_capacity(self.items.len());
        for item in self.items.drain(..) {
            if pred(&item) {
                self.bytes -= item.body_json.len();
                removed.push(item);
            } else {
                kept.push(item);
            }
        }
        self.items = kept;
        removed
    }

    fn take(&mut self, index: usize) -> Item {
        let item = self.items.remove(index);
        self.bytes -= item.body_json.len();
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, body_len: usize, created_ms: f64) -> Item {
        Item {
            message_id: id.to_owned(),
            body_json: "x".repeat(body_len),
            created_ms,
            attempts: 0,
            next_attempt_ms: created_ms,
            in_flight: None,
            saved: false,
            stored: false,
            flying_until_ms: 0.0,
        }
    }

    fn ids(q: &Queue) -> Vec<&str> {
        q.items().iter().map(|i| i.message_id.as_str()).collect()
    }

    #[test]
    fn size_limit_is_32_kb_inclusive() {
        let config = Config::DEFAULT;
        let mut q = Queue::default();
        let mut dropped = Vec::new();
        q.push(item("fits", 32_000, 0.0), &config, &mut dropped);
        q.push(item("big", 32_001, 0.0), &config, &mut dropped);
        assert_eq!(ids(&q), ["fits"]);
        assert_eq!(dropped, [("big".to_owned(), DropReason::TooLarge)]);
        assert_eq!(q.bytes(), 32_000);
    }

    #[test]
    fn item_cap_drops_the_oldest_waiting_item() {
        let config = Config { max_queue_items: 3, ..Config::DEFAULT };
        let mut q = Queue::default();
        let mut dropped = Vec::new();
        for id in ["a", "b", "c"] {
            q.push(item(id, 10, 0.0), &config, &mut dropped);
        }
        q.items_mut()[0].in_flight = Some(1);
        q.push(item("d", 10, 0.0), &config, &mut dropped);
        assert_eq!(ids(&q), ["a", "c", "d"]);
        assert_eq!(dropped, [("b".to_owned(), DropReason::QueueFull)]);
    }

    #[test]
    fn byte_cap_drops_as_many_as_needed_and_the_new_one_when_all_are_in_flight() {
        let config = Config { max_queue_bytes: 100, ..Config::DEFAULT };
        let mut q = Queue::default();
        let mut dropped = Vec::new();
        for id in ["a", "b", "c"] {
            q.push(item(id, 30, 0.0), &config, &mut dropped);
        }
        q.push(item("d", 70, 0.0), &config, &mut dropped);
        assert_eq!(ids(&q), ["c", "d"]);
        assert_eq!(q.bytes(), 100);
        for i in q.items_mut() {
            i.in_flight = Some(7);
        }
        q.push(item("e", 1, 0.0), &config, &mut dropped);
        assert_eq!(ids(&q), ["c", "d"]);
        let reasons: Vec<&str> = dropped.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(reasons, ["a", "b", "e"]);
    }

    #[test]
    fn retention_drops_old_waiting_items_only() {
        let mut q = Queue::default();
        let mut dropped = Vec::new();
        let config = Config::DEFAULT;
        q.push(item("old", 1, 0.0), &config, &mut dropped);
        q.push(item("old-in-flight", 1, 0.0), &config, &mut dropped);
        q.push(item("young", 1, 50.0), &config, &mut dropped);
        q.items_mut()[1].in_flight = Some(1);
        q.expire(99.0, 100.0, &mut dropped);
        assert_eq!(ids(&q).len(), 3);
        q.expire(100.0, 100.0, &mut dropped);
        assert_eq!(ids(&q), ["old-in-flight", "young"]);
        assert_eq!(dropped, [("old".to_owned(), DropReason::Expired)]);
    }

    #[test]
    fn older_items_are_inserted_in_age_order() {
        let mut q = Queue::default();
        let config = Config::DEFAULT;
        for (id, created) in [("b", 20.0), ("d", 40.0), ("a", 10.0), ("c", 20.0), ("e", 50.0)] {
            q.push(item(id, 1, created), &config, &mut Vec::new());
        }
        assert_eq!(ids(&q), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn an_adopted_item_older_than_all_is_the_one_dropped_at_the_cap() {
        let config = Config { max_queue_items: 2, ..Config::DEFAULT };
        let mut q = Queue::default();
        let mut dropped = Vec::new();
        q.push(item("new1", 1, 30.0), &config, &mut dropped);
        q.push(item("new2", 1, 40.0), &config, &mut dropped);
        q.push(item("old", 1, 10.0), &config, &mut dropped);
        assert_eq!(ids(&q), ["new1", "new2"]);
        assert_eq!(dropped, [("old".to_owned(), DropReason::QueueFull)]);
    }

    #[test]
    fn raw_newlines_become_spaces() {
        let mut q = Queue::default();
        let mut it = item("n", 0, 0.0);
        it.body_json = "{\n\"a\":1\r\n}".to_owned();
        q.push(it, &Config::DEFAULT, &mut Vec::new());
        assert_eq!(q.items()[0].body_json, "{ \"a\":1  }");
    }
}
