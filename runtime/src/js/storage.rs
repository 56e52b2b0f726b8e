//! Objects' own storage, read and written without running code: data properties, array and
//! typed array elements, the fields objects keep outside their property map, and the limits
//! on dense arrays. [`super::ops`] builds the full operations (getters, setters, proxies) on
//! it; [`get_data`] and [`set_data`] serve lookups that must not run guest code.

use super::errors::{range_error, type_error};
use super::key::Key;
use super::realm::Realm;
use super::string::{index_of, JsStr};
use super::value::{
    attrs, Callable, JsResult, Kind, Obj, ObjectData, Prop, Proto, TypedArray, Value,
};

/// Why a lookup needs the agent: a getter or a proxy is in the way.
#[derive(Debug)]
pub struct NeedsAgent;

/// A property of an object's own storage that is not in its property map: array elements
/// and `length`, typed array elements and their view fields, string wrapper characters.
pub(super) fn own_virtual(kind: &Kind, key: &[u8]) -> Option<Value> {
    match kind {
        Kind::Array(items) => {
            if key == b"length" {
                return Some(Value::Number(items.len() as f64));
            }
            let i = index_of(key)? as usize;
            Some(items.get(i).cloned().unwrap_or_default())
        }
        Kind::Typed(t) => match key {
            // A view its buffer no longer covers (detached by a transfer) is empty.
            _ if t.is_out_of_bounds() && key != b"buffer" => {
                (key == b"length" || key == b"byteLength" || key == b"byteOffset")
                    .then_some(Value::Number(0.0))
                    .or_else(|| index_of(key).map(|_| Value::Undefined))
            }
            b"length" => Some(Value::Number(t.len as f64)),
            b"byteLength" => Some(Value::Number(t.byte_len() as f64)),
            b"byteOffset" => Some(Value::Number(t.offset as f64)),
            b"buffer" => Some(Value::Object(super::value::buffer_object(&t.buffer))),
            _ => {
                let i = index_of(key)? as usize;
                Some(if i < t.len {
                    super::element::element_value(t.get(i))
                } else {
                    Value::Undefined
                })
            }
        },
        Kind::Primitive(Value::String(s)) => {
            if key == b"length" {
                return Some(Value::Number(s.utf16_len() as f64));
            }
            let i = index_of(key)? as usize;
            let unit = s.code_units().nth(i)?;
            Some(Value::String(JsStr::from_utf16(&[unit])))
        }
        _ => None,
    }
}

/// An own property of `data` under `key`, as stored (accessors as their pair object).
pub(super) fn own_prop(data: &ObjectData, key: Key<'_>) -> Option<Prop> {
    match key {
        Key::Str(k) => {
            if let Some(v) = own_virtual(&data.kind, k) {
                return Some(Prop {
                    value: v,
                    attrs: attrs::WRITABLE | attrs::ENUMERABLE,
                });
            }
            data.props.get(k).cloned()
        }
        Key::Sym(s) => data.symbol_prop(s).cloned(),
    }
}

/// The getter and setter of an accessor property's pair object.
pub(super) fn accessor_pair(v: &Value) -> (Value, Value) {
    match v {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Accessor(pair) => (pair.0.clone(), pair.1.clone()),
            _ => (Value::Undefined, Value::Undefined),
        },
        _ => (Value::Undefined, Value::Undefined),
    }
}

pub(super) fn is_proxy(data: &ObjectData) -> bool {
    matches!(data.kind, Kind::Proxy(_))
}

/// `Reflect.get` of a data property, without running code: `Ok(None)` when absent,
/// `Err(NeedsAgent)` when a getter or proxy is on the way.
pub fn get_data(realm: &Realm, target: &Obj, key: &[u8]) -> Result<Option<Value>, NeedsAgent> {
    let mut next = Some(target.clone());
    while let Some(o) = next {
        let data = o.borrow();
        if is_proxy(&data) {
            return Err(NeedsAgent);
        }
        if let Some(v) = own_virtual(&data.kind, key) {
            return Ok(Some(v));
        }
        if let Some(p) = data.props.get(key) {
            if p.attrs & attrs::ACCESSOR != 0 {
                return Err(NeedsAgent);
            }
            return Ok(Some(p.value.clone()));
        }
        next = realm.proto_of(&data);
    }
    Ok(None)
}

/// The target and handler of a proxy object; throws for a revoked one.
pub fn proxy_parts(o: &Obj) -> JsResult<Option<(Obj, Obj)>> {
    proxy_parts_for(o, "operation")
}

/// [`proxy_parts`] for the operation `op` (`get`, `set`, ...), which V8 names when the proxy
/// was revoked.
pub fn proxy_parts_for(o: &Obj, op: &str) -> JsResult<Option<(Obj, Obj)>> {
    match &o.borrow().kind {
        Kind::Proxy(Some(parts)) => Ok(Some((parts.0.clone(), parts.1.clone()))),
        Kind::Proxy(None) => type_error(format!(
            "Cannot perform '{op}' on a proxy that has been revoked"
        )),
        _ => Ok(None),
    }
}

/// What an assignment without running code does, or `Err(NeedsAgent)` when a setter or a
/// proxy is on the way.
pub fn set_data(
    realm: &Realm,
    target: &Obj,
    key: &[u8],
    value: Value,
) -> Result<JsResult<bool>, NeedsAgent> {
    // Inherited accessors and read-only properties decide too (setters need the agent).
    {
        let data = target.borrow();
        if is_proxy(&data) {
            return Err(NeedsAgent);
        }
        let own = data.props.get(key).map(|p| p.attrs);
        if own.is_none() && own_virtual(&data.kind, key).is_none() {
            let mut next = realm.proto_of(&data);
            while let Some(p) = next {
                let pd = p.borrow();
                if is_proxy(&pd) {
                    return Err(NeedsAgent);
                }
                if let Some(prop) = pd.props.get(key) {
                    if prop.attrs & attrs::ACCESSOR != 0 {
                        return Err(NeedsAgent);
                    }
                    if prop.attrs & attrs::WRITABLE == 0 {
                        return Ok(Ok(false));
                    }
                    break;
                }
                next = realm.proto_of(&pd);
            }
        } else if own.is_some_and(|a| a & attrs::ACCESSOR != 0) {
            return Err(NeedsAgent);
        }
    }
    Ok(set_own(target, key, value))
}

/// The most elements an array made here holds (V8's limit for fast elements): beyond it
/// a guest would exhaust memory rather than get a sparse array.
const MAX_DENSE: usize = 1 << 27;

/// `len` if an array that long can be made (and fits in the guest's JS heap), a RangeError
/// otherwise.
pub fn dense(len: usize) -> JsResult<usize> {
    if len > MAX_DENSE {
        return range_error("Invalid array length");
    }
    super::heap::reserve(len.saturating_mul(std::mem::size_of::<Value>()))?;
    Ok(len)
}

/// Resizes an array's dense storage. Arrays are dense here, so a length or index far past
/// the end would allocate every element in between: past V8's limit for fast elements that
/// is a RangeError, and any growth must fit in the guest's JS heap.
pub(super) fn resize_array(items: &mut Vec<Value>, len: usize) -> JsResult<()> {
    if len > items.len() {
        dense(len)?;
        super::heap::charge((len - items.len()).saturating_mul(std::mem::size_of::<Value>()));
    }
    items.resize(len, Value::Undefined);
    Ok(())
}

/// Stores an own data property (array and typed array storage included).
pub(super) fn set_own(o: &Obj, key: &[u8], value: Value) -> JsResult<bool> {
    let mut data = o.borrow_mut();
    let frozen = data.frozen;
    match &mut data.kind {
        Kind::Array(_) if frozen && (key == b"length" || index_of(key).is_some()) => {
            return Ok(false)
        }
        Kind::Array(items) => {
            if key == b"length" {
                let n = value.to_number();
                if n >= 0.0 && n.fract() == 0.0 && n < 4294967296.0 {
                    resize_array(items, n as usize)?;
                    return Ok(true);
                }
                drop(data);
                return range_error("Invalid array length");
            }
            if let Some(i) = index_of(key) {
                if !data.extensible && i as usize >= items_len(&data) {
                    return Ok(false);
                }
                let Kind::Array(items) = &mut data.kind else {
                    unreachable!("checked above")
                };
                let i = i as usize;
                if i >= items.len() {
                    resize_array(items, i + 1)?;
                }
                items[i] = value;
                return Ok(true);
            }
        }
        Kind::Typed(t) => {
            if let Some(i) = index_of(key) {
                if (i as usize) < t.len {
                    let t = t.clone();
                    drop(data);
                    let e = super::element::element_of(t.kind, &value)?;
                    t.set(i as usize, &e);
                }
                return Ok(true);
            }
            if matches!(key, b"length" | b"byteLength" | b"byteOffset" | b"buffer") {
                return Ok(false);
            }
        }
        _ => {}
    }
    if let Some(p) = data.props.get_mut(key) {
        if p.attrs & attrs::WRITABLE == 0 {
            return Ok(false);
        }
        p.value = value;
        return Ok(true);
    }
    if !data.extensible {
        return Ok(false);
    }
    data.props.insert(
        JsStr::from_wtf8(key),
        Prop {
            value,
            attrs: attrs::DEFAULT,
        },
    );
    Ok(true)
}

pub(super) fn items_len(data: &ObjectData) -> usize {
    match &data.kind {
        Kind::Array(items) => items.len(),
        _ => 0,
    }
}

/// Deletes an own property (array storage included); false for a non-configurable one.
pub fn delete_own(o: &Obj, key: Key<'_>) -> bool {
    let mut data = o.borrow_mut();
    let key = match key {
        Key::Sym(s) => {
            let configurable = data
                .symbol_prop(s)
                .is_none_or(|p| p.attrs & attrs::CONFIGURABLE != 0);
            if configurable {
                data.symbols.retain(|(x, _)| !x.ptr_eq(s));
            }
            return configurable;
        }
        Key::Str(k) => k,
    };
    let frozen = data.frozen;
    if let (Kind::Array(items), Some(i)) = (&mut data.kind, index_of(key)) {
        if frozen && (i as usize) < items.len() {
            return false;
        }
        if let Some(slot) = items.get_mut(i as usize) {
            *slot = Value::Undefined;
        }
        return true;
    }
    match data.props.get(key) {
        Some(p) if p.attrs & attrs::CONFIGURABLE == 0 => false,
        Some(_) => {
            data.props.shift_remove(key);
            true
        }
        None => true,
    }
}

impl ObjectData {
    /// How the object is called, if it is a function.
    pub fn kind_callable(&self) -> Option<Callable> {
        match &self.kind {
            Kind::Function(f) => Some(f.call.clone()),
            _ => None,
        }
    }
}

/// The typed array inside `v`, if any.
pub fn typed(v: &Value) -> Option<TypedArray> {
    v.as_object().and_then(Obj::typed_array)
}

/// Sets an object's prototype (`Object.setPrototypeOf`); false if it is not extensible.
pub fn set_proto(o: &Obj, proto: Option<Obj>) -> bool {
    let mut data = o.borrow_mut();
    if !data.extensible {
        return false;
    }
    data.proto = match proto {
        Some(p) => Proto::Object(p),
        None => Proto::Null,
    };
    true
}
