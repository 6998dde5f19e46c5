//! What happened: analytics.js argument forms ([`args`]), a call's texts as the facade packs them
//! ([`call_texts`]), the per-call options ([`call_options`]), the event body ([`envelope`]), the page
//! context ([`page_context`]), the `utm_*` campaign ([`campaign`]) and the snippet's saved calls
//! ([`snippet_calls_format`], written and read by JavaScript).
//!
//! Owns the event JSON text a call produces; it is built by splicing the facade's `JSON.stringify` fragments.
//! May import `core::{json, text, time, uuid}`; must not import `core::identity` (identity comes in as plain ids
//! in [`envelope::Identity`]), `core::delivery` or any platform crate.

pub mod admit;
pub mod args;
pub mod call_texts;
pub mod call_options;
pub mod campaign;
pub mod envelope;
pub mod page_context;
pub mod snippet_calls_format;
