//! JS strings: sequences of UTF-16 code units, stored as WTF-8.
//!
//! WTF-8 is UTF-8 that may also encode lone surrogates (as the three bytes UTF-8 would use for
//! them if they were scalar values). A well-formed string is plain UTF-8, so it crosses to and
//! from Go without transcoding and looks up properties by its bytes, while a string holding a
//! lone surrogate (`String.fromCharCode(0xD800)`) survives being stored, compared and joined.
//! Only well-formed WTF-8 is ever built: a surrogate pair is always encoded as one 4-byte
//! sequence, so equal strings have equal bytes.

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// The longest string V8 makes, in code units.
pub const MAX_LENGTH: usize = (1 << 29) - 24;

/// A JS string value.
#[derive(Clone, PartialEq, Eq)]
pub struct JsStr(Rc<[u8]>);

/// The empty string.
impl Default for JsStr {
    fn default() -> Self {
        JsStr::from("")
    }
}

fn is_lead(u: u32) -> bool {
    (0xD800..0xDC00).contains(&u)
}

fn is_trail(u: u32) -> bool {
    (0xDC00..0xE000).contains(&u)
}

/// Appends code point `c` (a scalar value or a lone surrogate) in generalized UTF-8.
fn push_code_point(out: &mut Vec<u8>, c: u32) {
    match c {
        0..=0x7F => out.push(c as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]),
        0x800..=0xFFFF => out.extend_from_slice(&[
            0xE0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]),
        _ => out.extend_from_slice(&[
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]),
    }
}

/// Decodes the code point starting at `b[i]` (input is well-formed WTF-8); returns it and its
/// length in bytes.
fn decode_at(b: &[u8], i: usize) -> (u32, usize) {
    let x = b[i] as u32;
    let cont = |k: usize| (b[i + k] & 0x3F) as u32;
    match x {
        0..=0x7F => (x, 1),
        0xC0..=0xDF => (((x & 0x1F) << 6) | cont(1), 2),
        0xE0..=0xEF => (((x & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3),
        _ => (
            ((x & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        ),
    }
}

/// Builds a string code unit by code unit, pairing surrogates as they meet.
#[derive(Default)]
pub struct JsStrBuilder {
    bytes: Vec<u8>,
    pending_lead: Option<u32>,
}

impl JsStrBuilder {
    /// An empty builder.
    pub fn new() -> JsStrBuilder {
        JsStrBuilder::default()
    }

    /// Appends one UTF-16 code unit.
    pub fn push_unit(&mut self, u: u16) {
        let u = u as u32;
        if let Some(lead) = self.pending_lead.take() {
            if is_trail(u) {
                let c = 0x10000 + ((lead - 0xD800) << 10) + (u - 0xDC00);
                push_code_point(&mut self.bytes, c);
                return;
            }
            push_code_point(&mut self.bytes, lead);
        }
        if is_lead(u) {
            self.pending_lead = Some(u);
        } else {
            push_code_point(&mut self.bytes, u);
        }
    }

    /// Appends a JS string.
    pub fn push_js(&mut self, s: &JsStr) {
        if self.pending_lead.is_none() && !s.starts_with_trail() {
            self.bytes.extend_from_slice(s.as_bytes());
            // A lead surrogate at the end waits for a trail one from what follows.
            let n = self.bytes.len();
            if n >= 3 && self.bytes[n - 3] == 0xED && (0xA0..0xB0).contains(&self.bytes[n - 2]) {
                let (c, _) = decode_at(&self.bytes, n - 3);
                self.bytes.truncate(n - 3);
                self.pending_lead = Some(c);
            }
        } else {
            for u in s.code_units() {
                self.push_unit(u);
            }
        }
    }

    /// The string built.
    pub fn finish(mut self) -> JsStr {
        if let Some(lead) = self.pending_lead.take() {
            push_code_point(&mut self.bytes, lead);
        }
        JsStr::made(Rc::from(self.bytes))
    }
}

impl JsStr {
    /// Wraps new string storage, charging it to the current JS heap.
    fn made(bytes: Rc<[u8]>) -> JsStr {
        super::charge::charge(bytes.len());
        JsStr(bytes)
    }

    /// The string whose UTF-16 code units are `units`.
    pub fn from_utf16(units: &[u16]) -> JsStr {
        let mut b = JsStrBuilder::new();
        for &u in units {
            b.push_unit(u);
        }
        b.finish()
    }

    /// A string from WTF-8 bytes, as [`JsStr::as_bytes`] gives them (or any UTF-8).
    pub fn from_wtf8(bytes: &[u8]) -> JsStr {
        JsStr::made(Rc::from(bytes))
    }

    /// The WTF-8 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text, if the string holds no lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The text with every lone surrogate replaced by U+FFFD (what `TextEncoder` does);
    /// borrowed when there is none.
    pub fn to_str_lossy(&self) -> Cow<'_, str> {
        if let Some(s) = self.as_str() {
            return Cow::Borrowed(s);
        }
        // A lone surrogate takes three bytes, as does U+FFFD.
        let mut out = String::with_capacity(self.0.len());
        let mut i = 0;
        while i < self.0.len() {
            let (c, n) = decode_at(&self.0, i);
            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
            i += n;
        }
        Cow::Owned(out)
    }

    /// Is the string empty?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// JS `length`: the number of UTF-16 code units.
    pub fn utf16_len(&self) -> usize {
        self.0
            .iter()
            .map(|&b| match b {
                0x80..=0xBF => 0, // continuation
                0xF0..=0xFF => 2, // a supplementary character: a surrogate pair
                _ => 1,
            })
            .sum()
    }

    /// The UTF-16 code units.
    pub fn code_units(&self) -> CodeUnits<'_> {
        CodeUnits {
            bytes: &self.0,
            pos: 0,
            trail: None,
        }
    }

    /// The code units as a vector.
    pub fn to_utf16(&self) -> Vec<u16> {
        self.code_units().collect()
    }

    /// Does the string begin with a lone trail surrogate (which would pair with a lead one
    /// ending the string before it)?
    fn starts_with_trail(&self) -> bool {
        self.0.len() >= 3 && self.0[0] == 0xED && self.0[1] >= 0xB0
    }

    /// `a + b`, pairing a lead surrogate at the end of `a` with a trail one starting `b`.
    pub fn concat(&self, other: &JsStr) -> JsStr {
        let mut b = JsStrBuilder::new();
        b.push_js(self);
        b.push_js(other);
        b.finish()
    }

    /// Code units `start..end` (clamped).
    pub fn substring(&self, start: usize, end: usize) -> JsStr {
        if self.as_str().is_some_and(str::is_ascii) {
            let end = end.min(self.0.len());
            let start = start.min(end);
            return JsStr::made(Rc::from(&self.0[start..end]));
        }
        let units: Vec<u16> = self.code_units().collect();
        let end = end.min(units.len());
        JsStr::from_utf16(&units[start.min(end)..end])
    }

    /// Compares as JS does (`<` on strings): by UTF-16 code units.
    pub fn cmp_utf16(&self, other: &JsStr) -> Ordering {
        match (self.as_str(), other.as_str()) {
            // Byte order is code point order, which differs from code unit order only when
            // one side has a supplementary character where the other has U+E000..U+FFFF.
            (Some(a), Some(b)) if a.is_ascii() || b.is_ascii() => a.cmp(b),
            _ => self.code_units().cmp(other.code_units()),
        }
    }

    /// Is this a canonical array index (`"0"`, `"17"`, not `"01"`), and which?
    pub fn array_index(&self) -> Option<u32> {
        index_of(&self.0)
    }
}

/// The array index a property name denotes, if any: decimal digits without a leading zero,
/// below 2^32 - 1.
pub fn index_of(key: &[u8]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key[0] == b'0') {
        return None;
    }
    let mut n: u64 = 0;
    for &b in key {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (b - b'0') as u64;
    }
    (n < u32::MAX as u64).then_some(n as u32)
}

/// Iterator over the UTF-16 code units of a [`JsStr`].
pub struct CodeUnits<'a> {
    bytes: &'a [u8],
    pos: usize,
    trail: Option<u16>,
}

impl Iterator for CodeUnits<'_> {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        if let Some(t) = self.trail.take() {
            return Some(t);
        }
        if self.pos >= self.bytes.len() {
            return None;
        }
        let (c, n) = decode_at(self.bytes, self.pos);
        self.pos += n;
        if c > 0xFFFF {
            let c = c - 0x10000;
            self.trail = Some((0xDC00 + (c & 0x3FF)) as u16);
            Some((0xD800 + (c >> 10)) as u16)
        } else {
            Some(c as u16)
        }
    }
}

impl From<&str> for JsStr {
    fn from(s: &str) -> Self {
        JsStr::made(Rc::from(s.as_bytes()))
    }
}

impl From<String> for JsStr {
    fn from(s: String) -> Self {
        JsStr::made(Rc::from(s.into_bytes()))
    }
}

impl From<&String> for JsStr {
    fn from(s: &String) -> Self {
        JsStr::from(s.as_str())
    }
}

impl Borrow<[u8]> for JsStr {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

/// Hashes as its bytes do, so maps keyed by `JsStr` can be searched with `&[u8]`.
impl Hash for JsStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl fmt::Display for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

impl fmt::Debug for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => write!(f, "{s:?}"),
            None => write!(f, "{:?} (with lone surrogates)", self.to_str_lossy()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_strings_are_utf8() {
        let s = JsStr::from("héllo 😀");
        assert_eq!(s.as_str(), Some("héllo 😀"));
        assert_eq!(s.utf16_len(), 8);
        assert_eq!(JsStr::from_utf16(&s.to_utf16()), s);
    }

    #[test]
    fn lone_surrogates_survive() {
        let lead = JsStr::from_utf16(&[0xD83D]);
        let trail = JsStr::from_utf16(&[0xDE00]);
        assert_eq!(lead.utf16_len(), 1);
        assert_eq!(lead.as_str(), None);
        assert_eq!(lead.to_str_lossy(), "\u{FFFD}");
        assert_eq!(lead.to_utf16(), vec![0xD83D]);
        let joined = lead.concat(&trail);
        assert_eq!(joined.as_str(), Some("😀"), "a lead and a trail pair up");
        assert_eq!(joined, JsStr::from("😀"));
        let reversed = trail.concat(&lead);
        assert_eq!(reversed.to_utf16(), vec![0xDE00, 0xD83D]);
        assert_eq!(joined.substring(0, 1), lead);
    }

    #[test]
    fn compares_by_code_units() {
        let supplementary = JsStr::from("😀"); // D83D DE00
        let private_use = JsStr::from("\u{E000}");
        assert_eq!(supplementary.cmp_utf16(&private_use), Ordering::Less);
        assert_eq!(
            JsStr::from("a").cmp_utf16(&JsStr::from("b")),
            Ordering::Less
        );
    }

    #[test]
    fn array_indices() {
        assert_eq!(index_of(b"0"), Some(0));
        assert_eq!(index_of(b"42"), Some(42));
        assert_eq!(index_of(b"01"), None);
        assert_eq!(index_of(b"-1"), None);
        assert_eq!(index_of(b"4294967295"), None);
        assert_eq!(index_of(b"x"), None);
    }
}
