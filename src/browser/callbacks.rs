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

/// A waiting callback. Its own trait rather than `dyn FnOnce`/`dyn FnMut`: their vtables carry a
/// `call_once` shim per closure, this one only `run`. The runtime implements it once for all its
/// callbacks (plain data naming what to do), instead of one closure type (one `run` copy) each.
pub trait Run {
    /// Runs the callback with the two numbers `host.js` passed to `wake`.
    fn run(&mut self, a: f64, b: f64);
}

/// A one-shot callback (taken out of the table before it runs, so it runs at most once).
struct Once<F>(Option<F>);

impl<F: FnOnce(f64, f64)> Run for Once<F> {
    fn run(&mut self, a: f64, b: f64) {
        if let Some(f) = self.0.take() {
            f(a, b);
        }
    }
}

/// A repeating callback.
struct Many<F>(F);

impl<F: FnMut(f64, f64)> Run for Many<F> {
    fn run(&mut self, a: f64, b: f64) {
        (self.0)(a, b);
    }
}

/// A registered callback; `f` is `None` while a repeating one runs.
struct Slot {
    id: i32,
    repeat: bool,
    f: Option<Box<dyn Run>>,
}

/// A `static` of the page's one wasm thread: `thread_local!` would add a lazy-init check and a
/// panic path to every access.
pub struct OneThread<T>(pub T);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread (see size_class_alloc).
unsafe impl<T> Sync for OneThread<T> {}

static SLOTS: OneThread<RefCell<Vec<Slot>>> = OneThread(RefCell::new(Vec::new()));
static NEXT_ID: OneThread<Cell<i32>> = OneThread(Cell::new(0));

/// Registers `f` to run when its id is woken (every time with `repeat`, until [`cancel`]; else once);
/// returns the id.
pub fn register(repeat: bool, f: Box<dyn Run>) -> i32 {
    let id = NEXT_ID.0.get();
    NEXT_ID.0.set(id.wrapping_add(1));
    // `host.js` finds `wake` on the wasm's exports.
    host::ready();
    if let Ok(mut slots) = SLOTS.0.try_borrow_mut() {
        slots.push(Slot { id, repeat, f: Some(f) });
    }
    id
}

/// Registers `f` to run once when its id is woken; returns the id.
pub fn once(f: impl FnOnce(f64, f64) + 'static) -> i32 {
    register(false, Box::new(Once(Some(f))))
}

/// Registers `f` to run every time its id is woken, until [`cancel`]; returns the id.
pub fn many(f: impl FnMut(f64, f64) + 'static) -> i32 {
    register(true, Box::new(Many(f)))
}

/// Forgets the callback `id` (it will not run).
pub fn cancel(id: i32) {
    drop(take(id, false));
}

/// Puts a repeating callback back after its run, unless it was cancelled meanwhile (a one-shot
/// callback has no slot left: it is dropped here).
fn put_back(id: i32, f: Box<dyn Run>) {
    if let Ok(mut slots) = SLOTS.0.try_borrow_mut() {
        if let Some(slot) = slots.iter_mut().find(|slot| slot.id == id) {
            slot.f = Some(f);
        }
    }
}

/// Runs `f` in a microtask: after the current script, before the next task.
pub fn soon(f: impl FnOnce() + 'static) {
    host::soon(once(move |_, _| f()), 0.0, 0.0);
}

/// Removes callback `id` from the table; with `to_run`, a repeating one leaves its slot behind, empty
/// while it runs (`None`: it is running now).
fn take(id: i32, to_run: bool) -> Option<Box<dyn Run>> {
    let mut slots = SLOTS.0.try_borrow_mut().ok()?;
    let at = slots.iter().position(|slot| slot.id == id)?;
    match slots.get_mut(at) {
        Some(slot) if to_run && slot.repeat => slot.f.take(),
        _ => slots.swap_remove(at).f,
    }
}

/// The entry `host.js` calls: runs the callback `id` with `(a, b)`. A plain export (numbers in, nothing
/// out, no glue) and re-entrant: a callback may synchronously cause another wake (an event dispatched from
/// inside a listener).
#[no_mangle]
pub extern "C" fn wake(id: i32, a: f64, b: f64) {
    if let Some(mut f) = take(id, true) {
        f.run(a, b);
        put_back(id, f);
    }
}
