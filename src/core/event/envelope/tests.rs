//! Host tests of the envelope rules, one table row per rule (the golden fixtures in
//! `tests/golden_events.rs` pin whole bodies; these pin single fields). Every body built here is
//! also checked to parse as JSON (serde_json, test-only).

use super::*;
use crate::core::event::args::resolve;

const NOW: f64 = 1_795_393_993_123.0;
const UUID: &str = "4f1c9a7e-2b3d-4c5e-8f6a-7b8c9d0e1f2a";
const ANON: &str = "anon-1";

/// One call's inputs; tweak the fields a row needs.
struct Case<'a> {
    method: Method,
    kinds: &'a str,
    args: Vec<&'a str>,
    search: &'a str,
    who: Identity<'a>,
    env: Env<'a>,
}

fn case<'a>(method: Method, kinds: &'a str, args: &[&'a str]) -> Case<'a> {
    Case {
        method,
        kinds,
        args: args.to_vec(),
        search: "",
        who: Identity {
            anonymous_id: ANON,
            user_traits: "{}",
            group_traits: "{}",
            ..Identity::default()
        },
        env: Env {
            write_key: "wk",
            library_version: LIBRARY_VERSION_NPM,
            user_agent: "UA",
            locale: Some("en-US"),
            timezone: Some("UTC"),
            integrations: "{}",
            read_query: Some(read_query),
            format_date: crate::core::time::REFERENCE,
            ..Env::default()
        },
    }
}

/// The platform's reading of the queries these tests use (src/browser/host.js `hostQuery`; its rules
/// are tested in tests/e2e/query-context.test.mjs): the core's part is when and where it applies.
fn read_query(search: &str) -> String {
    let read = match search {
        "?utm_source=g&utm_campaign=spring" => r#"{"campaign":{"source":"g","name":"spring"}}"#,
        "?utm_source=g" => r#"{"campaign":{"source":"g"}}"#,
        "?utm_medium=m" => r#"{"campaign":{"medium":"m"}}"#,
        "?btid=b1" => r#"{"campaign":{},"referrer":{"id":"b1","type":"dataxu"}}"#,
        _ => panic!("no platform answer for {search:?}"),
    };
    read.to_string()
}

fn run(c: &Case<'_>) -> Result<Event, DropReason> {
    let resolved = resolve(c.method, c.kinds);
    // `context.page` as the facade builds it (www/src/page.js) for https://a.com/p + `search`.
    let mut page = String::from(r#"{"path":"/p","referrer":"","search":"#);
    json::push_str(&mut page, c.search);
    page.push_str(r#","title":"T","url":"https://a.com/p"}"#);
    let call = Call {
        method: c.method,
        resolved: &resolved,
        args: &c.args,
        now_ms: NOW,
        uuid: UUID,
        page: &page,
    };
    let built = build(&call, &c.who, &c.env);
    if let Ok(event) = &built {
        serde_json::from_str::<serde_json::Value>(&event.body).unwrap_or_else(|e| panic!("{e}: {}", event.body));
    }
    built
}

/// The raw JSON at a dotted path (`context.page.url`); `None` when absent.
fn at<'a>(body: &'a str, path: &str) -> Option<&'a str> {
    path.split('.').try_fold(body, |raw, key| json::get(raw, key))
}

/// Builds and checks `(path, raw JSON or "<absent>")` pairs.
fn expect(c: Case<'_>, checks: &[(&str, &str)]) {
    let event = run(&c).unwrap_or_else(|d| panic!("{:?} [{}] dropped: {d:?}", c.method, c.kinds));
    for (path, want) in checks {
        let got = at(&event.body, path).unwrap_or("<absent>");
        assert_eq!(got, *want, "{path} in {}", event.body);
    }
}

#[test]
fn options_become_context_and_top_level_fields() {
    let opts = r#"{"context":{"ip":"9.9.9.9","page":{"title":"X"}},"ip":"1.2.3.4","traits":{"a":1},"timestamp":"2020-01-01T00:00:00.000Z","messageId":"m-1"}"#;
    expect(
        case(Method::Track, "soo", &["e", "{}", opts]),
        &[
            ("context.ip", r#""1.2.3.4""#),
            ("context.traits", r#"{"a":1}"#),
            ("traits", "<absent>"),
            ("context.page.title", r#""X""#),
            ("context.page.path", r#""/p""#),
            ("timestamp", r#""2020-01-01T00:00:00.000Z""#),
            ("messageId", r#""m-1""#),
            ("options", "<absent>"),
            ("context.messageId", "<absent>"),
        ],
    );
    // an options.timestamp that is not ISO-8601 text would make the endpoint reject the event:
    // the call time goes instead
    for bad in ["1700000000000", r#""soon""#, "null", "{}", r#""+010000-01-01T00:00:00.000Z""#] {
        let opts = String::from("{\"timestamp\":") + bad + "}";
        expect(case(Method::Track, "suo", &["e", "", &opts]), &[("timestamp", r#""2026-11-23T00:33:13.123Z""#)]);
    }
}

#[test]
fn options_user_id_must_be_a_string_or_number_and_alias_ids_non_empty() {
    // (options, userId sent)
    let rows = [
        (r#"{"userId":"u"}"#, r#""u""#),
        (r#"{"userId":42}"#, "42"),
        (r#"{"userId":{"id":1}}"#, "null"),
        (r#"{"userId":[1]}"#, "null"),
        (r#"{"userId":true}"#, "null"),
        (r#"{"userId":-1.5e3}"#, "-1.5e3"),
        (r#"{"userId":null}"#, "null"),
    ];
    for (opts, want) in rows {
        expect(case(Method::Track, "suo", &["e", "", opts]), &[("userId", want)]);
    }
    let long = String::from("{\"userId\":\"") + &"x".repeat(257) + "\"}";
    expect(case(Method::Track, "suo", &["e", "", &long]), &[("userId", "null")]);
    assert_eq!(run(&case(Method::Alias, "s", &[""])).unwrap_err(), DropReason::AliasToMissing);
    expect(case(Method::Alias, "ss", &["new", ""]), &[("userId", r#""new""#), ("previousId", r#""anon-1""#)]);
}

#[test]
fn an_unpaired_surrogate_is_replaced_and_nesting_beyond_the_limit_drops() {
    let event = run(&case(Method::Track, "so", &["x", r#"{"t":"\ud83d"}"#])).expect("repaired, not dropped");
    assert_eq!(at(&event.body, "properties.t"), Some(r#""\ufffd""#));
    assert!(event.warnings.contains(Warning::SurrogateReplaced));
    let deep = "{\"p\":".repeat(70) + "1" + &"}".repeat(70);
    assert_eq!(run(&case(Method::Track, "so", &["x", &deep])).unwrap_err(), DropReason::TooDeep);
}

#[test]
fn generated_fields_have_the_analytics_js_shape() {
    let event = run(&case(Method::Track, "s", &["e"])).unwrap();
    let id = at(&event.body, "messageId").and_then(json::parse_str).unwrap();
    let (prefix, rest) = id.split_at(9);
    assert_eq!(prefix, "ajs-next-");
    assert_eq!(&rest[..14], "1795393993123-");
    assert_eq!(&rest[14..], UUID);
    // The id stays queued with its event: one 64-byte block in the wasm allocator (a String grown
    // push by push reached capacity 72, an 80-byte block: +16 B per queued event).
    assert_eq!((&event.message_id, event.message_id.capacity()), (&id, 64));
    assert_eq!(at(&event.body, "timestamp"), Some(r#""2026-11-23T00:33:13.123Z""#));
    assert_eq!(at(&event.body, "writeKey"), Some(r#""wk""#));
    assert_eq!(
        at(&event.body, "context.library"),
        Some(r#"{"name":"analytics.js","version":"npm:next-0.1.0"}"#)
    );
    assert_eq!(LIBRARY_VERSION_CDN, concat!("next-", env!("CARGO_PKG_VERSION")));
    let page = at(&event.body, "context.page").unwrap();
    let keys: Vec<String> = json::object_entries(page)
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["path", "referrer", "search", "title", "url"]);
}

#[test]
fn user_id_precedence() {
    let with_user = |mut c: Case<'static>, id| {
        c.who.user_id = id;
        c
    };
    let rows: Vec<(Case<'static>, &str)> = vec![
        (case(Method::Track, "s", &["e"]), "null"),
        (
            case(Method::Track, "suo", &["e", "", r#"{"userId":"opt"}"#]),
            r#""opt""#,
        ),
        (case(Method::Track, "suo", &["e", "", r#"{"userId":""}"#]), "null"),
        (
            with_user(
                case(Method::Track, "suo", &["e", "", r#"{"userId":"opt"}"#]),
                Some("stored"),
            ),
            r#""stored""#,
        ),
        (with_user(case(Method::Identify, "s", &["u"]), Some("u")), r#""u""#),
        (case(Method::Alias, "s", &["new"]), r#""new""#),
        (with_user(case(Method::Alias, "s", &["new"]), Some("old")), r#""new""#),
        (with_user(case(Method::Alias, "", &[]), Some("old")), r#""old""#),
        (case(Method::Alias, "o", &[r#"{"userId":"o"}"#]), r#""o""#),
    ];
    for (c, want) in rows {
        let (m, k) = (c.method, c.kinds);
        let event = run(&c).unwrap();
        assert_eq!(at(&event.body, "userId"), Some(want), "{m:?} [{k}]");
        assert_eq!(at(&event.body, "anonymousId"), Some(r#""anon-1""#));
    }
}

#[test]
fn alias_previous_id_falls_back_to_user_then_anonymous_id() {
    let mut identified = case(Method::Alias, "s", &["new"]);
    identified.who.user_id = Some("old");
    expect(identified, &[("previousId", r#""old""#)]);
    expect(case(Method::Alias, "s", &["new"]), &[("previousId", r#""anon-1""#)]);
    expect(
        case(Method::Alias, "nn", &["1", "2"]),
        &[("userId", r#""1""#), ("previousId", r#""2""#)],
    );
}

#[test]
fn page_and_screen_fields() {
    expect(
        case(Method::Page, "ss", &["Cat", "Name"]),
        &[
            ("category", r#""Cat""#),
            ("name", r#""Name""#),
            ("properties.category", r#""Cat""#),
            ("properties.name", r#""Name""#),
            ("properties.url", r#""https://a.com/p""#),
        ],
    );
    expect(
        case(Method::Page, "ss", &["", ""]),
        &[
            ("category", r#""""#),
            ("name", r#""""#),
            ("properties.category", r#""""#),
            ("properties.name", "<absent>"),
        ],
    );
    expect(
        case(Method::Page, "", &[]),
        &[
            ("name", "<absent>"),
            ("category", "<absent>"),
            ("properties.path", r#""/p""#),
        ],
    );
    let opts = r#"{"context":{"page":{"url":"https://opt/"}}}"#;
    expect(
        case(
            Method::Page,
            "oo",
            &[r#"{"url":"https://prop/","path":"/prop","category":"own"}"#, opts],
        ),
        &[
            ("properties.url", r#""https://prop/""#),
            ("context.page.url", r#""https://opt/""#),
            ("context.page.path", r#""/prop""#),
            ("properties.category", r#""own""#),
        ],
    );
    expect(
        case(Method::Screen, "sso", &["Cat", "Home", r#"{"a":1}"#]),
        &[
            ("category", r#""Cat""#),
            ("name", r#""Home""#),
            ("properties", r#"{"a":1}"#),
            ("context.page.path", r#""/p""#),
        ],
    );
}

#[test]
fn identify_and_group_carry_stored_traits() {
    let mut c = case(Method::Identify, "so", &["u", r#"{"b":2}"#]);
    c.who.user_id = Some("u");
    c.who.user_traits = r#"{"a":1,"b":2}"#;
    expect(c, &[("traits", r#"{"a":1,"b":2}"#), ("userId", r#""u""#)]);
    let mut c = case(Method::Identify, "o", &["{}"]);
    c.who.user_traits = "[1]";
    expect(c, &[("traits", "{}"), ("userId", "null")]);
    let mut c = case(Method::Group, "so", &["g", r#"{"p":1}"#]);
    c.who.group_id = Some("g");
    c.who.group_traits = r#"{"p":1}"#;
    expect(c, &[("groupId", r#""g""#), ("traits", r#"{"p":1}"#)]);
}

#[test]
fn integrations_merge_init_booleans_with_per_event_objects() {
    assert_eq!(
        integration_booleans(r#"{"Amplitude":{"x":1},"A":false,"B":0,"C":"s","D":""}"#),
        r#"{"Amplitude":true,"A":false,"B":false,"C":true,"D":false}"#
    );
    assert_eq!(integration_booleans("null"), "{}");
    let mut c = case(
        Method::Track,
        "suo",
        &["e", "", r#"{"integrations":{"Amplitude":{"s":1},"New":false}}"#],
    );
    c.env.integrations = r#"{"Amplitude":true,"All":true}"#;
    expect(
        c,
        &[("integrations", r#"{"Amplitude":{"s":1},"All":true,"New":false}"#)],
    );
}

#[test]
fn enrichment_precedence() {
    let mut c = case(
        Method::Track,
        "suo",
        &[
            "e",
            "",
            r#"{"context":{"locale":null,"library":{"name":"mine"},"userAgent":"x","userAgentData":{}}}"#,
        ],
    );
    c.search = "?utm_source=g&utm_campaign=spring";
    expect(
        c,
        &[
            ("context.locale", "null"),
            ("context.library", r#"{"name":"mine"}"#),
            ("context.userAgent", r#""UA""#),
            ("context.userAgentData", "<absent>"),
            ("context.campaign", r#"{"source":"g","name":"spring"}"#),
            ("context.timezone", r#""UTC""#),
        ],
    );
    let mut c = case(
        Method::Track,
        "suo",
        &["e", "", r#"{"context":{"library":null,"campaign":{"name":"mine"}}}"#],
    );
    c.search = "?utm_source=g";
    c.env.user_agent_data = Some(r#"{"mobile":false}"#);
    c.env.amp_id = Some("amp-1");
    expect(
        c,
        &[
            ("context.library.name", r#""analytics.js""#),
            ("context.campaign", r#"{"name":"mine"}"#),
            ("context.userAgentData", r#"{"mobile":false}"#),
            ("context.amp", r#"{"id":"amp-1"}"#),
            ("context.locale", r#""en-US""#),
        ],
    );
    let mut c = case(Method::Track, "s", &["e"]);
    c.env.locale = None;
    c.env.timezone = None;
    expect(
        c,
        &[
            ("context.campaign", "<absent>"),
            ("context.locale", "<absent>"),
            ("context.timezone", "<absent>"),
        ],
    );
    let mut c = case(
        Method::Track,
        "suo",
        &["e", "", r#"{"context":{"page":{"search":"?utm_medium=m"}}}"#],
    );
    c.search = "?utm_source=g";
    expect(c, &[("context.campaign", r#"{"medium":"m"}"#)]);
}

#[test]
fn ad_referrer_comes_from_the_query_or_the_stored_cookie() {
    let mut c = case(Method::Track, "s", &["e"]);
    c.search = "?btid=b1";
    let event = run(&c).unwrap();
    assert_eq!(
        at(&event.body, "context.referrer"),
        Some(r#"{"id":"b1","type":"dataxu"}"#)
    );
    assert_eq!(event.referrer.as_deref(), Some(r#"{"id":"b1","type":"dataxu"}"#));
    let mut c = case(
        Method::Track,
        "suo",
        &["e", "", r#"{"context":{"referrer":{"link":"x"}}}"#],
    );
    c.env.stored_referrer = Some(r#"{"id":"u1","type":"millennial-media"}"#);
    let event = run(&c).unwrap();
    assert_eq!(
        at(&event.body, "context.referrer"),
        Some(r#"{"link":"x","id":"u1","type":"millennial-media"}"#)
    );
    assert!(run(&case(Method::Track, "s", &["e"])).unwrap().referrer.is_none());
}

#[test]
fn bad_input_is_dropped_or_repaired_with_a_reason() {
    let drops: Vec<(Case<'static>, DropReason)> = vec![
        (case(Method::Track, "", &[]), DropReason::EventMissing),
        (case(Method::Track, "s", &[""]), DropReason::EventMissing),
        (
            case(Method::Track, "o", &[r#"{"properties":{}}"#]),
            DropReason::EventMissing,
        ),
        (case(Method::Track, "o", &[r#"{"event":5}"#]), DropReason::EventMissing),
        (case(Method::Group, "s", &["g"]), DropReason::GroupIdMissing),
        (case(Method::Alias, "", &[]), DropReason::AliasToMissing),
    ];
    for (c, want) in drops {
        assert_eq!(run(&c), Err(want), "{:?} [{}] {:?}", c.method, c.kinds, c.args);
    }
    let big = format!(r#"{{"blob":"{}"}}"#, "x".repeat(MAX_EVENT_BYTES));
    let big: &'static str = Box::leak(big.into_boxed_str());
    assert_eq!(run(&case(Method::Track, "so", &["e", big])), Err(DropReason::TooLarge));

    let repairs: Vec<(Case<'static>, Warning, &str, &str)> = vec![
        (
            case(Method::Track, "o", &[r#"{"event":"E","properties":"x"}"#]),
            Warning::PropertiesNotObject,
            "properties",
            "{}",
        ),
        (
            case(Method::Track, "ss", &["e", "x"]),
            Warning::PropertiesNotObject,
            "properties",
            "{}",
        ),
        (
            case(Method::Track, "sos", &["e", "{}", "x"]),
            Warning::OptionsNotObject,
            "context.page.path",
            r#""/p""#,
        ),
        (
            case(Method::Track, "suo", &["e", "", r#"{"context":"x"}"#]),
            Warning::ContextNotObject,
            "context.userAgent",
            r#""UA""#,
        ),
        (
            case(Method::Track, "suo", &["e", "", r#"{"messageId":7}"#]),
            Warning::MessageIdNotString,
            "messageId",
            "",
        ),
        (
            case(Method::Track, "suo", &["e", "", r#"{"integrations":[1]}"#]),
            Warning::IntegrationsNotObject,
            "integrations",
            "{}",
        ),
        (
            case(Method::Identify, "s?", &["u", ""]),
            Warning::ArgumentIgnored,
            "type",
            r#""identify""#,
        ),
    ];
    for (c, warning, path, want) in repairs {
        let event = run(&c).unwrap_or_else(|d| panic!("{:?} dropped {d:?}", c.args));
        assert!(
            event.warnings.contains(warning),
            "{warning:?} for {:?}: {:?}",
            c.args,
            event.warnings
        );
        if !want.is_empty() {
            assert_eq!(at(&event.body, path), Some(want), "{path} in {}", event.body);
        }
    }
    let event = run(&case(Method::Track, "o", &[r#"{"event":"E","properties":{"a":1}}"#])).unwrap();
    assert_eq!(at(&event.body, "event"), Some(r#""E""#));
    assert_eq!(at(&event.body, "properties"), Some(r#"{"a":1}"#));
    assert!(event.warnings.is_empty());
}

#[test]
fn strings_from_the_page_are_escaped() {
    let event = run(&case(Method::Track, "s", &["quote \" and \u{1} and </script>"])).unwrap();
    assert_eq!(
        at(&event.body, "event").and_then(json::parse_str).as_deref(),
        Some("quote \" and \u{1} and </script>")
    );
}
