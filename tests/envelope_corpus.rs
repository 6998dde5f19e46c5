//! Host test: a seeded corpus of envelope builds and argument resolutions, pinned by digest.
//!
//! Environment: host only (`cargo test --test envelope_corpus`). The golden fixtures pin six whole
//! bodies; this pins ~15,000 bodies (plus message ids, warnings, referrers and drop reasons) from
//! 30,000 seeded calls over every method × argument kinds × identities × environments, and every
//! `args::resolve` answer for all kinds strings up to five letters. Size work rewrites these paths
//! for bytes; any change to what goes on the wire flips a digest. After an intended change, run
//! with `CORPUS_OUT=dir` to write both corpora as text, diff them against the previous run's,
//! review, then update the digests below.
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write;

#[path = "../src/core/time_reference.rs"]
mod time_reference;

use time_reference::format_date;
use wasm_analytics::core::time::FormatDate;

use wasm_analytics::core::event::args::{resolve, Method};
use wasm_analytics::core::event::envelope::{build, integration_booleans, Call, Env, Identity};

/// The platform's reading (`ReadQuery`) of the corpus's three page queries.
fn read_query(search: &str) -> String {
    match search {
        "?utm_source=s&utm_campaign=c+d&btid=abc" => r#"{"campaign":{"source":"s","name":"c d"},"referrer":{"id":"abc","type":"dataxu"}}"#,
        "?gclid=1&utm_medium=m" => r#"{"campaign":{"medium":"m"}}"#,
        "?utm_source=a&btid=zz" => r#"{"campaign":{"source":"a"},"referrer":{"id":"zz","type":"dataxu"}}"#,
        other => panic!("no reading for {other}"),
    }
    .to_string()
}

const METHODS: [Method; 6] = [Method::Track, Method::Page, Method::Screen, Method::Identify, Method::Group, Method::Alias];

/// FNV-1a 64: stable across Rust versions (std's hasher is not promised to be).
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn check(name: &str, text: &str, want: u64) {
    if let Ok(dir) = std::env::var("CORPUS_OUT") {
        std::fs::write(format!("{dir}/{name}.txt"), text).unwrap();
    }
    let got = digest(text);
    assert_eq!(got, want, "{name} corpus changed: digest {got:#x} ({} lines); see the module docs", text.lines().count());
}

#[test]
fn envelope_bodies_are_unchanged() {
    let vals: &[(&str, &str)] = &[
        ("s", "ev"), ("s", ""), ("s", "é\"\\\u{1}x"), ("n", "42"), ("n", "0"), ("o", "{}"),
        ("o", r#"{"a":1,"b":[1,{"c":null}]}"#),
        ("o", r#"{"event":"E","properties":{"p":1}}"#),
        ("o", r#"{"event":"","properties":5}"#),
        ("o", r#"{"event":"E2","properties":null}"#),
        ("o", r#"{"title":"PT","url":"https://x.y/z","path":"/pp","search":"?utm_source=a&btid=zz","referrer":"r","name":"nn","category":"cc"}"#),
        ("o", r#"{"context":{"ip":"9.9.9.9","page":{"title":"X"},"library":null,"locale":"fr"},"ip":"1.2.3.4","traits":{"a":1},"timestamp":"2020-01-01T00:00:00.000Z","messageId":"m-1"}"#),
        ("o", r#"{"userId":"ou","anonymousId":"oa","integrations":{"X":false,"Mixpanel":{"k":1}},"campaign":{"name":"c"},"anonymizeIp":false}"#),
        ("o", r#"{"userId":{"x":1},"timestamp":"soon","messageId":5,"integrations":[1],"context":3}"#),
        ("o", r#"{"userId":-12.5e3,"timestamp":null,"integrations":null,"context":null,"library":{"name":"x"},"userAgentData":1}"#),
        ("o", r#"{"context":{"page":{"search":"?gclid=1&utm_medium=m"},"campaign":"", "referrer":{"type":"t"}}}"#),
        ("o", r#"{"userId":true,"messageId":"\"q","page.title":"dot"}"#),
        ("x", "null"), ("u", ""), ("f", ""), ("?", "[1]"),
    ];
    // `context.page` as the facade builds it.
    let pages = [
        r#"{"path":"/p","referrer":"","search":"","title":"T","url":"https://a.com/p"}"#,
        r#"{"path":"/c","referrer":"https://g.com/","search":"?utm_source=s&utm_campaign=c+d&btid=abc","title":"Tï","url":"https://a.com/c?utm_source=s&utm_campaign=c+d&btid=abc"}"#,
    ];
    let whos = [
        Identity { user_id: None, anonymous_id: "anon", user_traits: "{}", group_id: None, group_traits: "{}" },
        Identity { user_id: Some("u\"1"), anonymous_id: "anon2", user_traits: r#"{"t":1}"#, group_id: Some("g1"), group_traits: r#"{"gt":[2]}"# },
        Identity { user_id: Some(""), anonymous_id: "", user_traits: "[]", group_id: None, group_traits: "x" },
    ];
    let integrations = integration_booleans(r#"{"Amplitude":{"apiKey":"x"},"Mixpanel":false,"Z":0}"#);
    let envs = [
        Env {
            write_key: "wk",
            library_version: "next-9.9.9",
            user_agent: "UA",
            user_agent_data: Some(r#"{"m":false}"#),
            locale: Some("en-US"),
            timezone: Some("Europe/Berlin"),
            integrations: &integrations,
            amp_id: None,
            stored_referrer: None,
            read_query: Some(read_query),
            format_date: FormatDate(format_date),
            anonymize_ip: false,
        },
        Env {
            write_key: "w\"k",
            library_version: "npm:next-1",
            user_agent: "U\"A",
            user_agent_data: None,
            locale: None,
            timezone: None,
            integrations: "{}",
            amp_id: Some("amp-x"),
            stored_referrer: Some(r#"{"type":"stored","id":"1"}"#),
            read_query: Some(read_query),
            format_date: FormatDate(format_date),
            anonymize_ip: true,
        },
    ];
    let mut out = String::new();
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for round in 0..30_000 {
        let method = METHODS[round % 6];
        let (mut kinds, mut args) = (String::new(), Vec::new());
        for _ in 0..next(6) {
            let (kind, text) = vals[next(vals.len())];
            kinds.push_str(kind);
            args.push(text);
        }
        let page = pages[next(2)];
        let who = &whos[next(3)];
        let env = &envs[next(2)];
        let resolved = resolve(method, &kinds);
        let now_ms = 1_795_393_993_123.0 + round as f64;
        let call = Call { method, resolved: &resolved, args: &args, now_ms, uuid: "4f1c9a7e-2b3d-4c5e-8f6a-7b8c9d0e1f2a", page };
        let _ = match build(&call, who, env) {
            Ok(e) => writeln!(out, "{method:?} {kinds} OK {} | {} | {:?} | {:?}", e.body, e.message_id, e.warnings, e.referrer),
            Err(d) => writeln!(out, "{method:?} {kinds} ERR {d:?}"),
        };
    }
    check("envelope", &out, ENVELOPE_DIGEST);
}

#[test]
fn argument_resolutions_are_unchanged() {
    let letters = ['s', 'n', 'o', 'x', 'u', 'f', '?'];
    let mut all = vec![String::new()];
    let mut frontier = vec![String::new()];
    for _ in 0..5 {
        frontier = frontier.iter().flat_map(|k| letters.map(|l| format!("{k}{l}"))).collect();
        all.extend(frontier.iter().cloned());
    }
    all.extend(["s".repeat(40), "o".repeat(40), "Z".into()]);
    let mut out = String::new();
    for method in METHODS {
        for kinds in &all {
            let _ = writeln!(out, "{method:?} {kinds} {:?}", resolve(method, kinds));
        }
    }
    check("args", &out, ARGS_DIGEST);
}

const ENVELOPE_DIGEST: u64 = 0x9169_f9aa_d5a4_9e46;
const ARGS_DIGEST: u64 = 0x2488_13d0_2229_5661;
