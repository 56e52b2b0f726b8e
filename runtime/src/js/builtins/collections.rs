//! `Map`, `Set`, `WeakMap`, `WeakSet` and `WeakRef`.
//!
//! Maps and sets keep insertion order and compare keys by SameValueZero. Entries live in a
//! vector that iterators walk by position, so an iterator sees entries added after it started
//! and skips deleted ones, as JS's do. Weak collections hold their keys weakly.

use std::collections::HashMap;

use super::iterators::{iterator, Source, Yield};
use crate::js::conversions::iterate;
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{attrs, Agent, Callable, Class, Intrinsic, JsResult, Obj, Value, WeakObj};

/// A key as SameValueZero compares it.
#[derive(Clone, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum MapKey {
    Undefined,
    Null,
    Bool(bool),
    /// Bits of the number, -0 as +0 and every NaN as one.
    Number(u64),
    String(JsStr),
    BigInt(String),
    /// Identity of a symbol or an object.
    Ref(usize),
}

/// The key of `v`.
pub fn key_of(v: &Value) -> MapKey {
    match v {
        Value::Undefined => MapKey::Undefined,
        Value::Null => MapKey::Null,
        Value::Bool(b) => MapKey::Bool(*b),
        Value::Number(n) if n.is_nan() => MapKey::Number(f64::NAN.to_bits()),
        Value::Number(n) => MapKey::Number((n + 0.0).to_bits()),
        Value::String(s) => MapKey::String(s.clone()),
        Value::BigInt(b) => MapKey::BigInt(b.to_string()),
        Value::Symbol(s) => MapKey::Ref(s.addr()),
        Value::Object(o) => MapKey::Ref(o.addr()),
    }
}

/// The values a collection's state holds, for [`crate::js::heap`]'s measures.
pub fn held_values(state: &dyn std::any::Any, out: &mut Vec<Value>) {
    if let Some(map) = state.downcast_ref::<MapData>() {
        for (k, v) in map.entries.iter().flatten() {
            out.push(k.clone());
            out.push(v.clone());
        }
    } else if let Some(weak) = state.downcast_ref::<WeakData>() {
        out.extend(weak.entries.values().map(|(_, v)| v.clone()));
    }
}

/// The entries of a `Map` (a `Set`'s values are its keys).
#[derive(Default)]
pub struct MapData {
    entries: Vec<Option<(Value, Value)>>,
    index: HashMap<MapKey, usize>,
    set: bool,
}

impl Drop for MapData {
    /// Puts off dropping the entries (see [`crate::js::value`]'s drop queue): a chain of maps
    /// nested a million deep must not take a native stack frame per map.
    fn drop(&mut self) {
        for (k, v) in self.entries.drain(..).flatten() {
            crate::js::value::drop_later(k);
            crate::js::value::drop_later(v);
        }
    }
}

impl MapData {
    fn get(&self, k: &Value) -> Option<&Value> {
        let i = *self.index.get(&key_of(k))?;
        self.entries[i].as_ref().map(|(_, v)| v)
    }

    /// Sets `k` to `v` (a new key goes last); -0 is stored as +0.
    pub fn insert(&mut self, k: Value, v: Value) {
        let k = match k {
            // Adding +0 turns -0 into +0 and leaves every other number as it is.
            Value::Number(n) => Value::Number(n + 0.0),
            k => k,
        };
        match self.index.get(&key_of(&k)) {
            Some(&i) => self.entries[i] = Some((k, v)),
            None => {
                self.index.insert(key_of(&k), self.entries.len());
                self.entries.push(Some((k, v)));
            }
        }
    }

    fn remove(&mut self, k: &Value) -> bool {
        match self.index.remove(&key_of(k)) {
            Some(i) => {
                self.entries[i] = None;
                true
            }
            None => false,
        }
    }

    fn clear(&mut self) {
        // Live iterators keep their positions: leave the slots, empty.
        self.entries.iter_mut().for_each(|e| *e = None);
        self.index.clear();
    }

    /// Live entries in order.
    pub fn entries(&self) -> impl Iterator<Item = &(Value, Value)> {
        self.entries.iter().flatten()
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Is it a set's data?
    pub fn is_set(&self) -> bool {
        self.set
    }
}

const MAP_PROTO: &[Method] = &[
    ("get", map_get),
    ("set", map_set),
    ("has", has),
    ("delete", delete),
    ("clear", clear),
    ("forEach", for_each),
    ("keys", keys),
    ("values", values),
    ("entries", entries),
];

const SET_PROTO: &[Method] = &[
    ("add", set_add),
    ("has", has),
    ("delete", delete),
    ("clear", clear),
    ("forEach", for_each),
    ("keys", values),
    ("values", values),
    ("entries", entries),
];

const WEAK_MAP_PROTO: &[Method] = &[
    ("get", weak_get),
    ("set", weak_set),
    ("has", weak_has),
    ("delete", weak_delete),
];

const WEAK_SET_PROTO: &[Method] = &[
    ("add", weak_add),
    ("has", weak_has),
    ("delete", weak_delete),
];

fn install_class(
    realm: &mut Realm,
    class: Intrinsic,
    name: &'static str,
    table: &[Method],
    make: crate::js::value::Builtin,
) -> Obj {
    let proto = realm.proto(Class::Other(class));
    define_methods(&proto, table);
    let tag = realm.symbols.to_string_tag.clone();
    proto.define_symbol(&tag, Value::from(name), attrs::CONFIGURABLE);
    let requires_new = Callable::Native(std::rc::Rc::new(move |_, _, _| {
        type_error(format!("Constructor {name} requires 'new'"))
    }));
    constructor(realm, name, requires_new, Callable::Builtin(make), &proto);
    proto
}

pub fn install(realm: &mut Realm) {
    crate::js::heap::count_held_values(held_values);
    let iterator_sym = realm.symbols.iterator.clone();
    let size = builtin(size);
    let map = install_class(realm, Intrinsic::Map, "Map", MAP_PROTO, make_map);
    map.define_accessor("size", size.clone(), Value::Undefined, attrs::CONFIGURABLE);
    map.define_symbol(&iterator_sym, map.own("entries"), attrs::HIDDEN);
    let set = install_class(realm, Intrinsic::Set, "Set", SET_PROTO, make_set);
    set.define_accessor("size", size, Value::Undefined, attrs::CONFIGURABLE);
    set.define_symbol(&iterator_sym, set.own("values"), attrs::HIDDEN);
    install_class(
        realm,
        Intrinsic::WeakMap,
        "WeakMap",
        WEAK_MAP_PROTO,
        make_weak_map,
    );
    install_class(
        realm,
        Intrinsic::WeakSet,
        "WeakSet",
        WEAK_SET_PROTO,
        make_weak_set,
    );
    let weak_ref = install_class(realm, Intrinsic::WeakRef, "WeakRef", &[], make_weak_ref);
    weak_ref.define("deref", builtin(deref), attrs::HIDDEN);
}

/// A new map or set holding `data`.
pub fn new_collection(data: MapData) -> Obj {
    let class = if data.set {
        Intrinsic::Set
    } else {
        Intrinsic::Map
    };
    Obj::host(class, data)
}

/// An empty map (`set`: a set).
pub fn empty(set: bool) -> MapData {
    let mut data = MapData::default();
    data.set = set;
    data
}

fn with_data<R>(this: &Value, f: impl FnOnce(&mut MapData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return type_error("method called on incompatible receiver");
    };
    let mut data = o.borrow_mut();
    match data.host_mut::<MapData>() {
        Some(m) => Ok(f(m)),
        None => type_error("method called on incompatible receiver"),
    }
}

fn make_map(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = new_collection(empty(false));
    let source = arg(args, 0);
    if !matches!(source, Value::Undefined | Value::Null) {
        let this = Value::Object(o.clone());
        for entry in iterate(agent, &source)? {
            if entry.as_object().is_none() {
                let shown = crate::js::conversions::display(agent.realm(), &entry);
                return type_error(format!("Iterator value {shown} is not an entry object"));
            }
            let k = ops::get(agent, &entry, b"0")?;
            let v = ops::get(agent, &entry, b"1")?;
            with_data(&this, |m| m.insert(k, v))?;
        }
    }
    Ok(Value::Object(o))
}

fn make_set(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = new_collection(empty(true));
    let source = arg(args, 0);
    if !matches!(source, Value::Undefined | Value::Null) {
        let this = Value::Object(o.clone());
        for v in iterate(agent, &source)? {
            with_data(&this, |m| m.insert(v.clone(), v))?;
        }
    }
    Ok(Value::Object(o))
}

fn map_get(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_data(this, |m| m.get(&arg(args, 0)).cloned().unwrap_or_default())
}

fn map_set(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_data(this, |m| m.insert(arg(args, 0), arg(args, 1)))?;
    Ok(this.clone())
}

fn set_add(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let v = arg(args, 0);
    with_data(this, |m| m.insert(v.clone(), v))?;
    Ok(this.clone())
}

fn has(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_data(this, |m| Value::Bool(m.get(&arg(args, 0)).is_some()))
}

fn delete(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_data(this, |m| Value::Bool(m.remove(&arg(args, 0))))
}

fn clear(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    with_data(this, MapData::clear)?;
    Ok(Value::Undefined)
}

fn size(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    with_data(this, |m| Value::Number(m.len() as f64))
}

/// The live entry at or after `pos`.
fn step(o: &Obj, pos: usize) -> Option<(usize, Value, Value)> {
    let data = o.borrow();
    let m = data.host::<MapData>()?;
    (pos..m.entries.len()).find_map(|i| {
        m.entries[i]
            .as_ref()
            .map(|(k, v)| (i + 1, k.clone(), v.clone()))
    })
}

fn for_each(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let f = arg(args, 0);
    if !f.is_function() {
        return type_error("callback is not a function");
    }
    with_data(this, |_| ())?;
    let o = this.as_object().expect("checked by with_data").clone();
    let mut pos = 0;
    while let Some((next, k, v)) = step(&o, pos) {
        pos = next;
        ops::call(agent, &f, &arg(args, 1), &[v, k, this.clone()])?;
    }
    Ok(Value::Undefined)
}

fn live_iterator(this: &Value, yields: Yield) -> JsResult {
    let set = with_data(this, |m| m.set)?;
    let o = this.as_object().expect("checked by with_data").clone();
    let class = if set {
        Intrinsic::SetIterator
    } else {
        Intrinsic::MapIterator
    };
    Ok(iterator(class, Source::Live(o, step), yields))
}

fn keys(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    live_iterator(this, Yield::Keys)
}

fn values(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    live_iterator(this, Yield::Values)
}

fn entries(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    live_iterator(this, Yield::Entries)
}

/// The entries of a weak collection: keyed by object identity, holding the key weakly.
#[derive(Default)]
pub struct WeakData {
    entries: HashMap<usize, (WeakObj, Value)>,
}

impl WeakData {
    fn live(&mut self, key: &Obj) -> Option<&mut (WeakObj, Value)> {
        let e = self.entries.get_mut(&key.addr())?;
        // The address may belong to a key that died: then this entry is stale.
        match e.0.upgrade() {
            Some(k) if k.ptr_eq(key) => Some(e),
            _ => None,
        }
    }
}

fn make_weak(agent: &mut dyn Agent, args: &[Value], class: Intrinsic) -> JsResult {
    let o = Value::Object(Obj::host(class, WeakData::default()));
    let source = arg(args, 0);
    if !matches!(source, Value::Undefined | Value::Null) {
        for entry in iterate(agent, &source)? {
            match class {
                Intrinsic::WeakMap => {
                    let k = ops::get(agent, &entry, b"0")?;
                    let v = ops::get(agent, &entry, b"1")?;
                    weak_set(agent, &o, &[k, v])?;
                }
                _ => {
                    weak_add(agent, &o, &[entry])?;
                }
            }
        }
    }
    Ok(o)
}

fn make_weak_map(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    make_weak(agent, args, Intrinsic::WeakMap)
}

fn make_weak_set(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    make_weak(agent, args, Intrinsic::WeakSet)
}

fn with_weak<R>(this: &Value, f: impl FnOnce(&mut WeakData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return type_error("method called on incompatible receiver");
    };
    let mut data = o.borrow_mut();
    match data.host_mut::<WeakData>() {
        Some(w) => Ok(f(w)),
        None => type_error("method called on incompatible receiver"),
    }
}

fn weak_key(v: &Value, message: &str) -> JsResult<Obj> {
    match v {
        Value::Object(o) => Ok(o.clone()),
        _ => type_error(message),
    }
}

fn weak_get(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let Value::Object(k) = arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    with_weak(this, |w| {
        w.live(&k).map(|e| e.1.clone()).unwrap_or_default()
    })
}

fn weak_set(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let k = weak_key(&arg(args, 0), "Invalid value used as weak map key")?;
    let v = arg(args, 1);
    with_weak(this, |w| {
        w.entries.insert(k.addr(), (k.downgrade(), v));
    })?;
    Ok(this.clone())
}

fn weak_add(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let k = weak_key(&arg(args, 0), "Invalid value used in weak set")?;
    with_weak(this, |w| {
        w.entries
            .insert(k.addr(), (k.downgrade(), Value::Bool(true)));
    })?;
    Ok(this.clone())
}

fn weak_has(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let Value::Object(k) = arg(args, 0) else {
        return Ok(Value::Bool(false));
    };
    with_weak(this, |w| Value::Bool(w.live(&k).is_some()))
}

fn weak_delete(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let Value::Object(k) = arg(args, 0) else {
        return Ok(Value::Bool(false));
    };
    with_weak(this, |w| {
        let live = w.live(&k).is_some();
        if live {
            w.entries.remove(&k.addr());
        }
        Value::Bool(live)
    })
}

/// The target of a `WeakRef`.
struct WeakTarget(WeakObj);

fn make_weak_ref(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = weak_key(&arg(args, 0), "WeakRef: target must be an object")?;
    Ok(Value::Object(Obj::host(
        Intrinsic::WeakRef,
        WeakTarget(target.downgrade()),
    )))
}

fn deref(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let Some(o) = this.as_object() else {
        return type_error("WeakRef.prototype.deref called on incompatible receiver");
    };
    let data = o.borrow();
    Ok(data
        .host::<WeakTarget>()
        .and_then(|w| w.0.upgrade())
        .map(Value::Object)
        .unwrap_or_default())
}
