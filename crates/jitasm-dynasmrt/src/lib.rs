//! dynasm-rs's runtime API (dynasmrt 5.x) over jitasm.
//!
//! A program written against `dynasmrt` switches to jitasm by renaming one
//! dependency, with no source change:
//!
//! ```toml
//! [dependencies]
//! dynasmrt = { package = "jitasm-dynasmrt", version = "0.1" }
//! ```
//!
//! The `dynasm!` macro is jitasm's (checked and encoded at compile time,
//! shortest encodings also for registers given at run time, AVX-512), and
//! the assemblers are jitasm's runtime (code memory never writable and
//! executable at once, committed code that never moves). The names, types
//! and behaviour are dynasmrt's: errors come back as [`DynasmError`], and a
//! value dynasmrt would reject by panicking (a register number or immediate
//! given at run time that does not fit its field, a write outside the code
//! being altered) panics here too, with a message saying which value and
//! why. jitasm's own API returns those as errors instead.
//!
//! ```
//! use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
//! # use jitasm_dynasmrt as dynasmrt;
//!
//! let mut ops = dynasmrt::x64::Assembler::new().unwrap();
//! let start = ops.offset();
//! let reg = dynasmrt::x64::Rq::RCX;
//! dynasm!(ops
//!     ; .arch x64
//!     ; mov Rq(reg as u8), rdi
//!     ; lea rax, [Rq(reg as u8) + rsi]
//!     ; ret
//! );
//! let buf = ops.finalize().unwrap();
//! # #[cfg(all(target_arch = "x86_64", unix))] {
//! let add: extern "sysv64" fn(i64, i64) -> i64 = unsafe { std::mem::transmute(buf.ptr(start)) };
//! assert_eq!(add(2, 40), 42);
//! # }
//! ```
//!
//! What differs from dynasmrt, all of it rarely used:
//! * `dynasm_backwards!`, `labels_mut()`, `MutableBuffer` and
//!   `ExecutableBuffer::make_mut` are not provided;
//! * [`Assembler::labels`] and [`VecAssembler::labels`] return a read-only
//!   [`LabelRegistry`] view by value;
//! * labels cannot be defined inside [`Assembler::alter`] (a panic says so);
//! * [`Executor::lock`] returns an [`ExecutorGuard`] (it has `ptr` and
//!   derefs to the code bytes) rather than an `RwLockReadGuard`;
//! * [`Assembler::finalize`] always succeeds: executors keep working after
//!   it, as jitasm's memory never moves;
//! * `DynasmApi` requires jitasm's output traits (the macro writes through
//!   them), so a type of your own implementing only dynasmrt's methods does
//!   not satisfy it (a compile error, never wrong code);
//! * `.align n` without a fill byte in AArch64 code pads with `nop` words
//!   where dynasmrt pads with zero bytes (`udf #0`), so code may fall
//!   through the padding;
//! * a RISC-V assembler comes with jitasm's encoder for it.
#![deny(missing_docs)]

pub mod aarch64;
mod api;
mod assembler;
mod error;
mod modifier;
pub mod relocations;
mod vec;
pub mod x64;
pub mod x86;

pub use assembler::{Assembler, ExecutableBuffer, Executor, ExecutorGuard};
pub use error::{DynasmError, LabelKind, TargetKind};
pub use jitasm_core::{AssemblyOffset, DynamicLabel};
pub use modifier::{Modifier, UncommittedModifier};
pub use vec::{LabelRegistry, SimpleAssembler, StaticLabel, VecAssembler};

use jitasm_core::generated_code::EmitTarget;
use jitasm_core::LabelApi;
use relocations::Relocation;

/// What `dynasm!` expansions refer to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use jitasm_a64 as a64;
    pub use jitasm_core as core;
    pub use jitasm_macros::dynasm_impl;
    pub use jitasm_x64 as x64;
}

/// Assembles dynasm-syntax assembly into an assembler of this crate (or
/// anything implementing [`DynasmApi`]), checked and encoded at compile time,
/// with Rust values spliced in at run time. The language is described in
/// `jitasm::dynasm!`'s documentation; it is dynasm-rs's.
#[macro_export]
macro_rules! dynasm {
    ($($t:tt)*) => {
        $crate::__private::dynasm_impl!([$crate::__private] [dynasmrt] $($t)*)
    };
}

/// Casts a reference to a pointer-sized immediate: `Pointer!(&value)`.
#[macro_export]
macro_rules! Pointer {
    ($e:expr) => {
        $e as *const _ as _
    };
}

/// Casts a mutable reference to a pointer-sized immediate: `MutPointer!(&mut value)`.
#[macro_export]
macro_rules! MutPointer {
    ($e:expr) => {
        $e as *mut _ as _
    };
}

/// Something `dynasm!` assembles into: the current offset, bytes, alignment.
///
/// Beyond dynasmrt's methods it requires jitasm's output traits, through
/// which the macro writes; every assembler of this crate has them.
pub trait DynasmApi: Extend<u8> + for<'a> Extend<&'a u8> + EmitTarget<Output: LabelApi> {
    /// The offset of the next byte.
    fn offset(&self) -> AssemblyOffset;
    /// Appends one byte.
    fn push(&mut self, byte: u8);
    /// Appends `with` until the offset is a multiple of `alignment`.
    fn align(&mut self, alignment: usize, with: u8);

    /// Appends a signed byte.
    #[inline]
    fn push_i8(&mut self, value: i8) {
        self.push(value as u8);
    }
    /// Appends a signed 16-bit value, little-endian.
    #[inline]
    fn push_i16(&mut self, value: i16) {
        self.extend(&value.to_le_bytes());
    }
    /// Appends a signed 32-bit value, little-endian.
    #[inline]
    fn push_i32(&mut self, value: i32) {
        self.extend(&value.to_le_bytes());
    }
    /// Appends a signed 64-bit value, little-endian.
    #[inline]
    fn push_i64(&mut self, value: i64) {
        self.extend(&value.to_le_bytes());
    }
    /// Appends an unsigned 16-bit value, little-endian.
    #[inline]
    fn push_u16(&mut self, value: u16) {
        self.extend(&value.to_le_bytes());
    }
    /// Appends an unsigned 32-bit value, little-endian.
    #[inline]
    fn push_u32(&mut self, value: u32) {
        self.extend(&value.to_le_bytes());
    }
    /// Appends an unsigned 64-bit value, little-endian.
    #[inline]
    fn push_u64(&mut self, value: u64) {
        self.extend(&value.to_le_bytes());
    }
    /// Called by `dynasm!` expansions so that they use this trait as
    /// dynasm-rs's do (an import of it is then used); does nothing.
    #[doc(hidden)]
    #[inline(always)]
    fn __dynasm_api(&self) {}
    /// Reports a run-time error: panics with `msg`.
    #[inline]
    fn runtime_error(&self, msg: &'static str) -> ! {
        panic!("{}", msg);
    }
}

/// Labels and relocations on top of [`DynasmApi`].
///
/// `field_offset` and `ref_offset` count bytes back from the current offset
/// to the start of the patched field and to the position the value is
/// relative to; `target_offset` is added to the target's address.
pub trait DynasmLabelApi: DynasmApi {
    /// How this assembler's relocations are described.
    type Relocation: Relocation;

    /// Called by `dynasm!` expansions that use labels, as
    /// [`DynasmApi::__dynasm_api`]; does nothing.
    #[doc(hidden)]
    #[inline(always)]
    fn __dynasm_label_api(&self) {}

    /// Defines local label `name` here.
    fn local_label(&mut self, name: &'static str);
    /// Defines global label `name` here.
    fn global_label(&mut self, name: &'static str);
    /// Defines dynamic label `id` here.
    fn dynamic_label(&mut self, id: DynamicLabel);

    /// A reference to the next definition of local label `name`; `kind` encoded.
    fn forward_reloc(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        let kind = Self::Relocation::from_encoding(kind);
        self.forward_relocation(name, target_offset, field_offset, ref_offset, kind)
    }
    /// A reference to the latest definition of local label `name`; `kind` encoded.
    fn backward_reloc(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        let kind = Self::Relocation::from_encoding(kind);
        self.backward_relocation(name, target_offset, field_offset, ref_offset, kind)
    }
    /// A reference to global label `name`; `kind` encoded.
    fn global_reloc(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        let kind = Self::Relocation::from_encoding(kind);
        self.global_relocation(name, target_offset, field_offset, ref_offset, kind)
    }
    /// A reference to dynamic label `id`; `kind` encoded.
    fn dynamic_reloc(
        &mut self,
        id: DynamicLabel,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        let kind = Self::Relocation::from_encoding(kind);
        self.dynamic_relocation(id, target_offset, field_offset, ref_offset, kind)
    }
    /// A reference to the address `value`; `kind` encoded.
    fn value_reloc(&mut self, value: usize, field_offset: u8, ref_offset: u8, kind: u8) {
        let kind = Self::Relocation::from_encoding(kind);
        self.value_relocation(value, field_offset, ref_offset, kind)
    }

    /// [`forward_reloc`](Self::forward_reloc) with a decoded relocation.
    fn forward_relocation(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: Self::Relocation,
    );
    /// [`backward_reloc`](Self::backward_reloc) with a decoded relocation.
    fn backward_relocation(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: Self::Relocation,
    );
    /// [`global_reloc`](Self::global_reloc) with a decoded relocation.
    fn global_relocation(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: Self::Relocation,
    );
    /// [`dynamic_reloc`](Self::dynamic_reloc) with a decoded relocation.
    fn dynamic_relocation(
        &mut self,
        id: DynamicLabel,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: Self::Relocation,
    );
    /// [`value_reloc`](Self::value_reloc) with a decoded relocation.
    fn value_relocation(
        &mut self,
        value: usize,
        field_offset: u8,
        ref_offset: u8,
        kind: Self::Relocation,
    );
}

/// A register family: an enum whose discriminants are the register numbers.
pub trait Register: core::fmt::Debug + Clone + Copy + PartialEq + Eq + core::hash::Hash {
    /// The register's number.
    fn code(&self) -> u8;
}
