//! Dates: which epoch milliseconds are formatted (ISO-8601 for event timestamps, the HTTP date for
//! cookie `expires`) is decided here ([`clamp`]); the formatting itself is the platform's
//! ([`FormatDate`]: the browser's `Date`, the Rust reference `time_reference.rs` in tests). The clock
//! is an input too (`now_ms`), never read here. Imports nothing; must not read a clock.

/// The platform's date formatter: `(ms, http)` gives `ms` as `Date.prototype.toUTCString` writes it
/// when `http` (`Mon, 23 Nov 2026 00:16:33 GMT`), else as `toISOString` does
/// (`2026-11-23T00:16:33.123Z`). It is only asked about what [`clamp`] gives (years 0–9999; a fraction
/// is truncated toward zero). The browser's is `host.js` `hostDateAt`; the host tests give
/// `time_reference::format_date`, which tests/browser_date_format.rs holds the browser's to. The
/// default writes nothing (no platform formatter).
#[derive(Clone, Copy, Debug)]
pub struct FormatDate(pub fn(f64, bool) -> String);

impl Default for FormatDate {
    fn default() -> Self {
        FormatDate(unformatted)
    }
}

fn unformatted(_: f64, _: bool) -> String {
    String::new()
}

/// The first millisecond of year 0 (`0000-01-01T00:00:00.000Z`).
pub const MIN_MS: f64 = -62_167_219_200_000.0;
/// The last millisecond of year 9999 (`9999-12-31T23:59:59.999Z`).
pub const MAX_MS: f64 = 253_402_300_799_999.0;

/// The milliseconds actually formatted for `ms`: `ms` within years 0–9999 ([`MIN_MS`]`..=`[`MAX_MS`]),
/// where `toISOString` and `toUTCString` agree on a four-digit year (outside, `toISOString` writes
/// `+010000`/`-000001` and throws past ±8.64e15); the nearest edge beyond them; the epoch (0) for NaN
/// and ±Infinity. Fractions are kept: `Date` truncates them toward zero, as the reference does.
pub fn clamp(ms: f64) -> f64 {
    if ms.is_finite() {
        ms.clamp(MIN_MS, MAX_MS)
    } else {
        0.0
    }
}

impl FormatDate {
    /// `2026-11-23T00:16:33.123Z`: event `timestamp` and `sentAt`.
    pub fn iso8601(self, ms: f64) -> String {
        self.write(ms, false)
    }

    /// `Mon, 23 Nov 2026 00:16:33 GMT`: cookie `expires`.
    pub fn http_date(self, ms: f64) -> String {
        self.write(ms, true)
    }

    /// One copy of the clamp and the call for every caller (inlined, each caller carried its own).
    #[inline(never)]
    fn write(self, ms: f64, http: bool) -> String {
        (self.0)(clamp(ms), http)
    }
}

/// True for the date-time forms Segment-compatible endpoints accept as `timestamp`:
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or `±HH`, `±HHMM`, `±HH:MM` (`T` may be
/// `t` or a space, `Z` may be `z`; what `Date.prototype.toJSON` writes for years 0–9999). Shape only:
/// a field out of range (month 13) is refused too.
pub fn is_iso8601(text: &str) -> bool {
    let b = text.as_bytes();
    let byte = |at: usize| b.get(at).copied().unwrap_or(0);
    // `YYYY-MM-DDTHH:MM:SS`: each two-digit field's separator before it (none: the year's two pairs
    // of digits) and range.
    const FIELDS: [(u8, u8, u8); 7] =
        [(0, 0, 99), (0, 0, 99), (b'-', 1, 12), (b'-', 1, 31), (b'T', 0, 23), (b':', 0, 59), (b':', 0, 60)];
    let mut at = 0;
    for &(separator, min, max) in &FIELDS {
        if separator != 0 {
            let c = byte(at);
            let separated = if separator == b'T' { matches!(c, b'T' | b't' | b' ') } else { c == separator };
            if !separated {
                return false;
            }
            at += 1;
        }
        if !field(b, at, min, max) {
            return false;
        }
        at += 2;
    }
    if byte(at) == b'.' {
        at += 1;
        let digits = at;
        while byte(at).is_ascii_digit() {
            at += 1;
        }
        if at == digits {
            return false;
        }
    }
    match byte(at) {
        b'Z' | b'z' => b.len() == at + 1,
        b'+' | b'-' if field(b, at + 1, 0, 23) => {
            // `±HH`, `±HHMM` or `±HH:MM`.
            // What follows the hours (the field check above means at least `at + 3` bytes).
            let rest = b.len().wrapping_sub(at + 3);
            rest == 0 || (rest == 2 && field(b, at + 3, 0, 59)) || (rest == 3 && byte(at + 3) == b':' && field(b, at + 4, 0, 59))
        }
        _ => false,
    }
}

/// Two decimal digits at `at` whose value is in `min..=max`.
fn field(b: &[u8], at: usize, min: u8, max: u8) -> bool {
    let digit = |i: usize| b.get(i).map_or(10, |c| c.wrapping_sub(b'0'));
    let (tens, ones) = (digit(at), digit(at + 1));
    tens <= 9 && ones <= 9 && (min..=max).contains(&(tens * 10 + ones))
}

/// The reference formatter the host tests format dates with (see [`FormatDate`]).
#[cfg(test)]
#[path = "time_reference.rs"]
pub mod time_reference;

/// [`FormatDate`] with the Rust reference.
#[cfg(test)]
pub const REFERENCE: FormatDate = FormatDate(time_reference::format_date);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_shapes_endpoints_accept() {
        let rows = [
            ("2026-11-23T00:16:33.123Z", true), ("2026-11-23T00:16:33Z", true), ("2026-11-23 00:16:33.5+01:00", true),
            ("2026-11-23T00:16:33-0100", true), ("2026-11-23T00:16:33.123456+01", true),
            ("2026-11-23T00:16:33", false), ("2026-13-01T00:00:00Z", false), ("2026-11-23T00:16:33.Z", false),
            ("+010000-01-01T00:00:00.000Z", false), ("yesterday", false), ("", false), ("1700000000000", false),
            ("2026-11-23T24:00:00Z", false), ("2026-11-23T00:16:33Zx", false),
            ("2026-00-23T00:16:33Z", false), ("2026-11-00T00:16:33Z", false), ("2026-11-32T00:16:33Z", false),
            ("2026-12-31t23:59:60z", true), ("2026-11-23T00:60:33Z", false), ("2026-11-23T00:16:61Z", false),
            ("2026-11-23T00:16:33+24", false), ("2026-11-23T00:16:33+2360", false), ("2026-11-23T00:16:33+23:59", true),
            ("2026-11-23T00:16:33+0", false), ("2026-11-23T00:16:33*01:00", false), ("2026-1a-23T00:16:33Z", false),
            ("2026-11-23T00:16:3", false), ("2026/11/23T00:16:33Z", false), ("2026-11-23T00:16:33.5", false),
        ];
        for (text, want) in rows {
            assert_eq!(is_iso8601(text), want, "{text}");
        }
    }

    #[test]
    fn formats_match_javascript_date() {
        // Expected strings from `new Date(ms).toISOString()` / `.toUTCString()`.
        let table: &[(f64, &str, &str)] = &[
            (0.0, "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
            (1_795_393_993_123.0, "2026-11-23T00:33:13.123Z", "Mon, 23 Nov 2026 00:33:13 GMT"),
            (951_782_400_000.0, "2000-02-29T00:00:00.000Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
            (1_830_297_599_999.0, "2027-12-31T23:59:59.999Z", "Fri, 31 Dec 2027 23:59:59 GMT"),
            (-1.0, "1969-12-31T23:59:59.999Z", "Wed, 31 Dec 1969 23:59:59 GMT"),
            (253_402_300_799_999.0, "9999-12-31T23:59:59.999Z", "Fri, 31 Dec 9999 23:59:59 GMT"),
            (-62_135_596_800_000.0, "0001-01-01T00:00:00.000Z", "Mon, 01 Jan 0001 00:00:00 GMT"),
            // Not a time (JavaScript throws / writes `Invalid Date`): the epoch, never a panic.
            (f64::NAN, "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
        ];
        for &(ms, iso, http) in table {
            assert_eq!(REFERENCE.iso8601(ms), iso, "{ms}");
            assert_eq!(REFERENCE.http_date(ms), http, "{ms}");
        }
    }

    #[test]
    fn the_core_formats_only_years_0_to_9999() {
        // (ms, what the platform is asked to format)
        let table: &[(f64, f64)] = &[
            (0.0, 0.0),
            (-1.0, -1.0),
            (0.5, 0.5),
            (-0.5, -0.5),
            (MIN_MS, MIN_MS),
            (MIN_MS - 1.0, MIN_MS),
            (MIN_MS - 0.5, MIN_MS),
            (MAX_MS, MAX_MS),
            (MAX_MS + 0.5, MAX_MS),
            (MAX_MS + 1.0, MAX_MS),
            (8.64e15, MAX_MS),
            (8.64e15 + 1.0, MAX_MS),
            (-8.64e15 - 1.0, MIN_MS),
            (f64::MAX, MAX_MS),
            (f64::MIN, MIN_MS),
            (f64::NAN, 0.0),
            (f64::INFINITY, 0.0),
            (f64::NEG_INFINITY, 0.0),
        ];
        for &(ms, asked) in table {
            assert_eq!(clamp(ms).to_bits(), asked.to_bits(), "{ms}");
        }
        let edges = [
            (MIN_MS, "0000-01-01T00:00:00.000Z", "Sat, 01 Jan 0000 00:00:00 GMT"),
            (MAX_MS + 1.0, "9999-12-31T23:59:59.999Z", "Fri, 31 Dec 9999 23:59:59 GMT"),
            (f64::NEG_INFINITY, "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
            (f64::INFINITY, "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
        ];
        for (ms, iso, http) in edges {
            assert_eq!(REFERENCE.iso8601(ms), iso, "{ms}");
            assert_eq!(REFERENCE.http_date(ms), http, "{ms}");
        }
        assert_eq!(FormatDate::default().iso8601(0.0), "", "no platform formatter: nothing");
    }
}


