//! Replies and the headers every reply carries (CORS, content type).

use serde_json::{json, Value};
use super::wire::{write_response, Request};
use std::io::Write;

/// A response ready to send.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Additional headers (e.g. `Location`).
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply { status, content_type: "application/json", body: value.to_string().into_bytes(), headers: Vec::new() }
    }

    /// The Segment-style error body `{"success":false,"error":...}`.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &json!({"success": false, "error": message}))
    }

    /// A redirect to `location`.
    pub fn redirect(location: String) -> Reply {
        Reply { status: 302, content_type: "text/plain", body: Vec::new(), headers: vec![("Location", location)] }
    }
}

/// CORS headers: the caller's origin is echoed (credentials allowed), `*` without one.
pub fn cors_headers(origin: Option<&str>) -> Vec<(&'static str, String)> {
    match origin {
        Some(o) => vec![
            ("Access-Control-Allow-Origin", o.to_string()),
            ("Access-Control-Allow-Credentials", "true".into()),
            ("Vary", "Origin".into()),
        ],
        None => vec![("Access-Control-Allow-Origin", "*".into())],
    }
}

/// Headers a preflight grants: the methods we serve and the headers the client asked for.
pub fn preflight(req: &Request) -> Reply {
    let asked = req.header("Access-Control-Request-Headers").map(str::to_string);
    let allowed = asked.unwrap_or_else(|| "Content-Type, Authorization, Content-Encoding, X-Retry-Count".into());
    Reply {
        status: 204,
        content_type: "text/plain",
        body: Vec::new(),
        headers: vec![
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS".into()),
            ("Access-Control-Allow-Headers", allowed),
            ("Access-Control-Max-Age", "86400".into()),
        ],
    }
}

/// Writes `reply` with CORS headers for the request's origin.
pub fn send(out: &mut impl Write, req: &Request, reply: Reply) -> std::io::Result<()> {
    let mut headers = reply.headers;
    headers.extend(cors_headers(req.header("origin")));
    headers.push(("Content-Type", reply.content_type.to_string()));
    write_response(out, reply.status, &headers, &reply.body, req.keep_alive, req.method == "HEAD")
}
