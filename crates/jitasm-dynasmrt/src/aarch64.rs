//! AArch64: the assembler types, the relocations of A64 instructions, the
//! immediate encoders dynasmrt exposes, and the register families, numbered
//! as `X(n)`, `XSP(n)`, `V(n)`… take them in `dynasm!(ops ; .arch aarch64 ;
//! …)`.
//!
//! The relocations are jitasm's AArch64 fixup kinds (`b`/`bl` imm26,
//! `b.cond`/`cbz`/`ldr` literal imm19, `tbz` imm14, `adr`, `adrp`) and its
//! data kinds; the immediate encoders are jitasm-a64's (one implementation
//! with the encoder the macro uses).
//!
//! The executable memory of [`Assembler`] is AArch64 code memory: every
//! word no code was written to is `udf #0` (all zero bits, permanently
//! undefined: running into it raises an Undefined Instruction exception,
//! `SIGILL`), as in dynasmrt, whose fresh memory is zero pages. The
//! instruction cache is maintained after every commit and `alter` (clean to
//! the point of unification, invalidate, `isb`). `.align n` in
//! `dynasm!(ops ; .arch aarch64 ; …)` pads with `nop` words (zero bytes first
//! up to the next word boundary, as GNU as and llvm-mc pad code);
//! `.align n, byte` and [`DynasmApi::align`](crate::DynasmApi::align) pad
//! with the byte given, as dynasmrt does.

use crate::relocations::{ImpossibleRelocation, Relocation, RelocationKind, RelocationSize};
use crate::x86::families;
use jitasm_core::{fixup, Arch, FixupKind};

/// An instruction field an AArch64 relocation patches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Field {
    /// A plain little-endian data field.
    Data(RelocationSize),
    /// `b`, `bl`: imm26, in words.
    B,
    /// `b.cond`, `cbz`, `cbnz`, `ldr` (literal), `prfm` (literal): imm19,
    /// in words.
    BCond,
    /// `adr`: imm21 in bytes, split in immlo and immhi.
    Adr,
    /// `adrp`: imm21 in 4 KiB pages, split as `adr`'s.
    Adrp,
    /// `tbz`, `tbnz`: imm14, in words.
    Tbz,
}

/// A relocation of AArch64 code or data (dynasmrt's `Aarch64Relocation`).
#[derive(Clone, Copy, Debug)]
pub struct Aarch64Relocation {
    kind: RelocationKind,
    field: Field,
}

impl Aarch64Relocation {
    /// The instruction kind's fixup.
    fn instruction_kind(&self) -> Option<&'static FixupKind> {
        use fixup::aarch64::*;
        Some(match self.field {
            Field::B => &B26,
            Field::BCond => &BCOND19,
            Field::Adr => &ADR21,
            Field::Adrp => &ADRP21,
            Field::Tbz => &TBZ14,
            Field::Data(_) => return None,
        })
    }
}

impl Relocation for Aarch64Relocation {
    /// Bits 7–6: the [`RelocationKind`]; bits 5–0: 0 byte, 1 word, 2
    /// dword, 3 qword, 4 `b`, 5 `b.cond`, 6 `adr`, 7 `adrp`, 8 `tbz`, as in
    /// dynasmrt.
    fn from_encoding(encoding: u8) -> Self {
        let kind = match encoding >> 6 {
            0 => RelocationKind::Relative,
            1 => RelocationKind::AbsToRel,
            2 => RelocationKind::RelToAbs,
            _ => RelocationKind::Absolute,
        };
        let field = match encoding & 0x3F {
            0 => Field::Data(RelocationSize::Byte),
            1 => Field::Data(RelocationSize::Word),
            2 => Field::Data(RelocationSize::DWord),
            3 => Field::Data(RelocationSize::QWord),
            4 => Field::B,
            5 => Field::BCond,
            6 => Field::Adr,
            7 => Field::Adrp,
            8 => Field::Tbz,
            c => panic!(
                "Invalid complex relocation code {} given for the current architecture",
                c - 4
            ),
        };
        Aarch64Relocation { kind, field }
    }

    fn from_size(kind: RelocationKind, size: RelocationSize) -> Self {
        Aarch64Relocation {
            kind,
            field: Field::Data(size),
        }
    }

    fn size(&self) -> usize {
        match self.field {
            Field::Data(s) => s.size(),
            _ => 4,
        }
    }

    /// Writes `value` (the distance in bytes; for `adrp`, between the
    /// pages, rounded down to a page) into the instruction's field, keeping
    /// its other bits; a value out of the field's range or misaligned is an
    /// error.
    fn write_value(&self, buf: &mut [u8], value: isize) -> Result<(), ImpossibleRelocation> {
        let Some(kind) = self.instruction_kind() else {
            let Field::Data(size) = self.field else {
                unreachable!("every other field is an instruction's")
            };
            return size.write_value(buf, value);
        };
        let unit = buf.get_mut(..4).ok_or(ImpossibleRelocation {})?;
        // A relative kind's value is `target - pc`: with pc 0 the target is
        // the value (for `adrp`, its page).
        kind.apply(unit, value as i64 as u64, 0)
            .map_err(|_| ImpossibleRelocation {})
    }

    /// Reads the value [`write_value`](Self::write_value) wrote.
    fn read_value(&self, buf: &[u8]) -> isize {
        let Some(kind) = self.instruction_kind() else {
            let Field::Data(size) = self.field else {
                unreachable!("every other field is an instruction's")
            };
            return size.read_value(buf);
        };
        let word = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as u64;
        let mut field = 0u64;
        for p in kind.pieces {
            field |= ((word >> p.to) & ((1u64 << p.width) - 1)) << p.from;
        }
        let shift = 64 - kind.bits as u32;
        let signed = ((field << shift) as i64) >> shift;
        let page = if self.field == Field::Adrp { 12 } else { 0 };
        (signed << (kind.scale as u32 + page)) as isize
    }

    fn kind(&self) -> RelocationKind {
        self.kind
    }

    fn page_size() -> usize {
        4096
    }

    /// Unused code memory holds `udf #0` words ([`Arch::trap_fill`]): UDF
    /// is the A64 encoding the Arm ARM (DDI 0487, C6.2 "UDF") defines as
    /// permanently UNDEFINED, so no later extension gives it a meaning, and
    /// all-zero memory is what dynasmrt's fresh pages hold. `brk #imm`, the
    /// other choice (LLVM's `__builtin_trap`), is a debug breakpoint: a
    /// debugger stops at it as at one set on purpose, where a stray jump
    /// into unused memory should fault.
    const ARCH: Arch = Arch::Aarch64;

    fn fixup_kind(&self) -> Option<&'static FixupKind> {
        use fixup::aarch64::*;
        let relative = matches!(
            self.kind,
            RelocationKind::Relative | RelocationKind::RelToAbs
        );
        match (relative, self.field) {
            (true, Field::Data(RelocationSize::DWord)) => Some(&PREL32),
            (false, Field::Data(RelocationSize::DWord)) => Some(&ABS32),
            (false, Field::Data(RelocationSize::QWord)) => Some(&ABS64),
            (_, Field::Data(_)) => None,
            // The instruction fields are PC-relative whatever the target.
            (_, _) => self.instruction_kind(),
        }
    }
}

/// An assembler for AArch64 code.
pub type Assembler = crate::Assembler<Aarch64Relocation>;
/// A modifier of committed AArch64 code.
pub type AssemblyModifier<'a> = crate::Modifier<'a, Aarch64Relocation>;
/// A modifier of uncommitted AArch64 code.
pub type UncommittedModifier<'a> = crate::UncommittedModifier<'a>;

/// Panics for an `f32` immediate that does not fit (dynasmrt's handler).
#[inline(never)]
pub fn immediate_out_of_range_unsigned_f32(immediate: f32) -> ! {
    panic!("Cannot assemble this Aarch64 instruction. Immediate {immediate} is out of range.")
}

/// Panics for a `u64` immediate that does not fit (dynasmrt's handler).
#[inline(never)]
pub fn immediate_out_of_range_unsigned_64(immediate: u64) -> ! {
    panic!("Cannot assemble this Aarch64 instruction. Immediate {immediate} is out of range.")
}

/// Panics for a `u32` immediate that does not fit (dynasmrt's handler).
#[inline(never)]
pub fn immediate_out_of_range_unsigned_32(immediate: u32) -> ! {
    panic!("Cannot assemble this Aarch64 instruction. Immediate {immediate} is out of range.")
}

/// Panics for an `i32` immediate that does not fit (dynasmrt's handler).
#[inline(never)]
pub fn immediate_out_of_range_signed_32(immediate: i32) -> ! {
    panic!("Cannot assemble this Aarch64 instruction. Immediate {immediate} is out of range.")
}

/// `value` as a logical immediate of a 32-bit operation: `immr << 6 |
/// imms`, or `None` when it is not one (0, all ones, and every value that
/// is not a rotated run of ones replicated).
pub fn encode_logical_immediate_32bit(value: u32) -> Option<u16> {
    let (_, immr, imms) = jitasm_a64::encode::encode_bitmask(value as u64, 32)?;
    Some(((immr << 6) | imms) as u16)
}

/// `value` as a logical immediate of a 64-bit operation: `N << 12 | immr
/// << 6 | imms`, or `None` when it is not one.
pub fn encode_logical_immediate_64bit(value: u64) -> Option<u16> {
    let (n, immr, imms) = jitasm_a64::encode::encode_bitmask(value, 64)?;
    Some(((n << 12) | (immr << 6) | imms) as u16)
}

/// `value` as the 8-bit floating-point immediate of `fmov` (±n/16 × 2^r,
/// n in 16..=31, r in -3..=4), or `None`.
pub fn encode_floating_point_immediate(value: f32) -> Option<u8> {
    jitasm_a64::encode::encode_fp8(value as f64).map(|imm8| imm8 as u8)
}

families! {
    /// General-purpose registers, 31 the zero register (`X(n)`, `W(n)`).
    RX {
        X0 = 0, X1 = 1, X2 = 2, X3 = 3, X4 = 4, X5 = 5, X6 = 6, X7 = 7,
        X8 = 8, X9 = 9, X10 = 10, X11 = 11, X12 = 12, X13 = 13, X14 = 14, X15 = 15,
        X16 = 16, X17 = 17, X18 = 18, X19 = 19, X20 = 20, X21 = 21, X22 = 22, X23 = 23,
        X24 = 24, X25 = 25, X26 = 26, X27 = 27, X28 = 28, X29 = 29, X30 = 30, XZR = 31,
    }
    /// General-purpose registers, 31 the stack pointer (`XSP(n)`, `WSP(n)`).
    RXSP {
        X0 = 0, X1 = 1, X2 = 2, X3 = 3, X4 = 4, X5 = 5, X6 = 6, X7 = 7,
        X8 = 8, X9 = 9, X10 = 10, X11 = 11, X12 = 12, X13 = 13, X14 = 14, X15 = 15,
        X16 = 16, X17 = 17, X18 = 18, X19 = 19, X20 = 20, X21 = 21, X22 = 22, X23 = 23,
        X24 = 24, X25 = 25, X26 = 26, X27 = 27, X28 = 28, X29 = 29, X30 = 30, SP = 31,
    }
    /// SIMD&FP registers of every size (`V(n)`, `B(n)`…`Q(n)`).
    RV {
        V0 = 0, V1 = 1, V2 = 2, V3 = 3, V4 = 4, V5 = 5, V6 = 6, V7 = 7,
        V8 = 8, V9 = 9, V10 = 10, V11 = 11, V12 = 12, V13 = 13, V14 = 14, V15 = 15,
        V16 = 16, V17 = 17, V18 = 18, V19 = 19, V20 = 20, V21 = 21, V22 = 22, V23 = 23,
        V24 = 24, V25 = 25, V26 = 26, V27 = 27, V28 = 28, V29 = 29, V30 = 30, V31 = 31,
    }
}
