//! ISO-8601 timestamps as epoch milliseconds, with no date library.
//!
//! Owns parsing the forms clients send (`2026-11-23T00:16:33.123Z`, optional fraction, `Z` or `±HH:MM`
//! offsets) and formatting as `YYYY-MM-DDTHH:MM:SS.sssZ`. Must not import anything outside `std`.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current wall-clock time in epoch milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The (year, month, day) of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn format_iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in_month(y: i64, m: i64) -> i64 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads `n` ASCII digits at `at`.
fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0i64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

/// Parses an ISO-8601 date-time (`T` or space separator, optional fraction, `Z` or `±HH:MM`/`±HHMM`)
/// into epoch milliseconds. Returns `None` for anything else, including dates and times that do not
/// exist (Feb 31, `24:00`, `:60` leap seconds) and offsets beyond `±23:59`: they are refused, never
/// rolled over into another instant.
pub fn parse_iso(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    let seps_ok = b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') && matches!(b.get(10), Some(b'T' | b't' | b' '));
    let (h, mi, se) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if !seps_ok || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0i64;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 3 {
                millis = millis * 10 + i64::from(b[at] - b'0');
            }
            at += 1;
        }
        let len = at - start;
        if len == 0 {
            return None;
        }
        for _ in len..3 {
            millis *= 10;
        }
    }
    let offset_min = parse_offset(b.get(at..)?)?;
    let day_ms = (days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se) * 1000;
    Some(day_ms + millis - offset_min * 60_000)
}

/// Parses the zone suffix: `Z`, `±HH:MM`, `±HHMM` or `±HH`, as minutes east of UTC.
fn parse_offset(rest: &[u8]) -> Option<i64> {
    match rest {
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let h = digits(tail, 0, 2)?;
            let m = match tail.len() {
                2 => 0,
                4 => digits(tail, 2, 2)?,
                5 if tail[2] == b':' => digits(tail, 3, 2)?,
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            Some(if *sign == b'-' { -(h * 60 + m) } else { h * 60 + m })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_clients_send() {
        let cases: &[(&str, Option<i64>)] = &[
            ("1970-01-01T00:00:00Z", Some(0)),
            ("1970-01-01T00:00:00.5Z", Some(500)),
            ("1970-01-01T00:00:01.123456Z", Some(1123)),
            ("2020-04-23T22:38:48.55Z", Some(1_587_681_528_550)),
            ("2026-11-23T00:16:33.123Z", Some(1_795_392_993_123)),
            ("2026-11-23T01:16:33.123+01:00", Some(1_795_392_993_123)),
            ("2026-11-22T23:16:33.123-0100", Some(1_795_392_993_123)),
            ("2026-11-23 00:16:33.123Z", Some(1_795_392_993_123)),
            ("1969-12-31T23:59:59.999Z", Some(-1)),
            ("2024-02-29T00:00:00Z", Some(1_709_164_800_000)),
            ("2026-11-23T00:16:33.123+14:00", Some(1_795_342_593_123)),
            ("2026-11-23T00:16:33.123-23:59", Some(1_795_479_333_123)),
            // impossible dates, times and offsets are refused, not rolled over
            ("2026-02-31T00:00:00Z", None),
            ("2026-02-29T00:00:00Z", None),
            ("1900-02-29T00:00:00Z", None),
            ("2026-04-31T00:00:00Z", None),
            ("2026-11-00T00:00:00Z", None),
            ("2026-11-23T00:00:60Z", None),
            ("2026-11-23T24:00:00Z", None),
            ("2026-11-23T00:60:00Z", None),
            ("2026-11-23T00:16:33+99:99", None),
            ("2026-11-23T00:16:33+24:00", None),
            ("2026-11-23T00:16:33+01:60", None),
            ("2026-11-23T00:16:33+0160", None),
            ("2026-11-23T00:16:33.123ZZ", None),
            ("2026-11-23T00:16:33.123Z ", Some(1_795_392_993_123)),
            ("+2026-11-23T00:16:33Z", None),
            ("２０２６-11-23T00:16:33Z", None),
            ("2026-11-23T00:16:33", None),
            ("2026-13-01T00:00:00Z", None),
            ("2026-11-23T00:16:33.Z", None),
            ("yesterday", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_iso(input), *want, "{input}");
        }
    }

    #[test]
    fn formats_and_round_trips() {
        for ms in [0i64, -1, 1_587_681_528_550, 1_795_392_993_123, 951_782_400_000] {
            assert_eq!(parse_iso(&format_iso(ms)), Some(ms));
        }
        assert_eq!(format_iso(1_795_392_993_123), "2026-11-23T00:16:33.123Z");
        assert_eq!(format_iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
