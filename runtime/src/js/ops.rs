//! The JS operations `syscall/js` performs: property get/set/delete, call, construct,
//! `instanceof`, `length`, and the conversions `String(v)` and `Object.keys(v)`. The
//! semantics follow `Reflect` on the objects of [`super::value`].

use super::realm::Realm;
use super::string::{index_of, JsStr};
use super::typed::TypedArray;
use super::value::{attrs, Agent, Callable, ErrorType, JsResult, Kind, Obj, Prop, Throw, Value};

/// Throws a new error of kind `ty`.
pub fn throw<T>(ty: ErrorType, msg: impl AsRef<str>) -> JsResult<T> {
    Err(Throw::Value(Value::Object(Obj::error(ty, msg.as_ref()))))
}

/// Throws a new `TypeError`.
pub fn type_error<T>(msg: impl AsRef<str>) -> JsResult<T> {
    throw(ErrorType::TypeError, msg)
}

/// Throws a new `RangeError`.
pub fn range_error<T>(msg: impl AsRef<str>) -> JsResult<T> {
    throw(ErrorType::RangeError, msg)
}

/// A property of an object's own storage that is not in its property map: array elements
/// and `length`, typed array elements and their view fields.
fn own_virtual(kind: &Kind, key: &[u8]) -> Option<Value> {
    match kind {
        Kind::Array(items) => {
            if key == b"length" {
                return Some(Value::Number(items.len() as f64));
            }
            let i = index_of(key)? as usize;
            Some(items.get(i).cloned().unwrap_or_default())
        }
        Kind::Typed(t) => match key {
            b"length" => Some(Value::Number(t.len as f64)),
            b"byteLength" => Some(Value::Number(t.byte_len() as f64)),
            b"byteOffset" => Some(Value::Number(t.offset as f64)),
            _ => {
                let i = index_of(key)? as usize;
                Some(if i < t.len {
                    Value::Number(t.get(i))
                } else {
                    Value::Undefined
                })
            }
        },
        _ => None,
    }
}

/// `Reflect.get(target, key)`: own storage, own properties, then the prototype chain.
pub fn get(realm: &Realm, target: &Value, key: &[u8]) -> JsResult {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.get called on non-object (property {:?})",
            String::from_utf8_lossy(key)
        ));
    };
    let mut next = {
        let data = o.borrow();
        if let Some(v) = own_virtual(&data.kind, key) {
            return Ok(v);
        }
        if let Some(v) = data.get_own(key) {
            return Ok(v.clone());
        }
        realm.proto_of(&data)
    };
    while let Some(p) = next {
        let data = p.borrow();
        if let Some(v) = data.get_own(key) {
            return Ok(v.clone());
        }
        next = realm.proto_of(&data);
    }
    Ok(Value::Undefined)
}

/// [`get`] with a Rust string key.
pub fn get_str(realm: &Realm, target: &Value, key: &str) -> JsResult {
    get(realm, target, key.as_bytes())
}

/// `Reflect.set(target, key, value)`. Assignments JS would ignore (a read-only property, a
/// non-extensible object) are ignored.
pub fn set(target: &Value, key: &[u8], value: Value) -> JsResult<()> {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.set called on non-object (property {:?})",
            String::from_utf8_lossy(key)
        ));
    };
    let mut data = o.borrow_mut();
    match &mut data.kind {
        Kind::Array(items) => {
            if key == b"length" {
                let n = value.to_number();
                if n >= 0.0 && n.fract() == 0.0 && n < 4294967296.0 {
                    items.resize(n as usize, Value::Undefined);
                    return Ok(());
                }
                drop(data);
                return range_error("Invalid array length");
            }
            if let Some(i) = index_of(key) {
                let i = i as usize;
                if i >= items.len() {
                    items.resize(i + 1, Value::Undefined);
                }
                items[i] = value;
                return Ok(());
            }
        }
        Kind::Typed(t) => {
            if let Some(i) = index_of(key) {
                if (i as usize) < t.len {
                    t.set(i as usize, value.to_number());
                }
                return Ok(());
            }
            if matches!(key, b"length" | b"byteLength" | b"byteOffset") {
                return Ok(());
            }
        }
        _ => {}
    }
    if let Some(p) = data.props.get_mut(key) {
        if p.attrs & attrs::WRITABLE != 0 {
            p.value = value;
        }
        return Ok(());
    }
    if data.extensible {
        data.props.insert(
            JsStr::from_wtf8(key),
            Prop {
                value,
                attrs: attrs::DEFAULT,
            },
        );
    }
    Ok(())
}

/// `Reflect.deleteProperty(target, key)`.
pub fn delete(target: &Value, key: &[u8]) -> JsResult<()> {
    let Value::Object(o) = target else {
        return type_error("Reflect.deleteProperty called on non-object");
    };
    let mut data = o.borrow_mut();
    if let (Kind::Array(items), Some(i)) = (&mut data.kind, index_of(key)) {
        if let Some(slot) = items.get_mut(i as usize) {
            *slot = Value::Undefined;
        }
        return Ok(());
    }
    if data
        .props
        .get(key)
        .is_some_and(|p| p.attrs & attrs::CONFIGURABLE != 0)
    {
        data.props.shift_remove(key);
    }
    Ok(())
}

/// `Reflect.apply(f, this, args)`.
pub fn call(agent: &mut dyn Agent, f: &Value, this: &Value, args: &[Value]) -> JsResult {
    let callable = match f {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Function(func) => func.call.clone(),
            _ => return type_error("value is not a function"),
        },
        _ => return type_error("value is not a function"),
    };
    invoke(agent, &callable, this, args)
}

fn invoke(agent: &mut dyn Agent, callable: &Callable, this: &Value, args: &[Value]) -> JsResult {
    match callable {
        Callable::Native(native) => native(agent, this, args),
        Callable::Builtin(f) => f(agent, this, args),
        Callable::Foreign(id) => agent.call_foreign(*id, this, args),
    }
}

/// `Reflect.construct(ctor, args)`.
pub fn construct(agent: &mut dyn Agent, ctor: &Value, args: &[Value]) -> JsResult {
    let construct = match ctor {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Function(f) => f.construct.clone(),
            _ => None,
        },
        _ => None,
    };
    match construct {
        Some(c) => invoke(agent, &c, ctor, args),
        None => type_error("value is not a constructor"),
    }
}

/// `v instanceof ctor`: is `ctor.prototype` on `v`'s prototype chain?
pub fn instance_of(realm: &Realm, v: &Value, ctor: &Value) -> JsResult<bool> {
    let Value::Object(c) = ctor else {
        return type_error("Right-hand side of 'instanceof' is not an object");
    };
    if !c.is_function() {
        return type_error("Right-hand side of 'instanceof' is not callable");
    }
    let Value::Object(target) = get(realm, ctor, b"prototype")? else {
        return type_error("Function has non-object prototype in instanceof check");
    };
    let Value::Object(o) = v else {
        return Ok(false);
    };
    let mut next = realm.proto_of(&o.borrow());
    while let Some(p) = next {
        if p.ptr_eq(&target) {
            return Ok(true);
        }
        next = realm.proto_of(&p.borrow());
    }
    Ok(false)
}

/// `v.length`, as wasm_exec.js's `valueLength` reads it (then `parseInt`).
pub fn length(realm: &Realm, v: &Value) -> JsResult<f64> {
    let len = match v {
        Value::String(s) => return Ok(s.utf16_len() as f64),
        Value::Object(_) => get(realm, v, b"length")?,
        Value::Undefined | Value::Null => return type_error("Cannot read properties of null"),
        _ => Value::Undefined,
    };
    Ok(match len {
        Value::Number(n) if n.is_finite() => n.trunc(),
        Value::String(s) => super::number::parse_number(&s.to_str_lossy()).trunc(),
        _ => f64::NAN,
    })
}

/// The typed array inside `v`, if any.
pub fn typed(v: &Value) -> Option<TypedArray> {
    v.as_object().and_then(Obj::typed_array)
}

/// JS `String(v)`: primitives directly, objects through their `toString` (or `valueOf`), as
/// `ToPrimitive` with the string hint does.
pub fn to_string(agent: &mut dyn Agent, v: &Value) -> JsResult<JsStr> {
    if let Some(s) = v.primitive_string() {
        return Ok(s);
    }
    for method in [&b"toString"[..], b"valueOf"] {
        let f = get(agent.realm(), v, method)?;
        if f.is_function() {
            let r = call(agent, &f, v, &[])?;
            if let Some(s) = r.primitive_string() {
                return Ok(s);
            }
        }
    }
    type_error("Cannot convert object to primitive value")
}

/// JS `String(v)` for messages and diagnostics, where running guest code is not wanted:
/// objects show as `[object Object]` or `Name: message` for errors.
pub fn display(realm: &Realm, v: &Value) -> String {
    if let Some(s) = v.primitive_string() {
        return s.to_string();
    }
    let name = get(realm, v, b"name")
        .ok()
        .and_then(|n| n.primitive_string());
    let message = get(realm, v, b"message")
        .ok()
        .and_then(|m| m.primitive_string());
    match (name, message) {
        (Some(n), Some(m)) if m.is_empty() => n.to_string(),
        (Some(n), Some(m)) => format!("{n}: {m}"),
        _ => "[object Object]".into(),
    }
}

/// `Object.keys(v)`: own enumerable string keys in JS order (indices of array storage first).
pub fn own_keys(v: &Value) -> Vec<JsStr> {
    let Value::Object(o) = v else {
        return Vec::new();
    };
    let data = o.borrow();
    let mut keys: Vec<JsStr> = match &data.kind {
        Kind::Array(items) => (0..items.len())
            .map(|i| JsStr::from(i.to_string()))
            .collect(),
        Kind::Typed(t) => (0..t.len).map(|i| JsStr::from(i.to_string())).collect(),
        _ => Vec::new(),
    };
    keys.extend(data.enumerable_keys());
    keys
}
