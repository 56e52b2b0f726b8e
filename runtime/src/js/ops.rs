//! The object operations JS code and `syscall/js` perform: property get/set/has/delete with
//! prototype chains, accessors and proxies, calls and construction, `instanceof`. The
//! semantics follow `Reflect` on the objects of [`super::value`].
//!
//! Reading a data property needs only the realm ([`get_data`]), so an import can look a name
//! up while it is still borrowed from guest memory; getters and proxy traps may run Go code
//! and go through the agent ([`get`]).

use std::rc::Rc;

use super::realm::Realm;
use super::string::{index_of, JsStr};
use super::value::{
    attrs, Agent, Callable, ErrorType, JsResult, Kind, Obj, ObjectData, Prop, Proto, Sym, Throw,
    TypedArray, Value,
};

/// Throws a new error of kind `ty`.
pub fn throw<T>(ty: ErrorType, msg: impl AsRef<str>) -> JsResult<T> {
    Err(Throw::Value(Value::Object(Obj::error(ty, msg.as_ref()))))
}

/// Throws a new `TypeError`.
pub fn type_error<T>(msg: impl AsRef<str>) -> JsResult<T> {
    throw(ErrorType::TypeError, msg)
}

/// Throws a new `RangeError`.
pub fn range_error<T>(msg: impl AsRef<str>) -> JsResult<T> {
    throw(ErrorType::RangeError, msg)
}

/// A property key: a name (by its WTF-8 bytes) or a symbol.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    /// A string key.
    Str(&'a [u8]),
    /// A symbol key.
    Sym(&'a Sym),
}

/// An owned property key.
#[derive(Clone)]
pub enum PropKey {
    /// A string key.
    Str(JsStr),
    /// A symbol key.
    Sym(Sym),
}

impl PropKey {
    /// Borrowed.
    pub fn as_key(&self) -> Key<'_> {
        match self {
            PropKey::Str(s) => Key::Str(s.as_bytes()),
            PropKey::Sym(s) => Key::Sym(s),
        }
    }

    /// As a JS value.
    pub fn to_value(&self) -> Value {
        match self {
            PropKey::Str(s) => Value::String(s.clone()),
            PropKey::Sym(s) => Value::Symbol(s.clone()),
        }
    }
}

/// Why a lookup needs the agent: a getter or a proxy is in the way.
#[derive(Debug)]
pub struct NeedsAgent;

/// A property of an object's own storage that is not in its property map: array elements
/// and `length`, typed array elements and their view fields, string wrapper characters.
fn own_virtual(kind: &Kind, key: &[u8]) -> Option<Value> {
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
                    super::conversions::element_value(t.get(i))
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
fn own_prop(data: &ObjectData, key: Key<'_>) -> Option<Prop> {
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
fn accessor_pair(v: &Value) -> (Value, Value) {
    match v {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Accessor(pair) => (pair.0.clone(), pair.1.clone()),
            _ => (Value::Undefined, Value::Undefined),
        },
        _ => (Value::Undefined, Value::Undefined),
    }
}

fn is_proxy(data: &ObjectData) -> bool {
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

/// `Reflect.get(target, key)` for a string key.
pub fn get(agent: &mut dyn Agent, target: &Value, key: &[u8]) -> JsResult {
    get_key(agent, target, Key::Str(key), target)
}

/// [`get`] with a Rust string key.
pub fn get_str(agent: &mut dyn Agent, target: &Value, key: &str) -> JsResult {
    get(agent, target, key.as_bytes())
}

/// `Reflect.get(target, key, receiver)`: own storage, own properties, then the prototype
/// chain, running getters (with `receiver` as `this`) and proxy traps.
pub fn get_key(agent: &mut dyn Agent, target: &Value, key: Key<'_>, receiver: &Value) -> JsResult {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.get called on non-object (property {})",
            key_text(key)
        ));
    };
    if let Key::Str(k) = key {
        if let Ok(v) = get_data(agent.realm(), o, k) {
            return Ok(v.unwrap_or_default());
        }
    }
    let mut next = Some(o.clone());
    while let Some(cur) = next {
        if let Some((t, h)) = proxy_parts_for(&cur, "get")? {
            return super::proxy::get(agent, &t, &h, key, receiver);
        }
        let found = own_prop(&cur.borrow(), key);
        if let Some(p) = found {
            if p.attrs & attrs::ACCESSOR == 0 {
                return Ok(p.value);
            }
            let (getter, _) = accessor_pair(&p.value);
            if getter.is_function() {
                return call(agent, &getter, receiver, &[]);
            }
            return Ok(Value::Undefined);
        }
        next = agent.realm().proto_of(&cur.borrow());
    }
    Ok(Value::Undefined)
}

/// `GetV`: a property of any value, primitives read through their wrapper's prototype
/// (`"abc".length`, a method of a number).
pub fn get_v(agent: &mut dyn Agent, v: &Value, key: Key<'_>) -> JsResult {
    match v {
        Value::Object(_) => get_key(agent, v, key, v),
        Value::Undefined | Value::Null => type_error(format!(
            "Cannot read properties of {} (reading {})",
            v.type_of().replace("object", "null"),
            key_text(key)
        )),
        Value::String(s) if matches!(key, Key::Str(b"length")) => {
            Ok(Value::Number(s.utf16_len() as f64))
        }
        _ => {
            let proto = agent.realm().primitive_proto(v);
            get_key(agent, &Value::Object(proto), key, v)
        }
    }
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

/// A key for messages.
pub fn key_text(key: Key<'_>) -> String {
    match key {
        Key::Str(k) => format!("'{}'", String::from_utf8_lossy(k)),
        Key::Sym(s) => format!(
            "Symbol({})",
            s.0.description
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
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
fn resize_array(items: &mut Vec<Value>, len: usize) -> JsResult<()> {
    if len > items.len() {
        dense(len)?;
        super::heap::charge((len - items.len()).saturating_mul(std::mem::size_of::<Value>()));
    }
    items.resize(len, Value::Undefined);
    Ok(())
}

/// Stores an own data property (array and typed array storage included).
fn set_own(o: &Obj, key: &[u8], value: Value) -> JsResult<bool> {
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
                    let e = super::conversions::element_of(t.kind, &value)?;
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

fn items_len(data: &ObjectData) -> usize {
    match &data.kind {
        Kind::Array(items) => items.len(),
        _ => 0,
    }
}

/// `Reflect.set(target, key, value)` for a string key.
pub fn set(agent: &mut dyn Agent, target: &Value, key: &[u8], value: Value) -> JsResult<bool> {
    set_key(agent, target, Key::Str(key), value, target)
}

/// `Reflect.set(target, key, value, receiver)`: runs setters and proxy traps; returns false
/// where JS would (a read-only property, a non-extensible object).
pub fn set_key(
    agent: &mut dyn Agent,
    target: &Value,
    key: Key<'_>,
    value: Value,
    receiver: &Value,
) -> JsResult<bool> {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.set called on non-object (property {})",
            key_text(key)
        ));
    };
    let same_receiver = matches!(receiver, Value::Object(r) if r.ptr_eq(o));
    if let (Key::Str(k), true) = (key, same_receiver) {
        if let Ok(r) = set_data(agent.realm(), o, k, value.clone()) {
            return r;
        }
    }
    let mut next = Some(o.clone());
    while let Some(cur) = next {
        if let Some((t, h)) = proxy_parts_for(&cur, "set")? {
            return super::proxy::set(agent, &t, &h, key, value, receiver);
        }
        if let Some(p) = own_prop(&cur.borrow(), key) {
            if p.attrs & attrs::ACCESSOR != 0 {
                let (_, setter) = accessor_pair(&p.value);
                if !setter.is_function() {
                    return Ok(false);
                }
                call(agent, &setter, receiver, &[value])?;
                return Ok(true);
            }
            if p.attrs & attrs::WRITABLE == 0 {
                return Ok(false);
            }
            break;
        }
        next = agent.realm().proto_of(&cur.borrow());
    }
    define_on_receiver(receiver, key, value)
}

/// The last step of `[[Set]]`: creates or updates the data property on the receiver.
fn define_on_receiver(receiver: &Value, key: Key<'_>, value: Value) -> JsResult<bool> {
    let Value::Object(r) = receiver else {
        return Ok(false);
    };
    match key {
        Key::Str(k) => set_own(r, k, value),
        Key::Sym(s) => {
            let mut data = r.borrow_mut();
            let extensible = data.extensible;
            match data.symbols.iter_mut().find(|(x, _)| x.ptr_eq(s)) {
                Some((_, p)) if p.attrs & attrs::WRITABLE == 0 => return Ok(false),
                Some((_, p)) => p.value = value,
                None if !extensible => return Ok(false),
                None => data.symbols.push((
                    s.clone(),
                    Prop {
                        value,
                        attrs: attrs::DEFAULT,
                    },
                )),
            }
            Ok(true)
        }
    }
}

/// `Reflect.has(target, key)`: own or inherited.
pub fn has(agent: &mut dyn Agent, target: &Value, key: Key<'_>) -> JsResult<bool> {
    let Value::Object(o) = target else {
        return type_error("Reflect.has called on non-object");
    };
    let mut next = Some(o.clone());
    while let Some(cur) = next {
        if let Some((t, h)) = proxy_parts_for(&cur, "has")? {
            return super::proxy::has(agent, &t, &h, key);
        }
        if own_prop(&cur.borrow(), key).is_some() {
            return Ok(true);
        }
        next = agent.realm().proto_of(&cur.borrow());
    }
    Ok(false)
}

/// `Reflect.deleteProperty(target, key)`.
pub fn delete(agent: &mut dyn Agent, target: &Value, key: Key<'_>) -> JsResult<bool> {
    let Value::Object(o) = target else {
        return type_error("Reflect.deleteProperty called on non-object");
    };
    if let Some((t, h)) = proxy_parts_for(o, "deleteProperty")? {
        return super::proxy::delete(agent, &t, &h, key);
    }
    Ok(delete_own(o, key))
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

/// `Reflect.apply(f, this, args)`.
pub fn call(agent: &mut dyn Agent, f: &Value, this: &Value, args: &[Value]) -> JsResult {
    let Value::Object(o) = f else {
        return type_error("value is not a function");
    };
    let callable = match &o.borrow().kind {
        Kind::Function(func) => Some(func.call.clone()),
        Kind::Proxy(_) => None,
        _ => return type_error("value is not a function"),
    };
    match callable {
        Some(c) => invoke(agent, &c, this, args),
        None => match proxy_parts_for(o, "apply")? {
            Some((t, h)) => super::proxy::apply(agent, &t, &h, this, args),
            None => type_error("value is not a function"),
        },
    }
}

fn invoke(agent: &mut dyn Agent, callable: &Callable, this: &Value, args: &[Value]) -> JsResult {
    match callable {
        Callable::Native(native) => native(agent, this, args),
        Callable::Builtin(f) => f(agent, this, args),
        Callable::Foreign(id) => agent.call_foreign(*id, this, args),
        Callable::Bound(b) => {
            let mut all = b.args.clone();
            all.extend_from_slice(args);
            call(agent, &b.target, &b.this, &all)
        }
    }
}

/// Is `v` something `new` works on?
pub fn is_constructor(v: &Value) -> bool {
    match v {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Function(f) => match &f.call {
                Callable::Bound(b) => is_constructor(&b.target),
                _ => f.construct.is_some(),
            },
            Kind::Proxy(Some(parts)) => is_constructor(&Value::Object(parts.0.clone())),
            _ => false,
        },
        _ => false,
    }
}

/// `Reflect.construct(ctor, args)`.
pub fn construct(agent: &mut dyn Agent, ctor: &Value, args: &[Value]) -> JsResult {
    let Value::Object(o) = ctor else {
        return type_error("value is not a constructor");
    };
    if let Some((t, h)) = proxy_parts_for(o, "construct")? {
        return super::proxy::construct(agent, &t, &h, args);
    }
    let (construct, bound) = match &o.borrow().kind {
        Kind::Function(f) => (f.construct.clone(), Some(f.call.clone())),
        _ => (None, None),
    };
    match (construct, bound) {
        (_, Some(Callable::Bound(b))) => {
            let mut all = b.args.clone();
            all.extend_from_slice(args);
            construct_bound(agent, &b.target, &all)
        }
        (Some(c), _) => invoke(agent, &c, ctor, args),
        _ => type_error("value is not a constructor"),
    }
}

fn construct_bound(agent: &mut dyn Agent, target: &Value, args: &[Value]) -> JsResult {
    construct(agent, target, args)
}

/// The prototype of `o` (`Object.getPrototypeOf`), running a proxy's trap.
pub fn proto_of(agent: &mut dyn Agent, o: &Obj) -> JsResult<Option<Obj>> {
    if let Some((t, h)) = proxy_parts_for(o, "getPrototypeOf")? {
        return super::proxy::get_prototype_of(agent, &t, &h);
    }
    Ok(agent.realm().proto_of(&o.borrow()))
}

/// `v instanceof ctor`: is `ctor.prototype` on `v`'s prototype chain?
pub fn instance_of(agent: &mut dyn Agent, v: &Value, ctor: &Value) -> JsResult<bool> {
    if !ctor.is_function() {
        if ctor.as_object().is_none() {
            return type_error("Right-hand side of 'instanceof' is not an object");
        }
        return type_error("Right-hand side of 'instanceof' is not callable");
    }
    let mut ctor = ctor.clone();
    // A bound function tests for its target.
    loop {
        let target = match &ctor.as_object().map(|o| o.borrow().kind_callable()) {
            Some(Some(Callable::Bound(b))) => b.target.clone(),
            _ => break,
        };
        ctor = target;
    }
    let Value::Object(target) = get(agent, &ctor, b"prototype")? else {
        return type_error("Function has non-object prototype in instanceof check");
    };
    let Value::Object(o) = v else {
        return Ok(false);
    };
    let mut next = proto_of(agent, o)?;
    while let Some(p) = next {
        if p.ptr_eq(&target) {
            return Ok(true);
        }
        next = proto_of(agent, &p)?;
    }
    Ok(false)
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

/// Makes a bound function.
pub fn bind(target: Value, this: Value, args: Vec<Value>) -> Obj {
    let bound = Rc::new(super::value::Bound { target, this, args });
    Obj::function(Callable::Bound(bound), None)
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
