//! The collector is private by default, against the real binary: the read API, the live stream and the
//! inspector answer only same-origin requests under an expected `Host`; ingest (`/v1/*`) stays open to
//! every origin; an admin token guards everything but ingest when one is set; redirects stay on the
//! origin. (The same, seen from a real browser page on another origin: tests/e2e/collector-privacy.test.mjs.)

mod common;

use common::*;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The status line of a GET with a raw `Host` header (the stream never ends: read no further).
fn status_with_host(addr: std::net::SocketAddr, path: &str, host: &str) -> String {
    use std::io::BufRead;
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut line = String::new();
    let _ = std::io::BufReader::new(stream).read_line(&mut line);
    line
}

/// A GET with a raw `Host` header (clients set Host from the URL, so this goes over a plain socket).
fn get_with_host(addr: std::net::SocketAddr, path: &str, host: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn www_with_inspector(dir: &TempDir) -> String {
    let www = dir.0.join("www");
    std::fs::create_dir_all(www.join("inspector")).unwrap();
    std::fs::create_dir_all(www.join("demo")).unwrap();
    std::fs::write(www.join("inspector/index.html"), "<p>inspector</p>").unwrap();
    std::fs::write(www.join("demo/index.html"), "<p>demo</p>").unwrap();
    www.to_str().unwrap().to_string()
}

#[test]
fn the_read_api_refuses_other_origins_and_ingest_accepts_them() {
    let (_dir, s) = fresh(&[]);
    assert_eq!(s.post("/v1/i", &identify("i-1", "anon", "u-1", json!({"email": "secret@example.com"}))).status, 200);
    let same = format!("http://{}", s.addr);
    let foreign_origins = ["http://evil.test", "null", "file://", "http://127.0.0.1.evil.test", "http://10.1.2.3"];
    for path in ["/api/profiles", "/api/events", "/api/profiles/u-1", "/api/stream"] {
        for origin in foreign_origins {
            let r = s.request("GET", path, &[("Origin", origin)], b"");
            assert_eq!(r.status, 403, "{path} from {origin}: {}", r.text());
            assert_eq!(r.header("access-control-allow-origin"), None, "{path} from {origin}");
            assert!(!r.text().contains("secret@example.com"));
        }
        let r = s.request("GET", path, &[("Sec-Fetch-Site", "cross-site")], b"");
        assert_eq!(r.status, 403, "{path} with Sec-Fetch-Site: cross-site");
        let pre = s.request("OPTIONS", path, &[("Origin", "http://evil.test"), ("Access-Control-Request-Method", "GET")], b"");
        assert_eq!(pre.header("access-control-allow-origin"), None, "preflight {path}");
    }
    let r = s.request("GET", "/api/profiles", &[("Origin", &same), ("Sec-Fetch-Site", "same-origin")], b"");
    assert_eq!(r.status, 200, "same origin: {}", r.text());
    assert_eq!(r.header("access-control-allow-origin"), None, "same-origin reads need no CORS grant");
    assert!(r.text().contains("secret@example.com"));
    // Ingest is what other origins are for.
    let r = s.post_raw("/v1/t", &[("Origin", "http://shop.test")], json!({"anonymousId": "a", "event": "E"}).to_string().as_bytes());
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("http://shop.test"));
}

#[test]
fn a_foreign_host_is_refused_everywhere_but_ingest() {
    let dir = TempDir::new();
    let www = www_with_inspector(&dir);
    let s = Server::start(dir.0.join("db.sqlite"), &["--serve-dir", &www]);
    let port = s.addr.port();
    for path in ["/api/profiles", "/api/stream", "/inspector/", "/demo/"] {
        for host in [format!("evil.test:{port}"), "evil.test".into(), format!("127.0.0.1.evil.test:{port}"), format!("localhost.evil.test:{port}")] {
            let out = get_with_host(s.addr, path, &host);
            assert!(out.starts_with("HTTP/1.1 403"), "{path} with Host {host}: {out}");
            assert!(!out.contains("inspector</p>"));
        }
        for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
            let status = status_with_host(s.addr, path, &host);
            assert!(status.starts_with("HTTP/1.1 200"), "{path} with Host {host}: {status}");
        }
    }
    let event = json!({"anonymousId": "a", "event": "E"}).to_string();
    let mut stream = TcpStream::connect(s.addr).unwrap();
    write!(stream, "POST /v1/t HTTP/1.1\r\nHost: collector.shop.test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{event}", event.len()).unwrap();
    let mut out = String::new();
    let _ = stream.read_to_string(&mut out);
    assert!(out.starts_with("HTTP/1.1 200"), "ingest behind a proxy with its own Host: {out}");
}

#[test]
fn an_admin_token_guards_everything_but_ingest() {
    let dir = TempDir::new();
    let www = www_with_inspector(&dir);
    let s = Server::start(dir.0.join("db.sqlite"), &["--serve-dir", &www, "--admin-token", "s3cret-token"]);
    for path in ["/api/profiles", "/api/stream", "/inspector/"] {
        assert_eq!(s.get(path).status, 401, "{path} without the token");
        assert_eq!(s.request("GET", path, &[("Authorization", "Bearer wrong")], b"").status, 401, "{path} with a wrong token");
    }
    assert_eq!(s.request("GET", "/api/profiles", &[("Authorization", "Bearer s3cret-token")], b"").status, 200);
    // The inspector opened with ?token= gets a same-site, HttpOnly cookie and a redirect without the token.
    let r = s.get("/inspector/?token=s3cret-token");
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/inspector/"));
    let cookie = r.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    assert_eq!(s.request("GET", "/api/profiles", &[("Cookie", pair)], b"").status, 200);
    assert_eq!(s.request("GET", "/inspector/", &[("Cookie", pair)], b"").text(), "<p>inspector</p>");
    assert_eq!(s.post("/v1/t", &json!({"anonymousId": "a", "event": "E"})).status, 200, "ingest needs no admin token");
}

#[test]
fn redirects_stay_on_the_origin() {
    let dir = TempDir::new();
    let www = www_with_inspector(&dir);
    let s = Server::start(dir.0.join("db.sqlite"), &["--serve-dir", &www]);
    for (path, want) in [("//demo", "/demo/"), ("///demo", "/demo/"), ("/demo", "/demo/"), ("//inspector", "/inspector/"), ("/", "/demo/")] {
        let out = get_with_host(s.addr, path, &s.addr.to_string());
        let location = out.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("location: ").map(str::to_string));
        assert_eq!(location.as_deref(), Some(want), "{path}: {out}");
    }
}
