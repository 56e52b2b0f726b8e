//! The standard built-ins, one file per class or family. Each installs its constructor into
//! the global object and its methods, from a table, into its prototype.

mod array;
pub mod collections;
mod crypto;
mod date;
mod error;
mod function;
pub mod iterators;
mod json;
mod math;
mod object;
mod performance;
pub mod promise;
mod timer_globals;
mod typed_array;

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
}
