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
    AggregateError,
    /// Web platform errors (`DataCloneError`, `AbortError`, ...): their `name` is their own.
    DomException,
}

impl ErrorType {
    /// Every kind, `Error` first.
    pub const ALL: [ErrorType; 9] = [
        ErrorType::Error,
        ErrorType::TypeError,
        ErrorType::RangeError,
        ErrorType::SyntaxError,
        ErrorType::ReferenceError,
        ErrorType::UriError,
        ErrorType::EvalError,
        ErrorType::AggregateError,
        ErrorType::DomException,
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
            ErrorType::AggregateError => "AggregateError",
            ErrorType::DomException => "DOMException",
        }
    }
}

/// The built-in classes beyond the core ones, each with its own prototype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Intrinsic {
    String,
    Number,
    Boolean,
    Symbol,
    BigInt,
    Map,
    Set,
    WeakMap,
    WeakSet,
    WeakRef,
    Promise,
    RegExp,
    ArrayBuffer,
    DataView,
    /// `%IteratorPrototype%`, which the iterators below inherit from.
    Iterator,
    ArrayIterator,
    MapIterator,
    SetIterator,
    StringIterator,
    RegExpStringIterator,
    Url,
    UrlSearchParams,
    TextEncoder,
    TextDecoder,
    Headers,
    Request,
    Response,
    Blob,
    AbortController,
    AbortSignal,
    Timeout,
}

impl Intrinsic {
    /// How many there are.
    pub const COUNT: usize = Intrinsic::Timeout as usize + 1;
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
    /// Dates.
    Date,
    /// Typed arrays of one element kind.
    Typed(TypedKind),
    /// Errors of one kind.
    Error(ErrorType),
    /// The other built-ins.
    Other(Intrinsic),
}

impl Class {
    /// Number of distinct classes (the size of a realm's prototype table).
    pub const COUNT: usize = 4 + TypedKind::ALL.len() + ErrorType::ALL.len() + Intrinsic::COUNT;

    /// A dense index, for the realm's prototype table.
    pub fn slot(self) -> usize {
        const TYPED: usize = 4;
        const ERRORS: usize = TYPED + TypedKind::ALL.len();
        const OTHERS: usize = ERRORS + ErrorType::ALL.len();
        match self {
            Class::Object => 0,
            Class::Function => 1,
            Class::Array => 2,
            Class::Date => 3,
            Class::Typed(k) => TYPED + k as usize,
            Class::Error(e) => ERRORS + e as usize,
            Class::Other(i) => OTHERS + i as usize,
        }
    }

    /// The class whose prototype this class's prototype inherits from (`None`: from
    /// `Object.prototype`).
    pub fn parent(self) -> Option<Class> {
        use Intrinsic::*;
        match self {
            Class::Object => None,
            Class::Error(ErrorType::Error) => None,
            Class::Error(_) => Some(Class::Error(ErrorType::Error)),
            Class::Other(
                ArrayIterator | MapIterator | SetIterator | StringIterator | RegExpStringIterator,
            ) => Some(Class::Other(Iterator)),
            _ => None,
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
    /// A getter/setter pair rather than a value.
    pub const ACCESSOR: u8 = 8;
    /// What assignment creates.
    pub const DEFAULT: u8 = WRITABLE | ENUMERABLE | CONFIGURABLE;
    /// What built-in methods and constructors' links get.
    pub const HIDDEN: u8 = WRITABLE | CONFIGURABLE;
}
