//! Text assembly throughput: the same 1,000-instruction texts assembled by
//! `jitasm::assemble` and by the asm-rs crate in one run, and the typed
//! builder on the same instructions for the distance between the two jitasm
//! front ends. Criterion's time per element is one instruction; the
//! instructions per second are its inverse.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
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

fn bench(c: &mut Criterion) {
    let gp = gp_text();
    let avx = avx_text();
    // Both assemblers must agree on the bytes before their speed is compared.
    for text in [&gp, &avx] {
        let ours = jitasm::assemble(Arch::X64, text).expect("jitasm assembles the benchmark text");
        let theirs = asm_rs::assemble(text, asm_rs::Arch::X86_64).expect("asm-rs assembles it");
        assert_eq!(
            ours.len(),
            theirs.len(),
            "the two assemblers' code sizes differ"
        );
    }
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("gp/jitasm", |b| {
        b.iter(|| jitasm::assemble(Arch::X64, black_box(&gp)).unwrap())
    });
    g.bench_function("gp/asm-rs", |b| {
        b.iter(|| asm_rs::assemble(black_box(&gp), asm_rs::Arch::X86_64).unwrap())
    });
    g.bench_function("gp/jitasm-builder", |b| {
        let mut out = VecAssembler::<X64>::new(0);
        b.iter(|| {
            out.clear();
            gp_builder(&mut Builder::new(&mut out, Mode::Long));
            black_box(out.offset());
        })
    });
    g.bench_function("avx/jitasm", |b| {
        b.iter(|| jitasm::assemble(Arch::X64, black_box(&avx)).unwrap())
    });
    g.bench_function("avx/asm-rs", |b| {
        b.iter(|| asm_rs::assemble(black_box(&avx), asm_rs::Arch::X86_64).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
