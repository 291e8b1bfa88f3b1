//! What the `dynasm!` macro learns from the grammar about statements that
//! hold Rust expressions.
//!
//! The macro writes each Rust expression of an invocation as a placeholder
//! name `$0`, `$1`, … in the text it hands to [`parse_macro`]; the parser
//! reads a placeholder wherever a number may stand, and as the argument of a
//! register family (`Rq($0)`), a dynamic label (`=>$1`) or `extern $2`.
//! Everything known while parsing goes to the output as usual (bytes, labels,
//! fixups); a statement that needs a Rust value is handed to
//! [`Output::dynamic`] as an [`Item`], with the instruction's forms already
//! narrowed to those that may take the operands (`jitasm_x64::encode::may_fit`,
//! `jitasm_a64::dynamic::may_fit`).

use crate::error::{AsmError, ErrorKind};
use crate::text::{Options, TextInfo};
use alloc::vec::Vec;
use jitasm_core::{FixupKind, LabelApi, LabelRef};
use jitasm_x64::dynamic::{described::describe, Statement};
use jitasm_x64::encode::template::{derive, Hole, Template};
use jitasm_x64::encode::Unknown;
use jitasm_x64::{Decorations, Mnemonic, Mode, Operand, Prefixes};

/// The number of a placeholder `$n`: the caller's Rust expression `n`.
pub type ExprId = u32;

/// `k + coef·$expr`, or just `k`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Value {
    /// The constant part.
    pub k: i128,
    /// The Rust expression and its coefficient.
    pub expr: Option<(ExprId, i128)>,
}

/// A label reference whose target or addend is a Rust value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DynLabel<'a> {
    /// The target. With `target_expr`, the number in a `Dynamic` or
    /// `Extern` target is an [`ExprId`] (`=>$0`: a `DynamicLabel` value;
    /// `extern $0`: an address).
    pub label: LabelRef<'a>,
    /// See `label`.
    pub target_expr: bool,
    /// A Rust expression added to the addend.
    pub addend_expr: Option<(ExprId, i128)>,
}

/// What an operand of a [`DynInstruction`] takes from Rust expressions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    /// What kind of unknown the operand holds.
    pub unknown: Unknown,
    /// A register operand's number, or a memory operand's base register's.
    pub reg: Option<ExprId>,
    /// A memory operand's index register's number.
    pub index: Option<ExprId>,
    /// Added to the immediate's value, the displacement, or a label's addend.
    pub value: Option<(ExprId, i128)>,
    /// The label's target is a Rust expression (see [`DynLabel::target_expr`]).
    pub label_expr: bool,
    /// For an immediate: the widest field among the forms, in bytes (the
    /// Rust expression has the signed integer type of that size).
    pub imm_size: u8,
}

impl Parts {
    /// Whether anything of the operand comes from Rust.
    pub fn is_dynamic(&self) -> bool {
        self.reg.is_some() || self.index.is_some() || self.value.is_some() || self.label_expr
    }
}

/// An instruction some of whose operands come from Rust expressions.
#[derive(Clone, Debug)]
pub struct DynInstruction<'a, 'o> {
    /// The mode it is assembled for.
    pub mode: Mode,
    /// The mnemonic.
    pub mnemonic: Mnemonic,
    /// The operands, with stand-ins (a register of the class, value 0) for
    /// what `parts` gives at run time.
    pub operands: &'o [Operand<'a>],
    /// What each operand takes from Rust.
    pub parts: &'o [Parts],
    /// Decorations.
    pub decorations: Decorations,
    /// Prefixes.
    pub prefixes: Prefixes,
    /// The forms that may take the operands (indices into
    /// `jitasm_x64::table::FORMS`), never empty.
    pub forms: Vec<u16>,
}

impl<'a> DynInstruction<'a, '_> {
    /// The statement as the ISA crate reads it (its operands, forms, mode…).
    pub fn statement(&self) -> Statement<'_, 'a> {
        Statement {
            mode: self.mode,
            mnemonic: self.mnemonic,
            forms: &self.forms,
            operands: self.operands,
            decorations: self.decorations,
            prefixes: self.prefixes,
        }
    }

    /// The statement's template for the run-time values `holes`
    /// ([`derive`]).
    pub fn template(&self, holes: &[Hole]) -> Option<Template> {
        derive(&self.statement(), holes)
    }

    /// The statement as the general matcher reads it back at run time
    /// ([`describe`]).
    pub fn describe(&self, holes: &[Hole]) -> Option<Vec<u8>> {
        describe(&self.statement(), holes)
    }

    /// The parts of the operands that come from Rust, in operand order and
    /// within a memory operand base, index, displacement (the order in
    /// which the macro checks them); `None` if an operand takes anything
    /// else from Rust (a label's target or addend).
    pub fn holes(&self) -> Option<Vec<Hole>> {
        let mut holes = Vec::new();
        for (i, (op, parts)) in self.operands.iter().zip(self.parts).enumerate() {
            let i = u8::try_from(i).ok()?;
            if parts.label_expr {
                return None;
            }
            match op {
                Operand::Reg(_) => {
                    if parts.reg.is_some() {
                        holes.push(Hole::Reg(i));
                    }
                    if parts.index.is_some() || parts.value.is_some() {
                        return None;
                    }
                }
                Operand::Imm(_) => {
                    if parts.value.is_some() {
                        holes.push(Hole::Imm(i));
                    }
                    if parts.reg.is_some() || parts.index.is_some() {
                        return None;
                    }
                }
                Operand::Mem(m) => {
                    if m.label.is_some() && parts.is_dynamic() {
                        return None;
                    }
                    if parts.reg.is_some() {
                        holes.push(Hole::Base(i));
                    }
                    if parts.index.is_some() {
                        holes.push(Hole::Index(i));
                    }
                    if parts.value.is_some() {
                        holes.push(Hole::Disp(i));
                    }
                }
                Operand::Label(..) | Operand::Far(..) => {
                    if parts.is_dynamic() {
                        return None;
                    }
                }
            }
        }
        Some(holes)
    }
}

/// An AArch64 instruction some of whose operands come from Rust
/// expressions: the stand-in operands, what each takes from Rust, and the
/// forms [`jitasm_a64::dynamic::may_fit`] kept. What an operand's [`Parts`]
/// mean: `reg` is the number of its register (a register, a vector
/// register, an element's or a list's first, a memory operand's base),
/// `index` of a memory operand's index or post-index register, `value`
/// adds to its number (an immediate, an offset or the index's shift, a
/// shift amount, a lane, a label's addend), `label_expr` as for x86. A
/// register stand-in is number 0 of the family's class (`sp`/`wsp` for the
/// `XSP`/`WSP` families); a number's stand-in is the constant part.
#[derive(Clone, Debug)]
pub struct A64Instruction<'a, 'o> {
    /// The mnemonic, lower case.
    pub mnemonic: &'o str,
    /// The operands, with stand-ins for what `parts` gives at run time.
    pub operands: &'o [jitasm_a64::Operand<'a>],
    /// What each operand takes from Rust.
    pub parts: &'o [Parts],
    /// The mnemonic's forms that may take the operands, as indices into
    /// `jitasm_a64::table::forms()`; empty for an alias (`mov`, `cmp`…),
    /// which the whole matcher reads at run time.
    pub forms: core::ops::Range<u16>,
}

/// A statement that needs Rust values.
#[derive(Clone, Debug)]
pub enum Item<'a, 'o> {
    /// An instruction.
    Instruction(DynInstruction<'a, 'o>),
    /// An AArch64 instruction.
    A64Instruction(A64Instruction<'a, 'o>),
    /// `.u32 $0`, `.f64 $1`…: one data unit of `size` bytes.
    Data {
        /// Bytes.
        size: u8,
        /// `.iN`/`.uN` (the Rust type of the expression).
        signed: bool,
        /// `.f32`/`.f64`.
        float: bool,
        /// The value.
        value: Value,
    },
    /// `.bytes $0`: the bytes of an iterable.
    Bytes(ExprId),
    /// `.align n[, fill]`: padding to an alignment only known once the code's
    /// address is (always dynamic in the macro).
    Align {
        /// The alignment.
        alignment: Value,
        /// The fill byte; the architecture's NOPs without one (the output
        /// knows which: an AArch64 invocation starts with `.arch aarch64`).
        fill: Option<u8>,
    },
    /// `=>$0:` defines the dynamic label that expression gives.
    DefineDynamic(ExprId),
    /// `;; stmt`: the Rust statement `$n`, in its place among the lines.
    Statement(ExprId),
    /// `.rel32 =>$0`, `.abs64 extern $1`…
    LabelData {
        /// The data unit and how it is filled.
        kind: &'static FixupKind,
        /// The label.
        label: DynLabel<'a>,
    },
}

/// An output that also takes statements with Rust values (the macro's).
pub trait Output: LabelApi {
    /// Takes a statement that needs Rust values at run time; outputs of the
    /// text assembler, which has none, refuse it.
    fn dynamic(&mut self, item: Item<'_, '_>) -> Result<(), ErrorKind> {
        let _ = item;
        Err(ErrorKind::BadOperand("a Rust expression outside `dynasm!`"))
    }
}

/// Parses the text of a `dynasm!` invocation (dynasm syntax, placeholders
/// `$n` for Rust expressions) into `out`.
pub fn parse_macro<S: Output + ?Sized>(
    out: &mut S,
    text: &str,
    options: &Options,
) -> Result<TextInfo, AsmError> {
    crate::text::parse_with_exprs(out, text, options)
}

/// The output of the text assembler, which has no Rust values.
pub(crate) struct NoExprs<'s, S: ?Sized>(pub &'s mut S);

impl<S: LabelApi + ?Sized> jitasm_core::ByteSink for NoExprs<'_, S> {
    fn push(&mut self, byte: u8) {
        self.0.push(byte)
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes)
    }
    #[inline]
    fn extend_padded(&mut self, bytes: &[u8; 16], len: usize) {
        self.0.extend_padded(bytes, len)
    }
    fn offset(&self) -> usize {
        self.0.offset()
    }
}

impl<S: LabelApi + ?Sized> jitasm_core::CodeSink for NoExprs<'_, S> {
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        self.0.fixup(label, kind, at, pc)
    }
    fn record_error(&mut self, error: jitasm_core::Error) {
        self.0.record_error(error)
    }
}

impl<S: LabelApi + ?Sized> LabelApi for NoExprs<'_, S> {
    fn define_global(&mut self, name: &str) -> Result<(), jitasm_core::Error> {
        self.0.define_global(name)
    }
    fn define_local(&mut self, name: &str) -> Result<(), jitasm_core::Error> {
        self.0.define_local(name)
    }
    fn define_dynamic(
        &mut self,
        label: jitasm_core::DynamicLabel,
    ) -> Result<(), jitasm_core::Error> {
        self.0.define_dynamic(label)
    }
    fn new_dynamic_label(&mut self) -> jitasm_core::DynamicLabel {
        self.0.new_dynamic_label()
    }
    fn address_of(&self, offset: usize) -> Option<u64> {
        self.0.address_of(offset)
    }
}

impl<S: LabelApi + ?Sized> Output for NoExprs<'_, S> {}
