//! A running guest: start-up (argv and environment laid out as wasm_exec.js does), the event
//! loop (timers, idle, the deadlock wake-up), and the host-side operations of the embedding API.

use std::io::{Read, Write};
use std::os::fd::AsFd as _;
use std::time::{Duration, Instant};

use crate::abi::Memory;
use crate::convert::{to_value, JsValue};
use crate::engine::Backend;
use crate::error::{Abort, Error};
use crate::guest::with_memory;
use crate::host::Host;
use crate::js::builtins::promise;
use crate::js::timers::Task;
use crate::js::{ops, Obj, Throw, Value};
use crate::node::ProcessInfo;
use crate::stdio::Stdio;

mod calls;
use crate::wapc::HostCallHandler;

/// Where wasm_exec.js starts writing argv and the environment.
const ARGV_START: u64 = 4096;
/// Where the Go linker starts global data (`wasmMinDataAddr`): argv must end before.
const ARGV_LIMIT: u64 = 4096 + 8192;

/// Settings for one instance. Nothing is inherited from the host process unless given.
pub struct Config {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) stdin: Box<dyn Read + Send>,
    pub(crate) stdin_fd: Option<std::os::fd::OwnedFd>,
    pub(crate) stdout: Box<dyn Write + Send>,
    pub(crate) stderr: Box<dyn Write + Send>,
    pub(crate) globals: Vec<(String, JsValue)>,
    pub(crate) host_call: Option<HostCallHandler>,
    pub(crate) record_wapc: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) process: ProcessInfo,
    pub(crate) mounts: Vec<(std::path::PathBuf, String, bool)>,
    pub(crate) cwd: Option<String>,
    pub(crate) time_zone: Option<String>,
    pub(crate) max_memory: Option<u64>,
    pub(crate) max_js_heap: u64,
    pub(crate) max_nesting: u32,
    pub(crate) allow_net: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            args: vec!["js".into()],
            env: Vec::new(),
            stdin: Box::new(std::io::empty()),
            stdin_fd: None,
            stdout: Box::new(std::io::stdout()),
            stderr: Box::new(std::io::stderr()),
            globals: Vec::new(),
            host_call: None,
            record_wapc: false,
            timeout: None,
            process: ProcessInfo::current(),
            mounts: Vec::new(),
            cwd: None,
            time_zone: None,
            max_memory: None,
            max_js_heap: crate::js::heap::DEFAULT_LIMIT,
            max_nesting: crate::host::DEFAULT_MAX_DEPTH,
            allow_net: Vec::new(),
        }
    }
}

impl Config {
    /// Default settings: argv `["js"]`, empty environment and stdin, the process's stdout
    /// and stderr.
    pub fn new() -> Config {
        Config::default()
    }

    /// The guest's `os.Args`, program name first.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Config {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// Adds an environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Config {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// Standard input.
    pub fn stdin(mut self, r: impl Read + Send + 'static) -> Config {
        self.stdin = Box::new(r);
        self.stdin_fd = None;
        self
    }

    /// Gives the guest this process's standard input, read directly: unlike
    /// `stdin(std::io::stdin())`, a read waiting on a pipe or terminal gives up at the
    /// [`Config::timeout`].
    pub fn inherit_stdin(mut self) -> Config {
        match std::io::stdin().as_fd().try_clone_to_owned() {
            Ok(fd) => {
                self.stdin_fd = Some(fd);
                self.stdin = Box::new(std::io::empty());
            }
            // No descriptor to read (closed): the guest reads end of file, as Node's would.
            Err(_) => self = self.stdin(std::io::empty()),
        }
        self
    }

    /// Standard output.
    pub fn stdout(mut self, w: impl Write + Send + 'static) -> Config {
        self.stdout = Box::new(w);
        self
    }

    /// Standard error.
    pub fn stderr(mut self, w: impl Write + Send + 'static) -> Config {
        self.stderr = Box::new(w);
        self
    }

    /// Puts a value (objects of host functions included) into the guest's global object
    /// before it starts: `global(name, value)` is `globalThis[name] = value` in JS terms.
    pub fn global(mut self, name: impl Into<String>, value: JsValue) -> Config {
        self.globals.push((name.into(), value));
        self
    }

    /// Answers the guest's waPC host calls.
    pub fn host_call(
        mut self,
        f: impl FnMut(&str, &str, &str, &[u8]) -> Result<Vec<u8>, String> + Send + 'static,
    ) -> Config {
        self.host_call = Some(Box::new(f));
        self
    }

    /// Records every waPC exchange (see [`Instance::take_wapc_log`]).
    pub fn record_wapc(mut self, on: bool) -> Config {
        self.record_wapc = on;
        self
    }

    /// Makes the host directory `host` visible to the guest at `guest` (read-only if asked).
    /// Nothing outside the mounts is reachable: `..`, absolute paths and symlinks pointing out
    /// are refused. Mounts may nest; the longest matching guest path wins.
    pub fn mount(
        mut self,
        host: impl Into<std::path::PathBuf>,
        guest: impl Into<String>,
        readonly: bool,
    ) -> Config {
        self.mounts.push((host.into(), guest.into(), readonly));
        self
    }

    /// The guest's initial working directory. By default it is the host's when that lies in
    /// a mount seen at the same path (an identity mount), otherwise `/`.
    pub fn cwd(mut self, dir: impl Into<String>) -> Config {
        self.cwd = Some(dir.into());
        self
    }

    /// The guest's local time zone, an IANA name (`Asia/Tokyo`) or POSIX TZ string. By
    /// default it is the host's (its `TZ`, else `/etc/localtime`), as under Node; the guest's
    /// own `TZ` variable does not change it (it does not under Node either).
    pub fn time_zone(mut self, tz: impl Into<String>) -> Config {
        self.time_zone = Some(tz.into());
        self
    }

    /// Caps the guest's wasm linear memory at `bytes` (rounded down to 64 KiB pages). Growth
    /// past it is refused, and a guest that then fails stops with
    /// [`Error::LimitExceeded`]. By default the wasm32 maximum, 4 GiB, applies. To also
    /// reserve less address space per instance, set [`crate::Settings::memory_reservation`].
    pub fn max_memory(mut self, bytes: u64) -> Config {
        self.max_memory = Some(bytes);
        self
    }

    /// Caps the host memory the guest's JS values hold (strings, typed arrays, objects and
    /// their properties) at about `bytes`: past it the guest stops with
    /// [`Error::LimitExceeded`]. The default, 4 GiB, is about Node's heap limit.
    pub fn max_js_heap(mut self, bytes: u64) -> Config {
        self.max_js_heap = bytes;
        self
    }

    /// How many calls between host and guest may be in progress at once (a `js.FuncOf`
    /// function calling JS that calls Go again, and so on). One more throws a `RangeError`
    /// in the guest, as Node's stack limit does; a guest that fails from it stops with
    /// [`Error::LimitExceeded`]. The default is 10,000, where Node gives up. The thread's
    /// native stack bounds it too: a call that would leave less than 1 MiB fails the same way.
    pub fn max_nesting(mut self, depth: u32) -> Config {
        self.max_nesting = depth;
        self
    }

    /// Stops the guest once it has run this long (its timers included).
    pub fn timeout(mut self, d: Duration) -> Config {
        self.timeout = Some(d);
        self
    }

    /// Gives the guest `fetch` (which Go's `net/http` client uses), for these hosts only:
    /// `"example.com"` (any port), `"127.0.0.1:8080"`, `"[::1]:8080"`, or `"*"` for any.
    /// Redirects are followed only to allowed hosts; a request to another host rejects with
    /// a `TypeError` naming it. By default, and without the `net` feature, the guest has no
    /// `fetch` at all. Requests run on threads of their own; the [`Config::timeout`] still
    /// stops the guest while they are in flight.
    pub fn allow_net<S: Into<String>>(mut self, hosts: impl IntoIterator<Item = S>) -> Config {
        self.allow_net.extend(hosts.into_iter().map(Into::into));
        self
    }
}

/// Where a guest stands after the host let it run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It exited with this status.
    Exited(i32),
    /// It is waiting for an event: no timer pending, nothing running.
    Idle,
}

type StartArgs = (Vec<String>, Vec<(String, String)>);

/// One guest instance. It is `Send`: it may move to another thread between calls (a worker
/// thread, tokio's `spawn_blocking`, a pool), but it is used by one thread at a time.
pub struct Instance {
    backend: Box<dyn Backend>,
    /// argv and environment, until `run` lays them out.
    pending_start: Option<StartArgs>,
    dead: Option<Abort>,
    /// Whether the guest runs on the interpreter engine (wasmi).
    pub(crate) on_interpreter: bool,
}

// SAFETY: the instance's state that is not `Send` is the guest's JS world and the host state
// around it (`Rc`, `RefCell` and `Cell` values inside the engine's store). Moving the instance
// to another thread is sound because that state is reachable only through the instance, which
// owns it exclusively, and is only touched through `&mut self`:
// - no public type hands out a value of the world: `JsValue`, `JsObject`, `JsString` and
//   `JsFunction` hold only `Arc`-based data and slot numbers (checked to be `Send + Sync` by
//   the assertions below), and `Context`, which does reach the world, only lends it to a host
//   function for the duration of a call and is itself neither `Send` nor `Sync`;
// - everything the embedder puts in is `Send`: host functions (`Send + Sync`), the waPC
//   handler, stdin, stdout and stderr (bounds on `Config`'s methods);
// - thread-locals that refer to world values (the JS heap being charged, values whose drop
//   was put off) are set for the length of one call into the instance and restored or
//   drained before it returns, so none outlives a call on the thread that made it;
// - the engines run host functions synchronously on the calling thread, and the threads the
//   backends start (deadline watchdogs, the epoch ticker) hold only atomics and engine
//   handles, never world values; the background compiles hold module bytes and compiled
//   code, and hand the code over through `Upgrade` (a `OnceLock`), never touching an
//   instance: the instance moves itself, on its own thread, between two calls.
unsafe impl Send for Instance {}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    send_sync::<JsValue>();
    send_sync::<crate::JsObject>();
    send_sync::<crate::Runtime>();
    send_sync::<crate::Module>();
    send_sync::<Error>();
    send::<Config>();
};

impl Instance {
    pub(crate) fn new(mut backend: Box<dyn Backend>, config: Config) -> Result<Instance, Error> {
        let Config {
            args,
            env,
            globals,
            host_call,
            record_wapc,
            ..
        } = config;
        let host = backend.guest().host();
        let _heap = host.heap.enter();
        for (name, v) in globals {
            let v = to_value(&v, &mut host.realm)?;
            host.set_global(&name, v);
        }
        host.wapc().handler = host_call;
        host.wapc().log = record_wapc.then(Vec::new);
        Ok(Instance {
            backend,
            pending_start: Some((args, env)),
            dead: None,
            on_interpreter: false,
        })
    }

    pub(crate) fn new_host(config: &mut Config) -> Result<Host, Error> {
        let stdio = Stdio {
            stdin_fd: config.stdin_fd.take(),
            stdin: std::mem::replace(&mut config.stdin, Box::new(std::io::empty())),
            stdout: std::mem::replace(&mut config.stdout, Box::new(std::io::sink())),
            stderr: std::mem::replace(&mut config.stderr, Box::new(std::io::sink())),
        };
        let mut host = Host::new(stdio, config.process.clone());
        host.memory_cap = crate::limits::MemoryCap::new(config.max_memory);
        host.heap.set_limit(config.max_js_heap);
        host.max_depth = config.max_nesting;
        host.allow_net(&config.allow_net);
        if let Some(name) = &config.time_zone {
            host.realm.tz = crate::js::tz::TimeZone::named(name)
                .ok_or_else(|| Error::io(format!("unknown time zone {name:?}"), None))?;
        }
        let mut mounts = Vec::new();
        for (h, g, ro) in &config.mounts {
            let m = crate::fs::Mount::new(h, g, *ro)
                .map_err(|e| Error::io(format!("mounting {}", h.display()), Some(e)))?;
            mounts.push(m);
        }
        let fs = host.fs();
        fs.mount_all(mounts)
            .map_err(|e| Error::io("making the guest's root directory", Some(e)))?;
        fs.cwd = match &config.cwd {
            Some(dir) => crate::fs::sandbox::normalize(dir).1,
            None => identity_cwd(&fs.mounts).unwrap_or_else(|| "/".into()),
        };
        Ok(host)
    }

    fn host(&mut self) -> &mut Host {
        self.backend.guest().host()
    }

    /// Charges what the host makes from here on, for this guest, to this guest's JS heap.
    fn enter_heap(&mut self) -> crate::js::heap::Scope {
        self.host().heap.enter()
    }

    /// The exit status, once the guest exited.
    pub fn exit_code(&mut self) -> Option<i32> {
        self.host().exited
    }

    /// Runs `main` and then the guest's timers until it exits or goes idle.
    pub fn run(&mut self) -> Result<Status, Error> {
        let _heap = self.enter_heap();
        if let Some((args, env)) = self.pending_start.take() {
            let (argc, argv) = with_memory(self.backend.guest(), |mem, _| {
                lay_out_args(mem, &args, &env)
            })?;
            let r = self.backend.start(argc, argv as i32);
            self.settle(r)?;
        }
        self.run_until_idle()
    }

    /// Runs `main`, the timers, and — if the guest is left waiting with nothing pending — the
    /// wake-up Node's runner delivers, so Go reports a deadlock. Returns the exit status.
    pub fn run_to_exit(&mut self) -> Result<i32, Error> {
        if let Status::Exited(code) = self.run()? {
            return Ok(code);
        }
        match self.wake_deadlocked()? {
            Status::Exited(code) => Ok(code),
            // Node exits 0 when the event loop empties without the guest exiting.
            Status::Idle => Ok(0),
        }
    }

    /// Delivers the event wasm_exec_node.js sends when Node's event loop empties before the
    /// guest exited (`_pendingEvent = { id: 0 }`): Go then reports a deadlock and exits 2.
    pub fn wake_deadlocked(&mut self) -> Result<Status, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let event = Obj::plain();
        event.set("id", Value::Number(0.0));
        self.host().go.set("_pendingEvent", Value::Object(event));
        let r = self.backend.guest().resume();
        self.settle(r)?;
        self.run_until_idle()
    }

    fn check_alive(&mut self) -> Result<(), Error> {
        if let Some(a) = &self.dead {
            return Err(a.clone().into());
        }
        if let Some(code) = self.host().exited {
            return Err(Error::Exited(code));
        }
        if self.pending_start.is_some() {
            self.run()?;
        }
        Ok(())
    }

    /// Turns the outcome of entering the guest into the instance's state.
    fn settle<T>(&mut self, r: Result<T, Abort>) -> Result<Option<T>, Error> {
        if r.is_err() {
            let host = self.host();
            if host.limit_reached.is_none() {
                host.limit_reached = host.memory_cap.reached();
            }
        }
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Abort::Exit(code)) => {
                let host = self.host();
                host.exited = Some(code);
                match host.limit_reached {
                    // The guest failed after a limit refused it something (Go reports a
                    // refused allocation, or panics on a RangeError): the limit is the cause.
                    Some(limit) if code != 0 => {
                        self.dead = Some(Abort::Limit(limit));
                        Err(Error::LimitExceeded(limit))
                    }
                    _ => Ok(None),
                }
            }
            Err(mut other) => {
                let host = self.host();
                host.stdio().flush();
                if let (Abort::Trap(_), Some(limit)) = (&other, host.limit_reached) {
                    other = Abort::Limit(limit);
                }
                self.dead = Some(other.clone());
                Err(other.into())
            }
        }
    }

    /// Runs timers and microtasks until the guest exits or nothing keeps the event loop
    /// alive.
    pub fn run_until_idle(&mut self) -> Result<Status, Error> {
        let _heap = self.enter_heap();
        self.run_while(|_| true)
    }

    /// The event loop, while `more(host)` holds: a microtask checkpoint, then each due timer
    /// (a guest timeout event or a JS callback) followed by a checkpoint, as Node runs them.
    fn run_while(&mut self, mut more: impl FnMut(&mut Host) -> bool) -> Result<Status, Error> {
        self.checkpoint()?;
        loop {
            if let Some(a) = &self.dead {
                return Err(a.clone().into());
            }
            let host = self.host();
            if let Some(code) = host.exited {
                return Ok(Status::Exited(code));
            }
            if !more(host) {
                return Ok(Status::Idle);
            }
            let host = self.host();
            if let Some(task) = host.realm.io.pop_front() {
                self.run_task(task)?;
                self.checkpoint()?;
                continue;
            }
            if !host.realm.timers.any_refed() {
                return Ok(Status::Idle);
            }
            let Some((id, due)) = host.realm.timers.next() else {
                return Ok(Status::Idle);
            };
            if let Some(deadline) = host.deadline {
                if due > deadline {
                    sleep_until(deadline);
                    let r: Result<(), Abort> = Err(Abort::Interrupted);
                    self.settle(r)?;
                }
            }
            sleep_until(due);
            self.host().realm.timers.update_now();
            self.run_timer(id)?;
            self.checkpoint()?;
        }
    }

    /// Whether the guest runs on an interpreter: on wasmi, or started there (see
    /// [`crate::Settings::interpreter_threshold`]) and not moved to compiled code yet.
    pub fn is_interpreted(&self) -> bool {
        self.on_interpreter || self.backend.is_tiering()
    }

    /// How many times the guest moved to better code while it ran: from the interpreter to
    /// baseline code, from baseline to optimized code (see [`crate::Tier::Auto`]).
    pub fn tier_ups(&self) -> u32 {
        self.backend.moves()
    }

    /// Runs one due timer.
    fn run_timer(&mut self, id: u64) -> Result<(), Error> {
        let Some(timer) = self.host().realm.timers.fire(id) else {
            return Ok(());
        };
        self.run_task(timer.task)
    }

    /// Runs a macrotask: a guest timeout event or a JS callback.
    fn run_task(&mut self, task: Task) -> Result<(), Error> {
        match task {
            Task::Guest(event) => {
                let r = self.backend.guest().resume();
                self.settle(r)?;
                while self.alive() && self.host().go_timers.is_scheduled(event) {
                    // Go did not take the timeout: wasm_exec.js warns and resumes again.
                    let _ = writeln!(
                        self.host().stdio().stderr,
                        "scheduleTimeoutEvent: missed timeout event"
                    );
                    let r = self.backend.guest().resume();
                    self.settle(r)?;
                }
                Ok(())
            }
            Task::Js {
                callback,
                this,
                args,
            } => {
                let guest = self.backend.guest();
                let r = ops::call(guest, &callback, &this, &args).map(drop);
                self.settle_js(r)
            }
        }
    }

    fn alive(&mut self) -> bool {
        self.dead.is_none() && self.host().exited.is_none()
    }

    /// A microtask checkpoint: every queued job runs; a rejection still unhandled afterwards
    /// is fatal, as in Node.
    fn checkpoint(&mut self) -> Result<(), Error> {
        if !self.alive() {
            return Ok(());
        }
        let r = crate::js::realm::run_microtasks(self.backend.guest());
        self.settle_js(r)?;
        let unhandled = std::mem::take(&mut self.host().realm.unhandled);
        match unhandled.into_iter().find_map(|p| rejection(&p)) {
            Some(reason) if self.alive() => self.uncaught(&reason, true),
            _ => Ok(()),
        }
    }

    /// The outcome of JS code the event loop ran.
    fn settle_js(&mut self, r: Result<(), Throw>) -> Result<(), Error> {
        match r {
            Ok(()) => Ok(()),
            Err(Throw::Abort(a)) => self.settle(Err::<(), _>(a)).map(drop),
            Err(Throw::Value(v)) => self.uncaught(&v, false),
        }
    }

    /// An exception no JS code caught: Node prints it and exits with status 1.
    fn uncaught(&mut self, reason: &Value, in_promise: bool) -> Result<(), Error> {
        let host = self.host();
        let text = crate::js::conversions::display(&host.realm, reason);
        let what = if in_promise {
            "Uncaught (in promise)"
        } else {
            "Uncaught"
        };
        let _ = writeln!(host.stdio().stderr, "{what} {text}");
        host.stdio().flush();
        host.exited = Some(1);
        Ok(())
    }
}

/// The host's working directory, if an identity mount (seen at its own host path) holds it.
fn identity_cwd(mounts: &[crate::fs::Mount]) -> Option<String> {
    let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
    mounts
        .iter()
        .filter(|m| std::path::Path::new(&m.guest) == m.host && cwd.starts_with(&m.host))
        .map(|_| cwd.to_string_lossy().into_owned())
        .next()
}

fn sleep_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        std::thread::sleep(at - now);
    }
}

/// Writes argv and the environment as wasm_exec.js's `run` does: NUL-terminated strings from
/// offset 4096, each 8-byte aligned, then the pointer arrays (argv, 0, env sorted by key, 0).
fn lay_out_args(
    mem: &mut [u8],
    args: &[String],
    env: &[(String, String)],
) -> Result<(i32, u64), Abort> {
    let mut offset = ARGV_START;
    let too_long = || {
        Abort::Fault("total length of command line and environment variables exceeds limit".into())
    };
    let mut put = |s: &str, offset: &mut u64| -> Result<u64, Abort> {
        let ptr = *offset;
        let mut bytes = s.as_bytes().to_vec();
        bytes.push(0);
        if ptr + bytes.len() as u64 >= ARGV_LIMIT {
            return Err(too_long());
        }
        mem.write_at(ptr, &bytes)?;
        *offset += bytes.len() as u64;
        *offset = offset.next_multiple_of(8);
        Ok(ptr)
    };
    let mut ptrs = Vec::new();
    for a in args {
        ptrs.push(put(a, &mut offset)?);
    }
    ptrs.push(0);
    let mut env: Vec<&(String, String)> = env.iter().collect();
    env.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    for (k, v) in env {
        ptrs.push(put(&format!("{k}={v}"), &mut offset)?);
    }
    ptrs.push(0);
    let argv = offset;
    for p in ptrs {
        if offset + 8 >= ARGV_LIMIT {
            return Err(too_long());
        }
        mem.write_at(offset, &p.to_le_bytes())?;
        offset += 8;
    }
    Ok((args.len() as i32, argv))
}

/// The reason of a promise that is still rejected and unhandled.
fn rejection(p: &Obj) -> Option<Value> {
    match promise::state_of(&Value::Object(p.clone()))? {
        promise::State::Rejected(r) => Some(r),
        _ => None,
    }
}
