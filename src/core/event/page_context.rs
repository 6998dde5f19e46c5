//! `context.page`: the page an event was made on, captured at call time.
//!
//! One pure function turns what the browser shows (location, canonical link, title, referrer) into
//! the `{path, referrer, search, title, url}` object analytics.js sends, with its canonical-URL rule
//! and no `#fragment`. The shell calls it for live calls; the snippet's buffered page context
//! (`{__t:'bpc', c, p, u, s, t, r}`, captured before the wasm loaded) carries the same six inputs.
//! Pure; imports only `core::json`.

use crate::core::json;

/// The page as the browser shows it when a call is made (or as the snippet buffered it).
#[derive(Clone, Copy, Debug, Default)]
pub struct PageSnapshot<'a> {
    /// `location.href` (bpc `u`).
    pub href: &'a str,
    /// `<link rel=canonical>`'s raw `href` attribute, if any (bpc `c`). Empty counts as none.
    pub canonical: Option<&'a str>,
    /// `location.pathname` (bpc `p`).
    pub path: &'a str,
    /// `location.search`, with its `?` (bpc `s`).
    pub search: &'a str,
    /// `document.title` (bpc `t`).
    pub title: &'a str,
    /// `document.referrer` (bpc `r`).
    pub referrer: &'a str,
}

/// The `context.page` JSON object for `page`:
/// - without a canonical link: `path` is the pathname and `url` is `href` without its `#fragment`;
/// - with one: `path` is the canonical URL's path (a canonical value that is not an absolute URL is
///   taken as a raw path and given a leading `/`), and `url` is the canonical URL plus `search`
///   unless it already contains `?`.
///
/// Call once per tracking call, at call time (an event delivered after an SPA navigation still
/// reports the page it was made on).
pub fn context_page(page: &PageSnapshot<'_>) -> String {
    let canonical = page.canonical.filter(|c| !c.is_empty());
    let mut out = String::with_capacity(64 + page.href.len() * 2 + page.title.len());
    out.push_str("{\"path\":");
    match canonical {
        Some(c) => json::push_str(&mut out, &canonical_path(c)),
        None => json::push_str(&mut out, page.path),
    }
    for (key, value) in [
        ("referrer", page.referrer),
        ("search", page.search),
        ("title", page.title),
    ] {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":");
        json::push_str(&mut out, value);
    }
    out.push_str(",\"url\":");
    match canonical {
        Some(c) if c.bytes().any(|b| b == b'?') => json::push_str(&mut out, c),
        Some(c) => {
            let mut url = String::with_capacity(c.len() + page.search.len());
            url.push_str(c);
            url.push_str(page.search);
            json::push_str(&mut out, &url);
        }
        None => json::push_str(&mut out, before_any(page.href, b"#")),
    }
    out.push('}');
    out
}

/// `new URL(c).pathname` for an absolute URL; otherwise `c` as a raw path with a leading `/`.
fn canonical_path(c: &str) -> String {
    match absolute_url_path(c) {
        Some(path) => percent_encode_path(path),
        None if c.starts_with('/') => c.to_string(),
        None => {
            let mut raw = String::with_capacity(c.len() + 1);
            raw.push('/');
            raw.push_str(c);
            raw
        }
    }
}

/// Schemes whose URLs have a host and a `/`-rooted path (WHATWG "special" schemes).
const SPECIAL_SCHEMES: [&str; 6] = ["http", "https", "ws", "wss", "ftp", "file"];

/// The path of `c` when it parses as an absolute URL (`scheme:` first), `None` otherwise.
/// Hierarchical URLs give the text between the authority and `?`/`#` (`/` when empty); opaque
/// ones (`mailto:x`) give the text after the scheme. Dot segments are not normalised.
fn absolute_url_path(c: &str) -> Option<&str> {
    let colon = c.bytes().position(|b| b == b':')?;
    let (scheme, rest) = (c.get(..colon)?, c.get(colon + 1..)?);
    let mut letters = scheme.chars();
    let scheme_ok = letters.next()?.is_ascii_alphabetic()
        && letters.all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '-' | '.'));
    if !scheme_ok {
        return None;
    }
    let special = SPECIAL_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme));
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return (!special).then(|| before_any(rest, b"?#"));
    };
    let authority_len = before_any(after_slashes, b"/?#").len();
    if special && authority_len == 0 && !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let path = before_any(after_slashes.get(authority_len..).unwrap_or(""), b"?#");
    Some(if path.is_empty() && special { "/" } else { path })
}

/// `s` up to the first of the ASCII `stops` (all of `s` when none occurs).
fn before_any<'a>(s: &'a str, stops: &[u8]) -> &'a str {
    let end = s.bytes().position(|b| stops.contains(&b)).unwrap_or(s.len());
    s.get(..end).unwrap_or(s)
}

/// Percent-encodes what the URL parser encodes in a path: controls, space, `"<>` `` ` `` `{}` and
/// every non-ASCII byte (as UTF-8).
fn percent_encode_path(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b <= b' ' || b >= 0x7f || matches!(b, b'"' | b'<' | b'>' | b'`' | b'{' | b'}') {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        } else {
            out.push(b as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<'a>(href: &'a str, canonical: Option<&'a str>, path: &'a str, search: &'a str) -> PageSnapshot<'a> {
        PageSnapshot {
            href,
            canonical,
            path,
            search,
            title: "T",
            referrer: "https://ref.example/",
        }
    }

    fn expect(path: &str, search: &str, url: &str) -> String {
        format!(
            r#"{{"path":"{path}","referrer":"https://ref.example/","search":"{search}","title":"T","url":"{url}"}}"#
        )
    }

    #[test]
    fn context_page_applies_the_canonical_and_fragment_rules() {
        let table: &[(PageSnapshot, String)] = &[
            (
                page("https://a.com/x?q=1#frag", None, "/x", "?q=1"),
                expect("/x", "?q=1", "https://a.com/x?q=1"),
            ),
            (
                page("https://a.com/x", None, "/x", ""),
                expect("/x", "", "https://a.com/x"),
            ),
            (
                page("https://a.com/x#a#b", Some(""), "/x", ""),
                expect("/x", "", "https://a.com/x"),
            ),
            // checklist 42
            (
                page("https://a.com/x?q=1", Some("https://ex.com/c"), "/x", "?q=1"),
                expect("/c", "?q=1", "https://ex.com/c?q=1"),
            ),
            (
                page("https://a.com/x?q=1", Some("https://ex.com/c?k=2"), "/x", "?q=1"),
                expect("/c", "?q=1", "https://ex.com/c?k=2"),
            ),
            (
                page("https://a.com/", Some("https://ex.com"), "/", ""),
                expect("/", "", "https://ex.com"),
            ),
            (
                page("https://a.com/", Some("https://ex.com/a b/é"), "/", ""),
                expect("/a%20b/%C3%A9", "", "https://ex.com/a b/é"),
            ),
            (
                page("https://a.com/", Some("https://ex.com/c#h"), "/", "?s"),
                expect("/c", "?s", "https://ex.com/c#h?s"),
            ),
            (
                page("https://a.com/", Some("/rel/path"), "/", "?s"),
                expect("/rel/path", "?s", "/rel/path?s"),
            ),
            (page("https://a.com/", Some("rel"), "/", ""), expect("/rel", "", "rel")),
            (
                page("https://a.com/", Some("http://"), "/", ""),
                expect("/http://", "", "http://"),
            ),
            (
                page("https://a.com/", Some("mailto:x@y"), "/", ""),
                expect("x@y", "", "mailto:x@y"),
            ),
            (
                page("https://a.com/", Some("1http://x/y"), "/", ""),
                expect("/1http://x/y", "", "1http://x/y"),
            ),
        ];
        for (snapshot, want) in table {
            assert_eq!(&context_page(snapshot), want, "{snapshot:?}");
        }
    }

    #[test]
    fn context_page_escapes_user_text() {
        let snapshot = PageSnapshot {
            href: "https://a.com/",
            path: "/",
            title: "say \"hi\"\n",
            ..PageSnapshot::default()
        };
        let body = context_page(&snapshot);
        assert!(body.contains(r#""title":"say \"hi\"\n""#), "{body}");
        assert!(json::is_object(&body));
    }
}
