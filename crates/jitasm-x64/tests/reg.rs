//! Register names and numbers agree with iced-x86's register list (the oracle).

use iced_x86::Register;
use jitasm_x64::{Reg, RegClass};

/// Our class for an iced register, by its documented ranges.
fn class_of(r: Register) -> Option<RegClass> {
    Some(if r.is_gpr8() {
        if matches!(r, Register::AH | Register::CH | Register::DH | Register::BH) {
            RegClass::Gp8High
        } else {
            RegClass::Gp8
        }
    } else if r.is_gpr16() {
        RegClass::Gp16
    } else if r.is_gpr32() {
        RegClass::Gp32
    } else if r.is_gpr64() {
        RegClass::Gp64
    } else if r.is_segment_register() {
        RegClass::Seg
    } else if r.is_cr() {
        RegClass::Cr
    } else if r.is_dr() {
        RegClass::Dr
    } else if r.is_tr() {
        RegClass::Tr
    } else if r.is_st() {
        RegClass::St
    } else if r.is_mm() {
        RegClass::Mm
    } else if r.is_xmm() {
        RegClass::Xmm
    } else if r.is_ymm() {
        RegClass::Ymm
    } else if r.is_zmm() {
        RegClass::Zmm
    } else if r.is_k() {
        RegClass::K
    } else if r.is_tmm() {
        RegClass::Tmm
    } else if r.is_bnd() {
        RegClass::Bnd
    } else {
        return None;
    })
}

#[test]
fn every_iced_register_parses_to_the_same_register() {
    let mut checked = 0;
    for r in Register::values() {
        let Some(class) = class_of(r) else { continue };
        let name = format!("{r:?}").to_ascii_lowercase();
        // iced spells st(i) "st0"; both spellings must parse.
        let ours = Reg::parse(&name).unwrap_or_else(|| panic!("{name} does not parse"));
        assert_eq!(ours.class(), class, "{name}");
        // iced numbers the 8-bit registers al cl dl bl ah ch dh bh spl bpl
        // sil dil r8l…r15l (0..=19); the hardware encodes ah..bh and
        // spl..dil both as 4..=7 (told apart by REX) and r8l.. as 8..
        let n = r.number() as u8;
        let num = if r.is_gpr8() && n >= 8 { n - 4 } else { n };
        assert_eq!(ours.num(), num, "{name}");
        assert_eq!(
            ours.size() as usize,
            r.size().max(if class == RegClass::St { 10 } else { 0 }),
            "{name} size"
        );
        // Our own name parses back to the same register.
        assert_eq!(Reg::parse(&ours.to_string()), Some(ours), "{name}");
        checked += 1;
    }
    // 20 byte + 3×16 GP, 6 segment, 16 CR, 16 DR, 8 TR, 8 st, 8 mm,
    // 3×32 vector, 8 k, 8 tmm, 4 bnd: every register of every class.
    assert_eq!(checked, 20 + 48 + 6 + 16 + 16 + 8 + 8 + 8 + 96 + 8 + 8 + 4);
}

#[test]
fn rex_rules() {
    use jitasm_x64::regs::*;
    assert!(!al.needs_rex() && spl.needs_rex() && r8b.needs_rex() && r15.needs_rex());
    assert!(ah.is_high_byte() && !ah.needs_rex() && ah.num() == 4);
    assert!(xmm16.needs_rex());
}

#[test]
fn malformed_names_do_not_parse() {
    for bad in [
        "",
        "r",
        "r16",
        "r7d",
        "r08",
        "xmm32",
        "k8",
        "st(8)",
        "st(",
        "zmm-1",
        "raxx",
        "mm8",
        "r8q",
        "xmm01",
        "a_very_long_register_name",
        "\u{0}",
        "é",
    ] {
        assert_eq!(Reg::parse(bad), None, "{bad:?}");
    }
    assert_eq!(Reg::parse("RAX"), Some(jitasm_x64::regs::rax));
    assert_eq!(Reg::parse("st(7)").unwrap().num(), 7);
    assert_eq!(Reg::parse("r8l"), Some(jitasm_x64::regs::r8b));
}
