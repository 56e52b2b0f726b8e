//! `String.prototype` methods that need Unicode data: case mapping, trimming, `normalize`,
//! and `localeCompare` (an approximation of ICU's root collation).

use std::cmp::Ordering;

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};

use super::this_string_for;
use crate::js::conversions;
use crate::js::native::{arg, Method};
use crate::js::number::parse::is_js_space;
use crate::js::ops::range_error;
use crate::js::string::{JsStr, JsStrBuilder};
use crate::js::value::{Agent, JsResult, Value};

/// The methods, for `String.prototype`.
pub const METHODS: &[Method] = &[
    ("toLowerCase", |g, t, _| case(g, t, "toLowerCase", false)),
    ("toUpperCase", |g, t, _| case(g, t, "toUpperCase", true)),
    ("toLocaleLowerCase", |g, t, _| {
        case(g, t, "toLocaleLowerCase", false)
    }),
    ("toLocaleUpperCase", |g, t, _| {
        case(g, t, "toLocaleUpperCase", true)
    }),
    ("trim", |g, t, _| trim(g, t, "trim", true, true)),
    ("trimStart", |g, t, _| trim(g, t, "trimStart", true, false)),
    ("trimLeft", |g, t, _| trim(g, t, "trimLeft", true, false)),
    ("trimEnd", |g, t, _| trim(g, t, "trimEnd", false, true)),
    ("trimRight", |g, t, _| trim(g, t, "trimRight", false, true)),
    ("normalize", normalize),
    ("localeCompare", locale_compare),
];

/// Applies `f` to each run of `s` free of lone surrogates, keeping the surrogates as they
/// are.
fn map_runs(s: &JsStr, f: impl Fn(&str) -> String) -> JsStr {
    if let Some(text) = s.as_str() {
        return JsStr::from(f(text));
    }
    let b = s.as_bytes();
    let mut out = JsStrBuilder::new();
    let mut run = 0;
    let mut i = 0;
    let flush = |out: &mut JsStrBuilder, from: usize, to: usize| {
        if from < to {
            let text = String::from_utf8_lossy(&b[from..to]);
            out.push_js(&JsStr::from(f(&text)));
        }
    };
    while i < b.len() {
        // A surrogate code point: ED A0..BF xx in WTF-8.
        if b[i] == 0xED && i + 2 < b.len() && b.get(i + 1).is_some_and(|&x| x >= 0xA0) {
            flush(&mut out, run, i);
            out.push_js(&JsStr::from_wtf8(&b[i..i + 3]));
            i += 3;
            run = i;
        } else {
            i += 1;
        }
    }
    flush(&mut out, run, b.len());
    out.finish()
}

fn case(agent: &mut dyn Agent, this: &Value, method: &str, upper: bool) -> JsResult {
    let s = this_string_for(agent, this, method)?;
    if upper {
        Ok(Value::String(map_runs(&s, str::to_uppercase)))
    } else {
        Ok(Value::String(map_runs(&s, str::to_lowercase)))
    }
}

fn is_space_unit(u: u16) -> bool {
    char::from_u32(u as u32).is_some_and(is_js_space)
}

fn trim(agent: &mut dyn Agent, this: &Value, method: &str, start: bool, end: bool) -> JsResult {
    let s = this_string_for(agent, this, method)?.to_utf16();
    let mut from = 0;
    let mut to = s.len();
    if start {
        while from < to && is_space_unit(s[from]) {
            from += 1;
        }
    }
    if end {
        while to > from && is_space_unit(s[to - 1]) {
            to -= 1;
        }
    }
    Ok(Value::String(JsStr::from_utf16(&s[from..to])))
}

fn normalize(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "normalize")?;
    let form = match arg(args, 0) {
        Value::Undefined => JsStr::from("NFC"),
        v => conversions::to_string(agent, &v)?,
    };
    let out = match form.as_bytes() {
        b"NFC" => map_runs(&s, |t| {
            ComposingNormalizerBorrowed::new_nfc()
                .normalize(t)
                .into_owned()
        }),
        b"NFKC" => map_runs(&s, |t| {
            ComposingNormalizerBorrowed::new_nfkc()
                .normalize(t)
                .into_owned()
        }),
        b"NFD" => map_runs(&s, |t| {
            DecomposingNormalizerBorrowed::new_nfd()
                .normalize(t)
                .into_owned()
        }),
        b"NFKD" => map_runs(&s, |t| {
            DecomposingNormalizerBorrowed::new_nfkd()
                .normalize(t)
                .into_owned()
        }),
        _ => return range_error("The normalization form should be one of NFC, NFD, NFKC, NFKD."),
    };
    Ok(Value::String(out))
}

/// ASCII white space, punctuation and symbols in ICU's root order; then come other
/// symbols, digits, Latin letters and other letters.
const ASCII_ORDER: &str = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

/// A collation element: primary (the base character: script group, then order within),
/// secondary (accents), tertiary (case).
type Element = (u64, u32, u8);

fn primary(group: u64, order: u32) -> u64 {
    (group << 32) | order as u64
}

fn elements(s: &str) -> Vec<Element> {
    let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(s);
    let mut out: Vec<Element> = Vec::new();
    for c in decomposed.chars() {
        let cp = c as u32;
        if (0x300..0x370).contains(&cp) {
            // A combining mark weighs on the character before it, at the secondary level.
            if let Some(last) = out.last_mut() {
                last.1 = last.1.wrapping_mul(0x70).wrapping_add(cp - 0x2FF);
            }
            continue;
        }
        if c.is_control() {
            continue;
        }
        let upper = c.is_uppercase() as u8;
        let element = if c == 'ß' {
            out.push((primary(4, 's' as u32), 0, 2));
            (primary(4, 's' as u32), 0, 2)
        } else if c == '\u{FFFD}' {
            // Lone surrogates become U+FFFD, which ICU sorts after everything.
            (primary(6, 0), 0, 0)
        } else if let Some(i) = ASCII_ORDER.find(c) {
            (primary(1, i as u32), 0, 0)
        } else if c.is_whitespace() {
            (primary(1, 0), 0, 0)
        } else if let Some(d) = c.to_digit(10) {
            (primary(3, d), 0, 0)
        } else if c.is_ascii_alphabetic() {
            (primary(4, c.to_ascii_lowercase() as u32), 0, upper)
        } else if c.is_alphanumeric() {
            let lower = c.to_lowercase().next().unwrap_or(c);
            (primary(5, lower as u32), 0, upper)
        } else {
            (primary(2, cp), 0, 0)
        };
        out.push(element);
    }
    out
}

/// Compares as `Intl.Collator` with the root locale does, for the common cases: letters
/// case-insensitively first, then accents, then lowercase before uppercase.
pub fn collate(a: &str, b: &str) -> Ordering {
    let (x, y) = (elements(a), elements(b));
    let level = |f: fn(&Element) -> u64| x.iter().map(f).cmp(y.iter().map(f));
    level(|e| e.0)
        .then_with(|| level(|e| e.1 as u64))
        .then_with(|| level(|e| e.2 as u64))
}

fn locale_compare(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_string_for(agent, this, "localeCompare")?;
    let that = conversions::to_string(agent, &arg(args, 0))?;
    let order = collate(&s.to_str_lossy(), &that.to_str_lossy());
    Ok(Value::Number(match order {
        Ordering::Less => -1.0,
        Ordering::Equal => 0.0,
        Ordering::Greater => 1.0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collates_like_icu() {
        let mut chars: Vec<String> = (32u8..127).map(|b| (b as char).to_string()).collect();
        chars.sort_by(|a, b| collate(a, b));
        assert_eq!(
            chars.concat(),
            " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ"
        );
        let mut words = vec![
            "", "a", "A", "ä", "a b", "a_b", "a-b", "ab", "aB", "Ab", "ab1", "ab10", "ab2", "b",
            "B", "e", "E", "é", "É", "f", "resume", "Resume", "résumé", "ss", "ß", "z",
        ];
        let want = words.clone();
        words.reverse();
        words.sort_by(|a, b| collate(a, b));
        assert_eq!(words, want);
        assert_eq!(collate("a", "B"), Ordering::Less);
        assert_eq!(collate("abc", "abc"), Ordering::Equal);
    }

    #[test]
    fn keeps_lone_surrogates() {
        let s = JsStr::from_utf16(&[0x61, 0xD800, 0x62]);
        let up = map_runs(&s, str::to_uppercase);
        assert_eq!(up.to_utf16(), vec![0x41, 0xD800, 0x42]);
    }
}
