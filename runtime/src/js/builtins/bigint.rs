//! `BigInt`: the conversion function (not a constructor), `BigInt.asIntN`/`asUintN`, and
//! `BigInt.prototype` (`toString(radix)`, `valueOf`, `toLocaleString`).

use std::rc::Rc;

use num_bigint::{BigInt, Sign};
use num_traits::{One, Zero};

use crate::js::conversions::{to_bigint, to_integer, to_primitive, Hint};
use crate::js::native::{arg, constructor, define_methods, Method};
use crate::js::number::format;
use crate::js::ops::{range_error, type_error};
use crate::js::realm::Realm;
use crate::js::value::{attrs, Agent, Callable, Class, Intrinsic, JsResult, Kind, Value};

/// The most bits a BigInt may have, as in V8.
const MAX_BITS: u64 = 1 << 30;

const STATICS: &[Method] = &[("asIntN", as_int_n), ("asUintN", as_uint_n)];

const PROTO: &[Method] = &[
    ("toString", to_string),
    ("valueOf", value_of),
    ("toLocaleString", to_locale_string),
];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Other(Intrinsic::BigInt));
    define_methods(&proto, PROTO);
    let tag = realm.symbols.to_string_tag.clone();
    proto.define_symbol(&tag, Value::from("BigInt"), attrs::CONFIGURABLE);
    let not_constructor = Callable::Builtin(|_, _, _| type_error("BigInt is not a constructor"));
    let ctor = constructor(
        realm,
        "BigInt",
        Callable::Builtin(call),
        not_constructor,
        &proto,
    );
    ctor.define("name", Value::from("BigInt"), attrs::CONFIGURABLE);
    ctor.define("length", Value::Number(1.0), attrs::CONFIGURABLE);
    define_methods(&ctor, STATICS);
}

fn big(n: BigInt) -> Value {
    Value::BigInt(Rc::new(n))
}

/// `BigInt(value)`: integral numbers exactly, anything else as `ToBigInt` converts it.
fn call(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let p = to_primitive(agent, &arg(args, 0), Hint::Number)?;
    match p {
        Value::Number(n) => match number_to_bigint(n) {
            Some(b) => Ok(big(b)),
            None => range_error(format!(
                "The number {} cannot be converted to a BigInt because it is not an integer",
                format(n)
            )),
        },
        Value::Symbol(s) => type_error(format!(
            "Cannot convert {} to a BigInt",
            crate::js::conversions::symbol_text(&s)
        )),
        p => Ok(big(to_bigint(&p)?)),
    }
}

/// An integral number as a BigInt (exactly, however large).
fn number_to_bigint(n: f64) -> Option<BigInt> {
    if !n.is_finite() || n.fract() != 0.0 {
        return None;
    }
    num_traits::FromPrimitive::from_f64(n)
}

/// The bit count argument of `asIntN`/`asUintN` (`ToIndex`).
fn bits_arg(agent: &mut dyn Agent, v: &Value) -> JsResult<u64> {
    let n = to_integer(agent, v)?;
    if !(0.0..=9007199254740991.0).contains(&n) {
        return range_error("Invalid value: not (convertible to) a safe integer");
    }
    Ok(n as u64)
}

/// The BigInt argument of `asIntN`/`asUintN` (`ToBigInt`).
fn bigint_arg(agent: &mut dyn Agent, v: &Value) -> JsResult<BigInt> {
    let p = to_primitive(agent, v, Hint::Number)?;
    to_bigint(&p)
}

/// `n` modulo 2^bits, in `0..2^bits`; `None` when that needs more bits than allowed.
fn wrap_unsigned(n: &BigInt, bits: u64) -> Option<BigInt> {
    if n.sign() != Sign::Minus && n.bits() <= bits {
        return Some(n.clone());
    }
    if bits > MAX_BITS {
        return None;
    }
    let modulus = BigInt::one() << bits;
    let r = n % &modulus;
    Some(if r.sign() == Sign::Minus {
        r + modulus
    } else {
        r
    })
}

/// `n` as a two's complement integer of `bits` bits.
fn wrap_signed(n: &BigInt, bits: u64) -> BigInt {
    if bits == 0 {
        return BigInt::zero();
    }
    // Fits already: |n| < 2^(bits-1) (and -2^(bits-1) itself).
    if n.bits() < bits {
        return n.clone();
    }
    let Some(r) = wrap_unsigned(n, bits) else {
        return n.clone();
    };
    if r.bit(bits - 1) {
        r - (BigInt::one() << bits)
    } else {
        r
    }
}

fn as_int_n(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let bits = bits_arg(agent, &arg(args, 0))?;
    let n = bigint_arg(agent, &arg(args, 1))?;
    Ok(big(wrap_signed(&n, bits)))
}

fn as_uint_n(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let bits = bits_arg(agent, &arg(args, 0))?;
    let n = bigint_arg(agent, &arg(args, 1))?;
    match wrap_unsigned(&n, bits) {
        Some(r) => Ok(big(r)),
        None => range_error("Maximum BigInt size exceeded"),
    }
}

/// The BigInt `this` is (a BigInt, or a wrapper of one).
fn this_bigint(this: &Value, method: &str) -> JsResult<Rc<BigInt>> {
    match this {
        Value::BigInt(b) => return Ok(b.clone()),
        Value::Object(o) => {
            if let Kind::Primitive(Value::BigInt(b)) = &o.borrow().kind {
                return Ok(b.clone());
            }
        }
        _ => {}
    }
    type_error(format!(
        "BigInt.prototype.{method} requires that 'this' be a BigInt"
    ))
}

fn to_string(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let b = this_bigint(this, "toString")?;
    let radix = match arg(args, 0) {
        Value::Undefined => 10.0,
        v => to_integer(agent, &v)?,
    };
    if !(2.0..=36.0).contains(&radix) {
        return range_error("toString() radix argument must be between 2 and 36");
    }
    Ok(Value::from(b.to_str_radix(radix as u32)))
}

fn value_of(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(Value::BigInt(this_bigint(this, "valueOf")?))
}

/// `toLocaleString()`, as en-US formats it: digits grouped by threes.
fn to_locale_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let b = this_bigint(this, "toLocaleString")?;
    Ok(Value::from(group_thousands(&b.to_string())))
}

/// `-1234567` as `-1,234,567`.
fn group_thousands(decimal: &str) -> String {
    let (sign, digits) = match decimal.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", decimal),
    };
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> BigInt {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn wraps_like_as_int_n_and_as_uint_n() {
        assert_eq!(wrap_signed(&n("255"), 8), n("-1"));
        assert_eq!(wrap_signed(&n("128"), 8), n("-128"));
        assert_eq!(wrap_signed(&n("127"), 8), n("127"));
        assert_eq!(wrap_signed(&n("-129"), 8), n("127"));
        assert_eq!(
            wrap_signed(&n("9223372036854775808"), 64),
            n("-9223372036854775808")
        );
        assert_eq!(wrap_signed(&n("1"), 1), n("-1"));
        assert_eq!(wrap_signed(&n("5"), 0), n("0"));
        assert_eq!(wrap_unsigned(&n("-1"), 64), Some(n("18446744073709551615")));
        assert_eq!(wrap_unsigned(&n("257"), 8), Some(n("1")));
        assert_eq!(wrap_unsigned(&n("5"), 0), Some(n("0")));
        assert_eq!(wrap_unsigned(&n("5"), 1 << 40), Some(n("5")));
        assert_eq!(wrap_unsigned(&n("-5"), 1 << 40), None);
        assert_eq!(wrap_signed(&n("-5"), 1 << 40), n("-5"));
    }

    #[test]
    fn numbers_convert_only_when_integral() {
        assert_eq!(
            number_to_bigint(9007199254740994.0),
            Some(n("9007199254740994"))
        );
        assert_eq!(number_to_bigint(-0.0), Some(n("0")));
        assert_eq!(number_to_bigint(1e21), Some(n("1000000000000000000000")));
        assert_eq!(number_to_bigint(1.5), None);
        assert_eq!(number_to_bigint(f64::NAN), None);
        assert_eq!(number_to_bigint(f64::INFINITY), None);
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands("-1234567"), "-1,234,567");
        assert_eq!(group_thousands("123"), "123");
        assert_eq!(group_thousands("1000"), "1,000");
    }
}
