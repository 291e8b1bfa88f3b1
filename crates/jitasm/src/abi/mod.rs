//! Calling conventions: calls into native functions and stack frames.
//!
//! This module itself covers x86-64, emitting with the typed builder
//! ([`crate::x64::builder`]); [`aarch64`] covers AArch64 (AAPCS64, and
//! Apple's variant) with the same shape, emitting with the AArch64 encoder
//! into any [`CodeSink`]. RISC-V is out of scope for now.
//!
//! Two x86-64 conventions are covered, **System V AMD64**
//! ([`CallConv::SysV`]: Linux, the BSDs, macOS) and **Microsoft x64**
//! ([`CallConv::Win64`]: Windows); [`CallConv::host`] is the one of the
//! target being compiled for.
//!
//! * [`Call`] emits a call to an absolute address or a label with a list of
//!   [`Arg`]s (integers/pointers, `f64`, `f32`) taken from 64-bit registers,
//!   XMM registers, immediates or memory. It puts every argument where the
//!   convention wants it (registers, then the stack, plus Win64's 32-byte
//!   shadow space) without clobbering a source before it is read, aligns the
//!   stack to 16 bytes at the `call`, saves and restores the registers asked
//!   for, and can move the result out of `rax`/`xmm0`.
//! * [`Frame`] emits a prologue (`push rbp; mov rbp, rsp`, pushes of the
//!   callee-saved registers asked for, `sub rsp, N` leaving `rsp` 16-byte
//!   aligned) and the matching epilogue, addresses the locals, and knows its
//!   stack depth so that [`Frame::call`] aligns calls made inside it.
//!
//! ```
//! use jitasm::abi::{Arg, CallConv, Frame};
//! use jitasm::x64::builder::{prelude::*, regs::*, Builder};
//! use jitasm::x64::Mode;
//! use jitasm::{isa::X64, Assembler};
//!
//! extern "sysv64" fn mul_add(a: u64, b: f64, c: u64) -> u64 {
//!     a * b as u64 + c
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut asm = Assembler::<X64>::new()?;
//! let entry = asm.offset();
//! let mut b = Builder::new(&mut asm, Mode::Long);
//! // extern "sysv64" fn(x: u64) -> u64 { mul_add(x, 2.5, x) + 1 }
//! let frame = Frame::new(CallConv::SysV).save(&[rbx]);
//! frame.prologue(&mut b)?;
//! b.mov(rbx, rdi)?;
//! frame
//!     .call(mul_add as *const () as u64)
//!     .arg(Arg::Int(rbx.into()))
//!     .arg(Arg::f64_imm(2.5))
//!     .arg(Arg::Int(rbx.into()))
//!     .emit(&mut b)?;
//! b.add(rax, 1)?;
//! frame.ret(&mut b)?;
//! let code = asm.finalize()?;
//! # #[cfg(all(target_arch = "x86_64", unix))] {
//! // SAFETY: the code above is a complete sysv64 function of this type.
//! let f = unsafe { code.func::<extern "sysv64" fn(u64) -> u64>(entry)? };
//! assert_eq!(f(4), 4 * 2 + 4 + 1);
//! # }
//! # Ok(()) }
//! ```
//!
//! # Stack depth
//!
//! Alignment is computed statically from the *depth*: the number of bytes
//! pushed (or subtracted from `rsp`) since the function was entered, not
//! counting the return address pushed by its caller. At entry `rsp` is
//! `8 (mod 16)`, so a `call` needs `depth + 8 + (bytes the call sequence
//! pushes) ≡ 0 (mod 16)`. [`Call::depth`] takes it (0 by default: code
//! that has pushed nothing); [`Frame::depth`] gives it for code between a
//! frame's prologue and epilogue, and [`Frame::call`] passes it on. Code that
//! pushes more inside a frame passes `frame.depth() + pushed` itself.
//!
//! # Clobbered registers
//!
//! A call emitted by [`Call`] clobbers what the callee may clobber (the
//! convention's [caller-saved](CallConv::caller_saved) registers: for System
//! V `rax rcx rdx rsi rdi r8–r11` and all XMM registers, for Win64
//! `rax rcx rdx r8–r11` and `xmm0–xmm5`), except the registers listed in
//! [`Call::save`]/[`Call::save_xmm`] and the [result](Call::ret_int)
//! destination; and the flags. The sequence itself writes only argument
//! registers, `rax` (System V: `al` = the number of vector registers used,
//! for variadic callees) and `r11` (the target address), all caller-saved.
//! Memory below `rsp` (the red zone) is overwritten.
//!
//! Sources must not point below the `rsp` the call sequence starts with (the
//! outgoing argument area is built there). Memory sources based on `rsp`, and
//! `rsp` itself as an integer source, mean their value *before* the call
//! sequence: the displacement is adjusted for what the sequence pushes.

pub mod aarch64;

use crate::x64::builder::prelude::*;
use crate::x64::builder::regs::*;
use crate::x64::builder::{dword_ptr, qword_ptr, xmmword_ptr, Builder, Gpq, Xmm};
use crate::x64::{EncodeError, Mem, Reg, RegClass};
use crate::{CodeSink, DynamicLabel};
use core::fmt;

/// A calling convention of x86-64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallConv {
    /// System V AMD64 (`extern "sysv64"`; `extern "C"` on Unix): integers in
    /// `rdi rsi rdx rcx r8 r9`, floats in `xmm0`–`xmm7` (each class counted
    /// separately), the rest on the stack; `al` holds the number of vector
    /// registers used when the callee is variadic.
    SysV,
    /// Microsoft x64 (`extern "win64"`; `extern "C"` on Windows): the first
    /// four arguments in `rcx rdx r8 r9` or `xmm0`–`xmm3` by position, the
    /// rest on the stack above a 32-byte shadow space the caller reserves.
    Win64,
}

const SYSV_INT: [Gpq; 6] = [rdi, rsi, rdx, rcx, r8, r9];
const WIN64_INT: [Gpq; 4] = [rcx, rdx, r8, r9];
const SYSV_FLOAT: [Xmm; 8] = [xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7];
const WIN64_FLOAT: [Xmm; 4] = [xmm0, xmm1, xmm2, xmm3];
const SYSV_CALLEE: [Gpq; 6] = [rbx, rbp, r12, r13, r14, r15];
const WIN64_CALLEE: [Gpq; 8] = [rbx, rbp, rdi, rsi, r12, r13, r14, r15];
const SYSV_CALLER: [Gpq; 9] = [rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11];
const WIN64_CALLER: [Gpq; 7] = [rax, rcx, rdx, r8, r9, r10, r11];
const WIN64_CALLEE_XMM: [Xmm; 10] = [
    xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
];

impl CallConv {
    /// The convention of `extern "C"` on the target this crate is compiled
    /// for: [`Win64`](CallConv::Win64) on Windows, [`SysV`](CallConv::SysV)
    /// elsewhere.
    pub const fn host() -> CallConv {
        if cfg!(windows) {
            CallConv::Win64
        } else {
            CallConv::SysV
        }
    }

    /// The integer argument registers, in order.
    pub fn int_arg_regs(self) -> &'static [Gpq] {
        match self {
            CallConv::SysV => &SYSV_INT,
            CallConv::Win64 => &WIN64_INT,
        }
    }

    /// The floating-point argument registers, in order.
    pub fn float_arg_regs(self) -> &'static [Xmm] {
        match self {
            CallConv::SysV => &SYSV_FLOAT,
            CallConv::Win64 => &WIN64_FLOAT,
        }
    }

    /// The general-purpose registers a callee must preserve (`rsp` aside).
    pub fn callee_saved(self) -> &'static [Gpq] {
        match self {
            CallConv::SysV => &SYSV_CALLEE,
            CallConv::Win64 => &WIN64_CALLEE,
        }
    }

    /// The XMM registers a callee must preserve: none for System V,
    /// `xmm6`–`xmm15` for Win64.
    pub fn callee_saved_xmm(self) -> &'static [Xmm] {
        match self {
            CallConv::SysV => &[],
            CallConv::Win64 => &WIN64_CALLEE_XMM,
        }
    }

    /// The general-purpose registers a callee may clobber.
    pub fn caller_saved(self) -> &'static [Gpq] {
        match self {
            CallConv::SysV => &SYSV_CALLER,
            CallConv::Win64 => &WIN64_CALLER,
        }
    }

    /// Bytes the caller reserves just above the return address for the
    /// callee to spill its register arguments: 32 for Win64, 0 for System V.
    pub const fn shadow_space(self) -> i32 {
        match self {
            CallConv::SysV => 0,
            CallConv::Win64 => 32,
        }
    }
}

/// Where an argument's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Src<'a> {
    /// A 64-bit register. For a float argument, its low bits are the IEEE
    /// bit pattern. `rsp` (integers only) is its value before the call
    /// sequence.
    Reg(Gpq),
    /// An immediate. For a float argument, the IEEE bit pattern
    /// (see [`Arg::f64_imm`], [`Arg::f32_imm`]).
    Imm(i64),
    /// Memory: 8 bytes for integers and `f64`, 4 bytes for `f32` (the size
    /// written on the operand is ignored). `rsp`-based addresses are
    /// relative to `rsp` before the call sequence.
    Mem(Mem<'a>),
    /// An XMM register, low lane (float arguments only).
    Xmm(Xmm),
}

impl From<Gpq> for Src<'_> {
    fn from(r: Gpq) -> Self {
        Src::Reg(r)
    }
}

impl From<i64> for Src<'_> {
    fn from(v: i64) -> Self {
        Src::Imm(v)
    }
}

impl<'a> From<Mem<'a>> for Src<'a> {
    fn from(m: Mem<'a>) -> Self {
        Src::Mem(m)
    }
}

impl From<Xmm> for Src<'_> {
    fn from(x: Xmm) -> Self {
        Src::Xmm(x)
    }
}

/// One argument of a [`Call`]: its class and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg<'a> {
    /// An integer or pointer of up to 64 bits, passed as 64 bits (narrower
    /// C types take the low bits; extending them is the source's business).
    Int(Src<'a>),
    /// A `double`.
    F64(Src<'a>),
    /// A `float`.
    F32(Src<'a>),
}

impl Arg<'_> {
    /// An `f64` constant.
    pub fn f64_imm(v: f64) -> Self {
        Arg::F64(Src::Imm(v.to_bits() as i64))
    }

    /// An `f32` constant.
    pub fn f32_imm(v: f32) -> Self {
        Arg::F32(Src::Imm(i64::from(v.to_bits())))
    }

    fn src(&self) -> Src<'_> {
        match *self {
            Arg::Int(s) | Arg::F64(s) | Arg::F32(s) => s,
        }
    }

    fn is_float(&self) -> bool {
        !matches!(self, Arg::Int(_))
    }
}

/// What a [`Call`] calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallTarget {
    /// An absolute address (`f as *const () as u64`), called through `r11`.
    Addr(u64),
    /// Code at a label of the same sink, called `rel32`.
    Label(DynamicLabel),
}

impl From<u64> for CallTarget {
    fn from(a: u64) -> Self {
        CallTarget::Addr(a)
    }
}

impl From<DynamicLabel> for CallTarget {
    fn from(l: DynamicLabel) -> Self {
        CallTarget::Label(l)
    }
}

/// Why a call or a frame cannot be emitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AbiError {
    /// An integer argument (index `arg`) with an XMM source.
    XmmForInt {
        /// Index of the argument.
        arg: usize,
    },
    /// A float argument (index `arg`) with `rsp` as its source.
    StackPointerForFloat {
        /// Index of the argument.
        arg: usize,
    },
    /// A register that cannot be saved: `rsp` (and, for a frame, `rbp`, which
    /// the frame always saves).
    CannotSave(Reg),
    /// A register listed twice in [`Frame::save`]/[`Frame::save_xmm`].
    SavedTwice(Reg),
    /// The result destination is also restored after the call, which would
    /// overwrite the result.
    ResultRestored(Reg),
    /// The stack the call or the frame needs does not fit 31 bits.
    TooLarge,
    /// An instruction could not be encoded (a bad memory source…).
    Encode(EncodeError),
}

impl fmt::Display for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbiError::XmmForInt { arg } => {
                write!(
                    f,
                    "argument {arg} is an integer but its source is an XMM register"
                )
            }
            AbiError::StackPointerForFloat { arg } => {
                write!(f, "argument {arg} is a float but its source is rsp")
            }
            AbiError::CannotSave(r) => write!(f, "{r} cannot be saved here"),
            AbiError::SavedTwice(r) => write!(f, "{r} is saved twice"),
            AbiError::ResultRestored(r) => {
                write!(
                    f,
                    "the result goes to {r}, which is restored after the call"
                )
            }
            AbiError::TooLarge => write!(f, "the stack area does not fit 31 bits"),
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

/// Where the result goes after the call (before saved registers are restored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ret {
    Int(Gpq),
    Float(Xmm),
}

/// A call to emit: target, arguments, registers to preserve, stack depth.
///
/// ```
/// use jitasm::abi::{Arg, Call, CallConv};
/// use jitasm::x64::builder::{regs::*, qword_ptr, Builder};
/// use jitasm::x64::Mode;
/// use jitasm::{isa::X64, VecAssembler};
///
/// # fn main() -> Result<(), jitasm::abi::AbiError> {
/// let mut asm = VecAssembler::<X64>::new(0);
/// let mut b = Builder::new(&mut asm, Mode::Long);
/// // f(rsi, rdi, [rbx + 8], 1.5, xmm3), keeping rcx and rdx, result in rbx.
/// Call::new(CallConv::SysV, 0x1234_5678_9abc_u64)
///     .args([
///         Arg::Int(rsi.into()),
///         Arg::Int(rdi.into()),
///         Arg::Int(qword_ptr(rbx + 8).into()),
///         Arg::f64_imm(1.5),
///         Arg::F32(xmm3.into()),
///     ])
///     .save(&[rcx, rdx])
///     .ret_int(rbx)
///     .emit(&mut b)?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Call<'a> {
    conv: CallConv,
    target: CallTarget,
    args: Vec<Arg<'a>>,
    save: Vec<Gpq>,
    save_xmm: Vec<Xmm>,
    depth: i32,
    ret: Option<Ret>,
}

/// A move into an argument register.
#[derive(Clone, Copy, Debug)]
struct Move<'a> {
    /// Register number of the destination (GP or XMM by phase).
    dst: u8,
    src: MSrc<'a>,
    /// 4 for `f32`, 8 otherwise.
    size: u8,
}

/// The source of a [`Move`].
#[derive(Clone, Copy, Debug)]
enum MSrc<'a> {
    Gp(u8),
    Xmm(u8),
    Imm(i64),
    /// Memory, `rsp`-based addresses relative to the original `rsp`.
    Mem(Mem<'a>),
    /// The original `rsp`.
    OrigRsp,
    /// A temporary slot at `[rsp + n]` (current `rsp`).
    Slot(i32),
}

fn gp(n: u8) -> Gpq {
    Gpq::new(n).expect("a register number below 16")
}

fn xmm(n: u8) -> Xmm {
    Xmm::new(n).expect("a register number below 32")
}

fn is_gp64(r: Reg) -> bool {
    r.class() == RegClass::Gp64
}

const RSP: u8 = 4;

impl<'a> MSrc<'a> {
    /// Whether this source reads GP register `n`.
    fn reads_gp(&self, n: u8) -> bool {
        match *self {
            MSrc::Gp(r) => r == n,
            MSrc::Mem(m) => [m.base, m.index]
                .iter()
                .flatten()
                .any(|r| is_gp64(*r) && r.num() == n),
            _ => false,
        }
    }

    fn reads_xmm(&self, n: u8) -> bool {
        matches!(*self, MSrc::Xmm(r) if r == n)
    }

    /// Renames GP registers `a` and `b` into each other (after `xchg a, b`).
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
                for r in [&mut m.base, &mut m.index].into_iter().flatten() {
                    if is_gp64(*r) && r.num() != RSP {
                        *r = gp(sw(r.num())).reg();
                    }
                }
            }
            _ => {}
        }
    }

    fn swap_xmm(&mut self, a: u8, b: u8) {
        if let MSrc::Xmm(r) = self {
            if *r == a {
                *r = b;
            } else if *r == b {
                *r = a;
            }
        }
    }
}

/// `m` read with `rsp` `delta` bytes below the original `rsp`.
fn adjust(m: Mem<'_>, delta: i32, size: u16) -> Mem<'_> {
    let m = match m.base {
        Some(b) if is_gp64(b) && b.num() == RSP => m.disp(i64::from(delta)),
        _ => m,
    };
    m.sized(size)
}

/// `[rsp + off]`, `size` bytes.
fn at_rsp(off: i32, size: u16) -> Mem<'static> {
    Mem::base(rsp.reg()).disp(i64::from(off)).sized(size)
}

/// Stores an immediate into the qword at `[rsp + off]`.
fn store_imm64<S: CodeSink>(b: &mut Builder<'_, S>, off: i32, v: i64) -> Result<(), EncodeError> {
    if let Ok(v32) = i32::try_from(v) {
        b.mov(qword_ptr(at_rsp(off, 8)), v32)
    } else {
        b.mov(dword_ptr(at_rsp(off, 4)), v as i32)?;
        b.mov(dword_ptr(at_rsp(off + 4, 4)), (v >> 32) as i32)
    }
}

fn round_up(n: i64, to: i64) -> i64 {
    (n + to - 1) / to * to
}

impl<'a> Call<'a> {
    /// A call of `target` with convention `conv`, no arguments yet, at depth 0.
    pub fn new(conv: CallConv, target: impl Into<CallTarget>) -> Self {
        Call {
            conv,
            target: target.into(),
            args: Vec::new(),
            save: Vec::new(),
            save_xmm: Vec::new(),
            depth: 0,
            ret: None,
        }
    }

    /// Sets the convention (a [`Frame::call`] takes the frame's; a function
    /// may call functions of another convention).
    pub fn conv(mut self, conv: CallConv) -> Self {
        self.conv = conv;
        self
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: Arg<'a>) -> Self {
        self.args.push(arg);
        self
    }

    /// Adds arguments.
    pub fn args(mut self, args: impl IntoIterator<Item = Arg<'a>>) -> Self {
        self.args.extend(args);
        self
    }

    /// Registers to preserve around the call: pushed before the arguments are
    /// set up (after they are read, so they may be sources too) and popped
    /// after the call. Saving `rax` loses the result unless
    /// [`ret_int`](Self::ret_int) moves it elsewhere.
    pub fn save(mut self, regs: &[Gpq]) -> Self {
        self.save.extend_from_slice(regs);
        self
    }

    /// XMM registers to preserve around the call (all 128 bits), spilled to
    /// the call's stack area. Saving `xmm0` loses a float result unless
    /// [`ret_float`](Self::ret_float) moves it elsewhere.
    pub fn save_xmm(mut self, regs: &[Xmm]) -> Self {
        self.save_xmm.extend_from_slice(regs);
        self
    }

    /// The stack depth where the call is emitted: bytes pushed since function
    /// entry, the return address not counted (see the [module](self) docs).
    pub fn depth(mut self, bytes: i32) -> Self {
        self.depth = bytes;
        self
    }

    /// Moves the integer result (`rax`) to `dst` before the saved registers
    /// are restored.
    pub fn ret_int(mut self, dst: Gpq) -> Self {
        self.ret = Some(Ret::Int(dst));
        self
    }

    /// Moves the float result (`xmm0`, whole register) to `dst` before the
    /// saved registers are restored.
    pub fn ret_float(mut self, dst: Xmm) -> Self {
        self.ret = Some(Ret::Float(dst));
        self
    }

    /// Where each argument goes: `Ok(register number)` (GP for integers, XMM
    /// for floats) or `Err(stack slot index)`.
    fn assign(&self) -> Vec<Result<u8, usize>> {
        let (ints, floats) = (self.conv.int_arg_regs(), self.conv.float_arg_regs());
        let (mut ni, mut nf, mut ns) = (0, 0, 0);
        self.args
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let reg = match self.conv {
                    CallConv::SysV if a.is_float() => {
                        nf += 1;
                        floats.get(nf - 1).map(|x| x.reg().num())
                    }
                    CallConv::SysV => {
                        ni += 1;
                        ints.get(ni - 1).map(|r| r.reg().num())
                    }
                    CallConv::Win64 if a.is_float() => floats.get(i).map(|x| x.reg().num()),
                    CallConv::Win64 => ints.get(i).map(|r| r.reg().num()),
                };
                reg.ok_or_else(|| {
                    ns += 1;
                    ns - 1
                })
            })
            .collect()
    }

    fn check(&self) -> Result<(), AbiError> {
        for (i, a) in self.args.iter().enumerate() {
            match (a, a.src()) {
                (Arg::Int(_), Src::Xmm(_)) => return Err(AbiError::XmmForInt { arg: i }),
                (Arg::F64(_) | Arg::F32(_), Src::Reg(r)) if r == rsp => {
                    return Err(AbiError::StackPointerForFloat { arg: i })
                }
                _ => {}
            }
        }
        if self.save.contains(&rsp) {
            return Err(AbiError::CannotSave(rsp.reg()));
        }
        match self.ret {
            Some(Ret::Int(r)) if self.save.contains(&r) => Err(AbiError::ResultRestored(r.reg())),
            Some(Ret::Int(r)) if r == rsp => Err(AbiError::CannotSave(r.reg())),
            Some(Ret::Float(x)) if self.save_xmm.contains(&x) => {
                Err(AbiError::ResultRestored(x.reg()))
            }
            _ => Ok(()),
        }
    }

    /// Emits the call sequence: saves, argument set-up, `call`, result move,
    /// restores. See the [module](self) docs for what it clobbers.
    pub fn emit<S: CodeSink>(&self, b: &mut Builder<'_, S>) -> Result<(), AbiError> {
        self.check()?;
        let places = self.assign();
        let n_stack = places.iter().filter(|p| p.is_err()).count() as i64;
        let n_temp = self
            .args
            .iter()
            .zip(&places)
            .filter(|(a, p)| p.is_ok() && !a.is_float() && matches!(a.src(), Src::Mem(_)))
            .count() as i64;
        let shadow = i64::from(self.conv.shadow_space());
        let temp_off = shadow + 8 * n_stack;
        let xmm_off = temp_off + 8 * n_temp;
        let pushed = 8 * self.save.len() as i64;
        let unpadded = xmm_off + 16 * self.save_xmm.len() as i64;
        // depth + 8 (return address) + pushed + area ≡ 0 (mod 16)
        let pad = (-(i64::from(self.depth) + 8 + pushed + unpadded)).rem_euclid(16);
        let area = unpadded + pad;
        let total = pushed + area;
        if total > i64::from(i32::MAX / 2) {
            return Err(AbiError::TooLarge);
        }
        let (temp_off, xmm_off, area) = (temp_off as i32, xmm_off as i32, area as i32);
        // rsp is `delta` below the original rsp.
        let delta = total as i32;

        for r in &self.save {
            b.push(*r)?;
        }
        if area > 0 {
            b.sub(rsp, area)?;
        }
        for (i, x) in self.save_xmm.iter().enumerate() {
            b.movdqu(xmmword_ptr(at_rsp(xmm_off + 16 * i as i32, 16)), *x)?;
        }

        // Stack arguments: they write memory only.
        for (a, p) in self.args.iter().zip(&places) {
            if let Err(slot) = *p {
                let off = shadow as i32 + 8 * slot as i32;
                self.store_stack(b, a, off, delta)?;
            }
        }

        // Register arguments, floats first: they write XMM registers only,
        // which integer moves never read.
        let mut xmm_moves = Vec::new();
        let mut gp_moves = Vec::new();
        for (a, p) in self.args.iter().zip(&places) {
            if let Ok(dst) = *p {
                let size = if matches!(a, Arg::F32(_)) { 4 } else { 8 };
                let src = match a.src() {
                    Src::Reg(r) if r == rsp => MSrc::OrigRsp,
                    Src::Reg(r) => MSrc::Gp(r.reg().num()),
                    Src::Xmm(x) => MSrc::Xmm(x.reg().num()),
                    Src::Imm(v) => MSrc::Imm(v),
                    Src::Mem(m) => MSrc::Mem(m),
                };
                let mv = Move { dst, src, size };
                if a.is_float() {
                    xmm_moves.push(mv);
                } else {
                    gp_moves.push(mv);
                }
            }
        }
        xmm_phase(b, xmm_moves, delta)?;
        gp_phase(b, gp_moves, delta, temp_off)?;

        if self.conv == CallConv::SysV {
            let used = self.args.iter().zip(&places);
            let n_vec = used.filter(|(a, p)| a.is_float() && p.is_ok()).count();
            b.mov(eax, n_vec as i32)?;
        }
        match self.target {
            CallTarget::Addr(a) => {
                b.mov(r11, a)?;
                b.call(r11)?;
            }
            CallTarget::Label(l) => b.call(l)?,
        }

        match self.ret {
            Some(Ret::Int(r)) if r != rax => b.mov(r, rax)?,
            Some(Ret::Float(x)) if x != xmm0 => b.movaps(x, xmm0)?,
            _ => {}
        }
        for (i, x) in self.save_xmm.iter().enumerate() {
            b.movdqu(*x, xmmword_ptr(at_rsp(xmm_off + 16 * i as i32, 16)))?;
        }
        if area > 0 {
            b.add(rsp, area)?;
        }
        for r in self.save.iter().rev() {
            b.pop(*r)?;
        }
        Ok(())
    }

    /// Stores argument `a` into `[rsp + off]`; `rsp` is `delta` below the
    /// original. Writes no register (or restores the one it borrows).
    fn store_stack<S: CodeSink>(
        &self,
        b: &mut Builder<'_, S>,
        a: &Arg<'a>,
        off: i32,
        delta: i32,
    ) -> Result<(), EncodeError> {
        match (*a, a.src()) {
            (_, Src::Reg(r)) if r == rsp => {
                b.push(rsp)?;
                b.add(qword_ptr(at_rsp(0, 8)), delta)?;
                b.pop(qword_ptr(at_rsp(off, 8)))
            }
            (_, Src::Reg(r)) => b.mov(qword_ptr(at_rsp(off, 8)), r),
            (Arg::F32(_), Src::Imm(v)) => b.mov(dword_ptr(at_rsp(off, 4)), v as i32),
            (_, Src::Imm(v)) => store_imm64(b, off, v),
            (Arg::F32(_), Src::Xmm(x)) => b.movss(dword_ptr(at_rsp(off, 4)), x),
            (_, Src::Xmm(x)) => b.movsd_2(qword_ptr(at_rsp(off, 8)), x),
            (Arg::F32(_), Src::Mem(m)) => {
                // 4 bytes only: through r11, saved around.
                b.push(r11)?;
                b.mov(r11d, dword_ptr(adjust(m, delta + 8, 4)))?;
                b.mov(dword_ptr(at_rsp(off + 8, 4)), r11d)?;
                b.pop(r11)
            }
            (_, Src::Mem(m)) => {
                // `push` computes its address before moving rsp, `pop` after.
                b.push(qword_ptr(adjust(m, delta, 8)))?;
                b.pop(qword_ptr(at_rsp(off, 8)))
            }
        }
    }
}

/// Moves into XMM argument registers. Sources other than XMM registers read
/// no XMM register; cycles among XMM registers are broken by swaps.
fn xmm_phase<S: CodeSink>(
    b: &mut Builder<'_, S>,
    mut moves: Vec<Move<'_>>,
    delta: i32,
) -> Result<(), EncodeError> {
    while !moves.is_empty() {
        let ready = (0..moves.len()).find(|&i| {
            let d = moves[i].dst;
            moves
                .iter()
                .enumerate()
                .all(|(j, m)| j == i || !m.src.reads_xmm(d))
        });
        if let Some(i) = ready {
            let m = moves.remove(i);
            let d = xmm(m.dst);
            match m.src {
                MSrc::Xmm(s) if s == m.dst => {}
                MSrc::Xmm(s) => b.movaps(d, xmm(s))?,
                MSrc::Gp(s) => b.movq(d, gp(s))?,
                MSrc::Imm(v) => {
                    // Through the stack: no GP register is free for sure.
                    if m.size == 4 {
                        b.push(v as i32)?;
                        b.movss(d, dword_ptr(at_rsp(0, 4)))?;
                    } else {
                        b.push(v as i32)?;
                        b.mov(dword_ptr(at_rsp(4, 4)), (v >> 32) as i32)?;
                        b.movsd_2(d, qword_ptr(at_rsp(0, 8)))?;
                    }
                    b.add(rsp, 8)?;
                }
                MSrc::Mem(mem) if m.size == 4 => b.movss(d, dword_ptr(adjust(mem, delta, 4)))?,
                MSrc::Mem(mem) => b.movsd_2(d, qword_ptr(adjust(mem, delta, 8)))?,
                MSrc::OrigRsp | MSrc::Slot(_) => unreachable!("not float sources"),
            }
        } else {
            // Every destination is still read: only XMM-to-XMM moves read
            // XMM registers, so one of them is on a cycle. Swap.
            let i = moves
                .iter()
                .position(|m| matches!(m.src, MSrc::Xmm(_)))
                .expect("a cycle of register moves");
            let m = moves.remove(i);
            let MSrc::Xmm(s) = m.src else { unreachable!() };
            let (d, sx) = (xmm(m.dst), xmm(s));
            b.xorps(d, sx)?;
            b.xorps(sx, d)?;
            b.xorps(d, sx)?;
            for o in &mut moves {
                o.src.swap_xmm(m.dst, s);
            }
        }
    }
    Ok(())
}

/// Moves into GP argument registers: a move goes once no other pending move
/// reads its destination; when none can, a memory source is parked in a
/// stack slot, or else a register cycle is broken with `xchg`.
fn gp_phase<S: CodeSink>(
    b: &mut Builder<'_, S>,
    mut moves: Vec<Move<'_>>,
    delta: i32,
    mut temp_off: i32,
) -> Result<(), EncodeError> {
    while !moves.is_empty() {
        let ready = (0..moves.len()).find(|&i| {
            let d = moves[i].dst;
            moves
                .iter()
                .enumerate()
                .all(|(j, m)| j == i || !m.src.reads_gp(d))
        });
        if let Some(i) = ready {
            let m = moves.remove(i);
            let d = gp(m.dst);
            match m.src {
                MSrc::Gp(s) if s == m.dst => {}
                MSrc::Gp(s) => b.mov(d, gp(s))?,
                MSrc::Imm(v) => b.mov(d, v)?,
                MSrc::Mem(mem) => b.mov(d, qword_ptr(adjust(mem, delta, 8)))?,
                MSrc::OrigRsp => b.lea(d, ptr_rsp(delta))?,
                MSrc::Slot(off) => b.mov(d, qword_ptr(at_rsp(off, 8)))?,
                MSrc::Xmm(_) => unreachable!("rejected by check"),
            }
        } else if let Some(m) = moves.iter_mut().find(|m| matches!(m.src, MSrc::Mem(_))) {
            let MSrc::Mem(mem) = m.src else {
                unreachable!()
            };
            b.push(qword_ptr(adjust(mem, delta, 8)))?;
            b.pop(qword_ptr(at_rsp(temp_off, 8)))?;
            m.src = MSrc::Slot(temp_off);
            temp_off += 8;
        } else {
            let i = moves
                .iter()
                .position(|m| matches!(m.src, MSrc::Gp(_)))
                .expect("a cycle of register moves");
            let m = moves.remove(i);
            let MSrc::Gp(s) = m.src else { unreachable!() };
            b.xchg(gp(m.dst), gp(s))?;
            for o in &mut moves {
                o.src.swap_gp(m.dst, s);
            }
        }
    }
    Ok(())
}

fn ptr_rsp(delta: i32) -> Mem<'static> {
    Mem::base(rsp.reg()).disp(i64::from(delta))
}

/// A stack frame: prologue, epilogue, locals, and the depth calls inside it
/// are emitted at.
///
/// Layout (addresses decreasing): return address; saved `rbp` (where `rbp`
/// points); the registers of [`save`](Self::save) in order; 0 or 8 bytes of
/// padding; the locals (rounded up to 16 bytes, 16-byte aligned); the XMM
/// registers of [`save_xmm`](Self::save_xmm), 16 bytes each, where `rsp`
/// points after the prologue, 16-byte aligned.
///
/// ```
/// use jitasm::abi::{CallConv, Frame};
/// use jitasm::x64::builder::{prelude::*, regs::*, qword_ptr, Builder};
/// use jitasm::x64::Mode;
/// use jitasm::{isa::X64, VecAssembler};
///
/// # fn main() -> Result<(), jitasm::abi::AbiError> {
/// let frame = Frame::new(CallConv::Win64).save(&[rbx, rsi]).save_xmm(&[xmm6]).locals(8);
/// assert_eq!(frame.depth() % 16, 8);
/// let mut asm = VecAssembler::<X64>::new(0);
/// let mut b = Builder::new(&mut asm, Mode::Long);
/// frame.prologue(&mut b)?;
/// b.mov(qword_ptr(frame.local(0)), rcx)?;
/// b.mov(rax, qword_ptr(frame.local(0)))?;
/// frame.ret(&mut b)?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    conv: CallConv,
    save: Vec<Gpq>,
    save_xmm: Vec<Xmm>,
    locals: u32,
}

impl Frame {
    /// A frame for a function of convention `conv` that saves only `rbp`
    /// and has no locals.
    pub fn new(conv: CallConv) -> Self {
        Frame {
            conv,
            save: Vec::new(),
            save_xmm: Vec::new(),
            locals: 0,
        }
    }

    /// General-purpose registers the prologue pushes and the epilogue pops,
    /// typically the callee-saved ones the body uses
    /// ([`CallConv::callee_saved`]: `rbx r12–r15`, and for Win64 `rsi rdi`
    /// too). Any 64-bit register but `rsp` and `rbp` is accepted.
    pub fn save(mut self, regs: &[Gpq]) -> Self {
        self.save.extend_from_slice(regs);
        self
    }

    /// XMM registers (all 128 bits) the prologue spills and the epilogue
    /// reloads: for Win64 the callee-saved `xmm6`–`xmm15` the body uses
    /// ([`CallConv::callee_saved_xmm`]). The upper halves of YMM/ZMM
    /// registers are not saved.
    pub fn save_xmm(mut self, regs: &[Xmm]) -> Self {
        self.save_xmm.extend_from_slice(regs);
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

    fn pad(&self) -> i64 {
        (8 * self.save.len() as i64) % 16
    }

    fn locals16(&self) -> i64 {
        round_up(i64::from(self.locals), 16)
    }

    /// What the prologue subtracts from `rsp` after its pushes.
    fn sub(&self) -> i64 {
        16 * self.save_xmm.len() as i64 + self.locals16() + self.pad()
    }

    /// `rbp` minus the address of the first local.
    fn locals_below_rbp(&self) -> i64 {
        8 * self.save.len() as i64 + self.pad() + self.locals16()
    }

    /// Bytes pushed since function entry once the prologue has run (the
    /// return address not counted): `8 (mod 16)`, since `rsp` is then
    /// 16-byte aligned. Give it to [`Call::depth`] (or use [`Frame::call`]).
    pub fn depth(&self) -> i32 {
        (8 + 8 * self.save.len() as i64 + self.sub()) as i32
    }

    /// The local at byte `offset` of the locals area, `rbp`-relative, no
    /// size (wrap it in `qword_ptr` & co.). The area starts 16-byte aligned;
    /// `offset` should stay below [`locals`](Self::locals) rounded up to 16.
    pub fn local(&self, offset: i32) -> Mem<'static> {
        Mem::base(rbp.reg()).disp(i64::from(offset) - self.locals_below_rbp())
    }

    /// A [`Call`] of `target` with this frame's convention and depth (right
    /// between the prologue and the epilogue, with nothing else pushed).
    pub fn call<'a>(&self, target: impl Into<CallTarget>) -> Call<'a> {
        Call::new(self.conv, target).depth(self.depth())
    }

    fn check(&self) -> Result<(), AbiError> {
        for (i, r) in self.save.iter().enumerate() {
            if *r == rsp || *r == rbp {
                return Err(AbiError::CannotSave(r.reg()));
            }
            if self.save[..i].contains(r) {
                return Err(AbiError::SavedTwice(r.reg()));
            }
        }
        for (i, x) in self.save_xmm.iter().enumerate() {
            if self.save_xmm[..i].contains(x) {
                return Err(AbiError::SavedTwice(x.reg()));
            }
        }
        if self.locals > i32::MAX as u32 / 4 || self.save_xmm.len() > 32 {
            return Err(AbiError::TooLarge);
        }
        Ok(())
    }

    fn xmm_slot(&self, i: usize) -> Mem<'static> {
        let below = self.locals_below_rbp() + 16 * self.save_xmm.len() as i64;
        xmmword_ptr(Mem::base(rbp.reg()).disp(16 * i as i64 - below))
    }

    /// Emits the prologue: `push rbp; mov rbp, rsp`, a `push` per saved
    /// register, `sub rsp, N`, the XMM spills. Afterwards `rsp` is 16-byte
    /// aligned and the depth is [`depth`](Self::depth).
    pub fn prologue<S: CodeSink>(&self, b: &mut Builder<'_, S>) -> Result<(), AbiError> {
        self.check()?;
        b.push(rbp)?;
        b.mov(rbp, rsp)?;
        for r in &self.save {
            b.push(*r)?;
        }
        let sub = self.sub();
        if sub > 0 {
            b.sub(rsp, sub)?;
        }
        for (i, x) in self.save_xmm.iter().enumerate() {
            b.movdqu(self.xmm_slot(i), *x)?;
        }
        Ok(())
    }

    /// Emits the epilogue without `ret`: XMM reloads, `rsp` back from `rbp`
    /// (so whatever the body left pushed is dropped), the pops, `pop rbp`.
    pub fn epilogue<S: CodeSink>(&self, b: &mut Builder<'_, S>) -> Result<(), AbiError> {
        self.check()?;
        for (i, x) in self.save_xmm.iter().enumerate() {
            b.movdqu(*x, self.xmm_slot(i))?;
        }
        if self.save.is_empty() {
            b.mov(rsp, rbp)?;
        } else {
            let below = 8 * self.save.len() as i64;
            b.lea(rsp, Mem::base(rbp.reg()).disp(-below))?;
            for r in self.save.iter().rev() {
                b.pop(*r)?;
            }
        }
        b.pop(rbp)?;
        Ok(())
    }

    /// Emits the epilogue and `ret`.
    pub fn ret<S: CodeSink>(&self, b: &mut Builder<'_, S>) -> Result<(), AbiError> {
        self.epilogue(b)?;
        b.ret()?;
        Ok(())
    }
}
