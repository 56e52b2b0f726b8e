//! The global `structuredClone(value, { transfer })`, as Node's: primitives, plain objects
//! and arrays (own enumerable string keys, getters run, prototypes dropped), `Date`,
//! `RegExp`, primitive wrappers, errors, `Map`, `Set`, `ArrayBuffer`s (each copied once, so
//! views keep sharing), typed arrays and `DataView`s; cycles and shared references are
//! kept. Transferred `ArrayBuffer`s move their bytes and are left empty (detached). Anything
//! else is a `DataCloneError` `DOMException`.

use std::collections::HashMap;
use std::rc::Rc;

use super::array_buffer::DataView;
use super::collections::{self, MapData};
use super::regexp_object::{constructor_name, source_and_flags, with_program};
use crate::js::conversions::{iterate, keys, symbol_text, to_string};
use crate::js::native::{arg, builtin, named};
use crate::js::ops::{self, throw};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{
    attrs, buffer_object, Agent, Buffer, Class, ErrorType, Intrinsic, JsResult, Kind, Obj, Throw,
    TypedArray, Value,
};

/// How deep a value may nest before giving up as V8 does when its stack runs out.
const MAX_DEPTH: usize = 1000;

/// Installs the global `structuredClone`.
pub fn install(realm: &mut Realm) {
    realm.define_builtin(
        "structuredClone",
        named(builtin(structured_clone), "structuredClone"),
    );
}

/// A `DOMException` named `DataCloneError` (code 25).
fn data_clone_error<T>(message: impl AsRef<str>) -> JsResult<T> {
    let e = Obj::error(ErrorType::DomException, message.as_ref());
    e.define("name", Value::from("DataCloneError"), attrs::HIDDEN);
    e.define("code", Value::Number(25.0), attrs::HIDDEN);
    Err(Throw::Value(Value::Object(e)))
}

/// A Node `TypeError` with an error `code`.
fn node_type_error<T>(code: &str, message: &str) -> JsResult<T> {
    let e = Obj::error(ErrorType::TypeError, message);
    e.set("code", Value::from(code));
    Err(Throw::Value(Value::Object(e)))
}

/// `structuredClone(value, options)`.
fn structured_clone(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    if args.is_empty() {
        return node_type_error("ERR_MISSING_ARGS", "The value argument must be specified");
    }
    let transfer = transfer_list(agent, &arg(args, 1))?;
    let mut cloner = Cloner::default();
    let mut moves = Vec::new();
    for buffer in &transfer {
        let key = Rc::as_ptr(buffer) as usize;
        if cloner.buffers.contains_key(&key) {
            return data_clone_error("Transfer list contains duplicate ArrayBuffer");
        }
        let target = Buffer::new(Vec::new());
        cloner.buffers.insert(key, target.clone());
        moves.push((buffer.clone(), target));
    }
    let copy = cloner.clone_value(agent, &arg(args, 0), 0)?;
    // Only once the whole value is cloned are the transferred buffers detached.
    for (from, to) in moves {
        let bytes = std::mem::take(&mut *from.bytes());
        *to.bytes() = bytes;
    }
    Ok(copy)
}

/// The `ArrayBuffer`s of `options.transfer`.
fn transfer_list(agent: &mut dyn Agent, options: &Value) -> JsResult<Vec<Rc<Buffer>>> {
    let list = match options {
        Value::Undefined | Value::Null => return Ok(Vec::new()),
        Value::Object(_) => ops::get(agent, options, b"transfer")?,
        _ => {
            return node_type_error(
                "ERR_INVALID_ARG_TYPE",
                "The options argument must be either an object or undefined",
            )
        }
    };
    if matches!(list, Value::Undefined | Value::Null) {
        return Ok(Vec::new());
    }
    if list.as_object().is_none() {
        return node_type_error(
            "ERR_INVALID_ARG_TYPE",
            "Optional transferList argument must be an iterable",
        );
    }
    let mut out = Vec::new();
    for item in iterate(agent, &list)? {
        let buffer = item.as_object().and_then(|o| match &o.borrow().kind {
            Kind::ArrayBuffer(b) => Some(b.clone()),
            _ => None,
        });
        match buffer {
            Some(b) => out.push(b),
            None => {
                return node_type_error(
                    "ERR_INVALID_TRANSFER_OBJECT",
                    "Found invalid object in transferList",
                )
            }
        }
    }
    Ok(out)
}

/// The copies made so far, by the identity of the original.
#[derive(Default)]
struct Cloner {
    objects: HashMap<usize, Obj>,
    buffers: HashMap<usize, Rc<Buffer>>,
}

/// What the cloner does with an object, decided while it is borrowed.
enum Shape {
    Plain,
    Array(usize),
    Error,
    Made(Obj),
    Typed(TypedArray),
    View(Rc<Buffer>, usize, usize),
    Buffer(Rc<Buffer>),
    Map(bool, Vec<(Value, Value)>),
    Function,
    /// A symbol wrapper.
    Symbol,
    Other,
}

impl Cloner {
    fn clone_value(&mut self, agent: &mut dyn Agent, v: &Value, depth: usize) -> JsResult {
        let o = match v {
            Value::Symbol(s) => {
                return data_clone_error(format!("{} could not be cloned.", symbol_text(s)))
            }
            Value::Object(o) => o,
            primitive => return Ok(primitive.clone()),
        };
        if let Some(copy) = self.objects.get(&o.addr()) {
            return Ok(Value::Object(copy.clone()));
        }
        if depth > MAX_DEPTH {
            return throw(ErrorType::RangeError, "Maximum call stack size exceeded");
        }
        let shape = shape_of(o);
        let copy = match shape {
            Shape::Function => return data_clone_error(function_text(o)),
            Shape::Other => {
                let name = constructor_name(agent, o);
                return data_clone_error(format!("#<{name}> could not be cloned."));
            }
            Shape::Symbol => return data_clone_error("[object Symbol] could not be cloned."),
            Shape::Made(copy) => copy,
            Shape::Buffer(b) => buffer_object(&self.buffer(&b)),
            Shape::Typed(t) => Obj::typed(TypedArray {
                buffer: self.buffer(&t.buffer),
                ..t
            }),
            Shape::View(b, offset, len) => {
                let buffer = self.buffer(&b);
                let view = DataView {
                    buffer,
                    offset,
                    len,
                };
                Obj::host(Intrinsic::DataView, view)
            }
            Shape::Error => return self.error(agent, o, depth),
            Shape::Map(set, entries) => return self.collection(agent, o, set, entries, depth),
            Shape::Array(len) => {
                let copy = Obj::array(vec![Value::Undefined; len]);
                self.objects.insert(o.addr(), copy.clone());
                self.properties(agent, o, &copy, depth)?;
                return Ok(Value::Object(copy));
            }
            Shape::Plain => {
                let copy = Obj::plain();
                self.objects.insert(o.addr(), copy.clone());
                self.properties(agent, o, &copy, depth)?;
                return Ok(Value::Object(copy));
            }
        };
        self.objects.insert(o.addr(), copy.clone());
        Ok(Value::Object(copy))
    }

    /// The copy of a buffer's storage (one per buffer, shared by the views cloned over it).
    fn buffer(&mut self, b: &Rc<Buffer>) -> Rc<Buffer> {
        let key = Rc::as_ptr(b) as usize;
        self.buffers
            .entry(key)
            .or_insert_with(|| Buffer::new(b.bytes().clone()))
            .clone()
    }

    /// Copies the own enumerable string-keyed properties of `from` (read with their
    /// getters) onto `to`.
    fn properties(
        &mut self,
        agent: &mut dyn Agent,
        from: &Obj,
        to: &Obj,
        depth: usize,
    ) -> JsResult<()> {
        let source = Value::Object(from.clone());
        for key in keys(agent, &source)? {
            let v = ops::get(agent, &source, key.as_bytes())?;
            let copy = self.clone_value(agent, &v, depth + 1)?;
            match key.array_index() {
                Some(i) if to.is_array() => to.set_element(i as usize, copy),
                _ => define(to, key, copy),
            }
        }
        Ok(())
    }

    /// An error of the same kind (by its `name`) with its `message` and `cause`.
    fn error(&mut self, agent: &mut dyn Agent, o: &Obj, depth: usize) -> JsResult {
        let source = Value::Object(o.clone());
        let name = ops::get(agent, &source, b"name")?;
        let name = name.primitive_string().map(|n| n.to_string());
        let ty = ErrorType::ALL
            .into_iter()
            .filter(|t| *t != ErrorType::DomException && *t != ErrorType::AggregateError)
            .find(|t| name.as_deref() == Some(t.name()))
            .unwrap_or(ErrorType::Error);
        let copy = Obj::error(ty, "");
        copy.borrow_mut().props.shift_remove(&b"message"[..]);
        self.objects.insert(o.addr(), copy.clone());
        let own = |key: &[u8]| o.borrow().props.contains_key(key);
        if own(b"message") {
            let m = ops::get(agent, &source, b"message")?;
            let m = to_string(agent, &m)?;
            copy.define("message", Value::String(m), attrs::HIDDEN);
        }
        if own(b"cause") {
            let c = ops::get(agent, &source, b"cause")?;
            let c = self.clone_value(agent, &c, depth + 1)?;
            copy.define("cause", c, attrs::HIDDEN);
        }
        Ok(Value::Object(copy))
    }

    /// A `Map` or `Set` with its entries cloned in order.
    fn collection(
        &mut self,
        agent: &mut dyn Agent,
        o: &Obj,
        set: bool,
        entries: Vec<(Value, Value)>,
        depth: usize,
    ) -> JsResult {
        let copy = collections::new_collection(collections::empty(set));
        self.objects.insert(o.addr(), copy.clone());
        for (k, v) in entries {
            let k = self.clone_value(agent, &k, depth + 1)?;
            let v = self.clone_value(agent, &v, depth + 1)?;
            if let Some(data) = copy.borrow_mut().host_mut::<MapData>() {
                data.insert(k, v);
            }
        }
        Ok(Value::Object(copy))
    }
}

/// Defines an own data property as assignment would create it.
fn define(o: &Obj, key: JsStr, v: Value) {
    o.borrow_mut().props.insert(
        key,
        crate::js::value::Prop {
            value: v,
            attrs: attrs::DEFAULT,
        },
    );
}

/// How an object is cloned.
fn shape_of(o: &Obj) -> Shape {
    let data = o.borrow();
    match &data.kind {
        Kind::Function(_) => Shape::Function,
        Kind::Proxy(Some(parts)) if parts.0.is_function() => Shape::Function,
        Kind::Array(items) => Shape::Array(items.len()),
        Kind::Date(t) => Shape::Made(Obj::new(Class::Date, Kind::Date(*t))),
        Kind::Primitive(p @ (Value::Bool(_) | Value::Number(_) | Value::String(_))) => {
            let class = match p {
                Value::Bool(_) => Intrinsic::Boolean,
                Value::Number(_) => Intrinsic::Number,
                _ => Intrinsic::String,
            };
            Shape::Made(Obj::new(Class::Other(class), Kind::Primitive(p.clone())))
        }
        Kind::Primitive(p @ Value::BigInt(_)) => Shape::Made(Obj::new(
            Class::Other(Intrinsic::BigInt),
            Kind::Primitive(p.clone()),
        )),
        Kind::Primitive(Value::Symbol(_)) => Shape::Symbol,
        Kind::ArrayBuffer(b) => Shape::Buffer(b.clone()),
        Kind::Typed(t) => Shape::Typed(t.clone()),
        Kind::Host(_) => {
            if let Some(m) = data.host::<MapData>() {
                return Shape::Map(m.is_set(), m.entries().cloned().collect());
            }
            if let Some(v) = data.host::<DataView>() {
                return Shape::View(v.buffer.clone(), v.offset, v.len);
            }
            drop(data);
            match source_and_flags(&Value::Object(o.clone())) {
                Some((source, flags, regex)) => Shape::Made(with_program(source, flags, regex)),
                None => Shape::Other,
            }
        }
        Kind::Ordinary => match data.class {
            Class::Error(_) => Shape::Error,
            _ => Shape::Plain,
        },
        _ => Shape::Other,
    }
}

/// How V8 shows a function in the `DataCloneError` message.
fn function_text(o: &Obj) -> String {
    let name = match o.borrow().get_own(b"name") {
        Some(Value::String(s)) => s.to_string(),
        _ => String::new(),
    };
    format!("function {name}() {{ [native code] }} could not be cloned.")
}
