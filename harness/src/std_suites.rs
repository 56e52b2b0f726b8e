//! Go's own std test suites as a fixture kind: each package's tests, built with `GOOS=js
//! GOARCH=wasm` by a Go release, run with `-test.short` under Node (Go's
//! `go_js_wasm_exec`) and on an engine; the comparison is the verdict and the set of tests
//! that pass, not the timing lines.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use anyhow::{bail, Result};
use wasmexec::Config;

use crate::engines::EngineConfig;
use crate::releases::GoRelease;
use crate::transcript::Capture;

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

/// Tests that pass under Node and not here, as `(releases, package, test, reason)` (like
/// wasmtime's wast known-failures list): `releases` is `all` or a release prefix (`1.21`
/// covers every 1.21.x; `default` the `go` on PATH). Only for a reference that is itself wrong
/// for that release: differences of our own are fixed, not listed. A listed test that passes
/// again fails the trial, so the list stays true. Parents of a listed subtest fail with it and
/// are implied.
///
/// Empty. Former entries, all fixed in the runtime since:
/// - os `TestRootConsistencyRename/from/dot_slash`: a path ending in `/./` now names `.` as
///   the kernel sees it, so renaming it fails with EBUSY as under Node.
/// - os `TestMkdirStickyUmask` (Go 1.21 to 1.23, whose test checks the mode against the mask
///   it sets): `process.umask` now sets the mask the guest's files are created with.
pub const KNOWN_DIFFERENCES: &[(&str, &str, &str, &str)] = &[];

/// Tests an engine configuration is too slow for, as `(engine, releases, package, test,
/// reason)` (`engine`: a configuration or engine name, see [`EngineConfig::matches`];
/// `releases` as in [`KNOWN_DIFFERENCES`]): tests with a wall-clock budget, not a behaviour
/// that differs. They are not run on that engine (`-test.skip`) and left out of Node's
/// passing tests for the comparison.
pub const TOO_SLOW: &[(&str, &str, &str, &str, &str)] = &[(
    "wasmi",
    "all",
    "time",
    "TestLongAdjustTimers",
    "gives itself 60 s for a million channel operations and timers (Go 1.23 to 1.25; 1.26 \
     skips it in short mode on one CPU): Node needs 13 s, the compiling engines 12 to 19 s, \
     wasmi's interpreter more than 60 s. Past its budget the test also hangs: its goroutine \
     blocks on a channel nobody serves any more while other tests' hour-long timers keep the \
     program from being found deadlocked",
)];

/// The tests of `pkg` built by `release` that `kind` does not run (see [`TOO_SLOW`]).
pub fn too_slow(kind: EngineConfig, release: &GoRelease, pkg: &str) -> Vec<&'static str> {
    let label = release.label();
    TOO_SLOW
        .iter()
        .filter(|(engine, releases, p, _, _)| {
            kind.matches(engine)
                && *p == pkg
                && release_matches(releases, &label, release.pinned.is_none())
        })
        .map(|&(_, _, _, test, _)| test)
        .collect()
}

/// `result` without `tests` and their subtests (the reference for a run that skipped them).
pub fn without_tests(result: &SuiteResult, tests: &[&str]) -> SuiteResult {
    let mut out = result.clone();
    out.tests.retain(|t| {
        !tests
            .iter()
            .any(|s| t == s || t.strip_prefix(s).is_some_and(|r| r.starts_with('/')))
    });
    out
}

/// Does a `releases` pattern of [`KNOWN_DIFFERENCES`] cover `release` (a label such as
/// `1.21.13`; `default` for the `go` on PATH)?
pub fn release_matches(pattern: &str, release: &str, is_default: bool) -> bool {
    pattern == "all"
        || pattern == "default" && is_default
        || release == pattern
        || release
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The tests a listed difference excuses for `pkg` built by `release`: each listed test and
/// its parents.
pub fn excused(release: &GoRelease, pkg: &str) -> BTreeSet<String> {
    let label = release.label();
    let mut out = BTreeSet::new();
    for (releases, p, test, _) in KNOWN_DIFFERENCES {
        if *p == pkg && release_matches(releases, &label, release.pinned.is_none()) {
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

/// The verdict of a suite run here against Node's: the same exit verdict and the same set of
/// passing tests, except for the tests `excused` (see [`excused`]), which must fail here and
/// pass under Node. The error explains the difference.
pub fn compare(
    reference: &SuiteResult,
    ours: &SuiteResult,
    excused: &BTreeSet<String>,
) -> Result<(), String> {
    if excused.is_empty() {
        if ours.passed == reference.passed && ours.tests == reference.tests {
            return Ok(());
        }
    } else {
        if excused.iter().any(|t| ours.tests.contains(t)) {
            return Err(
                "a declared known difference passes now; remove it from std_suites::KNOWN_DIFFERENCES"
                    .into(),
            );
        }
        let missing: BTreeSet<String> = reference.tests.difference(&ours.tests).cloned().collect();
        if &missing == excused && ours.tests.is_subset(&reference.tests) {
            return Ok(());
        }
    }
    let only_node: Vec<_> = reference.tests.difference(&ours.tests).collect();
    let only_ours: Vec<_> = ours.tests.difference(&reference.tests).collect();
    Err(format!(
        "verdict {} (node {}); passing only under node: {only_node:?}; only here: {only_ours:?}",
        ours.passed, reference.passed
    ))
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
    /// Wall time of the run, in seconds (without building the test binary).
    pub seconds: f64,
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

fn parse(passed: bool, output: String, seconds: f64) -> SuiteResult {
    let tests = output
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--- PASS: "))
        .map(|l| l.split(" (").next().unwrap_or(l).to_string())
        .collect();
    SuiteResult {
        passed,
        tests,
        output,
        seconds,
    }
}

/// The temporary directory the suites' tests write to (`TMPDIR`), the same for Node and the
/// engines: `WASMEXEC_STD_TMPDIR` if set, else a directory in `/dev/shm` (Linux's shared
/// memory file system) where that exists and can be written, else the system's. Go 1.24's
/// `os.Root` tests make and remove thousands of directory trees; on ext4 (the development
/// machine's disk) creating an inode right after deleting many spends most of the time in
/// the kernel (`recently_deleted`), so the `os` suite takes twice as long there, on every
/// runner alike.
pub fn scratch_dir() -> &'static std::path::Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("WASMEXEC_STD_TMPDIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        let shm = std::path::Path::new("/dev/shm");
        let dir = shm.join("wasmexec-std-suites");
        if shm.is_dir() && std::fs::create_dir_all(&dir).is_ok() {
            dir
        } else {
            std::env::temp_dir()
        }
    })
}

/// Runs the suite under Node with Go's own runner (once per release and package): the
/// release's `go_js_wasm_exec`, or for releases that do not ship one the default toolchain's
/// (its `wasm_exec.js` runs every `gojs` release).
pub fn run_node(release: &GoRelease, pkg: &str) -> Result<SuiteResult> {
    static RUNS: Memo<SuiteResult> = OnceLock::new();
    let key = format!("{}/{pkg}", release.label());
    memo(&RUNS, &key, || {
        if release.minor().map_err(|e| e.to_string())? < (1, 21) {
            return Err(format!(
                "Go {} test binaries import `go`, which no wasm_exec_node.js the default \
                 toolchain ships provides: no Node reference for this release",
                release.label()
            ));
        }
        let bin = test_binary(release, pkg).map_err(|e| e.to_string())?;
        let root = release.goroot().map_err(|e| e.to_string())?;
        let runner = release
            .wasm_support_dir()
            .map_err(|e| e.to_string())?
            .join("go_js_wasm_exec");
        let start = Instant::now();
        let out = Command::new(runner)
            .arg(&bin)
            .args(["-test.short", "-test.v"])
            .current_dir(root.join("src").join(pkg))
            .env("TMPDIR", scratch_dir())
            .output()
            .map_err(|e| format!("running node: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        Ok(parse(
            out.status.success(),
            text,
            start.elapsed().as_secs_f64(),
        ))
    })
}

/// Runs the suite on `kind` as `go_js_wasm_exec` would: host root mounted at `/`, the
/// environment inherited (with TMPDIR), the package directory as working directory; without
/// the tests the engine is [`too_slow`] for.
pub fn run_engine(kind: EngineConfig, release: &GoRelease, pkg: &str) -> Result<SuiteResult> {
    let runtime = kind.runtime();
    let bin = test_binary(release, pkg)?;
    let mut args = vec![
        bin.to_string_lossy().into_owned(),
        "-test.short".into(),
        "-test.v".into(),
    ];
    let skip = too_slow(kind, release, pkg);
    if !skip.is_empty() {
        let names: Vec<String> = skip.iter().map(|t| format!("^{t}$")).collect();
        args.push(format!("-test.skip={}", names.join("|")));
    }
    // Timed as `go test` would see it: compiling the module (cached after the first time)
    // and running it.
    let start = Instant::now();
    let wasm = std::fs::read(&bin)?;
    let module = runtime.compile(&wasm).map_err(|e| anyhow::anyhow!("{e}"))?;
    let out = Capture::default();
    let mut config = Config::new()
        .args(args)
        .mount("/", "/", false)
        .cwd(release.goroot()?.join("src").join(pkg).to_string_lossy())
        .stdout(out.clone())
        .stderr(out.clone())
        .env("TMPDIR", scratch_dir().to_string_lossy());
    for (k, v) in std::env::vars().filter(|(k, _)| k != "TMPDIR") {
        config = config.env(k, v);
    }
    let mut guest = runtime
        .instantiate(&module, config)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let code = match guest.run_to_exit() {
        Ok(code) => code,
        Err(e) => bail!("{pkg}: {e}"),
    };
    let text = out.text();
    Ok(parse(code == 0, text, start.elapsed().as_secs_f64()))
}

/// One runner's run of one suite, for [`report`].
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// The Go release's label (`1.21.13`).
    pub release: String,
    /// The package.
    pub pkg: String,
    /// `node`, or the engine configuration.
    pub runner: String,
    /// The suite's own verdict; `None` if it could not run.
    pub passed: Option<bool>,
    /// Did the trial agree with Node (see [`compare`])? `None` for Node itself.
    pub same: Option<bool>,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// A Markdown report of the suites run: one row per release and package, one column per
/// runner (`pass 1.2s`, `FAIL 1.2s`, **≠ node** where the trial failed), then each runner's
/// totals per release.
pub fn report(rows: &[Measured], runners: &[String]) -> String {
    use std::fmt::Write as _;
    let mut releases: Vec<&str> = Vec::new();
    for r in rows {
        if !releases.contains(&r.release.as_str()) {
            releases.push(&r.release);
        }
    }
    let find = |rel: &str, pkg: &str, runner: &str| {
        rows.iter()
            .find(|m| m.release == rel && m.pkg == pkg && m.runner == runner)
    };
    let mut md = String::from("| Go | package |");
    let mut rule = String::from("|---|---|");
    for r in runners {
        let _ = write!(md, " {r} |");
        rule.push_str("---|");
    }
    let _ = writeln!(md, "\n{rule}");
    for rel in &releases {
        for pkg in PACKAGES {
            if !runners.iter().any(|r| find(rel, pkg, r).is_some()) {
                continue;
            }
            let _ = write!(md, "| {rel} | {pkg} |");
            for r in runners {
                let cell = match find(rel, pkg, r) {
                    None => "-".to_string(),
                    Some(m) => cell(m),
                };
                let _ = write!(md, " {cell} |");
            }
            md.push('\n');
        }
    }
    let _ = writeln!(
        md,
        "\n| Go | runner | suites passing | same as node | total seconds |\n|---|---|---|---|---|"
    );
    for rel in &releases {
        for r in runners {
            let runs: Vec<&Measured> = rows
                .iter()
                .filter(|m| m.release == *rel && &m.runner == r)
                .collect();
            if runs.is_empty() {
                continue;
            }
            let passing = runs.iter().filter(|m| m.passed == Some(true)).count();
            let same = match r.as_str() {
                "node" => "-".to_string(),
                _ => format!(
                    "{}/{}",
                    runs.iter().filter(|m| m.same == Some(true)).count(),
                    runs.len()
                ),
            };
            let total: f64 = runs.iter().map(|m| m.seconds).sum();
            let _ = writeln!(
                md,
                "| {rel} | {r} | {passing}/{} | {same} | {total:.0} |",
                runs.len()
            );
        }
    }
    md
}

fn cell(m: &Measured) -> String {
    let verdict = match m.passed {
        Some(true) => "pass",
        Some(false) => "FAIL",
        None => "error",
    };
    let differs = if m.same == Some(false) {
        " **≠ node**"
    } else {
        ""
    };
    format!("{verdict} {:.1}s{differs}", m.seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(passed: bool, tests: &[&str]) -> SuiteResult {
        SuiteResult {
            passed,
            tests: tests.iter().map(|t| t.to_string()).collect(),
            output: String::new(),
            seconds: 0.0,
        }
    }

    fn set(tests: &[&str]) -> BTreeSet<String> {
        tests.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn parses_passing_tests() {
        let out = "=== RUN   TestA\n--- PASS: TestA (0.00s)\n    --- PASS: TestA/b (0.01s)\n--- FAIL: TestC (0.00s)\n--- SKIP: TestD (0.00s)\nFAIL\n";
        let r = parse(false, out.into(), 1.0);
        assert_eq!(r.tests, set(&["TestA", "TestA/b"]));
    }

    #[test]
    fn compares_verdicts_and_tests() {
        let node = result(true, &["TestA", "TestB"]);
        assert_eq!(compare(&node, &node.clone(), &set(&[])), Ok(()));
        assert!(compare(&node, &result(false, &["TestA", "TestB"]), &set(&[])).is_err());
        assert!(compare(&node, &result(true, &["TestA"]), &set(&[])).is_err());
        assert!(compare(
            &node,
            &result(true, &["TestA", "TestB", "TestC"]),
            &set(&[])
        )
        .is_err());
    }

    #[test]
    fn excuses_only_what_is_listed() {
        let node = result(true, &["TestA", "TestB", "TestB/x", "TestB/y"]);
        let excused = set(&["TestB", "TestB/x"]);
        let ours = result(false, &["TestA", "TestB/y"]);
        assert_eq!(compare(&node, &ours, &excused), Ok(()));
        // Something else missing too.
        assert!(compare(&node, &result(false, &["TestB/y"]), &excused).is_err());
        // The listed test passes again.
        let fixed = result(true, &["TestA", "TestB", "TestB/x", "TestB/y"]);
        let err = compare(&node, &fixed, &excused).unwrap_err();
        assert!(err.contains("passes now"), "{err}");
    }

    #[test]
    fn leaves_out_skipped_tests() {
        let node = result(true, &["TestA", "TestA/x", "TestAB", "TestB"]);
        let r = without_tests(&node, &["TestA"]);
        assert_eq!(r.tests, set(&["TestAB", "TestB"]));
        assert!(r.passed);
    }

    #[test]
    fn release_patterns() {
        assert!(release_matches("all", "1.21.13", false));
        assert!(release_matches("1.21", "1.21.13", false));
        assert!(release_matches("1.21.13", "1.21.13", false));
        assert!(!release_matches("1.2", "1.21.13", false));
        assert!(!release_matches("1.21", "1.22.1", false));
        assert!(release_matches("default", "1.26.8", true));
        assert!(!release_matches("default", "1.26.8", false));
    }

    #[test]
    fn reports_each_runner() {
        let m = |runner: &str, passed, same| Measured {
            release: "1.21.13".into(),
            pkg: "os".into(),
            runner: runner.into(),
            passed,
            same,
            seconds: 2.0,
        };
        let rows = [
            m("node", Some(true), None),
            m("wasmtime", Some(false), Some(false)),
        ];
        let md = report(&rows, &["node".into(), "wasmtime".into(), "wasmi".into()]);
        assert!(
            md.contains("| 1.21.13 | os | pass 2.0s | FAIL 2.0s **≠ node** | - |"),
            "{md}"
        );
        assert!(
            md.contains("| 1.21.13 | wasmtime | 0/1 | 0/1 | 2 |"),
            "{md}"
        );
        assert!(md.contains("| 1.21.13 | node | 1/1 | - | 2 |"), "{md}");
    }
}
