//! AArch64 text assembled by jitasm, placed in executable memory and run:
//! on an AArch64 host, and under `qemu-aarch64` in `scripts/test.sh`
//! (`cargo test -p jitasm --test a64_exec --target aarch64-unknown-linux-gnu`).
//! Each function's result is checked against the same computation in Rust:
//! integer add, factorial as a loop and recursively (a frame, a
//! callee-saved register, `bl` to a label), an array sum with post-indexed
//! loads, a NEON add of two `f32` arrays (GNU and dynasm spellings),
//! scalar floating point, calls into Rust `extern "C"` functions through
//! `blr` (one prints a string the code holds), multiplication by a constant
//! specialized at run time, an expression compiler, flags read with `mrs`,
//! an exclusive-access atomic add, and code padded with `.align`.
#![cfg(target_arch = "aarch64")]

use jitasm::{isa::Aarch64, Arch, AsmOptions, Assembler, AssemblyOffset, ExecutableBuffer, Syntax};
use std::sync::Mutex;

/// Assembles `text` with `options` into fresh executable memory; the entry
/// is the first byte.
fn jit_with(text: &str, options: &AsmOptions) -> ExecutableBuffer {
    let mut asm = Assembler::<Aarch64>::new().expect("code memory");
    let options = options.clone().standalone(true);
    let info = jitasm::assemble_into(&mut asm, text, &options)
        .unwrap_or_else(|e| panic!("{}", e.render()));
    asm.finalize()
        .unwrap_or_else(|e| panic!("{}", info.output_error(e, text).render()))
}

fn jit(text: &str) -> ExecutableBuffer {
    jit_with(text, &AsmOptions::new(Arch::Aarch64))
}

/// xorshift64*, for inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const ENTRY: AssemblyOffset = AssemblyOffset(0);

#[test]
fn add_two_integers() {
    let code = jit("add x0, x0, x1\nret");
    let f = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(ENTRY) }.unwrap();
    assert_eq!(f(40, 2), 42);
    let mut rng = Rng(1);
    for _ in 0..100 {
        let (a, b) = (rng.next() as i64, rng.next() as i64);
        assert_eq!(f(a, b), a.wrapping_add(b));
    }
}

fn factorial(n: u64) -> u64 {
    (1..=n).fold(1u64, |a, k| a.wrapping_mul(k))
}

#[test]
fn factorial_loop() {
    let code = jit("
        mov x1, x0
        mov x0, #1
        cbz x1, 2f
    1:  mul x0, x0, x1
        subs x1, x1, #1
        b.ne 1b
    2:  ret");
    let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(ENTRY) }.unwrap();
    for n in 0..=25 {
        assert_eq!(f(n), factorial(n), "{n}!");
    }
}

#[test]
fn factorial_recursive_with_a_frame() {
    let code = jit("
    fact:
        stp x29, x30, [sp, #-32]!
        mov x29, sp
        str x19, [sp, #16]          // callee-saved: kept across the call
        mov x19, x0
        cmp x0, #1
        b.ls 1f
        sub x0, x0, #1
        bl fact
        mul x0, x0, x19
        b 2f
    1:  mov x0, #1
    2:  ldr x19, [sp, #16]
        ldp x29, x30, [sp], #32
        ret");
    let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(ENTRY) }.unwrap();
    for n in 0..=20 {
        assert_eq!(f(n), factorial(n), "{n}!");
    }
}

#[test]
fn array_sum_with_post_index_loads() {
    let code = jit("
        mov x2, #0
        cbz x1, 2f
    1:  ldr x3, [x0], #8
        add x2, x2, x3
        subs x1, x1, #1
        b.ne 1b
    2:  mov x0, x2
        ret");
    let f = unsafe { code.func::<extern "C" fn(*const i64, usize) -> i64>(ENTRY) }.unwrap();
    let mut rng = Rng(2);
    let data: Vec<i64> = (0..1000).map(|_| rng.next() as i64 >> 8).collect();
    for n in [0, 1, 2, 7, 1000] {
        let want = data[..n].iter().fold(0i64, |a, b| a.wrapping_add(*b));
        assert_eq!(f(data.as_ptr(), n), want, "n = {n}");
    }
}

type VecAdd = extern "C" fn(*const f32, *const f32, *mut f32, usize);

fn check_vector_add(code: &ExecutableBuffer) {
    let f = unsafe { code.func::<VecAdd>(ENTRY) }.unwrap();
    let a: Vec<f32> = (0..64).map(|i| i as f32 * 1.25).collect();
    let b: Vec<f32> = (0..64).map(|i| 100.0 - i as f32 * 0.5).collect();
    for n in [0, 4, 8, 64] {
        let mut out = vec![-1.0f32; 64];
        f(a.as_ptr(), b.as_ptr(), out.as_mut_ptr(), n);
        for i in 0..64 {
            let want = if i < n { a[i] + b[i] } else { -1.0 };
            assert_eq!(out[i], want, "n = {n}, element {i}");
        }
    }
}

#[test]
fn neon_vector_add_of_f32_arrays() {
    check_vector_add(&jit("
        cbz x3, 2f
    1:  ld1 {v0.4s}, [x0], #16
        ld1 {v1.4s}, [x1], #16
        fadd v0.4s, v0.4s, v1.4s
        st1 {v0.4s}, [x2], #16
        subs x3, x3, #4
        b.ne 1b
    2:  ret"));
    // The same in dynasm-rs's spelling: local labels, `v0.s4`, families.
    let dynasm = AsmOptions::new(Arch::Aarch64).syntax(Syntax::Dynasm);
    check_vector_add(&jit_with(
        "
        cbz X(3), >done
    top:
        ld1 {V(0).s4 * 1}, [X(0)], 16
        ld1 {v1.s4}, [x1], #16
        fadd v0.s4, V(0).s4, v1.s4
        st1 {v0.s4}, [x2], #16
        subs x3, x3, #4
        b.ne <top
    done:
        ret",
        &dynasm,
    ));
}

#[test]
fn scalar_floating_point() {
    let code = jit("
        fmul d0, d0, d1
        fmov d2, #1.5
        fadd d0, d0, d2
        fsqrt d0, d0
        ret");
    let f = unsafe { code.func::<extern "C" fn(f64, f64) -> f64>(ENTRY) }.unwrap();
    for (a, b) in [(2.0, 3.0), (0.5, 0.25), (1e3, 7.0)] {
        assert_eq!(f(a, b), (a * b + 1.5).sqrt());
    }
    // Conversions and compares.
    let code = jit("
        scvtf d1, x0
        fcmp d0, d1
        cset x0, gt
        ret");
    let f = unsafe { code.func::<extern "C" fn(f64, i64) -> u64>(ENTRY) }.unwrap();
    assert_eq!(f(2.5, 2), 1);
    assert_eq!(f(2.5, 3), 0);
}

extern "C" fn square_plus(x: i64, y: i64) -> i64 {
    x.wrapping_mul(x).wrapping_add(y)
}

#[test]
fn call_into_rust_through_blr() {
    let options =
        AsmOptions::new(Arch::Aarch64).symbol("square_plus", square_plus as *const () as u64);
    let code = jit_with(
        "
        stp x29, x30, [sp, #-16]!
        mov x29, sp
        mov x1, #1
        ldr x16, addr
        blr x16
        add x0, x0, #1000
        ldp x29, x30, [sp], #16
        ret
        .balign 8
    addr:
        .quad square_plus",
        &options,
    );
    let f = unsafe { code.func::<extern "C" fn(i64) -> i64>(ENTRY) }.unwrap();
    for x in [0, 7, -3, 1 << 20] {
        assert_eq!(f(x), square_plus(x, 1) + 1000);
    }
}

static PRINTED: Mutex<Vec<String>> = Mutex::new(Vec::new());

extern "C" fn print(ptr: *const u8, len: usize) -> usize {
    // SAFETY: the JIT code passes a string it holds and its length.
    let s = std::str::from_utf8(unsafe { std::slice::from_raw_parts(ptr, len) }).unwrap();
    println!("{s}");
    PRINTED.lock().unwrap().push(s.to_string());
    len
}

#[test]
fn hello_world_through_a_rust_function() {
    let options = AsmOptions::new(Arch::Aarch64).symbol("print", print as *const () as u64);
    let msg = "hello, world from AArch64";
    // A tail call: the string sits beside the code, addressed with `adr`.
    let code = jit_with(
        &format!(
            "
        adr x0, hello
        mov x1, #{}
        ldr x16, addr
        br x16
    hello:
        .ascii \"{msg}\"
        .balign 8
    addr:
        .quad print",
            msg.len()
        ),
        &options,
    );
    let f = unsafe { code.func::<extern "C" fn() -> usize>(ENTRY) }.unwrap();
    assert_eq!(f(), "hello, world from AArch64".len());
    assert!(PRINTED
        .lock()
        .unwrap()
        .contains(&"hello, world from AArch64".to_string()));
}

/// `x * c` specialized for `c` when the code is generated: a shift for a
/// power of two, `mul` by a materialized constant otherwise.
fn multiply_by(c: u64) -> ExecutableBuffer {
    let text = if c.is_power_of_two() {
        format!("lsl x0, x0, #{}\nret", c.trailing_zeros())
    } else {
        let mut t = format!("movz x1, #{:#x}\n", c & 0xffff);
        for k in 1..4 {
            let part = (c >> (16 * k)) & 0xffff;
            if part != 0 {
                t += &format!("movk x1, #{part:#x}, lsl #{}\n", 16 * k);
            }
        }
        t + "mul x0, x0, x1\nret"
    };
    jit(&text)
}

#[test]
fn multiply_by_a_constant_specialized_at_run_time() {
    let mut rng = Rng(3);
    for c in [
        0,
        1,
        2,
        3,
        8,
        10,
        1 << 40,
        0xdead_beef,
        u64::MAX,
        0x1234_5678_9abc_def0,
    ] {
        let code = multiply_by(c);
        let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(ENTRY) }.unwrap();
        for _ in 0..20 {
            let x = rng.next();
            assert_eq!(f(x), x.wrapping_mul(c), "{x} * {c}");
        }
    }
}

enum Expr {
    Const(u64),
    Add(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn eval(&self) -> u64 {
        match self {
            Expr::Const(k) => *k,
            Expr::Add(a, b) => a.eval().wrapping_add(b.eval()),
            Expr::Mul(a, b) => a.eval().wrapping_mul(b.eval()),
        }
    }

    fn random(rng: &mut Rng, depth: u32) -> Expr {
        if depth == 0 || rng.next() % 3 == 0 {
            let k = match rng.next() % 3 {
                0 => rng.next() % 10,
                1 => rng.next() & 0xffff_ffff,
                _ => rng.next(),
            };
            return Expr::Const(k);
        }
        let (a, b) = (
            Box::new(Expr::random(rng, depth - 1)),
            Box::new(Expr::random(rng, depth - 1)),
        );
        if rng.next() % 2 == 0 {
            Expr::Add(a, b)
        } else {
            Expr::Mul(a, b)
        }
    }

    /// Code that leaves the value pushed on the stack (16-byte slots).
    fn compile(&self, out: &mut String) {
        match self {
            Expr::Const(k) => {
                *out += &format!("movz x9, #{:#x}\n", k & 0xffff);
                for s in 1..4 {
                    *out += &format!(
                        "movk x9, #{:#x}, lsl #{}\n",
                        (k >> (16 * s)) & 0xffff,
                        16 * s
                    );
                }
                *out += "str x9, [sp, #-16]!\n";
            }
            Expr::Add(a, b) | Expr::Mul(a, b) => {
                a.compile(out);
                b.compile(out);
                *out += "ldr x10, [sp], #16\nldr x9, [sp], #16\n";
                *out += if matches!(self, Expr::Add(..)) {
                    "add x9, x9, x10\n"
                } else {
                    "mul x9, x9, x10\n"
                };
                *out += "str x9, [sp, #-16]!\n";
            }
        }
    }
}

#[test]
fn expression_compiler() {
    let mut rng = Rng(4);
    for _ in 0..30 {
        let e = Expr::random(&mut rng, 5);
        let mut text = String::new();
        e.compile(&mut text);
        text += "ldr x0, [sp], #16\nret";
        let code = jit(&text);
        let f = unsafe { code.func::<extern "C" fn() -> u64>(ENTRY) }.unwrap();
        assert_eq!(f(), e.eval());
    }
}

#[test]
fn flags_read_with_mrs() {
    let code = jit("cmp x0, x1\nmrs x0, nzcv\nret");
    let f = unsafe { code.func::<extern "C" fn(u64, u64) -> u64>(ENTRY) }.unwrap();
    let mut rng = Rng(5);
    let mut cases = vec![(0u64, 0u64), (1, 2), (2, 1), (u64::MAX, 1), (1 << 63, 1)];
    cases.extend((0..50).map(|_| (rng.next(), rng.next())));
    for (a, b) in cases {
        let (r, borrow) = a.overflowing_sub(b);
        let n = r >> 63;
        let z = (r == 0) as u64;
        let c = !borrow as u64;
        let v = (a as i64).overflowing_sub(b as i64).1 as u64;
        assert_eq!(
            f(a, b),
            n << 31 | z << 30 | c << 29 | v << 28,
            "{a:#x} - {b:#x}"
        );
    }
}

#[test]
fn exclusive_atomic_add() {
    let code = jit("
    1:  ldaxr x2, [x0]
        add x3, x2, x1
        stlxr w4, x3, [x0]
        cbnz w4, 1b
        mov x0, x2
        ret");
    let f = unsafe { code.func::<extern "C" fn(*mut u64, u64) -> u64>(ENTRY) }.unwrap();
    let mut cell = 40u64;
    assert_eq!(f(&mut cell, 2), 40);
    assert_eq!(cell, 42);
}

#[test]
fn alignment_padding_runs_as_nops() {
    let code = jit("
        mov x0, #1
        .align 5
        add x0, x0, #2
        .balign 64
        cmp x0, #3
        csel x0, x0, x1, eq
        tbz x0, #1, 1f
        add x0, x0, #10
    1:  ret");
    let f = unsafe { code.func::<extern "C" fn(u64, u64) -> u64>(ENTRY) }.unwrap();
    assert_eq!(f(0, 0), 13);
    assert_eq!(code.len() % 4, 0);
}
