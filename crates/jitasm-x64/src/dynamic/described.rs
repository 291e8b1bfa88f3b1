//! A statement with run-time operands as a byte string: how the code
//! `dynasm!` writes for a template (`encode::template`) hands the run-time
//! matcher the cases the template leaves to it.
//!
//! The template's straight-line code needs only the holes' values; the
//! matcher needs the whole statement: mnemonic, candidate forms, every
//! operand, decorations, prefixes. Written as Rust expressions that is
//! dozens of paths per statement, which the compiler parses, resolves and
//! type-checks for every statement of a crate although it runs only for
//! errors and rare values. [`describe`] packs it (while expanding) into one
//! byte-string literal instead, and [`emit`] unpacks it at run time, puts
//! the values in the holes ([`crate::encode::template::fill`]) and calls
//! the matcher.
//!
//! The format is private to this module (the macro only copies the bytes):
//! mode, mnemonic (2 bytes), the forms (count, 2 bytes each), the mask
//! register, zeroing and SAE flags, rounding, prefixes (2 bytes), the
//! operands (count, each tagged), the holes (count, each tagged). Integers
//! are little-endian; a register is its class's index in
//! [`RegClass::ALL`] and its number, or 255 for none.

use super::{bad_reg, emit_general, Statement};
use crate::encode::template::{fill, Hole};
use crate::operand::{
    Decorations, DispSize, Imm, Instruction, Mem, Mnemonic, Mode, Operand, Prefixes, Rounding,
};
use crate::reg::{Reg, RegClass};
use crate::table::{FORMS, MNEMONICS};
use alloc::string::ToString;
use alloc::vec::Vec;
use jitasm_core::{CodeSink, Error};

/// No register, no rounding.
const NONE: u8 = u8::MAX;

const REG: u8 = 0;
const IMM: u8 = 1;
const MEM: u8 = 2;

const ROUNDINGS: [Rounding; 4] = [
    Rounding::Nearest,
    Rounding::Down,
    Rounding::Up,
    Rounding::Zero,
];
const DISP_SIZES: [DispSize; 3] = [DispSize::Auto, DispSize::Byte, DispSize::Dword];
const HOLES: [fn(u8) -> Hole; 5] = [Hole::Reg, Hole::Base, Hole::Index, Hole::Imm, Hole::Disp];

/// The statement as bytes for [`emit`]; `None` if it has what the format
/// leaves out (labels, segment overrides, far pointers: statements the
/// template model does not cover either).
pub fn describe(statement: &Statement<'_, '_>, holes: &[Hole]) -> Option<Vec<u8>> {
    let Statement {
        mode,
        mnemonic,
        forms,
        operands: ops,
        decorations,
        prefixes,
    } = *statement;
    let mut out = Vec::new();
    out.push(match mode {
        Mode::Long => 0,
        Mode::Protected => 1,
    });
    out.extend_from_slice(&mnemonic.index().to_le_bytes());
    out.push(u8::try_from(forms.len()).ok()?);
    for f in forms {
        out.extend_from_slice(&f.to_le_bytes());
    }
    reg(&mut out, decorations.mask);
    out.push(u8::from(decorations.zeroing) | u8::from(decorations.sae) << 1);
    out.push(decorations.rounding.map_or(NONE, |r| r as u8));
    out.extend_from_slice(&prefixes.0.to_le_bytes());
    out.push(u8::try_from(ops.len()).ok()?);
    for op in ops {
        match op {
            Operand::Reg(r) => {
                out.push(REG);
                reg(&mut out, Some(*r));
            }
            Operand::Imm(i) => {
                out.push(IMM);
                out.extend_from_slice(&i.value.to_le_bytes());
                out.push(i.size);
            }
            Operand::Mem(m) if m.label.is_none() && m.seg.is_none() => {
                out.push(MEM);
                reg(&mut out, m.base);
                reg(&mut out, m.index);
                out.push(m.scale);
                out.extend_from_slice(&m.disp.to_le_bytes());
                out.extend_from_slice(&m.size.to_le_bytes());
                out.push(m.bcst);
                out.push(DISP_SIZES.iter().position(|&d| d == m.disp_size)? as u8);
            }
            _ => return None,
        }
    }
    out.push(u8::try_from(holes.len()).ok()?);
    for &h in holes {
        let op = h.operand() as u8;
        out.extend_from_slice(&[HOLES.iter().position(|f| f(op) == h)? as u8, op]);
    }
    Some(out)
}

fn reg(out: &mut Vec<u8>, r: Option<Reg>) {
    match r {
        Some(r) => out.extend_from_slice(&[r.class().index(), r.num()]),
        None => out.push(NONE),
    }
}

/// A statement [`describe`] wrote, read back.
#[derive(Debug, PartialEq)]
pub struct Described {
    /// The mode.
    pub mode: Mode,
    /// The mnemonic.
    pub mnemonic: Mnemonic,
    /// The candidate forms (indices into [`FORMS`]).
    pub forms: Vec<u16>,
    /// The operands, with stand-ins in the holes.
    pub ops: Vec<Operand<'static>>,
    /// The decorations.
    pub decorations: Decorations,
    /// The prefixes.
    pub prefixes: Prefixes,
    /// The holes.
    pub holes: Vec<Hole>,
}

/// Reads `desc` back; `None` if it is not what [`describe`] writes.
pub fn read(desc: &[u8]) -> Option<Described> {
    let mut r = Reader(desc);
    let mode = match r.u8()? {
        0 => Mode::Long,
        1 => Mode::Protected,
        _ => return None,
    };
    let mnemonic = r.u16()?;
    if mnemonic as usize >= MNEMONICS.len() {
        return None;
    }
    let forms = (0..r.u8()?)
        .map(|_| r.u16().filter(|&f| (f as usize) < FORMS.len()))
        .collect::<Option<Vec<u16>>>()?;
    let mask = r.reg()?;
    let flags = r.u8()?;
    let rounding = match r.u8()? {
        NONE => None,
        i => Some(*ROUNDINGS.get(i as usize)?),
    };
    let decorations = Decorations {
        mask,
        zeroing: flags & 1 != 0,
        rounding,
        sae: flags & 2 != 0,
    };
    let prefixes = Prefixes(r.u16()?);
    let ops = (0..r.u8()?)
        .map(|_| {
            Some(match r.u8()? {
                REG => Operand::Reg(r.reg()??),
                IMM => Operand::Imm(Imm {
                    value: r.i64()?,
                    size: r.u8()?,
                }),
                MEM => Operand::Mem(Mem {
                    base: r.reg()?,
                    index: r.reg()?,
                    scale: r.u8()?,
                    disp: r.i64()?,
                    label: None,
                    seg: None,
                    size: r.u16()?,
                    bcst: r.u8()?,
                    disp_size: *DISP_SIZES.get(r.u8()? as usize)?,
                }),
                _ => return None,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let holes = (0..r.u8()?)
        .map(|_| Some(HOLES.get(r.u8()? as usize)?(r.u8()?)))
        .collect::<Option<Vec<_>>>()?;
    if !r.0.is_empty() {
        return None;
    }
    Some(Described {
        mode,
        mnemonic: Mnemonic(mnemonic),
        forms,
        ops,
        decorations,
        prefixes,
        holes,
    })
}

/// The class of register hole `h` (its stand-in's); `None` for a value.
fn register_class(ops: &[Operand<'_>], h: Hole) -> Option<RegClass> {
    let r = match (h, ops.get(h.operand())?) {
        (Hole::Reg(_), Operand::Reg(r)) => *r,
        (Hole::Base(_), Operand::Mem(m)) => m.base?,
        (Hole::Index(_), Operand::Mem(m)) => m.index?,
        _ => return None,
    };
    Some(r.class())
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take::<1>()?[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }

    fn i64(&mut self) -> Option<i64> {
        self.take().map(i64::from_le_bytes)
    }

    /// `Some(None)` for no register, `None` for bad bytes.
    fn reg(&mut self) -> Option<Option<Reg>> {
        match self.u8()? {
            NONE => Some(None),
            class => {
                let class = *RegClass::ALL.get(class as usize)?;
                Some(Some(Reg::new(class, self.u8()?)?))
            }
        }
    }
}

/// Encodes the statement `desc` ([`describe`]) with `vals` in its holes
/// (register numbers, immediates and displacements, in the holes' order)
/// through the run-time matcher, or records why it does not encode: a
/// register number out of its class (as [`super::reg`] records it, for
/// each),
/// or the matcher's error.
#[cold]
#[inline(never)]
pub fn emit<S: CodeSink + ?Sized>(sink: &mut S, desc: &[u8], vals: &[i64]) {
    let d = read(desc);
    if let Some(d) = &d {
        let mut bad = false;
        for (&h, &v) in d.holes.iter().zip(vals) {
            let Some(class) = register_class(&d.ops, h) else {
                continue;
            };
            if u8::try_from(v)
                .ok()
                .and_then(|n| Reg::new(class, n))
                .is_none()
            {
                bad_reg(sink, class, v.into());
                bad = true;
            }
        }
        if bad {
            return;
        }
    }
    let filled = d.and_then(|d| Some((fill(&d.ops, &d.holes, vals)?, d)));
    let Some((ops, d)) = filled else {
        let at = sink.offset();
        sink.record_error(Error::Encode {
            at,
            message: "dynasm!: a statement's description does not match its values (a bug)"
                .to_string(),
        });
        return;
    };
    let inst = Instruction {
        mnemonic: d.mnemonic,
        operands: &ops,
        decorations: d.decorations,
        prefixes: d.prefixes,
    };
    emit_general(sink, d.mode, &inst, &d.forms);
}
