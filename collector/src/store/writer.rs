//! The single writer thread: group commit, acknowledgement only after COMMIT, live updates after that.
//!
//! HTTP workers [`Writer::submit`] a request's events and block on the reply. The writer takes every
//! job that is waiting (up to [`MAX_GROUP_EVENTS`] events), stores them in ONE transaction, commits
//! (see [`schema::Durability`]), then answers each job. A job is all-or-nothing: if the group
//! transaction fails, the writer retries each job in its own transaction so one bad job cannot fail
//! the others, and a failed job leaves no row behind.

use super::insert::{store_event, StoredEvent};
use super::{read, schema};
use crate::ingest::Event;
use crate::stream::Broadcaster;
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;

/// Most events stored in one transaction.
pub const MAX_GROUP_EVENTS: usize = 20_000;
/// Jobs that may wait for the writer before `submit` blocks (back-pressure).
const QUEUE_DEPTH: usize = 1024;

/// What happened to a submitted job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Events newly stored.
    pub stored: usize,
    /// Events whose messageId was already stored (acknowledged, not stored again).
    pub duplicates: usize,
}

struct Job {
    events: Vec<Event>,
    reply: SyncSender<Result<Outcome, String>>,
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: SyncSender<Job>,
}

impl Writer {
    /// Opens the database (creating the schema) and starts the writer thread.
    pub fn start(path: &Path, durability: schema::Durability, hub: Arc<Broadcaster>) -> rusqlite::Result<Writer> {
        let conn = schema::open_writer(path, durability)?;
        let (jobs, queue) = sync_channel(QUEUE_DEPTH);
        thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, queue, hub))
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(Writer { jobs })
    }

    /// Stores `events` atomically and returns once they are committed (or failed).
    pub fn submit(&self, events: Vec<Event>) -> Result<Outcome, String> {
        let (reply, answer) = sync_channel(1);
        self.jobs.send(Job { events, reply }).map_err(|_| "writer stopped".to_string())?;
        answer.recv().unwrap_or_else(|_| Err("writer stopped".into()))
    }
}

/// Effects of a committed job, published after the commit.
struct Committed {
    outcome: Outcome,
    stored: Vec<StoredEvent>,
}

fn run(mut conn: Connection, queue: Receiver<Job>, hub: Arc<Broadcaster>) {
    while let Ok(first) = queue.recv() {
        let mut count = first.events.len();
        let mut group = vec![first];
        while count < MAX_GROUP_EVENTS {
            match queue.try_recv() {
                Ok(job) => {
                    count += job.events.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        let mut changed = BTreeSet::new();
        let results = match commit(&mut conn, &group, &mut changed) {
            Ok(all) => all.into_iter().map(Ok).collect(),
            Err(_) => {
                changed.clear();
                group.iter().map(|job| commit_alone(&mut conn, job, &mut changed)).collect::<Vec<_>>()
            }
        };
        publish(&conn, &hub, &results, &changed);
        for (job, result) in group.into_iter().zip(results) {
            let _ = job.reply.send(result.map(|c| c.outcome));
        }
    }
}

fn commit(conn: &mut Connection, group: &[Job], changed: &mut BTreeSet<i64>) -> rusqlite::Result<Vec<Committed>> {
    let tx = conn.transaction()?;
    let mut all = Vec::with_capacity(group.len());
    for job in group {
        all.push(store_job(&tx, job, changed)?);
    }
    tx.commit()?;
    Ok(all)
}

fn commit_alone(conn: &mut Connection, job: &Job, changed: &mut BTreeSet<i64>) -> Result<Committed, String> {
    let mut mine = BTreeSet::new();
    let result = commit(conn, std::slice::from_ref(job), &mut mine).map_err(|e| format!("storage error: {e}"));
    if result.is_ok() {
        changed.extend(mine);
    }
    result.and_then(|mut v| v.pop().ok_or_else(|| "storage error".to_string()))
}

fn store_job(tx: &Connection, job: &Job, changed: &mut BTreeSet<i64>) -> rusqlite::Result<Committed> {
    let mut committed = Committed { outcome: Outcome::default(), stored: Vec::new() };
    for event in &job.events {
        match store_event(tx, event, changed)? {
            Some(stored) => {
                committed.outcome.stored += 1;
                committed.stored.push(stored);
            }
            None => committed.outcome.duplicates += 1,
        }
    }
    Ok(committed)
}

/// Sends `event` frames for stored events, then `profile` frames for changed profiles.
fn publish(conn: &Connection, hub: &Broadcaster, results: &[Result<Committed, String>], changed: &BTreeSet<i64>) {
    if !hub.has_subscribers() {
        return;
    }
    for committed in results.iter().flatten() {
        for e in &committed.stored {
            hub.publish("event", &format!(r#"{{"seq":{},"profileId":{},"event":{}}}"#, e.seq, e.profile_id, e.json));
        }
    }
    for profile in changed {
        if let Ok(Some(summary)) = read::profile_summary(conn, *profile) {
            hub.publish("profile", &summary.to_string());
        }
    }
}
