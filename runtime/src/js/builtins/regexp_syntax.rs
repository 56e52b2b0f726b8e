//! What the regex engine sees: the flags, patterns (compiled with `regress`: code points
//! with `u`/`v`, code units without; V8's words for syntax errors; the `source` text) and
//! subjects (a string's code units).

use crate::js::string::JsStr;

/// Compiles a pattern: code points with `u`/`v`, code units without (so that a literal
/// astral character is its two surrogates, as JS sees it).
pub fn compile(source: &JsStr, flags: Flags) -> Result<regress::Regex, String> {
    let units = source.to_utf16();
    if too_deep(&units, flags.v) {
        return Err("Regular expression too large".into());
    }
    let points: Vec<u32> = if flags.unicode() {
        code_points(&units)
    } else if flags.i {
        fold_fix_pattern(&units)
            .into_iter()
            .map(u32::from)
            .collect()
    } else {
        units.iter().map(|&u| u as u32).collect()
    };
    let rflags = regress::Flags {
        icase: flags.i,
        multiline: flags.m,
        dot_all: flags.s,
        unicode: flags.u,
        unicode_sets: flags.v,
        no_opt: false,
    };
    regress::Regex::from_unicode(points.into_iter(), rflags)
        .map_err(|e| v8_message(&e.text, &units))
}

/// How deeply groups and classes may nest, and how many alternatives a pattern may have:
/// `regress` parses and compiles recursively, so a pattern past these would exhaust the
/// native stack (about 1.5 KiB a nesting level, 200 bytes an alternative).
const MAX_NESTING: usize = 128;

const MAX_ALTERNATIVES: usize = 2000;

/// Does the pattern nest groups or classes (classes nest with `v`), or list alternatives,
/// past what can be compiled safely?
fn too_deep(pattern: &[u16], sets: bool) -> bool {
    let (mut groups, mut classes, mut alternatives) = (0usize, 0usize, 0usize);
    let mut escaped = false;
    for &u in pattern {
        match (escaped, u) {
            (true, _) => escaped = false,
            (false, 0x5C) => escaped = true,
            (false, 0x5B) if classes == 0 || sets => classes += 1,
            (false, 0x5D) if classes > 0 => classes -= 1,
            _ if classes > 0 => {}
            (false, 0x28) => groups += 1,
            (false, 0x29) => groups = groups.saturating_sub(1),
            (false, 0x7C) => alternatives += 1,
            _ => {}
        }
        if groups + classes > MAX_NESTING {
            return true;
        }
    }
    alternatives > MAX_ALTERNATIVES
}

/// The code points of UTF-16 text, lone surrogates as themselves.
fn code_points(units: &[u16]) -> Vec<u32> {
    char::decode_utf16(units.iter().copied())
        .map(|r| match r {
            Ok(c) => c as u32,
            Err(e) => e.unpaired_surrogate() as u32,
        })
        .collect()
}

/// V8's wording for the syntax errors `regress` reports.
fn v8_message(text: &str, pattern: &[u16]) -> String {
    let has = |needle: &str| String::from_utf16_lossy(pattern).contains(needle);
    let msg = match text {
        "Unbalanced parenthesis" => {
            let (open, close) = paren_balance(pattern);
            if open > close {
                "Unterminated group"
            } else {
                "Unmatched ')'"
            }
        }
        "Invalid quantifier" if quantifier_out_of_order(pattern) => {
            "numbers out of order in {} quantifier"
        }
        "Invalid quantifier" => "Incomplete quantifier",
        "Quantifier not allowed here" => "Invalid quantifier",
        "Invalid atom character" | "Invalid braced quantifier" => {
            match pattern.first().map(|&u| u as u8) {
                Some(b'}' | b']') => "Lone quantifier brackets",
                _ => "Nothing to repeat",
            }
        }
        "Unbalanced bracket" | "Unbalanced class set bracket" => "Unterminated character class",
        "Incomplete escape" => "\\ at end of pattern",
        "Invalid unicode escape" => "Invalid Unicode escape",
        "Invalid character escape" | "Invalid class set character" => "Invalid escape",
        "Invalid character range" => "Invalid character class",
        "Invalid group modifier" => "Invalid group",
        "Invalid token at named capture group identifier" if has("(?<") => {
            "Invalid capture group name"
        }
        "Invalid token at named capture group identifier" => "Invalid group",
        t if t.starts_with("Range values reversed") || t == "Invalid class set range" => {
            "Range out of order in character class"
        }
        t if t.starts_with("Backreference to invalid named capture group")
            || t == "Unexpected end of named backreference" =>
        {
            "Invalid named capture referenced"
        }
        t => t,
    };
    msg.to_string()
}

/// Unescaped `(` and `)` outside classes.
fn paren_balance(pattern: &[u16]) -> (usize, usize) {
    let (mut open, mut close, mut escaped, mut class) = (0, 0, false, false);
    for &u in pattern {
        match (escaped, u) {
            (true, _) => escaped = false,
            (false, 0x5C) => escaped = true,
            (false, 0x5B) => class = true,
            (false, 0x5D) => class = false,
            (false, 0x28) if !class => open += 1,
            (false, 0x29) if !class => close += 1,
            _ => {}
        }
    }
    (open, close)
}

/// Does the pattern hold a `{n,m}` with `n > m`?
fn quantifier_out_of_order(pattern: &[u16]) -> bool {
    let text = String::from_utf16_lossy(pattern);
    text.split('{').skip(1).any(|rest| {
        let Some(body) = rest.split('}').next() else {
            return false;
        };
        match body.split_once(',') {
            Some((a, b)) => match (a.parse::<u64>(), b.parse::<u64>()) {
                (Ok(a), Ok(b)) => a > b,
                _ => false,
            },
            None => false,
        }
    })
}

/// `source`: the pattern written so that `/source/` denotes it — `/` and line terminators
/// escaped, and `(?:)` for the empty pattern.
pub fn escape_source(source: &JsStr) -> JsStr {
    if source.is_empty() {
        return JsStr::from("(?:)");
    }
    let mut out: Vec<u16> = Vec::new();
    let (mut escaped, mut class) = (false, false);
    let push = |out: &mut Vec<u16>, s: &str| out.extend(s.encode_utf16());
    for u in source.code_units() {
        let after_backslash = std::mem::take(&mut escaped);
        match u {
            0x0A => push(&mut out, if after_backslash { "n" } else { "\\n" }),
            0x0D => push(&mut out, if after_backslash { "r" } else { "\\r" }),
            0x2028 => push(&mut out, if after_backslash { "u2028" } else { "\\u2028" }),
            0x2029 => push(&mut out, if after_backslash { "u2029" } else { "\\u2029" }),
            _ if after_backslash => out.push(u),
            0x5C => {
                escaped = true;
                out.push(u);
            }
            0x2F if !class => push(&mut out, "\\/"),
            _ => {
                if u == 0x5B {
                    class = true;
                } else if u == 0x5D {
                    class = false;
                }
                out.push(u);
            }
        }
    }
    JsStr::from_utf16(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_escaped() {
        let esc = |s: &str| escape_source(&JsStr::from(s)).to_string();
        assert_eq!(esc(""), "(?:)");
        assert_eq!(esc("a/b"), "a\\/b");
        assert_eq!(esc("[/]"), "[/]");
        assert_eq!(esc("\\/"), "\\/");
        assert_eq!(esc("a\nb"), "a\\nb");
        assert_eq!(esc("\\\n"), "\\n");
    }

    #[test]
    fn syntax_errors_in_v8_words() {
        let msg =
            |p: &str, f: &str| compile(&JsStr::from(p), Flags::parse(f).unwrap_or_default()).err();
        assert_eq!(msg("(", ""), Some("Unterminated group".into()));
        assert_eq!(msg(")", ""), Some("Unmatched ')'".into()));
        assert_eq!(
            msg("a{2,1}", ""),
            Some("numbers out of order in {} quantifier".into())
        );
        assert_eq!(
            msg("[b-a]", ""),
            Some("Range out of order in character class".into())
        );
        assert_eq!(msg("\\p{Foo}", "u"), Some("Invalid property name".into()));
        assert_eq!(
            msg("\\k<x>(?<y>.)", "u"),
            Some("Invalid named capture referenced".into())
        );
        assert_eq!(msg("*", ""), Some("Nothing to repeat".into()));
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(msg(&deep, ""), Some("Regular expression too large".into()));
        let wide = vec!["a"; 100_000].join("|");
        assert_eq!(msg(&wide, ""), Some("Regular expression too large".into()));
        let fine = format!("{}a{}", "(?:".repeat(100), ")".repeat(100));
        assert_eq!(msg(&fine, ""), None);
        assert_eq!(msg(&"[(]".repeat(1000), ""), None);
        assert_eq!(msg("a(b)c", ""), None);
    }
}

/// The flags of a regular expression.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Flags {
    /// `d`: `hasIndices`.
    pub d: bool,
    /// `g`: `global`.
    pub g: bool,
    /// `i`: `ignoreCase`.
    pub i: bool,
    /// `m`: `multiline`.
    pub m: bool,
    /// `s`: `dotAll`.
    pub s: bool,
    /// `u`: `unicode`.
    pub u: bool,
    /// `v`: `unicodeSets`.
    pub v: bool,
    /// `y`: `sticky`.
    pub y: bool,
}

impl Flags {
    /// Parses a flags string: each of `dgimsuvy` at most once, and not both `u` and `v`.
    pub fn parse(text: &str) -> Option<Flags> {
        let mut f = Flags::default();
        for c in text.chars() {
            let slot = match c {
                'd' => &mut f.d,
                'g' => &mut f.g,
                'i' => &mut f.i,
                'm' => &mut f.m,
                's' => &mut f.s,
                'u' => &mut f.u,
                'v' => &mut f.v,
                'y' => &mut f.y,
                _ => return None,
            };
            if *slot {
                return None;
            }
            *slot = true;
        }
        (!(f.u && f.v)).then_some(f)
    }

    /// The canonical flags string (`dgimsuvy` order).
    pub fn text(&self) -> String {
        let all = [
            (self.d, 'd'),
            (self.g, 'g'),
            (self.i, 'i'),
            (self.m, 'm'),
            (self.s, 's'),
            (self.u, 'u'),
            (self.v, 'v'),
            (self.y, 'y'),
        ];
        all.iter().filter(|(on, _)| *on).map(|(_, c)| *c).collect()
    }

    /// Does the pattern see code points rather than code units (`u` or `v`)?
    pub fn unicode(&self) -> bool {
        self.u || self.v
    }
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
    pub fn haystack(&self) -> &[u16] {
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
