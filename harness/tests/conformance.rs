//! One libtest-mimic trial per (engine configuration, Go release, fixture), named
//! `<engine>::<fixture>`, or `<engine>::<go-version>::<fixture>` when several releases are
//! tested, comparing the run's transcript with the reference: the fixture's snapshot (produced
//! by Node, see `scripts/bless`) for the default release, Node live for the others. Each Go
//! std suite is a trial `std::<engine>::<package>` (`std::<engine>::<go-version>::<package>`).
//! Environment:
//!
//! - `WASMEXEC_GO_VERSIONS`: Go releases to build the fixtures with (see
//!   `wasmexec_harness::releases`); `WASMEXEC_STD_GO_VERSIONS`: the std suites' (default: the
//!   same).
//! - `WASMEXEC_STD=1`: run the std suites (listed as ignored otherwise); their verdicts and
//!   times, with Node's, go to `target/conformance/std-suites.md`. `WASMEXEC_STD_TMPDIR`:
//!   the suites' `TMPDIR` (default: `/dev/shm` where it can be written, see
//!   `wasmexec_harness::std_suites::scratch_dir`).
//! - `WASMEXEC_BLESS=1`: instead, run `reference::<fixture>` trials that regenerate the
//!   snapshots from Node (use with `INSTA_UPDATE=always`; `scripts/bless` does).
//! - `WASMEXEC_REFERENCE=node`: compare live against Node instead of the stored snapshot.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use wasmexec_harness::engines::EngineConfig;
use wasmexec_harness::releases::GoRelease;
use wasmexec_harness::spec::Spec;
use wasmexec_harness::{guests, repo_root, target_dir, transcript};

struct Fixture {
    name: String,
    spec: Spec,
}

struct Outcome {
    column: String,
    fixture: String,
    verdict: Verdict,
}

/// How a trial ended, and how long it ran, for the report.
#[derive(Clone, Copy)]
enum Verdict {
    Pass(Duration),
    Fail(Duration),
    /// Not run: the release is older than the fixture's `needs_go`.
    Skip,
}

fn fixtures() -> Vec<Fixture> {
    let dir = repo_root().join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".toml")
                .map(String::from)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let spec =
                Spec::load(&dir.join(format!("{name}.toml"))).unwrap_or_else(|e| panic!("{e:#}"));
            Fixture { name, spec }
        })
        .collect()
}

fn wasm_path(release: &GoRelease, name: &str) -> Result<PathBuf, Failed> {
    let dir = guests::build_all(release).map_err(|e| Failed::from(format!("{e:#}")))?;
    let p = dir.join(name);
    if !p.exists() {
        return Err(
            format!("no guest built for fixture {name}: add go-guests/{name}/main.go").into(),
        );
    }
    Ok(p)
}

/// Fails early, with a clear message, for a guest importing what the runtime lacks.
fn check_imports(wasm: &[u8]) -> Result<(), Failed> {
    let info = guests::inspect(wasm).map_err(|e| Failed::from(format!("{e:#}")))?;
    if info.import_module.is_empty() {
        return Err("the guest imports nothing from gojs/go: not a GOOS=js program".into());
    }
    for import in &info.imports {
        let (m, n) = import.split_once('.').unwrap_or((import, ""));
        if !wasmexec::provides_import(m, n) {
            return Err(
                format!("the guest imports {m}::{n}, which the runtime does not provide").into(),
            );
        }
    }
    Ok(())
}

fn snapshot(name: &str, spec: &Spec, rendered: &str) -> Result<(), Failed> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(repo_root().join("fixtures/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(spec.description.clone());
    settings.set_omit_expression(true);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name.to_string(), rendered));
    }));
    outcome.map_err(|_| {
        Failed::from(format!(
            "{name}: transcript differs from the reference snapshot (diff above)"
        ))
    })
}

/// How many times a fixture's Node reference may run before a transcript that matches none of
/// its runs fails the trial.
const REFERENCE_RUNS: usize = 3;

/// Compares `rendered` with Node's transcripts of a fixture built by `release`. Node runs once
/// per release and fixture; only when the transcript differs does it run again, up to
/// [`REFERENCE_RUNS`] in all, and a transcript matching any of its runs passes. Old releases'
/// own runtimes are not deterministic under load: Go 1.21's `time_after` guest once died under
/// Node in CI with "all goroutines are asleep - deadlock!" (an event handled inside a stdout
/// write's call), and a flaky reference must not fail a host that behaved like its other runs.
fn matches_node(
    kind: EngineConfig,
    release: &GoRelease,
    fixture: &Fixture,
    rendered: &str,
) -> Result<(), Failed> {
    type Memo = Mutex<std::collections::HashMap<(GoRelease, String), Arc<Mutex<Vec<String>>>>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let reference = release
        .reference_release()
        .map_err(|e| Failed::from(format!("{e:#}")))?;
    let runs = MEMO
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((reference.clone(), fixture.name.clone()))
        .or_default()
        .clone();
    // Held while Node runs, so trials of other engines wait for this run instead of starting
    // their own.
    let mut runs = runs.lock().unwrap_or_else(|e| e.into_inner());
    for attempt in 0..REFERENCE_RUNS {
        if attempt == runs.len() {
            let path = wasm_path(&reference, fixture.spec.guest_name(&fixture.name))?;
            let t = transcript::run_node(&fixture.name, &fixture.spec, &path, &reference)?;
            runs.push(transcript::render(&t));
        }
        if runs[attempt] == rendered {
            if attempt > 0 {
                eprintln!(
                    "note: {} (Go {}): Node's runs differ from each other; run {} of {} matches",
                    fixture.name,
                    reference.label(),
                    attempt + 1,
                    runs.len()
                );
            }
            return Ok(());
        }
    }
    // Each distinct outcome once, with how many runs gave it.
    let mut outcomes: Vec<(&String, usize)> = Vec::new();
    for r in runs.iter() {
        match outcomes.iter_mut().find(|(o, _)| *o == r) {
            Some((_, n)) => *n += 1,
            None => outcomes.push((r, 1)),
        }
    }
    let shown: Vec<String> = outcomes
        .iter()
        .map(|(r, n)| format!("--- node ({n} of {REFERENCE_RUNS} runs)\n{r}"))
        .collect();
    Err(Failed::from(format!(
        "differs from live Node:\n{}\n--- {kind}\n{rendered}",
        shown.join("\n")
    )))
}

fn run_engine_trial(
    kind: EngineConfig,
    release: &GoRelease,
    fixture: &Fixture,
) -> Result<(), Failed> {
    let path = wasm_path(release, fixture.spec.guest_name(&fixture.name))?;
    let wasm = std::fs::read(&path).map_err(|e| Failed::from(e.to_string()))?;
    check_imports(&wasm)?;
    let (name, spec, built_by) = (fixture.name.clone(), fixture.spec.clone(), release.clone());
    // Go recurses on the wasm stack; run on a thread with a native stack to match.
    let t = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            transcript::run_engine(kind, &built_by, &name, &spec, &wasm)
                .map_err(|e| format!("{e:#}"))
        })
        .expect("spawn guest thread")
        .join()
        .map_err(|_| Failed::from("the host panicked running the guest"))??;
    let rendered = transcript::render(&t);
    let declared = fixture
        .spec
        .known_differences
        .iter()
        .find(|d| kind.matches(&d.engine));
    let live = std::env::var("WASMEXEC_REFERENCE").as_deref() == Ok("node");
    let result = if live || release.pinned.is_some() {
        matches_node(kind, release, fixture, &rendered)
    } else if declared.is_some() {
        // Compare without letting insta record a pending snapshot.
        let stored = std::fs::read_to_string(
            repo_root().join(format!("fixtures/snapshots/{}.snap", fixture.name)),
        )
        .unwrap_or_default();
        let body = stored.splitn(3, "---\n").nth(2).unwrap_or_default();
        if body.trim_end() == rendered.trim_end() {
            Ok(())
        } else {
            Err(Failed::from("differs (declared)"))
        }
    } else {
        snapshot(&fixture.name, &fixture.spec, &rendered)
    };
    match (declared, result) {
        (None, r) => r,
        (Some(_), Err(_)) => Ok(()),
        (Some(d), Ok(())) => Err(format!(
            "declared known difference no longer differs; remove it from fixtures/{}.toml (reason was: {})",
            fixture.name, d.reason
        )
        .into()),
    }
}

fn bless_trial(fixture: &Fixture) -> Result<(), Failed> {
    let release = GoRelease::default_release();
    let path = wasm_path(&release, fixture.spec.guest_name(&fixture.name))?;
    let t = transcript::run_node(&fixture.name, &fixture.spec, &path, &release)?;
    snapshot(&fixture.name, &fixture.spec, &transcript::render(&t))
}

/// Why `release` is too old for the fixture's guest (its `needs_go`), if it is.
fn too_old(spec: &Spec, release: &GoRelease) -> Option<String> {
    let needs = spec.needs_go.as_ref()?;
    let (have, need) = (release.minor().ok()?, needs.minor().ok()?);
    (have < need).then(|| format!("needs Go {}: {}", needs.version, needs.reason))
}

/// Trials that fail now and then on a bug of ours not yet found, each with why: ignored
/// (run them with `--include-ignored`) so the suite gates everything else, and listed here
/// so they are fixed, not forgotten.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[(
    "wasmtime-restless",
    "tickers",
    "after hundreds of tier moves, 1 of 40 local runs ends in Go's deadlock report (an fs \
     callback's event lost) and one CI run trapped: a move hazard left after the fix of \
     js_concurrent_calls, not yet found",
)];

/// Why `fixture` is a known failure on `kind`, if it is ([`KNOWN_FAILURES`]).
fn known_failure(kind: EngineConfig, fixture: &str) -> Option<String> {
    KNOWN_FAILURES
        .iter()
        .find(|(k, f, _)| *k == kind.name() && *f == fixture)
        .map(|(_, _, why)| format!("known failure: {why}"))
}

/// The runs of std suites this process made, for `target/conformance/std-suites.md`.
type StdRuns = Arc<Mutex<Vec<wasmexec_harness::std_suites::Measured>>>;

/// A std suite on one engine: same verdict and same passing tests as under Node running the
/// same test binary.
fn std_trial(
    kind: EngineConfig,
    release: GoRelease,
    pkg: &'static str,
    runs: StdRuns,
) -> Result<(), Failed> {
    use wasmexec_harness::std_suites::{self as suites, Measured};
    let label = release.label();
    let record = |runner: &str, r: Option<&suites::SuiteResult>, same: Option<bool>| {
        let mut runs = runs.lock().unwrap_or_else(|e| e.into_inner());
        if runner == "node"
            && runs
                .iter()
                .any(|m| m.runner == "node" && m.release == label && m.pkg == pkg)
        {
            return;
        }
        runs.push(Measured {
            release: label.clone(),
            pkg: pkg.into(),
            runner: runner.into(),
            passed: r.map(|r| r.passed),
            same,
            seconds: r.map_or(0.0, |r| r.seconds),
        });
        // Kept up to date, for runs that are stopped before the end.
        write_std_report(&runs);
    };
    let reference = suites::run_node(&release, pkg);
    record("node", reference.as_ref().ok(), None);
    let reference = reference.map_err(|e| Failed::from(format!("{e:#}")))?;
    // What this engine does not run, Node's run is not compared on.
    let reference = suites::without_tests(&reference, &suites::too_slow(kind, &release, pkg));
    let r = release.clone();
    let ours = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || suites::run_engine(kind, &r, pkg).map_err(|e| format!("{e:#}")))
        .expect("spawn guest thread")
        .join()
        .map_err(|_| "the host panicked running the suite".to_string())
        .and_then(|r| r);
    let ours = match ours {
        Ok(ours) => ours,
        Err(e) => {
            record(kind.name(), None, Some(false));
            return Err(e.into());
        }
    };
    let verdict = suites::compare(&reference, &ours, &suites::excused(&release, pkg));
    record(kind.name(), Some(&ours), Some(verdict.is_ok()));
    verdict.map_err(|why| {
        let tail: Vec<&str> = ours.output.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Failed::from(format!(
            "{pkg} (Go {label}) on {kind}: {why}\n--- last lines\n{}",
            tail.join("\n")
        ))
    })
}

/// The report's columns: each engine configuration, per release when there are several.
fn columns(engines: &[EngineConfig], releases: &[GoRelease]) -> Vec<String> {
    let mut out = Vec::new();
    for e in engines {
        for r in releases {
            out.push(column(*e, r, releases.len()));
        }
    }
    out
}

fn column(kind: EngineConfig, release: &GoRelease, releases: usize) -> String {
    if releases > 1 {
        format!("{kind}::{}", release.label())
    } else {
        kind.to_string()
    }
}

fn write_report(
    outcomes: &[Outcome],
    columns: &[String],
    releases: &[GoRelease],
    fixtures: &[Fixture],
) {
    use std::fmt::Write as _;
    let mut md = String::from("# Conformance report\n\n");
    for r in releases {
        let _ = writeln!(md, "Go: `{}`\n", r.version_line().unwrap_or_default());
    }
    let _ = write!(md, "| fixture |");
    for c in columns {
        let _ = write!(md, " {c} |");
    }
    let _ = write!(md, "\n|---|");
    for _ in columns {
        let _ = write!(md, "---|");
    }
    md.push('\n');
    for f in fixtures {
        let _ = write!(md, "| {} |", f.name);
        for c in columns {
            match outcomes
                .iter()
                .find(|o| o.fixture == f.name && &o.column == c)
            {
                Some(o) => {
                    let _ = match o.verdict {
                        Verdict::Skip => write!(md, " skip |"),
                        Verdict::Pass(t) => write!(md, " pass {:.2}s |", t.as_secs_f64()),
                        Verdict::Fail(t) => write!(md, " FAIL {:.2}s |", t.as_secs_f64()),
                    };
                }
                None => md.push_str(" - |"),
            }
        }
        md.push('\n');
    }
    if let Ok(dir) = guests::build_all(&releases[0]) {
        let mut used = std::collections::BTreeSet::new();
        let mut abi = std::collections::BTreeSet::new();
        for f in fixtures {
            if let Ok(info) = std::fs::read(dir.join(f.spec.guest_name(&f.name)))
                .map_err(anyhow::Error::from)
                .and_then(|w| guests::inspect(&w))
            {
                abi.insert(info.import_module.clone());
                used.extend(info.imports);
            }
        }
        let _ = writeln!(
            md,
            "\nImport module(s): {}\n\nImports exercised by the suite ({}):\n",
            abi.into_iter().collect::<Vec<_>>().join(", "),
            used.len()
        );
        for i in used {
            let _ = writeln!(md, "- `{i}`");
        }
    }
    let dir = target_dir().join("conformance");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("report.md"), md);
}

/// The std suites' figures so far: `target/conformance/std-suites.md`.
fn write_std_report(runs: &[wasmexec_harness::std_suites::Measured]) {
    let mut runners = vec!["node".to_string()];
    runners.extend(EngineConfig::all().iter().map(|e| e.name().to_string()));
    let md = wasmexec_harness::std_suites::report(runs, &runners);
    let dir = target_dir().join("conformance");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("std-suites.md"), md);
}

/// Prints why a trial failed as soon as it does, beside its `FAILED` line, and not only in
/// the summary at the end: a CI log cut short (or a cascade of failures with one cause) then
/// still shows the cause.
fn said_at_once(name: &str, r: Result<(), Failed>) -> Result<(), Failed> {
    if let Err(e) = &r {
        let why = e.message().unwrap_or("(no message)");
        let first: String = why.lines().take(3).collect::<Vec<_>>().join(" | ");
        eprintln!(
            "[failed] {name}: {}",
            first.chars().take(400).collect::<String>()
        );
    }
    r
}

fn main() {
    let args = Arguments::from_args();
    let fixtures = Arc::new(fixtures());
    let engines = EngineConfig::all();
    let releases = GoRelease::from_env();
    let columns = columns(&engines, &releases);
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let bless = std::env::var("WASMEXEC_BLESS").is_ok_and(|v| v == "1");
    let mut trials = Vec::new();
    for (i, f) in fixtures.iter().enumerate() {
        if bless {
            let fx = fixtures.clone();
            trials.push(Trial::test(format!("reference::{}", f.name), move || {
                bless_trial(&fx[i])
            }));
            continue;
        }
        for &kind in &engines {
            for release in &releases {
                let (fx, out, release) = (fixtures.clone(), outcomes.clone(), release.clone());
                let col = column(kind, &release, releases.len());
                let name = format!("{col}::{}", f.name);
                let skip = too_old(&f.spec, &release).or_else(|| known_failure(kind, &f.name));
                if let Some(why) = skip {
                    trials.push(Trial::ignorable_test(name, move || {
                        out.lock().unwrap_or_else(|e| e.into_inner()).push(Outcome {
                            column: col,
                            fixture: fx[i].name.clone(),
                            verdict: Verdict::Skip,
                        });
                        Ok(Completion::ignored_with(why))
                    }));
                    continue;
                }
                trials.push(Trial::test(name.clone(), move || {
                    let start = Instant::now();
                    let r = said_at_once(&name, run_engine_trial(kind, &release, &fx[i]));
                    out.lock().unwrap_or_else(|e| e.into_inner()).push(Outcome {
                        column: col.clone(),
                        fixture: fx[i].name.clone(),
                        verdict: match r {
                            Ok(()) => Verdict::Pass(start.elapsed()),
                            Err(_) => Verdict::Fail(start.elapsed()),
                        },
                    });
                    r
                }));
            }
        }
    }
    // Go's std suites: slow, so only with WASMEXEC_STD=1 (CI sets it); listed as ignored
    // otherwise so `--ignored` runs them too.
    let std_on = std::env::var("WASMEXEC_STD").is_ok_and(|v| v == "1");
    let std_releases = GoRelease::std_from_env();
    let std_runs: StdRuns = Arc::default();
    if !bless {
        for pkg in wasmexec_harness::std_suites::PACKAGES {
            for &kind in &engines {
                for (r, release) in std_releases.iter().enumerate() {
                    // The tiered configurations compile every suite three times: on the
                    // first release only.
                    if kind.moves() && r > 0 {
                        continue;
                    }
                    let col = column(kind, release, std_releases.len());
                    let (release, runs) = (release.clone(), std_runs.clone());
                    let name = format!("std::{col}::{pkg}");
                    trials.push(
                        Trial::test(name.clone(), move || {
                            said_at_once(
                                &name,
                                std_trial(kind.for_suites(), release.clone(), pkg, runs.clone()),
                            )
                        })
                        .with_ignored_flag(!std_on),
                    );
                }
            }
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if !bless {
        write_report(
            &outcomes.lock().unwrap_or_else(|e| e.into_inner()),
            &columns,
            &releases,
            &fixtures,
        );
    }
    conclusion.exit();
}
