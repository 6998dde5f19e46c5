//! An acknowledged event survives `kill -9`: load the real binary from several connections, SIGKILL it
//! mid-stream, then check that every event that got a 2xx is in the SQLite file.

mod common;

use common::*;
use serde_json::json;
use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const SENDERS: usize = 4;
const BATCH: usize = 20;

fn sender(addr: std::net::SocketAddr, lane: usize, acked: Arc<Mutex<Vec<String>>>, stop: Arc<AtomicBool>) -> usize {
    let agent = agent();
    let mut failures = 0;
    for round in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let ids: Vec<String> = (0..BATCH).map(|i| format!("k9-{lane}-{round}-{i}")).collect();
        let batch: Vec<_> = ids.iter().map(|id| track(id, &format!("anon-{lane}"), None, "Load")).collect();
        let body = json!({"batch": batch, "sentAt": "2026-11-23T00:00:00.000Z"}).to_string();
        match request(&agent, addr, "POST", "/v1/b", &[("Content-Type", "text/plain")], body.as_bytes()) {
            Ok(r) if r.status == 200 => acked.lock().unwrap().extend(ids),
            Ok(r) => panic!("unexpected status {} {}", r.status, r.text()),
            Err(_) => {
                failures += 1;
                break;
            }
        }
    }
    failures
}

#[test]
fn acknowledged_events_survive_kill_9() {
    kill_9_keeps_acknowledged_events(&[]);
}

#[test]
fn acknowledged_events_survive_kill_9_with_synchronous_full() {
    kill_9_keeps_acknowledged_events(&["--synchronous", "full"]);
}

fn kill_9_keeps_acknowledged_events(flags: &[&str]) {
    let (_dir, mut s) = fresh(flags);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let lanes: Vec<_> = (0..SENDERS)
        .map(|lane| {
            let (acked, stop, addr) = (acked.clone(), stop.clone(), s.addr);
            thread::spawn(move || sender(addr, lane, acked, stop))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.lock().unwrap().len() < 3_000 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    s.child.kill().unwrap(); // SIGKILL while the senders are still sending
    let status = s.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let cut_off: usize = lanes.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(status.signal(), Some(9), "the process must die by SIGKILL");
    assert!(cut_off > 0, "the kill must interrupt requests in flight");

    let acked = acked.lock().unwrap().clone();
    eprintln!("acknowledged before kill -9: {} events; requests cut off: {cut_off}", acked.len());
    assert!(acked.len() >= 100, "only {} events acknowledged before the kill", acked.len());
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let mut stmt = conn.prepare("SELECT COUNT(*) FROM events WHERE message_id = ?1").unwrap();
    let missing: Vec<&String> = acked.iter().filter(|id| stmt.query_row([id.as_str()], |r| r.get::<_, i64>(0)).unwrap() != 1).collect();
    assert!(missing.is_empty(), "{} of {} acknowledged events lost, e.g. {:?}", missing.len(), acked.len(), &missing[..missing.len().min(3)]);
    let stored: i64 = conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).unwrap();
    let tracks: i64 = conn.query_row("SELECT COUNT(*) FROM tracks", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, tracks, "an event row without its warehouse row means a torn transaction");
    assert!(stored as usize >= acked.len());
    drop(stmt);
    drop(conn);

    let again = Server::start(s.db.clone(), &[]);
    assert_eq!(again.post("/v1/t", &track("after-restart", "anon-0", None, "E")).status, 200);
    assert_eq!(again.post("/v1/t", &track(&acked[0], "anon-0", None, "E")).status, 200);
    assert_eq!(again.count("SELECT COUNT(*) FROM events"), stored + 1, "a retried acknowledged event is not stored twice");
}
