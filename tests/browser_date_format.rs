//! The browser's date formatter (`host.js` `hostDateAt`: `new Date(ms).toISOString()` / `.toUTCString()`),
//! which the wasm writes event `timestamp`, `sentAt` and cookie `expires` with, against the Rust reference
//! the host tests format with (src/core/time_reference.rs): through the core (`core::time::FormatDate`,
//! which clamps `ms` to years 0–9999 and writes NaN/±Infinity as the epoch), a hostile table then seeded
//! random times must give identical texts, ISO-8601 and HTTP date; and the host itself never throws
//! (what `toISOString` throws on comes back empty).
//! Environment: wasm32 in a browser only (Chromium and Firefox: `scripts/test browser`).
#![cfg(target_arch = "wasm32")]

#[path = "../src/core/time_reference.rs"]
mod time_reference;

use time_reference::format_date;
use wasm_analytics::browser::host;
use wasm_analytics::core::time::{clamp, FormatDate, MAX_MS, MIN_MS};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const BROWSER: FormatDate = FormatDate(host::format_date);
const REFERENCE: FormatDate = FormatDate(format_date);
const DAY: f64 = 86_400_000.0;

fn assert_same(ms: f64) {
    let iso = BROWSER.iso8601(ms);
    assert_eq!(iso, REFERENCE.iso8601(ms), "iso8601({ms:?})");
    assert_eq!(iso.len(), 24, "iso8601({ms:?}) = {iso:?}");
    let http = BROWSER.http_date(ms);
    assert_eq!(http, REFERENCE.http_date(ms), "http_date({ms:?})");
    assert_eq!(http.len(), 29, "http_date({ms:?}) = {http:?}");
    // What the core asks is inside the range where the host answers as the reference does, raw.
    let asked = clamp(ms);
    assert!((MIN_MS..=MAX_MS).contains(&asked), "{ms:?} asked as {asked:?}");
    for http in [false, true] {
        assert_eq!(host::format_date(asked, http), format_date(asked, http), "raw {asked:?} http={http}");
    }
}

/// Each row is epoch milliseconds; the comment says what it probes.
const HOSTILE: &[f64] = &[
    // The epoch and its neighbours, both zeros.
    0.0,
    -0.0,
    1.0,
    -1.0,
    999.0,
    1000.0,
    -1000.0,
    -1001.0,
    DAY - 1.0,
    DAY,
    -DAY,
    -DAY - 1.0,
    // Leap days: 2000 (divisible by 400), 2024, 1972 (the first after the epoch), 1968, 1904; 1900 and 2100
    // (centuries, not leap): the day after 28 February; year 0 (leap), 9996.
    951_782_400_000.0,
    951_868_799_999.0,
    1_709_164_800_000.0,
    68_169_600_000.0,
    -58_060_800_000.0,
    -2_077_660_800_000.0,
    -2_203_891_200_000.0,
    4_107_542_400_000.0,
    MIN_MS + 59.0 * DAY,
    MIN_MS + 60.0 * DAY - 1.0,
    253_281_427_200_000.0,
    // Year ends and starts.
    946_684_799_999.0,
    946_684_800_000.0,
    1_830_297_599_999.0,
    // Today-ish, and 2038 (i32 seconds overflow).
    1_795_393_993_123.0,
    2_147_483_647_000.0,
    2_147_483_648_000.0,
    // The edges of years 0–9999 and past them: clamped to the edge.
    MIN_MS,
    MIN_MS + 1.0,
    MIN_MS - 1.0,
    MAX_MS,
    MAX_MS - 1.0,
    MAX_MS + 1.0,
    253_402_300_800_000.0,
    // Where `Date` stops (±8.64e15) and beyond: toISOString would throw past it.
    8.64e15,
    8.64e15 + 1.0,
    -8.64e15,
    -8.64e15 - 1.0,
    1e300,
    -1e300,
    f64::MAX,
    f64::MIN,
    // Not a time: the epoch.
    f64::NAN,
    -f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    // Fractions: `Date` truncates toward zero, as the reference does.
    0.5,
    -0.5,
    0.999_999,
    -0.999_999,
    1.5,
    -1.5,
    -999.5,
    -1000.5,
    5e-324,
    -5e-324,
    1_795_393_993_123.999,
    MIN_MS + 0.5,
    MIN_MS - 0.5,
    MAX_MS + 0.5,
    MAX_MS - 0.5,
    // Integers past 2^53 are clamped anyway; 2^53 itself.
    9_007_199_254_740_992.0,
];

#[wasm_bindgen_test]
fn the_browser_formats_the_hostile_table_like_the_reference() {
    for &ms in HOSTILE {
        assert_same(ms);
    }
}

#[wasm_bindgen_test]
fn the_browser_formats_seeded_random_times_like_the_reference() {
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let unit = |n: u64| (n >> 11) as f64 / (1u64 << 53) as f64;
    for i in 0..4_000 {
        let r = next();
        let ms = match i % 4 {
            // Anywhere in years 0–9999, with a fraction now and then.
            0 => (MIN_MS + unit(r) * (MAX_MS - MIN_MS)).floor() + if r & 1 == 1 { unit(next()) } else { 0.0 },
            // Around now (±200 years).
            1 => 1_795_393_993_123.0 + ((r % 12_623_040_000_000) as f64 - 6_311_520_000_000.0),
            // Near a day boundary somewhere (a day ± 2 s).
            2 => ((r >> 20) % 2_932_897) as f64 * DAY + MIN_MS + (r % 4_001) as f64 - 2_000.0,
            // Near or past the edges.
            _ => {
                let edge = if r & 1 == 1 { MAX_MS } else { MIN_MS };
                edge + ((r >> 1) % 200_001) as f64 - 100_000.0
            }
        };
        assert_same(ms);
    }
}

#[wasm_bindgen_test]
fn the_browser_never_throws_into_the_page() {
    // Asked raw (the core never does this): `toISOString` throws on an invalid date; the host answers nothing.
    for ms in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 8.64e15 + 1.0, -8.64e15 - 1.0, f64::MAX] {
        assert_eq!(host::format_date(ms, false), "", "{ms:?}");
        assert_eq!(host::format_date(ms, true), "Invalid Date", "{ms:?}");
    }
    // Past year 9999 the two methods disagree on the year (the reason the core clamps).
    assert_eq!(host::format_date(MAX_MS + 1.0, false), "+010000-01-01T00:00:00.000Z");
    assert_eq!(host::format_date(MIN_MS - 1.0, false), "-000001-12-31T23:59:59.999Z");
}
