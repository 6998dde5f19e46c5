//! The identity graph: which profile every `anonymousId` and `userId` belongs to, merged incrementally.
//!
//! Each stored event is observed once, in arrival order; only the rows of the ids it carries (and, on a
//! merge, the members of the profile merged away) are touched — nothing is rescanned.
//!
//! # Rules
//! 1. An id seen for the first time joins the profile of the other id on the same event, or a new one.
//! 2. An event carrying both a `userId` and an `anonymousId` links them: the anonymous profile (with
//!    its whole history) is merged into the user's profile. This covers signing up after browsing
//!    (seed scenario 1) and logging in on a second device (scenario 3). A device that never logs in
//!    keeps its own anonymous profile (scenario 2).
//! 3. **Shared device: two different userIds never merge implicitly.** When an anonymousId that already
//!    belongs to an identified profile (user A) arrives with a different userId (user B), nothing is
//!    merged: the anonymousId stays linked to A's profile, and the event counts for B's profile. A
//!    profile's timeline is "events whose userId is one of its userIds, plus events *without* a userId
//!    whose anonymousId is one of its anonymousIds", so the device's anonymous history stays with A and
//!    B's activity on that device goes to B.
//! 4. `alias` is explicit: the profile of `previousId` (looked up as a userId, then as an anonymousId;
//!    an unknown `previousId` is recorded as an anonymousId) is merged into the profile of `userId`,
//!    even when both are identified — that is what alias is for.
//! 5. A merge re-points the loser's identities to the winner (`linked_at` = the merging event's
//!    `receivedAt`), marks the loser `merged_into` the winner (and re-points profiles merged into the
//!    loser earlier, so `merged_into` always names a live profile), and merges traits with the
//!    winner's values on top.

use super::statements::{CREATE_PROFILE, IS_IDENTIFIED, LINK_IDENTITY, LOOKUP_IDENTITY, MARK_MERGED, MOVE_IDENTITIES, REPOINT_MERGED, TOUCH_PROFILE};
use super::traits;
use crate::ingest::kind::Kind;
use crate::ingest::Event;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeSet, HashMap};

/// `identities.kind` of a userId.
pub const USER: &str = "userId";
/// `identities.kind` of an anonymousId.
pub const ANONYMOUS: &str = "anonymousId";

/// The writer's memory of the identity graph, `id → profile` per kind. Only the writer changes the
/// graph, so the memory stays exact as long as it is cleared when a transaction is rolled back. A merge
/// does not clear it (that would cost the size of the memory per merge): it records `loser → winner`
/// in `merged`, and a remembered profile is followed through `merged` to the live one.
#[derive(Default)]
pub struct Graph {
    users: HashMap<String, i64>,
    anonymous: HashMap<String, i64>,
    merged: HashMap<i64, i64>,
}

/// Remembered ids beyond this are forgotten (the database stays the truth).
const GRAPH_MEMORY: usize = 1_000_000;

impl Graph {
    fn map(&mut self, kind: &str) -> &mut HashMap<String, i64> {
        if kind == USER { &mut self.users } else { &mut self.anonymous }
    }

    fn remember(&mut self, kind: &str, id: &str, profile: i64) {
        if self.users.len() + self.anonymous.len() + self.merged.len() >= GRAPH_MEMORY {
            self.forget();
        }
        self.map(kind).insert(id.to_string(), profile);
    }

    /// Drops everything remembered (after a rollback, and on merges).
    pub fn forget(&mut self) {
        self.users.clear();
        self.anonymous.clear();
        self.merged.clear();
    }

    /// Records that `loser` was merged into `winner`.
    fn merge(&mut self, loser: i64, winner: i64) {
        if self.users.len() + self.anonymous.len() + self.merged.len() >= GRAPH_MEMORY {
            self.forget();
        }
        self.merged.insert(loser, winner);
    }

    /// The live profile a remembered profile number stands for now.
    fn live(&self, mut profile: i64) -> i64 {
        while let Some(winner) = self.merged.get(&profile) {
            profile = *winner;
        }
        profile
    }

    /// The profile an id belongs to.
    fn lookup(&mut self, tx: &Connection, kind: &str, id: &str) -> rusqlite::Result<Option<i64>> {
        if let Some(profile) = self.map(kind).get(id).copied() {
            return Ok(Some(self.live(profile)));
        }
        let found = lookup(tx, kind, id)?;
        if let Some(profile) = found {
            self.remember(kind, id, profile);
        }
        Ok(found)
    }
}

/// Links the ids of one stored event and returns the profile the event is attributed to. Profiles
/// created, linked or merged are added to `changed`.
pub fn observe(tx: &Connection, graph: &mut Graph, event: &Event, changed: &mut BTreeSet<i64>) -> rusqlite::Result<i64> {
    let at = event.received_at.as_str();
    let user = event.user_id.as_deref();
    let anonymous = event.anonymous_id.as_deref();
    let owner = match (user, anonymous) {
        (Some(u), Some(a)) => link_pair(tx, graph, u, a, at, changed)?,
        (Some(u), None) => find_or_create(tx, graph, USER, u, at, changed)?,
        (None, Some(a)) => find_or_create(tx, graph, ANONYMOUS, a, at, changed)?,
        (None, None) => profile_without_ids(tx, at)?,
    };
    if event.kind == Kind::Alias {
        if let Some(previous) = event.value.get("previousId").and_then(|v| v.as_str()) {
            alias(tx, graph, owner, previous, at, changed)?;
        }
    }
    Ok(owner)
}

/// Validation guarantees an id; an event without one still gets a (new, empty) profile.
fn profile_without_ids(tx: &Connection, at: &str) -> rusqlite::Result<i64> {
    create_profile(tx, at)
}

/// The profile an id belongs to.
pub fn lookup(tx: &Connection, kind: &str, id: &str) -> rusqlite::Result<Option<i64>> {
    tx.prepare_cached(LOOKUP_IDENTITY)?
        .query_row(params![kind, id], |r| r.get(0))
        .optional()
}

fn find_or_create(tx: &Connection, graph: &mut Graph, kind: &str, id: &str, at: &str, changed: &mut BTreeSet<i64>) -> rusqlite::Result<i64> {
    if let Some(profile) = graph.lookup(tx, kind, id)? {
        return Ok(profile);
    }
    let profile = create_profile(tx, at)?;
    link(tx, graph, kind, id, profile, at)?;
    changed.insert(profile);
    Ok(profile)
}

/// Rules 1–3 for an event carrying both ids; returns the user's profile.
fn link_pair(tx: &Connection, graph: &mut Graph, user: &str, anonymous: &str, at: &str, changed: &mut BTreeSet<i64>) -> rusqlite::Result<i64> {
    let by_user = graph.lookup(tx, USER, user)?;
    let by_anonymous = graph.lookup(tx, ANONYMOUS, anonymous)?;
    match (by_user, by_anonymous) {
        (Some(p), Some(q)) if p == q => Ok(p),
        (Some(p), Some(q)) => {
            if !is_identified(tx, q)? {
                merge(tx, graph, q, p, at, changed)?;
            }
            Ok(p)
        }
        (Some(p), None) => {
            link(tx, graph, ANONYMOUS, anonymous, p, at)?;
            changed.insert(p);
            Ok(p)
        }
        (None, Some(q)) if !is_identified(tx, q)? => {
            link(tx, graph, USER, user, q, at)?;
            changed.insert(q);
            Ok(q)
        }
        (None, Some(_shared_device)) => find_or_create(tx, graph, USER, user, at, changed),
        (None, None) => {
            let p = find_or_create(tx, graph, USER, user, at, changed)?;
            link(tx, graph, ANONYMOUS, anonymous, p, at)?;
            Ok(p)
        }
    }
}

/// Rule 4: merges the profile of `previous` into `owner`.
fn alias(tx: &Connection, graph: &mut Graph, owner: i64, previous: &str, at: &str, changed: &mut BTreeSet<i64>) -> rusqlite::Result<()> {
    let found = match graph.lookup(tx, USER, previous)? {
        Some(p) => Some(p),
        None => graph.lookup(tx, ANONYMOUS, previous)?,
    };
    match found {
        Some(p) if p == owner => Ok(()),
        Some(p) => merge(tx, graph, p, owner, at, changed),
        None => {
            link(tx, graph, ANONYMOUS, previous, owner, at)?;
            changed.insert(owner);
            Ok(())
        }
    }
}

fn is_identified(tx: &Connection, profile: i64) -> rusqlite::Result<bool> {
    tx.prepare_cached(IS_IDENTIFIED)?
        .exists(params![profile])
}

fn create_profile(tx: &Connection, at: &str) -> rusqlite::Result<i64> {
    tx.prepare_cached(CREATE_PROFILE)?
        .execute(params![at])?;
    Ok(tx.last_insert_rowid())
}

fn link(tx: &Connection, graph: &mut Graph, kind: &str, id: &str, profile: i64, at: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(LINK_IDENTITY)?
        .execute(params![kind, id, profile, at])?;
    graph.remember(kind, id, profile);
    tx.prepare_cached(TOUCH_PROFILE)?.execute(params![profile, at])?;
    Ok(())
}

/// Rule 5: moves every identity of `loser` to `winner`. Costs the loser's size (its ids and the
/// profiles merged into it), found by index: never the number of profiles (see [`super::statements`]).
fn merge(tx: &Connection, graph: &mut Graph, loser: i64, winner: i64, at: &str, changed: &mut BTreeSet<i64>) -> rusqlite::Result<()> {
    graph.merge(loser, winner);
    tx.prepare_cached(MOVE_IDENTITIES)?.execute(params![loser, winner, at])?;
    tx.prepare_cached(MARK_MERGED)?.execute(params![loser, winner, at])?;
    tx.prepare_cached(REPOINT_MERGED)?.execute(params![loser, winner, at])?;
    let loser_traits = traits::profile_traits(tx, loser)?;
    let winner_traits = traits::profile_traits(tx, winner)?;
    traits::set_profile_traits(tx, winner, &traits::merged(&loser_traits, &winner_traits), at)?;
    changed.insert(loser);
    changed.insert(winner);
    Ok(())
}

#[cfg(test)]
#[path = "identity_tests.rs"]
mod tests;
