//! Code specialized at run time for a constant (the `mul_const` example's
//! idea: a shift for powers of two, `lea` for 3, 5 and 9, `imul` otherwise)
//! against generic Rust code multiplying by the same constant read at run
//! time (`black_box`, so the compiler cannot specialize it).
//!
//! * `chain/<c>`: `x = x * c + 1`, 1,000 times: a dependent chain, where
//!   the latency of the multiplication decides (`lea`/`shl` 1 cycle,
//!   `imul` 3 cycles).
//! * `map/<c>`: `a[i] *= c` over 1,000 `i64`s: independent work, which the
//!   compiler vectorizes in the generic version and the JIT does not.
//!
//! Each compiled function is checked against `wrapping_mul` before timing.
//!
//! ```text
//! cargo bench -p jitasm-bench --bench mul_const -- --warm-up-time 1 --measurement-time 2
//! ```

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use jitasm::{dynasm, isa::X64, Assembler, AssemblyOffset, ExecutableBuffer};
use std::hint::black_box;

const N: usize = 1_000;
const CONSTANTS: [i64; 5] = [8, 5, 9, 7, 1000];

/// `rax *= c` in place, as cheaply as the constant allows.
fn mul_rax(ops: &mut Assembler<X64>, c: i64) {
    match c {
        3 => dynasm!(ops ; lea rax, [rax + rax * 2]),
        5 => dynasm!(ops ; lea rax, [rax + rax * 4]),
        9 => dynasm!(ops ; lea rax, [rax + rax * 8]),
        c if c > 0 && c.count_ones() == 1 => {
            let k = c.trailing_zeros() as i8;
            dynasm!(ops ; shl rax, k)
        }
        c => match i32::try_from(c) {
            Ok(c) => dynasm!(ops ; imul rax, rax, c),
            Err(_) => dynasm!(ops ; mov rcx, QWORD c ; imul rax, rcx),
        },
    }
}

struct Compiled {
    code: ExecutableBuffer,
    chain: AssemblyOffset,
    map: AssemblyOffset,
}

/// `chain(x, n) -> x` and `map(ptr, n)` specialized for `c`.
fn compile(c: i64) -> Compiled {
    let mut ops = Assembler::<X64>::new().unwrap();
    let chain = ops.offset();
    dynasm!(ops
        ; mov rax, rdi
        ; test rsi, rsi
        ; jz >done
        ; top:
    );
    mul_rax(&mut ops, c);
    dynasm!(ops
        ; inc rax
        ; dec rsi
        ; jnz <top
        ; done:
        ; ret
    );
    let map = ops.offset();
    dynasm!(ops
        ; test rsi, rsi
        ; jz >done
        ; top:
        ; mov rax, [rdi]
    );
    mul_rax(&mut ops, c);
    dynasm!(ops
        ; mov [rdi], rax
        ; add rdi, 8
        ; dec rsi
        ; jnz <top
        ; done:
        ; ret
    );
    Compiled {
        code: ops.finalize().unwrap(),
        chain,
        map,
    }
}

fn generic_chain(mut x: i64, n: usize, c: i64) -> i64 {
    for _ in 0..n {
        x = x.wrapping_mul(c).wrapping_add(1);
    }
    x
}

fn generic_map(a: &mut [i64], c: i64) {
    for v in a {
        *v = v.wrapping_mul(c);
    }
}

fn mul_const(cr: &mut Criterion) {
    let mut chain = cr.benchmark_group("chain");
    chain.throughput(Throughput::Elements(N as u64));
    for c in CONSTANTS {
        let compiled = compile(c);
        // SAFETY: `chain` is a `fn(i64, u64) -> i64` built above.
        let f = unsafe {
            compiled
                .code
                .func::<extern "sysv64" fn(i64, usize) -> i64>(compiled.chain)
                .unwrap()
        };
        assert_eq!(f(3, N), generic_chain(3, N, c));
        chain.bench_with_input(BenchmarkId::new("jit", c), &c, |b, _| {
            b.iter(|| f(black_box(3), black_box(N)))
        });
        chain.bench_with_input(BenchmarkId::new("generic", c), &c, |b, &c| {
            b.iter(|| generic_chain(black_box(3), black_box(N), black_box(c)))
        });
    }
    chain.finish();

    let mut map = cr.benchmark_group("map");
    map.throughput(Throughput::Elements(N as u64));
    let input: Vec<i64> = (0..N as i64).map(|i| i * 7919 - 3).collect();
    for c in CONSTANTS {
        let compiled = compile(c);
        // SAFETY: `map` is a `fn(*mut i64, u64)` built above.
        let f = unsafe {
            compiled
                .code
                .func::<extern "sysv64" fn(*mut i64, usize)>(compiled.map)
                .unwrap()
        };
        let mut a = input.clone();
        let mut want = input.clone();
        f(a.as_mut_ptr(), N);
        generic_map(&mut want, c);
        assert_eq!(a, want);
        map.bench_with_input(BenchmarkId::new("jit", c), &c, |b, _| {
            b.iter(|| f(black_box(a.as_mut_ptr()), black_box(N)))
        });
        map.bench_with_input(BenchmarkId::new("generic", c), &c, |b, &c| {
            b.iter(|| generic_map(black_box(&mut a), black_box(c)))
        });
    }
    map.finish();
}

criterion_group!(benches, mul_const);
criterion_main!(benches);
