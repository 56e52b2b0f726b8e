//! `Object`: the constructor, `Object.keys`/`assign`, and `Object.prototype`.

use crate::js::native::{arg, constructor, define_methods, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::value::{Agent, Callable, Class, JsResult, Kind, Obj, Value};

const STATICS: &[Method] = &[("keys", keys), ("assign", assign)];

const PROTO: &[Method] = &[
    ("hasOwnProperty", has_own_property),
    ("toString", to_string),
];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Object);
    define_methods(&proto, PROTO);
    let ctor = constructor(
        realm,
        "Object",
        Callable::Builtin(object_of),
        Callable::Builtin(object_of),
        &proto,
    );
    define_methods(&ctor, STATICS);
}

/// `Object(v)`: objects as they are, anything else a new plain object.
fn object_of(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(match arg(args, 0) {
        v @ Value::Object(_) => v,
        _ => Value::Object(Obj::plain()),
    })
}

fn keys(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let keys = crate::js::conversions::keys(agent, &arg(args, 0))?;
    Ok(Value::Object(Obj::array(
        keys.into_iter().map(Value::String).collect(),
    )))
}

fn assign(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = arg(args, 0);
    for src in args.iter().skip(1) {
        for k in crate::js::conversions::keys(agent, src)? {
            let v = ops::get(agent, src, k.as_bytes())?;
            ops::set(agent, &target, k.as_bytes(), v)?;
        }
    }
    Ok(target)
}

fn has_own_property(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let key = crate::js::conversions::to_string(agent, &arg(args, 0))?;
    let own = match this {
        Value::Object(o) => {
            o.borrow().props.contains_key(key.as_bytes())
                || crate::js::conversions::keys(agent, this)?.contains(&key)
        }
        _ => false,
    };
    Ok(Value::Bool(own))
}

/// `Object.prototype.toString`: `[object Tag]`.
fn to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let tag = match this {
        Value::Undefined => "Undefined",
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Symbol(_) => "Symbol",
        Value::BigInt(_) => "BigInt",
        Value::Object(o) => match (&o.borrow().kind, o.borrow().class) {
            (Kind::Function(_), _) => "Function",
            (Kind::Array(_), _) => "Array",
            (Kind::Typed(t), _) => t.kind.name(),
            (Kind::Date(_), _) => "Date",
            (_, Class::Error(_)) => "Error",
            _ => "Object",
        },
    };
    Ok(Value::from(format!("[object {tag}]")))
}
