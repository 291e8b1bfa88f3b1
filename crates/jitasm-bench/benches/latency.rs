//! JIT latency and label scaling, beside dynasm-rs 5.1 in the same run
//! (issue 8's goals 5 and 6).
//!
//! * `emit_call_free/*`: a small function (`mov eax, 42; add eax, edi;
//!   ret`, written with each library's `dynasm!`) is emitted, made callable,
//!   called once and freed, every iteration:
//!   - `jitasm_pool`: into a reused `VecAssembler`, placed in a
//!     [`jitasm::CodePool`] (dual-mapped pages shared by many functions,
//!     recycled page by page), dropped;
//!   - `jitasm_assembler_protect` / `jitasm_assembler_dualmap`: a new
//!     `jitasm::Assembler` per function, `finalize`, dropped (the one-shot
//!     path, like dynasm-rs's);
//!   - `dynasm_rs`: `dynasmrt::x64::Assembler::new`, `finalize`, dropped.
//! * `labels/<kind>/<n>`: `n` labels each defined once and referenced once
//!   (`jmp` to it), then resolved; criterion's element is one label:
//!   - `dynamic`: `new_dynamic_label`, `=>l` definition and `jmp =>l`;
//!   - `local`: `jmp >l` in one `dynasm!` invocation and `l:` in the next
//!     (so jitasm cannot resolve it while expanding, and both libraries
//!     resolve at run time); the same name is reused `n` times.
//!
//! ```text
//! cargo bench -p jitasm-bench --bench latency -- --warm-up-time 1 --measurement-time 3
//! ```

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dynasmrt::{DynasmApi, DynasmLabelApi};
use jitasm::{isa::X64, AssemblerOptions, CodePool, LabelApi, Strategy};
use std::hint::black_box;

type Jit = jitasm::VecAssembler<X64>;
type Drs = dynasmrt::VecAssembler<dynasmrt::x64::X64Relocation>;

fn emit_call_free(c: &mut Criterion) {
    let mut g = c.benchmark_group("emit_call_free");
    let pool = CodePool::<X64>::new().expect("code pool");
    let mut ops = Jit::new(0);
    g.bench_function("jitasm_pool", |b| {
        b.iter(|| {
            ops.clear();
            jitasm::dynasm!(ops
                ; mov eax, 42
                ; add eax, edi
                ; ret
            );
            let code = pool.add(ops.resolve().unwrap()).unwrap();
            // SAFETY: the bytes above are a `fn(u32) -> u32`.
            let f = unsafe { code.func::<extern "sysv64" fn(u32) -> u32>() };
            black_box(f(black_box(1)))
        })
    });
    for (name, strategy) in [
        ("jitasm_assembler_protect", Strategy::Protect),
        ("jitasm_assembler_dualmap", Strategy::DualMap),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut a = jitasm::Assembler::<X64>::with_options(AssemblerOptions {
                    capacity: 64 << 10,
                    strategy,
                })
                .unwrap();
                let start = a.offset();
                jitasm::dynasm!(a
                    ; mov eax, 42
                    ; add eax, edi
                    ; ret
                );
                let code = a.finalize().unwrap();
                // SAFETY: as above.
                let f = unsafe { code.func::<extern "sysv64" fn(u32) -> u32>(start).unwrap() };
                black_box(f(black_box(1)))
            })
        });
    }
    g.bench_function("dynasm_rs", |b| {
        b.iter(|| {
            let mut a = dynasmrt::x64::Assembler::new().unwrap();
            let start = a.offset();
            dynasm::dynasm!(a
                ; .arch x64
                ; mov eax, 42
                ; add eax, edi
                ; ret
            );
            let code = a.finalize().unwrap();
            // SAFETY: as above.
            let f: extern "sysv64" fn(u32) -> u32 = unsafe { std::mem::transmute(code.ptr(start)) };
            black_box(f(black_box(1)))
        })
    });
    g.finish();
}

const COUNTS: [usize; 4] = [10, 1_000, 100_000, 1_000_000];

fn labels(c: &mut Criterion) {
    let mut g = c.benchmark_group("labels");
    g.sample_size(10);
    for n in COUNTS {
        g.throughput(Throughput::Elements(n as u64));
        let mut jit = Jit::new(0);
        g.bench_with_input(BenchmarkId::new("dynamic/jitasm", n), &n, |b, &n| {
            b.iter(|| {
                jit.clear();
                for _ in 0..n {
                    let l = jit.new_dynamic_label();
                    jitasm::dynasm!(jit ; jmp =>l ; =>l);
                }
                black_box(jit.resolve().unwrap().len())
            })
        });
        let mut drs = Drs::new(0);
        g.bench_with_input(BenchmarkId::new("dynamic/dynasm_rs", n), &n, |b, &n| {
            b.iter(|| {
                for _ in 0..n {
                    let l = drs.new_dynamic_label();
                    dynasm::dynasm!(drs ; .arch x64 ; jmp =>l ; =>l);
                }
                black_box(drs.drain().unwrap().count())
            })
        });
        let mut jit = Jit::new(0);
        g.bench_with_input(BenchmarkId::new("local/jitasm", n), &n, |b, &n| {
            b.iter(|| {
                jit.clear();
                for _ in 0..n {
                    jitasm::dynasm!(jit ; jmp >next);
                    jitasm::dynasm!(jit ; next:);
                }
                black_box(jit.resolve().unwrap().len())
            })
        });
        let mut drs = Drs::new(0);
        g.bench_with_input(BenchmarkId::new("local/dynasm_rs", n), &n, |b, &n| {
            b.iter(|| {
                for _ in 0..n {
                    dynasm::dynasm!(drs ; .arch x64 ; jmp >next);
                    dynasm::dynasm!(drs ; .arch x64 ; next:);
                }
                black_box(drs.drain().unwrap().count())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, emit_call_free, labels);
criterion_main!(benches);
