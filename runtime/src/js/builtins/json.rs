//! The `JSON` global: `stringify` and `parse` with JS's rules for which values appear.

use std::fmt::Write as _;

use crate::js::native::{define_methods, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::value::{Agent, ErrorType, JsResult, Kind, Obj, Throw, Value};

const METHODS: &[Method] = &[("stringify", stringify), ("parse", parse)];

pub fn install(realm: &mut Realm) {
    let json = Obj::plain();
    define_methods(&json, METHODS);
    realm.define_builtin("JSON", Value::Object(json));
}

fn stringify(g: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let v = args.first().cloned().unwrap_or_default();
    let indent = match args.get(2) {
        Some(Value::Number(n)) if *n >= 1.0 => " ".repeat((*n as usize).min(10)),
        Some(Value::String(s)) => s.to_str_lossy().chars().take(10).collect(),
        _ => String::new(),
    };
    let mut out = String::new();
    let mut stack = Vec::new();
    Ok(if write_value(g, &v, &indent, 0, &mut out, &mut stack)? {
        Value::from(out)
    } else {
        Value::Undefined
    })
}

fn parse(g: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let text = crate::js::conversions::to_string(g, &args.first().cloned().unwrap_or_default())?;
    match serde_json::from_str::<serde_json::Value>(&text.to_str_lossy()) {
        Ok(v) => Ok(from_json(&v)),
        Err(e) => Err(Throw::Value(Value::Object(Obj::error(
            ErrorType::SyntaxError,
            &format!("{e} in JSON"),
        )))),
    }
}

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => {
            Value::Object(Obj::array(items.iter().map(from_json).collect()))
        }
        serde_json::Value::Object(map) => {
            let o = Obj::plain();
            for (k, v) in map {
                o.set(k, from_json(v));
            }
            Value::Object(o)
        }
    }
}

/// Quotes a string as JSON.stringify does.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `v`; returns false when the value is omitted (undefined, functions).
fn write_value(
    g: &mut dyn Agent,
    v: &Value,
    indent: &str,
    depth: usize,
    out: &mut String,
    stack: &mut Vec<usize>,
) -> JsResult<bool> {
    match v {
        Value::Undefined | Value::Symbol(_) => return Ok(false),
        Value::BigInt(_) => return ops::type_error("Do not know how to serialize a BigInt"),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&crate::js::number::format(*n)),
        Value::Number(_) => out.push_str("null"),
        Value::String(s) => quote(&s.to_str_lossy(), out),
        Value::Object(o) => {
            enum Shape {
                Function,
                Date(f64),
                Array(Vec<Value>),
                Keyed,
            }
            let shape = match &o.borrow().kind {
                Kind::Function(_) => Shape::Function,
                Kind::Date(t) => Shape::Date(*t),
                Kind::Array(items) => Shape::Array(items.clone()),
                _ => Shape::Keyed,
            };
            if stack.contains(&o.addr()) {
                return ops::type_error("Converting circular structure to JSON");
            }
            let newline = |out: &mut String, depth: usize| {
                if !indent.is_empty() {
                    out.push('\n');
                    out.push_str(&indent.repeat(depth));
                }
            };
            match shape {
                Shape::Function => return Ok(false),
                Shape::Date(t) => {
                    let d = Value::Object(o.clone());
                    let iso = ops::get(g, &d, b"toISOString")?;
                    if t.is_nan() {
                        out.push_str("null");
                    } else {
                        let s = ops::call(g, &iso, &d, &[])?;
                        let s = crate::js::conversions::to_string(g, &s)?;
                        quote(&s.to_str_lossy(), out);
                    }
                }
                Shape::Array(items) => {
                    stack.push(o.addr());
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        newline(out, depth + 1);
                        if !write_value(g, item, indent, depth + 1, out, stack)? {
                            out.push_str("null");
                        }
                    }
                    if !items.is_empty() {
                        newline(out, depth);
                    }
                    out.push(']');
                    stack.pop();
                }
                Shape::Keyed => {
                    stack.push(o.addr());
                    out.push('{');
                    let mut first = true;
                    for k in crate::js::conversions::keys(g, v)? {
                        let item = ops::get(g, v, k.as_bytes())?;
                        let mark = out.len();
                        if !first {
                            out.push(',');
                        }
                        newline(out, depth + 1);
                        quote(&k.to_str_lossy(), out);
                        out.push(':');
                        if !indent.is_empty() {
                            out.push(' ');
                        }
                        if write_value(g, &item, indent, depth + 1, out, stack)? {
                            first = false;
                        } else {
                            out.truncate(mark);
                        }
                    }
                    if !first {
                        newline(out, depth);
                    }
                    out.push('}');
                    stack.pop();
                }
            }
        }
    }
    Ok(true)
}
