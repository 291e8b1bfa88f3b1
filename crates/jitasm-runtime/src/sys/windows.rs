//! Windows: VirtualAlloc, VirtualProtect, FlushInstructionCache.

use super::Prot;
use jitasm_core::Error;
use windows_sys::Win32::System::Memory::{
    VirtualAlloc, VirtualFree, VirtualProtect, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE,
    PAGE_EXECUTE_READ, PAGE_NOACCESS, PAGE_PROTECTION_FLAGS, PAGE_READWRITE,
};

fn last_error(op: &'static str) -> Error {
    Error::Memory {
        op,
        code: std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
    }
}

/// Windows commits memory in pages but reserves in 64 KiB units; jitasm only
/// needs the page size for protection.
pub(crate) fn page_size() -> usize {
    use windows_sys::Win32::System::SystemInformation::{GetSystemInfo, SYSTEM_INFO};
    // SAFETY: GetSystemInfo fills the struct we hand it.
    let info = unsafe {
        let mut info: SYSTEM_INFO = std::mem::zeroed();
        GetSystemInfo(&mut info);
        info
    };
    info.dwPageSize as usize
}

/// No per-thread toggling on Windows.
pub(crate) const PER_THREAD_JIT: bool = false;

/// Reserves `len` bytes of address space.
pub(crate) fn reserve(len: usize) -> Result<*mut u8, Error> {
    // SAFETY: a new reservation at an address the system chooses.
    let p = unsafe { VirtualAlloc(std::ptr::null(), len, MEM_RESERVE, PAGE_NOACCESS) };
    if p.is_null() {
        Err(last_error("VirtualAlloc"))
    } else {
        Ok(p as *mut u8)
    }
}

/// Commits (if needed) and protects whole pages.
///
/// # Safety
/// The range must be page-aligned and inside a reservation made by `reserve`.
pub(crate) unsafe fn protect(ptr: *mut u8, len: usize, prot: Prot) -> Result<(), Error> {
    if len == 0 {
        return Ok(());
    }
    let flags: PAGE_PROTECTION_FLAGS = match prot {
        Prot::ReadWrite => PAGE_READWRITE,
        Prot::ReadExec => PAGE_EXECUTE_READ,
    };
    // SAFETY: committing already-committed pages is allowed; the range is ours.
    let c = unsafe { VirtualAlloc(ptr as *const _, len, MEM_COMMIT, PAGE_READWRITE) };
    if c.is_null() {
        return Err(last_error("VirtualAlloc"));
    }
    let mut old = 0;
    // SAFETY: the pages are committed and ours.
    if unsafe { VirtualProtect(ptr as *const _, len, flags, &mut old) } == 0 {
        return Err(last_error("VirtualProtect"));
    }
    Ok(())
}

/// No-op on Windows.
pub(crate) fn jit_write_enable(_enable: bool) {}

/// Releases a reservation.
///
/// # Safety
/// Nothing may use the range afterwards.
pub(crate) unsafe fn release(ptr: *mut u8, _len: usize) {
    // SAFETY: the caller guarantees the reservation is ours and unused.
    unsafe {
        VirtualFree(ptr as *mut _, 0, MEM_RELEASE);
    }
}

/// Dual mapping (section objects mapped twice) is not implemented on Windows.
pub(crate) const DUAL_MAPPING: bool = false;

/// Dual mapping is not available here.
pub(crate) fn dual_map(_len: usize) -> Result<(*mut u8, *mut u8), Error> {
    Err(Error::Unsupported {
        what: "dual-mapped code memory",
    })
}
