//! Go's own std test suites as a fixture kind: each package's tests, built with `GOOS=js
//! GOARCH=wasm` by a Go release, run with `-test.short` under Node (Go's
//! `go_js_wasm_exec`) and on an engine; the comparison is the verdict and the set of tests
//! that pass, not the timing lines.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{bail, Result};
use wasmexec::{Config, Runtime};

use crate::releases::GoRelease;

/// The packages whose suites the harness runs.
pub const PACKAGES: [&str; 9] = [
    "os",
    "io/fs",
    "path/filepath",
    "time",
    "strings",
    "fmt",
    "encoding/json",
    "sync",
    "bufio",
];

/// Tests that pass under Node and not here, with the reason (like wasmtime's wast
/// known-failures list). A listed test that passes again fails the trial, so the list stays
/// true. Parents of a listed subtest fail with it and are implied.
///
/// Empty: the last entry (os `TestRootConsistencyRename/from/dot_slash`) was a bug, not a
/// property of Node. A path ending in `/./` now names `.` as the kernel sees it, so renaming
/// it fails with EBUSY as under Node.
pub const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[];

/// The tests a listed difference excuses: it and its parents.
pub fn excused(pkg: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (p, test, _) in KNOWN_DIFFERENCES {
        if *p == pkg {
            let mut name = String::new();
            for (i, part) in test.split('/').enumerate() {
                if i > 0 {
                    name.push('/');
                }
                name.push_str(part);
                out.insert(name.clone());
            }
        }
    }
    out
}

/// What one run of a suite showed.
#[derive(Clone, Debug, PartialEq)]
pub struct SuiteResult {
    /// Did the suite pass (exit status 0)?
    pub passed: bool,
    /// Names of the tests that passed.
    pub tests: BTreeSet<String>,
    /// The full output, for the failure message.
    pub output: String,
}

/// Results computed once per key (per package) for the whole test process.
type Memo<T> = OnceLock<Mutex<HashMap<String, Arc<OnceLock<Result<T, String>>>>>>;

fn memo<T: Clone>(
    m: &'static Memo<T>,
    key: &str,
    f: impl FnOnce() -> Result<T, String>,
) -> Result<T> {
    let slot = m
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key.into())
        .or_default()
        .clone();
    slot.get_or_init(f).clone().map_err(anyhow::Error::msg)
}

/// Builds (once) the test binary of `pkg` with `release`.
pub fn test_binary(release: &GoRelease, pkg: &str) -> Result<PathBuf> {
    static BUILT: Memo<PathBuf> = OnceLock::new();
    let key = format!("{}/{pkg}", release.label());
    memo(&BUILT, &key, || {
        let dir = crate::target_dir().join("std-suites").join(release.label());
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let out = dir.join(format!("{}.test", pkg.replace('/', "_")));
        let status = release
            .go()
            .args(["test", "-c", "-o"])
            .arg(&out)
            .arg(pkg)
            .env("GOOS", "js")
            .env("GOARCH", "wasm")
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("go test -c {pkg} failed"));
        }
        Ok(out)
    })
}

fn parse(passed: bool, output: String) -> SuiteResult {
    let tests = output
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--- PASS: "))
        .map(|l| l.split(" (").next().unwrap_or(l).to_string())
        .collect();
    SuiteResult {
        passed,
        tests,
        output,
    }
}

/// Runs the suite under Node with Go's own runner (once per release and package): the
/// release's `go_js_wasm_exec`, or for releases that do not ship one the default toolchain's
/// (its `wasm_exec.js` runs every `gojs` release).
pub fn run_node(release: &GoRelease, pkg: &str) -> Result<SuiteResult> {
    static RUNS: Memo<SuiteResult> = OnceLock::new();
    let key = format!("{}/{pkg}", release.label());
    memo(&RUNS, &key, || {
        let bin = test_binary(release, pkg).map_err(|e| e.to_string())?;
        let root = release.goroot().map_err(|e| e.to_string())?;
        let runner = release
            .wasm_support_dir()
            .map_err(|e| e.to_string())?
            .join("go_js_wasm_exec");
        let out = Command::new(runner)
            .arg(&bin)
            .args(["-test.short", "-test.v"])
            .current_dir(root.join("src").join(pkg))
            .output()
            .map_err(|e| format!("running node: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        Ok(parse(out.status.success(), text))
    })
}

#[derive(Clone, Default)]
struct Capture(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs the suite on `runtime` as `go_js_wasm_exec` would: host root mounted at `/`, the
/// environment inherited (with TMPDIR), the package directory as working directory.
pub fn run_engine(runtime: &Runtime, release: &GoRelease, pkg: &str) -> Result<SuiteResult> {
    let bin = test_binary(release, pkg)?;
    let wasm = std::fs::read(&bin)?;
    let module = runtime.compile(&wasm).map_err(|e| anyhow::anyhow!("{e}"))?;
    let out = Capture::default();
    let mut config = Config::new()
        .args([
            bin.to_string_lossy().into_owned(),
            "-test.short".into(),
            "-test.v".into(),
        ])
        .mount("/", "/", false)
        .cwd(release.goroot()?.join("src").join(pkg).to_string_lossy())
        .stdout(out.clone())
        .stderr(out.clone())
        .env("TMPDIR", std::env::temp_dir().to_string_lossy());
    for (k, v) in std::env::vars() {
        config = config.env(k, v);
    }
    let mut guest = runtime
        .instantiate(&module, config)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let code = match guest.run_to_exit() {
        Ok(code) => code,
        Err(e) => bail!("{pkg}: {e}"),
    };
    let text = String::from_utf8_lossy(&out.0.borrow()).into_owned();
    Ok(parse(code == 0, text))
}
