//! The AArch64 text assembler against llvm-mc: every line of jitasm-a64's
//! golden vectors (`crates/jitasm-a64/tests/data/golden_a64.txt`, written
//! by `scripts/golden/gen_a64_vectors.py` from llvm-mc 19) assembled from
//! its text must give llvm-mc's word, and a line llvm-mc rejects must be
//! rejected (with an error placed inside the line). The differences jitasm
//! knows of are jitasm-a64's list (`tests/support/known.rs` there), which
//! must still hold.

#[path = "../../jitasm-a64/tests/support/known.rs"]
mod known;

use jitasm::{Arch, AsmOptions, Syntax};

const GOLDEN: &str = include_str!("../../jitasm-a64/tests/data/golden_a64.txt");

fn assemble(text: &str, syntax: Syntax) -> Result<Vec<u8>, jitasm::AsmError> {
    jitasm::assemble_with(text, &AsmOptions::new(Arch::Aarch64).syntax(syntax), 0).map(|a| a.bytes)
}

#[test]
fn golden_lines_through_the_text_assembler() {
    let mut failures = Vec::new();
    let (mut words, mut errors, mut differences) = (0, 0, 0);
    for (n, line) in GOLDEN.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (expected, asm) = line.split_once('\t').expect("word TAB text");
        let lineno = n + 1;
        let got = assemble(asm, Syntax::Gnu);
        if let Err(e) = &got {
            let span = e.span.start as usize..e.span.end as usize;
            if span.end > asm.len() || e.line != 1 {
                failures.push(format!(
                    "line {lineno}: `{asm}`: error placed outside the line: {e:?}"
                ));
            }
        }
        if let Some(reason) = known::known(asm, expected) {
            let same = match (&got, expected) {
                (Err(_), "error") => true,
                (Ok(b), hex) if hex != "error" => *b == word(hex),
                _ => false,
            };
            if same {
                failures.push(format!(
                    "line {lineno}: `{asm}`: listed as a known difference ({reason}) but agrees with llvm-mc"
                ));
            } else {
                differences += 1;
            }
            continue;
        }
        match (expected, got) {
            ("error", Err(_)) => errors += 1,
            ("error", Ok(b)) => failures.push(format!(
                "line {lineno}: `{asm}`: llvm-mc rejects it, jitasm gives {b:02x?}"
            )),
            (hex, Ok(b)) => {
                if b == word(hex) {
                    words += 1;
                } else {
                    failures.push(format!(
                        "line {lineno}: `{asm}`: llvm-mc {hex}, jitasm {b:02x?}"
                    ));
                }
            }
            (hex, Err(e)) => failures.push(format!(
                "line {lineno}: `{asm}`: llvm-mc {hex}, jitasm: {e}"
            )),
        }
    }
    eprintln!(
        "{words} words and {errors} rejections match llvm-mc; {differences} known differences; {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of the golden lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(words > 5000, "only {words} words checked");
}

/// llvm-mc's word as the four bytes jitasm emits.
fn word(hex: &str) -> Vec<u8> {
    u32::from_str_radix(hex, 16)
        .expect("a hex word")
        .to_le_bytes()
        .to_vec()
}

/// Spellings of one instruction (GNU, dynasm-rs, optional `#`, case,
/// aliases, register families, constant expressions) give the same bytes
/// as the first, which is a golden line (checked against llvm-mc above).
#[test]
fn spellings_agree() {
    let groups: &[&[(&str, Syntax)]] = &[
        &[
            ("add v29.4s, v5.4s, v29.4s", Syntax::Gnu),
            ("add v29.s4, v5.s4, v29.s4", Syntax::Gnu),
            ("add V(29).s4, V(5).s4, V(29).s4", Syntax::Dynasm),
            ("ADD V29.4S, V5.4S, V29.4S", Syntax::Gnu),
            (".alias vec, v5\nadd v29.4s, vec.4s, v29.4s", Syntax::Gnu),
        ],
        &[
            ("ld1 {v29.16b, v30.16b, v31.16b, v0.16b}, [x1]", Syntax::Gnu),
            ("ld1 {v29.16b-v0.16b}, [x1]", Syntax::Gnu),
            ("ld1 { v29.16b - v0.16b }, [ x1 ]", Syntax::Gnu),
            ("ld1 {v29.b16 * 4}, [x1]", Syntax::Dynasm),
            ("ld1 {V(29).b16 * 4}, [X(1)]", Syntax::Dynasm),
        ],
        &[
            ("ld1 {v2.s}[3], [x4]", Syntax::Gnu),
            ("ld1 {v2.s * 1}[3], [x4]", Syntax::Dynasm),
            (".equ LANE, 3\nld1 {v2.s}[LANE], [x4]", Syntax::Gnu),
        ],
        &[
            ("add x0, x1, #4095", Syntax::Gnu),
            ("add x0, x1, 4095", Syntax::Gnu),
            ("add x0, x1, #(1 << 12) - 1", Syntax::Gnu),
            ("add X(0), XSP(1), #0xfff", Syntax::Dynasm),
            (".equ K, 4095\nadd x0, x1, K", Syntax::Gnu),
        ],
        &[
            ("add x3, sp, #0", Syntax::Gnu),
            ("add x3, XSP(31), #0", Syntax::Dynasm),
            ("mov x3, sp", Syntax::Gnu),
        ],
        &[
            ("ldr x12, [x1, #8]!", Syntax::Gnu),
            ("ldr x12, [x1, 8]!", Syntax::Gnu),
            ("LDR X12, [X1, #8]!", Syntax::Gnu),
            (".alias base, x1\nldr x12, [base, #8]!", Syntax::Dynasm),
        ],
        &[
            ("ldr x12, [x7, x2, lsl #3]", Syntax::Gnu),
            ("ldr x12, [x7, x2, LSL 3]", Syntax::Dynasm),
        ],
        &[
            ("fmov v3.8h, #-0.5", Syntax::Gnu),
            ("fmov v3.h8, -0.5", Syntax::Dynasm),
        ],
        &[
            ("msr spsel, #1", Syntax::Gnu),
            ("MSR SPSel, 1", Syntax::Gnu),
        ],
        &[
            ("b.eq #8", Syntax::Gnu),
            ("b.eq 1f\nnop\n1:", Syntax::Gnu),
            ("b.eq >x\nnop\nx:", Syntax::Dynasm),
        ],
    ];
    let golden: std::collections::HashMap<&str, &str> = GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once('\t').map(|(w, a)| (a, w)))
        .collect();
    for group in groups {
        let (first, _) = group[0];
        let want = word(
            golden
                .get(first)
                .unwrap_or_else(|| panic!("{first} is not a golden line")),
        );
        for (text, syntax) in *group {
            let got =
                assemble(text, *syntax).unwrap_or_else(|e| panic!("{text:?}: {}", e.render()));
            assert_eq!(got[..4], want[..], "{text:?} differs from {first:?}");
        }
    }
}
