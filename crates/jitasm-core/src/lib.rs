//! Architecture-neutral core of the jitasm runtime assembler.
//!
//! This crate is `no_std` (it needs `alloc` only for owned label names in
//! errors) and holds what every instruction set and every front end shares:
//!
//! * [`ByteSink`] / [`CodeSink`]: where encoders put bytes and label references;
//! * label ids and references ([`DynamicLabel`], [`LabelTarget`], [`LabelRef`]);
//! * fixup kinds **described as data** ([`FixupKind`]): bit fields, scale,
//!   signedness, PC-relative or absolute, where the PC is taken. The runtime
//!   patches every instruction set from these descriptions alone;
//! * the instruction sets jitasm knows ([`Arch`]) and their marker types ([`isa`]);
//! * the typed error enum [`Error`].
//!
//! ```
//! use jitasm_core::fixup::aarch64;
//!
//! // `b label` at 0x1000 jumping to 0x2000: imm26 = (0x2000 - 0x1000) / 4.
//! let mut insn = 0x1400_0000u32.to_le_bytes();
//! aarch64::B26.apply(&mut insn, 0x2000, 0x1000).unwrap();
//! assert_eq!(u32::from_le_bytes(insn), 0x1400_0400);
//!
//! // One instruction too far is an error, never a truncated field.
//! assert!(aarch64::B26.apply(&mut insn, 0x1000 + (1 << 27), 0x1000).is_err());
//! ```
#![no_std]
#![deny(missing_docs)]

extern crate alloc;

pub mod arch;
pub mod error;
pub mod fixup;
pub mod label;
pub mod sink;

pub use arch::{isa, Arch, Isa};
pub use error::{Error, FixupError, FixupProblem, LabelName};
pub use fixup::{FixupKind, Piece, Value};
pub use label::{AssemblyOffset, DynamicLabel, LabelRef, LabelTarget};
#[doc(hidden)]
pub use sink::generated_code;
pub use sink::{ByteSink, CodeSink, LabelApi};
