//! `Reflect`: the object operations as functions, on objects only.

use super::object::props::{define_property, from_prop, own_property, to_descriptor};
use crate::js::conversions::{self, to_property_key};
use crate::js::native::{arg, define_methods, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::value::{Agent, JsResult, Obj, Value};

const METHODS: &[Method] = &[
    ("apply", apply),
    ("construct", construct),
    ("defineProperty", define),
    ("deleteProperty", delete),
    ("get", get),
    ("getOwnPropertyDescriptor", get_own_property_descriptor),
    ("getPrototypeOf", get_prototype_of),
    ("has", has),
    ("isExtensible", is_extensible),
    ("ownKeys", own_keys),
    ("preventExtensions", prevent_extensions),
    ("set", set),
    ("setPrototypeOf", set_prototype_of),
];

/// Installs `Reflect`.
pub fn install(realm: &mut Realm) {
    let reflect = Obj::plain();
    define_methods(&reflect, METHODS);
    let tag = realm.symbols.to_string_tag.clone();
    reflect.define_symbol(
        &tag,
        Value::from("Reflect"),
        crate::js::value::attrs::CONFIGURABLE,
    );
    realm.define_builtin("Reflect", Value::Object(reflect));
}

/// The target argument, which must be an object.
fn target(args: &[Value], method: &str) -> JsResult<Obj> {
    match arg(args, 0) {
        Value::Object(o) => Ok(o),
        _ => type_error(format!("Reflect.{method} called on non-object")),
    }
}

/// `CreateListFromArrayLike(v)`.
pub fn list_from_array_like(agent: &mut dyn Agent, v: &Value) -> JsResult<Vec<Value>> {
    let Value::Object(o) = v else {
        return type_error("CreateListFromArrayLike called on non-object");
    };
    if let crate::js::value::Kind::Array(items) = &o.borrow().kind {
        return Ok(items.clone());
    }
    let len = conversions::length_of(agent, v)?;
    (0..len)
        .map(|i| ops::get(agent, v, i.to_string().as_bytes()))
        .collect()
}

fn apply(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let f = arg(args, 0);
    if !f.is_function() {
        let shown = conversions::display(agent.realm(), &f);
        return type_error(format!(
            "Function.prototype.apply was called on {shown}, which is {} and not a function",
            article(&f)
        ));
    }
    let list = list_from_array_like(agent, &arg(args, 2))?;
    ops::call(agent, &f, &arg(args, 1), &list)
}

/// "a number", "an object", as V8 words a value's type.
fn article(v: &Value) -> String {
    let t = v.type_of();
    match t {
        "object" | "undefined" => format!("an {t}"),
        _ => format!("a {t}"),
    }
}

fn construct(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let ctor = arg(args, 0);
    if !ops::is_constructor(&ctor) {
        let shown = super::array::describe(agent, &ctor);
        return type_error(format!("{shown} is not a constructor"));
    }
    let list = list_from_array_like(agent, &arg(args, 1))?;
    ops::construct(agent, &ctor, &list)
}

fn define(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = target(args, "defineProperty")?;
    let key = to_property_key(agent, &arg(args, 1))?;
    let desc = to_descriptor(agent, &arg(args, 2))?;
    Ok(Value::Bool(define_property(agent, &o, &key, &desc)?))
}

fn delete(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = Value::Object(target(args, "deleteProperty")?);
    let key = to_property_key(agent, &arg(args, 1))?;
    Ok(Value::Bool(ops::delete(agent, &o, key.as_key())?))
}

fn get(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = Value::Object(target(args, "get")?);
    let key = to_property_key(agent, &arg(args, 1))?;
    let receiver = args.get(2).cloned().unwrap_or_else(|| o.clone());
    ops::get_key(agent, &o, key.as_key(), &receiver)
}

fn get_own_property_descriptor(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = target(args, "getOwnPropertyDescriptor")?;
    let key = to_property_key(agent, &arg(args, 1))?;
    Ok(own_property(&o, &key)?.map_or(Value::Undefined, |p| from_prop(&p)))
}

fn get_prototype_of(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = target(args, "getPrototypeOf")?;
    Ok(ops::proto_of(agent, &o)?.map_or(Value::Null, Value::Object))
}

fn has(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = Value::Object(target(args, "has")?);
    let key = to_property_key(agent, &arg(args, 1))?;
    Ok(Value::Bool(ops::has(agent, &o, key.as_key())?))
}

/// The object a proxy stands for (itself otherwise).
fn unproxied(o: Obj) -> JsResult<Obj> {
    Ok(match ops::proxy_parts(&o)? {
        Some((t, _)) => t,
        None => o,
    })
}

fn is_extensible(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = unproxied(target(args, "isExtensible")?)?;
    let extensible = o.borrow().extensible;
    Ok(Value::Bool(extensible))
}

fn own_keys(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = target(args, "ownKeys")?;
    let keys = conversions::own_keys(agent, &o)?;
    Ok(Value::Object(Obj::array(
        keys.iter().map(ops::PropKey::to_value).collect(),
    )))
}

fn prevent_extensions(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = unproxied(target(args, "preventExtensions")?)?;
    o.borrow_mut().extensible = false;
    Ok(Value::Bool(true))
}

fn set(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = Value::Object(target(args, "set")?);
    let key = to_property_key(agent, &arg(args, 1))?;
    let receiver = args.get(3).cloned().unwrap_or_else(|| o.clone());
    Ok(Value::Bool(ops::set_key(
        agent,
        &o,
        key.as_key(),
        arg(args, 2),
        &receiver,
    )?))
}

fn set_prototype_of(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = unproxied(target(args, "setPrototypeOf")?)?;
    let proto = match arg(args, 1) {
        Value::Object(p) => Some(p),
        Value::Null => None,
        v => {
            let shown = conversions::display(agent.realm(), &v);
            return type_error(format!(
                "Object prototype may only be an Object or null: {shown}"
            ));
        }
    };
    Ok(Value::Bool(ops::set_proto(&o, proto)))
}
