//! Recursive factorial with a stack frame and a callee-saved register,
//! calling itself through a global label.
//!
//! ```text
//! cargo run -p jitasm --example factorial
//! cargo run -p jitasm --example factorial --target aarch64-unknown-linux-gnu   # AArch64, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use jitasm::{Assembler, AssemblyOffset, LabelApi};
    use std::fmt::Write as _;

    #[cfg(target_arch = "aarch64")]
    use jitasm::isa::Aarch64 as Isa;
    #[cfg(target_arch = "x86_64")]
    use jitasm::isa::X64 as Isa;

    /// x86-64, with the typed builder and the frame written out by hand.
    #[cfg(target_arch = "x86_64")]
    fn emit(asm: &mut Assembler<Isa>) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::x64::builder::{prelude::*, ptr, regs::*, Builder};
        use jitasm::x64::Mode;
        use jitasm::{LabelRef, LabelTarget};

        let fact = LabelRef::new(LabelTarget::Global("factorial"));
        let entry = asm.offset();
        let mut b = Builder::new(asm, Mode::Long);
        let done = b.new_dynamic_label();

        b.define_global("factorial")?;
        // On entry rsp ≡ 8 (mod 16): the caller's call pushed the return
        // address onto a 16-byte aligned stack.
        b.push(rbp)?; // rsp ≡ 0
        b.mov(rbp, rsp)?;
        b.push(rbx)?; // rsp ≡ 8; rbx is callee-saved: we must restore it
        b.sub(rsp, 8)?; // rsp ≡ 0: aligned for the recursive call (System V)
        b.mov(rbx, rdi)?; // n survives the call in rbx
        b.mov(eax, 1)?; // factorial(0) = factorial(1) = 1
        b.cmp(rdi, 1)?;
        b.jbe(done)?;
        b.lea(rdi, ptr(rbx - 1))?;
        b.call(fact)?; // rax = factorial(n - 1)
        b.imul_2(rax, rbx)?; // rax = n * factorial(n - 1)
        b.define_dynamic(done)?;
        b.add(rsp, 8)?;
        b.pop(rbx)?;
        b.pop(rbp)?;
        b.ret()?;
        Ok(entry)
    }

    /// AArch64, with `dynasm!` and an AAPCS64 frame from
    /// `jitasm::abi::aarch64`.
    #[cfg(target_arch = "aarch64")]
    fn emit(asm: &mut Assembler<Isa>) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::a64::regs::*;
        use jitasm::abi::aarch64::{CallConv, Frame};
        use jitasm::dynasm;

        let entry = asm.offset();
        let done = asm.new_dynamic_label();
        // `bl` writes the return address to x30 rather than the stack, so a
        // function that calls saves x30 (with x29, the frame record); x19 is
        // callee-saved: we must restore it. The prologue is
        //   stp x29, x30, [sp, #-32]!; mov x29, sp; str x19, [sp, #16]
        // and sp stays 16-byte aligned, as AAPCS64 requires at all times.
        let frame = Frame::new(CallConv::host()).save(&[X19]);
        dynasm!(asm ; .arch aarch64 ; ->factorial:);
        frame.prologue(asm)?;
        dynasm!(asm
            ; .arch aarch64
            ; mov x19, x0       // n survives the call in x19
            ; mov x0, #1        // factorial(0) = factorial(1) = 1
            ; cmp x19, #1
            ; b.ls =>done
            ; sub x0, x19, #1
            ; bl ->factorial    // x0 = factorial(n - 1)
            ; mul x0, x0, x19   // x0 = n * factorial(n - 1)
            ; =>done
        );
        frame.ret(asm)?;
        Ok(entry)
    }

    /// Builds `u64 factorial(u64 n)`, checks it against Rust for 0..=20 (21!
    /// overflows a u64), returns what the example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let mut asm = Assembler::<Isa>::new()?;
        let entry = emit(&mut asm)?;
        let code = asm.finalize()?;
        // SAFETY: the code at `entry` takes n in the first argument register,
        // returns in the result register, keeps the stack aligned at its own
        // calls, restores the callee-saved registers and the stack pointer,
        // and recurses at most n ≤ 20 deep (32 bytes of stack a level): it
        // is an `extern "C" fn(u64) -> u64`, valid while `code` lives.
        let factorial = unsafe { code.func::<extern "C" fn(u64) -> u64>(entry)? };

        let mut out = String::new();
        for n in 0..=20u64 {
            let got = factorial(n);
            let want: u64 = (1..=n).product();
            assert_eq!(got, want, "factorial({n})");
            writeln!(out, "{n}! = {got}")?;
        }
        writeln!(out, "all 21 values match Rust")?;
        Ok(out)
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::run;

example_main!();
