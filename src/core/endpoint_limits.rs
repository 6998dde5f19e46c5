//! What every Segment-compatible endpoint accepts, as numbers both the event builder and the outbox read.
//!
//! Owns only these limits and the id rule over them; imports nothing. The event side refuses to build what exceeds them, the
//! delivery side sizes requests by them.

/// Events whose body is larger than this are dropped at build time: the tracking API rejects messages
/// over 32 KB, and stamping at send time adds up to ~150 bytes.
pub const MAX_EVENT_BYTES: usize = 32_000;

/// Most levels of objects and arrays in one event body (the body itself is level 1). Endpoints
/// parsing with serde_json (our collector) refuse more than 128 levels in a whole request, and the
/// batch wrapper adds two; 64 leaves room for wrappers and server-side enrichment while no
/// real property bag comes near it. Deeper events are dropped at build time.
pub const MAX_NESTING_DEPTH: usize = 64;

/// Longest id, in characters, accepted for `userId`, `anonymousId`, `groupId` and alias ids, at
/// every door (query string, `setAnonymousId`, `user().anonymousId(id)`, `identify`, options) and
/// when read back from storage. analytics.js ids are UUIDs (36) or site user ids of a few dozen;
/// a longer one is a crafted link or a bug, and kept it would push every later event of the
/// visitor over [`MAX_EVENT_BYTES`].
pub const MAX_ID_CHARS: usize = 256;

/// True for an id that may be stored and sent: non-empty and at most [`MAX_ID_CHARS`] characters
/// (Unicode scalar values, counted without `chars().count()`'s 700 lines of wasm).
pub fn is_admissible_id(id: &str) -> bool {
    let mut chars = 0;
    for &byte in id.as_bytes() {
        chars += usize::from(byte & 0xC0 != 0x80);
    }
    chars > 0 && chars <= MAX_ID_CHARS
}
