//! How much host memory a guest's JS values hold, so a guest cannot grow the host without
//! bound ([`crate::Config::max_js_heap`]).
//!
//! Values live in the host, outside the wasm memory an engine limits. Every object is
//! registered, and strings, buffers and objects are charged, with the [`Heap`] current on
//! the thread as they are made. Charges only ever grow; once they exceed what the limit
//! leaves, the host measures: it sums the sizes of every object still alive (reachable or
//! not, so reference cycles count as the memory they keep) and of the strings Go holds
//! directly, and that measure replaces the charges. Only a measure over the limit stops the
//! guest, so programs that make and drop values keep running however much they churn.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::{Rc, Weak};

use super::value::{Kind, Obj, ObjectData, Value};
use crate::abort::{Abort, Limit};

/// Node's default old-space limit on a 64-bit machine, roughly: what a guest may hold by
/// default.
pub const DEFAULT_LIMIT: u64 = 4 << 30;

/// What an allocation costs besides its contents: reference counts, borrow flag, the
/// allocator's own header and rounding.
const ALLOCATION_BYTES: usize = 48;
/// What one object costs before its properties.
const OBJECT_BYTES: u64 = (std::mem::size_of::<ObjectData>() + ALLOCATION_BYTES) as u64;
/// What one property slot costs besides its key's and value's contents: the entry, its hash
/// and its index in the table.
const PROPERTY_BYTES: usize =
    std::mem::size_of::<(super::JsStr, super::value::Prop)>() + 3 * std::mem::size_of::<usize>();
/// Strings at least this long are counted once however many values share them; shorter
/// ones are counted at each use (cheaper than remembering them, and at most a small
/// overestimate).
const SHARED_STRING_BYTES: usize = 256;

/// The JS heap account of one guest.
pub struct Heap {
    limit: Cell<u64>,
    /// Every object made while this heap was current, alive or not (pruned when measured).
    objects: RefCell<Vec<Weak<RefCell<ObjectData>>>>,
    /// Bytes alive at the last measure.
    measured: Cell<u64>,
    /// Bytes charged since (shared with [`super::charge`], which strings and buffers use).
    charged: Rc<Cell<u64>>,
    /// Objects alive at the last measure.
    objects_measured: Cell<usize>,
}

/// Lists the values a built-in's host state holds (a Map's entries, a Promise's reactions),
/// for the states it knows; others it leaves alone.
pub type HeldValues = fn(&dyn std::any::Any, &mut Vec<Value>);

/// The built-ins' [`HeldValues`], registered as they are installed.
static WALKERS: std::sync::RwLock<Vec<HeldValues>> = std::sync::RwLock::new(Vec::new());

/// Counts what states of a built-in hold: the built-in registers `walk` when installed.
pub fn count_held_values(walk: HeldValues) {
    let mut w = WALKERS.write().unwrap_or_else(|e| e.into_inner());
    if !w.iter().any(|f| std::ptr::fn_addr_eq(*f, walk)) {
        w.push(walk);
    }
}

fn walkers() -> Vec<HeldValues> {
    WALKERS.read().unwrap_or_else(|e| e.into_inner()).clone()
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Heap>>> = const { RefCell::new(None) };
}

/// While alive, the heap that values made on this thread are charged to.
pub struct Scope {
    previous: Option<Rc<Heap>>,
    previous_sink: Option<Rc<Cell<u64>>>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        super::charge::replace_sink(self.previous_sink.take());
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

impl Heap {
    /// An empty account limited to `limit` bytes.
    pub fn new(limit: u64) -> Rc<Heap> {
        Rc::new(Heap {
            limit: Cell::new(limit),
            objects: RefCell::new(Vec::new()),
            measured: Cell::new(0),
            charged: Rc::new(Cell::new(0)),
            objects_measured: Cell::new(0),
        })
    }

    /// Changes the limit.
    pub fn set_limit(&self, limit: u64) {
        self.limit.set(limit);
    }

    /// Makes this heap the one charged on this thread until the scope ends.
    pub fn enter(self: &Rc<Heap>) -> Scope {
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let previous_sink = super::charge::replace_sink(Some(self.charged.clone()));
        Scope {
            previous,
            previous_sink,
        }
    }

    /// Is a measure due: charges beyond what the limit leaves (at least an eighth of the
    /// limit, so a guest living near its limit is not measured at every step), or many
    /// objects registered since the last one?
    pub fn measure_due(&self) -> bool {
        let limit = self.limit.get();
        let room = limit.saturating_sub(self.measured.get()).max(limit / 8);
        self.charged.get() > room
            || self.objects.borrow().len() > 2 * self.objects_measured.get() + 65_536
    }

    /// Measures what is alive: every registered object that still lives, plus `outside`
    /// bytes held elsewhere (strings in the value table). Forgets dead objects and resets
    /// the charges. Returns the measure.
    pub fn measure(&self, outside: u64) -> u64 {
        let mut sizer = Sizer {
            walkers: walkers(),
            ..Sizer::default()
        };
        let mut objects = self.objects.borrow_mut();
        objects.retain(|weak| match weak.upgrade() {
            Some(o) => {
                sizer.object(&o);
                true
            }
            None => false,
        });
        let total = sizer.bytes.saturating_add(outside);
        self.objects_measured.set(objects.len());
        self.measured.set(total);
        self.charged.set(0);
        total
    }

    /// The limit error, if the last measure exceeded the limit.
    pub fn exceeded(&self) -> Option<Abort> {
        (self.measured.get() > self.limit.get())
            .then(|| Abort::Limit(Limit::JsHeap(self.limit.get())))
    }
}

fn with_current(f: impl FnOnce(&Heap)) {
    CURRENT.with(|c| {
        if let Some(heap) = c.borrow().as_ref() {
            f(heap)
        }
    })
}

pub use super::charge::charge;

/// Registers a new object with the current heap.
pub(crate) fn register(o: &Obj) {
    with_current(|heap| {
        heap.objects.borrow_mut().push(Rc::downgrade(&o.0));
        heap.charged
            .set(heap.charged.get().saturating_add(OBJECT_BYTES));
    })
}

/// Refuses, before it is made, one value of `bytes` that could not fit in what the current
/// heap's limit leaves (an allocation that large would stop the host before any measure).
pub fn reserve(bytes: usize) -> Result<(), Abort> {
    let mut result = Ok(());
    with_current(|heap| {
        let room = heap.limit.get().saturating_sub(heap.measured.get());
        if bytes as u64 > room {
            result = Err(Abort::Limit(Limit::JsHeap(heap.limit.get())));
        }
    });
    result
}

/// Adds up sizes, counting each long string and each buffer once.
#[derive(Default)]
struct Sizer {
    bytes: u64,
    seen: HashSet<usize>,
    /// The built-ins' [`HeldValues`].
    walkers: Vec<HeldValues>,
}

impl Sizer {
    fn add(&mut self, n: usize) {
        self.bytes = self.bytes.saturating_add(n as u64);
    }

    fn once(&mut self, addr: usize, n: usize) {
        if self.seen.insert(addr) {
            self.add(n);
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::String(s) if s.as_bytes().len() >= SHARED_STRING_BYTES => {
                self.once(s.as_bytes().as_ptr() as usize, s.as_bytes().len())
            }
            Value::String(s) => self.add(s.as_bytes().len() + ALLOCATION_BYTES),
            Value::BigInt(b) => self.add(b.bits() as usize / 8 + 16),
            _ => {}
        }
    }

    fn object(&mut self, o: &Rc<RefCell<ObjectData>>) {
        self.add(OBJECT_BYTES as usize);
        // An object being changed right now is counted bare; the next measure sees it.
        let Ok(data) = o.try_borrow() else { return };
        self.add(data.props.capacity() * PROPERTY_BYTES);
        for (key, prop) in &data.props {
            self.add(key.as_bytes().len() + ALLOCATION_BYTES);
            self.value(&prop.value);
        }
        for (_, prop) in &data.symbols {
            self.add(PROPERTY_BYTES);
            self.value(&prop.value);
        }
        match &data.kind {
            Kind::Array(items) => {
                self.add(items.capacity() * std::mem::size_of::<Value>());
                items.iter().for_each(|v| self.value(v));
            }
            Kind::Typed(t) => self.once(Rc::as_ptr(&t.buffer) as usize, t.buffer.len()),
            Kind::ArrayBuffer(b) => self.once(Rc::as_ptr(b) as usize, b.len()),
            Kind::Primitive(v) => self.value(v),
            Kind::Accessor(pair) => {
                self.value(&pair.0);
                self.value(&pair.1);
            }
            Kind::Host(state) => {
                let mut held = Vec::new();
                for walk in &self.walkers {
                    walk(state.as_ref(), &mut held);
                }
                self.add(held.len() * std::mem::size_of::<Value>() * 2);
                held.iter().for_each(|v| self.value(v));
            }
            Kind::Ordinary | Kind::Function(_) | Kind::Date(_) | Kind::Proxy(_) => {}
        }
    }
}

impl Heap {
    /// Empties every object made on this heap that still lives (its properties, elements,
    /// host state and prototype), for a guest being dropped: its objects refer to each other
    /// in cycles (a prototype and its constructor, the global object and `globalThis`, any
    /// the guest made) that reference counting alone never frees.
    pub fn release_all(&self) {
        let objects = std::mem::take(&mut *self.objects.borrow_mut());
        for weak in objects {
            let Some(o) = weak.upgrade() else { continue };
            let parts = match o.try_borrow_mut() {
                Ok(mut data) => (
                    std::mem::take(&mut data.props),
                    std::mem::take(&mut data.symbols),
                    std::mem::replace(&mut data.kind, Kind::Ordinary),
                    std::mem::take(&mut data.proto),
                ),
                Err(_) => continue,
            };
            // Dropped with no borrow held: they may hold the last references to others.
            drop(parts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::js::JsStr;

    #[test]
    fn release_all_frees_cycles() {
        let heap = Heap::new(1 << 30);
        let weak = {
            let _scope = heap.enter();
            let a = Obj::plain();
            let b = Obj::plain();
            a.set("peer", Value::Object(b.clone()));
            b.set("peer", Value::Object(a.clone()));
            Rc::downgrade(&a.0)
        };
        assert!(
            weak.upgrade().is_some(),
            "a cycle outlives its last outside reference"
        );
        heap.release_all();
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn charges_trigger_a_measure_that_counts_only_what_lives() {
        let heap = Heap::new(1 << 20);
        let scope = heap.enter();
        let kept = Obj::plain();
        kept.set("big", Value::String(JsStr::from("x".repeat(600_000))));
        for _ in 0..4 {
            // Made and dropped at once: charged, but not alive when measured.
            drop(Value::String(JsStr::from("y".repeat(600_000))));
        }
        drop(scope);
        assert!(heap.measure_due(), "2.4 MB charged against a 1 MiB limit");
        let live = heap.measure(0);
        assert!((600_000..700_000).contains(&live), "measured {live}");
        assert!(heap.exceeded().is_none());
        assert!(!heap.measure_due());
    }

    #[test]
    fn cycles_count_as_the_memory_they_keep() {
        let heap = Heap::new(1 << 20);
        {
            let _scope = heap.enter();
            for _ in 0..3 {
                let o = Obj::plain();
                o.set("self", Value::Object(o.clone()));
                o.set("data", Value::String(JsStr::from("z".repeat(400_000))));
            }
        }
        assert!(heap.measure(0) > 1 << 20);
        assert!(matches!(
            heap.exceeded(),
            Some(Abort::Limit(Limit::JsHeap(_)))
        ));
    }

    #[test]
    fn shared_strings_are_counted_once() {
        let heap = Heap::new(1 << 30);
        let _scope = heap.enter();
        let s = Value::String(JsStr::from("s".repeat(100_000)));
        let array = Obj::array(vec![s.clone(); 1000]);
        let live = heap.measure(0);
        assert!(live < 200_000, "measured {live}");
        drop(array);
    }

    #[test]
    fn reserve_refuses_what_cannot_fit() {
        let heap = Heap::new(1 << 20);
        let _scope = heap.enter();
        assert!(reserve(1 << 19).is_ok());
        assert!(reserve(2 << 20).is_err());
    }
}
