//! Hostile input, generated: random bytes and mutated assembly go through
//! the text assembler in both spellings and both x86 modes. Every call must
//! return (no panic, no hang: each call is timed, and the whole run has a
//! deadline), and a text that is one instruction and assembles must give
//! exactly one instruction's bytes, as iced-x86 decodes them (no garbage
//! bytes before or after).
//!
//! The generator is a seeded xorshift, so a failure reproduces; the case is
//! printed with its seed.

use jitasm::{Arch, AsmOptions, Syntax};
use std::sync::mpsc;

/// The checks the fuzz targets make, shared with them.
#[path = "../../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;
use checks::{decodes_exactly, may_be_huge};
use std::time::{Duration, Instant};

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Representative statements in GNU/LLVM Intel syntax (some of them
/// several lines, for labels).
const GNU: &[&str] = &[
    "mov eax, 42",
    "mov rax, 0x1122334455667788",
    "movabs rax, 0x1122334455667788",
    "add dword ptr [rax + 8*rcx - 16], 7",
    "lea rsi, [rip + 0x100]",
    "push rbp",
    "pop r15",
    "xor eax, eax",
    "imul rdx, qword ptr [rsp + 8], 100",
    "shl byte ptr [rbx], cl",
    "movzx eax, byte ptr [rdi + rsi]",
    "cmp qword ptr fs:[0x28], rax",
    "test al, 1",
    "jmp extern 0x1000",
    "call qword ptr [rax + 8]",
    "ret 16",
    "int3",
    "syscall",
    "lock xadd dword ptr [rdx], ecx",
    "rep movsb",
    "cmovne r8d, r9d",
    "bswap r12",
    "fld tbyte ptr [rbp - 10]",
    "fadd st(0), st(3)",
    "fxch st(1)",
    "fstsw ax",
    "movaps xmm1, xmmword ptr [rax]",
    "pshufd xmm0, xmm1, 0x1b",
    "vaddps ymm0, ymm1, ymmword ptr [rcx + 32]",
    "vaddps zmm0 {k1} {z}, zmm1, dword ptr [rax]{1to16}",
    "vaddpd zmm2, zmm3, zmm4, {rn-sae}",
    "vpternlogd zmm0, zmm1, zmm2, 0xff",
    "kmovw k1, eax",
    "vpgatherdd ymm0, dword ptr [rax + ymm1*4], ymm2",
    "mov al, byte ptr [0x1234]",
    "crc32 eax, byte ptr [rbx]",
    "tzcnt ecx, edx",
    "bt dword ptr [rax], 5",
    "in al, dx",
    "out 0x80, al",
    "enter 16, 0",
    "xchg rax, rcx",
    "nop dword ptr [rax + rax]",
    "mov eax, 'A' + 1",
    "and eax, ~0xff",
    "sub rsp, (8 * 4) | 8",
    "{vex} vpdpbusd xmm0, xmm1, xmm2",
    ".byte 1, 2, 0xff",
    ".ascii \"hi\\n\"",
    ".quad -1, 0x10",
    "1: jmp 1b",
    "jmp short 1f\n1:",
    "a: lea rax, [rip + a]",
    "mov eax, offset x + 4\nx:",
];

/// The same in dynasm syntax.
const DYNASM: &[&str] = &[
    "mov eax, DWORD [rax + rcx*8 + 16]",
    "add Rq(3), 1",
    "add Rh(4), 1",
    "mov QWORD [rsp + 8], Rq(12)",
    "->start: nop",
    "jmp ->start\n->start:",
    "back: dec ecx\njnz <back",
    "jmp >fwd\nfwd:",
    "lea rax, [NOSPLIT rbx*2]",
    "lea rax, [rbx*2]",
    "mov eax, [BYTE rax + 8]",
    "movaps Rx(7), OWORD [rax]",
    ".alias acc, rax\nadd acc, 1",
    "push rbp",
    "ret",
    "movzx eax, BYTE [rdi]",
    "cmp QWORD [rdi + 0x18], 0",
];

/// Pieces that break things in interesting ways.
const SNIPPETS: &[&str] = &[
    "((((",
    "))",
    "[",
    "]",
    "{",
    "}",
    "{k1}",
    "{z}",
    "{1to16}",
    "{1to3}",
    ",",
    ";",
    "\n",
    "->",
    "=>",
    "<",
    ">",
    ":",
    "'",
    "\"",
    "/*",
    "*/",
    "\\",
    "#",
    "//",
    "-",
    "+",
    "*",
    "*16",
    "0x",
    "0xffffffffffffffff",
    "18446744073709551616",
    "99999999999999999999",
    "-2147483648",
    "1f",
    "1b",
    "st(",
    "Rq(",
    "Rx(99)",
    "Rh(8)",
    "NOSPLIT ",
    "BYTE ",
    "ptr ",
    "dword ptr ",
    "offset ",
    "short ",
    "extern ",
    "lock ",
    "fs:",
    "rip",
    "rsp",
    "xmm0",
    "zmm31",
    "k0",
    "al",
    "ah",
    "r8b",
    "spl",
    "é",
    "\0",
    "\u{1}",
    "\u{feff}",
    "\r",
    "\t",
];

fn mutate(rng: &mut Rng, base: &str) -> String {
    let mut s: Vec<char> = base.chars().collect();
    for _ in 0..1 + rng.below(2) {
        let at = rng.below(s.len() + 1);
        match rng.below(8) {
            0 => s.insert(at, char::from(32 + rng.below(95) as u8)),
            1 if !s.is_empty() => {
                s.remove(at.min(s.len() - 1));
            }
            2 if !s.is_empty() => {
                let c = *rng.pick(&['0', '9', 'x', 'f', 'b', ' ', ',', '[', '(', '{', 'é', '_']);
                let i = at.min(s.len() - 1);
                s[i] = c;
            }
            3 => {
                // Duplicate a token (a run of the text between blanks).
                let text: String = s.iter().collect();
                let tokens: Vec<&str> = text.split([' ', ',']).filter(|t| !t.is_empty()).collect();
                if !tokens.is_empty() {
                    let t = rng.pick(&tokens).to_string();
                    let mut tail = s.split_off(at);
                    s.extend(t.chars());
                    s.push(' ');
                    s.append(&mut tail);
                }
            }
            4 => s.truncate(at),
            5 if s.len() >= 2 => {
                let (i, j) = (at.min(s.len() - 1), rng.below(s.len()));
                s.swap(i, j);
            }
            _ => {
                let snippet = rng.pick(SNIPPETS);
                let mut tail = s.split_off(at);
                s.extend(snippet.chars());
                s.append(&mut tail);
            }
        }
    }
    s.into_iter().collect()
}

fn random_text(rng: &mut Rng) -> String {
    let len = rng.below(120);
    let mut bytes = Vec::with_capacity(len * 2);
    if rng.below(2) == 0 {
        // Bytes of any value.
        bytes.extend((0..len).map(|_| rng.next() as u8));
    } else {
        // A soup of assembly-looking pieces and random bytes.
        const WORDS: &[&str] = &[
            "mov ",
            "add ",
            "vaddps ",
            "jmp ",
            "lea ",
            ".byte ",
            ".ascii ",
            "eax",
            "rax",
            "r8",
            "xmm0",
            "zmm1",
            "k1",
            "byte ptr ",
            "dword ",
            "[",
            "]",
            "+",
            "*",
            "8",
            "0x1f",
            ", ",
            "\n",
            ";",
            ":",
            "a",
            "1",
            "'",
            "\"",
            "{",
            "}",
            "(",
            ")",
            "->",
            "=>",
            ">",
            "<",
            "#",
        ];
        while bytes.len() < len {
            if rng.below(4) == 0 {
                bytes.push(rng.next() as u8);
            } else {
                bytes.extend_from_slice(rng.pick(WORDS).as_bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether the text is one instruction (no directive, no label), so its
/// bytes must be one instruction.
fn single_instruction(text: &str, info: &jitasm::syntax::TextInfo) -> bool {
    let [st] = info.statements.as_slice() else {
        return false;
    };
    let s = text[st.span.start as usize..st.span.end as usize].trim_start();
    if s.starts_with(['.', '-', '=']) {
        return false;
    }
    // `name:` / `1:` at the start is a label definition.
    let name_len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_.$@".contains(c)))
        .unwrap_or(s.len());
    !s[name_len..].trim_start().starts_with(':')
}

#[derive(Default)]
struct Stats {
    calls: usize,
    ok: usize,
    decoded: usize,
    skipped: usize,
    slowest: (Duration, String),
}

fn run(stats: &mut Stats, text: &str, what: &str) {
    if may_be_huge(text) {
        stats.skipped += 1;
        return;
    }
    let cases = [
        (Arch::X64, Syntax::Gnu, 64),
        (Arch::X64, Syntax::Dynasm, 64),
        (Arch::X86, Syntax::Gnu, 32),
    ];
    for (arch, syntax, bitness) in cases {
        let options = AsmOptions::new(arch).syntax(syntax);
        let start = Instant::now();
        let result = jitasm::assemble_with(text, &options, 0);
        let took = start.elapsed();
        stats.calls += 1;
        if took > stats.slowest.0 {
            stats.slowest = (took, format!("{text:?} ({arch:?}, {syntax:?})"));
        }
        assert!(
            took < Duration::from_secs(2),
            "{what}: {text:?} ({arch:?}, {syntax:?}) took {took:?}"
        );
        match result {
            Ok(a) => {
                stats.ok += 1;
                if !a.bytes.is_empty() && single_instruction(text, &a.info) {
                    stats.decoded += 1;
                    if let Err(e) = decodes_exactly(bitness, &a.bytes) {
                        panic!(
                            "{what}: {text:?} ({arch:?}, {syntax:?}) gave {:02x?}, which iced decodes as {e}",
                            a.bytes
                        );
                    }
                }
            }
            Err(e) => {
                // The error is placed inside the text, on a real line.
                assert!(
                    e.span.start as usize <= text.len() && e.span.end as usize <= text.len(),
                    "{what}: {text:?}: span {:?} outside the text",
                    e.span
                );
                assert!(
                    e.line >= 1 && e.line as usize <= text.split('\n').count(),
                    "{what}: {text:?}: line {}",
                    e.line
                );
                let _ = e.render();
            }
        }
    }
}

fn hostile(seed: u64) -> Stats {
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    for i in 0..3000 {
        let text = random_text(&mut rng);
        run(&mut stats, &text, &format!("random #{i} (seed {seed})"));
    }
    for (b, base) in GNU.iter().chain(DYNASM).enumerate() {
        // The base itself, then its mutations.
        run(&mut stats, base, &format!("base #{b}"));
        for i in 0..150 {
            let text = mutate(&mut rng, base);
            run(
                &mut stats,
                &text,
                &format!("mutation #{i} of base #{b} (seed {seed})"),
            );
        }
    }
    stats
}

/// `JITASM_HOSTILE_ROUNDS=n` runs `n` seeds instead of one (a longer hunt).
#[test]
fn hostile_input_never_panics_or_hangs() {
    let rounds: u64 = std::env::var("JITASM_HOSTILE_ROUNDS").map_or(1, |v| v.parse().unwrap());
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let mut total = Stats::default();
        for round in 0..rounds {
            let stats = hostile(0x9E37_79B9_7F4A_7C15 ^ round.wrapping_mul(0x1234_5678_9ABC_DEF1));
            total.calls += stats.calls;
            total.ok += stats.ok;
            total.decoded += stats.decoded;
            total.skipped += stats.skipped;
            if stats.slowest.0 > total.slowest.0 {
                total.slowest = stats.slowest;
            }
        }
        let _ = tx.send(());
        total
    });
    // A hang is a failure, not a stuck test run.
    match rx.recv_timeout(Duration::from_secs(120 * rounds)) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the hostile inputs did not finish in 120 s")
        }
    }
    let stats = worker.join().expect("a hostile input panicked (see above)");
    println!(
        "{} calls: {} assembled, {} decoded as one instruction, {} texts skipped; slowest {:?}: {}",
        stats.calls, stats.ok, stats.decoded, stats.skipped, stats.slowest.0, stats.slowest.1
    );
    // The generator reaches both outcomes.
    assert!(stats.ok > 500 && stats.decoded > 300, "too few valid texts");
    assert!(stats.calls - stats.ok > 5000, "too few errors");
}

#[test]
fn every_base_statement_assembles() {
    for (list, syntax) in [(GNU, Syntax::Gnu), (DYNASM, Syntax::Dynasm)] {
        for text in list {
            let options = AsmOptions::new(Arch::X64).syntax(syntax);
            let a = jitasm::assemble_with(text, &options, 0)
                .unwrap_or_else(|e| panic!("{text:?}: {}", e.render()));
            if single_instruction(text, &a.info) {
                decodes_exactly(64, &a.bytes).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            }
        }
    }
}

// --- AArch64 ------------------------------------------------------------------

/// Representative AArch64 statements in GNU/LLVM syntax.
const A64_GNU: &[&str] = &[
    "add x0, x1, #12, lsl #12",
    "add x0, x1, 12",
    "sub sp, sp, #16",
    "adds w3, w4, w5, uxtb #2",
    "and x0, x1, #0xff00ff00ff00ff00",
    "mov x0, #0x12340000",
    "mov w1, #-1",
    "movk x2, #0xbeef, lsl #48",
    "ubfx x0, x1, #4, #8",
    "csel x0, x1, x2, ne",
    "cset w0, hs",
    "ccmp x0, #3, #4, eq",
    "mul x0, x1, x2",
    "ldr x0, [x1, #8]",
    "ldr x0, [x1, #8]!",
    "ldr x0, [x1], #8",
    "ldr w0, [x1, x2, lsl #2]",
    "ldr x0, [x1, w2, sxtw #3]",
    "ldp x29, x30, [sp, #-16]!",
    "stp q0, q1, [sp], #32",
    "ldaxr w0, [x1]",
    "ldadd x0, x1, [x2]",
    "b.eq 1f\n1:",
    "1: cbnz w0, 1b",
    "tbz x3, #40, 1f\n1:",
    "adr x0, here\nhere:",
    "adrp x0, here\nhere:",
    "ldr x0, lit\nlit: .quad 7",
    "bl extern 0x1000",
    "ret",
    "mrs x0, nzcv",
    "msr fpcr, x1",
    "msr daifset, #2",
    "dmb ish",
    "isb",
    "prfm pldl1keep, [x0, #64]",
    "fmov d0, #1.5",
    "fmov s1, #-0.125",
    "fadd d0, d1, d2",
    "fcmp s0, #0.0",
    "scvtf d0, x1, #16",
    "add v0.4s, v1.4s, v2.4s",
    "mov v0.s[1], w0",
    "umov w0, v1.b[15]",
    "fmla v0.4s, v1.4s, v2.s[3]",
    "ld1 {v0.16b-v3.16b}, [x0], #64",
    "st1 {v0.4s, v1.4s}, [x0]",
    "ld1 {v0.s}[1], [x1], x2",
    "movi v0.2d, #0xff00ff00ff00ff00",
    "tbl v0.16b, {v1.16b, v2.16b}, v3.16b",
    ".word 0x11223344, -1",
    ".hword 5\n.balign 4",
    ".align 3\nnop",
    ".quad lit\nlit:",
    ".ascii \"hi\"",
    "# comment\nnop // and one",
];

/// AArch64 in dynasm syntax.
const A64_DYNASM: &[&str] = &[
    "add X(3), X(4), #1",
    "ldr x0, [XSP(31), #8]",
    "add v0.s4, v1.s4, v2.s4",
    "ld1 {v0.b16 * 4}, [x0]",
    "add V(1).s4, V(2).s4, V(3).s4",
    "->start: nop",
    "b ->start\n->start:",
    "back: subs x0, x0, #1\nb.ne <back",
    "cbz x0, >fwd\nfwd:",
    ".alias acc, x0\nadd acc, acc, #1",
];

/// Pieces that break AArch64 text in interesting ways.
const A64_SNIPPETS: &[&str] = &[
    "#",
    "#-",
    "#0x",
    "#1.5",
    "lsl ",
    "lsl #",
    "sxtw ",
    "msl #8",
    "[",
    "]",
    "]!",
    "{",
    "}",
    "-v3.4s",
    "* 4",
    "[1]",
    "[99]",
    ".4s",
    ".s4",
    ".b",
    ".16b",
    "v31",
    "v32.4s",
    "x31",
    "wsp",
    "sp",
    "xzr",
    "X(",
    "V(1)",
    "XSP(31)",
    "eq",
    "al",
    "nv",
    ":lo12:",
    "=",
    "!",
    "1f",
    "1b",
    "->",
    ">",
    "<",
    "=>",
    "extern ",
    "nzcv",
    "s3_3_c4_c2_0",
    "c7",
    "ish",
    "pldl1keep",
    ".align 2",
    ".byte 1",
    "é",
    "\0",
    "\n",
];

fn mutate_a64(rng: &mut Rng, base: &str) -> String {
    let mut s = mutate(rng, base);
    if rng.below(2) == 0 {
        let at = rng.below(s.chars().count() + 1);
        let at = s.char_indices().nth(at).map_or(s.len(), |(i, _)| i);
        let snippet = *rng.pick(A64_SNIPPETS);
        s.insert_str(at, snippet);
    }
    s
}

fn run_a64(stats: &mut Stats, text: &str, what: &str) {
    if may_be_huge(text) {
        stats.skipped += 1;
        return;
    }
    for syntax in [Syntax::Gnu, Syntax::Dynasm] {
        let options = AsmOptions::new(Arch::Aarch64).syntax(syntax);
        let start = Instant::now();
        let result = jitasm::assemble_with(text, &options, 0);
        let took = start.elapsed();
        stats.calls += 1;
        if took > stats.slowest.0 {
            stats.slowest = (took, format!("{text:?} ({syntax:?})"));
        }
        assert!(
            took < Duration::from_secs(2),
            "{what}: {text:?} ({syntax:?}) took {took:?}"
        );
        match result {
            Ok(a) => {
                stats.ok += 1;
                // One instruction is one word, nothing before or after it.
                if !a.bytes.is_empty() && single_instruction(text, &a.info) {
                    stats.decoded += 1;
                    assert_eq!(
                        a.bytes.len(),
                        4,
                        "{what}: {text:?} ({syntax:?}) gave {:02x?}",
                        a.bytes
                    );
                }
            }
            Err(e) => {
                assert!(
                    e.span.start <= e.span.end && e.span.end as usize <= text.len(),
                    "{what}: {text:?}: span {:?} outside the text",
                    e.span
                );
                assert!(
                    e.line >= 1 && e.line as usize <= text.split('\n').count(),
                    "{what}: {text:?}: line {}",
                    e.line
                );
                assert!(e.render().contains('^'));
            }
        }
    }
}

#[test]
fn aarch64_hostile_input_never_panics_or_hangs() {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let mut rng = Rng(0xA64A_64A6_4A64_A64A);
        let mut stats = Stats::default();
        for i in 0..2000 {
            let text = random_text(&mut rng);
            run_a64(&mut stats, &text, &format!("random #{i}"));
        }
        for (b, base) in A64_GNU.iter().chain(A64_DYNASM).enumerate() {
            run_a64(&mut stats, base, &format!("base #{b}"));
            for i in 0..150 {
                let text = mutate_a64(&mut rng, base);
                run_a64(&mut stats, &text, &format!("mutation #{i} of base #{b}"));
            }
        }
        let _ = tx.send(());
        stats
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the AArch64 hostile inputs did not finish in 120 s")
        }
    }
    let stats = worker.join().expect("a hostile input panicked (see above)");
    println!(
        "AArch64: {} calls: {} assembled, {} single instructions, {} skipped; slowest {:?}: {}",
        stats.calls, stats.ok, stats.decoded, stats.skipped, stats.slowest.0, stats.slowest.1
    );
    assert!(stats.ok > 500 && stats.decoded > 300, "too few valid texts");
    assert!(stats.calls - stats.ok > 3000, "too few errors");
}

#[test]
fn every_aarch64_base_statement_assembles() {
    for (list, syntax) in [(A64_GNU, Syntax::Gnu), (A64_DYNASM, Syntax::Dynasm)] {
        for text in list {
            let options = AsmOptions::new(Arch::Aarch64).syntax(syntax);
            let a = jitasm::assemble_with(text, &options, 0)
                .unwrap_or_else(|e| panic!("{text:?}: {}", e.render()));
            if single_instruction(text, &a.info) {
                assert_eq!(a.bytes.len(), 4, "{text:?}");
            }
        }
    }
}
