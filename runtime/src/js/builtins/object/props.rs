//! Property descriptors and integrity levels: what `Object.defineProperty`,
//! `Object.getOwnPropertyDescriptor`, `Object.freeze` and their `Reflect` twins share.

use crate::js::conversions;
use crate::js::ops::{self, type_error, PropKey};
use crate::js::string::{index_of, JsStr};
use crate::js::value::{attrs, Agent, Class, Intrinsic, JsResult, Kind, Obj, Prop, Value};

/// `ToObject(v)`: objects as they are, primitives in a new wrapper; throws for undefined and
/// null.
pub fn to_object(v: &Value) -> JsResult<Obj> {
    let class = match v {
        Value::Object(o) => return Ok(o.clone()),
        Value::Undefined | Value::Null => {
            return type_error("Cannot convert undefined or null to object")
        }
        Value::String(_) => Intrinsic::String,
        Value::Number(_) => Intrinsic::Number,
        Value::Bool(_) => Intrinsic::Boolean,
        Value::Symbol(_) => Intrinsic::Symbol,
        Value::BigInt(_) => Intrinsic::BigInt,
    };
    Ok(Obj::new(Class::Other(class), Kind::Primitive(v.clone())))
}

/// A property descriptor as `defineProperty` takes it: absent fields are `None`.
#[derive(Default, Clone)]
pub struct Descriptor {
    /// `value`.
    pub value: Option<Value>,
    /// `writable`.
    pub writable: Option<bool>,
    /// `get`.
    pub get: Option<Value>,
    /// `set`.
    pub set: Option<Value>,
    /// `enumerable`.
    pub enumerable: Option<bool>,
    /// `configurable`.
    pub configurable: Option<bool>,
}

impl Descriptor {
    fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }
}

/// `ToPropertyDescriptor(v)`.
pub fn to_descriptor(agent: &mut dyn Agent, v: &Value) -> JsResult<Descriptor> {
    if v.as_object().is_none() {
        let shown = conversions::display(agent.realm(), v);
        return type_error(format!("Property description must be an object: {shown}"));
    }
    let field = |agent: &mut dyn Agent, name: &str| -> JsResult<Option<Value>> {
        if ops::has(agent, v, ops::Key::Str(name.as_bytes()))? {
            Ok(Some(ops::get_str(agent, v, name)?))
        } else {
            Ok(None)
        }
    };
    let d = Descriptor {
        enumerable: field(agent, "enumerable")?.map(|v| v.truthy()),
        configurable: field(agent, "configurable")?.map(|v| v.truthy()),
        value: field(agent, "value")?,
        writable: field(agent, "writable")?.map(|v| v.truthy()),
        get: field(agent, "get")?,
        set: field(agent, "set")?,
    };
    for (f, name) in [(&d.get, "Getter"), (&d.set, "Setter")] {
        if let Some(f) = f {
            if !f.is_function() && !matches!(f, Value::Undefined) {
                let shown = conversions::display(agent.realm(), f);
                return type_error(format!("{name} must be a function: {shown}"));
            }
        }
    }
    if d.is_accessor() && (d.value.is_some() || d.writable.is_some()) {
        return type_error(
            "Invalid property descriptor. Cannot both specify accessors and a value or writable attribute",
        );
    }
    Ok(d)
}

/// The getter and setter of an accessor property as stored.
fn pair_of(v: &Value) -> (Value, Value) {
    match v.as_object().map(|o| o.borrow()) {
        Some(data) => match &data.kind {
            Kind::Accessor(p) => (p.0.clone(), p.1.clone()),
            _ => (Value::Undefined, Value::Undefined),
        },
        None => (Value::Undefined, Value::Undefined),
    }
}

/// `FromPropertyDescriptor(prop)`.
pub fn from_prop(prop: &Prop) -> Value {
    let o = Obj::plain();
    if prop.attrs & attrs::ACCESSOR != 0 {
        let (get, set) = pair_of(&prop.value);
        o.set("get", get);
        o.set("set", set);
    } else {
        o.set("value", prop.value.clone());
        o.set("writable", Value::Bool(prop.attrs & attrs::WRITABLE != 0));
    }
    o.set(
        "enumerable",
        Value::Bool(prop.attrs & attrs::ENUMERABLE != 0),
    );
    o.set(
        "configurable",
        Value::Bool(prop.attrs & attrs::CONFIGURABLE != 0),
    );
    Value::Object(o)
}

/// The own property of `o` under `key`, with its real attributes (elements of arrays,
/// typed arrays and string wrappers included). A proxy answers for its target.
pub fn own_property(o: &Obj, key: &PropKey) -> JsResult<Option<Prop>> {
    if let Some((target, _)) = ops::proxy_parts(o)? {
        return own_property(&target, key);
    }
    let data = o.borrow();
    let k = match key {
        PropKey::Sym(s) => return Ok(data.symbol_prop(s).cloned()),
        PropKey::Str(k) => k.as_bytes(),
    };
    let frozen = super::is_frozen_array(&data);
    let element = |value: Value, a: u8| Some(Prop { value, attrs: a });
    let found = match (&data.kind, index_of(k)) {
        (Kind::Array(items), Some(i)) => items.get(i as usize).and_then(|v| {
            let a = if frozen {
                attrs::ENUMERABLE
            } else {
                attrs::DEFAULT
            };
            element(v.clone(), a)
        }),
        (Kind::Array(items), None) if k == b"length" => {
            let a = if frozen { 0 } else { attrs::WRITABLE };
            element(Value::Number(items.len() as f64), a)
        }
        (Kind::Typed(t), Some(i)) if (i as usize) < t.len => element(
            conversions::element_value(t.get(i as usize)),
            attrs::WRITABLE | attrs::ENUMERABLE | attrs::CONFIGURABLE,
        ),
        (Kind::Primitive(Value::String(s)), Some(i)) => s
            .code_units()
            .nth(i as usize)
            .and_then(|u| element(Value::String(JsStr::from_utf16(&[u])), attrs::ENUMERABLE)),
        (Kind::Primitive(Value::String(s)), None) if k == b"length" => {
            element(Value::Number(s.utf16_len() as f64), 0)
        }
        _ => None,
    };
    Ok(found.or_else(|| data.props.get(k).cloned()))
}

fn accessor_value(get: Value, set: Value) -> Value {
    Value::Object(Obj::new(
        Class::Object,
        Kind::Accessor(Box::new((get, set))),
    ))
}

/// May `desc` change `current` (a non-configurable property)?
fn compatible(current: &Prop, desc: &Descriptor) -> bool {
    let cur_enum = current.attrs & attrs::ENUMERABLE != 0;
    if desc.configurable == Some(true) || desc.enumerable.is_some_and(|e| e != cur_enum) {
        return false;
    }
    let cur_accessor = current.attrs & attrs::ACCESSOR != 0;
    if cur_accessor {
        if desc.value.is_some() || desc.writable.is_some() {
            return false;
        }
        let (get, set) = pair_of(&current.value);
        let same =
            |new: &Option<Value>, old: &Value| new.as_ref().is_none_or(|n| n.same_value(old));
        return same(&desc.get, &get) && same(&desc.set, &set);
    }
    if desc.is_accessor() {
        return false;
    }
    if current.attrs & attrs::WRITABLE == 0 {
        if desc.writable == Some(true) {
            return false;
        }
        if let Some(v) = &desc.value {
            return v.same_value(&current.value);
        }
    }
    true
}

/// The property `desc` makes of `current` (absent: a new property).
fn merged(current: Option<&Prop>, desc: &Descriptor) -> Prop {
    let flag = |new: Option<bool>, bit: u8| match (new, current) {
        (Some(true), _) => bit,
        (Some(false), _) => 0,
        (None, Some(c)) => c.attrs & bit,
        (None, None) => 0,
    };
    let base =
        flag(desc.enumerable, attrs::ENUMERABLE) | flag(desc.configurable, attrs::CONFIGURABLE);
    let was_accessor = current.is_some_and(|c| c.attrs & attrs::ACCESSOR != 0);
    if desc.is_accessor() || (was_accessor && desc.value.is_none() && desc.writable.is_none()) {
        let (old_get, old_set) = match current {
            Some(c) if was_accessor => pair_of(&c.value),
            _ => (Value::Undefined, Value::Undefined),
        };
        let get = desc.get.clone().unwrap_or(old_get);
        let set = desc.set.clone().unwrap_or(old_set);
        return Prop {
            value: accessor_value(get, set),
            attrs: base | attrs::ACCESSOR,
        };
    }
    let writable = match (desc.writable, current) {
        (Some(w), _) => w,
        (None, Some(c)) if !was_accessor => c.attrs & attrs::WRITABLE != 0,
        _ => false,
    };
    let old_value = current.filter(|_| !was_accessor).map(|c| c.value.clone());
    Prop {
        value: desc.value.clone().or(old_value).unwrap_or_default(),
        attrs: base | if writable { attrs::WRITABLE } else { 0 },
    }
}

/// `[[DefineOwnProperty]]` (`ValidateAndApplyPropertyDescriptor`): false where JS refuses.
pub fn define_property(
    agent: &mut dyn Agent,
    o: &Obj,
    key: &PropKey,
    desc: &Descriptor,
) -> JsResult<bool> {
    if let Some((target, _)) = ops::proxy_parts(o)? {
        return define_property(agent, &target, key, desc);
    }
    let current = own_property(o, key)?;
    if let Some(c) = &current {
        if c.attrs & attrs::CONFIGURABLE == 0 && !compatible(c, desc) {
            return Ok(false);
        }
    } else if !o.borrow().extensible {
        return Ok(false);
    }
    if let Some(done) = define_in_storage(agent, o, key, desc)? {
        return Ok(done);
    }
    let prop = merged(current.as_ref(), desc);
    match key {
        PropKey::Str(k) => {
            o.borrow_mut().props.insert(k.clone(), prop);
        }
        PropKey::Sym(s) => o.define_symbol(s, prop.value, prop.attrs),
    }
    Ok(true)
}

/// Defines an element of an array or typed array (or an array's `length`) in its storage,
/// which keeps values only; `None` for keys stored as properties.
fn define_in_storage(
    agent: &mut dyn Agent,
    o: &Obj,
    key: &PropKey,
    desc: &Descriptor,
) -> JsResult<Option<bool>> {
    let PropKey::Str(k) = key else {
        return Ok(None);
    };
    let (array, typed) = {
        let data = o.borrow();
        (
            matches!(data.kind, Kind::Array(_)),
            matches!(data.kind, Kind::Typed(_)),
        )
    };
    let element = index_of(k.as_bytes()).is_some();
    if !(array && (element || k.as_bytes() == b"length") || typed && element) {
        return Ok(None);
    }
    if desc.is_accessor() {
        return Ok(Some(false));
    }
    match &desc.value {
        Some(v) => ops::set(agent, &Value::Object(o.clone()), k.as_bytes(), v.clone()),
        None => Ok(true),
    }
    .map(Some)
}

/// Freezes (`freeze`) or seals `o`: not extensible, every property non-configurable, and
/// with `freeze` every data property read-only.
pub fn set_integrity(o: &Obj, freeze: bool) {
    let mut data = o.borrow_mut();
    data.extensible = false;
    let fix = |p: &mut Prop| {
        p.attrs &= !attrs::CONFIGURABLE;
        if freeze && p.attrs & attrs::ACCESSOR == 0 {
            p.attrs &= !attrs::WRITABLE;
        }
    };
    data.props.values_mut().for_each(fix);
    data.symbols.iter_mut().for_each(|(_, p)| fix(p));
    if freeze && matches!(data.kind, Kind::Array(_)) {
        super::mark_frozen_array(&mut data);
    }
}

/// Is `o` frozen (`frozen`) or sealed?
pub fn test_integrity(o: &Obj, frozen: bool) -> bool {
    let data = o.borrow();
    if data.extensible {
        return false;
    }
    let fixed = |p: &Prop| {
        p.attrs & attrs::CONFIGURABLE == 0
            && !(frozen && p.attrs & (attrs::ACCESSOR | attrs::WRITABLE) == attrs::WRITABLE)
    };
    let elements_fixed = match &data.kind {
        Kind::Array(items) => items.is_empty() || super::is_frozen_array(&data),
        Kind::Typed(t) => t.len == 0,
        _ => true,
    };
    elements_fixed && data.props.values().all(fixed) && data.symbols.iter().all(|(_, p)| fixed(p))
}
