//! `Number` (the constructor, its constants and predicates, and `Number.prototype`'s
//! formatting) and `Boolean`.

use crate::js::conversions::{self, Hint};
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::number::{format, parse};
use crate::js::ops::{range_error, type_error};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{Agent, Callable, Class, Intrinsic, JsResult, Kind, Obj, Value};

const STATICS: &[Method] = &[
    ("isFinite", is_finite),
    ("isInteger", is_integer),
    ("isNaN", is_nan),
    ("isSafeInteger", is_safe_integer),
];

const PROTO: &[Method] = &[
    ("toString", to_string),
    ("toLocaleString", to_locale_string),
    ("valueOf", value_of),
    ("toFixed", to_fixed),
    ("toExponential", to_exponential),
    ("toPrecision", to_precision),
];

const BOOLEAN_PROTO: &[Method] = &[("toString", bool_to_string), ("valueOf", bool_value_of)];

const MAX_SAFE: f64 = 9007199254740991.0;

/// Installs `Number`, `Number.prototype`, `Boolean` and `Boolean.prototype`.
pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Other(Intrinsic::Number));
    define_methods(&proto, PROTO);
    let ctor = constructor(
        realm,
        "Number",
        Callable::Builtin(number_call),
        Callable::Builtin(number_new),
        &proto,
    );
    define_methods(&ctor, STATICS);
    ctor.define(
        "parseFloat",
        builtin(parse_float),
        crate::js::value::attrs::HIDDEN,
    );
    ctor.define(
        "parseInt",
        builtin(parse_int),
        crate::js::value::attrs::HIDDEN,
    );
    for (name, v) in [
        ("MAX_SAFE_INTEGER", MAX_SAFE),
        ("MIN_SAFE_INTEGER", -MAX_SAFE),
        ("EPSILON", f64::EPSILON),
        ("MAX_VALUE", f64::MAX),
        ("MIN_VALUE", 5e-324),
        ("POSITIVE_INFINITY", f64::INFINITY),
        ("NEGATIVE_INFINITY", f64::NEG_INFINITY),
        ("NaN", f64::NAN),
    ] {
        ctor.define(name, Value::Number(v), 0);
    }
    let bool_proto = realm.proto(Class::Other(Intrinsic::Boolean));
    define_methods(&bool_proto, BOOLEAN_PROTO);
    constructor(
        realm,
        "Boolean",
        Callable::Builtin(|_, _, args| Ok(Value::Bool(arg(args, 0).truthy()))),
        Callable::Builtin(boolean_new),
        &bool_proto,
    );
}

/// JS `ToNumber(v)`, with the full `StringToNumber` grammar (`0b`, `0o`, JS white space).
pub fn to_number(agent: &mut dyn Agent, v: &Value) -> JsResult<f64> {
    match conversions::to_primitive(agent, v, Hint::Number)? {
        Value::String(s) => Ok(parse::string_to_number(&s.to_str_lossy())),
        Value::Symbol(_) => type_error("Cannot convert a Symbol value to a number"),
        Value::BigInt(_) => type_error("Cannot convert a BigInt value to a number"),
        p => Ok(p.to_number()),
    }
}

/// `Number(v)`: `ToNumeric`, a BigInt converted.
fn numeric(agent: &mut dyn Agent, args: &[Value]) -> JsResult<f64> {
    let Some(v) = args.first() else {
        return Ok(0.0);
    };
    match conversions::to_primitive(agent, v, Hint::Number)? {
        Value::BigInt(b) => Ok(crate::js::number::bigint_to_f64(&b)),
        p => to_number(agent, &p),
    }
}

fn number_call(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Number(numeric(agent, args)?))
}

fn number_new(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let n = numeric(agent, args)?;
    Ok(wrapper(Intrinsic::Number, Value::Number(n)))
}

fn boolean_new(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(wrapper(
        Intrinsic::Boolean,
        Value::Bool(arg(args, 0).truthy()),
    ))
}

/// A primitive wrapper object (`new Number(1)`, `Object("s")`).
pub fn wrapper(class: Intrinsic, v: Value) -> Value {
    Value::Object(Obj::new(Class::Other(class), Kind::Primitive(v)))
}

fn is_finite(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(
        matches!(arg(args, 0), Value::Number(n) if n.is_finite()),
    ))
}

fn is_nan(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(
        matches!(arg(args, 0), Value::Number(n) if n.is_nan()),
    ))
}

fn integral(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) if n.is_finite() && n.trunc() == *n => Some(*n),
        _ => None,
    }
}

fn is_integer(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(integral(&arg(args, 0)).is_some()))
}

fn is_safe_integer(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Bool(
        integral(&arg(args, 0)).is_some_and(|n| n.abs() <= MAX_SAFE),
    ))
}

/// `thisNumberValue`: a number, or a `Number` wrapper's.
fn this_number(this: &Value, method: &str) -> JsResult<f64> {
    match this {
        Value::Number(n) => return Ok(*n),
        Value::Object(o) => {
            if let Kind::Primitive(Value::Number(n)) = &o.borrow().kind {
                return Ok(*n);
            }
        }
        _ => {}
    }
    type_error(format!(
        "Number.prototype.{method} requires that 'this' be a Number"
    ))
}

fn string(s: String) -> JsResult {
    Ok(Value::String(JsStr::from(s)))
}

fn to_string(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let x = this_number(this, "toString")?;
    let radix = match arg(args, 0) {
        Value::Undefined => 10.0,
        r => conversions::to_integer(agent, &r)?,
    };
    if !(2.0..=36.0).contains(&radix) {
        return range_error("toString() radix argument must be between 2 and 36");
    }
    if radix == 10.0 || !x.is_finite() {
        return string(crate::js::number::format(x));
    }
    string(format::to_radix(x, radix as u32))
}

fn to_locale_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    string(format::to_locale(this_number(this, "toLocaleString")?))
}

fn value_of(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Number(this_number(this, "valueOf")?))
}

fn to_fixed(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let x = this_number(this, "toFixed")?;
    let f = conversions::to_integer(agent, &arg(args, 0))?;
    if !(0.0..=100.0).contains(&f) {
        return range_error("toFixed() digits argument must be between 0 and 100");
    }
    if !x.is_finite() || x.abs() >= 1e21 {
        return string(crate::js::number::format(x));
    }
    string(format::to_fixed(x, f as usize))
}

fn to_exponential(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let x = this_number(this, "toExponential")?;
    let fd = arg(args, 0);
    let f = conversions::to_integer(agent, &fd)?;
    if !x.is_finite() {
        return string(crate::js::number::format(x));
    }
    if !(0.0..=100.0).contains(&f) {
        return range_error("toExponential() argument must be between 0 and 100");
    }
    let digits = (!matches!(fd, Value::Undefined)).then_some(f as usize);
    string(format::to_exponential(x, digits))
}

fn to_precision(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let x = this_number(this, "toPrecision")?;
    let pv = arg(args, 0);
    if matches!(pv, Value::Undefined) {
        return string(crate::js::number::format(x));
    }
    let p = conversions::to_integer(agent, &pv)?;
    if !x.is_finite() {
        return string(crate::js::number::format(x));
    }
    if !(1.0..=100.0).contains(&p) {
        return range_error("toPrecision() argument must be between 1 and 100");
    }
    string(format::to_precision(x, p as usize))
}

fn this_bool(this: &Value, method: &str) -> JsResult<bool> {
    match this {
        Value::Bool(b) => return Ok(*b),
        Value::Object(o) => {
            if let Kind::Primitive(Value::Bool(b)) = &o.borrow().kind {
                return Ok(*b);
            }
        }
        _ => {}
    }
    type_error(format!(
        "Boolean.prototype.{method} requires that 'this' be a Boolean"
    ))
}

fn bool_to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let b = this_bool(this, "toString")?;
    Ok(Value::from(if b { "true" } else { "false" }))
}

fn bool_value_of(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Bool(this_bool(this, "valueOf")?))
}

/// `parseFloat(string)`.
pub fn parse_float(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let s = conversions::to_string(agent, &arg(args, 0))?;
    Ok(Value::Number(parse::parse_float(&s.to_str_lossy())))
}

/// `parseInt(string, radix)`.
pub fn parse_int(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let s = conversions::to_string(agent, &arg(args, 0))?;
    let radix = to_number(agent, &arg(args, 1))?;
    let radix = crate::js::number::to_uint32(radix) as i32;
    Ok(Value::Number(parse::parse_int(&s.to_str_lossy(), radix)))
}
