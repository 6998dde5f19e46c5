//! What every Segment-compatible endpoint accepts, as numbers both the event builder and the outbox read.
//!
//! Owns only these limits; imports nothing. The event side refuses to build what exceeds them, the
//! delivery side sizes requests by them.

/// Events whose body is larger than this are dropped at build time: the tracking API rejects messages
/// over 32 KB, and stamping at send time adds up to ~150 bytes.
pub const MAX_EVENT_BYTES: usize = 32_000;
