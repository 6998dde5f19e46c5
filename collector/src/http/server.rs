//! Listening, one thread per connection (keep-alive), and routing each request to its handler.
//!
//! Thread-per-connection keeps every handler plain blocking code: an ingest request blocks its
//! connection's thread until the group commit that holds it is on disk.

use super::reply::{preflight, send, Reply};
use super::wire::{read_request, write_response, ReadError, Request};
use super::{api, files, ingest, sse};
use crate::config::Config;
use crate::ingest::endpoint::endpoint_for;
use crate::store::read::Reader;
use crate::store::writer::Writer;
use crate::stream::Broadcaster;
use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Open connections beyond this are answered 503 and closed.
const MAX_CONNECTIONS: usize = 1024;
/// An idle keep-alive connection is closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything a handler needs, shared by all connections.
pub struct State {
    /// Accepted write keys (empty: any).
    pub write_keys: Vec<String>,
    /// The store writer.
    pub writer: Writer,
    /// Read-API queries.
    pub reader: Reader,
    /// Live-update fan-out.
    pub hub: Arc<Broadcaster>,
    /// Static file root.
    pub serve_dir: Option<PathBuf>,
    open_connections: AtomicUsize,
}

/// A started collector.
pub struct Running {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    acceptor: JoinHandle<()>,
}

impl Running {
    /// Blocks for as long as the server runs.
    pub fn wait(self) {
        let _ = self.acceptor.join();
    }
}

/// Opens the database, binds the address and starts accepting connections.
pub fn start(config: &Config) -> Result<Running, String> {
    let hub = Arc::new(Broadcaster::default());
    let writer = Writer::start(&config.db, config.durability, hub.clone()).map_err(|e| format!("cannot open {}: {e}", config.db.display()))?;
    let listener = TcpListener::bind(&config.listen).map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let state = Arc::new(State {
        write_keys: config.write_keys.clone(),
        writer,
        reader: Reader::new(&config.db),
        hub,
        serve_dir: config.serve_dir.clone(),
        open_connections: AtomicUsize::new(0),
    });
    let acceptor = thread::Builder::new()
        .name("accept".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = state.clone();
                let _ = thread::Builder::new().name("conn".into()).spawn(move || connection(&state, stream));
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(Running { addr, acceptor })
}

/// Serves requests on one connection until it closes.
fn connection(state: &State, stream: TcpStream) {
    let open = state.open_connections.fetch_add(1, Ordering::AcqRel) + 1;
    let _ = serve(state, stream, open > MAX_CONNECTIONS);
    state.open_connections.fetch_sub(1, Ordering::AcqRel);
}

fn serve(state: &State, stream: TcpStream, overloaded: bool) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    let mut out = stream.try_clone()?;
    if overloaded {
        return write_response(&mut out, 503, &[], b"too many connections", false, false);
    }
    let mut reader = BufReader::new(stream);
    let mut recycled = Vec::new();
    loop {
        let mut req = match read_request(&mut reader, std::mem::take(&mut recycled)) {
            Ok(req) => req,
            Err(ReadError::Closed) => return Ok(()),
            Err(ReadError::Bad(message)) => {
                let body = serde_json::json!({"success": false, "error": message}).to_string();
                let headers = [("Content-Type", "application/json".to_string())];
                return write_response(&mut out, 400, &headers, body.as_bytes(), false, false);
            }
        };
        if req.method == "GET" && req.path == "/api/stream" {
            sse::stream(&state.hub, &req, out);
            return Ok(());
        }
        let reply = catch_unwind(AssertUnwindSafe(|| route(state, &req))).unwrap_or_else(|_| Reply::error(500, "internal error"));
        send(&mut out, &req, reply)?;
        if !req.keep_alive {
            return Ok(());
        }
        recycled = std::mem::take(&mut req.body);
    }
}

/// The reply to one (non-streaming) request.
fn route(state: &State, req: &Request) -> Reply {
    let method = req.method.as_str();
    if method == "OPTIONS" {
        return preflight(req);
    }
    if let Some(endpoint) = endpoint_for(&req.path) {
        return match method {
            "POST" => ingest::handle(state, req, endpoint),
            _ => Reply::error(405, "use POST"),
        };
    }
    if method != "GET" && method != "HEAD" {
        return Reply::error(405, "method not allowed");
    }
    if let Some(reply) = api::handle(state, &req.path, &req.query) {
        return reply;
    }
    match &state.serve_dir {
        Some(root) => files::serve(root, &req.path),
        None => Reply::error(404, "not found"),
    }
}
