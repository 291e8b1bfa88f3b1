//! Fixup kinds described as data.
//!
//! A fixup is a field of an instruction (or of data) whose value depends on
//! an address that may not be known when the bytes are first written: a
//! branch displacement, a PC-relative load, an absolute pointer. Each kind is a
//! [`FixupKind`] value: how the value is computed from the target address and
//! the PC ([`Value`]), how many low bits must be zero and are dropped
//! (`scale`), the width and signedness of what remains, and where its bits go
//! in the patched little-endian unit ([`Piece`]s). The runtime patches every
//! instruction set from these descriptions alone; the modules [`x86`],
//! [`aarch64`] and [`riscv`] hold the kinds of each instruction set.

use crate::error::{FixupError, FixupProblem};

/// How the raw value of a fixup is computed from the target address `T` and
/// the PC address `P` (both as unsigned 64-bit addresses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// `T - P`: branches, PC-relative loads.
    Relative,
    /// `T`: absolute pointers.
    Absolute,
    /// `(T >> page_shift) - (P >> page_shift)`: AArch64 `adrp` (4 KiB pages).
    PageRelative {
        /// log2 of the page size.
        page_shift: u8,
    },
    /// `T & ((1 << bits) - 1)`: the offset of the target in its page
    /// (AArch64 `:lo12:` in `add`/`ldr`).
    AbsoluteLow {
        /// How many low bits are kept.
        bits: u8,
    },
    /// `(T - P + 2^(low_bits - 1)) >> low_bits`: the upper part of a
    /// PC-relative pair, rounded so that the lower part can be sign-extended
    /// (RISC-V `auipc`, `%pcrel_hi`).
    RelativeHigh {
        /// Width of the lower part.
        low_bits: u8,
    },
    /// `(T - P) - (RelativeHigh << low_bits)`: the sign-extended lower part of
    /// a PC-relative pair (RISC-V `%pcrel_lo`), where `P` is the address of
    /// the instruction holding the upper part.
    RelativeLow {
        /// Width of the lower part.
        low_bits: u8,
    },
}

/// A run of value bits placed in the patched unit: bits
/// `from .. from + width` of the (scaled) value go to bits
/// `to .. to + width` of the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Piece {
    /// First value bit.
    pub from: u8,
    /// Number of bits.
    pub width: u8,
    /// First bit of the unit they go to.
    pub to: u8,
}

/// Shorthand for a [`Piece`].
pub const fn piece(from: u8, width: u8, to: u8) -> Piece {
    Piece { from, width, to }
}

/// The description of one kind of fixup. See the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixupKind {
    /// A short name for errors and listings, e.g. `"aarch64.b26"`.
    pub name: &'static str,
    /// Size in bytes of the little-endian unit the field lives in (1, 2, 4 or 8).
    pub unit: u8,
    /// How the raw value is computed.
    pub value: Value,
    /// Number of low bits that must be zero; they are dropped before the
    /// field is written (2 for A64 branches, 1 for RISC-V branches).
    pub scale: u8,
    /// Width of the scaled value (the field's range).
    pub bits: u8,
    /// Whether the scaled value is checked as signed or unsigned.
    pub signed: bool,
    /// When `true` the value is taken modulo `2^bits` instead of being range
    /// checked (x86-32 `rel32`, which wraps around the 4 GiB address space).
    pub wrapping: bool,
    /// Where the PC is taken, relative to the start of the unit, for the
    /// usual use of the kind (x86 `rel32`: 4, the end of the field; A64: 0;
    /// RISC-V `%pcrel_lo`: -4, the `auipc` before it). An individual fixup may
    /// place it elsewhere (x86 RIP-relative operands followed by an immediate).
    pub pc_offset: i8,
    /// Where the scaled value's bits go.
    pub pieces: &'static [Piece],
    /// Derived from the fields above when the kind is defined (the kinds
    /// are the constants of this module's submodules): what
    /// [`apply`](Self::apply)'s fast path needs, without reading the pieces.
    fast: Fast,
}

/// What [`FixupKind::encode`] and [`FixupKind::apply`] need on their fast
/// path, computed once per kind from its description ([`Fast::of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Fast {
    /// The kind is a signed, range-checked displacement (`Value::Relative`,
    /// not wrapping, fewer than 64 bits) written as one piece, the whole
    /// scaled value at bit `to` of the unit: x86 `rel8`/`rel32`, A64
    /// `b`/`bl`/`b.cond`/`cbz`/`tbz`/`ldr` literal.
    single: bool,
    /// Where that piece starts in the unit.
    to: u8,
    /// The unit's bits outside the field (`!unit_mask()`).
    keep: u64,
    /// The kind is `single`, unscaled and its field is the whole
    /// 4-byte unit (x86 `rel32`): the unit is the displacement itself.
    whole32: bool,
}

impl Fast {
    const fn of(k: &FixupKind) -> Fast {
        let single = matches!(k.value, Value::Relative)
            && k.signed
            && !k.wrapping
            && k.bits < 64
            && k.pieces.len() == 1
            && k.pieces[0].from == 0
            && k.pieces[0].width == k.bits;
        Fast {
            single,
            to: if single { k.pieces[0].to } else { 0 },
            keep: !k.unit_mask(),
            whole32: single && k.scale == 0 && k.unit == 4 && k.bits == 32 && k.pieces[0].to == 0,
        }
    }
}

impl FixupKind {
    /// The kind with its fast-path parameters computed from the description.
    const fn derive_fast(mut self) -> FixupKind {
        self.fast = Fast::of(&self);
        self
    }

    /// The PC offset for a unit at `at`, as this kind is usually used.
    #[inline]
    pub const fn default_pc(&self, at: usize) -> usize {
        at.wrapping_add_signed(self.pc_offset as isize)
    }

    /// The smallest and largest scaled field values this kind accepts.
    pub const fn field_range(&self) -> (i128, i128) {
        if self.signed {
            (-(1i128 << (self.bits - 1)), (1i128 << (self.bits - 1)) - 1)
        } else {
            (0, (1i128 << self.bits) - 1)
        }
    }

    /// Computes the raw (unscaled) value for target `target` and PC `pc`.
    ///
    /// Addresses are 64-bit values: differences are taken modulo 2^64 and
    /// read as signed (a displacement of -0x20 reaches from 0x10 to
    /// 0xffff_ffff_ffff_fff0), and a signed absolute field reads the address
    /// as signed (`x86.abs32s` reaches `0xffff_ffff_8000_0000..`, the
    /// addresses its sign-extended field can name).
    #[inline]
    pub const fn raw_value(&self, target: u64, pc: u64) -> i128 {
        let delta = target.wrapping_sub(pc) as i64 as i128;
        match self.value {
            Value::Relative => delta,
            Value::Absolute => {
                if self.signed {
                    target as i64 as i128
                } else {
                    target as i128
                }
            }
            Value::PageRelative { page_shift } => {
                let page = !((1u64 << page_shift) - 1);
                ((target & page).wrapping_sub(pc & page) as i64 as i128) >> page_shift
            }
            Value::AbsoluteLow { bits } => (target & ((1u64 << bits) - 1)) as i128,
            Value::RelativeHigh { low_bits } => (delta + (1i128 << (low_bits - 1))) >> low_bits,
            Value::RelativeLow { low_bits } => {
                delta - (((delta + (1i128 << (low_bits - 1))) >> low_bits) << low_bits)
            }
        }
    }

    /// Computes the scaled, range-checked field value for `target` and `pc`,
    /// as the bits to OR into the unit (already placed by the pieces).
    #[inline]
    pub fn encode(&self, target: u64, pc: u64) -> Result<u64, FixupError> {
        // The usual kinds (branches of x86 and A64, data `.rel*`): a signed
        // displacement written as one piece. In range and aligned, the field
        // is the scaled difference's low bits, without the general path's
        // 128-bit arithmetic and piece loop; anything else, and every error,
        // takes the general path (`encode_general`, same results: unit test
        // below).
        if self.fast.single {
            let d = target.wrapping_sub(pc) as i64;
            let s = d >> self.scale;
            let half = 1i64 << (self.bits - 1);
            if s << self.scale == d && -half <= s && s < half {
                return Ok((s as u64 & mask(self.bits)) << self.fast.to);
            }
        }
        self.encode_general(target, pc)
    }

    /// [`FixupKind::encode`] for every kind, from the description alone.
    fn encode_general(&self, target: u64, pc: u64) -> Result<u64, FixupError> {
        let raw = self.raw_value(target, pc);
        let align = 1i128 << self.scale;
        if raw & (align - 1) != 0 {
            return Err(self.error(FixupProblem::Misaligned {
                value: raw,
                align: 1u32 << self.scale,
            }));
        }
        let scaled = raw >> self.scale;
        let field = if self.wrapping {
            scaled & ((1i128 << self.bits) - 1)
        } else {
            let (min, max) = self.field_range();
            if scaled < min || scaled > max {
                return Err(self.error(FixupProblem::OutOfRange {
                    value: raw,
                    min: min << self.scale,
                    max: max << self.scale,
                }));
            }
            scaled
        };
        let field = field as u128 as u64;
        let mut bits = 0u64;
        let mut i = 0;
        while i < self.pieces.len() {
            let p = self.pieces[i];
            bits |= ((field >> p.from) & mask(p.width)) << p.to;
            i += 1;
        }
        Ok(bits)
    }

    /// The bits of the unit that the pieces cover.
    pub const fn unit_mask(&self) -> u64 {
        let mut m = 0u64;
        let mut i = 0;
        while i < self.pieces.len() {
            let p = self.pieces[i];
            m |= mask(p.width) << p.to;
            i += 1;
        }
        m
    }

    /// Patches `unit` (at least [`unit`](Self::unit) bytes, little-endian):
    /// clears the field's bits and writes the value for `target` and `pc`.
    /// On error `unit` is left unchanged.
    #[inline]
    pub fn apply(&self, unit: &mut [u8], target: u64, pc: u64) -> Result<(), FixupError> {
        if self.fast.whole32 {
            // The most common fixup (x86 branches and RIP-relative operands):
            // the unit is the displacement; anything out of range takes the
            // general path for its error.
            let d = target.wrapping_sub(pc) as i64;
            if let (Ok(d), Some(u)) = (i32::try_from(d), unit.first_chunk_mut::<4>()) {
                *u = d.to_le_bytes();
                return Ok(());
            }
        }
        self.apply_general(unit, target, pc)
    }

    /// [`apply`](Self::apply) past its shortcut.
    fn apply_general(&self, unit: &mut [u8], target: u64, pc: u64) -> Result<(), FixupError> {
        let n = self.unit as usize;
        assert!(unit.len() >= n, "fixup unit slice too short");
        let bits = self.encode(target, pc)?;
        let keep = self.fast.keep;
        // Units of a known size as fixed-size reads and writes (no copy of
        // a length known only at run time).
        macro_rules! patch {
            ($t:ty, $n:literal) => {{
                let u: &mut [u8; $n] = (&mut unit[..$n]).try_into().expect("length checked");
                let v = (<$t>::from_le_bytes(*u) as u64 & keep) | bits;
                *u = (v as $t).to_le_bytes();
            }};
        }
        match n {
            1 => patch!(u8, 1),
            2 => patch!(u16, 2),
            4 => patch!(u32, 4),
            8 => patch!(u64, 8),
            _ => {
                let mut word = [0u8; 8];
                word[..n].copy_from_slice(&unit[..n]);
                let v = (u64::from_le_bytes(word) & keep) | bits;
                unit[..n].copy_from_slice(&v.to_le_bytes()[..n]);
            }
        }
        Ok(())
    }

    /// Checks that the description is coherent: a supported unit size, pieces
    /// inside the unit and the value, not overlapping, covering every value
    /// bit exactly once. Generators and tests call this on every kind.
    pub const fn validate(&self) -> Result<(), &'static str> {
        if !matches!(self.unit, 1 | 2 | 4 | 8) {
            return Err("unit must be 1, 2, 4 or 8 bytes");
        }
        if self.bits == 0 || self.bits > 64 {
            return Err("bits must be in 1..=64");
        }
        if self.scale > 12 {
            return Err("scale too large");
        }
        let unit_bits = self.unit as u32 * 8;
        let mut covered_value = 0u128;
        let mut covered_unit = 0u128;
        let mut i = 0;
        while i < self.pieces.len() {
            let p = self.pieces[i];
            if p.width == 0 {
                return Err("empty piece");
            }
            if p.from as u32 + p.width as u32 > self.bits as u32 {
                return Err("piece reads past the value's bits");
            }
            if p.to as u32 + p.width as u32 > unit_bits {
                return Err("piece writes past the unit");
            }
            let vm = (mask(p.width) as u128) << p.from;
            let um = (mask(p.width) as u128) << p.to;
            if covered_value & vm != 0 {
                return Err("two pieces read the same value bit");
            }
            if covered_unit & um != 0 {
                return Err("two pieces write the same unit bit");
            }
            covered_value |= vm;
            covered_unit |= um;
            i += 1;
        }
        let all = if self.bits == 64 {
            u64::MAX as u128
        } else {
            (1u128 << self.bits) - 1
        };
        if covered_value != all {
            return Err("pieces do not cover every value bit");
        }
        Ok(())
    }

    fn error(&self, problem: FixupProblem) -> FixupError {
        FixupError {
            kind: self.name,
            problem,
        }
    }
}

#[inline]
const fn mask(width: u8) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

macro_rules! kind {
    ($(#[$doc:meta])* $id:ident = $name:literal, unit $unit:literal, $value:expr,
     scale $scale:literal, bits $bits:literal, $sign:ident, pc $pc:literal, [$($p:expr),+ $(,)?]) => {
        $(#[$doc])*
        pub const $id: FixupKind = FixupKind {
            name: $name,
            unit: $unit,
            value: $value,
            scale: $scale,
            bits: $bits,
            signed: kind!(@signed $sign),
            wrapping: kind!(@wrap $sign),
            pc_offset: $pc,
            pieces: &[$($p),+],
            fast: Fast { single: false, to: 0, keep: 0, whole32: false },
        }
        .derive_fast();
    };
    (@signed signed) => { true };
    (@signed unsigned) => { false };
    (@signed wrapping) => { false };
    (@wrap wrapping) => { true };
    (@wrap $other:ident) => { false };
}

/// x86-64 and x86-32 fixups. All units are the displacement or immediate
/// field itself; the PC is the end of the instruction, which is the end of the
/// field unless an immediate follows it.
pub mod x86 {
    use super::*;
    kind! {
        /// 8-bit branch displacement (`jmp short`, `jcc short`, `loop`, `.rel8`).
        REL8 = "x86.rel8", unit 1, Value::Relative, scale 0, bits 8, signed, pc 1, [piece(0, 8, 0)]
    }
    kind! {
        /// 16-bit displacement (`.rel16`).
        REL16 = "x86.rel16", unit 2, Value::Relative, scale 0, bits 16, signed, pc 2, [piece(0, 16, 0)]
    }
    kind! {
        /// 32-bit displacement in 64-bit mode: branches, `call`, RIP-relative operands.
        REL32 = "x86.rel32", unit 4, Value::Relative, scale 0, bits 32, signed, pc 4, [piece(0, 32, 0)]
    }
    kind! {
        /// 32-bit displacement in 32-bit mode, which wraps around the 4 GiB
        /// address space and so reaches every address.
        REL32_WRAP = "x86.rel32.wrap", unit 4, Value::Relative, scale 0, bits 32, wrapping, pc 4, [piece(0, 32, 0)]
    }
    kind! {
        /// 64-bit displacement (`.rel64`).
        REL64 = "x86.rel64", unit 8, Value::Relative, scale 0, bits 64, signed, pc 8, [piece(0, 64, 0)]
    }
    kind! {
        /// 32-bit absolute address, zero-extended (`mov r32, imm32`, x86-32 operands, `.abs32`).
        ABS32 = "x86.abs32", unit 4, Value::Absolute, scale 0, bits 32, unsigned, pc 0, [piece(0, 32, 0)]
    }
    kind! {
        /// 32-bit absolute address, sign-extended to 64 bits (`disp32` without
        /// base in 64-bit mode, `mov r/m64, imm32`).
        ABS32S = "x86.abs32s", unit 4, Value::Absolute, scale 0, bits 32, signed, pc 0, [piece(0, 32, 0)]
    }
    kind! {
        /// 64-bit absolute address (`mov r64, imm64`, `.abs64`).
        ABS64 = "x86.abs64", unit 8, Value::Absolute, scale 0, bits 64, unsigned, pc 0, [piece(0, 64, 0)]
    }

    /// Every x86 kind.
    pub const ALL: &[&FixupKind] = &[
        &REL8,
        &REL16,
        &REL32,
        &REL32_WRAP,
        &REL64,
        &ABS32,
        &ABS32S,
        &ABS64,
    ];
}

/// AArch64 fixups. Every unit is one 32-bit instruction and the PC is its
/// address (Arm ARM C1.2: PC-relative offsets are taken from the instruction).
pub mod aarch64 {
    use super::*;
    kind! {
        /// `b`, `bl`: imm26 at bits 0..26, ±128 MiB in words.
        B26 = "aarch64.b26", unit 4, Value::Relative, scale 2, bits 26, signed, pc 0, [piece(0, 26, 0)]
    }
    kind! {
        /// `b.cond`, `cbz`/`cbnz`, `ldr` (literal), `prfm` (literal): imm19 at bits 5..24, ±1 MiB.
        BCOND19 = "aarch64.imm19", unit 4, Value::Relative, scale 2, bits 19, signed, pc 0, [piece(0, 19, 5)]
    }
    kind! {
        /// `tbz`/`tbnz`: imm14 at bits 5..19, ±32 KiB.
        TBZ14 = "aarch64.tbz14", unit 4, Value::Relative, scale 2, bits 14, signed, pc 0, [piece(0, 14, 5)]
    }
    kind! {
        /// `adr`: imm21 split into immlo (bits 29..31) and immhi (bits 5..24), ±1 MiB in bytes.
        ADR21 = "aarch64.adr21", unit 4, Value::Relative, scale 0, bits 21, signed, pc 0,
        [piece(0, 2, 29), piece(2, 19, 5)]
    }
    kind! {
        /// `adrp`: the 4 KiB page delta in the `adr` fields, ±4 GiB.
        ADRP21 = "aarch64.adrp21", unit 4, Value::PageRelative { page_shift: 12 }, scale 0, bits 21, signed, pc 0,
        [piece(0, 2, 29), piece(2, 19, 5)]
    }
    kind! {
        /// `add` with `:lo12:`: the target's offset in its 4 KiB page, imm12 at bits 10..22.
        ADD_LO12 = "aarch64.add_lo12", unit 4, Value::AbsoluteLow { bits: 12 }, scale 0, bits 12, unsigned, pc 0,
        [piece(0, 12, 10)]
    }
    kind! {
        /// `ldrb`/`strb` with `:lo12:` (byte access).
        LDST8_LO12 = "aarch64.ldst8_lo12", unit 4, Value::AbsoluteLow { bits: 12 }, scale 0, bits 12, unsigned, pc 0,
        [piece(0, 12, 10)]
    }
    kind! {
        /// `ldrh`/`strh` with `:lo12:` (offset scaled by 2).
        LDST16_LO12 = "aarch64.ldst16_lo12", unit 4, Value::AbsoluteLow { bits: 12 }, scale 1, bits 11, unsigned, pc 0,
        [piece(0, 11, 10)]
    }
    kind! {
        /// 32-bit `ldr`/`str` with `:lo12:` (offset scaled by 4).
        LDST32_LO12 = "aarch64.ldst32_lo12", unit 4, Value::AbsoluteLow { bits: 12 }, scale 2, bits 10, unsigned, pc 0,
        [piece(0, 10, 10)]
    }
    kind! {
        /// 64-bit `ldr`/`str` with `:lo12:` (offset scaled by 8).
        LDST64_LO12 = "aarch64.ldst64_lo12", unit 4, Value::AbsoluteLow { bits: 12 }, scale 3, bits 9, unsigned, pc 0,
        [piece(0, 9, 10)]
    }
    kind! {
        /// 128-bit `ldr`/`str` (q registers) with `:lo12:` (offset scaled by 16).
        LDST128_LO12 = "aarch64.ldst128_lo12", unit 4, Value::AbsoluteLow { bits: 12 }, scale 4, bits 8, unsigned, pc 0,
        [piece(0, 8, 10)]
    }
    kind! {
        /// 32-bit relative data word (`.rel32` in data).
        PREL32 = "aarch64.prel32", unit 4, Value::Relative, scale 0, bits 32, signed, pc 0, [piece(0, 32, 0)]
    }
    kind! {
        /// 32-bit absolute data word.
        ABS32 = "aarch64.abs32", unit 4, Value::Absolute, scale 0, bits 32, unsigned, pc 0, [piece(0, 32, 0)]
    }
    kind! {
        /// 64-bit absolute data word (an address literal beside the code).
        ABS64 = "aarch64.abs64", unit 8, Value::Absolute, scale 0, bits 64, unsigned, pc 0, [piece(0, 64, 0)]
    }

    /// Every AArch64 kind.
    pub const ALL: &[&FixupKind] = &[
        &B26,
        &BCOND19,
        &TBZ14,
        &ADR21,
        &ADRP21,
        &ADD_LO12,
        &LDST8_LO12,
        &LDST16_LO12,
        &LDST32_LO12,
        &LDST64_LO12,
        &LDST128_LO12,
        &PREL32,
        &ABS32,
        &ABS64,
    ];
}

/// RISC-V fixups (RV32 and RV64). The PC is the address of the instruction,
/// except for the `%pcrel_lo` kinds where it is the `auipc` 4 bytes before.
pub mod riscv {
    use super::*;
    kind! {
        /// B-type (`beq`…): `imm[12|10:5]` at bits 31|30..25, `imm[4:1|11]` at 11..8|7; ±4 KiB.
        B12 = "riscv.b12", unit 4, Value::Relative, scale 1, bits 12, signed, pc 0,
        [piece(0, 4, 8), piece(4, 6, 25), piece(10, 1, 7), piece(11, 1, 31)]
    }
    kind! {
        /// J-type (`jal`): `imm[20|10:1|11|19:12]` at bits 31|30..21|20|19..12; ±1 MiB.
        J20 = "riscv.j20", unit 4, Value::Relative, scale 1, bits 20, signed, pc 0,
        [piece(0, 10, 21), piece(10, 1, 20), piece(11, 8, 12), piece(19, 1, 31)]
    }
    kind! {
        /// CB format (`c.beqz`, `c.bnez`): `offset[8|4:3]` at 12|11..10,
        /// `offset[7:6|2:1|5]` at 6..5|4..3|2; ±256 B.
        CB8 = "riscv.cb8", unit 2, Value::Relative, scale 1, bits 8, signed, pc 0,
        [piece(0, 2, 3), piece(2, 2, 10), piece(4, 1, 2), piece(5, 2, 5), piece(7, 1, 12)]
    }
    kind! {
        /// CJ format (`c.j`, `c.jal`): `offset[11|4|9:8|10|6|7|3:1|5]` at bits 12..2; ±2 KiB.
        CJ11 = "riscv.cj11", unit 2, Value::Relative, scale 1, bits 11, signed, pc 0,
        [piece(0, 3, 3), piece(3, 1, 11), piece(4, 1, 2), piece(5, 1, 7), piece(6, 1, 6),
         piece(7, 2, 9), piece(9, 1, 8), piece(10, 1, 12)]
    }
    kind! {
        /// `auipc` of a PC-relative pair (`%pcrel_hi`): `imm[31:12]` at bits 31..12, ±2 GiB.
        PCREL_HI20 = "riscv.pcrel_hi20", unit 4, Value::RelativeHigh { low_bits: 12 }, scale 0, bits 20, signed, pc 0,
        [piece(0, 20, 12)]
    }
    kind! {
        /// I-type second half of a pair (`addi`, `jalr`, loads): `imm[11:0]` at bits 31..20.
        PCREL_LO12_I = "riscv.pcrel_lo12_i", unit 4, Value::RelativeLow { low_bits: 12 }, scale 0, bits 12, signed, pc -4,
        [piece(0, 12, 20)]
    }
    kind! {
        /// S-type second half of a pair (stores): `imm[11:5]` at bits 31..25, `imm[4:0]` at 11..7.
        PCREL_LO12_S = "riscv.pcrel_lo12_s", unit 4, Value::RelativeLow { low_bits: 12 }, scale 0, bits 12, signed, pc -4,
        [piece(0, 5, 7), piece(5, 7, 25)]
    }
    kind! {
        /// 32-bit absolute data word.
        ABS32 = "riscv.abs32", unit 4, Value::Absolute, scale 0, bits 32, unsigned, pc 0, [piece(0, 32, 0)]
    }
    kind! {
        /// 64-bit absolute data word.
        ABS64 = "riscv.abs64", unit 8, Value::Absolute, scale 0, bits 64, unsigned, pc 0, [piece(0, 64, 0)]
    }

    /// Every RISC-V kind.
    pub const ALL: &[&FixupKind] = &[
        &B12,
        &J20,
        &CB8,
        &CJ11,
        &PCREL_HI20,
        &PCREL_LO12_I,
        &PCREL_LO12_S,
        &ABS32,
        &ABS64,
    ];
}

/// Every kind of every instruction set.
pub fn all_kinds() -> impl Iterator<Item = &'static FixupKind> {
    x86::ALL
        .iter()
        .chain(aarch64::ALL)
        .chain(riscv::ALL)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `encode`'s and `apply`'s shortcuts give what the description gives, for every
    /// kind of every architecture, at the edges of each field and around
    /// them (errors included).
    #[test]
    fn the_shortcut_is_the_general_encoding() {
        let kinds = x86::ALL.iter().chain(aarch64::ALL).chain(riscv::ALL);
        let mut deltas: alloc::vec::Vec<i64> = alloc::vec![0, 1, -1, 2, -2, 3, 4, -4, 4096];
        for b in 1..64 {
            let h = 1i64 << (b - 1);
            deltas.extend([h, h - 1, h + 1, -h, -h - 1, -h + 1]);
        }
        deltas.extend([i64::MAX, i64::MIN]);
        // Scaled kinds (A64, RISC-V): the same edges, aligned.
        let aligned: alloc::vec::Vec<i64> = deltas
            .iter()
            .flat_map(|&d| [d.wrapping_mul(2), d.wrapping_mul(4)])
            .collect();
        deltas.extend(aligned);
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            deltas.push(x as i64 >> (x % 61));
        }
        let mut compared = 0;
        for k in kinds {
            for &pc in &[0u64, 0x1000, 0x7fff_ffff_fff0, u64::MAX - 3] {
                for &d in &deltas {
                    let target = pc.wrapping_add(d as u64);
                    let general = k.encode_general(target, pc);
                    assert_eq!(
                        k.encode(target, pc),
                        general,
                        "{} at pc {pc:#x}, delta {d}",
                        k.name
                    );
                    // `apply` (with its own shortcut for whole 32-bit
                    // units) writes the general bits over what the field
                    // held, or leaves the unit alone with the same error.
                    let before = 0xa55a_0ff0_3cc3_9669u64 ^ d as u64;
                    let mut unit = before.to_le_bytes();
                    let n = k.unit as usize;
                    let applied = k.apply(&mut unit[..n], target, pc);
                    let mut want = before.to_le_bytes();
                    if let Ok(bits) = general {
                        let v = (before & !k.unit_mask()) | bits;
                        want[..n].copy_from_slice(&v.to_le_bytes()[..n]);
                    }
                    assert_eq!(applied, general.map(|_| ()), "{} apply, delta {d}", k.name);
                    assert_eq!(unit, want, "{} apply at pc {pc:#x}, delta {d}", k.name);
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000);
    }
}
