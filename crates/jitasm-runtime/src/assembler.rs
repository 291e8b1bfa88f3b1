//! The assembler that emits into executable memory, and its views.

use crate::func::{FnPtr, JitFn};
use crate::labels::{Fixup, Labels};
use crate::memory::{CodeMemory, Strategy};
use jitasm_core::LabelApi;
use jitasm_core::{
    Arch, AssemblyOffset, ByteSink, CodeSink, DynamicLabel, Error, FixupKind, Isa, LabelRef,
};
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Default reservation: 128 MiB of address space on 64-bit hosts, so that
/// every AArch64 `b`/`bl` inside one assembler's code is in range. Only pages
/// that receive code use memory.
pub const DEFAULT_CAPACITY: usize = if cfg!(target_pointer_width = "64") {
    128 << 20
} else {
    16 << 20
};

/// How an [`Assembler`] maps its memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssemblerOptions {
    /// Bytes of address space reserved; committed code never moves, so this
    /// is the most code the assembler can hold.
    pub capacity: usize,
    /// How writable and executable are kept apart.
    pub strategy: Strategy,
}

impl Default for AssemblerOptions {
    fn default() -> Self {
        AssemblerOptions {
            capacity: DEFAULT_CAPACITY,
            strategy: Strategy::platform_default(),
        }
    }
}

/// What the assembler shares with its executors.
#[derive(Debug)]
struct Shared {
    mem: CodeMemory,
    committed: AtomicUsize,
    /// Held for reading while code may run or be read through a guard; held
    /// for writing while committed bytes are rewritten.
    lock: RwLock<()>,
}

impl Shared {
    fn read(&self) -> RwLockReadGuard<'_, ()> {
        self.lock.read().unwrap_or_else(|e| e.into_inner())
    }
    fn write(&self) -> RwLockWriteGuard<'_, ()> {
        self.lock.write().unwrap_or_else(|e| e.into_inner())
    }
    fn address(&self, offset: usize) -> u64 {
        self.mem.base() as u64 + offset as u64
    }
}

/// Checks `offset` against `len` and returns the address of code there.
fn code_ptr(shared: &Shared, len: usize, offset: AssemblyOffset) -> Result<*const u8, Error> {
    if offset.0 < len {
        Ok(shared.address(offset.0) as *const u8)
    } else {
        Err(Error::OffsetOutOfBounds {
            offset: offset.0,
            len,
        })
    }
}

/// An assembler that emits into executable memory.
///
/// Bytes are appended to a staging buffer; [`commit`](Self::commit) resolves
/// the label references made so far and copies the code into executable
/// memory, where it stays at the same address until the memory is freed (the
/// last of the assembler, its [`ExecutableBuffer`] and its [`Executor`]s is
/// dropped). Other threads can run committed code through an [`Executor`]
/// while the owner appends and commits more.
///
/// ```
/// use jitasm_runtime::{Assembler, isa::X64};
/// use jitasm_core::ByteSink;
///
/// # fn main() -> Result<(), jitasm_core::Error> {
/// let mut asm = Assembler::<X64>::new()?;
/// let start = asm.offset();
/// asm.extend_from_slice(&[0xB8, 42, 0, 0, 0, 0xC3]); // mov eax, 42; ret
/// let code = asm.finalize()?;
/// # #[cfg(target_arch = "x86_64")] {
/// let f = unsafe { code.func::<extern "C" fn() -> u32>(start)? };
/// assert_eq!(f(), 42);
/// # }
/// # Ok(()) }
/// ```
pub struct Assembler<A: Isa> {
    shared: Arc<Shared>,
    /// Bytes committed (mirror of `shared.committed`, owned by us).
    committed: usize,
    /// Bytes of memory filled with traps and made executable.
    mapped: usize,
    /// Uncommitted code, at offsets `committed..`.
    ops: Vec<u8>,
    labels: Labels,
    error: Option<Error>,
    _isa: PhantomData<A>,
}

impl<A: Isa> std::fmt::Debug for Assembler<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assembler")
            .field("arch", &self.shared.mem.arch())
            .field("committed", &self.committed)
            .field("uncommitted", &self.ops.len())
            .field("memory", &self.shared.mem)
            .finish()
    }
}

impl<A: Isa> Assembler<A> {
    /// An assembler with the default options.
    pub fn new() -> Result<Self, Error> {
        Self::with_options(AssemblerOptions::default())
    }

    /// An assembler with the given options.
    pub fn with_options(options: AssemblerOptions) -> Result<Self, Error> {
        Self::with_options_for(options, A::ARCH)
    }

    /// An assembler with the given options whose code memory is prepared
    /// for `arch` rather than `A::ARCH`: bytes no code was written to hold
    /// `arch`'s trap instruction ([`Arch::trap_fill`]). For a front end that
    /// learns the instruction set at run time behind one assembler type
    /// (the dynasmrt compatibility crate's `Assembler<R>` takes it from its
    /// relocation type); `A` still types what the assembler accepts.
    pub fn with_options_for(options: AssemblerOptions, arch: Arch) -> Result<Self, Error> {
        let mem = CodeMemory::reserve(options.capacity, options.strategy, arch)?;
        Ok(Assembler {
            shared: Arc::new(Shared {
                mem,
                committed: AtomicUsize::new(0),
                lock: RwLock::new(()),
            }),
            committed: 0,
            mapped: 0,
            ops: Vec::new(),
            labels: Labels::default(),
            error: None,
            _isa: PhantomData,
        })
    }

    /// The offset the next byte will have.
    #[inline]
    pub fn offset(&self) -> AssemblyOffset {
        AssemblyOffset(self.committed + self.ops.len())
    }

    /// The address code at `offset` runs at (also for code not yet committed).
    pub fn address(&self, offset: AssemblyOffset) -> u64 {
        self.shared.address(offset.0)
    }

    /// The architecture the code memory is prepared for (whose trap fills
    /// the bytes no code was written to).
    pub fn arch(&self) -> Arch {
        self.shared.mem.arch()
    }

    /// The strategy the memory uses.
    pub fn strategy(&self) -> Strategy {
        self.shared.mem.strategy()
    }

    /// Bytes of code memory reserved.
    pub fn capacity(&self) -> usize {
        self.shared.mem.capacity()
    }

    /// How many bytes are committed.
    pub fn committed_len(&self) -> usize {
        self.committed
    }

    /// The code not yet committed (label fields not yet patched).
    pub fn uncommitted(&self) -> &[u8] {
        &self.ops
    }

    /// The offset global label `name` is defined at.
    pub fn global_label_offset(&self, name: &str) -> Option<AssemblyOffset> {
        self.labels.global_offset(name)
    }

    /// The offset dynamic label `label` is defined at.
    pub fn dynamic_label_offset(&self, label: DynamicLabel) -> Option<AssemblyOffset> {
        self.labels.dynamic_offset(label)
    }

    /// The offset of the latest definition of local label `name`.
    pub fn local_label_offset(&self, name: &str) -> Option<AssemblyOffset> {
        self.labels.local_offset(name)
    }

    /// The first error recorded while emitting, if any. Once an error is
    /// recorded, [`commit`](Self::commit) and [`finalize`](Self::finalize)
    /// return it and never commit the code emitted after it.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Resolves every label reference made since the last commit and makes
    /// the code executable. Fails, committing nothing, if a referenced label
    /// is undefined, a target is out of a fixup's range or misaligned, the
    /// memory is full, or an error was recorded while emitting.
    pub fn commit(&mut self) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.ops.is_empty() && !self.labels.has_fixups() {
            return Ok(());
        }
        let base = self.shared.mem.base() as u64;
        self.labels.patch(&mut self.ops, self.committed, base)?;
        let _guard = self
            .shared
            .mem
            .write_touches_code(self.committed, self.committed)
            .then(|| self.shared.write());
        // SAFETY: the bytes from `committed` on are not committed, so nothing
        // runs or reads them; when the write must make committed pages
        // writable, the write lock keeps every executor guard away.
        self.mapped = unsafe {
            self.shared
                .mem
                .write(self.mapped, self.committed, &self.ops)?
        };
        self.committed += self.ops.len();
        self.shared
            .committed
            .store(self.committed, Ordering::Release);
        self.ops.clear();
        Ok(())
    }

    /// Commits and hands the code over as an [`ExecutableBuffer`].
    pub fn finalize(mut self) -> Result<ExecutableBuffer, Error> {
        self.commit()?;
        Ok(ExecutableBuffer {
            shared: self.shared.clone(),
            len: self.committed,
        })
    }

    /// A handle other threads use to run committed code while this assembler
    /// keeps appending and committing.
    pub fn reader(&self) -> Executor {
        Executor {
            shared: self.shared.clone(),
        }
    }

    /// Rewrites committed code. The closure positions a [`Modifier`] with
    /// [`goto`](Modifier::goto) and emits over existing bytes; label
    /// references it makes are resolved against labels defined so far. The
    /// changes are applied at once when it returns, while no executor guard
    /// is held, and the instruction cache is flushed.
    pub fn alter<R>(&mut self, f: impl FnOnce(&mut Modifier<'_>) -> R) -> Result<R, Error> {
        let mut m = Modifier {
            labels: &mut self.labels,
            committed: self.committed,
            base: self.shared.mem.base() as u64,
            patches: Vec::new(),
            fixups: Vec::new(),
            error: None,
        };
        let r = f(&mut m);
        let Modifier {
            labels,
            mut patches,
            fixups,
            error,
            ..
        } = m;
        if let Some(e) = error {
            return Err(e);
        }
        // Each fixup is patched into the run of new bytes that holds its unit.
        let mut per_patch: Vec<Vec<Fixup>> = vec![Vec::new(); patches.len()];
        for f in &fixups {
            let end = f.at + f.kind.unit as usize;
            let i = patches
                .iter()
                .rposition(|(s, b)| f.at >= *s && end <= s + b.len())
                .ok_or(Error::OffsetOutOfBounds {
                    offset: f.at,
                    len: self.committed,
                })?;
            per_patch[i].push(*f);
        }
        let base = self.shared.mem.base() as u64;
        for ((start, bytes), mine) in patches.iter_mut().zip(&per_patch) {
            labels.patch_list(mine, bytes, *start, base)?;
        }
        let _guard = self.shared.write();
        for (start, bytes) in &patches {
            // SAFETY: the write lock is held, so no executor guard exists and
            // nothing may run or read the code (the contract of Executor);
            // the range is committed, hence mapped.
            unsafe { self.shared.mem.rewrite(*start, bytes)? };
        }
        Ok(r)
    }

    /// Overwrites code that is not committed yet: position the modifier with
    /// [`goto`](UncommittedModifier::goto) and emit.
    pub fn alter_uncommitted(&mut self) -> UncommittedModifier<'_, A> {
        let pos = self.committed;
        UncommittedModifier { asm: self, pos }
    }

    fn record(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }
}

impl<A: Isa> ByteSink for Assembler<A> {
    #[inline]
    fn push(&mut self, byte: u8) {
        self.ops.push(byte)
    }
    #[inline]
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.ops.extend_from_slice(bytes)
    }
    #[inline]
    fn extend_padded(&mut self, bytes: &[u8; 16], len: usize) {
        ByteSink::extend_padded(&mut self.ops, bytes, len)
    }
    #[inline]
    fn offset(&self) -> usize {
        self.committed + self.ops.len()
    }
}

impl<A: Isa> CodeSink for Assembler<A> {
    #[inline]
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        self.labels.reference(label, kind, at, pc)
    }
    fn record_error(&mut self, error: Error) {
        self.record(error)
    }
}

impl<A: Isa> LabelApi for Assembler<A> {
    fn define_global(&mut self, name: &str) -> Result<(), Error> {
        let at = ByteSink::offset(self);
        self.labels.define_global(name, at)
    }
    fn define_local(&mut self, name: &str) -> Result<(), Error> {
        let at = ByteSink::offset(self);
        self.labels.define_local(name, at);
        Ok(())
    }
    fn define_dynamic(&mut self, label: DynamicLabel) -> Result<(), Error> {
        let at = ByteSink::offset(self);
        self.labels.define_dynamic(label, at)
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.labels.new_dynamic()
    }
    fn address_of(&self, offset: usize) -> Option<u64> {
        Some(self.shared.address(offset))
    }
}

/// Rewrites committed code; see [`Assembler::alter`].
pub struct Modifier<'a> {
    labels: &'a mut Labels,
    committed: usize,
    base: u64,
    /// Runs of new bytes: (start offset, bytes).
    patches: Vec<(usize, Vec<u8>)>,
    fixups: Vec<Fixup>,
    error: Option<Error>,
}

impl Modifier<'_> {
    /// Continues writing at `offset` (which must be committed code).
    pub fn goto(&mut self, offset: AssemblyOffset) {
        if offset.0 > self.committed && self.error.is_none() {
            self.error = Some(Error::OffsetOutOfBounds {
                offset: offset.0,
                len: self.committed,
            });
        }
        self.patches.push((offset.0, Vec::new()));
    }

    fn current(&mut self) -> &mut Vec<u8> {
        if self.patches.is_empty() {
            self.patches.push((0, Vec::new()));
        }
        &mut self.patches.last_mut().expect("a patch").1
    }

    fn check(&mut self) {
        let (s, b) = self.patches.last().expect("a patch");
        if s + b.len() > self.committed && self.error.is_none() {
            self.error = Some(Error::OffsetOutOfBounds {
                offset: s + b.len() - 1,
                len: self.committed,
            });
        }
    }
}

impl ByteSink for Modifier<'_> {
    fn push(&mut self, byte: u8) {
        self.current().push(byte);
        self.check();
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.current().extend_from_slice(bytes);
        self.check();
    }
    fn offset(&self) -> usize {
        self.patches.last().map_or(0, |(s, b)| s + b.len())
    }
}

impl CodeSink for Modifier<'_> {
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        let f = self.labels.make_fixup(label, kind, at, pc);
        self.fixups.push(f);
    }
    fn record_error(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }
}

/// Labels mark positions of code being appended; an alter only rewrites.
const NO_LABELS_IN_ALTER: Error = Error::Unsupported {
    what: "defining labels while altering committed code",
};

impl LabelApi for Modifier<'_> {
    fn define_global(&mut self, _name: &str) -> Result<(), Error> {
        Err(NO_LABELS_IN_ALTER)
    }
    fn define_local(&mut self, _name: &str) -> Result<(), Error> {
        Err(NO_LABELS_IN_ALTER)
    }
    fn define_dynamic(&mut self, _label: DynamicLabel) -> Result<(), Error> {
        Err(NO_LABELS_IN_ALTER)
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.labels.new_dynamic()
    }
    fn address_of(&self, offset: usize) -> Option<u64> {
        Some(self.base + offset as u64)
    }
}

/// Overwrites uncommitted code; see [`Assembler::alter_uncommitted`].
pub struct UncommittedModifier<'a, A: Isa> {
    asm: &'a mut Assembler<A>,
    pos: usize,
}

impl<A: Isa> UncommittedModifier<'_, A> {
    /// Continues writing at `offset`, which must not be committed.
    pub fn goto(&mut self, offset: AssemblyOffset) {
        if offset.0 < self.asm.committed || offset.0 > ByteSink::offset(self.asm) {
            let len = ByteSink::offset(self.asm);
            self.asm.record(Error::OffsetOutOfBounds {
                offset: offset.0,
                len,
            });
        }
        self.pos = offset.0;
    }
}

impl<A: Isa> ByteSink for UncommittedModifier<'_, A> {
    fn push(&mut self, byte: u8) {
        self.extend_from_slice(&[byte]);
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        let committed = self.asm.committed;
        match self
            .pos
            .checked_sub(committed)
            .and_then(|s| self.asm.ops.get_mut(s..s + bytes.len()))
        {
            Some(dst) => dst.copy_from_slice(bytes),
            None => {
                let len = ByteSink::offset(self.asm);
                self.asm.record(Error::OffsetOutOfBounds {
                    offset: self.pos + bytes.len(),
                    len,
                })
            }
        }
        self.pos += bytes.len();
    }
    fn offset(&self) -> usize {
        self.pos
    }
}

impl<A: Isa> CodeSink for UncommittedModifier<'_, A> {
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        self.asm.fixup(label, kind, at, pc)
    }
    fn record_error(&mut self, error: Error) {
        self.asm.record(error)
    }
}

/// Committed code handed over by [`Assembler::finalize`]. Dropping it (and
/// every [`Executor`] of the same assembler) frees the memory.
#[derive(Debug)]
pub struct ExecutableBuffer {
    shared: Arc<Shared>,
    len: usize,
}

impl ExecutableBuffer {
    /// The address of the code at `offset`.
    pub fn ptr(&self, offset: AssemblyOffset) -> Result<*const u8, Error> {
        code_ptr(&self.shared, self.len, offset)
    }

    /// The code at `offset` as a function pointer of type `F`, which cannot
    /// outlive this buffer.
    ///
    /// # Safety
    /// The code at `offset` must be a function with exactly the signature
    /// and calling convention of `F`.
    pub unsafe fn func<F: FnPtr>(&self, offset: AssemblyOffset) -> Result<JitFn<'_, F>, Error> {
        let p = self.ptr(offset)?;
        // SAFETY: in bounds and executable for as long as self lives; the
        // caller vouches for the signature.
        Ok(unsafe { JitFn::from_addr(p) })
    }
}

impl Deref for ExecutableBuffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `len` bytes are committed and no one can write them any
        // more: the assembler was consumed by finalize.
        unsafe { self.shared.mem.slice(self.len) }
    }
}

/// A handle for running committed code from any thread; see
/// [`Assembler::reader`]. Clone it freely.
#[derive(Clone, Debug)]
pub struct Executor {
    shared: Arc<Shared>,
}

impl Executor {
    /// Locks the committed code against [`Assembler::alter`] (and, with
    /// [`Strategy::Protect`], against commits that rewrite its last page)
    /// for as long as the guard lives. Run code only while holding a guard.
    pub fn lock(&self) -> ExecutorGuard<'_> {
        let guard = self.shared.read();
        let len = self.shared.committed.load(Ordering::Acquire);
        ExecutorGuard {
            _guard: guard,
            shared: &self.shared,
            len,
        }
    }
}

/// Committed code, locked against rewriting; see [`Executor::lock`].
pub struct ExecutorGuard<'a> {
    _guard: RwLockReadGuard<'a, ()>,
    shared: &'a Shared,
    len: usize,
}

impl ExecutorGuard<'_> {
    /// The address of the code at `offset`.
    pub fn ptr(&self, offset: AssemblyOffset) -> Result<*const u8, Error> {
        code_ptr(self.shared, self.len, offset)
    }

    /// The code at `offset` as a function pointer of type `F`, which cannot
    /// outlive this guard.
    ///
    /// # Safety
    /// As for [`ExecutableBuffer::func`].
    pub unsafe fn func<F: FnPtr>(&self, offset: AssemblyOffset) -> Result<JitFn<'_, F>, Error> {
        let p = self.ptr(offset)?;
        // SAFETY: in bounds and locked against rewriting while self lives;
        // the caller vouches for the signature.
        Ok(unsafe { JitFn::from_addr(p) })
    }
}

impl Deref for ExecutorGuard<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `len` bytes were committed when the guard was taken; commits
        // write only after them, and rewrites wait for the guard to go.
        unsafe { self.shared.mem.slice(self.len) }
    }
}
