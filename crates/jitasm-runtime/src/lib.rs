//! The jitasm runtime: executable memory that is never writable and
//! executable at once, and assemblers that resolve labels and relocations
//! on commit.
//!
//! * [`CodeMemory`]: a fixed reservation of code memory; committed code never
//!   moves. Two [`Strategy`]s: dual mapping (default where available) and
//!   protection flipping.
//! * [`Assembler`]: append bytes, define and reference labels (global, local,
//!   dynamic, extern), [`commit`](Assembler::commit), [`finalize`](Assembler::finalize),
//!   [`alter`](Assembler::alter) committed code, run it from other threads
//!   through an [`Executor`] while appending more.
//! * [`VecAssembler`]: the same labels over a `Vec<u8>` for a given address.
//! * [`CodePool`]: one heap of executable memory for many small functions,
//!   each freed on its own ([`PooledCode`]), without system calls in the
//!   common case.
//! * [`JitFn`]: typed function pointers tied to the code's lifetime.
//!
//! The runtime knows no instruction encodings: label references name a
//! [`FixupKind`](jitasm_core::FixupKind) (a bit-field description) and are
//! patched from it. The example writes x86-64 machine code by hand; the ISA
//! crates and `dynasm!` emit through the same calls.
//!
//! ```
//! use jitasm_runtime::{Assembler, LabelApi, isa::X64};
//! use jitasm_core::{ByteSink, CodeSink, LabelRef, LabelTarget, fixup::x86};
//!
//! # fn main() -> Result<(), jitasm_core::Error> {
//! let mut asm = Assembler::<X64>::new()?;
//! let entry = asm.offset();
//! // mov eax, edi ; jmp ->done ; (int3) ; ->done: ret
//! asm.extend_from_slice(&[0x89, 0xF8, 0xE9, 0, 0, 0, 0, 0xCC]);
//! asm.fixup(LabelRef::new(LabelTarget::Global("done")), &x86::REL32, 3, 7);
//! asm.define_global("done")?;
//! asm.push(0xC3);
//! let code = asm.finalize()?;
//! # #[cfg(all(target_arch = "x86_64", unix))] {
//! let f = unsafe { code.func::<extern "sysv64" fn(u32) -> u32>(entry)? };
//! assert_eq!(f(7), 7);
//! # }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod assembler;
mod func;
mod labels;
pub mod memory;
pub mod pool;
mod sys;
mod vec;

pub use assembler::{
    Assembler, AssemblerOptions, ExecutableBuffer, Executor, ExecutorGuard, Modifier,
    UncommittedModifier, DEFAULT_CAPACITY,
};
pub use func::{FnPtr, JitFn};
pub use jitasm_core::LabelApi;
pub use jitasm_core::{isa, AssemblyOffset, DynamicLabel, Error};
pub use memory::{CodeMemory, Strategy};
pub use pool::{CodePool, PooledCode, Reservation};
pub use vec::VecAssembler;
