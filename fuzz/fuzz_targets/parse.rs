//! Any bytes, read as text (invalid UTF-8 replaced), through the text
//! assembler in both x86 modes and both spellings: never a panic or a hang;
//! an error lies inside the text and renders.
#![no_main]

use jitasm::{Arch, Syntax};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if jitasm_fuzz::may_be_huge(&text) {
        return;
    }
    for arch in [Arch::X64, Arch::X86] {
        for syntax in [Syntax::Gnu, Syntax::Dynasm] {
            let _ = jitasm_fuzz::assemble(&text, arch, syntax);
        }
    }
    // The architectures the text assembler does not read yet say so.
    let e = jitasm_fuzz::assemble(&text, Arch::Aarch64, Syntax::Gnu).unwrap_err();
    assert!(matches!(
        e.kind,
        jitasm::syntax::ErrorKind::UnsupportedArch(_)
    ));
});
