//! Element-wise `f32` addition of two slices into a third. On x86-64, in an
//! SSE version (4 lanes) and an AVX2 version (8 lanes, VEX-encoded `ymm`
//! instructions: `vaddps` itself only needs AVX, but the AVX2 check is the
//! usual gate), the one used chosen at run time with
//! `is_x86_feature_detected!`. On AArch64, in a NEON version (4 lanes,
//! post-indexed `ld1`/`st1`), which every AArch64 CPU runs.
//!
//! ```text
//! cargo run -p jitasm --example vector_add
//! cargo run -p jitasm --example vector_add --target aarch64-unknown-linux-gnu   # NEON, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use jitasm::{Assembler, AssemblyOffset, ExecutableBuffer};
    use std::fmt::Write as _;

    /// `void add(const f32 *a, const f32 *b, f32 *out, usize n)`.
    type AddFn = extern "C" fn(*const f32, *const f32, *mut f32, usize);

    #[cfg(target_arch = "x86_64")]
    use jitasm::isa::X64;

    /// Emits the function with `lanes` = 4 (SSE) or 8 (AVX); returns its entry.
    /// Arguments: a = rdi, b = rsi, out = rdx, n = rcx; i = r8.
    #[cfg(target_arch = "x86_64")]
    fn emit(
        asm: &mut Assembler<X64>,
        lanes: u8,
    ) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::x64::builder::{prelude::*, ptr, regs::*, Builder};
        use jitasm::x64::Mode;
        use jitasm::LabelApi;

        let entry = asm.offset();
        let mut b = Builder::new(asm, Mode::Long);
        let (vloop, tail, tail_loop, done) = (
            b.new_dynamic_label(),
            b.new_dynamic_label(),
            b.new_dynamic_label(),
            b.new_dynamic_label(),
        );
        b.xor(r8d, r8d)?; // i = 0
        b.mov(r9, rcx)?;
        b.and(r9, -i32::from(lanes))?; // r9 = n rounded down to whole vectors
        b.define_dynamic(vloop)?;
        b.cmp(r8, r9)?;
        b.jae(tail)?;
        if lanes == 4 {
            // Unaligned loads: SSE `addps` with a memory operand needs
            // 16-byte alignment, slices only guarantee 4.
            b.movups(xmm0, ptr(rdi + r8 * 4))?;
            b.movups(xmm1, ptr(rsi + r8 * 4))?;
            b.addps(xmm0, xmm1)?;
            b.movups(ptr(rdx + r8 * 4), xmm0)?;
        } else {
            // VEX forms take unaligned memory operands.
            b.vmovups(ymm0, ptr(rdi + r8 * 4))?;
            b.vaddps(ymm0, ymm0, ptr(rsi + r8 * 4))?;
            b.vmovups(ptr(rdx + r8 * 4), ymm0)?;
        }
        b.add(r8, lanes)?;
        b.jmp(vloop)?;
        // The remaining n % lanes elements, one at a time.
        b.define_dynamic(tail)?;
        b.define_dynamic(tail_loop)?;
        b.cmp(r8, rcx)?;
        b.jae(done)?;
        if lanes == 4 {
            b.movss(xmm0, ptr(rdi + r8 * 4))?;
            b.addss(xmm0, ptr(rsi + r8 * 4))?;
            b.movss(ptr(rdx + r8 * 4), xmm0)?;
        } else {
            b.vmovss(xmm0, ptr(rdi + r8 * 4))?;
            b.vaddss(xmm0, xmm0, ptr(rsi + r8 * 4))?;
            b.vmovss(ptr(rdx + r8 * 4), xmm0)?;
        }
        b.inc(r8)?;
        b.jmp(tail_loop)?;
        b.define_dynamic(done)?;
        if lanes == 8 {
            // Leave the upper ymm halves clean: SSE code in the caller would
            // otherwise pay a transition penalty.
            b.vzeroupper()?;
        }
        b.ret()?;
        Ok(entry)
    }

    /// Runs the function at `entry` on slices of several lengths and checks it
    /// against Rust; returns how many elements were checked.
    fn check(
        code: &ExecutableBuffer,
        entry: AssemblyOffset,
    ) -> Result<usize, Box<dyn std::error::Error>> {
        // SAFETY: the code at `entry` reads n f32s from a and b, writes n to
        // out, and touches only caller-saved registers (rdi…r9, xmm0/xmm1,
        // ymm0; x0…x4, v0/v1): it is an `AddFn`. Below, a, b and out are
        // live slices of length n. The AVX version is only called when the
        // CPU has AVX2.
        let add = unsafe { code.func::<AddFn>(entry)? };
        let mut checked = 0;
        for n in [0usize, 1, 3, 4, 7, 8, 9, 15, 16, 17, 100, 1000, 1023] {
            let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5 - 3.0).collect();
            let b: Vec<f32> = (0..n).map(|i| 1.0 / (i as f32 + 1.0)).collect();
            let mut out = vec![f32::NAN; n];
            add(a.as_ptr(), b.as_ptr(), out.as_mut_ptr(), n);
            for i in 0..n {
                assert_eq!(
                    out[i].to_bits(),
                    (a[i] + b[i]).to_bits(),
                    "n = {n}, i = {i}"
                );
            }
            checked += n;
        }
        Ok(checked)
    }

    /// Builds both versions, checks them, returns what the example prints.
    #[cfg(target_arch = "x86_64")]
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let mut asm = Assembler::<X64>::new()?;
        let sse = emit(&mut asm, 4)?;
        let avx = emit(&mut asm, 8)?;
        let code = asm.finalize()?;

        let mut out = String::new();
        let checked = check(&code, sse)?;
        writeln!(out, "SSE version: {checked} elements match Rust")?;
        let has_avx2 = std::is_x86_feature_detected!("avx2");
        if has_avx2 {
            let checked = check(&code, avx)?;
            writeln!(out, "AVX2 version: {checked} elements match Rust")?;
        } else {
            writeln!(out, "AVX2 version: not run (this CPU has no AVX2)")?;
        }
        let (name, entry) = if has_avx2 {
            ("AVX2", avx)
        } else {
            ("SSE", sse)
        };
        writeln!(out, "selected at run time: {name}")?;
        // `entry` is the AVX version only if the CPU has AVX2.
        demo(&code, entry, &mut out)?;
        Ok(out)
    }

    /// Adds two short arrays with the function at `entry`; prints them.
    fn demo(
        code: &ExecutableBuffer,
        entry: AssemblyOffset,
        out: &mut String,
    ) -> Result<(), Box<dyn std::error::Error>> {
        // SAFETY: as in `check`.
        let add = unsafe { code.func::<AddFn>(entry)? };
        let a = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        let b = [
            0.5f32, 0.25, 0.125, -1.0, -2.0, -3.0, 100.0, 1e-3, 1e3, -10.0,
        ];
        let mut sum = [0f32; 10];
        add(a.as_ptr(), b.as_ptr(), sum.as_mut_ptr(), sum.len());
        writeln!(out, "{a:?}\n+ {b:?}\n= {sum:?}")?;
        Ok(())
    }

    /// Emits the NEON function; returns its entry. Arguments: a = x0,
    /// b = x1, out = x2, n = x3; the pointers step with post-indexed
    /// addressing, x4 counts the whole vectors.
    #[cfg(target_arch = "aarch64")]
    fn emit_neon(
        asm: &mut Assembler<jitasm::isa::Aarch64>,
    ) -> Result<AssemblyOffset, Box<dyn std::error::Error>> {
        use jitasm::dynasm;

        let entry = asm.offset();
        dynasm!(asm
            ; .arch aarch64
            ; lsr x4, x3, #2                // n / 4 whole vectors
            ; cbz x4, >tail
            ; vector:
            ; ld1 {v0.4s}, [x0], #16        // no alignment needed
            ; ld1 {v1.4s}, [x1], #16
            ; fadd v0.4s, v0.4s, v1.4s
            ; st1 {v0.4s}, [x2], #16
            ; subs x4, x4, #1
            ; b.ne <vector
            // The remaining n % 4 elements, one at a time.
            ; tail:
            ; ands x3, x3, #3
            ; b.eq >done
            ; scalar:
            ; ldr s0, [x0], #4
            ; ldr s1, [x1], #4
            ; fadd s0, s0, s1
            ; str s0, [x2], #4
            ; subs x3, x3, #1
            ; b.ne <scalar
            ; done:
            ; ret
        );
        Ok(entry)
    }

    /// Builds the NEON version, checks it, returns what the example prints.
    #[cfg(target_arch = "aarch64")]
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let mut asm = Assembler::new()?;
        let neon = emit_neon(&mut asm)?;
        let code = asm.finalize()?;

        let mut out = String::new();
        let checked = check(&code, neon)?;
        writeln!(out, "NEON version: {checked} elements match Rust")?;
        writeln!(out, "no run-time selection: every AArch64 CPU has NEON")?;
        demo(&code, neon, &mut out)?;
        Ok(out)
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::run;

example_main!();
