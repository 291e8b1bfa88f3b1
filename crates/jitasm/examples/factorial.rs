//! Recursive factorial with a stack frame and a callee-saved register,
//! calling itself through a global label.
//!
//! ```text
//! cargo run -p jitasm --example factorial
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(target_arch = "x86_64", unix))]
mod imp {
    use jitasm::x64::builder::{prelude::*, ptr, regs::*, Builder};
    use jitasm::x64::Mode;
    use jitasm::{isa::X64, Assembler, LabelApi, LabelRef, LabelTarget};
    use std::fmt::Write as _;

    /// Builds `u64 factorial(u64 n)`, checks it against Rust for 0..=20 (21!
    /// overflows a u64), returns what the example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let fact = LabelRef::new(LabelTarget::Global("factorial"));
        let mut asm = Assembler::<X64>::new()?;
        let entry = asm.offset();
        let mut b = Builder::new(&mut asm, Mode::Long);
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

        let code = asm.finalize()?;
        // SAFETY: the code at `entry` takes n in rdi, returns in rax, keeps
        // rsp 16-byte aligned at its own calls, restores rbx/rbp/rsp, and
        // recurses at most n ≤ 20 deep (32 bytes of stack a level): it is an
        // `extern "C" fn(u64) -> u64`, valid while `code` lives.
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

#[cfg(all(target_arch = "x86_64", unix))]
pub use imp::run;

example_main!();
