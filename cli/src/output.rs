//! What the CLI prints for host-side steps: one JSON line each.

use wasmexec::JsValue;

/// A host-side step after main.
pub enum Step {
    /// Call a global function with text as a Uint8Array.
    Call(String, String),
    /// waPC-invoke an operation.
    Invoke(String, String),
}

/// A JS value as JSON (functions and undefined as null, bytes as text).
pub fn render(v: &JsValue) -> String {
    fn esc(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    match v {
        JsValue::Undefined | JsValue::Null | JsValue::Function(_) | JsValue::Symbol(_) => {
            "null".into()
        }
        // Steps' results are copied as data before rendering; a handle left is opaque.
        JsValue::Handle(_) => "{}".into(),
        JsValue::BigInt(digits) => digits.clone(),
        JsValue::Bool(b) => b.to_string(),
        JsValue::Number(n) if n.is_finite() => {
            if n.fract() == 0.0 && n.abs() < 9.007199254740992e15 {
                format!("{}", *n as i64)
            } else {
                n.to_string()
            }
        }
        JsValue::Number(_) => "null".into(),
        JsValue::String(s) => esc(&s.to_string_lossy()),
        JsValue::Error(s) => esc(s),
        JsValue::Bytes(b) => esc(&String::from_utf8_lossy(b)),
        JsValue::Typed(_, items) => format!(
            "[{}]",
            items
                .iter()
                .map(|n| render(&JsValue::Number(*n)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        JsValue::Array(items) => format!(
            "[{}]",
            items.iter().map(render).collect::<Vec<_>>().join(",")
        ),
        JsValue::Object(pairs) => format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", esc(k), render(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// The JSON line of a step: `{"call":NAME,"result":...}` or `{"invoke":OP,"error":TEXT}`.
/// Error texts are the guest's own words where it sent some (waPC errors).
pub fn step_line(step: &Step, outcome: Result<JsValue, String>) -> String {
    let (kind, name) = match step {
        Step::Call(name, _) => ("call", name),
        Step::Invoke(op, _) => ("invoke", op),
    };
    let name = render(&JsValue::from(name.as_str()));
    match outcome {
        Ok(v) => format!("{{\"{kind}\":{name},\"result\":{}}}", render(&v)),
        Err(e) => format!(
            "{{\"{kind}\":{name},\"error\":{}}}",
            render(&JsValue::from(e))
        ),
    }
}
