//! Running a `RegExp`: the subject's code units, `RegExpBuiltinExec` with the `lastIndex`
//! rules of global and sticky expressions, and the match arrays `exec` returns.

use super::regexp::{state_of, Flags};
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

/// The string a pattern runs over: its code units, and for case-insensitive patterns
/// without `u`/`v` a copy where `ſ` and `ı` stand apart (see [`fold_fix`]).
pub struct Subject {
    /// The code units.
    pub units: Vec<u16>,
    folded: Option<Vec<u16>>,
}

impl Subject {
    /// The subject `s` is for a pattern with `flags`.
    pub fn new(s: &JsStr, flags: Flags) -> Subject {
        let units = s.to_utf16();
        let folded = (flags.i && !flags.unicode() && units.iter().any(|&u| fold_fix(u) != u))
            .then(|| units.iter().map(|&u| fold_fix(u)).collect());
        Subject { units, folded }
    }

    /// The units the engine sees.
    fn haystack(&self) -> &[u16] {
        self.folded.as_deref().unwrap_or(&self.units)
    }
}

/// Without `u`, case-insensitive matching compares upper cases, except that a character
/// never matches an ASCII one it is not: `ſ` (U+017F) and `ı` (U+0131) only match
/// themselves. `regress` folds them to `S` and `I`, so both the pattern and the subject
/// carry them as noncharacters the engine folds to themselves.
fn fold_fix(u: u16) -> u16 {
    match u {
        0x017F => 0xFDD0,
        0x0131 => 0xFDD1,
        u => u,
    }
}

/// A case-insensitive pattern without `u`/`v` with [`fold_fix`] applied to its literal and
/// `\uXXXX` characters.
pub fn fold_fix_pattern(units: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        if u != 0x5C {
            out.push(fold_fix(u));
            i += 1;
            continue;
        }
        let hex = units
            .get(i + 2..i + 6)
            .filter(|_| units.get(i + 1) == Some(&0x75));
        let code = hex
            .map(String::from_utf16_lossy)
            .and_then(|h| u16::from_str_radix(&h, 16).ok());
        match code {
            Some(c) if fold_fix(c) != c => {
                out.push(fold_fix(c));
                i += 6;
            }
            _ => {
                out.extend(units.get(i..i + 2).unwrap_or(&units[i..]));
                i += 2;
            }
        }
    }
    out
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
