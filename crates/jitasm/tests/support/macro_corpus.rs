//! Checks for `tests/generated/macro_corpus.rs`.

use jitasm::{isa::X64, Arch, AsmOptions, Syntax, VecAssembler};

/// Register numbers as run-time values.
pub fn numbers() -> [u8; 32] {
    std::hint::black_box(core::array::from_fn(|i| i as u8))
}

/// Each line's bytes from `dynasm!` (split at `lens`) must be the text
/// assembler's for the same line (dynasm syntax); prints how many equal
/// llvm-mc's.
pub fn check(arch: &str, ops: VecAssembler<X64>, lens: &[usize], lines: &[(&str, &str, &str)]) {
    let code = ops.finalize().unwrap_or_else(|e| panic!("{arch}: {e}"));
    assert_eq!(lens.len(), lines.len() + 1);
    let a = if arch == "x86" { Arch::X86 } else { Arch::X64 };
    let opts = AsmOptions::new(a).syntax(Syntax::Dynasm);
    let mut bad = Vec::new();
    let mut llvm_same = 0;
    for (i, (name, text, llvm)) in lines.iter().enumerate() {
        let got = &code[lens[i]..lens[i + 1]];
        let mut v = VecAssembler::<X64>::new(0);
        jitasm::assemble_into(&mut v, text, &opts).unwrap_or_else(|e| panic!("{text}: {e}"));
        let want = v.finalize().unwrap();
        let hex: String = got.iter().map(|b| format!("{b:02x}")).collect();
        if hex == *llvm {
            llvm_same += 1;
        }
        if got != want.as_slice() {
            bad.push(format!("{name}: `{text}`: dynasm! {hex}, text {want:02x?}"));
        }
    }
    println!(
        "{arch}: {} lines, {llvm_same} equal to llvm-mc's bytes",
        lines.len()
    );
    assert!(
        bad.is_empty(),
        "{} lines differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
