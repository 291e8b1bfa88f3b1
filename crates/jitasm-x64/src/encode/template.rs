//! Templates: what a `dynasm!` statement with run-time operands compiles
//! to, worked out while the macro expands.
//!
//! A statement such as `add Rq(a), Rq(b)` or `mov Rd(r), [Rq(b) + k]` has
//! its mnemonic, its candidate forms and every static operand fixed; only
//! some register numbers, immediates and displacements (the [`Hole`]s) come
//! at run time. For such a statement the encoder's choice — which form,
//! which length, where the ModRM, SIB, displacement and immediate bytes
//! go — depends on the holes only through a few yes/no facts ([`Test`]s:
//! a register number's bit 3, whether it is `rsp`/`r12` as a base, whether
//! an immediate fits 8 bits…). And once those facts are fixed, every bit of
//! the instruction is a constant, a bit of a register number (possibly
//! inverted, as in VEX), or a bit of an immediate or displacement.
//!
//! [`derive`] finds both by asking the encoder itself ([`select_among`],
//! the matcher `dynamic::emit` falls back to): it encodes the statement with
//! representative values for every combination of the candidate facts,
//! keeps the facts the choice depends on, and for each resulting [`Shape`]
//! solves for the constant bytes and the place of every register bit
//! (linear algebra over GF(2)), then checks the result against every
//! encoding it made, including a sweep of every register over its whole
//! class and random values. Anything it cannot explain that way (an error
//! of the encoder, a form outside the lean layout, a label) is left to the
//! run-time matcher: the key of those facts maps to no shape. When the
//! statement as a whole does not fit the model, [`derive`] answers `None`
//! and the macro calls the matcher for every value, as before.
//!
//! The macro turns a [`Template`] into straight-line code: the tests give
//! a key, the key a shape, and a shape is one expression of shifts and
//! exclusive ors writing `len` bytes. `tests/template.rs` checks the
//! expansion's bytes and errors against `dynamic::emit` on many statements
//! and values.

use super::{imm_fits, layout_simple, plan, select_among, FORMS};
use crate::dynamic::Statement;
use crate::operand::{Decorations, Instruction, Mnemonic, Mode, Operand, Prefixes};
use crate::reg::{Reg, RegClass};
use crate::table::{flags, Encoding, OpKind};
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

/// A part of a statement's operands that is only known at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hole {
    /// The register of operand `n` (its stand-in gives the class).
    Reg(u8),
    /// The base register of memory operand `n`.
    Base(u8),
    /// The index register of memory operand `n`.
    Index(u8),
    /// The value of immediate operand `n`.
    Imm(u8),
    /// The displacement of memory operand `n`.
    Disp(u8),
}

impl Hole {
    /// The operand the hole is in.
    pub fn operand(self) -> usize {
        match self {
            Hole::Reg(n) | Hole::Base(n) | Hole::Index(n) | Hole::Imm(n) | Hole::Disp(n) => {
                n as usize
            }
        }
    }
}

/// A yes/no fact about one hole's value: a register number's, or an
/// immediate's or displacement's (as the operand's `i64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// Bit `b` of the register number is set.
    Bit(u8),
    /// The register number is this one.
    Eq(u8),
    /// The register number's low three bits are these.
    Low3(u8),
    /// The register number is in this range.
    Range(u8, u8),
    /// The value fits this immediate kind.
    Fits(OpKind),
    /// The value is 0.
    Zero,
    /// The value is a multiple of `n` whose quotient fits 8 bits (disp8×N).
    Disp8(u8),
    /// The value fits 32 bits, signed.
    Disp32,
}

/// A [`Feature`] as a comparison the macro writes inline: the register
/// number, or the value, and-ed with `mask`, is in `lo..=hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Bits of the number or value compared (all for a value).
    pub mask: u64,
    /// The least.
    pub lo: i64,
    /// The greatest.
    pub hi: i64,
}

impl Feature {
    /// The feature as [`Bounds`] on a register number (`reg`) or a value;
    /// `None` for the features of the other kind of hole, and for the
    /// value features that are no range (disp8×N, immediates sign-extended
    /// from 8 bits to 16 or 32).
    pub fn bounds(self, reg: bool) -> Option<Bounds> {
        let on = |mask: u8, lo: u8, hi: u8| Bounds {
            mask: mask as u64,
            lo: lo as i64,
            hi: hi as i64,
        };
        let range = |lo: i64, hi: i64| Bounds {
            mask: u64::MAX,
            lo,
            hi,
        };
        Some(match (self, reg) {
            (Feature::Bit(b), true) => on(1 << b, 1 << b, 1 << b),
            (Feature::Eq(v), true) => on(u8::MAX, v, v),
            (Feature::Low3(v), true) => on(7, v, v),
            (Feature::Range(lo, hi), true) => on(u8::MAX, lo, hi),
            (Feature::Fits(OpKind::Imm8Sex16 | OpKind::Imm8Sex32), false) => return None,
            (Feature::Fits(k), false) => {
                let (_, lo, hi) = super::imm_field(k);
                range(lo, hi)
            }
            (Feature::Zero, false) => range(0, 0),
            (Feature::Disp32, false) => range(i32::MIN as i64, i32::MAX as i64),
            _ => return None,
        })
    }

    /// Whether register number `n` has the feature.
    #[inline(always)]
    pub fn reg(self, n: u8) -> bool {
        self.bounds(true).is_some_and(|b| b.holds(n as i64))
    }

    /// Whether value `v` has the feature.
    #[inline(always)]
    pub fn value(self, v: i64) -> bool {
        match (self, self.bounds(false)) {
            (_, Some(b)) => b.holds(v),
            (Feature::Fits(k), None) => imm_fits(k, v),
            (Feature::Disp8(n), None) => {
                let n = n as i64;
                v % n == 0 && (-0x80..=0x7f).contains(&(v / n))
            }
            _ => false,
        }
    }
}

impl Bounds {
    /// Whether `v` is within the bounds.
    fn holds(self, v: i64) -> bool {
        let v = (v as u64 & self.mask) as i64;
        self.lo <= v && v <= self.hi
    }
}

/// A [`Feature`] of hole `input`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Test {
    /// The hole (index into the statement's holes).
    pub input: u8,
    /// The fact.
    pub feature: Feature,
}

/// Register bits `mask` of hole `input`, shifted by `shift` bits (right if
/// negative), exclusive-ored into the instruction (as a little-endian
/// integer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// The hole.
    pub input: u8,
    /// The bits of its register number.
    pub mask: u8,
    /// Where they go.
    pub shift: i8,
}

/// The low `len` bytes of hole `input`'s value divided by `scale` (a power
/// of two it is a multiple of), at byte `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The hole.
    pub input: u8,
    /// First byte.
    pub at: u8,
    /// Bytes.
    pub len: u8,
    /// The disp8×N scale (1 otherwise).
    pub scale: u8,
}

/// One way the statement encodes: `bytes` exclusive-or the terms, with the
/// fields in their places, `len` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The length.
    pub len: u8,
    /// The constant bits (little-endian).
    pub bytes: u128,
    /// The register bits.
    pub terms: Vec<Term>,
    /// The immediates and displacement.
    pub fields: Vec<Field>,
}

/// A statement's encoding as a function of its holes: bit `i` of the key is
/// `tests[i]`; `keys[key]` is the index of the shape, or [`Template::MATCHER`]
/// when the run-time matcher must answer (an error, or a case the model
/// leaves to it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// The facts the key is made of.
    pub tests: Vec<Test>,
    /// The shape of each key.
    pub keys: Vec<u8>,
    /// The shapes.
    pub shapes: Vec<Shape>,
}

impl Template {
    /// A key the run-time matcher answers.
    pub const MATCHER: u8 = u8::MAX;
}

/// The most holes, facts and shapes a template has (beyond them the
/// statement is left to the matcher).
const MAX_HOLES: usize = 6;
const MAX_TESTS: usize = 14;
const MAX_SHAPES: usize = 48;
/// The most combinations of representatives encoded.
const MAX_COMBOS: usize = 8192;

/// Values an immediate or displacement is tried with: both sides of every
/// bound of the immediate kinds and of disp8×N.
const PROBES: &[i64] = &[
    0,
    1,
    2,
    3,
    4,
    -1,
    -2,
    0x7f,
    0x80,
    -0x80,
    -0x81,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    -0x8000,
    -0x8001,
    0xff7f,
    0xff80,
    0xffff,
    0x1_0000,
    0x7fff_ffff,
    0x8000_0000,
    -0x8000_0000,
    -0x8000_0001,
    0xffff_ff7f,
    0xffff_ff80,
    0xffff_ffff,
    0x1_0000_0000,
    i64::MAX,
    i64::MIN,
];

/// The facts a hole's value may matter through, in the order [`derive`]
/// tries to do without them (those most often irrelevant first).
fn candidates(hole: Hole, class: Option<RegClass>, forms: &[u16]) -> Vec<Feature> {
    match (hole, class) {
        (Hole::Reg(_) | Hole::Base(_) | Hole::Index(_), Some(c)) => {
            let mut f = Vec::new();
            // Fixed-register operand kinds: the accumulator, `cl`, `dx`,
            // `xmm0`, `st0`…
            if let Hole::Reg(_) = hole {
                let gp = matches!(
                    c,
                    RegClass::Gp8 | RegClass::Gp16 | RegClass::Gp32 | RegClass::Gp64
                );
                let first = c.first();
                for v in first..first + if gp { 3 } else { 1 } {
                    f.push(Feature::Eq(v));
                }
            }
            if c == RegClass::Gp8 {
                f.push(Feature::Range(4, 7));
            }
            match hole {
                Hole::Base(_) => {
                    f.push(Feature::Low3(4));
                    f.push(Feature::Low3(5));
                }
                Hole::Index(_) => f.push(Feature::Low3(4)),
                _ => {}
            }
            if c.count() > 16 {
                f.push(Feature::Bit(4));
            }
            if c.count() > 8 {
                f.push(Feature::Bit(3));
            }
            f
        }
        (Hole::Imm(_), _) => super::cache::IMM_KINDS
            .iter()
            .map(|&k| Feature::Fits(k))
            .collect(),
        (Hole::Disp(_), _) => {
            let mut f = vec![Feature::Zero];
            let mut ns: Vec<u8> = vec![1];
            for &i in forms {
                let form = &FORMS[i as usize];
                if form.encoding == Encoding::Evex {
                    ns.push(form.disp8_n);
                    ns.push(form.disp8_n_bcst);
                }
            }
            ns.retain(|&n| n.is_power_of_two());
            ns.sort_unstable();
            ns.dedup();
            f.extend(ns.into_iter().map(Feature::Disp8));
            f.push(Feature::Disp32);
            f
        }
        _ => Vec::new(),
    }
}

/// What encoding one combination of values gave.
#[derive(Clone, PartialEq, Eq)]
enum Outcome {
    /// Left to the matcher.
    Matcher,
    /// Shape `key`, with these bytes (the fields zeroed).
    Shaped(ShapeKey, u128),
}

impl Outcome {
    /// Both left to the matcher, or both of one shape (bytes aside).
    fn same_shape(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Matcher, Outcome::Matcher) => true,
            (Outcome::Shaped(a, _), Outcome::Shaped(b, _)) => a == b,
            _ => false,
        }
    }
}

/// What makes two encodings the same shape: the form, the length and the
/// fields' places.
#[derive(Clone, PartialEq, Eq)]
struct ShapeKey {
    form: u16,
    len: u8,
    /// The plan's head length, ModRM/SIB bits and displacement length.
    layout: (u8, u8, u8),
    fields: Vec<Field>,
}

/// One encoding made while deriving.
struct Obs {
    vals: [i64; MAX_HOLES],
    outcome: Outcome,
}

/// The statement being derived.
struct Stmt<'s, 'a> {
    mnemonic: Mnemonic,
    forms: &'s [u16],
    ops: &'s [Operand<'a>],
    d: Decorations,
    holes: &'s [Hole],
    classes: Vec<Option<RegClass>>,
    /// The statement has a `lock` prefix.
    lock: bool,
}

impl Stmt<'_, '_> {
    /// Encodes the statement with `vals` (`None`: the statement does not
    /// fit the model at all).
    fn observe(&self, vals: [i64; MAX_HOLES]) -> Option<Obs> {
        let ops = fill(self.ops, self.holes, &vals[..self.holes.len()])?;
        let inst = Instruction {
            mnemonic: self.mnemonic,
            operands: &ops,
            decorations: self.d,
            prefixes: if self.lock {
                Prefixes::LOCK
            } else {
                Prefixes::NONE
            },
        };
        let chosen = select_among(
            Mode::Long,
            &inst,
            self.forms.iter().map(|&i| &FORMS[i as usize]),
        );
        let outcome = match chosen {
            Ok((form, enc)) if enc.fixup.is_none() => {
                match layout_simple(form, &ops[..], self.d) {
                    Ok(p) if self.with_lock(p.write().bytes()) == enc.bytes() => {
                        let index = self
                            .forms
                            .iter()
                            .copied()
                            .find(|&i| core::ptr::eq(&FORMS[i as usize], form))?;
                        let mut fields = self.fields(&p, &ops)?;
                        if self.lock {
                            for f in &mut fields {
                                f.at += 1;
                            }
                        }
                        let mut bytes = [0u8; 16];
                        bytes[..enc.len()].copy_from_slice(enc.bytes());
                        let mut word = u128::from_le_bytes(bytes);
                        for f in &fields {
                            let v = vals[f.input as usize] / f.scale as i64;
                            let mask = len_mask(f.len) << (8 * f.at as u32);
                            // The field must hold the value: otherwise the
                            // model is wrong for this statement.
                            if word & mask != ((v as u64 as u128) << (8 * f.at as u32)) & mask {
                                return None;
                            }
                            word &= !mask;
                        }
                        Outcome::Shaped(
                            ShapeKey {
                                form: index,
                                len: enc.len() as u8,
                                layout: (p.head_len, p.bits, p.disp_len),
                                fields,
                            },
                            word,
                        )
                    }
                    _ => Outcome::Matcher,
                }
            }
            _ => Outcome::Matcher,
        };
        Some(Obs { vals, outcome })
    }

    /// `bytes` with the `lock` prefix where the matcher puts it (after an
    /// operand-size prefix), if the statement has one.
    fn with_lock(&self, bytes: &[u8]) -> Vec<u8> {
        let mut v = bytes.to_vec();
        if self.lock {
            v.insert(usize::from(bytes.first() == Some(&0x66)), 0xf0);
        }
        v
    }

    /// Where the plan puts the holes' values (`None` where the model has no
    /// place for one).
    fn fields(&self, p: &super::Plan<'_, '_>, ops: &[Operand<'_>]) -> Option<Vec<Field>> {
        let form = p.form;
        let mut at = p.head_len;
        let mut disp_at = None;
        if p.bits & plan::MODRM != 0 {
            at += 1 + (p.bits & plan::SIB != 0) as u8;
            disp_at = Some(at);
            at += p.disp_len;
        }
        if p.bits & plan::IS4 != 0 {
            at += 1;
        }
        // The immediates' fields, in operand order (as `Plan::write`).
        let mut imm_at = [None; MAX_HOLES];
        let mut slot = 0;
        for (i, (k, op)) in form.operands.iter().zip(ops).enumerate() {
            if let Operand::Imm(_) = op {
                if *k == OpKind::Imm8Const1 {
                    continue;
                }
                if *k == OpKind::Imm4M2z || slot > 1 {
                    return None;
                }
                if i < MAX_HOLES {
                    imm_at[i] = Some((at, p.imm_sizes[slot]));
                }
                at += p.imm_sizes[slot];
                slot += 1;
            }
        }
        let n = match form.encoding {
            Encoding::Evex => {
                let bcst = ops
                    .iter()
                    .any(|o| matches!(o, Operand::Mem(m) if m.bcst != 0));
                if bcst {
                    form.disp8_n_bcst
                } else {
                    form.disp8_n
                }
            }
            _ => 1,
        };
        let mut fields = Vec::new();
        for (input, &h) in self.holes.iter().enumerate() {
            let input = input as u8;
            match h {
                Hole::Imm(o) => {
                    if let Some((at, len)) = imm_at.get(o as usize).copied().flatten() {
                        fields.push(Field {
                            input,
                            at,
                            len,
                            scale: 1,
                        });
                    }
                }
                Hole::Disp(_) if p.disp_len > 0 => fields.push(Field {
                    input,
                    at: disp_at?,
                    len: p.disp_len,
                    scale: if p.disp_len == 1 { n } else { 1 },
                }),
                _ => {}
            }
        }
        if fields
            .iter()
            .any(|f| f.scale == 0 || !f.scale.is_power_of_two())
        {
            return None;
        }
        Some(fields)
    }
}

/// `ops` with `vals` in the `holes` (a register hole's class is its
/// stand-in's); `None` if a value is no register of its class or a hole
/// is not in `ops`.
pub fn fill<'a>(ops: &[Operand<'a>], holes: &[Hole], vals: &[i64]) -> Option<Vec<Operand<'a>>> {
    let mut ops = ops.to_vec();
    for (&h, &v) in holes.iter().zip(vals) {
        let num = u8::try_from(v).ok();
        let reg = |r: Reg| Reg::new(r.class(), num?);
        match (h, ops.get_mut(h.operand())?) {
            (Hole::Reg(_), Operand::Reg(r)) => *r = reg(*r)?,
            (Hole::Base(_), Operand::Mem(m)) => m.base = Some(reg(m.base?)?),
            (Hole::Index(_), Operand::Mem(m)) => m.index = Some(reg(m.index?)?),
            (Hole::Imm(_), Operand::Imm(i)) => i.value = v,
            (Hole::Disp(_), Operand::Mem(m)) => m.disp = v,
            _ => return None,
        }
    }
    Some(ops)
}

/// The low `len` bytes set.
fn len_mask(len: u8) -> u128 {
    if len >= 16 {
        u128::MAX
    } else {
        (1u128 << (8 * len as u32)) - 1
    }
}

/// A small deterministic generator for the random checks.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The template of `statement` (stand-ins in the holes) whose `holes`
/// come at run time; `None` if the statement is not one the model
/// covers (see the module).
pub fn derive(statement: &Statement<'_, '_>, holes: &[Hole]) -> Option<Template> {
    let Statement {
        mode,
        mnemonic,
        forms,
        operands: ops,
        decorations: d,
        prefixes,
    } = *statement;
    if !mode.is64()
        || (prefixes.0 != 0 && prefixes != Prefixes::LOCK)
        || holes.is_empty()
        || holes.len() > MAX_HOLES
        || matches!(mnemonic.name(), "xchg" | "sal")
    {
        return None;
    }
    if ops.iter().any(|o| match o {
        Operand::Label(..) | Operand::Far(..) => true,
        Operand::Mem(m) => m.label.is_some() || m.seg.is_some(),
        _ => false,
    }) {
        return None;
    }
    if forms.iter().any(|&i| {
        FORMS.get(i as usize).map_or(true, |f| {
            f.flags & (flags::UNIQUE_REGS | flags::UNIQUE_DEST) != 0
        })
    }) {
        return None;
    }
    let classes: Vec<Option<RegClass>> = holes
        .iter()
        .map(|&h| match (h, ops.get(h.operand())) {
            (Hole::Reg(_), Some(Operand::Reg(r))) => Some(r.class()),
            (Hole::Base(_), Some(Operand::Mem(m))) => m.base.map(|r| r.class()),
            (Hole::Index(_), Some(Operand::Mem(m))) => m.index.map(|r| r.class()),
            _ => None,
        })
        .collect();
    for (&h, c) in holes.iter().zip(&classes) {
        if matches!(h, Hole::Reg(_) | Hole::Base(_) | Hole::Index(_)) && c.is_none() {
            return None;
        }
    }
    let s = Stmt {
        mnemonic,
        forms,
        ops,
        d,
        holes,
        classes,
        lock: prefixes == Prefixes::LOCK,
    };
    // Each hole's candidate facts, and one value for each combination of
    // them that some value has.
    let mut cands: Vec<Test> = Vec::new();
    let mut reps: Vec<Vec<i64>> = Vec::new();
    let mut domains: Vec<Vec<i64>> = Vec::new();
    for (i, (&h, c)) in holes.iter().zip(&s.classes).enumerate() {
        let fs = candidates(h, *c, forms);
        let domain: Vec<i64> = match c {
            Some(c) => (c.first()..c.first() + c.count()).map(i64::from).collect(),
            None => PROBES.to_vec(),
        };
        let fact = |v: i64, f: Feature| match c {
            Some(_) => f.reg(v as u8),
            None => f.value(v),
        };
        let mut seen: Vec<Vec<bool>> = Vec::new();
        let mut r = Vec::new();
        for &v in &domain {
            let vec: Vec<bool> = fs.iter().map(|&f| fact(v, f)).collect();
            if !seen.contains(&vec) {
                seen.push(vec);
                r.push(v);
            }
        }
        cands.extend(fs.into_iter().map(|feature| Test {
            input: i as u8,
            feature,
        }));
        reps.push(r);
        domains.push(domain);
    }
    let combos: usize = reps.iter().map(Vec::len).product();
    if combos > MAX_COMBOS {
        return None;
    }
    let mut obs: Vec<Obs> = Vec::new();
    let mut idx = vec![0usize; holes.len()];
    loop {
        let mut vals = [0i64; MAX_HOLES];
        for (k, (&j, r)) in idx.iter().zip(&reps).enumerate() {
            vals[k] = r[j];
        }
        obs.push(s.observe(vals)?);
        // The next combination.
        let mut k = 0;
        while k < idx.len() {
            idx[k] += 1;
            if idx[k] < reps[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
        if k == idx.len() {
            break;
        }
    }
    // Sweeps: from one encoding of each shape, every register of each
    // hole's class and every probe of each value (the bits of the register
    // numbers the representatives do not vary, and a check of the facts).
    let mut starts: Vec<[i64; MAX_HOLES]> = Vec::new();
    {
        let mut kinds: Vec<&Outcome> = Vec::new();
        for o in &obs {
            if !kinds.iter().any(|k| k.same_shape(&o.outcome)) {
                kinds.push(&o.outcome);
                starts.push(o.vals);
            }
        }
    }
    for start in starts {
        for (k, domain) in domains.iter().enumerate() {
            for &v in domain {
                let mut vals = start;
                vals[k] = v;
                obs.push(s.observe(vals)?);
            }
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (mnemonic.index() as u64) << 20 ^ holes.len() as u64);
    for _ in 0..48 {
        let mut vals = [0i64; MAX_HOLES];
        for (k, domain) in domains.iter().enumerate() {
            let x = rng.next();
            vals[k] = match s.classes[k] {
                Some(_) => domain[(x % domain.len() as u64) as usize],
                // A probe, a small number or any 64-bit value.
                None => match x % 3 {
                    0 => domain[(x >> 8) as usize % domain.len()],
                    1 => ((x >> 8) % 512) as i64 - 256,
                    _ => (x >> 2) as i64 - (1 << 61),
                },
            };
        }
        obs.push(s.observe(vals)?);
    }
    // Drop the facts the outcome does not depend on.
    if cands.len() > 32 {
        return None;
    }
    let mut tests = cands;
    let mut i = 0;
    while i < tests.len() {
        let mut fewer = tests.clone();
        fewer.remove(i);
        if keyed(&s, &fewer, &obs).is_some() {
            tests = fewer;
        } else {
            i += 1;
        }
    }
    if tests.len() > MAX_TESTS {
        return None;
    }
    // Each register over the values that keep its facts, from one
    // encoding of each outcome and each combination of that register's
    // facts: within a shape every bit of every register that varies is
    // then seen varying (the sweeps above start from one encoding per
    // shape, where some facts may pin bits that others do not).
    let mut seen: Vec<(usize, usize, u32)> = Vec::new();
    let mut seen_shapes: Vec<ShapeKey> = Vec::new();
    let before = obs.len();
    for j in 0..before {
        let sk = match &obs[j].outcome {
            Outcome::Shaped(sk, _) => sk,
            Outcome::Matcher => continue,
        };
        let shape = shapes_seen(&mut seen_shapes, sk);
        for (k, domain) in domains.iter().enumerate() {
            if s.classes[k].is_none() {
                continue;
            }
            let facts = hole_facts(&s, &tests, k, obs[j].vals[k]);
            if seen.contains(&(shape, k, facts)) {
                continue;
            }
            seen.push((shape, k, facts));
            for &v in domain {
                if v != obs[j].vals[k] && hole_facts(&s, &tests, k, v) == facts {
                    let mut vals = obs[j].vals;
                    vals[k] = v;
                    obs.push(s.observe(vals)?);
                }
            }
        }
    }
    let by_key = keyed(&s, &tests, &obs)?;
    let mut shapes: Vec<(ShapeKey, Vec<usize>)> = Vec::new();
    let mut keys = vec![Template::MATCHER; 1 << tests.len()];
    for (&key, &j) in &by_key {
        if let Outcome::Shaped(sk, _) = &obs[j].outcome {
            let at = match shapes.iter().position(|(k, _)| k == sk) {
                Some(at) => at,
                None => {
                    shapes.push((sk.clone(), Vec::new()));
                    shapes.len() - 1
                }
            };
            keys[key as usize] = at as u8;
        }
    }
    if shapes.is_empty() || shapes.len() > MAX_SHAPES {
        return None;
    }
    for (j, o) in obs.iter().enumerate() {
        if let Outcome::Shaped(sk, _) = &o.outcome {
            if let Some((_, members)) = shapes.iter_mut().find(|(k, _)| k == sk) {
                members.push(j);
            }
        }
    }
    let mut out = Vec::new();
    // Shapes whose bits are not placed as the model places them are left
    // to the matcher (their keys renumbered).
    let mut renumber = Vec::new();
    for (sk, members) in &shapes {
        renumber.push(match solve(&s, sk, members, &obs) {
            Some(shape) => {
                out.push(shape);
                out.len() as u8 - 1
            }
            None => Template::MATCHER,
        });
    }
    for k in keys.iter_mut() {
        if *k != Template::MATCHER {
            *k = renumber[*k as usize];
        }
    }
    if out.is_empty() {
        return None;
    }
    Some(Template {
        tests,
        keys,
        shapes: out,
    })
}

/// The key of `vals` under `tests`.
fn key_of(s: &Stmt<'_, '_>, tests: &[Test], vals: &[i64; MAX_HOLES]) -> u32 {
    key(tests, |i| s.classes[i as usize].is_some(), vals)
}

/// The key of `vals` under `tests`: bit `b` says whether `tests[b]` holds
/// (`is_reg` tells which holes are registers).
fn key(tests: &[Test], is_reg: impl Fn(u8) -> bool, vals: &[i64]) -> u32 {
    let mut key = 0;
    for (b, t) in tests.iter().enumerate() {
        let v = vals[t.input as usize];
        let holds = if is_reg(t.input) {
            t.feature.reg(v as u8)
        } else {
            t.feature.value(v)
        };
        key |= (holds as u32) << b;
    }
    key
}

/// The index of `sk` in `seen`, added if new.
fn shapes_seen(seen: &mut Vec<ShapeKey>, sk: &ShapeKey) -> usize {
    match seen.iter().position(|k| k == sk) {
        Some(i) => i,
        None => {
            seen.push(sk.clone());
            seen.len() - 1
        }
    }
}

/// The bits of the key that `tests` on hole `k` give value `v`.
fn hole_facts(s: &Stmt<'_, '_>, tests: &[Test], k: usize, v: i64) -> u32 {
    let mut vals = [0i64; MAX_HOLES];
    vals[k] = v;
    let own: u32 = tests
        .iter()
        .enumerate()
        .filter(|(_, t)| t.input as usize == k)
        .map(|(b, _)| 1u32 << b)
        .sum();
    key_of(s, tests, &vals) & own
}

/// For each key under `tests`, an observation with that key, if every
/// observation with the same key has the same shape (or all go to the
/// matcher); `None` if two of one key differ.
fn keyed(s: &Stmt<'_, '_>, tests: &[Test], obs: &[Obs]) -> Option<BTreeMap<u32, usize>> {
    let mut by_key: BTreeMap<u32, usize> = BTreeMap::new();
    for (j, o) in obs.iter().enumerate() {
        let key = key_of(s, tests, &o.vals);
        match by_key.get(&key) {
            None => {
                by_key.insert(key, j);
            }
            Some(&first) => {
                if !obs[first].outcome.same_shape(&o.outcome) {
                    return None;
                }
            }
        }
    }
    Some(by_key)
}

/// The constant bytes and register terms of shape `sk` from its encodings
/// `members`: each bit of the instruction as an exclusive or of a constant
/// and of bits of the register numbers (Gauss–Jordan elimination over
/// GF(2), one unknown per register bit, one equation per encoding, all 128
/// bits at once); `None` if the encodings admit no such form.
fn solve(s: &Stmt<'_, '_>, sk: &ShapeKey, members: &[usize], obs: &[Obs]) -> Option<Shape> {
    // Unknown 0: the constant; then 5 bits of each register hole.
    let regs: Vec<usize> = (0..s.holes.len())
        .filter(|&k| s.classes[k].is_some())
        .collect();
    let vars = 1 + 5 * regs.len();
    let row_of = |o: &Obs| -> (u32, u128) {
        let mut m = 1u32;
        for (r, &k) in regs.iter().enumerate() {
            m |= ((o.vals[k] as u32) & 0x1f) << (1 + 5 * r);
        }
        let Outcome::Shaped(_, w) = o.outcome else {
            unreachable!("members are shaped")
        };
        (m, w)
    };
    let mut rows: Vec<(u32, u128)> = members.iter().map(|&j| row_of(&obs[j])).collect();
    let mut pivots: Vec<(usize, usize)> = Vec::new(); // (variable, row)
    let mut next = 0;
    for v in 0..vars {
        let Some(p) = (next..rows.len()).find(|&r| rows[r].0 >> v & 1 != 0) else {
            continue;
        };
        rows.swap(next, p);
        let (pm, pw) = rows[next];
        for (r, row) in rows.iter_mut().enumerate() {
            if r != next && row.0 >> v & 1 != 0 {
                row.0 ^= pm;
                row.1 ^= pw;
            }
        }
        pivots.push((v, next));
        next += 1;
    }
    // Consistency: an equation with no unknown left must hold.
    if rows[next..].iter().any(|&(m, w)| m == 0 && w != 0) {
        return None;
    }
    // Free unknowns are 0: each pivot's value is its row's right side.
    let mut value = vec![0u128; vars];
    for &(v, r) in &pivots {
        value[v] = rows[r].1;
    }
    let mut terms: Vec<Term> = Vec::new();
    for (r, &k) in regs.iter().enumerate() {
        for b in 0..5u8 {
            let col = value[1 + 5 * r + b as usize];
            for p in 0..128u32 {
                if col >> p & 1 == 0 {
                    continue;
                }
                let shift = p as i32 - b as i32;
                let shift = i8::try_from(shift).ok()?;
                match terms
                    .iter_mut()
                    .find(|t| t.input == k as u8 && t.shift == shift)
                {
                    Some(t) => t.mask |= 1 << b,
                    None => terms.push(Term {
                        input: k as u8,
                        mask: 1 << b,
                        shift,
                    }),
                }
            }
        }
    }
    let shape = Shape {
        len: sk.len,
        bytes: value[0],
        terms,
        fields: sk.fields.clone(),
    };
    // Every encoding of the shape is reproduced.
    for &j in members {
        let o = &obs[j];
        let Outcome::Shaped(_, w) = o.outcome else {
            return None;
        };
        if shape.registers(&o.vals) != w || (w & !len_mask(sk.len)) != 0 {
            return None;
        }
    }
    Some(shape)
}

impl Shape {
    /// The constant bytes with the register terms of `vals` (the fields
    /// left zero).
    pub fn registers(&self, vals: &[i64]) -> u128 {
        let mut w = self.bytes;
        for t in &self.terms {
            let x = (vals[t.input as usize] as u8 & t.mask) as u128;
            w ^= if t.shift >= 0 {
                x << t.shift
            } else {
                x >> -t.shift
            };
        }
        w
    }

    /// The instruction's bytes for `vals` (for tests and the macro's
    /// checks: the macro writes the same computation out).
    pub fn bytes(&self, vals: &[i64]) -> Vec<u8> {
        let mut w = self.registers(vals);
        for f in &self.fields {
            let v = (vals[f.input as usize] / f.scale as i64) as u64 as u128;
            w |= (v & len_mask(f.len)) << (8 * f.at as u32);
        }
        w.to_le_bytes()[..self.len as usize].to_vec()
    }
}

impl Template {
    /// The key of `vals`.
    pub fn key(&self, classes_are_regs: &[bool], vals: &[i64]) -> usize {
        key(&self.tests, |i| classes_are_regs[i as usize], vals) as usize
    }
}
