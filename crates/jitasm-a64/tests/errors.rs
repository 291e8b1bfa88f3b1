//! Bad operands give the specific typed error, naming the rule; nothing is
//! masked or truncated.

use jitasm_a64::regs::*;
use jitasm_a64::{
    encode, Arrangement, Cond, Elem, ElemSize, EncodeError, Instruction, Mem, Modifier, Operand,
    Reg,
};

fn err(m: &str, ops: &[Operand<'_>]) -> EncodeError {
    match encode(&Instruction::new(m, ops)) {
        Ok(e) => panic!("{m} {ops:?} encoded as {:08x}", e.word()),
        Err(e) => e,
    }
}

use Operand::{Imm, Reg as R};

#[test]
fn bitmask_immediates() {
    for (v, w) in [(0i64, 64u8), (-1, 64), (0x1234, 64), (0x5, 64)] {
        let e = err("and", &[R(X0), R(X1), Imm(v)]);
        assert_eq!(
            e,
            EncodeError::NotBitmaskImmediate {
                operand: 2,
                value: v as u64,
                width: w
            }
        );
        assert!(
            e.to_string().contains("not a valid bitmask immediate"),
            "{e}"
        );
    }
    // A 32-bit operation: 0x1_0000_0001 does not fit and is not truncated.
    let e = err("orr", &[R(W0), R(W1), Imm(0x1_0000_0001)]);
    assert!(
        matches!(e, EncodeError::NotBitmaskImmediate { width: 32, .. }),
        "{e:?}"
    );
    // tst goes through ands: the operand is renumbered to the alias's.
    let e = err("tst", &[R(X3), Imm(0x1234)]);
    assert!(
        matches!(e, EncodeError::NotBitmaskImmediate { operand: 1, .. }),
        "{e:?}"
    );
}

#[test]
fn scaled_offsets() {
    let e = err("ldr", &[R(X0), Operand::Mem(Mem::offset(X1, 32768))]);
    assert_eq!(
        e,
        EncodeError::Offset {
            operand: 1,
            value: 32768,
            scale: 8,
            min: 0,
            max: 32760
        }
    );
    assert!(
        e.to_string()
            .contains("offset must be a multiple of 8 in 0..=32760"),
        "{e}"
    );
    // Misaligned and beyond the unscaled range too: the scaled rule is reported.
    let e = err("ldr", &[R(X0), Operand::Mem(Mem::offset(X1, 257))]);
    assert!(
        matches!(
            e,
            EncodeError::Offset {
                value: 257,
                scale: 8,
                ..
            }
        ),
        "{e:?}"
    );
    // Misaligned within -256..=255 falls back to ldur, as llvm-mc does.
    assert!(encode(&Instruction::new(
        "ldr",
        &[R(X0), Operand::Mem(Mem::offset(X1, 9))]
    ))
    .is_ok());
    let e = err("ldp", &[R(X0), R(X1), Operand::Mem(Mem::offset(SP, 4))]);
    assert_eq!(
        e,
        EncodeError::Offset {
            operand: 2,
            value: 4,
            scale: 8,
            min: -512,
            max: 504
        }
    );
    let e = err("ldr", &[R(X0), Operand::Mem(Mem::pre(X1, 256))]);
    assert!(
        matches!(
            e,
            EncodeError::Offset {
                scale: 1,
                min: -256,
                max: 255,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn add_sub_and_move_wide_immediates() {
    let e = err("add", &[R(X0), R(X1), Imm(4097)]);
    assert_eq!(
        e,
        EncodeError::NotAddSubImmediate {
            operand: 2,
            value: 4097
        }
    );
    let e = err(
        "add",
        &[R(X0), R(X1), Imm(1), Operand::Modifier(Modifier::lsl(13))],
    );
    assert!(
        matches!(e, EncodeError::BadModifier { operand: 3, .. }),
        "{e:?}"
    );
    let e = err("movz", &[R(X0), Imm(0x10000)]);
    assert!(
        matches!(e, EncodeError::NotMoveWideImmediate { value: 0x10000, .. }),
        "{e:?}"
    );
    let e = err(
        "movz",
        &[R(W0), Imm(1), Operand::Modifier(Modifier::lsl(32))],
    );
    assert!(
        matches!(e, EncodeError::BadModifier { operand: 2, .. }),
        "{e:?}"
    );
    let e = err("mov", &[R(X0), Imm(0x1234_5678)]);
    assert!(
        matches!(e, EncodeError::NotMovImmediate { width: 64, .. }),
        "{e:?}"
    );
    // Never truncated to 32 bits (llvm-mc does truncate this one).
    let e = err("mov", &[R(W0), Imm(0x1_0000_0000)]);
    assert!(
        matches!(e, EncodeError::NotMovImmediate { width: 32, .. }),
        "{e:?}"
    );
    // dynasm-rs's `mov.inverted` (movn) and `mov.logical` (orr): their
    // own rules, at the immediate.
    for (r, v, w) in [
        (X0, 0x1234_5678i64, 64u8),
        (W0, 0x1_0000_0000, 32),
        (W0, 0x1234, 32),
    ] {
        let e = err("mov.inverted", &[R(r), Imm(v)]);
        assert_eq!(
            e,
            EncodeError::NotInvertedWideImmediate {
                operand: 1,
                value: v,
                width: w
            }
        );
        assert!(
            e.to_string().contains("not an inverted wide immediate"),
            "{e}"
        );
    }
    let e = err("mov.logical", &[R(W0), Imm(0x1234)]);
    assert!(
        matches!(
            e,
            EncodeError::NotBitmaskImmediate {
                operand: 1,
                width: 32,
                ..
            }
        ),
        "{e:?}"
    );
    let enc = |m: &str, ops: &[Operand<'_>]| encode(&Instruction::new(m, ops)).unwrap().word();
    // movn x1, #0xedcb, lsl #32; movn w2, #0; orr sp, xzr, #0xff
    assert_eq!(
        enc(
            "mov.inverted",
            &[R(X1), Imm(0xffff_1234_ffff_ffffu64 as i64)]
        ),
        enc(
            "movn",
            &[R(X1), Imm(0xedcb), Operand::Modifier(Modifier::lsl(32))]
        )
    );
    assert_eq!(
        enc("mov.inverted", &[R(W2), Imm(-1)]),
        enc("movn", &[R(W2), Imm(0)])
    );
    assert_eq!(
        enc("mov.logical", &[R(SP), Imm(0xff)]),
        enc("orr", &[R(SP), R(XZR), Imm(0xff)])
    );
}

#[test]
fn fp8_immediates() {
    for v in [0.1, 33.0, 0.0625 / 2.0, f64::NAN, f64::INFINITY] {
        let e = err(
            "fmov",
            &[R(Reg::fp(jitasm_a64::RegClass::D, 0)), Operand::Float(v)],
        );
        assert!(
            matches!(e, EncodeError::NotFpImmediate { operand: 1, .. }),
            "{v}: {e:?}"
        );
        assert!(
            e.to_string().contains("8-bit floating-point immediate"),
            "{e}"
        );
    }
}

#[test]
fn ranges() {
    let e = err("lsl", &[R(X0), R(X1), Imm(64)]);
    assert_eq!(
        e,
        EncodeError::ImmediateOutOfRange {
            operand: 2,
            value: 64,
            min: 0,
            max: 63
        }
    );
    let e = err("ubfx", &[R(W0), R(W1), Imm(8), Imm(25)]);
    assert!(
        matches!(
            e,
            EncodeError::ImmediateOutOfRange {
                operand: 3,
                max: 24,
                ..
            }
        ),
        "{e:?}"
    );
    let e = err("svc", &[Imm(0x10000)]);
    assert!(
        matches!(e, EncodeError::ImmediateOutOfRange { max: 0xffff, .. }),
        "{e:?}"
    );
    let v4s = R(Reg::v(1, Arrangement::S4));
    let e = err("shl", &[v4s, v4s, Imm(32)]);
    assert!(
        matches!(
            e,
            EncodeError::ImmediateOutOfRange {
                operand: 2,
                max: 31,
                ..
            }
        ),
        "{e:?}"
    );
    let e = err(
        "ins",
        &[
            Operand::Elem(Elem {
                reg: 0,
                size: ElemSize::S,
                index: 4,
            }),
            R(W1),
        ],
    );
    assert_eq!(
        e,
        EncodeError::LaneOutOfRange {
            operand: 0,
            index: 4,
            max: 3
        }
    );
    // Branch offsets given as numbers: range and alignment.
    let e = err("b", &[Imm(6)]);
    assert!(matches!(e, EncodeError::PcOffset { align: 4, .. }), "{e:?}");
    let e = err("cbz", &[R(X0), Imm(1 << 20)]);
    assert!(
        matches!(e, EncodeError::PcOffset { max: 1048572, .. }),
        "{e:?}"
    );
}

#[test]
fn wrong_register_kinds() {
    // add x0, w1, #1: the closest form wants a 64-bit register at operand 1.
    let e = err("add", &[R(X0), R(W1), Imm(1)]);
    assert!(
        matches!(e, EncodeError::OperandMismatch { operand: 1, expected } if expected.contains("64-bit")),
        "{e:?}"
    );
    // xzr where sp is meant and the reverse. (`add x0, xzr, #1`: the
    // shifted-register form gets furthest, so the immediate is reported.)
    let e = err("add", &[R(X0), R(XZR), Imm(1)]);
    assert!(
        matches!(e, EncodeError::OperandMismatch { operand: 2, .. }),
        "{e:?}"
    );
    let e = err("madd", &[R(X0), R(SP), R(X2), R(X3)]);
    assert!(
        matches!(e, EncodeError::OperandMismatch { operand: 1, .. }),
        "{e:?}"
    );
    // A vector arrangement the instruction does not have.
    let d2 = R(Reg::v(0, Arrangement::D2));
    let e = err("mul", &[d2, d2, d2]);
    assert!(
        matches!(e, EncodeError::OperandMismatch { operand: 0, .. }),
        "{e:?}"
    );
    // Halfword by-element operands take v0-v15 only.
    let h8 = R(Reg::v(0, Arrangement::H8));
    let e = err(
        "mul",
        &[
            h8,
            h8,
            Operand::Elem(Elem {
                reg: 16,
                size: ElemSize::H,
                index: 1,
            }),
        ],
    );
    assert!(
        matches!(e, EncodeError::BadRegister { operand: 2, .. }),
        "{e:?}"
    );
    // casp: the pair must be even and consecutive.
    let mem = Operand::Mem(Mem::base(X4));
    let e = err("casp", &[R(X1), R(X2), R(X4), R(X5), mem]);
    assert!(
        matches!(e, EncodeError::BadRegister { operand: 0, .. }),
        "{e:?}"
    );
    let e = err("casp", &[R(X0), R(X2), R(X4), R(X5), mem]);
    assert!(
        matches!(e, EncodeError::BadRegister { operand: 1, .. }),
        "{e:?}"
    );
    // Extends and shifts.
    let e = err(
        "add",
        &[
            R(X0),
            R(SP),
            R(X1),
            Operand::Modifier(Modifier {
                kind: jitasm_a64::ModKind::Uxtw,
                amount: None,
            }),
        ],
    );
    assert!(
        matches!(e, EncodeError::BadModifier { operand: 3, .. }),
        "{e:?}"
    );
    let e = err(
        "add",
        &[
            R(X0),
            R(X1),
            R(X2),
            Operand::Modifier(Modifier {
                kind: jitasm_a64::ModKind::Ror,
                amount: Some(1),
            }),
        ],
    );
    assert!(
        matches!(e, EncodeError::BadModifier { operand: 3, .. }),
        "{e:?}"
    );
    // cset with al.
    let e = err("cset", &[R(X0), Operand::Cond(Cond::Al)]);
    assert!(
        matches!(e, EncodeError::OperandMismatch { operand: 1, .. }),
        "{e:?}"
    );
    assert_eq!(err("frobnicate", &[]), EncodeError::UnknownMnemonic);
    // An alias whose operands fit none of its shapes is not unknown.
    assert_eq!(
        err("mov", &[R(X0), Operand::Float(-1.5)]),
        EncodeError::NoMatchingForm
    );
    assert_eq!(err("lsl", &[R(X0), R(X1)]), EncodeError::NoMatchingForm);
    assert_eq!(err("cset", &[R(X0)]), EncodeError::NoMatchingForm);
    // Counts are of the operands as written (`b.eq` is `b.cond eq`).
    assert_eq!(err("b.eq", &[]), EncodeError::OperandCount { given: 0 });
    assert_eq!(err("add", &[R(X0)]), EncodeError::OperandCount { given: 1 });
}

/// `dc`, `ic`, `at`, `tlbi`: an unknown operation, a missing register, a
/// register too many, a register of the wrong kind; each names its rule.
#[test]
fn system_operations() {
    use Operand::Symbol as Op;
    let e = err("dc", &[Op("foo"), R(X0)]);
    assert_eq!(
        e,
        EncodeError::UnknownOperation {
            operand: 0,
            mnemonic: "dc"
        }
    );
    assert_eq!(e.to_string(), "operand 1: not a `dc` operation");
    // An operation of another instruction, or of a later extension.
    assert!(matches!(
        err("ic", &[Op("civac"), R(X0)]),
        EncodeError::UnknownOperation { mnemonic: "ic", .. }
    ));
    assert!(matches!(
        err("tlbi", &[Op("vmalle1nxs")]),
        EncodeError::UnknownOperation {
            mnemonic: "tlbi",
            ..
        }
    ));
    // Missing register: the operation's name is the operand at fault.
    let e = err("dc", &[Op("civac")]);
    assert_eq!(
        e,
        EncodeError::OperationRegister {
            operand: 0,
            mnemonic: "dc",
            op: "civac",
            takes: true
        }
    );
    assert_eq!(
        e.to_string(),
        "operand 1: `dc civac` takes a 64-bit register (`dc civac, x0`)"
    );
    let e = err("tlbi", &[Op("VAE1")]);
    assert!(
        matches!(
            e,
            EncodeError::OperationRegister {
                operand: 0,
                op: "vae1",
                takes: true,
                ..
            }
        ),
        "{e:?}"
    );
    // A register given to an operation without one.
    for (m, op) in [("ic", "iallu"), ("tlbi", "vmalle1is"), ("tlbi", "alle3os")] {
        let e = err(m, &[Op(op), R(X0)]);
        assert_eq!(
            e,
            EncodeError::OperationRegister {
                operand: 1,
                mnemonic: if m == "ic" { "ic" } else { "tlbi" },
                op: jitasm_a64::operand::sys_op(m, op).unwrap().name,
                takes: false
            }
        );
        assert_eq!(
            e.to_string(),
            format!("operand 2: `{m} {op}` takes no register")
        );
    }
    // xzr is a register too (llvm-mc: "does not use a register").
    assert!(matches!(
        err("ic", &[Op("ialluis"), R(XZR)]),
        EncodeError::OperationRegister { operand: 1, .. }
    ));
    // The register is `sys`'s Xt: not a W register, not sp; the error is
    // about the operand as written.
    for r in [W0, SP] {
        let e = err("dc", &[Op("zva"), R(r)]);
        assert!(
            matches!(e, EncodeError::OperandMismatch { operand: 1, .. }),
            "{e:?}"
        );
    }
    assert_eq!(
        err("at", &[Op("s1e1r"), R(X0), R(X1)]),
        EncodeError::OperandCount { given: 3 }
    );
    assert_eq!(err("tlbi", &[]), EncodeError::OperandCount { given: 0 });
    assert!(matches!(
        err("dc", &[Imm(1), R(X0)]),
        EncodeError::OperandMismatch { operand: 0, .. }
    ));
    // The operations are `sys`: `dc civac, x1` is `sys #3, c7, c14, #1, x1`,
    // `ic iallu` is `sys #0, c7, c5, #0` (Rt = 31).
    let word = |m: &str, ops: &[Operand<'_>]| encode(&Instruction::new(m, ops)).unwrap().word();
    assert_eq!(
        word("dc", &[Op("civac"), R(X1)]),
        word(
            "sys",
            &[Imm(3), Operand::CReg(7), Operand::CReg(14), Imm(1), R(X1)]
        )
    );
    assert_eq!(
        word("ic", &[Op("iallu")]),
        word("sys", &[Imm(0), Operand::CReg(7), Operand::CReg(5), Imm(0)])
    );
}
