//! The typed builder: one method per mnemonic, generated from the form table.
//!
//! ```
//! use jitasm_x64::builder::{prelude::*, regs::*, ptr, dword_ptr, short, Builder};
//! use jitasm_x64::Mode;
//! use jitasm_runtime::{isa::X64, LabelApi, VecAssembler};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut asm = VecAssembler::<X64>::new(0);
//! let mut b = Builder::new(&mut asm, Mode::Long);
//! let top = b.new_dynamic_label();
//! b.mov(eax, 42)?;                                   // b8 2a 00 00 00
//! b.define_dynamic(top)?;
//! b.add(rax, ptr(rbx + rcx * 4 + 16))?;              // 48 03 44 8b 10
//! b.vaddps(zmm1.k(k1).z(), zmm2, dword_ptr(rax).bcst(16))?; // {k1}{z}, {1to16}
//! b.dec(ecx)?;
//! b.jne(short(top))?;                                // rel8 back to `top`
//! b.ret()?;
//! // Operand classes are checked by the type system (`b.add(rax, xmm0)` does
//! // not compile); values at run time:
//! assert!(b.add(eax, 1i64 << 40).is_err());
//! let code = asm.finalize()?;
//! assert_eq!(&code[..10], &[0xb8, 42, 0, 0, 0, 0x48, 0x03, 0x44, 0x8b, 0x10]);
//! # Ok(()) }
//! ```
//!
//! Each mnemonic has one trait per operand count (`Add2<A, B>` with method
//! `add`), implemented for every combination of argument types the table has;
//! `use builder::prelude::*` brings them all into scope. A mnemonic with
//! several operand counts has its smallest under its own name and the others
//! with a suffix (`imul(rcx)`, `imul_2(rax, rcx)`, `imul_3(rax, rcx, 10)`).
//! Each call chooses among the forms its argument types can match (listed
//! when the builder is generated) with the rules of
//! [`crate::encode::select_among`], so the encoding is the one
//! [`crate::select`] gives, the one the text assembler and the macro choose
//! for the same operands. In 64-bit mode without prefixes, the common forms
//! go through a fast path that the compiler specializes at each call site
//! (the forms are constants there; see [`mod@crate::encode`]), and everything
//! else through `select_among` itself.
//!
//! Argument types: [`Gpb`] [`Gpw`] [`Gpd`] [`Gpq`] [`Seg`] [`Cr`] [`Dr`]
//! [`Tr`] [`Bnd`] [`St`] [`Mm`] [`Xmm`] [`Ymm`] [`Zmm`] [`K`] [`Tmm`],
//! memory [`Mem`] (built with `+` `-` `*` on registers and the `*_ptr`
//! functions), immediates (any integer: see [`IntoImm`]), labels
//! ([`DynamicLabel`], [`LabelRef`]) and far pointers ([`Far`]). Vector
//! registers carry AVX-512 decorations: `zmm1.k(k2).z()`, `zmm3.rz_sae()`,
//! `zmm3.sae()`.

use crate::encode::{select_among, FastForms, Operands};
use crate::error::EncodeError;
use crate::operand::{
    Decorations, Imm, Instruction, Mem, Mnemonic, Mode, Operand, Prefixes, Rounding,
};
use crate::reg::{Reg, RegClass};
use crate::table::FORMS;
use core::ops::{Add, Mul, Sub};
use jitasm_core::{CodeSink, DynamicLabel, LabelRef};

/// The candidate lists of the builder's impls: (mnemonic, forms, whether
/// the impl has the fast path), each distinct list once. For the tests.
#[doc(hidden)]
pub fn candidates() -> impl Iterator<Item = (u16, &'static [u16], bool)> {
    use crate::generated::builder::{CANDIDATES, CANDIDATE_FORMS};
    CANDIDATES.iter().map(|&(m, start, n, fast)| {
        let start = start as usize;
        (m, &CANDIDATE_FORMS[start..start + n as usize], fast)
    })
}

/// Every builder trait (one per mnemonic and operand count) and
/// [`ConditionAliases`]: `use jitasm_x64::builder::prelude::*`.
pub mod prelude {
    pub use super::ConditionAliases;
    pub use crate::generated::builder::prelude::*;
}

macro_rules! condition_alias_methods {
    ($($from:ident => $to:ident: $($m:ident $t:ident $tr:ident),*;)*) => {
        condition_alias_methods!(@methods $($($m $t $tr)*)*);
    };
    (@methods $($j:ident $jt:ident $jtr:ident $set:ident $sett:ident $settr:ident $cmov:ident $cmovt:ident $cmovtr:ident)*) => {
        /// The condition-code synonyms of `jcc`, `setcc` and `cmovcc` as
        /// methods (`b.jz(label)` is `b.je(label)`, `b.cmovnae(rax, rcx)` is
        /// `b.cmovb(rax, rcx)`): the same instructions, as in the manuals.
        /// In the [`prelude`](crate::builder::prelude) too.
        pub trait ConditionAliases {
            $(
                #[doc = concat!("`", stringify!($j), "`: the same as `", stringify!($jt), "`.")]
                fn $j<T>(&mut self, target: T) -> Result<(), EncodeError>
                where
                    Self: prelude::$jtr<T>,
                {
                    <Self as prelude::$jtr<T>>::$jt(self, target)
                }
                #[doc = concat!("`", stringify!($set), "`: the same as `", stringify!($sett), "`.")]
                fn $set<T>(&mut self, dst: T) -> Result<(), EncodeError>
                where
                    Self: prelude::$settr<T>,
                {
                    <Self as prelude::$settr<T>>::$sett(self, dst)
                }
                #[doc = concat!("`", stringify!($cmov), "`: the same as `", stringify!($cmovt), "`.")]
                fn $cmov<A, B>(&mut self, dst: A, src: B) -> Result<(), EncodeError>
                where
                    Self: prelude::$cmovtr<A, B>,
                {
                    <Self as prelude::$cmovtr<A, B>>::$cmovt(self, dst, src)
                }
            )*
        }
    };
}
crate::operand::with_condition_aliases!(condition_alias_methods);

impl<S: ?Sized> ConditionAliases for Builder<'_, S> {}

/// Emits instructions into a [`CodeSink`] (an `Assembler`, a
/// `VecAssembler`…) it borrows. Derefs to the sink, so labels are defined on
/// it as usual.
pub struct Builder<'s, S: ?Sized> {
    sink: &'s mut S,
    mode: Mode,
    prefixes: Prefixes,
}

impl<'s, S: CodeSink + ?Sized> Builder<'s, S> {
    /// A builder emitting `mode` code into `sink`.
    pub fn new(sink: &'s mut S, mode: Mode) -> Self {
        Builder {
            sink,
            mode,
            prefixes: Prefixes::NONE,
        }
    }

    /// The sink.
    pub fn into_inner(self) -> &'s mut S {
        self.sink
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Puts prefixes (`lock`, `rep`, `{evex}`…) on the next instruction only.
    pub fn prefix(&mut self, p: Prefixes) -> &mut Self {
        self.prefixes = self.prefixes.with(p);
        self
    }

    /// Emits mnemonic number `mnemonic` with `args`, choosing among the
    /// forms `forms` (indices into [`crate::table::FORMS`] whose operand kinds
    /// take the argument types). The generated methods all come here.
    #[doc(hidden)]
    pub fn emit(
        &mut self,
        mnemonic: u16,
        forms: &[u16],
        args: &mut [Arg<'_>],
    ) -> Result<(), EncodeError> {
        let mut ops = [Operand::Imm(Imm { value: 0, size: 0 }); 5];
        let mut dec = Decorations::NONE;
        for (i, a) in args.iter().enumerate() {
            ops[i] = a.op;
            a.deco.apply(&mut dec);
        }
        let inst = Instruction {
            mnemonic: Mnemonic(mnemonic),
            operands: &ops[..args.len()],
            decorations: dec,
            prefixes: core::mem::take(&mut self.prefixes),
        };
        let (_, enc) = select_among(self.mode, &inst, forms.iter().map(|&i| &FORMS[i as usize]))?;
        enc.emit(self.sink);
        Ok(())
    }

    /// [`Builder::emit`] with a fast path: `consts` are copies of the
    /// candidate forms as `const` items, so that when this is inlined into
    /// the caller every property of the forms is known while compiling and
    /// only the checks of the operand values are left
    /// ([`crate::encode::select_fast`]); the arguments come as a tuple, so
    /// that their kinds are known too. In 64-bit mode, without prefixes,
    /// for the forms that path lays out; anything else (and every error)
    /// goes through [`Builder::emit`]. (Inlined only in optimized builds: a
    /// debug build calls it.)
    #[doc(hidden)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn emit_fast<'a, A: Args<'a>, F: FastForms>(
        &mut self,
        mnemonic: u16,
        forms: &[u16],
        consts: &F,
        args: A,
    ) -> Result<(), EncodeError> {
        if self.mode == Mode::Long && self.prefixes.0 == 0 {
            if let Some(enc) = consts.select(&args, args.decorations()) {
                // No label on this path: the bytes are the instruction.
                enc.emit(self.sink);
                return Ok(());
            }
        }
        let (mut all, n) = args.to_array();
        self.emit_slow(mnemonic, forms, &mut all[..n])
    }

    #[inline(never)]
    fn emit_slow(
        &mut self,
        mnemonic: u16,
        forms: &[u16],
        args: &mut [Arg<'_>],
    ) -> Result<(), EncodeError> {
        self.emit(mnemonic, forms, args)
    }
}

impl<S: ?Sized> core::ops::Deref for Builder<'_, S> {
    type Target = S;
    fn deref(&self) -> &S {
        self.sink
    }
}

impl<S: ?Sized> core::ops::DerefMut for Builder<'_, S> {
    fn deref_mut(&mut self) -> &mut S {
        self.sink
    }
}

/// AVX-512 decorations carried by a vector register argument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Deco {
    mask: u8,
    zeroing: bool,
    /// 0 none, 1–4 rounding mode + 1, 5 SAE.
    rc: u8,
}

impl Deco {
    const NONE: Deco = Deco {
        mask: 0,
        zeroing: false,
        rc: 0,
    };

    fn apply(self, d: &mut Decorations) {
        if self.mask != 0 {
            d.mask = Reg::new(RegClass::K, self.mask);
        }
        d.zeroing |= self.zeroing;
        match self.rc {
            1 => d.rounding = Some(Rounding::Nearest),
            2 => d.rounding = Some(Rounding::Down),
            3 => d.rounding = Some(Rounding::Up),
            4 => d.rounding = Some(Rounding::Zero),
            5 => d.sae = true,
            _ => {}
        }
        if d.rounding.is_some() {
            d.sae = true;
        }
    }
}

/// One argument of a builder call, lowered.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Arg<'a> {
    op: Operand<'a>,
    deco: Deco,
}

/// The arguments of a builder call as a tuple of [`Arg`]s, for
/// [`Builder::emit_fast`].
#[doc(hidden)]
pub trait Args<'a>: Operands<'a> + Copy {
    /// The decorations of the arguments.
    fn decorations(&self) -> Decorations;
    /// The arguments as an array, and how many.
    fn to_array(&self) -> ([Arg<'a>; 5], usize);
}

/// Stands for an operand past the last (never asked for).
const NO_OPERAND: Operand<'static> = Operand::Imm(Imm { value: 0, size: 0 });

macro_rules! args_tuple {
    ($n:literal: $($i:tt)*) => {
        impl<'a> Operands<'a> for ($(args_tuple!(@arg $i),)*) {
            type Op<'s> = Operand<'a> where Self: 's;
            #[inline(always)]
            fn count(&self) -> usize {
                $n
            }
            #[inline(always)]
            #[allow(unused_variables)]
            fn op(&self, i: usize) -> Operand<'a> {
                match i {
                    $($i => self.$i.op,)*
                    _ => NO_OPERAND,
                }
            }
        }
        impl<'a> Args<'a> for ($(args_tuple!(@arg $i),)*) {
            #[inline(always)]
            fn decorations(&self) -> Decorations {
                #[allow(unused_mut)]
                let mut d = Decorations::NONE;
                $(if self.$i.deco != Deco::NONE {
                    self.$i.deco.apply(&mut d);
                })*
                d
            }
            #[inline]
            fn to_array(&self) -> ([Arg<'a>; 5], usize) {
                let none = Arg { op: Operand::Imm(Imm { value: 0, size: 0 }), deco: Deco::NONE };
                #[allow(unused_mut)]
                let mut all = [none; 5];
                $(all[$i] = self.$i;)*
                (all, $n)
            }
        }
    };
    (@arg $i:tt) => { Arg<'a> };
}
args_tuple!(0:);
args_tuple!(1: 0);
args_tuple!(2: 0 1);
args_tuple!(3: 0 1 2);
args_tuple!(4: 0 1 2 3);
args_tuple!(5: 0 1 2 3 4);

impl<'a> Arg<'a> {
    /// An argument without decorations (for the tests of the fast path).
    #[doc(hidden)]
    pub const fn from_operand(op: Operand<'a>) -> Self {
        Arg {
            op,
            deco: Deco::NONE,
        }
    }
}

/// Lowers a builder argument.
pub trait IntoOperand<'a> {
    /// The operand and its decorations.
    #[doc(hidden)]
    fn into_operand(self) -> Arg<'a>;
}

macro_rules! reg_type {
    ($($(#[$doc:meta])* $name:ident = $class:ident $(| $alt:ident)?;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name(Reg);

        impl $name {
            /// The register `num` of this class, if it exists.
            pub const fn new(num: u8) -> Option<Self> {
                match Reg::new(RegClass::$class, num) {
                    Some(r) => Some($name(r)),
                    None => None,
                }
            }
            /// The register.
            pub const fn reg(self) -> Reg {
                self.0
            }
            /// Wraps a register of this class (for the typed constants,
            /// which not every class has yet).
            #[allow(dead_code)]
            const fn raw(r: Reg) -> Self {
                $name(r)
            }
        }

        impl TryFrom<Reg> for $name {
            type Error = Reg;
            fn try_from(r: Reg) -> Result<Self, Reg> {
                if r.class() == RegClass::$class $(|| r.class() == RegClass::$alt)? {
                    Ok($name(r))
                } else {
                    Err(r)
                }
            }
        }

        impl From<$name> for Reg {
            fn from(r: $name) -> Reg {
                r.0
            }
        }

        impl<'a> IntoOperand<'a> for $name {
            #[inline]
            fn into_operand(self) -> Arg<'a> {
                Arg { op: Operand::Reg(self.0), deco: Deco::default() }
            }
        }
    )*};
}

reg_type! {
    /// An 8-bit general-purpose register (`al`…`r15b`, `ah`…`bh`).
    Gpb = Gp8 | Gp8High;
    /// A 16-bit general-purpose register.
    Gpw = Gp16;
    /// A 32-bit general-purpose register.
    Gpd = Gp32;
    /// A 64-bit general-purpose register.
    Gpq = Gp64;
    /// A segment register.
    Seg = Seg;
    /// A control register.
    Cr = Cr;
    /// A debug register.
    Dr = Dr;
    /// A test register (x86-32).
    Tr = Tr;
    /// An MPX bound register.
    Bnd = Bnd;
    /// An x87 register `st(i)`.
    St = St;
    /// An MMX register.
    Mm = Mm;
    /// An opmask register.
    K = K;
    /// An AMX tile register.
    Tmm = Tmm;
}

macro_rules! vec_type {
    ($($(#[$doc:meta])* $name:ident = $class:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name(Reg, Deco);

        impl $name {
            /// The register `num` (0–31) of this class, if it exists.
            pub const fn new(num: u8) -> Option<Self> {
                match Reg::new(RegClass::$class, num) {
                    Some(r) => Some($name(r, Deco::NONE)),
                    None => None,
                }
            }
            /// The register.
            pub const fn reg(self) -> Reg {
                self.0
            }
            /// Wraps a register of this class (for the typed constants).
            const fn raw(r: Reg) -> Self {
                $name(r, Deco::NONE)
            }
            /// With write mask `{k}` (as a destination).
            pub const fn k(self, k: K) -> Self {
                $name(self.0, Deco { mask: k.0.num(), ..self.1 })
            }
            /// With zeroing-masking `{z}`.
            pub const fn z(self) -> Self {
                $name(self.0, Deco { zeroing: true, ..self.1 })
            }
            /// With embedded rounding to nearest `{rn-sae}`.
            pub const fn rn_sae(self) -> Self {
                $name(self.0, Deco { rc: 1, ..self.1 })
            }
            /// With embedded rounding down `{rd-sae}`.
            pub const fn rd_sae(self) -> Self {
                $name(self.0, Deco { rc: 2, ..self.1 })
            }
            /// With embedded rounding up `{ru-sae}`.
            pub const fn ru_sae(self) -> Self {
                $name(self.0, Deco { rc: 3, ..self.1 })
            }
            /// With embedded rounding toward zero `{rz-sae}`.
            pub const fn rz_sae(self) -> Self {
                $name(self.0, Deco { rc: 4, ..self.1 })
            }
            /// With suppress-all-exceptions `{sae}`.
            pub const fn sae(self) -> Self {
                $name(self.0, Deco { rc: 5, ..self.1 })
            }
        }

        impl TryFrom<Reg> for $name {
            type Error = Reg;
            fn try_from(r: Reg) -> Result<Self, Reg> {
                if r.class() == RegClass::$class {
                    Ok($name(r, Deco::default()))
                } else {
                    Err(r)
                }
            }
        }

        impl From<$name> for Reg {
            fn from(r: $name) -> Reg {
                r.0
            }
        }

        impl<'a> IntoOperand<'a> for $name {
            #[inline]
            fn into_operand(self) -> Arg<'a> {
                Arg { op: Operand::Reg(self.0), deco: self.1 }
            }
        }

        impl Mul<u8> for $name {
            type Output = Index;
            /// A VSIB index: `rax + zmm1 * 4`.
            fn mul(self, scale: u8) -> Index {
                Index(self.0, scale)
            }
        }
    )*};
}

vec_type! {
    /// An XMM register (`xmm0`–`xmm31`).
    Xmm = Xmm;
    /// A YMM register.
    Ymm = Ymm;
    /// A ZMM register.
    Zmm = Zmm;
}

impl<'a> IntoOperand<'a> for Mem<'a> {
    #[inline]
    fn into_operand(self) -> Arg<'a> {
        Arg {
            op: Operand::Mem(self),
            deco: Deco::default(),
        }
    }
}

/// A far pointer `selector:offset` (x86-32 `jmp`/`call`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Far(pub u16, pub u32);

impl<'a> IntoOperand<'a> for Far {
    fn into_operand(self) -> Arg<'a> {
        Arg {
            op: Operand::Far(self.0, self.1),
            deco: Deco::default(),
        }
    }
}

/// Integers usable as immediates. Values are checked against the chosen
/// form's field when encoding; `u64` values above `i64::MAX` are their
/// two's-complement bit pattern (`mov rax, u64::MAX`).
pub trait IntoImm {
    /// The value.
    fn imm(self) -> i64;
}

macro_rules! into_imm {
    ($($t:ty),*) => {$(
        impl IntoImm for $t {
            #[inline]
            fn imm(self) -> i64 {
                self as i64
            }
        }
    )*};
}
into_imm!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize);

impl<'a, T: IntoImm> IntoOperand<'a> for T {
    #[inline]
    fn into_operand(self) -> Arg<'a> {
        Arg {
            op: Operand::Imm(Imm {
                value: self.imm(),
                size: 0,
            }),
            deco: Deco::default(),
        }
    }
}

/// A branch target: a [`DynamicLabel`] or any [`LabelRef`]; `rel8(label)`
/// asks for the short form.
pub trait IntoLabel<'a>: IntoOperand<'a> {}

/// A label reference with a displacement-size hint (see [`short`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target<'a>(LabelRef<'a>, u8);

/// The short (`rel8`) form of a branch to `label`; without it branches take
/// `rel32` (jitasm does not relax branches).
pub fn short<'a>(label: impl Into<LabelRef<'a>>) -> Target<'a> {
    Target(label.into(), 1)
}

impl<'a> IntoOperand<'a> for LabelRef<'a> {
    fn into_operand(self) -> Arg<'a> {
        Arg {
            op: Operand::Label(self, 0),
            deco: Deco::default(),
        }
    }
}
impl<'a> IntoLabel<'a> for LabelRef<'a> {}

impl<'a> IntoOperand<'a> for DynamicLabel {
    fn into_operand(self) -> Arg<'a> {
        Arg {
            op: Operand::Label(self.into(), 0),
            deco: Deco::default(),
        }
    }
}
impl<'a> IntoLabel<'a> for DynamicLabel {}

impl<'a> IntoOperand<'a> for Target<'a> {
    fn into_operand(self) -> Arg<'a> {
        Arg {
            op: Operand::Label(self.0, self.1),
            deco: Deco::default(),
        }
    }
}
impl<'a> IntoLabel<'a> for Target<'a> {}

// ---------------------------------------------------------------------------
// Memory operands from operators: `rbx + rcx * 4 + 16`.

/// An index register with its scale (`rcx * 4`, `zmm1 * 8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Index(Reg, u8);

macro_rules! addr_ops {
    ($($t:ident),*) => {$(
        impl Mul<u8> for $t {
            type Output = Index;
            fn mul(self, scale: u8) -> Index {
                Index(self.0, scale)
            }
        }
        impl Add<i32> for $t {
            type Output = Mem<'static>;
            fn add(self, d: i32) -> Mem<'static> {
                Mem::base(self.0).disp(d as i64)
            }
        }
        impl Sub<i32> for $t {
            type Output = Mem<'static>;
            fn sub(self, d: i32) -> Mem<'static> {
                Mem::base(self.0).disp(-(d as i64))
            }
        }
        impl Add<$t> for $t {
            type Output = Mem<'static>;
            fn add(self, i: $t) -> Mem<'static> {
                Mem::base(self.0).index(i.0, 1)
            }
        }
        impl Add<Index> for $t {
            type Output = Mem<'static>;
            fn add(self, i: Index) -> Mem<'static> {
                Mem::base(self.0).index(i.0, i.1)
            }
        }
        impl From<$t> for Mem<'static> {
            fn from(r: $t) -> Mem<'static> {
                Mem::base(r.0)
            }
        }
    )*};
}
addr_ops!(Gpq, Gpd, Gpw);

impl Add<i32> for Index {
    type Output = Mem<'static>;
    fn add(self, d: i32) -> Mem<'static> {
        Mem::EMPTY.index(self.0, self.1).disp(d as i64)
    }
}

impl From<Index> for Mem<'static> {
    fn from(i: Index) -> Mem<'static> {
        Mem::EMPTY.index(i.0, i.1)
    }
}

impl<'a> Add<i32> for Mem<'a> {
    type Output = Mem<'a>;
    fn add(self, d: i32) -> Mem<'a> {
        self.disp(d as i64)
    }
}

impl<'a> Sub<i32> for Mem<'a> {
    type Output = Mem<'a>;
    fn sub(self, d: i32) -> Mem<'a> {
        self.disp(-(d as i64))
    }
}

impl<'a> Add<Index> for Mem<'a> {
    type Output = Mem<'a>;
    fn add(self, i: Index) -> Mem<'a> {
        self.index(i.0, i.1)
    }
}

/// `[rip + label]`.
pub fn rip<'a>(label: impl Into<LabelRef<'a>>) -> Mem<'a> {
    Mem::rip(label.into())
}

/// A memory operand whose size the other operands give (`ptr(rax + 8)`).
pub fn ptr<'a>(m: impl Into<Mem<'a>>) -> Mem<'a> {
    m.into()
}

macro_rules! sized_ptr {
    ($($(#[$doc:meta])* $name:ident = $size:expr;)*) => {$(
        $(#[$doc])*
        pub fn $name<'a>(m: impl Into<Mem<'a>>) -> Mem<'a> {
            m.into().sized($size)
        }
    )*};
}

sized_ptr! {
    /// A 1-byte memory operand.
    byte_ptr = 1;
    /// A 2-byte memory operand.
    word_ptr = 2;
    /// A 4-byte memory operand.
    dword_ptr = 4;
    /// A 6-byte memory operand (far pointer `m16:32`).
    fword_ptr = 6;
    /// An 8-byte memory operand.
    qword_ptr = 8;
    /// A 10-byte memory operand (x87 `m80`).
    tword_ptr = 10;
    /// A 16-byte memory operand.
    xmmword_ptr = 16;
    /// A 32-byte memory operand.
    ymmword_ptr = 32;
    /// A 64-byte memory operand.
    zmmword_ptr = 64;
}

/// Typed register constants: `rax: Gpq`, `xmm0: Xmm`, `k1: K`….
#[allow(non_upper_case_globals, missing_docs)]
pub mod regs {
    use super::*;
    use crate::reg::regs as r;

    macro_rules! typed {
        ($t:ident: $($name:ident),* $(,)?) => {$(
            pub const $name: $t = $t::raw(r::$name);
        )*};
    }
    typed!(Gpq: rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15);
    typed!(Gpd: eax, ecx, edx, ebx, esp, ebp, esi, edi, r8d, r9d, r10d, r11d, r12d, r13d, r14d, r15d);
    typed!(Gpw: ax, cx, dx, bx, sp, bp, si, di, r8w, r9w, r10w, r11w, r12w, r13w, r14w, r15w);
    typed!(Gpb: al, cl, dl, bl, spl, bpl, sil, dil, r8b, r9b, r10b, r11b, r12b, r13b, r14b, r15b, ah, ch, dh, bh);
    typed!(Seg: es, cs, ss, ds, fs, gs);
    typed!(K: k0, k1, k2, k3, k4, k5, k6, k7);
    typed!(Xmm: xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
        xmm16, xmm17, xmm18, xmm19, xmm20, xmm21, xmm22, xmm23, xmm24, xmm25, xmm26, xmm27, xmm28, xmm29, xmm30, xmm31);
    typed!(Ymm: ymm0, ymm1, ymm2, ymm3, ymm4, ymm5, ymm6, ymm7, ymm8, ymm9, ymm10, ymm11, ymm12, ymm13, ymm14, ymm15,
        ymm16, ymm17, ymm18, ymm19, ymm20, ymm21, ymm22, ymm23, ymm24, ymm25, ymm26, ymm27, ymm28, ymm29, ymm30, ymm31);
    typed!(Zmm: zmm0, zmm1, zmm2, zmm3, zmm4, zmm5, zmm6, zmm7, zmm8, zmm9, zmm10, zmm11, zmm12, zmm13, zmm14, zmm15,
        zmm16, zmm17, zmm18, zmm19, zmm20, zmm21, zmm22, zmm23, zmm24, zmm25, zmm26, zmm27, zmm28, zmm29, zmm30, zmm31);

    /// `st(i)`.
    pub const fn st(i: u8) -> St {
        match St::new(i) {
            Some(s) => s,
            None => panic!("st(i) takes 0..=7"),
        }
    }
}
