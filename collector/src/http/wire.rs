//! HTTP/1.1 on a `TcpStream`: reading one request (head via `httparse`, body by `Content-Length` or
//! chunked, `Expect: 100-continue` answered) and writing one response.
//!
//! Owns the byte-level protocol only; routing and replies live elsewhere. Bodies are capped at
//! [`MAX_BODY_BYTES`] on the wire; the ingest layer applies the Segment limits on top.

use crate::ingest::rules::MAX_BATCH_BYTES;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpStream};

/// Largest request body read from the wire (the batch limit; gzip bodies are smaller still).
pub const MAX_BODY_BYTES: usize = MAX_BATCH_BYTES;
/// Largest request head (request line and headers).
const MAX_HEAD_BYTES: usize = 32 * 1024;
const MAX_HEADERS: usize = 64;

/// A parsed request with its whole body.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Query string without `?` (may be empty).
    pub query: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
    /// The peer's IP address.
    pub peer: Option<IpAddr>,
    /// Whether the connection stays open after the response.
    pub keep_alive: bool,
}

impl Request {
    /// A header's value by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed (or went idle past the read timeout) between requests.
    Closed,
    /// Malformed or oversized: answer 400 with this message, then close.
    Bad(String),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// Reads the next request from a keep-alive connection. `recycled` is the previous request's body
/// buffer: reusing it spares a large allocation and free per request.
pub fn read_request(reader: &mut BufReader<TcpStream>, recycled: Vec<u8>) -> Result<Request, ReadError> {
    let head = read_head(reader)?;
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(ReadError::Bad("malformed request head".into())),
    }
    let target = parsed.path.unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).trim().to_string()))
        .collect();
    let mut request = Request {
        method: parsed.method.unwrap_or("GET").to_string(),
        path: path.to_string(),
        query: query.to_string(),
        keep_alive: keep_alive(parsed.version.unwrap_or(1), &headers),
        headers,
        body: Vec::new(),
        peer: reader.get_ref().peer_addr().ok().map(|a| a.ip()),
    };
    if request.header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        reader.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    request.body = recycled;
    read_body(reader, &mut request)?;
    Ok(request)
}

fn keep_alive(version: u8, headers: &[(String, String)]) -> bool {
    let connection = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("connection")).map(|(_, v)| v.to_ascii_lowercase());
    match connection.as_deref() {
        Some(c) if c.contains("close") => false,
        Some(c) if c.contains("keep-alive") => true,
        _ => version >= 1,
    }
}

/// Reads up to and including the blank line ending the head.
fn read_head(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = reader.by_ref().take((MAX_HEAD_BYTES + 1 - head.len()) as u64).read_until(b'\n', &mut head)?;
        if n == 0 {
            return Err(if head.is_empty() { ReadError::Closed } else { ReadError::Bad("truncated request head".into()) });
        }
        if head.len() > MAX_HEAD_BYTES {
            return Err(ReadError::Bad("request head too large".into()));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                head.clear(); // tolerate stray blank lines between requests
                continue;
            }
            return Ok(head);
        }
    }
}

fn too_large() -> ReadError {
    ReadError::Bad(format!("request body exceeds {} KB", MAX_BODY_BYTES / 1024))
}

/// Fills `request.body` (cleared first) from the wire.
fn read_body(reader: &mut BufReader<TcpStream>, request: &mut Request) -> Result<(), ReadError> {
    request.body.clear();
    if request.header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        return read_chunked(reader, &mut request.body);
    }
    let length = match request.header("content-length") {
        None => return Ok(()),
        Some(text) => text.parse::<usize>().map_err(|_| ReadError::Bad("bad Content-Length".into()))?,
    };
    if length > MAX_BODY_BYTES {
        return Err(too_large());
    }
    request.body.resize(length, 0);
    reader.read_exact(&mut request.body)?;
    Ok(())
}

fn read_chunked(reader: &mut BufReader<TcpStream>, body: &mut Vec<u8>) -> Result<(), ReadError> {
    loop {
        let mut line = String::new();
        reader.by_ref().take(1024).read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16).map_err(|_| ReadError::Bad("bad chunk size".into()))?;
        if size == 0 {
            loop {
                let mut trailer = String::new();
                if reader.by_ref().take(8192).read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(());
                }
            }
        }
        if size > MAX_BODY_BYTES - body.len() {
            return Err(too_large());
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// Reason phrases for the statuses we send.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Writes a whole response in one `write_all`.
pub fn write_response(out: &mut impl Write, status: u16, headers: &[(&str, String)], body: &[u8], keep_alive: bool, head_only: bool) -> io::Result<()> {
    let mut message = format!("HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n", reason(status), body.len());
    message.push_str(if keep_alive { "Connection: keep-alive\r\n" } else { "Connection: close\r\n" });
    for (name, value) in headers {
        message.push_str(name);
        message.push_str(": ");
        message.push_str(value);
        message.push_str("\r\n");
    }
    message.push_str("\r\n");
    let mut bytes = message.into_bytes();
    if !head_only {
        bytes.extend_from_slice(body);
    }
    out.write_all(&bytes)?;
    out.flush()
}
