//! Shared by the integration tests: a real `collector` child process on 127.0.0.1 with a real SQLite
//! file in a fresh temporary directory, and small request helpers.
#![allow(dead_code)]

use collector::client::{self, Response};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let n = NEXT_DIR.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("collector-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running collector binary; killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub db: PathBuf,
}

impl Server {
    /// Starts the binary on a free port with `extra` flags and waits for its "listening" line.
    pub fn start(db: PathBuf, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
            .args(["--listen", "127.0.0.1:0", "--db"])
            .arg(&db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn collector");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).expect(&line).parse().unwrap();
        Server { child, addr, db }
    }

    pub fn post(&self, path: &str, body: &Value) -> Response {
        self.post_raw(path, &[("Content-Type", "text/plain")], body.to_string().as_bytes())
    }

    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        client::request(self.addr, "POST", path, headers, body).expect("request")
    }

    pub fn get(&self, path: &str) -> Response {
        client::request(self.addr, "GET", path, &[], b"").expect("request")
    }

    /// The profile holding `id` (404 → `Null`).
    pub fn profile(&self, id: &str) -> Value {
        let r = self.get(&format!("/api/profiles/{id}"));
        if r.status == 404 { Value::Null } else { r.json() }
    }

    /// The messageIds of a profile's timeline, oldest first.
    pub fn timeline(&self, id: &str) -> Vec<String> {
        let p = self.profile(id);
        p["timeline"].as_array().map(|t| t.iter().map(|e| e["messageId"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
    }

    /// How many rows `sql` counts, read straight from the SQLite file.
    pub fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh server with its own database; keep the `TempDir` alive as long as the server.
pub fn fresh(extra: &[&str]) -> (TempDir, Server) {
    let dir = TempDir::new();
    let server = Server::start(dir.0.join("events.sqlite"), extra);
    (dir, server)
}

/// A track event from a device (anonymousId) and optionally a user.
pub fn track(message_id: &str, anonymous_id: &str, user_id: Option<&str>, event: &str) -> Value {
    json!({"type": "track", "messageId": message_id, "anonymousId": anonymous_id, "userId": user_id, "event": event,
           "properties": {}, "timestamp": "2026-11-23T00:00:00.000Z", "writeKey": "demo-key"})
}

/// A page event.
pub fn page(message_id: &str, anonymous_id: &str, user_id: Option<&str>) -> Value {
    json!({"type": "page", "messageId": message_id, "anonymousId": anonymous_id, "userId": user_id,
           "properties": {"path": "/"}, "writeKey": "demo-key"})
}

/// An identify event.
pub fn identify(message_id: &str, anonymous_id: &str, user_id: &str, traits: Value) -> Value {
    json!({"type": "identify", "messageId": message_id, "anonymousId": anonymous_id, "userId": user_id,
           "traits": traits, "writeKey": "demo-key"})
}

/// Gzip-compresses `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}
