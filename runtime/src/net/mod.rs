//! `fetch` for guests, a host capability that is off unless the embedder allows hosts
//! ([`crate::Config::allow_net`]): without it the guest sees no `fetch`, as under a JS host
//! that has none, and Go's `net/http` reports its own error.
//!
//! `fetch` builds its request as `new Request` does (the JS layer's
//! [`crate::js::builtins::web`]), refuses hosts not allowed, and hands the exchange to a
//! thread ([`client`]). What the threads report comes back through a channel the event loop
//! polls from a timer while requests are in flight, which keeps the loop alive and waits
//! no longer than the next timer or the instance's deadline; each report then settles the
//! promise or feeds the body stream from the loop's I/O queue, as Node's poll phase does.

mod client;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Instant;

use client::{Event, Failure, Job};

use crate::js::builtins::promise::{self, Capability};
use crate::js::builtins::web::stream::{new_stream, Source, StreamHandle};
use crate::js::builtins::web::{
    abort, fetch_request, network_response, type_error_with_cause, NetworkResponse,
};
use crate::js::native::{arg, builtin, named, native};
use crate::js::timers::{clamp_delay, Task};
use crate::js::{Agent, ErrorType, JsResult, Obj, Realm, Throw, Value};

/// Requests whose threads run at once; more wait their turn.
const MAX_RUNNING: usize = 32;

/// The longest one poll waits for the threads' reports.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The hosts a guest may fetch from: `host` (any port), `host:port`, or `*` (any).
#[derive(Clone, Debug, Default)]
pub struct AllowList(Vec<Entry>);

#[derive(Clone, Debug, PartialEq)]
enum Entry {
    Any,
    Host(String),
    HostPort(String, u16),
}

impl AllowList {
    /// Parses entries as `--allow-net` takes them (hosts compared without case; IPv6
    /// addresses in brackets when a port follows).
    pub fn new<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> AllowList {
        let entries = hosts.into_iter().filter_map(|h| entry(h.as_ref().trim()));
        AllowList(entries.collect())
    }

    /// Does it allow anything at all?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// May the guest fetch `url`?
    pub fn allows(&self, url: &url::Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        let port = url.port_or_known_default();
        self.0.iter().any(|e| match e {
            Entry::Any => true,
            Entry::Host(h) => *h == host,
            Entry::HostPort(h, p) => *h == host && Some(*p) == port,
        })
    }
}

fn entry(s: &str) -> Option<Entry> {
    if s.is_empty() {
        return None;
    }
    if s == "*" {
        return Some(Entry::Any);
    }
    let s = s.to_ascii_lowercase();
    if let Some((host, port)) = s.rsplit_once(':') {
        let bracketed = host.starts_with('[') && host.ends_with(']');
        if let (Ok(port), true) = (port.parse(), bracketed || !host.contains(':')) {
            return Some(Entry::HostPort(host.to_string(), port));
        }
    }
    if s.contains(':') && !s.starts_with('[') {
        return Some(Entry::Host(format!("[{s}]")));
    }
    Some(Entry::Host(s))
}

/// `host[:port]` as a refusal names it.
pub(crate) fn shown_host(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// A header's values joined as `Headers.get` joins them.
pub(crate) fn combined_header(list: &[(String, String)], name: &str) -> Option<String> {
    crate::js::builtins::web::headers::combined(list, name)
}

/// Where a request stands, on the guest's side.
enum Pending {
    /// Waiting for the response head.
    Head {
        cap: Capability,
        cancel: Arc<AtomicBool>,
        credits: Sender<()>,
        /// The request's signal (which only weakly follows the one the guest holds).
        signal: Obj,
    },
    /// Streaming the body.
    Body {
        stream: StreamHandle,
        cancel: Arc<AtomicBool>,
        _signal: Obj,
    },
    /// Settled or given up; its thread has not said it is done yet.
    Done,
}

/// The fetch state of one guest.
struct NetState {
    allow: Arc<AllowList>,
    agent: ureq::Agent,
    sender: Sender<Event>,
    events: Receiver<Event>,
    pending: HashMap<u64, Pending>,
    queued: VecDeque<Job>,
    running: usize,
    next_id: u64,
    /// The timer that polls for events, while one is scheduled.
    waker: Option<u64>,
}

impl NetState {
    /// Is a request in flight that the guest still waits on?
    fn live(&self) -> bool {
        self.pending.values().any(|p| match p {
            Pending::Head { .. } => true,
            Pending::Body { cancel, .. } => !cancel.load(Ordering::Relaxed),
            Pending::Done => false,
        })
    }

    /// Waits for events until `until` (a second at most: the poll then comes round again),
    /// then takes all there are.
    fn receive(&mut self, until: Option<Instant>) -> Vec<Event> {
        let now = Instant::now();
        let until = until.map_or(now + MAX_WAIT, |t| t.min(now + MAX_WAIT));
        let first = match until.checked_duration_since(now) {
            Some(wait) if !wait.is_zero() => self.events.recv_timeout(wait).ok(),
            _ => self.events.try_recv().ok(),
        };
        let mut out: Vec<Event> = first.into_iter().collect();
        out.extend(self.events.try_iter());
        out
    }
}

/// Installs `fetch` for the hosts in `allow`.
pub fn install(realm: &mut Realm, allow: AllowList) {
    let (sender, events) = mpsc::channel();
    realm.insert_slot(NetState {
        allow: Arc::new(allow),
        agent: client::agent(),
        sender,
        events,
        pending: HashMap::new(),
        queued: VecDeque::new(),
        running: 0,
        next_id: 1,
        waker: None,
    });
    realm.define_global("fetch", named(builtin(fetch), "fetch"));
}

fn state(agent: &mut dyn Agent) -> &mut NetState {
    agent
        .realm()
        .slot::<NetState>()
        .expect("net::install keeps the fetch state")
}

/// `fetch(input, init)`: a promise of the response; failures before the exchange reject it.
fn fetch(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let cap = promise::capability();
    match start(agent, &arg(args, 0), &arg(args, 1), &cap) {
        Ok(()) => {}
        Err(Throw::Value(e)) => cap.reject(agent, e)?,
        Err(abort) => return Err(abort),
    }
    Ok(cap.promise)
}

/// Node's "fetch failed" with a cause of this message (and code).
fn fetch_failed(message: &str, code: Option<&str>) -> Value {
    let cause = Obj::error(ErrorType::Error, message);
    if let Some(code) = code {
        cause.set("code", Value::from(code));
    }
    type_error_with_cause("fetch failed", Value::Object(cause))
}

fn refused(host: &str) -> Value {
    Value::Object(Obj::error(
        ErrorType::TypeError,
        &format!("fetch to {host} refused: not in --allow-net"),
    ))
}

fn start(agent: &mut dyn Agent, input: &Value, init: &Value, cap: &Capability) -> JsResult<()> {
    let req = fetch_request(agent, input, init)?;
    if let Some(reason) = abort::reason_if_aborted(&Value::Object(req.signal.clone())) {
        return Err(Throw::Value(reason));
    }
    match req.url.scheme() {
        "http" | "https" => {}
        "file" => {
            return Err(Throw::Value(fetch_failed(
                "not implemented... yet...",
                None,
            )))
        }
        _ => return Err(Throw::Value(fetch_failed("unknown scheme", None))),
    }
    let deadline = crate::fs::state(agent).deadline;
    let net = state(agent);
    if !net.allow.allows(&req.url) {
        return Err(Throw::Value(refused(&shown_host(&req.url))));
    }
    let id = net.next_id;
    net.next_id += 1;
    let (credits_tx, credits) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let signal = req.signal.clone();
    net.queued.push_back(Job {
        id,
        url: req.url,
        method: req.method,
        headers: req.headers,
        body: req.body,
        redirect: req.redirect,
        allow: net.allow.clone(),
        agent: net.agent.clone(),
        deadline,
        events: net.sender.clone(),
        credits,
        cancel: cancel.clone(),
    });
    net.pending.insert(
        id,
        Pending::Head {
            cap: cap.clone(),
            cancel,
            credits: credits_tx,
            signal: signal.clone(),
        },
    );
    abort::on_abort(
        &signal,
        Box::new(move |agent, reason| give_up(agent, id, reason)),
    );
    start_queued(agent)?;
    arm(agent);
    Ok(())
}

/// Starts waiting requests while fewer than [`MAX_RUNNING`] run.
fn start_queued(agent: &mut dyn Agent) -> JsResult<()> {
    loop {
        let net = state(agent);
        if net.running >= MAX_RUNNING {
            return Ok(());
        }
        let Some(job) = net.queued.pop_front() else {
            return Ok(());
        };
        let id = job.id;
        if job.cancel.load(Ordering::Relaxed) {
            net.pending.remove(&id);
            continue;
        }
        match client::spawn(job) {
            Ok(()) => net.running += 1,
            Err(e) => {
                let failure = Failure::Fetch(format!("cannot start a thread: {e}"), None);
                handle(agent, Event::Fail { id, failure })?;
                state(agent).pending.remove(&id);
            }
        }
    }
}

/// The signal aborted: the promise rejects (or the body fails) with its reason.
fn give_up(agent: &mut dyn Agent, id: u64, reason: &Value) -> JsResult<()> {
    let Some(entry) = state(agent).pending.get_mut(&id) else {
        return Ok(());
    };
    match std::mem::replace(entry, Pending::Done) {
        Pending::Head { cap, cancel, .. } => {
            cancel.store(true, Ordering::Relaxed);
            cap.reject(agent, reason.clone())
        }
        Pending::Body { stream, cancel, .. } => {
            cancel.store(true, Ordering::Relaxed);
            stream.error(agent, reason.clone())
        }
        Pending::Done => Ok(()),
    }
}

/// Schedules the poll, unless it is scheduled or nothing is in flight.
fn arm(agent: &mut dyn Agent) {
    let net = state(agent);
    if net.waker.is_some() || !net.live() {
        return;
    }
    let task = Task::Js {
        callback: native(poll),
        this: Value::Undefined,
        args: Vec::new(),
    };
    let id = agent.realm().timers.add(task, clamp_delay(1.0), false);
    state(agent).waker = Some(id);
}

/// The poll timer: waits for the threads' reports no longer than the next timer or the
/// deadline, and queues each as I/O for the event loop.
fn poll(agent: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    let deadline = crate::fs::state(agent).deadline;
    let next_timer = agent.realm().timers.next().map(|(_, due)| due);
    let until = [deadline, next_timer].into_iter().flatten().min();
    let net = state(agent);
    net.waker = None;
    let events = net.receive(until);
    for event in events {
        let slot = std::cell::RefCell::new(Some(event));
        let callback = native(move |agent, _, _| match slot.borrow_mut().take() {
            Some(event) => handle(agent, event).map(|_| Value::Undefined),
            None => Ok(Value::Undefined),
        });
        agent.realm().io.push_back(Task::Js {
            callback,
            this: Value::Undefined,
            args: Vec::new(),
        });
    }
    arm(agent);
    Ok(Value::Undefined)
}

/// A body stream's producer: each pull is a credit for one more chunk.
struct NetSource {
    credits: Sender<()>,
    cancel: Arc<AtomicBool>,
}

impl Source for NetSource {
    fn pull(&mut self) {
        let _ = self.credits.send(());
    }

    fn cancel(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Takes the pending entry of `id` (leaving `Done`).
fn take(agent: &mut dyn Agent, id: u64) -> Pending {
    match state(agent).pending.get_mut(&id) {
        Some(entry) => std::mem::replace(entry, Pending::Done),
        None => Pending::Done,
    }
}

/// Acts on one report of a request thread.
fn handle(agent: &mut dyn Agent, event: Event) -> JsResult<()> {
    match event {
        Event::Head {
            id,
            status,
            status_text,
            headers,
            url,
            redirected,
            has_body,
        } => {
            let Pending::Head {
                cap,
                cancel,
                credits,
                signal,
            } = take(agent, id)
            else {
                return Ok(());
            };
            let stream = has_body.then(|| {
                let source = NetSource {
                    credits,
                    cancel: cancel.clone(),
                };
                let (stream, handle) = new_stream(agent, Box::new(source));
                state(agent).pending.insert(
                    id,
                    Pending::Body {
                        stream: handle,
                        cancel,
                        _signal: signal,
                    },
                );
                stream
            });
            let parts = NetworkResponse {
                status,
                status_text,
                headers,
                url,
                redirected,
            };
            cap.resolve(agent, network_response(parts, stream))
        }
        Event::Chunk { id, bytes } => {
            let stream = match state(agent).pending.get(&id) {
                Some(Pending::Body { stream, .. }) => stream.clone(),
                _ => return Ok(()),
            };
            stream.enqueue(agent, bytes)
        }
        Event::End { id } => match take(agent, id) {
            Pending::Body { stream, .. } => stream.close(agent),
            _ => Ok(()),
        },
        Event::Fail { id, failure } => fail(agent, id, failure),
        Event::Gone { id } => {
            let net = state(agent);
            net.pending.remove(&id);
            net.running = net.running.saturating_sub(1);
            start_queued(agent)
        }
    }
}

fn fail(agent: &mut dyn Agent, id: u64, failure: Failure) -> JsResult<()> {
    let error = match failure {
        Failure::Refused(host) => refused(&host),
        Failure::Fetch(message, code) => fetch_failed(&message, code),
        Failure::Terminated(message, code) => {
            let cause = Obj::error(ErrorType::Error, &message);
            if let Some(code) = code {
                cause.set("code", Value::from(code));
            }
            type_error_with_cause("terminated", Value::Object(cause))
        }
    };
    match take(agent, id) {
        Pending::Head { cap, .. } => cap.reject(agent, error),
        Pending::Body { stream, .. } => stream.error(agent, error),
        Pending::Done => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn hosts_match_with_or_without_ports() {
        let allow = AllowList::new(["127.0.0.1:8080", "Example.com", "[::1]:9000", ""]);
        assert!(allow.allows(&url("http://127.0.0.1:8080/x")));
        assert!(!allow.allows(&url("http://127.0.0.1:8081/x")));
        assert!(allow.allows(&url("https://example.COM/")));
        assert!(allow.allows(&url("http://example.com:1234/")));
        assert!(!allow.allows(&url("http://sub.example.com/")));
        assert!(allow.allows(&url("http://[::1]:9000/")));
        assert!(!allow.allows(&url("http://[::1]:9001/")));
        assert!(AllowList::new(["*"]).allows(&url("https://anything.test/")));
        assert!(AllowList::new(["example.com:443"]).allows(&url("https://example.com/")));
        assert!(AllowList::new(["::1"]).allows(&url("http://[::1]:5/")));
        assert!(AllowList::new(["", " "]).is_empty());
    }

    #[test]
    fn refusals_name_the_host_and_its_port() {
        assert_eq!(shown_host(&url("http://example.com/a")), "example.com");
        assert_eq!(shown_host(&url("http://127.0.0.1:8080/")), "127.0.0.1:8080");
    }
}
