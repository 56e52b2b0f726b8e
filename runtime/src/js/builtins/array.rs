//! `Array`: the constructor, `Array.from`/`of`/`isArray`, and `Array.prototype`. Methods
//! work on real arrays through their storage and on other array-likes through `length` and
//! indexed properties, as JS's generic methods do.

mod callbacks;
mod reshape;
mod search;
mod sort;
mod timsort;

use super::iterators::{iterator, Source, Yield};
use super::object::to_object;
use crate::js::conversions::{self, length_of, to_integer};
use crate::js::native::{arg, builtin, constructor, define_methods, relative, Method};
use crate::js::ops::{self, range_error, type_error, Key};
use crate::js::realm::Realm;
use crate::js::string::{JsStr, JsStrBuilder};
use crate::js::value::{attrs, Agent, Callable, Class, Intrinsic, JsResult, Kind, Obj, Value};

const STATICS: &[Method] = &[("isArray", is_array), ("from", from), ("of", of)];

const PROTO: &[Method] = &[
    ("entries", |_, t, _| iterate(t, Yield::Entries)),
    ("keys", |_, t, _| iterate(t, Yield::Keys)),
    ("join", join),
    ("toString", to_string),
    ("toLocaleString", to_string),
    ("pop", pop),
    ("push", push),
    ("shift", shift),
    ("unshift", unshift),
    ("reverse", reverse),
    ("toReversed", to_reversed),
    ("slice", slice),
];

/// Installs `Array` and `Array.prototype`.
pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Array);
    define_methods(&proto, PROTO);
    define_methods(&proto, callbacks::METHODS);
    define_methods(&proto, reshape::METHODS);
    define_methods(&proto, search::METHODS);
    define_methods(&proto, sort::METHODS);
    let values = builtin(|_, t, _| iterate(t, Yield::Values));
    proto.define("values", values.clone(), attrs::HIDDEN);
    let iter = realm.symbols.iterator.clone();
    proto.define_symbol(&iter, values, attrs::HIDDEN);
    let ctor = constructor(
        realm,
        "Array",
        Callable::Builtin(make),
        Callable::Builtin(make),
        &proto,
    );
    define_methods(&ctor, STATICS);
}

/// `Array(n)` makes `n` holes (undefined here); `Array(a, b, ...)` an array of the arguments.
fn make(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Object(match args {
        [Value::Number(n)] => {
            if n.fract() != 0.0 || *n < 0.0 || *n >= 4294967296.0 {
                return range_error("Invalid array length");
            }
            Obj::array(vec![Value::Undefined; dense(*n as usize)?])
        }
        _ => Obj::array(args.to_vec()),
    }))
}

fn is_array(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(is_array_value(&arg(args, 0))))
}

/// `IsArray(v)`: an array, or a proxy of one.
pub fn is_array_value(v: &Value) -> bool {
    match v {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Array(_) => true,
            Kind::Proxy(Some(parts)) => is_array_value(&Value::Object(parts.0.clone())),
            _ => false,
        },
        _ => false,
    }
}

pub use crate::js::ops::dense;

/// A new array value.
fn array(items: Vec<Value>) -> JsResult {
    Ok(Value::Object(Obj::array(items)))
}

/// V8's name for a value in "... is not a function".
pub fn describe(agent: &mut dyn Agent, v: &Value) -> String {
    match v {
        Value::Object(o) if o.is_array() => "[object Array]".into(),
        Value::Object(o) if o.is_function() => {
            let name = ops::get_data(agent.realm(), o, b"name").ok().flatten();
            let name = name.and_then(|n| n.primitive_string()).unwrap_or_default();
            format!("function {name}() {{ [native code] }}")
        }
        Value::Object(_) => "#<Object>".into(),
        v => conversions::display(agent.realm(), v),
    }
}

/// A callback argument, which must be callable.
pub fn callback(agent: &mut dyn Agent, v: &Value) -> JsResult<Value> {
    if v.is_function() {
        return Ok(v.clone());
    }
    let shown = describe(agent, v);
    type_error(format!("{shown} is not a function"))
}

/// `this` as an object value (`ToObject`).
fn this_object(this: &Value) -> JsResult<Value> {
    Ok(Value::Object(to_object(this)?))
}

/// Element `k` of an array-like.
pub fn get_index(agent: &mut dyn Agent, o: &Value, k: usize) -> JsResult {
    if let Value::Object(obj) = o {
        if let Kind::Array(items) = &obj.borrow().kind {
            return Ok(items.get(k).cloned().unwrap_or_default());
        }
    }
    ops::get_v(agent, o, Key::Str(k.to_string().as_bytes()))
}

/// Does an array-like have element `k`?
pub fn has_index(agent: &mut dyn Agent, o: &Value, k: usize) -> JsResult<bool> {
    if let Value::Object(obj) = o {
        if let Kind::Array(items) = &obj.borrow().kind {
            return Ok(k < items.len());
        }
    }
    ops::has(agent, o, Key::Str(k.to_string().as_bytes()))
}

/// The elements of an array-like, copied out.
pub fn elements(agent: &mut dyn Agent, o: &Value) -> JsResult<Vec<Value>> {
    if let Value::Object(obj) = o {
        if let Kind::Array(items) = &obj.borrow().kind {
            return Ok(items.clone());
        }
    }
    let len = dense(length_of(agent, o)?)?;
    (0..len).map(|k| get_index(agent, o, k)).collect()
}

fn read_only<T>() -> JsResult<T> {
    type_error("Cannot assign to read only property '0' of object '[object Array]'")
}

/// Replaces the elements of an array-like with `items` (an array's storage, or indices and
/// `length` of another object).
pub fn store(agent: &mut dyn Agent, o: &Value, items: Vec<Value>) -> JsResult<()> {
    if let Value::Object(obj) = o {
        let mut data = obj.borrow_mut();
        let frozen = data.frozen;
        if let Kind::Array(storage) = &mut data.kind {
            if frozen {
                return read_only();
            }
            *storage = items;
            return Ok(());
        }
    }
    let old = length_of(agent, o)?;
    let len = items.len();
    for (k, v) in items.into_iter().enumerate() {
        if !ops::set(agent, o, k.to_string().as_bytes(), v)? {
            return read_only();
        }
    }
    for k in len..old {
        ops::delete(agent, o, Key::Str(k.to_string().as_bytes()))?;
    }
    ops::set(agent, o, b"length", Value::Number(len as f64))?;
    Ok(())
}

/// Runs `f` on the elements of `this` and stores them back: in place for a real array,
/// through [`elements`] and [`store`] otherwise. `f` must not run JS code.
pub fn mutate<R>(
    agent: &mut dyn Agent,
    this: &Value,
    f: impl FnOnce(&mut Vec<Value>) -> R,
) -> JsResult<R> {
    let o = this_object(this)?;
    if let Value::Object(obj) = &o {
        let mut data = obj.borrow_mut();
        let frozen = data.frozen;
        if let Kind::Array(items) = &mut data.kind {
            if frozen {
                return read_only();
            }
            return Ok(f(items));
        }
    }
    let mut items = elements(agent, &o)?;
    let r = f(&mut items);
    store(agent, &o, items)?;
    Ok(r)
}

fn iterate(this: &Value, yields: Yield) -> JsResult {
    let o = this_object(this)?;
    Ok(iterator(
        Intrinsic::ArrayIterator,
        Source::ArrayLike(o),
        yields,
    ))
}

/// `Array.from(items, mapFn, thisArg)`: an iterable's values, or an array-like's elements.
fn from(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let items = arg(args, 0);
    let map = match arg(args, 1) {
        Value::Undefined => None,
        f => Some(callback(agent, &f)?),
    };
    if matches!(items, Value::Undefined | Value::Null) {
        let t = if matches!(items, Value::Null) {
            "object null"
        } else {
            "undefined"
        };
        return type_error(format!(
            "{t} is not iterable (cannot read property Symbol(Symbol.iterator))"
        ));
    }
    let iter = agent.realm().symbols.iterator.clone();
    let method = ops::get_v(agent, &items, Key::Sym(&iter))?;
    let values = if matches!(method, Value::Undefined | Value::Null) {
        let o = this_object(&items)?;
        elements(agent, &o)?
    } else {
        conversions::iterate(agent, &items)?
    };
    let Some(f) = map else {
        return array(values);
    };
    let this_arg = arg(args, 2);
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.into_iter().enumerate() {
        out.push(ops::call(
            agent,
            &f,
            &this_arg,
            &[v, Value::Number(i as f64)],
        )?);
    }
    array(out)
}

fn of(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    array(args.to_vec())
}

thread_local! {
    /// The arrays being joined, innermost last: a cycle joins as "" (as in V8), and depth is
    /// bounded.
    static JOINING: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How deep nested joins and flattening may go before JS would overflow its stack.
pub const MAX_DEPTH: usize = 1000;

fn join(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let addr = o.as_object().map_or(0, Obj::addr);
    let depth = JOINING.with(|j| j.borrow().len());
    if JOINING.with(|j| j.borrow().contains(&addr)) {
        return Ok(Value::from(""));
    }
    if depth >= MAX_DEPTH {
        return range_error("Maximum call stack size exceeded");
    }
    JOINING.with(|j| j.borrow_mut().push(addr));
    let r = join_items(agent, &o, &arg(args, 0));
    JOINING.with(|j| j.borrow_mut().pop());
    r
}

fn join_items(agent: &mut dyn Agent, o: &Value, sep: &Value) -> JsResult {
    let len = length_of(agent, o)?;
    if len > crate::js::string::MAX_LENGTH {
        return range_error("Invalid string length");
    }
    let sep = match sep {
        Value::Undefined => JsStr::from(","),
        v => conversions::to_string(agent, v)?,
    };
    let mut out = JsStrBuilder::new();
    for k in 0..len {
        if k > 0 {
            out.push_js(&sep);
        }
        let v = get_index(agent, o, k)?;
        if !matches!(v, Value::Undefined | Value::Null) {
            out.push_js(&conversions::to_string(agent, &v)?);
        }
    }
    Ok(Value::String(out.finish()))
}

fn to_string(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let f = ops::get(agent, &o, b"join")?;
    if f.is_function() {
        return ops::call(agent, &f, &o, &[]);
    }
    let tag = if is_array_value(&o) {
        "Array"
    } else {
        "Object"
    };
    Ok(Value::from(format!("[object {tag}]")))
}

/// Throws as V8 does when elements would be added to a non-extensible array.
fn check_growable(this: &Value, adding: usize) -> JsResult<()> {
    if let Some(o) = this.as_object() {
        let data = o.borrow();
        if let Kind::Array(items) = &data.kind {
            if (data.frozen || !data.extensible) && adding > 0 {
                let len = items.len();
                return type_error(format!(
                    "Cannot add property {len}, object is not extensible"
                ));
            }
        }
    }
    Ok(())
}

fn push(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    check_growable(this, args.len())?;
    mutate(agent, this, |items| {
        items.extend_from_slice(args);
        Value::Number(items.len() as f64)
    })
}

fn pop(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    mutate(agent, this, |items| items.pop().unwrap_or_default())
}

fn shift(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    mutate(agent, this, |items| {
        if items.is_empty() {
            Value::Undefined
        } else {
            items.remove(0)
        }
    })
}

fn unshift(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    check_growable(this, args.len())?;
    mutate(agent, this, |items| {
        items.splice(0..0, args.iter().cloned());
        Value::Number(items.len() as f64)
    })
}

fn reverse(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    mutate(agent, this, |items| items.reverse())?;
    this_object(this)
}

fn to_reversed(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let mut items = elements(agent, &o)?;
    items.reverse();
    array(items)
}

fn slice(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let start = relative_arg(agent, args, 0, len, 0)?;
    let end = relative_arg(agent, args, 1, len, len)?.max(start);
    let mut out = Vec::with_capacity(dense(end - start)?);
    for k in start..end {
        out.push(get_index(agent, &o, k)?);
    }
    array(out)
}

/// A `relative` index argument after `ToIntegerOrInfinity` (which may run code).
pub fn relative_arg(
    agent: &mut dyn Agent,
    args: &[Value],
    i: usize,
    len: usize,
    default: usize,
) -> JsResult<usize> {
    match arg(args, i) {
        Value::Undefined => Ok(default),
        v => Ok(relative(
            &Value::Number(to_integer(agent, &v)?),
            len,
            default,
        )),
    }
}
