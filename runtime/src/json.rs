//! The `JSON` global: `stringify` and `parse` with JS's rules for which values appear.

use std::fmt::Write as _;

use crate::builtins::{native, own_keys};
use crate::guest::Guest;
use crate::ops;
use crate::value::{JsResult, Kind, Obj, Throw, Value};

/// The `JSON` object.
pub fn object() -> Obj {
    let json = Obj::plain();
    json.set(
        "stringify",
        native(|g, _, args| {
            let v = args.first().cloned().unwrap_or_default();
            let indent = match args.get(2) {
                Some(Value::Number(n)) if *n >= 1.0 => " ".repeat((*n as usize).min(10)),
                Some(Value::String(s)) => s.chars().take(10).collect(),
                _ => String::new(),
            };
            let mut out = String::new();
            let mut stack = Vec::new();
            Ok(if write_value(g, &v, &indent, 0, &mut out, &mut stack)? {
                Value::from(out)
            } else {
                Value::Undefined
            })
        }),
    );
    json.set(
        "parse",
        native(|_, _, args| {
            let text = args.first().cloned().unwrap_or_default().to_js_string();
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => Ok(from_json(&v)),
                Err(e) => Err(Throw::Value(Value::Object(Obj::error(
                    "SyntaxError",
                    &format!("{e} in JSON"),
                )))),
            }
        }),
    );
    json
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
    g: &mut dyn Guest,
    v: &Value,
    indent: &str,
    depth: usize,
    out: &mut String,
    stack: &mut Vec<usize>,
) -> JsResult<bool> {
    match v {
        Value::Undefined => return Ok(false),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&crate::jsnum::format(*n)),
        Value::Number(_) => out.push_str("null"),
        Value::String(s) => quote(s, out),
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
                    let iso = ops::get(g.host(), &d, "toISOString")?;
                    if t.is_nan() {
                        out.push_str("null");
                    } else {
                        let s = ops::call(g, &iso, &d, &[])?;
                        quote(&s.to_js_string(), out);
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
                    for k in own_keys(v) {
                        let item = ops::get(g.host(), v, &k)?;
                        let mark = out.len();
                        if !first {
                            out.push(',');
                        }
                        newline(out, depth + 1);
                        quote(&k, out);
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
