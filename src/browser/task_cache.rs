//! A value remembered until the end of the current task: browser storage reads are the most
//! expensive part of a tracking call, one call reads several keys, and a burst of calls runs in
//! one task. Forgotten in the next microtask (so changes made by other tabs or by the page's own
//! scripts between tasks are seen) and, by the owner, on every write.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

/// One remembered value, shared with the microtask that forgets it.
pub struct TaskCache<T> {
    slot: Rc<RefCell<Option<T>>>,
}

impl<T: 'static> TaskCache<T> {
    /// An empty cache.
    pub fn new() -> Self {
        TaskCache { slot: Rc::new(RefCell::new(None)) }
    }

    /// Runs `read` on the remembered value, if there is one.
    pub fn with<R>(&self, read: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.slot.borrow_mut().as_mut().map(read)
    }

    /// Remembers `value` until the next microtask (when none can be scheduled, remembers nothing).
    pub fn remember(&self, value: T) {
        let Some(window) = web_sys::window() else { return };
        let slot = self.slot.clone();
        let forget = Closure::once_into_js(move || {
            slot.replace(None);
        });
        window.queue_microtask(forget.unchecked_ref());
        self.slot.replace(Some(value));
    }

    /// Forgets the value now (after a write).
    pub fn forget(&self) {
        self.slot.replace(None);
    }
}

impl<T: 'static> Default for TaskCache<T> {
    fn default() -> Self {
        Self::new()
    }
}
