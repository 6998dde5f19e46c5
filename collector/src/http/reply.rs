//! Replies and the headers every reply carries (CORS, content type).

use serde_json::{json, Value};
use tiny_http::{Header, Request, Response};

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

/// A request header's value, by case-insensitive name.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().iter().find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name)).map(|h| h.value.as_str().to_string())
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
    let asked = header(req, "Access-Control-Request-Headers");
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

/// Sends `reply` with CORS headers for the request's origin.
pub fn send(req: Request, reply: Reply) {
    let origin = header(&req, "Origin");
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    let headers = reply.headers.into_iter().chain(cors_headers(origin.as_deref())).chain([("Content-Type", reply.content_type.to_string())]);
    for (name, value) in headers {
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = req.respond(response);
}
