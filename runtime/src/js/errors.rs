//! Throwing the standard errors from Rust.

use super::value::{ErrorType, JsResult, Obj, Throw, Value};

/// Throws a new error of kind `ty`.
pub fn throw<T>(ty: ErrorType, msg: impl AsRef<str>) -> JsResult<T> {
    Err(Throw::Value(Value::Object(Obj::error(ty, msg.as_ref()))))
}

/// Throws a new `TypeError`.
pub fn type_error<T>(msg: impl AsRef<str>) -> JsResult<T> {
    throw(ErrorType::TypeError, msg)
}

/// Throws a new `RangeError`.
pub fn range_error<T>(msg: impl AsRef<str>) -> JsResult<T> {
    throw(ErrorType::RangeError, msg)
}
