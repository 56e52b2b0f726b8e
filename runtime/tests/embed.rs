//! The embedding API against a real Go plugin (go-guests/plugin, the guest of
//! examples/embed.rs) on every engine compiled in: host objects, calls, waPC with host calls,
//! and errors as values.

mod common;

use std::sync::OnceLock;
use std::sync::{Arc, Mutex};

use wasmexec::{Config, EngineKind, Error, JsValue, Runtime};

fn plugin_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| common::go_guest("plugin"))
}

/// The `myHost` object the plugin expects: `log` appends to `log`.
fn host_object(log: Arc<Mutex<Vec<String>>>) -> JsValue {
    JsValue::object([(
        "log",
        JsValue::function(move |_, args| {
            log.lock().unwrap().push(
                args.first()
                    .and_then(JsValue::as_str)
                    .unwrap_or("")
                    .to_string(),
            );
            Ok(JsValue::Undefined)
        }),
    )])
}

fn with_plugin(kind: EngineKind, log: Arc<Mutex<Vec<String>>>) -> wasmexec::Instance {
    let runtime = Runtime::new(kind).unwrap();
    let module = runtime.compile(plugin_wasm()).unwrap();
    let config = Config::new()
        .args(["plugin"])
        .stdout(std::io::sink())
        .global("myHost", host_object(log))
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
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut p = with_plugin(kind, log.clone());
        assert_eq!(p.run().unwrap(), wasmexec::Status::Idle, "{kind}");
        assert_eq!(
            log.lock().unwrap().as_slice(),
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
            log.lock().unwrap().last().map(String::as_str),
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
            Err(Error::Trap(msg)) => {
                assert!(
                    msg.contains("host panic") && msg.contains("embedder bug"),
                    "{kind}: {msg}"
                )
            }
            other => panic!("{kind}: expected a trap, got {other:?}"),
        }
        // The instance is dead, and says so, without panicking.
        assert!(matches!(p.call("add", &[]), Err(Error::Trap(_))), "{kind}");
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
            Err(Error::Trap(msg)) => {
                assert!(msg.contains("called directly"), "{kind}: {msg}")
            }
            other => panic!("{kind}: expected a trap, got {other:?}"),
        }
        assert!(matches!(p.call("add", &[]), Err(Error::Trap(_))), "{kind}");
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
        adds_numbers(&runtime, &first);
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
        assert_eq!(
            cache_entries(&dir),
            1,
            "{kind}: one entry, the optimized one"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_new_build_of_a_named_program_runs_on_the_functions_its_last_build_compiled() {
    use wasmexec::{Settings, Tier};
    let optimized = Settings {
        tier: Tier::Optimized,
        ..Settings::default()
    };
    // The next build: the same code under another hash (a custom section appended), so its
    // compile finds every function in what the last build's compile saved.
    let mut next = plugin_wasm().to_vec();
    next.extend_from_slice(&[0, 5, 4, b'n', b'e', b'x', b't']);
    for kind in [EngineKind::Wasmtime, EngineKind::Wasmer] {
        if !kind.is_available() {
            continue;
        }
        let dir =
            std::env::temp_dir().join(format!("wasmexec-program-{kind}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // Each build in a runtime (a process) of its own, sharing the disk cache.
        let build = |wasm: &[u8]| {
            let runtime = Runtime::with_settings(kind, optimized.clone())
                .unwrap()
                .cache_dir(&dir);
            let module = runtime.compile_program(wasm, "plugin").unwrap();
            adds_numbers(&runtime, &module);
        };
        build(plugin_wasm());
        // wasmtime keeps the program's functions next to the module; wasmer compiles whole
        // modules only.
        let program_entries = usize::from(kind == EngineKind::Wasmtime);
        assert_eq!(cache_entries(&dir), 1 + program_entries, "{kind}");
        build(&next);
        assert_eq!(
            cache_entries(&dir),
            2 + program_entries,
            "{kind}: two modules, the program's functions replaced"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Runs the plugin's `main` on `module`, then checks its exported `add`.
fn adds_numbers(runtime: &Runtime, module: &wasmexec::Module) {
    let config = Config::new()
        .stdout(std::io::sink())
        .global("myHost", host_object(Arc::default()));
    let mut guest = runtime.instantiate(module, config).unwrap();
    guest.run().unwrap();
    assert_eq!(
        guest
            .call("add", &[JsValue::from(2.0), JsValue::from(3.5)])
            .unwrap(),
        JsValue::Number(5.5)
    );
}

/// The `.bin` entries of a cache directory.
fn cache_entries(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "bin"))
        })
        .count()
    })
}

#[test]
fn an_optimized_compile_cut_short_is_resumed_by_the_next_process() {
    use std::time::{Duration, Instant};
    use wasmexec::{Settings, Tier};
    let kind = EngineKind::Wasmtime;
    if !kind.is_available() {
        return;
    }
    let auto = Settings {
        tier: Tier::Auto,
        ..Settings::default()
    };
    let dir = std::env::temp_dir().join(format!("wasmexec-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // A process that ends while Cranelift compiles: what it made so far is saved next to
    // the baseline entry. (Liveness bounds below, not timing assertions.)
    let first = Runtime::with_settings(kind, auto.clone())
        .unwrap()
        .cache_dir(&dir);
    assert!(!first.compile(plugin_wasm()).unwrap().is_optimized());
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        first.save_unfinished_compiles();
        if cache_entries(&dir) == 2 {
            break;
        }
        assert!(
            !first.compile(plugin_wasm()).unwrap().is_optimized(),
            "the compile ended before any of it was saved"
        );
        assert!(Instant::now() < deadline, "nothing to save");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The next process resumes it: its optimized code runs the guest, and the saved
    // functions are gone with the baseline entry once the optimized one is written.
    let next = Runtime::with_settings(kind, auto).unwrap().cache_dir(&dir);
    let mut module = next.compile(plugin_wasm()).unwrap();
    while !module.is_optimized() {
        assert!(Instant::now() < deadline, "never optimized");
        std::thread::sleep(Duration::from_millis(20));
        module = next.compile(plugin_wasm()).unwrap();
    }
    adds_numbers(&next, &module);
    assert_eq!(cache_entries(&dir), 1, "only the optimized entry is left");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn quiet_plugin(kind: EngineKind) -> wasmexec::Instance {
    with_plugin(kind, Arc::new(Mutex::new(Vec::new())))
}

#[test]
fn instances_move_across_threads_on_every_engine() {
    for kind in EngineKind::available() {
        let mut p = quiet_plugin(kind);
        p.run().unwrap();
        // Made here, called on another thread, then back here.
        let mut p = std::thread::spawn(move || {
            assert_eq!(p.call("add", &[2.into(), 3.into()]).unwrap(), 5.0.into());
            p
        })
        .join()
        .unwrap();
        assert_eq!(p.call("add", &[1.into()]).unwrap(), 1.0.into(), "{kind}");
    }
}

#[test]
fn a_pool_of_instances_serves_calls_from_two_threads() {
    for kind in EngineKind::available() {
        let runtime = Runtime::new(kind).unwrap();
        let module = runtime.compile(plugin_wasm()).unwrap();
        let make = || {
            let config = Config::new().stdout(std::io::sink()).global(
                "myHost",
                JsValue::object([("log", JsValue::function(|_, _| Ok(JsValue::Undefined)))]),
            );
            let mut p = runtime.instantiate(&module, config).unwrap();
            p.run().unwrap();
            p
        };
        let pool = Mutex::new(vec![make(), make()]);
        std::thread::scope(|s| {
            for t in 0..2 {
                let pool = &pool;
                s.spawn(move || {
                    for i in 0..50 {
                        let mut p = pool
                            .lock()
                            .unwrap()
                            .pop()
                            .expect("two instances, two threads");
                        let sum = p.call("add", &[JsValue::from(t), JsValue::from(i)]);
                        pool.lock().unwrap().push(p);
                        assert_eq!(sum.unwrap(), JsValue::Number((t + i) as f64), "{kind}");
                    }
                });
            }
        });
    }
}

#[test]
fn handles_keep_identity_and_this_and_are_released() {
    for kind in EngineKind::available() {
        let mut p = quiet_plugin(kind);
        p.run().unwrap();
        let baseline = (p.live_handles(), p.live_references());
        // A plain object comes back as data...
        let copy = p.call("openAccount", &["alice".into()]).unwrap();
        assert!(matches!(copy, JsValue::Object(_)), "{kind}: {copy:?}");
        // ...and as a handle on request, the same one each time.
        let alice = p.handle("accounts.alice").unwrap();
        assert_eq!(alice, p.handle("accounts.alice").unwrap(), "{kind}");
        assert_ne!(alice, p.handle("accounts").unwrap(), "{kind}");
        // Methods run with the object as `this`.
        assert_eq!(
            p.call_method(&alice, "deposit", &[5.into()]).unwrap(),
            5.0.into()
        );
        assert_eq!(
            p.call_method(&alice, "deposit", &[7.into()]).unwrap(),
            12.0.into()
        );
        assert_eq!(p.get(&alice, "balance").unwrap(), 12.0.into(), "{kind}");
        p.set(&alice, "owner", &"Alice".into()).unwrap();
        assert_eq!(p.get(&alice, "owner").unwrap(), "Alice".into(), "{kind}");
        assert_eq!(
            p.keys(&alice).unwrap(),
            ["owner", "balance", "deposit"],
            "{kind}"
        );
        // Handed back to the guest, it is the same object.
        let accounts = p.handle("accounts").unwrap();
        let again = p.handle_at(&accounts, "alice").unwrap();
        let same = p.call(
            "same",
            &[JsValue::Handle(alice.clone()), JsValue::Handle(again)],
        );
        assert_eq!(same.unwrap(), true.into(), "{kind}");
        // A handle of another instance is refused.
        let mut other = quiet_plugin(kind);
        other.run().unwrap();
        assert!(
            matches!(other.get(&alice, "owner"), Err(Error::ForeignHandle)),
            "{kind}"
        );
        // Dropped handles are released: the tables return to their baseline (the guest's
        // collection may free more than the run made).
        drop((alice, accounts, copy));
        p.call("collect", &[]).unwrap();
        assert_eq!(p.live_handles(), baseline.0, "{kind}");
        assert!(p.live_references() <= baseline.1, "{kind}");
    }
}

#[test]
fn promises_returned_by_async_go_functions_are_awaited() {
    for kind in EngineKind::available() {
        let mut p = quiet_plugin(kind);
        p.run().unwrap();
        assert_eq!(
            p.call_await("asyncSquare", &[7.into()]).unwrap(),
            49.0.into(),
            "{kind}"
        );
        match p.call_await("asyncSquare", &[(-2).into()]) {
            Err(Error::Rejected(JsValue::Error(m))) => assert_eq!(m, "negative input"),
            other => panic!("{kind}: expected a rejection, got {other:?}"),
        }
        // A Promise is a handle; awaiting it later gives its value.
        let promise = p.call("asyncSquare", &[9.into()]).unwrap();
        assert!(matches!(promise, JsValue::Handle(_)), "{kind}: {promise:?}");
        assert_eq!(p.await_promise(&promise).unwrap(), 81.0.into(), "{kind}");
    }
}

#[test]
fn errors_keep_their_sources() {
    use std::error::Error as _;
    let runtime = Runtime::new(EngineKind::available()[0]).unwrap();
    let module = runtime.compile(plugin_wasm()).unwrap();
    let config = Config::new().mount("/nonexistent/wasmexec-test", "/data", true);
    match runtime.instantiate(&module, config) {
        Err(e @ Error::Io(_)) => assert!(e.source().is_some(), "{e}"),
        Err(e) => panic!("expected an I/O error, got {e:?}"),
        Ok(_) => panic!("mounting a missing directory must fail"),
    }
}

#[test]
fn a_first_run_on_the_interpreter_moves_to_compiled_code_with_its_state() {
    use wasmexec::{Settings, Tier};
    if !EngineKind::Wasmi.is_available() {
        return;
    }
    for kind in [EngineKind::Wasmtime, EngineKind::Wasmer] {
        if !kind.is_available() {
            continue;
        }
        // The move happens whenever the code is ready.
        let settings = Settings {
            tier: Tier::Auto,
            interpreter_threshold: Some(0),
            ..Settings::default()
        };
        let runtime = Runtime::with_settings(kind, settings).unwrap();
        let module = runtime.compile(plugin_wasm()).unwrap();
        assert!(module.is_interpreted(), "{kind}: starts on the interpreter");
        let log = Arc::new(Mutex::new(Vec::new()));
        let config = Config::new()
            .stdout(std::io::sink())
            .global("myHost", host_object(log.clone()));
        let mut guest = runtime.instantiate(&module, config).unwrap();
        assert!(guest.is_interpreted(), "{kind}");
        guest.run().unwrap();
        // State made on the interpreter: a counter closure over a Go variable.
        let counter = guest.call("makeCounter", &[]).unwrap();
        let JsValue::Object(methods) = &counter else {
            panic!("{kind}: {counter:?}")
        };
        let method = methods
            .iter()
            .find(|(k, _)| k == "next")
            .expect("next")
            .1
            .clone();
        let next = |guest: &mut wasmexec::Instance| guest.call_function(&method, &[]).unwrap();
        assert_eq!(next(&mut guest), JsValue::Number(1.0), "{kind}");
        // The compiled code arrives in the background (a liveness bound, not a timing
        // assertion); the next call moves the guest.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
        while runtime.compile(plugin_wasm()).unwrap().is_interpreted() {
            assert!(
                std::time::Instant::now() < deadline,
                "{kind}: never compiled"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(
            next(&mut guest),
            JsValue::Number(2.0),
            "{kind}: the count moved"
        );
        assert!(!guest.is_interpreted(), "{kind}: moved to compiled code");
        assert_eq!(next(&mut guest), JsValue::Number(3.0), "{kind}");
        assert_eq!(
            guest
                .call("add", &[JsValue::from(2.0), JsValue::from(3.5)])
                .unwrap(),
            JsValue::Number(5.5)
        );
        assert_eq!(
            log.lock().unwrap().as_slice(),
            ["plugin starting"],
            "{kind}: main ran once, on the interpreter"
        );
        // A later instance of the same module starts on the compiled code.
        let module = runtime.compile(plugin_wasm()).unwrap();
        let config = Config::new()
            .stdout(std::io::sink())
            .global("myHost", host_object(Arc::new(Mutex::new(Vec::new()))));
        let later = runtime.instantiate(&module, config).unwrap();
        assert!(!later.is_interpreted(), "{kind}");
    }
}

#[test]
fn a_guest_computing_on_the_interpreter_is_stopped_and_moved() {
    use wasmexec::{Settings, Tier};
    if !EngineKind::Wasmi.is_available() {
        return;
    }
    static BENCH: OnceLock<Vec<u8>> = OnceLock::new();
    let wasm = BENCH.get_or_init(|| common::go_guest("bench"));
    // SHA-256 over 64 MiB, with no event on the way: the guest only moves if the
    // interpreter stops it at a goroutine switch.
    let run = |kind: EngineKind, settings: Settings| {
        let runtime = Runtime::with_settings(kind, settings).unwrap();
        let module = runtime.compile(wasm).unwrap();
        let out = Arc::new(Mutex::new(Vec::new()));
        let config = Config::new()
            .args(["bench", "cpu"])
            .stdout(common::SharedBuf(out.clone()));
        let mut guest = runtime.instantiate(&module, config).unwrap();
        assert_eq!(guest.run_to_exit().unwrap(), 0);
        let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
        let sum = text
            .lines()
            .find(|l| l.starts_with("sum "))
            .unwrap()
            .to_string();
        (module.is_interpreted(), guest.tier_ups(), sum)
    };
    let compiled = run(
        EngineKind::Wasmtime,
        Settings {
            tier: Tier::Baseline,
            ..Settings::default()
        },
    );
    assert_eq!((compiled.0, compiled.1), (false, 0), "baseline code only");
    // From the interpreter to baseline code and on to optimized code: two moves, or one
    // when the guest starts on baseline code. wasmer moves from its baseline code between
    // events only, and this guest has none.
    let cases = [
        (EngineKind::Wasmtime, Some(0), 2),
        (EngineKind::Wasmtime, None, 1),
        (EngineKind::Wasmer, Some(0), 1),
    ];
    for (kind, threshold, moves) in cases {
        if !kind.is_available() {
            continue;
        }
        let tiered = run(
            kind,
            Settings {
                tier: Tier::Auto,
                interpreter_threshold: threshold,
                tier_up_wait: true,
                ..Settings::default()
            },
        );
        let what = format!("{kind}, threshold {threshold:?}");
        assert_eq!(tiered.0, threshold.is_some(), "{what}: the first code");
        assert_eq!(tiered.1, moves, "{what}: moves while computing");
        assert_eq!(tiered.2, compiled.2, "{what}: the same hash");
    }
}
