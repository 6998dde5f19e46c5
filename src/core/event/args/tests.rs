//! Host tests: every analytics.js argument form as one table row (kinds in, roles out).
//! Rows marked "ajs test" mirror `arguments-resolver/__tests__/index.test.ts` in analytics-next;
//! rows marked "reference" are the forms listed in analytics-js-behaviour.md §2–3.

use super::*;

/// Renders a resolution compactly: `id=0 prev=1 event=0 obj cat=0 name=1 props=1 opts=2 cb=3
/// warn=[…] drop=…`, only the parts present.
fn show(r: &Resolved) -> String {
    let mut parts: Vec<String> = Vec::new();
    let roles = [("id", r.id), ("prev", r.previous_id), ("event", r.event)];
    for (label, index) in roles {
        if let Some(i) = index {
            parts.push(format!("{label}={i}"));
        }
    }
    if r.event_object {
        parts.push("obj".into());
    }
    let roles = [
        ("cat", r.category),
        ("name", r.name),
        ("props", r.properties),
        ("opts", r.options),
        ("cb", r.callback),
    ];
    for (label, index) in roles {
        if let Some(i) = index {
            parts.push(format!("{label}={i}"));
        }
    }
    if !r.warnings.is_empty() {
        let names: Vec<String> = r.warnings.iter().map(|w| format!("{w:?}")).collect();
        parts.push(format!("warn=[{}]", names.join(",")));
    }
    if let Some(d) = r.drop {
        parts.push(format!("drop={d:?}"));
    }
    parts.join(" ")
}

fn check(method: Method, table: &[(&str, &str, &str)]) {
    let mut failures = Vec::new();
    for &(call, kinds, want) in table {
        let got = show(&resolve(method, kinds));
        if got != want {
            failures.push(format!("{method:?} {call} [{kinds}]: got `{got}`, want `{want}`"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

const IGNORED: &str = "warn=[ArgumentIgnored]";

#[test]
fn identify_forms() {
    let ignored = |s: &str| format!("{s} {IGNORED}");
    let (a, b, c, d, e, f) = (
        ignored("id=1"),
        ignored("id=0 props=2"),
        ignored("id=0 props=1 opts=2"),
        ignored("id=0 cb=1"),
        ignored("id=0"),
        ignored("props=0"),
    );
    check(
        Method::Identify,
        &[
            ("identify('u') reference", "s", "id=0"),
            ("identify('u',{t}) reference", "so", "id=0 props=1"),
            ("identify({t}) reference", "o", "props=0"),
            ("identify({t},{o}) reference", "oo", "props=0 opts=1"),
            ("identify(null,{t},{o},cb) reference", "xoof", "props=1 opts=2 cb=3"),
            ("identify(42) reference", "n", "id=0"),
            (
                "(id, traits, options, callback) ajs test",
                "soof",
                "id=0 props=1 opts=2 cb=3",
            ),
            ("(id, traits, callback) ajs test", "sof", "id=0 props=1 cb=2"),
            ("(id, callback) ajs test", "sf", "id=0 cb=1"),
            ("(traits, options, callback) ajs test", "oof", "props=0 opts=1 cb=2"),
            ("(traits, callback) ajs test", "of", "props=0 cb=1"),
            ("(id, null, options) ajs test", "sxo", "id=0 opts=2"),
            ("(id, traits) ajs test", "so", "id=0 props=1"),
            ("(undefined, traits) ajs test", "uo", "props=1"),
            ("(null, traits) ajs test", "xo", "props=1"),
            ("identify()", "", ""),
            ("identify(null)", "x", ""),
            ("identify(cb)", "f", "cb=0"),
            ("identify(42,{t})", "no", "id=0 props=1"),
            (
                "identify('u', undefined, {o}): undefined never fills a slot",
                "suo",
                "id=0 props=2",
            ),
            ("identify('u',{t},null,cb)", "soxf", "id=0 props=1 cb=3"),
            ("identify('u',null)", "sx", "id=0"),
            (
                "identify({t},'u'): the first string anywhere is the id",
                "os",
                "id=1 props=0",
            ),
            ("identify(1,'u'): a string beats a number", "ns", &a),
            ("identify('u',[1],{t})", "s?o", &b),
            ("identify('u',{t},{o},{x})", "sooo", &c),
            ("identify('u',cb,cb2)", "sff", &d),
            ("identify('u','v')", "ss", &e),
            ("identify(true)", "?", IGNORED),
            ("identify({t}, BigInt)", "o?", &f),
            ("unknown kind letter counts as other", "sZ", &e),
        ],
    );
}

#[test]
fn group_uses_the_identify_forms() {
    check(
        Method::Group,
        &[
            ("group('g')", "s", "id=0"),
            ("group('g',{plan})", "so", "id=0 props=1"),
            ("group({plan})", "o", "props=0"),
            ("group(7,{t},{o},cb)", "noof", "id=0 props=1 opts=2 cb=3"),
            ("group(null,{t})", "xo", "props=1"),
        ],
    );
}

#[test]
fn track_forms() {
    let props_warn = "warn=[PropertiesNotObject]";
    let opts_warn = "warn=[OptionsNotObject]";
    let rows: Vec<(&str, &str, String)> = vec![
        ("track('e')", "s", "event=0".into()),
        ("track('e',{p})", "so", "event=0 props=1".into()),
        ("track('e',{p},{o})", "soo", "event=0 props=1 opts=2".into()),
        (
            "resolves all args ajs test",
            "soof",
            "event=0 props=1 opts=2 cb=3".into(),
        ),
        ("event, props, callback ajs test", "sof", "event=0 props=1 cb=2".into()),
        ("event, callback ajs test", "sf", "event=0 cb=1".into()),
        (
            "options set if properties undefined ajs test",
            "suo",
            "event=0 opts=2".into(),
        ),
        ("track('e',null,{o})", "sxo", "event=0 opts=2".into()),
        ("track('e',cb,{o})", "sfo", "event=0 opts=2 cb=1".into()),
        ("track('e',{p},null,cb)", "soxf", "event=0 props=1 cb=3".into()),
        (
            "event object: all args ajs test",
            "oof",
            "event=0 obj opts=1 cb=2".into(),
        ),
        (
            "event object: event, options ajs test",
            "oo",
            "event=0 obj opts=1".into(),
        ),
        (
            "event object: event, callback ajs test",
            "of",
            "event=0 obj cb=1".into(),
        ),
        ("event object alone", "o", "event=0 obj".into()),
        (
            "track({e},cb,{o}): options fall back to args[2]",
            "ofo",
            "event=0 obj opts=2 cb=1".into(),
        ),
        ("track()", "", "drop=EventMissing".into()),
        ("track(null)", "x", "drop=EventMissing".into()),
        ("track(undefined,{p})", "uo", "props=1 drop=EventMissing".into()),
        (
            "track(42): numbers are not event names",
            "n",
            "drop=EventMissing".into(),
        ),
        ("track(['e'])", "?", "drop=EventMissing".into()),
        (
            "track(cb): the callback still fires",
            "f",
            "cb=0 drop=EventMissing".into(),
        ),
        ("track('e','props')", "ss", format!("event=0 {props_warn}")),
        ("track('e',42)", "sn", format!("event=0 {props_warn}")),
        ("track('e',[1],{o})", "s?o", format!("event=0 opts=2 {props_warn}")),
        ("track('e',{p},'opts')", "sos", format!("event=0 props=1 {opts_warn}")),
        (
            "track('e',{p},true,cb)",
            "so?f",
            format!("event=0 props=1 cb=3 {opts_warn}"),
        ),
        ("track({e},'opts')", "os", format!("event=0 obj {opts_warn}")),
        (
            "track('e',{p},{o},cb,{x}): a fifth argument",
            "soofo",
            format!("event=0 props=1 opts=2 cb=3 {IGNORED}"),
        ),
        (
            "track('e',{p},{o},{x})",
            "sooo",
            format!("event=0 props=1 opts=2 {IGNORED}"),
        ),
    ];
    let table: Vec<(&str, &str, &str)> = rows.iter().map(|(a, b, c)| (*a, *b, c.as_str())).collect();
    check(Method::Track, &table);
}

#[test]
fn page_forms() {
    let rows: Vec<(&str, &str, String)> = vec![
        ("page() reference", "", "".into()),
        ("page('Name') reference", "s", "name=0".into()),
        ("page('Cat','Name') reference", "ss", "cat=0 name=1".into()),
        ("page({p}) reference", "o", "props=0".into()),
        ("page({p},{o}) reference", "oo", "props=0 opts=1".into()),
        ("page('Name',{p},{o}) reference", "soo", "name=0 props=1 opts=2".into()),
        (
            "page('Cat','Name',{p},{o},cb) reference",
            "ssoof",
            "cat=0 name=1 props=2 opts=3 cb=4".into(),
        ),
        (
            "empty strings ('', '', null, {integrations}) ajs test",
            "ssxo",
            "cat=0 name=1 opts=3".into(),
        ),
        (
            "(category, name, properties, callback) ajs test",
            "ssof",
            "cat=0 name=1 props=2 cb=3".into(),
        ),
        ("(category, name, callback) ajs test", "ssf", "cat=0 name=1 cb=2".into()),
        (
            "(name, properties, options, callback) ajs test",
            "soof",
            "name=0 props=1 opts=2 cb=3".into(),
        ),
        (
            "(name, properties, callback) ajs test",
            "sof",
            "name=0 props=1 cb=2".into(),
        ),
        ("(name, callback) ajs test", "sf", "name=0 cb=1".into()),
        (
            "(properties, options, callback) ajs test",
            "oof",
            "props=0 opts=1 cb=2".into(),
        ),
        ("(properties, callback) ajs test", "of", "props=0 cb=1".into()),
        ("page(null,{p}): no name, so null fills no slot", "xo", "props=1".into()),
        (
            "page('Name',null,{o}): a name, so null is the properties",
            "sxo",
            "name=0 opts=2".into(),
        ),
        ("page(undefined,'Name',{p})", "uso", "name=1 props=2".into()),
        ("page({p},'Name')", "os", "name=1 props=0".into()),
        (
            "page('Cat','Name',undefined,{o})",
            "ssuo",
            "cat=0 name=1 props=3".into(),
        ),
        ("page('a','b','c')", "sss", format!("cat=0 name=1 {IGNORED}")),
        (
            "page(42,'Name'): numbers are not names",
            "ns",
            format!("name=1 {IGNORED}"),
        ),
        ("page(42)", "n", IGNORED.into()),
        (
            "page('C','N',{p},{o},{x},cb): only five arguments",
            "ssooof",
            format!("cat=0 name=1 props=2 opts=3 {IGNORED}"),
        ),
        ("page(true,{p})", "?o", format!("props=1 {IGNORED}")),
    ];
    let table: Vec<(&str, &str, &str)> = rows.iter().map(|(a, b, c)| (*a, *b, c.as_str())).collect();
    check(Method::Page, &table);
    check(Method::Screen, &table);
}

#[test]
fn alias_forms() {
    let rows: Vec<(&str, &str, String)> = vec![
        ("alias('to') reference", "s", "id=0".into()),
        ("alias('to','from') reference", "ss", "id=0 prev=1".into()),
        ("alias(1, 2) reference", "nn", "id=0 prev=1".into()),
        (
            "(to, from, options, callback) ajs test",
            "ssof",
            "id=0 prev=1 opts=2 cb=3".into(),
        ),
        ("(to, options, callback) ajs test", "sof", "id=0 opts=1 cb=2".into()),
        ("(to, callback) ajs test", "sf", "id=0 cb=1".into()),
        ("(to, from, callback) ajs test", "ssf", "id=0 prev=1 cb=2".into()),
        ("alias(): falls back to the stored id", "", "".into()),
        ("alias(null,'x'): the first string is `to`", "xs", "id=1".into()),
        ("alias({o})", "o", "opts=0".into()),
        ("alias(1,'from')", "ns", "id=0 prev=1".into()),
        (
            "alias('to','from',3): numbers count only in the first two places",
            "ssn",
            format!("id=0 prev=1 {IGNORED}"),
        ),
        (
            "alias('to','from',{o},{x})",
            "ssoo",
            format!("id=0 prev=1 opts=2 {IGNORED}"),
        ),
        ("alias([1],'to')", "?s", format!("id=1 {IGNORED}")),
        ("alias('a','b','c')", "sss", format!("id=0 prev=1 {IGNORED}")),
    ];
    let table: Vec<(&str, &str, &str)> = rows.iter().map(|(a, b, c)| (*a, *b, c.as_str())).collect();
    check(Method::Alias, &table);
}

#[test]
fn long_argument_lists_do_not_panic() {
    let kinds = "o".repeat(300);
    let r = resolve(Method::Identify, &kinds);
    assert_eq!(show(&r), format!("props=0 opts=1 {IGNORED}"));
    assert_eq!(
        show(&resolve(Method::Track, &"s".repeat(300))),
        "event=0 warn=[ArgumentIgnored,PropertiesNotObject,OptionsNotObject]"
    );
}

#[test]
fn text_reads_the_argument_of_a_role() {
    let args = ["u", r#"{"a":1}"#];
    let r = resolve(Method::Identify, "so");
    assert_eq!(Resolved::text(r.id, &args), Some("u"));
    assert_eq!(Resolved::text(r.properties, &args), Some(r#"{"a":1}"#));
    assert_eq!(Resolved::text(r.options, &args), None);
    assert_eq!(Resolved::text(Some(9), &args), None);
}

#[test]
fn method_names_table() {
    let rows: &[(&str, Option<Method>)] = &[
        ("track", Some(Method::Track)),
        ("page", Some(Method::Page)),
        ("screen", Some(Method::Screen)),
        ("identify", Some(Method::Identify)),
        ("group", Some(Method::Group)),
        ("alias", Some(Method::Alias)),
        ("Track", None),
        ("pageview", None),
        ("reset", None),
        ("", None),
        ("track ", None),
    ];
    for (name, want) in rows {
        assert_eq!(Method::from_name(name), *want, "{name:?}");
    }
}

#[test]
fn method_names_round_trip() {
    let names = ["track", "page", "screen", "identify", "group", "alias"];
    for name in names {
        let method = Method::from_name(name).unwrap();
        assert_eq!(method.name(), name);
    }
    assert_eq!(Method::from_name("Track"), None);
}
