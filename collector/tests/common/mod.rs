//! Shared by the integration tests: a real `collector` child process on 127.0.0.1 with a real SQLite
//! file in a fresh temporary directory, and small request helpers over a maintained client (`ureq`).
//!
//! `COLLECTOR_BIN=/path/to/collector` runs the suite against another build (e.g. an older commit's, to
//! see a new test fail without its fix).
#![allow(dead_code)]

use serde_json::{json, Value};
use std::time::Duration;
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

/// A received response: status, headers (names lower-cased) and the whole body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A keep-alive HTTP client that returns 4xx/5xx answers as responses, never follows redirects.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// One request: `method` on `http://addr{path}` with `headers` and `body`.
pub fn request(agent: &ureq::Agent, addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Response, ureq::Error> {
    let mut builder = ureq::http::Request::builder().method(method).uri(format!("http://{addr}{path}"));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(body.to_vec()).expect("request");
    let mut response = agent.run(request)?;
    let headers = response.headers().iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
    let body = response.body_mut().with_config().limit(256 * 1024 * 1024).read_to_vec()?;
    Ok(Response { status: response.status().as_u16(), headers, body })
}

/// The collector binary under test (`COLLECTOR_BIN` overrides the one cargo built).
pub fn binary() -> String {
    std::env::var("COLLECTOR_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_collector").to_string())
}

/// A running collector binary; killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub agent: ureq::Agent,
}

impl Server {
    /// Starts the binary on a free port with `extra` flags and waits for its "listening" line.
    pub fn start(db: PathBuf, extra: &[&str]) -> Server {
        Server::start_with(Command::new(binary()), db, extra)
    }

    /// Starts `command` (the binary, or a shell wrapping it) with the test flags.
    pub fn start_with(mut command: Command, db: PathBuf, extra: &[&str]) -> Server {
        let mut child = command
            .args(["--listen", "127.0.0.1:0", "--db"])
            .arg(&db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn collector");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let addr = line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).expect(&line).parse().unwrap();
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink())); // later lines, e.g. the admin token
        Server { child, addr, db, agent: agent() }
    }

    /// Any request on the server's keep-alive agent.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        request(&self.agent, self.addr, method, path, headers, body).expect("request")
    }

    pub fn post(&self, path: &str, body: &Value) -> Response {
        self.post_raw(path, &[("Content-Type", "text/plain")], body.to_string().as_bytes())
    }

    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        self.request("POST", path, headers, body)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
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
