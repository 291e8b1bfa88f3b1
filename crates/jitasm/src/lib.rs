//! **jitasm**: a runtime assembler and JIT toolkit.
//!
//! This façade re-exports the pieces a JIT author uses:
//!
//! * [`core`]: labels, fixup kinds described as data, errors, architectures;
//! * [`runtime`] (and its main types at the top level): executable memory that
//!   is never writable and executable at once, [`Assembler`] with labels and
//!   relocations resolved on [`commit`](Assembler::commit),
//!   [`alter`](Assembler::alter) for patching, [`Executor`] for running code
//!   from other threads while more is appended, [`VecAssembler`] for bytes
//!   placed elsewhere.
//!
//! * [`x64`]: the x86-64 / x86-32 encoder and its typed builder;
//! * [`assemble`] and [`assemble_into`]: the text assembler (GNU/LLVM Intel
//!   syntax and dynasm syntax), with errors that name line and column;
//! * [`abi`]: calling conventions — x86-64 System V and Win64, and AArch64
//!   AAPCS64 (and Apple's variant) in [`abi::aarch64`]: calls into native
//!   functions with arguments placed and the stack aligned, and
//!   prologue/epilogue frames.
//!
//! ```
//! let code = jitasm::assemble(jitasm::Arch::X64, "mov eax, 42\nret").unwrap();
//! assert_eq!(code, [0xB8, 42, 0, 0, 0, 0xC3]);
//!
//! let err = jitasm::assemble(jitasm::Arch::X64, "add eax, [rbx + rcx*3 + rdx]").unwrap_err();
//! assert_eq!((err.line, err.column), (1, 10));
//! ```
//!
//! The AArch64 and RISC-V encoders and the `dynasm!` macro land crate by
//! crate (see `docs/ARCHITECTURE.md`).
//!
//! ```
//! use jitasm::{Assembler, LabelApi, isa::X64, ByteSink};
//!
//! # fn main() -> Result<(), jitasm::Error> {
//! let mut asm = Assembler::<X64>::new()?;
//! let entry = asm.offset();
//! asm.extend_from_slice(&[0x8D, 0x04, 0x37, 0xC3]); // lea eax, [rdi + rsi]; ret
//! let code = asm.finalize()?;
//! # #[cfg(all(target_arch = "x86_64", unix))] {
//! let add = unsafe { code.func::<extern "sysv64" fn(u32, u32) -> u32>(entry)? };
//! assert_eq!(add(40, 2), 42);
//! # }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod abi;
mod text;

/// The AArch64 instruction set: form table, encoder, registers and operands.
pub use jitasm_a64 as a64;
pub use jitasm_core as core;
pub use jitasm_runtime as runtime;
/// The grammar and the text assembler (`assemble_into` emits text into any output).
pub use jitasm_syntax as syntax;
pub use jitasm_syntax::{
    assemble_into, assemble_into_cached, AsmError, Options as AsmOptions, Syntax, TextCache,
};
/// x86-64 and x86-32: registers, the form table, the encoder.
pub use jitasm_x64 as x64;
pub use text::{assemble, assemble_with, Assembled};

pub use jitasm_core::{
    fixup, Arch, AssemblyOffset, ByteSink, CodeSink, DynamicLabel, Error, FixupKind, LabelRef,
    LabelTarget,
};
pub use jitasm_runtime::{
    isa, Assembler, AssemblerOptions, CodePool, ExecutableBuffer, Executor, JitFn, LabelApi,
    PooledCode, Reservation, Strategy, VecAssembler,
};

/// What `dynasm!` expansions refer to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use jitasm_a64 as a64;
    pub use jitasm_core as core;
    pub use jitasm_macros::dynasm_impl;
    pub use jitasm_x64 as x64;
}

/// Assembles dynasm-syntax assembly, checked and encoded at compile time,
/// into an assembler (anything implementing [`LabelApi`]: [`Assembler`],
/// [`VecAssembler`]…), with Rust values spliced in at run time.
///
/// ```
/// use jitasm::{dynasm, VecAssembler, isa::X64};
///
/// let mut ops = VecAssembler::<X64>::new(0);
/// let n: i32 = 42;
/// let r: u8 = 1; // rcx
/// dynasm!(ops
///     ; mov eax, n
///     ; add Rq(r), 8
///     ; ret
/// );
/// assert_eq!(ops.finalize().unwrap(), [0xB8, 42, 0, 0, 0, 0x48, 0x83, 0xC1, 0x08, 0xC3]);
/// ```
///
/// The language is dynasm-rs's: `; instruction` lines, `;; rust statement`,
/// labels `name:` (`>name`, `<name`), `->global:`, `=>dynamic_label`,
/// `extern address`, register families `Rq(n)`, `Rd(n)`, `Rx(n)`…, size
/// keywords, `.arch`, `.alias`, `.align`, data directives. A Rust value
/// that does not fit its field (a register number, an immediate) is never
/// masked: the error is recorded and returned by `commit`/`finalize`.
///
/// `.arch aarch64` as the first line switches an invocation to AArch64
/// (`add X(r), x1, #imm`, `ld1 {v0.s4}, [x0]`, families `X W XSP WSP B H S
/// D Q V`); x64 is the default and `.arch x86` gives 32-bit x86.
#[macro_export]
macro_rules! dynasm {
    ($($t:tt)*) => {
        $crate::__private::dynasm_impl!([$crate::__private] $($t)*)
    };
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
