//! The waPC host provider driven through the `wapc` crate's own API (`wapc::WapcHost`) with a
//! standard Go guest (go-guests/plugin, written with go-guests/wapc) on every engine.

mod common;

use std::sync::OnceLock;

use wasmexec::wapc_provider::WasmexecProvider;
use wasmexec::{Config, EngineKind, JsValue, Runtime};

fn plugin_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| common::go_guest("plugin"))
}

fn host(kind: EngineKind) -> wapc::WapcHost {
    let provider = WasmexecProvider::new(Runtime::new(kind).unwrap(), plugin_wasm())
        .unwrap()
        .with_config(|| {
            Config::new().stdout(std::io::sink()).global(
                "myHost",
                JsValue::object([("log", JsValue::function(|_, _| Ok(JsValue::Undefined)))]),
            )
        });
    wapc::WapcHost::new(
        Box::new(provider),
        Some(Box::new(
            |_id, binding, namespace, operation, payload| match (binding, namespace, operation) {
                ("app", "users", "display_name") if payload == b"nobody" => {
                    Err("no such user".into())
                }
                ("app", "users", "display_name") => {
                    Ok(String::from_utf8_lossy(payload).to_uppercase().into_bytes())
                }
                _ => Err(format!("unexpected host call {binding}/{namespace}/{operation}").into()),
            },
        )),
    )
    .unwrap()
}

#[test]
fn wapc_host_runs_go_guests_on_every_engine() {
    for kind in EngineKind::available() {
        let host = host(kind);
        // An invocation whose handler makes a host call through the WapcHost callback.
        assert_eq!(
            host.call("greet", b"bob").unwrap(),
            b"Hello, BOB!",
            "{kind}"
        );
        // The host callback's error reaches the guest, whose error comes back verbatim.
        match host.call("greet", b"nobody") {
            Err(wapc::errors::Error::GuestCallFailure(m)) => {
                assert_eq!(m, "no such user", "{kind}")
            }
            other => panic!("{kind}: expected a guest error, got {other:?}"),
        }
        // An unknown operation: the guest's own message.
        match host.call("nope", b"") {
            Err(wapc::errors::Error::GuestCallFailure(m)) => {
                assert_eq!(m, "unknown operation \"nope\"", "{kind}")
            }
            other => panic!("{kind}: expected the guest's refusal, got {other:?}"),
        }
        // The guest keeps serving, and a module can be replaced by a fresh one.
        assert_eq!(host.call("greet", b"al").unwrap(), b"Hello, AL!", "{kind}");
        host.replace_module(plugin_wasm()).unwrap();
        assert_eq!(host.call("greet", b"cy").unwrap(), b"Hello, CY!", "{kind}");
    }
}
