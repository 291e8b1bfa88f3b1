//! Registers.
//!
//! A [`Reg`] is a class and a number. General registers distinguish the
//! zero register from the stack pointer by class, as the instruction set
//! does by form: `xzr` is [`RegClass::X`] number 31, `sp` is
//! [`RegClass::Sp`] (number 31). A vector register carries its arrangement
//! (`v0.4s`); elements (`v0.s[1]`) and lists (`{v0.4s, v1.4s}`) are
//! operands of their own ([`crate::operand`]).

use core::fmt;

/// A vector arrangement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arrangement {
    /// `8b`
    B8,
    /// `16b`
    B16,
    /// `2h`
    H2,
    /// `4h`
    H4,
    /// `8h`
    H8,
    /// `2s`
    S2,
    /// `4s`
    S4,
    /// `1d`
    D1,
    /// `2d`
    D2,
    /// `1q`
    Q1,
}

impl Arrangement {
    /// Every arrangement.
    pub const ALL: [Arrangement; 10] = [
        Arrangement::B8,
        Arrangement::B16,
        Arrangement::H2,
        Arrangement::H4,
        Arrangement::H8,
        Arrangement::S2,
        Arrangement::S4,
        Arrangement::D1,
        Arrangement::D2,
        Arrangement::Q1,
    ];

    /// The suffix after the dot (`4s`).
    #[inline]
    pub const fn suffix(self) -> &'static str {
        match self {
            Arrangement::B8 => "8b",
            Arrangement::B16 => "16b",
            Arrangement::H2 => "2h",
            Arrangement::H4 => "4h",
            Arrangement::H8 => "8h",
            Arrangement::S2 => "2s",
            Arrangement::S4 => "4s",
            Arrangement::D1 => "1d",
            Arrangement::D2 => "2d",
            Arrangement::Q1 => "1q",
        }
    }

    /// Parses a suffix (`4s`, `16B`).
    pub fn parse(s: &str) -> Option<Arrangement> {
        Arrangement::ALL
            .into_iter()
            .find(|a| a.suffix().eq_ignore_ascii_case(s))
    }

    /// Size in bytes of one element.
    #[inline]
    pub const fn esize(self) -> u32 {
        match self {
            Arrangement::B8 | Arrangement::B16 => 1,
            Arrangement::H2 | Arrangement::H4 | Arrangement::H8 => 2,
            Arrangement::S2 | Arrangement::S4 => 4,
            Arrangement::D1 | Arrangement::D2 => 8,
            Arrangement::Q1 => 16,
        }
    }

    /// Size in bytes of the whole vector (4, 8 or 16).
    #[inline]
    pub const fn bytes(self) -> u32 {
        match self {
            Arrangement::H2 => 4,
            Arrangement::B8 | Arrangement::H4 | Arrangement::S2 | Arrangement::D1 => 8,
            _ => 16,
        }
    }
}

/// The size of a vector element (`v0.s[1]`, `{v0.s, v1.s}[1]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemSize {
    /// `.b`
    B,
    /// `.h`
    H,
    /// `.s`
    S,
    /// `.d`
    D,
    /// `.4b`: a word seen as four bytes (dot products).
    B4,
    /// `.2h`: a word seen as two halfwords (`bfdot`).
    H2,
}

impl ElemSize {
    /// The suffix after the dot.
    #[inline]
    pub const fn suffix(self) -> &'static str {
        match self {
            ElemSize::B => "b",
            ElemSize::H => "h",
            ElemSize::S => "s",
            ElemSize::D => "d",
            ElemSize::B4 => "4b",
            ElemSize::H2 => "2h",
        }
    }

    /// Parses a suffix (`s`, `4b`).
    pub fn parse(s: &str) -> Option<ElemSize> {
        [
            ElemSize::B,
            ElemSize::H,
            ElemSize::S,
            ElemSize::D,
            ElemSize::B4,
            ElemSize::H2,
        ]
        .into_iter()
        .find(|e| e.suffix().eq_ignore_ascii_case(s))
    }

    /// Size in bytes.
    #[inline]
    pub const fn bytes(self) -> u32 {
        match self {
            ElemSize::B => 1,
            ElemSize::H => 2,
            ElemSize::S | ElemSize::B4 | ElemSize::H2 => 4,
            ElemSize::D => 8,
        }
    }
}

/// A register class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegClass {
    /// `w0`..`w30`, `wzr` (31).
    W,
    /// `x0`..`x30`, `xzr` (31).
    X,
    /// `wsp` (31).
    Wsp,
    /// `sp` (31).
    Sp,
    /// `b0`..`b31`.
    B,
    /// `h0`..`h31`.
    H,
    /// `s0`..`s31`.
    S,
    /// `d0`..`d31`.
    D,
    /// `q0`..`q31`.
    Q,
    /// `v0.<T>`..`v31.<T>`.
    V(Arrangement),
}

/// A register: class and number (0..=31).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reg {
    class: RegClass,
    num: u8,
}

impl Reg {
    /// A register of `class` numbered `num`, if `num` is valid for the class
    /// (0..=31; `sp`/`wsp` are 31 only).
    #[inline]
    pub const fn new(class: RegClass, num: u8) -> Option<Reg> {
        let ok = match class {
            RegClass::Sp | RegClass::Wsp => num == 31,
            _ => num <= 31,
        };
        if ok {
            Some(Reg { class, num })
        } else {
            None
        }
    }

    /// `wN` (`wzr` for 31). Panics if `n > 31`.
    #[inline]
    pub const fn w(n: u8) -> Reg {
        assert!(n <= 31);
        Reg {
            class: RegClass::W,
            num: n,
        }
    }

    /// `xN` (`xzr` for 31). Panics if `n > 31`.
    #[inline]
    pub const fn x(n: u8) -> Reg {
        assert!(n <= 31);
        Reg {
            class: RegClass::X,
            num: n,
        }
    }

    /// A scalar SIMD&FP register of `class` (`B`…`Q`). Panics if `n > 31`.
    #[inline]
    pub const fn fp(class: RegClass, n: u8) -> Reg {
        assert!(n <= 31);
        Reg { class, num: n }
    }

    /// `vN.<arr>`. Panics if `n > 31`.
    #[inline]
    pub const fn v(n: u8, arr: Arrangement) -> Reg {
        assert!(n <= 31);
        Reg {
            class: RegClass::V(arr),
            num: n,
        }
    }

    /// The class.
    #[inline]
    pub const fn class(self) -> RegClass {
        self.class
    }

    /// The number (31 for `sp`, `wsp`, `xzr`, `wzr`).
    #[inline]
    pub const fn num(self) -> u8 {
        self.num
    }

    /// Whether this is a general register (including `sp`, `wsp`).
    #[inline]
    pub const fn is_gpr(self) -> bool {
        matches!(
            self.class,
            RegClass::W | RegClass::X | RegClass::Wsp | RegClass::Sp
        )
    }

    /// Whether this is a 64-bit general register (`x0`..`xzr`, `sp`).
    #[inline]
    pub const fn is_64(self) -> bool {
        matches!(self.class, RegClass::X | RegClass::Sp)
    }

    /// Parses a register name: `w3`, `x30`, `xzr`, `sp`, `lr`, `fp`, `q7`,
    /// `v1.4s`.
    pub fn parse(name: &str) -> Option<Reg> {
        let lower = |s: &str, t: &str| s.eq_ignore_ascii_case(t);
        if lower(name, "sp") {
            return Reg::new(RegClass::Sp, 31);
        }
        if lower(name, "wsp") {
            return Reg::new(RegClass::Wsp, 31);
        }
        if lower(name, "xzr") {
            return Some(Reg::x(31));
        }
        if lower(name, "wzr") {
            return Some(Reg::w(31));
        }
        if lower(name, "lr") {
            return Some(Reg::x(30));
        }
        if lower(name, "fp") {
            return Some(Reg::x(29));
        }
        let (head, arr) = match name.split_once('.') {
            Some((h, a)) => (h, Some(Arrangement::parse(a)?)),
            None => (name, None),
        };
        let mut chars = head.chars();
        let c = chars.next()?.to_ascii_lowercase();
        let digits = chars.as_str();
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.len() == 2 && digits.starts_with('0') {
            return None;
        }
        let n: u8 = digits.parse().ok()?;
        let class = match (c, arr) {
            ('v', Some(a)) => RegClass::V(a),
            (_, Some(_)) => return None,
            ('w', None) if n <= 30 => RegClass::W,
            ('x', None) if n <= 30 => RegClass::X,
            ('b', None) => RegClass::B,
            ('h', None) => RegClass::H,
            ('s', None) => RegClass::S,
            ('d', None) => RegClass::D,
            ('q', None) => RegClass::Q,
            _ => return None,
        };
        Reg::new(class, n)
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.num;
        match self.class {
            RegClass::W if n == 31 => f.write_str("wzr"),
            RegClass::X if n == 31 => f.write_str("xzr"),
            RegClass::W => write!(f, "w{n}"),
            RegClass::X => write!(f, "x{n}"),
            RegClass::Wsp => f.write_str("wsp"),
            RegClass::Sp => f.write_str("sp"),
            RegClass::B => write!(f, "b{n}"),
            RegClass::H => write!(f, "h{n}"),
            RegClass::S => write!(f, "s{n}"),
            RegClass::D => write!(f, "d{n}"),
            RegClass::Q => write!(f, "q{n}"),
            RegClass::V(a) => write!(f, "v{n}.{}", a.suffix()),
        }
    }
}

/// Register constants: `X0`..`X30`, `XZR`, `SP`, `W0`..`W30`, `WZR`, `WSP`.
pub mod regs {
    use super::Reg;

    macro_rules! gprs {
        ($($x:ident $w:ident $n:literal),* $(,)?) => {$(
            #[doc = concat!("`x", stringify!($n), "`")]
            pub const $x: Reg = Reg::x($n);
            #[doc = concat!("`w", stringify!($n), "`")]
            pub const $w: Reg = Reg::w($n);
        )*};
    }
    gprs!(
        X0 W0 0, X1 W1 1, X2 W2 2, X3 W3 3, X4 W4 4, X5 W5 5, X6 W6 6, X7 W7 7,
        X8 W8 8, X9 W9 9, X10 W10 10, X11 W11 11, X12 W12 12, X13 W13 13, X14 W14 14,
        X15 W15 15, X16 W16 16, X17 W17 17, X18 W18 18, X19 W19 19, X20 W20 20,
        X21 W21 21, X22 W22 22, X23 W23 23, X24 W24 24, X25 W25 25, X26 W26 26,
        X27 W27 27, X28 W28 28, X29 W29 29, X30 W30 30,
    );
    /// `xzr`
    pub const XZR: Reg = Reg::x(31);
    /// `wzr`
    pub const WZR: Reg = Reg::w(31);
    /// `sp`
    pub const SP: Reg = match Reg::new(super::RegClass::Sp, 31) {
        Some(r) => r,
        None => panic!(),
    };
    /// `wsp`
    pub const WSP: Reg = match Reg::new(super::RegClass::Wsp, 31) {
        Some(r) => r,
        None => panic!(),
    };
    /// `lr` (`x30`)
    pub const LR: Reg = Reg::x(30);
}
