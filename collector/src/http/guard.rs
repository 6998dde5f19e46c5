//! Middleware: the privacy guard in front of everything but ingest (rules in [`super::access`]).
//!
//! (HTTP framing needs no middleware: hyper refuses differing or malformed `Content-Length` values and
//! bad chunk framing with 400 and closes; a request with both `Transfer-Encoding` and `Content-Length`
//! is read by its `Transfer-Encoding` alone and its connection closed after the answer, RFC 9112 §6.3.)

use super::access::{Facts, Verdict, TOKEN_COOKIE};
use super::reply;
use super::state::Shared;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Lets a request through to the read API, the stream or the static files only if the access policy
/// allows it; never adds a CORS grant.
pub async fn private(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let facts = Facts {
        method: req.method().as_str(),
        path: req.uri().path(),
        query: req.uri().query().unwrap_or(""),
        host: text(headers, "host"),
        origin: text(headers, "origin"),
        fetch_site: text(headers, "sec-fetch-site"),
        fetch_mode: text(headers, "sec-fetch-mode"),
        authorization: text(headers, "authorization"),
        cookie: text(headers, "cookie"),
    };
    match state.policy.check(&facts) {
        Verdict::Allow => next.run(req).await,
        Verdict::Refuse(status, message) => {
            let mut response = reply::error(status, message);
            if status == 401 {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
        Verdict::SetTokenCookie { location } => {
            let mut response = reply::redirect(303, &location);
            let token = state.policy.admin_token.as_deref().unwrap_or("");
            let cookie = format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
    }
}
