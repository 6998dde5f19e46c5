//! Delivery adapters in a real browser (headless Chromium via wasm-bindgen-test-runner): the
//! transport's request shape and outcome classification (with `fetch`/`sendBeacon`/`onLine`
//! replaced by recording fakes), lifecycle listeners and the timer (RAII removal), and the tab
//! leases, orphan adoption and adoption lock over the real localStorage and Web Locks.
//! Environment: wasm32 in a browser only.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_analytics::browser::lifecycle::{Lifecycle, PageEvent, Timer};
use wasm_analytics::browser::local_store::LocalStore;
use wasm_analytics::browser::{callbacks, host};
use wasm_analytics::core::delivery::tab_leases::TabLeases;
use wasm_analytics::browser::transport::Transport;
use wasm_analytics::core::delivery::{lease, queue_format, Outcome, Transmit};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn js(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::NULL).expect(body)
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn local(key: &str) -> Option<String> {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item(key).unwrap()
}

fn set_local(key: &str, value: &str) {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().set_item(key, value).unwrap();
}

fn transmit(keepalive: bool) -> Transmit {
    Transmit {
        id: 7,
        url_path: "/b",
        body: "{\"batch\":[]}".to_owned(),
        keepalive,
        timeout_ms: 5000.0,
    }
}

/// Sends and waits for the outcome; also checks it did not arrive synchronously.
async fn send(transport: &Transport, t: &Transmit) -> Outcome {
    let got: Rc<RefCell<Option<(u64, Outcome)>>> = Rc::default();
    let sink = got.clone();
    transport.send(t, move |id, outcome| *sink.borrow_mut() = Some((id, outcome)));
    assert!(got.borrow().is_none(), "the answer must come asynchronously");
    for _ in 0..200 {
        if let Some((id, outcome)) = *got.borrow() {
            assert_eq!(id, t.id);
            return outcome;
        }
        sleep(10).await;
    }
    panic!("no answer");
}

/// Replaces fetch with a recorder answering `status` (and `Retry-After` when given).
fn fake_fetch(status: u16, retry_after: &str) {
    js(&format!(
        "window.__fetch ??= window.fetch; window.__calls = [];
         window.fetch = (url, init) => {{ __calls.push({{url, init}});
           const headers = {retry_after:?} ? {{'Retry-After': {retry_after:?}}} : {{}};
           return Promise.resolve(new Response(null, {{status: {status}, headers}})); }};"
    ));
}

fn restore_apis() {
    js("if (window.__fetch) window.fetch = window.__fetch;
        delete navigator.onLine; delete navigator.sendBeacon; delete navigator.locks;");
}

fn call(path: &str) -> JsValue {
    js(&format!("return __calls[0].{path}"))
}

#[wasm_bindgen_test]
async fn transport_posts_text_plain_with_keepalive_and_classifies_statuses() {
    let transport = Transport::new("https://collector.test/v1/");
    let rows: &[(u16, &str, Outcome)] = &[
        (200, "", Outcome::Status(200, None)),
        (400, "", Outcome::Status(400, None)),
        (429, "7", Outcome::Status(429, Some(7))),
        (503, "junk", Outcome::Status(503, None)),
    ];
    for &(status, retry_after, want) in rows {
        fake_fetch(status, retry_after);
        assert_eq!(send(&transport, &transmit(true)).await, want, "{status}");
        assert_eq!(call("url"), JsValue::from_str("https://collector.test/v1/b"));
        assert_eq!(call("init.method"), JsValue::from_str("POST"));
        assert_eq!(call("init.headers['Content-Type']"), JsValue::from_str("text/plain"));
        assert_eq!(call("init.keepalive"), JsValue::TRUE);
        assert_eq!(call("init.body"), JsValue::from_str("{\"batch\":[]}"));
        assert_eq!(call("init.signal instanceof AbortSignal"), JsValue::TRUE);
    }
    fake_fetch(200, "");
    send(&transport, &transmit(false)).await;
    assert_eq!(call("init.keepalive"), JsValue::FALSE);
    restore_apis();
}

#[wasm_bindgen_test]
async fn retry_after_as_an_http_date_becomes_seconds_from_now() {
    let in_ten_s = js("return new Date(Date.now() + 10000).toUTCString()").as_string().unwrap();
    fake_fetch(429, &in_ten_s);
    let outcome = send(&Transport::new("https://c.test"), &transmit(true)).await;
    assert!(matches!(outcome, Outcome::Status(429, Some(9..=10))), "{outcome:?}");
    restore_apis();
}

#[wasm_bindgen_test]
async fn refused_connections_and_rejections_are_network_errors() {
    restore_apis();
    let refused = Transport::new("http://127.0.0.1:9");
    assert_eq!(send(&refused, &transmit(false)).await, Outcome::NetworkError);
    js("window.__fetch ??= window.fetch; window.fetch = () => Promise.reject(new TypeError('x'))");
    assert_eq!(send(&refused, &transmit(true)).await, Outcome::NetworkError);
    restore_apis();
}

#[wasm_bindgen_test]
async fn offline_answers_without_sending() {
    fake_fetch(200, "");
    js("Object.defineProperty(navigator, 'onLine', {get: () => false, configurable: true})");
    assert_eq!(send(&Transport::new("https://c.test"), &transmit(true)).await, Outcome::Offline);
    assert_eq!(js("return __calls.length"), JsValue::from(0));
    restore_apis();
}

#[wasm_bindgen_test]
async fn a_throwing_fetch_falls_back_to_send_beacon() {
    js("window.__fetch ??= window.fetch; window.fetch = () => { throw new Error('patched') };
        window.__beacons = [];
        Object.defineProperty(navigator, 'sendBeacon',
          {value: (u, b) => { __beacons.push([u, b]); return __beacons.length === 1 }, configurable: true})");
    let transport = Transport::new("https://c.test");
    assert_eq!(send(&transport, &transmit(true)).await, Outcome::Status(202, None));
    assert_eq!(js("return __beacons[0].join(' ')"), JsValue::from_str("https://c.test/b {\"batch\":[]}"));
    assert_eq!(send(&transport, &transmit(true)).await, Outcome::NetworkError, "refused beacon");
    restore_apis();
}

#[wasm_bindgen_test]
async fn lifecycle_maps_events_and_removes_listeners_on_drop() {
    let seen: Rc<RefCell<Vec<PageEvent>>> = Rc::default();
    let sink = seen.clone();
    let lifecycle = Lifecycle::listen(move |event| sink.borrow_mut().push(event));
    js("dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}));
        dispatchEvent(new PageTransitionEvent('pageshow', {persisted: false}));
        dispatchEvent(new Event('offline')); dispatchEvent(new Event('online'));
        document.dispatchEvent(new Event('visibilitychange'));
        dispatchEvent(new Event('unload'));");
    assert_eq!(
        *seen.borrow(),
        [
            PageEvent::PageHide { persisted: true },
            PageEvent::PageShow { persisted: false },
            PageEvent::Offline,
            PageEvent::Online,
            PageEvent::Visible,
        ]
    );
    drop(lifecycle);
    js("dispatchEvent(new Event('online')); document.dispatchEvent(new Event('visibilitychange'))");
    assert_eq!(seen.borrow().len(), 5, "listeners removed on drop");
}

#[wasm_bindgen_test]
async fn a_lifecycle_event_dispatched_from_inside_the_handler_is_skipped_and_listening_goes_on() {
    let seen: Rc<RefCell<Vec<PageEvent>>> = Rc::default();
    let sink = seen.clone();
    let lifecycle = Lifecycle::listen(move |event| {
        sink.borrow_mut().push(event);
        if event == PageEvent::Offline {
            js("dispatchEvent(new Event('online'))");
        }
    });
    js("dispatchEvent(new Event('offline'))");
    assert_eq!(*seen.borrow(), [PageEvent::Offline], "the nested online is skipped, not re-entered");
    js("dispatchEvent(new Event('online'))");
    assert_eq!(*seen.borrow(), [PageEvent::Offline, PageEvent::Online], "still listening after");
    drop(lifecycle);
}

#[wasm_bindgen_test]
async fn timers_fire_once_and_never_after_drop() {
    let fired: Rc<RefCell<Vec<&str>>> = Rc::default();
    let (a, b) = (fired.clone(), fired.clone());
    let _kept = Timer::after(5.0, move || a.borrow_mut().push("kept"));
    let dropped = Timer::after(5.0, move || b.borrow_mut().push("dropped"));
    drop(dropped);
    sleep(50).await;
    assert_eq!(*fired.borrow(), ["kept"]);
}

const WK: &str = "wk-delivery-test";

fn clear_source() {
    js(&format!(
        "for (const k of Object.keys(localStorage)) if (k.includes({WK:?})) localStorage.removeItem(k)"
    ));
}

/// The lease protocol (`core::delivery::tab_leases`, simulated on the host) over the real
/// localStorage adapter: heartbeat, release, adoption detection.
#[wasm_bindgen_test]
async fn heartbeat_release_and_adoption_detection() {
    clear_source();
    let mut me = TabLeases::new(WK, "me", lease::LeasePolicy::LIVENESS, lease::AdoptionLock::WebLocks);
    let now = js_sys::Date::now();
    assert!(!me.heartbeat(now, &mut LocalStore::new()).handed_over);
    let alive_key = queue_format::alive_key(WK, "me");
    let record = lease::decode(&local(&alive_key).unwrap()).unwrap();
    assert_eq!(record.tab_id, "me");
    set_local(&alive_key, &lease::encode(&lease::claim("other", now, lease::LeasePolicy::LIVENESS)));
    assert!(me.heartbeat(now, &mut LocalStore::new()).handed_over);
    assert_eq!(lease::decode(&local(&alive_key).unwrap()).unwrap().tab_id, "me", "reclaimed");
    me.release(&mut LocalStore::new());
    assert_eq!(local(&alive_key), None);
}

#[wasm_bindgen_test]
async fn adoption_takes_orphans_only_and_marks_them_adopted() {
    clear_source();
    let now = js_sys::Date::now();
    let mut me = TabLeases::new(WK, "me", lease::LeasePolicy::LIVENESS, lease::AdoptionLock::WebLocks);
    let store = &mut LocalStore::new();
    me.heartbeat(now, store);
    let event_key = |tab: &str| queue_format::event_key_prefix(WK, tab) + "m-1";
    for tab in ["me", "dead", "live", "gone"] {
        set_local(&event_key(tab), "1\t0\t1\t\"m-1\"\t{}");
    }
    let live = lease::claim("live", now, lease::LeasePolicy::LIVENESS);
    set_local(&queue_format::alive_key(WK, "live"), &lease::encode(&live));
    let store = &mut LocalStore::new();
    let mut orphans = me.orphans(now, store);
    orphans.sort();
    assert_eq!(orphans, ["dead", "gone"]);
    let mut merged_tabs = Vec::new();
    let merged = me.adopt(now, store, &mut |tab: &str| merged_tabs.push(tab.to_owned()));
    assert_eq!(merged, 2);
    merged_tabs.sort();
    assert_eq!(merged_tabs, ["dead", "gone"]);
    assert!(local(&event_key("live")).is_some(), "a live tab's queue is never touched");
    let mark = lease::decode(&local(&queue_format::alive_key(WK, "dead")).unwrap()).unwrap();
    assert_eq!(mark.tab_id, "me", "the owner, if merely frozen, will see it was adopted");
    clear_source();
}

/// The Web Lock binding: held while free, refused while another holder has it, and reported
/// missing where `navigator.locks` is.
#[wasm_bindgen_test]
async fn web_lock_binding_grants_only_a_free_lock() {
    let answers: Rc<RefCell<Vec<f64>>> = Rc::default();
    let name = queue_format::adoption_key(WK);
    assert!(host::has_locks());
    let a = answers.clone();
    host::lock(callbacks::once(move |held, _| a.borrow_mut().push(held)), &name);
    for _ in 0..100 {
        if !answers.borrow().is_empty() {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(*answers.borrow(), [1.0], "a free lock is granted");
    js(&format!("navigator.locks.request({name:?}, () => new Promise((r) => {{ window.__release = r; }}))"));
    sleep(20).await;
    let a = answers.clone();
    host::lock(callbacks::once(move |held, _| a.borrow_mut().push(held)), &name);
    for _ in 0..100 {
        if answers.borrow().len() == 2 {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(*answers.borrow(), [1.0, 0.0], "a held lock is refused, not waited for");
    js("window.__release()");
    js("Object.defineProperty(navigator, 'locks', {value: undefined, configurable: true})");
    assert!(!host::has_locks());
    restore_apis();
}
