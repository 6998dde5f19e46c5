//! Candidate cookie domains for the `__tld__` probe (analytics.js `core/user/tld.ts`).
//!
//! The browser shell sets `__tld__=1` with `domain=<candidate>` for each candidate from shortest to
//! longest; the first one the browser accepts is the registrable domain (browsers refuse cookies
//! on public suffixes). Hosts with no sensible shared domain get `None`: the cookie stays host-only.
//! Owns only the candidate list; must not import platform crates.

/// The name of the probe cookie (set, read back and removed at once).
pub const PROBE_NAME: &str = "__tld__";

/// Candidate `n` (from 0) for `hostname` (as in `location.hostname`), shortest first, as the byte offset
/// where it starts in it: `www.shop.example.co.uk` → `co.uk`, `example.co.uk`, `shop.example.co.uk`,
/// `www.shop.example.co.uk`, then `None` (offsets, not `String`s, and one at a time, not a `Vec`: the
/// probe slices the host, nothing is copied or collected). `None` for single-label hosts (`localhost`),
/// IPv4 and IPv6 addresses, and anything that is not a plain DNS name (empty labels, spaces, ports,
/// non-ASCII).
pub fn candidate(hostname: &str, n: usize) -> Option<usize> {
    // Labels of letters, digits, `-` and `_`, none empty (one byte loop, no iterator closures), at least
    // two; a numeric last label means an IPv4 address (no top-level domain is all digits).
    let (mut label_empty, mut label_digits, mut dotted) = (true, true, false);
    for b in hostname.bytes() {
        if b == b'.' && !label_empty {
            (label_empty, label_digits, dotted) = (true, true, true);
        } else if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            label_empty = false;
            label_digits &= b.is_ascii_digit();
        } else {
            return None;
        }
    }
    if label_empty || label_digits || !dotted {
        return None;
    }
    // Every suffix that starts after a dot, except the top-level label alone (after the last dot),
    // shortest first, then the whole host: candidate `n` starts after the (n + 2)th dot from the end.
    let mut dots = 0;
    for (i, b) in hostname.bytes().enumerate().rev() {
        if b == b'.' {
            if dots == n + 1 {
                return Some(i + 1);
            }
            dots += 1;
        }
    }
    (dots == n + 1).then_some(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_shortest_first_or_none() {
        let table: &[(&str, Option<&[&str]>)] = &[
            (
                "www.shop.example.co.uk",
                Some(&["co.uk", "example.co.uk", "shop.example.co.uk", "www.shop.example.co.uk"]),
            ),
            ("example.com", Some(&["example.com"])),
            ("a-b.example.com", Some(&["example.com", "a-b.example.com"])),
            ("localhost", None),
            ("127.0.0.1", None),
            ("10.0.0.0", None),
            ("[::1]", None),
            ("::1", None),
            ("[2001:db8::1]", None),
            ("", None),
            ("example..com", None),
            (".example.com", None),
            (".", None),
            ("a_b.example.com", Some(&["example.com", "a_b.example.com"])),
            ("example.123", None),
            ("123.example", Some(&["123.example"])),
            ("1.2.example", Some(&["2.example", "1.2.example"])),
            ("example.com.", None),
            ("exa mple.com", None),
            ("example.com:8080", None),
            ("bücher.de", None),
        ];
        for (host, want) in table {
            let all = (0..).map_while(|n| candidate(host, n)).map(|i| host[i..].to_string()).collect::<Vec<_>>();
            let got = (!all.is_empty()).then_some(all);
            let want: Option<Vec<String>> = want.map(|w| w.iter().map(|s| s.to_string()).collect());
            assert_eq!(got, want, "{host}");
        }
    }
}
