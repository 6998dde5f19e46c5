//! Turning an HTTP request body into validated, normalized events (no I/O besides reading the body).
//!
//! Owns the endpoint table, the Segment-compatible validation rules and the server-side fields
//! (`receivedAt`, skew-corrected `timestamp`, `messageId` when missing). Must not import `store` or
//! `http`: the result is plain data the writer stores.

pub mod body;
pub mod endpoint;
pub mod kind;
pub mod normalize;
pub mod rules;

use serde_json::Value;

/// One validated event, ready to store.
#[derive(Debug, Clone)]
pub struct Event {
    /// The call type.
    pub kind: kind::Kind,
    /// `messageId`, the idempotency key.
    pub message_id: String,
    /// `userId` as a string, when present and non-empty.
    pub user_id: Option<String>,
    /// `anonymousId` as a string, when present and non-empty.
    pub anonymous_id: Option<String>,
    /// `receivedAt`, set by the server.
    pub received_at: String,
    /// `timestamp` after clock-skew correction.
    pub timestamp: String,
    /// The whole normalized event object (server fields included, `writeKey` removed).
    pub value: Value,
    /// `value` serialized, as stored. Serialized here, on the request's thread, so the single store
    /// writer spends its time in SQLite only.
    pub json: String,
    /// Object fields serialized for the warehouse columns (`context`, `properties`, `traits`).
    pub object_json: Vec<(&'static str, String)>,
}

/// Object-valued fields that warehouse tables store as JSON text.
pub const OBJECT_FIELDS: [&str; 3] = ["context", "properties", "traits"];

impl Event {
    /// The serialized text of an object field (see [`OBJECT_FIELDS`]), if present.
    pub fn object_text(&self, field: &str) -> Option<&str> {
        self.object_json.iter().find(|(f, _)| *f == field).map(|(_, text)| text.as_str())
    }
}

/// Why a request is refused: an HTTP status and a message for the JSON error body.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// HTTP status (400 for malformed input, 401 for a bad write key).
    pub status: u16,
    /// Human-readable reason, e.g. `batch[2]: track requires "event"`.
    pub message: String,
}

impl Rejection {
    /// A 400 Bad Request with `message`.
    pub fn bad(message: impl Into<String>) -> Self {
        Rejection { status: 400, message: message.into() }
    }
}
