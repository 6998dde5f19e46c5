//! The delivery state machine, sans-IO (quinn-proto style): inputs are calls with the time (and
//! jitter) as arguments, effects are [`Transmit`]s drained with [`Outbox::poll_transmit`], the next
//! deadline comes from [`Outbox::poll_timeout`]. It never reads a clock, storage or the network.
//!
//! Shell contract, after every input (`enqueue`, `on_response`, `on_timeout`, `set_online`,
//! `restore`): collect every transmit `poll_transmit(now, Normal)` yields (without sending yet);
//! then, if [`Outbox::needs_persist`], apply [`Outbox::take_changes`] to the tab's per-event keys;
//! only then start the requests (write-ahead: an event and its in-flight guard are stored before
//! its first attempt); then arm one timer at `poll_timeout()`. On page hide use `Mode::PageHide`.
//! Persisting is O(changed events): each item knows whether its stored copy is current.
//! Invariant: an event is in at most one unanswered transmit. Must not import anything
//! platform-specific.

use super::batch::{self, Overhead, RequestLimit, Timing};
use super::config::Config;
use super::diagnostics::{DeliveryState, Diagnostic, DropReason};
use super::queue::{Item, Pick, Queue};

mod stored;
pub use stored::Changes;

use super::status_policy::{classify, Outcome, Verdict};
use super::transmit::{path_for, Mode, Transmit};
use super::wire::Wire;

/// How the events of a request that ended go back to waiting ([`Outbox::land`]).
#[derive(Clone, Copy)]
enum Landing {
    /// Rejected as a batch: due now, at most `cap` per request from now on.
    Split { cap: usize },
    /// A retryable status: one more attempt counted, due after the server backoff.
    Retry { retry_after: Option<u32> },
    /// No answer for good (network error, offline): due when the gates open; `may_still_fly` keeps
    /// the stored in-flight guard.
    Release { may_still_fly: bool },
}

#[derive(Debug)]
struct Flight {
    id: u64,
    keepalive_bytes: usize,
}

/// The write-ahead outbox of one tab. See the module docs for how the shell drives it.
#[derive(Debug)]
pub struct Outbox<W: Wire> {
    config: Config,
    wire: W,
    queue: Queue,
    flights: Vec<Flight>,
    next_id: u64,
    online: bool,
    rate_gate_ms: f64,
    network_gate_ms: f64,
    network_failures: u32,
    delivered: u64,
    dirty: bool,
    /// The latest `now_ms` seen: an earlier one means the clock was corrected backwards.
    clock_ms: f64,
}

impl<W: Wire> Outbox<W> {
    /// An empty, online outbox.
    pub fn new(config: Config, wire: W) -> Self {
        Outbox {
            config,
            wire,
            queue: Queue::default(),
            flights: Vec::new(),
            next_id: 1,
            online: true,
            rate_gate_ms: 0.0,
            network_gate_ms: 0.0,
            network_failures: 0,
            delivered: 0,
            dirty: false,
            clock_ms: f64::MIN,
        }
    }

    /// Queues an event built at call time (`body_json` without `sentAt`). Call when the event is
    /// created; persist before the next `poll_transmit`. Oversized events and queue overflow are
    /// reported as diagnostics, never as errors.
    pub fn enqueue(&mut self, message_id: String, body_json: String, now_ms: f64) {
        // A body is built with room to spare (up to twice its length): queued for minutes, it
        // keeps only what it needs (measured: 17.6 MB of wasm memory after 10,000 calls before). A
        // copy of exactly its length, not `shrink_to_fit` (its own realloc path in the wasm).
        let body_json = body_json.as_str().to_owned();
        self.on_timeout(now_ms);
        self.queue.push(Item::new(message_id, body_json, now_ms, 0, now_ms), &self.config, now_ms);
        self.dirty = true;
    }

    /// The next request to send, if any is due in this mode. Call repeatedly until `None`.
    pub fn poll_transmit(&mut self, now_ms: f64, mode: Mode) -> Option<Transmit> {
        self.on_timeout(now_ms);
        // A page hide ignores the network backoff (a navigation cancels the page's open fetches,
        // which look like network errors) but still honours the server's Retry-After.
        let gate = if matches!(mode, Mode::PageHide { .. }) { self.rate_gate_ms } else { self.rate_gate_ms.max(self.network_gate_ms) };
        if !self.online || now_ms < gate {
            return None;
        }
        let (limit, early) = match mode {
            Mode::PageHide { budget_bytes } => (self.page_hide_limit(budget_bytes), true),
            Mode::Normal | Mode::Flush if self.flights.len() >= self.config.max_in_flight => return None,
            Mode::Normal => (self.normal_limit(), self.batch_is_full()),
            Mode::Flush => (self.normal_limit(), true),
        };
        let overhead = self.overhead();
        let hiding = matches!(mode, Mode::PageHide { .. });
        let timing = Timing { now_ms, early, flush_interval_ms: self.config.flush_interval_ms, hiding };
        let chosen = batch::select(self.queue.items(), timing, limit, overhead, self.config.isolate_after_attempts);
        self.build(chosen, limit, now_ms)
    }

    /// Feeds the answer to transmit `id` (stale or unknown ids are ignored). `jitter` in `[0, 1)`
    /// spreads retry delays (the shell passes `Math.random()`).
    pub fn on_response(&mut self, id: u64, outcome: Outcome, now_ms: f64, jitter: f64) {
        let Some(pos) = self.flights.iter().position(|f| f.id == id) else {
            return;
        };
        let kept_alive = self.flights.swap_remove(pos).keepalive_bytes > 0;
        let verdict = classify(outcome);
        let Outcome::Status(code, retry_after) = outcome else {
            // No answer: `Reconnect` (a network error) or `Pause` (offline).
            if verdict == Verdict::Reconnect {
                self.network_failures = self.network_failures.saturating_add(1);
                self.network_gate_ms = now_ms + self.config.backoff.delay_ms(self.network_failures, jitter);
            } else {
                self.online = false;
            }
            return self.release(id, kept_alive && verdict == Verdict::Reconnect, now_ms);
        };
        // Any status proves the connection works (first: no verdict below reads the network gate).
        self.connection_works();
        match verdict {
            Verdict::Delivered => self.delivered += self.queue.remove_where(Pick::InRequest(id), None, now_ms) as u64,
            Verdict::Retry => self.retry_later(id, code, retry_after, now_ms, jitter),
            _ => {
                if !self.split(id, now_ms) {
                    self.queue.remove_where(Pick::InRequest(id), Some(DropReason::Rejected(code)), now_ms);
                }
            }
        }
    }

    /// The next time `poll_transmit(_, Normal)` may yield something (a past time means now), or
    /// `None` when only an answer or `set_online(true)` can make progress.
    pub fn poll_timeout(&self) -> Option<f64> {
        if !self.online || self.flights.len() >= self.config.max_in_flight {
            return None;
        }
        let (full, interval) = (self.batch_is_full(), self.config.flush_interval_ms);
        let mut earliest = None;
        for item in self.queue.items() {
            if item.in_flight.is_none() {
                let due = batch::due_ms(item, full, interval);
                earliest = Some(earliest.map_or(due, |e: f64| e.min(due)));
            }
        }
        Some(earliest?.max(self.rate_gate_ms).max(self.network_gate_ms))
    }

    /// The timer armed from `poll_timeout` fired: applies the clock rule and retention. Then call
    /// `poll_transmit`. (Every input with the time starts with it.)
    pub fn on_timeout(&mut self, now_ms: f64) {
        self.observe_clock(now_ms);
        self.queue.expire(now_ms, self.config.retention_ms);
    }

    /// The mode for a page-hide flush: the whole keepalive quota this outbox was configured with.
    pub fn page_hide_mode(&self) -> Mode {
        Mode::PageHide { budget_bytes: self.config.keepalive_quota_bytes }
    }

    /// `online`/`offline` events and the initial `navigator.onLine`. Going online ends the
    /// network backoff; a server's `Retry-After` still holds.
    pub fn set_online(&mut self, online: bool) {
        self.online = online;
        if online {
            self.connection_works();
        }
    }

    /// Drains the drops recorded since the last call, oldest first.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.queue.log.recent)
    }

    /// Counts for debug mode, `flush()` and tests.
    pub fn state(&self) -> DeliveryState {
        let mut in_flight = 0;
        for item in self.queue.items() {
            in_flight += usize::from(item.in_flight.is_some());
        }
        DeliveryState {
            pending: self.queue.items().len() - in_flight,
            in_flight,
            delivered: self.delivered,
            dropped: self.queue.log.counts,
            offline: !self.online,
        }
    }

    /// True when the stored copy is out of date.
    pub fn needs_persist(&self) -> bool {
        self.dirty || !self.queue.removed.is_empty()
    }

    fn normal_limit(&self) -> RequestLimit {
        let max_count = if self.config.batching { self.config.max_batch_count } else { 1 };
        RequestLimit { max_count, max_bytes: self.config.max_batch_bytes, strict: false }
    }

    fn page_hide_limit(&self, budget_bytes: usize) -> RequestLimit {
        let max_count = if self.config.batching { usize::MAX } else { 1 };
        RequestLimit { max_count, max_bytes: budget_bytes.saturating_sub(self.keepalive_used()), strict: true }
    }

    /// Body bytes of this page's unanswered keepalive requests.
    fn keepalive_used(&self) -> usize {
        let mut used = 0;
        for flight in &self.flights {
            used += flight.keepalive_bytes;
        }
        used
    }

    fn overhead(&self) -> Overhead {
        let per_request = if self.config.batching { self.wire.batch_overhead() } else { 0 };
        Overhead { per_request, per_event: self.wire.event_overhead() }
    }

    fn batch_is_full(&self) -> bool {
        let max_count = if self.config.batching { self.config.max_batch_count } else { 1 };
        batch::batch_is_full(self.queue.items(), max_count, self.config.max_batch_bytes)
    }

    /// Builds the body for `chosen`; under a strict limit, sheds the newest events until it fits.
    fn build(&mut self, mut chosen: Vec<usize>, limit: RequestLimit, now_ms: f64) -> Option<Transmit> {
        loop {
            let body = self.body_for(&chosen, now_ms)?;
            if !limit.strict || body.len() <= limit.max_bytes {
                let cap = if limit.strict { usize::MAX } else { self.config.max_normal_keepalive_bytes };
                return Some(self.launch(chosen, body, cap, now_ms));
            }
            chosen.pop();
        }
    }

    fn body_for(&self, chosen: &[usize], now_ms: f64) -> Option<String> {
        let items = self.queue.items();
        let mut events = Vec::with_capacity(chosen.len());
        for &index in chosen {
            if let Some(item) = items.get(index) {
                events.push((item.body_json.as_str(), item.attempts.saturating_add(1)));
            }
        }
        match events.as_slice() {
            [] => None,
            [(body, attempt)] => Some(self.wire.single(body, *attempt, now_ms)),
            _ => Some(self.wire.batch(&events, now_ms)),
        }
    }

    /// Marks the events as in flight. For a keepalive request their `next_attempt_ms` becomes the
    /// end of the request's timeout and is persisted: if this page dies now, the next one does not
    /// resend them while this request may still be running (keepalive requests outlive their
    /// page), so no event is ever in two open requests. A request without keepalive dies with
    /// its page, so the next page may resend its events at once.
    fn launch(&mut self, chosen: Vec<usize>, body: String, keepalive_cap: usize, now_ms: f64) -> Transmit {
        let id = self.next_id;
        self.next_id += 1;
        let room = self.config.keepalive_quota_bytes.saturating_sub(self.keepalive_used());
        let keepalive = body.len() <= room.min(keepalive_cap);
        #[cfg(test)]
        let mut message_ids = Vec::new();
        let guard_ms = if keepalive { now_ms + self.config.request_timeout_ms } else { now_ms };
        let items = self.queue.items_mut();
        for &index in &chosen {
            if let Some(item) = items.get_mut(index) {
                item.in_flight = Some(id);
                item.next_attempt_ms = guard_ms;
                item.flying_until_ms = guard_ms;
                item.saved = false;
                // Test builds only (see `Transmit::message_ids`).
                #[cfg(test)]
                message_ids.push(item.message_id.clone());
            }
        }
        self.dirty = true;
        let url_path = if chosen.len() > 1 { "/b" } else { path_for(&body) };
        self.flights.push(Flight { id, keepalive_bytes: if keepalive { body.len() } else { 0 } });
        Transmit {
            id,
            url_path,
            body,
            keepalive,
            timeout_ms: self.config.request_timeout_ms,
            #[cfg(test)]
            message_ids,
        }
    }

    /// Split-and-resend: a request of several events rejected for good is no verdict on any one
    /// of them (one invalid event makes a Segment-compatible endpoint reject the whole batch), so
    /// its events go back to waiting, due at once, each capped to half the request's count. The
    /// halves are resent apart and split again while rejected, so only an event rejected alone
    /// is dropped: one bad event among n costs about 2·log2(n) extra requests. No attempt is
    /// consumed. Returns false for a request of one event (then it is dropped).
    fn split(&mut self, id: u64, now_ms: f64) -> bool {
        let mut count = 0;
        for item in self.queue.items() {
            count += usize::from(matches!(item.in_flight, Some(x) if x == id));
        }
        if count < 2 {
            return false;
        }
        self.land(id, Landing::Split { cap: count.div_ceil(2) }, now_ms, 0.0);
        true
    }

    fn retry_later(&mut self, id: u64, code: u16, retry_after: Option<u32>, now_ms: f64, jitter: f64) {
        let gate = self.land(id, Landing::Retry { retry_after }, now_ms, jitter);
        if code == 429 || retry_after.is_some() {
            self.rate_gate_ms = self.rate_gate_ms.max(gate);
        }
        self.queue.remove_where(Pick::OutOfAttempts(self.config.max_attempts), Some(DropReason::RetriesExhausted), now_ms);
    }

    /// Puts the events of an unanswered-for-good transmit back to waiting; their batching delay is
    /// over, so they are due as soon as the gates open. With `may_still_fly` (a network error of a
    /// keepalive request: a navigation cancels the page's side of its fetches around `pagehide`
    /// while the browser goes on delivering keepalive ones, and a page cannot tell that from a
    /// real failure) the stored copies keep the request's guard and a page-hide flush skips them
    /// (`flying_until_ms`), so neither a next page nor the flush resends them while that request
    /// may still be on its way; a page that lives on retries them after the network backoff.
    fn release(&mut self, id: u64, may_still_fly: bool, now_ms: f64) {
        self.land(id, Landing::Release { may_still_fly }, now_ms, 0.0);
    }

    /// The events of request `id` are no longer in flight: back to waiting as `how` says (one loop
    /// for split, retry and release). Returns the latest `next_attempt_ms` it set for a retry.
    fn land(&mut self, id: u64, how: Landing, now_ms: f64, jitter: f64) -> f64 {
        let backoff = self.config.backoff;
        let keeps_guard = matches!(how, Landing::Release { may_still_fly: true });
        let mut latest = 0.0_f64;
        for item in self.queue.items_mut() {
            if !matches!(item.in_flight, Some(x) if x == id) {
                continue;
            }
            item.in_flight = None;
            item.saved &= keeps_guard;
            if !keeps_guard {
                item.flying_until_ms = 0.0;
            }
            item.next_attempt_ms = match how {
                Landing::Split { cap } => {
                    item.request_cap = item.request_cap.min(cap);
                    now_ms
                }
                Landing::Retry { retry_after } => {
                    item.attempts = item.attempts.saturating_add(1);
                    now_ms + backoff.server_delay_ms(item.attempts, retry_after, jitter)
                }
                Landing::Release { .. } => item.next_attempt_ms.min(now_ms),
            };
            latest = latest.max(item.next_attempt_ms);
        }
        self.dirty = true;
        latest
    }

    /// The longest wait the outbox itself ever sets (a capped `Retry-After`, the backoff cap, a
    /// request's in-flight guard): a wait ending further ahead comes from a clock that was ahead.
    fn clock_horizon_ms(&self) -> f64 {
        let backoff = self.config.backoff;
        backoff.retry_after_cap_ms.max(backoff.cap_ms).max(self.config.request_timeout_ms)
    }

    /// Clock rule: when time went backwards (a device clock corrected), waits and creation times
    /// that now lie beyond the horizon are brought back to now ([`Queue::clamp_future`]), and so
    /// are the outbox's gates; otherwise those events would be neither sent nor expired for as
    /// long as the clock was ahead, and `flush()` would wait its whole timeout every time.
    fn observe_clock(&mut self, now_ms: f64) {
        if now_ms < self.clock_ms {
            let horizon = self.clock_horizon_ms();
            self.dirty |= self.queue.clamp_future(now_ms, horizon);
            if self.rate_gate_ms > now_ms + horizon {
                self.rate_gate_ms = now_ms;
            }
            if self.network_gate_ms > now_ms + horizon {
                self.network_gate_ms = now_ms;
            }
        }
        self.clock_ms = now_ms;
    }

    fn connection_works(&mut self) {
        self.network_failures = 0;
        self.network_gate_ms = 0.0;
    }
}
