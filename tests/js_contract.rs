//! Host test: the JavaScript files spell every number that crosses into the wasm exactly as
//! `src/js_contract.rs` names it: identity field numbers (`www/src/user.js`), lifecycle event
//! indices and the transport's non-HTTP statuses (`src/browser/host.js`), and use the names rather
//! than bare numbers where they pass them; the order of `host.js`'s merged-import arrays (`js_contract::host_op`); and the snippet's saved-calls key (`core::event::snippet_calls_format`).
//!
//! Environment: host only (`cargo test --test js_contract`); reads the files as text.
#![cfg(not(target_arch = "wasm32"))]

use wasm_analytics::core::event::snippet_calls_format;
use wasm_analytics::js_contract::{field, op, page_event, send_status};

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The value of the top-level `const NAME = value;` in `text`.
fn js_const<'a>(text: &'a str, file: &str, name: &str) -> &'a str {
    let declaration = format!("\nconst {name} = ");
    let start = text.find(&declaration).unwrap_or_else(|| panic!("{file}: no `const {name} = …;`")) + declaration.len();
    let value = &text[start..];
    value[..value.find(';').unwrap_or_else(|| panic!("{file}: `const {name}` has no `;`"))].trim()
}

#[test]
fn user_js_spells_the_field_numbers() {
    let user = read("www/src/user.js");
    for (name, number) in field::ALL {
        assert_eq!(js_const(&user, "user.js", name), number.to_string(), "user.js {name}");
        assert!(user.contains(&format!("({name}")), "user.js passes {name} by name");
    }
    assert!(!user.contains("identity(0") && !user.contains("setIdentity(0"), "no bare field numbers in user.js");
    let analytics = read("www/src/analytics.js");
    for (name, number) in [("CONSENT", field::CONSENT), ("SERVER_REPORT", field::SERVER_REPORT), ("STORING", field::STORING)] {
        assert_eq!(js_const(&analytics, "analytics.js", name), number.to_string(), "analytics.js {name}");
        assert!(analytics.contains(&format!("({name}")), "analytics.js passes {name} by name");
    }
}

#[test]
fn load_js_spells_the_call_operations() {
    let load = read("www/src/load.js");
    for (name, number) in op::ALL {
        assert_eq!(js_const(&load, "load.js", name), number.to_string(), "load.js {name}");
        assert!(load.contains(&format!("op({name}")), "load.js passes {name} by name");
    }
    assert!(!load.contains("op(0") && !load.contains("call(handle, 0"), "no bare operation numbers in load.js");
}

#[test]
fn host_js_lists_the_lifecycle_events_in_order() {
    let host = read("src/browser/host.js");
    let quoted: Vec<String> = page_event::EVENTS.iter().map(|name| format!("'{name}'")).collect();
    assert_eq!(js_const(&host, "host.js", "EVENTS"), format!("[{}]", quoted.join(", ")));
    let named = [
        (page_event::PAGEHIDE, "pagehide"),
        (page_event::PAGESHOW, "pageshow"),
        (page_event::ONLINE, "online"),
        (page_event::OFFLINE, "offline"),
        (page_event::VISIBILITYCHANGE, "visibilitychange"),
    ];
    for (index, name) in named {
        assert_eq!(page_event::EVENTS[index as usize], name);
    }
    assert_eq!(js_const(&host, "host.js", "VISIBILITYCHANGE"), page_event::VISIBILITYCHANGE.to_string());
}

#[test]
fn host_js_spells_the_send_statuses() {
    let host = read("src/browser/host.js");
    let statuses = [("NETWORK_ERROR", send_status::NETWORK_ERROR)];
    for (name, status) in statuses {
        assert_eq!(js_const(&host, "host.js", name), status.to_string(), "host.js {name}");
    }
    for bare in ["wake(id, 0, -1)", "response.status : 0", "202"] {
        assert!(!host.contains(bare), "host.js passes a status by number: `{bare}`");
    }
}

/// The stub writes and the facade reads the saved calls under the key the core's format module
/// owns, and no other version of it.
#[test]
fn snippet_and_facade_spell_the_saved_calls_key() {
    let quoted = format!("'{}'", snippet_calls_format::KEY);
    let snippet = read("www/snippet.js");
    let load = read("www/src/load.js");
    assert!(snippet.contains(&quoted), "www/snippet.js writes {quoted}");
    assert_eq!(js_const(&load, "load.js", "SAVED_CALLS_KEY"), quoted, "www/src/load.js reads it");
    for (file, text) in [("snippet.js", &snippet), ("load.js", &load)] {
        let mentions = text.matches("wa:snippet-calls:").count();
        let exact = text.matches(snippet_calls_format::KEY).count();
        assert_eq!(mentions, exact, "{file} names another version of the key");
    }
}

/// The entries of the top-level `const NAME = [ … ];` array in `host.js`, split at its top-level commas
/// (an arrow function's parameter list stays whole); a `...SPREAD` entry is replaced by that array's entries.
fn js_array(text: &str, name: &str) -> Vec<String> {
    let list = js_const(text, "host.js", name);
    let inner = list.strip_prefix('[').and_then(|l| l.strip_suffix(']')).unwrap_or_else(|| panic!("host.js {name} is not an array"));
    let (mut entries, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                entries.push(inner[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    entries.push(inner[start..].trim().to_string());
    entries.retain(|e| !e.is_empty());
    entries.into_iter().flat_map(|e| match e.strip_prefix("...") { Some(spread) => js_array(text, spread), None => vec![e] }).collect()
}

#[test]
fn host_js_lists_the_merged_operations_in_their_numbers_order() {
    use wasm_analytics::js_contract::host_op;
    let host = read("src/browser/host.js");
    for (array, contract) in [("CALLS", &host_op::CALLS[..]), ("TEXTS", &host_op::TEXTS[..]), ("DOS", &host_op::DOS[..])] {
        let entries = js_array(&host, array);
        assert_eq!(entries.len(), contract.len(), "host.js {array}: {entries:?}");
        for (index, (number, calls)) in contract.iter().enumerate() {
            assert_eq!(*number, index as i32, "host_op {array}: numbers are the entries' indexes");
            assert!(entries[index].contains(calls), "host.js {array}[{index}] should call {calls}: {}", entries[index]);
        }
    }
}
