//! The executable-memory assembler, its buffer and its executor.

use crate::api::{dynasm_api, dynasm_label_api};
use crate::error::to_dynasm;
use crate::modifier::{AlterTarget, Modifier, UncommittedModifier};
use crate::relocations::Relocation;
use crate::vec::LabelRegistry;
use crate::{AssemblyOffset, DynamicLabel, DynasmError};
use jitasm_core::isa::X64;
use jitasm_core::{ByteSink, CodeSink, Error, FixupKind, LabelApi, LabelRef};
use jitasm_runtime::{AssemblerOptions, DEFAULT_CAPACITY};
use std::io;
use std::marker::PhantomData;
use std::ops::Deref;

/// Forwards jitasm's output traits to what `self.out()` / `self.out_mut()`
/// return, keeping or panicking on
/// emission errors as dynasmrt does.
macro_rules! delegate_output {
    ([$($g:tt)*] $ty:ty) => {
        impl<$($g)*> ByteSink for $ty {
            #[inline]
            fn push(&mut self, byte: u8) {
                self.out_mut().push(byte)
            }
            #[inline]
            fn extend_from_slice(&mut self, bytes: &[u8]) {
                self.out_mut().extend_from_slice(bytes)
            }
            #[inline]
            fn extend_padded(&mut self, bytes: &[u8; 16], len: usize) {
                self.out_mut().extend_padded(bytes, len)
            }
            #[inline]
            fn offset(&self) -> usize {
                ByteSink::offset(self.out())
            }
        }

        impl<$($g)*> CodeSink for $ty {
            #[inline]
            fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
                self.out_mut().fixup(label, kind, at, pc)
            }
            fn record_error(&mut self, error: Error) {
                self.out_mut().record_error(crate::error::keep(error))
            }
        }

        impl<$($g)*> LabelApi for $ty {
            fn define_global(&mut self, name: &str) -> Result<(), Error> {
                self.out_mut().define_global(name)
            }
            fn define_local(&mut self, name: &str) -> Result<(), Error> {
                self.out_mut().define_local(name)
            }
            fn define_dynamic(&mut self, label: DynamicLabel) -> Result<(), Error> {
                self.out_mut().define_dynamic(label)
            }
            fn new_dynamic_label(&mut self) -> DynamicLabel {
                self.out_mut().new_dynamic_label()
            }
            fn address_of(&self, offset: usize) -> Option<u64> {
                self.out().address_of(offset)
            }
        }
    };
}
pub(crate) use delegate_output;

fn io_error(e: Error) -> io::Error {
    io::Error::other(e.to_string())
}

/// An assembler into executable memory: append, [`commit`](Self::commit)
/// to make code runnable, keep appending while [`Executor`]s run the
/// committed part, [`alter`](Self::alter) committed code.
///
/// The memory is one reservation that never moves (jitasm's
/// [`DEFAULT_CAPACITY`] unless [`new_with_capacity`](Self::new_with_capacity)
/// asks for more) and is never writable and executable at once. Bytes no
/// code was written to hold the trap instruction of the relocation type's
/// architecture: `int3` for x86-64 and x86, `udf #0` words for AArch64.
#[derive(Debug)]
pub struct Assembler<R: Relocation> {
    inner: jitasm_runtime::Assembler<X64>,
    _relocation: PhantomData<R>,
}

delegate_output!([R: Relocation] Assembler<R>);
dynasm_api!([R: Relocation] Assembler<R>);
dynasm_label_api!([R: Relocation] Assembler<R>, R);

impl<R: Relocation> Assembler<R> {
    fn out(&self) -> &jitasm_runtime::Assembler<X64> {
        &self.inner
    }

    fn out_mut(&mut self) -> &mut jitasm_runtime::Assembler<X64> {
        &mut self.inner
    }

    /// An empty assembler.
    pub fn new() -> io::Result<Self> {
        Self::new_with_capacity(0)
    }

    /// An empty assembler whose memory holds at least `capacity` bytes.
    pub fn new_with_capacity(capacity: usize) -> io::Result<Self> {
        let page = R::page_size().max(1);
        let capacity = capacity
            .checked_next_multiple_of(page)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "Capacity is too large"))?
            .max(DEFAULT_CAPACITY);
        let options = AssemblerOptions {
            capacity,
            ..AssemblerOptions::default()
        };
        // The ISA marker only types jitasm's own front ends, which this
        // crate reaches through its output traits; the memory is `R`'s.
        let inner =
            jitasm_runtime::Assembler::with_options_for(options, R::ARCH).map_err(io_error)?;
        Ok(Assembler {
            inner,
            _relocation: PhantomData,
        })
    }

    /// A new, undefined dynamic label.
    pub fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.inner.new_dynamic_label()
    }

    /// Overwrites code that is not committed yet.
    pub fn alter_uncommitted(&mut self) -> UncommittedModifier<'_> {
        UncommittedModifier::of_assembler(self.inner.alter_uncommitted())
    }

    /// Commits, then rewrites committed code with `f`, applying the changes
    /// while no executor holds a lock and flushing the instruction cache.
    pub fn alter<F, O>(&mut self, f: F) -> Result<O, DynasmError>
    where
        F: FnOnce(&mut Modifier<'_, R>) -> O,
    {
        self.commit()?;
        self.inner
            .alter(|m| {
                let target: &mut dyn AlterTarget = m;
                f(&mut Modifier::new(target))
            })
            .map_err(to_dynasm)
    }

    /// Resolves the label references made so far and makes the code
    /// executable.
    pub fn commit(&mut self) -> Result<(), DynasmError> {
        self.inner.commit().map_err(to_dynasm)
    }

    /// Commits and hands the code over. Panics if the commit fails (call
    /// [`commit`](Self::commit) first to handle that); never returns `Err`,
    /// as executors keep working after it.
    #[allow(clippy::result_large_err)] // dynasmrt's signature
    pub fn finalize(mut self) -> Result<ExecutableBuffer, Self> {
        self.commit()
            .expect("Errors were encountered when committing before finalization");
        let buffer = self
            .inner
            .finalize()
            .expect("committed code can always be finalized");
        Ok(ExecutableBuffer { inner: buffer })
    }

    /// A handle other threads use to run committed code.
    pub fn reader(&self) -> Executor {
        Executor {
            inner: self.inner.reader(),
        }
    }

    /// The labels defined so far.
    pub fn labels(&self) -> LabelRegistry<'_> {
        LabelRegistry::of_assembler(&self.inner)
    }
}

/// Committed code owned after [`Assembler::finalize`].
#[derive(Debug)]
pub struct ExecutableBuffer {
    inner: jitasm_runtime::ExecutableBuffer,
}

impl ExecutableBuffer {
    /// A pointer to the code at `offset`. Panics if `offset` is not inside
    /// the code.
    pub fn ptr(&self, offset: AssemblyOffset) -> *const u8 {
        code_ptr(&self[..], offset, self.inner.ptr(offset))
    }

    /// The size of the code.
    pub fn size(&self) -> usize {
        self.len()
    }
}

impl Deref for ExecutableBuffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.inner
    }
}

fn code_ptr(code: &[u8], offset: AssemblyOffset, ptr: Result<*const u8, Error>) -> *const u8 {
    match ptr {
        Ok(p) if offset.0 < code.len() => p,
        _ => panic!(
            "index out of bounds: the len is {} but the index is {}",
            code.len(),
            offset.0
        ),
    }
}

/// Runs committed code from any thread while the assembler appends more.
#[derive(Debug, Clone)]
pub struct Executor {
    inner: jitasm_runtime::Executor,
}

impl Executor {
    /// Locks the committed code against rewriting while the guard lives; run
    /// code only through a locked guard.
    pub fn lock(&self) -> ExecutorGuard<'_> {
        ExecutorGuard {
            inner: self.inner.lock(),
        }
    }
}

/// The committed code, locked; see [`Executor::lock`].
pub struct ExecutorGuard<'a> {
    inner: jitasm_runtime::ExecutorGuard<'a>,
}

impl ExecutorGuard<'_> {
    /// A pointer to the code at `offset`, valid while the guard lives.
    /// Panics if `offset` is not inside the committed code.
    pub fn ptr(&self, offset: AssemblyOffset) -> *const u8 {
        code_ptr(&self[..], offset, self.inner.ptr(offset))
    }

    /// The size of the committed code.
    pub fn size(&self) -> usize {
        self.len()
    }
}

impl Deref for ExecutorGuard<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.inner
    }
}
