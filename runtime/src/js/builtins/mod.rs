//! The standard built-ins, one file per class or family. Each installs its constructor into
//! the global object and its methods, from a table, into its prototype.

mod array;
mod array_buffer;
mod base64;
mod bigint;
pub mod collections;
mod crypto;
mod date;
mod date_text;
pub use date::date_at;
mod error;
mod function;
mod globals;
pub mod iterators;
mod json;
mod json_parse;
mod math;
pub use math::round as math_round;
mod number;
mod object;
mod performance;
pub mod promise;
mod proxy;
mod reflect;
mod regexp;
mod regexp_exec;
#[cfg(test)]
mod regexp_json_tests;
mod regexp_object;
mod regexp_replace;
mod regexp_string;
mod regexp_syntax;
mod string;
mod structured_clone;
mod symbol;
mod text;
mod timer_globals;
mod typed_array;
mod url;
pub mod web;

use super::realm::Realm;
use super::value::Value;

/// Installs the standard world into a new realm.
pub fn install(realm: &mut Realm) {
    let global = Value::Object(realm.global.clone());
    realm.define_builtin("globalThis", global);
    object::install(realm);
    function::install(realm);
    array::install(realm);
    typed_array::install(realm);
    error::install(realm);
    date::install(realm);
    math::install(realm);
    json::install(realm);
    crypto::install(realm);
    performance::install(realm);
    iterators::install(realm);
    collections::install(realm);
    promise::install(realm);
    timer_globals::install(realm);
    symbol::install(realm);
    string::install(realm);
    number::install(realm);
    globals::install(realm);
    reflect::install(realm);
    proxy::install(realm);
    bigint::install(realm);
    array_buffer::install(realm);
    text::install(realm);
    url::install(realm);
    base64::install(realm);
    // After String: RegExp adds String.prototype's pattern methods.
    regexp::install(realm);
    structured_clone::install(realm);
    web::install(realm);
}
