//! A realm: the global object, the intrinsic prototypes, the well-known symbols, the clocks,
//! the time zone, the microtask and timer queues, and the slots where the host keeps the state
//! of the objects it installs (fs, process, waPC). The built-ins are installed by
//! [`super::new_realm`].

use std::any::{Any, TypeId};
use std::collections::{HashMap, VecDeque};

use super::clock::Clock;
use super::string::JsStr;
use super::timers::Timers;
use super::typed::TypedKind;
use super::tz::TimeZone;
use super::value::{
    attrs, Agent, Class, Intrinsic, JsResult, Kind, Obj, ObjectData, Proto, Sym, Value,
};

impl dyn Agent + '_ {
    /// The realm this agent runs in.
    pub fn realm(&mut self) -> &mut Realm {
        self.realm_any()
            .downcast_mut::<Realm>()
            .expect("an agent's realm_any is its Realm")
    }
}

/// The well-known symbols.
#[allow(missing_docs)]
pub struct WellKnown {
    pub iterator: Sym,
    pub async_iterator: Sym,
    pub has_instance: Sym,
    pub to_primitive: Sym,
    pub to_string_tag: Sym,
}

/// A microtask: a promise reaction, a `queueMicrotask` callback.
pub type Job = Box<dyn FnOnce(&mut dyn Agent) -> JsResult<()>>;

/// The JS world of one guest.
pub struct Realm {
    /// `globalThis`.
    pub global: Obj,
    /// The intrinsic prototypes, by [`Class::slot`].
    protos: Vec<Obj>,
    /// `%TypedArray%.prototype`, which every typed array prototype inherits from.
    pub typed_array_proto: Obj,
    /// The well-known symbols (`Symbol.iterator`, ...).
    pub symbols: WellKnown,
    /// `Symbol.for`'s registry.
    pub registry: HashMap<JsStr, Sym>,
    /// The clocks `Date` and `performance` read.
    pub clock: Clock,
    /// The local time zone `Date` uses.
    pub tz: TimeZone,
    /// Microtasks, run in order whenever the JS stack empties.
    pub jobs: VecDeque<Job>,
    /// Timers, run by the event loop.
    pub timers: Timers,
    /// Completed I/O whose callbacks the event loop runs next (Node's poll phase).
    pub io: VecDeque<super::timers::Task>,
    /// Promises rejected with no handler yet, checked after each microtask checkpoint.
    pub unhandled: Vec<Obj>,
    /// How proxies behave (set when `Proxy` is installed).
    pub proxy_traps: Option<&'static dyn super::exotic::ProxyTraps>,
    /// State of objects the host installs, one value per type.
    slots: HashMap<TypeId, Box<dyn Any>, foldhash::fast::RandomState>,
}

fn bare() -> Obj {
    Obj::with_proto(Class::Object, Kind::Ordinary, Proto::Null)
}

fn symbol(description: &str) -> Sym {
    Sym::new(Some(JsStr::from(description)))
}

impl Realm {
    /// A realm with the intrinsic prototypes linked and nothing installed yet.
    pub fn empty() -> Realm {
        let protos: Vec<Obj> = (0..Class::COUNT).map(|_| bare()).collect();
        let realm = Realm {
            global: bare(),
            protos,
            typed_array_proto: bare(),
            symbols: WellKnown {
                iterator: symbol("Symbol.iterator"),
                async_iterator: symbol("Symbol.asyncIterator"),
                has_instance: symbol("Symbol.hasInstance"),
                to_primitive: symbol("Symbol.toPrimitive"),
                to_string_tag: symbol("Symbol.toStringTag"),
            },
            registry: HashMap::new(),
            clock: Clock::new(),
            tz: TimeZone::local(),
            jobs: VecDeque::new(),
            timers: Timers::default(),
            io: VecDeque::new(),
            unhandled: Vec::new(),
            proxy_traps: None,
            slots: HashMap::default(),
        };
        realm.link_protos();
        realm
    }

    /// Every prototype inherits from `Object.prototype` (directly, or through its class's
    /// parent; typed arrays' through `%TypedArray%.prototype`).
    fn link_protos(&self) {
        let object_proto = self.proto(Class::Object);
        for kind in TypedKind::ALL {
            let p = self.proto(Class::Typed(kind));
            p.borrow_mut().proto = Proto::Object(self.typed_array_proto.clone());
        }
        let classes = (0..Intrinsic::COUNT)
            .map(intrinsic)
            .map(Class::Other)
            .chain(super::value::ErrorType::ALL.map(Class::Error))
            .chain([Class::Function, Class::Array, Class::Date]);
        for class in classes {
            let parent = class
                .parent()
                .map_or(object_proto.clone(), |c| self.proto(c));
            self.proto(class).borrow_mut().proto = Proto::Object(parent);
        }
        self.typed_array_proto.borrow_mut().proto = Proto::Object(object_proto.clone());
        self.global.borrow_mut().proto = Proto::Object(object_proto);
    }

    /// The intrinsic prototype of `class`.
    pub fn proto(&self, class: Class) -> Obj {
        self.protos[class.slot()].clone()
    }

    /// The prototype an object inherits from.
    pub fn proto_of(&self, data: &ObjectData) -> Option<Obj> {
        match &data.proto {
            Proto::Intrinsic => Some(self.proto(data.class)),
            Proto::Null => None,
            Proto::Object(o) => Some(o.clone()),
        }
    }

    /// The prototype whose methods a primitive value has (`String.prototype` for strings).
    pub fn primitive_proto(&self, v: &Value) -> Obj {
        let class = match v {
            Value::String(_) => Intrinsic::String,
            Value::Number(_) => Intrinsic::Number,
            Value::Bool(_) => Intrinsic::Boolean,
            Value::Symbol(_) => Intrinsic::Symbol,
            Value::BigInt(_) => Intrinsic::BigInt,
            _ => return self.proto(Class::Object),
        };
        self.proto(Class::Other(class))
    }

    /// Puts `value` into the global object as `globalThis[name] = value` would. This is how
    /// the host installs `fs`, `process` and `wapc`, and how embedders add their globals.
    pub fn define_global(&mut self, name: &str, value: Value) {
        self.global.define(name, value, attrs::DEFAULT);
    }

    /// Installs a built-in global (not enumerable, as the standard ones are).
    pub fn define_builtin(&mut self, name: &str, value: Value) {
        self.global.define(name, value, attrs::HIDDEN);
    }

    /// Queues a microtask.
    pub fn enqueue(&mut self, job: Job) {
        self.jobs.push_back(job);
    }

    /// Keeps `state` for the objects that need it (one value per type).
    pub fn insert_slot<T: 'static>(&mut self, state: T) {
        self.slots.insert(TypeId::of::<T>(), Box::new(state));
    }

    /// The state of type `T`, if the host put one.
    pub fn slot<T: 'static>(&mut self) -> Option<&mut T> {
        self.slots
            .get_mut(&TypeId::of::<T>())
            .and_then(|b| b.downcast_mut::<T>())
    }
}

/// The intrinsic of a dense index.
fn intrinsic(i: usize) -> Intrinsic {
    use Intrinsic::*;
    const ALL: [Intrinsic; Intrinsic::COUNT] = [
        String,
        Number,
        Boolean,
        Symbol,
        BigInt,
        Map,
        Set,
        WeakMap,
        WeakSet,
        WeakRef,
        Promise,
        RegExp,
        ArrayBuffer,
        DataView,
        Iterator,
        ArrayIterator,
        MapIterator,
        SetIterator,
        StringIterator,
        RegExpStringIterator,
        Url,
        UrlSearchParams,
        TextEncoder,
        TextDecoder,
        Headers,
        Request,
        Response,
        Blob,
        AbortController,
        AbortSignal,
        Timeout,
    ];
    ALL[i]
}

/// Runs microtasks until none is left (a microtask checkpoint). An exception a job lets
/// escape is uncaught: it ends the checkpoint and is returned.
pub fn run_microtasks(agent: &mut dyn Agent) -> JsResult<()> {
    while let Some(job) = agent.realm().jobs.pop_front() {
        job(agent)?;
    }
    Ok(())
}
