//! `ReadableStreamDefaultReader`: `read()` (a promise of `{ value, done }`), `cancel()`,
//! `releaseLock()` and `closed`, as Go's `net/http` uses them on a fetch response's body.

use super::protos;
use super::stream_state::{
    cancel_shared, invalid_state, mark_disturbed, pump, settle_closed, shared_of, Shared,
};
use super::{define_getters, tag};
use crate::js::builtins::promise;
use crate::js::native::{define_methods, Method};
use crate::js::realm::Realm;
use crate::js::value::{Agent, Class, JsResult, Kind, Obj, Proto, Throw, Value};

/// The state of a reader.
pub(super) struct ReaderData {
    /// The stream it reads, until released.
    pub stream: Option<Shared>,
    /// The `closed` promise.
    pub closed: Value,
}

const PROTO: &[Method] = &[
    ("read", read),
    ("releaseLock", release_lock),
    ("cancel", cancel),
];

const GETTERS: &[Method] = &[("closed", |_, t, _| with_reader(t, |r| r.closed.clone()))];

/// Installs `ReadableStreamDefaultReader.prototype`.
pub fn install(realm: &mut Realm) {
    let Some(reader) = realm.slot::<super::Protos>().map(|p| p.reader.clone()) else {
        return;
    };
    define_methods(&reader, PROTO);
    define_getters(&reader, GETTERS);
    tag(realm, &reader, "ReadableStreamDefaultReader");
}

fn with_reader<R>(this: &Value, f: impl FnOnce(&mut ReaderData) -> R) -> JsResult<R> {
    let not_reader = || {
        Throw::Value(super::type_error_value(
            "Value of \"this\" must be of type ReadableStreamDefaultReader",
        ))
    };
    let Some(o) = this.as_object() else {
        return Err(not_reader());
    };
    let mut data = o.borrow_mut();
    data.host_mut::<ReaderData>().map(f).ok_or_else(not_reader)
}

/// A promise rejected with "the reader is not attached to a stream".
fn detached(agent: &mut dyn Agent) -> JsResult {
    let cap = promise::capability();
    cap.reject(
        agent,
        invalid_state("The reader is not attached to a stream"),
    )?;
    Ok(cap.promise)
}

fn read(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let Some(s) = with_reader(this, |r| r.stream.clone())? else {
        return detached(agent);
    };
    let cap = promise::capability();
    {
        let mut inner = s.borrow_mut();
        mark_disturbed(&mut inner);
        inner.reads.push_back(cap.clone());
    }
    pump(agent, &s)?;
    Ok(cap.promise)
}

fn cancel(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    match with_reader(this, |r| r.stream.clone())? {
        Some(s) => cancel_shared(agent, &s),
        None => detached(agent),
    }
}

/// `releaseLock()`: the stream is free for another reader; reads still waiting fail.
fn release_lock(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let Some(s) = with_reader(this, |r| r.stream.take())? else {
        return Ok(Value::Undefined);
    };
    let (reads, closed) = {
        let mut inner = s.borrow_mut();
        inner.locked = false;
        (std::mem::take(&mut inner.reads), inner.closed.take())
    };
    for r in reads {
        r.reject(agent, invalid_state("Releasing reader"))?;
    }
    if let Some(closed) = closed {
        closed.reject(agent, invalid_state("Releasing reader"))?;
    }
    Ok(Value::Undefined)
}

/// `stream.getReader()`: locks the stream to a new reader.
pub(super) fn get_reader(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = shared_of(this)?;
    if s.borrow().locked {
        return Err(Throw::Value(invalid_state("ReadableStream is locked")));
    }
    let closed = promise::capability();
    if let Some(p) = closed.promise.as_object() {
        // Nobody need handle a reader's `closed` rejecting.
        promise::perform_then(agent, p, Value::Undefined, Value::Undefined, None);
    }
    let state = {
        let mut inner = s.borrow_mut();
        inner.locked = true;
        inner.closed = Some(closed.clone());
        inner.state.clone()
    };
    settle_closed(agent, &closed, &state)?;
    let proto = protos(agent).reader.clone();
    let data = ReaderData {
        stream: Some(s),
        closed: closed.promise,
    };
    Ok(Value::Object(Obj::with_proto(
        Class::Object,
        Kind::Host(Box::new(data)),
        Proto::Object(proto),
    )))
}
