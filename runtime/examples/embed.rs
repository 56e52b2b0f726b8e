//! Embeds a Go plugin (go-guests/plugin) in a Rust program: gives it a host object, calls a
//! function it published with `js.FuncOf`, and invokes a waPC operation that makes a host
//! call. Run with `cargo run -p wasmexec --example embed` (needs Go on PATH).

use std::path::Path;
use std::process::Command;

use wasmexec::{Config, EngineKind, JsValue, Runtime};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Build the Go guest: GOOS=js GOARCH=wasm, like any Go program for the browser or Node.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let wasm_path = std::env::temp_dir().join("wasmexec-example-plugin.wasm");
    let status = Command::new("go")
        .args(["build", "-trimpath", "-buildvcs=false", "-o"])
        .arg(&wasm_path)
        .arg("./plugin")
        .current_dir(root.join("go-guests"))
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .status()?;
    assert!(status.success(), "go build failed");

    let runtime = Runtime::new(EngineKind::Wasmtime)?;
    let module = runtime.compile(&std::fs::read(&wasm_path)?)?;

    let config = Config::new()
        .args(["plugin"])
        // globalThis.myHost = { log(msg) { ... } }
        .global(
            "myHost",
            JsValue::object([(
                "log",
                JsValue::function(|_, args| {
                    println!(
                        "[plugin] {}",
                        args.first().and_then(JsValue::as_str).unwrap_or("")
                    );
                    Ok(JsValue::Undefined)
                }),
            )]),
        )
        // Answers wapc.HostCall from the guest.
        .host_call(|binding, namespace, operation, payload| {
            match (binding, namespace, operation) {
                ("app", "users", "display_name") => {
                    Ok(String::from_utf8_lossy(payload).to_uppercase().into_bytes())
                }
                _ => Err(format!(
                    "unknown host call {binding}/{namespace}/{operation}"
                )),
            }
        });

    let mut plugin = runtime.instantiate(&module, config)?;
    plugin.run()?; // main runs until it waits for events

    let sum = plugin.call(
        "add",
        &[JsValue::from(1.5), JsValue::from(2.0), JsValue::from(3.0)],
    )?;
    println!("add(1.5, 2, 3) = {:?}", sum.as_f64().unwrap_or(f64::NAN));

    let reply = plugin.invoke("greet", b"ada")?;
    println!("greet(ada) = {}", String::from_utf8_lossy(&reply));

    match plugin.invoke("missing", b"") {
        Err(e) => println!("missing operation: {e}"),
        Ok(_) => unreachable!("the plugin has no such operation"),
    }
    Ok(())
}
