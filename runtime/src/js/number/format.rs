//! `Number.prototype`'s formatting: `toFixed`, `toExponential`, `toPrecision` (decimal
//! rounding of the double's exact value, ties away from zero, as V8's bignum paths do),
//! `toString(radix)` (V8's shortest-digits walk for fractions) and `toLocaleString` (en-US).

use num_bigint::BigUint;

/// The exact decimal expansion of a finite, positive double: its digits (no leading zero) and
/// the decimal point's position (`x = 0.d1d2d3... × 10^point`).
fn exact_digits(x: f64) -> (Vec<u8>, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7FF) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exp) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let (n, shift) = if exp >= 0 {
        (BigUint::from(mantissa) << exp as usize, 0)
    } else {
        let five = BigUint::from(5u8).pow((-exp) as u32);
        (BigUint::from(mantissa) * five, -exp)
    };
    let digits: Vec<u8> = n.to_string().bytes().map(|b| b - b'0').collect();
    let point = digits.len() as i32 - shift;
    (digits, point)
}

/// `x` (finite, >= 0) rounded to `keep` digits after the first digit position of
/// `0.ddd × 10^point`, ties away from zero: exactly `keep` digits (0 if `keep` <= 0 and the
/// value rounds to nothing) and the (possibly moved) point.
fn round_digits(x: f64, keep_for: impl Fn(i32) -> i32) -> (Vec<u8>, i32) {
    if x == 0.0 {
        let keep = keep_for(1).max(0) as usize;
        return (vec![0; keep], 1);
    }
    let (mut digits, mut point) = exact_digits(x);
    let keep = keep_for(point);
    if keep < 0 {
        return (Vec::new(), point);
    }
    let keep = keep as usize;
    let round_up = digits.get(keep).is_some_and(|&d| d >= 5);
    digits.resize(keep.max(digits.len()), 0);
    digits.truncate(keep);
    if round_up {
        let mut i = keep;
        loop {
            if i == 0 {
                digits.insert(0, 1);
                point += 1;
                // The digit count stays what was asked for when it is counted from the front.
                if keep_for(point) < digits.len() as i32 {
                    digits.pop();
                }
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    (digits, point)
}

fn text(digits: &[u8]) -> String {
    digits.iter().map(|d| (b'0' + d) as char).collect()
}

fn sign(x: f64) -> &'static str {
    if x < 0.0 {
        "-"
    } else {
        ""
    }
}

/// `x.toFixed(f)` for finite `x` below 1e21 in magnitude and `f` in 0..=100.
pub fn to_fixed(x: f64, f: usize) -> String {
    let f = f as i32;
    let (digits, _) = round_digits(x.abs(), |point| point + f);
    // The integer n with the value n / 10^f, as digits.
    let t = text(&digits);
    let t = t.trim_start_matches('0');
    let mut n = if t.is_empty() {
        "0".to_string()
    } else {
        t.to_string()
    };
    if f == 0 {
        return format!("{}{n}", sign(x));
    }
    let f = f as usize;
    if n.len() <= f {
        n = format!("{}{n}", "0".repeat(f + 1 - n.len()));
    }
    let (int, frac) = n.split_at(n.len() - f);
    format!("{}{int}.{frac}", sign(x))
}

/// Digits and exponent (`d.ddd × 10^e`) of the shortest representation of a finite,
/// nonzero `x` that reads back as `x`; of two such equally near `x`, the one ending in an even
/// digit (as JS's `Number::toString` picks; Rust's `{:e}` may pick the other).
pub fn shortest(x: f64) -> (Vec<u8>, i32) {
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let mut digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    let e: i32 = exp.parse().unwrap_or(0);
    let last = digits.last().copied().unwrap_or(0);
    if last % 2 == 1 && digits.len() > 1 {
        let (mut exact, point) = exact_digits(x.abs());
        while exact.last() == Some(&0) {
            exact.pop();
        }
        let k = digits.len();
        // Is x halfway between `digits` and its neighbour one unit below or above?
        let mut below = digits.clone();
        below[k - 1] -= 1;
        below.push(5);
        let mut above = digits.clone();
        above.push(5);
        let neighbour = if point == e + 1 && exact == below {
            Some(last - 1)
        } else if point == e + 1 && exact == above && last < 9 {
            Some(last + 1)
        } else {
            None
        };
        if let Some(d) = neighbour {
            let mut alt = digits.clone();
            alt[k - 1] = d;
            let text = format!("0.{}e{}", text(&alt), e + 1);
            if text.parse::<f64>().ok() == Some(x.abs()) {
                digits = alt;
            }
        }
    }
    (digits, e)
}

fn exponent_text(e: i32) -> String {
    if e >= 0 {
        format!("e+{e}")
    } else {
        format!("e{e}")
    }
}

/// `x.toExponential(f)` for finite `x` (`None`: as many digits as needed).
pub fn to_exponential(x: f64, f: Option<usize>) -> String {
    let (digits, e) = match f {
        None if x == 0.0 => (vec![0], 0),
        None => shortest(x),
        Some(f) => {
            let (d, point) = round_digits(x.abs(), |_| f as i32 + 1);
            (d, if x == 0.0 { 0 } else { point - 1 })
        }
    };
    let t = text(&digits);
    let body = if t.len() > 1 {
        format!("{}.{}", &t[..1], &t[1..])
    } else {
        t
    };
    format!("{}{body}{}", sign(x), exponent_text(e))
}

/// `x.toPrecision(p)` for finite `x` and `p` in 1..=100.
pub fn to_precision(x: f64, p: usize) -> String {
    let (digits, point) = round_digits(x.abs(), |_| p as i32);
    let e = if x == 0.0 { 0 } else { point - 1 };
    let t = text(&digits);
    let p = p as i32;
    if e < -6 || e >= p {
        let body = if t.len() > 1 {
            format!("{}.{}", &t[..1], &t[1..])
        } else {
            t
        };
        return format!("{}{body}{}", sign(x), exponent_text(e));
    }
    let body = if e >= 0 {
        let split = (e + 1) as usize;
        if split >= t.len() {
            t
        } else {
            format!("{}.{}", &t[..split], &t[split..])
        }
    } else {
        format!("0.{}{t}", "0".repeat((-(e + 1)) as usize))
    };
    format!("{}{body}", sign(x))
}

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// The next double above `x` (positive, finite).
fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

/// `x.toString(radix)` for finite `x` and a radix in 2..=36 other than 10: the fraction's
/// digits stop once they pin the double down (V8's algorithm).
pub fn to_radix(x: f64, radix: u32) -> String {
    let negative = x < 0.0;
    let value = x.abs();
    let r = radix as f64;
    let mut integer = value.floor();
    let mut fraction = value - integer;
    let mut delta = (0.5 * (next_up(value) - value)).max(next_up(0.0));
    let mut frac: Vec<u8> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= r;
            delta *= r;
            let digit = fraction as usize;
            frac.push(digit as u8);
            fraction -= digit as f64;
            if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
                // Round up, carrying into the digits before.
                loop {
                    match frac.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(d) if (d as u32) + 1 < radix => {
                            frac.push(d + 1);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    let mut int: Vec<u8> = Vec::new();
    // Digits below the double's precision are zeros.
    while integer / r >= 9007199254740992.0 {
        integer /= r;
        int.push(b'0');
    }
    loop {
        let rem = integer % r;
        int.push(DIGITS[rem as usize]);
        integer = (integer - rem) / r;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.extend(int.iter().rev().map(|&b| b as char));
    if !frac.is_empty() {
        out.push('.');
        out.extend(frac.iter().map(|&d| DIGITS[d as usize] as char));
    }
    out
}

/// `x.toLocaleString()` in en-US: grouped thousands, at most three fraction digits (ties
/// away from zero on the shortest decimal form, as ICU rounds).
pub fn to_locale(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    let minus = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{minus}∞");
    }
    if x == 0.0 {
        return format!("{minus}0");
    }
    let (mut digits, e) = shortest(x);
    let mut point = e + 1;
    // Keep the digits down to 10^-3, rounding half up.
    let keep = point + 3;
    if keep < 0 {
        digits.clear();
    } else if (keep as usize) < digits.len() {
        let up = digits[keep as usize] >= 5;
        digits.truncate(keep as usize);
        if up {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    point += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
    }
    let (int, frac) = if point <= 0 {
        let mut f = vec![0; (-point) as usize];
        f.extend_from_slice(&digits);
        (Vec::new(), f)
    } else {
        let p = point as usize;
        let mut d = digits.clone();
        d.resize(d.len().max(p), 0);
        (d[..p].to_vec(), d[p..].to_vec())
    };
    let int = text(&int);
    let int = if int.is_empty() { "0".to_string() } else { int };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let frac = text(&frac);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{minus}{grouped}")
    } else {
        format!("{minus}{grouped}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed() {
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(-1.5, 0), "-2");
        assert_eq!(to_fixed(0.000001, 7), "0.0000010");
        assert_eq!(to_fixed(8.345, 2), "8.35");
        assert_eq!(to_fixed(1.45, 1), "1.4");
        assert_eq!(to_fixed(-1e-7, 2), "-0.00");
        assert_eq!(to_fixed(0.0, 2), "0.00");
        assert_eq!(to_fixed(1.23456, 3), "1.235");
        assert_eq!(to_fixed(0.5, 0), "1");
        assert_eq!(to_fixed(0.4, 0), "0");
        assert_eq!(to_fixed(99.996, 2), "100.00");
    }

    #[test]
    fn exponential_and_precision() {
        assert_eq!(to_exponential(1234.5, Some(2)), "1.23e+3");
        assert_eq!(to_exponential(0.0, None), "0e+0");
        assert_eq!(to_exponential(0.0, Some(2)), "0.00e+0");
        assert_eq!(to_exponential(123.0, None), "1.23e+2");
        assert_eq!(to_exponential(-1.5, Some(0)), "-2e+0");
        assert_eq!(to_precision(123.456, 4), "123.5");
        assert_eq!(to_precision(0.000123456, 2), "0.00012");
        assert_eq!(to_precision(123456.0, 2), "1.2e+5");
        assert_eq!(to_precision(0.0, 3), "0.00");
        assert_eq!(to_precision(1e-7, 3), "1.00e-7");
        assert_eq!(to_precision(1e21, 3), "1.00e+21");
        assert_eq!(to_precision(99.99, 3), "100");
        assert_eq!(to_precision(0.00001, 1), "0.00001");
    }

    #[test]
    fn shortest_ties_go_to_even() {
        assert_eq!(
            shortest(1_582_134_758_089_053.2),
            (text_digits("15821347580890532"), 15)
        );
        assert_eq!(shortest(0.1 + 0.2), (text_digits("30000000000000004"), -1));
    }

    fn text_digits(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn radix() {
        assert_eq!(to_radix(255.0, 2), "11111111");
        assert_eq!(to_radix(-255.0, 16), "-ff");
        assert_eq!(to_radix(123456789.0, 36), "21i3v9");
        assert_eq!(to_radix(0.5, 2), "0.1");
        assert_eq!(to_radix(3.75, 16), "3.c");
        assert_eq!(to_radix(0.1, 3), "0.0022002200220022002200220022002201");
        assert_eq!(to_radix(123.456, 36), "3f.gez4w97ry");
        assert_eq!(
            to_radix(2f64.powi(60) + 5.0, 3),
            "21200101122222021102111220121112210000"
        );
        assert_eq!(to_radix(std::f64::consts::PI, 36), "3.53i5ab8p5f");
        assert_eq!(to_radix(-0.000001, 7), "-0.00000005523220033662416625");
    }

    #[test]
    fn locale() {
        assert_eq!(to_locale(1.0005), "1.001");
        assert_eq!(to_locale(1234567.891), "1,234,567.891");
        assert_eq!(to_locale(-0.0), "-0");
        assert_eq!(to_locale(1e21), "1,000,000,000,000,000,000,000");
        assert_eq!(to_locale(0.0001), "0");
        assert_eq!(to_locale(f64::INFINITY), "∞");
        assert_eq!(
            to_locale(1_582_134_758_089_053.2),
            "1,582,134,758,089,053.2"
        );
    }
}
