//! Cross-tab leases in localStorage, for browsers without Web Locks: the record format, and the
//! single decisions (renew, acquire, wait, is the holder gone). The protocol that strings them
//! together over storage and time is [`super::tab_leases`].
//!
//! Two uses, two policies: [`LeasePolicy::LIVENESS`] (each tab keeps its own lease alive; a queue
//! whose tab lease expired is an orphan a live tab may adopt) and [`LeasePolicy::ADOPTION`]
//! (the short critical section during which one tab adopts orphans). localStorage has no atomic
//! compare-and-set, so an acquirer writes its claim, waits `settle_ms` and reads back: it holds
//! the lease only if its own claim survived. Must not import anything platform-specific.

use crate::core::json;

/// A lease record, stored as `{"tabId":"…","expiresMs":1795392993123}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lease {
    /// The holder.
    pub tab_id: String,
    /// Epoch ms after which the lease is free.
    pub expires_ms: f64,
}

/// Timing of one kind of lease.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeasePolicy {
    /// A claim or renewal lasts this long.
    pub duration_ms: f64,
    /// The holder renews this often.
    pub heartbeat_ms: f64,
    /// An acquirer reads its claim back after this long.
    pub settle_ms: f64,
}

impl LeasePolicy {
    /// Tab liveness: renewed every 20 s, valid 120 s. Hidden tabs may run timers only once a
    /// minute (Chromium intensive throttling), so anything under ~70 s would declare live
    /// background tabs dead. A tab releases its lease on `pagehide`, so reloads and normal closes
    /// hand over at once; only a killed tab's queue waits up to 2 minutes.
    pub const LIVENESS: LeasePolicy = LeasePolicy { duration_ms: 120_000.0, heartbeat_ms: 20_000.0, settle_ms: 0.0 };
    /// Adoption: held for one read-merge-write, so 5 s is ample; 100 ms for other tabs' writes to land.
    pub const ADOPTION: LeasePolicy = LeasePolicy { duration_ms: 5_000.0, heartbeat_ms: 2_000.0, settle_ms: 100.0 };
}

/// What a tab should do about a lease, given the current record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LeaseDecision {
    /// It is ours and due for renewal: write [`claim`].
    Renew,
    /// It is ours and fresh: nothing to do until the given time.
    Keep {
        /// When to look again (next heartbeat).
        until_ms: f64,
    },
    /// Free or expired: write [`claim`], then read back after `settle_ms` ([`holds`]).
    Acquire,
    /// Another live tab holds it: look again at the given time.
    Wait {
        /// The holder's expiry.
        until_ms: f64,
    },
}

/// How a tab takes the origin's adoption lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdoptionLock {
    /// `navigator.locks`: the browser grants the named lock to one tab at a time.
    WebLocks,
    /// The localStorage adoption lease ([`LeasePolicy::ADOPTION`], claim-settle-verify): where the
    /// engine has no Web Locks, e.g. every engine on an `http://` page outside loopback (Web Locks
    /// exist only in secure contexts).
    StorageLease,
    /// localStorage is unusable: no queue was stored, so there is nothing to adopt.
    Nothing,
}

/// The adoption lock for an engine that offers Web Locks (`web_locks`) and usable localStorage
/// (`storage`), as the shell found them on this page.
pub fn adoption_lock(web_locks: bool, storage: bool) -> AdoptionLock {
    match (storage, web_locks) {
        (false, _) => AdoptionLock::Nothing,
        (true, true) => AdoptionLock::WebLocks,
        (true, false) => AdoptionLock::StorageLease,
    }
}

/// Decides what `me` does about the lease `current` (as read from storage) at `now_ms`.
pub fn decide(current: Option<&Lease>, me: &str, now_ms: f64, policy: LeasePolicy) -> LeaseDecision {
    match current {
        Some(lease) if is_live(Some(lease), now_ms) && lease.tab_id == me => {
            let renew_at = lease.expires_ms - policy.duration_ms + policy.heartbeat_ms;
            if now_ms >= renew_at {
                LeaseDecision::Renew
            } else {
                LeaseDecision::Keep { until_ms: renew_at }
            }
        }
        Some(lease) if is_live(Some(lease), now_ms) => LeaseDecision::Wait { until_ms: lease.expires_ms },
        _ => LeaseDecision::Acquire,
    }
}

/// True when a lease record exists and has not expired (an absent or unreadable record is free).
pub fn is_live(current: Option<&Lease>, now_ms: f64) -> bool {
    current.is_some_and(|lease| now_ms < lease.expires_ms)
}

/// True when `me` holds the lease according to the record read back.
pub fn holds(current: Option<&Lease>, me: &str, now_ms: f64) -> bool {
    is_live(current, now_ms) && current.is_some_and(|lease| lease.tab_id == me)
}

/// True when `me` may adopt the queue of `tab`, whose liveness record reads `alive`: another tab
/// without a live liveness lease (closed, crashed, or reloaded: a tab releases its lease on
/// `pagehide`).
pub fn is_orphan(tab: &str, alive: Option<&Lease>, me: &str, now_ms: f64) -> bool {
    tab != me && !is_live(alive, now_ms)
}

/// The tabs whose queues `me` may adopt ([`is_orphan`]). Each entry is a queue's tab id and that
/// tab's liveness record as read.
pub fn orphaned<'a>(queues: &'a [(String, Option<Lease>)], me: &str, now_ms: f64) -> Vec<&'a str> {
    let mut orphans = Vec::new();
    for (tab, alive) in queues {
        if is_orphan(tab, alive.as_ref(), me, now_ms) {
            orphans.push(tab.as_str());
        }
    }
    orphans
}

/// True when another tab has written its claim into `me`'s liveness record: it adopted (or is
/// adopting) `me`'s queue, so `me` must hand its events over (`Outbox::hand_over_all`) before
/// sending again, then renew its own lease.
pub fn was_adopted(own_alive: Option<&Lease>, me: &str) -> bool {
    own_alive.is_some_and(|lease| lease.tab_id != me)
}

/// The record `me` writes to claim or renew.
pub fn claim(me: &str, now_ms: f64, policy: LeasePolicy) -> Lease {
    Lease { tab_id: me.to_owned(), expires_ms: now_ms + policy.duration_ms }
}

/// Writes a record.
pub fn encode(lease: &Lease) -> String {
    record(&lease.tab_id, lease.expires_ms)
}

/// The record `me` writes to claim or renew ([`claim`], [`encode`]d), written straight from `me`.
pub fn claim_record(me: &str, now_ms: f64, policy: LeasePolicy) -> String {
    record(me, now_ms + policy.duration_ms)
}

fn record(tab_id: &str, expires_ms: f64) -> String {
    let mut out = String::from("{\"tabId\":");
    json::push_str(&mut out, tab_id);
    out.push_str(",\"expiresMs\":");
    json::push_u64(&mut out, expires_ms as u64);
    out.push('}');
    out
}

/// Reads a record; anything unreadable is `None` (a free lease).
pub fn decode(raw: &str) -> Option<Lease> {
    let tab_id = json::parse_str(json::get(raw, "tabId")?)?;
    let expires_ms = json::whole_number(json::get(raw, "expiresMs")?)? as f64;
    if tab_id.is_empty() {
        return None;
    }
    Some(Lease { tab_id, expires_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: LeasePolicy = LeasePolicy { duration_ms: 100.0, heartbeat_ms: 30.0, settle_ms: 10.0 };

    fn lease(tab: &str, expires_ms: f64) -> Lease {
        Lease { tab_id: tab.to_owned(), expires_ms }
    }

    #[test]
    fn adoption_lock_from_what_the_engine_offers() {
        let rows = [
            (true, true, AdoptionLock::WebLocks),
            (false, true, AdoptionLock::StorageLease),
            (true, false, AdoptionLock::Nothing),
            (false, false, AdoptionLock::Nothing),
        ];
        for (web_locks, storage, want) in rows {
            assert_eq!(adoption_lock(web_locks, storage), want, "web_locks {web_locks}, storage {storage}");
        }
    }

    #[test]
    fn decisions_table() {
        let rows: &[(Option<Lease>, f64, LeaseDecision)] = &[
            (None, 0.0, LeaseDecision::Acquire),
            (Some(lease("me", 100.0)), 10.0, LeaseDecision::Keep { until_ms: 30.0 }),
            (Some(lease("me", 100.0)), 30.0, LeaseDecision::Renew),
            (Some(lease("me", 100.0)), 100.0, LeaseDecision::Acquire),
            (Some(lease("other", 100.0)), 99.0, LeaseDecision::Wait { until_ms: 100.0 }),
            (Some(lease("other", 100.0)), 100.0, LeaseDecision::Acquire),
        ];
        for (current, now, want) in rows {
            assert_eq!(decide(current.as_ref(), "me", *now, P), *want, "{current:?} at {now}");
        }
    }

    #[test]
    fn takeover_when_the_holder_stops_renewing() {
        let first = claim("a", 0.0, P);
        assert!(holds(Some(&first), "a", 50.0));
        assert_eq!(decide(Some(&first), "b", 50.0, P), LeaseDecision::Wait { until_ms: 100.0 });
        assert_eq!(decide(Some(&first), "b", 100.0, P), LeaseDecision::Acquire);
        let second = claim("b", 100.0, P);
        assert!(holds(Some(&second), "b", 150.0));
        assert!(!holds(Some(&second), "a", 150.0));
        assert_eq!(decide(Some(&second), "a", 150.0, P), LeaseDecision::Wait { until_ms: 200.0 });
    }

    /// The read-back rule alone: whoever's claim is in the record holds the lease, nobody else.
    /// The race itself (two tabs claiming through a lagging shared localStorage) is driven in
    /// `tab_leases_tests::two_tabs_claiming_the_same_orphan_at_once_adopt_it_once`.
    #[test]
    fn only_the_claim_read_back_holds() {
        let stored = claim("b", 5.0, P);
        assert!(!holds(Some(&stored), "a", 5.0 + P.settle_ms));
        assert!(holds(Some(&stored), "b", 5.0 + P.settle_ms));
        assert!(!holds(Some(&stored), "b", 5.0 + P.duration_ms), "an expired claim holds nothing");
    }

    #[test]
    fn orphans_are_other_tabs_without_a_live_lease() {
        let queues = vec![
            ("me".to_owned(), None),
            ("alive".to_owned(), Some(lease("alive", 200.0))),
            ("expired".to_owned(), Some(lease("expired", 100.0))),
            ("released".to_owned(), Some(lease("released", 50.0))),
            ("never-seen".to_owned(), None),
            ("adopting".to_owned(), Some(lease("someone", 150.0))),
        ];
        assert_eq!(orphaned(&queues, "me", 100.0), ["expired", "released", "never-seen"]);
        assert_eq!(orphaned(&queues, "me", 200.0), ["alive", "expired", "released", "never-seen", "adopting"]);
    }

    #[test]
    fn a_claim_in_my_record_means_my_queue_was_adopted() {
        assert!(!was_adopted(None, "me"));
        assert!(!was_adopted(Some(&lease("me", 1.0)), "me"));
        assert!(was_adopted(Some(&lease("other", 1.0)), "me"));
    }

    #[test]
    fn record_round_trips_and_junk_is_free() {
        let record = lease("t\"1", 1_795_392_993_123.0);
        let text = encode(&record);
        assert_eq!(text, r#"{"tabId":"t\"1","expiresMs":1795392993123}"#);
        assert_eq!(decode(&text), Some(record));
        for junk in ["", "{}", "1795392993123", r#"{"tabId":"","expiresMs":1}"#, r#"{"tabId":"a","expiresMs":-1}"#] {
            assert_eq!(decode(junk), None, "{junk}");
            assert_eq!(decide(decode(junk).as_ref(), "me", 0.0, P), LeaseDecision::Acquire);
        }
    }

    #[test]
    fn defaults_outlast_intensive_throttling() {
        let (liveness, adoption) = (LeasePolicy::LIVENESS, LeasePolicy::ADOPTION);
        // Hidden tabs run timers once a minute: a live background tab must survive two missed beats.
        assert!(liveness.duration_ms >= 2.0 * 60_000.0, "{liveness:?}");
        assert!(liveness.heartbeat_ms * 3.0 <= liveness.duration_ms, "{liveness:?}");
        assert!(adoption.settle_ms < adoption.duration_ms, "{adoption:?}");
    }
}
