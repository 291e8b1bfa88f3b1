//! A memo of the matcher's choice of form, for a caller that encodes many
//! instructions (the text assembler): [`SelectCache::select`] is
//! [`select`], faster where an instruction's operands are like those of one
//! before.
//!
//! In 64-bit mode without prefixes, [`select`] answers with the fast path's
//! rules over the indexed forms ([`select_fast_indexed`]) where they
//! answer. Which form they choose depends on the operands only through
//! what [`Signature`] keeps of them: each register exactly; of an
//! immediate, its size hint and which immediate fields take its value; of
//! memory, its registers, scale, size, broadcast and displacement hint
//! exactly and of its displacement whether it is 0, whether it fits 32
//! bits, and for each disp8×N scale whether it compresses to 8 bits
//! (every scale of the table is a power of two up to 64, checked before a
//! choice is kept); the decorations exactly. (Every test the fast path
//! makes of an operand — `form_fits`, `layout_simple`, `unsized_mem_size`,
//! `preferred` — reads only these.) Labels, far pointers, segment
//! overrides, `xchg` (whose operands `select` also tries swapped) and
//! `sal` (read as `shl`) are not kept. So where two instructions have the
//! same signature, the fast path chooses the same form for both: the cache
//! keeps the choice by signature and, for an instruction whose signature
//! it holds, lays out and writes that form alone. Every other instruction
//! goes to [`select`].

use super::{
    imm_fits, indexed_forms, layout_simple, select, select_fast_indexed, Encoded, Plan, FORMS,
};
use crate::error::EncodeError;
use crate::operand::{DispSize, Imm, Instruction, Mem, Mnemonic, Mode, Operand};
use crate::reg::Reg;
use crate::table::{Encoding, Form, OpKind};
use alloc::vec::Vec;

/// Every immediate kind (checked by a test against the slots of
/// `OpKind::ALL`): bit `i` of an immediate's signature says whether its
/// value fits `IMM_KINDS[i]`.
pub(super) const IMM_KINDS: [OpKind; 10] = [
    OpKind::Imm8,
    OpKind::Imm8Const1,
    OpKind::Imm8Sex16,
    OpKind::Imm8Sex32,
    OpKind::Imm8Sex64,
    OpKind::Imm16,
    OpKind::Imm32,
    OpKind::Imm32Sex64,
    OpKind::Imm64,
    OpKind::Imm4M2z,
];

/// The disp8×N scales whose compression a signature records.
const SCALES: [i64; 7] = [1, 2, 4, 8, 16, 32, 64];
const _: () = {
    // `disp_class` divides by shifting.
    let mut i = 0;
    while i < SCALES.len() {
        assert!(SCALES[i].count_ones() == 1);
        i += 1;
    }
};

/// The most operands a signature holds (as the index: no form has more).
const MAX_OPS: usize = 5;

/// Words of a [`Signature`]: the head, then one per operand.
const WORDS: usize = 1 + MAX_OPS;

/// What the fast path's choice of form depends on (see the module): a
/// head word (mnemonic, operand count, decorations), then one word per
/// operand.
///
/// [`SelectCache::select`] computes it from an [`Instruction`]; a reader
/// that has the operands in pieces (the text assembler's line reader)
/// builds the same words with [`Signature::new`], [`Signature::reg`],
/// [`Signature::imm`] and [`Signature::mem`], then asks
/// [`SelectCache::lookup`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u64; WORDS]);

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Signature({:x?})", &self.0[..self.used()])
    }
}

impl Signature {
    /// The most operands a signature holds.
    pub const MAX_OPERANDS: usize = MAX_OPS;

    /// The signature of `mnemonic` with no operand yet, no decoration and
    /// no prefix (of 64-bit mode: no other mode's choices are kept).
    #[inline]
    pub fn new(mnemonic: Mnemonic) -> Signature {
        let mut w = [0u64; WORDS];
        w[0] = head_word(mnemonic, 0);
        Signature(w)
    }

    /// Appends operand word `w`; `false` (the signature unchanged) when it
    /// holds [`Signature::MAX_OPERANDS`] already.
    #[inline]
    fn push(&mut self, w: u64) -> bool {
        let n = (self.0[0] >> 16 & 0xff) as usize;
        if n >= MAX_OPS {
            return false;
        }
        self.0[1 + n] = w;
        self.0[0] += 1 << 16;
        true
    }

    /// Appends a register operand; `false` (the signature unchanged) when
    /// it holds [`Signature::MAX_OPERANDS`] already.
    #[inline]
    pub fn reg(&mut self, r: Reg) -> bool {
        self.push(reg_word(r))
    }

    /// Appends an immediate operand; `false` (the signature unchanged)
    /// when it holds [`Signature::MAX_OPERANDS`] already.
    #[inline]
    pub fn imm(&mut self, v: Imm) -> bool {
        self.push(imm_word(v))
    }

    /// Appends a memory operand; `false` (the signature unchanged) when it
    /// holds [`Signature::MAX_OPERANDS`] already, and for
    /// memory whose choice is never kept (a label, a segment override, a
    /// scale other than 1, 2, 4, 8).
    #[inline]
    pub fn mem(&mut self, m: &Mem<'_>) -> bool {
        match mem_word(m) {
            Some(w) => self.push(w),
            None => false,
        }
    }

    /// The signature of `inst`, if the cache may keep its choice.
    #[inline]
    fn of(mode: Mode, inst: &Instruction<'_, '_>) -> Option<Signature> {
        let ops = inst.operands;
        if !mode.is64() || inst.prefixes.0 != 0 || ops.len() > MAX_OPS {
            return None;
        }
        let d = inst.decorations;
        let dec = d.mask.map_or(0, |k| 1 + k.num() as u64)
            | (d.zeroing as u64) << 6
            | d.rounding.map_or(0, |r| 1 + r as u64) << 7
            | (d.sae as u64) << 10;
        let mut sig = Signature([0; WORDS]);
        sig.0[0] = head_word(inst.mnemonic, dec);
        if sig.0[0] == 0 {
            return None;
        }
        for op in ops {
            let w = match op {
                Operand::Reg(r) => reg_word(*r),
                Operand::Imm(v) => imm_word(*v),
                Operand::Mem(m) => mem_word(m)?,
                Operand::Label(..) | Operand::Far(..) => return None,
            };
            sig.push(w);
        }
        Some(sig)
    }

    /// Words in use: the head and one per operand.
    #[inline]
    fn used(&self) -> usize {
        (1 + (self.0[0] >> 16 & 0xff) as usize).min(WORDS)
    }

    /// The first of the two slots of a table of `slots` the signature may
    /// be kept in.
    #[inline]
    fn slot(&self, slots: usize) -> usize {
        let mut h = 0u64;
        for w in &self.0[..self.used()] {
            h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        (h >> 32) as usize & (slots - 1)
    }
}

/// The head word: the mnemonic, the operand count (bits 16..24, counted by
/// [`Signature::push`]) and the decorations. `xchg` (whose operands
/// `select` also tries swapped) and `sal` (read as `shl`) get a head no
/// signature matches (bit 63 clear, as in an empty slot, is never looked
/// up: `lookup` and `select` refuse it).
#[inline]
fn head_word(mnemonic: Mnemonic, dec: u64) -> u64 {
    let name = mnemonic.name();
    if name == "xchg" || name == "sal" {
        return 0;
    }
    // Bit 63: no signature is all zeros, as an empty slot is.
    mnemonic.index() as u64 | dec << 24 | 1 << 63
}

#[inline]
fn reg_word(r: Reg) -> u64 {
    1 | reg_code(Some(r)) << 2
}

#[inline]
fn imm_word(v: Imm) -> u64 {
    let mut fits = 0u64;
    for (j, k) in IMM_KINDS.iter().enumerate() {
        fits |= (imm_fits(*k, v.value) as u64) << j;
    }
    2 | (v.size as u64) << 2 | fits << 10
}

/// The word of a memory operand; `None` for memory the fast path does
/// not lay out (another scale, a segment override or a label).
#[inline]
fn mem_word(m: &Mem<'_>) -> Option<u64> {
    let scale = match m.scale {
        1 => 0,
        2 => 1,
        4 => 2,
        8 => 3,
        _ => return None,
    };
    if m.seg.is_some() || m.label.is_some() {
        return None;
    }
    let disp_size = match m.disp_size {
        DispSize::Auto => 0,
        DispSize::Byte => 1,
        DispSize::Dword => 2,
    };
    Some(
        3 | reg_code(m.base) << 2
            | reg_code(m.index) << 14
            | scale << 26
            | (m.size as u64) << 28
            | (m.bcst as u64) << 44
            | disp_class(m.disp) << 52
            | disp_size << 61,
    )
}

/// A register or none as a number: its class and number (12 bits).
#[inline]
fn reg_code(r: Option<Reg>) -> u64 {
    r.map_or(0, |r| 1 + (r.class() as u64) * 32 + r.num() as u64)
}

/// What the layout reads of a displacement (9 bits): 0, fits 32 bits, and
/// for each of [`SCALES`] whether it is a multiple whose quotient fits 8
/// bits.
#[inline]
fn disp_class(d: i64) -> u64 {
    let mut c = (d == 0) as u64 | (i32::try_from(d).is_ok() as u64) << 1;
    // Every scale is a power of two (a test checks): a multiple's quotient
    // is the value shifted.
    for (j, n) in SCALES.iter().enumerate() {
        let s = n.trailing_zeros();
        c |= ((d & (n - 1) == 0 && i8::try_from(d >> s).is_ok()) as u64) << (2 + j);
    }
    c
}

/// The layout of the chosen form for a signature: everything
/// `layout_simple` works out but the displacement and the immediates'
/// values, which are all that differ between two instructions of the
/// same signature (their registers, and so every prefix, opcode, ModRM
/// and SIB bit, are the same; so are the displacement's and immediates'
/// sizes; so is an `is4` register's byte). `layout_simple` leaves no
/// label, `moffs`, far pointer or trailing zeros.
#[derive(Clone, Copy, Default)]
struct Template {
    head: u128,
    /// The form's index plus one (0: an empty slot).
    form: u16,
    len: u8,
    head_len: u8,
    bits: u8,
    modrm: u8,
    sib: u8,
    disp_len: u8,
    is4: u8,
    imm_sizes: [u8; 2],
    /// The displacement's disp8×N scale.
    n: u8,
    /// The operands whose values the immediate fields hold ([`NO_OP`]: none).
    imm_ops: [u8; 2],
    /// The memory operand, whose displacement the layout writes ([`NO_OP`]: none).
    mem_op: u8,
}

/// No operand (in [`Template::imm_ops`], [`Template::mem_op`]).
const NO_OP: u8 = MAX_OPS as u8;

/// The value of each operand a kept choice may write: an immediate's, or
/// a memory operand's displacement (others 0), and one more slot, always
/// 0, that stands for no operand.
pub type Values = [i64; MAX_OPS + 1];

impl Template {
    /// `layout_simple`'s plan for an instruction of the signature this
    /// template was made from whose operands have `vals`, written: the
    /// template with the displacement (scaled as the layout scales it) and
    /// the immediates.
    #[inline(always)]
    fn write(&self, vals: &Values) -> (&'static Form, Encoded<'static>) {
        let form = &FORMS[self.form as usize - 1];
        let d = vals[self.mem_op as usize];
        let disp = match self.disp_len {
            0 => 0,
            1 => d / self.n as i64,
            _ => d,
        };
        let imms = [
            vals[self.imm_ops[0] as usize] as u64,
            vals[self.imm_ops[1] as usize] as u64,
        ];
        let plan = Plan {
            head: self.head,
            disp,
            imms,
            len: self.len,
            head_len: self.head_len,
            bits: self.bits,
            modrm: self.modrm,
            sib: self.sib,
            disp_len: self.disp_len,
            is4: self.is4,
            imm_sizes: self.imm_sizes,
            ..Plan::lean(form)
        };
        (form, plan.write())
    }
}

/// A choice the cache holds ([`SelectCache::lookup`]): writes the
/// instruction of its signature given the operands' values.
#[derive(Clone, Copy)]
pub struct Kept(Template);

impl Kept {
    /// The bytes of the instruction whose signature found this choice and
    /// whose operands have `vals` (`vals[i]`: operand `i`'s immediate
    /// value or displacement; 0 for a register; the last slot 0): the
    /// bytes [`select`] gives for it.
    #[inline(always)]
    pub fn encode(&self, vals: &Values) -> Encoded<'static> {
        self.0.write(vals).1
    }
}

/// Slots of a new cache, and the most it grows to (powers of two): a
/// signature is kept in the slot its hash gives or the next one.
const FIRST_SLOTS: usize = 64;
const MAX_SLOTS: usize = 4096;

/// The fast path's choices of form by operand signature, with their
/// layouts (see the module). Starts small and grows when a quarter of its slots
/// are used.
#[derive(Clone, Default)]
pub struct SelectCache {
    sigs: Vec<[u64; WORDS]>,
    plans: Vec<Template>,
    /// Slots in use.
    kept: usize,
}

impl core::fmt::Debug for SelectCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let used = self.plans.iter().filter(|t| t.form != 0).count();
        write!(f, "SelectCache({used} choices)")
    }
}

impl SelectCache {
    /// An empty cache.
    pub const fn new() -> Self {
        SelectCache {
            sigs: Vec::new(),
            plans: Vec::new(),
            kept: 0,
        }
    }

    /// [`select`]`(mode, inst)`: the same form and bytes, or the same
    /// error.
    pub fn select<'a>(
        &mut self,
        mode: Mode,
        inst: &Instruction<'a, '_>,
    ) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
        let Some(sig) = Signature::of(mode, inst) else {
            return select(mode, inst);
        };
        if let Some(t) = self.find(&sig) {
            let mut vals = [0; MAX_OPS + 1];
            for (v, op) in vals.iter_mut().zip(inst.operands) {
                *v = match op {
                    Operand::Imm(i) => i.value,
                    Operand::Mem(m) => m.disp,
                    _ => 0,
                };
            }
            return Ok(t.write(&vals));
        }
        let Some(forms) = indexed_forms(inst) else {
            return select(mode, inst);
        };
        let Some((form, enc)) = select_fast_indexed(forms, inst.operands, inst.decorations) else {
            return select(mode, inst);
        };
        if let Some(f) = keepable(forms, form) {
            if let Ok(plan) = layout_simple(form, inst.operands, inst.decorations) {
                self.keep(sig, template(f, &plan, inst));
            }
        }
        Ok((form, enc))
    }

    /// The choice kept for `sig`, if any (see [`Signature`]).
    #[inline]
    pub fn lookup(&self, sig: &Signature) -> Option<Kept> {
        self.find(sig).map(Kept)
    }

    #[inline]
    fn find(&self, sig: &Signature) -> Option<Template> {
        let slots = self.plans.len();
        if slots == 0 || sig.0[0] >> 63 == 0 {
            return None;
        }
        let i = sig.slot(slots);
        let j = (i + 1) & (slots - 1);
        let at = if self.sigs[i] == sig.0 {
            i
        } else if self.sigs[j] == sig.0 {
            j
        } else {
            return None;
        };
        let t = self.plans[at];
        (t.form != 0).then_some(t)
    }

    /// Keeps `t` for `sig`, growing the table (its choices kept) when a quarter
    /// its slots are used.
    fn keep(&mut self, sig: Signature, t: Template) {
        let slots = self.plans.len();
        if slots == 0 || (self.kept >= slots / 4 && slots < MAX_SLOTS) {
            let sigs = core::mem::take(&mut self.sigs);
            let plans = core::mem::take(&mut self.plans);
            let slots = if slots == 0 { FIRST_SLOTS } else { slots * 4 };
            self.sigs = alloc::vec![[0; WORDS]; slots];
            self.plans = alloc::vec![Template::default(); slots];
            self.kept = 0;
            for (s, t) in sigs.into_iter().zip(plans) {
                if t.form != 0 {
                    self.put(Signature(s), t);
                }
            }
        }
        self.put(sig, t);
    }

    fn put(&mut self, sig: Signature, t: Template) {
        let slots = self.plans.len();
        let i = sig.slot(slots);
        let j = (i + 1) & (slots - 1);
        let at = if self.plans[i].form != 0 && self.plans[j].form == 0 {
            j
        } else {
            i
        };
        self.kept += (self.plans[at].form == 0) as usize;
        self.sigs[at] = sig.0;
        self.plans[at] = t;
    }
}

/// The template of `plan`, laid out for form `f` of the table.
fn template(f: u16, plan: &Plan<'_, '_>, inst: &Instruction<'_, '_>) -> Template {
    let form = &FORMS[f as usize];
    let bcst = inst
        .operands
        .iter()
        .any(|op| matches!(op, Operand::Mem(m) if m.bcst != 0));
    let n = match (form.encoding, bcst) {
        (Encoding::Evex, false) => form.disp8_n,
        (Encoding::Evex, true) => form.disp8_n_bcst,
        _ => 1,
    };
    let mut imm_ops = [NO_OP; 2];
    let mut nimm = 0;
    let mut mem_op = NO_OP;
    for (i, (k, op)) in form.operands.iter().zip(inst.operands).enumerate() {
        match op {
            Operand::Imm(_) if *k != OpKind::Imm8Const1 => {
                imm_ops[nimm & 1] = i as u8;
                nimm += 1;
            }
            Operand::Mem(_) => mem_op = i as u8,
            _ => {}
        }
    }
    Template {
        imm_ops,
        mem_op,
        head: plan.head,
        form: f + 1,
        len: plan.len,
        head_len: plan.head_len,
        bits: plan.bits,
        modrm: plan.modrm,
        sib: plan.sib,
        disp_len: plan.disp_len,
        is4: plan.is4,
        imm_sizes: plan.imm_sizes,
        n,
    }
}

/// The index of `chosen` among the table's forms, if the choice may be
/// kept: every candidate's disp8×N scales are among [`SCALES`].
fn keepable(forms: &[u16], chosen: &'static Form) -> Option<u16> {
    let mut index = None;
    for &i in forms {
        let f = &FORMS[i as usize];
        if f.encoding == Encoding::Evex
            && !(SCALES.contains(&(f.disp8_n as i64)) && SCALES.contains(&(f.disp8_n_bcst as i64)))
        {
            return None;
        }
        if core::ptr::eq(f, chosen) {
            index = Some(i);
        }
    }
    index
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::encode::{slot, Slot as K};
    use crate::operand::{Decorations, Imm, Mem, Prefixes, Rounding};
    use crate::reg::RegClass;
    use crate::Mnemonic;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    #[test]
    fn imm_kinds_are_every_immediate_kind() {
        for k in OpKind::ALL {
            assert_eq!(
                matches!(slot(*k), K::Imm(_)),
                IMM_KINDS.contains(k),
                "{k:?}"
            );
        }
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[self.below(xs.len() as u64) as usize]
        }
    }

    const IMMS: [i64; 20] = [
        0,
        1,
        2,
        3,
        -1,
        0x7f,
        0x80,
        -0x80,
        -0x81,
        0xff,
        0x100,
        0x7fff,
        0x8000,
        0xffff,
        0x1_0000,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        i64::MIN,
        i64::MAX,
    ];
    const DISPS: [i64; 16] = [
        0,
        1,
        8,
        -8,
        64,
        127,
        128,
        -128,
        -129,
        127 * 64,
        128 * 64,
        -128 * 32,
        0x1000,
        0x7fff_ffff,
        -0x8000_0000,
        0x1_0000_0000,
    ];

    /// Which immediate fields take `v`.
    fn imm_class(v: i64) -> u32 {
        IMM_KINDS
            .iter()
            .enumerate()
            .map(|(j, k)| (imm_fits(*k, v) as u32) << j)
            .sum()
    }

    /// A value near one of `xs`.
    fn wobble(rng: &mut Rng, xs: &[i64]) -> i64 {
        let x = rng.pick(xs);
        match rng.below(4) {
            0 => x,
            1 => x.wrapping_add(rng.below(5) as i64 - 2),
            2 => x.wrapping_mul(rng.pick(&[2, 4, 8, 64, -1])),
            _ => x.wrapping_add(rng.pick(&[64, -64, 256, 4096])),
        }
    }

    fn reg(rng: &mut Rng, class: RegClass) -> Reg {
        let n = rng.below(class.count() as u64) as u8 + class.first();
        Reg::new(class, n).unwrap()
    }

    fn mem(rng: &mut Rng, form: &Form, vsib: Option<RegClass>) -> Mem<'static> {
        let mut m = Mem::EMPTY;
        m.base = match rng.below(8) {
            0 => None,
            1 => Some(crate::reg::regs::rip),
            2 => Some(reg(rng, RegClass::Gp32)),
            _ => Some(reg(rng, RegClass::Gp64)),
        };
        m.index = match vsib {
            Some(c) => Some(reg(rng, c)),
            None if rng.below(2) == 0 => None,
            None => Some(reg(rng, RegClass::Gp64)),
        };
        m.scale = rng.pick(&[1, 2, 4, 8, 8, 3]);
        m.disp = rng.pick(&DISPS);
        m.size = match rng.below(4) {
            0 => 0,
            1 => rng.pick(&[1, 2, 4, 8, 16, 32, 64]),
            _ => form.mem_size,
        };
        if form.bcst_size != 0 && rng.below(4) == 0 {
            m.bcst = (form.mem_size / form.bcst_size as u16) as u8;
            m.size = if rng.below(2) == 0 {
                0
            } else {
                form.bcst_size as u16
            };
        }
        if rng.below(16) == 0 {
            m.disp_size = rng.pick(&[DispSize::Byte, DispSize::Dword]);
        }
        m
    }

    /// Operands for `form`, mostly of its kinds.
    fn operands(rng: &mut Rng, form: &Form) -> Option<Vec<Operand<'static>>> {
        let mut ops = Vec::new();
        for k in form.operands {
            ops.push(match slot(*k) {
                K::Fixed(r) => Operand::Reg(if rng.below(8) == 0 {
                    reg(rng, r.class())
                } else {
                    r
                }),
                K::ModReg(c) | K::Vvvv(c) | K::OpReg(c) | K::Is4(c) | K::Is5(c) => {
                    Operand::Reg(reg(rng, c))
                }
                K::ModRm(Some(c), mem_ok) => {
                    if mem_ok && rng.below(2) == 0 {
                        Operand::Mem(mem(rng, form, None))
                    } else {
                        Operand::Reg(reg(rng, c))
                    }
                }
                K::ModRm(None, _) | K::SibMem | K::Moffs => Operand::Mem(mem(rng, form, None)),
                K::Vsib(c) => Operand::Mem(mem(rng, form, Some(c))),
                K::StrSrc | K::StrDst | K::SegRdi | K::Xlat => {
                    let mut m = Mem::base(Reg::new(RegClass::Gp64, rng.pick(&[3, 6, 7])).unwrap());
                    m.size = form.mem_size;
                    Operand::Mem(m)
                }
                K::Imm(_) => Operand::Imm(Imm {
                    value: rng.pick(&IMMS),
                    size: rng.pick(&[0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8]),
                }),
                K::Rel(_) | K::AbsBranch(_) | K::Far(_) => return None,
            });
        }
        Some(ops)
    }

    fn show(r: &Result<(&'static Form, Encoded<'_>), EncodeError>) -> String {
        match r {
            Ok((f, e)) => format!("{} {:02x?} {:?}", f.notation(), e.bytes(), e.fixup),
            Err(e) => format!("{e:?}"),
        }
    }

    /// For every form valid in 64-bit mode, instances of its operands
    /// (many of them sharing a signature, so the cache answers): the cache
    /// gives what `select` gives.
    #[test]
    fn the_cache_is_select() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut cache = SelectCache::new();
        let (mut hits, mut cases) = (0usize, 0usize);
        for (i, form) in FORMS.iter().enumerate() {
            if !form.valid_in(Mode::Long) {
                continue;
            }
            let mnemonic = Mnemonic::from_index(form.mnemonic).unwrap();
            let mut base: Vec<Operand<'static>> = Vec::new();
            let mut dec = Decorations::NONE;
            for round in 0..36 {
                // Every third round a new instance; between them the same
                // operands with other values where the signature abstracts
                // them (an immediate, a displacement).
                if round % 3 == 0 {
                    let Some(ops) = operands(&mut rng, form) else {
                        break;
                    };
                    base = ops;
                    dec = Decorations::NONE;
                    if form.encoding == Encoding::Evex && rng.below(3) == 0 {
                        dec.mask = Reg::new(RegClass::K, rng.below(8) as u8);
                        dec.zeroing = rng.below(2) == 0;
                        if rng.below(3) == 0 {
                            dec.rounding = Some(rng.pick(&[
                                Rounding::Nearest,
                                Rounding::Down,
                                Rounding::Up,
                                Rounding::Zero,
                            ]));
                        }
                        dec.sae = rng.below(5) == 0;
                    }
                }
                let mut ops = base.clone();
                match round % 3 {
                    // Other values of the same class: the cache answers.
                    1 => {
                        for op in ops.iter_mut() {
                            match op {
                                Operand::Imm(v) => {
                                    let class = imm_class(v.value);
                                    for _ in 0..64 {
                                        let w = wobble(&mut rng, &IMMS);
                                        if imm_class(w) == class {
                                            v.value = w;
                                            break;
                                        }
                                    }
                                }
                                Operand::Mem(m) => {
                                    let class = disp_class(m.disp);
                                    for _ in 0..64 {
                                        let w = wobble(&mut rng, &DISPS);
                                        if disp_class(w) == class {
                                            m.disp = w;
                                            break;
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    // One attribute changed: a signature that left it out
                    // would answer wrongly.
                    2 if !ops.is_empty() => {
                        let i = rng.below(ops.len() as u64) as usize;
                        match &mut ops[i] {
                            Operand::Reg(r) => *r = reg(&mut rng, r.class()),
                            Operand::Imm(v) => {
                                if rng.below(2) == 0 {
                                    v.value = rng.pick(&IMMS);
                                } else {
                                    v.size = rng.pick(&[0, 1, 2, 4, 8]);
                                }
                            }
                            Operand::Mem(m) => match rng.below(7) {
                                0 => m.disp = rng.pick(&DISPS),
                                1 => m.size = rng.pick(&[0, 1, 2, 4, 8, 16, 32, 64]),
                                2 => m.bcst = rng.pick(&[0, 2, 4, 8, 16]),
                                3 => {
                                    m.disp_size =
                                        rng.pick(&[DispSize::Auto, DispSize::Byte, DispSize::Dword])
                                }
                                4 => m.scale = rng.pick(&[1, 2, 4, 8]),
                                5 => m.base = m.base.map(|b| reg(&mut rng, b.class())),
                                _ => m.index = m.index.map(|x| reg(&mut rng, x.class())),
                            },
                            _ => {}
                        }
                    }
                    _ => {}
                }
                let inst = Instruction {
                    mnemonic,
                    operands: &ops,
                    decorations: dec,
                    prefixes: if rng.below(32) == 0 {
                        Prefixes::LOCK
                    } else {
                        Prefixes::NONE
                    },
                };
                for mode in [Mode::Long, Mode::Protected] {
                    let before = Signature::of(mode, &inst).map(|s| {
                        let slots = cache.plans.len().max(1);
                        let i = s.slot(slots);
                        [i, (i + 1) & (slots - 1)]
                            .iter()
                            .any(|&i| cache.sigs.get(i) == Some(&s.0) && cache.plans[i].form != 0)
                    });
                    // The signature built operand by operand (as the text
                    // reader builds it) is `of`'s, and the choice it finds
                    // writes `select`'s bytes.
                    if mode == Mode::Long && dec == Decorations::NONE && inst.prefixes.0 == 0 {
                        let mut sig = Signature::new(mnemonic);
                        let pieces = ops.iter().all(|op| match op {
                            Operand::Reg(r) => sig.reg(*r),
                            Operand::Imm(v) => sig.imm(*v),
                            Operand::Mem(m) => sig.mem(m),
                            _ => false,
                        });
                        let of = Signature::of(mode, &inst);
                        // (`xchg` and `sal` have a head no lookup finds.)
                        let sig = pieces.then_some(sig).filter(|s| s.0[0] >> 63 != 0);
                        assert_eq!(sig, of, "{ops:?}");
                        if let Some(kept) = of.and_then(|s| cache.lookup(&s)) {
                            let mut vals = [0; MAX_OPS + 1];
                            for (v, op) in vals.iter_mut().zip(&ops) {
                                *v = match op {
                                    Operand::Imm(i) => i.value,
                                    Operand::Mem(m) => m.disp,
                                    _ => 0,
                                };
                            }
                            let theirs = select(mode, &inst).map(|(_, e)| e);
                            assert_eq!(
                                Ok(kept.encode(&vals).bytes()),
                                theirs.as_ref().map(|e| e.bytes()),
                                "{ops:?}"
                            );
                        }
                    }
                    let ours = cache.select(mode, &inst);
                    let theirs = select(mode, &inst);
                    cases += 1;
                    hits += (before == Some(true)) as usize;
                    assert_eq!(
                        show(&ours),
                        show(&theirs),
                        "{} (form {i}) {ops:?} {dec:?}",
                        form.notation()
                    );
                }
            }
        }
        std::println!("{cases} cases, {hits} answered from the cache");
        assert!(hits > cases / 20, "{hits} of {cases}");
    }
}
