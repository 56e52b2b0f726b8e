//! [`JsValue`]: JS values as Rust data, for arguments and results crossing the embedding API.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use crate::error::Error;
use crate::handle::Handles;
pub use crate::handle::JsObject;
use crate::js::value::Proto;
use crate::js::{
    ops, Agent, Class, ErrorType, JsStr, Kind, Obj, Realm, Throw, TypedArray, TypedKind, Value,
};

/// A host function the embedder puts into the guest's world: receives the arguments, returns
/// a value or throws one (the guest sees a thrown `js.Error` for [`JsValue::Error`]). It is
/// `Send + Sync` because the instance holding it may move between threads.
pub type HostFn =
    Arc<dyn Fn(&mut Context<'_>, Vec<JsValue>) -> Result<JsValue, JsValue> + Send + Sync>;

/// A function value: one the embedder made, or one that lives in the guest's world (for
/// example a `js.FuncOf` the guest passed to a host function).
#[derive(Clone)]
pub struct JsFunction(FunctionInner);

#[derive(Clone)]
enum FunctionInner {
    Host(HostFn),
    Guest(JsObject),
}

impl JsFunction {
    /// A function implemented by the embedder.
    pub fn new(
        f: impl Fn(&mut Context<'_>, Vec<JsValue>) -> Result<JsValue, JsValue> + Send + Sync + 'static,
    ) -> JsFunction {
        JsFunction(FunctionInner::Host(Arc::new(f)))
    }

    /// The handle of a function living in the guest's world (`None` for the embedder's own).
    pub fn as_handle(&self) -> Option<&JsObject> {
        match &self.0 {
            FunctionInner::Guest(h) => Some(h),
            FunctionInner::Host(_) => None,
        }
    }
}

impl fmt::Debug for JsFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JsFunction")
    }
}

impl PartialEq for JsFunction {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (FunctionInner::Host(a), FunctionInner::Host(b)) => Arc::ptr_eq(a, b),
            (FunctionInner::Guest(a), FunctionInner::Guest(b)) => a == b,
            _ => false,
        }
    }
}

/// A JS value as Rust data.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum JsValue {
    /// `undefined`.
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string (which, as JS strings may, can hold lone UTF-16 surrogates).
    String(JsString),
    /// A `Uint8Array`.
    Bytes(Vec<u8>),
    /// Another typed array: its constructor name and elements.
    Typed(String, Vec<f64>),
    /// An array (copied).
    Array(Vec<JsValue>),
    /// A plain object (copied): own enumerable properties in order. Object literals,
    /// `JSON.parse` results and `js.ValueOf(map)` cross this way.
    Object(Vec<(String, JsValue)>),
    /// A function.
    Function(JsFunction),
    /// Any other object (a Promise, a Map, a Date, a class instance, a proxy, ...): it stays
    /// in the guest's world and the embedder holds a handle with its identity (see
    /// [`crate::Instance::handle`] for a handle to a plain object).
    Handle(JsObject),
    /// An `Error` with this message.
    Error(String),
    /// A BigInt, in decimal.
    BigInt(String),
    /// A symbol (its description; symbols made on the host side are new each time).
    Symbol(Option<String>),
}

impl JsValue {
    /// Builds an object from pairs.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, JsValue)>) -> JsValue {
        JsValue::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A function value from a closure.
    pub fn function(
        f: impl Fn(&mut Context<'_>, Vec<JsValue>) -> Result<JsValue, JsValue> + Send + Sync + 'static,
    ) -> JsValue {
        JsValue::Function(JsFunction::new(f))
    }

    /// The string, if it is one and holds no lone surrogate (see [`JsString`]).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsValue::String(s) => s.as_str(),
            _ => None,
        }
    }

    /// The bytes, if it is a `Uint8Array`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            JsValue::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            JsValue::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// A JS string as Rust data: UTF-16 code units, which (unlike a Rust string) may include
/// lone surrogates (`String.fromCharCode(0xD800)`); such a string passes through host
/// functions intact. Well-formed strings are plain UTF-8 ([`JsString::as_str`]). Kept as
/// WTF-8 bytes.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct JsString(Arc<[u8]>);

impl JsString {
    /// The string whose UTF-16 code units are `units` (lone surrogates kept).
    pub fn from_utf16(units: &[u16]) -> JsString {
        JsString::from_js(&JsStr::from_utf16(units))
    }

    fn from_js(s: &JsStr) -> JsString {
        JsString(Arc::from(s.as_bytes()))
    }

    fn to_js(&self) -> JsStr {
        JsStr::from_wtf8(&self.0)
    }

    /// The text, if the string holds no lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        // WTF-8 is UTF-8 exactly when no surrogate is encoded.
        std::str::from_utf8(&self.0).ok()
    }

    /// The text with each lone surrogate replaced by U+FFFD (what Go's `Value.String()`
    /// and `TextEncoder` see).
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        match self.as_str() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(self.to_js().to_str_lossy().into_owned()),
        }
    }

    /// The UTF-16 code units.
    pub fn to_utf16(&self) -> Vec<u16> {
        self.to_js().to_utf16()
    }

    /// Does the string hold no lone surrogate?
    pub fn is_well_formed(&self) -> bool {
        self.as_str().is_some()
    }
}

impl From<&str> for JsString {
    fn from(s: &str) -> Self {
        JsString(Arc::from(s.as_bytes()))
    }
}

impl From<String> for JsString {
    fn from(s: String) -> Self {
        JsString(Arc::from(s.into_bytes()))
    }
}

impl PartialEq<str> for JsString {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for JsString {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// The text, lone surrogates as U+FFFD.
impl fmt::Display for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

impl fmt::Debug for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_js(), f)
    }
}

macro_rules! from_impl {
    ($($t:ty => $variant:ident $(as $cast:ty)?),*) => {$(
        impl From<$t> for JsValue {
            fn from(v: $t) -> Self { JsValue::$variant((v $(as $cast)?).into()) }
        }
    )*};
}
from_impl!(bool => Bool, f64 => Number, i32 => Number as f64, u32 => Number as f64, &str => String, String => String, Vec<u8> => Bytes, &[u8] => Bytes);

/// What a host function gets besides its arguments: the way back into the guest.
pub struct Context<'a> {
    pub(crate) agent: &'a mut dyn Agent,
}

impl Context<'_> {
    /// Calls a function value (for example a `js.FuncOf` the guest passed in), which may run
    /// guest code.
    pub fn call(&mut self, f: &JsValue, args: Vec<JsValue>) -> Result<JsValue, Error> {
        call_with(self.agent, f, &JsValue::Undefined, &args)
    }

    /// `obj[key]`.
    pub fn get(&mut self, obj: &JsObject, key: &str) -> Result<JsValue, Error> {
        get(self.agent, obj, key)
    }

    /// `obj[key] = value`.
    pub fn set(&mut self, obj: &JsObject, key: &str, value: &JsValue) -> Result<(), Error> {
        set(self.agent, obj, key, value)
    }

    /// `obj[name](...args)`, with `obj` as `this`.
    pub fn call_method(
        &mut self,
        obj: &JsObject,
        name: &str,
        args: &[JsValue],
    ) -> Result<JsValue, Error> {
        call_method(self.agent, obj, name, args)
    }

    /// `Object.keys(obj)`.
    pub fn keys(&mut self, obj: &JsObject) -> Result<Vec<String>, Error> {
        keys(self.agent, obj)
    }
}

/// The realm of an agent (the guest's world).
fn realm(agent: &mut dyn Agent) -> &mut Realm {
    agent.realm()
}

/// What a JS exception becomes for the embedder.
fn thrown(agent: &mut dyn Agent, t: Throw) -> Error {
    match t {
        Throw::Value(e) => Error::Thrown(from_value(&e, realm(agent))),
        Throw::Abort(a) => a.into(),
    }
}

fn object_of(agent: &mut dyn Agent, obj: &JsObject) -> Result<Value, Error> {
    Handles::of(realm(agent))
        .resolve(obj)
        .map(Value::Object)
        .ok_or(Error::ForeignHandle)
}

/// Calls `f` with `this` (both converted into the world).
pub(crate) fn call_with(
    agent: &mut dyn Agent,
    f: &JsValue,
    this: &JsValue,
    args: &[JsValue],
) -> Result<JsValue, Error> {
    let fv = to_value(f, realm(agent))?;
    let this = to_value(this, realm(agent))?;
    let args = args
        .iter()
        .map(|a| to_value(a, realm(agent)))
        .collect::<Result<Vec<_>, _>>()?;
    if !fv.as_object().is_some_and(Obj::is_function) {
        return Err(Error::NotAFunction("<value>".into()));
    }
    match ops::call(agent, &fv, &this, &args) {
        Ok(v) => Ok(from_value(&v, realm(agent))),
        Err(t) => Err(thrown(agent, t)),
    }
}

/// `obj[key]`, running getters and proxy traps.
pub(crate) fn get(agent: &mut dyn Agent, obj: &JsObject, key: &str) -> Result<JsValue, Error> {
    let o = object_of(agent, obj)?;
    match ops::get(agent, &o, key.as_bytes()) {
        Ok(v) => Ok(from_value(&v, realm(agent))),
        Err(t) => Err(thrown(agent, t)),
    }
}

/// `obj[key] = value`.
pub(crate) fn set(
    agent: &mut dyn Agent,
    obj: &JsObject,
    key: &str,
    value: &JsValue,
) -> Result<(), Error> {
    let o = object_of(agent, obj)?;
    let v = to_value(value, realm(agent))?;
    ops::set(agent, &o, key.as_bytes(), v).map_err(|t| thrown(agent, t))?;
    Ok(())
}

/// `obj[name](...args)` with `obj` as `this`.
pub(crate) fn call_method(
    agent: &mut dyn Agent,
    obj: &JsObject,
    name: &str,
    args: &[JsValue],
) -> Result<JsValue, Error> {
    let o = object_of(agent, obj)?;
    let f = ops::get(agent, &o, name.as_bytes()).map_err(|t| thrown(agent, t))?;
    if !f.as_object().is_some_and(Obj::is_function) {
        return Err(Error::NotAFunction(name.into()));
    }
    let args = args
        .iter()
        .map(|a| to_value(a, realm(agent)))
        .collect::<Result<Vec<_>, _>>()?;
    match ops::call(agent, &f, &o, &args) {
        Ok(v) => Ok(from_value(&v, realm(agent))),
        Err(t) => Err(thrown(agent, t)),
    }
}

/// `Object.keys(obj)`.
pub(crate) fn keys(agent: &mut dyn Agent, obj: &JsObject) -> Result<Vec<String>, Error> {
    let o = object_of(agent, obj)?;
    let keys = crate::js::conversions::keys(agent, &o).map_err(|t| thrown(agent, t))?;
    Ok(keys.iter().map(|k| k.to_str_lossy().into_owned()).collect())
}

/// The handle of an object, whatever its kind (a plain object too).
pub(crate) fn handle_of(realm: &mut Realm, o: &Obj) -> JsObject {
    Handles::of(realm).handle(o)
}

/// Converts Rust data into a JS value of the guest's world; a handle of another instance is
/// refused.
pub fn to_value(v: &JsValue, realm: &mut Realm) -> Result<Value, Error> {
    to_value_in(v, &[], realm)
}

/// The heap address of a converted container (converted ones always allocate, empty or not), which identifies it while it lives.
fn origin_key(v: &JsValue) -> Option<usize> {
    match v {
        JsValue::Object(p) if p.capacity() > 0 => Some(p.as_ptr() as usize),
        JsValue::Array(p) if p.capacity() > 0 => Some(p.as_ptr() as usize),
        JsValue::Bytes(p) if p.capacity() > 0 => Some(p.as_ptr() as usize),
        JsValue::Typed(_, p) if p.capacity() > 0 => Some(p.as_ptr() as usize),
        _ => None,
    }
}

fn to_value_in(v: &JsValue, origins: &[(usize, Obj)], realm: &mut Realm) -> Result<Value, Error> {
    if let Some(key) = origin_key(v) {
        if let Some((_, o)) = origins.iter().find(|(k, _)| *k == key) {
            return Ok(Value::Object(o.clone()));
        }
    }
    Ok(match v {
        JsValue::Undefined => Value::Undefined,
        JsValue::Null => Value::Null,
        JsValue::Bool(b) => Value::Bool(*b),
        JsValue::Number(n) => Value::Number(*n),
        JsValue::String(s) => Value::String(s.to_js()),
        JsValue::BigInt(digits) => match crate::js::number::parse_bigint(digits) {
            Some(b) => Value::BigInt(Rc::new(b)),
            None => Value::Undefined,
        },
        JsValue::Symbol(desc) => Value::Symbol(crate::js::value::Sym::new(
            desc.as_deref().map(crate::js::JsStr::from),
        )),
        JsValue::Bytes(b) => Value::Object(Obj::bytes(b.clone())),
        JsValue::Typed(name, values) => {
            let kind = TypedKind::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .unwrap_or(TypedKind::Float64);
            let t = TypedArray::zeroed(kind, values.len());
            for (i, n) in values.iter().enumerate() {
                t.set_number(i, *n);
            }
            Value::Object(Obj::typed(t))
        }
        JsValue::Array(items) => {
            let items = items
                .iter()
                .map(|v| to_value_in(v, origins, realm))
                .collect::<Result<Vec<_>, _>>()?;
            Value::Object(Obj::array(items))
        }
        JsValue::Object(pairs) => {
            let o = Obj::plain();
            for (k, v) in pairs {
                o.set(k, to_value_in(v, origins, realm)?);
            }
            Value::Object(o)
        }
        JsValue::Error(msg) => Value::Object(Obj::error(ErrorType::Error, msg)),
        JsValue::Handle(h) | JsValue::Function(JsFunction(FunctionInner::Guest(h))) => {
            match Handles::of(realm).resolve(h) {
                Some(o) => Value::Object(o),
                None => return Err(Error::ForeignHandle),
            }
        }
        JsValue::Function(JsFunction(FunctionInner::Host(f))) => host_function(f.clone()),
    })
}

/// The guest-side function object that runs the embedder's `f`.
fn host_function(f: HostFn) -> Value {
    Value::Object(Obj::native(Rc::new(move |agent, _this, args| {
        // Objects that come back out of the host function as they went in keep their
        // identity, as they would in JS (`x => x` returns the same object).
        let mut origins = Vec::new();
        let args = args
            .iter()
            .map(|a| from_value_in(a, &mut Vec::new(), &mut origins, realm(agent), false))
            .collect();
        let mut cx = Context { agent };
        let outcome = f(&mut cx, args);
        let realm = realm(agent);
        let converted = match &outcome {
            Ok(v) | Err(v) => to_value_in(v, &origins, realm),
        };
        match (outcome.is_ok(), converted) {
            (true, Ok(v)) => Ok(v),
            (false, Ok(e)) => Err(Throw::Value(e)),
            (_, Err(e)) => ops::type_error(e.to_string()),
        }
    })))
}

/// Converts a JS value into Rust data (cycles are cut at the repeated object, as `null`):
/// plain objects, arrays, errors and byte arrays are copied; functions and other objects
/// become handles.
pub fn from_value(v: &Value, realm: &mut Realm) -> JsValue {
    from_value_in(v, &mut Vec::new(), &mut Vec::new(), realm, false)
}

/// Converts like [`from_value`], but copies every object that is not a function as plain
/// data (its own enumerable properties), as `JSON.stringify` sees it.
pub(crate) fn data_of(v: &Value, realm: &mut Realm) -> JsValue {
    from_value_in(v, &mut Vec::new(), &mut Vec::new(), realm, true)
}

/// Is `o` plain data: an ordinary object inheriting from `Object.prototype` (or nothing),
/// without accessors?
fn is_plain(realm: &Realm, o: &Obj) -> bool {
    let data = o.borrow();
    if !matches!(data.kind, Kind::Ordinary) || !matches!(data.class, Class::Object) {
        return false;
    }
    let proto_ok = match &data.proto {
        Proto::Intrinsic | Proto::Null => true,
        Proto::Object(p) => p.ptr_eq(&realm.proto(Class::Object)),
    };
    proto_ok && !data.has_accessors()
}

fn from_value_in(
    v: &Value,
    seen: &mut Vec<usize>,
    origins: &mut Vec<(usize, Obj)>,
    realm: &mut Realm,
    all_data: bool,
) -> JsValue {
    let o = match v {
        Value::Undefined => return JsValue::Undefined,
        Value::Null => return JsValue::Null,
        Value::Bool(b) => return JsValue::Bool(*b),
        Value::Number(n) => return JsValue::Number(*n),
        Value::String(s) => return JsValue::String(JsString::from_js(s)),
        Value::BigInt(b) => return JsValue::BigInt(b.to_string()),
        Value::Symbol(s) => {
            return JsValue::Symbol(s.0.description.as_ref().map(|d| d.to_string()))
        }
        Value::Object(o) => o,
    };
    if seen.contains(&o.addr()) {
        return JsValue::Null;
    }
    let plain = is_plain(realm, o);
    let kind = {
        let data = o.borrow();
        match &data.kind {
            Kind::Function(_) => 0,
            Kind::Proxy(_) if o.is_function() => 0,
            Kind::Typed(t) if t.kind == TypedKind::Uint8 => 1,
            Kind::Typed(_) => 2,
            Kind::Array(_) => 3,
            _ if matches!(data.class, Class::Error(_)) => 4,
            _ if plain || all_data => 5,
            _ => 6,
        }
    };
    let out = match kind {
        0 => JsValue::Function(JsFunction(FunctionInner::Guest(handle_of(realm, o)))),
        6 => JsValue::Handle(handle_of(realm, o)),
        _ => {
            seen.push(o.addr());
            let out = copy_data(o, kind, seen, origins, realm, all_data);
            seen.pop();
            out
        }
    };
    if let Some(key) = origin_key(&out) {
        origins.push((key, o.clone()));
    }
    out
}

/// The copy of a data object (`kind` as classified by [`from_value_in`]).
fn copy_data(
    o: &Obj,
    kind: u8,
    seen: &mut Vec<usize>,
    origins: &mut Vec<(usize, Obj)>,
    realm: &mut Realm,
    all_data: bool,
) -> JsValue {
    let data = o.borrow();
    match (&data.kind, kind) {
        (Kind::Typed(t), 1) => JsValue::Bytes(allocated(t.with(|b| b.to_vec()))),
        (Kind::Typed(t), 2) => JsValue::Typed(t.kind.name().into(), allocated(t.numbers())),
        (Kind::Array(items), _) => {
            let items = items.clone();
            drop(data);
            JsValue::Array(allocated(
                items
                    .iter()
                    .map(|i| from_value_in(i, seen, origins, realm, all_data))
                    .collect(),
            ))
        }
        (_, 4) => JsValue::Error(
            data.get_own(b"message")
                .and_then(Value::primitive_string)
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        _ => {
            let pairs: Vec<(String, Value)> = data
                .enumerable_keys()
                .into_iter()
                .map(|k| {
                    let v = data.get_own(k.as_bytes()).cloned().unwrap_or_default();
                    (k.to_string(), v)
                })
                .collect();
            drop(data);
            JsValue::Object(allocated(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, from_value_in(&v, seen, origins, realm, all_data)))
                    .collect(),
            ))
        }
    }
}

/// Ensures the vector owns a heap allocation, so its address identifies it.
fn allocated<T>(mut v: Vec<T>) -> Vec<T> {
    if v.capacity() == 0 {
        v.reserve_exact(1);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_cross_intact() {
        let mut realm = crate::js::Realm::empty();
        let lone = Value::String(JsStr::from_utf16(&[0x61, 0xD800]));
        let v = from_value(&lone, &mut realm);
        let JsValue::String(s) = &v else {
            panic!("a string");
        };
        assert_eq!(s.as_str(), None);
        assert_eq!(s.to_string_lossy(), "a\u{FFFD}");
        assert_eq!(s.to_utf16(), vec![0x61, 0xD800]);
        assert!(to_value(&v, &mut realm).unwrap().strict_eq(&lone));
        assert_eq!(JsValue::from("x").as_str(), Some("x"));
        assert_eq!(JsString::from("x"), "x");
    }
}
