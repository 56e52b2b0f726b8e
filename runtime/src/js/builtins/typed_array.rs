//! Typed arrays: the nine constructors and `%TypedArray%.prototype`.

use std::rc::Rc;

use crate::js::native::{arg, constructor, define_methods, relative, Method};
use crate::js::ops::{self, range_error, type_error};
use crate::js::realm::Realm;
use crate::js::typed::TypedKind;
use crate::js::value::{attrs, Agent, Callable, Class, JsResult, Obj, TypedArray, Value};

const PROTO: &[Method] = &[
    ("subarray", subarray),
    ("slice", slice),
    ("fill", fill),
    ("set", set),
    ("toString", to_string),
];

pub fn install(realm: &mut Realm) {
    define_methods(&realm.typed_array_proto.clone(), PROTO);
    for kind in TypedKind::ALL {
        let proto = realm.proto(Class::Typed(kind));
        let size = Value::Number(kind.size() as f64);
        proto.define("BYTES_PER_ELEMENT", size.clone(), 0);
        let call = Callable::Native(Rc::new(move |_, _, _| {
            type_error(format!("Constructor {} requires 'new'", kind.name()))
        }));
        let make = Callable::Native(Rc::new(move |agent, _, args| make(agent, kind, args)));
        let ctor = constructor(realm, kind.name(), call, make, &proto);
        ctor.define("BYTES_PER_ELEMENT", size, attrs::HIDDEN & !attrs::WRITABLE);
    }
}

/// Reads the numbers of an array-like object (`length` and indices).
pub fn numbers_of(agent: &mut dyn Agent, source: &Value) -> JsResult<Vec<f64>> {
    if let Some(t) = ops::typed(source) {
        return Ok(t.numbers());
    }
    let len = crate::js::conversions::length(agent, source)?;
    let len = if len.is_nan() { 0 } else { len as usize };
    let mut v = Vec::with_capacity(len.min(1 << 20));
    for i in 0..len {
        let item = ops::get(agent, source, i.to_string().as_bytes())?;
        v.push(item.to_number());
    }
    Ok(v)
}

/// `new XArray(length | arrayLike)`.
fn make(agent: &mut dyn Agent, kind: TypedKind, args: &[Value]) -> JsResult {
    let array = match arg(args, 0) {
        Value::Undefined => TypedArray::zeroed(kind, 0),
        Value::Number(n) => {
            if n.fract() != 0.0 || n < 0.0 || n > (1u64 << 32) as f64 {
                return range_error(format!(
                    "Invalid typed array length: {}",
                    crate::js::number::format(n)
                ));
            }
            TypedArray::zeroed(kind, n as usize)
        }
        source @ Value::Object(_) => {
            let items = numbers_of(agent, &source)?;
            let t = TypedArray::zeroed(kind, items.len());
            for (i, n) in items.into_iter().enumerate() {
                t.set_number(i, n);
            }
            t
        }
        _ => TypedArray::zeroed(kind, 0),
    };
    Ok(Value::Object(Obj::typed(array)))
}

fn this_typed(this: &Value) -> JsResult<TypedArray> {
    ops::typed(this).map_or_else(|| type_error("this is not a typed array"), Ok)
}

fn subarray(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let start = relative(&arg(args, 0), t.len, 0);
    let end = relative(&arg(args, 1), t.len, t.len).max(start);
    Ok(Value::Object(Obj::typed(TypedArray {
        offset: t.offset + start * t.kind.size(),
        len: end - start,
        ..t
    })))
}

fn slice(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let start = relative(&arg(args, 0), t.len, 0);
    let end = relative(&arg(args, 1), t.len, t.len).max(start);
    let size = t.kind.size();
    let bytes = t.with(|b| b[start * size..end * size].to_vec());
    Ok(Value::Object(Obj::typed(TypedArray::from_bytes(
        t.kind, bytes,
    ))))
}

fn fill(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let v = arg(args, 0).to_number();
    let start = relative(&arg(args, 1), t.len, 0);
    let end = relative(&arg(args, 2), t.len, t.len);
    for i in start..end {
        t.set_number(i, v);
    }
    Ok(this.clone())
}

fn set(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let offset = relative(&arg(args, 1), usize::MAX, 0);
    let items = numbers_of(agent, &arg(args, 0))?;
    if offset.saturating_add(items.len()) > t.len {
        return range_error("offset is out of bounds");
    }
    for (i, n) in items.into_iter().enumerate() {
        t.set_number(offset + i, n);
    }
    Ok(Value::Undefined)
}

fn to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let parts: Vec<String> = t
        .numbers()
        .into_iter()
        .map(crate::js::number::format)
        .collect();
    Ok(Value::from(parts.join(",")))
}
