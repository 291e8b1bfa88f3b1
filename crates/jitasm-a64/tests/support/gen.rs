//! Random operand instances for a form (tests only): every operand drawn
//! from what its kind and qualifier accept, so the encoder must take it.

#![allow(dead_code)]

use jitasm_a64::encode::encode_bitmask;
use jitasm_a64::operand::PSTATE_FIELDS;
use jitasm_a64::table::{Form, OpKind, OpSpec, Qual};
use jitasm_a64::{
    Arrangement, Cond, Elem, ElemSize, Mem, MemMode, MemOffset, ModKind, Modifier, Operand, Reg,
    RegClass, VLaneList, VList,
};

/// xorshift64*
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn arr(q: Qual) -> Arrangement {
    match q {
        Qual::V8B => Arrangement::B8,
        Qual::V16B => Arrangement::B16,
        Qual::V2H => Arrangement::H2,
        Qual::V4H => Arrangement::H4,
        Qual::V8H => Arrangement::H8,
        Qual::V2S => Arrangement::S2,
        Qual::V4S => Arrangement::S4,
        Qual::V1D => Arrangement::D1,
        Qual::V2D => Arrangement::D2,
        Qual::V1Q => Arrangement::Q1,
        other => panic!("no arrangement for {other:?}"),
    }
}

fn esize(q: Qual) -> ElemSize {
    match q {
        Qual::B => ElemSize::B,
        Qual::H => ElemSize::H,
        Qual::S => ElemSize::S,
        Qual::D => ElemSize::D,
        Qual::S4B => ElemSize::B4,
        Qual::S2H => ElemSize::H2,
        other => panic!("no element size for {other:?}"),
    }
}

fn vector_bytes(q: Qual) -> i64 {
    match q {
        Qual::V2H => 4,
        Qual::V8B | Qual::V4H | Qual::V2S | Qual::V1D => 8,
        _ => 16,
    }
}

fn gpr(r: &mut Rng, q: Qual, sp: bool) -> Reg {
    let n = r.below(32) as u8;
    match (q, sp && n == 31) {
        (Qual::W, true) => Reg::parse("wsp").unwrap(),
        (_, true) => Reg::parse("sp").unwrap(),
        (Qual::W, false) => Reg::w(n),
        _ => Reg::x(n),
    }
}

fn base(r: &mut Rng) -> Reg {
    if r.below(4) == 0 {
        Reg::parse("sp").unwrap()
    } else {
        Reg::x(r.below(31) as u8)
    }
}

/// A random valid logical immediate of `width` bits.
fn bitmask(r: &mut Rng, width: u32) -> i64 {
    loop {
        let size = 1u32 << r.range(1, width.trailing_zeros() as i64);
        let ones = r.range(1, size as i64 - 1) as u32;
        let rot = r.below(size as u64) as u32;
        let emask = if size == 64 {
            u64::MAX
        } else {
            (1u64 << size) - 1
        };
        let run = (1u64 << ones) - 1;
        let elem = if rot == 0 {
            run
        } else {
            ((run >> rot) | (run << (size - rot))) & emask
        };
        let mut v = 0u64;
        let mut i = 0;
        while i < width {
            v |= elem << i;
            i += size;
        }
        if encode_bitmask(v, width).is_some() {
            return v as i64;
        }
    }
}

/// The value of an 8-bit floating-point immediate.
pub fn fp8_value(imm8: u32) -> f64 {
    let sign = if imm8 & 0x80 != 0 { -1.0 } else { 1.0 };
    let b = (imm8 >> 6) & 1;
    let cd = ((imm8 >> 4) & 3) as i32;
    let m = (imm8 & 15) as f64;
    let exp = if b == 0 { cd + 1 } else { cd - 3 };
    sign * (16.0 + m) / 16.0 * 2f64.powi(exp)
}

/// Random operands for `form`.
pub fn operands(form: &Form, r: &mut Rng) -> Vec<Operand<'static>> {
    let mut ops = Vec::new();
    let width = match form
        .operands
        .iter()
        .find(|o| matches!(o.qual, Qual::W | Qual::X))
    {
        Some(o) if o.qual == Qual::W => 32,
        _ => 64,
    };
    let specs = form.operands;
    for (i, s) in specs.iter().enumerate() {
        let next_pair = specs.get(i + 1).is_some_and(|n| n.kind == OpKind::GprPair);
        one(form, specs, i, s, next_pair, width, r, &mut ops);
    }
    ops
}

#[allow(clippy::too_many_arguments)]
fn one(
    form: &Form,
    specs: &[OpSpec],
    i: usize,
    s: &OpSpec,
    next_pair: bool,
    width: u32,
    r: &mut Rng,
    ops: &mut Vec<Operand<'static>>,
) {
    let q = s.qual;
    let reg_field = s.fields.first().map_or(5, |f| f.1);
    let op = match s.kind {
        OpKind::Gpr if next_pair => {
            let n = (r.below(16) * 2) as u8;
            Operand::Reg(if q == Qual::W { Reg::w(n) } else { Reg::x(n) })
        }
        OpKind::Gpr => Operand::Reg(gpr(r, q, false)),
        OpKind::GprSp => Operand::Reg(gpr(r, q, true)),
        OpKind::GprPair => {
            let prev = ops
                .iter()
                .rev()
                .find_map(|o| match o {
                    Operand::Reg(x) => Some(*x),
                    _ => None,
                })
                .unwrap();
            Operand::Reg(Reg::new(prev.class(), prev.num() + 1).unwrap())
        }
        OpKind::GprShifted | OpKind::GprShiftedLog => {
            ops.push(Operand::Reg(gpr(r, q, false)));
            let w = if q == Qual::W { 32 } else { 64 };
            if r.below(2) == 0 {
                return;
            }
            let kinds: &[ModKind] = if s.kind == OpKind::GprShiftedLog {
                &[ModKind::Lsl, ModKind::Lsr, ModKind::Asr, ModKind::Ror]
            } else {
                &[ModKind::Lsl, ModKind::Lsr, ModKind::Asr]
            };
            Operand::Modifier(Modifier {
                kind: r.pick(kinds),
                amount: Some(r.below(w) as u8),
            })
        }
        OpKind::GprExtended => {
            let wide = specs[0].qual == Qual::X;
            ops.push(Operand::Reg(gpr(r, q, false)));
            let kinds: &[ModKind] = match (q, wide) {
                (Qual::X, _) => &[ModKind::Uxtx, ModKind::Sxtx, ModKind::Lsl],
                (_, true) => &[
                    ModKind::Uxtb,
                    ModKind::Uxth,
                    ModKind::Uxtw,
                    ModKind::Sxtb,
                    ModKind::Sxth,
                    ModKind::Sxtw,
                ],
                _ => &[
                    ModKind::Uxtb,
                    ModKind::Uxth,
                    ModKind::Uxtw,
                    ModKind::Uxtx,
                    ModKind::Sxtb,
                    ModKind::Sxth,
                    ModKind::Sxtw,
                    ModKind::Sxtx,
                    ModKind::Lsl,
                ],
            };
            let kind = r.pick(kinds);
            Operand::Modifier(Modifier {
                kind,
                amount: if kind == ModKind::Lsl || r.below(2) == 0 {
                    Some(r.below(5) as u8)
                } else {
                    None
                },
            })
        }
        OpKind::Fpr => {
            let class = match q {
                Qual::B => RegClass::B,
                Qual::H => RegClass::H,
                Qual::S => RegClass::S,
                Qual::D => RegClass::D,
                _ => RegClass::Q,
            };
            Operand::Reg(Reg::fp(class, r.below(32) as u8))
        }
        OpKind::VReg => Operand::Reg(Reg::v(r.below(32) as u8, arr(q))),
        OpKind::VRegD1 => Operand::Elem(Elem {
            reg: r.below(32) as u8,
            size: ElemSize::D,
            index: 1,
        }),
        OpKind::ElemImm5 | OpKind::ElemImm4 | OpKind::ElemIdx | OpKind::ElemIdxPair => {
            let bytes = match q {
                Qual::S4B | Qual::S2H => 4,
                _ => q.esize(),
            };
            let lanes = if s.kind == OpKind::ElemIdxPair {
                vector_bytes(specs[0].qual) as u32 / bytes / 2
            } else {
                16 / bytes
            };
            Operand::Elem(Elem {
                reg: r.below(1 << reg_field) as u8,
                size: esize(q),
                index: r.below(lanes as u64) as u8,
            })
        }
        OpKind::VList | OpKind::VListRep => Operand::List(VList {
            first: r.below(32) as u8,
            count: s.count,
            arr: arr(q),
        }),
        OpKind::VLaneList => Operand::LaneList(VLaneList {
            first: r.below(32) as u8,
            count: s.count,
            size: esize(q),
            index: r.below(16 / q.esize() as u64) as u8,
        }),
        OpKind::AddSubImm => {
            ops.push(Operand::Imm(r.range(0, 4095)));
            if r.below(2) == 0 {
                return;
            }
            Operand::Modifier(Modifier::lsl(12))
        }
        OpKind::LogicalImm => Operand::Imm(bitmask(r, width)),
        OpKind::MoveWide => {
            ops.push(Operand::Imm(r.range(0, 0xffff)));
            Operand::Modifier(Modifier::lsl(16 * r.below(width as u64 / 16) as u8))
        }
        OpKind::FBits => {
            let (lo, hi) = q.range().unwrap();
            Operand::Imm(r.range(lo, hi))
        }
        OpKind::FpImm8 | OpKind::SimdFpImm8 => Operand::Float(fp8_value(r.below(256) as u32)),
        OpKind::FpZero => Operand::Float(0.0),
        OpKind::Zero => Operand::Imm(0),
        OpKind::SimdImmShifted => {
            ops.push(Operand::Imm(r.range(0, 255)));
            let room = s.fields.get(2).map_or(0, |f| f.1 as u32);
            match q {
                Qual::Msl => Operand::Modifier(Modifier {
                    kind: ModKind::Msl,
                    amount: Some(r.pick(&[8, 16])),
                }),
                _ if room == 0 => return,
                _ => Operand::Modifier(Modifier::lsl(8 * r.below(1 << room) as u8)),
            }
        }
        OpKind::SimdImm64 => {
            let mut v = 0u64;
            for b in 0..8 {
                if r.below(2) == 1 {
                    v |= 0xff << (8 * b);
                }
            }
            Operand::Imm(v as i64)
        }
        OpKind::ShiftLeft => Operand::Imm(r.range(0, 8 * q.esize() as i64 - 1)),
        OpKind::ShiftRight => Operand::Imm(r.range(1, 8 * q.esize() as i64)),
        OpKind::ShllImm => Operand::Imm(8 * specs[i - 1].qual.esize() as i64),
        OpKind::Rot90 => Operand::Imm(90 * r.range(0, 3)),
        OpKind::Rot270 => Operand::Imm(r.pick(&[90, 270])),
        OpKind::UImm => {
            let w: u32 = s.fields.iter().map(|f| f.1 as u32).sum();
            let (lo, hi) = q.range().unwrap_or((0, (1i64 << w) - 1));
            Operand::Imm(r.range(lo, hi))
        }
        OpKind::CReg => Operand::CReg(r.below(16) as u8),
        OpKind::Cond => Operand::Cond(Cond::from_code(r.below(16) as u8)),
        OpKind::MemBase => Operand::Mem(Mem::base(base(r))),
        OpKind::MemUImm12 => {
            let size = match q.esize() {
                0 => 8,
                s => s as i64,
            };
            Operand::Mem(Mem::offset(base(r), size * r.range(0, 4095)))
        }
        OpKind::MemSImm9 => Operand::Mem(Mem::offset(base(r), r.range(-256, 255))),
        OpKind::MemPre9 => Operand::Mem(Mem::pre(base(r), r.range(-256, 255))),
        OpKind::MemPost9 => Operand::Mem(Mem::post(base(r), r.range(-256, 255))),
        OpKind::MemSImm7 | OpKind::MemPre7 | OpKind::MemPost7 => {
            let v = q.esize() as i64 * r.range(-64, 63);
            Operand::Mem(match s.kind {
                OpKind::MemSImm7 => Mem::offset(base(r), v),
                OpKind::MemPre7 => Mem::pre(base(r), v),
                _ => Mem::post(base(r), v),
            })
        }
        OpKind::MemSImm10 => Operand::Mem(Mem::offset(base(r), 8 * r.range(-512, 511))),
        OpKind::MemPre10 => Operand::Mem(Mem::pre(base(r), 8 * r.range(-512, 511))),
        OpKind::MemRegOff => {
            let size = match q.esize() {
                0 => 8u32,
                s => s,
            };
            let shift = size.trailing_zeros() as u8;
            let (idx, m) = match r.below(4) {
                0 => (Reg::x(r.below(32) as u8), None),
                1 => (
                    Reg::x(r.below(32) as u8),
                    Some(Modifier {
                        kind: r.pick(&[ModKind::Lsl, ModKind::Sxtx]),
                        amount: Some(r.pick(&[0, shift])),
                    }),
                ),
                _ => (
                    Reg::w(r.below(32) as u8),
                    Some(Modifier {
                        kind: r.pick(&[ModKind::Uxtw, ModKind::Sxtw]),
                        amount: if r.below(2) == 0 {
                            None
                        } else {
                            Some(r.pick(&[0, shift]))
                        },
                    }),
                ),
            };
            Operand::Mem(Mem::index(base(r), idx, m))
        }
        OpKind::MemPostSimd => {
            let list = &specs[i - 1];
            let bytes = match list.kind {
                OpKind::VList => vector_bytes(list.qual) * list.count as i64,
                _ => list.qual.esize() as i64 * list.count as i64,
            };
            let off = if r.below(2) == 0 {
                MemOffset::Imm(bytes)
            } else {
                MemOffset::Reg(Reg::x(r.below(31) as u8), None)
            };
            Operand::Mem(Mem {
                base: base(r),
                offset: off,
                mode: MemMode::PostIndex,
            })
        }
        OpKind::Label26 => Operand::Imm(4 * r.range(-(1 << 25), (1 << 25) - 1)),
        OpKind::Label19 => Operand::Imm(4 * r.range(-(1 << 18), (1 << 18) - 1)),
        OpKind::Label14 => Operand::Imm(4 * r.range(-(1 << 13), (1 << 13) - 1)),
        OpKind::LabelAdr => Operand::Imm(r.range(-(1 << 20), (1 << 20) - 1)),
        OpKind::LabelAdrp => Operand::Imm(4096 * r.range(-(1 << 20), (1 << 20) - 1)),
        OpKind::SysReg => Operand::SysReg((r.range(2, 3) as u16) << 14 | r.below(1 << 14) as u16),
        OpKind::PState => Operand::PState(r.pick(PSTATE_FIELDS).1),
        OpKind::Barrier => Operand::Barrier(r.below(16) as u8),
        OpKind::Prefetch => Operand::Prefetch(r.below(32) as u8),
    };
    let _ = form;
    ops.push(op);
}
