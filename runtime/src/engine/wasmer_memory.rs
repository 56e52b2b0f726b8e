//! wasmer's linear memories for Go guests: how much address space each reserves
//! ([`crate::Settings::memory_reservation`]) and the cap on how far each instance's may grow
//! ([`crate::Config::max_memory`]).
//!
//! wasmer decides both in the engine's tunables, shared by every store, not per store as
//! wasmtime's and wasmi's limiters do. So the cap of the instance being made is handed to
//! the tunables through the thread that makes it: instantiation creates the memory
//! synchronously, on the calling thread, inside [`with_cap`].

use std::cell::RefCell;
use std::ptr::NonNull;

use wasmer::sys::vm::{
    LinearMemory, MemoryError, MemoryStyle, TableStyle, VMMemory, VMMemoryDefinition, VMTable,
    VMTableDefinition,
};
use wasmer::sys::Tunables;
use wasmer::{MemoryType, Pages, TableType};

use crate::limits::MemoryCap;

/// Tunables for Go guests: static memories (no bounds checks) unless a reservation is set.
#[derive(Clone, Copy)]
pub struct GuestTunables {
    /// [`crate::Settings::memory_reservation`].
    pub reservation: Option<u64>,
}

thread_local! {
    /// The cap of the instance this thread is instantiating.
    static INSTANTIATING: RefCell<Option<MemoryCap>> = const { RefCell::new(None) };
}

/// Runs `f` (an instantiation) with `cap` applying to the memories it creates.
pub fn with_cap<R>(cap: &MemoryCap, f: impl FnOnce() -> R) -> R {
    INSTANTIATING.with(|c| *c.borrow_mut() = Some(cap.clone()));
    let r = f();
    INSTANTIATING.with(|c| *c.borrow_mut() = None);
    r
}

fn current_cap() -> Option<MemoryCap> {
    INSTANTIATING
        .with(|c| c.borrow().clone())
        .filter(|c| c.max.is_some())
}

/// Wraps a new memory in its instance's cap, refusing at once one whose initial size is
/// already past it.
fn capped(memory: VMMemory, ty: &MemoryType) -> Result<VMMemory, MemoryError> {
    let Some(cap) = current_cap() else {
        return Ok(memory);
    };
    if !cap.allows(ty.minimum.bytes().0 as u64) {
        return Err(MemoryError::Generic(
            "the module's initial memory exceeds max-memory".into(),
        ));
    }
    let boxed: Box<dyn LinearMemory + Send + Sync> = Box::new(CappedMemory { inner: memory, cap });
    Ok(VMMemory::from(boxed))
}

impl Tunables for GuestTunables {
    fn memory_style(&self, _memory: &MemoryType) -> MemoryStyle {
        match self.reservation {
            None => MemoryStyle::Static,
            // Reserve only what is used; growth moves the memory. A guard page catches
            // accesses at small constant offsets past the end; code checks the rest.
            Some(_) => MemoryStyle::Dynamic {
                offset_guard_size: 1 << 16,
            },
        }
    }

    fn table_style(&self, _table: &TableType) -> TableStyle {
        TableStyle::CallerChecksSignature
    }

    fn create_host_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
    ) -> Result<VMMemory, MemoryError> {
        capped(VMMemory::new(ty, style)?, ty)
    }

    /// # Safety
    /// As [`Tunables::create_vm_memory`]: `vm_definition_location` must point to a valid,
    /// owned `VMMemoryDefinition`, which wasmer's instantiation passes along unchanged.
    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        vm_definition_location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        // SAFETY: the caller's guarantee about the location is the one this requires.
        let memory = unsafe { VMMemory::from_definition(ty, style, vm_definition_location)? };
        capped(memory, ty)
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        VMTable::new(ty, style)
    }

    /// # Safety
    /// As [`Tunables::create_vm_table`]: `vm_definition_location` must point to a valid,
    /// owned `VMTableDefinition`.
    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        vm_definition_location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        // SAFETY: the caller's guarantee about the location is the one this requires.
        unsafe { VMTable::from_definition(ty, style, vm_definition_location) }
    }
}

/// A memory that refuses to grow past its instance's cap, and says so through the cap.
#[derive(Debug)]
struct CappedMemory {
    inner: VMMemory,
    cap: MemoryCap,
}

impl CappedMemory {
    fn refuse(&self, delta: Pages) -> MemoryError {
        MemoryError::CouldNotGrow {
            current: self.inner.size(),
            attempted_delta: delta,
        }
    }
}

impl LinearMemory for CappedMemory {
    fn ty(&self) -> MemoryType {
        self.inner.ty()
    }

    fn size(&self) -> Pages {
        self.inner.size()
    }

    fn style(&self) -> MemoryStyle {
        self.inner.style()
    }

    fn grow(&mut self, delta: Pages) -> Result<Pages, MemoryError> {
        let desired = (self.size().0 as u64 + delta.0 as u64) << 16;
        if !self.cap.allows(desired) {
            return Err(self.refuse(delta));
        }
        self.inner.grow(delta)
    }

    fn grow_at_least(&mut self, min_size: u64) -> Result<(), MemoryError> {
        if !self.cap.allows(min_size) {
            return Err(self.refuse(Pages(0)));
        }
        self.inner.grow_at_least(min_size)
    }

    fn reset(&mut self) -> Result<(), MemoryError> {
        self.inner.reset()
    }

    fn vmmemory(&self) -> NonNull<VMMemoryDefinition> {
        self.inner.vmmemory()
    }

    fn try_clone(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        Err(MemoryError::MemoryNotShared)
    }

    fn copy(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        let inner = VMMemory::from(self.inner.copy()?);
        Ok(Box::new(CappedMemory {
            inner,
            cap: self.cap.clone(),
        }))
    }
}
