//! x86 form definitions from iced-x86's op-code info.

use iced_x86::{
    Code, CpuidFeature, EncodingKind, MandatoryPrefix, OpCodeOperandKind as K, OpCodeTableKind,
    TupleType,
};

/// One instruction form in our vocabulary (mirrors `jitasm_x64::table::Form`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormDef {
    /// iced's name of the form (`Add_rm64_r64`), for tests and messages.
    pub iced_name: String,
    /// Lower-case mnemonic.
    pub mnemonic: String,
    /// Operand kinds: names of `jitasm_x64::table::OpKind` variants.
    pub operands: Vec<&'static str>,
    /// `Legacy`, `Vex`, `Evex`, `Xop`, `D3now`.
    pub encoding: &'static str,
    /// Mandatory prefix: `None`, `Np`, `P66`, `PF3`, `PF2`.
    pub prefix: &'static str,
    /// Opcode map: `Primary`, `M0F`, `M0F38`, `M0F3A`, `Map5`, `Map6`, `Xop8`, `Xop9`, `Xop10`.
    pub map: &'static str,
    /// Opcode byte(s), big-endian as written in the manual.
    pub opcode: u32,
    /// Number of opcode bytes.
    pub opcode_len: u8,
    /// ModRM.reg extension (`/digit`), if any.
    pub digit: Option<u8>,
    /// Fixed ModRM.rm (register forms like `0F 01 C8+`), if any.
    pub rm_digit: Option<u8>,
    /// `W0`, `W1`, `Wig`, `Wig32` (ignored outside 64-bit mode).
    pub w: &'static str,
    /// Vector length: 0 (128/none), 1 (256), 2 (512).
    pub l: u8,
    /// Whether L is ignored.
    pub lig: bool,
    /// Operand size the form needs (0, 16, 32, 64): selects 66/REX.W.
    pub operand_size: u8,
    /// Address size the form needs (0, 16, 32, 64).
    pub address_size: u8,
    /// Size in bytes of the memory operand (0: none, or a size the
    /// instruction does not fix, as for `lea` or `clflush`).
    pub mem_size: u16,
    /// Size in bytes of one broadcast element (0: no broadcast).
    pub bcst_size: u8,
    /// disp8*N scale without broadcast (EVEX; 1 elsewhere).
    pub disp8_n: u8,
    /// disp8*N scale with broadcast (EVEX; 1 elsewhere).
    pub disp8_n_bcst: u8,
    /// Flag names (`jitasm_x64::table::flags` constants).
    pub flags: Vec<&'static str>,
    /// CPUID feature names.
    pub features: Vec<String>,
}

fn kind(k: K, form: &str) -> &'static str {
    match k {
        K::al => "Al",
        K::ax => "Ax",
        K::eax => "Eax",
        K::rax => "Rax",
        K::cl => "Cl",
        K::dx => "Dx",
        K::st0 => "St0",
        K::es => "Es",
        K::cs => "Cs",
        K::ss => "Ss",
        K::ds => "Ds",
        K::fs => "Fs",
        K::gs => "Gs",
        K::r8_reg => "R8Reg",
        K::r8_or_mem => "R8OrMem",
        K::r8_opcode => "R8Opcode",
        K::r16_reg => "R16Reg",
        K::r16_or_mem => "R16OrMem",
        K::r16_rm => "R16Rm",
        K::r16_opcode => "R16Opcode",
        K::r16_reg_mem => "R16RegMem",
        K::r32_reg => "R32Reg",
        K::r32_or_mem => "R32OrMem",
        K::r32_rm => "R32Rm",
        K::r32_opcode => "R32Opcode",
        K::r32_vvvv => "R32Vvvv",
        K::r32_reg_mem => "R32RegMem",
        K::r32_or_mem_mpx => "R32OrMemMpx",
        K::r64_reg => "R64Reg",
        K::r64_or_mem => "R64OrMem",
        K::r64_rm => "R64Rm",
        K::r64_opcode => "R64Opcode",
        K::r64_vvvv => "R64Vvvv",
        K::r64_reg_mem => "R64RegMem",
        K::r64_or_mem_mpx => "R64OrMemMpx",
        K::seg_reg => "SegReg",
        K::cr_reg => "CrReg",
        K::dr_reg => "DrReg",
        K::tr_reg => "TrReg",
        K::bnd_reg => "BndReg",
        K::bnd_or_mem_mpx => "BndOrMemMpx",
        K::sti_opcode => "StiOpcode",
        K::mm_reg => "MmReg",
        K::mm_rm => "MmRm",
        K::mm_or_mem => "MmOrMem",
        K::xmm_reg => "XmmReg",
        K::xmm_rm => "XmmRm",
        K::xmm_or_mem => "XmmOrMem",
        K::xmm_vvvv => "XmmVvvv",
        K::xmmp3_vvvv => "XmmP3Vvvv",
        K::xmm_is4 => "XmmIs4",
        K::xmm_is5 => "XmmIs5",
        K::ymm_reg => "YmmReg",
        K::ymm_rm => "YmmRm",
        K::ymm_or_mem => "YmmOrMem",
        K::ymm_vvvv => "YmmVvvv",
        K::ymm_is4 => "YmmIs4",
        K::ymm_is5 => "YmmIs5",
        K::zmm_reg => "ZmmReg",
        K::zmm_rm => "ZmmRm",
        K::zmm_or_mem => "ZmmOrMem",
        K::zmm_vvvv => "ZmmVvvv",
        K::zmmp3_vvvv => "ZmmP3Vvvv",
        K::k_reg => "KReg",
        K::kp1_reg => "KP1Reg",
        K::k_rm => "KRm",
        K::k_vvvv => "KVvvv",
        K::k_or_mem => "KOrMem",
        K::tmm_reg => "TmmReg",
        K::tmm_rm => "TmmRm",
        K::tmm_vvvv => "TmmVvvv",
        K::mem => "Mem",
        K::mem_offs => "MemOffs",
        K::mem_mpx => "MemMpx",
        K::mem_mib => "MemMib",
        K::sibmem => "SibMem",
        K::mem_vsib32x => "Vsib32x",
        K::mem_vsib32y => "Vsib32y",
        K::mem_vsib32z => "Vsib32z",
        K::mem_vsib64x => "Vsib64x",
        K::mem_vsib64y => "Vsib64y",
        K::mem_vsib64z => "Vsib64z",
        K::seg_rSI => "SegRsi",
        K::es_rDI => "EsRdi",
        K::seg_rDI => "SegRdi",
        K::seg_rBX_al => "SegRbxAl",
        K::imm8 => "Imm8",
        K::imm8_const_1 => "Imm8Const1",
        K::imm8sex16 => "Imm8Sex16",
        K::imm8sex32 => "Imm8Sex32",
        K::imm8sex64 => "Imm8Sex64",
        K::imm16 => "Imm16",
        K::imm32 => "Imm32",
        K::imm32sex64 => "Imm32Sex64",
        K::imm64 => "Imm64",
        K::imm4_m2z => "Imm4M2z",
        K::br16_1 => "Br16_1",
        K::br32_1 => "Br32_1",
        K::br64_1 => "Br64_1",
        K::br16_2 => "Br16_2",
        K::br32_4 => "Br32_4",
        K::br64_4 => "Br64_4",
        K::xbegin_2 => "Xbegin2",
        K::xbegin_4 => "Xbegin4",
        K::brdisp_2 => "BrDisp2",
        K::brdisp_4 => "BrDisp4",
        K::farbr2_2 => "FarBr2_2",
        K::farbr4_2 => "FarBr4_2",
        other => panic!("{form}: operand kind {other:?} has no jitasm equivalent; add one"),
    }
}

fn tuple_n(t: TupleType) -> (u8, u8) {
    use TupleType::*;
    match t {
        N1 => (1, 1),
        N2 => (2, 2),
        N4 => (4, 4),
        N8 => (8, 8),
        N16 => (16, 16),
        N32 => (32, 32),
        N64 => (64, 64),
        N8b4 => (8, 4),
        N16b4 => (16, 4),
        N32b4 => (32, 4),
        N64b4 => (64, 4),
        N16b8 => (16, 8),
        N32b8 => (32, 8),
        N64b8 => (64, 8),
        N4b2 => (4, 2),
        N8b2 => (8, 2),
        N16b2 => (16, 2),
        N32b2 => (32, 2),
        N64b2 => (64, 2),
        _ => panic!("tuple type {t:?} unknown to jitasm"),
    }
}

/// The name jitasm gives a CPUID feature (iced's, lower-cased).
pub fn feature_name(f: CpuidFeature) -> String {
    format!("{f:?}").to_ascii_lowercase()
}

/// Every x86 instruction form valid in 64-bit or 32-bit mode, in iced's
/// code order, except Knights Corner's forms (MVEX and its VEX branches, which
/// reuse encodings of other instructions), `jmpe` (IA-64's x86 exit), the
/// 8086's `pop cs` (0F is an escape byte since the 286) and iced's
/// `reservednop` (hint-NOP encodings that decode as `nop`/`prefetch*`, with
/// no mnemonic of their own in any assembler).
pub fn forms() -> Vec<FormDef> {
    let mut out = Vec::new();
    for code in Code::values() {
        let oc = code.op_code();
        if !oc.is_instruction()
            || oc.encoding() == EncodingKind::MVEX
            || code.cpuid_features().iter().any(|f| {
                matches!(
                    f,
                    CpuidFeature::KNC | CpuidFeature::IA64 | CpuidFeature::INTEL8086_ONLY
                )
            })
            || code.mnemonic() == iced_x86::Mnemonic::Reservednop
            || !(oc.mode64() || oc.mode32())
        {
            continue;
        }
        let name = format!("{code:?}");
        let mnemonic = format!("{:?}", code.mnemonic()).to_ascii_lowercase();
        let operands = (0..oc.op_count())
            .map(|i| kind(oc.op_kind(i), &name))
            .collect();
        let encoding = match oc.encoding() {
            EncodingKind::Legacy => "Legacy",
            EncodingKind::VEX => "Vex",
            EncodingKind::EVEX => "Evex",
            EncodingKind::XOP => "Xop",
            EncodingKind::D3NOW => "D3now",
            other => panic!("{name}: encoding {other:?} not supported"),
        };
        let prefix = match oc.mandatory_prefix() {
            MandatoryPrefix::None => "None",
            MandatoryPrefix::PNP => "Np",
            MandatoryPrefix::P66 => "P66",
            MandatoryPrefix::PF3 => "PF3",
            MandatoryPrefix::PF2 => "PF2",
        };
        let map = match oc.table() {
            OpCodeTableKind::Normal => "Primary",
            OpCodeTableKind::T0F => "M0F",
            OpCodeTableKind::T0F38 => "M0F38",
            OpCodeTableKind::T0F3A => "M0F3A",
            OpCodeTableKind::MAP5 => "Map5",
            OpCodeTableKind::MAP6 => "Map6",
            OpCodeTableKind::MAP8 => "Xop8",
            OpCodeTableKind::MAP9 => "Xop9",
            OpCodeTableKind::MAP10 => "Xop10",
            other => panic!("{name}: opcode map {other:?} not supported"),
        };
        let w = if oc.is_wig() {
            "Wig"
        } else if oc.is_wig32() {
            "Wig32"
        } else if oc.w() == 1 {
            "W1"
        } else {
            "W0"
        };
        let (disp8_n, disp8_n_bcst) = tuple_n(oc.tuple_type());
        let mut flags = Vec::new();
        let mut flag = |on: bool, f: &'static str| {
            if on {
                flags.push(f)
            }
        };
        flag(oc.mode64(), "MODE64");
        flag(oc.mode32(), "MODE32");
        flag(oc.can_use_op_mask_register(), "MASK");
        flag(oc.require_op_mask_register(), "MASK_REQUIRED");
        flag(oc.can_use_zeroing_masking(), "ZEROING");
        flag(oc.can_broadcast(), "BROADCAST");
        flag(oc.can_use_rounding_control(), "ROUNDING");
        flag(oc.can_suppress_all_exceptions(), "SAE");
        flag(oc.can_use_lock_prefix(), "LOCK");
        flag(oc.can_use_rep_prefix(), "REP");
        flag(oc.can_use_repne_prefix(), "REPNE");
        flag(oc.can_use_bnd_prefix(), "BND");
        flag(oc.can_use_xacquire_prefix(), "XACQUIRE");
        flag(oc.can_use_xrelease_prefix(), "XRELEASE");
        flag(oc.fwait(), "FWAIT");
        flag(oc.default_op_size64(), "DEFAULT64");
        flag(oc.force_op_size64(), "FORCE64");
        flag(oc.requires_unique_reg_nums(), "UNIQUE_REGS");
        flag(oc.requires_unique_dest_reg_num(), "UNIQUE_DEST");
        // Forms of early or clone CPUs sharing a mnemonic with the standard
        // instruction (the 486 A-step `cmpxchg` at 0F A6, Cyrix's `pmulhrw`
        // at 0F 59…).
        flag(
            code.cpuid_features().iter().any(|&f| {
                let f = feature_name(f);
                f.starts_with("cyrix_") || f.ends_with("_only")
            }),
            "OBSOLETE_ALT",
        );
        let features = code
            .cpuid_features()
            .iter()
            .map(|&f| feature_name(f))
            .collect();
        let def = FormDef {
            iced_name: name,
            mnemonic,
            operands,
            encoding,
            prefix,
            map,
            opcode: oc.op_code(),
            opcode_len: oc.op_code_len() as u8,
            digit: u8::try_from(oc.group_index()).ok(),
            rm_digit: u8::try_from(oc.rm_group_index()).ok(),
            w,
            l: oc.l() as u8,
            lig: oc.is_lig(),
            operand_size: oc.operand_size() as u8,
            address_size: oc.address_size() as u8,
            mem_size: oc.memory_size().size() as u16,
            bcst_size: if oc.can_broadcast() {
                oc.broadcast_memory_size().size() as u8
            } else {
                0
            },
            disp8_n,
            disp8_n_bcst,
            flags,
            features,
        };
        validate(&def);
        out.push(def);
    }
    mark_vex_explicit(&mut out);
    out
}

/// VEX forms added after AVX-512 for instructions AVX-512 already had
/// (AVX-VNNI, AVX-IFMA, AVX-NE-CONVERT) are written `{vex} vpdpbusd …` by
/// the assemblers: without the pseudo-prefix the mnemonic means its EVEX form.
fn mark_vex_explicit(defs: &mut [FormDef]) {
    const LATE_VEX: [&str; 3] = ["avx_vnni", "avx_ifma", "avx_ne_convert"];
    let evex: std::collections::HashSet<(String, Vec<&'static str>)> = defs
        .iter()
        .filter(|d| d.encoding == "Evex")
        .map(|d| (d.mnemonic.clone(), d.operands.clone()))
        .collect();
    for d in defs.iter_mut() {
        if d.encoding == "Vex"
            && d.features.iter().any(|f| LATE_VEX.contains(&f.as_str()))
            && evex.contains(&(d.mnemonic.clone(), d.operands.clone()))
        {
            d.flags.push("VEX_EXPLICIT");
        }
    }
}

/// Checks a definition against what the encoder can do; panics naming the form.
fn validate(d: &FormDef) {
    let n = &d.iced_name;
    assert!(!d.mnemonic.is_empty(), "{n}: no mnemonic");
    assert!(d.operands.len() <= 5, "{n}: more than 5 operands");
    assert!(
        (1..=3).contains(&d.opcode_len),
        "{n}: opcode length {}",
        d.opcode_len
    );
    assert!(d.digit.unwrap_or(0) < 8, "{n}: /digit out of range");
    assert!(d.rm_digit.unwrap_or(0) < 8, "{n}: rm digit out of range");
    assert!(d.l <= 2, "{n}: L = {}", d.l);
    assert!(
        matches!(d.operand_size, 0 | 16 | 32 | 64),
        "{n}: operand size"
    );
    assert!(
        matches!(d.address_size, 0 | 16 | 32 | 64),
        "{n}: address size"
    );
    assert!(
        d.flags.contains(&"BROADCAST") == (d.bcst_size != 0),
        "{n}: broadcast flag and element size disagree"
    );
    if d.encoding != "Evex" {
        assert!(
            d.disp8_n == 1 && d.disp8_n_bcst == 1,
            "{n}: disp8*N outside EVEX"
        );
        for f in ["MASK", "ZEROING", "BROADCAST", "ROUNDING", "SAE"] {
            assert!(!d.flags.contains(&f), "{n}: {f} outside EVEX");
        }
    }
    if d.encoding == "Legacy" || d.encoding == "D3now" {
        assert!(d.l == 0 || d.lig, "{n}: L set on a legacy form");
    }
    let opcode_regs = d.operands.iter().filter(|o| o.ends_with("Opcode")).count();
    assert!(opcode_regs <= 1, "{n}: two registers in the opcode");
    if opcode_regs == 1 {
        assert!(d.digit.is_none(), "{n}: register in opcode and /digit");
    }
    let modrm_rm = d
        .operands
        .iter()
        .filter(|o| {
            o.ends_with("OrMem")
                || o.ends_with("Rm")
                || o.starts_with("Vsib")
                || **o == "Mem"
                || o.starts_with("Mem")
                || **o == "SibMem"
        })
        .count();
    assert!(modrm_rm <= 1, "{n}: two ModRM.rm operands");
}

/// How many instruction forms the source defines per CPUID feature (every
/// form it knows, including those jitasm leaves out).
pub fn source_feature_counts() -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for code in Code::values() {
        if !code.op_code().is_instruction() {
            continue;
        }
        for &f in code.cpuid_features() {
            *counts.entry(feature_name(f)).or_insert(0) += 1;
        }
    }
    counts
}
