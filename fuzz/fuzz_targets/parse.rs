//! Any bytes, read as text (invalid UTF-8 replaced), through the text
//! assembler in both x86 modes and AArch64, in both spellings: never a
//! panic or a hang; an error lies inside the text and renders.
#![no_main]

use jitasm::{Arch, Syntax};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if jitasm_fuzz::may_be_huge(&text) {
        return;
    }
    for arch in [Arch::X64, Arch::X86, Arch::Aarch64] {
        for syntax in [Syntax::Gnu, Syntax::Dynasm] {
            let r = jitasm_fuzz::assemble(&text, arch, syntax);
            // A64 code is whole words.
            if let (Arch::Aarch64, Ok(a)) = (arch, &r) {
                let code_only = !text.contains(['.', '"']);
                assert!(!code_only || a.bytes.len() % 4 == 0, "{text:?}");
            }
        }
    }
    // The architectures the text assembler does not read yet say so.
    let e = jitasm_fuzz::assemble(&text, Arch::Riscv64, Syntax::Gnu).unwrap_err();
    assert!(matches!(
        e.kind,
        jitasm::syntax::ErrorKind::UnsupportedArch(_)
    ));
});
