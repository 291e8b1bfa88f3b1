//! The typed errors of jitasm.

use alloc::string::String;
use core::fmt;

/// A label as named in an error message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LabelName {
    /// `->name`
    Global(String),
    /// `>name` (forward) or `<name` (backward).
    Local {
        /// The label's name.
        name: String,
        /// Whether the reference looked forward.
        forward: bool,
    },
    /// `=>index`
    Dynamic(u32),
}

impl fmt::Display for LabelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelName::Global(n) => write!(f, "->{n}"),
            LabelName::Local {
                name,
                forward: true,
            } => write!(f, ">{name}"),
            LabelName::Local {
                name,
                forward: false,
            } => write!(f, "<{name}"),
            LabelName::Dynamic(i) => write!(f, "=>{i}"),
        }
    }
}

/// Why a fixup value does not fit its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixupProblem {
    /// The value is outside the range the field can hold.
    OutOfRange {
        /// The value (in bytes, before scaling).
        value: i128,
        /// The smallest value the field can hold.
        min: i128,
        /// The largest value the field can hold.
        max: i128,
    },
    /// The value is not a multiple of the field's scale.
    Misaligned {
        /// The value (in bytes, before scaling).
        value: i128,
        /// The required alignment.
        align: u32,
    },
}

/// A value in hex with its sign (`-0x80`, not its two's complement).
struct SignedHex(i128);

impl fmt::Display for SignedHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 0 {
            write!(f, "-{:#x}", self.0.unsigned_abs())
        } else {
            write!(f, "{:#x}", self.0)
        }
    }
}

/// A fixup value that does not fit its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixupError {
    /// The fixup kind's name.
    pub kind: &'static str,
    /// What is wrong.
    pub problem: FixupProblem,
}

impl fmt::Display for FixupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            FixupProblem::OutOfRange { value, min, max } => write!(
                f,
                "{}: value {} is out of range {}..={}",
                self.kind,
                SignedHex(value),
                SignedHex(min),
                SignedHex(max)
            ),
            FixupProblem::Misaligned { value, align } => write!(
                f,
                "{}: value {} is not a multiple of {align}",
                self.kind,
                SignedHex(value)
            ),
        }
    }
}

/// Every error jitasm reports.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A label was referenced but never defined.
    UnknownLabel {
        /// The label.
        label: LabelName,
        /// Offset of the referencing fixup.
        at: usize,
    },
    /// A global or dynamic label was defined twice.
    DuplicateLabel {
        /// The label.
        label: LabelName,
        /// Offset of the first definition.
        first: usize,
        /// Offset of the second definition.
        second: usize,
    },
    /// A dynamic label id that this assembler never handed out.
    InvalidDynamicLabel {
        /// The id.
        index: u32,
    },
    /// A label's address does not fit the field that references it.
    Fixup {
        /// Offset of the patched unit.
        at: usize,
        /// The label referenced, when the target is one (boxed to keep
        /// `Error` small).
        label: Option<alloc::boxed::Box<LabelName>>,
        /// What does not fit.
        error: FixupError,
    },
    /// A value given at run time does not fit its field (never masked).
    ValueOutOfRange {
        /// What the value is ("register number", "imm8"…).
        what: &'static str,
        /// The value.
        value: i128,
        /// The smallest accepted value.
        min: i128,
        /// The largest accepted value.
        max: i128,
    },
    /// An offset outside the code it refers to.
    OffsetOutOfBounds {
        /// The offset.
        offset: usize,
        /// The length of the code.
        len: usize,
    },
    /// The code does not fit the reserved executable region.
    CapacityExceeded {
        /// Bytes needed.
        needed: usize,
        /// Bytes reserved.
        capacity: usize,
    },
    /// An operating-system call on code memory failed.
    Memory {
        /// The call (`"mmap"`, `"mprotect"`…).
        op: &'static str,
        /// The OS error code (`errno` / `GetLastError`).
        code: i32,
    },
    /// An instruction whose operands were given at run time (`dynasm!` with
    /// `Rq(n)`, a Rust expression as immediate…) cannot be encoded with them.
    Encode {
        /// Offset where the instruction would have started.
        at: usize,
        /// What is wrong, as the instruction set's encoder says it.
        message: alloc::string::String,
    },
    /// The requested feature is not available on this platform.
    Unsupported {
        /// What was requested.
        what: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownLabel { label, at } => {
                write!(
                    f,
                    "label {label} is referenced at offset {at:#x} but never defined"
                )
            }
            Error::DuplicateLabel {
                label,
                first,
                second,
            } => write!(
                f,
                "label {label} is defined twice, at offsets {first:#x} and {second:#x}"
            ),
            Error::InvalidDynamicLabel { index } => {
                write!(f, "dynamic label {index} was not created by this assembler")
            }
            Error::Fixup {
                at,
                label: Some(label),
                error,
            } => write!(f, "fixup at offset {at:#x} (label {label}): {error}"),
            Error::Fixup {
                at,
                label: None,
                error,
            } => write!(f, "fixup at offset {at:#x}: {error}"),
            Error::ValueOutOfRange {
                what,
                value,
                min,
                max,
            } => write!(f, "{what} {value} is out of range {min}..={max}"),
            Error::OffsetOutOfBounds { offset, len } => {
                write!(
                    f,
                    "offset {offset:#x} is outside the code (length {len:#x})"
                )
            }
            Error::CapacityExceeded { needed, capacity } => write!(
                f,
                "code needs {needed} bytes but the executable region reserves {capacity}"
            ),
            Error::Memory { op, code } => write!(f, "{op} failed with OS error {code}"),
            Error::Encode { at, message } => write!(f, "instruction at offset {at:#x}: {message}"),
            Error::Unsupported { what } => write!(f, "{what} is not supported on this platform"),
        }
    }
}

impl core::error::Error for Error {}
impl core::error::Error for FixupError {}
