//! The value table: the JS values Go holds references to, by id, with Go-side reference counts.
//!
//! Mirrors wasm_exec.js's `_values`/`_goRefCounts`/`_ids`/`_idPool`: ids 0..=6 are predefined
//! and pinned; a value already in the table gets its existing id back (identity for objects,
//! equality for strings, as a JS `Map` keys them); `finalizeRef` drops a count and recycles
//! the id last-in-first-out once it reaches zero.

use std::collections::HashMap;

use crate::js::{JsStr, Obj, Value};

/// Predefined ids, laid out as Go's `syscall/js` expects (all listed, though the host names
/// only some).
#[allow(dead_code)]
pub mod ids {
    /// NaN.
    pub const NAN: u32 = 0;
    /// The number 0.
    pub const ZERO: u32 = 1;
    /// null.
    pub const NULL: u32 = 2;
    /// true.
    pub const TRUE: u32 = 3;
    /// false.
    pub const FALSE: u32 = 4;
    /// The global object.
    pub const GLOBAL: u32 = 5;
    /// The Go object (`this` of wasm_exec.js's `Go` class).
    pub const GO: u32 = 6;
}

const PINNED: u64 = u64::MAX;

/// How a value is found again: what a JS `Map` would compare it by.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Zero,
    Null,
    Bool(bool),
    String(JsStr),
    /// BigInts are keyed by value, as a JS `Map` keys them.
    BigInt(String),
    /// Symbols and objects, by identity.
    Ref(usize),
}

fn key_of(v: &Value) -> Option<Key> {
    Some(match v {
        Value::Number(n) if *n == 0.0 => Key::Zero,
        Value::Null => Key::Null,
        Value::Bool(b) => Key::Bool(*b),
        Value::String(s) => Key::String(s.clone()),
        Value::BigInt(b) => Key::BigInt(b.to_string()),
        Value::Symbol(s) => Key::Ref(s.addr()),
        Value::Object(o) => Key::Ref(o.addr()),
        // Non-zero numbers and undefined are stored inline, never in the table.
        Value::Number(_) | Value::Undefined => return None,
    })
}

/// The table.
pub struct ValueTable {
    values: Vec<Value>,
    counts: Vec<u64>,
    ids: HashMap<Key, u32, foldhash::fast::RandomState>,
    pool: Vec<u32>,
}

impl ValueTable {
    /// A table holding the predefined values.
    pub fn new(global: Obj, go: Obj) -> ValueTable {
        let values = vec![
            Value::Number(f64::NAN),
            Value::Number(0.0),
            Value::Null,
            Value::Bool(true),
            Value::Bool(false),
            Value::Object(global),
            Value::Object(go),
        ];
        let mut ids = HashMap::default();
        for (id, v) in values.iter().enumerate().skip(1) {
            ids.insert(key_of(v).expect("predefined values are keyed"), id as u32);
        }
        ValueTable {
            counts: vec![PINNED; values.len()],
            values,
            ids,
            pool: Vec::new(),
        }
    }

    /// The value with this id, if the id is live.
    pub fn get(&self, id: u32) -> Option<&Value> {
        match self.counts.get(id as usize) {
            Some(0) | None => None,
            Some(_) => self.values.get(id as usize),
        }
    }

    /// The id for `v`, adding it or reusing its existing entry, and counting one more Go
    /// reference. Returns `None` for values that are stored inline (non-zero numbers,
    /// undefined).
    pub fn retain(&mut self, v: &Value) -> Option<u32> {
        let key = key_of(v)?;
        let id = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = match self.pool.pop() {
                    Some(id) => {
                        self.values[id as usize] = v.clone();
                        self.counts[id as usize] = 0;
                        id
                    }
                    None => {
                        self.values.push(v.clone());
                        self.counts.push(0);
                        (self.values.len() - 1) as u32
                    }
                };
                self.ids.insert(key, id);
                id
            }
        };
        let count = &mut self.counts[id as usize];
        if *count != PINNED {
            *count += 1;
        }
        Some(id)
    }

    /// Drops one Go reference to `id`; frees the entry at zero. Unknown or already-free ids
    /// are ignored, as wasm_exec.js effectively does.
    pub fn release(&mut self, id: u32) {
        let Some(count) = self.counts.get_mut(id as usize) else {
            return;
        };
        if *count == PINNED || *count == 0 {
            return;
        }
        *count -= 1;
        if *count == 0 {
            let v = std::mem::replace(&mut self.values[id as usize], Value::Null);
            if let Some(k) = key_of(&v) {
                self.ids.remove(&k);
            }
            self.pool.push(id);
        }
    }

    /// Go references to `id` (`u64::MAX` for predefined values).
    #[cfg(test)]
    pub fn count(&self, id: u32) -> u64 {
        self.counts.get(id as usize).copied().unwrap_or(0)
    }

    /// Bytes of the strings and BigInts held here (objects are counted where they live).
    pub fn held_bytes(&self) -> u64 {
        let held = self
            .values
            .iter()
            .zip(&self.counts)
            .filter(|(_, c)| **c != 0);
        held.map(|(v, _)| match v {
            Value::String(s) => s.as_bytes().len() as u64,
            Value::BigInt(b) => b.bits() / 8,
            _ => 0,
        })
        .sum::<u64>()
            // Each entry: its value and count, and its key in the id map.
            + self.values.capacity() as u64 * 32
            + self.ids.capacity() as u64 * 48
    }

    /// Live entries, predefined ones included.
    pub fn live(&self) -> usize {
        self.counts.iter().filter(|c| **c != 0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ValueTable {
        ValueTable::new(Obj::plain(), Obj::plain())
    }

    #[test]
    fn predefined_values_keep_their_ids() {
        let mut t = table();
        assert_eq!(t.retain(&Value::Number(0.0)), Some(ids::ZERO));
        assert_eq!(t.retain(&Value::Number(-0.0)), Some(ids::ZERO));
        assert_eq!(t.retain(&Value::Null), Some(ids::NULL));
        assert_eq!(t.retain(&Value::Bool(true)), Some(ids::TRUE));
        assert_eq!(t.retain(&Value::Bool(false)), Some(ids::FALSE));
        t.release(ids::NULL);
        assert_eq!(t.count(ids::NULL), u64::MAX);
        assert!(t.get(ids::NULL).is_some());
    }

    #[test]
    fn inline_values_take_no_id() {
        let mut t = table();
        assert_eq!(t.retain(&Value::Number(1.5)), None);
        assert_eq!(t.retain(&Value::Undefined), None);
    }

    #[test]
    fn identity_and_refcounts() {
        let mut t = table();
        let a = Obj::plain();
        let id = t.retain(&Value::Object(a.clone())).unwrap();
        assert_eq!(id, 7);
        assert_eq!(
            t.retain(&Value::Object(a.clone())),
            Some(id),
            "same object, same id"
        );
        assert_eq!(t.count(id), 2);
        let b = Obj::plain();
        assert_eq!(
            t.retain(&Value::Object(b)),
            Some(8),
            "another object, another id"
        );
        t.release(id);
        assert!(t.get(id).is_some(), "still one reference");
        t.release(id);
        assert!(t.get(id).is_none(), "freed at zero");
        t.release(id); // a double release is harmless
        assert_eq!(t.count(id), 0);
    }

    #[test]
    fn strings_are_keyed_by_content() {
        let mut t = table();
        let x = t.retain(&Value::from("hello")).unwrap();
        assert_eq!(t.retain(&Value::from(String::from("hello"))), Some(x));
        assert_ne!(t.retain(&Value::from("other")), Some(x));
    }

    #[test]
    fn freed_ids_are_reused_last_in_first_out() {
        let mut t = table();
        let a = t.retain(&Value::Object(Obj::plain())).unwrap();
        let b = t.retain(&Value::Object(Obj::plain())).unwrap();
        t.release(a);
        t.release(b);
        let c = Obj::plain();
        assert_eq!(t.retain(&Value::Object(c.clone())), Some(b));
        assert_eq!(t.retain(&Value::Object(Obj::plain())), Some(a));
        assert_eq!(t.retain(&Value::Object(Obj::plain())), Some(9));
        assert!(matches!(t.get(b), Some(Value::Object(o)) if o.ptr_eq(&c)));
        assert_eq!(t.live(), 7 + 3);
    }
}
