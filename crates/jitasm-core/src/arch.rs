//! The instruction sets jitasm targets and their per-architecture constants.

/// An instruction set jitasm can emit code for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// x86-64 (long mode).
    X64,
    /// x86-32 (protected mode).
    X86,
    /// AArch64 (A64 instruction set).
    Aarch64,
    /// RISC-V, 64-bit.
    Riscv64,
    /// RISC-V, 32-bit.
    Riscv32,
}

impl Arch {
    /// Every architecture, in declaration order.
    pub const ALL: [Arch; 5] = [
        Arch::X64,
        Arch::X86,
        Arch::Aarch64,
        Arch::Riscv64,
        Arch::Riscv32,
    ];

    /// The lower-case name used on command lines and in `.arch` directives.
    pub const fn name(self) -> &'static str {
        match self {
            Arch::X64 => "x64",
            Arch::X86 => "x86",
            Arch::Aarch64 => "aarch64",
            Arch::Riscv64 => "riscv64",
            Arch::Riscv32 => "riscv32",
        }
    }

    /// Parses a name as printed by [`Arch::name`] (plus common synonyms).
    pub fn from_name(name: &str) -> Option<Arch> {
        Some(match name {
            "x64" | "x86_64" | "x86-64" | "amd64" => Arch::X64,
            "x86" | "i386" | "i686" | "x86_32" => Arch::X86,
            "aarch64" | "arm64" | "a64" => Arch::Aarch64,
            "riscv64" | "rv64" => Arch::Riscv64,
            "riscv32" | "rv32" => Arch::Riscv32,
            _ => return None,
        })
    }

    /// The bytes unused code memory is filled with: an instruction that traps
    /// wherever execution lands in it.
    ///
    /// * x86: `int3` (`CC`), one byte so every offset traps;
    /// * AArch64: `udf #0` (all zero bits, permanently undefined);
    /// * RISC-V: all zero bits, defined as illegal in both the 16-bit and the
    ///   32-bit encoding spaces.
    pub const fn trap_fill(self) -> &'static [u8] {
        match self {
            Arch::X64 | Arch::X86 => &[0xCC],
            Arch::Aarch64 | Arch::Riscv64 | Arch::Riscv32 => &[0, 0, 0, 0],
        }
    }

    /// The alignment every instruction must have (1 for x86, 4 for A64, 2 for
    /// RISC-V with the C extension).
    pub const fn instruction_alignment(self) -> usize {
        match self {
            Arch::X64 | Arch::X86 => 1,
            Arch::Aarch64 => 4,
            Arch::Riscv64 | Arch::Riscv32 => 2,
        }
    }

    /// Size of an address in bytes.
    pub const fn pointer_width(self) -> usize {
        match self {
            Arch::X64 | Arch::Aarch64 | Arch::Riscv64 => 8,
            Arch::X86 | Arch::Riscv32 => 4,
        }
    }

    /// The architecture of the machine this code was compiled for, if jitasm
    /// can emit code for it.
    pub const fn host() -> Option<Arch> {
        if cfg!(target_arch = "x86_64") {
            Some(Arch::X64)
        } else if cfg!(target_arch = "x86") {
            Some(Arch::X86)
        } else if cfg!(target_arch = "aarch64") {
            Some(Arch::Aarch64)
        } else if cfg!(target_arch = "riscv64") {
            Some(Arch::Riscv64)
        } else if cfg!(target_arch = "riscv32") {
            Some(Arch::Riscv32)
        } else {
            None
        }
    }
}

impl core::fmt::Display for Arch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A type-level instruction set: assemblers are generic over it so that an
/// `Assembler<X64>` and an `Assembler<Aarch64>` are different types.
pub trait Isa: Copy + Default + Send + Sync + core::fmt::Debug + 'static {
    /// The run-time description of this instruction set.
    const ARCH: Arch;
}

/// Marker types implementing [`Isa`], one per [`Arch`].
pub mod isa {
    use super::{Arch, Isa};

    macro_rules! isa {
        ($($(#[$doc:meta])* $name:ident => $arch:ident;)*) => {$(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub struct $name;
            impl Isa for $name {
                const ARCH: Arch = Arch::$arch;
            }
        )*};
    }

    isa! {
        /// x86-64.
        X64 => X64;
        /// x86-32.
        X86 => X86;
        /// AArch64.
        Aarch64 => Aarch64;
        /// RISC-V 64.
        Riscv64 => Riscv64;
        /// RISC-V 32.
        Riscv32 => Riscv32;
    }
}
