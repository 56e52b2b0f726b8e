//! A realm: the global object, the intrinsic prototypes, the clocks, and the slots where the
//! host keeps the state of the objects it installs (fs, process, waPC). The built-ins are
//! installed by [`super::new_realm`].

use std::any::{Any, TypeId};
use std::collections::HashMap;

use super::clock::Clock;
use super::value::{attrs, Agent, Class, Kind, Obj, ObjectData, Proto, Value};

impl dyn Agent + '_ {
    /// The realm this agent runs in.
    pub fn realm(&mut self) -> &mut Realm {
        self.realm_any()
            .downcast_mut::<Realm>()
            .expect("an agent's realm_any is its Realm")
    }
}

/// The JS world of one guest.
pub struct Realm {
    /// `globalThis`.
    pub global: Obj,
    /// The intrinsic prototypes, by [`Class::slot`].
    protos: Vec<Obj>,
    /// `%TypedArray%.prototype`, which every typed array prototype inherits from.
    pub typed_array_proto: Obj,
    /// The clocks `Date` and `performance` read.
    pub clock: Clock,
    /// State of objects the host installs, one value per type.
    slots: HashMap<TypeId, Box<dyn Any>, foldhash::fast::RandomState>,
}

fn bare() -> Obj {
    Obj::with_proto(Class::Object, Kind::Ordinary, Proto::Null)
}

impl Realm {
    /// A realm with the intrinsic prototypes linked and nothing installed yet.
    pub fn empty() -> Realm {
        let object_proto = bare();
        let protos: Vec<Obj> = (0..Class::COUNT).map(|_| bare()).collect();
        let typed_array_proto = bare();
        let mut realm = Realm {
            global: bare(),
            protos,
            typed_array_proto,
            clock: Clock::new(),
            slots: HashMap::default(),
        };
        // Every prototype inherits from Object.prototype, typed arrays' through
        // %TypedArray%.prototype and errors' through Error.prototype.
        realm.protos[Class::Object.slot()] = object_proto.clone();
        let error_proto = realm.proto(Class::Error(super::value::ErrorType::Error));
        for (slot, p) in realm.protos.iter().enumerate() {
            let parent = match slot {
                s if s == Class::Object.slot() => continue,
                s if (4..4 + super::typed::TypedKind::ALL.len()).contains(&s) => {
                    realm.typed_array_proto.clone()
                }
                s if s > 4 + super::typed::TypedKind::ALL.len() => error_proto.clone(),
                _ => object_proto.clone(),
            };
            p.borrow_mut().proto = Proto::Object(parent);
        }
        realm.typed_array_proto.borrow_mut().proto = Proto::Object(object_proto.clone());
        realm.global.borrow_mut().proto = Proto::Object(object_proto);
        realm
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

    /// Puts `value` into the global object as `globalThis[name] = value` would. This is how
    /// the host installs `fs`, `process` and `wapc`, and how embedders add their globals.
    pub fn define_global(&mut self, name: &str, value: Value) {
        self.global.define(name, value, attrs::DEFAULT);
    }

    /// Installs a built-in global (not enumerable, as the standard ones are).
    pub fn define_builtin(&mut self, name: &str, value: Value) {
        self.global.define(name, value, attrs::HIDDEN);
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
