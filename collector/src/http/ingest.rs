//! `POST /v1/...`: read the body, check the write key, validate, store, answer after commit.

use super::reply::Reply;
use super::server::State;
use crate::ingest::body::{check_write_key, parse_object, read_body, write_key};
use crate::ingest::endpoint::Endpoint;
use crate::ingest::normalize::{events_from_body, Arrival};
use crate::ingest::rules::{MAX_BATCH_BYTES, MAX_EVENT_BYTES};
use crate::ingest::Rejection;
use crate::time::now_ms;
use serde_json::json;
use super::wire::Request;

/// Handles one ingest request: 200 `{"success":true}` once committed, else a JSON error.
pub fn handle(state: &State, req: &Request, endpoint: Endpoint) -> Reply {
    match accept(state, req, endpoint) {
        Ok(()) => Reply::json(200, &json!({"success": true})),
        Err(rejection) => Reply::error(rejection.status, &rejection.message),
    }
}

fn accept(state: &State, req: &Request, endpoint: Endpoint) -> Result<(), Rejection> {
    let limit = match endpoint {
        Endpoint::Single(_) => MAX_EVENT_BYTES,
        Endpoint::Batch => MAX_BATCH_BYTES,
    };
    let arrival = Arrival { now_ms: now_ms(), ip: req.peer.map(|ip| ip.to_string()) };
    let bytes = read_body(&mut &req.body[..], req.header("Content-Encoding"), limit)?;
    let body = parse_object(&bytes)?;
    check_write_key(&state.write_keys, write_key(&body, req.header("Authorization")).as_deref())?;
    let events = events_from_body(endpoint, body, &arrival)?;
    state.writer.submit(events).map(|_| ()).map_err(|message| Rejection { status: 500, message })
}
