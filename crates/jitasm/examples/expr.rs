//! Compiling an arithmetic expression tree (constants, `x`, `y`, `+`, `−`,
//! `×` on wrapping `i64`) to machine code, checked against a tree-walking
//! interpreter and timed against it.
//!
//! The compiler keeps intermediate values in registers: the value of a node
//! at depth `d` goes to `REGS[d]`; beyond the last register the left operand
//! is saved with `push`/`pop` (a stack machine). Constant right operands that
//! fit 32 bits become immediates.
//!
//! ```text
//! cargo run --release -p jitasm --example expr
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

#[cfg(all(target_arch = "x86_64", unix))]
mod imp {
    use super::Expr;
    use jitasm::x64::builder::{prelude::*, regs::*, Builder, Gpq};
    use jitasm::x64::{EncodeError, Mode};
    use jitasm::{isa::X64, Assembler};
    use std::fmt::Write as _;
    use std::hint::black_box;
    use std::time::Instant;

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

        let mut asm = Assembler::<X64>::new()?;
        let mut entries = Vec::new();
        for e in &exprs {
            let entry = asm.offset();
            let mut b = Builder::new(&mut asm, Mode::Long);
            compile_expr(&mut b, e)?;
            entries.push((entry, asm.offset().0 - entry.0));
        }
        let code = asm.finalize()?;

        let mut out = String::new();
        let (mut t_interp, mut t_jit) = (0f64, 0f64);
        for (i, (e, (entry, len))) in exprs.iter().zip(entries).enumerate() {
            // SAFETY: the code at `entry` reads rdi and rsi, uses only
            // caller-saved registers, balances every push with a pop and ends
            // with `ret`: it is an `extern "C" fn(i64, i64) -> i64`, valid
            // while `code` lives.
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

#[cfg(all(target_arch = "x86_64", unix))]
pub use imp::{compile_expr, run, run_with};

example_main!();
