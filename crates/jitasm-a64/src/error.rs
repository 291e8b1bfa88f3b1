//! Why an instruction cannot be encoded.

use core::fmt;

/// Why an instruction cannot be encoded. Every value error says which rule
/// the value breaks; nothing is ever masked or truncated to fit.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The mnemonic is not an A64 instruction (of the table's scope).
    UnknownMnemonic,
    /// An alias (`mov`, `cmp`, `lsl`, `cset`…) whose operands fit none of
    /// the ways it is written.
    NoMatchingForm,
    /// No form of the mnemonic takes this many operands.
    OperandCount {
        /// Operands given (shifts and extends not counted).
        given: u8,
    },
    /// An operand is not of a shape any form takes at its position.
    OperandMismatch {
        /// Operand position (0-based, shifts and extends counted).
        operand: u8,
        /// What the closest form wanted there.
        expected: &'static str,
    },
    /// An immediate (or a field derived from one) is out of range.
    ImmediateOutOfRange {
        /// Operand position.
        operand: u8,
        /// The value.
        value: i64,
        /// Smallest value accepted.
        min: i64,
        /// Largest value accepted.
        max: i64,
    },
    /// Not a logical (bitmask) immediate of the operation's width.
    NotBitmaskImmediate {
        /// Operand position.
        operand: u8,
        /// The value.
        value: u64,
        /// 32 or 64.
        width: u8,
    },
    /// Not a 12-bit unsigned value, optionally shifted left by 12.
    NotAddSubImmediate {
        /// Operand position.
        operand: u8,
        /// The value.
        value: i64,
    },
    /// Not a 16-bit value shifted by a multiple of 16 within the width.
    NotMoveWideImmediate {
        /// Operand position.
        operand: u8,
        /// The value.
        value: i64,
        /// 32 or 64.
        width: u8,
    },
    /// Not representable as an 8-bit floating-point immediate
    /// (±(16..=31)/16 × 2^(-3..=4)).
    NotFpImmediate {
        /// Operand position.
        operand: u8,
        /// The value.
        value: f64,
    },
    /// A `mov` immediate that no single instruction can load (not a
    /// `movz`, `movn` or `orr` immediate).
    NotMovImmediate {
        /// Operand position.
        operand: u8,
        /// The value.
        value: i64,
        /// 32 or 64.
        width: u8,
    },
    /// A `mov.inverted` immediate (dynasm-rs's spelling of `movn`) whose
    /// inverse is not a 16-bit value shifted by a multiple of 16 within
    /// the width.
    NotInvertedWideImmediate {
        /// Operand position.
        operand: u8,
        /// The value.
        value: i64,
        /// 32 or 64.
        width: u8,
    },
    /// A 64-bit SIMD immediate whose bytes are not all 0x00 or 0xff.
    NotByteMask {
        /// Operand position.
        operand: u8,
        /// The value.
        value: u64,
    },
    /// A memory offset that is out of range or not a multiple of the
    /// access size: "offset must be a multiple of `scale` in `min..=max`".
    Offset {
        /// Operand position.
        operand: u8,
        /// The offset.
        value: i64,
        /// Required alignment (1 for unscaled offsets).
        scale: u32,
        /// Smallest offset.
        min: i64,
        /// Largest offset.
        max: i64,
    },
    /// A shift or extend the form does not take.
    BadModifier {
        /// Operand position of the modifier.
        operand: u8,
        /// What the form takes.
        allowed: &'static str,
    },
    /// A vector lane index out of range.
    LaneOutOfRange {
        /// Operand position.
        operand: u8,
        /// The index.
        index: u8,
        /// Largest valid index.
        max: u8,
    },
    /// A register that the form restricts (`v0`–`v15` for halfword
    /// elements, an even first register of a pair, `xzr` as a post-index
    /// register…).
    BadRegister {
        /// Operand position.
        operand: u8,
        /// What the form requires.
        rule: &'static str,
    },
    /// A label operand given to an alias that needs a value.
    LabelNotAllowed {
        /// Operand position.
        operand: u8,
    },
    /// A branch or literal offset given as a number that is out of range or
    /// misaligned.
    PcOffset {
        /// Operand position.
        operand: u8,
        /// The offset.
        value: i64,
        /// Required alignment.
        align: u32,
        /// Smallest offset.
        min: i64,
        /// Largest offset.
        max: i64,
    },
    /// A name that is not an operation of `dc`, `ic`, `at` or `tlbi`
    /// (`dc foo, x0`; the operations are listed by
    /// [`crate::operand::SYS_OPS`]).
    UnknownOperation {
        /// Operand position.
        operand: u8,
        /// The instruction (`dc`).
        mnemonic: &'static str,
    },
    /// An operation of `dc`, `ic`, `at` or `tlbi` written without the
    /// register it takes (`dc civac`), or with one it does not take
    /// (`ic iallu, x0`).
    OperationRegister {
        /// Operand position: the operation's name when the register is
        /// missing, the register when it is one too many.
        operand: u8,
        /// The instruction (`dc`).
        mnemonic: &'static str,
        /// The operation (`civac`).
        op: &'static str,
        /// Whether the operation takes a register.
        takes: bool,
    },
}

impl EncodeError {
    /// The operand the error is about, if any.
    pub fn operand(&self) -> Option<u8> {
        use EncodeError::*;
        match *self {
            UnknownMnemonic | NoMatchingForm | OperandCount { .. } => None,
            OperandMismatch { operand, .. }
            | ImmediateOutOfRange { operand, .. }
            | NotBitmaskImmediate { operand, .. }
            | NotAddSubImmediate { operand, .. }
            | NotMoveWideImmediate { operand, .. }
            | NotFpImmediate { operand, .. }
            | NotByteMask { operand, .. }
            | NotMovImmediate { operand, .. }
            | NotInvertedWideImmediate { operand, .. }
            | Offset { operand, .. }
            | BadModifier { operand, .. }
            | LaneOutOfRange { operand, .. }
            | BadRegister { operand, .. }
            | LabelNotAllowed { operand }
            | PcOffset { operand, .. }
            | UnknownOperation { operand, .. }
            | OperationRegister { operand, .. } => Some(operand),
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use EncodeError::*;
        match self {
            UnknownMnemonic => write!(f, "unknown mnemonic"),
            NoMatchingForm => write!(f, "no form of the instruction takes these operands"),
            OperandCount { given } => write!(f, "no form takes {given} operands"),
            OperandMismatch { operand, expected } => {
                write!(f, "operand {}: expected {expected}", operand + 1)
            }
            ImmediateOutOfRange {
                operand,
                value,
                min,
                max,
            } => write!(
                f,
                "operand {}: immediate {value} out of range {min}..={max}",
                operand + 1
            ),
            NotBitmaskImmediate {
                operand,
                value,
                width,
            } => write!(
                f,
                "operand {}: {value:#x} is not a valid bitmask immediate for a {width}-bit operation",
                operand + 1
            ),
            NotAddSubImmediate { operand, value } => write!(
                f,
                "operand {}: {value:#x} is not a 12-bit unsigned immediate, optionally shifted left by 12",
                operand + 1
            ),
            NotMoveWideImmediate {
                operand,
                value,
                width,
            } => write!(
                f,
                "operand {}: {value:#x} is not a 16-bit immediate shifted by a multiple of 16 below {width}",
                operand + 1
            ),
            NotFpImmediate { operand, value } => write!(
                f,
                "operand {}: {value} is not an 8-bit floating-point immediate (±n/16 × 2^r, n in 16..=31, r in -3..=4)",
                operand + 1
            ),
            NotMovImmediate {
                operand,
                value,
                width,
            } => write!(
                f,
                "operand {}: {value:#x} cannot be moved into a {width}-bit register by one instruction (movz, movn or orr)",
                operand + 1
            ),
            NotInvertedWideImmediate {
                operand,
                value,
                width,
            } => write!(
                f,
                "operand {}: {value:#x} is not an inverted wide immediate (the bitwise inverse of a 16-bit immediate shifted by a multiple of 16 below {width})",
                operand + 1
            ),
            NotByteMask { operand, value } => write!(
                f,
                "operand {}: {value:#x} has bytes other than 0x00 and 0xff",
                operand + 1
            ),
            Offset {
                operand,
                value,
                scale,
                min,
                max,
            } => {
                if *scale > 1 {
                    write!(
                        f,
                        "operand {}: offset {value} invalid: offset must be a multiple of {scale} in {min}..={max}",
                        operand + 1
                    )
                } else {
                    write!(
                        f,
                        "operand {}: offset {value} invalid: offset must be in {min}..={max}",
                        operand + 1
                    )
                }
            }
            BadModifier { operand, allowed } => {
                write!(f, "operand {}: expected {allowed}", operand + 1)
            }
            LaneOutOfRange {
                operand,
                index,
                max,
            } => write!(
                f,
                "operand {}: lane {index} out of range 0..={max}",
                operand + 1
            ),
            BadRegister { operand, rule } => write!(f, "operand {}: {rule}", operand + 1),
            LabelNotAllowed { operand } => {
                write!(f, "operand {}: a label is not allowed here", operand + 1)
            }
            PcOffset {
                operand,
                value,
                align,
                min,
                max,
            } => write!(
                f,
                "operand {}: offset {value} invalid: must be a multiple of {align} in {min}..={max}",
                operand + 1
            ),
            UnknownOperation { operand, mnemonic } => {
                write!(f, "operand {}: not a `{mnemonic}` operation", operand + 1)
            }
            OperationRegister {
                operand,
                mnemonic,
                op,
                takes: true,
            } => write!(
                f,
                "operand {}: `{mnemonic} {op}` takes a 64-bit register (`{mnemonic} {op}, x0`)",
                operand + 1
            ),
            OperationRegister {
                operand,
                mnemonic,
                op,
                takes: false,
            } => write!(
                f,
                "operand {}: `{mnemonic} {op}` takes no register",
                operand + 1
            ),
        }
    }
}

impl core::error::Error for EncodeError {}
