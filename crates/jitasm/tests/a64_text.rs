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
