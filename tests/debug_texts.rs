//! Host test: the core reports repairs and refusals of calls by number (`args::Warning`,
//! `args::DropReason`, `tracker::NOT_SAVED`), so do the facade's `www/src/serialize.js` (its repairs) and
//! `www/src/analytics.js`, and `www/src/debug.js`, fetched only in debug mode, holds their log lines at
//! those indices. Pins each reason's line (the texts debug mode has always printed) so a renumbering or a
//! reordered list fails here.
//!
//! Environment: host only (`cargo test --test debug_texts`); reads the files as text.
#![cfg(not(target_arch = "wasm32"))]

use wasm_analytics::core::event::args::{DropReason, Warning};
use wasm_analytics::core::tracker::NOT_SAVED;

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The number of the top-level `const NAME = number;` in `file`.
fn js_number(file: &str, name: &str) -> u8 {
    let text = read(file);
    let declaration = format!("\nconst {name} = ");
    let value = text.split(&declaration).nth(1).and_then(|rest| rest.split(';').next()).unwrap_or_else(|| panic!("{file}: no `const {name} = …;`"));
    value.parse().unwrap_or_else(|_| panic!("{file}: {name} = {value} is not a number"))
}

/// The quoted entries of debug.js's `export default [ … ];`, one per line.
fn debug_js_texts() -> Vec<String> {
    let text = read("www/src/debug.js");
    let list = text.split("export default [\n").nth(1).and_then(|rest| rest.split("\n];").next()).expect("debug.js: export default [ … ];");
    list.lines()
        .map(|line| {
            let line = line.trim().trim_end_matches(',');
            line.strip_prefix('\'').and_then(|l| l.strip_suffix('\'')).unwrap_or_else(|| panic!("debug.js: not one quoted text: {line}")).to_owned()
        })
        .collect()
}

#[test]
fn debug_js_holds_each_reasons_line_at_its_number() {
    let serialize = "www/src/serialize.js";
    let lines: [(u8, &str); 24] = [
        (Warning::ArgumentIgnored as u8, "argument of unsupported type ignored"),
        (Warning::PropertiesNotObject as u8, "properties/traits not an object; sent {}"),
        (Warning::OptionsNotObject as u8, "options not an object; ignored"),
        (Warning::ContextNotObject as u8, "options.context not an object; ignored"),
        (Warning::MessageIdNotString as u8, "options.messageId not a string; ignored"),
        (Warning::IntegrationsNotObject as u8, "options.integrations not an object; ignored"),
        (Warning::SurrogateReplaced as u8, "unpaired UTF-16 surrogate replaced with U+FFFD"),
        (Warning::TimestampInvalid as u8, "options.timestamp not a Date or ISO-8601 text; call time sent"),
        (Warning::UserIdInvalid as u8, "options.userId not a string or number, or too long; ignored"),
        (DropReason::EventMissing as u8, "track: no event name; dropped"),
        (DropReason::GroupIdMissing as u8, "group: no group id; dropped"),
        (DropReason::AliasToMissing as u8, "alias: no user id; dropped"),
        (DropReason::TooLarge as u8, "event over 32 KB; dropped"),
        (DropReason::InvalidJson as u8, "event not a valid JSON object; dropped"),
        (DropReason::TooDeep as u8, "event nested deeper than 64 levels; dropped"),
        (DropReason::NoConsent as u8, "no consent; dropped"),
        (NOT_SAVED, "queue could not be saved (storage full or blocked); events kept in memory"),
        (js_number(serialize, "BIGINT"), "BigInt converted to string"),
        (js_number(serialize, "FUNCTION"), "function dropped"),
        (js_number(serialize, "SYMBOL"), "symbol dropped"),
        (js_number(serialize, "NODE"), "DOM node dropped"),
        (js_number(serialize, "WINDOW"), "window dropped"),
        (js_number(serialize, "CYCLE"), "circular reference dropped"),
        (js_number("www/src/analytics.js", "NOT_A_FUNCTION"), "addSourceMiddleware() needs a function"),
    ];
    let texts = debug_js_texts();
    assert_eq!(texts.len(), lines.len(), "debug.js has one line per reason: {texts:?}");
    for (number, line) in lines {
        assert_eq!(texts.get(usize::from(number)).map(String::as_str), Some(line), "reason {number}");
    }
    assert_eq!(Warning::ALL.len() + DropReason::ALL.len() + 1 + 7, lines.len(), "every reason is listed");
}
