//! `collector`: a local, Segment-compatible event collector.
//!
//! It owns the server side of wasm-analytics: the HTTP ingest endpoints (`/v1/{t,p,i,g,a,s}`, the long
//! names, `/v1/b`, `/v1/batch`), validation like the Segment HTTP API, an embedded SQLite warehouse
//! (`tracks`, `pages`, `screens`, `identifies`, `groups`, `aliases`, `users`), the identity graph with
//! incremental profile merging, a JSON read API with server-sent events, and a static file server so the
//! demo runs as one process on one origin. It must not import the wasm library crate or any wasm crate.
//!
//! # Architecture
//! ```text
//! http::server  (a thread per connection, http::wire)  ──► ingest::{body, rules, normalize}  (pure)
//!        │                                                   │ Vec<Event>
//!        │                                                   ▼
//!        │                                 store::writer (ONE thread, group commit, ack after COMMIT)
//!        │                                   └─ store::{insert, identity}  (tables + identity graph)
//!        ├──► store::read (read-only connections, WAL readers never block the writer)
//!        └──► stream::Broadcaster ◄── writer publishes stored events and profile changes after commit
//! ```
//!
//! # Dependency choices (CI compiles this on 2 cores)
//! - HTTP/1.1 is served on std threads, one per connection, with `httparse` (no dependencies of its
//!   own) for request heads. The workload is bounded by the single SQLite writer, not by connection
//!   count, so blocking threads are enough and avoid the tokio + hyper tree. (`tiny_http` was tried
//!   first: its task pool can leave a new connection unserved for 5 s under a burst of connections.)
//! - `rusqlite` (`bundled`): SQLite compiled in, no system library needed.
//! - `serde_json` (`preserve_order`): events are stored in the key order the client sent.
//! - `flate2` for `Content-Encoding: gzip`, `base64` for HTTP Basic auth.
//!
//! # Profile merging
//! See [`store::identity`] for the rules, including the shared-device rule.
#![deny(missing_docs)]

pub mod client;
pub mod config;
pub mod http;
pub mod ingest;
pub mod store;
pub mod stream;
pub mod time;
