//! Compiling an arithmetic expression tree (constants, `x`, `y`, `+`, `−`,
//! `×` on wrapping `i64`) to machine code, checked against a tree-walking
//! interpreter and timed against it.
//!
//! The compiler keeps intermediate values in registers: the value of a node
//! at depth `d` goes to `REGS[d]`; beyond the last register the left operand
//! is saved on the stack (a stack machine). Constant right operands become
//! immediates where the instruction has one: x86-64 takes 32 bits for `add`,
//! `sub` and `imul`; AArch64 12 bits for `add` and `sub` (and `mul` has no
//! immediate form), other constants are built with `movz`/`movn`/`movk`.
//! The x86-64 version uses the typed builder, the AArch64 one `dynasm!`
//! with the registers as Rust values.
//!
//! ```text
//! cargo run --release -p jitasm --example expr
//! cargo run --release -p jitasm --example expr --target aarch64-unknown-linux-gnu   # under qemu
//! ```

#[macro_use]
#[path = "support/main_fn.rs"]
mod support;

/// An expression over two variables.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A constant.
    Const(i64),
    /// The first argument.
    X,
    /// The second argument.
    Y,
    /// Wrapping addition.
    Add(Box<Expr>, Box<Expr>),
    /// Wrapping subtraction.
    Sub(Box<Expr>, Box<Expr>),
    /// Wrapping multiplication.
    Mul(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The tree-walking interpreter.
    pub fn eval(&self, x: i64, y: i64) -> i64 {
        match self {
            Expr::Const(c) => *c,
            Expr::X => x,
            Expr::Y => y,
            Expr::Add(a, b) => a.eval(x, y).wrapping_add(b.eval(x, y)),
            Expr::Sub(a, b) => a.eval(x, y).wrapping_sub(b.eval(x, y)),
            Expr::Mul(a, b) => a.eval(x, y).wrapping_mul(b.eval(x, y)),
        }
    }

    /// The number of nodes.
    pub fn size(&self) -> usize {
        match self {
            Expr::Const(_) | Expr::X | Expr::Y => 1,
            Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) => 1 + a.size() + b.size(),
        }
    }

    /// A random tree of at most `depth` levels (xorshift state `rng`).
    pub fn random(rng: &mut u64, depth: u32) -> Expr {
        let mut next = || {
            *rng ^= *rng << 13;
            *rng ^= *rng >> 7;
            *rng ^= *rng << 17;
            *rng
        };
        let r = next();
        if depth == 0 || r % 8 == 0 {
            return match (r >> 8) % 3 {
                0 => Expr::Const((r >> 16) as i64 % 100 - 50),
                1 => Expr::X,
                _ => Expr::Y,
            };
        }
        let a = Box::new(Expr::random(rng, depth - 1));
        let b = Box::new(Expr::random(rng, depth - 1));
        match (r >> 8) % 3 {
            0 => Expr::Add(a, b),
            1 => Expr::Sub(a, b),
            _ => Expr::Mul(a, b),
        }
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Const(c) if *c < 0 => write!(f, "({c})"),
            Expr::Const(c) => write!(f, "{c}"),
            Expr::X => f.write_str("x"),
            Expr::Y => f.write_str("y"),
            Expr::Add(a, b) => write!(f, "({a} + {b})"),
            Expr::Sub(a, b) => write!(f, "({a} - {b})"),
            Expr::Mul(a, b) => write!(f, "({a} * {b})"),
        }
    }
}

/// The x86-64 code generator.
#[cfg(all(target_arch = "x86_64", unix))]
mod x64 {
    use super::Expr;
    use jitasm::x64::builder::{prelude::*, regs::*, Builder, Gpq};
    use jitasm::x64::{EncodeError, Mode};
    use jitasm::{isa::X64, Assembler, AssemblyOffset};

    /// Registers holding intermediate values, by depth: all caller-saved, so
    /// the function needs no prologue. x is in rdi and y in rsi (System V).
    const REGS: [Gpq; 6] = [rax, rcx, rdx, r8, r9, r10];
    /// Scratch register for the stack-machine fallback.
    const TMP: Gpq = r11;

    type B<'a> = Builder<'a, Assembler<X64>>;

    /// Emits code leaving the value of `e` in `REGS[d]`.
    fn compile(b: &mut B<'_>, e: &Expr, d: usize) -> Result<(), EncodeError> {
        let dst = REGS[d];
        match e {
            Expr::Const(c) => b.mov(dst, *c)?,
            Expr::X => b.mov(dst, rdi)?,
            Expr::Y => b.mov(dst, rsi)?,
            Expr::Add(l, r) | Expr::Sub(l, r) | Expr::Mul(l, r) => {
                compile(b, l, d)?;
                // The right operand: an immediate, or a register.
                let imm = match **r {
                    Expr::Const(c) => i32::try_from(c).ok(),
                    _ => None,
                };
                let src = if imm.is_some() {
                    None
                } else if d + 1 < REGS.len() {
                    compile(b, r, d + 1)?;
                    Some(REGS[d + 1])
                } else {
                    // Out of registers: save the left value on the stack.
                    b.push(dst)?;
                    compile(b, r, d)?;
                    b.mov(TMP, dst)?;
                    b.pop(dst)?;
                    Some(TMP)
                };
                match (e, src, imm) {
                    (Expr::Add(..), Some(s), _) => b.add(dst, s)?,
                    (Expr::Sub(..), Some(s), _) => b.sub(dst, s)?,
                    (Expr::Mul(..), Some(s), _) => b.imul_2(dst, s)?,
                    (Expr::Add(..), None, Some(i)) => b.add(dst, i)?,
                    (Expr::Sub(..), None, Some(i)) => b.sub(dst, i)?,
                    (Expr::Mul(..), None, Some(i)) => b.imul_3(dst, dst, i)?,
                    _ => unreachable!(),
                }
            }
        }
        Ok(())
    }

    /// Emits `extern "C" fn(x: i64, y: i64) -> i64` computing `e`.
    pub fn compile_expr(b: &mut B<'_>, e: &Expr) -> Result<(), EncodeError> {
        compile(b, e, 0)?;
        b.ret()
    }

    /// Emits the function for `e` into `asm`; returns its entry.
    pub fn emit(asm: &mut Assembler<X64>, e: &Expr) -> Result<AssemblyOffset, EncodeError> {
        let entry = asm.offset();
        compile_expr(&mut Builder::new(asm, Mode::Long), e)?;
        Ok(entry)
    }
}

/// The AArch64 code generator.
#[cfg(all(target_arch = "aarch64", unix))]
mod a64 {
    use super::Expr;
    use jitasm::{dynasm, isa::Aarch64, Assembler, AssemblyOffset};

    /// Registers holding intermediate values, by depth (x9–x14): all
    /// caller-saved temporaries, so the function needs no prologue. x is in
    /// x0 and y in x1 (AAPCS64). Six, as on x86-64, so that deep trees show
    /// the stack fallback; AArch64 would have room for more.
    const REGS: [u8; 6] = [9, 10, 11, 12, 13, 14];
    /// Scratch register for the stack-machine fallback.
    const TMP: u8 = 15;

    /// `X(r) = c`: `movz` (or `movn` when most 16-bit pieces are all ones)
    /// of one piece, then `movk` of each other piece that differs.
    fn load_constant(ops: &mut Assembler<Aarch64>, r: u8, c: i64) {
        let c = c as u64;
        let piece = |i: u32| ((c >> (16 * i)) & 0xffff) as u32;
        let ones = (0..4).filter(|&i| piece(i) == 0xffff).count();
        let zeros = (0..4).filter(|&i| piece(i) == 0).count();
        let fill = if ones > zeros { 0xffff } else { 0 };
        let first = (0..4).find(|&i| piece(i) != fill).unwrap_or(0);
        if fill == 0 {
            dynasm!(ops ; .arch aarch64 ; movz X(r), #piece(first), lsl #(16 * first));
        } else {
            dynasm!(ops ; .arch aarch64 ; movn X(r), #!piece(first) & 0xffff, lsl #(16 * first));
        }
        for i in (0..4).filter(|&i| i != first && piece(i) != fill) {
            dynasm!(ops ; .arch aarch64 ; movk X(r), #piece(i), lsl #(16 * i));
        }
    }

    /// Emits code leaving the value of `e` in `REGS[d]`. An instruction
    /// `dynasm!` cannot encode (none here) would be reported by `finalize`.
    fn compile(ops: &mut Assembler<Aarch64>, e: &Expr, d: usize) {
        let dst = REGS[d];
        match e {
            Expr::Const(c) => load_constant(ops, dst, *c),
            Expr::X => dynasm!(ops ; .arch aarch64 ; mov X(dst), x0),
            Expr::Y => dynasm!(ops ; .arch aarch64 ; mov X(dst), x1),
            Expr::Add(l, r) | Expr::Sub(l, r) | Expr::Mul(l, r) => {
                compile(ops, l, d);
                // The right operand: a 12-bit immediate of add/sub (added
                // or subtracted by its sign), or a register.
                let imm = match (e, &**r) {
                    (Expr::Add(..) | Expr::Sub(..), Expr::Const(c)) if c.unsigned_abs() < 4096 => {
                        Some(*c)
                    }
                    _ => None,
                };
                let src = if imm.is_some() {
                    TMP // unused
                } else if d + 1 < REGS.len() {
                    compile(ops, r, d + 1);
                    REGS[d + 1]
                } else {
                    // Out of registers: save the left value on the stack,
                    // in a 16-byte slot (sp stays aligned).
                    dynasm!(ops ; .arch aarch64 ; str X(dst), [sp, #-16]!);
                    compile(ops, r, d);
                    dynasm!(ops
                        ; .arch aarch64
                        ; mov X(TMP), X(dst)
                        ; ldr X(dst), [sp], #16
                    );
                    TMP
                };
                match (e, imm) {
                    (Expr::Add(..), None) => {
                        dynasm!(ops ; .arch aarch64 ; add X(dst), X(dst), X(src))
                    }
                    (Expr::Sub(..), None) => {
                        dynasm!(ops ; .arch aarch64 ; sub X(dst), X(dst), X(src))
                    }
                    (Expr::Mul(..), _) => dynasm!(ops ; .arch aarch64 ; mul X(dst), X(dst), X(src)),
                    (Expr::Add(..), Some(i)) | (Expr::Sub(..), Some(i)) => {
                        // x + i, or x - i, as an add or a sub of |i|.
                        let add = matches!(e, Expr::Add(..)) == (i >= 0);
                        let n = i.unsigned_abs() as u32;
                        if add {
                            dynasm!(ops ; .arch aarch64 ; add X(dst), X(dst), #n);
                        } else {
                            dynasm!(ops ; .arch aarch64 ; sub X(dst), X(dst), #n);
                        }
                    }
                    _ => unreachable!(),
                }
            }
        }
    }

    /// Emits `extern "C" fn(x: i64, y: i64) -> i64` computing `e`.
    pub fn compile_expr(ops: &mut Assembler<Aarch64>, e: &Expr) {
        compile(ops, e, 0);
        dynasm!(ops ; .arch aarch64 ; mov x0, X(REGS[0]) ; ret);
    }

    /// Emits the function for `e` into `ops`; returns its entry.
    pub fn emit(
        ops: &mut Assembler<Aarch64>,
        e: &Expr,
    ) -> Result<AssemblyOffset, std::convert::Infallible> {
        let entry = ops.offset();
        compile_expr(ops, e);
        Ok(entry)
    }
}

#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
mod imp {
    use super::Expr;
    use jitasm::Assembler;
    use std::fmt::Write as _;
    use std::hint::black_box;
    use std::time::Instant;

    #[cfg(target_arch = "aarch64")]
    use super::a64::emit;
    #[cfg(target_arch = "x86_64")]
    use super::x64::emit;

    /// Compiles, checks and times `evals` evaluations of a few expressions;
    /// returns what the example prints.
    pub fn run_with(evals: usize) -> Result<String, Box<dyn std::error::Error>> {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut exprs = vec![
            // (x + 3) * (y - x) - 7 * y
            Expr::Sub(
                Box::new(Expr::Mul(
                    Box::new(Expr::Add(Box::new(Expr::X), Box::new(Expr::Const(3)))),
                    Box::new(Expr::Sub(Box::new(Expr::Y), Box::new(Expr::X))),
                )),
                Box::new(Expr::Mul(Box::new(Expr::Const(7)), Box::new(Expr::Y))),
            ),
        ];
        while exprs.len() < 3 {
            let e = Expr::random(&mut rng, 9);
            if e.size() >= 40 {
                exprs.push(e);
            }
        }

        let mut asm = Assembler::new()?;
        let mut entries = Vec::new();
        for e in &exprs {
            let entry = emit(&mut asm, e)?;
            entries.push((entry, asm.offset().0 - entry.0));
        }
        let code = asm.finalize()?;

        let mut out = String::new();
        let (mut t_interp, mut t_jit) = (0f64, 0f64);
        for (i, (e, (entry, len))) in exprs.iter().zip(entries).enumerate() {
            // SAFETY: the code at `entry` reads the first two argument
            // registers, uses only caller-saved registers, balances every
            // push (or pre-indexed store) with a pop (or post-indexed load)
            // and ends with `ret`: it is an `extern "C" fn(i64, i64) -> i64`,
            // valid while `code` lives.
            let f = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(entry)? };
            let f = *f;
            if i == 0 {
                writeln!(out, "expression 1: {e}")?;
            }
            // Same inputs for both, and every result compared.
            let input = |k: usize| ((k as i64).wrapping_mul(7919) - 500, (k as i64 % 1000) - 17);
            let mut checksum = 0i64;
            for k in 0..1000 {
                let (x, y) = input(k);
                let (want, got) = (e.eval(x, y), f(x, y));
                assert_eq!(got, want, "expression {} at x = {x}, y = {y}", i + 1);
                checksum = checksum.wrapping_add(got);
            }
            writeln!(
                out,
                "expression {}: {} nodes, {len} bytes of code, 1000 inputs match the interpreter, checksum {checksum}",
                i + 1,
                e.size()
            )?;

            let start = Instant::now();
            let mut acc = 0i64;
            for k in 0..evals {
                let (x, y) = input(k);
                acc = acc.wrapping_add(black_box(e).eval(x, y));
            }
            t_interp += start.elapsed().as_secs_f64();
            let start = Instant::now();
            let mut acc2 = 0i64;
            for k in 0..evals {
                let (x, y) = input(k);
                acc2 = acc2.wrapping_add(black_box(f)(x, y));
            }
            t_jit += start.elapsed().as_secs_f64();
            assert_eq!(acc, acc2);
        }
        writeln!(
            out,
            "{evals} evaluations of each: interpreter {:.1} ms, compiled {:.1} ms",
            t_interp * 1e3,
            t_jit * 1e3
        )?;
        writeln!(out, "speed-up: {:.1}×", t_interp / t_jit.max(1e-9))?;
        Ok(out)
    }

    /// The example with a million evaluations of each expression.
    pub fn run() -> Result<String, Box<dyn std::error::Error>> {
        run_with(1_000_000)
    }
}

#[cfg(all(target_arch = "aarch64", unix))]
pub use a64::compile_expr;
#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
pub use imp::{run, run_with};
#[cfg(all(target_arch = "x86_64", unix))]
pub use x64::compile_expr;

example_main!();
