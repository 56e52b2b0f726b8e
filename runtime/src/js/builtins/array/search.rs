//! `Array.prototype`'s searches by value and position: `at`, `includes` (SameValueZero),
//! `indexOf` and `lastIndexOf` (strict equality).

use super::{get_index, has_index, this_object};
use crate::js::conversions::{length_of, to_integer};
use crate::js::native::{arg, Method};
use crate::js::value::{Agent, JsResult, Value};

/// The methods, for `Array.prototype`.
pub const METHODS: &[Method] = &[
    ("at", at),
    ("includes", includes),
    ("indexOf", index_of),
    ("lastIndexOf", last_index_of),
];

fn at(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let n = to_integer(agent, &arg(args, 0))?;
    let k = if n < 0.0 { len as f64 + n } else { n };
    if k < 0.0 || k >= len as f64 {
        return Ok(Value::Undefined);
    }
    get_index(agent, &o, k as usize)
}

/// The start of a search (`fromIndex`), or `None` when it is past the end.
fn from_index(agent: &mut dyn Agent, v: &Value, len: usize) -> JsResult<Option<usize>> {
    let n = to_integer(agent, v)?;
    if n >= len as f64 {
        return Ok(None);
    }
    Ok(Some(if n < 0.0 {
        (len as f64 + n).max(0.0) as usize
    } else {
        n as usize
    }))
}

fn includes(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let needle = arg(args, 0);
    let Some(start) = from_index(agent, &arg(args, 1), len)? else {
        return Ok(Value::Bool(false));
    };
    for k in start..len {
        if get_index(agent, &o, k)?.same_value_zero(&needle) {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn index_of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let needle = arg(args, 0);
    let Some(start) = from_index(agent, &arg(args, 1), len)? else {
        return Ok(Value::Number(-1.0));
    };
    for k in start..len {
        if has_index(agent, &o, k)? && get_index(agent, &o, k)?.strict_eq(&needle) {
            return Ok(Value::Number(k as f64));
        }
    }
    Ok(Value::Number(-1.0))
}

fn last_index_of(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    if len == 0 {
        return Ok(Value::Number(-1.0));
    }
    let needle = arg(args, 0);
    let n = match args.get(1) {
        Some(v) => to_integer(agent, v)?,
        None => len as f64 - 1.0,
    };
    let start = if n < 0.0 {
        len as f64 + n
    } else {
        n.min(len as f64 - 1.0)
    };
    if start < 0.0 {
        return Ok(Value::Number(-1.0));
    }
    for k in (0..=start as usize).rev() {
        if has_index(agent, &o, k)? && get_index(agent, &o, k)?.strict_eq(&needle) {
            return Ok(Value::Number(k as f64));
        }
    }
    Ok(Value::Number(-1.0))
}
