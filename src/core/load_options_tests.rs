//! The table: one init option → its effect on what the core is given.

use super::*;
use crate::core::store::StoreKind::{Cookie, LocalStorage, Memory};

/// One row: the options JSON text, and what must hold of the parse.
type Row = (&'static str, fn(&LoadOptions) -> bool);

const TABLE: &[Row] = &[
    // Endpoint: integrations['Segment.io'] first (analytics-next's documented proxy setting), then the shorthand.
    ("{}", |o| o.endpoint == "https://api.segment.io/v1"),
    (r#"{"integrations":{"Segment.io":{"apiHost":"proxy.example.com/v1"}}}"#, |o| o.endpoint == "https://proxy.example.com/v1"),
    (r#"{"integrations":{"Segment.io":{"apiHost":"127.0.0.1:9/v1","protocol":"http"}}}"#, |o| o.endpoint == "http://127.0.0.1:9/v1"),
    (r#"{"integrations":{"Segment.io":{"apiHost":"p.example/v1","protocol":"ftp"}}}"#, |o| o.endpoint == "https://p.example/v1"),
    (r#"{"integrations":{"Segment.io":{"apiHost":"p.example/v1"}},"apiHost":"other.example/v1"}"#, |o| o.endpoint == "https://p.example/v1"),
    (r#"{"apiHost":"collector.example.com/v1"}"#, |o| o.endpoint == "https://collector.example.com/v1"),
    (r#"{"apiHost":"http://127.0.0.1:8787/v1"}"#, |o| o.endpoint == "http://127.0.0.1:8787/v1"),
    (r#"{"apiHost":"","integrations":{"Segment.io":{"apiHost":7}}}"#, |o| o.endpoint == "https://api.segment.io/v1"),
    (r#"{"integrations":{"Segment.io":true}}"#, |o| o.endpoint == "https://api.segment.io/v1"),
    // Delivery strategy and retries.
    (r#"{"integrations":{"Segment.io":{"deliveryStrategy":{"strategy":"standard"}}}}"#, |o| !o.delivery.batching),
    (r#"{"integrations":{"Segment.io":{"deliveryStrategy":{"strategy":"batching","config":{"size":10,"timeout":5000}}}}}"#,
        |o| o.delivery.batching && o.delivery.max_batch_count == 10 && o.delivery.flush_interval_ms == 5000.0),
    ("{}", |o| o.retry_queue && o.delivery.max_attempts == Config::DEFAULT.max_attempts),
    (r#"{"retryQueue":false}"#, |o| !o.retry_queue && o.delivery.max_attempts == 1),
    (r#"{"retryQueue":"no"}"#, |o| o.retry_queue),
    (r#"{"_delivery":{"maxBatchBytes":32768}}"#, |o| o.delivery.max_batch_bytes == 32_768),
    // Identity.
    (r#"{"cookie":{"domain":"example.com","maxage":7,"sameSite":"Strict","secure":true}}"#, |o| {
        o.identity.cookie.domain.as_deref() == Some("example.com") && o.identity.cookie_max_age_ms == 7.0 * 86_400_000.0
            && o.identity.cookie.same_site == "Strict" && o.identity.cookie.secure
    }),
    (r#"{"storage":{"stores":["cookie"]}}"#, |o| o.identity.stores == [Cookie, Memory]),
    (r#"{"disableClientPersistence":true,"storage":{"stores":["cookie"]}}"#, |o| o.identity.stores == [Memory]),
    ("{}", |o| o.identity.stores == [LocalStorage, Cookie, Memory]),
    (r#"{"user":{"cookie":{"key":"uid"},"localStorage":{"key":"utraits"},"localStorageFallbackDisabled":true}}"#,
        |o| o.identity.user.id_key == "uid" && o.identity.user.traits_key == "utraits" && !o.identity.user.local_storage),
    (r#"{"group":{"cookie":{"key":"gid"}}}"#, |o| o.identity.group.id_key == "gid"),
    // Page environment: write key, npm build, default integrations in every event.
    (r#"{"writeKey":"wk","_npm":true}"#, |o| o.page.write_key() == "wk"),
    // Facade-side options (the npm entry sends the initial page call) are known, not reported.
    (r#"{"initialPageview":true,"disable":false,"useQueryString":false,"wasmUrl":"/a.wasm","scriptUrl":"/s.js"}"#,
        |o| o.unsupported.is_empty() && o.unsupported_warning().is_none()),
    ("{}", |o| o.unsupported.is_empty() && o.unsupported_warning().is_none()),
    // Unsupported options are named, in order, in one line.
    (r#"{"obfuscate":true,"cookie":{},"highEntropyValuesClientHints":["model"]}"#, |o| {
        o.unsupported == "obfuscate, highEntropyValuesClientHints"
            && o.unsupported_warning().as_deref() == Some("init options not supported, ignored: obfuscate, highEntropyValuesClientHints")
    }),
];

#[test]
fn each_init_option_has_its_effect() {
    for (i, (options, holds)) in TABLE.iter().enumerate() {
        assert!(holds(&LoadOptions::parse(options)), "row {i}: {options}");
    }
}

#[test]
fn hostile_options_text_never_panics_and_falls_back_to_defaults() {
    let hostile = ["", "null", "[]", "7", "\"x\"", "{", "{\"integrations\":", "{\"integrations\":[1,2]}",
        "{\"integrations\":{\"Segment.io\":{\"apiHost\":null,\"protocol\":{}}}}", "{\"cookie\":\"x\",\"user\":[],\"_env\":5}",
        "{\"\\u0000\":1}", "not json"];
    for options in hostile {
        let parsed = LoadOptions::parse(options);
        assert!(parsed.endpoint == "https://api.segment.io/v1", "{options}: {}", parsed.endpoint);
        assert!(parsed.retry_queue, "{options}");
        assert_eq!(parsed.identity.stores, [LocalStorage, Cookie, Memory], "{options}");
    }
}

/// Seeded mutations of a full options text (bytes replaced, dropped, cut), a 1 MB string and 10,000
/// nested objects: parsing never panics (a panic in the wasm would poison the instance), and a text that
/// is no longer valid JSON still yields a usable endpoint and at least the memory store.
#[test]
fn mutated_and_oversized_options_never_panic() {
    let full = r#"{"writeKey":"wk","apiHost":"h.example/v1","integrations":{"Segment.io":{"apiHost":"p.example/v1","protocol":"http","deliveryStrategy":{"strategy":"batching","config":{"size":10,"timeout":50}}}},"cookie":{"domain":"example.com","path":"/a","maxage":7.5,"sameSite":"Strict","secure":true,"serverManaged":true},"storage":{"stores":["cookie","memory"]},"user":{"cookie":{"key":"u"},"localStorage":{"key":"t"},"localStorageFallbackDisabled":true},"group":{"cookie":{"key":"g"}},"retryQueue":false,"_delivery":{"maxBatchBytes":5000,"tabLeaseMs":3000},"consent":{"required":true,"categories":["A","B"],"preConsent":"drop","onDenied":"cookieless"},"_env":{"gpc":true,"dnt":true,"userAgent":"x"},"__proto__":{"polluted":true},"obfuscate":true}"#;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let alphabet = b"{}[]\":,\\ 0.-etruflsn/";
    for _ in 0..1000 {
        let mut bytes = full.as_bytes().to_vec();
        for _ in 0..1 + next(4) {
            if bytes.is_empty() {
                break;
            }
            let at = next(bytes.len());
            match next(3) {
                0 => bytes[at] = alphabet[next(alphabet.len())],
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let parsed = LoadOptions::parse(&text);
        assert!(parsed.endpoint.contains("://"), "{text}");
        assert_eq!(parsed.identity.stores.last(), Some(&Memory), "{text}");
    }
    let huge = format!(r#"{{"writeKey":"{}","cookie":{{"path":"{}"}},"consent":{{"categories":["{}"]}}}}"#, "k".repeat(1 << 20), "/".repeat(1 << 20), "c".repeat(1 << 20));
    let parsed = LoadOptions::parse(&huge);
    assert_eq!((parsed.page.write_key().len(), parsed.identity.cookie.path.len()), (1 << 20, 1 << 20));
    let deep = format!(r#"{{"cookie":{}1{}}}"#, r#"{"cookie":"#.repeat(10_000), "}".repeat(10_000));
    assert_eq!(LoadOptions::parse(&deep).identity.cookie, crate::core::identity::cookie_codec::CookieAttributes::default());
    let full = LoadOptions::parse(full);
    assert_eq!((full.endpoint.as_str(), full.unsupported.as_str()), ("http://p.example/v1", "__proto__, obfuscate"));
}
