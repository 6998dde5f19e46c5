//! Live updates for `GET /api/stream`: a fan-out of server-sent-event frames to every subscriber.
//!
//! The store writer publishes after each commit; each HTTP subscriber drains its own bounded channel.
//! A subscriber that went away, or fell [`BACKLOG`] frames behind (a stalled client), is dropped on the
//! next publish — the writer never waits for a browser, and memory stays bounded; `EventSource`
//! reconnects by itself. Must not import `store` or `http`.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

/// Frames a subscriber may have pending before it is dropped.
pub const BACKLOG: usize = 4096;

/// Sends SSE frames to all current subscribers.
#[derive(Default)]
pub struct Broadcaster {
    subscribers: Mutex<Vec<SyncSender<Arc<str>>>>,
}

/// One SSE frame: `event: <name>` and one `data:` line (the JSON must be single-line, as serde_json's is).
pub fn frame(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

impl Broadcaster {
    /// Registers a subscriber; frames published from now on arrive on the returned receiver.
    pub fn subscribe(&self) -> Receiver<Arc<str>> {
        let (tx, rx) = sync_channel(BACKLOG);
        self.lock().push(tx);
        rx
    }

    /// Whether anyone listens (the writer skips building frames otherwise).
    pub fn has_subscribers(&self) -> bool {
        !self.lock().is_empty()
    }

    /// Sends one named frame to every subscriber, forgetting those that went away or fell behind.
    pub fn publish(&self, name: &str, data: &str) {
        let frame: Arc<str> = Arc::from(frame(name, data));
        self.lock().retain(|tx| tx.try_send(frame.clone()).is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<SyncSender<Arc<str>>>> {
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
        let a = hub.subscribe();
        let b = hub.subscribe();
        hub.publish("event", "{\"x\":1}");
        assert_eq!(&*a.recv().unwrap(), "event: event\ndata: {\"x\":1}\n\n");
        assert_eq!(&*b.recv().unwrap(), "event: event\ndata: {\"x\":1}\n\n");
        drop(b);
        hub.publish("profile", "{}");
        assert_eq!(&*a.recv().unwrap(), "event: profile\ndata: {}\n\n");
        assert!(hub.has_subscribers());
        drop(a);
        hub.publish("profile", "{}");
        assert!(!hub.has_subscribers());
    }

    #[test]
    fn a_subscriber_that_falls_behind_is_dropped() {
        let hub = Broadcaster::default();
        let stalled = hub.subscribe();
        for _ in 0..BACKLOG {
            hub.publish("event", "{}");
        }
        assert!(hub.has_subscribers());
        hub.publish("event", "{}");
        assert!(!hub.has_subscribers());
        assert_eq!(stalled.try_iter().count(), BACKLOG);
    }
}
