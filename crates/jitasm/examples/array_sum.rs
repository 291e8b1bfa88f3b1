//! Sum of an `i64` slice passed as pointer and length: a loop with labels.
//!
//! ```text
//! cargo run -p jitasm --example array_sum
//! cargo run -p jitasm --example array_sum --target aarch64-unknown-linux-gnu   # AArch64, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use jitasm::{Assembler, AssemblyOffset};
    use std::fmt::Write as _;

    #[cfg(target_arch = "aarch64")]
    use jitasm::isa::Aarch64 as Isa;
    #[cfg(target_arch = "x86_64")]
    use jitasm::isa::X64 as Isa;

    /// x86-64, with the typed builder: p in rdi, len in rsi, indexed loads.
    #[cfg(target_arch = "x86_64")]
    fn emit(asm: &mut Assembler<Isa>) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::x64::builder::{prelude::*, ptr, regs::*, short, Builder};
        use jitasm::x64::Mode;
        use jitasm::{LabelApi, LabelRef, LabelTarget};

        // Local labels: `<top` is the latest definition of `top`, `>done` the
        // next definition of `done`.
        let back_to_top = LabelRef::new(LabelTarget::Local {
            name: "top",
            forward: false,
        });
        let forward_to_done = LabelRef::new(LabelTarget::Local {
            name: "done",
            forward: true,
        });

        let entry = asm.offset();
        let mut b = Builder::new(asm, Mode::Long);
        b.xor(eax, eax)?; // sum = 0 (writing eax clears all of rax)
        b.test(rsi, rsi)?;
        b.jz(short(forward_to_done))?; // empty slice
        b.xor(ecx, ecx)?; // i = 0
        b.define_local("top")?;
        b.add(rax, ptr(rdi + rcx * 8))?; // sum += p[i] (wrapping)
        b.inc(rcx)?;
        b.cmp(rcx, rsi)?;
        b.jne(short(back_to_top))?;
        b.define_local("done")?;
        b.ret()?;
        Ok(entry)
    }

    /// AArch64, with `dynasm!`: p in x0, len in x1, post-indexed loads that
    /// step the pointer, a count-down loop (`subs` sets the flags).
    #[cfg(target_arch = "aarch64")]
    fn emit(asm: &mut Assembler<Isa>) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::dynasm;

        let entry = asm.offset();
        // Local labels: `<top` is the latest definition of `top`, `>done`
        // the next definition of `done`.
        dynasm!(asm
            ; .arch aarch64
            ; mov x2, xzr           // sum = 0
            ; cbz x1, >done         // empty slice
            ; top:
            ; ldr x3, [x0], #8      // x3 = *p++
            ; add x2, x2, x3        // sum += x3 (wrapping)
            ; subs x1, x1, #1
            ; b.ne <top
            ; done:
            ; mov x0, x2
            ; ret
        );
        Ok(entry)
    }

    /// Builds `i64 sum(const i64 *p, usize len)`, checks it on a few slices,
    /// returns what the example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let mut asm = Assembler::<Isa>::new()?;
        let entry = emit(&mut asm)?;
        let code = asm.finalize()?;
        // SAFETY: the code at `entry` reads `len` i64s from `p` (the first two
        // argument registers), returns in the result register and touches no
        // callee-saved register: it is an `extern "C" fn(*const i64, usize)
        // -> i64`. Every call below passes the pointer and length of a live
        // slice.
        let sum = unsafe { code.func::<extern "C" fn(*const i64, usize) -> i64>(entry)? };

        let big: Vec<i64> = (0..1_000_000).map(|i| i * 3 - 1_000_000).collect();
        let cases: [(&str, &[i64]); 5] = [
            ("[]", &[]),
            ("[42]", &[42]),
            ("[1, 2, 3, 4, 5]", &[1, 2, 3, 4, 5]),
            ("[i64::MAX, 1]", &[i64::MAX, 1]),
            ("3i - 1e6 for i in 0..1e6", &big),
        ];
        let mut out = String::new();
        for (name, slice) in cases {
            let got = sum(slice.as_ptr(), slice.len());
            let want = slice.iter().fold(0i64, |a, &x| a.wrapping_add(x));
            assert_eq!(got, want, "sum of {name}");
            writeln!(out, "sum({name}) = {got}")?;
        }
        Ok(out)
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::run;

example_main!();
