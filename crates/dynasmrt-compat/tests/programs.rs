//! dynasmrt programs (../programs) run and checked. This file is built twice:
//! by `dynasmrt-compat` against jitasm-dynasmrt and by `dynasmrt-reference`
//! against dynasm-rs's dynasmrt 5.1, so both must pass the same checks.
#![cfg(all(target_arch = "x86_64", unix))]

#[path = "../programs/bf.rs"]
mod bf;
#[path = "../programs/hello.rs"]
mod hello;
#[path = "../programs/labels_alter.rs"]
mod labels_alter;

use dynasmrt::{DynasmError, LabelKind};

#[test]
fn hello_prints_every_greeting_and_counts_the_bytes() {
    let names = ["world", "jitasm", "dynasm-rs"];
    let (text, count) = hello::run(&names);
    let expected: String = names.iter().map(|n| format!("Hello, {n}\n")).collect();
    assert_eq!(text, expected);
    assert_eq!(count, expected.len() as u64);
}

/// A brainfuck program that prints `text`, using a multiplication loop
/// per character (cell 1 = 16 * q, then the remainder).
fn printer(text: &str) -> String {
    let mut p = String::new();
    for &b in text.as_bytes() {
        let (q, r) = (b / 16, b % 16);
        p += "[-]>[-]<";
        p += &"+".repeat(q as usize);
        p += "[>++++++++++++++++<-]>";
        p += &"+".repeat(r as usize);
        p += ".<";
    }
    p
}

#[test]
fn bf_runs_loops_and_output() {
    let text = "Hello from a brainfuck JIT!\n";
    let program = bf::compile(&printer(text)).unwrap();
    assert_eq!(program.run(b"").unwrap(), text.as_bytes());
}

#[test]
fn bf_reads_input_and_nests_loops() {
    // Reads bytes until 0 and echoes each one incremented by one; then
    // computes 7 * 9 with nested loops and prints it.
    let source = ",[+.[-],]>+++++++[>+++[>+++<-]<-]>>.";
    let program = bf::compile(source).unwrap();
    let out = program.run(b"HAL").unwrap();
    assert_eq!(out, [b'I', b'B', b'M', 63]);
}

#[test]
fn bf_reports_errors() {
    assert_eq!(
        bf::compile("+[>+<-").err(),
        Some(bf::BfError::Unbalanced(1))
    );
    assert_eq!(bf::compile("+]").err(), Some(bf::BfError::Unbalanced(1)));
    let program = bf::compile("<").unwrap();
    assert_eq!(program.run(b""), Err(bf::BfError::TapeOverflow));
    assert!(program.code_size() > 0);
}

#[test]
fn progressive_compilation_alter_and_label_errors() {
    let x = 12;
    let n = 5;
    let o = labels_alter::run(n, x);
    let expected: Vec<i64> = (0..n as i64).map(|k| x * (k + 1) + k).collect();
    assert_eq!(o.first, expected);
    assert_eq!(o.appended, x * x);
    assert_eq!(o.altered, x + 1000);
    assert!(o.check_ok);
    assert_eq!(o.uncommitted, 77);
    // jmp rel32 over one nop, then ret.
    assert_eq!(o.vec_bytes, [0xE9, 1, 0, 0, 0, 0x90, 0xC3]);
    assert_eq!(
        o.unknown,
        DynasmError::UnknownLabel(LabelKind::Global("missing"))
    );
    assert_eq!(o.unknown.to_string(), "Unknown label: 'label ->missing'");
    assert_eq!(
        o.duplicate,
        DynasmError::DuplicateLabel(LabelKind::Global("twice"))
    );
}
