//! The fast path of the typed builder and of `dynasm!`'s instructions with
//! Rust values.
//!
//! A call of the builder, or an instruction of `dynasm!` whose registers or
//! values come from Rust, knows while compiling which forms may take its
//! operands and which alias rules apply. Its code tries them in the
//! matcher's order, written out: the instruction's own forms in table
//! order ([`encode_fast`] of each, a `const` copy of the table row from
//! [`FAST_FORMS`]), then, for an alias, the rewrite ([`rewrite`], the
//! alias named while compiling) and the forms of the instruction the
//! rewrite names. Inlined at the call site in optimized builds, every
//! property of the forms and every alias rule that depends only on the
//! operands' kinds folds away: no mnemonic is looked up, no form the
//! operand kinds rule out is tried at run time, and what is left is the
//! checks of the values and the bits they set — with the encoder code of
//! the general matcher.
//!
//! The fast path answers only with an encoding. On anything else (a value
//! a rule rejects, an instruction that needs one of llvm-mc's fallbacks,
//! such as `ldr` with an unscaled offset) the caller takes the general
//! path, which finds the same encoding or the error: the bytes are the
//! general matcher's and every error is its error. `tests/fast.rs`
//! compares the two on instances of every builder impl and every form.

use crate::operand::Operand;
use crate::table::Form;

pub use crate::alias::{Alias, Inline, Rewrite};
pub use crate::encode::encode_fast;
#[doc(hidden)]
pub use crate::generated::builder::FAST_FORMS;

/// The constant copy of form `i` of the table (for the tests: it must be
/// the table's row).
#[doc(hidden)]
pub fn fast_form(i: usize) -> Option<&'static Form> {
    FAST_FORMS.get(i).copied()
}

/// The rewrite of `ops` by `alias`'s rules, when they give one (`None`
/// also when a rule rejects the operands, or the rewrite has more operands
/// than any form: the general path says why).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn rewrite<'a>(alias: Option<Alias>, ops: &[Operand<'a>]) -> Option<Rewrite<'a, Inline<'a>>> {
    alias?
        .rewrite::<Inline<'a>>(ops)
        .ok()?
        .filter(|r| r.store().complete())
}
