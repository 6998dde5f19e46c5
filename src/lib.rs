//! wasm-analytics: analytics.js-compatible browser tracking in Rust/WebAssembly.
//!
//! `core` holds every rule and is tested on the host; `browser` is the web-sys shell; the
//! `#[wasm_bindgen]` exports below are the only surface JavaScript sees.
#![deny(missing_docs)]

pub mod core;
#[cfg(target_arch = "wasm32")]
mod browser;
