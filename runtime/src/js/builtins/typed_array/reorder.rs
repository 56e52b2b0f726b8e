//! `%TypedArray%.prototype`: the methods that move, copy or store elements (`set`, `fill`,
//! `copyWithin`, `slice`, `subarray`, `sort`, `reverse`, `with`, ...).

use std::cmp::Ordering;

use super::{
    check_mix, default_order, element, elements, from_elements, merge_sort, read, this_typed,
    to_element, write,
};
use crate::js::conversions::{element_value, length_of, to_integer, to_number};
use crate::js::native::{arg, define_methods, Method};
use crate::js::ops::{self, range_error, type_error, Key};
use crate::js::typed::Element;
use crate::js::value::{Agent, Class, Intrinsic, JsResult, Kind, Obj, TypedArray, Value};

const PROTO: &[Method] = &[
    ("at", at),
    ("copyWithin", copy_within),
    ("fill", fill),
    ("reverse", reverse),
    ("toReversed", to_reversed),
    ("set", set),
    ("slice", slice),
    ("subarray", subarray),
    ("sort", sort),
    ("toSorted", to_sorted),
    ("with", with),
];

pub fn install(proto: &Obj) {
    define_methods(proto, PROTO);
}

/// A relative index argument (`slice(-2)`): negative counts from `len`, clamped to
/// `0..=len`; undefined gives `default`.
fn relative(agent: &mut dyn Agent, v: &Value, len: usize, default: usize) -> JsResult<usize> {
    if matches!(v, Value::Undefined) {
        return Ok(default);
    }
    let n = to_integer(agent, v)?;
    Ok(if n < 0.0 {
        (len as f64 + n).max(0.0) as usize
    } else {
        n.min(len as f64) as usize
    })
}

/// An index that may count from the end (`at(-1)`), if it falls inside `0..len`.
fn index_from_end(agent: &mut dyn Agent, v: &Value, len: usize) -> JsResult<Option<usize>> {
    let n = to_integer(agent, v)?;
    let k = if n < 0.0 { len as f64 + n } else { n };
    Ok((0.0..len as f64).contains(&k).then_some(k as usize))
}

fn at(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let i = index_from_end(agent, &arg(args, 0), t.len)?;
    Ok(i.map(|i| read(&t, i)).unwrap_or_default())
}

fn copy_within(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let len = t.len;
    let to = relative(agent, &arg(args, 0), len, 0)?;
    let from = relative(agent, &arg(args, 1), len, 0)?;
    let end = relative(agent, &arg(args, 2), len, len)?;
    let count = end.saturating_sub(from).min(len - to);
    if count > 0 {
        let size = t.kind.size();
        t.with(|b| {
            if b.len() >= len * size {
                b.copy_within(from * size..(from + count) * size, to * size)
            }
        });
    }
    Ok(this.clone())
}

fn fill(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let e = to_element(agent, t.kind, &arg(args, 0))?;
    let start = relative(agent, &arg(args, 1), t.len, 0)?;
    let end = relative(agent, &arg(args, 2), t.len, t.len)?;
    for i in start..end {
        write(&t, i, &e);
    }
    Ok(this.clone())
}

fn reverse(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let items = elements(&t);
    for (i, e) in items.iter().rev().enumerate() {
        write(&t, i, e);
    }
    Ok(this.clone())
}

fn to_reversed(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let mut items = elements(&t);
    items.reverse();
    from_elements(t.kind, &items)
}

/// `set(source, offset)`: stores a typed array's elements (read first, so overlapping
/// views copy correctly) or an array-like's converted values from `offset` on.
fn set(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let offset = to_integer(agent, &arg(args, 1))?;
    if offset < 0.0 {
        return range_error("offset is out of bounds");
    }
    let source = arg(args, 0);
    if let Some(src) = ops::typed(&source) {
        check_mix(t.kind, src.kind)?;
        if offset + src.len as f64 > t.len as f64 {
            return range_error("offset is out of bounds");
        }
        for (i, e) in elements(&src).iter().enumerate() {
            write(&t, offset as usize + i, e);
        }
        return Ok(Value::Undefined);
    }
    let source = match source {
        Value::Undefined | Value::Null => {
            return type_error("Cannot convert undefined or null to object")
        }
        s @ Value::String(_) => Value::Object(Obj::new(
            Class::Other(Intrinsic::String),
            Kind::Primitive(s),
        )),
        s => s,
    };
    let len = length_of(agent, &source)?;
    if offset + len as f64 > t.len as f64 {
        return range_error("offset is out of bounds");
    }
    for i in 0..len {
        let v = ops::get_v(agent, &source, Key::Str(i.to_string().as_bytes()))?;
        let e = to_element(agent, t.kind, &v)?;
        write(&t, offset as usize + i, &e);
    }
    Ok(Value::Undefined)
}

/// `slice(start, end)`: a copy of the range in a new buffer.
fn slice(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let start = relative(agent, &arg(args, 0), t.len, 0)?;
    let end = relative(agent, &arg(args, 1), t.len, t.len)?.max(start);
    let items: Vec<Element> = (start..end).filter_map(|i| element(&t, i)).collect();
    from_elements(t.kind, &items)
}

/// `subarray(begin, end)`: a view of the range on the same buffer.
fn subarray(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let start = relative(agent, &arg(args, 0), t.len, 0)?;
    let end = relative(agent, &arg(args, 1), t.len, t.len)?.max(start);
    Ok(Value::Object(Obj::typed(TypedArray {
        offset: t.offset + start * t.kind.size(),
        len: end - start,
        ..t
    })))
}

/// The comparator argument of `sort`/`toSorted`.
fn comparator(v: &Value) -> JsResult<Option<Value>> {
    match v {
        Value::Undefined => Ok(None),
        f if f.is_function() => Ok(Some(f.clone())),
        _ => type_error("The comparison function must be either a function or undefined"),
    }
}

/// The elements of `t` sorted, numerically or by `cmp`.
fn sorted(agent: &mut dyn Agent, t: &TypedArray, cmp: Option<Value>) -> JsResult<Vec<Element>> {
    let items = elements(t);
    let Some(f) = cmp else {
        return merge_sort(items, &mut |a, b| Ok(default_order(a, b)));
    };
    merge_sort(items, &mut |a, b| {
        let args = [element_value(a.clone()), element_value(b.clone())];
        let r = ops::call(agent, &f, &Value::Undefined, &args)?;
        let n = to_number(agent, &r)?;
        Ok(if n < 0.0 {
            Ordering::Less
        } else if n > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        })
    })
}

fn sort(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let cmp = comparator(&arg(args, 0))?;
    let t = this_typed(this)?;
    for (i, e) in sorted(agent, &t, cmp)?.iter().enumerate() {
        write(&t, i, e);
    }
    Ok(this.clone())
}

fn to_sorted(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let cmp = comparator(&arg(args, 0))?;
    let t = this_typed(this)?;
    let items = sorted(agent, &t, cmp)?;
    from_elements(t.kind, &items)
}

/// `with(index, value)`: a copy with one element replaced.
fn with(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let n = to_integer(agent, &arg(args, 0))?;
    let e = to_element(agent, t.kind, &arg(args, 1))?;
    let k = if n < 0.0 { t.len as f64 + n } else { n };
    if !(0.0..t.len as f64).contains(&k) {
        return range_error("Invalid typed array index");
    }
    let mut items = elements(&t);
    if let Some(slot) = items.get_mut(k as usize) {
        *slot = e;
    }
    from_elements(t.kind, &items)
}
