//! Table tests: options JSON text → identity settings.

use super::*;
use StoreKind::{Cookie, LocalStorage, Memory};

#[test]
fn defaults_match_analytics_js() {
    for options in ["{}", "", "null", "[]", "{\"cookie\":null,\"storage\":7}", "not json"] {
        let s = IdentitySettings::parse(options);
        assert_eq!(s.cookie, CookieAttributes::default(), "{options}");
        assert_eq!(s.cookie.path, "/");
        assert_eq!(s.cookie.same_site, "Lax");
        assert_eq!(s.cookie_max_age_ms, 365.0 * 86_400_000.0);
        assert_eq!(s.stores, vec![LocalStorage, Cookie, Memory]);
        assert_eq!(
            s.user,
            RoleSettings { id_key: "ajs_user_id".into(), traits_key: "ajs_user_traits".into(), local_storage: true }
        );
        assert_eq!(
            s.group,
            RoleSettings {
                id_key: "ajs_group_id".into(),
                traits_key: "ajs_group_properties".into(),
                local_storage: true
            }
        );
    }
}

#[test]
fn store_priority_table() {
    let table: &[(&str, &[StoreKind])] = &[
        (r#"{"storage":{"stores":["cookie","localStorage","memory"]}}"#, &[Cookie, LocalStorage, Memory]),
        (r#"{"storage":{"stores":["cookie"]}}"#, &[Cookie, Memory]),
        (r#"{"storage":{"stores":["memory","cookie"]}}"#, &[Memory, Cookie]),
        (r#"{"storage":{"stores":[ "localStorage" , "cookie" ]}}"#, &[LocalStorage, Cookie, Memory]),
        (r#"{"storage":{"stores":["cookie","cookie"]}}"#, &[Cookie, Memory]),
        (r#"{"storage":{"stores":[]}}"#, &[Memory]),
        // any unknown value ignores the whole option
        (r#"{"storage":{"stores":["cookie","sessionStorage"]}}"#, &[LocalStorage, Cookie, Memory]),
        (r#"{"storage":{"stores":["cookie",1]}}"#, &[LocalStorage, Cookie, Memory]),
        (r#"{"storage":{"stores":"cookie"}}"#, &[LocalStorage, Cookie, Memory]),
        (r#"{"storage":{"stores":["cookie,memory"]}}"#, &[LocalStorage, Cookie, Memory]),
        (r#"{"disableClientPersistence":true}"#, &[Memory]),
        (r#"{"disableClientPersistence":true,"storage":{"stores":["cookie"]}}"#, &[Memory]),
        (r#"{"disableClientPersistence":false}"#, &[LocalStorage, Cookie, Memory]),
    ];
    for (options, want) in table {
        assert_eq!(IdentitySettings::parse(options).stores, *want, "{options}");
    }
}

#[test]
fn cookie_options_table() {
    let day = 86_400_000.0;
    let table: &[(&str, Option<&str>, &str, &str, bool, f64)] = &[
        (r#"{"cookie":{"maxage":7}}"#, None, "/", "Lax", false, 7.0 * day),
        (r#"{"cookie":{"maxage":0.5}}"#, None, "/", "Lax", false, 0.5 * day),
        (r#"{"cookie":{"maxage":"7"}}"#, None, "/", "Lax", false, 365.0 * day),
        (r#"{"cookie":{"maxage":1e3}}"#, None, "/", "Lax", false, 365.0 * day),
        (
            r#"{"cookie":{"domain":"example.com","secure":true,"sameSite":"None"}}"#,
            Some("example.com"),
            "/",
            "None",
            true,
            365.0 * day,
        ),
        (r#"{"cookie":{"domain":"","path":"/app","secure":"yes"}}"#, None, "/app", "Lax", false, 365.0 * day),
    ];
    for &(options, domain, path, same_site, secure, max_age_ms) in table {
        let s = IdentitySettings::parse(options);
        assert_eq!(s.cookie.domain.as_deref(), domain, "{options}");
        assert_eq!(
            (s.cookie.path.as_str(), s.cookie.same_site.as_str(), s.cookie.secure),
            (path, same_site, secure),
            "{options}"
        );
        assert!((s.cookie_max_age_ms - max_age_ms).abs() < 1.0, "{options}: {}", s.cookie_max_age_ms);
    }
}

#[test]
fn role_options_table() {
    let s = IdentitySettings::parse(
        r#"{"user":{"localStorageFallbackDisabled":true,"cookie":{"key":"uid"},"localStorage":{"key":"utraits"}},
            "group":{"cookie":{"key":"gid"},"localStorage":{"key":""}}}"#,
    );
    assert_eq!(s.user, RoleSettings { id_key: "uid".into(), traits_key: "utraits".into(), local_storage: false });
    assert_eq!(
        s.group,
        RoleSettings { id_key: "gid".into(), traits_key: "ajs_group_properties".into(), local_storage: true }
    );
}

#[test]
fn decimal_parsing() {
    let table: &[(&str, Option<f64>)] = &[
        ("7", Some(7.0)),
        ("-1", Some(-1.0)),
        ("0.25", Some(0.25)),
        (" 30 ", Some(30.0)),
        ("", None),
        ("1e3", None),
        ("x", None),
        (".5", None),
        ("7.", Some(7.0)),
        ("1.2.3", None),
        ("-", None),
        ("--1", None),
        ("123456789", Some(123_456_789.0)),
        ("1234567890", None),
        ("0.000000000", Some(0.0)),
        ("0.1234567891", None),
    ];
    for (raw, want) in table {
        assert_eq!(parse_decimal(raw), *want, "{raw}");
    }
}

#[test]
fn the_queue_is_stored_where_identity_may_persist_and_storage_opens() {
    let rows: &[(&str, bool, StoreKind)] = &[
        ("{}", true, LocalStorage),
        ("{}", false, Memory),
        (r#"{"disableClientPersistence":true}"#, true, Memory),
        (r#"{"storage":{"stores":["cookie"]}}"#, true, Memory),
        (r#"{"storage":{"stores":["localStorage"]}}"#, true, LocalStorage),
        (r#"{"storage":{"stores":["localStorage"]}}"#, false, Memory),
        (r#"{"storage":{"stores":["memory"]}}"#, true, Memory),
    ];
    for (options, available, want) in rows {
        assert_eq!(IdentitySettings::parse(options).queue_store(*available), *want, "{options} available={available}");
    }
}
