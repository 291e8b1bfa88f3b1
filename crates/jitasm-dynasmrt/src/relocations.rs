//! How relocations are described (dynasmrt's `relocations` module).
//!
//! jitasm patches label references from data descriptions
//! ([`FixupKind`]); a [`Relocation`] names the kind to use.

use jitasm_core::{fixup, Arch, FixupKind};

/// A relocation value does not fit its field.
#[derive(Debug)]
pub struct ImpossibleRelocation {}

/// How an architecture's relocations are described and applied.
pub trait Relocation {
    /// Decodes dynasm-rs's one-byte encoding (bits 7–6: the
    /// [`RelocationKind`]; bits 5–0: 0 byte, 1 word, 2 dword, 3 qword, or an
    /// architecture-specific encoding from 4 on).
    fn from_encoding(encoding: u8) -> Self;
    /// A relocation of a plain data field.
    fn from_size(kind: RelocationKind, size: RelocationSize) -> Self;
    /// The bytes the relocation covers.
    fn size(&self) -> usize;
    /// Writes `value` into `buf` (of [`size`](Self::size) bytes).
    fn write_value(&self, buf: &mut [u8], value: isize) -> Result<(), ImpossibleRelocation>;
    /// Reads the value back from `buf`.
    fn read_value(&self, buf: &[u8]) -> isize;
    /// Whether the value is relative or absolute.
    fn kind(&self) -> RelocationKind;
    /// The architecture's page size.
    fn page_size() -> usize;
    /// The jitasm fixup that implements this relocation, if there is one.
    #[doc(hidden)]
    fn fixup_kind(&self) -> Option<&'static FixupKind> {
        None
    }
    /// The instruction set of the code these relocations patch: an
    /// [`Assembler`](crate::Assembler) of them prepares its executable
    /// memory for it (bytes no code was written to hold its trap
    /// instruction, [`Arch::trap_fill`]). x86-64 unless the relocation type
    /// says otherwise.
    #[doc(hidden)]
    const ARCH: Arch = Arch::X64;
}

/// Whether a relocation's value is relative to its position, and whether its
/// target is a label in the buffer or an address outside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelocationKind {
    /// Relative to the reference, to a label.
    Relative,
    /// The absolute address of a label.
    AbsToRel,
    /// Relative to the reference, to an address outside the buffer.
    RelToAbs,
    /// An absolute address outside the buffer.
    Absolute,
}

impl RelocationKind {
    fn is_relative(self) -> bool {
        matches!(self, RelocationKind::Relative | RelocationKind::RelToAbs)
    }
}

/// The size of a plain data relocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelocationSize {
    /// One byte.
    Byte = 1,
    /// Two bytes.
    Word = 2,
    /// Four bytes.
    DWord = 4,
    /// Eight bytes.
    QWord = 8,
}

impl RelocationSize {
    /// The size in bytes.
    pub fn size(&self) -> usize {
        *self as usize
    }

    /// Writes `value` little-endian, if it fits as a signed value.
    pub fn write_value(&self, buf: &mut [u8], value: isize) -> Result<(), ImpossibleRelocation> {
        let n = self.size();
        let v = value as i64;
        let fits = n == 8 || (-(1i64 << (n * 8 - 1))..(1i64 << (n * 8 - 1))).contains(&v);
        let dst = buf.get_mut(..n).ok_or(ImpossibleRelocation {})?;
        if !fits {
            return Err(ImpossibleRelocation {});
        }
        dst.copy_from_slice(&v.to_le_bytes()[..n]);
        Ok(())
    }

    /// Reads a signed little-endian value of this size.
    pub fn read_value(&self, buf: &[u8]) -> isize {
        let n = self.size();
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(&buf[..n]);
        let shift = 64 - 8 * n as u32;
        ((i64::from_le_bytes(b) << shift) >> shift) as isize
    }
}

/// A relocation of a plain little-endian field: x86-64 and x86-32's only
/// kind.
#[derive(Clone, Copy, Debug)]
pub struct SimpleRelocation {
    kind: RelocationKind,
    size: RelocationSize,
}

impl Relocation for SimpleRelocation {
    fn from_encoding(encoding: u8) -> Self {
        let kind = match encoding >> 6 {
            0 => RelocationKind::Relative,
            1 => RelocationKind::AbsToRel,
            2 => RelocationKind::RelToAbs,
            _ => RelocationKind::Absolute,
        };
        let size = match encoding & 0x3F {
            0 => RelocationSize::Byte,
            1 => RelocationSize::Word,
            2 => RelocationSize::DWord,
            3 => RelocationSize::QWord,
            c => panic!("Invalid complex relocation code {c} given for the current architecture"),
        };
        SimpleRelocation { kind, size }
    }

    fn from_size(kind: RelocationKind, size: RelocationSize) -> Self {
        SimpleRelocation { kind, size }
    }

    fn size(&self) -> usize {
        self.size.size()
    }

    fn write_value(&self, buf: &mut [u8], value: isize) -> Result<(), ImpossibleRelocation> {
        self.size.write_value(buf, value)
    }

    fn read_value(&self, buf: &[u8]) -> isize {
        self.size.read_value(buf)
    }

    fn kind(&self) -> RelocationKind {
        self.kind
    }

    fn page_size() -> usize {
        4096
    }

    fn fixup_kind(&self) -> Option<&'static FixupKind> {
        use fixup::x86::*;
        Some(match (self.kind.is_relative(), self.size) {
            (true, RelocationSize::Byte) => &REL8,
            (true, RelocationSize::Word) => &REL16,
            (true, RelocationSize::DWord) => &REL32,
            (true, RelocationSize::QWord) => &REL64,
            (false, RelocationSize::DWord) => &ABS32,
            (false, RelocationSize::QWord) => &ABS64,
            (false, _) => return None,
        })
    }
}
