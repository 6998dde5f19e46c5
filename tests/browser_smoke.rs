//! Proves the browser test tier runs in a real browser (headless Chromium via chromedriver, headless
//! Firefox via geckodriver), not in Node: a window and document exist, and our cookie and localStorage
//! adapters write to (and remove from) the browser's real jar and storage, checked through web-sys
//! independently of the adapters.
//! Environment: wasm32 in a browser only. Run with `scripts/test browser` (both engines) or
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver` (or `--firefox`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlDocument;
use wasm_analytics::browser::cookie_store::CookieStore;
use wasm_analytics::browser::local_store::LocalStore;
use wasm_analytics::core::identity::cookie_codec::CookieAttributes;
use wasm_analytics::core::store::Store;

wasm_bindgen_test_configure!(run_in_browser);

fn html_document() -> HtmlDocument {
    let window = web_sys::window().expect("a browser window");
    let document = window.document().expect("a document");
    document.dyn_into::<HtmlDocument>().expect("an HTML document")
}

#[wasm_bindgen_test]
fn runs_in_a_browser_with_a_window_and_document() {
    let window = web_sys::window();
    assert!(window.is_some(), "no window: not running in a browser");
    let agent = window.unwrap().navigator().user_agent().unwrap_or_default();
    assert!(agent.contains("Chrome/") || agent.contains("Firefox/"), "unexpected user agent {agent}");
}

/// Our cookie adapter against the browser's real jar: what `CookieStore` writes, `document.cookie`
/// (read here through web-sys, independently of the adapter) shows, and what it removes is gone.
#[wasm_bindgen_test]
fn cookie_store_writes_and_removes_in_the_real_jar() {
    let mut store = CookieStore::new(CookieAttributes::default(), 60_000.0);
    assert!(store.set("smoke_probe", "abc%20123"), "the write reads back");
    let cookies = html_document().cookie().unwrap();
    assert!(cookies.split("; ").any(|c| c == "smoke_probe=abc%20123"), "cookie jar: {cookies}");
    assert_eq!(store.get("smoke_probe").as_deref(), Some("abc%20123"));
    store.remove("smoke_probe");
    let cookies = html_document().cookie().unwrap();
    assert!(!cookies.contains("smoke_probe="), "cookie not removed: {cookies}");
    assert_eq!(store.get("smoke_probe"), None);
}

/// Our localStorage adapter against the real `localStorage` (read here through web-sys).
#[wasm_bindgen_test]
fn local_store_writes_and_removes_in_real_local_storage() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().expect("localStorage");
    let mut store = LocalStore::new();
    assert!(store.is_available());
    assert!(store.set("smoke_key", "\"value\""));
    assert_eq!(storage.get_item("smoke_key").unwrap().as_deref(), Some("\"value\""));
    assert_eq!(store.get("smoke_key").as_deref(), Some("\"value\""));
    assert_eq!(store.keys_with_prefix("smoke_"), ["smoke_key"]);
    store.remove("smoke_key");
    assert_eq!(storage.get_item("smoke_key").unwrap(), None);
    assert_eq!(store.get("smoke_key"), None);
}
