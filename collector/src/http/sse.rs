//! `GET /api/stream`: server-sent events of each stored event (`event: event`) and each profile
//! change (`event: profile`). Each connection drains its own subscription (bounded in bytes, see
//! [`crate::stream`]), so a slow browser never blocks the store writer; a stalled one is dropped there,
//! and the socket's write timeout closes it. Reached only through the privacy guard.

use super::state::Shared;
use crate::stream::Subscription;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use futures_util::stream::{self, StreamExt};
use std::convert::Infallible;
use std::time::Duration;

/// A comment line sent when idle so clients see the connection alive (and we notice it is gone).
const KEEPALIVE_EVERY: Duration = Duration::from_secs(15);

/// Streams frames until the client goes away or falls too far behind.
pub async fn stream(State(state): State<Shared>) -> Response {
    let subscription = state.hub.subscribe();
    let hello = stream::once(async { Ok::<_, Infallible>(Bytes::from_static(b"retry: 1000\n: connected\n\n")) });
    let frames = stream::unfold(subscription, |mut subscription: Subscription| async move {
        let chunk = match tokio::time::timeout(KEEPALIVE_EVERY, subscription.next()).await {
            Ok(Some(frame)) => Bytes::copy_from_slice(frame.as_bytes()),
            Ok(None) => return None,
            Err(_) => Bytes::from_static(b": ping\n\n"),
        };
        Some((Ok(chunk), subscription))
    });
    let mut response = Response::new(Body::from_stream(hello.chain(frames)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
