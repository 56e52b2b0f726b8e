//! The `Array.prototype` methods that call a function for each element: `forEach`, `map`,
//! `filter`, `some`, `every`, the `find` family, `reduce`/`reduceRight` and `flatMap`. The
//! callback gets `(element, index, array)` and `thisArg`; elements are read as the walk
//! reaches them, so a callback that changes the array is seen as in JS.

use super::{array, callback, get_index, has_index, this_object};
use crate::js::conversions::length_of;
use crate::js::native::{arg, Method};
use crate::js::ops::{self, type_error};
use crate::js::value::{Agent, JsResult, Value};

/// The methods, for `Array.prototype`.
pub const METHODS: &[Method] = &[
    ("forEach", for_each),
    ("map", map),
    ("filter", filter),
    ("some", |g, t, a| test(g, t, a, true)),
    ("every", |g, t, a| test(g, t, a, false)),
    ("find", |g, t, a| find(g, t, a, false, false)),
    ("findIndex", |g, t, a| find(g, t, a, false, true)),
    ("findLast", |g, t, a| find(g, t, a, true, false)),
    ("findLastIndex", |g, t, a| find(g, t, a, true, true)),
    ("reduce", |g, t, a| reduce(g, t, a, false)),
    ("reduceRight", |g, t, a| reduce(g, t, a, true)),
    ("flatMap", flat_map),
];

/// What each walk starts from: the object, its length, the callback and `thisArg`.
struct Walk {
    o: Value,
    len: usize,
    f: Value,
    this_arg: Value,
}

impl Walk {
    fn new(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult<Walk> {
        let o = this_object(this)?;
        let len = length_of(agent, &o)?;
        let f = callback(agent, &arg(args, 0))?;
        Ok(Walk {
            o,
            len,
            f,
            this_arg: arg(args, 1),
        })
    }

    /// Element `k` if present, and what the callback returned for it.
    fn visit(&self, agent: &mut dyn Agent, k: usize) -> JsResult<Option<(Value, Value)>> {
        if !has_index(agent, &self.o, k)? {
            return Ok(None);
        }
        let v = get_index(agent, &self.o, k)?;
        let r = self.call(agent, v.clone(), k)?;
        Ok(Some((v, r)))
    }

    fn call(&self, agent: &mut dyn Agent, v: Value, k: usize) -> JsResult {
        let args = [v, Value::Number(k as f64), self.o.clone()];
        ops::call(agent, &self.f, &self.this_arg, &args)
    }
}

fn for_each(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let w = Walk::new(agent, this, args)?;
    for k in 0..w.len {
        w.visit(agent, k)?;
    }
    Ok(Value::Undefined)
}

fn map(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let w = Walk::new(agent, this, args)?;
    let mut out = vec![Value::Undefined; super::dense(w.len)?];
    for (k, slot) in out.iter_mut().enumerate() {
        if let Some((_, r)) = w.visit(agent, k)? {
            *slot = r;
        }
    }
    array(out)
}

fn filter(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let w = Walk::new(agent, this, args)?;
    let mut out = Vec::new();
    for k in 0..w.len {
        if let Some((v, r)) = w.visit(agent, k)? {
            if r.truthy() {
                out.push(v);
            }
        }
    }
    array(out)
}

/// `some` (`any`) and `every` (not `any`): stops at the first element that decides.
fn test(agent: &mut dyn Agent, this: &Value, args: &[Value], any: bool) -> JsResult {
    let w = Walk::new(agent, this, args)?;
    for k in 0..w.len {
        if let Some((_, r)) = w.visit(agent, k)? {
            if r.truthy() == any {
                return Ok(Value::Bool(any));
            }
        }
    }
    Ok(Value::Bool(!any))
}

/// `find`, `findIndex`, `findLast`, `findLastIndex`: every index, holes included.
fn find(agent: &mut dyn Agent, this: &Value, args: &[Value], last: bool, index: bool) -> JsResult {
    let w = Walk::new(agent, this, args)?;
    let order: Box<dyn Iterator<Item = usize>> = if last {
        Box::new((0..w.len).rev())
    } else {
        Box::new(0..w.len)
    };
    for k in order {
        let v = get_index(agent, &w.o, k)?;
        if w.call(agent, v.clone(), k)?.truthy() {
            return Ok(if index { Value::Number(k as f64) } else { v });
        }
    }
    Ok(if index {
        Value::Number(-1.0)
    } else {
        Value::Undefined
    })
}

fn reduce(agent: &mut dyn Agent, this: &Value, args: &[Value], right: bool) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let f = callback(agent, &arg(args, 0))?;
    let mut order: Box<dyn Iterator<Item = usize>> = if right {
        Box::new((0..len).rev())
    } else {
        Box::new(0..len)
    };
    let mut acc = match args.get(1) {
        Some(v) => v.clone(),
        None => loop {
            let Some(k) = order.next() else {
                return type_error("Reduce of empty array with no initial value");
            };
            if has_index(agent, &o, k)? {
                break get_index(agent, &o, k)?;
            }
        },
    };
    for k in order {
        if has_index(agent, &o, k)? {
            let v = get_index(agent, &o, k)?;
            let call_args = [acc, v, Value::Number(k as f64), o.clone()];
            acc = ops::call(agent, &f, &Value::Undefined, &call_args)?;
        }
    }
    Ok(acc)
}

fn flat_map(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    if !arg(args, 0).is_function() {
        return type_error("flatMap mapper function is not callable");
    }
    let w = Walk::new(agent, this, args)?;
    let mut out = Vec::new();
    for k in 0..w.len {
        if let Some((_, r)) = w.visit(agent, k)? {
            super::reshape::flatten_into(agent, &mut out, r, 1.0, 0)?;
        }
    }
    array(out)
}
