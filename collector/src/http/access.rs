//! Who may use the private side of the collector — the read API, the live stream, the inspector and the
//! other static files — as a pure function of a request's `Host`, `Origin`, `Sec-Fetch-*` and
//! credentials. Ingest (`/v1/*`) never comes here: browsers on any site send events, that is its job.
//!
//! The rules, in order (see collector/README.md, "Security model"):
//! 1. **Host**: an IP literal, `localhost` / `*.localhost`, or a name given with `--allowed-host`.
//!    A DNS-rebinding page reaches the collector under the attacker's own name, so it is refused.
//! 2. **Same origin only**: an `Origin` other than `http(s)://<Host>` (`null` and `file://` included) is
//!    refused — except another loopback origin when the Host is loopback (local code already, e.g. a
//!    local reverse proxy) — as is a `Sec-Fetch-Site` of `cross-site`/`same-site` that is not a
//!    top-level navigation.
//!    No CORS grant is ever sent here, so browsers also keep other origins from reading the answers.
//! 3. **Admin token** (`--admin-token`, generated when listening on a non-loopback address): required as
//!    `Authorization: Bearer <token>` or the `collector_admin` cookie, which `GET ...?token=<token>`
//!    sets (HttpOnly, SameSite=Strict) before redirecting to the same path without the token.
//!
//! Must not import other `http` modules except `decode`.

use super::decode::query_param;
use std::net::{IpAddr, SocketAddr};

/// The cookie that carries the admin token for the inspector (EventSource cannot send headers).
pub const TOKEN_COOKIE: &str = "collector_admin";

/// The private side's access rules for one running collector.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Host names accepted besides IP literals and `localhost` (lower case, no port).
    pub allowed_hosts: Vec<String>,
    /// The admin token, when one is required.
    pub admin_token: Option<String>,
}

/// What a request carries that the rules look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// `GET`, `OPTIONS`, ...
    pub method: &'a str,
    /// The path, not decoded.
    pub path: &'a str,
    /// The query string without `?`.
    pub query: &'a str,
    /// `Host`.
    pub host: Option<&'a str>,
    /// `Origin`.
    pub origin: Option<&'a str>,
    /// `Sec-Fetch-Site`.
    pub fetch_site: Option<&'a str>,
    /// `Sec-Fetch-Mode`.
    pub fetch_mode: Option<&'a str>,
    /// `Authorization`.
    pub authorization: Option<&'a str>,
    /// `Cookie`.
    pub cookie: Option<&'a str>,
}

/// The decision for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Serve it.
    Allow,
    /// Refuse with this status (403 or 401) and message.
    Refuse(u16, &'static str),
    /// The token came in the query string: set the cookie and redirect to this same-origin path.
    SetTokenCookie {
        /// Where to go next: the same path and query without `token`.
        location: String,
    },
}

impl Policy {
    /// The rules for a collector bound to `bound`: the configured token, or a generated one when the
    /// address is not loopback (returned second, to be printed once at start).
    pub fn for_listener(allowed_hosts: &[String], admin_token: Option<&str>, bound: SocketAddr) -> Result<(Policy, Option<String>), String> {
        let allowed_hosts = allowed_hosts.iter().map(|h| h.trim_end_matches('.').to_ascii_lowercase()).collect();
        let (token, generated) = match admin_token {
            Some(token) => (Some(token.to_string()), None),
            None if bound.ip().is_loopback() => (None, None),
            None => {
                let token = random_token()?;
                (Some(token.clone()), Some(token))
            }
        };
        Ok((Policy { allowed_hosts, admin_token: token }, generated))
    }

    /// Applies the rules to one request.
    pub fn check(&self, facts: &Facts) -> Verdict {
        let Some(host) = facts.host.filter(|h| self.host_allowed(h)) else {
            return Verdict::Refuse(403, "unexpected Host header: the read API answers only its own names (see --allowed-host)");
        };
        if facts.origin.is_some_and(|origin| !same_origin(origin, host)) {
            return Verdict::Refuse(403, "cross-origin requests to the read API are refused");
        }
        let cross_site = matches!(facts.fetch_site, Some("cross-site" | "same-site"));
        if cross_site && facts.fetch_mode != Some("navigate") {
            return Verdict::Refuse(403, "cross-site requests to the read API are refused");
        }
        let Some(token) = self.admin_token.as_deref() else { return Verdict::Allow };
        if bearer(facts.authorization).is_some_and(|t| same_secret(t, token)) || cookie(facts.cookie, TOKEN_COOKIE).is_some_and(|t| same_secret(t, token)) {
            return Verdict::Allow;
        }
        if facts.method == "GET" && query_param(facts.query, "token").is_some_and(|t| same_secret(&t, token)) {
            return Verdict::SetTokenCookie { location: without_token(facts.path, facts.query) };
        }
        Verdict::Refuse(401, "this collector needs its admin token (Authorization: Bearer, or open a page with ?token=)")
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host).trim_end_matches('.').to_ascii_lowercase();
        name.parse::<IpAddr>().is_ok() || name == "localhost" || name.ends_with(".localhost") || self.allowed_hosts.contains(&name)
    }
}

/// The name part of a `Host` value (`[::1]:8787` → `::1`, `example.com:80` → `example.com`).
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Whether `origin` may use the private side under `host`: this very origin (`http://` or, behind a TLS
/// proxy, `https://` plus the Host), or — when both are loopback names — another loopback origin: a page
/// served from this machine is local code already, and a local reverse proxy (the demo's Node server)
/// rewrites Host to the collector's port. Such a page still cannot *read* answers: none carries a CORS grant.
fn same_origin(origin: &str, host: &str) -> bool {
    let origin = origin.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let Some(origin_host) = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) else { return false };
    origin_host == host || (is_loopback_name(host_name(origin_host)) && is_loopback_name(host_name(&host)))
}

/// `localhost`, `*.localhost` or a loopback IP literal.
fn is_loopback_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    name == "localhost" || name.ends_with(".localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn bearer(authorization: Option<&str>) -> Option<&str> {
    let value = authorization?.trim();
    value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim)
}

fn cookie<'a>(header: Option<&'a str>, name: &str) -> Option<&'a str> {
    header?.split(';').filter_map(|pair| pair.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The same-origin path (always exactly one leading `/`) and query without the `token` parameter.
fn without_token(path: &str, query: &str) -> String {
    let rest: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && p.split('=').next() != Some("token")).collect();
    let path = format!("/{}", path.trim_start_matches('/'));
    if rest.is_empty() { path } else { format!("{path}?{}", rest.join("&")) }
}

/// 128 random bits as hex, from the operating system.
fn random_token() -> Result<String, String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).map_err(|e| format!("cannot generate an admin token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(host: &'a str, origin: Option<&'a str>) -> Facts<'a> {
        Facts { method: "GET", path: "/api/profiles", host: Some(host), origin, ..Facts::default() }
    }

    #[test]
    fn hosts_and_origins_table() {
        let open = Policy { allowed_hosts: vec!["collector.shop.test".into()], admin_token: None };
        let cases: &[(&str, Option<&str>, bool)] = &[
            ("127.0.0.1:8787", None, true),
            ("localhost:8787", None, true),
            ("LOCALHOST.:8787", None, true),
            ("app.localhost", None, true),
            ("[::1]:8787", None, true),
            ("10.1.2.3", None, true),
            ("collector.shop.test", None, true),
            ("127.0.0.1:8787", Some("http://127.0.0.1:8787"), true),
            ("collector.shop.test", Some("https://collector.shop.test"), true),
            ("evil.test:8787", None, false),
            ("localhost.evil.test", None, false),
            ("127.0.0.1.evil.test", None, false),
            ("", None, false),
            ("127.0.0.1:8787", Some("http://evil.test"), false),
            ("127.0.0.1:8787", Some("null"), false),
            ("127.0.0.1:8787", Some("file://"), false),
            ("127.0.0.1:8787", Some("http://127.0.0.1:8788"), true),
            ("localhost:8787", Some("http://127.0.0.1:8788"), true),
            ("10.1.2.3:8787", Some("http://127.0.0.1:8787"), false),
            ("127.0.0.1:8787", Some("http://10.1.2.3:8787"), false),
            ("127.0.0.1:8787", Some("http://127.0.0.1:8787.evil.test"), false),
            ("127.0.0.1:8787", Some("http://localhost.evil.test:8787"), false),
        ];
        for (host, origin, allowed) in cases {
            assert_eq!(open.check(&facts(host, *origin)) == Verdict::Allow, *allowed, "{host} {origin:?}");
        }
        let mut no_host = facts("x", None);
        no_host.host = None;
        assert!(matches!(open.check(&no_host), Verdict::Refuse(403, _)));
        for (site, mode, allowed) in [("same-origin", "cors", true), ("none", "navigate", true), ("cross-site", "cors", false), ("same-site", "no-cors", false), ("cross-site", "navigate", true)] {
            let f = Facts { fetch_site: Some(site), fetch_mode: Some(mode), ..facts("localhost:1", None) };
            assert_eq!(open.check(&f) == Verdict::Allow, allowed, "{site} {mode}");
        }
    }

    #[test]
    fn admin_token_table() {
        let guarded = Policy { allowed_hosts: vec![], admin_token: Some("t0k".into()) };
        let base = facts("127.0.0.1:1", None);
        assert_eq!(guarded.check(&base), Verdict::Refuse(401, guarded_message()));
        assert_eq!(guarded.check(&Facts { authorization: Some("Bearer t0k"), ..base }), Verdict::Allow);
        assert_eq!(guarded.check(&Facts { authorization: Some("Bearer t0x"), ..base }), Verdict::Refuse(401, guarded_message()));
        assert_eq!(guarded.check(&Facts { cookie: Some("a=b; collector_admin=t0k"), ..base }), Verdict::Allow);
        assert_eq!(guarded.check(&Facts { cookie: Some("collector_admin=t0"), ..base }), Verdict::Refuse(401, guarded_message()));
        let via_query = Facts { path: "//inspector/", query: "x=1&token=t0k", ..base };
        assert_eq!(guarded.check(&via_query), Verdict::SetTokenCookie { location: "/inspector/?x=1".into() });
        assert_eq!(guarded.check(&Facts { method: "POST", ..via_query }), Verdict::Refuse(401, guarded_message()));
        assert_eq!(guarded.check(&Facts { authorization: Some("Bearer t0k"), ..facts("evil.test", None) }), Verdict::Refuse(403, host_message()));
    }

    fn guarded_message() -> &'static str {
        "this collector needs its admin token (Authorization: Bearer, or open a page with ?token=)"
    }

    fn host_message() -> &'static str {
        "unexpected Host header: the read API answers only its own names (see --allowed-host)"
    }

    #[test]
    fn a_token_is_generated_only_off_loopback() {
        let loopback: SocketAddr = "127.0.0.1:8787".parse().unwrap();
        let public: SocketAddr = "0.0.0.0:8787".parse().unwrap();
        assert_eq!(Policy::for_listener(&[], None, loopback).unwrap().0.admin_token, None);
        let (policy, generated) = Policy::for_listener(&[], None, public).unwrap();
        assert_eq!(policy.admin_token, generated);
        assert_eq!(generated.unwrap().len(), 32);
        let (policy, generated) = Policy::for_listener(&["Shop.Test.".into()], Some("given"), public).unwrap();
        assert_eq!((policy.admin_token.as_deref(), generated), (Some("given"), None));
        assert_eq!(policy.allowed_hosts, ["shop.test"]);
    }
}
