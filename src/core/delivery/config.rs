//! Delivery settings and their defaults, with the reason for each number.
//!
//! Phase 2 tunes batching numbers by measurement; every other number cites its source.
//! Must not import anything platform-specific.

use super::backoff::Backoff;

/// How the outbox batches, bounds and retries. Start from [`Config::DEFAULT`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// `true`: post `{writeKey, batch, sentAt}` to `/b`; `false`: one event per request to `/t`, `/p`, ….
    pub batching: bool,
    /// Most events in one normal-mode request.
    pub max_batch_count: usize,
    /// Soft byte limit of one normal-mode request (a lone event is sent even when larger).
    pub max_batch_bytes: usize,
    /// How long a fresh event may wait for company before its batch goes out, in ms.
    pub flush_interval_ms: f64,
    /// Most normal-mode requests in flight at once (page-hide flushes may add more).
    pub max_in_flight: usize,
    /// After this long without an answer the shell aborts the request and reports a network error.
    pub request_timeout_ms: f64,
    /// Largest accepted event body, in UTF-8 bytes; bigger events are dropped at enqueue.
    pub max_event_bytes: usize,
    /// Most events held; beyond it the oldest waiting event is dropped.
    pub max_queue_items: usize,
    /// Most body bytes held; beyond it the oldest waiting event is dropped.
    pub max_queue_bytes: usize,
    /// Events queued longer than this are dropped, in ms.
    pub retention_ms: f64,
    /// Retryable server answers an event may receive before it is dropped.
    pub max_attempts: u32,
    /// From this many failed attempts on, an event travels alone, so one poisonous event cannot
    /// hold back the batch it came with.
    pub isolate_after_attempts: u32,
    /// The browser's budget for the bodies of all in-flight keepalive requests of a page.
    pub keepalive_quota_bytes: usize,
    /// Retry delays.
    pub backoff: Backoff,
}

/// One day in ms.
const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

impl Config {
    /// The defaults:
    /// - batching on, 20 events / 32 KiB / 1 s: a burst leaves in few requests, a lone event
    ///   within a second; 32 KiB keeps a normal request keepalive-able while leaving half the
    ///   64 KiB keepalive budget to a page-hide flush. (Phase 2 tunes these by measurement.)
    /// - one normal request in flight: ordering stays simple and a failing server sees one
    ///   request at a time; 10 s request timeout so a hanging server cannot stall the queue.
    /// - 32,000 bytes per event (`envelope::MAX_EVENT_BYTES`): the Segment API rejects events over
    ///   32 KB, and send-time stamping adds up to ~150 bytes.
    /// - 5,000 events / 2 MiB queue: holds a 2,000-event synchronous burst of ~800-byte events,
    ///   yet stays well under half of a 5 MiB localStorage origin quota shared with the host page.
    /// - retention 7 days: covers a visitor returning within the week (weekend, weekly usage)
    ///   while data is still useful for daily reports; longer would replay events whose
    ///   duplicates Segment no longer removes (its messageId dedupe looks back ~24 h, so only
    ///   events possibly delivered before an unload risk a duplicate, and only after a day).
    /// - 20 retryable answers before a drop: with 0.5 s → 60 s backoff that rides out about
    ///   14 minutes of continuous 5xx (a deploy, an outage), where analytics-next's 10 gives up
    ///   after about 3 minutes; an event failing 3 times travels alone.
    pub const DEFAULT: Config = Config {
        batching: true,
        max_batch_count: 20,
        max_batch_bytes: 32 * 1024,
        flush_interval_ms: 1000.0,
        max_in_flight: 1,
        request_timeout_ms: 10_000.0,
        max_event_bytes: crate::core::envelope::MAX_EVENT_BYTES,
        max_queue_items: 5000,
        max_queue_bytes: 2 * 1024 * 1024,
        retention_ms: 7.0 * DAY_MS,
        max_attempts: 20,
        isolate_after_attempts: 3,
        keepalive_quota_bytes: 64 * 1024,
        backoff: Backoff::DEFAULT,
    };
}

impl Default for Config {
    fn default() -> Self {
        Config::DEFAULT
    }
}

/// Where analytics.js keeps delivery settings in the init options:
/// `integrations["Segment.io"].deliveryStrategy = {strategy, config: {size, timeout}}`.
const STRATEGY_PATH: [&str; 3] = ["integrations", "Segment.io", "deliveryStrategy"];

impl Config {
    /// [`Config::DEFAULT`] with analytics.js's delivery options applied: `strategy: "standard"`
    /// sends one event per request; `config.size` (events per batch, 1–500) and `config.timeout`
    /// (ms an event may wait for company, 0–60,000) tune batching. Anything malformed is ignored.
    pub fn from_options(options_json: &str) -> Config {
        let mut config = Config::DEFAULT;
        let Some(strategy) = STRATEGY_PATH.iter().try_fold(options_json, |raw, key| crate::core::json::get(raw, key)) else {
            return config;
        };
        if crate::core::json::get(strategy, "strategy").and_then(crate::core::json::parse_str).as_deref() == Some("standard") {
            config.batching = false;
        }
        let settings = crate::core::json::get(strategy, "config").unwrap_or("{}");
        if let Some(size) = crate::core::json::get(settings, "size").and_then(whole_number).filter(|n| (1..=500).contains(n)) {
            config.max_batch_count = size as usize;
        }
        if let Some(timeout) = crate::core::json::get(settings, "timeout").and_then(whole_number).filter(|n| *n <= 60_000) {
            config.flush_interval_ms = timeout as f64;
        }
        config
    }
}

/// A JSON number text that is a whole number (`"20"`, not `"2.5"` or `"-1"`).
fn whole_number(raw: &str) -> Option<u64> {
    raw.trim().parse::<u64>().ok()
}

#[cfg(test)]
mod options_tests {
    use super::*;

    #[test]
    fn analytics_js_delivery_strategy_options_apply() {
        let table: &[(&str, bool, usize, f64)] = &[
            ("{}", true, Config::DEFAULT.max_batch_count, Config::DEFAULT.flush_interval_ms),
            (r#"{"integrations":{"Segment.io":{"deliveryStrategy":{"strategy":"standard"}}}}"#, false, Config::DEFAULT.max_batch_count, Config::DEFAULT.flush_interval_ms),
            (r#"{"integrations":{"Segment.io":{"deliveryStrategy":{"strategy":"batching","config":{"size":3,"timeout":5000}}}}}"#, true, 3, 5000.0),
            (r#"{"integrations":{"Segment.io":{"deliveryStrategy":{"config":{"size":0,"timeout":-5}}}}}"#, true, Config::DEFAULT.max_batch_count, Config::DEFAULT.flush_interval_ms),
            (r#"{"integrations":{"Segment.io":{"deliveryStrategy":{"config":{"size":"9","timeout":2.5}}}}}"#, true, Config::DEFAULT.max_batch_count, Config::DEFAULT.flush_interval_ms),
        ];
        for &(options, batching, size, timeout) in table {
            let config = Config::from_options(options);
            assert_eq!((config.batching, config.max_batch_count, config.flush_interval_ms), (batching, size, timeout), "{options}");
        }
    }
}
