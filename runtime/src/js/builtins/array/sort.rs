//! `sort` and `toSorted`: stable, `undefined` last, by string form without a comparator,
//! and with one by [`super::timsort`], which asks it what V8 would ask.

use super::timsort::{tim_sort, Compare};
use super::{array, elements, store, this_object};
use crate::js::conversions;
use crate::js::native::{arg, Method};
use crate::js::ops::{self, type_error};
use crate::js::value::{Agent, JsResult, Value};

/// The methods, for `Array.prototype`.
pub const METHODS: &[Method] = &[("sort", sort), ("toSorted", to_sorted)];

fn comparator(v: &Value) -> JsResult<Option<Value>> {
    match v {
        Value::Undefined => Ok(None),
        f if f.is_function() => Ok(Some(f.clone())),
        _ => type_error("The comparison function must be either a function or undefined"),
    }
}

fn sort(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let cmp = comparator(&arg(args, 0))?;
    let o = this_object(this)?;
    let items = elements(agent, &o)?;
    let sorted = sort_values(agent, items, cmp.as_ref())?;
    store(agent, &o, sorted)?;
    Ok(o)
}

fn to_sorted(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let cmp = comparator(&arg(args, 0))?;
    let o = this_object(this)?;
    let items = elements(agent, &o)?;
    array(sort_values(agent, items, cmp.as_ref())?)
}

/// Sorts `items` as `Array.prototype.sort` does.
pub fn sort_values(
    agent: &mut dyn Agent,
    items: Vec<Value>,
    cmp: Option<&Value>,
) -> JsResult<Vec<Value>> {
    let (mut defined, undefined): (Vec<Value>, Vec<Value>) = items
        .into_iter()
        .partition(|v| !matches!(v, Value::Undefined));
    match cmp {
        Some(f) => {
            let mut compare = |a: &Value, b: &Value| -> JsResult<f64> {
                let r = ops::call(agent, f, &Value::Undefined, &[a.clone(), b.clone()])?;
                let n = super::super::number::to_number(agent, &r)?;
                Ok(if n.is_nan() { 0.0 } else { n })
            };
            let cmp: &mut Compare = &mut compare;
            tim_sort(&mut defined, cmp)?;
        }
        None => {
            let mut keyed = Vec::with_capacity(defined.len());
            for v in defined {
                keyed.push((conversions::to_string(agent, &v)?, v));
            }
            keyed.sort_by(|a, b| a.0.cmp_utf16(&b.0));
            defined = keyed.into_iter().map(|(_, v)| v).collect();
        }
    }
    defined.extend(undefined);
    Ok(defined)
}
