//! The AArch64 procedure call standard (**AAPCS64**): calls into native
//! functions and stack frames, emitted with the AArch64 encoder
//! ([`crate::a64`]) into any [`CodeSink`] — an [`Assembler`](crate::Assembler)
//! or [`VecAssembler`](crate::VecAssembler) that `dynasm!(ops ; .arch aarch64 ;
//! …)` or the text assembler also write into, so the helpers interleave with
//! code from either.
//!
//! * [`Call`] emits a call to an absolute address, a label or a register with
//!   a list of [`Arg`]s (64-bit and 32-bit integers/pointers, `f64`, `f32`)
//!   taken from general registers, SIMD&FP registers, immediates or memory.
//!   It puts every argument where the convention wants it (`x0`–`x7`,
//!   `v0`–`v7`, then the stack) without clobbering a source before it is
//!   read, keeps `sp` 16-byte aligned throughout, saves and restores the
//!   registers asked for, and can move the result out of `x0`/`v0`.
//! * [`Frame`] emits a prologue (`stp x29, x30, [sp, #-N]!; mov x29, sp`,
//!   stores of the callee-saved registers asked for, room for locals) and
//!   the matching epilogue, and addresses the locals from `x29`.
//!
//! ```
//! use jitasm::a64::regs::*;
//! use jitasm::abi::aarch64::{Arg, CallConv, Frame};
//! use jitasm::{dynasm, isa::Aarch64, Assembler};
//!
//! extern "C" fn mul_add(a: u64, b: f64, c: u64) -> u64 {
//!     a * b as u64 + c
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut ops = Assembler::<Aarch64>::new()?;
//! let entry = ops.offset();
//! // extern "C" fn(x: u64) -> u64 { mul_add(x, 2.5, x) + 1 }
//! let frame = Frame::new(CallConv::host()).save(&[X19]);
//! frame.prologue(&mut ops)?;
//! dynasm!(ops ; .arch aarch64 ; mov x19, x0);
//! frame
//!     .call(mul_add as *const () as u64)
//!     .arg(Arg::Int(X19.into()))
//!     .arg(Arg::f64_imm(2.5))
//!     .arg(Arg::Int(X19.into()))
//!     .emit(&mut ops)?;
//! dynasm!(ops ; .arch aarch64 ; add x0, x0, #1);
//! frame.ret(&mut ops)?;
//! let code = ops.finalize()?;
//! # #[cfg(target_arch = "aarch64")] {
//! // SAFETY: the code above is a complete AAPCS64 function of this type.
//! let f = unsafe { code.func::<extern "C" fn(u64) -> u64>(entry)? };
//! assert_eq!(f(4), 4 * 2 + 4 + 1);
//! # }
//! # let _ = (code, entry);
//! # Ok(()) }
//! ```
//!
//! # The conventions
//!
//! [`CallConv::Aapcs64`] is the standard as Linux (and the other ELF
//! systems) use it: integer and pointer arguments in `x0`–`x7`, `f32`/`f64`
//! in `s0`–`s7`/`d0`–`d7` (each class counted separately), the rest on the
//! stack in 8-byte slots in order, from `sp` at the call; results in `x0`
//! or `v0`. Variadic arguments are passed like the others.
//!
//! [`CallConv::Apple`] is Apple's arm64 variant (macOS, iOS), which differs
//! in two ways that this module implements: stack arguments are packed at
//! their natural size and alignment (an `f32` or a 32-bit integer takes 4
//! bytes, not 8), and variadic arguments ([`Call::variadic`]) always go on
//! the stack, each in an 8-byte slot, even when registers are free. Apple
//! also has the caller extend integer arguments narrower than 32 bits to 32
//! bits (the source's business here, as with [`Arg::Int32`]) and reserves
//! `x18`, which this module never touches. Windows on Arm (floats of
//! variadic calls in general registers) is not covered.
//!
//! # Stack alignment
//!
//! AAPCS64 keeps `sp` 16-byte aligned at every instruction that uses it (no
//! return address is pushed by `bl`), so unlike x86-64 there is no depth to
//! track: every area the helpers reserve is a multiple of 16, and code
//! between them must keep `sp` aligned too.
//!
//! # Clobbered registers
//!
//! A call emitted by [`Call`] clobbers what the callee may clobber
//! ([`CallConv::caller_saved`]: `x0`–`x17`, `x30` (`lr`), `v0`–`v7` and
//! `v16`–`v31`, and the upper halves of `v8`–`v15`), except the registers
//! listed in [`Call::save`] and the [result](Call::ret_int) destination;
//! and the flags. A function that calls must therefore have saved `x30`
//! (a [`Frame`] does; a leaf without one can list `X30` in [`Call::save`]).
//! The sequence itself writes only argument registers, `x16`/`x17` (the
//! target address or register), a scratch register among `x0`–`x17` that
//! no argument source reads (for immediates, memory and `sp` sources that
//! go to the stack or to a SIMD&FP register), and `v16`–`v31` (memory
//! values parked while breaking a cycle of moves): all caller-saved.
//!
//! Sources must not point below the `sp` the call sequence starts with
//! (the outgoing argument area is built there). Memory sources based on
//! `sp`, and `sp` itself as an integer source, mean their value *before*
//! the call sequence: the offset is adjusted for what the sequence
//! reserves.

use crate::a64::{
    self, Arrangement, EncodeError, Instruction, Mem, MemMode, MemOffset, Modifier, Operand, Reg,
    RegClass,
};
use crate::{CodeSink, DynamicLabel, LabelRef, LabelTarget};
use core::fmt;

/// A variant of the AArch64 procedure call standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallConv {
    /// AAPCS64 as Linux and the other ELF systems use it (`extern "C"`
    /// there): stack arguments in 8-byte slots, variadic arguments passed
    /// like the others.
    Aapcs64,
    /// Apple's arm64 variant (`extern "C"` on macOS and iOS): stack
    /// arguments packed at their natural size and alignment, variadic
    /// arguments always on the stack in 8-byte slots.
    Apple,
}

const INT_ARGS: [Reg; 8] = xs(0);
const FLOAT_ARGS: [Reg; 8] = ds(0);
const CALLEE: [Reg; 10] = xs(19);
const CALLEE_FP: [Reg; 8] = ds(8);
/// `x0`–`x17` and `x30`.
const CALLER: [Reg; 19] = {
    let mut r = [Reg::x(30); 19];
    let x0_x17: [Reg; 18] = xs(0);
    let mut i = 0;
    while i < 18 {
        r[i] = x0_x17[i];
        i += 1;
    }
    r
};

/// `N` consecutive general registers from `x<first>`.
const fn xs<const N: usize>(first: u8) -> [Reg; N] {
    let mut r = [Reg::x(0); N];
    let mut i = 0;
    while i < N {
        r[i] = Reg::x(first + i as u8);
        i += 1;
    }
    r
}

/// `N` consecutive `d` registers from `d<first>`.
const fn ds<const N: usize>(first: u8) -> [Reg; N] {
    let mut r = [d(0); N];
    let mut i = 0;
    while i < N {
        r[i] = d(first + i as u8);
        i += 1;
    }
    r
}

const fn d(n: u8) -> Reg {
    Reg::fp(RegClass::D, n)
}

impl CallConv {
    /// The variant of `extern "C"` on the target this crate is compiled for:
    /// [`Apple`](CallConv::Apple) on Apple systems,
    /// [`Aapcs64`](CallConv::Aapcs64) elsewhere.
    pub const fn host() -> CallConv {
        if cfg!(target_vendor = "apple") {
            CallConv::Apple
        } else {
            CallConv::Aapcs64
        }
    }

    /// The integer argument registers, in order: `x0`–`x7`.
    pub fn int_arg_regs(self) -> &'static [Reg] {
        &INT_ARGS
    }

    /// The floating-point argument registers, in order: `d0`–`d7` (`s0`–`s7`
    /// for `f32`).
    pub fn float_arg_regs(self) -> &'static [Reg] {
        &FLOAT_ARGS
    }

    /// The general registers a callee must preserve: `x19`–`x28` (and the
    /// frame pointer `x29`, which a [`Frame`] always saves; and `sp`).
    pub fn callee_saved(self) -> &'static [Reg] {
        &CALLEE
    }

    /// The SIMD&FP registers whose low 64 bits a callee must preserve:
    /// `d8`–`d15`.
    pub fn callee_saved_fp(self) -> &'static [Reg] {
        &CALLEE_FP
    }

    /// The general registers a callee may clobber: `x0`–`x17` and `x30`
    /// (`lr`). `x18` is the platform register: reserved on Apple systems,
    /// caller-saved on Linux; nothing here touches it.
    pub fn caller_saved(self) -> &'static [Reg] {
        &CALLER
    }
}

/// Where an argument's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Src {
    /// A register. A general register (`x0`–`x30`, or `wN` meaning the same
    /// register; `xzr` is zero): for a float argument its low bits are the
    /// IEEE bit pattern. `sp` (integers only): its value before the call
    /// sequence. A SIMD&FP register (`b`/`h`/`s`/`d`/`q`/`v` of any number,
    /// float arguments only): its low lane.
    Reg(Reg),
    /// An immediate. For a float argument, the IEEE bit pattern (see
    /// [`Arg::f64_imm`], [`Arg::f32_imm`]); for [`Arg::Int32`], its low 32
    /// bits.
    Imm(i64),
    /// Memory, `[xN, #imm]` or `[xN, xM{, lsl/extend}]` (no write-back; an
    /// `sp` base with an immediate offset only): 8 bytes for [`Arg::Int`]
    /// and [`Arg::F64`], 4 for [`Arg::Int32`] and [`Arg::F32`]. `sp`-based
    /// addresses are relative to `sp` before the call sequence.
    Mem(Mem),
}

impl From<Reg> for Src {
    fn from(r: Reg) -> Self {
        Src::Reg(r)
    }
}

impl From<i64> for Src {
    fn from(v: i64) -> Self {
        Src::Imm(v)
    }
}

impl From<Mem> for Src {
    fn from(m: Mem) -> Self {
        Src::Mem(m)
    }
}

/// One argument of a [`Call`]: its class and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A 64-bit integer or pointer (narrower C types than 32 bits take the
    /// low bits; extending them is the source's business).
    Int(Src),
    /// A 32-bit integer (`int`, `u32`): the low 32 bits of a register are
    /// passed; on the stack it takes 4 bytes under [`CallConv::Apple`]
    /// (an 8-byte slot otherwise).
    Int32(Src),
    /// A `double`.
    F64(Src),
    /// A `float`.
    F32(Src),
}

impl Arg {
    /// An `f64` constant.
    pub fn f64_imm(v: f64) -> Self {
        Arg::F64(Src::Imm(v.to_bits() as i64))
    }

    /// An `f32` constant.
    pub fn f32_imm(v: f32) -> Self {
        Arg::F32(Src::Imm(i64::from(v.to_bits())))
    }

    fn src(&self) -> Src {
        match *self {
            Arg::Int(s) | Arg::Int32(s) | Arg::F64(s) | Arg::F32(s) => s,
        }
    }

    fn is_float(&self) -> bool {
        matches!(self, Arg::F64(_) | Arg::F32(_))
    }

    /// Bytes of the value: 4 or 8.
    fn size(&self) -> u32 {
        match self {
            Arg::Int(_) | Arg::F64(_) => 8,
            Arg::Int32(_) | Arg::F32(_) => 4,
        }
    }
}

/// What a [`Call`] calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallTarget<'a> {
    /// An absolute address (`f as *const () as u64`), built with
    /// `movz`/`movk` in `x16` and called with `blr x16`.
    Addr(u64),
    /// Code at a label of the same output, called with `bl` (±128 MiB).
    Label(LabelRef<'a>),
    /// The address in a general register (`x0`–`x30`), moved to `x17` once
    /// the arguments are read and called with `blr x17`.
    Reg(Reg),
}

impl From<u64> for CallTarget<'_> {
    fn from(a: u64) -> Self {
        CallTarget::Addr(a)
    }
}

impl From<DynamicLabel> for CallTarget<'_> {
    fn from(l: DynamicLabel) -> Self {
        CallTarget::Label(LabelRef::new(LabelTarget::Dynamic(l)))
    }
}

impl<'a> From<LabelRef<'a>> for CallTarget<'a> {
    fn from(l: LabelRef<'a>) -> Self {
        CallTarget::Label(l)
    }
}

impl From<Reg> for CallTarget<'_> {
    fn from(r: Reg) -> Self {
        CallTarget::Reg(r)
    }
}

/// Why a call or a frame cannot be emitted.
#[derive(Clone, Debug, PartialEq)]
pub enum AbiError {
    /// An integer argument (index `arg`) with a SIMD&FP register source.
    FpForInt {
        /// Index of the argument.
        arg: usize,
    },
    /// A float argument (index `arg`) with `sp` as its source.
    StackPointerForFloat {
        /// Index of the argument.
        arg: usize,
    },
    /// A memory source (argument `arg`) the sequence cannot read: write-back
    /// (pre/post-index), a base that is not `xN`/`sp`, or `sp` with a
    /// register offset.
    UnsupportedMem {
        /// Index of the argument.
        arg: usize,
    },
    /// An `f32` passed as a variadic argument (C promotes it to `f64`).
    VariadicF32 {
        /// Index of the argument.
        arg: usize,
    },
    /// A register that cannot be saved: `sp`, `xzr`, and, for a frame,
    /// `x29`/`x30`, which the frame always saves.
    CannotSave(Reg),
    /// A register listed twice in a [`Call::save`] or [`Frame::save`] (the
    /// same number in the same bank: `x3` and `w3` count as one).
    SavedTwice(Reg),
    /// The result destination is also restored after the call, which would
    /// overwrite the result.
    ResultRestored(Reg),
    /// A result destination of the wrong bank (a SIMD&FP register for
    /// [`Call::ret_int`], a general one for [`Call::ret_float`]), or `sp`
    /// or `xzr`.
    BadResult(Reg),
    /// A [`CallTarget::Reg`] that is not `x0`–`x30`.
    BadTarget(Reg),
    /// Every register among `x0`–`x17` is read by an argument source, so
    /// none is left as a scratch register (only with 18 such sources).
    NoScratch,
    /// The stack area of the call (16 KiB at most) or of the frame (16 MiB
    /// at most) is too large.
    TooLarge,
    /// An instruction could not be encoded (a memory source's offset out of
    /// range…).
    Encode(EncodeError),
}

impl fmt::Display for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbiError::FpForInt { arg } => write!(
                f,
                "argument {arg} is an integer but its source is a SIMD&FP register"
            ),
            AbiError::StackPointerForFloat { arg } => {
                write!(f, "argument {arg} is a float but its source is sp")
            }
            AbiError::UnsupportedMem { arg } => write!(
                f,
                "argument {arg}: memory sources are [xN, #imm], [xN, xM] or [sp, #imm], without write-back"
            ),
            AbiError::VariadicF32 { arg } => write!(
                f,
                "argument {arg} is a variadic f32; C passes variadic floats as f64"
            ),
            AbiError::CannotSave(r) => write!(f, "{r} cannot be saved here"),
            AbiError::SavedTwice(r) => write!(f, "{r} is saved twice"),
            AbiError::ResultRestored(r) => {
                write!(
                    f,
                    "the result goes to {r}, which is restored after the call"
                )
            }
            AbiError::BadResult(r) => write!(f, "{r} cannot receive this result"),
            AbiError::BadTarget(r) => write!(f, "{r} cannot hold a call target"),
            AbiError::NoScratch => write!(
                f,
                "every register x0-x17 is read by an argument: no scratch register left"
            ),
            AbiError::TooLarge => write!(f, "the stack area is too large"),
            AbiError::Encode(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AbiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AbiError::Encode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<EncodeError> for AbiError {
    fn from(e: EncodeError) -> Self {
        AbiError::Encode(e)
    }
}

/// A register bank and number: how registers are compared here (`x3` and
/// `w3` are one register, `d3`, `s3` and `v3.4s` another).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bank {
    Gp(u8),
    Fp(u8),
}

/// The bank of `r`, `None` for `sp`/`wsp`.
fn bank(r: Reg) -> Option<Bank> {
    match r.class() {
        RegClass::X | RegClass::W => Some(Bank::Gp(r.num())),
        RegClass::Sp | RegClass::Wsp => None,
        _ => Some(Bank::Fp(r.num())),
    }
}

/// Where the result goes after the call (before saved registers are restored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ret {
    Int(Reg),
    Float(Reg),
}

/// A call to emit: target, arguments, registers to preserve.
///
/// ```
/// use jitasm::a64::{regs::*, Mem, Reg, RegClass};
/// use jitasm::abi::aarch64::{Arg, Call, CallConv};
/// use jitasm::{isa::Aarch64, VecAssembler};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut ops = VecAssembler::<Aarch64>::new(0);
/// // f(x1, x0, [x19, #8], 1.5, s3), keeping x9 and x10, result in x20.
/// Call::new(CallConv::Aapcs64, 0x1234_5678_9abc_u64)
///     .args([
///         Arg::Int(X1.into()),
///         Arg::Int(X0.into()),
///         Arg::Int(Mem::offset(X19, 8).into()),
///         Arg::f64_imm(1.5),
///         Arg::F32(Reg::fp(RegClass::S, 3).into()),
///     ])
///     .save(&[X9, X10])
///     .ret_int(X20)
///     .emit(&mut ops)?;
/// let text = "
///     sub sp, sp, #16
///     str x9, [sp]
///     str x10, [sp, #8]
///     fmov d0, #1.5
///     fmov s1, s3
///     ldr x2, [x19, #8]
///     eor x0, x0, x1      // x0 <-> x1, without a scratch register
///     eor x1, x0, x1
///     eor x0, x0, x1
///     movz x16, #0x9abc
///     movk x16, #0x5678, lsl #16
///     movk x16, #0x1234, lsl #32
///     blr x16
///     mov x20, x0
///     ldr x9, [sp]
///     ldr x10, [sp, #8]
///     add sp, sp, #16";
/// assert_eq!(ops.finalize()?, jitasm::assemble(jitasm::Arch::Aarch64, text)?);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Call<'a> {
    conv: CallConv,
    target: CallTarget<'a>,
    args: Vec<Arg>,
    save: Vec<Reg>,
    variadic: Option<usize>,
    ret: Option<Ret>,
}

/// The source of a move, normalized.
#[derive(Clone, Copy, Debug)]
enum MSrc {
    /// `x0`–`x30`.
    Gp(u8),
    /// `xzr`.
    Zero,
    /// `sp` before the call sequence.
    OrigSp,
    /// A SIMD&FP register's low lane.
    Fp(u8),
    Imm(i64),
    /// Memory, `sp`-based offsets relative to the original `sp`.
    Mem(Mem),
    /// A general argument's value parked in a SIMD&FP register.
    Parked(u8),
}

impl MSrc {
    /// Whether this source reads general register `n` (0..=30).
    fn reads_gp(&self, n: u8) -> bool {
        match *self {
            MSrc::Gp(r) => r == n,
            MSrc::Mem(m) => {
                let index = match m.offset {
                    MemOffset::Reg(r, _) => bank(r) == Some(Bank::Gp(n)),
                    MemOffset::Imm(_) => false,
                };
                bank(m.base) == Some(Bank::Gp(n)) || index
            }
            _ => false,
        }
    }

    fn reads_fp(&self, n: u8) -> bool {
        matches!(*self, MSrc::Fp(r) | MSrc::Parked(r) if r == n)
    }

    /// Renames general registers `a` and `b` into each other (after a swap).
    fn swap_gp(&mut self, a: u8, b: u8) {
        let sw = |n: u8| {
            if n == a {
                b
            } else if n == b {
                a
            } else {
                n
            }
        };
        match self {
            MSrc::Gp(r) => *r = sw(*r),
            MSrc::Mem(m) => {
                if let Some(Bank::Gp(n)) = bank(m.base) {
                    m.base = Reg::x(sw(n));
                }
                if let MemOffset::Reg(r, _) = &mut m.offset {
                    if let Some(Bank::Gp(n)) = bank(*r) {
                        *r = Reg::new(r.class(), sw(n)).unwrap_or(*r);
                    }
                }
            }
            _ => {}
        }
    }

    fn swap_fp(&mut self, a: u8, b: u8) {
        if let MSrc::Fp(r) = self {
            if *r == a {
                *r = b;
            } else if *r == b {
                *r = a;
            }
        }
    }
}

/// A move into an argument register (or `x17` for a register target).
#[derive(Clone, Copy, Debug)]
struct Move {
    /// Register number (general or SIMD&FP by phase).
    dst: u8,
    src: MSrc,
    /// 4 or 8 bytes.
    size: u32,
}

/// Where an argument goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Gp(u8),
    Fp(u8),
    /// Byte offset from `sp` at the call.
    Stack(u32),
}

/// Largest call area: every store into it keeps a scaled unsigned offset.
const MAX_CALL_AREA: u32 = 16 * 1024;
/// Largest frame: reserved with two `sub sp, sp, #imm12{, lsl #12}`.
const MAX_FRAME: u32 = (1 << 24) - 16;

/// Scratch candidates, preferred first: the intra-procedure-call registers,
/// then the temporaries, then the argument registers.
const SCRATCH: [u8; 18] = [16, 17, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];

fn round_up(n: u32, to: u32) -> u32 {
    n.div_ceil(to) * to
}

type R = Result<(), EncodeError>;

fn ins<S: CodeSink + ?Sized>(s: &mut S, mnemonic: &str, ops: &[Operand<'_>]) -> R {
    a64::emit(&Instruction::new(mnemonic, ops), s)
}

fn reg(r: Reg) -> Operand<'static> {
    Operand::Reg(r)
}

/// The general register `n` at `size` bytes (`wN` or `xN`).
fn gpr(n: u8, size: u32) -> Reg {
    if size == 4 {
        Reg::w(n)
    } else {
        Reg::x(n)
    }
}

/// The SIMD&FP register `n` at `size` bytes (`sN`, `dN` or `qN`).
fn fpr(n: u8, size: u32) -> Reg {
    let class = match size {
        4 => RegClass::S,
        8 => RegClass::D,
        _ => RegClass::Q,
    };
    Reg::fp(class, n)
}

fn v16b(n: u8) -> Reg {
    Reg::v(n, Arrangement::B16)
}

const SP: Reg = a64::regs::SP;
const X29: Reg = Reg::x(29);
const X30: Reg = Reg::x(30);

/// `mov` of a constant into `wN`/`xN`: `movz` or `movn` of one 16-bit
/// piece, then `movk` of the others that differ.
fn mov_imm<S: CodeSink + ?Sized>(s: &mut S, n: u8, v: u64, size: u32) -> R {
    let pieces = if size == 4 { 2 } else { 4 };
    let half = |i: u32| (v >> (16 * i)) as u16;
    let zeros = (0..pieces).filter(|&i| half(i) == 0).count();
    let ones = (0..pieces).filter(|&i| half(i) == 0xffff).count();
    let r = gpr(n, size);
    let (first, skip, head) = if ones > zeros {
        let first = (0..pieces).find(|&i| half(i) != 0xffff).unwrap_or(0);
        (first, 0xffff, i64::from(!half(first)))
    } else {
        let first = (0..pieces).find(|&i| half(i) != 0).unwrap_or(0);
        (first, 0, i64::from(half(first)))
    };
    let wide = |s: &mut S, m: &str, imm: i64, i: u32| {
        if i == 0 {
            ins(s, m, &[reg(r), Operand::Imm(imm)])
        } else {
            let lsl = Operand::Modifier(Modifier::lsl(16 * i as u8));
            ins(s, m, &[reg(r), Operand::Imm(imm), lsl])
        }
    };
    wide(s, if skip == 0 { "movz" } else { "movn" }, head, first)?;
    for i in (0..pieces).filter(|&i| i != first && half(i) != skip) {
        wide(s, "movk", i64::from(half(i)), i)?;
    }
    Ok(())
}

/// `dst = src ± imm` for `imm` below 2^24, in one or two instructions
/// (`dst` and `src` may be `sp`). Nothing when `imm` is 0 and `dst` is `src`.
fn add_imm<S: CodeSink + ?Sized>(s: &mut S, sub: bool, dst: Reg, src: Reg, imm: u32) -> R {
    let m = if sub { "sub" } else { "add" };
    let (hi, lo) = (imm >> 12, imm & 0xfff);
    let mut from = src;
    if hi != 0 {
        let lsl = Operand::Modifier(Modifier::lsl(12));
        ins(
            s,
            m,
            &[reg(dst), reg(from), Operand::Imm(i64::from(hi)), lsl],
        )?;
        from = dst;
    }
    if lo != 0 || (hi == 0 && dst != src) {
        ins(s, m, &[reg(dst), reg(from), Operand::Imm(i64::from(lo))])?;
    }
    Ok(())
}

/// `m` read with `sp` `delta` bytes below the original `sp`.
fn adjust(m: Mem, delta: u32) -> Mem {
    match (m.base.class(), m.offset) {
        (RegClass::Sp, MemOffset::Imm(o)) => Mem::offset(SP, o + i64::from(delta)),
        _ => m,
    }
}

/// `[sp, #off]`.
fn at_sp(off: u32) -> Operand<'static> {
    Operand::Mem(Mem::offset(SP, i64::from(off)))
}

/// The first scratch candidate that none of `reads` reads.
fn free_gp<'m>(reads: impl Iterator<Item = &'m MSrc> + Clone) -> Result<u8, AbiError> {
    SCRATCH
        .iter()
        .copied()
        .find(|&n| !reads.clone().any(|src| src.reads_gp(n)))
        .ok_or(AbiError::NoScratch)
}

impl<'a> Call<'a> {
    /// A call of `target` with convention `conv`, no arguments yet.
    pub fn new(conv: CallConv, target: impl Into<CallTarget<'a>>) -> Self {
        Call {
            conv,
            target: target.into(),
            args: Vec::new(),
            save: Vec::new(),
            variadic: None,
            ret: None,
        }
    }

    /// Sets the convention (a [`Frame::call`] takes the frame's).
    pub fn conv(mut self, conv: CallConv) -> Self {
        self.conv = conv;
        self
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: Arg) -> Self {
        self.args.push(arg);
        self
    }

    /// Adds arguments.
    pub fn args(mut self, args: impl IntoIterator<Item = Arg>) -> Self {
        self.args.extend(args);
        self
    }

    /// Marks the callee variadic with `fixed` named arguments: the
    /// arguments from index `fixed` on are the variadic ones. Under
    /// [`CallConv::Apple`] they go on the stack in 8-byte slots; under
    /// [`CallConv::Aapcs64`] nothing changes. A variadic `f32` is an error
    /// either way (C promotes it to `f64`).
    pub fn variadic(mut self, fixed: usize) -> Self {
        self.variadic = Some(fixed);
        self
    }

    /// Registers to preserve around the call: general registers (64 bits)
    /// and SIMD&FP registers (all 128 bits), stored in the call's stack
    /// area before the arguments are set up (after they are read, so they
    /// may be sources too) and reloaded after the call. Saving `x0` or `v0`
    /// loses the result unless [`ret_int`](Self::ret_int) /
    /// [`ret_float`](Self::ret_float) moves it elsewhere. A function
    /// without a frame that returns after the call saves `x30` here.
    pub fn save(mut self, regs: &[Reg]) -> Self {
        self.save.extend_from_slice(regs);
        self
    }

    /// Moves the integer result (`x0`) to `dst` (`x0`–`x30`) before the saved
    /// registers are restored.
    pub fn ret_int(mut self, dst: Reg) -> Self {
        self.ret = Some(Ret::Int(dst));
        self
    }

    /// Moves the float result (`v0`, whole register) to SIMD&FP register
    /// `dst` before the saved registers are restored.
    pub fn ret_float(mut self, dst: Reg) -> Self {
        self.ret = Some(Ret::Float(dst));
        self
    }

    fn is_variadic(&self, i: usize) -> bool {
        self.variadic.is_some_and(|fixed| i >= fixed)
    }

    /// Where each argument goes, and the bytes of stack arguments.
    fn assign(&self) -> (Vec<Place>, u32) {
        let (mut ngrn, mut nsrn, mut nsaa) = (0u8, 0u8, 0u32);
        let places = self
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let apple_va = self.conv == CallConv::Apple && self.is_variadic(i);
                let reg = if apple_va {
                    None
                } else if a.is_float() {
                    (nsrn < 8).then(|| {
                        nsrn += 1;
                        Place::Fp(nsrn - 1)
                    })
                } else {
                    (ngrn < 8).then(|| {
                        ngrn += 1;
                        Place::Gp(ngrn - 1)
                    })
                };
                reg.unwrap_or_else(|| {
                    let size = match self.conv {
                        CallConv::Apple if !apple_va => a.size(),
                        _ => 8,
                    };
                    nsaa = round_up(nsaa, size);
                    nsaa += size;
                    Place::Stack(nsaa - size)
                })
            })
            .collect();
        (places, nsaa)
    }

    /// Checks the arguments and normalizes their sources.
    fn sources(&self) -> Result<Vec<MSrc>, AbiError> {
        let mut out = Vec::with_capacity(self.args.len());
        for (i, a) in self.args.iter().enumerate() {
            if matches!(a, Arg::F32(_)) && self.is_variadic(i) {
                return Err(AbiError::VariadicF32 { arg: i });
            }
            let src = match a.src() {
                Src::Reg(r) => match bank(r) {
                    None if a.is_float() => return Err(AbiError::StackPointerForFloat { arg: i }),
                    None => MSrc::OrigSp,
                    Some(Bank::Fp(_)) if !a.is_float() => {
                        return Err(AbiError::FpForInt { arg: i })
                    }
                    Some(Bank::Fp(n)) => MSrc::Fp(n),
                    Some(Bank::Gp(31)) => MSrc::Zero,
                    Some(Bank::Gp(n)) => MSrc::Gp(n),
                },
                Src::Imm(v) => MSrc::Imm(v),
                Src::Mem(m) => {
                    let base_ok = match m.base.class() {
                        RegClass::X => m.base.num() != 31,
                        RegClass::Sp => matches!(m.offset, MemOffset::Imm(_)),
                        _ => false,
                    };
                    let index_ok = match m.offset {
                        MemOffset::Reg(r, _) => matches!(r.class(), RegClass::X | RegClass::W),
                        MemOffset::Imm(_) => true,
                    };
                    if m.mode != MemMode::Offset || !base_ok || !index_ok {
                        return Err(AbiError::UnsupportedMem { arg: i });
                    }
                    MSrc::Mem(m)
                }
            };
            out.push(src);
        }
        Ok(out)
    }

    /// The saved registers: general numbers, SIMD&FP numbers.
    fn saved(&self) -> Result<(Vec<u8>, Vec<u8>), AbiError> {
        let (mut gp, mut fp) = (Vec::new(), Vec::new());
        for &r in &self.save {
            let (list, n) = match bank(r) {
                None | Some(Bank::Gp(31)) => return Err(AbiError::CannotSave(r)),
                Some(Bank::Gp(n)) => (&mut gp, n),
                Some(Bank::Fp(n)) => (&mut fp, n),
            };
            if list.contains(&n) {
                return Err(AbiError::SavedTwice(r));
            }
            list.push(n);
        }
        match self.ret {
            Some(Ret::Int(r)) => match bank(r) {
                Some(Bank::Gp(n)) if n < 31 && gp.contains(&n) => {
                    return Err(AbiError::ResultRestored(r))
                }
                Some(Bank::Gp(n)) if n < 31 => {}
                _ => return Err(AbiError::BadResult(r)),
            },
            Some(Ret::Float(r)) => match bank(r) {
                Some(Bank::Fp(n)) if fp.contains(&n) => return Err(AbiError::ResultRestored(r)),
                Some(Bank::Fp(_)) => {}
                _ => return Err(AbiError::BadResult(r)),
            },
            None => {}
        }
        Ok((gp, fp))
    }

    /// Emits the call sequence: saves, argument set-up, the call, result
    /// move, restores. See the [module](self) docs for what it clobbers.
    pub fn emit<S: CodeSink + ?Sized>(&self, s: &mut S) -> Result<(), AbiError> {
        let srcs = self.sources()?;
        let (gp_save, fp_save) = self.saved()?;
        let target = match self.target {
            CallTarget::Reg(r) => match bank(r) {
                Some(Bank::Gp(n)) if n < 31 => Some(Move {
                    dst: 17,
                    src: MSrc::Gp(n),
                    size: 8,
                }),
                _ => return Err(AbiError::BadTarget(r)),
            },
            _ => None,
        };
        let (places, stack) = self.assign();

        // The area, from sp at the call: stack arguments, general saves,
        // SIMD&FP saves (16-byte aligned), rounded up to 16.
        let gp_off = round_up(stack, 8);
        let fp_off = round_up(gp_off + 8 * gp_save.len() as u32, 16);
        let area = round_up(fp_off + 16 * fp_save.len() as u32, 16);
        if area > MAX_CALL_AREA {
            return Err(AbiError::TooLarge);
        }
        // sp is `area` below the original sp from here on.
        add_imm(s, true, SP, SP, area)?;
        for (i, &n) in gp_save.iter().enumerate() {
            ins(s, "str", &[reg(Reg::x(n)), at_sp(gp_off + 8 * i as u32)])?;
        }
        for (i, &n) in fp_save.iter().enumerate() {
            ins(s, "str", &[reg(fpr(n, 16)), at_sp(fp_off + 16 * i as u32)])?;
        }

        // Stack arguments: they write memory and the scratch register only,
        // which no source reads.
        let all_reads = || srcs.iter().chain(target.iter().map(|m| &m.src));
        let mut scratch = None;
        for ((a, p), src) in self.args.iter().zip(&places).zip(&srcs) {
            if let Place::Stack(off) = *p {
                let size = a.size();
                let mut tmp = || -> Result<u8, AbiError> {
                    match scratch {
                        Some(t) => Ok(t),
                        None => {
                            let t = free_gp(all_reads())?;
                            scratch = Some(t);
                            Ok(t)
                        }
                    }
                };
                let value = match *src {
                    MSrc::Gp(n) => gpr(n, size),
                    MSrc::Zero | MSrc::Imm(0) => gpr(31, size),
                    MSrc::Fp(n) => fpr(n, size),
                    MSrc::Imm(v) => {
                        let t = tmp()?;
                        mov_imm(s, t, v as u64, size)?;
                        gpr(t, size)
                    }
                    MSrc::OrigSp => {
                        let t = tmp()?;
                        add_imm(s, false, Reg::x(t), SP, area)?;
                        Reg::x(t)
                    }
                    MSrc::Mem(m) => {
                        let t = tmp()?;
                        ins(
                            s,
                            "ldr",
                            &[reg(gpr(t, size)), Operand::Mem(adjust(m, area))],
                        )?;
                        gpr(t, size)
                    }
                    MSrc::Parked(_) => unreachable!("parked only in the general phase"),
                };
                ins(s, "str", &[reg(value), at_sp(off)])?;
            }
        }

        // Register arguments, floats first: they write SIMD&FP registers
        // (and a scratch register no pending move reads).
        let (mut fp_moves, mut gp_moves) = (Vec::new(), Vec::new());
        for ((a, p), src) in self.args.iter().zip(&places).zip(&srcs) {
            let size = a.size();
            match *p {
                Place::Fp(dst) => fp_moves.push(Move {
                    dst,
                    src: *src,
                    size,
                }),
                Place::Gp(dst) => gp_moves.push(Move {
                    dst,
                    src: *src,
                    size,
                }),
                Place::Stack(_) => {}
            }
        }
        gp_moves.extend(target);
        fp_phase(s, fp_moves, &gp_moves, area)?;
        gp_phase(s, gp_moves, area)?;

        match self.target {
            CallTarget::Addr(a) => {
                mov_imm(s, 16, a, 8)?;
                ins(s, "blr", &[reg(Reg::x(16))])?;
            }
            CallTarget::Label(l) => ins(s, "bl", &[Operand::Label(l)])?,
            CallTarget::Reg(_) => ins(s, "blr", &[reg(Reg::x(17))])?,
        }

        match self.ret {
            Some(Ret::Int(r)) if r.num() != 0 => {
                ins(s, "mov", &[reg(Reg::x(r.num())), reg(Reg::x(0))])?
            }
            Some(Ret::Float(r)) if r.num() != 0 => {
                ins(s, "mov", &[reg(v16b(r.num())), reg(v16b(0))])?
            }
            _ => {}
        }
        for (i, &n) in gp_save.iter().enumerate() {
            ins(s, "ldr", &[reg(Reg::x(n)), at_sp(gp_off + 8 * i as u32)])?;
        }
        for (i, &n) in fp_save.iter().enumerate() {
            ins(s, "ldr", &[reg(fpr(n, 16)), at_sp(fp_off + 16 * i as u32)])?;
        }
        add_imm(s, false, SP, SP, area)?;
        Ok(())
    }
}

/// Moves into SIMD&FP argument registers. Sources other than SIMD&FP
/// registers read none; cycles among them are broken by `eor` swaps. An
/// immediate that `fmov` cannot hold goes through a general register no
/// pending move (of either phase) reads.
fn fp_phase<S: CodeSink + ?Sized>(
    s: &mut S,
    mut moves: Vec<Move>,
    gp_moves: &[Move],
    delta: u32,
) -> Result<(), AbiError> {
    while !moves.is_empty() {
        // A move into its own source writes nothing: always ready.
        let ready = (0..moves.len()).find(|&i| {
            let d = moves[i].dst;
            matches!(moves[i].src, MSrc::Fp(n) if n == d)
                || moves
                    .iter()
                    .enumerate()
                    .all(|(j, m)| j == i || !m.src.reads_fp(d))
        });
        if let Some(i) = ready {
            let m = moves.remove(i);
            let d = fpr(m.dst, m.size);
            match m.src {
                MSrc::Fp(n) if n == m.dst => {}
                MSrc::Fp(n) => ins(s, "fmov", &[reg(d), reg(fpr(n, m.size))])?,
                MSrc::Gp(n) => ins(s, "fmov", &[reg(d), reg(gpr(n, m.size))])?,
                MSrc::Zero | MSrc::Imm(0) => ins(s, "fmov", &[reg(d), reg(gpr(31, m.size))])?,
                MSrc::Imm(v) => {
                    let value = if m.size == 4 {
                        f64::from(f32::from_bits(v as u32))
                    } else {
                        f64::from_bits(v as u64)
                    };
                    if a64::encode::encode_fp8(value).is_some() {
                        ins(s, "fmov", &[reg(d), Operand::Float(value)])?;
                    } else {
                        let reads = moves.iter().chain(gp_moves).map(|m| &m.src);
                        let t = free_gp(reads)?;
                        mov_imm(s, t, v as u64, m.size)?;
                        ins(s, "fmov", &[reg(d), reg(gpr(t, m.size))])?;
                    }
                }
                MSrc::Mem(mem) => ins(s, "ldr", &[reg(d), Operand::Mem(adjust(mem, delta))])?,
                MSrc::OrigSp | MSrc::Parked(_) => unreachable!("not float sources"),
            }
        } else {
            // Every destination is still read: only register-to-register
            // moves read SIMD&FP registers, so one of them is on a cycle.
            let i = moves
                .iter()
                .position(|m| matches!(m.src, MSrc::Fp(_)))
                .expect("a cycle of register moves");
            let m = moves.remove(i);
            let MSrc::Fp(n) = m.src else { unreachable!() };
            let (a, b) = (reg(v16b(m.dst)), reg(v16b(n)));
            ins(s, "eor", &[a, a, b])?;
            ins(s, "eor", &[b, a, b])?;
            ins(s, "eor", &[a, a, b])?;
            for o in &mut moves {
                o.src.swap_fp(m.dst, n);
            }
        }
    }
    Ok(())
}

/// Moves into general argument registers (and `x17` for a register
/// target): a move goes once no other pending move reads its destination;
/// when none can, a memory source is parked in `v16`… (`ldr`, later
/// `fmov`), or else a register cycle is broken with an `eor` swap.
fn gp_phase<S: CodeSink + ?Sized>(s: &mut S, mut moves: Vec<Move>, delta: u32) -> R {
    let mut park = 16u8;
    while !moves.is_empty() {
        // A move into its own source writes nothing: always ready.
        let ready = (0..moves.len()).find(|&i| {
            let d = moves[i].dst;
            matches!(moves[i].src, MSrc::Gp(n) if n == d)
                || moves
                    .iter()
                    .enumerate()
                    .all(|(j, m)| j == i || !m.src.reads_gp(d))
        });
        if let Some(i) = ready {
            let m = moves.remove(i);
            let d = gpr(m.dst, m.size);
            let dx = Reg::x(m.dst);
            match m.src {
                MSrc::Gp(n) if n == m.dst => {}
                MSrc::Gp(n) => ins(s, "mov", &[reg(dx), reg(Reg::x(n))])?,
                MSrc::Zero => ins(s, "mov", &[reg(dx), reg(Reg::x(31))])?,
                MSrc::Imm(v) => mov_imm(s, m.dst, v as u64, m.size)?,
                MSrc::OrigSp => add_imm(s, false, dx, SP, delta)?,
                MSrc::Mem(mem) => ins(s, "ldr", &[reg(d), Operand::Mem(adjust(mem, delta))])?,
                MSrc::Parked(p) => ins(s, "fmov", &[reg(d), reg(fpr(p, m.size))])?,
                MSrc::Fp(_) => unreachable!("rejected by the checks"),
            }
        } else if let Some(m) = moves.iter_mut().find(|m| matches!(m.src, MSrc::Mem(_))) {
            let MSrc::Mem(mem) = m.src else {
                unreachable!()
            };
            ins(
                s,
                "ldr",
                &[reg(fpr(park, m.size)), Operand::Mem(adjust(mem, delta))],
            )?;
            m.src = MSrc::Parked(park);
            park += 1;
        } else {
            let i = moves
                .iter()
                .position(|m| matches!(m.src, MSrc::Gp(_)))
                .expect("a cycle of register moves");
            let m = moves.remove(i);
            let MSrc::Gp(n) = m.src else { unreachable!() };
            let (a, b) = (reg(Reg::x(m.dst)), reg(Reg::x(n)));
            ins(s, "eor", &[a, a, b])?;
            ins(s, "eor", &[b, a, b])?;
            ins(s, "eor", &[a, a, b])?;
            for o in &mut moves {
                o.src.swap_gp(m.dst, n);
            }
        }
    }
    Ok(())
}

/// A stack frame: prologue, epilogue, saved registers and locals.
///
/// Layout (addresses increasing from `x29`, which is `sp` after the
/// prologue): the frame record (`x29`, `x30`); the registers of
/// [`save`](Self::save), 8 bytes each in order (general registers whole,
/// SIMD&FP registers' low 64 bits, `dN`), padded to 16; the locals (rounded
/// up to 16, 16-byte aligned); the caller's frame. `sp` stays 16-byte
/// aligned.
///
/// ```
/// use jitasm::a64::{regs::*, Reg, RegClass};
/// use jitasm::abi::aarch64::{CallConv, Frame};
/// use jitasm::{dynasm, isa::Aarch64, VecAssembler};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let d8 = Reg::fp(RegClass::D, 8);
/// let frame = Frame::new(CallConv::Aapcs64).save(&[X19, X20, d8]).locals(24);
/// assert_eq!(frame.size(), 16 + 32 + 32);
/// let mut ops = VecAssembler::<Aarch64>::new(0);
/// frame.prologue(&mut ops)?;
/// let slot = frame.locals_offset() + 8;
/// dynasm!(ops ; .arch aarch64 ; str x0, [x29, #slot] ; ldr x0, [x29, #slot]);
/// frame.ret(&mut ops)?;
/// let text = "
///     stp x29, x30, [sp, #-80]!
///     mov x29, sp
///     stp x19, x20, [sp, #16]
///     str d8, [sp, #32]
///     str x0, [x29, #56]
///     ldr x0, [x29, #56]
///     mov sp, x29
///     ldp x19, x20, [sp, #16]
///     ldr d8, [sp, #32]
///     ldp x29, x30, [sp], #80
///     ret";
/// assert_eq!(ops.finalize()?, jitasm::assemble(jitasm::Arch::Aarch64, text)?);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    conv: CallConv,
    save: Vec<Reg>,
    locals: u32,
}

impl Frame {
    /// A frame for a function of convention `conv` that saves only the
    /// frame record (`x29`, `x30`) and has no locals.
    pub fn new(conv: CallConv) -> Self {
        Frame {
            conv,
            save: Vec::new(),
            locals: 0,
        }
    }

    /// Registers the prologue stores and the epilogue reloads, typically the
    /// callee-saved ones the body uses ([`CallConv::callee_saved`]:
    /// `x19`–`x28`; [`CallConv::callee_saved_fp`]: `d8`–`d15`, of which
    /// only the low 64 bits are saved, as AAPCS64 requires). Any general
    /// register but `x29`, `x30`, `sp` and `xzr` is accepted; a SIMD&FP
    /// register of any name (`d8`, `v8.2d`, `q8`) stands for its `dN`.
    pub fn save(mut self, regs: &[Reg]) -> Self {
        self.save.extend_from_slice(regs);
        self
    }

    /// Bytes of locals (rounded up to 16).
    pub fn locals(mut self, bytes: u32) -> Self {
        self.locals = bytes;
        self
    }

    /// The convention.
    pub fn conv(&self) -> CallConv {
        self.conv
    }

    /// Bytes of the saved registers' area (a multiple of 16).
    fn saves_bytes(&self) -> u32 {
        round_up(8 * self.save.len() as u32, 16)
    }

    /// Bytes the prologue reserves below the caller's `sp`: the frame
    /// record, the saved registers and the locals, a multiple of 16.
    pub fn size(&self) -> u32 {
        let locals = round_up(self.locals.min(MAX_FRAME), 16);
        16 + self.saves_bytes() + locals
    }

    /// The local at byte `offset` of the locals area, `x29`-relative:
    /// `[x29, #(16 + saved + offset)]`. The area starts 16-byte aligned;
    /// `offset` should stay below [`locals`](Self::locals) rounded up to 16.
    pub fn local(&self, offset: u32) -> Mem {
        Mem::offset(X29, i64::from(self.locals_offset()) + i64::from(offset))
    }

    /// The offset of the locals area from `x29` (16 + the saved registers'
    /// area): the local at byte `k` is at `[x29, #(locals_offset() + k)]`.
    pub fn locals_offset(&self) -> u32 {
        16 + self.saves_bytes()
    }

    /// A [`Call`] of `target` with this frame's convention.
    pub fn call<'a>(&self, target: impl Into<CallTarget<'a>>) -> Call<'a> {
        Call::new(self.conv, target)
    }

    /// The saved registers as (bank, offset from `x29`), checked.
    fn slots(&self) -> Result<Vec<(Bank, u32)>, AbiError> {
        let mut out: Vec<(Bank, u32)> = Vec::with_capacity(self.save.len());
        for (i, &r) in self.save.iter().enumerate() {
            let b = match bank(r) {
                Some(Bank::Gp(n)) if n < 29 => Bank::Gp(n),
                None | Some(Bank::Gp(_)) => return Err(AbiError::CannotSave(r)),
                Some(fp) => fp,
            };
            if out.iter().any(|(o, _)| *o == b) {
                return Err(AbiError::SavedTwice(r));
            }
            out.push((b, 16 + 8 * i as u32));
        }
        if self.locals > MAX_FRAME - 16 - self.saves_bytes() {
            return Err(AbiError::TooLarge);
        }
        Ok(out)
    }

    /// Stores (`str`) or loads (`ldr`) the saved registers, in pairs where
    /// two of one bank follow each other. `sp` is `x29`.
    fn transfer<S: CodeSink + ?Sized>(&self, s: &mut S, store: bool) -> Result<(), AbiError> {
        let slots = self.slots()?;
        let r = |b: Bank| match b {
            Bank::Gp(n) => Reg::x(n),
            Bank::Fp(n) => fpr(n, 8),
        };
        let same_bank = |a: Bank, b: Bank| {
            matches!(
                (a, b),
                (Bank::Gp(_), Bank::Gp(_)) | (Bank::Fp(_), Bank::Fp(_))
            )
        };
        let mut i = 0;
        while i < slots.len() {
            let (b, off) = slots[i];
            match slots.get(i + 1) {
                Some(&(b2, _)) if same_bank(b, b2) => {
                    let m = if store { "stp" } else { "ldp" };
                    ins(s, m, &[reg(r(b)), reg(r(b2)), at_sp(off)])?;
                    i += 2;
                }
                _ => {
                    let m = if store { "str" } else { "ldr" };
                    ins(s, m, &[reg(r(b)), at_sp(off)])?;
                    i += 1;
                }
            }
        }
        Ok(())
    }

    /// Emits the prologue: `stp x29, x30, [sp, #-N]!` (or `sub sp, sp, #N;
    /// stp x29, x30, [sp]` when N is over 504), `mov x29, sp`, the stores of
    /// the saved registers. Afterwards `sp` = `x29`, 16-byte aligned, with
    /// the locals between the saved registers and the caller's frame.
    pub fn prologue<S: CodeSink + ?Sized>(&self, s: &mut S) -> Result<(), AbiError> {
        self.slots()?;
        let size = self.size();
        let pair = [reg(X29), reg(X30)];
        if size <= 504 {
            let pre = Operand::Mem(Mem::pre(SP, -i64::from(size)));
            ins(s, "stp", &[pair[0], pair[1], pre])?;
        } else {
            add_imm(s, true, SP, SP, size)?;
            ins(s, "stp", &[pair[0], pair[1], at_sp(0)])?;
        }
        ins(s, "mov", &[reg(X29), reg(SP)])?;
        self.transfer(s, true)
    }

    /// Emits the epilogue without `ret`: `mov sp, x29` (so whatever the body
    /// left reserved is dropped), the reloads, and `ldp x29, x30, [sp], #N`
    /// (or `ldp x29, x30, [sp]; add sp, sp, #N`).
    pub fn epilogue<S: CodeSink + ?Sized>(&self, s: &mut S) -> Result<(), AbiError> {
        self.slots()?;
        ins(s, "mov", &[reg(SP), reg(X29)])?;
        self.transfer(s, false)?;
        let size = self.size();
        if size <= 504 {
            let post = Operand::Mem(Mem::post(SP, i64::from(size)));
            ins(s, "ldp", &[reg(X29), reg(X30), post])?;
        } else {
            ins(s, "ldp", &[reg(X29), reg(X30), at_sp(0)])?;
            add_imm(s, false, SP, SP, size)?;
        }
        Ok(())
    }

    /// Emits the epilogue and `ret`.
    pub fn ret<S: CodeSink + ?Sized>(&self, s: &mut S) -> Result<(), AbiError> {
        self.epilogue(s)?;
        ins(s, "ret", &[])?;
        Ok(())
    }
}
