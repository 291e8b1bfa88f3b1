//! The generated form table is well formed and agrees with its source.

use iced_x86::{Code, CpuidFeature, EncodingKind};
use jitasm_x64::table::{
    flags, forms_of, Encoding, FORMS, MNEMONICS, MNEMONIC_FORMS, ORACLE_NAMES,
};
use std::collections::HashMap;

#[test]
fn mnemonics_are_sorted_and_partition_the_forms() {
    assert!(
        MNEMONICS.windows(2).all(|w| w[0] < w[1]),
        "sorted and unique"
    );
    assert_eq!(MNEMONICS.len(), MNEMONIC_FORMS.len());
    let mut next = 0u16;
    for (i, &(start, end)) in MNEMONIC_FORMS.iter().enumerate() {
        assert_eq!(start, next);
        assert!(end > start, "{} has no forms", MNEMONICS[i]);
        for f in &FORMS[start as usize..end as usize] {
            assert_eq!(f.mnemonic as usize, i);
        }
        next = end;
    }
    assert_eq!(next as usize, FORMS.len());
    assert_eq!(ORACLE_NAMES.len(), FORMS.len());
}

#[test]
fn every_source_instruction_is_in_the_table_once() {
    let by_name: HashMap<String, Code> = Code::values().map(|c| (format!("{c:?}"), c)).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, name) in ORACLE_NAMES.iter().enumerate() {
        let code = by_name[*name];
        assert!(seen.insert(code), "{name} twice");
        let oc = code.op_code();
        let f = &FORMS[i];
        assert_eq!(f.opcode, oc.op_code(), "{name}");
        assert_eq!(f.operands.len(), oc.op_count() as usize, "{name}");
        assert_eq!(
            f.mnemonic(),
            format!("{:?}", code.mnemonic()).to_ascii_lowercase(),
            "{name}"
        );
        assert_eq!(f.has(flags::MODE64), oc.mode64(), "{name}");
    }
    let expected = Code::values()
        .filter(|c| {
            let oc = c.op_code();
            oc.is_instruction()
                && oc.encoding() != EncodingKind::MVEX
                && (oc.mode64() || oc.mode32())
                // Left out on purpose (see jitasm-meta): Knights Corner,
                // IA-64's jmpe, the 8086's pop cs, iced's reservednop.
                && !c.cpuid_features().iter().any(|f| {
                    matches!(
                        f,
                        CpuidFeature::KNC | CpuidFeature::IA64 | CpuidFeature::INTEL8086_ONLY
                    )
                })
                && c.mnemonic() != iced_x86::Mnemonic::Reservednop
        })
        .count();
    assert_eq!(seen.len(), expected);
}

#[test]
fn well_known_forms_are_present() {
    let has = |m: &str, notation: &str| {
        forms_of(m)
            .unwrap_or_else(|| panic!("{m} missing"))
            .iter()
            .any(|f| f.notation() == notation)
    };
    assert!(has("add", "add r/m64, r64"));
    assert!(has("endbr64", "endbr64"));
    assert!(has("mov", "mov r64, imm64"));
    assert!(has("vfmadd231ps", "vfmadd231ps ymm, ymm, ymm/m"));
    assert!(has("vaddps", "vaddps zmm, zmm, zmm/m"));
    assert!(has("tdpbf16ps", "tdpbf16ps tmm, tmm, tmm"));
    let evex = FORMS
        .iter()
        .filter(|f| f.encoding == Encoding::Evex)
        .count();
    assert!(evex > 1500, "AVX-512 forms: {evex}");
}

#[test]
fn condition_aliases_name_the_canonical_mnemonic() {
    use jitasm_x64::Mnemonic;
    for (alias, canonical) in [
        ("jz", "je"),
        ("JNZ", "jne"),
        ("setnae", "setb"),
        ("cmovpe", "cmovp"),
        ("jnle", "jg"),
        ("sal", "shl"),
        ("xlat", "xlatb"),
    ] {
        assert_eq!(
            Mnemonic::parse(alias).map(|m| m.name()),
            Some(canonical),
            "{alias}"
        );
    }
    assert!(Mnemonic::parse("jzz").is_none());
    assert!(Mnemonic::parse("").is_none());
    assert!(Mnemonic::parse("averyveryverylongmnemonicname").is_none());
}
