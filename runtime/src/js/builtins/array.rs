//! `Array`: the constructor, `Array.isArray`, and `Array.prototype`.

use crate::js::native::{arg, constructor, define_methods, relative, Method};
use crate::js::ops::{self, range_error, type_error};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{Agent, Callable, Class, JsResult, Kind, Obj, Value};

const STATICS: &[Method] = &[("isArray", is_array)];

const PROTO: &[Method] = &[
    ("push", push),
    ("pop", pop),
    ("shift", shift),
    ("indexOf", index_of),
    ("includes", includes),
    ("join", join),
    ("slice", slice),
    ("toString", join),
];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Array);
    define_methods(&proto, PROTO);
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
            Obj::array(vec![Value::Undefined; *n as usize])
        }
        _ => Obj::array(args.to_vec()),
    }))
}

fn is_array(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(
        arg(args, 0).as_object().is_some_and(Obj::is_array),
    ))
}

/// Runs `f` on the array storage of `this`.
pub fn with_array<R>(this: &Value, f: impl FnOnce(&mut Vec<Value>) -> R) -> JsResult<R> {
    match this {
        Value::Object(o) => match &mut o.borrow_mut().kind {
            Kind::Array(items) => Ok(f(items)),
            _ => type_error("this is not an array"),
        },
        _ => type_error("this is not an array"),
    }
}

fn push(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_array(this, |items| {
        items.extend_from_slice(args);
        Value::Number(items.len() as f64)
    })
}

fn pop(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    with_array(this, |items| items.pop().unwrap_or_default())
}

fn shift(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    with_array(this, |items| {
        if items.is_empty() {
            Value::Undefined
        } else {
            items.remove(0)
        }
    })
}

fn index_of(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let needle = arg(args, 0);
    with_array(this, |items| {
        let i = items.iter().position(|v| v.strict_eq(&needle));
        Value::Number(i.map_or(-1.0, |i| i as f64))
    })
}

fn includes(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let needle = arg(args, 0);
    with_array(this, |items| {
        Value::Bool(items.iter().any(|v| v.strict_eq(&needle)))
    })
}

fn join(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let sep = match arg(args, 0) {
        Value::Undefined => JsStr::from(","),
        v => crate::js::conversions::to_string(agent, &v)?,
    };
    // A copy: converting an element may run code that changes the array.
    let items = with_array(this, |items| items.clone())?;
    let mut out = crate::js::string::JsStrBuilder::new();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_js(&sep);
        }
        if !matches!(v, Value::Undefined | Value::Null) {
            out.push_js(&crate::js::conversions::to_string(agent, v)?);
        }
    }
    Ok(Value::String(out.finish()))
}

fn slice(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_array(this, |items| {
        let len = items.len();
        let start = relative(&arg(args, 0), len, 0);
        let end = relative(&arg(args, 1), len, len).max(start);
        Value::Object(Obj::array(items[start..end].to_vec()))
    })
}
