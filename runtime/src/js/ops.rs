//! The object operations JS code and `syscall/js` perform: property get/set/has/delete with
//! prototype chains, accessors and proxies, calls and construction, `instanceof`. The
//! semantics follow `Reflect` on the objects of [`super::value`].
//!
//! Reading a data property needs only the realm ([`get_data`]), so an import can look a name
//! up while it is still borrowed from guest memory; getters and proxy traps may run Go code
//! and go through the agent ([`get`]).

use std::rc::Rc;

pub use super::errors::{range_error, throw, type_error};
pub use super::key::{key_text, Key, PropKey};
use super::storage::{accessor_pair, own_prop, set_own};
pub use super::storage::{
    delete_own, dense, get_data, proxy_parts, proxy_parts_for, set_data, set_proto, typed,
};
use super::value::{attrs, Agent, Callable, JsResult, Kind, Obj, Prop, Value};

/// `Reflect.get(target, key)` for a string key.
pub fn get(agent: &mut dyn Agent, target: &Value, key: &[u8]) -> JsResult {
    get_key(agent, target, Key::Str(key), target)
}

/// [`get`] with a Rust string key.
pub fn get_str(agent: &mut dyn Agent, target: &Value, key: &str) -> JsResult {
    get(agent, target, key.as_bytes())
}

/// `Reflect.get(target, key, receiver)`: own storage, own properties, then the prototype
/// chain, running getters (with `receiver` as `this`) and proxy traps.
pub fn get_key(agent: &mut dyn Agent, target: &Value, key: Key<'_>, receiver: &Value) -> JsResult {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.get called on non-object (property {})",
            key_text(key)
        ));
    };
    if let Key::Str(k) = key {
        if let Ok(v) = get_data(agent.realm(), o, k) {
            return Ok(v.unwrap_or_default());
        }
    }
    let mut next = Some(o.clone());
    while let Some(cur) = next {
        if let Some((t, h)) = proxy_parts_for(&cur, "get")? {
            return traps(agent)?.get(agent, &t, &h, key, receiver);
        }
        let found = own_prop(&cur.borrow(), key);
        if let Some(p) = found {
            if p.attrs & attrs::ACCESSOR == 0 {
                return Ok(p.value);
            }
            let (getter, _) = accessor_pair(&p.value);
            if getter.is_function() {
                return call(agent, &getter, receiver, &[]);
            }
            return Ok(Value::Undefined);
        }
        next = agent.realm().proto_of(&cur.borrow());
    }
    Ok(Value::Undefined)
}

/// `GetV`: a property of any value, primitives read through their wrapper's prototype
/// (`"abc".length`, a method of a number).
pub fn get_v(agent: &mut dyn Agent, v: &Value, key: Key<'_>) -> JsResult {
    match v {
        Value::Object(_) => get_key(agent, v, key, v),
        Value::Undefined | Value::Null => type_error(format!(
            "Cannot read properties of {} (reading {})",
            v.type_of().replace("object", "null"),
            key_text(key)
        )),
        Value::String(s) if matches!(key, Key::Str(b"length")) => {
            Ok(Value::Number(s.utf16_len() as f64))
        }
        _ => {
            let proto = agent.realm().primitive_proto(v);
            get_key(agent, &Value::Object(proto), key, v)
        }
    }
}

/// `Reflect.set(target, key, value)` for a string key.
pub fn set(agent: &mut dyn Agent, target: &Value, key: &[u8], value: Value) -> JsResult<bool> {
    set_key(agent, target, Key::Str(key), value, target)
}

/// `Reflect.set(target, key, value, receiver)`: runs setters and proxy traps; returns false
/// where JS would (a read-only property, a non-extensible object).
pub fn set_key(
    agent: &mut dyn Agent,
    target: &Value,
    key: Key<'_>,
    value: Value,
    receiver: &Value,
) -> JsResult<bool> {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.set called on non-object (property {})",
            key_text(key)
        ));
    };
    let same_receiver = matches!(receiver, Value::Object(r) if r.ptr_eq(o));
    if let (Key::Str(k), true) = (key, same_receiver) {
        if let Ok(r) = set_data(agent.realm(), o, k, value.clone()) {
            return r;
        }
    }
    let mut next = Some(o.clone());
    while let Some(cur) = next {
        if let Some((t, h)) = proxy_parts_for(&cur, "set")? {
            return traps(agent)?.set(agent, &t, &h, key, value, receiver);
        }
        if let Some(p) = own_prop(&cur.borrow(), key) {
            if p.attrs & attrs::ACCESSOR != 0 {
                let (_, setter) = accessor_pair(&p.value);
                if !setter.is_function() {
                    return Ok(false);
                }
                call(agent, &setter, receiver, &[value])?;
                return Ok(true);
            }
            if p.attrs & attrs::WRITABLE == 0 {
                return Ok(false);
            }
            break;
        }
        next = agent.realm().proto_of(&cur.borrow());
    }
    define_on_receiver(receiver, key, value)
}

/// The last step of `[[Set]]`: creates or updates the data property on the receiver.
fn define_on_receiver(receiver: &Value, key: Key<'_>, value: Value) -> JsResult<bool> {
    let Value::Object(r) = receiver else {
        return Ok(false);
    };
    match key {
        Key::Str(k) => set_own(r, k, value),
        Key::Sym(s) => {
            let mut data = r.borrow_mut();
            let extensible = data.extensible;
            match data.symbols.iter_mut().find(|(x, _)| x.ptr_eq(s)) {
                Some((_, p)) if p.attrs & attrs::WRITABLE == 0 => return Ok(false),
                Some((_, p)) => p.value = value,
                None if !extensible => return Ok(false),
                None => data.symbols.push((
                    s.clone(),
                    Prop {
                        value,
                        attrs: attrs::DEFAULT,
                    },
                )),
            }
            Ok(true)
        }
    }
}

/// `Reflect.has(target, key)`: own or inherited.
pub fn has(agent: &mut dyn Agent, target: &Value, key: Key<'_>) -> JsResult<bool> {
    let Value::Object(o) = target else {
        return type_error("Reflect.has called on non-object");
    };
    let mut next = Some(o.clone());
    while let Some(cur) = next {
        if let Some((t, h)) = proxy_parts_for(&cur, "has")? {
            return traps(agent)?.has(agent, &t, &h, key);
        }
        if own_prop(&cur.borrow(), key).is_some() {
            return Ok(true);
        }
        next = agent.realm().proto_of(&cur.borrow());
    }
    Ok(false)
}

/// `Reflect.deleteProperty(target, key)`.
pub fn delete(agent: &mut dyn Agent, target: &Value, key: Key<'_>) -> JsResult<bool> {
    let Value::Object(o) = target else {
        return type_error("Reflect.deleteProperty called on non-object");
    };
    if let Some((t, h)) = proxy_parts_for(o, "deleteProperty")? {
        return traps(agent)?.delete(agent, &t, &h, key);
    }
    Ok(delete_own(o, key))
}

/// `Reflect.apply(f, this, args)`.
pub fn call(agent: &mut dyn Agent, f: &Value, this: &Value, args: &[Value]) -> JsResult {
    let Value::Object(o) = f else {
        return type_error("value is not a function");
    };
    let callable = match &o.borrow().kind {
        Kind::Function(func) => Some(func.call.clone()),
        Kind::Proxy(_) => None,
        _ => return type_error("value is not a function"),
    };
    match callable {
        Some(c) => invoke(agent, &c, this, args),
        None => match proxy_parts_for(o, "apply")? {
            Some((t, h)) => traps(agent)?.apply(agent, &t, &h, this, args),
            None => type_error("value is not a function"),
        },
    }
}

fn invoke(agent: &mut dyn Agent, callable: &Callable, this: &Value, args: &[Value]) -> JsResult {
    match callable {
        Callable::Native(native) => native(agent, this, args),
        Callable::Builtin(f) => f(agent, this, args),
        Callable::Foreign(id) => agent.call_foreign(*id, this, args),
        Callable::Bound(b) => {
            let mut all = b.args.clone();
            all.extend_from_slice(args);
            call(agent, &b.target, &b.this, &all)
        }
    }
}

/// Is `v` something `new` works on?
pub fn is_constructor(v: &Value) -> bool {
    match v {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Function(f) => match &f.call {
                Callable::Bound(b) => is_constructor(&b.target),
                _ => f.construct.is_some(),
            },
            Kind::Proxy(Some(parts)) => is_constructor(&Value::Object(parts.0.clone())),
            _ => false,
        },
        _ => false,
    }
}

/// `Reflect.construct(ctor, args)`.
pub fn construct(agent: &mut dyn Agent, ctor: &Value, args: &[Value]) -> JsResult {
    let Value::Object(o) = ctor else {
        return type_error("value is not a constructor");
    };
    if let Some((t, h)) = proxy_parts_for(o, "construct")? {
        return traps(agent)?.construct(agent, &t, &h, args);
    }
    let (construct, bound) = match &o.borrow().kind {
        Kind::Function(f) => (f.construct.clone(), Some(f.call.clone())),
        _ => (None, None),
    };
    match (construct, bound) {
        (_, Some(Callable::Bound(b))) => {
            let mut all = b.args.clone();
            all.extend_from_slice(args);
            construct_bound(agent, &b.target, &all)
        }
        (Some(c), _) => invoke(agent, &c, ctor, args),
        _ => type_error("value is not a constructor"),
    }
}

fn construct_bound(agent: &mut dyn Agent, target: &Value, args: &[Value]) -> JsResult {
    construct(agent, target, args)
}

/// The prototype of `o` (`Object.getPrototypeOf`), running a proxy's trap.
pub fn proto_of(agent: &mut dyn Agent, o: &Obj) -> JsResult<Option<Obj>> {
    if let Some((t, h)) = proxy_parts_for(o, "getPrototypeOf")? {
        return traps(agent)?.get_prototype_of(agent, &t, &h);
    }
    Ok(agent.realm().proto_of(&o.borrow()))
}

/// `v instanceof ctor`: is `ctor.prototype` on `v`'s prototype chain?
pub fn instance_of(agent: &mut dyn Agent, v: &Value, ctor: &Value) -> JsResult<bool> {
    if !ctor.is_function() {
        if ctor.as_object().is_none() {
            return type_error("Right-hand side of 'instanceof' is not an object");
        }
        return type_error("Right-hand side of 'instanceof' is not callable");
    }
    let mut ctor = ctor.clone();
    // A bound function tests for its target.
    loop {
        let target = match &ctor.as_object().map(|o| o.borrow().kind_callable()) {
            Some(Some(Callable::Bound(b))) => b.target.clone(),
            _ => break,
        };
        ctor = target;
    }
    let Value::Object(target) = get(agent, &ctor, b"prototype")? else {
        return type_error("Function has non-object prototype in instanceof check");
    };
    let Value::Object(o) = v else {
        return Ok(false);
    };
    let mut next = proto_of(agent, o)?;
    while let Some(p) = next {
        if p.ptr_eq(&target) {
            return Ok(true);
        }
        next = proto_of(agent, &p)?;
    }
    Ok(false)
}

/// Makes a bound function.
pub fn bind(target: Value, this: Value, args: Vec<Value>) -> Obj {
    let bound = Rc::new(super::value::Bound { target, this, args });
    Obj::function(Callable::Bound(bound), None)
}

/// The realm's proxy behaviour (installed with `Proxy`; a proxy cannot exist without it).
pub fn traps(agent: &mut dyn Agent) -> JsResult<&'static dyn super::exotic::ProxyTraps> {
    match agent.realm().proxy_traps {
        Some(t) => Ok(t),
        None => type_error("proxies are not available in this realm"),
    }
}
