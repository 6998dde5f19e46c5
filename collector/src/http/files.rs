//! Static files from `--serve-dir`, so the demo site, the inspector and the library share one origin.
//! Reached only through the privacy guard. Redirects always name a path on this origin (exactly one
//! leading `/`): `GET //demo` must not send a browser to `//demo/`, another host.
//!
//! Text-like files (the library's `.js`, its `.wasm`, ...) go out compressed (`br` or `gzip`) when the
//! browser accepts it, with `Vary: Accept-Encoding`; copies are made once per file version (see
//! [`super::compress`]). Range requests are answered with the whole file (`200`, no `Accept-Ranges`).

use super::compress::{negotiate, worth_compressing, Cache, Coding, Version};
use super::decode::percent_decode;
use super::reply;
use super::state::Shared;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::response::Response;
use std::path::{Component, Path, PathBuf};

/// Extension → `Content-Type`. `.wasm` must be `application/wasm` for streaming compilation.
const MIME_TYPES: [(&str, &str); 12] = [
    ("html", "text/html; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("wasm", "application/wasm"),
    ("json", "application/json"),
    ("map", "application/json"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("ico", "image/x-icon"),
    ("txt", "text/plain; charset=utf-8"),
    ("ts", "text/plain; charset=utf-8"),
];

/// The content type for a file name.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    MIME_TYPES.iter().find(|(e, _)| *e == ext).map(|(_, m)| *m).unwrap_or("application/octet-stream")
}

/// The file under `root` a URL path names, or `None` when it would escape `root`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(root.join(relative))
}

/// The same-origin form of a URL path: empty segments dropped, exactly one leading `/`.
pub fn same_origin_path(url_path: &str) -> String {
    let segments: Vec<&str> = url_path.split('/').filter(|s| !s.is_empty()).collect();
    format!("/{}", segments.join("/"))
}

/// Any request that is not ingest or the read API: GET/HEAD of a static file.
pub async fn handle(State(state): State<Shared>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return reply::error(405, "method not allowed");
    }
    let Some(root) = state.serve_dir.clone() else { return reply::error(404, "not found") };
    let url_path = req.uri().path().to_string();
    let coding = negotiate(req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()));
    let served = tokio::task::spawn_blocking(move || serve(&root, &url_path, coding, &state.compressed));
    served.await.unwrap_or_else(|_| reply::error(500, "internal error"))
}

/// Serves `url_path` from `root`: files (compressed with `coding` when worth it), directories through
/// `index.html` (redirecting to the trailing-slash form first, so relative links work), 404 otherwise.
pub fn serve(root: &Path, url_path: &str, coding: Option<Coding>, cache: &Cache) -> Response {
    let decoded = percent_decode(url_path);
    let Some(path) = resolve(root, &decoded) else { return reply::error(404, "not found") };
    if path.is_dir() {
        let clean = same_origin_path(url_path);
        if url_path == "/" && !path.join("index.html").is_file() && root.join("demo").is_dir() {
            return reply::redirect(302, "/demo/");
        }
        if !url_path.ends_with('/') || url_path.starts_with("//") {
            return reply::redirect(302, &format!("{}/", clean.trim_end_matches('/')));
        }
        return serve_file(&path.join("index.html"), coding, cache);
    }
    serve_file(&path, coding, cache)
}

fn serve_file(path: &Path, coding: Option<Coding>, cache: &Cache) -> Response {
    let Ok(mut file) = std::fs::File::open(path) else { return reply::error(404, "not found") };
    let version = file.metadata().map(|m| Version { len: m.len(), modified: m.modified().ok() });
    let mut body = Vec::new();
    let (Ok(version), Ok(_)) = (version, std::io::Read::read_to_end(&mut file, &mut body)) else { return reply::error(404, "not found") };
    let content_type = mime_type(path);
    let varies = worth_compressing(content_type, body.len());
    let copy = coding.filter(|_| varies).and_then(|coding| Some((coding, cache.compressed(path, version, &body, coding)?)));
    let mut response = match copy {
        Some((coding, compressed)) => {
            let mut response = reply::shared(200, content_type, compressed);
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding.token()));
            response
        }
        None => reply::bytes(200, content_type, body),
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if varies {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_and_path_tables() {
        let mimes = [("a.wasm", "application/wasm"), ("a.JS", "text/javascript; charset=utf-8"), ("m.mjs", "text/javascript; charset=utf-8"),
            ("i.html", "text/html; charset=utf-8"), ("s.css", "text/css; charset=utf-8"), ("x.bin", "application/octet-stream")];
        for (name, want) in mimes {
            assert_eq!(mime_type(Path::new(name)), want, "{name}");
        }
        let root = Path::new("/srv");
        assert_eq!(resolve(root, "/demo/index.html"), Some(PathBuf::from("/srv/demo/index.html")));
        assert_eq!(resolve(root, "/"), Some(PathBuf::from("/srv/")));
        for bad in ["/../etc/passwd", "/demo/../../x", "//etc/passwd/.."] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
        for (raw, want) in [("//demo", "/demo"), ("///evil.test//x", "/evil.test/x"), ("/", "/"), ("/a/b/", "/a/b"), ("//", "/")] {
            assert_eq!(same_origin_path(raw), want, "{raw}");
        }
    }
}
