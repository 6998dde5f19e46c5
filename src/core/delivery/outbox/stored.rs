//! The outbox's side of persistence: which events to write or remove after a drive (O(changed
//! events), within the storage budget), reading stored events back, and handing a queue over to
//! another tab. Part of [`Outbox`]; the key layout and value format are [`queue_format`]'s.
//! Must not import anything platform-specific.

use super::super::diagnostics::DropReason;
use super::super::queue_format;
use super::super::queue::Pick;
use super::super::wire::Wire;
use super::Outbox;
use crate::core::store::Store;

/// What the store must do to match the queue: the events to remove (delivered, dropped, handed
/// over), then the events to write, each as `(messageId, stored value)`.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// `messageId`s whose stored copies must go (some may never have been stored).
    pub removed: Vec<String>,
    /// `(messageId, value)` to write under the tab's per-event prefix.
    pub saved: Vec<(String, String)>,
}

impl<W: Wire> Outbox<W> {
    /// What changed since the last call (in-flight events included: write-ahead), in the per-event
    /// layout of `persisted`; marks everything saved. Costs O(changed events) in values built.
    /// Oldest first, events are stored while the stored bytes stay within `max_stored_bytes`;
    /// younger ones stay in memory only and are written once older ones have left.
    /// (Tests; the shell persists through [`Outbox::persist_each`], which holds no copies.)
    pub fn take_changes(&mut self) -> Changes {
        let mut changes = Changes::default();
        self.persist_each(|message_id, value| {
            match value {
                Some(value) => changes.saved.push((message_id.to_owned(), value.to_owned())),
                None => changes.removed.push(message_id.to_owned()),
            }
            true
        });
        changes
    }

    /// The changes of [`Outbox::take_changes`] applied one at a time: `apply(messageId, None)` removes
    /// a stored copy, `apply(messageId, Some(value))` writes one (returns whether the store took it).
    /// Each value is built, handed over and freed before the next, so persisting a burst never
    /// holds a second copy of the queue in memory.
    pub fn persist_each(&mut self, mut apply: impl FnMut(&str, Option<&str>) -> bool) {
        self.dirty = false;
        for message_id in &std::mem::take(&mut self.queue.removed) {
            apply(message_id, None);
        }
        let budget = self.config.max_stored_bytes;
        let items = self.queue.items_mut();
        // A loop, not `filter(..).map(..).sum()`: the same count with less wasm.
        let mut stored_bytes = 0;
        for item in items.iter() {
            if item.stored {
                stored_bytes += item.body_json.len();
            }
        }
        for item in items.iter_mut().filter(|i| !i.saved || !i.stored) {
            item.saved = true;
            if !item.stored && stored_bytes + item.body_json.len() > budget {
                continue;
            }
            if !item.stored {
                item.stored = true;
                stored_bytes += item.body_json.len();
            }
            apply(&item.message_id, Some(&queue_format::encode_item(item)));
        }
    }

    /// Adds the events stored under `keys` in `store` (this page's previous life, or an orphaned
    /// tab's queue being adopted) that are not queued yet, keeping their `messageId`, body and
    /// attempts; they are sent again as soon as due and stored again under this tab's keys.
    /// Unreadable values count as dropped; a key read back as absent is skipped. Reads one value
    /// at a time (no copy of the whole stored queue). Returns how many were added.
    pub fn restore_from(&mut self, store: &dyn Store, keys: &[String], now_ms: f64) -> usize {
        let mut added = 0;
        for key in keys {
            if let Some(value) = store.get(key) {
                added += usize::from(self.restore_one(&value, now_ms));
            }
        }
        self.restored(added, now_ms)
    }

    /// [`Outbox::restore_from`] for values at hand (tests).
    pub fn restore_items<'a>(&mut self, values: impl IntoIterator<Item = &'a str>, now_ms: f64) -> usize {
        let mut added = 0;
        for value in values {
            added += usize::from(self.restore_one(value, now_ms));
        }
        self.restored(added, now_ms)
    }

    /// Queues one stored event unless it is queued already; true when added.
    fn restore_one(&mut self, value: &str, now_ms: f64) -> bool {
        match queue_format::decode_item(value) {
            Some(item) if self.queue.contains(&item.message_id) => false,
            Some(item) => {
                self.queue.push(item, &self.config, now_ms);
                true
            }
            None => {
                self.queue.log.add(String::new(), DropReason::Unreadable, now_ms);
                false
            }
        }
    }

    /// After a restore: old enough events expire at once; returns `added`.
    fn restored(&mut self, added: usize, now_ms: f64) -> usize {
        self.dirty |= self.queue.clamp_future(now_ms, self.clock_horizon_ms());
        self.queue.expire(now_ms, self.config.retention_ms);
        self.dirty |= added > 0;
        added
    }

    /// Another tab adopted this tab's persisted queue: forget every event (they are that tab's to
    /// send now) without counting them as dropped. Answers to requests still open are ignored.
    /// Returns how many events were handed over.
    pub fn hand_over_all(&mut self) -> usize {
        self.flights.clear();
        self.queue.remove_where(Pick::All, None, 0.0)
    }
}
