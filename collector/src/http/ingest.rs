//! `POST /v1/...`: receive the body within its limit and deadline, check the write key, validate,
//! store, answer after commit — inside the [`Budget`](super::budget::Budget): what does not fit
//! waits, then gets `429` with `Retry-After`.
//!
//! Decoding runs on the blocking pool; the wait for the group commit does not hold a thread.

use super::budget::Busy;
use super::{cors, reply};
use super::state::{Peer, Shared};
use crate::ingest::body::{check_write_key, parse_envelope, read_body, write_key};
use crate::ingest::endpoint::{endpoint_for, Endpoint};
use crate::ingest::normalize::{events_from_envelope, Arrival};
use crate::ingest::rules::{MAX_BATCH_BYTES, MAX_EVENT_BYTES};
use crate::ingest::Rejection;
use crate::time::now_ms;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::time::Duration;

/// A whole request body must arrive within this long (per-read timeouts let a slow sender hold a
/// connection forever).
pub const BODY_DEADLINE: Duration = Duration::from_secs(20);

/// Serves one request under `/v1/` from `peer`: a preflight, or [`handle`]; every answer carries the
/// CORS grant.
pub async fn serve(state: Shared, req: Request, peer: Peer) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut response = if req.method() == Method::OPTIONS { cors::preflight(req.headers()) } else { handle(state, req, peer).await };
    cors::grant(&mut response, origin);
    response
}

/// The answer to a stored request.
const SUCCESS: &[u8] = br#"{"success":true}"#;

/// Handles one ingest request: 200 `{"success":true}` once committed, else a JSON error.
async fn handle(state: Shared, req: Request, peer: Peer) -> Response {
    let Some(endpoint) = endpoint_for(req.uri().path()) else { return reply::error(404, "not found") };
    if req.method() != Method::POST {
        return reply::error(405, "use POST");
    }
    match accept(state, req, endpoint, peer).await {
        Ok(()) => reply::fixed(200, "application/json", SUCCESS),
        Err(rejection) => reply::error(rejection.status, &rejection.message),
    }
}

fn busy(_: Busy) -> Rejection {
    Rejection { status: 429, message: "the collector is busy: retry later".into() }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

async fn accept(state: Shared, req: Request, endpoint: Endpoint, peer: Peer) -> Result<(), Rejection> {
    let limit = match endpoint {
        Endpoint::Single(_) => MAX_EVENT_BYTES,
        Endpoint::Batch => MAX_BATCH_BYTES,
    };
    let too_large = || Rejection::bad(format!("request body exceeds {} KB", limit / 1024));
    let (parts, body) = req.into_parts();
    let declared = header_text(&parts.headers, header::CONTENT_LENGTH).and_then(|v| v.parse::<usize>().ok());
    if let Some(declared) = declared.filter(|n| *n > limit) {
        if declared <= DRAIN_BYTES {
            drain(body).await;
        }
        return Err(too_large());
    }
    let _wire = state.budget.wire(declared.unwrap_or(limit)).await.map_err(busy)?;
    let raw = receive(body, limit).await.map_err(|e| e.unwrap_or_else(too_large))?;
    let encoding = header_text(&parts.headers, header::CONTENT_ENCODING);
    let authorization = header_text(&parts.headers, header::AUTHORIZATION);
    let arrival = Arrival { now_ms: now_ms(), ip: Some(peer.0.ip().to_string()) };
    let request = Received { endpoint, limit, raw, encoding, authorization, arrival };
    let (events, _work) = if request.raw.len() <= INLINE_BYTES && request.encoding.is_none() {
        decode_inline(&state, request).await?
    } else {
        let worker = state.clone();
        let runtime = tokio::runtime::Handle::current();
        let decoded = tokio::task::spawn_blocking(move || request.decode(&worker, |work| runtime.block_on(work)));
        decoded.await.map_err(|_| Rejection { status: 500, message: "internal error".into() })??
    };
    let reply = state.writer.enqueue(events).await.map_err(|message| Rejection { status: 500, message })?;
    match reply.await {
        Ok(Ok(_outcome)) => Ok(()),
        Ok(Err(message)) => Err(Rejection { status: 500, message }),
        Err(_) => Err(Rejection { status: 500, message: "writer stopped".into() }),
    }
}

/// Plain bodies up to this size are decoded on the async worker (a few microseconds: cheaper than a
/// hop to the blocking pool); larger or compressed ones on the blocking pool.
const INLINE_BYTES: usize = 16 * 1024;

/// A received request body and what decoding it needs.
struct Received {
    endpoint: Endpoint,
    limit: usize,
    raw: axum::body::Bytes,
    encoding: Option<String>,
    authorization: Option<String>,
    arrival: Arrival,
}

type Work = tokio::sync::OwnedSemaphorePermit;

impl Received {
    /// Decompresses, splits, checks the write key, takes room in the work budget (`wait` runs the
    /// budget's future to completion), and normalizes the events.
    fn decode(self, state: &Shared, wait: impl FnOnce(BoxedWork<'_>) -> Result<Work, Busy>) -> Result<(Vec<crate::ingest::Event>, Work), Rejection> {
        let plain = read_body(&mut &self.raw[..], self.encoding.as_deref(), self.limit)?;
        drop(self.raw);
        let envelope = parse_envelope(&plain, self.endpoint)?;
        check_write_key(&state.write_keys, write_key(&envelope.fields, self.authorization.as_deref()).as_deref())?;
        let work = wait(Box::pin(state.budget.work(plain.len(), envelope.event_count()))).map_err(busy)?;
        let events = events_from_envelope(self.endpoint, envelope, &self.arrival)?;
        Ok((events, work))
    }
}

type BoxedWork<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Work, Busy>> + Send + 'a>>;

/// [`Received::decode`] on the async worker, for small plain bodies.
async fn decode_inline(state: &Shared, request: Received) -> Result<(Vec<crate::ingest::Event>, Work), Rejection> {
    let envelope = parse_envelope(&request.raw, request.endpoint)?;
    check_write_key(&state.write_keys, write_key(&envelope.fields, request.authorization.as_deref()).as_deref())?;
    let work = state.budget.work(request.raw.len(), envelope.event_count()).await.map_err(busy)?;
    let events = events_from_envelope(request.endpoint, envelope, &request.arrival)?;
    Ok((events, work))
}

/// A body declared too large but no larger than this is read and discarded before the 400, so the
/// client (still sending) gets the answer rather than a reset connection.
const DRAIN_BYTES: usize = 4 * 1024 * 1024;

/// Reads and discards a body (within [`BODY_DEADLINE`]).
async fn drain(body: Body) {
    use futures_util::StreamExt;
    let mut chunks = body.into_data_stream();
    let _ = tokio::time::timeout(BODY_DEADLINE, async { while let Some(Ok(_)) = chunks.next().await {} }).await;
}

/// The whole body, within `limit` bytes and [`BODY_DEADLINE`]. `Err(None)` means too large.
async fn receive(body: Body, limit: usize) -> Result<axum::body::Bytes, Option<Rejection>> {
    let collected = tokio::time::timeout(BODY_DEADLINE, Limited::new(body, limit).collect()).await;
    match collected {
        Err(_) => Err(Some(Rejection { status: 408, message: "request body not received in time".into() })),
        Ok(Ok(body)) => Ok(body.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(None),
        Ok(Err(e)) => Err(Some(Rejection::bad(format!("could not read body: {e}")))),
    }
}
