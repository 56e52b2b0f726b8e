//! The behaviour of proxy objects as the object operations see it: [`super::ops`] and
//! [`super::conversions`] reach a proxy's traps through the realm's [`ProxyTraps`] (installed
//! with the `Proxy` constructor), so the operations do not depend on the trap code, which
//! itself runs on the operations.

use super::key::{Key, PropKey};
use super::value::{Agent, JsResult, Obj, Value};

/// A proxy's internal methods, each given the proxy's target and handler.
pub trait ProxyTraps: Sync {
    /// `[[Get]]`.
    fn get(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
        key: Key<'_>,
        receiver: &Value,
    ) -> JsResult;
    /// `[[Set]]`.
    fn set(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
        key: Key<'_>,
        value: Value,
        receiver: &Value,
    ) -> JsResult<bool>;
    /// `[[HasProperty]]`.
    fn has(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
        key: Key<'_>,
    ) -> JsResult<bool>;
    /// `[[Delete]]`.
    fn delete(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
        key: Key<'_>,
    ) -> JsResult<bool>;
    /// `[[Call]]`.
    fn apply(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
        this: &Value,
        args: &[Value],
    ) -> JsResult;
    /// `[[Construct]]`.
    fn construct(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
        args: &[Value],
    ) -> JsResult;
    /// `[[GetPrototypeOf]]`.
    fn get_prototype_of(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
    ) -> JsResult<Option<Obj>>;
    /// `[[OwnPropertyKeys]]`.
    fn own_keys(
        &self,
        agent: &mut dyn Agent,
        target: &Obj,
        handler: &Obj,
    ) -> JsResult<Vec<PropKey>>;
}
