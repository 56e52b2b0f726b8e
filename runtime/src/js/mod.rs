//! The JavaScript world a Go guest sees: values and objects ([`value`], [`string`],
//! [`typed`]), the operations `syscall/js` performs ([`ops`]), the standard built-ins
//! ([`builtins`]) and the [`realm`] that holds them.
//!
//! This layer knows nothing of the guest's memory, the engines, the file system or waPC: the
//! host builds a [`Realm`], reaches it through [`Agent`], and installs its own objects (`fs`,
//! `process`, `wapc`) with [`Realm::define_global`], the registration API embedders' globals
//! go through too.

pub mod buffer;
pub mod builtins;
pub mod charge;
pub mod class;
pub mod clock;
pub mod coerce;
pub mod conversions;
pub mod element;
pub mod errors;
pub mod exotic;
pub mod heap;
pub mod key;
pub mod native;
pub mod number;
pub mod object;
pub mod ops;
pub mod proxy;
pub mod realm;
pub mod storage;
pub mod string;
pub mod timers;
pub mod typed;
pub mod tz;
pub mod value;

pub use buffer::TypedArray;
pub use realm::Realm;
pub use string::JsStr;
pub use typed::TypedKind;
pub use value::{Agent, Callable, Class, ErrorType, JsResult, Kind, Obj, Throw, Value};

/// A realm with the standard built-ins installed.
pub fn new_realm() -> Realm {
    let mut realm = Realm::empty();
    builtins::install(&mut realm);
    realm
}
