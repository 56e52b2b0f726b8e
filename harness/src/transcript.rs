//! Transcripts: what one run of a fixture did (exit status, output, step results, waPC
//! exchanges), produced by our runtime or by the Node reference, rendered to one comparable
//! text.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context as _, Result};
use serde_json::{json, Value as Json};
use wasmexec::{Config, Error, Exchange, JsValue, Status};

use crate::encoding::{bytes_json, value_json};
use crate::engines::EngineConfig;
use crate::mounts::fs_root;
use crate::releases::GoRelease;
use crate::spec::{arg_value, Spec};

/// A guest's output stream, kept in memory for the transcript.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    /// What was written, as lossy UTF-8.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

fn error_json(e: &Error) -> Json {
    match e {
        Error::NotFound(_) => json!({"kind": "not_found"}),
        Error::NotAFunction(_) => json!({"kind": "not_a_function"}),
        Error::Exited(code) => json!({"kind": "exited", "code": code}),
        Error::Thrown(v) => json!({"kind": "thrown", "value": value_json(v)}),
        Error::UnknownOperation { message: None, .. } => json!({"kind": "unknown_operation"}),
        Error::UnknownOperation {
            message: Some(m), ..
        } => json!({"kind": "unknown_operation", "message": m}),
        Error::GuestError(m) => json!({"kind": "guest_error", "message": m}),
        Error::NoAnswer(_) => json!({"kind": "no_answer"}),
        other => json!({"kind": "host", "message": other.to_string()}),
    }
}

fn exchange_json(e: &Exchange) -> Json {
    match e {
        Exchange::Invoke { operation, payload } => {
            json!({"invoke": operation, "payload": bytes_json(payload)})
        }
        Exchange::HostCall {
            binding,
            namespace,
            operation,
            payload,
            result,
        } => {
            let mut o = json!({"host_call": [binding, namespace, operation], "payload": bytes_json(payload)});
            match result {
                Ok(r) => o["response"] = bytes_json(r),
                Err(m) => o["error"] = json!(m),
            }
            o
        }
        Exchange::GuestResponse(b) => json!({"guest_response": bytes_json(b)}),
        Exchange::GuestError(m) => json!({"guest_error": m}),
    }
}

/// The host object fixtures use (`harness.echo`, `harness.fail`, `harness.apply`), made with
/// the embedding API exactly as an embedder would.
pub fn harness_object() -> JsValue {
    JsValue::object([
        (
            "echo",
            JsValue::function(|_, args| Ok(args.into_iter().next().unwrap_or_default())),
        ),
        (
            "fail",
            JsValue::function(|_, args| {
                let msg = match args.into_iter().next() {
                    Some(JsValue::String(s)) => s.to_string(),
                    Some(JsValue::Undefined) | None => String::new(),
                    Some(other) => format!("{other:?}"),
                };
                Err(JsValue::Error(msg))
            }),
        ),
        (
            "apply",
            JsValue::function(|cx, mut args| {
                if args.is_empty() {
                    return Err(JsValue::Error("apply: missing function".into()));
                }
                let f = args.remove(0);
                match cx.call(&f, args) {
                    Ok(v) => Ok(v),
                    Err(Error::Thrown(v)) => Err(v),
                    Err(other) => Err(JsValue::Error(other.to_string())),
                }
            }),
        ),
    ])
}

/// Runs a fixture, as built by `release`, on our runtime and returns its transcript.
pub fn run_engine(
    engine: EngineConfig,
    release: &GoRelease,
    name: &str,
    spec: &Spec,
    wasm: &[u8],
) -> Result<Json> {
    let runtime = engine.runtime();
    // One directory per configuration and release: the same fixture built by two releases
    // runs on one configuration at the same time (as the releases' Node references do).
    let runner = format!("{}-{}", engine.name(), release.label());
    let module = runtime.compile(wasm).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (stdout, stderr) = (Capture::default(), Capture::default());
    let mut config = Config::new()
        .args(std::iter::once(format!("{name}.wasm")).chain(spec.args.iter().cloned()))
        .stdin(std::io::Cursor::new(spec.stdin.clone().into_bytes()))
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .global("harness", harness_object())
        .record_wapc(true)
        .time_zone(spec.time_zone())
        .timeout(std::time::Duration::from_secs(120))
        .allow_net(spec.allow_net.iter().cloned());
    for (k, v) in &spec.env {
        config = config.env(k, v);
    }
    if spec.fs {
        let dir = fs_root(name, &runner)?;
        config =
            config
                .env("FSROOT", dir.to_string_lossy())
                .mount(&dir, dir.to_string_lossy(), false);
    }
    if !spec.mounts.is_empty() {
        let p = crate::mounts::prepare(name, &runner, spec)?;
        for (dir, guest, ro) in &p.mounts {
            config = config.mount(dir, guest, *ro);
        }
        config = config
            .env("OUTSIDE", p.outside.to_string_lossy())
            .cwd(spec.cwd.as_deref().unwrap_or("/"));
    }
    let answers = spec.host_calls.clone();
    config = config.host_call(move |b, n, o, payload| {
        match answers
            .iter()
            .find(|h| h.binding == b && h.namespace == n && h.operation == o)
        {
            Some(h) => h.answer(payload),
            None => Err(format!("no host call answer for {b}/{n}/{o}")),
        }
    });
    // Everything the guest does to files happens on this thread, from here on.
    let _unprivileged = if spec.unprivileged {
        Some(crate::mounts::Unprivileged::enter()?)
    } else {
        None
    };
    let mut guest = runtime
        .instantiate(&module, config)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The tiered configuration is there to see guests move: compiled code in the cache
    // (the fixed tiers fill it) must not let it start above the interpreter.
    if engine.moves() && !guest.is_interpreted() {
        anyhow::bail!("{engine}: the guest started on compiled code, not on the interpreter");
    }
    let mut steps = Vec::new();
    let mut trap = None;
    let mut record_trap = |e: &Error| -> bool {
        if e.is_abort() {
            trap = Some(e.to_string());
            true
        } else {
            false
        }
    };
    match guest.run() {
        Err(e) if record_trap(&e) => {}
        Err(e) => bail!("{e}"),
        Ok(Status::Idle) if spec.steps.is_empty() => {
            if let Err(e) = guest.wake_deadlocked() {
                if !record_trap(&e) {
                    bail!("{e}");
                }
            }
        }
        Ok(_) => {
            for step in &spec.steps {
                let entry = if let Some(call) = &step.call {
                    let args: Vec<JsValue> =
                        step.args.iter().map(arg_value).collect::<Result<_>>()?;
                    match guest.call(call, &args) {
                        Ok(v) => {
                            // The reference shows every object by its properties.
                            let v = guest.to_data(&v)?;
                            json!({"call": call, "result": value_json(&v)})
                        }
                        Err(e) if record_trap(&e) => break,
                        Err(Error::Thrown(v)) => {
                            let e = Error::Thrown(guest.to_data(&v)?);
                            json!({"call": call, "error": error_json(&e)})
                        }
                        Err(e) => json!({"call": call, "error": error_json(&e)}),
                    }
                } else {
                    let op = step.invoke.as_deref().unwrap_or_default();
                    let payload = step.payload.clone().unwrap_or_default();
                    match guest.invoke(op, payload.as_bytes()) {
                        Ok(b) => json!({"invoke": op, "result": bytes_json(&b)}),
                        Err(e) if record_trap(&e) => break,
                        Err(e) => json!({"invoke": op, "error": error_json(&e)}),
                    }
                };
                steps.push(entry);
            }
        }
    }
    // Every fixture's guest reaches a point to move at (an event, or the end of its first
    // slice of interpreter fuel) before it ends.
    if engine.moves() && guest.tier_ups() == 0 {
        bail!("{engine}: the guest never moved to compiled code");
    }
    let wapc: Vec<Json> = guest.take_wapc_log().iter().map(exchange_json).collect();
    let mut t = json!({
        "exit_code": guest.exit_code(),
        "stdout": stdout.text(),
        "stderr": stderr.text(),
        "steps": steps,
        "wapc": wapc,
    });
    if let Some(msg) = trap {
        t["trap"] = json!(msg);
    }
    Ok(t)
}

/// Runs a fixture under Node with the Go toolchain's own `wasm_exec.js`.
pub fn run_node(name: &str, spec: &Spec, wasm_path: &Path, release: &GoRelease) -> Result<Json> {
    // One directory per release: releases' references may run at the same time.
    let runner = format!("node-{}", release.label());
    let dir = crate::target_dir()
        .join("conformance")
        .join("specs")
        .join(&runner);
    std::fs::create_dir_all(&dir)?;
    let spec_path = dir.join(format!("{name}.json"));
    let wasm_exec = release.wasm_exec_js()?;
    let mut extra = Vec::new();
    if spec.fs {
        extra.push((
            "FSROOT".to_string(),
            fs_root(name, &runner)?.to_string_lossy().into_owned(),
        ));
    }
    let driver = crate::repo_root().join("scripts/reference.mjs");
    let mut cmd = if spec.mounts.is_empty() {
        std::fs::write(
            &spec_path,
            serde_json::to_vec(&spec.to_json(name, &extra)?)?,
        )?;
        let mut cmd = Command::new("node");
        cmd.arg("--stack-size=8192")
            .arg(driver)
            .arg("--wasm-exec")
            .arg(&wasm_exec)
            .arg("--wasm")
            .arg(wasm_path)
            .arg("--spec")
            .arg(&spec_path);
        cmd
    } else {
        // Inside the sandbox only its own view exists: the driver, wasm_exec.js, the guest
        // and the spec go to a directory it shows at /.reference.
        let prepared = crate::mounts::prepare(name, &runner, spec)?;
        let base = crate::target_dir()
            .join("conformance/sandbox")
            .join(&runner)
            .join(name);
        let (reference, root) = (base.join("reference"), base.join("root"));
        if base.exists() {
            std::fs::remove_dir_all(&base)?;
        }
        std::fs::create_dir_all(&reference)?;
        std::fs::create_dir_all(&root)?;
        extra.push((
            "OUTSIDE".into(),
            prepared.outside.to_string_lossy().into_owned(),
        ));
        let mut json_spec = spec.to_json(name, &extra)?;
        json_spec["cwd"] = json!(spec.cwd.as_deref().unwrap_or("/"));
        std::fs::write(reference.join("spec.json"), serde_json::to_vec(&json_spec)?)?;
        std::fs::copy(&driver, reference.join("reference.mjs"))?;
        std::fs::copy(&wasm_exec, reference.join("wasm_exec.js"))?;
        std::fs::copy(wasm_path, reference.join("guest.wasm"))?;
        let args: Vec<String> = [
            "--stack-size=8192",
            "/.reference/reference.mjs",
            "--wasm-exec",
            "/.reference/wasm_exec.js",
            "--wasm",
            "/.reference/guest.wasm",
            "--spec",
            "/.reference/spec.json",
        ]
        .map(String::from)
        .into();
        crate::mounts::node_command(&prepared, spec, &root, &reference, &args)
    };
    let out = cmd
        .arg("--timeout")
        .arg("300")
        .env("TZ", spec.time_zone())
        .output()
        .context("running node (is Node on PATH?)")?;
    if !out.status.success() {
        bail!(
            "reference driver failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_slice(&out.stdout).context("reference transcript is not JSON")
}

/// Canonical JSON: object keys sorted (Go inserts map keys in random order), numbers printed
/// one way whatever produced them.
fn canonical(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9.007199254740992e15 {
                let _ = write!(out, "{}", f as i64);
            } else {
                let _ = write!(out, "{f:e}");
            }
        }
        Json::String(s) => out.push_str(&serde_json::to_string(s).expect("strings serialise")),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).expect("strings serialise"));
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
    }
}

/// Masks what legitimately varies between runs of the same binary: code offsets and pointer
/// values in Go's stack traces.
pub fn normalise_output(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'0' && i + 1 < b.len() && b[i + 1] == b'x' {
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_hexdigit() {
                j += 1;
            }
            if j > i + 2 {
                out.push_str("0x?");
                i = j;
                continue;
            }
        }
        let c = s[i..].chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn block(name: &str, text: &str, out: &mut String) {
    let _ = writeln!(out, "{name}: {} bytes", text.len());
    for line in normalise_output(text).split_inclusive('\n') {
        let (body, nl) = line.strip_suffix('\n').map_or((line, false), |l| (l, true));
        let _ = writeln!(out, "  |{body}{}", if nl { "" } else { "⏎(no newline)" });
    }
}

/// The comparable text of a transcript.
pub fn render(t: &Json) -> String {
    let mut out = String::new();
    let mut line = String::new();
    canonical(&t["exit_code"], &mut line);
    let _ = writeln!(out, "exit_code: {line}");
    if !t["trap"].is_null() {
        // Trap messages are engine wording; whether the guest trapped is what must agree.
        let _ = writeln!(out, "trapped: true");
    }
    block("stdout", t["stdout"].as_str().unwrap_or_default(), &mut out);
    block("stderr", t["stderr"].as_str().unwrap_or_default(), &mut out);
    for (name, key) in [("steps", "steps"), ("wapc", "wapc")] {
        let items = t[key].as_array().cloned().unwrap_or_default();
        let _ = writeln!(out, "{name}: {}", items.len());
        for item in items {
            let mut s = String::new();
            canonical(&item, &mut s);
            let _ = writeln!(out, "  - {}", normalise_output(&s));
        }
    }
    out
}
