//! The JavaScript value model the guest sees: primitives and reference-counted objects.
//!
//! Objects are `Rc<RefCell<_>>`: identity is pointer identity (what `_ids` in wasm_exec.js keys
//! on), and an object lives while Go, the global graph or a host frame holds it.

use std::cell::{Ref, RefCell, RefMut};
use std::fmt;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::error::Abort;
use crate::guest::Guest;

/// A JS value.
#[derive(Clone, Default)]
pub enum Value {
    /// `undefined`.
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (always f64, as in JS).
    Number(f64),
    /// A string.
    String(Rc<str>),
    /// An object, array, typed array, function, ...
    Object(Obj),
}

/// Something thrown out of a JS call: a JS exception, or the guest stopping underneath it.
#[derive(Clone)]
pub enum Throw {
    /// A JS exception carrying this value.
    Value(Value),
    /// The guest stopped (exit, trap, fault): unwinds every frame.
    Abort(Abort),
}

impl From<Abort> for Throw {
    fn from(a: Abort) -> Self {
        Throw::Abort(a)
    }
}

/// Result of a JS operation.
pub type JsResult<T = Value> = Result<T, Throw>;

/// A host function: `(guest, this, args) -> result`.
pub type NativeFn = Rc<dyn Fn(&mut dyn Guest, &Value, &[Value]) -> JsResult>;

/// A shared, mutable JS object.
#[derive(Clone)]
pub struct Obj(Rc<RefCell<ObjectData>>);

/// The element type of a typed array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum TypedKind {
    Int8,
    Uint8,
    Uint8Clamped,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Float32,
    Float64,
}

impl TypedKind {
    /// Every kind, in the order their constructors are installed.
    pub const ALL: [TypedKind; 9] = [
        TypedKind::Int8,
        TypedKind::Uint8,
        TypedKind::Uint8Clamped,
        TypedKind::Int16,
        TypedKind::Uint16,
        TypedKind::Int32,
        TypedKind::Uint32,
        TypedKind::Float32,
        TypedKind::Float64,
    ];

    /// The constructor's global name.
    pub fn name(self) -> &'static str {
        match self {
            TypedKind::Int8 => "Int8Array",
            TypedKind::Uint8 => "Uint8Array",
            TypedKind::Uint8Clamped => "Uint8ClampedArray",
            TypedKind::Int16 => "Int16Array",
            TypedKind::Uint16 => "Uint16Array",
            TypedKind::Int32 => "Int32Array",
            TypedKind::Uint32 => "Uint32Array",
            TypedKind::Float32 => "Float32Array",
            TypedKind::Float64 => "Float64Array",
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            TypedKind::Int8 | TypedKind::Uint8 | TypedKind::Uint8Clamped => 1,
            TypedKind::Int16 | TypedKind::Uint16 => 2,
            TypedKind::Int32 | TypedKind::Uint32 | TypedKind::Float32 => 4,
            TypedKind::Float64 => 8,
        }
    }

    /// Element `i` of `bytes` as a JS number.
    pub fn get(self, bytes: &[u8], i: usize) -> f64 {
        let s = self.size();
        let b = &bytes[i * s..(i + 1) * s];
        match self {
            TypedKind::Int8 => b[0] as i8 as f64,
            TypedKind::Uint8 | TypedKind::Uint8Clamped => b[0] as f64,
            TypedKind::Int16 => i16::from_le_bytes([b[0], b[1]]) as f64,
            TypedKind::Uint16 => u16::from_le_bytes([b[0], b[1]]) as f64,
            TypedKind::Int32 => i32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Uint32 => u32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Float32 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Float64 => f64::from_le_bytes(b.try_into().unwrap()),
        }
    }

    /// Stores `v` as element `i`, converting as JS does (modular for integers, clamped for
    /// `Uint8ClampedArray`).
    pub fn set(self, bytes: &mut [u8], i: usize, v: f64) {
        let s = self.size();
        let b = &mut bytes[i * s..(i + 1) * s];
        let int = |v: f64| -> u32 { crate::jsnum::to_uint32(v) };
        match self {
            TypedKind::Int8 | TypedKind::Uint8 => b[0] = int(v) as u8,
            TypedKind::Uint8Clamped => {
                b[0] = if v.is_nan() {
                    0
                } else {
                    v.clamp(0.0, 255.0).round_ties_even() as u8
                }
            }
            TypedKind::Int16 | TypedKind::Uint16 => {
                b.copy_from_slice(&(int(v) as u16).to_le_bytes())
            }
            TypedKind::Int32 | TypedKind::Uint32 => b.copy_from_slice(&int(v).to_le_bytes()),
            TypedKind::Float32 => b.copy_from_slice(&(v as f32).to_le_bytes()),
            TypedKind::Float64 => b.copy_from_slice(&v.to_le_bytes()),
        }
    }
}

/// What `instanceof` tests against: the class a constructor makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// Plain objects (and, for `instanceof Object`, every object).
    Object,
    /// Functions.
    Function,
    /// Arrays.
    Array,
    /// Typed arrays of one element kind.
    Typed(TypedKind),
    /// Errors.
    Error,
    /// Dates.
    Date,
}

/// How a function object runs.
#[derive(Clone)]
pub enum Callable {
    /// Implemented by the host.
    Native(NativeFn),
    /// A Go function made by `js.FuncOf`: calling it delivers an event to the guest.
    Go(u32),
}

/// A function object's behaviour.
#[derive(Clone)]
pub struct Function {
    /// What a call does.
    pub call: Callable,
    /// What `new` does, for constructors.
    pub construct: Option<NativeFn>,
    /// The class `instanceof` this constructor tests for.
    pub instances: Option<Class>,
}

/// The special storage of an object.
pub enum Kind {
    /// Properties only.
    Ordinary,
    /// A dense array.
    Array(Vec<Value>),
    /// A typed array: a view on a shared buffer.
    Typed(TypedArray),
    /// A callable.
    Function(Function),
    /// A date, in milliseconds since the epoch.
    Date(f64),
}

/// A typed array view: `len` elements of `kind` at byte `offset` of a shared buffer, so that
/// `subarray` views write through as in JS.
#[derive(Clone)]
pub struct TypedArray {
    /// Element kind.
    pub kind: TypedKind,
    /// The underlying `ArrayBuffer`.
    pub buffer: Rc<RefCell<Vec<u8>>>,
    /// Byte offset of the view.
    pub offset: usize,
    /// Length in elements.
    pub len: usize,
}

impl TypedArray {
    /// A fresh zeroed array of `len` elements.
    pub fn zeroed(kind: TypedKind, len: usize) -> TypedArray {
        TypedArray::from_bytes(kind, vec![0; len * kind.size()])
    }

    /// An array owning `bytes` (whose length must be a multiple of the element size).
    pub fn from_bytes(kind: TypedKind, bytes: Vec<u8>) -> TypedArray {
        let len = bytes.len() / kind.size();
        TypedArray {
            kind,
            buffer: Rc::new(RefCell::new(bytes)),
            offset: 0,
            len,
        }
    }

    /// Byte length of the view.
    pub fn byte_len(&self) -> usize {
        self.len * self.kind.size()
    }

    /// Runs `f` on the view's bytes.
    pub fn with<R>(&self, f: impl FnOnce(&mut [u8]) -> R) -> R {
        let mut buf = self.buffer.borrow_mut();
        f(&mut buf[self.offset..self.offset + self.byte_len()])
    }

    /// Element `i` (must be in range).
    pub fn get(&self, i: usize) -> f64 {
        self.with(|b| self.kind.get(b, i))
    }

    /// Sets element `i` (must be in range).
    pub fn set(&self, i: usize, v: f64) {
        self.with(|b| self.kind.set(b, i, v))
    }

    /// The elements as numbers.
    pub fn numbers(&self) -> Vec<f64> {
        (0..self.len).map(|i| self.get(i)).collect()
    }
}

/// An object: its class, its special storage and its own properties in insertion order.
pub struct ObjectData {
    /// For `instanceof` and the built-in methods its prototype would give.
    pub class: Class,
    /// Special storage.
    pub kind: Kind,
    /// Own properties.
    pub props: IndexMap<Rc<str>, Value, foldhash::fast::RandomState>,
}

impl Obj {
    /// A new object.
    pub fn new(class: Class, kind: Kind) -> Obj {
        Obj(Rc::new(RefCell::new(ObjectData {
            class,
            kind,
            props: IndexMap::default(),
        })))
    }

    /// A new plain object.
    pub fn plain() -> Obj {
        Obj::new(Class::Object, Kind::Ordinary)
    }

    /// A new array.
    pub fn array(items: Vec<Value>) -> Obj {
        Obj::new(Class::Array, Kind::Array(items))
    }

    /// A new typed array.
    pub fn typed(array: TypedArray) -> Obj {
        Obj::new(Class::Typed(array.kind), Kind::Typed(array))
    }

    /// A new `Uint8Array` holding `bytes`.
    pub fn bytes(bytes: Vec<u8>) -> Obj {
        Obj::typed(TypedArray::from_bytes(TypedKind::Uint8, bytes))
    }

    /// A new host function.
    pub fn native(f: NativeFn) -> Obj {
        Obj::new(
            Class::Function,
            Kind::Function(Function {
                call: Callable::Native(f),
                construct: None,
                instances: None,
            }),
        )
    }

    /// A new `Error` with this name and message.
    pub fn error(name: &str, message: &str) -> Obj {
        let o = Obj::new(Class::Error, Kind::Ordinary);
        o.set("message", Value::from(message));
        o.set("name", Value::from(name));
        o
    }

    /// Borrows the data.
    pub fn borrow(&self) -> Ref<'_, ObjectData> {
        self.0.borrow()
    }

    /// Borrows the data mutably.
    pub fn borrow_mut(&self) -> RefMut<'_, ObjectData> {
        self.0.borrow_mut()
    }

    /// Identity, as a map key.
    pub fn addr(&self) -> usize {
        Rc::as_ptr(&self.0) as *const u8 as usize
    }

    /// Same object?
    pub fn ptr_eq(&self, other: &Obj) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Sets an own property.
    pub fn set(&self, key: &str, v: Value) {
        self.0.borrow_mut().props.insert(Rc::from(key), v);
    }

    /// An own property, or undefined.
    pub fn own(&self, key: &str) -> Value {
        self.0.borrow().props.get(key).cloned().unwrap_or_default()
    }

    /// Is it callable?
    pub fn is_function(&self) -> bool {
        matches!(self.0.borrow().kind, Kind::Function(_))
    }

    /// The typed array view, if it is one.
    pub fn typed_array(&self) -> Option<TypedArray> {
        match &self.0.borrow().kind {
            Kind::Typed(t) => Some(t.clone()),
            _ => None,
        }
    }

    /// The view of a `Uint8Array`/`Uint8ClampedArray` (what `copyBytesTo*` accept).
    pub fn byte_view(&self) -> Option<TypedArray> {
        self.typed_array()
            .filter(|t| matches!(t.kind, TypedKind::Uint8 | TypedKind::Uint8Clamped))
    }
}

impl Value {
    /// The JS `typeof` flag wasm_exec.js puts in a reference: object 1, string 2, symbol 3,
    /// function 4, anything else 0.
    pub fn type_flag(&self) -> u32 {
        match self {
            Value::Object(o) if o.is_function() => 4,
            Value::Object(_) => 1,
            Value::String(_) => 2,
            _ => 0,
        }
    }

    /// The object, if it is one.
    pub fn as_object(&self) -> Option<&Obj> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// JS `ToNumber`.
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Undefined => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => *b as u8 as f64,
            Value::Number(n) => *n,
            Value::String(s) => crate::jsnum::parse_number(s),
            Value::Object(o) => match &o.borrow().kind {
                Kind::Date(t) => *t,
                Kind::Array(items) if items.is_empty() => 0.0,
                Kind::Array(items) if items.len() == 1 => items[0].to_number(),
                _ => f64::NAN,
            },
        }
    }

    /// JS truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => !(n.is_nan() || *n == 0.0),
            Value::String(s) => !s.is_empty(),
            Value::Object(_) => true,
        }
    }

    /// JS `String(v)`.
    pub fn to_js_string(&self) -> String {
        match self {
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => crate::jsnum::format(*n),
            Value::String(s) => s.to_string(),
            Value::Object(o) => {
                let data = o.borrow();
                match &data.kind {
                    Kind::Array(items) => items
                        .iter()
                        .map(|v| match v {
                            Value::Undefined | Value::Null => String::new(),
                            v => v.to_js_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    Kind::Typed(t) => t
                        .numbers()
                        .into_iter()
                        .map(crate::jsnum::format)
                        .collect::<Vec<_>>()
                        .join(","),
                    Kind::Function(_) => "function () { [native code] }".into(),
                    Kind::Date(t) => crate::builtins::date_string(*t),
                    Kind::Ordinary if data.class == Class::Error => {
                        let name = data.props.get("name").map(|v| v.to_js_string());
                        let msg = data.props.get("message").map(|v| v.to_js_string());
                        match (
                            name.unwrap_or_else(|| "Error".into()),
                            msg.unwrap_or_default(),
                        ) {
                            (n, m) if m.is_empty() => n,
                            (n, m) => format!("{n}: {m}"),
                        }
                    }
                    Kind::Ordinary => "[object Object]".into(),
                }
            }
        }
    }

    /// JS strict equality (`===`); wasm_exec.js's value table keys on SameValueZero, which only
    /// differs for NaN and never reaches the table.
    pub fn strict_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a.ptr_eq(b),
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(Rc::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Rc::from(s))
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Self {
        Value::Object(o)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => write!(f, "{s:?}"),
            other => f.write_str(&other.to_js_string()),
        }
    }
}
