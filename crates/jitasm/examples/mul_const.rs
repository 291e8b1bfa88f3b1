//! Code specialized at run time for a constant multiplier `c`: `x * c`
//! becomes a shift when `c` is a power of two, one `lea` for 3, 5 and 9, and
//! `imul` otherwise. The instructions are chosen as text and assembled with
//! the text assembler (`jitasm::assemble_into`) into the same code memory.
//!
//! ```text
//! cargo run -p jitasm --example mul_const
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

#[cfg(all(target_arch = "x86_64", unix))]
mod imp {
    use jitasm::{assemble_into, isa::X64, Arch, AsmOptions, Assembler};
    use std::fmt::Write as _;

    /// The instructions computing `rax = rdi * c` (wrapping), as Intel-syntax text.
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
        let options = AsmOptions::new(Arch::X64);
        let mut asm = Assembler::<X64>::new()?;
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
            // it reads rdi, writes rax (and flags), touches no memory or
            // callee-saved register, so it is an `extern "C" fn(i64) -> i64`,
            // valid while `code` lives.
            let f = unsafe { code.func::<extern "C" fn(i64) -> i64>(entry)? };
            for x in inputs {
                assert_eq!(f(x), x.wrapping_mul(c), "{x} * {c} with `{text}`");
            }
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

#[cfg(all(target_arch = "x86_64", unix))]
pub use imp::run;

example_main!();
