//! Iterators: `%IteratorPrototype%`, and the iterators of arrays, typed arrays, strings, maps
//! and sets (`keys()`, `values()`, `entries()`, `[Symbol.iterator]()`), which see the
//! collection live as JS's do.

use crate::js::conversions::length_of;
use crate::js::native::{builtin, define_methods, Method};
use crate::js::ops::{self, type_error, Key};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{attrs, Agent, Class, Intrinsic, JsResult, Obj, Value};

/// What an iterator yields for each entry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Yield {
    /// Keys (indices for arrays).
    Keys,
    /// Values.
    Values,
    /// `[key, value]` pairs.
    Entries,
}

/// Steps a live collection: the entry at or after position `pos` as `(next position, key,
/// value)`, or `None` at the end.
pub type Step = fn(&Obj, usize) -> Option<(usize, Value, Value)>;

/// Where an iterator's entries come from.
pub enum Source {
    /// An array-like: `length` and indices read at each step.
    ArrayLike(Value),
    /// A string, by code points.
    Str(JsStr),
    /// A collection stepped by position.
    Live(Obj, Step),
    /// Values computed up front.
    List(Vec<Value>),
}

/// The state of an iterator object.
pub struct IterState {
    source: Source,
    pos: usize,
    yields: Yield,
    done: bool,
}

const ITERATOR_PROTO: &[Method] = &[];

pub fn install(realm: &mut Realm) {
    let iterator = realm.symbols.iterator.clone();
    let base = realm.proto(Class::Other(Intrinsic::Iterator));
    define_methods(&base, ITERATOR_PROTO);
    base.define_symbol(
        &iterator,
        builtin(|_, this, _| Ok(this.clone())),
        attrs::HIDDEN,
    );
    let tag = realm.symbols.to_string_tag.clone();
    for (class, name) in [
        (Intrinsic::ArrayIterator, "Array Iterator"),
        (Intrinsic::MapIterator, "Map Iterator"),
        (Intrinsic::SetIterator, "Set Iterator"),
        (Intrinsic::StringIterator, "String Iterator"),
        (Intrinsic::RegExpStringIterator, "RegExp String Iterator"),
    ] {
        let proto = realm.proto(Class::Other(class));
        proto.define("next", builtin(next), attrs::HIDDEN);
        proto.define_symbol(&tag, Value::from(name), attrs::CONFIGURABLE);
    }
}

/// A new iterator object of `class` over `source`.
pub fn iterator(class: Intrinsic, source: Source, yields: Yield) -> Value {
    Value::Object(Obj::host(
        class,
        IterState {
            source,
            pos: 0,
            yields,
            done: false,
        },
    ))
}

/// `{ value, done }`.
pub fn result(value: Value, done: bool) -> Value {
    let o = Obj::plain();
    o.set("value", value);
    o.set("done", Value::Bool(done));
    Value::Object(o)
}

fn pair(k: Value, v: Value) -> Value {
    Value::Object(Obj::array(vec![k, v]))
}

/// The entry after `pos`, and the position after it.
fn step(
    agent: &mut dyn Agent,
    source: &Source,
    pos: usize,
) -> JsResult<Option<(usize, Value, Value)>> {
    Ok(match source {
        Source::ArrayLike(a) => {
            if pos >= length_of(agent, a)? {
                None
            } else {
                let v = ops::get_v(agent, a, Key::Str(pos.to_string().as_bytes()))?;
                Some((pos + 1, Value::Number(pos as f64), v))
            }
        }
        Source::Str(s) => {
            let units = s.to_utf16();
            if pos >= units.len() {
                None
            } else {
                let n = if (0xD800..0xDC00).contains(&units[pos])
                    && units
                        .get(pos + 1)
                        .is_some_and(|u| (0xDC00..0xE000).contains(u))
                {
                    2
                } else {
                    1
                };
                let ch = Value::String(JsStr::from_utf16(&units[pos..pos + n]));
                Some((pos + n, Value::Undefined, ch))
            }
        }
        Source::Live(o, f) => f(o, pos),
        Source::List(items) => items
            .get(pos)
            .map(|v| (pos + 1, Value::Number(pos as f64), v.clone())),
    })
}

fn next(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let Some(o) = this.as_object() else {
        return type_error("next called on a non-iterator");
    };
    // Take the state out while stepping: stepping may run code that touches this iterator.
    let taken = {
        let mut data = o.borrow_mut();
        match data.host_mut::<IterState>() {
            Some(s) if s.done => return Ok(result(Value::Undefined, true)),
            Some(s) => (
                std::mem::replace(&mut s.source, Source::List(Vec::new())),
                s.pos,
                s.yields,
            ),
            None => return type_error("next called on a non-iterator"),
        }
    };
    let (source, pos, yields) = taken;
    let stepped = step(agent, &source, pos);
    let mut data = o.borrow_mut();
    let state = data
        .host_mut::<IterState>()
        .expect("the iterator's state was there a moment ago");
    state.source = source;
    match stepped? {
        Some((after, k, v)) => {
            state.pos = after;
            Ok(result(
                match yields {
                    Yield::Keys => k,
                    Yield::Values => v,
                    Yield::Entries => pair(k, v),
                },
                false,
            ))
        }
        None => {
            state.done = true;
            Ok(result(Value::Undefined, true))
        }
    }
}
