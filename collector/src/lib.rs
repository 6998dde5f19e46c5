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
//! http::server (hyper on tokio) → http::router ─► http::ingest ──► ingest::{body, rules, normalize} (pure,
//!        │                          │              (budget)          │ Vec<Event>    on the blocking pool)
//!        │                          │                                ▼
//!        │                          │            store::writer (ONE thread, group commit, ack after COMMIT)
//!        │                          │              └─ store::{insert, identity}  (tables + identity graph)
//!        │                          └─ http::guard ─► http::{api, sse, files}
//!        │                                              ├─► store::read (read-only, WAL readers never block)
//!        │                                              └─► stream::Broadcaster ◄── writer publishes after commit
//! ```
//!
//! # Dependency choices (the collector has no byte budget; CI compiles it on 2 cores)
//! - HTTP is axum on hyper + tokio (tower-http catches panics on the private side; ingest, the hot
//!   path, skips the router and layers: see [`http::router`]): the connection limits,
//!   framing rules, deadlines and timeouts a public socket needs are theirs, maintained and tested
//!   (the hand-written HTTP/1.1 server this replaced got several wrong). The store stays synchronous:
//!   rusqlite on its own writer thread, decoding on tokio's blocking pool.
//! - `rusqlite` (`bundled`): SQLite compiled in, no system library needed.
//! - `serde_json` (`preserve_order`): events are stored in the key order the client sent.
//! - `flate2` for `Content-Encoding: gzip`, `base64` for HTTP Basic auth, `libc` for the
//!   file-descriptor limit. Tests and `bench-ingest` use `ureq` as their client.
//!
//! # Security model
//! Ingest is open to every origin; everything else is same-origin only, under an expected `Host`, and
//! behind a token off loopback: see [`http::access`] and collector/README.md.
//!
//! # Profile merging
//! See [`store::identity`] for the rules, including the shared-device rule.
#![deny(missing_docs)]

pub mod config;
pub mod http;
pub mod ingest;
pub mod store;
pub mod stream;
pub mod time;
