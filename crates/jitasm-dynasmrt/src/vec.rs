//! Assemblers into a `Vec<u8>`, and the read-only label view.

use crate::api::{dynasm_api, dynasm_label_api};
use crate::assembler::delegate_output;
use crate::error::{keep, to_dynasm};
use crate::modifier::UncommittedModifier;
use crate::relocations::Relocation;
use crate::{AssemblyOffset, DynamicLabel, DynasmError, LabelKind};
use jitasm_core::isa::X64;
use jitasm_core::{ByteSink, CodeSink, Error, FixupKind, LabelApi, LabelRef};
use std::marker::PhantomData;

/// An assembler into a `Vec<u8>` with labels, for code that will run at
/// the address given to [`new`](Self::new).
#[derive(Debug)]
pub struct VecAssembler<R: Relocation> {
    inner: jitasm_runtime::VecAssembler<X64>,
    _relocation: PhantomData<R>,
}

delegate_output!([R: Relocation] VecAssembler<R>);
dynasm_api!([R: Relocation] VecAssembler<R>);
dynasm_label_api!([R: Relocation] VecAssembler<R>, R);

impl<R: Relocation> VecAssembler<R> {
    fn out(&self) -> &jitasm_runtime::VecAssembler<X64> {
        &self.inner
    }

    fn out_mut(&mut self) -> &mut jitasm_runtime::VecAssembler<X64> {
        &mut self.inner
    }

    /// An empty assembler whose offset 0 runs at `baseaddr`.
    pub fn new(baseaddr: usize) -> Self {
        VecAssembler {
            inner: jitasm_runtime::VecAssembler::new(baseaddr as u64),
            _relocation: PhantomData,
        }
    }

    /// As [`new`](Self::new), reserving room for `ops_capacity` bytes (the
    /// other capacities are hints jitasm does not need).
    pub fn new_with_capacity(
        baseaddr: usize,
        ops_capacity: usize,
        _local_labels: usize,
        _global_labels: usize,
        _dynamic_labels: usize,
        _static_references: usize,
        _dynamic_references: usize,
    ) -> Self {
        let mut a = Self::new(baseaddr);
        a.reserve_ops(ops_capacity);
        a
    }

    /// Reserves room for `additional` more bytes.
    pub fn reserve_ops(&mut self, additional: usize) {
        self.inner.reserve(additional)
    }

    /// A new, undefined dynamic label.
    pub fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.inner.new_dynamic_label()
    }

    /// Resolves the label references made so far.
    pub fn commit(&mut self) -> Result<(), DynasmError> {
        self.inner.resolve().map(|_| ()).map_err(to_dynasm)
    }

    /// Overwrites code already emitted.
    pub fn alter(&mut self) -> UncommittedModifier<'_> {
        UncommittedModifier::of_vec(&mut self.inner)
    }

    /// The labels defined so far.
    pub fn labels(&self) -> LabelRegistry<'_> {
        LabelRegistry {
            of: Registry::Vec(&self.inner),
        }
    }

    /// Resolves every label reference and returns the code.
    pub fn finalize(self) -> Result<Vec<u8>, DynasmError> {
        self.inner.finalize().map_err(to_dynasm)
    }

    /// Resolves, returns the code and starts over, keeping the label
    /// registry's allocations.
    pub fn take(&mut self) -> Result<Vec<u8>, DynasmError> {
        self.inner.take().map_err(to_dynasm)
    }

    /// As [`take`](Self::take), as an iterator over the bytes.
    pub fn drain(&mut self) -> Result<impl Iterator<Item = u8> + '_, DynasmError> {
        Ok(self.take()?.into_iter())
    }
}

/// An assembler that is only a `Vec<u8>`: no labels (using one panics).
#[derive(Debug, Clone, Default)]
pub struct SimpleAssembler {
    /// The code.
    pub ops: Vec<u8>,
}

dynasm_api!([] SimpleAssembler);

impl SimpleAssembler {
    /// An empty assembler.
    pub fn new() -> SimpleAssembler {
        SimpleAssembler { ops: Vec::new() }
    }

    /// Overwrites code already emitted.
    pub fn alter(&mut self) -> UncommittedModifier<'_> {
        UncommittedModifier::new(&mut self.ops, AssemblyOffset(0))
    }

    /// The code.
    pub fn finalize(self) -> Vec<u8> {
        self.ops
    }
}

const SIMPLE_NO_LABELS: &str = "labels in a SimpleAssembler";

impl ByteSink for SimpleAssembler {
    #[inline]
    fn push(&mut self, byte: u8) {
        self.ops.push(byte)
    }
    #[inline]
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.ops.extend_from_slice(bytes)
    }
    #[inline]
    fn offset(&self) -> usize {
        self.ops.len()
    }
}

impl CodeSink for SimpleAssembler {
    fn fixup(&mut self, _label: LabelRef<'_>, _kind: &'static FixupKind, _at: usize, _pc: usize) {
        panic!("{SIMPLE_NO_LABELS} are not supported")
    }
    fn record_error(&mut self, error: Error) {
        panic!("{}", keep(error))
    }
}

impl LabelApi for SimpleAssembler {
    fn define_global(&mut self, _name: &str) -> Result<(), Error> {
        Err(Error::Unsupported {
            what: SIMPLE_NO_LABELS,
        })
    }
    fn define_local(&mut self, _name: &str) -> Result<(), Error> {
        Err(Error::Unsupported {
            what: SIMPLE_NO_LABELS,
        })
    }
    fn define_dynamic(&mut self, _label: DynamicLabel) -> Result<(), Error> {
        Err(Error::Unsupported {
            what: SIMPLE_NO_LABELS,
        })
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        panic!("{SIMPLE_NO_LABELS} are not supported")
    }
    fn address_of(&self, _offset: usize) -> Option<u64> {
        None
    }
}

/// A global or local label, as [`LabelRegistry::resolve_static`] looks it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StaticLabel {
    name: &'static str,
    global: bool,
}

impl StaticLabel {
    /// Global label `name`.
    pub fn global(name: &'static str) -> StaticLabel {
        StaticLabel { name, global: true }
    }

    /// Local label `name`. jitasm keeps the latest definition of a local
    /// label only, so `version` is ignored.
    pub fn local(name: &'static str, _version: usize) -> StaticLabel {
        StaticLabel {
            name,
            global: false,
        }
    }

    /// Whether the label is global.
    pub fn is_global(&self) -> bool {
        self.global
    }

    /// Whether the label is local.
    pub fn is_local(&self) -> bool {
        !self.global
    }

    /// The label's name.
    pub fn get_name(&self) -> &'static str {
        self.name
    }
}

#[derive(Clone, Copy)]
enum Registry<'a> {
    Assembler(&'a jitasm_runtime::Assembler<X64>),
    Vec(&'a jitasm_runtime::VecAssembler<X64>),
}

/// A read-only view of an assembler's labels.
#[derive(Clone, Copy)]
pub struct LabelRegistry<'a> {
    of: Registry<'a>,
}

impl std::fmt::Debug for LabelRegistry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabelRegistry").finish_non_exhaustive()
    }
}

impl<'a> LabelRegistry<'a> {
    pub(crate) fn of_assembler(a: &'a jitasm_runtime::Assembler<X64>) -> Self {
        LabelRegistry {
            of: Registry::Assembler(a),
        }
    }

    /// Where dynamic label `id` is defined.
    pub fn resolve_dynamic(&self, id: DynamicLabel) -> Result<AssemblyOffset, DynasmError> {
        match self.of {
            Registry::Assembler(a) => a.dynamic_label_offset(id),
            Registry::Vec(v) => v.dynamic_label_offset(id),
        }
        .ok_or(DynasmError::UnknownLabel(LabelKind::Dynamic(id)))
    }

    /// Where a global label is defined, or the latest definition of a local
    /// one.
    pub fn resolve_static(&self, label: &StaticLabel) -> Result<AssemblyOffset, DynasmError> {
        let name = label.name;
        let found = match (self.of, label.global) {
            (Registry::Assembler(a), true) => a.global_label_offset(name),
            (Registry::Assembler(a), false) => a.local_label_offset(name),
            (Registry::Vec(v), true) => v.global_label_offset(name),
            (Registry::Vec(v), false) => v.local_label_offset(name),
        };
        found.ok_or(DynasmError::UnknownLabel(if label.global {
            LabelKind::Global(name)
        } else {
            LabelKind::Local(name)
        }))
    }
}
