//! Charging new strings and buffers to the JS heap being metered on this thread (see
//! [`super::heap`]), kept apart so that the value types can charge without knowing the heap.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    /// The running count of bytes charged to the current heap, if one is being metered.
    static SINK: RefCell<Option<Rc<Cell<u64>>>> = const { RefCell::new(None) };
}

/// Charges `bytes` just made to the heap being metered on this thread, if any.
pub fn charge(bytes: usize) {
    SINK.with(|s| {
        if let Some(count) = s.borrow().as_ref() {
            count.set(count.get().saturating_add(bytes as u64));
        }
    })
}

/// Makes `sink` the count charged on this thread; returns the one it replaces.
pub(crate) fn replace_sink(sink: Option<Rc<Cell<u64>>>) -> Option<Rc<Cell<u64>>> {
    SINK.with(|s| std::mem::replace(&mut *s.borrow_mut(), sink))
}
