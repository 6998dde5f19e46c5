//! Host test: the core reports repairs and refusals of calls by number (`args::Warning`,
//! `args::DropReason`, `tracker::NOT_SAVED`) and `www/src/debug.js`, fetched only in debug mode, holds
//! their log lines at those indices. Pins each reason's line (the texts debug mode has always printed)
//! so a renumbering or a reordered list fails here.
//!
//! Environment: host only (`cargo test --test debug_texts`); reads the file as text.
#![cfg(not(target_arch = "wasm32"))]

use wasm_analytics::core::event::args::{DropReason, Warning};
use wasm_analytics::core::tracker::NOT_SAVED;

/// The quoted entries of debug.js's `export default [ … ];`, one per line.
fn debug_js_texts() -> Vec<String> {
    let path = format!("{}/www/src/debug.js", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
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
    let lines: [(u8, &str); 17] = [
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
    ];
    let texts = debug_js_texts();
    assert_eq!(texts.len(), lines.len(), "debug.js has one line per reason: {texts:?}");
    for (number, line) in lines {
        assert_eq!(texts.get(usize::from(number)).map(String::as_str), Some(line), "reason {number}");
    }
    assert_eq!(Warning::ALL.len() + DropReason::ALL.len() + 1, lines.len(), "every reason is listed");
}
