//! Text to bytes in one call.

use jitasm_core::{isa, Arch, Isa};
use jitasm_runtime::VecAssembler;
use jitasm_syntax::{assemble_into_cached, AsmError, Options, TextCache, TextInfo};
use std::cell::RefCell;

std::thread_local! {
    /// The text assembler's choices, kept between this thread's calls
    /// (see [`TextCache`]: bounded, and never changing what a text gives).
    static CACHE: RefCell<TextCache> = RefCell::new(TextCache::new());
}

/// The bytes of an assembled text and where each statement's bytes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assembled {
    /// The machine code, labels resolved.
    pub bytes: Vec<u8>,
    /// Each statement's source span and output range (for listings).
    pub info: TextInfo,
}

/// Assembles `text` (GNU/LLVM syntax, with dynasm's label forms) for
/// `arch` (x64, x86 or aarch64), as code placed at address 0. Every label
/// must be defined in the text.
///
/// ```
/// let code = jitasm::assemble(jitasm::Arch::X64, "
///     xor eax, eax
/// 1:  add eax, edi
///     dec edi
///     jnz 1b
///     ret").unwrap();
/// assert_eq!(code.len(), 9); // `jnz 1b` is near: rel8
///
/// let code = jitasm::assemble(jitasm::Arch::Aarch64, "
///     mov x1, x0
///     mov x0, #0
/// 1:  add x0, x0, x1
///     subs x1, x1, #1
///     b.ne 1b
///     ret").unwrap();
/// assert_eq!(code.len(), 24);
///
/// let err = jitasm::assemble(jitasm::Arch::Aarch64, "and x0, x1, #0x1234").unwrap_err();
/// assert!(err.to_string().contains("not a valid bitmask immediate"));
/// assert_eq!((err.line, err.column), (1, 13));
/// ```
pub fn assemble(arch: Arch, text: &str) -> Result<Vec<u8>, AsmError> {
    assemble_with(text, &Options::new(arch), 0).map(|a| a.bytes)
}

/// Assembles `text` with `options` (spelling, named constants, external
/// symbols) as code placed at `base_address`; labels must be defined in the
/// text (the options' `standalone` is implied).
pub fn assemble_with(
    text: &str,
    options: &Options,
    base_address: u64,
) -> Result<Assembled, AsmError> {
    let options = &options.clone().standalone(true);
    match options.arch {
        Arch::X64 => run::<isa::X64>(text, options, base_address),
        Arch::X86 => run::<isa::X86>(text, options, base_address),
        Arch::Aarch64 => run::<isa::Aarch64>(text, options, base_address),
        Arch::Riscv64 => run::<isa::Riscv64>(text, options, base_address),
        Arch::Riscv32 => run::<isa::Riscv32>(text, options, base_address),
    }
}

fn run<I: Isa>(text: &str, options: &Options, base: u64) -> Result<Assembled, AsmError> {
    let mut out = VecAssembler::<I>::new(base);
    // A call made while another is using the cache (none can: nothing
    // here calls back into user code) would get a cache of its own.
    let info = CACHE.with(|c| match c.try_borrow_mut() {
        Ok(mut cache) => assemble_into_cached(&mut out, text, options, &mut cache),
        Err(_) => assemble_into_cached(&mut out, text, options, &mut TextCache::new()),
    })?;
    let bytes = out.finalize().map_err(|e| info.output_error(e, text))?;
    Ok(Assembled { bytes, info })
}
