//! The Web/fetch family as Node (undici) has it, as far as Go code can observe: `Headers`,
//! `Blob`, `AbortController`/`AbortSignal`, `Request`, `Response` and the minimal
//! `ReadableStream` their bodies are (with its default reader). `fetch` itself is a host
//! capability: the host installs it ([`fetch_request`], [`network_response`] and
//! [`stream`] are what it builds on), and only when the embedder allows it.

// What only the host's `fetch` uses is unused in a build without the `net` feature.
#![cfg_attr(not(feature = "net"), allow(dead_code, unused_imports))]

pub mod abort;
pub mod blob;
mod body;
mod event;
pub mod headers;
mod reader;
#[cfg(test)]
mod realm_tests;
mod request;
mod response;
mod signal;
pub mod stream;
mod stream_state;
mod tee;

pub use request::{fetch_request, Redirect};
pub use response::{network_response, NetworkResponse};

use std::rc::Rc;

use super::text::node_error;
use crate::js::conversions::to_string;
use crate::js::native::{constructor, define_methods, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::value::{
    attrs, Agent, Builtin, Callable, Class, ErrorType, Intrinsic, JsResult, Kind, Obj, Proto,
    Throw, Value,
};

/// The prototypes of the objects of this family that have no intrinsic of their own.
pub(crate) struct Protos {
    /// `ReadableStream.prototype`.
    pub stream: Obj,
    /// `ReadableStreamDefaultReader.prototype`.
    pub reader: Obj,
    /// `Headers Iterator`, inheriting `next` from `%ArrayIteratorPrototype%`.
    pub headers_iterator: Obj,
    /// `Event.prototype`, for the abort event.
    pub event: Obj,
}

/// Installs the family's globals.
pub fn install(realm: &mut Realm) {
    let object_proto = realm.proto(Class::Object);
    let plain = || {
        Obj::with_proto(
            Class::Object,
            Kind::Ordinary,
            Proto::Object(object_proto.clone()),
        )
    };
    let iterator_proto = realm.proto(Class::Other(Intrinsic::ArrayIterator));
    let headers_iterator =
        Obj::with_proto(Class::Object, Kind::Ordinary, Proto::Object(iterator_proto));
    let protos = Protos {
        stream: plain(),
        reader: plain(),
        headers_iterator,
        event: plain(),
    };
    realm.insert_slot(protos);
    headers::install(realm);
    blob::install(realm);
    abort::install(realm);
    stream::install(realm);
    request::install(realm);
    response::install(realm);
}

/// The family's prototypes in the realm `agent` runs in.
pub(crate) fn protos(agent: &mut dyn Agent) -> &Protos {
    agent
        .realm()
        .slot::<Protos>()
        .expect("web::install keeps the prototypes")
}

/// Sets `[Symbol.toStringTag]` of `proto`.
fn tag(realm: &Realm, proto: &Obj, name: &str) {
    let tag = realm.symbols.to_string_tag.clone();
    proto.define_symbol(&tag, Value::from(name), attrs::CONFIGURABLE);
}

/// Installs a class: its methods and getters on its intrinsic prototype, and the global
/// constructor `name` (which needs `new`; `shown` is how Node names it in that error).
fn install_class(
    realm: &mut Realm,
    class: Intrinsic,
    name: &'static str,
    shown: &'static str,
    methods: &[Method],
    getters: &[Method],
    make: Builtin,
) -> Obj {
    let proto = realm.proto(Class::Other(class));
    define_methods(&proto, methods);
    define_getters(&proto, getters);
    tag(realm, &proto, name);
    let requires_new = Callable::Native(Rc::new(move |_, _, _| {
        ops::type_error(format!(
            "Class constructor {shown} cannot be invoked without 'new'"
        ))
    }));
    constructor(realm, name, requires_new, Callable::Builtin(make), &proto)
}

/// Defines enumerable getters (as Web IDL attributes are) on `proto`.
fn define_getters(proto: &Obj, getters: &[Method]) {
    for &(name, f) in getters {
        let getter =
            crate::js::native::named(crate::js::native::builtin(f), &format!("get {name}"));
        proto.define_accessor(
            name,
            getter,
            Value::Undefined,
            attrs::CONFIGURABLE | attrs::ENUMERABLE,
        );
    }
}

/// Node's "Illegal invocation" for a Web IDL method called on the wrong object.
fn illegal_invocation() -> Throw {
    node_error(
        ErrorType::TypeError,
        "ERR_INVALID_THIS",
        "Illegal invocation",
    )
}

/// Web IDL's error for too few arguments: `Headers.get: 1 argument required, but 0 found.`
fn require_args(args: &[Value], n: usize, what: &str) -> JsResult<()> {
    if args.len() >= n {
        return Ok(());
    }
    let plural = if n == 1 { "" } else { "s" };
    let only = if args.is_empty() { "" } else { "only " };
    ops::type_error(format!(
        "{what}: {n} argument{plural} required, but {only}{} found.",
        args.len()
    ))
}

/// A Web IDL `ByteString`: `ToString`, every code unit at most 255 (kept as the Latin-1
/// character it is).
fn byte_string(agent: &mut dyn Agent, v: &Value) -> JsResult<String> {
    let s = to_string(agent, v)?;
    let mut out = String::with_capacity(s.as_bytes().len());
    for (i, u) in s.code_units().enumerate() {
        if u > 255 {
            return ops::type_error(format!(
                "Cannot convert argument to a ByteString because the character at index {i} \
                 has a value of {u} which is greater than 255."
            ));
        }
        out.push(char::from(u as u8));
    }
    Ok(out)
}

/// A `TypeError` with a `cause`, as undici makes them.
pub fn type_error_with_cause(message: &str, cause: Value) -> Value {
    let e = Obj::error(ErrorType::TypeError, message);
    e.define("cause", cause, attrs::HIDDEN);
    Value::Object(e)
}

/// A `DOMException` with this name and legacy code (`AbortError`, 20).
pub fn dom_exception(message: &str, name: &str, code: u16) -> Value {
    let e = Obj::error(ErrorType::DomException, message);
    e.define("name", Value::from(name), attrs::HIDDEN);
    e.define("code", Value::Number(code as f64), attrs::HIDDEN);
    Value::Object(e)
}

/// Is `s` an HTTP token (a header name, a method)?
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A new `TypeError` as a value.
fn type_error_value(message: &str) -> Value {
    Value::Object(Obj::error(ErrorType::TypeError, message))
}
