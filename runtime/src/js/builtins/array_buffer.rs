//! `ArrayBuffer` and `DataView`: raw storage shared by views, and the view that reads and
//! writes numbers of any width at any offset in either byte order.

use std::rc::Rc;

use crate::js::conversions::{element_value, to_integer, to_primitive, Hint};
use crate::js::native::{arg, builtin, constructor, define_methods, relative, Method};
use crate::js::ops::{range_error, type_error};
use crate::js::realm::Realm;
use crate::js::typed::{Element, TypedKind};
use crate::js::value::{
    attrs, buffer_object, Agent, Buffer, Callable, Class, Intrinsic, JsResult, Kind, Obj, Value,
};

/// The most bytes one buffer may hold; more is "Array buffer allocation failed".
pub const MAX_BYTES: usize = 1 << 32;

/// The state of a `DataView`: a byte range of a buffer.
pub struct DataView {
    /// The storage viewed.
    pub buffer: Rc<Buffer>,
    /// Where the view starts.
    pub offset: usize,
    /// How many bytes it covers.
    pub len: usize,
}

impl DataView {
    /// A copy of the viewed bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let bytes = self.buffer.bytes();
        let end = (self.offset + self.len).min(bytes.len());
        bytes[self.offset.min(end)..end].to_vec()
    }
}

const BUFFER_STATICS: &[Method] = &[("isView", is_view)];

const BUFFER_PROTO: &[Method] = &[("slice", slice)];

const VIEW_PROTO: &[Method] = &[
    ("getInt8", |a, t, x| get(a, t, x, TypedKind::Int8)),
    ("getUint8", |a, t, x| get(a, t, x, TypedKind::Uint8)),
    ("getInt16", |a, t, x| get(a, t, x, TypedKind::Int16)),
    ("getUint16", |a, t, x| get(a, t, x, TypedKind::Uint16)),
    ("getInt32", |a, t, x| get(a, t, x, TypedKind::Int32)),
    ("getUint32", |a, t, x| get(a, t, x, TypedKind::Uint32)),
    ("getFloat32", |a, t, x| get(a, t, x, TypedKind::Float32)),
    ("getFloat64", |a, t, x| get(a, t, x, TypedKind::Float64)),
    ("getBigInt64", |a, t, x| get(a, t, x, TypedKind::BigInt64)),
    ("getBigUint64", |a, t, x| get(a, t, x, TypedKind::BigUint64)),
    ("setInt8", |a, t, x| set(a, t, x, TypedKind::Int8)),
    ("setUint8", |a, t, x| set(a, t, x, TypedKind::Uint8)),
    ("setInt16", |a, t, x| set(a, t, x, TypedKind::Int16)),
    ("setUint16", |a, t, x| set(a, t, x, TypedKind::Uint16)),
    ("setInt32", |a, t, x| set(a, t, x, TypedKind::Int32)),
    ("setUint32", |a, t, x| set(a, t, x, TypedKind::Uint32)),
    ("setFloat32", |a, t, x| set(a, t, x, TypedKind::Float32)),
    ("setFloat64", |a, t, x| set(a, t, x, TypedKind::Float64)),
    ("setBigInt64", |a, t, x| set(a, t, x, TypedKind::BigInt64)),
    ("setBigUint64", |a, t, x| set(a, t, x, TypedKind::BigUint64)),
];

pub fn install(realm: &mut Realm) {
    let tag = realm.symbols.to_string_tag.clone();
    let proto = realm.proto(Class::Other(Intrinsic::ArrayBuffer));
    define_methods(&proto, BUFFER_PROTO);
    proto.define_symbol(&tag, Value::from("ArrayBuffer"), attrs::CONFIGURABLE);
    let getter = |name: &str, f: crate::js::value::Builtin| {
        proto.define_accessor(name, builtin(f), Value::Undefined, attrs::CONFIGURABLE)
    };
    getter("byteLength", |_, t, _| {
        this_buffer(t, "get ArrayBuffer.prototype.byteLength").map(|b| (b.len() as f64).into())
    });
    getter("maxByteLength", |_, t, _| {
        this_buffer(t, "get ArrayBuffer.prototype.maxByteLength").map(|b| (b.len() as f64).into())
    });
    getter("resizable", |_, t, _| {
        this_buffer(t, "get ArrayBuffer.prototype.resizable").map(|_| false.into())
    });
    getter("detached", |_, t, _| {
        this_buffer(t, "get ArrayBuffer.prototype.detached").map(|_| false.into())
    });
    let requires_new = |_: &mut dyn Agent, _: &Value, _: &[Value]| {
        type_error("Constructor ArrayBuffer requires 'new'")
    };
    let ctor = constructor(
        realm,
        "ArrayBuffer",
        Callable::Builtin(requires_new),
        Callable::Builtin(make_buffer),
        &proto,
    );
    ctor.define("name", Value::from("ArrayBuffer"), attrs::CONFIGURABLE);
    define_methods(&ctor, BUFFER_STATICS);
    install_data_view(realm);
}

fn install_data_view(realm: &mut Realm) {
    let tag = realm.symbols.to_string_tag.clone();
    let proto = realm.proto(Class::Other(Intrinsic::DataView));
    define_methods(&proto, VIEW_PROTO);
    proto.define_symbol(&tag, Value::from("DataView"), attrs::CONFIGURABLE);
    let getter = |name: &str, f: crate::js::value::Builtin| {
        proto.define_accessor(name, builtin(f), Value::Undefined, attrs::CONFIGURABLE)
    };
    getter("buffer", |_, t, _| {
        let v = this_view(t, "get DataView.prototype.buffer")?;
        Ok(Value::Object(buffer_object(&v.0)))
    });
    getter("byteLength", |_, t, _| {
        Ok((this_view(t, "get DataView.prototype.byteLength")?.2 as f64).into())
    });
    getter("byteOffset", |_, t, _| {
        Ok((this_view(t, "get DataView.prototype.byteOffset")?.1 as f64).into())
    });
    let requires_new = |_: &mut dyn Agent, _: &Value, _: &[Value]| {
        type_error("Constructor DataView requires 'new'")
    };
    let ctor = constructor(
        realm,
        "DataView",
        Callable::Builtin(requires_new),
        Callable::Builtin(make_view),
        &proto,
    );
    ctor.define("name", Value::from("DataView"), attrs::CONFIGURABLE);
}

/// `ToIndex(v)`: an integer in `0..=2^53-1`, or a RangeError with `message`.
pub fn to_index(agent: &mut dyn Agent, v: &Value, message: &str) -> JsResult<usize> {
    if matches!(v, Value::Undefined) {
        return Ok(0);
    }
    let n = to_integer(agent, v)?;
    if !(0.0..=9007199254740991.0).contains(&n) {
        return range_error(message);
    }
    Ok(n as usize)
}

/// `len` zero bytes, or the RangeError V8 throws when that much cannot be had.
pub fn zeroed_bytes(len: usize) -> JsResult<Vec<u8>> {
    let mut bytes = Vec::new();
    crate::js::heap::reserve(len)?;
    if len > MAX_BYTES || bytes.try_reserve_exact(len).is_err() {
        return range_error("Array buffer allocation failed");
    }
    bytes.resize(len, 0);
    Ok(bytes)
}

/// The storage of an `ArrayBuffer` object.
pub fn buffer_of(v: &Value) -> Option<Rc<Buffer>> {
    match &v.as_object()?.borrow().kind {
        Kind::ArrayBuffer(b) => Some(b.clone()),
        _ => None,
    }
}

/// A copy of the bytes of an `ArrayBuffer`, a typed array or a `DataView` (what Web APIs
/// call a `BufferSource`).
pub fn source_bytes(v: &Value) -> Option<Vec<u8>> {
    let o = v.as_object()?;
    let data = o.borrow();
    match &data.kind {
        Kind::ArrayBuffer(b) => Some(b.bytes().clone()),
        Kind::Typed(t) => Some(t.with(|b| b.to_vec())),
        _ => data.host::<DataView>().map(DataView::to_vec),
    }
}

/// "Start offset N is outside the bounds of the buffer", for an offset argument.
pub fn outside_buffer(start: &Value) -> String {
    let text = match start {
        Value::Number(n) => crate::js::number::format(*n),
        v => v.primitive_string().unwrap_or_default().to_string(),
    };
    format!("Start offset {text} is outside the bounds of the buffer")
}

/// A description of a receiver for "incompatible receiver" messages.
pub fn receiver_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Object(o) if o.is_array() => "[object Array]".into(),
        Value::Object(_) => "#<Object>".into(),
        Value::Symbol(_) => "Symbol()".into(),
        v => v.primitive_string().unwrap_or_default().to_string(),
    }
}

fn this_buffer(this: &Value, method: &str) -> JsResult<Rc<Buffer>> {
    match buffer_of(this) {
        Some(b) => Ok(b),
        None => type_error(format!(
            "Method {method} called on incompatible receiver {}",
            receiver_text(this)
        )),
    }
}

/// `new ArrayBuffer(length)`.
fn make_buffer(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let len = to_index(agent, &arg(args, 0), "Invalid array buffer length")?;
    let bytes = zeroed_bytes(len)?;
    Ok(Value::Object(buffer_object(&Buffer::new(bytes))))
}

fn is_view(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let view = arg(args, 0).as_object().is_some_and(|o| {
        let data = o.borrow();
        matches!(data.kind, Kind::Typed(_)) || data.host::<DataView>().is_some()
    });
    Ok(Value::Bool(view))
}

/// `buffer.slice(start, end)`: a new buffer holding a copy of the range.
fn slice(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let buffer = this_buffer(this, "ArrayBuffer.prototype.slice")?;
    let len = buffer.len();
    let start = relative(&integer_arg(agent, args, 0)?, len, 0);
    let end = relative(&integer_arg(agent, args, 1)?, len, len).max(start);
    let end = end.min(buffer.len());
    let copy = buffer.bytes()[start.min(end)..end].to_vec();
    Ok(Value::Object(buffer_object(&Buffer::new(copy))))
}

/// Argument `i` as a number (running `valueOf`), undefined left as it is.
pub fn integer_arg(agent: &mut dyn Agent, args: &[Value], i: usize) -> JsResult {
    match arg(args, i) {
        Value::Undefined => Ok(Value::Undefined),
        v => Ok(Value::Number(crate::js::conversions::to_number(agent, &v)?)),
    }
}

/// `new DataView(buffer, byteOffset, byteLength)`.
fn make_view(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let Some(buffer) = buffer_of(&arg(args, 0)) else {
        return type_error("First argument to DataView constructor must be an ArrayBuffer");
    };
    let start = arg(args, 1);
    let bounds = outside_buffer(&start);
    let offset = to_index(agent, &start, &bounds)?;
    if offset > buffer.len() {
        return range_error(bounds);
    }
    let len = match arg(args, 2) {
        Value::Undefined => buffer.len() - offset,
        v => {
            let n = to_integer(agent, &v)?;
            if n < 0.0 || offset as f64 + n > buffer.len() as f64 {
                return range_error(format!(
                    "Invalid DataView length {}",
                    crate::js::number::format(n)
                ));
            }
            n as usize
        }
    };
    let view = DataView {
        buffer,
        offset,
        len,
    };
    Ok(Value::Object(Obj::host(Intrinsic::DataView, view)))
}

/// The buffer, offset and length of the `DataView` `this`.
fn this_view(this: &Value, method: &str) -> JsResult<(Rc<Buffer>, usize, usize)> {
    let found = this.as_object().and_then(|o| {
        let data = o.borrow();
        data.host::<DataView>()
            .map(|v| (v.buffer.clone(), v.offset, v.len))
    });
    match found {
        Some(v) => Ok(v),
        None => type_error(format!(
            "Method {method} called on incompatible receiver {}",
            receiver_text(this)
        )),
    }
}

/// `getInt8` ... `getBigUint64` for a kind.
fn method_name(prefix: &str, kind: TypedKind) -> String {
    format!(
        "DataView.prototype.{prefix}{}",
        kind.name().trim_end_matches("Array")
    )
}

const OUTSIDE: &str = "Offset is outside the bounds of the DataView";

/// `view.getX(byteOffset, littleEndian)`.
fn get(agent: &mut dyn Agent, this: &Value, args: &[Value], kind: TypedKind) -> JsResult {
    let (buffer, offset, len) = this_view(this, &method_name("get", kind))?;
    let index = to_index(agent, &arg(args, 0), OUTSIDE)?;
    let little = arg(args, 1).truthy();
    let size = kind.size();
    if index.saturating_add(size) > len {
        return range_error(OUTSIDE);
    }
    let mut tmp = [0u8; 8];
    {
        let bytes = buffer.bytes();
        let start = offset + index;
        let Some(src) = bytes.get(start..start + size) else {
            return range_error(OUTSIDE);
        };
        tmp[..size].copy_from_slice(src);
    }
    if !little {
        tmp[..size].reverse();
    }
    Ok(element_value(kind.get(&tmp[..size], 0)))
}

/// `view.setX(byteOffset, value, littleEndian)`.
fn set(agent: &mut dyn Agent, this: &Value, args: &[Value], kind: TypedKind) -> JsResult {
    let (buffer, offset, len) = this_view(this, &method_name("set", kind))?;
    let index = to_index(agent, &arg(args, 0), OUTSIDE)?;
    let value = to_element(agent, kind, &arg(args, 1))?;
    let little = arg(args, 2).truthy();
    let size = kind.size();
    if index.saturating_add(size) > len {
        return range_error(OUTSIDE);
    }
    let mut tmp = [0u8; 8];
    kind.set(&mut tmp[..size], 0, &value);
    if !little {
        tmp[..size].reverse();
    }
    let mut bytes = buffer.bytes();
    let start = offset + index;
    match bytes.get_mut(start..start + size) {
        Some(dst) => dst.copy_from_slice(&tmp[..size]),
        None => return range_error(OUTSIDE),
    }
    Ok(Value::Undefined)
}

/// A JS value as an element of `kind`, as assignment converts it: `ToNumber` (running
/// `valueOf`) for the number kinds, `ToBigInt` for the 64-bit integer kinds.
pub fn to_element(agent: &mut dyn Agent, kind: TypedKind, v: &Value) -> JsResult<Element> {
    let p = to_primitive(agent, v, Hint::Number)?;
    if let Value::Symbol(_) = p {
        if !kind.is_bigint() {
            return type_error("Cannot convert a Symbol value to a number");
        }
    }
    crate::js::conversions::element_of(kind, &p)
}
