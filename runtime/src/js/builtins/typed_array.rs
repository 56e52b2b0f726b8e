//! Typed arrays: `%TypedArray%` (the abstract constructor behind the eleven, with `from` and
//! `of`), the eleven constructors, and `%TypedArray%.prototype` (in [`methods`] and
//! [`reorder`]). A typed array is a view on shared [`crate::js::buffer::Buffer`] storage;
//! `length`, `byteLength`, `byteOffset` and `buffer` are read from the view by
//! [`crate::js::ops`].

mod methods;
#[cfg(test)]
pub(super) mod realm_tests;
mod reorder;

use std::cmp::Ordering;
use std::rc::Rc;

use super::array_buffer::{
    buffer_of, outside_buffer, to_element, to_index, zeroed_bytes, MAX_BYTES,
};
use crate::js::conversions::{display, element_value, iterate, length_of, to_integer};
use crate::js::native::{arg, constructor, define_methods, Method};
use crate::js::number::format;
use crate::js::ops::{self, range_error, type_error, Key};
use crate::js::realm::Realm;
use crate::js::typed::{Element, TypedKind};
use crate::js::value::{
    attrs, Agent, Buffer, Callable, Class, Intrinsic, JsResult, Kind, Obj, TypedArray, Value,
};

const STATICS: &[Method] = &[("from", from), ("of", of)];

pub fn install(realm: &mut Realm) {
    let base_proto = realm.typed_array_proto.clone();
    let abstract_class = Callable::Builtin(|_, _, _| {
        type_error("Abstract class TypedArray not directly constructable")
    });
    let base = Obj::function(abstract_class.clone(), Some(abstract_class));
    base.define("prototype", Value::Object(base_proto.clone()), 0);
    base.define("name", Value::from("TypedArray"), attrs::CONFIGURABLE);
    base.define("length", Value::Number(0.0), attrs::CONFIGURABLE);
    base_proto.define("constructor", Value::Object(base.clone()), attrs::HIDDEN);
    define_methods(&base, STATICS);
    methods::install(realm, &base_proto);
    reorder::install(&base_proto);
    for kind in TypedKind::ALL {
        let proto = realm.proto(Class::Typed(kind));
        let size = Value::Number(kind.size() as f64);
        proto.define("BYTES_PER_ELEMENT", size.clone(), 0);
        let call = Callable::Native(Rc::new(move |_, _, _| {
            type_error(format!("Constructor {} requires 'new'", kind.name()))
        }));
        let make = Callable::Native(Rc::new(move |agent, _, args| make(agent, kind, args)));
        let ctor = constructor(realm, kind.name(), call, make, &proto);
        ctor.define("BYTES_PER_ELEMENT", size, 0);
        ctor.define("name", Value::from(kind.name()), attrs::CONFIGURABLE);
        ctor.define("length", Value::Number(3.0), attrs::CONFIGURABLE);
        ops::set_proto(&ctor, Some(base.clone()));
    }
}

/// The typed array `this`, or the TypeError V8 throws for anything else.
fn this_typed(this: &Value) -> JsResult<TypedArray> {
    ops::typed(this).map_or_else(|| type_error("this is not a typed array."), Ok)
}

/// A fresh zeroed typed array of `len` elements.
fn alloc(kind: TypedKind, len: usize) -> JsResult<TypedArray> {
    if len > MAX_BYTES / kind.size() {
        return range_error(format!("Invalid typed array length: {len}"));
    }
    let bytes = zeroed_bytes(len * kind.size())?;
    Ok(TypedArray::from_bytes(kind, bytes))
}

/// Element `i` as a JS value (undefined out of range).
fn read(t: &TypedArray, i: usize) -> Value {
    let size = t.kind.size();
    let e = t.with(|b| (i < t.len && (i + 1) * size <= b.len()).then(|| t.kind.get(b, i)));
    e.map(element_value).unwrap_or_default()
}

/// The element `i` as stored.
fn element(t: &TypedArray, i: usize) -> Option<Element> {
    let size = t.kind.size();
    t.with(|b| (i < t.len && (i + 1) * size <= b.len()).then(|| t.kind.get(b, i)))
}

/// Stores element `i` (nothing out of range).
fn write(t: &TypedArray, i: usize, e: &Element) {
    let size = t.kind.size();
    t.with(|b| {
        if i < t.len && (i + 1) * size <= b.len() {
            t.kind.set(b, i, e)
        }
    })
}

/// A new typed array of `kind` holding `items`.
fn from_elements(kind: TypedKind, items: &[Element]) -> JsResult {
    let t = alloc(kind, items.len())?;
    for (i, e) in items.iter().enumerate() {
        write(&t, i, e);
    }
    Ok(Value::Object(Obj::typed(t)))
}

/// Every element as stored.
fn elements(t: &TypedArray) -> Vec<Element> {
    (0..t.len).filter_map(|i| element(t, i)).collect()
}

/// `new XArray(length | typedArray | object | buffer, byteOffset, length)`.
fn make(agent: &mut dyn Agent, kind: TypedKind, args: &[Value]) -> JsResult {
    let first = arg(args, 0);
    let array = match &first {
        Value::Object(o) => {
            if let Some(buffer) = buffer_of(&first) {
                over_buffer(agent, kind, buffer, args)?
            } else if let Some(src) = o.typed_array() {
                copy_of(kind, &src)?
            } else {
                let items = collect(agent, &first)?;
                let t = alloc(kind, items.len())?;
                for (i, v) in items.iter().enumerate() {
                    let e = to_element(agent, kind, v)?;
                    write(&t, i, &e);
                }
                t
            }
        }
        v => {
            let n = to_integer(agent, v)?;
            if !(0.0..=9007199254740991.0).contains(&n) {
                return range_error(format!("Invalid typed array length: {}", format(n)));
            }
            alloc(kind, n as usize)?
        }
    };
    Ok(Value::Object(Obj::typed(array)))
}

/// A view of `buffer`: `new XArray(buffer, byteOffset, length)`.
fn over_buffer(
    agent: &mut dyn Agent,
    kind: TypedKind,
    buffer: Rc<Buffer>,
    args: &[Value],
) -> JsResult<TypedArray> {
    let (size, name) = (kind.size(), kind.name());
    let start = arg(args, 1);
    let outside = outside_buffer(&start);
    let offset = to_index(agent, &start, &outside)?;
    if !offset.is_multiple_of(size) {
        return range_error(format!(
            "start offset of {name} should be a multiple of {size}"
        ));
    }
    let total = buffer.len();
    let len = match arg(args, 2) {
        Value::Undefined => {
            if !total.is_multiple_of(size) {
                return range_error(format!(
                    "byte length of {name} should be a multiple of {size}"
                ));
            }
            if offset > total {
                return range_error(outside);
            }
            (total - offset) / size
        }
        v => {
            let n = to_integer(agent, &v)?;
            if n < 0.0 || offset as f64 + n * size as f64 > total as f64 {
                return range_error(format!("Invalid typed array length: {}", format(n)));
            }
            n as usize
        }
    };
    Ok(TypedArray {
        kind,
        buffer,
        offset,
        len,
    })
}

/// Throws unless elements of `from` can be stored into an array of `to` (BigInts and
/// numbers do not mix).
fn check_mix(to: TypedKind, from: TypedKind) -> JsResult<()> {
    if to.is_bigint() != from.is_bigint() {
        return type_error("Cannot mix BigInt and other types, use explicit conversions");
    }
    Ok(())
}

/// `new XArray(typedArray)`: a converted copy.
fn copy_of(kind: TypedKind, src: &TypedArray) -> JsResult<TypedArray> {
    check_mix(kind, src.kind)?;
    if kind == src.kind {
        let bytes = src.with(|b| b.to_vec());
        return Ok(TypedArray::from_bytes(kind, bytes));
    }
    let t = alloc(kind, src.len)?;
    for i in 0..src.len {
        if let Some(e) = element(src, i) {
            write(&t, i, &e);
        }
    }
    Ok(t)
}

/// The values of an iterable, or else of an array-like (`TypedArray.from`, the
/// constructors).
fn collect(agent: &mut dyn Agent, source: &Value) -> JsResult<Vec<Value>> {
    if matches!(source, Value::Undefined | Value::Null) {
        return type_error(format!(
            "object {} is not iterable (cannot read property Symbol(Symbol.iterator))",
            display(agent.realm(), source)
        ));
    }
    let iterator = agent.realm().symbols.iterator.clone();
    let method = ops::get_v(agent, source, Key::Sym(&iterator))?;
    if !matches!(method, Value::Undefined | Value::Null) {
        return iterate(agent, source);
    }
    let object = match source {
        Value::String(_) => Value::Object(Obj::new(
            Class::Other(Intrinsic::String),
            Kind::Primitive(source.clone()),
        )),
        v => v.clone(),
    };
    let len = length_of(agent, &object)?;
    let mut items = Vec::with_capacity(len.min(1 << 16));
    for i in 0..len {
        items.push(ops::get_v(
            agent,
            &object,
            Key::Str(i.to_string().as_bytes()),
        )?);
    }
    Ok(items)
}

/// `TypedArrayCreate(ctor, [len])`: constructs through `ctor` and checks that it made a
/// typed array long enough.
fn create(agent: &mut dyn Agent, ctor: &Value, len: usize) -> JsResult<(Value, TypedArray)> {
    if !ops::is_constructor(ctor) {
        return type_error(format!(
            "{} is not a constructor",
            display(agent.realm(), ctor)
        ));
    }
    let made = ops::construct(agent, ctor, &[Value::Number(len as f64)])?;
    match ops::typed(&made) {
        Some(t) if t.len >= len => Ok((made, t)),
        Some(_) => {
            type_error("Derived TypedArray constructor created an array which was too small")
        }
        None => type_error("this is not a typed array."),
    }
}

/// The function argument of a method that takes a callback.
fn callback(agent: &mut dyn Agent, f: &Value) -> JsResult<Value> {
    if f.is_function() {
        return Ok(f.clone());
    }
    type_error(format!("{} is not a function", display(agent.realm(), f)))
}

/// `XArray.from(source, mapFn, thisArg)`.
fn from(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let map = match arg(args, 1) {
        Value::Undefined => None,
        f => Some(callback(agent, &f)?),
    };
    if !ops::is_constructor(this) {
        return type_error(format!(
            "{} is not a constructor",
            display(agent.realm(), this)
        ));
    }
    let items = collect(agent, &arg(args, 0))?;
    let (made, t) = create(agent, this, items.len())?;
    for (i, v) in items.into_iter().enumerate() {
        let v = match &map {
            Some(f) => ops::call(agent, f, &arg(args, 2), &[v, Value::Number(i as f64)])?,
            None => v,
        };
        let e = to_element(agent, t.kind, &v)?;
        write(&t, i, &e);
    }
    Ok(made)
}

/// `XArray.of(...items)`.
fn of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (made, t) = create(agent, this, args.len())?;
    for (i, v) in args.iter().enumerate() {
        let e = to_element(agent, t.kind, v)?;
        write(&t, i, &e);
    }
    Ok(made)
}

/// The default order of `sort`: numeric, NaN last, -0 before +0; BigInts by value.
fn default_order(a: &Element, b: &Element) -> Ordering {
    match (a, b) {
        (Element::Number(x), Element::Number(y)) => match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ if *x == 0.0 && *y == 0.0 => y.is_sign_negative().cmp(&x.is_sign_negative()),
            _ => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        },
        (Element::BigInt(x), Element::BigInt(y)) => x.cmp(y),
        (Element::Number(_), Element::BigInt(_)) => Ordering::Less,
        (Element::BigInt(_), Element::Number(_)) => Ordering::Greater,
    }
}

/// A stable merge sort whose comparator may throw (a JS comparator can be anything: it may
/// be inconsistent, so Rust's sorts, which may panic then, are not used).
pub fn merge_sort<T: Clone>(
    items: Vec<T>,
    cmp: &mut dyn FnMut(&T, &T) -> JsResult<Ordering>,
) -> JsResult<Vec<T>> {
    let n = items.len();
    let mut src = items;
    let mut width = 1;
    while width < n {
        let mut dst = Vec::with_capacity(n);
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                if cmp(&src[i], &src[j])? == Ordering::Greater {
                    dst.push(src[j].clone());
                    j += 1;
                } else {
                    dst.push(src[i].clone());
                    i += 1;
                }
            }
            dst.extend_from_slice(&src[i..mid]);
            dst.extend_from_slice(&src[j..hi]);
            lo = hi;
        }
        src = dst;
        width *= 2;
    }
    Ok(src)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_sort_is_stable_and_survives_bad_comparators() {
        let items: Vec<(u8, u8)> = vec![(3, 0), (1, 1), (3, 2), (2, 3), (1, 4)];
        let sorted = merge_sort(items.clone(), &mut |a, b| Ok(a.0.cmp(&b.0))).ok();
        let want = vec![(1, 1), (1, 4), (2, 3), (3, 0), (3, 2)];
        assert_eq!(sorted, Some(want));
        let mut flip = false;
        let chaos = merge_sort(items, &mut |_, _| {
            flip = !flip;
            Ok(if flip {
                Ordering::Less
            } else {
                Ordering::Greater
            })
        });
        assert_eq!(chaos.ok().map(|v| v.len()), Some(5));
    }

    #[test]
    fn default_order_puts_nan_last_and_negative_zero_first() {
        let input = [3.0, f64::NAN, 0.0, -0.0, f64::NEG_INFINITY];
        let els: Vec<Element> = input.iter().map(|n| Element::Number(*n)).collect();
        let sorted = merge_sort(els, &mut |a, b| Ok(default_order(a, b))).unwrap_or_default();
        let got: Vec<f64> = sorted
            .into_iter()
            .filter_map(|e| match e {
                Element::Number(n) => Some(n),
                Element::BigInt(_) => None,
            })
            .collect();
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], f64::NEG_INFINITY);
        assert!(got[1] == 0.0 && got[1].is_sign_negative());
        assert!(got[2] == 0.0 && !got[2].is_sign_negative());
        assert_eq!(got[3], 3.0);
        assert!(got[4].is_nan());
    }
}
