//! Rewriting code: committed ([`Modifier`]) and not yet committed
//! ([`UncommittedModifier`]).

use crate::api::{dynasm_api, dynasm_label_api};
use crate::assembler::delegate_output;
use crate::error::keep;
use crate::relocations::Relocation;
use crate::{AssemblyOffset, DynamicLabel, DynasmError};
use jitasm_core::isa::X64;
use jitasm_core::{ByteSink, CodeSink, Error, FixupKind, LabelApi, LabelRef};
use std::marker::PhantomData;

/// What [`Modifier`] writes through: jitasm's modifier of committed code.
pub(crate) trait AlterTarget: LabelApi {
    fn goto(&mut self, offset: AssemblyOffset);
}

impl AlterTarget for jitasm_runtime::Modifier<'_> {
    fn goto(&mut self, offset: AssemblyOffset) {
        jitasm_runtime::Modifier::goto(self, offset)
    }
}

/// Rewrites committed code inside [`Assembler::alter`](crate::Assembler::alter):
/// [`goto`](Self::goto) an offset and emit over the bytes there. Label
/// references are resolved against the labels defined so far; defining
/// labels here is not supported (it panics).
pub struct Modifier<'a, R: Relocation> {
    inner: &'a mut (dyn AlterTarget + 'a),
    _relocation: PhantomData<R>,
}

impl<R: Relocation> std::fmt::Debug for Modifier<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Modifier")
            .field("offset", &ByteSink::offset(&*self.inner))
            .finish()
    }
}

delegate_output!(['a, R: Relocation] Modifier<'a, R>);
dynasm_api!(['a, R: Relocation] Modifier<'a, R>);
dynasm_label_api!(['a, R: Relocation] Modifier<'a, R>, R);

impl<'a, R: Relocation> Modifier<'a, R> {
    fn out(&self) -> &(dyn AlterTarget + 'a) {
        &*self.inner
    }

    fn out_mut(&mut self) -> &mut (dyn AlterTarget + 'a) {
        &mut *self.inner
    }

    pub(crate) fn new(inner: &'a mut (dyn AlterTarget + 'a)) -> Self {
        Modifier {
            inner,
            _relocation: PhantomData,
        }
    }

    /// Continues writing at `offset`.
    pub fn goto(&mut self, offset: AssemblyOffset) {
        self.inner.goto(offset)
    }

    /// Fails if the cursor has moved past `offset`.
    pub fn check(&self, offset: AssemblyOffset) -> Result<(), DynasmError> {
        check(ByteSink::offset(&*self.inner), offset)
    }

    /// Fails if the cursor is not exactly at `offset`.
    pub fn check_exact(&self, offset: AssemblyOffset) -> Result<(), DynasmError> {
        check_exact(ByteSink::offset(&*self.inner), offset)
    }
}

fn check(at: usize, offset: AssemblyOffset) -> Result<(), DynasmError> {
    if at > offset.0 {
        Err(DynasmError::CheckFailed)
    } else {
        Ok(())
    }
}

fn check_exact(at: usize, offset: AssemblyOffset) -> Result<(), DynasmError> {
    if at != offset.0 {
        Err(DynasmError::CheckFailed)
    } else {
        Ok(())
    }
}

enum Target<'a> {
    /// A plain buffer whose first byte is at offset `base`.
    Buffer {
        buffer: &'a mut [u8],
        base: usize,
        pos: usize,
    },
    /// The uncommitted code of an [`Assembler`](crate::Assembler).
    Assembler(jitasm_runtime::UncommittedModifier<'a, X64>),
}

/// Overwrites code that is not committed yet: [`goto`](Self::goto) an
/// offset and emit over the bytes there. Labels cannot be defined through
/// it; writing past the end of the code panics.
pub struct UncommittedModifier<'a> {
    target: Target<'a>,
}

impl std::fmt::Debug for UncommittedModifier<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UncommittedModifier")
            .field("offset", &ByteSink::offset(self))
            .finish()
    }
}

dynasm_api!(['a] UncommittedModifier<'a>);

impl<'a> UncommittedModifier<'a> {
    /// A modifier of `buffer`, whose first byte is at `base_offset`; it
    /// starts there.
    pub fn new(buffer: &mut Vec<u8>, base_offset: AssemblyOffset) -> UncommittedModifier<'_> {
        UncommittedModifier {
            target: Target::Buffer {
                buffer,
                base: base_offset.0,
                pos: base_offset.0,
            },
        }
    }

    pub(crate) fn of_vec(inner: &'a mut jitasm_runtime::VecAssembler<X64>) -> Self {
        UncommittedModifier {
            target: Target::Buffer {
                buffer: inner.bytes_mut(),
                base: 0,
                pos: 0,
            },
        }
    }

    pub(crate) fn of_assembler(inner: jitasm_runtime::UncommittedModifier<'a, X64>) -> Self {
        UncommittedModifier {
            target: Target::Assembler(inner),
        }
    }

    /// Continues writing at `offset`.
    pub fn goto(&mut self, offset: AssemblyOffset) {
        match &mut self.target {
            Target::Buffer { pos, .. } => *pos = offset.0,
            Target::Assembler(m) => m.goto(offset),
        }
    }

    /// Fails if the cursor has moved past `offset`.
    pub fn check(&mut self, offset: AssemblyOffset) -> Result<(), DynasmError> {
        check(ByteSink::offset(self), offset)
    }

    /// Fails if the cursor is not exactly at `offset`.
    pub fn check_exact(&mut self, offset: AssemblyOffset) -> Result<(), DynasmError> {
        check_exact(ByteSink::offset(self), offset)
    }
}

impl ByteSink for UncommittedModifier<'_> {
    fn push(&mut self, byte: u8) {
        self.extend_from_slice(&[byte])
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        match &mut self.target {
            Target::Buffer { buffer, base, pos } => {
                let start = pos.checked_sub(*base);
                match start.and_then(|s| buffer.get_mut(s..s + bytes.len())) {
                    Some(dst) => dst.copy_from_slice(bytes),
                    None => panic!(
                        "write of {} bytes at offset {pos:#x} is outside the uncommitted code \
                         ({base:#x}..{:#x})",
                        bytes.len(),
                        *base + buffer.len()
                    ),
                }
                *pos += bytes.len();
            }
            Target::Assembler(m) => m.extend_from_slice(bytes),
        }
    }
    fn offset(&self) -> usize {
        match &self.target {
            Target::Buffer { pos, .. } => *pos,
            Target::Assembler(m) => m.offset(),
        }
    }
}

const NO_LABELS: &str = "labels through an UncommittedModifier";

impl CodeSink for UncommittedModifier<'_> {
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        match &mut self.target {
            Target::Buffer { .. } => panic!("{NO_LABELS} are not supported"),
            Target::Assembler(m) => m.fixup(label, kind, at, pc),
        }
    }
    fn record_error(&mut self, error: Error) {
        let error = keep(error);
        match &mut self.target {
            Target::Buffer { .. } => panic!("{error}"),
            Target::Assembler(m) => m.record_error(error),
        }
    }
}

impl LabelApi for UncommittedModifier<'_> {
    fn define_global(&mut self, _name: &str) -> Result<(), Error> {
        Err(Error::Unsupported { what: NO_LABELS })
    }
    fn define_local(&mut self, _name: &str) -> Result<(), Error> {
        Err(Error::Unsupported { what: NO_LABELS })
    }
    fn define_dynamic(&mut self, _label: DynamicLabel) -> Result<(), Error> {
        Err(Error::Unsupported { what: NO_LABELS })
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        panic!("{NO_LABELS} are not supported")
    }
    fn address_of(&self, _offset: usize) -> Option<u64> {
        None
    }
}
