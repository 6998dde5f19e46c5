//! The init options of `load(settings, options)`, parsed once: the one place that knows every option's name.
//! The facade hands them over as one JSON text (the site's options plus `writeKey`, the `apiHost` shorthand,
//! `_npm` and the browser facts `_env`); [`LoadOptions::parse`] turns them into what each part of the core
//! needs — identity settings, the page environment, the delivery config, the endpoint — and names every
//! option it does not support, so none is silently dropped. Options the facade acts on before the core exists
//! (`disable`, `initialPageview`, `useQueryString`, `wasmUrl`, `scriptUrl`, `plugins`) are known here too.
//! It joins the parts (identity, event, delivery) like `tracker` does; no part imports it.
//! Must not import platform crates.

use crate::core::consent::ConsentSettings;
use crate::core::delivery::Config;
use crate::core::identity::settings::{IdentityOptions, IdentitySettings};
use crate::core::json;
use crate::core::tracker::PageEnv;

/// analytics-next's endpoint when none is given: `api.segment.io/v1` over https.
pub const DEFAULT_API_HOST: &str = "api.segment.io/v1";

/// Every option name this library reads (here or in the facade). Anything else is reported.
const KNOWN: [&str; 20] = [
    "writeKey", "apiHost", "integrations", "cookie", "storage", "disableClientPersistence", "user", "group",
    "retryQueue", "initialPageview", "disable", "useQueryString", "wasmUrl", "scriptUrl", "plugins", "_npm", "_env",
    "_delivery", "consent", "anonymizeIp",
];

/// The init options, parsed.
pub struct LoadOptions {
    /// Cookie, stores, user and group keys.
    pub identity: IdentitySettings,
    /// Write key, library version, browser facts, default `integrations`, `anonymizeIp`.
    pub page: PageEnv,
    /// `consent` and the privacy signals in `_env`.
    pub consent: ConsentSettings,
    /// Batching and retries (`deliveryStrategy`, `retryQueue`, `_delivery`).
    pub delivery: Config,
    /// Where events go, with scheme: `integrations['Segment.io'].{protocol, apiHost}`, else the
    /// `apiHost` shorthand (scheme optional), else `https://api.segment.io/v1`.
    pub endpoint: String,
    /// `retryQueue` (default true): failed deliveries are retried and the queue is kept in localStorage.
    pub retry_queue: bool,
    /// `initialPageview` (default false; the facade sends the page call).
    pub initial_pageview: bool,
    /// Option names this library does not support, in the order given.
    pub unsupported: Vec<String>,
}

impl LoadOptions {
    /// Reads the init options JSON text; never fails (malformed values fall back to analytics-next's defaults).
    pub fn parse(options_json: &str) -> LoadOptions {
        let option = |key: &str| json::get(options_json, key);
        let flag = |key: &str, default: bool| option(key).map_or(default, |v| if default { v != "false" } else { v == "true" });
        let integrations = option("integrations").filter(|raw| json::is_object(raw));
        let segment = integrations.and_then(|all| json::get(all, "Segment.io")).filter(|raw| json::is_object(raw));
        let retry_queue = flag("retryQueue", true);
        LoadOptions {
            identity: IdentitySettings::from_options(&IdentityOptions {
                cookie: option("cookie"),
                storage: option("storage"),
                memory_only: flag("disableClientPersistence", false),
                user: option("user"),
                group: option("group"),
            }),
            page: PageEnv::new(text(option("writeKey")).unwrap_or_default(), flag("_npm", false), option("_env"), integrations, flag("anonymizeIp", false)),
            consent: ConsentSettings::from_options(option("consent"), option("_env")),
            delivery: Config::from_options(option("_delivery"), segment.and_then(|s| json::get(s, "deliveryStrategy")), retry_queue),
            endpoint: endpoint(segment, option("apiHost")),
            retry_queue,
            initial_pageview: flag("initialPageview", false),
            unsupported: unsupported_names(options_json),
        }
    }

    /// The one debug line naming the unsupported options, or `None` when every option is supported.
    pub fn unsupported_warning(&self) -> Option<String> {
        if self.unsupported.is_empty() {
            return None;
        }
        // A loop, not `join` (join's generic copy costs wasm bytes).
        let mut line = String::from("init options not supported, ignored: ");
        for (i, name) in self.unsupported.iter().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            line.push_str(name);
        }
        Some(line)
    }
}

/// The top-level option names not in [`KNOWN`], in order (a plain loop: an iterator chain with `collect`
/// costs wasm bytes).
fn unsupported_names(options_json: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (name, _) in json::object_entries(options_json).unwrap_or_default() {
        if !KNOWN.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names
}

/// A non-empty JSON string value.
fn text(raw: Option<&str>) -> Option<String> {
    raw.and_then(json::parse_str).filter(|s| !s.is_empty())
}

/// analytics-next's `${protocol}://${apiHost}` from `integrations['Segment.io']`, else the `apiHost` shorthand
/// (which may carry its scheme), else the default host; protocol `http` or `https` (default https).
fn endpoint(segment: Option<&str>, shorthand: Option<&str>) -> String {
    let field = |key: &str| text(segment.and_then(|s| json::get(s, key)));
    let host = field("apiHost").or_else(|| text(shorthand)).unwrap_or_else(|| DEFAULT_API_HOST.to_owned());
    if has_scheme(&host) {
        return host;
    }
    let protocol = field("protocol").filter(|p| p == "http" || p == "https").unwrap_or_else(|| "https".to_owned());
    protocol + "://" + &host
}

/// `http://…`, `https://…`: letters, then `://`. Bytes, not `str::contains` (a substring searcher and its
/// panic formatting cost ~6 KB of gzip wasm).
fn has_scheme(host: &str) -> bool {
    let letters = host.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters > 0 && host.as_bytes().get(letters..letters + 3) == Some(b"://".as_slice())
}

#[cfg(test)]
#[path = "load_options_tests.rs"]
mod tests;
