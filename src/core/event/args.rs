//! Argument forms of the analytics.js call API: which argument plays which role.
//!
//! The JS facade never hands JS values to the core. It classifies each call argument into one
//! letter (a "kinds" string, one byte per argument, in call order) and passes strings, numbers
//! (already stringified) and plain objects (already `JSON.stringify`-ed) as text alongside. The
//! resolvers here read only the kinds string and answer with argument *indexes* by role, plus the
//! repairs made ([`Warning`]) or the reason the call cannot produce an event ([`DropReason`]).
//!
//! The rules are analytics.js 2.0's `arguments-resolver` (`resolveArguments`,
//! `resolvePageArguments`, `resolveUserArguments`, `resolveAliasArguments`); see the tables in
//! `args/tests.rs`. Imports nothing platform-specific; pure and allocation-free.
//!
//! Kinds: `s` string, `n` number, `o` plain object (`Object.prototype.toString` says `Object`),
//! `x` null, `u` undefined, `f` function, `?` anything else (array, boolean, DOM node, BigInt…).
//! Unknown letters count as `?`.

mod reasons;
#[cfg(test)]
mod tests;

pub use reasons::{DropReason, Warning, Warnings};

/// The analytics.js method a call was made to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `track(event, properties?, options?, callback?)`
    Track,
    /// `page(category?, name?, properties?, options?, callback?)`
    Page,
    /// `screen(...)`, same forms as `page`.
    Screen,
    /// `identify(id?, traits?, options?, callback?)`
    Identify,
    /// `group(id?, traits?, options?, callback?)`
    Group,
    /// `alias(to, from?, options?, callback?)`
    Alias,
}

/// Every method with its analytics.js name (the event `type` too).
const METHODS: [(&str, Method); 6] = [
    ("track", Method::Track),
    ("page", Method::Page),
    ("screen", Method::Screen),
    ("identify", Method::Identify),
    ("group", Method::Group),
    ("alias", Method::Alias),
];

impl Method {
    /// The method of an analytics.js call name (`track`, `page`, …); `None` for any other name.
    #[inline(always)]
    pub fn from_name(name: &str) -> Option<Method> {
        METHODS.iter().find(|(known, _)| *known == name).map(|(_, method)| *method)
    }

    /// The method's name (`track`, `page`, …), which is also its event `type`: read from the same
    /// table as [`Method::from_name`].
    pub fn name(self) -> &'static str {
        // The table lists the methods in declaration order.
        METHODS.get(self as usize).map_or("", |(name, _)| name)
    }
}

/// The JS type class of one call argument (one letter of the kinds string).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Str,
    Num,
    Obj,
    Null,
    Undef,
    Func,
    Other,
    Absent,
}

/// A set of kinds, as a bit mask (`1 << Kind as u8`).
type Kinds = u8;
const STR: Kinds = 1 << Kind::Str as u8;
const NUM: Kinds = 1 << Kind::Num as u8;
const OBJ: Kinds = 1 << Kind::Obj as u8;
const NULL: Kinds = 1 << Kind::Null as u8;
const FUNC: Kinds = 1 << Kind::Func as u8;

fn kind_at(kinds: &[u8], i: usize) -> Kind {
    match kinds.get(i) {
        None => Kind::Absent,
        Some(b's') => Kind::Str,
        Some(b'n') => Kind::Num,
        Some(b'o') => Kind::Obj,
        Some(b'x') => Kind::Null,
        Some(b'u') => Kind::Undef,
        Some(b'f') => Kind::Func,
        Some(_) => Kind::Other,
    }
}

/// True when argument `i` has a kind in `set`.
fn is(kinds: &[u8], i: usize, set: Kinds) -> bool {
    set & (1 << kind_at(kinds, i) as u8) != 0
}

/// Argument indexes by role (`None`: the role was not given) and the repairs made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    /// identify/group: the id (`s`, or `n` as its text); alias: `to`. `None`: use the stored id.
    pub id: Option<u8>,
    /// alias: `from`. `None`: the stored user id, else the anonymous id.
    pub previous_id: Option<u8>,
    /// track: the event name (`s`), or the event object when `event_object` is set.
    pub event: Option<u8>,
    /// track: `event` points at a `{event, properties}` object (read both fields from it).
    pub event_object: bool,
    /// page/screen: the category.
    pub category: Option<u8>,
    /// page/screen: the name.
    pub name: Option<u8>,
    /// track/page/screen properties, identify/group traits. `None`: `{}`.
    pub properties: Option<u8>,
    /// The options object. `None`: `{}`.
    pub options: Option<u8>,
    /// The callback; the shell calls it even when the call is dropped.
    pub callback: Option<u8>,
    /// Repairs made while resolving.
    pub warnings: Warnings,
    /// Set when the call cannot produce an event.
    pub drop: Option<DropReason>,
}

impl Resolved {
    /// The text of argument `index` (as the facade passed it), if that role was given.
    pub fn text<'a>(index: Option<u8>, args: &[&'a str]) -> Option<&'a str> {
        args.get(usize::from(index?)).copied()
    }
}

/// Resolves the arguments of a call to `method`, given its kinds string.
/// Call first, on every call, before touching identity (identify/group need the traits index).
pub fn resolve(method: Method, kinds: &str) -> Resolved {
    let kinds = kinds.as_bytes();
    let kinds = &kinds[..kinds.len().min(MAX_ARGS)];
    let mut r = match method {
        Method::Track => track(kinds),
        Method::Page | Method::Screen => page(kinds),
        Method::Identify | Method::Group => user(kinds),
        Method::Alias => alias(kinds),
    };
    warn_unclaimed(&mut r, kinds, method);
    r
}

/// Arguments past this many are not looked at (indexes must fit a `u8`).
const MAX_ARGS: usize = 32;

/// Index of the `n`-th (from 0) argument among the first `limit` whose kind is in `set`.
/// (The search answers a plain index, `u8::MAX` for none: an `Option<u8>` answer goes through memory.)
#[inline(always)]
fn nth(kinds: &[u8], limit: usize, set: Kinds, n: usize) -> Option<u8> {
    let at = nth_index(kinds, limit, set, n);
    (at != u8::MAX).then_some(at)
}

/// [`nth`]'s search.
fn nth_index(kinds: &[u8], limit: usize, set: Kinds, mut n: usize) -> u8 {
    for i in 0..kinds.len().min(limit) {
        if is(kinds, i, set) {
            if n == 0 {
                return i as u8;
            }
            n -= 1;
        }
    }
    u8::MAX
}

/// Index of the first argument among the first `limit` whose kind is in `set`.
#[inline(always)]
fn first(kinds: &[u8], limit: usize, set: Kinds) -> Option<u8> {
    nth(kinds, limit, set, 0)
}

/// `track(event, properties?, options?, callback?)`, or `track({event, properties}, options?, cb?)`.
fn track(kinds: &[u8]) -> Resolved {
    let mut r = Resolved {
        callback: first(kinds, 4, FUNC),
        ..Resolved::default()
    };
    match kind_at(kinds, 0) {
        Kind::Str => r.event = Some(0),
        Kind::Obj => {
            r.event = Some(0);
            r.event_object = true;
        }
        _ => r.drop = Some(DropReason::EventMissing),
    }
    if !r.event_object {
        match kind_at(kinds, 1) {
            Kind::Obj => r.properties = Some(1),
            Kind::Str | Kind::Num | Kind::Other => r.warnings.add(Warning::PropertiesNotObject),
            _ => {}
        }
    }
    // analytics.js: options = args[2] unless a function; the object form then takes args[1].
    let mut options_at = None;
    if kind_at(kinds, 2) != Kind::Func {
        options_at = Some(2);
    }
    if r.event_object && kind_at(kinds, 1) != Kind::Func {
        options_at = Some(1);
    }
    if let Some(i) = options_at {
        r.options = object_or_warn(&mut r.warnings, kinds, i);
    }
    r
}

/// The options slot at `i`: an object is used, null/undefined/absent mean `{}`, anything else is
/// ignored with a warning.
fn object_or_warn(warnings: &mut Warnings, kinds: &[u8], i: usize) -> Option<u8> {
    match kind_at(kinds, i) {
        Kind::Obj => Some(i as u8),
        Kind::Null | Kind::Undef | Kind::Absent => None,
        _ => {
            warnings.add(Warning::OptionsNotObject);
            None
        }
    }
}

/// The first two "object slots" among the first `limit` arguments: plain objects, and nulls when
/// `null_counts` (a null then stands for an empty object in that position).
#[inline(always)]
fn object_slots(kinds: &[u8], limit: usize, null_counts: bool) -> (Option<u8>, Option<u8>) {
    let set = if null_counts { OBJ | NULL } else { OBJ };
    let object = |slot: Option<u8>| slot.filter(|&i| is(kinds, usize::from(i), OBJ));
    (object(nth(kinds, limit, set, 0)), object(nth(kinds, limit, set, 1)))
}

/// `page`/`screen`: one string is the name, two are category and name; the first two object
/// slots (nulls count once a name is given) are properties and options. Only five arguments.
fn page(kinds: &[u8]) -> Resolved {
    let (s0, s1) = (nth(kinds, 5, STR, 0), nth(kinds, 5, STR, 1));
    let (category, name) = if s1.is_some() { (s0, s1) } else { (None, s0) };
    let (properties, options) = object_slots(kinds, 5, name.is_some());
    Resolved {
        category,
        name,
        properties,
        options,
        callback: first(kinds, 5, FUNC),
        ..Resolved::default()
    }
}

/// `identify`/`group`: the id is the first string, else the first number; the first two object
/// slots are traits and options. A null fills an object slot only after an explicit id: the
/// analytics.js test suite's `(null, traits)` and `(id, null, options)` forms.
fn user(kinds: &[u8]) -> Resolved {
    let all = kinds.len();
    let id = first(kinds, all, STR).or_else(|| first(kinds, all, NUM));
    let (properties, options) = object_slots(kinds, all, id.is_some());
    Resolved {
        id,
        properties,
        options,
        callback: first(kinds, all, FUNC),
        ..Resolved::default()
    }
}

/// `alias(to, from?, options?, callback?)`: numbers in the first two places count as strings;
/// the first string is `to`, the second `from`; the first object is options.
fn alias(kinds: &[u8]) -> Resolved {
    let mut r = Resolved {
        options: first(kinds, 4, OBJ),
        callback: first(kinds, 4, FUNC),
        ..Resolved::default()
    };
    for i in 0..kinds.len().min(4) {
        if is(kinds, i, if i < 2 { STR | NUM } else { STR }) {
            match r.id {
                None => r.id = Some(i as u8),
                Some(_) if r.previous_id.is_none() => r.previous_id = Some(i as u8),
                Some(_) => {}
            }
        }
    }
    r
}

/// Adds [`Warning::ArgumentIgnored`] when an argument that carries a value (not null/undefined)
/// got no role and no other warning already explains it.
fn warn_unclaimed(r: &mut Resolved, kinds: &[u8], method: Method) {
    // The indexes given a role, as bits (indexes stay below `MAX_ARGS`, 32).
    let mut claimed = 0u32;
    for role in &[r.id, r.previous_id, r.event, r.category, r.name, r.properties, r.options, r.callback] {
        if let Some(i) = *role {
            claimed |= 1 << (i % 32);
        }
    }
    let explained = |i: usize| match method {
        Method::Track => {
            (i == 1 && r.warnings.contains(Warning::PropertiesNotObject))
                || (i <= 2 && r.warnings.contains(Warning::OptionsNotObject))
                || (i == 0 && r.drop.is_some())
        }
        _ => false,
    };
    for i in 0..kinds.len() {
        let carries_value = !matches!(kind_at(kinds, i), Kind::Null | Kind::Undef);
        if carries_value && claimed & (1 << (i % 32)) == 0 && !explained(i) {
            r.warnings.add(Warning::ArgumentIgnored);
            return;
        }
    }
}
