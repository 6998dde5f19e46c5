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
    //! The `#[wasm_bindgen]` surface: thin forwards to [`Runtime`] methods (argument
    //! shapes only: no rule and no state here). Every method is
    //! infallible: strings in and out, `None` for JavaScript `null`/`undefined`, nothing ever
    //! throws (a re-entrant call that finds the state busy answers with a neutral value).
    use crate::browser::runtime::{self, Runtime, Shared};
    use crate::core::delivery::Mode;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// One analytics instance (the JS facade wraps it in the analytics.js API).
    #[wasm_bindgen]
    pub struct Analytics {
        shared: Shared,
    }

    impl Analytics {
        fn with<T>(&self, busy: T, f: impl FnOnce(&mut Runtime) -> T) -> T {
            match self.shared.try_borrow_mut() {
                Ok(mut runtime) => f(&mut runtime),
                Err(_) => busy,
            }
        }
    }

    #[wasm_bindgen]
    impl Analytics {
        /// Creates the instance from the init options as JSON text (plus `writeKey`, `apiHost`
        /// and the facade's `_env` browser facts) and starts delivery.
        #[wasm_bindgen(constructor)]
        pub fn new(options_json: String) -> Analytics {
            Analytics { shared: runtime::start(&options_json) }
        }

        /// One tracking call: `method` (`track`, `page`, …), the argument kinds string and the
        /// argument texts, the page snapshot `{c,p,u,s,t,r}` JSON and the call time. Returns the
        /// event body, or `None` when the call produces no event (see `takeWarnings`). With
        /// `enqueue` the event is also queued (no source middleware to run first).
        #[allow(clippy::too_many_arguments)]
        pub fn build(
            &self,
            method: &str,
            kinds: &str,
            a0: Option<String>,
            a1: Option<String>,
            a2: Option<String>,
            a3: Option<String>,
            a4: Option<String>,
            page_json: Option<String>,
            now_ms: f64,
            enqueue: bool,
        ) -> Option<String> {
            let owned = [a0, a1, a2, a3, a4];
            let args: Vec<&str> = owned.iter().map(|a| a.as_deref().unwrap_or("")).collect();
            let page = page_json.unwrap_or_default();
            let body = self.with(None, |rt| rt.build(method, kinds, &args, &page, now_ms, enqueue));
            if enqueue && body.is_some() {
                runtime::schedule(&self.shared);
            }
            body
        }

        /// Queues a built (possibly middleware-modified) event; it is persisted and sent at the end
        /// of the current task.
        pub fn enqueue(&self, body: String) {
            self.with((), |rt| rt.enqueue(body));
            runtime::schedule(&self.shared);
        }

        /// `analytics.flush()`: sends what is queued now, without the batching delay.
        pub fn flush(&self) {
            runtime::drive(&self.shared, Mode::Flush);
        }

        /// The queue state as JSON: `{pending, inFlight, delivered, dropped, offline}`.
        #[wasm_bindgen(js_name = queueState)]
        pub fn queue_state(&self) -> String {
            self.with(String::from("{}"), |rt| rt.queue_state())
        }

        /// Debug-mode log lines (repairs, refusals) since the last call, newline-separated. The first
        /// call also returns the line naming unsupported init options (the facade takes it at load).
        #[wasm_bindgen(js_name = takeWarnings)]
        pub fn take_warnings(&self) -> String {
            self.with(String::new(), Runtime::take_warnings)
        }

        /// Registers `listener(reason, messageId)`, told about every event dropped by delivery.
        #[wasm_bindgen(js_name = onDrop)]
        pub fn on_drop(&self, listener: Option<wasm_bindgen::JsValue>) {
            self.with((), |rt| rt.set_drop_listener(listener));
        }

        /// One `user()`/`group()` value by [`crate::js_contract::field`] number: the anonymousId (made and stored when
        /// there is none), the userId or group id (`None` when unset), the user or group traits as
        /// JSON object text. One export for the five (each export costs glue and a wasm shim).
        pub fn identity(&self, field: u32) -> Option<String> {
            self.with(None, |rt| rt.identity(field))
        }

        /// Sets one `user()`/`group()` value by [`crate::js_contract::field`] number; `None` (JavaScript `null`) forgets
        /// it (traits: clears to `{}`). Ids leave traits untouched. Returns the stored anonymousId
        /// for [`crate::js_contract::field::ANONYMOUS_ID`], else `None`.
        #[wasm_bindgen(js_name = setIdentity)]
        pub fn set_identity(&self, field: u32, value: Option<String>) -> Option<String> {
            if field == crate::js_contract::field::CONSENT {
                return runtime::choose_consent_digit(&self.shared, value.as_deref().unwrap_or_default());
            }
            self.with(None, |rt| rt.set_identity(field, value.as_deref()))
        }

        /// `reset()`: forgets anonymousId, userId, traits and group in every store.
        pub fn reset(&self) {
            self.with((), Runtime::reset);
        }
    }
}
