//! Proxy objects: each operation asks the handler's trap, or falls through to the target.

use super::conversions;
use super::ops::{self, type_error, Key, PropKey};
use super::value::{attrs, Agent, JsResult, Obj, Value};

/// The handler's trap `name`, if it has one.
fn trap(agent: &mut dyn Agent, handler: &Obj, name: &str) -> JsResult<Option<Value>> {
    let h = Value::Object(handler.clone());
    let t = ops::get(agent, &h, name.as_bytes())?;
    match t {
        Value::Undefined | Value::Null => Ok(None),
        t if t.is_function() => Ok(Some(t)),
        _ => type_error(format!("proxy trap {name} is not a function")),
    }
}

/// `get(target, key, receiver)`.
pub fn get(
    agent: &mut dyn Agent,
    target: &Obj,
    handler: &Obj,
    key: Key<'_>,
    receiver: &Value,
) -> JsResult {
    let t = Value::Object(target.clone());
    match trap(agent, handler, "get")? {
        Some(f) => {
            let args = [t, key_value(key), receiver.clone()];
            let got = ops::call(agent, &f, &Value::Object(handler.clone()), &args)?;
            check_get_invariant(agent, target, key, &got)?;
            Ok(got)
        }
        None => ops::get_key(agent, &t, key, receiver),
    }
}

/// A `get` trap must report a read-only, non-configurable data property of the target as it
/// is.
fn check_get_invariant(
    agent: &mut dyn Agent,
    target: &Obj,
    key: Key<'_>,
    got: &Value,
) -> JsResult<()> {
    let Key::Str(k) = key else { return Ok(()) };
    let fixed = {
        let data = target.borrow();
        data.props
            .get(k)
            .filter(|p| p.attrs & (attrs::WRITABLE | attrs::CONFIGURABLE | attrs::ACCESSOR) == 0)
            .map(|p| p.value.clone())
    };
    match fixed {
        Some(actual) if !actual.same_value(got) => {
            let realm = agent.realm();
            type_error(format!(
                "'get' on proxy: property '{}' is a read-only and non-configurable data property \
                 on the proxy target but the proxy did not return its actual value (expected \
                 '{}' but got '{}')",
                String::from_utf8_lossy(k),
                conversions::display(realm, &actual),
                conversions::display(realm, got)
            ))
        }
        _ => Ok(()),
    }
}

/// `set(target, key, value, receiver)`.
pub fn set(
    agent: &mut dyn Agent,
    target: &Obj,
    handler: &Obj,
    key: Key<'_>,
    value: Value,
    receiver: &Value,
) -> JsResult<bool> {
    let t = Value::Object(target.clone());
    match trap(agent, handler, "set")? {
        Some(f) => {
            let args = [t, key_value(key), value, receiver.clone()];
            Ok(ops::call(agent, &f, &Value::Object(handler.clone()), &args)?.truthy())
        }
        None => {
            // The receiver is the proxy: defining on it would ask the proxy again, so the
            // target takes the property, as an ordinary [[Set]] through a proxy does.
            let receiver = match receiver {
                Value::Object(r) if ops::proxy_parts(r).ok().flatten().is_some() => t.clone(),
                r => r.clone(),
            };
            ops::set_key(agent, &t, key, value, &receiver)
        }
    }
}

/// `has(target, key)`.
pub fn has(agent: &mut dyn Agent, target: &Obj, handler: &Obj, key: Key<'_>) -> JsResult<bool> {
    let t = Value::Object(target.clone());
    match trap(agent, handler, "has")? {
        Some(f) => {
            let args = [t, key_value(key)];
            Ok(ops::call(agent, &f, &Value::Object(handler.clone()), &args)?.truthy())
        }
        None => ops::has(agent, &t, key),
    }
}

/// `deleteProperty(target, key)`.
pub fn delete(agent: &mut dyn Agent, target: &Obj, handler: &Obj, key: Key<'_>) -> JsResult<bool> {
    let t = Value::Object(target.clone());
    match trap(agent, handler, "deleteProperty")? {
        Some(f) => {
            let args = [t, key_value(key)];
            Ok(ops::call(agent, &f, &Value::Object(handler.clone()), &args)?.truthy())
        }
        None => ops::delete(agent, &t, key),
    }
}

/// `apply(target, this, args)`.
pub fn apply(
    agent: &mut dyn Agent,
    target: &Obj,
    handler: &Obj,
    this: &Value,
    args: &[Value],
) -> JsResult {
    let t = Value::Object(target.clone());
    if !target.is_function() {
        return type_error("proxy target is not a function");
    }
    match trap(agent, handler, "apply")? {
        Some(f) => {
            let list = Value::Object(Obj::array(args.to_vec()));
            let args = [t, this.clone(), list];
            ops::call(agent, &f, &Value::Object(handler.clone()), &args)
        }
        None => ops::call(agent, &t, this, args),
    }
}

/// `construct(target, args, newTarget)`.
pub fn construct(agent: &mut dyn Agent, target: &Obj, handler: &Obj, args: &[Value]) -> JsResult {
    let t = Value::Object(target.clone());
    if !ops::is_constructor(&t) {
        return type_error("proxy target is not a constructor");
    }
    match trap(agent, handler, "construct")? {
        Some(f) => {
            let list = Value::Object(Obj::array(args.to_vec()));
            let args = [t.clone(), list, t];
            let r = ops::call(agent, &f, &Value::Object(handler.clone()), &args)?;
            if r.as_object().is_none() {
                return type_error("proxy [[Construct]] must return an object");
            }
            Ok(r)
        }
        None => ops::construct(agent, &t, args),
    }
}

/// `getPrototypeOf(target)`.
pub fn get_prototype_of(
    agent: &mut dyn Agent,
    target: &Obj,
    handler: &Obj,
) -> JsResult<Option<Obj>> {
    match trap(agent, handler, "getPrototypeOf")? {
        Some(f) => {
            let args = [Value::Object(target.clone())];
            match ops::call(agent, &f, &Value::Object(handler.clone()), &args)? {
                Value::Object(o) => Ok(Some(o)),
                Value::Null => Ok(None),
                _ => type_error("proxy getPrototypeOf must return an object or null"),
            }
        }
        None => ops::proto_of(agent, target),
    }
}

/// `ownKeys(target)`.
pub fn own_keys(agent: &mut dyn Agent, target: &Obj, handler: &Obj) -> JsResult<Vec<PropKey>> {
    match trap(agent, handler, "ownKeys")? {
        Some(f) => {
            let args = [Value::Object(target.clone())];
            let list = ops::call(agent, &f, &Value::Object(handler.clone()), &args)?;
            let items = conversions::iterate(agent, &list)?;
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(PropKey::Str(s)),
                    Value::Symbol(s) => Ok(PropKey::Sym(s)),
                    _ => type_error("proxy ownKeys must return strings and symbols"),
                })
                .collect()
        }
        None => conversions::own_keys(agent, target),
    }
}

fn key_value(key: Key<'_>) -> Value {
    match key {
        Key::Str(k) => Value::String(super::string::JsStr::from_wtf8(k)),
        Key::Sym(s) => Value::Symbol(s.clone()),
    }
}

/// The proxy behaviour the realm dispatches to.
pub struct Traps;

impl super::exotic::ProxyTraps for Traps {
    fn get(
        &self,
        agent: &mut dyn Agent,
        t: &Obj,
        h: &Obj,
        key: Key<'_>,
        receiver: &Value,
    ) -> JsResult {
        get(agent, t, h, key, receiver)
    }
    fn set(
        &self,
        agent: &mut dyn Agent,
        t: &Obj,
        h: &Obj,
        key: Key<'_>,
        value: Value,
        receiver: &Value,
    ) -> JsResult<bool> {
        set(agent, t, h, key, value, receiver)
    }
    fn has(&self, agent: &mut dyn Agent, t: &Obj, h: &Obj, key: Key<'_>) -> JsResult<bool> {
        has(agent, t, h, key)
    }
    fn delete(&self, agent: &mut dyn Agent, t: &Obj, h: &Obj, key: Key<'_>) -> JsResult<bool> {
        delete(agent, t, h, key)
    }
    fn apply(
        &self,
        agent: &mut dyn Agent,
        t: &Obj,
        h: &Obj,
        this: &Value,
        args: &[Value],
    ) -> JsResult {
        apply(agent, t, h, this, args)
    }
    fn construct(&self, agent: &mut dyn Agent, t: &Obj, h: &Obj, args: &[Value]) -> JsResult {
        construct(agent, t, h, args)
    }
    fn get_prototype_of(&self, agent: &mut dyn Agent, t: &Obj, h: &Obj) -> JsResult<Option<Obj>> {
        get_prototype_of(agent, t, h)
    }
    fn own_keys(&self, agent: &mut dyn Agent, t: &Obj, h: &Obj) -> JsResult<Vec<PropKey>> {
        own_keys(agent, t, h)
    }
}
