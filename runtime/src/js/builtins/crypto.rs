//! `crypto.getRandomValues`, the one Web Crypto function Go's `crypto/rand` uses.

use crate::js::native::{arg, define_methods, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::typed::TypedKind;
use crate::js::value::{attrs, Agent, ErrorType, JsResult, Obj, Throw, Value};

const METHODS: &[Method] = &[("getRandomValues", get_random_values)];

pub fn install(realm: &mut Realm) {
    let crypto = Obj::plain();
    define_methods(&crypto, METHODS);
    realm.define_builtin("crypto", Value::Object(crypto));
}

fn get_random_values(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = arg(args, 0);
    let Some(t) = ops::typed(&target) else {
        return type_error("getRandomValues: argument is not a typed array");
    };
    if matches!(t.kind, TypedKind::Float32 | TypedKind::Float64) {
        return type_error("getRandomValues: float arrays are not allowed");
    }
    if t.byte_len() > 65536 {
        // A DOMException in Node; its name is what programs look at.
        let e = Obj::error(
            ErrorType::Error,
            "The ArrayBufferView's byte length exceeds the number of bytes of entropy available via this API (65536)",
        );
        e.define("name", Value::from("QuotaExceededError"), attrs::HIDDEN);
        return Err(Throw::Value(Value::Object(e)));
    }
    t.with(getrandom::fill)
        .map_err(|e| Throw::Value(Value::Object(Obj::error(ErrorType::Error, &e.to_string()))))?;
    Ok(target)
}
