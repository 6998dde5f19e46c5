//! The init options of `load(settings, options)`, parsed once: the one place that knows every top-level option's name.
//! The facade hands them over as one JSON text (the site's options plus `writeKey`, the `apiHost` shorthand,
//! `_npm` and the browser facts `_env`); [`LoadOptions::parse`] turns them into what each part of the core
//! needs — identity settings, the page environment, the delivery config, the endpoint — each part reading
//! its own option paths through one reader (`core::options`), and names every
//! option it does not support, so none is silently dropped. Options the facade acts on before the core exists
//! (`disable`, `initialPageview` (the npm entry), `useQueryString`, `wasmUrl`, `scriptUrl`, `plugins`) are known here too.
//! It joins the parts (identity, event, delivery) like `tracker` does; no part imports it.
//! Must not import platform crates.

use crate::core::consent::ConsentSettings;
use crate::core::delivery::Config;
use crate::core::identity::settings::IdentitySettings;
use crate::core::json;
use crate::core::options::Options;
use crate::core::text;
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
    /// Option names this library does not support, in the order given, joined by `, ` (empty: none).
    pub unsupported: String,
}

impl LoadOptions {
    /// Reads the init options JSON text; never fails (malformed values fall back to analytics-next's defaults).
    #[inline(always)]
    pub fn parse(options_json: &str) -> LoadOptions {
        let o = Options(options_json);
        let retry_queue = o.raw("retryQueue") != Some("false");
        LoadOptions {
            identity: IdentitySettings::from_options(o),
            page: PageEnv::new(
                o.text_or("writeKey", ""),
                o.flag("_npm"),
                o.raw("_env"),
                o.raw("integrations").filter(|raw| json::is_object(raw)),
                o.flag("anonymizeIp"),
            ),
            consent: ConsentSettings::from_options(o),
            delivery: Config::from_options(o, retry_queue),
            endpoint: endpoint(o),
            retry_queue,
            unsupported: unsupported_names(options_json),
        }
    }

    /// The one debug line naming the unsupported options, or `None` when every option is supported.
    pub fn unsupported_warning(&self) -> Option<String> {
        (!self.unsupported.is_empty()).then(|| String::from("init options not supported, ignored: ") + &self.unsupported)
    }
}

/// The top-level option names not in [`KNOWN`], in order, joined by `, ` (a plain loop: an iterator chain
/// with `collect` or `join` costs wasm bytes). Not inlined into `parse`, like [`endpoint`]: the two apart
/// gzip 42 B smaller than inside it.
#[inline(never)]
fn unsupported_names(options_json: &str) -> String {
    let mut names = String::new();
    for (name, _) in &json::entries_or_empty(options_json) {
        if !text::is_one_of(&KNOWN, name) {
            if !names.is_empty() {
                names.push_str(", ");
            }
            names.push_str(name);
        }
    }
    names
}

/// analytics-next's `${protocol}://${apiHost}` from `integrations['Segment.io']`, else the `apiHost` shorthand
/// (which may carry its scheme), else the default host; protocol `http` or `https` (default https).
#[inline(never)]
fn endpoint(o: Options<'_>) -> String {
    let host = o.text("integrations/Segment.io/apiHost").unwrap_or_else(|| o.text_or("apiHost", DEFAULT_API_HOST));
    if has_scheme(&host) {
        return host;
    }
    let protocol = if o.is("integrations/Segment.io/protocol", "http") { "http://" } else { "https://" };
    protocol.to_owned() + &host
}

/// `http://…`, `https://…`: letters, then `://`. Bytes, not `str::contains` (a substring searcher and its
/// panic formatting cost ~6 KB of gzip wasm).
fn has_scheme(host: &str) -> bool {
    let b = host.as_bytes();
    let mut letters = 0;
    while b.get(letters).is_some_and(u8::is_ascii_alphabetic) {
        letters += 1;
    }
    letters > 0 && b.get(letters..).is_some_and(|rest| rest.starts_with(b"://"))
}

#[cfg(test)]
#[path = "load_options_tests.rs"]
mod tests;
