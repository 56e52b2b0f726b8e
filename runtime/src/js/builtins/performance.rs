//! `performance.now()`.

use crate::js::native::{define_methods, Method};
use crate::js::realm::Realm;
use crate::js::value::{Agent, JsResult, Obj, Value};

const METHODS: &[Method] = &[("now", now)];

pub fn install(realm: &mut Realm) {
    let performance = Obj::plain();
    define_methods(&performance, METHODS);
    realm.define_builtin("performance", Value::Object(performance));
}

fn now(agent: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Number(agent.realm().clock.performance_now()))
}
