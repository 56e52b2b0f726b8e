//! The CLI end to end: Go programs run like under Node's runner, and bad input gets a one-line
//! error and a non-zero exit, never a panic.

use std::path::PathBuf;
use std::process::{Command, Output};

fn wasmexec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmexec"))
        .args(["--no-cache"])
        .args(args)
        .env_remove("WASMEXEC_ENGINE")
        .output()
        .expect("run wasmexec")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmexec-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Builds a guest package once per test binary.
fn guest(name: &str) -> PathBuf {
    let out = tmp(&format!("{name}.wasm"));
    if !out.exists() {
        let status = Command::new("go")
            .args(["build", "-trimpath", "-buildvcs=false", "-o"])
            .arg(&out)
            .arg(format!("./{name}"))
            .current_dir(repo().join("go-guests"))
            .env("GOOS", "js")
            .env("GOARCH", "wasm")
            .status()
            .expect("go on PATH");
        assert!(status.success());
    }
    out
}

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success(), "must fail");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.starts_with("wasmexec: "), "error line: {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked"), "no Rust panic: {err:?}");
    err
}

#[test]
fn runs_a_package_directory_and_passes_args_and_env() {
    let out = wasmexec(&[
        "--env",
        "GREETING=hi",
        "--env",
        "EMPTY=",
        repo().join("go-guests/args_env").to_str().unwrap(),
        "one",
        "-test.v",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("one") && stdout.contains("-test.v"),
        "{stdout}"
    );
    assert!(stdout.contains("hi"), "{stdout}");
}

#[test]
fn exit_status_is_the_guests() {
    let out = wasmexec(&[guest("exit_code").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let out = wasmexec(&[guest("panic").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("panic: "));
    let out = wasmexec(&[guest("deadlock").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("all goroutines are asleep - deadlock!"));
}

#[test]
fn steps_print_json_lines() {
    let out = wasmexec(&[
        "--invoke",
        "shout=hello",
        "--host-call",
        "b/n/upper=got {payload}",
        guest("wapc_host_call").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("{\"invoke\":\"shout\""), "{stdout}");
}

#[test]
fn a_file_that_is_not_wasm_is_refused() {
    let p = tmp("not.wasm");
    std::fs::write(&p, "hello, I am text").unwrap();
    let err = one_line_error(&wasmexec(&[p.to_str().unwrap()]));
    assert!(err.contains("not a valid WebAssembly module"), "{err}");
}

#[test]
fn a_wasm_module_that_is_not_a_go_program_is_refused() {
    let p = tmp("empty.wasm");
    std::fs::write(&p, b"\0asm\x01\0\0\0").unwrap();
    let err = one_line_error(&wasmexec(&[p.to_str().unwrap()]));
    assert!(
        err.contains("not a Go GOOS=js GOARCH=wasm program"),
        "{err}"
    );
}

#[test]
fn a_guest_importing_an_unknown_gojs_function_is_refused_by_name() {
    let mut wasm = std::fs::read(guest("hello")).unwrap();
    let from = b"runtime.wasmWrite";
    let at = wasm
        .windows(from.len())
        .position(|w| w == from)
        .expect("hello imports wasmWrite");
    wasm[at..at + from.len()].copy_from_slice(b"runtime.wasmWrote");
    let p = tmp("unknown-import.wasm");
    std::fs::write(&p, wasm).unwrap();
    let err = one_line_error(&wasmexec(&[p.to_str().unwrap()]));
    assert!(err.contains("gojs::runtime.wasmWrote"), "{err}");
}

#[test]
fn a_missing_file_and_a_bad_option_are_errors() {
    one_line_error(&wasmexec(&["/nonexistent/x.wasm"]));
    let out = wasmexec(&["--engine", "v8", "x.wasm"]);
    assert!(!out.status.success());
}

#[test]
fn timeout_stops_a_guest_that_spins_on_every_engine() {
    for engine in ["wasmtime", "wasmer", "wasmi"] {
        let out = wasmexec(&[
            "--engine",
            engine,
            "--timeout",
            "300ms",
            guest("busy_loop").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(124), "{engine}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("wasmexec: timeout: guest interrupted"),
            "{engine}: {err}"
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "spinning\n",
            "{engine}"
        );
    }
}

/// Every engine compiled into the CLI.
const ENGINES: [&str; 3] = ["wasmtime", "wasmer", "wasmi"];

#[test]
fn steps_after_the_guest_exited_say_so_and_fail() {
    // Shaped like the seed project's waPC example: main returns after registering.
    let wasm = guest("wapc_main_returns");
    for engine in ENGINES {
        let out = wasmexec(&[
            "--engine",
            engine,
            "--host-call",
            "myBinding/sample/hello=Hi {payload}",
            "--invoke",
            "hello=World",
            "--call",
            "__guest_call=x",
            wasm.to_str().unwrap(),
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines,
            [
                "registered; main returns",
                r#"{"invoke":"hello","error":"the guest has exited (status 0)"}"#,
                r#"{"call":"__guest_call","error":"the guest has exited (status 0)"}"#,
            ],
            "{engine}"
        );
        assert_eq!(out.status.code(), Some(1), "{engine}: steps could not run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{engine}: one hint: {stderr}");
        assert!(stderr.contains("select {}"), "{engine}: {stderr}");
    }
}

#[test]
fn wapc_errors_are_the_guests_words() {
    let wasm = guest("wapc_guest_error");
    let unknown = guest("wapc_unknown_op");
    for engine in ENGINES {
        let out = wasmexec(&[
            "--engine",
            engine,
            "--invoke",
            "always_fail=x",
            wasm.to_str().unwrap(),
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(r#"{"invoke":"always_fail","error":"operation failed: ünïcode ✗"}"#),
            "{engine}: {stdout}"
        );
        let out = wasmexec(&[
            "--engine",
            engine,
            "--invoke",
            "nope=x",
            unknown.to_str().unwrap(),
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(r#"{"invoke":"nope","error":"unknown operation \"nope\""}"#),
            "{engine}: {stdout}"
        );
    }
}

#[test]
fn version_names_the_engines() {
    let out = wasmexec(&["--version"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("wasmexec "), "{text}");
    for engine in ENGINES {
        assert!(text.contains(engine), "{engine} in {text}");
    }
}

#[test]
fn usage_errors_exit_2_in_clap_style() {
    for args in [
        &["--no-such-option", "x.wasm"][..],
        &["--engine", "v8", "x.wasm"],
        &["--timeout", "soon", "x.wasm"],
        &["--global", "x={not json", "x.wasm"],
        &[],
    ] {
        let out = wasmexec(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("error:") || err.contains("Usage:"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn globals_from_the_command_line_exist_before_main() {
    // A library-style guest: it sets its functions on an object the host created first.
    let wasm = guest("cli_globals");
    let out = wasmexec(&[
        "--global",
        r#"config={"name":"cli","sizes":[1,2,3],"nested":{"on":true}}"#,
        "--global",
        r#"mylib={"version":"1.2"}"#,
        "--call",
        "mylib.greet=ada",
        wasm.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "config: {\"name\":\"cli\",\"sizes\":[1,2,3],\"nested\":{\"on\":true}}\n\
         {\"call\":\"mylib.greet\",\"result\":\"hello, ada (version 1.2)\"}\n"
    );
}

#[test]
fn go_test_exec_runs_a_package_with_testdata() {
    let exec = format!("{} --go-test", env!("CARGO_BIN_EXE_wasmexec"));
    let out = Command::new("go")
        .args(["test", "-count=1", "-exec", &exec, "./gotest_pkg"])
        .current_dir(repo().join("go-guests"))
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .env_remove("WASMEXEC_ENGINE")
        .output()
        .expect("go on PATH");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("ok "), "{text}");
}

#[test]
fn a_package_that_is_not_main_is_named() {
    let dir = tmp("notmain");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/foo\n\ngo 1.21\n").unwrap();
    std::fs::write(
        dir.join("foo.go"),
        "package foo\n\nfunc F() int { return 1 }\n",
    )
    .unwrap();
    let cache = tmp("notmain-cache");
    let out = Command::new(env!("CARGO_BIN_EXE_wasmexec"))
        .arg(&dir)
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .expect("run wasmexec");
    let err = one_line_error(&out);
    assert!(
        err.contains("notmain is package foo, not a main package"),
        "{err}"
    );
    assert!(!err.contains("WebAssembly"), "{err}");
}

#[test]
fn a_missing_tmpdir_with_a_mount_is_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmexec"))
        .args(["--no-cache", "--mount"])
        .arg(repo().join("go-guests"))
        .arg(guest("hello"))
        .env("TMPDIR", "/nonexistent/tmpdir")
        .output()
        .expect("run wasmexec");
    let err = one_line_error(&out);
    assert!(
        err.contains("/nonexistent/tmpdir") && err.contains("TMPDIR"),
        "{err}"
    );
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    // The error line cannot be written: the exit status stays the error's, not a panic's.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_wasmexec"))
        .args(["--no-cache", "/nonexistent/x.wasm"])
        .stderr(writer)
        .status()
        .expect("run wasmexec");
    assert_eq!(status.code(), Some(1));
}

/// Processes (other than zombies) whose environment holds `needle`: pid, name and whether
/// it compiles package `runtime` (`compile ... -p runtime ...`: seconds of work).
fn processes_with_env(needle: &str) -> Vec<(u32, String, bool)> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(env) = std::fs::read(e.path().join("environ")) else {
            continue;
        };
        if env.split(|b| *b == 0).any(|v| v == needle.as_bytes()) {
            let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            let compiles = cmdline.windows(12).any(|w| w == b"\0-p\0runtime\0");
            found.push((pid, comm.trim().to_string(), compiles));
        }
    }
    found
}

#[test]
fn sigterm_during_a_package_build_stops_the_whole_build() {
    // A Go build cache of its own makes the build slow enough (the runtime compiles from
    // scratch) to be caught in the middle.
    let gocache = tmp("sigterm-gocache");
    let marker = format!("GOCACHE={}", gocache.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmexec"))
        .arg(repo().join("go-guests/hello"))
        .env("GOCACHE", &gocache)
        .env("XDG_CACHE_HOME", tmp("sigterm-cache"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run wasmexec");
    let start = std::time::Instant::now();
    // Wait until the build compiles the runtime (a child of `go`, which goes on by itself
    // when only `go` is stopped).
    loop {
        let procs = processes_with_env(&marker);
        if procs.iter().any(|(_, name, p)| *p && name == "compile") {
            break;
        }
        assert!(
            start.elapsed().as_secs() < 60,
            "the build never started: {procs:?}"
        );
        assert!(child.try_wait().unwrap().is_none(), "wasmexec ended early");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    // Stopped, a compiler ends at once; orphaned, it would finish its package first.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    let mut left = processes_with_env(&marker);
    while !left.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        left = processes_with_env(&marker);
    }
    let _ = Command::new("go")
        .args(["clean", "-cache"])
        .env("GOCACHE", &gocache)
        .status();
    let _ = std::fs::remove_dir_all(&gocache);
    assert!(
        left.is_empty(),
        "processes of the build outlived it: {left:?}"
    );
}

#[test]
fn a_cpu_bound_first_run_leaves_optimized_code_or_what_was_made_of_it() {
    let bench = guest("bench");
    let cache = tmp("resume-cache");
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_wasmexec"))
            .args(["--engine", "wasmtime"])
            .arg(&bench)
            .arg("cpu")
            .env("XDG_CACHE_HOME", &cache)
            .output()
            .expect("run wasmexec");
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let sum = stdout.lines().find(|l| l.starts_with("sum "));
        sum.expect("the checksum line").to_string()
    };
    let first = run();
    // The process ended with the background compile: either Cranelift finished in time or
    // what it made was saved for the next run (not the baseline code alone).
    let headers: Vec<String> = std::fs::read_dir(cache.join("wasmexec/modules"))
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .filter_map(|p| std::fs::read(p).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned())
        .collect();
    assert!(
        headers.iter().any(|h| h.contains("-Optimized-")),
        "no optimized code nor unfinished functions: {headers:?}"
    );
    // Runs on the resumed compile's code compute the same.
    assert_eq!(run(), first);
    assert_eq!(run(), first);
}
