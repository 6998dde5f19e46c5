//! The HTTP layer on axum + hyper (tokio): routing, the privacy guard, CORS for ingest, ingest and read
//! endpoints, server-sent events, static files, and the connection limits.
//!
//! Owns everything that touches sockets. Handlers translate requests into calls on
//! [`crate::ingest`], [`crate::store::writer::Writer`] and [`crate::store::read::Reader`] and their
//! results into replies; there are no business rules here.
//!
//! Layering (each module imports only those below it): `server` (sockets, connection limits) →
//! `router` (the ingest fast path, routes and layers) → the handlers `ingest`, `api`, `sse`, `files` and
//! the `guard` → `state`, `access`, `budget`, `compress`, `cors`, `reply`, `decode` (shared pieces, no handler imports
//! them back).

pub mod access;
pub mod api;
pub mod budget;
pub mod compress;
pub mod cors;
pub mod decode;
pub mod files;
pub mod guard;
pub mod ingest;
pub mod reply;
pub mod router;
pub mod server;
pub mod sse;
pub mod state;
