//! The single writer thread: group commit, acknowledgement only after COMMIT, live updates after that.
//!
//! HTTP handlers [`Writer::enqueue`] a request's events and await the reply (blocking callers use
//! [`Writer::submit`]). The writer takes every
//! job that is waiting (up to [`MAX_GROUP_EVENTS`] events), stores them in ONE transaction, commits
//! (see [`schema::Durability`]), then answers each job. A job is all-or-nothing: if the group
//! transaction fails, the writer retries each job in its own transaction so one bad job cannot fail
//! the others, and a failed job leaves no row behind.

use super::checkpoint::Checkpointer;
use super::identity::Graph;
use super::insert::{store_event, StoredEvent};
use super::{read, schema};
use crate::ingest::Event;
use crate::stream::Broadcaster;
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::thread;
use tokio::sync::mpsc::{channel, Receiver, Sender};
use tokio::sync::oneshot;

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

/// The answer to a job: its outcome once committed, or why it failed.
pub type Reply = oneshot::Receiver<Result<Outcome, String>>;

struct Job {
    events: Vec<Event>,
    reply: oneshot::Sender<Result<Outcome, String>>,
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: Sender<Job>,
}

impl Writer {
    /// Opens the database (creating the schema) and starts the writer thread.
    pub fn start(path: &Path, durability: schema::Durability, hub: Arc<Broadcaster>) -> rusqlite::Result<Writer> {
        let conn = schema::open_writer(path, durability)?;
        let checkpointer = Checkpointer::start(path)?;
        let (jobs, queue) = channel(QUEUE_DEPTH);
        thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, checkpointer, queue, hub))
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(Writer { jobs })
    }

    /// Queues `events` to be stored atomically (waiting while the queue is full: back-pressure); the
    /// reply resolves once they are committed (or failed).
    pub async fn enqueue(&self, events: Vec<Event>) -> Result<Reply, String> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { events, reply }).await.map_err(|_| "writer stopped".to_string())?;
        Ok(answer)
    }

    /// Stores `events` atomically and returns once they are committed (or failed). Blocking: not for
    /// the async runtime's threads.
    pub fn submit(&self, events: Vec<Event>) -> Result<Outcome, String> {
        let (reply, answer) = oneshot::channel();
        self.jobs.blocking_send(Job { events, reply }).map_err(|_| "writer stopped".to_string())?;
        answer.blocking_recv().unwrap_or_else(|_| Err("writer stopped".into()))
    }
}

/// Effects of a committed job, published after the commit.
struct Committed {
    outcome: Outcome,
    /// (index in the job, what was stored) for every event that was not a duplicate.
    stored: Vec<(usize, StoredEvent)>,
}

fn run(mut conn: Connection, mut checkpointer: Checkpointer, mut queue: Receiver<Job>, hub: Arc<Broadcaster>) {
    let mut graph = Graph::default();
    while let Some(first) = queue.blocking_recv() {
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
        let results = match commit(&mut conn, &mut graph, &group, &mut changed) {
            Ok(all) => all.into_iter().map(Ok).collect(),
            Err(_) => {
                changed.clear();
                graph.forget();
                group.iter().map(|job| commit_alone(&mut conn, &mut graph, job, &mut changed)).collect::<Vec<_>>()
            }
        };
        publish(&conn, &hub, &group, &results, &changed);
        for (job, result) in group.into_iter().zip(results) {
            let _ = job.reply.send(result.map(|c| c.outcome));
        }
        if count >= TRIM_AFTER_EVENTS {
            release_freed_memory();
        }
        checkpointer.maybe_run(&conn);
    }
}

/// A group of at least this many events gives the memory its decoded events held back to the system
/// once they are committed and dropped. Ordinary batch traffic (groups of a few hundred to a few thousand
/// events) never trims: trimming after every group of 1,000 cost ~10% of batch ingest throughput.
const TRIM_AFTER_EVENTS: usize = 10_000;

/// Returns freed heap memory to the system. glibc keeps what a thread freed in that thread's arena (one per
/// decoding thread, up to 8 per core), so without this the resident size after a burst of big batches
/// grows with the number of threads that ever decoded one (measured: 265 MiB after 8 batches of 15,000
/// tiny events decoded one at a time, where one batch peaks at ~50 MiB). `malloc_trim` releases the free
/// memory of every arena; it costs a few ms, once per large group. (Limiting glibc to two arenas instead
/// kept the peak lower but cost 15-25% of batch ingest throughput in allocator contention.)
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it takes no pointers and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn commit(conn: &mut Connection, graph: &mut Graph, group: &[Job], changed: &mut BTreeSet<i64>) -> rusqlite::Result<Vec<Committed>> {
    let tx = conn.transaction()?;
    let mut all = Vec::with_capacity(group.len());
    for job in group {
        all.push(store_job(&tx, graph, job, changed)?);
    }
    tx.commit()?;
    Ok(all)
}

fn commit_alone(conn: &mut Connection, graph: &mut Graph, job: &Job, changed: &mut BTreeSet<i64>) -> Result<Committed, String> {
    let mut mine = BTreeSet::new();
    let result = commit(conn, graph, std::slice::from_ref(job), &mut mine).map_err(|e| format!("storage error: {e}"));
    match result {
        Ok(_) => changed.extend(mine),
        Err(_) => graph.forget(),
    }
    result.and_then(|mut v| v.pop().ok_or_else(|| "storage error".to_string()))
}

fn store_job(tx: &Connection, graph: &mut Graph, job: &Job, changed: &mut BTreeSet<i64>) -> rusqlite::Result<Committed> {
    let mut committed = Committed { outcome: Outcome::default(), stored: Vec::new() };
    for (index, event) in job.events.iter().enumerate() {
        match store_event(tx, graph, event, changed)? {
            Some(stored) => {
                committed.outcome.stored += 1;
                committed.stored.push((index, stored));
            }
            None => committed.outcome.duplicates += 1,
        }
    }
    Ok(committed)
}

/// Sends `event` frames for stored events, then `profile` frames for changed profiles.
fn publish(conn: &Connection, hub: &Broadcaster, group: &[Job], results: &[Result<Committed, String>], changed: &BTreeSet<i64>) {
    if !hub.has_subscribers() {
        return;
    }
    for (job, committed) in group.iter().zip(results) {
        let Ok(committed) = committed else { continue };
        for (index, stored) in &committed.stored {
            let json = job.events.get(*index).map(|e| e.json.as_str()).unwrap_or("null");
            hub.publish("event", &format!(r#"{{"seq":{},"profileId":{},"event":{json}}}"#, stored.seq, stored.profile_id));
        }
    }
    for profile in changed {
        if let Ok(Some(summary)) = read::profile_summary(conn, *profile) {
            hub.publish("profile", &summary.to_string());
        }
    }
}
