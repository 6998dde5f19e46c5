//! The pure core of wasm-analytics: every rule and decision, no I/O.
//!
//! Four parts, each a folder whose `mod.rs` says what it owns:
//! - [`identity`]: who the visitor is (id rules, store sync, persisted formats, cookie codec and domain, settings);
//! - [`event`]: what happened (argument forms, per-call options, the envelope, page context, campaign);
//! - [`delivery`]: how it leaves (queue, batching, status table, backoff, persisted queue, tab leases);
//! - [`consent`]: whether the page may store and send (consent options, privacy signals, remembered choice).
//!
//! [`tracker`] joins them for one call and [`load_options`] parses the init options for all of them; `options`
//! (the typed reads of the init options by path), `json`,
//! `text`, `time`, `random`, `uuid`, `pairs` (the one small ordered map), `store` (the three-method storage contract) and `endpoint_limits` are the
//! small shared pieces
//! every part may use (they import no part).
//! Must not import: `wasm_bindgen`, `web_sys`, `js_sys`, `gloo*`, `getrandom`. Time comes in as
//! `now_ms: f64` arguments (written as dates by the platform's [`time::FormatDate`], the core choosing which
//! milliseconds), randomness through [`random::Random`], storage through [`store::Store`].
//! `scripts/check-core-purity` fails the build when this rule is broken.

pub mod consent;
pub mod delivery;
pub mod endpoint_limits;
pub mod event;
pub mod identity;
pub mod json;
pub mod load_options;
pub mod options;
pub mod pairs;
pub mod random;
pub mod store;
pub mod text;
pub mod time;
pub mod tracker;
pub mod uuid;
