//! The value model: primitives and reference-counted objects with prototypes.
//!
//! Objects are `Rc<RefCell<_>>`: identity is pointer identity (what `_ids` in wasm_exec.js keys
//! on), and an object lives while Go, the global graph or a host frame holds it. An object's
//! prototype is implicit (the realm's intrinsic prototype for its [`Class`]) unless set, so
//! objects can be made without a realm at hand.

use std::any::Any;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

use indexmap::IndexMap;
use num_bigint::BigInt;

pub use super::buffer::{Buffer, TypedArray};
pub use super::class::{attrs, Class, ErrorType, Intrinsic};
use super::string::JsStr;

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
    /// A symbol.
    Symbol(Sym),
    /// A BigInt.
    BigInt(Rc<BigInt>),
    /// An object, array, typed array, function, ...
    Object(Obj),
}

/// A symbol: a unique value with an optional description; identity is pointer identity.
#[derive(Clone)]
pub struct Sym(pub Rc<SymbolData>);

/// What a symbol carries.
pub struct SymbolData {
    /// `Symbol("description")`.
    pub description: Option<JsStr>,
    /// Made by `Symbol.for` (then `description` is its registry key).
    pub registered: bool,
}

impl Sym {
    /// A new symbol.
    pub fn new(description: Option<JsStr>) -> Sym {
        Sym(Rc::new(SymbolData {
            description,
            registered: false,
        }))
    }

    /// Same symbol?
    pub fn ptr_eq(&self, other: &Sym) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Identity, as a map key.
    pub fn addr(&self) -> usize {
        Rc::as_ptr(&self.0) as *const u8 as usize
    }
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
pub struct Obj(pub(in crate::js) Rc<RefCell<ObjectData>>);

/// An object held without keeping it alive (`WeakMap` keys, a buffer's object).
#[derive(Clone)]
pub struct WeakObj(pub(in crate::js) Weak<RefCell<ObjectData>>);

impl WeakObj {
    /// The object, if it still lives.
    pub fn upgrade(&self) -> Option<Obj> {
        self.0.upgrade().map(Obj)
    }
}

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
    /// `f.bind(this, ...args)`.
    Bound(Rc<Bound>),
}

/// A bound function's target, `this` and leading arguments.
pub struct Bound {
    /// The function bound.
    pub target: Value,
    /// Its `this`.
    pub this: Value,
    /// Arguments passed before the call's own.
    pub args: Vec<Value>,
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
    /// A primitive wrapper (`new String("x")`, `Object(1n)`, ...).
    Primitive(Value),
    /// An `ArrayBuffer`.
    ArrayBuffer(Rc<Buffer>),
    /// A proxy: target and handler, `None` once revoked.
    Proxy(Option<Box<(Obj, Obj)>>),
    /// A getter/setter pair, the value of an accessor property (never seen by JS code).
    Accessor(Box<(Value, Value)>),
    /// The state of a built-in class that only its own code reads (a `Map`'s entries, a
    /// `RegExp`'s program, a `URL`, ...).
    Host(Box<dyn Any>),
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
    /// Own symbol-keyed properties, in insertion order.
    pub symbols: Vec<(Sym, Prop)>,
    /// Are the elements of an array read-only and fixed (`Object.freeze`)?
    pub frozen: bool,
}

impl ObjectData {
    /// An own data property's value, if it has one (accessors are not values).
    pub fn get_own(&self, key: &[u8]) -> Option<&Value> {
        self.props
            .get(key)
            .filter(|p| p.attrs & attrs::ACCESSOR == 0)
            .map(|p| &p.value)
    }

    /// An own symbol-keyed property.
    pub fn symbol_prop(&self, key: &Sym) -> Option<&Prop> {
        self.symbols
            .iter()
            .find(|(s, _)| s.ptr_eq(key))
            .map(|(_, p)| p)
    }

    /// The state of a built-in class, if the object holds one of type `T`.
    pub fn host<T: 'static>(&self) -> Option<&T> {
        match &self.kind {
            Kind::Host(b) => b.downcast_ref(),
            _ => None,
        }
    }

    /// The state of a built-in class, mutably.
    pub fn host_mut<T: 'static>(&mut self) -> Option<&mut T> {
        match &mut self.kind {
            Kind::Host(b) => b.downcast_mut(),
            _ => None,
        }
    }

    /// Has it a getter or setter of its own?
    pub fn has_accessors(&self) -> bool {
        self.props
            .iter()
            .any(|(_, p)| p.attrs & attrs::ACCESSOR != 0)
            || self
                .symbols
                .iter()
                .any(|(_, p)| p.attrs & attrs::ACCESSOR != 0)
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

/// The `ArrayBuffer` object of `buffer`: the one made before if it still lives.
pub fn buffer_object(buffer: &Rc<Buffer>) -> Obj {
    let existing = buffer.object.borrow().as_ref().and_then(Weak::upgrade);
    if let Some(o) = existing.and_then(|rc| rc.downcast::<RefCell<ObjectData>>().ok()) {
        return Obj(o);
    }
    let o = Obj::new(
        Class::Other(Intrinsic::ArrayBuffer),
        Kind::ArrayBuffer(buffer.clone()),
    );
    let weak: Weak<dyn Any> = Rc::downgrade(&o.0) as Weak<RefCell<ObjectData>>;
    *buffer.object.borrow_mut() = Some(weak);
    o
}

/// Values whose drop was put off by an object being dropped, so that dropping a long chain
/// of objects (a linked list a guest built, arrays nested a million deep) takes a loop, not
/// one native stack frame per link.
mod drop_queue {
    use std::cell::{Cell, RefCell};

    use super::Value;

    thread_local! {
        static QUEUE: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
        static DRAINING: Cell<bool> = const { Cell::new(false) };
    }

    /// Drops `v` later, from [`drain`], if it is an object (others hold no objects).
    pub fn later(v: Value) {
        if let Value::Object(_) = v {
            // During thread teardown the queue may be gone: then drop here.
            let _ = QUEUE.try_with(|q| q.borrow_mut().push(v));
        }
    }

    /// Drops what was put off, unless an outer drop on this thread is doing so already.
    pub fn drain() {
        if DRAINING.try_with(|d| d.replace(true)).unwrap_or(true) {
            return;
        }
        while let Some(v) = QUEUE.try_with(|q| q.borrow_mut().pop()).ok().flatten() {
            drop(v);
        }
        let _ = DRAINING.try_with(|d| d.set(false));
    }
}

pub(crate) use drop_queue::later as drop_later;

impl Drop for ObjectData {
    fn drop(&mut self) {
        for (_, p) in self.props.drain(..) {
            drop_queue::later(p.value);
        }
        for (_, p) in self.symbols.drain(..) {
            drop_queue::later(p.value);
        }
        match std::mem::replace(&mut self.kind, Kind::Ordinary) {
            Kind::Array(items) => items.into_iter().for_each(drop_queue::later),
            Kind::Primitive(v) => drop_queue::later(v),
            Kind::Proxy(Some(parts)) => {
                let (target, handler) = *parts;
                drop_queue::later(Value::Object(target));
                drop_queue::later(Value::Object(handler));
            }
            Kind::Accessor(pair) => {
                let (get, set) = *pair;
                drop_queue::later(get);
                drop_queue::later(set);
            }
            _ => {}
        }
        if let Proto::Object(o) = std::mem::take(&mut self.proto) {
            drop_queue::later(Value::Object(o));
        }
        drop_queue::drain();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_a_long_chain_takes_no_deep_stack() {
        let dropped = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| {
                let mut head = Obj::plain();
                for _ in 0..1_000_000 {
                    let next = Obj::plain();
                    next.set("next", Value::Object(head));
                    head = Obj::array(vec![Value::Object(next)]);
                }
                drop(head);
            })
            .unwrap()
            .join();
        assert!(dropped.is_ok());
    }
}
