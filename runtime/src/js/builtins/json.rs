//! The `JSON` global: `parse` (the parser is [`super::json_parse`]) with its reviver walk,
//! and `stringify` (replacer function or property list, `toJSON`, boxed primitives,
//! indentation, V8's message for cycles).

use super::json_parse::{create_data_property, parse_text};
use super::regexp_object::constructor_name;
use crate::js::conversions::{keys, length_of, to_integer, to_number, to_string};
use crate::js::native::{arg, define_methods, Method};
use crate::js::ops::{self, throw, type_error, Key};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{attrs, Agent, ErrorType, JsResult, Kind, Obj, Throw, Value};

const METHODS: &[Method] = &[("parse", parse), ("stringify", stringify)];

/// How deep `stringify` and the reviver walk may nest before giving up as V8 does when
/// its stack runs out.
const MAX_DEPTH: usize = 1000;

/// Installs the `JSON` global.
pub fn install(realm: &mut Realm) {
    let json = Obj::plain();
    define_methods(&json, METHODS);
    let tag = realm.symbols.to_string_tag.clone();
    json.define_symbol(&tag, Value::from("JSON"), attrs::CONFIGURABLE);
    realm.define_builtin("JSON", Value::Object(json));
}

/// `JSON.parse(text, reviver)`.
fn parse(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let text = to_string(agent, &arg(args, 0))?;
    let units = text.to_utf16();
    let value = match parse_text(&units) {
        Ok(v) => v,
        Err(message) => {
            let e = Obj::error(ErrorType::SyntaxError, "");
            e.define("message", Value::String(message), attrs::HIDDEN);
            return Err(Throw::Value(Value::Object(e)));
        }
    };
    let reviver = arg(args, 1);
    if !reviver.is_function() {
        return Ok(value);
    }
    let root = Obj::plain();
    root.set("", value);
    internalize(agent, &Value::Object(root), JsStr::default(), &reviver, 0)
}

/// `InternalizeJSONProperty`: revives the children of `holder[name]` bottom-up, then the
/// value itself (`this` is the holder; undefined deletes the property).
fn internalize(
    agent: &mut dyn Agent,
    holder: &Value,
    name: JsStr,
    reviver: &Value,
    depth: usize,
) -> JsResult {
    if depth > MAX_DEPTH {
        return throw(ErrorType::RangeError, "Maximum call stack size exceeded");
    }
    let val = ops::get(agent, holder, name.as_bytes())?;
    if let Value::Object(o) = &val {
        let names: Vec<JsStr> = if is_array(o) {
            let len = length_of(agent, &val)?;
            (0..len).map(|i| JsStr::from(i.to_string())).collect()
        } else {
            keys(agent, &val)?
        };
        for key in names {
            let revived = internalize(agent, &val, key.clone(), reviver, depth + 1)?;
            if matches!(revived, Value::Undefined) {
                ops::delete(agent, &val, ops::Key::Str(key.as_bytes()))?;
            } else {
                create_data_property(o, key, revived);
            }
        }
    }
    ops::call(agent, reviver, holder, &[Value::String(name), val])
}

/// Is it an array (or a proxy of one)?
pub fn is_array(o: &Obj) -> bool {
    match &o.borrow().kind {
        Kind::Array(_) => true,
        Kind::Proxy(Some(parts)) => is_array(&parts.0),
        _ => false,
    }
}

/// The state of one `JSON.stringify` call.
struct Serializer {
    replacer: Option<Value>,
    property_list: Option<Vec<JsStr>>,
    gap: String,
    indent: String,
    /// The objects being serialized, each with how it was reached (`property 'k'`).
    stack: Vec<(Obj, String)>,
    out: String,
}

/// `JSON.stringify(value, replacer, space)`.
fn stringify(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let replacer = arg(args, 1);
    let mut ser = Serializer {
        replacer: None,
        property_list: None,
        gap: gap(agent, &arg(args, 2))?,
        indent: String::new(),
        stack: Vec::new(),
        out: String::new(),
    };
    if replacer.is_function() {
        ser.replacer = Some(replacer);
    } else if let Value::Object(o) = &replacer {
        if is_array(o) {
            ser.property_list = Some(property_list(agent, &replacer)?);
        }
    }
    let wrapper = Obj::plain();
    wrapper.set("", arg(args, 0));
    let wrapper = Value::Object(wrapper);
    if ser.property(agent, &wrapper, JsStr::default(), false)? {
        Ok(Value::from(ser.out))
    } else {
        Ok(Value::Undefined)
    }
}

/// The indentation `space` asks for: up to 10 spaces, or the first 10 code units of a
/// string.
fn gap(agent: &mut dyn Agent, space: &Value) -> JsResult<String> {
    let unboxed = match space {
        Value::Object(o) => match primitive_of(o) {
            Some(Value::Number(_)) => Value::Number(to_number(agent, space)?),
            Some(Value::String(_)) => Value::String(to_string(agent, space)?),
            _ => space.clone(),
        },
        v => v.clone(),
    };
    Ok(match unboxed {
        Value::Number(_) => {
            let n = to_integer(agent, &unboxed)?.clamp(0.0, 10.0);
            " ".repeat(n as usize)
        }
        Value::String(s) => s.substring(0, 10).to_str_lossy().into_owned(),
        _ => String::new(),
    })
}

/// The primitive inside a wrapper object.
fn primitive_of(o: &Obj) -> Option<Value> {
    match &o.borrow().kind {
        Kind::Primitive(p) => Some(p.clone()),
        _ => None,
    }
}

/// The keys an array replacer lists: strings and numbers (boxed or not), without repeats.
fn property_list(agent: &mut dyn Agent, list: &Value) -> JsResult<Vec<JsStr>> {
    let len = length_of(agent, list)?;
    let mut out: Vec<JsStr> = Vec::new();
    for i in 0..len {
        let v = ops::get(agent, list, i.to_string().as_bytes())?;
        let item = match &v {
            Value::String(s) => Some(s.clone()),
            Value::Number(_) => v.primitive_string(),
            Value::Object(o) => match primitive_of(o) {
                Some(Value::String(_) | Value::Number(_)) => Some(to_string(agent, &v)?),
                _ => None,
            },
            _ => None,
        };
        if let Some(k) = item {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    Ok(out)
}

impl Serializer {
    /// `SerializeJSONProperty`: writes `holder[key]`, or returns false when it has no JSON
    /// form (undefined, functions, symbols).
    fn property(
        &mut self,
        agent: &mut dyn Agent,
        holder: &Value,
        key: JsStr,
        in_array: bool,
    ) -> JsResult<bool> {
        let mut value = ops::get(agent, holder, key.as_bytes())?;
        if matches!(value, Value::Object(_) | Value::BigInt(_)) {
            let to_json = ops::get_v(agent, &value, Key::Str(b"toJSON"))?;
            if to_json.is_function() {
                value = ops::call(agent, &to_json, &value, &[Value::String(key.clone())])?;
            }
        }
        if let Some(r) = self.replacer.clone() {
            value = ops::call(agent, &r, holder, &[Value::String(key.clone()), value])?;
        }
        if let Value::Object(o) = &value {
            match primitive_of(o) {
                Some(Value::Number(_)) => value = Value::Number(to_number(agent, &value)?),
                Some(Value::String(_)) => value = Value::String(to_string(agent, &value)?),
                Some(p @ (Value::Bool(_) | Value::BigInt(_))) => value = p,
                _ => {}
            }
        }
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Value::String(s) => quote(&s, &mut self.out),
            Value::Number(n) if n.is_finite() => {
                self.out.push_str(&crate::js::number::format(n));
            }
            Value::Number(_) => self.out.push_str("null"),
            Value::BigInt(_) => return type_error("Do not know how to serialize a BigInt"),
            Value::Object(o) if !o.is_function() => {
                let how = if in_array {
                    format!("index {key}")
                } else {
                    format!("property '{key}'")
                };
                self.enter(agent, &o, how)?;
                let stepback = self.indent.clone();
                self.indent.push_str(&self.gap);
                if is_array(&o) {
                    self.array(agent, &Value::Object(o))?;
                } else {
                    self.object(agent, &Value::Object(o))?;
                }
                self.indent = stepback;
                self.stack.pop();
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Starts serializing `o`: a `TypeError` if it is already being serialized.
    fn enter(&mut self, agent: &mut dyn Agent, o: &Obj, how: String) -> JsResult<()> {
        if let Some(i) = self.stack.iter().position(|(s, _)| s.ptr_eq(o)) {
            let message = circle_message(agent, &self.stack[i..], &how);
            return type_error(message);
        }
        if self.stack.len() >= MAX_DEPTH {
            return throw(ErrorType::RangeError, "Maximum call stack size exceeded");
        }
        self.stack.push((o.clone(), how));
        Ok(())
    }

    fn newline(&mut self) {
        if !self.gap.is_empty() {
            self.out.push('\n');
            self.out.push_str(&self.indent);
        }
    }

    fn close(&mut self, c: char) {
        if !self.gap.is_empty() {
            self.out.push('\n');
            let depth = self.indent.len() - self.gap.len();
            self.out.push_str(&self.indent[..depth]);
        }
        self.out.push(c);
    }

    fn array(&mut self, agent: &mut dyn Agent, a: &Value) -> JsResult<()> {
        let len = length_of(agent, a)?;
        if len == 0 {
            self.out.push_str("[]");
            return Ok(());
        }
        self.out.push('[');
        for i in 0..len {
            if i > 0 {
                self.out.push(',');
            }
            self.newline();
            if !self.property(agent, a, JsStr::from(i.to_string()), true)? {
                self.out.push_str("null");
            }
        }
        self.close(']');
        Ok(())
    }

    fn object(&mut self, agent: &mut dyn Agent, o: &Value) -> JsResult<()> {
        let names = match &self.property_list {
            Some(list) => list.clone(),
            None => keys(agent, o)?,
        };
        self.out.push('{');
        let mut any = false;
        for k in names {
            let mark = self.out.len();
            if any {
                self.out.push(',');
            }
            self.newline();
            quote(&k, &mut self.out);
            self.out.push(':');
            if !self.gap.is_empty() {
                self.out.push(' ');
            }
            if self.property(agent, o, k, false)? {
                any = true;
            } else {
                self.out.truncate(mark);
            }
        }
        if any {
            self.close('}');
        } else {
            self.out.push('}');
        }
        Ok(())
    }
}

/// V8's message for a cycle: the object it starts at, the path back to it (the middle
/// elided when long) and the key that closes it.
fn circle_message(agent: &mut dyn Agent, path: &[(Obj, String)], closing: &str) -> String {
    let mut out = String::from("Converting circular structure to JSON");
    let start = path.first().map(|(o, _)| constructor_name(agent, o));
    out += &format!(
        "\n    --> starting at object with constructor '{}'",
        start.unwrap_or_else(|| "Object".into())
    );
    let middle: Vec<String> = path
        .iter()
        .skip(1)
        .map(|(o, how)| {
            let name = constructor_name(agent, o);
            format!("\n    |     {how} -> object with constructor '{name}'")
        })
        .collect();
    if middle.len() > 3 {
        out += &middle[..2].concat();
        out += "\n    |     ...";
        out += &middle[middle.len() - 1];
    } else {
        out += &middle.concat();
    }
    out + &format!("\n    --- {closing} closes the circle")
}

/// Writes `s` as a JSON string literal: escapes for quotes, backslashes and control
/// characters, and lone surrogates as `\udXXX` (so the output is well-formed).
pub fn quote(s: &JsStr, out: &mut String) {
    out.push('"');
    let units = s.to_utf16();
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok('"') => out.push_str("\\\""),
            Ok('\\') => out.push_str("\\\\"),
            Ok('\n') => out.push_str("\\n"),
            Ok('\r') => out.push_str("\\r"),
            Ok('\t') => out.push_str("\\t"),
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok(c) if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            Ok(c) => out.push(c),
            Err(e) => out.push_str(&format!("\\u{:04x}", e.unpaired_surrogate())),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_v8() {
        let q = |units: &[u16]| {
            let mut out = String::new();
            quote(&JsStr::from_utf16(units), &mut out);
            out
        };
        let text = |s: &str| q(&s.encode_utf16().collect::<Vec<_>>());
        assert_eq!(
            text("a\"b\\c\n\u{1}\u{7f}é😀"),
            "\"a\\\"b\\\\c\\n\\u0001\u{7f}é😀\""
        );
        assert_eq!(q(&[0xD800]), "\"\\ud800\"");
        assert_eq!(q(&[0xDE00, 0xD800]), "\"\\ude00\\ud800\"");
        assert_eq!(q(&[0xD83D, 0xDE00]), "\"😀\"");
    }
}
