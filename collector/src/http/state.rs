//! What every handler shares: the store handles, the live-update hub, the access policy and the
//! budgets. Must not import handler modules (they import this).

use super::access::Policy;
use super::budget::Budget;
use super::compress::Cache;
use crate::store::read::Reader;
use crate::store::writer::Writer;
use crate::stream::Broadcaster;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Everything a handler needs, shared by all connections.
pub struct AppState {
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
    /// Who may use the private side.
    pub policy: Policy,
    /// Bounds on the work in flight.
    pub budget: Budget,
    /// Compressed copies of static files.
    pub compressed: Cache,
}

/// The state as handlers receive it.
pub type Shared = Arc<AppState>;

/// The peer address of a request's connection.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);
