//! The CORS grant of the ingest endpoints (`/v1/*`): open to every origin, because browsers send events
//! from the sites that embed the library — that is its job. Never used for the private side.
//!
//! The same headers tower-http's `CorsLayer` (mirror the origin and requested headers, credentials,
//! `POST, OPTIONS`, a day of preflight caching) sent, written straight into the response: ingest is the
//! hot path, and a layer cost a header map, a clone of its configuration and a boxed future per request.
//! Must not import other `http` modules except `reply`.

use super::reply;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

/// `Vary`: the answer depends on these request headers (caches must not mix origins).
const VARY: &str = "origin, access-control-request-method, access-control-request-headers";
/// Methods a preflight allows.
const METHODS: &str = "POST,OPTIONS";
/// How long browsers may cache a preflight, in seconds.
const PREFLIGHT_MAX_AGE: &str = "86400";

/// The answer to a preflight (any `OPTIONS` request under `/v1/`): 200, empty, with the grant.
pub fn preflight(request: &HeaderMap) -> Response {
    let mut response = reply::empty(200);
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(METHODS));
    if let Some(asked) = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(PREFLIGHT_MAX_AGE));
    response
}

/// Adds the grant every ingest answer carries (whatever its status: a page must be able to read a 400
/// or a 429): the caller's `origin` mirrored, credentials allowed, `Vary`.
pub fn grant(response: &mut Response, origin: Option<HeaderValue>) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    headers.append(header::VARY, HeaderValue::from_static(VARY));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
}
