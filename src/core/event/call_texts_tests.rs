//! [`unpack`] against the plain argument list: JavaScript strings are modelled as UTF-16 units, packed
//! as `www/src/analytics.js` packs them, converted as the wasm-bindgen glue converts a string argument
//! (UTF-8, each lone surrogate replaced by one U+FFFD: `String::from_utf16_lossy` does the same), and
//! unpacked; each text must equal what the same text passed as an argument of its own arrives as.

use super::*;

/// A JavaScript string.
type Js = Vec<u16>;

const HIGH: u16 = 0xd83d;
const LOW: u16 = 0xde00;

fn js(s: &str) -> Js {
    s.encode_utf16().collect()
}

/// What the glue hands the wasm for a JavaScript string argument.
fn glue(s: &[u16]) -> String {
    String::from_utf16_lossy(s)
}

/// `www/src/analytics.js` `build_`: `type + ' ' + kinds + ' ' + page.length + ' ' + page`, then
/// `text.length + ' ' + text` per argument.
fn pack(method: &str, kinds: &str, page: &[u16], args: &[Js]) -> Js {
    let mut packed = js(&format!("{method} {kinds} "));
    for text in std::iter::once(page).chain(args.iter().map(Vec::as_slice)) {
        packed.extend(js(&format!("{} ", text.len())));
        packed.extend_from_slice(text);
    }
    packed
}

/// Packs, converts and unpacks one call; checks every text against its own conversion.
fn round_trip(method: &str, kinds: &str, page: &[u16], args: &[Js]) {
    let packed = glue(&pack(method, kinds, page, args));
    let got = unpack(&packed).unwrap_or_else(|| panic!("no call from {packed:?}"));
    let mut want_args = vec![String::new(); MAX_ARGS];
    for (want, arg) in want_args.iter_mut().zip(args) {
        *want = glue(arg);
    }
    assert_eq!((got.method, got.kinds), (method, kinds), "{packed:?}");
    assert_eq!(got.page_json, glue(page), "page of {packed:?}");
    assert_eq!(got.args.to_vec(), want_args, "args of {packed:?}");
}

#[test]
fn hostile_texts_arrive_as_separate_arguments_would() {
    let lone_high = vec![HIGH];
    let lone_low = vec![LOW];
    let rows: Vec<(&str, Vec<Js>)> = vec![
        ("", vec![]),
        ("s", vec![js("")]),
        ("ss", vec![js(""), js("")]),
        ("sssss", vec![js(""), js(""), js(""), js(""), js("")]),
        ("s", vec![js(" ")]),
        ("ss", vec![js("1 a"), js("2 ")]),
        ("s", vec![js("\u{0}")]),
        ("sss", vec![js("\u{0}\u{1}\u{1f}\u{7f}"), js("\n\r\t"), js("\u{85}\u{2028}")]),
        ("ss", vec![js("9"), js("0 ")]),
        ("s", vec![js("é€日本")]),
        ("ss", vec![js("😀"), js("a😀b👍🏽")]),
        ("s", vec![lone_high.clone()]),
        ("s", vec![lone_low.clone()]),
        // A lone high surrogate ending one text and a lone low one starting the next stay two U+FFFDs.
        ("ss", vec![lone_high.clone(), lone_low.clone()]),
        ("ss", vec![[js("a"), lone_high.clone()].concat(), [lone_low.clone(), js("b")].concat()]),
        ("sss", vec![vec![LOW, HIGH], vec![HIGH, HIGH], vec![LOW, LOW]]),
        ("s", vec![js("\u{fffd}")]),
        ("on", vec![js(r#"{"a":"b c","d":[1,2]}"#), js("42")]),
        ("xufs?", vec![js(""), js(""), js(""), js("last"), js("")]),
        ("snoxu", vec![js("a"), js("1"), js("{}"), js(""), js("")]),
    ];
    let pages = [js(r#"{"path":"/","title":"T ü"}"#), js(""), [js("x"), lone_high].concat()];
    for method in ["track", "page"] {
        for (kinds, args) in &rows {
            for page in &pages {
                round_trip(method, kinds, page, args);
            }
        }
    }
}

#[test]
fn strings_not_in_the_format_make_no_call_and_near_misses_do() {
    let rows: &[&str] = &[
        "",
        "track",
        "track s",
        "track s 2 {}",            // no text for the kinds letter
        "track  2 {}1 a",          // a text without a kinds letter
        "track s 2 {}1 ab",        // a text longer than its length
        "track s 2 {}3 ab",        // shorter
        "track s 3 {}1 a",         // the page's length runs into the next text
        "track s 2 {}x a",         // not a number
        "track s 2 {}-1 a",
        "track s 2 {}+1 a",
        "track s 2 {} 1 a",
        "track s 2 {}1a",
        "track s 2 {}99999999999999999999 a",
        "track s 2 {}18446744073709551617 a",
        "track s 2 {}1 😀",        // half of an astral character
        "track s 2 {}3 😀",
        "track s 2 {}2 é",         // a length in UTF-8 bytes, not UTF-16 units
        "track ssssss 2 {}0 0 0 0 0 0 ",
        "track s2 {}1 a",
    ];
    for packed in rows {
        assert_eq!(unpack(packed), None, "{packed:?}");
    }
    assert_eq!(unpack("track  2 {}").map(|c| c.args), Some([""; MAX_ARGS]));
    let call = unpack("track s 2 {}2 😀").expect("an astral character is two units");
    assert_eq!(call.args[0], "😀");
    let call = unpack("page sssss 0 1 é0 3 a b1 \u{0}2 \u{fffd}\u{fffd}").expect("five texts");
    assert_eq!(call.args, ["é", "", "a b", "\u{0}", "\u{fffd}\u{fffd}"]);
    assert_eq!((call.method, call.kinds, call.page_json), ("page", "sssss", ""));
}

/// A fixed-seed xorshift generator.
struct Seeded(u32);

impl Seeded {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 as usize % n
    }
}

#[test]
fn seeded_texts_arrive_as_separate_arguments_would() {
    // Pieces of JavaScript strings: the format's space and digits, controls, multi-byte, astral pairs,
    // lone surrogates of both halves and what they become.
    let pieces: Vec<Js> = vec![
        js(" "), js("0"), js("7"), js("\n"), js("\u{0}"), js("a"), js("é"), js("€"), js("😀"), js("{"),
        vec![HIGH], vec![LOW], js("\u{fffd}"), js("\u{ffff}"),
    ];
    let letters = ['s', 'n', 'o', 'x', 'u', 'f', '?'];
    let mut random = Seeded(0x9e37_79b9);
    let text = |random: &mut Seeded| -> Js {
        let mut t = Js::new();
        for _ in 0..random.below(8) {
            t.extend_from_slice(&pieces[random.below(pieces.len())]);
        }
        t
    };
    for _ in 0..20_000 {
        let count = random.below(MAX_ARGS + 1);
        let kinds: String = (0..count).map(|_| letters[random.below(letters.len())]).collect();
        let args: Vec<Js> = (0..count).map(|_| text(&mut random)).collect();
        let page = text(&mut random);
        round_trip(["track", "identify", "alias"][random.below(3)], &kinds, &page, &args);
    }
}

#[test]
fn seeded_tampered_strings_never_panic() {
    let mut random = Seeded(0x2545_f491);
    let mut calls = 0;
    for _ in 0..20_000 {
        let mut packed = js("track so 2 {}3 a😀4 {} 1");
        for _ in 0..1 + random.below(3) {
            let at = random.below(packed.len() + 1);
            match random.below(3) {
                0 if at < packed.len() => {
                    packed.remove(at);
                }
                1 => packed.insert(at, [b' ' as u16, b'1' as u16, b'9' as u16, HIGH, LOW][random.below(5)]),
                _ if at < packed.len() => packed[at] = b'0' as u16 + random.below(10) as u16,
                _ => {}
            }
        }
        calls += usize::from(unpack(&glue(&packed)).is_some());
    }
    assert!(calls < 20_000, "some tampered strings are refused");
}
