//! SQLite storage: schema, the single writer (group commit), the identity graph and the read queries.
//!
//! Owns every SQL statement. Must not import `http`. Input is [`crate::ingest::Event`] values that are
//! already validated; output is JSON for the read API and frames for [`crate::stream::Broadcaster`].

pub mod checkpoint;
pub mod identity;
pub mod insert;
pub mod page_cache;
pub mod read;
pub mod schema;
pub mod statements;
pub mod traits;
pub mod writer;
