//! `Math`.

use crate::js::native::{arg, define_methods, native, Method};
use crate::js::realm::Realm;
use crate::js::value::{attrs, Agent, JsResult, Obj, Value};

type Unary = fn(f64) -> f64;

const UNARY: &[(&str, Unary)] = &[
    ("floor", f64::floor),
    ("ceil", f64::ceil),
    ("abs", f64::abs),
    ("sqrt", f64::sqrt),
    ("trunc", f64::trunc),
    ("round", round),
    ("sign", sign),
    ("log", f64::ln),
    ("exp", f64::exp),
];

const METHODS: &[Method] = &[("pow", pow), ("max", max), ("min", min), ("random", random)];

pub fn install(realm: &mut Realm) {
    let m = Obj::plain();
    m.define("PI", Value::Number(std::f64::consts::PI), 0);
    m.define("E", Value::Number(std::f64::consts::E), 0);
    for &(name, f) in UNARY {
        let body = native(move |_, _, args| Ok(Value::Number(f(arg(args, 0).to_number()))));
        m.define(name, body, attrs::HIDDEN);
    }
    define_methods(&m, METHODS);
    realm.define_builtin("Math", Value::Object(m));
}

/// `Math.round`: JS rounds halves up (towards +Infinity).
pub fn round(x: f64) -> f64 {
    (x + 0.5).floor()
}

fn sign(x: f64) -> f64 {
    if x.is_nan() || x == 0.0 {
        x
    } else {
        x.signum()
    }
}

fn pow(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let (b, e) = (arg(args, 0).to_number(), arg(args, 1).to_number());
    Ok(Value::Number(b.powf(e)))
}

fn extreme(args: &[Value], start: f64, pick: fn(f64, f64) -> f64) -> Value {
    Value::Number(args.iter().map(Value::to_number).fold(start, |a, b| {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            pick(a, b)
        }
    }))
}

fn max(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(extreme(args, f64::NEG_INFINITY, f64::max))
}

fn min(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(extreme(args, f64::INFINITY, f64::min))
}

fn random(_: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    Ok(Value::Number(
        (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64,
    ))
}
