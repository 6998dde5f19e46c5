//! The HTTP layer: routing, CORS, ingest and read endpoints, server-sent events, static files.
//!
//! Owns everything that touches sockets. Handlers translate requests into calls on
//! [`crate::ingest`], [`crate::store::writer::Writer`] and [`crate::store::read::Reader`] and their
//! results into replies; there are no business rules here.

pub mod api;
pub mod files;
pub mod ingest;
pub mod reply;
pub mod server;
pub mod sse;
pub mod wire;
