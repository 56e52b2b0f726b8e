//! What an object is ([`Class`], which selects its intrinsic prototype), the kinds of errors,
//! and property attributes.

use super::typed::TypedKind;

/// The kinds of `Error` objects, each with its own prototype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ErrorType {
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    UriError,
    EvalError,
}

impl ErrorType {
    /// Every kind, `Error` first.
    pub const ALL: [ErrorType; 7] = [
        ErrorType::Error,
        ErrorType::TypeError,
        ErrorType::RangeError,
        ErrorType::SyntaxError,
        ErrorType::ReferenceError,
        ErrorType::UriError,
        ErrorType::EvalError,
    ];

    /// The constructor's name (also the prototype's `name`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorType::Error => "Error",
            ErrorType::TypeError => "TypeError",
            ErrorType::RangeError => "RangeError",
            ErrorType::SyntaxError => "SyntaxError",
            ErrorType::ReferenceError => "ReferenceError",
            ErrorType::UriError => "URIError",
            ErrorType::EvalError => "EvalError",
        }
    }
}

/// What an object is, for the intrinsic prototype it gets by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// Plain objects.
    Object,
    /// Functions.
    Function,
    /// Arrays.
    Array,
    /// Typed arrays of one element kind.
    Typed(TypedKind),
    /// Errors of one kind.
    Error(ErrorType),
    /// Dates.
    Date,
}

impl Class {
    /// Number of distinct classes (the size of a realm's prototype table).
    pub const COUNT: usize = 4 + TypedKind::ALL.len() + ErrorType::ALL.len();

    /// A dense index, for the realm's prototype table.
    pub fn slot(self) -> usize {
        match self {
            Class::Object => 0,
            Class::Function => 1,
            Class::Array => 2,
            Class::Date => 3,
            Class::Typed(k) => 4 + k as usize,
            Class::Error(e) => 4 + TypedKind::ALL.len() + e as usize,
        }
    }
}

/// Property attributes.
pub mod attrs {
    /// Assignable.
    pub const WRITABLE: u8 = 1;
    /// Listed by `Object.keys`, `for-in`, `JSON.stringify`.
    pub const ENUMERABLE: u8 = 2;
    /// Deletable and redefinable.
    pub const CONFIGURABLE: u8 = 4;
    /// What assignment creates.
    pub const DEFAULT: u8 = WRITABLE | ENUMERABLE | CONFIGURABLE;
    /// What built-in methods and constructors' links get.
    pub const HIDDEN: u8 = WRITABLE | CONFIGURABLE;
}
