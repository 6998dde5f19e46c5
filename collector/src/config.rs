//! Command-line configuration of the collector binary.
//!
//! Owns the flag table and its parser (hand-written: a handful of flags do not justify an
//! argument-parsing crate). Must not import the HTTP or storage modules.

use crate::store::schema::Durability;
use std::path::PathBuf;

/// What the collector is told to do at start.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address to listen on, e.g. `127.0.0.1:8787` (port 0 picks a free port).
    pub listen: String,
    /// SQLite database file.
    pub db: PathBuf,
    /// Accepted write keys; empty means any key is accepted (demo mode).
    pub write_keys: Vec<String>,
    /// Directory served as static files for any GET that is not an API route.
    pub serve_dir: Option<PathBuf>,
    /// `--synchronous normal|full`: what an acknowledgement guarantees (see [`Durability`]).
    pub durability: Durability,
    /// `--admin-token T`: required for everything but ingest (generated when listening off loopback).
    pub admin_token: Option<String>,
    /// `--allowed-host NAME`: a `Host` the read API answers besides IP literals and `localhost`.
    pub allowed_hosts: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8787".into(),
            db: PathBuf::from("collector.sqlite"),
            write_keys: Vec::new(),
            serve_dir: None,
            durability: Durability::Process,
            admin_token: None,
            allowed_hosts: Vec::new(),
        }
    }
}

/// The usage text printed for `--help` and for argument errors.
pub const USAGE: &str = "usage: collector [--listen 127.0.0.1:8787] [--db path.sqlite] [--write-key K ...] \
[--serve-dir DIR] [--synchronous normal|full] [--admin-token T] [--allowed-host NAME ...]";

/// Parses the arguments after the program name. `Err` carries a message for the user.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Config, String> {
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--listen" => config.listen = value,
            "--db" => config.db = PathBuf::from(value),
            "--write-key" => config.write_keys.push(value),
            "--serve-dir" => config.serve_dir = Some(PathBuf::from(value)),
            "--admin-token" if value.len() < 8 || !value.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',') => {
                return Err("--admin-token needs at least 8 visible characters, no ';' or ','".into())
            }
            "--admin-token" => config.admin_token = Some(value),
            "--allowed-host" => config.allowed_hosts.push(value),
            "--synchronous" => {
                config.durability = match value.as_str() {
                    "normal" => Durability::Process,
                    "full" => Durability::Power,
                    _ => return Err("--synchronous takes normal or full".into()),
                }
            }
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Config, String> {
        parse_args(line.split_whitespace().map(String::from))
    }

    #[test]
    fn flags_table() {
        type Check = fn(&Config) -> bool;
        let ok: &[(&str, Check)] = &[
            ("", |c| *c == Config::default()),
            ("--listen 127.0.0.1:0", |c| c.listen == "127.0.0.1:0"),
            ("--db /tmp/x.sqlite", |c| c.db.as_os_str() == "/tmp/x.sqlite"),
            ("--write-key a --write-key b", |c| c.write_keys == ["a", "b"]),
            ("--serve-dir www", |c| c.serve_dir == Some(PathBuf::from("www"))),
            ("--synchronous full", |c| c.durability == Durability::Power),
            ("--synchronous normal", |c| c.durability == Durability::Process),
            ("--admin-token s3cret-token", |c| c.admin_token.as_deref() == Some("s3cret-token")),
            ("--allowed-host a.test --allowed-host b.test", |c| c.allowed_hosts == ["a.test", "b.test"]),
        ];
        for (line, check) in ok {
            assert!(check(&parse(line).unwrap()), "{line}");
        }
        for bad in ["--listen", "--bogus 1", "--synchronous sometimes", "--help", "--admin-token short", "--admin-token has;semicolon"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
