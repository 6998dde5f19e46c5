//! The pure core of wasm-analytics: every rule and decision, no I/O.
//!
//! Owns: identity rules, argument forms, the event envelope, persisted formats (cookie and
//! localStorage codecs), cookie domain candidates, queue/retry/batch policy.
//! Must not import: `wasm_bindgen`, `web_sys`, `js_sys`, `gloo*`, `getrandom`. Time comes in as
//! `now_ms: f64` arguments, randomness through [`random::Random`], storage through [`store::Store`].
//! `scripts/check-core-purity` fails the build when this rule is broken.

pub mod args;
pub mod json;
pub mod random;
pub mod store;
pub mod time;
pub mod tracker;
pub mod cookie_codec;
pub mod cookie_domain;
pub mod uuid;
pub mod persisted;
pub mod settings;
pub mod campaign;
pub mod page_context;
pub mod delivery;
pub mod identity;
pub mod options;
pub mod envelope;
