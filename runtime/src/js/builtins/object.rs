//! `Object`: the constructor, its statics (`keys`, `entries`, `assign`, `freeze`,
//! `defineProperty`, `getPrototypeOf`, ...), and `Object.prototype`.

/// Property descriptors and integrity levels.
pub mod props;
#[cfg(test)]
mod tests;

pub use props::to_object;
use props::{
    define_property, from_prop, own_property, set_integrity, test_integrity, to_descriptor,
};

use crate::js::conversions::{self, to_property_key};
use crate::js::native::{arg, constructor, define_methods, Method};
use crate::js::ops::{self, type_error, PropKey};
use crate::js::realm::Realm;
use crate::js::value::{
    attrs, Agent, Callable, Class, Intrinsic, JsResult, Kind, Obj, ObjectData, Proto, Value,
};

const STATICS: &[Method] = &[
    ("keys", keys),
    ("values", values),
    ("entries", entries),
    ("fromEntries", from_entries),
    ("assign", assign),
    ("freeze", |_, _, a| integrity(a, Some(true))),
    ("seal", |_, _, a| integrity(a, Some(false))),
    ("preventExtensions", |_, _, a| integrity(a, None)),
    ("isFrozen", |_, _, a| test(a, Some(true))),
    ("isSealed", |_, _, a| test(a, Some(false))),
    ("isExtensible", |_, _, a| test(a, None)),
    ("getPrototypeOf", get_prototype_of),
    ("setPrototypeOf", set_prototype_of),
    ("create", create),
    ("defineProperty", define_property_static),
    ("defineProperties", define_properties_static),
    ("getOwnPropertyNames", |g, _, a| {
        own_keys_filtered(g, a, false)
    }),
    ("getOwnPropertySymbols", |g, _, a| {
        own_keys_filtered(g, a, true)
    }),
    ("getOwnPropertyDescriptor", get_own_property_descriptor),
    ("getOwnPropertyDescriptors", get_own_property_descriptors),
    ("is", |_, _, a| {
        Ok(Value::Bool(arg(a, 0).same_value(&arg(a, 1))))
    }),
    ("hasOwn", has_own),
    ("groupBy", group_by),
];

const PROTO: &[Method] = &[
    ("hasOwnProperty", has_own_property),
    ("isPrototypeOf", is_prototype_of),
    ("propertyIsEnumerable", property_is_enumerable),
    ("toString", to_string),
    ("toLocaleString", to_locale_string),
    ("valueOf", |_, this, _| Ok(Value::Object(to_object(this)?))),
];

/// Installs `Object` and `Object.prototype`.
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

/// Are the elements of this array frozen?
fn is_frozen_array(data: &ObjectData) -> bool {
    data.frozen
}

fn mark_frozen_array(data: &mut ObjectData) {
    data.frozen = true;
}

/// `Object(v)`: objects as they are, primitives wrapped, undefined and null a new object.
fn object_of(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(match arg(args, 0) {
        Value::Undefined | Value::Null => Value::Object(Obj::plain()),
        v => Value::Object(to_object(&v)?),
    })
}

fn array(items: Vec<Value>) -> JsResult {
    Ok(Value::Object(Obj::array(items)))
}

fn keys(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = Value::Object(to_object(&arg(args, 0))?);
    let keys = conversions::keys(agent, &o)?;
    array(keys.into_iter().map(Value::String).collect())
}

/// `[key, value]` of each own enumerable string-keyed property.
fn entry_list(agent: &mut dyn Agent, v: &Value) -> JsResult<Vec<(Value, Value)>> {
    let o = Value::Object(to_object(v)?);
    let mut out = Vec::new();
    for k in conversions::keys(agent, &o)? {
        let value = ops::get(agent, &o, k.as_bytes())?;
        out.push((Value::String(k), value));
    }
    Ok(out)
}

fn values(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let list = entry_list(agent, &arg(args, 0))?;
    array(list.into_iter().map(|(_, v)| v).collect())
}

fn entries(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let list = entry_list(agent, &arg(args, 0))?;
    array(
        list.into_iter()
            .map(|(k, v)| Value::Object(Obj::array(vec![k, v])))
            .collect(),
    )
}

/// Sets `o[key] = value` as a new own data property (`CreateDataProperty`).
fn create_data(agent: &mut dyn Agent, o: &Obj, key: &PropKey, value: Value) -> JsResult<bool> {
    let desc = props::Descriptor {
        value: Some(value),
        writable: Some(true),
        enumerable: Some(true),
        configurable: Some(true),
        ..Default::default()
    };
    define_property(agent, o, key, &desc)
}

fn from_entries(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let source = arg(args, 0);
    if matches!(source, Value::Undefined | Value::Null) {
        return type_error(format!(
            "{} is not iterable (cannot read property Symbol(Symbol.iterator))",
            source.type_of().replace("object", "object null")
        ));
    }
    let out = Obj::plain();
    for entry in conversions::iterate(agent, &source)? {
        if entry.as_object().is_none() {
            let shown = conversions::display(agent.realm(), &entry);
            return type_error(format!("Iterator value {shown} is not an entry object"));
        }
        let k = ops::get(agent, &entry, b"0")?;
        let v = ops::get(agent, &entry, b"1")?;
        let key = to_property_key(agent, &k)?;
        create_data(agent, &out, &key, v)?;
    }
    Ok(Value::Object(out))
}

fn assign(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = Value::Object(to_object(&arg(args, 0))?);
    for src in args.iter().skip(1) {
        if matches!(src, Value::Undefined | Value::Null) {
            continue;
        }
        let from = to_object(src)?;
        for key in conversions::own_keys(agent, &from)? {
            let enumerable =
                own_property(&from, &key)?.is_some_and(|p| p.attrs & attrs::ENUMERABLE != 0);
            if !enumerable {
                continue;
            }
            let from_v = Value::Object(from.clone());
            let v = ops::get_key(agent, &from_v, key.as_key(), &from_v)?;
            if !ops::set_key(agent, &target, key.as_key(), v, &target)? {
                return type_error(format!(
                    "Cannot assign to read only property {} of object",
                    ops::key_text(key.as_key())
                ));
            }
        }
    }
    Ok(target)
}

/// `freeze` (`Some(true)`), `seal` (`Some(false)`), `preventExtensions` (`None`).
fn integrity(args: &[Value], level: Option<bool>) -> JsResult {
    let v = arg(args, 0);
    if let Value::Object(o) = &v {
        let o = match ops::proxy_parts(o)? {
            Some((target, _)) => target,
            None => o.clone(),
        };
        match level {
            Some(freeze) => set_integrity(&o, freeze),
            None => o.borrow_mut().extensible = false,
        }
    }
    Ok(v)
}

/// `isFrozen`, `isSealed`, `isExtensible`.
fn test(args: &[Value], level: Option<bool>) -> JsResult {
    let Value::Object(o) = arg(args, 0) else {
        return Ok(Value::Bool(level.is_some()));
    };
    let o = match ops::proxy_parts(&o)? {
        Some((target, _)) => target,
        None => o,
    };
    Ok(Value::Bool(match level {
        Some(frozen) => test_integrity(&o, frozen),
        None => o.borrow().extensible,
    }))
}

fn get_prototype_of(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = to_object(&arg(args, 0))?;
    Ok(ops::proto_of(agent, &o)?.map_or(Value::Null, Value::Object))
}

/// A prototype argument: an object or null.
fn proto_arg(agent: &mut dyn Agent, v: &Value) -> JsResult<Option<Obj>> {
    match v {
        Value::Object(o) => Ok(Some(o.clone())),
        Value::Null => Ok(None),
        v => {
            let shown = conversions::display(agent.realm(), v);
            type_error(format!(
                "Object prototype may only be an Object or null: {shown}"
            ))
        }
    }
}

fn set_prototype_of(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = arg(args, 0);
    if matches!(target, Value::Undefined | Value::Null) {
        return type_error("Object.setPrototypeOf called on null or undefined");
    }
    let proto = proto_arg(agent, &arg(args, 1))?;
    if let Value::Object(o) = &target {
        if !ops::set_proto(o, proto) {
            return type_error("#<Object> is not extensible");
        }
    }
    Ok(target)
}

fn create(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let proto = match proto_arg(agent, &arg(args, 0))? {
        Some(p) => Proto::Object(p),
        None => Proto::Null,
    };
    let o = Obj::with_proto(Class::Object, Kind::Ordinary, proto);
    let props = arg(args, 1);
    if !matches!(props, Value::Undefined) {
        define_properties(agent, &o, &props)?;
    }
    Ok(Value::Object(o))
}

fn define_one(agent: &mut dyn Agent, o: &Obj, key: &PropKey, desc: &Value) -> JsResult<()> {
    let d = to_descriptor(agent, desc)?;
    if !define_property(agent, o, key, &d)? {
        return type_error(format!(
            "Cannot redefine property: {}",
            crate::js::conversions::display(agent.realm(), &key.to_value())
        ));
    }
    Ok(())
}

fn define_property_static(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = arg(args, 0);
    let Value::Object(o) = &target else {
        return type_error("Object.defineProperty called on non-object");
    };
    let key = to_property_key(agent, &arg(args, 1))?;
    define_one(agent, o, &key, &arg(args, 2))?;
    Ok(target)
}

fn define_properties(agent: &mut dyn Agent, o: &Obj, props: &Value) -> JsResult<()> {
    let props = to_object(props)?;
    let mut list = Vec::new();
    for key in conversions::own_keys(agent, &props)? {
        if own_property(&props, &key)?.is_some_and(|p| p.attrs & attrs::ENUMERABLE != 0) {
            let pv = Value::Object(props.clone());
            list.push((key.clone(), ops::get_key(agent, &pv, key.as_key(), &pv)?));
        }
    }
    for (key, desc) in list {
        define_one(agent, o, &key, &desc)?;
    }
    Ok(())
}

fn define_properties_static(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = arg(args, 0);
    let Value::Object(o) = &target else {
        return type_error("Object.defineProperties called on non-object");
    };
    define_properties(agent, o, &arg(args, 1))?;
    Ok(target)
}

fn own_keys_filtered(agent: &mut dyn Agent, args: &[Value], symbols: bool) -> JsResult {
    let o = to_object(&arg(args, 0))?;
    let keys = conversions::own_keys(agent, &o)?;
    array(
        keys.into_iter()
            .filter(|k| matches!(k, PropKey::Sym(_)) == symbols)
            .map(|k| k.to_value())
            .collect(),
    )
}

fn get_own_property_descriptor(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = to_object(&arg(args, 0))?;
    let key = to_property_key(agent, &arg(args, 1))?;
    Ok(own_property(&o, &key)?.map_or(Value::Undefined, |p| from_prop(&p)))
}

fn get_own_property_descriptors(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = to_object(&arg(args, 0))?;
    let out = Obj::plain();
    for key in conversions::own_keys(agent, &o)? {
        if let Some(p) = own_property(&o, &key)? {
            create_data(agent, &out, &key, from_prop(&p))?;
        }
    }
    Ok(Value::Object(out))
}

fn has_own(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = to_object(&arg(args, 0))?;
    let key = to_property_key(agent, &arg(args, 1))?;
    Ok(Value::Bool(own_property(&o, &key)?.is_some()))
}

/// `Object.groupBy(items, callback)`: a null-prototype object of arrays by key.
fn group_by(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let f = arg(args, 1);
    if !f.is_function() {
        let shown = conversions::display(agent.realm(), &f);
        return type_error(format!("{shown} is not a function"));
    }
    let out = Obj::with_proto(Class::Object, Kind::Ordinary, Proto::Null);
    for (i, v) in conversions::iterate(agent, &arg(args, 0))?
        .into_iter()
        .enumerate()
    {
        let k = ops::call(
            agent,
            &f,
            &Value::Undefined,
            &[v.clone(), Value::Number(i as f64)],
        )?;
        let key = to_property_key(agent, &k)?;
        let ov = Value::Object(out.clone());
        match ops::get_key(agent, &ov, key.as_key(), &ov)? {
            Value::Object(list) => list.set_element(list_len(&list), v),
            _ => {
                create_data(agent, &out, &key, Value::Object(Obj::array(vec![v])))?;
            }
        }
    }
    Ok(Value::Object(out))
}

fn list_len(o: &Obj) -> usize {
    match &o.borrow().kind {
        Kind::Array(items) => items.len(),
        _ => 0,
    }
}

fn has_own_property(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let key = to_property_key(agent, &arg(args, 0))?;
    let o = to_object(this)?;
    Ok(Value::Bool(own_property(&o, &key)?.is_some()))
}

fn is_prototype_of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let Value::Object(v) = arg(args, 0) else {
        return Ok(Value::Bool(false));
    };
    let o = to_object(this)?;
    let mut next = ops::proto_of(agent, &v)?;
    while let Some(p) = next {
        if p.ptr_eq(&o) {
            return Ok(Value::Bool(true));
        }
        next = ops::proto_of(agent, &p)?;
    }
    Ok(Value::Bool(false))
}

fn property_is_enumerable(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let key = to_property_key(agent, &arg(args, 0))?;
    let o = to_object(this)?;
    let p = own_property(&o, &key)?;
    Ok(Value::Bool(
        p.is_some_and(|p| p.attrs & attrs::ENUMERABLE != 0),
    ))
}

/// The tag `Object.prototype.toString` uses before `Symbol.toStringTag`.
fn builtin_tag(o: &Obj) -> &'static str {
    let data = o.borrow();
    match (&data.kind, data.class) {
        (Kind::Function(_), _) => "Function",
        (Kind::Proxy(Some(parts)), _) if parts.0.is_function() => "Function",
        (Kind::Proxy(Some(parts)), _) if parts.0.is_array() => "Array",
        (Kind::Array(_), _) => "Array",
        (Kind::Date(_), _) => "Date",
        (Kind::Primitive(Value::String(_)), _) => "String",
        (Kind::Primitive(Value::Number(_)), _) => "Number",
        (Kind::Primitive(Value::Bool(_)), _) => "Boolean",
        (_, Class::Error(_)) => "Error",
        (_, Class::Other(Intrinsic::RegExp)) => "RegExp",
        _ => "Object",
    }
}

/// `Object.prototype.toString`: `[object Tag]`, `Symbol.toStringTag` first.
fn to_string(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let o = match this {
        Value::Undefined => return Ok(Value::from("[object Undefined]")),
        Value::Null => return Ok(Value::from("[object Null]")),
        v => to_object(v)?,
    };
    let tag_sym = agent.realm().symbols.to_string_tag.clone();
    let ov = Value::Object(o.clone());
    let tag = match ops::get_key(agent, &ov, ops::Key::Sym(&tag_sym), this)? {
        Value::String(s) => s.to_string(),
        _ => builtin_tag(&o).to_string(),
    };
    Ok(Value::from(format!("[object {tag}]")))
}

fn to_locale_string(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let f = ops::get_v(agent, this, ops::Key::Str(b"toString"))?;
    ops::call(agent, &f, this, &[])
}
