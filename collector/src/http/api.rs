//! `GET /api/...`: the JSON read API used by the inspector and the tests. Every list is a page with a
//! `next` cursor (see [`crate::store::read`]); `limit` is capped at [`MAX_LIMIT`].
//!
//! - `/api/events?limit=N&before=SEQ`: events, newest first.
//! - `/api/profiles?limit=N&before=PROFILE`: live profiles, newest first.
//! - `/api/profiles/{profile number or any member id}?limit=N&after=SEQ`: ids, traits and a page of the
//!   timeline (oldest first, `timelineNext` cursor).
//! - `/api/profiles/{...}/identities?limit=N&after=CURSOR`: all of a profile's ids, a page at a time.
//!
//! Queries run on the blocking pool (SQLite is synchronous). Reached only through the privacy guard.

use super::decode::{percent_decode, query_param};
use super::reply;
use super::state::Shared;
use crate::store::read::{Page, Reader, MAX_LIMIT};
use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::Value;

const DEFAULT_LIMIT: usize = 100;

/// `GET /api/events`.
pub async fn events(State(state): State<Shared>, req: Request) -> Response {
    let page = page(req.uri().query(), "before", DEFAULT_LIMIT);
    run(state, move |reader| reader.recent_events(page).map(Some)).await
}

/// `GET /api/profiles`.
pub async fn profiles(State(state): State<Shared>, req: Request) -> Response {
    let page = page(req.uri().query(), "before", DEFAULT_LIMIT);
    run(state, move |reader| reader.profiles(page).map(Some)).await
}

/// `GET /api/profiles/{key}` and `GET /api/profiles/{key}/identities`.
pub async fn profile(State(state): State<Shared>, req: Request) -> Response {
    let rest = req.uri().path().strip_prefix("/api/profiles/").unwrap_or("").to_string();
    let page = page(req.uri().query(), "after", MAX_LIMIT);
    match rest.split('/').collect::<Vec<_>>()[..] {
        [key] => {
            let key = percent_decode(key);
            run(state, move |reader| reader.profile(&key, page)).await
        }
        [key, "identities"] => {
            let key = percent_decode(key);
            run(state, move |reader| reader.identities(&key, page)).await
        }
        _ => reply::error(404, "not found"),
    }
}

fn page(query: Option<&str>, cursor: &str, default_limit: usize) -> Page {
    let query = query.unwrap_or("");
    let limit = query_param(query, "limit").and_then(|v| v.parse().ok()).unwrap_or(default_limit).min(MAX_LIMIT);
    Page { from: query_param(query, cursor).and_then(|v| v.parse().ok()), limit }
}

async fn run(state: Shared, query: impl FnOnce(&Reader) -> rusqlite::Result<Option<Value>> + Send + 'static) -> Response {
    let answer = tokio::task::spawn_blocking(move || query(&state.reader)).await;
    match answer {
        Ok(Ok(Some(value))) => reply::json(200, &value),
        Ok(Ok(None)) => reply::error(404, "no such profile"),
        Ok(Err(e)) => reply::error(500, &format!("storage error: {e}")),
        Err(_) => reply::error(500, "internal error"),
    }
}
