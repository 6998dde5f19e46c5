//! Proves the browser test tier runs in a real browser (headless Chromium via chromedriver, headless
//! Firefox via geckodriver), not in Node: a window and document exist, `document.cookie` and
//! `localStorage` really store values.
//! Environment: wasm32 in a browser only. Run with `scripts/test browser` (both engines) or
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver` (or `--firefox`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlDocument;

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

#[wasm_bindgen_test]
fn document_cookie_round_trips_a_value() {
    let doc = html_document();
    doc.set_cookie("smoke_probe=abc%20123; path=/; SameSite=Lax").unwrap();
    let cookies = doc.cookie().unwrap();
    assert!(cookies.split("; ").any(|c| c == "smoke_probe=abc%20123"), "cookie jar: {cookies}");

    doc.set_cookie("smoke_probe=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT").unwrap();
    let cookies = doc.cookie().unwrap();
    assert!(!cookies.contains("smoke_probe="), "cookie not removed: {cookies}");
}

#[wasm_bindgen_test]
fn local_storage_round_trips_a_value() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().expect("localStorage");
    storage.set_item("smoke_key", "\"value\"").unwrap();
    assert_eq!(storage.get_item("smoke_key").unwrap().as_deref(), Some("\"value\""));
    storage.remove_item("smoke_key").unwrap();
    assert_eq!(storage.get_item("smoke_key").unwrap(), None);
}
