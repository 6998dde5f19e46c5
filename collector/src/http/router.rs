//! The routes and the layers around them:
//! - `/v1/*` (ingest): open to every origin — CORS mirrors the caller's origin (tower-http);
//! - everything else (read API, live stream, static files): behind the privacy guard, no CORS;
//! - around both: panics answered 500 instead of dropping the connection.

use super::state::Shared;
use super::{api, files, guard, ingest, reply, sse};
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get};
use axum::Router;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

/// How long browsers may cache an ingest preflight.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(86_400);

/// The whole application.
pub fn router(state: Shared) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .max_age(PREFLIGHT_MAX_AGE);
    let ingest = Router::new().route("/v1/{*rest}", any(ingest::handle)).layer(cors);
    let private = Router::new()
        .route("/api/events", get(api::events))
        .route("/api/profiles", get(api::profiles))
        .route("/api/profiles/{*rest}", get(api::profile))
        .route("/api/stream", get(sse::stream))
        .fallback(files::handle)
        .layer(from_fn_with_state(state.clone(), guard::private));
    ingest
        .merge(private)
        .layer(CatchPanicLayer::custom(|_| reply::error(500, "internal error")))
        .with_state(state)
}
