//! Static files from `--serve-dir`, so the demo site, the inspector and the library share one origin.

use super::reply::Reply;
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

/// Serves `url_path` from `root`: files as they are, directories through `index.html` (redirecting
/// to the trailing-slash form first, so relative links work), 404 otherwise.
pub fn serve(root: &Path, url_path: &str) -> Reply {
    let decoded = super::api::percent_decode(url_path);
    let Some(path) = resolve(root, &decoded) else { return Reply::error(404, "not found") };
    if path.is_dir() {
        if !url_path.ends_with('/') {
            return Reply::redirect(format!("{url_path}/"));
        }
        if url_path == "/" && !path.join("index.html").is_file() && root.join("demo").is_dir() {
            return Reply::redirect("/demo/".into());
        }
        return serve_file(&path.join("index.html"));
    }
    serve_file(&path)
}

fn serve_file(path: &Path) -> Reply {
    match std::fs::read(path) {
        Ok(body) => Reply {
            status: 200,
            content_type: mime_type(path),
            body,
            headers: vec![("Cache-Control", "no-cache".into())],
        },
        Err(_) => Reply::error(404, "not found"),
    }
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
    }
}
