//! The wasm build's global allocator: size classes with one free list each.
//!
//! Why: Rust's default wasm allocator (dlmalloc) is ~9 KB of code (~3.5 KB gzip), a large share of
//! the library's byte budget. A tracker allocates small strings and vectors whose sizes repeat, so
//! size classes serve it in O(1) for alloc and free, in a few hundred bytes of code. `realloc` is
//! `GlobalAlloc`'s own (alloc, copy, free): an in-place answer for a new size in the same class
//! saved a copy only in that rare case (growth by doubling changes the class) and cost ~100 B of wasm.
//! Classes are `m × 2^k` bytes with `m` in 4..=7 (16, 20, 24, 28, 32, 40, 48, …), so a block wastes at
//! most a quarter of itself; freed blocks are reused only by their own class (wasm memory never
//! shrinks anyway).
//!
//! A block of size `c` is aligned to the largest power of two dividing `c` (at most `MAX_ALIGN`).
//! Sizes are rounded up to a multiple of the alignment before picking the class, which makes that
//! alignment enough for every layout mapped to the class. Layouts asking for more than `MAX_ALIGN`
//! get null (none exist here). The wasm32 target without threads is single-threaded, which makes
//! the `UnsafeCell` sound. Must not import: anything but `core`.
//!
//! The bump region starts at the linker's `__heap_base` (the end of the stack and static data), not
//! at the end of the memory the module starts with: the linker rounds that memory up to whole
//! 64 KiB pages, and the tail of the last page (~58 KiB in this build) would otherwise stay unused.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const PAGE: usize = 65_536;
/// Largest alignment a block guarantees (and the bump pointer's alignment cap for big blocks).
const MAX_ALIGN: usize = 4_096;
/// Four classes per power of two, `k` from 2 (16-byte blocks hold the free-list link) to 31.
const CLASSES: usize = 128;
// The largest class index `class_of` can answer: `k` ≤ `usize::BITS - 3`, plus one when `m` is 8,
// with `m - 4` ≤ 3. Below `CLASSES`, so masking an index with `CLASSES - 1` never changes it.
const _: () = assert!(4 * (usize::BITS as usize - 2) + 3 < CLASSES);

extern "C" {
    /// Defined by the wasm linker (lld): its address is the first byte after the stack and the static
    /// data, below the end of the initial memory. Nothing else in the module uses the bytes above it.
    static __heap_base: u8;
}

struct State {
    /// Head of each class's free list (0 = empty); the link is stored in the block's first word.
    free: [usize; CLASSES],
    /// Bump region: fresh blocks are carved from `next..end`; `end` is the memory's end (0 until
    /// the first carve, which starts the region at `__heap_base`).
    next: usize,
    end: usize,
}

/// The allocator; registered with `#[global_allocator]` in `browser/mod.rs`.
pub struct SizeClassAlloc(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread.
unsafe impl Sync for SizeClassAlloc {}

impl SizeClassAlloc {
    /// An allocator that starts carving at `__heap_base` (one instance per module: two would carve
    /// the same bytes).
    pub const fn new() -> Self {
        SizeClassAlloc(UnsafeCell::new(State { free: [0; CLASSES], next: 0, end: 0 }))
    }
}

impl Default for SizeClassAlloc {
    fn default() -> Self {
        Self::new()
    }
}

/// The class of a layout: its index (`4k + m - 4`) and block size `m × 2^k`; `None` when the
/// alignment exceeds `MAX_ALIGN` or the size overflows (public for the browser tests).
pub fn class_of(layout: &Layout) -> Option<(usize, usize)> {
    let align = layout.align();
    if align > MAX_ALIGN {
        return None;
    }
    let size = layout.size().max(16).checked_add(align - 1)? & !(align - 1);
    let log2 = (usize::BITS - 1 - size.leading_zeros()) as usize;
    let mut k = log2.saturating_sub(2).max(2);
    let mut m = size.checked_add((1 << k) - 1)? >> k;
    if m == 8 {
        (m, k) = (4, k + 1);
    }
    Some((4 * k + m - 4, m.checked_mul(1 << k)?))
}

impl State {
    /// A fresh block of `block` bytes from the bump region, growing memory when needed.
    fn carve(&mut self, block: usize) -> *mut u8 {
        let align = (block & block.wrapping_neg()).min(MAX_ALIGN);
        if self.end == 0 {
            self.end = wasm32::memory_size(0) * PAGE;
            self.next = core::ptr::addr_of!(__heap_base) as usize; // the address only, never read
        }
        let start = (self.next + align - 1) & !(align - 1);
        let Some(stop) = start.checked_add(block) else { return null_mut() };
        if stop > self.end {
            let pages = (stop - self.end).div_ceil(PAGE);
            if wasm32::memory_grow(0, pages) == usize::MAX {
                return null_mut();
            }
            self.end += pages * PAGE;
        }
        self.next = stop;
        start as *mut u8
    }
}

unsafe impl GlobalAlloc for SizeClassAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((class, block)) = class_of(&layout) else { return null_mut() };
        // Below `CLASSES` already (see the assertion at the top): the mask only lets the compiler
        // drop the bounds check (and its panic path).
        let class = class & (CLASSES - 1);
        let state = &mut *self.0.get();
        let head = state.free[class];
        if head == 0 {
            return state.carve(block);
        }
        state.free[class] = *(head as *const usize);
        head as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some((class, _)) = class_of(&layout) {
            let class = class & (CLASSES - 1); // see `alloc`
            let state = &mut *self.0.get();
            *(ptr as *mut usize) = state.free[class];
            state.free[class] = ptr as usize;
        }
    }
}
