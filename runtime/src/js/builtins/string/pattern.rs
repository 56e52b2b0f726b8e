//! `split`, `replace` and `replaceAll` with string separators and patterns (`RegExp`
//! patterns are handled by wrappers the `RegExp` built-ins install over these).

use super::{find, this_string_for};
use crate::js::conversions;
use crate::js::native::arg;
use crate::js::ops;
use crate::js::string::{JsStr, JsStrBuilder};
use crate::js::value::{Agent, JsResult, Obj, Value};

/// `String.prototype.split(separator, limit)` for a string (or any non-`RegExp`)
/// separator.
pub fn split(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "split")?;
    let limit = match arg(args, 1) {
        Value::Undefined => u32::MAX,
        v => crate::js::number::to_uint32(crate::js::builtins::number::to_number(agent, &v)?),
    } as usize;
    let sep_v = arg(args, 0);
    let sep = match &sep_v {
        Value::Undefined => None,
        v => Some(conversions::to_string(agent, v)?.to_utf16()),
    };
    let list = |items: Vec<Value>| Ok(Value::Object(Obj::array(items)));
    if limit == 0 {
        return list(Vec::new());
    }
    let Some(sep) = sep else {
        return list(vec![Value::String(s)]);
    };
    let units = s.to_utf16();
    if sep.is_empty() {
        let pieces = units.iter().take(limit);
        return list(
            pieces
                .map(|u| Value::String(JsStr::from_utf16(&[*u])))
                .collect(),
        );
    }
    if units.is_empty() {
        return list(vec![Value::String(s)]);
    }
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(i) = find(&units, &sep, start) {
        out.push(Value::String(JsStr::from_utf16(&units[start..i])));
        if out.len() >= limit {
            return list(out);
        }
        start = i + sep.len();
    }
    out.push(Value::String(JsStr::from_utf16(&units[start..])));
    list(out)
}

/// Looks up a named group's capture for `$<name>`.
pub type NamedCapture = dyn Fn(&[u16]) -> Option<Vec<u16>>;

/// `GetSubstitution`: the replacement text for a match of `matched` at `position` in `s`,
/// expanding `$$`, `$&`, `` $` ``, `$'` and `$n`/`$nn` (from `captures`, `None` for an
/// unmatched group); `named` resolves `$<name>` when the pattern has named groups.
pub fn get_substitution(
    matched: &[u16],
    s: &[u16],
    position: usize,
    captures: &[Option<Vec<u16>>],
    named: Option<&NamedCapture>,
    replacement: &[u16],
) -> Vec<u16> {
    let dollar = b'$' as u16;
    let digit = |u: Option<&u16>| {
        u.and_then(|&u| char::from_u32(u as u32))
            .and_then(|c| c.to_digit(10))
            .map(|d| d as usize)
    };
    let tail = (position + matched.len()).min(s.len());
    let mut out = Vec::with_capacity(replacement.len());
    let mut i = 0;
    while i < replacement.len() {
        let u = replacement[i];
        let next = replacement.get(i + 1).copied();
        if u != dollar || next.is_none() {
            out.push(u);
            i += 1;
            continue;
        }
        let m = captures.len();
        match next.map(|n| n as u8 as char).filter(|_| next < Some(128)) {
            Some('$') => out.push(dollar),
            Some('&') => out.extend_from_slice(matched),
            Some('`') => out.extend_from_slice(&s[..position.min(s.len())]),
            Some('\'') => out.extend_from_slice(&s[tail..]),
            Some('<') if named.is_some() => {
                let close = replacement[i + 2..].iter().position(|&c| c == b'>' as u16);
                let (Some(close), Some(named)) = (close, named) else {
                    out.extend_from_slice(&replacement[i..i + 2]);
                    i += 2;
                    continue;
                };
                let name = &replacement[i + 2..i + 2 + close];
                out.extend(named(name).unwrap_or_default());
                i += close + 3;
                continue;
            }
            Some(c) if c.is_ascii_digit() => {
                let one = c as usize - '0' as usize;
                let two = digit(replacement.get(i + 2)).map(|d| one * 10 + d);
                let (n, width) = match two {
                    Some(n) if (1..=m).contains(&n) => (n, 3),
                    _ => (one, 2),
                };
                if (1..=m).contains(&n) {
                    out.extend(captures[n - 1].clone().unwrap_or_default());
                } else {
                    out.extend_from_slice(&replacement[i..i + width]);
                }
                i += width;
                continue;
            }
            _ => out.extend_from_slice(&replacement[i..i + 2]),
        }
        i += 2;
    }
    out
}

/// Replaces the matches of a string pattern at `positions` (from `replace` or
/// `replaceAll`).
fn replace_at(
    agent: &mut dyn Agent,
    s: &JsStr,
    search: &[u16],
    positions: &[usize],
    replacer: &Value,
) -> JsResult {
    let units = s.to_utf16();
    let template = if replacer.is_function() {
        None
    } else {
        Some(conversions::to_string(agent, replacer)?.to_utf16())
    };
    let mut out = JsStrBuilder::new();
    let mut end = 0;
    for &p in positions {
        units[end..p].iter().for_each(|&u| out.push_unit(u));
        let piece = match &template {
            Some(t) => get_substitution(search, &units, p, &[], None, t),
            None => {
                let args = [
                    Value::String(JsStr::from_utf16(search)),
                    Value::Number(p as f64),
                    Value::String(s.clone()),
                ];
                let r = ops::call(agent, replacer, &Value::Undefined, &args)?;
                conversions::to_string(agent, &r)?.to_utf16()
            }
        };
        piece.iter().for_each(|&u| out.push_unit(u));
        end = p + search.len();
    }
    units[end..].iter().for_each(|&u| out.push_unit(u));
    Ok(Value::String(out.finish()))
}

/// `String.prototype.replace(pattern, replacement)` for a string (or any non-`RegExp`)
/// pattern: the first match, `replacement` a template or a function.
pub fn replace(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "replace")?;
    let search = conversions::to_string(agent, &arg(args, 0))?.to_utf16();
    let replacer = arg(args, 1);
    let units = s.to_utf16();
    match find(&units, &search, 0) {
        Some(p) => replace_at(agent, &s, &search, &[p], &replacer),
        None => {
            if !replacer.is_function() {
                conversions::to_string(agent, &replacer)?;
            }
            Ok(Value::String(s))
        }
    }
}

/// `String.prototype.replaceAll(pattern, replacement)` for a string (or any non-`RegExp`)
/// pattern.
pub fn replace_all(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "replaceAll")?;
    let search = conversions::to_string(agent, &arg(args, 0))?.to_utf16();
    let units = s.to_utf16();
    let advance = search.len().max(1);
    let mut positions = Vec::new();
    let mut from = 0;
    while from <= units.len() {
        let Some(p) = find(&units, &search, from) else {
            break;
        };
        positions.push(p);
        from = p + advance;
    }
    replace_at(agent, &s, &search, &positions, &arg(args, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn sub(replacement: &str, captures: &[Option<&str>]) -> String {
        let caps: Vec<Option<Vec<u16>>> = captures.iter().map(|c| c.map(u)).collect();
        let out = get_substitution(&u("-"), &u("a-b-c"), 1, &caps, None, &u(replacement));
        String::from_utf16_lossy(&out)
    }

    #[test]
    fn substitutions() {
        assert_eq!(sub("[$&]", &[]), "[-]");
        assert_eq!(sub("$$", &[]), "$");
        assert_eq!(sub("$`|$'", &[]), "a|b-c");
        assert_eq!(sub("$1", &[]), "$1");
        assert_eq!(sub("$1", &[Some("x")]), "x");
        assert_eq!(sub("$2", &[Some("x"), None]), "");
        assert_eq!(sub("$10", &[Some("x")]), "x0");
        assert_eq!(sub("$<n>", &[]), "$<n>");
        assert_eq!(sub("$", &[]), "$");
    }
}
