//! A value remembered until the end of the current task: browser storage reads are the most
//! expensive part of a tracking call, one call reads several keys, and a burst of calls runs in
//! one task. Forgotten in the next microtask (so changes made by other tabs or by the page's own
//! scripts between tasks are seen) and, by the owner, on every write.
//!
//! How: every cache shares one task counter, advanced by a single microtask scheduled on the first
//! `remember` of a task; a value remembered under an older count is forgotten. One microtask per
//! task, however many caches and reads.
//! Must not import the runtime, the stores or the core; imports only `browser::{callbacks, host}`.

use std::cell::{Cell, RefCell, RefMut};

use crate::browser::callbacks::{self, OneThread};
use crate::browser::host;

/// Advanced once per task in which something was remembered; never 0 (a cache's "nothing remembered").
static TASK: OneThread<Cell<u32>> = OneThread(Cell::new(1));
/// Whether the microtask advancing `TASK` is queued.
static QUEUED: OneThread<Cell<bool>> = OneThread(Cell::new(false));

fn current_task() -> u32 {
    TASK.0.get()
}

/// The microtask that advances `TASK`: a plain `callbacks::Run` (no closure, so no `Once<F>` copy).
struct Advance;

impl callbacks::Run for Advance {
    fn run(&mut self, _: f64, _: f64) {
        QUEUED.0.set(false);
        TASK.0.set(current_task().wrapping_add(1).max(1));
    }
}

/// Queues the microtask that advances `TASK`, unless it is queued. Not generic (outside
/// `TaskCache<T>`): one copy, not one per cached type.
fn advance_after_task() {
    if !QUEUED.0.replace(true) {
        host::soon(callbacks::register(false, Box::new(Advance)), 0.0, 0.0);
    }
}

/// One remembered value, tagged with the task it was read in. The tag lives beside the value, so
/// forgetting is one non-generic store (the value is dropped at the next `remember`).
pub struct TaskCache<T> {
    /// The task the value was remembered in; 0 when forgotten (a plain number: no `Option` compare).
    task: Cell<u32>,
    slot: RefCell<Option<T>>,
}

impl<T> TaskCache<T> {
    /// An empty cache.
    pub const fn new() -> Self {
        TaskCache { task: Cell::new(0), slot: RefCell::new(None) }
    }

    /// The remembered value, if there is one from this task (`None` too while it is borrowed).
    /// A guard rather than a closure: one copy of this per cached type, not one per caller.
    pub fn current(&self) -> Option<RefMut<'_, T>> {
        if self.task.get() != current_task() {
            return None;
        }
        RefMut::filter_map(self.slot.try_borrow_mut().ok()?, Option::as_mut).ok()
    }

    /// Remembers `value` until the next microtask.
    pub fn remember(&self, value: T) {
        advance_after_task();
        if let Ok(mut slot) = self.slot.try_borrow_mut() {
            *slot = Some(value);
            self.task.set(current_task());
        }
    }

    /// Forgets the value now (after a write).
    pub fn forget(&self) {
        self.task.set(0);
    }
}

impl<T> Default for TaskCache<T> {
    fn default() -> Self {
        Self::new()
    }
}
