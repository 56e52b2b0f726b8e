//! Conversions that may run JS code (an object's `toString`, `valueOf`,
//! `[Symbol.toPrimitive]`, a proxy's traps, an iterator's `next`): `ToPrimitive`,
//! `ToString`, `ToNumber`, `ToPropertyKey`, `Object.keys`, iteration, typed array elements.

pub use super::element::{element_of, element_value, to_bigint};
use super::ops::{self, type_error, Key, PropKey};
use super::realm::Realm;
use super::string::JsStr;
use super::value::{attrs, Agent, JsResult, Kind, Obj, Value};

/// The hint `ToPrimitive` passes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// `String(v)`.
    String,
    /// `Number(v)`, arithmetic.
    Number,
    /// `+`, `==`.
    Default,
}

/// `ToPrimitive(v, hint)`: `[Symbol.toPrimitive]`, then `toString`/`valueOf` in the hint's
/// order.
pub fn to_primitive(agent: &mut dyn Agent, v: &Value, hint: Hint) -> JsResult {
    if v.is_primitive() {
        return Ok(v.clone());
    }
    let to_prim = agent.realm().symbols.to_primitive.clone();
    let exotic = ops::get_key(agent, v, Key::Sym(&to_prim), v)?;
    if exotic.is_function() {
        let name = match hint {
            Hint::String => "string",
            Hint::Number => "number",
            Hint::Default => "default",
        };
        let r = ops::call(agent, &exotic, v, &[Value::from(name)])?;
        if r.is_primitive() {
            return Ok(r);
        }
        return type_error("Cannot convert object to primitive value");
    }
    let order: [&[u8]; 2] = match hint {
        Hint::String => [b"toString", b"valueOf"],
        _ => [b"valueOf", b"toString"],
    };
    for method in order {
        let f = ops::get(agent, v, method)?;
        if f.is_function() {
            let r = ops::call(agent, &f, v, &[])?;
            if r.is_primitive() {
                return Ok(r);
            }
        }
    }
    type_error("Cannot convert object to primitive value")
}

/// JS `ToString(v)` (throws for symbols).
pub fn to_string(agent: &mut dyn Agent, v: &Value) -> JsResult<JsStr> {
    let p = to_primitive(agent, v, Hint::String)?;
    match p.primitive_string() {
        Some(s) => Ok(s),
        None => type_error("Cannot convert a Symbol value to a string"),
    }
}

/// `String(v)`: as [`to_string`], but a symbol gives its description form.
pub fn string_of(agent: &mut dyn Agent, v: &Value) -> JsResult<JsStr> {
    match v {
        Value::Symbol(s) => Ok(JsStr::from(symbol_text(s))),
        _ => to_string(agent, v),
    }
}

/// `Symbol(desc).toString()`.
pub fn symbol_text(s: &super::value::Sym) -> String {
    let desc = s.0.description.as_ref().map(|d| d.to_string());
    format!("Symbol({})", desc.unwrap_or_default())
}

/// JS `ToNumber(v)` (throws for symbols and BigInts).
pub fn to_number(agent: &mut dyn Agent, v: &Value) -> JsResult<f64> {
    match to_primitive(agent, v, Hint::Number)? {
        Value::Symbol(_) => type_error("Cannot convert a Symbol value to a number"),
        Value::BigInt(_) => type_error("Cannot convert a BigInt value to a number"),
        p => Ok(p.to_number()),
    }
}

/// `ToIntegerOrInfinity(v)`.
pub fn to_integer(agent: &mut dyn Agent, v: &Value) -> JsResult<f64> {
    let n = to_number(agent, v)?;
    Ok(if n.is_nan() { 0.0 } else { n.trunc() + 0.0 })
}

/// `ToPropertyKey(v)`.
pub fn to_property_key(agent: &mut dyn Agent, v: &Value) -> JsResult<PropKey> {
    match to_primitive(agent, v, Hint::String)? {
        Value::Symbol(s) => Ok(PropKey::Sym(s)),
        p => Ok(PropKey::Str(p.primitive_string().unwrap_or_default())),
    }
}

/// `String(v)` for messages and diagnostics, where running guest code is not wanted:
/// objects show as `[object Object]` or `Name: message` for errors.
pub fn display(realm: &Realm, v: &Value) -> String {
    if let Value::Symbol(s) = v {
        return symbol_text(s);
    }
    if let Some(s) = v.primitive_string() {
        return s.to_string();
    }
    let Value::Object(o) = v else {
        return String::new();
    };
    let text = |key: &[u8]| {
        ops::get_data(realm, o, key)
            .ok()
            .flatten()
            .and_then(|v| v.primitive_string())
    };
    match (text(b"name"), text(b"message")) {
        (Some(n), Some(m)) if m.is_empty() => n.to_string(),
        (Some(n), Some(m)) => format!("{n}: {m}"),
        _ => "[object Object]".into(),
    }
}

/// `v.length`, as wasm_exec.js's `valueLength` reads it (then `parseInt`).
pub fn length(agent: &mut dyn Agent, v: &Value) -> JsResult<f64> {
    let len = match v {
        Value::String(s) => return Ok(s.utf16_len() as f64),
        Value::Undefined | Value::Null => return type_error("Cannot read properties of null"),
        Value::Object(_) => ops::get(agent, v, b"length")?,
        _ => Value::Undefined,
    };
    Ok(match len {
        Value::Number(n) if n.is_finite() => n.trunc(),
        Value::String(s) => super::number::parse_number(&s.to_str_lossy()).trunc(),
        _ => f64::NAN,
    })
}

/// `LengthOfArrayLike(v)`: `ToLength(v.length)`.
pub fn length_of(agent: &mut dyn Agent, v: &Value) -> JsResult<usize> {
    let len = ops::get_v(agent, v, Key::Str(b"length"))?;
    let n = to_integer(agent, &len)?;
    Ok(n.clamp(0.0, 9007199254740991.0) as usize)
}

/// All own keys (`Reflect.ownKeys`): indices, strings in order, then symbols.
pub fn own_keys(agent: &mut dyn Agent, o: &Obj) -> JsResult<Vec<PropKey>> {
    if let Some((t, h)) = ops::proxy_parts(o)? {
        return ops::traps(agent)?.own_keys(agent, &t, &h);
    }
    Ok(own_keys_plain(o, false))
}

/// Own keys of an ordinary object; only enumerable string keys with `enumerable_only`.
pub fn own_keys_plain(o: &Obj, enumerable_only: bool) -> Vec<PropKey> {
    let data = o.borrow();
    let mut keys: Vec<PropKey> = match &data.kind {
        Kind::Array(items) => (0..items.len()).map(index_key).collect(),
        Kind::Typed(t) => (0..t.len).map(index_key).collect(),
        Kind::Primitive(Value::String(s)) => (0..s.utf16_len()).map(index_key).collect(),
        _ => Vec::new(),
    };
    let mut named: Vec<JsStr> = data
        .props
        .iter()
        .filter(|(_, p)| !enumerable_only || p.attrs & attrs::ENUMERABLE != 0)
        .map(|(k, _)| k.clone())
        .collect();
    if named.iter().any(|k| k.array_index().is_some()) {
        // Stable: named keys keep their insertion order behind the indices.
        named.sort_by_key(|k| k.array_index().map_or(u64::MAX, u64::from));
    }
    if matches!(data.kind, Kind::Array(_)) && !enumerable_only {
        named.insert(0, JsStr::from("length"));
    }
    keys.extend(named.into_iter().map(PropKey::Str));
    if !enumerable_only {
        keys.extend(data.symbols.iter().map(|(s, _)| PropKey::Sym(s.clone())));
    }
    keys
}

fn index_key(i: usize) -> PropKey {
    PropKey::Str(JsStr::from(i.to_string()))
}

/// `Object.keys(v)`: own enumerable string keys in JS order (a proxy's through its traps).
pub fn keys(agent: &mut dyn Agent, v: &Value) -> JsResult<Vec<JsStr>> {
    let Value::Object(o) = v else {
        return Ok(Vec::new());
    };
    if ops::proxy_parts(o)?.is_some() {
        let all = own_keys(agent, o)?;
        return Ok(all
            .into_iter()
            .filter_map(|k| match k {
                PropKey::Str(s) => Some(s),
                PropKey::Sym(_) => None,
            })
            .collect());
    }
    Ok(own_keys_plain(o, true)
        .into_iter()
        .filter_map(|k| match k {
            PropKey::Str(s) => Some(s),
            PropKey::Sym(_) => None,
        })
        .collect())
}

/// V8's TypeError for iterating a value without `[Symbol.iterator]`: primitives are shown
/// with their type (`number 42`), objects by type alone.
pub fn not_iterable<T>(agent: &mut dyn Agent, v: &Value) -> JsResult<T> {
    let shown = match v {
        Value::Undefined => "undefined".to_string(),
        Value::Null => "object null".to_string(),
        Value::Object(_) => v.type_of().to_string(),
        _ => format!("{} {}", v.type_of(), display(agent.realm(), v)),
    };
    type_error(format!(
        "{shown} is not iterable (cannot read property Symbol(Symbol.iterator))"
    ))
}

/// Runs the iteration protocol over `v` to the end (`Array.from(v)`, `new Map(v)`,
/// `Promise.all(v)`): arrays of plain storage directly, anything else through
/// `[Symbol.iterator]`.
pub fn iterate(agent: &mut dyn Agent, v: &Value) -> JsResult<Vec<Value>> {
    let iterator_sym = agent.realm().symbols.iterator.clone();
    let method = ops::get_v(agent, v, Key::Sym(&iterator_sym))?;
    if !method.is_function() {
        return not_iterable(agent, v);
    }
    let it = ops::call(agent, &method, v, &[])?;
    let next = ops::get_v(agent, &it, Key::Str(b"next"))?;
    let mut out = Vec::new();
    loop {
        let r = ops::call(agent, &next, &it, &[])?;
        if r.as_object().is_none() {
            return type_error("Iterator result is not an object");
        }
        if ops::get(agent, &r, b"done")?.truthy() {
            return Ok(out);
        }
        out.push(ops::get(agent, &r, b"value")?);
    }
}

/// `ToLength(v)`.
pub fn to_length(agent: &mut dyn Agent, v: &Value) -> JsResult<usize> {
    Ok(to_integer(agent, v)?.clamp(0.0, 9007199254740991.0) as usize)
}
