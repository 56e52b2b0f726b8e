//! The host state of one guest: its realm (the JS world with the objects the host installs),
//! the value table, the Go timers and the exit status. Every engine backend stores one `Host`
//! in its store; host functions reach it through [`crate::guest::Guest::host`].

use std::collections::HashMap;
use std::time::Instant;

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
    /// How many times host code has resumed the guest (a `js.FuncOf` call). Go's stack
    /// pointer can only move while Go code runs, so an import that saw this unchanged since
    /// it read its arguments can skip asking the guest for it again.
    pub(crate) reentries: u64,
}

impl Host {
    /// A host with the standard JS world and Node's `fs`, `process`, `path`, `console` and
    /// the waPC object installed.
    pub fn new(stdio: Stdio, process: ProcessInfo) -> Host {
        let mut realm = crate::js::new_realm();
        realm.insert_slot(stdio);
        crate::node::install(&mut realm, process);
        crate::fs::install(&mut realm);
        crate::wapc::install(&mut realm);
        let go = go_object();
        Host {
            table: ValueTable::new(realm.global.clone(), go.clone()),
            realm,
            go,
            go_timers: GoTimers::default(),
            exited: None,
            deadline: None,
            reentries: 0,
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

    /// Sets a global property.
    pub fn set_global(&mut self, name: &str, v: Value) {
        self.realm.define_global(name, v);
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
