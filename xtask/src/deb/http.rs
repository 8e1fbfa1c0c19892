//! The little HTTP/1.1 the install check needs (GET /healthz, POST /api/login) on a plain
//! socket with deadlines, so xtask needs no HTTP client crate for two requests to loopback.

use anyhow::{Context, bail};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// How long one request may take, connect to last byte.
const REQUEST_DEADLINE: Duration = Duration::from_secs(20);
/// The largest answer read: the check's answers are a few hundred bytes.
const MAX_RESPONSE_BYTES: u64 = 1 << 20;

/// A response's status code and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// `GET path`.
pub fn get(addr: SocketAddr, path: &str) -> anyhow::Result<Response> {
    request(addr, &format!("GET {path} HTTP/1.1\r\n"), "")
}

/// `POST path` with a JSON body.
pub fn post_json(addr: SocketAddr, path: &str, json: &str) -> anyhow::Result<Response> {
    request(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            json.len()
        ),
        json,
    )
}

fn request(addr: SocketAddr, head: &str, body: &str) -> anyhow::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&addr, REQUEST_DEADLINE)
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(REQUEST_DEADLINE))?;
    stream.set_write_timeout(Some(REQUEST_DEADLINE))?;
    let request = format!("{head}Host: {addr}\r\nConnection: close\r\n\r\n{body}");
    stream
        .write_all(request.as_bytes())
        .with_context(|| format!("sending to {addr}"))?;
    let mut raw = Vec::new();
    stream
        .take(MAX_RESPONSE_BYTES)
        .read_to_end(&mut raw)
        .with_context(|| format!("reading the answer from {addr}"))?;
    parse(&String::from_utf8_lossy(&raw))
}

/// Splits `HTTP/1.1 200 OK\r\n...\r\n\r\nbody`.
fn parse(raw: &str) -> anyhow::Result<Response> {
    let Some((head, body)) = raw.split_once("\r\n\r\n") else {
        bail!("not an HTTP response: {raw:?}");
    };
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("no status code in {head:?}"))?;
    Ok(Response {
        status,
        body: body.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_and_body() {
        let response = parse("HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\n{}");
        let response = response.expect("a response");
        assert_eq!((response.status, response.body.as_str()), (401, "{}"));
        assert!(parse("garbage").is_err());
    }
}
