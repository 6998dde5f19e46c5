//! The event's `context`: the caller's `options.context` and other option keys, then the page
//! context, then analytics.js's Page Enrichment (userAgent, userAgentData, locale, library,
//! campaign, amp, referrer, timezone), each with its own precedence rule, and `anonymizeIp` (init option)
//! unless the call set it.
//! Imports `core::json` and `core::event`'s own modules; must not import another part of the core.

use super::fields::Fields;
use super::Env;
use crate::core::event::args::{Warning, Warnings};
use crate::core::event::call_options::{is_context_key, is_falsy, Options};
use crate::core::event::campaign::QueryContext;
use crate::core::json;

/// The five `context.page` keys; on page events the same keys in `properties` override them.
pub(super) const PAGE_KEYS: [&str; 5] = ["path", "referrer", "search", "title", "url"];

/// Appends `context` to `out` and answers the ad referrer used (`btid`/`urid` from this page,
/// else the stored one), to persist. `page` is the call-time `context.page` JSON; `page_properties`
/// are a page event's properties (their page keys override `page`, and `options.context.page`
/// overrides both).
pub(super) fn push(
    out: &mut String,
    options: &Options,
    page: &str,
    page_properties: Option<&Fields>,
    env: &Env<'_>,
    warnings: &mut Warnings,
) -> Option<String> {
    let mut context = from_options(options, warnings);
    let page = merged_page(page, page_properties, context.get("page"));
    let search = json::get(&page, "search").and_then(json::parse_str).unwrap_or_default();
    context.put_owned("page", page);
    let query = QueryContext::read(&search, env.read_query);
    enrich(&mut context, env, query.campaign());
    let referrer = query.ad_referrer().or(env.stored_referrer).map(str::to_string);
    if let Some(ad) = &referrer {
        let merged = json::merge_objects(context.get("referrer").unwrap_or("{}"), ad);
        context.put_owned("referrer", merged);
    }
    context.set_text("timezone", env.timezone);
    context.write(out);
    referrer
}

/// `options.context`, then every other option key (except the top-level ones) set into it.
fn from_options(options: &Options, warnings: &mut Warnings) -> Fields {
    let raw = options.context();
    let mut context = Fields::parse_or_empty(raw);
    // Not an object: nothing was read (an empty object reads as no fields too, and is no warning).
    if context.is_empty() && raw.is_some_and(|raw| raw != "null" && !json::is_object(raw)) {
        warnings.add(Warning::ContextNotObject);
    }
    for (key, value) in options.entries() {
        if is_context_key(key) {
            context.put(key, value);
        }
    }
    context
}

/// `{...pageContext, ...pageKeysOf(properties), ...options.context.page}` (the call-time page
/// context as it is when nothing overrides it: the common case, kept cheap).
fn merged_page(page: &str, page_properties: Option<&Fields>, from_options: Option<&str>) -> String {
    if page_properties.is_none() && from_options.is_none() {
        return page.to_owned();
    }
    let mut merged = Fields::parse_or_empty(Some(page));
    if let Some(properties) = page_properties {
        for &key in &PAGE_KEYS {
            if let Some(value) = properties.get(key) {
                merged.put(key, value);
            }
        }
    }
    merged.extend_json(from_options);
    merged.to_json()
}

/// Page Enrichment: `userAgent` and `userAgentData` always, `locale` when absent, `library` when
/// absent or null, `campaign` (read from the page's query, when it has one) when no truthy campaign is
/// set, `amp`.
fn enrich(context: &mut Fields, env: &Env<'_>, campaign: Option<&str>) {
    context.set_text("userAgent", Some(env.user_agent));
    match env.user_agent_data {
        Some(data) => context.put("userAgentData", data),
        None => context.remove("userAgentData"),
    }
    if context.get("locale").is_none() {
        context.set_text("locale", env.locale);
    }
    if context.get("library").is_none_or(|raw| raw == "null") {
        let mut library = Fields::default();
        library.set_text("name", Some("analytics.js"));
        library.set_text("version", Some(env.library_version));
        context.put_owned("library", library.to_json());
    }
    if let Some(campaign) = campaign.filter(|_| context.get("campaign").is_none_or(is_falsy)) {
        context.put("campaign", campaign);
    }
    if env.anonymize_ip && context.get("anonymizeIp").is_none() {
        context.put("anonymizeIp", "true");
    }
    if let Some(id) = env.amp_id {
        let mut amp = Fields::default();
        amp.set_text("id", Some(id));
        context.put_owned("amp", amp.to_json());
    }
}
