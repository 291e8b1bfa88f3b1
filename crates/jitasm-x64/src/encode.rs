//! The encoder: one interpreter of the form table.
//!
//! [`encode_form`] turns a [`Form`] and the operands that fill it into bytes
//! (Intel SDM vol. 2, chapter 2: legacy prefixes, REX, VEX, EVEX, ModRM, SIB,
//! displacement, immediate). [`select`] picks the form for an
//! [`Instruction`]: among the forms whose operand kinds accept the operands,
//! the one with the shortest encoding; among equal lengths the first in table
//! order, which is the order llvm-mc prefers (`89 /r` before `8B /r`).
//! Every rule lives here once; the macro, the builder and the text assembler
//! all come through these two functions.
//!
//! Encoding is done in two steps: `layout` checks the operands against one
//! form and works out every field and the length (no byte is written), and
//! `Plan::write` places the bytes. The matcher lays out each candidate form,
//! compares the lengths and writes only the chosen one. A shape test (each
//! operand kind's accepted register classes, memory, immediate…) skips
//! most forms before their operands are checked, and [`select`] looks
//! first at the forms an index (written by the builder's generator) gives
//! for the operands' shapes.
//!
//! The common case — 64-bit mode, no prefix, legacy/VEX/EVEX forms whose
//! operands are registers, immediates and a plain `[base + index*s + disp]`
//! — has a lean layout (`layout_simple`) that everything above uses, and a
//! fast path for the typed builder and `dynasm!` ([`select_fast`],
//! [`FastForms`]): the same rules in the same order, written to be inlined
//! where the candidate forms are constants (copies of the table's rows that
//! the generator writes as `const` items), so that every property of a form
//! folds away and only the checks of the operand values are left. It
//! answers only when it is sure (otherwise the general path runs), so
//! bytes and errors are those of the general path; `tests/equivalence.rs`
//! compares all of this with the matcher as it was before
//! ([`mod@reference`]) on the whole table.

use crate::error::{EncodeError, MemProblem};
use crate::operand::{Decorations, DispSize, Instruction, Mem, Mode, Operand, Prefixes};
use crate::reg::{regs, Reg, RegClass};
use crate::table::{flags, forms_by_index, Encoding, Form, Map, OpKind, Prefix, FORMS, W};
use core::borrow::Borrow;
use jitasm_core::fixup::x86 as fx;
use jitasm_core::{CodeSink, FixupKind, LabelRef};

#[doc(hidden)]
pub mod reference;

mod cache;
#[doc(hidden)]
pub mod template;
pub use cache::{Kept, SelectCache, Signature, Values};

/// `for $i in 0..$n { $body }` written out for the first five values of
/// `$i` (no form has more than four operands), then a loop for any more.
/// Where `$n` and the data the body reads are constants (the fast path
/// inlined over `const` forms), every copy folds to the checks of the
/// operand values; LLVM does not unroll a loop of three or more iterations
/// around a large `match` by itself, and the fast path of a three-operand
/// form then stays a table interpreter (kilobytes of code per call site).
macro_rules! unrolled {
    ($n:expr, |$i:ident| $body:block) => {{
        let n: usize = $n;
        if 0 < n {
            let $i = 0usize;
            $body
        }
        if 1 < n {
            let $i = 1usize;
            $body
        }
        if 2 < n {
            let $i = 2usize;
            $body
        }
        if 3 < n {
            let $i = 3usize;
            $body
        }
        if 4 < n {
            let $i = 4usize;
            $body
        }
        let mut $i = 5usize;
        while $i < n {
            $body
            $i += 1;
        }
    }};
}

/// The longest x86 instruction is 15 bytes; `fwait` forms add one.
pub const MAX_LEN: usize = 16;

/// A label reference inside an encoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fixup<'a> {
    /// The label (with addend).
    pub label: LabelRef<'a>,
    /// How the field is filled.
    pub kind: &'static FixupKind,
    /// Offset of the field from the start of the instruction.
    pub at: u8,
    /// Offset the PC is counted from (the end of the instruction).
    pub pc: u8,
}

/// One encoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoded<'a> {
    bytes: [u8; MAX_LEN],
    len: u8,
    /// The label reference, if the instruction has one (its field holds zeros).
    pub fixup: Option<Fixup<'a>>,
}

impl<'a> Encoded<'a> {
    /// The bytes.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// The length in bytes.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: every instruction has at least one byte.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends the instruction to `sink`, registering its fixup.
    ///
    /// Always inlined, so that the bytes go from registers to the sink in
    /// one fixed-size copy ([`jitasm_core::ByteSink::extend_padded`]); the
    /// fixup, rarer, is registered out of line.
    #[inline(always)]
    pub fn emit<S: CodeSink + ?Sized>(&self, sink: &mut S) {
        sink.extend_padded(&self.bytes, self.len as usize);
        if let Some(f) = self.fixup {
            register_fixup(sink, f, self.len as usize);
        }
    }

    #[inline]
    fn push(&mut self, b: u8) {
        self.bytes[self.len as usize & (MAX_LEN - 1)] = b;
        self.len += 1;
    }

    #[inline]
    fn push_le(&mut self, v: u64, n: usize) {
        for i in 0..n {
            self.push((v >> (8 * i)) as u8);
        }
    }
}

/// Registers the fixup of an instruction of `len` bytes just appended to
/// `sink`.
#[inline(never)]
fn register_fixup<S: CodeSink + ?Sized>(sink: &mut S, f: Fixup<'_>, len: usize) {
    let start = sink.offset() - len;
    sink.fixup(
        f.label,
        f.kind,
        start + f.at as usize,
        start + f.pc as usize,
    );
}

/// Encodes `inst` for `mode` and appends it to `sink`.
pub fn encode<S: CodeSink + ?Sized>(
    mode: Mode,
    inst: &Instruction<'_, '_>,
    sink: &mut S,
) -> Result<(), EncodeError> {
    let (_, enc) = select(mode, inst)?;
    enc.emit(sink);
    Ok(())
}

/// Encodes `inst` for `mode` into a byte vector (label references are left
/// as zeros and returned).
pub fn encode_to_vec<'a>(
    mode: Mode,
    inst: &Instruction<'a, '_>,
) -> Result<(alloc::vec::Vec<u8>, Option<Fixup<'a>>), EncodeError> {
    let (_, enc) = select(mode, inst)?;
    Ok((enc.bytes().to_vec(), enc.fixup))
}

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

const fn slot_of(k: OpKind) -> Slot {
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

const N_KINDS: usize = OpKind::ALL.len();

/// [`slot_of`] for every kind, indexed by the kind's discriminant.
const SLOTS: [Slot; N_KINDS] = {
    let mut t = [Slot::Far(0); N_KINDS];
    let mut i = 0;
    while i < N_KINDS {
        assert!(OpKind::ALL[i] as usize == i);
        t[i] = slot_of(OpKind::ALL[i]);
        i += 1;
    }
    t
};

/// [`imm_field_of`] for every kind.
const IMM_FIELDS: [(u8, i64, i64); N_KINDS] = {
    let mut t = [(0, 0, 0); N_KINDS];
    let mut i = 0;
    while i < N_KINDS {
        t[i] = imm_field_of(OpKind::ALL[i]);
        i += 1;
    }
    t
};

/// Bits of an operand's shape: one per register class (bit = the class's
/// discriminant), then these.
const SHAPE_MEM: u32 = 1 << 24;
const SHAPE_IMM: u32 = 1 << 25;
const SHAPE_LABEL: u32 = 1 << 26;
const SHAPE_FAR: u32 = 1 << 27;

const fn class_bits(c: RegClass) -> u32 {
    let b = 1 << c as u32;
    match c {
        RegClass::Gp8 => b | 1 << RegClass::Gp8High as u32,
        _ => b,
    }
}

/// The shapes of operand a slot may take: [`operand_fits`] fails for every
/// other (a necessary condition, for a quick test).
const fn accepts_of(s: Slot) -> u32 {
    match s {
        Slot::Fixed(r) => 1 << r.class() as u32,
        Slot::ModReg(c) | Slot::Vvvv(c) | Slot::OpReg(c) | Slot::Is4(c) | Slot::Is5(c) => {
            class_bits(c)
        }
        Slot::ModRm(Some(c), true) => class_bits(c) | SHAPE_MEM,
        Slot::ModRm(Some(c), false) => class_bits(c),
        Slot::ModRm(None, true) => SHAPE_MEM,
        Slot::ModRm(None, false) => 0,
        Slot::Vsib(_)
        | Slot::SibMem
        | Slot::Moffs
        | Slot::StrSrc
        | Slot::StrDst
        | Slot::SegRdi
        | Slot::Xlat => SHAPE_MEM,
        Slot::Imm(_) => SHAPE_IMM | SHAPE_LABEL,
        Slot::Rel(_) | Slot::AbsBranch(_) => SHAPE_LABEL,
        Slot::Far(_) => SHAPE_FAR,
    }
}

/// [`accepts_of`] for every kind.
const ACCEPTS: [u32; N_KINDS] = {
    let mut t = [0; N_KINDS];
    let mut i = 0;
    while i < N_KINDS {
        t[i] = accepts_of(SLOTS[i]);
        i += 1;
    }
    t
};

/// An operand's shape bit.
#[inline(always)]
fn shape(op: &Operand<'_>) -> u32 {
    match op {
        Operand::Reg(r) => 1 << r.class() as u32,
        Operand::Mem(_) => SHAPE_MEM,
        Operand::Imm(_) => SHAPE_IMM,
        Operand::Label(..) => SHAPE_LABEL,
        Operand::Far(..) => SHAPE_FAR,
    }
}

/// Whether `form` cannot take operands of these shapes, seen before
/// [`form_fits`] would find a value to complain about: `form_fits` then
/// fails with `Mismatch::Shape` (so skipping the form changes nothing).
#[inline(always)]
fn cannot_fit(form: &Form, shapes: &[u32]) -> bool {
    if form.operands.len() != shapes.len() {
        return false;
    }
    for (k, &sh) in form.operands.iter().zip(shapes) {
        if ACCEPTS[*k as usize] & sh == 0 {
            return true;
        }
        if sh == SHAPE_IMM && matches!(slot(*k), Slot::Imm(_)) {
            // An immediate out of this field's range is reported.
            return false;
        }
    }
    false
}

#[inline(always)]
fn slot(k: OpKind) -> Slot {
    SLOTS[k as usize]
}

const ST0: Reg = match Reg::new(RegClass::St, 0) {
    Some(r) => r,
    None => panic!("st(0) exists"),
};

/// The size in bytes of an immediate kind's field, and the values it takes.
const fn imm_field_of(k: OpKind) -> (u8, i64, i64) {
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

#[inline(always)]
fn imm_field(k: OpKind) -> (u8, i64, i64) {
    IMM_FIELDS[k as usize]
}

/// Whether `v` fits the immediate kind `k`, as the manuals allow: an
/// immediate sign-extended from 8 bits takes the values whose operand-sized
/// view is such an extension (`add ax, 0xffff` is `add ax, -1`).
#[inline(always)]
fn imm_fits(k: OpKind, v: i64) -> bool {
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

#[inline(always)]
fn class_accepts(slot_class: RegClass, r: Reg) -> bool {
    r.class() == slot_class || (slot_class == RegClass::Gp8 && r.class() == RegClass::Gp8High)
}

/// Whether `m` can be the memory of a form whose memory size is `form`.
#[inline(always)]
fn mem_size_ok(form: &Form, m: &Mem<'_>) -> bool {
    if m.bcst != 0 {
        return form.bcst_size != 0
            && (m.size == 0 || m.size == form.bcst_size as u16)
            && form.mem_size / form.bcst_size as u16 == m.bcst as u16;
    }
    m.size == 0 || form.mem_size == 0 || m.size == form.mem_size
}

#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
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

fn has_rel4(form: &Form) -> bool {
    forms_by_index(form.mnemonic)
        .iter()
        .any(|f| f.operands.iter().any(|k| matches!(slot(*k), Slot::Rel(4))))
}

#[inline(always)]
const fn is_gp(c: RegClass) -> bool {
    matches!(
        c,
        RegClass::Gp16 | RegClass::Gp32 | RegClass::Gp64 | RegClass::Ip
    )
}

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

/// The operands of an instruction by position: a slice, or (for the typed
/// builder's fast path) a tuple of arguments, whose operands the compiler
/// then knows the kinds of.
#[doc(hidden)]
pub trait Operands<'a> {
    /// An operand: a reference into a slice, a copy out of a tuple (which
    /// then stays in registers).
    type Op<'s>: Borrow<Operand<'a>>
    where
        Self: 's;
    /// How many.
    fn count(&self) -> usize;
    /// Operand `i` (`i < count()`).
    fn op(&self, i: usize) -> Self::Op<'_>;
}

impl<'a> Operands<'a> for [Operand<'a>] {
    type Op<'s>
        = &'s Operand<'a>
    where
        Self: 's;
    #[inline(always)]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline(always)]
    fn op(&self, i: usize) -> &Operand<'a> {
        &self[i]
    }
}

/// Whether a form matches the operands, ignoring register numbers (checked
/// when encoding). Implied string operands may be left out altogether.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn form_fits<'a, O: Operands<'a> + ?Sized>(
    form: &Form,
    ops: &O,
    mode: Mode,
) -> Result<(), (u8, Mismatch)> {
    let n = form.operands.len();
    if ops.count() != n {
        return form_fits_implied(form, ops.count());
    }
    unrolled!(n, |i| {
        operand_fits(form, form.operands[i], ops.op(i).borrow(), mode).map_err(|m| (i as u8, m))?;
    });
    Ok(())
}

#[cold]
fn form_fits_implied(form: &Form, count: usize) -> Result<(), (u8, Mismatch)> {
    if count == 0 && !form.operands.is_empty() {
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
    Err((0, Mismatch::Shape))
}

/// What the `dynasm!` macro does not know of an operand until run time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Unknown {
    /// Everything is known.
    #[default]
    Nothing,
    /// A register whose class is known and number is not (`Rq(n)`); the
    /// operand holds a register of that class.
    RegNumber,
    /// An immediate whose value is not known (its size hint is).
    ImmValue,
    /// A memory operand with registers of known classes and unknown numbers,
    /// or an unknown displacement.
    MemParts,
}

/// Whether `form` may take `inst` once its unknown parts are known: the
/// forms [`select_among`] must consider at run time (a superset: it checks
/// each operand again). `inst` holds stand-ins for the unknown parts.
/// Without a size hint an immediate of unknown value excludes 64-bit
/// immediate fields (`mov rax, x` is `mov r/m64, imm32`; `QWORD x` asks for
/// `imm64`).
pub fn may_fit(mode: Mode, form: &Form, inst: &Instruction<'_, '_>, unknown: &[Unknown]) -> bool {
    let want_evex = inst.prefixes.has(Prefixes::EVEX);
    let want_vex = inst.prefixes.has(Prefixes::VEX) || inst.prefixes.has(Prefixes::VEX3);
    if !form.valid_in(mode)
        || (want_evex && form.encoding != Encoding::Evex)
        || (want_vex && form.encoding != Encoding::Vex)
        || (!want_vex && form.has(flags::VEX_EXPLICIT))
    {
        return false;
    }
    let ops = inst.operands;
    if ops.len() != form.operands.len() {
        return form_fits(form, ops, mode).is_ok();
    }
    form.operands
        .iter()
        .zip(ops)
        .enumerate()
        .all(
            |(i, (k, op))| match (unknown.get(i).copied().unwrap_or_default(), slot(*k), op) {
                (Unknown::RegNumber, Slot::Fixed(r), Operand::Reg(x)) => r.class() == x.class(),
                (Unknown::ImmValue, Slot::Imm(k), Operand::Imm(imm)) => {
                    let size = imm_field(k).0;
                    match imm.size {
                        0 => k != OpKind::Imm64,
                        s => s == size || (k == OpKind::Imm8Const1 && s == 1),
                    }
                }
                (Unknown::ImmValue, _, _) => false,
                (Unknown::MemParts, Slot::StrSrc | Slot::StrDst | Slot::SegRdi | Slot::Xlat, _) => {
                    matches!(op, Operand::Mem(m) if mem_size_ok(form, m))
                }
                _ => operand_fits(form, *k, op, mode).is_ok(),
            },
        )
}

/// The size in bytes of the immediate field operand `i` of `form` fills (0
/// if it is not an immediate, or an implied `1`).
pub fn imm_size(form: &Form, i: usize) -> u8 {
    match form.operands.get(i).map(|k| slot(*k)) {
        Some(Slot::Imm(k)) => imm_field(k).0,
        _ => 0,
    }
}

/// The forms of `inst`'s mnemonic that may take operands of its shapes (a
/// register's class, memory, immediate, label, far pointer), in table
/// order, from the index the generator writes beside the builder (every
/// other form fails `form_fits`); `None` where the index has no entry.
#[doc(hidden)]
#[inline]
pub fn indexed_forms(inst: &Instruction<'_, '_>) -> Option<&'static [u16]> {
    use crate::generated::builder::{SHAPE_FORMS, SHAPE_INDEX, SHAPE_START};
    let ops = inst.operands;
    if ops.len() > 5 {
        return None;
    }
    let mut key = ops.len() as u32;
    for (i, op) in ops.iter().enumerate() {
        let code = match op {
            Operand::Reg(r) => match r.class() {
                RegClass::Gp8High => RegClass::Gp8 as u32 + 1,
                RegClass::Ip => return None,
                c => c as u32 + 1,
            },
            Operand::Mem(_) => 19,
            Operand::Imm(_) => 20,
            Operand::Label(..) => 21,
            Operand::Far(..) => 22,
        };
        key |= code << (3 + 5 * i);
    }
    let m = inst.mnemonic.index() as usize;
    let (lo, hi) = (
        *SHAPE_START.get(m)? as usize,
        *SHAPE_START.get(m + 1)? as usize,
    );
    let &(_, start, n) = SHAPE_INDEX.get(lo..hi)?.iter().find(|e| e.0 == key)?;
    SHAPE_FORMS.get(start as usize..start as usize + n as usize)
}

/// [`select_among`] over every form of the mnemonic, looking first at the
/// forms the index gives for the operands' shapes: the others cannot take
/// them, so where those give an encoding it is the one the full scan gives.
/// Errors come from the full scan (an error names, for instance, the
/// widest immediate field of any form).
fn select_all<'a>(
    mode: Mode,
    inst: &Instruction<'a, '_>,
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    if let Some(forms) = indexed_forms(inst) {
        // The common case (64-bit mode, no prefix) by the fast path's rules
        // over the indexed forms: where it answers, the answer is
        // `select_among`'s over the same forms (`sal` is left to
        // `select_among`, which reads it as `shl`).
        if mode.is64() && inst.prefixes.0 == 0 && inst.mnemonic.name() != "sal" {
            if let Some(r) = select_fast_indexed(forms, inst.operands, inst.decorations) {
                return Ok(r);
            }
        }
        let r = select_among(mode, inst, forms.iter().map(|&i| &FORMS[i as usize]));
        if r.is_ok() {
            return r;
        }
    }
    select_among(mode, inst, forms_by_index(inst.mnemonic.index()).iter())
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
pub fn select<'a>(
    mode: Mode,
    inst: &Instruction<'a, '_>,
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    let chosen = select_all(mode, inst);
    if inst.operands.len() == 2 && inst.mnemonic.name() == "xchg" {
        // `xchg` is symmetric: `xchg eax, ebp` is `95` (`xchg r32, eax`),
        // `xchg reg, [mem]` is `87 /r`. Of two registers, the first goes
        // in ModRM.reg when the lengths are equal, as llvm-mc encodes it.
        let swapped = [inst.operands[1], inst.operands[0]];
        let other = Instruction {
            operands: &swapped,
            ..*inst
        };
        if let Ok((f, e)) = select_all(mode, &other) {
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
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn preferred_on_tie<'a, O: Operands<'a> + ?Sized>(form: &Form, best: &Form, ops: &O) -> bool {
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
        (0..f.operands.len().min(ops.count()))
            .find(|&i| matches!(ops.op(i).borrow(), Operand::Mem(_)))
            .map(|i| f.operands[i])
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
///
/// Each candidate that accepts the operands is laid out (checked, with its
/// length counted) but not encoded; only the chosen one is written.
pub fn select_among<'a>(
    mode: Mode,
    inst: &Instruction<'a, '_>,
    forms: impl Iterator<Item = &'static Form>,
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    let mut best: Option<Plan<'a, '_>> = None;
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
    let mut mem = MemCache::default();
    let mut shapes = [0u32; 5];
    let nshapes = inst.operands.len().min(5);
    for (sh, op) in shapes.iter_mut().zip(inst.operands) {
        *sh = shape(op);
    }
    // With more operands than any form has, no form is skipped early.
    let shapes = &shapes[..if inst.operands.len() > 5 { 0 } else { nshapes }];
    for form in forms {
        if !form.valid_in(mode) {
            continue;
        }
        any_in_mode = true;
        let form = match shl {
            None => form,
            Some(shl) => shl
                .iter()
                .find(|f| f.operands == form.operands && f.opcode == form.opcode)
                .unwrap_or(form),
        };
        if (want_evex && form.encoding != Encoding::Evex)
            || (want_vex && form.encoding != Encoding::Vex)
            || (!want_vex && form.has(flags::VEX_EXPLICIT))
        {
            continue;
        }
        if cannot_fit(form, shapes) {
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
        // A valid VEX form wins over any EVEX form: no need to lay it out.
        if form.encoding == Encoding::Evex
            && best
                .as_ref()
                .is_some_and(|b| b.form.encoding == Encoding::Vex)
        {
            continue;
        }
        let plan = match layout(mode, form, inst, &mut mem) {
            Ok(p) => p,
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
                best = Some(plan);
                size_of_best = size;
            }
            Some(bp) => {
                let bf = bp.form;
                // Sizes no keyword can state (the FPU environment's 14 or
                // 28 bytes…) are not an ambiguity: the shorter form wins.
                if size != size_of_best && (writable_size(size) || writable_size(size_of_best)) {
                    // Same operands, different memory sizes: only a stack
                    // instruction (push, call…) has a default, its mode's width.
                    let width = if mode.is64() { 64 } else { 32 };
                    let stack = stack_sized();
                    let b_default = stack && bf.operand_size == width;
                    let f_default = stack && form.operand_size == width;
                    if b_default == f_default {
                        mem_sizes = 1;
                    } else if f_default {
                        best = Some(plan);
                        size_of_best = size;
                    }
                    continue;
                }
                let prefer = preferred(
                    (bp.form, bp.len),
                    (plan.form, plan.len),
                    inst.operands,
                    mode,
                    || Some(stack_sized()),
                );
                if prefer == Some(true) {
                    best = Some(plan);
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
        return Ok((b.form, b.write()));
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

/// Whether the candidate `plan` is preferred to `best` (both accept the
/// operands and their memory sizes agree): the matcher's rule after the
/// memory sizes. `stack_sized` says whether the mnemonic is a stack
/// instruction, when that matters (`None`: not known, and then neither is
/// the answer).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn preferred<'a, O: Operands<'a> + ?Sized>(
    (bf, best_len): (&Form, u8),
    (form, len): (&Form, u8),
    ops: &O,
    mode: Mode,
    stack_sized: impl FnOnce() -> Option<bool>,
) -> Option<bool> {
    let width = if mode.is64() { 64 } else { 32 };
    Some(
        if bf.encoding == Encoding::Vex && form.encoding == Encoding::Evex {
            false
        } else if bf.encoding == Encoding::Evex && form.encoding == Encoding::Vex {
            true
        } else if bf.has(flags::OBSOLETE_ALT) != form.has(flags::OBSOLETE_ALT) {
            bf.has(flags::OBSOLETE_ALT)
        } else if bf.operand_size != form.operand_size
            && (bf.operand_size == width || form.operand_size == width)
            && stack_sized()?
        {
            // `push 0x1234`, `call 0x10:0x2000`: the mode's stack
            // width, not a shorter 16-bit form, which would push
            // two bytes.
            form.operand_size == width
        } else if len != best_len {
            len < best_len
        } else {
            preferred_on_tie(form, bf, ops)
        },
    )
}

/// Sizes a memory operand keyword can state: two candidates that give an
/// unsized memory operand different ones of these are ambiguous.
#[inline(always)]
fn writable_size(s: u16) -> bool {
    matches!(s, 1 | 2 | 4 | 6 | 8 | 10 | 16 | 32 | 64)
}

/// [`select_among`] for the typed builder's common case, made to be
/// inlined where the candidate forms are constants (the builder passes
/// copies of the table rows as `const` items, so that every property of a
/// form folds away and what is left is the checks of the operand values):
/// 64-bit mode, no prefix, the forms laid out by `layout_simple`. The same rules in the same order as `select_among`;
/// `None` whenever a rule needs more than that (a candidate it cannot lay
/// out, memory sizes that differ, a stack instruction's width, no
/// candidate at all — every error), and the caller then takes the general
/// path. `tests/equivalence.rs` checks that whenever it answers, the answer
/// is `select_among`'s. The builder calls [`FastForms::select`] on an
/// array of its candidates (one implementation per length, so that a call
/// site holds exactly its candidates); this takes a slice.
#[doc(hidden)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn select_fast<'a, O: Operands<'a> + ?Sized>(
    forms: &[&'static Form],
    ops: &O,
    d: Decorations,
) -> Option<Encoded<'a>> {
    macro_rules! by_count {
        ($($n:literal)*) => {
            match forms.len() {
                $($n => <&[&'static Form; $n]>::try_from(forms).ok()?.select(ops, d),)*
                _ => None,
            }
        };
    }
    by_count!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// [`select_fast`] over forms of the table given by index (not constants:
/// one loop for every list), for [`select`] in 64-bit mode without
/// prefixes: `None` wherever `select_fast` gives up.
#[inline]
fn select_fast_indexed<'a>(
    forms: &[u16],
    ops: &[Operand<'a>],
    d: Decorations,
) -> Option<(&'static Form, Encoded<'a>)> {
    let mut best: Option<Best<'a>> = None;
    let mut size_of_best = 0u16;
    for &i in forms {
        consider_fast(&FORMS[i as usize], ops, d, &mut best, &mut size_of_best)?;
    }
    best.map(|b| (b.form, b.enc))
}

/// The candidate forms of a builder impl, as an array of constants: the
/// fast path over exactly them.
#[doc(hidden)]
pub trait FastForms {
    /// [`select_fast`] over these forms.
    fn select<'a, O: Operands<'a> + ?Sized>(&self, ops: &O, d: Decorations) -> Option<Encoded<'a>>;
}

macro_rules! fast_forms {
    ($($n:literal: $($i:literal)*;)*) => {$(
        impl FastForms for [&'static Form; $n] {
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
            fn select<'a, O: Operands<'a> + ?Sized>(
                &self,
                ops: &O,
                d: Decorations,
            ) -> Option<Encoded<'a>> {
                let mut best: Option<Best<'a>> = None;
                let mut size_of_best = 0u16;
                $(consider_fast(self[$i], ops, d, &mut best, &mut size_of_best)?;)*
                best.map(|b| b.enc)
            }
        }
    )*};
}

fast_forms! {
    1: 0;
    2: 0 1;
    3: 0 1 2;
    4: 0 1 2 3;
    5: 0 1 2 3 4;
    6: 0 1 2 3 4 5;
    7: 0 1 2 3 4 5 6;
    8: 0 1 2 3 4 5 6 7;
    9: 0 1 2 3 4 5 6 7 8;
    10: 0 1 2 3 4 5 6 7 8 9;
    11: 0 1 2 3 4 5 6 7 8 9 10;
    12: 0 1 2 3 4 5 6 7 8 9 10 11;
    13: 0 1 2 3 4 5 6 7 8 9 10 11 12;
    14: 0 1 2 3 4 5 6 7 8 9 10 11 12 13;
    15: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14;
    16: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15;
}

/// One candidate of [`select_fast`]: `None` to give up.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn consider_fast<'a, O: Operands<'a> + ?Sized>(
    form: &'static Form,
    ops: &O,
    d: Decorations,
    best: &mut Option<Best<'a>>,
    size_of_best: &mut u16,
) -> Option<()> {
    if !form.valid_in(Mode::Long) || form.has(flags::VEX_EXPLICIT) {
        return Some(());
    }
    if form_fits(form, ops, Mode::Long).is_err() {
        return Some(());
    }
    if form.encoding == Encoding::Evex
        && best
            .as_ref()
            .is_some_and(|b| b.form.encoding == Encoding::Vex)
    {
        return Some(());
    }
    let plan: Plan<'a, '_> = match layout_simple(form, ops, d) {
        Ok(p) => p,
        // `select_among` skips a form that gives an error.
        Err(Fail::Error) => return Some(()),
        Err(Fail::Unsure) => return None,
    };
    let size = unsized_mem_size(form, ops);
    // A candidate that becomes the best is written at once: its fields are
    // constants here, where after the choice they would not be.
    let take = |plan: &Plan<'a, '_>| Best {
        form,
        len: plan.len,
        enc: plan.write(),
    };
    match best {
        None => {
            *best = Some(take(&plan));
            *size_of_best = size;
        }
        Some(bp) => {
            if size != *size_of_best && (writable_size(size) || writable_size(*size_of_best)) {
                return None;
            }
            if preferred((bp.form, bp.len), (form, plan.len), ops, Mode::Long, || {
                None
            })? {
                *best = Some(take(&plan));
            }
        }
    }
    Some(())
}

/// The best candidate so far of [`select_fast`], written.
struct Best<'a> {
    form: &'static Form,
    len: u8,
    enc: Encoded<'a>,
}

/// The memory size a form gives an operand whose size was not written (0 if
/// every memory operand states its size or there is none).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn unsized_mem_size<'a, O: Operands<'a> + ?Sized>(form: &Form, ops: &O) -> u16 {
    unrolled!(ops.count(), |i| {
        if let Operand::Mem(m) = ops.op(i).borrow() {
            if m.size == 0 && m.bcst == 0 {
                return form.mem_size;
            }
        }
    });
    0
}

// ---------------------------------------------------------------------------
// Encoding one form: layout, then write.

/// An instruction laid out for one form: every operand checked, every field
/// computed, the length counted and the place of the label field known.
/// [`Plan::write`] only places the bytes. Labels, the `moffs` value and far
/// pointers are read again from the operands when writing.
#[derive(Clone, Copy)]
struct Plan<'a, 'm> {
    form: &'static Form,
    ops: &'m [Operand<'a>],
    /// The prefixes, REX/VEX/XOP/EVEX and opcode bytes (little-endian: the
    /// first byte lowest), `head_len` of them.
    head: u128,
    /// The ModRM displacement (after disp8×N scaling).
    disp: i64,
    imms: [u64; 2],
    /// The fixup of the label field (a label in memory, an immediate or a
    /// branch), if any.
    label_kind: Option<&'static FixupKind>,
    /// The encoded length.
    len: u8,
    head_len: u8,
    /// [`plan`] bits.
    bits: u8,
    modrm: u8,
    sib: u8,
    disp_len: u8,
    /// The `is4` byte (register in bits 7:4), if [`plan::IS4`].
    is4: u8,
    imm_sizes: [u8; 2],
    /// Zero bytes of the label field of an immediate or a branch, at the end.
    zeros: u8,
    /// The operand holding the label, and the offset of its field.
    label_op: u8,
    label_at: u8,
    /// The `moffs` operand (`NONE` if there is none), its size.
    moffs_op: u8,
    moffs_len: u8,
    /// The far pointer operand (`NONE`), its offset size.
    far_op: u8,
    far_len: u8,
}

impl<'a, 'm> Plan<'a, 'm> {
    /// A plan of `form` with no byte yet and none of the fields the lean
    /// layout never has (a label, `moffs`, a far pointer, trailing zeros):
    /// the base of the lean layouts (`layout_simple`, the cache's replay).
    #[inline(always)]
    fn lean(form: &'static Form) -> Self {
        Plan {
            form,
            ops: &[],
            head: 0,
            disp: 0,
            imms: [0; 2],
            label_kind: None,
            len: 0,
            head_len: 0,
            bits: 0,
            modrm: 0,
            sib: 0,
            disp_len: 0,
            is4: 0,
            imm_sizes: [0; 2],
            zeros: 0,
            label_op: plan::NONE,
            label_at: 0,
            moffs_op: plan::NONE,
            moffs_len: 0,
            far_op: plan::NONE,
            far_len: 0,
        }
    }
}

/// Bits of [`Plan::bits`], and markers.
mod plan {
    pub const MODRM: u8 = 1;
    pub const SIB: u8 = 1 << 1;
    pub const IS4: u8 = 1 << 2;
    /// 3DNow!: the opcode byte comes last.
    pub const SUFFIX: u8 = 1 << 3;
    /// No operand.
    pub const NONE: u8 = 0xff;
}

/// The bytes before ModRM, gathered little-endian.
#[derive(Clone, Copy)]
struct Head {
    bytes: u128,
    len: u8,
}

impl Head {
    const EMPTY: Head = Head { bytes: 0, len: 0 };

    #[inline(always)]
    fn push(&mut self, b: u8) {
        self.bytes |= (b as u128) << (8 * (self.len as u32 & 15));
        self.len += 1;
    }

    /// The opcode bytes (big-endian in the table), `opreg` added to the last.
    #[inline(always)]
    fn opcode(&mut self, form: &Form, opreg: u8) {
        let n = form.opcode_len;
        let mut i = n;
        while i > 0 {
            i -= 1;
            let b = (form.opcode >> (8 * i as u32)) as u8;
            self.push(if i == 0 { b.wrapping_add(opreg) } else { b });
        }
    }

    /// The mandatory prefix and the map bytes of a legacy form.
    #[inline(always)]
    fn legacy(&mut self, form: &Form, opsize16: bool) {
        match pp_bits(form.prefix) {
            1 if !opsize16 => self.push(0x66),
            2 => self.push(0xf3),
            3 => self.push(0xf2),
            _ => {}
        }
    }

    #[inline(always)]
    fn map(&mut self, form: &Form) {
        match form.map {
            Map::M0F => self.push(0x0f),
            Map::M0F38 => {
                self.push(0x0f);
                self.push(0x38)
            }
            Map::M0F3A => {
                self.push(0x0f);
                self.push(0x3a)
            }
            _ => {}
        }
    }
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
pub fn encode_form<'a>(
    mode: Mode,
    form: &'static Form,
    inst: &Instruction<'a, '_>,
) -> Result<Encoded<'a>, EncodeError> {
    Ok(layout(mode, form, inst, &mut MemCache::default())?.write())
}

/// The memory layout of the candidate forms of one instruction: forms that
/// lay out memory with the same parameters share it.
#[derive(Default)]
struct MemCache<'a> {
    key: Option<(u8, u8, bool, u8, bool)>,
    value: Option<Result<MemEnc<'a>, MemProblem>>,
}

/// Lays out `inst` for `form`: the common shapes by [`layout_simple`], the
/// rest by [`layout_general`].
#[inline]
fn layout<'a, 'm>(
    mode: Mode,
    form: &'static Form,
    inst: &Instruction<'a, 'm>,
    cache: &mut MemCache<'a>,
) -> Result<Plan<'a, 'm>, EncodeError> {
    if mode.is64() && inst.prefixes.0 == 0 {
        if let Ok(p) = layout_simple(form, inst.operands, inst.decorations) {
            return Ok(p);
        }
    }
    layout_general(mode, form, inst, cache)
}

/// Why [`layout_simple`] gives no plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    /// [`layout_general`] gives an error for this form (which, the error).
    Error,
    /// Not a case `layout_simple` lays out: ask `layout_general`.
    Unsure,
}

/// The layout of the common case, 64-bit mode without prefixes: a legacy,
/// VEX or EVEX form (decorations included) whose operands are registers,
/// immediates and at most one simple memory operand ([`mem_enc_simple`],
/// no segment override). [`Fail::Error`] where [`layout_general`]
/// certainly gives an error (a register number too large for its field,
/// decorations the form does not take, a high-byte register with REX or
/// VEX), [`Fail::Unsure`] for every other case it does not lay out; where
/// it gives a plan, it is `layout_general`'s (`tests/equivalence.rs`).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn layout_simple<'a, 'm, O: Operands<'a> + ?Sized>(
    form: &'static Form,
    ops: &O,
    d: Decorations,
) -> Result<Plan<'a, 'm>, Fail> {
    let (legacy, evex) = match form.encoding {
        Encoding::Legacy => (true, false),
        Encoding::Vex => (false, false),
        Encoding::Evex => (false, true),
        _ => return Err(Fail::Unsure),
    };
    if form.flags & (flags::FWAIT | flags::UNIQUE_REGS | flags::UNIQUE_DEST) != 0
        || form.address_size != 0
        || form.operands.len() != ops.count()
    {
        return Err(Fail::Unsure);
    }
    // Register numbers: vector registers reach 31 with EVEX.
    let vec_lim = if evex { 32 } else { 16 };
    let lim = |c: RegClass| {
        if matches!(c, RegClass::Xmm | RegClass::Ymm | RegClass::Zmm) {
            vec_lim
        } else {
            16
        }
    };
    let mut reg: Option<u8> = None;
    let mut rm_reg: Option<u8> = None;
    let mut mem: Option<MemEnc<'a>> = None;
    let mut bcst = false;
    let mut vvvv = 0u8;
    let mut opreg: Option<u8> = None;
    let mut imms = [0u64; 2];
    let mut imm_sizes = [0u8; 2];
    let mut nimm = 0usize;
    let mut needs_rex = false;
    let mut high = false;
    let mut is4: Option<u8> = None;
    unrolled!(form.operands.len(), |i| {
        let k = &form.operands[i];
        match (slot(*k), ops.op(i).borrow()) {
            (Slot::Fixed(_), _) => {}
            (Slot::ModReg(c), Operand::Reg(r)) => {
                if *k == OpKind::KP1Reg || r.class() == RegClass::Seg {
                    return Err(Fail::Unsure);
                }
                if r.num() >= lim(c) {
                    return Err(Fail::Error);
                }
                needs_rex |= r.class() == RegClass::Gp8 && (4..8).contains(&r.num());
                high |= r.class() == RegClass::Gp8High;
                reg = Some(r.num());
            }
            (Slot::ModRm(_, _), Operand::Reg(r)) => {
                if r.num() >= lim(r.class()) {
                    return Err(Fail::Error);
                }
                needs_rex |= r.class() == RegClass::Gp8 && (4..8).contains(&r.num());
                high |= r.class() == RegClass::Gp8High;
                rm_reg = Some(r.num());
            }
            (Slot::ModRm(_, true), Operand::Mem(m)) => {
                if m.seg.is_some() || (m.bcst != 0 && !evex) {
                    return Err(Fail::Unsure);
                }
                bcst = m.bcst != 0;
                let n = match (evex, bcst) {
                    (false, _) => 1,
                    (true, false) => form.disp8_n,
                    (true, true) => form.disp8_n_bcst,
                };
                mem = Some(mem_enc_simple(Mode::Long, m, n as i64, false).ok_or(Fail::Unsure)?);
            }
            (Slot::Vvvv(c), Operand::Reg(r)) => {
                if r.num() >= lim(c) {
                    return Err(Fail::Error);
                }
                vvvv = r.num();
            }
            (Slot::OpReg(_), Operand::Reg(r)) => {
                if r.num() >= 16 {
                    return Err(Fail::Error);
                }
                needs_rex |= r.class() == RegClass::Gp8 && (4..8).contains(&r.num());
                high |= r.class() == RegClass::Gp8High;
                opreg = Some(r.num());
            }
            (Slot::Is4(_), Operand::Reg(r)) => {
                if r.num() >= 16 {
                    return Err(Fail::Error);
                }
                is4 = Some(r.num());
            }
            (Slot::Imm(OpKind::Imm8Const1), _) => {}
            (Slot::Imm(k), Operand::Imm(v)) if k != OpKind::Imm4M2z => {
                imms[nimm & 1] = v.value as u64;
                imm_sizes[nimm & 1] = imm_field(k).0;
                nimm += 1;
            }
            _ => return Err(Fail::Unsure),
        }
    });
    // `xchg eax, eax` (an error) and everything else unusual: the general path.
    if opreg == Some(0) && form.opcode == 0x90 {
        return Err(Fail::Unsure);
    }
    if d.any() || form.has(flags::MASK_REQUIRED) {
        let mem_dest = ops.count() > 0 && matches!(ops.op(0).borrow(), Operand::Mem(_));
        if check_decorations(form, d, mem_dest, mem.is_some()).is_err() {
            return Err(Fail::Error);
        }
    }
    let (mut x_bit, mut b_bit) = (false, false);
    if let Some(me) = &mem {
        x_bit = me.index & 8 != 0;
        b_bit = me.base & 8 != 0;
    }
    if let Some(r) = rm_reg {
        b_bit = r & 8 != 0;
        x_bit = evex && r & 16 != 0;
    }
    if let Some(r) = opreg {
        b_bit = r & 8 != 0;
    }
    let regn = reg.unwrap_or(0);
    let r_bit = regn & 8 != 0;
    let opsize16 = legacy && form.operand_size == 16;
    let pp = pp_bits(form.prefix);
    let l = if form.lig { 0 } else { form.l };
    let w = form.w == W::W1;
    let mut h = Head::EMPTY;
    if legacy {
        let rex_w =
            w || (form.operand_size == 64 && form.flags & (flags::DEFAULT64 | flags::FORCE64) == 0);
        let rex = rex_w || r_bit || x_bit || b_bit || needs_rex;
        if rex && high {
            return Err(Fail::Error);
        }
        if opsize16 {
            h.push(0x66);
        }
        h.legacy(form, opsize16);
        if rex {
            h.push(
                0x40 | (rex_w as u8) << 3 | (r_bit as u8) << 2 | (x_bit as u8) << 1 | b_bit as u8,
            );
        }
        h.map(form);
    } else if !evex {
        if high {
            return Err(Fail::Error);
        }
        let mmmmm = vex_map(form.map);
        let v = !vvvv & 0xf;
        if !x_bit && !b_bit && !w && mmmmm == 1 {
            h.push(0xc5);
            h.push((!r_bit as u8) << 7 | v << 3 | l << 2 | pp);
        } else {
            h.push(0xc4);
            h.push((!r_bit as u8) << 7 | (!x_bit as u8) << 6 | (!b_bit as u8) << 5 | mmmmm);
            h.push((w as u8) << 7 | v << 3 | l << 2 | pp);
        }
    } else {
        if high {
            return Err(Fail::Unsure);
        }
        let mmm = match form.map {
            Map::M0F => 1,
            Map::M0F38 => 2,
            Map::M0F3A => 3,
            Map::Map5 => 5,
            Map::Map6 => 6,
            _ => 1,
        };
        let (ll, b) = if let Some(rc) = d.rounding {
            (rc as u8, true)
        } else if d.sae {
            (0, true)
        } else {
            (l, bcst)
        };
        let vp = vvvv & 16 != 0;
        h.push(0x62);
        h.push(
            (!r_bit as u8) << 7
                | (!x_bit as u8) << 6
                | (!b_bit as u8) << 5
                | ((regn & 16 == 0) as u8) << 4
                | mmm,
        );
        h.push((w as u8) << 7 | (!vvvv & 0xf) << 3 | 1 << 2 | pp);
        h.push(
            (d.zeroing as u8) << 7
                | ll << 5
                | (b as u8) << 4
                | (!vp as u8) << 3
                | d.mask.map_or(0, |k| k.num()),
        );
    }
    h.opcode(form, opreg.unwrap_or(0) & 7);
    let mut len = h.len;
    let regf = if form.digit >= 0 {
        form.digit as u8
    } else {
        regn & 7
    };
    let mut bits = 0;
    let (mut modrm, mut sib, mut disp, mut disp_len) = (0, 0, 0, 0);
    if let Some(me) = &mem {
        modrm = me.mod_ << 6 | regf << 3 | me.rm;
        bits |= plan::MODRM;
        len += 1 + me.disp_len;
        if let Some(s) = me.sib {
            sib = s;
            bits |= plan::SIB;
            len += 1;
        }
        disp = me.disp;
        disp_len = me.disp_len;
    } else if reg.is_some() || rm_reg.is_some() || form.digit >= 0 || form.rm_digit >= 0 {
        let rm = match rm_reg {
            Some(r) => r & 7,
            None if form.rm_digit >= 0 => form.rm_digit as u8,
            None => 0,
        };
        modrm = 0xc0 | regf << 3 | rm;
        bits |= plan::MODRM;
        len += 1;
    }
    if let Some(r) = is4 {
        bits |= plan::IS4;
        len += 1;
        is4 = Some(r << 4);
    }
    if nimm < 2 {
        imm_sizes[1] = 0;
    }
    len += imm_sizes[0] + imm_sizes[1];
    Ok(Plan {
        head: h.bytes,
        disp,
        imms,
        len,
        head_len: h.len,
        bits,
        modrm,
        sib,
        disp_len,
        is4: is4.unwrap_or(0),
        imm_sizes,
        ..Plan::lean(form)
    })
}

/// Lays out `inst` for `form`: every check of the encoder, in its order (so
/// the same error comes first), and every field, without writing a byte.
fn layout_general<'a, 'm>(
    mode: Mode,
    form: &'static Form,
    inst: &Instruction<'a, 'm>,
    cache: &mut MemCache<'a>,
) -> Result<Plan<'a, 'm>, EncodeError> {
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
    let mut reg: Option<u8> = None;
    let mut rm_reg: Option<u8> = None;
    let mut mem: Option<(u8, &'m Mem<'a>)> = None;
    let mut sib_required = false;
    let mut vvvv: Option<u8> = None;
    let mut opreg: Option<u8> = None;
    let mut is4: Option<u8> = None;
    let mut imm4 = 0u8;
    let mut imms = [0u64; 2];
    let mut imm_sizes = [0u8; 2];
    let mut nimm = 0usize;
    let mut imm_label: Option<(u8, u8)> = None;
    let mut rel: Option<(u8, u8)> = None;
    let mut moffs: Option<(u8, &'m Mem<'a>)> = None;
    let mut far: Option<(u8, u8)> = None;
    let mut implied_addr: Option<Reg> = None;
    let mut needs_rex = false;
    let mut high_byte: Option<Reg> = None;
    let mut unique = [0u8; 4];
    let mut nunique = 0usize;
    // The segment override (the last written) and the first override that
    // is not a segment register.
    let mut seg: Option<Reg> = None;
    let mut bad_seg: Option<(u8, Reg)> = None;
    let mut gp8_rex = |r: Reg| match r.class() {
        RegClass::Gp8 if (4..8).contains(&r.num()) => needs_rex = true,
        RegClass::Gp8High => high_byte = Some(r),
        _ => {}
    };
    let mut add_unique = |r: Reg| {
        if matches!(
            r.class(),
            RegClass::Xmm | RegClass::Ymm | RegClass::Zmm | RegClass::Tmm
        ) && nunique < 4
        {
            unique[nunique] = r.num();
            nunique += 1;
        }
    };
    let ops: &'m [Operand<'a>] = inst.operands;
    for (i, (k, op)) in form.operands.iter().zip(ops).enumerate() {
        let io = i as u8;
        let s = slot(*k);
        if let Operand::Mem(m) = op {
            // The segment override, from whichever memory operand has one
            // (`es:[rdi]` of string instructions cannot be overridden and
            // needs no prefix).
            if let (Some(sr), false) = (m.seg, s == Slot::StrDst) {
                if sr.class() != RegClass::Seg {
                    if bad_seg.is_none() {
                        bad_seg = Some((io, sr));
                    }
                } else {
                    seg = Some(sr);
                }
            }
        }
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
                gp8_rex(*r);
                reg = Some(n);
                add_unique(*r);
            }
            (Slot::ModRm(_, _), Operand::Reg(r)) => {
                let n = check_num(io, *r, lim(r.class()))?;
                gp8_rex(*r);
                rm_reg = Some(n);
                add_unique(*r);
            }
            (Slot::ModRm(_, _), Operand::Mem(m)) => mem = Some((io, m)),
            (Slot::SibMem, Operand::Mem(m)) => {
                mem = Some((io, m));
                sib_required = true;
            }
            (Slot::Vsib(_), Operand::Mem(m)) => {
                let idx = m.index.expect("matched VSIB has an index");
                check_num(io, idx, vec_lim)?;
                add_unique(idx);
                mem = Some((io, m));
            }
            (Slot::Vvvv(c), Operand::Reg(r)) => {
                vvvv = Some(check_num(io, *r, lim(c))?);
                add_unique(*r);
            }
            (Slot::OpReg(_), Operand::Reg(r)) => {
                let n = check_num(io, *r, gp_lim)?;
                gp8_rex(*r);
                opreg = Some(n);
            }
            (Slot::Is4(_) | Slot::Is5(_), Operand::Reg(r)) => {
                is4 = Some(check_num(io, *r, gp_lim)?);
            }
            (Slot::Moffs, Operand::Mem(m)) => moffs = Some((io, m)),
            (Slot::StrSrc | Slot::StrDst | Slot::SegRdi | Slot::Xlat, Operand::Mem(m)) => {
                if let Some(b) = m.base {
                    implied_addr = Some(b);
                }
            }
            (Slot::Imm(OpKind::Imm8Const1), _) => {}
            (Slot::Imm(OpKind::Imm4M2z), Operand::Imm(v)) => imm4 = v.value as u8 & 3,
            (Slot::Imm(k), Operand::Imm(v)) => {
                imms[nimm & 1] = v.value as u64;
                imm_sizes[nimm & 1] = imm_field(k).0;
                nimm += 1;
            }
            (Slot::Imm(k), Operand::Label(_, _)) => imm_label = Some((io, imm_field(k).0)),
            (Slot::Rel(n) | Slot::AbsBranch(n), Operand::Label(_, _)) => rel = Some((io, n)),
            (Slot::Far(n), Operand::Far(_, _)) => far = Some((io, n)),
            _ => {
                return Err(EncodeError::NoMatchingForm {
                    mnemonic: inst.mnemonic,
                    mode,
                })
            }
        }
    }
    if form.flags & (flags::UNIQUE_REGS | flags::UNIQUE_DEST) != 0 {
        // The destination comes first; with UNIQUE_DEST only it must differ.
        let u = &unique[..nunique];
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
    if opreg == Some(0)
        && form.opcode == 0x90
        && mode.is64()
        && form.opcode_len == 1
        && form.operand_size == 32
        && form.encoding == Encoding::Legacy
    {
        return Err(EncodeError::NoMatchingForm {
            mnemonic: inst.mnemonic,
            mode,
        });
    }
    if let Some((i, s)) = bad_seg {
        return Err(EncodeError::Memory {
            operand: i,
            problem: MemProblem::NotASegment(s),
        });
    }

    let d = inst.decorations;
    let pf = inst.prefixes;
    if d.any() || form.has(flags::MASK_REQUIRED) {
        let mem_dest = matches!(inst.operands.first(), Some(Operand::Mem(_)));
        check_decorations(form, d, mem_dest, mem.is_some())?;
    }
    if pf.0 & CHECKED_PREFIXES != 0 {
        check_prefixes(
            form,
            pf,
            mem.is_some() || moffs.is_some() || implied_addr.is_some(),
        )?;
    }

    // Memory operand: ModRM.mod/rm, SIB, displacement.
    let bcst = mem.is_some_and(|(_, m)| m.bcst != 0);
    let n = if evex {
        if bcst {
            form.disp8_n_bcst
        } else {
            form.disp8_n
        }
    } else {
        1
    };
    let mut addr32 = false; // 67 prefix
    let mut modrm_mem: Option<(u8, MemEnc<'a>)> = None;
    if let Some((io, m)) = mem {
        let addr16 = form.address_size == 16;
        let key = (io, n, sib_required, vec_lim, addr16);
        let me = match (cache.key == Some(key), &cache.value) {
            (true, Some(v)) => *v,
            _ => {
                let v = mem_enc(mode, m, n as i64, sib_required, vec_lim, addr16);
                cache.key = Some(key);
                cache.value = Some(v);
                v
            }
        }
        .map_err(|problem| EncodeError::Memory {
            operand: io,
            problem,
        })?;
        let problem = if me.has_regs && form.address_size != 0 && me.addr_bits != form.address_size
        {
            // `enqcmd`, `movdir64b`…: the register operand fixes the address size.
            Some(MemProblem::AddressSize(form.address_size))
        } else if (me.addr32 || me.rip) && form.operands.iter().any(|k| k.is_mpx()) {
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
        modrm_mem = Some((io, me));
    }
    if let Some(b) = implied_addr {
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
                && form.flags & (flags::DEFAULT64 | flags::FORCE64) == 0
        }
    };
    let regn = reg.unwrap_or(0);
    let (mut x_bit, mut b_bit, mut v_idx4) = (false, false, false);
    if let Some((_, me)) = &modrm_mem {
        x_bit = me.index & 8 != 0;
        b_bit = me.base & 8 != 0;
        v_idx4 = me.index & 16 != 0;
    }
    if let Some(r) = rm_reg {
        b_bit = r & 8 != 0;
        x_bit = evex && r & 16 != 0;
    }
    if let Some(r) = opreg {
        b_bit = r & 8 != 0;
    }
    let r_bit = regn & 8 != 0;
    let r4_bit = regn & 16 != 0;

    // Prefixes, in the order they are written, REX, VEX, XOP or EVEX, and
    // the opcode.
    let mut h = Head::EMPTY;
    if form.has(flags::FWAIT) {
        h.push(0x9b);
    }
    // Group 1 prefixes written by the user.
    if pf.0 != 0 {
        if pf.0 & (Prefixes::REP.0 | Prefixes::XRELEASE.0) != 0 {
            h.push(0xf3);
        }
        if pf.0 & (Prefixes::REPNE.0 | Prefixes::XACQUIRE.0 | Prefixes::BND.0) != 0 {
            h.push(0xf2);
        }
    }
    if let Some(s) = seg {
        h.push(SEG_PREFIX[s.num() as usize % 6]);
    }
    if pf.has(Prefixes::NOTRACK) {
        h.push(0x3e);
    }
    if addr32 {
        h.push(0x67);
    }
    let opsize16 = form.operand_size == 16 && form.encoding == Encoding::Legacy;
    if opsize16 {
        h.push(0x66);
    }
    if pf.has(Prefixes::LOCK) {
        h.push(0xf0);
    }
    let pp = pp_bits(form.prefix);
    let l = if form.lig { 0 } else { form.l };
    let vvvv = vvvv.unwrap_or(0);
    let w = form.w == W::W1;
    let mut bits = 0;
    match form.encoding {
        Encoding::Legacy | Encoding::D3now => {
            h.legacy(form, opsize16);
            if rex_w || r_bit || x_bit || b_bit || needs_rex {
                if !mode.is64() {
                    return Err(EncodeError::NotInMode {
                        mnemonic: inst.mnemonic,
                        mode,
                    });
                }
                if let Some(hb) = high_byte {
                    return Err(EncodeError::HighByteWithRex { reg: hb });
                }
                h.push(
                    0x40 | (rex_w as u8) << 3
                        | (r_bit as u8) << 2
                        | (x_bit as u8) << 1
                        | b_bit as u8,
                );
            }
            h.map(form);
            if form.encoding == Encoding::D3now {
                // 3DNow!: `0F 0F /r ib`, the opcode byte last.
                h.push(0x0f);
                bits |= plan::SUFFIX;
            } else {
                h.opcode(form, opreg.unwrap_or(0) & 7);
            }
        }
        Encoding::Vex | Encoding::Xop => {
            if let Some(hb) = high_byte {
                return Err(EncodeError::HighByteWithRex { reg: hb });
            }
            let mmmmm = vex_map(form.map);
            let v = !vvvv & 0xf;
            if form.encoding == Encoding::Vex
                && !x_bit
                && !b_bit
                && !w
                && mmmmm == 1
                && !pf.has(Prefixes::VEX3)
            {
                h.push(0xc5);
                h.push((!r_bit as u8) << 7 | v << 3 | l << 2 | pp);
            } else {
                h.push(if form.encoding == Encoding::Xop {
                    0x8f
                } else {
                    0xc4
                });
                h.push((!r_bit as u8) << 7 | (!x_bit as u8) << 6 | (!b_bit as u8) << 5 | mmmmm);
                h.push((w as u8) << 7 | v << 3 | l << 2 | pp);
            }
            h.opcode(form, opreg.unwrap_or(0) & 7);
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
            let (ll, b) = if let Some(rc) = d.rounding {
                (rc as u8, true)
            } else if d.sae {
                (0, true)
            } else {
                (l, bcst)
            };
            let vp = if modrm_mem.as_ref().is_some_and(|(_, m)| m.vsib) {
                v_idx4
            } else {
                vvvv & 16 != 0
            };
            h.push(0x62);
            h.push(
                (!r_bit as u8) << 7
                    | (!x_bit as u8) << 6
                    | (!b_bit as u8) << 5
                    | (!r4_bit as u8) << 4
                    | mmm,
            );
            h.push((w as u8) << 7 | (!vvvv & 0xf) << 3 | 1 << 2 | pp);
            h.push(
                (d.zeroing as u8) << 7
                    | ll << 5
                    | (b as u8) << 4
                    | (!vp as u8) << 3
                    | d.mask.map_or(0, |k| k.num()),
            );
            h.opcode(form, opreg.unwrap_or(0) & 7);
        }
    }
    let mut len = h.len;
    // ModRM, SIB, displacement.
    let regf = if form.digit >= 0 {
        form.digit as u8
    } else {
        regn & 7
    };
    let (mut modrm, mut sib, mut disp, mut disp_len) = (0, 0, 0, 0);
    let mut label_kind: Option<&'static FixupKind> = None;
    let (mut label_op, mut label_at) = (plan::NONE, 0);
    if let Some((io, me)) = &modrm_mem {
        modrm = me.mod_ << 6 | regf << 3 | me.rm;
        bits |= plan::MODRM;
        len += 1;
        if let Some(s) = me.sib {
            sib = s;
            bits |= plan::SIB;
            len += 1;
        }
        if let Some((_, kind)) = me.label {
            label_kind = Some(kind);
            label_op = *io;
            label_at = len;
        }
        disp = me.disp;
        disp_len = me.disp_len;
        len += disp_len;
    } else if reg.is_some() || rm_reg.is_some() || form.digit >= 0 || form.rm_digit >= 0 {
        let rm = match rm_reg {
            Some(r) => r & 7,
            None if form.rm_digit >= 0 => form.rm_digit as u8,
            None => 0,
        };
        modrm = 0xc0 | regf << 3 | rm;
        bits |= plan::MODRM;
        len += 1;
    }
    let (mut moffs_op, mut moffs_len) = (plan::NONE, 0);
    if let Some((io, m)) = moffs {
        let wide = mode.is64() && !addr32;
        if m.label.is_none() && !wide && !fits_u32_or_i32(m.disp) {
            return Err(EncodeError::Memory {
                operand: io,
                problem: MemProblem::DispOutOfRange(m.disp),
            });
        }
        moffs_op = io;
        moffs_len = if wide { 8 } else { 4 };
        len += moffs_len;
    }
    // Immediates.
    let (mut far_op, mut far_len) = (plan::NONE, 0);
    if let Some((io, n)) = far {
        far_op = io;
        far_len = n;
        len += n + 2;
    }
    let is4_byte = match is4 {
        Some(r) => {
            bits |= plan::IS4;
            len += 1;
            r << 4 | imm4
        }
        None => 0,
    };
    if nimm < 2 {
        imm_sizes[1] = 0;
    }
    len += imm_sizes[0] + imm_sizes[1];
    if bits & plan::SUFFIX != 0 {
        len += 1;
    }
    let mut zeros = 0;
    if let Some((io, size)) = imm_label {
        label_kind = Some(match size {
            8 => &fx::ABS64,
            _ if mode.is64() && form.operand_size == 64 => &fx::ABS32S,
            _ => &fx::ABS32,
        });
        label_op = io;
        label_at = len;
        len += size;
        zeros += size;
    }
    if let Some((io, n)) = rel {
        label_kind = Some(match (n, form.operands.first()) {
            (1, _) => &fx::REL8,
            (2, Some(OpKind::BrDisp2)) => &fx::ABS32,
            (2, _) => &fx::REL16,
            (_, Some(OpKind::BrDisp4)) => &fx::ABS32,
            _ if mode.is64() => &fx::REL32,
            _ => &fx::REL32_WRAP,
        });
        label_op = io;
        label_at = len;
        len += n;
        zeros += n;
    }
    Ok(Plan {
        form,
        ops,
        head: h.bytes,
        disp,
        imms,
        label_kind,
        len,
        head_len: h.len,
        bits,
        modrm,
        sib,
        disp_len,
        is4: is4_byte,
        imm_sizes,
        zeros,
        label_op,
        label_at,
        moffs_op,
        moffs_len,
        far_op,
        far_len,
    })
}

const SEG_PREFIX: [u8; 6] = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

/// The prefixes `check_prefixes` looks at.
const CHECKED_PREFIXES: u16 = Prefixes::LOCK.0
    | Prefixes::REP.0
    | Prefixes::REPNE.0
    | Prefixes::XACQUIRE.0
    | Prefixes::XRELEASE.0
    | Prefixes::BND.0
    | Prefixes::NOTRACK.0;

/// VEX/XOP.mmmmm.
#[inline]
fn vex_map(m: Map) -> u8 {
    match m {
        Map::M0F => 1,
        Map::M0F38 => 2,
        Map::M0F3A => 3,
        Map::Xop8 => 8,
        Map::Xop9 => 9,
        Map::Xop10 => 10,
        _ => 1,
    }
}

#[inline]
fn pp_bits(p: Prefix) -> u8 {
    match p {
        Prefix::None | Prefix::Np => 0u8,
        Prefix::P66 => 1,
        Prefix::PF3 => 2,
        Prefix::PF2 => 3,
    }
}

/// The label of an operand that holds one: a branch target or immediate,
/// or a memory operand's label plus its displacement.
fn label_of<'a>(op: &Operand<'a>) -> Option<LabelRef<'a>> {
    match op {
        Operand::Label(l, _) => Some(*l),
        Operand::Mem(m) => m.label.map(|l| l.plus(m.disp)),
        _ => None,
    }
}

/// `n` bytes (at most 8) of `v`, as the low bits of a `u128`.
#[inline(always)]
fn low_bytes(v: u64, n: u8) -> u128 {
    if n >= 8 {
        v as u128
    } else {
        (v & ((1u64 << (8 * n as u32)) - 1)) as u128
    }
}

/// The instruction's bytes as they are written, in a register: the head,
/// then fields of up to 8 bytes (the bytes after the end stay zero).
struct Tail {
    acc: u128,
    at: u32,
}

impl Tail {
    #[inline(always)]
    fn put(&mut self, v: u64, n: u8) {
        self.acc |= low_bytes(v, n) << (8 * (self.at & 15));
        self.at += n as u32;
    }
}

impl<'a> Plan<'a, '_> {
    /// Places the bytes.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn write(&self) -> Encoded<'a> {
        // The bytes after the head are gathered from offset 0 (their places
        // are mostly constants) and shifted after the head once.
        let head = self.head_len as u32;
        let mut t = Tail { acc: 0, at: 0 };
        // ModRM, SIB, displacement.
        if self.bits & plan::MODRM != 0 {
            t.put(self.modrm as u64, 1);
            if self.bits & plan::SIB != 0 {
                t.put(self.sib as u64, 1);
            }
            t.put(self.disp as u64, self.disp_len);
        }
        let mut fixup = None;
        if let Some(Operand::Mem(m)) = self.ops.get(self.moffs_op as usize) {
            let n = self.moffs_len;
            if let Some(l) = m.label {
                fixup = Some(Fixup {
                    label: l.plus(m.disp),
                    kind: if n == 8 { &fx::ABS64 } else { &fx::ABS32 },
                    at: (head + t.at) as u8,
                    pc: 0,
                });
                t.put(0, n);
            } else {
                t.put(m.disp as u64, n);
            }
        }
        // Immediates.
        if let Some(Operand::Far(sel, off)) = self.ops.get(self.far_op as usize) {
            t.put(*off as u64, self.far_len);
            t.put(*sel as u64, 2);
        }
        if self.bits & plan::IS4 != 0 {
            t.put(self.is4 as u64, 1);
        }
        t.put(self.imms[0], self.imm_sizes[0]);
        t.put(self.imms[1], self.imm_sizes[1]);
        if self.bits & plan::SUFFIX != 0 {
            t.put(self.form.opcode as u8 as u64, 1);
        }
        t.at += self.zeros as u32;
        if let Some(kind) = self.label_kind {
            if let Some(label) = self.ops.get(self.label_op as usize).and_then(label_of) {
                fixup = Some(Fixup {
                    label,
                    kind,
                    at: self.label_at,
                    pc: (head + t.at) as u8,
                });
            }
        }
        debug_assert_eq!(
            head + t.at,
            self.len as u32,
            "layout and write disagree on the length"
        );
        // A head of 16 bytes leaves no room for more.
        let acc = self.head | t.acc << (8 * (head & 15));
        Encoded {
            bytes: acc.to_le_bytes(),
            len: self.len,
            fixup,
        }
    }
}

#[inline]
fn fits_u32_or_i32(v: i64) -> bool {
    (-0x8000_0000..=0xffff_ffff).contains(&v)
}

#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn check_decorations(
    form: &Form,
    d: Decorations,
    mem_dest: bool,
    has_mem: bool,
) -> Result<(), EncodeError> {
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
#[derive(Clone, Copy)]
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
fn mem_enc<'a>(
    mode: Mode,
    m: &Mem<'a>,
    n: i64,
    sib: bool,
    vlim: u8,
    addr16: bool,
) -> Result<MemEnc<'a>, MemProblem> {
    if let Some(me) = mem_enc_simple(mode, m, n, sib) {
        return Ok(me);
    }
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

/// [`mem_enc`]'s result for the common 64-bit addresses `[base + index*s +
/// disp]` and `[index*s + disp]` (64-bit registers, no label, no hint, an
/// index other than rsp, a displacement that fits 32 bits), or `None` for
/// everything else, which takes the general path.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn mem_enc_simple<'a>(mode: Mode, m: &Mem<'a>, n: i64, sib: bool) -> Option<MemEnc<'a>> {
    if !mode.is64()
        || sib
        || m.base.is_some_and(|b| b.class() != RegClass::Gp64)
        || m.label.is_some()
        || m.disp_size != DispSize::Auto
        || !matches!(m.scale, 1 | 2 | 4 | 8)
        || i32::try_from(m.disp).is_err()
    {
        return None;
    }
    let (index, ss) = match m.index {
        None => (None, 0),
        Some(i) if i.class() == RegClass::Gp64 && i.num() != 4 => {
            (Some(i.num()), m.scale.trailing_zeros() as u8)
        }
        Some(_) => return None,
    };
    let disp = m.disp;
    let Some(b) = m.base else {
        // `[index*s + disp]`: SIB with no base (base field 101, mod 00),
        // always disp32.
        let i = index?;
        return Some(MemEnc {
            mod_: 0,
            rm: 4,
            sib: Some(ss << 6 | (i & 7) << 3 | 5),
            disp,
            disp_len: 4,
            base: 0,
            index: i,
            vsib: false,
            addr32: false,
            rip: false,
            has_regs: true,
            addr_bits: 64,
            label: None,
        });
    };
    let bn = b.num();
    let (mod_, disp_len, disp_val) = if disp == 0 && bn & 7 != 5 {
        (0, 0, 0)
    } else if disp % n == 0 && i8::try_from(disp / n).is_ok() {
        (1, 1, disp / n)
    } else {
        (2, 4, disp)
    };
    let need_sib = index.is_some() || bn & 7 == 4;
    let index_num = index.unwrap_or(4);
    Some(MemEnc {
        mod_,
        rm: if need_sib { 4 } else { bn & 7 },
        sib: need_sib.then_some(ss << 6 | (index_num & 7) << 3 | (bn & 7)),
        disp: disp_val,
        disp_len,
        base: bn,
        index: index.unwrap_or(0),
        vsib: false,
        addr32: false,
        rip: false,
        has_regs: true,
        addr_bits: 64,
        label: None,
    })
}

/// Lays out a 16-bit address (x86-32 with a 67 prefix; Intel SDM vol. 2,
/// table 2-1): `[bx|bp + si|di + disp]`.
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
