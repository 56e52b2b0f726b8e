//! Binary data: `ArrayBuffer` storage, shared by every view on it, and typed array views.

use std::any::Any;
use std::cell::{RefCell, RefMut};
use std::rc::{Rc, Weak};

use super::typed::{Element, TypedKind};

/// The bytes of an `ArrayBuffer`, shared by every view on it, and the buffer object that
/// stands for them while one exists (so `view.buffer` is the same object each time; it is
/// kept type-erased here and made by [`super::value::buffer_object`]).
#[derive(Default)]
pub struct Buffer {
    bytes: RefCell<Vec<u8>>,
    /// The `ArrayBuffer` object, while it lives.
    pub object: RefCell<Option<Weak<dyn Any>>>,
}

impl Buffer {
    /// Storage holding `bytes`.
    pub fn new(bytes: Vec<u8>) -> Rc<Buffer> {
        super::charge::charge(bytes.len());
        Rc::new(Buffer {
            bytes: RefCell::new(bytes),
            object: RefCell::new(None),
        })
    }

    /// Borrows the bytes.
    pub fn bytes(&self) -> RefMut<'_, Vec<u8>> {
        self.bytes.borrow_mut()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.borrow().len()
    }
}

/// A typed array view: `len` elements of `kind` at byte `offset` of a shared buffer, so that
/// `subarray` views write through as in JS.
#[derive(Clone)]
pub struct TypedArray {
    /// Element kind.
    pub kind: TypedKind,
    /// The underlying `ArrayBuffer` storage.
    pub buffer: Rc<Buffer>,
    /// Byte offset of the view.
    pub offset: usize,
    /// Length in elements.
    pub len: usize,
}

impl TypedArray {
    /// A fresh zeroed array of `len` elements.
    pub fn zeroed(kind: TypedKind, len: usize) -> TypedArray {
        TypedArray::from_bytes(kind, vec![0; len * kind.size()])
    }

    /// An array owning `bytes` (whose length must be a multiple of the element size).
    pub fn from_bytes(kind: TypedKind, bytes: Vec<u8>) -> TypedArray {
        let len = bytes.len() / kind.size();
        TypedArray {
            kind,
            buffer: Buffer::new(bytes),
            offset: 0,
            len,
        }
    }

    /// Byte length of the view.
    pub fn byte_len(&self) -> usize {
        self.len * self.kind.size()
    }

    /// Runs `f` on the view's bytes (an empty slice if the buffer shrank under the view).
    pub fn with<R>(&self, f: impl FnOnce(&mut [u8]) -> R) -> R {
        let mut buf = self.buffer.bytes();
        let end = (self.offset + self.byte_len()).min(buf.len());
        let start = self.offset.min(end);
        f(&mut buf[start..end])
    }

    /// Element `i` (must be in range; zero if the buffer no longer covers it).
    pub fn get(&self, i: usize) -> Element {
        let size = self.kind.size();
        self.with(|b| match (i + 1) * size <= b.len() {
            true => self.kind.get(b, i),
            false if self.kind.is_bigint() => Element::BigInt(0.into()),
            false => Element::Number(0.0),
        })
    }

    /// Element `i` as a number (BigInts converted, as `Number(big)` does).
    pub fn get_number(&self, i: usize) -> f64 {
        match self.get(i) {
            Element::Number(n) => n,
            Element::BigInt(b) => super::number::bigint_to_f64(&b),
        }
    }

    /// Sets element `i` (must be in range; nothing if the buffer no longer covers it).
    pub fn set(&self, i: usize, v: &Element) {
        let size = self.kind.size();
        self.with(|b| {
            if (i + 1) * size <= b.len() {
                self.kind.set(b, i, v)
            }
        })
    }

    /// Sets element `i` to a number (for the number kinds).
    pub fn set_number(&self, i: usize, v: f64) {
        self.set(i, &Element::Number(v))
    }

    /// The elements as numbers.
    pub fn numbers(&self) -> Vec<f64> {
        (0..self.len).map(|i| self.get_number(i)).collect()
    }
}

impl TypedArray {
    /// Does the view reach past the end of its buffer (detached by a transfer, as
    /// `structuredClone` does)? Such a view has length 0.
    pub fn is_out_of_bounds(&self) -> bool {
        self.offset + self.byte_len() > self.buffer.len()
    }
}
