//! The cross-tab lease protocol as a sans-IO machine: one tab's liveness lease (heartbeat), the
//! orphaned queues it may adopt, and the adoption lock (Web Locks where the shell has them, else
//! the localStorage adoption lease with claim → settle → verify). Record format and single
//! decisions are [`lease`]'s, keys [`queue_format`]'s.
//!
//! Protocol: every tab sends only its own queue (`wa:q:v2:<wk>:<tab>:*`) and keeps `wa:alive:v1:<wk>:<tab>` renewed; it removes that
//! lease on `pagehide`, so a reload's or a closed tab's queue is an orphan at once, a killed tab's
//! when the lease expires. Under the adoption lock a live tab writes its own claim into each
//! orphan's liveness record (so a frozen-not-dead owner learns it was adopted and hands over:
//! [`Step::handed_over`]), then the caller's `merge(tab)` moves the orphan's events into its own
//! outbox (`Tracker::adopt`).
//!
//! Inputs are the time (`now_ms`, read by the shell) and the origin's shared storage (a [`Store`]
//! over localStorage; a shared [`crate::core::store::MemoryStore`] in tests). The one timer it needs
//! is [`TabLeases::poll_timeout`]; the shell calls [`TabLeases::handle_timeout`] then. It never
//! waits, reads a clock or touches the platform. May import `core::{store, json, text}` and delivery's
//! own modules; must not import `core::identity`, `core::event` or any platform crate.

use crate::core::delivery::lease::{self, AdoptionLock, Lease, LeaseDecision, LeasePolicy};
use crate::core::delivery::queue_format;
use crate::core::store::Store;
use crate::core::text;

/// How adopting moves an orphan's events into this tab's outbox: `merge(tab)` (the shell's
/// `Tracker::adopt`). A one-method trait rather than `dyn FnMut(&str)`, whose vtable carries a
/// `call_once` shim too; any `FnMut(&str)` closure is one.
pub trait Merge {
    /// Merges the orphaned queue of `tab`.
    fn merge(&mut self, tab: &str);
}

impl<F: FnMut(&str)> Merge for F {
    fn merge(&mut self, tab: &str) {
        self(tab);
    }
}

/// What the shell must do after an input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// Another tab adopted this tab's queue: forget its events now, before sending
    /// (`Tracker::hand_over_all`). This tab's lease is already reclaimed.
    pub handed_over: bool,
    /// There are orphans and the shell has Web Locks: ask for the lock named
    /// [`TabLeases::lock_name`] (only if free) and call [`TabLeases::adopt`] while holding it.
    pub request_web_lock: bool,
    /// How many orphaned tabs `merge` was called for.
    pub adopted: usize,
}

/// One tab's leases for one source.
#[derive(Debug)]
pub struct TabLeases {
    /// [`queue_format::alive_prefix`] of the source: a tab's liveness key is it and the tab id.
    alive_prefix: String,
    tab_id: String,
    liveness: LeasePolicy,
    lock: AdoptionLock,
    /// [`queue_format::adoption_key`] of the source, made once.
    adoption_key: String,
    /// This tab's [`queue_format::alive_key`], made once.
    alive_key: String,
    /// The source's [`queue_format::event_source_prefix`], made once.
    source_prefix: String,
    next_beat_ms: f64,
    /// When this tab's adoption claim is read back (`None`: no claim outstanding).
    settle_at_ms: Option<f64>,
}

impl TabLeases {
    /// The tab `tab_id` (fresh per page load) of source `write_key`, with liveness timing
    /// `liveness` (`Config::liveness`), adopting under `lock` ([`lease::adoption_lock`] of what the
    /// engine offers). Call [`TabLeases::heartbeat`] at once.
    pub fn new(write_key: &str, tab_id: &str, liveness: LeasePolicy, lock: AdoptionLock) -> Self {
        TabLeases {
            alive_prefix: queue_format::alive_prefix(write_key),
            tab_id: tab_id.to_owned(),
            liveness,
            lock,
            adoption_key: queue_format::adoption_key(write_key),
            alive_key: queue_format::alive_key(write_key, tab_id),
            source_prefix: queue_format::event_source_prefix(write_key),
            next_beat_ms: 0.0,
            settle_at_ms: None,
        }
    }

    /// This tab's id.
    pub fn tab_id(&self) -> &str {
        &self.tab_id
    }

    /// The Web Lock that serialises adoption across the origin's tabs.
    pub fn lock_name(&self) -> &str {
        &self.adoption_key
    }

    /// When [`TabLeases::handle_timeout`] is due (epoch ms).
    pub fn poll_timeout(&self) -> f64 {
        match self.settle_at_ms {
            Some(settle) if settle < self.next_beat_ms => settle,
            _ => self.next_beat_ms,
        }
    }

    /// Runs what is due at `now_ms`: reads back an adoption claim (adopting through `merge` when it
    /// survived) and beats.
    pub fn handle_timeout(&mut self, now_ms: f64, store: &mut dyn Store, merge: &mut dyn Merge) -> Step {
        let mut adopted = 0;
        if self.settle_at_ms.is_some_and(|at| now_ms >= at) {
            adopted = self.settle(now_ms, store, merge);
        }
        if now_ms >= self.next_beat_ms {
            let mut step = self.heartbeat(now_ms, store);
            step.adopted = adopted;
            return step;
        }
        Step { adopted, ..Step::default() }
    }

    /// Renews this tab's liveness lease and, when there are orphans, starts adopting them. Call at
    /// load, on `pageshow` and when the page becomes visible (timers of hidden pages are throttled),
    /// and through [`TabLeases::handle_timeout`].
    pub fn heartbeat(&mut self, now_ms: f64, store: &mut dyn Store) -> Step {
        let key = &self.alive_key;
        let current = read_lease(store, key);
        let handed_over = lease::was_adopted(current.as_ref(), &self.tab_id);
        self.next_beat_ms = match lease::decide(current.as_ref(), &self.tab_id, now_ms, self.liveness) {
            LeaseDecision::Keep { until_ms } if !handed_over => until_ms,
            _ => {
                store.set(key, &lease::claim_record(&self.tab_id, now_ms, self.liveness));
                now_ms + self.liveness.heartbeat_ms
            }
        };
        let mut step = Step { handed_over, ..Step::default() };
        if self.orphans(now_ms, store).is_empty() {
            return step;
        }
        match self.lock {
            AdoptionLock::WebLocks => step.request_web_lock = true,
            AdoptionLock::StorageLease => self.claim_adoption(now_ms, store),
            AdoptionLock::Nothing => {}
        }
        step
    }

    /// On `pagehide`: frees the liveness lease so the next page (or another tab) adopts at once.
    /// A page restored from the back-forward cache beats again on `pageshow`.
    pub fn release(&mut self, store: &mut dyn Store) {
        store.remove(&self.alive_key);
    }

    /// The tabs whose queues may be adopted now: another tab's queue whose liveness lease is not live.
    pub fn orphans(&self, now_ms: f64, store: &dyn Store) -> Vec<String> {
        // Each tab once (one key per event): `seen` holds every tab looked at (borrowed from `keys`).
        let keys = store.keys_with_prefix(&self.source_prefix);
        let (mut seen, mut orphans): (Vec<&str>, Vec<String>) = (Vec::new(), Vec::new());
        for key in &keys {
            let Some(tab) = key.strip_prefix(self.source_prefix.as_str()).and_then(queue_format::tab_after_source) else { continue };
            if text::is_one_of(&seen, tab) {
                continue;
            }
            seen.push(tab);
            let alive = read_lease(store, &self.alive_key_of(tab));
            if lease::is_orphan(tab, alive.as_ref(), &self.tab_id, now_ms) {
                orphans.push(tab.to_owned());
            }
        }
        orphans
    }

    /// Adopts every orphan: claims its liveness record, then `merge(tab)`. Call only while holding
    /// the adoption lock (the Web Lock of [`Step::request_web_lock`]; the lease path calls it itself).
    /// Returns how many tabs were adopted.
    pub fn adopt(&mut self, now_ms: f64, store: &mut dyn Store, merge: &mut dyn Merge) -> usize {
        let orphans = self.orphans(now_ms, store);
        // The same claim for every orphan: written once.
        let claim = lease::claim_record(&self.tab_id, now_ms, self.liveness);
        for tab in &orphans {
            store.set(&self.alive_key_of(tab), &claim);
            merge.merge(tab);
        }
        orphans.len()
    }

    /// The liveness key of `tab` ([`queue_format::alive_key`]).
    fn alive_key_of(&self, tab: &str) -> String {
        let mut key = self.alive_prefix.clone();
        key.push_str(tab);
        key
    }

    /// Without Web Locks: writes this tab's claim on the adoption lease when it is free (another
    /// live claim means another tab is adopting: the next beat looks again).
    fn claim_adoption(&mut self, now_ms: f64, store: &mut dyn Store) {
        let key = &self.adoption_key;
        let policy = LeasePolicy::ADOPTION;
        if self.settle_at_ms.is_some()
            || lease::decide(read_lease(store, key).as_ref(), &self.tab_id, now_ms, policy) != LeaseDecision::Acquire
        {
            return;
        }
        store.set(key, &lease::claim_record(&self.tab_id, now_ms, policy));
        self.settle_at_ms = Some(now_ms + policy.settle_ms);
    }

    /// Reads the adoption claim back after `settle_ms`: adopts and frees the lease only if the claim
    /// survived (localStorage has no compare-and-set; the last writer wins).
    fn settle(&mut self, now_ms: f64, store: &mut dyn Store, merge: &mut dyn Merge) -> usize {
        self.settle_at_ms = None;
        if !lease::holds(read_lease(store, &self.adoption_key).as_ref(), &self.tab_id, now_ms) {
            return 0;
        }
        let adopted = self.adopt(now_ms, store, merge);
        store.remove(&self.adoption_key);
        adopted
    }
}

fn read_lease(store: &dyn Store, key: &str) -> Option<Lease> {
    store.get(key).and_then(|raw| lease::decode(&raw))
}
