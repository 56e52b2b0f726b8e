//! `Error` and its native subclasses, each with its own prototype inheriting from
//! `Error.prototype`.

use std::rc::Rc;

use crate::js::native::{arg, constructor, define_methods, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::value::{attrs, Agent, Callable, Class, ErrorType, JsResult, Obj, Value};

const PROTO: &[Method] = &[("toString", to_string)];

pub fn install(realm: &mut Realm) {
    define_methods(&realm.proto(Class::Error(ErrorType::Error)), PROTO);
    for ty in ErrorType::ALL {
        let proto = realm.proto(Class::Error(ty));
        proto.define("name", Value::from(ty.name()), attrs::HIDDEN);
        proto.define("message", Value::from(""), attrs::HIDDEN);
        let make = Callable::Native(Rc::new(move |agent, _, args| make(agent, ty, args)));
        constructor(realm, ty.name(), make.clone(), make, &proto);
    }
}

/// `new XError(message)` (also without `new`).
fn make(agent: &mut dyn Agent, ty: ErrorType, args: &[Value]) -> JsResult {
    let message = match arg(args, 0) {
        Value::Undefined => None,
        v => Some(crate::js::conversions::to_string(agent, &v)?),
    };
    let e = Obj::error(ty, "");
    match message {
        Some(m) => e.define("message", Value::String(m), attrs::HIDDEN),
        None => {
            e.borrow_mut().props.shift_remove(&b"message"[..]);
        }
    }
    Ok(Value::Object(e))
}

/// `Error.prototype.toString`: `name: message`, or whichever of the two is not empty.
fn to_string(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    if this.as_object().is_none() {
        return ops::type_error("Error.prototype.toString called on non-object");
    }
    let part = |agent: &mut dyn Agent, key: &str, default: &str| -> JsResult<String> {
        match ops::get_str(agent, this, key)? {
            Value::Undefined => Ok(default.into()),
            v => Ok(crate::js::conversions::to_string(agent, &v)?.to_string()),
        }
    };
    let name = part(agent, "name", "Error")?;
    let message = part(agent, "message", "")?;
    Ok(Value::from(match (name.is_empty(), message.is_empty()) {
        (_, true) => name,
        (true, false) => message,
        (false, false) => format!("{name}: {message}"),
    }))
}
