//! [`JsValue`]: JS values as Rust data, for arguments and results crossing the embedding API.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

use crate::error::Error;
use crate::js::{
    ops, Agent, Class, ErrorType, JsStr, Kind, Obj, Throw, TypedArray, TypedKind, Value,
};

/// A host function the embedder puts into the guest's world: receives the arguments, returns
/// a value or throws one (the guest sees a thrown `js.Error` for [`JsValue::Error`]).
pub type HostFn = Rc<dyn Fn(&mut Context<'_>, Vec<JsValue>) -> Result<JsValue, JsValue>>;

/// A function value: one the embedder made, or one that lives in the guest's world (for
/// example a `js.FuncOf` the guest passed to a host function).
#[derive(Clone)]
pub struct JsFunction(FunctionInner);

#[derive(Clone)]
enum FunctionInner {
    Host(HostFn),
    Js(Obj),
}

impl JsFunction {
    /// A function implemented by the embedder.
    pub fn new(
        f: impl Fn(&mut Context<'_>, Vec<JsValue>) -> Result<JsValue, JsValue> + 'static,
    ) -> JsFunction {
        JsFunction(FunctionInner::Host(Rc::new(f)))
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
            (FunctionInner::Host(a), FunctionInner::Host(b)) => Rc::ptr_eq(a, b),
            (FunctionInner::Js(a), FunctionInner::Js(b)) => a.ptr_eq(b),
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
    /// An array.
    Array(Vec<JsValue>),
    /// A plain object: own enumerable properties in order.
    Object(Vec<(String, JsValue)>),
    /// A function.
    Function(JsFunction),
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
        f: impl Fn(&mut Context<'_>, Vec<JsValue>) -> Result<JsValue, JsValue> + 'static,
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
/// functions intact. Well-formed strings are plain UTF-8 ([`JsString::as_str`]).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct JsString(JsStr);

impl JsString {
    /// The string whose UTF-16 code units are `units` (lone surrogates kept).
    pub fn from_utf16(units: &[u16]) -> JsString {
        JsString(JsStr::from_utf16(units))
    }

    /// The text, if the string holds no lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_str()
    }

    /// The text with each lone surrogate replaced by U+FFFD (what Go's `Value.String()`
    /// and `TextEncoder` see).
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        self.0.to_str_lossy()
    }

    /// The UTF-16 code units.
    pub fn to_utf16(&self) -> Vec<u16> {
        self.0.to_utf16()
    }

    /// Does the string hold no lone surrogate?
    pub fn is_well_formed(&self) -> bool {
        self.as_str().is_some()
    }
}

impl From<&str> for JsString {
    fn from(s: &str) -> Self {
        JsString(JsStr::from(s))
    }
}

impl From<String> for JsString {
    fn from(s: String) -> Self {
        JsString(JsStr::from(s))
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
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
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
        let fv = to_value(f);
        let args: Vec<Value> = args.iter().map(to_value).collect();
        match ops::call(self.agent, &fv, &Value::Undefined, &args) {
            Ok(v) => Ok(from_value(&v)),
            Err(Throw::Value(e)) => Err(Error::Thrown(from_value(&e))),
            Err(Throw::Abort(a)) => Err(a.into()),
        }
    }
}

/// Converts Rust data into a JS value of the guest's world.
pub fn to_value(v: &JsValue) -> Value {
    to_value_in(v, &[])
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

fn to_value_in(v: &JsValue, origins: &[(usize, Obj)]) -> Value {
    if let Some(key) = origin_key(v) {
        if let Some((_, o)) = origins.iter().find(|(k, _)| *k == key) {
            return Value::Object(o.clone());
        }
    }
    let to_value = |v: &JsValue| to_value_in(v, origins);
    match v {
        JsValue::Undefined => Value::Undefined,
        JsValue::Null => Value::Null,
        JsValue::Bool(b) => Value::Bool(*b),
        JsValue::Number(n) => Value::Number(*n),
        JsValue::String(s) => Value::String(s.0.clone()),
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
        JsValue::Array(items) => Value::Object(Obj::array(items.iter().map(to_value).collect())),
        JsValue::Object(pairs) => {
            let o = Obj::plain();
            for (k, v) in pairs {
                o.set(k, to_value(v));
            }
            Value::Object(o)
        }
        JsValue::Error(msg) => Value::Object(Obj::error(ErrorType::Error, msg)),
        JsValue::Function(JsFunction(FunctionInner::Js(o))) => Value::Object(o.clone()),
        JsValue::Function(JsFunction(FunctionInner::Host(f))) => {
            let f = f.clone();
            Value::Object(Obj::native(Rc::new(move |agent, _this, args| {
                // Objects that come back out of the host function as they went in keep their
                // identity, as they would in JS (`x => x` returns the same object).
                let mut origins = Vec::new();
                let args = args
                    .iter()
                    .map(|a| from_value_in(a, &mut Vec::new(), &mut origins))
                    .collect();
                let mut cx = Context { agent };
                match f(&mut cx, args) {
                    Ok(v) => Ok(to_value_in(&v, &origins)),
                    Err(e) => Err(Throw::Value(to_value_in(&e, &origins))),
                }
            })))
        }
    }
}

/// Converts a JS value into Rust data (cycles are cut at the repeated object, as `null`).
pub fn from_value(v: &Value) -> JsValue {
    from_value_in(v, &mut Vec::new(), &mut Vec::new())
}

fn from_value_in(v: &Value, seen: &mut Vec<usize>, origins: &mut Vec<(usize, Obj)>) -> JsValue {
    match v {
        Value::Undefined => JsValue::Undefined,
        Value::Null => JsValue::Null,
        Value::Bool(b) => JsValue::Bool(*b),
        Value::Number(n) => JsValue::Number(*n),
        Value::String(s) => JsValue::String(JsString(s.clone())),
        Value::BigInt(b) => JsValue::BigInt(b.to_string()),
        Value::Symbol(s) => JsValue::Symbol(s.0.description.as_ref().map(|d| d.to_string())),
        Value::Object(o) => {
            if seen.contains(&o.addr()) {
                return JsValue::Null;
            }
            seen.push(o.addr());
            let data = o.borrow();
            let out = match &data.kind {
                Kind::Function(_) => JsValue::Function(JsFunction(FunctionInner::Js(o.clone()))),
                Kind::Typed(t) if t.kind == TypedKind::Uint8 => {
                    JsValue::Bytes(allocated(t.with(|b| b.to_vec())))
                }
                Kind::Typed(t) => JsValue::Typed(t.kind.name().into(), allocated(t.numbers())),
                Kind::Array(items) => JsValue::Array(allocated(
                    items
                        .iter()
                        .map(|i| from_value_in(i, seen, origins))
                        .collect(),
                )),
                _ if matches!(data.class, Class::Error(_)) => JsValue::Error(
                    data.get_own(b"message")
                        .and_then(Value::primitive_string)
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                ),
                _ => JsValue::Object(allocated(
                    data.enumerable_keys()
                        .into_iter()
                        .map(|k| {
                            let v = data.get_own(k.as_bytes()).cloned().unwrap_or_default();
                            (k.to_string(), from_value_in(&v, seen, origins))
                        })
                        .collect(),
                )),
            };
            seen.pop();
            if let Some(key) = origin_key(&out) {
                origins.push((key, o.clone()));
            }
            out
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
        let lone = Value::String(JsStr::from_utf16(&[0x61, 0xD800]));
        let v = from_value(&lone);
        let JsValue::String(s) = &v else {
            panic!("a string");
        };
        assert_eq!(s.as_str(), None);
        assert_eq!(s.to_string_lossy(), "a\u{FFFD}");
        assert_eq!(s.to_utf16(), vec![0x61, 0xD800]);
        assert!(to_value(&v).strict_eq(&lone));
        assert_eq!(JsValue::from("x").as_str(), Some("x"));
        assert_eq!(JsString::from("x"), "x");
    }
}
