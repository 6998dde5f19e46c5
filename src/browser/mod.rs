//! The browser shell: adapters for the core (stores, transport, lifecycle, timers, randomness) over
//! `host.js`, the one JavaScript file the wasm imports (`host.rs` binds it; `callbacks.rs` is the one
//! way back in). No web-sys or js-sys in the library: each costs glue and wasm bytes.
//! Owns the I/O only: every decision comes from `src/core`. Must not import `web_sys`, `js_sys` or `gloo*`;
//! nothing in `src/core` may import this module.

pub mod callbacks;
pub mod consent_store;
pub mod cookie_store;
pub mod crypto_random;
pub mod host;
pub mod local_store;
pub mod runtime;
pub mod task_cache;
pub mod transport;
pub mod lifecycle;
pub mod size_class_alloc;

/// The wasm build's allocator: size classes instead of dlmalloc (see `size_class_alloc`).
#[global_allocator]
static ALLOCATOR: size_class_alloc::SizeClassAlloc = size_class_alloc::SizeClassAlloc::new();
