//! The x86 instruction form table and its vocabulary.
//!
//! The rows are generated (`src/generated/forms.rs`); the types they are made
//! of are written here. Operand kinds carry the Intel SDM notation
//! (`r/m64`, `xmm2/m128`, `imm8`…) so that errors can list the forms of a
//! mnemonic as the manual writes them.

pub use crate::generated::forms::{FEATURES, FORMS, MNEMONICS, MNEMONIC_FORMS, ORACLE_NAMES};

macro_rules! op_kinds {
    ($($(#[$doc:meta])* $name:ident => $notation:literal,)*) => {
        /// The kind of one operand slot of a form.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OpKind {
            $($(#[$doc])* $name,)*
        }
        impl OpKind {
            /// Every kind.
            pub const ALL: &'static [OpKind] = &[$(OpKind::$name,)*];
            /// The manual's notation for the kind.
            pub const fn notation(self) -> &'static str {
                match self { $(OpKind::$name => $notation,)* }
            }
        }
    };
}

op_kinds! {
    /// The register `al`, implied by the opcode.
    Al => "AL",
    /// The register `ax`, implied.
    Ax => "AX",
    /// The register `eax`, implied.
    Eax => "EAX",
    /// The register `rax`, implied.
    Rax => "RAX",
    /// The register `cl`, implied (shift counts).
    Cl => "CL",
    /// The register `dx`, implied (port I/O).
    Dx => "DX",
    /// `st(0)`, implied.
    St0 => "ST(0)",
    /// Segment register `es`, implied.
    Es => "ES",
    /// Segment register `cs`, implied.
    Cs => "CS",
    /// Segment register `ss`, implied.
    Ss => "SS",
    /// Segment register `ds`, implied.
    Ds => "DS",
    /// Segment register `fs`, implied.
    Fs => "FS",
    /// Segment register `gs`, implied.
    Gs => "GS",
    /// 8-bit register in ModRM.reg.
    R8Reg => "r8",
    /// 8-bit register or memory in ModRM.rm.
    R8OrMem => "r/m8",
    /// 8-bit register in the low opcode bits.
    R8Opcode => "r8",
    /// 16-bit register in ModRM.reg.
    R16Reg => "r16",
    /// 16-bit register or memory in ModRM.rm.
    R16OrMem => "r/m16",
    /// 16-bit register in ModRM.rm (register form only).
    R16Rm => "r16",
    /// 16-bit register in the low opcode bits.
    R16Opcode => "r16",
    /// 16-bit register in ModRM.reg naming a memory address (`movdir64b`).
    R16RegMem => "r16",
    /// 32-bit register in ModRM.reg.
    R32Reg => "r32",
    /// 32-bit register or memory in ModRM.rm.
    R32OrMem => "r/m32",
    /// 32-bit register in ModRM.rm (register form only).
    R32Rm => "r32",
    /// 32-bit register in the low opcode bits.
    R32Opcode => "r32",
    /// 32-bit register in VEX.vvvv.
    R32Vvvv => "r32",
    /// 32-bit register in ModRM.reg naming a memory address.
    R32RegMem => "r32",
    /// 32-bit register or MPX memory operand.
    R32OrMemMpx => "r/m32",
    /// 64-bit register in ModRM.reg.
    R64Reg => "r64",
    /// 64-bit register or memory in ModRM.rm.
    R64OrMem => "r/m64",
    /// 64-bit register in ModRM.rm (register form only).
    R64Rm => "r64",
    /// 64-bit register in the low opcode bits.
    R64Opcode => "r64",
    /// 64-bit register in VEX.vvvv.
    R64Vvvv => "r64",
    /// 64-bit register in ModRM.reg naming a memory address.
    R64RegMem => "r64",
    /// 64-bit register or MPX memory operand.
    R64OrMemMpx => "r/m64",
    /// Segment register in ModRM.reg.
    SegReg => "Sreg",
    /// Control register in ModRM.reg.
    CrReg => "CR0-CR15",
    /// Debug register in ModRM.reg.
    DrReg => "DR0-DR7",
    /// Test register in ModRM.reg (32-bit mode only).
    TrReg => "TR3-TR7",
    /// MPX bound register in ModRM.reg.
    BndReg => "bnd",
    /// MPX bound register or memory in ModRM.rm.
    BndOrMemMpx => "bnd/m",
    /// `st(i)` in the low opcode bits.
    StiOpcode => "ST(i)",
    /// MMX register in ModRM.reg.
    MmReg => "mm",
    /// MMX register in ModRM.rm (register form only).
    MmRm => "mm",
    /// MMX register or memory in ModRM.rm.
    MmOrMem => "mm/m64",
    /// XMM register in ModRM.reg.
    XmmReg => "xmm",
    /// XMM register in ModRM.rm (register form only).
    XmmRm => "xmm",
    /// XMM register or memory in ModRM.rm.
    XmmOrMem => "xmm/m",
    /// XMM register in VEX/EVEX.vvvv.
    XmmVvvv => "xmm",
    /// A group of four XMM registers starting at vvvv (`v4fmaddss`).
    XmmP3Vvvv => "xmm+3",
    /// XMM register in the high bits of an immediate byte.
    XmmIs4 => "xmm",
    /// XMM register in an immediate byte that also holds `imm4`.
    XmmIs5 => "xmm",
    /// YMM register in ModRM.reg.
    YmmReg => "ymm",
    /// YMM register in ModRM.rm (register form only).
    YmmRm => "ymm",
    /// YMM register or memory in ModRM.rm.
    YmmOrMem => "ymm/m",
    /// YMM register in VEX/EVEX.vvvv.
    YmmVvvv => "ymm",
    /// YMM register in the high bits of an immediate byte.
    YmmIs4 => "ymm",
    /// YMM register in an immediate byte that also holds `imm4`.
    YmmIs5 => "ymm",
    /// ZMM register in ModRM.reg.
    ZmmReg => "zmm",
    /// ZMM register in ModRM.rm (register form only).
    ZmmRm => "zmm",
    /// ZMM register or memory in ModRM.rm.
    ZmmOrMem => "zmm/m",
    /// ZMM register in EVEX.vvvv.
    ZmmVvvv => "zmm",
    /// A group of four ZMM registers starting at vvvv.
    ZmmP3Vvvv => "zmm+3",
    /// Mask register in ModRM.reg.
    KReg => "k",
    /// An even/odd pair of mask registers in ModRM.reg (`vp2intersect`).
    KP1Reg => "k+1",
    /// Mask register in ModRM.rm.
    KRm => "k",
    /// Mask register in VEX.vvvv.
    KVvvv => "k",
    /// Mask register or memory in ModRM.rm.
    KOrMem => "k/m",
    /// AMX tile register in ModRM.reg.
    TmmReg => "tmm",
    /// AMX tile register in ModRM.rm.
    TmmRm => "tmm",
    /// AMX tile register in VEX.vvvv.
    TmmVvvv => "tmm",
    /// Memory in ModRM.rm.
    Mem => "m",
    /// A 64/32-bit absolute address in the instruction (`moffs`).
    MemOffs => "moffs",
    /// MPX memory operand.
    MemMpx => "m",
    /// MPX base+index memory operand (`mib`).
    MemMib => "mib",
    /// Memory operand that requires a SIB byte (`sibmem`, AMX).
    SibMem => "sibmem",
    /// VSIB memory with 32-bit XMM indices.
    Vsib32x => "vm32x",
    /// VSIB memory with 32-bit YMM indices.
    Vsib32y => "vm32y",
    /// VSIB memory with 32-bit ZMM indices.
    Vsib32z => "vm32z",
    /// VSIB memory with 64-bit XMM indices.
    Vsib64x => "vm64x",
    /// VSIB memory with 64-bit YMM indices.
    Vsib64y => "vm64y",
    /// VSIB memory with 64-bit ZMM indices.
    Vsib64z => "vm64z",
    /// Implied `seg:[rSI]` string source.
    SegRsi => "m",
    /// Implied `es:[rDI]` string destination.
    EsRdi => "m",
    /// Implied `seg:[rDI]` (`maskmovq`).
    SegRdi => "m",
    /// Implied `seg:[rBX + al]` (`xlat`).
    SegRbxAl => "m8",
    /// 8-bit immediate.
    Imm8 => "imm8",
    /// The constant 1 (shift by one).
    Imm8Const1 => "1",
    /// 8-bit immediate sign-extended to 16 bits.
    Imm8Sex16 => "imm8",
    /// 8-bit immediate sign-extended to 32 bits.
    Imm8Sex32 => "imm8",
    /// 8-bit immediate sign-extended to 64 bits.
    Imm8Sex64 => "imm8",
    /// 16-bit immediate.
    Imm16 => "imm16",
    /// 32-bit immediate.
    Imm32 => "imm32",
    /// 32-bit immediate sign-extended to 64 bits.
    Imm32Sex64 => "imm32",
    /// 64-bit immediate.
    Imm64 => "imm64",
    /// 2-bit immediate in an immediate byte (`vpermil2ps`).
    Imm4M2z => "imm4",
    /// 8-bit branch displacement, 16-bit operand size.
    Br16_1 => "rel8",
    /// 8-bit branch displacement, 32-bit operand size.
    Br32_1 => "rel8",
    /// 8-bit branch displacement, 64-bit operand size.
    Br64_1 => "rel8",
    /// 16-bit branch displacement.
    Br16_2 => "rel16",
    /// 32-bit branch displacement, 32-bit operand size.
    Br32_4 => "rel32",
    /// 32-bit branch displacement, 64-bit operand size.
    Br64_4 => "rel32",
    /// `xbegin` 16-bit displacement.
    Xbegin2 => "rel16",
    /// `xbegin` 32-bit displacement.
    Xbegin4 => "rel32",
    /// `jmpe` 16-bit absolute displacement.
    BrDisp2 => "disp16",
    /// `jmpe` 32-bit absolute displacement.
    BrDisp4 => "disp32",
    /// Far pointer `ptr16:16`.
    FarBr2_2 => "ptr16:16",
    /// Far pointer `ptr16:32`.
    FarBr4_2 => "ptr16:32",
}

impl OpKind {
    /// Whether this is an MPX memory operand (64-bit addresses only in
    /// 64-bit mode, no RIP-relative form).
    pub const fn is_mpx(self) -> bool {
        matches!(
            self,
            OpKind::R32OrMemMpx
                | OpKind::R64OrMemMpx
                | OpKind::BndOrMemMpx
                | OpKind::MemMpx
                | OpKind::MemMib
        )
    }
}

/// How a form is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Legacy prefixes, optional REX, opcode.
    Legacy,
    /// VEX prefix (AVX, AVX2, FMA, BMI, AMX…).
    Vex,
    /// EVEX prefix (AVX-512).
    Evex,
    /// AMD XOP prefix.
    Xop,
    /// AMD 3DNow! (`0F 0F /r ib`).
    D3now,
}

/// The mandatory prefix of a form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// None, and others allowed.
    None,
    /// None, and 66/F2/F3 not allowed (`NP` in the manual).
    Np,
    /// 66.
    P66,
    /// F3.
    PF3,
    /// F2.
    PF2,
}

/// The opcode map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Map {
    /// One-byte opcodes.
    Primary,
    /// `0F`.
    M0F,
    /// `0F 38`.
    M0F38,
    /// `0F 3A`.
    M0F3A,
    /// EVEX map 5 (AVX512-FP16).
    Map5,
    /// EVEX map 6 (AVX512-FP16).
    Map6,
    /// XOP map 8.
    Xop8,
    /// XOP map 9.
    Xop9,
    /// XOP map 10.
    Xop10,
}

/// The W bit (REX.W / VEX.W / EVEX.W) a form needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum W {
    /// W = 0.
    W0,
    /// W = 1.
    W1,
    /// Ignored.
    Wig,
    /// Ignored outside 64-bit mode, W0 in it.
    Wig32,
}

/// Flags of a form (bits of [`Form::flags`]).
pub mod flags {
    /// Valid in 64-bit mode.
    pub const MODE64: u32 = 1 << 0;
    /// Valid in 32-bit mode.
    pub const MODE32: u32 = 1 << 1;
    /// Takes an opmask `{k}`.
    pub const MASK: u32 = 1 << 2;
    /// Requires an opmask other than k0.
    pub const MASK_REQUIRED: u32 = 1 << 3;
    /// Takes zeroing-masking `{z}`.
    pub const ZEROING: u32 = 1 << 4;
    /// Takes an embedded broadcast `{1toN}`.
    pub const BROADCAST: u32 = 1 << 5;
    /// Takes embedded rounding `{rn-sae}`…
    pub const ROUNDING: u32 = 1 << 6;
    /// Takes suppress-all-exceptions `{sae}`.
    pub const SAE: u32 = 1 << 7;
    /// Takes a `lock` prefix.
    pub const LOCK: u32 = 1 << 8;
    /// Takes `rep`/`repe`.
    pub const REP: u32 = 1 << 9;
    /// Takes `repne`.
    pub const REPNE: u32 = 1 << 10;
    /// Takes `bnd`.
    pub const BND: u32 = 1 << 11;
    /// Takes `xacquire`.
    pub const XACQUIRE: u32 = 1 << 12;
    /// Takes `xrelease`.
    pub const XRELEASE: u32 = 1 << 13;
    /// Emits `fwait` (9B) first.
    pub const FWAIT: u32 = 1 << 14;
    /// 64-bit operand size by default in 64-bit mode (no REX.W needed).
    pub const DEFAULT64: u32 = 1 << 15;
    /// 64-bit operand size always in 64-bit mode.
    pub const FORCE64: u32 = 1 << 16;
    /// Register operands must be distinct (gathers, `vp2intersect`).
    pub const UNIQUE_REGS: u32 = 1 << 17;
    /// A VEX form selected only with the `{vex}` pseudo-prefix: without it
    /// the mnemonic means its EVEX form (AVX-VNNI, AVX-IFMA, AVX-NE-CONVERT).
    pub const VEX_EXPLICIT: u32 = 1 << 18;
    /// The destination register must differ from every source register
    /// (AVX512-FP16 complex multiplies).
    pub const UNIQUE_DEST: u32 = 1 << 19;
    /// A form of an early or clone CPU (Cyrix, 486 A-step…) that shares its
    /// mnemonic with the standard instruction: chosen only when no standard
    /// form takes the operands.
    pub const OBSOLETE_ALT: u32 = 1 << 20;
}

/// One instruction form: a row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Form {
    /// Index into [`MNEMONICS`].
    pub mnemonic: u16,
    /// Operand kinds, in Intel operand order.
    pub operands: &'static [OpKind],
    /// Encoding family.
    pub encoding: Encoding,
    /// Mandatory prefix.
    pub prefix: Prefix,
    /// Opcode map.
    pub map: Map,
    /// Opcode byte(s) as the manual writes them (big-endian).
    pub opcode: u32,
    /// Number of opcode bytes.
    pub opcode_len: u8,
    /// `/digit` (ModRM.reg extension), or -1.
    pub digit: i8,
    /// Fixed ModRM.rm value, or -1.
    pub rm_digit: i8,
    /// W bit.
    pub w: W,
    /// Vector length (0: 128 or none, 1: 256, 2: 512).
    pub l: u8,
    /// Whether L is ignored.
    pub lig: bool,
    /// Operand size the form needs (0, 16, 32, 64).
    pub operand_size: u8,
    /// Address size the form needs (0, 16, 32, 64).
    pub address_size: u8,
    /// Size in bytes of the memory operand (0: none, or not fixed by the
    /// instruction, as for `lea`).
    pub mem_size: u16,
    /// Size in bytes of one broadcast element (0: the form cannot broadcast).
    pub bcst_size: u8,
    /// EVEX disp8*N scale without broadcast.
    pub disp8_n: u8,
    /// EVEX disp8*N scale with broadcast.
    pub disp8_n_bcst: u8,
    /// [`flags`] bits.
    pub flags: u32,
    /// CPUID features, indices into [`FEATURES`].
    pub features: &'static [u16],
}

impl Form {
    /// The form's mnemonic.
    pub fn mnemonic(&self) -> &'static str {
        MNEMONICS[self.mnemonic as usize]
    }

    /// Whether the form has flag `f`.
    pub const fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Whether the form exists in `mode`.
    pub const fn valid_in(&self, mode: crate::operand::Mode) -> bool {
        match mode {
            crate::operand::Mode::Long => self.has(flags::MODE64),
            crate::operand::Mode::Protected => self.has(flags::MODE32),
        }
    }

    /// The form in the manual's notation, e.g. `add r/m64, r64`.
    pub fn notation(&self) -> alloc::string::String {
        let mut s = alloc::string::String::from(self.mnemonic());
        for (i, o) in self.operands.iter().enumerate() {
            s.push_str(if i == 0 { " " } else { ", " });
            s.push_str(o.notation());
        }
        s
    }
}

/// The forms of the mnemonic with index `i` in [`MNEMONICS`] (empty if there
/// is none).
pub fn forms_by_index(i: u16) -> &'static [Form] {
    match MNEMONIC_FORMS.get(i as usize) {
        Some(&(start, end)) => &FORMS[start as usize..end as usize],
        None => &[],
    }
}

/// The forms of `mnemonic` (lower case), or `None` for an unknown mnemonic.
pub fn forms_of(mnemonic: &str) -> Option<&'static [Form]> {
    let i = MNEMONICS.binary_search(&mnemonic).ok()?;
    let (start, end) = MNEMONIC_FORMS[i];
    Some(&FORMS[start as usize..end as usize])
}
