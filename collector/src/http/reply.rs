//! Building responses: JSON bodies, Segment-style errors (with `Retry-After` on 429), redirects.
//! Must not import other `http` modules.

use super::budget::RETRY_AFTER_SECONDS;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// A JSON response.
pub fn json(status: u16, value: &Value) -> Response {
    bytes(status, "application/json", value.to_string().into_bytes())
}

/// A response with a constant body of `content_type` (no allocation, no serialization).
pub fn fixed(status: u16, content_type: &'static str, body: &'static [u8]) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A response with a shared body of `content_type` (e.g. a cached copy).
pub fn shared(status: u16, content_type: &'static str, body: axum::body::Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A response without a body.
pub fn empty(status: u16) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
}

/// A response with a body of `content_type`.
pub fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The Segment-style error body `{"success":false,"error":...}`; a 429 says when to retry.
pub fn error(status: u16, message: &str) -> Response {
    let mut response = json(status, &json!({"success": false, "error": message}));
    if status == 429 {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    }
    response
}

/// A redirect to a same-origin `path` (callers make sure it starts with exactly one `/`).
pub fn redirect(status: u16, path: &str) -> Response {
    let mut response = bytes(status, "text/plain", Vec::new());
    if let Ok(location) = HeaderValue::from_str(path) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}
