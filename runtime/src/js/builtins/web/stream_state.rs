//! The state a `ReadableStream` shares with its reader, its branches and its producer, and
//! the steps all of them take on it: serving reads from the queue ([`pump`]), pulling from
//! the producer, cancelling ([`cancel_shared`]) and settling a reader's `closed` promise.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use super::protos;
use crate::js::builtins::iterators::result;
use crate::js::builtins::promise::{self, Capability};
use crate::js::builtins::text::node_error;
use crate::js::value::{Abort, Agent, Class, ErrorType, JsResult, Kind, Obj, Proto, Throw, Value};

/// Where a stream's chunks come from.
pub trait Source {
    /// Someone waits for a chunk: produce one (by [`StreamHandle::enqueue`], later).
    fn pull(&mut self);
    /// No more chunks are wanted.
    fn cancel(&mut self);
}

/// How a whole-body read ends: the bytes, or the reason the stream failed.
pub type Finish = Box<dyn FnOnce(&mut dyn Agent, Result<Vec<u8>, Value>) -> JsResult<()>>;

/// Where a stream stands.
#[derive(Clone)]
pub(super) enum State {
    /// Chunks may still come.
    Readable,
    /// Ended: reads get what is queued, then `done`.
    Closed,
    /// Failed with this reason.
    Errored(Value),
}

/// The shared state of a stream, its reader and its producer.
pub(super) struct Inner {
    /// Chunks as the `Uint8Array`s reads give (objects, so the JS heap counts them).
    pub(super) queue: VecDeque<Obj>,
    /// Where it stands.
    pub(super) state: State,
    /// `read()` promises waiting for a chunk.
    pub(super) reads: VecDeque<Capability>,
    /// A whole-body read in progress: what it has so far and how it ends.
    pub(super) collector: Option<(Vec<u8>, Finish)>,
    /// Locked to a reader, a whole-body read or its branches.
    pub(super) locked: bool,
    /// Read from or cancelled.
    pub(super) disturbed: bool,
    /// The `closed` promise of the reader, if there is one.
    pub(super) closed: Option<Capability>,
    /// The producer (none once the stream ends, or while a pull has it).
    pub(super) source: Option<Box<dyn Source>>,
    /// A pull is outstanding: the producer owes a chunk.
    pub(super) pulling: bool,
    /// Only feeds its branches (it was teed, or cancelled while branches still read): its
    /// own consumers see it closed.
    pub(super) forward_only: bool,
    /// The branches it feeds (`tee`, `clone`).
    pub(super) branches: Vec<Weak<RefCell<Inner>>>,
    /// For a branch: the stream whose producer feeds it (through its ancestors).
    pub(super) root: Option<Weak<RefCell<Inner>>>,
}

/// A stream's state, shared by the stream object, its reader, its branches and its handle.
pub(super) type Shared = Rc<RefCell<Inner>>;

/// The state of a `ReadableStream` object.
pub(super) struct StreamData(pub(super) Shared);

/// A node-style `ERR_INVALID_STATE` TypeError.
pub(super) fn invalid_state(what: &str) -> Value {
    match node_error(
        ErrorType::TypeError,
        "ERR_INVALID_STATE",
        &format!("Invalid state: {what}"),
    ) {
        Throw::Value(v) => v,
        Throw::Abort(_) => Value::Undefined,
    }
}

/// The state of a new readable stream with nothing queued, fed by `source`.
pub(super) fn empty(source: Option<Box<dyn Source>>) -> Inner {
    Inner {
        queue: VecDeque::new(),
        state: State::Readable,
        reads: VecDeque::new(),
        collector: None,
        locked: false,
        disturbed: false,
        closed: None,
        source,
        pulling: false,
        forward_only: false,
        branches: Vec::new(),
        root: None,
    }
}

/// A `ReadableStream` object over `shared`.
pub(super) fn stream_object(agent: &mut dyn Agent, shared: Shared) -> Obj {
    let proto = protos(agent).stream.clone();
    Obj::with_proto(
        Class::Object,
        Kind::Host(Box::new(StreamData(shared))),
        Proto::Object(proto),
    )
}

/// The shared state of the stream `v`.
pub(super) fn shared_of(v: &Value) -> JsResult<Shared> {
    let found = v.as_object().and_then(|o| {
        let data = o.borrow();
        data.host::<StreamData>().map(|s| s.0.clone())
    });
    found.ok_or_else(|| {
        Throw::Value(super::type_error_value(
            "Value of \"this\" must be of type ReadableStream",
        ))
    })
}

/// Marks the stream read from.
pub(super) fn mark_disturbed(inner: &mut Inner) {
    inner.disturbed = true;
}

/// The live branches of a stream.
pub(super) fn branches(s: &Shared) -> Vec<Shared> {
    let mut inner = s.borrow_mut();
    inner.branches.retain(|b| b.strong_count() > 0);
    inner.branches.iter().filter_map(Weak::upgrade).collect()
}

/// Settles a reader's `closed` promise as the stream ended.
pub(super) fn settle_closed(
    agent: &mut dyn Agent,
    closed: &Capability,
    state: &State,
) -> JsResult<()> {
    match state {
        State::Readable => Ok(()),
        State::Closed => closed.resolve(agent, Value::Undefined),
        State::Errored(e) => closed.reject(agent, e.clone()),
    }
}

/// What the stream can do for its consumers now.
enum Step {
    Chunk(Capability, Obj),
    Done(Capability),
    Fail(Capability, Value),
    Finish(Finish, Result<Vec<u8>, Value>),
    /// A whole-body read grew past what the JS heap has room for.
    Stop(Abort),
}

/// The bytes of a chunk.
pub(super) fn contents(chunk: &Obj) -> Vec<u8> {
    chunk
        .typed_array()
        .map(|t| t.with(|b| b.to_vec()))
        .unwrap_or_default()
}

fn next_step(inner: &mut Inner) -> Option<Step> {
    let state = if inner.forward_only {
        State::Closed
    } else {
        inner.state.clone()
    };
    if let Some((mut bytes, finish)) = inner.collector.take() {
        while let Some(chunk) = inner.queue.pop_front() {
            bytes.extend_from_slice(&contents(&chunk));
        }
        if let Err(abort) = crate::js::heap::reserve(bytes.len()) {
            return Some(Step::Stop(abort));
        }
        return match &state {
            State::Readable => {
                inner.collector = Some((bytes, finish));
                None
            }
            State::Closed => Some(Step::Finish(finish, Ok(bytes))),
            State::Errored(e) => Some(Step::Finish(finish, Err(e.clone()))),
        };
    }
    if inner.reads.is_empty() {
        return None;
    }
    if let Some(chunk) = inner.queue.pop_front() {
        return inner.reads.pop_front().map(|r| Step::Chunk(r, chunk));
    }
    match state {
        State::Readable => None,
        State::Closed => inner.reads.pop_front().map(Step::Done),
        State::Errored(e) => inner.reads.pop_front().map(|r| Step::Fail(r, e)),
    }
}

/// Serves waiting reads and a whole-body read from the queue, then pulls if one still
/// waits. No borrow is held while promises settle.
pub(super) fn pump(agent: &mut dyn Agent, s: &Shared) -> JsResult<()> {
    loop {
        let step = next_step(&mut s.borrow_mut());
        match step {
            None => break,
            Some(Step::Chunk(r, chunk)) => r.resolve(agent, result(Value::Object(chunk), false))?,
            Some(Step::Stop(abort)) => return Err(Throw::Abort(abort)),
            Some(Step::Done(r)) => r.resolve(agent, result(Value::Undefined, true))?,
            Some(Step::Fail(r, e)) => r.reject(agent, e)?,
            Some(Step::Finish(f, outcome)) => f(agent, outcome)?,
        }
    }
    let source = {
        let mut inner = s.borrow_mut();
        let waiting = !inner.reads.is_empty() || inner.collector.is_some();
        let can = matches!(inner.state, State::Readable) && !inner.pulling && !inner.forward_only;
        if waiting && can && inner.queue.is_empty() {
            inner.pulling = true;
            inner.source.take()
        } else {
            None
        }
    };
    if let Some(mut source) = source {
        source.pull();
        let mut inner = s.borrow_mut();
        if matches!(inner.state, State::Readable) && inner.source.is_none() {
            inner.source = Some(source);
        }
    }
    Ok(())
}

/// Cancels: queued chunks are dropped, waiting reads end, and the producer is told unless
/// branches still want its chunks.
pub(super) fn cancel_shared(agent: &mut dyn Agent, s: &Shared) -> JsResult {
    let cap = promise::capability();
    let fed = !branches(s).is_empty();
    let (state, closed, source) = {
        let mut inner = s.borrow_mut();
        inner.disturbed = true;
        inner.queue.clear();
        let state = if inner.forward_only {
            State::Closed
        } else {
            inner.state.clone()
        };
        inner.forward_only = true;
        let source = match (&state, fed) {
            (State::Readable, false) => {
                inner.state = State::Closed;
                inner.source.take()
            }
            _ => None,
        };
        (state, inner.closed.clone(), source)
    };
    match &state {
        State::Errored(e) => cap.reject(agent, e.clone())?,
        _ => cap.resolve(agent, Value::Undefined)?,
    }
    if let Some(mut source) = source {
        source.cancel();
    }
    if let (State::Readable, Some(closed)) = (&state, closed) {
        settle_closed(agent, &closed, &State::Closed)?;
    }
    pump(agent, s)?;
    Ok(cap.promise)
}
