//! The run-time half of `dynasm!` instructions whose operands are Rust
//! values (`Rq(n)`, an immediate or displacement computed at run time).
//!
//! The macro picks, while expanding, the forms that may take the operands
//! ([`crate::encode::may_fit`]); the code it generates builds the operands
//! with the helpers here and calls [`emit`], which chooses the shortest of
//! those forms for the actual values with the same [`select_among`] the
//! builder and the text assembler use. A value that does not fit is never
//! masked: the error is recorded in the output and returned by its
//! `commit`/`finalize`.

use crate::encode::{select, select_among, FastForms};
use crate::generated::builder::{FAST_FORMS, XCHG};
use crate::operand::{Decorations, Instruction, Mnemonic, Mode, Operand, Prefixes};
use crate::reg::{Reg, RegClass};
use crate::table::{Form, FORMS};
use alloc::string::ToString;
use jitasm_core::{CodeSink, Error};

pub mod described;

/// A statement some of whose operands come at run time, as the macro sees
/// it while expanding: what [`crate::encode::template::derive`] and
/// [`described::describe`] read, besides the holes.
#[derive(Clone, Copy, Debug)]
pub struct Statement<'s, 'a> {
    /// The mode it is assembled for.
    pub mode: Mode,
    /// The mnemonic.
    pub mnemonic: Mnemonic,
    /// The forms that may take the operands (indices into
    /// [`crate::table::FORMS`]).
    pub forms: &'s [u16],
    /// The operands, with stand-ins where the values come at run time.
    pub operands: &'s [Operand<'a>],
    /// Decorations.
    pub decorations: Decorations,
    /// Prefixes.
    pub prefixes: Prefixes,
}

/// A register known while expanding: evaluated in a `const` item, so an
/// impossible one is a compile error, never a run-time panic.
pub const fn known_reg(class: RegClass, num: u8) -> Reg {
    match Reg::new(class, num) {
        Some(r) => r,
        None => panic!("no such register"),
    }
}

/// Register `num` of `class`, or `None` after recording the error in `sink`.
#[inline]
pub fn reg<S: CodeSink + ?Sized>(sink: &mut S, class: RegClass, num: u8) -> Option<Reg> {
    let r = Reg::new(class, num);
    if r.is_none() {
        bad_reg(sink, class, num.into());
    }
    r
}

/// [`reg`]'s error, out of line so that the code around each instruction
/// stays small.
#[cold]
#[inline(never)]
fn bad_reg<S: CodeSink + ?Sized>(sink: &mut S, class: RegClass, num: i128) {
    let first = class.first() as i128;
    sink.record_error(Error::ValueOutOfRange {
        what: "register number",
        value: num,
        min: first,
        max: first + class.count() as i128 - 1,
    });
}

/// `k + coef·v` as the 64-bit value an operand holds (signed or unsigned
/// 64-bit, as two's complement), or `None` after recording the error.
#[inline]
pub fn value<S: CodeSink + ?Sized>(sink: &mut S, v: i128, coef: i128, k: i128) -> Option<i64> {
    let x = v.checked_mul(coef).and_then(|x| x.checked_add(k));
    match x {
        Some(x) if i64::try_from(x).is_ok() => Some(x as i64),
        Some(x) if u64::try_from(x).is_ok() => Some(x as u64 as i64),
        _ => {
            bad_value(sink, x.unwrap_or(v));
            None
        }
    }
}

/// [`value`]'s error, out of line.
#[cold]
#[inline(never)]
fn bad_value<S: CodeSink + ?Sized>(sink: &mut S, value: i128) {
    sink.record_error(Error::ValueOutOfRange {
        what: "operand value",
        value,
        min: i64::MIN as i128,
        max: u64::MAX as i128,
    });
}

/// An absolute address given as a Rust value (`extern expr`).
pub trait Address {
    /// The address.
    fn address(self) -> u64;
}

impl Address for usize {
    #[inline]
    fn address(self) -> u64 {
        self as u64
    }
}

impl Address for u64 {
    #[inline]
    fn address(self) -> u64 {
        self
    }
}

impl<T: ?Sized> Address for *const T {
    #[inline]
    fn address(self) -> u64 {
        self as *const () as usize as u64
    }
}

impl<T: ?Sized> Address for *mut T {
    #[inline]
    fn address(self) -> u64 {
        self as *const () as usize as u64
    }
}

/// Encodes mnemonic number `mnemonic` with `operands`, choosing the shortest
/// of `forms` (indices into [`FORMS`]) that takes them, into `sink`; or
/// records why none does.
///
/// The code `dynasm!` generates passes the forms and the operands' kinds as
/// constants: inlined there (in optimized builds), the common case — 64-bit
/// mode, no prefix, forms the builder's fast path lays out —
/// goes through [`crate::encode::select_fast`] on the forms as constants,
/// which leaves only the checks of the values; anything else, and every
/// error, through [`select_among`].
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn emit<S: CodeSink + ?Sized, const N: usize>(
    sink: &mut S,
    mode: Mode,
    mnemonic: u16,
    forms: &[u16],
    operands: [Operand<'_>; N],
    decorations: Decorations,
    prefixes: Prefixes,
) {
    if mode == Mode::Long && mnemonic != XCHG {
        if prefixes.0 == 0 {
            if let Some(enc) = fast(forms, &operands[..], decorations) {
                // No label on this path: the bytes are the instruction.
                enc.emit(sink);
                return;
            }
        } else if prefixes.0 == Prefixes::LOCK.0
            && matches!(operands.first(), Some(Operand::Mem(_)))
            && forms.iter().all(|&i| lockable(i))
        {
            if let Some(enc) = fast(forms, &operands[..], decorations) {
                // `lock` goes where the general path puts it: after an
                // operand-size 66, before everything else (these forms
                // have no mandatory prefix).
                let b = enc.bytes();
                let skip = usize::from(b.first() == Some(&0x66));
                sink.extend_from_slice(&b[..skip]);
                sink.push(0xf0);
                sink.extend_from_slice(&b[skip..]);
                return;
            }
        }
    }
    // By value: were the array's address to escape into the general path,
    // it would have to live in memory, and in a function of many
    // instructions the optimizer stops following the constants stored
    // there (the operands' kinds), leaving the fast path a table
    // interpreter of kilobytes per instruction.
    emit_matcher(sink, mode, mnemonic, forms, operands, decorations, prefixes)
}

/// Whether form `i` takes `lock` and writes the fast path's bytes with
/// nothing `lock` must precede but an operand-size prefix: a legacy form
/// without a mandatory prefix.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn lockable(i: u16) -> bool {
    FORMS.get(i as usize).is_some_and(|f| {
        f.has(crate::table::flags::LOCK)
            && f.encoding == crate::table::Encoding::Legacy
            && f.prefix == crate::table::Prefix::None
    })
}

/// [`emit`]'s fast path: the forms' constant copies in an array of their
/// number (where `emit` is inlined, `forms` is a constant and so is every
/// element), to [`FastForms::select`].
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn fast<'a>(
    forms: &[u16],
    operands: &[Operand<'a>],
    decorations: Decorations,
) -> Option<crate::Encoded<'a>> {
    let c = |i: usize| FAST_FORMS.get(*forms.get(i)? as usize).copied().flatten();
    macro_rules! by_len {
        ($($n:literal: $($i:literal)*;)*) => {
            match forms.len() {
                $($n => [$(c($i)?,)*].select(operands, decorations),)*
                _ => None,
            }
        };
    }
    by_len! {
        1: 0;
        2: 0 1;
        3: 0 1 2;
        4: 0 1 2 3;
        5: 0 1 2 3 4;
        6: 0 1 2 3 4 5;
        7: 0 1 2 3 4 5 6;
        8: 0 1 2 3 4 5 6 7;
    }
}

/// The constant copy of form `i` that [`emit`]'s fast path uses, if there
/// is one (for the tests: it must be the table's row).
#[doc(hidden)]
pub fn fast_form(i: usize) -> Option<&'static Form> {
    FAST_FORMS.get(i).copied().flatten()
}

/// [`emit`] through the general matcher: everything its fast path leaves,
/// and every error.
#[inline(never)]
fn emit_matcher<S: CodeSink + ?Sized, const N: usize>(
    sink: &mut S,
    mode: Mode,
    mnemonic: u16,
    forms: &[u16],
    operands: [Operand<'_>; N],
    decorations: Decorations,
    prefixes: Prefixes,
) {
    let inst = Instruction {
        mnemonic: Mnemonic(mnemonic),
        operands: &operands,
        decorations,
        prefixes,
    };
    emit_general(sink, mode, &inst, forms);
}

/// Encodes `inst`, choosing among `forms` (indices into [`FORMS`]) with the
/// general matcher, or records why none takes it.
fn emit_general<S: CodeSink + ?Sized>(sink: &mut S, mode: Mode, inst: &Instruction, forms: &[u16]) {
    // `xchg` is symmetric: `select` tries both operand orders.
    let chosen = if inst.mnemonic.index() == XCHG {
        select(mode, inst)
    } else {
        select_among(mode, inst, forms.iter().map(|&i| &FORMS[i as usize]))
    };
    match chosen {
        Ok((_, enc)) => enc.emit(sink),
        Err(e) => {
            let at = sink.offset();
            sink.record_error(Error::Encode {
                at,
                message: e.to_string(),
            })
        }
    }
}

/// Pads code to a multiple of `alignment` (a power of two) with the
/// manuals' multi-byte NOPs, or records the error.
pub fn align<S: jitasm_core::LabelApi + ?Sized>(sink: &mut S, alignment: usize) {
    match sink.padding(alignment) {
        Ok(mut pad) => {
            while pad > 0 {
                let n = pad.min(NOPS.len());
                sink.extend_from_slice(NOPS[n - 1]);
                pad -= n;
            }
        }
        Err(e) => sink.record_error(e),
    }
}

/// NOPs of 1 to 9 bytes, as the Intel SDM recommends them (Vol. 2B, NOP,
/// table 4-12), to pad code.
pub const NOPS: [&[u8]; 9] = [
    &[0x90],
    &[0x66, 0x90],
    &[0x0F, 0x1F, 0x00],
    &[0x0F, 0x1F, 0x40, 0x00],
    &[0x0F, 0x1F, 0x44, 0x00, 0x00],
    &[0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00],
    &[0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00],
    &[0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
    &[0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];
