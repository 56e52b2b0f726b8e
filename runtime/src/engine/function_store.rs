//! Cranelift's per-function results, kept so that an optimized compile the process did not
//! live to finish is resumed, not restarted, by the next run.
//!
//! A first run compiles optimized code in the background while the guest runs on faster-made
//! code; a CPU-bound program that ends before that compile does (a 2.5 MB module takes
//! Cranelift ~2.5 s on one core) would otherwise leave nothing of it behind, and every later
//! run would start it over and never reach optimized code. wasmtime's incremental
//! compilation cache hands each function it compiles to this store (keyed by a digest of
//! the function's code and the compiler's flags) and asks it first next time; the runtime
//! saves the store's contents with the disk cache's authentication when the process ends
//! during a compile ([`crate::Runtime::save_unfinished_compiles`]) and gives them back
//! before compiling the module again. Trampolines, the same for every function of a
//! signature, are compiled once per compile as a side effect.
//!
//! The same store carries a program's functions from one build to the next
//! ([`crate::Runtime::compile_program`]): successive builds of one Go package differ in a
//! few functions, and the optimized compile of the new build finds the rest here, saved
//! when the last build's compile ended ([`FunctionStore::save_used`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Bound on the bytes kept: about eight modules of 16 MB compiled at once.
const LIMIT: usize = 256 << 20;

/// A compiled function, and whether a compile under way asked for it or made it (what a
/// program's next build may need: the rest came from older builds).
#[derive(Debug)]
struct Entry {
    value: Vec<u8>,
    used: bool,
}

/// The functions compiled while some optimized compile is under way.
#[derive(Debug, Default)]
pub(crate) struct FunctionStore {
    entries: Mutex<HashMap<Vec<u8>, Entry>>,
    bytes: AtomicUsize,
    /// Optimized compiles under way: the entries are dropped when the last one ends.
    compiling: AtomicUsize,
    /// Functions asked for and not found (what the tests see of a resumed compile).
    #[cfg(test)]
    misses: AtomicUsize,
}

impl FunctionStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `compile` as one of the compiles the entries are kept for.
    pub(crate) fn compiling<R>(&self, compile: impl FnOnce() -> R) -> R {
        struct Done<'a>(&'a FunctionStore);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                if self.0.compiling.fetch_sub(1, Ordering::AcqRel) == 1 {
                    self.0.entries().clear();
                    self.0.bytes.store(0, Ordering::Release);
                }
            }
        }
        self.compiling.fetch_add(1, Ordering::AcqRel);
        let _done = Done(self);
        compile()
    }

    /// The entries as `(key length, key, value length, value)` records, or `None` if there
    /// are none.
    pub(crate) fn save(&self) -> Option<Vec<u8>> {
        self.save_where(|_| true)
    }

    /// [`FunctionStore::save`] of the entries the compiles under way asked for or made.
    pub(crate) fn save_used(&self) -> Option<Vec<u8>> {
        self.save_where(|e| e.used)
    }

    fn save_where(&self, keep: impl Fn(&Entry) -> bool) -> Option<Vec<u8>> {
        let entries = self.entries();
        // Room for every entry: more than the used ones take, but never copied again.
        let mut out = Vec::with_capacity(self.bytes.load(Ordering::Acquire) + 8 * entries.len());
        for (k, e) in entries.iter().filter(|(_, e)| keep(e)) {
            for part in [k, &e.value] {
                out.extend_from_slice(&(part.len() as u32).to_le_bytes());
                out.extend_from_slice(part);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Adds the entries [`FunctionStore::save`] wrote (authenticated by the disk cache;
    /// records that do not parse end the reading).
    pub(crate) fn restore(&self, mut saved: &[u8]) {
        let mut next = || {
            let (len, rest) = saved.split_first_chunk::<4>()?;
            let len = u32::from_le_bytes(*len) as usize;
            let part = rest.get(..len)?;
            saved = &rest[len..];
            Some(part)
        };
        while let (Some(k), Some(v)) = (next(), next()) {
            if !self.put(k, v.to_vec(), false) {
                break;
            }
        }
    }

    /// How many functions were asked for and not found.
    #[cfg(test)]
    pub(crate) fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }

    /// Keeps `value` under `key` unless that passes [`LIMIT`].
    fn put(&self, key: &[u8], value: Vec<u8>, used: bool) -> bool {
        let size = key.len() + value.len();
        let total = self.bytes.fetch_add(size, Ordering::AcqRel) + size;
        if total > LIMIT {
            self.bytes.fetch_sub(size, Ordering::AcqRel);
            return false;
        }
        if let Some(old) = self.entries().insert(key.to_vec(), Entry { value, used }) {
            self.bytes
                .fetch_sub(key.len() + old.value.len(), Ordering::AcqRel);
        }
        true
    }
}

impl wasmtime::CacheStore for FunctionStore {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        let found = self.entries().get_mut(key).map(|e| {
            e.used = true;
            Cow::Owned(e.value.clone())
        });
        #[cfg(test)]
        if found.is_none() {
            self.misses.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        self.put(key, value, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::CacheStore as _;

    #[test]
    fn saved_entries_come_back_and_damaged_records_end_the_reading() {
        let store = FunctionStore::default();
        store.compiling(|| {
            store.insert(b"f1", vec![1, 2, 3]);
            store.insert(b"f2", vec![4; 1000]);
            let saved = store.save().expect("two entries");

            let other = FunctionStore::default();
            other.compiling(|| {
                other.restore(&saved);
                assert_eq!(other.get(b"f1").as_deref(), Some(&[1u8, 2, 3][..]));
                assert_eq!(other.get(b"f2").map(|v| v.len()), Some(1000));
            });

            let truncated = FunctionStore::default();
            truncated.compiling(|| {
                truncated.restore(&saved[..saved.len() - 1]);
                let kept = [b"f1", b"f2"]
                    .iter()
                    .filter(|k| truncated.get(&k[..]).is_some())
                    .count();
                assert_eq!(kept, 1, "the last record is cut short");
                truncated.restore(&[0xff, 0xff, 0xff, 0xff, 1]);
            });
        });
    }

    #[test]
    fn only_entries_a_compile_asked_for_or_made_are_saved_for_the_next_build() {
        let last_build = FunctionStore::default();
        last_build.compiling(|| {
            last_build.insert(b"kept", vec![1]);
            last_build.insert(b"dropped", vec![2]);
        });
        let saved = last_build.compiling(|| {
            last_build.insert(b"kept", vec![1]);
            last_build.insert(b"dropped", vec![2]);
            last_build.save().expect("two entries")
        });

        let store = FunctionStore::default();
        store.compiling(|| {
            store.restore(&saved);
            assert!(store.save_used().is_none(), "restored, not asked for yet");
            assert!(store.get(b"kept").is_some());
            store.insert(b"new", vec![3]);
            let next = FunctionStore::default();
            next.restore(&store.save_used().expect("two used"));
            next.compiling(|| {
                assert!(next.get(b"kept").is_some() && next.get(b"new").is_some());
                assert!(next.get(b"dropped").is_none(), "no compile asked for it");
            });
        });
    }

    #[test]
    fn entries_are_dropped_when_the_last_compile_ends_and_bounded() {
        let store = FunctionStore::default();
        store.compiling(|| {
            store.compiling(|| assert!(store.insert(b"k", vec![0; 10])));
            assert!(store.get(b"k").is_some(), "another compile is under way");
            assert!(!store.insert(b"big", vec![0; LIMIT]));
            assert!(store.get(b"big").is_none());
        });
        assert!(store.get(b"k").is_none());
        assert!(store.save().is_none());
        assert_eq!(store.bytes.load(Ordering::Acquire), 0);
    }
}
