//! x86-64: the assembler type and the register families, numbered as
//! `Rq(n)`, `Rx(n)`… take them in `dynasm!`.

use crate::relocations::SimpleRelocation;
use crate::x86::families;

/// x86-64 relocations are plain little-endian fields.
pub type X64Relocation = SimpleRelocation;
/// An assembler for x86-64 code.
pub type Assembler = crate::Assembler<X64Relocation>;
/// A modifier of committed x86-64 code.
pub type AssemblyModifier<'a> = crate::Modifier<'a, X64Relocation>;
/// A modifier of uncommitted x86-64 code.
pub type UncommittedModifier<'a> = crate::UncommittedModifier<'a>;

pub use crate::x86::{Rf, Rh, Rm, Rs, RB, RD};

families! {
    /// General-purpose registers of any size (`Rq`, `Rd`, `Rw`, `Rb` take
    /// the same numbers).
    Rq {
        RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7,
        R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15,
    }
    /// SSE and AVX registers (`Rx`, `Ry`).
    Rx {
        XMM0 = 0, XMM1 = 1, XMM2 = 2, XMM3 = 3, XMM4 = 4, XMM5 = 5, XMM6 = 6, XMM7 = 7,
        XMM8 = 8, XMM9 = 9, XMM10 = 10, XMM11 = 11, XMM12 = 12, XMM13 = 13, XMM14 = 14, XMM15 = 15,
    }
    /// Control registers (`Rcr`).
    RC {
        CR0 = 0, CR1 = 1, CR2 = 2, CR3 = 3, CR4 = 4, CR5 = 5, CR6 = 6, CR7 = 7,
        CR8 = 8, CR9 = 9, CR10 = 10, CR11 = 11, CR12 = 12, CR13 = 13, CR14 = 14, CR15 = 15,
    }
}
