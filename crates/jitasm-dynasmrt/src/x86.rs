//! x86-32: the assembler type and the register families, numbered as
//! `Rd(n)`, `Rx(n)`… take them in `dynasm!`.

use crate::relocations::SimpleRelocation;

/// x86 relocations are plain little-endian fields.
pub type X86Relocation = SimpleRelocation;
/// An assembler for x86-32 code (`.arch x86` in `dynasm!`).
pub type Assembler = crate::Assembler<X86Relocation>;
/// A modifier of committed x86 code.
pub type AssemblyModifier<'a> = crate::Modifier<'a, X86Relocation>;
/// A modifier of uncommitted x86 code.
pub type UncommittedModifier<'a> = crate::UncommittedModifier<'a>;

/// Declares register families: an enum per family whose discriminants are
/// the register numbers, with `Register` and `From<_> for u8`.
macro_rules! families {
    ($($(#[$doc:meta])* $family:ident { $($reg:ident = $n:literal),* $(,)? })*) => {$(
        $(#[$doc])*
        #[allow(missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $family {
            $($reg = $n),*
        }

        impl $crate::Register for $family {
            fn code(&self) -> u8 {
                *self as u8
            }
        }

        impl From<$family> for u8 {
            fn from(r: $family) -> u8 {
                r as u8
            }
        }
    )*};
}
pub(crate) use families;

families! {
    /// 32-bit general-purpose registers (`Rd`).
    Rd { EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7 }
    /// The high byte registers (`Rh`): numbered 4–7 like the encodings they share.
    Rh { AH = 4, CH = 5, DH = 6, BH = 7 }
    /// x87 stack registers (`Rf`).
    Rf { ST0 = 0, ST1 = 1, ST2 = 2, ST3 = 3, ST4 = 4, ST5 = 5, ST6 = 6, ST7 = 7 }
    /// MMX registers (`Rm`).
    Rm { MMX0 = 0, MMX1 = 1, MMX2 = 2, MMX3 = 3, MMX4 = 4, MMX5 = 5, MMX6 = 6, MMX7 = 7 }
    /// SSE registers (`Rx`).
    Rx { XMM0 = 0, XMM1 = 1, XMM2 = 2, XMM3 = 3, XMM4 = 4, XMM5 = 5, XMM6 = 6, XMM7 = 7 }
    /// Segment registers (`Rs`).
    Rs { ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5 }
    /// Control registers (`Rcr`).
    RC { CR0 = 0, CR1 = 1, CR2 = 2, CR3 = 3, CR4 = 4, CR5 = 5, CR6 = 6, CR7 = 7 }
    /// Debug registers (`Rdr`).
    RD {
        DR0 = 0, DR1 = 1, DR2 = 2, DR3 = 3, DR4 = 4, DR5 = 5, DR6 = 6, DR7 = 7,
        DR8 = 8, DR9 = 9, DR10 = 10, DR11 = 11, DR12 = 12, DR13 = 13, DR14 = 14, DR15 = 15,
    }
    /// MPX bound registers (`Rbnd`).
    RB { BND0 = 0, BND1 = 1, BND2 = 2, BND3 = 3 }
}
