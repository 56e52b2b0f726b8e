//! The value model: primitives and reference-counted objects with prototypes.
//!
//! Objects are `Rc<RefCell<_>>`: identity is pointer identity (what `_ids` in wasm_exec.js keys
//! on), and an object lives while Go, the global graph or a host frame holds it. An object's
//! prototype is implicit (the realm's intrinsic prototype for its [`Class`]) unless set, so
//! objects can be made without a realm at hand.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use indexmap::IndexMap;

pub use super::class::{attrs, Class, ErrorType};
use super::string::JsStr;
use super::typed::{TypedArray, TypedKind};

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
    String(JsStr),
    /// An object, array, typed array, function, ...
    Object(Obj),
}

/// Why a guest stopped underneath a JS operation. The JS layer only carries it outward: the
/// host defines what stops a guest (exit, trap, fault, deadline).
pub use crate::abort::Abort;

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

/// What running JS code can reach: its realm, and the functions whose bodies live outside the
/// JS world (a Go guest's `js.FuncOf` functions).
pub trait Agent {
    /// The realm, type-erased so that values need not know the realm's type; use
    /// `agent.realm()` (defined with the realm) to get it.
    fn realm_any(&mut self) -> &mut dyn std::any::Any;
    /// Calls the foreign function `id` with `this` and `args`.
    fn call_foreign(&mut self, id: u32, this: &Value, args: &[Value]) -> JsResult;
}

/// A host function made at run time (a closure): `(agent, this, args) -> result`.
pub type NativeFn = Rc<dyn Fn(&mut dyn Agent, &Value, &[Value]) -> JsResult>;

/// A built-in function of a per-class method table.
pub type Builtin = fn(&mut dyn Agent, &Value, &[Value]) -> JsResult;

/// A shared, mutable JS object.
#[derive(Clone)]
pub struct Obj(Rc<RefCell<ObjectData>>);

/// How a function object runs.
#[derive(Clone)]
pub enum Callable {
    /// A closure made by the host.
    Native(NativeFn),
    /// A built-in of a method table.
    Builtin(Builtin),
    /// A function whose body lives outside the JS world (a Go `js.FuncOf`), by the id the
    /// agent knows it by.
    Foreign(u32),
}

/// A function object's behaviour.
#[derive(Clone)]
pub struct Function {
    /// What a call does.
    pub call: Callable,
    /// What `new` does, for constructors.
    pub construct: Option<Callable>,
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

/// An own property: its value and attributes.
#[derive(Clone)]
pub struct Prop {
    /// The value.
    pub value: Value,
    /// [`attrs`] bits.
    pub attrs: u8,
}

/// Where an object's inherited properties come from.
#[derive(Clone, Default)]
pub enum Proto {
    /// The realm's intrinsic prototype for the object's class.
    #[default]
    Intrinsic,
    /// None (`Object.create(null)`, `Object.prototype`).
    Null,
    /// This object.
    Object(Obj),
}

/// Own properties in insertion order, keyed by the name's bytes.
pub type Props = IndexMap<JsStr, Prop, foldhash::fast::RandomState>;

/// An object: its class, its special storage, its prototype and its own properties.
pub struct ObjectData {
    /// Selects the intrinsic prototype.
    pub class: Class,
    /// Special storage.
    pub kind: Kind,
    /// Own properties.
    pub props: Props,
    /// The prototype.
    pub proto: Proto,
    /// Can properties be added?
    pub extensible: bool,
}

impl ObjectData {
    /// An own property's value, if it has one.
    pub fn get_own(&self, key: &[u8]) -> Option<&Value> {
        self.props.get(key).map(|p| &p.value)
    }

    /// The own keys listed by `Object.keys`, in JS order: array indices ascending, then the
    /// rest in insertion order.
    pub fn enumerable_keys(&self) -> Vec<JsStr> {
        let mut keys: Vec<JsStr> = self
            .props
            .iter()
            .filter(|(_, p)| p.attrs & attrs::ENUMERABLE != 0)
            .map(|(k, _)| k.clone())
            .collect();
        if keys.iter().any(|k| k.array_index().is_some()) {
            // Stable: named keys keep their insertion order behind the indices.
            keys.sort_by_key(|k| k.array_index().map_or(u64::MAX, u64::from));
        }
        keys
    }
}

impl Obj {
    /// A new object with its class's intrinsic prototype.
    pub fn new(class: Class, kind: Kind) -> Obj {
        Obj(Rc::new(RefCell::new(ObjectData {
            class,
            kind,
            props: Props::default(),
            proto: Proto::Intrinsic,
            extensible: true,
        })))
    }

    /// A new object with an explicit prototype.
    pub fn with_proto(class: Class, kind: Kind, proto: Proto) -> Obj {
        let o = Obj::new(class, kind);
        o.borrow_mut().proto = proto;
        o
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

    /// A new function object.
    pub fn function(call: Callable, construct: Option<Callable>) -> Obj {
        Obj::new(
            Class::Function,
            Kind::Function(Function { call, construct }),
        )
    }

    /// A new host function from a closure.
    pub fn native(f: NativeFn) -> Obj {
        Obj::function(Callable::Native(f), None)
    }

    /// A new error of kind `ty` with this message.
    pub fn error(ty: ErrorType, message: &str) -> Obj {
        let o = Obj::new(Class::Error(ty), Kind::Ordinary);
        o.define("message", Value::from(message), attrs::HIDDEN);
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

    /// Sets an own data property as assignment would create it.
    pub fn set(&self, key: &str, v: Value) {
        self.define(key, v, attrs::DEFAULT);
    }

    /// Defines an own data property with these attributes.
    pub fn define(&self, key: &str, v: Value, attrs: u8) {
        self.0
            .borrow_mut()
            .props
            .insert(JsStr::from(key), Prop { value: v, attrs });
    }

    /// An own property, or undefined.
    pub fn own(&self, key: &str) -> Value {
        self.0
            .borrow()
            .get_own(key.as_bytes())
            .cloned()
            .unwrap_or_default()
    }

    /// Is it callable?
    pub fn is_function(&self) -> bool {
        matches!(self.0.borrow().kind, Kind::Function(_))
    }

    /// Is it an array?
    pub fn is_array(&self) -> bool {
        matches!(self.0.borrow().kind, Kind::Array(_))
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
