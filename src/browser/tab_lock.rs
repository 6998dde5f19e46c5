//! Cross-tab ownership of queues in the browser: each tab's liveness lease in localStorage, the
//! list of orphaned queues, and the adoption lock (Web Locks `navigator.locks` where available,
//! else the localStorage adoption lease with claim-settle-verify).
//!
//! Protocol (decisions in `core::delivery::lease`, keys in `core::delivery::queue_format`): every tab
//! sends only its own queue (`wa:q:v2:<wk>:<tab>:*`; `wa:queue:v1:<wk>:<tab>` from older builds is
//! still adopted) and keeps `wa:alive:v1:<wk>:<tab>` renewed;
//! it removes that lease on `pagehide`, so a reload's or a closed tab's queue is an orphan at once,
//! a killed tab's when the lease expires. Under the adoption lock a live tab writes its own claim
//! into the orphan's liveness record (so a frozen-not-dead owner learns it was adopted and hands
//! over), then the tracker moves the orphan's events into its own outbox and keys.
//! Holds no delivery state; never throws.

use crate::core::delivery::lease::{self, Lease, LeaseDecision, LeasePolicy};
use crate::core::delivery::queue_format;
use crate::browser::lifecycle::detached_timer;
use crate::browser::local_store::keys_with_prefix;
use crate::browser::{callbacks, host};

/// What a heartbeat found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Heartbeat {
    /// This tab owns its queue; beat again at `next_ms`.
    Alive {
        /// When to call `heartbeat` next (epoch ms).
        next_ms: f64,
    },
    /// Another tab adopted this tab's queue: call `Outbox::hand_over_all` now, before sending.
    /// The lease is already reclaimed; beat again at `next_ms`.
    Adopted {
        /// When to call `heartbeat` next (epoch ms).
        next_ms: f64,
    },
}

/// One tab's identity and leases for one source.
pub struct TabLock {
    write_key: String,
    tab_id: String,
    /// Whether localStorage could be opened (else no lease is read or written).
    storage: bool,
    liveness: LeasePolicy,
}

impl TabLock {
    /// The tab `tab_id` (fresh per page load, e.g. a UUID) of source `write_key`, with the
    /// liveness lease timing `liveness` (`Config::liveness`).
    pub fn new(write_key: &str, tab_id: &str, liveness: LeasePolicy) -> Self {
        let storage = host::has_storage();
        TabLock { write_key: write_key.to_owned(), tab_id: tab_id.to_owned(), storage, liveness }
    }

    /// This tab's id.
    pub fn tab_id(&self) -> &str {
        &self.tab_id
    }

    /// Renews this tab's liveness lease. Call at load, at the returned time, on `pageshow`, and
    /// before sending after the page was hidden (cheap: one small read).
    pub fn heartbeat(&self, now_ms: f64) -> Heartbeat {
        let key = queue_format::alive_key(&self.write_key, &self.tab_id);
        let policy = self.liveness;
        let current = self.read_lease(&key);
        let adopted = lease::was_adopted(current.as_ref(), &self.tab_id);
        let next_ms = match lease::decide(current.as_ref(), &self.tab_id, now_ms, policy) {
            LeaseDecision::Keep { until_ms } if !adopted => until_ms,
            _ => {
                self.write(&key, &lease::encode(&lease::claim(&self.tab_id, now_ms, policy)));
                now_ms + policy.heartbeat_ms
            }
        };
        if adopted {
            Heartbeat::Adopted { next_ms }
        } else {
            Heartbeat::Alive { next_ms }
        }
    }

    /// On `pagehide`: frees the liveness lease so the next page (or another tab) adopts at once.
    /// A page restored from the back-forward cache calls `heartbeat` on `pageshow`.
    pub fn release(&self) {
        if self.storage {
            host::remove_item(&queue_format::alive_key(&self.write_key, &self.tab_id));
        }
    }

    /// The tabs whose queues may be adopted now.
    pub fn orphans(&self, now_ms: f64) -> Vec<String> {
        let mut orphans = self.queue_tabs();
        orphans.retain(|tab| {
            let alive = self.read_lease(&queue_format::alive_key(&self.write_key, tab));
            lease::is_orphan(tab, alive.as_ref(), &self.tab_id, now_ms)
        });
        orphans
    }

    /// Adopts every orphan. Call only while holding the adoption lock ([`TabLock::with_adoption_lock`]).
    /// Claims each orphan's liveness record, then `merge(tab)` moves that tab's stored events into
    /// this tab (`Tracker::adopt`). Returns how many tabs were adopted.
    pub fn adopt(&self, now_ms: f64, mut merge: impl FnMut(&str)) -> usize {
        let orphans = self.orphans(now_ms);
        for tab in &orphans {
            let claim = lease::claim(&self.tab_id, now_ms, self.liveness);
            self.write(&queue_format::alive_key(&self.write_key, tab), &lease::encode(&claim));
            merge(tab);
        }
        orphans.len()
    }

    /// Runs `run` while this tab holds the origin's adoption lock; skips it when another tab holds
    /// it (the next heartbeat tries again). Web Locks where available; else the adoption lease:
    /// claim, wait `settle_ms`, run only if the claim survived, then free it. `run` may execute
    /// later (always from a fresh task), so it must re-read the time and re-borrow its state.
    pub fn with_adoption_lock(&self, now_ms: f64, run: impl FnOnce() + 'static) {
        let name = queue_format::adoption_key(&self.write_key);
        if host::has_locks() {
            // A refused request (opaque origins) means storage is unusable too: nothing to adopt.
            host::lock(callbacks::once(move |held, _| if held > 0.0 { run() }), &name);
            return;
        }
        self.with_adoption_lease(name, now_ms, run);
    }

    fn with_adoption_lease(&self, key: String, now_ms: f64, run: impl FnOnce() + 'static) {
        if !self.storage {
            return;
        }
        let policy = LeasePolicy::ADOPTION;
        if lease::decide(self.read_lease(&key).as_ref(), &self.tab_id, now_ms, policy) != LeaseDecision::Acquire {
            return;
        }
        self.write(&key, &lease::encode(&lease::claim(&self.tab_id, now_ms, policy)));
        let me = self.tab_id.clone();
        detached_timer(policy.settle_ms, move || {
            let current = host::get_item(&key).and_then(|raw| lease::decode(&raw));
            if lease::holds(current.as_ref(), &me, host::now_ms()) {
                run();
                host::remove_item(&key);
            }
        });
    }

    /// Tab ids of every queue of this source in localStorage (either layout), each once.
    fn queue_tabs(&self) -> Vec<String> {
        if !self.storage {
            return Vec::new();
        }
        let mut tabs: Vec<String> = Vec::new();
        for key in keys_with_prefix("") {
            if let Some(tab) = queue_format::tab_of_any_queue_key(&key, &self.write_key) {
                if !tabs.iter().any(|t| t == tab) {
                    tabs.push(tab.to_owned());
                }
            }
        }
        tabs
    }

    fn read(&self, key: &str) -> Option<String> {
        self.storage.then(|| host::get_item(key)).flatten()
    }

    fn read_lease(&self, key: &str) -> Option<Lease> {
        self.read(key).and_then(|raw| lease::decode(&raw))
    }

    fn write(&self, key: &str, value: &str) {
        if self.storage {
            host::set_item(key, value);
        }
    }
}
