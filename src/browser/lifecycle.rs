//! Page lifecycle as plain events, and the delivery timers, both owned by RAII guards: dropping
//! a [`Lifecycle`] removes its listeners, dropping a [`Timer`] clears it (gloo-events/-timers style).
//!
//! Listens to `pagehide`, `pageshow`, `visibilitychange`, `online`, `offline` (through `host.js`).
//! Never `unload` or `beforeunload` (they break the back-forward cache). No decisions: what each change
//! means for delivery is the core's (`core::delivery::page_lifecycle`). Never throws.

use crate::browser::{callbacks, host};
use crate::js_contract::page_event;

pub use crate::core::delivery::page_lifecycle::PageEvent;

/// The event `host.js` reports as `(index, flag)`: its index in `host.js`'s `EVENTS`
/// ([`page_event::EVENTS`]), the flag being `persisted`
/// or, for `visibilitychange`, "now hidden".
pub fn page_event(index: f64, flag: f64) -> Option<PageEvent> {
    let flag = flag > 0.0;
    Some(match index as u32 {
        page_event::PAGEHIDE => PageEvent::PageHide { persisted: flag },
        page_event::PAGESHOW => PageEvent::PageShow { persisted: flag },
        page_event::ONLINE => PageEvent::Online,
        page_event::OFFLINE => PageEvent::Offline,
        page_event::VISIBILITYCHANGE if flag => PageEvent::Hidden,
        page_event::VISIBILITYCHANGE => PageEvent::Visible,
        _ => return None,
    })
}

/// The page's lifecycle listeners; dropping it removes them all.
pub struct Lifecycle {
    id: i32,
}

impl Lifecycle {
    /// Starts listening; `on_event` receives every change. An event arriving while `on_event` is
    /// still running (a synchronous dispatch from inside it) is skipped rather than re-entered.
    pub fn listen(mut on_event: impl FnMut(PageEvent) + 'static) -> Lifecycle {
        Lifecycle::listen_with(callbacks::many(move |index, flag| {
            if let Some(event) = page_event(index, flag) {
                on_event(event);
            }
        }))
    }

    /// [`Lifecycle::listen`] for a callback already registered as repeating (see `callbacks::register`):
    /// it is woken with `(index, flag)`, which [`page_event`] reads.
    pub fn listen_with(id: i32) -> Lifecycle {
        host::listen(id);
        Lifecycle { id }
    }
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        host::unlisten(self.id);
        callbacks::cancel(self.id);
    }
}

/// A `setTimeout`, cleared on drop. The runtime keeps one for delivery, re-armed from the outbox's
/// `poll_timeout` after every drive, and one for the heartbeat.
pub struct Timer {
    id: i32,
    handle: f64,
}

impl Timer {
    /// Runs `f` once after `delay_ms` (clamped to what `setTimeout` accepts).
    pub fn after(delay_ms: f64, f: impl FnOnce() + 'static) -> Option<Timer> {
        Timer::after_with(delay_ms, callbacks::once(move |_, _| f()))
    }

    /// [`Timer::after`] for a callback already registered as one-shot (see `callbacks::register`).
    pub fn after_with(delay_ms: f64, id: i32) -> Option<Timer> {
        Some(Timer { id, handle: host::timer(id, clamp_delay(delay_ms)) })
    }
}

/// 0 for negative or NaN delays; at most 2^31 - 1 ms (beyond it `setTimeout` fires at once).
fn clamp_delay(delay_ms: f64) -> f64 {
    if delay_ms > 0.0 {
        delay_ms.min(2_147_483_647.0)
    } else {
        0.0
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        host::clear(self.handle);
        callbacks::cancel(self.id);
    }
}
