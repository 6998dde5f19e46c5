//! The consent tables: GPC/DNT × explicit choice → state; state × call → stored? sent? buffered?;
//! what a `consent()` call changes; the remembered format.

use super::*;

fn settings(options: &str) -> ConsentSettings {
    ConsentSettings::parse(options)
}

const REQUIRED: &str = r#"{"consent":{"required":true,"categories":["Analytics"]}}"#;

#[test]
fn settings_parse_with_defaults_and_hostile_values() {
    let s = settings(r#"{"consent":{"required":true,"categories":["Analytics","Ads"],"preConsent":"drop","onDenied":"cookieless","honorDoNotTrack":true},"_env":{"gpc":true,"dnt":true}}"#);
    assert!(s.configured && s.required && s.gpc && s.dnt);
    assert_eq!(s.categories, ["Analytics", "Ads"]);
    assert_eq!((s.pre_consent, s.on_denied), (PreConsent::Drop, OnDenied::Cookieless));
    let none = settings("{}");
    assert!(!none.configured && !none.required && !none.gpc && !none.dnt);
    assert_eq!((none.pre_consent, none.on_denied), (PreConsent::Buffer, OnDenied::Drop));
    // GPC is honoured by default, DNT only when asked.
    assert!(settings(r#"{"_env":{"gpc":true,"dnt":true}}"#).gpc);
    assert!(!settings(r#"{"_env":{"gpc":true,"dnt":true}}"#).dnt);
    assert!(!settings(r#"{"consent":{"honorGlobalPrivacyControl":false},"_env":{"gpc":true}}"#).gpc);
    for hostile in ["", "null", "[", r#"{"consent":null}"#, r#"{"consent":"yes"}"#, r#"{"consent":{"categories":"Analytics","required":"true"}}"#,
        r#"{"consent":{"categories":[1,null,{"a":"b"},"ok"]}}"#, r#"{"_env":{"gpc":"true"}}"#] {
        let s = settings(hostile);
        assert!(!s.required && !s.gpc, "{hostile}");
        assert!(s.categories.iter().all(|c| c == "ok"), "{hostile}");
    }
}

#[test]
fn privacy_signal_by_explicit_choice_gives_state() {
    let granted = Some(Choice { granted: true, preferences: r#"{"Analytics":true}"#.into() });
    let denied = Some(Choice { granted: false, preferences: r#"{"Analytics":false}"#.into() });
    // (gpc, dnt, required, choice, state)
    let table: &[(bool, bool, bool, &Option<Choice>, State)] = &[
        (false, false, false, &None, State::Granted),
        (false, false, true, &None, State::Pending),
        (true, false, false, &None, State::Denied),
        (true, false, true, &None, State::Denied),
        (false, true, false, &None, State::Denied),
        (true, true, true, &granted, State::Granted),
        (true, false, false, &granted, State::Granted),
        (false, false, false, &denied, State::Denied),
        (false, false, true, &denied, State::Denied),
        (true, true, true, &denied, State::Denied),
    ];
    for (gpc, dnt, required, choice, want) in table {
        let s = ConsentSettings { gpc: *gpc, dnt: *dnt, required: *required, ..settings("{}") };
        assert_eq!(decide(&s, choice.as_ref()), *want, "gpc {gpc} dnt {dnt} required {required} choice {choice:?}");
    }
}

#[test]
fn state_by_call_gives_stored_sent_buffered() {
    // (state, preConsent, onDenied, stored?, sent?, route)
    use OnDenied::*;
    use PreConsent::Buffer as Buf;
    let table: &[(State, PreConsent, OnDenied, bool, bool, Route)] = &[
        (State::Granted, Buf, Drop, true, true, Route::Queue),
        (State::Granted, PreConsent::Drop, Cookieless, true, true, Route::Queue),
        (State::Pending, Buf, Drop, false, false, Route::Buffer),
        (State::Pending, Buf, Cookieless, false, false, Route::Buffer),
        (State::Pending, PreConsent::Drop, Drop, false, false, Route::Drop),
        (State::Denied, Buf, Drop, false, false, Route::Drop),
        (State::Denied, Buf, Cookieless, false, true, Route::Queue),
    ];
    for (state, pre, denied, store, send, route) in table {
        let s = ConsentSettings { pre_consent: *pre, on_denied: *denied, ..settings("{}") };
        assert_eq!(effects(*state, &s), Effects { store: *store, send: *send, route: *route }, "{state:?} {pre:?} {denied:?}");
    }
}

#[test]
fn buffer_is_bounded_oldest_first_and_released_in_call_order_on_grant() {
    let mut consent = Consent::new(settings(REQUIRED), None);
    assert_eq!(consent.state(), State::Pending);
    for i in 0..BUFFER_LIMIT + 2 {
        let held = consent.hold(format!("m{i}"), format!(r#"{{"messageId":"m{i}","context":{{"page":{{"path":"/p{i}"}}}}}}"#));
        let evicted = (i >= BUFFER_LIMIT).then(|| format!("m{}", i - BUFFER_LIMIT));
        assert_eq!(held, Held::Buffered { evicted }, "call {i}");
    }
    assert_eq!(consent.buffered(), BUFFER_LIMIT);
    let change = consent.choose(r#"{"Analytics":true}"#).unwrap();
    assert_eq!((change.before, change.after, change.erase, change.announce, change.opened), (State::Pending, State::Granted, false, true, true));
    let ids: Vec<&str> = change.release.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"m2"));
    assert_eq!(ids.last().map(|s| s.to_string()), Some(format!("m{}", BUFFER_LIMIT + 1)));
    let body = &change.release[0].1;
    assert_eq!(json::get(body, "context").and_then(|c| json::get(c, "page")), Some(r#"{"path":"/p2"}"#));
    assert_eq!(json::get(json::get(body, "context").unwrap(), "consent"), Some(r#"{"categoryPreferences":{"Analytics":true}}"#));
    assert_eq!(consent.buffered(), 0);
    // Granted now: calls are queued (the tracker stamped them when it built them).
    assert_eq!(consent.hold("n".into(), "{}".into()), Held::Queue("n".into(), "{}".into()));
}

#[test]
fn consent_calls_change_state_both_ways() {
    // (given, before → after, erase, announce, remembered text)
    let mut consent = Consent::new(settings(r#"{"consent":{"required":true,"categories":["Analytics","Ads"]}}"#), None);
    consent.hold("b".into(), "{}".into());
    let table: &[(&str, State, State, bool, bool, &str)] = &[
        (r#"{"Analytics":true}"#, State::Pending, State::Denied, true, false, r#"d{"Analytics":true}"#),
        (r#"{"Ads":true}"#, State::Denied, State::Granted, false, true, r#"g{"Analytics":true,"Ads":true}"#),
        (r#"{"Ads":true}"#, State::Granted, State::Granted, false, false, r#"g{"Analytics":true,"Ads":true}"#),
        (r#"{"Ads":"yes"}"#, State::Granted, State::Denied, true, false, r#"d{"Analytics":true,"Ads":false}"#),
        (r#""granted""#, State::Denied, State::Granted, false, true, r#"g{"Analytics":true,"Ads":true}"#),
        (r#""denied""#, State::Granted, State::Denied, true, false, r#"d{"Analytics":false,"Ads":false}"#),
    ];
    for (given, before, after, erase, announce, remember) in table {
        let change = consent.choose(given).unwrap();
        assert_eq!(change.opened, *before != State::Granted && *after == State::Granted, "{given}: opened");
        assert_eq!((change.before, change.after, change.erase, change.announce), (*before, *after, *erase, *announce), "{given}");
        assert_eq!(change.remember, *remember, "{given}");
        assert!(change.release.is_empty(), "the pending call was discarded by the first denial: {given}");
    }
    for hostile in ["", "null", "1", r#""maybe""#, "[true]", "{", r#"{"a":true"#] {
        assert_eq!(consent.choose(hostile), None, "{hostile}");
    }
    assert_eq!(consent.state(), State::Denied);
}

#[test]
fn denial_while_pending_discards_the_buffer() {
    let mut consent = Consent::new(settings(REQUIRED), None);
    consent.hold("a".into(), "{}".into());
    let change = consent.choose(r#""denied""#).unwrap();
    assert!(change.release.is_empty() && change.erase && !change.announce && !change.opened);
    assert!(consent.erases_on_load());
    assert_eq!(consent.hold("b".into(), "{}".into()), Held::Dropped);
    let later = consent.choose(r#""granted""#).unwrap();
    assert!(later.release.is_empty(), "a discarded call never comes back");
}

#[test]
fn remembered_choice_is_read_first_and_survives_round_trips() {
    let categories = vec!["Analytics".to_string()];
    for given in [r#""granted""#, r#""denied""#, r#"{"Analytics":true,"Ads":false}"#, r#"{"Analytics":false,"x y;=,\"":true}"#] {
        let chosen = choice::given(given, &categories, None).unwrap();
        let text = choice::encode(&chosen);
        assert_eq!(choice::decode(&text, &categories), Some(chosen), "{given}");
    }
    // A grant that does not cover a category the site added later asks again.
    let old = choice::encode(&choice::given(r#""granted""#, &categories, None).unwrap());
    assert_eq!(choice::decode(&old, &["Analytics".into(), "Ads".into()]), None);
    assert_eq!(Consent::new(settings(r#"{"consent":{"required":true,"categories":["Analytics","Ads"]}}"#), Some(&old)).state(), State::Pending);
    assert_eq!(Consent::new(settings(REQUIRED), Some(&old)).state(), State::Granted);
    // A remembered grant wins over GPC (the visitor chose); a remembered denial over `required: false`.
    let gpc = r#"{"consent":{"categories":["Analytics"]},"_env":{"gpc":true}}"#;
    assert_eq!(Consent::new(settings(gpc), Some(&old)).state(), State::Granted);
    assert_eq!(Consent::new(settings(gpc), None).state(), State::Denied);
    for hostile in ["", "g", "x{}", "G{}", "g%7B%7D", "g[]", "gnull", "d{", "\u{e9}{}"] {
        assert_eq!(choice::decode(hostile, &categories), None, "{hostile}");
    }
}

#[test]
fn events_carry_category_preferences_only_when_consent_is_in_play() {
    let plain = Consent::new(settings("{}"), None);
    assert_eq!(plain.stamp(r#"{"a":1}"#.into()), r#"{"a":1}"#);
    let configured = Consent::new(settings(r#"{"consent":{}}"#), None);
    assert_eq!(configured.stamp(r#"{"context":{"ip":"1"}}"#.into()), r#"{"context":{"ip":"1","consent":{"categoryPreferences":{}}}}"#);
    let mut chosen = Consent::new(settings("{}"), None);
    chosen.choose(r#"{"Ads":false}"#).unwrap();
    assert_eq!(chosen.state(), State::Denied);
    assert_eq!(
        chosen.stamp(r#"{"context":{"consent":{"source":"cmp","categoryPreferences":1}}}"#.into()),
        r#"{"context":{"consent":{"source":"cmp","categoryPreferences":{"Ads":false}}}}"#
    );
}

#[test]
fn a_denial_erases_every_identity_and_queue_key_but_the_choice() {
    for key in ["ajs_anonymous_id", "ajs_user_id", "ajs_user_traits", "ajs_group_properties", "ajs_user", "_sio",
        "wa:q:v2:wk:tab:m", "wa:queue:v1:wk:tab", "wa:alive:v1:wk:tab", "wa:adopt:v1:wk", "wa:snippet-calls:v1"] {
        assert!(is_erased(key), "{key}");
    }
    for key in [REMEMBER_KEY, "debug", "persisted-queue:v1:wk:dest", "_ga", "AJS_X", "xajs_"] {
        assert!(!is_erased(key), "{key}");
    }
}
