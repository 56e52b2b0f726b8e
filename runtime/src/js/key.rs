//! Property keys: a name (by its WTF-8 bytes) or a symbol, borrowed ([`Key`]) or owned
//! ([`PropKey`]).

use super::string::JsStr;
use super::value::{Sym, Value};

/// A property key: a name (by its WTF-8 bytes) or a symbol.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    /// A string key.
    Str(&'a [u8]),
    /// A symbol key.
    Sym(&'a Sym),
}

/// An owned property key.
#[derive(Clone)]
pub enum PropKey {
    /// A string key.
    Str(JsStr),
    /// A symbol key.
    Sym(Sym),
}

impl PropKey {
    /// Borrowed.
    pub fn as_key(&self) -> Key<'_> {
        match self {
            PropKey::Str(s) => Key::Str(s.as_bytes()),
            PropKey::Sym(s) => Key::Sym(s),
        }
    }

    /// As a JS value.
    pub fn to_value(&self) -> Value {
        match self {
            PropKey::Str(s) => Value::String(s.clone()),
            PropKey::Sym(s) => Value::Symbol(s.clone()),
        }
    }
}

/// A key for messages.
pub fn key_text(key: Key<'_>) -> String {
    match key {
        Key::Str(k) => format!("'{}'", String::from_utf8_lossy(k)),
        Key::Sym(s) => format!(
            "Symbol({})",
            s.0.description
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
    }
}
