//! Encoding throughput of the x86 typed builder, beside iced-x86's `Encoder`
//! on the same instructions in the same run. Registers are chosen at run time
//! (as a compiler's register allocator would), so nothing folds at compile
//! time. Figures: criterion's time per element = one instruction.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iced_x86::code_asm::{self as ca, CodeAssembler};
use jitasm_runtime::{isa::X64, VecAssembler};
use jitasm_x64::builder::{prelude::*, ptr, regs::*, Builder, Gpq, Ymm};
use jitasm_x64::Mode;
use std::hint::black_box;

const N: usize = 1000;

/// Every GP register but rsp (which cannot be an index).
const GPQ: [Gpq; 15] = [
    rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15,
];
const YMM: [Ymm; 16] = [
    ymm0, ymm1, ymm2, ymm3, ymm4, ymm5, ymm6, ymm7, ymm8, ymm9, ymm10, ymm11, ymm12, ymm13, ymm14,
    ymm15,
];

/// General-purpose sequence: 8 instructions per step.
fn gp_builder(b: &mut Builder<'_, VecAssembler<X64>>, regs: &[usize]) {
    for i in 0..N / 8 {
        let (a, c) = (GPQ[regs[i % 13]], GPQ[regs[(i + 5) % 13]]);
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

fn avx_builder(b: &mut Builder<'_, VecAssembler<X64>>, regs: &[usize]) {
    for i in 0..N / 8 {
        let (x, y, z) = (
            YMM[regs[i % 13]],
            YMM[regs[(i + 3) % 13]],
            YMM[regs[(i + 7) % 13]],
        );
        let base = GPQ[regs[(i + 1) % 13]];
        b.vmovups(x, ptr(base + 32)).unwrap();
        b.vaddps(x, y, z).unwrap();
        b.vmulps(y, x, ptr(base + 64)).unwrap();
        b.vfmadd231ps(z, x, y).unwrap();
        b.vpxor(x, x, x).unwrap();
        b.vpermd(y, z, x).unwrap();
        b.vshufps(z, x, y, 0x1b).unwrap();
        b.vmovups(ptr(base + 96), z).unwrap();
    }
}

/// The same GP sequence as iced `Instruction`s (built once, outside the timing).
fn gp_iced(regs: &[usize]) -> CodeAssembler {
    let r = [
        ca::rax,
        ca::rcx,
        ca::rdx,
        ca::rbx,
        ca::rbp,
        ca::rsi,
        ca::rdi,
        ca::r8,
        ca::r9,
        ca::r10,
        ca::r11,
        ca::r12,
        ca::r13,
        ca::r14,
        ca::r15,
    ];
    let mut a = CodeAssembler::new(64).unwrap();
    for i in 0..N / 8 {
        let (x, c) = (r[regs[i % 13]], r[regs[(i + 5) % 13]]);
        a.mov(x, c).unwrap();
        a.add(x, 16).unwrap();
        a.sub(c, ca::ptr(x + 8)).unwrap();
        a.and(x, c).unwrap();
        a.lea(c, ca::ptr(x + c * 4 + 32)).unwrap();
        a.imul_2(x, c).unwrap();
        a.shl(c, 3).unwrap();
        a.cmp(x, 1000).unwrap();
    }
    a
}

fn bench(c: &mut Criterion) {
    let regs: Vec<usize> = (0..13).map(|i| black_box((i * 7 + 3) % 15)).collect();
    let mut g = c.benchmark_group("x86_encode");
    g.throughput(Throughput::Elements(N as u64));
    let mut asm = VecAssembler::<X64>::new(0);
    g.bench_function("builder_gp", |bench| {
        bench.iter(|| {
            asm.clear();
            let mut b = Builder::new(&mut asm, Mode::Long);
            gp_builder(&mut b, &regs);
        })
    });
    g.bench_function("builder_avx", |bench| {
        bench.iter(|| {
            asm.clear();
            let mut b = Builder::new(&mut asm, Mode::Long);
            avx_builder(&mut b, &regs);
        })
    });
    let insts = gp_iced(&regs).instructions().to_vec();
    let mut enc = iced_x86::Encoder::new(64);
    g.bench_function("iced_encoder_gp", |bench| {
        bench.iter(|| {
            for i in &insts {
                enc.encode(i, 0).unwrap();
            }
            black_box(enc.take_buffer());
        })
    });
    g.bench_function("iced_code_assembler_gp", |bench| {
        bench.iter(|| black_box(gp_iced(&regs).assemble(0).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
