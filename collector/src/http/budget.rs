//! Bounds on the work in flight, so no mix of requests can make the collector allocate without limit:
//! what does not fit within [`WAIT`] is answered `429` with `Retry-After` (the library retries it).
//!
//! Two budgets, taken in this order and never the other way round (so they cannot deadlock):
//! - **wire**: request bodies being received, by their declared size (the endpoint limit when unknown);
//! - **work**: decoded events until the writer has committed them, by an estimate of their memory —
//!   the decompressed bytes plus [`EVENT_COST`] per event (a tiny event is a whole JSON object once
//!   decoded: a 1.5 KB gzip batch can hold 15,000 of them).
//!
//! One request larger than a whole budget still runs, alone. Must not import other `http` modules.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Request bodies being received at once, in bytes.
pub const WIRE_BYTES: usize = 32 * 1024 * 1024;
/// Estimated memory of decoded events not yet committed, in bytes.
pub const WORK_BYTES: usize = 48 * 1024 * 1024;
/// Estimated memory of one decoded event beyond its JSON text (maps, strings, the stored copy).
pub const EVENT_COST: usize = 2 * 1024;
/// How long a request waits for room before it is told to retry.
pub const WAIT: Duration = Duration::from_secs(2);
/// `Retry-After` seconds sent with a 429.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// Permits are counted in KiB (a semaphore holds at most `u32::MAX >> 3` permits).
const UNIT: usize = 1024;

/// The collector's two budgets.
#[derive(Clone)]
pub struct Budget {
    wire: Arc<Semaphore>,
    work: Arc<Semaphore>,
}

/// No room within [`WAIT`]: answer 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl Default for Budget {
    fn default() -> Self {
        Budget { wire: Arc::new(Semaphore::new(WIRE_BYTES / UNIT)), work: Arc::new(Semaphore::new(WORK_BYTES / UNIT)) }
    }
}

impl Budget {
    /// Room to receive a body of `bytes`.
    pub async fn wire(&self, bytes: usize) -> Result<OwnedSemaphorePermit, Busy> {
        take(&self.wire, bytes, WIRE_BYTES).await
    }

    /// Room to hold `events` decoded from `bytes` of JSON until they are committed.
    pub async fn work(&self, bytes: usize, events: usize) -> Result<OwnedSemaphorePermit, Busy> {
        take(&self.work, bytes.saturating_add(events.saturating_mul(EVENT_COST)), WORK_BYTES).await
    }
}

async fn take(semaphore: &Arc<Semaphore>, bytes: usize, total: usize) -> Result<OwnedSemaphorePermit, Busy> {
    let units = bytes.div_ceil(UNIT).clamp(1, total / UNIT) as u32;
    match tokio::time::timeout(WAIT, semaphore.clone().acquire_many_owned(units)).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Busy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn what_does_not_fit_waits_then_is_refused() {
        let budget = Budget::default();
        let whole = budget.work(WORK_BYTES * 4, 0).await.expect("one oversized request still runs alone");
        assert_eq!(budget.work(10, 1).await.unwrap_err(), Busy);
        drop(whole);
        let tiny_events = budget.work(500 * 1024, 15_000).await.unwrap();
        let another = budget.work(500 * 1024, 15_000).await;
        assert!(another.is_err(), "two batches of 15,000 tiny events do not fit at once");
        drop(tiny_events);
        assert!(budget.work(500 * 1024, 15_000).await.is_ok());
        let bodies: Vec<_> = futures_util::future::join_all((0..80).map(|_| budget.wire(500 * 1024))).await;
        assert_eq!(bodies.iter().filter(|p| p.is_ok()).count(), WIRE_BYTES / (500 * 1024));
    }
}
