//! Listening and serving connections: hyper's HTTP/1.1 on a tokio runtime, with the limits a public
//! socket needs (see collector/README.md, "Resource bounds"):
//! - a **connection cap** taken *before* accepting (below the file-descriptor limit), so a flood of
//!   connections waits in the kernel's backlog instead of costing tasks and descriptors;
//! - **EMFILE backoff**: when accept fails for lack of descriptors (or memory) the loop sleeps, doubling
//!   up to 1 s, instead of spinning;
//! - a **head deadline** ([`HEAD_DEADLINE`], hyper's header-read timeout, which also closes idle
//!   keep-alive connections), a body deadline (in `ingest`), and a **write timeout** on the socket
//!   ([`WRITE_TIMEOUT`]) so a client that stops reading cannot hold a connection.
//! Slow clients cost a task each, never a thread: everyone else keeps being served.

use super::access::Policy;
use super::budget::Budget;
use super::router::App;
use super::state::{AppState, Peer};
use crate::config::Config;
use crate::store::read::Reader;
use crate::store::writer::Writer;
use crate::stream::Broadcaster;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_io_timeout::TimeoutStream;
use std::convert::Infallible;

/// A request head (and the wait for the next one on a keep-alive connection) must arrive within this.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// A blocked write to a client fails after this long (the connection is closed).
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Most connections served at once (lower when the file-descriptor limit is lower).
pub const MAX_CONNECTIONS: usize = 1024;
/// Descriptors kept free for SQLite, the static files and the listener itself.
const RESERVED_FDS: usize = 64;
/// Largest request head hyper buffers.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// A started collector.
pub struct Running {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    /// The admin token generated at start (listening off loopback without `--admin-token`).
    pub generated_token: Option<String>,
    runtime: Runtime,
    acceptor: JoinHandle<()>,
}

impl Running {
    /// Blocks for as long as the server runs.
    pub fn wait(self) {
        let _ = self.runtime.block_on(self.acceptor);
    }
}

/// Opens the database, binds the address and starts accepting connections.
pub fn start(config: &Config) -> Result<Running, String> {
    let hub = Arc::new(Broadcaster::default());
    let writer = Writer::start(&config.db, config.durability, hub.clone()).map_err(|e| format!("cannot open {}: {e}", config.db.display()))?;
    let listener = std::net::TcpListener::bind(&config.listen).map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let (policy, generated_token) = Policy::for_listener(&config.allowed_hosts, config.admin_token.as_deref(), addr)?;
    let state = Arc::new(AppState {
        write_keys: config.write_keys.clone(),
        writer,
        reader: Reader::new(&config.db),
        hub,
        serve_dir: config.serve_dir.clone(),
        policy,
        budget: Budget::default(),
        compressed: Default::default(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("http").build().map_err(|e| e.to_string())?;
    let listener = {
        let _entered = runtime.enter();
        TcpListener::from_std(listener).map_err(|e| e.to_string())?
    };
    let acceptor = runtime.spawn(accept_loop(listener, App::new(state), connection_cap()));
    Ok(Running { addr, generated_token, runtime, acceptor })
}

/// [`MAX_CONNECTIONS`], or fewer when the process may not open that many descriptors.
fn connection_cap() -> usize {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the struct we pass and reads nothing else.
    let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 { limit.rlim_cur as usize } else { MAX_CONNECTIONS };
    soft.saturating_sub(RESERVED_FDS).clamp(16, MAX_CONNECTIONS)
}

/// Errors that concern one connection only (it failed before we got it): accept the next at once.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted)
}

async fn accept_loop(listener: TcpListener, app: App, cap: usize) {
    let slots = Arc::new(Semaphore::new(cap));
    let mut backoff = Duration::from_millis(10);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) if is_connection_error(&e) => continue,
            Err(_) => {
                // EMFILE, ENFILE, ENOBUFS, ENOMEM: wait for descriptors to come back instead of spinning.
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        backoff = Duration::from_millis(10);
        let app = app.clone();
        tokio::spawn(async move {
            serve_connection(socket, peer, app).await;
            drop(slot);
        });
    }
}

async fn serve_connection(socket: TcpStream, peer: SocketAddr, app: App) {
    let _ = socket.set_nodelay(true);
    let mut io = TimeoutStream::new(socket);
    io.set_write_timeout(Some(WRITE_TIMEOUT));
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(app.call(req.map(Body::new), Peer(peer)).await) }
    });
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_DEADLINE)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true)
        .serve_connection(TokioIo::new(Box::pin(io)), service)
        .await;
}
