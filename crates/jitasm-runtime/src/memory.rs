//! Executable memory that is never writable and executable at once.
//!
//! A [`CodeMemory`] reserves a fixed range of address space up front and
//! makes pages usable as code is written into it, so committed code **never
//! moves**: addresses handed out stay valid for the memory's lifetime and
//! absolute fixups never need re-patching. Only touched pages use memory.
//!
//! Two [`Strategy`]s keep W^X:
//! * [`Strategy::DualMap`]: the memory is mapped twice, once read-write and
//!   once read-execute (a `memfd` on Linux/FreeBSD). Writes go through the
//!   writable view; no page of the executable view ever changes to writable,
//!   so code can keep running on other threads while more is written.
//! * [`Strategy::Protect`]: one mapping whose pages are flipped between
//!   read-write and read-execute with `mprotect` / `VirtualProtect` (on Apple
//!   Silicon: one `MAP_JIT` mapping toggled per thread).
//!
//! Pages are filled with the architecture's trap instruction
//! ([`Arch::trap_fill`]) before they first become executable.

use crate::sys::{self, Prot};
use jitasm_core::{Arch, Error};

/// How code memory keeps writable and executable apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Flip page protections between read-write and read-execute.
    Protect,
    /// Map the memory twice: a read-write view and a read-execute view.
    DualMap,
}

impl Strategy {
    /// Whether this platform supports the strategy.
    pub const fn is_supported(self) -> bool {
        match self {
            Strategy::Protect => true,
            Strategy::DualMap => sys::DUAL_MAPPING && !sys::PER_THREAD_JIT,
        }
    }

    /// The default strategy: dual mapping where it exists, protection
    /// flipping elsewhere. Measured in `crates/jitasm-bench/benches/memory.rs`
    /// (figures in `docs/PERFORMANCE.md`): a small commit to a long-lived
    /// dual-mapped assembler needs no system call and is ~90× faster than a
    /// protection flip; an assembler made for one function is ~2× faster
    /// with [`Strategy::Protect`].
    pub const fn platform_default() -> Strategy {
        if Strategy::DualMap.is_supported() {
            Strategy::DualMap
        } else {
            Strategy::Protect
        }
    }
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy::platform_default()
    }
}

/// The most that is filled and mapped executable at once beyond what the
/// code needs.
const GROW_CHUNK: usize = 64 * 1024;

/// A fixed reservation of code memory. See the [module docs](self).
///
/// The methods that write take `&self` so that the memory can be shared with
/// executors; callers (the assemblers of this crate) guarantee that nothing
/// executes or reads a range while it is written.
pub struct CodeMemory {
    /// The executable view: where code runs.
    exec: *mut u8,
    /// The writable view (equal to `exec` with [`Strategy::Protect`]).
    write: *mut u8,
    capacity: usize,
    page: usize,
    strategy: Strategy,
    arch: Arch,
}

// SAFETY: CodeMemory owns its mappings; the raw pointers are only addresses of
// them. Writes happen through methods whose callers serialise them.
unsafe impl Send for CodeMemory {}
// SAFETY: shared access only reads code; see above for writes.
unsafe impl Sync for CodeMemory {}

fn round_up(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

impl CodeMemory {
    /// Reserves at least `capacity` bytes of code memory for `arch`.
    pub fn reserve(capacity: usize, strategy: Strategy, arch: Arch) -> Result<Self, Error> {
        if !strategy.is_supported() {
            return Err(Error::Unsupported {
                what: "dual-mapped code memory",
            });
        }
        let page = sys::page_size();
        let unit = page.max(GROW_CHUNK);
        let capacity = capacity
            .max(1)
            .checked_next_multiple_of(unit)
            .filter(|&c| c <= isize::MAX as usize)
            .ok_or(Error::CapacityExceeded {
                needed: capacity,
                capacity: isize::MAX as usize / unit * unit,
            })?;
        let (write, exec) = match strategy {
            Strategy::Protect => {
                let p = sys::reserve(capacity)?;
                (p, p)
            }
            Strategy::DualMap => sys::dual_map(capacity)?,
        };
        Ok(CodeMemory {
            exec,
            write,
            capacity,
            page,
            strategy,
            arch,
        })
    }

    /// The address code at offset 0 runs at.
    pub fn base(&self) -> *const u8 {
        self.exec
    }

    /// Bytes reserved.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The strategy in use.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// The architecture whose trap fills unused bytes.
    pub fn arch(&self) -> Arch {
        self.arch
    }

    /// The system page size.
    pub fn page_size(&self) -> usize {
        self.page
    }

    /// How far [`write`](Self::write) maps for code ending at `end` when
    /// `mapped` bytes are mapped already: at least to the end of `end`'s
    /// page, and at least as much again as is mapped (from one page up to
    /// [`GROW_CHUNK`]), so a small function costs one page and a growing
    /// buffer a logarithmic number of mapping calls.
    pub(crate) fn mapped_after(&self, mapped: usize, end: usize) -> usize {
        if end <= mapped {
            return mapped;
        }
        let step = mapped.clamp(self.page, GROW_CHUNK);
        round_up(end, self.page)
            .max(mapped + step)
            .min(self.capacity)
    }

    /// Whether writing `start..end` has to make executable pages writable
    /// (so that nothing may run in them meanwhile): true with
    /// [`Strategy::Protect`] when the first page already holds code.
    pub(crate) fn write_touches_code(&self, committed: usize, start: usize) -> bool {
        self.strategy == Strategy::Protect
            && !sys::PER_THREAD_JIT
            && start / self.page * self.page < committed
    }

    /// Copies `bytes` to offset `start` and leaves them executable.
    /// `mapped` is how many bytes from the start are already mapped (filled
    /// with traps and executable); the new value is returned.
    ///
    /// # Safety
    /// No thread may execute or read `start..start + bytes.len()` meanwhile,
    /// nor (with [`Strategy::Protect`]) any byte of the pages that range
    /// touches.
    pub(crate) unsafe fn write(
        &self,
        mapped: usize,
        start: usize,
        bytes: &[u8],
    ) -> Result<usize, Error> {
        let end = start
            .checked_add(bytes.len())
            .filter(|&e| e <= self.capacity)
            .ok_or(Error::CapacityExceeded {
                needed: start.saturating_add(bytes.len()),
                capacity: self.capacity,
            })?;
        let new_mapped = self.mapped_after(mapped, end);
        let first_page = start / self.page * self.page;
        let fill = self.arch.trap_fill();
        match self.strategy {
            Strategy::DualMap => {
                if new_mapped > mapped {
                    // SAFETY: mapped..new_mapped is inside the writable view
                    // and not yet executable, so nothing runs there.
                    unsafe { fill_with(self.write.add(mapped), new_mapped - mapped, fill) };
                    // SAFETY: page-aligned range of our executable view.
                    unsafe {
                        sys::protect(self.exec.add(mapped), new_mapped - mapped, Prot::ReadExec)?
                    };
                }
                // SAFETY: the caller guarantees nothing uses the range; it is
                // inside the writable view.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        bytes.as_ptr(),
                        self.write.add(start),
                        bytes.len(),
                    )
                };
            }
            Strategy::Protect => {
                let lo = first_page.min(mapped);
                sys::jit_write_enable(true);
                // SAFETY: lo..new_mapped is page-aligned and ours; the caller
                // guarantees nothing runs in it.
                unsafe { sys::protect(self.write.add(lo), new_mapped - lo, Prot::ReadWrite)? };
                if new_mapped > mapped {
                    // SAFETY: just made writable.
                    unsafe { fill_with(self.write.add(mapped), new_mapped - mapped, fill) };
                }
                // SAFETY: just made writable.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        bytes.as_ptr(),
                        self.write.add(start),
                        bytes.len(),
                    )
                };
                sys::jit_write_enable(false);
                // SAFETY: as above.
                unsafe { sys::protect(self.write.add(lo), new_mapped - lo, Prot::ReadExec)? };
            }
        }
        // SAFETY (of the pointer arithmetic): start..end is inside both views.
        sys::flush_icache(
            unsafe { self.write.add(start) },
            unsafe { self.exec.add(start) },
            bytes.len(),
        );
        Ok(new_mapped)
    }

    /// Rewrites `bytes` at `start` inside already-mapped code: the pages of
    /// the executable view are made read-write, written, and made
    /// read-execute again, whatever the strategy. Rewriting code that may
    /// have run is rare (it stops every executor), and a protection change is
    /// the one signal every instruction-fetch path observes, including
    /// emulators such as qemu-user that track translated code by page
    /// protection and never see writes through a second mapping.
    ///
    /// # Safety
    /// No thread may execute or read any byte of the pages the range touches.
    pub(crate) unsafe fn rewrite(&self, start: usize, bytes: &[u8]) -> Result<(), Error> {
        let end = start + bytes.len();
        let lo = start / self.page * self.page;
        let hi = round_up(end, self.page).min(self.capacity);
        sys::jit_write_enable(true);
        // SAFETY: lo..hi is page-aligned inside the executable view; the
        // caller guarantees nothing runs or reads there.
        unsafe { sys::protect(self.exec.add(lo), hi - lo, Prot::ReadWrite)? };
        // SAFETY: just made writable.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.exec.add(start), bytes.len()) };
        sys::jit_write_enable(false);
        // SAFETY: as above.
        unsafe { sys::protect(self.exec.add(lo), hi - lo, Prot::ReadExec)? };
        // SAFETY (of the pointer arithmetic): start..end is inside the view.
        let p = unsafe { self.exec.add(start) };
        sys::flush_icache(p, p, bytes.len());
        Ok(())
    }

    /// The committed bytes `0..len` as a slice.
    ///
    /// # Safety
    /// `len` bytes must be mapped and nothing may write them while the slice lives.
    pub(crate) unsafe fn slice(&self, len: usize) -> &[u8] {
        debug_assert!(len <= self.capacity);
        // SAFETY: the caller guarantees the bytes are mapped and not written.
        unsafe { std::slice::from_raw_parts(self.exec, len) }
    }
}

/// Fills `len` bytes at `dst` with copies of `pattern`.
///
/// # Safety
/// `dst..dst+len` must be writable and unaliased.
unsafe fn fill_with(dst: *mut u8, len: usize, pattern: &[u8]) {
    // SAFETY: the caller guarantees the range is writable and unaliased.
    let s = unsafe { std::slice::from_raw_parts_mut(dst, len) };
    if pattern.iter().all(|&b| b == pattern[0]) {
        s.fill(pattern[0]);
    } else {
        for (i, b) in s.iter_mut().enumerate() {
            *b = pattern[i % pattern.len()];
        }
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: the mappings are ours; whoever could run code in them holds
        // an Arc to this memory, so none is left.
        unsafe {
            sys::release(self.exec, self.capacity);
            if self.write != self.exec {
                sys::release(self.write, self.capacity);
            }
        }
    }
}

impl std::fmt::Debug for CodeMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeMemory")
            .field("exec", &self.exec)
            .field("capacity", &self.capacity)
            .field("strategy", &self.strategy)
            .field("arch", &self.arch)
            .finish()
    }
}
