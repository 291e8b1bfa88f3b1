//! Linux, the BSDs and macOS: mmap, mprotect, memfd.

use super::Prot;
use jitasm_core::Error;

fn last_error(op: &'static str) -> Error {
    Error::Memory {
        op,
        code: std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
    }
}

/// The size of a page.
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

fn prot_bits(p: Prot) -> libc::c_int {
    match p {
        Prot::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
        Prot::ReadExec => libc::PROT_READ | libc::PROT_EXEC,
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const NORESERVE: libc::c_int = libc::MAP_NORESERVE;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const NORESERVE: libc::c_int = 0;

/// On Apple Silicon, code memory is one `MAP_JIT` mapping whose writability
/// is toggled per thread (`pthread_jit_write_protect_np`); the kernel never
/// lets a thread see it writable and executable at once.
pub(crate) const PER_THREAD_JIT: bool = cfg!(all(target_os = "macos", target_arch = "aarch64"));

/// Reserves `len` bytes of address space, inaccessible until protected.
pub(crate) fn reserve(len: usize) -> Result<*mut u8, Error> {
    #[cfg(all(target_os = "macos", target_arch = "aarch64"))]
    let (prot, extra) = (
        libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
        libc::MAP_JIT,
    );
    #[cfg(not(all(target_os = "macos", target_arch = "aarch64")))]
    let (prot, extra) = (libc::PROT_NONE, 0);
    // SAFETY: an anonymous private mapping at an address the kernel chooses
    // touches no existing memory.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            prot,
            libc::MAP_PRIVATE | libc::MAP_ANON | NORESERVE | extra,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        Err(last_error("mmap"))
    } else {
        Ok(p as *mut u8)
    }
}

/// Changes the protection of whole pages.
///
/// # Safety
/// `ptr..ptr+len` must be page-aligned and inside a mapping made by this
/// module, and no reference to it may be used in a way the new protection
/// forbids.
pub(crate) unsafe fn protect(ptr: *mut u8, len: usize, prot: Prot) -> Result<(), Error> {
    if len == 0 || PER_THREAD_JIT {
        return Ok(());
    }
    // SAFETY: the caller guarantees the range is one of our mappings.
    let r = unsafe { libc::mprotect(ptr as *mut libc::c_void, len, prot_bits(prot)) };
    if r != 0 {
        Err(last_error("mprotect"))
    } else {
        Ok(())
    }
}

/// Allows or forbids writing to `MAP_JIT` memory on the calling thread
/// (Apple Silicon); a no-op elsewhere.
pub(crate) fn jit_write_enable(enable: bool) {
    #[cfg(all(target_os = "macos", target_arch = "aarch64"))]
    // SAFETY: toggles this thread's view of MAP_JIT memory; no other effect.
    unsafe {
        libc::pthread_jit_write_protect_np(if enable { 0 } else { 1 });
    }
    #[cfg(not(all(target_os = "macos", target_arch = "aarch64")))]
    let _ = enable;
}

/// Unmaps a mapping made by this module.
///
/// # Safety
/// Nothing may use the range afterwards.
pub(crate) unsafe fn release(ptr: *mut u8, len: usize) {
    // SAFETY: the caller guarantees the range is ours and unused.
    unsafe {
        libc::munmap(ptr as *mut libc::c_void, len);
    }
}

/// Whether this platform can map the same memory twice (writable view and
/// executable view).
pub(crate) const DUAL_MAPPING: bool = cfg!(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd"
));

/// Maps `len` bytes of shared memory twice: once readable and writable, once
/// inaccessible (to be made readable and executable page by page). Returns
/// `(writable, executable)`.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) fn dual_map(len: usize) -> Result<(*mut u8, *mut u8), Error> {
    // SAFETY: memfd_create takes a NUL-terminated name and flags.
    let fd = unsafe { libc::memfd_create(c"jitasm".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(last_error("memfd_create"));
    }
    let result = (|| {
        // SAFETY: fd is the memfd we just created.
        if unsafe { libc::ftruncate(fd, len as libc::off_t) } != 0 {
            return Err(last_error("ftruncate"));
        }
        // SAFETY: a new shared mapping of our own memfd.
        let rw = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if rw == libc::MAP_FAILED {
            return Err(last_error("mmap"));
        }
        // SAFETY: a second shared mapping of the same memfd.
        let rx = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if rx == libc::MAP_FAILED {
            let e = last_error("mmap");
            // SAFETY: rw was mapped just above and is not used.
            unsafe { libc::munmap(rw, len) };
            return Err(e);
        }
        Ok((rw as *mut u8, rx as *mut u8))
    })();
    // SAFETY: the mappings keep the memory alive; the descriptor is ours to close.
    unsafe { libc::close(fd) };
    result
}

/// Dual mapping is not available here.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) fn dual_map(_len: usize) -> Result<(*mut u8, *mut u8), Error> {
    Err(Error::Unsupported {
        what: "dual-mapped code memory",
    })
}
