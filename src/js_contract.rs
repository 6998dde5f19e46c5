//! The numbers that cross between JavaScript and the wasm, by name, in one place: the operations
//! of the `call` export (`www/src/load.js`), the identity field numbers (`www/src/user.js`; the consent ones in `www/src/analytics.js`), the page lifecycle events by index (`host.js`'s `EVENTS`)
//! and the transport's non-HTTP statuses (`host.js`'s `hostFetchAt`). `tests/js_contract.rs` reads
//! those JS files and fails when they spell a number differently. Plain constants: imports nothing.

/// The operations of the `call` export (`Analytics::call`), as `www/src/load.js` spells them.
pub mod op {
    /// `identity(field)`: one `user()`/`group()` value.
    pub const IDENTITY: u32 = 0;
    /// `setIdentity(field, value)`.
    pub const SET_IDENTITY: u32 = 1;
    /// `enqueue(body)`.
    pub const ENQUEUE: u32 = 2;
    /// `flush()`.
    pub const FLUSH: u32 = 3;
    /// `queueState()`.
    pub const QUEUE_STATE: u32 = 4;
    /// `takeWarnings()`.
    pub const TAKE_WARNINGS: u32 = 5;
    /// `reset()`.
    pub const RESET: u32 = 6;
    /// Every operation by the name `www/src/load.js` gives it.
    pub const ALL: [(&str, u32); 7] = [
        ("IDENTITY", IDENTITY),
        ("SET_IDENTITY", SET_IDENTITY),
        ("ENQUEUE", ENQUEUE),
        ("FLUSH", FLUSH),
        ("QUEUE_STATE", QUEUE_STATE),
        ("TAKE_WARNINGS", TAKE_WARNINGS),
        ("RESET", RESET),
    ];
}

/// The field numbers of the `IDENTITY` / `SET_IDENTITY` operations (`www/src/user.js`).
pub mod field {
    /// `user().anonymousId()`.
    pub const ANONYMOUS_ID: u32 = 0;
    /// `user().id()`.
    pub const USER_ID: u32 = 1;
    /// `user().traits()`.
    pub const USER_TRAITS: u32 = 2;
    /// `group().id()`.
    pub const GROUP_ID: u32 = 3;
    /// `group().traits()`.
    pub const GROUP_TRAITS: u32 = 4;
    /// Read only: with `cookie.serverManaged`, the anonymousId to report to the site's id endpoint
    /// (the server has not set the cookie), while consent lets the page store; else `None`.
    pub const SERVER_REPORT: u32 = 5;
    /// Write only: `consent(preferences)`, the argument as JSON text (`"granted"`, `"denied"` or an
    /// object of booleans); answers the `runtime::consent_flags` bits as one digit (`"0"`: not a
    /// choice). Through `setIdentity` because each export or operation costs glue and wasm.
    pub const CONSENT: u32 = 6;
    /// Read only: `Some("")` while consent lets the page store (cookies, localStorage), else `None`
    /// (the facade saves events still waiting for its plugin module at pagehide only then).
    pub const STORING: u32 = 7;
    /// The fields `www/src/user.js` names.
    pub const ALL: [(&str, u32); 5] = [
        ("ANONYMOUS_ID", ANONYMOUS_ID),
        ("USER_ID", USER_ID),
        ("USER_TRAITS", USER_TRAITS),
        ("GROUP_ID", GROUP_ID),
        ("GROUP_TRAITS", GROUP_TRAITS),
    ];
}

/// The lifecycle events `host.js` reports by their index in its `EVENTS` array.
pub mod page_event {
    /// `host.js`'s `EVENTS`, in order.
    pub const EVENTS: [&str; 5] = ["pagehide", "pageshow", "online", "offline", "visibilitychange"];
    /// Index of `pagehide` (flag: `persisted`).
    pub const PAGEHIDE: u32 = 0;
    /// Index of `pageshow` (flag: `persisted`).
    pub const PAGESHOW: u32 = 1;
    /// Index of `online`.
    pub const ONLINE: u32 = 2;
    /// Index of `offline`.
    pub const OFFLINE: u32 = 3;
    /// Index of `visibilitychange` (flag: now hidden); listened to on `document`, the others on `window`.
    pub const VISIBILITYCHANGE: u32 = 4;
}

/// The status `hostFetchAt` answers besides HTTP ones (its meaning: `core::delivery::send_route`).
pub mod send_status {
    /// Network error: rejection, abort after the timeout, opaque answer.
    pub const NETWORK_ERROR: i32 = crate::core::delivery::send_route::NETWORK_ERROR;
}

/// The operations `host.js`'s merged imports choose by number (src/browser/host.rs): `hostCall` indexes its
/// `CALLS` array (the calls that wake a callback, then the page's facts), `hostTextAt` its `TEXTS`, `hostDoAt`
/// its `DOS`. Each `ALL` lists its array's entries in order with the `host.js` name each entry calls
/// (tests/js_contract.rs checks the arrays against it).
pub mod host_op {
    /// `setTimeout`.
    pub const TIMER: i32 = 0;
    /// `clearTimeout`.
    pub const CLEAR: i32 = 1;
    /// `queueMicrotask`.
    pub const SOON: i32 = 2;
    /// The lifecycle listeners.
    pub const LISTEN: i32 = 3;
    /// The Web Lock request.
    pub const LOCK: i32 = 4;
    /// `Date.now()`.
    pub const NOW: i32 = 5;
    /// `Math.random()`.
    pub const MATH_RANDOM: i32 = 6;
    /// `navigator.onLine`.
    pub const ONLINE: i32 = 7;
    /// Whether Web Locks exist.
    pub const HAS_LOCKS: i32 = 8;
    /// Whether `localStorage` can be opened.
    pub const HAS_STORAGE: i32 = 9;
    /// Whether `crypto.getRandomValues` exists.
    pub const HAS_CRYPTO: i32 = 10;
    /// `hostCall`'s `CALLS` (then `FACTS`), in order.
    pub const CALLS: [(i32, &str); 11] = [
        (TIMER, "hostTimer"),
        (CLEAR, "clearTimeout"),
        (SOON, "hostSoon"),
        (LISTEN, "hostListen"),
        (LOCK, "hostLock"),
        (NOW, "Date.now"),
        (MATH_RANDOM, "Math.random"),
        (ONLINE, "navigator.onLine"),
        (HAS_LOCKS, "navigator.locks"),
        (HAS_STORAGE, "localStorage"),
        (HAS_CRYPTO, "crypto.getRandomValues"),
    ];

    /// `localStorage.getItem`.
    pub const GET_ITEM: i32 = 0;
    /// `localStorage.key`.
    pub const KEY: i32 = 1;
    /// `document.cookie`.
    pub const COOKIE: i32 = 2;
    /// `location.hostname`.
    pub const HOSTNAME: i32 = 3;
    /// The query reader.
    pub const QUERY: i32 = 4;
    /// The cookie `%XX` decoder.
    pub const DECODE: i32 = 5;
    /// `hostTextAt`'s `TEXTS`, in order.
    pub const TEXTS: [(i32, &str); 6] =
        [(GET_ITEM, "hostGetItem"), (KEY, "hostKey"), (COOKIE, "hostCookie"), (HOSTNAME, "hostHostname"), (QUERY, "hostQuery"), (DECODE, "hostDecode")];

    /// `localStorage.setItem`.
    pub const SET_ITEM: i32 = 0;
    /// `localStorage.removeItem`.
    pub const REMOVE_ITEM: i32 = 1;
    /// `document.cookie = text`.
    pub const SET_COOKIE: i32 = 2;
    /// `navigator.sendBeacon`.
    pub const BEACON: i32 = 3;
    /// `hostDoAt`'s `DOS`, in order.
    pub const DOS: [(i32, &str); 4] = [(SET_ITEM, "hostSetItem"), (REMOVE_ITEM, "hostRemoveItem"), (SET_COOKIE, "hostSetCookie"), (BEACON, "hostBeacon")];
}
