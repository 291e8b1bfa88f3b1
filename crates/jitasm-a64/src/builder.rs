//! The typed builder: one method per mnemonic, generated from the form
//! table and the alias rules.
//!
//! ```
//! use jitasm_a64::builder::{prelude::*, regs::*, list, lsl, mem, post, pre, Builder, Cond};
//! use jitasm_runtime::{isa::Aarch64, LabelApi, VecAssembler};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut asm = VecAssembler::<Aarch64>::new(0);
//! let mut b = Builder::new(&mut asm);
//! let top = b.new_dynamic_label();
//! b.mov(x0, 0)?;                                  // movz x0, #0
//! b.define_dynamic(top)?;
//! b.ldr(x2, x1 + 8)?;                             // ldr x2, [x1, #8]
//! b.add(x0, x0, (x2, lsl(3)))?;                   // add x0, x0, x2, lsl #3
//! b.stp(x0, x2, pre(sp, -16))?;                   // stp x0, x2, [sp, #-16]!
//! b.ld1(list([v0, v1]).s4(), post(x3, 32))?;      // ld1 {v0.4s, v1.4s}, [x3], #32
//! b.fmla(v2.s4(), v0.s4(), v1.s(2))?;             // fmla v2.4s, v0.4s, v1.s[2]
//! b.csel(w4, w5, wzr, Cond::Ne)?;
//! b.subs(x3, x3, 1)?;
//! b.b_ne(top)?;                                   // b.ne back to `top`
//! b.ret()?;
//! // Operand classes are checked by the type system (`b.add(x0, w1, x2)`
//! // does not compile); values when the instruction is emitted, and
//! // nothing is written then:
//! assert!(b.add(x0, x1, 5000).is_err());          // not a 12-bit immediate
//! assert!(b.and(x0, x1, 5).is_err());             // not a bitmask immediate
//! assert!(b.ldr(x0, x1 + 32768).is_err());        // past [x1, #32760]
//! assert!(b.ld1(list([v0, v2]).s4(), mem(x3)).is_err()); // not consecutive
//! let code = asm.finalize()?;
//! assert_eq!(&code[..8], &[0x00, 0x00, 0x80, 0xd2, 0x22, 0x04, 0x40, 0xf9]);
//! # Ok(()) }
//! ```
//!
//! Each mnemonic has one trait per operand count (`Add3<A, B, C>` with
//! method `add`), implemented for every combination of argument types its
//! forms take; `use builder::prelude::*` brings them all into scope. A
//! mnemonic with several operand counts has one of them under its own name
//! — the smallest, except `orr`, `bic` and the pairwise `addp`, `faddp`,
//! `fmaxp`, `fmaxnmp`, `fminp`, `fminnmp`, whose three-operand register
//! forms have it, and `ic`, `tlbi` and `sys`, whose forms with a register
//! have it — and the others with a suffix (`ret()`, `ret_1(x1)`;
//! `orr(x0, x1, x2)`, `orr_2(v0.s4(), 0xff)`; `tlbi(TlbiOp::VAE1, x0)`,
//! `tlbi_1(TlbiOp::VMALLE1IS)`). Mnemonics with a dot or
//! that are Rust keywords are spelled `b_eq`, `b_cond`, `yield_`.
//!
//! A call chooses among the forms its argument types can match with the
//! rules of [`crate::select`] (the first form in table order that takes the
//! operands, llvm-mc's fallbacks such as `ldr` → `ldur` for an unscaled
//! offset or `add` → `sub` for a negative immediate), so the bytes are the
//! ones the text assembler and `dynasm!` give for the same operands. The
//! aliases the text assembler accepts (`mov`, `cmp`, `cmn`, `tst`, `neg`,
//! `mvn`, `lsl`/`lsr`/`asr`/`ror`, `cset`, `cinc`, `mul`, `sxtw`, `ubfx`,
//! `bfi`, `nop` and the other hints, `ret` without operand, `b.eq`…,
//! `stadd`…, the cache, address-translation and TLB operations `dc`, `ic`,
//! `at`, `tlbi`, `sys` without a register) are methods too, rewritten as
//! [`crate::select`] rewrites them.
//!
//! Argument types:
//!
//! * general registers [`X`] (`x0`–`x30`, `xzr`), [`W`], and the stack
//!   pointers [`Sp`], [`Wsp`] (only where the form takes them);
//! * SIMD&FP scalars [`B`] [`H`] [`S`] [`D`] [`Q`]; vector registers with an
//!   arrangement, [`VReg`] (`v0.s4()` is `v0.4s`, `v0.b16()` is `v0.16b`…);
//!   elements [`VElem`] (`v1.s(2)` is `v1.s[2]`); register lists [`VList`]
//!   and one-lane lists [`VLanes`] (`list([v0, v1]).s4()` is
//!   `{v0.4s, v1.4s}`, `list([v0, v1]).s(1)` is `{v0.s, v1.s}[1]`);
//! * a shift or extend after a register or an immediate, as a pair:
//!   `(x2, lsl(3))`, `(w2, sxtw(2))`, `(1, lsl(12))`, `(0xff, msl(8))`;
//!   `x2.lsl(3)` and `w2.sxtw(2)` make the same pairs;
//! * memory operands: [`Mem`] (`mem(x1)` is `[x1]`, `x1 + 8` is `[x1, #8]`,
//!   `sp - 16`, `x1 + x2`, `x1 + x2.lsl(3)`, `x1 + w2.sxtw(3)`), [`Pre`]
//!   (`pre(sp, -16)` is `[sp, #-16]!`) and [`Post`] (`post(x1, 8)` is
//!   `[x1], #8`, `post(x1, x2)` is `[x1], x2`);
//! * immediates: any integer ([`IntoImm`]), checked against the chosen
//!   form's rule when the instruction is emitted, never truncated; floating
//!   immediates `f32`/`f64` or integers ([`IntoFloat`]);
//! * labels ([`IntoLabel`]): [`DynamicLabel`], [`LabelRef`], or a byte
//!   offset from the instruction ([`rel`]);
//! * [`Cond`], system registers by name ([`SysReg`]), [`PState`] fields,
//!   [`Barrier`] options, [`Prefetch`] operations, [`CReg`] (`c0`–`c15`),
//!   the [`Bti`] targets, and the operations of `dc`, `ic`, `at` and
//!   `tlbi`: [`DcOp`] (`b.dc(DcOp::CIVAC, x0)`), [`IcOp`]
//!   (`b.ic(IcOp::IVAU, x0)`, `b.ic_1(IcOp::IALLU)`), [`AtOp`], [`TlbiOp`]
//!   (`b.tlbi(TlbiOp::VAE1IS, x0)`, `b.tlbi_1(TlbiOp::VMALLE1IS)`), each
//!   also by name (`DcOp::named("cvau")`).
//!
//! Every call returns `Result<(), EncodeError>`: an operand that breaks its
//! form's rule (an immediate out of range, a value that is not a bitmask
//! immediate, a misaligned offset, a lane past the last…) gives the
//! encoder's error, which names the rule, and nothing is written. A label
//! is resolved by the sink: a target out of reach is reported by its
//! `finalize`/`commit`, with the fixup's range.

use crate::encode::{select, select_in, Encoded};
use crate::error::EncodeError;
use crate::operand::{self, Instruction, MemMode, MemOffset, ModKind, Modifier, Operand};
use crate::reg::{Arrangement, ElemSize, Reg, RegClass};
use crate::table::forms;
use core::marker::PhantomData;
use core::ops::{Add, Sub};
use jitasm_core::CodeSink;
pub use jitasm_core::{DynamicLabel, LabelRef};

pub use crate::operand::Cond;

/// The fast path of a generated method ([`crate::fast`]): the forms
/// `FAST_FORMS[i]` tried in order on the operands `$o`, the first that
/// takes them encoded; `fast!($o; …; alias $a; "base" [i …] …)` then
/// rewrites them by the alias rules `$a` and tries the forms of the
/// instruction the rewrite names.
macro_rules! fast {
    ($o:ident; $($i:literal)*) => {
        None $(.or_else(|| $crate::fast::encode_fast($crate::fast::FAST_FORMS[$i], $o)))*
    };
    ($o:ident; $($i:literal)*; alias $a:expr; $($m:literal [$($j:literal)*])*) => {
        fast!($o; $($i)*).or_else(|| {
            let r = $crate::fast::rewrite($a, $o)?;
            let s = r.operands();
            match r.mnemonic() {
                $($m => fast!(s; $($j)*),)*
                _ => None,
            }
        })
    };
}
pub(crate) use fast;

/// Every builder trait: `use jitasm_a64::builder::prelude::*`.
pub mod prelude {
    pub use crate::generated::builder::prelude::*;
}

/// Emits instructions into a [`CodeSink`] (an `Assembler`, a
/// `VecAssembler`…) it borrows. Derefs to the sink, so labels are made and
/// defined on it as usual.
pub struct Builder<'s, S: ?Sized> {
    sink: &'s mut S,
    /// The fast path only (for the tests): what it does not answer is
    /// `Err(EncodeError::NoMatchingForm)`, and nothing is written.
    fast_only: bool,
}

impl<'s, S: CodeSink + ?Sized> Builder<'s, S> {
    /// A builder emitting into `sink`.
    #[inline]
    pub fn new(sink: &'s mut S) -> Self {
        Builder {
            sink,
            fast_only: false,
        }
    }

    /// A builder that takes only the fast path ([`crate::fast`]): a call
    /// it does not answer returns `Err(EncodeError::NoMatchingForm)` and
    /// writes nothing. For the tests, which compare it with the general
    /// path.
    #[doc(hidden)]
    #[inline]
    pub fn fast_only(sink: &'s mut S) -> Self {
        Builder {
            sink,
            fast_only: true,
        }
    }

    /// The sink.
    #[inline]
    pub fn into_inner(self) -> &'s mut S {
        self.sink
    }

    /// Emits `mnemonic` with the operands in `o`, choosing among the forms
    /// `FORMS[lo..hi]` (a run of the mnemonic's forms holding every form
    /// the argument types can match) as [`select_in`] does. The generated
    /// methods of table mnemonics come here.
    #[inline]
    pub(crate) fn emit_in(
        &mut self,
        mnemonic: &'static str,
        lo: usize,
        hi: usize,
        o: Ops<'_>,
    ) -> Result<(), EncodeError> {
        let inst = Instruction::new(mnemonic, o.finish()?);
        let (_, enc) = select_in(&inst, &forms()[lo..hi])?;
        enc.emit(self.sink);
        Ok(())
    }

    /// [`Builder::emit_in`] with the fast path first: `fast` tries the
    /// forms `FORMS[lo..hi]` as constants ([`crate::fast`]; the generated
    /// methods write it out with [`fast!`]), inlined where the call is in
    /// optimized builds; anything it does not answer (every error, llvm-mc's
    /// fallbacks) goes through `emit_in`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn emit_fast<'a>(
        &mut self,
        mnemonic: &'static str,
        (lo, hi): (usize, usize),
        o: Ops<'a>,
        fast: impl FnOnce(&[Operand<'a>]) -> Option<Encoded<'a>>,
    ) -> Result<(), EncodeError> {
        if self.emitted_fast(&o, fast) {
            return Ok(());
        }
        self.emit_in_slow(mnemonic, lo, hi, o)
    }

    /// The fast path's part of [`Builder::emit_fast`] and
    /// [`Builder::emit_alias_fast`]: whether `fast` encoded the arguments
    /// (then emitted), or they go to the general path.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn emitted_fast<'a>(
        &mut self,
        o: &Ops<'a>,
        fast: impl FnOnce(&[Operand<'a>]) -> Option<Encoded<'a>>,
    ) -> bool {
        if o.err.is_some() {
            return false;
        }
        match fast(&o.ops[..o.n]) {
            Some(enc) => {
                enc.emit(self.sink);
                true
            }
            None => false,
        }
    }

    #[inline(never)]
    fn emit_in_slow(
        &mut self,
        mnemonic: &'static str,
        lo: usize,
        hi: usize,
        o: Ops<'_>,
    ) -> Result<(), EncodeError> {
        if self.fast_only {
            return Err(EncodeError::NoMatchingForm);
        }
        self.emit_in(mnemonic, lo, hi, o)
    }

    /// [`Builder::emit_alias`] with the fast path first: `fast` tries the
    /// mnemonic's own forms, then its alias rules and the forms of the
    /// instruction they name, as constants ([`crate::fast`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn emit_alias_fast<'a>(
        &mut self,
        mnemonic: &'static str,
        o: Ops<'a>,
        fast: impl FnOnce(&[Operand<'a>]) -> Option<Encoded<'a>>,
    ) -> Result<(), EncodeError> {
        if self.emitted_fast(&o, fast) {
            return Ok(());
        }
        self.emit_alias_slow(mnemonic, o)
    }

    #[inline(never)]
    fn emit_alias_slow(&mut self, mnemonic: &'static str, o: Ops<'_>) -> Result<(), EncodeError> {
        if self.fast_only {
            return Err(EncodeError::NoMatchingForm);
        }
        self.emit_alias(mnemonic, o)
    }

    /// Emits `mnemonic` (an alias, or a table mnemonic with arguments only
    /// an alias rule takes) through the whole matcher, [`select`].
    #[inline]
    pub(crate) fn emit_alias(
        &mut self,
        mnemonic: &'static str,
        o: Ops<'_>,
    ) -> Result<(), EncodeError> {
        let inst = Instruction::new(mnemonic, o.finish()?);
        let (_, enc) = select(&inst)?;
        enc.emit(self.sink);
        Ok(())
    }
}

impl<S: ?Sized> core::ops::Deref for Builder<'_, S> {
    type Target = S;
    #[inline]
    fn deref(&self) -> &S {
        self.sink
    }
}

impl<S: ?Sized> core::ops::DerefMut for Builder<'_, S> {
    #[inline]
    fn deref_mut(&mut self) -> &mut S {
        self.sink
    }
}

/// More operands (shifts and extends counted) than any instruction has.
const MAX_OPS: usize = 8;

/// The operands of one call, lowered, and the first error found while
/// lowering them (a value no form can take whatever it is: a shift amount
/// or a lane index past 255, a list of registers that do not follow each
/// other).
pub(crate) struct Ops<'a> {
    ops: [Operand<'a>; MAX_OPS],
    n: usize,
    err: Option<EncodeError>,
}

impl<'a> Ops<'a> {
    #[inline]
    pub(crate) fn new() -> Self {
        Ops {
            ops: [Operand::Imm(0); MAX_OPS],
            n: 0,
            err: None,
        }
    }

    /// The position of the next operand (as errors count them).
    #[inline]
    fn at(&self) -> u8 {
        self.n as u8
    }

    #[inline]
    fn push(&mut self, op: Operand<'a>) {
        // No generated method pushes more than MAX_OPS operands.
        self.ops[self.n] = op;
        self.n += 1;
    }

    #[inline]
    fn fail(&mut self, e: EncodeError) {
        if self.err.is_none() {
            self.err = Some(e);
        }
    }

    #[inline]
    pub(crate) fn arg<T: Lower>(&mut self, v: T) {
        v.lower(self)
    }

    #[inline]
    pub(crate) fn imm<I: IntoImm>(&mut self, v: I) {
        self.push(Operand::Imm(v.imm()))
    }

    #[inline]
    pub(crate) fn imm_shift<I: IntoImm>(&mut self, (v, s): (I, Shift)) {
        self.imm(v);
        s.lower(self)
    }

    #[inline]
    pub(crate) fn float<F: IntoFloat>(&mut self, v: F) {
        self.push(v.float_operand())
    }

    #[inline]
    pub(crate) fn label<L: IntoLabel<'a>>(&mut self, l: L) {
        self.push(l.label_operand())
    }

    #[inline]
    fn finish(&self) -> Result<&[Operand<'a>], EncodeError> {
        match &self.err {
            Some(e) => Err(e.clone()),
            None => Ok(&self.ops[..self.n]),
        }
    }
}

/// Lowers a (non-generic) argument type into operands.
pub(crate) trait Lower {
    fn lower(self, o: &mut Ops<'_>);
}

// ---------------------------------------------------------------------------
// General and scalar registers.

macro_rules! reg_type {
    ($($(#[$doc:meta])* $name:ident = $class:ident, $lo:literal..=$hi:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name(u8);

        impl $name {
            /// The register numbered `num`, if it is one of this type.
            #[inline]
            pub const fn new(num: u8) -> Option<Self> {
                if matches!(num, $lo..=$hi) {
                    Some($name(num))
                } else {
                    None
                }
            }
            /// The number (31 for the zero register and the stack pointers).
            #[inline]
            pub const fn num(self) -> u8 {
                self.0
            }
            /// The register.
            #[inline]
            pub const fn reg(self) -> Reg {
                match Reg::new(RegClass::$class, self.0) {
                    Some(r) => r,
                    None => panic!("a register of the type"),
                }
            }
        }

        impl TryFrom<Reg> for $name {
            type Error = Reg;
            #[inline]
            fn try_from(r: Reg) -> Result<Self, Reg> {
                if r.class() == RegClass::$class {
                    Ok($name(r.num()))
                } else {
                    Err(r)
                }
            }
        }

        impl From<$name> for Reg {
            #[inline]
            fn from(r: $name) -> Reg {
                r.reg()
            }
        }

        impl Lower for $name {
            #[inline]
            fn lower(self, o: &mut Ops<'_>) {
                o.push(Operand::Reg(self.reg()))
            }
        }
    )*};
}

reg_type! {
    /// A 64-bit general register, `x0`–`x30` or `xzr` (number 31).
    X = X, 0..=31;
    /// A 32-bit general register, `w0`–`w30` or `wzr` (number 31).
    W = W, 0..=31;
    /// The stack pointer `sp` (number 31), where a form takes it.
    Sp = Sp, 31..=31;
    /// The 32-bit stack pointer `wsp` (number 31), where a form takes it.
    Wsp = Wsp, 31..=31;
    /// An 8-bit SIMD&FP scalar register `b0`–`b31`.
    B = B, 0..=31;
    /// A 16-bit SIMD&FP scalar register `h0`–`h31`.
    H = H, 0..=31;
    /// A 32-bit SIMD&FP scalar register `s0`–`s31`.
    S = S, 0..=31;
    /// A 64-bit SIMD&FP scalar register `d0`–`d31`.
    D = D, 0..=31;
    /// A 128-bit SIMD&FP scalar register `q0`–`q31`.
    Q = Q, 0..=31;
}

macro_rules! shift_methods {
    ($($t:ident),*) => {$(
        impl $t {
            /// This register shifted left: `(self, lsl(n))`.
            #[inline]
            pub fn lsl(self, n: impl IntoImm) -> ($t, Shift) {
                (self, lsl(n))
            }
            /// This register shifted right: `(self, lsr(n))`.
            #[inline]
            pub fn lsr(self, n: impl IntoImm) -> ($t, Shift) {
                (self, lsr(n))
            }
            /// This register shifted right arithmetically: `(self, asr(n))`.
            #[inline]
            pub fn asr(self, n: impl IntoImm) -> ($t, Shift) {
                (self, asr(n))
            }
            /// This register rotated right: `(self, ror(n))`.
            #[inline]
            pub fn ror(self, n: impl IntoImm) -> ($t, Shift) {
                (self, ror(n))
            }
        }
    )*};
}
shift_methods!(X, W);

macro_rules! extend_methods {
    ($t:ident: $($(#[$doc:meta])* $name:ident)*) => {
        impl $t {$(
            $(#[$doc])*
            pub fn $name(self, amount: impl IntoImm) -> ($t, Extend) {
                (self, $name(amount))
            }
        )*}
    };
}
extend_methods!(W:
    /// `(self, uxtb(amount))`.
    uxtb
    /// `(self, uxth(amount))`.
    uxth
    /// `(self, uxtw(amount))`.
    uxtw
    /// `(self, uxtx(amount))`.
    uxtx
    /// `(self, sxtb(amount))`.
    sxtb
    /// `(self, sxth(amount))`.
    sxth
    /// `(self, sxtw(amount))`.
    sxtw
    /// `(self, sxtx(amount))`.
    sxtx
);
extend_methods!(X:
    /// `(self, uxtx(amount))`.
    uxtx
    /// `(self, sxtx(amount))`.
    sxtx
);

// ---------------------------------------------------------------------------
// Shifts and extends.

/// A shift (`lsl`, `lsr`, `asr`, `ror`, `msl`) with its amount, after a
/// register or an immediate: `(x2, lsl(3))`, `(1, lsl(12))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shift {
    kind: ModKind,
    amount: i128,
}

impl Shift {
    /// A shift of `kind` by `amount`. An extend kind (`uxtw`…) is an
    /// [`Extend`]; given here, the call that takes it fails.
    #[inline]
    pub fn new(kind: ModKind, amount: impl IntoImm) -> Shift {
        Shift {
            kind,
            amount: amount.value(),
        }
    }

    /// The kind.
    #[inline]
    pub const fn kind(self) -> ModKind {
        self.kind
    }
}

/// An extend (`uxtb`…`sxtx`) with an optional amount, after a register:
/// `(w2, sxtw(2))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Extend {
    kind: ModKind,
    amount: Option<i128>,
}

impl Extend {
    /// An extend of `kind`, with `amount` if one is written (`sxtw` and
    /// `sxtw #0` encode alike). A shift kind (`lsl`…) is a [`Shift`]; given
    /// here, the call that takes it fails.
    #[inline]
    pub fn new(kind: ModKind, amount: Option<i64>) -> Extend {
        Extend {
            kind,
            amount: amount.map(|a| a as i128),
        }
    }

    /// The kind.
    #[inline]
    pub const fn kind(self) -> ModKind {
        self.kind
    }
}

/// The amount of a shift or extend, if it fits the operand model's byte
/// (no form takes more than 63); otherwise the error.
#[inline]
fn amount(at: u8, value: i128, max: i64) -> Result<u8, EncodeError> {
    u8::try_from(value).map_err(|_| EncodeError::ImmediateOutOfRange {
        operand: at,
        value: value.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
        min: 0,
        max,
    })
}

impl Shift {
    #[inline]
    fn modifier(self, at: u8) -> Result<Modifier, EncodeError> {
        if self.kind.is_extend() {
            return Err(EncodeError::BadModifier {
                operand: at,
                allowed: "a shift (lsl, lsr, asr, ror or msl)",
            });
        }
        let max = if self.kind == ModKind::Msl { 16 } else { 63 };
        Ok(Modifier {
            kind: self.kind,
            amount: Some(amount(at, self.amount, max)?),
        })
    }
}

impl Extend {
    #[inline]
    fn modifier(self, at: u8) -> Result<Modifier, EncodeError> {
        if !self.kind.is_extend() {
            return Err(EncodeError::BadModifier {
                operand: at,
                allowed: "an extend (uxtb, uxth, uxtw, uxtx, sxtb, sxth, sxtw or sxtx)",
            });
        }
        Ok(Modifier {
            kind: self.kind,
            amount: match self.amount {
                Some(a) => Some(amount(at, a, 4)?),
                None => None,
            },
        })
    }
}

impl Lower for Shift {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        let at = o.at();
        match self.modifier(at) {
            Ok(m) => o.push(Operand::Modifier(m)),
            Err(e) => {
                o.fail(e);
                o.push(Operand::Imm(0));
            }
        }
    }
}

impl Lower for Extend {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        let at = o.at();
        match self.modifier(at) {
            Ok(m) => o.push(Operand::Modifier(m)),
            Err(e) => {
                o.fail(e);
                o.push(Operand::Imm(0));
            }
        }
    }
}

impl<T: Lower, M: Lower> Lower for (T, M) {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        self.0.lower(o);
        self.1.lower(o);
    }
}

macro_rules! modifier_fns {
    ($($(#[$doc:meta])* $name:ident $ty:ident $kind:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(amount: impl IntoImm) -> $ty {
            $ty::from_parts(ModKind::$kind, amount.value())
        }
    )*};
}

impl Shift {
    #[inline]
    const fn from_parts(kind: ModKind, amount: i128) -> Shift {
        Shift { kind, amount }
    }
}

impl Extend {
    #[inline]
    const fn from_parts(kind: ModKind, amount: i128) -> Extend {
        Extend {
            kind,
            amount: Some(amount),
        }
    }
}

modifier_fns! {
    /// `lsl #amount`.
    lsl Shift Lsl;
    /// `lsr #amount`.
    lsr Shift Lsr;
    /// `asr #amount`.
    asr Shift Asr;
    /// `ror #amount`.
    ror Shift Ror;
    /// `msl #amount` (shifting ones in: `movi`, `mvni`).
    msl Shift Msl;
    /// `uxtb #amount`.
    uxtb Extend Uxtb;
    /// `uxth #amount`.
    uxth Extend Uxth;
    /// `uxtw #amount`.
    uxtw Extend Uxtw;
    /// `uxtx #amount`.
    uxtx Extend Uxtx;
    /// `sxtb #amount`.
    sxtb Extend Sxtb;
    /// `sxth #amount`.
    sxth Extend Sxth;
    /// `sxtw #amount`.
    sxtw Extend Sxtw;
    /// `sxtx #amount`.
    sxtx Extend Sxtx;
}

// ---------------------------------------------------------------------------
// Vector registers, elements and lists.

/// A vector register number without arrangement (`v0`–`v31`): the
/// methods give the operands (`v0.s4()`, `v0.s(1)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct V(u8);

impl V {
    /// `vnum`, if `num` is at most 31.
    #[inline]
    pub const fn new(num: u8) -> Option<V> {
        if num <= 31 {
            Some(V(num))
        } else {
            None
        }
    }

    /// The number.
    #[inline]
    pub const fn num(self) -> u8 {
        self.0
    }

    #[inline]
    const fn arr<A>(self) -> VReg<A> {
        VReg(self.0, PhantomData)
    }

    #[inline]
    fn elem<E>(self, index: impl IntoImm) -> VElem<E> {
        VElem {
            reg: self.0,
            index: index.value(),
            kind: PhantomData,
        }
    }
}

/// Arrangement markers of [`VReg`] and [`VList`].
pub mod arr {
    use super::ArrKind;
    use crate::reg::Arrangement;

    macro_rules! markers {
        ($($(#[$doc:meta])* $name:ident = $a:ident;)*) => {$(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub struct $name;
            impl ArrKind for $name {
                const ARR: Arrangement = Arrangement::$a;
            }
        )*};
    }
    markers! {
        /// `.8b`
        B8 = B8;
        /// `.16b`
        B16 = B16;
        /// `.2h`
        H2 = H2;
        /// `.4h`
        H4 = H4;
        /// `.8h`
        H8 = H8;
        /// `.2s`
        S2 = S2;
        /// `.4s`
        S4 = S4;
        /// `.1d`
        D1 = D1;
        /// `.2d`
        D2 = D2;
        /// `.1q`
        Q1 = Q1;
    }
}

/// Element-size markers of [`VElem`] and [`VLanes`].
pub mod elem {
    use super::ElemKind;
    use crate::reg::ElemSize;

    macro_rules! markers {
        ($($(#[$doc:meta])* $name:ident = $e:ident;)*) => {$(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub struct $name;
            impl ElemKind for $name {
                const SIZE: ElemSize = ElemSize::$e;
            }
        )*};
    }
    markers! {
        /// `.b`
        B = B;
        /// `.h`
        H = H;
        /// `.s`
        S = S;
        /// `.d`
        D = D;
        /// `.4b` (a word seen as four bytes: dot products)
        B4 = B4;
        /// `.2h` (a word seen as two halfwords: `bfdot`)
        H2 = H2;
    }
}

/// An arrangement marker ([`arr`]).
pub trait ArrKind: Copy {
    /// The arrangement.
    const ARR: Arrangement;
}

/// An element-size marker ([`elem`]).
pub trait ElemKind: Copy {
    /// The element size.
    const SIZE: ElemSize;
}

/// A vector register with arrangement `A` (`v0.s4()` is `v0.4s`:
/// `VReg<arr::S4>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VReg<A>(u8, PhantomData<A>);

impl<A: ArrKind> VReg<A> {
    /// `vnum` with this arrangement, if `num` is at most 31.
    #[inline]
    pub const fn new(num: u8) -> Option<Self> {
        if num <= 31 {
            Some(VReg(num, PhantomData))
        } else {
            None
        }
    }

    /// The register.
    #[inline]
    pub const fn reg(self) -> Reg {
        Reg::v(self.0, A::ARR)
    }
}

impl<A: ArrKind> TryFrom<Reg> for VReg<A> {
    type Error = Reg;
    #[inline]
    fn try_from(r: Reg) -> Result<Self, Reg> {
        match r.class() {
            RegClass::V(a) if a == A::ARR => Ok(VReg(r.num(), PhantomData)),
            _ => Err(r),
        }
    }
}

impl<A: ArrKind> Lower for VReg<A> {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        o.push(Operand::Reg(self.reg()))
    }
}

/// A vector element `vN.<size>[index]` (`v1.s(2)` is `v1.s[2]`:
/// `VElem<elem::S>`). The index is checked when emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VElem<E> {
    reg: u8,
    index: i128,
    kind: PhantomData<E>,
}

impl<E: ElemKind> VElem<E> {
    /// Element `index` of `v`.
    #[inline]
    pub fn new(v: V, index: impl IntoImm) -> Self {
        v.elem(index)
    }
}

/// The largest lane of an element of `size` in a 128-bit register.
#[inline]
const fn max_lane(size: ElemSize) -> i64 {
    16 / size.bytes() as i64 - 1
}

/// A lane index as the operand model's byte, or the error.
#[inline]
fn lane(at: u8, index: i128, size: ElemSize) -> Result<u8, EncodeError> {
    u8::try_from(index).map_err(|_| EncodeError::ImmediateOutOfRange {
        operand: at,
        value: index.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
        min: 0,
        max: max_lane(size),
    })
}

impl<E: ElemKind> Lower for VElem<E> {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        let at = o.at();
        match lane(at, self.index, E::SIZE) {
            Ok(index) => o.push(Operand::Elem(operand::Elem {
                reg: self.reg,
                size: E::SIZE,
                index,
            })),
            Err(e) => {
                o.fail(e);
                o.push(Operand::Imm(0));
            }
        }
    }
}

macro_rules! v_methods {
    ($($(#[$doc:meta])* $name:ident -> $ty:ident<$m:ident :: $k:ident>;)*) => {
        impl V {$(
            $(#[$doc])*
            pub const fn $name(self) -> $ty<$m::$k> {
                self.arr()
            }
        )*}
    };
}
v_methods! {
    /// `vN.8b`
    b8 -> VReg<arr::B8>;
    /// `vN.16b`
    b16 -> VReg<arr::B16>;
    /// `vN.2h`
    h2 -> VReg<arr::H2>;
    /// `vN.4h`
    h4 -> VReg<arr::H4>;
    /// `vN.8h`
    h8 -> VReg<arr::H8>;
    /// `vN.2s`
    s2 -> VReg<arr::S2>;
    /// `vN.4s`
    s4 -> VReg<arr::S4>;
    /// `vN.1d`
    d1 -> VReg<arr::D1>;
    /// `vN.2d`
    d2 -> VReg<arr::D2>;
    /// `vN.1q`
    q1 -> VReg<arr::Q1>;
}

macro_rules! elem_methods {
    ($($(#[$doc:meta])* $name:ident -> $k:ident;)*) => {
        impl V {$(
            $(#[$doc])*
            pub fn $name(self, index: impl IntoImm) -> VElem<elem::$k> {
                self.elem(index)
            }
        )*}
    };
}
elem_methods! {
    /// `vN.b[index]`
    b -> B;
    /// `vN.h[index]`
    h -> H;
    /// `vN.s[index]`
    s -> S;
    /// `vN.d[index]`
    d -> D;
    /// `vN.4b[index]` (dot products by element)
    s4b -> B4;
    /// `vN.2h[index]` (`bfdot` by element)
    s2h -> H2;
}

/// Consecutive vector registers (modulo 32) before their arrangement is
/// given: `list([v0, v1])`. [`List::s4`] and the like make a [`VList`],
/// [`List::s`] and the like a [`VLanes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct List {
    first: u8,
    count: u8,
    consecutive: bool,
}

/// The registers `regs` as a list (`{v0.4s, v1.4s}` is
/// `list([v0, v1]).s4()`). They must follow each other (modulo 32): a
/// list that does not gives an error when emitted.
#[inline]
pub fn list<const N: usize>(regs: [V; N]) -> List {
    let first = regs.first().map_or(0, |v| v.0);
    let consecutive = regs
        .iter()
        .enumerate()
        .all(|(i, v)| v.0 as usize == (first as usize + i) % 32);
    List {
        first,
        count: u8::try_from(N).unwrap_or(u8::MAX),
        consecutive,
    }
}

impl List {
    /// `count` registers from `first` (a count the instruction does not
    /// take gives an error when emitted).
    #[inline]
    pub const fn new(first: V, count: u8) -> List {
        List {
            first: first.0,
            count,
            consecutive: true,
        }
    }

    #[inline]
    const fn arr<A>(self) -> VList<A> {
        VList {
            list: self,
            kind: PhantomData,
        }
    }

    #[inline]
    fn lanes<E>(self, index: impl IntoImm) -> VLanes<E> {
        VLanes {
            list: self,
            index: index.value(),
            kind: PhantomData,
        }
    }
}

macro_rules! list_methods {
    ($($(#[$doc:meta])* $name:ident -> $k:ident;)*) => {
        impl List {$(
            $(#[$doc])*
            pub const fn $name(self) -> VList<arr::$k> {
                self.arr()
            }
        )*}
    };
}
list_methods! {
    /// `{vN.8b, …}`
    b8 -> B8;
    /// `{vN.16b, …}`
    b16 -> B16;
    /// `{vN.2h, …}`
    h2 -> H2;
    /// `{vN.4h, …}`
    h4 -> H4;
    /// `{vN.8h, …}`
    h8 -> H8;
    /// `{vN.2s, …}`
    s2 -> S2;
    /// `{vN.4s, …}`
    s4 -> S4;
    /// `{vN.1d, …}`
    d1 -> D1;
    /// `{vN.2d, …}`
    d2 -> D2;
    /// `{vN.1q, …}`
    q1 -> Q1;
}

macro_rules! lane_methods {
    ($($(#[$doc:meta])* $name:ident -> $k:ident;)*) => {
        impl List {$(
            $(#[$doc])*
            pub fn $name(self, index: impl IntoImm) -> VLanes<elem::$k> {
                self.lanes(index)
            }
        )*}
    };
}
lane_methods! {
    /// `{vN.b, …}[index]`
    b -> B;
    /// `{vN.h, …}[index]`
    h -> H;
    /// `{vN.s, …}[index]`
    s -> S;
    /// `{vN.d, …}[index]`
    d -> D;
}

/// A list of vector registers with arrangement `A`: `{v0.4s, v1.4s}` is
/// `list([v0, v1]).s4()` (`VList<arr::S4>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VList<A> {
    list: List,
    kind: PhantomData<A>,
}

/// A list of one lane of vector registers: `{v0.s, v1.s}[1]` is
/// `list([v0, v1]).s(1)` (`VLanes<elem::S>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VLanes<E> {
    list: List,
    index: i128,
    kind: PhantomData<E>,
}

impl List {
    #[inline]
    fn check(self, at: u8) -> Result<(), EncodeError> {
        if self.consecutive {
            Ok(())
        } else {
            Err(EncodeError::BadRegister {
                operand: at,
                rule: "the registers of a list must follow each other (modulo 32)",
            })
        }
    }
}

impl<A: ArrKind> Lower for VList<A> {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        let at = o.at();
        if let Err(e) = self.list.check(at) {
            o.fail(e);
        }
        o.push(Operand::List(operand::VList {
            first: self.list.first,
            count: self.list.count,
            arr: A::ARR,
        }))
    }
}

impl<E: ElemKind> Lower for VLanes<E> {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        let at = o.at();
        if let Err(e) = self.list.check(at) {
            o.fail(e);
        }
        let index = match lane(at, self.index, E::SIZE) {
            Ok(i) => i,
            Err(e) => {
                o.fail(e);
                0
            }
        };
        o.push(Operand::LaneList(operand::VLaneList {
            first: self.list.first,
            count: self.list.count,
            size: E::SIZE,
            index,
        }))
    }
}

impl<A: ArrKind> TryFrom<operand::VList> for VList<A> {
    type Error = operand::VList;
    #[inline]
    fn try_from(l: operand::VList) -> Result<Self, operand::VList> {
        if l.arr == A::ARR && l.first <= 31 {
            Ok(List::new(V(l.first), l.count).arr())
        } else {
            Err(l)
        }
    }
}

impl<E: ElemKind> TryFrom<operand::VLaneList> for VLanes<E> {
    type Error = operand::VLaneList;
    #[inline]
    fn try_from(l: operand::VLaneList) -> Result<Self, operand::VLaneList> {
        if l.size == E::SIZE && l.first <= 31 {
            Ok(List::new(V(l.first), l.count).lanes(l.index))
        } else {
            Err(l)
        }
    }
}

impl<E: ElemKind> TryFrom<operand::Elem> for VElem<E> {
    type Error = operand::Elem;
    #[inline]
    fn try_from(e: operand::Elem) -> Result<Self, operand::Elem> {
        if e.size == E::SIZE && e.reg <= 31 {
            Ok(V(e.reg).elem(e.index))
        } else {
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------
// Immediates and labels.

/// Integers usable as immediates (and offsets, shift amounts, lane
/// indices). Values are checked against the chosen form's rule when the
/// instruction is emitted, never truncated. Where a form reads the bits of
/// a 64-bit value (`mov x0, #imm`, `and x0, x1, #imm`), a `u64` above
/// `i64::MAX` is its two's-complement pattern, as `#0xffff…` is in text.
pub trait IntoImm: Copy {
    /// The value as the operand model's 64 bits (two's complement for
    /// `u64` values above `i64::MAX`).
    fn imm(self) -> i64;
    /// The exact value.
    fn value(self) -> i128;
}

macro_rules! into_imm {
    ($($t:ty),*) => {$(
        impl IntoImm for $t {
            #[inline]
            fn imm(self) -> i64 {
                self as i64
            }
            #[inline]
            fn value(self) -> i128 {
                self as i128
            }
        }
    )*};
}
into_imm!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// Values usable as floating-point immediates (`fmov d0, #1.5`, `fcmp s0,
/// #0.0`): `f64`, `f32` (exactly), and integers, which the forms take when
/// the value is exact (`fmov d0, #3`; the compares with zero take only
/// `0.0`, as llvm-mc).
pub trait IntoFloat: Copy {
    /// The operand.
    #[doc(hidden)]
    fn float_operand(self) -> Operand<'static>;
}

impl IntoFloat for f64 {
    #[inline]
    fn float_operand(self) -> Operand<'static> {
        Operand::Float(self)
    }
}

impl IntoFloat for f32 {
    #[inline]
    fn float_operand(self) -> Operand<'static> {
        Operand::Float(self as f64)
    }
}

macro_rules! into_float_int {
    ($($t:ty),*) => {$(
        impl IntoFloat for $t {
            #[inline]
            fn float_operand(self) -> Operand<'static> {
                Operand::Imm(self.imm())
            }
        }
    )*};
}
into_float_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// A branch, literal or `adr`/`adrp` target: a [`DynamicLabel`], any
/// [`LabelRef`] (global, local, with an addend), or a byte offset from the
/// instruction ([`rel`]).
pub trait IntoLabel<'a>: Copy {
    /// The operand.
    #[doc(hidden)]
    fn label_operand(self) -> Operand<'a>;
}

impl<'a> IntoLabel<'a> for LabelRef<'a> {
    #[inline]
    fn label_operand(self) -> Operand<'a> {
        Operand::Label(self)
    }
}

impl<'a> IntoLabel<'a> for DynamicLabel {
    #[inline]
    fn label_operand(self) -> Operand<'a> {
        Operand::Label(self.into())
    }
}

/// A target `offset` bytes from the instruction (`b #8`), checked against
/// the form's range and alignment when emitted: [`rel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rel(i64);

/// A target `offset` bytes from the instruction (`b.ne #8` is
/// `b.b_ne(rel(8))`); an offset past `i64` is clamped to one, which no
/// form reaches.
#[inline]
pub fn rel(offset: impl IntoImm) -> Rel {
    Rel(offset.value().clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

impl<'a> IntoLabel<'a> for Rel {
    #[inline]
    fn label_operand(self) -> Operand<'a> {
        Operand::Imm(self.0)
    }
}

// ---------------------------------------------------------------------------
// Memory operands.

/// A base register of a memory operand: [`X`] (`x0`–`x30`) or [`Sp`].
pub trait IntoBase: Copy {
    /// The register.
    fn base(self) -> Reg;
}

impl IntoBase for X {
    #[inline]
    fn base(self) -> Reg {
        self.reg()
    }
}

impl IntoBase for Sp {
    #[inline]
    fn base(self) -> Reg {
        self.reg()
    }
}

/// An offset that does not fit `i64` is clamped to one that no form takes,
/// so the error names the form's range.
#[inline]
fn clamp_offset(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The offset of a [`Mem`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Off {
    Imm(i64),
    Reg(Reg, Option<Extend>, Option<Shift>),
}

/// `[base]`, `[base, #imm]` or `[base, index{, extend/shift}]`: `mem(x1)`,
/// `x1 + 8`, `sp - 16`, `x1 + x2`, `x1 + x2.lsl(3)`, `x1 + w2.sxtw(2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mem {
    base: Reg,
    off: Off,
}

/// `[base, #imm]!`: [`pre`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pre {
    base: Reg,
    off: i64,
}

/// `[base], #imm` or `[base], xm`: [`post`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Post {
    base: Reg,
    off: Result<i64, Reg>,
}

/// `[base]`.
#[inline]
pub fn mem(base: impl IntoBase) -> Mem {
    Mem {
        base: base.base(),
        off: Off::Imm(0),
    }
}

/// `[base, #offset]!` (pre-index: the base is updated first).
#[inline]
pub fn pre(base: impl IntoBase, offset: impl IntoImm) -> Pre {
    Pre {
        base: base.base(),
        off: clamp_offset(offset.value()),
    }
}

/// `[base], #offset` or `[base], xm` (post-index: the base is updated
/// after the access).
#[inline]
pub fn post(base: impl IntoBase, offset: impl IntoPostOffset) -> Post {
    Post {
        base: base.base(),
        off: offset.post_offset(),
    }
}

/// The offset of a post-indexed operand: an integer or (for the SIMD
/// structure loads and stores) an [`X`] register.
pub trait IntoPostOffset: Copy {
    /// The offset.
    #[doc(hidden)]
    fn post_offset(self) -> Result<i64, Reg>;
}

impl<T: IntoImm> IntoPostOffset for T {
    #[inline]
    fn post_offset(self) -> Result<i64, Reg> {
        Ok(clamp_offset(self.value()))
    }
}

impl IntoPostOffset for X {
    #[inline]
    fn post_offset(self) -> Result<i64, Reg> {
        Err(self.reg())
    }
}

impl Mem {
    /// `[base, #offset]`.
    #[inline]
    pub fn offset(base: impl IntoBase, offset: impl IntoImm) -> Mem {
        Mem {
            base: base.base(),
            off: Off::Imm(clamp_offset(offset.value())),
        }
    }

    /// `[base, index]`, `index` an [`X`].
    #[inline]
    pub fn index(base: impl IntoBase, index: X) -> Mem {
        Mem {
            base: base.base(),
            off: Off::Reg(index.reg(), None, None),
        }
    }

    #[inline]
    fn operand(self, at: u8) -> Result<operand::Mem, EncodeError> {
        let offset = match self.off {
            Off::Imm(v) => MemOffset::Imm(v),
            Off::Reg(r, None, None) => MemOffset::Reg(r, None),
            Off::Reg(r, Some(e), _) => MemOffset::Reg(r, Some(e.modifier(at)?)),
            Off::Reg(r, None, Some(s)) => MemOffset::Reg(r, Some(s.modifier(at)?)),
        };
        Ok(operand::Mem {
            base: self.base,
            offset,
            mode: MemMode::Offset,
        })
    }
}

macro_rules! mem_ops {
    ($($t:ident),*) => {$(
        impl<T: IntoImm> Add<T> for $t {
            type Output = Mem;
            /// `[self, #offset]`.
            #[inline]
            fn add(self, offset: T) -> Mem {
                Mem::offset(self, offset)
            }
        }
        impl<T: IntoImm> Sub<T> for $t {
            type Output = Mem;
            /// `[self, #-offset]`.
            #[inline]
            fn sub(self, offset: T) -> Mem {
                Mem {
                    base: self.base(),
                    off: Off::Imm(clamp_offset(-offset.value())),
                }
            }
        }
        impl Add<X> for $t {
            type Output = Mem;
            /// `[self, index]`.
            #[inline]
            fn add(self, index: X) -> Mem {
                Mem::index(self, index)
            }
        }
        impl Add<(X, Shift)> for $t {
            type Output = Mem;
            /// `[self, index, lsl #n]`.
            #[inline]
            fn add(self, (index, s): (X, Shift)) -> Mem {
                Mem { base: self.base(), off: Off::Reg(index.reg(), None, Some(s)) }
            }
        }
        impl Add<(X, Extend)> for $t {
            type Output = Mem;
            /// `[self, index, sxtx #n]`.
            #[inline]
            fn add(self, (index, e): (X, Extend)) -> Mem {
                Mem { base: self.base(), off: Off::Reg(index.reg(), Some(e), None) }
            }
        }
        impl Add<(W, Extend)> for $t {
            type Output = Mem;
            /// `[self, index, uxtw/sxtw #n]`.
            #[inline]
            fn add(self, (index, e): (W, Extend)) -> Mem {
                Mem { base: self.base(), off: Off::Reg(index.reg(), Some(e), None) }
            }
        }
    )*};
}
mem_ops!(X, Sp);

impl Lower for Mem {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        let at = o.at();
        match self.operand(at) {
            Ok(m) => o.push(Operand::Mem(m)),
            Err(e) => {
                o.fail(e);
                o.push(Operand::Imm(0));
            }
        }
    }
}

impl Lower for Pre {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        o.push(Operand::Mem(operand::Mem::pre(self.base, self.off)))
    }
}

impl Lower for Post {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        o.push(Operand::Mem(operand::Mem {
            base: self.base,
            offset: match self.off {
                Ok(v) => MemOffset::Imm(v),
                Err(r) => MemOffset::Reg(r, None),
            },
            mode: MemMode::PostIndex,
        }))
    }
}

/// The builder's operand for the operand model's: a base that is `x0`–`xzr`
/// or `sp`, and a modifier that is a shift (`lsl`) or an extend.
#[inline]
fn from_model(m: operand::Mem) -> Option<(Reg, Off)> {
    if !matches!(m.base.class(), RegClass::X | RegClass::Sp) {
        return None;
    }
    let off = match m.offset {
        MemOffset::Imm(v) => Off::Imm(v),
        MemOffset::Reg(r, None) => Off::Reg(r, None, None),
        MemOffset::Reg(r, Some(md)) if md.kind.is_extend() => Off::Reg(
            r,
            Some(Extend::new(md.kind, md.amount.map(|a| a as i64))),
            None,
        ),
        MemOffset::Reg(r, Some(md)) => Off::Reg(
            r,
            None,
            Some(Shift::from_parts(md.kind, md.amount? as i128)),
        ),
    };
    Some((m.base, off))
}

impl TryFrom<operand::Mem> for Mem {
    type Error = operand::Mem;
    /// A memory operand of the operand model in offset mode.
    #[inline]
    fn try_from(m: operand::Mem) -> Result<Mem, operand::Mem> {
        match from_model(m) {
            Some((base, off)) if m.mode == MemMode::Offset => Ok(Mem { base, off }),
            _ => Err(m),
        }
    }
}

impl TryFrom<operand::Mem> for Pre {
    type Error = operand::Mem;
    /// A pre-indexed memory operand of the operand model.
    #[inline]
    fn try_from(m: operand::Mem) -> Result<Pre, operand::Mem> {
        match from_model(m) {
            Some((base, Off::Imm(off))) if m.mode == MemMode::PreIndex => Ok(Pre { base, off }),
            _ => Err(m),
        }
    }
}

impl TryFrom<operand::Mem> for Post {
    type Error = operand::Mem;
    /// A post-indexed memory operand of the operand model.
    #[inline]
    fn try_from(m: operand::Mem) -> Result<Post, operand::Mem> {
        let off = match from_model(m) {
            Some((_, Off::Imm(v))) => Ok(v),
            Some((_, Off::Reg(r, None, None))) => Err(r),
            _ => return Err(m),
        };
        if m.mode == MemMode::PostIndex {
            Ok(Post { base: m.base, off })
        } else {
            Err(m)
        }
    }
}

// ---------------------------------------------------------------------------
// Named operands.

impl Lower for Cond {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        o.push(Operand::Cond(self))
    }
}

/// A system register of `mrs`/`msr`: `op0:op1:CRn:CRm:op2`
/// (`SysReg::TPIDR_EL0`, `SysReg::named("fpcr")`, `SysReg::new(3, 3, 13, 0, 2)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SysReg(u16);

impl SysReg {
    /// `S<op0>_<op1>_C<crn>_C<crm>_<op2>`, if every field fits (`op0` 2 or 3,
    /// `op1` and `op2` 0–7, `crn` and `crm` 0–15).
    #[inline]
    pub const fn new(op0: u8, op1: u8, crn: u8, crm: u8, op2: u8) -> Option<SysReg> {
        if op0 < 2 || op0 > 3 || op1 > 7 || crn > 15 || crm > 15 || op2 > 7 {
            return None;
        }
        Some(SysReg(operand::sysreg(op0, op1, crn, crm, op2)))
    }

    /// A register by name (`tpidr_el0`, any case) or generic number
    /// (`s3_3_c13_c0_2`), as the text assembler reads it.
    #[inline]
    pub fn named(name: &str) -> Option<SysReg> {
        operand::system_register(name).map(SysReg)
    }

    /// The 16 bits `op0:op1:CRn:CRm:op2`.
    #[inline]
    pub const fn bits(self) -> u16 {
        self.0
    }
}

macro_rules! sysregs {
    ($($name:ident = $op0:literal $op1:literal $crn:literal $crm:literal $op2:literal;)*) => {
        impl SysReg {$(
            #[doc = concat!("`", stringify!($name), "`")]
            pub const $name: SysReg = SysReg(operand::sysreg($op0, $op1, $crn, $crm, $op2));
        )*}
    };
}
sysregs! {
    NZCV = 3 3 4 2 0;
    DAIF = 3 3 4 2 1;
    FPCR = 3 3 4 4 0;
    FPSR = 3 3 4 4 1;
    DCZID_EL0 = 3 3 0 0 7;
    CTR_EL0 = 3 3 0 0 1;
    TPIDR_EL0 = 3 3 13 0 2;
    TPIDRRO_EL0 = 3 3 13 0 3;
    CNTFRQ_EL0 = 3 3 14 0 0;
    CNTPCT_EL0 = 3 3 14 0 1;
    CNTVCT_EL0 = 3 3 14 0 2;
    CURRENTEL = 3 0 4 2 2;
    SPSEL = 3 0 4 2 0;
    SP_EL0 = 3 0 4 1 0;
    ELR_EL1 = 3 0 4 0 1;
    SPSR_EL1 = 3 0 4 0 0;
    MIDR_EL1 = 3 0 0 0 0;
    MPIDR_EL1 = 3 0 0 0 5;
    TPIDR_EL1 = 3 0 13 0 4;
    VBAR_EL1 = 3 0 12 0 0;
    SCTLR_EL1 = 3 0 1 0 0;
    ID_AA64ISAR0_EL1 = 3 0 0 6 0;
    ID_AA64PFR0_EL1 = 3 0 0 4 0;
    RNDR = 3 3 2 4 0;
    RNDRRS = 3 3 2 4 1;
}

impl Lower for SysReg {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        o.push(Operand::SysReg(self.0))
    }
}

macro_rules! named_value {
    ($(#[$doc:meta])* $name:ident($variant:ident, max $max:literal) by $lookup:ident {
        $($c:ident = $v:literal;)*
    }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name(u8);

        impl $name {
            $(
                #[doc = concat!("`", stringify!($c), "`")]
                pub const $c: $name = $name($v);
            )*

            /// The value `value` (a name or not), if the field holds it.
            #[inline]
            pub const fn new(value: u8) -> Option<$name> {
                if value <= $max {
                    Some($name(value))
                } else {
                    None
                }
            }

            /// By name (any case), as the text assembler reads it.
            #[inline]
            pub fn named(name: &str) -> Option<$name> {
                operand::$lookup(name).map($name)
            }

            /// The value of the field.
            #[inline]
            pub const fn value(self) -> u8 {
                self.0
            }
        }

        impl Lower for $name {
            #[inline]
            fn lower(self, o: &mut Ops<'_>) {
                o.push(Operand::$variant(self.0))
            }
        }
    };
}

named_value! {
    /// A barrier option of `dmb`/`dsb`/`isb` (an integer 0–15 is taken too).
    Barrier(Barrier, max 15) by barrier_option {
        OSHLD = 1; OSHST = 2; OSH = 3; NSHLD = 5; NSHST = 6; NSH = 7; ISHLD = 9; ISHST = 10;
        ISH = 11; LD = 13; ST = 14; SY = 15;
    }
}

named_value! {
    /// A prefetch operation of `prfm`/`prfum` (an integer 0–31 is taken too).
    Prefetch(Prefetch, max 31) by prefetch_op {
        PLDL1KEEP = 0; PLDL1STRM = 1; PLDL2KEEP = 2; PLDL2STRM = 3; PLDL3KEEP = 4;
        PLDL3STRM = 5; PLIL1KEEP = 8; PLIL1STRM = 9; PLIL2KEEP = 10; PLIL2STRM = 11;
        PLIL3KEEP = 12; PLIL3STRM = 13; PSTL1KEEP = 16; PSTL1STRM = 17; PSTL2KEEP = 18;
        PSTL2STRM = 19; PSTL3KEEP = 20; PSTL3STRM = 21;
    }
}

named_value! {
    /// A PSTATE field of `msr` (immediate), `op1 << 3 | op2`.
    PState(PState, max 63) by pstate_field {
        SPSEL = 0o05; DAIFSET = 0o36; DAIFCLR = 0o37; UAO = 0o03; PAN = 0o04; DIT = 0o32;
        SSBS = 0o31; TCO = 0o34;
    }
}

/// A system control register name `c0`–`c15` of `sys`/`sysl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CReg(u8);

impl CReg {
    /// `cnum`, if `num` is at most 15.
    #[inline]
    pub const fn new(num: u8) -> Option<CReg> {
        if num <= 15 {
            Some(CReg(num))
        } else {
            None
        }
    }

    /// The number.
    #[inline]
    pub const fn num(self) -> u8 {
        self.0
    }
}

impl Lower for CReg {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        o.push(Operand::CReg(self.0))
    }
}

/// The targets of `bti`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bti {
    /// `bti c`: indirect calls.
    C,
    /// `bti j`: indirect jumps.
    J,
    /// `bti jc`: both.
    Jc,
}

impl Lower for Bti {
    #[inline]
    fn lower(self, o: &mut Ops<'_>) {
        o.push(Operand::Symbol(match self {
            Bti::C => "c",
            Bti::J => "j",
            Bti::Jc => "jc",
        }))
    }
}

/// The register part of a [`operand::SysOp`]'s doc line.
macro_rules! xt {
    (true) => {
        ", <Xt>"
    };
    (false) => {
        ""
    };
}

/// The typed operations of `dc`, `ic`, `at` and `tlbi` ([`DcOp`],
/// [`IcOp`], [`AtOp`], [`TlbiOp`]), from the list [`operand::SYS_OPS`] is
/// made from.
macro_rules! sys_op_types {
    ($($m:ident $t:ident $doc:literal {
        $($c:ident $n:ident $op1:literal $crn:literal $crm:literal $op2:literal $reg:tt;)*
    })*) => {$(
        #[doc = $doc]
        #[doc = ""]
        #[doc = concat!(
            "Emitted by the builder's `", stringify!($m), "` methods, with the register \
             for an operation that takes one (`b.", stringify!($m), "(", stringify!($t),
            "::…, x0)`) and alone for one that does not (only `ic` and `tlbi` have such \
             operations: `b.ic_1(IcOp::IALLU)`, `b.tlbi_1(TlbiOp::VMALLE1IS)`); the other way \
             round is an error ([`EncodeError::OperationRegister`]). Each constant is the \
             `sys` instruction its doc line shows, as the text assembler reads its name."
        )]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $t(&'static operand::SysOp);

        impl $t {
            $(
                #[doc = concat!(
                    "`", stringify!($m), " ", stringify!($n), xt!($reg), "`: `sys #",
                    stringify!($op1), ", c", stringify!($crn), ", c", stringify!($crm), ", #",
                    stringify!($op2), xt!($reg), "`"
                )]
                pub const $c: $t = $t(&operand::SysOp {
                    mnemonic: stringify!($m),
                    name: stringify!($n),
                    op1: $op1,
                    crn: $crn,
                    crm: $crm,
                    op2: $op2,
                    reg: $reg,
                });
            )*

            /// By name (any case), as the text assembler reads it.
            #[inline]
            pub fn named(name: &str) -> Option<$t> {
                operand::sys_op(stringify!($m), name).map($t)
            }

            /// The operation: its name, `sys` fields and whether it takes a
            /// register.
            #[inline]
            pub const fn op(self) -> &'static operand::SysOp {
                self.0
            }

            /// The name (`civac`).
            #[inline]
            pub const fn name(self) -> &'static str {
                self.0.name
            }
        }

        impl Lower for $t {
            #[inline]
            fn lower(self, o: &mut Ops<'_>) {
                o.push(Operand::Symbol(self.0.name))
            }
        }
    )*};
}
operand::sys_ops!(sys_op_types);

/// Typed register constants: `x0: X`, `w0: W`, `sp: Sp`, `s0: S`, `v0: V`,
/// `c0: CReg`….
#[allow(non_upper_case_globals, missing_docs)]
pub mod regs {
    use super::*;

    macro_rules! consts {
        ($t:ident: $($name:ident = $n:literal),* $(,)?) => {$(
            pub const $name: $t = $t($n);
        )*};
    }
    consts!(X: x0 = 0, x1 = 1, x2 = 2, x3 = 3, x4 = 4, x5 = 5, x6 = 6, x7 = 7, x8 = 8, x9 = 9,
        x10 = 10, x11 = 11, x12 = 12, x13 = 13, x14 = 14, x15 = 15, x16 = 16, x17 = 17, x18 = 18,
        x19 = 19, x20 = 20, x21 = 21, x22 = 22, x23 = 23, x24 = 24, x25 = 25, x26 = 26, x27 = 27,
        x28 = 28, x29 = 29, x30 = 30, xzr = 31, fp = 29, lr = 30);
    consts!(W: w0 = 0, w1 = 1, w2 = 2, w3 = 3, w4 = 4, w5 = 5, w6 = 6, w7 = 7, w8 = 8, w9 = 9,
        w10 = 10, w11 = 11, w12 = 12, w13 = 13, w14 = 14, w15 = 15, w16 = 16, w17 = 17, w18 = 18,
        w19 = 19, w20 = 20, w21 = 21, w22 = 22, w23 = 23, w24 = 24, w25 = 25, w26 = 26, w27 = 27,
        w28 = 28, w29 = 29, w30 = 30, wzr = 31);
    consts!(Sp: sp = 31);
    consts!(Wsp: wsp = 31);

    macro_rules! banks {
        ($($t:ident: $($name:ident),*;)*) => {$(
            banks!(@one $t 0u8; $($name),*);
        )*};
        (@one $t:ident $n:expr; $name:ident $(, $rest:ident)*) => {
            pub const $name: $t = $t($n);
            banks!(@one $t $n + 1; $($rest),*);
        };
        (@one $t:ident $n:expr;) => {};
    }
    banks! {
        B: b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18,
            b19, b20, b21, b22, b23, b24, b25, b26, b27, b28, b29, b30, b31;
        H: h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15, h16, h17, h18,
            h19, h20, h21, h22, h23, h24, h25, h26, h27, h28, h29, h30, h31;
        S: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16, s17, s18,
            s19, s20, s21, s22, s23, s24, s25, s26, s27, s28, s29, s30, s31;
        D: d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, d13, d14, d15, d16, d17, d18,
            d19, d20, d21, d22, d23, d24, d25, d26, d27, d28, d29, d30, d31;
        Q: q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, q16, q17, q18,
            q19, q20, q21, q22, q23, q24, q25, q26, q27, q28, q29, q30, q31;
        V: v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18,
            v19, v20, v21, v22, v23, v24, v25, v26, v27, v28, v29, v30, v31;
        CReg: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15;
    }
}
