//! The host state of one guest: the JS world, the value table, timers, stdio and exit status.
//! Every engine backend stores one `Host` in its store; host functions reach it through
//! [`crate::guest::Guest::host`].

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::table::ValueTable;
use crate::value::{Class, Obj, Value};
use crate::wapc::Wapc;

/// Where the guest's standard streams go.
pub struct Stdio {
    /// Standard input.
    pub stdin: Box<dyn Read>,
    /// Standard output.
    pub stdout: Box<dyn Write>,
    /// Standard error.
    pub stderr: Box<dyn Write>,
}

/// Timers the guest scheduled with `scheduleTimeoutEvent`, by deadline then id.
#[derive(Default)]
pub struct Timers {
    next_id: i32,
    pending: BTreeSet<(Instant, i32)>,
    deadlines: HashMap<i32, Instant>,
}

impl Timers {
    /// Schedules a timer `delay_ms` from now; returns its id (ids start at 1, as in
    /// wasm_exec.js).
    pub fn schedule(&mut self, delay_ms: i64) -> i32 {
        self.next_id += 1;
        let id = self.next_id;
        // Node clamps delays below 1 ms to 1 ms.
        let delay = Duration::from_millis(delay_ms.clamp(1, i64::from(i32::MAX)) as u64);
        let at = Instant::now() + delay;
        self.pending.insert((at, id));
        self.deadlines.insert(id, at);
        id
    }

    /// Marks a timer as fired: it no longer comes due, but stays scheduled until the guest
    /// clears it (wasm_exec.js keeps it in `_scheduledTimeouts` until then).
    pub fn fire(&mut self, id: i32) {
        if let Some(at) = self.deadlines.get(&id) {
            self.pending.remove(&(*at, id));
        }
    }

    /// Cancels a timer (unknown ids are ignored).
    pub fn clear(&mut self, id: i32) {
        if let Some(at) = self.deadlines.remove(&id) {
            self.pending.remove(&(at, id));
        }
    }

    /// The timer due first.
    pub fn next(&self) -> Option<(Instant, i32)> {
        self.pending.first().copied()
    }

    /// Is this timer still scheduled?
    pub fn is_pending(&self, id: i32) -> bool {
        self.deadlines.contains_key(&id)
    }

    /// Are any timers scheduled?
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// The clocks the guest reads.
pub struct Clock {
    start: Instant,
    wall_start_ns: i64,
}

impl Clock {
    fn new() -> Clock {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Clock {
            start: Instant::now(),
            wall_start_ns: wall.as_nanos() as i64,
        }
    }

    /// Monotonic nanoseconds, anchored at the wall clock at start (as wasm_exec.js's
    /// `timeOrigin + performance.now()` is).
    pub fn nanotime(&self) -> i64 {
        self.wall_start_ns + self.start.elapsed().as_nanos() as i64
    }

    /// Milliseconds since the guest started (`performance.now()`).
    pub fn performance_now(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    /// Wall-clock time since the epoch.
    pub fn walltime(&self) -> Duration {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    }
}

/// Process facts the guest can ask `process` for.
#[derive(Clone, Debug)]
pub struct ProcessInfo {
    /// `process.pid`.
    pub pid: f64,
    /// `process.ppid`.
    pub ppid: f64,
    /// `getuid`/`geteuid`.
    pub uid: f64,
    /// `getgid`/`getegid`.
    pub gid: f64,
    /// `umask()`.
    pub umask: f64,
}

impl ProcessInfo {
    /// This host process's ids.
    pub fn current() -> ProcessInfo {
        use std::os::unix::fs::MetadataExt;
        let (uid, gid) = std::fs::metadata("/proc/self")
            .map(|m| (m.uid() as f64, m.gid() as f64))
            .unwrap_or((-1.0, -1.0));
        ProcessInfo {
            pid: std::process::id() as f64,
            ppid: std::os::unix::process::parent_id() as f64,
            uid,
            gid,
            umask: 0o022 as f64,
        }
    }
}

/// The state of one guest.
pub struct Host {
    /// Go's references to JS values.
    pub table: ValueTable,
    /// `globalThis`.
    pub global: Obj,
    /// The Go object (`_pendingEvent`, `_makeFuncWrapper`).
    pub go: Obj,
    /// Scheduled timeout events.
    pub timers: Timers,
    /// Standard streams.
    pub stdio: Stdio,
    /// The exit status, once `runtime.wasmExit` ran.
    pub exited: Option<i32>,
    /// Clocks.
    pub clock: Clock,
    /// Process ids and umask.
    pub process: ProcessInfo,
    /// The working directory `process.cwd()` reports.
    pub cwd: String,
    /// Mounts and open files.
    pub fs: crate::fs::FsState,
    /// The waPC exchange state.
    pub wapc: Wapc,
    /// Built-in prototype methods, made once per host so they keep their identity.
    pub(crate) methods: HashMap<(Class, &'static str), Obj, foldhash::fast::RandomState>,
    /// When set, the guest is stopped once this instant passes.
    pub deadline: Option<Instant>,
    /// How many times host code has resumed the guest (a `js.FuncOf` call). Go's stack
    /// pointer can only move while Go code runs, so an import that saw this unchanged since
    /// it read its arguments can skip asking the guest for it again.
    pub(crate) reentries: u64,
}

impl Host {
    /// A host with the standard JS world installed.
    pub fn new(stdio: Stdio, process: ProcessInfo) -> Host {
        let global = Obj::plain();
        let go = Obj::plain();
        let mut host = Host {
            table: ValueTable::new(global.clone(), go.clone()),
            global,
            go,
            timers: Timers::default(),
            stdio,
            exited: None,
            clock: Clock::new(),
            process,
            cwd: "/".into(),
            fs: crate::fs::FsState::default(),
            wapc: Wapc::default(),
            methods: HashMap::default(),
            deadline: None,
            reentries: 0,
        };
        crate::builtins::install(&mut host);
        host
    }

    /// Sets a global property.
    pub fn set_global(&mut self, name: &str, v: Value) {
        self.global.set(name, v);
    }
}
