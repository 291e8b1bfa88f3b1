//! Golden vectors from llvm-mc (LLVM 19): the encoder's bytes must be
//! llvm-mc's, byte for byte.
//!
//! `tests/data/golden_x64.txt` and `golden_x86.txt` are written by
//! `cargo xtask golden-x86` (crates/xtask/src/golden_x86.rs; CI checks that
//! they are what it produces). Each line names an instance of the shared
//! generator (`tests/support/gen.rs`) by form and seed, its text in LLVM's
//! Intel syntax, and what llvm-mc made of the text: bytes, or an error. This
//! test regenerates each instance, checks that it still renders to the
//! stored text (so the generator has not drifted from the vectors), gives
//! the operands to [`jitasm_x64::select`] under the form's mnemonic, as a
//! user would, and compares the bytes.
//!
//! Every disagreement is either a bug or listed below with its reason:
//! [`DIFFERENT_BYTES`] for bytes that differ (each entry with a check that
//! the difference is the one described), [`LLVM_REJECTS`] for lines llvm-mc
//! rejects while the encoder accepts them. A line that both refuse (`ah`
//! with a REX prefix, equal AMX tile registers; a gather whose registers
//! overlap, where llvm-mc only warns) agrees. Each test prints a summary:
//! `cargo test -p jitasm-x64 --test golden -- --nocapture`.

#[path = "support/gen.rs"]
mod gen;

use jitasm_x64::table::{Form, FORMS, ORACLE_NAMES};
use jitasm_x64::{EncodeError, Instruction, Mnemonic, Mode, Operand, Reg, RegClass};
use std::collections::BTreeMap;

/// Forms (iced `Code` names; `*` matches any run of characters) whose
/// instances llvm-mc rejects with the given message while the encoder
/// encodes them (iced-x86, the round-trip oracle, decodes them), and why:
/// (reason, llvm-mc's message, forms).
const LLVM_REJECTS: &[(&str, &str, &[&str])] = &[
    (
        "MPX, removed from LLVM",
        "invalid instruction mnemonic",
        &["Bnd*"],
    ),
    (
        "AVX512PF (Xeon Phi), removed in LLVM 19",
        "invalid operand for instruction",
        &["EVEX_Vgatherpf*", "EVEX_Vscatterpf*"],
    ),
    (
        "instruction of an obsolete or clone CPU unknown to LLVM (Cyrix, AMD Geode, 286/386/486 only, 287/387 only)",
        "invalid instruction mnemonic",
        &[
            "Altinst", "Bb0_reset", "Bb1_reset", "Cl1invmb", "Cpu_read", "Cpu_write",
            "Cyrix_*", "D3NOW_Pfrcpv_mm_mmm64", "D3NOW_Pfrsqrtv_mm_mmm64", "Dmint",
            "Fdisi", "Feni", "Fndisi", "Fneni", "Fnsetpm", "Fnstdw_AX", "Fnstsg_AX",
            "Frichop", "Frinear", "Frint2", "Frstpm", "Fsetpm", "Fstdw_AX", "Fstsg_AX",
            "Ftstp", "Ibts_*", "Loadall286", "Loadall386", "Paddsiw_mm_mmm64",
            "Paveb_mm_mmm64", "Pdistib_mm_m64", "Pmachriw_mm_m64", "Pmagw_mm_mmm64",
            "Pmulhriw_mm_mmm64", "Pmvgezb_mm_m64", "Pmvlzb_mm_m64", "Pmvnzb_mm_m64",
            "Pmvzb_mm_m64", "Psubsiw_mm_mmm64", "Rdm", "Rdshr_rm32", "Rdudbg",
            "Rsdc_Sreg_m80", "Rsldt_m80", "Rsts_m80", "Smint", "Smint_0F7E", "Storeall",
            "Svdc_m80_Sreg", "Svldt_m80", "Svts_m80", "Umov_*", "Wrshr_rm32", "Wrudbg",
            "Xbts_*",
        ],
    ),
    (
        "VIA/Zhaoxin PadLock instruction unknown to LLVM",
        "invalid instruction mnemonic",
        &["Ccs_encrypt_*", "Ccs_hash_*", "Xsha512_*", "Xstore_alt_*", "Via_undoc_*"],
    ),
    (
        "instruction or alias encoding LLVM 19 does not implement (int1, ud0, fstpnce, getsecq, mcommit, pcommit, vmgexit)",
        "invalid instruction mnemonic",
        &[
            "Int1", "Ud0", "Ud0_*", "Fstpnce_sti", "Getsecq", "Mcommit", "Pcommit",
            "Vmgexit", "Vmgexit_F2",
        ],
    ),
    (
        "REX.W / VEX.W1 form LLVM has no mnemonic for (iced: pcmpestri64…)",
        "invalid instruction mnemonic",
        &[
            "Pcmpestri64_*", "Pcmpestrm64_*", "VEX_Vpcmpestri64_*", "VEX_Vpcmpestrm64_*",
        ],
    ),
    (
        "LLVM takes only a 16-bit register for an r32/m16 or r64/m16 operand (lldt, ltr, lmsw, verr, verw, lkgs, arpl)",
        "invalid operand for instruction",
        &["*_r32m16", "*_r64m16", "Arpl_r32m16_r32"],
    ),
    (
        "operand-size form LLVM does not have (bswap r16 is undefined; movsx/movzx r16, r/m16; movsxd r16, r32)",
        "invalid operand for instruction",
        &[
            "Bswap_r16", "Movsx_r16_rm16", "Movzx_r16_rm16", "Movsxd_r16_rm16",
            "Movsxd_r32_rm32",
        ],
    ),
    (
        "embedded rounding on an exact int32-to-double conversion, which LLVM and the SDM do not have (iced accepts EVEX.b there)",
        "invalid operand for instruction",
        &[
            "EVEX_Vcvtdq2pd_zmm_k1z_ymmm256b32_er", "EVEX_Vcvtudq2pd_zmm_k1z_ymmm256b32_er",
            "EVEX_Vcvtsi2sd_xmm_xmm_rm32_er", "EVEX_Vcvtusi2sd_xmm_xmm_rm32_er",
        ],
    ),
    (
        "LLVM sign-extends the imm32 of the 64-bit XOP bextr (values above 0x7fffffff rejected)",
        "invalid operand for instruction",
        &["XOP_Bextr_r64_rm64_imm32"],
    ),
    (
        "test registers tr3-tr7 (386/486) unknown to LLVM: it takes `tr7` for a symbol",
        "(jitasm) llvm-mc left a fixup",
        &["Mov_r32_tr", "Mov_tr_r32"],
    ),
    (
        "LLVM 19 takes prefetchit0/1 in 64-bit mode only (a hint NOP in 32-bit mode)",
        "instruction requires: 64-bit mode",
        &["Prefetchit0_m8", "Prefetchit1_m8"],
    ),
    (
        "LLVM has no 16-bit indirect near call/jmp in 64-bit mode (Intel CPUs ignore 66 there, AMD's honour it)",
        "instruction requires: Not 64-bit mode",
        &["Call_rm16", "Jmp_rm16"],
    ),
];

/// What a byte difference is checked against.
struct Diff<'a> {
    mode: Mode,
    form: &'static Form,
    inst: &'a gen::Instance,
    llvm: &'a [u8],
    ours: &'a [u8],
}

type Check = fn(&Diff<'_>) -> bool;

/// Forms whose bytes differ from llvm-mc's for a reason that is not a bug,
/// and a check that the difference is that one: (reason, forms, check).
const DIFFERENT_BYTES: &[(&str, &[&str], Check)] = &[
    (
        "LLVM swaps the sources of a commutative VEX instruction to reach the 2-byte VEX prefix (optimizeInstFromVEX3ToVEX2); jitasm keeps the written order",
        &["VEX_*", "EVEX_*"],
        |d| d.inst.ops.len() >= 3 && encode_with(d, |ops| ops.swap(1, 2)).as_deref() == Some(d.llvm),
    ),
    (
        "LLVM encodes a 64-bit GPR of pextrw/pinsrw/pmovmskb/movmskps/extractps/tpause… without REX.W/VEX.W (W is ignored: the r32 form); jitasm uses the manual's W1 form",
        &[
            "*_r64_*", "*_r64m8_*", "*_r64m16_*", "*_r64m32_*", "*_xmm_r64m8_*",
            "*_r64m16_imm8", "*_r64m8_imm8", "Tpause_r64", "Umwait_r64",
        ],
        |d| encode_with(d, |ops| ops.iter_mut().for_each(to_r32)).as_deref() == Some(d.llvm),
    ),
    (
        "LLVM leaves out the 66 prefix where the operand size does not matter (lldt, ltr, lmsw, verr, verw, lkgs, arpl); jitasm uses the manual's o16 form",
        &[
            "Lldt_rm16", "Ltr_rm16", "Lmsw_rm16", "Verr_rm16", "Verw_rm16", "Lkgs_rm16",
            "Arpl_rm16_r16",
        ],
        |d| without_66(d.ours) == d.llvm,
    ),
    (
        "LLVM encodes `mov r16, Sreg` without 66 (writing the 32-bit register); jitasm writes the 16-bit register",
        &["Mov_rm16_Sreg"],
        |d| without_66(d.ours) == d.llvm,
    ),
    (
        "LLVM's Intel syntax has no size for the 16-bit FPU environment/state (m14/m94) and assembles the 32-bit one; the instance states m14/m94",
        &["*_m14byte", "*_m94byte"],
        |d| without_66(d.ours) == d.llvm,
    ),
    (
        "iced names the 16-bit forms `pusha`/`popa`/`pushf`/`popf` (the mode's size is `pushad`, `pushfd`, `pushfq`…); LLVM's `pusha`… is the mode's size",
        &["Pushaw", "Popaw", "Pushfw", "Popfw"],
        |d| without_66(d.ours) == d.llvm,
    ),
    (
        "LLVM 19's Intel parser takes `push/pop <sreg>` as the 16-bit form (66); jitasm uses the mode's stack width, as LLVM's AT&T syntax and GNU as do",
        &[
            "Pushw_*S", "Pushd_*S", "Pushq_*S", "Popw_*S", "Popd_*S", "Popq_*S",
        ],
        |d| without_66(d.llvm) == d.ours,
    ),
    (
        "LLVM 19's Intel syntax takes `call/jmp word/dword/tbyte ptr [m]` in 64-bit mode as the far m16:32 form; jitasm encodes the size written (near m16, far m16:16, far m16:64)",
        &["Call_rm16", "Jmp_rm16", "Call_m1616", "Jmp_m1616", "Call_m1664", "Jmp_m1664"],
        |d| {
            let far32 = FORMS.iter().find(|f| {
                f.mnemonic == d.form.mnemonic && f.mem_size == 6 && f.valid_in(d.mode)
            });
            let mut ops = d.inst.ops.clone();
            if let [Operand::Mem(m)] = &mut ops[..] {
                m.size = 6;
            }
            let ins = Instruction {
                mnemonic: Mnemonic::from_index(d.form.mnemonic).unwrap(),
                operands: &ops,
                decorations: d.inst.dec,
                prefixes: Default::default(),
            };
            far32.and_then(|f| jitasm_x64::encode_form(d.mode, f, &ins).ok())
                .is_some_and(|e| e.bytes() == d.llvm)
        },
    ),
];

/// The bytes `select` gives the instance with its operands changed by `f`.
fn encode_with(d: &Diff<'_>, f: impl FnOnce(&mut Vec<Operand<'static>>)) -> Option<Vec<u8>> {
    let mut ops = d.inst.ops.clone();
    f(&mut ops);
    let ins = Instruction {
        mnemonic: Mnemonic::from_index(d.form.mnemonic).unwrap(),
        operands: &ops,
        decorations: d.inst.dec,
        prefixes: Default::default(),
    };
    jitasm_x64::select(d.mode, &ins)
        .ok()
        .map(|(_, e)| e.bytes().to_vec())
}

/// A 64-bit general-purpose register operand as its 32-bit register.
fn to_r32(op: &mut Operand<'static>) {
    if let Operand::Reg(r) = op {
        if r.class() == RegClass::Gp64 {
            *r = Reg::new(RegClass::Gp32, r.num()).unwrap();
        }
    }
}

/// The bytes without their first 66 prefix.
fn without_66(b: &[u8]) -> Vec<u8> {
    let mut v = b.to_vec();
    if let Some(i) = v.iter().position(|&x| x == 0x66) {
        v.remove(i);
    }
    v
}

fn matches(patterns: &[&str], name: &str) -> bool {
    patterns.iter().any(|p| glob(p.as_bytes(), name.as_bytes()))
}

/// Whether `name` matches `pattern`, whose `*` matches any run of characters.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| glob(rest, &name[i..])),
        Some((c, rest)) => name.first() == Some(c) && glob(rest, &name[1..]),
    }
}

struct Line {
    form: usize,
    seed: u64,
    name: String,
    text: String,
    /// llvm-mc's bytes, or its error.
    llvm: Result<Vec<u8>, String>,
    /// llvm-mc's warning, if it warned.
    warning: Option<String>,
}

fn parse_hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s:?}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn load(file: &str) -> Vec<Line> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run `cargo xtask golden-x86`)"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, " | ");
            let (Some(head), Some(text), Some(out)) = (parts.next(), parts.next(), parts.next())
            else {
                panic!("{file}: bad line {l:?}");
            };
            let mut h = head.split(' ');
            let form = h.next().unwrap().parse().expect("form index");
            let seed = h.next().unwrap().parse().expect("seed");
            let name = h.next().expect("iced name").to_string();
            let (llvm, warning) = match out.strip_prefix("error: ") {
                Some(e) => (Err(e.to_string()), None),
                None => match out.split_once(" | warning: ") {
                    Some((h, w)) => (Ok(parse_hex(h)), Some(w.to_string())),
                    None => (Ok(parse_hex(out)), None),
                },
            };
            Line {
                form,
                seed,
                name,
                text: text.to_string(),
                llvm,
                warning,
            }
        })
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[derive(Default)]
struct Summary {
    cases: usize,
    equal: usize,
    /// Lines both refuse, by llvm-mc's message and the encoder's error.
    both_reject: BTreeMap<String, usize>,
    /// Allowed byte differences, by reason.
    different: BTreeMap<&'static str, usize>,
    /// Allowed llvm-mc errors, by reason.
    llvm_rejects: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

fn run(mode: Mode, file: &str) {
    let lines = load(file);
    let mut s = Summary::default();
    for l in &lines {
        s.cases += 1;
        let form: &Form = &FORMS[l.form];
        assert_eq!(
            ORACLE_NAMES[l.form], l.name,
            "{file}: form {} is not {} any more: run `cargo xtask golden-x86`",
            l.form, l.name
        );
        let inst = gen::instance(l.form, mode, l.seed);
        let text = gen::intel(form, &inst);
        assert_eq!(
            text, l.text,
            "{file}: {} seed {} renders differently: the generator drifted; run `cargo xtask golden-x86`",
            l.name, l.seed
        );
        let ins = Instruction {
            mnemonic: Mnemonic::from_index(form.mnemonic).unwrap(),
            operands: &inst.ops,
            decorations: inst.dec,
            prefixes: Default::default(),
        };
        let ours = jitasm_x64::select(mode, &ins).map(|(_, e)| e.bytes().to_vec());
        match (&l.llvm, ours) {
            (Ok(want), Ok(got)) if *want == got => s.equal += 1,
            (Ok(want), Ok(got)) => {
                let d = Diff {
                    mode,
                    form,
                    inst: &inst,
                    llvm: want,
                    ours: &got,
                };
                match DIFFERENT_BYTES
                    .iter()
                    .find(|(_, pats, check)| matches(pats, &l.name) && check(&d))
                {
                    Some((r, _, _)) => *s.different.entry(r).or_default() += 1,
                    None => s.failures.push(format!(
                        "{} seed {}: `{}`: llvm-mc {} jitasm {}",
                        l.name,
                        l.seed,
                        l.text,
                        hex(want),
                        hex(&got)
                    )),
                }
            }
            // The registers must differ (gathers, complex FP16 multiplies):
            // llvm-mc warns, the encoder refuses.
            (Ok(_), Err(EncodeError::SameRegisters)) if l.warning.is_some() => {
                *s.both_reject
                    .entry(format!("llvm-mc warns \"{}\"", l.warning.as_ref().unwrap()))
                    .or_default() += 1;
            }
            (Ok(want), Err(e)) => s.failures.push(format!(
                "{} seed {}: `{}`: llvm-mc {} jitasm error: {e}",
                l.name,
                l.seed,
                l.text,
                hex(want)
            )),
            (Err(msg), Err(e)) => {
                let kind = format!("{e:?}");
                let kind = kind
                    .split(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or_default();
                *s.both_reject
                    .entry(format!("llvm-mc: {msg}; jitasm: {kind}"))
                    .or_default() += 1;
            }
            (Err(msg), Ok(got)) => match LLVM_REJECTS
                .iter()
                .find(|(_, m, pats)| msg.starts_with(m) && matches(pats, &l.name))
            {
                Some((r, _, _)) => *s.llvm_rejects.entry(r).or_default() += 1,
                None => s.failures.push(format!(
                    "{} seed {}: `{}`: llvm-mc error: {msg}; jitasm {}",
                    l.name,
                    l.seed,
                    l.text,
                    hex(&got)
                )),
            },
        }
    }
    eprintln!("{file}: {} cases compared with llvm-mc 19", s.cases);
    eprintln!("  equal bytes: {}", s.equal);
    let (nd, nr) = (
        s.different.values().sum::<usize>(),
        s.llvm_rejects.values().sum::<usize>(),
    );
    eprintln!("  different bytes, allowlisted: {nd}");
    for (r, n) in &s.different {
        eprintln!("    {n:5}  {r}");
    }
    eprintln!("  llvm-mc errors where jitasm encodes, allowlisted: {nr}");
    for (r, n) in &s.llvm_rejects {
        eprintln!("    {n:5}  {r}");
    }
    for (r, n) in &s.both_reject {
        eprintln!("  both refuse ({r}): {n}");
    }
    let n = s.failures.len();
    for f in s.failures.iter().take(300) {
        eprintln!("FAIL {f}");
    }
    assert!(
        n == 0,
        "{file}: {n} of {} cases disagree with llvm-mc",
        s.cases
    );
}

#[test]
fn bytes_match_llvm_mc_in_64_bit_mode() {
    run(Mode::Long, "golden_x64.txt");
}

#[test]
fn bytes_match_llvm_mc_in_32_bit_mode() {
    run(Mode::Protected, "golden_x86.txt");
}
