//! The host state of one guest: its realm (the JS world with the objects the host installs),
//! the value table, the Go timers and the exit status. Every engine backend stores one `Host`
//! in its store; host functions reach it through [`crate::guest::Guest::host`].

use std::collections::HashMap;
use std::time::Instant;

use std::rc::Rc;

use crate::abort::{Abort, Limit};
use crate::js::heap::Heap;
use crate::js::native::{arg, native};
use crate::js::timers::{clamp_delay, Task, Timers};
use crate::js::{Callable, Obj, Realm, Value};
use crate::node::ProcessInfo;
use crate::stdio::Stdio;
use crate::table::ValueTable;

/// The timeout events the guest scheduled with `scheduleTimeoutEvent`: its ids (from 1, as
/// wasm_exec.js numbers them) and their timers in the realm's queue. An event stays scheduled
/// after it fired until the guest clears it, as in wasm_exec.js's `_scheduledTimeouts`.
#[derive(Default)]
pub struct GoTimers {
    next_id: i32,
    scheduled: HashMap<i32, u64>,
}

impl GoTimers {
    /// Schedules event `id` after `delay_ms` in `timers`; returns the id.
    pub fn schedule(&mut self, timers: &mut Timers, delay_ms: i64) -> i32 {
        self.next_id += 1;
        let id = self.next_id;
        let timer = timers.add(Task::Guest(id), clamp_delay(delay_ms as f64), false);
        self.scheduled.insert(id, timer);
        id
    }

    /// Cancels event `id` (unknown ids are ignored).
    pub fn clear(&mut self, timers: &mut Timers, id: i32) {
        if let Some(timer) = self.scheduled.remove(&id) {
            timers.clear(timer);
        }
    }

    /// Is event `id` still scheduled (not cleared by the guest)?
    pub fn is_scheduled(&self, id: i32) -> bool {
        self.scheduled.contains_key(&id)
    }
}

/// Host-guest nesting allowed by default: where Node throws "Maximum call stack size
/// exceeded" for two functions calling each other through the host.
pub const DEFAULT_MAX_DEPTH: u32 = 10_000;

/// Native stack a nested call needs left, or it fails as too deep (the engines' own frames
/// for one more entry into the guest, with room to spare).
const STACK_RESERVE: usize = 1 << 20;

/// The state of one guest.
pub struct Host {
    /// The JS world.
    pub realm: Realm,
    /// Go's references to JS values.
    pub table: ValueTable,
    /// The Go object (`_pendingEvent`, `_makeFuncWrapper`).
    pub go: Obj,
    /// The guest's timeout events (their timers are in the realm's queue).
    pub go_timers: GoTimers,
    /// The exit status, once `runtime.wasmExit` ran.
    pub exited: Option<i32>,
    /// When set, the guest is stopped once this instant passes.
    pub deadline: Option<Instant>,
    /// How deeply host code and the guest call each other now (`js.FuncOf` calls in progress).
    pub(crate) depth: u32,
    /// The deepest nesting allowed ([`crate::Config::max_nesting`]).
    pub(crate) max_depth: u32,
    /// Native stack the nesting may use ([`crate::Settings::max_wasm_stack`]).
    pub(crate) stack_budget: usize,
    /// Native stack left when the outermost nested call began.
    stack_origin: usize,
    /// Imports called since the deadline was last checked.
    pub(crate) calls: u32,
    /// How far the guest's wasm memory may grow.
    pub(crate) memory_cap: crate::limits::MemoryCap,
    /// The memory the guest's JS values hold, and its limit.
    pub heap: Rc<Heap>,
    /// A limit the guest reached, if any: the run ends with this error rather than the
    /// guest's own outcome (Go reports a failed allocation, or a JS exception, its own way).
    pub(crate) limit_reached: Option<Limit>,
    /// How many times host code has resumed the guest (a `js.FuncOf` call). Go's stack
    /// pointer can only move while Go code runs, so an import that saw this unchanged since
    /// it read its arguments can skip asking the guest for it again.
    pub(crate) reentries: u64,
    /// The host's preemption mark on a goroutine, while it may still be unspent
    /// ([`crate::engine::glue::mark_for_preemption`]).
    pub(crate) preempt_mark: Option<PreemptMark>,
}

/// A goroutine the host marked for preemption to move its guest ([`crate::tier_up`]), and
/// the stack guard the mark replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PreemptMark {
    /// The address of Go's `g`.
    pub g: u64,
    /// Its `stackguard0` before the mark.
    pub guard: u64,
}

impl Host {
    /// A host with the standard JS world and Node's `fs`, `process`, `path`, `console` and
    /// the waPC object installed.
    pub fn new(stdio: Stdio, process: ProcessInfo) -> Host {
        let heap = Heap::new(crate::js::heap::DEFAULT_LIMIT);
        let _charged_to = heap.enter();
        let mut realm = crate::js::new_realm();
        realm.insert_slot(stdio);
        let umask = process.umask as u32;
        crate::node::install(&mut realm, process);
        crate::fs::install(&mut realm, umask);
        crate::wapc::install(&mut realm);
        let go = go_object();
        Host {
            table: ValueTable::new(realm.global.clone(), go.clone()),
            realm,
            go,
            go_timers: GoTimers::default(),
            exited: None,
            deadline: None,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
            calls: 0,
            stack_budget: crate::Settings::default().max_wasm_stack,
            stack_origin: 0,
            memory_cap: crate::limits::MemoryCap::default(),
            heap: heap.clone(),
            limit_reached: None,
            reentries: 0,
            preempt_mark: None,
        }
    }

    /// Whether the host set `_pendingEvent` and Go has not read it yet: Go must not switch
    /// goroutines before it does, since another goroutine's call into Go would replace it.
    #[cfg(any(feature = "wasmtime", feature = "wasmi"))]
    pub(crate) fn event_unread(&self) -> bool {
        !matches!(self.go.own("_pendingEvent"), Value::Null | Value::Undefined)
    }

    /// An empty host standing in for `like` while its guest moves to another engine
    /// ([`crate::tier_up`]): the engine instantiates with it, and `like` is swapped in
    /// once the guest's state is there. It has `like`'s deadline and memory cap, the two
    /// things an engine reads from the host when it instantiates.
    pub(crate) fn stand_in(like: &Host) -> Host {
        let stdio = Stdio {
            stdin: Box::new(std::io::empty()),
            stdin_fd: None,
            stdout: Box::new(std::io::sink()),
            stderr: Box::new(std::io::sink()),
        };
        let mut host = Host::new(stdio, ProcessInfo::current());
        host.deadline = like.deadline;
        host.memory_cap = like.memory_cap.clone();
        host
    }

    /// Measures the JS heap when enough was made since the last measure; the limit error
    /// if the guest holds more than its limit.
    pub fn check_js_heap(&mut self) -> Result<(), Abort> {
        if !self.heap.measure_due() {
            return Ok(());
        }
        self.heap.measure(self.table.held_bytes());
        match self.heap.exceeded() {
            Some(abort) => {
                if let Abort::Limit(limit) = abort {
                    self.limit_reached = Some(limit);
                }
                Err(abort)
            }
            None => Ok(()),
        }
    }

    /// The standard streams.
    pub fn stdio(&mut self) -> &mut Stdio {
        self.realm
            .slot::<Stdio>()
            .expect("Host::new installs the standard streams")
    }

    /// The waPC state.
    pub fn wapc(&mut self) -> &mut crate::wapc::Wapc {
        self.realm
            .slot::<crate::wapc::Wapc>()
            .expect("Host::new installs the waPC state")
    }

    /// The file-system state.
    pub fn fs(&mut self) -> &mut crate::fs::FsState {
        self.realm
            .slot::<crate::fs::FsState>()
            .expect("Host::new installs the file-system state")
    }

    /// Enters one more level of host-guest nesting, or refuses as JS does when it is too
    /// deep: past [`crate::Config::max_nesting`] levels, or when the levels would use more
    /// native stack than the wasm stack allows (wasmtime counts every level's frames against
    /// one wasm stack), or leave the thread less than it needs for one more level.
    pub fn enter_nested(&mut self) -> bool {
        let stack_left = stacker::remaining_stack().unwrap_or(usize::MAX);
        if self.depth == 0 {
            self.stack_origin = stack_left;
        }
        let used = self.stack_origin.saturating_sub(stack_left);
        let too_deep = self.depth >= self.max_depth
            || stack_left < STACK_RESERVE
            || used.saturating_add(STACK_RESERVE) > self.stack_budget;
        if too_deep {
            self.limit_reached = Some(Limit::Nesting(self.max_depth));
            return false;
        }
        self.depth += 1;
        true
    }

    /// Leaves a level entered with [`Host::enter_nested`].
    pub fn leave_nested(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Every 64th import call, whether the deadline has passed.
    pub fn deadline_passed(&mut self) -> bool {
        self.calls += 1;
        if self.calls < 64 {
            return false;
        }
        self.calls = 0;
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Installs `fetch` for these hosts ([`crate::Config::allow_net`]); with none, or
    /// without the `net` feature, the guest has no `fetch`.
    pub fn allow_net(&mut self, hosts: &[String]) {
        #[cfg(feature = "net")]
        {
            let allow = crate::net::AllowList::new(hosts);
            if !allow.is_empty() {
                let _charged_to = self.heap.enter();
                crate::net::install(&mut self.realm, allow);
            }
        }
        #[cfg(not(feature = "net"))]
        let _ = hosts;
    }

    /// Sets a global property.
    pub fn set_global(&mut self, name: &str, v: Value) {
        self.realm.define_global(name, v);
    }
}

impl Drop for Host {
    /// Frees the guest's JS world: its objects form cycles that outlive the realm otherwise
    /// (hundreds of KiB per instance, and everything the guest made).
    fn drop(&mut self) {
        self.heap.release_all();
    }
}

/// The Go object: what `syscall/js` reaches as `jsGo`. `_makeFuncWrapper(id)` makes the JS
/// function that stands for the Go function `id`.
fn go_object() -> Obj {
    let go = Obj::plain();
    go.set("_pendingEvent", Value::Null);
    go.set(
        "_makeFuncWrapper",
        native(|_, _, args| {
            let id = arg(args, 0).to_number();
            Ok(Value::Object(Obj::function(
                Callable::Foreign(id as u32),
                None,
            )))
        }),
    );
    go
}
