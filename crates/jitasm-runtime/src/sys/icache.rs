//! Instruction-cache maintenance after code is written.

/// Makes `len` bytes of new code visible to instruction fetch. `written` is
/// the address the bytes were written through and `exec` the address they
/// run at (the same address unless the memory is dual-mapped).
#[allow(unused_variables)]
pub(crate) fn flush_icache(written: *const u8, exec: *const u8, len: usize) {
    #[cfg(all(target_arch = "aarch64", not(target_vendor = "apple"), not(windows)))]
    if len != 0 {
        aarch64(written as usize, exec as usize, len);
    }

    #[cfg(all(target_arch = "aarch64", target_vendor = "apple"))]
    {
        extern "C" {
            fn sys_icache_invalidate(start: *mut core::ffi::c_void, len: usize);
        }
        // SAFETY: the range is code memory we just wrote; the call only
        // performs cache maintenance on it.
        unsafe { sys_icache_invalidate(exec as *mut _, len) };
    }

    #[cfg(all(
        any(target_arch = "riscv64", target_arch = "riscv32"),
        target_os = "linux"
    ))]
    {
        // __NR_riscv_flush_icache (arch/riscv/include/uapi/asm/unistd.h):
        // flushes the range on every hart that may run this process.
        const SYS_RISCV_FLUSH_ICACHE: libc::c_long = 259;
        // SAFETY: the syscall only performs cache maintenance on the range.
        unsafe {
            libc::syscall(
                SYS_RISCV_FLUSH_ICACHE,
                exec as usize,
                exec as usize + len,
                0usize,
            );
        }
    }

    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Diagnostics::Debug::FlushInstructionCache;
        use windows_sys::Win32::System::Threading::GetCurrentProcess;
        // SAFETY: flushing a range of our own process is always allowed.
        unsafe {
            FlushInstructionCache(GetCurrentProcess(), exec as *const _, len);
        }
    }
    // x86 keeps instruction fetch coherent with stores: nothing to do.
}

/// Arm ARM D7.5.9 (cache maintenance for self-modifying code): clean the data
/// cache to the point of unification, invalidate the instruction cache, and
/// synchronise. Line sizes come from CTR_EL0; its IDC/DIC bits say when a step
/// is unnecessary.
#[cfg(all(target_arch = "aarch64", not(target_vendor = "apple"), not(windows)))]
fn aarch64(written: usize, exec: usize, len: usize) {
    let ctr: u64;
    // SAFETY: CTR_EL0 is readable at EL0 on Linux and the BSDs.
    unsafe { core::arch::asm!("mrs {}, ctr_el0", out(reg) ctr, options(nomem, nostack)) };
    let dline = 4usize << ((ctr >> 16) & 0xf);
    let iline = 4usize << (ctr & 0xf);
    let idc = ctr & (1 << 28) != 0;
    let dic = ctr & (1 << 29) != 0;
    if !idc {
        let mut a = written & !(dline - 1);
        while a < written + len {
            // SAFETY: cleaning a data-cache line of memory we own has no
            // effect on program state.
            unsafe { core::arch::asm!("dc cvau, {}", in(reg) a, options(nostack)) };
            a += dline;
        }
    }
    // SAFETY: a barrier.
    unsafe { core::arch::asm!("dsb ish", options(nostack)) };
    if !dic {
        let mut a = exec & !(iline - 1);
        while a < exec + len {
            // SAFETY: invalidating instruction-cache lines has no effect on
            // program state beyond refetching.
            unsafe { core::arch::asm!("ic ivau, {}", in(reg) a, options(nostack)) };
            a += iline;
        }
        // SAFETY: a barrier.
        unsafe { core::arch::asm!("dsb ish", options(nostack)) };
    }
    // SAFETY: an instruction barrier.
    unsafe { core::arch::asm!("isb", options(nostack)) };
}
