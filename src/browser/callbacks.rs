//! The one way JavaScript calls back into the shell: Rust callbacks wait here under a numeric id, and
//! `host.js` wakes them through a single plain wasm export, `wake(id, a, b)` (numbers only: no
//! wasm-bindgen closure, so no closure shims, reference count or destructor in the wasm or the glue). One
//! entry in all (instead of one per timer, fetch, listener and lock) keeps the glue and the wasm small.
//!
//! A one-shot callback leaves the table before it runs; a repeating one leaves it while it runs (so
//! a wake from inside itself is skipped, not re-entered) and comes back unless cancelled meanwhile. No borrow of the table is held while a callback runs, so
//! callbacks may register and cancel others. Single-threaded (wasm32 without atomics). Must not
//! import: the runtime or the core.

use std::cell::{Cell, RefCell};

use crate::browser::host;

enum Slot {
    Once(Box<dyn FnOnce(f64, f64)>),
    Many(Box<dyn FnMut(f64, f64)>),
    /// A repeating callback that is running now.
    Running,
}

/// A `static` of the page's one wasm thread: `thread_local!` would add a lazy-init check and a
/// panic path to every access.
pub struct OneThread<T>(pub T);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread (see size_class_alloc).
unsafe impl<T> Sync for OneThread<T> {}

static SLOTS: OneThread<RefCell<Vec<(i32, Slot)>>> = OneThread(RefCell::new(Vec::new()));
static NEXT_ID: OneThread<Cell<i32>> = OneThread(Cell::new(0));

fn register(slot: Slot) -> i32 {
    let id = NEXT_ID.0.get();
    NEXT_ID.0.set(id.wrapping_add(1));
    if id == 0 {
        // The wasm's exports, where `host.js` finds `wake` (by that name: www/short-names.mjs keeps it).
        host::init(&wasm_bindgen::exports());
    }
    if let Ok(mut slots) = SLOTS.0.try_borrow_mut() {
        slots.push((id, slot));
    }
    id
}

/// Registers `f` to run once when its id is woken; returns the id.
pub fn once(f: impl FnOnce(f64, f64) + 'static) -> i32 {
    register(Slot::Once(Box::new(f)))
}

/// Registers `f` to run every time its id is woken, until [`cancel`]; returns the id.
pub fn many(f: impl FnMut(f64, f64) + 'static) -> i32 {
    register(Slot::Many(Box::new(f)))
}

/// Forgets the callback `id` (it will not run).
pub fn cancel(id: i32) {
    drop(take(id, false));
}

/// Puts a repeating callback back after its run, unless it was cancelled meanwhile.
fn put_back(id: i32, f: Box<dyn FnMut(f64, f64)>) {
    if let Ok(mut slots) = SLOTS.0.try_borrow_mut() {
        if let Some((_, slot @ Slot::Running)) = slots.iter_mut().find(|(key, _)| *key == id) {
            *slot = Slot::Many(f);
        }
    }
}

/// Runs `f` in a microtask: after the current script, before the next task.
pub fn soon(f: impl FnOnce() + 'static) {
    host::soon(once(move |_, _| f()), 0.0, 0.0);
}

/// Removes callback `id` from the table; with `to_run`, a repeating one leaves [`Slot::Running`] in
/// its place.
fn take(id: i32, to_run: bool) -> Option<Slot> {
    let mut slots = SLOTS.0.try_borrow_mut().ok()?;
    let at = slots.iter().position(|(key, _)| *key == id)?;
    match slots.get_mut(at) {
        Some((_, slot @ Slot::Many(_))) if to_run => Some(std::mem::replace(slot, Slot::Running)),
        Some((_, Slot::Running)) if to_run => None,
        _ => Some(slots.swap_remove(at).1),
    }
}

/// The entry `host.js` calls: runs the callback `id` with `(a, b)`. A plain export (numbers in, nothing
/// out, no glue) and re-entrant: a callback may synchronously cause another wake (an event dispatched from
/// inside a listener).
#[no_mangle]
pub extern "C" fn wake(id: i32, a: f64, b: f64) {
    match take(id, true) {
        Some(Slot::Once(f)) => f(a, b),
        Some(Slot::Many(mut f)) => {
            f(a, b);
            put_back(id, f);
        }
        Some(Slot::Running) | None => {}
    }
}
