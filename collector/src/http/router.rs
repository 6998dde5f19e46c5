//! Where a request goes:
//! - `/v1/*` (ingest): straight to [`ingest::serve`] — open to every origin (CORS grant in
//!   [`super::cors`]) — without a router or a layer in between: it is the hot path, and each layer cost
//!   a boxed future, a header map or a clone of its configuration per request;
//! - everything else (read API, live stream, static files): an axum router behind the privacy guard, no
//!   CORS;
//! - on both: a panic is answered 500 instead of dropping the connection.

use super::state::{Peer, Shared};
use super::{api, files, guard, ingest, reply, sse};
use axum::extract::Request;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;

/// The whole application: cheap to clone (one per connection).
#[derive(Clone)]
pub struct App {
    state: Shared,
    private: Router,
}

impl App {
    /// The application over `state`.
    pub fn new(state: Shared) -> App {
        let private = Router::new()
            .route("/api/events", get(api::events))
            .route("/api/profiles", get(api::profiles))
            .route("/api/profiles/{*rest}", get(api::profile))
            .route("/api/stream", get(sse::stream))
            .fallback(files::handle)
            .layer(from_fn_with_state(state.clone(), guard::private))
            .layer(CatchPanicLayer::custom(|_| internal_error()))
            .with_state(state.clone());
        App { state, private }
    }

    /// Answers one request that arrived from `peer`.
    pub async fn call(self, req: Request, peer: Peer) -> Response {
        if is_ingest(req.uri().path()) {
            let served = AssertUnwindSafe(ingest::serve(self.state, req, peer)).catch_unwind().await;
            return served.unwrap_or_else(|_| internal_error());
        }
        match self.private.oneshot(req).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }
}

/// `/v1/` followed by at least one character (`/v1` and `/v1/` are not ingest endpoints: they go to the
/// private side like every other path).
fn is_ingest(path: &str) -> bool {
    path.len() > 4 && path.starts_with("/v1/")
}

fn internal_error() -> Response {
    reply::error(500, "internal error")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ingest_paths() {
        for (path, ingest) in [("/v1/t", true), ("/v1/batch", true), ("/v1/x/y", true), ("/v1/", false), ("/v1", false), ("/v10/t", false), ("/api/events", false), ("/", false)] {
            assert_eq!(super::is_ingest(path), ingest, "{path}");
        }
    }
}
