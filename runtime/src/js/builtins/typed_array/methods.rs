//! `%TypedArray%.prototype`: the methods that visit elements (callbacks, searches, strings,
//! iterators) and the `[Symbol.toStringTag]` getter.

use super::to_element;
use super::{alloc, callback, element, from_elements, read, this_typed, write};
use crate::js::builtins::iterators::{iterator, Source, Yield};
use crate::js::conversions::{to_integer, to_string};
use crate::js::native::{arg, builtin, define_methods, Method};
use crate::js::ops::{self, type_error, Key};
use crate::js::realm::Realm;
use crate::js::string::JsStrBuilder;
use crate::js::typed::Element;
use crate::js::value::{attrs, Agent, Intrinsic, JsResult, Obj, Value};

const PROTO: &[Method] = &[
    ("entries", |_, t, _| iterate(t, Yield::Entries)),
    ("keys", |_, t, _| iterate(t, Yield::Keys)),
    ("values", |_, t, _| iterate(t, Yield::Values)),
    ("forEach", for_each),
    ("every", every),
    ("some", some),
    ("find", |a, t, x| find(a, t, x, false, false)),
    ("findIndex", |a, t, x| find(a, t, x, false, true)),
    ("findLast", |a, t, x| find(a, t, x, true, false)),
    ("findLastIndex", |a, t, x| find(a, t, x, true, true)),
    ("map", map),
    ("filter", filter),
    ("reduce", |a, t, x| reduce(a, t, x, false)),
    ("reduceRight", |a, t, x| reduce(a, t, x, true)),
    ("includes", includes),
    ("indexOf", index_of),
    ("lastIndexOf", last_index_of),
    ("join", join),
    ("toString", |a, t, _| join(a, t, &[])),
    ("toLocaleString", to_locale_string),
];

pub fn install(realm: &mut Realm, proto: &Obj) {
    define_methods(proto, PROTO);
    let iterator_sym = realm.symbols.iterator.clone();
    proto.define_symbol(&iterator_sym, proto.own("values"), attrs::HIDDEN);
    let tag = realm.symbols.to_string_tag.clone();
    let getter = Obj::new(
        crate::js::value::Class::Object,
        crate::js::value::Kind::Accessor(Box::new((builtin(string_tag), Value::Undefined))),
    );
    proto.define_symbol(
        &tag,
        Value::Object(getter),
        attrs::CONFIGURABLE | attrs::ACCESSOR,
    );
}

/// `[Symbol.toStringTag]`: the constructor's name for typed arrays, else undefined.
fn string_tag(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(ops::typed(this)
        .map(|t| Value::from(t.kind.name()))
        .unwrap_or_default())
}

fn iterate(this: &Value, yields: Yield) -> JsResult {
    this_typed(this)?;
    Ok(iterator(
        Intrinsic::ArrayIterator,
        Source::ArrayLike(this.clone()),
        yields,
    ))
}

/// When a scan stops.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Never,
    OnTruthy,
    OnFalsy,
}

/// Calls `callback(element, index, array)` for each element (last first when `backwards`)
/// until `stop` says so; the index and element it stopped at.
fn scan(
    agent: &mut dyn Agent,
    this: &Value,
    args: &[Value],
    backwards: bool,
    stop: Stop,
) -> JsResult<Option<(usize, Value)>> {
    let t = this_typed(this)?;
    let f = callback(agent, &arg(args, 0))?;
    let this_arg = arg(args, 1);
    for k in 0..t.len {
        let i = if backwards { t.len - 1 - k } else { k };
        let v = read(&t, i);
        let r = ops::call(
            agent,
            &f,
            &this_arg,
            &[v.clone(), Value::Number(i as f64), this.clone()],
        )?;
        let hit = match stop {
            Stop::Never => false,
            Stop::OnTruthy => r.truthy(),
            Stop::OnFalsy => !r.truthy(),
        };
        if hit {
            return Ok(Some((i, v)));
        }
    }
    Ok(None)
}

fn for_each(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    scan(agent, this, args, false, Stop::Never)?;
    Ok(Value::Undefined)
}

fn every(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(
        scan(agent, this, args, false, Stop::OnFalsy)?.is_none(),
    ))
}

fn some(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(
        scan(agent, this, args, false, Stop::OnTruthy)?.is_some(),
    ))
}

fn find(agent: &mut dyn Agent, this: &Value, args: &[Value], last: bool, index: bool) -> JsResult {
    let found = scan(agent, this, args, last, Stop::OnTruthy)?;
    Ok(match (found, index) {
        (Some((i, _)), true) => Value::Number(i as f64),
        (Some((_, v)), false) => v,
        (None, true) => Value::Number(-1.0),
        (None, false) => Value::Undefined,
    })
}

/// `map(f)`: a new array of the same kind holding the converted results.
fn map(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let f = callback(agent, &arg(args, 0))?;
    let out = alloc(t.kind, t.len)?;
    for i in 0..t.len {
        let v = read(&t, i);
        let r = ops::call(
            agent,
            &f,
            &arg(args, 1),
            &[v, Value::Number(i as f64), this.clone()],
        )?;
        let e = to_element(agent, t.kind, &r)?;
        write(&out, i, &e);
    }
    Ok(Value::Object(Obj::typed(out)))
}

/// `filter(f)`: a new array of the same kind holding the elements `f` keeps.
fn filter(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let f = callback(agent, &arg(args, 0))?;
    let mut kept: Vec<Element> = Vec::new();
    for i in 0..t.len {
        let Some(e) = element(&t, i) else { continue };
        let v = crate::js::conversions::element_value(e.clone());
        let r = ops::call(
            agent,
            &f,
            &arg(args, 1),
            &[v, Value::Number(i as f64), this.clone()],
        )?;
        if r.truthy() {
            kept.push(e);
        }
    }
    from_elements(t.kind, &kept)
}

fn reduce(agent: &mut dyn Agent, this: &Value, args: &[Value], right: bool) -> JsResult {
    let t = this_typed(this)?;
    let f = callback(agent, &arg(args, 0))?;
    let mut order: Box<dyn Iterator<Item = usize>> = if right {
        Box::new((0..t.len).rev())
    } else {
        Box::new(0..t.len)
    };
    let mut acc = match args.get(1) {
        Some(v) => v.clone(),
        None => match order.next() {
            Some(i) => read(&t, i),
            None => return type_error("Reduce of empty array with no initial value"),
        },
    };
    for i in order {
        let v = read(&t, i);
        acc = ops::call(
            agent,
            &f,
            &Value::Undefined,
            &[acc, v, Value::Number(i as f64), this.clone()],
        )?;
    }
    Ok(acc)
}

/// The start of a forward search: `fromIndex` relative to `len`, clamped at 0.
fn from_index(agent: &mut dyn Agent, v: &Value, len: usize) -> JsResult<usize> {
    let n = to_integer(agent, v)?;
    Ok(if n < 0.0 {
        (len as f64 + n).max(0.0) as usize
    } else {
        n.min(len as f64) as usize
    })
}

fn includes(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let start = from_index(agent, &arg(args, 1), t.len)?;
    let needle = arg(args, 0);
    Ok(Value::Bool(
        (start..t.len).any(|i| read(&t, i).same_value_zero(&needle)),
    ))
}

fn index_of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let start = from_index(agent, &arg(args, 1), t.len)?;
    let needle = arg(args, 0);
    let found = (start..t.len).find(|&i| read(&t, i).strict_eq(&needle));
    Ok(Value::Number(found.map_or(-1.0, |i| i as f64)))
}

fn last_index_of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    if t.len == 0 {
        return Ok(Value::Number(-1.0));
    }
    let last = match args.get(1) {
        None => t.len as f64 - 1.0,
        Some(v) => {
            let n = to_integer(agent, v)?;
            if n < 0.0 {
                t.len as f64 + n
            } else {
                n.min(t.len as f64 - 1.0)
            }
        }
    };
    if last < 0.0 {
        return Ok(Value::Number(-1.0));
    }
    let needle = arg(args, 0);
    let found = (0..=last as usize)
        .rev()
        .find(|&i| read(&t, i).strict_eq(&needle));
    Ok(Value::Number(found.map_or(-1.0, |i| i as f64)))
}

/// `join(separator)`: the elements as strings (BigInts without the `n`).
fn join(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let sep = match arg(args, 0) {
        Value::Undefined => crate::js::string::JsStr::from(","),
        v => to_string(agent, &v)?,
    };
    let mut out = JsStrBuilder::new();
    for i in 0..t.len {
        if i > 0 {
            out.push_js(&sep);
        }
        if let Some(s) = read(&t, i).primitive_string() {
            out.push_js(&s);
        }
    }
    Ok(Value::String(out.finish()))
}

/// `toLocaleString()`: each element's `toLocaleString()`, joined with commas.
fn to_locale_string(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_typed(this)?;
    let mut out = JsStrBuilder::new();
    for i in 0..t.len {
        if i > 0 {
            out.push_unit(b',' as u16);
        }
        let v = read(&t, i);
        let f = ops::get_v(agent, &v, Key::Str(b"toLocaleString"))?;
        let s = if f.is_function() {
            ops::call(agent, &f, &v, &[])?
        } else {
            v
        };
        out.push_js(&to_string(agent, &s)?);
    }
    Ok(Value::String(out.finish()))
}
