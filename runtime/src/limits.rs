//! The limits of one instance that an engine enforces: how far its wasm memory may grow.
//! (The JS heap is measured by [`crate::js::heap`], nesting counted by [`crate::host`].)

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::abort::Limit;

/// The cap on one instance's linear memory, and whether the guest ever asked past it.
///
/// The flag is shared, so an engine that decides growth outside the store (wasmer, through
/// its tunables) can report a refusal the host then reads.
#[derive(Clone, Debug, Default)]
pub struct MemoryCap {
    /// The most bytes the memory may hold; `None` for the wasm32 maximum.
    pub max: Option<u64>,
    refused: Arc<AtomicBool>,
}

impl MemoryCap {
    /// A cap of `max` bytes.
    pub fn new(max: Option<u64>) -> MemoryCap {
        MemoryCap {
            max,
            refused: Arc::default(),
        }
    }

    /// May the memory grow to `desired` bytes? Remembers a refusal.
    pub fn allows(&self, desired: u64) -> bool {
        match self.max {
            Some(max) if desired > max => {
                self.refused.store(true, Ordering::Relaxed);
                false
            }
            _ => true,
        }
    }

    /// The limit reached, if growth was ever refused.
    pub fn reached(&self) -> Option<Limit> {
        let max = self.max?;
        self.refused
            .load(Ordering::Relaxed)
            .then_some(Limit::Memory(max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_remembered_by_every_clone() {
        let cap = MemoryCap::new(Some(1 << 20));
        let seen_by_engine = cap.clone();
        assert!(seen_by_engine.allows(1 << 20));
        assert_eq!(cap.reached(), None);
        assert!(!seen_by_engine.allows((1 << 20) + 65536));
        assert_eq!(cap.reached(), Some(Limit::Memory(1 << 20)));
        assert!(MemoryCap::new(None).allows(u64::MAX));
    }
}
