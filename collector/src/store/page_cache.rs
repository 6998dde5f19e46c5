//! SQLite's own page cache (pcache1) behind a thin layer that keeps a B-tree page swap from costing a
//! walk over the whole cache at the next COMMIT.
//!
//! When SQLite splits a B-tree page it renumbers the new pages into ascending order, swapping two
//! page numbers through a temporary one: the "pending byte" page (page 262,145 with 4 KiB pages), which
//! no database ever uses. pcache1 remembers the largest page number it has seen since it was last
//! truncated, and every transaction ends by truncating the cache to the database size: when that
//! largest number is more than the hash table's size above the database size, pcache1 walks every hash
//! slot and every cached page instead of the few slots above the end. So any transaction that split a
//! page — nearly every one that inserts an event — paid a walk over the writer's whole cache (64 MiB,
//! up to 16,384 pages): measured with `perf`, about half of the writer thread's time with one event per
//! request (`pcache1TruncateUnsafe`), in the old hand-written server and in the axum port alike.
//!
//! This layer hands every call to pcache1 unchanged except one: a swap's move *to* the temporary page
//! number goes to the number just above the largest page the cache holds instead (a number no cached
//! page has), and the swap's move *from* the temporary number comes back from there. pcache1 then
//! never sees a page number far above the database, and the truncation looks at one slot. SQLite
//! never reads or writes a page under the temporary number (it is only a name for the moment between
//! two renames), so where the page sits meanwhile is invisible to it.
//!
//! [`install`] must run before SQLite is initialized (before the first connection is opened in the
//! process): the binary calls it first thing. Where it cannot (SQLite already running), nothing changes.

use rusqlite::ffi;
use std::ffi::{c_int, c_uint};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// SQLite's `PENDING_BYTE` (its default; only its test builds move it).
const PENDING_BYTE: c_uint = 0x4000_0000;

/// pcache1's methods, as SQLite reported them before [`install`] replaced them.
struct Base(ffi::sqlite3_pcache_methods2);
// SAFETY: the struct holds function pointers and pcache1's `pArg` (null for pcache1), only ever passed
// back to SQLite.
unsafe impl Send for Base {}
unsafe impl Sync for Base {}

static BASE: OnceLock<Base> = OnceLock::new();

/// Swaps sent above the cache instead of to the temporary page number (for tests).
static SWAPS_MOVED: AtomicU64 = AtomicU64::new(0);

/// Whether [`install`] put the layer in place (it runs once per process).
static INSTALLED: Mutex<Option<bool>> = Mutex::new(None);

/// Puts the layer in front of SQLite's page cache for every connection opened afterwards. Call before
/// the first connection is opened; returns whether the layer is in place (false when SQLite was
/// already initialized: then its cache works as before).
pub fn install() -> bool {
    let mut installed = INSTALLED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(done) = *installed {
        return done;
    }
    let done = replace_methods();
    *installed = Some(done);
    done
}

fn replace_methods() -> bool {
    let mut base = ffi::sqlite3_pcache_methods2 {
        iVersion: 0,
        pArg: std::ptr::null_mut(),
        xInit: None,
        xShutdown: None,
        xCreate: None,
        xCachesize: None,
        xPagecount: None,
        xFetch: None,
        xUnpin: None,
        xRekey: None,
        xTruncate: None,
        xDestroy: None,
        xShrink: None,
    };
    // SAFETY: SQLITE_CONFIG_GETPCACHE2 writes the current methods into the struct it is given.
    if unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_GETPCACHE2, &mut base as *mut ffi::sqlite3_pcache_methods2) } != ffi::SQLITE_OK {
        return false;
    }
    let complete = [base.xCreate.is_some(), base.xCachesize.is_some(), base.xPagecount.is_some(), base.xFetch.is_some(), base.xUnpin.is_some(), base.xRekey.is_some(), base.xTruncate.is_some(), base.xDestroy.is_some()];
    if complete.contains(&false) {
        return false;
    }
    let ours = ffi::sqlite3_pcache_methods2 {
        iVersion: 1,
        pArg: base.pArg,
        xInit: base.xInit,
        xShutdown: base.xShutdown,
        xCreate: Some(create),
        xCachesize: Some(cachesize),
        xPagecount: Some(pagecount),
        xFetch: Some(fetch),
        xUnpin: Some(unpin),
        xRekey: Some(rekey),
        xTruncate: Some(truncate),
        xDestroy: Some(destroy),
        xShrink: Some(shrink),
    };
    if BASE.set(Base(base)).is_err() {
        return false;
    }
    // SAFETY: SQLITE_CONFIG_PCACHE2 copies the struct; it fails (SQLITE_MISUSE) once SQLite is initialized.
    unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_PCACHE2, &ours as *const ffi::sqlite3_pcache_methods2) == ffi::SQLITE_OK }
}

/// How many page swaps went above the cache instead of to the temporary number, in this process.
pub fn swaps_moved() -> u64 {
    SWAPS_MOVED.load(Ordering::Relaxed)
}

/// One connection's cache: pcache1's, plus what the layer needs to know.
struct Cache {
    base: *mut ffi::sqlite3_pcache,
    /// No page pcache1 holds has a larger number (pages are only created by fetch and rekey, and
    /// truncation drops every page from its limit up).
    max_key: c_uint,
    /// The swap's temporary page number for this page size.
    temporary: c_uint,
    /// The page SQLite named `temporary`, and the number pcache1 has it under, between the two
    /// renames of a swap.
    parked: Option<(*mut ffi::sqlite3_pcache_page, c_uint)>,
}

fn base() -> &'static ffi::sqlite3_pcache_methods2 {
    // Only reachable through methods installed after BASE was set.
    &BASE.get().expect("page cache layer installed without its base").0
}

/// # Safety
/// `p` is a pointer [`create`] returned and [`destroy`] has not freed; SQLite calls a cache's methods
/// from one connection at a time.
unsafe fn cache<'a>(p: *mut ffi::sqlite3_pcache) -> &'a mut Cache {
    unsafe { &mut *(p as *mut Cache) }
}

unsafe extern "C" fn create(page_size: c_int, extra: c_int, purgeable: c_int) -> *mut ffi::sqlite3_pcache {
    let xcreate = base().xCreate.expect("checked at install");
    // SAFETY: pcache1's own constructor with SQLite's arguments.
    let inner = unsafe { xcreate(page_size, extra, purgeable) };
    if inner.is_null() {
        return std::ptr::null_mut();
    }
    let temporary = PENDING_BYTE / (page_size.max(1) as c_uint) + 1;
    Box::into_raw(Box::new(Cache { base: inner, max_key: 0, temporary, parked: None })) as *mut ffi::sqlite3_pcache
}

unsafe extern "C" fn cachesize(p: *mut ffi::sqlite3_pcache, pages: c_int) {
    let c = unsafe { cache(p) };
    unsafe { base().xCachesize.expect("checked at install")(c.base, pages) }
}

unsafe extern "C" fn pagecount(p: *mut ffi::sqlite3_pcache) -> c_int {
    let c = unsafe { cache(p) };
    unsafe { base().xPagecount.expect("checked at install")(c.base) }
}

unsafe extern "C" fn fetch(p: *mut ffi::sqlite3_pcache, key: c_uint, create_flag: c_int) -> *mut ffi::sqlite3_pcache_page {
    let c = unsafe { cache(p) };
    let xfetch = base().xFetch.expect("checked at install");
    // Under the temporary number, the page is where it was parked.
    let key = match c.parked {
        Some((_, spare)) if key == c.temporary => spare,
        _ => key,
    };
    let page = unsafe { xfetch(c.base, key, create_flag) };
    if !page.is_null() {
        c.max_key = c.max_key.max(key);
    }
    page
}

unsafe extern "C" fn unpin(p: *mut ffi::sqlite3_pcache, page: *mut ffi::sqlite3_pcache_page, discard: c_int) {
    let c = unsafe { cache(p) };
    unsafe { base().xUnpin.expect("checked at install")(c.base, page, discard) }
}

unsafe extern "C" fn rekey(p: *mut ffi::sqlite3_pcache, page: *mut ffi::sqlite3_pcache_page, old: c_uint, new: c_uint) {
    let c = unsafe { cache(p) };
    let (from, to) = match c.parked {
        None if new == c.temporary && old != c.temporary => {
            // The first rename of a swap: park the page just above every page the cache holds.
            let spare = c.max_key.saturating_add(1);
            c.parked = Some((page, spare));
            SWAPS_MOVED.fetch_add(1, Ordering::Relaxed);
            (old, spare)
        }
        Some((parked, spare)) if parked == page && old == c.temporary => {
            // The last rename of a swap: from where the page was parked.
            c.parked = None;
            (spare, new)
        }
        _ => (old, new),
    };
    c.max_key = c.max_key.max(to);
    unsafe { base().xRekey.expect("checked at install")(c.base, page, from, to) }
}

unsafe extern "C" fn truncate(p: *mut ffi::sqlite3_pcache, limit: c_uint) {
    let c = unsafe { cache(p) };
    unsafe { base().xTruncate.expect("checked at install")(c.base, limit) };
    // pcache1 dropped every page numbered `limit` or more.
    if c.max_key >= limit {
        c.max_key = limit.saturating_sub(1);
    }
    if c.parked.is_some_and(|(_, spare)| spare >= limit) {
        c.parked = None;
    }
}

unsafe extern "C" fn destroy(p: *mut ffi::sqlite3_pcache) {
    // SAFETY: `p` came from Box::into_raw in `create`; SQLite destroys a cache once.
    let c = unsafe { Box::from_raw(p as *mut Cache) };
    unsafe { base().xDestroy.expect("checked at install")(c.base) }
}

unsafe extern "C" fn shrink(p: *mut ffi::sqlite3_pcache) {
    let c = unsafe { cache(p) };
    if let Some(xshrink) = base().xShrink {
        unsafe { xshrink(c.base) }
    }
}
