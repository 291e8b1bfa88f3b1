//! The generated table's invariants.

use jitasm_a64::table::{forms, forms_of, mnemonics, oracle, OpKind, Qual};

#[test]
fn grouped_by_sorted_mnemonic() {
    let m = mnemonics();
    assert!(
        m.windows(2).all(|w| w[0] < w[1]),
        "mnemonics sorted and unique"
    );
    let mut total = 0;
    for name in m {
        let f = forms_of(name).unwrap();
        assert!(!f.is_empty(), "{name}");
        assert!(f.iter().all(|x| x.mnemonic() == *name));
        total += f.len();
    }
    assert_eq!(total, forms().len());
    assert_eq!(oracle().len(), forms().len());
    assert!(forms_of("frobnicate").is_none());
    assert!(forms_of("b.cond").is_some() && forms_of("b.c").is_none());
}

#[test]
fn fields_inside_the_word_and_disjoint() {
    for (i, f) in forms().iter().enumerate() {
        assert_eq!(f.bits & !f.mask, 0, "form #{i}");
        assert_eq!(f.index(), i);
        let mut seen = 0u32;
        for o in f.operands {
            let mut m = 0u32;
            for &(lsb, w) in o.fields {
                assert!(w > 0 && lsb as u32 + w as u32 <= 32, "form #{i}");
                m |= (((1u64 << w) - 1) << lsb) as u32;
            }
            assert_eq!(seen & m, 0, "form #{i}: operand fields overlap");
            seen |= m;
            let list = matches!(o.kind, OpKind::VList | OpKind::VListRep | OpKind::VLaneList);
            assert_eq!(list, (1..=4).contains(&o.count), "form #{i}: list count");
        }
        // Every bit is fixed or an operand's.
        assert_eq!(!(f.mask | seen), 0, "form #{i} {}", f.mnemonic());
    }
}

#[test]
fn scope() {
    // The base ISA, FP, SIMD, crypto, CRC, LSE, PAuth; no SVE/SME.
    for m in [
        "add", "ldaddal", "casp", "aese", "sha512h", "sm4e", "crc32cx", "pacia", "hint",
    ] {
        assert!(forms_of(m).is_some(), "{m}");
    }
    assert!(forms_of("whilelo").is_none() && forms_of("smstart").is_none());
    // Variants are separate forms with one qualifier per operand.
    let add = forms_of("add").unwrap();
    assert!(add.iter().any(|f| f.operands[0].qual == Qual::W));
    assert!(add.iter().any(|f| f.operands[0].qual == Qual::V4S));
}
