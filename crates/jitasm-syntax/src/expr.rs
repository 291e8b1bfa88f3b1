//! Expressions: integer arithmetic over constants, registers and one label,
//! folded while parsing into a linear form `k + Σ cᵢ·regᵢ + label`.
//!
//! The same evaluator reads immediates (`4*8 - 1`), memory operands in any
//! term order (`[8*rcx + rax - 16]`) and label offsets (`->end + 4`);
//! whatever is not linear (a register times a register, a label in a
//! product) is an error.

use crate::error::{ErrorKind, Span};
use jitasm_core::LabelTarget;

/// An expression's value: `k + Σ coefficient·register + label`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lin<'a, R> {
    /// The constant part.
    pub k: i128,
    /// Up to two registers with their coefficients, in the order written.
    pub regs: [Option<(R, i128)>; 2],
    /// A label, counted `label_coef` times (must end up 0 or 1).
    pub label: Option<LabelTarget<'a>>,
    pub label_coef: i128,
    /// Where the expression is.
    pub span: Span,
    /// In `dynasm!`: a Rust expression (its number) and its coefficient.
    pub ext: Option<(u32, i128)>,
    /// In `dynasm!`: for each of `regs`, the Rust expression giving its
    /// number at run time (`Rq(n)`); the register is a stand-in of its class.
    pub dyn_regs: [Option<u32>; 2],
    /// In `dynasm!`: the label is `=>expr` or `extern expr`, and the number in
    /// its `Dynamic`/`Extern` target is the Rust expression's.
    pub label_ext: bool,
}

pub(crate) type EResult<T> = Result<T, (ErrorKind, Span)>;

fn bad(why: &'static str, span: Span) -> (ErrorKind, Span) {
    (ErrorKind::BadExpression(why), span)
}

fn too_large(span: Span) -> (ErrorKind, Span) {
    (ErrorKind::NumberTooLarge, span)
}

impl<'a, R: Copy + PartialEq> Lin<'a, R> {
    pub fn constant(k: i128, span: Span) -> Self {
        Lin {
            k,
            regs: [None, None],
            label: None,
            label_coef: 0,
            span,
            ext: None,
            dyn_regs: [None, None],
            label_ext: false,
        }
    }

    /// A Rust expression's value (`dynasm!`).
    pub fn ext(id: u32, span: Span) -> Self {
        Lin {
            ext: Some((id, 1)),
            ..Lin::constant(0, span)
        }
    }

    /// A register given at run time by a Rust expression (`Rq(n)`): `stand_in`
    /// is a register of its class.
    pub fn dyn_reg(stand_in: R, id: u32, span: Span) -> Self {
        Lin {
            dyn_regs: [Some(id), None],
            ..Lin::reg(stand_in, span)
        }
    }

    pub fn reg(r: R, span: Span) -> Self {
        Lin {
            regs: [Some((r, 1)), None],
            ..Lin::constant(0, span)
        }
    }

    pub fn label(t: LabelTarget<'a>, span: Span) -> Self {
        Lin {
            label: Some(t),
            label_coef: 1,
            ..Lin::constant(0, span)
        }
    }

    /// Whether the value is a plain number.
    pub fn is_const(&self) -> bool {
        self.regs.iter().all(|r| r.map_or(true, |(_, c)| c == 0))
            && self.label_coef == 0
            && self.ext.map_or(true, |(_, c)| c == 0)
    }

    /// Whether a part of the value is only known at run time.
    pub fn is_dynamic(&self) -> bool {
        self.ext.is_some_and(|(_, c)| c != 0)
            || (self.label_ext && self.label_coef != 0)
            || self
                .regs
                .iter()
                .zip(self.dyn_regs)
                .any(|(r, d)| d.is_some() && r.is_some_and(|(_, c)| c != 0))
    }

    /// The number, if the value is one.
    pub fn as_const(&self) -> Option<i128> {
        self.is_const().then_some(self.k)
    }

    /// The Rust expression, if the value is exactly one (`$0`, not `$0 + 1`).
    pub fn sole_expr(&self) -> Option<u32> {
        match (self.ext, self.k, self.label_coef, self.registers().next()) {
            (Some((id, 1)), 0, 0, None) => Some(id),
            _ => None,
        }
    }

    /// The registers with a non-zero coefficient.
    pub fn registers(&self) -> impl Iterator<Item = (R, i128)> + '_ {
        self.registers_dyn().map(|(r, c, _)| (r, c))
    }

    /// The same, with the Rust expression giving each one's number in
    /// `dynasm!` (`Rq(n)`).
    pub fn registers_dyn(&self) -> impl Iterator<Item = (R, i128, Option<u32>)> + '_ {
        self.regs
            .iter()
            .zip(self.dyn_regs)
            .filter_map(|(r, d)| r.map(|(r, c)| (r, c, d)))
            .filter(|(_, c, _)| *c != 0)
    }

    pub fn add(mut self, other: Self, sign: i128) -> EResult<Self> {
        let span = self.span.to(other.span);
        self.k = other
            .k
            .checked_mul(sign)
            .and_then(|o| self.k.checked_add(o))
            .filter(|v| in_range(*v))
            .ok_or_else(|| too_large(span))?;
        // Registers are kept as written, not merged: `[rcx + 1*rcx]` is a
        // base and an index.
        for (r, d) in other.regs.iter().zip(other.dyn_regs) {
            let Some((r, c)) = r else { continue };
            let c = c * sign;
            if let Some(free) = self.regs.iter().position(|s| s.is_none()) {
                self.regs[free] = Some((*r, c));
                self.dyn_regs[free] = d;
            } else {
                return Err(bad("more than two registers", span));
            }
        }
        if let Some((id, c)) = other.ext {
            if self.ext.is_some() {
                return Err(bad("two Rust expressions in one sum", span));
            }
            self.ext = Some((id, c * sign));
        }
        if other.label_coef != 0 {
            match self.label {
                Some(t) if Some(t) != other.label && self.label_coef != 0 => {
                    return Err(bad(
                        "the difference or sum of two labels is not a constant here",
                        span,
                    ))
                }
                _ => {
                    self.label = other.label;
                    self.label_ext = other.label_ext;
                    self.label_coef += other.label_coef * sign;
                }
            }
        }
        self.span = span;
        Ok(self)
    }

    pub fn scale(mut self, by: i128, span: Span) -> EResult<Self> {
        self.k = self
            .k
            .checked_mul(by)
            .filter(|v| in_range(*v))
            .ok_or_else(|| too_large(span))?;
        for (_, c) in self.regs.iter_mut().flatten() {
            *c = c.checked_mul(by).ok_or_else(|| too_large(span))?;
        }
        self.label_coef = self
            .label_coef
            .checked_mul(by)
            .ok_or_else(|| too_large(span))?;
        if let Some((_, c)) = &mut self.ext {
            *c = c.checked_mul(by).ok_or_else(|| too_large(span))?;
        }
        self.span = span;
        Ok(self)
    }

    pub fn mul(self, other: Self) -> EResult<Self> {
        let span = self.span.to(other.span);
        if let Some(k) = self.as_const() {
            other.scale(k, span)
        } else if let Some(k) = other.as_const() {
            self.scale(k, span)
        } else {
            Err(bad("a product needs a constant factor", span))
        }
    }

    /// A binary operator that needs two plain numbers.
    pub fn binary(self, op: u8, other: Self) -> EResult<Self> {
        let span = self.span.to(other.span);
        let (Some(a), Some(b)) = (self.as_const(), other.as_const()) else {
            return Err(bad("this operator takes numbers only", span));
        };
        let v = match op {
            b'/' | b'%' if b == 0 => return Err(bad("division by zero", span)),
            b'/' => a.checked_div(b),
            b'%' => a.checked_rem(b),
            b'&' => Some(a & b),
            b'|' => Some(a | b),
            b'^' => Some(a ^ b),
            b'<' => u32::try_from(b)
                .ok()
                .filter(|s| *s < 64)
                .and_then(|s| a.checked_mul(1i128 << s)),
            b'>' => u32::try_from(b).ok().filter(|s| *s < 128).map(|s| a >> s),
            _ => None,
        };
        v.filter(|v| in_range(*v))
            .map(|v| Lin::constant(v, span))
            .ok_or_else(|| {
                bad(
                    "the result does not fit 64 bits or the shift is out of range",
                    span,
                )
            })
    }
}

/// Values anywhere in `-2^64..2^64` may appear while folding; a result is
/// checked against what its place takes.
pub(crate) fn in_range(v: i128) -> bool {
    (-(1i128 << 64)..(1i128 << 64)).contains(&v)
}

/// A constant as the 64-bit value an instruction takes: signed or unsigned
/// 64-bit, as two's complement.
pub(crate) fn to_i64(v: i128, span: Span) -> EResult<i64> {
    if let Ok(x) = i64::try_from(v) {
        Ok(x)
    } else if let Ok(x) = u64::try_from(v) {
        Ok(x as i64)
    } else {
        Err((
            ErrorKind::OutOfRange {
                what: "value",
                value: v,
                min: i64::MIN as i128,
                max: u64::MAX as i128,
            },
            span,
        ))
    }
}
