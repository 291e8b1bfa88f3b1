//! The encoder and matcher as they were before the fast path (commit
//! 0e237ba), kept unchanged as the oracle of the equivalence tests
//! (`tests/equivalence.rs`): every form of the table with random operands
//! must give the same form, bytes and errors through [`super::select`] /
//! [`super::encode_form`] as through [`select`] / [`encode_form`] here.
//! Not part of the API; not for use outside tests. Every function is
//! `#[inline]` so that it is compiled only where a test calls it, not into
//! the library.
#![allow(missing_docs, clippy::all)]

use super::{Encoded, Fixup, MAX_LEN};
use crate::error::{EncodeError, MemProblem};
use crate::operand::{DispSize, Instruction, Mem, Mode, Operand, Prefixes};
use crate::reg::{regs, Reg, RegClass};
use crate::table::{flags, forms_by_index, Encoding, Form, Map, OpKind, Prefix, W};
use jitasm_core::fixup::x86 as fx;
use jitasm_core::{FixupKind, LabelRef};

// ---------------------------------------------------------------------------
// Operand kinds as slots of the encoding.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// A register implied by the opcode.
    Fixed(Reg),
    /// ModRM.reg.
    ModReg(RegClass),
    /// ModRM.rm: a register of the class (if any) or memory (if `mem`).
    ModRm(Option<RegClass>, bool),
    /// VEX/EVEX/XOP.vvvv.
    Vvvv(RegClass),
    /// Low three bits of the opcode.
    OpReg(RegClass),
    /// Bits 7:4 of an immediate byte.
    Is4(RegClass),
    /// Bits 7:4 of the immediate byte whose bits 1:0 are the next operand.
    Is5(RegClass),
    /// VSIB memory with an index of this class.
    Vsib(RegClass),
    /// Memory that must be encoded with a SIB byte (`sibmem`, `mib`).
    SibMem,
    /// `moffs`.
    Moffs,
    /// `seg:[rSI]` (segment override allowed).
    StrSrc,
    /// `es:[rDI]` (no override).
    StrDst,
    /// `seg:[rDI]`.
    SegRdi,
    /// `seg:[rBX + al]`.
    Xlat,
    /// An immediate field.
    Imm(OpKind),
    /// A branch displacement of this many bytes.
    Rel(u8),
    /// A 4-byte absolute branch target (`jmpe`).
    AbsBranch(u8),
    /// `ptr16:16` / `ptr16:32`.
    Far(u8),
}

#[inline]
const fn slot(k: OpKind) -> Slot {
    use OpKind::*;
    use RegClass as C;
    match k {
        Al => Slot::Fixed(regs::al),
        Ax => Slot::Fixed(regs::ax),
        Eax => Slot::Fixed(regs::eax),
        Rax => Slot::Fixed(regs::rax),
        Cl => Slot::Fixed(regs::cl),
        Dx => Slot::Fixed(regs::dx),
        St0 => Slot::Fixed(ST0),
        Es => Slot::Fixed(regs::es),
        Cs => Slot::Fixed(regs::cs),
        Ss => Slot::Fixed(regs::ss),
        Ds => Slot::Fixed(regs::ds),
        Fs => Slot::Fixed(regs::fs),
        Gs => Slot::Fixed(regs::gs),
        R8Reg => Slot::ModReg(C::Gp8),
        R16Reg | R16RegMem => Slot::ModReg(C::Gp16),
        R32Reg | R32RegMem => Slot::ModReg(C::Gp32),
        R64Reg | R64RegMem => Slot::ModReg(C::Gp64),
        SegReg => Slot::ModReg(C::Seg),
        CrReg => Slot::ModReg(C::Cr),
        DrReg => Slot::ModReg(C::Dr),
        TrReg => Slot::ModReg(C::Tr),
        BndReg => Slot::ModReg(C::Bnd),
        MmReg => Slot::ModReg(C::Mm),
        XmmReg => Slot::ModReg(C::Xmm),
        YmmReg => Slot::ModReg(C::Ymm),
        ZmmReg => Slot::ModReg(C::Zmm),
        KReg | KP1Reg => Slot::ModReg(C::K),
        TmmReg => Slot::ModReg(C::Tmm),
        R8OrMem => Slot::ModRm(Some(C::Gp8), true),
        R16OrMem => Slot::ModRm(Some(C::Gp16), true),
        R32OrMem | R32OrMemMpx => Slot::ModRm(Some(C::Gp32), true),
        R64OrMem | R64OrMemMpx => Slot::ModRm(Some(C::Gp64), true),
        BndOrMemMpx => Slot::ModRm(Some(C::Bnd), true),
        MmOrMem => Slot::ModRm(Some(C::Mm), true),
        XmmOrMem => Slot::ModRm(Some(C::Xmm), true),
        YmmOrMem => Slot::ModRm(Some(C::Ymm), true),
        ZmmOrMem => Slot::ModRm(Some(C::Zmm), true),
        KOrMem => Slot::ModRm(Some(C::K), true),
        R16Rm => Slot::ModRm(Some(C::Gp16), false),
        R32Rm => Slot::ModRm(Some(C::Gp32), false),
        R64Rm => Slot::ModRm(Some(C::Gp64), false),
        MmRm => Slot::ModRm(Some(C::Mm), false),
        XmmRm => Slot::ModRm(Some(C::Xmm), false),
        YmmRm => Slot::ModRm(Some(C::Ymm), false),
        ZmmRm => Slot::ModRm(Some(C::Zmm), false),
        KRm => Slot::ModRm(Some(C::K), false),
        TmmRm => Slot::ModRm(Some(C::Tmm), false),
        Mem | MemMpx => Slot::ModRm(None, true),
        MemMib | SibMem => Slot::SibMem,
        MemOffs => Slot::Moffs,
        R32Vvvv => Slot::Vvvv(C::Gp32),
        R64Vvvv => Slot::Vvvv(C::Gp64),
        XmmVvvv | XmmP3Vvvv => Slot::Vvvv(C::Xmm),
        YmmVvvv => Slot::Vvvv(C::Ymm),
        ZmmVvvv | ZmmP3Vvvv => Slot::Vvvv(C::Zmm),
        KVvvv => Slot::Vvvv(C::K),
        TmmVvvv => Slot::Vvvv(C::Tmm),
        R8Opcode => Slot::OpReg(C::Gp8),
        R16Opcode => Slot::OpReg(C::Gp16),
        R32Opcode => Slot::OpReg(C::Gp32),
        R64Opcode => Slot::OpReg(C::Gp64),
        StiOpcode => Slot::OpReg(C::St),
        XmmIs4 => Slot::Is4(C::Xmm),
        YmmIs4 => Slot::Is4(C::Ymm),
        XmmIs5 => Slot::Is5(C::Xmm),
        YmmIs5 => Slot::Is5(C::Ymm),
        Vsib32x | Vsib64x => Slot::Vsib(C::Xmm),
        Vsib32y | Vsib64y => Slot::Vsib(C::Ymm),
        Vsib32z | Vsib64z => Slot::Vsib(C::Zmm),
        SegRsi => Slot::StrSrc,
        EsRdi => Slot::StrDst,
        SegRdi => Slot::SegRdi,
        SegRbxAl => Slot::Xlat,
        Imm8 | Imm8Const1 | Imm8Sex16 | Imm8Sex32 | Imm8Sex64 | Imm16 | Imm32 | Imm32Sex64
        | Imm64 | Imm4M2z => Slot::Imm(k),
        Br16_1 | Br32_1 | Br64_1 => Slot::Rel(1),
        Br16_2 | Xbegin2 => Slot::Rel(2),
        Br32_4 | Br64_4 | Xbegin4 => Slot::Rel(4),
        BrDisp2 => Slot::AbsBranch(2),
        BrDisp4 => Slot::AbsBranch(4),
        FarBr2_2 => Slot::Far(2),
        FarBr4_2 => Slot::Far(4),
    }
}

const ST0: Reg = match Reg::new(RegClass::St, 0) {
    Some(r) => r,
    None => panic!("st(0) exists"),
};

/// The size in bytes of an immediate kind's field, and the values it takes.
#[inline]
const fn imm_field(k: OpKind) -> (u8, i64, i64) {
    use OpKind::*;
    match k {
        Imm8 => (1, -0x80, 0xff),
        Imm8Const1 => (0, 1, 1),
        Imm8Sex16 => (1, -0x8000, 0xffff),
        Imm8Sex32 => (1, -0x8000_0000, 0xffff_ffff),
        Imm8Sex64 => (1, -0x80, 0x7f),
        Imm16 => (2, -0x8000, 0xffff),
        Imm32 => (4, -0x8000_0000, 0xffff_ffff),
        Imm32Sex64 => (4, -0x8000_0000, 0x7fff_ffff),
        Imm64 => (8, i64::MIN, i64::MAX),
        Imm4M2z => (0, 0, 3),
        _ => (0, 0, 0),
    }
}

/// Whether `v` fits the immediate kind `k`, as the manuals allow: an
/// immediate sign-extended from 8 bits takes the values whose operand-sized
/// view is such an extension (`add ax, 0xffff` is `add ax, -1`).
#[inline]
const fn imm_fits(k: OpKind, v: i64) -> bool {
    use OpKind::*;
    let (_, min, max) = imm_field(k);
    if v < min || v > max {
        return false;
    }
    match k {
        Imm8Sex16 => (v as i16) as i64 >= -0x80 && (v as i16) <= 0x7f,
        Imm8Sex32 => (v as i32) >= -0x80 && (v as i32) <= 0x7f,
        _ => true,
    }
}

/// How an operand fails a slot, for the error of a failed match.
enum Mismatch {
    Shape,
    Imm { min: i64, max: i64 },
}

#[inline]
fn class_accepts(slot_class: RegClass, r: Reg) -> bool {
    r.class() == slot_class || (slot_class == RegClass::Gp8 && r.class() == RegClass::Gp8High)
}

/// Whether `m` can be the memory of a form whose memory size is `form`.
#[inline]
fn mem_size_ok(form: &Form, m: &Mem<'_>) -> bool {
    if m.bcst != 0 {
        return form.bcst_size != 0
            && (m.size == 0 || m.size == form.bcst_size as u16)
            && form.mem_size / form.bcst_size as u16 == m.bcst as u16;
    }
    m.size == 0 || form.mem_size == 0 || m.size == form.mem_size
}

#[inline]
fn operand_fits(form: &Form, k: OpKind, op: &Operand<'_>, mode: Mode) -> Result<(), Mismatch> {
    let s = slot(k);
    let ok = match (s, op) {
        (Slot::Fixed(r), Operand::Reg(x)) => *x == r,
        (
            Slot::ModReg(c) | Slot::Vvvv(c) | Slot::OpReg(c) | Slot::Is4(c) | Slot::Is5(c),
            Operand::Reg(r),
        ) => class_accepts(c, *r),
        (Slot::ModRm(Some(c), _), Operand::Reg(r)) => class_accepts(c, *r),
        (Slot::ModRm(c, true), Operand::Mem(m)) => {
            // A far pointer in memory (`jmp fword ptr [rax]`) is only chosen
            // when its size is written; `jmp [rax]` is the near jump.
            let far = c.is_none() && m.size == 0 && matches!(form.mnemonic(), "call" | "jmp");
            !far && m.index.map_or(true, |i| is_gp(i.class())) && mem_size_ok(form, m)
        }
        (Slot::SibMem, Operand::Mem(m)) => {
            m.base.is_some_and(|b| is_gp(b.class()))
                && m.index.map_or(true, |i| is_gp(i.class()))
                && m.size == 0
        }
        (Slot::Vsib(c), Operand::Mem(m)) => {
            m.index.is_some_and(|i| i.class() == c) && mem_size_ok(form, m)
        }
        (Slot::Moffs, Operand::Mem(m)) => {
            m.base.is_none() && m.index.is_none() && mem_size_ok(form, m)
        }
        (Slot::StrSrc | Slot::StrDst | Slot::SegRdi | Slot::Xlat, Operand::Mem(m)) => {
            string_mem_ok(s, m, mode) && mem_size_ok(form, m)
        }
        (Slot::Imm(k), Operand::Imm(i)) => {
            let (size, min, max) = imm_field(k);
            if i.size != 0 && i.size != size && !(k == OpKind::Imm8Const1 && i.size == 1) {
                false
            } else if imm_fits(k, i.value) {
                true
            } else {
                return Err(Mismatch::Imm { min, max });
            }
        }
        (Slot::Imm(k), Operand::Label(_, hint)) => {
            let size = imm_field(k).0;
            let default = if mode.is64() { 8 } else { 4 };
            size >= 4 && size == if *hint == 0 { default } else { *hint }
        }
        (Slot::Rel(n), Operand::Label(_, hint)) => {
            if *hint == 0 {
                // Without a hint a label takes the longest displacement of the
                // mnemonic: rel32, or rel8 for `loop`/`jrcxz`, which have no other.
                n != 2 && (n == 4 || !has_rel4(form))
            } else {
                *hint == n
            }
        }
        (Slot::AbsBranch(n), Operand::Label(_, hint)) => *hint == 0 || *hint == n,
        (Slot::Far(n), Operand::Far(_, off)) => n == 4 || *off <= 0xffff,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Mismatch::Shape)
    }
}

#[inline]
fn has_rel4(form: &Form) -> bool {
    forms_by_index(form.mnemonic)
        .iter()
        .any(|f| f.operands.iter().any(|k| matches!(slot(*k), Slot::Rel(4))))
}

#[inline]
const fn is_gp(c: RegClass) -> bool {
    matches!(
        c,
        RegClass::Gp16 | RegClass::Gp32 | RegClass::Gp64 | RegClass::Ip
    )
}

#[inline]
fn string_mem_ok(s: Slot, m: &Mem<'_>, mode: Mode) -> bool {
    let want = match s {
        Slot::StrSrc => 6,
        Slot::StrDst | Slot::SegRdi => 7,
        _ => 3,
    };
    let base_ok = m.base.is_some_and(|b| {
        b.num() == want
            && match b.class() {
                RegClass::Gp64 => mode.is64(),
                RegClass::Gp32 => true,
                _ => false,
            }
    });
    let seg_ok = match s {
        Slot::StrDst => m.seg.is_none() || m.seg == Some(regs::es),
        _ => true,
    };
    base_ok && m.index.is_none() && m.disp == 0 && m.label.is_none() && seg_ok && m.bcst == 0
}

/// Whether a form matches the operands, ignoring register numbers (checked
/// when encoding). Implied string operands may be left out altogether.
#[inline]
fn form_fits(form: &Form, ops: &[Operand<'_>], mode: Mode) -> Result<(), (u8, Mismatch)> {
    if ops.is_empty() && !form.operands.is_empty() {
        let implied = form.operands.iter().all(|k| {
            matches!(
                slot(*k),
                Slot::Fixed(_) | Slot::StrSrc | Slot::StrDst | Slot::SegRdi | Slot::Xlat
            )
        }) && form.operands.iter().any(|k| {
            matches!(
                slot(*k),
                Slot::StrSrc | Slot::StrDst | Slot::SegRdi | Slot::Xlat
            )
        });
        return if implied {
            Ok(())
        } else {
            Err((0, Mismatch::Shape))
        };
    }
    if ops.len() != form.operands.len() {
        return Err((0, Mismatch::Shape));
    }
    for (i, (k, op)) in form.operands.iter().zip(ops).enumerate() {
        operand_fits(form, *k, op, mode).map_err(|m| (i as u8, m))?;
    }
    Ok(())
}

/// Picks the form for `inst` and encodes it: the shortest encoding among the
/// forms that accept the operands; among equal lengths the first in table
/// order, except where llvm-mc chooses otherwise (see `preferred_on_tie`;
/// `tests/golden.rs` compares the bytes with llvm-mc's). A VEX form is
/// preferred to an EVEX form that is valid too (they need different CPU
/// features; EVEX only when needed or asked for with `{evex}`), the mode's
/// stack width to a shorter 16-bit `push`, and a standard form to an early or
/// clone CPU's variant of the same mnemonic. `sal` is encoded as `shl`.
/// `xchg` is symmetric: the form returned for it may take the two operands
/// in the other order.
#[inline]
pub fn select<'a>(
    mode: Mode,
    inst: &Instruction<'a, '_>,
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    let forms = forms_by_index(inst.mnemonic.index());
    let chosen = select_among(mode, inst, forms.iter());
    if inst.mnemonic.name() == "xchg" && inst.operands.len() == 2 {
        // `xchg` is symmetric: `xchg eax, ebp` is `95` (`xchg r32, eax`),
        // `xchg reg, [mem]` is `87 /r`. Of two registers, the first goes
        // in ModRM.reg when the lengths are equal, as llvm-mc encodes it.
        let swapped = [inst.operands[1], inst.operands[0]];
        let other = Instruction {
            operands: &swapped,
            ..*inst
        };
        if let Ok((f, e)) = select_among(mode, &other, forms.iter()) {
            if !matches!(&chosen, Ok((_, c)) if c.len() < e.len()) {
                return Ok((f, e));
            }
        }
    }
    chosen
}

/// Among two forms whose encodings have the same length, whether `form` is
/// preferred to `best`: the choices llvm-mc makes (checked by
/// `tests/golden.rs`), where table order alone would differ.
#[inline]
fn preferred_on_tie(form: &Form, best: &Form, ops: &[Operand<'_>]) -> bool {
    use OpKind::*;
    let has = |f: &Form, pred: fn(OpKind) -> bool| f.operands.iter().any(|k| pred(*k));
    let sex8 = |k| matches!(k, Imm8Sex16 | Imm8Sex32 | Imm8Sex64);
    // `add ax, 5`: `66 83 /0 ib` rather than `66 05 iw`.
    if has(form, sex8) != has(best, sex8) {
        return has(form, sex8);
    }
    // `movq xmm, [m]`: `F3 0F 7E` / `66 0F D6` / `0F 7F` rather than the
    // REX.W forms of `movd` (`66 REX.W 0F 6E`…).
    let mem_kind = |f: &Form| {
        f.operands
            .iter()
            .zip(ops)
            .find(|(_, op)| matches!(op, Operand::Mem(_)))
            .map(|(k, _)| *k)
    };
    if let (Some(a), Some(b)) = (mem_kind(form), mem_kind(best)) {
        let vec = |k| matches!(k, XmmOrMem | MmOrMem);
        if vec(a) != vec(b)
            && matches!(a, XmmOrMem | MmOrMem | R64OrMem)
            && matches!(b, XmmOrMem | MmOrMem | R64OrMem)
        {
            return vec(a);
        }
    }
    // FMA4 with registers only: VEX.W1 (the last source in ModRM.rm, the
    // third in imm8[7:4]) rather than W0.
    let is4 = |k| matches!(k, XmmIs4 | YmmIs4);
    if form.encoding == Encoding::Vex && has(form, is4) && has(best, is4) {
        return form.w == W::W1 && best.w == W::W0;
    }
    false
}

/// [`select`] among some of the mnemonic's forms only: the typed builder
/// passes the forms whose operand kinds take its argument types, known when
/// the builder is generated.
#[inline]
pub fn select_among<'a>(
    mode: Mode,
    inst: &Instruction<'a, '_>,
    forms: impl Iterator<Item = &'static Form>,
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    let mut best: Option<(&'static Form, Encoded<'a>)> = None;
    let mut err: Option<EncodeError> = None;
    let mut imm_err: Option<EncodeError> = None;
    let mut any_in_mode = false;
    let mut mem_sizes = 0u16; // a written-size mismatch of candidates
    let mut size_of_best = 0u16;
    let want_evex = inst.prefixes.has(Prefixes::EVEX);
    let want_vex = inst.prefixes.has(Prefixes::VEX) || inst.prefixes.has(Prefixes::VEX3);
    // Stack-sized instructions (push, pop, call, jmp) take the mode's width
    // for a memory operand whose size is not written, as llvm-mc does.
    let stack_sized = || {
        forms_by_index(inst.mnemonic.index()).iter().any(|f| {
            (f.has(flags::DEFAULT64) || f.has(flags::FORCE64))
                && f.operands
                    .iter()
                    .any(|k| matches!(slot(*k), Slot::ModRm(Some(_), true)))
        })
    };
    // `sal` is `shl` (`D0 /4`…) in the manual and in every assembler; the
    // `/6` forms iced names `sal` are an undocumented alias, left to
    // `encode_form`. Decided once per call, not per form.
    let shl = match inst.mnemonic.name() {
        "sal" => crate::table::forms_of("shl"),
        _ => None,
    };
    for form in forms {
        if !form.valid_in(mode) {
            continue;
        }
        any_in_mode = true;
        let form = shl
            .and_then(|shl| {
                shl.iter()
                    .find(|f| f.operands == form.operands && f.opcode == form.opcode)
            })
            .unwrap_or(form);
        if (want_evex && form.encoding != Encoding::Evex)
            || (want_vex && form.encoding != Encoding::Vex)
            || (!want_vex && form.has(flags::VEX_EXPLICIT))
        {
            continue;
        }
        match form_fits(form, inst.operands, mode) {
            Ok(()) => {}
            Err((i, Mismatch::Imm { min, max })) => {
                let value = match inst.operands[i as usize] {
                    Operand::Imm(imm) => imm.value,
                    _ => 0,
                };
                // Report the widest field the value missed.
                let wider = match &imm_err {
                    Some(EncodeError::ImmediateOutOfRange {
                        min: m0, max: m1, ..
                    }) => (max as i128 - min as i128) > (*m1 as i128 - *m0 as i128),
                    _ => true,
                };
                if wider {
                    imm_err = Some(EncodeError::ImmediateOutOfRange {
                        operand: i,
                        value,
                        min,
                        max,
                    });
                }
                continue;
            }
            Err(_) => continue,
        }
        // A valid VEX form wins over any EVEX form: no need to encode it.
        if form.encoding == Encoding::Evex
            && best
                .as_ref()
                .is_some_and(|(b, _)| b.encoding == Encoding::Vex)
        {
            continue;
        }
        let enc = match encode_form(mode, form, inst) {
            Ok(e) => e,
            Err(e) => {
                if err.is_none() {
                    err = Some(e);
                }
                continue;
            }
        };
        let size = unsized_mem_size(form, inst.operands);
        match &best {
            None => {
                best = Some((form, enc));
                size_of_best = size;
            }
            Some((bf, be)) => {
                // Sizes no keyword can state (the FPU environment's 14 or
                // 28 bytes…) are not an ambiguity: the shorter form wins.
                let writable = |s: u16| matches!(s, 1 | 2 | 4 | 6 | 8 | 10 | 16 | 32 | 64);
                if size != size_of_best && (writable(size) || writable(size_of_best)) {
                    // Same operands, different memory sizes: only a stack
                    // instruction (push, call…) has a default, its mode's width.
                    let width = if mode.is64() { 64 } else { 32 };
                    let stack = stack_sized();
                    let b_default = stack && bf.operand_size == width;
                    let f_default = stack && form.operand_size == width;
                    if b_default == f_default {
                        mem_sizes = 1;
                    } else if f_default {
                        best = Some((form, enc));
                        size_of_best = size;
                    }
                    continue;
                }
                let width = if mode.is64() { 64 } else { 32 };
                let prefer = if bf.encoding == Encoding::Vex && form.encoding == Encoding::Evex {
                    false
                } else if bf.encoding == Encoding::Evex && form.encoding == Encoding::Vex {
                    true
                } else if bf.has(flags::OBSOLETE_ALT) != form.has(flags::OBSOLETE_ALT) {
                    bf.has(flags::OBSOLETE_ALT)
                } else if bf.operand_size != form.operand_size
                    && (bf.operand_size == width || form.operand_size == width)
                    && stack_sized()
                {
                    // `push 0x1234`, `call 0x10:0x2000`: the mode's stack
                    // width, not a shorter 16-bit form, which would push
                    // two bytes.
                    form.operand_size == width
                } else if enc.len != be.len {
                    enc.len < be.len
                } else {
                    preferred_on_tie(form, bf, inst.operands)
                };
                if prefer {
                    best = Some((form, enc));
                }
            }
        }
    }
    if mem_sizes != 0 {
        return Err(EncodeError::AmbiguousSize {
            mnemonic: inst.mnemonic,
        });
    }
    if let Some(b) = best {
        return Ok(b);
    }
    if !any_in_mode {
        return Err(EncodeError::NotInMode {
            mnemonic: inst.mnemonic,
            mode,
        });
    }
    Err(err.or(imm_err).unwrap_or(EncodeError::NoMatchingForm {
        mnemonic: inst.mnemonic,
        mode,
    }))
}

/// The memory size a form gives an operand whose size was not written (0 if
/// every memory operand states its size or there is none).
#[inline]
fn unsized_mem_size(form: &Form, ops: &[Operand<'_>]) -> u16 {
    for op in ops {
        if let Operand::Mem(m) = op {
            if m.size == 0 && m.bcst == 0 {
                return form.mem_size;
            }
        }
    }
    0
}

// ---------------------------------------------------------------------------
// Encoding one form.

/// The pieces of an instruction before they are laid out.
#[derive(Default)]
struct Parts<'m, 'a> {
    reg: Option<u8>,
    rm_reg: Option<u8>,
    mem: Option<(u8, &'m Mem<'a>)>,
    sib_required: bool,
    vvvv: Option<u8>,
    opreg: Option<u8>,
    is4: Option<u8>,
    imm4: u8,
    imms: [(u64, u8); 2],
    nimm: usize,
    imm_label: Option<(LabelRef<'a>, u8)>,
    rel: Option<(LabelRef<'a>, u8)>,
    moffs: Option<(u8, &'m Mem<'a>)>,
    far: Option<(u16, u32, u8)>,
    implied_addr: Option<Reg>,
    needs_rex: bool,
    high_byte: Option<Reg>,
    unique: [u8; 4],
    nunique: usize,
}

#[inline]
fn check_num(op: u8, r: Reg, limit: u8) -> Result<u8, EncodeError> {
    // spl bpl sil dil need a REX prefix: limit 8 (32-bit mode) leaves al..bl.
    let limit = if r.class() == RegClass::Gp8 && limit == 8 {
        4
    } else {
        limit
    };
    if r.num() < limit {
        Ok(r.num())
    } else {
        Err(EncodeError::RegisterNotEncodable {
            operand: op,
            reg: r,
        })
    }
}

/// Encodes `inst` with `form` (which must accept the operands; see
/// [`select`]). This is the path for a form chosen ahead of time, as the
/// `dynasm!` macro does for operands only known at run time.
#[inline]
pub fn encode_form<'a>(
    mode: Mode,
    form: &'static Form,
    inst: &Instruction<'a, '_>,
) -> Result<Encoded<'a>, EncodeError> {
    let evex = form.encoding == Encoding::Evex;
    // Register number limits: vector registers reach 31 only with EVEX;
    // everything stops at 7 in 32-bit mode.
    let gp_lim = if mode.is64() { 16 } else { 8 };
    let vec_lim = match (mode, form.encoding) {
        (Mode::Protected, _) => 8,
        (Mode::Long, Encoding::Evex) => 32,
        _ => 16,
    };
    let lim = |c: RegClass| {
        if matches!(c, RegClass::Xmm | RegClass::Ymm | RegClass::Zmm) {
            vec_lim
        } else {
            gp_lim
        }
    };
    let mut p = Parts::default();
    let ops = inst.operands;
    for (i, k) in form.operands.iter().enumerate() {
        let Some(op) = ops.get(i) else { break };
        let io = i as u8;
        let s = slot(*k);
        match (s, op) {
            (Slot::Fixed(_), _) => {}
            (Slot::ModReg(c), Operand::Reg(r)) => {
                let n = check_num(io, *r, lim(c))?;
                if *k == OpKind::KP1Reg && n % 2 != 0 {
                    return Err(EncodeError::RegisterNotEncodable {
                        operand: io,
                        reg: *r,
                    });
                }
                if r.class() == RegClass::Seg && n == 1 && form.opcode == 0x8e {
                    // `mov cs, …` does not exist (#UD).
                    return Err(EncodeError::RegisterNotEncodable {
                        operand: io,
                        reg: *r,
                    });
                }
                gp8_rex(&mut p, *r);
                p.reg = Some(n);
                unique(&mut p, *r);
            }
            (Slot::ModRm(_, _), Operand::Reg(r)) => {
                let n = check_num(io, *r, lim(r.class()))?;
                gp8_rex(&mut p, *r);
                p.rm_reg = Some(n);
                unique(&mut p, *r);
            }
            (Slot::ModRm(_, _), Operand::Mem(m)) => p.mem = Some((io, m)),
            (Slot::SibMem, Operand::Mem(m)) => {
                p.mem = Some((io, m));
                p.sib_required = true;
            }
            (Slot::Vsib(_), Operand::Mem(m)) => {
                let idx = m.index.expect("matched VSIB has an index");
                check_num(io, idx, vec_lim)?;
                unique(&mut p, idx);
                p.mem = Some((io, m));
            }
            (Slot::Vvvv(c), Operand::Reg(r)) => {
                p.vvvv = Some(check_num(io, *r, lim(c))?);
                unique(&mut p, *r);
            }
            (Slot::OpReg(_), Operand::Reg(r)) => {
                let n = check_num(io, *r, gp_lim)?;
                gp8_rex(&mut p, *r);
                p.opreg = Some(n);
            }
            (Slot::Is4(_) | Slot::Is5(_), Operand::Reg(r)) => {
                p.is4 = Some(check_num(io, *r, gp_lim)?);
            }
            (Slot::Moffs, Operand::Mem(m)) => p.moffs = Some((io, m)),
            (Slot::StrSrc | Slot::StrDst | Slot::SegRdi | Slot::Xlat, Operand::Mem(m)) => {
                if let Some(b) = m.base {
                    p.implied_addr = Some(b);
                }
            }
            (Slot::Imm(OpKind::Imm8Const1), _) => {}
            (Slot::Imm(OpKind::Imm4M2z), Operand::Imm(v)) => p.imm4 = v.value as u8 & 3,
            (Slot::Imm(k), Operand::Imm(v)) => {
                let size = imm_field(k).0;
                p.imms[p.nimm] = (v.value as u64, size);
                p.nimm += 1;
            }
            (Slot::Imm(k), Operand::Label(l, _)) => {
                p.imm_label = Some((*l, imm_field(k).0));
            }
            (Slot::Rel(n) | Slot::AbsBranch(n), Operand::Label(l, _)) => p.rel = Some((*l, n)),
            (Slot::Far(n), Operand::Far(sel, off)) => p.far = Some((*sel, *off, n)),
            _ => {
                return Err(EncodeError::NoMatchingForm {
                    mnemonic: inst.mnemonic,
                    mode,
                })
            }
        }
    }
    if form.has(flags::UNIQUE_REGS) || form.has(flags::UNIQUE_DEST) {
        // The destination comes first; with UNIQUE_DEST only it must differ.
        let u = &p.unique[..p.nunique];
        let n = if form.has(flags::UNIQUE_REGS) {
            u.len()
        } else {
            1
        };
        for i in 0..n.min(u.len()) {
            if u[i + 1..].contains(&u[i]) {
                return Err(EncodeError::SameRegisters);
            }
        }
    }
    // `xchg eax, eax` is not `90` in 64-bit mode (that is `nop`, which keeps
    // the upper half of rax).
    if mode.is64()
        && form.opcode == 0x90
        && form.opcode_len == 1
        && form.operand_size == 32
        && form.encoding == Encoding::Legacy
        && p.opreg == Some(0)
    {
        return Err(EncodeError::NoMatchingForm {
            mnemonic: inst.mnemonic,
            mode,
        });
    }

    // Segment override (from whichever memory operand has one; `es:[rdi]`
    // of string instructions cannot be overridden and needs no prefix).
    let mut seg: Option<Reg> = None;
    for (i, (op, k)) in ops.iter().zip(form.operands).enumerate() {
        if slot(*k) == Slot::StrDst {
            continue;
        }
        if let Operand::Mem(m) = op {
            if let Some(s) = m.seg {
                if s.class() != RegClass::Seg {
                    return Err(EncodeError::Memory {
                        operand: i as u8,
                        problem: MemProblem::NotASegment(s),
                    });
                }
                seg = Some(s);
            }
        }
    }

    let d = inst.decorations;
    let pf = inst.prefixes;
    check_decorations(form, inst, p.mem.is_some())?;
    check_prefixes(
        form,
        pf,
        p.mem.is_some() || p.moffs.is_some() || p.implied_addr.is_some(),
    )?;

    // Memory operand: ModRM.mod/rm, SIB, displacement.
    let n = if evex {
        let any_bcst = p.mem.is_some_and(|(_, m)| m.bcst != 0);
        if any_bcst {
            form.disp8_n_bcst
        } else {
            form.disp8_n
        }
    } else {
        1
    };
    let mut addr32 = false; // 67 prefix
    let mut modrm_mem: Option<MemEnc<'a>> = None;
    if let Some((io, m)) = p.mem {
        let me = mem_enc(
            mode,
            m,
            n as i64,
            p.sib_required,
            vec_lim,
            form.address_size == 16,
        )
        .map_err(|problem| EncodeError::Memory {
            operand: io,
            problem,
        })?;
        let problem = if me.has_regs && form.address_size != 0 && me.addr_bits != form.address_size
        {
            // `enqcmd`, `movdir64b`…: the register operand fixes the address size.
            Some(MemProblem::AddressSize(form.address_size))
        } else if form.operands.iter().any(|k| k.is_mpx()) && (me.addr32 || me.rip) {
            // MPX ignores 67 in 64-bit mode and has no RIP-relative form.
            Some(MemProblem::AddressSize(64))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(EncodeError::Memory {
                operand: io,
                problem,
            });
        }
        addr32 = me.addr32;
        modrm_mem = Some(me);
    }
    if let Some(b) = p.implied_addr {
        addr32 = mode.is64() && b.class() == RegClass::Gp32;
    }
    if form.address_size != 0 {
        let default = if mode.is64() { 64 } else { 32 };
        if form.address_size != default {
            addr32 = true;
        }
    }

    // REX bits.
    let rex_w = match form.w {
        W::W1 => true,
        _ => {
            form.encoding == Encoding::Legacy
                && form.operand_size == 64
                && !form.has(flags::DEFAULT64)
                && !form.has(flags::FORCE64)
        }
    };
    let reg = p.reg.unwrap_or(0);
    let (mut x_bit, mut b_bit, mut v_idx4) = (false, false, false);
    if let Some(me) = &modrm_mem {
        x_bit = me.index & 8 != 0;
        b_bit = me.base & 8 != 0;
        v_idx4 = me.index & 16 != 0;
    }
    if let Some(r) = p.rm_reg {
        b_bit = r & 8 != 0;
        x_bit = evex && r & 16 != 0;
    }
    if let Some(r) = p.opreg {
        b_bit = r & 8 != 0;
    }
    let r_bit = reg & 8 != 0;
    let r4_bit = reg & 16 != 0;

    let mut e = Encoded {
        bytes: [0; MAX_LEN],
        len: 0,
        fixup: None,
    };
    if form.has(flags::FWAIT) {
        e.push(0x9b);
    }
    // Group 1 prefixes written by the user.
    if pf.has(Prefixes::REP) || pf.has(Prefixes::XRELEASE) {
        e.push(0xf3);
    }
    if pf.has(Prefixes::REPNE) || pf.has(Prefixes::XACQUIRE) || pf.has(Prefixes::BND) {
        e.push(0xf2);
    }
    if let Some(s) = seg {
        e.push([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65][s.num() as usize]);
    }
    if pf.has(Prefixes::NOTRACK) {
        e.push(0x3e);
    }
    if addr32 {
        e.push(0x67);
    }
    let opsize16 = form.operand_size == 16 && form.encoding == Encoding::Legacy;
    if opsize16 {
        e.push(0x66);
    }
    if pf.has(Prefixes::LOCK) {
        e.push(0xf0);
    }

    let pp = match form.prefix {
        Prefix::None | Prefix::Np => 0u8,
        Prefix::P66 => 1,
        Prefix::PF3 => 2,
        Prefix::PF2 => 3,
    };
    let l = if form.lig { 0 } else { form.l };

    match form.encoding {
        Encoding::Legacy | Encoding::D3now => {
            if pp == 1 && !opsize16 {
                e.push(0x66);
            } else if pp == 2 {
                e.push(0xf3);
            } else if pp == 3 {
                e.push(0xf2);
            }
            let rex_needed = rex_w || r_bit || x_bit || b_bit || p.needs_rex;
            if rex_needed {
                if !mode.is64() {
                    return Err(EncodeError::NotInMode {
                        mnemonic: inst.mnemonic,
                        mode,
                    });
                }
                if let Some(h) = p.high_byte {
                    return Err(EncodeError::HighByteWithRex { reg: h });
                }
                e.push(
                    0x40 | (rex_w as u8) << 3
                        | (r_bit as u8) << 2
                        | (x_bit as u8) << 1
                        | b_bit as u8,
                );
            }
            match form.map {
                Map::M0F => e.push(0x0f),
                Map::M0F38 => {
                    e.push(0x0f);
                    e.push(0x38)
                }
                Map::M0F3A => {
                    e.push(0x0f);
                    e.push(0x3a)
                }
                _ => {}
            }
            if form.encoding == Encoding::D3now {
                e.push(0x0f);
            } else {
                push_opcode(&mut e, form, p.opreg);
            }
        }
        Encoding::Vex | Encoding::Xop => {
            if let Some(h) = p.high_byte {
                return Err(EncodeError::HighByteWithRex { reg: h });
            }
            let mmmmm = match form.map {
                Map::M0F => 1,
                Map::M0F38 => 2,
                Map::M0F3A => 3,
                Map::Xop8 => 8,
                Map::Xop9 => 9,
                Map::Xop10 => 10,
                _ => 1,
            };
            let w = matches!(form.w, W::W1);
            let vvvv = !p.vvvv.unwrap_or(0) & 0xf;
            let two = form.encoding == Encoding::Vex
                && !x_bit
                && !b_bit
                && !w
                && mmmmm == 1
                && !pf.has(Prefixes::VEX3);
            if two {
                e.push(0xc5);
                e.push((!r_bit as u8) << 7 | vvvv << 3 | l << 2 | pp);
            } else {
                e.push(if form.encoding == Encoding::Xop {
                    0x8f
                } else {
                    0xc4
                });
                e.push((!r_bit as u8) << 7 | (!x_bit as u8) << 6 | (!b_bit as u8) << 5 | mmmmm);
                e.push((w as u8) << 7 | vvvv << 3 | l << 2 | pp);
            }
            push_opcode(&mut e, form, p.opreg);
        }
        Encoding::Evex => {
            let mmm = match form.map {
                Map::M0F => 1,
                Map::M0F38 => 2,
                Map::M0F3A => 3,
                Map::Map5 => 5,
                Map::Map6 => 6,
                _ => 1,
            };
            let w = matches!(form.w, W::W1);
            let v = p.vvvv.unwrap_or(0);
            let bcst = p.mem.is_some_and(|(_, m)| m.bcst != 0);
            let (ll, b) = if let Some(rc) = d.rounding {
                (rc as u8, true)
            } else if d.sae {
                (0, true)
            } else {
                (l, bcst)
            };
            let vp = if p.mem.is_some() && modrm_mem.as_ref().is_some_and(|m| m.vsib) {
                v_idx4
            } else {
                v & 16 != 0
            };
            e.push(0x62);
            e.push(
                (!r_bit as u8) << 7
                    | (!x_bit as u8) << 6
                    | (!b_bit as u8) << 5
                    | (!r4_bit as u8) << 4
                    | mmm,
            );
            e.push((w as u8) << 7 | (!v & 0xf) << 3 | 1 << 2 | pp);
            e.push(
                (d.zeroing as u8) << 7
                    | ll << 5
                    | (b as u8) << 4
                    | (!vp as u8) << 3
                    | d.mask.map_or(0, |k| k.num()),
            );
            push_opcode(&mut e, form, p.opreg);
        }
    }

    // ModRM, SIB, displacement.
    let modrm_at_rel: Option<(u8, LabelRef<'a>, &'static FixupKind)>;
    let regf = if form.digit >= 0 {
        form.digit as u8
    } else {
        reg & 7
    };
    if let Some(me) = &modrm_mem {
        e.push(me.mod_ << 6 | regf << 3 | me.rm);
        if let Some(sib) = me.sib {
            e.push(sib);
        }
        let at = e.len;
        e.push_le(me.disp as u64, me.disp_len as usize);
        modrm_at_rel = me.label.map(|(l, k)| (at, l, k));
    } else {
        modrm_at_rel = None;
        let rm = p.rm_reg.map(|r| r & 7).or(if form.rm_digit >= 0 {
            Some(form.rm_digit as u8)
        } else {
            None
        });
        if p.reg.is_some() || p.rm_reg.is_some() || form.digit >= 0 || form.rm_digit >= 0 {
            e.push(0xc0 | regf << 3 | rm.unwrap_or(0));
        }
    }
    if let Some((io, m)) = p.moffs {
        let at = e.len;
        let wide = mode.is64() && !addr32;
        let n = if wide { 8 } else { 4 };
        if let Some(l) = m.label {
            e.push_le(0, n);
            e.fixup = Some(Fixup {
                label: l.plus(m.disp),
                kind: if wide { &fx::ABS64 } else { &fx::ABS32 },
                at,
                pc: 0,
            });
        } else if wide || fits_u32_or_i32(m.disp) {
            e.push_le(m.disp as u64, n);
        } else {
            return Err(EncodeError::Memory {
                operand: io,
                problem: MemProblem::DispOutOfRange(m.disp),
            });
        }
    }

    // Immediates.
    if let Some((sel, off, n)) = p.far {
        e.push_le(off as u64, n as usize);
        e.push_le(sel as u64, 2);
    }
    if let Some(r) = p.is4 {
        e.push(r << 4 | p.imm4);
    }
    for &(v, size) in &p.imms[..p.nimm] {
        e.push_le(v, size as usize);
    }
    if form.encoding == Encoding::D3now {
        e.push(form.opcode as u8);
    }
    let mut label_field: Option<(u8, LabelRef<'a>, &'static FixupKind)> = modrm_at_rel;
    if let Some((l, size)) = p.imm_label {
        let at = e.len;
        e.push_le(0, size as usize);
        let kind: &'static FixupKind = match size {
            8 => &fx::ABS64,
            _ if mode.is64() && form.operand_size == 64 => &fx::ABS32S,
            _ => &fx::ABS32,
        };
        label_field = Some((at, l, kind));
    }
    if let Some((l, n)) = p.rel {
        let at = e.len;
        e.push_le(0, n as usize);
        let kind: &'static FixupKind = match (n, form.operands.first()) {
            (1, _) => &fx::REL8,
            (2, Some(OpKind::BrDisp2)) => &fx::ABS32,
            (2, _) => &fx::REL16,
            (_, Some(OpKind::BrDisp4)) => &fx::ABS32,
            _ if mode.is64() => &fx::REL32,
            _ => &fx::REL32_WRAP,
        };
        label_field = Some((at, l, kind));
    }
    if let Some((at, label, kind)) = label_field {
        e.fixup = Some(Fixup {
            label,
            kind,
            at,
            pc: e.len,
        });
    }
    Ok(e)
}

#[inline]
fn fits_u32_or_i32(v: i64) -> bool {
    (-0x8000_0000..=0xffff_ffff).contains(&v)
}

#[inline]
fn unique(p: &mut Parts<'_, '_>, r: Reg) {
    if matches!(
        r.class(),
        RegClass::Xmm | RegClass::Ymm | RegClass::Zmm | RegClass::Tmm
    ) && p.nunique < 4
    {
        p.unique[p.nunique] = r.num();
        p.nunique += 1;
    }
}

#[inline]
fn gp8_rex(p: &mut Parts<'_, '_>, r: Reg) {
    match r.class() {
        RegClass::Gp8 if (4..8).contains(&r.num()) => p.needs_rex = true,
        RegClass::Gp8High => p.high_byte = Some(r),
        _ => {}
    }
}

#[inline]
fn push_opcode(e: &mut Encoded<'_>, form: &Form, opreg: Option<u8>) {
    let n = form.opcode_len as usize;
    for i in (0..n).rev() {
        let mut b = (form.opcode >> (8 * i)) as u8;
        if i == 0 {
            if let Some(r) = opreg {
                b += r & 7;
            }
        }
        e.push(b);
    }
}

#[inline]
fn check_decorations(
    form: &Form,
    inst: &Instruction<'_, '_>,
    has_mem: bool,
) -> Result<(), EncodeError> {
    let d = inst.decorations;
    if let Some(k) = d.mask {
        if k.class() != RegClass::K || !form.has(flags::MASK) {
            return Err(EncodeError::Decoration {
                what: "{k} write mask",
            });
        }
        if k.num() == 0 {
            return Err(EncodeError::Decoration {
                what: "{k0} as a write mask",
            });
        }
    } else if form.has(flags::MASK_REQUIRED) {
        return Err(EncodeError::Decoration {
            what: "leaving out the write mask",
        });
    }
    let mem_dest = matches!(inst.operands.first(), Some(Operand::Mem(_)));
    if d.zeroing && (!form.has(flags::ZEROING) || d.mask.is_none() || mem_dest) {
        return Err(EncodeError::Decoration { what: "{z}" });
    }
    if d.rounding.is_some() && (!form.has(flags::ROUNDING) || has_mem) {
        return Err(EncodeError::Decoration {
            what: "embedded rounding",
        });
    }
    if d.sae && d.rounding.is_none() && (!form.has(flags::SAE) || has_mem) {
        return Err(EncodeError::Decoration { what: "{sae}" });
    }
    Ok(())
}

#[inline]
fn check_prefixes(form: &Form, pf: Prefixes, has_mem: bool) -> Result<(), EncodeError> {
    let checks: [(Prefixes, u32, &'static str); 6] = [
        (Prefixes::LOCK, flags::LOCK, "lock"),
        (Prefixes::REP, flags::REP, "rep"),
        (Prefixes::REPNE, flags::REPNE, "repne"),
        (Prefixes::XACQUIRE, flags::XACQUIRE, "xacquire"),
        (Prefixes::XRELEASE, flags::XRELEASE, "xrelease"),
        (Prefixes::BND, flags::BND, "bnd"),
    ];
    for (p, f, what) in checks {
        if pf.has(p) && !form.has(f) {
            return Err(EncodeError::Decoration { what });
        }
    }
    if pf.has(Prefixes::LOCK) && !has_mem {
        return Err(EncodeError::Decoration {
            what: "lock on a register operand",
        });
    }
    if pf.has(Prefixes::NOTRACK) {
        let indirect = form.operands.len() == 1
            && matches!(slot(form.operands[0]), Slot::ModRm(Some(_), true))
            && matches!(form.mnemonic(), "call" | "jmp");
        if !indirect {
            return Err(EncodeError::Decoration { what: "notrack" });
        }
    }
    Ok(())
}

/// A memory operand laid out for ModRM.
struct MemEnc<'a> {
    mod_: u8,
    rm: u8,
    sib: Option<u8>,
    disp: i64,
    disp_len: u8,
    /// Full base register number (for REX.B).
    base: u8,
    /// Full index register number (for REX.X and EVEX.V').
    index: u8,
    vsib: bool,
    addr32: bool,
    /// Whether the address is RIP-relative.
    rip: bool,
    /// Whether base or index registers fix the address size…
    has_regs: bool,
    /// …to this many bits.
    addr_bits: u8,
    label: Option<(LabelRef<'a>, &'static FixupKind)>,
}

/// Lays out `m` (Intel SDM vol. 2, tables 2-2 and 2-3). `n` is the disp8×N
/// scale; `sib` forces a SIB byte; `vlim` bounds vector index numbers.
#[inline]
fn mem_enc<'a>(
    mode: Mode,
    m: &Mem<'a>,
    n: i64,
    sib: bool,
    vlim: u8,
    addr16: bool,
) -> Result<MemEnc<'a>, MemProblem> {
    if addr16 && !mode.is64() && m.base.is_none() && m.index.is_none() {
        return mem_enc16(m, n);
    }
    let mut base = m.base;
    let mut index = m.index;
    let mut scale = m.scale;
    if !matches!(scale, 1 | 2 | 4 | 8) {
        return Err(MemProblem::Scale(scale));
    }
    if index.is_none() {
        scale = 1;
    }
    let vsib =
        index.is_some_and(|i| matches!(i.class(), RegClass::Xmm | RegClass::Ymm | RegClass::Zmm));
    // Address size from the registers.
    let mut addr_class = None;
    for r in [base, if vsib { None } else { index }]
        .into_iter()
        .flatten()
    {
        let c = match r.class() {
            RegClass::Ip => {
                if r.num() == 0 {
                    RegClass::Gp64
                } else {
                    RegClass::Gp32
                }
            }
            c @ (RegClass::Gp32 | RegClass::Gp64) => c,
            RegClass::Gp16 if !vsib && !sib && !mode.is64() => return mem_enc16(m, n),
            RegClass::Gp16 => return Err(MemProblem::Addr16),
            _ => return Err(MemProblem::NotAnAddress(r)),
        };
        if addr_class.is_some_and(|a| a != c) {
            return Err(MemProblem::MixedSizes);
        }
        addr_class = Some(c);
    }
    let has_regs = addr_class.is_some();
    let addr_bits = match addr_class {
        Some(RegClass::Gp32) => 32,
        Some(_) => 64,
        None if mode.is64() => 64,
        None => 32,
    };
    let addr32 = match (mode, addr_class) {
        (Mode::Long, Some(RegClass::Gp32)) => true,
        (Mode::Protected, Some(RegClass::Gp64)) => return Err(MemProblem::Addr64In32),
        _ => false,
    };
    if vsib {
        let i = index.unwrap();
        if i.num() >= vlim {
            return Err(MemProblem::NotAnAddress(i));
        }
    }
    let lim = if mode.is64() { 16 } else { 8 };
    for r in [base, if vsib { None } else { index }]
        .into_iter()
        .flatten()
    {
        if r.class() != RegClass::Ip && r.num() >= lim {
            return Err(MemProblem::NotAnAddress(r));
        }
    }
    // rsp cannot be an index: with scale 1 it can swap with the base.
    if let Some(i) = index {
        if !vsib && i.num() == 4 && is_gp(i.class()) {
            match base {
                Some(b) if scale == 1 && b.num() != 4 && b.class() != RegClass::Ip => {
                    index = Some(b);
                    base = Some(i);
                }
                _ => return Err(MemProblem::StackPointerIndex),
            }
        }
    }
    let wide_disp_ok = |d: i64| {
        if mode.is64() && !addr32 {
            i32::try_from(d).is_ok()
        } else {
            fits_u32_or_i32(d)
        }
    };
    let disp = m.disp;
    // RIP-relative.
    if let Some(b) = base {
        if b.class() == RegClass::Ip {
            if !mode.is64() {
                return Err(MemProblem::NotAnAddress(b));
            }
            if index.is_some() {
                return Err(MemProblem::RipWithIndex);
            }
            if m.disp_size == DispSize::Byte {
                return Err(MemProblem::DispNotByte(disp));
            }
            let label = m.label.map(|l| (l.plus(disp), &fx::REL32));
            if label.is_none() && !wide_disp_ok(disp) {
                return Err(MemProblem::DispOutOfRange(disp));
            }
            return Ok(MemEnc {
                mod_: 0,
                rm: 5,
                sib: None,
                disp: if label.is_some() { 0 } else { disp },
                disp_len: 4,
                base: 0,
                index: 0,
                vsib,
                addr32,
                rip: true,
                has_regs,
                addr_bits,
                label,
            });
        }
    }
    let abs_kind: &'static FixupKind = if mode.is64() && !addr32 {
        &fx::ABS32S
    } else {
        &fx::ABS32
    };
    let label = m.label.map(|l| (l.plus(disp), abs_kind));
    let disp = if label.is_some() { 0 } else { disp };
    if label.is_none() && !wide_disp_ok(disp) {
        return Err(MemProblem::DispOutOfRange(disp));
    }
    let index_num = index.map_or(4, |i| i.num());
    let ss = match scale {
        1 => 0,
        2 => 1,
        4 => 2,
        _ => 3,
    };
    let Some(b) = base else {
        // No base: disp32 alone (SIB form in 64-bit mode, which is absolute;
        // mod 00 rm 101 would be RIP-relative there).
        if m.disp_size == DispSize::Byte {
            return Err(MemProblem::DispNotByte(disp));
        }
        let use_sib = index.is_some() || mode.is64() || sib;
        return Ok(MemEnc {
            mod_: 0,
            rm: if use_sib { 4 } else { 5 },
            sib: use_sib.then_some(ss << 6 | (index_num & 7) << 3 | 5),
            disp,
            disp_len: 4,
            base: 0,
            index: if index.is_some() { index_num } else { 0 },
            vsib,
            addr32,
            rip: false,
            has_regs,
            addr_bits,
            label,
        });
    };
    let bn = b.num();
    // Displacement size.
    let (mod_, disp_len, disp_val) = if label.is_some() || m.disp_size == DispSize::Dword {
        (2, 4, disp)
    } else if disp == 0 && bn & 7 != 5 && m.disp_size == DispSize::Auto {
        (0, 0, 0)
    } else if disp % n == 0 && i8::try_from(disp / n).is_ok() {
        (1, 1, disp / n)
    } else if m.disp_size == DispSize::Byte {
        return Err(MemProblem::DispNotByte(disp));
    } else {
        (2, 4, disp)
    };
    let need_sib = sib || index.is_some() || bn & 7 == 4;
    Ok(MemEnc {
        mod_,
        rm: if need_sib { 4 } else { bn & 7 },
        sib: need_sib.then_some(ss << 6 | (index_num & 7) << 3 | (bn & 7)),
        disp: disp_val,
        disp_len,
        base: bn,
        index: if index.is_some() { index_num } else { 0 },
        vsib,
        addr32,
        rip: false,
        has_regs,
        addr_bits,
        label,
    })
}

/// Lays out a 16-bit address (x86-32 with a 67 prefix; Intel SDM vol. 2,
/// table 2-1): `[bx|bp + si|di + disp]`.
#[inline]
fn mem_enc16<'a>(m: &Mem<'a>, n: i64) -> Result<MemEnc<'a>, MemProblem> {
    use crate::reg::regs::{bp, bx, di, si};
    if m.label.is_some() || (m.index.is_some() && m.scale != 1) {
        return Err(MemProblem::Addr16);
    }
    let mut regs = [m.base, m.index];
    if regs[0].is_some_and(|r| r == si || r == di) {
        regs.swap(0, 1);
    }
    let rm = match (regs[0], regs[1]) {
        (Some(b), Some(i)) if b == bx && i == si => 0,
        (Some(b), Some(i)) if b == bx && i == di => 1,
        (Some(b), Some(i)) if b == bp && i == si => 2,
        (Some(b), Some(i)) if b == bp && i == di => 3,
        (None, Some(i)) if i == si => 4,
        (None, Some(i)) if i == di => 5,
        (Some(b), None) if b == bp => 6,
        (Some(b), None) if b == bx => 7,
        (None, None) => 8,
        _ => return Err(MemProblem::Addr16),
    };
    if rm == 8 {
        // disp16 alone: mod 00, rm 110.
        if !(-0x8000..=0xffff).contains(&m.disp) || m.disp_size == DispSize::Byte {
            return Err(MemProblem::DispOutOfRange(m.disp));
        }
        return Ok(MemEnc {
            mod_: 0,
            rm: 6,
            sib: None,
            disp: m.disp,
            disp_len: 2,
            base: 0,
            index: 0,
            vsib: false,
            addr32: true,
            rip: false,
            has_regs: false,
            addr_bits: 16,
            label: None,
        });
    }
    let d = m.disp;
    if !(-0x8000..=0xffff).contains(&d) {
        return Err(MemProblem::DispOutOfRange(d));
    }
    let (mod_, len, val) = if m.disp_size == DispSize::Dword {
        (2, 2, d)
    } else if d == 0 && rm != 6 && m.disp_size == DispSize::Auto {
        (0, 0, 0)
    } else if d % n == 0 && i8::try_from(d / n).is_ok() {
        (1, 1, d / n)
    } else if m.disp_size == DispSize::Byte {
        return Err(MemProblem::DispNotByte(d));
    } else {
        (2, 2, d)
    };
    Ok(MemEnc {
        mod_,
        rm,
        sib: None,
        disp: val,
        disp_len: len,
        base: 0,
        index: 0,
        vsib: false,
        addr32: true,
        rip: false,
        has_regs: true,
        addr_bits: 16,
        label: None,
    })
}
