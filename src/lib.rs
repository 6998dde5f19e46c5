//! wasm-analytics: analytics.js-compatible browser tracking in Rust/WebAssembly.
//!
//! `core` holds every rule and is tested on the host; `browser` is the thin shell over one JS host (`src/browser/host.js`); the
//! `#[wasm_bindgen]` exports below are the only surface JavaScript sees.
//! Holds no rule and no state: exports forward to `browser::runtime::Runtime` methods.
#![deny(missing_docs)]

pub mod core;
pub mod js_contract;
#[cfg(target_arch = "wasm32")]
pub mod browser;

#[cfg(target_arch = "wasm32")]
pub use exports::Analytics;
pub use js_contract::field;

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The `#[wasm_bindgen]` surface: three functions over numbered instances (`create`, `build`,
    //! `call`), thin forwards to [`Runtime`] methods (argument shapes only: no rule and no state
    //! here besides the instance list). Few exports with plain arguments because each export costs a
    //! wasm shim and generated glue; `www/src/load.js` turns them back into the core object the
    //! facade calls (its `op` numbers: [`crate::js_contract::op`]). Every function is infallible:
    //! strings in and out, `None` for JavaScript `null`/`undefined`, nothing ever throws (a
    //! re-entrant call that finds the state busy, or a call on an unknown instance, answers `None`:
    //! `load.js` turns it into the neutral value).
    use std::cell::RefCell;

    use crate::browser::callbacks::OneThread;
    use crate::browser::runtime::{self, Runtime, Shared};
    use crate::core::delivery::Mode;
    use crate::core::event::call_texts::{self, CallTexts};
    use crate::js_contract::{field, op};
    use wasm_bindgen::prelude::{wasm_bindgen, JsValue};

    /// Every instance [`create`] made, by number (a page has one per write key; they live as long
    /// as the page).
    static INSTANCES: OneThread<RefCell<Vec<Analytics>>> = OneThread(RefCell::new(Vec::new()));

    /// One analytics instance (the JS facade wraps it in the analytics.js API). Rust callers (the
    /// browser tests) use it directly; JavaScript reaches it by number through the exports below.
    #[derive(Clone, Copy)]
    pub struct Analytics {
        shared: Shared,
    }

    impl Analytics {
        /// Creates the instance from the init options as JSON text (plus `writeKey`, `apiHost`
        /// and the facade's `_env` browser facts) and starts delivery.
        pub fn new(options_json: String) -> Analytics {
            Analytics { shared: runtime::start(&options_json) }
        }

        fn with<T>(&self, busy: T, f: impl FnOnce(&mut Runtime) -> T) -> T {
            match self.shared.try_borrow_mut() {
                Ok(mut runtime) => f(&mut runtime),
                Err(_) => busy,
            }
        }

        /// One tracking call: the method, the argument kinds and texts and the page snapshot
        /// `{c,p,u,s,t,r}` JSON ([`CallTexts`]), and the call time. Returns the event body, or `None`
        /// when the call produces no event (see `takeWarnings`). With `enqueue` the event is also
        /// queued (no source middleware to run first).
        pub fn build(&self, call: &CallTexts, now_ms: f64, enqueue: bool) -> Option<String> {
            let body = self.with(None, |rt| rt.build(call.method, call.kinds, &call.args, call.page_json, now_ms, enqueue));
            if enqueue && body.is_some() {
                runtime::schedule(&self.shared);
            }
            body
        }

        /// Everything else the facade asks, by [`op`] number: `IDENTITY` (one `user()`/`group()`
        /// value by [`field`] number: the anonymousId, made and stored when there is none; the userId
        /// or group id, `None` when unset; traits as JSON object text), `SET_IDENTITY` (sets one; a
        /// `None` text forgets it, traits clear to `{}`; answers the stored anonymousId for
        /// `ANONYMOUS_ID`, the consent flags digit for `CONSENT`), `ENQUEUE` (a built, possibly
        /// middleware-modified event body, persisted and sent at the end of the current task),
        /// `FLUSH` (`analytics.flush()`: send what is queued now), `QUEUE_STATE` (JSON
        /// `{pending, inFlight, delivered, dropped, offline}`), `TAKE_WARNINGS` (debug-mode log lines
        /// since the last call, newline-separated; the first call also names unsupported init
        /// options) and `RESET` (`reset()`: forget the identity in every store). Busy (a re-entrant
        /// call), every operation answers `None` (`www/src/load.js` reads it as the neutral value).
        pub fn call(&self, op: u32, field: u32, text: Option<String>) -> Option<String> {
            match op {
                op::FLUSH => runtime::drive(&self.shared, Mode::Flush),
                op::ENQUEUE => {
                    self.with((), |rt| rt.enqueue(text.unwrap_or_default()));
                    runtime::schedule(&self.shared);
                }
                op::SET_IDENTITY if field == field::CONSENT => {
                    return runtime::choose_consent_digit(&self.shared, text.as_deref().unwrap_or_default());
                }
                _ => {
                    return self.with(None, |rt| match op {
                        op::IDENTITY => rt.identity(field),
                        op::SET_IDENTITY => rt.set_identity(field, text.as_deref()),
                        op::QUEUE_STATE => Some(rt.queue_state()),
                        op::TAKE_WARNINGS => Some(rt.take_warnings()),
                        op::RESET => {
                            rt.reset();
                            None
                        }
                        _ => None,
                    });
                }
            }
            None
        }

        /// One `user()`/`group()` value by [`field`] number (`call(IDENTITY, field)`).
        pub fn identity(&self, field: u32) -> Option<String> {
            self.call(op::IDENTITY, field, None)
        }

        /// `reset()` (`call(RESET)`).
        pub fn reset(&self) {
            self.call(op::RESET, 0, None);
        }

        /// Registers `listener(reason, messageId)`, told about every event dropped by delivery.
        pub fn on_drop(&self, listener: JsValue) {
            self.with((), |rt| rt.set_drop_listener(Some(listener)));
        }
    }

    fn instance(handle: u32) -> Option<Analytics> {
        INSTANCES.0.try_borrow().ok()?.get(handle as usize).copied()
    }

    /// Creates an instance ([`Analytics::new`]) whose delivery drops are told to `on_drop(reason,
    /// messageId)`; returns its number for [`build`] and [`call`].
    #[wasm_bindgen]
    pub fn create(options_json: String, on_drop: JsValue) -> u32 {
        let analytics = Analytics::new(options_json);
        analytics.on_drop(on_drop);
        let Ok(mut instances) = INSTANCES.0.try_borrow_mut() else { return u32::MAX };
        instances.push(analytics);
        instances.len() as u32 - 1
    }

    /// [`Analytics::build`] on instance `handle`; `call` is the method, the kinds and the texts
    /// packed into one string ([`call_texts`]: one string argument to copy in instead of seven).
    #[wasm_bindgen]
    pub fn build(handle: u32, call: &str, now_ms: f64, enqueue: bool) -> Option<String> {
        instance(handle)?.build(&call_texts::unpack(call)?, now_ms, enqueue)
    }

    /// [`Analytics::call`] on instance `handle`.
    #[wasm_bindgen]
    pub fn call(handle: u32, op: u32, field: u32, text: Option<String>) -> Option<String> {
        instance(handle)?.call(op, field, text)
    }
}
