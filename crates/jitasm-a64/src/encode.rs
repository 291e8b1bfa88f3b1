//! The encoder: one interpreter of the form table.
//!
//! [`encode_form`] fills one [`Form`]'s operand fields: each operand kind
//! has one encoder here, which checks the operand's shape against the
//! kind and qualifier, checks its value against the rule of the field
//! (bitmask immediates, scaled offsets, FP8 immediates, shifted 12-bit
//! immediates, move-wide shifts…) and writes the bits. [`select`] picks the
//! form: the first of the mnemonic's forms, in table order, that takes the
//! operands; aliases (`mov`, `cmp`, `lsl`, `cset`, …) are rewritten to
//! their base instruction first (by rules in `alias.rs`). The macro, the builder
//! and the text assembler all come through these functions.

use crate::alias;
use crate::error::EncodeError;
use crate::operand::{Instruction, Mem, MemMode, MemOffset, ModKind, Modifier, Operand};
use crate::reg::{ElemSize, Reg, RegClass};
use crate::table::{forms_of, Form, OpKind, OpSpec, Qual};
use jitasm_core::fixup::aarch64 as fx;
use jitasm_core::{CodeSink, FixupKind, LabelRef};

/// A label reference inside an encoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fixup<'a> {
    /// The label (with addend).
    pub label: LabelRef<'a>,
    /// How the field is filled (one of `jitasm_core::fixup::aarch64`).
    pub kind: &'static FixupKind,
    /// Offset of the patched unit from the start of the instruction (0).
    pub at: u8,
    /// Offset the PC is counted from (0: A64 offsets are relative to the
    /// instruction itself).
    pub pc: u8,
}

/// One encoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoded<'a> {
    word: u32,
    /// The label reference, if the instruction has one (its field holds zeros).
    pub fixup: Option<Fixup<'a>>,
}

impl<'a> Encoded<'a> {
    /// The instruction word.
    #[inline]
    pub const fn word(&self) -> u32 {
        self.word
    }

    /// The four bytes, little-endian.
    #[inline]
    pub const fn bytes(&self) -> [u8; 4] {
        self.word.to_le_bytes()
    }

    /// Appends the instruction to `sink`, registering its fixup.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn emit<S: CodeSink + ?Sized>(&self, sink: &mut S) {
        let start = sink.offset();
        sink.extend_from_slice(&self.bytes());
        if let Some(f) = self.fixup {
            sink.fixup(
                f.label,
                f.kind,
                start + f.at as usize,
                start + f.pc as usize,
            );
        }
    }
}

/// Encodes `inst` (selecting its form) and appends it to `sink`.
#[inline]
pub fn emit<S: CodeSink + ?Sized>(
    inst: &Instruction<'_, '_>,
    sink: &mut S,
) -> Result<(), EncodeError> {
    encode(inst)?.emit(sink);
    Ok(())
}

/// Whether `mnemonic` (lower case) is an instruction of the table or an
/// alias the encoder rewrites (`mov`, `cmp`, `b.eq`, `nop`, `stadd`…).
pub fn is_mnemonic(mnemonic: &str) -> bool {
    forms_of(mnemonic).is_some() || alias::is_alias(mnemonic)
}

/// Encodes `inst`, selecting its form.
pub fn encode<'a>(inst: &Instruction<'a, '_>) -> Result<Encoded<'a>, EncodeError> {
    select(inst).map(|(_, e)| e)
}

/// Selects the form of `inst` and encodes it. Aliases are rewritten to
/// their base instruction; an instruction that its own forms reject may be
/// taken by the form llvm-mc falls back to (`ldr x0, [x1, #-8]` is `ldur`,
/// `add x0, x1, #-1` is `sub x0, x1, #1`).
pub fn select<'a>(inst: &Instruction<'a, '_>) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    select_at(inst, forms_of(inst.mnemonic), 0)
}

/// [`select`] with the instruction's own forms narrowed to `own`: a run of
/// its mnemonic's forms, in table order, holding every form that may take
/// the operands (the `dynasm!` macro narrows them while expanding, see
/// [`crate::dynamic`]). Aliases and llvm-mc's fallbacks apply as in
/// `select`; when nothing takes the operands the error is `select`'s.
pub fn select_in<'a>(
    inst: &Instruction<'a, '_>,
    own: &'static [Form],
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    match select_at(inst, Some(own), 0) {
        Ok(x) => Ok(x),
        // The forms left out could only have failed on shape: the whole
        // mnemonic names the error as `select` does.
        Err(_) => select(inst),
    }
}

fn select_at<'a>(
    inst: &Instruction<'a, '_>,
    own: Option<&'static [Form]>,
    depth: u8,
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    let own_err = match own {
        Some(forms) => match select_among(forms, inst.operands) {
            Ok(x) => return Ok(x),
            Err(e) => Some(e),
        },
        None => None,
    };
    let alias = match own {
        Some(_) => alias::fallback(inst),
        None => alias::rewrite(inst)?,
    };
    if let Some(r) = alias.filter(|_| depth < 3) {
        let sub = Instruction::new(r.mnemonic(), r.operands());
        return match select_at(&sub, forms_of(sub.mnemonic), depth + 1) {
            Ok(x) => Ok(x),
            Err(e) => Err(match own_err {
                // A value the instruction's own form rejects is the better
                // explanation (`add x0, x1, #5000`, not the `sub` it falls
                // back to).
                Some(o)
                    if !matches!(
                        o,
                        EncodeError::OperandMismatch { .. } | EncodeError::OperandCount { .. }
                    ) =>
                {
                    o
                }
                // A count is the count of the operands as written, not of
                // the rewrite's (`b.eq` alone is `b.cond eq`).
                _ => match r.map_error(e) {
                    EncodeError::OperandCount { .. } => EncodeError::OperandCount {
                        given: written_count(inst.operands),
                    },
                    e => e,
                },
            }),
        };
    }
    Err(own_err.unwrap_or(if alias::is_alias(inst.mnemonic) {
        EncodeError::NoMatchingForm
    } else {
        EncodeError::UnknownMnemonic
    }))
}

/// Operands as counted in errors: shifts and extends are not counted.
fn written_count(operands: &[Operand<'_>]) -> u8 {
    operands
        .iter()
        .filter(|o| !matches!(o, Operand::Modifier(_)))
        .count() as u8
}

/// The first of `forms` that takes `operands`, encoded. When none does,
/// the error of the form that got furthest: a value error (the shapes
/// matched) before a shape error, a shape error at a later operand before
/// one at an earlier operand.
pub fn select_among<'a>(
    forms: &'static [Form],
    operands: &[Operand<'a>],
) -> Result<(&'static Form, Encoded<'a>), EncodeError> {
    let mut best: Option<Fail> = None;
    for form in forms {
        match encode_inner(form, operands) {
            Ok(e) => return Ok((form, e)),
            Err(f) => {
                if best.as_ref().map_or(true, |b| f.better_than(b)) {
                    best = Some(f);
                }
            }
        }
    }
    Err(match best {
        None => EncodeError::UnknownMnemonic,
        Some(Fail::Value(e)) => e,
        Some(Fail::Shape { operand, expected }) => {
            let given = written_count(operands);
            // Too many operands (the form ended) or too few.
            if expected == END || operand as usize >= operands.len() {
                EncodeError::OperandCount { given }
            } else {
                EncodeError::OperandMismatch { operand, expected }
            }
        }
    })
}

/// Encodes `operands` in `form`.
pub fn encode_form<'a>(
    form: &'static Form,
    operands: &[Operand<'a>],
) -> Result<Encoded<'a>, EncodeError> {
    encode_inner(form, operands).map_err(|f| match f {
        Fail::Value(e) => e,
        Fail::Shape { operand, expected } => EncodeError::OperandMismatch { operand, expected },
    })
}

/// Whether `operands` have the shapes `form` takes: they encode, or fail
/// only on a value (an immediate out of range, an odd register of a pair).
pub(crate) fn shape_fits(form: &'static Form, operands: &[Operand<'_>]) -> bool {
    !matches!(encode_inner(form, operands), Err(Fail::Shape { .. }))
}

const END: &str = "no more operands";

#[derive(Debug)]
enum Fail {
    Shape { operand: u8, expected: &'static str },
    Value(EncodeError),
}

impl Fail {
    fn better_than(&self, other: &Fail) -> bool {
        match (self, other) {
            (Fail::Value(_), Fail::Shape { .. }) => true,
            (Fail::Shape { operand: a, .. }, Fail::Shape { operand: b, .. }) => a > b,
            _ => false,
        }
    }
}

fn encode_inner<'a>(form: &'static Form, ops: &[Operand<'a>]) -> Result<Encoded<'a>, Fail> {
    let mut c = Ctx {
        form,
        ops,
        pos: 0,
        word: form.bits,
        fixup: None,
        prev_reg: None,
    };
    for (si, spec) in form.operands.iter().enumerate() {
        if c.pos >= ops.len() {
            return Err(Fail::Shape {
                operand: c.pos as u8,
                expected: describe(spec),
            });
        }
        c.operand(si, spec)?;
    }
    if c.pos != ops.len() {
        return Err(Fail::Shape {
            operand: c.pos as u8,
            expected: END,
        });
    }
    Ok(Encoded {
        word: c.word,
        fixup: c.fixup,
    })
}

/// [`encode_form`] for the fast path ([`crate::fast`]): the same encoder,
/// answering only whether `form` takes `ops` and the encoding if it does.
/// Made to be inlined where `form` is a constant (a copy of the table row
/// as a `const` item, `crate::fast::FAST_FORMS`): its operand loop is
/// unrolled, so every property of the form folds away and what is left is
/// the checks of the operand values and the bits they set.
#[doc(hidden)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn encode_fast<'a>(form: &'static Form, ops: &[Operand<'a>]) -> Option<Encoded<'a>> {
    let mut c = Ctx {
        form,
        ops,
        pos: 0,
        word: form.bits,
        fixup: None,
        prev_reg: None,
    };
    let specs = form.operands;
    unrolled!(specs.len(), |si| {
        if c.pos >= ops.len() || c.operand(si, &specs[si]).is_err() {
            return None;
        }
    });
    if c.pos != ops.len() {
        return None;
    }
    Some(Encoded {
        word: c.word,
        fixup: c.fixup,
    })
}

struct Ctx<'a, 'o> {
    form: &'static Form,
    ops: &'o [Operand<'a>],
    pos: usize,
    word: u32,
    fixup: Option<Fixup<'a>>,
    prev_reg: Option<Reg>,
}

type R = Result<(), Fail>;

impl<'a> Ctx<'a, '_> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn shape(&self, at: usize, spec: &OpSpec) -> Fail {
        Fail::Shape {
            operand: at as u8,
            expected: describe(spec),
        }
    }

    /// Writes `value` into one field. Every caller has checked the value
    /// against its rule; a value wider than the field is a bug, not input.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn put(&mut self, (lsb, width): (u8, u8), value: u32) {
        assert!(
            width == 32 || value >> width == 0,
            "internal: value {value:#x} does not fit field ({lsb}, {width})"
        );
        self.word |= value << lsb;
    }

    /// Writes `value` over `fields`, the most significant bits first.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn put_spread(&mut self, fields: &[(u8, u8)], value: u32) {
        let total: u32 = fields.iter().map(|f| f.1 as u32).sum();
        let mut left = total;
        for &f in fields {
            left -= f.1 as u32;
            self.put(f, (value >> left) & ((1u32 << f.1) - 1));
        }
    }

    /// The next operand if it is a modifier (consumed).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn modifier(&mut self) -> Option<(usize, Modifier)> {
        match self.ops.get(self.pos) {
            Some(Operand::Modifier(m)) => {
                self.pos += 1;
                Some((self.pos - 1, *m))
            }
            _ => None,
        }
    }

    /// Width of the operation (32 or 64) from the first general register
    /// operand of the form.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn gpr_width(&self) -> u32 {
        match self
            .form
            .operands
            .iter()
            .find(|o| matches!(o.qual, Qual::W | Qual::X))
        {
            Some(o) if o.qual == Qual::W => 32,
            _ => 64,
        }
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn operand(&mut self, si: usize, spec: &OpSpec) -> R {
        let at = self.pos;
        let op = self.ops[at];
        self.pos += 1;
        let f = spec.fields;
        let value_err = |e: EncodeError| Err(Fail::Value(e));
        let opn = at as u8;
        match spec.kind {
            OpKind::Gpr | OpKind::GprSp => {
                let Operand::Reg(r) = op else {
                    return Err(self.shape(at, spec));
                };
                if !gpr_matches(spec, r) {
                    return Err(self.shape(at, spec));
                }
                self.put(f[0], r.num() as u32);
                self.prev_reg = Some(r);
            }
            OpKind::GprPair => {
                let Operand::Reg(r) = op else {
                    return Err(self.shape(at, spec));
                };
                let prev = self.prev_reg.expect("a pair follows a register");
                if r.class() != prev.class() || !gpr_matches(spec, r) {
                    return Err(self.shape(at, spec));
                }
                if prev.num() % 2 != 0 {
                    return value_err(EncodeError::BadRegister {
                        operand: opn - 1,
                        rule: "the first register of a pair must be even",
                    });
                }
                if r.num() != prev.num() + 1 {
                    return value_err(EncodeError::BadRegister {
                        operand: opn,
                        rule: "the second register of a pair must follow the first",
                    });
                }
            }
            OpKind::GprShifted | OpKind::GprShiftedLog | OpKind::GprExtended => {
                let Operand::Reg(r) = op else {
                    return Err(self.shape(at, spec));
                };
                let m = self.modifier();
                if spec.kind != OpKind::GprExtended {
                    if !gpr_matches(spec, r) {
                        return Err(self.shape(at, spec));
                    }
                    let width = if spec.qual == Qual::W { 32 } else { 64 };
                    let logical = spec.kind == OpKind::GprShiftedLog;
                    let (ty, amount) = match m {
                        None => (0, 0),
                        Some((mi, m)) => {
                            let ty = match m.kind {
                                ModKind::Lsl => 0,
                                ModKind::Lsr => 1,
                                ModKind::Asr => 2,
                                ModKind::Ror if logical => 3,
                                _ => {
                                    return value_err(EncodeError::BadModifier {
                                        operand: mi as u8,
                                        allowed: if logical {
                                            "lsl, lsr, asr or ror"
                                        } else {
                                            "lsl, lsr or asr"
                                        },
                                    })
                                }
                            };
                            let Some(a) = m.amount else {
                                return value_err(EncodeError::BadModifier {
                                    operand: mi as u8,
                                    allowed: "a shift with an amount (lsl #n)",
                                });
                            };
                            let a = a as i64;
                            if a >= width {
                                return value_err(EncodeError::ImmediateOutOfRange {
                                    operand: mi as u8,
                                    value: a,
                                    min: 0,
                                    max: width - 1,
                                });
                            }
                            (ty, a as u32)
                        }
                    };
                    self.put(f[0], r.num() as u32);
                    self.put(f[1], ty);
                    self.put(f[2], amount);
                } else {
                    let wide_op = self.form.operands[0].qual == Qual::X;
                    let ok_reg = match spec.qual {
                        Qual::W => r.class() == RegClass::W,
                        _ => r.class() == RegClass::X,
                    };
                    if !ok_reg {
                        return Err(self.shape(at, spec));
                    }
                    let (option, amount) = extend_option(spec.qual, wide_op, m)?;
                    self.put(f[0], r.num() as u32);
                    self.put(f[1], option);
                    self.put(f[2], amount);
                }
            }
            OpKind::Fpr => {
                let Operand::Reg(r) = op else {
                    return Err(self.shape(at, spec));
                };
                let want = match spec.qual {
                    Qual::B => RegClass::B,
                    Qual::H => RegClass::H,
                    Qual::S => RegClass::S,
                    Qual::D => RegClass::D,
                    _ => RegClass::Q,
                };
                if r.class() != want {
                    return Err(self.shape(at, spec));
                }
                self.put(f[0], r.num() as u32);
            }
            OpKind::VReg => {
                let Operand::Reg(r) = op else {
                    return Err(self.shape(at, spec));
                };
                match r.class() {
                    RegClass::V(a) if arrangement_qual(a) == spec.qual => {}
                    _ => return Err(self.shape(at, spec)),
                }
                self.put(f[0], r.num() as u32);
            }
            OpKind::VRegD1 => match op {
                Operand::Elem(e) if e.size == ElemSize::D && e.index == 1 => {
                    self.put(f[0], e.reg as u32)
                }
                _ => return Err(self.shape(at, spec)),
            },
            OpKind::ElemImm5 | OpKind::ElemImm4 | OpKind::ElemIdx | OpKind::ElemIdxPair => {
                let Operand::Elem(e) = op else {
                    return Err(self.shape(at, spec));
                };
                if elem_qual(e.size) != spec.qual {
                    return Err(self.shape(at, spec));
                }
                let esize = spec.qual.esize();
                let log = esize.trailing_zeros();
                let max = match spec.kind {
                    OpKind::ElemIdxPair => {
                        let lanes = vector_bytes(self.form.operands[0].qual) / esize;
                        lanes / 2 - 1
                    }
                    _ => 16 / esize - 1,
                };
                if e.index as u32 > max {
                    return value_err(EncodeError::LaneOutOfRange {
                        operand: opn,
                        index: e.index,
                        max: max as u8,
                    });
                }
                if (e.reg as u32) >> f[0].1 != 0 {
                    return value_err(EncodeError::BadRegister {
                        operand: opn,
                        rule: "halfword elements take only v0-v15 here",
                    });
                }
                self.put(f[0], e.reg as u32);
                let index = e.index as u32;
                match spec.kind {
                    OpKind::ElemImm5 => self.put(f[1], (index << (log + 1)) | (1 << log)),
                    OpKind::ElemImm4 => self.put(f[1], index << log),
                    _ => {
                        // Index bits needed; an index narrower than the
                        // fields sits in their high bits.
                        let need = match (spec.kind, esize) {
                            (OpKind::ElemIdx, 2) => 3,
                            (OpKind::ElemIdx, 4) | (OpKind::ElemIdxPair, 2) => 2,
                            _ => 1,
                        };
                        let width: u32 = f[1..].iter().map(|x| x.1 as u32).sum();
                        self.put_spread(&f[1..], index << (width - need));
                    }
                }
            }
            OpKind::VList | OpKind::VListRep | OpKind::VLaneList => {
                let (first, count) = match (spec.kind, op) {
                    (OpKind::VList | OpKind::VListRep, Operand::List(l))
                        if arrangement_qual(l.arr) == spec.qual && l.count == spec.count =>
                    {
                        (l.first, l.count)
                    }
                    (OpKind::VLaneList, Operand::LaneList(l))
                        if elem_qual(l.size) == spec.qual && l.count == spec.count =>
                    {
                        let esize = spec.qual.esize();
                        let max = 16 / esize - 1;
                        if l.index as u32 > max {
                            return value_err(EncodeError::LaneOutOfRange {
                                operand: opn,
                                index: l.index,
                                max: max as u8,
                            });
                        }
                        // Q:S:size holds the index above a size tag.
                        let (shift, tag) = match esize {
                            1 => (0, 0),
                            2 => (1, 0),
                            4 => (2, 0),
                            _ => (3, 1),
                        };
                        self.put_spread(&f[1..], ((l.index as u32) << shift) | tag);
                        (l.first, l.count)
                    }
                    _ => return Err(self.shape(at, spec)),
                };
                let _ = count;
                self.put(f[0], first as u32);
            }
            OpKind::AddSubImm => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let m = self.modifier();
                let bad = EncodeError::NotAddSubImmediate {
                    operand: opn,
                    value: v,
                };
                let (imm, sh) = match m {
                    Some((mi, m)) => {
                        if m.kind != ModKind::Lsl || !matches!(m.amount, Some(0 | 12)) {
                            return value_err(EncodeError::BadModifier {
                                operand: mi as u8,
                                allowed: "lsl #0 or lsl #12",
                            });
                        }
                        if !(0..=4095).contains(&v) {
                            return value_err(EncodeError::ImmediateOutOfRange {
                                operand: opn,
                                value: v,
                                min: 0,
                                max: 4095,
                            });
                        }
                        (v as u32, (m.amount == Some(12)) as u32)
                    }
                    None if (0..=4095).contains(&v) => (v as u32, 0),
                    None if v > 0 && v & 0xfff == 0 && v >> 12 <= 4095 => ((v >> 12) as u32, 1),
                    None => return value_err(bad),
                };
                self.put(f[0], imm);
                self.put(f[1], sh);
            }
            OpKind::LogicalImm => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let width = self.gpr_width();
                let value = if width == 32 {
                    if !(i32::MIN as i64..=u32::MAX as i64).contains(&v) {
                        return value_err(EncodeError::NotBitmaskImmediate {
                            operand: opn,
                            value: v as u64,
                            width: 32,
                        });
                    }
                    v as u64 & 0xffff_ffff
                } else {
                    v as u64
                };
                let Some((n, immr, imms)) = encode_bitmask(value, width) else {
                    return value_err(EncodeError::NotBitmaskImmediate {
                        operand: opn,
                        value,
                        width: width as u8,
                    });
                };
                self.put(f[0], n);
                self.put(f[1], immr);
                self.put(f[2], imms);
            }
            OpKind::MoveWide => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let width = self.gpr_width();
                let m = self.modifier();
                let (imm, hw) = match m {
                    Some((mi, m)) => {
                        let shift = m.amount.unwrap_or(0) as u32;
                        if m.kind != ModKind::Lsl || shift % 16 != 0 || shift >= width {
                            return value_err(EncodeError::BadModifier {
                                operand: mi as u8,
                                allowed: if width == 32 {
                                    "lsl #0 or lsl #16"
                                } else {
                                    "lsl #0, #16, #32 or #48"
                                },
                            });
                        }
                        if !(0..=0xffff).contains(&v) {
                            return value_err(EncodeError::ImmediateOutOfRange {
                                operand: opn,
                                value: v,
                                min: 0,
                                max: 0xffff,
                            });
                        }
                        (v as u32, shift / 16)
                    }
                    // Without a shift the value is the 16-bit immediate
                    // itself (llvm-mc does not pick a shift for `movz`;
                    // `mov` does, see the aliases).
                    None if (0..=0xffff).contains(&v) => (v as u32, 0),
                    None => {
                        return value_err(EncodeError::NotMoveWideImmediate {
                            operand: opn,
                            value: v,
                            width: width as u8,
                        })
                    }
                };
                self.put(f[0], imm);
                self.put(f[1], hw);
            }
            OpKind::FBits => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let (min, max) = spec.qual.range().unwrap_or((1, 64));
                if !(min..=max).contains(&v) {
                    return value_err(EncodeError::ImmediateOutOfRange {
                        operand: opn,
                        value: v,
                        min,
                        max,
                    });
                }
                self.put(f[0], (64 - v) as u32);
            }
            OpKind::FpImm8 | OpKind::SimdFpImm8 => {
                let v = match op {
                    Operand::Float(x) => x,
                    Operand::Imm(i) if (i as f64) as i64 == i => i as f64,
                    _ => return Err(self.shape(at, spec)),
                };
                let Some(imm8) = encode_fp8(v) else {
                    return value_err(EncodeError::NotFpImmediate {
                        operand: opn,
                        value: v,
                    });
                };
                if spec.kind == OpKind::FpImm8 {
                    self.put(f[0], imm8);
                } else {
                    self.put_spread(f, imm8);
                }
            }
            OpKind::FpZero => match op {
                Operand::Float(x) if x == 0.0 && x.is_sign_positive() => {}
                _ => return Err(self.shape(at, spec)),
            },
            OpKind::Zero => {
                if op != Operand::Imm(0) {
                    return Err(self.shape(at, spec));
                }
            }
            OpKind::SimdImmShifted => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                if !(0..=255).contains(&v) {
                    return value_err(EncodeError::ImmediateOutOfRange {
                        operand: opn,
                        value: v,
                        min: 0,
                        max: 255,
                    });
                }
                let m = self.modifier();
                let room = f.get(2).map_or(0, |x| x.1 as u32);
                let field = match (spec.qual, m) {
                    (Qual::Msl, Some((_, m)))
                        if m.kind == ModKind::Msl && matches!(m.amount, Some(8 | 16)) =>
                    {
                        m.amount.unwrap() as u32 / 8 - 1
                    }
                    (Qual::Msl, m) => {
                        return value_err(EncodeError::BadModifier {
                            operand: m.map_or(opn + 1, |(i, _)| i as u8),
                            allowed: "msl #8 or msl #16",
                        })
                    }
                    (_, None) => 0,
                    (_, Some((mi, m))) => {
                        let a = m.amount.unwrap_or(0) as u32;
                        if m.kind != ModKind::Lsl || a % 8 != 0 || (a / 8) >> room != 0 || room == 0
                        {
                            return value_err(EncodeError::BadModifier {
                                operand: mi as u8,
                                allowed: match room {
                                    0 => "no shift",
                                    1 => "lsl #0 or lsl #8",
                                    _ => "lsl #0, #8, #16 or #24",
                                },
                            });
                        }
                        a / 8
                    }
                };
                self.put_spread(&f[..2], v as u32);
                if let Some(&cm) = f.get(2) {
                    self.put(cm, field);
                }
            }
            OpKind::SimdImm64 => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let bytes = (v as u64).to_le_bytes();
                if bytes.iter().any(|&b| b != 0 && b != 0xff) {
                    return value_err(EncodeError::NotByteMask {
                        operand: opn,
                        value: v as u64,
                    });
                }
                let imm8 = bytes
                    .iter()
                    .enumerate()
                    .fold(0u32, |a, (i, &b)| a | (((b & 1) as u32) << i));
                self.put_spread(f, imm8);
            }
            OpKind::ShiftLeft | OpKind::ShiftRight => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let bits = 8 * spec.qual.esize() as i64;
                let (min, max) = if spec.kind == OpKind::ShiftLeft {
                    (0, bits - 1)
                } else {
                    (1, bits)
                };
                if !(min..=max).contains(&v) {
                    return value_err(EncodeError::ImmediateOutOfRange {
                        operand: opn,
                        value: v,
                        min,
                        max,
                    });
                }
                let value = if spec.kind == OpKind::ShiftLeft {
                    bits + v
                } else {
                    2 * bits - v
                };
                self.put_spread(f, value as u32);
            }
            OpKind::ShllImm => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let bits = 8 * self.form.operands[si - 1].qual.esize() as i64;
                if v != bits {
                    return value_err(EncodeError::ImmediateOutOfRange {
                        operand: opn,
                        value: v,
                        min: bits,
                        max: bits,
                    });
                }
            }
            OpKind::Rot90 | OpKind::Rot270 => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let ok = if spec.kind == OpKind::Rot90 {
                    matches!(v, 0 | 90 | 180 | 270)
                } else {
                    matches!(v, 90 | 270)
                };
                if !ok {
                    return value_err(EncodeError::ImmediateOutOfRange {
                        operand: opn,
                        value: v,
                        min: if spec.kind == OpKind::Rot90 { 0 } else { 90 },
                        max: 270,
                    });
                }
                let field = if spec.kind == OpKind::Rot90 {
                    v / 90
                } else {
                    (v == 270) as i64
                };
                self.put(f[0], field as u32);
            }
            OpKind::UImm => {
                let Operand::Imm(v) = op else {
                    return Err(self.shape(at, spec));
                };
                let width: u32 = f.iter().map(|x| x.1 as u32).sum();
                let (min, max) = spec.qual.range().unwrap_or((0, (1i64 << width) - 1));
                if !(min..=max).contains(&v) {
                    return value_err(EncodeError::ImmediateOutOfRange {
                        operand: opn,
                        value: v,
                        min,
                        max,
                    });
                }
                self.put_spread(f, v as u32);
            }
            OpKind::CReg => {
                let Operand::CReg(n) = op else {
                    return Err(self.shape(at, spec));
                };
                if n > 15 {
                    return Err(self.shape(at, spec));
                }
                self.put(f[0], n as u32);
            }
            OpKind::Cond => {
                let Operand::Cond(c) = op else {
                    return Err(self.shape(at, spec));
                };
                self.put(f[0], c as u32);
            }
            OpKind::MemBase
            | OpKind::MemUImm12
            | OpKind::MemSImm9
            | OpKind::MemPre9
            | OpKind::MemPost9
            | OpKind::MemSImm7
            | OpKind::MemPre7
            | OpKind::MemPost7
            | OpKind::MemSImm10
            | OpKind::MemPre10
            | OpKind::MemRegOff
            | OpKind::MemPostSimd => {
                let Operand::Mem(m) = op else {
                    return Err(self.shape(at, spec));
                };
                self.mem(si, spec, at, m)?;
            }
            OpKind::Label26
            | OpKind::Label19
            | OpKind::Label14
            | OpKind::LabelAdr
            | OpKind::LabelAdrp => {
                let kind = match spec.kind {
                    OpKind::Label26 => &fx::B26,
                    OpKind::Label19 => &fx::BCOND19,
                    OpKind::Label14 => &fx::TBZ14,
                    OpKind::LabelAdr => &fx::ADR21,
                    _ => &fx::ADRP21,
                };
                match op {
                    Operand::Label(label) => {
                        self.fixup = Some(Fixup {
                            label,
                            kind,
                            at: 0,
                            pc: 0,
                        });
                    }
                    Operand::Imm(v) => {
                        // An offset from this instruction, in bytes.
                        let align = if spec.kind == OpKind::LabelAdrp {
                            4096
                        } else {
                            1u32 << kind.scale
                        };
                        let (lo, hi) = kind.field_range();
                        let (min, max) = ((lo * align as i128) as i64, (hi * align as i128) as i64);
                        if v % align as i64 != 0 || v < min || v > max {
                            return value_err(EncodeError::PcOffset {
                                operand: opn,
                                value: v,
                                align,
                                min,
                                max,
                            });
                        }
                        let bits = kind
                            .encode(v as u64, 0)
                            .expect("offset checked against the field");
                        self.word |= bits as u32;
                    }
                    _ => return Err(self.shape(at, spec)),
                }
            }
            OpKind::SysReg => {
                let Operand::SysReg(v) = op else {
                    return Err(self.shape(at, spec));
                };
                if v >> 14 < 2 {
                    return value_err(EncodeError::BadRegister {
                        operand: opn,
                        rule: "a system register's op0 must be 2 or 3",
                    });
                }
                self.put(f[0], v as u32);
            }
            OpKind::PState => {
                let Operand::PState(p) = op else {
                    return Err(self.shape(at, spec));
                };
                self.put(f[0], (p >> 3) as u32 & 7);
                self.put(f[1], p as u32 & 7);
            }
            OpKind::Barrier | OpKind::Prefetch => {
                let max = (1i64 << f[0].1) - 1;
                let v = match (spec.kind, op) {
                    (OpKind::Barrier, Operand::Barrier(b)) => b as i64,
                    (OpKind::Prefetch, Operand::Prefetch(p)) => p as i64,
                    (_, Operand::Imm(v)) => v,
                    _ => return Err(self.shape(at, spec)),
                };
                if !(0..=max).contains(&v) {
                    return value_err(EncodeError::ImmediateOutOfRange {
                        operand: opn,
                        value: v,
                        min: 0,
                        max,
                    });
                }
                self.put(f[0], v as u32);
            }
        }
        Ok(())
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn mem(&mut self, si: usize, spec: &OpSpec, at: usize, m: Mem) -> R {
        let f = spec.fields;
        let opn = at as u8;
        if m.base.class() != RegClass::X && m.base.class() != RegClass::Sp
            || m.base.class() == RegClass::X && m.base.num() == 31
        {
            return Err(self.shape(at, spec));
        }
        let want_mode = match spec.kind {
            OpKind::MemPre9 | OpKind::MemPre7 | OpKind::MemPre10 => MemMode::PreIndex,
            OpKind::MemPost9 | OpKind::MemPost7 | OpKind::MemPostSimd => MemMode::PostIndex,
            _ => MemMode::Offset,
        };
        if m.mode != want_mode {
            return Err(self.shape(at, spec));
        }
        self.put(f[0], m.base.num() as u32);
        // Access size in bytes (prefetches count as 8).
        let size = match spec.qual.esize() {
            0 => 8,
            s => s as i64,
        };
        let offset_err = |v: i64, scale: i64, min: i64, max: i64| {
            Err(Fail::Value(EncodeError::Offset {
                operand: opn,
                value: v,
                scale: scale as u32,
                min,
                max,
            }))
        };
        match spec.kind {
            OpKind::MemBase => {
                if m.offset != MemOffset::Imm(0) {
                    return Err(self.shape(at, spec));
                }
            }
            OpKind::MemRegOff => {
                let MemOffset::Reg(r, modifier) = m.offset else {
                    return Err(self.shape(at, spec));
                };
                let shift = size.trailing_zeros();
                let (option, amount, mi) = match (r.class(), modifier) {
                    (RegClass::X, None) => (3, None, at),
                    (RegClass::X, Some(md)) if md.kind == ModKind::Lsl && md.amount.is_some() => {
                        (3, md.amount, at)
                    }
                    (RegClass::X, Some(md)) if md.kind == ModKind::Sxtx => (7, md.amount, at),
                    (RegClass::W, Some(md)) if md.kind == ModKind::Uxtw => (2, md.amount, at),
                    (RegClass::W, Some(md)) if md.kind == ModKind::Sxtw => (6, md.amount, at),
                    (RegClass::W | RegClass::X, _) => {
                        return Err(Fail::Value(EncodeError::BadModifier {
                            operand: opn,
                            allowed: if r.class() == RegClass::W {
                                "uxtw or sxtw with a 32-bit index"
                            } else {
                                "lsl or sxtx with a 64-bit index"
                            },
                        }))
                    }
                    _ => return Err(self.shape(at, spec)),
                };
                let _ = mi;
                let s = match amount {
                    None => 0,
                    Some(a) if a as u32 == shift => 1,
                    Some(0) => 0,
                    Some(a) => {
                        return Err(Fail::Value(EncodeError::ImmediateOutOfRange {
                            operand: opn,
                            value: a as i64,
                            min: 0,
                            max: shift as i64,
                        }))
                    }
                };
                self.put(f[1], r.num() as u32);
                self.put(f[2], option);
                self.put(f[3], s);
            }
            OpKind::MemPostSimd => match m.offset {
                MemOffset::Imm(v) => {
                    let list = &self.form.operands[si - 1];
                    let bytes = match list.kind {
                        OpKind::VList => vector_bytes(list.qual) as i64 * list.count as i64,
                        _ => list.qual.esize() as i64 * list.count as i64,
                    };
                    if v != bytes {
                        return offset_err(v, bytes, bytes, bytes);
                    }
                    self.put(f[1], 31);
                }
                MemOffset::Reg(r, None) if r.class() == RegClass::X => {
                    if r.num() == 31 {
                        return Err(Fail::Value(EncodeError::BadRegister {
                            operand: opn,
                            rule: "xzr cannot be a post-index register",
                        }));
                    }
                    self.put(f[1], r.num() as u32);
                }
                _ => return Err(self.shape(at, spec)),
            },
            _ => {
                let MemOffset::Imm(v) = m.offset else {
                    return Err(self.shape(at, spec));
                };
                match spec.kind {
                    OpKind::MemUImm12 => {
                        let max = 4095 * size;
                        if v < 0 || v > max || v % size != 0 {
                            return offset_err(v, size, 0, max);
                        }
                        self.put(f[1], (v / size) as u32);
                    }
                    OpKind::MemSImm9 | OpKind::MemPre9 | OpKind::MemPost9 => {
                        if !(-256..=255).contains(&v) {
                            return offset_err(v, 1, -256, 255);
                        }
                        self.put(f[1], (v & 0x1ff) as u32);
                    }
                    OpKind::MemSImm7 | OpKind::MemPre7 | OpKind::MemPost7 => {
                        let (min, max) = (-64 * size, 63 * size);
                        if v < min || v > max || v % size != 0 {
                            return offset_err(v, size, min, max);
                        }
                        self.put(f[1], ((v / size) & 0x7f) as u32);
                    }
                    _ => {
                        // ldraa/ldrab: 10 bits scaled by 8, sign in S.
                        let (min, max) = (-4096, 4088);
                        if v < min || v > max || v % 8 != 0 {
                            return offset_err(v, 8, min, max);
                        }
                        let s = ((v / 8) & 0x3ff) as u32;
                        self.put(f[1], s >> 9);
                        self.put(f[2], s & 0x1ff);
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
fn extend_option(
    qual: Qual,
    wide_op: bool,
    m: Option<(usize, Modifier)>,
) -> Result<(u32, u32), Fail> {
    // Arm ARM C6.2 ADD (extended register): option selects the extend;
    // `lsl` means uxtw in the 32-bit form and uxtx in the 64-bit form. The
    // 32-bit form takes every extend; in the 64-bit form a 64-bit register
    // takes uxtx, sxtx and lsl and a 32-bit register the others, named.
    let (mi, m) = match m {
        None if qual == Qual::X => return Ok((3, 0)),
        None if !wide_op => return Ok((2, 0)),
        None => {
            return Err(Fail::Value(EncodeError::BadModifier {
                operand: 0,
                allowed: "an extend (uxtb, uxth, uxtw, sxtb, sxth, sxtw) of a 32-bit register",
            }))
        }
        Some(x) => x,
    };
    let option = match (qual, m.kind) {
        (_, ModKind::Lsl) if m.amount.is_none() => {
            return Err(Fail::Value(EncodeError::BadModifier {
                operand: mi as u8,
                allowed: "lsl with an amount",
            }))
        }
        (Qual::X, ModKind::Lsl) => 3,
        (Qual::W, ModKind::Lsl) if !wide_op => 2,
        (Qual::X, ModKind::Uxtx | ModKind::Sxtx) => m.kind.option().unwrap(),
        (Qual::W, ModKind::Uxtx | ModKind::Sxtx) if wide_op => {
            return Err(Fail::Value(EncodeError::BadModifier {
                operand: mi as u8,
                allowed: "uxtb, uxth, uxtw, sxtb, sxth or sxtw with a 32-bit register",
            }))
        }
        (Qual::W, k) if k.is_extend() => k.option().unwrap(),
        _ => {
            return Err(Fail::Value(EncodeError::BadModifier {
                operand: mi as u8,
                allowed: match (qual, wide_op) {
                    (Qual::X, _) => "uxtx, sxtx or lsl with a 64-bit register",
                    (_, true) => "uxtb, uxth, uxtw, sxtb, sxth or sxtw with a 32-bit register",
                    _ => "an extend or lsl",
                },
            }))
        }
    };
    let amount = m.amount.unwrap_or(0);
    if amount > 4 {
        return Err(Fail::Value(EncodeError::ImmediateOutOfRange {
            operand: mi as u8,
            value: amount as i64,
            min: 0,
            max: 4,
        }));
    }
    Ok((option, amount as u32))
}

#[cfg_attr(not(debug_assertions), inline(always))]
fn gpr_matches(spec: &OpSpec, r: Reg) -> bool {
    let sp_ok = spec.kind == OpKind::GprSp;
    match (spec.qual, r.class()) {
        (Qual::W, RegClass::W) => !sp_ok || r.num() != 31,
        (Qual::W, RegClass::Wsp) => sp_ok,
        (Qual::X | Qual::Nil, RegClass::X) => !sp_ok || r.num() != 31,
        (Qual::X | Qual::Nil, RegClass::Sp) => sp_ok,
        _ => false,
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
fn arrangement_qual(a: crate::reg::Arrangement) -> Qual {
    use crate::reg::Arrangement::*;
    match a {
        B8 => Qual::V8B,
        B16 => Qual::V16B,
        H2 => Qual::V2H,
        H4 => Qual::V4H,
        H8 => Qual::V8H,
        S2 => Qual::V2S,
        S4 => Qual::V4S,
        D1 => Qual::V1D,
        D2 => Qual::V2D,
        Q1 => Qual::V1Q,
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
fn elem_qual(e: ElemSize) -> Qual {
    match e {
        ElemSize::B => Qual::B,
        ElemSize::H => Qual::H,
        ElemSize::S => Qual::S,
        ElemSize::D => Qual::D,
        ElemSize::B4 => Qual::S4B,
        ElemSize::H2 => Qual::S2H,
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
fn vector_bytes(q: Qual) -> u32 {
    match q {
        Qual::V2H => 4,
        Qual::V8B | Qual::V4H | Qual::V2S | Qual::V1D => 8,
        _ => 16,
    }
}

/// What an operand of `spec` must be, for errors.
#[inline]
pub fn describe(spec: &OpSpec) -> &'static str {
    use OpKind as K;
    use Qual as Q;
    match (spec.kind, spec.qual) {
        (K::Gpr | K::GprShifted | K::GprShiftedLog, Q::W) => {
            "a 32-bit general register (w0-w30, wzr)"
        }
        (K::Gpr | K::GprShifted | K::GprShiftedLog, _) => "a 64-bit general register (x0-x30, xzr)",
        (K::GprSp, Q::W) => "a 32-bit general register or wsp (w0-w30, wsp)",
        (K::GprSp, _) => "a 64-bit general register or sp (x0-x30, sp)",
        (K::GprPair, Q::W) => "the next 32-bit register of the pair",
        (K::GprPair, _) => "the next 64-bit register of the pair",
        (K::GprExtended, Q::W) => "a 32-bit general register (w0-w30, wzr), with an extend",
        (K::GprExtended, _) => "a 64-bit general register (x0-x30, xzr), with an extend",
        (K::Fpr, Q::B) => "an 8-bit SIMD&FP register (b0-b31)",
        (K::Fpr, Q::H) => "a 16-bit SIMD&FP register (h0-h31)",
        (K::Fpr, Q::S) => "a 32-bit SIMD&FP register (s0-s31)",
        (K::Fpr, Q::D) => "a 64-bit SIMD&FP register (d0-d31)",
        (K::Fpr, _) => "a 128-bit SIMD&FP register (q0-q31)",
        (K::VReg, Q::V8B) => "a vector register .8b",
        (K::VReg, Q::V16B) => "a vector register .16b",
        (K::VReg, Q::V2H) => "a vector register .2h",
        (K::VReg, Q::V4H) => "a vector register .4h",
        (K::VReg, Q::V8H) => "a vector register .8h",
        (K::VReg, Q::V2S) => "a vector register .2s",
        (K::VReg, Q::V4S) => "a vector register .4s",
        (K::VReg, Q::V1D) => "a vector register .1d",
        (K::VReg, Q::V2D) => "a vector register .2d",
        (K::VReg, _) => "a vector register .1q",
        (K::VRegD1, _) => "the upper doubleword vN.d[1]",
        (K::ElemImm5 | K::ElemImm4 | K::ElemIdx | K::ElemIdxPair, Q::B) => "a byte element vN.b[i]",
        (K::ElemImm5 | K::ElemImm4 | K::ElemIdx | K::ElemIdxPair, Q::H) => {
            "a halfword element vN.h[i]"
        }
        (K::ElemImm5 | K::ElemImm4 | K::ElemIdx | K::ElemIdxPair, Q::S) => "a word element vN.s[i]",
        (K::ElemImm5 | K::ElemImm4 | K::ElemIdx | K::ElemIdxPair, Q::D) => {
            "a doubleword element vN.d[i]"
        }
        (K::ElemImm5 | K::ElemImm4 | K::ElemIdx | K::ElemIdxPair, Q::S4B) => "an element vN.4b[i]",
        (K::ElemImm5 | K::ElemImm4 | K::ElemIdx | K::ElemIdxPair, _) => "an element vN.2h[i]",
        (K::VList | K::VListRep, _) => "a register list of the form's count and arrangement",
        (K::VLaneList, _) => "a one-lane register list of the form's count and element size",
        (K::AddSubImm, _) => "an immediate (12 bits, optionally lsl #12)",
        (K::LogicalImm, _) => "a bitmask immediate",
        (K::MoveWide, _) => "a 16-bit immediate (optionally lsl #16*n)",
        (K::FBits, _) => "a number of fraction bits",
        (K::FpImm8 | K::SimdFpImm8, _) => "a floating-point immediate",
        (K::FpZero, _) => "#0.0",
        (K::Zero, _) => "#0",
        (K::SimdImmShifted, _) => "an 8-bit immediate (optionally shifted)",
        (K::SimdImm64, _) => "a 64-bit byte-mask immediate",
        (K::ShiftLeft | K::ShiftRight | K::ShllImm, _) => "a shift amount",
        (K::Rot90 | K::Rot270, _) => "a rotation in degrees",
        (K::UImm, _) => "an immediate",
        (K::CReg, _) => "a control register name c0-c15",
        (K::Cond, _) => "a condition code",
        (K::MemBase, _) => "a memory operand [xN|sp]",
        (K::MemUImm12 | K::MemSImm9 | K::MemSImm7 | K::MemSImm10, _) => {
            "a memory operand [xN|sp, #imm]"
        }
        (K::MemPre9 | K::MemPre7 | K::MemPre10, _) => "a pre-indexed memory operand [xN|sp, #imm]!",
        (K::MemPost9 | K::MemPost7, _) => "a post-indexed memory operand [xN|sp], #imm",
        (K::MemRegOff, _) => "a memory operand [xN|sp, reg{, extend}]",
        (K::MemPostSimd, _) => "a post-indexed memory operand [xN|sp], #bytes or xM",
        (K::Label26 | K::Label19 | K::Label14 | K::LabelAdr | K::LabelAdrp, _) => "a label",
        (K::SysReg, _) => "a system register",
        (K::PState, _) => "a PSTATE field",
        (K::Barrier, _) => "a barrier option",
        (K::Prefetch, _) => "a prefetch operation",
    }
}

/// Encodes a logical immediate of `width` bits (32 or 64; a 32-bit value
/// in the low half) as `(N, immr, imms)`, the inverse of the Arm ARM's
/// `DecodeBitMasks`: a rotated run of ones in an element of 2, 4, …, 64
/// bits, replicated. `None` for 0, all ones and every other value.
#[inline]
pub fn encode_bitmask(value: u64, width: u32) -> Option<(u32, u32, u32)> {
    let v = if width == 32 {
        let low = value & 0xffff_ffff;
        if low != value {
            return None;
        }
        low | (low << 32)
    } else {
        value
    };
    if v == 0 || v == u64::MAX {
        return None;
    }
    let mut size = 64u32;
    while size > 2 {
        let half = size / 2;
        let m = (1u64 << half) - 1;
        if v & m != (v >> half) & m {
            break;
        }
        size = half;
    }
    let emask = if size == 64 {
        u64::MAX
    } else {
        (1u64 << size) - 1
    };
    let elem = v & emask;
    let ones = elem.count_ones();
    let run = (1u64 << ones) - 1;
    let ror = |x: u64, r: u32| {
        if r == 0 {
            x
        } else {
            ((x >> r) | (x << (size - r))) & emask
        }
    };
    // The run starts at the first set bit whose lower neighbour (cyclically)
    // is clear; rotating `run` right by `size - start` puts it there.
    let start = if elem & 1 == 0 {
        elem.trailing_zeros()
    } else {
        let t = elem.trailing_ones();
        match elem >> t {
            0 => 0,
            rest => t + rest.trailing_zeros(),
        }
    };
    let r = (size - start) % size;
    if ror(run, r) != elem {
        return None;
    }
    let n = (size == 64) as u32;
    let imms = ((!(size - 1) << 1) | (ones - 1)) & 0x3f;
    Some((n, r, imms))
}

/// Encodes an 8-bit floating-point immediate (Arm ARM `VFPExpandImm`
/// inverted): ±(16 + m)/16 × 2^r with m in 0..=15 and r in -3..=4.
#[inline]
pub fn encode_fp8(v: f64) -> Option<u32> {
    if !v.is_finite() || v == 0.0 {
        return None;
    }
    let bits = v.to_bits();
    let sign = (bits >> 63) as u32;
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let frac = bits & ((1u64 << 52) - 1);
    if frac & ((1u64 << 48) - 1) != 0 || !(-3..=4).contains(&exp) {
        return None;
    }
    let m = (frac >> 48) as u32;
    let (b, cd) = if exp >= 1 {
        (0, (exp - 1) as u32)
    } else {
        (1, (exp + 3) as u32)
    };
    Some((sign << 7) | (b << 6) | (cd << 4) | m)
}

#[cfg(test)]
mod tests {
    use super::encode_bitmask;

    /// The rotation as first written: the first `r` that gives the element.
    fn by_search(value: u64, width: u32) -> Option<(u32, u32, u32)> {
        let v = if width == 32 {
            if value >> 32 != 0 {
                return None;
            }
            value | (value << 32)
        } else {
            value
        };
        if v == 0 || v == u64::MAX {
            return None;
        }
        let mut size = 64u32;
        while size > 2
            && v & ((1u64 << (size / 2)) - 1) == (v >> (size / 2)) & ((1u64 << (size / 2)) - 1)
        {
            size /= 2;
        }
        let emask = if size == 64 {
            u64::MAX
        } else {
            (1u64 << size) - 1
        };
        let elem = v & emask;
        let ones = elem.count_ones();
        let run = (1u64 << ones) - 1;
        let ror = |x: u64, r: u32| {
            if r == 0 {
                x
            } else {
                ((x >> r) | (x << (size - r))) & emask
            }
        };
        let r = (0..size).find(|&r| ror(run, r) == elem)?;
        Some((
            (size == 64) as u32,
            r,
            ((!(size - 1) << 1) | (ones - 1)) & 0x3f,
        ))
    }

    /// Every valid bitmask (each element size, run length and rotation),
    /// its neighbours and pseudo-random values: the closed form gives what
    /// the search gives.
    #[test]
    fn bitmask_rotation_in_closed_form() {
        let mut values = alloc::vec::Vec::new();
        for size in [2u32, 4, 8, 16, 32, 64] {
            for ones in 1..size {
                for r in 0..size {
                    let emask = if size == 64 {
                        u64::MAX
                    } else {
                        (1u64 << size) - 1
                    };
                    let run = (1u64 << ones) - 1;
                    let e = if r == 0 {
                        run
                    } else {
                        ((run >> r) | (run << (size - r))) & emask
                    };
                    let mut v = 0u64;
                    for k in 0..64 / size {
                        v |= e << (k * size);
                    }
                    values.extend([v, v ^ 1, v ^ (1 << 63), v.rotate_left(1), v & 0xffff_ffff]);
                }
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.extend([x, x & 0xffff_ffff, x >> (x & 63)]);
        }
        for v in values {
            for w in [32, 64] {
                assert_eq!(encode_bitmask(v, w), by_search(v, w), "{v:#x} width {w}");
            }
        }
    }
}
