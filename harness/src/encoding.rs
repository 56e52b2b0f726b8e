//! The VALUE encoding of JS values in specs and transcripts (`{"$bytes": ...}`,
//! `{"$number": "NaN"}`, ...), shared with the Node reference driver.

use serde_json::{json, Value as Json};
use wasmexec::JsValue;

/// Lower-case hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses lower- or upper-case hex.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// A number in the VALUE encoding.
pub fn number_json(n: f64) -> Json {
    if n.is_nan() {
        json!({"$number": "NaN"})
    } else if n == f64::INFINITY {
        json!({"$number": "Infinity"})
    } else if n == f64::NEG_INFINITY {
        json!({"$number": "-Infinity"})
    } else if n == 0.0 && n.is_sign_negative() {
        json!({"$number": "-0"})
    } else {
        json!(n)
    }
}

/// Bytes in the VALUE encoding.
pub fn bytes_json(b: &[u8]) -> Json {
    match std::str::from_utf8(b) {
        Ok(s) => json!({"$bytes": s}),
        Err(_) => json!({"$hex": hex(b)}),
    }
}

/// A JS value in the VALUE encoding.
pub fn value_json(v: &JsValue) -> Json {
    match v {
        JsValue::Undefined => json!({"$undefined": true}),
        JsValue::Null => Json::Null,
        JsValue::Bool(b) => json!(b),
        JsValue::Number(n) => number_json(*n),
        JsValue::String(s) => json!(s.to_string_lossy()),
        JsValue::Bytes(b) => bytes_json(b),
        JsValue::Typed(name, values) => {
            json!({"$typed": name, "values": values.iter().map(|n| number_json(*n)).collect::<Vec<_>>()})
        }
        JsValue::Array(items) => Json::Array(items.iter().map(value_json).collect()),
        JsValue::Object(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), value_json(v)))
                .collect(),
        ),
        JsValue::Function(_) => json!({"$function": true}),
        // Objects that stay in the guest are expanded (by the transcript) before encoding.
        JsValue::Handle(_) => json!({}),
        JsValue::Error(m) => json!({"$error": m}),
        JsValue::BigInt(digits) => json!({"$bigint": digits}),
        JsValue::Symbol(desc) => json!({"$symbol": desc.clone().unwrap_or_default()}),
    }
}
