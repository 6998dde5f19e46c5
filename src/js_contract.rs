//! The numbers that cross between JavaScript and the wasm, by name, in one place: the operations
//! of the `call` export (`www/src/load.js`), the identity field numbers (`www/src/user.js`; the consent ones in `www/src/analytics.js`), the page lifecycle events by index (`host.js`'s `EVENTS`)
//! and the transport's non-HTTP statuses (`host.js`'s `hostFetch`). `tests/js_contract.rs` reads
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

/// The status `hostFetch` answers besides HTTP ones (its meaning: `core::delivery::send_route`).
pub mod send_status {
    /// Network error: rejection, abort after the timeout, opaque answer.
    pub const NETWORK_ERROR: i32 = crate::core::delivery::send_route::NETWORK_ERROR;
}
