//! A guest that starts on the interpreter and moves to compiled code once that is ready
//! (see [`crate::tier_up`]). It stands between the instance and the engine's backend, so
//! every call into the guest from the top level can first move it, or finish on compiled
//! code a call that the interpreter stopped on the way.

use std::any::Any;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::state::Snapshot;
use super::Backend;
use super::{Compiled, EngineImpl};
use crate::error::Abort;
use crate::guest::{call_go, Guest, MemoryFn};
use crate::host::Host;
use crate::js::{Agent, JsResult, Value};

/// Compiled code an interpreted instance moves to, made on a background thread.
pub struct Upgrade {
    /// The engine that compiles it (and instantiates it).
    pub engine: Arc<dyn EngineImpl>,
    /// Set once compiling ended: `None` if it failed (the guest then stays interpreted).
    pub code: OnceLock<Option<Compiled>>,
    /// What instances on this code move to next (optimized code after baseline code).
    pub then: Option<Arc<Upgrade>>,
    /// Not ready before this instant, though made ([`crate::Settings::move_again_after`]).
    pub not_before: Option<Instant>,
}

impl Upgrade {
    /// Code compiled by `engine`, to be made.
    pub fn new(engine: Arc<dyn EngineImpl>, then: Option<Arc<Upgrade>>) -> Upgrade {
        Upgrade {
            engine,
            code: OnceLock::new(),
            then,
            not_before: None,
        }
    }

    /// The code, once compiled (and its time has come).
    pub fn ready(&self) -> Option<&Compiled> {
        if self.not_before.is_some_and(|t| Instant::now() < t) {
            return None;
        }
        self.code.get()?.as_ref()
    }

    /// Whether this is a move for testing ([`crate::Settings::move_again_after`]).
    #[cfg(feature = "wasmtime")]
    pub fn restless(&self) -> bool {
        self.not_before.is_some()
    }

    /// Whether the code is ready, or compiling it failed.
    fn settled(&self) -> bool {
        self.not_before.is_none_or(|t| Instant::now() >= t) && self.code.get().is_some()
    }

    /// Waits until this code and the code after it are compiled (or failed).
    pub fn wait_all(&self) {
        self.code.wait();
        if let Some(next) = &self.then {
            next.wait_all();
        }
    }
}

/// Where an interpreted instance stands with its move.
pub struct Pending {
    pub upgrade: Arc<Upgrade>,
    /// Whether the engine enforces the instance's deadline inside running code.
    pub timeout: bool,
    /// Keeps the runtime's background compiles going while the instance may move.
    pub interest: Arc<()>,
    /// [`crate::Settings::move_again_after`].
    pub move_again_after: Option<Duration>,
}

/// The instance's backend while its guest may still move.
pub(crate) struct Tiered {
    current: Box<dyn Backend>,
    /// Until the guest moved, or gave up moving.
    pending: Option<Pending>,
    interpreted: bool,
    moves: u32,
}

impl Tiered {
    /// `current` (an instance on the interpreter if `interpreted`, else on baseline code)
    /// moving to `pending`'s code.
    pub(crate) fn new(
        mut current: Box<dyn Backend>,
        pending: Pending,
        interpreted: bool,
    ) -> Tiered {
        current.arm(Some(pending.upgrade.clone()));
        Tiered {
            current,
            pending: Some(pending),
            interpreted,
            moves: 0,
        }
    }

    /// Moves the guest if its code is ready (or compiling failed), or, if instances wait,
    /// once it is. Only called when no guest code is running.
    fn move_if_ready(&mut self) {
        let Some(pending) = &self.pending else { return };
        if pending.upgrade.settled() {
            self.move_now();
        }
    }

    /// Moves the guest to its better code, and gets ready for the next move. If there is
    /// none (compiling failed) or it cannot take the guest (no memory for a second
    /// instance), the guest stays where it is, which no longer asks it to stop.
    fn move_now(&mut self) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        if self.try_move(&pending.upgrade, pending.timeout).is_none() {
            self.current.arm(None);
            return;
        }
        let next = match (&pending.upgrade.then, pending.move_again_after) {
            (Some(next), _) => next.clone(),
            (None, Some(after)) => Arc::new(Upgrade {
                code: OnceLock::from(pending.upgrade.code.get().cloned().flatten()),
                not_before: Instant::now().checked_add(after),
                ..Upgrade::new(pending.upgrade.engine.clone(), None)
            }),
            (None, None) => return,
        };
        self.current.arm(Some(next.clone()));
        self.pending = Some(Pending {
            upgrade: next,
            timeout: pending.timeout,
            interest: pending.interest,
            move_again_after: pending.move_again_after,
        });
    }

    fn try_move(&mut self, upgrade: &Upgrade, timeout: bool) -> Option<()> {
        let code = upgrade.ready()?;
        let snapshot = self.current.snapshot().ok()?;
        let stand_in = Host::stand_in(self.current.guest().host());
        let mut next = upgrade.engine.instantiate(code, stand_in, timeout).ok()?;
        next.restore(&snapshot).ok()?;
        std::mem::swap(self.current.guest().host(), next.guest().host());
        self.current = next;
        self.interpreted = false;
        self.moves += 1;
        Some(())
    }

    /// Finishes a call from the top level: while the guest's loop stopped as asked, move
    /// it and carry out the pending goroutine switch (on the interpreter if it could not
    /// move).
    fn finish(&mut self, mut r: Result<(), Abort>) -> Result<(), Abort> {
        while r.is_ok() && self.current.take_preempted() {
            self.move_now();
            r = self.current.continue_loop();
        }
        r
    }
}

impl Backend for Tiered {
    fn guest(&mut self) -> &mut dyn Guest {
        self
    }

    fn start(&mut self, argc: i32, argv: i32) -> Result<(), Abort> {
        let r = self.current.start(argc, argv);
        self.finish(r)
    }

    fn snapshot(&mut self) -> Result<Snapshot, Abort> {
        self.current.snapshot()
    }

    fn restore(&mut self, snapshot: &Snapshot) -> Result<(), Abort> {
        self.current.restore(snapshot)
    }

    fn continue_loop(&mut self) -> Result<(), Abort> {
        let r = self.current.continue_loop();
        self.finish(r)
    }

    fn arm(&mut self, upgrade: Option<Arc<Upgrade>>) {
        self.current.arm(upgrade)
    }

    fn take_preempted(&mut self) -> bool {
        false // finished before returning
    }

    fn is_tiering(&self) -> bool {
        self.interpreted
    }

    fn moves(&self) -> u32 {
        self.moves
    }
}

impl Guest for Tiered {
    fn host(&mut self) -> &mut Host {
        self.current.guest().host()
    }

    fn with_memory(&mut self, f: &mut MemoryFn<'_>) -> Result<(), Abort> {
        self.current.guest().with_memory(f)
    }

    fn resume(&mut self) -> Result<(), Abort> {
        self.move_if_ready();
        let r = self.current.guest().resume();
        self.finish(r)
    }

    fn getsp(&mut self) -> Result<u32, Abort> {
        self.current.guest().getsp()
    }
}

impl Agent for Tiered {
    fn realm_any(&mut self) -> &mut dyn Any {
        self.current.guest().realm_any()
    }

    fn call_foreign(&mut self, id: u32, this: &Value, args: &[Value]) -> JsResult {
        call_go(self, id, this, args)
    }
}
