//! Reading numbers from strings: `Number(string)` (`StringToNumber`), `parseFloat` and
//! `parseInt`, with JS's idea of white space.

use num_bigint::BigUint;
use num_traits::ToPrimitive;

/// JS `WhiteSpace` and `LineTerminator` (what `trim` and number parsing skip).
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// The value of `digits` (all valid in `radix`): rounded to the nearest double for radix
/// 10 and powers of two, and for other radixes accumulated in 32-bit chunks as V8 does (the
/// spec allows an approximation there, and V8's is what programs see).
fn digits_value(digits: &str, radix: u32) -> f64 {
    if radix == 10 {
        return digits.parse().unwrap_or(f64::NAN);
    }
    if radix.is_power_of_two() {
        return BigUint::parse_bytes(digits.as_bytes(), radix)
            .and_then(|n| n.to_f64())
            .unwrap_or(f64::NAN);
    }
    const MAX_MULTIPLIER: u32 = u32::MAX / 36;
    // Leading zeros are skipped first, which decides where the chunks fall.
    let digits = digits.trim_start_matches('0');
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(radix)).collect();
    let mut result = 0.0f64;
    let mut i = 0;
    while i < values.len() {
        let (mut part, mut multiplier) = (0u32, 1u32);
        while i < values.len() {
            let m = multiplier * radix;
            if m > MAX_MULTIPLIER {
                break;
            }
            part = part * radix + values[i];
            multiplier = m;
            i += 1;
        }
        result = result * multiplier as f64 + part as f64;
    }
    result
}

/// The length of the longest prefix of `s` that is a `StrUnsignedDecimalLiteral` without
/// `Infinity` (digits, a point, an exponent), or 0.
fn decimal_prefix(s: &str) -> usize {
    let b = s.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let int_end = digits(0);
    let mut end = int_end;
    if end < b.len() && b[end] == b'.' {
        let frac_end = digits(end + 1);
        if int_end == 0 && frac_end == end + 1 {
            return 0;
        }
        end = frac_end;
    } else if int_end == 0 {
        return 0;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut i = end + 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_end = digits(i);
        if exp_end > i {
            end = exp_end;
        }
    }
    end
}

/// Splits off a leading sign: (negative?, rest).
fn sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

fn signed(negative: bool, v: f64) -> f64 {
    if negative {
        -v
    } else {
        v
    }
}

/// JS `StringToNumber`: blank is 0; `0x`/`0o`/`0b` integers; signed decimals and
/// `Infinity`; anything else NaN.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    let b = t.as_bytes();
    if b.len() > 2 && b[0] == b'0' {
        let radix = match b[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            let digits = &t[2..];
            if !digits.chars().all(|c| c.is_digit(radix)) {
                return f64::NAN;
            }
            return digits_value(digits, radix);
        }
    }
    let (negative, rest) = sign(t);
    if rest == "Infinity" {
        return signed(negative, f64::INFINITY);
    }
    if decimal_prefix(rest) != rest.len() {
        return f64::NAN;
    }
    signed(negative, rest.parse().unwrap_or(f64::NAN))
}

/// `parseFloat(s)`: the longest decimal prefix after white space.
pub fn parse_float(s: &str) -> f64 {
    let t = s.trim_start_matches(is_js_space);
    let (negative, rest) = sign(t);
    if rest.starts_with("Infinity") {
        return signed(negative, f64::INFINITY);
    }
    let n = decimal_prefix(rest);
    if n == 0 {
        return f64::NAN;
    }
    signed(negative, rest[..n].parse().unwrap_or(f64::NAN))
}

/// `parseInt(s, radix)` with `radix` already `ToInt32`'d.
pub fn parse_int(s: &str, radix: i32) -> f64 {
    let t = s.trim_start_matches(is_js_space);
    let (negative, mut rest) = sign(t);
    let mut radix = radix;
    let mut strip_prefix = true;
    if radix != 0 {
        if !(2..=36).contains(&radix) {
            return f64::NAN;
        }
        if radix != 16 {
            strip_prefix = false;
        }
    } else {
        radix = 10;
    }
    if strip_prefix && (rest.starts_with("0x") || rest.starts_with("0X")) {
        rest = &rest[2..];
        radix = 16;
    }
    let end = rest
        .char_indices()
        .find(|(_, c)| !c.is_digit(radix as u32))
        .map_or(rest.len(), |(i, _)| i);
    if end == 0 {
        return f64::NAN;
    }
    signed(negative, digits_value(&rest[..end], radix as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_to_number_forms() {
        assert_eq!(string_to_number("  12  "), 12.0);
        assert_eq!(string_to_number(""), 0.0);
        assert_eq!(string_to_number("0x1f"), 31.0);
        assert_eq!(string_to_number("0b101"), 5.0);
        assert_eq!(string_to_number("0o17"), 15.0);
        assert_eq!(string_to_number("1e3"), 1000.0);
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
        assert_eq!(string_to_number("+.5"), 0.5);
        assert_eq!(string_to_number("5."), 5.0);
        assert_eq!(string_to_number("\u{a0}\u{feff} 12 \u{2028}"), 12.0);
        assert!(string_to_number("-0").is_sign_negative());
        for bad in [
            "12px", ".", "infinity", "0x", "-0x10", "0b2", "1e", "1_0", ".e1",
        ] {
            assert!(string_to_number(bad).is_nan(), "{bad}");
        }
    }

    #[test]
    fn parse_float_prefixes() {
        assert_eq!(parse_float("2.5abc"), 2.5);
        assert_eq!(parse_float(".5"), 0.5);
        assert_eq!(parse_float("-.5e2"), -50.0);
        assert_eq!(parse_float("1e1000"), f64::INFINITY);
        assert_eq!(parse_float("+Infinityx"), f64::INFINITY);
        assert_eq!(parse_float("1e+"), 1.0);
        assert_eq!(parse_float("1.e5"), 100000.0);
        assert_eq!(parse_float("  0x10"), 0.0);
        assert_eq!(parse_float("1_000"), 1.0);
        assert!(parse_float("-.e5").is_nan());
        assert!(parse_float("abc").is_nan());
    }

    #[test]
    fn parse_int_radixes() {
        assert_eq!(parse_int("42px", 0), 42.0);
        assert_eq!(parse_int("0x1F", 0), 31.0);
        assert_eq!(parse_int("-0x1f", 0), -31.0);
        assert_eq!(parse_int("1F", 16), 31.0);
        assert_eq!(parse_int("z", 36), 35.0);
        assert_eq!(parse_int("  -17  ", 0), -17.0);
        assert_eq!(parse_int("9007199254740993", 0), 9007199254740992.0);
        assert!(parse_int("12", 1).is_nan());
        assert!(parse_int("", 0).is_nan());
        assert!(parse_int("0x", 0).is_nan());
        assert_eq!(parse_int("null", 36), 1112745.0);
    }
}
