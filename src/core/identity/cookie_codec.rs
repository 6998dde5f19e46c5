//! The `document.cookie` text format, compatible with js-cookie 3 (which analytics.js 2.0 uses):
//! encoding of cookie names and values, reading one cookie out of the `document.cookie` string,
//! and the full assignment string with attributes (and the deletion string).
//!
//! Safety contract: whatever the name, value or attribute text, an assignment string built here
//! sets exactly one cookie and carries exactly the attributes we put there. `;`, `,`, spaces,
//! quotes, backslashes, control characters and all non-ASCII are percent-encoded in names and
//! values (js-cookie leaves `=` and a few other harmless characters bare in values, so do we).
//! Owns no key names or value formats (see `storage_format`). Must not import platform crates: the
//! `%XX` decoding of names and values is the platform's ([`PercentDecode`], given by the cookie store),
//! where and how it applies is ruled here.

pub use crate::core::store::PercentDecode;
use crate::core::text;
use crate::core::time::FormatDate;

/// The attributes written with every identity cookie (the `cookie` init option after defaults).
#[derive(Clone, Debug, PartialEq)]
pub struct CookieAttributes {
    /// `domain=` value without a leading dot; `None` writes a host-only cookie.
    pub domain: Option<String>,
    /// `path=` value (default `/`).
    pub path: String,
    /// `SameSite=` value (default `Lax`); empty writes no SameSite attribute.
    pub same_site: String,
    /// Whether to add `Secure`.
    pub secure: bool,
}

impl Default for CookieAttributes {
    fn default() -> Self {
        CookieAttributes { domain: None, path: "/".into(), same_site: "Lax".into(), secure: false }
    }
}

/// Bytes js-cookie leaves bare in values besides ASCII letters and digits: what `encodeURIComponent` leaves
/// alone (`-_.!~*'()`), then what js-cookie un-escapes again (`2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD]`).
const VALUE_BARE: &[u8] = b"-_.!~*'()#$&+/:<=>?@[]^`{|}";
/// Bytes js-cookie leaves bare in names: `encodeURIComponent`'s minus `(` and `)` (it escapes them there),
/// then what it un-escapes again (`2[346B]|5E|60|7C`).
const NAME_BARE: &[u8] = b"-_.!~*'#$&+^`|";
/// The output alphabet of [`encode_value`]: [`VALUE_BARE`] and `%`.
const RAW_VALUE_BARE: &[u8] = b"%-_.!~*'()#$&+/:<=>?@[]^`{|}";

/// Appends `text` with every byte that is not an ASCII letter or digit or in `bare` percent-encoded
/// (one loop for names, values and raw values: each copy of it costs wasm bytes).
fn push_encoded(out: &mut String, text: &str, bare: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || text::has_byte(bare, b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0x0f) as usize] as char);
        }
    }
}

/// Encodes a cookie value exactly as js-cookie 3 writes it (`encodeURIComponent`, then some bare).
pub fn encode_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_encoded(&mut out, value, VALUE_BARE);
    out
}

/// Encodes a cookie name exactly as js-cookie 3 writes it.
pub fn encode_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    push_encoded(&mut out, name, NAME_BARE);
    out
}

/// Reads a raw cookie value as js-cookie does: one leading `"` drops the first and last
/// character, then `%XX` runs are decoded. `None` when a run is not valid UTF-8 (js-cookie then
/// ignores the cookie).
pub fn decode_value(raw: &str, decode: PercentDecode) -> Option<String> {
    let unquoted = match raw.strip_prefix('"') {
        Some(rest) => rest.get(0..rest.len().saturating_sub(1)).unwrap_or(""),
        None => raw,
    };
    decode(unquoted, false)
}

/// Decodes a cookie name with `decodeURIComponent` semantics (`None` where that would throw).
pub fn decode_name(raw: &str, decode: PercentDecode) -> Option<String> {
    decode(raw, true)
}

/// The next entry of a `document.cookie` string as its raw name and value (undecoded; no `=`: all
/// name), moving `rest` past it (`None` after the last). Entries are separated by "; " (a cookie value
/// never holds ';', so split on it and drop the space). A `while let` over `split_once`, not
/// `text::split`: the iterator would be one more copy in the wasm; every reader of the header calls this.
pub fn next_entry<'a>(rest: &mut Option<&'a str>) -> Option<(&'a str, &'a str)> {
    let text = (*rest)?;
    let (entry, after) = match text::split_once(text, b';') {
        Some((entry, after)) => (entry, Some(after)),
        None => (text, None),
    };
    *rest = after;
    let entry = entry.strip_prefix(' ').unwrap_or(entry);
    Some(text::split_once(entry, b'=').unwrap_or((entry, "")))
}

/// The raw value of cookie `name` in a `document.cookie` string: the first `; `-separated entry
/// whose decoded name is `name` and whose value decodes (js-cookie skips undecodable entries).
pub fn find_raw<'a>(cookie_header: &'a str, name: &str, decode: PercentDecode) -> Option<&'a str> {
    let mut rest = Some(cookie_header);
    while let Some((raw_name, raw_value)) = next_entry(&mut rest) {
        if decode_name(raw_name, decode).is_some_and(|n| n == name) && decode_value(raw_value, decode).is_some() {
            return Some(raw_value);
        }
    }
    None
}

/// An attribute value as js-cookie writes it (up to the first `;`), minus control characters (Unicode
/// `Cc`: U+0000–U+001F, U+007F–U+009F, the last 32 encoded `C2 80`–`C2 9F`). Bytes, not `chars()`: the
/// text is copied in runs between the controls, without decoding or encoding UTF-8.
fn push_attribute(out: &mut String, label: &str, value: &str) {
    let value = text::split_once(value, b';').map_or(value, |(value, _)| value);
    if value.is_empty() {
        return;
    }
    out.push_str("; ");
    out.push_str(label);
    out.push('=');
    let b = value.as_bytes();
    let (mut i, mut run) = (0, 0);
    while let Some(&c) = b.get(i) {
        let width = match c {
            0..=0x1f | 0x7f => 1,
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => 2,
            _ => 0,
        };
        if width > 0 {
            out.push_str(value.get(run..i).unwrap_or_default());
            run = i + width;
        }
        i += width.max(1);
    }
    out.push_str(value.get(run..value.len()).unwrap_or_default());
}

/// The `document.cookie = …` text that stores `raw_value` (an encoded value, re-checked here)
/// under `name` until `expires_ms` (ms since the epoch, written by the platform's `format_date`), with
/// `attrs`: `name=value; expires=<http date>; path=/; domain=…; SameSite=Lax[; Secure]`.
pub fn assignment(name: &str, raw_value: &str, expires_ms: f64, format_date: FormatDate, attrs: &CookieAttributes) -> String {
    assignment_on(name, raw_value, &format_date.http_date(expires_ms), attrs, attrs.domain.as_deref().unwrap_or(""))
}

/// The epoch as an HTTP date: the `expires` of a deletion.
pub const EXPIRED: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

/// [`assignment`] with its `expires` date already written (`time::FormatDate::http_date`, or
/// [`EXPIRED`]) and `domain` in place of `attrs.domain` (empty: host-only).
pub fn assignment_on(name: &str, raw_value: &str, expires: &str, attrs: &CookieAttributes, domain: &str) -> String {
    let mut out = String::new();
    push_encoded(&mut out, name, NAME_BARE);
    out.push('=');
    // An already-encoded value, made safe to splice: bytes outside js-cookie's output alphabet (which
    // includes `%`) are percent-encoded (a no-op on `encode_value` output).
    push_encoded(&mut out, raw_value, RAW_VALUE_BARE);
    out.push_str("; expires=");
    out.push_str(expires);
    push_attribute(&mut out, "path", &attrs.path);
    push_attribute(&mut out, "domain", domain);
    push_attribute(&mut out, "SameSite", &attrs.same_site);
    if attrs.secure {
        out.push_str("; Secure");
    }
    out
}

/// The `document.cookie = …` text that deletes cookie `name` written with `attrs`
/// (empty value, expired at the epoch; domain, path and Secure must match the original).
pub fn deletion(name: &str, attrs: &CookieAttributes) -> String {
    assignment_on(name, "", EXPIRED, attrs, attrs.domain.as_deref().unwrap_or(""))
}

/// The [`deletion`] of the host-only copy of cookie `name` written with `attrs` (see
/// [`shadowing_host_only`]); `None` when `attrs` writes host-only itself.
pub fn host_only_deletion(name: &str, attrs: &CookieAttributes) -> Option<String> {
    attrs.domain.as_ref()?;
    Some(assignment_on(name, "", EXPIRED, attrs, ""))
}

/// The attributes of the host-only copy of a cookie written with `attrs`, which a domain cookie
/// must remove: an older host-only cookie of the same name is listed first in `document.cookie`,
/// so it would shadow ours on every read. `None` when `attrs` writes host-only itself (nothing can
/// shadow it). The rule [`host_only_deletion`] writes (without copying the attributes), which the
/// cookie store uses when removing, and after a write that does not read back.
pub fn shadowing_host_only(attrs: &CookieAttributes) -> Option<CookieAttributes> {
    attrs.domain.as_ref()?;
    Some(CookieAttributes { domain: None, ..attrs.clone() })
}

#[cfg(test)]
#[path = "percent_decode_reference.rs"]
pub mod percent_decode_reference;

#[cfg(test)]
#[path = "cookie_codec_tests.rs"]
mod tests;
