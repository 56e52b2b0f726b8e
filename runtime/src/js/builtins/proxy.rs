//! The `Proxy` constructor and `Proxy.revocable`; the traps themselves run in `js::proxy`.

use std::rc::Rc;

use crate::js::native::{arg, builtin, named};
use crate::js::ops::type_error;
use crate::js::realm::Realm;
use crate::js::value::{attrs, Agent, Callable, Class, JsResult, Kind, Obj, Value};

/// Installs `Proxy`.
pub fn install(realm: &mut Realm) {
    let requires_new = Callable::Builtin(|_, _, _| type_error("Constructor Proxy requires 'new'"));
    let ctor = Obj::function(requires_new, Some(Callable::Builtin(construct)));
    ctor.define("name", Value::from("Proxy"), attrs::CONFIGURABLE);
    ctor.define(
        "revocable",
        named(builtin(revocable), "revocable"),
        attrs::HIDDEN,
    );
    realm.define_builtin("Proxy", Value::Object(ctor));
    realm.proxy_traps = Some(&crate::js::proxy::Traps);
}

/// A proxy of `target` through `handler`, both objects.
fn make(args: &[Value]) -> JsResult<Obj> {
    match (arg(args, 0), arg(args, 1)) {
        (Value::Object(target), Value::Object(handler)) => Ok(Obj::new(
            Class::Object,
            Kind::Proxy(Some(Box::new((target, handler)))),
        )),
        _ => type_error("Cannot create proxy with a non-object as target or handler"),
    }
}

/// `new Proxy(target, handler)`.
fn construct(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    make(args).map(Value::Object)
}

/// `Proxy.revocable(target, handler)`: `{proxy, revoke}`; after `revoke()` every operation
/// on the proxy throws.
fn revocable(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let proxy = make(args)?;
    // The revoke function must not keep the proxy alive on its own.
    let weak = proxy.downgrade();
    let revoke = Obj::native(Rc::new(move |_, _, _| {
        if let Some(p) = weak.upgrade() {
            p.borrow_mut().kind = Kind::Proxy(None);
        }
        Ok(Value::Undefined)
    }));
    revoke.define("name", Value::from(""), attrs::CONFIGURABLE);
    let result = Obj::plain();
    result.set("proxy", Value::Object(proxy));
    result.set("revoke", Value::Object(revoke));
    Ok(Value::Object(result))
}
