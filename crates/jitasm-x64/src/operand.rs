//! Operands and instructions as the encoder takes them.
//!
//! Every front end (macro, builder, text) lowers what the user wrote to an
//! [`Instruction`]: a mnemonic, up to five [`Operand`]s, AVX-512
//! [`Decorations`] and [`Prefixes`]. The form matcher picks the table row
//! ([`crate::table::Form`]) and the encoder writes its bytes.

use crate::reg::{Reg, RegClass};
use crate::table::MNEMONICS;
use jitasm_core::LabelRef;

/// A mnemonic: an index into [`MNEMONICS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mnemonic(pub(crate) u16);

impl Mnemonic {
    /// Looks a mnemonic up by name (case-insensitive), e.g. `"vaddps"`.
    pub fn parse(name: &str) -> Option<Mnemonic> {
        let mut buf = [0u8; 24];
        let bytes = name.as_bytes();
        if bytes.len() > buf.len() {
            return None;
        }
        for (d, s) in buf.iter_mut().zip(bytes) {
            *d = s.to_ascii_lowercase();
        }
        let lower = &buf[..bytes.len()];
        let mut alias = [0u8; 24];
        let canonical = canonical_condition(lower, &mut alias).unwrap_or(lower);
        let name: &[u8] = match canonical {
            b"sal" => b"shl",
            b"xlat" => b"xlatb",
            other => other,
        };
        find(name).map(|i| Mnemonic(i as u16))
    }

    /// The mnemonic's index in [`MNEMONICS`].
    pub const fn index(self) -> u16 {
        self.0
    }

    /// The mnemonic for index `i` of [`MNEMONICS`].
    pub fn from_index(i: u16) -> Option<Mnemonic> {
        ((i as usize) < MNEMONICS.len()).then_some(Mnemonic(i))
    }

    /// The name, lower case.
    pub fn name(self) -> &'static str {
        MNEMONICS[self.0 as usize]
    }
}

/// The condition-code spellings the manuals give as synonyms (`jz` for
/// `je`, `setnae` for `setb`, `cmovpe` for `cmovp`), written once: each row
/// names the synonym and the table's condition, then the `jcc`, `setcc` and
/// `cmovcc` method names with the table's method and builder trait. Passed
/// to `$cb`, which makes [`Mnemonic::parse`]'s table here and the builder's
/// alias methods in `builder.rs`.
macro_rules! with_condition_aliases {
    ($cb:ident) => {
        $cb! {
            z => e: jz je Je1, setz sete Sete1, cmovz cmove Cmove2;
            nz => ne: jnz jne Jne1, setnz setne Setne1, cmovnz cmovne Cmovne2;
            c => b: jc jb Jb1, setc setb Setb1, cmovc cmovb Cmovb2;
            nae => b: jnae jb Jb1, setnae setb Setb1, cmovnae cmovb Cmovb2;
            nc => ae: jnc jae Jae1, setnc setae Setae1, cmovnc cmovae Cmovae2;
            nb => ae: jnb jae Jae1, setnb setae Setae1, cmovnb cmovae Cmovae2;
            na => be: jna jbe Jbe1, setna setbe Setbe1, cmovna cmovbe Cmovbe2;
            nbe => a: jnbe ja Ja1, setnbe seta Seta1, cmovnbe cmova Cmova2;
            pe => p: jpe jp Jp1, setpe setp Setp1, cmovpe cmovp Cmovp2;
            po => np: jpo jnp Jnp1, setpo setnp Setnp1, cmovpo cmovnp Cmovnp2;
            nge => l: jnge jl Jl1, setnge setl Setl1, cmovnge cmovl Cmovl2;
            nl => ge: jnl jge Jge1, setnl setge Setge1, cmovnl cmovge Cmovge2;
            ng => le: jng jle Jle1, setng setle Setle1, cmovng cmovle Cmovle2;
            nle => g: jnle jg Jg1, setnle setg Setg1, cmovnle cmovg Cmovg2;
        }
    };
}
pub(crate) use with_condition_aliases;

macro_rules! condition_alias_table {
    ($($from:ident => $to:ident: $($m:ident $t:ident $tr:ident),*;)*) => {
        /// The synonym conditions and the table's (from
        /// `with_condition_aliases`).
        const CONDITION_ALIASES: &[(&str, &str)] = &[$((stringify!($from), stringify!($to))),*];
    };
}
with_condition_aliases!(condition_alias_table);

/// `j`/`set`/`cmov` + an alias condition, rewritten into `buf`.
fn canonical_condition<'b>(m: &[u8], buf: &'b mut [u8; 24]) -> Option<&'b [u8]> {
    let prefix: &[u8] = match m.first()? {
        b'c' if m.starts_with(b"cmov") => b"cmov",
        b's' if m.starts_with(b"set") => b"set",
        b'j' => b"j",
        _ => return None,
    };
    let cond = &m[prefix.len()..];
    let (_, to) = CONDITION_ALIASES
        .iter()
        .find(|(from, _)| from.as_bytes() == cond)?;
    let n = prefix.len() + to.len();
    buf[..prefix.len()].copy_from_slice(prefix);
    buf[prefix.len()..n].copy_from_slice(to.as_bytes());
    Some(&buf[..n])
}

/// The index of `name` in [`MNEMONICS`]: a binary search on the first 8
/// bytes as a number, then the names that share them.
fn find(name: &[u8]) -> Option<usize> {
    use crate::generated::builder::MNEMONIC_KEYS;
    let mut k = [0u8; 8];
    for (d, b) in k.iter_mut().zip(name) {
        *d = *b;
    }
    let key = u64::from_be_bytes(k);
    let start = MNEMONIC_KEYS.partition_point(|&x| x < key);
    (start..MNEMONIC_KEYS.len())
        .take_while(|&i| MNEMONIC_KEYS[i] == key)
        .find(|&i| MNEMONICS.get(i).is_some_and(|m| m.as_bytes() == name))
}

/// A size hint for a displacement (`[BYTE rax + 8]` / `[DWORD rax + 8]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DispSize {
    /// The shortest that holds the value.
    #[default]
    Auto,
    /// An 8-bit displacement (after disp8×N scaling); an error if it does not fit.
    Byte,
    /// A 32-bit displacement, even when a shorter one would do.
    Dword,
}

/// A memory operand: `seg:[base + index*scale + disp]`, or a label address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mem<'a> {
    /// Base register: a general-purpose register, or `rip`/`eip`.
    pub base: Option<Reg>,
    /// Index register: general purpose, or a vector register for VSIB.
    pub index: Option<Reg>,
    /// Scale of the index: 1, 2, 4 or 8.
    pub scale: u8,
    /// Displacement.
    pub disp: i64,
    /// A label whose address (plus `disp`) is the displacement: RIP-relative
    /// with base `rip`, absolute otherwise.
    pub label: Option<LabelRef<'a>>,
    /// Segment override.
    pub seg: Option<Reg>,
    /// Size of the operand in bytes as written (`DWORD`, `xmmword ptr`…), or 0
    /// when not written.
    pub size: u16,
    /// `{1toN}`: broadcast one element to N.
    pub bcst: u8,
    /// Displacement size hint.
    pub disp_size: DispSize,
}

impl<'a> Mem<'a> {
    /// `[base]`.
    pub const fn base(base: Reg) -> Self {
        Mem {
            base: Some(base),
            ..Mem::EMPTY
        }
    }

    /// `[disp]`: an absolute address.
    pub const fn abs(disp: i64) -> Self {
        Mem { disp, ..Mem::EMPTY }
    }

    /// `[rip + label]`.
    pub const fn rip(label: LabelRef<'a>) -> Self {
        Mem {
            base: Some(crate::reg::regs::rip),
            label: Some(label),
            ..Mem::EMPTY
        }
    }

    /// No base, no index, no displacement.
    pub const EMPTY: Mem<'static> = Mem {
        base: None,
        index: None,
        scale: 1,
        disp: 0,
        label: None,
        seg: None,
        size: 0,
        bcst: 0,
        disp_size: DispSize::Auto,
    };

    /// The same operand with `index * scale` added.
    pub const fn index(self, index: Reg, scale: u8) -> Self {
        Mem {
            index: Some(index),
            scale,
            ..self
        }
    }

    /// The same operand with `disp` added.
    pub const fn disp(self, disp: i64) -> Self {
        Mem {
            disp: self.disp.wrapping_add(disp),
            ..self
        }
    }

    /// The same operand with its size stated (bytes: 1, 2, 4, 8, 10, 16, 32, 64…).
    pub const fn sized(self, size: u16) -> Self {
        Mem { size, ..self }
    }

    /// The same operand with a segment override.
    pub const fn seg(self, seg: Reg) -> Self {
        Mem {
            seg: Some(seg),
            ..self
        }
    }

    /// The same operand broadcast `{1toN}`.
    pub const fn bcst(self, n: u8) -> Self {
        Mem { bcst: n, ..self }
    }
}

/// An immediate with an optional size hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Imm {
    /// The value. 64-bit unsigned values are given as their two's-complement
    /// `i64`; the form's field decides which values fit.
    pub value: i64,
    /// Size hint in bytes (`BYTE 5` → 1), or 0 for the shortest form.
    pub size: u8,
}

/// One operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand<'a> {
    /// A register.
    Reg(Reg),
    /// A memory operand.
    Mem(Mem<'a>),
    /// An immediate.
    Imm(Imm),
    /// A branch target (`jmp ->label`) with a size hint in bytes (1 for
    /// `rel8`, 0 for the default `rel32`).
    Label(LabelRef<'a>, u8),
    /// A far pointer `selector:offset` (x86-32 `jmp`/`call`).
    Far(u16, u32),
}

impl From<Reg> for Operand<'_> {
    fn from(r: Reg) -> Self {
        Operand::Reg(r)
    }
}

impl<'a> From<Mem<'a>> for Operand<'a> {
    fn from(m: Mem<'a>) -> Self {
        Operand::Mem(m)
    }
}

impl From<i64> for Operand<'_> {
    fn from(value: i64) -> Self {
        Operand::Imm(Imm { value, size: 0 })
    }
}

impl<'a> From<LabelRef<'a>> for Operand<'a> {
    fn from(l: LabelRef<'a>) -> Self {
        Operand::Label(l, 0)
    }
}

/// Embedded rounding modes (`{rn-sae}` …), as encoded in EVEX.L'L.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// `{rn-sae}`: to nearest even.
    Nearest = 0,
    /// `{rd-sae}`: toward −∞.
    Down = 1,
    /// `{ru-sae}`: toward +∞.
    Up = 2,
    /// `{rz-sae}`: toward zero.
    Zero = 3,
}

/// AVX-512 decorations of an instruction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Decorations {
    /// `{k1}`…`{k7}` on the destination (must be class [`RegClass::K`]).
    pub mask: Option<Reg>,
    /// `{z}`: zeroing-masking.
    pub zeroing: bool,
    /// `{rn-sae}`…: embedded rounding (implies SAE).
    pub rounding: Option<Rounding>,
    /// `{sae}`: suppress all exceptions.
    pub sae: bool,
}

impl Decorations {
    /// No decorations.
    pub const NONE: Decorations = Decorations {
        mask: None,
        zeroing: false,
        rounding: None,
        sae: false,
    };

    /// Whether any decoration is present.
    pub const fn any(&self) -> bool {
        self.mask.is_some() || self.zeroing || self.rounding.is_some() || self.sae
    }
}

/// Instruction prefixes written by the user (bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Prefixes(pub u16);

impl Prefixes {
    /// No prefixes.
    pub const NONE: Prefixes = Prefixes(0);
    /// `lock` (F0).
    pub const LOCK: Prefixes = Prefixes(1);
    /// `rep` / `repe` / `repz` (F3).
    pub const REP: Prefixes = Prefixes(1 << 1);
    /// `repne` / `repnz` (F2).
    pub const REPNE: Prefixes = Prefixes(1 << 2);
    /// `xacquire` (F2, with `lock` or `xchg`).
    pub const XACQUIRE: Prefixes = Prefixes(1 << 3);
    /// `xrelease` (F3).
    pub const XRELEASE: Prefixes = Prefixes(1 << 4);
    /// `bnd` (F2, MPX branches).
    pub const BND: Prefixes = Prefixes(1 << 5);
    /// `notrack` (3E, CET indirect branches).
    pub const NOTRACK: Prefixes = Prefixes(1 << 6);
    /// `{vex}`: prefer a VEX encoding.
    pub const VEX: Prefixes = Prefixes(1 << 7);
    /// `{vex3}`: a 3-byte VEX prefix even where 2 bytes would do.
    pub const VEX3: Prefixes = Prefixes(1 << 8);
    /// `{evex}`: an EVEX encoding even where VEX would do.
    pub const EVEX: Prefixes = Prefixes(1 << 9);

    /// Whether all bits of `p` are set.
    pub const fn has(self, p: Prefixes) -> bool {
        self.0 & p.0 == p.0 && p.0 != 0
    }

    /// The union.
    pub const fn with(self, p: Prefixes) -> Prefixes {
        Prefixes(self.0 | p.0)
    }
}

impl core::ops::BitOr for Prefixes {
    type Output = Prefixes;
    fn bitor(self, rhs: Prefixes) -> Prefixes {
        self.with(rhs)
    }
}

/// An instruction to encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction<'a, 'o> {
    /// The mnemonic.
    pub mnemonic: Mnemonic,
    /// Operands in Intel order (destination first).
    pub operands: &'o [Operand<'a>],
    /// AVX-512 decorations.
    pub decorations: Decorations,
    /// Prefixes.
    pub prefixes: Prefixes,
}

impl<'a, 'o> Instruction<'a, 'o> {
    /// An instruction without decorations or prefixes.
    pub const fn new(mnemonic: Mnemonic, operands: &'o [Operand<'a>]) -> Self {
        Instruction {
            mnemonic,
            operands,
            decorations: Decorations::NONE,
            prefixes: Prefixes::NONE,
        }
    }
}

/// The processor mode code is assembled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// 64-bit mode (x86-64).
    Long,
    /// 32-bit protected mode (x86-32).
    Protected,
}

impl Mode {
    /// Whether this is 64-bit mode.
    pub const fn is64(self) -> bool {
        matches!(self, Mode::Long)
    }

    /// The general-purpose register class of addresses in this mode.
    pub const fn address_class(self) -> RegClass {
        match self {
            Mode::Long => RegClass::Gp64,
            Mode::Protected => RegClass::Gp32,
        }
    }
}
