//! waPC over `js.FuncOf`: the host side of the protocol the seed's `wapc` guest package speaks.
//!
//! The host publishes a global `wapc` object with `__guest_response(bytes)`,
//! `__guest_error(bytes)` and `__host_call(binding, namespace, operation, payload)` (four
//! `Uint8Array`s, returning `[response | null, error | null]`); the guest publishes
//! `__guest_call(operation, payload) -> bool` and answers asynchronously.

use crate::js::native::native;
use crate::js::{ops, Agent, Obj, Realm, Value};

/// Answers the guest's host calls: `(binding, namespace, operation, payload)` to the response
/// bytes or an error message.
pub type HostCallHandler =
    Box<dyn FnMut(&str, &str, &str, &[u8]) -> Result<Vec<u8>, String> + Send>;

/// One message of a waPC exchange, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Exchange {
    /// The host invoked an operation.
    Invoke {
        /// Operation name.
        operation: String,
        /// Payload sent.
        payload: Vec<u8>,
    },
    /// The guest called the host.
    HostCall {
        /// Binding.
        binding: String,
        /// Namespace.
        namespace: String,
        /// Operation.
        operation: String,
        /// Payload sent by the guest.
        payload: Vec<u8>,
        /// What the host answered.
        result: Result<Vec<u8>, String>,
    },
    /// The guest answered an invoke.
    GuestResponse(Vec<u8>),
    /// The guest failed an invoke.
    GuestError(String),
}

/// waPC state of one instance.
#[derive(Default)]
pub struct Wapc {
    /// The answer to the invoke in progress, once the guest gave it.
    pub answer: Option<Result<Vec<u8>, String>>,
    /// The embedder's host-call handler.
    pub handler: Option<HostCallHandler>,
    /// Every exchange, when recording is on.
    pub log: Option<Vec<Exchange>>,
}

impl Wapc {
    /// Records an exchange if recording is on.
    pub fn record(&mut self, e: Exchange) {
        if let Some(log) = &mut self.log {
            log.push(e);
        }
    }
}

/// Installs the `wapc` global and its state.
pub fn install(realm: &mut Realm) {
    realm.insert_slot(Wapc::default());
    realm.define_global("wapc", Value::Object(object()));
}

fn state(agent: &mut dyn Agent) -> &mut Wapc {
    agent
        .realm()
        .slot::<Wapc>()
        .expect("wapc::install keeps the waPC state")
}

fn bytes_of(v: &Value) -> Vec<u8> {
    match ops::typed(v) {
        Some(t) => t.with(|b| b.to_vec()),
        None => v
            .primitive_string()
            .map(|s| s.to_str_lossy().into_owned().into_bytes())
            .unwrap_or_default(),
    }
}

/// The `wapc` global object.
fn object() -> Obj {
    let w = Obj::plain();
    w.set(
        "__guest_response",
        native(|g, _, args| {
            let payload = bytes_of(&args.first().cloned().unwrap_or_default());
            let wapc = state(g);
            wapc.record(Exchange::GuestResponse(payload.clone()));
            wapc.answer = Some(Ok(payload));
            Ok(Value::Undefined)
        }),
    );
    w.set(
        "__guest_error",
        native(|g, _, args| {
            let msg =
                String::from_utf8_lossy(&bytes_of(&args.first().cloned().unwrap_or_default()))
                    .into_owned();
            let wapc = state(g);
            wapc.record(Exchange::GuestError(msg.clone()));
            wapc.answer = Some(Err(msg));
            Ok(Value::Undefined)
        }),
    );
    w.set(
        "__host_call",
        native(|g, _, args| {
            let text = |i: usize| {
                String::from_utf8_lossy(&bytes_of(&args.get(i).cloned().unwrap_or_default()))
                    .into_owned()
            };
            let (binding, namespace, operation) = (text(0), text(1), text(2));
            let payload = bytes_of(&args.get(3).cloned().unwrap_or_default());
            let wapc = state(g);
            let result = match &mut wapc.handler {
                Some(h) => h(&binding, &namespace, &operation, &payload),
                None => Err(format!(
                    "no host call handler for {binding}/{namespace}/{operation}"
                )),
            };
            wapc.record(Exchange::HostCall {
                binding,
                namespace,
                operation,
                payload,
                result: result.clone(),
            });
            Ok(Value::Object(Obj::array(match result {
                Ok(bytes) => vec![Value::Object(Obj::bytes(bytes)), Value::Null],
                Err(msg) => vec![Value::Null, Value::from(msg)],
            })))
        }),
    );
    w
}
