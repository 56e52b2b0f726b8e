//! `String`: the constructor (a conversion when called, a wrapper object with `new`),
//! `fromCharCode`/`fromCodePoint`/`raw`, and `String.prototype`. Indices and lengths count
//! UTF-16 code units, as in JS, and lone surrogates survive every method.

mod pattern;
mod text;

pub use pattern::{replace, replace_all, split};

use super::iterators::{iterator, Source, Yield};
use crate::js::conversions::{self, to_integer};
use crate::js::native::{arg, builtin, constructor, define_methods, relative, Method};
use crate::js::ops::{range_error, type_error};
use crate::js::realm::Realm;
use crate::js::string::{JsStr, JsStrBuilder};
use crate::js::value::{attrs, Agent, Callable, Class, Intrinsic, JsResult, Kind, Obj, Value};

const STATICS: &[Method] = &[
    ("fromCharCode", from_char_code),
    ("fromCodePoint", from_code_point),
    ("raw", raw),
];

const PROTO: &[Method] = &[
    ("at", at),
    ("charAt", char_at),
    ("charCodeAt", char_code_at),
    ("codePointAt", code_point_at),
    ("concat", concat),
    ("endsWith", ends_with),
    ("includes", includes),
    ("indexOf", index_of),
    ("lastIndexOf", last_index_of),
    ("padEnd", |g, t, a| pad(g, t, a, false)),
    ("padStart", |g, t, a| pad(g, t, a, true)),
    ("repeat", repeat),
    ("slice", slice),
    ("startsWith", starts_with),
    ("substring", substring),
    ("substr", substr),
    ("toString", to_string),
    ("valueOf", to_string),
    ("isWellFormed", is_well_formed),
    ("toWellFormed", to_well_formed),
    ("split", split),
    ("replace", replace),
    ("replaceAll", replace_all),
];

pub use crate::js::string::MAX_LENGTH;

/// Installs `String` and `String.prototype`.
pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Other(Intrinsic::String));
    define_methods(&proto, PROTO);
    define_methods(&proto, text::METHODS);
    let iter = realm.symbols.iterator.clone();
    proto.define_symbol(&iter, builtin(string_iterator), attrs::HIDDEN);
    let ctor = constructor(
        realm,
        "String",
        Callable::Builtin(string_call),
        Callable::Builtin(string_new),
        &proto,
    );
    define_methods(&ctor, STATICS);
}

/// `String(v)`: a symbol gives its description form.
fn string_call(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    match args.first() {
        None => Ok(Value::from("")),
        Some(v) => Ok(Value::String(conversions::string_of(agent, v)?)),
    }
}

fn string_new(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let s = match args.first() {
        None => JsStr::default(),
        Some(v) => conversions::to_string(agent, v)?,
    };
    let o = Obj::new(
        Class::Other(Intrinsic::String),
        Kind::Primitive(Value::String(s)),
    );
    Ok(Value::Object(o))
}

/// `RequireObjectCoercible(this)` then `ToString`, as `String.prototype.method` starts.
pub fn this_string_for(agent: &mut dyn Agent, this: &Value, method: &str) -> JsResult<JsStr> {
    match this {
        Value::String(s) => Ok(s.clone()),
        Value::Undefined | Value::Null => type_error(format!(
            "String.prototype.{method} called on null or undefined"
        )),
        v => conversions::to_string(agent, v),
    }
}

/// `RequireObjectCoercible(this)` then `ToString` (for the `RegExp` wrappers).
#[allow(dead_code)]
pub fn this_string(agent: &mut dyn Agent, this: &Value) -> JsResult<JsStr> {
    this_string_for(agent, this, "method")
}

/// `this` as code units, for `method`.
fn units(agent: &mut dyn Agent, this: &Value, method: &str) -> JsResult<Vec<u16>> {
    Ok(this_string_for(agent, this, method)?.to_utf16())
}

fn string(units: &[u16]) -> JsResult {
    Ok(Value::String(JsStr::from_utf16(units)))
}

fn from_char_code(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let mut out = Vec::with_capacity(args.len());
    for v in args {
        let n = super::number::to_number(agent, v)?;
        out.push(crate::js::number::to_uint32(n) as u16);
    }
    string(&out)
}

fn from_code_point(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let mut out = Vec::with_capacity(args.len());
    for v in args {
        let n = super::number::to_number(agent, v)?;
        if n.trunc() != n || !(0.0..=1114111.0).contains(&n) {
            let shown = match v {
                Value::Number(_) => crate::js::number::format(n),
                v => conversions::display(agent.realm(), v),
            };
            return range_error(format!("Invalid code point {shown}"));
        }
        let c = n as u32;
        if c >= 0x10000 {
            let c = c - 0x10000;
            out.extend([(0xD800 + (c >> 10)) as u16, (0xDC00 + (c & 0x3FF)) as u16]);
        } else {
            out.push(c as u16);
        }
    }
    string(&out)
}

/// `String.raw(template, ...substitutions)`.
fn raw(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let cooked = super::object::to_object(&arg(args, 0))?;
    let raw = crate::js::ops::get(agent, &Value::Object(cooked), b"raw")?;
    let raw = Value::Object(super::object::to_object(&raw)?);
    let len = conversions::length_of(agent, &raw)?;
    let mut out = JsStrBuilder::new();
    for i in 0..len {
        let piece = crate::js::ops::get(agent, &raw, i.to_string().as_bytes())?;
        out.push_js(&conversions::to_string(agent, &piece)?);
        if i + 1 < len {
            if let Some(sub) = args.get(i + 1) {
                out.push_js(&conversions::to_string(agent, sub)?);
            }
        }
    }
    Ok(Value::String(out.finish()))
}

/// A position argument (`ToIntegerOrInfinity`) as a signed number.
fn position(agent: &mut dyn Agent, args: &[Value], i: usize) -> JsResult<f64> {
    to_integer(agent, &arg(args, i))
}

fn at(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "at")?;
    let n = position(agent, args, 0)?;
    let k = if n < 0.0 { s.len() as f64 + n } else { n };
    if k < 0.0 || k >= s.len() as f64 {
        return Ok(Value::Undefined);
    }
    string(&s[k as usize..k as usize + 1])
}

/// The code unit at a position argument, if in range.
fn unit_at(
    agent: &mut dyn Agent,
    this: &Value,
    args: &[Value],
    method: &str,
) -> JsResult<(Vec<u16>, Option<usize>)> {
    let s = units(agent, this, method)?;
    let n = position(agent, args, 0)?;
    let i = (n >= 0.0 && n < s.len() as f64).then_some(n as usize);
    Ok((s, i))
}

fn char_at(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    match unit_at(agent, this, args, "charAt")? {
        (s, Some(i)) => string(&s[i..i + 1]),
        _ => Ok(Value::from("")),
    }
}

fn char_code_at(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (s, i) = unit_at(agent, this, args, "charCodeAt")?;
    Ok(Value::Number(i.map_or(f64::NAN, |i| s[i] as f64)))
}

fn code_point_at(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (s, i) = unit_at(agent, this, args, "codePointAt")?;
    let Some(i) = i else {
        return Ok(Value::Undefined);
    };
    let first = s[i] as u32;
    let cp = match s.get(i + 1) {
        Some(&t) if (0xD800..0xDC00).contains(&first) && (0xDC00..0xE000).contains(&t) => {
            0x10000 + ((first - 0xD800) << 10) + (t as u32 - 0xDC00)
        }
        _ => first,
    };
    Ok(Value::Number(cp as f64))
}

fn concat(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let mut out = JsStrBuilder::new();
    out.push_js(&this_string_for(agent, this, "concat")?);
    for v in args {
        out.push_js(&conversions::to_string(agent, v)?);
    }
    Ok(Value::String(out.finish()))
}

/// Where `needle` first occurs in `hay` at or after `from`.
pub fn find(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..].starts_with(needle))
}

/// The search-string argument of `includes`/`startsWith`/`endsWith`, which must not be a
/// `RegExp`.
fn search_arg(agent: &mut dyn Agent, args: &[Value], method: &str) -> JsResult<Vec<u16>> {
    let v = arg(args, 0);
    if let Value::Object(o) = &v {
        if o.borrow().class == Class::Other(Intrinsic::RegExp) {
            return type_error(format!(
                "First argument to String.prototype.{method} must not be a regular expression"
            ));
        }
    }
    Ok(conversions::to_string(agent, &v)?.to_utf16())
}

/// A start position argument clamped to `0..=len` (`undefined` gives `default`).
fn clamped(
    agent: &mut dyn Agent,
    args: &[Value],
    i: usize,
    len: usize,
    default: usize,
) -> JsResult<usize> {
    if matches!(arg(args, i), Value::Undefined) {
        return Ok(default);
    }
    Ok(position(agent, args, i)?.clamp(0.0, len as f64) as usize)
}

fn includes(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "includes")?;
    let needle = search_arg(agent, args, "includes")?;
    let start = clamped(agent, args, 1, s.len(), 0)?;
    Ok(Value::Bool(find(&s, &needle, start).is_some()))
}

fn starts_with(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "startsWith")?;
    let needle = search_arg(agent, args, "startsWith")?;
    let start = clamped(agent, args, 1, s.len(), 0)?;
    Ok(Value::Bool(s[start..].starts_with(&needle)))
}

fn ends_with(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "endsWith")?;
    let needle = search_arg(agent, args, "endsWith")?;
    let end = clamped(agent, args, 1, s.len(), s.len())?;
    Ok(Value::Bool(s[..end].ends_with(&needle)))
}

fn index_of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "indexOf")?;
    let needle = conversions::to_string(agent, &arg(args, 0))?.to_utf16();
    let start = clamped(agent, args, 1, s.len(), 0)?;
    Ok(Value::Number(
        find(&s, &needle, start).map_or(-1.0, |i| i as f64),
    ))
}

fn last_index_of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "lastIndexOf")?;
    let needle = conversions::to_string(agent, &arg(args, 0))?.to_utf16();
    let n = super::number::to_number(agent, &arg(args, 1))?;
    let pos = if n.is_nan() { f64::INFINITY } else { n.trunc() };
    let start = pos.clamp(0.0, s.len() as f64) as usize;
    if needle.len() > s.len() {
        return Ok(Value::Number(-1.0));
    }
    let from = start.min(s.len() - needle.len());
    let found = (0..=from).rev().find(|&i| s[i..].starts_with(&needle));
    Ok(Value::Number(found.map_or(-1.0, |i| i as f64)))
}

fn pad(agent: &mut dyn Agent, this: &Value, args: &[Value], start: bool) -> JsResult {
    let method = if start { "padStart" } else { "padEnd" };
    let s = units(agent, this, method)?;
    let max = conversions::to_length(agent, &arg(args, 0))?;
    if max <= s.len() {
        return string(&s);
    }
    let filler = match arg(args, 1) {
        Value::Undefined => vec![b' ' as u16],
        v => conversions::to_string(agent, &v)?.to_utf16(),
    };
    if filler.is_empty() {
        return string(&s);
    }
    if max > MAX_LENGTH {
        return range_error("Invalid string length");
    }
    crate::js::heap::reserve(max.saturating_mul(2))?;
    let fill: Vec<u16> = filler.iter().copied().cycle().take(max - s.len()).collect();
    let out = if start {
        [fill, s].concat()
    } else {
        [s, fill].concat()
    };
    string(&out)
}

fn repeat(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "repeat")?;
    let n = super::number::to_number(agent, &arg(args, 0))?;
    let count = if n.is_nan() { 0.0 } else { n.trunc() };
    if count < 0.0 || count.is_infinite() {
        let shown = crate::js::number::format(n);
        return range_error(format!("Invalid count value: {shown}"));
    }
    let len = s.utf16_len();
    if len == 0 || count == 0.0 {
        return Ok(Value::from(""));
    }
    if len as f64 * count > MAX_LENGTH as f64 {
        return range_error("Invalid string length");
    }
    crate::js::heap::reserve((s.as_bytes().len() as f64 * count) as usize)?;
    let mut out = JsStrBuilder::new();
    for _ in 0..count as usize {
        out.push_js(&s);
    }
    Ok(Value::String(out.finish()))
}

fn slice(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "slice")?;
    let len = s.len();
    let start = rel(agent, args, 0, len, 0)?;
    let end = rel(agent, args, 1, len, len)?;
    string(if start < end { &s[start..end] } else { &[] })
}

/// A `relative` index argument after `ToIntegerOrInfinity` (which may run code).
fn rel(
    agent: &mut dyn Agent,
    args: &[Value],
    i: usize,
    len: usize,
    default: usize,
) -> JsResult<usize> {
    match arg(args, i) {
        Value::Undefined => Ok(default),
        v => Ok(relative(
            &Value::Number(to_integer(agent, &v)?),
            len,
            default,
        )),
    }
}

fn substring(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "substring")?;
    let a = clamped(agent, args, 0, s.len(), 0)?;
    let b = clamped(agent, args, 1, s.len(), s.len())?;
    string(&s[a.min(b)..a.max(b)])
}

fn substr(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = units(agent, this, "substr")?;
    let start = rel(agent, args, 0, s.len(), 0)?;
    let count = match arg(args, 1) {
        Value::Undefined => s.len() as f64,
        v => to_integer(agent, &v)?,
    };
    let end = (start as f64 + count.max(0.0)).min(s.len() as f64) as usize;
    string(if start < end { &s[start..end] } else { &[] })
}

/// `thisStringValue` (`toString` and `valueOf`).
fn to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    match this {
        Value::String(_) => return Ok(this.clone()),
        Value::Object(o) => {
            if let Kind::Primitive(v @ Value::String(_)) = &o.borrow().kind {
                return Ok(v.clone());
            }
        }
        _ => {}
    }
    type_error("String.prototype.toString requires that 'this' be a String")
}

fn is_well_formed(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "isWellFormed")?;
    Ok(Value::Bool(s.as_str().is_some()))
}

fn to_well_formed(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "toWellFormed")?;
    Ok(Value::from(s.to_str_lossy().into_owned()))
}

/// `String.prototype[Symbol.iterator]`: the code points.
fn string_iterator(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "[Symbol.iterator]")?;
    Ok(iterator(
        Intrinsic::StringIterator,
        Source::Str(s),
        Yield::Values,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_code_units() {
        let hay: Vec<u16> = "banana".encode_utf16().collect();
        let an: Vec<u16> = "an".encode_utf16().collect();
        assert_eq!(find(&hay, &an, 2), Some(3));
        assert_eq!(find(&hay, &an, 4), None);
        assert_eq!(find(&hay, &[], 6), Some(6));
    }
}
