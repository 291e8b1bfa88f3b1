//! AArch64 emission, issue 8: one sequence of 520 general-purpose A64
//! instructions through every jitasm front end and through dynasm-rs 5.1 in
//! the same run.
//!
//! The sequence is a block of 260 instruction lines (written for this
//! benchmark) emitted [`REPS`] times per iteration: add/sub with immediates
//! (`lsl #12`), shifted and extended registers, adds/subs/adc/sbc,
//! cmp/cmn/neg; and/orr/eor/ands/tst/bic/orn/eon/mvn with bitmask
//! immediates and shifted registers; movz/movn/movk and `mov` of wide
//! immediates, registers and `sp`; bitfield moves (ubfx, sbfx, bfi, bfxil,
//! ubfiz, sbfiz, the immediate shifts, sxt*/uxt*, ubfm/sbfm/bfm), extr and
//! the register shifts; csel/csinc/csinv/csneg/cset/csetm/cinc/cinv/cneg,
//! ccmp/ccmn; madd/msub/mul/mneg, the long multiplies, smulh/umulh,
//! udiv/sdiv; rev/rev16/rev32/rbit/clz/cls; loads and stores of every size
//! and sign with unsigned, unscaled, pre-index, post-index and register
//! offsets (`lsl`, `uxtw`, `sxtw`, `sxtx`), ldp/stp/ldpsw with offset,
//! pre- and post-index; ldxr/stxr/ldaxr/stlxr/ldxp/stlxp, ldar/stlr and
//! their byte and halfword forms; the LSE atomics (ldadd and its
//! a/l/al/b/h forms, ldclr, ldset, ldeor, ldsmax, ldumin, swp, cas, casp,
//! stadd, stclr, stset, steor, stsmax); crc32b/h/w/x and crc32cb/h/w/x.
//!
//! Front ends, each a criterion function of group `a64`, one element per
//! instruction:
//!
//! * `jitasm_dynasm_static` / `dynasmrs_static`: the block written once as
//!   a `macro_rules!` body and expanded by both `jitasm::dynasm!` and
//!   `dynasm::dynasm!` with `.arch aarch64`, so both see identical text;
//! * `jitasm_dynasm_dynamic` / `dynasmrs_dynamic`: the same block with
//!   every register a Rust value read through `black_box` at each
//!   repetition (`X(n)`, `W(n)`, and `XSP(n)`/`WSP(n)` where the operand
//!   can be the stack pointer: dynasm-rs 5.1 accepts only those families
//!   there; jitasm accepts the same text); immediates stay literal;
//! * `jitasm_builder`: the typed builder (`jitasm::a64::builder`), every
//!   register read through `black_box` at each repetition;
//! * `jitasm_text`: `jitasm::assemble_into` of the block's text (GNU
//!   syntax), which is the static macro body turned into a string by
//!   `stringify!` (spacing normalized outside the timing).
//!
//! Every iteration emits into a reused assembler (jitasm's
//! `VecAssembler<Aarch64>`: `resolve` + `clear`; dynasm-rs's
//! `VecAssembler<Aarch64Relocation>`: `drain`).
//!
//! Before measuring, the setup emits the sequence once with each front end
//! and checks it: the four jitasm front ends must give the same bytes;
//! dynasm-rs's static and dynamic outputs are compared with jitasm's word
//! by word (A64 instructions are 4-byte words), and each differing word is
//! printed with llvm-mc's word for the source line and both words
//! disassembled, to say which library is right; jitasm's words are also
//! compared with llvm-mc's for every line. The llvm-mc check
//! (`llvm-mc-19 -triple=aarch64 -mattr=+v8.6a,+lse,+crc`) is skipped with a
//! message when `llvm-mc-19` is not installed. Bytes emitted per library
//! are printed.
//!
//! Where the two macros differ, the block uses the spelling both take:
//!
//! * `mov` only of registers, `sp` and immediates a single `movz` gives:
//!   dynasm-rs 5.1 rejects `mov x0, #-1` and `mov x0, #0x5555555555555555`
//!   (it spells those aliases `mov.inverted`, `mov.logical`, which jitasm
//!   reads too but llvm-mc, which checks the block, does not), so they are
//!   written `movn` and `orr` here;
//! * `mvn w11, w12, asr #3`: dynasm-rs rejects `mvn` with `ror`, which the
//!   architecture (ORN, shifted register) and llvm-mc allow;
//! * in the dynamic block, `XSP(n)`/`WSP(n)` for every operand that may be
//!   the stack pointer (memory bases; `add`/`sub` with an immediate or an
//!   extended register; the first source of `adds`/`subs`/`cmp`/`cmn` in
//!   those forms; the destination of `and`/`orr`/`eor` with an immediate;
//!   `mov` to or from `sp`): dynasm-rs matches no `X(n)` there;
//! * `casp X(n0), xzr, X(n2), xzr, [XSP(n4)]` in the dynamic block: the
//!   only way dynasm-rs takes a pair from Rust values (the `xzr` after a
//!   family meaning the next register), which jitasm's macro reads the
//!   same way.
//!
//! ```text
//! cargo bench -p jitasm-bench --bench a64 -- --warm-up-time 1 --measurement-time 2
//! ```

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dynasmrt::DynasmApi;
use jitasm::a64::builder::{
    lsl, mem, post, pre, prelude::*, regs, Builder, Cond, Extend, Sp, W, X,
};
use jitasm::a64::{EncodeError, ModKind};
use jitasm::{isa::Aarch64, Arch, AsmOptions, Syntax};
use std::hint::black_box;
use std::process::{Command, Stdio};

/// jitasm's assembler into a vector.
type Jit = jitasm::VecAssembler<Aarch64>;
/// dynasm-rs's assembler into a vector.
type Drs = dynasmrt::VecAssembler<dynasmrt::aarch64::Aarch64Relocation>;

/// Repetitions of the block per iteration.
const REPS: usize = 2;
/// Instructions in the block.
const LINES: usize = 260;
/// Instructions per iteration.
const INSNS: usize = LINES * REPS;

/// The register numbers of the dynamic block, `n0` is register 0…, `n31`
/// the zero register or the stack pointer by family.
const REGS: [u8; 32] = {
    let mut r = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        r[i] = i as u8;
        i += 1;
    }
    r
};

/// The static block: `$cb!(args… ; line ; line …)`.
macro_rules! a64_static {
    ($cb:ident!($($a:tt)*)) => {
        $cb!($($a)*
            // add/sub: immediate (lsl #12), shifted register, extended register; flags; aliases
            ; add x0, x1, #1
            ; add w2, w3, #4095
            ; add x4, x5, #1, lsl #12
            ; add sp, sp, #32
            ; add x6, sp, #16
            ; sub x7, x8, #255
            ; sub w9, w10, #3, lsl #12
            ; sub sp, sp, #64
            ; add x11, x12, x13
            ; add w14, w15, w16, lsl #3
            ; add x17, x19, x20, lsr #7
            ; sub x21, x22, x23, asr #63
            ; sub w24, w25, w26
            ; add x27, x28, w29, uxtw
            ; add x0, sp, w1, uxtw #2
            ; add x2, x3, w4, sxtw #3
            ; sub x5, x6, x7, sxtx
            ; add w8, w9, w10, uxtb
            ; sub x11, x12, w13, uxth #1
            ; add x14, x15, x16, uxtx #4
            ; adds x0, x1, #8
            ; adds w2, w3, w4
            ; subs x5, x6, #1
            ; subs w7, w8, w9, lsl #2
            ; subs x10, x11, w12, sxtw
            ; adc x13, x14, x15
            ; sbc w16, w17, w19
            ; adcs x20, x21, x22
            ; cmp x0, #42
            ; cmp w1, #1, lsl #12
            ; cmp w1, w2
            ; cmp x3, x4, lsl #1
            ; cmp x5, w6, uxtw
            ; cmn x7, #1
            ; cmn w8, w9
            ; neg x10, x11
            ; neg w12, w13, lsl #4
            ; negs x14, x15
            // logical: bitmask immediates, shifted registers
            ; and x0, x1, #0xff
            ; and w2, w3, #0x7ffffffe
            ; orr x4, x5, #0x5555555555555555
            ; eor w6, w7, #0x80000000
            ; ands x8, x9, #0xfffffffffffffff0
            ; ands w10, w11, #1
            ; tst x12, #0x8000000000000000
            ; tst w13, #0x3
            ; orr x17, x19, #0xffff0000ffff0000
            ; eor x20, x21, #0x0f0f0f0f0f0f0f0f
            ; and sp, x1, #0xfffffffffffffff0
            ; and x14, x15, x16
            ; orr w17, w19, w20, lsl #5
            ; eor x21, x22, x23, ror #13
            ; ands w24, w25, w26, asr #2
            ; bic x27, x28, x29
            ; orn w0, w1, w2, lsr #1
            ; eon x3, x4, x5
            ; bics x6, x7, x8, lsl #60
            ; mvn x9, x10
            ; mvn w11, w12, asr #3
            ; tst x13, x14
            ; tst w15, w16, lsl #4
            // moves: wide immediates, registers
            ; movz x0, #0x1234
            ; movz x1, #0x5678, lsl #16
            ; movz w2, #0xffff, lsl #16
            ; movn x3, #0
            ; movn w4, #0x1234, lsl #16
            ; movk x5, #0xbeef, lsl #48
            ; movk w6, #0xcafe
            ; movk x7, #1, lsl #32
            ; mov x8, #0x12340000
            ; mov w9, #65535
            ; mov x16, #0xabcd00000000
            ; mov x10, x11
            ; mov w12, w13
            ; mov sp, x14
            ; mov x15, sp
            // bitfield, extract, shifts
            ; ubfx x0, x1, #4, #8
            ; ubfx w2, w3, #0, #16
            ; sbfx x4, x5, #32, #32
            ; sbfx w6, w7, #3, #5
            ; bfi x8, x9, #16, #16
            ; bfi w10, w11, #1, #30
            ; bfxil x12, x13, #8, #24
            ; bfxil w14, w15, #0, #1
            ; ubfiz x16, x17, #3, #29
            ; sbfiz w19, w20, #2, #10
            ; lsl x21, x22, #3
            ; lsl w23, w24, #31
            ; lsr x25, x26, #63
            ; lsr w27, w28, #1
            ; asr x29, x30, #17
            ; asr w0, w1, #31
            ; ror x2, x3, #19
            ; ror w4, w5, #7
            ; extr x6, x7, x8, #41
            ; extr w9, w10, w11, #5
            ; sxtb x12, w13
            ; sxth w14, w15
            ; sxtw x16, w17
            ; uxtb w19, w20
            ; uxth w21, w22
            ; ubfm x23, x24, #4, #11
            ; sbfm w25, w26, #0, #7
            ; bfm x27, x28, #60, #3
            ; lsl x0, x1, x2
            ; lsr w3, w4, w5
            ; asr x6, x7, x8
            ; ror w9, w10, w11
            ; lslv x12, x13, x14
            ; rorv x15, x16, x17
            // conditional select and compare
            ; csel x0, x1, x2, eq
            ; csel w3, w4, w5, ne
            ; csinc x6, x7, x8, lt
            ; csinv w9, w10, w11, ge
            ; csneg x12, x13, x14, hi
            ; cset x15, ls
            ; cset w16, mi
            ; csetm x17, vs
            ; cinc w19, w20, lo
            ; cinv x21, x22, gt
            ; cneg w23, w24, le
            ; ccmp x25, x26, #4, ne
            ; ccmp w27, #31, #0, hs
            ; ccmn x28, #5, #15, lo
            ; ccmn w29, w30, #2, pl
            // multiply and divide
            ; madd x0, x1, x2, x3
            ; madd w4, w5, w6, w7
            ; msub x8, x9, x10, x11
            ; mul x12, x13, x14
            ; mul w15, w16, w17
            ; mneg x19, x20, x21
            ; smull x22, w23, w24
            ; umull x25, w26, w27
            ; smaddl x28, w29, w30, x0
            ; umsubl x1, w2, w3, x4
            ; smulh x5, x6, x7
            ; umulh x8, x9, x10
            ; udiv x11, x12, x13
            ; sdiv w14, w15, w16
            // bit and byte reversal, counts
            ; rev x0, x1
            ; rev w2, w3
            ; rev16 x4, x5
            ; rev32 x6, x7
            ; rbit x8, x9
            ; rbit w10, w11
            ; clz x12, x13
            ; clz w14, w15
            ; cls x16, x17
            ; cls w19, w20
            // loads and stores: unsigned offset
            ; ldr x0, [x1]
            ; ldr x2, [x3, #8]
            ; ldr w4, [sp, #16380]
            ; ldr x5, [x6, #32760]
            ; str x7, [sp, #24]
            ; str w8, [x9, #4]
            ; ldrb w10, [x11, #4095]
            ; ldrh w12, [x13, #2]
            ; ldrsb x14, [x15, #1]
            ; ldrsb w16, [x17]
            ; ldrsh x19, [x20, #6]
            ; ldrsh w21, [x22, #8190]
            ; ldrsw x21, [x22, #12]
            ; strb w23, [x24, #3]
            ; strh w25, [x26, #8190]
            // unscaled
            ; ldur x27, [x28, #-8]
            ; ldur w29, [x30, #3]
            ; stur x0, [sp, #-256]
            ; sturb w1, [x2, #255]
            ; sturh w3, [x4, #-1]
            ; ldursw x3, [x4, #-4]
            ; ldurh w5, [x6, #1]
            ; ldursb x7, [x8, #-7]
            // pre-index
            ; ldr x7, [x8, #16]!
            ; ldr w9, [sp, #-4]!
            ; str x10, [sp, #-16]!
            ; strb w11, [x12, #1]!
            ; ldrsh x13, [x14, #-2]!
            // post-index
            ; ldr x13, [x14], #8
            ; ldr w15, [x16], #-4
            ; str x17, [x19], #16
            ; ldrh w20, [x21], #2
            ; ldrsw x22, [x23], #4
            ; strh w24, [x25], #-256
            // register offset
            ; ldr x24, [x25, x26]
            ; ldr x27, [x28, x29, lsl #3]
            ; ldr w0, [x1, w2, uxtw]
            ; ldr w3, [x4, w5, uxtw #2]
            ; ldr x6, [x7, w8, sxtw #3]
            ; ldr x9, [x10, x11, sxtx]
            ; str x12, [x13, x14, lsl #3]
            ; str w15, [sp, w16, sxtw]
            ; ldrb w17, [x19, x20]
            ; ldrb w21, [x22, w23, uxtw]
            ; ldrh w24, [x25, x26, lsl #1]
            ; ldrsh x27, [x28, w29, sxtw #1]
            ; strh w0, [x1, x2]
            ; ldrsw x3, [x4, x5, lsl #2]
            ; strb w6, [x7, x8, lsl #0]
            // pairs: offset, pre-index, post-index
            ; ldp x6, x7, [x8]
            ; ldp x9, x10, [sp, #16]
            ; ldp w11, w12, [x13, #-8]
            ; stp x14, x15, [sp, #-16]!
            ; ldp x16, x17, [sp], #16
            ; stp w19, w20, [x21, #248]!
            ; ldp w22, w23, [x24], #-256
            ; stp x25, x26, [x27, #504]
            ; stp x29, x30, [sp, #-512]!
            ; ldpsw x28, x29, [x30, #8]
            ; ldpsw x0, x1, [x2], #-8
            // exclusive, acquire and release
            ; ldxr x0, [x1]
            ; ldxr w2, [x3]
            ; stxr w4, x5, [x6]
            ; stxr w7, w8, [sp]
            ; ldaxr x9, [x10]
            ; stlxr w11, x12, [x13]
            ; ldxp x14, x15, [x16]
            ; stlxp w17, x19, x20, [x21]
            ; ldar x22, [x23]
            ; ldar w24, [x25]
            ; stlr x26, [x27]
            ; stlr w28, [x29]
            ; ldarb w30, [x0]
            ; stlrh w1, [x2]
            ; ldaxrb w3, [x4]
            ; stxrh w5, w6, [x7]
            ; stlrb w8, [x9]
            // LSE atomics
            ; ldadd x0, x1, [x2]
            ; ldadd w3, w4, [sp]
            ; ldaddal x5, x6, [x7]
            ; ldaddl w8, w9, [x10]
            ; ldadda x11, x12, [x13]
            ; ldaddb w14, w15, [x16]
            ; ldaddalh w17, w19, [x20]
            ; ldclr x21, x22, [x23]
            ; ldset w24, w25, [x26]
            ; ldeor x27, x28, [x29]
            ; ldsmax x30, x0, [x1]
            ; ldumin w2, w3, [x4]
            ; swp x5, x6, [x7]
            ; swpal w8, w9, [x10]
            ; swpb w11, w12, [x13]
            ; cas x14, x15, [x16]
            ; casal w17, w19, [x20]
            ; casa x21, x22, [x23]
            ; caslb w24, w25, [x26]
            ; casp x0, x1, x2, x3, [x4]
            ; stadd x27, [x28]
            ; staddl w29, [x30]
            ; stclr x0, [x1]
            ; stset w2, [x3]
            ; steorl x4, [x5]
            ; stsmax w6, [x7]
            // CRC32
            ; crc32b w0, w1, w2
            ; crc32h w3, w4, w5
            ; crc32w w6, w7, w8
            ; crc32x w9, w10, x11
            ; crc32cb w12, w13, w14
            ; crc32ch w15, w16, w17
            ; crc32cw w19, w20, w21
            ; crc32cx w22, w23, x24
        )
    };
}

/// The static block with every register a Rust value (`n0`…`n31`, read
/// through `black_box`); `XSP`/`WSP` where the operand may be the stack
/// pointer.
macro_rules! a64_dynamic {
    ($cb:ident!($($a:tt)*)) => {{
        let [n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, _n18, n19, n20, n21, n22, n23, n24, n25, n26, n27, n28, n29, n30, n31] = *black_box(&REGS);
        $cb!($($a)*
            // add/sub: immediate (lsl #12), shifted register, extended register; flags; aliases
            ; add XSP(n0), XSP(n1), #1
            ; add WSP(n2), WSP(n3), #4095
            ; add XSP(n4), XSP(n5), #1, lsl #12
            ; add XSP(n31), XSP(n31), #32
            ; add XSP(n6), XSP(n31), #16
            ; sub XSP(n7), XSP(n8), #255
            ; sub WSP(n9), WSP(n10), #3, lsl #12
            ; sub XSP(n31), XSP(n31), #64
            ; add X(n11), X(n12), X(n13)
            ; add W(n14), W(n15), W(n16), lsl #3
            ; add X(n17), X(n19), X(n20), lsr #7
            ; sub X(n21), X(n22), X(n23), asr #63
            ; sub W(n24), W(n25), W(n26)
            ; add XSP(n27), XSP(n28), W(n29), uxtw
            ; add XSP(n0), XSP(n31), W(n1), uxtw #2
            ; add XSP(n2), XSP(n3), W(n4), sxtw #3
            ; sub XSP(n5), XSP(n6), X(n7), sxtx
            ; add WSP(n8), WSP(n9), W(n10), uxtb
            ; sub XSP(n11), XSP(n12), W(n13), uxth #1
            ; add XSP(n14), XSP(n15), X(n16), uxtx #4
            ; adds X(n0), XSP(n1), #8
            ; adds W(n2), W(n3), W(n4)
            ; subs X(n5), XSP(n6), #1
            ; subs W(n7), W(n8), W(n9), lsl #2
            ; subs X(n10), XSP(n11), W(n12), sxtw
            ; adc X(n13), X(n14), X(n15)
            ; sbc W(n16), W(n17), W(n19)
            ; adcs X(n20), X(n21), X(n22)
            ; cmp XSP(n0), #42
            ; cmp WSP(n1), #1, lsl #12
            ; cmp W(n1), W(n2)
            ; cmp X(n3), X(n4), lsl #1
            ; cmp XSP(n5), W(n6), uxtw
            ; cmn XSP(n7), #1
            ; cmn W(n8), W(n9)
            ; neg X(n10), X(n11)
            ; neg W(n12), W(n13), lsl #4
            ; negs X(n14), X(n15)
            // logical: bitmask immediates, shifted registers
            ; and XSP(n0), X(n1), #0xff
            ; and WSP(n2), W(n3), #0x7ffffffe
            ; orr XSP(n4), X(n5), #0x5555555555555555
            ; eor WSP(n6), W(n7), #0x80000000
            ; ands X(n8), X(n9), #0xfffffffffffffff0
            ; ands W(n10), W(n11), #1
            ; tst X(n12), #0x8000000000000000
            ; tst W(n13), #0x3
            ; orr XSP(n17), X(n19), #0xffff0000ffff0000
            ; eor XSP(n20), X(n21), #0x0f0f0f0f0f0f0f0f
            ; and XSP(n31), X(n1), #0xfffffffffffffff0
            ; and X(n14), X(n15), X(n16)
            ; orr W(n17), W(n19), W(n20), lsl #5
            ; eor X(n21), X(n22), X(n23), ror #13
            ; ands W(n24), W(n25), W(n26), asr #2
            ; bic X(n27), X(n28), X(n29)
            ; orn W(n0), W(n1), W(n2), lsr #1
            ; eon X(n3), X(n4), X(n5)
            ; bics X(n6), X(n7), X(n8), lsl #60
            ; mvn X(n9), X(n10)
            ; mvn W(n11), W(n12), asr #3
            ; tst X(n13), X(n14)
            ; tst W(n15), W(n16), lsl #4
            // moves: wide immediates, registers
            ; movz X(n0), #0x1234
            ; movz X(n1), #0x5678, lsl #16
            ; movz W(n2), #0xffff, lsl #16
            ; movn X(n3), #0
            ; movn W(n4), #0x1234, lsl #16
            ; movk X(n5), #0xbeef, lsl #48
            ; movk W(n6), #0xcafe
            ; movk X(n7), #1, lsl #32
            ; mov X(n8), #0x12340000
            ; mov W(n9), #65535
            ; mov X(n16), #0xabcd00000000
            ; mov X(n10), X(n11)
            ; mov W(n12), W(n13)
            ; mov XSP(n31), XSP(n14)
            ; mov XSP(n15), XSP(n31)
            // bitfield, extract, shifts
            ; ubfx X(n0), X(n1), #4, #8
            ; ubfx W(n2), W(n3), #0, #16
            ; sbfx X(n4), X(n5), #32, #32
            ; sbfx W(n6), W(n7), #3, #5
            ; bfi X(n8), X(n9), #16, #16
            ; bfi W(n10), W(n11), #1, #30
            ; bfxil X(n12), X(n13), #8, #24
            ; bfxil W(n14), W(n15), #0, #1
            ; ubfiz X(n16), X(n17), #3, #29
            ; sbfiz W(n19), W(n20), #2, #10
            ; lsl X(n21), X(n22), #3
            ; lsl W(n23), W(n24), #31
            ; lsr X(n25), X(n26), #63
            ; lsr W(n27), W(n28), #1
            ; asr X(n29), X(n30), #17
            ; asr W(n0), W(n1), #31
            ; ror X(n2), X(n3), #19
            ; ror W(n4), W(n5), #7
            ; extr X(n6), X(n7), X(n8), #41
            ; extr W(n9), W(n10), W(n11), #5
            ; sxtb X(n12), W(n13)
            ; sxth W(n14), W(n15)
            ; sxtw X(n16), W(n17)
            ; uxtb W(n19), W(n20)
            ; uxth W(n21), W(n22)
            ; ubfm X(n23), X(n24), #4, #11
            ; sbfm W(n25), W(n26), #0, #7
            ; bfm X(n27), X(n28), #60, #3
            ; lsl X(n0), X(n1), X(n2)
            ; lsr W(n3), W(n4), W(n5)
            ; asr X(n6), X(n7), X(n8)
            ; ror W(n9), W(n10), W(n11)
            ; lslv X(n12), X(n13), X(n14)
            ; rorv X(n15), X(n16), X(n17)
            // conditional select and compare
            ; csel X(n0), X(n1), X(n2), eq
            ; csel W(n3), W(n4), W(n5), ne
            ; csinc X(n6), X(n7), X(n8), lt
            ; csinv W(n9), W(n10), W(n11), ge
            ; csneg X(n12), X(n13), X(n14), hi
            ; cset X(n15), ls
            ; cset W(n16), mi
            ; csetm X(n17), vs
            ; cinc W(n19), W(n20), lo
            ; cinv X(n21), X(n22), gt
            ; cneg W(n23), W(n24), le
            ; ccmp X(n25), X(n26), #4, ne
            ; ccmp W(n27), #31, #0, hs
            ; ccmn X(n28), #5, #15, lo
            ; ccmn W(n29), W(n30), #2, pl
            // multiply and divide
            ; madd X(n0), X(n1), X(n2), X(n3)
            ; madd W(n4), W(n5), W(n6), W(n7)
            ; msub X(n8), X(n9), X(n10), X(n11)
            ; mul X(n12), X(n13), X(n14)
            ; mul W(n15), W(n16), W(n17)
            ; mneg X(n19), X(n20), X(n21)
            ; smull X(n22), W(n23), W(n24)
            ; umull X(n25), W(n26), W(n27)
            ; smaddl X(n28), W(n29), W(n30), X(n0)
            ; umsubl X(n1), W(n2), W(n3), X(n4)
            ; smulh X(n5), X(n6), X(n7)
            ; umulh X(n8), X(n9), X(n10)
            ; udiv X(n11), X(n12), X(n13)
            ; sdiv W(n14), W(n15), W(n16)
            // bit and byte reversal, counts
            ; rev X(n0), X(n1)
            ; rev W(n2), W(n3)
            ; rev16 X(n4), X(n5)
            ; rev32 X(n6), X(n7)
            ; rbit X(n8), X(n9)
            ; rbit W(n10), W(n11)
            ; clz X(n12), X(n13)
            ; clz W(n14), W(n15)
            ; cls X(n16), X(n17)
            ; cls W(n19), W(n20)
            // loads and stores: unsigned offset
            ; ldr X(n0), [XSP(n1)]
            ; ldr X(n2), [XSP(n3), #8]
            ; ldr W(n4), [XSP(n31), #16380]
            ; ldr X(n5), [XSP(n6), #32760]
            ; str X(n7), [XSP(n31), #24]
            ; str W(n8), [XSP(n9), #4]
            ; ldrb W(n10), [XSP(n11), #4095]
            ; ldrh W(n12), [XSP(n13), #2]
            ; ldrsb X(n14), [XSP(n15), #1]
            ; ldrsb W(n16), [XSP(n17)]
            ; ldrsh X(n19), [XSP(n20), #6]
            ; ldrsh W(n21), [XSP(n22), #8190]
            ; ldrsw X(n21), [XSP(n22), #12]
            ; strb W(n23), [XSP(n24), #3]
            ; strh W(n25), [XSP(n26), #8190]
            // unscaled
            ; ldur X(n27), [XSP(n28), #-8]
            ; ldur W(n29), [XSP(n30), #3]
            ; stur X(n0), [XSP(n31), #-256]
            ; sturb W(n1), [XSP(n2), #255]
            ; sturh W(n3), [XSP(n4), #-1]
            ; ldursw X(n3), [XSP(n4), #-4]
            ; ldurh W(n5), [XSP(n6), #1]
            ; ldursb X(n7), [XSP(n8), #-7]
            // pre-index
            ; ldr X(n7), [XSP(n8), #16]!
            ; ldr W(n9), [XSP(n31), #-4]!
            ; str X(n10), [XSP(n31), #-16]!
            ; strb W(n11), [XSP(n12), #1]!
            ; ldrsh X(n13), [XSP(n14), #-2]!
            // post-index
            ; ldr X(n13), [XSP(n14)], #8
            ; ldr W(n15), [XSP(n16)], #-4
            ; str X(n17), [XSP(n19)], #16
            ; ldrh W(n20), [XSP(n21)], #2
            ; ldrsw X(n22), [XSP(n23)], #4
            ; strh W(n24), [XSP(n25)], #-256
            // register offset
            ; ldr X(n24), [XSP(n25), X(n26)]
            ; ldr X(n27), [XSP(n28), X(n29), lsl #3]
            ; ldr W(n0), [XSP(n1), W(n2), uxtw]
            ; ldr W(n3), [XSP(n4), W(n5), uxtw #2]
            ; ldr X(n6), [XSP(n7), W(n8), sxtw #3]
            ; ldr X(n9), [XSP(n10), X(n11), sxtx]
            ; str X(n12), [XSP(n13), X(n14), lsl #3]
            ; str W(n15), [XSP(n31), W(n16), sxtw]
            ; ldrb W(n17), [XSP(n19), X(n20)]
            ; ldrb W(n21), [XSP(n22), W(n23), uxtw]
            ; ldrh W(n24), [XSP(n25), X(n26), lsl #1]
            ; ldrsh X(n27), [XSP(n28), W(n29), sxtw #1]
            ; strh W(n0), [XSP(n1), X(n2)]
            ; ldrsw X(n3), [XSP(n4), X(n5), lsl #2]
            ; strb W(n6), [XSP(n7), X(n8), lsl #0]
            // pairs: offset, pre-index, post-index
            ; ldp X(n6), X(n7), [XSP(n8)]
            ; ldp X(n9), X(n10), [XSP(n31), #16]
            ; ldp W(n11), W(n12), [XSP(n13), #-8]
            ; stp X(n14), X(n15), [XSP(n31), #-16]!
            ; ldp X(n16), X(n17), [XSP(n31)], #16
            ; stp W(n19), W(n20), [XSP(n21), #248]!
            ; ldp W(n22), W(n23), [XSP(n24)], #-256
            ; stp X(n25), X(n26), [XSP(n27), #504]
            ; stp X(n29), X(n30), [XSP(n31), #-512]!
            ; ldpsw X(n28), X(n29), [XSP(n30), #8]
            ; ldpsw X(n0), X(n1), [XSP(n2)], #-8
            // exclusive, acquire and release
            ; ldxr X(n0), [XSP(n1)]
            ; ldxr W(n2), [XSP(n3)]
            ; stxr W(n4), X(n5), [XSP(n6)]
            ; stxr W(n7), W(n8), [XSP(n31)]
            ; ldaxr X(n9), [XSP(n10)]
            ; stlxr W(n11), X(n12), [XSP(n13)]
            ; ldxp X(n14), X(n15), [XSP(n16)]
            ; stlxp W(n17), X(n19), X(n20), [XSP(n21)]
            ; ldar X(n22), [XSP(n23)]
            ; ldar W(n24), [XSP(n25)]
            ; stlr X(n26), [XSP(n27)]
            ; stlr W(n28), [XSP(n29)]
            ; ldarb W(n30), [XSP(n0)]
            ; stlrh W(n1), [XSP(n2)]
            ; ldaxrb W(n3), [XSP(n4)]
            ; stxrh W(n5), W(n6), [XSP(n7)]
            ; stlrb W(n8), [XSP(n9)]
            // LSE atomics
            ; ldadd X(n0), X(n1), [XSP(n2)]
            ; ldadd W(n3), W(n4), [XSP(n31)]
            ; ldaddal X(n5), X(n6), [XSP(n7)]
            ; ldaddl W(n8), W(n9), [XSP(n10)]
            ; ldadda X(n11), X(n12), [XSP(n13)]
            ; ldaddb W(n14), W(n15), [XSP(n16)]
            ; ldaddalh W(n17), W(n19), [XSP(n20)]
            ; ldclr X(n21), X(n22), [XSP(n23)]
            ; ldset W(n24), W(n25), [XSP(n26)]
            ; ldeor X(n27), X(n28), [XSP(n29)]
            ; ldsmax X(n30), X(n0), [XSP(n1)]
            ; ldumin W(n2), W(n3), [XSP(n4)]
            ; swp X(n5), X(n6), [XSP(n7)]
            ; swpal W(n8), W(n9), [XSP(n10)]
            ; swpb W(n11), W(n12), [XSP(n13)]
            ; cas X(n14), X(n15), [XSP(n16)]
            ; casal W(n17), W(n19), [XSP(n20)]
            ; casa X(n21), X(n22), [XSP(n23)]
            ; caslb W(n24), W(n25), [XSP(n26)]
            ; casp X(n0), xzr, X(n2), xzr, [XSP(n4)]
            ; stadd X(n27), [XSP(n28)]
            ; staddl W(n29), [XSP(n30)]
            ; stclr X(n0), [XSP(n1)]
            ; stset W(n2), [XSP(n3)]
            ; steorl X(n4), [XSP(n5)]
            ; stsmax W(n6), [XSP(n7)]
            // CRC32
            ; crc32b W(n0), W(n1), W(n2)
            ; crc32h W(n3), W(n4), W(n5)
            ; crc32w W(n6), W(n7), W(n8)
            ; crc32x W(n9), W(n10), X(n11)
            ; crc32cb W(n12), W(n13), W(n14)
            ; crc32ch W(n15), W(n16), W(n17)
            ; crc32cw W(n19), W(n20), W(n21)
            ; crc32cx W(n22), W(n23), X(n24)
        )
    }};
}

/// `$k::dynasm!` of a block, `$k` being `jitasm` or `dynasm`.
macro_rules! emit {
    ($k:ident, $ops:ident $($body:tt)*) => {
        $k::dynasm!($ops ; .arch aarch64 $($body)*)
    };
}

/// A block's text as `stringify!` gives it.
macro_rules! text {
    ($($body:tt)*) => {
        stringify!($($body)*)
    };
}

#[inline(never)]
fn jitasm_static(ops: &mut Jit) {
    for _ in 0..REPS {
        a64_static!(emit!(jitasm, ops));
    }
}

#[inline(never)]
fn dynasmrs_static(ops: &mut Drs) {
    for _ in 0..REPS {
        a64_static!(emit!(dynasm, ops));
    }
}

#[inline(never)]
fn jitasm_dynamic(ops: &mut Jit) {
    for _ in 0..REPS {
        a64_dynamic!(emit!(jitasm, ops));
    }
}

#[inline(never)]
fn dynasmrs_dynamic(ops: &mut Drs) {
    for _ in 0..REPS {
        a64_dynamic!(emit!(dynasm, ops));
    }
}

/// The general registers, read through `black_box` by the builder.
const XS: [X; 32] = {
    let mut r = [regs::xzr; 32];
    let mut i = 0;
    while i < 32 {
        r[i] = match X::new(i as u8) {
            Some(r) => r,
            None => panic!("a register number"),
        };
        i += 1;
    }
    r
};
const WS: [W; 32] = {
    let mut r = [regs::wzr; 32];
    let mut i = 0;
    while i < 32 {
        r[i] = match W::new(i as u8) {
            Some(r) => r,
            None => panic!("a register number"),
        };
        i += 1;
    }
    r
};

/// An extend written without an amount (`uxtw`, not `uxtw #0`).
fn ext(kind: ModKind) -> Extend {
    Extend::new(kind, None)
}

#[inline(never)]
fn jitasm_builder(ops: &mut Jit) {
    for _ in 0..REPS {
        builder_block(ops).expect("builder");
    }
}

/// The block through the typed builder.
#[inline(always)]
fn builder_block(ops: &mut Jit) -> Result<(), EncodeError> {
    let [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, _x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30, _xzr] =
        *black_box(&XS);
    let [w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15, w16, w17, _w18, w19, w20, w21, w22, w23, w24, w25, w26, w27, w28, w29, w30, _wzr] =
        *black_box(&WS);
    let sp: Sp = *black_box(&regs::sp);
    let mut b = Builder::new(ops);
    // add/sub: immediate (lsl #12), shifted register, extended register; flags; aliases
    b.add(x0, x1, 1)?;
    b.add(w2, w3, 4095)?;
    b.add(x4, x5, (1, lsl(12)))?;
    b.add(sp, sp, 32)?;
    b.add(x6, sp, 16)?;
    b.sub(x7, x8, 255)?;
    b.sub(w9, w10, (3, lsl(12)))?;
    b.sub(sp, sp, 64)?;
    b.add(x11, x12, x13)?;
    b.add(w14, w15, w16.lsl(3))?;
    b.add(x17, x19, x20.lsr(7))?;
    b.sub(x21, x22, x23.asr(63))?;
    b.sub(w24, w25, w26)?;
    b.add(x27, x28, (w29, ext(ModKind::Uxtw)))?;
    b.add(x0, sp, w1.uxtw(2))?;
    b.add(x2, x3, w4.sxtw(3))?;
    b.sub(x5, x6, (x7, ext(ModKind::Sxtx)))?;
    b.add(w8, w9, (w10, ext(ModKind::Uxtb)))?;
    b.sub(x11, x12, w13.uxth(1))?;
    b.add(x14, x15, x16.uxtx(4))?;
    b.adds(x0, x1, 8)?;
    b.adds(w2, w3, w4)?;
    b.subs(x5, x6, 1)?;
    b.subs(w7, w8, w9.lsl(2))?;
    b.subs(x10, x11, (w12, ext(ModKind::Sxtw)))?;
    b.adc(x13, x14, x15)?;
    b.sbc(w16, w17, w19)?;
    b.adcs(x20, x21, x22)?;
    b.cmp(x0, 42)?;
    b.cmp(w1, (1, lsl(12)))?;
    b.cmp(w1, w2)?;
    b.cmp(x3, x4.lsl(1))?;
    b.cmp(x5, (w6, ext(ModKind::Uxtw)))?;
    b.cmn(x7, 1)?;
    b.cmn(w8, w9)?;
    b.neg(x10, x11)?;
    b.neg(w12, w13.lsl(4))?;
    b.negs(x14, x15)?;
    // logical: bitmask immediates, shifted registers
    b.and(x0, x1, 0xff)?;
    b.and(w2, w3, 0x7ffffffe)?;
    b.orr(x4, x5, 0x5555555555555555i64)?;
    b.eor(w6, w7, 0x80000000i64)?;
    b.ands(x8, x9, 0xfffffffffffffff0u64)?;
    b.ands(w10, w11, 1)?;
    b.tst(x12, 0x8000000000000000u64)?;
    b.tst(w13, 0x3)?;
    b.orr(x17, x19, 0xffff0000ffff0000u64)?;
    b.eor(x20, x21, 0x0f0f0f0f0f0f0f0fi64)?;
    b.and(sp, x1, 0xfffffffffffffff0u64)?;
    b.and(x14, x15, x16)?;
    b.orr(w17, w19, w20.lsl(5))?;
    b.eor(x21, x22, x23.ror(13))?;
    b.ands(w24, w25, w26.asr(2))?;
    b.bic(x27, x28, x29)?;
    b.orn(w0, w1, w2.lsr(1))?;
    b.eon(x3, x4, x5)?;
    b.bics(x6, x7, x8.lsl(60))?;
    b.mvn(x9, x10)?;
    b.mvn(w11, w12.asr(3))?;
    b.tst(x13, x14)?;
    b.tst(w15, w16.lsl(4))?;
    // moves: wide immediates, registers
    b.movz(x0, 0x1234)?;
    b.movz(x1, (0x5678, lsl(16)))?;
    b.movz(w2, (0xffff, lsl(16)))?;
    b.movn(x3, 0)?;
    b.movn(w4, (0x1234, lsl(16)))?;
    b.movk(x5, (0xbeef, lsl(48)))?;
    b.movk(w6, 0xcafe)?;
    b.movk(x7, (1, lsl(32)))?;
    b.mov(x8, 0x12340000)?;
    b.mov(w9, 65535)?;
    b.mov(x16, 0xabcd00000000i64)?;
    b.mov(x10, x11)?;
    b.mov(w12, w13)?;
    b.mov(sp, x14)?;
    b.mov(x15, sp)?;
    // bitfield, extract, shifts
    b.ubfx(x0, x1, 4, 8)?;
    b.ubfx(w2, w3, 0, 16)?;
    b.sbfx(x4, x5, 32, 32)?;
    b.sbfx(w6, w7, 3, 5)?;
    b.bfi(x8, x9, 16, 16)?;
    b.bfi(w10, w11, 1, 30)?;
    b.bfxil(x12, x13, 8, 24)?;
    b.bfxil(w14, w15, 0, 1)?;
    b.ubfiz(x16, x17, 3, 29)?;
    b.sbfiz(w19, w20, 2, 10)?;
    b.lsl(x21, x22, 3)?;
    b.lsl(w23, w24, 31)?;
    b.lsr(x25, x26, 63)?;
    b.lsr(w27, w28, 1)?;
    b.asr(x29, x30, 17)?;
    b.asr(w0, w1, 31)?;
    b.ror(x2, x3, 19)?;
    b.ror(w4, w5, 7)?;
    b.extr(x6, x7, x8, 41)?;
    b.extr(w9, w10, w11, 5)?;
    b.sxtb(x12, w13)?;
    b.sxth(w14, w15)?;
    b.sxtw(x16, w17)?;
    b.uxtb(w19, w20)?;
    b.uxth(w21, w22)?;
    b.ubfm(x23, x24, 4, 11)?;
    b.sbfm(w25, w26, 0, 7)?;
    b.bfm(x27, x28, 60, 3)?;
    b.lsl(x0, x1, x2)?;
    b.lsr(w3, w4, w5)?;
    b.asr(x6, x7, x8)?;
    b.ror(w9, w10, w11)?;
    b.lslv(x12, x13, x14)?;
    b.rorv(x15, x16, x17)?;
    // conditional select and compare
    b.csel(x0, x1, x2, Cond::Eq)?;
    b.csel(w3, w4, w5, Cond::Ne)?;
    b.csinc(x6, x7, x8, Cond::Lt)?;
    b.csinv(w9, w10, w11, Cond::Ge)?;
    b.csneg(x12, x13, x14, Cond::Hi)?;
    b.cset(x15, Cond::Ls)?;
    b.cset(w16, Cond::Mi)?;
    b.csetm(x17, Cond::Vs)?;
    b.cinc(w19, w20, Cond::Lo)?;
    b.cinv(x21, x22, Cond::Gt)?;
    b.cneg(w23, w24, Cond::Le)?;
    b.ccmp(x25, x26, 4, Cond::Ne)?;
    b.ccmp(w27, 31, 0, Cond::Hs)?;
    b.ccmn(x28, 5, 15, Cond::Lo)?;
    b.ccmn(w29, w30, 2, Cond::Pl)?;
    // multiply and divide
    b.madd(x0, x1, x2, x3)?;
    b.madd(w4, w5, w6, w7)?;
    b.msub(x8, x9, x10, x11)?;
    b.mul(x12, x13, x14)?;
    b.mul(w15, w16, w17)?;
    b.mneg(x19, x20, x21)?;
    b.smull(x22, w23, w24)?;
    b.umull(x25, w26, w27)?;
    b.smaddl(x28, w29, w30, x0)?;
    b.umsubl(x1, w2, w3, x4)?;
    b.smulh(x5, x6, x7)?;
    b.umulh(x8, x9, x10)?;
    b.udiv(x11, x12, x13)?;
    b.sdiv(w14, w15, w16)?;
    // bit and byte reversal, counts
    b.rev(x0, x1)?;
    b.rev(w2, w3)?;
    b.rev16(x4, x5)?;
    b.rev32(x6, x7)?;
    b.rbit(x8, x9)?;
    b.rbit(w10, w11)?;
    b.clz(x12, x13)?;
    b.clz(w14, w15)?;
    b.cls(x16, x17)?;
    b.cls(w19, w20)?;
    // loads and stores: unsigned offset
    b.ldr(x0, mem(x1))?;
    b.ldr(x2, x3 + 8)?;
    b.ldr(w4, sp + 16380)?;
    b.ldr(x5, x6 + 32760)?;
    b.str(x7, sp + 24)?;
    b.str(w8, x9 + 4)?;
    b.ldrb(w10, x11 + 4095)?;
    b.ldrh(w12, x13 + 2)?;
    b.ldrsb(x14, x15 + 1)?;
    b.ldrsb(w16, mem(x17))?;
    b.ldrsh(x19, x20 + 6)?;
    b.ldrsh(w21, x22 + 8190)?;
    b.ldrsw(x21, x22 + 12)?;
    b.strb(w23, x24 + 3)?;
    b.strh(w25, x26 + 8190)?;
    // unscaled
    b.ldur(x27, x28 - 8)?;
    b.ldur(w29, x30 + 3)?;
    b.stur(x0, sp - 256)?;
    b.sturb(w1, x2 + 255)?;
    b.sturh(w3, x4 - 1)?;
    b.ldursw(x3, x4 - 4)?;
    b.ldurh(w5, x6 + 1)?;
    b.ldursb(x7, x8 - 7)?;
    // pre-index
    b.ldr(x7, pre(x8, 16))?;
    b.ldr(w9, pre(sp, -4))?;
    b.str(x10, pre(sp, -16))?;
    b.strb(w11, pre(x12, 1))?;
    b.ldrsh(x13, pre(x14, -2))?;
    // post-index
    b.ldr(x13, post(x14, 8))?;
    b.ldr(w15, post(x16, -4))?;
    b.str(x17, post(x19, 16))?;
    b.ldrh(w20, post(x21, 2))?;
    b.ldrsw(x22, post(x23, 4))?;
    b.strh(w24, post(x25, -256))?;
    // register offset
    b.ldr(x24, x25 + x26)?;
    b.ldr(x27, x28 + x29.lsl(3))?;
    b.ldr(w0, x1 + (w2, ext(ModKind::Uxtw)))?;
    b.ldr(w3, x4 + w5.uxtw(2))?;
    b.ldr(x6, x7 + w8.sxtw(3))?;
    b.ldr(x9, x10 + (x11, ext(ModKind::Sxtx)))?;
    b.str(x12, x13 + x14.lsl(3))?;
    b.str(w15, sp + (w16, ext(ModKind::Sxtw)))?;
    b.ldrb(w17, x19 + x20)?;
    b.ldrb(w21, x22 + (w23, ext(ModKind::Uxtw)))?;
    b.ldrh(w24, x25 + x26.lsl(1))?;
    b.ldrsh(x27, x28 + w29.sxtw(1))?;
    b.strh(w0, x1 + x2)?;
    b.ldrsw(x3, x4 + x5.lsl(2))?;
    b.strb(w6, x7 + x8.lsl(0))?;
    // pairs: offset, pre-index, post-index
    b.ldp(x6, x7, mem(x8))?;
    b.ldp(x9, x10, sp + 16)?;
    b.ldp(w11, w12, x13 - 8)?;
    b.stp(x14, x15, pre(sp, -16))?;
    b.ldp(x16, x17, post(sp, 16))?;
    b.stp(w19, w20, pre(x21, 248))?;
    b.ldp(w22, w23, post(x24, -256))?;
    b.stp(x25, x26, x27 + 504)?;
    b.stp(x29, x30, pre(sp, -512))?;
    b.ldpsw(x28, x29, x30 + 8)?;
    b.ldpsw(x0, x1, post(x2, -8))?;
    // exclusive, acquire and release
    b.ldxr(x0, mem(x1))?;
    b.ldxr(w2, mem(x3))?;
    b.stxr(w4, x5, mem(x6))?;
    b.stxr(w7, w8, mem(sp))?;
    b.ldaxr(x9, mem(x10))?;
    b.stlxr(w11, x12, mem(x13))?;
    b.ldxp(x14, x15, mem(x16))?;
    b.stlxp(w17, x19, x20, mem(x21))?;
    b.ldar(x22, mem(x23))?;
    b.ldar(w24, mem(x25))?;
    b.stlr(x26, mem(x27))?;
    b.stlr(w28, mem(x29))?;
    b.ldarb(w30, mem(x0))?;
    b.stlrh(w1, mem(x2))?;
    b.ldaxrb(w3, mem(x4))?;
    b.stxrh(w5, w6, mem(x7))?;
    b.stlrb(w8, mem(x9))?;
    // LSE atomics
    b.ldadd(x0, x1, mem(x2))?;
    b.ldadd(w3, w4, mem(sp))?;
    b.ldaddal(x5, x6, mem(x7))?;
    b.ldaddl(w8, w9, mem(x10))?;
    b.ldadda(x11, x12, mem(x13))?;
    b.ldaddb(w14, w15, mem(x16))?;
    b.ldaddalh(w17, w19, mem(x20))?;
    b.ldclr(x21, x22, mem(x23))?;
    b.ldset(w24, w25, mem(x26))?;
    b.ldeor(x27, x28, mem(x29))?;
    b.ldsmax(x30, x0, mem(x1))?;
    b.ldumin(w2, w3, mem(x4))?;
    b.swp(x5, x6, mem(x7))?;
    b.swpal(w8, w9, mem(x10))?;
    b.swpb(w11, w12, mem(x13))?;
    b.cas(x14, x15, mem(x16))?;
    b.casal(w17, w19, mem(x20))?;
    b.casa(x21, x22, mem(x23))?;
    b.caslb(w24, w25, mem(x26))?;
    b.casp(x0, x1, x2, x3, mem(x4))?;
    b.stadd(x27, mem(x28))?;
    b.staddl(w29, mem(x30))?;
    b.stclr(x0, mem(x1))?;
    b.stset(w2, mem(x3))?;
    b.steorl(x4, mem(x5))?;
    b.stsmax(w6, mem(x7))?;
    // CRC32
    b.crc32b(w0, w1, w2)?;
    b.crc32h(w3, w4, w5)?;
    b.crc32w(w6, w7, w8)?;
    b.crc32x(w9, w10, x11)?;
    b.crc32cb(w12, w13, w14)?;
    b.crc32ch(w15, w16, w17)?;
    b.crc32cw(w19, w20, w21)?;
    b.crc32cx(w22, w23, x24)?;
    Ok(())
}

/// The block's text in GNU syntax, one instruction per line: the static
/// macro body through `stringify!`, with its spacing (`# 1`, `# - 8`,
/// `] !`, wrapped lines) undone.
fn block_text() -> String {
    let raw: &str = a64_static!(text!());
    let flat = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = flat
        .replace("# - ", "#-")
        .replace("# ", "#")
        .replace("] !", "]!");
    let lines: Vec<&str> = flat
        .split(';')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), LINES, "lines of the block's text");
    lines.join("\n") + "\n"
}

fn text_options() -> AsmOptions {
    AsmOptions::new(Arch::Aarch64).syntax(Syntax::Gnu)
}

fn jitasm_text(ops: &mut Jit, text: &str, opts: &AsmOptions) {
    jitasm::assemble_into(ops, text, opts).unwrap_or_else(|e| panic!("{}", e.render()));
}

fn jitasm_bytes(f: impl FnOnce(&mut Jit)) -> Vec<u8> {
    let mut ops = Jit::new(0);
    f(&mut ops);
    ops.finalize().expect("jitasm")
}

fn dynasmrs_bytes(f: fn(&mut Drs)) -> Vec<u8> {
    let mut ops = Drs::new(0);
    f(&mut ops);
    ops.finalize().expect("dynasm-rs")
}

/// The 4-byte words of `code`.
fn words(code: &[u8]) -> Vec<u32> {
    assert_eq!(code.len() % 4, 0);
    code.chunks_exact(4)
        .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
        .collect()
}

const LLVM_MC: &str = "llvm-mc-19";
const MATTR: &str = "-mattr=+v8.6a,+lse,+crc";

/// Runs llvm-mc with `args` on `input`; `None` if it cannot be started.
fn llvm_mc(args: &[&str], input: &str) -> Option<String> {
    use std::io::Write;
    let mut child = Command::new(LLVM_MC)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().ok()?;
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(s)
}

/// llvm-mc's word for each line of `text` (`None` where it rejects the
/// line), or `None` if llvm-mc is not installed.
fn llvm_words(text: &str) -> Option<Vec<Option<u32>>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let s = llvm_mc(&["-triple=aarch64", MATTR, "-show-encoding"], line)?;
        let word = s.split("encoding: [").nth(1).and_then(|e| {
            let bytes: Vec<u8> = e
                .split(']')
                .next()?
                .split(',')
                .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16))
                .collect::<Result<_, _>>()
                .ok()?;
            Some(u32::from_le_bytes(bytes.try_into().ok()?))
        });
        out.push(word);
    }
    Some(out)
}

/// llvm-mc's disassembly of `word`.
fn disasm(word: u32) -> String {
    let b = word.to_le_bytes();
    let input = format!(
        "0x{:02x} 0x{:02x} 0x{:02x} 0x{:02x}\n",
        b[0], b[1], b[2], b[3]
    );
    llvm_mc(&["--disassemble", "-triple=aarch64", MATTR], &input)
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('.'))
                .map(|l| l.replace('\t', " "))
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .unwrap_or_default()
}

/// Checks every front end's output and prints the bytes and differences.
fn check(text: &str) {
    let opts = text_options();
    let reference = jitasm_bytes(jitasm_static);
    assert_eq!(
        reference.len(),
        INSNS * 4,
        "jitasm static: instruction count"
    );
    let jit = [
        ("jitasm dynasm! dynamic", jitasm_bytes(jitasm_dynamic)),
        ("jitasm builder", jitasm_bytes(jitasm_builder)),
        (
            "jitasm text",
            jitasm_bytes(|ops| jitasm_text(ops, &text.repeat(REPS), &opts)),
        ),
    ];
    for (name, bytes) in &jit {
        assert!(
            *bytes == reference,
            "{name} differs from jitasm dynasm! static:\n{}",
            diff_lines(text, &words(&reference), &words(bytes))
        );
    }
    eprintln!(
        "a64: {INSNS} instructions, {} bytes per iteration from every jitasm front end (dynasm! static and dynamic, builder, text), identical",
        reference.len()
    );
    let lines: Vec<&str> = text.lines().collect();
    let llvm = llvm_words(text);
    let jw = words(&reference);
    match &llvm {
        None => eprintln!("a64: {LLVM_MC} not found: the llvm-mc check is skipped"),
        Some(lw) => {
            let mut bad = 0;
            for (i, l) in lines.iter().enumerate() {
                if lw[i] != Some(jw[i]) {
                    bad += 1;
                    eprintln!(
                        "  jitasm differs from llvm-mc: `{l}`: jitasm {:08x} ({}), llvm-mc {}",
                        jw[i],
                        disasm(jw[i]),
                        lw[i].map_or("rejects it".into(), |w| format!("{w:08x}"))
                    );
                }
            }
            eprintln!(
                "a64: jitasm agrees with llvm-mc on {} of {LINES} lines",
                LINES - bad
            );
        }
    }
    for (name, f) in [
        ("dynasm-rs static", dynasmrs_static as fn(&mut Drs)),
        ("dynasm-rs dynamic", dynasmrs_dynamic),
    ] {
        let bytes = dynasmrs_bytes(f);
        let dw = words(&bytes);
        eprintln!(
            "a64: {name}: {} bytes per iteration ({} words; jitasm {})",
            bytes.len(),
            dw.len(),
            jw.len()
        );
        assert_eq!(dw.len(), INSNS, "{name}: instruction count");
        assert_eq!(dw[..LINES], dw[LINES..], "{name}: repetitions differ");
        let mut same = 0;
        for (i, l) in lines.iter().enumerate() {
            if dw[i] == jw[i] {
                same += 1;
                continue;
            }
            let verdict = match &llvm {
                None => "llvm-mc absent: not decided".to_string(),
                Some(lw) => match lw[i] {
                    Some(w) if w == jw[i] => "jitasm is right (llvm-mc's word)".into(),
                    Some(w) if w == dw[i] => "dynasm-rs is right (llvm-mc's word)".into(),
                    Some(w) => format!("neither: llvm-mc {w:08x}"),
                    None => "llvm-mc rejects the line".into(),
                },
            };
            eprintln!(
                "  {name} differs: `{l}`: jitasm {:08x} ({}), dynasm-rs {:08x} ({}): {verdict}",
                jw[i],
                disasm(jw[i]),
                dw[i],
                disasm(dw[i])
            );
        }
        eprintln!("a64: {name} agrees with jitasm on {same} of {LINES} words");
    }
}

/// The lines on which two jitasm outputs differ.
fn diff_lines(text: &str, a: &[u32], b: &[u32]) -> String {
    let mut s = String::new();
    for (i, l) in text.lines().enumerate() {
        if a.get(i) != b.get(i) {
            s += &format!("  `{l}`: {:08x?} vs {:08x?}\n", a.get(i), b.get(i));
        }
    }
    if a.len() != b.len() {
        s += &format!("  lengths {} vs {} words\n", a.len(), b.len());
    }
    s
}

fn bench(c: &mut Criterion) {
    let block = block_text();
    check(&block);
    let mut g = c.benchmark_group("a64");
    g.throughput(Throughput::Elements(INSNS as u64));
    for (name, f) in [
        ("jitasm_dynasm_static", jitasm_static as fn(&mut Jit)),
        ("jitasm_dynasm_dynamic", jitasm_dynamic),
        ("jitasm_builder", jitasm_builder),
    ] {
        g.bench_function(name, |b| {
            let mut ops = Jit::new(0);
            b.iter(|| {
                f(&mut ops);
                let n = ops.offset().0;
                ops.resolve().expect("jitasm");
                ops.clear();
                black_box(n)
            })
        });
    }
    let opts = text_options();
    let text = block.repeat(REPS);
    g.bench_function("jitasm_text", |b| {
        let mut ops = Jit::new(0);
        b.iter(|| {
            jitasm_text(&mut ops, black_box(&text), &opts);
            let n = ops.offset().0;
            ops.resolve().expect("jitasm");
            ops.clear();
            black_box(n)
        })
    });
    for (name, f) in [
        ("dynasmrs_static", dynasmrs_static as fn(&mut Drs)),
        ("dynasmrs_dynamic", dynasmrs_dynamic),
    ] {
        g.bench_function(name, |b| {
            let mut ops = Drs::new(0);
            b.iter(|| {
                f(&mut ops);
                let n = ops.offset().0;
                drop(ops.drain().expect("dynasm-rs"));
                black_box(n)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
