//! [`JsObject`]: a reference from the embedder to an object living in a guest's world.
//!
//! The world's objects are reference-counted without atomics and never leave their instance.
//! A handle therefore holds no object: it names a slot of its instance's handle table, which
//! holds the object. Handles are `Send + Sync` plain data; dropping the last clone of one
//! queues its slot for release, and the instance frees it the next time the host enters it.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::js::{Obj, Realm};

/// Instance identities, so a handle is never resolved in another instance's table.
static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// What a [`JsObject`] shares among its clones.
struct HandleRef {
    instance: u64,
    slot: u32,
    released: Arc<Mutex<Vec<u32>>>,
}

impl Drop for HandleRef {
    fn drop(&mut self) {
        // A poisoned lock only means another thread panicked while pushing; the list is fine.
        let mut released = self.released.lock().unwrap_or_else(|e| e.into_inner());
        released.push(self.slot);
    }
}

/// An object (or function) that lives in a guest's world, referred to by the embedder.
///
/// Two handles are equal when they refer to the same object of the same instance: the guest
/// handing out one object twice gives equal handles. A handle can be passed back to the guest
/// as an argument ([`crate::JsValue::Handle`]), and used with [`crate::Instance::get`],
/// [`crate::Instance::set`], [`crate::Instance::call_method`] and [`crate::Instance::keys`].
/// The object stays alive while a clone of the handle does.
#[derive(Clone)]
pub struct JsObject(Arc<HandleRef>);

impl JsObject {
    /// The instance this handle belongs to (an opaque number, unique in the process).
    pub fn instance_id(&self) -> u64 {
        self.0.instance
    }
}

impl PartialEq for JsObject {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for JsObject {}

impl std::hash::Hash for JsObject {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.0) as usize).hash(state);
    }
}

impl fmt::Debug for JsObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsObject({}#{})", self.0.instance, self.0.slot)
    }
}

struct Slot {
    obj: Obj,
    handle: Weak<HandleRef>,
}

/// One instance's table of objects the embedder holds handles to.
pub(crate) struct Handles {
    instance: u64,
    slots: Vec<Option<Slot>>,
    by_addr: HashMap<usize, u32>,
    free: Vec<u32>,
    released: Arc<Mutex<Vec<u32>>>,
}

impl Handles {
    fn new() -> Handles {
        Handles {
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
            slots: Vec::new(),
            by_addr: HashMap::new(),
            free: Vec::new(),
            released: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The realm's table, made on first use.
    pub fn of(realm: &mut Realm) -> &mut Handles {
        if realm.slot::<Handles>().is_none() {
            realm.insert_slot(Handles::new());
        }
        realm.slot::<Handles>().expect("just inserted")
    }

    /// The handle for `o`: the same one while a clone of it lives.
    pub fn handle(&mut self, o: &Obj) -> JsObject {
        self.collect();
        if let Some(&slot) = self.by_addr.get(&o.addr()) {
            let live = self.slots[slot as usize]
                .as_ref()
                .and_then(|entry| entry.handle.upgrade());
            if let Some(h) = live {
                return JsObject(h);
            }
            // Every clone was dropped but the release is not collected yet: a new handle
            // takes the slot over (collecting checks the slot's handle before freeing it).
            let h = self.new_ref(slot);
            if let Some(entry) = self.slots[slot as usize].as_mut() {
                entry.handle = Arc::downgrade(&h);
            }
            return JsObject(h);
        }
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        let h = self.new_ref(slot);
        self.slots[slot as usize] = Some(Slot {
            obj: o.clone(),
            handle: Arc::downgrade(&h),
        });
        self.by_addr.insert(o.addr(), slot);
        JsObject(h)
    }

    fn new_ref(&self, slot: u32) -> Arc<HandleRef> {
        Arc::new(HandleRef {
            instance: self.instance,
            slot,
            released: self.released.clone(),
        })
    }

    /// The object `h` refers to; `None` for a handle of another instance.
    pub fn resolve(&self, h: &JsObject) -> Option<Obj> {
        if h.0.instance != self.instance {
            return None;
        }
        let entry = self.slots.get(h.0.slot as usize)?.as_ref()?;
        std::ptr::eq(entry.handle.as_ptr(), Arc::as_ptr(&h.0)).then(|| entry.obj.clone())
    }

    /// Frees the slots whose handles were all dropped.
    pub fn collect(&mut self) {
        let released =
            std::mem::take(&mut *self.released.lock().unwrap_or_else(|e| e.into_inner()));
        for slot in released {
            let Some(Some(entry)) = self.slots.get(slot as usize) else {
                continue;
            };
            if entry.handle.strong_count() > 0 {
                continue;
            }
            let addr = entry.obj.addr();
            self.slots[slot as usize] = None;
            self.by_addr.remove(&addr);
            self.free.push(slot);
        }
    }

    /// Objects held for the embedder now.
    pub fn live(&mut self) -> usize {
        self.collect();
        self.by_addr.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_keep_identity_and_release_their_objects() {
        let mut t = Handles::new();
        let o = Obj::plain();
        let a = t.handle(&o);
        let b = t.handle(&o);
        assert_eq!(a, b);
        assert!(t.resolve(&a).unwrap().ptr_eq(&o));
        let other = t.handle(&Obj::plain());
        assert_ne!(a, other);
        assert_eq!(t.live(), 2);
        drop((a, b, other));
        assert_eq!(t.live(), 0);
        // A handle of another table is never resolved.
        let mut u = Handles::new();
        let foreign = u.handle(&o);
        assert!(t.resolve(&foreign).is_none());
    }

    #[test]
    fn handles_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<JsObject>();
    }
}
