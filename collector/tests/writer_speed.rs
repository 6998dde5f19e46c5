//! Measures the store writer alone (no HTTP): events per second into a SQLite file, in groups.
//! Ignored by default; run with `cargo test --profile collector-release --test writer_speed -- --ignored --nocapture`.

use collector::ingest::kind::Kind;
use collector::ingest::normalize::{normalize, Arrival};
use collector::store::writer::Writer;
use collector::stream::Broadcaster;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

#[test]
#[ignore]
fn writer_events_per_second() {
    let dir = std::env::temp_dir().join(format!("writer-speed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let writer = Writer::start(&dir.join("w.sqlite"), collector::store::schema::Durability::Process, Arc::new(Broadcaster::default())).unwrap();
    let total = 60_000;
    let events: Vec<_> = (0..total)
        .map(|n| {
            let device = (n / 100 * 31) % 5000; // batches of 100 from one visitor, as analytics.js sends
            let body = json!({"messageId": format!("ajs-next-{n}"), "anonymousId": format!("anon-{device:05}-4b1c-9a7e-2f5f7d856513"),
                "userId": if device % 4 == 0 { json!(format!("user-{device}")) } else { Value::Null },
                "event": "Product Viewed", "properties": {"product_id": "p-42", "price": 19.99},
                "timestamp": "2026-11-23T00:00:00.000Z", "context": {"library": {"name": "analytics.js"}, "page": {"path": "/products", "url": "https://shop.example/products"}, "userAgent": "Mozilla/5.0"}});
            let Value::Object(map) = body else { unreachable!() };
            normalize(Kind::Track, map, None, &Arrival { now_ms: 0, ip: None }).unwrap()
        })
        .collect();
    let mut groups: Vec<Vec<_>> = Vec::new();
    let mut events = events.into_iter().peekable();
    while events.peek().is_some() {
        groups.push(events.by_ref().take(800).collect());
    }
    let start = Instant::now();
    for group in groups {
        writer.submit(group).unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = writer_thread_cpu_seconds();
    println!("writer alone: {total} events in {secs:.2} s = {:.0} events/s; writer thread CPU {cpu:.2} s = {:.1} µs/event",
        total as f64 / secs, cpu * 1e6 / total as f64);
    let _ = std::fs::remove_dir_all(&dir);
}

/// CPU seconds used so far by the thread named `sqlite-writer`.
fn writer_thread_cpu_seconds() -> f64 {
    let mut total = 0.0;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() == "sqlite-writer" {
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
            let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("").split_whitespace().collect();
            total += [11, 12].iter().filter_map(|i| fields.get(*i)?.parse::<f64>().ok()).sum::<f64>() / 100.0;
        }
    }
    total
}
