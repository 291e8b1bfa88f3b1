//! The traits encoders write through.

use crate::error::Error;
use crate::fixup::FixupKind;
use crate::label::{DynamicLabel, LabelRef};

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

/// Labels, alignment and data on top of [`CodeSink`]: what `dynasm!`, the
/// typed builders and the text assembler need from an output.
pub trait LabelApi: CodeSink {
    /// Defines global label `name` at the current offset (once per assembler).
    fn define_global(&mut self, name: &str) -> Result<(), Error>;
    /// Defines local label `name` at the current offset: `>name` references
    /// made before bind here, and `<name` references made after do too.
    fn define_local(&mut self, name: &str) -> Result<(), Error>;
    /// Defines dynamic label `label` at the current offset (once).
    fn define_dynamic(&mut self, label: DynamicLabel) -> Result<(), Error>;
    /// Creates a new, undefined dynamic label.
    fn new_dynamic_label(&mut self) -> DynamicLabel;
    /// The address the byte at `offset` will run at, if known.
    fn address_of(&self, offset: usize) -> Option<u64>;

    /// Pads with `fill` until the address of the next byte is a multiple of
    /// `alignment` (a power of two).
    fn align(&mut self, alignment: usize, fill: u8) -> Result<(), Error> {
        if !alignment.is_power_of_two() {
            return Err(Error::ValueOutOfRange {
                what: "alignment (a power of two)",
                value: alignment as i128,
                min: 1,
                max: 1 << 30,
            });
        }
        let off = self.offset();
        let addr = self.address_of(off).unwrap_or(off as u64);
        let pad = (alignment as u64).wrapping_sub(addr) & (alignment as u64 - 1);
        for _ in 0..pad {
            self.push(fill);
        }
        Ok(())
    }

    /// Emits a data unit of `kind` (zero bits) and a fixup to `label` in it,
    /// with the PC taken as the kind usually takes it (`.abs64 label`,
    /// `.rel32 label`).
    fn emit_label_data(&mut self, label: LabelRef<'_>, kind: &'static FixupKind) {
        let at = self.offset();
        for _ in 0..kind.unit {
            self.push(0);
        }
        self.fixup(label, kind, at, kind.default_pc(at));
    }
}

// A mutable reference to an output is an output too, so code that holds
// `&mut Assembler` (a function parameter, a field) can pass it on as is
// (what `dynasm!(ops ; …)` does with whatever `ops` is).
impl<T: ByteSink + ?Sized> ByteSink for &mut T {
    #[inline]
    fn push(&mut self, byte: u8) {
        (**self).push(byte)
    }
    #[inline]
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        (**self).extend_from_slice(bytes)
    }
    #[inline]
    fn offset(&self) -> usize {
        (**self).offset()
    }
}

impl<T: CodeSink + ?Sized> CodeSink for &mut T {
    #[inline]
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        (**self).fixup(label, kind, at, pc)
    }
    #[inline]
    fn record_error(&mut self, error: Error) {
        (**self).record_error(error)
    }
}

impl<T: LabelApi + ?Sized> LabelApi for &mut T {
    #[inline]
    fn define_global(&mut self, name: &str) -> Result<(), Error> {
        (**self).define_global(name)
    }
    #[inline]
    fn define_local(&mut self, name: &str) -> Result<(), Error> {
        (**self).define_local(name)
    }
    #[inline]
    fn define_dynamic(&mut self, label: DynamicLabel) -> Result<(), Error> {
        (**self).define_dynamic(label)
    }
    #[inline]
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        (**self).new_dynamic_label()
    }
    #[inline]
    fn address_of(&self, offset: usize) -> Option<u64> {
        (**self).address_of(offset)
    }
    #[inline]
    fn align(&mut self, alignment: usize, fill: u8) -> Result<(), Error> {
        (**self).align(alignment, fill)
    }
}

/// What code generated by the `dynasm!` macro calls: each records a failure
/// in the output (returned by its next commit or finalize) rather than
/// returning it, as the macro's statements have no result.
#[doc(hidden)]
pub mod generated_code {
    use super::{ByteSink, LabelApi};
    use crate::label::DynamicLabel;
    use core::borrow::Borrow;

    /// `dynasm!(ops ; …)` takes whatever `ops` is (an assembler, a `&mut`
    /// to one, a field) as a method receiver does: `ops.__jitasm_output()`.
    pub trait EmitTarget {
        /// The output, reborrowed.
        #[inline]
        fn __jitasm_output(&mut self) -> &mut Self {
            self
        }
    }

    impl<T: ByteSink + ?Sized> EmitTarget for T {}

    /// `->name:`
    #[inline]
    pub fn define_global<S: LabelApi + ?Sized>(out: &mut S, name: &str) {
        if let Err(e) = out.define_global(name) {
            out.record_error(e)
        }
    }

    /// `name:`
    #[inline]
    pub fn define_local<S: LabelApi + ?Sized>(out: &mut S, name: &str) {
        if let Err(e) = out.define_local(name) {
            out.record_error(e)
        }
    }

    /// `=>label`
    #[inline]
    pub fn define_dynamic<S: LabelApi + ?Sized>(out: &mut S, label: DynamicLabel) {
        if let Err(e) = out.define_dynamic(label) {
            out.record_error(e)
        }
    }

    /// `.align n, fill`
    #[inline]
    pub fn align<S: LabelApi + ?Sized>(out: &mut S, alignment: usize, fill: u8) {
        if let Err(e) = out.align(alignment, fill) {
            out.record_error(e)
        }
    }

    /// `.bytes expr`: every byte of an iterable (`&[u8]`, `Vec<u8>`, an
    /// iterator of `u8`…).
    #[inline]
    pub fn bytes<S: ByteSink + ?Sized, I: IntoIterator>(out: &mut S, bytes: I)
    where
        I::Item: Borrow<u8>,
    {
        for b in bytes {
            out.push(*b.borrow());
        }
    }
}
