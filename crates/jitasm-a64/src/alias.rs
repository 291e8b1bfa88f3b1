//! Aliases: instructions written with one mnemonic and encoded as another.
//!
//! disarm64's definitions (like binutils', which they come from) list base
//! instructions only; the Arm ARM defines the aliases (`mov`, `cmp`, `lsl`,
//! `cset`, `nop`, …) as rewrites of their operands into a base instruction.
//! Each rewrite here is written once and ends in the table's forms, so no
//! encoding rule is repeated. Where an instruction has several possible
//! encodings (`mov x0, #imm`: `movz`, `movn` or `orr`), the order is the one
//! llvm-mc follows. [`fallback`] holds the rewrites llvm-mc applies when an
//! instruction's own forms reject the operands (`ldr` with an unscaled
//! offset is `ldur`, `add` with a negative immediate is `sub`).

use crate::encode::encode_bitmask;
use crate::error::EncodeError;
use crate::operand::{
    self, Cond, Instruction, Mem, MemMode, MemOffset, Modifier, Operand, SYS_OP_MNEMONICS,
};
use crate::reg::{Arrangement, Reg, RegClass};
use alloc::vec::Vec;

/// A rewritten instruction: the base mnemonic, its operands, and for each
/// of them the position of the original operand it comes from (for errors).
pub(crate) struct Rewrite<'a> {
    pub mnemonic: &'static str,
    pub operands: Vec<Operand<'a>>,
    from: Vec<u8>,
}

impl<'a> Rewrite<'a> {
    fn new(mnemonic: &'static str) -> Self {
        Rewrite {
            mnemonic,
            operands: Vec::new(),
            from: Vec::new(),
        }
    }

    fn op(mut self, op: Operand<'a>, from: usize) -> Self {
        self.operands.push(op);
        self.from.push(from as u8);
        self
    }

    /// Appends the original operands from `start` on.
    fn rest(mut self, ops: &[Operand<'a>], start: usize) -> Self {
        for (i, o) in ops.iter().enumerate().skip(start) {
            self = self.op(*o, i);
        }
        self
    }

    /// Renumbers the operand of an error of the rewritten instruction.
    pub fn map_error(&self, e: EncodeError) -> EncodeError {
        use EncodeError::*;
        let map = |o: u8| self.from.get(o as usize).copied().unwrap_or(o);
        match e {
            OperandMismatch { operand, expected } => OperandMismatch {
                operand: map(operand),
                expected,
            },
            ImmediateOutOfRange {
                operand,
                value,
                min,
                max,
            } => ImmediateOutOfRange {
                operand: map(operand),
                value,
                min,
                max,
            },
            NotBitmaskImmediate {
                operand,
                value,
                width,
            } => NotBitmaskImmediate {
                operand: map(operand),
                value,
                width,
            },
            NotAddSubImmediate { operand, value } => NotAddSubImmediate {
                operand: map(operand),
                value,
            },
            NotMoveWideImmediate {
                operand,
                value,
                width,
            } => NotMoveWideImmediate {
                operand: map(operand),
                value,
                width,
            },
            NotInvertedWideImmediate {
                operand,
                value,
                width,
            } => NotInvertedWideImmediate {
                operand: map(operand),
                value,
                width,
            },
            Offset {
                operand,
                value,
                scale,
                min,
                max,
            } => Offset {
                operand: map(operand),
                value,
                scale,
                min,
                max,
            },
            BadModifier { operand, allowed } => BadModifier {
                operand: map(operand),
                allowed,
            },
            LaneOutOfRange {
                operand,
                index,
                max,
            } => LaneOutOfRange {
                operand: map(operand),
                index,
                max,
            },
            BadRegister { operand, rule } => BadRegister {
                operand: map(operand),
                rule,
            },
            PcOffset {
                operand,
                value,
                align,
                min,
                max,
            } => PcOffset {
                operand: map(operand),
                value,
                align,
                min,
                max,
            },
            other => other,
        }
    }
}

/// The zero register of `r`'s width.
fn zr(r: Reg) -> Operand<'static> {
    Operand::Reg(if r.is_64() { Reg::x(31) } else { Reg::w(31) })
}

fn width(r: Reg) -> i64 {
    if r.is_64() {
        64
    } else {
        32
    }
}

/// `r` as a register of `like`'s width (`sxtb x0, w1` reads `x1`).
fn widen(r: Reg, like: Reg) -> Reg {
    match (r.class(), like.is_64()) {
        (RegClass::W, true) => Reg::x(r.num()),
        _ => r,
    }
}

fn gpr(o: Option<&Operand<'_>>) -> Option<Reg> {
    match o {
        Some(Operand::Reg(r)) if r.is_gpr() => Some(*r),
        _ => None,
    }
}

fn imm(o: Option<&Operand<'_>>) -> Option<i64> {
    match o {
        Some(Operand::Imm(v)) => Some(*v),
        _ => None,
    }
}

fn range_err(operand: usize, value: i64, min: i64, max: i64) -> EncodeError {
    EncodeError::ImmediateOutOfRange {
        operand: operand as u8,
        value,
        min,
        max,
    }
}

/// `hint #n` aliases without operands (Arm ARM C6.2 HINT and the aliases
/// listed there).
const HINTS: &[(&str, i64)] = &[
    ("nop", 0),
    ("yield", 1),
    ("wfe", 2),
    ("wfi", 3),
    ("sev", 4),
    ("sevl", 5),
    ("dgh", 6),
    ("xpaclri", 7),
    ("pacia1716", 8),
    ("pacib1716", 10),
    ("autia1716", 12),
    ("autib1716", 14),
    ("esb", 16),
    ("csdb", 20),
    ("paciaz", 24),
    ("paciasp", 25),
    ("pacibz", 26),
    ("pacibsp", 27),
    ("autiaz", 28),
    ("autiasp", 29),
    ("autibz", 30),
    ("autibsp", 31),
];

/// LSE atomic operations whose `st` form is the `ld` form with the zero
/// register as destination.
const LSE_STORES: &[&str] = &["add", "clr", "eor", "set", "smax", "smin", "umax", "umin"];

/// The `ld…` instruction an LSE store alias (`stadd`, `stsetlb`…) is
/// written as.
fn lse_store(m: &str) -> Option<&'static str> {
    let body = m.strip_prefix("st")?;
    let op = LSE_STORES.iter().find(|o| body.starts_with(**o))?;
    let suffix = &body[op.len()..];
    if !matches!(suffix, "" | "l" | "b" | "h" | "lb" | "lh") {
        return None;
    }
    let mut name = alloc::string::String::from("ld");
    name.push_str(body);
    table_name(&name)
}

/// The aliases [`rewrite`] knows by a fixed name (besides the `hint`
/// aliases, `b.<cond>` and the LSE stores).
const NAMED: &[&str] = &[
    "bti", "ret", "dcps1", "dcps2", "dcps3", "isb", "clrex", "ssbb", "pssbb", "mov", "cmp", "cmn",
    "tst", "neg", "negs", "ngc", "ngcs", "mvn", "mul", "mneg", "smull", "umull", "smnegl",
    "umnegl", "lsl", "lsr", "asr", "ror", "sxtb", "sxth", "sxtw", "uxtb", "uxth", "ubfx", "sbfx",
    "bfxil", "ubfiz", "sbfiz", "bfi", "bfc", "cset", "csetm", "cinc", "cinv", "cneg", "dc", "ic",
    "at", "tlbi",
];

/// dynasm-rs's spellings of the `mov` immediates its plain `mov` (a
/// `movz`) does not take: `mov.inverted` is `movn` of the inverted value,
/// `mov.logical` is `orr` with the zero register.
const DYNASM_RS: &[&str] = &["mov.inverted", "mov.logical"];

/// Whether `m` (lower case) is an alias [`rewrite`] knows.
pub(crate) fn is_alias(m: &str) -> bool {
    NAMED.contains(&m)
        || DYNASM_RS.contains(&m)
        || HINTS.iter().any(|(h, _)| *h == m)
        || m.strip_prefix("b.")
            .is_some_and(|c| Cond::parse(c).is_some())
        || lse_store(m).is_some()
}

/// Interns an `ld…` mnemonic of the table (the rewrite needs `'static`).
fn table_name(name: &str) -> Option<&'static str> {
    crate::table::mnemonics()
        .binary_search(&name)
        .ok()
        .map(|i| crate::table::mnemonics()[i])
}

/// The rewrite of an alias, if `inst` is one; errors for aliases whose own
/// operand rules fail (a `lsl` shift out of range, `cset` with `al`).
pub(crate) fn rewrite<'a>(inst: &Instruction<'a, '_>) -> Result<Option<Rewrite<'a>>, EncodeError> {
    let ops = inst.operands;
    let m = inst.mnemonic;
    let n = ops.len();
    let r0 = gpr(ops.first());
    let r1 = gpr(ops.get(1));
    Ok(Some(match m {
        _ if n == 0 && HINTS.iter().any(|(h, _)| *h == m) => {
            let v = HINTS.iter().find(|(h, _)| *h == m).unwrap().1;
            Rewrite::new("hint").op(Operand::Imm(v), 0)
        }
        "bti" => {
            let v = match ops {
                [] => 32,
                [Operand::Symbol(s)] if s.eq_ignore_ascii_case("c") => 34,
                [Operand::Symbol(s)] if s.eq_ignore_ascii_case("j") => 36,
                [Operand::Symbol(s)] if s.eq_ignore_ascii_case("jc") => 38,
                _ => {
                    return Err(EncodeError::OperandMismatch {
                        operand: 0,
                        expected: "c, j or jc",
                    })
                }
            };
            Rewrite::new("hint").op(Operand::Imm(v), 0)
        }
        "ret" if n == 0 => Rewrite::new("ret").op(Operand::Reg(Reg::x(30)), 0),
        "dcps1" | "dcps2" | "dcps3" if n == 0 => {
            Rewrite::new(table_name(m).unwrap_or("dcps1")).op(Operand::Imm(0), 0)
        }
        "isb" if n == 0 => Rewrite::new("isb").op(Operand::Barrier(15), 0),
        "clrex" if n == 0 => Rewrite::new("clrex").op(Operand::Imm(15), 0),
        "ssbb" if n == 0 => Rewrite::new("dsb").op(Operand::Barrier(0), 0),
        "pssbb" if n == 0 => Rewrite::new("dsb").op(Operand::Barrier(4), 0),
        "mov" => return mov(ops),
        // dynasm-rs's spellings (`DYNASM_RS`).
        "mov.inverted" | "mov.logical" => {
            let (Some(d), Some(v), 2) = (r0, imm(ops.get(1)), n) else {
                return Ok(None);
            };
            return if m == "mov.inverted" {
                mov_inverted(d, v).map(Some)
            } else {
                Ok(Some(
                    Rewrite::new("orr").op(ops[0], 0).op(zr(d), 0).op(ops[1], 1),
                ))
            };
        }
        "dc" | "ic" | "at" | "tlbi" => return sys_alias(m, ops).map(Some),
        // `sys` without `Xt` is `sys …, xzr` (llvm-mc reads it so).
        "sys" if n == 4 => Rewrite::new("sys")
            .rest(ops, 0)
            .op(Operand::Reg(Reg::x(31)), 3),
        "cmp" | "cmn" | "tst" if r0.is_some() => {
            let base = match m {
                "cmp" => "subs",
                "cmn" => "adds",
                _ => "ands",
            };
            Rewrite::new(base).op(zr(r0.unwrap()), 0).rest(ops, 0)
        }
        "neg" | "negs" | "ngc" | "ngcs" | "mvn" if r0.is_some() => {
            let base = match m {
                "neg" => "sub",
                "negs" => "subs",
                "ngc" => "sbc",
                "ngcs" => "sbcs",
                _ => "orn",
            };
            Rewrite::new(base)
                .op(ops[0], 0)
                .op(zr(r0.unwrap()), 1)
                .rest(ops, 1)
        }
        "mvn" => Rewrite::new("not").rest(ops, 0),
        "mul" | "mneg" | "smull" | "umull" | "smnegl" | "umnegl" if r0.is_some() && n == 3 => {
            let base = match m {
                "mul" => "madd",
                "mneg" => "msub",
                "smull" => "smaddl",
                "umull" => "umaddl",
                "smnegl" => "smsubl",
                _ => "umsubl",
            };
            Rewrite::new(base).rest(ops, 0).op(zr(r0.unwrap()), 2)
        }
        "lsl" | "lsr" | "asr" | "ror" if r0.is_some() && n == 3 => {
            let rd = r0.unwrap();
            if gpr(ops.get(2)).is_some() {
                let base = match m {
                    "lsl" => "lslv",
                    "lsr" => "lsrv",
                    "asr" => "asrv",
                    _ => "rorv",
                };
                Rewrite::new(base).rest(ops, 0)
            } else if let Some(s) = imm(ops.get(2)) {
                let w = width(rd);
                if !(0..w).contains(&s) {
                    return Err(range_err(2, s, 0, w - 1));
                }
                match m {
                    "lsl" => Rewrite::new("ubfm")
                        .rest(&ops[..2], 0)
                        .op(Operand::Imm((w - s) % w), 2)
                        .op(Operand::Imm(w - 1 - s), 2),
                    "lsr" | "asr" => Rewrite::new(if m == "lsr" { "ubfm" } else { "sbfm" })
                        .rest(&ops[..2], 0)
                        .op(Operand::Imm(s), 2)
                        .op(Operand::Imm(w - 1), 2),
                    _ => Rewrite::new("extr")
                        .rest(&ops[..2], 0)
                        .op(ops[1], 1)
                        .op(Operand::Imm(s), 2),
                }
            } else {
                return Ok(None);
            }
        }
        "sxtb" | "sxth" | "sxtw" | "uxtb" | "uxth" if r0.is_some() && n == 2 => {
            let rd = r0.unwrap();
            let Some(rn) = r1 else { return Ok(None) };
            let (base, top) = match m {
                "sxtb" => ("sbfm", 7),
                "sxth" => ("sbfm", 15),
                "sxtw" => ("sbfm", 31),
                "uxtb" => ("ubfm", 7),
                _ => ("ubfm", 15),
            };
            if m == "sxtw" && !rd.is_64() {
                return Err(EncodeError::OperandMismatch {
                    operand: 0,
                    expected: "a 64-bit general register (x0-x30, xzr)",
                });
            }
            // sxt* read the source at the destination's width; uxtb/uxth
            // are 32-bit operations (`uxtb x0, w1` writes w0, as llvm-mc
            // reads it).
            let (rd, rn) = if base == "sbfm" {
                (rd, widen(rn, rd))
            } else if rd.is_64() && rd.class() == RegClass::X {
                (Reg::w(rd.num()), rn)
            } else {
                (rd, rn)
            };
            Rewrite::new(base)
                .op(Operand::Reg(rd), 0)
                .op(Operand::Reg(rn), 1)
                .op(Operand::Imm(0), 1)
                .op(Operand::Imm(top), 1)
        }
        "ubfx" | "sbfx" | "bfxil" | "ubfiz" | "sbfiz" | "bfi" | "bfc" if r0.is_some() => {
            let rd = r0.unwrap();
            let w = width(rd);
            // bfc has no source: the zero register is inserted.
            let (src, lsb_at): (Operand<'a>, usize) = if m == "bfc" {
                (zr(rd), 1)
            } else {
                match ops.get(1) {
                    Some(o) => (*o, 2),
                    None => return Ok(None),
                }
            };
            let (Some(lsb), Some(wd)) = (imm(ops.get(lsb_at)), imm(ops.get(lsb_at + 1))) else {
                return Ok(None);
            };
            if n != lsb_at + 2 {
                return Ok(None);
            }
            if !(0..w).contains(&lsb) {
                return Err(range_err(lsb_at, lsb, 0, w - 1));
            }
            if !(1..=w - lsb).contains(&wd) {
                return Err(range_err(lsb_at + 1, wd, 1, w - lsb));
            }
            let base = match m {
                "ubfx" | "ubfiz" => "ubfm",
                "sbfx" | "sbfiz" => "sbfm",
                _ => "bfm",
            };
            let (immr, imms) = match m {
                "ubfx" | "sbfx" | "bfxil" => (lsb, lsb + wd - 1),
                _ => ((w - lsb) % w, wd - 1),
            };
            Rewrite::new(base)
                .op(ops[0], 0)
                .op(src, 1)
                .op(Operand::Imm(immr), lsb_at)
                .op(Operand::Imm(imms), lsb_at + 1)
        }
        "cset" | "csetm" | "cinc" | "cinv" | "cneg" if r0.is_some() => {
            let (base, two) = match m {
                "cset" => ("csinc", false),
                "csetm" => ("csinv", false),
                "cinc" => ("csinc", true),
                "cinv" => ("csinv", true),
                _ => ("csneg", true),
            };
            let ci = if two { 2 } else { 1 };
            let Some(Operand::Cond(c)) = ops.get(ci) else {
                return Ok(None);
            };
            if matches!(c, Cond::Al | Cond::Nv) || n != ci + 1 {
                return Err(EncodeError::OperandMismatch {
                    operand: ci as u8,
                    expected: "a condition other than al and nv",
                });
            }
            let src = if two { ops[1] } else { zr(r0.unwrap()) };
            Rewrite::new(base)
                .op(ops[0], 0)
                .op(src, 1)
                .op(src, 1)
                .op(Operand::Cond(c.invert()), ci)
        }
        _ if m.len() > 2 && m.starts_with("b.") => {
            let Some(c) = Cond::parse(&m[2..]) else {
                return Ok(None);
            };
            Rewrite::new("b.cond").op(Operand::Cond(c), 0).rest(ops, 0)
        }
        _ if m.starts_with("st") && n == 2 => {
            let Some(base) = lse_store(m) else {
                return Ok(None);
            };
            let Some(rs) = r0 else { return Ok(None) };
            Rewrite::new(base).op(ops[0], 0).op(zr(rs), 0).op(ops[1], 1)
        }
        _ => return Ok(None),
    }))
}

/// `dc`, `ic`, `at` and `tlbi`: the operation named by the first operand
/// (from [`SYS_OPS`](crate::operand::SYS_OPS)) is `sys #op1, Cn, Cm, #op2`
/// with the register after it, or `xzr` for an operation without one.
fn sys_alias<'a>(m: &str, ops: &[Operand<'a>]) -> Result<Rewrite<'a>, EncodeError> {
    let mnemonic = SYS_OP_MNEMONICS
        .iter()
        .copied()
        .find(|x| *x == m)
        .unwrap_or("sys");
    let op = match ops.first() {
        Some(Operand::Symbol(name)) => {
            operand::sys_op(mnemonic, name).ok_or(EncodeError::UnknownOperation {
                operand: 0,
                mnemonic,
            })?
        }
        None => return Err(EncodeError::OperandCount { given: 0 }),
        _ => {
            return Err(EncodeError::OperandMismatch {
                operand: 0,
                expected: match mnemonic {
                    "dc" => "a dc operation (`civac`, `cvau`, `zva`…)",
                    "ic" => "an ic operation (`iallu`, `ialluis`, `ivau`)",
                    "at" => "an at operation (`s1e1r`, `s12e0w`…)",
                    _ => "a tlbi operation (`vmalle1is`, `vae1`…)",
                },
            })
        }
    };
    let wrong = match (op.reg, ops.len()) {
        (true, 1) => Some(0),
        (false, n) if n > 1 => Some(1),
        _ => None,
    };
    if let Some(operand) = wrong {
        return Err(EncodeError::OperationRegister {
            operand,
            mnemonic,
            op: op.name,
            takes: op.reg,
        });
    }
    let r = Rewrite::new("sys")
        .op(Operand::Imm(op.op1.into()), 0)
        .op(Operand::CReg(op.crn), 0)
        .op(Operand::CReg(op.crm), 0)
        .op(Operand::Imm(op.op2.into()), 0);
    Ok(if op.reg {
        r.rest(ops, 1)
    } else {
        r.op(Operand::Reg(Reg::x(31)), 0)
    })
}

/// `mov`, as llvm-mc reads it.
fn mov<'a>(ops: &[Operand<'a>]) -> Result<Option<Rewrite<'a>>, EncodeError> {
    let [a, b] = ops else { return Ok(None) };
    Ok(Some(match (*a, *b) {
        (Operand::Reg(d), Operand::Reg(s)) if d.is_gpr() && s.is_gpr() => {
            let sp = |r: Reg| matches!(r.class(), RegClass::Sp | RegClass::Wsp);
            if sp(d) || sp(s) {
                Rewrite::new("add")
                    .op(*a, 0)
                    .op(*b, 1)
                    .op(Operand::Imm(0), 1)
            } else {
                Rewrite::new("orr").op(*a, 0).op(zr(d), 1).op(*b, 1)
            }
        }
        (Operand::Reg(d), Operand::Imm(v)) if d.is_gpr() => return mov_imm(d, v).map(Some),
        (Operand::Reg(d), Operand::Reg(s))
            if matches!(d.class(), RegClass::V(_)) && d.class() == s.class() =>
        {
            // `mov v0.4s, v1.4s` is `orr v0.16b, v1.16b, v1.16b`.
            let RegClass::V(arr) = d.class() else {
                unreachable!()
            };
            let bytes = if arr.bytes() == 16 {
                Arrangement::B16
            } else {
                Arrangement::B8
            };
            let (d, s) = (
                Operand::Reg(Reg::v(d.num(), bytes)),
                Operand::Reg(Reg::v(s.num(), bytes)),
            );
            Rewrite::new("orr").op(d, 0).op(s, 1).op(s, 1)
        }
        (Operand::Elem(_), Operand::Elem(_) | Operand::Reg(_)) => {
            Rewrite::new("ins").op(*a, 0).op(*b, 1)
        }
        (Operand::Reg(d), Operand::Elem(e)) if d.is_gpr() => {
            let size_ok = matches!(
                (d.class(), e.size),
                (RegClass::W, crate::reg::ElemSize::S) | (RegClass::X, crate::reg::ElemSize::D)
            );
            if !size_ok {
                return Err(EncodeError::OperandMismatch {
                    operand: 1,
                    expected: "a word element with a w register or a doubleword element with an x register",
                });
            }
            Rewrite::new("umov").op(*a, 0).op(*b, 1)
        }
        (Operand::Reg(_), Operand::Elem(_)) => Rewrite::new("dup").op(*a, 0).op(*b, 1),
        _ => return Ok(None),
    }))
}

/// A `mov` immediate of a register of width `w` as the bits it sets
/// (a 32-bit value may be written signed); `None` past the width.
fn mov_value(v: i64, w: u32) -> Option<u64> {
    if w == 32 {
        (i32::MIN as i64..=u32::MAX as i64)
            .contains(&v)
            .then_some(v as u64 & 0xffff_ffff)
    } else {
        Some(v as u64)
    }
}

/// `base rd, #x` as a move-wide instruction (`movz`, `movn`): the 16-bit
/// chunk of `x` and its shift, if `x` (of `w` bits) is one chunk.
fn move_wide<'a>(base: &'static str, d: Reg, x: u64, w: u32) -> Option<Rewrite<'a>> {
    let hw = (0..w / 16).find(|&hw| x & !(0xffffu64 << (16 * hw)) == 0)?;
    Some(
        Rewrite::new(base)
            .op(Operand::Reg(d), 0)
            .op(Operand::Imm((x >> (16 * hw)) as i64), 1)
            .op(Operand::Modifier(Modifier::lsl(16 * hw as u8)), 1),
    )
}

/// `mov.inverted rd, #imm` (dynasm-rs): `movn rd, #(!imm >> s), lsl #s`.
fn mov_inverted<'a>(d: Reg, v: i64) -> Result<Rewrite<'a>, EncodeError> {
    let w = width(d) as u32;
    let mask = if w == 32 { 0xffff_ffff } else { u64::MAX };
    mov_value(v, w)
        .and_then(|u| move_wide("movn", d, !u & mask, w))
        .ok_or(EncodeError::NotInvertedWideImmediate {
            operand: 1,
            value: v,
            width: w as u8,
        })
}

/// `mov rd, #imm`: `movz`, else `movn`, else `orr` with a bitmask, the
/// order llvm-mc tries them in.
fn mov_imm<'a>(d: Reg, v: i64) -> Result<Rewrite<'a>, EncodeError> {
    let w = width(d) as u32;
    let Some(u) = mov_value(v, w) else {
        return Err(EncodeError::NotMovImmediate {
            operand: 1,
            value: v,
            width: 32,
        });
    };
    let mask = if w == 32 { 0xffff_ffff } else { u64::MAX };
    let sp = matches!(d.class(), RegClass::Sp | RegClass::Wsp);
    if !sp {
        for (base, x) in [("movz", u), ("movn", !u & mask)] {
            if let Some(r) = move_wide(base, d, x, w) {
                return Ok(r);
            }
        }
    }
    if encode_bitmask(u, w).is_some() {
        return Ok(Rewrite::new("orr")
            .op(Operand::Reg(d), 0)
            .op(zr(d), 0)
            .op(Operand::Imm(u as i64), 1));
    }
    Err(EncodeError::NotMovImmediate {
        operand: 1,
        value: v,
        width: w as u8,
    })
}

/// Loads and stores whose unscaled form llvm-mc takes when the scaled
/// offset does not fit.
const UNSCALED: &[(&str, &str)] = &[
    ("ldr", "ldur"),
    ("str", "stur"),
    ("ldrb", "ldurb"),
    ("strb", "sturb"),
    ("ldrh", "ldurh"),
    ("strh", "sturh"),
    ("ldrsb", "ldursb"),
    ("ldrsh", "ldursh"),
    ("ldrsw", "ldursw"),
    ("prfm", "prfum"),
];

/// The rewrite llvm-mc applies when `inst`'s own forms reject it.
pub(crate) fn fallback<'a>(inst: &Instruction<'a, '_>) -> Option<Rewrite<'a>> {
    let ops = inst.operands;
    let m = inst.mnemonic;
    if let Some(&(_, un)) = UNSCALED.iter().find(|(s, _)| *s == m) {
        let mem_at = ops.len().checked_sub(1)?;
        if let Operand::Mem(Mem {
            mode: MemMode::Offset,
            offset: MemOffset::Imm(_),
            ..
        }) = ops[mem_at]
        {
            return Some(Rewrite::new(un).rest(ops, 0));
        }
        return None;
    }
    match m {
        "add" | "sub" | "adds" | "subs" => {
            let v = imm(ops.get(2))?;
            if v >= 0 || v == i64::MIN {
                return None;
            }
            let flipped = match m {
                "add" => "sub",
                "sub" => "add",
                "adds" => "subs",
                _ => "adds",
            };
            Some(
                Rewrite::new(flipped)
                    .rest(&ops[..2], 0)
                    .op(Operand::Imm(-v), 2)
                    .rest(ops, 3),
            )
        }
        "fmov" => {
            // `fmov d0, #0.0` is `fmov d0, xzr` (0.0 has no 8-bit encoding).
            let [Operand::Reg(d), Operand::Float(x)] = ops else {
                return None;
            };
            if *x != 0.0 || x.is_sign_negative() {
                return None;
            }
            let zr = match d.class() {
                RegClass::H | RegClass::S => Reg::w(31),
                RegClass::D => Reg::x(31),
                _ => return None,
            };
            Some(Rewrite::new("fmov").op(ops[0], 0).op(Operand::Reg(zr), 1))
        }
        "tbz" | "tbnz" => {
            let r = gpr(ops.first())?;
            if r.class() != RegClass::W {
                return None;
            }
            let bit = imm(ops.get(1))?;
            if !(0..32).contains(&bit) {
                return None;
            }
            Some(
                Rewrite::new(if m == "tbz" { "tbz" } else { "tbnz" })
                    .op(Operand::Reg(Reg::x(r.num())), 0)
                    .rest(ops, 1),
            )
        }
        _ => {
            // Aliases whose mnemonic is also an instruction of the table
            // (`mul`, `neg`, `mvn` of vectors; `ret` without operands…).
            rewrite(inst).ok().flatten()
        }
    }
}
