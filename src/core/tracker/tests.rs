//! The call pipeline end to end on the host: argument texts in, persisted queue and request bodies out.

use super::*;
use crate::core::delivery::{Config, Mode, Outcome};
use crate::core::event::args::Warning;
use crate::core::random::CountingRandom;
use crate::core::time::REFERENCE;
use crate::core::load_options::LoadOptions;
use crate::core::identity::settings::IdentitySettings;
use crate::core::store::{MemoryStore, Store, StoreKind};
use std::cell::RefCell;
use std::rc::Rc;

/// A store the test keeps a handle to while the tracker owns it.
#[derive(Clone)]
struct Shared(Rc<RefCell<MemoryStore>>);

impl Store for Shared {
    fn kind(&self) -> StoreKind {
        StoreKind::LocalStorage
    }
    fn get(&self, key: &str) -> Option<String> {
        self.0.borrow().get(key)
    }
    fn set(&mut self, key: &str, raw: &str) -> bool {
        self.0.borrow_mut().set(key, raw)
    }
    fn remove(&mut self, key: &str) {
        self.0.borrow_mut().remove(key)
    }
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.0.borrow().keys_with_prefix(prefix)
    }
}

const NOW: f64 = 1_795_393_993_123.0;
const OPTIONS: &str = r#"{"writeKey":"wk","_env":{"userAgent":"UA","locale":"en-GB","timezone":"Europe/London"}}"#;
const PAGE: &str = r#"{"path":"/shop","referrer":"","search":"?utm_source=g","title":"Shop","url":"https://ex.com/shop?utm_source=g"}"#;

struct Page {
    tracker: Tracker,
    random: CountingRandom,
    identity_store: Shared,
}

fn page_load(queue: &Shared, identity_store: &Shared) -> Page {
    let settings = IdentitySettings::parse("{}");
    let identity = Identity::new(&settings, vec![Box::new(identity_store.clone())]);
    let config = Config { flush_interval_ms: 0.0, ..Config::DEFAULT };
    let env = LoadOptions::parse(OPTIONS).page.with_query_reader(|search| {
        assert_eq!(search, "?utm_source=g");
        r#"{"campaign":{"source":"g"}}"#.to_string()
    }).with_date_format(REFERENCE);
    let tracker = Tracker::new(env, identity, config, Box::new(queue.clone()), "tab-1", NOW);
    Page { tracker, random: CountingRandom::default(), identity_store: identity_store.clone() }
}

fn shared() -> Shared {
    Shared(Rc::new(RefCell::new(MemoryStore::new(StoreKind::LocalStorage))))
}

fn call(page: &mut Page, method: Method, kinds: &str, args: &[&str]) -> Result<String, DropReason> {
    page.tracker.build(method, kinds, args, PAGE, NOW, &mut page.random).map(|built| built.body)
}

/// The member `key` of the JSON object text `body` as compact JSON text, `<absent>` when missing.
/// Parsed with serde_json, not with the code under test (`core::json`); serde_json sorts keys.
fn field(body: &str, key: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    value.get(key).map_or_else(|| "<absent>".to_owned(), |member| member.to_string())
}

/// The JSON string text `quoted` (as [`field`] returns it) unquoted.
fn unquote(quoted: &str) -> String {
    serde_json::from_str::<String>(quoted).unwrap_or_else(|e| panic!("{e}: {quoted}"))
}

#[test]
fn track_builds_an_analytics_js_envelope_with_page_context() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    let body = call(&mut page, Method::Track, "so", &["Clicked", r#"{"plan":"pro"}"#]).unwrap();
    assert_eq!(field(&body, "type"), r#""track""#);
    assert_eq!(field(&body, "event"), r#""Clicked""#);
    assert_eq!(field(&body, "properties"), r#"{"plan":"pro"}"#);
    assert_eq!(field(&body, "userId"), "null");
    assert_eq!(field(&body, "writeKey"), r#""wk""#);
    let context = field(&body, "context");
    assert_eq!(field(&context, "userAgent"), r#""UA""#);
    assert_eq!(field(&context, "campaign"), r#"{"source":"g"}"#);
    let page_ctx = field(&context, "page");
    assert_eq!(field(&page_ctx, "url"), r#""https://ex.com/shop?utm_source=g""#);
    let anonymous_id = unquote(&field(&body, "anonymousId"));
    assert_eq!(page.tracker.identity.anonymous_id(&mut page.random), anonymous_id);
}

#[test]
fn identify_stores_traits_and_the_event_carries_all_of_them() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    call(&mut page, Method::Identify, "so", &["u1", r#"{"a":1}"#]).unwrap();
    let body = call(&mut page, Method::Identify, "o", &[r#"{"b":2}"#]).unwrap();
    assert_eq!(field(&body, "userId"), r#""u1""#);
    assert_eq!(field(&body, "traits"), r#"{"a":1,"b":2}"#);
    assert_eq!(ids.get("ajs_user_traits").as_deref(), Some(r#"{"a":1,"b":2}"#));
    let page2 = call(&mut page, Method::Track, "s", &["After"]).unwrap();
    assert_eq!(field(&page2, "userId"), r#""u1""#);
}

#[test]
fn options_anonymous_id_is_stored_before_the_event_is_built() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    let body = call(&mut page, Method::Track, "soo", &["x", "{}", r#"{"anonymousId":"fixed"}"#]).unwrap();
    assert_eq!(field(&body, "anonymousId"), r#""fixed""#);
    let later = call(&mut page, Method::Page, "", &[]).unwrap();
    assert_eq!(field(&later, "anonymousId"), r#""fixed""#);
    assert_eq!(page.identity_store.get("ajs_anonymous_id").as_deref(), Some(r#""fixed""#));
}

#[test]
fn calls_that_cannot_make_an_event_are_refused() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    assert_eq!(call(&mut page, Method::Track, "o", &["{}"]), Err(DropReason::EventMissing));
    assert_eq!(call(&mut page, Method::Track, "x", &[""]), Err(DropReason::EventMissing));
    let huge = format!(r#"{{"blob":"{}"}}"#, "x".repeat(40_000));
    assert_eq!(call(&mut page, Method::Track, "so", &["Big", &huge]), Err(DropReason::TooLarge));
}

#[test]
fn queued_events_are_persisted_before_sending_and_resent_after_a_reload() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    let body = call(&mut page, Method::Track, "s", &["Saved"]).unwrap();
    let message_id = field(&body, "messageId");
    page.tracker.enqueue(body, NOW);
    let sent = page.tracker.poll_transmit(NOW, Mode::Normal).expect("a request");
    assert!(sent.body.contains(&message_id));
    page.tracker.persist();
    let key = format!("wa:q:v2:wk:tab-1:{}", &message_id[1..message_id.len() - 1]);
    assert!(queue.get(&key).unwrap().contains(&message_id), "stored under its own key before the request starts");
    // The page goes away before the answer: the next page load sends the same event again.
    let mut next = page_load(&queue, &ids);
    // Not while the first request may still be running (its keepalive outlives the page)…
    assert!(next.tracker.poll_transmit(NOW + 10.0, Mode::Normal).is_none());
    // …but once its timeout is over, with the same messageId.
    let resent = next.tracker.poll_transmit(NOW + 10_000.0, Mode::Normal).expect("the saved event");
    assert!(resent.body.contains(&message_id));
    next.tracker.on_response(resent.id, Outcome::Status(200, None), NOW + 20.0, 0.5);
    next.tracker.persist();
    assert_eq!(queue.0.borrow().keys_with_prefix("wa:q:"), Vec::<String>::new());
    assert_eq!(next.tracker.state().delivered, 1);
}

fn tracked(page: &mut Page, name: &str) -> String {
    let body = call(page, Method::Track, "s", &[name]).unwrap();
    let id = unquote(&field(&body, "messageId"));
    page.tracker.enqueue(body, NOW);
    id
}

#[test]
fn an_orphaned_tab_queue_is_adopted_and_removed() {
    let (queue, ids) = (shared(), shared());
    let mut dead = page_load(&queue, &ids);
    let lost = tracked(&mut dead, "From a killed tab");
    dead.tracker.persist();
    let v1_line = "1795393993000\t0\t1795393993000\t\"legacy-1\"\t{\"type\":\"track\",\"messageId\":\"legacy-1\"}";
    queue.clone().set("wa:queue:v1:wk:old-tab", &format!("wa-queue\t1\n{v1_line}\n"));
    let settings = IdentitySettings::parse("{}");
    let identity = Identity::new(&settings, vec![Box::new(ids.clone())]);
    let config = Config { flush_interval_ms: 0.0, ..Config::DEFAULT };
    let mut live = Tracker::new(LoadOptions::parse(OPTIONS).page.with_date_format(REFERENCE), identity, config, Box::new(queue.clone()), "tab-2", NOW);
    assert_eq!(live.adopt("tab-1", NOW), 1);
    assert_eq!(live.adopt("old-tab", NOW), 0, "a development-only whole-queue item is not a queue");
    let keys = queue.0.borrow().keys_with_prefix("wa:");
    assert_eq!(keys, ["wa:queue:v1:wk:old-tab".to_owned(), format!("wa:q:v2:wk:tab-2:{lost}")]);
    let sent = live.poll_transmit(NOW, Mode::Normal).expect("adopted events are sent");
    assert_eq!(sent.message_ids, [lost]);
}

#[test]
fn a_full_store_keeps_what_it_holds_and_sends_the_rest_from_memory() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    let first = tracked(&mut page, "Stored");
    assert!(page.tracker.persist());
    queue.0.borrow_mut().refuse_writes = true;
    let second = tracked(&mut page, "Memory only");
    assert!(!page.tracker.persist(), "the quota error is reported");
    assert_eq!(page.tracker.take_warnings().as_bytes(), [NOT_SAVED]);
    assert!(queue.get(&format!("wa:q:v2:wk:tab-1:{first}")).is_some(), "already stored events stay stored");
    let sent = page.tracker.poll_transmit(NOW, Mode::Normal).expect("both are sent");
    assert_eq!(sent.message_ids, [first.clone(), second]);
    assert!(!page.tracker.persist(), "the in-flight guard cannot be written either");
    assert!(queue.get(&format!("wa:q:v2:wk:tab-1:{first}")).is_some());
    page.tracker.on_response(sent.id, Outcome::Status(200, None), NOW + 5.0, 0.0);
    page.tracker.persist();
    assert!(queue.0.borrow().keys_with_prefix("wa:q:").is_empty(), "removals work on a full store");
}

#[test]
fn an_argument_repair_is_reported_once_per_call() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    assert!(call(&mut page, Method::Track, "ss", &["Named", "not properties"]).is_ok());
    assert_eq!(page.tracker.take_warnings().as_bytes(), [Warning::PropertiesNotObject as u8]);
    // Also when the envelope then drops the call.
    let huge = format!(r#"{{"blob":"{}"}}"#, "x".repeat(40_000));
    assert_eq!(call(&mut page, Method::Track, "sos", &["Big", &huge, "not options"]), Err(DropReason::TooLarge));
    assert_eq!(page.tracker.take_warnings().as_bytes(), [Warning::OptionsNotObject as u8]);
}

#[test]
fn warnings_nobody_reads_stay_bounded() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    for _ in 0..200 {
        let _ = call(&mut page, Method::Track, "ss", &["Named", "not properties"]);
        page.tracker.note_drop(DropReason::EventMissing);
    }
    assert_eq!(page.tracker.take_warnings().len(), MAX_WARNINGS);
    assert!(page.tracker.take_warnings().is_empty());
}

#[test]
fn a_middleware_body_an_endpoint_would_reject_is_repaired_or_refused() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    let deep = String::from("{\"type\":\"track\",\"anonymousId\":\"a\",\"messageId\":\"deep\",\"p\":") + &"[".repeat(80) + &"]".repeat(80) + "}";
    // (body, queued)
    let rows = [
        (r#"{"type":"track","anonymousId":"a","messageId":"m1","properties":{"t":"\ud83d"}}"#.to_owned(), true),
        (r#"{"type":"track","anonymousId":"a","messageId":"m2","plan": undefined}"#.to_owned(), false),
        (deep, false),
        (String::from("{\"type\":\"track\",\"anonymousId\":\"a\",\"messageId\":\"big\",\"p\":\"") + &"x".repeat(40_000) + "\"}", false),
        (r#"{"a":1,"messageId":"no-type-no-id"}"#.to_owned(), false),
    ];
    for (body, queued) in rows {
        let before = page.tracker.state().pending;
        page.tracker.enqueue(body.clone(), NOW);
        assert_eq!(page.tracker.state().pending - before, usize::from(queued), "{}", &body[..40]);
    }
    let t = page.tracker.poll_transmit(NOW, Mode::Flush).expect("the repaired event");
    assert!(t.body.contains(r#""t":"\ufffd""#), "{}", t.body);
    let warnings = page.tracker.take_warnings();
    assert_eq!(warnings.len(), 5, "{warnings:?}");
}

#[test]
fn message_id_of_a_middleware_body_is_the_top_level_one() {
    let table: &[(&str, Option<&str>)] = &[
        // Our builder's order.
        (r#"{"type":"track","messageId":"m1","writeKey":"wk"}"#, Some("m1")),
        // A nested messageId after the top-level one (middleware reordered): top level wins.
        (r#"{"messageId":"top","properties":{"x":1,"messageId":"inner","writeKey":"w"}}"#, Some("top")),
        (r#"{"messageId":"top","p":{"a":1,"messageId":"in","writeKey":"w"}}"#, Some("top")),
        // Escapes in the id are decoded.
        (r#"{"messageId":"a\"b","writeKey":"wk"}"#, Some("a\"b")),
        // No messageId at all.
        (r#"{"type":"track","writeKey":"wk"}"#, None),
        (r#"{"p":{"messageId":"in","writeKey":"w"}}"#, None),
    ];
    for (body, want) in table {
        assert_eq!(message_id_of(body).as_deref(), *want, "{body}");
    }
}

#[test]
fn a_built_event_carries_the_message_id_of_its_body() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    for (options, own) in [("{}", None), (r#"{"messageId":"own \"id\""}"#, Some("own \"id\""))] {
        let built = page.tracker.build(Method::Track, "soo", &["E", "{}", options], PAGE, NOW, &mut page.random).unwrap();
        assert_eq!(Some(built.message_id.clone()), message_id_of(&built.body), "{options}");
        match own {
            Some(own) => assert_eq!(built.message_id, own),
            None => assert!(built.message_id.starts_with("ajs-next-"), "{}", built.message_id),
        }
    }
}

/// Host timing of the call pipeline (not an assertion; run with `--ignored --nocapture`).
#[test]
#[ignore]
fn host_timing_of_build_and_enqueue() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    let props = r#"{"i":1,"plan":"pro","price":9.99,"currency":"EUR","tags":["a","b"]}"#;
    let (mut best_build, mut best_queue) = (f64::MAX, f64::MAX);
    for _ in 0..15 {
        let start = std::time::Instant::now();
        let built: Vec<Built> =
            (0..2000).map(|_| page.tracker.build(Method::Track, "so", &["Bench Event", props], PAGE, NOW, &mut page.random).unwrap()).collect();
        best_build = best_build.min(start.elapsed().as_secs_f64() * 1e6 / 2000.0);
        let start = std::time::Instant::now();
        for event in built {
            page.tracker.enqueue_built(event, NOW);
        }
        best_queue = best_queue.min(start.elapsed().as_secs_f64() * 1e6 / 2000.0);
        page.tracker.outbox = Outbox::new(Config::DEFAULT, SegmentWire::new("wk", REFERENCE));
    }
    println!("best of 15 rounds: build {best_build:.2} µs, enqueue {best_queue:.2} µs per call");
}

#[test]
fn user_agent_data_from_the_browser_facts_is_sent_when_it_is_an_object() {
    let table: &[(&str, &str)] = &[
        (r#"{"userAgent":"UA","userAgentData":{"brands":[{"brand":"B","version":"1"}],"mobile":false,"platform":"Linux"}}"#,
            r#"{"brands":[{"brand":"B","version":"1"}],"mobile":false,"platform":"Linux"}"#),
        (r#"{"userAgent":"UA"}"#, "<absent>"),
        (r#"{"userAgent":"UA","userAgentData":null}"#, "<absent>"),
        (r#"{"userAgent":"UA","userAgentData":"x"}"#, "<absent>"),
    ];
    for (facts, want) in table {
        let options = String::from(r#"{"writeKey":"wk","_env":"#) + facts + "}";
        let (queue, ids) = (shared(), shared());
        let settings = IdentitySettings::parse("{}");
        let identity = Identity::new(&settings, vec![Box::new(ids.clone())]);
        let mut tracker = Tracker::new(LoadOptions::parse(&options).page.with_date_format(REFERENCE), identity, Config::DEFAULT, Box::new(queue.clone()), "t", NOW);
        let body = tracker.build(Method::Track, "s", &["E"], PAGE, NOW, &mut CountingRandom::default()).unwrap().body;
        let context = field(&body, "context");
        assert_eq!(field(&context, "userAgentData"), *want, "{facts}");
    }
}

#[test]
fn each_call_gets_the_page_it_was_made_on_even_when_pages_repeat() {
    let (queue, ids) = (shared(), shared());
    let mut page = page_load(&queue, &ids);
    let a = r#"{"path":"/a","referrer":"","search":"","title":"A","url":"https://ex.com/a"}"#;
    let b = r#"{"path":"/b","referrer":"","search":"","title":"B","url":"https://ex.com/b"}"#;
    let urls: Vec<String> = [a, a, b, a].iter().map(|snapshot| {
        let body = page.tracker.build(Method::Track, "s", &["E"], snapshot, NOW, &mut page.random).unwrap().body;
        let context = field(&body, "context");
        field(&field(&context, "page"), "url")
    }).collect();
    assert_eq!(urls, [r#""https://ex.com/a""#, r#""https://ex.com/a""#, r#""https://ex.com/b""#, r#""https://ex.com/a""#]);
}

/// A page under consent options: identity and queue stores behind the consent gate, as the shell builds them.
fn consent_page(options: &str, remembered: Option<&str>, queue: &Shared, ids: &Shared) -> Page {
    use crate::core::consent::{Consent, ConsentSettings};
    use crate::core::store::Gated;
    let consent = Consent::new(ConsentSettings::parse(options), remembered);
    let open = Rc::new(std::cell::Cell::new(consent.effects().store));
    let settings = IdentitySettings::parse(options);
    let identity_store = Gated::new(Box::new(ids.clone()), open.clone(), true, settings.server_key());
    let identity = Identity::new(&settings, vec![Box::new(identity_store), Box::new(MemoryStore::new(StoreKind::Memory))]);
    let config = Config { flush_interval_ms: 0.0, ..Config::DEFAULT };
    let queue_store = Gated::new(Box::new(queue.clone()), open.clone(), false, None);
    let tracker = Tracker::new(LoadOptions::parse(OPTIONS).page.with_date_format(REFERENCE), identity, config, Box::new(queue_store), "tab-1", NOW)
        .with_consent(consent, open);
    Page { tracker, random: CountingRandom::default(), identity_store: ids.clone() }
}

/// Builds and queues a track call at `at` ms; the built body, or the drop reason.
fn track_at(page: &mut Page, name: &str, at: f64) -> Result<String, DropReason> {
    let built = page.tracker.build(Method::Track, "s", &[name], PAGE, at, &mut page.random)?;
    let body = built.body.clone();
    page.tracker.enqueue_built(built, at);
    Ok(body)
}

fn sent_events(page: &mut Page, now: f64) -> Vec<String> {
    let mut names = Vec::new();
    while let Some(transmit) = page.tracker.poll_transmit(now, Mode::Flush) {
        let body = &transmit.body;
        let events: Vec<String> = match json::get(body, "batch") {
            Some(batch) => batch.split("\"event\":").skip(1).map(|s| s.split('"').nth(1).unwrap_or("").to_string()).collect(),
            None => vec![json::get(body, "event").and_then(json::parse_str).unwrap_or_default()],
        };
        names.extend(events);
        page.tracker.on_response(transmit.id, Outcome::Status(200, None), now, 0.5);
    }
    page.tracker.persist();
    names
}

const REQUIRED: &str = r#"{"consent":{"required":true,"categories":["Analytics"]}}"#;

/// Consent state × call → stored? sent? buffered? — through the whole tracker, with real stores behind the gate.
#[test]
fn consent_state_by_call_gives_stored_sent_buffered() {
    // (name, options, remembered choice, call made → (event built?, stored keys after, sent names, buffered))
    let g = crate::core::consent::choice::encode(&crate::core::consent::choice::given("\"granted\"", &["Analytics".into()], None).unwrap());
    let d = crate::core::consent::choice::encode(&crate::core::consent::choice::given("\"denied\"", &["Analytics".into()], None).unwrap());
    let table: &[(&str, &str, Option<&str>, bool, bool, &[&str], usize)] = &[
        ("no consent options: as before", "{}", None, true, true, &["A"], 0),
        ("pending, buffer", REQUIRED, None, true, false, &[], 1),
        ("pending, drop", r#"{"consent":{"required":true,"preConsent":"drop"}}"#, None, false, false, &[], 0),
        ("remembered grant", REQUIRED, Some(&g), true, true, &["A"], 0),
        ("remembered denial", REQUIRED, Some(&d), false, false, &[], 0),
        ("remembered denial, cookieless", r#"{"consent":{"required":true,"categories":["Analytics"],"onDenied":"cookieless"}}"#, Some(&d), true, false, &["A"], 0),
        ("GPC, not required", r#"{"_env":{"gpc":true}}"#, None, false, false, &[], 0),
        ("GPC ignored by option", r#"{"consent":{"honorGlobalPrivacyControl":false},"_env":{"gpc":true}}"#, None, true, true, &["A"], 0),
    ];
    for (name, options, remembered, built, stored, sent, buffered) in table {
        let (queue, ids) = (shared(), shared());
        let mut page = consent_page(options, *remembered, &queue, &ids);
        assert_eq!(track_at(&mut page, "A", NOW).is_ok(), *built, "{name}: built");
        page.tracker.persist();
        let wrote = !ids.0.borrow().keys_with_prefix("ajs_").is_empty();
        assert_eq!(wrote, *stored, "{name}: identity stored");
        assert_eq!(sent_events(&mut page, NOW + 1.0), *sent, "{name}: sent");
        assert_eq!(page.tracker.consent.buffered(), *buffered, "{name}: buffered");
        if !stored {
            assert_eq!(queue.0.borrow().keys_with_prefix(""), Vec::<String>::new(), "{name}: no queue key");
        }
    }
}

#[test]
fn grant_sends_the_buffer_in_call_order_with_original_times_then_stores_the_same_id() {
    let (queue, ids) = (shared(), shared());
    let mut page = consent_page(REQUIRED, None, &queue, &ids);
    let first = track_at(&mut page, "One", NOW).unwrap();
    track_at(&mut page, "Two", NOW + 5.0).unwrap();
    let anonymous_id = field(&first, "anonymousId");
    assert!(sent_events(&mut page, NOW + 10.0).is_empty());
    assert_eq!(ids.0.borrow().keys_with_prefix(""), Vec::<String>::new(), "pending writes nothing");
    let change = page.tracker.choose_consent(r#"{"Analytics":true}"#, NOW + 20.0).unwrap();
    assert!(change.announce && !change.erase);
    assert_eq!(ids.get("ajs_anonymous_id"), Some(anonymous_id.clone()), "the page's id is stored on grant");
    let mut transmits = Vec::new();
    while let Some(t) = page.tracker.poll_transmit(NOW + 30.0, Mode::Flush) {
        transmits.push(t.body);
    }
    let all = transmits.join("\n");
    let (one, two) = (all.find("\"One\"").unwrap(), all.find("\"Two\"").unwrap());
    assert!(one < two, "call order");
    assert!(all.contains(&format!("\"timestamp\":\"{}\"", REFERENCE.iso8601(NOW))), "original time: {all}");
    assert!(all.contains(r#""consent":{"categoryPreferences":{"Analytics":true}}"#), "{all}");
    assert!(all.contains(&anonymous_id));
}

#[test]
fn denial_after_grant_forgets_the_queue_and_writes_nothing_more() {
    let (queue, ids) = (shared(), shared());
    let mut page = consent_page(REQUIRED, None, &queue, &ids);
    page.tracker.choose_consent("\"granted\"", NOW).unwrap();
    track_at(&mut page, "Queued", NOW).unwrap();
    page.tracker.persist();
    assert!(!queue.0.borrow().keys_with_prefix("wa:q:").is_empty());
    let change = page.tracker.choose_consent("\"denied\"", NOW + 1.0).unwrap();
    assert!(change.erase && !change.announce);
    assert_eq!(track_at(&mut page, "After", NOW + 2.0), Err(DropReason::NoConsent));
    assert!(sent_events(&mut page, NOW + 3.0).is_empty(), "nothing is sent after a denial");
    ids.0.borrow_mut().remove("ajs_anonymous_id");
    page.tracker.identity.anonymous_id(&mut page.random);
    assert_eq!(ids.get("ajs_anonymous_id"), None, "the gate is closed again");
}

#[test]
fn anonymize_ip_marks_every_event_and_a_call_can_set_its_own_ip() {
    // (init options, call options, context.ip, context.anonymizeIp)
    let table: &[(&str, &str, &str, &str)] = &[
        (OPTIONS, "{}", "<absent>", "<absent>"),
        (r#"{"writeKey":"wk","anonymizeIp":true}"#, "{}", "<absent>", "true"),
        (r#"{"writeKey":"wk","anonymizeIp":true}"#, r#"{"context":{"ip":"203.0.113.9"}}"#, r#""203.0.113.9""#, "true"),
        (r#"{"writeKey":"wk","anonymizeIp":true}"#, r#"{"context":{"anonymizeIp":false}}"#, "<absent>", "false"),
        (OPTIONS, r#"{"context":{"ip":"2001:db8::1"}}"#, r#""2001:db8::1""#, "<absent>"),
        (r#"{"writeKey":"wk","anonymizeIp":"yes"}"#, "{}", "<absent>", "<absent>"),
    ];
    for (init, options, ip, anonymize) in table {
        let identity = Identity::new(&IdentitySettings::parse("{}"), vec![Box::new(MemoryStore::new(StoreKind::Memory))]);
        let mut tracker = Tracker::new(LoadOptions::parse(init).page.with_date_format(REFERENCE), identity, Config::DEFAULT, Box::new(MemoryStore::new(StoreKind::Memory)), "t", NOW);
        let body = tracker.build(Method::Track, "soo", &["E", "{}", options], PAGE, NOW, &mut CountingRandom::default()).unwrap().body;
        let context = field(&body, "context");
        assert_eq!(json::get(&context, "ip").unwrap_or("<absent>"), *ip, "{init} {options}");
        assert_eq!(json::get(&context, "anonymizeIp").unwrap_or("<absent>"), *anonymize, "{init} {options}");
    }
}

#[test]
fn a_full_pre_consent_buffer_drops_the_oldest_call_with_a_diagnostic() {
    use crate::core::consent::BUFFER_LIMIT;
    let (queue, ids) = (shared(), shared());
    let mut page = consent_page(REQUIRED, None, &queue, &ids);
    let first = track_at(&mut page, "First", NOW).unwrap();
    for i in 0..BUFFER_LIMIT {
        track_at(&mut page, "Later", NOW + 1.0 + i as f64).unwrap();
    }
    let drops = page.tracker.take_diagnostics();
    assert_eq!(drops.len(), 1);
    assert_eq!(format!("\"{}\"", drops[0].message_id), field(&first, "messageId"));
    assert_eq!(drops[0].reason, crate::core::delivery::DropReason::QueueFull);
    assert_eq!(page.tracker.consent.buffered(), BUFFER_LIMIT);
    assert!(page.tracker.take_diagnostics().is_empty(), "reported once");
}
