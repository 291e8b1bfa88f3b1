//! `jitasm::abi::aarch64`: AAPCS64 calls and frames.
//!
//! On every host: the bytes of a few call sequences and frames against the
//! text assembler's bytes for the same instructions (that assembler is
//! checked against llvm-mc's words by the `a64_text` and corpus tests), and
//! the typed errors. On AArch64 (`cargo test -p jitasm --test abi_aarch64
//! --target aarch64-unknown-linux-gnu`, under qemu here): calls into Rust
//! `extern "C"` functions with 0 to 22 integer and float arguments from every
//! kind of source, each value checked by the callee; registers preserved
//! across calls; nested frames keeping every callee-saved register; locals;
//! stack alignment at each call; variadic calls into the C library.

use jitasm::a64::{regs::*, Mem, Reg, RegClass};
use jitasm::abi::aarch64::{AbiError, Arg, Call, CallConv, Frame};
use jitasm::{isa::Aarch64, Arch, LabelApi, VecAssembler};

fn d(n: u8) -> Reg {
    Reg::fp(RegClass::D, n)
}

fn s(n: u8) -> Reg {
    Reg::fp(RegClass::S, n)
}

/// The text assembler's bytes for `text`.
fn asm(text: &str) -> Vec<u8> {
    jitasm::assemble(Arch::Aarch64, text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The bytes `call` emits (at address 0).
fn call_bytes(call: &Call<'_>) -> Vec<u8> {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    call.emit(&mut ops).unwrap();
    ops.finalize().unwrap()
}

fn assert_same(got: &[u8], text: &str) {
    let want = asm(text);
    if got != want {
        let words = |b: &[u8]| {
            b.chunks(4)
                .map(|w| format!("{:08x}", u32::from_le_bytes(w.try_into().unwrap())))
                .collect::<Vec<_>>()
                .join(" ")
        };
        panic!(
            "emitted: {}\nexpected: {}\nfor:\n{text}",
            words(got),
            words(&want)
        );
    }
}

const ADDR: u64 = 0x0000_7f12_3456_789a;
const CALL_ADDR: &str = "
    movz x16, #0x789a
    movk x16, #0x3456, lsl #16
    movk x16, #0x7f12, lsl #32
    blr x16";

#[test]
fn bytes_of_a_call_without_arguments() {
    let call = Call::new(CallConv::Aapcs64, ADDR);
    assert_same(&call_bytes(&call), CALL_ADDR);
    // Addresses with all-ones pieces start with movn.
    let call = Call::new(CallConv::Aapcs64, 0xffff_ffff_1234_ffff_u64);
    assert_same(&call_bytes(&call), "movn x16, #0xedcb, lsl #16\nblr x16");
}

#[test]
fn bytes_of_register_arguments_with_a_swap() {
    // x0 <-> x1 is a cycle: broken with an eor swap. x2 from x0 is read
    // before x0 changes; immediates last.
    let call = Call::new(CallConv::Aapcs64, ADDR).args([
        Arg::Int(X1.into()),
        Arg::Int(X0.into()),
        Arg::Int(X0.into()),
        Arg::Int((-2i64).into()),
        Arg::Int(Mem::offset(X19, 16).into()),
    ]);
    assert_same(
        &call_bytes(&call),
        &format!(
            "
            mov x2, x0
            movn x3, #1
            ldr x4, [x19, #16]
            eor x0, x0, x1
            eor x1, x0, x1
            eor x0, x0, x1
            {CALL_ADDR}"
        ),
    );
}

#[test]
fn bytes_of_memory_sources_in_a_cycle() {
    // x0 <- [x1] and x1 <- [x0]: each reads the other's destination. The
    // first is parked in d16 until x1 is loaded.
    let call = Call::new(CallConv::Aapcs64, ADDR).args([
        Arg::Int(Mem::base(X1).into()),
        Arg::Int(Mem::base(X0).into()),
    ]);
    assert_same(
        &call_bytes(&call),
        &format!("ldr d16, [x1]\nldr x1, [x0]\nfmov x0, d16\n{CALL_ADDR}"),
    );
    // Two such cycles of 4-byte values, parked in s16 and s17 at once;
    // x2 <- [x3, x4, lsl #2] reads x3 and x4.
    let call = Call::new(CallConv::Aapcs64, ADDR).args([
        Arg::Int32(Mem::base(X1).into()),
        Arg::Int32(Mem::base(X0).into()),
        Arg::Int32(Mem::index(X3, X4, Some(jitasm::a64::Modifier::lsl(2))).into()),
        Arg::Int32(Mem::offset(X2, 4).into()),
        Arg::Int32(X2.into()),
    ]);
    assert_same(
        &call_bytes(&call),
        &format!(
            "ldr s16, [x1]
            ldr w1, [x0]
            fmov w0, s16
            ldr s17, [x3, x4, lsl #2]
            ldr w3, [x2, #4]
            mov x4, x2
            fmov w2, s17
            {CALL_ADDR}"
        ),
    );
}

#[test]
fn bytes_of_float_arguments_and_result() {
    let call = Call::new(CallConv::Aapcs64, ADDR)
        .args([
            Arg::F64(d(1).into()),
            Arg::F32(s(0).into()),
            Arg::f64_imm(1.5),
            Arg::f64_imm(0.1),
            Arg::F64(X5.into()),
            Arg::f32_imm(0.0),
        ])
        .ret_float(d(9));
    // 0.1 has no fmov immediate: through x16, the first scratch candidate.
    assert_same(
        &call_bytes(&call),
        &format!(
            "
            fmov d2, #1.5
            movz x16, #0x999a
            movk x16, #0x9999, lsl #16
            movk x16, #0x9999, lsl #32
            movk x16, #0x3fb9, lsl #48
            fmov d3, x16
            fmov d4, x5
            fmov s5, wzr
            eor v0.16b, v0.16b, v1.16b
            eor v1.16b, v0.16b, v1.16b
            eor v0.16b, v0.16b, v1.16b
            {CALL_ADDR}
            mov v9.16b, v0.16b"
        ),
    );
}

#[test]
fn bytes_of_stack_arguments_saves_and_sp_sources() {
    // Ten integers: x0-x7, then two 8-byte slots at sp and sp+8; x9 and d8
    // saved above them (d8 in a 16-byte slot), the area 48 bytes.
    let mut args: Vec<Arg> = (0..8).map(|i| Arg::Int((i as i64).into())).collect();
    args.push(Arg::Int(SP.into()));
    args.push(Arg::Int(Mem::offset(SP, 8).into()));
    let call = Call::new(CallConv::Aapcs64, ADDR)
        .args(args)
        .save(&[X9, d(8)])
        .ret_int(X20);
    assert_same(
        &call_bytes(&call),
        &format!(
            "
            sub sp, sp, #48
            str x9, [sp, #16]
            str q8, [sp, #32]
            add x16, sp, #48
            str x16, [sp]
            ldr x16, [sp, #56]
            str x16, [sp, #8]
            movz x0, #0
            movz x1, #1
            movz x2, #2
            movz x3, #3
            movz x4, #4
            movz x5, #5
            movz x6, #6
            movz x7, #7
            {CALL_ADDR}
            mov x20, x0
            ldr x9, [sp, #16]
            ldr q8, [sp, #32]
            add sp, sp, #48"
        ),
    );
}

#[test]
fn bytes_of_apple_packing_and_variadic_arguments() {
    // Nine f32s: s0-s7, the ninth on the stack. Then an int32 and two
    // variadic values.
    let mut args: Vec<Arg> = (0..9).map(|i| Arg::F32(s(i).into())).collect();
    args.push(Arg::Int32(W9.into()));
    let fixed = 0;
    let _ = fixed;
    let aapcs = Call::new(CallConv::Aapcs64, ADDR).args(args.clone());
    let apple = Call::new(CallConv::Apple, ADDR).args(args.clone());
    // AAPCS64: 8-byte slots; the int32 is in w0.
    assert_same(
        &call_bytes(&aapcs),
        &format!("sub sp, sp, #16\nstr s8, [sp]\nmov x0, x9\n{CALL_ADDR}\nadd sp, sp, #16"),
    );
    assert_same(
        &call_bytes(&apple),
        &format!("sub sp, sp, #16\nstr s8, [sp]\nmov x0, x9\n{CALL_ADDR}\nadd sp, sp, #16"),
    );
    // Packed: f32 (4), f32 (4), i64 at 8, int32 at 16, f32 at 20.
    let mut many: Vec<Arg> = (0..10).map(|i| Arg::F32(s(i).into())).collect();
    many.extend((0..8).map(|i| Arg::Int((i as i64).into())));
    many.push(Arg::Int(X20.into()));
    many.push(Arg::Int32(W21.into()));
    many.push(Arg::F32(s(10).into()));
    let apple = Call::new(CallConv::Apple, ADDR).args(many.clone());
    let moves: String = (0..8).map(|i| format!("movz x{i}, #{i}\n")).collect();
    assert_same(
        &call_bytes(&apple),
        &format!(
            "sub sp, sp, #32
            str s8, [sp]
            str s9, [sp, #4]
            str x20, [sp, #8]
            str w21, [sp, #16]
            str s10, [sp, #20]
            {moves}{CALL_ADDR}
            add sp, sp, #32"
        ),
    );
    let aapcs = Call::new(CallConv::Aapcs64, ADDR).args(many);
    assert_same(
        &call_bytes(&aapcs),
        &format!(
            "sub sp, sp, #48
            str s8, [sp]
            str s9, [sp, #8]
            str x20, [sp, #16]
            str w21, [sp, #24]
            str s10, [sp, #32]
            {moves}{CALL_ADDR}
            add sp, sp, #48"
        ),
    );
    // printf-like: fmt in x0, then variadic (i64, f64). Apple: both on the
    // stack; AAPCS64: x1 and d0.
    let va = [
        Arg::Int(X19.into()),
        Arg::Int(X20.into()),
        Arg::F64(d(8).into()),
    ];
    let apple = Call::new(CallConv::Apple, ADDR).args(va).variadic(1);
    assert_same(
        &call_bytes(&apple),
        &format!(
            "sub sp, sp, #16\nstr x20, [sp]\nstr d8, [sp, #8]\nmov x0, x19\n{CALL_ADDR}\nadd sp, sp, #16"
        ),
    );
    let aapcs = Call::new(CallConv::Aapcs64, ADDR).args(va).variadic(1);
    assert_same(
        &call_bytes(&aapcs),
        &format!("fmov d0, d8\nmov x0, x19\nmov x1, x20\n{CALL_ADDR}"),
    );
}

#[test]
fn bytes_of_calls_to_a_label_and_a_register() {
    let mut ops = VecAssembler::<Aarch64>::new(0);
    let f = ops.new_dynamic_label();
    ops.define_dynamic(f).unwrap();
    Call::new(CallConv::Aapcs64, f)
        .arg(Arg::Int(X1.into()))
        .emit(&mut ops)
        .unwrap();
    // The target in x0, which an argument overwrites: moved to x17 first.
    Call::new(CallConv::Aapcs64, X0)
        .arg(Arg::Int(X2.into()))
        .emit(&mut ops)
        .unwrap();
    assert_same(
        &ops.finalize().unwrap(),
        "f:
        mov x0, x1
        bl f
        mov x17, x0
        mov x0, x2
        blr x17",
    );
}

#[test]
fn bytes_of_frames() {
    let frame = Frame::new(CallConv::Aapcs64);
    let mut ops = VecAssembler::<Aarch64>::new(0);
    frame.prologue(&mut ops).unwrap();
    frame.ret(&mut ops).unwrap();
    assert_same(
        &ops.finalize().unwrap(),
        "stp x29, x30, [sp, #-16]!\nmov x29, sp\nmov sp, x29\nldp x29, x30, [sp], #16\nret",
    );

    let frame = Frame::new(CallConv::Aapcs64)
        .save(&[X19, X20, X21, d(8), d(9)])
        .locals(1000);
    assert_eq!(frame.size(), 16 + 48 + 1008);
    assert_eq!(frame.locals_offset(), 64);
    let mut ops = VecAssembler::<Aarch64>::new(0);
    frame.prologue(&mut ops).unwrap();
    frame.ret(&mut ops).unwrap();
    assert_same(
        &ops.finalize().unwrap(),
        "sub sp, sp, #1072
        stp x29, x30, [sp]
        mov x29, sp
        stp x19, x20, [sp, #16]
        str x21, [sp, #32]
        stp d8, d9, [sp, #40]
        mov sp, x29
        ldp x19, x20, [sp, #16]
        ldr x21, [sp, #32]
        ldp d8, d9, [sp, #40]
        ldp x29, x30, [sp]
        add sp, sp, #1072
        ret",
    );

    // A frame over 4 KiB: two subtractions.
    let frame = Frame::new(CallConv::Aapcs64).locals(0x12340);
    let mut ops = VecAssembler::<Aarch64>::new(0);
    frame.prologue(&mut ops).unwrap();
    frame.epilogue(&mut ops).unwrap();
    assert_same(
        &ops.finalize().unwrap(),
        "sub sp, sp, #0x12, lsl #12
        sub sp, sp, #0x350
        stp x29, x30, [sp]
        mov x29, sp
        mov sp, x29
        ldp x29, x30, [sp]
        add sp, sp, #0x12, lsl #12
        add sp, sp, #0x350",
    );
}

#[test]
fn typed_errors() {
    let emit = |call: Call<'_>| call.emit(&mut VecAssembler::<Aarch64>::new(0));
    let c = || Call::new(CallConv::Aapcs64, ADDR);
    assert_eq!(
        emit(c().arg(Arg::Int(X0.into())).arg(Arg::Int(d(1).into()))),
        Err(AbiError::FpForInt { arg: 1 })
    );
    assert_eq!(
        emit(c().arg(Arg::F64(SP.into()))),
        Err(AbiError::StackPointerForFloat { arg: 0 })
    );
    assert_eq!(
        emit(c().arg(Arg::Int(Mem::pre(X1, 8).into()))),
        Err(AbiError::UnsupportedMem { arg: 0 })
    );
    assert_eq!(
        emit(c().arg(Arg::Int(Mem::index(SP, X1, None).into()))),
        Err(AbiError::UnsupportedMem { arg: 0 })
    );
    assert_eq!(
        emit(c().arg(Arg::Int(Mem::offset(XZR, 0).into()))),
        Err(AbiError::UnsupportedMem { arg: 0 })
    );
    assert_eq!(
        emit(
            c().arg(Arg::Int(X0.into()))
                .arg(Arg::f32_imm(1.0))
                .variadic(1)
        ),
        Err(AbiError::VariadicF32 { arg: 1 })
    );
    assert_eq!(emit(c().save(&[SP])), Err(AbiError::CannotSave(SP)));
    assert_eq!(emit(c().save(&[XZR])), Err(AbiError::CannotSave(XZR)));
    assert_eq!(emit(c().save(&[X3, W3])), Err(AbiError::SavedTwice(W3)));
    assert_eq!(
        emit(c().save(&[d(3), Reg::fp(RegClass::Q, 3)])),
        Err(AbiError::SavedTwice(Reg::fp(RegClass::Q, 3)))
    );
    assert_eq!(
        emit(c().save(&[X9]).ret_int(X9)),
        Err(AbiError::ResultRestored(X9))
    );
    assert_eq!(
        emit(c().save(&[d(9)]).ret_float(d(9))),
        Err(AbiError::ResultRestored(d(9)))
    );
    assert_eq!(emit(c().ret_int(d(1))), Err(AbiError::BadResult(d(1))));
    assert_eq!(emit(c().ret_int(SP)), Err(AbiError::BadResult(SP)));
    assert_eq!(emit(c().ret_float(X1)), Err(AbiError::BadResult(X1)));
    assert_eq!(
        emit(Call::new(CallConv::Aapcs64, XZR)),
        Err(AbiError::BadTarget(XZR))
    );
    assert_eq!(
        emit(Call::new(CallConv::Aapcs64, d(0))),
        Err(AbiError::BadTarget(d(0)))
    );
    // 2,100 stack arguments: more than the 16 KiB call area.
    let many = (0..2100).map(|_| Arg::Int(X0.into()));
    assert_eq!(emit(c().args(many)), Err(AbiError::TooLarge));
    // 18 integer sources reading x0-x17, two of them going to the stack
    // from immediates that need a scratch register.
    let mut args: Vec<Arg> = (0..18u8).map(|n| Arg::Int(Reg::x(n).into())).collect();
    args.push(Arg::Int(12345.into()));
    assert_eq!(emit(c().args(args)), Err(AbiError::NoScratch));
    // An offset the encoder rejects comes back as its error.
    let far = c().arg(Arg::Int(Mem::offset(X1, 1 << 20).into()));
    let err = emit(far).unwrap_err();
    assert!(matches!(err, AbiError::Encode(_)));
    assert!(std::error::Error::source(&err).is_some());

    let frame_err = |f: Frame| f.prologue(&mut VecAssembler::<Aarch64>::new(0));
    let f = || Frame::new(CallConv::Aapcs64);
    assert_eq!(frame_err(f().save(&[X29])), Err(AbiError::CannotSave(X29)));
    assert_eq!(frame_err(f().save(&[X30])), Err(AbiError::CannotSave(X30)));
    assert_eq!(frame_err(f().save(&[SP])), Err(AbiError::CannotSave(SP)));
    assert_eq!(
        frame_err(f().save(&[X19, X20, X19])),
        Err(AbiError::SavedTwice(X19))
    );
    assert_eq!(frame_err(f().locals(1 << 24)), Err(AbiError::TooLarge));
    assert!(f()
        .locals((1 << 24) - 32)
        .prologue(&mut VecAssembler::<Aarch64>::new(0))
        .is_ok());
    // Errors display.
    assert!(AbiError::NoScratch.to_string().contains("scratch"));
}

/// Calls and frames run: on AArch64 hosts and under qemu-aarch64.
#[cfg(target_arch = "aarch64")]
mod run {
    use super::{d, s};
    use jitasm::a64::{regs::*, Mem, Modifier, Reg, RegClass};
    use jitasm::abi::aarch64::{AbiError, Arg, Call, CallConv, CallTarget, Frame, Src};
    use jitasm::{dynasm, isa::Aarch64, Assembler, DynamicLabel, LabelApi};
    use std::cell::{Cell, RefCell};

    /// The convention of these tests' host (Linux under qemu).
    const CONV: CallConv = CallConv::host();

    thread_local! {
        /// What the last Rust callee received, each argument as its bits.
        static GOT: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
        /// Callees entered with `sp` not 16-byte aligned.
        static MISALIGNED: Cell<u32> = const { Cell::new(0) };
    }

    #[repr(C, align(16))]
    struct Probe([u8; 16]);

    /// Counts a misaligned entry: a 16-byte aligned local is placed assuming
    /// `sp` was aligned at the call, so its address shows if it was not.
    #[inline(never)]
    fn check_alignment() {
        let probe = Probe([0; 16]);
        let at = std::hint::black_box(&probe) as *const Probe as usize;
        if at % 16 != 0 {
            MISALIGNED.with(|m| m.set(m.get() + 1));
        }
    }

    /// Records the arguments; returns a hash of them.
    fn record(args: &[u64]) -> u64 {
        check_alignment();
        GOT.with(|g| *g.borrow_mut() = args.to_vec());
        hash(args)
    }

    fn hash(args: &[u64]) -> u64 {
        args.iter().fold(0x9e37_79b9_7f4a_7c15, |h, &a| {
            (h ^ a).wrapping_mul(0x100_0000_01b3).rotate_left(17)
        })
    }

    fn take_got() -> Vec<u64> {
        GOT.with(|g| std::mem::take(&mut *g.borrow_mut()))
    }

    fn misaligned() -> u32 {
        MISALIGNED.with(|m| m.get())
    }

    /// An argument's type.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Ty {
        I64,
        I32,
        F64,
        F32,
    }
    use Ty::*;

    trait Bits {
        const TY: Ty;
        fn bits(self) -> u64;
    }
    impl Bits for u64 {
        const TY: Ty = I64;
        fn bits(self) -> u64 {
            self
        }
    }
    impl Bits for u32 {
        const TY: Ty = I32;
        fn bits(self) -> u64 {
            u64::from(self)
        }
    }
    impl Bits for f64 {
        const TY: Ty = F64;
        fn bits(self) -> u64 {
            self.to_bits()
        }
    }
    impl Bits for f32 {
        const TY: Ty = F32;
        fn bits(self) -> u64 {
            u64::from(self.to_bits())
        }
    }

    /// An `extern "C"` callee recording its arguments, and its signature.
    macro_rules! callee {
        ($name:ident, $sig:ident: $($a:ident: $t:ty),*) => {
            extern "C" fn $name($($a: $t),*) -> u64 {
                record(&[$($a.bits()),*])
            }
            const $sig: &[Ty] = &[$(<$t as Bits>::TY),*];
        };
    }

    callee!(c0, C0:);
    callee!(c1, C1: a: u64);
    callee!(c2, C2: a: f64, b: u32);
    callee!(c3, C3: a: f32, b: u64, c: f64);
    callee!(c5, C5: a: u32, b: f32, c: u64, d: f64, e: u64);
    callee!(i8_, I8: a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u64);
    callee!(i9, I9: a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u32, i: u64);
    callee!(i10, I10: a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u64, i: u64, j: u32);
    callee!(f10, F10: a: f64, b: f64, c: f32, d: f64, e: f64, f: f64, g: f64, h: f64, i: f32, j: f64);
    callee!(m10, M10: a: u64, b: f64, c: u32, d: f32, e: u64, f: f64, g: u64, h: f32, i: u64, j: f64);
    callee!(wide, WIDE:
        a0: u64, b0: f32, a1: u32, b1: f64, a2: u64, b2: f64, a3: u32, b3: f32,
        a4: u64, b4: f64, a5: u64, b5: f32, a6: u64, b6: f64, a7: u32, b7: f32,
        a8: u64, b8: f64, a9: u64, b9: f32, a10: u64, b10: f64, a11: u32, b11: f32);

    /// A callee returning `f64` (the result in `d0`).
    extern "C" fn f3r(a: f64, b: f32, c: f64) -> f64 {
        record(&[a.bits(), b.bits(), c.bits()]);
        a * 2.0 + f64::from(b) - c
    }

    /// xorshift64*, for values and plans.
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

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Where one argument of a planned call comes from.
    #[derive(Clone, Copy, Debug)]
    enum Kind {
        /// A general register (`x`), loaded from the table.
        Gp(u8),
        /// A SIMD&FP register (`d`), loaded from the table.
        Fp(u8),
        Imm,
        /// `[x19, #8i]`: the table.
        Table,
        /// `[sp, #k]`: a copy in the harness frame's locals.
        Stack,
        /// `[x19, x28, lsl #3]` with x28 = i.
        Indexed,
        /// `[xr]` with xr = the entry's address.
        ViaReg(u8),
        /// `sp` itself (integers).
        Sp,
    }

    /// Registers that may hold values: x19 holds the table, x28 an index,
    /// x18 is the platform's, x29/x30 the frame's.
    const GP_POOL: [u8; 26] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26,
        27,
    ];

    /// A random finite value of type `ty`, with junk above 32-bit values
    /// (the callee must only see the low half).
    fn value(rng: &mut Rng, ty: Ty) -> u64 {
        let junk = rng.next() << 32;
        match ty {
            I64 => rng.next(),
            I32 => junk | (rng.next() & 0xffff_ffff),
            F64 => (((rng.next() as i64) >> 20) as f64 / 7.0).to_bits(),
            F32 => junk | u64::from((((rng.next() as i32) >> 8) as f32 / 3.0).to_bits()),
        }
    }

    /// What the callee should see of `v` passed as `ty`.
    fn seen(ty: Ty, v: u64) -> u64 {
        match ty {
            I32 | F32 => v & 0xffff_ffff,
            _ => v,
        }
    }

    fn arg(ty: Ty, src: Src) -> Arg {
        match ty {
            I64 => Arg::Int(src),
            I32 => Arg::Int32(src),
            F64 => Arg::F64(src),
            F32 => Arg::F32(src),
        }
    }

    /// A trampoline at a label: jumps on to `addr` with the arguments as
    /// they are (`x16` is the intra-procedure-call scratch register).
    fn trampoline(ops: &mut Assembler<Aarch64>, label: DynamicLabel, addr: u64) {
        dynasm!(ops ; .arch aarch64 ; =>label);
        for k in 0..4u32 {
            let piece = ((addr >> (16 * k)) & 0xffff) as u32;
            if k == 0 {
                dynasm!(ops ; .arch aarch64 ; movz x16, #piece);
            } else {
                dynasm!(ops ; .arch aarch64 ; movk x16, #piece, lsl #(16 * k));
            }
        }
        dynasm!(ops ; .arch aarch64 ; br x16);
    }

    /// Builds a harness `fn(table: *mut u64) -> u64` that loads the values of
    /// a random plan into registers, the frame's locals and so on, calls
    /// `callee` (of signature `tys`) through a random kind of target with the
    /// arguments from those places, and returns its result; runs it and
    /// checks every argument. Returns false if the plan needed a scratch
    /// register and none was left.
    fn run_plan(rng: &mut Rng, callee: u64, tys: &[Ty]) -> bool {
        let n = tys.len();
        let mut table: Vec<u64> = tys.iter().map(|&t| value(rng, t)).collect();
        table.push(0); // sp, as the harness sees it
        let sp_slot = n as u32;

        // The plan: a kind per argument, registers used once (or reused by
        // an argument of the same type, with the same value).
        let mut gp_free: Vec<u8> = GP_POOL.to_vec();
        let mut fp_free: Vec<u8> = (0..32).collect();
        let mut reused: Vec<(Kind, Ty, usize)> = Vec::new();
        let mut indexed = None;
        let mut kinds = Vec::new();
        for (i, &ty) in tys.iter().enumerate() {
            let float = matches!(ty, F64 | F32);
            let same: Vec<&(Kind, Ty, usize)> = reused.iter().filter(|r| r.1 == ty).collect();
            if !same.is_empty() && rng.below(5) == 0 {
                let &(k, _, j) = same[rng.below(same.len())];
                table[i] = table[j];
                kinds.push(k);
                continue;
            }
            let kind = loop {
                let k = match rng.below(8) {
                    0 | 1 | 7 if gp_free.len() < 2 => Kind::Table,
                    0 | 1 => Kind::Gp(gp_free.remove(rng.below(gp_free.len()))),
                    2 | 3 if float => Kind::Fp(fp_free.remove(rng.below(fp_free.len()))),
                    2 => Kind::Imm,
                    3 | 4 => Kind::Table,
                    5 => Kind::Stack,
                    6 if indexed.is_none() => {
                        indexed = Some(i);
                        Kind::Indexed
                    }
                    6 if !float => Kind::Sp,
                    7 => Kind::ViaReg(gp_free.remove(rng.below(gp_free.len()))),
                    _ => continue,
                };
                break k;
            };
            if matches!(kind, Kind::Gp(_) | Kind::Fp(_)) {
                reused.push((kind, ty, i));
            }
            kinds.push(kind);
        }
        // The target: an address, a label (a trampoline), or a register
        // (maybe an argument register, moved away before it is overwritten).
        let target_reg = gp_free.remove(rng.below(gp_free.len()));
        let target_kind = rng.below(3);

        let mut ops = Assembler::<Aarch64>::new().unwrap();
        let entry = ops.offset();
        let tramp = ops.new_dynamic_label();
        let callee_saved: Vec<Reg> = CONV
            .callee_saved()
            .iter()
            .chain(CONV.callee_saved_fp())
            .copied()
            .collect();
        let frame = Frame::new(CONV).save(&callee_saved).locals(8 * n as u32);
        frame.prologue(&mut ops).unwrap();
        let locals = frame.locals_offset();
        dynasm!(ops
            ; .arch aarch64
            ; mov x19, x0
            ; mov x9, sp
            ; str x9, [x19, #8 * sp_slot]
        );
        // The stack copies first: x9 may hold a value afterwards.
        for (i, kind) in kinds.iter().enumerate() {
            if let Kind::Stack = kind {
                let (off, local) = (8 * i as u32, locals + 8 * i as u32);
                dynasm!(ops ; .arch aarch64 ; ldr x9, [x19, #off] ; str x9, [x29, #local]);
            }
        }
        let mut args = Vec::new();
        for (i, (&ty, &kind)) in tys.iter().zip(&kinds).enumerate() {
            let off = 8 * i as u32;
            let src = match kind {
                Kind::Gp(r) => {
                    dynasm!(ops ; .arch aarch64 ; ldr X(r), [x19, #off]);
                    Src::Reg(Reg::x(r))
                }
                Kind::Fp(r) => {
                    dynasm!(ops ; .arch aarch64 ; ldr D(r), [x19, #off]);
                    Src::Reg(d(r))
                }
                Kind::Imm => Src::Imm(table[i] as i64),
                Kind::Table => Src::Mem(Mem::offset(X19, i64::from(off))),
                Kind::Stack => {
                    // Copied above; sp is x29 inside the frame.
                    Src::Mem(Mem::offset(SP, i64::from(locals + off)))
                }
                Kind::Indexed => {
                    // The shift is the access size's: 8-byte entries are
                    // 2 * i 4-byte ones.
                    let (index, shift) = match ty {
                        I64 | F64 => (i as u32, 3),
                        I32 | F32 => (2 * i as u32, 2),
                    };
                    dynasm!(ops ; .arch aarch64 ; movz x28, #index);
                    Src::Mem(Mem::index(X19, X28, Some(Modifier::lsl(shift))))
                }
                Kind::ViaReg(r) => {
                    dynasm!(ops ; .arch aarch64 ; add X(r), x19, #off);
                    Src::Mem(Mem::base(Reg::x(r)))
                }
                Kind::Sp => Src::Reg(SP),
            };
            args.push(arg(ty, src));
        }
        let target = match target_kind {
            0 => CallTarget::Addr(callee),
            1 => CallTarget::from(tramp),
            _ => {
                let r = target_reg;
                for k in 0..4u32 {
                    let piece = ((callee >> (16 * k)) & 0xffff) as u32;
                    if k == 0 {
                        dynasm!(ops ; .arch aarch64 ; movz X(r), #piece);
                    } else {
                        dynasm!(ops ; .arch aarch64 ; movk X(r), #piece, lsl #(16 * k));
                    }
                }
                CallTarget::Reg(Reg::x(r))
            }
        };
        let call = frame.call(target).args(args.clone()).ret_int(X20);
        match call.emit(&mut ops) {
            Err(AbiError::NoScratch) => return false,
            r => r.unwrap_or_else(|e| panic!("{e}: {args:?}")),
        }
        dynasm!(ops ; .arch aarch64 ; mov x0, x20);
        frame.ret(&mut ops).unwrap();
        trampoline(&mut ops, tramp, callee);
        let code = ops.finalize().unwrap();
        // SAFETY: the harness is a complete AAPCS64 function taking the
        // table's address (n + 1 u64s, the last written) and returning u64;
        // it reads the table and calls `callee`, whose signature is `tys`.
        let f = unsafe { code.func::<extern "C" fn(*mut u64) -> u64>(entry) }.unwrap();
        let before = misaligned();
        let ret = f(table.as_mut_ptr());
        assert_eq!(misaligned(), before, "sp misaligned at the call");
        let sp = table[n];
        let want: Vec<u64> = tys
            .iter()
            .zip(&kinds)
            .enumerate()
            .map(|(i, (&ty, k))| seen(ty, if matches!(k, Kind::Sp) { sp } else { table[i] }))
            .collect();
        let got = take_got();
        assert_eq!(got, want, "plan {kinds:?}, target {target_kind}");
        assert_eq!(ret, hash(&want));
        true
    }

    #[test]
    fn calls_with_0_to_24_arguments_from_every_kind_of_source() {
        let callees: [(u64, &[Ty]); 11] = [
            (c0 as *const () as u64, C0),
            (c1 as *const () as u64, C1),
            (c2 as *const () as u64, C2),
            (c3 as *const () as u64, C3),
            (c5 as *const () as u64, C5),
            (i8_ as *const () as u64, I8),
            (i9 as *const () as u64, I9),
            (i10 as *const () as u64, I10),
            (f10 as *const () as u64, F10),
            (m10 as *const () as u64, M10),
            (wide as *const () as u64, WIDE),
        ];
        let mut rng = Rng(0x5eed);
        let (mut ran, mut skipped) = (0, 0);
        for (addr, tys) in callees {
            for _ in 0..40 {
                if run_plan(&mut rng, addr, tys) {
                    ran += 1;
                } else {
                    skipped += 1;
                }
            }
        }
        assert!(
            skipped * 20 < ran,
            "{skipped} plans out of scratch registers"
        );
        assert_eq!(misaligned(), 0);
    }

    /// Registers with every argument in its own register, rotated: a
    /// cycle through all eight general and all eight SIMD&FP argument
    /// registers, broken by swaps.
    #[test]
    fn rotated_argument_registers() {
        assert_eq!(M16, [I64, F64].repeat(8));
        for shift in 1..8u8 {
            let mut ops = Assembler::<Aarch64>::new().unwrap();
            let entry = ops.offset();
            let frame = Frame::new(CONV);
            frame.prologue(&mut ops).unwrap();
            let mut args = Vec::new();
            for i in 0..8u8 {
                let j = (i + shift) % 8;
                args.push(Arg::Int(Reg::x(j).into()));
                args.push(Arg::F64(d(j).into()));
            }
            // x0-x7 hold 0x100 + n, d0-d7 hold n + 0.5.
            for n in 0..8u32 {
                let bits = (f64::from(n) + 0.5).to_bits();
                dynasm!(ops ; .arch aarch64 ; movz X(n as u8), #0x100 + n);
                dynasm!(ops ; .arch aarch64 ; movz x9, #(bits >> 48) as u32, lsl #48 ; fmov D(n as u8), x9);
            }
            frame
                .call(m16 as *const () as u64)
                .args(args)
                .emit(&mut ops)
                .unwrap();
            frame.ret(&mut ops).unwrap();
            let code = ops.finalize().unwrap();
            // SAFETY: a complete AAPCS64 function `fn() -> u64` calling
            // `m16` with its signature.
            let f = unsafe { code.func::<extern "C" fn() -> u64>(entry) }.unwrap();
            f();
            let want: Vec<u64> = (0..8u8)
                .flat_map(|i| {
                    let j = u64::from((i + shift) % 8);
                    [0x100 + j, (j as f64 + 0.5).to_bits()]
                })
                .collect();
            assert_eq!(take_got(), want, "shift {shift}");
        }
    }

    callee!(m16, M16:
        a0: u64, b0: f64, a1: u64, b1: f64, a2: u64, b2: f64, a3: u64, b3: f64,
        a4: u64, b4: f64, a5: u64, b5: f64, a6: u64, b6: f64, a7: u64, b7: f64);

    #[test]
    fn float_result_moved_out_of_v0() {
        let mut ops = Assembler::<Aarch64>::new().unwrap();
        let entry = ops.offset();
        let frame = Frame::new(CONV);
        frame.prologue(&mut ops).unwrap();
        // f(d1, s0 as f32, 0.1) with the inputs swapped into place.
        frame
            .call(f3r as *const () as u64)
            .args([
                Arg::F64(d(1).into()),
                Arg::F32(s(0).into()),
                Arg::f64_imm(0.1),
            ])
            .ret_float(d(17))
            .emit(&mut ops)
            .unwrap();
        dynasm!(ops ; .arch aarch64 ; fmov d0, d17);
        frame.ret(&mut ops).unwrap();
        let code = ops.finalize().unwrap();
        // SAFETY: a complete AAPCS64 function of this type calling `f3r`.
        let f = unsafe { code.func::<extern "C" fn(f32, f64) -> f64>(entry) }.unwrap();
        assert_eq!(f(1.5, 10.0), 10.0 * 2.0 + 1.5 - 0.1);
        assert_eq!(
            take_got(),
            [
                10f64.to_bits(),
                u64::from(1.5f32.to_bits()),
                0.1f64.to_bits()
            ]
        );
    }

    /// Memory sources whose base registers are argument registers being
    /// overwritten: parked in SIMD&FP registers.
    #[test]
    fn memory_sources_in_a_cycle() {
        let mut ops = Assembler::<Aarch64>::new().unwrap();
        let entry = ops.offset();
        let frame = Frame::new(CONV);
        frame.prologue(&mut ops).unwrap();
        // fn(a: &u64, b: &u64) -> c3i(*b, *a, a)
        frame
            .call(c3i as *const () as u64)
            .args([
                Arg::Int(Mem::base(X1).into()),
                Arg::Int(Mem::base(X0).into()),
                Arg::Int(X0.into()),
            ])
            .emit(&mut ops)
            .unwrap();
        frame.ret(&mut ops).unwrap();
        let code = ops.finalize().unwrap();
        // SAFETY: a complete AAPCS64 function reading through its two
        // pointer arguments, calling `c3i` with its signature.
        let f =
            unsafe { code.func::<extern "C" fn(*const u64, *const u64) -> u64>(entry) }.unwrap();
        let (a, b) = (11u64, 22u64);
        assert_eq!(f(&a, &b), 1000);
        assert_eq!(take_got(), [22, 11, &a as *const u64 as u64]);
    }

    /// A callee that clobbers every register AAPCS64 lets it clobber:
    /// x0-x17 and all of v0-v7, v16-v31, and the upper halves of v8-v15.
    fn clobberer(ops: &mut Assembler<Aarch64>, label: DynamicLabel) {
        dynasm!(ops ; .arch aarch64 ; =>label);
        for n in 0..18u32 {
            dynasm!(ops ; .arch aarch64 ; movn X(n as u8), #n);
        }
        for n in (0..8u32).chain(16..32) {
            dynasm!(ops ; .arch aarch64 ; movi V(n as u8).d2, #0xff00ff00ff00ff00u64);
        }
        for n in 8..16u32 {
            dynasm!(ops ; .arch aarch64 ; mov V(n as u8).d[1], x0);
        }
        dynasm!(ops ; .arch aarch64 ; movz x0, #77 ; ret);
    }

    /// Caller-saved registers listed in `save` keep their values across
    /// calls to a clobbering callee (by label) and to Rust (by address), in
    /// a leaf function that has no frame and saves `x30` itself.
    #[test]
    fn saved_registers_survive_the_call() {
        let saved_gp: Vec<u32> = (1..18).collect();
        let saved_fp: Vec<u32> = (1..8).chain(16..32).collect();
        let mut save: Vec<Reg> = saved_gp.iter().map(|&n| Reg::x(n as u8)).collect();
        save.extend(saved_fp.iter().map(|&n| Reg::fp(RegClass::Q, n as u8)));
        save.push(X30);
        for by_label in [true, false] {
            let mut ops = Assembler::<Aarch64>::new().unwrap();
            let entry = ops.offset();
            let clobber = ops.new_dynamic_label();
            // fn(out: *mut u64), a leaf without a frame. v_n = (n, n + 100)
            // as two u64 lanes, x_n = n * 0x111 but x8 = out.
            for &n in &saved_fp {
                dynasm!(ops
                    ; .arch aarch64
                    ; movz x9, #n
                    ; mov V(n as u8).d[0], x9
                    ; movz x9, #n + 100
                    ; mov V(n as u8).d[1], x9
                );
            }
            dynasm!(ops ; .arch aarch64 ; mov x8, x0);
            for &n in saved_gp.iter().filter(|&&n| n != 8) {
                dynasm!(ops ; .arch aarch64 ; movz X(n as u8), #n * 0x111);
            }
            let target: CallTarget = if by_label {
                clobber.into()
            } else {
                CallTarget::Addr(c1 as *const () as u64)
            };
            Call::new(CONV, target)
                .arg(Arg::Int(X5.into()))
                .save(&save)
                .ret_int(X0)
                .emit(&mut ops)
                .unwrap();
            // out[0] = the result, out[n] = x_n, then the q registers.
            dynasm!(ops ; .arch aarch64 ; str x0, [x8]);
            for &n in saved_gp.iter().filter(|&&n| n != 8) {
                dynasm!(ops ; .arch aarch64 ; str X(n as u8), [x8, #8 * n]);
            }
            for (i, &n) in saved_fp.iter().enumerate() {
                let off = 8 * 18 + 16 * i as u32;
                dynasm!(ops ; .arch aarch64 ; str Q(n as u8), [x8, #off]);
            }
            dynasm!(ops ; .arch aarch64 ; ret);
            clobberer(&mut ops, clobber);
            let code = ops.finalize().unwrap();
            // SAFETY: a complete AAPCS64 leaf function writing 18 + 2 * 23
            // u64s at its argument, touching no callee-saved register.
            let f = unsafe { code.func::<extern "C" fn(*mut u64)>(entry) }.unwrap();
            let mut out = vec![0u64; 18 + 2 * saved_fp.len()];
            f(out.as_mut_ptr());
            let result = if by_label { 77 } else { hash(&[5 * 0x111]) };
            assert_eq!(out[0], result);
            for &n in saved_gp.iter().filter(|&&n| n != 8) {
                assert_eq!(out[n as usize], u64::from(n) * 0x111, "x{n}");
            }
            for (i, &n) in saved_fp.iter().enumerate() {
                let at = 18 + 2 * i;
                assert_eq!(
                    [out[at], out[at + 1]],
                    [u64::from(n), u64::from(n) + 100],
                    "q{n}"
                );
            }
        }
    }

    /// Recursion through frames of different shapes, each level calling the
    /// next by label with arguments from its locals (`x29`- and
    /// `sp`-relative) and callee-saved registers, the innermost calling
    /// Rust: every callee-saved register survives, locals stay intact, and
    /// every call sees an aligned `sp`.
    #[test]
    fn nested_frames_keep_callee_saved_registers_and_alignment() {
        const LEVELS: usize = 6;
        let mut ops = Assembler::<Aarch64>::new().unwrap();
        let labels: Vec<DynamicLabel> = (0..=LEVELS).map(|_| ops.new_dynamic_label()).collect();
        let outer = ops.offset();

        // The outer harness: saves every callee-saved register, fills them
        // with markers, calls level 0, stores them and the result at x0.
        let all: Vec<Reg> = CONV
            .callee_saved()
            .iter()
            .chain(CONV.callee_saved_fp())
            .copied()
            .collect();
        let harness = Frame::new(CONV).save(&all).locals(16);
        harness.prologue(&mut ops).unwrap();
        let out = harness.locals_offset();
        dynasm!(ops ; .arch aarch64 ; str x0, [x29, #out]);
        for n in 19..29u32 {
            dynasm!(ops ; .arch aarch64 ; movz X(n as u8), #n * 3);
        }
        for n in 8..16u32 {
            dynasm!(ops ; .arch aarch64 ; movz x9, #n * 5 ; fmov D(n as u8), x9);
        }
        harness
            .call(labels[0])
            .arg(Arg::Int(1.into()))
            .ret_int(X9)
            .emit(&mut ops)
            .unwrap();
        dynasm!(ops ; .arch aarch64 ; ldr x10, [x29, #out] ; str x9, [x10]);
        for n in 19..29u32 {
            dynasm!(ops ; .arch aarch64 ; str X(n as u8), [x10, #8 * (n - 18)]);
        }
        for n in 8..16u32 {
            dynasm!(ops ; .arch aarch64 ; str D(n as u8), [x10, #8 * (n + 3)]);
        }
        harness.ret(&mut ops).unwrap();

        // Level k: fn(acc) -> acc * (k + 2) + (inner result): a frame
        // saving k + 1 callee-saved registers (odd and even counts) and
        // d8 at odd levels, with 8 * k bytes of locals.
        for k in 0..LEVELS {
            ops.define_dynamic(labels[k]).unwrap();
            let mut save: Vec<Reg> = (0..=k as u8).map(|i| Reg::x(19 + i)).collect();
            if k % 2 == 1 {
                save.push(d(8));
            }
            let frame = Frame::new(CONV).save(&save).locals(8 * k as u32 + 8);
            frame.prologue(&mut ops).unwrap();
            let local = frame.locals_offset();
            // Clobber what this level saved; keep acc in a local.
            for r in &save {
                let n = r.num() as u32;
                if r.class() == RegClass::X {
                    dynasm!(ops ; .arch aarch64 ; movn X(n as u8), #k as u32);
                } else {
                    dynasm!(ops ; .arch aarch64 ; fmov D(n as u8), x0);
                }
            }
            dynasm!(ops ; .arch aarch64 ; str x0, [x29, #local] ; mov x19, x0);
            // Arguments from a local through sp and from x19.
            frame
                .call(labels[k + 1])
                .args([
                    Arg::Int(Mem::offset(SP, i64::from(local)).into()),
                    Arg::Int(X19.into()),
                    Arg::Int((k as i64).into()),
                ])
                .ret_int(X1)
                .emit(&mut ops)
                .unwrap();
            dynasm!(ops
                ; .arch aarch64
                ; ldr x0, [x29, #local]
                ; movz x2, #k as u32 + 2
                ; mul x0, x0, x2
                ; add x0, x0, x1
            );
            frame.ret(&mut ops).unwrap();
        }
        // The innermost: a trampoline to Rust.
        trampoline(&mut ops, labels[LEVELS], c3i as *const () as u64);

        let code = ops.finalize().unwrap();
        // SAFETY: `outer` is a complete AAPCS64 function writing 19 u64s at
        // its argument; the levels and `c3i` are called with their
        // signatures.
        let f = unsafe { code.func::<extern "C" fn(*mut u64)>(outer) }.unwrap();
        let before = misaligned();
        let mut out = [0u64; 19];
        f(out.as_mut_ptr());
        assert_eq!(misaligned(), before);
        assert_eq!(take_got(), [1, 1, LEVELS as u64 - 1]); // innermost args
                                                           // Level k returns 1 * (k + 2) + what level k + 1 returns.
        let want = 1000 + (0..LEVELS as u64).map(|k| k + 2).sum::<u64>();
        assert_eq!(out[0], want);
        for n in 19..29u64 {
            assert_eq!(out[(n - 18) as usize], n * 3, "x{n}");
        }
        for n in 8..16u64 {
            assert_eq!(out[(n + 3) as usize], n * 5, "d{n}");
        }
    }

    extern "C" fn c3i(a: u64, b: u64, c: u64) -> u64 {
        record(&[a, b, c]);
        1000
    }

    extern "C" {
        fn snprintf(buf: *mut u8, n: usize, format: *const u8, ...) -> i32;
    }

    /// A variadic call into the C library with more integer and float
    /// arguments than registers.
    #[test]
    fn variadic_snprintf() {
        let format =
            b"%ld %ld %ld %ld %ld %ld %ld %d|%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.2f|%s\0";
        let word = b"end\0";
        let mut buf = [0u8; 200];
        let mut ops = Assembler::<Aarch64>::new().unwrap();
        let entry = ops.offset();
        let frame = Frame::new(CONV);
        frame.prologue(&mut ops).unwrap();
        let mut args = vec![
            Arg::Int(X0.into()),
            Arg::Int((buf.len() as i64).into()),
            Arg::Int((format.as_ptr() as i64).into()),
        ];
        args.extend((1..=7).map(|i| Arg::Int((-i * 11).into())));
        args.push(Arg::Int32(Src::Imm(0x1_0000_0000 + 42)));
        args.extend((1..=8).map(|i| Arg::f64_imm(f64::from(i) + 0.5)));
        args.push(Arg::f64_imm(0.125));
        args.push(Arg::Int((word.as_ptr() as i64).into()));
        frame
            .call(snprintf as *const () as u64)
            .args(args)
            .variadic(3)
            .emit(&mut ops)
            .unwrap();
        frame.ret(&mut ops).unwrap();
        let code = ops.finalize().unwrap();
        // SAFETY: a complete AAPCS64 function calling snprintf with a
        // format whose conversions match the arguments, into the buffer
        // passed in x0, of the length passed.
        let f = unsafe { code.func::<extern "C" fn(*mut u8) -> i32>(entry) }.unwrap();
        let n = f(buf.as_mut_ptr());
        let text = std::str::from_utf8(&buf[..n as usize]).unwrap();
        assert_eq!(
            text,
            "-11 -22 -33 -44 -55 -66 -77 42|1.5 2.5 3.5 4.5 5.5 6.5 7.5 8.5 0.12|end"
        );
    }
}
