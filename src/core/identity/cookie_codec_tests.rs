//! Golden tables for the cookie codec. Expected encodings were printed by js-cookie 3.0.8
//! (`Cookies.converter.write/read`, `Cookies.set`) under Node with a stub `document`. Reading uses the
//! Rust reference decoder; tests/browser_percent_decode.rs holds the browser's to it.

use super::percent_decode_reference::{percent_decode, push_utf8};
use crate::core::time::REFERENCE;
use super::*;

/// `push_utf8` accepts and decodes exactly what `str::from_utf8` does: a table of edge forms, then
/// seeded random byte strings biased towards UTF-8 lead and continuation bytes.
#[test]
fn push_utf8_agrees_with_str_from_utf8() {
    let table: &[&[u8]] = &[
        b"", b"a", "é€😀".as_bytes(), b"\xC3", b"\xC3\x28", b"\xC0\x80", b"\xC1\xBF", b"\xE0\x80\x80", b"\xE0\x9F\xBF",
        b"\xED\xA0\x80", b"\xED\x9F\xBF", b"\xEF\xBF\xBF", b"\xF0\x8F\xBF\xBF", b"\xF4\x8F\xBF\xBF", b"\xF4\x90\x80\x80",
        b"\xF5\x80\x80\x80", b"\xF8\x88\x80\x80\x80", b"\xFF", b"\x80", b"a\xE2\x82", b"\xE2\x82\xACb",
    ];
    let check = |bytes: &[u8]| {
        let mut out = String::from("x");
        let got = push_utf8(&mut out, bytes).map(|()| out);
        let want = std::str::from_utf8(bytes).ok().map(|s| format!("x{s}"));
        assert_eq!(got, want, "{bytes:x?}");
    };
    table.iter().for_each(|bytes| check(bytes));
    let pool = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF];
    let mut seed = 0x9E37_79B9_u32;
    for _ in 0..20_000 {
        let mut bytes = Vec::new();
        for _ in 0..(seed % 7) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            bytes.push(pool[(seed % pool.len() as u32) as usize]);
        }
        seed = seed.wrapping_mul(747_796_405).wrapping_add(1);
        check(&bytes);
    }
}

#[test]
fn values_encode_like_js_cookie() {
    let table: &[(&str, &str)] = &[
        ("39ee7ea5-b6d8-4174-b612-04e1ef3fa952", "39ee7ea5-b6d8-4174-b612-04e1ef3fa952"),
        ("user@x.com", "user@x.com"),
        ("a b", "a%20b"),
        ("a;b", "a%3Bb"),
        ("a,b", "a%2Cb"),
        ("a=b", "a=b"),
        ("x\ny", "x%0Ay"),
        ("ünï 🎉", "%C3%BCn%C3%AF%20%F0%9F%8E%89"),
        ("\"q\"", "%22q%22"),
        ("it's(ok)!*~", "it's(ok)!*~"),
        ("#$&+/:<=>?@[]^`{|}", "#$&+/:<=>?@[]^`{|}"),
        ("%41", "%2541"),
        ("\\", "%5C"),
        ("{\"a\":1}", "{%22a%22:1}"),
    ];
    for (value, want) in table {
        assert_eq!(encode_value(value), *want, "{value:?}");
        assert_eq!(decode_value(want, percent_decode).as_deref(), Some(*value), "{want:?}");
    }
}

#[test]
fn names_encode_like_js_cookie() {
    let table: &[(&str, &str)] = &[
        ("ajs_user_id", "ajs_user_id"),
        ("s:context.referrer", "s%3Acontext.referrer"),
        ("a b(c)", "a%20b%28c%29"),
        ("#$&+^`|=;,", "#$&+^`|%3D%3B%2C"),
        ("ü", "%C3%BC"),
    ];
    for (name, want) in table {
        assert_eq!(encode_name(name), *want, "{name:?}");
        assert_eq!(decode_name(want, percent_decode).as_deref(), Some(*name));
    }
}

#[test]
fn values_decode_like_js_cookie() {
    let table: &[(&str, Option<&str>)] = &[
        ("%22abc%22", Some("\"abc\"")),
        ("\"abc\"", Some("abc")),
        ("\"", Some("")),
        ("a%zzb", Some("a%zzb")),
        ("%E2%82%AC", Some("€")),
        ("%E2%82", None),
        ("%41%42c%4", Some("ABc%4")),
        ("abc%", Some("abc%")),
        ("", Some("")),
    ];
    for (raw, want) in table {
        assert_eq!(decode_value(raw, percent_decode).as_deref(), *want, "{raw:?}");
    }
    assert_eq!(decode_name("a%zz", percent_decode), None);
    assert_eq!(decode_name("%C3", percent_decode), None);
}

#[test]
fn find_raw_reads_one_cookie_out_of_document_cookie() {
    let header = "a=1; ajs_user_id=u%3B1; s%3Actx=x; ajs_user_id=second; bad%E2=v; empty=; flag; eq=a=b";
    let table: &[(&str, Option<&str>)] = &[
        ("ajs_user_id", Some("u%3B1")),
        ("s:ctx", Some("x")),
        ("a", Some("1")),
        ("empty", Some("")),
        ("flag", Some("")),
        ("eq", Some("a=b")),
        ("missing", None),
        ("ajs", None),
    ];
    for (name, want) in table {
        assert_eq!(find_raw(header, name, percent_decode), *want, "{name}");
    }
    assert_eq!(find_raw("", "a", percent_decode), None);
    assert_eq!(find_raw("k=%E2%82; k=ok", "k", percent_decode), Some("ok"), "an undecodable entry is skipped");
}

fn attrs(domain: Option<&str>, secure: bool) -> CookieAttributes {
    CookieAttributes { domain: domain.map(String::from), secure, ..CookieAttributes::default() }
}

#[test]
fn assignment_and_deletion_strings() {
    let year_ms = 1_795_393_993_123.0 + 365.0 * 86_400_000.0;
    let table: &[(CookieAttributes, &str)] = &[
        (attrs(None, false), "ajs_anonymous_id=v; expires=Tue, 23 Nov 2027 00:33:13 GMT; path=/; SameSite=Lax"),
        (
            attrs(Some("example.co.uk"), true),
            "ajs_anonymous_id=v; expires=Tue, 23 Nov 2027 00:33:13 GMT; path=/; domain=example.co.uk; SameSite=Lax; Secure",
        ),
        (
            CookieAttributes { domain: Some("a.com; x=1".into()), path: "/p\n; q".into(), same_site: "".into(), secure: false },
            "ajs_anonymous_id=v; expires=Tue, 23 Nov 2027 00:33:13 GMT; path=/p; domain=a.com",
        ),
    ];
    for (a, want) in table {
        assert_eq!(assignment("ajs_anonymous_id", "v", year_ms, REFERENCE, a), *want);
    }
    assert_eq!(
        deletion("ajs_user_id", &attrs(Some("example.com"), false)),
        "ajs_user_id=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; domain=example.com; SameSite=Lax"
    );
    assert_eq!(EXPIRED, REFERENCE.http_date(0.0), "a deletion expires at the epoch");
}

/// Splits an assignment the way a browser does: the first `;` ends name=value, the rest are attributes.
fn browser_view(assignment: &str) -> (String, String, Vec<String>) {
    let mut parts = assignment.split(';');
    let pair = parts.next().unwrap();
    let (name, value) = pair.split_once('=').unwrap();
    (name.to_string(), value.to_string(), parts.map(|p| p.trim().to_string()).collect())
}

#[test]
fn no_input_can_inject_an_attribute_or_a_second_cookie() {
    let attacks = [
        "x; domain=evil.com",
        "x, other=1",
        "x\r\nSet-Cookie: a=b",
        "x; Max-Age=0",
        "x=y; path=/admin",
        "\"x\"; secure",
        "ünï;=, \t\u{0}",
        "%3B already-encoded%3b;",
    ];
    let a = attrs(Some("example.com"), false);
    for attack in attacks {
        for text in [assignment(attack, &encode_value(attack), 0.0, REFERENCE, &a), assignment("k", attack, 0.0, REFERENCE, &a)] {
            let (name, value, attributes) = browser_view(&text);
            assert!(!text.contains(['\r', '\n', '\0', '\t']), "{text:?}");
            assert!(!name.contains([' ', ',', '\n', '=']) && !value.contains([' ', ',', '\n', '"', '\\']), "{text:?}");
            let labels: Vec<&str> = attributes.iter().map(|p| p.split('=').next().unwrap()).collect();
            assert_eq!(labels, ["expires", "path", "domain", "SameSite"], "{text:?}");
        }
        let encoded = encode_value(attack);
        let text = assignment("ajs_user_id", &encoded, 0.0, REFERENCE, &a);
        let header = browser_view(&text);
        assert_eq!(decode_value(&header.1, percent_decode).as_deref(), Some(attack), "round trip of {attack:?}");
    }
}

#[test]
fn a_domain_cookie_removes_the_host_only_copy_that_shadows_it() {
    let domain = CookieAttributes { domain: Some("example.com".into()), secure: true, ..CookieAttributes::default() };
    let host_only = shadowing_host_only(&domain).expect("a domain cookie can be shadowed");
    assert_eq!(host_only, CookieAttributes { domain: None, ..domain.clone() }, "same path, SameSite, Secure");
    assert_eq!(deletion("ajs_user_id", &host_only), deletion("ajs_user_id", &CookieAttributes { secure: true, ..CookieAttributes::default() }));
    assert_eq!(shadowing_host_only(&CookieAttributes::default()), None, "a host-only cookie shadows nothing");
    assert_eq!(host_only_deletion("ajs_user_id", &domain), Some(deletion("ajs_user_id", &host_only)));
    assert_eq!(host_only_deletion("ajs_user_id", &CookieAttributes::default()), None);
}

/// js-cookie decodes each `(%XX)+` run on its own (`value.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent)`);
/// `percent_decode` checks all the bytes at once. Seeded strings built from escapes (valid, partial,
/// malformed), `%`, ASCII and multi-byte characters give the same result as a per-run reference.
#[test]
fn percent_decode_agrees_with_decoding_each_run() {
    fn per_run(s: &str, strict: bool) -> Option<String> {
        let (bytes, mut out, mut run, mut i) = (s.as_bytes(), String::new(), Vec::new(), 0);
        while i < bytes.len() {
            let hex = |at: usize| s.get(at..at + 2).and_then(|h| u8::from_str_radix(h, 16).ok().filter(|_| !h.starts_with('+')));
            if bytes[i] == b'%' {
                if let Some(b) = hex(i + 1) {
                    run.push(b);
                    i += 3;
                    continue;
                }
                if strict {
                    return None;
                }
            }
            out.push_str(std::str::from_utf8(&run).ok()?);
            run.clear();
            let ch = s[i..].chars().next()?;
            out.push(ch);
            i += ch.len_utf8();
        }
        out.push_str(std::str::from_utf8(&run).ok()?);
        Some(out)
    }
    let pool = ["%E2", "%82", "%AC", "%C3", "%A9", "%F0", "%9F", "%80", "%41", "%zz", "%", "%4", "a", "é", "€", "😀", "+", "%2B"];
    let mut seed = 0x2545_F491_u32;
    for _ in 0..20_000 {
        let mut s = String::new();
        for _ in 0..(seed % 8) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            s.push_str(pool[(seed % pool.len() as u32) as usize]);
        }
        seed = seed.wrapping_mul(747_796_405).wrapping_add(1);
        for strict in [false, true] {
            assert_eq!(percent_decode(&s, strict), per_run(&s, strict), "{s:?} strict={strict}");
        }
    }
}

#[test]
fn attribute_values_stop_at_a_semicolon_and_lose_control_characters() {
    // Every character up to U+02FF (controls C0, DEL and C1 among them), then a few wider ones.
    let mut all: String = (0..0x300u32).filter_map(char::from_u32).filter(|&c| c != ';').collect();
    all.push_str("€😀\u{2028}\u{FEFF}");
    let want: String = all.chars().filter(|c| !c.is_control()).collect();
    let at = |path: &str| CookieAttributes { path: path.into(), ..CookieAttributes::default() };
    let text = deletion("k", &at(&all));
    assert!(text.ends_with(&format!("; path={want}; SameSite=Lax")), "{text:?}");
    assert!(deletion("k", &at("/a;b")).contains("; path=/a; SameSite"));
    assert!(deletion("k", &at("\u{0}\u{85};/x")).contains("GMT; path=; SameSite"), "only controls: an empty path");
}
