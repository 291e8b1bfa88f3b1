//! Label operands come back as fixups of jitasm-core's AArch64 kinds, and
//! patching the word for a target gives the word of the same instruction
//! with that offset written as a number (which the golden vectors check
//! against llvm-mc).

use jitasm_a64::regs::*;
use jitasm_a64::{encode, Cond, Instruction, Operand};
use jitasm_core::fixup::aarch64 as fx;
use jitasm_core::{DynamicLabel, FixupKind, LabelRef};

fn label() -> Operand<'static> {
    Operand::Label(LabelRef::from(DynamicLabel::from_index(3)))
}

fn check(m: &str, before: &[Operand<'static>], kind: &FixupKind, offsets: &[i64]) {
    let mut ops = before.to_vec();
    ops.push(label());
    let e = encode(&Instruction::new(m, &ops)).unwrap();
    let f = e.fixup.expect("a label gives a fixup");
    assert_eq!(f.kind, kind, "{m}");
    assert_eq!((f.at, f.pc), (0, 0));
    assert_eq!(
        f.label.target,
        LabelRef::from(DynamicLabel::from_index(3)).target
    );
    for &off in offsets {
        let mut unit = e.bytes();
        let pc = 0x40_0000u64;
        kind.apply(&mut unit, pc.wrapping_add_signed(off), pc)
            .unwrap();
        let mut num = before.to_vec();
        num.push(Operand::Imm(off));
        let direct = encode(&Instruction::new(m, &num)).unwrap();
        assert_eq!(u32::from_le_bytes(unit), direct.word(), "{m} to {off:+}");
        assert!(direct.fixup.is_none());
    }
}

#[test]
fn label_operands_give_fixups() {
    check("b", &[], &fx::B26, &[0, 4, -4, 134217724, -134217728]);
    check("bl", &[], &fx::B26, &[8, -1024]);
    check("b.ne", &[], &fx::BCOND19, &[8, -1048576, 1048572]);
    check("b.cond", &[Operand::Cond(Cond::Hi)], &fx::BCOND19, &[12]);
    check("cbz", &[Operand::Reg(X3)], &fx::BCOND19, &[4, -8]);
    check("cbnz", &[Operand::Reg(W3)], &fx::BCOND19, &[1048572]);
    check(
        "tbz",
        &[Operand::Reg(X1), Operand::Imm(63)],
        &fx::TBZ14,
        &[32764, -32768],
    );
    check(
        "tbnz",
        &[Operand::Reg(W1), Operand::Imm(5)],
        &fx::TBZ14,
        &[16],
    );
    check("ldr", &[Operand::Reg(X7)], &fx::BCOND19, &[-8, 4096]);
    check(
        "adr",
        &[Operand::Reg(X0)],
        &fx::ADR21,
        &[0, 1, -1, 1048575, -1048576],
    );
    check(
        "adrp",
        &[Operand::Reg(X0)],
        &fx::ADRP21,
        &[0, 4096, -4096 * 1000],
    );
}

#[test]
fn out_of_range_targets_are_fixup_errors() {
    let e = encode(&Instruction::new("b", &[label()])).unwrap();
    let mut unit = e.bytes();
    assert!(fx::B26.apply(&mut unit, 1 << 27, 0).is_err());
    assert!(fx::B26.apply(&mut unit, 2, 0).is_err());
    assert_eq!(unit, e.bytes(), "a failed patch leaves the word alone");
}
