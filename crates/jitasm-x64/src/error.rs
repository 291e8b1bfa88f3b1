//! Why an instruction cannot be encoded.

use crate::operand::{Mnemonic, Mode};
use crate::reg::Reg;
use crate::table::Form;
use core::fmt;

/// What is wrong with a memory operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemProblem {
    /// The scale is not 1, 2, 4 or 8.
    Scale(u8),
    /// `rsp`/`esp` cannot be an index.
    StackPointerIndex,
    /// Base and index are of different sizes.
    MixedSizes,
    /// The register cannot address memory (`al`, `xmm0` as a base…).
    NotAnAddress(Reg),
    /// `rip` with an index register.
    RipWithIndex,
    /// 16-bit addressing (`[bx + si]`), which jitasm does not encode.
    Addr16,
    /// A 64-bit register used as an address in 32-bit mode.
    Addr64In32,
    /// The displacement does not fit 32 bits.
    DispOutOfRange(i64),
    /// `[BYTE …]` was asked for but the displacement needs more.
    DispNotByte(i64),
    /// A segment override that is not a segment register.
    NotASegment(Reg),
    /// The form needs a plain address (no base or index), e.g. `moffs`.
    NotAbsolute,
    /// The form needs addresses of this many bits (`enqcmd r32, [eax]`; MPX
    /// in 64-bit mode takes only 64-bit addresses).
    AddressSize(u8),
}

impl fmt::Display for MemProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemProblem::Scale(s) => write!(f, "scale {s} is not 1, 2, 4 or 8"),
            MemProblem::StackPointerIndex => write!(f, "the stack pointer cannot be an index"),
            MemProblem::MixedSizes => write!(f, "base and index registers differ in size"),
            MemProblem::NotAnAddress(r) => write!(f, "{r} cannot address memory"),
            MemProblem::RipWithIndex => write!(f, "rip-relative addresses take no index"),
            MemProblem::Addr16 => write!(f, "16-bit addressing is not supported"),
            MemProblem::Addr64In32 => {
                write!(f, "64-bit registers cannot address memory in 32-bit mode")
            }
            MemProblem::DispOutOfRange(d) => write!(f, "displacement {d:#x} does not fit 32 bits"),
            MemProblem::DispNotByte(d) => write!(f, "displacement {d:#x} does not fit a byte"),
            MemProblem::NotASegment(r) => write!(f, "{r} is not a segment register"),
            MemProblem::NotAbsolute => write!(f, "the form needs an absolute address"),
            MemProblem::AddressSize(b) => write!(f, "the address must use {b}-bit registers"),
        }
    }
}

/// Why an instruction cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The mnemonic is not an x86 instruction.
    UnknownMnemonic,
    /// No form of the mnemonic takes these operands. The forms that exist
    /// are listed by [`EncodeError::forms`].
    NoMatchingForm {
        /// The mnemonic.
        mnemonic: Mnemonic,
        /// The mode.
        mode: Mode,
    },
    /// The mnemonic exists but not in this mode (e.g. `aaa` in 64-bit mode).
    NotInMode {
        /// The mnemonic.
        mnemonic: Mnemonic,
        /// The mode.
        mode: Mode,
    },
    /// An immediate does not fit the field of any form that takes it.
    ImmediateOutOfRange {
        /// Operand position (0-based).
        operand: u8,
        /// The value.
        value: i64,
        /// Smallest value the widest field takes.
        min: i64,
        /// Largest value the widest field takes.
        max: i64,
    },
    /// A memory operand that cannot be encoded.
    Memory {
        /// Operand position.
        operand: u8,
        /// What is wrong.
        problem: MemProblem,
    },
    /// The memory operand's size is not written and the forms that match
    /// disagree on it: write `BYTE`/`DWORD`/`xmmword ptr`….
    AmbiguousSize {
        /// The mnemonic.
        mnemonic: Mnemonic,
    },
    /// A register that does not exist in this position (number too large for
    /// the field, `r8` in 32-bit mode, `xmm16` outside EVEX…).
    RegisterNotEncodable {
        /// Operand position.
        operand: u8,
        /// The register.
        reg: Reg,
    },
    /// `ah`/`bh`/`ch`/`dh` with an operand or form that needs a REX prefix.
    HighByteWithRex {
        /// The high-byte register.
        reg: Reg,
    },
    /// A decoration or prefix the chosen form does not take.
    Decoration {
        /// What is not allowed (`"{z}"`, `"{1to16}"`, `"lock"`…).
        what: &'static str,
    },
    /// Registers that must differ are the same (gathers, `vp2intersect`).
    SameRegisters,
}

impl EncodeError {
    /// For [`EncodeError::NoMatchingForm`] and similar, the forms of the
    /// mnemonic valid in the mode, to show the user.
    pub fn forms(&self) -> impl Iterator<Item = &'static Form> {
        let (m, mode) = match self {
            EncodeError::NoMatchingForm { mnemonic, mode }
            | EncodeError::NotInMode { mnemonic, mode } => (Some(*mnemonic), *mode),
            _ => (None, Mode::Long),
        };
        m.map(|m| crate::table::forms_by_index(m.index()))
            .unwrap_or(&[])
            .iter()
            .filter(move |f| f.valid_in(mode))
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::UnknownMnemonic => write!(f, "unknown mnemonic"),
            EncodeError::NoMatchingForm { mnemonic, .. } => {
                write!(f, "no form of `{}` takes these operands; the forms are:", mnemonic.name())?;
                for form in self.forms() {
                    write!(f, "\n    {}", form.notation())?;
                }
                Ok(())
            }
            EncodeError::NotInMode { mnemonic, mode } => write!(
                f,
                "`{}` is not valid in {} mode",
                mnemonic.name(),
                if mode.is64() { "64-bit" } else { "32-bit" }
            ),
            EncodeError::ImmediateOutOfRange {
                operand,
                value,
                min,
                max,
            } => write!(
                f,
                "operand {}: immediate {value} is out of range {min}..={max}",
                operand + 1
            ),
            EncodeError::Memory { operand, problem } => {
                write!(f, "operand {}: {problem}", operand + 1)
            }
            EncodeError::AmbiguousSize { mnemonic } => write!(
                f,
                "`{}`: the memory operand's size is ambiguous; state it (BYTE, WORD, DWORD, QWORD…)",
                mnemonic.name()
            ),
            EncodeError::RegisterNotEncodable { operand, reg } => {
                write!(f, "operand {}: {reg} cannot be encoded here", operand + 1)
            }
            EncodeError::HighByteWithRex { reg } => write!(
                f,
                "{reg} cannot be used in an instruction that needs a REX prefix"
            ),
            EncodeError::Decoration { what } => {
                write!(f, "{what} is not allowed on this instruction")
            }
            EncodeError::SameRegisters => {
                write!(f, "the register operands of this instruction must all differ")
            }
        }
    }
}

impl core::error::Error for EncodeError {}
