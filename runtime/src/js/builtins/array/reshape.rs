//! `Array.prototype` methods that build or rearrange: `concat`, `flat`, `fill`,
//! `copyWithin`, `splice`, `toSpliced` and `with`.

use super::{
    array, elements, get_index, has_index, is_array_value, mutate, relative_arg, this_object,
    MAX_DEPTH,
};
use crate::js::conversions::{length_of, to_integer};
use crate::js::native::{arg, Method};
use crate::js::ops::range_error;
use crate::js::value::{Agent, JsResult, Value};

/// The methods, for `Array.prototype`.
pub const METHODS: &[Method] = &[
    ("concat", concat),
    ("flat", flat),
    ("fill", fill),
    ("copyWithin", copy_within),
    ("splice", splice),
    ("toSpliced", to_spliced),
    ("with", with),
];

fn concat(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let mut out = Vec::new();
    for item in std::iter::once(&o).chain(args) {
        if is_array_value(item) {
            out.extend(elements(agent, item)?);
        } else {
            out.push(item.clone());
        }
    }
    array(out)
}

/// `FlattenIntoArray`: appends `v` to `out`, spreading arrays `depth` levels deep.
pub fn flatten_into(
    agent: &mut dyn Agent,
    out: &mut Vec<Value>,
    v: Value,
    depth: f64,
    level: usize,
) -> JsResult<()> {
    if depth <= 0.0 || !is_array_value(&v) {
        out.push(v);
        return Ok(());
    }
    if level >= MAX_DEPTH {
        return range_error("Maximum call stack size exceeded");
    }
    let len = length_of(agent, &v)?;
    for k in 0..len {
        if has_index(agent, &v, k)? {
            let e = get_index(agent, &v, k)?;
            flatten_into(agent, out, e, depth - 1.0, level + 1)?;
        }
    }
    Ok(())
}

fn flat(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let depth = match arg(args, 0) {
        Value::Undefined => 1.0,
        v => to_integer(agent, &v)?.max(0.0),
    };
    let len = length_of(agent, &o)?;
    let mut out = Vec::new();
    for k in 0..len {
        if has_index(agent, &o, k)? {
            let e = get_index(agent, &o, k)?;
            flatten_into(agent, &mut out, e, depth, 1)?;
        }
    }
    array(out)
}

fn fill(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let start = relative_arg(agent, args, 1, len, 0)?;
    let end = relative_arg(agent, args, 2, len, len)?;
    let value = arg(args, 0);
    mutate(agent, &o, |items| {
        let end = end.min(items.len());
        for slot in items.iter_mut().take(end).skip(start) {
            *slot = value.clone();
        }
    })?;
    Ok(o)
}

fn copy_within(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let to = relative_arg(agent, args, 0, len, 0)?;
    let from = relative_arg(agent, args, 1, len, 0)?;
    let end = relative_arg(agent, args, 2, len, len)?;
    let count = end.saturating_sub(from).min(len - to);
    mutate(agent, &o, |items| {
        if from + count <= items.len() && to + count <= items.len() {
            let chunk: Vec<Value> = items[from..from + count].to_vec();
            items[to..to + count].clone_from_slice(&chunk);
        }
    })?;
    Ok(o)
}

/// `start` and `deleteCount` of `splice`/`toSpliced`.
fn splice_range(agent: &mut dyn Agent, args: &[Value], len: usize) -> JsResult<(usize, usize)> {
    let start = relative_arg(agent, args, 0, len, 0)?;
    let count = match args.len() {
        0 => 0,
        1 => len - start,
        _ => to_integer(agent, &args[1])?.clamp(0.0, (len - start) as f64) as usize,
    };
    Ok((start, count))
}

fn splice(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let (start, count) = splice_range(agent, args, len)?;
    let inserted = args.get(2..).unwrap_or(&[]);
    let removed = mutate(agent, &o, |items| {
        let start = start.min(items.len());
        let end = (start + count).min(items.len());
        items
            .splice(start..end, inserted.iter().cloned())
            .collect::<Vec<_>>()
    })?;
    array(removed)
}

fn to_spliced(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let (start, count) = splice_range(agent, args, len)?;
    let mut items = elements(agent, &o)?;
    let end = (start + count).min(items.len());
    items.splice(
        start.min(end)..end,
        args.get(2..).unwrap_or(&[]).iter().cloned(),
    );
    array(items)
}

fn with(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let o = this_object(this)?;
    let len = length_of(agent, &o)?;
    let index = arg(args, 0);
    let n = to_integer(agent, &index)?;
    let k = if n < 0.0 { len as f64 + n } else { n };
    if k < 0.0 || k >= len as f64 {
        let shown = crate::js::conversions::display(agent.realm(), &index);
        return range_error(format!("Invalid index : {shown}"));
    }
    let mut items = elements(agent, &o)?;
    if let Some(slot) = items.get_mut(k as usize) {
        *slot = arg(args, 1);
    }
    array(items)
}
