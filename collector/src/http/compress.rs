//! Compressed copies of static files for browsers that accept them: `Content-Encoding: br` or `gzip`
//! chosen from `Accept-Encoding` (q-values honoured, `*` understood), made on a file's first request and
//! kept while the file is unchanged (same size and modification time).
//!
//! Only text-like types (JavaScript, CSS, HTML, JSON, source maps, SVG, plain text, WebAssembly) of at
//! least [`MIN_BYTES`] are compressed: images are compressed already, and a tiny file gains less than the
//! header costs. A copy that is not smaller than the file is not used. The cache holds at most
//! [`CACHE_BYTES`] of copies (it starts over when full) and files over [`MAX_BYTES`] are sent as they are,
//! so a large directory cannot make the collector hold unbounded memory. Must not import other `http`
//! modules.

use axum::body::Bytes;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Smaller files are sent as they are.
pub const MIN_BYTES: usize = 1024;
/// Larger files are sent as they are (compressing them would hold the blocking pool too long).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Most bytes of compressed copies kept at once.
pub const CACHE_BYTES: usize = 64 * 1024 * 1024;
/// Brotli quality (0-11): files are compressed once and served many times, so the densest.
const BROTLI_QUALITY: u32 = 11;
/// Brotli window (log2 bytes).
const BROTLI_WINDOW: u32 = 22;

/// A content coding the collector can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    /// `br`
    Brotli,
    /// `gzip`
    Gzip,
}

impl Coding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }
}

/// The coding to send for an `Accept-Encoding` value: the acceptable one (q > 0) with the higher q,
/// `br` on a tie; `None` (send the file as it is) when neither is acceptable or the header is absent.
/// Entries that do not parse are ignored.
pub fn negotiate(accept: Option<&str>) -> Option<Coding> {
    let accept = accept?;
    let (mut br, mut gzip, mut any) = (None, None, None);
    for entry in accept.split(',') {
        let mut parts = entry.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = Some(1.0f32);
        for param in parts {
            if let Some((key, value)) = param.split_once('=') {
                if key.trim().eq_ignore_ascii_case("q") {
                    q = value.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q));
                }
            }
        }
        let Some(q) = q else { continue };
        match name.as_str() {
            "br" => br = Some(q),
            "gzip" | "x-gzip" => gzip = Some(q),
            "*" => any = Some(q),
            _ => {}
        }
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Some(Coding::Brotli)
    } else if gzip > 0.0 {
        Some(Coding::Gzip)
    } else {
        None
    }
}

/// Whether a file of this content type and size is worth compressing (and so whether its answer
/// varies with `Accept-Encoding`).
pub fn worth_compressing(content_type: &str, len: usize) -> bool {
    let textual = content_type.starts_with("text/")
        || ["application/javascript", "application/json", "application/wasm", "image/svg+xml"].iter().any(|t| content_type.starts_with(t));
    textual && (MIN_BYTES..=MAX_BYTES).contains(&len)
}

/// Which version of a file a copy was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// Its size in bytes.
    pub len: u64,
    /// Its modification time.
    pub modified: Option<SystemTime>,
}

/// The compressed copies made so far.
#[derive(Default)]
pub struct Cache {
    copies: Mutex<Copies>,
}

#[derive(Default)]
struct Copies {
    /// (file, coding) → (the version it was made from, the copy, or `None` when it was not smaller).
    by_file: HashMap<(PathBuf, Coding), (Version, Option<Bytes>)>,
    bytes: usize,
}

impl Cache {
    /// `plain` (the contents of `path` at `version`) compressed with `coding`, or `None` when that is
    /// not smaller. Compresses at most once per file version; blocking (call it on the blocking pool).
    pub fn compressed(&self, path: &Path, version: Version, plain: &[u8], coding: Coding) -> Option<Bytes> {
        let key = (path.to_path_buf(), coding);
        if let Some((made_from, copy)) = self.copies.lock().ok()?.by_file.get(&key) {
            if *made_from == version {
                return copy.clone();
            }
        }
        let copy = compress(plain, coding).filter(|c| c.len() < plain.len()).map(Bytes::from);
        let mut copies = self.copies.lock().ok()?;
        let size = copy.as_ref().map_or(0, Bytes::len);
        if copies.bytes + size > CACHE_BYTES {
            copies.by_file.clear();
            copies.bytes = 0;
        }
        copies.bytes += size;
        if let Some((_, old)) = copies.by_file.insert(key, (version, copy.clone())) {
            copies.bytes -= old.map_or(0, |o| o.len());
        }
        copy
    }
}

fn compress(plain: &[u8], coding: Coding) -> Option<Vec<u8>> {
    match coding {
        Coding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(plain.len() / 3), flate2::Compression::best());
            encoder.write_all(plain).ok()?;
            encoder.finish().ok()
        }
        Coding::Brotli => {
            let mut encoder = brotli::CompressorWriter::new(Vec::with_capacity(plain.len() / 3), 64 * 1024, BROTLI_QUALITY, BROTLI_WINDOW);
            encoder.write_all(plain).ok()?;
            encoder.flush().ok()?;
            Some(encoder.into_inner())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_table() {
        let cases: &[(Option<&str>, Option<Coding>)] = &[
            (None, None),
            (Some(""), None),
            (Some("gzip, deflate, br, zstd"), Some(Coding::Brotli)),
            (Some("gzip"), Some(Coding::Gzip)),
            (Some("x-gzip"), Some(Coding::Gzip)),
            (Some("BR"), Some(Coding::Brotli)),
            (Some("identity"), None),
            (Some("deflate, zstd"), None),
            (Some("*"), Some(Coding::Brotli)),
            (Some("*;q=0"), None),
            (Some("*;q=0, gzip"), Some(Coding::Gzip)),
            (Some("br;q=0, gzip;q=0.5"), Some(Coding::Gzip)),
            (Some("br;q=0.4, gzip;q=0.5"), Some(Coding::Gzip)),
            (Some("br;q=0.5, gzip;q=0.5"), Some(Coding::Brotli)),
            (Some("br;q=0, gzip;q=0"), None),
            (Some("br;q=abc"), None),
            (Some("br;q=1.5, gzip"), Some(Coding::Gzip)),
            (Some("br;q=-1"), None),
            (Some(",,, ;;; =, br ; q = 0.8 "), Some(Coding::Brotli)),
            (Some("gzip;level=9"), Some(Coding::Gzip)),
        ];
        for (accept, want) in cases {
            assert_eq!(negotiate(*accept), *want, "{accept:?}");
        }
    }

    #[test]
    fn what_is_worth_compressing() {
        assert!(worth_compressing("application/wasm", 100_000));
        assert!(worth_compressing("text/javascript; charset=utf-8", 2_000));
        assert!(worth_compressing("image/svg+xml", 2_000));
        assert!(!worth_compressing("text/javascript; charset=utf-8", MIN_BYTES - 1));
        assert!(!worth_compressing("image/png", 100_000));
        assert!(!worth_compressing("application/octet-stream", 100_000));
        assert!(!worth_compressing("application/wasm", MAX_BYTES + 1));
    }

    #[test]
    fn copies_follow_the_file_and_round_trip() {
        let cache = Cache::default();
        let text = "analytics.track('Product Viewed');\n".repeat(200);
        let v1 = Version { len: text.len() as u64, modified: None };
        for coding in [Coding::Brotli, Coding::Gzip] {
            let copy = cache.compressed(Path::new("/a.js"), v1, text.as_bytes(), coding).expect("smaller");
            assert!(copy.len() < text.len() / 5, "{coding:?}: {}", copy.len());
            assert_eq!(decode(&copy, coding), text.as_bytes());
        }
        let changed = "another file entirely\n".repeat(300);
        let v2 = Version { len: changed.len() as u64, modified: None };
        let copy = cache.compressed(Path::new("/a.js"), v2, changed.as_bytes(), Coding::Brotli).unwrap();
        assert_eq!(decode(&copy, Coding::Brotli), changed.as_bytes());
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect();
        let v3 = Version { len: noise.len() as u64, modified: None };
        assert_eq!(cache.compressed(Path::new("/n.wasm"), v3, &noise, Coding::Gzip), None, "incompressible: sent as it is");
    }

    fn decode(data: &[u8], coding: Coding) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        match coding {
            Coding::Gzip => flate2::read::GzDecoder::new(data).read_to_end(&mut out).unwrap(),
            Coding::Brotli => brotli::Decompressor::new(data, 4096).read_to_end(&mut out).unwrap(),
        };
        out
    }
}
