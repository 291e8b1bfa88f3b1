//! Instruction definitions for jitasm's code generators.
//!
//! Only `xtask` depends on this crate: it turns the definitions into the
//! checked-in tables under each ISA crate's `src/generated/`. Nothing here
//! is compiled into a user's program.
//!
//! x86: the facts come from iced-x86's op-code info (MIT), read through its
//! public API ([`x86::forms`]) and converted into our own [`x86::FormDef`]
//! vocabulary. Every definition is validated here; a definition that does
//! not fit our model panics with the form's name.
#![deny(missing_docs)]

pub mod a64;
pub mod x86;
