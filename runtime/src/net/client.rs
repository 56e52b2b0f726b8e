//! The HTTP side of `fetch`: each request on its own thread, with ureq. Redirects are
//! followed here, as Node's fetch follows them, each hop checked against the allowed hosts;
//! the body is read one chunk per credit the guest's reads give (so a body nobody reads is
//! not downloaded), decoded (gzip, deflate) with the headers left as the server sent them.
//! Everything goes back to the guest's thread as [`Event`]s.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::time::Instant;

use ureq::http;

use super::AllowList;
use crate::js::builtins::web::Redirect;

/// How much of a body one chunk holds at most.
const CHUNK: usize = 64 * 1024;
/// Redirects followed before giving up, as undici.
const MAX_REDIRECTS: usize = 20;

/// One request to make.
pub(super) struct Job {
    pub id: u64,
    pub url: url::Url,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub redirect: Redirect,
    pub allow: Arc<AllowList>,
    pub agent: ureq::Agent,
    pub deadline: Option<Instant>,
    pub events: Sender<Event>,
    /// One message per chunk the guest may have.
    pub credits: Receiver<()>,
    /// Set when the guest gave up on the request.
    pub cancel: Arc<AtomicBool>,
}

/// What a request thread reports.
pub(super) enum Event {
    /// The response's status and headers.
    Head {
        id: u64,
        status: u16,
        status_text: String,
        headers: Vec<(String, String)>,
        url: String,
        redirected: bool,
        has_body: bool,
    },
    /// Some of the body.
    Chunk { id: u64, bytes: Vec<u8> },
    /// The end of the body.
    End { id: u64 },
    /// The request failed (before or after the head).
    Fail { id: u64, failure: Failure },
    /// The thread is done.
    Gone { id: u64 },
}

/// Why a request failed.
pub(super) enum Failure {
    /// A hop went to a host not allowed (shown as `host[:port]`).
    Refused(String),
    /// Node's "fetch failed", with the cause's message and code.
    Fetch(String, Option<&'static str>),
    /// The body broke off ("terminated"), with the cause's message and code.
    Terminated(String, Option<&'static str>),
}

/// Tells the guest the thread is done however it ends.
struct Gone(Sender<Event>, u64);

impl Drop for Gone {
    fn drop(&mut self) {
        let _ = self.0.send(Event::Gone { id: self.1 });
    }
}

/// The agent all requests of a guest share (its connection pool): no proxy from the
/// environment, statuses and redirects left to us, Node's connect timeout.
pub(super) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .allow_non_standard_methods(true)
        .user_agent("node")
        .accept("")
        .accept_encoding("")
        .timeout_connect(Some(std::time::Duration::from_secs(10)))
        .build()
        .new_agent()
}

/// Starts the thread of `job`.
pub(super) fn spawn(job: Job) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("wasmexec-fetch".into())
        .spawn(move || run(job))
        .map(drop)
}

fn run(job: Job) {
    let _gone = Gone(job.events.clone(), job.id);
    let id = job.id;
    let (response, url, redirected) = match exchange(&job) {
        Ok(r) => r,
        Err(failure) => {
            let _ = job.events.send(Event::Fail { id, failure });
            return;
        }
    };
    let status = response.status();
    let has_body = job.method != "HEAD" && !matches!(status.as_u16(), 101 | 103 | 204 | 205 | 304);
    let headers = header_list(response.headers());
    let coding = super::combined_header(&headers, "content-encoding");
    let head = Event::Head {
        id,
        status: status.as_u16(),
        status_text: status.canonical_reason().unwrap_or("").into(),
        headers,
        url: url.to_string(),
        redirected,
        has_body,
    };
    if job.events.send(head).is_err() {
        return;
    }
    if !has_body {
        let _ = job.events.send(Event::End { id });
        return;
    }
    let reader = response.into_body().into_reader();
    stream_body(&job, decoded(reader, coding.as_deref()));
}

/// Sends the body a chunk per credit, until its end, a failure, or the guest giving up.
fn stream_body(job: &Job, mut reader: Box<dyn Read>) {
    let id = job.id;
    let mut buf = vec![0; CHUNK];
    loop {
        if job.credits.recv().is_err() || job.cancel.load(Ordering::Relaxed) {
            return;
        }
        let event = loop {
            match reader.read(&mut buf) {
                Ok(0) => break Event::End { id },
                Ok(n) => {
                    break Event::Chunk {
                        id,
                        bytes: buf[..n].to_vec(),
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let (message, code) = io_cause(&e, None);
                    break Event::Fail {
                        id,
                        failure: Failure::Terminated(message, code),
                    };
                }
            }
        };
        let last = !matches!(event, Event::Chunk { .. });
        if job.events.send(event).is_err() || last {
            return;
        }
    }
}

type Answer = (http::Response<ureq::Body>, url::Url, bool);

/// Sends the request, following redirects as Node does; the final response, its URL and
/// whether redirects led to it.
fn exchange(job: &Job) -> Result<Answer, Failure> {
    let mut url = job.url.clone();
    let mut method = job.method.clone();
    let mut body = job.body.clone();
    let mut headers = job.headers.clone();
    for hop in 0.. {
        if !job.allow.allows(&url) {
            return Err(Failure::Refused(super::shown_host(&url)));
        }
        if job.cancel.load(Ordering::Relaxed) {
            return Err(Failure::Fetch("aborted".into(), None));
        }
        if url
            .port_or_known_default()
            .is_some_and(|p| BAD_PORTS.contains(&p))
        {
            return Err(Failure::Fetch("bad port".into(), None));
        }
        let response = send(job, &url, &method, &headers, body.as_deref())?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| latin1(l.as_bytes()));
        let location = match location {
            Some(l) if matches!(status, 301 | 302 | 303 | 307 | 308) => l,
            _ => return Ok((response, url, hop > 0)),
        };
        match job.redirect {
            Redirect::Manual => return Ok((response, url, hop > 0)),
            Redirect::Error => return Err(Failure::Fetch("unexpected redirect".into(), None)),
            Redirect::Follow if hop >= MAX_REDIRECTS => {
                return Err(Failure::Fetch("redirect count exceeded".into(), None))
            }
            Redirect::Follow => {}
        }
        let next = url
            .join(&location)
            .map_err(|_| Failure::Fetch("invalid redirect URL".into(), None))?;
        if !matches!(next.scheme(), "http" | "https") {
            return Err(Failure::Fetch(
                "URL scheme must be a HTTP(S) scheme".into(),
                None,
            ));
        }
        if (matches!(status, 301 | 302) && method == "POST") || (status == 303 && method != "HEAD")
        {
            method = "GET".into();
            body = None;
            headers.retain(|(n, _)| !n.starts_with("content-"));
        }
        if next.origin() != url.origin() {
            let private = ["authorization", "proxy-authorization", "cookie", "host"];
            headers.retain(|(n, _)| !private.contains(&n.as_str()));
        }
        url = next;
    }
    unreachable!("the loop returns")
}

/// The ports the Fetch standard blocks (Node's list).
const BAD_PORTS: [u16; 82] = [
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
    103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
    512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
    995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
    6669, 6679, 6697, 10080,
];

/// The headers Node's fetch sends unless the request has its own.
const DEFAULTS: [(&str, &str); 5] = [
    ("accept", "*/*"),
    ("accept-language", "*"),
    ("sec-fetch-mode", "cors"),
    ("user-agent", "node"),
    ("accept-encoding", "gzip, deflate"),
];

/// Headers the client itself manages.
const MANAGED: [&str; 6] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "expect",
];

/// One exchange.
fn send(
    job: &Job,
    url: &url::Url,
    method: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Result<http::Response<ureq::Body>, Failure> {
    let bad = |what: &str| Failure::Fetch(format!("invalid request {what}"), None);
    let mut target = url.clone();
    target.set_fragment(None);
    let mut b = http::Request::builder()
        .method(http::Method::from_bytes(method.as_bytes()).map_err(|_| bad("method"))?)
        .uri(target.as_str());
    for (name, value) in headers
        .iter()
        .filter(|(n, _)| !MANAGED.contains(&n.as_str()))
    {
        let v: Vec<u8> = value.chars().map(|c| c as u32 as u8).collect();
        let v = http::HeaderValue::from_bytes(&v).map_err(|_| bad("header"))?;
        b = b.header(name.as_str(), v);
    }
    for (name, value) in DEFAULTS {
        if !headers.iter().any(|(n, _)| n == name) {
            b = b.header(name, value);
        }
    }
    let timeout = job
        .deadline
        .map(|d| d.saturating_duration_since(Instant::now()));
    let result = match body {
        Some(bytes) => {
            let req = b.body(bytes.to_vec()).map_err(|_| bad("body"))?;
            let req = job
                .agent
                .configure_request(req)
                .timeout_global(timeout)
                .build();
            job.agent.run(req)
        }
        None => {
            let req = b.body(()).map_err(|_| bad("body"))?;
            let req = job
                .agent
                .configure_request(req)
                .timeout_global(timeout)
                .build();
            job.agent.run(req)
        }
    };
    result.map_err(|e| cause(url, e))
}

/// The headers of a response: lowercase names, values as Latin-1 text (Node's ByteString).
fn header_list(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), latin1(v.as_bytes())))
        .collect()
}

/// Bytes as the Latin-1 characters they are.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The cause Node gives a failed request.
fn cause(url: &url::Url, e: ureq::Error) -> Failure {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_string();
    let port = url.port_or_known_default().unwrap_or(0);
    let (message, code) = match e {
        ureq::Error::HostNotFound => (format!("getaddrinfo ENOTFOUND {host}"), Some("ENOTFOUND")),
        ureq::Error::Io(io) => io_cause(&io, Some((&host, port))),
        ureq::Error::Timeout(_) => (
            "Connect Timeout Error".into(),
            Some("UND_ERR_CONNECT_TIMEOUT"),
        ),
        other => (other.to_string(), None),
    };
    Failure::Fetch(message, code)
}

/// Node's words for an I/O error, connecting to `to` (host and port) or reading.
fn io_cause(e: &std::io::Error, to: Option<(&str, u16)>) -> (String, Option<&'static str>) {
    use std::io::ErrorKind::*;
    match (e.kind(), to) {
        (ConnectionRefused, Some((host, port))) => (
            format!("connect ECONNREFUSED {host}:{port}"),
            Some("ECONNREFUSED"),
        ),
        (ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof, _) => {
            ("other side closed".into(), Some("UND_ERR_SOCKET"))
        }
        (TimedOut, _) => (
            "Connect Timeout Error".into(),
            Some("UND_ERR_CONNECT_TIMEOUT"),
        ),
        // The resolver's failure (std reports it as an uncategorised error).
        (_, Some((host, _))) if e.to_string().starts_with("failed to lookup address") => {
            (format!("getaddrinfo ENOTFOUND {host}"), Some("ENOTFOUND"))
        }
        _ => (e.to_string(), None),
    }
}

/// The body decoded as its `content-encoding` says (codings applied last decoded first; an
/// unknown one leaves the body as it came, as undici does).
fn decoded(reader: impl Read + 'static, coding: Option<&str>) -> Box<dyn Read> {
    let codings: Vec<String> = coding
        .map(|c| {
            c.split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let known = |c: &String| matches!(c.as_str(), "gzip" | "x-gzip" | "deflate");
    if codings.is_empty() || !codings.iter().all(known) {
        return Box::new(reader);
    }
    let mut out: Box<dyn Read> = Box::new(reader);
    for c in codings.iter().rev() {
        out = match c.as_str() {
            "deflate" => inflate(out),
            _ => Box::new(flate2::read::MultiGzDecoder::new(out)),
        };
    }
    out
}

/// `deflate` as undici reads it: zlib-wrapped, or raw when the first byte says so.
fn inflate(reader: Box<dyn Read>) -> Box<dyn Read> {
    let mut buffered = BufReader::new(reader);
    let zlib = match buffered.fill_buf() {
        Ok(bytes) => bytes.first().is_none_or(|b| b & 0x0f == 0x08),
        Err(_) => true,
    };
    if zlib {
        Box::new(flate2::read::ZlibDecoder::new(buffered))
    } else {
        Box::new(flate2::read::DeflateDecoder::new(buffered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn read_all(mut r: Box<dyn Read>) -> Vec<u8> {
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn bodies_decode_as_their_codings_say() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"hello").unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(
            read_all(decoded(std::io::Cursor::new(gz.clone()), Some("gzip"))),
            b"hello"
        );
        assert_eq!(
            read_all(decoded(std::io::Cursor::new(gz.clone()), Some("br"))),
            gz
        );
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(b"zlib").unwrap();
        let z = z.finish().unwrap();
        assert_eq!(
            read_all(decoded(std::io::Cursor::new(z), Some("Deflate"))),
            b"zlib"
        );
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(b"raw").unwrap();
        let raw = raw.finish().unwrap();
        assert_eq!(
            read_all(decoded(std::io::Cursor::new(raw), Some("deflate"))),
            b"raw"
        );
    }

    #[test]
    fn latin1_keeps_every_byte() {
        assert_eq!(latin1(b"caf\xe9"), "caf\u{e9}");
    }
}
