//! The run-time half of `dynasm!` AArch64 instructions whose operands are
//! Rust values (`X(n)`, `V(n).s4`, `#imm`, `[x1, #off]`…).
//!
//! While the macro expands, the grammar reads such an instruction with a
//! stand-in for each Rust value (register 0 of the family, the constant
//! part of a number) and [`may_fit`] narrows the mnemonic's forms to those
//! that may take the operands whatever the values (and rejects, as a
//! compile error, an instruction no value can make valid). The generated
//! code evaluates the Rust expressions once and calls [`emit`] with the
//! stand-in operands and a [`Patch`] per value; `emit` puts the values in
//! and encodes with [`select_in`] — the same matcher, aliases and llvm-mc
//! fallbacks as every front end. A value that does not fit (register 32,
//! an offset out of range, a value that is not a bitmask immediate) is
//! never masked: the error is recorded in the output and returned by its
//! `commit`/`finalize`.
//!
//! ```
//! use jitasm_a64::dynamic::{emit, may_fit, Immediate, Part, Patch, Unknown};
//! use jitasm_a64::{regs::*, Operand};
//! # use jitasm_core::{ByteSink, CodeSink, Error, FixupKind, LabelRef};
//! # #[derive(Default)] struct Out(Vec<u8>, Vec<String>);
//! # impl ByteSink for Out {
//! #     fn push(&mut self, b: u8) { self.0.push(b) }
//! #     fn extend_from_slice(&mut self, b: &[u8]) { self.0.extend_from_slice(b) }
//! #     fn offset(&self) -> usize { self.0.len() }
//! # }
//! # impl CodeSink for Out {
//! #     fn fixup(&mut self, _: LabelRef<'_>, _: &'static FixupKind, _: usize, _: usize) {}
//! #     fn record_error(&mut self, e: Error) { self.1.push(e.to_string()) }
//! # }
//! // and x0, X(n), #imm: the register and the immediate come at run time.
//! let template = [Operand::Reg(X0), Operand::Reg(X0), Operand::Imm(0)];
//! let unknown = [Unknown::default(), Unknown::REG, Unknown::VALUE];
//! let forms = may_fit("and", &template, &unknown).unwrap();
//! let mut out = Out::default();
//! let (n, imm): (u8, u64) = (1, 0xff);
//! emit(&mut out, "and", forms.clone(), &template,
//!      &[Patch::reg(1, Part::Reg, n), imm.patch(2, Part::Value, 1)]);
//! assert_eq!(out.0, 0x9240_1c20u32.to_le_bytes()); // and x0, x1, #0xff
//! // 0 is not a bitmask immediate: recorded, nothing emitted.
//! emit(&mut out, "and", forms, &template,
//!      &[Patch::reg(1, Part::Reg, n), 0u64.patch(2, Part::Value, 1)]);
//! assert_eq!(out.0.len(), 4);
//! assert!(out.1[0].contains("not a valid bitmask immediate"));
//! ```

use crate::encode::{select, select_in, shape_fits};
use crate::error::EncodeError;
use crate::operand::{Elem, Instruction, Mem, MemOffset, Operand};
use crate::reg::{Reg, RegClass};
use crate::table::{forms, forms_of};
use alloc::string::ToString;
use alloc::vec::Vec;
use core::ops::Range;
use jitasm_core::{CodeSink, Error, LabelApi};

/// More operands than any instruction has.
const MAX_OPERANDS: usize = 8;

/// A register known while expanding, evaluated in a `const` item: an
/// impossible one is a compile error, never a run-time panic.
pub const fn known_reg(class: RegClass, num: u8) -> Reg {
    match Reg::new(class, num) {
        Some(r) => r,
        None => panic!("no such register"),
    }
}

/// The second register of a pair (`casp`) whose first register is the
/// Rust value `num`, in dynasm-rs's spelling `casp X(n), xzr, X(m), xzr,
/// [x0]`: register `num + 1`. After 31 (or a number that is no register)
/// it is `num` itself, which the first register's own error (not even, or
/// not a register) comes before.
#[inline]
pub const fn pair_next(num: u8) -> u8 {
    if num < 31 {
        num + 1
    } else {
        num
    }
}

/// Which part of an operand a Rust value gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The register's number: a register, a vector register, an element's
    /// or a list's first register, a memory operand's base.
    Reg,
    /// A memory operand's index (or post-index) register's number.
    Index,
    /// The operand's number, added to the stand-in's: an immediate, a
    /// memory operand's offset (or its index's shift amount), a shift
    /// amount, a lane index, a label's addend.
    Value,
}

/// Which parts of one operand come from Rust values ([`may_fit`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Unknown {
    /// [`Part::Reg`]
    pub reg: bool,
    /// [`Part::Index`]
    pub index: bool,
    /// [`Part::Value`]
    pub value: bool,
}

impl Unknown {
    /// The register number only.
    pub const REG: Unknown = Unknown {
        reg: true,
        index: false,
        value: false,
    };
    /// The value only.
    pub const VALUE: Unknown = Unknown {
        reg: false,
        index: false,
        value: true,
    };

    /// Whether anything of the operand is unknown.
    pub const fn any(self) -> bool {
        self.reg || self.index || self.value
    }
}

/// A Rust value for one part of one operand, made by [`Patch::reg`] and
/// [`Immediate::patch`] in the code `dynasm!` generates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Patch {
    /// A register number.
    Reg {
        /// Operand position.
        at: u8,
        /// Which register of the operand.
        part: Part,
        /// The number.
        num: u8,
    },
    /// An integer, times a coefficient; `None` when the product overflows.
    Int {
        /// Operand position.
        at: u8,
        /// Which number of the operand.
        part: Part,
        /// `coefficient · value`, added to the stand-in's number.
        value: Option<i128>,
    },
    /// A floating-point immediate (`fmov d0, #x`).
    Float {
        /// Operand position.
        at: u8,
        /// Which number of the operand.
        part: Part,
        /// The value.
        value: f64,
        /// The coefficient (a floating-point value is taken only as
        /// written, coefficient 1).
        coef: i128,
    },
}

impl Patch {
    /// Register `num` for `part` of operand `at`.
    #[inline]
    pub const fn reg(at: u8, part: Part, num: u8) -> Patch {
        Patch::Reg { at, part, num }
    }
}

/// A Rust value that may stand where a number goes: every primitive
/// integer (`u64` values above `i64::MAX` are their two's complement, as in
/// `mov x0, #0xffff_0000_0000_0000`), and `f32`/`f64` for floating-point
/// immediates.
pub trait Immediate: Copy {
    /// The patch giving `coef` times this value to `part` of operand `at`.
    fn patch(self, at: u8, part: Part, coef: i128) -> Patch;
}

macro_rules! int_immediate {
    ($($t:ty)*) => {$(
        impl Immediate for $t {
            #[inline]
            fn patch(self, at: u8, part: Part, coef: i128) -> Patch {
                Patch::Int { at, part, value: (self as i128).checked_mul(coef) }
            }
        }
    )*};
}

int_immediate!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl Immediate for f64 {
    #[inline]
    fn patch(self, at: u8, part: Part, coef: i128) -> Patch {
        Patch::Float {
            at,
            part,
            value: self,
            coef,
        }
    }
}

impl Immediate for f32 {
    #[inline]
    fn patch(self, at: u8, part: Part, coef: i128) -> Patch {
        (self as f64).patch(at, part, coef)
    }
}

/// Register `num` of the family whose stand-in is `like`: the class of
/// `like`, except that the stand-ins `sp` and `wsp` name the `XSP`/`WSP`
/// families (31 is the stack pointer, other numbers `xN`/`wN`).
#[cfg_attr(not(debug_assertions), inline(always))]
fn family_reg(like: Reg, num: u8) -> Option<Reg> {
    match like.class() {
        RegClass::Sp if num != 31 => Reg::new(RegClass::X, num),
        RegClass::Wsp if num != 31 => Reg::new(RegClass::W, num),
        RegClass::Sp | RegClass::Wsp => Some(like),
        class => Reg::new(class, num),
    }
}

/// Why a value cannot be put into an operand: copied around without
/// allocating (the fast path only asks whether it fits); [`Wrong::error`]
/// is the error the output records.
#[derive(Clone, Copy, Debug)]
enum Wrong {
    /// A register number past the family.
    Register(u8),
    /// A value out of the operand model's range.
    Range {
        what: &'static str,
        value: i128,
        min: i128,
        max: i128,
    },
    /// A Rust value where the operand takes none ("a Rust value cannot
    /// give …").
    Misplaced(&'static str),
}

impl Wrong {
    /// The error recorded for an instruction at output offset `at`.
    fn error(self, at: usize) -> Error {
        match self {
            Wrong::Register(num) => Error::ValueOutOfRange {
                what: "register number",
                value: num as i128,
                min: 0,
                max: 31,
            },
            Wrong::Range {
                what,
                value,
                min,
                max,
            } => Error::ValueOutOfRange {
                what,
                value,
                min,
                max,
            },
            Wrong::Misplaced(what) => misplaced(at, what),
        }
    }
}

fn misplaced(at: usize, what: &str) -> Error {
    let mut message = alloc::string::String::from("a Rust value cannot give ");
    message.push_str(what);
    Error::Encode { at, message }
}

/// `k + x` as a 64-bit operand value (signed, or unsigned as two's
/// complement).
#[cfg_attr(not(debug_assertions), inline(always))]
fn int64(k: i64, x: Option<i128>) -> Result<i64, Wrong> {
    let v = x.and_then(|x| x.checked_add(k as i128));
    match v {
        Some(v) if i64::try_from(v).is_ok() => Ok(v as i64),
        Some(v) if u64::try_from(v).is_ok() => Ok(v as u64 as i64),
        _ => Err(Wrong::Range {
            what: "operand value",
            value: v.or(x).unwrap_or(i128::MAX),
            min: i64::MIN as i128,
            max: u64::MAX as i128,
        }),
    }
}

/// `k + x` as an 8-bit field (a shift amount, a lane index).
#[cfg_attr(not(debug_assertions), inline(always))]
fn int8(what: &'static str, k: u8, x: Option<i128>) -> Result<u8, Wrong> {
    let v = x.and_then(|x| x.checked_add(k as i128));
    v.and_then(|v| u8::try_from(v).ok()).ok_or(Wrong::Range {
        what,
        value: v.or(x).unwrap_or(i128::MAX),
        min: 0,
        max: 255,
    })
}

/// Puts one value into `op`.
#[cfg_attr(not(debug_assertions), inline(always))]
fn apply(op: &mut Operand<'_>, patch: &Patch) -> Result<(), Wrong> {
    let (part, int) =
        match *patch {
            Patch::Reg { part, num, .. } => {
                let bad = Wrong::Register(num);
                match (op, part) {
                    (Operand::Reg(r), Part::Reg) => *r = family_reg(*r, num).ok_or(bad)?,
                    (Operand::Mem(m), Part::Reg) => m.base = family_reg(m.base, num).ok_or(bad)?,
                    (
                        Operand::Mem(Mem {
                            offset: MemOffset::Reg(r, _),
                            ..
                        }),
                        Part::Index,
                    ) => *r = family_reg(*r, num).ok_or(bad)?,
                    (Operand::Elem(e), Part::Reg) if num <= 31 => e.reg = num,
                    (Operand::List(l), Part::Reg) if num <= 31 => l.first = num,
                    (Operand::LaneList(l), Part::Reg) if num <= 31 => l.first = num,
                    (Operand::Elem(_) | Operand::List(_) | Operand::LaneList(_), Part::Reg) => {
                        return Err(bad)
                    }
                    _ => return Err(Wrong::Misplaced("this register")),
                }
                return Ok(());
            }
            Patch::Int { part, value, .. } => (part, value),
            Patch::Float {
                part, value, coef, ..
            } => return match (&*op, part) {
                (Operand::Imm(0), Part::Value) if coef == 1 => {
                    *op = Operand::Float(value);
                    Ok(())
                }
                _ => Err(Wrong::Misplaced(
                    "a floating-point number here (an integer goes here, or the value is scaled)",
                )),
            },
        };
    if part != Part::Value {
        return Err(Wrong::Misplaced("a number for a register"));
    }
    match op {
        Operand::Imm(k) => *k = int64(*k, int)?,
        Operand::Mem(Mem {
            offset: MemOffset::Imm(k),
            ..
        }) => *k = int64(*k, int)?,
        Operand::Mem(Mem {
            offset: MemOffset::Reg(_, Some(m)),
            ..
        }) => m.amount = Some(int8("shift amount", m.amount.unwrap_or(0), int)?),
        Operand::Modifier(m) => m.amount = Some(int8("shift amount", m.amount.unwrap_or(0), int)?),
        Operand::Elem(e) => e.index = int8("lane index", e.index, int)?,
        Operand::LaneList(l) => l.index = int8("lane index", l.index, int)?,
        Operand::Label(l) => l.addend = int64(l.addend, int)?,
        _ => return Err(Wrong::Misplaced("a number here")),
    }
    Ok(())
}

/// [`emit`] with the fast path first ([`crate::fast`]): `fast` tries, on
/// the operands with the values put in, the forms and alias rules the
/// macro found while expanding, as constants; inlined where the
/// instruction is in optimized builds, what is left is putting the values
/// in, their checks and the bits they set. A value that does not fit, and
/// anything else the fast path does not answer, goes through [`emit`],
/// which gives the same bytes or records the error.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn emit_fast<'a, S: CodeSink + ?Sized, const P: usize>(
    sink: &mut S,
    mnemonic: &str,
    forms_range: Range<u16>,
    template: &[Operand<'a>],
    patches: [Patch; P],
    fast: impl FnOnce(&[Operand<'a>]) -> Option<crate::Encoded<'a>>,
) {
    // The patches come by value: only the general path needs them in
    // memory.
    if let Some(enc) = fast_with(template, &patches, fast) {
        enc.emit(sink);
        return;
    }
    emit_slow(sink, mnemonic, forms_range, template, &patches)
}

/// The operands with `patches` put in, encoded by `fast`; `None` when a
/// value does not fit or `fast` does not answer.
#[doc(hidden)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn fast_with<'a>(
    template: &[Operand<'a>],
    patches: &[Patch],
    fast: impl FnOnce(&[Operand<'a>]) -> Option<crate::Encoded<'a>>,
) -> Option<crate::Encoded<'a>> {
    let n = template.len();
    if n > MAX_OPERANDS {
        return None;
    }
    let mut ops = [Operand::Imm(0); MAX_OPERANDS];
    unrolled!(n, |i| {
        ops[i] = template[i];
    });
    let mut ok = true;
    unrolled!(patches.len(), |k| {
        let patch = &patches[k];
        let (Patch::Reg { at, .. } | Patch::Int { at, .. } | Patch::Float { at, .. }) = *patch;
        let fits = match ops[..n].get_mut(at as usize) {
            Some(op) => apply(op, patch).is_ok(),
            None => false,
        };
        ok &= fits;
    });
    if !ok {
        return None;
    }
    fast(&ops[..n])
}

#[inline(never)]
fn emit_slow<S: CodeSink + ?Sized>(
    sink: &mut S,
    mnemonic: &str,
    forms_range: Range<u16>,
    template: &[Operand<'_>],
    patches: &[Patch],
) {
    emit(sink, mnemonic, forms_range, template, patches)
}

/// Encodes `mnemonic` with `template`'s operands, `patches` put in, into
/// `sink`: choosing among `forms` (indices into [`forms()`], from
/// [`may_fit`]; empty for an alias such as `mov`, which takes the whole
/// matcher), or records why it cannot be encoded. Nothing is emitted then.
#[inline]
pub fn emit<S: CodeSink + ?Sized>(
    sink: &mut S,
    mnemonic: &str,
    forms_range: Range<u16>,
    template: &[Operand<'_>],
    patches: &[Patch],
) {
    let at = sink.offset();
    match encode_patched(mnemonic, forms_range, template, patches, at) {
        Ok(enc) => enc.emit(sink),
        Err(e) => sink.record_error(e),
    }
}

/// What [`emit`] emits or records for an instruction at output offset
/// `at`.
fn encode_patched<'a>(
    mnemonic: &'a str,
    forms_range: Range<u16>,
    template: &[Operand<'a>],
    patches: &[Patch],
    at: usize,
) -> Result<crate::Encoded<'a>, Error> {
    let n = template.len().min(MAX_OPERANDS);
    let mut ops = [Operand::Imm(0); MAX_OPERANDS];
    ops[..n].copy_from_slice(&template[..n]);
    for patch in patches {
        let (Patch::Reg { at: i, .. } | Patch::Int { at: i, .. } | Patch::Float { at: i, .. }) =
            *patch;
        match ops[..n].get_mut(i as usize) {
            Some(op) => apply(op, patch).map_err(|w| w.error(at))?,
            None => return Err(misplaced(at, "an operand the instruction does not have")),
        }
    }
    let inst = Instruction::new(mnemonic, &ops[..n]);
    let (lo, hi) = (forms_range.start as usize, forms_range.end as usize);
    let chosen = match forms().get(lo..hi) {
        Some(own) if lo < hi => select_in(&inst, own),
        _ => select(&inst),
    };
    match chosen {
        Ok((_, enc)) => Ok(enc),
        Err(e) => Err(Error::Encode {
            at,
            message: e.to_string(),
        }),
    }
}

/// The word of an instruction whose only Rust values are register
/// numbers, as a constant and the numbers' bits moved into place:
/// [`RegTemplate::word`] gives what [`emit`] emits for every number of
/// each register up to its [`RegField::max`]. `dynasm!` writes it as one
/// expression (numbers past a field's `max` take [`emit`], which encodes
/// them or records the error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegTemplate {
    /// The word with every register number 0.
    pub base: u32,
    /// One per register given at run time, in the order they were asked
    /// for.
    pub fields: Vec<RegField>,
}

/// Where one register number goes in a [`RegTemplate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegField {
    /// Every number from 0 to this one encodes.
    pub max: u8,
    /// Whether the number after `max` is no register of the operand (the
    /// numbers past `max` are errors, not another encoding).
    pub complete: bool,
    /// The number, shifted left by each of these, is exclusive-ored into
    /// the word (a register written twice, as `ror x0, x1, #3`'s `x1`
    /// is, has two).
    pub shifts: Vec<u8>,
}

impl RegField {
    /// The bits number `n` (at most `max`) sets in the word.
    pub fn bits(&self, n: u8) -> u32 {
        self.shifts.iter().fold(0, |w, &s| w ^ (n as u32) << s)
    }
}

impl RegTemplate {
    /// The word for register numbers `nums` (one per field, each at most
    /// its field's `max`).
    pub fn word(&self, nums: &[u8]) -> u32 {
        self.fields
            .iter()
            .zip(nums)
            .fold(self.base, |w, (f, &n)| w ^ f.bits(n))
    }
}

/// `words`, little-endian, one after the other (`B` is 4 × `N`): the
/// instructions `dynasm!` writes in one piece.
#[inline(always)]
pub fn words<const N: usize, const B: usize>(words: [u32; N]) -> [u8; B] {
    const { assert!(B == 4 * N) };
    let mut out = [0u8; B];
    for (i, w) in words.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// The [`RegTemplate`] of `mnemonic` with `template`'s operands among
/// `forms_range` (as [`emit`] takes them) when the Rust values are the
/// register numbers `regs` (operand position and part, every other operand
/// known); `None` when the word is not that simple: a label, a value that
/// is no register number 0 to `max`, or numbers that change the form or
/// are not copied bit for bit (`mov x0, XSP(n)` is `add` for `sp` and
/// `orr` otherwise).
///
/// Worked out from the encoder itself: every number of every register
/// (the others 0), then combinations of all of them (every register the
/// same number, and spread values), each compared with the template.
pub fn reg_template(
    mnemonic: &str,
    forms_range: Range<u16>,
    template: &[Operand<'_>],
    regs: &[(u8, Part)],
) -> Option<RegTemplate> {
    if regs.is_empty() || regs.len() > MAX_OPERANDS {
        return None;
    }
    // `Some(None)`: the numbers do not encode; `None`: not a lone word.
    let probe = |nums: &[u8]| -> Option<Option<u32>> {
        let patches: Vec<Patch> = regs
            .iter()
            .zip(nums)
            .map(|(&(at, part), &n)| Patch::reg(at, part, n))
            .collect();
        match encode_patched(mnemonic, forms_range.clone(), template, &patches, 0) {
            Ok(enc) if enc.fixup.is_none() => Some(Some(enc.word())),
            Ok(_) => None,
            Err(_) => Some(None),
        }
    };
    let zeros = alloc::vec![0u8; regs.len()];
    let base = probe(&zeros)??;
    let mut fields = Vec::with_capacity(regs.len());
    for h in 0..regs.len() {
        let mut nums = zeros.clone();
        let mut words = Vec::with_capacity(32);
        for n in 0..=31u8 {
            nums[h] = n;
            match probe(&nums)? {
                Some(w) => words.push(w),
                None => break,
            }
        }
        if words.len() < 2 {
            return None;
        }
        // Bit 0 of the number decides the shifts; the numbers up to `max`
        // must all move that way (`mov x0, XSP(n)` is `orr` up to 30).
        let d = words[1] ^ base;
        let shifts: Vec<u8> = (0..32)
            .filter(|&s| d >> s & 1 != 0)
            .map(|s| s as u8)
            .collect();
        let mut field = RegField {
            max: 0,
            complete: false,
            shifts,
        };
        let explained = words
            .iter()
            .enumerate()
            .take_while(|&(n, &w)| {
                field
                    .shifts
                    .iter()
                    .all(|&s| (n as u64) << s <= u32::MAX as u64)
                    && base ^ field.bits(n as u8) == w
            })
            .count();
        if explained < 2 {
            return None;
        }
        field.max = (explained - 1) as u8;
        field.complete = explained == words.len();
        fields.push(field);
    }
    let t = RegTemplate { base, fields };
    // Together: every register the same number, then spread numbers.
    let most = t.fields.iter().map(|f| f.max).min().unwrap_or(0);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut combos: Vec<Vec<u8>> = (0..=most).map(|n| alloc::vec![n; regs.len()]).collect();
    for _ in 0..32 {
        combos.push(
            t.fields
                .iter()
                .map(|f| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed % (f.max as u64 + 1)) as u8
                })
                .collect(),
        );
    }
    for nums in &combos {
        if probe(nums)?? != t.word(nums) {
            return None;
        }
    }
    Some(t)
}

/// Stand-ins for a register given at run time: the family's first
/// register and the one its number 31 names, where forms tell them apart
/// (`xzr` and `sp` are different operand shapes).
fn reg_variants(like: Reg, base: bool) -> Vec<Reg> {
    let mut v = Vec::new();
    match like.class() {
        RegClass::X | RegClass::Sp => {
            v.push(Reg::x(0));
            if like.class() == RegClass::Sp {
                v.push(like);
            } else if !base {
                v.push(Reg::x(31));
            }
        }
        RegClass::W | RegClass::Wsp => {
            v.push(Reg::w(0));
            v.push(if like.class() == RegClass::Wsp {
                like
            } else {
                Reg::w(31)
            });
        }
        _ => v.push(like),
    }
    v
}

/// The operands each unknown part may turn an operand into, as far as
/// shapes are concerned (values only decide value errors, except a few a
/// form reads as shape: `#0` of `cmeq …, #0`, `#0.0` of `fcmp`, a memory
/// operand without offset, lane 1 of `fmov x0, v1.d[1]`, `xzr` and `sp`).
fn variants<'a>(op: Operand<'a>, unknown: Unknown) -> Vec<Operand<'a>> {
    let mut out = alloc::vec![op];
    if unknown.reg {
        out = out
            .into_iter()
            .flat_map(|o| -> Vec<Operand<'a>> {
                match o {
                    Operand::Reg(r) => reg_variants(r, false)
                        .into_iter()
                        .map(Operand::Reg)
                        .collect(),
                    Operand::Mem(m) => reg_variants(m.base, true)
                        .into_iter()
                        .map(|base| Operand::Mem(Mem { base, ..m }))
                        .collect(),
                    o => alloc::vec![o],
                }
            })
            .collect();
    }
    if unknown.index {
        out = out
            .into_iter()
            .flat_map(|o| -> Vec<Operand<'a>> {
                match o {
                    Operand::Mem(
                        m @ Mem {
                            offset: MemOffset::Reg(r, md),
                            ..
                        },
                    ) => reg_variants(r, false)
                        .into_iter()
                        .map(|r| {
                            Operand::Mem(Mem {
                                offset: MemOffset::Reg(r, md),
                                ..m
                            })
                        })
                        .collect(),
                    o => alloc::vec![o],
                }
            })
            .collect();
    }
    if unknown.value {
        out = out
            .into_iter()
            .flat_map(|o| -> Vec<Operand<'a>> {
                match o {
                    Operand::Imm(_) => alloc::vec![
                        Operand::Imm(0),
                        Operand::Imm(1),
                        Operand::Float(0.0),
                        Operand::Float(1.0),
                    ],
                    Operand::Mem(
                        m @ Mem {
                            offset: MemOffset::Imm(_),
                            ..
                        },
                    ) => [0, 1]
                        .into_iter()
                        .map(|k| {
                            Operand::Mem(Mem {
                                offset: MemOffset::Imm(k),
                                ..m
                            })
                        })
                        .collect(),
                    // `fmov x0, v1.d[1]` takes lane 1 only, as a shape.
                    Operand::Elem(e) => [0, 1]
                        .into_iter()
                        .map(|index| Operand::Elem(Elem { index, ..e }))
                        .collect(),
                    o => alloc::vec![o],
                }
            })
            .collect();
    }
    out
}

/// More combinations of stand-ins than this and every form of the
/// mnemonic is kept (no instruction comes near).
const MAX_COMBINATIONS: usize = 4096;

/// Whether an error is about the operands' shapes (then no value makes the
/// instruction valid) rather than about a value.
fn is_shape_error(e: &EncodeError) -> bool {
    matches!(
        e,
        EncodeError::UnknownMnemonic
            | EncodeError::NoMatchingForm
            | EncodeError::OperandCount { .. }
            | EncodeError::OperandMismatch { .. }
    )
}

/// The forms of `mnemonic` (lower case) that may take `operands` once the
/// `unknown` parts are known, as a range of indices into [`forms()`] for
/// [`emit`] (empty for an alias, which the whole matcher reads at run
/// time); or the error no value can avoid — the operands' shapes fit no
/// form, or a value known now breaks a rule whatever the others are.
pub fn may_fit(
    mnemonic: &str,
    operands: &[Operand<'_>],
    unknown: &[Unknown],
) -> Result<Range<u16>, EncodeError> {
    let per_op: Vec<Vec<Operand<'_>>> = operands
        .iter()
        .enumerate()
        .map(|(i, &o)| variants(o, unknown.get(i).copied().unwrap_or_default()))
        .collect();
    let combinations = per_op
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.len()))
        .filter(|&n| n <= MAX_COMBINATIONS);
    let own = forms_of(mnemonic).unwrap_or(&[]);
    let base = own.first().map_or(0, |f| f.index());
    let whole = base as u16..(base + own.len()) as u16;
    let Some(combinations) = combinations else {
        return Ok(whole);
    };
    let mut fits = alloc::vec![false; own.len()];
    let mut possible = false;
    let mut first_err = None;
    let mut ops = Vec::with_capacity(operands.len());
    for c in 0..combinations {
        combination(&per_op, c, &mut ops);
        for (i, f) in own.iter().enumerate() {
            if !fits[i] && shape_fits(f, &ops) {
                fits[i] = true;
            }
        }
        if possible {
            continue;
        }
        match select(&Instruction::new(mnemonic, &ops)) {
            Ok(_) => possible = true,
            Err(e) => {
                // A value error about an operand with a Rust value may go
                // away with another value; about a known operand it stays.
                let known = e
                    .operand()
                    .and_then(|i| unknown.get(i as usize))
                    .map_or(true, |u| !u.any());
                if !is_shape_error(&e) && !known {
                    possible = true;
                } else if first_err.is_none() {
                    first_err = Some(e);
                }
            }
        }
    }
    if !possible {
        return Err(first_err.unwrap_or(EncodeError::NoMatchingForm));
    }
    let lo = fits.iter().position(|&f| f);
    let hi = fits.iter().rposition(|&f| f);
    Ok(match (lo, hi) {
        (Some(lo), Some(hi)) => (base + lo) as u16..(base + hi + 1) as u16,
        _ => 0..0,
    })
}

/// What the fast path of an instruction with Rust values tries
/// ([`emit_fast`]), worked out while expanding: the matcher's order for
/// the forms [`may_fit`] kept.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FastPlan {
    /// The instruction's own forms (indices into [`forms()`]): `may_fit`'s
    /// run, or every form of the mnemonic when the run is empty (the whole
    /// matcher's order).
    pub own: Range<u16>,
    /// Whether the mnemonic's alias rules (`fast::Alias::named`) apply
    /// after the own forms.
    pub alias: bool,
    /// The forms of each instruction the alias's rewrites gave for some
    /// value of the Rust values (and a few immediates more: `-1`,
    /// alternating bits, a high halfword), in table order: what the fast
    /// path tries after the rewrite. A rewrite to another instruction
    /// (a value not foreseen) is left to the general path.
    pub bases: Vec<(&'static str, Range<u16>)>,
}

/// The [`FastPlan`] of `mnemonic` with `operands` whose `unknown` parts are
/// Rust values, `forms` being [`may_fit`]'s answer for them.
#[doc(hidden)]
pub fn fast_plan(
    mnemonic: &str,
    operands: &[Operand<'_>],
    unknown: &[Unknown],
    forms: Range<u16>,
) -> FastPlan {
    let whole = |m: &str| {
        forms_of(m).map_or(0..0, |f| {
            let base = f.first().map_or(0, |f| f.index());
            base as u16..(base + f.len()) as u16
        })
    };
    let own = if forms.start < forms.end {
        forms
    } else {
        whole(mnemonic)
    };
    let Some(alias) = crate::fast::Alias::named(mnemonic) else {
        return FastPlan {
            own,
            alias: false,
            bases: Vec::new(),
        };
    };
    let per_op: Vec<Vec<Operand<'_>>> = operands
        .iter()
        .enumerate()
        .map(|(i, &o)| {
            let u = unknown.get(i).copied().unwrap_or_default();
            let mut v = variants(o, u);
            if u.value && matches!(o, Operand::Imm(_)) {
                v.extend(
                    [-1, 0x5555_5555_5555_5555, 0xffff_0000]
                        .into_iter()
                        .map(Operand::Imm),
                );
            }
            v
        })
        .collect();
    let combinations = per_op
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.len()))
        .filter(|&n| n <= MAX_COMBINATIONS)
        .unwrap_or(0);
    let mut bases: Vec<(&'static str, Range<u16>)> = Vec::new();
    let mut ops = Vec::with_capacity(operands.len());
    for c in 0..combinations {
        combination(&per_op, c, &mut ops);
        if let Ok(Some(r)) = alias.rewrite::<crate::alias::Heap<'_>>(&ops) {
            let m = r.mnemonic();
            if !bases.iter().any(|(b, _)| *b == m) {
                bases.push((m, whole(m)));
            }
        }
    }
    bases.sort_by_key(|(_, r)| r.start);
    FastPlan {
        own,
        alias: true,
        bases,
    }
}

/// Pads code to a multiple of `alignment` (a power of two) as GNU as and
/// llvm-mc pad AArch64 code: zero bytes to the next word, then `nop`
/// words; or records the error.
pub fn align<S: LabelApi + ?Sized>(sink: &mut S, alignment: usize) {
    let pad = match sink.padding(alignment) {
        Ok(pad) => pad,
        Err(e) => return sink.record_error(e),
    };
    let nop = match crate::encode(&Instruction::new("nop", &[])) {
        Ok(e) => e.bytes(),
        Err(_) => {
            return sink.record_error(Error::Unsupported {
                what: "AArch64 `nop` padding",
            })
        }
    };
    for _ in 0..pad % 4 {
        sink.push(0);
    }
    for _ in 0..pad / 4 {
        sink.extend_from_slice(&nop);
    }
}

/// Combination number `c` of the stand-ins (one choice per operand, the
/// first operand's choice varying fastest), into `ops`.
fn combination<'a>(per_op: &[Vec<Operand<'a>>], mut c: usize, ops: &mut Vec<Operand<'a>>) {
    ops.clear();
    for v in per_op {
        ops.push(v[c % v.len()]);
        c /= v.len();
    }
}
