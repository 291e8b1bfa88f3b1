//! x86 operands and instructions: what the text says, lowered to
//! [`jitasm_x64::Instruction`] and encoded by [`jitasm_x64::select`].

use crate::dynamic::{DynInstruction, Item as DynItem, Output, Parts};
use crate::error::{ErrorKind, Span};
use crate::expr::{to_i64, EResult, Lin};
use crate::lex::Tok;
use crate::text::{out_of_range, Parser, Syntax};
use alloc::string::ToString;
use jitasm_core::{LabelRef, LabelTarget};
use jitasm_x64::encode::{may_fit, Signature, Unknown, Values};
use jitasm_x64::table::{forms_by_index, Form, OpKind, FORMS, MNEMONIC_FORMS};
use jitasm_x64::{
    encode::select_among, select, Decorations, DispSize, Imm, Instruction, Mem, Mnemonic, Mode,
    Operand, Prefixes, Reg, RegClass, Rounding,
};

/// Register families taking a number at run time in the macro and a
/// constant here: `Rq(3)` is `rbx`.
const FAMILIES: [(&str, RegClass); 16] = [
    ("Rb", RegClass::Gp8),
    ("Rh", RegClass::Gp8High),
    ("Rw", RegClass::Gp16),
    ("Rd", RegClass::Gp32),
    ("Rq", RegClass::Gp64),
    ("Rf", RegClass::St),
    ("Rm", RegClass::Mm),
    ("Rx", RegClass::Xmm),
    ("Ry", RegClass::Ymm),
    ("Rz", RegClass::Zmm),
    ("Rk", RegClass::K),
    ("Rs", RegClass::Seg),
    ("Rcr", RegClass::Cr),
    ("Rdr", RegClass::Dr),
    ("Rt", RegClass::Tmm),
    ("Rbnd", RegClass::Bnd),
];

/// Every name [`Reg::parse`] reads, in lower case, with its register: the
/// entries of [`REG_TABLE`]. At most five bytes (`xmm31`, `st(7)`).
const REG_NAMES: &[(&[u8], RegClass, u8, u8)] = &[
    // (prefix, class, first number, count): names `prefix` + decimal number,
    // or the listed names below.
    (b"xmm", RegClass::Xmm, 0, 32),
    (b"ymm", RegClass::Ymm, 0, 32),
    (b"zmm", RegClass::Zmm, 0, 32),
    (b"tmm", RegClass::Tmm, 0, 8),
    (b"bnd", RegClass::Bnd, 0, 4),
    (b"mm", RegClass::Mm, 0, 8),
    (b"st", RegClass::St, 0, 8),
    (b"cr", RegClass::Cr, 0, 16),
    (b"dr", RegClass::Dr, 0, 16),
    (b"tr", RegClass::Tr, 0, 8),
    (b"k", RegClass::K, 0, 8),
    (b"r", RegClass::Gp64, 8, 8),
];

/// Register names that are not a prefix and a number, by class: the
/// names of numbers 0, 1, … (`r8d`… are `r` + number + suffix).
const REG_LISTS: &[(&[&[u8]], RegClass, u8)] = &[
    (
        &[
            b"rax", b"rcx", b"rdx", b"rbx", b"rsp", b"rbp", b"rsi", b"rdi",
        ],
        RegClass::Gp64,
        0,
    ),
    (
        &[
            b"eax", b"ecx", b"edx", b"ebx", b"esp", b"ebp", b"esi", b"edi",
        ],
        RegClass::Gp32,
        0,
    ),
    (
        &[b"ax", b"cx", b"dx", b"bx", b"sp", b"bp", b"si", b"di"],
        RegClass::Gp16,
        0,
    ),
    (
        &[b"al", b"cl", b"dl", b"bl", b"spl", b"bpl", b"sil", b"dil"],
        RegClass::Gp8,
        0,
    ),
    (&[b"ah", b"ch", b"dh", b"bh"], RegClass::Gp8High, 4),
    (
        &[b"es", b"cs", b"ss", b"ds", b"fs", b"gs"],
        RegClass::Seg,
        0,
    ),
    (&[b"rip", b"eip"], RegClass::Ip, 0),
    (&[b"st"], RegClass::St, 0),
];

/// Slots of [`REG_TABLE`] (a power of two, about twice the names).
const REG_SLOTS: usize = 1024;

/// A name of up to eight bytes as a number (its bytes, big-endian); every
/// register name is at most five bytes of printable ASCII, so none is 0.
const fn reg_key(b: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < b.len() {
        k = k << 8 | b[i] as u64;
        i += 1;
    }
    k
}

/// Where the search for `key` starts in [`REG_TABLE`].
const fn reg_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - REG_SLOTS.trailing_zeros())) as usize
}

const fn reg_insert(t: &mut [(u64, Reg); REG_SLOTS], key: u64, r: Reg) {
    let mut i = reg_slot(key);
    loop {
        if t[i].0 == 0 {
            t[i] = (key, r);
            return;
        }
        assert!(t[i].0 != key, "a register name twice");
        i = (i + 1) & (REG_SLOTS - 1);
    }
}

const fn reg_of(class: RegClass, num: u8) -> Reg {
    match Reg::new(class, num) {
        Some(r) => r,
        None => panic!("a register of the table does not exist"),
    }
}

/// Every register name (lower case) to its register: open addressing,
/// linear probing, key 0 for an empty slot. Built at compile time from
/// [`REG_NAMES`] and [`REG_LISTS`]; `reg_lookup_is_reg_parse` checks that
/// it reads exactly what [`Reg::parse`] reads.
static REG_TABLE: [(u64, Reg); REG_SLOTS] = {
    let mut t = [(0u64, jitasm_x64::regs::rax); REG_SLOTS];
    let mut l = 0;
    while l < REG_LISTS.len() {
        let (names, class, first) = REG_LISTS[l];
        let mut i = 0;
        while i < names.len() {
            reg_insert(&mut t, reg_key(names[i]), reg_of(class, first + i as u8));
            i += 1;
        }
        l += 1;
    }
    let mut p = 0;
    while p < REG_NAMES.len() {
        let (prefix, class, first, count) = REG_NAMES[p];
        let mut n = first;
        while n < first + count {
            let base = reg_key(prefix);
            let num = if n < 10 {
                base << 8 | (b'0' + n) as u64
            } else {
                (base << 8 | (b'0' + n / 10) as u64) << 8 | (b'0' + n % 10) as u64
            };
            let r = reg_of(class, n);
            reg_insert(&mut t, num, r);
            if matches!(class, RegClass::St) {
                // `st(3)`.
                reg_insert(
                    &mut t,
                    ((base << 8 | b'(' as u64) << 8 | num & 0xff) << 8 | b')' as u64,
                    r,
                );
            }
            if matches!(class, RegClass::Gp64) {
                // `r8d`, `r8w`, `r8b`, `r8l`.
                reg_insert(&mut t, num << 8 | b'd' as u64, reg_of(RegClass::Gp32, n));
                reg_insert(&mut t, num << 8 | b'w' as u64, reg_of(RegClass::Gp16, n));
                reg_insert(&mut t, num << 8 | b'b' as u64, reg_of(RegClass::Gp8, n));
                reg_insert(&mut t, num << 8 | b'l' as u64, reg_of(RegClass::Gp8, n));
            }
            n += 1;
        }
        p += 1;
    }
    t
};

/// The register `name` names (any case), as [`Reg::parse`] reads it, by
/// one hash lookup.
#[inline]
pub(crate) fn reg_lookup(name: &str) -> Option<Reg> {
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 5 {
        return None;
    }
    let mut key = 0u64;
    for &c in b {
        key = key << 8 | c.to_ascii_lowercase() as u64;
    }
    reg_by_key(key)
}

/// The register whose lower-case name has [`reg_key`] `key` (0, or a key
/// of more than 5 bytes, names none).
#[inline]
fn reg_by_key(key: u64) -> Option<Reg> {
    if key == 0 || key >> 40 != 0 {
        return None;
    }
    let mut i = reg_slot(key);
    loop {
        let (k, r) = REG_TABLE[i];
        if k == key {
            return Some(r);
        }
        if k == 0 {
            return None;
        }
        i = (i + 1) & (REG_SLOTS - 1);
    }
}

/// The name starting at `i` of `b`: where it ends, and the [`reg_key`] of
/// its bytes in lower case (0 for a name of more than 8 bytes, which no
/// register or size keyword has).
#[inline]
fn word_at(b: &[u8], mut i: usize) -> (usize, u64) {
    let start = i;
    let mut key = 0u64;
    while let Some(&c) = b.get(i) {
        if !crate::lex::is_name_part(c) {
            break;
        }
        key = key << 8 | c.to_ascii_lowercase() as u64;
        i += 1;
    }
    (i, if i - start <= 8 { key } else { 0 })
}

/// A name of up to 16 bytes in lower case as a number (its bytes,
/// little-endian): names are printable ASCII, so two names have the same
/// key only if they are the same up to case. `None` if longer.
#[inline]
fn name_key(name: &str) -> Option<u128> {
    let b = name.as_bytes();
    if b.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    for (d, &c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    Some(u128::from_le_bytes(buf))
}

/// [`name_key`] of a lower-case name, at compile time.
const fn const_key(name: &str) -> u128 {
    let b = name.as_bytes();
    let mut k = 0u128;
    let mut i = 0;
    while i < b.len() {
        k |= (b[i] as u128) << (8 * i);
        i += 1;
    }
    k
}

/// Slots of [`MnemonicCache`].
const MNEMONIC_SLOTS: usize = 512;

/// The mnemonics a text has used, by [`name_key`]: [`Mnemonic::parse`]
/// (a search of the whole table) once per name and slot, then one
/// comparison. A direct-mapped cache: a name whose slot another holds is
/// looked up again.
#[derive(Clone)]
pub(crate) struct MnemonicCache {
    /// Empty until the first name is kept (a parser that reads no
    /// instruction allocates nothing), then [`MNEMONIC_SLOTS`] long.
    slots: alloc::vec::Vec<(u128, Option<Mnemonic>)>,
}

impl Default for MnemonicCache {
    fn default() -> Self {
        Self::new()
    }
}

impl MnemonicCache {
    pub(crate) fn new() -> Self {
        MnemonicCache {
            slots: alloc::vec::Vec::new(),
        }
    }

    /// [`Mnemonic::parse`]`(name)`, where `key` is `name`'s [`name_key`].
    #[inline]
    fn parse(&mut self, key: Option<u128>, name: &str) -> Option<Mnemonic> {
        let Some(key) = key else {
            return Mnemonic::parse(name);
        };
        let h = ((key as u64) ^ ((key >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let at = (h >> (64 - MNEMONIC_SLOTS.trailing_zeros())) as usize;
        if let Some(&(k, m)) = self.slots.get(at) {
            if k == key && m.is_some() {
                return m;
            }
        }
        let m = Mnemonic::parse(name);
        if m.is_some() {
            if self.slots.is_empty() {
                self.slots = alloc::vec![(0, None); MNEMONIC_SLOTS];
            }
            self.slots[at] = (key, m);
        }
        m
    }
}

/// A register named without arguments: an alias, a register name, or
/// `r0`…`r7` with an optional `d`/`w`/`b` suffix (dynasm's numbered names).
pub(crate) fn register_name(p: &Parser<'_, '_>, name: &str) -> Option<Reg> {
    if let Some(r) = p.alias(name) {
        return Some(r);
    }
    if let Some(r) = reg_lookup(name) {
        return Some(r);
    }
    let rest = name.strip_prefix(['r', 'R'])?;
    let (digit, class) = match rest.as_bytes() {
        [d] => (*d, RegClass::Gp64),
        [d, s] => (
            *d,
            match s.to_ascii_lowercase() {
                b'd' => RegClass::Gp32,
                b'w' => RegClass::Gp16,
                b'b' => RegClass::Gp8,
                _ => return None,
            },
        ),
        _ => return None,
    };
    if !(b'0'..=b'7').contains(&digit) {
        return None;
    }
    Reg::new(class, digit - b'0')
}

/// The register standing in for one of `class` whose number a Rust
/// expression gives (`Rq(n)` in `dynasm!`): one no form names as fixed
/// (not `al`, `cl`, `dx`, `st(0)`, `xmm0`), so the forms chosen for it
/// are those any register of the class may take.
fn stand_in(class: RegClass) -> Reg {
    let num = match class {
        RegClass::Gp8 | RegClass::Gp16 | RegClass::Gp32 | RegClass::Gp64 | RegClass::Seg => 3,
        RegClass::Cr | RegClass::Dr => 0,
        _ => class.first() + 1,
    };
    Reg::new(class, num)
        .or_else(|| Reg::new(class, class.first()))
        .unwrap_or(jitasm_x64::regs::rbx)
}

/// If the current token names a register (including `st(1)` and `Rq(3)`),
/// reads it; in `dynasm!`, `Rq($0)` is a stand-in and the expression's number.
pub(crate) fn register<'a>(
    p: &mut Parser<'a, '_>,
    name: &'a str,
    span: Span,
) -> EResult<Option<(Reg, Option<u32>)>> {
    let next = p.peek()?;
    if next.tok == Tok::Punct(b'(') {
        let class = if name.eq_ignore_ascii_case("st") {
            Some(RegClass::St)
        } else {
            FAMILIES.iter().find(|(f, _)| *f == name).map(|(_, c)| *c)
        };
        if let Some(class) = class {
            p.bump()?;
            p.bump()?;
            let t = p.tok;
            let v = p.expr()?;
            if v.is_dynamic() {
                // `Rq($0)` in `dynasm!`: a stand-in and the expression.
                let id = v.sole_expr().ok_or((
                    ErrorKind::BadOperand("a register family takes one Rust expression: `Rq(n)`"),
                    span.to(v.span),
                ))?;
                p.expect_punct(b')', "`)`")?;
                return Ok(Some((stand_in(class), Some(id))));
            }
            let n = v
                .as_const()
                .ok_or_else(|| crate::text::expected("a register number", &t, p.src))?;
            let end = p.tok.span;
            p.expect_punct(b')', "`)`")?;
            return numbered(class, n, span.to(end)).map(|r| Some((r, None)));
        }
    }
    match register_name(p, name) {
        Some(r) => {
            p.bump()?;
            Ok(Some((r, None)))
        }
        None => Ok(None),
    }
}

/// Register `n` of `class` (`Rq(3)`), or the range error at `span`.
fn numbered(class: RegClass, n: i128, span: Span) -> EResult<Reg> {
    let first = class.first() as i128;
    let last = first + class.count() as i128 - 1;
    u8::try_from(n)
        .ok()
        .filter(|n| (first..=last).contains(&(*n as i128)))
        .and_then(|n| Reg::new(class, n))
        .ok_or_else(|| out_of_range("register number", n, first, last, span))
}

/// An operand as parsed, before the mnemonic's rules apply.
#[derive(Clone, Copy)]
enum Item<'a> {
    Op(Operand<'a>),
    Rounding(Rounding),
    Sae,
}

/// What an operand was written as, for the rules that depend on spelling.
#[derive(Clone, Copy, Default)]
struct Written {
    /// A label or symbol named without `offset`, `->`, `>`, `<` or `=>`.
    bare_label: bool,
    /// After `offset`.
    offset: bool,
}

fn size_keyword(w: &str, mode: Mode) -> Option<u16> {
    if w.len() > 8 {
        return None;
    }
    let key = w
        .bytes()
        .fold(0u64, |k, c| k << 8 | c.to_ascii_lowercase() as u64);
    size_by_key(key, mode)
}

/// [`size_keyword`] of the name whose lower-case [`reg_key`] is `key`.
#[inline]
fn size_by_key(key: u64, mode: Mode) -> Option<u16> {
    const fn k(name: &str) -> u64 {
        reg_key(name.as_bytes())
    }
    const BYTE: u64 = k("byte");
    const WORD: u64 = k("word");
    const DWORD: u64 = k("dword");
    const FWORD: u64 = k("fword");
    const QWORD: u64 = k("qword");
    const MMWORD: u64 = k("mmword");
    const TBYTE: u64 = k("tbyte");
    const TWORD: u64 = k("tword");
    const OWORD: u64 = k("oword");
    const XMMWORD: u64 = k("xmmword");
    const YWORD: u64 = k("yword");
    const YMMWORD: u64 = k("ymmword");
    const ZWORD: u64 = k("zword");
    const ZMMWORD: u64 = k("zmmword");
    const AWORD: u64 = k("aword");
    Some(match key {
        BYTE => 1,
        WORD => 2,
        DWORD => 4,
        FWORD => 6,
        QWORD | MMWORD => 8,
        TBYTE | TWORD => 10,
        OWORD | XMMWORD => 16,
        YWORD | YMMWORD => 32,
        ZWORD | ZMMWORD => 64,
        AWORD => {
            if mode.is64() {
                8
            } else {
                4
            }
        }
        _ => return None,
    })
}

/// The prefixes written before a mnemonic, by [`name_key`].
const PREFIXES: [(u128, Prefixes); 11] = [
    (const_key("lock"), Prefixes::LOCK),
    (const_key("rep"), Prefixes::REP),
    (const_key("repe"), Prefixes::REP),
    (const_key("repz"), Prefixes::REP),
    (const_key("repne"), Prefixes::REPNE),
    (const_key("repnz"), Prefixes::REPNE),
    (const_key("xacquire"), Prefixes::XACQUIRE),
    (const_key("xrelease"), Prefixes::XRELEASE),
    (const_key("bnd"), Prefixes::BND),
    (const_key("notrack"), Prefixes::NOTRACK),
    (const_key("data16"), Prefixes::NONE),
];

/// The prefix `name` is (any case), if it is one.
#[inline]
fn prefix_named(key: Option<u128>) -> Option<Prefixes> {
    let key = key?;
    PREFIXES.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
}

fn st(n: u8) -> Reg {
    Reg::new(RegClass::St, n).unwrap_or(jitasm_x64::regs::rax)
}

fn is_seg(r: Option<Reg>) -> bool {
    r.is_some_and(|r| r.class() == RegClass::Seg)
}

fn is_vector(r: Reg) -> bool {
    matches!(r.class(), RegClass::Xmm | RegClass::Ymm | RegClass::Zmm)
}

/// What branch displacements a mnemonic's forms take, found in one pass
/// over its forms.
#[derive(Clone, Copy, Default)]
struct BranchForms {
    /// A one-operand `rel8` form.
    rel8: bool,
    /// A one-operand `rel32` form.
    rel32: bool,
}

impl BranchForms {
    /// `jmp` and `jcc`: both sizes, so GNU syntax may pick the shorter.
    fn sizable(self) -> bool {
        self.rel8 && self.rel32
    }
}

/// `None` if no form of `m` is a relative branch (`jmp`, `jcc`, `call`,
/// `loop`, `xbegin`…).
fn branch_forms(m: Mnemonic) -> Option<BranchForms> {
    let mut any = false;
    let mut b = BranchForms::default();
    for f in forms_by_index(m.index()) {
        for k in f.operands {
            let one = f.operands.len() == 1;
            match k {
                OpKind::Br16_1 | OpKind::Br32_1 | OpKind::Br64_1 => b.rel8 |= one,
                OpKind::Br32_4 | OpKind::Br64_4 => b.rel32 |= one,
                OpKind::Br16_2 | OpKind::Xbegin2 | OpKind::Xbegin4 => {}
                _ => continue,
            }
            any = true;
        }
    }
    any.then_some(b)
}

/// Parses and emits one instruction (prefixes, mnemonic, operands).
#[inline]
pub(crate) fn instruction<'a, S: Output + ?Sized>(
    p: &mut Parser<'a, '_>,
    out: &mut S,
) -> EResult<()> {
    if p.fast && fast_line(p, out) {
        return Ok(());
    }
    read_and_emit(p, out)
}

/// An instruction as the general path reads it (with the line scanner
/// first, in fast mode), written to `out`.
#[inline(never)]
fn read_and_emit<'a, S: Output + ?Sized>(p: &mut Parser<'a, '_>, out: &mut S) -> EResult<()> {
    let mut ops: [Operand<'a>; 6] = [Operand::Imm(Imm { value: 0, size: 0 }); 6];
    let mut spans = [Span::default(); 6];
    let mut written = [Written::default(); 6];
    let mut parts = [Parts::default(); 6];
    let mut dec = Decorations::NONE;
    let scanned = if p.fast {
        scan_line(p, &mut ops, &mut spans)
    } else {
        None
    };
    let (
        mut n,
        Head {
            prefixes,
            seg,
            mnemonic,
            mspan,
            movabs,
            far,
        },
    ) = match scanned {
        Some(line) => line,
        None => read_instruction(p, &mut ops, &mut spans, &mut written, &mut parts, &mut dec)?,
    };
    // LLVM's spellings that leave an operand implied: `fxch st(3)` (and
    // `fxch`) for `fxch st(0), st(3)`; `maskmovq mm1, mm2` for the
    // destination `[rdi]`.
    let implied = match (mnemonic.name(), &ops[..n]) {
        ("fcom" | "fcomp" | "fucom" | "fucomp" | "fxch", []) => {
            ops[0] = Operand::Reg(st(1));
            spans[0] = mspan;
            n = 1;
            Some(Operand::Reg(st(0)))
        }
        ("fcom" | "fcomp" | "fucom" | "fucomp" | "fxch", [Operand::Reg(r)])
            if r.class() == RegClass::St =>
        {
            Some(Operand::Reg(st(0)))
        }
        ("maskmovq" | "maskmovdqu" | "vmaskmovdqu", [Operand::Reg(_), Operand::Reg(_)]) => {
            let rdi = Reg::new(p.mode.address_class(), 7).unwrap_or(jitasm_x64::regs::rdi);
            Some(Operand::Mem(Mem::base(rdi)))
        }
        _ => None,
    };
    if let Some(first) = implied {
        ops.copy_within(0..n, 1);
        spans.copy_within(0..n, 1);
        written.copy_within(0..n, 1);
        parts.copy_within(0..n, 1);
        ops[0] = first;
        spans[0] = mspan;
        written[0] = Written::default();
        parts[0] = Parts::default();
        n += 1;
    }
    let ops = &mut ops[..n];

    // A segment prefix written before the mnemonic applies to the memory operand.
    if let Some((s, span)) = seg {
        let mut applied = false;
        for op in ops.iter_mut() {
            if let Operand::Mem(m) = op {
                if m.seg.is_some() {
                    return Err((ErrorKind::BadOperand("two segment overrides"), span));
                }
                m.seg = Some(s);
                applied = true;
            }
        }
        if !applied {
            return Err((
                ErrorKind::BadOperand("a segment prefix needs a memory operand"),
                span,
            ));
        }
    }

    // Branches (`jmp`, `jcc`, `call`, `loop`, `xbegin`…) take one operand.
    let branch_forms = match ops {
        [Operand::Label(..) | Operand::Imm(_)] => branch_forms(mnemonic),
        _ => None,
    };
    let branch = branch_forms.is_some();
    // `jmp sel, off` / `ljmp sel, off` / `jmp sel:off`: a far pointer.
    if (far || matches!(mnemonic.name(), "jmp" | "call")) && ops.len() == 2 {
        if let [Operand::Imm(sel), Operand::Imm(off)] = *ops {
            if let Some(i) = parts[..2].iter().position(Parts::is_dynamic) {
                return Err((
                    ErrorKind::BadOperand("a far pointer is two numbers, not Rust values"),
                    spans[i],
                ));
            }
            let sel_v = u16::try_from(sel.value).map_err(|_| {
                out_of_range("segment selector", sel.value as i128, 0, 0xffff, spans[0])
            })?;
            let off_v = u32::try_from(off.value).map_err(|_| {
                out_of_range(
                    "far offset",
                    off.value as i128,
                    0,
                    u32::MAX as i128,
                    spans[1],
                )
            })?;
            ops[0] = Operand::Far(sel_v, off_v);
            return emit(
                p,
                out,
                mnemonic,
                &ops[..1],
                &spans[..1],
                &[Parts::default()],
                dec,
                prefixes,
                None,
                mspan,
            );
        }
    }
    for (i, op) in ops.iter_mut().enumerate() {
        match *op {
            Operand::Imm(_) if branch && parts[i].is_dynamic() => {
                return Err((
                    ErrorKind::BadOperand(
                        "a branch to an address given in Rust is written `extern expr`",
                    ),
                    spans[i],
                ));
            }
            // A number as a branch target is an absolute address.
            Operand::Imm(imm) if branch => {
                *op = Operand::Label(
                    LabelRef::new(LabelTarget::Extern(imm.value as u64)),
                    imm.size,
                );
            }
            // GNU: a label named bare outside a branch is the memory at it.
            Operand::Label(l, hint) if written[i].bare_label && !branch => {
                *op = Operand::Mem(Mem {
                    label: Some(l),
                    size: hint as u16,
                    ..Mem::EMPTY
                });
            }
            _ => {}
        }
    }
    // `offset label` (and an unsized `->label` immediate) takes the width of
    // a general-purpose destination.
    if let Some(Operand::Reg(dst)) = ops.first().copied() {
        if matches!(dst.class(), RegClass::Gp32 | RegClass::Gp64) && !branch {
            for op in ops.iter_mut().skip(1) {
                if let Operand::Label(l, 0) = *op {
                    *op = Operand::Label(l, dst.size() as u8);
                }
            }
        }
    }
    let only: Option<fn(&Form) -> bool> = if movabs {
        Some(|f: &Form| {
            f.operands
                .iter()
                .any(|k| matches!(k, OpKind::Imm64 | OpKind::MemOffs))
        })
    } else {
        None
    };
    // GNU syntax: a `jmp`/`jcc` to a label of the text takes `rel8` when the
    // target is near, as GNU as and llvm-mc choose (see `Relax`).
    let mut relaxed = None;
    if let [Operand::Label(l, 0)] = *ops {
        if branch_forms.is_some_and(BranchForms::sizable) {
            if let Some(cand) = p.relax_candidate(l) {
                relaxed = Some(cand);
                if !p.relax_is_long(cand) {
                    ops[0] = Operand::Label(l, 1);
                }
            }
        }
    }
    emit(
        p,
        out,
        mnemonic,
        ops,
        &spans[..n],
        &parts[..n],
        dec,
        prefixes,
        only,
        mspan,
    )?;
    if let Some(cand) = relaxed {
        p.relax_emitted(cand, out.offset());
    }
    Ok(())
}

/// What precedes the operands: prefixes, a segment prefix, the mnemonic
/// (`movabs`, `ljmp` and `lcall` as `mov`, `jmp` and `call` with their
/// marks) and where it is.
struct Head {
    prefixes: Prefixes,
    seg: Option<(Reg, Span)>,
    mnemonic: Mnemonic,
    mspan: Span,
    movabs: bool,
    far: bool,
}

/// Reads an instruction's prefixes, mnemonic and operands (into `ops`,
/// `spans`, `written`, `parts` and `dec`) up to the end of the statement:
/// how many operands, and the head.
fn read_instruction<'a>(
    p: &mut Parser<'a, '_>,
    ops: &mut [Operand<'a>; 6],
    spans: &mut [Span; 6],
    written: &mut [Written; 6],
    parts: &mut [Parts; 6],
    dec: &mut Decorations,
) -> EResult<(usize, Head)> {
    let mut prefixes = Prefixes::NONE;
    let mut seg: Option<(Reg, Span)> = None;
    // The last name's `name_key`, and where the name is.
    let mut keyed: Option<(u32, Option<u128>)> = None;
    loop {
        match p.tok.tok {
            Tok::Punct(b'{') => {
                p.bump()?;
                let which = match p.ident().map(|s| s.to_ascii_lowercase()).as_deref() {
                    Some("vex" | "vex2") => Prefixes::VEX,
                    Some("vex3") => Prefixes::VEX3,
                    Some("evex") => Prefixes::EVEX,
                    _ => return Err(p.expected("`vex`, `vex3` or `evex`")),
                };
                p.bump()?;
                p.expect_punct(b'}', "`}`")?;
                prefixes = prefixes.with(which);
            }
            Tok::Ident(name) => {
                let next = p.peek()?;
                if !matches!(next.tok, Tok::Ident(_) | Tok::Punct(b'{')) {
                    break;
                }
                let key = name_key(name);
                keyed = Some((p.tok.span.start, key));
                if let Some(bits) = prefix_named(key) {
                    prefixes = prefixes.with(bits);
                } else if is_seg(reg_lookup(name)) && matches!(next.tok, Tok::Ident(_)) {
                    seg = Some((reg_lookup(name).unwrap_or(jitasm_x64::regs::ds), p.tok.span));
                } else {
                    break;
                }
                p.bump()?;
            }
            _ => break,
        }
    }
    let Some(name) = p.ident() else {
        return Err(p.expected("a mnemonic"));
    };
    let mspan = p.tok.span;
    let mut movabs = false;
    let mut far = false;
    let key = match keyed {
        Some((at, key)) if at == mspan.start => key,
        _ => name_key(name),
    };
    const MOVABS: u128 = const_key("movabs");
    const LJMP: u128 = const_key("ljmp");
    const LCALL: u128 = const_key("lcall");
    let mnemonic = match key {
        Some(MOVABS) => {
            movabs = true;
            p.mnemonics.parse(Some(const_key("mov")), "mov")
        }
        Some(LJMP) => {
            far = true;
            p.mnemonics.parse(Some(const_key("jmp")), "jmp")
        }
        Some(LCALL) => {
            far = true;
            p.mnemonics.parse(Some(const_key("call")), "call")
        }
        _ => p.mnemonics.parse(key, name),
    }
    .ok_or_else(|| (ErrorKind::UnknownMnemonic(name.to_string()), mspan))?;
    p.bump()?;

    let mut n = 0usize;
    if !p.at_end() {
        loop {
            let start = p.tok.span;
            let (item, w, pa) = operand(p)?;
            let span = start.to(p.last_token_end());
            match item {
                Item::Op(op) => {
                    if n == ops.len() {
                        return Err((ErrorKind::BadOperand("too many operands"), span));
                    }
                    ops[n] = op;
                    spans[n] = span;
                    written[n] = w;
                    parts[n] = pa;
                    n += 1;
                }
                Item::Rounding(r) => dec.rounding = Some(r),
                Item::Sae => dec.sae = true,
            }
            decorations(p, dec, n.checked_sub(1).map(|i| &mut ops[i]))?;
            if !p.eat_punct(b',')? {
                break;
            }
        }
    }
    // Whatever follows the operands is an error of its own (a missing comma,
    // trailing garbage), reported where it is rather than as operands that
    // match no form.
    if !p.at_end() {
        return Err(p.expected("`,` or the end of the statement"));
    }
    Ok((
        n,
        Head {
            prefixes,
            seg,
            mnemonic,
            mspan,
            movabs,
            far,
        },
    ))
}

#[allow(clippy::too_many_arguments)]
fn emit<'a, S: Output + ?Sized>(
    p: &mut Parser<'a, '_>,
    out: &mut S,
    mnemonic: Mnemonic,
    ops: &[Operand<'a>],
    spans: &[Span],
    parts: &[Parts],
    decorations: Decorations,
    prefixes: Prefixes,
    only: Option<fn(&Form) -> bool>,
    mspan: Span,
) -> EResult<()> {
    let inst = Instruction {
        mnemonic,
        operands: ops,
        decorations,
        prefixes,
    };
    if parts.iter().any(Parts::is_dynamic) {
        return emit_dynamic(p, out, &inst, spans, parts, only, mspan);
    }
    let result = match only {
        None if p.fast => p.select_cache.select(p.mode, &inst),
        None => select(p.mode, &inst),
        Some(keep) => {
            let mode = p.mode;
            select_among(
                mode,
                &inst,
                forms_by_index(mnemonic.index())
                    .iter()
                    .filter(move |f| f.valid_in(mode) && keep(f)),
            )
        }
    };
    match result {
        Ok((_, enc)) => {
            enc.emit(out);
            Ok(())
        }
        Err(e) => {
            use jitasm_x64::EncodeError as E;
            let at = match &e {
                E::ImmediateOutOfRange { operand, .. }
                | E::Memory { operand, .. }
                | E::RegisterNotEncodable { operand, .. } => spans.get(*operand as usize).copied(),
                _ => None,
            };
            let whole = spans.iter().fold(mspan, |a, s| a.to(*s));
            Err((ErrorKind::Encode(e), at.unwrap_or(whole)))
        }
    }
}

/// An instruction with operands from Rust (`dynasm!`): the forms that may
/// take them go to the output, which emits the code choosing among them at
/// run time.
fn emit_dynamic<'a, S: Output + ?Sized>(
    p: &mut Parser<'a, '_>,
    out: &mut S,
    inst: &Instruction<'a, '_>,
    spans: &[Span],
    parts: &[Parts],
    only: Option<fn(&Form) -> bool>,
    mspan: Span,
) -> EResult<()> {
    let whole = spans.iter().fold(mspan, |a, s| a.to(*s));
    let unknown: alloc::vec::Vec<Unknown> = parts.iter().map(|x| x.unknown).collect();
    let (start, _) = MNEMONIC_FORMS
        .get(inst.mnemonic.index() as usize)
        .copied()
        .unwrap_or((0, 0));
    let forms: alloc::vec::Vec<u16> = forms_by_index(inst.mnemonic.index())
        .iter()
        .enumerate()
        .filter(|(_, f)| only.map_or(true, |keep| keep(f)) && may_fit(p.mode, f, inst, &unknown))
        .map(|(i, _)| start + i as u16)
        .collect();
    if forms.is_empty() {
        // The error the operands as known give (stand-ins included), or
        // the plain "no form takes these operands".
        let e = match select(p.mode, inst) {
            Err(e) => e,
            Ok(_) => jitasm_x64::EncodeError::NoMatchingForm {
                mnemonic: inst.mnemonic,
                mode: p.mode,
            },
        };
        return Err((ErrorKind::Encode(e), whole));
    }
    let mut parts = parts.to_vec();
    for (i, part) in parts.iter_mut().enumerate() {
        if part.unknown == Unknown::ImmValue {
            part.imm_size = forms
                .iter()
                .map(|&f| jitasm_x64::encode::imm_size(&FORMS[f as usize], i))
                .max()
                .unwrap_or(0)
                .max(1);
        }
    }
    let item = DynItem::Instruction(DynInstruction {
        mode: p.mode,
        mnemonic: inst.mnemonic,
        operands: inst.operands,
        parts: &parts,
        decorations: inst.decorations,
        prefixes: inst.prefixes,
        forms,
    });
    out.dynamic(item).map_err(|k| (k, whole))
}

/// The mnemonic of the usual instruction line: the name at the parser's
/// token, if it is a mnemonic. (No prefix, segment prefix, `movabs`,
/// `ljmp` or `lcall`, which the general path reads, is one: a test checks.)
#[inline]
fn line_mnemonic(p: &mut Parser<'_, '_>) -> Option<Mnemonic> {
    let Tok::Ident(name) = p.tok.tok else {
        return None;
    };
    p.mnemonics.parse(name_key(name), name)
}

/// Reads the operands of the usual instruction line straight from its
/// bytes, from `pos` (after the mnemonic): operands separated by commas
/// up to the end of the statement (blanks allowed, no comment), each a
/// register, a number (`16`, `0x10`, `-8`), or memory `[…]` holding what
/// [`scan_memory`] reads, after an optional size (`qword ptr`). Gives
/// each operand and its span to `each` (which may refuse it) and answers
/// the end of the last operand and the end of the statement; `None` for
/// any other line.
#[inline]
fn scan_operands<'a>(
    p: &Parser<'a, '_>,
    mut pos: usize,
    mut each: impl FnMut(Operand<'a>, Span) -> Option<()>,
) -> Option<(usize, usize)> {
    let src = p.src;
    let b = src.as_bytes();
    let blanks = |mut i: usize| {
        while i < b.len() && crate::lex::is_blank(b[i]) {
            i += 1;
        }
        i
    };
    let mut last_end = pos;
    pos = blanks(pos);
    if matches!(b.get(pos), None | Some(b'\n' | b';')) {
        return Some((last_end, pos));
    }
    loop {
        let start = pos;
        let c = *b.get(pos)?;
        let op = if crate::lex::is_name_start(c) {
            let (end, key) = word_at(b, pos);
            if let Some(r) = reg_by_key(key) {
                pos = end;
                Operand::Reg(r)
            } else {
                // `qword ptr [...]`.
                let size = size_by_key(key, p.mode)?;
                pos = blanks(end);
                if b.get(pos).is_some_and(|c| crate::lex::is_name_start(*c)) {
                    let (end, key) = word_at(b, pos);
                    if key != reg_key(b"ptr") {
                        return None;
                    }
                    pos = blanks(end);
                }
                if b.get(pos) != Some(&b'[') {
                    return None;
                }
                let (m, end) = scan_memory(p, pos, Some(size))?;
                pos = end;
                Operand::Mem(m)
            }
        } else if c == b'[' {
            let (m, end) = scan_memory(p, pos, None)?;
            pos = end;
            Operand::Mem(m)
        } else {
            // A number, or a negated one (as `-` and the number read:
            // the value must fit 64 bits signed).
            let negative = c == b'-';
            let at = if negative { blanks(pos + 1) } else { pos };
            if !crate::lex::is_digit(*b.get(at)?) {
                return None;
            }
            let (v, end) = crate::lex::plain_number(b, at)?;
            let value = if negative {
                if v > 1 << 63 {
                    return None;
                }
                (v as i64).wrapping_neg()
            } else {
                v as i64
            };
            pos = end;
            Operand::Imm(Imm { value, size: 0 })
        };
        each(op, Span::new(start, pos))?;
        last_end = pos;
        pos = blanks(pos);
        match b.get(pos) {
            Some(b',') => pos = blanks(pos + 1),
            None | Some(b'\n' | b';') => return Some((last_end, pos)),
            _ => return None,
        }
    }
}

/// Reads the usual instruction straight from the bytes of its line: a
/// mnemonic ([`line_mnemonic`]), then what [`scan_operands`] reads. It
/// gives what [`read_instruction`] gives for such a line — the operands
/// and their spans, no decoration, prefix or Rust value — and leaves the
/// parser at the end token, as reading the tokens would; for any other
/// line (and wherever the general path reports an error) it gives `None`
/// and leaves the parser as it was, for `read_instruction`.
fn scan_line<'a>(
    p: &mut Parser<'a, '_>,
    ops: &mut [Operand<'a>; 6],
    spans: &mut [Span; 6],
) -> Option<(usize, Head)> {
    let mnemonic = line_mnemonic(p)?;
    let mspan = p.tok.span;
    let mut n = 0;
    let (last_end, end) = scan_operands(p, mspan.end as usize, |op, span| {
        *ops.get_mut(n)? = op;
        spans[n] = span;
        n += 1;
        Some(())
    })?;
    p.finish_line(last_end, end);
    Some((
        n,
        Head {
            prefixes: Prefixes::NONE,
            seg: None,
            mnemonic,
            mspan,
            movabs: false,
            far: false,
        },
    ))
}

/// The usual instruction line whose operand signature the parser's
/// [`SelectCache`](jitasm_x64::encode::SelectCache) holds, written to
/// `out` with the choice kept for it: what [`scan_line`] reads, then
/// [`emit`] would write (the cache keeps only choices `select` made, for
/// the signature of operands as the general path lowers them: a line
/// the general path reads otherwise — a branch to a number, an operand
/// `fxch` leaves implied — has a signature no choice was kept for).
/// `false`, with the parser and `out` untouched, for any other line.
#[inline]
fn fast_line<S: Output + ?Sized>(p: &mut Parser<'_, '_>, out: &mut S) -> bool {
    // The cache keeps only 64-bit mode's choices, and a signature does not
    // name the mode: another mode's line must not look one up.
    if !p.mode.is64() {
        return false;
    }
    let Some(mnemonic) = line_mnemonic(p) else {
        return false;
    };
    let mspan = p.tok.span;
    let mut sig = Signature::new(mnemonic);
    let mut vals: Values = [0; Signature::MAX_OPERANDS + 1];
    let mut n = 0;
    let scanned = scan_operands(p, mspan.end as usize, |op, _| {
        let (ok, v) = match op {
            Operand::Reg(r) => (sig.reg(r), 0),
            Operand::Imm(v) => (sig.imm(v), v.value),
            Operand::Mem(m) => (sig.mem(&m), m.disp),
            _ => (false, 0),
        };
        if !ok {
            return None;
        }
        vals[n] = v;
        n += 1;
        Some(())
    });
    let Some((last_end, end)) = scanned else {
        return false;
    };
    let Some(kept) = p.select_cache.lookup(&sig) else {
        return false;
    };
    kept.encode(&vals).emit(out);
    p.finish_line(last_end, end);
    #[cfg(test)]
    tests::FAST_LINES.with(|n| n.set(n.get() + 1));
    true
}

/// [`scan_line`]'s memory operand at the `[` at `open`: the operand and
/// where it ends, or `None` for what [`memory`] must read.
fn scan_memory<'a>(p: &Parser<'a, '_>, open: usize, size: Option<u16>) -> Option<(Mem<'a>, usize)> {
    let b = p.src.as_bytes();
    let blanks = |mut i: usize| {
        while i < b.len() && crate::lex::is_blank(b[i]) {
            i += 1;
        }
        i
    };
    let number = |i: usize| {
        if !crate::lex::is_digit(*b.get(i)?) {
            return None;
        }
        crate::lex::plain_number(b, i)
    };
    let register = |i: usize| {
        if !crate::lex::is_name_start(*b.get(i)?) {
            return None;
        }
        let (end, key) = word_at(b, i);
        Some((reg_by_key(key)?, end))
    };
    let mut v = Lin::constant(0, Span::new(open, open + 1));
    let mut nregs = 0;
    let mut negative = false;
    let mut pos = blanks(open + 1);
    loop {
        let (reg, coef, end) = if let Some((r, end)) = register(pos) {
            let at = blanks(end);
            if b.get(at) == Some(&b'*') {
                let (k, end) = number(blanks(at + 1))?;
                (Some(r), k as i128, end)
            } else {
                (Some(r), 1, end)
            }
        } else {
            let (k, end) = number(pos)?;
            let at = blanks(end);
            if b.get(at) == Some(&b'*') {
                let (r, end) = register(blanks(at + 1))?;
                (Some(r), k as i128, end)
            } else {
                (None, k as i128, end)
            }
        };
        match reg {
            Some(r) => {
                if negative || nregs == 2 {
                    return None;
                }
                v.regs[nregs] = Some((r, coef));
                nregs += 1;
            }
            None => {
                let k = if negative { v.k - coef } else { v.k + coef };
                if !crate::expr::in_range(k) {
                    return None;
                }
                v.k = k;
            }
        }
        pos = blanks(end);
        match b.get(pos) {
            Some(b'+') => negative = false,
            Some(b'-') => negative = true,
            Some(b']') => break,
            _ => return None,
        }
        pos = blanks(pos + 1);
    }
    v.span = Span::new(open, pos + 1);
    let split = p.opts.syntax == Syntax::Dynasm;
    let (mut m, parts) = mem_from(p, v, split).ok()?;
    if parts != Parts::default() {
        return None;
    }
    m.size = size.unwrap_or(0);
    Some((m, pos + 1))
}

/// `{k1}`, `{z}`, `{1to16}` after an operand.
fn decorations<'a>(
    p: &mut Parser<'a, '_>,
    dec: &mut Decorations,
    op: Option<&mut Operand<'a>>,
) -> EResult<()> {
    let mut op = op;
    while p.is_punct(b'{') {
        let open = p.tok.span;
        p.bump()?;
        let t = p.tok;
        match t.tok {
            Tok::Bcst(n) => match op.as_deref_mut() {
                Some(Operand::Mem(m)) if m.bcst == 0 => m.bcst = n,
                _ => {
                    return Err((
                        ErrorKind::BadOperand("a broadcast `{1toN}` follows a memory operand"),
                        open.to(t.span),
                    ))
                }
            },
            Tok::Ident(w) if w.eq_ignore_ascii_case("z") => dec.zeroing = true,
            Tok::Ident(w) => match reg_lookup(w).or_else(|| p.alias(w)) {
                Some(k) if k.class() == RegClass::K => {
                    if dec.mask.is_some() {
                        return Err((ErrorKind::BadOperand("two masks"), open.to(t.span)));
                    }
                    dec.mask = Some(k);
                }
                _ => return Err(p.expected("`k1`…`k7`, `z` or `1toN`")),
            },
            _ => return Err(p.expected("`k1`…`k7`, `z` or `1toN`")),
        }
        p.bump()?;
        p.expect_punct(b'}', "`}`")?;
    }
    Ok(())
}

fn rounding(p: &mut Parser<'_, '_>) -> EResult<Item<'static>> {
    // At `{`.
    p.bump()?;
    let Some(w) = p.ident() else {
        return Err(p.expected("`rn-sae`, `rd-sae`, `ru-sae`, `rz-sae` or `sae`"));
    };
    let item = if w.eq_ignore_ascii_case("sae") {
        Item::Sae
    } else {
        let r = match w.to_ascii_lowercase().as_str() {
            "rn" => Rounding::Nearest,
            "rd" => Rounding::Down,
            "ru" => Rounding::Up,
            "rz" => Rounding::Zero,
            _ => return Err(p.expected("`rn-sae`, `rd-sae`, `ru-sae`, `rz-sae` or `sae`")),
        };
        p.bump()?;
        p.expect_punct(b'-', "`-sae`")?;
        if !p.ident().is_some_and(|s| s.eq_ignore_ascii_case("sae")) {
            return Err(p.expected("`sae`"));
        }
        Item::Rounding(r)
    };
    p.bump()?;
    p.expect_punct(b'}', "`}`")?;
    Ok(item)
}

/// One operand, and what of it comes from Rust expressions (`dynasm!`).
fn operand<'a>(p: &mut Parser<'a, '_>) -> EResult<(Item<'a>, Written, Parts)> {
    // A register or a number alone (`rax,`, `16` at the end): what the
    // general path below gives for them, without an expression. No alias
    // takes a register's name, so the name is the register.
    let alone = match p.tok.tok {
        Tok::Ident(name) => reg_lookup(name).map(Operand::Reg),
        Tok::Int(v) => Some(Operand::Imm(Imm {
            value: v as i64,
            size: 0,
        })),
        _ => None,
    };
    if let Some(op) = alone {
        if let Ok(next) = p.peek() {
            if matches!(next.tok, Tok::Punct(b',') | Tok::End | Tok::Eof) {
                p.bump()?;
                return Ok((Item::Op(op), Written::default(), Parts::default()));
            }
        }
    }
    if p.is_punct(b'{') {
        return Ok((rounding(p)?, Written::default(), Parts::default()));
    }
    let start = p.tok.span;
    let mut size: Option<u16> = None;
    let mut short = false;
    if let Some(w) = p.ident() {
        if let Some(s) = size_keyword(w, p.mode) {
            size = Some(s);
            p.bump()?;
            if p.ident().is_some_and(|w| w.eq_ignore_ascii_case("ptr")) {
                p.bump()?;
            }
        } else if w.eq_ignore_ascii_case("short") {
            short = true;
            p.bump()?;
        }
    }
    let mut w = Written::default();
    if p.ident().is_some_and(|s| s.eq_ignore_ascii_case("offset")) {
        p.bump()?;
        w.offset = true;
        if p.ident().is_some_and(|s| s.eq_ignore_ascii_case("flat"))
            && p.peek()?.tok == Tok::Punct(b':')
        {
            p.bump()?;
            p.bump()?;
        }
    }
    // Segment override: `fs:[rax]`, `fs:0x10`.
    let mut seg = None;
    if let Some(name) = p.ident() {
        let r = reg_lookup(name);
        if is_seg(r) && p.peek()?.tok == Tok::Punct(b':') && !w.offset {
            seg = r;
            p.bump()?;
            p.bump()?;
        }
    }
    let hint = if short { 1 } else { size.unwrap_or(0) };
    if p.is_punct(b'[') {
        let (m, parts) = memory(p, None, seg, size)?;
        return Ok((Item::Op(Operand::Mem(m)), w, parts));
    }
    p.bare = false;
    let v = p.expr()?;
    w.bare_label = p.bare && !w.offset;
    if p.is_punct(b'[') && !w.offset {
        let (m, parts) = memory(p, Some(v), seg, size)?;
        return Ok((Item::Op(Operand::Mem(m)), Written::default(), parts));
    }
    if seg.is_some() {
        // `fs:0x10`: an absolute address.
        let (mut m, parts) = mem_from(p, v, false)?;
        m.seg = seg;
        m.size = size.unwrap_or(0);
        return Ok((Item::Op(Operand::Mem(m)), w, parts));
    }
    // `jmp 0x10:0x20`, a far pointer.
    if p.is_punct(b':') {
        if let Some(sel) = v.as_const() {
            p.bump()?;
            let off = p.expr()?;
            let off_v = off.as_const().ok_or((
                ErrorKind::BadOperand("a far pointer is `selector:offset`"),
                off.span,
            ))?;
            let sel = u16::try_from(sel)
                .map_err(|_| out_of_range("segment selector", sel, 0, 0xffff, v.span))?;
            let off_v = u32::try_from(off_v)
                .map_err(|_| out_of_range("far offset", off_v, 0, u32::MAX as i128, off.span))?;
            return Ok((Item::Op(Operand::Far(sel, off_v)), w, Parts::default()));
        }
    }
    if let Some(l) = p.label_of(&v) {
        if hint > 8 {
            return Err((
                ErrorKind::BadOperand("a label operand is at most QWORD"),
                start.to(v.span),
            ));
        }
        let parts = Parts {
            label_expr: v.label_ext,
            value: v.ext.filter(|(_, c)| *c != 0),
            ..Parts::default()
        };
        return Ok((Item::Op(Operand::Label(l, hint as u8)), w, parts));
    }
    if let (Some((id, c)), 0, None) = (v.ext, v.label_coef, v.registers().next()) {
        // An immediate from a Rust expression (`dynasm!`).
        if hint > 8 {
            return Err((
                ErrorKind::BadOperand("an immediate is at most QWORD"),
                start.to(v.span),
            ));
        }
        let value = to_i64(v.k, v.span)?;
        let parts = Parts {
            unknown: Unknown::ImmValue,
            value: Some((id, c)),
            ..Parts::default()
        };
        let imm = Imm {
            value,
            size: hint as u8,
        };
        return Ok((Item::Op(Operand::Imm(imm)), w, parts));
    }
    if let Some(k) = v.as_const() {
        if hint > 8 {
            return Err((
                ErrorKind::BadOperand("an immediate is at most QWORD"),
                start.to(v.span),
            ));
        }
        let value = to_i64(k, v.span)?;
        return Ok((
            Item::Op(Operand::Imm(Imm {
                value,
                size: hint as u8,
            })),
            w,
            Parts::default(),
        ));
    }
    let mut regs = v.registers_dyn();
    if let (Some((r, 1, d)), None, 0, 0, None) =
        (regs.next(), regs.next(), v.k, v.label_coef, v.ext)
    {
        if size.is_some_and(|s| s != r.size()) {
            return Err((
                ErrorKind::BadOperand("the size does not match the register"),
                start.to(v.span),
            ));
        }
        let parts = Parts {
            unknown: if d.is_some() {
                Unknown::RegNumber
            } else {
                Unknown::Nothing
            },
            reg: d,
            ..Parts::default()
        };
        return Ok((Item::Op(Operand::Reg(r)), w, parts));
    }
    Err((
        ErrorKind::BadOperand(
            "expected a register, an immediate, a label or a memory operand in `[…]`",
        ),
        v.span,
    ))
}

/// `[…]`, after an optional displacement written before it (`foo[rip]`).
fn memory<'a>(
    p: &mut Parser<'a, '_>,
    before: Option<Lin<'a, Reg>>,
    seg: Option<Reg>,
    size: Option<u16>,
) -> EResult<(Mem<'a>, Parts)> {
    let open = p.tok.span;
    p.bump()?;
    let mut disp_size = DispSize::Auto;
    let mut nosplit = false;
    let mut seg = seg;
    while let Some(w) = p.ident() {
        match w {
            "BYTE" if p.peek()?.tok != Tok::Punct(b']') => disp_size = DispSize::Byte,
            "DWORD" if p.peek()?.tok != Tok::Punct(b']') => disp_size = DispSize::Dword,
            "NOSPLIT" => nosplit = true,
            _ => {
                let r = reg_lookup(w);
                if is_seg(r) && p.peek()?.tok == Tok::Punct(b':') {
                    if seg.is_some() {
                        return Err((ErrorKind::BadOperand("two segment overrides"), p.tok.span));
                    }
                    seg = r;
                    p.bump()?;
                } else {
                    break;
                }
            }
        }
        p.bump()?;
    }
    // Too many registers is a fault of the operand's shape, like the errors
    // of `mem_from`: it is placed from the `[`.
    let whole = |(k, s): (ErrorKind, Span)| match k {
        ErrorKind::BadExpression("more than two registers") => (k, open.to(s)),
        k => (k, s),
    };
    let fast = if before.is_none() {
        simple_address(p)
    } else {
        None
    };
    let mut v = match fast {
        Some(v) => v,
        None => {
            let mut v = p.expr().map_err(whole)?;
            if let Some(b) = before {
                v = b.add(v, 1).map_err(whole)?;
            }
            v
        }
    };
    if !p.is_punct(b']') {
        return Err(p.expected("`]`"));
    }
    v.span = open.to(p.tok.span);
    p.bump()?;
    let split = p.opts.syntax == Syntax::Dynasm && !nosplit;
    let (mut m, parts) = mem_from(p, v, split)?;
    m.seg = seg;
    m.size = size.unwrap_or(0);
    m.disp_size = disp_size;
    Ok((m, parts))
}

/// The usual address inside `[…]`, up to the `]`: terms `reg`, `reg*n`,
/// `n*reg` and `n` joined by `+` (and `-` before a number), at most two
/// registers, read as [`Parser::expr`] reads them (the same [`Lin`]: the
/// registers in the order written, the constant summed, the span from the
/// first token to the last). Anything else — a name that is not a
/// register, a subtracted register, a product of numbers, parentheses, a
/// third register, a sum out of range — gives `None` with the parser where
/// it was, for `expr` to read (and to report).
fn simple_address<'a>(p: &mut Parser<'a, '_>) -> Option<Lin<'a, Reg>> {
    let saved = p.save();
    let v = simple_sum(p);
    if v.is_none() {
        p.restore(saved);
    }
    v
}

fn simple_sum<'a>(p: &mut Parser<'a, '_>) -> Option<Lin<'a, Reg>> {
    let start = p.tok.span;
    let mut v = Lin::constant(0, start);
    let mut nregs = 0;
    let mut negative = false;
    loop {
        // One term: a register (scaled or not) or a number (scaling a
        // register or not).
        let (reg, coef) = match p.tok.tok {
            Tok::Ident(name) => {
                let r = reg_lookup(name)?;
                p.bump().ok()?;
                if p.is_punct(b'*') {
                    p.bump().ok()?;
                    let Tok::Int(n) = p.tok.tok else {
                        return None;
                    };
                    p.bump().ok()?;
                    (Some(r), n as i128)
                } else {
                    (Some(r), 1)
                }
            }
            Tok::Int(n) => {
                p.bump().ok()?;
                if p.is_punct(b'*') {
                    p.bump().ok()?;
                    let r = reg_lookup(p.ident()?)?;
                    p.bump().ok()?;
                    (Some(r), n as i128)
                } else {
                    (None, n as i128)
                }
            }
            _ => return None,
        };
        match reg {
            Some(r) => {
                if negative || nregs == 2 {
                    return None;
                }
                v.regs[nregs] = Some((r, coef));
                nregs += 1;
            }
            None => {
                let k = if negative { v.k - coef } else { v.k + coef };
                if !crate::expr::in_range(k) {
                    return None;
                }
                v.k = k;
            }
        }
        match p.tok.tok {
            Tok::Punct(b'+') => negative = false,
            Tok::Punct(b'-') => negative = true,
            Tok::Punct(b']') => break,
            _ => return None,
        }
        p.bump().ok()?;
    }
    v.span = start.to(p.last_token_end());
    Some(v)
}

fn mem_from<'a>(p: &Parser<'a, '_>, v: Lin<'a, Reg>, split: bool) -> EResult<(Mem<'a>, Parts)> {
    let span = v.span;
    let mut m = Mem::EMPTY;
    let mut parts = Parts {
        value: v.ext.filter(|(_, c)| *c != 0),
        ..Parts::default()
    };
    if v.label_coef != 0 {
        if v.label_coef != 1 {
            return Err((ErrorKind::BadExpression("a label may be added once"), span));
        }
        m.label = v.label.map(LabelRef::new);
        parts.label_expr = v.label_ext;
    }
    m.disp = to_i64(v.k, span)?;
    // In 32-bit mode addresses wrap at 4 GiB: `[0xfffffff0]` is `[-0x10]`.
    if !p.mode.is64() && (i32::MAX as i64 + 1..=u32::MAX as i64).contains(&m.disp) {
        m.disp = m.disp as u32 as i32 as i64;
    }
    let scale = |c: i128| -> EResult<u8> {
        u8::try_from(c).map_err(|_| (ErrorKind::BadOperand("a scale is 1, 2, 4 or 8"), span))
    };
    let mut regs = v.registers_dyn();
    let (a, b) = (regs.next(), regs.next());
    for (_, c, _) in [a, b].into_iter().flatten() {
        if c < 0 {
            return Err((
                ErrorKind::BadOperand("a register cannot be subtracted"),
                span,
            ));
        }
    }
    let is_sp = |r: Reg| {
        !is_vector(r) && r.num() == 4 && matches!(r.class(), RegClass::Gp32 | RegClass::Gp64)
    };
    // Each register with the Rust expression giving its number, if any.
    let mut base = None;
    let mut index = None;
    match (a, b) {
        (None, _) => {}
        (Some((r, 1, d)), None) if is_vector(r) => index = Some((r, d, 1)),
        (Some((r, 1, d)), None) => base = Some((r, d)),
        (Some((r, c, d)), None) if matches!(c, 3 | 5 | 9) => {
            base = Some((r, d));
            index = Some((r, d, c as u8 - 1));
        }
        (Some((r, 2, d)), None) if split && !is_sp(r) && !is_vector(r) => {
            base = Some((r, d));
            index = Some((r, d, 1));
        }
        (Some((r, c, d)), None) => index = Some((r, d, scale(c)?)),
        (Some((x, 1, dx)), Some((y, 1, dy))) => {
            if is_vector(x) || is_sp(y) {
                base = Some((y, dy));
                index = Some((x, dx, 1));
            } else {
                base = Some((x, dx));
                index = Some((y, dy, 1));
            }
        }
        (Some((x, 1, dx)), Some((y, c, dy))) | (Some((y, c, dy)), Some((x, 1, dx))) => {
            base = Some((x, dx));
            index = Some((y, dy, scale(c)?));
        }
        _ => {
            return Err((
                ErrorKind::BadOperand("only one register may be scaled"),
                span,
            ))
        }
    }
    // dynasm syntax: a label alone (`[->label]`, `[>done + 8]`) is reached
    // RIP-relative in 64-bit mode, as dynasm-rs reaches it; GNU syntax keeps
    // llvm-mc's meaning, an absolute address unless `rip +` is written.
    if p.opts.syntax == Syntax::Dynasm
        && p.mode.is64()
        && m.label.is_some()
        && base.is_none()
        && index.is_none()
    {
        m.base = Reg::new(RegClass::Ip, 0);
    }
    if let Some((r, d)) = base {
        m.base = Some(r);
        parts.reg = d;
    }
    if let Some((r, d, c)) = index {
        m = m.index(r, c);
        parts.index = d;
    }
    if parts.is_dynamic() {
        parts.unknown = Unknown::MemParts;
    }
    Ok((m, parts))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    /// `reg_lookup` reads exactly the names `Reg::parse` reads: every
    /// string of up to three characters over the letters, digits and
    /// parentheses, every register's name with case and number variants,
    /// and longer near-misses.
    #[test]
    fn reg_lookup_is_reg_parse() {
        let alphabet: Vec<char> = ('a'..='z')
            .chain('0'..='9')
            .chain(['(', ')', 'X'])
            .collect();
        let mut names: Vec<String> = Vec::new();
        for a in &alphabet {
            names.push(a.to_string());
            for b in &alphabet {
                names.push([*a, *b].iter().collect());
                for c in &alphabet {
                    names.push([*a, *b, *c].iter().collect());
                }
            }
        }
        let prefixes = [
            "xmm", "ymm", "zmm", "tmm", "bnd", "mm", "st", "st(", "cr", "dr", "tr", "k", "r",
            "XmM", "ST(", "R",
        ];
        let suffixes = ["", ")", "d", "w", "b", "l", "D", "x", "))"];
        for p in prefixes {
            for n in 0..40 {
                for n in [std::format!("{n}"), std::format!("0{n}")] {
                    for s in suffixes {
                        names.push(std::format!("{p}{n}{s}"));
                    }
                }
            }
        }
        for name in [
            "st(0)", "ST(7)", "st(8)", "rip", "EIP", "xmm31", "xmm32", "r15b", "rax1",
        ] {
            names.push(name.into());
        }
        names.push(String::new());
        names.push("é".into());
        names.push("raxé".into());
        let mut found = 0;
        for n in &names {
            assert_eq!(reg_lookup(n), Reg::parse(n), "{n:?}");
            found += reg_lookup(n).is_some() as usize;
        }
        assert!(found > 300, "{found}");
    }

    /// `line_mnemonic` leaves out no check: the names the general path
    /// reads before a mnemonic, or reads as another, are no mnemonics.
    #[test]
    fn prefixes_are_no_mnemonics() {
        let mut names: Vec<String> = PREFIXES
            .iter()
            .map(|(k, _)| {
                let b = k.to_le_bytes();
                let n = b.iter().position(|c| *c == 0).unwrap_or(16);
                String::from_utf8(b[..n].to_vec()).unwrap()
            })
            .collect();
        names.extend(
            [
                "movabs", "ljmp", "lcall", "cs", "ds", "es", "fs", "gs", "ss",
            ]
            .map(String::from),
        );
        assert!(names.contains(&"lock".to_string()) && names.contains(&"data16".to_string()));
        for n in &names {
            assert_eq!(Mnemonic::parse(n), None, "{n}");
            assert_eq!(Mnemonic::parse(&n.to_uppercase()), None, "{n}");
        }
    }

    std::thread_local! {
        /// Lines [`fast_line`] wrote, on this thread.
        pub(super) static FAST_LINES: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
    }

    /// Bytes and labels, for comparing two readings of a text.
    #[derive(Default, Debug, PartialEq)]
    struct Collect {
        bytes: Vec<u8>,
        events: Vec<String>,
    }
    impl jitasm_core::ByteSink for Collect {
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
    impl jitasm_core::CodeSink for Collect {
        fn fixup(
            &mut self,
            l: LabelRef<'_>,
            k: &'static jitasm_core::FixupKind,
            at: usize,
            pc: usize,
        ) {
            self.events
                .push(std::format!("fixup {l:?} {k:?} {at} {pc}"));
        }
        fn record_error(&mut self, e: jitasm_core::Error) {
            self.events.push(std::format!("error {e:?}"));
        }
    }
    impl jitasm_core::LabelApi for Collect {
        fn define_global(&mut self, n: &str) -> Result<(), jitasm_core::Error> {
            self.events.push(std::format!("global {n}"));
            Ok(())
        }
        fn define_local(&mut self, n: &str) -> Result<(), jitasm_core::Error> {
            self.events.push(std::format!("local {n}"));
            Ok(())
        }
        fn define_dynamic(
            &mut self,
            d: jitasm_core::DynamicLabel,
        ) -> Result<(), jitasm_core::Error> {
            self.events.push(std::format!("dynamic {d:?}"));
            Ok(())
        }
        fn new_dynamic_label(&mut self) -> jitasm_core::DynamicLabel {
            jitasm_core::DynamicLabel::from_index(0)
        }
        fn address_of(&self, _: usize) -> Option<u64> {
            None
        }
    }

    /// The text read with and without the line scanner: the same bytes,
    /// fixups, labels and statements, or the same error.
    /// The fast reading uses `cache`, which earlier texts may have filled.
    fn same_both_ways(text: &str, options: &crate::Options, cache: &mut crate::TextCache) {
        let run = |fast, cache: &mut crate::TextCache| {
            let mut out = Collect::default();
            let r = crate::text::assemble_with_scanner(&mut out, text, options, fast, cache);
            (r, out)
        };
        let (fast, general) = (run(true, cache), run(false, &mut crate::TextCache::new()));
        assert_eq!(
            fast, general,
            "{text:?} ({:?}, {:?})",
            options.arch, options.syntax
        );
    }

    /// Variants of a line that the scanner must read as the general path
    /// does, or leave to it: the line itself, cut short, with a number
    /// changed, an operand negated, something appended, spaced out.
    fn variants(line: &str) -> Vec<String> {
        let mut v = std::vec![line.to_string()];
        for cut in [
            line.len() / 2,
            line.len() * 3 / 4,
            line.len().saturating_sub(1),
        ] {
            if line.is_char_boundary(cut) {
                v.push(line[..cut].to_string());
            }
        }
        for (from, to) in [
            ("0x", "0xffffffffffffffff+0x"),
            ("1", "18446744073709551616"),
            ("8", "0x8000000000000000"),
            (", ", ", -"),
            (", ", " ,"),
            (" + ", "+"),
            ("*", " * "),
            ("[", "[ 8 + "),
            ("]", " - 9223372036854775808]"),
            ("ptr ", ""),
            ("ptr", "PTR"),
            ("r", "R"),
        ] {
            if let Some(i) = line.find(from) {
                v.push(std::format!(
                    "{}{to}{}",
                    &line[..i],
                    &line[i + from.len()..]
                ));
            }
        }
        for tail in [", 1", " # comment", " ]", ", rax", ";nop", " {z}", ","] {
            v.push(std::format!("{line}{tail}"));
        }
        v
    }

    fn corpus(file: &str) -> Vec<&'static str> {
        let data = match file {
            "golden_x64.txt" => include_str!("../../jitasm-x64/tests/data/golden_x64.txt"),
            _ => include_str!("../../jitasm-x64/tests/data/golden_x86.txt"),
        };
        data.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split(" | ").nth(1))
            .collect()
    }

    /// The line scanner reads every golden line, and variants of each, as
    /// the general path does.
    #[test]
    fn scanner_is_the_general_path() {
        use jitasm_core::Arch;
        for (file, arch) in [("golden_x64.txt", Arch::X64), ("golden_x86.txt", Arch::X86)] {
            let lines = corpus(file);
            assert!(lines.len() > 1000);
            // Many lines in one text (statement spans, offsets), with
            // labels, comments and blank lines between them; it also fills
            // the cache every reading below starts from.
            let mut cache = crate::TextCache::new();
            let mut text = String::new();
            for (i, line) in lines.iter().enumerate().take(3000) {
                text.push_str(line);
                text.push_str(match i % 5 {
                    0 => "\n",
                    1 => " ; ",
                    2 => "\r\n\n",
                    3 => "  // c\n",
                    _ => "\nl",
                });
                if i % 5 == 4 {
                    text.push_str(&std::format!("{i}:\n"));
                }
            }
            // Twice: the second reading finds the first one's choices.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                same_both_ways(&text, &crate::Options::new(arch), &mut cache);
                same_both_ways(&text, &crate::Options::new(arch), &mut cache);
            }));
            assert!(r.is_ok(), "{file}: the whole text differs");
            for (i, line) in lines.iter().enumerate() {
                for text in variants(line) {
                    // Each variant twice: the second reading finds the
                    // first one's choice.
                    let text = std::format!("{text}\n{text}");
                    same_both_ways(&text, &crate::Options::new(arch), &mut cache);
                    if i % 7 == 0 {
                        same_both_ways(
                            &text,
                            &crate::Options::new(arch).syntax(crate::Syntax::Dynasm),
                            &mut cache,
                        );
                    }
                }
            }
            // The cached path answered for a good part of the lines (64-bit
            // mode only: other modes keep no choice).
            let hits = FAST_LINES.with(|n| n.replace(0));
            if arch == Arch::X64 {
                assert!(hits > 20_000, "{hits}");
            } else {
                assert_eq!(hits, 0);
            }
        }
    }

    /// Texts of the benchmark's kind — few shapes, registers and values
    /// varying — where the matcher's cache answers most instructions: the
    /// same as without scanner and cache, line by line and as one text.
    #[test]
    fn repeated_shapes() {
        use jitasm_core::Arch;
        let gp = [
            "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r12", "r13", "r15",
        ];
        let d = ["eax", "ecx", "esp", "ebp", "r8d", "r13d"];
        let b = ["al", "cl", "ah", "spl", "r9b"];
        let values = [
            "0",
            "1",
            "-1",
            "3",
            "16",
            "127",
            "128",
            "-128",
            "-129",
            "255",
            "256",
            "0x7fff",
            "0x8000",
            "65535",
            "0x7fffffff",
            "0x80000000",
            "0xffffffff",
            "0x100000000",
            "-0x80000000",
            "-0x80000001",
            "0xffffffffffffffff",
            "-9223372036854775808",
        ];
        let templates = [
            "mov {a}, {c}",
            "add {a}, {v}",
            "sub {c}, qword ptr [{a} + {v}]",
            "and {a}, {c}",
            "lea {c}, [{a} + {c}*4 + {v}]",
            "imul {a}, {c}",
            "imul {a}, {c}, {v}",
            "shl {c}, {v}",
            "cmp {a}, {v}",
            "test {d}, {v}",
            "mov {d}, {v}",
            "mov {a}, {v}",
            "mov byte ptr [{a} + {c}*2 - {v}], {b}",
            "mov word ptr [{a}], {v}",
            "push {a}",
            "push {v}",
            "xchg {a}, {c}",
            "sal {d}, {v}",
            "movzx {d}, byte ptr [{a} + {v}]",
            "inc dword ptr [{a} + {c}*8]",
            "movaps xmm{x}, xmmword ptr [{a} + {v}]",
            "addps xmm{x}, xmm{y}",
            "pshufd xmm{x}, xmm{y}, {v}",
            "vaddps ymm{x}, ymm{y}, ymmword ptr [{a} + {v}]",
            "vaddps zmm{x}, zmm{y}, zmmword ptr [{a} + {v}]",
            "vmovups zmmword ptr [{a} + {c}*4 + {v}], zmm{y}",
            "vpaddd xmm{x}, xmm{y}, xmm{z}",
            "vfmadd231ps ymm{x}, ymm{y}, ymm{z}",
            "vpermd ymm{x}, ymm{y}, ymm{z}",
            "vshufps ymm{x}, ymm{y}, ymm{z}, {v}",
            "kmovw k{k}, {d}",
        ];
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        let mut lines = Vec::new();
        for i in 0..6000 {
            let t = templates[i % templates.len()];
            let line = t
                .replace("{a}", gp[next(gp.len())])
                .replace("{c}", gp[next(gp.len())])
                .replace("{d}", d[next(d.len())])
                .replace("{b}", b[next(b.len())])
                .replace("{v}", values[next(values.len())])
                .replace("{x}", &std::format!("{}", next(32)))
                .replace("{y}", &std::format!("{}", next(32)))
                .replace("{z}", &std::format!("{}", next(16)))
                .replace("{k}", &std::format!("{}", next(8)));
            lines.push(line);
        }
        // Each line twice (the second finds the first one's choice), all
        // with one cache.
        let mut cache = crate::TextCache::new();
        for line in &lines {
            same_both_ways(
                &std::format!("{line}\n{line}"),
                &crate::Options::new(Arch::X64),
                &mut cache,
            );
        }
        // As texts: the lines that assemble, in one text per template
        // order (the cache then answers across lines).
        let ok: Vec<&String> = lines
            .iter()
            .filter(|l| {
                crate::assemble_into(&mut Collect::default(), l, &crate::Options::new(Arch::X64))
                    .is_ok()
            })
            .collect();
        assert!(ok.len() > 3000, "{}", ok.len());
        let text = ok.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("\n");
        same_both_ways(&text, &crate::Options::new(Arch::X64), &mut cache);
        same_both_ways(
            &text,
            &crate::Options::new(Arch::X64).syntax(crate::Syntax::Dynasm),
            &mut cache,
        );
    }

    /// Hand-written lines around the scanner's edges.
    #[test]
    fn scanner_edges() {
        use jitasm_core::Arch;
        let lines = [
            "mov rax, rcx",
            "mov rax,rcx",
            "  mov\trax , rcx  ",
            "mov rax, rcx\r",
            "MOV RAX, QWORD PTR [RBX+RCX*8+16]",
            "mov eax, [rbx + 4*rcx - 8]",
            "mov eax, [8 + rbx]",
            "mov eax, [rbx - rcx]",
            "mov eax, [rbx + rcx + rdx]",
            "mov eax, [rbx*3]",
            "mov eax, [rbx*2]",
            "mov eax, [rsp*2]",
            "mov eax, [rbx*16]",
            "mov eax, [rbx*0]",
            "mov eax, [rbx*4*2]",
            "mov eax, [xmm1 + rax]",
            "vgatherdps xmm0, [rax + xmm1*4], xmm2",
            "mov eax, [0xffffffff]",
            "mov eax, [-1]",
            "mov eax, dword [rbx]",
            "mov eax, dword ptr fs:[rbx]",
            "mov eax, [fs:rbx]",
            "mov eax, [BYTE rbx + 1]",
            "add rax, -9223372036854775808",
            "add rax, -9223372036854775809",
            "add rax, - 1",
            "add rax, 0x",
            "add rax, 08",
            "add rax, 1_000",
            "add rax, 1.5",
            "add rax, 16h",
            "jmp 1f\n1:",
            "mov rax, st",
            "fadd st, st(1)",
            "fadd st(0), st(1)",
            "mov rax, rcx # c",
            "mov rax, rcx // c",
            "lock add [rax], 1",
            "fs mov eax, [rbx]",
            "movabs rax, 1",
            "ljmp 0x10, 0x20",
            "ret",
            "ret 8",
            "ret;ret",
            "nop\n\nnop",
            "vaddps zmm0, zmm1, zmm2 {rn-sae}",
            "vaddps zmm0 {k1}, zmm1, zmm2",
            "mov rax, 1, 2, 3, 4, 5, 6",
            "mov r0, r1",
            "mov rax, foo",
            "foo: mov rax, rcx",
            "movv rax, rcx",
            "mov rax, rcx,",
            "mov rax rcx",
            "push 1",
            "push -1",
            "push 0x10000",
            "sal eax, 1",
            "xchg eax, ebp",
            "xchg rax, rax",
            "mov eax, [rip + 8]",
            "mov eax, [eip]",
            "mov al, ah",
            "mov sil, ah",
            "mov eax, [r12 + r13*1]",
            "mov eax, [rbp]",
            "mov eax, [r13]",
            "lea eax, [eax + ebx]",
            "mov ax, [bx + si]",
            "mov eax, [rax+18446744073709551615+1]",
            "mov eax, [rax-18446744073709551615-1]",
        ];
        let mut cache = crate::TextCache::new();
        for line in lines {
            for arch in [Arch::X64, Arch::X86] {
                for syntax in [crate::Syntax::Gnu, crate::Syntax::Dynasm] {
                    for text in variants(line) {
                        let text = std::format!("{text}\n{text}");
                        let options = crate::Options::new(arch).syntax(syntax);
                        same_both_ways(&text, &options, &mut cache);
                    }
                }
            }
        }
    }
}
