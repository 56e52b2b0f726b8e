//! Entry points for the fuzz targets (`fuzz/`), hidden from the docs and outside the stable
//! API: the `gojs` imports called directly, without an engine, against a guest whose
//! linear memory is a plain byte vector; and the disk cache's entry checks.
//!
//! Host code here is called the way an engine calls it, except that a panic is not turned
//! into a trap (`imports::guarded` does that for real guests): it reaches the caller,
//! so the fuzzer sees every panic as the bug it is.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use crate::abort::Abort;
use crate::cache::{DiskCache, EntryId};
use crate::error::Error;
use crate::guest::{call_go, Guest, MemoryFn};
use crate::host::Host;
use crate::imports::{self, Import};
use crate::instance::{Config, Instance};
use crate::js::{Agent, JsResult, Value};

/// Every `(sp i32)` function of the `gojs` module.
pub const GOJS_IMPORTS: &[&str] = &[
    "runtime.wasmExit",
    "runtime.wasmWrite",
    "runtime.resetMemoryDataView",
    "runtime.nanotime1",
    "runtime.walltime",
    "runtime.scheduleTimeoutEvent",
    "runtime.clearTimeoutEvent",
    "runtime.getRandomData",
    "syscall/js.finalizeRef",
    "syscall/js.stringVal",
    "syscall/js.valueGet",
    "syscall/js.valueSet",
    "syscall/js.valueDelete",
    "syscall/js.valueIndex",
    "syscall/js.valueSetIndex",
    "syscall/js.valueCall",
    "syscall/js.valueInvoke",
    "syscall/js.valueNew",
    "syscall/js.valueLength",
    "syscall/js.valuePrepareString",
    "syscall/js.valueLoadString",
    "syscall/js.valueInstanceOf",
    "syscall/js.copyBytesToGo",
    "syscall/js.copyBytesToJS",
];

/// A guest without an engine: memory is a vector, `getsp` answers a set value, and `resume`
/// (a call into a `js.FuncOf`) runs the next queued import call, as Go's event handler would
/// call imports of its own.
struct FakeGuest {
    host: Host,
    mem: Vec<u8>,
    sp: u32,
    nested: VecDeque<(String, u32)>,
}

impl Agent for FakeGuest {
    fn realm_any(&mut self) -> &mut dyn std::any::Any {
        &mut self.host.realm
    }

    fn call_foreign(&mut self, id: u32, this: &Value, args: &[Value]) -> JsResult {
        call_go(self, id, this, args)
    }
}

impl Guest for FakeGuest {
    fn host(&mut self) -> &mut Host {
        &mut self.host
    }

    fn with_memory(&mut self, f: &mut MemoryFn<'_>) -> Result<(), Abort> {
        f(self.mem.as_mut_slice(), &mut self.host)
    }

    fn resume(&mut self) -> Result<(), Abort> {
        match self.nested.pop_front() {
            Some((name, sp)) => call(self, &name, sp),
            None => Ok(()),
        }
    }

    fn getsp(&mut self) -> Result<u32, Abort> {
        Ok(self.sp)
    }
}

fn call(g: &mut FakeGuest, name: &str, sp: u32) -> Result<(), Abort> {
    match imports::lookup("gojs", name) {
        Some(Import::Sp(f)) => {
            f(g, sp)?;
            g.host.check_js_heap()
        }
        Some(Import::Debug) => imports::debug(g, sp as i32),
        _ => Err(Abort::Fault(format!("no gojs import {name:?}"))),
    }
}

/// One guest's host (the JS world, `fs` on an optional mount, a JS heap limit) and its
/// memory, for calling `gojs` imports with arbitrary arguments.
pub struct ImportSandbox {
    guest: FakeGuest,
}

impl ImportSandbox {
    /// A host whose guest has `memory` for linear memory and sees `mount` (if any) at `/`,
    /// with at most `max_js_heap` bytes of JS values and its output discarded.
    pub fn new(memory: Vec<u8>, mount: Option<&Path>, max_js_heap: u64) -> Result<Self, Error> {
        let mut config = Config::new()
            .stdout(std::io::sink())
            .stderr(std::io::sink())
            .max_js_heap(max_js_heap);
        if let Some(dir) = mount {
            config = config.mount(dir, "/", false);
        }
        let host = Instance::new_host(&mut config)?;
        Ok(ImportSandbox {
            guest: FakeGuest {
                host,
                mem: memory,
                sp: 0,
                nested: VecDeque::new(),
            },
        })
    }

    /// The guest's linear memory.
    pub fn memory(&mut self) -> &mut Vec<u8> {
        &mut self.guest.mem
    }

    /// What `getsp` answers from now on.
    pub fn set_sp(&mut self, sp: u32) {
        self.guest.sp = sp;
    }

    /// Queues an import call for the next time host code calls into Go (`js.FuncOf`).
    pub fn queue_nested(&mut self, name: &str, sp: u32) {
        self.guest.nested.push_back((name.to_string(), sp));
    }

    /// Calls the import `gojs::name` with stack pointer `sp`. `Err` is how the guest would
    /// stop (a fault for a wild pointer or unknown id, a trap, an exit, a limit): expected for
    /// arbitrary arguments. A panic is a bug and is not caught.
    pub fn call(&mut self, name: &str, sp: u32) -> Result<(), String> {
        let heap = self.guest.host.heap.clone();
        let _charged_to = heap.enter();
        call(&mut self.guest, name, sp).map_err(|a| a.to_string())
    }

    /// A bound on the value ids live now: ids below it are the ones worth naming.
    pub fn id_bound(&self) -> u32 {
        let table = &self.guest.host.table;
        let live = table.live() as u32;
        // Freed ids are reused, so live ones may lie above the count of live ones.
        (live..live + 64)
            .filter(|&id| table.get(id).is_some())
            .map(|id| id + 1)
            .max()
            .unwrap_or(live)
    }

    /// Runs the promise jobs queued (a microtask checkpoint, as the event loop makes after
    /// each call into the guest); an exception one lets escape is ignored.
    pub fn run_microtasks(&mut self) {
        let heap = self.guest.host.heap.clone();
        let _charged_to = heap.enter();
        let _ = crate::js::realm::run_microtasks(&mut self.guest);
    }

    /// The guest's exit status, once it called `runtime.wasmExit`.
    pub fn exited(&self) -> Option<i32> {
        self.guest.host.exited
    }
}

/// A disk cache in a directory of its own, for feeding its entry checks arbitrary bytes.
pub struct CacheSandbox {
    cache: DiskCache,
    dir: PathBuf,
}

fn entry_id(module: &str, engine: &str, settings: &str) -> EntryId {
    EntryId {
        module: module.into(),
        engine: engine.into(),
        settings: settings.into(),
    }
}

impl CacheSandbox {
    /// Opens (creating) the cache in `dir`.
    pub fn open(dir: &Path) -> std::io::Result<CacheSandbox> {
        Ok(CacheSandbox {
            cache: DiskCache::open(dir, u64::MAX)?,
            dir: dir.to_path_buf(),
        })
    }

    /// Writes an authentic entry; returns the entry file's bytes.
    pub fn write(
        &self,
        module: &str,
        engine: &str,
        settings: &str,
        payload: &[u8],
    ) -> std::io::Result<Vec<u8>> {
        let id = entry_id(module, engine, settings);
        self.cache.write(&id, payload)?;
        std::fs::read(self.cache.path(&id))
    }

    /// The payload `bytes` would yield as the entry for this id (no file involved).
    pub fn verify(
        &self,
        module: &str,
        engine: &str,
        settings: &str,
        bytes: &[u8],
    ) -> Option<Vec<u8>> {
        let id = entry_id(module, engine, settings);
        self.cache.verify(&id, bytes).map(<[u8]>::to_vec)
    }

    /// Puts `bytes` in the entry file for this id, then reads the entry as a compile would.
    pub fn read_file(
        &self,
        module: &str,
        engine: &str,
        settings: &str,
        bytes: &[u8],
    ) -> std::io::Result<Option<Vec<u8>>> {
        let id = entry_id(module, engine, settings);
        std::fs::write(self.cache.path(&id), bytes)?;
        Ok(self.cache.read(&id))
    }

    /// Replaces the key file with `bytes` and opens the cache again: a key file that is not
    /// a whole key (as a crash while writing it leaves) is replaced by a new key.
    pub fn reopen_with_key(&self, bytes: &[u8]) -> std::io::Result<CacheSandbox> {
        let key = self.dir.join(crate::cache::KEY_FILE);
        std::fs::write(&key, bytes)?;
        CacheSandbox::open(&self.dir)
    }
}
