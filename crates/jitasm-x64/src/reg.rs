//! x86 registers.
//!
//! A [`Reg`] is a class and a number. Numbers are the hardware encodings
//! (0–15 for general-purpose registers, 0–31 for vector registers, 0–7 for
//! masks…); the high-byte registers `ah ch dh bh` are class
//! [`RegClass::Gp8High`] with numbers 4–7, which is how they encode (and why
//! they cannot be used together with a REX prefix).

use core::fmt;

/// Register classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegClass {
    /// `al cl dl bl spl bpl sil dil r8b…r15b`.
    Gp8,
    /// `ah ch dh bh` (numbers 4–7).
    Gp8High,
    /// `ax … r15w`.
    Gp16,
    /// `eax … r15d`.
    Gp32,
    /// `rax … r15`.
    Gp64,
    /// `es cs ss ds fs gs` (0–5).
    Seg,
    /// `cr0 … cr15`.
    Cr,
    /// `dr0 … dr15`.
    Dr,
    /// `tr0 … tr7` (x86-32 only).
    Tr,
    /// `st(0) … st(7)`.
    St,
    /// `mm0 … mm7`.
    Mm,
    /// `xmm0 … xmm31`.
    Xmm,
    /// `ymm0 … ymm31`.
    Ymm,
    /// `zmm0 … zmm31`.
    Zmm,
    /// `k0 … k7`.
    K,
    /// `tmm0 … tmm7`.
    Tmm,
    /// `bnd0 … bnd3`.
    Bnd,
    /// `rip` (64-bit) and `eip` (32-bit) as a memory base.
    Ip,
}

impl RegClass {
    /// Every class.
    pub const ALL: [RegClass; 18] = [
        RegClass::Gp8,
        RegClass::Gp8High,
        RegClass::Gp16,
        RegClass::Gp32,
        RegClass::Gp64,
        RegClass::Seg,
        RegClass::Cr,
        RegClass::Dr,
        RegClass::Tr,
        RegClass::St,
        RegClass::Mm,
        RegClass::Xmm,
        RegClass::Ymm,
        RegClass::Zmm,
        RegClass::K,
        RegClass::Tmm,
        RegClass::Bnd,
        RegClass::Ip,
    ];

    /// The class's position in [`RegClass::ALL`] (its declaration order).
    pub const fn index(self) -> u8 {
        self as u8
    }

    /// How many registers the class has.
    pub const fn count(self) -> u8 {
        match self {
            RegClass::Gp8 | RegClass::Gp16 | RegClass::Gp32 | RegClass::Gp64 => 16,
            RegClass::Gp8High => 4,
            RegClass::Seg => 6,
            RegClass::Cr | RegClass::Dr => 16,
            RegClass::Tr | RegClass::St | RegClass::Mm | RegClass::K | RegClass::Tmm => 8,
            RegClass::Xmm | RegClass::Ymm | RegClass::Zmm => 32,
            RegClass::Bnd => 4,
            RegClass::Ip => 2,
        }
    }

    /// The first number of the class (4 for the high-byte registers).
    pub const fn first(self) -> u8 {
        match self {
            RegClass::Gp8High => 4,
            _ => 0,
        }
    }

    /// Size of the register in bytes (0 where it has none: `rip` is 8).
    pub const fn size(self) -> u16 {
        match self {
            RegClass::Gp8 | RegClass::Gp8High => 1,
            RegClass::Gp16 | RegClass::Seg => 2,
            RegClass::Gp32 | RegClass::Tr => 4,
            RegClass::Gp64
            | RegClass::Cr
            | RegClass::Dr
            | RegClass::Mm
            | RegClass::K
            | RegClass::Ip => 8,
            RegClass::St => 10,
            RegClass::Xmm | RegClass::Bnd => 16,
            RegClass::Ymm => 32,
            RegClass::Zmm => 64,
            RegClass::Tmm => 1024,
        }
    }
}

/// A register: a class and its hardware number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg {
    class: RegClass,
    num: u8,
}

const GP64: [&str; 16] = [
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15",
];
const GP32: [&str; 8] = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const GP16: [&str; 8] = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
const GP8: [&str; 8] = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"];
const GP8H: [&str; 4] = ["ah", "ch", "dh", "bh"];
const SEG: [&str; 6] = ["es", "cs", "ss", "ds", "fs", "gs"];

impl Reg {
    /// The register `num` of `class`, if it exists.
    pub const fn new(class: RegClass, num: u8) -> Option<Reg> {
        if num >= class.first() && num < class.first() + class.count() {
            Some(Reg { class, num })
        } else {
            None
        }
    }

    /// The class.
    pub const fn class(self) -> RegClass {
        self.class
    }

    /// The hardware number.
    pub const fn num(self) -> u8 {
        self.num
    }

    /// Size in bytes.
    pub const fn size(self) -> u16 {
        self.class.size()
    }

    /// Whether encoding this register needs a REX (or VEX/EVEX) extension
    /// bit or a REX prefix: numbers 8 and up, and `spl bpl sil dil`.
    pub const fn needs_rex(self) -> bool {
        (self.num >= 8 && !matches!(self.class, RegClass::Gp8High))
            || (matches!(self.class, RegClass::Gp8) && self.num >= 4)
    }

    /// Whether this is `ah ch dh bh`, which no REX prefix may accompany.
    pub const fn is_high_byte(self) -> bool {
        matches!(self.class, RegClass::Gp8High)
    }

    /// Parses a register name as the manuals, llvm-mc and dynasm-rs write it
    /// (case-insensitive): `rax`, `r8d`, `r8w`, `r8b`/`r8l`, `ah`, `xmm17`,
    /// `st(1)`/`st1`/`st`, `k3`, `cr0`, `dr7`, `fs`, `tmm0`, `bnd1`, `rip`.
    pub fn parse(name: &str) -> Option<Reg> {
        let b = name.as_bytes();
        let n = b.len();
        if n == 0 || n > 16 {
            return None;
        }
        let mut buf = [0u8; 16];
        for (d, s) in buf.iter_mut().zip(b) {
            *d = s.to_ascii_lowercase();
        }
        let s = &buf[..n];
        // The names of three letters or fewer (`rax`, `r8`, `ax`, `spl`,
        // `fs`, `rip`, `st`…), by binary search on their bytes as a number.
        if n <= 3 {
            let key = short_key(s);
            if let Ok(i) = SHORT_NAMES.binary_search_by_key(&key, |e| e.0) {
                return Some(SHORT_NAMES[i].1);
            }
        }
        // r8..r15 with a size suffix.
        if let Some(rest) = s.strip_prefix(b"r") {
            let (digits, class) = match rest.last()? {
                b'd' => (&rest[..rest.len() - 1], RegClass::Gp32),
                b'w' => (&rest[..rest.len() - 1], RegClass::Gp16),
                b'b' | b'l' => (&rest[..rest.len() - 1], RegClass::Gp8),
                _ => (&[][..], RegClass::Gp64),
            };
            if !digits.is_empty() {
                let i = number(digits)?;
                return if i >= 8 { Reg::new(class, i) } else { None };
            }
        }
        if let Some(rest) = s.strip_prefix(b"st(").and_then(|r| r.strip_suffix(b")")) {
            return Reg::new(RegClass::St, number(rest)?);
        }
        let (class, rest) = match s {
            [b'x', b'm', b'm', rest @ ..] => (RegClass::Xmm, rest),
            [b'y', b'm', b'm', rest @ ..] => (RegClass::Ymm, rest),
            [b'z', b'm', b'm', rest @ ..] => (RegClass::Zmm, rest),
            [b't', b'm', b'm', rest @ ..] => (RegClass::Tmm, rest),
            [b'b', b'n', b'd', rest @ ..] => (RegClass::Bnd, rest),
            [b'm', b'm', rest @ ..] => (RegClass::Mm, rest),
            [b's', b't', rest @ ..] => (RegClass::St, rest),
            [b'c', b'r', rest @ ..] => (RegClass::Cr, rest),
            [b'd', b'r', rest @ ..] => (RegClass::Dr, rest),
            [b't', b'r', rest @ ..] => (RegClass::Tr, rest),
            [b'k', rest @ ..] => (RegClass::K, rest),
            _ => return None,
        };
        Reg::new(class, number(rest)?)
    }

    /// The register's name (as [`parse`](Self::parse) reads it).
    pub fn name(self) -> RegName {
        RegName(self)
    }
}

/// Decimal digits without sign or leading zeros (`"0"` is fine), at most 2.
fn number(b: &[u8]) -> Option<u8> {
    match *b {
        [d] if d.is_ascii_digit() => Some(d - b'0'),
        [d, e] if (b'1'..=b'9').contains(&d) && e.is_ascii_digit() => {
            Some((d - b'0') * 10 + e - b'0')
        }
        _ => None,
    }
}

/// A name of up to three bytes as a number (the bytes, then the length).
const fn short_key(s: &[u8]) -> u32 {
    let mut k = s.len() as u32;
    let mut i = 0;
    while i < s.len() {
        k |= (s[i] as u32) << (8 * (i + 1));
        i += 1;
    }
    k
}

/// Every register name of three bytes or fewer, with its register, sorted
/// by [`short_key`].
const SHORT_NAMES: [(u32, Reg); 53] = {
    const LISTS: [(&[&str], RegClass, u8); 6] = [
        (&GP64, RegClass::Gp64, 0),
        (&GP32, RegClass::Gp32, 0),
        (&GP16, RegClass::Gp16, 0),
        (&GP8, RegClass::Gp8, 0),
        (&GP8H, RegClass::Gp8High, 4),
        (&SEG, RegClass::Seg, 0),
    ];
    const OTHERS: [(&str, RegClass, u8); 3] = [
        ("rip", RegClass::Ip, 0),
        ("eip", RegClass::Ip, 1),
        ("st", RegClass::St, 0),
    ];
    let mut t = [(
        0u32,
        Reg {
            class: RegClass::Gp8,
            num: 0,
        },
    ); 53];
    let mut n = 0;
    let mut l = 0;
    while l < LISTS.len() {
        let (names, class, first) = LISTS[l];
        let mut i = 0;
        while i < names.len() {
            let s = names[i].as_bytes();
            if s.len() <= 3 {
                t[n] = (
                    short_key(s),
                    Reg {
                        class,
                        num: first + i as u8,
                    },
                );
                n += 1;
            }
            i += 1;
        }
        l += 1;
    }
    let mut i = 0;
    while i < OTHERS.len() {
        let (name, class, num) = OTHERS[i];
        t[n] = (short_key(name.as_bytes()), Reg { class, num });
        n += 1;
        i += 1;
    }
    assert!(n == t.len());
    // Insertion sort by key; no key twice.
    let mut i = 1;
    while i < n {
        let mut j = i;
        while j > 0 && t[j - 1].0 > t[j].0 {
            let x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
            j -= 1;
        }
        assert!(j == 0 || t[j - 1].0 != t[j].0);
        i += 1;
    }
    t
};

/// Displays a register's name.
#[derive(Clone, Copy)]
pub struct RegName(Reg);

impl fmt::Display for RegName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Reg { class, num } = self.0;
        let n = num as usize;
        match class {
            RegClass::Gp64 => f.write_str(GP64[n]),
            RegClass::Gp32 if n < 8 => f.write_str(GP32[n]),
            RegClass::Gp32 => write!(f, "r{n}d"),
            RegClass::Gp16 if n < 8 => f.write_str(GP16[n]),
            RegClass::Gp16 => write!(f, "r{n}w"),
            RegClass::Gp8 if n < 8 => f.write_str(GP8[n]),
            RegClass::Gp8 => write!(f, "r{n}b"),
            RegClass::Gp8High => f.write_str(GP8H[n - 4]),
            RegClass::Seg => f.write_str(SEG[n]),
            RegClass::Cr => write!(f, "cr{n}"),
            RegClass::Dr => write!(f, "dr{n}"),
            RegClass::Tr => write!(f, "tr{n}"),
            RegClass::St => write!(f, "st({n})"),
            RegClass::Mm => write!(f, "mm{n}"),
            RegClass::Xmm => write!(f, "xmm{n}"),
            RegClass::Ymm => write!(f, "ymm{n}"),
            RegClass::Zmm => write!(f, "zmm{n}"),
            RegClass::K => write!(f, "k{n}"),
            RegClass::Tmm => write!(f, "tmm{n}"),
            RegClass::Bnd => write!(f, "bnd{n}"),
            RegClass::Ip => f.write_str(if n == 0 { "rip" } else { "eip" }),
        }
    }
}

impl fmt::Debug for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())
    }
}

macro_rules! regs {
    ($class:ident: $($name:ident = $num:expr),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "`")]
            pub const $name: Reg = Reg { class: RegClass::$class, num: $num };
        )*
    };
}

/// Every register as a constant: `regs::rax`, `regs::xmm31`, `regs::k1`…
#[allow(non_upper_case_globals)]
pub mod regs {
    use super::{Reg, RegClass};
    regs!(Gp64: rax = 0, rcx = 1, rdx = 2, rbx = 3, rsp = 4, rbp = 5, rsi = 6, rdi = 7,
        r8 = 8, r9 = 9, r10 = 10, r11 = 11, r12 = 12, r13 = 13, r14 = 14, r15 = 15);
    regs!(Gp32: eax = 0, ecx = 1, edx = 2, ebx = 3, esp = 4, ebp = 5, esi = 6, edi = 7,
        r8d = 8, r9d = 9, r10d = 10, r11d = 11, r12d = 12, r13d = 13, r14d = 14, r15d = 15);
    regs!(Gp16: ax = 0, cx = 1, dx = 2, bx = 3, sp = 4, bp = 5, si = 6, di = 7,
        r8w = 8, r9w = 9, r10w = 10, r11w = 11, r12w = 12, r13w = 13, r14w = 14, r15w = 15);
    regs!(Gp8: al = 0, cl = 1, dl = 2, bl = 3, spl = 4, bpl = 5, sil = 6, dil = 7,
        r8b = 8, r9b = 9, r10b = 10, r11b = 11, r12b = 12, r13b = 13, r14b = 14, r15b = 15);
    regs!(Gp8High: ah = 4, ch = 5, dh = 6, bh = 7);
    regs!(Seg: es = 0, cs = 1, ss = 2, ds = 3, fs = 4, gs = 5);
    regs!(Ip: rip = 0, eip = 1);
    regs!(K: k0 = 0, k1 = 1, k2 = 2, k3 = 3, k4 = 4, k5 = 5, k6 = 6, k7 = 7);
    regs!(Xmm: xmm0 = 0, xmm1 = 1, xmm2 = 2, xmm3 = 3, xmm4 = 4, xmm5 = 5, xmm6 = 6, xmm7 = 7,
        xmm8 = 8, xmm9 = 9, xmm10 = 10, xmm11 = 11, xmm12 = 12, xmm13 = 13, xmm14 = 14, xmm15 = 15,
        xmm16 = 16, xmm17 = 17, xmm18 = 18, xmm19 = 19, xmm20 = 20, xmm21 = 21, xmm22 = 22, xmm23 = 23,
        xmm24 = 24, xmm25 = 25, xmm26 = 26, xmm27 = 27, xmm28 = 28, xmm29 = 29, xmm30 = 30, xmm31 = 31);
    regs!(Ymm: ymm0 = 0, ymm1 = 1, ymm2 = 2, ymm3 = 3, ymm4 = 4, ymm5 = 5, ymm6 = 6, ymm7 = 7,
        ymm8 = 8, ymm9 = 9, ymm10 = 10, ymm11 = 11, ymm12 = 12, ymm13 = 13, ymm14 = 14, ymm15 = 15,
        ymm16 = 16, ymm17 = 17, ymm18 = 18, ymm19 = 19, ymm20 = 20, ymm21 = 21, ymm22 = 22, ymm23 = 23,
        ymm24 = 24, ymm25 = 25, ymm26 = 26, ymm27 = 27, ymm28 = 28, ymm29 = 29, ymm30 = 30, ymm31 = 31);
    regs!(Zmm: zmm0 = 0, zmm1 = 1, zmm2 = 2, zmm3 = 3, zmm4 = 4, zmm5 = 5, zmm6 = 6, zmm7 = 7,
        zmm8 = 8, zmm9 = 9, zmm10 = 10, zmm11 = 11, zmm12 = 12, zmm13 = 13, zmm14 = 14, zmm15 = 15,
        zmm16 = 16, zmm17 = 17, zmm18 = 18, zmm19 = 19, zmm20 = 20, zmm21 = 21, zmm22 = 22, zmm23 = 23,
        zmm24 = 24, zmm25 = 25, zmm26 = 26, zmm27 = 27, zmm28 = 28, zmm29 = 29, zmm30 = 30, zmm31 = 31);
}

#[cfg(test)]
mod tests {
    use super::RegClass;

    #[test]
    fn every_class_is_in_all_at_its_index() {
        for (i, c) in RegClass::ALL.iter().enumerate() {
            assert_eq!(c.index() as usize, i, "{c:?}");
        }
        // The last class's index is the count less one: none is missing.
        assert_eq!(RegClass::Ip.index() as usize, RegClass::ALL.len() - 1);
    }
}
