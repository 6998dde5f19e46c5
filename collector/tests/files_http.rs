//! Static files (`--serve-dir`) against the real binary: compressed answers for browsers that accept them
//! (`Accept-Encoding`), and only where it is right — text-like types above a minimum size, never images,
//! never when the browser refuses the coding — with `Vary`, the original `Content-Type`, a body that
//! decodes to the file byte for byte, and the file's current version after it changes.

mod common;

use common::{Server, TempDir};
use std::io::Read;
use std::path::Path;

/// Text that compresses like a bundle does.
fn script(kb: usize, salt: &str) -> Vec<u8> {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < kb * 1024 {
        out.push_str(&format!("export function track{i}(e){{return analytics.track('{salt}-'+e,{{n:{i}}});}}\n"));
        i += 1;
    }
    out.into_bytes()
}

/// A wasm-like binary: the magic number, then repetitive sections.
fn wasm(kb: usize) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    let mut i = 0u32;
    while out.len() < kb * 1024 {
        out.extend_from_slice(&[0x20, (i % 7) as u8, 0x41, (i % 13) as u8, 0x6a, 0x21, 0x01, 0x0b]);
        i += 1;
    }
    out
}

fn decode(r: &common::Response) -> Vec<u8> {
    let mut out = Vec::new();
    match r.header("content-encoding") {
        None => out = r.body.clone(),
        Some("br") => {
            brotli::Decompressor::new(&r.body[..], 4096).read_to_end(&mut out).expect("valid brotli");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(&r.body[..]).read_to_end(&mut out).expect("valid gzip");
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    out
}

fn write(root: &Path, name: &str, data: &[u8]) {
    std::fs::write(root.join(name), data).unwrap();
}

#[test]
fn static_files_are_compressed_when_accepted_and_worth_it() {
    let dir = TempDir::new();
    let www = dir.0.join("www");
    std::fs::create_dir_all(www.join("demo")).unwrap();
    let demo = www.join("demo");
    let (js, module) = (script(40, "a"), wasm(60));
    write(&demo, "app.js", &js);
    write(&demo, "app.wasm", &module);
    write(&demo, "tiny.js", b"window.x=1;");
    write(&demo, "pic.png", &script(40, "png"));
    write(&demo, "index.html", &script(4, "html"));
    let s = Server::start(dir.0.join("db.sqlite"), &["--serve-dir", www.to_str().unwrap()]);
    let chrome = "gzip, deflate, br, zstd";
    // (file, Accept-Encoding, expected Content-Encoding, expected Content-Type, expected Vary)
    let cases: &[(&str, Option<&str>, Option<&str>, &str, Option<&str>)] = &[
        ("app.js", Some(chrome), Some("br"), "text/javascript; charset=utf-8", Some("accept-encoding")),
        ("app.js", Some("gzip"), Some("gzip"), "text/javascript; charset=utf-8", Some("accept-encoding")),
        ("app.js", Some("br;q=0, gzip;q=0.5"), Some("gzip"), "text/javascript; charset=utf-8", Some("accept-encoding")),
        ("app.js", Some("br;q=0, gzip;q=0"), None, "text/javascript; charset=utf-8", Some("accept-encoding")),
        ("app.js", Some("identity"), None, "text/javascript; charset=utf-8", Some("accept-encoding")),
        ("app.js", None, None, "text/javascript; charset=utf-8", Some("accept-encoding")),
        ("app.js", Some("*"), Some("br"), "text/javascript; charset=utf-8", Some("accept-encoding")),
        ("app.wasm", Some(chrome), Some("br"), "application/wasm", Some("accept-encoding")),
        ("app.wasm", Some("gzip"), Some("gzip"), "application/wasm", Some("accept-encoding")),
        ("", Some(chrome), Some("br"), "text/html; charset=utf-8", Some("accept-encoding")),
        ("tiny.js", Some(chrome), None, "text/javascript; charset=utf-8", None),
        ("pic.png", Some(chrome), None, "image/png", None),
    ];
    let mut sizes = Vec::new();
    for (file, accept, coding, content_type, vary) in cases {
        let path = format!("/demo/{file}");
        let headers: Vec<(&str, &str)> = accept.iter().map(|a| ("Accept-Encoding", *a)).collect();
        let r = s.request("GET", &path, &headers, b"");
        assert_eq!(r.status, 200, "{path} {accept:?}");
        assert_eq!(r.header("content-encoding"), *coding, "{path} {accept:?}");
        assert_eq!(r.header("content-type"), Some(*content_type), "{path} {accept:?}");
        assert_eq!(r.header("vary"), *vary, "{path} {accept:?}");
        assert_eq!(r.header("content-length"), Some(r.body.len().to_string().as_str()), "{path} {accept:?}");
        let original = std::fs::read(demo.join(if file.is_empty() { "index.html" } else { file })).unwrap();
        assert_eq!(decode(&r), original, "{path} {accept:?}: decodes to the file");
        if coding.is_some() {
            assert!(r.body.len() < original.len() / 2, "{path} {accept:?}: {} of {} bytes", r.body.len(), original.len());
            sizes.push(format!("{file} {}: {} -> {} bytes", coding.unwrap(), original.len(), r.body.len()));
        }
    }
    println!("compressed: {}", sizes.join("; "));

    // HEAD announces the same coding and sends no body.
    let head = s.request("HEAD", "/demo/app.wasm", &[("Accept-Encoding", chrome)], b"");
    assert_eq!((head.status, head.header("content-encoding"), head.body.len()), (200, Some("br"), 0));
    // A range request gets the whole file (200, no partial content), never a slice of the compressed copy.
    let ranged = s.request("GET", "/demo/app.js", &[("Accept-Encoding", chrome), ("Range", "bytes=0-99")], b"");
    assert_eq!(ranged.status, 200);
    assert_eq!((ranged.header("content-range"), ranged.header("accept-ranges")), (None, None));
    assert_eq!(decode(&ranged), js);
    // Hostile Accept-Encoding values: whatever is chosen decodes to the file.
    let long = "x, ".repeat(2000);
    for accept in ["", ",,,", "br;q=abc", "BR", "gzip;q=1.5", "br;q=0.001", ";;;=;", "gzip;q=0.5;q=0, br;q=0", &long] {
        let r = s.request("GET", "/demo/app.js", &[("Accept-Encoding", accept)], b"");
        assert_eq!(r.status, 200, "{accept:?}");
        assert_eq!(decode(&r), js, "{accept:?}");
    }
    // A changed file is served as it is now, compressed or not.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let newer = script(50, "b");
    write(&demo, "app.js", &newer);
    for accept in [chrome, "gzip", "identity"] {
        let r = s.request("GET", "/demo/app.js", &[("Accept-Encoding", accept)], b"");
        assert_eq!(decode(&r), newer, "{accept} after the file changed");
    }
}
