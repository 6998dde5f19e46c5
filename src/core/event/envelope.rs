//! The event body analytics.js would send for each call type, built as JSON text.
//!
//! Owns: the envelope fields (`type`, `event`/`name`/`category`/`properties`/`traits`/`groupId`/
//! `previousId`, `messageId`, `timestamp`, `userId`/`anonymousId`, `context`, `integrations`,
//! `writeKey`), their precedence rules, and the delivery-time stamps (`sentAt`, `_metadata`, the
//! batch wrapper, in `core::delivery::stamp`). Property bags arrive as the facade's `JSON.stringify` text and
//! are spliced in, never parsed deeper than one level. No serde, no `format!`, no clock (time is
//! `now_ms`), no RNG (the uuid is an input). Imports only other `core` modules.
//!
//! Flow for every call (the shell, in order):
//! 1. `args::resolve(method, kinds)`; if `drop` is set, log it, fire the callback, stop.
//! 2. `call_options::anonymous_id(options text)`; if set, store it as the anonymous id.
//! 3. identify/group only: apply the id and traits to the stored user/group (identity rules).
//! 4. [`build`] with the identity as it now stands → the body, to queue for delivery.
//! 5. at send time: `core::delivery::stamp::stamp` (one event) or `stamp::batch` (several).
//!
//! Decisions where we differ from analytics.js 1.84.1 on purpose (each tested):
//! - `context.library` is `{name:'analytics.js', version:'next-<ours>' | 'npm:next-<ours>'}`: the
//!   analytics.js name keeps server-side and destination logic that keys on it working; the
//!   version is this crate's, so our events stay distinguishable.
//! - `alias(to)` while identified sends `userId: to` (analytics.js overwrites it with the stored id,
//!   which makes `userId == previousId`).
//! - Calls that analytics.js would send only to have the API reject them are dropped with a
//!   [`DropReason`]: no `groupId`, no (or an empty) alias target, a body over [`MAX_EVENT_BYTES`]
//!   or nested too deep (`core::event::admit`); what can be repaired is, with a warning: an
//!   unpaired surrogate, an `options.timestamp` that is not ISO-8601 text (the call time is
//!   sent), an `options.userId` that is not a string or number (ignored).
//! - Dotted option keys (`{'page.title': x}`) become literal `context` keys (no `dset` expansion).
//! Must not import `core::identity` (ids come in as [`Identity`]), `core::delivery` or any platform crate.

mod context;

mod fields;
#[cfg(test)]
mod tests;

use crate::core::event::args::{DropReason, Method, Resolved, Warning, Warnings};
use crate::core::event::call_options::Options;
use crate::core::event::campaign::ReadQuery;
use crate::core::event::admit::admit;
use crate::core::time::{self, FormatDate};
use crate::core::json;
use crate::core::endpoint_limits::is_admissible_id as admissible_id;

/// `context.library.version` for the script-tag build (analytics.js CDN naming, our version).
pub const LIBRARY_VERSION_CDN: &str = concat!("next-", env!("CARGO_PKG_VERSION"));
/// `context.library.version` for the npm build (analytics.js npm naming, our version).
pub const LIBRARY_VERSION_NPM: &str = concat!("npm:next-", env!("CARGO_PKG_VERSION"));

pub use crate::core::endpoint_limits::MAX_EVENT_BYTES;

/// One call, as the facade passed it.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// The method called.
    pub method: Method,
    /// `args::resolve(method, kinds)` for this call.
    pub resolved: &'a Resolved,
    /// Argument texts by index: the value for `s`, the number text for `n`, JSON for `o`.
    pub args: &'a [&'a str],
    /// Call time (epoch ms); for snippet-buffered calls, the time the call was buffered.
    pub now_ms: f64,
    /// A fresh lowercase UUID v4 for the `messageId`.
    pub uuid: &'a str,
    /// `context.page` JSON at call time (built by the facade, checked by `page_context::checked`).
    pub page: &'a str,
}

/// The identity the event carries, read after step 3 of the flow.
#[derive(Clone, Copy, Debug, Default)]
pub struct Identity<'a> {
    /// The stored user id (it wins over `options.userId`).
    pub user_id: Option<&'a str>,
    /// The stored anonymous id (already updated from `options.anonymousId`).
    pub anonymous_id: &'a str,
    /// identify: the full stored user traits (JSON); otherwise unused (pass `{}`).
    pub user_traits: &'a str,
    /// group: the stored group id.
    pub group_id: Option<&'a str>,
    /// group: the full stored group traits (JSON); otherwise unused (pass `{}`).
    pub group_traits: &'a str,
}

/// What stays the same for every event of a page: set up once at load.
#[derive(Clone, Copy, Debug, Default)]
pub struct Env<'a> {
    /// The source write key.
    pub write_key: &'a str,
    /// [`LIBRARY_VERSION_CDN`] or [`LIBRARY_VERSION_NPM`].
    pub library_version: &'a str,
    /// `navigator.userAgent`.
    pub user_agent: &'a str,
    /// `navigator.userAgentData.toJSON()` as JSON, when supported.
    pub user_agent_data: Option<&'a str>,
    /// `navigator.userLanguage || navigator.language`.
    pub locale: Option<&'a str>,
    /// `Intl.DateTimeFormat().resolvedOptions().timeZone`.
    pub timezone: Option<&'a str>,
    /// Init integrations as booleans: [`integration_booleans`] of the init `integrations`.
    pub integrations: &'a str,
    /// The `_ga` cookie when it starts with `amp`.
    pub amp_id: Option<&'a str>,
    /// The `s:context.referrer` cookie's JSON, when stored.
    pub stored_referrer: Option<&'a str>,
    /// The platform's reading of a page's query (`campaign`, ad `referrer`); none: no query enrichment.
    pub read_query: Option<ReadQuery>,
    /// The platform's date formatter (`timestamp`); the default writes nothing.
    pub format_date: FormatDate,
    /// The `anonymizeIp` init option: events carry `context.anonymizeIp: true` (the collector stores the
    /// address truncated).
    pub anonymize_ip: bool,
}

/// A built event.
#[derive(Debug, PartialEq)]
pub struct Event {
    /// The body JSON without `sentAt` / `_metadata` (added by `core::delivery::stamp` at send time).
    pub body: String,
    /// The body's `messageId`, decoded (the outbox keys the event by it).
    pub message_id: String,
    /// Repairs made (argument resolution and options); log them in debug mode.
    pub warnings: Warnings,
    /// The ad referrer the event carries: persist it as `s:context.referrer` when it changed.
    pub referrer: Option<String>,
}

/// The init `integrations` with every value turned into a boolean (`{A:{x:1}}` → `{"A":true}`).
/// Call once at load; pass the result as [`Env::integrations`].
pub fn integration_booleans(init: &str) -> String {
    // Each key once, where it first appears, with its last value.
    let mut out = String::from("{");
    for (key, raw) in &json::object_members(init).0 {
        let boolean = if crate::core::event::call_options::is_falsy(raw) { "false" } else { "true" };
        json::push_member(&mut out, 0, key, boolean);
    }
    out.push('}');
    out
}

/// Builds the event body for `call` (step 4 of the flow). `Err` means nothing is sent; the
/// callback still fires. Every field is written straight into the body, in wire order.
pub fn build(call: &Call<'_>, who: &Identity<'_>, env: &Env<'_>) -> Result<Event, DropReason> {
    let r = call.resolved;
    if let Some(reason) = r.drop {
        return Err(reason);
    }
    let mut warnings = r.warnings;
    let options = Options::parse(call.arg(r.options));
    let mut body = String::with_capacity(512 + call.page.len() * 2);
    body.push('{');
    key(&mut body, "timestamp");
    match options.timestamp() {
        Some(raw) if json::parse_str(raw).is_some_and(|t| time::is_iso8601(&t)) => body.push_str(raw),
        given => {
            if given.is_some_and(|raw| raw != "null") {
                warnings.add(Warning::TimestampInvalid);
            }
            json::push_str(&mut body, &env.format_date.iso8601(call.now_ms));
        }
    }
    key(&mut body, "integrations");
    push_integrations(&mut body, env.integrations, &options, &mut warnings);
    key(&mut body, "userId");
    push_user_id(&mut body, call, who, &options, &mut warnings)?;
    key(&mut body, "anonymousId");
    json::push_str(&mut body, who.anonymous_id);
    key(&mut body, "type");
    json::push_str(&mut body, call.method.name());
    let mut page_properties = fields::Fields::default();
    type_fields::push(&mut body, call, who, &mut warnings, &mut page_properties)?;
    key(&mut body, "context");
    let referrer = context::push(&mut body, &options, call.page, (call.method == Method::Page).then_some(&page_properties), env, &mut warnings);
    key(&mut body, "messageId");
    let message_id = push_message_id(&mut body, call, &options, &mut warnings);
    key(&mut body, "writeKey");
    json::push_str(&mut body, env.write_key);
    body.push('}');
    admit(&mut body, &mut warnings)?;
    Ok(Event {
        body,
        message_id,
        warnings,
        referrer,
    })
}

/// Appends `,"key":` (no comma right after the opening `{`) to the object being written into `out`:
/// the keys are kept as bare names, which the wasm's data shares with the readers of the same keys.
pub(super) fn key(out: &mut String, key: &str) {
    json::push_member(out, 0, key, "");
}

impl<'a> Call<'a> {
    /// The text of the argument playing a role (`Resolved`'s index), if that role was given.
    #[inline(always)]
    fn arg(&self, index: Option<u8>) -> Option<&'a str> {
        Resolved::text(index, self.args)
    }
}

/// Init booleans with `options.integrations` spread on top (objects kept as given).
fn push_integrations(out: &mut String, init: &str, options: &Options, warnings: &mut Warnings) {
    match options.integrations() {
        Some(raw) if json::is_object(raw) => return out.push_str(&json::merge_objects(init, raw)),
        Some(raw) if raw != "null" => warnings.add(Warning::IntegrationsNotObject),
        _ => {}
    }
    out.push_str(init);
}

/// `options.userId` when it is a string or number (strings up to `MAX_ID_CHARS`), with a warning
/// for anything else (an object or `true` would make the endpoint reject the event).
fn option_user_id<'a>(options: &'a Options, warnings: &mut Warnings) -> Option<&'a str> {
    let raw = options.user_id()?;
    let ok = match json::parse_str(raw) {
        Some(text) => admissible_id(&text),
        None => json::is_number(raw),
    };
    if !ok {
        warnings.add(Warning::UserIdInvalid);
    }
    ok.then_some(raw)
}

/// `options.messageId` verbatim when it is a string, else `ajs-next-<ms>-<uuid>`; returns it decoded.
fn push_message_id(out: &mut String, call: &Call<'_>, options: &Options, warnings: &mut Warnings) -> String {
    if let Some(raw) = options.raw("messageId") {
        // `parse_str` answers only for a string literal.
        if let Some(id) = json::parse_str(raw) {
            out.push_str(raw);
            return id;
        }
        warnings.add(Warning::MessageIdNotString);
    }
    // Capacity 64 up front: grown push by push it ended at 72 (an 80-byte allocator block, kept with
    // every queued event); 64 holds the prefix, a 13-digit ms time, '-' and the UUID (59 bytes).
    let mut id = String::with_capacity(64);
    id.push_str("ajs-next-");
    // `as` saturates: a negative or NaN time writes 0.
    json::push_u64(&mut id, call.now_ms as u64);
    id.push('-');
    id.push_str(call.uuid);
    json::push_str(out, &id);
    id
}

/// The top-level `userId` as JSON. alias: `to`, else the stored id, else `options.userId`
/// (`Err`: nothing to alias). Others: the stored id, else a truthy `options.userId`, else `null`.
/// An empty (or over-long) alias id counts as absent (the endpoint rejects `""`).
fn push_user_id(out: &mut String, call: &Call<'_>, who: &Identity<'_>, options: &Options, warnings: &mut Warnings) -> Result<(), DropReason> {
    let alias = call.method == Method::Alias;
    let to = call.arg(call.resolved.id).filter(|to| alias && admissible_id(to));
    if let Some(id) = to.or(who.user_id) {
        json::push_str(out, id);
        return Ok(());
    }
    match option_user_id(options, warnings) {
        Some(raw) => out.push_str(raw),
        None if alias => return Err(DropReason::AliasToMissing),
        None => out.push_str("null"),
    }
    Ok(())
}

mod type_fields;
