//! The typed builder (`jitasm_a64::builder`) against the encoder and
//! llvm-mc:
//!
//! * `golden_lines`: every line of the golden corpus
//!   (`data/golden_a64.txt`, llvm-mc's words) whose operands the builder's
//!   argument types can express is emitted through the typed method the
//!   operands select; the bytes must be llvm-mc's word (a line llvm-mc
//!   rejects must be rejected), and the result must be `encode`'s for the
//!   same operands. The lines the builder cannot express are counted by
//!   reason.
//! * `every_impl_equals_encode`: random operand instances of every impl
//!   (drawn from its forms, and from its argument types for the aliases)
//!   give the same bytes, fixup or error as `encode` of the same
//!   `Instruction`; every impl must take some instance and encode some.
//! * `errors_*`: values that break a rule give the encoder's error naming
//!   it, and write nothing.
//! * `label_vectors`: the label vectors of `crates/jitasm/tests/data/
//!   a64_labels.txt` (llvm-mc and ld: `b`, `bl`, `b.cond`, `cbz`, `tbz`,
//!   `adr`, `adrp`, `ldr` literal, `prfm` forward and backward, in and out
//!   of range) through a `VecAssembler<Aarch64>`.
//!
//! `cargo test -p jitasm-a64 --test builder -- --nocapture` prints the
//! counts.

#[path = "support/gen.rs"]
mod gen;
#[path = "support/known.rs"]
mod known;
#[path = "support/parse.rs"]
mod parse;

use gen::Rng;
use jitasm_a64::builder::{self as bd, arr, elem, prelude::*, regs::*, Builder};
use jitasm_a64::builder::{
    list, lsl, mem, post, pre, rel, sxtw, AtOp, Barrier, Bti, DcOp, Extend, IcOp, IntoFloat,
    IntoLabel, PState, Post, Pre, Prefetch, Shift, SysReg, TlbiOp, VElem, VLanes, VList, VReg,
};
use jitasm_a64::operand::{PREFETCH_OPS, PSTATE_FIELDS, SYSTEM_REGISTERS, SYS_OPS};
use jitasm_a64::table::forms;
use jitasm_a64::{
    encode, Arrangement, Cond, Elem, ElemSize, EncodeError, Instruction, Mem, MemMode, MemOffset,
    ModKind, Modifier, Operand, Reg, RegClass, VLaneList,
};
use jitasm_core::{
    ByteSink, CodeSink, DynamicLabel, Error, FixupKind, LabelApi, LabelRef, LabelTarget,
};
use jitasm_runtime::{isa::Aarch64, VecAssembler};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------
// A sink that records bytes and fixups.

#[derive(Default)]
struct Sink {
    bytes: Vec<u8>,
    fixups: Vec<(String, &'static str, usize)>,
    errors: Vec<String>,
}

impl ByteSink for Sink {
    fn push(&mut self, b: u8) {
        self.bytes.push(b)
    }
    fn extend_from_slice(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b)
    }
    fn offset(&self) -> usize {
        self.bytes.len()
    }
}

impl CodeSink for Sink {
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        assert_eq!(at, pc, "A64 fixups count from the instruction");
        self.fixups.push((format!("{label:?}"), kind.name, at));
    }
    fn record_error(&mut self, e: Error) {
        self.errors.push(e.to_string())
    }
}

/// What one emission gave: the bytes and fixup, or the error.
type Outcome = Result<([u8; 4], Option<(String, &'static str)>), EncodeError>;

fn by_encode(m: &str, ops: &[Operand<'_>]) -> Outcome {
    encode(&Instruction::new(m, ops)).map(|e| {
        (
            e.bytes(),
            e.fixup.map(|f| (format!("{:?}", f.label), f.kind.name)),
        )
    })
}

fn by_builder(id: usize, ops: &[Operand<'_>]) -> Option<Outcome> {
    let mut sink = Sink::default();
    let r = {
        let mut b = Builder::new(&mut sink);
        CALLS[id](&mut b, ops)?
    };
    Some(match r {
        Ok(()) => {
            assert_eq!(sink.bytes.len(), 4, "one instruction is 4 bytes");
            assert!(sink.fixups.len() <= 1);
            let fx = sink.fixups.pop().map(|(l, k, at)| {
                assert_eq!(at, 0);
                (l, k)
            });
            Ok((sink.bytes.try_into().unwrap(), fx))
        }
        Err(e) => {
            assert!(sink.bytes.is_empty(), "an error wrote {:02x?}", sink.bytes);
            assert!(sink.fixups.is_empty());
            Err(e)
        }
    })
}

// ---------------------------------------------------------------------------
// Operands → the builder's argument types (the inverse of its lowering).

struct Cur<'o, 'a> {
    ops: &'o [Operand<'a>],
    pos: usize,
}

impl<'o, 'a> Cur<'o, 'a> {
    fn new(ops: &'o [Operand<'a>]) -> Self {
        Cur { ops, pos: 0 }
    }
    fn next(&mut self) -> Option<Operand<'a>> {
        let o = *self.ops.get(self.pos)?;
        self.pos += 1;
        Some(o)
    }
    fn reg(&mut self) -> Option<Reg> {
        match self.next()? {
            Operand::Reg(r) => Some(r),
            _ => None,
        }
    }
    fn modifier(&mut self) -> Option<Modifier> {
        match self.next()? {
            Operand::Modifier(m) => Some(m),
            _ => None,
        }
    }
    fn done(&self) -> bool {
        self.pos == self.ops.len()
    }
}

/// A float-slot argument as the text gives it: a float or an integer.
#[derive(Clone, Copy)]
enum FloatArg {
    F(f64),
    I(i64),
}

impl IntoFloat for FloatArg {
    fn float_operand(self) -> Operand<'static> {
        match self {
            FloatArg::F(f) => f.float_operand(),
            FloatArg::I(i) => i.float_operand(),
        }
    }
}

/// A label-slot argument: a label or a byte offset.
#[derive(Clone, Copy)]
enum LabelArg<'a> {
    L(LabelRef<'a>),
    Rel(i64),
}

impl<'a> IntoLabel<'a> for LabelArg<'a> {
    fn label_operand(self) -> Operand<'a> {
        match self {
            LabelArg::L(l) => l.label_operand(),
            LabelArg::Rel(v) => rel(v).label_operand(),
        }
    }
}

#[allow(non_snake_case, dead_code)]
mod conv {
    use super::*;

    macro_rules! regs {
        ($($f:ident: $t:ty;)*) => {$(
            pub fn $f(c: &mut Cur<'_, '_>) -> Option<$t> {
                <$t>::try_from(c.reg()?).ok()
            }
        )*};
    }
    regs! {
        X: bd::X; W: bd::W; Sp: bd::Sp; Wsp: bd::Wsp; B: bd::B; H: bd::H; S: bd::S; D: bd::D;
        Q: bd::Q;
        V8B: VReg<arr::B8>; V16B: VReg<arr::B16>; V2H: VReg<arr::H2>; V4H: VReg<arr::H4>;
        V8H: VReg<arr::H8>; V2S: VReg<arr::S2>; V4S: VReg<arr::S4>; V1D: VReg<arr::D1>;
        V2D: VReg<arr::D2>; V1Q: VReg<arr::Q1>;
    }

    macro_rules! elems {
        ($($f:ident: $t:ty;)*) => {$(
            pub fn $f(c: &mut Cur<'_, '_>) -> Option<$t> {
                match c.next()? {
                    Operand::Elem(e) => <$t>::try_from(e).ok(),
                    _ => None,
                }
            }
        )*};
    }
    elems! {
        EB: VElem<elem::B>; EH: VElem<elem::H>; ES: VElem<elem::S>; ED: VElem<elem::D>;
        E4B: VElem<elem::B4>; E2H: VElem<elem::H2>;
    }

    macro_rules! lists {
        ($($f:ident: $t:ty;)*) => {$(
            pub fn $f(c: &mut Cur<'_, '_>) -> Option<$t> {
                match c.next()? {
                    Operand::List(l) => <$t>::try_from(l).ok(),
                    _ => None,
                }
            }
        )*};
    }
    lists! {
        L8B: VList<arr::B8>; L16B: VList<arr::B16>; L2H: VList<arr::H2>; L4H: VList<arr::H4>;
        L8H: VList<arr::H8>; L2S: VList<arr::S2>; L4S: VList<arr::S4>; L1D: VList<arr::D1>;
        L2D: VList<arr::D2>; L1Q: VList<arr::Q1>;
    }

    macro_rules! lanes {
        ($($f:ident: $t:ty;)*) => {$(
            pub fn $f(c: &mut Cur<'_, '_>) -> Option<$t> {
                match c.next()? {
                    Operand::LaneList(l) => <$t>::try_from(l).ok(),
                    _ => None,
                }
            }
        )*};
    }
    lanes! { LB: VLanes<elem::B>; LH: VLanes<elem::H>; LS: VLanes<elem::S>; LD: VLanes<elem::D>; }

    fn shift(c: &mut Cur<'_, '_>) -> Option<Shift> {
        let m = c.modifier()?;
        if m.kind.is_extend() {
            return None;
        }
        Some(Shift::new(m.kind, m.amount?))
    }

    fn extend(c: &mut Cur<'_, '_>) -> Option<Extend> {
        let m = c.modifier()?;
        if !m.kind.is_extend() {
            return None;
        }
        Some(Extend::new(m.kind, m.amount.map(i64::from)))
    }

    pub fn XShift(c: &mut Cur<'_, '_>) -> Option<(bd::X, Shift)> {
        Some((X(c)?, shift(c)?))
    }
    pub fn WShift(c: &mut Cur<'_, '_>) -> Option<(bd::W, Shift)> {
        Some((W(c)?, shift(c)?))
    }
    pub fn XExt(c: &mut Cur<'_, '_>) -> Option<(bd::X, Extend)> {
        Some((X(c)?, extend(c)?))
    }
    pub fn WExt(c: &mut Cur<'_, '_>) -> Option<(bd::W, Extend)> {
        Some((W(c)?, extend(c)?))
    }

    pub fn Imm(c: &mut Cur<'_, '_>) -> Option<i64> {
        match c.next()? {
            Operand::Imm(v) => Some(v),
            _ => None,
        }
    }
    pub fn ImmShift(c: &mut Cur<'_, '_>) -> Option<(i64, Shift)> {
        Some((Imm(c)?, shift(c)?))
    }
    pub fn Float(c: &mut Cur<'_, '_>) -> Option<FloatArg> {
        match c.next()? {
            Operand::Float(f) => Some(FloatArg::F(f)),
            Operand::Imm(i) => Some(FloatArg::I(i)),
            _ => None,
        }
    }
    pub fn Label<'a>(c: &mut Cur<'_, 'a>) -> Option<LabelArg<'a>> {
        match c.next()? {
            Operand::Label(l) => Some(LabelArg::L(l)),
            Operand::Imm(v) => Some(LabelArg::Rel(v)),
            _ => None,
        }
    }
    pub fn Mem(c: &mut Cur<'_, '_>) -> Option<bd::Mem> {
        match c.next()? {
            Operand::Mem(m) => bd::Mem::try_from(m).ok(),
            _ => None,
        }
    }
    pub fn Pre(c: &mut Cur<'_, '_>) -> Option<Pre> {
        match c.next()? {
            Operand::Mem(m) => Pre::try_from(m).ok(),
            _ => None,
        }
    }
    pub fn Post(c: &mut Cur<'_, '_>) -> Option<Post> {
        match c.next()? {
            Operand::Mem(m) => Post::try_from(m).ok(),
            _ => None,
        }
    }
    pub fn Cond(c: &mut Cur<'_, '_>) -> Option<jitasm_a64::Cond> {
        match c.next()? {
            Operand::Cond(x) => Some(x),
            _ => None,
        }
    }
    pub fn SysReg(c: &mut Cur<'_, '_>) -> Option<bd::SysReg> {
        match c.next()? {
            Operand::SysReg(v) => bd::SysReg::new(
                (v >> 14) as u8,
                (v >> 11 & 7) as u8,
                (v >> 7 & 15) as u8,
                (v >> 3 & 15) as u8,
                (v & 7) as u8,
            ),
            _ => None,
        }
    }
    pub fn PState(c: &mut Cur<'_, '_>) -> Option<bd::PState> {
        match c.next()? {
            Operand::PState(v) => bd::PState::new(v),
            _ => None,
        }
    }
    pub fn Barrier(c: &mut Cur<'_, '_>) -> Option<bd::Barrier> {
        match c.next()? {
            Operand::Barrier(v) => bd::Barrier::new(v),
            _ => None,
        }
    }
    pub fn Prefetch(c: &mut Cur<'_, '_>) -> Option<bd::Prefetch> {
        match c.next()? {
            Operand::Prefetch(v) => bd::Prefetch::new(v),
            _ => None,
        }
    }
    pub fn CReg(c: &mut Cur<'_, '_>) -> Option<bd::CReg> {
        match c.next()? {
            Operand::CReg(v) => bd::CReg::new(v),
            _ => None,
        }
    }
    macro_rules! sys_ops {
        ($($f:ident,)*) => {$(
            pub fn $f(c: &mut Cur<'_, '_>) -> Option<bd::$f> {
                match c.next()? {
                    Operand::Symbol(s) => bd::$f::named(s),
                    _ => None,
                }
            }
        )*};
    }
    sys_ops!(DcOp, IcOp, AtOp, TlbiOp,);
    pub fn Bti(c: &mut Cur<'_, '_>) -> Option<bd::Bti> {
        match c.next()? {
            Operand::Symbol(s) if s.eq_ignore_ascii_case("c") => Some(bd::Bti::C),
            Operand::Symbol(s) if s.eq_ignore_ascii_case("j") => Some(bd::Bti::J),
            Operand::Symbol(s) if s.eq_ignore_ascii_case("jc") => Some(bd::Bti::Jc),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// Every impl, from the generated list.

struct Impl {
    mnemonic: &'static str,
    method: &'static str,
    /// The forms `FORMS[lo..hi]` it chooses among; `None` for the alias
    /// rules.
    span: Option<(usize, usize)>,
    tokens: &'static [&'static str],
}

type Call = for<'s, 'o, 'a> fn(
    &mut Builder<'s, Sink>,
    &'o [Operand<'a>],
) -> Option<Result<(), EncodeError>>;

macro_rules! span {
    (table $lo:literal $hi:literal) => {
        Some(($lo, $hi))
    };
    (alias $lo:literal $hi:literal) => {
        None
    };
}

macro_rules! impls {
    ($($id:literal $m:literal $meth:ident $kind:ident $lo:literal $hi:literal [$($t:ident)*];)*) => {
        static IMPLS: &[Impl] = &[$(Impl {
            mnemonic: $m,
            method: stringify!($meth),
            span: span!($kind $lo $hi),
            tokens: &[$(stringify!($t)),*],
        }),*];

        /// Each impl's call: the operands converted to its argument types
        /// (`None` when they are not of those types) and the method called.
        static CALLS: &[Call] = &[$(
            |b, ops| {
                let mut c = Cur::new(ops);
                let _ = &mut c;
                $(conv::$t(&mut c)?;)*
                if !c.done() {
                    return None;
                }
                let mut c = Cur::new(ops);
                let _ = &mut c;
                Some(b.$meth($(conv::$t(&mut c).unwrap()),*))
            }
        ),*];
    };
}
jitasm_a64::__jitasm_a64_builder_impls!(impls);

/// Each impl's fast-path plan: its own forms and the forms of the
/// instructions its alias rules may name (runs of `FORMS`).
type ImplPlan = ((usize, usize), &'static [(usize, usize)]);

macro_rules! plans {
    ($($id:literal $lo:literal $hi:literal [$($blo:literal $bhi:literal)*];)*) => {
        static PLANS: &[ImplPlan] = &[$((($lo, $hi), &[$(($blo, $bhi)),*])),*];
    };
}
jitasm_a64::__jitasm_a64_builder_plans!(plans);

/// The impls of each mnemonic.
fn by_mnemonic() -> BTreeMap<&'static str, Vec<usize>> {
    let mut m: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, imp) in IMPLS.iter().enumerate() {
        m.entry(imp.mnemonic).or_default().push(i);
    }
    m
}

/// The impls whose argument types the operands are.
fn taking(
    index: &BTreeMap<&'static str, Vec<usize>>,
    m: &str,
    ops: &[Operand<'_>],
) -> Vec<(usize, Outcome)> {
    index
        .get(m)
        .into_iter()
        .flatten()
        .filter_map(|&id| by_builder(id, ops).map(|r| (id, r)))
        .collect()
}

fn show(o: &Outcome) -> String {
    match o {
        Ok((b, None)) => format!("{:08x}", u32::from_le_bytes(*b)),
        Ok((b, Some((l, k)))) => format!("{:08x} + {k} to {l}", u32::from_le_bytes(*b)),
        Err(e) => format!("error: {e}"),
    }
}

// ---------------------------------------------------------------------------
// (a) The golden corpus.

#[test]
fn golden_lines() {
    let index = by_mnemonic();
    let text = include_str!("data/golden_a64.txt");
    let mut failures = Vec::new();
    let (mut lines, mut accepted) = (0, 0);
    let (mut words, mut rejected, mut known_diffs, mut known_unexpressed) = (0, 0, 0, 0);
    let mut not_expressed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut not_expressed_accepted = 0;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        lines += 1;
        let (expected, asm) = line.split_once('\t').expect("word TAB text");
        if expected != "error" {
            accepted += 1;
        }
        let lineno = n + 1;
        let (m, ops) = match parse::parse(asm) {
            Ok(x) => x,
            Err(e) => {
                let by = if expected != "error" {
                    not_expressed_accepted += 1;
                    "accepted"
                } else {
                    "refused"
                };
                not_expressed
                    .entry(format!("the test parser rejects it ({e}), {by} by llvm-mc"))
                    .or_default()
                    .push(asm.to_string());
                continue;
            }
        };
        let taken = taking(&index, &m, &ops);
        let Some((id, got)) = taken.first().cloned() else {
            if known::known(asm, expected).is_some() {
                // llvm-mc accepts what the encoder refuses: the builder has
                // no argument types for it.
                known_diffs += 1;
                known_unexpressed += 1;
                continue;
            }
            let why = if !index.contains_key(m.as_str()) {
                format!("no builder method `{m}`")
            } else {
                "operands of no argument-type list of the mnemonic".to_string()
            };
            let why = if expected != "error" {
                not_expressed_accepted += 1;
                format!("{why}, accepted by llvm-mc")
            } else {
                format!("{why}, refused by llvm-mc")
            };
            not_expressed.entry(why).or_default().push(asm.to_string());
            continue;
        };
        if taken.len() > 1 {
            failures.push(format!(
                "line {lineno}: `{asm}`: taken by {} impls ({:?})",
                taken.len(),
                taken
                    .iter()
                    .map(|(i, _)| IMPLS[*i].tokens)
                    .collect::<Vec<_>>()
            ));
        }
        // The builder is the encoder, whatever llvm-mc says.
        let reference = by_encode(&m, &ops);
        if got != reference {
            failures.push(format!(
                "line {lineno}: `{asm}` ({} {:?}): builder {}, encode {}",
                IMPLS[id].method,
                IMPLS[id].tokens,
                show(&got),
                show(&reference)
            ));
            continue;
        }
        if known::known(asm, expected).is_some() {
            known_diffs += 1;
            continue;
        }
        match (expected, &got) {
            ("error", Err(_)) => rejected += 1,
            ("error", Ok(_)) => failures.push(format!(
                "line {lineno}: `{asm}`: llvm-mc rejects it, the builder gives {}",
                show(&got)
            )),
            (hex, Ok((bytes, None))) => {
                let want = u32::from_str_radix(hex, 16).unwrap();
                if u32::from_le_bytes(*bytes) == want {
                    words += 1;
                } else {
                    failures.push(format!(
                        "line {lineno}: `{asm}`: llvm-mc {want:08x}, builder {}",
                        show(&got)
                    ));
                }
            }
            (hex, _) => failures.push(format!(
                "line {lineno}: `{asm}`: llvm-mc {hex}, builder {}",
                show(&got)
            )),
        }
    }
    let expressed = lines - known_unexpressed - not_expressed.values().map(Vec::len).sum::<usize>();
    eprintln!(
        "golden: {lines} lines ({accepted} accepted by llvm-mc); the builder expresses {expressed} \
         ({} of the accepted): {words} words and {rejected} rejections as llvm-mc, {known_diffs} \
         known differences (as the encoder; {known_unexpressed} of them without argument types); \
         not expressed:",
        accepted - not_expressed_accepted - known_unexpressed
    );
    for (why, v) in &not_expressed {
        eprintln!(
            "  {} × {why}: {}",
            v.len(),
            v[..v.len().min(16)].join(" | ")
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every line llvm-mc accepts is expressible.
    assert_eq!(
        not_expressed_accepted, 0,
        "lines llvm-mc accepts that the builder cannot express"
    );
    assert!(words > 5800, "{words} words");
}

// ---------------------------------------------------------------------------
// (b) Random instances of every impl against `encode`.

const INTERESTING: &[i64] = &[
    0,
    1,
    2,
    3,
    4,
    5,
    7,
    8,
    12,
    15,
    16,
    24,
    31,
    32,
    33,
    48,
    63,
    64,
    65,
    90,
    180,
    255,
    256,
    270,
    4095,
    4096,
    4097,
    0xff,
    0xff00,
    0xffff,
    0x1234,
    0x1_0000,
    0xffff_0000,
    0xffff_ffff,
    -1,
    -8,
    -16,
    -256,
    -257,
    0x5555_5555_5555_5555,
    0x00ff_00ff_00ff_00ff,
    0xff00_ff00_ff00_ffffu64 as i64,
    i64::MIN,
    i64::MAX,
];

fn any_imm(r: &mut Rng) -> i64 {
    match r.below(5) {
        0 => r.range(0, 64),
        1 => r.range(0, 16),
        2 => 8 * r.range(-64, 64),
        _ => r.pick(INTERESTING),
    }
}

fn any_x(r: &mut Rng) -> Reg {
    Reg::x(r.below(32) as u8)
}

fn any_base(r: &mut Rng) -> Reg {
    if r.below(4) == 0 {
        Reg::parse("sp").unwrap()
    } else {
        Reg::x(r.below(31) as u8)
    }
}

fn modifier(kind: ModKind, amount: Option<u8>) -> Operand<'static> {
    Operand::Modifier(Modifier { kind, amount })
}

const ARRS: &[(&str, Arrangement)] = &[
    ("8B", Arrangement::B8),
    ("16B", Arrangement::B16),
    ("2H", Arrangement::H2),
    ("4H", Arrangement::H4),
    ("8H", Arrangement::H8),
    ("2S", Arrangement::S2),
    ("4S", Arrangement::S4),
    ("1D", Arrangement::D1),
    ("2D", Arrangement::D2),
    ("1Q", Arrangement::Q1),
];

const SIZES: &[(&str, ElemSize)] = &[
    ("B", ElemSize::B),
    ("H", ElemSize::H),
    ("S", ElemSize::S),
    ("D", ElemSize::D),
    ("4B", ElemSize::B4),
    ("2H", ElemSize::H2),
];

/// Random operands of the argument type `tok`, biased towards values the
/// forms take.
fn of_type(tok: &str, r: &mut Rng, label: LabelRef<'static>) -> Vec<Operand<'static>> {
    let n = r.below(32) as u8;
    let one = |o: Operand<'static>| vec![o];
    match tok {
        "X" => one(Operand::Reg(Reg::x(n))),
        "W" => one(Operand::Reg(Reg::w(n))),
        "Sp" => one(Operand::Reg(Reg::parse("sp").unwrap())),
        "Wsp" => one(Operand::Reg(Reg::parse("wsp").unwrap())),
        "B" | "H" | "S" | "D" | "Q" => {
            let class = match tok {
                "B" => RegClass::B,
                "H" => RegClass::H,
                "S" => RegClass::S,
                "D" => RegClass::D,
                _ => RegClass::Q,
            };
            one(Operand::Reg(Reg::fp(class, n)))
        }
        "XShift" | "WShift" => {
            let (reg, w) = if tok == "XShift" {
                (Reg::x(n), 64)
            } else {
                (Reg::w(n), 32)
            };
            // Half of them `lsl` by 0..=4, which the extended forms take too.
            let m = if r.below(2) == 0 {
                modifier(ModKind::Lsl, Some(r.below(5) as u8))
            } else {
                let kind = r.pick(&[ModKind::Lsl, ModKind::Lsr, ModKind::Asr, ModKind::Ror]);
                modifier(kind, Some(r.below(w + 2) as u8))
            };
            vec![Operand::Reg(reg), m]
        }
        "XExt" | "WExt" => {
            let reg = if tok == "XExt" { Reg::x(n) } else { Reg::w(n) };
            let kind = if tok == "XExt" && r.below(4) != 0 {
                r.pick(&[ModKind::Uxtx, ModKind::Sxtx])
            } else {
                r.pick(&[
                    ModKind::Uxtb,
                    ModKind::Uxth,
                    ModKind::Uxtw,
                    ModKind::Uxtx,
                    ModKind::Sxtb,
                    ModKind::Sxth,
                    ModKind::Sxtw,
                    ModKind::Sxtx,
                ])
            };
            let amount = if r.below(3) == 0 {
                None
            } else {
                Some(r.below(6) as u8)
            };
            vec![Operand::Reg(reg), modifier(kind, amount)]
        }
        "Imm" => one(Operand::Imm(any_imm(r))),
        "ImmShift" => {
            let v = match r.below(3) {
                0 => r.range(0, 255),
                1 => r.range(0, 4095),
                _ => r.range(0, 0xffff),
            };
            let m = if r.below(4) == 0 {
                modifier(ModKind::Msl, Some(r.pick(&[8, 16, 4])))
            } else {
                modifier(ModKind::Lsl, Some(r.pick(&[0, 8, 12, 16, 24, 32, 48, 1])))
            };
            vec![Operand::Imm(v), m]
        }
        "Float" => one(match r.below(4) {
            0 => Operand::Float(0.0),
            1 => Operand::Imm(r.range(-4, 40)),
            2 => Operand::Float(0.1),
            _ => Operand::Float(gen::fp8_value(r.below(256) as u32)),
        }),
        "Label" => one(if r.below(3) == 0 {
            Operand::Label(label)
        } else {
            Operand::Imm(match r.below(3) {
                0 => 4 * r.range(-1000, 1000),
                1 => r.range(-5000, 5000),
                _ => 4096 * r.range(-100, 100),
            })
        }),
        "Mem" => {
            let base = any_base(r);
            let off = match r.below(5) {
                0 => MemOffset::Imm(0),
                1 => MemOffset::Imm(any_imm(r)),
                2 | 3 => MemOffset::Reg(
                    any_x(r),
                    match r.below(3) {
                        0 => None,
                        1 => Some(Modifier::lsl(r.below(5) as u8)),
                        _ => Some(Modifier {
                            kind: ModKind::Sxtx,
                            amount: Some(r.below(5) as u8),
                        }),
                    },
                ),
                _ => MemOffset::Reg(
                    Reg::w(n),
                    Some(Modifier {
                        kind: r.pick(&[ModKind::Uxtw, ModKind::Sxtw]),
                        amount: if r.below(2) == 0 {
                            None
                        } else {
                            Some(r.below(5) as u8)
                        },
                    }),
                ),
            };
            one(Operand::Mem(Mem {
                base,
                offset: off,
                mode: MemMode::Offset,
            }))
        }
        "Pre" => one(Operand::Mem(Mem::pre(any_base(r), any_imm(r)))),
        "Post" => one(Operand::Mem(if r.below(3) == 0 {
            Mem {
                base: any_base(r),
                offset: MemOffset::Reg(Reg::x(r.below(31) as u8), None),
                mode: MemMode::PostIndex,
            }
        } else {
            Mem::post(
                any_base(r),
                r.pick(&[1, 2, 4, 8, 16, 24, 32, 48, 64, -8, 256]),
            )
        })),
        "Cond" => one(Operand::Cond(Cond::from_code(r.below(16) as u8))),
        "SysReg" => one(Operand::SysReg(if r.below(2) == 0 {
            r.pick(SYSTEM_REGISTERS).1
        } else {
            (r.range(2, 3) as u16) << 14 | r.below(1 << 14) as u16
        })),
        "PState" => one(Operand::PState(r.pick(PSTATE_FIELDS).1)),
        "Barrier" => one(Operand::Barrier(r.below(16) as u8)),
        "Prefetch" => one(Operand::Prefetch(r.pick(PREFETCH_OPS).1)),
        "CReg" => one(Operand::CReg(r.below(16) as u8)),
        "Bti" => one(Operand::Symbol(r.pick(&["c", "j", "jc"]))),
        "DcOp" | "IcOp" | "AtOp" | "TlbiOp" => {
            let m = tok.strip_suffix("Op").unwrap().to_ascii_lowercase();
            let ops: Vec<&'static str> = SYS_OPS
                .iter()
                .filter(|o| o.mnemonic == m)
                .map(|o| o.name)
                .collect();
            one(Operand::Symbol(r.pick(&ops)))
        }
        t => {
            if let Some(a) = t.strip_prefix('V') {
                let arr = ARRS.iter().find(|(s, _)| *s == a).unwrap().1;
                return one(Operand::Reg(Reg::v(n, arr)));
            }
            if let Some(a) = t.strip_prefix('L') {
                if let Some(&(_, arr)) = ARRS.iter().find(|(s, _)| *s == a) {
                    return one(Operand::List(jitasm_a64::VList {
                        first: n,
                        count: r.range(1, 4) as u8,
                        arr,
                    }));
                }
                let size = SIZES.iter().find(|(s, _)| *s == a).unwrap().1;
                return one(Operand::LaneList(VLaneList {
                    first: n,
                    count: r.range(1, 4) as u8,
                    size,
                    index: r.below(17 / size.bytes() as u64 + 1) as u8,
                }));
            }
            let a = t.strip_prefix('E').unwrap_or_else(|| panic!("token {t}"));
            let size = SIZES.iter().find(|(s, _)| *s == a).unwrap().1;
            one(Operand::Elem(Elem {
                reg: n,
                size,
                index: r.below(16 / size.bytes() as u64 + 1) as u8,
            }))
        }
    }
}

/// Changes one value of `ops` (a register number, an immediate, an
/// offset, a shift amount, a lane), keeping the shapes.
fn mutate(ops: &mut [Operand<'static>], r: &mut Rng) {
    if ops.is_empty() {
        return;
    }
    let i = r.below(ops.len() as u64) as usize;
    match &mut ops[i] {
        // Any number of the class (sp and wsp have only 31).
        Operand::Reg(reg) if !matches!(reg.class(), RegClass::Sp | RegClass::Wsp) => {
            *reg = Reg::new(reg.class(), r.below(32) as u8).unwrap();
        }
        Operand::Imm(v) => *v = any_imm(r),
        Operand::Float(f) => *f = r.pick(&[0.0, -0.0, 0.5, 1.0, 31.0, 32.0, 0.1, -2.0]),
        Operand::Modifier(m) => m.amount = Some(r.below(70) as u8),
        Operand::Elem(e) => e.index = r.below(17) as u8,
        Operand::LaneList(l) => l.index = r.below(17) as u8,
        Operand::Mem(m) => match &mut m.offset {
            MemOffset::Imm(v) => *v = any_imm(r),
            MemOffset::Reg(_, Some(md)) => md.amount = Some(r.below(6) as u8),
            MemOffset::Reg(x, None) => *x = Reg::x(r.below(32) as u8),
        },
        _ => {}
    }
}

#[test]
fn every_impl_equals_encode() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let label = LabelRef::new(LabelTarget::Dynamic(DynamicLabel::from_index(3))).plus(8);
    let (mut compared, mut ok_total) = (0usize, 0usize);
    let mut failures = Vec::new();
    let mut never_taken = Vec::new();
    let mut never_ok = Vec::new();
    for (id, imp) in IMPLS.iter().enumerate() {
        let (mut taken, mut ok) = (0, 0);
        let mut check = |ops: &[Operand<'static>], failures: &mut Vec<String>| {
            let Some(got) = by_builder(id, ops) else {
                return;
            };
            taken += 1;
            compared += 1;
            let want = by_encode(imp.mnemonic, ops);
            if got.is_ok() {
                ok += 1;
                ok_total += 1;
            }
            if got != want && failures.len() < 50 {
                failures.push(format!(
                    "{} {:?} {:?}: builder {}, encode {}",
                    imp.method,
                    imp.tokens,
                    ops,
                    show(&got),
                    show(&want)
                ));
            }
        };
        // Instances of the forms the impl chooses among, then mutated.
        if let Some((lo, hi)) = imp.span {
            for k in 0..48 {
                let form = &forms()[lo + k % (hi - lo)];
                let mut ops = gen::operands(form, &mut r);
                check(&ops, &mut failures);
                mutate(&mut ops, &mut r);
                check(&ops, &mut failures);
            }
        }
        // `sys` without Xt: instances of `sys` with Xt left out (random
        // immediates are seldom two 3-bit fields).
        if imp.span.is_none() && imp.mnemonic == "sys" {
            for form in jitasm_a64::table::forms_of("sys").unwrap_or(&[]) {
                for _ in 0..16 {
                    let mut ops = gen::operands(form, &mut r);
                    ops.pop();
                    check(&ops, &mut failures);
                }
            }
        }
        // Instances of the argument types.
        for _ in 0..64 {
            let ops: Vec<Operand<'static>> = imp
                .tokens
                .iter()
                .flat_map(|t| of_type(t, &mut r, label))
                .collect();
            check(&ops, &mut failures);
        }
        if taken == 0 {
            never_taken.push(format!("{} {:?}", imp.method, imp.tokens));
        } else if ok == 0 {
            never_ok.push(format!("{} {:?}", imp.method, imp.tokens));
        }
    }
    eprintln!(
        "{} impls: {compared} instances compared with encode, {ok_total} encoded",
        IMPLS.len()
    );
    assert!(
        failures.is_empty(),
        "builder and encode differ:\n{}",
        failures.join("\n")
    );
    assert!(
        never_taken.is_empty(),
        "impls no instance was taken by: {never_taken:?}"
    );
    assert!(
        never_ok.is_empty(),
        "impls no instance encoded through: {never_ok:?}"
    );
}

/// Every form of the table is in the span of an impl whose argument types
/// its operands are, and the list has an impl for every alias.
#[test]
fn impl_list_covers_the_table() {
    let mut covered = vec![false; forms().len()];
    for imp in IMPLS {
        if let Some((lo, hi)) = imp.span {
            assert!(lo < hi && hi <= forms().len());
            assert!(forms()[lo..hi].iter().all(|f| f.mnemonic() == imp.mnemonic));
            for c in &mut covered[lo..hi] {
                *c = true;
            }
        } else {
            assert!(
                jitasm_a64::is_mnemonic(imp.mnemonic),
                "{} is not a mnemonic",
                imp.mnemonic
            );
        }
    }
    assert!(covered.iter().all(|&c| c));
    for m in [
        "mov", "cmp", "cmn", "tst", "neg", "negs", "ngc", "ngcs", "mvn", "mul", "mneg", "smull",
        "umull", "smnegl", "umnegl", "lsl", "lsr", "asr", "ror", "sxtb", "sxth", "sxtw", "uxtb",
        "uxth", "ubfx", "sbfx", "bfxil", "ubfiz", "sbfiz", "bfi", "bfc", "cset", "csetm", "cinc",
        "cinv", "cneg", "nop", "yield", "wfe", "wfi", "sev", "sevl", "bti", "ret", "isb", "clrex",
        "ssbb", "pssbb", "dcps1", "b.eq", "b.cs", "b.nv", "stadd", "stsetlb", "stumaxh", "dc",
        "ic", "at", "tlbi", "sys",
    ] {
        assert!(
            IMPLS.iter().any(|i| i.mnemonic == m && i.span.is_none()),
            "no alias impl for {m}"
        );
    }
}

/// What the fast path alone gives for impl `id` (`None`: the operands are
/// not of its argument types); `Err(NoMatchingForm)` when it declines.
fn by_fast(id: usize, ops: &[Operand<'_>]) -> Option<Outcome> {
    let mut sink = Sink::default();
    let r = {
        let mut b = Builder::fast_only(&mut sink);
        CALLS[id](&mut b, ops)?
    };
    Some(match r {
        Ok(()) => {
            let fx = sink.fixups.pop().map(|(l, k, _)| (l, k));
            Ok((sink.bytes.try_into().unwrap(), fx))
        }
        Err(e) => {
            assert!(
                sink.bytes.is_empty(),
                "a declined call wrote {:02x?}",
                sink.bytes
            );
            Err(e)
        }
    })
}

/// Whether the matcher's first level — the impl's own forms, then (for an
/// alias) the rewrite and every form of the instruction it names — takes
/// `ops`: then the fast path must answer; otherwise the answer needs one of
/// llvm-mc's fallbacks, which only the general path applies.
fn first_level(imp: &Impl, plan: ImplPlan, ops: &[Operand<'_>]) -> bool {
    let (lo, hi) = imp.span.unwrap_or(plan.0);
    if jitasm_a64::select_among(&forms()[lo..hi], ops).is_ok() {
        return true;
    }
    if imp.span.is_some() {
        return false;
    }
    let alias = jitasm_a64::fast::Alias::named(imp.mnemonic);
    match jitasm_a64::fast::rewrite(alias, ops) {
        Some(r) => {
            let base = jitasm_a64::table::forms_of(r.mnemonic()).unwrap_or(&[]);
            jitasm_a64::select_among(base, r.operands()).is_ok()
        }
        None => false,
    }
}

/// The fast path ([`jitasm_a64::fast`]) against the general path, on the
/// instances of `every_impl_equals_encode` (values out of range included):
/// whenever it answers, the bytes and fixup are `encode`'s; it declines
/// every instance `encode` rejects (the builder then gives `encode`'s
/// error); and it answers every instance the matcher's first level takes
/// (the impl's own forms, an alias's rewrite into the forms of the
/// instruction it names), leaving only llvm-mc's fallbacks (`ldr` → `ldur`,
/// `add` of a negative immediate, `tbz w`…) to the general path.
#[test]
fn fast_path_equals_general_path() {
    let mut r = Rng(0x51ed_2701_f00d_cafe);
    let label = LabelRef::new(LabelTarget::Dynamic(DynamicLabel::from_index(3))).plus(8);
    let (mut answered, mut fallbacks, mut errors) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for (id, imp) in IMPLS.iter().enumerate() {
        let plan = PLANS[id];
        let mut check = |ops: &[Operand<'static>], failures: &mut Vec<String>| {
            let Some(fast) = by_fast(id, ops) else {
                return;
            };
            let general = by_encode(imp.mnemonic, ops);
            let bad = match (&fast, &general) {
                (Ok(_), _) => {
                    answered += 1;
                    fast != general
                }
                (Err(_), Err(_)) => {
                    errors += 1;
                    false
                }
                (Err(_), Ok(_)) => {
                    fallbacks += 1;
                    first_level(imp, plan, ops)
                }
            };
            if bad && failures.len() < 50 {
                failures.push(format!(
                    "{} {:?} {:?}: fast {}, general {}",
                    imp.method,
                    imp.tokens,
                    ops,
                    show(&fast),
                    show(&general)
                ));
            }
        };
        if let Some((lo, hi)) = imp.span {
            for k in 0..48 {
                let form = &forms()[lo + k % (hi - lo)];
                let mut ops = gen::operands(form, &mut r);
                check(&ops, &mut failures);
                mutate(&mut ops, &mut r);
                check(&ops, &mut failures);
            }
        }
        for _ in 0..64 {
            let mut ops: Vec<Operand<'static>> = imp
                .tokens
                .iter()
                .flat_map(|t| of_type(t, &mut r, label))
                .collect();
            check(&ops, &mut failures);
            mutate(&mut ops, &mut r);
            check(&ops, &mut failures);
        }
    }
    eprintln!(
        "fast path: {answered} instances answered, {errors} errors and {fallbacks} fallbacks left to the general path"
    );
    assert!(
        failures.is_empty(),
        "the fast path differs from the general path:\n{}",
        failures.join("\n")
    );
    assert!(answered > 100_000, "{answered}");
}

/// An instruction as `dynasm!` hands it over with every register and value
/// from Rust: stand-ins (a family's register 0, `sp`/`wsp` for theirs,
/// value 0) and a patch per value; `None` for an operand the macro never
/// takes from Rust in that shape.
fn as_dynamic(
    ops: &[Operand<'static>],
) -> Option<(
    Vec<Operand<'static>>,
    Vec<jitasm_a64::dynamic::Patch>,
    Vec<jitasm_a64::dynamic::Unknown>,
)> {
    use jitasm_a64::dynamic::{Immediate, Part, Patch, Unknown};
    let stand_in = |r: Reg| match r.class() {
        RegClass::Sp | RegClass::Wsp => r,
        class => Reg::new(class, 0).unwrap(),
    };
    let (mut template, mut patches, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for (i, &op) in ops.iter().enumerate() {
        let at = i as u8;
        let mut u = Unknown::default();
        let t = match op {
            Operand::Reg(r) => {
                patches.push(Patch::reg(at, Part::Reg, r.num()));
                u.reg = true;
                Operand::Reg(stand_in(r))
            }
            Operand::Imm(v) => {
                patches.push(v.patch(at, Part::Value, 1));
                u.value = true;
                Operand::Imm(0)
            }
            Operand::Elem(e) => {
                patches.push(Patch::reg(at, Part::Reg, e.reg));
                patches.push(e.index.patch(at, Part::Value, 1));
                u.reg = true;
                u.value = true;
                Operand::Elem(Elem {
                    reg: 0,
                    index: 0,
                    ..e
                })
            }
            Operand::Mem(m) => {
                patches.push(Patch::reg(at, Part::Reg, m.base.num()));
                u.reg = true;
                let offset = match m.offset {
                    MemOffset::Imm(v) => {
                        patches.push(v.patch(at, Part::Value, 1));
                        u.value = true;
                        MemOffset::Imm(0)
                    }
                    MemOffset::Reg(x, md) => {
                        patches.push(Patch::reg(at, Part::Index, x.num()));
                        u.index = true;
                        MemOffset::Reg(stand_in(x), md)
                    }
                };
                Operand::Mem(Mem {
                    base: stand_in(m.base),
                    offset,
                    ..m
                })
            }
            Operand::Label(_) | Operand::Symbol(_) => return None,
            other => other,
        };
        template.push(t);
        unknown.push(u);
    }
    Some((template, patches, unknown))
}

/// The code `dynasm!` generates for a fast plan (`emit_a64.rs`), as a
/// function: the own forms, then the rewrite and the forms of the
/// instruction it names.
fn dynamic_chain<'a>(
    m: &str,
    plan: &jitasm_a64::dynamic::FastPlan,
    o: &[Operand<'a>],
) -> Option<jitasm_a64::Encoded<'a>> {
    use jitasm_a64::fast::{encode_fast, rewrite, Alias, FAST_FORMS};
    for i in plan.own.clone() {
        if let Some(e) = encode_fast(FAST_FORMS[i as usize], o) {
            return Some(e);
        }
    }
    if !plan.alias || plan.bases.is_empty() {
        return None;
    }
    let r = rewrite(Alias::named(m), o)?;
    let (_, base) = plan.bases.iter().find(|(b, _)| *b == r.mnemonic())?;
    base.clone()
        .find_map(|i| encode_fast(FAST_FORMS[i as usize], r.operands()))
}

/// `dynasm!`'s fast path (`jitasm_a64::dynamic::emit_fast`) against its
/// general path (`dynamic::emit`), on the instances of every impl with
/// every register and value a Rust value, then with one value changed
/// (out of range included: register numbers past 31, immediates no field
/// takes): whenever the fast path answers, the word is the general path's
/// and it recorded no error; it declines whatever the general path
/// rejects; and it answers whatever the matcher's first level takes.
#[test]
fn dynamic_fast_path_equals_general_path() {
    use jitasm_a64::dynamic::{emit, fast_plan, fast_with, may_fit, Patch};
    let mut r = Rng(0x0dd_ba11_5eed_1234);
    let (mut answered, mut declined) = (0usize, 0usize);
    let mut failures = Vec::new();
    let mut check = |m: &str, ops: &[Operand<'static>], r: &mut Rng, failures: &mut Vec<String>| {
        let Some((template, mut patches, unknown)) = as_dynamic(ops) else {
            return;
        };
        let Ok(run) = may_fit(m, &template, &unknown) else {
            return;
        };
        let plan = fast_plan(m, &template, &unknown, run.clone());
        for round in 0..2 {
            if round == 1 {
                // One value changed, perhaps out of every range.
                if patches.is_empty() {
                    return;
                }
                let k = r.below(patches.len() as u64) as usize;
                match &mut patches[k] {
                    Patch::Reg { num, .. } => *num = r.pick(&[0, 1, 30, 31, 32, 33, 255]),
                    Patch::Int { value, .. } => *value = Some(any_imm(r) as i128),
                    Patch::Float { .. } => {}
                }
            }
            let fast = fast_with(&template, &patches, |o| dynamic_chain(m, &plan, o));
            let mut sink = Sink::default();
            emit(&mut sink, m, run.clone(), &template, &patches);
            let general = if sink.errors.is_empty() {
                Ok(sink.bytes.clone())
            } else {
                Err(sink.errors.join("; "))
            };
            let bad = match (&fast, &general) {
                (Some(e), Ok(b)) => {
                    answered += 1;
                    e.bytes()[..] != b[..]
                }
                (Some(e), Err(g)) => {
                    failures.push(format!(
                        "{m} {template:?} {patches:?}: fast {:08x}, general error {g}",
                        e.word()
                    ));
                    false
                }
                (None, _) => {
                    declined += 1;
                    false
                }
            };
            if bad && failures.len() < 50 {
                failures.push(format!(
                    "{m} {template:?} {patches:?}: fast {fast:?}, general {general:?}"
                ));
            }
            if let (None, Ok(_), 0) = (&fast, &general, round) {
                // The plan's first level (own forms, then the rewrite)
                // must not take what the fast path declined.
                let mut ops2 = template.clone();
                let filled = fast_with(&template, &patches, |o| {
                    ops2 = o.to_vec();
                    None
                });
                assert!(filled.is_none());
                let first = jitasm_a64::select_among(
                    &forms()[plan.own.start as usize..plan.own.end as usize],
                    &ops2,
                )
                .is_ok()
                    || (plan.alias
                        && jitasm_a64::fast::rewrite(jitasm_a64::fast::Alias::named(m), &ops2)
                            .is_some_and(|rw| {
                                jitasm_a64::select_among(
                                    jitasm_a64::table::forms_of(rw.mnemonic()).unwrap_or(&[]),
                                    rw.operands(),
                                )
                                .is_ok()
                            }));
                let dynamic_imm = unknown.iter().any(|u| u.value);
                if first && !(plan.alias && dynamic_imm) && failures.len() < 50 {
                    failures.push(format!(
                        "{m} {ops:?}: the fast path declined a first-level instance"
                    ));
                }
            }
        }
    };
    for imp in IMPLS.iter() {
        if let Some((lo, hi)) = imp.span {
            for k in 0..16 {
                let form = &forms()[lo + k % (hi - lo)];
                let ops = gen::operands(form, &mut r);
                check(imp.mnemonic, &ops, &mut r, &mut failures);
            }
        } else {
            let label = LabelRef::new(LabelTarget::Dynamic(DynamicLabel::from_index(3)));
            for _ in 0..16 {
                let ops: Vec<Operand<'static>> = imp
                    .tokens
                    .iter()
                    .flat_map(|t| of_type(t, &mut r, label))
                    .collect();
                check(imp.mnemonic, &ops, &mut r, &mut failures);
            }
        }
    }
    eprintln!(
        "dynamic fast path: {answered} instances answered, {declined} left to the general path"
    );
    assert!(
        failures.is_empty(),
        "dynasm!'s fast path differs from its general path:\n{}",
        failures.join("\n")
    );
    assert!(answered > 50_000, "{answered}");
}

/// The fast path's copies of the table rows are the table's rows.
#[test]
fn fast_forms_are_the_table() {
    for (i, f) in forms().iter().enumerate() {
        assert_eq!(jitasm_a64::fast::fast_form(i), Some(f), "form {i}");
    }
    assert_eq!(jitasm_a64::fast::fast_form(forms().len()), None);
}

// ---------------------------------------------------------------------------
// (c) Errors.

/// Runs `f` on a builder over a fresh sink that already holds 4 bytes;
/// returns the error, checking that nothing was written.
fn fails(f: impl FnOnce(&mut Builder<'_, Sink>) -> Result<(), EncodeError>) -> EncodeError {
    let mut sink = Sink::default();
    sink.bytes.extend_from_slice(&[1, 2, 3, 4]);
    let r = f(&mut Builder::new(&mut sink));
    assert_eq!(sink.bytes, [1, 2, 3, 4], "an error wrote bytes");
    assert!(sink.fixups.is_empty() && sink.errors.is_empty());
    r.expect_err("the call must fail")
}

fn word(f: impl FnOnce(&mut Builder<'_, Sink>) -> Result<(), EncodeError>) -> u32 {
    let mut sink = Sink::default();
    f(&mut Builder::new(&mut sink)).expect("the call must encode");
    u32::from_le_bytes(sink.bytes.try_into().expect("one instruction"))
}

#[test]
fn errors_immediates() {
    use EncodeError::*;
    assert_eq!(
        fails(|b| b.add(x0, x1, 4097)),
        NotAddSubImmediate {
            operand: 2,
            value: 4097
        }
    );
    assert_eq!(
        fails(|b| b.add(x0, x1, (4096, lsl(12)))),
        ImmediateOutOfRange {
            operand: 2,
            value: 4096,
            min: 0,
            max: 4095
        }
    );
    assert_eq!(
        fails(|b| b.add(x0, x1, (1, lsl(1)))),
        BadModifier {
            operand: 3,
            allowed: "lsl #0 or lsl #12"
        }
    );
    assert_eq!(
        fails(|b| b.movz(w0, (1, lsl(32)))),
        BadModifier {
            operand: 2,
            allowed: "lsl #0 or lsl #16"
        }
    );
    // u64 values are never truncated to the operation's width.
    assert_eq!(
        fails(|b| b.movz(x0, 0x1_0000u64)),
        NotMoveWideImmediate {
            operand: 1,
            value: 0x1_0000,
            width: 64
        }
    );
    assert!(matches!(
        fails(|b| b.mov(w0, 0x1_0000_0000u64)),
        NotMovImmediate { width: 32, .. }
    ));
    assert_eq!(
        fails(|b| b.ubfx(x0, x1, 60, 5)),
        ImmediateOutOfRange {
            operand: 3,
            value: 5,
            min: 1,
            max: 4
        }
    );
    assert_eq!(
        fails(|b| b.lsl(w0, w1, 32)),
        ImmediateOutOfRange {
            operand: 2,
            value: 32,
            min: 0,
            max: 31
        }
    );
    assert_eq!(
        fails(|b| b.add(x0, x1, x2.lsl(64))),
        ImmediateOutOfRange {
            operand: 3,
            value: 64,
            min: 0,
            max: 63
        }
    );
    // Past what the operand model holds: the builder's own check.
    assert_eq!(
        fails(|b| b.add(x0, x1, x2.lsl(1000))),
        ImmediateOutOfRange {
            operand: 3,
            value: 1000,
            min: 0,
            max: 63
        }
    );
    assert_eq!(
        fails(|b| b.shl(v0.s4(), v1.s4(), 32)),
        ImmediateOutOfRange {
            operand: 2,
            value: 32,
            min: 0,
            max: 31
        }
    );
    assert!(matches!(
        fails(|b| b.fmov(d0, 0.1)),
        NotFpImmediate { operand: 1, .. }
    ));
    // `#0` is not `#0.0` (llvm-mc refuses `fcmp s0, #0` too).
    assert!(matches!(
        fails(|b| b.fcmp(s0, 0)),
        OperandMismatch { operand: 1, .. }
    ));
    assert_eq!(word(|b| b.fcmp(s0, 0.0)), 0x1e20_2008);
    assert_eq!(word(|b| b.fmov(d0, 3)), 0x1e61_1000);
    assert!(fails(|b| b.add(x0, x1, 4097))
        .to_string()
        .contains("12-bit"));
}

#[test]
fn errors_bitmask_immediates() {
    use EncodeError::*;
    for v in [0u64, u64::MAX, 5, 0x1234] {
        assert_eq!(
            fails(|b| b.and(x0, x1, v)),
            NotBitmaskImmediate {
                operand: 2,
                value: v,
                width: 64
            }
        );
    }
    assert_eq!(
        fails(|b| b.orr(w0, w1, 0x1_0000_00ffu64)),
        NotBitmaskImmediate {
            operand: 2,
            value: 0x1_0000_00ff,
            width: 32
        }
    );
    assert_eq!(
        fails(|b| b.tst(w0, 0)),
        NotBitmaskImmediate {
            operand: 1,
            value: 0,
            width: 32
        }
    );
    assert!(fails(|b| b.and(x0, x1, 5))
        .to_string()
        .contains("not a valid bitmask immediate"));
    // and x0, x1, #0xff
    assert_eq!(word(|b| b.and(x0, x1, 0xff)), 0x9240_1c20);
    // A u64 above i64::MAX is its bit pattern: and x0, x1, #0xff00000000000000.
    assert_eq!(
        word(|b| b.and(x0, x1, 0xff00_0000_0000_0000u64)),
        0x9248_1c20
    );
}

#[test]
fn errors_offsets() {
    use EncodeError::*;
    assert_eq!(
        fails(|b| b.ldr(x0, x1 + 32768)),
        Offset {
            operand: 1,
            value: 32768,
            scale: 8,
            min: 0,
            max: 32760
        }
    );
    // Misaligned, and unscaled form out of reach: the scaled rule.
    assert_eq!(
        fails(|b| b.ldr(x0, x1 + 260)),
        Offset {
            operand: 1,
            value: 260,
            scale: 8,
            min: 0,
            max: 32760
        }
    );
    assert_eq!(
        fails(|b| b.ldp(x0, x1, x2 + 4)),
        Offset {
            operand: 2,
            value: 4,
            scale: 8,
            min: -512,
            max: 504
        }
    );
    assert_eq!(
        fails(|b| b.stp(x29, x30, pre(sp, -520))),
        Offset {
            operand: 2,
            value: -520,
            scale: 8,
            min: -512,
            max: 504
        }
    );
    assert_eq!(
        fails(|b| b.ldr(w0, post(x1, 256))),
        Offset {
            operand: 1,
            value: 256,
            scale: 1,
            min: -256,
            max: 255
        }
    );
    // An offset past i64 is not wrapped into range.
    assert!(matches!(
        fails(|b| b.ldr(x0, x1 - u64::MAX)),
        Offset {
            value: i64::MIN,
            ..
        }
    ));
    assert_eq!(
        fails(|b| b.ldr(x0, x1 + x2.lsl(2))),
        ImmediateOutOfRange {
            operand: 1,
            value: 2,
            min: 0,
            max: 3
        }
    );
    assert!(fails(|b| b.ldr(x0, x1 + 32768))
        .to_string()
        .contains("offset must be a multiple of 8 in 0..=32760"));
    // ldr x0, [x1, #-8] is ldur; [x1, w2, sxtw #3]; [sp, #16]
    assert_eq!(word(|b| b.ldr(x0, x1 - 8)), 0xf85f_8020);
    assert_eq!(word(|b| b.ldr(x0, x1 + w2.sxtw(3))), 0xf862_d820);
    assert_eq!(word(|b| b.ldr(x0, x1 + (w2, sxtw(3)))), 0xf862_d820);
    assert_eq!(word(|b| b.ldr(x2, sp + 8)), 0xf940_07e2);
    assert_eq!(word(|b| b.ldr(x2, mem(sp))), 0xf940_03e2);
}

#[test]
fn errors_registers_lanes_lists() {
    use EncodeError::*;
    assert_eq!(
        fails(|b| b.ins(v0.s(4), w1)),
        LaneOutOfRange {
            operand: 0,
            index: 4,
            max: 3
        }
    );
    assert_eq!(
        fails(|b| b.ins(v0.s(1000), w1)),
        ImmediateOutOfRange {
            operand: 0,
            value: 1000,
            min: 0,
            max: 3
        }
    );
    assert_eq!(
        fails(|b| b.ld1(list([v0, v2]).s4(), mem(x0))),
        BadRegister {
            operand: 0,
            rule: "the registers of a list must follow each other (modulo 32)"
        }
    );
    assert!(matches!(
        fails(|b| b.ld1(list([v0, v1, v2, v3, v4]).s4(), mem(x0))),
        OperandMismatch { operand: 0, .. }
    ));
    // xzr is not a base, sp not a general register of `add` (shifted).
    assert!(matches!(
        fails(|b| b.ldr(x0, mem(xzr))),
        OperandMismatch { operand: 1, .. }
    ));
    assert!(matches!(
        fails(|b| b.casp(x1, x2, x4, x5, mem(x0))),
        BadRegister { operand: 0, .. }
    ));
    assert!(matches!(
        fails(|b| b.fmla(v0.h8(), v1.h8(), v16.h(1))),
        BadRegister { operand: 2, .. }
    ));
    // {v31.4s, v0.4s} wraps around; ld1 {v31.4s, v0.4s}, [x0]
    assert_eq!(word(|b| b.ld1(list([v31, v0]).s4(), mem(x0))), 0x4c40_a81f);
    // cset with al is refused, as by the alias rules.
    assert!(matches!(
        fails(|b| b.cset(w0, Cond::Al)),
        OperandMismatch { operand: 1, .. }
    ));
    // A named `sys` operation with or without the register it does not
    // take or takes.
    assert_eq!(
        fails(|b| b.tlbi(TlbiOp::VMALLE1IS, x0)),
        OperationRegister {
            operand: 1,
            mnemonic: "tlbi",
            op: "vmalle1is",
            takes: false
        }
    );
    assert_eq!(
        fails(|b| b.ic_1(IcOp::IVAU)),
        OperationRegister {
            operand: 0,
            mnemonic: "ic",
            op: "ivau",
            takes: true
        }
    );
}

#[test]
fn errors_pc_offsets() {
    use EncodeError::*;
    assert_eq!(
        fails(|b| b.b(rel(1 << 27))),
        PcOffset {
            operand: 0,
            value: 1 << 27,
            align: 4,
            min: -(1 << 27),
            max: (1 << 27) - 4
        }
    );
    assert_eq!(
        fails(|b| b.cbz(x0, rel(2))),
        PcOffset {
            operand: 1,
            value: 2,
            align: 4,
            min: -(1 << 20),
            max: (1 << 20) - 4
        }
    );
    assert_eq!(
        fails(|b| b.tbz(x0, 3, rel(1 << 15))),
        PcOffset {
            operand: 2,
            value: 1 << 15,
            align: 4,
            min: -(1 << 15),
            max: (1 << 15) - 4
        }
    );
    assert_eq!(
        fails(|b| b.tbz(x0, 64, rel(8))),
        ImmediateOutOfRange {
            operand: 1,
            value: 64,
            min: 0,
            max: 63
        }
    );
    assert!(matches!(
        fails(|b| b.adrp(x0, rel(4097))),
        PcOffset { align: 4096, .. }
    ));
    assert!(matches!(
        fails(|b| b.b_ne(rel(1 << 20))),
        PcOffset { operand: 0, .. }
    ));
    // b.ne #8; adr x0, #-1; tbz w3, #5, #-4
    assert_eq!(word(|b| b.b_ne(rel(8))), 0x5400_0041);
    assert_eq!(word(|b| b.b_cond(Cond::Ne, rel(8))), 0x5400_0041);
    assert_eq!(word(|b| b.adr(x0, rel(-1))), 0x70ff_ffe0);
    assert_eq!(word(|b| b.tbz(w3, 5, rel(-4))), 0x362f_ffe3);
}

/// The typed call `f` gives the word of `text` (the test parser and
/// `encode`: the text assembler's path).
#[track_caller]
fn same(f: impl FnOnce(&mut Builder<'_, Sink>) -> Result<(), EncodeError>, text: &str) {
    let (m, ops) = parse::parse(text).unwrap();
    let want = encode(&Instruction::new(&m, &ops))
        .unwrap_or_else(|e| panic!("`{text}`: {e}"))
        .word();
    let mut sink = Sink::default();
    f(&mut Builder::new(&mut sink)).unwrap_or_else(|e| panic!("`{text}`: {e}"));
    assert_eq!(sink.bytes, want.to_le_bytes(), "`{text}`");
}

/// The named operands, and typed calls of many kinds of operands and
/// aliases against the text they stand for.
#[test]
fn named_operands_and_aliases() {
    for &(name, v) in SYSTEM_REGISTERS {
        assert_eq!(SysReg::named(name).map(SysReg::bits), Some(v), "{name}");
    }
    assert_eq!(SysReg::TPIDR_EL0, SysReg::named("s3_3_c13_c0_2").unwrap());
    assert_eq!(SysReg::new(1, 0, 0, 0, 0), None);
    assert_eq!(SysReg::NZCV, SysReg::named("NZCV").unwrap());
    for &(name, v) in PSTATE_FIELDS {
        assert_eq!(PState::named(name).map(PState::value), Some(v));
    }
    for &(name, v) in PREFETCH_OPS {
        assert_eq!(Prefetch::named(name).map(Prefetch::value), Some(v));
    }
    assert_eq!(Barrier::named("ish"), Some(Barrier::ISH));
    assert_eq!(Barrier::new(16), None);
    // Each typed call against the text it stands for, through the test
    // parser and `encode` (the text assembler's path).
    same(|b| b.mrs(x0, SysReg::TPIDR_EL0), "mrs x0, tpidr_el0");
    same(|b| b.msr(SysReg::NZCV, x1), "msr nzcv, x1");
    same(|b| b.msr(PState::DAIFSET, 2), "msr daifset, #2");
    same(|b| b.dmb(Barrier::ISH), "dmb ish");
    same(|b| b.dmb(11), "dmb ish");
    same(|b| b.isb(), "isb");
    same(|b| b.isb_1(Barrier::SY), "isb sy");
    same(
        |b| b.prfm(Prefetch::PLDL1KEEP, mem(x0)),
        "prfm pldl1keep, [x0]",
    );
    same(
        |b| b.prfm(Prefetch::PSTL2STRM, x1 + x2.lsl(3)),
        "prfm pstl2strm, [x1, x2, lsl #3]",
    );
    same(|b| b.bti(), "bti");
    same(|b| b.bti_1(Bti::C), "bti c");
    same(|b| b.bti_1(Bti::Jc), "bti jc");
    same(|b| b.sys(0, c7, c5, 0, x0), "sys #0, c7, c5, #0, x0");
    same(|b| b.sys_4(0, c7, c5, 0), "sys #0, c7, c5, #0");
    for op in SYS_OPS {
        let by_name = match op.mnemonic {
            "dc" => DcOp::named(op.name).map(DcOp::op),
            "ic" => IcOp::named(op.name).map(IcOp::op),
            "at" => AtOp::named(op.name).map(AtOp::op),
            _ => TlbiOp::named(op.name).map(TlbiOp::op),
        };
        assert_eq!(by_name, Some(op), "{}", op.name);
    }
    assert_eq!(DcOp::named("CIVAC"), Some(DcOp::CIVAC));
    assert_eq!(DcOp::CIVAC.name(), "civac");
    assert_eq!(IcOp::named("civac"), None);
    same(|b| b.dc(DcOp::CIVAC, x1), "dc civac, x1");
    same(|b| b.dc(DcOp::ZVA, xzr), "dc zva, xzr");
    same(|b| b.ic(IcOp::IVAU, x0), "ic ivau, x0");
    same(|b| b.ic_1(IcOp::IALLU), "ic iallu");
    same(|b| b.at(AtOp::S1E1RP, x2), "at s1e1rp, x2");
    same(|b| b.tlbi(TlbiOp::RVAE1OS, x3), "tlbi rvae1os, x3");
    same(|b| b.tlbi_1(TlbiOp::VMALLE1IS), "tlbi vmalle1is");
    same(|b| b.nop(), "nop");
    same(|b| b.yield_(), "yield");
    same(|b| b.ret(), "ret");
    same(|b| b.ret_1(x1), "ret x1");
    same(|b| b.mov(x0, sp), "mov x0, sp");
    same(|b| b.mov(sp, x1), "mov sp, x1");
    same(|b| b.mov(x0, -1), "mov x0, #-1");
    same(|b| b.mov(x0, u64::MAX), "mov x0, #-1");
    same(|b| b.mov(w0, 0xff00_ff00u32), "mov w0, #0xff00ff00");
    same(|b| b.cmp(x0, 4), "cmp x0, #4");
    same(|b| b.cmp(x1, x2.lsl(3)), "cmp x1, x2, lsl #3");
    same(|b| b.cmp(sp, w2.uxtw(2)), "cmp sp, w2, uxtw #2");
    same(|b| b.tst(w0, 0xff), "tst w0, #0xff");
    same(|b| b.neg(x0, x1.asr(3)), "neg x0, x1, asr #3");
    same(|b| b.mvn(v0.b16(), v1.b16()), "mvn v0.16b, v1.16b");
    same(|b| b.mul(x0, x1, x2), "mul x0, x1, x2");
    same(
        |b| b.mul(v0.s4(), v1.s4(), v2.s(3)),
        "mul v0.4s, v1.4s, v2.s[3]",
    );
    same(|b| b.smull(x0, w1, w2), "smull x0, w1, w2");
    same(|b| b.cset(w0, Cond::Eq), "cset w0, eq");
    same(|b| b.cinc(x0, x1, Cond::Lo), "cinc x0, x1, lo");
    same(|b| b.lsl(x0, x1, 3), "lsl x0, x1, #3");
    same(|b| b.ror(w0, w1, w2), "ror w0, w1, w2");
    same(|b| b.sxtw(x2, w5), "sxtw x2, w5");
    same(|b| b.uxtb(w3, w5), "uxtb w3, w5");
    same(|b| b.ubfx(x0, x1, 4, 8), "ubfx x0, x1, #4, #8");
    same(|b| b.bfi(w0, w1, 3, 5), "bfi w0, w1, #3, #5");
    same(|b| b.bfc(x0, 8, 8), "bfc x0, #8, #8");
    same(|b| b.stadd(w0, mem(x1)), "stadd w0, [x1]");
    same(|b| b.stsetlb(w0, mem(sp)), "stsetlb w0, [sp]");
    same(|b| b.mov(v3.b16(), v4.b16()), "mov v3.16b, v4.16b");
    same(|b| b.mov(v3.s4(), v4.s4()), "mov v3.4s, v4.4s");
    same(|b| b.mov(w0, v1.s(3)), "mov w0, v1.s[3]");
    same(|b| b.mov(v1.d(1), x0), "mov v1.d[1], x0");
    same(|b| b.mov(v1.h(1), v2.h(7)), "mov v1.h[1], v2.h[7]");
    same(|b| b.mov(s6, v7.s(3)), "mov s6, v7.s[3]");
    same(
        |b| b.movi(v0.s4(), (0xff, bd::msl(8))),
        "movi v0.4s, #0xff, msl #8",
    );
    same(
        |b| b.movi(v0.h8(), (0xff, lsl(8))),
        "movi v0.8h, #0xff, lsl #8",
    );
    same(|b| b.movi(v0.b16(), 0xff), "movi v0.16b, #0xff");
    same(
        |b| b.movi(d0, 0xff00_ff00_ff00_ff00u64),
        "movi d0, #0xff00ff00ff00ff00",
    );
    same(
        |b| b.movz(x0, (0x1234, lsl(32))),
        "movz x0, #0x1234, lsl #32",
    );
    same(|b| b.add(x0, x1, (1, lsl(12))), "add x0, x1, #1, lsl #12");
    same(|b| b.add(x0, sp, w1.sxtw(2)), "add x0, sp, w1, sxtw #2");
    same(|b| b.add(x0, sp, (w1, sxtw(2))), "add x0, sp, w1, sxtw #2");
    same(|b| b.add(x0, x1, -8), "add x0, x1, #-8");
    same(
        |b| b.ld2(list([v0, v1]).s(1), post(x0, 8)),
        "ld2 {v0.s, v1.s}[1], [x0], #8",
    );
    same(
        |b| b.ld4r(list([v2, v3, v4, v5]).h8(), mem(x0)),
        "ld4r {v2.8h, v3.8h, v4.8h, v5.8h}, [x0]",
    );
    same(
        |b| b.st1(list([v0]).b16(), post(x1, x2)),
        "st1 {v0.16b}, [x1], x2",
    );
    same(
        |b| b.tbl(v0.b16(), list([v1, v2]).b16(), v3.b16()),
        "tbl v0.16b, {v1.16b, v2.16b}, v3.16b",
    );
    same(
        |b| b.sdot(v0.s4(), v1.b16(), v2.s4b(1)),
        "sdot v0.4s, v1.16b, v2.4b[1]",
    );
    same(
        |b| b.fcmla(v0.s4(), v1.s4(), v2.s(1), 90),
        "fcmla v0.4s, v1.4s, v2.s[1], #90",
    );
    same(|b| b.fmov(v0.d(1), x1), "fmov v0.d[1], x1");
    same(|b| b.fmov(d0, 0.0), "fmov d0, #0.0");
    same(|b| b.fmov(s1, -1.25f32), "fmov s1, #-1.25");
    same(|b| b.fcvtzs_3(w0, d1, 8), "fcvtzs w0, d1, #8");
    same(|b| b.scvtf(d0, x1), "scvtf d0, x1");
    same(|b| b.ldp(q0, q1, post(sp, 32)), "ldp q0, q1, [sp], #32");
    same(|b| b.ldr(b0, x1 + 4095), "ldr b0, [x1, #4095]");
    same(|b| b.ldraa(x0, pre(x1, -4096)), "ldraa x0, [x1, #-4096]!");
    same(
        |b| b.casp(x0, x1, x2, x3, mem(x4)),
        "casp x0, x1, x2, x3, [x4]",
    );
    same(|b| b.ccmp(x0, 5, 4, Cond::Ne), "ccmp x0, #5, #4, ne");
    same(|b| b.csel(w4, w5, wzr, Cond::Gt), "csel w4, w5, wzr, gt");
    same(|b| b.extr(x0, x1, x2, 63), "extr x0, x1, x2, #63");
    // orr keeps its plain name for the register form; orr_2 is the vector
    // immediate.
    same(|b| b.orr(x0, x1, x2), "orr x0, x1, x2");
    same(|b| b.orr_2(v0.s4(), 0xff), "orr v0.4s, #0xff");
    same(
        |b| b.orr_2(v0.s4(), (0xff, lsl(24))),
        "orr v0.4s, #0xff, lsl #24",
    );
    same(
        |b| b.addp(v0.s4(), v1.s4(), v2.s4()),
        "addp v0.4s, v1.4s, v2.4s",
    );
    same(|b| b.addp_2(d0, v1.d2()), "addp d0, v1.2d");
}

// ---------------------------------------------------------------------------
// (d) Labels: llvm-mc's label vectors through a VecAssembler.

/// What a label vector gives: the length, and each non-zero word with its
/// offset.
type Expected = (usize, Vec<(usize, [u8; 4])>);

/// A label vector line: `INSN 1f; .zero N; 1: nop` or `1: nop; .zero N;
/// INSN 1b`, with its base address and either the non-zero words or an
/// error.
struct LabelCase<'t> {
    insn: &'t str,
    forward: bool,
    zeros: usize,
    base: u64,
    expected: Option<Expected>,
}

fn label_cases(text: &str) -> Vec<LabelCase<'_>> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split(" | ").collect();
        let stmts: Vec<&str> = parts[0].split("; ").map(str::trim).collect();
        let (insn, forward, zeros) = match stmts.as_slice() {
            [insn, zero, "1: nop"] if insn.ends_with("1f") => (*insn, true, *zero),
            ["1: nop", zero, insn] if insn.ends_with("1b") => (*insn, false, *zero),
            _ => continue,
        };
        let Some(zeros) = zeros.strip_prefix(".zero ") else {
            continue;
        };
        let base = u64::from_str_radix(parts[1].trim_start_matches("0x"), 16).unwrap();
        let expected = if parts[2] == "error" {
            None
        } else {
            let len: usize = parts[2].parse().unwrap();
            let words = parts[3]
                .split_whitespace()
                .map(|w| {
                    let (at, hex) = w.split_once(':').unwrap();
                    let v = u32::from_str_radix(hex, 16).unwrap();
                    (usize::from_str_radix(at, 16).unwrap(), v.to_be_bytes())
                })
                .collect();
            Some((len, words))
        };
        out.push(LabelCase {
            insn,
            forward,
            zeros: zeros.parse().unwrap(),
            base,
            expected,
        });
    }
    out
}

/// `m` with the operands `ops` and the label `target` after them, through
/// the typed method (written out: the calls of the test list emit into
/// [`Sink`]).
fn labelled(
    asm: &mut VecAssembler<Aarch64>,
    m: &str,
    ops: &[Operand<'_>],
    target: DynamicLabel,
) -> Result<(), EncodeError> {
    let mut b = Builder::new(asm);
    let reg = |i: usize| match ops[i] {
        Operand::Reg(r) => r,
        o => panic!("{m}: operand {i} is {o:?}"),
    };
    let imm = |i: usize| match ops[i] {
        Operand::Imm(v) => v,
        o => panic!("{m}: operand {i} is {o:?}"),
    };
    let x = |i: usize| bd::X::try_from(reg(i));
    let w = |i: usize| bd::W::try_from(reg(i));
    match (m, ops.len()) {
        ("b", 0) => b.b(target),
        ("bl", 0) => b.bl(target),
        ("b.ne", 0) => b.b_ne(target),
        ("b.hs", 0) => b.b_hs(target),
        ("cbz", 1) => match x(0) {
            Ok(r) => b.cbz(r, target),
            Err(_) => b.cbz(w(0).unwrap(), target),
        },
        ("cbnz", 1) => match x(0) {
            Ok(r) => b.cbnz(r, target),
            Err(_) => b.cbnz(w(0).unwrap(), target),
        },
        ("tbz", 2) => match x(0) {
            Ok(r) => b.tbz(r, imm(1), target),
            Err(_) => b.tbz(w(0).unwrap(), imm(1), target),
        },
        ("tbnz", 2) => match x(0) {
            Ok(r) => b.tbnz(r, imm(1), target),
            Err(_) => b.tbnz(w(0).unwrap(), imm(1), target),
        },
        ("adr", 1) => b.adr(x(0).unwrap(), target),
        ("adrp", 1) => b.adrp(x(0).unwrap(), target),
        ("ldrsw", 1) => b.ldrsw(x(0).unwrap(), target),
        ("prfm", 1) => match ops[0] {
            Operand::Prefetch(p) => b.prfm(Prefetch::new(p).unwrap(), target),
            o => panic!("prfm {o:?}"),
        },
        ("ldr", 1) => {
            let r = reg(0);
            match r.class() {
                RegClass::X => b.ldr(bd::X::try_from(r).unwrap(), target),
                RegClass::W => b.ldr(bd::W::try_from(r).unwrap(), target),
                RegClass::S => b.ldr(bd::S::try_from(r).unwrap(), target),
                RegClass::D => b.ldr(bd::D::try_from(r).unwrap(), target),
                RegClass::Q => b.ldr(bd::Q::try_from(r).unwrap(), target),
                c => panic!("ldr {c:?}"),
            }
        }
        _ => panic!("no label vector case for `{m}` {ops:?}"),
    }
}

#[test]
fn label_vectors() {
    let text = include_str!("../../jitasm/tests/data/a64_labels.txt");
    let cases = label_cases(text);
    let (mut words, mut errors) = (0, 0);
    let mut kinds = std::collections::BTreeSet::new();
    for c in &cases {
        let mut asm = VecAssembler::<Aarch64>::new(c.base);
        let target = asm.new_dynamic_label();
        let (m, ops) = parse::parse(
            c.insn
                .trim_end_matches(['f', 'b'])
                .trim_end_matches('1')
                .trim_end()
                .trim_end_matches(','),
        )
        .unwrap();
        kinds.insert(m.clone());
        let emit = |asm: &mut VecAssembler<Aarch64>| labelled(asm, &m, &ops, target);
        let nop = |asm: &mut VecAssembler<Aarch64>| Builder::new(asm).nop().unwrap();
        let emitted = if c.forward {
            let r = emit(&mut asm);
            asm.extend_from_slice(&vec![0; c.zeros]);
            asm.define_dynamic(target).unwrap();
            nop(&mut asm);
            r
        } else {
            asm.define_dynamic(target).unwrap();
            nop(&mut asm);
            asm.extend_from_slice(&vec![0; c.zeros]);
            emit(&mut asm)
        };
        emitted.unwrap_or_else(|e| panic!("`{}`: {e}", c.insn));
        let result = asm.finalize();
        match (&c.expected, result) {
            (Some((len, nonzero)), Ok(code)) => {
                assert_eq!(code.len(), *len, "`{}` {}", c.insn, c.zeros);
                let got: Vec<(usize, [u8; 4])> = code
                    .chunks(4)
                    .enumerate()
                    .filter(|(_, w)| w.iter().any(|&b| b != 0))
                    .map(|(i, w)| (4 * i, w.try_into().unwrap()))
                    .collect();
                assert_eq!(&got, nonzero, "`{}` with {} bytes between", c.insn, c.zeros);
                words += 1;
            }
            (None, Err(e)) => {
                // The fixup's rule: out of range.
                let msg = e.to_string();
                assert!(
                    msg.contains("range") || msg.contains("reach"),
                    "`{}`: {msg}",
                    c.insn
                );
                errors += 1;
            }
            (want, got) => panic!(
                "`{}` with {} bytes between: llvm-mc {}, builder {:?}",
                c.insn,
                c.zeros,
                if want.is_some() { "encodes" } else { "refuses" },
                got.map(|v| v.len())
            ),
        }
    }
    eprintln!(
        "label vectors: {words} as llvm-mc and ld, {errors} out of range as llvm-mc; mnemonics {kinds:?}"
    );
    assert!(words >= 150 && errors >= 20, "{words} {errors}");
    for k in [
        "b", "bl", "b.ne", "cbz", "cbnz", "tbz", "tbnz", "adr", "adrp", "ldr", "ldrsw", "prfm",
    ] {
        assert!(kinds.contains(k), "no label vector of {k}");
    }
}

/// A forward and a backward branch written by hand, with the words
/// llvm-mc gives (`crates/jitasm/tests/data/a64_labels.txt`): `top: subs
/// x0, x0, #1; b.ne top; ret` and `cbz x0, out; add x0, x0, #1; b out;
/// out: ret`.
#[test]
fn loops_by_hand() {
    let mut asm = VecAssembler::<Aarch64>::new(0x10000);
    let mut b = Builder::new(&mut asm);
    let top = b.new_dynamic_label();
    b.define_dynamic(top).unwrap();
    b.subs(x0, x0, 1).unwrap();
    b.b_ne(top).unwrap();
    b.ret().unwrap();
    let out = b.new_dynamic_label();
    b.cbz(x0, out).unwrap();
    b.add(x0, x0, 1).unwrap();
    b.b(out).unwrap();
    b.define_dynamic(out).unwrap();
    b.ret().unwrap();
    let code = asm.finalize().unwrap();
    let words: Vec<u32> = code
        .chunks(4)
        .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
        .collect();
    assert_eq!(
        words,
        [
            0xf100_0400,
            0x54ff_ffe1,
            0xd65f_03c0,
            0xb400_0060,
            0x9100_0400,
            0x1400_0001,
            0xd65f_03c0
        ]
    );
}
