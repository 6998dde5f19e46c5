//! Live updates for `GET /api/stream`: a fan-out of server-sent-event frames to every subscriber.
//!
//! The store writer publishes after each commit; each HTTP subscriber drains its own queue. The queue is
//! bounded in **bytes** ([`BACKLOG_BYTES`]), not in frames (one frame can carry a whole profile): a
//! subscriber that went away, or fell that far behind (a stalled client), is dropped on the next
//! publish — the writer never waits for a browser, and memory stays bounded; `EventSource` reconnects
//! by itself. Must not import `store` or `http`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Bytes of frames a subscriber may have pending before it is dropped.
pub const BACKLOG_BYTES: usize = 4 * 1024 * 1024;

/// One subscriber as the broadcaster sees it: where frames go and how many bytes wait there.
struct Outlet {
    frames: UnboundedSender<Arc<str>>,
    pending: Arc<AtomicUsize>,
}

/// A subscriber's end: frames in publish order.
pub struct Subscription {
    frames: UnboundedReceiver<Arc<str>>,
    pending: Arc<AtomicUsize>,
}

impl Subscription {
    /// The next frame; `None` once the subscriber was dropped (fell behind) and its queue is drained.
    pub async fn next(&mut self) -> Option<Arc<str>> {
        let frame = self.frames.recv().await?;
        self.pending.fetch_sub(frame.len(), Ordering::AcqRel);
        Some(frame)
    }

    /// The next frame if one is waiting.
    pub fn try_next(&mut self) -> Option<Arc<str>> {
        let frame = self.frames.try_recv().ok()?;
        self.pending.fetch_sub(frame.len(), Ordering::AcqRel);
        Some(frame)
    }
}

/// Sends SSE frames to all current subscribers.
#[derive(Default)]
pub struct Broadcaster {
    subscribers: Mutex<Vec<Outlet>>,
}

/// One SSE frame: `event: <name>` and one `data:` line (the JSON must be single-line, as serde_json's is).
pub fn frame(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

impl Broadcaster {
    /// Registers a subscriber; frames published from now on arrive on the returned subscription.
    pub fn subscribe(&self) -> Subscription {
        let (tx, rx) = unbounded_channel();
        let pending = Arc::new(AtomicUsize::new(0));
        self.lock().push(Outlet { frames: tx, pending: pending.clone() });
        Subscription { frames: rx, pending }
    }

    /// Whether anyone listens (the writer skips building frames otherwise).
    pub fn has_subscribers(&self) -> bool {
        !self.lock().is_empty()
    }

    /// Sends one named frame to every subscriber, forgetting those that went away or fell behind.
    pub fn publish(&self, name: &str, data: &str) {
        let frame: Arc<str> = Arc::from(frame(name, data));
        self.lock().retain(|outlet| {
            if outlet.pending.load(Ordering::Acquire) + frame.len() > BACKLOG_BYTES {
                return false;
            }
            outlet.pending.fetch_add(frame.len(), Ordering::AcqRel);
            outlet.frames.send(frame.clone()).is_ok()
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Outlet>> {
        self.subscribers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fans_out_and_forgets_closed_subscribers() {
        let hub = Broadcaster::default();
        assert!(!hub.has_subscribers());
        let mut a = hub.subscribe();
        let mut b = hub.subscribe();
        hub.publish("event", "{\"x\":1}");
        assert_eq!(&*a.try_next().unwrap(), "event: event\ndata: {\"x\":1}\n\n");
        assert_eq!(&*b.try_next().unwrap(), "event: event\ndata: {\"x\":1}\n\n");
        drop(b);
        hub.publish("profile", "{}");
        assert_eq!(&*a.try_next().unwrap(), "event: profile\ndata: {}\n\n");
        assert!(hub.has_subscribers());
        drop(a);
        hub.publish("profile", "{}");
        assert!(!hub.has_subscribers());
    }

    #[test]
    fn a_subscriber_that_falls_behind_in_bytes_is_dropped() {
        let hub = Broadcaster::default();
        let mut reading = hub.subscribe();
        let mut stalled = hub.subscribe();
        let big = "x".repeat(256 * 1024); // a profile summary can be this large
        let fits = BACKLOG_BYTES / frame("profile", &big).len();
        for _ in 0..fits {
            hub.publish("profile", &big);
            assert!(reading.try_next().is_some());
        }
        assert_eq!(hub.lock().len(), 2);
        hub.publish("profile", &big);
        assert_eq!(hub.lock().len(), 1, "the stalled subscriber is dropped, the reading one stays");
        assert!(reading.try_next().is_some());
        assert_eq!(std::iter::from_fn(|| stalled.try_next()).count(), fits);
        assert!(stalled.try_next().is_none());
    }
}
