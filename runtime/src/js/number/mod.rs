//! JS number conversions: `ToUint32`, `Number.prototype.toString` formatting, string parsing.

/// Number formatting: shortest digits, `toFixed`, `toExponential`, `toPrecision`, radixes.
pub mod format;
/// Reading numbers from strings: `Number(s)`, `parseFloat`, `parseInt`.
pub mod parse;

/// A BigInt as the nearest double (`Number(big)`).
pub fn bigint_to_f64(n: &num_bigint::BigInt) -> f64 {
    num_traits::ToPrimitive::to_f64(n).unwrap_or(f64::NAN)
}

/// JS `StringToBigInt`: decimal with an optional sign, or `0x`/`0o`/`0b` digits; blank is
/// 0; anything else `None`.
pub fn parse_bigint(s: &str) -> Option<num_bigint::BigInt> {
    let t = s.trim();
    if t.is_empty() {
        return Some(num_bigint::BigInt::from(0));
    }
    let radix = |p: &str| {
        t.strip_prefix(p)
            .or_else(|| t.strip_prefix(&p.to_uppercase()))
    };
    for (prefix, base) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = radix(prefix) {
            if digits.is_empty() || digits.starts_with(['+', '-']) {
                return None;
            }
            return num_bigint::BigInt::parse_bytes(digits.as_bytes(), base);
        }
    }
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    num_bigint::BigInt::parse_bytes(t.as_bytes(), 10)
}

/// JS `ToUint32`: truncate, then wrap modulo 2^32; NaN and infinities give 0.
pub fn to_uint32(v: f64) -> u32 {
    if !v.is_finite() {
        return 0;
    }
    let t = v.trunc();
    let m = t.rem_euclid(4294967296.0);
    m as u32
}

/// Formats a number exactly as JS `String(n)` does: the shortest round-tripping digits, in
/// decimal notation for exponents in [-7, 21) and exponential notation otherwise.
pub fn format(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let (digits, exp) = format::shortest(n);
    let digits: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let k = digits.len() as i32;
    let n_exp = exp + 1; // position of the decimal point relative to the digits
    let body = if k <= n_exp && n_exp <= 21 {
        format!("{digits}{}", "0".repeat((n_exp - k) as usize))
    } else if 0 < n_exp && n_exp <= 21 {
        format!(
            "{}.{}",
            &digits[..n_exp as usize],
            &digits[n_exp as usize..]
        )
    } else if -6 < n_exp && n_exp <= 0 {
        format!("0.{}{digits}", "0".repeat((-n_exp) as usize))
    } else {
        let e = n_exp - 1;
        let e = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        if k == 1 {
            format!("{digits}e{e}")
        } else {
            format!("{}.{}e{e}", &digits[..1], &digits[1..])
        }
    };
    format!("{sign}{body}")
}

/// JS `Number(string)` (`StringToNumber`).
pub fn parse_number(s: &str) -> f64 {
    parse::string_to_number(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_js() {
        let cases = [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (9007199254740992.0, "9007199254740992"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (100.0, "100"),
            (0.5, "0.5"),
        ];
        for (n, want) in cases {
            assert_eq!(format(n), want, "format({n:?})");
        }
    }

    #[test]
    fn to_uint32_wraps() {
        assert_eq!(to_uint32(-1.0), u32::MAX);
        assert_eq!(to_uint32(4294967296.0 + 5.0), 5);
        assert_eq!(to_uint32(f64::NAN), 0);
        assert_eq!(to_uint32(3.9), 3);
    }

    #[test]
    fn parses_numbers() {
        assert_eq!(parse_number(" 42 "), 42.0);
        assert_eq!(parse_number(""), 0.0);
        assert_eq!(parse_number("0x10"), 16.0);
        assert!(parse_number("abc").is_nan());
        assert_eq!(parse_number("1e3"), 1000.0);
    }
}
