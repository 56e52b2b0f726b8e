//! A minimal `ReadableStream` of bytes, as response and request bodies are: chunks
//! (`Uint8Array`s) queued by a producer (the bytes of a body, or the host's HTTP client
//! through a [`StreamHandle`]), read with `getReader().read()`, cancelled, or collected
//! whole when a body is consumed. Pulls go to the producer only while someone waits for a
//! chunk, so a body nobody reads is not fetched ahead. `tee` and `Response.clone` feed
//! branches ([`tee`]) with copies of what the stream gets.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::stream_state::{
    branches, cancel_shared, empty, invalid_state, pump, settle_closed, shared_of, stream_object,
    Inner, Shared, State, StreamData,
};
pub use super::stream_state::{Finish, Source};
use super::{define_getters, tag};
use super::{reader, tee};
use crate::js::builtins::promise;
use crate::js::native::{define_methods, Method};
use crate::js::realm::Realm;
use crate::js::value::{Agent, JsResult, Obj, Value};
pub use tee::tee;

/// The producer's end of a stream; it does not keep the stream alive.
#[derive(Clone)]
pub struct StreamHandle(Weak<RefCell<Inner>>);

const PROTO: &[Method] = &[
    ("cancel", cancel),
    ("getReader", reader::get_reader),
    ("tee", tee::tee_method),
];

const GETTERS: &[Method] = &[("locked", |_, t, _| {
    shared_of(t).map(|s| Value::Bool(s.borrow().locked))
})];

/// Installs `ReadableStream.prototype` and its reader's.
pub fn install(realm: &mut Realm) {
    let Some(p) = realm.slot::<super::Protos>() else {
        return;
    };
    let stream = p.stream.clone();
    define_methods(&stream, PROTO);
    define_getters(&stream, GETTERS);
    tag(realm, &stream, "ReadableStream");
    reader::install(realm);
}

/// A new stream fed by `source` through the handle returned with it.
pub fn new_stream(agent: &mut dyn Agent, source: Box<dyn Source>) -> (Obj, StreamHandle) {
    let shared = Rc::new(RefCell::new(empty(Some(source))));
    let handle = StreamHandle(Rc::downgrade(&shared));
    (stream_object(agent, shared), handle)
}

/// A closed stream of `bytes` (one chunk, none if empty).
pub fn from_bytes(agent: &mut dyn Agent, bytes: Vec<u8>) -> Obj {
    let mut inner = empty(None);
    if !bytes.is_empty() {
        inner.queue.push_back(Obj::bytes(bytes));
    }
    inner.state = State::Closed;
    stream_object(agent, Rc::new(RefCell::new(inner)))
}

/// Is `v` a stream?
pub fn is_stream(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.borrow().host::<StreamData>().is_some())
}

/// Has the stream been read from, or is it locked to a reader (a body that is unusable)?
pub fn is_unusable(stream: &Obj) -> bool {
    let data = stream.borrow();
    data.host::<StreamData>().is_some_and(|s| {
        let inner = s.0.borrow();
        inner.locked || inner.disturbed
    })
}

/// Has the stream been read from?
pub fn is_disturbed(stream: &Obj) -> bool {
    let data = stream.borrow();
    data.host::<StreamData>()
        .is_some_and(|s| s.0.borrow().disturbed)
}

/// Marks the stream read from (a request whose body another took over).
pub fn disturb(stream: &Obj) {
    if let Some(s) = stream.borrow().host::<StreamData>() {
        s.0.borrow_mut().disturbed = true;
    }
}

impl StreamHandle {
    /// Queues a chunk (and hands it to a waiting read).
    pub fn enqueue(&self, agent: &mut dyn Agent, bytes: Vec<u8>) -> JsResult<()> {
        match self.0.upgrade() {
            Some(s) => enqueue(agent, &s, bytes),
            None => Ok(()),
        }
    }

    /// Ends the stream once its queue is read.
    pub fn close(&self, agent: &mut dyn Agent) -> JsResult<()> {
        match self.0.upgrade() {
            Some(s) => end(agent, &s, State::Closed),
            None => Ok(()),
        }
    }

    /// Fails the stream: waiting and later reads reject with `reason`.
    pub fn error(&self, agent: &mut dyn Agent, reason: Value) -> JsResult<()> {
        match self.0.upgrade() {
            Some(s) => end(agent, &s, State::Errored(reason)),
            None => Ok(()),
        }
    }
}

/// The stream and every branch below it, without recursion (branches of branches nest as
/// deep as a guest makes them).
fn family(s: &Shared) -> Vec<Shared> {
    let mut out = vec![s.clone()];
    let mut i = 0;
    while i < out.len() {
        let below = branches(&out[i]);
        out.extend(below);
        i += 1;
    }
    out
}

fn enqueue(agent: &mut dyn Agent, s: &Shared, bytes: Vec<u8>) -> JsResult<()> {
    for member in family(s) {
        let queued = {
            let mut inner = member.borrow_mut();
            inner.pulling = false;
            let open = matches!(inner.state, State::Readable) && !inner.forward_only;
            if open {
                inner.queue.push_back(Obj::bytes(bytes.clone()));
            }
            open
        };
        if queued {
            pump(agent, &member)?;
        }
    }
    Ok(())
}

fn end(agent: &mut dyn Agent, s: &Shared, state: State) -> JsResult<()> {
    for member in family(s) {
        end_one(agent, &member, &state)?;
    }
    Ok(())
}

fn end_one(agent: &mut dyn Agent, s: &Shared, state: &State) -> JsResult<()> {
    let closed = {
        let mut inner = s.borrow_mut();
        if !matches!(inner.state, State::Readable) {
            return Ok(());
        }
        inner.pulling = false;
        if matches!(state, State::Errored(_)) {
            inner.queue.clear();
        }
        inner.state = state.clone();
        inner.source = None;
        inner.closed.clone()
    };
    if let Some(closed) = closed {
        settle_closed(agent, &closed, state)?;
    }
    pump(agent, s)
}

/// Reads the whole stream (locking it); `finish` gets the bytes or the failure.
pub fn collect(agent: &mut dyn Agent, stream: &Obj, finish: Finish) -> JsResult<()> {
    let s = shared_of(&Value::Object(stream.clone()))?;
    {
        let mut inner = s.borrow_mut();
        inner.locked = true;
        inner.disturbed = true;
        inner.collector = Some((Vec::new(), finish));
    }
    pump(agent, &s)
}

fn cancel(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = shared_of(this)?;
    if s.borrow().locked {
        let cap = promise::capability();
        cap.reject(agent, invalid_state("ReadableStream is locked"))?;
        return Ok(cap.promise);
    }
    cancel_shared(agent, &s)
}
