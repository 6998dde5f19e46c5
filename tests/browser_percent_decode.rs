//! The browser's cookie decoder (`host.js` `hostDecode`: `decodeURIComponent` for names, js-cookie's
//! `value.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent)` for values), which the wasm reads every cookie
//! with, against the Rust reference the host tests read cookies with
//! (src/core/identity/percent_decode_reference.rs): a hostile table, then seeded random strings, names
//! (strict) and values, must give identical answers, "ignored" (`None`) included.
//! Environment: wasm32 in a browser only (Chromium and Firefox: `scripts/test browser`).
#![cfg(target_arch = "wasm32")]

#[path = "../src/core/identity/percent_decode_reference.rs"]
mod percent_decode_reference;

use percent_decode_reference::percent_decode;
use wasm_analytics::browser::host;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn assert_same(text: &str) {
    for strict in [true, false] {
        assert_eq!(host::percent_decode(text, strict), percent_decode(text, strict), "{text:?} strict={strict}");
    }
}

/// Each row is a cookie text; the comment says what it probes.
const HOSTILE: &[&str] = &[
    "",
    "abc",
    "%41%42c",
    "a%20b",
    // Multi-byte, upper and lower case hex, mixed.
    "%C3%A9",
    "%c3%a9",
    "%E2%82%ac",
    "%F0%9F%98%80",
    "%F4%8F%BF%BF",
    "%EF%BF%BF",
    // A byte order mark, escaped and literal (the string bridge must keep it).
    "%EF%BB%BF",
    "\u{FEFF}x",
    // Partial and malformed escapes: strict fails, values keep them literal.
    "%",
    "abc%",
    "%4",
    "a%zzb",
    "%%41",
    "%4G",
    "%G4",
    "%+1",
    "% 41",
    "%41%42c%4",
    // Runs that are not UTF-8: a lone lead or continuation byte, a cut sequence, a bad continuation.
    "%C3",
    "%80",
    "%BF",
    "%C3%28",
    "%E2%82",
    "%E2%82%AC%E2%82",
    "%E2a%82%AC",
    "x%E2%82%ACy%C3",
    "%FF",
    "%FE",
    // Overlong forms.
    "%C0%80",
    "%C1%BF",
    "%E0%80%80",
    "%E0%9F%BF",
    "%F0%8F%BF%BF",
    // Surrogates encoded as UTF-8, and their neighbours.
    "%ED%A0%80",
    "%ED%BF%BF",
    "%ED%9F%BF",
    "%EE%80%80",
    // Above U+10FFFF, and five- and six-byte forms.
    "%F4%90%80%80",
    "%F5%80%80%80",
    "%F8%88%80%80%80",
    "%FC%84%80%80%80%80",
    // Quotes, the escaped quote, `+`, `;`, `=`, NUL, control characters.
    "\"abc\"",
    "%22abc%22",
    "\"",
    "a+b%2B",
    "a%3Bb=c",
    "%00",
    "\u{0}%0A\t",
    // Escaped `%`: decoded once, never twice.
    "%2541",
    "%25",
    // Non-ASCII literal text next to escapes.
    "ünï 🎉",
    "é%C3%A9€",
    "😀%",
    "€%E2%82",
    "%F0%9F%98%80😀%zz",
];

#[wasm_bindgen_test]
fn the_browser_decodes_the_hostile_table_like_the_reference() {
    for text in HOSTILE {
        assert_same(text);
    }
}

#[wasm_bindgen_test]
fn the_browser_decodes_seeded_random_strings_like_the_reference() {
    let pool = [
        "%E2", "%82", "%AC", "%c3", "%A9", "%F0", "%9F", "%98", "%80", "%BF", "%ED", "%A0", "%F4", "%90", "%C0",
        "%41", "%25", "%22", "%zz", "%", "%4", "a", "\"", "+", ";", "é", "€", "😀",
    ];
    let mut seed = 0x2545_F491_u32;
    for _ in 0..4_000 {
        let mut text = String::new();
        for _ in 0..(seed % 9) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            text.push_str(pool[(seed % pool.len() as u32) as usize]);
        }
        seed = seed.wrapping_mul(747_796_405).wrapping_add(1);
        assert_same(&text);
    }
}
