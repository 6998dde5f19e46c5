//! `GET /api/stream`: server-sent events of each stored event (`event: event`) and each profile
//! change (`event: profile`). The connection's own thread writes the frames, so a slow browser never
//! blocks the store writer; the stream ends when the client goes away.

use super::reply::cors_headers;
use super::wire::Request;
use crate::stream::Broadcaster;
use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::Duration;

/// A comment line sent when idle so clients see the connection alive (and we notice it is gone).
const KEEPALIVE_EVERY: Duration = Duration::from_secs(15);

/// Streams frames on `out` until the client goes away.
pub fn stream(hub: &Broadcaster, req: &Request, mut out: TcpStream) {
    let frames = hub.subscribe();
    let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n");
    for (name, value) in cors_headers(req.header("origin")) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\nretry: 1000\n: connected\n\n");
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    loop {
        let chunk: Arc<str> = match frames.recv_timeout(KEEPALIVE_EVERY) {
            Ok(frame) => frame,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".into(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out.write_all(chunk.as_bytes()).is_err() {
            return;
        }
    }
}
