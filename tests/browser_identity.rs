//! Identity adapters in a real browser (headless Chromium and Firefox via wasm-bindgen-test-runner):
//! the cookie, localStorage and memory stores, the attributes the browser actually stored (read back
//! with the `cookieStore` API where it gives them: path, SameSite, expiry, host-only), the `__tld__` probe leaving nothing
//! behind, fallbacks when cookies, localStorage or crypto throw, and ids with `;`, `=`, `,` and
//! unicode round-tripping without creating extra cookies.
//! Environment: wasm32 in a browser only (the test page is served from 127.0.0.1, so cookies are
//! host-only there; the shared-domain case is covered end to end in tests/e2e/identity.test.mjs).
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Promise, Reflect};
use wasm_analytics::browser::cookie_store::{probe_domain, CookieStore};
use wasm_analytics::browser::crypto_random::CryptoRandom;
use wasm_analytics::browser::local_store::LocalStore;
use wasm_analytics::core::event::call_texts::CallTexts;
use wasm_analytics::core::identity::cookie_codec::CookieAttributes;
use wasm_analytics::core::random::Random;
use wasm_analytics::core::store::Store;
use wasm_analytics::{field, Analytics};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlDocument;

wasm_bindgen_test_configure!(run_in_browser);

const DAY_MS: f64 = 86_400_000.0;

fn js(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::NULL).expect(body)
}

fn document() -> HtmlDocument {
    web_sys::window().unwrap().document().unwrap().dyn_into().unwrap()
}

fn jar() -> String {
    document().cookie().unwrap()
}

/// The names of all cookies, sorted.
fn cookie_names() -> Vec<String> {
    let mut names: Vec<String> =
        jar().split("; ").filter(|c| !c.is_empty()).map(|c| c.split('=').next().unwrap().to_string()).collect();
    names.sort();
    names
}

fn local(key: &str) -> Option<String> {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item(key).unwrap()
}

/// Puts back every browser API a test replaced (window.localStorage, window.crypto, document.cookie).
fn restore_apis() {
    js("const o = (window.__originals ??= { localStorage: Object.getOwnPropertyDescriptor(window, 'localStorage'),
                                            crypto: Object.getOwnPropertyDescriptor(window, 'crypto') });
        for (const name of ['localStorage', 'crypto']) {
          if (o[name]) Object.defineProperty(window, name, o[name]); else delete window[name];
        }
        delete document.cookie;");
}

/// Every cookie and localStorage item gone, and any replaced browser API restored.
fn fresh_page() {
    restore_apis();
    js("for (const c of document.cookie.split('; ')) {
          if (c) document.cookie = c.split('=')[0] + '=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
        }
        localStorage.clear();");
    assert_eq!(jar(), "", "cookies left over");
}

/// What the browser stored for cookie `name` (`cookieStore.get`): {domain, path, expires, sameSite,
/// secure}; `None` where the engine's Cookie Store API gives only name and value (Firefox), where the
/// engines tier (tests/engines) checks the same attributes through WebDriver instead.
async fn stored_cookie(name: &str) -> Option<JsValue> {
    let get = Function::new_with_args("name", "return typeof cookieStore == 'object' ? cookieStore.get(name) : null");
    let promise: Promise = Promise::resolve(&get.call1(&JsValue::NULL, &name.into()).unwrap());
    let cookie = JsFuture::from(promise).await.unwrap();
    (!cookie.is_null() && !field(&cookie, "path").is_undefined()).then_some(cookie)
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &name.into()).unwrap()
}

/// `analytics.identify(id, traits?)` / `analytics.group(id, traits?)` as the facade passes them to the core.
fn call(analytics: &Analytics, method: &str, id: &str, traits: Option<&str>) {
    let kinds = if traits.is_some() { "so" } else { "s" };
    let texts = CallTexts { method, kinds, args: [id, traits.unwrap_or_default(), "", "", ""], page_json: "" };
    let body = analytics.build(&texts, js_sys::Date::now(), false);
    assert!(body.is_some(), "{method}({id:?}) produced no event");
}

#[wasm_bindgen_test]
async fn cookie_store_writes_bare_values_with_analytics_js_attributes() {
    fresh_page();
    let mut store = CookieStore::new(CookieAttributes::default(), 365.0 * DAY_MS);
    let before = js_sys::Date::now();
    assert!(store.set("ajs_anonymous_id", "39ee7ea5-b6d8-4174-b612-04e1ef3fa952"));
    assert_eq!(jar(), "ajs_anonymous_id=39ee7ea5-b6d8-4174-b612-04e1ef3fa952");
    assert_eq!(store.get("ajs_anonymous_id").as_deref(), Some("39ee7ea5-b6d8-4174-b612-04e1ef3fa952"));

    if let Some(cookie) = stored_cookie("ajs_anonymous_id").await {
        assert_eq!(field(&cookie, "path").as_string().as_deref(), Some("/"));
        assert_eq!(field(&cookie, "sameSite").as_string().as_deref(), Some("lax"));
        assert_eq!(field(&cookie, "secure").as_bool(), Some(false));
        assert!(field(&cookie, "domain").is_null(), "host-only on 127.0.0.1");
        let expires = field(&cookie, "expires").as_f64().unwrap();
        let year = before + 365.0 * DAY_MS;
        assert!((expires - year).abs() < 60_000.0, "expires {expires} vs now+365d {year}");
    }

    store.remove("ajs_anonymous_id");
    assert_eq!(store.get("ajs_anonymous_id"), None);
    assert_eq!(jar(), "");
}

#[wasm_bindgen_test]
async fn cookie_maxage_counts_days() {
    fresh_page();
    let analytics_options = r#"{"cookie":{"maxage":7}}"#;
    let analytics = Analytics::new(analytics_options.into());
    let before = js_sys::Date::now();
    analytics.identity(field::ANONYMOUS_ID).unwrap();
    assert!(jar().starts_with("ajs_anonymous_id="), "{}", jar());
    if let Some(cookie) = stored_cookie("ajs_anonymous_id").await {
        let expires = field(&cookie, "expires").as_f64().unwrap();
        assert!((expires - (before + 7.0 * DAY_MS)).abs() < 60_000.0, "expires {expires}");
    }
}

#[wasm_bindgen_test]
async fn configured_cookie_attributes_apply_to_every_identity_cookie() {
    fresh_page();
    let analytics = Analytics::new(r#"{"cookie":{"secure":true,"sameSite":"Strict"}}"#.into());
    analytics.identity(field::ANONYMOUS_ID).unwrap();
    call(&analytics, "identify", "u", None);
    call(&analytics, "group", "g", None);
    for name in ["ajs_anonymous_id", "ajs_user_id", "ajs_group_id"] {
        assert!(jar().contains(&format!("{name}=")), "{name} set: {}", jar());
        let Some(cookie) = stored_cookie(name).await else { continue };
        assert_eq!(field(&cookie, "secure").as_bool(), Some(true), "{name}");
        assert_eq!(field(&cookie, "sameSite").as_string().as_deref(), Some("strict"), "{name}");
    }
    analytics.reset();
    assert_eq!(jar(), "", "secure cookies are deleted with matching attributes");
}

#[wasm_bindgen_test]
fn domain_probe_finds_nothing_on_an_ip_host_and_leaves_no_cookie() {
    fresh_page();
    assert_eq!(probe_domain(), None);
    let mut store = CookieStore::new(CookieAttributes::default(), DAY_MS);
    assert!(jar().is_empty(), "making the store writes nothing (the probe waits for the first write): {}", jar());
    assert!(store.set("k", "v"));
    assert!(!jar().contains("__tld__"), "{}", jar());
    store.remove("k");
}

#[wasm_bindgen_test]
fn local_store_round_trips_raw_text() {
    fresh_page();
    let mut store = LocalStore::new();
    assert!(store.is_available());
    assert!(store.set("ajs_user_traits", r#"{"a":1}"#));
    assert_eq!(store.get("ajs_user_traits").as_deref(), Some(r#"{"a":1}"#));
    store.remove("ajs_user_traits");
    assert_eq!(store.get("ajs_user_traits"), None);
}

#[wasm_bindgen_test]
fn analytics_persists_like_analytics_js() {
    fresh_page();
    let analytics = Analytics::new("{}".into());
    let id = analytics.identity(field::ANONYMOUS_ID).unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "UUID v4: {id}");
    assert_eq!(jar(), format!("ajs_anonymous_id={id}"));
    assert_eq!(local("ajs_anonymous_id"), Some(format!("\"{id}\"")));

    call(&analytics, "identify", "user@x.com", Some(r#"{"plan":"pro"}"#));
    call(&analytics, "group", "g1", Some(r#"{"seats":3}"#));
    assert!(jar().contains("ajs_user_id=user@x.com"), "{}", jar());
    assert!(jar().contains("ajs_group_id=g1"), "{}", jar());
    assert_eq!(local("ajs_user_traits").as_deref(), Some(r#"{"plan":"pro"}"#));
    assert_eq!(local("ajs_group_properties").as_deref(), Some(r#"{"seats":3}"#));
    assert!(!jar().contains("traits") && !jar().contains("properties"), "{}", jar());

    let later = Analytics::new("{}".into()).identity(field::ANONYMOUS_ID).unwrap();
    assert_eq!(later, id, "a new instance (page) keeps the id");

    analytics.reset();
    assert_eq!(jar(), "");
    for key in ["ajs_anonymous_id", "ajs_user_id", "ajs_user_traits", "ajs_group_id", "ajs_group_properties"] {
        assert_eq!(local(key), None, "{key}");
    }
}

#[wasm_bindgen_test]
fn hostile_ids_round_trip_without_extra_cookies() {
    fresh_page();
    let analytics = Analytics::new("{}".into());
    analytics.identity(field::ANONYMOUS_ID).unwrap();
    for id in ["a;b=c", "x; domain=evil.com; path=/admin", "n,1 2", "line\nbreak", "ünï🎉", "=;=", "null", "\"q\""] {
        call(&analytics, "identify", id, None);
        analytics.identity(field::ANONYMOUS_ID).unwrap(); // a switch of user forgets the anonymousId; make the next one
        assert_eq!(cookie_names(), ["ajs_anonymous_id", "ajs_user_id"], "{id:?}: {}", jar());
        js("localStorage.removeItem('ajs_user_id')");
        assert_eq!(Analytics::new("{}".into()).identity(field::USER_ID).as_deref(), Some(id), "cookie round trip of {id:?}");
    }
}

#[wasm_bindgen_test]
fn a_1_0_cookie_is_adopted_and_rewritten_bare() {
    fresh_page();
    document().set_cookie("ajs_anonymous_id=%22abc%22; path=/").unwrap();
    document().set_cookie("ajs_user_id=123; path=/").unwrap();
    let analytics = Analytics::new("{}".into());
    assert_eq!(analytics.identity(field::ANONYMOUS_ID).unwrap(), "abc");
    assert_eq!(analytics.identity(field::USER_ID).as_deref(), Some("123"));
    assert!(jar().contains("ajs_anonymous_id=abc"), "{}", jar());
    assert_eq!(local("ajs_user_id").as_deref(), Some("\"123\""));
}

#[wasm_bindgen_test]
fn throwing_local_storage_falls_back_silently() {
    fresh_page();
    js("Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new DOMException('denied', 'SecurityError'); } })");
    let store = LocalStore::new();
    assert!(!store.is_available());
    assert_eq!(store.get("k"), None);
    let analytics = Analytics::new("{}".into());
    let id = analytics.identity(field::ANONYMOUS_ID).unwrap();
    assert_eq!(analytics.identity(field::ANONYMOUS_ID).unwrap(), id);
    call(&analytics, "identify", "u", Some(r#"{"a":1}"#));
    assert_eq!(analytics.identity(field::USER_TRAITS).unwrap(), r#"{"a":1}"#, "traits kept in memory");
    restore_apis();
    assert_eq!(local("ajs_anonymous_id"), None);
    assert!(jar().contains(&format!("ajs_anonymous_id={id}")));
}

#[wasm_bindgen_test]
fn local_storage_quota_errors_fall_back_silently() {
    fresh_page();
    js("window.__setItem = Storage.prototype.setItem; Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); }");
    let mut store = LocalStore::new();
    assert!(!store.set("k", "v"));
    let analytics = Analytics::new(r#"{"storage":{"stores":["localStorage","memory"]}}"#.into());
    let id = analytics.identity(field::ANONYMOUS_ID).unwrap();
    assert_eq!(analytics.identity(field::ANONYMOUS_ID).unwrap(), id, "memory keeps a stable id");
    js("Storage.prototype.setItem = window.__setItem");
}

#[wasm_bindgen_test]
fn throwing_document_cookie_falls_back_to_local_storage() {
    fresh_page();
    js("Object.defineProperty(document, 'cookie', { configurable: true, get() { throw new DOMException('sandboxed', 'SecurityError'); }, set() { throw new DOMException('sandboxed', 'SecurityError'); } })");
    assert_eq!(probe_domain(), None);
    let analytics = Analytics::new("{}".into());
    let id = analytics.identity(field::ANONYMOUS_ID).unwrap();
    assert_eq!(Analytics::new("{}".into()).identity(field::ANONYMOUS_ID).unwrap(), id, "localStorage carries the id");
    restore_apis();
    assert_eq!(jar(), "", "nothing reached the real cookie jar");
}

#[wasm_bindgen_test]
fn everything_blocked_still_gives_a_stable_id_for_the_page() {
    fresh_page();
    js("Object.defineProperty(document, 'cookie', { configurable: true, get() { throw new Error('no'); }, set() { throw new Error('no'); } });
        Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new Error('no'); } })");
    let analytics = Analytics::new("{}".into());
    let id = analytics.identity(field::ANONYMOUS_ID).unwrap();
    assert_eq!(analytics.identity(field::ANONYMOUS_ID).unwrap(), id);
    assert_ne!(Analytics::new("{}".into()).identity(field::ANONYMOUS_ID).unwrap(), id, "a new page gets a new id");
    fresh_page();
}

#[wasm_bindgen_test]
fn disable_client_persistence_writes_nothing() {
    fresh_page();
    let analytics = Analytics::new(r#"{"disableClientPersistence":true}"#.into());
    let id = analytics.identity(field::ANONYMOUS_ID).unwrap();
    call(&analytics, "identify", "u", Some(r#"{"a":1}"#));
    assert_eq!(analytics.identity(field::ANONYMOUS_ID).unwrap(), id);
    assert_eq!(jar(), "");
    assert_eq!(local("ajs_anonymous_id"), None);
    assert_eq!(local("ajs_user_traits"), None);
}

#[wasm_bindgen_test]
fn missing_crypto_falls_back_to_math_random() {
    fresh_page();
    let mut random = CryptoRandom::new();
    assert!(random.is_cryptographic());
    js("Object.defineProperty(window, 'crypto', { configurable: true, get() { throw new Error('no crypto'); } })");
    let mut fallback = CryptoRandom::new();
    assert!(!fallback.is_cryptographic());
    let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
    fallback.fill(&mut a);
    fallback.fill(&mut b);
    assert_ne!(a, b);
    let id = Analytics::new("{}".into()).identity(field::ANONYMOUS_ID).unwrap();
    assert_eq!((id.len(), &id[14..15]), (36, "4"), "{id}");
    restore_apis();
    random.fill(&mut a);
}
