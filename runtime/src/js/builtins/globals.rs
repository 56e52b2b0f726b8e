//! The global functions and values: `parseInt`, `parseFloat`, `isNaN`, `isFinite`, the URI
//! codecs (`encodeURIComponent`, ...), `escape`/`unescape`, and `NaN`, `Infinity`,
//! `undefined`.

use super::number::{parse_float, parse_int, to_number};
use crate::js::conversions;
use crate::js::native::{arg, builtin, named, Method};
use crate::js::ops::{self, throw};
use crate::js::realm::Realm;
use crate::js::string::{JsStr, JsStrBuilder};
use crate::js::value::{Agent, ErrorType, JsResult, Value};

const FUNCTIONS: &[Method] = &[
    ("isNaN", is_nan),
    ("isFinite", is_finite),
    ("encodeURIComponent", encode_uri_component),
    ("encodeURI", encode_uri),
    ("decodeURIComponent", decode_uri_component),
    ("decodeURI", decode_uri),
    ("escape", escape),
    ("unescape", unescape),
];

/// Characters `encodeURI` leaves alone besides the unreserved ones (and `decodeURI` does not
/// decode).
const RESERVED: &str = ";/?:@&=+$,#";
/// Unreserved marks, kept by both encoders.
const MARKS: &str = "-_.!~*'()";

/// Installs the global functions and values.
pub fn install(realm: &mut Realm) {
    for &(name, f) in FUNCTIONS {
        realm.define_builtin(name, named(builtin(f), name));
    }
    // The same function objects as `Number.parseFloat` and `Number.parseInt`.
    let number = ops::get_data(realm, &realm.global.clone(), b"Number")
        .ok()
        .flatten();
    for (name, f) in [
        ("parseFloat", parse_float as crate::js::value::Builtin),
        ("parseInt", parse_int),
    ] {
        let shared = number
            .as_ref()
            .and_then(|n| n.as_object().cloned())
            .and_then(|n| ops::get_data(realm, &n, name.as_bytes()).ok().flatten())
            .filter(Value::is_function);
        realm.define_builtin(name, shared.unwrap_or_else(|| named(builtin(f), name)));
    }
    for (name, v) in [
        ("NaN", Value::Number(f64::NAN)),
        ("Infinity", Value::Number(f64::INFINITY)),
        ("undefined", Value::Undefined),
    ] {
        realm.global.define(name, v, 0);
    }
}

fn is_nan(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let n = to_number(agent, &arg(args, 0))?;
    Ok(Value::Bool(n.is_nan()))
}

fn is_finite(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let n = to_number(agent, &arg(args, 0))?;
    Ok(Value::Bool(n.is_finite()))
}

fn malformed<T>() -> JsResult<T> {
    throw(ErrorType::UriError, "URI malformed")
}

/// Percent-encodes the UTF-8 of every code point but ASCII alphanumerics, [`MARKS`] and
/// `keep`.
fn encode(units: &[u16], keep: &str) -> JsResult<String> {
    let mut out = String::with_capacity(units.len());
    for c in char::decode_utf16(units.iter().copied()) {
        let Ok(c) = c else {
            return malformed();
        };
        if c.is_ascii_alphanumeric() || MARKS.contains(c) || keep.contains(c) {
            out.push(c);
            continue;
        }
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

fn hex_byte(units: &[u16], at: usize) -> Option<u8> {
    let digit = |i: usize| {
        units
            .get(i)
            .and_then(|&u| char::from_u32(u as u32))
            .and_then(|c| c.to_digit(16))
    };
    if units.get(at) != Some(&(b'%' as u16)) {
        return None;
    }
    Some((digit(at + 1)? * 16 + digit(at + 2)?) as u8)
}

/// Decodes percent-escapes of UTF-8 sequences, leaving escapes of `reserved` characters as
/// they are.
fn decode(units: &[u16], reserved: &str) -> JsResult<JsStr> {
    let mut out = JsStrBuilder::new();
    let mut k = 0;
    while k < units.len() {
        if units[k] != b'%' as u16 {
            out.push_unit(units[k]);
            k += 1;
            continue;
        }
        let Some(first) = hex_byte(units, k) else {
            return malformed();
        };
        if first < 0x80 {
            if reserved.contains(first as char) {
                units[k..k + 3].iter().for_each(|&u| out.push_unit(u));
            } else {
                out.push_unit(first as u16);
            }
            k += 3;
            continue;
        }
        let n = first.leading_ones() as usize;
        if !(2..=4).contains(&n) {
            return malformed();
        }
        let mut bytes = vec![first];
        for i in 1..n {
            match hex_byte(units, k + 3 * i) {
                Some(b) if b & 0xC0 == 0x80 => bytes.push(b),
                _ => return malformed(),
            }
        }
        // Rejects overlong forms, surrogates and code points past U+10FFFF.
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return malformed();
        };
        let mut buf = [0u16; 2];
        for c in text.chars() {
            c.encode_utf16(&mut buf)
                .iter()
                .for_each(|&u| out.push_unit(u));
        }
        k += 3 * n;
    }
    Ok(out.finish())
}

fn units_of(agent: &mut dyn Agent, args: &[Value]) -> JsResult<Vec<u16>> {
    Ok(conversions::to_string(agent, &arg(args, 0))?.to_utf16())
}

fn encode_uri_component(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::from(encode(&units_of(agent, args)?, "")?))
}

fn encode_uri(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::from(encode(&units_of(agent, args)?, RESERVED)?))
}

fn decode_uri_component(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::String(decode(&units_of(agent, args)?, "")?))
}

fn decode_uri(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::String(decode(&units_of(agent, args)?, RESERVED)?))
}

fn escape(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let mut out = String::new();
    for u in units_of(agent, args)? {
        match char::from_u32(u as u32) {
            Some(c) if c.is_ascii_alphanumeric() || "@*_+-./".contains(c) => out.push(c),
            _ if u < 256 => out.push_str(&format!("%{u:02X}")),
            _ => out.push_str(&format!("%u{u:04X}")),
        }
    }
    Ok(Value::from(out))
}

fn unescape(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let units = units_of(agent, args)?;
    let hex = |from: usize, n: usize| -> Option<u16> {
        let slice = units.get(from..from + n)?;
        let text: String = char::decode_utf16(slice.iter().copied())
            .collect::<Result<_, _>>()
            .ok()?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(&text, 16).ok()
    };
    let mut out = JsStrBuilder::new();
    let mut k = 0;
    while k < units.len() {
        if units[k] == b'%' as u16 {
            if units.get(k + 1) == Some(&(b'u' as u16)) {
                if let Some(u) = hex(k + 2, 4) {
                    out.push_unit(u);
                    k += 6;
                    continue;
                }
            } else if let Some(u) = hex(k + 1, 2) {
                out.push_unit(u);
                k += 3;
                continue;
            }
        }
        out.push_unit(units[k]);
        k += 1;
    }
    Ok(Value::String(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn encodes() {
        assert_eq!(
            encode(&units("a b&c=d/é😀?"), "").ok().as_deref(),
            Some("a%20b%26c%3Dd%2F%C3%A9%F0%9F%98%80%3F")
        );
        assert_eq!(
            encode(&units("http://x.com/a b?q=é&r=1#f g"), RESERVED)
                .ok()
                .as_deref(),
            Some("http://x.com/a%20b?q=%C3%A9&r=1#f%20g")
        );
        assert!(encode(&[0xD800], "").is_err());
    }

    #[test]
    fn decodes() {
        let ok = |s: &str, r: &str| decode(&units(s), r).ok().map(|s| s.to_string());
        assert_eq!(ok("%E2%82%AC%20%2F", "").as_deref(), Some("€ /"));
        assert_eq!(ok("%e2%82%ac", "").as_deref(), Some("€"));
        assert_eq!(
            ok("%E2%82%AC%20%2F%3F", RESERVED).as_deref(),
            Some("€ %2F%3F")
        );
        for bad in ["%", "%E2%82", "%C0%AF", "%zz", "%ED%A0%80", "%F8%80%80%80"] {
            assert!(ok(bad, "").is_none(), "{bad}");
        }
    }
}
