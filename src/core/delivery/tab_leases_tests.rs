//! The cross-tab lease protocol driven by a simulated clock: several simulated tabs share one
//! simulated localStorage whose writes reach the other tabs only after a propagation lag (as
//! between browser processes), so claims can really race. Each tab may have a skewed clock, may be
//! killed (nothing released), closed (lease released on `pagehide`) or frozen (no timers).
//!
//! The property every scenario checks at the end (all tabs awake, writes propagated): every event
//! ever queued is held by exactly one live tab and stored under that tab's keys: nothing lost, and
//! no event sent by two tabs.

use super::lease::{AdoptionLock, LeasePolicy};
use super::queue_format;
use super::tab_leases::{Merge, Step, TabLeases};
use crate::core::store::{Store, StoreKind};
use std::cell::RefCell;
use std::rc::Rc;

const WK: &str = "wk";
const LIVENESS: LeasePolicy = LeasePolicy::LIVENESS;
const T0: f64 = 1_795_393_993_123.0;

/// One write to the origin's localStorage: when, by which tab, key, value (`None`: removal).
type Write = (f64, usize, String, Option<String>);

/// The origin's localStorage as a log of writes; each tab sees its own writes at once and the
/// others' `lag_ms` later.
#[derive(Default)]
struct Origin {
    writes: Vec<Write>,
    lag_ms: f64,
    /// While a tab holds the Web Lock it sees every earlier write: the protocol assumes that what a
    /// holder wrote is visible to the next holder (the lock's release and grant order them).
    in_web_lock: bool,
}

/// One tab's view of [`Origin`] at its moment `now` (real time).
struct View<'a> {
    origin: &'a RefCell<Origin>,
    tab: usize,
    now: f64,
}

impl View<'_> {
    fn visible(&self, write: &Write) -> bool {
        let lag_ms = if self.origin.borrow().in_web_lock { 0.0 } else { self.origin.borrow().lag_ms };
        write.1 == self.tab || write.0 + lag_ms <= self.now
    }
}

impl Store for View<'_> {
    fn kind(&self) -> StoreKind {
        StoreKind::LocalStorage
    }
    fn get(&self, key: &str) -> Option<String> {
        let origin = self.origin.borrow();
        origin.writes.iter().rev().find(|w| w.2 == key && self.visible(w)).and_then(|w| w.3.clone())
    }
    fn set(&mut self, key: &str, raw: &str) -> bool {
        self.origin.borrow_mut().writes.push((self.now, self.tab, key.to_owned(), Some(raw.to_owned())));
        true
    }
    fn remove(&mut self, key: &str) {
        self.origin.borrow_mut().writes.push((self.now, self.tab, key.to_owned(), None));
    }
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let origin = self.origin.borrow();
        for write in origin.writes.iter().filter(|w| w.2.starts_with(prefix) && self.visible(w)) {
            if !keys.contains(&write.2) {
                keys.push(write.2.clone());
            }
        }
        drop(origin);
        keys.retain(|key| self.get(key).is_some());
        keys
    }
}

#[derive(PartialEq, Clone, Copy, Debug)]
enum Life {
    Running,
    /// No timers fire until this real time (a frozen background tab, a laptop asleep).
    FrozenUntil(f64),
    Dead,
}

struct Tab {
    leases: TabLeases,
    skew_ms: f64,
    life: Life,
    /// The events this tab would send (its outbox).
    held: Vec<String>,
}

struct Sim {
    origin: Rc<RefCell<Origin>>,
    now: f64,
    tabs: Vec<Tab>,
    web_locks: bool,
    /// Every `merge(orphan)` call: (adopter, orphan).
    merges: Vec<(usize, String)>,
    queued: Vec<String>,
}

impl Sim {
    fn new(lag_ms: f64, web_locks: bool) -> Sim {
        let origin = Rc::new(RefCell::new(Origin { writes: Vec::new(), lag_ms, in_web_lock: false }));
        Sim { origin, now: T0, tabs: Vec::new(), web_locks, merges: Vec::new(), queued: Vec::new() }
    }

    fn id(tab: usize) -> String {
        format!("tab{tab}")
    }

    /// A page load: a new tab (fresh id) that beats at once.
    fn open(&mut self, skew_ms: f64) -> usize {
        let tab = self.tabs.len();
        let lock = if self.web_locks { AdoptionLock::WebLocks } else { AdoptionLock::StorageLease };
        let leases = TabLeases::new(WK, &Sim::id(tab), LIVENESS, lock);
        self.tabs.push(Tab { leases, skew_ms, life: Life::Running, held: Vec::new() });
        self.beat(tab);
        tab
    }

    fn clock(&self, tab: usize) -> f64 {
        self.now + self.tabs[tab].skew_ms
    }

    /// The tab queues an event: written under its own key (write-ahead) and held.
    fn enqueue(&mut self, tab: usize, event: &str) {
        let key = queue_format::event_key_prefix(WK, &Sim::id(tab)) + event;
        let mut view = View { origin: &self.origin, tab, now: self.now };
        view.set(&key, event);
        self.tabs[tab].held.push(event.to_owned());
        self.queued.push(event.to_owned());
    }

    /// What `Tracker::adopt` does: the orphan's stored events join the adopter's outbox and keys.
    fn merge(origin: &RefCell<Origin>, now: f64, adopter: usize, held: &mut Vec<String>, orphan: &str) {
        let mut view = View { origin, tab: adopter, now };
        let prefix = queue_format::event_key_prefix(WK, orphan);
        for key in view.keys_with_prefix(&prefix) {
            let Some(event) = view.get(&key) else { continue };
            view.remove(&key);
            view.set(&(queue_format::event_key_prefix(WK, &Sim::id(adopter)) + &event), &event);
            held.push(event);
        }
    }

    fn apply(&mut self, tab: usize, step: Step) {
        if step.handed_over {
            self.tabs[tab].held.clear();
        }
        if step.request_web_lock {
            // navigator.locks.request(name, {ifAvailable: true}): the sim runs one tab at a time, so
            // the lock is always free here and `adopt` runs while holding it.
            self.origin.borrow_mut().in_web_lock = true;
            self.with_merge(tab, |leases, now, store, merge| {
                leases.adopt(now, store, merge);
            });
            self.origin.borrow_mut().in_web_lock = false;
        }
    }

    fn with_merge(&mut self, tab: usize, run: impl FnOnce(&mut TabLeases, f64, &mut View, &mut dyn Merge)) {
        let (origin, now, clock) = (self.origin.clone(), self.now, self.clock(tab));
        let Tab { leases, held, .. } = &mut self.tabs[tab];
        let mut merged = Vec::new();
        let mut view = View { origin: &origin, tab, now };
        run(leases, clock, &mut view, &mut |orphan: &str| {
            Sim::merge(&origin, now, tab, held, orphan);
            merged.push(orphan.to_owned());
        });
        self.merges.extend(merged.into_iter().map(|orphan| (tab, orphan)));
    }

    /// `pageshow`, a visible page, or the first beat.
    fn beat(&mut self, tab: usize) {
        let (origin, clock) = (self.origin.clone(), self.clock(tab));
        let mut view = View { origin: &origin, tab, now: self.now };
        let step = self.tabs[tab].leases.heartbeat(clock, &mut view);
        self.apply(tab, step);
    }

    /// The tab's one timer fires.
    fn fire(&mut self, tab: usize) {
        let mut step = Step::default();
        self.with_merge(tab, |leases, now, store, merge| step = leases.handle_timeout(now, store, merge));
        self.apply(tab, step);
    }

    /// Real time at which `tab`'s timer fires (its deadline on its own clock, unskewed).
    fn due(&self, tab: usize) -> Option<f64> {
        let t = &self.tabs[tab];
        let at = t.leases.poll_timeout() - t.skew_ms;
        match t.life {
            Life::Running => Some(at),
            Life::FrozenUntil(until) => Some(at.max(until)),
            Life::Dead => None,
        }
    }

    /// Fires every timer due up to real time `until`, earliest first (ties: lowest tab first).
    fn run_until(&mut self, until: f64) {
        loop {
            let next = (0..self.tabs.len())
                .filter_map(|tab| self.due(tab).map(|at| (at, tab)))
                .filter(|(at, _)| *at <= until)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            let Some((at, tab)) = next else { break };
            self.now = self.now.max(at);
            if let Life::FrozenUntil(_) = self.tabs[tab].life {
                self.tabs[tab].life = Life::Running;
            }
            self.fire(tab);
        }
        self.now = self.now.max(until);
    }

    fn kill(&mut self, tab: usize) {
        self.tabs[tab].life = Life::Dead;
    }

    /// `pagehide` of a closing tab: the lease is released, the tab is gone.
    fn close(&mut self, tab: usize) {
        let mut view = View { origin: &self.origin, tab, now: self.now };
        self.tabs[tab].leases.release(&mut view);
        self.kill(tab);
    }

    fn live(&self) -> Vec<usize> {
        (0..self.tabs.len()).filter(|&t| self.tabs[t].life != Life::Dead).collect()
    }

    /// Wakes every tab, lets every write propagate and every orphan be adopted, then checks that
    /// each queued event is held by exactly one live tab, under that tab's key.
    fn settle_and_check(&mut self, label: &str) {
        for tab in self.live() {
            self.tabs[tab].life = Life::Running;
        }
        self.run_until(self.now + 2.0 * LIVENESS.duration_ms + 10.0 * LIVENESS.heartbeat_ms);
        let origin = self.origin.clone();
        for event in &self.queued {
            let holders: Vec<usize> = self.live().into_iter().filter(|&t| self.tabs[t].held.contains(event)).collect();
            assert_eq!(holders.len(), 1, "{label}: {event} held by live tabs {holders:?}; merges {:?}", self.merges);
            let view = View { origin: &origin, tab: holders[0], now: self.now };
            let key = queue_format::event_key_prefix(WK, &Sim::id(holders[0])) + event;
            assert_eq!(view.get(&key).as_deref(), Some(event.as_str()), "{label}: {event} not stored under its holder");
        }
    }

    fn merges_of(&self, orphan: usize) -> Vec<usize> {
        self.merges.iter().filter(|(_, o)| *o == Sim::id(orphan)).map(|(a, _)| *a).collect()
    }
}

#[test]
fn a_closed_tab_is_adopted_at_the_next_beat_and_a_live_one_never() {
    for web_locks in [false, true] {
        let mut sim = Sim::new(0.0, web_locks);
        let (a, b) = (sim.open(0.0), sim.open(0.0));
        sim.enqueue(a, "e1");
        sim.enqueue(b, "e2");
        sim.run_until(T0 + 10.0 * 60_000.0);
        assert!(sim.merges.is_empty(), "live tabs are never adopted: {:?}", sim.merges);
        sim.close(a);
        sim.run_until(sim.now + LIVENESS.heartbeat_ms + LIVENESS.settle_ms.max(1.0) + ADOPTION_SETTLE);
        assert_eq!(sim.merges_of(a), [b], "web_locks {web_locks}");
        sim.settle_and_check("closed");
    }
}

const ADOPTION_SETTLE: f64 = LeasePolicy::ADOPTION.settle_ms;

#[test]
fn a_killed_tab_is_adopted_only_once_its_lease_expired() {
    let mut sim = Sim::new(0.0, false);
    let (a, b) = (sim.open(0.0), sim.open(0.0));
    sim.enqueue(a, "e1");
    let killed_at = sim.now;
    sim.kill(a);
    sim.run_until(killed_at + LIVENESS.duration_ms - 1.0);
    assert!(sim.merges.is_empty());
    sim.run_until(killed_at + LIVENESS.duration_ms + LIVENESS.heartbeat_ms + ADOPTION_SETTLE);
    assert_eq!(sim.merges_of(a), [b]);
    sim.settle_and_check("killed");
}

/// Both tabs find the same orphan in the same instant: each reads the adoption lease free (the
/// other's claim has not reached it yet) and writes its claim. After `settle_ms` both read back
/// the last write: exactly one adopts.
#[test]
fn two_tabs_claiming_the_same_orphan_at_once_adopt_it_once() {
    for lag_ms in [0.0, 1.0, 50.0, ADOPTION_SETTLE - 1.0] {
        for order in [[1, 2], [2, 1]] {
            let mut sim = Sim::new(lag_ms, false);
            let orphan = sim.open(0.0);
            let (b, c) = (sim.open(0.0), sim.open(0.0));
            sim.enqueue(orphan, "e1");
            sim.enqueue(orphan, "e2");
            sim.run_until(sim.now + lag_ms);
            sim.close(orphan);
            sim.run_until(sim.now + lag_ms);
            // Both beat in the same instant, before either claim has propagated.
            sim.beat(order[0]);
            sim.beat(order[1]);
            let (claim_b, claim_c) = (sim.tabs[b].leases.poll_timeout(), sim.tabs[c].leases.poll_timeout());
            if lag_ms > 0.0 {
                assert_eq!((claim_b, claim_c), (sim.now + ADOPTION_SETTLE, sim.now + ADOPTION_SETTLE), "both claimed (lag {lag_ms})");
            }
            sim.run_until(sim.now + ADOPTION_SETTLE);
            assert_eq!(sim.merges_of(orphan).len(), 1, "lag {lag_ms}, order {order:?}: {:?}", sim.merges);
            sim.settle_and_check("race");
        }
    }
}

/// A tab that claims the adoption lease and dies before reading it back blocks adoption only until
/// its claim expires; then another tab adopts the orphan, and later the dead claimer's queue too.
#[test]
fn a_tab_that_dies_mid_claim_holds_adoption_up_only_until_its_claim_expires() {
    let mut sim = Sim::new(0.0, false);
    let (orphan, a, b) = (sim.open(0.0), sim.open(0.0), sim.open(0.0));
    sim.enqueue(orphan, "e1");
    sim.enqueue(a, "e2");
    sim.close(orphan);
    sim.beat(a); // claims the adoption lease…
    let claimed_at = sim.now;
    sim.kill(a); // …and dies before reading it back.
    sim.run_until(claimed_at + 1.0);
    sim.beat(b);
    sim.run_until(claimed_at + ADOPTION_SETTLE + 1.0);
    assert!(sim.merges.is_empty(), "the dead tab's live claim keeps b out: {:?}", sim.merges);
    sim.run_until(claimed_at + LeasePolicy::ADOPTION.duration_ms + 1.0);
    sim.beat(b);
    sim.run_until(sim.now + ADOPTION_SETTLE);
    assert_eq!(sim.merges_of(orphan), [b]);
    sim.settle_and_check("died mid-claim");
    assert_eq!(sim.merges_of(a), [b], "the dead claimer's own queue once its liveness lease expired");
}

/// A tab frozen longer than its lease is adopted; when it wakes it learns so from its liveness
/// record, hands its events over and is not adopted again.
#[test]
fn a_frozen_tab_that_was_adopted_hands_over_when_it_wakes() {
    let mut sim = Sim::new(20.0, false);
    let (x, b) = (sim.open(0.0), sim.open(0.0));
    sim.enqueue(x, "e1");
    sim.tabs[x].life = Life::FrozenUntil(sim.now + 3.0 * LIVENESS.duration_ms);
    sim.run_until(sim.now + 2.0 * LIVENESS.duration_ms);
    assert_eq!(sim.merges_of(x), [b]);
    assert!(sim.tabs[x].held.contains(&"e1".to_owned()), "still frozen: it has not heard yet");
    sim.settle_and_check("frozen");
    assert!(sim.tabs[x].held.is_empty());
    sim.enqueue(x, "e2");
    sim.settle_and_check("frozen, after waking");
    assert_eq!(sim.merges_of(x), [b], "adopted once");
}

/// Clocks of tabs differ (each tab reads its own `Date.now()`): up to ±30 s a live tab is never
/// taken for dead and an orphan is still adopted exactly once.
#[test]
fn clock_skew_neither_adopts_a_live_tab_nor_adopts_twice() {
    for skew in [-30_000.0, -5_000.0, 5_000.0, 30_000.0] {
        for web_locks in [false, true] {
            let mut sim = Sim::new(10.0, web_locks);
            let (a, b, c) = (sim.open(0.0), sim.open(skew), sim.open(-skew / 2.0));
            for (tab, event) in [(a, "e1"), (b, "e2"), (c, "e3")] {
                sim.enqueue(tab, event);
            }
            sim.run_until(sim.now + 10.0 * 60_000.0);
            assert!(sim.merges.is_empty(), "skew {skew}: {:?}", sim.merges);
            sim.close(a);
            sim.settle_and_check("skew");
            assert_eq!(sim.merges_of(a).len(), 1, "skew {skew}, web_locks {web_locks}: {:?}", sim.merges);
        }
    }
}

/// Seeded runs of random interleavings: tabs open (page loads), queue events, close, get killed or
/// frozen, with clock skews up to ±30 s. Nothing is lost and no event ends up with two tabs.
/// Writes propagate at once here: with a propagation lag these runs find the crossing race of
/// [`an_owner_renewing_while_its_adoption_propagates_keeps_its_events`] (seed 45 with lags up to 90 ms).
#[test]
fn random_tab_lives_lose_nothing_and_duplicate_nothing() {
    let mut adoptions = 0;
    for seed in 1..=60u64 {
        let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let mut sim = Sim::new(0.0, next(2) == 0);
        let skew = |next: &mut dyn FnMut(u64) -> u64| next(60_001) as f64 - 30_000.0;
        for _ in 0..2 {
            let s = skew(&mut next);
            sim.open(s);
        }
        for step in 0..80 {
            // Only a running tab acts (a frozen one runs no script); its timer wakes it.
            let live = sim.live();
            let running: Vec<usize> = live.iter().copied().filter(|&t| sim.tabs[t].life == Life::Running).collect();
            if running.is_empty() {
                let until = sim.now + next(90_000) as f64;
                sim.run_until(until);
                continue;
            }
            let tab = running[next(running.len() as u64) as usize];
            match next(10) {
                0..=3 => sim.enqueue(tab, &format!("s{seed}e{step}")),
                4 if live.len() > 1 => sim.close(tab),
                5 if live.len() > 1 => sim.kill(tab),
                6 => sim.tabs[tab].life = Life::FrozenUntil(sim.now + next(400_000) as f64),
                7 if live.len() < 5 => {
                    let s = skew(&mut next);
                    sim.open(s);
                }
                _ => {}
            }
            let until = sim.now + next(90_000) as f64;
            sim.run_until(until);
        }
        if !sim.live().iter().any(|&t| sim.tabs[t].life == Life::Running) {
            sim.open(0.0);
        }
        sim.settle_and_check(&format!("seed {seed}"));
        adoptions += sim.merges.len();
    }
    assert!(adoptions > 60, "the runs exercise adoption ({adoptions} adoptions)");
}

/// KNOWN RACE (found by the seeded runs with a propagation lag; not fixed): a tab frozen past its
/// lease wakes and renews within the propagation lag of another tab adopting it. Its renewal
/// overwrites the adopter's claim in its liveness record, so it never learns it was adopted and
/// both tabs hold (and send) the events: duplicates, never a loss (Segment dedupes by messageId
/// within ~24 h). A fix needs the adopter to read its claim back before merging (settle, as the
/// adoption lease does), which under Web Locks means holding the lock across a timer.
#[test]
#[ignore = "known crossing race between an adoption and the adopted tab's renewal; see the doc comment"]
fn an_owner_renewing_while_its_adoption_propagates_keeps_its_events() {
    let mut sim = Sim::new(50.0, true);
    let (x, b) = (sim.open(0.0), sim.open(0.0));
    sim.enqueue(x, "e1");
    sim.run_until(sim.now + 100.0);
    sim.tabs[x].life = Life::FrozenUntil(f64::INFINITY);
    while sim.merges_of(x).is_empty() {
        sim.run_until(sim.now + 1.0);
    }
    assert_eq!(sim.merges_of(x), [b]);
    sim.tabs[x].life = Life::Running;
    sim.now += 10.0;
    sim.beat(x); // within the lag: it cannot see b's claim yet, and overwrites it
    sim.settle_and_check("crossing");
}
