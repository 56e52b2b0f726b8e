//! The embedding API against a real Go plugin (go-guests/plugin, the guest of
//! examples/embed.rs) on every engine compiled in: host objects, calls, waPC with host calls,
//! and errors as values.

use std::cell::RefCell;
use std::path::PathBuf;
use std::process::Command;
use std::rc::Rc;
use std::sync::OnceLock;

use wasmexec::{Config, EngineKind, Error, JsValue, Runtime};

fn plugin_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let out =
            std::env::temp_dir().join(format!("wasmexec-embed-test-{}.wasm", std::process::id()));
        let status = Command::new("go")
            .args(["build", "-trimpath", "-buildvcs=false", "-o"])
            .arg(&out)
            .arg("./plugin")
            .current_dir(root.join("go-guests"))
            .env("GOOS", "js")
            .env("GOARCH", "wasm")
            .status()
            .expect("go on PATH");
        assert!(status.success());
        std::fs::read(out).unwrap()
    })
}

fn with_plugin(kind: EngineKind, log: Rc<RefCell<Vec<String>>>) -> wasmexec::Instance {
    let runtime = Runtime::new(kind).unwrap();
    let module = runtime.compile(plugin_wasm()).unwrap();
    let config = Config::new()
        .args(["plugin"])
        .stdout(std::io::sink())
        .global(
            "myHost",
            JsValue::object([(
                "log",
                JsValue::function(move |_, args| {
                    log.borrow_mut().push(
                        args.first()
                            .and_then(JsValue::as_str)
                            .unwrap_or("")
                            .to_string(),
                    );
                    Ok(JsValue::Undefined)
                }),
            )]),
        )
        .host_call(|b, n, o, payload| match (b, n, o) {
            ("app", "users", "display_name") => {
                Ok(String::from_utf8_lossy(payload).to_uppercase().into_bytes())
            }
            _ => Err(format!("no answer for {b}/{n}/{o}")),
        });
    runtime.instantiate(&module, config).unwrap()
}

#[test]
fn host_api_on_every_engine() {
    for kind in EngineKind::available() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let mut p = with_plugin(kind, log.clone());
        assert_eq!(p.run().unwrap(), wasmexec::Status::Idle, "{kind}");
        assert_eq!(
            log.borrow().as_slice(),
            ["plugin starting"],
            "{kind}: host object called from main"
        );

        let sum = p
            .call(
                "add",
                &[JsValue::from(1.5), JsValue::from(2.0), JsValue::from(3.0)],
            )
            .unwrap();
        assert_eq!(sum, JsValue::Number(6.5), "{kind}");
        assert_eq!(p.call("add", &[]).unwrap(), JsValue::Number(0.0), "{kind}");

        assert_eq!(p.invoke("greet", b"ada").unwrap(), b"Hello, ADA!", "{kind}");
        assert_eq!(
            log.borrow().last().map(String::as_str),
            Some("greeted ada"),
            "{kind}"
        );

        let counter = p.call("makeCounter", &[]).unwrap();
        let JsValue::Object(methods) = &counter else {
            panic!("{kind}: {counter:?}")
        };
        let next = &methods.iter().find(|(k, _)| k == "next").expect("next").1;
        assert_eq!(
            p.call_function(next, &[]).unwrap(),
            JsValue::Number(1.0),
            "{kind}"
        );
        assert_eq!(
            p.call_function(next, &[]).unwrap(),
            JsValue::Number(2.0),
            "{kind}"
        );

        assert!(
            matches!(p.invoke("missing", b""), Err(Error::UnknownOperation { operation, .. }) if operation == "missing"),
            "{kind}"
        );
        assert!(
            matches!(p.call("nope", &[]), Err(Error::NotFound(_))),
            "{kind}"
        );
        assert!(
            matches!(p.call("myHost", &[]), Err(Error::NotAFunction(_))),
            "{kind}"
        );
        // Go finalizes the references it drops (at its next GC) and the host frees their
        // table entries: nothing leaks across round trips.
        for i in 0..5000 {
            p.call("add", &[JsValue::from(i as f64)]).unwrap();
            p.invoke("greet", b"x").unwrap();
        }
        let grown = p.live_references();
        p.call("collect", &[]).unwrap();
        p.call("collect", &[]).unwrap();
        let after = p.live_references();
        assert!(
            grown > 50_000,
            "{kind}: each round trip hands Go references ({grown})"
        );
        assert!(
            after < 200,
            "{kind}: after a GC, Go released them ({grown} -> {after})"
        );
    }
}

#[test]
fn host_call_errors_reach_the_guest_as_guest_errors() {
    let runtime = Runtime::new(EngineKind::Wasmtime).unwrap();
    let module = runtime.compile(plugin_wasm()).unwrap();
    let config = Config::new()
        .stdout(std::io::sink())
        .global(
            "myHost",
            JsValue::object([("log", JsValue::function(|_, _| Ok(JsValue::Undefined)))]),
        )
        .host_call(|_, _, _, _| Err("directory offline".into()));
    let mut p = runtime.instantiate(&module, config).unwrap();
    p.run().unwrap();
    match p.invoke("greet", b"ada") {
        Err(Error::GuestError(msg)) => assert!(msg.contains("directory offline"), "{msg}"),
        other => panic!("expected a guest error, got {other:?}"),
    }
}

#[test]
fn a_guest_without_its_host_object_fails_cleanly() {
    // main calls myHost.log, which is missing: Go panics, exits 2, and the host sees an exit.
    let runtime = Runtime::new(EngineKind::Wasmtime).unwrap();
    let module = runtime.compile(plugin_wasm()).unwrap();
    let mut p = runtime
        .instantiate(
            &module,
            Config::new()
                .stdout(std::io::sink())
                .stderr(std::io::sink()),
        )
        .unwrap();
    assert_eq!(p.run().unwrap(), wasmexec::Status::Exited(2));
    assert!(matches!(p.call("add", &[]), Err(Error::Exited(2))));
}

#[test]
fn malformed_and_foreign_modules_are_errors() {
    let runtime = Runtime::new(EngineKind::Wasmtime).unwrap();
    assert!(matches!(
        runtime.compile(b"not wasm"),
        Err(Error::InvalidModule(_))
    ));
    assert!(matches!(
        runtime.compile(b"\0asm\x01\0\0\0\x01\xff"),
        Err(Error::InvalidModule(_))
    ));
    assert!(matches!(
        runtime.compile(b"\0asm\x01\0\0\0"),
        Err(Error::NotGoProgram(_))
    ));
}

#[test]
fn a_panicking_host_function_stops_the_guest_not_the_host() {
    for kind in EngineKind::available() {
        let runtime = Runtime::new(kind).unwrap();
        let module = runtime.compile(plugin_wasm()).unwrap();
        let config = Config::new().stdout(std::io::sink()).global(
            "myHost",
            JsValue::object([("log", JsValue::function(|_, _| panic!("embedder bug")))]),
        );
        let mut p = runtime.instantiate(&module, config).unwrap();
        match p.run() {
            Err(Error::Aborted(wasmexec::Abort::Trap(msg))) => {
                assert!(
                    msg.contains("host panic") && msg.contains("embedder bug"),
                    "{kind}: {msg}"
                )
            }
            other => panic!("{kind}: expected a trap, got {other:?}"),
        }
        // The instance is dead, and says so, without panicking.
        assert!(
            matches!(p.call("add", &[]), Err(Error::Aborted(_))),
            "{kind}"
        );
    }
}

#[test]
fn a_host_function_called_directly_that_panics_traps_too() {
    for kind in EngineKind::available() {
        let runtime = Runtime::new(kind).unwrap();
        let module = runtime.compile(plugin_wasm()).unwrap();
        let config = Config::new()
            .stdout(std::io::sink())
            .global(
                "myHost",
                JsValue::object([("log", JsValue::function(|_, _| Ok(JsValue::Undefined)))]),
            )
            .global("boom", JsValue::function(|_, _| panic!("called directly")));
        let mut p = runtime.instantiate(&module, config).unwrap();
        p.run().unwrap();
        match p.call("boom", &[]) {
            Err(Error::Aborted(wasmexec::Abort::Trap(msg))) => {
                assert!(msg.contains("called directly"), "{kind}: {msg}")
            }
            other => panic!("{kind}: expected a trap, got {other:?}"),
        }
        assert!(
            matches!(p.call("add", &[]), Err(Error::Aborted(_))),
            "{kind}"
        );
    }
}

#[test]
fn auto_tier_starts_on_baseline_code_then_caches_optimized_code() {
    use wasmexec::{Settings, Tier};
    let auto = Settings {
        tier: Tier::Auto,
        ..Settings::default()
    };
    for kind in [EngineKind::Wasmtime, EngineKind::Wasmer] {
        if !kind.is_available() {
            continue;
        }
        let dir =
            std::env::temp_dir().join(format!("wasmexec-tiers-{kind}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let runtime = Runtime::with_settings(kind, auto.clone())
            .unwrap()
            .cache_dir(&dir);
        let first = runtime.compile(plugin_wasm()).unwrap();
        assert!(
            !first.is_optimized(),
            "{kind}: a first compile is baseline code"
        );
        // Baseline code runs the guest as optimized code would.
        let log = JsValue::function(|_, _| Ok(JsValue::Undefined));
        let config = Config::new()
            .stdout(std::io::sink())
            .global("myHost", JsValue::object([("log", log)]));
        let mut guest = runtime.instantiate(&first, config).unwrap();
        guest.run().unwrap();
        assert_eq!(
            guest
                .call("add", &[JsValue::from(2.0), JsValue::from(3.5)])
                .unwrap(),
            JsValue::Number(5.5)
        );
        // The optimizing compiler finishes in the background; later compiles get its code.
        // (A liveness bound, not a timing assertion.)
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
        while !runtime.compile(plugin_wasm()).unwrap().is_optimized() {
            assert!(
                std::time::Instant::now() < deadline,
                "{kind}: never optimized"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        // A later run (a new runtime on the same cache) starts from optimized code, and the
        // optimized entry replaced the baseline one.
        let later = Runtime::with_settings(kind, auto.clone())
            .unwrap()
            .cache_dir(&dir);
        assert!(
            later.compile(plugin_wasm()).unwrap().is_optimized(),
            "{kind}"
        );
        let entries = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "bin"))
            })
            .count();
        assert_eq!(entries, 1, "{kind}: one entry, the optimized one");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
