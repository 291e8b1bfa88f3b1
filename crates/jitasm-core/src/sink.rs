//! The traits encoders write through.

use crate::error::Error;
use crate::fixup::FixupKind;
use crate::label::LabelRef;

/// Something bytes can be appended to.
pub trait ByteSink {
    /// Appends one byte.
    fn push(&mut self, byte: u8);
    /// Appends a slice of bytes.
    fn extend_from_slice(&mut self, bytes: &[u8]);
    /// The number of bytes written so far (the offset of the next byte).
    fn offset(&self) -> usize;
}

impl ByteSink for alloc::vec::Vec<u8> {
    #[inline]
    fn push(&mut self, byte: u8) {
        alloc::vec::Vec::push(self, byte)
    }
    #[inline]
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        alloc::vec::Vec::extend_from_slice(self, bytes)
    }
    #[inline]
    fn offset(&self) -> usize {
        self.len()
    }
}

/// A byte sink that also takes label references and errors found while
/// encoding: what the front ends emit into.
pub trait CodeSink: ByteSink {
    /// Records that the field described by `kind`, in the unit starting at
    /// offset `at` (already emitted, usually as zero bits), must hold the value
    /// of `label` computed against the PC at offset `pc`.
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize);

    /// Records an error found while emitting (for instance a register number
    /// given at run time that does not fit its field). The first recorded error
    /// is returned by the next commit or finalize.
    fn record_error(&mut self, error: Error);
}
