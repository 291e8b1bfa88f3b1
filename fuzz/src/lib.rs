//! What the fuzz targets share: the checks made on every result.

// `AsmError` is returned by value, as `jitasm::assemble_with` returns it.

use iced_x86::{Code, Decoder, DecoderOptions};
use jitasm::{Arch, AsmError, AsmOptions, Assembled, Syntax};

/// Directives whose output grows with their argument (`.p2align 30` is a
/// gigabyte of padding, which is valid): texts naming them are not run, so
/// that the fuzzer hunts for bugs rather than for big allocations. Their
/// errors are covered by `crates/jitasm/tests/malformed.rs`.
pub fn may_be_huge(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["align", ".fill", ".zero", ".skip", ".space"]
        .iter()
        .any(|d| t.contains(d))
}

/// Assembles `text` and checks what an error says: its span lies in the text,
/// its line exists, and it renders.
pub fn assemble(text: &str, arch: Arch, syntax: Syntax) -> Result<Assembled, AsmError> {
    let result = jitasm::assemble_with(text, &AsmOptions::new(arch).syntax(syntax), 0);
    if let Err(e) = &result {
        assert!(
            e.span.start <= e.span.end && e.span.end as usize <= text.len(),
            "span {:?} outside the text ({} bytes): {e}",
            e.span,
            text.len()
        );
        assert!(
            e.line >= 1 && e.line as usize <= text.split('\n').count() && e.column >= 1,
            "no line {} column {}: {e}",
            e.line,
            e.column
        );
        let rendered = e.render();
        assert!(rendered.contains('^'));
    }
    result
}

/// Whether iced-x86 decodes `bytes` as one instruction using all of them
/// (an x87 waiting form as `fwait` and the instruction), under one of a few
/// decoder option sets (the options name instructions only some CPUs have;
/// the last one accepts prefixes the instruction does not use, the text's
/// business, and still checks the length). On failure, what was decoded.
pub fn decodes_exactly(bitness: u32, bytes: &[u8]) -> Result<(), String> {
    const OPTIONS: [u32; 9] = [
        DecoderOptions::NONE,
        DecoderOptions::AMD,
        DecoderOptions::MPX,
        DecoderOptions::CYRIX,
        DecoderOptions::CYRIX_DMI,
        DecoderOptions::CYRIX_SMINT_0F7E,
        DecoderOptions::KNC,
        DecoderOptions::UMOV
            | DecoderOptions::XBTS
            | DecoderOptions::CMPXCHG486A
            | DecoderOptions::OLD_FPU
            | DecoderOptions::PCOMMIT
            | DecoderOptions::LOADALL286
            | DecoderOptions::LOADALL386
            | DecoderOptions::CL1INVMB
            | DecoderOptions::MOV_TR
            | DecoderOptions::JMPE
            | DecoderOptions::UDBG
            | DecoderOptions::ALTINST,
        DecoderOptions::NO_INVALID_CHECK,
    ];
    let mut last = String::new();
    for options in OPTIONS {
        let mut d = Decoder::with_ip(bitness, bytes, 0, options);
        let mut insts = Vec::new();
        while d.can_decode() && insts.len() < 3 {
            insts.push(d.decode());
        }
        let used: usize = insts.iter().map(|i| i.len()).sum();
        let one = match insts.as_slice() {
            [i] => i.code() != Code::INVALID,
            [w, i] => w.code() == Code::Wait && i.code() != Code::INVALID,
            _ => false,
        };
        if one && used == bytes.len() {
            return Ok(());
        }
        last = format!(
            "{:?} using {used} of {} bytes",
            insts.iter().map(|i| i.code()).collect::<Vec<_>>(),
            bytes.len()
        );
    }
    Err(last)
}
