//! The smallest possible JIT: reserve code memory, write the bytes of a
//! function returning 0x30 — `mov rax, 0x30; ret` on x86-64, `movz x0,
//! #0x30; ret` on AArch64 — make them executable, call them.
//!
//! Only the runtime is used: no encoder, no labels. `Assembler::finalize`
//! flips the memory from writable to executable (it is never both) and, on
//! AArch64, makes the instruction cache see the new code.
//!
//! ```text
//! cargo run -p jitasm --example minimal   # prints 0x30
//! cargo run -p jitasm --example minimal --target aarch64-unknown-linux-gnu   # the same, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

/// The machine code, by hand.
#[cfg(all(target_arch = "x86_64", unix))]
mod code {
    pub use jitasm::isa::X64 as Isa;
    pub const BYTES: &[u8] = &[
        0x48, 0xC7, 0xC0, 0x30, 0x00, 0x00, 0x00, // mov rax, 0x30
        0xC3, // ret
    ];
}

/// The machine code, by hand: little-endian 32-bit instruction words.
#[cfg(all(target_arch = "aarch64", unix))]
mod code {
    pub use jitasm::isa::Aarch64 as Isa;
    pub const BYTES: &[u8] = &[
        0x00, 0x06, 0x80, 0xD2, // movz x0, #0x30 (0xD2800600: imm16 = 0x30 at bit 5)
        0xC0, 0x03, 0x5F, 0xD6, // ret (0xD65F03C0: br x30 with the return hint)
    ];
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use super::code::{Isa, BYTES};
    use jitasm::{Assembler, ByteSink};

    /// Builds and calls the function; returns what the example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        // Reserves a region of code memory (writable, not executable yet).
        let mut asm = Assembler::<Isa>::new()?;
        let entry = asm.offset();
        asm.extend_from_slice(BYTES);
        // Read + execute from here on; the buffer owns the mapping.
        let code = asm.finalize()?;
        // SAFETY: the bytes at `entry` are a complete function for this CPU
        // that takes no arguments, returns in rax / x0, touches no memory and
        // no callee-saved register: it matches `extern "C" fn() -> u64`. `f`
        // borrows `code`, so the memory outlives every call.
        let f = unsafe { code.func::<extern "C" fn() -> u64>(entry)? };
        Ok(format!("{:#x}\n", f()))
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::run;

example_main!();
