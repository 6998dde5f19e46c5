//! wasm-analytics: analytics.js-compatible browser tracking in Rust/WebAssembly.
//!
//! `core` holds every rule and is tested on the host; `browser` is the thin shell over one JS host (`src/browser/host.js`); the
//! exports below (plain wasm functions that `host.js` wraps) are the only surface JavaScript sees.
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
    //! The exported surface: three functions over numbered instances (`create`, `build`, `call`:
    //! plain wasm exports, wrapped by the functions of the same names in `host.js`, which the glue
    //! re-exports), thin forwards to [`runtime::Runtime`] methods (argument shapes only: no rule and no state
    //! here besides the instance list and the texts in transit). Few exports with plain arguments
    //! because each export costs wasm and glue; `www/src/load.js` turns them back into the core object
    //! the facade calls (its `op` numbers: [`crate::js_contract::op`]). Every function is infallible:
    //! strings in and out, `None` for JavaScript `null`/`undefined`, nothing ever throws (a
    //! re-entrant call that finds the state busy, or a call on an unknown instance, answers `None`:
    //! `load.js` turns it into the neutral value).
    use std::cell::{Cell, RefCell};

    use crate::browser::callbacks::OneThread;
    use crate::browser::host;
    use crate::browser::runtime::{self, Shared};
    use crate::core::delivery::Mode;
    use crate::core::event::call_texts::{self, CallTexts};
    use crate::js_contract::{field, op};

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

        /// One tracking call: the method, the argument kinds and texts and the page snapshot
        /// `{c,p,u,s,t,r}` JSON ([`CallTexts`]), and the call time. Returns the event body, or `None`
        /// when the call produces no event (see `takeWarnings`). With `enqueue` the event is also
        /// queued (no source middleware to run first).
        pub fn build(&self, call: &CallTexts, now_ms: f64, enqueue: bool) -> Option<String> {
            let body = match self.shared.try_borrow_mut() {
                Ok(mut rt) => rt.build(call.method, call.kinds, &call.args, call.page_json, now_ms, enqueue),
                Err(_) => None,
            };
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
        /// `{pending, inFlight, delivered, dropped, offline}`), `TAKE_WARNINGS` (the line naming
        /// unsupported init options, once, when there are any: the facade asks at load; otherwise
        /// the debug reason numbers of repairs and refusals since the last call, one character per
        /// reason, not lines: `www/src/analytics.js` reads each character's code) and `RESET`
        /// (`reset()`: forget the identity in every store). Busy (a re-entrant call), every
        /// operation answers `None` (`www/src/load.js` reads it as the neutral value).
        pub fn call(&self, op: u32, field: u32, text: Option<String>) -> Option<String> {
            match op {
                op::FLUSH => {
                    runtime::drive(&self.shared, Mode::Flush);
                    return None;
                }
                op::SET_IDENTITY if field == field::CONSENT => {
                    return runtime::choose_consent_digit(&self.shared, text.as_deref().unwrap_or_default());
                }
                _ => {}
            }
            // One borrow for every other operation (busy: `None`), released before `schedule`.
            let answer = match self.shared.try_borrow_mut() {
                Ok(mut rt) => match op {
                    op::ENQUEUE => {
                        rt.enqueue(text.unwrap_or_default());
                        None
                    }
                    op::IDENTITY => rt.identity(field),
                    op::SET_IDENTITY => rt.set_identity(field, text.as_deref()),
                    op::QUEUE_STATE => Some(rt.queue_state()),
                    op::TAKE_WARNINGS => Some(rt.take_warnings()),
                    op::RESET => {
                        rt.reset();
                        None
                    }
                    _ => None,
                },
                Err(_) => None,
            };
            if op == op::ENQUEUE {
                runtime::schedule(&self.shared);
            }
            answer
        }

        /// One `user()`/`group()` value by [`field`] number (`call(IDENTITY, field)`).
        pub fn identity(&self, field: u32) -> Option<String> {
            self.call(op::IDENTITY, field, None)
        }

        /// `reset()` (`call(RESET)`).
        pub fn reset(&self) {
            self.call(op::RESET, 0, None);
        }
    }

    fn instance(handle: u32) -> Option<Analytics> {
        INSTANCES.0.try_borrow().ok()?.get(handle as usize).copied()
    }

    // The three exports are plain wasm functions (`#[no_mangle]`, numbers in and out) and `host.js` passes
    // the texts (`create`, `build`, `call` there, re-exported by the glue): a `#[wasm_bindgen]` export
    // costs a wrapper that spills every argument to the stack for a closure (`maybe_catch_unwind`, not
    // inlined at opt-level z), a multi-value shim and the glue's conversions, ~1.5 KB of wasm for three.
    // A text goes in through `host::alloc` and is taken by the next export; an answer text stays here until
    // the next answer, at the `[address, length]` the export returns (0 for none).

    /// The last answer text, kept alive while `host.js` reads it.
    static ANSWER: OneThread<Cell<String>> = OneThread(Cell::new(String::new()));
    /// Where [`ANSWER`] lies: `[address, length]`.
    static SPAN: OneThread<Cell<[usize; 2]>> = OneThread(Cell::new([0; 2]));

    /// Keeps `text` for `host.js` to read; returns where its `[address, length]` is, 0 for `None`.
    fn answer(text: Option<String>) -> usize {
        let Some(text) = text else { return 0 };
        SPAN.0.set([text.as_ptr() as usize, text.len()]);
        ANSWER.0.set(text);
        SPAN.0.as_ptr() as usize
    }

    /// Creates an instance ([`Analytics::new`]) from the options text copied in; returns its number for
    /// [`build`] and [`call`], under which `host.js` holds the listener its delivery drops are told to
    /// (from then on: as before, none during the start itself).
    #[no_mangle]
    pub extern "C" fn create() -> u32 {
        let options_json = host::take_text();
        let analytics = Analytics::new(options_json);
        let Ok(mut instances) = INSTANCES.0.try_borrow_mut() else { return u32::MAX };
        let handle = instances.len() as u32;
        instances.push(analytics);
        if let Ok(mut rt) = analytics.shared.try_borrow_mut() {
            rt.set_drop_listener(handle);
        }
        handle
    }

    /// [`Analytics::build`] on instance `handle`; the text copied in is the method, the kinds and the texts
    /// packed into one string ([`call_texts`]); `enqueue` is 0 or 1.
    #[no_mangle]
    pub extern "C" fn build(handle: u32, now_ms: f64, enqueue: u32) -> usize {
        let call = host::take_text();
        let Some(analytics) = instance(handle) else { return 0 };
        let Some(texts) = call_texts::unpack(&call) else { return 0 };
        answer(analytics.build(&texts, now_ms, enqueue != 0))
    }

    /// [`Analytics::call`] on instance `handle`, with the text copied in when `has_text` is 1.
    #[no_mangle]
    pub extern "C" fn call(handle: u32, op: u32, field: u32, has_text: u32) -> usize {
        // Without a text, host.js copied none in (every export and binding takes its own).
        let text = (has_text != 0).then(host::take_text);
        let Some(analytics) = instance(handle) else { return 0 };
        answer(analytics.call(op, field, text))
    }
}
