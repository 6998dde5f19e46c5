//! The transition table. Each row: name, init options JSON, initial raw store contents,
//! steps with their expected results ("" for writes, "∅" for none), raw contents afterwards.

use super::*;

const A: &str = "ajs_anonymous_id";
const UID: &str = "ajs_user_id";
const UT: &str = "ajs_user_traits";
const GID: &str = "ajs_group_id";
const GP: &str = "ajs_group_properties";
const U1Q: &str = "\"00010203-0405-4607-8809-0a0b0c0d0e0f\"";

#[test]
#[rustfmt::skip]
fn anonymous_id_lifecycle() {
    check(&[
        ("first visit makes one id, in cookie (bare) and localStorage (JSON)", "{}", &[],
            &[(Anon, U1), (Anon, U1)], &[(C, A, Some(U1)), (L, A, Some(U1Q))]),
        ("a later visit keeps the id", "{}", &[],
            &[(Anon, U1), (Reload, ""), (Anon, U1)], &[(C, A, Some(U1))]),
        ("cookie cleared: restored from localStorage with the same id", "{}", &[],
            &[(Anon, U1), (Clear(C), ""), (Reload, ""), (Anon, U1)], &[(C, A, Some(U1))]),
        ("localStorage cleared: restored from the cookie", "{}", &[],
            &[(Anon, U1), (Clear(L), ""), (Reload, ""), (Anon, U1)], &[(L, A, Some(U1Q))]),
        ("both cleared: a new id", "{}", &[],
            &[(Anon, U1), (Clear(C), ""), (Clear(L), ""), (Reload, ""), (Anon, U2)], &[(C, A, Some(U2))]),
        ("disagreement: the cookie wins and localStorage is re-synced", "{}", &[(C, A, "c-id"), (L, A, "\"l-id\"")],
            &[(Anon, "c-id")], &[(C, A, Some("c-id")), (L, A, Some("\"c-id\""))]),
        ("disagreement with cookie-first priority: the cookie wins", r#"{"storage":{"stores":["cookie","localStorage","memory"]}}"#,
            &[(C, A, "c-id"), (L, A, "\"l-id\"")], &[(Anon, "c-id")], &[(L, A, Some("\"c-id\""))]),
        ("an empty cookie counts as absent", "{}", &[(C, A, ""), (L, A, "\"l-id\"")],
            &[(Anon, "l-id")], &[(C, A, Some("l-id"))]),
        ("localStorage null counts as absent", "{}", &[(L, A, "null")],
            &[(Anon, U1)], &[(L, A, Some(U1Q))]),
        ("another tab changed the cookie: it wins on the next read", "{}", &[],
            &[(Anon, U1), (Put(C, A, "other"), ""), (Anon, "other")], &[(L, A, Some("\"other\""))]),
        ("setAnonymousId persists and survives a reload", "{}", &[],
            &[(Anon, U1), (SetAnon(Some("fixed")), "fixed"), (Reload, ""), (Anon, "fixed")],
            &[(C, A, Some("fixed")), (L, A, Some("\"fixed\""))]),
        ("anonymousId(null) forgets it everywhere", "{}", &[],
            &[(Anon, U1), (SetAnon(None), "∅")], &[(C, A, None), (L, A, None)]),
        ("after forgetting, the next read makes a new id", "{}", &[],
            &[(Anon, U1), (SetAnon(None), "∅"), (Anon, U2)], &[(C, A, Some(U2))]),
        ("setAnonymousId(\"\") forgets like null", "{}", &[(C, A, "x")],
            &[(SetAnon(Some("")), "∅"), (Anon, U1)], &[]),
        ("another tab's reset is respected: memory does not bring the id back", "{}", &[],
            &[(Anon, U1), (Clear(C), ""), (Clear(L), ""), (Anon, U2)], &[(C, A, Some(U2)), (L, A, Some("\"10111213-1415-4617-9819-1a1b1c1d1e1f\""))]),
        ("another tab's logout is respected: the user id is gone here too", "{}", &[],
            &[(Identify(Some("u"), None), ""), (UserId, "u"), (Clear(C), ""), (Clear(L), ""), (UserId, "∅")], &[]),
        ("with both stores blocked, memory keeps the page's id", "{}", &[],
            &[(Block(C), ""), (Block(L), ""), (Anon, U1), (Clear(C), ""), (Clear(L), ""), (Anon, U1)], &[]),
        ("with cookies blocked, localStorage is the source: clearing it gives a new id", "{}", &[],
            &[(Block(C), ""), (Anon, U1), (Clear(L), ""), (Anon, U2)], &[]),
    ]);
}

#[test]
#[rustfmt::skip]
fn legacy_formats_are_adopted_and_migrated() {
    check(&[
        ("1.0 JSON-quoted cookie reads bare and is rewritten bare", "{}", &[(C, A, "%22abc%22")],
            &[(Anon, "abc")], &[(C, A, Some("abc")), (L, A, Some("\"abc\""))]),
        ("1.0 numeric user id cookie reads as a string", "{}", &[(C, UID, "123")],
            &[(UserId, "123")], &[(C, UID, Some("123")), (L, UID, Some("\"123\""))]),
        ("ajs_user object cookie gives id and traits", "{}", &[(C, "ajs_user", "{%22id%22:%22u%22%2C%22traits%22:{%22a%22:1}}")],
            &[(UserId, "u"), (Traits, r#"{"a":1}"#)], &[(C, UID, Some("u")), (L, UT, Some(r#"{"a":1}"#))]),
        ("ajs_user is ignored when ajs_user_id exists", "{}", &[(C, UID, "v"), (C, "ajs_user", "%22u%22")],
            &[(UserId, "v")], &[]),
        ("_sio cookie gives the anonymousId", "{}", &[(C, "_sio", "anon1----user1")],
            &[(Anon, "anon1")], &[(C, A, Some("anon1")), (L, A, Some("\"anon1\""))]),
        ("reset removes legacy cookies so they are not adopted again", "{}",
            &[(C, "ajs_user", "%22u%22"), (C, "_sio", "anon1----u")],
            &[(UserId, "u"), (Anon, "anon1"), (Reset, ""), (Reload, ""), (UserId, "∅"), (Anon, U1)],
            &[(C, "ajs_user", None), (C, "_sio", None)]),
        ("2.0 cookie and localStorage are adopted as they are", "{}", &[(C, A, "39ee"), (L, A, "\"39ee\""), (C, UID, "u"), (L, UID, "\"u\"")],
            &[(Anon, "39ee"), (UserId, "u")], &[]),
    ]);
}

#[test]
#[rustfmt::skip]
fn identify_transitions() {
    check(&[
        ("identify stores the id in cookie + localStorage, traits in localStorage only", "{}", &[],
            &[(Anon, U1), (Identify(Some("u1"), Some(r#"{"x":1}"#)), ""), (UserId, "u1"), (Anon, U1), (Traits, r#"{"x":1}"#)],
            &[(C, UID, Some("u1")), (L, UID, Some("\"u1\"")), (L, UT, Some(r#"{"x":1}"#)), (C, UT, None)]),
        ("identify(traits) without an id merges into the current user", "{}", &[],
            &[(Identify(Some("a"), Some(r#"{"x":1}"#)), ""), (Identify(None, Some(r#"{"y":2}"#)), ""), (UserId, "a"), (Traits, r#"{"x":1,"y":2}"#)],
            &[(L, UT, Some(r#"{"x":1,"y":2}"#))]),
        ("identify with the same id merges, new values win", "{}", &[],
            &[(Identify(Some("a"), Some(r#"{"x":1}"#)), ""), (Identify(Some("a"), Some(r#"{"x":2,"z":3}"#)), ""), (Traits, r#"{"x":2,"z":3}"#)], &[]),
        ("identify as someone else replaces traits and starts a new anonymousId", "{}", &[],
            &[(Anon, U1), (Identify(Some("a"), Some(r#"{"x":1}"#)), ""), (Identify(Some("b"), Some(r#"{"y":2}"#)), ""),
              (UserId, "b"), (Traits, r#"{"y":2}"#), (Anon, U2)],
            &[(C, UID, Some("b")), (C, A, Some(U2))]),
        ("identify as someone else without traits clears them", "{}", &[],
            &[(Identify(Some("a"), Some(r#"{"x":1}"#)), ""), (Identify(Some("b"), None), ""), (Traits, "{}")], &[]),
        ("anonymous traits are kept when the visitor identifies", "{}", &[],
            &[(Anon, U1), (Identify(None, Some(r#"{"e":1}"#)), ""), (Identify(Some("a"), Some(r#"{"n":1}"#)), ""),
              (Traits, r#"{"e":1,"n":1}"#), (Anon, U1)], &[(C, UID, Some("a"))]),
        ("identify(\"\") keeps the current id", "{}", &[],
            &[(Identify(Some("a"), None), ""), (Identify(Some(""), Some(r#"{"y":2}"#)), ""), (UserId, "a"), (Traits, r#"{"y":2}"#)], &[]),
        ("non-object traits count as {}", "{}", &[],
            &[(Identify(Some("a"), Some("[1,2]")), ""), (Identify(Some("a"), Some("5")), ""), (Traits, "{}")], &[]),
        ("user().id(null) clears the id, keeps the anonymousId", "{}", &[],
            &[(Anon, U1), (SetUserId(Some("a")), ""), (SetUserId(None), ""), (UserId, "∅"), (Anon, U1)], &[(C, UID, None), (L, UID, None)]),
        ("user().id() switching between ids forgets the anonymousId", "{}", &[],
            &[(Anon, U1), (SetUserId(Some("a")), ""), (SetUserId(Some("b")), ""), (Anon, U2)], &[]),
        ("ids with ; = , spaces, newlines and unicode round-trip through the cookie", "{}", &[],
            &[(Identify(Some("a;b=c, d\nü🎉"), None), ""), (Clear(L), ""), (Reload, ""), (UserId, "a;b=c, d\nü🎉")],
            &[(C, UID, Some("a%3Bb=c%2C%20d%0A%C3%BC%F0%9F%8E%89"))]),
        ("ids analytics.js would misread round-trip too", "{}", &[],
            &[(Identify(Some("null"), None), ""), (Clear(L), ""), (Reload, ""), (UserId, "null")], &[(C, UID, Some("%22null%22"))]),
        ("custom user keys", r#"{"user":{"cookie":{"key":"uid"},"localStorage":{"key":"ut"}}}"#, &[],
            &[(Identify(Some("u"), Some(r#"{"a":1}"#)), ""), (UserId, "u")],
            &[(C, "uid", Some("u")), (L, "ut", Some(r#"{"a":1}"#)), (C, UID, None), (L, UT, None)]),
    ]);
}

#[test]
#[rustfmt::skip]
fn traits_group_and_reset() {
    check(&[
        ("traits(obj) replaces, traits(null) and traits({}) clear to {}", "{}", &[],
            &[(SetTraits(Some(r#"{"a":1}"#)), ""), (SetTraits(Some(r#"{"b":2}"#)), ""), (Traits, r#"{"b":2}"#), (SetTraits(None), ""), (Traits, "{}")],
            &[(L, UT, Some("{}"))]),
        ("traits({}) stores {}", "{}", &[], &[(SetTraits(Some("{}")), ""), (Traits, "{}")], &[(L, UT, Some("{}"))]),
        ("group stores id in cookie + localStorage, traits in localStorage only", "{}", &[],
            &[(Group(Some("g1"), Some(r#"{"plan":"pro"}"#)), ""), (GroupId, "g1"), (GroupTraits, r#"{"plan":"pro"}"#)],
            &[(C, GID, Some("g1")), (L, GID, Some("\"g1\"")), (L, GP, Some(r#"{"plan":"pro"}"#)), (C, GP, None)]),
        ("group merge and replace; a group switch keeps the anonymousId", "{}", &[],
            &[(Anon, U1), (Group(Some("g1"), Some(r#"{"a":1}"#)), ""), (Group(None, Some(r#"{"b":2}"#)), ""), (GroupTraits, r#"{"a":1,"b":2}"#),
              (Group(Some("g2"), Some(r#"{"c":3}"#)), ""), (GroupTraits, r#"{"c":3}"#), (Anon, U1)], &[]),
        ("reset removes every identity key everywhere", "{}", &[],
            &[(Anon, U1), (Identify(Some("u"), Some(r#"{"x":1}"#)), ""), (Group(Some("g"), Some(r#"{"p":1}"#)), ""), (Reset, ""),
              (UserId, "∅"), (Traits, "{}"), (GroupId, "∅"), (GroupTraits, "{}")],
            &[(C, A, None), (C, UID, None), (C, GID, None), (L, A, None), (L, UID, None), (L, UT, None), (L, GID, None), (L, GP, None)]),
        ("after reset the next read makes a new anonymousId", "{}", &[],
            &[(Anon, U1), (Reset, ""), (Anon, U2)], &[(C, A, Some(U2))]),
    ]);
}

#[test]
#[rustfmt::skip]
fn store_options_and_failures() {
    check(&[
        ("localStorageFallbackDisabled keeps the user out of localStorage", r#"{"user":{"localStorageFallbackDisabled":true}}"#, &[],
            &[(Anon, U1), (Identify(Some("u"), Some(r#"{"a":1}"#)), ""), (Traits, r#"{"a":1}"#)],
            &[(C, A, Some(U1)), (C, UID, Some("u")), (L, A, None), (L, UID, None), (L, UT, None)]),
        ("disableClientPersistence: memory only, stable within the page, new after reload", r#"{"disableClientPersistence":true}"#, &[(C, A, "old")],
            &[(Anon, U1), (Identify(Some("u"), None), ""), (Anon, U1), (Reload, ""), (Anon, U2), (UserId, "∅")],
            &[(C, A, Some("old")), (C, UID, None), (L, A, None)]),
        ("cookies blocked: localStorage keeps the id across reloads", "{}", &[],
            &[(Block(C), ""), (Anon, U1), (Reload, ""), (Anon, U1)], &[(L, A, Some(U1Q))]),
        ("both blocked: stable within the page, new after reload", "{}", &[],
            &[(Block(C), ""), (Block(L), ""), (Anon, U1), (Anon, U1), (Reload, ""), (Anon, U2)], &[]),
        ("cookie-only store list: traits live in memory", r#"{"storage":{"stores":["cookie"]}}"#, &[],
            &[(Anon, U1), (SetTraits(Some(r#"{"a":1}"#)), ""), (Traits, r#"{"a":1}"#)], &[(C, A, Some(U1)), (L, A, None), (L, UT, None)]),
        ("a cookie-only store list reads the cookie even when localStorage disagrees", r#"{"storage":{"stores":["cookie"]}}"#,
            &[(C, A, "c"), (L, A, "\"l\"")], &[(Anon, "c")], &[(L, A, Some("\"l\""))]),
    ]);
}

#[test]
#[rustfmt::skip]
fn cookies_are_written_only_when_needed() {
    check(&[
        ("reads rewrite the cookie once per page (rolling expiry), then only on change", "{}", &[],
            &[(Anon, U1), (CookieWrites, "1"), (Anon, U1), (Anon, U1), (CookieWrites, "0"),
              (Reload, ""), (Anon, U1), (CookieWrites, "1"), (Anon, U1), (CookieWrites, "0"),
              (Put(C, A, "x"), ""), (Anon, "x"), (CookieWrites, "0"), (Clear(C), ""), (Anon, "x"), (CookieWrites, "1")], &[]),
        ("identify with the same id again writes no cookie", "{}", &[],
            &[(Identify(Some("u"), None), ""), (CookieWrites, "1"), (Identify(Some("u"), Some(r#"{"a":1}"#)), ""), (UserId, "u"), (CookieWrites, "0")], &[]),
        ("a 1.0 cookie is rewritten even after the page's refresh", "{}", &[],
            &[(Anon, U1), (CookieWrites, "1"), (Put(C, A, "%22q%22"), ""), (Anon, "q"), (CookieWrites, "1")], &[(C, A, Some("q"))]),
    ]);
}

const SERVER: &str = r#"{"cookie":{"serverManaged":true}}"#;

/// `cookie.serverManaged` × server cookie present → what the script writes and reports.
#[test]
#[rustfmt::skip]
fn server_managed_id_cookie() {
    check(&[
        ("server cookie present: adopted, mirrored to localStorage, the cookie never written, nothing to report", SERVER,
            &[(C, A, "srv-id")],
            &[(Anon, "srv-id"), (Reload, ""), (Anon, "srv-id"), (ServerId, "∅"), (CookieWrites, "0")],
            &[(C, A, Some("srv-id")), (L, A, Some("\"srv-id\""))]),
        ("server cookie present, localStorage disagrees: the server's id wins", SERVER,
            &[(C, A, "srv-id"), (L, A, "\"old\"")],
            &[(Anon, "srv-id"), (CookieWrites, "0")], &[(L, A, Some("\"srv-id\""))]),
        ("no server cookie: the id lives in localStorage, the cookie is not written, the id is reported", SERVER, &[],
            &[(Anon, U1), (ServerId, U1), (CookieWrites, "0"), (Reload, ""), (Anon, U1), (ServerId, U1)],
            &[(C, A, None), (L, A, Some(U1Q))]),
        ("localStorage-only id, then the server adopts it: nothing more to report", SERVER, &[(L, A, "\"ls-id\"")],
            &[(ServerId, "ls-id"), (Put(C, A, "ls-id"), ""), (ServerId, "∅"), (Anon, "ls-id"), (CookieWrites, "0")], &[]),
        ("the user id cookie is still the script's", SERVER, &[],
            &[(SetUserId(Some("u")), ""), (CookieWrites, "1")], &[(C, UID, Some("u"))]),
        ("reset removes the server's cookie (the next page response sets a new one)", SERVER, &[(C, A, "srv-id")],
            &[(Anon, "srv-id"), (Reset, ""), (CookieWrites, "0")], &[(C, A, None), (L, A, None)]),
        ("without serverManaged the script writes the cookie", "{}", &[(L, A, "\"ls-id\"")],
            &[(Anon, "ls-id"), (ServerId, "∅"), (CookieWrites, "1")], &[(C, A, Some("ls-id"))]),
    ]);
}
