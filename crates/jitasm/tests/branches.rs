//! Branch sizing in GNU syntax against llvm-mc: each program of
//! `tests/data/branches.txt` (written by
//! `scripts/golden/gen_branch_vectors.py`) must assemble to llvm-mc's bytes:
//! `rel8` where the label is near, `rel32` where it is not, with branches
//! that push each other out of range.

#[test]
fn branches_are_sized_as_llvm_mc_sizes_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/branches.txt");
    let data = std::fs::read_to_string(path).expect("tests/data/branches.txt");
    let mut n = 0;
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let (text, want) = line.rsplit_once(" | ").expect("text | bytes");
        let got =
            jitasm::assemble(jitasm::Arch::X64, text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let got: String = got.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, want, "{text}");
        n += 1;
    }
    assert!(n >= 80, "only {n} programs");
}

#[test]
fn dynasm_syntax_keeps_rel32_for_labels() {
    let opts = jitasm::AsmOptions::new(jitasm::Arch::X64).syntax(jitasm::Syntax::Dynasm);
    let a = jitasm::assemble_with("jmp >x; x: ret", &opts, 0).unwrap();
    assert_eq!(a.bytes, [0xe9, 0, 0, 0, 0, 0xc3]);
}
