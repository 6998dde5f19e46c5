//! Ingest over real HTTP to a real collector process and a real SQLite file: endpoints, validation,
//! gzip, write keys and Basic auth, idempotency, batch atomicity, CORS, static files.

mod common;

use base64::Engine;
use common::*;
use serde_json::json;

#[test]
fn every_endpoint_stores_into_its_table() {
    let (_dir, s) = fresh(&[]);
    let cases = [
        ("/v1/t", json!({"anonymousId": "a", "event": "E", "messageId": "t1"}), "tracks"),
        ("/v1/track", json!({"anonymousId": "a", "event": "E", "messageId": "t2"}), "tracks"),
        ("/v1/p", json!({"anonymousId": "a", "messageId": "p1", "name": "Home"}), "pages"),
        ("/v1/page", json!({"anonymousId": "a", "messageId": "p2"}), "pages"),
        ("/v1/s", json!({"anonymousId": "a", "messageId": "s1"}), "screens"),
        ("/v1/screen", json!({"anonymousId": "a", "messageId": "s2"}), "screens"),
        ("/v1/i", json!({"anonymousId": "a", "messageId": "i1", "traits": {"x": 1}}), "identifies"),
        ("/v1/identify", json!({"userId": "u", "messageId": "i2"}), "identifies"),
        ("/v1/g", json!({"userId": "u", "groupId": "g", "messageId": "g1"}), "groups"),
        ("/v1/group", json!({"userId": "u", "groupId": "g", "messageId": "g2"}), "groups"),
        ("/v1/a", json!({"userId": "u", "previousId": "a", "messageId": "a1"}), "aliases"),
        ("/v1/alias", json!({"userId": "u", "previousId": "a", "messageId": "a2"}), "aliases"),
    ];
    for (path, body, table) in cases {
        let r = s.post(path, &body);
        assert_eq!((r.status, r.json()), (200, json!({"success": true})), "{path}");
        let id = body["messageId"].as_str().unwrap();
        assert_eq!(s.count(&format!("SELECT COUNT(*) FROM {table} WHERE message_id = '{id}'")), 1, "{path} → {table}");
    }
    let batch = json!({"batch": [track("b1", "a", None, "E"), page("b2", "a", None)], "sentAt": "2026-11-23T00:00:01.000Z"});
    for path in ["/v1/b", "/v1/batch"] {
        assert_eq!(s.post(path, &batch).status, 200, "{path}");
    }
    assert_eq!(s.count("SELECT COUNT(*) FROM events"), 14);
    assert_eq!(s.count("SELECT COUNT(*) FROM users WHERE user_id = 'u'"), 1);
}

#[test]
fn malformed_input_gets_a_json_400_and_the_server_stays_up() {
    let (_dir, s) = fresh(&[]);
    let big = "x".repeat(33 * 1024);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("/v1/t", b"{not json".to_vec(), "not valid JSON"),
        ("/v1/t", b"[1,2]".to_vec(), "JSON object"),
        ("/v1/t", b"".to_vec(), "not valid JSON"),
        ("/v1/t", br#"{"anonymousId":"a"}"#.to_vec(), "track requires \"event\""),
        ("/v1/t", br#"{"event":"E"}"#.to_vec(), "\"userId\" or \"anonymousId\""),
        ("/v1/i", br#"{"traits":{}}"#.to_vec(), "\"userId\" or \"anonymousId\""),
        ("/v1/g", br#"{"userId":"u"}"#.to_vec(), "group requires \"groupId\""),
        ("/v1/a", br#"{"userId":"u"}"#.to_vec(), "alias requires \"previousId\""),
        ("/v1/a", br#"{"anonymousId":"a","previousId":"p"}"#.to_vec(), "alias requires \"userId\""),
        ("/v1/t", br#"{"anonymousId":"a","event":"E","properties":[1]}"#.to_vec(), "must be an object"),
        ("/v1/t", br#"{"anonymousId":"a","event":"E","timestamp":"noon"}"#.to_vec(), "ISO-8601"),
        ("/v1/t", format!(r#"{{"anonymousId":"a","event":"E","p":"{big}"}}"#).into_bytes(), "exceeds 32 KB"),
        ("/v1/b", br#"{"batch":"no"}"#.to_vec(), "\"batch\" array"),
        ("/v1/b", br#"{"batch":[{"anonymousId":"a","event":"E"}]}"#.to_vec(), "batch[0]: requires \"type\""),
    ];
    for (path, body, want) in cases {
        let r = s.post_raw(path, &[("Content-Type", "application/json")], &body);
        let error = r.json()["error"].as_str().unwrap_or("").to_string();
        assert_eq!(r.status, 400, "{path} {}", String::from_utf8_lossy(&body[..body.len().min(80)]));
        assert_eq!(r.json()["success"], false);
        assert!(error.contains(want), "{path}: {error:?} should contain {want:?}");
    }
    assert_eq!(s.count("SELECT COUNT(*) FROM events"), 0);
    assert_eq!(s.post("/v1/t", &json!({"anonymousId": "a", "event": "still up"})).status, 200);
}

#[test]
fn batch_over_500_kb_is_rejected_and_under_is_accepted() {
    let (_dir, s) = fresh(&[]);
    let filler = "x".repeat(20 * 1024);
    let item = |i: usize| json!({"type": "track", "anonymousId": "a", "event": "E", "messageId": format!("m{i}"), "properties": {"f": filler}});
    let under = json!({"batch": (0..20).map(item).collect::<Vec<_>>()});
    let over = json!({"batch": (100..130).map(item).collect::<Vec<_>>()});
    assert_eq!(s.post("/v1/b", &under).status, 200);
    let r = s.post("/v1/b", &over);
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("exceeds 500 KB"));
    assert_eq!(s.count("SELECT COUNT(*) FROM events"), 20);
}

#[test]
fn a_batch_is_all_or_nothing() {
    let (_dir, s) = fresh(&[]);
    let mut items: Vec<_> = (0..5).map(|i| track(&format!("ok{i}"), "a", None, "E")).collect();
    items.push(json!({"type": "group", "anonymousId": "a", "messageId": "bad"}));
    let r = s.post("/v1/b", &json!({"batch": items}));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().starts_with("batch[5]: group requires \"groupId\""));
    assert_eq!(s.count("SELECT COUNT(*) FROM events"), 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM identities"), 0);
}

#[test]
fn gzip_bodies_are_accepted_and_bad_gzip_is_a_400() {
    let (_dir, s) = fresh(&[]);
    let body = json!({"batch": [track("gz1", "a", None, "E"), track("gz2", "a", None, "E")]}).to_string();
    let r = s.post_raw("/v1/b", &[("Content-Encoding", "gzip"), ("Content-Type", "text/plain")], &gzip(body.as_bytes()));
    assert_eq!(r.status, 200, "{}", r.text());
    let single = json!({"anonymousId": "a", "event": "E", "messageId": "gz3"}).to_string();
    assert_eq!(s.post_raw("/v1/t", &[("Content-Encoding", "gzip")], &gzip(single.as_bytes())).status, 200);
    let r = s.post_raw("/v1/t", &[("Content-Encoding", "gzip")], single.as_bytes());
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("gzip"));
    assert_eq!(s.count("SELECT COUNT(*) FROM events WHERE message_id LIKE 'gz%'"), 3);
}

#[test]
fn configured_write_keys_via_body_or_basic_auth() {
    let (_dir, s) = fresh(&["--write-key", "k1", "--write-key", "k2"]);
    let basic = |key: &str| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{key}:")));
    let event = |key: Option<&str>| json!({"anonymousId": "a", "event": "E", "writeKey": key}).to_string().into_bytes();
    let cases: Vec<(Vec<u8>, Option<String>, u16)> = vec![
        (event(Some("k1")), None, 200),
        (event(Some("k2")), None, 200),
        (event(None), Some(basic("k2")), 200),
        (event(Some("nope")), None, 401),
        (event(None), Some(basic("nope")), 401),
        (event(None), None, 401),
    ];
    for (body, auth, want) in cases {
        let headers: Vec<(&str, &str)> = auth.as_deref().map(|a| vec![("Authorization", a)]).unwrap_or_default();
        let r = s.post_raw("/v1/t", &headers, &body);
        assert_eq!(r.status, want, "{auth:?} {}", String::from_utf8_lossy(&body));
        if want != 200 {
            assert_eq!(r.json()["success"], false);
        }
    }
    assert_eq!(s.count("SELECT COUNT(*) FROM events"), 3);
    assert_eq!(s.count("SELECT COUNT(*) FROM events WHERE json LIKE '%writeKey%'"), 0);
}

#[test]
fn any_key_is_accepted_without_configured_keys() {
    let (_dir, s) = fresh(&[]);
    for key in [json!("anything"), json!(null)] {
        assert_eq!(s.post("/v1/t", &json!({"anonymousId": "a", "event": "E", "writeKey": key})).status, 200);
    }
}

#[test]
fn retried_events_are_stored_once_across_endpoints() {
    let (_dir, s) = fresh(&[]);
    let event = track("dup-1", "a", None, "E");
    for _ in 0..3 {
        assert_eq!(s.post("/v1/t", &event).status, 200);
    }
    let batch = json!({"batch": [event.clone(), track("dup-2", "a", None, "E"), track("dup-2", "a", None, "E")]});
    assert_eq!(s.post("/v1/b", &batch).status, 200);
    assert_eq!(s.post("/v1/batch", &batch).status, 200);
    assert_eq!(s.count("SELECT COUNT(*) FROM events"), 2);
    assert_eq!(s.count("SELECT COUNT(*) FROM tracks"), 2);
}

#[test]
fn server_fields_and_skew_correction() {
    let (_dir, s) = fresh(&[]);
    let body = json!({"batch": [{"type": "track", "anonymousId": "a", "event": "E", "messageId": "skew",
        "timestamp": "2000-01-01T00:00:00.000Z"}], "sentAt": "2000-01-01T00:00:05.000Z"});
    assert_eq!(s.post("/v1/b", &body).status, 200);
    let stored = &s.get("/api/events?limit=1").json()["events"][0];
    let received = collector::time::parse_iso(stored["receivedAt"].as_str().unwrap()).unwrap();
    let corrected = collector::time::parse_iso(stored["timestamp"].as_str().unwrap()).unwrap();
    assert_eq!(received - corrected, 5_000);
    assert_eq!(stored["originalTimestamp"], "2000-01-01T00:00:00.000Z");
    assert_eq!(stored["sentAt"], "2000-01-01T00:00:05.000Z");
    assert_eq!(stored["context"]["ip"], "127.0.0.1");
    assert!((collector::time::now_ms() - received).abs() < 60_000);
}

/// Every ingest answer carries the same CORS grant, whatever its status (a page must be able to read a
/// 400 or 429): the caller's origin mirrored, credentials allowed, and `Vary` on the request headers it
/// depends on; preflights (any `OPTIONS` under `/v1/`) also name the methods, mirror the requested
/// headers and may be cached for a day. Pins the exact headers so a faster hand-written grant cannot drift.
#[test]
fn ingest_cors_headers_table() {
    let (_dir, s) = fresh(&[]);
    let vary = "origin, access-control-request-method, access-control-request-headers";
    let event = json!({"anonymousId": "a", "event": "E"}).to_string();
    let origin = [("Origin", "https://shop.test")];
    // (method, path, extra headers, body, status, allow-origin)
    let cases: &[(&str, &str, &[(&str, &str)], &[u8], u16, Option<&str>)] = &[
        ("POST", "/v1/t", &origin, event.as_bytes(), 200, Some("https://shop.test")),
        ("POST", "/v1/t", &[], event.as_bytes(), 200, None),
        ("POST", "/v1/t", &origin, b"{not json", 400, Some("https://shop.test")),
        ("POST", "/v1/nope", &origin, event.as_bytes(), 404, Some("https://shop.test")),
        ("GET", "/v1/t", &origin, b"", 405, Some("https://shop.test")),
        ("POST", "/v1/t", &[("Origin", "null")], event.as_bytes(), 200, Some("null")),
    ];
    for (method, path, headers, body, status, allow) in cases {
        let r = s.request(method, path, headers, body);
        assert_eq!(r.status, *status, "{method} {path} {headers:?}: {}", r.text());
        assert_eq!(r.header("access-control-allow-origin"), *allow, "{method} {path} {headers:?}");
        assert_eq!(r.header("access-control-allow-credentials"), Some("true"), "{method} {path}");
        assert_eq!(r.header("vary"), Some(vary), "{method} {path}");
        assert_eq!(r.header("access-control-allow-methods"), None, "{method} {path}: not a preflight");
        assert_eq!(r.header("access-control-max-age"), None, "{method} {path}: not a preflight");
    }
    for path in ["/v1/b", "/v1/t", "/v1/unknown"] {
        let asked = [("Origin", "https://shop.test"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")];
        for headers in [&asked[..], &asked[..2], &[]] {
            let r = s.request("OPTIONS", path, headers, b"");
            assert_eq!(r.status, 200, "preflight {path} {headers:?}");
            assert_eq!(r.text(), "", "preflight {path}");
            let mirrored = headers.iter().find(|(k, _)| *k == "Origin").map(|(_, v)| *v);
            assert_eq!(r.header("access-control-allow-origin"), mirrored, "preflight {path} {headers:?}");
            let requested = headers.iter().find(|(k, _)| *k == "Access-Control-Request-Headers").map(|(_, v)| *v);
            assert_eq!(r.header("access-control-allow-headers"), requested, "preflight {path} {headers:?}");
            assert_eq!(r.header("access-control-allow-methods"), Some("POST,OPTIONS"), "preflight {path}");
            assert_eq!(r.header("access-control-allow-credentials"), Some("true"), "preflight {path}");
            assert_eq!(r.header("access-control-max-age"), Some("86400"), "preflight {path}");
            assert_eq!(r.header("vary"), Some(vary), "preflight {path}");
        }
    }
}

#[test]
fn cors_preflight_and_simple_requests() {
    let (_dir, s) = fresh(&[]);
    let pre = s.request("OPTIONS", "/v1/b", &[("Origin", "http://shop.test"),
        ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization,content-type")], b"");
    assert!((200..300).contains(&pre.status), "{}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some("http://shop.test"));
    assert!(pre.header("access-control-allow-methods").unwrap().contains("POST"));
    assert_eq!(pre.header("access-control-allow-headers"), Some("authorization,content-type"));
    let r = s.post_raw("/v1/t", &[("Origin", "http://shop.test")], json!({"anonymousId": "a", "event": "E"}).to_string().as_bytes());
    assert_eq!(r.header("access-control-allow-origin"), Some("http://shop.test"));
    // The read API grants no CORS at all (same-origin only: tests/privacy_http.rs).
    assert_eq!(s.get("/api/events").header("access-control-allow-origin"), None);
}

#[test]
fn static_files_with_mime_types_and_no_escape() {
    let dir = TempDir::new();
    let www = dir.0.join("www");
    std::fs::create_dir_all(www.join("demo")).unwrap();
    for (name, body) in [("lib.wasm", "\0asm"), ("snippet.js", "x"), ("m.mjs", "x"), ("demo/index.html", "<p>hi</p>"), ("s.css", "x")] {
        std::fs::write(www.join(name), body).unwrap();
    }
    let s = Server::start(dir.0.join("db.sqlite"), &["--serve-dir", www.to_str().unwrap()]);
    let cases = [
        ("/lib.wasm", 200, Some("application/wasm")),
        ("/snippet.js", 200, Some("text/javascript; charset=utf-8")),
        ("/m.mjs", 200, Some("text/javascript; charset=utf-8")),
        ("/s.css", 200, Some("text/css; charset=utf-8")),
        ("/demo/", 200, Some("text/html; charset=utf-8")),
        ("/demo", 302, None),
        ("/", 302, None),
        ("/missing.js", 404, None),
        ("/../Cargo.toml", 404, None),
        ("/%2e%2e/db.sqlite", 404, None),
    ];
    for (path, status, mime) in cases {
        let r = s.get(path);
        assert_eq!(r.status, status, "{path}");
        if let Some(mime) = mime {
            assert_eq!(r.header("content-type"), Some(mime), "{path}");
        }
    }
    assert_eq!(s.get("/demo/").text(), "<p>hi</p>");
    assert_eq!(s.get("/demo").header("location"), Some("/demo/"));
}

/// Sends raw bytes on one connection and returns everything the server wrote before closing.
fn raw_exchange(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    stream.write_all(bytes).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn wire_protocol_edge_cases() {
    let (_dir, s) = fresh(&[]);
    // chunked request body, then a pipelined second request on the same connection, then close
    let event = br#"{"anonymousId":"a","event":"E","messageId":"chunked"}"#;
    let mut bytes = format!("POST /v1/t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n", event.len()).into_bytes();
    bytes.extend_from_slice(event);
    bytes.extend_from_slice(b"\r\n0\r\n\r\nGET /api/events?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let out = raw_exchange(s.addr, &bytes);
    assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
    assert!(out.contains(r#""messageId":"chunked""#), "{out}");
    // Expect: 100-continue is answered before the body is read
    let body = br#"{"anonymousId":"a","event":"E","messageId":"expect"}"#;
    let mut bytes = format!("POST /v1/t HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    let out = raw_exchange(s.addr, &bytes);
    assert!(out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"), "{out}");
    // garbage and oversized bodies get a 400 and a closed connection, never a crash (hyper answers
    // unparsable heads itself, without a body; the collector answers the rest with its JSON error)
    for (bad, json_error) in [(&b"NOT HTTP AT ALL\r\n\r\n"[..], false), (b"POST /v1/t HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", true), (b"POST /v1/t HTTP/1.1\r\nContent-Length: x\r\n\r\n", false)] {
        let out = raw_exchange(s.addr, bad);
        assert!(out.starts_with("HTTP/1.1 400"), "{out}");
        assert_eq!(out.contains(r#""success":false"#), json_error, "{out}");
    }
    assert_eq!(s.count("SELECT COUNT(*) FROM events"), 2);
    assert_eq!(s.get("/api/events").status, 200);
}

#[test]
fn a_storage_failure_fails_only_its_own_request_and_stores_none_of_it() {
    let dir = TempDir::new();
    let db = dir.0.join("events.sqlite");
    drop(Server::start(db.clone(), &[])); // creates the schema
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TRIGGER boom BEFORE INSERT ON tracks WHEN NEW.event = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END;").unwrap();
    drop(conn);
    let s = Server::start(db, &[]);
    let addr = s.addr;
    let threads: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                let name = if i % 2 == 0 { "fine" } else { "boom" };
                let batch: Vec<_> = (0..10).map(|j| track(&format!("{name}-{i}-{j}"), "a", None, if j == 9 { name } else { "ok" })).collect();
                let body = json!({"batch": batch}).to_string();
                let r = request(&agent(), addr, "POST", "/v1/b", &[], body.as_bytes()).unwrap();
                (name, r.status, r.json())
            })
        })
        .collect();
    for t in threads {
        let (name, status, body) = t.join().unwrap();
        match name {
            "fine" => assert_eq!(status, 200, "{body}"),
            _ => {
                assert_eq!(status, 500, "{body}");
                assert_eq!(body["success"], false);
            }
        }
    }
    assert_eq!(s.count("SELECT COUNT(*) FROM events WHERE message_id LIKE 'fine-%'"), 40);
    assert_eq!(s.count("SELECT COUNT(*) FROM events WHERE message_id LIKE 'boom-%'"), 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM tracks"), 40);
}
