//! `dynasm!` with `.arch aarch64`: labels of every kind, Rust values in
//! every place an operand takes one, and the limits of those values.
//!
//! The expected bytes are the text assembler's for the same program with
//! the values written out (its AArch64 output is held to llvm-mc's by
//! `a64_text.rs` and `a64_labels.rs`); a value that does not fit must be an
//! error returned by `finalize`, never masked. Every golden line of
//! jitasm-a64 also goes through the macro in `generated/macro_corpus_a64.rs`.

use jitasm::VecAssembler;
use jitasm::{dynasm, isa::Aarch64, Arch, AsmOptions, DynamicLabel, Error, LabelApi, Syntax};
use std::hint::black_box;

const BASE: u64 = 0x10_0000;

/// The text assembler's bytes for `text` (dynasm syntax), at `BASE`, with
/// `dynamic` dynamic labels made first.
fn text_with(text: &str, dynamic: usize) -> Vec<u8> {
    let mut a = VecAssembler::<Aarch64>::new(BASE);
    for _ in 0..dynamic {
        a.new_dynamic_label();
    }
    let opts = AsmOptions::new(Arch::Aarch64).syntax(Syntax::Dynasm);
    jitasm::assemble_into(&mut a, text, &opts).unwrap_or_else(|e| panic!("{}", e.render()));
    a.finalize().unwrap()
}

fn text(text: &str) -> Vec<u8> {
    text_with(text, 0)
}

/// A value the optimizer cannot see through.
fn rt<T>(x: T) -> T {
    black_box(x)
}

#[test]
fn the_default_stays_x64() {
    let mut ops = VecAssembler::<jitasm::isa::X64>::new(0);
    dynasm!(ops ; ret);
    assert_eq!(ops.finalize().unwrap(), [0xC3]);
}

#[test]
fn spellings_of_one_instruction() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops
        ; .arch aarch64
        ; add v29.4s, v5.4s, v29.4s
        ; add v29.s4, v5.s4, v29.s4
        ; add V(29).s4, V(5).s4, V(29).s4
        ; ld1 {v29.16b, v30.16b, v31.16b, v0.16b}, [x1]
        ; ld1 {v29.16b-v0.16b}, [x1]
        ; ld1 {V(29).b16 * 4}, [X(1)]
        ; ld1 {v2.s}[3], [x4]
        ; ld1 {v2.s * 1}[3], [x4]
        ; ADD X0, XSP(31), #4095, LSL #12
        ; add x0, sp, 4095, lsl 12
    );
    let want = text(
        "add v29.4s, v5.4s, v29.4s
         add v29.4s, v5.4s, v29.4s
         add v29.4s, v5.4s, v29.4s
         ld1 {v29.16b-v0.16b}, [x1]
         ld1 {v29.16b-v0.16b}, [x1]
         ld1 {v29.16b-v0.16b}, [x1]
         ld1 {v2.s}[3], [x4]
         ld1 {v2.s}[3], [x4]
         add x0, sp, #4095, lsl #12
         add x0, sp, #4095, lsl #12",
    );
    assert_eq!(ops.finalize().unwrap(), want);
}

/// Every label kind of the text, the same program through the macro: global,
/// local forward and backward, dynamic, `extern`, in each A64 fixup kind
/// (b26, imm19, tbz14, adr21, adrp21) and in data (`.rel32`, `.abs32`,
/// `.abs64`), in one invocation and across two.
#[test]
fn labels_of_every_kind() {
    let program = "
        ->start:
        b >fwd
        bl ->start
        b.ne ->start
        cbz x0, =>0
        tbz w3, #5, >fwd
        adr x1, ->data
        adrp x2, ->data
        ldr x3, ->data
        b extern 0x100000
        bl extern 0x100040
        back_never_mind:
        fwd:
        cbnz x9, <fwd
        =>0:
        b ->start
        ->data:
        .rel32 ->start
        .abs32 >fwd2
        .abs64 =>0
        fwd2:
        .u32 7";
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    let l = ops.new_dynamic_label();
    let (near, far): (usize, u64) = (rt(0x10_0000), rt(0x10_0040));
    dynasm!(ops
        ; .arch aarch64
        ; ->start:
        ; b >fwd
        ; bl ->start
        ; b.ne ->start
        ; cbz x0, =>l
        ; tbz w3, #5, >fwd
        ; adr x1, ->data
        ; adrp x2, ->data
        ; ldr x3, ->data
        ; b extern near
        ; bl extern far
    );
    // The rest from another invocation: labels cross invocations.
    dynasm!(ops
        ; .arch aarch64
        ; back_never_mind:
        ; fwd:
        ; cbnz x9, <fwd
        ; =>l
        ; b ->start
        ; ->data:
        ; .rel32 ->start
        ; .abs32 >fwd2
        ; .abs64 =>l
        ; fwd2:
        ; .u32 7
    );
    assert_eq!(ops.finalize().unwrap(), text_with(program, 1));
}

/// Labels around instructions with Rust values: an AArch64 instruction is
/// one word whatever its values, so the references stay resolved while
/// expanding; the bytes are the text's.
#[test]
fn labels_around_rust_values() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    let (n, imm): (u8, u32) = (rt(7), rt(12));
    dynasm!(ops
        ; .arch aarch64
        ; top:
        ; cbz X(n), >done
        ; add X(n), X(n), #imm
        ; sub W(n), W(n), #1
        ; cbnz W(n), <top
        ; b.lo >done
        ; done:
        ; ret
    );
    let want = text(
        "top: cbz x7, >done
         add x7, x7, #12
         sub w7, w7, #1
         cbnz w7, <top
         b.lo >done
         done: ret",
    );
    assert_eq!(ops.finalize().unwrap(), want);
}

#[test]
fn rust_values_in_every_place() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    let r: [u8; 32] = rt(core::array::from_fn(|i| i as u8));
    let (imm, off, shift, lane): (u32, i32, u8, usize) = (rt(0xff), rt(-16), rt(16), rt(2));
    let (mask, big, f, g): (u64, u64, f64, f32) = (
        rt(0x00ff_00ff_00ff_00ff),
        rt(0xffff_0000_0000_0000),
        rt(-1.25),
        rt(0.5),
    );
    let data = ops.new_dynamic_label();
    dynasm!(ops
        ; .arch aarch64
        // registers: scalars, 31 as xzr or sp by family, vectors, elements, lists
        ; add X(r[1]), X(r[2]), X(r[31])
        ; add XSP(r[31]), XSP(r[31]), #imm
        ; mov WSP(r[31]), W(r[5])
        ; orr W(r[3]), WSP(r[4]), #imm
        ; fadd D(r[1]), D(r[2]), D(r[3])
        ; fmul S(r[30]), S(r[31]), S(r[0])
        ; ldr Q(r[4]), [XSP(r[31]), #off]
        ; ldr B(r[4]), [X(r[5])]
        ; ldr H(r[4]), [X(r[5]), X(r[6]), lsl #1]
        ; add V(r[1]).s4, V(r[2]).s4, V(r[3]).s4
        ; mov V(r[1]).s[lane], W(r[9])
        ; dup V(r[4]).h8, V(r[5]).h[lane]
        ; ld1 {V(r[30]).b16 * 4}, [X(r[1])], X(r[2])
        ; st2 {V(r[6]).d * 2}[1], [X(r[7])]
        ; ld1 {V(r[2]).s}[lane], [X(r[4])], #4
        // numbers: immediates (integers any type, floats), offsets,
        // shift amounts, lanes, label addends
        ; and x0, x1, #mask
        ; mov x0, #big
        ; movz x0, #imm, lsl #shift
        ; movk W(r[2]), #imm, lsl #16
        ; add x0, x1, #off
        ; sub x0, x1, #imm, lsl #12
        ; ldr x0, [x1, #off]
        ; ldr x0, [x1, #off]!
        ; ldr x0, [x1], #off
        ; str w0, [x1, W(r[2]), sxtw #2]
        ; ldp x0, x1, [XSP(r[31]), #off]!
        ; add x0, x1, x2, lsl #shift
        ; ubfx x0, x1, #shift, #8
        ; fmov d0, #f
        ; fmov s1, #g
        ; ext v0.b16, v1.b16, v2.b16, #lane
        ; adr x0, =>data
        ; adr x0, ->here + off
        ; ->here:
        ; =>data
        ; ret
    );
    let want = text_with(
        "add x1, x2, xzr
         add sp, sp, #255
         mov wsp, w5
         orr w3, w4, #255
         fadd d1, d2, d3
         fmul s30, s31, s0
         ldr q4, [sp, #-16]
         ldr b4, [x5]
         ldr h4, [x5, x6, lsl #1]
         add v1.4s, v2.4s, v3.4s
         mov v1.s[2], w9
         dup v4.8h, v5.h[2]
         ld1 {v30.16b-v1.16b}, [x1], x2
         st2 {v6.d, v7.d}[1], [x7]
         ld1 {v2.s}[2], [x4], #4
         and x0, x1, #0x00ff00ff00ff00ff
         mov x0, #0xffff000000000000
         movz x0, #255, lsl #16
         movk w2, #255, lsl #16
         add x0, x1, #-16
         sub x0, x1, #255, lsl #12
         ldr x0, [x1, #-16]
         ldr x0, [x1, #-16]!
         ldr x0, [x1], #-16
         str w0, [x1, w2, sxtw #2]
         ldp x0, x1, [sp, #-16]!
         add x0, x1, x2, lsl #16
         ubfx x0, x1, #16, #8
         fmov d0, #-1.25
         fmov s1, #0.5
         ext v0.16b, v1.16b, v2.16b, #2
         adr x0, =>0
         adr x0, ->here - 16
         ->here:
         =>0:
         ret",
        1,
    );
    assert_eq!(ops.finalize().unwrap(), want);
}

/// The error `finalize` returns after `emit`, which must be one.
fn error_of(ops: VecAssembler<Aarch64>) -> Error {
    match ops.finalize() {
        Ok(code) => panic!("no error; emitted {code:02x?}"),
        Err(e) => e,
    }
}

fn is_register_error(e: &Error, n: u8) -> bool {
    matches!(e, Error::ValueOutOfRange { what: "register number", value, min: 0, max: 31 } if *value == n as i128)
}

#[test]
fn register_numbers_31_and_32() {
    for (n, ok) in [(0u8, true), (31, true), (32, false), (255, false)] {
        // A general register, a vector register, an element, a list, a base.
        let lines: [fn(&mut VecAssembler<Aarch64>, u8); 5] = [
            |ops, n| dynasm!(ops ; .arch aarch64 ; add x0, x1, X(n)),
            |ops, n| dynasm!(ops ; .arch aarch64 ; add v0.s4, v1.s4, V(n).s4),
            |ops, n| dynasm!(ops ; .arch aarch64 ; mov w0, V(n).s[1]),
            |ops, n| dynasm!(ops ; .arch aarch64 ; ld1 {V(n).d2 * 2}, [x0]),
            |ops, n| dynasm!(ops ; .arch aarch64 ; ldr x0, [XSP(n), #8]),
        ];
        let texts = [
            "add x0, x1, X(N)",
            "add v0.s4, v1.s4, V(N).s4",
            "mov w0, V(N).s[1]",
            "ld1 {V(N).d2 * 2}, [x0]",
            "ldr x0, [XSP(N), #8]",
        ];
        for (line, t) in lines.iter().zip(texts) {
            let mut ops = VecAssembler::<Aarch64>::new(BASE);
            line(&mut ops, rt(n));
            if ok {
                let want = text(&t.replace('N', &n.to_string()));
                assert_eq!(ops.finalize().unwrap(), want, "{t} with {n}");
            } else {
                let e = error_of(ops);
                assert!(is_register_error(&e, n), "{t} with {n}: {e:?}");
            }
        }
    }
    // X(31) is xzr, which `add` (immediate) cannot write: an error, never
    // sp (that is XSP(31)).
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; add X(rt(31u8)), x1, #1);
    assert_eq!(ops.offset().0, 0);
    assert!(matches!(error_of(ops), Error::Encode { .. }));
}

/// An immediate at its limit encodes; one past is the encoder's error,
/// returned by `finalize`, with the rule it breaks; nothing is emitted for
/// it and nothing after it is committed.
#[test]
fn immediates_at_the_limit_and_one_past() {
    type Line = fn(&mut VecAssembler<Aarch64>, i64);
    let cases: &[(&str, Line, i64, i64, &str)] = &[
        (
            "add x0, x1, #{v}",
            |ops, v| dynasm!(ops ; .arch aarch64 ; add x0, x1, #v),
            4095,
            4097,
            "12-bit",
        ),
        (
            "ldr x0, [x1, #{v}]",
            |ops, v| dynasm!(ops ; .arch aarch64 ; ldr x0, [x1, #v]),
            32760,
            32768,
            "multiple of 8 in 0..=32760",
        ),
        (
            "ldr x0, [x1, #{v}]",
            |ops, v| dynasm!(ops ; .arch aarch64 ; ldr x0, [x1, #v]),
            -256,
            -257,
            "offset must be",
        ),
        (
            "ldp x0, x1, [x2, #{v}]",
            |ops, v| dynasm!(ops ; .arch aarch64 ; ldp x0, x1, [x2, #v]),
            504,
            512,
            "multiple of 8 in -512..=504",
        ),
        (
            "movz x0, #{v}, lsl #16",
            |ops, v| dynasm!(ops ; .arch aarch64 ; movz x0, #v, lsl #16),
            0xffff,
            0x10000,
            "0..=65535",
        ),
        (
            "and x0, x1, #{v}",
            |ops, v| dynasm!(ops ; .arch aarch64 ; and x0, x1, #v),
            0x7fff_ffff_ffff_ffff,
            0,
            "not a valid bitmask immediate",
        ),
        (
            "and w0, w1, #{v}",
            |ops, v| dynasm!(ops ; .arch aarch64 ; and w0, w1, #v),
            0xffff_fffe,
            0x1_ffff_fffe,
            "not a valid bitmask immediate",
        ),
        (
            "lsl x0, x1, #{v}",
            |ops, v| dynasm!(ops ; .arch aarch64 ; lsl x0, x1, #v),
            63,
            64,
            "0..=63",
        ),
        (
            "add x0, x1, x2, lsl #{v}",
            |ops, v| dynasm!(ops ; .arch aarch64 ; add x0, x1, x2, lsl #v),
            63,
            64,
            "0..=63",
        ),
        (
            "mov w0, v1.s[{v}]",
            |ops, v| dynasm!(ops ; .arch aarch64 ; mov w0, v1.s[v]),
            3,
            4,
            "0..=3",
        ),
        (
            "b #{v}",
            |ops, v| dynasm!(ops ; .arch aarch64 ; b #v),
            (1 << 27) - 4,
            1 << 27,
            "multiple of 4",
        ),
        (
            "tbz x0, #{v}, #8",
            |ops, v| dynasm!(ops ; .arch aarch64 ; tbz x0, #v, #8),
            63,
            64,
            "0..=63",
        ),
    ];
    for &(t, line, good, bad, rule) in cases {
        let mut ops = VecAssembler::<Aarch64>::new(BASE);
        line(&mut ops, rt(good));
        assert_eq!(
            ops.finalize().unwrap(),
            text(&t.replace("{v}", &good.to_string())),
            "{t} with {good}"
        );
        let mut ops = VecAssembler::<Aarch64>::new(BASE);
        line(&mut ops, rt(bad));
        let before = ops.offset().0;
        dynasm!(ops ; .arch aarch64 ; ret);
        assert_eq!(before, 0, "{t} with {bad}: nothing emitted");
        let e = error_of(ops);
        assert!(
            matches!(&e, Error::Encode { message, .. } if message.contains(rule)),
            "{t} with {bad}: {e}"
        );
    }
}

#[test]
fn values_wider_than_a_field_are_errors() {
    // A lane or shift amount past 255 does not fit the operand at all.
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; add x0, x1, x2, lsl #rt(256u32));
    let e = error_of(ops);
    assert!(
        matches!(
            e,
            Error::ValueOutOfRange {
                what: "shift amount",
                value: 256,
                ..
            }
        ),
        "{e:?}"
    );
    // A floating-point value where an integer goes.
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; ldr x0, [x1, #rt(8.0f64)]);
    assert!(matches!(error_of(ops), Error::Encode { .. }));
    // An integer where only floating point goes (`fmov d0, #1.5`): the
    // encoder's rule.
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; fmov d0, #rt(0.1f64));
    let e = error_of(ops);
    assert!(
        matches!(&e, Error::Encode { message, .. } if message.contains("floating-point")),
        "{e}"
    );
}

#[test]
fn the_first_error_sticks() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops
        ; .arch aarch64
        ; add x0, x1, X(rt(40u8))
        ; and x0, x1, #rt(0u64)
        ; ret
    );
    assert!(is_register_error(&error_of(ops), 40));
}

#[test]
fn align_pads_with_nops() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops
        ; .arch aarch64
        ; mov x0, #1
        ; .align 16
        ; add x0, x0, #2
        ; .align 32
        ; .u8 7
        ; .align 8
        ; ret
    );
    let want = text("mov x0, #1\n.align 16\nadd x0, x0, #2\n.align 32\n.u8 7\n.align 8\nret");
    assert_eq!(ops.finalize().unwrap(), want);
}

#[test]
fn data_and_aliases() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    let (a, b): (u32, f64) = (rt(0xdead_beef), rt(2.5));
    dynasm!(ops
        ; .arch aarch64
        ; .alias acc, x3
        ; add acc, acc, #1
        ; .u32 a
        ; .f64 b
        ; .bytes [1u8, 2, 3, 4]
    );
    let want = text(".alias acc, x3\nadd acc, acc, #1\n.u32 0xdeadbeef\n.f64 2.5\n.u8 1, 2, 3, 4");
    assert_eq!(ops.finalize().unwrap(), want);
}

#[test]
fn dynamic_labels_defined_and_referenced_from_rust() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    let labels: Vec<DynamicLabel> = (0..3).map(|_| ops.new_dynamic_label()).collect();
    for (i, &l) in labels.iter().enumerate() {
        let next = labels[(i + 1) % labels.len()];
        dynasm!(ops
            ; .arch aarch64
            ; =>l
            ; add x0, x0, #(i as u32)
            ; cbz x0, =>next
            ; b.eq =>l
        );
    }
    let want = text_with(
        "=>0: add x0, x0, #0\ncbz x0, =>1\nb.eq =>0
         =>1: add x0, x0, #1\ncbz x0, =>2\nb.eq =>1
         =>2: add x0, x0, #2\ncbz x0, =>0\nb.eq =>2",
        3,
    );
    assert_eq!(ops.finalize().unwrap(), want);
}

/// An output that counts the label references left for it to resolve.
#[derive(Default)]
struct Counting {
    bytes: Vec<u8>,
    fixups: Vec<String>,
}

impl jitasm::ByteSink for Counting {
    fn push(&mut self, b: u8) {
        self.bytes.push(b)
    }
    fn extend_from_slice(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b)
    }
    fn offset(&self) -> usize {
        self.bytes.len()
    }
}

impl jitasm::CodeSink for Counting {
    fn fixup(
        &mut self,
        label: jitasm::LabelRef<'_>,
        kind: &'static jitasm::FixupKind,
        _: usize,
        _: usize,
    ) {
        self.fixups
            .push(format!("{:?} {}", label.target, kind.name));
    }
    fn record_error(&mut self, e: Error) {
        panic!("{e}")
    }
}

impl LabelApi for Counting {
    fn define_global(&mut self, _: &str) -> Result<(), Error> {
        Ok(())
    }
    fn define_local(&mut self, _: &str) -> Result<(), Error> {
        Ok(())
    }
    fn define_dynamic(&mut self, _: DynamicLabel) -> Result<(), Error> {
        Ok(())
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        DynamicLabel::from_index(0)
    }
    fn address_of(&self, _: usize) -> Option<u64> {
        None
    }
}

/// References to labels of the same invocation are patched while
/// expanding, also across instructions with Rust values (one word each);
/// the output only sees what it must resolve (a label of another
/// invocation, a dynamic label, a reference inside an instruction with
/// Rust values, absolute data).
#[test]
fn labels_of_the_invocation_are_resolved_while_expanding() {
    let mut out = Counting::default();
    let (n, k): (u8, u32) = (rt(5), rt(3));
    dynasm!(out
        ; .arch aarch64
        ; ->top:
        ; b.eq >next
        ; add X(n), X(n), #k
        ; next:
        ; cbz x0, ->top
        ; tbnz x5, #1, <next
        ; .rel32 ->top
    );
    assert!(out.fixups.is_empty(), "{:?}", out.fixups);
    // The same program through the text assembler, for the bytes.
    let want = text(
        "->top: b.eq >next\nadd x5, x5, #3\nnext: cbz x0, ->top\ntbnz x5, #1, <next\n.rel32 ->top",
    );
    assert_eq!(out.bytes, want);
    // Left to the output: `.align` makes the distance unknown; a label of
    // another invocation; an instruction with a Rust value.
    let mut out = Counting::default();
    dynasm!(out
        ; .arch aarch64
        ; b >after
        ; .align 16
        ; after:
        ; b ->elsewhere
        ; cbz X(n), >after2
        ; after2:
        ; .abs64 ->top
    );
    assert_eq!(out.fixups.len(), 4, "{:?}", out.fixups);
}

/// dynasm-rs's pair spelling: after a register family (`X(n)`, `W(n)`) the
/// second register of a `casp` pair is written `xzr`/`wzr` and means the
/// next register; the first must be even (checked when the number is a
/// Rust value, as any register rule: an error from `finalize`).
#[test]
fn casp_pairs_in_dynasm_rs_spelling() {
    for (s, t) in [(0u8, 2u8), (2, 4), (28, 0), (30, 6)] {
        let mut ops = VecAssembler::<Aarch64>::new(BASE);
        let (rs, rt_, rn) = (rt(s), rt(t), rt(9u8));
        dynasm!(ops
            ; .arch aarch64
            ; casp X(rs), xzr, X(rt_), xzr, [XSP(rn)]
            ; caspal W(rs), wzr, W(rt_), wzr, [x4]
            ; caspa X(rs), xzr, x10, x11, [sp]
            ; caspl X(s), xzr, X(t), xzr, [x1]
        );
        // Register `n` of a family, 31 being the zero register.
        let x = |n: u8| {
            if n == 31 {
                "xzr".to_string()
            } else {
                format!("x{n}")
            }
        };
        let w = |n: u8| {
            if n == 31 {
                "wzr".to_string()
            } else {
                format!("w{n}")
            }
        };
        let (xs, xs1, xt, xt1) = (x(s), x(s + 1), x(t), x(t + 1));
        let (ws, ws1, wt, wt1) = (w(s), w(s + 1), w(t), w(t + 1));
        let want = text(&format!(
            "casp {xs}, {xs1}, {xt}, {xt1}, [x9]
             caspal {ws}, {ws1}, {wt}, {wt1}, [x4]
             caspa {xs}, {xs1}, x10, x11, [sp]
             caspl {xs}, {xs1}, {xt}, {xt1}, [x1]"
        ));
        assert_eq!(ops.finalize().unwrap(), want, "casp with {s}, {t}");
    }
    // Constant family numbers: the same spelling, encoded while expanding.
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; casp X(2), xzr, X(4), xzr, [x0] ; caspl W(6), wzr, w8, w9, [x0]);
    let want = text("casp x2, x3, x4, x5, [x0]\ncaspl w6, w7, w8, w9, [x0]");
    assert_eq!(ops.finalize().unwrap(), want);
    // An odd first register, 31 (xzr) included, is the encoder's error; a
    // number that is no register is the register error.
    for n in [1u8, 3, 31] {
        let mut ops = VecAssembler::<Aarch64>::new(BASE);
        dynasm!(ops ; .arch aarch64 ; casp X(rt(n)), xzr, x2, x3, [x0]);
        match error_of(ops) {
            Error::Encode { message, .. } => assert!(
                message.contains("the first register of a pair must be even"),
                "casp X({n}): {message}"
            ),
            e => panic!("casp X({n}): {e:?}"),
        }
        let mut ops = VecAssembler::<Aarch64>::new(BASE);
        dynasm!(ops ; .arch aarch64 ; casp w0, w1, W(rt(n)), wzr, [x0]);
        assert!(matches!(error_of(ops), Error::Encode { .. }), "casp W({n})");
    }
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; casp X(rt(32u8)), xzr, x2, x3, [x0]);
    assert!(is_register_error(&error_of(ops), 32));
    // `xzr` after a register that is not a family keeps its meaning: the
    // zero register, which is not the next one.
    let opts = AsmOptions::new(Arch::Aarch64).syntax(Syntax::Dynasm);
    let mut a = VecAssembler::<Aarch64>::new(BASE);
    let e = jitasm::assemble_into(&mut a, "casp x2, xzr, x4, x5, [x0]", &opts).unwrap_err();
    assert!(e.to_string().contains("must follow the first"), "{e}");
}

/// dynasm-rs's `mov.inverted` (`movn` of the inverted value) and
/// `mov.logical` (`orr` with the zero register), static and with Rust
/// values; a value neither takes is the rule's error.
#[test]
fn mov_inverted_and_mov_logical() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    let (x, w, l, n) = (
        rt(0xffff_1234_ffff_ffffu64),
        rt(0x9012_ffffu32),
        rt(0x5555_5555_5555_5555u64),
        rt(26u8),
    );
    dynasm!(ops
        ; .arch aarch64
        ; mov.inverted x26, 0xffff1234ffffffff
        ; mov.inverted w24, #0x9012ffff
        ; mov.inverted X(n), x
        ; mov.inverted W(n), w
        ; mov.inverted x1, #-1
        ; mov.logical x30, 0xff00ff00ff00ff00
        ; mov.logical w27, #0x33333333
        ; mov.logical XSP(31), l
        ; mov.logical X(n), #0x5555555555555555
    );
    let want = text(
        "movn x26, #0xedcb, lsl #32
         movn w24, #0x6fed, lsl #16
         movn x26, #0xedcb, lsl #32
         movn w26, #0x6fed, lsl #16
         movn x1, #0
         orr x30, xzr, #0xff00ff00ff00ff00
         orr w27, wzr, #0x33333333
         orr sp, xzr, #0x5555555555555555
         orr x26, xzr, #0x5555555555555555",
    );
    assert_eq!(ops.finalize().unwrap(), want);
    // The text assembler reads the spelling too, in either syntax.
    for syntax in [Syntax::Gnu, Syntax::Dynasm] {
        let opts = AsmOptions::new(Arch::Aarch64).syntax(syntax);
        let mut a = VecAssembler::<Aarch64>::new(BASE);
        jitasm::assemble_into(&mut a, "mov.inverted x26, #0xffff1234ffffffff", &opts).unwrap();
        assert_eq!(a.finalize().unwrap(), text("movn x26, #0xedcb, lsl #32"));
    }
    // Values neither spelling takes: errors naming the rule.
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; mov.inverted x0, rt(0x1234_5678u64));
    match error_of(ops) {
        Error::Encode { message, .. } => {
            assert!(
                message.contains("not an inverted wide immediate"),
                "{message}"
            )
        }
        e => panic!("{e:?}"),
    }
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64 ; mov.logical w0, rt(0x1234u32));
    match error_of(ops) {
        Error::Encode { message, .. } => {
            assert!(
                message.contains("not a valid bitmask immediate"),
                "{message}"
            )
        }
        e => panic!("{e:?}"),
    }
    let opts = AsmOptions::new(Arch::Aarch64).syntax(Syntax::Dynasm);
    for (line, rule) in [
        (
            "mov.inverted w0, #0x12345678",
            "not an inverted wide immediate",
        ),
        (
            "mov.inverted w0, #0x100000000",
            "not an inverted wide immediate",
        ),
        ("mov.logical x0, #0", "not a valid bitmask immediate"),
        ("mov.inverted sp, #-1", "expected"),
    ] {
        let mut a = VecAssembler::<Aarch64>::new(BASE);
        let e = jitasm::assemble_into(&mut a, line, &opts).unwrap_err();
        assert!(e.to_string().contains(rule), "{line}: {e}");
    }
}

/// The operations of `dc`, `ic`, `at` and `tlbi` by name, with the
/// register a Rust value or not.
#[test]
fn system_operations_by_name() {
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    let n = rt(5u8);
    dynasm!(ops
        ; .arch aarch64
        ; dc civac, x0
        ; dc CVAU, X(n)
        ; ic iallu
        ; ic ivau, X(n)
        ; at s1e1r, x3
        ; tlbi vmalle1is
        ; tlbi vae1is, X(n)
    );
    let want = text(
        "dc civac, x0
         dc cvau, x5
         ic iallu
         ic ivau, x5
         at s1e1r, x3
         tlbi vmalle1is
         tlbi vae1is, x5",
    );
    assert_eq!(ops.finalize().unwrap(), want);
}

/// One block of instructions whose only Rust values are register numbers
/// (each written by the macro as a template word), with static lines and a
/// `mov` whose template stops at 30 (`sp` is another instruction) among
/// them; `$r` are 16 register expressions.
macro_rules! register_block {
    ($ops:ident, [$($r:expr),*]) => {
        register_block!(@ $ops, $($r),*)
    };
    (@ $ops:ident, $a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr, $g:expr, $h:expr,
        $i:expr, $j:expr, $k:expr, $l:expr, $m:expr, $n:expr, $o:expr, $p:expr) => {
        dynasm!($ops ; .arch aarch64
            ; add X($a), X($b), X($c)
            ; sub W($d), W($e), W($f), lsl #3
            ; add XSP($g), XSP($h), #16
            ; nop
            ; ldr X($i), [XSP($j), #8]
            ; str W($k), [XSP($l), X($m), lsl #2]
            ; add V($n).s4, V($o).s4, V($p).s4
            ; ror X($a), X($p), #7
            ; mov XSP($b), XSP($c)
            ; ld1 {V($d).d2 * 2}, [XSP($e)]
            ; mov W($f), V($g).s[1]
            ; ret
            ; madd X($h), X($i), X($j), X($k)
            ; cmp XSP($l), W($m), uxtw
        )
    };
}

/// The block's text (dynasm syntax) with the numbers written out.
fn register_block_text(r: &[u8; 16]) -> String {
    let [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p] = *r;
    format!(
        "add X({a}), X({b}), X({c})\n sub W({d}), W({e}), W({f}), lsl #3\n \
         add XSP({g}), XSP({h}), #16\n nop\n ldr X({i}), [XSP({j}), #8]\n \
         str W({k}), [XSP({l}), X({m}), lsl #2]\n add V({n}).s4, V({o}).s4, V({p}).s4\n \
         ror X({a}), X({p}), #7\n mov XSP({b}), XSP({c})\n ld1 {{V({d}).d2 * 2}}, [XSP({e})]\n \
         mov W({f}), V({g}).s[1]\n ret\n madd X({h}), X({i}), X({j}), X({k})\n \
         cmp XSP({l}), W({m}), uxtw"
    )
}

/// A run of template words is written at once when every number fits and
/// instruction by instruction otherwise; either way the bytes, or the first
/// error, are those of each instruction apart (the same block with every
/// number behind a call, which keeps each instruction on its own) and, for
/// valid numbers, the text assembler's.
#[test]
fn template_runs_write_what_each_instruction_writes() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut sets: Vec<[u8; 16]> = Vec::new();
    for t in 0..400 {
        let mut r = [0u8; 16];
        for x in &mut r {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *x = (seed % 32) as u8;
        }
        // Some sets with 31 in one place (sp, xzr, v31) or a number that is
        // no register.
        match t % 8 {
            1 => r[(t / 8) % 16] = 31,
            2 => r[(t / 8) % 16] = 32 + (t % 3) as u8 * 100,
            _ => {}
        }
        sets.push(r);
    }
    sets.push([31; 16]);
    sets.push([0; 16]);
    let (mut valid, mut invalid) = (0, 0);
    for r in &sets {
        let [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p] = *rt(r);
        let mut run = VecAssembler::<Aarch64>::new(BASE);
        register_block!(run, [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]);
        let mut apart = VecAssembler::<Aarch64>::new(BASE);
        register_block!(
            apart,
            [
                rt(a),
                rt(b),
                rt(c),
                rt(d),
                rt(e),
                rt(f),
                rt(g),
                rt(h),
                rt(i),
                rt(j),
                rt(k),
                rt(l),
                rt(m),
                rt(n),
                rt(o),
                rt(p)
            ]
        );
        let (run, apart) = (run.finalize(), apart.finalize());
        assert_eq!(
            format!("{run:02x?}"),
            format!("{apart:02x?}"),
            "numbers {r:?}"
        );
        let opts = AsmOptions::new(Arch::Aarch64).syntax(Syntax::Dynasm);
        let mut t = VecAssembler::<Aarch64>::new(BASE);
        let want = jitasm::assemble_into(&mut t, &register_block_text(r), &opts)
            .map_err(|e| e.render())
            .and_then(|_| t.finalize().map_err(|e| e.to_string()));
        match (&run, want) {
            (Ok(code), Ok(want)) => {
                assert_eq!(code, &want, "numbers {r:?}");
                valid += 1;
            }
            (Err(_), Err(_)) => invalid += 1,
            (got, want) => panic!("numbers {r:?}: dynasm! {got:02x?}, text {want:02x?}"),
        }
    }
    // Both outcomes occur, with many sets each.
    assert!(
        valid > 100 && invalid >= 50,
        "{valid} valid, {invalid} invalid"
    );
}

/// Rust values that are calls keep their order against the instructions
/// around them: a call's instruction is not joined to the run before it.
#[test]
fn calls_in_register_values_run_in_order() {
    use std::cell::RefCell;
    let log = RefCell::new(Vec::new());
    let next = |n: u8| {
        log.borrow_mut().push(n);
        n
    };
    let (a, b) = rt((1u8, 2u8));
    let mut ops = VecAssembler::<Aarch64>::new(BASE);
    dynasm!(ops ; .arch aarch64
        ; add X(a), X(b), X(a)
        ; add X(next(3)), X(next(4)), X(a)
        ; add X(b), X(next(5)), X(b)
        // Reads the output: sees the three words before it.
        ; add X(a), X((ops.offset().0 / 4) as u8), X(b)
    );
    assert_eq!(*log.borrow(), [3, 4, 5]);
    assert_eq!(
        ops.finalize().unwrap(),
        text("add x1, x2, x1\n add x3, x4, x1\n add x2, x5, x2\n add x1, x3, x2")
    );
}
