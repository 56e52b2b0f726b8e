//! Conversions and comparisons of values that need no realm: `typeof` flags, `ToNumber` and
//! `ToString` of primitives, truthiness, strict equality, and Rust conversions.

use std::fmt;
use std::ops::Not as _;

use super::string::JsStr;
use super::value::{Kind, Obj, Value};

impl Value {
    /// The JS `typeof` flag wasm_exec.js puts in a reference: object 1, string 2, symbol 3,
    /// function 4, anything else 0.
    pub fn type_flag(&self) -> u32 {
        match self {
            Value::Object(o) if o.is_function() => 4,
            Value::Object(_) => 1,
            Value::String(_) => 2,
            Value::Symbol(_) => 3,
            _ => 0,
        }
    }

    /// The object, if it is one.
    pub fn as_object(&self) -> Option<&Obj> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Is it a callable object?
    pub fn is_function(&self) -> bool {
        self.as_object().is_some_and(Obj::is_function)
    }

    /// JS `ToNumber` of a primitive (objects: of their primitive value where it is plain
    /// data, otherwise NaN; [`super::ops::to_number`] runs `valueOf`).
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Undefined => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => *b as u8 as f64,
            Value::Number(n) => *n,
            Value::String(s) => super::number::parse_number(&s.to_str_lossy()),
            // ToNumber throws for these; see ops::to_number.
            Value::Symbol(_) => f64::NAN,
            Value::BigInt(b) => super::number::bigint_to_f64(b),
            Value::Object(o) => match &o.borrow().kind {
                Kind::Date(t) => *t,
                Kind::Primitive(p) => p.to_number(),
                Kind::Array(items) if items.is_empty() => 0.0,
                Kind::Array(items) if items.len() == 1 => items[0].to_number(),
                _ => f64::NAN,
            },
        }
    }

    /// JS truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => !(n.is_nan() || *n == 0.0),
            Value::String(s) => !s.is_empty(),
            Value::BigInt(b) => num_traits::Zero::is_zero(&**b).not(),
            Value::Symbol(_) | Value::Object(_) => true,
        }
    }

    /// JS `ToString` of a primitive; objects go through [`super::ops::to_string`], which
    /// runs their `toString`.
    pub fn primitive_string(&self) -> Option<JsStr> {
        Some(match self {
            Value::Undefined => JsStr::from("undefined"),
            Value::Null => JsStr::from("null"),
            Value::Bool(b) => JsStr::from(if *b { "true" } else { "false" }),
            Value::Number(n) => JsStr::from(super::number::format(*n)),
            Value::String(s) => s.clone(),
            Value::BigInt(b) => JsStr::from(b.to_string()),
            // ToString throws for symbols (String(sym) does not: see ops).
            Value::Symbol(_) | Value::Object(_) => return None,
        })
    }

    /// JS strict equality (`===`); wasm_exec.js's value table keys on SameValueZero, which only
    /// differs for NaN and never reaches the table.
    pub fn strict_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Symbol(a), Value::Symbol(b)) => a.ptr_eq(b),
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a.ptr_eq(b),
            _ => false,
        }
    }

    /// SameValueZero: `===`, except that NaN equals NaN (what `Map`, `Set` and `includes`
    /// compare by).
    pub fn same_value_zero(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) if a.is_nan() && b.is_nan() => true,
            _ => self.strict_eq(other),
        }
    }

    /// SameValue (`Object.is`): SameValueZero, except that +0 and -0 differ.
    pub fn same_value(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) if *a == 0.0 && *b == 0.0 => {
                a.is_sign_negative() == b.is_sign_negative()
            }
            _ => self.same_value_zero(other),
        }
    }

    /// JS `typeof`.
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Symbol(_) => "symbol",
            Value::BigInt(_) => "bigint",
            Value::Object(o) if o.is_function() => "function",
            Value::Object(_) => "object",
        }
    }

    /// Is it a primitive (not an object)?
    pub fn is_primitive(&self) -> bool {
        !matches!(self, Value::Object(_))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(JsStr::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(JsStr::from(s))
    }
}

impl From<JsStr> for Value {
    fn from(s: JsStr) -> Self {
        Value::String(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Self {
        Value::Object(o)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => write!(f, "{s:?}"),
            Value::Symbol(s) => write!(f, "Symbol({:?})", s.0.description),
            Value::Object(o) => match &o.borrow().kind {
                Kind::Function(_) => f.write_str("[function]"),
                Kind::Array(items) => write!(f, "{items:?}"),
                _ => f.write_str("[object]"),
            },
            other => f.write_str(&other.primitive_string().unwrap_or_default().to_str_lossy()),
        }
    }
}
