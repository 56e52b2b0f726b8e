//! `Function`: the constructor (which would need a JS parser, so it throws) and
//! `Function.prototype.call`/`apply`/`toString`.

use crate::js::native::{arg, constructor, define_methods, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::value::{Agent, Callable, Class, JsResult, Kind, Value};

const PROTO: &[Method] = &[("call", call), ("apply", apply), ("toString", to_string)];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Function);
    define_methods(&proto, PROTO);
    constructor(
        realm,
        "Function",
        Callable::Builtin(from_source),
        Callable::Builtin(from_source),
        &proto,
    );
}

fn from_source(_: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    type_error("Function constructor is not supported")
}

fn call(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    ops::call(agent, this, &arg(args, 0), args.get(1..).unwrap_or(&[]))
}

fn apply(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let list = match arg(args, 1) {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Array(items) => items.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    ops::call(agent, this, &arg(args, 0), &list)
}

fn to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    if !this.is_function() {
        return type_error("Function.prototype.toString requires that 'this' be a Function");
    }
    Ok(Value::from("function () { [native code] }"))
}
