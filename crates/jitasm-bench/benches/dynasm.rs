//! `jitasm::dynasm!` beside dynasm-rs 5.1 (`dynasm::dynasm!` into
//! `dynasmrt`), the same instruction text through both in one run.
//!
//! Each sequence is a block of instruction lines written once as a
//! `macro_rules!` body and expanded by both macros (`$k::dynasm!`), so the two
//! see identical text. An iteration emits the block [`REPS`] times (1,000 to
//! 1,340 instructions) into a reused `VecAssembler` (jitasm's
//! `VecAssembler<X64>`, dynasm-rs's `VecAssembler<X64Relocation>`), then
//! resolves and empties it keeping its allocation: `resolve` + `clear` for
//! jitasm, `drain` (commit, clear labels, empty the vector) for dynasm-rs.
//! Criterion's element is one instruction, so its time per element is the
//! time per instruction.
//!
//! * `static_gp`, `static_mem`, `static_vec`: every operand known while
//!   compiling ((a) general-purpose integer, (b) memory operands, (c) SSE to
//!   SSE4.1, AVX, AVX2, FMA).
//! * `dynamic_gp`, `dynamic_mem`, `dynamic_vec`: the same blocks with every
//!   register given as `Rq(g)`, `Rd(g)`, `Rx(g)`… and every immediate (and,
//!   in `dynamic_mem`, every other displacement) as a Rust variable, all read
//!   through `black_box` at each repetition.
//!
//! Before measuring, the setup emits every sequence once with each library,
//! prints the bytes emitted, checks that jitasm's dynamic output is
//! byte-for-byte its static output for the same registers (the shortest
//! encoding whatever the values), and decodes every output with iced-x86 to
//! list the instructions on which the two libraries disagree.
//!
//! ```text
//! cargo bench -p jitasm-bench --bench dynasm -- --warm-up-time 1 --measurement-time 3
//! ```

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dynasmrt::DynasmApi;
use std::hint::black_box;

/// jitasm's assembler into a vector.
type Jit = jitasm::VecAssembler<jitasm::isa::X64>;
/// dynasm-rs's assembler into a vector.
type Drs = dynasmrt::VecAssembler<dynasmrt::x64::X64Relocation>;

/// Repetitions of a block per iteration.
const REPS: usize = 20;

/// The register numbers of the dynamic blocks: `g0` is `rax`/`xmm0`, … so
/// each dynamic block names the registers of its static block.
const REGS: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// (a) General-purpose integer instructions, static operands.
macro_rules! gp_static {
    ($k:ident, $ops:ident) => {
        $k::dynasm!($ops
            ; .arch x64
            ; mov rax, rbx
            ; mov ecx, edx
            ; mov r8, r9
            ; mov r10d, 0x12345
            ; mov rsi, -1
            ; add rsi, 16
            ; add r9d, 1000
            ; add rax, rcx
            ; adc rdx, rbx
            ; sub rdi, r10
            ; sbb ecx, 3
            ; and r11, rax
            ; and edx, 0xff
            ; or ecx, 0x7f
            ; or r12, r13
            ; xor edx, edx
            ; xor r14d, r15d
            ; imul rax, rcx
            ; imul r8, r9, 12
            ; imul edx, esi, 1000
            ; shl rbx, 3
            ; shr r14d, 7
            ; sar rdx, cl
            ; rol r15, 1
            ; ror eax, 5
            ; inc rcx
            ; dec r11d
            ; neg rax
            ; not r10
            ; test rax, rbx
            ; test ecx, 1
            ; cmp r12, 1000
            ; cmp eax, -1
            ; cmp sil, dil
            ; cmovz rax, rcx
            ; cmovnz r8, r9
            ; cmovl edx, esi
            ; setz al
            ; setnz r9b
            ; movzx eax, cl
            ; movzx r10d, r11b
            ; movsx rax, dx
            ; movsxd r8, eax
            ; bt rax, 5
            ; bts rcx, rdx
            ; bsf rax, rbx
            ; bsr r9, r10
            ; lzcnt rax, rcx
            ; popcnt r11, r12
            ; tzcnt edx, esi
            ; andn rax, rbx, rcx
            ; shlx rax, rbx, rcx
            ; bextr r8d, r9d, r10d
            ; bswap r10
            ; mov r15, rsp
            ; push rbx
            ; pop r12
            ; push r13
            ; pop rbp
            ; nop
        )
    };
}

const GP_LEN: usize = 60;

/// (b) Memory operands, static.
macro_rules! mem_static {
    ($k:ident, $ops:ident) => {
        $k::dynasm!($ops
            ; .arch x64
            ; mov rax, [rbx]
            ; mov rcx, [rsp + 8]
            ; mov rdx, [rbp - 16]
            ; mov r8, [r12 + 0x100]
            ; mov r9d, [r13]
            ; mov [rdi + 24], rsi
            ; mov [rax + rcx*8 + 64], r10
            ; mov [r12 + r13*8 + 0x12345], rbx
            ; mov DWORD [rbx + 4], 1000
            ; mov QWORD [rsp + 32], -1
            ; mov BYTE [rsi], 0x7f
            ; mov WORD [rdx + 6], 0x1234
            ; add rax, [r14 + r15*2]
            ; add [rdx + 0x1000], ecx
            ; add QWORD [rcx + 8], 16
            ; sub r11, [rbx + rax*4 - 8]
            ; and [rsp], r9
            ; or r12d, [rdi + rsi]
            ; xor rax, [r8 + 0x80]
            ; cmp QWORD [rax + 8], 0
            ; cmp r8d, DWORD [r9 + r10*4]
            ; cmp BYTE [r11 + rcx], 7
            ; test [rcx], edx
            ; lea rax, [rbx + rcx*4 + 16]
            ; lea r8, [r13 + r14]
            ; lea rsi, [rdi*8 + 0x20]
            ; lea rdx, [rsp + rbp*2 - 0x100]
            ; movzx eax, BYTE [rsi + rdi]
            ; movzx ecx, WORD [rdx + 2]
            ; movsx rax, BYTE [r8]
            ; movsxd rdx, DWORD [rbp + 8]
            ; inc QWORD [rax]
            ; dec DWORD [r11 + 4]
            ; neg QWORD [rbx + rdx*8]
            ; imul rcx, [rbx + 16]
            ; imul rax, [rdx], 100
            ; shl QWORD [rsi], 3
            ; sar DWORD [rdi + 12], 1
            ; push QWORD [rax + 8]
            ; pop QWORD [rcx]
            ; cmovg rax, [rsp + 0x80]
            ; xadd [rdi], eax
            ; lock add [rax], ecx
            ; lock cmpxchg [rsi + 8], rdx
            ; bt DWORD [rbx], 3
            ; mov [r9 + r11*4 - 4], r15d
            ; mov al, [rcx + rdx]
            ; mov [rsp + 0x40], r10b
            ; adc r14, [r15]
            ; sbb r13d, [r12 + 0x7f]
        )
    };
}

const MEM_LEN: usize = 50;

/// (c) SSE to SSE4.1, AVX, AVX2, FMA, static.
macro_rules! vec_static {
    ($k:ident, $ops:ident) => {
        $k::dynasm!($ops
            ; .arch x64
            ; movaps xmm0, xmm1
            ; movups xmm2, [rax]
            ; movups [rbx + 16], xmm3
            ; movdqa xmm8, [rsp + 0x20]
            ; addps xmm0, xmm2
            ; mulpd xmm4, [rcx + rdx*8]
            ; subss xmm5, xmm6
            ; divsd xmm7, [rsp + 8]
            ; sqrtps xmm8, xmm9
            ; minps xmm1, xmm2
            ; maxsd xmm3, [r8]
            ; xorps xmm10, xmm10
            ; andpd xmm11, xmm12
            ; pxor xmm13, xmm14
            ; paddd xmm0, [r8]
            ; psubq xmm1, xmm15
            ; pmullw xmm2, xmm3
            ; pshufd xmm1, xmm2, 0x1b
            ; shufps xmm3, xmm4, 0x44
            ; unpcklps xmm5, xmm6
            ; cvtsi2sd xmm0, rax
            ; cvttsd2si rcx, xmm1
            ; cvtps2pd xmm2, xmm3
            ; movd xmm2, eax
            ; movq rax, xmm3
            ; punpcklbw xmm4, xmm5
            ; pcmpeqb xmm6, xmm7
            ; pmovmskb eax, xmm6
            ; psrlq xmm9, 4
            ; pslldq xmm10, 8
            ; ptest xmm0, xmm1
            ; pminsd xmm2, xmm3
            ; pshufb xmm4, xmm5
            ; roundps xmm0, xmm1, 4
            ; pextrd eax, xmm2, 1
            ; pinsrq xmm3, rcx, 1
            ; ucomisd xmm0, xmm1
            ; vmovups ymm0, [rax]
            ; vmovups [rbx + 32], ymm1
            ; vmovaps xmm2, xmm3
            ; vaddps ymm2, ymm3, ymm4
            ; vmulpd ymm5, ymm6, [rcx + 64]
            ; vsubps xmm8, xmm9, [r10 + r11*4]
            ; vfmadd231ps ymm0, ymm1, ymm2
            ; vfmadd213sd xmm3, xmm4, [rdx]
            ; vfnmadd132ps ymm12, ymm13, ymm14
            ; vxorps ymm8, ymm9, ymm10
            ; vpaddd ymm11, ymm12, ymm13
            ; vpermd ymm0, ymm1, ymm2
            ; vpshufb ymm3, ymm4, ymm5
            ; vshufps ymm6, ymm7, ymm8, 0x1b
            ; vbroadcastss ymm9, [rsi]
            ; vpbroadcastd ymm10, xmm11
            ; vextractf128 xmm0, ymm1, 1
            ; vinsertf128 ymm2, ymm3, xmm4, 1
            ; vperm2f128 ymm5, ymm6, ymm7, 0x31
            ; vblendvps ymm8, ymm9, ymm10, ymm11
            ; vmaskmovps ymm12, ymm13, [rdi]
            ; vpcmpeqd ymm14, ymm15, ymm0
            ; vmovdqa ymm1, ymm2
            ; vmovdqu [rsp + 0x40], ymm3
            ; vcvtdq2ps ymm4, ymm5
            ; vsqrtpd ymm6, ymm7
            ; vpsllq ymm0, ymm1, 3
            ; vpand ymm2, ymm3, [r9 + 0x100]
            ; vpminud ymm4, ymm5, ymm6
            ; vzeroupper
        )
    };
}

const VEC_LEN: usize = 67;

/// (d) `gp_static` with registers and immediates from Rust values.
macro_rules! gp_dynamic {
    ($k:ident, $ops:ident) => {{
        let [g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, g14, g15] = *black_box(&REGS);
        let [dm1, d1, d3, d12, d16, d127, d255, d1000, d74565]: [i32; 9] = *black_box(&[-1, 1, 3, 12, 16, 127, 255, 1000, 74565]);
        let [b1, b3, b5, b7]: [i8; 4] = *black_box(&[1, 3, 5, 7]);
        $k::dynasm!($ops
            ; .arch x64
            ; mov Rq(g0), Rq(g3)
            ; mov Rd(g1), Rd(g2)
            ; mov Rq(g8), Rq(g9)
            ; mov Rd(g10), d74565
            ; mov Rq(g6), dm1
            ; add Rq(g6), d16
            ; add Rd(g9), d1000
            ; add Rq(g0), Rq(g1)
            ; adc Rq(g2), Rq(g3)
            ; sub Rq(g7), Rq(g10)
            ; sbb Rd(g1), d3
            ; and Rq(g11), Rq(g0)
            ; and Rd(g2), d255
            ; or Rd(g1), d127
            ; or Rq(g12), Rq(g13)
            ; xor Rd(g2), Rd(g2)
            ; xor Rd(g14), Rd(g15)
            ; imul Rq(g0), Rq(g1)
            ; imul Rq(g8), Rq(g9), d12
            ; imul Rd(g2), Rd(g6), d1000
            ; shl Rq(g3), b3
            ; shr Rd(g14), b7
            ; sar Rq(g2), cl
            ; rol Rq(g15), b1
            ; ror Rd(g0), b5
            ; inc Rq(g1)
            ; dec Rd(g11)
            ; neg Rq(g0)
            ; not Rq(g10)
            ; test Rq(g0), Rq(g3)
            ; test Rd(g1), d1
            ; cmp Rq(g12), d1000
            ; cmp Rd(g0), dm1
            ; cmp Rb(g6), Rb(g7)
            ; cmovz Rq(g0), Rq(g1)
            ; cmovnz Rq(g8), Rq(g9)
            ; cmovl Rd(g2), Rd(g6)
            ; setz Rb(g0)
            ; setnz Rb(g9)
            ; movzx Rd(g0), Rb(g1)
            ; movzx Rd(g10), Rb(g11)
            ; movsx Rq(g0), Rw(g2)
            ; movsxd Rq(g8), Rd(g0)
            ; bt Rq(g0), b5
            ; bts Rq(g1), Rq(g2)
            ; bsf Rq(g0), Rq(g3)
            ; bsr Rq(g9), Rq(g10)
            ; lzcnt Rq(g0), Rq(g1)
            ; popcnt Rq(g11), Rq(g12)
            ; tzcnt Rd(g2), Rd(g6)
            ; andn Rq(g0), Rq(g3), Rq(g1)
            ; shlx Rq(g0), Rq(g3), Rq(g1)
            ; bextr Rd(g8), Rd(g9), Rd(g10)
            ; bswap Rq(g10)
            ; mov Rq(g15), Rq(g4)
            ; push Rq(g3)
            ; pop Rq(g12)
            ; push Rq(g13)
            ; pop Rq(g5)
            ; nop
        )
    }};
}

/// (d) `mem_static` with registers, immediates and every other displacement
/// from Rust values.
macro_rules! mem_dynamic {
    ($k:ident, $ops:ident) => {{
        let [g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, g14, g15] = *black_box(&REGS);
        let [dm8, dm4, dm1, d0, d6, d8, d12, d16, d24, d32, d64, d100, d127, d256, d1000, d4096, d74565]: [i32; 17] = *black_box(&[-8, -4, -1, 0, 6, 8, 12, 16, 24, 32, 64, 100, 127, 256, 1000, 4096, 74565]);
        let [w4660]: [i16; 1] = *black_box(&[4660]);
        let [b1, b3, b7, b127]: [i8; 4] = *black_box(&[1, 3, 7, 127]);
        $k::dynasm!($ops
            ; .arch x64
            ; mov Rq(g0), [Rq(g3)]
            ; mov Rq(g1), [Rq(g4) + d8]
            ; mov Rq(g2), [Rq(g5) - 16]
            ; mov Rq(g8), [Rq(g12) + d256]
            ; mov Rd(g9), [Rq(g13)]
            ; mov [Rq(g7) + d24], Rq(g6)
            ; mov [Rq(g0) + Rq(g1)*8 + 64], Rq(g10)
            ; mov [Rq(g12) + Rq(g13)*8 + d74565], Rq(g3)
            ; mov DWORD [Rq(g3) + 4], d1000
            ; mov QWORD [Rq(g4) + d32], dm1
            ; mov BYTE [Rq(g6)], b127
            ; mov WORD [Rq(g2) + d6], w4660
            ; add Rq(g0), [Rq(g14) + Rq(g15)*2]
            ; add [Rq(g2) + d4096], Rd(g1)
            ; add QWORD [Rq(g1) + 8], d16
            ; sub Rq(g11), [Rq(g3) + Rq(g0)*4 + dm8]
            ; and [Rq(g4)], Rq(g9)
            ; or Rd(g12), [Rq(g7) + Rq(g6)]
            ; xor Rq(g0), [Rq(g8) + 0x80]
            ; cmp QWORD [Rq(g0) + d8], d0
            ; cmp Rd(g8), DWORD [Rq(g9) + Rq(g10)*4]
            ; cmp BYTE [Rq(g11) + Rq(g1)], b7
            ; test [Rq(g1)], Rd(g2)
            ; lea Rq(g0), [Rq(g3) + Rq(g1)*4 + d16]
            ; lea Rq(g8), [Rq(g13) + Rq(g14)]
            ; lea Rq(g6), [Rq(g7)*8 + d32]
            ; lea Rq(g2), [Rq(g4) + Rq(g5)*2 - 0x100]
            ; movzx Rd(g0), BYTE [Rq(g6) + Rq(g7)]
            ; movzx Rd(g1), WORD [Rq(g2) + 2]
            ; movsx Rq(g0), BYTE [Rq(g8)]
            ; movsxd Rq(g2), DWORD [Rq(g5) + 8]
            ; inc QWORD [Rq(g0)]
            ; dec DWORD [Rq(g11) + 4]
            ; neg QWORD [Rq(g3) + Rq(g2)*8]
            ; imul Rq(g1), [Rq(g3) + 16]
            ; imul Rq(g0), [Rq(g2)], d100
            ; shl QWORD [Rq(g6)], b3
            ; sar DWORD [Rq(g7) + d12], b1
            ; push QWORD [Rq(g0) + 8]
            ; pop QWORD [Rq(g1)]
            ; cmovg Rq(g0), [Rq(g4) + 0x80]
            ; xadd [Rq(g7)], Rd(g0)
            ; lock add [Rq(g0)], Rd(g1)
            ; lock cmpxchg [Rq(g6) + d8], Rq(g2)
            ; bt DWORD [Rq(g3)], b3
            ; mov [Rq(g9) + Rq(g11)*4 + dm4], Rd(g15)
            ; mov Rb(g0), [Rq(g1) + Rq(g2)]
            ; mov [Rq(g4) + d64], Rb(g10)
            ; adc Rq(g14), [Rq(g15)]
            ; sbb Rd(g13), [Rq(g12) + d127]
        )
    }};
}

/// `vec_static` with registers and immediates from Rust values.
macro_rules! vec_dynamic {
    ($k:ident, $ops:ident) => {{
        let [g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, g14, g15] = *black_box(&REGS);
        let [b1, b3, b4, b8, b27, b49, b68]: [i8; 7] = *black_box(&[1, 3, 4, 8, 27, 49, 68]);
        $k::dynasm!($ops
            ; .arch x64
            ; movaps Rx(g0), Rx(g1)
            ; movups Rx(g2), [Rq(g0)]
            ; movups [Rq(g3) + 16], Rx(g3)
            ; movdqa Rx(g8), [Rq(g4) + 0x20]
            ; addps Rx(g0), Rx(g2)
            ; mulpd Rx(g4), [Rq(g1) + Rq(g2)*8]
            ; subss Rx(g5), Rx(g6)
            ; divsd Rx(g7), [Rq(g4) + 8]
            ; sqrtps Rx(g8), Rx(g9)
            ; minps Rx(g1), Rx(g2)
            ; maxsd Rx(g3), [Rq(g8)]
            ; xorps Rx(g10), Rx(g10)
            ; andpd Rx(g11), Rx(g12)
            ; pxor Rx(g13), Rx(g14)
            ; paddd Rx(g0), [Rq(g8)]
            ; psubq Rx(g1), Rx(g15)
            ; pmullw Rx(g2), Rx(g3)
            ; pshufd Rx(g1), Rx(g2), b27
            ; shufps Rx(g3), Rx(g4), b68
            ; unpcklps Rx(g5), Rx(g6)
            ; cvtsi2sd Rx(g0), Rq(g0)
            ; cvttsd2si Rq(g1), Rx(g1)
            ; cvtps2pd Rx(g2), Rx(g3)
            ; movd Rx(g2), Rd(g0)
            ; movq Rq(g0), Rx(g3)
            ; punpcklbw Rx(g4), Rx(g5)
            ; pcmpeqb Rx(g6), Rx(g7)
            ; pmovmskb Rd(g0), Rx(g6)
            ; psrlq Rx(g9), b4
            ; pslldq Rx(g10), b8
            ; ptest Rx(g0), Rx(g1)
            ; pminsd Rx(g2), Rx(g3)
            ; pshufb Rx(g4), Rx(g5)
            ; roundps Rx(g0), Rx(g1), b4
            ; pextrd Rd(g0), Rx(g2), b1
            ; pinsrq Rx(g3), Rq(g1), b1
            ; ucomisd Rx(g0), Rx(g1)
            ; vmovups Ry(g0), [Rq(g0)]
            ; vmovups [Rq(g3) + 32], Ry(g1)
            ; vmovaps Rx(g2), Rx(g3)
            ; vaddps Ry(g2), Ry(g3), Ry(g4)
            ; vmulpd Ry(g5), Ry(g6), [Rq(g1) + 64]
            ; vsubps Rx(g8), Rx(g9), [Rq(g10) + Rq(g11)*4]
            ; vfmadd231ps Ry(g0), Ry(g1), Ry(g2)
            ; vfmadd213sd Rx(g3), Rx(g4), [Rq(g2)]
            ; vfnmadd132ps Ry(g12), Ry(g13), Ry(g14)
            ; vxorps Ry(g8), Ry(g9), Ry(g10)
            ; vpaddd Ry(g11), Ry(g12), Ry(g13)
            ; vpermd Ry(g0), Ry(g1), Ry(g2)
            ; vpshufb Ry(g3), Ry(g4), Ry(g5)
            ; vshufps Ry(g6), Ry(g7), Ry(g8), b27
            ; vbroadcastss Ry(g9), [Rq(g6)]
            ; vpbroadcastd Ry(g10), Rx(g11)
            ; vextractf128 Rx(g0), Ry(g1), b1
            ; vinsertf128 Ry(g2), Ry(g3), Rx(g4), b1
            ; vperm2f128 Ry(g5), Ry(g6), Ry(g7), b49
            ; vblendvps Ry(g8), Ry(g9), Ry(g10), Ry(g11)
            ; vmaskmovps Ry(g12), Ry(g13), [Rq(g7)]
            ; vpcmpeqd Ry(g14), Ry(g15), Ry(g0)
            ; vmovdqa Ry(g1), Ry(g2)
            ; vmovdqu [Rq(g4) + 0x40], Ry(g3)
            ; vcvtdq2ps Ry(g4), Ry(g5)
            ; vsqrtpd Ry(g6), Ry(g7)
            ; vpsllq Ry(g0), Ry(g1), b3
            ; vpand Ry(g2), Ry(g3), [Rq(g9) + 0x100]
            ; vpminud Ry(g4), Ry(g5), Ry(g6)
            ; vzeroupper
        )
    }};
}

/// Emits one sequence `REPS` times through jitasm and through dynasm-rs.
macro_rules! emitters {
    ($block:ident, $jit:ident, $drs:ident) => {
        #[inline(never)]
        fn $jit(ops: &mut Jit) {
            for _ in 0..REPS {
                $block!(jitasm, ops);
            }
        }

        #[inline(never)]
        fn $drs(ops: &mut Drs) {
            for _ in 0..REPS {
                $block!(dynasm, ops);
            }
        }
    };
}

emitters!(gp_static, static_gp_jitasm, static_gp_dynasmrs);
emitters!(mem_static, static_mem_jitasm, static_mem_dynasmrs);
emitters!(vec_static, static_vec_jitasm, static_vec_dynasmrs);
emitters!(gp_dynamic, dynamic_gp_jitasm, dynamic_gp_dynasmrs);
emitters!(mem_dynamic, dynamic_mem_jitasm, dynamic_mem_dynasmrs);
emitters!(vec_dynamic, dynamic_vec_jitasm, dynamic_vec_dynasmrs);

/// One sequence: its name, instructions per iteration and both emitters.
struct Sequence {
    name: &'static str,
    insns: usize,
    jitasm: fn(&mut Jit),
    dynasmrs: fn(&mut Drs),
    /// The static sequence whose bytes jitasm's output must equal.
    same_as: Option<fn(&mut Jit)>,
}

const SEQUENCES: [Sequence; 6] = [
    Sequence {
        name: "static_gp",
        insns: GP_LEN * REPS,
        jitasm: static_gp_jitasm,
        dynasmrs: static_gp_dynasmrs,
        same_as: None,
    },
    Sequence {
        name: "static_mem",
        insns: MEM_LEN * REPS,
        jitasm: static_mem_jitasm,
        dynasmrs: static_mem_dynasmrs,
        same_as: None,
    },
    Sequence {
        name: "static_vec",
        insns: VEC_LEN * REPS,
        jitasm: static_vec_jitasm,
        dynasmrs: static_vec_dynasmrs,
        same_as: None,
    },
    Sequence {
        name: "dynamic_gp",
        insns: GP_LEN * REPS,
        jitasm: dynamic_gp_jitasm,
        dynasmrs: dynamic_gp_dynasmrs,
        same_as: Some(static_gp_jitasm),
    },
    Sequence {
        name: "dynamic_mem",
        insns: MEM_LEN * REPS,
        jitasm: dynamic_mem_jitasm,
        dynasmrs: dynamic_mem_dynasmrs,
        same_as: Some(static_mem_jitasm),
    },
    Sequence {
        name: "dynamic_vec",
        insns: VEC_LEN * REPS,
        jitasm: dynamic_vec_jitasm,
        dynasmrs: dynamic_vec_dynasmrs,
        same_as: Some(static_vec_jitasm),
    },
];

fn jitasm_bytes(f: fn(&mut Jit)) -> Vec<u8> {
    let mut ops = Jit::new(0);
    f(&mut ops);
    ops.finalize().expect("jitasm")
}

fn dynasmrs_bytes(f: fn(&mut Drs)) -> Vec<u8> {
    let mut ops = Drs::new(0);
    f(&mut ops);
    ops.finalize().expect("dynasm-rs")
}

/// The instructions of `code` as iced-x86 formats them (Intel syntax).
fn decode(code: &[u8]) -> Vec<String> {
    use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
    let mut formatter = IntelFormatter::new();
    let mut out = Vec::new();
    for inst in Decoder::new(64, code, DecoderOptions::NONE) {
        assert!(!inst.is_invalid(), "undecodable bytes");
        let mut s = String::new();
        formatter.format(&inst, &mut s);
        out.push(s);
    }
    out
}

/// Prints the bytes each library emits and the instructions on which they
/// disagree; checks that jitasm's dynamic sequences are its static ones.
fn check(seq: &Sequence) {
    let jit = jitasm_bytes(seq.jitasm);
    let drs = dynasmrs_bytes(seq.dynasmrs);
    let (dj, dd) = (decode(&jit), decode(&drs));
    assert_eq!(
        dj.len(),
        seq.insns,
        "{}: jitasm instruction count",
        seq.name
    );
    assert_eq!(
        dd.len(),
        seq.insns,
        "{}: dynasm-rs instruction count",
        seq.name
    );
    let per = |n: usize| n / REPS;
    eprintln!(
        "{}: {} instructions; bytes per block: jitasm {}, dynasm-rs {} ({:+.1} %)",
        seq.name,
        seq.insns,
        per(jit.len()),
        per(drs.len()),
        (drs.len() as f64 / jit.len() as f64 - 1.0) * 100.0
    );
    let mut seen = std::collections::BTreeSet::new();
    for (a, b) in dj.iter().zip(&dd).take(seq.insns / REPS) {
        if a != b && seen.insert((a.clone(), b.clone())) {
            eprintln!("  differs: jitasm `{a}`, dynasm-rs `{b}`");
        }
    }
    if let Some(f) = seq.same_as {
        assert_eq!(
            jit,
            jitasm_bytes(f),
            "{}: jitasm's dynamic output is not its static output",
            seq.name
        );
    }
}

fn bench(c: &mut Criterion) {
    for seq in &SEQUENCES {
        check(seq);
    }
    for seq in &SEQUENCES {
        let mut g = c.benchmark_group(format!("dynasm/{}", seq.name));
        g.throughput(Throughput::Elements(seq.insns as u64));
        let f = seq.jitasm;
        g.bench_function("jitasm", |b| {
            let mut ops = Jit::new(0);
            b.iter(|| {
                f(&mut ops);
                let n = ops.offset().0;
                ops.resolve().expect("jitasm");
                ops.clear();
                black_box(n)
            })
        });
        let f = seq.dynasmrs;
        g.bench_function("dynasm-rs", |b| {
            let mut ops = Drs::new(0);
            b.iter(|| {
                f(&mut ops);
                let n = ops.offset().0;
                drop(ops.drain().expect("dynasm-rs"));
                black_box(n)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
