//! Adding two integers, twice: the classic frame-based function an
//! unoptimizing compiler writes, and the one-instruction version.
//!
//! ```text
//! cargo run -p jitasm --example add
//! cargo run -p jitasm --example add --target aarch64-unknown-linux-gnu   # AArch64, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

/// Both functions on x86-64, with the typed builder.
#[cfg(all(target_arch = "x86_64", unix))]
mod arch {
    use super::Emitted;
    use jitasm::x64::builder::{prelude::*, ptr, qword_ptr, regs::*, Builder};
    use jitasm::x64::Mode;
    pub use jitasm::{isa::X64 as Isa, Assembler};

    /// What the one-instruction version is called: in the listing, in Rust.
    pub const SHORT: (&str, &str) = ("lea add", "add_lea");

    /// Emits `i64 add_frame(i64 a, i64 b)` and the `lea` version.
    pub fn emit(asm: &mut Assembler<Isa>) -> Result<[Emitted; 2], Box<dyn std::error::Error>> {
        let mut b = Builder::new(asm, Mode::Long);

        // add_frame: a in rdi, b in rsi (System V).
        let frame = b.offset();
        b.push(rbp)?;
        b.mov(rbp, rsp)?;
        // A leaf function may use the 128-byte red zone below rsp without
        // moving rsp, as compilers at -O0 do.
        b.mov(qword_ptr(rbp - 8), rdi)?;
        b.mov(qword_ptr(rbp - 16), rsi)?;
        b.mov(rax, ptr(rbp - 8))?;
        b.add(rax, ptr(rbp - 16))?;
        b.pop(rbp)?;
        b.ret()?;
        let frame_len = b.offset().0 - frame.0;

        // add_lea: the address unit adds without touching flags.
        let lea = b.offset();
        b.lea(rax, ptr(rdi + rsi))?;
        b.ret()?;
        let lea_len = b.offset().0 - lea.0;
        Ok([(frame, frame_len), (lea, lea_len)])
    }
}

/// Both functions on AArch64, with `dynasm!`.
#[cfg(all(target_arch = "aarch64", unix))]
mod arch {
    use super::Emitted;
    use jitasm::dynasm;
    pub use jitasm::{isa::Aarch64 as Isa, Assembler};

    /// What the one-instruction version is called: in the listing, in Rust.
    pub const SHORT: (&str, &str) = ("register add", "add_reg");

    /// Emits `i64 add_frame(i64 a, i64 b)` and the register-only version.
    pub fn emit(asm: &mut Assembler<Isa>) -> Result<[Emitted; 2], Box<dyn std::error::Error>> {
        // add_frame: a in x0, b in x1 (AAPCS64). The frame record (x29, x30)
        // goes at the bottom of a 32-byte frame, the arguments spill above
        // it, as compilers at -O0 do. AArch64 has no red zone: sp moves first.
        let frame = asm.offset();
        dynasm!(asm
            ; .arch aarch64
            ; stp x29, x30, [sp, #-32]!
            ; mov x29, sp
            ; str x0, [sp, #24]
            ; str x1, [sp, #16]
            ; ldr x0, [sp, #24]
            ; ldr x1, [sp, #16]
            ; add x0, x0, x1
            ; ldp x29, x30, [sp], #32
            ; ret
        );
        let frame_len = asm.offset().0 - frame.0;

        // add_register: three-operand instructions need no moves.
        let short = asm.offset();
        dynasm!(asm
            ; .arch aarch64
            ; add x0, x0, x1
            ; ret
        );
        let short_len = asm.offset().0 - short.0;
        Ok([(frame, frame_len), (short, short_len)])
    }
}

/// A function's entry and length.
#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
type Emitted = (jitasm::AssemblyOffset, usize);

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use super::arch::{emit, Assembler, Isa, SHORT};
    use std::fmt::Write as _;

    /// Builds both functions, calls them, returns what the example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let mut asm = Assembler::<Isa>::new()?;
        let [(frame, frame_len), (short, short_len)] = emit(&mut asm)?;
        let code = asm.finalize()?;
        let hex = |start: usize, len: usize| {
            code[start..start + len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        // SAFETY: both functions take two integer arguments in the
        // convention's first two registers, return in the result register,
        // restore the frame and stack pointers, and only touch their own
        // stack frame: they match `extern "C" fn(i64, i64) -> i64`. The
        // pointers borrow `code`, which outlives the calls.
        let add_frame = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(frame)? };
        // SAFETY: as above.
        let add_short = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(short)? };

        let mut out = String::new();
        writeln!(
            out,
            "frame-based add ({frame_len} bytes): {}",
            hex(frame.0, frame_len)
        )?;
        let (title, name) = SHORT;
        writeln!(
            out,
            "{title} ({short_len} bytes): {}",
            hex(short.0, short_len)
        )?;
        for (x, y) in [
            (2, 3),
            (40, 2),
            (-7, 7),
            (i64::MAX, 1),
            (123_456_789, -987_654_321),
        ] {
            let (f, s) = (add_frame(x, y), add_short(x, y));
            assert_eq!(f, x.wrapping_add(y));
            assert_eq!(s, x.wrapping_add(y));
            writeln!(out, "add_frame({x}, {y}) = {f}; {name}({x}, {y}) = {s}")?;
        }
        Ok(out)
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::run;

example_main!();
