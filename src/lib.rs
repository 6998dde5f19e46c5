//! wasm-analytics: analytics.js-compatible browser tracking in Rust/WebAssembly.
//!
//! `core` holds every rule and is tested on the host; `browser` is the web-sys shell; the
//! `#[wasm_bindgen]` exports below are the only surface JavaScript sees.
#![deny(missing_docs)]

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod browser;

#[cfg(target_arch = "wasm32")]
pub use exports::Analytics;

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The `#[wasm_bindgen]` surface: thin forwards into `browser::runtime::Runtime`. Every method is
    //! infallible: strings in and out, `None` for JavaScript `null`/`undefined`, nothing ever throws.
    use crate::browser::runtime::Runtime;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// One analytics instance (the JS facade wraps it in the analytics.js API).
    #[wasm_bindgen]
    pub struct Analytics {
        runtime: Runtime,
    }

    #[wasm_bindgen]
    impl Analytics {
        /// Creates the instance from the analytics.js init options as JSON text.
        #[wasm_bindgen(constructor)]
        pub fn new(options_json: String) -> Analytics {
            Analytics { runtime: Runtime::new(&options_json) }
        }

        /// `user().anonymousId()`: the anonymousId, made and stored when there is none.
        #[wasm_bindgen(js_name = anonymousId)]
        pub fn anonymous_id(&mut self) -> String {
            let runtime = &mut self.runtime;
            runtime.identity.anonymous_id(&mut runtime.random)
        }

        /// `setAnonymousId(id)`: overrides it; `null` forgets it. Returns the stored id.
        #[wasm_bindgen(js_name = setAnonymousId)]
        pub fn set_anonymous_id(&mut self, id: Option<String>) -> Option<String> {
            self.runtime.identity.set_anonymous_id(id.as_deref())
        }

        /// `user().id()`: the userId or `null`.
        #[wasm_bindgen(js_name = userId)]
        pub fn user_id(&mut self) -> Option<String> {
            self.runtime.identity.user_id()
        }

        /// `user().id(x)`: sets (or with `null` clears) the userId; traits untouched.
        #[wasm_bindgen(js_name = setUserId)]
        pub fn set_user_id(&mut self, id: Option<String>) {
            self.runtime.identity.set_user_id(id.as_deref());
        }

        /// The identity part of `identify(userId?, traits?)` (traits as JSON object text).
        pub fn identify(&mut self, user_id: Option<String>, traits_json: Option<String>) {
            self.runtime.identity.identify(user_id.as_deref(), traits_json.as_deref());
        }

        /// `user().traits()` as JSON object text.
        #[wasm_bindgen(js_name = userTraits)]
        pub fn user_traits(&self) -> String {
            self.runtime.identity.user_traits()
        }

        /// `user().traits(obj)`: replaces them; `null` clears to `{}`.
        #[wasm_bindgen(js_name = setUserTraits)]
        pub fn set_user_traits(&mut self, traits_json: Option<String>) {
            self.runtime.identity.set_user_traits(traits_json.as_deref());
        }

        /// `group().id()`: the group id or `null`.
        #[wasm_bindgen(js_name = groupId)]
        pub fn group_id(&mut self) -> Option<String> {
            self.runtime.identity.group_id()
        }

        /// `group().id(x)`: sets (or clears) the group id; traits untouched.
        #[wasm_bindgen(js_name = setGroupId)]
        pub fn set_group_id(&mut self, id: Option<String>) {
            self.runtime.identity.set_group_id(id.as_deref());
        }

        /// The identity part of `group(groupId?, traits?)`.
        pub fn group(&mut self, group_id: Option<String>, traits_json: Option<String>) {
            self.runtime.identity.group(group_id.as_deref(), traits_json.as_deref());
        }

        /// `group().traits()` as JSON object text.
        #[wasm_bindgen(js_name = groupTraits)]
        pub fn group_traits(&self) -> String {
            self.runtime.identity.group_traits()
        }

        /// `group().traits(obj)`: replaces them; `null` clears to `{}`.
        #[wasm_bindgen(js_name = setGroupTraits)]
        pub fn set_group_traits(&mut self, traits_json: Option<String>) {
            self.runtime.identity.set_group_traits(traits_json.as_deref());
        }

        /// `reset()`: forgets anonymousId, userId, traits and group in every store.
        pub fn reset(&mut self) {
            self.runtime.identity.reset();
        }
    }
}
