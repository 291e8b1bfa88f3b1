//! Code specialized at run time for a constant multiplier `c`. On x86-64,
//! `x * c` becomes a shift when `c` is a power of two, one `lea` for 3, 5
//! and 9, and `imul` otherwise. On AArch64, a shift for powers of two (and
//! `neg` with a shift for their negatives), one `add x0, x0, x0, lsl #k`
//! for 2^k + 1, and `mul` by the constant built with `movz`/`movn`/`movk`
//! otherwise. The instructions are chosen as text and assembled with the
//! text assembler (`jitasm::assemble_into`) into the same code memory.
//!
//! ```text
//! cargo run -p jitasm --example mul_const
//! cargo run -p jitasm --example mul_const --target aarch64-unknown-linux-gnu   # AArch64, under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use jitasm::{assemble_into, Arch, AsmOptions, Assembler};
    use std::fmt::Write as _;

    #[cfg(target_arch = "aarch64")]
    use jitasm::isa::Aarch64 as Isa;
    #[cfg(target_arch = "x86_64")]
    use jitasm::isa::X64 as Isa;

    /// The architecture the text is for.
    #[cfg(target_arch = "x86_64")]
    const ARCH: Arch = Arch::X64;
    #[cfg(target_arch = "aarch64")]
    const ARCH: Arch = Arch::Aarch64;

    /// The instructions computing `rax = rdi * c` (wrapping), as Intel-syntax text.
    #[cfg(target_arch = "x86_64")]
    pub fn strategy(c: i64) -> String {
        match c {
            0 => "xor eax, eax".into(),
            1 => "mov rax, rdi".into(),
            -1 => "mov rax, rdi; neg rax".into(),
            3 | 5 | 9 => format!("lea rax, [rdi + rdi*{}]", c - 1),
            c if c > 0 && c.count_ones() == 1 => {
                format!("mov rax, rdi; shl rax, {}", c.trailing_zeros())
            }
            c if i32::try_from(c).is_ok() => format!("imul rax, rdi, {c}"),
            c => format!("mov rax, {c}; imul rax, rdi"),
        }
    }

    /// The instructions computing `x0 = x0 * c` (wrapping), as GNU-syntax
    /// text; `;` separates instructions. x0 is both the argument and the
    /// result, so `x * 1` needs no instruction at all.
    #[cfg(target_arch = "aarch64")]
    pub fn strategy(c: i64) -> String {
        let u = c as u64;
        match c {
            0 => "mov x0, xzr".into(),
            1 => String::new(),
            -1 => "neg x0, x0".into(),
            // Powers of two (i64::MIN is 2^63 as a u64), and their negatives.
            _ if u.is_power_of_two() => format!("lsl x0, x0, #{}", u.trailing_zeros()),
            _ if u.wrapping_neg().is_power_of_two() => {
                format!("neg x0, x0, lsl #{}", u.wrapping_neg().trailing_zeros())
            }
            // 2^k + 1: x + (x << k) in one instruction.
            _ if (u - 1).is_power_of_two() => {
                format!("add x0, x0, x0, lsl #{}", (u - 1).trailing_zeros())
            }
            _ => format!("{}; mul x0, x0, x1", load_constant(u)),
        }
    }

    /// `x1 = c`: `movz` (or `movn` when most 16-bit pieces are all ones) of
    /// one piece, then `movk` of each other piece that differs.
    #[cfg(target_arch = "aarch64")]
    fn load_constant(c: u64) -> String {
        let piece = |i: u32| (c >> (16 * i)) & 0xffff;
        let ones = (0..4).filter(|&i| piece(i) == 0xffff).count();
        let zeros = (0..4).filter(|&i| piece(i) == 0).count();
        let (fill, first) = if ones > zeros {
            (0xffff, "movn")
        } else {
            (0, "movz")
        };
        let start = (0..4).find(|&i| piece(i) != fill).unwrap_or(0);
        let head = if fill == 0 {
            piece(start)
        } else {
            !piece(start) & 0xffff
        };
        let shift = |i: u32| match i {
            0 => String::new(),
            i => format!(", lsl #{}", 16 * i),
        };
        let mut text = format!("{first} x1, #{head:#x}{}", shift(start));
        for i in (0..4).filter(|&i| i != start && piece(i) != fill) {
            write!(text, "; movk x1, #{:#x}{}", piece(i), shift(i)).unwrap();
        }
        text
    }

    /// Builds one function per constant, checks them, returns what the
    /// example prints.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        let constants: [i64; 14] = [
            0,
            1,
            -1,
            2,
            3,
            5,
            9,
            8,
            1 << 20,
            7,
            10,
            -100,
            1 << 40 | 1,
            i64::MIN,
        ];
        let options = AsmOptions::new(ARCH);
        let mut asm = Assembler::<Isa>::new()?;
        let mut functions = Vec::new();
        for &c in &constants {
            let text = strategy(c);
            let entry = asm.offset();
            assemble_into(&mut asm, &format!("{text}; ret"), &options)?;
            functions.push((c, text, entry, asm.offset().0 - entry.0));
        }
        let code = asm.finalize()?;

        let inputs: [i64; 9] = [0, 1, -1, 2, 7, -12345, 1 << 31, i64::MAX, i64::MIN];
        let mut out = String::new();
        for (c, text, entry, len) in functions {
            // SAFETY: the code at `entry` is the text above followed by `ret`:
            // it reads the first argument register, writes the result
            // register and a scratch one (and flags), touches no memory or
            // callee-saved register, so it is an `extern "C" fn(i64) -> i64`,
            // valid while `code` lives.
            let f = unsafe { code.func::<extern "C" fn(i64) -> i64>(entry)? };
            for x in inputs {
                assert_eq!(f(x), x.wrapping_mul(c), "{x} * {c} with `{text}`");
            }
            let text = if text.is_empty() { "(nothing)" } else { &text };
            writeln!(
                out,
                "x * {c}: {text} ({len} bytes with ret); f(7) = {}",
                f(7)
            )?;
        }
        writeln!(
            out,
            "all {} functions match wrapping_mul on {} inputs",
            constants.len(),
            inputs.len()
        )?;
        Ok(out)
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::run;

example_main!();
