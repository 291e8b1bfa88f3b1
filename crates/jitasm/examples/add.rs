//! Adding two integers, twice: the classic frame-based function an
//! unoptimizing compiler writes, and the one-instruction version.
//!
//! ```text
//! cargo run -p jitasm --example add
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(target_arch = "x86_64", unix))]
mod imp {
    use jitasm::x64::builder::{prelude::*, ptr, qword_ptr, regs::*, Builder};
    use jitasm::x64::Mode;
    use jitasm::{isa::X64, Assembler};
    use std::fmt::Write as _;

    /// Builds both functions, calls them, returns what the example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let mut asm = Assembler::<X64>::new()?;
        let mut b = Builder::new(&mut asm, Mode::Long);

        // i64 add_frame(i64 a, i64 b): a in rdi, b in rsi (System V).
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

        // i64 add_lea(i64 a, i64 b): the address unit adds without touching flags.
        let lea = b.offset();
        b.lea(rax, ptr(rdi + rsi))?;
        b.ret()?;
        let lea_len = b.offset().0 - lea.0;

        let code = asm.finalize()?;
        let hex = |start: usize, len: usize| {
            code[start..start + len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        // SAFETY: both functions take two integer arguments in rdi/rsi, return
        // in rax, restore rbp and rsp, and only touch their own stack frame:
        // they match `extern "C" fn(i64, i64) -> i64`. The pointers borrow
        // `code`, which outlives the calls.
        let add_frame = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(frame)? };
        // SAFETY: as above.
        let add_lea = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(lea)? };

        let mut out = String::new();
        writeln!(
            out,
            "frame-based add ({frame_len} bytes): {}",
            hex(frame.0, frame_len)
        )?;
        writeln!(out, "lea add ({lea_len} bytes): {}", hex(lea.0, lea_len))?;
        for (x, y) in [
            (2, 3),
            (40, 2),
            (-7, 7),
            (i64::MAX, 1),
            (123_456_789, -987_654_321),
        ] {
            let (f, l) = (add_frame(x, y), add_lea(x, y));
            assert_eq!(f, x.wrapping_add(y));
            assert_eq!(l, x.wrapping_add(y));
            writeln!(out, "add_frame({x}, {y}) = {f}; add_lea({x}, {y}) = {l}")?;
        }
        Ok(out)
    }
}

#[cfg(all(target_arch = "x86_64", unix))]
pub use imp::run;

example_main!();
