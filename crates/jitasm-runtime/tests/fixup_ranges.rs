//! Branches at the ends of their ranges, executed on the host.
//!
//! For every branch-like fixup kind of the host instruction set, code is laid
//! out so that the branch reaches exactly the furthest forward and the
//! furthest backward target its field can hold, where a stub returns 1 (the
//! fall-through returns 0). The code is committed with [`Assembler`] and
//! called. Then the same layout one step further must make `commit` fail with
//! [`Error::Fixup`] and commit nothing. Ranges too large to lay out (x86
//! `rel32`, AArch64 `adrp`, RISC-V `auipc` pairs: ±2 or ±4 GiB) are executed
//! at a few MiB and checked at their ends with targets outside the code
//! ([`LabelTarget::Extern`]), through both [`Assembler`] and [`VecAssembler`].
//!
//! Runs natively on x86-64 and, cross-compiled, under qemu-aarch64 and
//! qemu-riscv64. Every hand-written instruction was checked with llvm-mc 14
//! (`llvm-mc -triple=... --disassemble`); the assembly is next to each word.
#![cfg(all(
    unix,
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]

use jitasm_core::error::FixupProblem;
use jitasm_core::{ByteSink, CodeSink, FixupKind, LabelRef, LabelTarget};
use jitasm_runtime::{
    Assembler, AssemblerOptions, AssemblyOffset, Error, LabelApi, VecAssembler, DEFAULT_CAPACITY,
};

#[cfg(target_arch = "x86_64")]
type Host = jitasm_runtime::isa::X64;
#[cfg(target_arch = "aarch64")]
type Host = jitasm_runtime::isa::Aarch64;
#[cfg(target_arch = "riscv64")]
type Host = jitasm_runtime::isa::Riscv64;

type HostAsm = Assembler<Host>;

/// The trap fill of the host (`int3` on x86, zero words elsewhere).
#[cfg(target_arch = "x86_64")]
const FILL: u8 = 0xCC;
#[cfg(not(target_arch = "x86_64"))]
const FILL: u8 = 0;

/// Bytes committed before each layout, so that "nothing was committed" is
/// checked against a non-empty assembler.
const PROLOGUE: usize = 16;

/// A code sequence with label fixups. The distance of a layout is measured
/// from the PC of the first fixup, whose kind limits the range.
struct Seq {
    bytes: Vec<u8>,
    /// (kind, offset of the unit, offset of the PC) in `bytes`.
    fixups: Vec<(&'static FixupKind, usize, usize)>,
}

impl Seq {
    fn kind(&self) -> &'static FixupKind {
        self.fixups[0].0
    }
    fn anchor(&self) -> usize {
        self.fixups[0].2
    }
}

/// Little-endian bytes of 32-bit instruction words.
#[allow(dead_code)]
fn words(w: &[u32]) -> Vec<u8> {
    w.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Little-endian bytes of 16-bit instruction parcels.
#[allow(dead_code)]
fn halves(h: &[u16]) -> Vec<u8> {
    h.iter().flat_map(|h| h.to_le_bytes()).collect()
}

/// A branch-like case: the sequence, what it lands on, and the distances.
struct Case {
    name: &'static str,
    seq: Seq,
    /// Code returning 1, or data holding 1 for the sequences that load.
    stub: Vec<u8>,
    /// Alignment of the sequence and of backward stubs.
    align: usize,
    /// (distance executed, distance one step past it that must be rejected).
    dists: Vec<(i128, Option<i128>)>,
    capacity: usize,
}

fn local(forward: bool) -> LabelRef<'static> {
    LabelRef::new(LabelTarget::Local {
        name: "target",
        forward,
    })
}

fn fill<S: ByteSink>(asm: &mut S, n: usize) {
    asm.extend_from_slice(&vec![FILL; n]);
}

fn emit_seq<S: CodeSink>(asm: &mut S, seq: &Seq, label: LabelRef<'_>) -> usize {
    let start = asm.offset();
    asm.extend_from_slice(&seq.bytes);
    for &(kind, unit, pc) in &seq.fixups {
        asm.fixup(label, kind, start + unit, start + pc);
    }
    start
}

/// Lays `case` out so that its branch spans `d` bytes; returns the entry
/// and the offset of the unit of the range-limiting fixup.
fn layout<S: LabelApi>(asm: &mut S, case: &Case, d: i128) -> (AssemblyOffset, usize) {
    asm.align(case.align, FILL).unwrap();
    let seq = &case.seq;
    let start = if d >= 0 {
        let start = emit_seq(asm, seq, local(true));
        let target = (start + seq.anchor()) as i128 + d;
        let gap = target - asm.offset() as i128;
        assert!(
            gap >= 0,
            "{}: distance {d} too short for the sequence",
            case.name
        );
        fill(asm, gap as usize);
        asm.define_local("target").unwrap();
        asm.extend_from_slice(&case.stub);
        start
    } else {
        asm.define_local("target").unwrap();
        let stub_at = asm.offset() as i128;
        asm.extend_from_slice(&case.stub);
        let start = stub_at - d - seq.anchor() as i128;
        let gap = start - asm.offset() as i128;
        assert!(
            gap >= 0,
            "{}: distance {d} too short for the stub",
            case.name
        );
        fill(asm, gap as usize);
        emit_seq(asm, seq, local(false))
    };
    (AssemblyOffset(start), start + seq.fixups[0].1)
}

fn call(asm: &HostAsm, entry: AssemblyOffset) -> u64 {
    let exec = asm.reader();
    let guard = exec.lock();
    // SAFETY: every layout is a function of no arguments returning an integer
    // in the C calling convention's return register.
    let f = unsafe { guard.func::<extern "C" fn() -> u64>(entry) }.unwrap();
    f()
}

fn assert_out_of_range(r: Result<(), Error>, at: usize, kind: &FixupKind, what: &str) {
    match r {
        Err(Error::Fixup { at: a, error, .. }) => {
            assert_eq!(a, at, "{what}: error at the wrong unit");
            assert_eq!(error.kind, kind.name, "{what}: error names the wrong kind");
            assert!(
                matches!(error.problem, FixupProblem::OutOfRange { .. }),
                "{what}: expected OutOfRange, got {:?}",
                error.problem
            );
        }
        other => panic!("{what}: expected Err(Error::Fixup), got {other:?}"),
    }
}

fn run_case(case: &Case) {
    for &(d, past) in &case.dists {
        let what = format!("{} at {d:+#x}", case.name);
        let mut asm = HostAsm::with_options(AssemblerOptions {
            capacity: case.capacity,
            ..Default::default()
        })
        .unwrap();
        fill(&mut asm, PROLOGUE);
        asm.commit().unwrap();
        let (entry, _) = layout(&mut asm, case, d);
        asm.commit()
            .unwrap_or_else(|e| panic!("{what}: commit failed: {e}"));
        assert_eq!(
            call(&asm, entry),
            1,
            "{what}: the branch did not land on its target"
        );
        if let Some(p) = past {
            let before = asm.committed_len();
            let (_, unit) = layout(&mut asm, case, p);
            let r = asm.commit();
            assert_out_of_range(
                r,
                unit,
                case.seq.kind(),
                &format!("{} at {p:+#x}", case.name),
            );
            assert_eq!(
                asm.committed_len(),
                before,
                "{what}: a failed commit committed code"
            );
        }
    }
}

/// Checks a sequence whose fixups all reference `target(pc)`, an address
/// outside the code (`pc`: the address of the first fixup's PC). If `ok`,
/// `check(bytes, pc, target)` looks at the patched sequence; otherwise the
/// first fixup must be out of range and nothing committed.
fn extern_case(seq: &Seq, target: impl Fn(u64) -> u64, ok: bool, check: impl Fn(&[u8], u64, u64)) {
    let kind = seq.kind();
    // Executable memory.
    let mut asm = HostAsm::with_options(AssemblerOptions {
        capacity: 1 << 20,
        ..Default::default()
    })
    .unwrap();
    fill(&mut asm, PROLOGUE);
    asm.commit().unwrap();
    let start = asm.offset().0;
    let pc = asm.address(AssemblyOffset(start + seq.anchor()));
    let t = target(pc);
    emit_seq(&mut asm, seq, LabelRef::new(LabelTarget::Extern(t)));
    let what = format!("{} pc={pc:#x} target={t:#x}", kind.name);
    let r = asm.commit();
    if ok {
        r.unwrap_or_else(|e| panic!("{what}: {e}"));
        let code = asm.reader();
        let guard = code.lock();
        check(&guard[start..start + seq.bytes.len()], pc, t);
    } else {
        assert_out_of_range(r, start + seq.fixups[0].1, kind, &what);
        assert_eq!(
            asm.committed_len(),
            PROLOGUE,
            "{what}: a failed commit committed code"
        );
    }
    // Plain bytes for an address of our choosing.
    let base = 0x0000_4000_0000_0000u64;
    let mut v = VecAssembler::<Host>::new(base);
    fill(&mut v, PROLOGUE);
    let pc = base + (PROLOGUE + seq.anchor()) as u64;
    let t = target(pc);
    emit_seq(&mut v, seq, LabelRef::new(LabelTarget::Extern(t)));
    let what = format!("VecAssembler {} pc={pc:#x} target={t:#x}", kind.name);
    match v.finalize() {
        Ok(bytes) if ok => check(&bytes[PROLOGUE..], pc, t),
        Ok(bytes) => panic!("{what}: accepted out of range: {bytes:02x?}"),
        Err(e) if ok => panic!("{what}: {e}"),
        Err(e) => assert_out_of_range(Err(e), PROLOGUE + seq.fixups[0].1, kind, &what),
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn sign_extend(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

// ---------------------------------------------------------------------------
// x86-64

#[cfg(target_arch = "x86_64")]
mod host {
    use super::*;
    use jitasm_core::fixup::x86::{REL32, REL8};

    /// mov eax, 1 ; ret
    const STUB: [u8; 6] = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3];

    fn jz_short() -> Seq {
        Seq {
            // xor eax, eax ; je short <target> ; ret
            bytes: vec![0x31, 0xC0, 0x74, 0x00, 0xC3],
            fixups: vec![(&REL8, 3, 4)],
        }
    }

    fn jz_near() -> Seq {
        Seq {
            // xor eax, eax ; je near <target> (0f 84 rel32) ; ret
            bytes: vec![0x31, 0xC0, 0x0F, 0x84, 0, 0, 0, 0, 0xC3],
            fixups: vec![(&REL32, 4, 8)],
        }
    }

    #[test]
    fn rel8_ends() {
        run_case(&Case {
            name: "x86.rel8 je",
            seq: jz_short(),
            stub: STUB.to_vec(),
            align: 1,
            dists: vec![(127, Some(128)), (-128, Some(-129))],
            capacity: 1 << 20,
        });
    }

    #[test]
    fn rel32_executed_a_few_mib_away() {
        run_case(&Case {
            name: "x86.rel32 je",
            seq: jz_near(),
            stub: STUB.to_vec(),
            align: 1,
            dists: vec![
                (128, None),
                (-129, None),
                ((4 << 20) + 3, None),
                (-(4 << 20) - 5, None),
            ],
            capacity: DEFAULT_CAPACITY,
        });
    }

    #[test]
    fn rel32_ends_via_extern_targets() {
        let check = |b: &[u8], pc: u64, t: u64| {
            let rel = i32::from_le_bytes(b[4..8].try_into().unwrap());
            assert_eq!(
                pc.wrapping_add(rel as i64 as u64),
                t,
                "rel32 field {rel:#x}"
            );
            assert_eq!(&b[..4], &[0x31, 0xC0, 0x0F, 0x84]);
            assert_eq!(b[8], 0xC3);
        };
        let max = i32::MAX as u64;
        let min = 1u64 << 31;
        extern_case(&jz_near(), |pc| pc + max, true, check);
        extern_case(&jz_near(), |pc| pc - min, true, check);
        extern_case(&jz_near(), |pc| pc + max + 1, false, check);
        extern_case(&jz_near(), |pc| pc - min - 1, false, check);
    }
}

// ---------------------------------------------------------------------------
// AArch64

#[cfg(target_arch = "aarch64")]
mod host {
    use super::*;
    use jitasm_core::fixup::aarch64::{ADD_LO12, ADR21, ADRP21, B26, BCOND19, LDST64_LO12, TBZ14};

    const MOV_X0_1: u32 = 0xD280_0020; // mov x0, #1
    const MOV_X0_0: u32 = 0xD280_0000; // mov x0, #0
    const RET: u32 = 0xD65F_03C0; // ret

    fn stub() -> Vec<u8> {
        words(&[MOV_X0_1, RET])
    }

    fn one() -> Vec<u8> {
        1u64.to_le_bytes().to_vec()
    }

    fn branch(insn: u32, kind: &'static FixupKind) -> Seq {
        Seq {
            bytes: words(&[insn, MOV_X0_0, RET]),
            fixups: vec![(kind, 0, 0)],
        }
    }

    fn case(name: &'static str, seq: Seq, stub: Vec<u8>, dists: Vec<(i128, Option<i128>)>) -> Case {
        Case {
            name,
            seq,
            stub,
            align: 8,
            dists,
            capacity: DEFAULT_CAPACITY,
        }
    }

    #[test]
    fn b26_ends() {
        // b <target> ; mov x0, #0 ; ret
        let mut c = case(
            "aarch64.b26 b",
            branch(0x1400_0000, &B26),
            stub(),
            vec![
                ((1 << 27) - 4, Some(1 << 27)),
                (-(1 << 27), Some(-(1 << 27) - 4)),
            ],
        );
        c.capacity = 136 << 20;
        run_case(&c);
    }

    #[test]
    fn imm19_cbz_ends() {
        // cbz xzr, <target> ; mov x0, #0 ; ret
        run_case(&case(
            "aarch64.imm19 cbz",
            branch(0xB400_001F, &BCOND19),
            stub(),
            vec![
                ((1 << 20) - 4, Some(1 << 20)),
                (-(1 << 20), Some(-(1 << 20) - 4)),
            ],
        ));
    }

    #[test]
    fn imm19_ldr_literal_ends() {
        run_case(&case(
            "aarch64.imm19 ldr literal",
            Seq {
                // ldr x0, <target> ; ret
                bytes: words(&[0x5800_0000, RET]),
                fixups: vec![(&BCOND19, 0, 0)],
            },
            one(),
            vec![
                ((1 << 20) - 4, Some(1 << 20)),
                (-(1 << 20), Some(-(1 << 20) - 4)),
            ],
        ));
    }

    #[test]
    fn tbz14_ends() {
        // tbz wzr, #0, <target> ; mov x0, #0 ; ret
        run_case(&case(
            "aarch64.tbz14 tbz",
            branch(0x3600_001F, &TBZ14),
            stub(),
            vec![
                ((1 << 15) - 4, Some(1 << 15)),
                (-(1 << 15), Some(-(1 << 15) - 4)),
            ],
        ));
    }

    #[test]
    fn adr21_br_ends() {
        // adr x16, <target> ; br x16 ; mov x0, #0 ; ret
        // The byte range ends at 1 MiB - 1; the last instruction is 3 bytes before.
        run_case(&case(
            "aarch64.adr21 adr+br",
            Seq {
                bytes: words(&[0x1000_0010, 0xD61F_0200, MOV_X0_0, RET]),
                fixups: vec![(&ADR21, 0, 0)],
            },
            stub(),
            vec![((1 << 20) - 4, None), (-(1 << 20), Some(-(1 << 20) - 1))],
        ));
    }

    #[test]
    fn adr21_ldrb_byte_ends() {
        // adr x16, <target> ; ldrb w0, [x16] ; ret
        run_case(&case(
            "aarch64.adr21 adr+ldrb",
            Seq {
                bytes: words(&[0x1000_0010, 0x3940_0200, RET]),
                fixups: vec![(&ADR21, 0, 0)],
            },
            vec![1],
            vec![
                ((1 << 20) - 1, Some(1 << 20)),
                (-(1 << 20), Some(-(1 << 20) - 1)),
            ],
        ));
    }

    fn adrp_add_br() -> Seq {
        Seq {
            // adrp x16, <target> ; add x16, x16, :lo12:<target> ; br x16 ; mov x0, #0 ; ret
            bytes: words(&[0x9000_0010, 0x9100_0210, 0xD61F_0200, MOV_X0_0, RET]),
            fixups: vec![(&ADRP21, 0, 0), (&ADD_LO12, 4, 4)],
        }
    }

    #[test]
    fn adrp_add_lo12_in_the_buffer() {
        run_case(&case(
            "aarch64.adrp21+add_lo12 br",
            adrp_add_br(),
            stub(),
            vec![
                (20, None),
                (-16, None),
                (0xffc, None),
                ((5 << 20) + 0x7f4, None),
                (-(5 << 20) - 0x81c, None),
            ],
        ));
        run_case(&case(
            "aarch64.adrp21+ldst64_lo12 ldr",
            Seq {
                // adrp x16, <target> ; ldr x0, [x16, :lo12:<target>] ; ret
                bytes: words(&[0x9000_0010, 0xF940_0200, RET]),
                fixups: vec![(&ADRP21, 0, 0), (&LDST64_LO12, 4, 4)],
            },
            one(),
            vec![((3 << 20) + 0x9f8, None), (-(3 << 20) - 0x408, None)],
        ));
    }

    #[test]
    fn adrp21_ends_via_extern_targets() {
        let check = |b: &[u8], pc: u64, t: u64| {
            let adrp = u32::from_le_bytes(b[0..4].try_into().unwrap());
            let add = u32::from_le_bytes(b[4..8].try_into().unwrap());
            let imm = ((adrp >> 29) & 3) as u64 | (((adrp >> 5) & 0x7_FFFF) as u64) << 2;
            let pages = sign_extend(imm, 21);
            assert_eq!(
                (pc >> 12) as i64 + pages,
                (t >> 12) as i64,
                "adrp {adrp:#010x}"
            );
            assert_eq!(adrp & 0x9F00_001F, 0x9000_0010, "adrp opcode");
            assert_eq!(((add >> 10) & 0xFFF) as u64, t & 0xFFF, "add {add:#010x}");
            assert_eq!(add & !(0xFFF << 10), 0x9100_0210, "add opcode");
        };
        let page = |pc: u64| pc & !0xFFF;
        // Furthest page forward (its last byte) and backward (its first byte).
        extern_case(&adrp_add_br(), |pc| page(pc) + (1 << 32) - 1, true, check);
        extern_case(&adrp_add_br(), |pc| page(pc) - (1 << 32), true, check);
        extern_case(&adrp_add_br(), |pc| page(pc) + (1 << 32), false, check);
        extern_case(&adrp_add_br(), |pc| page(pc) - (1 << 32) - 1, false, check);
    }
}

// ---------------------------------------------------------------------------
// RISC-V 64

#[cfg(target_arch = "riscv64")]
mod host {
    use super::*;
    use jitasm_core::fixup::riscv::{B12, CB8, CJ11, J20, PCREL_HI20, PCREL_LO12_I};

    const LI_A0_1: u32 = 0x0010_0513; // li a0, 1 (addi a0, zero, 1)
    const LI_A0_0: u32 = 0x0000_0513; // li a0, 0 (addi a0, zero, 0)
    const RET: u32 = 0x0000_8067; // ret (jalr x0, 0(ra))

    fn stub() -> Vec<u8> {
        words(&[LI_A0_1, RET])
    }

    fn case(name: &'static str, seq: Seq, stub: Vec<u8>, dists: Vec<(i128, Option<i128>)>) -> Case {
        Case {
            name,
            seq,
            stub,
            align: 8,
            dists,
            capacity: DEFAULT_CAPACITY,
        }
    }

    #[test]
    fn b12_ends() {
        run_case(&case(
            "riscv.b12 beq",
            Seq {
                // beq x0, x0, <target> ; li a0, 0 ; ret
                bytes: words(&[0x0000_0063, LI_A0_0, RET]),
                fixups: vec![(&B12, 0, 0)],
            },
            stub(),
            vec![(4094, Some(4096)), (-4096, Some(-4098))],
        ));
    }

    #[test]
    fn j20_ends() {
        run_case(&case(
            "riscv.j20 jal",
            Seq {
                // jal x0, <target> ; li a0, 0 ; ret
                bytes: words(&[0x0000_006F, LI_A0_0, RET]),
                fixups: vec![(&J20, 0, 0)],
            },
            stub(),
            vec![
                ((1 << 20) - 2, Some(1 << 20)),
                (-(1 << 20), Some(-(1 << 20) - 2)),
            ],
        ));
    }

    #[test]
    fn cb8_ends() {
        run_case(&case(
            "riscv.cb8 c.beqz",
            Seq {
                // c.li a0, 0 ; c.beqz a0, <target> ; c.jr ra
                bytes: halves(&[0x4501, 0xC101, 0x8082]),
                fixups: vec![(&CB8, 2, 2)],
            },
            stub(),
            vec![(254, Some(256)), (-256, Some(-258))],
        ));
    }

    #[test]
    fn cj11_ends() {
        run_case(&case(
            "riscv.cj11 c.j",
            Seq {
                // c.li a0, 0 ; c.j <target> ; c.jr ra
                bytes: halves(&[0x4501, 0xA001, 0x8082]),
                fixups: vec![(&CJ11, 2, 2)],
            },
            stub(),
            vec![(2046, Some(2048)), (-2048, Some(-2050))],
        ));
    }

    fn auipc_jalr() -> Seq {
        Seq {
            // auipc t0, %pcrel_hi(<target>) ; jalr x0, %pcrel_lo(1b)(t0) ; li a0, 0 ; ret
            bytes: words(&[0x0000_0297, 0x0002_8067, LI_A0_0, RET]),
            fixups: vec![(&PCREL_HI20, 0, 0), (&PCREL_LO12_I, 4, 0)],
        }
    }

    #[test]
    fn pcrel_pair_executed() {
        // Around the point where the low part changes sign, and a few MiB away.
        run_case(&case(
            "riscv.pcrel_hi20+pcrel_lo12_i jalr",
            auipc_jalr(),
            stub(),
            vec![
                (2046, None),
                (2048, None),
                (-2048, None),
                (-2050, None),
                ((3 << 20) + 0x7fe, None),
                (-(3 << 20) - 0x802, None),
            ],
        ));
        run_case(&case(
            "riscv.pcrel_hi20+pcrel_lo12_i ld",
            Seq {
                // auipc t0, %pcrel_hi(<target>) ; ld a0, %pcrel_lo(1b)(t0) ; ret
                bytes: words(&[0x0000_0297, 0x0002_B503, RET]),
                fixups: vec![(&PCREL_HI20, 0, 0), (&PCREL_LO12_I, 4, 0)],
            },
            1u64.to_le_bytes().to_vec(),
            vec![(2040, None), (2048, None), (-2048, None), (-2056, None)],
        ));
    }

    #[test]
    fn pcrel_pair_ends_via_extern_targets() {
        let check = |b: &[u8], pc: u64, t: u64| {
            let auipc = u32::from_le_bytes(b[0..4].try_into().unwrap());
            let jalr = u32::from_le_bytes(b[4..8].try_into().unwrap());
            assert_eq!(auipc & 0xFFF, 0x297, "auipc opcode");
            assert_eq!(jalr & 0xF_FFFF, 0x2_8067, "jalr opcode");
            let hi = sign_extend((auipc >> 12) as u64, 20);
            let lo = sign_extend((jalr >> 20) as u64, 12);
            assert_eq!(
                pc.wrapping_add(((hi << 12) + lo) as u64),
                t,
                "auipc {auipc:#010x} jalr {jalr:#010x}"
            );
        };
        // The furthest distances auipc + a sign-extended low part reach.
        let max = (1u64 << 31) - 2049;
        let min = (1u64 << 31) + 2048;
        extern_case(&auipc_jalr(), |pc| pc + max, true, check);
        extern_case(&auipc_jalr(), |pc| pc - min, true, check);
        extern_case(&auipc_jalr(), |pc| pc + max + 1, false, check);
        extern_case(&auipc_jalr(), |pc| pc - min - 1, false, check);
    }
}
