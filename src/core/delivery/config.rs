//! Delivery settings and their defaults, with the reason for each number.
//!
//! Every number cites its reason on [`Config::DEFAULT`].
//! Must not import anything platform-specific.

use super::backoff::Backoff;
use super::lease::LeasePolicy;
use crate::core::options::Options;

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
    /// Most body bytes kept in localStorage; younger events beyond it live in memory only until
    /// older ones leave (storage is the host page's too).
    pub max_stored_bytes: usize,
    /// Events queued longer than this are dropped, in ms.
    pub retention_ms: f64,
    /// Retryable server answers an event may receive before it is dropped.
    pub max_attempts: u32,
    /// From this many failed attempts on, an event travels alone, so one poisonous event cannot
    /// hold back the batch it came with.
    pub isolate_after_attempts: u32,
    /// The browser's budget for the bodies of all in-flight keepalive requests of a page.
    pub keepalive_quota_bytes: usize,
    /// Largest normal-mode body sent with `keepalive` (bigger ones go without; page-hide
    /// flushes may use the whole remaining budget).
    pub max_normal_keepalive_bytes: usize,
    /// Retry delays.
    pub backoff: Backoff,
    /// Tab liveness lease timing (how soon a killed tab's queue is adopted).
    pub liveness: LeasePolicy,
}

/// One day in ms.
const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

impl Config {
    /// The defaults, each with its reason (measurements: `scripts/bench-delivery`):
    /// - batching on, no batching delay, one normal request in flight: a lone event leaves at the
    ///   end of the task that queued it on its standard path (`/t`, `/p`, …, as analytics.js sends
    ///   it) and whatever queues while a request is open leaves together in the next one (`/b`);
    /// - 500 events / 480,000 bytes per request: the Segment API's batch limits (500 KB);
    /// - keepalive only up to 32 KiB in normal mode: half the page's 64 KiB keepalive budget stays
    ///   free for the page-hide flush;
    /// - 10 s request timeout: a hanging server cannot stall the queue;
    /// - 32,000 bytes per event ([`crate::core::endpoint_limits::MAX_EVENT_BYTES`]): Segment rejects
    ///   events over 32 KB, and stamping adds up to ~150 bytes;
    /// - 5,000 events / 8 MiB in memory, at most 2 MiB of it in localStorage: a 2,000-event burst
    ///   is held whole while storage stays well under half the origin's ~5 MiB quota;
    /// - retention 7 days: a visitor returning within the week; Segment's messageId dedupe looks
    ///   back ~24 h, so older replays risk duplicates;
    /// - 20 retryable answers (about 14 minutes of 5xx with the default backoff), travelling alone
    ///   after 3;
    /// - tab liveness: [`LeasePolicy::LIVENESS`].
    pub const DEFAULT: Config = Config {
        batching: true,
        max_batch_count: 500,
        max_batch_bytes: 480_000,
        flush_interval_ms: 0.0,
        max_in_flight: 1,
        request_timeout_ms: 10_000.0,
        max_event_bytes: crate::core::endpoint_limits::MAX_EVENT_BYTES,
        max_queue_items: 5000,
        max_queue_bytes: 8 * 1024 * 1024,
        max_stored_bytes: 2 * 1024 * 1024,
        retention_ms: 7.0 * DAY_MS,
        max_attempts: 20,
        isolate_after_attempts: 3,
        keepalive_quota_bytes: 64 * 1024,
        max_normal_keepalive_bytes: 32 * 1024,
        backoff: Backoff::DEFAULT,
        liveness: LeasePolicy::LIVENESS,
    };
}

impl Default for Config {
    fn default() -> Self {
        Config::DEFAULT
    }
}

impl Config {
    /// [`Config::DEFAULT`] with the `_delivery` knobs and analytics.js's delivery options applied:
    /// `integrations["Segment.io"].deliveryStrategy = {strategy, config: {size, timeout}}`;
    /// `strategy: "standard"` sends one event per request; `config.size` (events per batch, 1–500)
    /// and `config.timeout` (ms an event may wait for company, 0–60,000) tune batching. Anything
    /// malformed is ignored. `retry_queue: false` (analytics-next's `retryQueue` option, read by
    /// `core::load_options`) gives each event one attempt.
    pub fn from_options(o: Options<'_>, retry_queue: bool) -> Config {
        let mut config = Config::DEFAULT.apply_delivery_knobs(o);
        if !retry_queue {
            config.max_attempts = 1;
        }
        if o.is("integrations/Segment.io/deliveryStrategy/strategy", "standard") {
            config.batching = false;
        }
        config.max_batch_count =
            o.number_or("integrations/Segment.io/deliveryStrategy/config/size", 1, 500, config.max_batch_count as f64) as usize;
        config.flush_interval_ms =
            o.number_or("integrations/Segment.io/deliveryStrategy/config/timeout", 0, 60_000, config.flush_interval_ms);
        config
    }

    /// Applies wasm-analytics' own `_delivery` init option (for tests and benchmarks, not part of
    /// the analytics.js API): `maxBatchBytes` (1,000–480,000), `requestTimeoutMs` (500–60,000),
    /// `tabLeaseMs` (1,000–600,000) and `tabHeartbeatMs` (100 up to a third of the lease).
    /// Out-of-range values are ignored.
    fn apply_delivery_knobs(mut self, o: Options<'_>) -> Config {
        self.max_batch_bytes = o.number_or("_delivery/maxBatchBytes", 1_000, 480_000, self.max_batch_bytes as f64) as usize;
        self.request_timeout_ms = o.number_or("_delivery/requestTimeoutMs", 500, 60_000, self.request_timeout_ms);
        let lease = &mut self.liveness;
        lease.duration_ms = o.number_or("_delivery/tabLeaseMs", 1_000, 600_000, lease.duration_ms);
        // Without `tabLeaseMs` this changes nothing: the default heartbeat is at most a third of the default lease.
        lease.heartbeat_ms = lease.heartbeat_ms.min(lease.duration_ms / 3.0);
        let beat = o.number_or("_delivery/tabHeartbeatMs", 100, 200_000, lease.heartbeat_ms);
        if beat * 3.0 <= lease.duration_ms {
            lease.heartbeat_ms = beat;
        }
        self
    }
}

#[cfg(test)]
mod options_tests {
    use super::*;

    /// The config of a whole init-options text.
    fn from_json(options: &str) -> Config {
        Config::from_options(Options(options), true)
    }

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
            let config = from_json(options);
            assert_eq!((config.batching, config.max_batch_count, config.flush_interval_ms), (batching, size, timeout), "{options}");
        }
    }

    #[test]
    fn delivery_knobs_tune_batch_bytes_and_tab_liveness_within_bounds() {
        let d = Config::DEFAULT;
        let table: &[(&str, usize, f64, f64)] = &[
            ("{}", d.max_batch_bytes, d.liveness.duration_ms, d.liveness.heartbeat_ms),
            (r#"{"_delivery":{"maxBatchBytes":32768}}"#, 32_768, d.liveness.duration_ms, d.liveness.heartbeat_ms),
            (r#"{"_delivery":{"requestTimeoutMs":2000}}"#, d.max_batch_bytes, d.liveness.duration_ms, d.liveness.heartbeat_ms),
            (r#"{"_delivery":{"tabLeaseMs":3000,"tabHeartbeatMs":500}}"#, d.max_batch_bytes, 3000.0, 500.0),
            (r#"{"_delivery":{"tabLeaseMs":3000}}"#, d.max_batch_bytes, 3000.0, 1000.0),
            (r#"{"_delivery":{"tabLeaseMs":3000,"tabHeartbeatMs":2000}}"#, d.max_batch_bytes, 3000.0, 1000.0),
            (r#"{"_delivery":{"maxBatchBytes":999999,"tabLeaseMs":5}}"#, d.max_batch_bytes, d.liveness.duration_ms, d.liveness.heartbeat_ms),
            (r#"{"_delivery":"junk"}"#, d.max_batch_bytes, d.liveness.duration_ms, d.liveness.heartbeat_ms),
        ];
        for &(options, bytes, lease, beat) in table {
            let c = from_json(options);
            let timeout = if options.contains("requestTimeoutMs") { 2000.0 } else { d.request_timeout_ms };
            assert_eq!(c.request_timeout_ms, timeout, "{options}");
            assert_eq!((c.max_batch_bytes, c.liveness.duration_ms, c.liveness.heartbeat_ms), (bytes, lease, beat), "{options}");
        }
    }
}
