//! Golden fixtures for every persisted format (what analytics.js 2.0 writes and what 1.0 left behind).

use super::*;
use crate::core::identity::cookie_codec::percent_decode_reference::percent_decode;
use StoreKind::{Cookie, LocalStorage, Memory};

const UUID: &str = "39ee7ea5-b6d8-4174-b612-04e1ef3fa952";

#[test]
fn ids_are_written_like_analytics_js() {
    let table: &[(StoreKind, &str, &str)] = &[
        (Cookie, UUID, UUID),
        (Cookie, "user@x.com", "user@x.com"),
        (Cookie, "a b", "a%20b"),
        (Cookie, "a;b,c=d", "a%3Bb%2Cc=d"),
        (Cookie, "ünï", "%C3%BCn%C3%AF"),
        (Cookie, "123", "123"),
        (Cookie, "-7", "-7"),
        // ids analytics.js would misread when bare are JSON-quoted (both libraries read them back).
        (Cookie, "null", "%22null%22"),
        (Cookie, "true", "%22true%22"),
        (Cookie, "1.0", "%221.0%22"),
        (Cookie, "1234567890123456", "%221234567890123456%22"),
        (Cookie, "007", "007"),
        (Cookie, "\"q\"", "%22%5C%22q%5C%22%22"),
        (Cookie, "{\"a\":1}", "%22{%5C%22a%5C%22:1}%22"),
        (LocalStorage, UUID, "\"39ee7ea5-b6d8-4174-b612-04e1ef3fa952\""),
        (LocalStorage, "a\"b\\c\nd", "\"a\\\"b\\\\c\\nd\""),
        (LocalStorage, "123", "\"123\""),
        (Memory, "u1", "\"u1\""),
    ];
    for (kind, id, want) in table {
        let raw = encode_id(*kind, id);
        assert_eq!(raw, *want, "{kind:?} {id:?}");
        assert_eq!(decode_id(*kind, &raw, percent_decode).as_deref(), Some(*id), "round trip {kind:?} {id:?}");
    }
}

#[test]
fn ids_are_read_like_analytics_js_including_1_0_formats() {
    let table: &[(StoreKind, &str, Option<&str>)] = &[
        (Cookie, UUID, Some(UUID)),
        (Cookie, "%2239ee7ea5-b6d8-4174-b612-04e1ef3fa952%22", Some(UUID)),
        (Cookie, "\"abc\"", Some("abc")),
        (Cookie, "%22abc%22", Some("abc")),
        (Cookie, "123", Some("123")),
        (Cookie, "null", None),
        (Cookie, "", None),
        (Cookie, "%22%22", None),
        (Cookie, "%E2%82", None),
        (Cookie, "a%20b", Some("a b")),
        (Cookie, "%20", Some(" ")),
        (Cookie, "true", Some("true")),
        (LocalStorage, "\"abc\"", Some("abc")),
        (LocalStorage, "abc", Some("abc")),
        (LocalStorage, "null", None),
        (LocalStorage, "\"\"", None),
        (LocalStorage, "", None),
        (LocalStorage, " 42 ", Some("42")),
        (LocalStorage, "\"unterminated", Some("\"unterminated")),
        // Whatever `JSON.parse` throws on is the raw text, untrimmed (analytics.js's fallback).
        (LocalStorage, " {abc ", Some(" {abc ")),
        (LocalStorage, "[1,", Some("[1,")),
        (LocalStorage, "01", Some("01")),
        (LocalStorage, "nul", Some("nul")),
        (LocalStorage, "\"a\" \"b\"", Some("\"a\" \"b\"")),
        (LocalStorage, " [1] ", Some("[1]")),
        (LocalStorage, "{\"a\":1}", Some("{\"a\":1}")),
        (LocalStorage, " \"\\u0041\" ", Some("A")),
    ];
    for (kind, raw, want) in table {
        assert_eq!(decode_id(*kind, raw, percent_decode).as_deref(), *want, "{kind:?} {raw:?}");
    }
}

#[test]
fn traits_are_json_objects_or_absent() {
    let table: &[(StoreKind, &str, Option<&str>)] = &[
        (LocalStorage, r#"{"plan":"pro"}"#, Some(r#"{"plan":"pro"}"#)),
        (LocalStorage, " {} ", Some("{}")),
        (LocalStorage, "null", None),
        (LocalStorage, "[1]", None),
        (LocalStorage, "\"x\"", None),
        (LocalStorage, "{", None),
        (Memory, r#"{"a":{"b":[1]}}"#, Some(r#"{"a":{"b":[1]}}"#)),
        (Cookie, "{%22a%22:1}", Some(r#"{"a":1}"#)),
    ];
    for (kind, raw, want) in table {
        assert_eq!(decode_traits(*kind, raw, percent_decode).as_deref(), *want, "{kind:?} {raw:?}");
    }
    assert_eq!(encode_traits(LocalStorage, r#"{"plan":"pro"}"#), r#"{"plan":"pro"}"#);
    assert_eq!(encode_traits(Cookie, r#"{"a":1}"#), "{%22a%22:1}");
}

#[test]
fn legacy_ajs_user_cookie() {
    let table: &[(&str, Option<(Option<&str>, Option<&str>)>)] = &[
        ("{%22id%22:%22u%22%2C%22traits%22:{%22a%22:1}}", Some((Some("u"), Some(r#"{"a":1}"#)))),
        ("%7B%22id%22%3A%22u%22%7D", Some((Some("u"), None))),
        ("{%22id%22:42}", Some((Some("42"), None))),
        ("{%22traits%22:{%22a%22:1}}", Some((None, Some(r#"{"a":1}"#)))),
        ("{%22id%22:null%2C%22traits%22:null}", None),
        ("{%22id%22:%22u%22%2C%22traits%22:[1]}", Some((Some("u"), None))),
        ("{%22id%22:%22u%22%2C%22traits%22:%22{}%22}", Some((Some("u"), None))),
        ("{%22id%22:%22u%22%2C%22traits%22:{%22a%22:tru}}", Some((Some("{\"id\":\"u\",\"traits\":{\"a\":tru}}"), None))),
        ("%22u2%22", Some((Some("u2"), None))),
        ("u3", Some((Some("u3"), None))),
        ("null", None),
        ("", None),
    ];
    for (raw, want) in table {
        let got = cookie_codec::decode_value(raw, percent_decode).and_then(|text| decode_legacy_user(&text));
        let want = want.map(|(id, traits)| LegacyUser { id: id.map(String::from), traits: traits.map(String::from) });
        assert_eq!(got, want, "{raw:?}");
    }
}

#[test]
fn legacy_sio_cookie() {
    let table: &[(&str, Option<&str>)] = &[
        ("anon1----user1", Some("anon1")),
        ("anon1----", Some("anon1")),
        ("anon1", Some("anon1")),
        ("%22anon1----user1%22", Some("anon1")),
        ("----user1", None),
        ("", None),
        ("x---y", Some("x---y")),
        ("x-----y", Some("x")),
        ("x---", Some("x---")),
        ("é----ü", Some("é")),
    ];
    for (raw, want) in table {
        let got = cookie_codec::decode_value(raw, percent_decode).and_then(|text| decode_legacy_sio(&text));
        assert_eq!(got.as_deref(), *want, "{raw:?}");
    }
}

#[test]
fn json_numbers_are_recognised_exactly() {
    for yes in ["0", "-0", "12", "-12", "1.5", "1e3", "1E+3", "2.5e-1"] {
        assert!(json::is_number(yes), "{yes}");
    }
    for no in ["", "-", "01", "1.", ".5", "1e", "0x1", "1 2", " 1", "1 ", "+1", "abc"] {
        assert!(!json::is_number(no), "{no}");
    }
}
