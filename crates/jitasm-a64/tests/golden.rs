//! Golden vectors from llvm-mc (`tests/data/golden_a64.txt`, written by
//! `scripts/golden/gen_a64_vectors.py`): every line's instruction is parsed
//! by the small test parser, encoded by the encoder, and compared with
//! llvm-mc's word; a line llvm-mc rejects must be rejected too. Failures
//! are listed by line.

mod support {
    pub mod known;
    pub mod parse;
}

use jitasm_a64::{encode, Instruction};
use support::known::known;

#[test]
fn golden_a64() {
    let text = include_str!("data/golden_a64.txt");
    let mut failures = Vec::new();
    let (mut words, mut errors, mut differences, mut parser_rejects) = (0, 0, 0, 0);
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (expected, asm) = line.split_once('\t').expect("word TAB text");
        let lineno = n + 1;
        let parsed = support::parse::parse(asm);
        let got = match &parsed {
            Ok((m, ops)) => encode(&Instruction::new(m, ops)).map_err(|e| e.to_string()),
            Err(e) => Err(format!("test parser: {e}")),
        };
        if let Some(reason) = known(asm, expected) {
            let same = match (&got, expected) {
                (Err(_), "error") => true,
                (Ok(e), hex) if hex != "error" => e.word() == u32::from_str_radix(hex, 16).unwrap(),
                _ => false,
            };
            if same {
                failures.push(format!("line {lineno}: `{asm}`: listed as a known difference ({reason}) but agrees with llvm-mc"));
            } else {
                differences += 1;
            }
            continue;
        }
        match (expected, got) {
            ("error", Err(e)) => {
                errors += 1;
                if e.starts_with("test parser") {
                    parser_rejects += 1;
                }
            }
            ("error", Ok(e)) => failures.push(format!(
                "line {lineno}: `{asm}`: llvm-mc rejects it, jitasm encodes {:08x}",
                e.word()
            )),
            (hex, Ok(e)) => {
                let want = u32::from_str_radix(hex, 16).unwrap();
                if e.word() != want || e.fixup.is_some() {
                    failures.push(format!(
                        "line {lineno}: `{asm}`: llvm-mc {want:08x}, jitasm {:08x} (xor {:08x})",
                        e.word(),
                        e.word() ^ want
                    ));
                } else {
                    words += 1;
                }
            }
            (hex, Err(e)) => failures.push(format!(
                "line {lineno}: `{asm}`: llvm-mc {hex}, jitasm error: {e}"
            )),
        }
    }
    eprintln!(
        "{words} words and {errors} rejections ({parser_rejects} by the test parser) match llvm-mc; \
         {differences} known differences; {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of the golden lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every operation of `dc`, `ic`, `at` and `tlbi` in the encoder's table
/// (`jitasm_a64::operand::SYS_OPS`) is in the golden lines, written with a
/// register and without: llvm-mc accepts the way the table says it is
/// written and refuses the other (the words themselves are checked above).
#[test]
fn every_system_operation_is_a_golden_line() {
    let text = include_str!("data/golden_a64.txt");
    let lines: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once('\t').expect("word TAB text"))
        .map(|(w, a)| (a, w))
        .collect();
    let mut missing = Vec::new();
    for op in jitasm_a64::operand::SYS_OPS {
        let bare = format!("{} {}", op.mnemonic, op.name);
        let with_reg = format!("{bare}, ");
        let without = lines.iter().find(|(a, _)| *a == bare).map(|(_, w)| *w);
        let with = lines
            .iter()
            .find(|(a, _)| a.starts_with(&with_reg) && !a[with_reg.len()..].contains(','))
            .map(|(_, w)| *w);
        let (taken, refused) = if op.reg {
            (with, without)
        } else {
            (without, with)
        };
        match (taken, refused) {
            (Some(t), Some("error")) if t != "error" => {}
            _ => missing.push(format!("{bare}: {taken:?} / {refused:?}")),
        }
    }
    assert!(
        missing.is_empty(),
        "operations without the golden lines that check them: {missing:?}"
    );
}
