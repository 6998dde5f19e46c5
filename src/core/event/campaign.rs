//! Query-string enrichment of `context`: `campaign` from `utm_*` keys and the ad-network
//! `referrer` from `btid` / `urid`, as analytics.js's Page Enrichment plugin reads them.
//!
//! The platform reads the query ([`ReadQuery`]: in the browser `src/browser/host.js` `hostQuery`,
//! with analytics.js's splitting and `decodeURIComponent` for its `+`-as-space graceful decoding;
//! its table is `tests/e2e/query-context.test.mjs`). The core decides when it applies
//! (`envelope::context`: a page with a query, no campaign set by the caller, the stored referrer
//! otherwise). Pure; imports only `core::{json, pairs}`.

use crate::core::json;
use crate::core::pairs::Pairs;

/// Reads a non-empty page `search` (leading `?` optional) into the JSON text
/// `{"campaign":{…},"referrer":{"id":…,"type":…}}`: `campaign` always (every key containing `utm_`
/// and longer than four characters, less its first four, `campaign` as `name`, values decoded with
/// `+` as a space, malformed escapes kept as they are, later duplicates winning), `referrer` from the
/// first `btid` (`dataxu`) or `urid` (`millennial-media`) with its raw value as `id` (none without
/// `=`), absent when neither is in the query.
pub type ReadQuery = fn(&str) -> String;

/// What a page's query adds to `context`, as [`ReadQuery`] read it: the members of its JSON text.
#[derive(Debug, Default)]
pub struct QueryContext(Pairs);

impl QueryContext {
    /// Reads `search` with `read`; nothing for an empty `search` (analytics.js reads no campaign
    /// then) or without a reader.
    pub fn read(search: &str, read: Option<ReadQuery>) -> Self {
        match read {
            Some(read) if !search.is_empty() => QueryContext(json::object_members(&read(search))),
            _ => QueryContext::default(),
        }
    }

    /// `context.campaign`'s JSON object, when the page has a query.
    pub fn campaign(&self) -> Option<&str> {
        self.0.get("campaign")
    }

    /// `context.referrer`'s ad part `{"id":…,"type":…}`, when the query names one.
    pub fn ad_referrer(&self) -> Option<&str> {
        self.0.get("referrer")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(search: &str) -> String {
        match search {
            "?btid=b1&utm_source=g" => r#"{"campaign":{"source":"g"},"referrer":{"id":"b1","type":"dataxu"}}"#,
            _ => r#"{"campaign":{}}"#,
        }
        .to_string()
    }

    #[test]
    fn the_query_is_read_only_when_there_is_one() {
        let read = QueryContext::read("?btid=b1&utm_source=g", Some(platform));
        assert_eq!(read.campaign(), Some(r#"{"source":"g"}"#));
        assert_eq!(read.ad_referrer(), Some(r#"{"id":"b1","type":"dataxu"}"#));
        let plain = QueryContext::read("?q=1", Some(platform));
        assert_eq!((plain.campaign(), plain.ad_referrer()), (Some("{}"), None));
        for empty in [QueryContext::read("", Some(platform)), QueryContext::read("?q=1", None)] {
            assert_eq!((empty.campaign(), empty.ad_referrer()), (None, None));
        }
    }
}
