//! `atob` and `btoa`: base64 over "binary strings" (one character per byte), with Node's
//! errors (a `DOMException` named `InvalidCharacterError`).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use super::text::node_error;
use crate::js::conversions::to_string;
use crate::js::native::{define_methods, Method};
use crate::js::realm::Realm;
use crate::js::string::JsStrBuilder;
use crate::js::value::{attrs, Agent, ErrorType, JsResult, Obj, Throw, Value};

const GLOBALS: &[Method] = &[("atob", atob), ("btoa", btoa)];

/// Decodes unpadded base64, ignoring the bits after the last whole byte (as browsers do).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

const INVALID: &str = "Invalid character";
const BAD_LENGTH: &str = "The string to be decoded is not correctly encoded.";

pub fn install(realm: &mut Realm) {
    define_methods(&realm.global.clone(), GLOBALS);
}

/// A `DOMException` named `InvalidCharacterError` (legacy code 5).
fn invalid_character(message: &str) -> Throw {
    let e = Obj::error(ErrorType::DomException, message);
    e.define("name", Value::from("InvalidCharacterError"), attrs::HIDDEN);
    e.define("code", Value::Number(5.0), attrs::HIDDEN);
    Throw::Value(Value::Object(e))
}

/// The input argument, which both functions require.
fn input(agent: &mut dyn Agent, args: &[Value]) -> JsResult<crate::js::string::JsStr> {
    match args.first() {
        Some(v) => to_string(agent, v),
        None => Err(node_error(
            ErrorType::TypeError,
            "ERR_MISSING_ARGS",
            "The \"input\" argument must be specified",
        )),
    }
}

/// `btoa(data)`: every character must be at most U+00FF.
fn btoa(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let s = input(agent, args)?;
    let mut bytes = Vec::with_capacity(s.as_bytes().len());
    for unit in s.code_units() {
        match u8::try_from(unit) {
            Ok(b) => bytes.push(b),
            Err(_) => return Err(invalid_character(INVALID)),
        }
    }
    Ok(Value::from(STANDARD.encode(bytes)))
}

/// `atob(data)`: forgiving base64 (ASCII whitespace skipped, padding optional).
fn atob(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let s = input(agent, args)?;
    let bytes = decode(s.as_bytes()).map_err(invalid_character)?;
    let mut out = JsStrBuilder::new();
    for b in bytes {
        out.push_unit(b as u16);
    }
    Ok(Value::String(out.finish()))
}

/// Node's forgiving-base64 decode: the digits, then at most two `=` at the end, in whole
/// groups of four, or unpadded with a remainder of 2 or 3 digits.
fn decode(input: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut digits = Vec::with_capacity(input.len());
    let mut equals = 0;
    for &c in input {
        match c {
            b'\t' | b'\n' | 0x0C | b'\r' | b' ' => {}
            b'=' => {
                equals += 1;
                if equals > 2 {
                    return Err(INVALID);
                }
            }
            c if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' => {
                if equals > 0 {
                    return Err(INVALID);
                }
                digits.push(c);
            }
            _ => return Err(INVALID),
        }
    }
    let count = digits.len() + equals;
    let remainder = match count % 4 {
        0 => digits.len() % 4,
        _ if equals > 0 => return Err(INVALID),
        r => r,
    };
    if remainder == 1 {
        return Err(BAD_LENGTH);
    }
    LENIENT.decode(&digits).map_err(|_| BAD_LENGTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forgivingly() {
        assert_eq!(decode(b"aGVsbG8="), Ok(b"hello".to_vec()));
        assert_eq!(decode(b"aGVsbG8"), Ok(b"hello".to_vec()));
        assert_eq!(decode(b" aGVs\nbG8= "), Ok(b"hello".to_vec()));
        assert_eq!(decode(b"YR=="), Ok(b"a".to_vec()));
        assert_eq!(decode(b" Y Q = = "), Ok(b"a".to_vec()));
        assert_eq!(decode(b""), Ok(Vec::new()));
    }

    #[test]
    fn rejects_like_node() {
        assert_eq!(decode(b"!!!"), Err(INVALID));
        assert_eq!(decode(b"abcde"), Err(BAD_LENGTH));
        assert_eq!(decode(b"-_8"), Err(INVALID));
        assert_eq!(decode(b"YQ=a"), Err(INVALID));
        assert_eq!(decode(b"Y==="), Err(INVALID));
        assert_eq!(decode(b"YWJj="), Err(INVALID));
        assert_eq!(decode("é".as_bytes()), Err(INVALID));
    }
}
