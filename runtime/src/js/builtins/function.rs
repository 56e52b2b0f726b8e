//! `Function`: the constructor (which would need a JS parser, so it throws) and
//! `Function.prototype.bind`/`call`/`apply`/`toString`.

use crate::js::native::{arg, constructor, define_methods, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::value::{attrs, Agent, Callable, Class, JsResult, Value};

const PROTO: &[Method] = &[
    ("bind", bind),
    ("call", call),
    ("apply", apply),
    ("toString", to_string),
];

/// Installs `Function` and `Function.prototype`.
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

fn bind(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    if !this.is_function() {
        return type_error("Bind must be called on a function");
    }
    let bound = ops::bind(
        this.clone(),
        arg(args, 0),
        args.get(1..).unwrap_or(&[]).to_vec(),
    );
    let name = match ops::get(agent, this, b"name")? {
        Value::String(s) => s.to_string(),
        _ => String::new(),
    };
    bound.define(
        "name",
        Value::from(format!("bound {name}")),
        attrs::CONFIGURABLE,
    );
    Ok(Value::Object(bound))
}

fn call(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    ops::call(agent, this, &arg(args, 0), args.get(1..).unwrap_or(&[]))
}

fn apply(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    if !this.is_function() {
        let shown = crate::js::conversions::display(agent.realm(), this);
        return type_error(format!(
            "Function.prototype.apply was called on {shown}, which is {} and not a function",
            match this.type_of() {
                t @ ("object" | "undefined") => format!("an {t}"),
                t => format!("a {t}"),
            }
        ));
    }
    let list = match arg(args, 1) {
        Value::Undefined | Value::Null => Vec::new(),
        v => super::reflect::list_from_array_like(agent, &v)?,
    };
    ops::call(agent, this, &arg(args, 0), &list)
}

fn to_string(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    if !this.is_function() {
        return type_error("Function.prototype.toString requires that 'this' be a Function");
    }
    let name = match ops::get(agent, this, b"name")? {
        Value::String(s) => s.to_string(),
        _ => String::new(),
    };
    Ok(Value::from(format!(
        "function {name}() {{ [native code] }}"
    )))
}
