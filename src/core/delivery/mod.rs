//! Delivery that loses nothing: the write-ahead queue, batching, the status policy, backoff, the
//! persisted queue format ([`queue_format`]), the send-time stamps ([`stamp`]) and the cross-tab lease
//! protocol ([`tab_leases`]), driven by the sans-IO [`Outbox`] and [`tab_leases::TabLeases`].
//!
//! Owns every delivery decision; the browser shell (`src/browser/transport.rs`, `lifecycle.rs`,
//! `runtime.rs`) only executes them. Time and jitter are arguments, storage is the shell's job
//! (it applies [`Outbox::take_changes`] to per-event keys and reads them back with
//! [`Outbox::restore_from`]).
//! Events come in as finished JSON texts with their messageId: may import `core::{json, time, store}`; must not
//! import `core::identity`, `core::event`, `wasm_bindgen`, `web_sys`, `js_sys`, `gloo*` or `getrandom`.

pub mod backoff;
pub mod batch;
pub mod config;
pub mod diagnostics;
pub mod lease;
pub mod outbox;
pub mod page_lifecycle;
pub mod queue_format;
pub mod send_route;
pub mod stamp;
pub mod queue;
pub mod status_policy;
pub mod tab_leases;
pub mod transmit;
pub mod wire;

pub use backoff::Backoff;
pub use config::Config;
pub use diagnostics::{DeliveryState, Diagnostic, DropCounts, DropReason};
pub use outbox::{Changes, Outbox};
pub use status_policy::{Outcome, Verdict};
pub use transmit::{Mode, Transmit};
pub use wire::{SegmentWire, Wire};

#[cfg(test)]
mod outbox_tests;
#[cfg(test)]
mod tab_leases_tests;
