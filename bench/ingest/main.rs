//! `bench-ingest`: the ingest benchmark. Starts the real `collector` binary on 127.0.0.1 with a fresh
//! SQLite file per scenario, drives it from several keep-alive connections for a fixed time (batches
//! of 100 on `/v1/b`, then single events on `/v1/t`), and prints sustained events/s and request
//! latency percentiles. Every acknowledged event is then counted in the database file.
//!
//! Load shape: every request comes from one simulated browser (one of [`DEVICES`] anonymousIds, a
//! quarter of them signed in), as analytics.js sends: a batch request carries up to 100 events of ONE
//! visitor (tracks and pages, one identify in 20); a single-event request carries one track. Events are
//! ~700 bytes, shaped like analytics.js payloads, each with a unique messageId.
//!
//! Usage: `bench-ingest [--collector PATH] [--seconds N] [--connections C] [--only batch|single]` (see
//! `scripts/bench-ingest`).
//! Traffic goes to 127.0.0.1 only; each scenario stops by itself after its duration. The client is
//! `ureq` (one agent, so one keep-alive connection, per sender).
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// One load shape: how many events per request and which endpoint.
struct Scenario {
    name: &'static str,
    path: &'static str,
    events_per_request: usize,
}

const SCENARIOS: [Scenario; 2] = [
    Scenario { name: "batch of 100", path: "/v1/b", events_per_request: 100 },
    Scenario { name: "single event", path: "/v1/t", events_per_request: 1 },
];

/// Distinct devices and users the generated events come from (so the identity graph sees repeats).
const DEVICES: usize = 5_000;

struct Options {
    collector: PathBuf,
    seconds: u64,
    connections: usize,
    /// Run only the scenarios whose name contains this (`batch`, `single`); all when `None`.
    only: Option<String>,
}

struct Measured {
    /// Collector CPU time (user + system) spent during the run, in seconds.
    server_cpu: f64,
    /// Size of the WAL file when the run ended (checkpoints keep it bounded).
    wal_bytes: u64,
    requests: usize,
    events: usize,
    elapsed: Duration,
    latencies_us: Vec<u64>,
    stored: i64,
}

fn main() {
    let options = parse_options();
    println!("ingest benchmark: {} connections, {} s per scenario, collector {}", options.connections, options.seconds, options.collector.display());
    println!();
    println!(
        "{:<14} {:>9} {:>10} {:>10} {:>8} {:>8} {:>8} {:>8} {:>13} {:>8}",
        "scenario", "requests", "events", "events/s", "req/s", "p50 ms", "p99 ms", "max ms", "server µs/ev", "WAL MiB"
    );
    let mut batch_result = None;
    for scenario in SCENARIOS.iter().filter(|s| options.only.as_deref().is_none_or(|only| s.name.contains(only))) {
        let m = run_scenario(&options, scenario);
        let secs = m.elapsed.as_secs_f64();
        println!(
            "{:<14} {:>9} {:>10} {:>10.0} {:>8.0} {:>8.2} {:>8.2} {:>8.2} {:>13.1} {:>8.1}",
            scenario.name, m.requests, m.events, m.events as f64 / secs, m.requests as f64 / secs,
            percentile(&m.latencies_us, 50.0), percentile(&m.latencies_us, 99.0), percentile(&m.latencies_us, 100.0),
            m.server_cpu * 1e6 / m.events.max(1) as f64,
            m.wal_bytes as f64 / (1024.0 * 1024.0)
        );
        assert!(m.stored >= m.events as i64, "{}: {} acknowledged but only {} stored", scenario.name, m.events, m.stored);
        if scenario.events_per_request > 1 {
            batch_result = Some((m.events as f64 / secs, percentile(&m.latencies_us, 99.0)));
        }
    }
    if let Some((rate, p99)) = batch_result {
        let pass = rate >= 20_000.0 && p99 < 50.0;
        println!();
        println!("target (batches: >= 20000 events/s, p99 < 50 ms): {}", if pass { "met" } else { "NOT met" });
    }
    println!("every acknowledged event was found in SQLite after each run");
}

fn parse_options() -> Options {
    let sibling = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("collector"))).unwrap_or_default();
    let mut options = Options { collector: sibling, seconds: 5, connections: 8, only: None };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--collector" => options.collector = PathBuf::from(value),
            "--seconds" => options.seconds = value.parse().unwrap_or_else(|_| usage("--seconds N")),
            "--connections" => options.connections = value.parse().unwrap_or_else(|_| usage("--connections C")),
            "--only" => options.only = Some(value),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    options
}

fn usage(message: &str) -> ! {
    eprintln!("{message}\nusage: bench-ingest [--collector PATH] [--seconds N] [--connections C] [--only batch|single]");
    std::process::exit(2)
}

/// The collector under test; killed on drop.
struct Collector(Child, SocketAddr);

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_collector(binary: &Path, db: &Path) -> Collector {
    let mut child = Command::new(binary)
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| usage(&format!("cannot start {}: {e}", binary.display())));
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
    let addr = line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).and_then(|a| a.parse().ok());
    Collector(child, addr.unwrap_or_else(|| usage(&format!("collector did not start: {line:?}"))))
}

fn run_scenario(options: &Options, scenario: &Scenario) -> Measured {
    let dir = std::env::temp_dir().join(format!("bench-ingest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("bench.sqlite");
    let collector = start_collector(&options.collector, &db);
    let warm = drive(collector.1, scenario, options.connections, Duration::from_millis(500), "warm");
    let cpu_before = cpu_seconds(collector.0.id());
    let mut m = drive(collector.1, scenario, options.connections, Duration::from_secs(options.seconds), "run");
    m.server_cpu = cpu_seconds(collector.0.id()) - cpu_before;
    m.wal_bytes = std::fs::metadata(dir.join("bench.sqlite-wal")).map(|md| md.len()).unwrap_or(0);
    drop(collector);
    let conn = rusqlite::Connection::open(&db).expect("open db");
    let stored: i64 = conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).expect("count");
    let _ = std::fs::remove_dir_all(&dir);
    Measured { stored: stored - warm.events as i64, ..m }
}

/// Runs `connections` senders for `duration` and merges their measurements.
fn drive(addr: SocketAddr, scenario: &Scenario, connections: usize, duration: Duration, tag: &'static str) -> Measured {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let (path, per_request) = (scenario.path, scenario.events_per_request);
    let lanes: Vec<_> = (0..connections)
        .map(|lane| {
            let stop = stop.clone();
            thread::spawn(move || sender(addr, path, per_request, lane, tag, &stop))
        })
        .collect();
    thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let mut all = Measured { server_cpu: 0.0, wal_bytes: 0, requests: 0, events: 0, elapsed: Duration::ZERO, latencies_us: Vec::new(), stored: 0 };
    for lane in lanes {
        let (requests, latencies) = lane.join().expect("sender");
        all.requests += requests;
        all.latencies_us.extend(latencies);
    }
    all.elapsed = start.elapsed();
    all.events = all.requests * per_request;
    all.latencies_us.sort_unstable();
    all
}

/// One connection sending back-to-back requests until told to stop: (acknowledged requests, latencies).
fn sender(addr: SocketAddr, path: &str, per_request: usize, lane: usize, tag: &str, stop: &AtomicBool) -> (usize, Vec<u64>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).no_delay(true).build().into();
    let url = format!("http://{addr}{path}");
    let mut latencies = Vec::new();
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let device = (lane * 7919 + n * 31) % DEVICES;
        let body = if per_request == 1 {
            event_json(tag, lane, n, device, false)
        } else {
            let items: Vec<String> = (0..per_request).map(|i| event_json(tag, lane, n * per_request + i, device, true)).collect();
            format!(r#"{{"writeKey":"bench","sentAt":"2026-11-23T00:00:01.000Z","batch":[{}]}}"#, items.join(","))
        };
        let sent = Instant::now();
        let mut response = agent.post(&url).header("Content-Type", "text/plain").send(body.as_bytes()).expect("request");
        let answer = response.body_mut().read_to_string().unwrap_or_default();
        latencies.push(sent.elapsed().as_micros() as u64);
        assert_eq!(response.status(), 200, "{answer}");
        n += 1;
    }
    (n, latencies)
}

/// An analytics.js-shaped event (~700 bytes) of visitor `device`: mostly tracks and pages, one
/// identify in 20. `n` numbers the lane's events (unique messageIds).
fn event_json(tag: &str, lane: usize, n: usize, device: usize, typed: bool) -> String {
    let kind = if !typed { "track" } else if n.is_multiple_of(20) { "identify" } else if n.is_multiple_of(3) { "page" } else { "track" };
    let user = if device.is_multiple_of(4) { format!(r#""user-{device}""#) } else { "null".into() };
    let type_field = if typed { format!(r#""type":"{kind}","#) } else { String::new() };
    let specific = match kind {
        "identify" => format!(r#""traits":{{"email":"user{device}@example.com","plan":"premium"}}"#),
        "page" => r#""name":"Product List","properties":{"path":"/products","title":"Products"}"#.to_string(),
        _ => r#""event":"Product Viewed","properties":{"product_id":"p-42","price":19.99,"currency":"EUR"}"#.to_string(),
    };
    format!(
        r#"{{{type_field}"messageId":"ajs-next-{tag}-{lane}-{n}","anonymousId":"anon-{device:05}-4b1c-9a7e-2f5f7d856513","userId":{user},{specific},"timestamp":"2026-11-23T00:00:00.000Z","integrations":{{}},"context":{{"library":{{"name":"analytics.js","version":"next-1.84.0"}},"locale":"en-US","userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36","page":{{"path":"/products","referrer":"","search":"","title":"Products","url":"https://shop.example/products"}}}}}}"#
    )
}

/// CPU time (user + system) a process has used, from `/proc/<pid>/stat` (0 where unavailable).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = [11, 12].iter().filter_map(|i| fields.get(*i)?.parse::<f64>().ok()).sum();
    ticks / 100.0
}

/// The `p`-th percentile of sorted microsecond samples, in milliseconds.
fn percentile(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    sorted_us[rank.clamp(1, sorted_us.len()) - 1] as f64 / 1000.0
}
