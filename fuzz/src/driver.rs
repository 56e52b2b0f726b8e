//! The bounded loop every target binary runs.
//!
//! ```text
//! cargo run -p wasmexec-fuzz --release --bin gojs_imports -- --iterations 20000 --seed 1
//! cargo run -p wasmexec-fuzz --release --bin module_loading -- --time 600
//! cargo run -p wasmexec-fuzz --release --bin cache_entries -- --replay fuzz/corpus/cache_entries
//! ```
//!
//! Input `i` of a run is a function of the seed, `i` and the corpus only, so a run can be
//! resumed or repeated. The corpus (`fuzz/corpus/<target>/`, or `--corpus DIR`) is replayed
//! first, then inputs are random bytes or mutations of corpus inputs.
//!
//! By default the loop runs in child processes the binary starts of itself: a panic is caught
//! in the child, but an abort (a stack overflow, say) or a hang (an input running longer than
//! `--hang`) kills it, and the parent then saves the input it was running and goes on with the
//! next one. A child also makes way for a fresh one every `--restart-every` inputs or once it
//! holds more than 2 GiB, so what the host keeps between inputs cannot pile up. Reproducers go
//! to `target/fuzz-crashes/<target>/` (or `--crashes DIR`); replay one with `--replay FILE`.

use std::io::{BufRead as _, Write as _};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::rng::{mutate, Rng};
use crate::Target;

/// How a run goes.
#[derive(Clone, Debug)]
pub struct Options {
    /// Generated inputs to run (after the corpus).
    pub iterations: u64,
    /// The first input's index (to resume a run).
    pub start: u64,
    /// The generator's seed.
    pub seed: u64,
    /// Stop generating after this long.
    pub time: Option<Duration>,
    /// Inputs replayed first and mutated.
    pub corpus: Option<PathBuf>,
    /// Only replay these files (a file, or every file of a directory); generate nothing.
    pub replay: Option<PathBuf>,
    /// Where reproducers go.
    pub crashes: PathBuf,
    /// Run in a child process, so aborts and hangs are survived and recorded.
    pub fork: bool,
    /// An input running longer than this is a hang.
    pub hang: Duration,
    /// Inputs one child process runs before a fresh one takes over.
    pub restart_every: u64,
    /// This process is a child of a supervising one.
    pub child: bool,
}

impl Options {
    /// The defaults for `target`.
    pub fn new(target: &Target) -> Options {
        let root = crate::repo_root();
        Options {
            iterations: 10_000,
            start: 0,
            seed: 1,
            time: None,
            corpus: Some(root.join("fuzz").join("corpus").join(target.name)),
            replay: None,
            crashes: root.join("target").join("fuzz-crashes").join(target.name),
            fork: true,
            hang: Duration::from_secs(20),
            restart_every: 5000,
            child: false,
        }
    }

    fn parse(target: &Target, args: &[String]) -> Result<Options, String> {
        let mut o = Options::new(target);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
            let number = |v: String| v.parse::<u64>().map_err(|_| format!("{a}: {v:?}"));
            match a.as_str() {
                "--iterations" => o.iterations = number(value()?)?,
                "--start" => o.start = number(value()?)?,
                "--seed" => o.seed = number(value()?)?,
                "--time" => o.time = Some(Duration::from_secs(number(value()?)?)),
                "--hang" => o.hang = Duration::from_secs(number(value()?)?),
                "--corpus" => o.corpus = Some(PathBuf::from(value()?)),
                "--no-corpus" => o.corpus = None,
                "--replay" => o.replay = Some(PathBuf::from(value()?)),
                "--crashes" => o.crashes = PathBuf::from(value()?),
                "--restart-every" => o.restart_every = number(value()?)?.max(1),
                "--no-fork" => o.fork = false,
                "--child" => o.child = true,
                "-h" | "--help" => return Err(usage(target)),
                _ => return Err(format!("unknown option {a}\n{}", usage(target))),
            }
        }
        if o.time.is_some() && !args.iter().any(|a| a == "--iterations") {
            o.iterations = u64::MAX;
        }
        Ok(o)
    }

    fn to_args(&self) -> Vec<String> {
        let mut a = vec![
            "--iterations".into(),
            self.iterations.to_string(),
            "--start".into(),
            self.start.to_string(),
            "--seed".into(),
            self.seed.to_string(),
            "--hang".into(),
            self.hang.as_secs().to_string(),
            "--restart-every".into(),
            self.restart_every.to_string(),
            "--crashes".into(),
            self.crashes.display().to_string(),
        ];
        if let Some(t) = self.time {
            a.extend(["--time".into(), t.as_secs().to_string()]);
        }
        match &self.corpus {
            Some(c) => a.extend(["--corpus".into(), c.display().to_string()]),
            None => a.push("--no-corpus".into()),
        }
        if let Some(r) = &self.replay {
            a.extend(["--replay".into(), r.display().to_string()]);
        }
        a
    }
}

fn usage(target: &Target) -> String {
    format!(
        "usage: {} [--iterations N] [--seed N] [--start N] [--time SECS] [--hang SECS] \
         [--corpus DIR | --no-corpus] [--replay FILE|DIR] [--crashes DIR] [--no-fork] \
         [--restart-every N]",
        target.name
    )
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Corpus inputs replayed.
    pub replayed: u64,
    /// Generated inputs run.
    pub iterations: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Reproducers written (one per failing input).
    pub crashes: Vec<PathBuf>,
}

impl Report {
    fn line(&self, target: &Target) -> String {
        format!(
            "summary: target={} replayed={} iterations={} seconds={:.1} crashes={}",
            target.name,
            self.replayed,
            self.iterations,
            self.elapsed.as_secs_f64(),
            self.crashes.len()
        )
    }
}

/// The entry point of a target's binary.
pub fn main(target: &Target) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(target, &args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let report = if options.child || !options.fork {
        run(target, &options)
    } else {
        supervise(target, &options)
    };
    println!("{}", report.line(target));
    for c in &report.crashes {
        println!("reproducer: {}", c.display());
    }
    if report.crashes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// FNV-1a, for reproducer names.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn save(target: &Target, dir: &Path, input: &[u8], kind: &str) -> PathBuf {
    let bytes = (target.reproducer)(input).unwrap_or_else(|| input.to_vec());
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(format!("{kind}-{:016x}", fnv(&bytes)));
    if let Err(e) = std::fs::write(&path, &bytes) {
        eprintln!("cannot write {}: {e}", path.display());
    }
    path
}

/// Input `i` of a run.
fn input(target: &Target, seed: u64, i: u64, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ i);
    if !corpus.is_empty() && !rng.one_in(3) {
        let mut v = corpus[rng.below(corpus.len())].clone();
        let other = &corpus[rng.below(corpus.len())];
        let bound = target.max_len.max(v.len());
        mutate(&mut rng, &mut v, Some(other), bound);
        v
    } else {
        let n = rng.len(target.max_len);
        rng.bytes(n)
    }
}

/// The file a child keeps its current input in: 8 bytes of index, then the input.
fn current_file(o: &Options) -> PathBuf {
    o.crashes.join(format!(".current-{}", std::process::id()))
}

/// Runs the loop in this process (a panic is caught and recorded; an abort ends the
/// process, with the current input in `current_file` for a supervising parent).
pub fn run(target: &Target, o: &Options) -> Report {
    let start = Instant::now();
    let mut report = Report::default();
    let _ = std::fs::create_dir_all(&o.crashes);
    let current = current_file(o);
    let started = Arc::new(AtomicU64::new(u64::MAX));
    watchdog(started.clone(), o.hang);
    let clock = Instant::now();
    let one = |input: &[u8], index: u64, report: &mut Report| {
        let mut record = index.to_le_bytes().to_vec();
        record.extend_from_slice(input);
        let _ = std::fs::write(&current, &record);
        started.store(clock.elapsed().as_millis() as u64, Ordering::SeqCst);
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
        started.store(u64::MAX, Ordering::SeqCst);
        if outcome.is_err() {
            let p = save(target, &o.crashes, input, "panic");
            eprintln!("input {index} panicked: saved {}", p.display());
            report.crashes.push(p);
        }
    };
    let replay = o.replay.as_ref().or(o.corpus.as_ref());
    let corpus: Vec<Vec<u8>> = replay
        .map(|p| {
            files(p)
                .iter()
                .filter_map(|f| std::fs::read(f).ok())
                .collect()
        })
        .unwrap_or_default();
    // Corpus inputs are replayed only from the first index (a resumed child skips them).
    if o.start == 0 {
        for c in &corpus {
            one(c, u64::MAX, &mut report);
            report.replayed += 1;
        }
    }
    if o.replay.is_none() {
        let mut i = o.start;
        while i < o.start.saturating_add(o.iterations) {
            if o.time.is_some_and(|t| start.elapsed() >= t) {
                break;
            }
            let inp = input(target, o.seed, i, &corpus);
            one(&inp, i, &mut report);
            report.iterations += 1;
            i += 1;
            // A child holding too much makes way for a fresh one (the parent goes on).
            if o.child && i.is_multiple_of(256) && resident_bytes() > 2 << 30 {
                break;
            }
        }
    }
    let _ = std::fs::remove_file(&current);
    crate::targets::remove_scratch(target.name);
    report.elapsed = start.elapsed();
    report
}

/// This process's resident memory.
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Aborts the process when one input runs longer than `hang` (the parent records it).
fn watchdog(started: Arc<AtomicU64>, hang: Duration) {
    let clock = Instant::now();
    let _ = std::thread::Builder::new()
        .name("fuzz-watchdog".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_millis(200));
            let at = started.load(Ordering::SeqCst);
            if at != u64::MAX && clock.elapsed().as_millis() as u64 > at + hang.as_millis() as u64 {
                eprintln!("an input ran longer than {hang:?}: aborting");
                std::process::abort();
            }
        });
}

/// Runs the loop in child processes: a fresh one every `restart_every` inputs, and after each
/// one an input killed.
fn supervise(target: &Target, o: &Options) -> Report {
    let begin = Instant::now();
    let mut total = Report::default();
    let end = o.start.saturating_add(o.iterations);
    let mut next = o.clone();
    next.child = true;
    while next.start < end {
        if let Some(t) = o.time {
            match t.checked_sub(begin.elapsed()) {
                Some(left) if !left.is_zero() => next.time = Some(left.max(Duration::from_secs(1))),
                _ => break,
            }
        }
        next.iterations = (end - next.start).min(o.restart_every);
        let (done, killed) = match child(target, &next, &mut total) {
            Some(c) => c,
            None => break,
        };
        total.iterations += done;
        next.start += done;
        if killed {
            // The input at `next.start` killed the child: it was saved; go on after it.
            next.start += 1;
            total.iterations += 1;
        } else if done == 0 {
            break; // the time ran out, or the child could not run any input
        }
    }
    total.elapsed = begin.elapsed();
    let _ = std::io::stdout().flush();
    total
}

/// Runs one child; returns how many generated inputs it finished and whether the next one
/// killed it (then saved), or `None` if it could not run or a corpus input killed it.
fn child(target: &Target, o: &Options, total: &mut Report) -> Option<(u64, bool)> {
    let exe = std::env::current_exe().ok()?;
    let mut child = Command::new(exe)
        .args(o.to_args())
        .arg("--child")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| eprintln!("cannot start the fuzzing child: {e}"))
        .ok()?;
    let pid = child.id();
    let out = child.stdout.take()?;
    let mut done = 0;
    for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("summary: ") {
            for kv in rest.split(' ') {
                match kv.split_once('=') {
                    Some(("replayed", v)) => total.replayed += v.parse().unwrap_or(0),
                    Some(("iterations", v)) => done = v.parse().unwrap_or(0),
                    _ => {}
                }
            }
        } else if let Some(p) = line.strip_prefix("reproducer: ") {
            total.crashes.push(PathBuf::from(p));
        } else {
            println!("{line}");
        }
    }
    let status = child.wait().ok()?;
    if status.success() || status.code() == Some(1) {
        return Some((done, false));
    }
    // Killed by an input: save it.
    let current = o.crashes.join(format!(".current-{pid}"));
    let Ok(record) = std::fs::read(&current) else {
        eprintln!("the child died ({status}) without a current input");
        return None;
    };
    let _ = std::fs::remove_file(&current);
    let (index, input) = record.split_at(8.min(record.len()));
    let index = u64::from_le_bytes(index.try_into().unwrap_or([0xff; 8]));
    let p = save(target, &o.crashes, input, "abort");
    eprintln!(
        "input {index} killed the process ({status}): saved {}",
        p.display()
    );
    total.crashes.push(p);
    if index == u64::MAX {
        // A corpus input: replaying it again would kill the next child too.
        return None;
    }
    Some((index - o.start, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nothing(_: &[u8]) {}

    const T: Target = Target {
        name: "test",
        run: nothing,
        max_len: 100,
        reproducer: |_| None,
    };

    #[test]
    fn inputs_are_a_function_of_seed_index_and_corpus() {
        let corpus = vec![vec![1, 2, 3], vec![4; 20]];
        assert_eq!(input(&T, 5, 9, &corpus), input(&T, 5, 9, &corpus));
        assert!((0..100).all(|i| input(&T, 1, i, &[]).len() <= 100));
        let distinct: std::collections::HashSet<Vec<u8>> =
            (0..50).map(|i| input(&T, 1, i, &corpus)).collect();
        assert!(distinct.len() > 25);
    }

    #[test]
    fn options_round_trip_through_the_child_arguments() {
        let args: Vec<String> = [
            "--iterations",
            "7",
            "--seed",
            "3",
            "--time",
            "9",
            "--no-corpus",
        ]
        .map(String::from)
        .to_vec();
        let o = Options::parse(&T, &args).unwrap();
        assert!(!o.child);
        let again = Options::parse(&T, &o.to_args()).unwrap();
        assert_eq!((again.iterations, again.seed, again.time), (7, 3, o.time));
        assert!(again.corpus.is_none());
    }
}
