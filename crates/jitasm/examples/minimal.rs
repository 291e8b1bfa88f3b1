//! The smallest possible JIT: reserve code memory, write the bytes of
//! `mov rax, 0x30; ret`, make them executable, call them.
//!
//! Only the runtime is used: no encoder, no labels. `Assembler::finalize`
//! flips the memory from writable to executable (it is never both).
//!
//! ```text
//! cargo run -p jitasm --example minimal   # prints 0x30
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(target_arch = "x86_64", unix))]
mod imp {
    use jitasm::{isa::X64, Assembler, ByteSink};

    /// Builds and calls the function; returns what the example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        // Reserves a region of code memory (writable, not executable yet).
        let mut asm = Assembler::<X64>::new()?;
        let entry = asm.offset();
        asm.extend_from_slice(&[
            0x48, 0xC7, 0xC0, 0x30, 0x00, 0x00, 0x00, // mov rax, 0x30
            0xC3, // ret
        ]);
        // Read + execute from here on; the buffer owns the mapping.
        let code = asm.finalize()?;
        // SAFETY: the bytes at `entry` are a complete function that takes no
        // arguments, returns in rax, touches no memory and no callee-saved
        // register: it matches `extern "C" fn() -> u64`. `f` borrows `code`,
        // so the memory outlives every call.
        let f = unsafe { code.func::<extern "C" fn() -> u64>(entry)? };
        Ok(format!("{:#x}\n", f()))
    }
}

#[cfg(all(target_arch = "x86_64", unix))]
pub use imp::run;

example_main!();
