//! The Rust reference for `core::time::FormatDate`: what the browser's formatter (`host.js` `hostDateAt`:
//! `new Date(ms).toISOString()` / `.toUTCString()`) must answer for every `ms` the core hands it (see
//! `core::time::clamp`), as plain Rust. Test support only: the host tests format dates with it, and
//! tests/browser_date_format.rs, tests/envelope_corpus.rs and tests/golden_events.rs include this file by
//! path (so it imports nothing). Once the library's own formatter; the wasm now uses the browser's.
//! Outside years 0–9999 it writes the year clamped and the other fields as they are (the core never asks).

/// A UTC calendar time broken into fields.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    weekday: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
}

fn civil(ms: f64) -> Civil {
    let ms = if ms.is_finite() { ms as i64 } else { 0 };
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000) as u32;
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        weekday: (days + 4).rem_euclid(7) as u32,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        millis: in_day % 1000,
    }
}

/// Appends `n` in exactly as many digits as `unit` has zeros plus one (`unit` 100: `007`); `n` is
/// below `10 * unit`. No intermediate `String`, no digit buffer to index.
fn push_padded(out: &mut String, n: u32, mut unit: u32) {
    while unit > 0 {
        out.push(char::from(b'0' + (n / unit % 10) as u8));
        unit /= 10;
    }
}

/// Weekday and month abbreviations, three letters each (one text, no table of slices).
const WEEKDAYS: &str = "SunMonTueWedThuFriSat";
const MONTHS: &str = "JanFebMarAprMayJunJulAugSepOctNovDec";

/// `ms` written after `template`: `y` the year (4 digits, clamped to 0–9999), `o` month, `d` day, `h`
/// hour, `i` minute, `s` second (2 digits each), `l` milliseconds (3), `w` and `n` the weekday and
/// month abbreviations; any other byte is itself.
fn format(ms: f64, template: &[u8]) -> String {
    let c = civil(ms);
    let mut out = String::with_capacity(32);
    let fields = [c.year.clamp(0, 9999) as u32, c.month, c.day, c.hour, c.minute, c.second, c.millis];
    for &t in template {
        let mut at = 0;
        while at < FIELD_LETTERS.len() && FIELD_LETTERS[at] != t {
            at += 1;
        }
        if let Some(&n) = fields.get(at) {
            push_padded(&mut out, n, match at { 0 => 1000, 6 => 100, _ => 10 });
        } else if t == b'w' || t == b'n' {
            let (names, at) = if t == b'w' { (WEEKDAYS, c.weekday) } else { (MONTHS, c.month - 1) };
            let at = at as usize * 3;
            out.push_str(names.get(at..at + 3).unwrap_or_default());
        } else {
            out.push(char::from(t));
        }
    }
    out
}

/// The numeric fields' template letters, in `format`'s field order.
const FIELD_LETTERS: &[u8; 7] = b"yodhisl";

/// `ms` as `Date.prototype.toUTCString` writes it when `http` (`Mon, 23 Nov 2026 00:16:33 GMT`, cookie
/// `expires`), else as `toISOString` does (`2026-11-23T00:16:33.123Z`); a `ms` that is not finite as
/// the epoch.
pub fn format_date(ms: f64, http: bool) -> String {
    let template: &[u8] = if http { b"w, d n y h:i:s GMT" } else { b"y-o-dTh:i:s.lZ" };
    format(ms, template)
}
