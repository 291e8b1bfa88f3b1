//! Every form of the table, encoded with random operand instances
//! (`tests/support/gen.rs`) and decoded by disarm64 (an independent decoder
//! of the same architecture): the word must decode to the definition the
//! form was generated from, with each register in the field disarm64 reads
//! it from. The same operands given to the matcher by mnemonic must come
//! back as the same word (no two forms of a mnemonic take the same operands
//! with different encodings).

mod support {
    pub mod gen;
}

use disarm64::InsnOpcode;
use jitasm_a64::table::{forms, oracle, OpKind};
use jitasm_a64::{encode_form, select, Instruction, Operand};
use support::gen::{operands, Rng};

const INSTANCES: usize = 12;

fn takes_modifier(k: OpKind) -> bool {
    matches!(
        k,
        OpKind::GprShifted
            | OpKind::GprShiftedLog
            | OpKind::GprExtended
            | OpKind::AddSubImm
            | OpKind::MoveWide
            | OpKind::SimdImmShifted
    )
}

/// The register number an operand puts in its first field, if it is a
/// register kind.
fn reg_number(k: OpKind, op: &Operand<'_>) -> Option<u32> {
    match (k, op) {
        (
            OpKind::Gpr
            | OpKind::GprSp
            | OpKind::GprShifted
            | OpKind::GprShiftedLog
            | OpKind::GprExtended
            | OpKind::Fpr
            | OpKind::VReg,
            Operand::Reg(r),
        ) => Some(r.num() as u32),
        (
            OpKind::VRegD1
            | OpKind::ElemImm5
            | OpKind::ElemImm4
            | OpKind::ElemIdx
            | OpKind::ElemIdxPair,
            Operand::Elem(e),
        ) => Some(e.reg as u32),
        (OpKind::VList | OpKind::VListRep, Operand::List(l)) => Some(l.first as u32),
        (OpKind::VLaneList, Operand::LaneList(l)) => Some(l.first as u32),
        _ => None,
    }
}

#[test]
fn every_form_round_trips_through_disarm64() {
    let mut rng = Rng(0x00a6_4a64_5eed_0001);
    let mut failures = Vec::new();
    let mut checked = 0usize;
    let mut regs_checked = 0usize;
    let mut siblings = std::collections::BTreeMap::new();
    let mut preferred = 0usize;
    for (fi, form) in forms().iter().enumerate() {
        let (source, class) = oracle()[fi];
        let name = format!(
            "form #{fi} {} {:?}",
            form.mnemonic(),
            form.operands
                .iter()
                .map(|o| (o.kind, o.qual))
                .collect::<Vec<_>>()
        );
        for _ in 0..INSTANCES {
            let ops = operands(form, &mut rng);
            let enc = match encode_form(form, &ops) {
                Ok(e) => e,
                Err(e) => {
                    failures.push(format!("{name}: {ops:?}: encoder refuses: {e}"));
                    continue;
                }
            };
            let w = enc.word();
            if w & form.mask != form.bits {
                failures.push(format!("{name}: {w:08x} changes fixed bits"));
                continue;
            }
            let Some(d) = disarm64::decoder::decode(w) else {
                failures.push(format!("{name}: {ops:?} -> {w:08x} does not decode"));
                continue;
            };
            let def = d.definition();
            let id = d.id() as u16;
            // disarm64 decodes every multiple-structure load/store as
            // ld4/st4 (the four share opcode and mask), so there the
            // class and the direction must agree.
            let same_class = format!("{:?}", def.class) == class;
            let sibling = class.starts_with("ASISDLSE")
                && same_class
                && def.mnemonic[..2] == form.mnemonic()[..2];
            // Where the source splits one instruction by element size
            // (`fcvtzs` with fraction bits: halfwords and words/doublewords)
            // disarm64's decoder may return the other half; the mnemonic
            // and class must still agree (llvm-mc checks the bits).
            let split = same_class && def.mnemonic == form.mnemonic();
            // `prfm` with a register offset and an operation 0b11xxx is
            // the encoding Armv8.9 gives RPRFM, which disarm64 decodes.
            let rprfm = form.mnemonic() == "prfm" && def.mnemonic == "rprfm";
            if id != source && (sibling || split || rprfm) {
                *siblings.entry(def.mnemonic).or_insert(0usize) += 1;
            } else if id != source {
                failures.push(format!(
                    "{name}: {ops:?} -> {w:08x} decodes as {} ({:?}, #{id}), not #{source}",
                    d, def.class
                ));
                continue;
            }
            // Registers where disarm64 reads them.
            if form.mnemonic() != "b.cond" {
                let mut pos = 0;
                for (i, spec) in form.operands.iter().enumerate() {
                    let op = &ops[pos];
                    pos += 1;
                    if takes_modifier(spec.kind)
                        && matches!(ops.get(pos), Some(Operand::Modifier(_)))
                    {
                        pos += 1;
                    }
                    let Some(n) = reg_number(spec.kind, op) else {
                        continue;
                    };
                    let Some(f) = def.operands[i].bit_fields.first() else {
                        continue;
                    };
                    // Halfword elements keep V0-V15 in 4 bits; disarm64
                    // lists the 5-bit Rm whose top bit is then the index M.
                    let width = f.width.min(spec.fields[0].1);
                    let got = (w >> f.lsb) & ((1u32 << width) - 1);
                    if f.lsb != spec.fields[0].0 || got != n {
                        failures.push(format!(
                            "{name}: {ops:?} -> {w:08x}: operand {i} register {n}, disarm64 reads {got} at ({}, {})",
                            f.lsb, f.width
                        ));
                    }
                    regs_checked += 1;
                }
            }
            // The matcher, by mnemonic.
            match select(&Instruction::new(form.mnemonic(), &ops)) {
                Ok((_, e)) if e.word() == w => {}
                // Another form of the mnemonic takes the same operands and
                // comes first (`add x0, x1, x2, lsl #2`: shifted register
                // before extended register, as llvm-mc chooses; the golden
                // vectors check the choice).
                Ok((other, _)) if other.mnemonic() == form.mnemonic() && other.index() < fi => {
                    preferred += 1
                }
                Ok((other, e)) => failures.push(format!(
                    "{name}: {ops:?}: encode_form {w:08x}, select picks form #{} giving {:08x}",
                    other.index(),
                    e.word()
                )),
                Err(e) => failures.push(format!("{name}: {ops:?}: select refuses: {e}")),
            }
            checked += 1;
        }
    }
    eprintln!(
        "{checked} instances of {} forms round-trip ({regs_checked} register fields checked; \
         {} decoded as a sibling definition {siblings:?}; {preferred} selected through an earlier form); \
         {} failures",
        forms().len(),
        siblings.values().sum::<usize>(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(60)].join("\n")
    );
}
