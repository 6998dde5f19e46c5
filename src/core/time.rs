//! Calendar formatting of epoch milliseconds: ISO-8601 for event timestamps, the HTTP date for
//! cookie `expires`. The clock itself is an input (`now_ms`), never read here.
//! Imports nothing; must not read a clock.

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

/// `2026-11-23T00:16:33.123Z`, as `Date.prototype.toISOString` writes it (years 0–9999).
pub fn iso8601(ms: f64) -> String {
    format(ms, b"y-o-dTh:i:s.lZ")
}

/// `Mon, 23 Nov 2026 00:16:33 GMT`, as `Date.prototype.toUTCString` writes it (cookie `expires`).
pub fn http_date(ms: f64) -> String {
    format(ms, b"w, d n y h:i:s GMT")
}

/// True for the date-time forms Segment-compatible endpoints accept as `timestamp`:
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or `±HH`, `±HHMM`, `±HH:MM` (`T` may be
/// `t` or a space, `Z` may be `z`; what `Date.prototype.toJSON` writes for years 0–9999). Shape only:
/// a field out of range (month 13) is refused too.
pub fn is_iso8601(text: &str) -> bool {
    let b = text.as_bytes();
    let byte = |at: usize| b.get(at).copied().unwrap_or(0);
    // `-MM-DDTHH:MM:SS` after the year: each field's separator and range.
    const FIELDS: [(u8, u8, u8); 5] = [(b'-', 1, 12), (b'-', 1, 31), (b'T', 0, 23), (b':', 0, 59), (b':', 0, 60)];
    // The year: two pairs of digits.
    if !(field(b, 0, 0, 99) && field(b, 2, 0, 99)) {
        return false;
    }
    let mut at = 4;
    for &(separator, min, max) in &FIELDS {
        let c = byte(at);
        let separated = if separator == b'T' { matches!(c, b'T' | b't' | b' ') } else { c == separator };
        if !separated || !field(b, at + 1, min, max) {
            return false;
        }
        at += 3;
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
            let minutes = if b.len() == at + 6 && byte(at + 3) == b':' { at + 4 } else { at + 3 };
            b.len() == at + 3 || (b.len() == minutes + 2 && field(b, minutes, 0, 59))
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
            assert_eq!(iso8601(ms), iso, "{ms}");
            assert_eq!(http_date(ms), http, "{ms}");
        }
    }
}


