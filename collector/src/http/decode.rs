//! Percent-decoding of URL parts and query-string lookup, shared by the read API, the static files and
//! the privacy guard. Must not import other `http` modules.

/// The value of `name` in a query string (not decoded beyond `%XX`).
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| percent_decode(v))
}

/// Decodes `%XX` escapes (and `+` as space); malformed escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_table() {
        let cases = [("a%40b.c", "a@b.c"), ("a+b", "a b"), ("100%", "100%"), ("%zz", "%zz"), ("%C3%A9", "é")];
        for (raw, want) in cases {
            assert_eq!(percent_decode(raw), want);
        }
        assert_eq!(query_param("limit=5&x=1", "limit").as_deref(), Some("5"));
        assert_eq!(query_param("x=1", "limit"), None);
    }
}
