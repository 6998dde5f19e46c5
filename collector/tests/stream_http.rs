//! `GET /api/stream`: stored events and profile changes arrive as server-sent events.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Reads SSE frames until `wanted` (name, predicate) frames were seen or 10 s pass.
fn read_frames(reader: &mut BufReader<TcpStream>, until: impl Fn(&[(String, Value)]) -> bool) -> Vec<(String, Value)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut frames = Vec::new();
    let mut name = String::new();
    while Instant::now() < deadline && !until(&frames) {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(n) = line.strip_prefix("event: ") {
            name = n.trim().to_string();
        } else if let Some(data) = line.strip_prefix("data: ") {
            frames.push((name.clone(), serde_json::from_str(data.trim()).unwrap()));
        }
    }
    frames
}

#[test]
fn stored_events_and_profile_changes_are_streamed() {
    let (_dir, s) = fresh(&[]);
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    while !head.ends_with(": connected\n") {
        assert!(reader.read_line(&mut head).unwrap() > 0, "stream closed: {head}");
    }
    assert!(head.starts_with("HTTP/1.1 200"));
    assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");

    s.post("/v1/t", &track("live-1", "anon-live", None, "Viewed"));
    s.post("/v1/i", &identify("live-2", "anon-live", "u-live", json!({"email": "l@example.com"})));
    let frames = read_frames(&mut reader, |f| {
        f.iter().filter(|(n, _)| n == "event").count() >= 2 && f.iter().any(|(n, v)| n == "profile" && v["userIds"] == json!(["u-live"]))
    });
    let events: Vec<_> = frames.iter().filter(|(n, _)| n == "event").map(|(_, v)| v["event"]["messageId"].clone()).collect();
    assert_eq!(events, [json!("live-1"), json!("live-2")]);
    let last_profile = frames.iter().rev().find(|(n, _)| n == "profile").map(|(_, v)| v.clone()).unwrap();
    assert_eq!(last_profile["anonymousIds"], json!(["anon-live"]));
    assert_eq!(last_profile["traits"]["email"], "l@example.com");
    let event_frame = &frames.iter().find(|(n, _)| n == "event").unwrap().1;
    assert_eq!(event_frame["profileId"], last_profile["profileId"]);
}
