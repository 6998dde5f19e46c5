//! wasm-analytics: analytics.js-compatible browser tracking in Rust/WebAssembly.
//!
//! `core` holds every rule and is tested on the host; `browser` is the thin shell over one JS host (`src/browser/host.js`); the
//! `#[wasm_bindgen]` exports below are the only surface JavaScript sees.
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
    //! The `#[wasm_bindgen]` surface: thin forwards into `browser::runtime`. Every method is
    //! infallible: strings in and out, `None` for JavaScript `null`/`undefined`, nothing ever
    //! throws (a re-entrant call that finds the state busy answers with a neutral value).
    use crate::browser::runtime::{self, Runtime, Shared};
    use crate::core::event::args::Method;
    use crate::core::delivery::Mode;
    use crate::js_contract::field;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// One analytics instance (the JS facade wraps it in the analytics.js API).
    #[wasm_bindgen]
    pub struct Analytics {
        shared: Shared,
    }

    const METHODS: [(&str, Method); 6] = [
        ("track", Method::Track),
        ("page", Method::Page),
        ("screen", Method::Screen),
        ("identify", Method::Identify),
        ("group", Method::Group),
        ("alias", Method::Alias),
    ];

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
            let method = METHODS.iter().find(|(name, _)| *name == method)?.1;
            let owned = [a0, a1, a2, a3, a4];
            let args: Vec<&str> = owned.iter().map(|a| a.as_deref().unwrap_or("")).collect();
            let page = page_json.unwrap_or_default();
            let body = self.with(None, |rt| match rt.tracker.build(method, kinds, &args, &page, now_ms, &mut rt.random) {
                Ok(built) => {
                    let body = built.body.clone();
                    if enqueue {
                        rt.tracker.enqueue_built(built, crate::browser::host::now_ms());
                    }
                    Some(body)
                }
                Err(reason) => {
                    rt.tracker.note_drop(reason);
                    None
                }
            });
            if enqueue && body.is_some() {
                runtime::schedule(&self.shared);
            }
            body
        }

        /// Queues a built (possibly middleware-modified) event; it is persisted and sent at the end
        /// of the current task.
        pub fn enqueue(&self, body: String) {
            self.with((), |rt| rt.tracker.enqueue(body, crate::browser::host::now_ms()));
            runtime::schedule(&self.shared);
        }

        /// `analytics.flush()`: sends what is queued now, without the batching delay.
        pub fn flush(&self) {
            runtime::drive(&self.shared, Mode::Flush);
        }

        /// The queue state as JSON: `{pending, inFlight, delivered, dropped, offline}`.
        #[wasm_bindgen(js_name = queueState)]
        pub fn queue_state(&self) -> String {
            self.with(String::from("{}"), |rt| rt.tracker.state_json())
        }

        /// Debug-mode log lines (repairs, refusals) since the last call, newline-separated.
        #[wasm_bindgen(js_name = takeWarnings)]
        pub fn take_warnings(&self) -> String {
            // A loop, not `join`: join's generic copy costs ~1 KB of wasm.
            self.with(String::new(), |rt| {
                let mut lines = String::new();
                for (i, line) in rt.tracker.take_warnings().into_iter().enumerate() {
                    if i > 0 {
                        lines.push('\n');
                    }
                    lines.push_str(line);
                }
                lines
            })
        }

        /// Registers `listener(reason, messageId)`, told about every event dropped by delivery.
        #[wasm_bindgen(js_name = onDrop)]
        pub fn on_drop(&self, listener: Option<wasm_bindgen::JsValue>) {
            self.with((), |rt| rt.set_drop_listener(listener));
        }

        /// One `user()`/`group()` value by [`field`] number: the anonymousId (made and stored when
        /// there is none), the userId or group id (`None` when unset), the user or group traits as
        /// JSON object text. One export for the five (each export costs glue and a wasm shim).
        pub fn identity(&self, field: u32) -> Option<String> {
            self.with(None, |rt| {
                let identity = &mut rt.tracker.identity;
                match field {
                    field::ANONYMOUS_ID => Some(identity.anonymous_id(&mut rt.random)),
                    field::USER_ID => identity.user_id(),
                    field::USER_TRAITS => Some(identity.user_traits()),
                    field::GROUP_ID => identity.group_id(),
                    _ => Some(identity.group_traits()),
                }
            })
        }

        /// Sets one `user()`/`group()` value by [`field`] number; `None` (JavaScript `null`) forgets
        /// it (traits: clears to `{}`). Ids leave traits untouched. Returns the stored anonymousId
        /// for [`field::ANONYMOUS_ID`], else `None`.
        #[wasm_bindgen(js_name = setIdentity)]
        pub fn set_identity(&self, field: u32, value: Option<String>) -> Option<String> {
            let value = value.as_deref();
            self.with(None, |rt| {
                let identity = &mut rt.tracker.identity;
                match field {
                    field::ANONYMOUS_ID => return identity.set_anonymous_id(value),
                    field::USER_ID => identity.set_user_id(value),
                    field::USER_TRAITS => identity.set_user_traits(value),
                    field::GROUP_ID => identity.set_group_id(value),
                    _ => identity.set_group_traits(value),
                }
                None
            })
        }

        /// `reset()`: forgets anonymousId, userId, traits and group in every store.
        pub fn reset(&self) {
            self.with((), |rt| rt.tracker.identity.reset());
        }
    }
}
