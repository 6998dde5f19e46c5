//! The wasm build's global allocator (`browser::size_class_alloc`) in a real browser: the class table,
//! reuse of freed blocks, and long bursts of mixed sizes that must neither corrupt data nor grow memory
//! once the first burst has carved its blocks (wasm memory never shrinks, a tracker lives for hours).
//! Environment: wasm32 in a browser only (`scripts/test browser`, or
//! `BROWSER_TEST_ARGS="--test browser_alloc" scripts/test browser`).
#![cfg(target_arch = "wasm32")]

use std::alloc::{alloc, dealloc, GlobalAlloc, Layout};
use wasm_analytics::browser::size_class_alloc::{class_of, SizeClassAlloc};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn memory_bytes() -> usize {
    core::arch::wasm32::memory_size(0) * 65_536
}

#[wasm_bindgen_test]
fn class_table() {
    // (size, align) → (class index, block size): four classes per power of two, at most a quarter wasted.
    let rows: &[((usize, usize), Option<(usize, usize)>)] = &[
        ((0, 1), Some((8, 16))), ((1, 1), Some((8, 16))), ((16, 8), Some((8, 16))), ((17, 1), Some((9, 20))),
        ((24, 8), Some((10, 24))), ((32, 1), Some((12, 32))), ((33, 1), Some((13, 40))), ((100, 4), Some((19, 112))),
        ((1000, 1), Some((32, 1024))), ((1025, 1), Some((33, 1280))), ((480_000, 1), Some((68, 524_288))),
        ((10, 4096), Some((40, 4096))), ((1, 8192), None), ((1 << 20, 1), Some((72, 1 << 20))),
    ];
    for &((size, align), want) in rows {
        let layout = Layout::from_size_align(size, align).unwrap();
        let got = class_of(&layout);
        assert_eq!(got, want, "size {size} align {align}");
        if let Some((_, block)) = got {
            assert!(block >= size && block % align == 0, "size {size}: block {block}");
            assert!(size < 16 || block - size <= block / 4 + align, "size {size}: block {block} wastes more than a quarter");
        }
    }
}

extern "C" {
    /// The wasm linker's end of stack + static data (see `size_class_alloc`).
    static __heap_base: u8;
}

#[wasm_bindgen_test]
fn the_heap_starts_at_heap_base_not_at_the_end_of_the_initial_memory() {
    // A second allocator would carve the global one's bytes: only the address of its first block is
    // looked at, never written (no dealloc either, which writes the free-list link).
    let heap_base = core::ptr::addr_of!(__heap_base) as usize;
    let fresh = SizeClassAlloc::new();
    let first = unsafe { fresh.alloc(Layout::from_size_align(16, 1).unwrap()) } as usize;
    // Not at the end of the initial memory: the linker rounds that up to whole pages, and the tail
    // of the last one (~58 KiB in the release build) is heap too.
    assert_eq!(first, (heap_base + 15) & !15, "first block at __heap_base (16-aligned)");
}

#[wasm_bindgen_test]
fn a_freed_block_is_reused_by_its_class() {
    unsafe {
        let layout = Layout::from_size_align(700, 1).unwrap();
        let a = alloc(layout);
        dealloc(a, layout);
        let b = alloc(Layout::from_size_align(720, 1).unwrap()); // same class (768)
        assert_eq!(a, b);
        dealloc(b, Layout::from_size_align(720, 1).unwrap());
    }
}

/// A seeded burst: `count` live strings of sizes from 1 byte to 40 KB, each filled with its own byte,
/// checked and freed in a shuffled order.
fn burst(seed: &mut u64, count: usize) {
    let mut next = || {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    };
    let mut live: Vec<Vec<u8>> = Vec::new();
    for i in 0..count {
        let size = match next() % 10 {
            0 => (next() % 40_000) as usize,
            1..=3 => (next() % 4_000) as usize,
            _ => (next() % 300) as usize + 1,
        };
        live.push(vec![(i % 251) as u8; size]);
        if next() % 3 == 0 {
            let at = (next() % live.len() as u64) as usize;
            live.swap_remove(at);
        }
    }
    for (i, v) in live.iter().enumerate() {
        let first = v.first().copied();
        assert!(v.iter().all(|b| Some(*b) == first), "block {i} was overwritten");
    }
    while !live.is_empty() {
        let at = (next() % live.len() as u64) as usize;
        live.swap_remove(at);
    }
}

#[wasm_bindgen_test]
fn long_bursts_of_mixed_sizes_keep_data_intact_and_memory_flat() {
    let mut seed = 0x2026_1204_u64;
    burst(&mut seed, 5_000);
    let after_first = memory_bytes();
    for _ in 0..10 {
        let mut same = 0x2026_1204_u64;
        burst(&mut same, 5_000);
    }
    assert_eq!(memory_bytes(), after_first, "the same bursts again reuse freed blocks");
}
