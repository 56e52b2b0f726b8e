//! Running a `RegExp`: the subject's code units, `RegExpBuiltinExec` with the `lastIndex`
//! rules of global and sticky expressions, and the match arrays `exec` returns.

use super::regexp_object::state_of;
use super::regexp_syntax::{Flags, Subject};
use crate::js::conversions;
use crate::js::ops::{self, type_error};
use crate::js::string::JsStr;
use crate::js::value::{Agent, Class, JsResult, Kind, Obj, Proto, Value};

/// Reads `lastIndex` as `ToLength`.
pub fn last_index(agent: &mut dyn Agent, re: &Obj) -> JsResult<usize> {
    let v = ops::get(agent, &Value::Object(re.clone()), b"lastIndex")?;
    let n = conversions::to_integer(agent, &v)?;
    Ok(n.clamp(0.0, 9007199254740991.0) as usize)
}

/// Sets `lastIndex` (a `TypeError` if it was made read-only).
pub fn set_last_index(agent: &mut dyn Agent, re: &Obj, n: usize) -> JsResult<()> {
    let target = Value::Object(re.clone());
    if !ops::set(agent, &target, b"lastIndex", Value::Number(n as f64))? {
        return type_error(
            "Cannot assign to read only property 'lastIndex' of object '[object RegExp]'",
        );
    }
    Ok(())
}

/// The leftmost match of `regex` in the subject starting at or after `start`.
pub fn search(
    regex: &regress::Regex,
    flags: Flags,
    subject: &Subject,
    start: usize,
) -> Option<regress::Match> {
    let units = subject.haystack();
    if start > units.len() {
        return None;
    }
    if flags.unicode() {
        regex.find_from_utf16(units, start).next()
    } else {
        regex.find_from_ucs2(units, start).next()
    }
}

/// A match at or after `start` (exactly at `start` when sticky).
pub fn find(
    regex: &regress::Regex,
    flags: Flags,
    subject: &Subject,
    start: usize,
) -> Option<regress::Match> {
    search(regex, flags, subject, start).filter(|m| !flags.y || m.start() == start)
}

/// `RegExpBuiltinExec`: matches at `lastIndex` for global and sticky expressions (updating
/// it), from the start otherwise.
pub fn builtin_exec(
    agent: &mut dyn Agent,
    re: &Obj,
    subject: &Subject,
) -> JsResult<Option<regress::Match>> {
    let Some((flags, regex)) = state_of(&Value::Object(re.clone())) else {
        return type_error("Method RegExp.prototype.exec called on incompatible receiver");
    };
    let li = last_index(agent, re)?;
    let stateful = flags.g || flags.y;
    let start = if stateful { li } else { 0 };
    let found = find(&regex, flags, subject, start);
    if stateful {
        set_last_index(agent, re, found.as_ref().map_or(0, |m| m.end()))?;
    }
    Ok(found)
}

/// The substring of `units` in `range`.
pub fn slice(units: &[u16], range: std::ops::Range<usize>) -> JsStr {
    JsStr::from_utf16(&units[range])
}

/// A null-prototype object (a match's `groups`).
fn bare_object() -> Obj {
    Obj::with_proto(Class::Object, Kind::Ordinary, Proto::Null)
}

/// The captures of a match as values (undefined for groups that did not take part).
pub fn captures(m: &regress::Match, units: &[u16]) -> Vec<Value> {
    m.captures
        .iter()
        .map(|c| match c {
            Some(r) => Value::String(slice(units, r.clone())),
            None => Value::Undefined,
        })
        .collect()
}

/// A match's `groups` object, undefined without named groups.
pub fn groups(m: &regress::Match, units: &[u16]) -> Value {
    let mut named = m.named_groups().peekable();
    if named.peek().is_none() {
        return Value::Undefined;
    }
    let o = bare_object();
    for (name, range) in named {
        let v = range.map_or(Value::Undefined, |r| Value::String(slice(units, r)));
        o.set(name, v);
    }
    Value::Object(o)
}

/// The array `exec` returns for a match: the matched text and captures, `index`, `input`,
/// `groups`, and `indices` with the `d` flag.
pub fn match_array(m: &regress::Match, s: &JsStr, units: &[u16], flags: Flags) -> Value {
    let mut items = vec![Value::String(slice(units, m.range()))];
    items.extend(captures(m, units));
    let o = Obj::array(items);
    o.set("index", Value::Number(m.start() as f64));
    o.set("input", Value::String(s.clone()));
    o.set("groups", groups(m, units));
    if flags.d {
        o.set("indices", indices(m));
    }
    Value::Object(o)
}

/// The `indices` array of the `d` flag.
fn indices(m: &regress::Match) -> Value {
    let pair = |r: Option<std::ops::Range<usize>>| match r {
        Some(r) => Value::Object(Obj::array(vec![
            Value::Number(r.start as f64),
            Value::Number(r.end as f64),
        ])),
        None => Value::Undefined,
    };
    let list: Vec<Value> = m.groups().map(pair).collect();
    let o = Obj::array(list);
    let mut named = m.named_groups().peekable();
    let groups = if named.peek().is_none() {
        Value::Undefined
    } else {
        let g = bare_object();
        for (name, range) in named {
            g.set(name, pair(range));
        }
        Value::Object(g)
    };
    o.set("groups", groups);
    Value::Object(o)
}

/// `AdvanceStringIndex`: the next index, past a whole surrogate pair with `unicode`.
pub fn advance(units: &[u16], i: usize, unicode: bool) -> usize {
    let pair = unicode
        && units.get(i).is_some_and(|u| (0xD800..0xDC00).contains(u))
        && units
            .get(i + 1)
            .is_some_and(|u| (0xDC00..0xE000).contains(u));
    i + if pair { 2 } else { 1 }
}
