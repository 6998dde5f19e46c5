//! Page lifecycle as plain events, and the one delivery timer, both owned by RAII guards: dropping
//! a [`Lifecycle`] removes its listeners, dropping a [`Timer`] clears it (gloo-events/-timers style).
//!
//! Listens to `pagehide`, `pageshow`, `visibilitychange`, `online`, `offline`. Never `unload` or
//! `beforeunload` (they break the back-forward cache). No decisions: what a hidden page means for
//! delivery is the core's (`Mode::PageHide`). Never throws.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget, PageTransitionEvent, VisibilityState};

/// A lifecycle change, as the runtime consumes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageEvent {
    /// `visibilitychange` to hidden: the last reliable moment on mobile; flush.
    Hidden,
    /// `visibilitychange` to visible.
    Visible,
    /// `pagehide` (navigation, reload, close, or entering the back-forward cache if `persisted`).
    PageHide {
        /// True when the page may come back from the back-forward cache.
        persisted: bool,
    },
    /// `pageshow`; `persisted` means it came back from the back-forward cache.
    PageShow {
        /// True on a back-forward cache restore.
        persisted: bool,
    },
    /// `online`.
    Online,
    /// `offline`.
    Offline,
}

/// One event listener, removed on drop.
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Adds `handler` for `kind` on `target`; `None` if the browser refused.
    pub fn new(target: &EventTarget, kind: &'static str, handler: impl FnMut(Event) + 'static) -> Option<Listener> {
        let callback = Closure::<dyn FnMut(Event)>::new(handler);
        target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref()).ok()?;
        Some(Listener { target: target.clone(), kind, callback })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// The page's lifecycle listeners; dropping it removes them all.
pub struct Lifecycle {
    _listeners: Vec<Listener>,
}

/// Window events and how each maps to a [`PageEvent`].
const WINDOW_EVENTS: [&str; 4] = ["pagehide", "pageshow", "online", "offline"];

impl Lifecycle {
    /// Starts listening; `on_event` receives every change. An event arriving while `on_event` is
    /// still running (a synchronous dispatch from inside it) is skipped rather than re-entered.
    pub fn listen(on_event: impl FnMut(PageEvent) + 'static) -> Lifecycle {
        let on_event = Rc::new(RefCell::new(on_event));
        let mut listeners = Vec::new();
        let Some(window) = web_sys::window() else {
            return Lifecycle { _listeners: listeners };
        };
        let deliver = move |event: Option<PageEvent>| {
            if let (Some(event), Ok(mut handler)) = (event, on_event.try_borrow_mut()) {
                (*handler)(event);
            }
        };
        for kind in WINDOW_EVENTS {
            let deliver = deliver.clone();
            listeners.extend(Listener::new(&window, kind, move |event| deliver(window_event(kind, &event))));
        }
        if let Some(document) = window.document() {
            let doc = document.clone();
            listeners.extend(Listener::new(&document, "visibilitychange", move |_| {
                deliver(Some(if doc.visibility_state() == VisibilityState::Hidden {
                    PageEvent::Hidden
                } else {
                    PageEvent::Visible
                }))
            }));
        }
        Lifecycle { _listeners: listeners }
    }
}

fn window_event(kind: &str, event: &Event) -> Option<PageEvent> {
    let persisted = event.dyn_ref::<PageTransitionEvent>().is_some_and(|e| e.persisted());
    match kind {
        "pagehide" => Some(PageEvent::PageHide { persisted }),
        "pageshow" => Some(PageEvent::PageShow { persisted }),
        "online" => Some(PageEvent::Online),
        "offline" => Some(PageEvent::Offline),
        _ => None,
    }
}

/// A `setTimeout`, cleared on drop. The runtime keeps one, re-armed from the outbox's
/// `poll_timeout` after every drive.
pub struct Timer {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Runs `f` once after `delay_ms` (clamped to what `setTimeout` accepts); `None` if refused.
    pub fn after(delay_ms: f64, f: impl FnOnce() + 'static) -> Option<Timer> {
        let window = web_sys::window()?;
        let callback = Closure::<dyn FnMut()>::once(f);
        let delay = if delay_ms > 0.0 { delay_ms.min(2_147_483_647.0) as i32 } else { 0 };
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), delay)
            .ok()?;
        Some(Timer { handle, _callback: callback })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.handle);
        }
    }
}
