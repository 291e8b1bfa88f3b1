//! Random operand instances for every form, and their LLVM Intel-syntax
//! spelling. Shared by the iced round-trip test, the llvm-mc golden test and
//! the golden-vector generator (`cargo xtask golden-x86`), so that a stored
//! vector names an instance by its form and seed.
#![allow(dead_code)]

use jitasm_core::{LabelRef, LabelTarget};
use jitasm_x64::table::{flags, Encoding, Form, OpKind};
use jitasm_x64::{Decorations, Imm, Mem, Mode, Operand, Reg, RegClass, Rounding};
use std::fmt::Write;

/// A small deterministic generator (xorshift64*), so instances are
/// reproducible from a seed without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// One generated instance.
#[derive(Clone, Debug)]
pub struct Instance {
    pub ops: Vec<Operand<'static>>,
    pub dec: Decorations,
}

/// Where branch targets point in generated instances: an address the tests
/// place code at, plus a displacement.
pub const BASE: u64 = 0x7000_0000;

fn class_limit(form: &Form, class: RegClass, mode: Mode) -> u8 {
    let n = class.count();
    let is_vec = matches!(class, RegClass::Xmm | RegClass::Ymm | RegClass::Zmm);
    match mode {
        Mode::Protected => n.min(8),
        Mode::Long if is_vec && form.encoding != Encoding::Evex => 16,
        Mode::Long => n,
    }
}

fn reg(rng: &mut Rng, form: &Form, class: RegClass, mode: Mode) -> Reg {
    let first = class.first();
    let lim = class_limit(form, class, mode);
    loop {
        let n = first + rng.below(lim as u64) as u8;
        // No `mov cs, …`; no spl..dil without REX.
        let mov_cs =
            form.mnemonic() == "mov" && form.operands.first() == Some(&OpKind::SegReg) && n == 1;
        if (class == RegClass::Seg && n > 5)
            || mov_cs
            || (class == RegClass::Gp8 && !mode.is64() && n >= 4)
        {
            continue;
        }
        if let Some(r) = Reg::new(class, n) {
            return r;
        }
    }
}

fn gp8(rng: &mut Rng, form: &Form, mode: Mode) -> Reg {
    if rng.chance(20) {
        Reg::new(RegClass::Gp8High, 4 + rng.below(4) as u8).unwrap()
    } else {
        reg(rng, form, RegClass::Gp8, mode)
    }
}

fn addr_reg(rng: &mut Rng, mode: Mode, class: RegClass, not_sp: bool) -> Reg {
    let lim = if mode.is64() { 16 } else { 8 };
    loop {
        let n = rng.below(lim) as u8;
        if not_sp && n == 4 {
            continue;
        }
        return Reg::new(class, n).unwrap();
    }
}

fn disp(rng: &mut Rng, n: i64) -> i64 {
    match rng.below(6) {
        0 => 0,
        1 => rng.below(256) as i64 - 128,
        2 => (rng.below(256) as i64 - 128) * n.max(1),
        3 => rng.below(0x1_0000_0000) as i64 - 0x8000_0000,
        4 => 0x40,
        _ => -(rng.below(0x1000) as i64),
    }
}

fn mem(rng: &mut Rng, form: &Form, mode: Mode, vsib: Option<RegClass>, sib: bool) -> Mem<'static> {
    let mpx = form.operands.iter().any(|k| k.is_mpx());
    if form.address_size == 16
        || (!mode.is64() && form.address_size == 0 && vsib.is_none() && !sib && rng.chance(5))
    {
        let mut m = Mem::EMPTY;
        let (b, i) = rng.pick(&[
            (Some(jitasm_x64::regs::bx), Some(jitasm_x64::regs::si)),
            (Some(jitasm_x64::regs::bp), Some(jitasm_x64::regs::di)),
            (Some(jitasm_x64::regs::bx), None),
            (Some(jitasm_x64::regs::bp), None),
            (None, Some(jitasm_x64::regs::di)),
            (None, None),
        ]);
        m.base = b;
        m.index = i;
        m.disp = rng.below(0x10000) as i64 - 0x8000;
        m.size = form.mem_size;
        return m;
    }
    let class = match form.address_size {
        64 => RegClass::Gp64,
        32 => RegClass::Gp32,
        _ if mpx || !mode.is64() || rng.chance(85) => mode.address_class(),
        _ => RegClass::Gp32,
    };
    let mut m = Mem::EMPTY;
    let n = form.disp8_n as i64;
    if let Some(vc) = vsib {
        let lim = class_limit(form, vc, mode);
        m.base = Some(addr_reg(rng, mode, class, false));
        m.index = Some(Reg::new(vc, rng.below(lim as u64) as u8).unwrap());
        m.scale = rng.pick(&[1, 2, 4, 8]);
        m.disp = disp(rng, n);
    } else if sib {
        m.base = Some(addr_reg(rng, mode, class, false));
        if rng.chance(70) {
            m.index = Some(addr_reg(rng, mode, class, true));
            m.scale = rng.pick(&[1, 2, 4, 8]);
        }
        m.disp = disp(rng, n);
    } else {
        match rng.below(10) {
            0 if mode.is64() && !mpx => {
                m.base = Some(if class == RegClass::Gp64 {
                    jitasm_x64::regs::rip
                } else {
                    Reg::new(RegClass::Ip, 1).unwrap()
                });
                m.disp = disp(rng, n);
            }
            1 => {
                m.index = Some(addr_reg(rng, mode, class, true));
                m.scale = rng.pick(&[2, 4, 8]);
                m.disp = disp(rng, n);
            }
            2 => m.disp = rng.below(0x7fff_0000) as i64,
            3..=5 => {
                m.base = Some(addr_reg(rng, mode, class, false));
                m.disp = disp(rng, n);
            }
            _ => {
                m.base = Some(addr_reg(rng, mode, class, false));
                m.index = Some(addr_reg(rng, mode, class, true));
                m.scale = rng.pick(&[1, 2, 4, 8]);
                m.disp = disp(rng, n);
            }
        }
    }
    m.size = form.mem_size;
    if form.has(flags::BROADCAST) && rng.chance(30) {
        m.bcst = (form.mem_size / form.bcst_size as u16) as u8;
        m.size = form.bcst_size as u16;
    }
    if rng.chance(5) {
        m.seg = Some(Reg::new(RegClass::Seg, rng.below(6) as u8).unwrap());
    }
    m
}

fn imm(rng: &mut Rng, k: OpKind) -> i64 {
    use OpKind::*;
    let (lo, hi): (i64, i64) = match k {
        Imm8 => (-128, 255),
        Imm8Const1 => (1, 1),
        Imm8Sex16 | Imm8Sex32 | Imm8Sex64 => (-128, 127),
        Imm16 => (-0x8000, 0xffff),
        Imm32 => (-0x8000_0000, 0xffff_ffff),
        Imm32Sex64 => (-0x8000_0000, 0x7fff_ffff),
        Imm64 => return rng.next() as i64,
        Imm4M2z => (0, 3),
        _ => unreachable!(),
    };
    if rng.chance(20) {
        return rng.pick(&[lo, hi, 0.clamp(lo, hi), 1.clamp(lo, hi), (-1).clamp(lo, hi)]);
    }
    lo + rng.below((hi - lo + 1) as u64) as i64
}

/// Random instance number `seed` of form `index` (of `FORMS`) for `mode`.
pub fn instance(index: usize, mode: Mode, seed: u64) -> Instance {
    let form = &jitasm_x64::table::FORMS[index];
    let mut rng = Rng::new(seed ^ (index as u64).rotate_left(17) ^ (mode.is64() as u64) << 40);
    instance_rng(form, mode, &mut rng)
}

pub fn instance_rng(form: &Form, mode: Mode, rng: &mut Rng) -> Instance {
    use OpKind::*;
    let mut ops = Vec::new();
    let mut has_mem = false;
    for &k in form.operands {
        let op: Operand<'static> = match k {
            Al => Operand::Reg(jitasm_x64::regs::al),
            Ax => Operand::Reg(jitasm_x64::regs::ax),
            Eax => Operand::Reg(jitasm_x64::regs::eax),
            Rax => Operand::Reg(jitasm_x64::regs::rax),
            Cl => Operand::Reg(jitasm_x64::regs::cl),
            Dx => Operand::Reg(jitasm_x64::regs::dx),
            St0 => Operand::Reg(Reg::new(RegClass::St, 0).unwrap()),
            Es => Operand::Reg(jitasm_x64::regs::es),
            Cs => Operand::Reg(jitasm_x64::regs::cs),
            Ss => Operand::Reg(jitasm_x64::regs::ss),
            Ds => Operand::Reg(jitasm_x64::regs::ds),
            Fs => Operand::Reg(jitasm_x64::regs::fs),
            Gs => Operand::Reg(jitasm_x64::regs::gs),
            R8Reg | R8Opcode => Operand::Reg(gp8(rng, form, mode)),
            R16Reg | R16Rm | R16Opcode | R16RegMem => {
                Operand::Reg(reg(rng, form, RegClass::Gp16, mode))
            }
            R32Reg | R32Rm | R32Opcode | R32Vvvv | R32RegMem => {
                Operand::Reg(reg(rng, form, RegClass::Gp32, mode))
            }
            R64Reg | R64Rm | R64Opcode | R64Vvvv | R64RegMem => {
                Operand::Reg(reg(rng, form, RegClass::Gp64, mode))
            }
            SegReg => Operand::Reg(reg(rng, form, RegClass::Seg, mode)),
            CrReg => Operand::Reg(
                Reg::new(
                    RegClass::Cr,
                    rng.pick(&[0, 2, 3, 4, 8])
                        .min(if mode.is64() { 8 } else { 4 }),
                )
                .unwrap(),
            ),
            DrReg => Operand::Reg(Reg::new(RegClass::Dr, rng.below(8) as u8).unwrap()),
            TrReg => Operand::Reg(Reg::new(RegClass::Tr, 3 + rng.below(5) as u8).unwrap()),
            BndReg => Operand::Reg(reg(rng, form, RegClass::Bnd, mode)),
            StiOpcode => Operand::Reg(reg(rng, form, RegClass::St, mode)),
            MmReg | MmRm => Operand::Reg(reg(rng, form, RegClass::Mm, mode)),
            XmmReg | XmmRm | XmmVvvv | XmmP3Vvvv => {
                Operand::Reg(reg(rng, form, RegClass::Xmm, mode))
            }
            XmmIs4 | XmmIs5 => Operand::Reg(
                Reg::new(
                    RegClass::Xmm,
                    rng.below(if mode.is64() { 16 } else { 8 }) as u8,
                )
                .unwrap(),
            ),
            YmmIs4 | YmmIs5 => Operand::Reg(
                Reg::new(
                    RegClass::Ymm,
                    rng.below(if mode.is64() { 16 } else { 8 }) as u8,
                )
                .unwrap(),
            ),
            YmmReg | YmmRm | YmmVvvv => Operand::Reg(reg(rng, form, RegClass::Ymm, mode)),
            ZmmReg | ZmmRm | ZmmVvvv | ZmmP3Vvvv => {
                Operand::Reg(reg(rng, form, RegClass::Zmm, mode))
            }
            KReg | KRm | KVvvv => Operand::Reg(reg(rng, form, RegClass::K, mode)),
            KP1Reg => Operand::Reg(Reg::new(RegClass::K, 2 * rng.below(4) as u8).unwrap()),
            TmmReg | TmmRm | TmmVvvv => Operand::Reg(reg(rng, form, RegClass::Tmm, mode)),
            R8OrMem | R16OrMem | R32OrMem | R64OrMem | R32OrMemMpx | R64OrMemMpx | BndOrMemMpx
            | MmOrMem | XmmOrMem | YmmOrMem | ZmmOrMem | KOrMem => {
                if rng.chance(50) {
                    has_mem = true;
                    Operand::Mem(mem(rng, form, mode, None, false))
                } else {
                    let class = match k {
                        R8OrMem => {
                            ops.push(Operand::Reg(gp8(rng, form, mode)));
                            continue;
                        }
                        R16OrMem => RegClass::Gp16,
                        R32OrMem | R32OrMemMpx => RegClass::Gp32,
                        R64OrMem | R64OrMemMpx => RegClass::Gp64,
                        BndOrMemMpx => RegClass::Bnd,
                        MmOrMem => RegClass::Mm,
                        XmmOrMem => RegClass::Xmm,
                        YmmOrMem => RegClass::Ymm,
                        ZmmOrMem => RegClass::Zmm,
                        _ => RegClass::K,
                    };
                    Operand::Reg(reg(rng, form, class, mode))
                }
            }
            Mem | MemMpx => {
                has_mem = true;
                Operand::Mem(mem(rng, form, mode, None, false))
            }
            MemMib | SibMem => {
                has_mem = true;
                Operand::Mem(mem(rng, form, mode, None, true))
            }
            Vsib32x | Vsib64x => {
                has_mem = true;
                Operand::Mem(mem(rng, form, mode, Some(RegClass::Xmm), false))
            }
            Vsib32y | Vsib64y => {
                has_mem = true;
                Operand::Mem(mem(rng, form, mode, Some(RegClass::Ymm), false))
            }
            Vsib32z | Vsib64z => {
                has_mem = true;
                Operand::Mem(mem(rng, form, mode, Some(RegClass::Zmm), false))
            }
            MemOffs => {
                let mut m = jitasm_x64::Mem::abs(if mode.is64() {
                    rng.next() as i64 | 0x1_0000_0000
                } else {
                    rng.below(0x1_0000_0000) as i64
                });
                m.size = form.mem_size;
                Operand::Mem(m)
            }
            SegRsi | EsRdi | SegRdi | SegRbxAl => {
                let num = match k {
                    SegRsi => 6,
                    SegRbxAl => 3,
                    _ => 7,
                };
                let mut m = jitasm_x64::Mem::base(Reg::new(mode.address_class(), num).unwrap());
                m.size = form.mem_size;
                Operand::Mem(m)
            }
            Imm8 | Imm8Const1 | Imm8Sex16 | Imm8Sex32 | Imm8Sex64 | Imm16 | Imm32 | Imm32Sex64
            | Imm64 | Imm4M2z => {
                let size = match k {
                    Imm64 => 8,
                    _ => 0,
                };
                Operand::Imm(Imm {
                    value: imm(rng, k),
                    size,
                })
            }
            Br16_1 | Br32_1 | Br64_1 | Br16_2 | Br32_4 | Br64_4 | Xbegin2 | Xbegin4 | BrDisp2
            | BrDisp4 => {
                let size = match k {
                    Br16_1 | Br32_1 | Br64_1 => 1,
                    Br16_2 | Xbegin2 | BrDisp2 => 2,
                    _ => 4,
                };
                let reach: i64 = if size == 1 { 100 } else { 0x7000 };
                let off = rng.below(2 * reach as u64) as i64 - reach;
                Operand::Label(
                    LabelRef::new(LabelTarget::Extern(BASE.wrapping_add(off as u64))),
                    size,
                )
            }
            FarBr2_2 => Operand::Far(rng.below(0x10000) as u16, rng.below(0x10000) as u32),
            FarBr4_2 => Operand::Far(rng.below(0x10000) as u16, rng.next() as u32),
        };
        ops.push(op);
    }
    let mut dec = Decorations::NONE;
    if form.has(flags::MASK) && (form.has(flags::MASK_REQUIRED) || rng.chance(50)) {
        dec.mask = Some(Reg::new(RegClass::K, 1 + rng.below(7) as u8).unwrap());
        if form.has(flags::ZEROING)
            && !matches!(ops.first(), Some(Operand::Mem(_)))
            && rng.chance(50)
        {
            dec.zeroing = true;
        }
    }
    if !has_mem {
        if form.has(flags::ROUNDING) && rng.chance(40) {
            dec.rounding = Some(rng.pick(&[
                Rounding::Nearest,
                Rounding::Down,
                Rounding::Up,
                Rounding::Zero,
            ]));
        } else if form.has(flags::SAE) && rng.chance(40) {
            dec.sae = true;
        }
    }
    Instance { ops, dec }
}

/// LLVM's Intel-syntax name of a memory size.
fn size_word(size: u16) -> Option<&'static str> {
    Some(match size {
        1 => "byte",
        2 => "word",
        4 => "dword",
        6 => "fword",
        8 => "qword",
        10 => "tbyte",
        16 => "xmmword",
        32 => "ymmword",
        64 => "zmmword",
        _ => return None,
    })
}

/// The instance in LLVM Intel syntax (`llvm-mc -x86-asm-syntax=intel`),
/// spelled the way LLVM 19 accepts it where LLVM's spelling differs from the
/// form's operand list (the golden vectors of `cargo xtask golden-x86`
/// depend on this text: change it and regenerate them).
/// Branch targets are written as absolute addresses.
pub fn intel(form: &Form, inst: &Instance) -> String {
    use OpKind::*;
    // A 64-bit `moffs` is `movabs` in LLVM's syntax (`mov` would take the
    // address as a 32-bit displacement).
    let movabs = form.operands.iter().zip(&inst.ops).any(|(k, op)| {
        *k == MemOffs
            && matches!(op, Operand::Mem(m) if i32::try_from(m.disp).is_err() && u32::try_from(m.disp).is_err())
    });
    let mut s = String::from(if movabs { "movabs" } else { form.mnemonic() });
    // LLVM writes `fcom st(i)`, `fxch st(i)`… with `st(0)` implied.
    let implied_st0 = form.operands == [St0, StiOpcode]
        && matches!(
            form.mnemonic(),
            "fcom" | "fcomp" | "fucom" | "fucomp" | "fxch"
        );
    // The rounding operand goes after the last register operand, before an
    // immediate; LLVM puts it before the integer source of `vcvtsi2ss`…
    let rc_text = if let Some(rc) = inst.dec.rounding {
        let r = ["rn", "rd", "ru", "rz"][rc as usize];
        Some(format!("{{{r}-sae}}"))
    } else if inst.dec.sae {
        Some("{sae}".to_string())
    } else {
        None
    };
    let rc_at = rc_text.as_ref().map(|_| {
        let n = inst.ops.len();
        let int_src = matches!(form.operands.last(), Some(R32OrMem | R64OrMem));
        if matches!(inst.ops.last(), Some(Operand::Imm(_))) || int_src {
            n - 1
        } else {
            n
        }
    });
    let mut first_written = true;
    for (i, op) in inst.ops.iter().enumerate() {
        let kind = form.operands.get(i).copied();
        // The implied `[rdi]` of `maskmovq` is not written in LLVM's syntax.
        if kind == Some(SegRdi) || (implied_st0 && i == 0) {
            continue;
        }
        if rc_at == Some(i) {
            write!(s, ", {}", rc_text.as_ref().unwrap()).unwrap();
        }
        s.push_str(if first_written { " " } else { ", " });
        first_written = false;
        match op {
            Operand::Reg(r) => write!(s, "{r}").unwrap(),
            Operand::Imm(v) => write!(s, "{}", v.value).unwrap(),
            Operand::Label(l, _) => match l.target {
                LabelTarget::Extern(a) => write!(s, "{a:#x}").unwrap(),
                _ => unreachable!(),
            },
            // LLVM's far pointer: `jmp selector, offset`.
            Operand::Far(sel, off) => write!(s, "{sel:#x}, {off:#x}").unwrap(),
            Operand::Mem(m) => {
                let vsib = matches!(
                    kind,
                    Some(Vsib32x | Vsib32y | Vsib32z | Vsib64x | Vsib64y | Vsib64z)
                );
                // LLVM's size of a VSIB operand is the vector's, not the
                // element's, and its `bound`, `clrssbsy` and `rstorssp` take
                // other sizes than the manual's: leave those sizes out.
                let no_size = vsib || matches!(form.mnemonic(), "bound" | "clrssbsy" | "rstorssp");
                if let Some(w) = size_word(m.size).filter(|_| !no_size) {
                    write!(s, "{w} ptr ").unwrap();
                }
                if let Some(seg) = m.seg {
                    write!(s, "{seg}:").unwrap();
                }
                s.push('[');
                let mut first = true;
                if let Some(b) = m.base {
                    write!(s, "{b}").unwrap();
                    first = false;
                }
                if let Some(x) = m.index {
                    if !first {
                        s.push_str(" + ");
                    }
                    // 16-bit addresses have no scale.
                    if x.class() == RegClass::Gp16 {
                        write!(s, "{x}").unwrap();
                    } else {
                        write!(s, "{}*{x}", m.scale).unwrap();
                    }
                    first = false;
                }
                if first {
                    // A negative 32-bit address is written as its unsigned
                    // value; a 64-bit one (`moffs`) in full.
                    let mask = if m.disp < 0 && i32::try_from(m.disp).is_ok() {
                        u32::MAX as u64
                    } else {
                        u64::MAX
                    };
                    write!(s, "{:#x}", m.disp as u64 & mask).unwrap();
                } else if m.disp > 0 {
                    write!(s, " + {:#x}", m.disp).unwrap();
                } else if m.disp < 0 {
                    write!(s, " - {:#x}", m.disp.unsigned_abs()).unwrap();
                }
                s.push(']');
                if m.bcst != 0 {
                    write!(s, "{{1to{}}}", m.bcst).unwrap();
                }
            }
        }
        if i == 0 {
            if let Some(k) = inst.dec.mask {
                write!(s, " {{{k}}}").unwrap();
            }
            if inst.dec.zeroing {
                s.push_str(" {z}");
            }
        }
    }
    if rc_at == Some(inst.ops.len()) {
        write!(s, ", {}", rc_text.unwrap()).unwrap();
    }
    s
}
