//! Making and inspecting objects.

use std::any::Any;
use std::cell::{Ref, RefMut};
use std::rc::Rc;

use super::string::JsStr;
use super::typed::TypedKind;
use super::value::{
    attrs, Callable, Class, ErrorType, Function, Intrinsic, Kind, NativeFn, Obj, ObjectData, Prop,
    Props, Proto, Sym, TypedArray, Value, WeakObj,
};

impl Obj {
    /// A new object with its class's intrinsic prototype.
    pub fn new(class: Class, kind: Kind) -> Obj {
        let o = Obj(Rc::new(std::cell::RefCell::new(ObjectData {
            class,
            kind,
            props: Props::default(),
            proto: Proto::Intrinsic,
            extensible: true,
            symbols: Vec::new(),
            frozen: false,
        })));
        super::heap::register(&o);
        o
    }

    /// A new object holding the state of a built-in class.
    pub fn host(class: Intrinsic, state: impl Any) -> Obj {
        Obj::new(Class::Other(class), Kind::Host(Box::new(state)))
    }

    /// A weak handle.
    pub fn downgrade(&self) -> WeakObj {
        WeakObj(Rc::downgrade(&self.0))
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

    /// Defines an own accessor property: `get`/`set` are functions or undefined.
    pub fn define_accessor(&self, key: &str, get: Value, set: Value, attrs: u8) {
        let pair = Obj::new(Class::Object, Kind::Accessor(Box::new((get, set))));
        self.define(key, Value::Object(pair), attrs | attrs::ACCESSOR);
    }

    /// Defines an own symbol-keyed data property.
    pub fn define_symbol(&self, key: &Sym, v: Value, attrs: u8) {
        let mut data = self.0.borrow_mut();
        let prop = Prop { value: v, attrs };
        match data.symbols.iter_mut().find(|(s, _)| s.ptr_eq(key)) {
            Some((_, p)) => *p = prop,
            None => data.symbols.push((key.clone(), prop)),
        }
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

    /// Is it callable (a function, or a proxy of one)?
    pub fn is_function(&self) -> bool {
        match &self.0.borrow().kind {
            Kind::Function(_) => true,
            Kind::Proxy(Some(parts)) => parts.0.is_function(),
            _ => false,
        }
    }

    /// Stores `v` at index `i` of an array, growing it as needed (nothing for other
    /// objects).
    pub fn set_element(&self, i: usize, v: Value) {
        if let Kind::Array(items) = &mut self.0.borrow_mut().kind {
            if i >= items.len() {
                items.resize(i + 1, Value::Undefined);
            }
            items[i] = v;
        }
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
