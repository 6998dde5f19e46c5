//! Which ingest endpoint a request path names.

use super::kind::Kind;

/// An ingest endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/v1/t`, `/v1/track`, ...: the body is one event of this kind.
    Single(Kind),
    /// `/v1/b` or `/v1/batch`: the body is `{batch: [...], sentAt?, writeKey?}`.
    Batch,
}

/// The endpoint for a path (query string already removed), or `None` when it is not an ingest path.
pub fn endpoint_for(path: &str) -> Option<Endpoint> {
    let segment = path.strip_prefix("/v1/")?.trim_end_matches('/');
    match segment {
        "b" | "batch" => Some(Endpoint::Batch),
        _ => Kind::from_path(segment).map(Endpoint::Single),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_table() {
        let cases: &[(&str, Option<Endpoint>)] = &[
            ("/v1/t", Some(Endpoint::Single(Kind::Track))),
            ("/v1/track", Some(Endpoint::Single(Kind::Track))),
            ("/v1/p", Some(Endpoint::Single(Kind::Page))),
            ("/v1/s", Some(Endpoint::Single(Kind::Screen))),
            ("/v1/identify", Some(Endpoint::Single(Kind::Identify))),
            ("/v1/g", Some(Endpoint::Single(Kind::Group))),
            ("/v1/alias/", Some(Endpoint::Single(Kind::Alias))),
            ("/v1/b", Some(Endpoint::Batch)),
            ("/v1/batch", Some(Endpoint::Batch)),
            ("/v1/x", None),
            ("/v2/t", None),
            ("/api/events", None),
        ];
        for (path, want) in cases {
            assert_eq!(endpoint_for(path), *want, "{path}");
        }
    }
}
