//! An assembler that produces plain bytes for a caller-given address.

use crate::labels::Labels;
use jitasm_core::LabelApi;
use jitasm_core::{
    AssemblyOffset, ByteSink, CodeSink, DynamicLabel, Error, FixupKind, Isa, LabelRef,
};
use std::marker::PhantomData;

/// Assembles into a `Vec<u8>` meant to run at `base_address`: for
/// ahead-of-time use, for code loaded into another process, or for tests.
/// Label references are patched by [`resolve`](Self::resolve),
/// [`take`](Self::take) or [`finalize`](Self::finalize).
///
/// Clearing ([`take`](Self::take), [`clear`](Self::clear)) keeps every
/// allocation, so emitting the next function allocates nothing.
///
/// ```
/// use jitasm_runtime::{VecAssembler, LabelApi, isa::X64};
/// use jitasm_core::{ByteSink, CodeSink, LabelRef, LabelTarget, fixup::x86};
///
/// let mut asm = VecAssembler::<X64>::new(0x1000);
/// asm.define_local("top").unwrap();
/// asm.extend_from_slice(&[0xEB, 0]); // jmp short <top
/// asm.fixup(LabelRef::new(LabelTarget::Local { name: "top", forward: false }), &x86::REL8, 1, 2);
/// assert_eq!(asm.finalize().unwrap(), [0xEB, 0xFE]);
/// ```
#[derive(Debug)]
pub struct VecAssembler<A: Isa> {
    base: u64,
    buf: Vec<u8>,
    labels: Labels,
    error: Option<Error>,
    _isa: PhantomData<A>,
}

impl<A: Isa> VecAssembler<A> {
    /// An empty assembler whose offset 0 will be at `base_address`.
    pub fn new(base_address: u64) -> Self {
        VecAssembler {
            base: base_address,
            buf: Vec::new(),
            labels: Labels::default(),
            error: None,
            _isa: PhantomData,
        }
    }

    /// The address offset 0 will be at.
    pub fn base_address(&self) -> u64 {
        self.base
    }

    /// The offset the next byte will have.
    #[inline]
    pub fn offset(&self) -> AssemblyOffset {
        AssemblyOffset(self.buf.len())
    }

    /// The bytes so far, label fields not yet patched.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The bytes so far, to rewrite in place (label fields not yet patched).
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// Reserves room for at least `additional` more bytes.
    pub fn reserve(&mut self, additional: usize) {
        self.buf.reserve(additional)
    }

    /// The offset of the latest definition of local label `name`.
    pub fn local_label_offset(&self, name: &str) -> Option<AssemblyOffset> {
        self.labels.local_offset(name)
    }

    /// The offset global label `name` is defined at.
    pub fn global_label_offset(&self, name: &str) -> Option<AssemblyOffset> {
        self.labels.global_offset(name)
    }

    /// The offset dynamic label `label` is defined at.
    pub fn dynamic_label_offset(&self, label: DynamicLabel) -> Option<AssemblyOffset> {
        self.labels.dynamic_offset(label)
    }

    /// Patches every label reference made so far and returns the bytes.
    pub fn resolve(&mut self) -> Result<&[u8], Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.labels.patch(&mut self.buf, 0, self.base)?;
        Ok(&self.buf)
    }

    /// Resolves, returns the bytes and starts over (same base address),
    /// keeping the label registry's allocations.
    pub fn take(&mut self) -> Result<Vec<u8>, Error> {
        self.resolve()?;
        let out = std::mem::take(&mut self.buf);
        self.clear();
        Ok(out)
    }

    /// Forgets all code, labels and errors, keeping allocations.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.labels.clear();
        self.error = None;
    }

    /// Resolves and returns the bytes.
    pub fn finalize(mut self) -> Result<Vec<u8>, Error> {
        self.resolve()?;
        Ok(self.buf)
    }
}

impl<A: Isa> ByteSink for VecAssembler<A> {
    #[inline]
    fn push(&mut self, byte: u8) {
        self.buf.push(byte)
    }
    #[inline]
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes)
    }
    #[inline]
    fn extend_padded(&mut self, bytes: &[u8; 16], len: usize) {
        ByteSink::extend_padded(&mut self.buf, bytes, len)
    }
    #[inline]
    fn offset(&self) -> usize {
        self.buf.len()
    }
}

impl<A: Isa> CodeSink for VecAssembler<A> {
    #[inline]
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        self.labels.reference(label, kind, at, pc)
    }
    fn record_error(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }
}

impl<A: Isa> LabelApi for VecAssembler<A> {
    fn define_global(&mut self, name: &str) -> Result<(), Error> {
        self.labels.define_global(name, self.buf.len())
    }
    fn define_local(&mut self, name: &str) -> Result<(), Error> {
        self.labels.define_local(name, self.buf.len());
        Ok(())
    }
    fn define_dynamic(&mut self, label: DynamicLabel) -> Result<(), Error> {
        self.labels.define_dynamic(label, self.buf.len())
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.labels.new_dynamic()
    }
    fn address_of(&self, offset: usize) -> Option<u64> {
        Some(self.base.wrapping_add(offset as u64))
    }
}
