//! The snippet's persisted calls: what the stub (`www/snippet.js`) saves to localStorage on
//! `pagehide` when the visitor leaves before the library has loaded, and the facade
//! (`www/src/load.js`, `takeSavedCalls`) reads back and replays on the next page. Both sides are
//! JavaScript (the stub runs before any wasm exists), so this module holds the key and the format's
//! definition, like every other persisted key's module (`identity::storage_format`,
//! `delivery::queue_format`); `tests/js_contract.rs` fails when either file spells the key otherwise.
//!
//! Format v1, key [`KEY`]: a JSON array of calls, each `[method, ...args]` as the stub queued it; a
//! contextual call (`track`, `page`, `screen`, `identify`, `group`, `alias`) ends with the page
//! snapshot `{"__t":"bpc","c":canonical,"p":path,"u":url,"s":search,"t":title,"r":referrer,"d":epoch ms}`.
//! A page that leaves early appends to what is saved; the reader removes the key before replaying
//! (each call replays once) and ignores anything that is not an array of calls.
//! Plain data: imports nothing.

/// The localStorage key of the saved calls (format v1).
pub const KEY: &str = "wa:snippet-calls:v1";
