//! Host test: the wire body of each call type against a golden JSON fixture.
//!
//! Environment: host only (`cargo test --test golden_events`). Each fixture in
//! `tests/fixtures/events/<type>.json` is the exact request body (`sentAt`/`_metadata` stamped)
//! for fixed inputs: fixed clock, fixed uuid, fixed page, fixed identity. The comparison is exact
//! except for whitespace between tokens (fixtures are pretty-printed for review; key order counts).
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test --test golden_events`,
//! then review the diff.
#![cfg(not(target_arch = "wasm32"))]

use wasm_analytics::core::event::args::{resolve, Method};
use wasm_analytics::core::delivery::stamp;
use wasm_analytics::core::time::FormatDate;

#[path = "../src/core/time_reference.rs"]
mod time_reference;

/// The Rust reference formatter (the browser's is held to it by tests/browser_date_format.rs).
const REFERENCE: FormatDate = FormatDate(time_reference::format_date);
use wasm_analytics::core::event::envelope::{build, integration_booleans, Call, Env, Identity};

const NOW_MS: f64 = 1_795_393_993_123.0; // 2026-11-23T00:33:13.123Z
const SENT_MS: f64 = NOW_MS + 42.0;
const UUID: &str = "4f1c9a7e-2b3d-4c5e-8f6a-7b8c9d0e1f2a";
const ANONYMOUS_ID: &str = "0b8b7a36-5d2c-4b7e-9c55-3f1e2d4a6b80";

/// `context.page` as the facade builds it (www/src/page.js) for
/// `https://shop.example.com/products/shoes?utm_source=newsletter&utm_campaign=spring+sale#reviews` with
/// `<link rel=canonical href="https://shop.example.com/shoes">`, title `Shoes | Shop` and a Google referrer.
fn page() -> String {
    String::from(concat!(
        r#"{"path":"/shoes","referrer":"https://www.google.com/","#,
        r#""search":"?utm_source=newsletter&utm_campaign=spring+sale","title":"Shoes | Shop","#,
        r#""url":"https://shop.example.com/shoes?utm_source=newsletter&utm_campaign=spring+sale"}"#
    ))
}

/// The platform's reading of that page's query (src/browser/host.js `hostQuery`; its rules are tested in
/// tests/e2e/query-context.test.mjs).
fn read_query(search: &str) -> String {
    assert_eq!(search, "?utm_source=newsletter&utm_campaign=spring+sale");
    String::from(r#"{"campaign":{"source":"newsletter","name":"spring sale"}}"#)
}

fn render(method: Method, kinds: &str, args: &[&str], who: &Identity<'_>) -> String {
    let integrations = integration_booleans(r#"{"Amplitude":{"apiKey":"x"},"Mixpanel":false}"#);
    let env = Env {
        write_key: "wk_test",
        library_version: "next-9.9.9", // fixed, so a version bump does not touch fixtures
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0.0.0",
        user_agent_data: Some(r#"{"brands":[{"brand":"Chromium","version":"131"}],"mobile":false,"platform":"Linux"}"#),
        locale: Some("en-US"),
        timezone: Some("Europe/Berlin"),
        integrations: &integrations,
        amp_id: None,
        stored_referrer: None,
        anonymize_ip: false,
        read_query: Some(read_query),
        format_date: REFERENCE,
    };
    let resolved = resolve(method, kinds);
    let page = page();
    let call = Call {
        method,
        resolved: &resolved,
        args,
        now_ms: NOW_MS,
        uuid: UUID,
        page: &page,
    };
    let event = build(&call, who, &env).expect("fixture calls are valid");
    stamp::stamp(&event.body, &REFERENCE.iso8601(SENT_MS), 1)
}

fn anonymous() -> Identity<'static> {
    Identity {
        user_id: None,
        anonymous_id: ANONYMOUS_ID,
        user_traits: "{}",
        group_id: None,
        group_traits: "{}",
    }
}

fn identified() -> Identity<'static> {
    Identity {
        user_id: Some("user-1"),
        ..anonymous()
    }
}

/// The JSON text without whitespace outside strings.
fn compact(json: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// Two-space pretty printing that keeps key order (for writing fixtures).
fn pretty(json: &str) -> String {
    let (mut out, mut depth, mut in_string, mut escaped) = (String::new(), 0usize, false, false);
    let chars: Vec<char> = json.chars().collect();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' if matches!(chars.get(i + 1), Some('}') | Some(']')) => out.push(c),
            '{' | '[' => {
                out.push(c);
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' if matches!(chars.get(i.wrapping_sub(1)), Some('{') | Some('[')) => out.push(c),
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

fn check(name: &str, body: &str) {
    let path = format!("{}/tests/fixtures/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, pretty(body)).unwrap();
    }
    let fixture = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(body, compact(&fixture), "{name}: body differs from {path}");
}

#[test]
fn track_matches_fixture() {
    let body = render(
        Method::Track,
        "soo",
        &[
            "Order Completed",
            r#"{"revenue":42.5,"currency":"EUR","products":[{"sku":"S-1","quantity":1}]}"#,
            r#"{"ip":"1.2.3.4","traits":{"plan":"pro"},"integrations":{"Amplitude":{"session_id":"1700"}}}"#,
        ],
        &anonymous(),
    );
    check("track", &body);
}

#[test]
fn page_matches_fixture() {
    let body = render(
        Method::Page,
        "sso",
        &["Docs", "Install", r#"{"title":"Install guide","section":2}"#],
        &identified(),
    );
    check("page", &body);
}

#[test]
fn screen_matches_fixture() {
    let body = render(Method::Screen, "so", &["Home", r#"{"variant":"b"}"#], &identified());
    check("screen", &body);
}

#[test]
fn identify_matches_fixture() {
    let who = Identity {
        user_traits: r#"{"name":"Ann","email":"ann@example.com"}"#,
        ..identified()
    };
    let body = render(
        Method::Identify,
        "so",
        &["user-1", r#"{"email":"ann@example.com"}"#],
        &who,
    );
    check("identify", &body);
}

#[test]
fn group_matches_fixture() {
    let who = Identity {
        group_id: Some("g-42"),
        group_traits: r#"{"plan":"enterprise","seats":40}"#,
        ..identified()
    };
    let body = render(
        Method::Group,
        "so",
        &["g-42", r#"{"plan":"enterprise","seats":40}"#],
        &who,
    );
    check("group", &body);
}

#[test]
fn alias_matches_fixture() {
    let body = render(Method::Alias, "s", &["user-1"], &anonymous());
    check("alias", &body);
}

/// Every fixture is valid JSON (serde_json parses it), is exactly what `pretty` writes for its
/// compact form (so `UPDATE_GOLDEN` rewrites an unchanged fixture byte for byte), and `compact`
/// keeps every string, number and key of it (same serde_json value).
#[test]
fn fixtures_are_well_formed_and_compact_round_trips() {
    let dir = format!("{}/tests/fixtures/events", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let fixture = std::fs::read_to_string(&path).unwrap();
        let name = path.display();
        let parsed: serde_json::Value = serde_json::from_str(&fixture).unwrap_or_else(|e| panic!("{name}: {e}"));
        let compacted = compact(&fixture);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&compacted).unwrap(), parsed, "{name}: compact changed it");
        assert_eq!(pretty(&compacted), fixture, "{name}: not in the form UPDATE_GOLDEN writes");
        seen += 1;
    }
    assert_eq!(seen, 6, "one fixture per call type in {dir}");
}
