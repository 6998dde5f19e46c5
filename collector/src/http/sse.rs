//! `GET /api/stream`: server-sent events of each stored event (`event: event`) and each profile
//! change (`event: profile`). Each subscriber gets its own thread writing to the raw connection, so a
//! slow browser never blocks an HTTP worker or the store writer.

use super::reply::{cors_headers, header};
use crate::stream::Broadcaster;
use std::io::Write;
use std::sync::mpsc::RecvTimeoutError;
use std::thread;
use std::time::Duration;
use tiny_http::Request;

/// A comment line sent when idle so proxies and clients see the connection alive.
const KEEPALIVE_EVERY: Duration = Duration::from_secs(15);

/// Takes over the connection and streams frames until the client goes away.
pub fn stream(hub: &Broadcaster, req: Request) {
    let origin = header(&req, "Origin");
    let frames = hub.subscribe();
    let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n");
    for (name, value) in cors_headers(origin.as_deref()) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\nretry: 1000\n: connected\n\n");
    let mut out = req.into_writer();
    let spawned = thread::Builder::new().name("sse".into()).spawn(move || {
        if out.write_all(head.as_bytes()).and_then(|_| out.flush()).is_err() {
            return;
        }
        loop {
            let chunk: std::sync::Arc<str> = match frames.recv_timeout(KEEPALIVE_EVERY) {
                Ok(frame) => frame,
                Err(RecvTimeoutError::Timeout) => ": ping\n\n".into(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if out.write_all(chunk.as_bytes()).and_then(|_| out.flush()).is_err() {
                return;
            }
        }
    });
    drop(spawned);
}
