//! What happened: analytics.js argument forms ([`args`]), the per-call options ([`call_options`]), the event
//! body ([`envelope`]), the page context ([`page_context`]) and the `utm_*` campaign ([`campaign`]).
//!
//! Owns the event JSON text a call produces; it is built by splicing the facade's `JSON.stringify` fragments.
//! May import `core::{json, time, uuid}`; must not import `core::identity` (identity comes in as plain ids
//! in [`envelope::Identity`]), `core::delivery` or any platform crate.

pub mod args;
pub mod call_options;
pub mod campaign;
pub mod envelope;
pub mod page_context;
