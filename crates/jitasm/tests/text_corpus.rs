//! The text assembler on the llvm-mc golden corpus (25,000 instructions of
//! every x86 form, in LLVM's Intel syntax): each line's text, assembled by
//! `jitasm::assemble`, must give the bytes the encoder gives for the
//! operands the line was rendered from, or, where the text leaves out what
//! the operands said (an unsized FPU environment), llvm-mc's bytes for the
//! same text. `jitasm-x64`'s golden test ties
//! those bytes to llvm-mc's (with each difference listed and explained), so
//! text → bytes is checked against llvm-mc through it; the direct agreement
//! with llvm-mc is printed too (`-- --nocapture`).

#[path = "../../jitasm-x64/tests/support/gen.rs"]
mod gen;

use jitasm::x64::table::FORMS;
use jitasm::x64::{Instruction, Mnemonic, Mode};
use jitasm::Arch;

fn run(file: &str, mode: Mode, arch: Arch) {
    let path = format!(
        "{}/../jitasm-x64/tests/data/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (mut cases, mut same_as_llvm, mut llvm_bytes) = (0, 0, 0);
    let mut failures = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut parts = line.splitn(3, " | ");
        let (head, text, llvm) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let mut h = head.split(' ');
        let form_index: usize = h.next().unwrap().parse().unwrap();
        let seed: u64 = h.next().unwrap().parse().unwrap();
        let form = &FORMS[form_index];
        let inst = gen::instance(form_index, mode, seed);
        assert_eq!(
            gen::intel(form, &inst),
            text,
            "{file}: the generator drifted from the corpus"
        );
        let ins = Instruction {
            mnemonic: Mnemonic::from_index(form.mnemonic).unwrap(),
            operands: &inst.ops,
            decorations: inst.dec,
            prefixes: Default::default(),
        };
        let want = jitasm::x64::select(mode, &ins).map(|(_, e)| e.bytes().to_vec());
        let got = jitasm::assemble(arch, text);
        cases += 1;
        let llvm = llvm.split(" | ").next().unwrap();
        let mut agrees_with_llvm = false;
        if !llvm.starts_with("error") {
            llvm_bytes += 1;
            if let Ok(b) = &got {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                agrees_with_llvm = hex == llvm;
                same_as_llvm += agrees_with_llvm as usize;
            }
        }
        match (want, got) {
            (Ok(w), Ok(g)) if w == g => {}
            // The text does not say everything the operands said (an unsized
            // FPU environment, LLVM's size-less VSIB): then llvm-mc is the judge.
            (_, Ok(_)) if agrees_with_llvm => {}
            (Err(_), Err(_)) => {}
            (w, g) => failures.push(format!(
                "{text}\n    encoder: {w:02x?}\n    text:    {g:02x?}"
            )),
        }
    }
    println!(
        "{file}: {cases} lines; text = encoder on {}; text = llvm-mc on {same_as_llvm} of the {llvm_bytes} llvm-mc encodes",
        cases - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} lines differ:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

#[test]
fn golden_corpus_64_bit() {
    run("golden_x64.txt", Mode::Long, Arch::X64);
}

#[test]
fn golden_corpus_32_bit() {
    run("golden_x86.txt", Mode::Protected, Arch::X86);
}
