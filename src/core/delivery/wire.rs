//! How queued event texts become request bodies: the [`Wire`] seam (tests may script it) and
//! [`SegmentWire`], which delegates to `crate::core::delivery::stamp` (`sentAt`, `_metadata`
//! with `retryCount`, the `/b` wrapper) and states the size bounds the batcher relies on.
//! Must not import anything platform-specific.

use crate::core::delivery::stamp;
use crate::core::json;
use crate::core::time::FormatDate;

/// Builds request bodies from queued event texts. Sizes must be upper bounds of what is added.
pub trait Wire {
    /// Standard mode: one event, stamped. `attempt` counts this send (1 for the first).
    fn single(&self, body_json: &str, attempt: u32, sent_at_ms: f64) -> String;
    /// Batch mode: `{batch:[...], sentAt, writeKey}` around the events, in order, each with the
    /// number of this send (1 for the first).
    fn batch(&self, events: &[(&str, u32)], sent_at_ms: f64) -> String;
    /// Bytes a batch wrapper adds beyond its events and their separators.
    fn batch_overhead(&self) -> usize;
    /// Bytes stamping adds to one event, separator included.
    fn event_overhead(&self) -> usize;
}

/// The analytics.js wire format of one source.
#[derive(Clone, Debug)]
pub struct SegmentWire {
    write_key: String,
    batch_overhead: usize,
    format_date: FormatDate,
}

/// Upper bound of what `delivery::stamp` adds to one event: `,"_metadata":{…,"retryCount":N}`
/// (≤ 105 bytes) and `,"sentAt":"…Z"` (36 bytes).
const EVENT_OVERHEAD: usize = 160;
/// `{"batch":[`, `],"sentAt":"…Z"`, `,"writeKey":` and `}`, without the key itself.
const BATCH_FRAME: usize = 10 + 11 + 26 + 12 + 1;

impl SegmentWire {
    /// The wire for the source `write_key`, `sentAt` written by `format_date`.
    pub fn new(write_key: &str, format_date: FormatDate) -> Self {
        let mut quoted = String::new();
        json::push_str(&mut quoted, write_key);
        SegmentWire { write_key: write_key.to_owned(), batch_overhead: BATCH_FRAME + quoted.len(), format_date }
    }
}

impl Wire for SegmentWire {
    fn single(&self, body_json: &str, attempt: u32, sent_at_ms: f64) -> String {
        stamp::stamp(body_json, &self.format_date.iso8601(sent_at_ms), attempt)
    }

    fn batch(&self, events: &[(&str, u32)], sent_at_ms: f64) -> String {
        stamp::batch(&self.write_key, events, &self.format_date.iso8601(sent_at_ms))
    }

    fn batch_overhead(&self) -> usize {
        self.batch_overhead
    }

    fn event_overhead(&self) -> usize {
        EVENT_OVERHEAD
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: f64 = 1_795_392_993_123.0;

    #[test]
    fn stated_overheads_bound_the_real_bodies() {
        let wire = SegmentWire::new("w\"k", crate::core::time::REFERENCE);
        let body = r#"{"type":"track","event":"x"}"#;
        for attempt in [1, 2, 10, u32::MAX] {
            assert!(wire.single(body, attempt, T).len() <= body.len() + wire.event_overhead());
            let events = [(body, attempt), (body, attempt), (body, attempt)];
            let batch = wire.batch(&events, T);
            assert!(batch.len() <= wire.batch_overhead() + 3 * (body.len() + wire.event_overhead()), "{attempt}");
        }
        assert_eq!(wire.batch(&[], T).len(), wire.batch_overhead());
    }

    #[test]
    fn retry_count_counts_this_attempt() {
        let wire = SegmentWire::new("wk", crate::core::time::REFERENCE);
        assert!(!wire.single("{}", 1, T).contains("retryCount"));
        assert!(wire.single("{}", 2, T).contains("\"retryCount\":2"));
        assert!(wire.batch(&[("{}", 3)], T).contains("\"retryCount\":3"));
    }
}
