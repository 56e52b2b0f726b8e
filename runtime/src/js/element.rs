//! Typed array elements as JS values and back, for primitives (`ToNumber`, `ToBigInt`).

use num_bigint::BigInt;

use super::errors::{throw, type_error};
use super::typed::{Element, TypedKind};
use super::value::{ErrorType, JsResult, Value};

/// A typed array element as a JS value.
pub fn element_value(e: Element) -> Value {
    match e {
        Element::Number(n) => Value::Number(n),
        Element::BigInt(b) => Value::BigInt(std::rc::Rc::new(b)),
    }
}

/// A JS value as an element of `kind`: `ToNumber` for number kinds, `ToBigInt` for the
/// 64-bit integer kinds (a number there is a TypeError).
pub fn element_of(kind: TypedKind, v: &Value) -> JsResult<Element> {
    if !kind.is_bigint() {
        return match v {
            Value::BigInt(_) => type_error("Cannot convert a BigInt value to a number"),
            v => Ok(Element::Number(v.to_number())),
        };
    }
    Ok(Element::BigInt(to_bigint(v)?))
}

/// `ToBigInt(v)` for primitives: BigInts, booleans and integer strings.
pub fn to_bigint(v: &Value) -> JsResult<BigInt> {
    match v {
        Value::BigInt(b) => Ok((**b).clone()),
        Value::Bool(b) => Ok(BigInt::from(*b as u8)),
        Value::String(s) => match super::number::parse_bigint(&s.to_str_lossy()) {
            Some(b) => Ok(b),
            None => throw(
                ErrorType::SyntaxError,
                format!("Cannot convert {s} to a BigInt"),
            ),
        },
        Value::Number(n) => type_error(format!(
            "Cannot convert {} to a BigInt",
            super::number::format(*n)
        )),
        other => type_error(format!("Cannot convert {} to a BigInt", other.type_of())),
    }
}
