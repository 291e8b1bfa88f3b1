//! Text assembly throughput: the same 1,000-instruction texts assembled by
//! `jitasm::assemble` and by the asm-rs crate in one run, and the typed
//! builder on the same instructions for the distance between the two jitasm
//! front ends. Criterion's time per element is one instruction; the
//! instructions per second are its inverse.

use criterion::{criterion_group, Criterion, Throughput};
use jitasm::Arch;
use jitasm_runtime::{isa::X64, VecAssembler};
use jitasm_x64::builder::{prelude::*, ptr, regs::*, Builder, Gpq};
use jitasm_x64::Mode;
use std::fmt::Write;
use std::hint::black_box;

const N: usize = 1000;

const GP_NAMES: [&str; 13] = [
    "rax", "rcx", "rdx", "rbx", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
];
const D_NAMES: [&str; 13] = [
    "eax", "ecx", "edx", "ebx", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d",
];
const GPQ: [Gpq; 13] = [
    rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13,
];

/// The general-purpose sequence of `benches/encode.rs` as text.
fn gp_text() -> String {
    let mut s = String::new();
    for i in 0..N / 8 {
        let (a, c) = (GP_NAMES[i % 13], GP_NAMES[(i + 5) % 13]);
        writeln!(s, "mov {a}, {c}").unwrap();
        writeln!(s, "add {a}, 16").unwrap();
        writeln!(s, "sub {c}, qword ptr [{a} + 8]").unwrap();
        writeln!(s, "and {a}, {c}").unwrap();
        writeln!(s, "lea {c}, [{a} + {c}*4 + 32]").unwrap();
        writeln!(s, "imul {a}, {c}").unwrap();
        writeln!(s, "shl {c}, 3").unwrap();
        writeln!(s, "cmp {a}, 1000").unwrap();
    }
    s
}

/// Memory operands of every usual shape as text (loads, stores,
/// read-modify-write, sized immediates to memory, `rsp`/`rbp`/`r12`/`r13`
/// bases, scaled indexes, negative and 32-bit displacements).
fn mem_text() -> String {
    let mut s = String::new();
    for i in 0..N / 8 {
        let (a, b, c) = (
            GP_NAMES[i % 13],
            GP_NAMES[(i + 4) % 13],
            GP_NAMES[(i + 9) % 13],
        );
        writeln!(s, "mov {a}, qword ptr [{b} + {c}*8 + 16]").unwrap();
        writeln!(s, "mov dword ptr [rsp + 8], {}", D_NAMES[i % 13]).unwrap();
        writeln!(s, "add qword ptr [{b}], 1").unwrap();
        writeln!(s, "movzx eax, byte ptr [{c} + 3]").unwrap();
        writeln!(s, "cmp dword ptr [rbp - 4], 100").unwrap();
        writeln!(s, "inc qword ptr [r12 + {c}*2]").unwrap();
        writeln!(s, "mov word ptr [{a} + 0x1000], 7").unwrap();
        writeln!(s, "lea {a}, [r13 + {b}]").unwrap();
    }
    s
}

/// An SSE sequence as text.
fn sse_text() -> String {
    let mut s = String::new();
    for i in 0..N / 8 {
        let (x, y) = (i % 16, (i + 5) % 16);
        let b = GP_NAMES[(i + 2) % 13];
        writeln!(s, "movaps xmm{x}, xmmword ptr [{b} + 16]").unwrap();
        writeln!(s, "addps xmm{x}, xmm{y}").unwrap();
        writeln!(s, "mulss xmm{y}, dword ptr [{b}]").unwrap();
        writeln!(s, "movd eax, xmm{x}").unwrap();
        writeln!(s, "pshufd xmm{y}, xmm{x}, 0x1b").unwrap();
        writeln!(s, "cvtsi2sd xmm{x}, {b}").unwrap();
        writeln!(s, "pxor xmm{y}, xmm{y}").unwrap();
        writeln!(s, "movdqu xmmword ptr [{b} + 32], xmm{x}").unwrap();
    }
    s
}

/// An AVX sequence as text.
fn avx_text() -> String {
    let mut s = String::new();
    for i in 0..N / 8 {
        let (x, y, z) = (i % 16, (i + 3) % 16, (i + 7) % 16);
        let b = GP_NAMES[(i + 1) % 13];
        writeln!(s, "vmovups ymm{x}, ymmword ptr [{b} + 32]").unwrap();
        writeln!(s, "vaddps ymm{x}, ymm{y}, ymm{z}").unwrap();
        writeln!(s, "vmulps ymm{y}, ymm{x}, ymmword ptr [{b} + 64]").unwrap();
        writeln!(s, "vfmadd231ps ymm{z}, ymm{x}, ymm{y}").unwrap();
        writeln!(s, "vpxor ymm{x}, ymm{x}, ymm{x}").unwrap();
        writeln!(s, "vpermd ymm{y}, ymm{z}, ymm{x}").unwrap();
        writeln!(s, "vshufps ymm{z}, ymm{x}, ymm{y}, 27").unwrap();
        writeln!(s, "vmovups ymmword ptr [{b} + 96], ymm{z}").unwrap();
    }
    s
}

fn gp_builder(b: &mut Builder<'_, VecAssembler<X64>>) {
    for i in 0..N / 8 {
        let (a, c) = (GPQ[i % 13], GPQ[(i + 5) % 13]);
        b.mov(a, c).unwrap();
        b.add(a, 16).unwrap();
        b.sub(c, ptr(a + 8)).unwrap();
        b.and(a, c).unwrap();
        b.lea(c, ptr(a + c * 4 + 32)).unwrap();
        b.imul_2(a, c).unwrap();
        b.shl(c, 3).unwrap();
        b.cmp(a, 1000).unwrap();
    }
}

/// The benchmark's texts by name.
fn texts() -> [(&'static str, String); 4] {
    [
        ("gp", gp_text()),
        ("mem", mem_text()),
        ("sse", sse_text()),
        ("avx", avx_text()),
    ]
}

fn bench(c: &mut Criterion) {
    let texts = texts();
    // Both assemblers must agree on the bytes before their speed is compared.
    for (name, text) in &texts {
        let ours = jitasm::assemble(Arch::X64, text).expect("jitasm assembles the benchmark text");
        let theirs = asm_rs::assemble(text, asm_rs::Arch::X86_64).expect("asm-rs assembles it");
        assert_eq!(
            ours.len(),
            theirs.len(),
            "the two assemblers' code sizes differ on `{name}`"
        );
    }
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Elements(N as u64));
    for (name, text) in &texts {
        g.bench_function(format!("{name}/jitasm"), |b| {
            b.iter(|| jitasm::assemble(Arch::X64, black_box(text)).unwrap())
        });
        g.bench_function(format!("{name}/asm-rs"), |b| {
            b.iter(|| asm_rs::assemble(black_box(text), asm_rs::Arch::X86_64).unwrap())
        });
        if *name == "gp" {
            g.bench_function("gp/jitasm-builder", |b| {
                let mut out = VecAssembler::<X64>::new(0);
                b.iter(|| {
                    out.clear();
                    gp_builder(&mut Builder::new(&mut out, Mode::Long));
                    black_box(out.offset());
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);

/// With `JITASM_TEXT_PROFILE=<text>:<iterations>` (e.g. `gp:2000`) the
/// binary only assembles that text so many times with jitasm, for a
/// profiler (`valgrind --tool=callgrind`, `perf record`); otherwise it runs
/// the criterion benchmarks.
fn main() {
    if let Ok(spec) = std::env::var("JITASM_TEXT_PROFILE") {
        let (name, n) = spec.split_once(':').unwrap_or((&spec, "1000"));
        let n: usize = n.parse().expect("JITASM_TEXT_PROFILE=<text>:<iterations>");
        let texts = texts();
        let (_, text) = texts
            .iter()
            .find(|(t, _)| *t == name)
            .expect("a text: gp, mem, sse or avx");
        let mut bytes = 0;
        for _ in 0..n {
            bytes += jitasm::assemble(Arch::X64, black_box(text)).unwrap().len();
        }
        println!("{n} x {name}: {bytes} bytes");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
