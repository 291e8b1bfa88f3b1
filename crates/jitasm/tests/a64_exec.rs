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
//! an exclusive-access atomic add, and code padded with `.align`. The same
//! kinds of functions are also written with `dynasm!(ops ; .arch aarch64 ;
//! …)`, with registers, immediates, shifts and offsets chosen when the code
//! is generated (Rust values), bitmask immediates known only then, a
//! struct read at `offset_of!` offsets, and a jump table of dynamic labels.
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

// --- The same kinds of functions written with `dynasm!` ----------------------
//
// Registers, immediates and offsets chosen when the code is generated
// (Rust values), labels of the macro, each run and checked against Rust.

use jitasm::{dynasm, DynamicLabel, LabelApi};

/// A fresh assembler for `dynasm!`.
fn asm() -> Assembler<Aarch64> {
    Assembler::<Aarch64>::new().expect("code memory")
}

/// `a + b` in registers picked at run time: every pair of argument
/// registers (x0..x7 and the scratch x9..x15) through the macro's families.
#[test]
fn dynasm_add_in_registers_picked_at_run_time() {
    let mut rng = Rng(11);
    for (a, b, d) in [(9u8, 10u8, 11u8), (15, 14, 13), (2, 2, 3), (12, 9, 9)] {
        let mut ops = asm();
        let entry = ops.offset();
        dynasm!(ops
            ; .arch aarch64
            ; mov X(a), x0
            ; mov X(b), x1
            ; add X(d), X(a), X(b)
            ; mov x0, X(d)
            ; ret
        );
        let code = ops.finalize().unwrap();
        let f = unsafe { code.func::<extern "C" fn(i64, i64) -> i64>(entry) }.unwrap();
        for _ in 0..20 {
            let (x, y) = (rng.next() as i64, rng.next() as i64);
            let want = if a == b {
                y.wrapping_add(y)
            } else {
                x.wrapping_add(y)
            };
            assert_eq!(f(x, y), want, "x{d} = x{a} + x{b}");
        }
    }
}

/// Recursive factorial: a frame with `stp`/`ldp` (pre/post-index through
/// `XSP(31)`), a callee-saved register picked at run time, `bl` to a
/// dynamic label.
#[test]
fn dynasm_factorial_recursive() {
    let mut ops = asm();
    let fact = ops.new_dynamic_label();
    let saved: u8 = std::hint::black_box(19);
    let frame: i32 = std::hint::black_box(-32);
    dynasm!(ops
        ; .arch aarch64
        ; =>fact
        ; stp x29, x30, [XSP(31), #frame]!
        ; mov x29, sp
        ; str X(saved), [sp, #16]
        ; mov X(saved), x0
        ; cmp x0, #1
        ; b.ls >base
        ; sub x0, x0, #1
        ; bl =>fact
        ; mul x0, x0, X(saved)
        ; b >out
        ; base:
        ; mov x0, #1
        ; out:
        ; ldr X(saved), [sp, #16]
        ; ldp x29, x30, [sp], #(-frame)
        ; ret
    );
    let code = ops.finalize().unwrap();
    let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(ENTRY) }.unwrap();
    for n in 0..=20 {
        assert_eq!(f(n), factorial(n), "{n}!");
    }
}

/// Array sum with post-indexed loads whose step is the element size, for
/// 8-, 16-, 32- and 64-bit elements (`ldrb`/`ldrh`/`ldr w`/`ldr x`).
#[test]
fn dynasm_array_sum_by_element_size() {
    fn sum_code(size: i32) -> ExecutableBuffer {
        let mut ops = asm();
        dynasm!(ops
            ; .arch aarch64
            ; mov x2, #0
            ; cbz x1, >done
            ; top:
        );
        match size {
            1 => dynasm!(ops ; .arch aarch64 ; ldrb w3, [x0], #size),
            2 => dynasm!(ops ; .arch aarch64 ; ldrh w3, [x0], #size),
            4 => dynasm!(ops ; .arch aarch64 ; ldr w3, [x0], #size),
            _ => dynasm!(ops ; .arch aarch64 ; ldr x3, [x0], #size),
        }
        dynasm!(ops
            ; .arch aarch64
            ; add x2, x2, x3
            ; subs x1, x1, #1
            ; b.ne <top
            ; done:
            ; mov x0, x2
            ; ret
        );
        ops.finalize().unwrap()
    }
    let mut rng = Rng(12);
    let data: Vec<u64> = (0..300).map(|_| rng.next()).collect();
    for size in [1usize, 2, 4, 8] {
        let code = sum_code(size as i32);
        let f = unsafe { code.func::<extern "C" fn(*const u8, usize) -> u64>(ENTRY) }.unwrap();
        let bytes: Vec<u8> = data.iter().flat_map(|x| x.to_le_bytes()).collect();
        for n in [0usize, 1, 7, 300] {
            let want = bytes[..n * size]
                .chunks(size)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b[..size].copy_from_slice(c);
                    u64::from_le_bytes(b)
                })
                .fold(0u64, u64::wrapping_add);
            assert_eq!(f(bytes.as_ptr(), n), want, "{n} elements of {size} bytes");
        }
    }
}

/// NEON `f32` vector add with the vector registers picked at run time.
#[test]
fn dynasm_neon_vector_add_in_registers_picked_at_run_time() {
    for (va, vb) in [(0u8, 1u8), (30, 31), (17, 5)] {
        let mut ops = asm();
        dynasm!(ops
            ; .arch aarch64
            ; cbz x3, >done
            ; top:
            ; ld1 {V(va).s4 * 1}, [x0], #16
            ; ld1 {V(vb).s4}, [x1], #16
            ; fadd V(va).s4, V(va).s4, V(vb).s4
            ; st1 {V(va).s4}, [x2], #16
            ; subs x3, x3, #4
            ; b.ne <top
            ; done:
            ; ret
        );
        check_vector_add(&ops.finalize().unwrap());
    }
}

/// `x * c` specialized for `c` when the code is generated, with the
/// constant's pieces and shifts as Rust values: `lsl` by `c`'s power of
/// two, or `movz`/`movk` of each 16-bit piece and `mul`.
fn dynasm_multiply_by(c: u64) -> ExecutableBuffer {
    let mut ops = asm();
    if c.is_power_of_two() {
        let shift = c.trailing_zeros();
        dynasm!(ops ; .arch aarch64 ; lsl x0, x0, #shift ; ret);
    } else {
        let low = (c & 0xffff) as u32;
        dynasm!(ops ; .arch aarch64 ; movz x1, #low);
        for k in 1..4u32 {
            let part = ((c >> (16 * k)) & 0xffff) as u32;
            if part != 0 {
                dynasm!(ops ; .arch aarch64 ; movk x1, #part, lsl #(16 * k));
            }
        }
        dynasm!(ops ; .arch aarch64 ; mul x0, x0, x1 ; ret);
    }
    ops.finalize().unwrap()
}

#[test]
fn dynasm_multiply_by_a_constant_specialized_at_run_time() {
    let mut rng = Rng(13);
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
        let code = dynasm_multiply_by(c);
        let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(ENTRY) }.unwrap();
        for _ in 0..20 {
            let x = rng.next();
            assert_eq!(f(x), x.wrapping_mul(c), "{x} * {c}");
        }
    }
}

/// Logical immediates known only at run time: each valid bitmask encodes
/// and masks as Rust does; an invalid one is an error from `finalize`.
#[test]
fn dynasm_bitmask_immediates_chosen_at_run_time() {
    let mut rng = Rng(14);
    for mask in [
        0xffu64,
        0xff00_ff00_ff00_ff00,
        0x5555_5555_5555_5555,
        1 << 63,
        !1,
    ] {
        let mut ops = asm();
        dynasm!(ops ; .arch aarch64 ; and x0, x0, #mask ; ret);
        let code = ops.finalize().unwrap();
        let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(ENTRY) }.unwrap();
        for _ in 0..10 {
            let x = rng.next();
            assert_eq!(f(x), x & mask, "{x:#x} & {mask:#x}");
        }
    }
    let mut ops = asm();
    dynasm!(ops ; .arch aarch64 ; and x0, x0, #std::hint::black_box(0x1234u64) ; ret);
    let e = ops.finalize().map(|_| ()).unwrap_err();
    assert!(
        e.to_string().contains("not a valid bitmask immediate"),
        "{e}"
    );
}

#[repr(C)]
struct Point {
    x: i64,
    y: i32,
    z: i16,
    w: u8,
}

/// Struct fields read with offsets from `offset_of!` into registers picked
/// at run time.
#[test]
fn dynasm_struct_fields_at_run_time_offsets() {
    let (rx, ry, rz, rw): (u8, u8, u8, u8) = (9, 10, 11, 12);
    let mut ops = asm();
    dynasm!(ops
        ; .arch aarch64
        ; ldr X(rx), [x0, #std::mem::offset_of!(Point, x)]
        ; ldrsw X(ry), [x0, #std::mem::offset_of!(Point, y)]
        ; ldrsh X(rz), [x0, #std::mem::offset_of!(Point, z)]
        ; ldrb W(rw), [x0, #std::mem::offset_of!(Point, w)]
        ; add x0, X(rx), X(ry)
        ; add x0, x0, X(rz)
        ; add x0, x0, X(rw), lsl #(std::hint::black_box(8u8))
        ; ret
    );
    let code = ops.finalize().unwrap();
    let f = unsafe { code.func::<extern "C" fn(*const Point) -> i64>(ENTRY) }.unwrap();
    let p = Point {
        x: 1 << 40,
        y: -7,
        z: -300,
        w: 200,
    };
    assert_eq!(f(&p), (1i64 << 40) - 7 - 300 + (200 << 8));
}

/// A call into Rust through an address kept beside the code (`.u64` of a
/// Rust value, read by `ldr` literal from a global label), a frame, and a
/// tail string addressed with `adr`: hello world.
#[test]
fn dynasm_hello_world_through_a_rust_function() {
    let msg = "hello, world from dynasm! on AArch64";
    let mut ops = asm();
    let len = msg.len() as u32;
    let target = print as extern "C" fn(*const u8, usize) -> usize as usize as u64;
    dynasm!(ops
        ; .arch aarch64
        ; stp x29, x30, [sp, #-16]!
        ; mov x29, sp
        ; adr x0, ->hello
        ; movz x1, #len
        ; ldr x16, ->addr
        ; blr x16
        ; ldp x29, x30, [sp], #16
        ; ret
        ; ->hello:
        ; .bytes msg.as_bytes()
        ; .align 8
        ; ->addr:
        ; .u64 target
    );
    let code = ops.finalize().unwrap();
    let f = unsafe { code.func::<extern "C" fn() -> usize>(ENTRY) }.unwrap();
    assert_eq!(f(), msg.len());
    assert!(PRINTED.lock().unwrap().contains(&msg.to_string()));
}

/// The expression compiler with a register stack: each value lives in a
/// register picked while compiling (x9 upwards, spilled to the stack past
/// x15), constants loaded 16 bits at a time with Rust immediates.
#[test]
fn dynasm_expression_compiler_with_registers() {
    fn compile(e: &Expr, ops: &mut Assembler<Aarch64>, depth: u8) {
        let r = 9 + depth.min(6);
        match e {
            Expr::Const(k) => {
                let low = (k & 0xffff) as u32;
                dynasm!(ops ; .arch aarch64 ; movz X(r), #low);
                for s in 1..4u32 {
                    let part = ((k >> (16 * s)) & 0xffff) as u32;
                    dynasm!(ops ; .arch aarch64 ; movk X(r), #part, lsl #(16 * s));
                }
            }
            Expr::Add(a, b) | Expr::Mul(a, b) => {
                compile(a, ops, depth);
                // Deep trees spill the left value to the stack.
                let spill = depth + 1 > 6;
                if spill {
                    dynasm!(ops ; .arch aarch64 ; str X(r), [sp, #-16]!);
                }
                compile(b, ops, depth + 1);
                let rb = 9 + (depth + 1).min(6);
                if spill {
                    dynasm!(ops ; .arch aarch64 ; mov x17, X(rb) ; ldr X(r), [sp], #16);
                    if matches!(e, Expr::Add(..)) {
                        dynasm!(ops ; .arch aarch64 ; add X(r), X(r), x17);
                    } else {
                        dynasm!(ops ; .arch aarch64 ; mul X(r), X(r), x17);
                    }
                } else if matches!(e, Expr::Add(..)) {
                    dynasm!(ops ; .arch aarch64 ; add X(r), X(r), X(rb));
                } else {
                    dynasm!(ops ; .arch aarch64 ; mul X(r), X(r), X(rb));
                }
            }
        }
    }
    let mut rng = Rng(15);
    for depth in [0, 3, 6, 9] {
        for _ in 0..10 {
            let e = Expr::random(&mut rng, depth);
            let mut ops = asm();
            compile(&e, &mut ops, 0);
            dynasm!(ops ; .arch aarch64 ; mov x0, x9 ; ret);
            let code = ops.finalize().unwrap();
            let f = unsafe { code.func::<extern "C" fn() -> u64>(ENTRY) }.unwrap();
            assert_eq!(f(), e.eval());
        }
    }
}

/// A jump table of dynamic labels: `adr` of the table, an indexed load of
/// a `.rel32` entry, `add` and `br`; each case returns its own constant.
#[test]
fn dynasm_jump_table_of_dynamic_labels() {
    let mut ops = asm();
    let cases: Vec<DynamicLabel> = (0..5).map(|_| ops.new_dynamic_label()).collect();
    let table = ops.new_dynamic_label();
    dynasm!(ops
        ; .arch aarch64
        ; adr x1, =>table
        ; ldrsw x2, [x1, x0, lsl #2]
        ; add x1, x1, x2
        ; br x1
        ; .align 4
        ; =>table
    );
    for (i, &c) in cases.iter().enumerate() {
        // `.rel32` is relative to its own field; the table holds each
        // case's offset from the table's start.
        let from_table = (i * 4) as isize;
        dynasm!(ops ; .arch aarch64 ; .rel32 =>c + from_table);
    }
    for (i, &c) in cases.iter().enumerate() {
        let value = (i as u32 + 1) * 100;
        dynasm!(ops ; .arch aarch64 ; =>c ; mov x0, #value ; ret);
    }
    let code = ops.finalize().unwrap();
    let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(ENTRY) }.unwrap();
    for i in 0..5 {
        assert_eq!(f(i), (i + 1) * 100, "case {i}");
    }
}
