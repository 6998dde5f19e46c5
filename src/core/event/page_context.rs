//! `context.page`: the page an event was made on, captured at call time. The facade builds it
//! (`www/src/page.js` `pageJson`: analytics.js's canonical-URL rule over the live page or the
//! snippet's buffered page context `{__t:'bpc', c, p, u, s, t, r}`, with the browser's own URL
//! parser; its table is `tests/e2e/page-context.test.mjs`) and hands the core the JSON text
//! `{path, referrer, search, title, url}`. This module only makes that text safe to splice into
//! an event body. Pure; imports only `core::json`.

use crate::core::json::grammar;

/// The facade's `context.page` text, checked: a flat JSON object as it is (an unpaired surrogate
/// escape, from a title cut mid-emoji, becomes `\ufffd`); anything else (missing, not an object,
/// nested) gives `{}`.
pub fn checked(page_json: &str) -> String {
    match grammar::check(page_json, 1) {
        Ok(lone) if page_json.starts_with('{') => {
            let mut repaired = page_json.to_owned();
            if !lone.is_empty() {
                grammar::repair_surrogates(&mut repaired, &lone);
            }
            repaired
        }
        _ => "{}".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_text_is_spliced_only_when_it_is_a_flat_object() {
        let page = r#"{"path":"/x","referrer":"","search":"?q=1","title":"T","url":"https://a.com/x?q=1"}"#;
        let table: &[(&str, &str)] = &[
            (page, page),
            (r#"{"title":"\ud83d"}"#, r#"{"title":"\ufffd"}"#),
            (r#"{"title":"\ud83d\ude00"}"#, r#"{"title":"\ud83d\ude00"}"#),
            ("", "{}"),
            ("null", "{}"),
            (r#""/x""#, "{}"),
            (r#"{"path":"/x""#, "{}"),
            (r#"{"path":{"x":1}}"#, "{}"),
            (r#"{"path":"/x"} {}"#, "{}"),
            (" {}", "{}"),
        ];
        for (given, want) in table {
            assert_eq!(checked(given), *want, "{given}");
        }
    }
}
