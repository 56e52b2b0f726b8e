//! `RegExp.prototype[Symbol.replace]` and `[Symbol.split]`: replacing matches by a
//! template's expansion or a function's results, and splitting at matches.

use super::regexp_exec::{
    advance, builtin_exec, captures, find, groups, search, set_last_index, slice,
};
use super::regexp_object::state_of;
use super::regexp_syntax::Subject;
use crate::js::conversions::{to_number, to_string};
use crate::js::ops;
use crate::js::string::JsStr;
use crate::js::value::{Agent, JsResult, Obj, Value};

/// `RegExp.prototype[Symbol.replace]`: the matches (all of them with `g`) replaced by a
/// template's expansion or a function's results.
pub fn regexp_replace(
    agent: &mut dyn Agent,
    re: &Obj,
    s: &JsStr,
    replace_value: &Value,
) -> JsResult<JsStr> {
    let Some((flags, regex)) = state_of(&Value::Object(re.clone())) else {
        return Ok(s.clone());
    };
    let subject = Subject::new(s, flags);
    let units = &subject.units;
    let template = if replace_value.is_function() {
        None
    } else {
        Some(to_string(agent, replace_value)?.to_utf16())
    };
    let mut matches = Vec::new();
    if flags.g {
        set_last_index(agent, re, 0)?;
        let mut pos = 0;
        while let Some(m) = find(&regex, flags, &subject, pos) {
            pos = if m.range.is_empty() {
                advance(units, m.end(), flags.unicode())
            } else {
                m.end()
            };
            matches.push(m);
        }
    } else if let Some(m) = builtin_exec(agent, re, &subject)? {
        matches.push(m);
    }
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    let mut next = 0;
    for m in &matches {
        let caps = captures(m, units);
        let named = groups(m, units);
        let replacement = match &template {
            Some(t) => substitution(agent, t, units, m.range(), &caps, &named)?,
            None => {
                let mut call_args = vec![Value::String(slice(units, m.range()))];
                call_args.extend(caps);
                call_args.push(Value::Number(m.start() as f64));
                call_args.push(Value::String(s.clone()));
                if !matches!(named, Value::Undefined) {
                    call_args.push(named);
                }
                let r = ops::call(agent, replace_value, &Value::Undefined, &call_args)?;
                to_string(agent, &r)?.to_utf16()
            }
        };
        if m.start() >= next {
            out.extend_from_slice(&units[next..m.start()]);
            out.extend(replacement);
            next = m.end();
        }
    }
    out.extend_from_slice(&units[next.min(units.len())..]);
    Ok(JsStr::from_utf16(&out))
}

/// `GetSubstitution`: expands `$$`, `$&`, `` $` ``, `$'`, `$1`..`$99` and `$<name>` in a
/// replacement template.
fn substitution(
    agent: &mut dyn Agent,
    template: &[u16],
    s: &[u16],
    matched: std::ops::Range<usize>,
    caps: &[Value],
    named: &Value,
) -> JsResult<Vec<u16>> {
    let mut out = Vec::with_capacity(template.len());
    let mut i = 0;
    let digit = |u: Option<&u16>| u.filter(|u| (0x30..=0x39).contains(*u)).map(|u| u - 0x30);
    let push_value = |out: &mut Vec<u16>, v: &Value| {
        if let Value::String(c) = v {
            out.extend(c.code_units());
        }
    };
    while i < template.len() {
        let c = template[i];
        let next = template.get(i + 1).copied();
        if c != 0x24 || next.is_none() {
            out.push(c);
            i += 1;
            continue;
        }
        match next.unwrap_or(0) {
            0x24 => out.push(0x24),
            0x26 => out.extend_from_slice(&s[matched.clone()]),
            0x60 => out.extend_from_slice(&s[..matched.start]),
            0x27 => out.extend_from_slice(&s[matched.end.min(s.len())..]),
            0x30..=0x39 => {
                let d1 = digit(template.get(i + 1)).unwrap_or(0) as usize;
                let two = digit(template.get(i + 2)).map(|d2| d1 * 10 + d2 as usize);
                let (index, len) = match two {
                    Some(n) if (1..=caps.len()).contains(&n) => (n, 2),
                    _ => (d1, 1),
                };
                if (1..=caps.len()).contains(&index) {
                    push_value(&mut out, &caps[index - 1]);
                } else {
                    out.extend_from_slice(&template[i..i + 1 + len]);
                }
                i += 1 + len;
                continue;
            }
            0x3C => {
                let close = template[i + 2..].iter().position(|&u| u == 0x3E);
                match (close, named) {
                    (Some(at), Value::Object(_)) => {
                        let name = &template[i + 2..i + 2 + at];
                        let key = JsStr::from_utf16(name);
                        let v = ops::get(agent, named, key.as_bytes())?;
                        if !matches!(v, Value::Undefined) {
                            out.extend(to_string(agent, &v)?.code_units());
                        }
                        i += 3 + at;
                        continue;
                    }
                    _ => out.extend_from_slice(&[0x24, 0x3C]),
                }
            }
            other => out.extend_from_slice(&[0x24, other]),
        }
        i += 2;
    }
    Ok(out)
}

/// `RegExp.prototype[Symbol.split]`: the pieces between matches, with the captures of each
/// separator, up to `limit` pieces.
pub fn regexp_split(agent: &mut dyn Agent, re: &Obj, s: &JsStr, limit: &Value) -> JsResult {
    let Some((flags, regex)) = state_of(&Value::Object(re.clone())) else {
        return Ok(Value::Object(Obj::array(Vec::new())));
    };
    let lim = match limit {
        Value::Undefined => u32::MAX as usize,
        v => to_uint32(to_number(agent, v)?) as usize,
    };
    let mut out = Vec::new();
    if lim == 0 {
        return Ok(Value::Object(Obj::array(out)));
    }
    let subject = Subject::new(s, flags);
    let units = &subject.units;
    let size = units.len();
    if size == 0 {
        if search(&regex, flags, &subject, 0).is_some_and(|m| m.start() == 0) {
            return Ok(Value::Object(Obj::array(out)));
        }
        return Ok(Value::Object(Obj::array(vec![Value::String(s.clone())])));
    }
    let (mut p, mut q) = (0, 0);
    while q < size {
        let Some(m) = search(&regex, flags, &subject, q) else {
            break;
        };
        if m.start() >= size {
            break;
        }
        q = m.start();
        let e = m.end().min(size);
        if e == p {
            q = advance(units, q, flags.unicode());
            continue;
        }
        out.push(Value::String(slice(units, p..q)));
        if out.len() == lim {
            return Ok(Value::Object(Obj::array(out)));
        }
        p = e;
        for c in captures(&m, units) {
            out.push(c);
            if out.len() == lim {
                return Ok(Value::Object(Obj::array(out)));
            }
        }
        q = p;
    }
    out.push(Value::String(slice(units, p..size)));
    Ok(Value::Object(Obj::array(out)))
}

/// `ToUint32` of a number.
fn to_uint32(n: f64) -> u32 {
    if !n.is_finite() {
        return 0;
    }
    n.trunc().rem_euclid(4294967296.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(template: &str, caps: &[Option<&str>]) -> String {
        struct NoAgent;
        impl Agent for NoAgent {
            fn realm_any(&mut self) -> &mut dyn std::any::Any {
                unreachable!("templates without $<name> need no realm")
            }
            fn call_foreign(&mut self, _: u32, _: &Value, _: &[Value]) -> JsResult {
                unreachable!()
            }
        }
        let s: Vec<u16> = "abc".encode_utf16().collect();
        let caps: Vec<Value> = caps
            .iter()
            .map(|c| c.map_or(Value::Undefined, Value::from))
            .collect();
        let t: Vec<u16> = template.encode_utf16().collect();
        let out = substitution(&mut NoAgent, &t, &s, 1..2, &caps, &Value::Undefined);
        String::from_utf16_lossy(&out.unwrap_or_default())
    }

    #[test]
    fn templates_expand_as_v8_does() {
        assert_eq!(expand("[$&|$`|$'|$$|$9]", &[]), "[b|a|c|$|$9]");
        assert_eq!(
            expand("$01|$10|$2|$0|$<x>", &[Some("b")]),
            "b|b0|$2|$0|$<x>"
        );
        assert_eq!(expand("$1-$2", &[None, Some("z")]), "-z");
        assert_eq!(expand("trailing $", &[]), "trailing $");
    }

    #[test]
    fn uint32_wraps() {
        assert_eq!(to_uint32(-1.0), u32::MAX);
        assert_eq!(to_uint32(3.7), 3);
        assert_eq!(to_uint32(f64::NAN), 0);
    }
}
