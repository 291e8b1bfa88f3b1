//! The operand model: an [`Instruction`] is a mnemonic and a list of
//! [`Operand`]s written in assembly order. A shift or extend is its own
//! operand ([`Operand::Modifier`]) after the register or immediate it
//! modifies, as it is written (`add x0, x1, x2, lsl #3`).

use crate::reg::{Arrangement, ElemSize, Reg};
use jitasm_core::LabelRef;

/// A shift or extend kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModKind {
    /// `lsl`
    Lsl,
    /// `lsr`
    Lsr,
    /// `asr`
    Asr,
    /// `ror`
    Ror,
    /// `msl` (shifting ones in; `movi`, `mvni`)
    Msl,
    /// `uxtb`
    Uxtb,
    /// `uxth`
    Uxth,
    /// `uxtw`
    Uxtw,
    /// `uxtx`
    Uxtx,
    /// `sxtb`
    Sxtb,
    /// `sxth`
    Sxth,
    /// `sxtw`
    Sxtw,
    /// `sxtx`
    Sxtx,
}

impl ModKind {
    const NAMES: [(&'static str, ModKind); 13] = [
        ("lsl", ModKind::Lsl),
        ("lsr", ModKind::Lsr),
        ("asr", ModKind::Asr),
        ("ror", ModKind::Ror),
        ("msl", ModKind::Msl),
        ("uxtb", ModKind::Uxtb),
        ("uxth", ModKind::Uxth),
        ("uxtw", ModKind::Uxtw),
        ("uxtx", ModKind::Uxtx),
        ("sxtb", ModKind::Sxtb),
        ("sxth", ModKind::Sxth),
        ("sxtw", ModKind::Sxtw),
        ("sxtx", ModKind::Sxtx),
    ];

    /// Parses a name (`lsl`, `SXTW`).
    pub fn parse(s: &str) -> Option<ModKind> {
        Self::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|&(_, k)| k)
    }

    /// The name.
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, k)| *k == self).unwrap().0
    }

    /// Whether this is an extend (`uxtb`…`sxtx`).
    #[inline]
    pub const fn is_extend(self) -> bool {
        !matches!(
            self,
            ModKind::Lsl | ModKind::Lsr | ModKind::Asr | ModKind::Ror | ModKind::Msl
        )
    }

    /// The 3-bit `option` of an extend (`uxtb` 0 … `sxtx` 7).
    #[inline]
    pub const fn option(self) -> Option<u32> {
        Some(match self {
            ModKind::Uxtb => 0,
            ModKind::Uxth => 1,
            ModKind::Uxtw => 2,
            ModKind::Uxtx => 3,
            ModKind::Sxtb => 4,
            ModKind::Sxth => 5,
            ModKind::Sxtw => 6,
            ModKind::Sxtx => 7,
            _ => return None,
        })
    }
}

/// A shift or extend with its amount (`lsl #3`, `sxtw`, `uxtw #2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Modifier {
    /// The kind.
    pub kind: ModKind,
    /// The amount, if written.
    pub amount: Option<u8>,
}

impl Modifier {
    /// `lsl #n`.
    #[inline]
    pub const fn lsl(n: u8) -> Modifier {
        Modifier {
            kind: ModKind::Lsl,
            amount: Some(n),
        }
    }
}

/// A condition code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Cond {
    /// equal
    Eq = 0,
    /// not equal
    Ne = 1,
    /// carry set (`hs`)
    Hs = 2,
    /// carry clear (`lo`)
    Lo = 3,
    /// negative
    Mi = 4,
    /// positive or zero
    Pl = 5,
    /// overflow
    Vs = 6,
    /// no overflow
    Vc = 7,
    /// unsigned higher
    Hi = 8,
    /// unsigned lower or same
    Ls = 9,
    /// signed greater or equal
    Ge = 10,
    /// signed less than
    Lt = 11,
    /// signed greater than
    Gt = 12,
    /// signed less or equal
    Le = 13,
    /// always
    Al = 14,
    /// always (encoded as 15)
    Nv = 15,
}

impl Cond {
    const ALL: [Cond; 16] = [
        Cond::Eq,
        Cond::Ne,
        Cond::Hs,
        Cond::Lo,
        Cond::Mi,
        Cond::Pl,
        Cond::Vs,
        Cond::Vc,
        Cond::Hi,
        Cond::Ls,
        Cond::Ge,
        Cond::Lt,
        Cond::Gt,
        Cond::Le,
        Cond::Al,
        Cond::Nv,
    ];
    const NAMES: [&'static str; 16] = [
        "eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al",
        "nv",
    ];

    /// Parses a condition (`eq`, `cs` = `hs`, `cc` = `lo`), in any case.
    pub fn parse(s: &str) -> Option<Cond> {
        Self::parse_bytes(s.as_bytes())
    }

    /// [`Cond::parse`] of the name's bytes, in a `const fn`.
    #[inline]
    pub const fn parse_bytes(s: &[u8]) -> Option<Cond> {
        let [a, b] = s else { return None };
        let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
        match (a, b) {
            (b'c', b's') => return Some(Cond::Hs),
            (b'c', b'c') => return Some(Cond::Lo),
            _ => {}
        }
        let mut i = 0;
        while i < Self::NAMES.len() {
            let n = Self::NAMES[i].as_bytes();
            if n[0] == a && n[1] == b {
                return Some(Self::ALL[i]);
            }
            i += 1;
        }
        None
    }

    /// The condition with the given 4-bit code.
    #[inline]
    pub const fn from_code(code: u8) -> Cond {
        Self::ALL[(code & 15) as usize]
    }

    /// The name (`eq`).
    #[inline]
    pub const fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The opposite condition (`eq` ↔ `ne`); `al` and `nv` swap.
    #[inline]
    pub const fn invert(self) -> Cond {
        Self::ALL[(self as usize) ^ 1]
    }
}

/// How a memory operand updates its base.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemMode {
    /// `[base, offset]`
    Offset,
    /// `[base, #imm]!`
    PreIndex,
    /// `[base], #imm` or `[base], xm`
    PostIndex,
}

/// The offset of a memory operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemOffset {
    /// An immediate (`#0` when none is written).
    Imm(i64),
    /// An index register with an optional extend or shift.
    Reg(Reg, Option<Modifier>),
}

/// A memory operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mem {
    /// The base register (`xN` or `sp`).
    pub base: Reg,
    /// The offset.
    pub offset: MemOffset,
    /// Offset, pre-index or post-index.
    pub mode: MemMode,
}

impl Mem {
    /// `[base]`.
    #[inline]
    pub const fn base(base: Reg) -> Mem {
        Mem {
            base,
            offset: MemOffset::Imm(0),
            mode: MemMode::Offset,
        }
    }

    /// `[base, #offset]`.
    #[inline]
    pub const fn offset(base: Reg, offset: i64) -> Mem {
        Mem {
            base,
            offset: MemOffset::Imm(offset),
            mode: MemMode::Offset,
        }
    }

    /// `[base, #offset]!`.
    #[inline]
    pub const fn pre(base: Reg, offset: i64) -> Mem {
        Mem {
            base,
            offset: MemOffset::Imm(offset),
            mode: MemMode::PreIndex,
        }
    }

    /// `[base], #offset`.
    #[inline]
    pub const fn post(base: Reg, offset: i64) -> Mem {
        Mem {
            base,
            offset: MemOffset::Imm(offset),
            mode: MemMode::PostIndex,
        }
    }

    /// `[base, index{, modifier}]`.
    #[inline]
    pub const fn index(base: Reg, index: Reg, modifier: Option<Modifier>) -> Mem {
        Mem {
            base,
            offset: MemOffset::Reg(index, modifier),
            mode: MemMode::Offset,
        }
    }
}

/// A vector element (`v1.s[2]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Elem {
    /// Register number.
    pub reg: u8,
    /// Element size.
    pub size: ElemSize,
    /// Lane index.
    pub index: u8,
}

/// A list of consecutive vector registers (modulo 32): `{v0.4s, v1.4s}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VList {
    /// First register number.
    pub first: u8,
    /// Number of registers (1..=4).
    pub count: u8,
    /// Arrangement of every register.
    pub arr: Arrangement,
}

/// A list of one lane of consecutive vector registers: `{v0.s, v1.s}[1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VLaneList {
    /// First register number.
    pub first: u8,
    /// Number of registers (1..=4).
    pub count: u8,
    /// Element size.
    pub size: ElemSize,
    /// Lane index.
    pub index: u8,
}

/// One operand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand<'a> {
    /// A register.
    Reg(Reg),
    /// A vector element.
    Elem(Elem),
    /// A register list.
    List(VList),
    /// A list of one lane.
    LaneList(VLaneList),
    /// An integer immediate.
    Imm(i64),
    /// A floating-point immediate (`#1.5`).
    Float(f64),
    /// A shift or extend of the operand before it.
    Modifier(Modifier),
    /// A memory operand.
    Mem(Mem),
    /// A label (branch target, literal, `adr`/`adrp` target).
    Label(LabelRef<'a>),
    /// A condition code.
    Cond(Cond),
    /// A system register, `op0:op1:CRn:CRm:op2` as 16 bits.
    SysReg(u16),
    /// A PSTATE field of `msr` (immediate): `op1 << 3 | op2`.
    PState(u8),
    /// A barrier option (`ish` = 11); `#imm` is accepted as well.
    Barrier(u8),
    /// A prefetch operation (`pldl1keep` = 0); `#imm` is accepted as well.
    Prefetch(u8),
    /// A system control register `c0`..`c15`.
    CReg(u8),
    /// A name the operand model has no class for, read by aliases: the
    /// `bti` targets `c`, `j`, `jc`, and `csync`.
    Symbol(&'a str),
}

/// An instruction: a lower-case mnemonic and its operands in assembly order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Instruction<'a, 'o> {
    /// The mnemonic (`add`, `b.eq`, `ldr`).
    pub mnemonic: &'a str,
    /// The operands.
    pub operands: &'o [Operand<'a>],
}

impl<'a, 'o> Instruction<'a, 'o> {
    /// An instruction.
    #[inline]
    pub const fn new(mnemonic: &'a str, operands: &'o [Operand<'a>]) -> Self {
        Instruction { mnemonic, operands }
    }
}

/// Barrier option names of `dmb`/`dsb` (Arm ARM C6.2 DMB: the CRm values).
pub const BARRIER_OPTIONS: &[(&str, u8)] = &[
    ("oshld", 1),
    ("oshst", 2),
    ("osh", 3),
    ("nshld", 5),
    ("nshst", 6),
    ("nsh", 7),
    ("ishld", 9),
    ("ishst", 10),
    ("ish", 11),
    ("ld", 13),
    ("st", 14),
    ("sy", 15),
];

/// Prefetch operation names of `prfm` (Arm ARM C6.2 PRFM: the Rt values).
pub const PREFETCH_OPS: &[(&str, u8)] = &[
    ("pldl1keep", 0),
    ("pldl1strm", 1),
    ("pldl2keep", 2),
    ("pldl2strm", 3),
    ("pldl3keep", 4),
    ("pldl3strm", 5),
    ("plil1keep", 8),
    ("plil1strm", 9),
    ("plil2keep", 10),
    ("plil2strm", 11),
    ("plil3keep", 12),
    ("plil3strm", 13),
    ("pstl1keep", 16),
    ("pstl1strm", 17),
    ("pstl2keep", 18),
    ("pstl2strm", 19),
    ("pstl3keep", 20),
    ("pstl3strm", 21),
];

/// PSTATE fields of `msr` (immediate), as `op1 << 3 | op2` (Arm ARM C6.2
/// MSR (immediate)).
pub const PSTATE_FIELDS: &[(&str, u8)] = &[
    ("spsel", 0o05),
    ("daifset", 0o36),
    ("daifclr", 0o37),
    ("uao", 0o03),
    ("pan", 0o04),
    ("dit", 0o32),
    ("ssbs", 0o31),
    ("tco", 0o34),
];

/// Packs a system register number `op0:op1:CRn:CRm:op2` (`s3_3_c4_c2_0` is
/// `sysreg(3, 3, 4, 2, 0)`, `nzcv`).
#[inline]
pub const fn sysreg(op0: u8, op1: u8, crn: u8, crm: u8, op2: u8) -> u16 {
    ((op0 as u16 & 3) << 14)
        | ((op1 as u16 & 7) << 11)
        | ((crn as u16 & 15) << 7)
        | ((crm as u16 & 15) << 3)
        | (op2 as u16 & 7)
}

/// Common system registers by name (Arm ARM D19, encodings of the
/// registers an EL0 program or a JIT runtime reads most).
pub const SYSTEM_REGISTERS: &[(&str, u16)] = &[
    ("nzcv", sysreg(3, 3, 4, 2, 0)),
    ("daif", sysreg(3, 3, 4, 2, 1)),
    ("fpcr", sysreg(3, 3, 4, 4, 0)),
    ("fpsr", sysreg(3, 3, 4, 4, 1)),
    ("dczid_el0", sysreg(3, 3, 0, 0, 7)),
    ("ctr_el0", sysreg(3, 3, 0, 0, 1)),
    ("tpidr_el0", sysreg(3, 3, 13, 0, 2)),
    ("tpidrro_el0", sysreg(3, 3, 13, 0, 3)),
    ("cntfrq_el0", sysreg(3, 3, 14, 0, 0)),
    ("cntpct_el0", sysreg(3, 3, 14, 0, 1)),
    ("cntvct_el0", sysreg(3, 3, 14, 0, 2)),
    ("currentel", sysreg(3, 0, 4, 2, 2)),
    ("spsel", sysreg(3, 0, 4, 2, 0)),
    ("sp_el0", sysreg(3, 0, 4, 1, 0)),
    ("elr_el1", sysreg(3, 0, 4, 0, 1)),
    ("spsr_el1", sysreg(3, 0, 4, 0, 0)),
    ("midr_el1", sysreg(3, 0, 0, 0, 0)),
    ("mpidr_el1", sysreg(3, 0, 0, 0, 5)),
    ("tpidr_el1", sysreg(3, 0, 13, 0, 4)),
    ("vbar_el1", sysreg(3, 0, 12, 0, 0)),
    ("sctlr_el1", sysreg(3, 0, 1, 0, 0)),
    ("id_aa64isar0_el1", sysreg(3, 0, 0, 6, 0)),
    ("id_aa64pfr0_el1", sysreg(3, 0, 0, 4, 0)),
    ("rndr", sysreg(3, 3, 2, 4, 0)),
    ("rndrrs", sysreg(3, 3, 2, 4, 1)),
];

fn lookup(table: &[(&str, u8)], name: &str) -> Option<u8> {
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// A barrier option by name.
pub fn barrier_option(name: &str) -> Option<u8> {
    lookup(BARRIER_OPTIONS, name)
}

/// A prefetch operation by name.
pub fn prefetch_op(name: &str) -> Option<u8> {
    lookup(PREFETCH_OPS, name)
}

/// A PSTATE field by name.
pub fn pstate_field(name: &str) -> Option<u8> {
    lookup(PSTATE_FIELDS, name)
}

/// A system register by name (`tpidr_el0`) or generic number
/// (`s3_3_c13_c0_2`, op0 2 or 3).
pub fn system_register(name: &str) -> Option<u16> {
    if let Some(&(_, v)) = SYSTEM_REGISTERS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        return Some(v);
    }
    let rest = name.strip_prefix(['s', 'S'])?;
    let mut parts = rest.split('_');
    let num = |s: Option<&str>, c: bool, max: u8| -> Option<u8> {
        let s = s?;
        let s = if c { s.strip_prefix(['c', 'C'])? } else { s };
        // Decimal without leading zeros (`c04` is refused, as by llvm-mc).
        if s.is_empty()
            || s.len() > 2
            || (s.len() > 1 && s.starts_with('0'))
            || !s.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let v: u8 = s.parse().ok()?;
        (v <= max).then_some(v)
    };
    let op0 = num(parts.next(), false, 3)?;
    let op1 = num(parts.next(), false, 7)?;
    let crn = num(parts.next(), true, 15)?;
    let crm = num(parts.next(), true, 15)?;
    let op2 = num(parts.next(), false, 7)?;
    if parts.next().is_some() || op0 < 2 {
        return None;
    }
    Some(sysreg(op0, op1, crn, crm, op2))
}

/// An operation of `dc`, `ic`, `at` or `tlbi`: an alias of
/// `sys #op1, Cn, Cm, #op2{, Xt}` with a name (Arm ARM C6.2 DC, IC, AT and
/// TLBI, and their operation tables). [`SYS_OPS`] lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SysOp {
    /// The instruction that names it: `dc`, `ic`, `at` or `tlbi`.
    pub mnemonic: &'static str,
    /// The name, lower case (`civac`); read in any case.
    pub name: &'static str,
    /// `op1` of the `sys` instruction (0–7).
    pub op1: u8,
    /// `CRn` (0–15).
    pub crn: u8,
    /// `CRm` (0–15).
    pub crm: u8,
    /// `op2` (0–7).
    pub op2: u8,
    /// Whether it takes a register `Xt` (`dc civac, x0`); one without
    /// (`ic iallu`, `tlbi vmalle1is`) is encoded with `Rt` = 31 and
    /// refuses a register.
    pub reg: bool,
}

/// The operations of `dc`, `ic`, `at` and `tlbi`, once, for every use: the
/// table [`SYS_OPS`] and the builder's typed names (`DcOp::CIVAC`) are
/// both made from this list by the macro passed as `$cb`. Per instruction:
/// its mnemonic, the builder's type, the type's doc line, then one row
/// per operation — constant, name, `op1`, `CRn`, `CRm`, `op2`, whether it
/// takes a register. The operations are those of Armv8.0–8.6 (with
/// FEAT_DPB, FEAT_DPB2, FEAT_PAN2, FEAT_TLBIOS, FEAT_TLBIRANGE and MTE's
/// tag operations) and FEAT_ATS1A's `at s1e*a`, which llvm-mc 19 reads
/// without a feature; checked against llvm-mc by the golden vectors.
macro_rules! sys_ops {
    ($cb:ident) => {
        $cb! {
            dc DcOp "An operation of `dc` (data cache maintenance, by address or by set/way)." {
                ZVA zva 3 7 4 1 true;
                IVAC ivac 0 7 6 1 true;
                ISW isw 0 7 6 2 true;
                CVAC cvac 3 7 10 1 true;
                CSW csw 0 7 10 2 true;
                CVAU cvau 3 7 11 1 true;
                CIVAC civac 3 7 14 1 true;
                CISW cisw 0 7 14 2 true;
                CVAP cvap 3 7 12 1 true;
                CVADP cvadp 3 7 13 1 true;
                IGVAC igvac 0 7 6 3 true;
                IGSW igsw 0 7 6 4 true;
                CGSW cgsw 0 7 10 4 true;
                CIGSW cigsw 0 7 14 4 true;
                CGVAC cgvac 3 7 10 3 true;
                CGVAP cgvap 3 7 12 3 true;
                CGVADP cgvadp 3 7 13 3 true;
                CIGVAC cigvac 3 7 14 3 true;
                GVA gva 3 7 4 3 true;
                IGDVAC igdvac 0 7 6 5 true;
                IGDSW igdsw 0 7 6 6 true;
                CGDSW cgdsw 0 7 10 6 true;
                CIGDSW cigdsw 0 7 14 6 true;
                CGDVAC cgdvac 3 7 10 5 true;
                CGDVAP cgdvap 3 7 12 5 true;
                CGDVADP cgdvadp 3 7 13 5 true;
                CIGDVAC cigdvac 3 7 14 5 true;
                GZVA gzva 3 7 4 4 true;
            }
            ic IcOp "An operation of `ic` (instruction cache maintenance)." {
                IALLUIS ialluis 0 7 1 0 false;
                IALLU iallu 0 7 5 0 false;
                IVAU ivau 3 7 5 1 true;
            }
            at AtOp "An operation of `at` (address translation)." {
                S1E1R s1e1r 0 7 8 0 true;
                S1E2R s1e2r 4 7 8 0 true;
                S1E3R s1e3r 6 7 8 0 true;
                S1E1W s1e1w 0 7 8 1 true;
                S1E2W s1e2w 4 7 8 1 true;
                S1E3W s1e3w 6 7 8 1 true;
                S1E0R s1e0r 0 7 8 2 true;
                S1E0W s1e0w 0 7 8 3 true;
                S12E1R s12e1r 4 7 8 4 true;
                S12E1W s12e1w 4 7 8 5 true;
                S12E0R s12e0r 4 7 8 6 true;
                S12E0W s12e0w 4 7 8 7 true;
                S1E1RP s1e1rp 0 7 9 0 true;
                S1E1WP s1e1wp 0 7 9 1 true;
                S1E1A s1e1a 0 7 9 2 true;
                S1E2A s1e2a 4 7 9 2 true;
                S1E3A s1e3a 6 7 9 2 true;
            }
            tlbi TlbiOp "An operation of `tlbi` (TLB invalidation)." {
                IPAS2E1IS ipas2e1is 4 8 0 1 true;
                IPAS2LE1IS ipas2le1is 4 8 0 5 true;
                VMALLE1IS vmalle1is 0 8 3 0 false;
                ALLE2IS alle2is 4 8 3 0 false;
                ALLE3IS alle3is 6 8 3 0 false;
                VAE1IS vae1is 0 8 3 1 true;
                VAE2IS vae2is 4 8 3 1 true;
                VAE3IS vae3is 6 8 3 1 true;
                ASIDE1IS aside1is 0 8 3 2 true;
                VAAE1IS vaae1is 0 8 3 3 true;
                ALLE1IS alle1is 4 8 3 4 false;
                VALE1IS vale1is 0 8 3 5 true;
                VALE2IS vale2is 4 8 3 5 true;
                VALE3IS vale3is 6 8 3 5 true;
                VMALLS12E1IS vmalls12e1is 4 8 3 6 false;
                VAALE1IS vaale1is 0 8 3 7 true;
                IPAS2E1 ipas2e1 4 8 4 1 true;
                IPAS2LE1 ipas2le1 4 8 4 5 true;
                VMALLE1 vmalle1 0 8 7 0 false;
                ALLE2 alle2 4 8 7 0 false;
                ALLE3 alle3 6 8 7 0 false;
                VAE1 vae1 0 8 7 1 true;
                VAE2 vae2 4 8 7 1 true;
                VAE3 vae3 6 8 7 1 true;
                ASIDE1 aside1 0 8 7 2 true;
                VAAE1 vaae1 0 8 7 3 true;
                ALLE1 alle1 4 8 7 4 false;
                VALE1 vale1 0 8 7 5 true;
                VALE2 vale2 4 8 7 5 true;
                VALE3 vale3 6 8 7 5 true;
                VMALLS12E1 vmalls12e1 4 8 7 6 false;
                VAALE1 vaale1 0 8 7 7 true;
                VMALLE1OS vmalle1os 0 8 1 0 false;
                VAE1OS vae1os 0 8 1 1 true;
                ASIDE1OS aside1os 0 8 1 2 true;
                VAAE1OS vaae1os 0 8 1 3 true;
                VALE1OS vale1os 0 8 1 5 true;
                VAALE1OS vaale1os 0 8 1 7 true;
                IPAS2E1OS ipas2e1os 4 8 4 0 true;
                IPAS2LE1OS ipas2le1os 4 8 4 4 true;
                VAE2OS vae2os 4 8 1 1 true;
                VALE2OS vale2os 4 8 1 5 true;
                VMALLS12E1OS vmalls12e1os 4 8 1 6 false;
                VAE3OS vae3os 6 8 1 1 true;
                VALE3OS vale3os 6 8 1 5 true;
                ALLE2OS alle2os 4 8 1 0 false;
                ALLE1OS alle1os 4 8 1 4 false;
                ALLE3OS alle3os 6 8 1 0 false;
                RVAE1 rvae1 0 8 6 1 true;
                RVAAE1 rvaae1 0 8 6 3 true;
                RVALE1 rvale1 0 8 6 5 true;
                RVAALE1 rvaale1 0 8 6 7 true;
                RVAE1IS rvae1is 0 8 2 1 true;
                RVAAE1IS rvaae1is 0 8 2 3 true;
                RVALE1IS rvale1is 0 8 2 5 true;
                RVAALE1IS rvaale1is 0 8 2 7 true;
                RVAE1OS rvae1os 0 8 5 1 true;
                RVAAE1OS rvaae1os 0 8 5 3 true;
                RVALE1OS rvale1os 0 8 5 5 true;
                RVAALE1OS rvaale1os 0 8 5 7 true;
                RIPAS2E1IS ripas2e1is 4 8 0 2 true;
                RIPAS2LE1IS ripas2le1is 4 8 0 6 true;
                RIPAS2E1 ripas2e1 4 8 4 2 true;
                RIPAS2LE1 ripas2le1 4 8 4 6 true;
                RIPAS2E1OS ripas2e1os 4 8 4 3 true;
                RIPAS2LE1OS ripas2le1os 4 8 4 7 true;
                RVAE2 rvae2 4 8 6 1 true;
                RVALE2 rvale2 4 8 6 5 true;
                RVAE2IS rvae2is 4 8 2 1 true;
                RVALE2IS rvale2is 4 8 2 5 true;
                RVAE2OS rvae2os 4 8 5 1 true;
                RVALE2OS rvale2os 4 8 5 5 true;
                RVAE3 rvae3 6 8 6 1 true;
                RVALE3 rvale3 6 8 6 5 true;
                RVAE3IS rvae3is 6 8 2 1 true;
                RVALE3IS rvale3is 6 8 2 5 true;
                RVAE3OS rvae3os 6 8 5 1 true;
                RVALE3OS rvale3os 6 8 5 5 true;
            }
        }
    };
}
pub(crate) use sys_ops;

macro_rules! sys_op_table {
    ($($m:ident $t:ident $doc:literal {
        $($c:ident $n:ident $op1:literal $crn:literal $crm:literal $op2:literal $reg:literal;)*
    })*) => {
        /// The operations of `dc`, `ic`, `at` and `tlbi` by name, grouped
        /// by instruction (Arm ARM C6.2 DC, IC, AT, TLBI).
        pub const SYS_OPS: &[SysOp] = &[$($(SysOp {
            mnemonic: stringify!($m),
            name: stringify!($n),
            op1: $op1,
            crn: $crn,
            crm: $crm,
            op2: $op2,
            reg: $reg,
        },)*)*];

        /// The instructions whose first operand names a [`SysOp`].
        pub const SYS_OP_MNEMONICS: &[&str] = &[$(stringify!($m)),*];
    };
}
sys_ops!(sys_op_table);

/// The operation `name` (any case) of `mnemonic` (`dc`, `ic`, `at`,
/// `tlbi`; lower case): `sys_op("dc", "civac")`.
pub fn sys_op(mnemonic: &str, name: &str) -> Option<&'static SysOp> {
    SYS_OPS
        .iter()
        .find(|o| o.mnemonic == mnemonic && o.name.eq_ignore_ascii_case(name))
}
