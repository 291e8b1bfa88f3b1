//! The assembly grammar shared by jitasm's front ends, and the run-time
//! text assembler built on it.
//!
//! * [`lex`]: a non-allocating lexer (names, numbers in every usual base,
//!   strings, `1b`/`1f`, comments);
//! * [`assemble_into`]: parses text one statement at a time, lowers each
//!   instruction to the ISA crate's operand model and emits it with the ISA
//!   crate's encoder into any [`LabelApi`](jitasm_core::LabelApi) output (an `Assembler`, a
//!   `VecAssembler`, …), so text mixes with the macro and the builder;
//! * [`AsmError`]: every error with its line, column, span and source line,
//!   rendered with a caret by [`AsmError::render`].
//!
//! Two spellings are read (see [`Syntax`]): GNU/LLVM syntax (for x86 the
//! Intel syntax `llvm-mc -output-asm-variant=1` and `objdump -M intel`
//! print; for AArch64 what `llvm-mc` and `objdump` print, `#` before
//! immediates optional), and dynasm-rs syntax as the `dynasm!` macro reads
//! it, with literals and named constants in place of Rust expressions.
//! x86-64, x86-32 and AArch64 are read (AArch64 instructions are lowered to
//! `jitasm_a64` and encoded there), by the text assembler and by the
//! `dynasm!` macro ([`dynamic`]).
//!
//! ```
//! use jitasm_core::{Arch, ByteSink};
//! use jitasm_syntax::{assemble_into, Options};
//!
//! let mut out: Vec<u8> = Vec::new();
//! assemble_into(&mut Collect(&mut out), "mov eax, 42; ret", &Options::new(Arch::X64)).unwrap();
//! assert_eq!(out, [0xB8, 42, 0, 0, 0, 0xC3]);
//!
//! let err = assemble_into(&mut Collect(&mut out), "nop\nmovv eax, 1", &Options::new(Arch::X64)).unwrap_err();
//! assert_eq!((err.line, err.column), (2, 1));
//!
//! let mut a64: Vec<u8> = Vec::new();
//! let text = "ld1 {v0.4s}, [x0], #16\nfadd v0.4s, v0.4s, v1.4s\nret";
//! assemble_into(&mut Collect(&mut a64), text, &Options::new(Arch::Aarch64)).unwrap();
//! assert_eq!(a64.len(), 12);
//! # use jitasm_core::{CodeSink, DynamicLabel, Error, FixupKind, LabelApi, LabelRef};
//! # struct Collect<'v>(&'v mut Vec<u8>);
//! # impl ByteSink for Collect<'_> {
//! #     fn push(&mut self, b: u8) { self.0.push(b) }
//! #     fn extend_from_slice(&mut self, b: &[u8]) { self.0.extend_from_slice(b) }
//! #     fn offset(&self) -> usize { self.0.len() }
//! # }
//! # impl CodeSink for Collect<'_> {
//! #     fn fixup(&mut self, _: LabelRef<'_>, _: &'static FixupKind, _: usize, _: usize) {}
//! #     fn record_error(&mut self, _: Error) {}
//! # }
//! # impl LabelApi for Collect<'_> {
//! #     fn define_global(&mut self, _: &str) -> Result<(), Error> { Ok(()) }
//! #     fn define_local(&mut self, _: &str) -> Result<(), Error> { Ok(()) }
//! #     fn define_dynamic(&mut self, _: DynamicLabel) -> Result<(), Error> { Ok(()) }
//! #     fn new_dynamic_label(&mut self) -> DynamicLabel { DynamicLabel::from_index(0) }
//! #     fn address_of(&self, _: usize) -> Option<u64> { None }
//! # }
//! ```
//!
//! (`jitasm::assemble` does the same into a `VecAssembler` and resolves the
//! labels.)
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

mod a64;
pub mod dynamic;
mod error;
mod expr;
pub mod lex;
mod text;
mod x86;

pub use error::{AsmError, ErrorKind, Span};
/// The AArch64 encoder's error ([`ErrorKind::EncodeA64`]).
pub use jitasm_a64::EncodeError as A64EncodeError;
pub use text::{
    assemble_into, assemble_into_cached, Options, StatementInfo, Syntax, TextCache, TextInfo,
};
