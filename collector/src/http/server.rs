//! Starting the server and routing each request to its handler.

use super::reply::{preflight, send, Reply};
use super::{api, files, ingest, sse};
use crate::config::Config;
use crate::ingest::endpoint::endpoint_for;
use crate::store::read::Reader;
use crate::store::writer::Writer;
use crate::stream::Broadcaster;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use tiny_http::{Method, Request, Server};

/// Everything a handler needs, shared by all workers.
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
}

/// A started collector.
pub struct Running {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    workers: Vec<JoinHandle<()>>,
}

impl Running {
    /// Blocks for as long as the server runs.
    pub fn wait(self) {
        for worker in self.workers {
            let _ = worker.join();
        }
    }
}

/// Opens the database, binds the address and starts the worker threads.
pub fn start(config: &Config) -> Result<Running, String> {
    let hub = Arc::new(Broadcaster::default());
    let writer = Writer::start(&config.db, hub.clone()).map_err(|e| format!("cannot open {}: {e}", config.db.display()))?;
    let server = Arc::new(Server::http(&config.listen).map_err(|e| format!("cannot listen on {}: {e}", config.listen))?);
    let addr = server.server_addr().to_ip().ok_or("not an IP listener")?;
    let state = Arc::new(State {
        write_keys: config.write_keys.clone(),
        writer,
        reader: Reader::new(&config.db),
        hub,
        serve_dir: config.serve_dir.clone(),
    });
    let workers = (0..config.workers)
        .map(|i| {
            let (server, state) = (server.clone(), state.clone());
            thread::Builder::new().name(format!("http-{i}")).spawn(move || {
                while let Ok(req) = server.recv() {
                    let _ = catch_unwind(AssertUnwindSafe(|| route(&state, req)));
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(Running { addr, workers })
}

/// Dispatches one request.
fn route(state: &State, mut req: Request) {
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let method = req.method().clone();
    if method == Method::Options {
        let reply = preflight(&req);
        return send(req, reply);
    }
    if let Some(endpoint) = endpoint_for(path) {
        let reply = match method {
            Method::Post => ingest::handle(state, &mut req, endpoint),
            _ => Reply::error(405, "use POST"),
        };
        return send(req, reply);
    }
    if method != Method::Get && method != Method::Head {
        return send(req, Reply::error(405, "method not allowed"));
    }
    if path == "/api/stream" {
        return sse::stream(&state.hub, req);
    }
    if let Some(reply) = api::handle(state, path, query) {
        return send(req, reply);
    }
    let reply = match &state.serve_dir {
        Some(root) => files::serve(root, path),
        None => Reply::error(404, "not found"),
    };
    send(req, reply)
}
