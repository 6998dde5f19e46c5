//! Which queued items a removal takes: the rules of [`Queue::remove_where`](super::Queue::remove_where)
//! as data, one variant per reason an item leaves (its request answered, retention, retry limit,
//! queue caps, hand-over). Must not import anything platform-specific.

use super::Item;

/// Which items [`Queue::remove_where`](super::Queue::remove_where) takes ("waiting": not in flight).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pick {
    /// The items inside request `id`.
    InRequest(u64),
    /// Waiting items enqueued `retention_ms` or longer before `now_ms`.
    Expired {
        /// The current time.
        now_ms: f64,
        /// The retention period.
        retention_ms: f64,
    },
    /// Waiting items with at least this many attempts.
    OutOfAttempts(u32),
    /// The oldest waiting items, as many as it takes to shed `items` items and `bytes` body bytes.
    OldestWaiting {
        /// Items still to shed.
        items: usize,
        /// Body bytes still to shed.
        bytes: usize,
    },
    /// Items whose body is larger than this many bytes (only a new item can be).
    Larger(usize),
    /// Every item.
    All,
}

impl Pick {
    /// Whether `item`, the next one in queue order, is taken.
    pub(super) fn takes(&mut self, item: &Item) -> bool {
        let waiting = item.in_flight.is_none();
        match self {
            Pick::InRequest(id) => matches!(item.in_flight, Some(x) if x == *id),
            Pick::Expired { now_ms, retention_ms } => waiting && *now_ms - item.created_ms >= *retention_ms,
            Pick::OutOfAttempts(max) => waiting && item.attempts >= *max,
            Pick::OldestWaiting { items, bytes } => {
                if !waiting || (*items == 0 && *bytes == 0) {
                    return false;
                }
                *items = items.saturating_sub(1);
                *bytes = bytes.saturating_sub(item.body_json.len());
                true
            }
            Pick::Larger(max) => item.body_json.len() > *max,
            Pick::All => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_table() {
        let item = |id: &str| Item::new(id.to_owned(), "x".repeat(10), 100.0, 0, 100.0);
        let waiting = item("w");
        let in_flight = Item { in_flight: Some(7), ..item("f") };
        let tried = Item { attempts: 3, ..item("t") };
        let expired = Pick::Expired { now_ms: 200.0, retention_ms: 100.0 };
        // (pick, item, taken)
        let rows: &[(Pick, &Item, bool)] = &[
            (Pick::InRequest(7), &in_flight, true),
            (Pick::InRequest(8), &in_flight, false),
            (Pick::InRequest(7), &waiting, false),
            (expired, &waiting, true),
            (expired, &in_flight, false),
            (Pick::Expired { now_ms: 199.0, retention_ms: 100.0 }, &waiting, false),
            (Pick::OutOfAttempts(3), &tried, true),
            (Pick::OutOfAttempts(4), &tried, false),
            (Pick::OldestWaiting { items: 1, bytes: 0 }, &waiting, true),
            (Pick::OldestWaiting { items: 0, bytes: 1 }, &waiting, true),
            (Pick::OldestWaiting { items: 0, bytes: 0 }, &waiting, false),
            (Pick::OldestWaiting { items: 1, bytes: 0 }, &in_flight, false),
            (Pick::All, &in_flight, true),
        ];
        for &(pick, it, taken) in rows {
            let mut once = pick;
            assert_eq!(once.takes(it), taken, "{pick:?} {}", it.message_id);
        }
        let mut shed = Pick::OldestWaiting { items: 0, bytes: 15 };
        assert_eq!([shed.takes(&waiting), shed.takes(&waiting), shed.takes(&waiting)], [true, true, false]);
    }
}
