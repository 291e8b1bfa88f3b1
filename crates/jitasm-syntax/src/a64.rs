//! AArch64 operands and instructions: what the text says, lowered to
//! [`jitasm_a64::Instruction`] and encoded by [`jitasm_a64::encode`] (which
//! selects the form and rewrites aliases); the text front end has no
//! encoding rule of its own.
//!
//! Both spellings are read in one grammar, whatever the [`Syntax`]
//! (which only decides what labels mean):
//!
//! * GNU/LLVM: `add x0, x1, #12, lsl #12` (`#` optional), `v0.4s`,
//!   `v1.s[2]`, `{v0.16b-v3.16b}`, `{v0.4s, v1.4s}`, `{v0.s, v1.s}[1]`,
//!   `[x0, #8]!`, `[x0], #8`, `[x1, x2, lsl #3]`, `[x1, w2, sxtw #2]`,
//!   `b.eq label`, `mrs x0, nzcv`, `dmb ish`, `fmov d0, #1.5`,
//!   `dc civac, x0`, `ic iallu`, `tlbi vae1is, x2`;
//! * dynasm-rs: arrangements with the element size first (`v0.s4`,
//!   `v1.b16`), counted lists (`{v0.b16 * 4}`), register families with a
//!   constant number (`X(3)`, `W(0)`, `XSP(31)`, `WSP(n)`, `B(n)`…`Q(n)`,
//!   `V(2).s4`), `mov.inverted x0, #imm` (`movn`) and `mov.logical x0,
//!   #imm` (`orr` with `xzr`), and a pair's second register written
//!   `xzr`/`wzr` after a family (`casp X(n), xzr, X(m), xzr, [x0]`: the
//!   register after the first).
//!
//! A number where a branch target goes is an offset from the instruction
//! (`b #8`), as llvm-mc reads it.
//!
//! In the `dynasm!` macro a placeholder `$n` (a Rust expression) may be a
//! family's register number (`X($0)`, `V($1).s4`, `{V($2).b16 * 2}`), an
//! immediate, an offset, a shift amount, a lane, or a label target or
//! addend; the instruction then goes to the output as an
//! [`Item::A64Instruction`] with stand-ins and [`Parts`].
//!
//! [`Syntax`]: crate::Syntax

use crate::dynamic::{A64Instruction, ExprId, Item, Output, Parts};
use crate::error::{ErrorKind, Span};
use crate::expr::{to_i64, EResult, Lin};
use crate::lex::Tok;
use crate::text::{out_of_range, Parser};
use alloc::string::ToString;
use jitasm_a64::operand::{
    barrier_option, prefetch_op, pstate_field, system_register, SYS_OP_MNEMONICS,
};
use jitasm_a64::table::{forms_of, OpKind};
use jitasm_a64::{
    Arrangement, Cond, Elem, ElemSize, Instruction, Mem, MemMode, MemOffset, ModKind, Modifier,
    Operand, Reg, RegClass, VLaneList, VList,
};
use jitasm_core::LabelApi;

/// More operands than any form has (`sys #0, c7, c5, #0, x0` has five).
const MAX_OPERANDS: usize = 8;

/// A register as written.
#[derive(Clone, Copy)]
enum RegTok<'a> {
    /// A general or scalar SIMD&FP register (`x0`, `wsp`, `d3`).
    Scalar(Reg),
    /// `vN.<suffix>`: an arrangement (`4s`, `s4`), or an element size
    /// (`s`, `4b`) before `[i]` or in a one-lane list.
    Vector { num: u8, suffix: &'a str },
}

/// dynasm-rs register families: the class, and the class number 31 names
/// in the family (`XSP(31)` is `sp`, `X(31)` is `xzr`); `None` for `V`,
/// which takes an arrangement after the parentheses.
const FAMILIES: [(&str, Option<(RegClass, RegClass)>); 10] = [
    ("X", Some((RegClass::X, RegClass::X))),
    ("W", Some((RegClass::W, RegClass::W))),
    ("XSP", Some((RegClass::X, RegClass::Sp))),
    ("WSP", Some((RegClass::W, RegClass::Wsp))),
    ("B", Some((RegClass::B, RegClass::B))),
    ("H", Some((RegClass::H, RegClass::H))),
    ("S", Some((RegClass::S, RegClass::S))),
    ("D", Some((RegClass::D, RegClass::D))),
    ("Q", Some((RegClass::Q, RegClass::Q))),
    ("V", None),
];

/// `v0`…`v31` (any case).
fn vector_num(head: &str) -> Option<u8> {
    let digits = head.strip_prefix(['v', 'V'])?;
    if digits.is_empty()
        || digits.len() > 2
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() == 2 && digits.starts_with('0'))
    {
        return None;
    }
    digits.parse().ok().filter(|n| *n < 32)
}

/// A suffix in the other order (`s4` as `4s`, `b16` as `16b`), parsed.
fn swapped<T>(s: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    let b = s.as_bytes();
    if !(2..=3).contains(&b.len())
        || !b[0].is_ascii_alphabetic()
        || !b[1..].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut buf = [0u8; 3];
    buf[..b.len() - 1].copy_from_slice(&b[1..]);
    buf[b.len() - 1] = b[0];
    parse(core::str::from_utf8(&buf[..b.len()]).ok()?)
}

/// An arrangement in either spelling (`4s`, `s4`).
fn arrangement(s: &str) -> Option<Arrangement> {
    Arrangement::parse(s).or_else(|| swapped(s, Arrangement::parse))
}

/// An element size in either spelling (`s`, `4b`, `b4`).
fn elem_size(s: &str) -> Option<ElemSize> {
    ElemSize::parse(s).or_else(|| swapped(s, ElemSize::parse))
}

/// The register a name (or an alias) names, without reading further.
fn reg_tok<'a>(p: &Parser<'a, '_>, name: &'a str) -> Option<RegTok<'a>> {
    let (head, suffix) = match name.split_once('.') {
        Some((h, s)) => (h, Some(s)),
        None => (name, None),
    };
    let head = p.a64_alias(head).unwrap_or(head);
    match suffix {
        None => Reg::parse(head).map(RegTok::Scalar),
        Some(suffix) => vector_num(head).map(|num| RegTok::Vector { num, suffix }),
    }
}

/// Whether `name` is a register (or an alias of one), with or without an
/// arrangement.
pub(crate) fn is_register_name(p: &Parser<'_, '_>, name: &str) -> bool {
    let (head, suffix) = match name.split_once('.') {
        Some((h, s)) => (h, Some(s)),
        None => (name, None),
    };
    let head = p.a64_alias(head).unwrap_or(head);
    match suffix {
        None => Reg::parse(head).is_some() || vector_num(head).is_some(),
        Some(_) => vector_num(head).is_some(),
    }
}

/// Whether `name` may be the target of `.alias`: a register without an
/// arrangement (`x3`, `wzr`, `sp`, `d2`, `v1`).
pub(crate) fn is_base_register(name: &str) -> bool {
    Reg::parse(name).is_some() || vector_num(name).is_some()
}

/// Pads to `alignment` (a power of two) in code: zero bytes up to the next
/// word, then `nop` words, as GNU as and llvm-mc pad AArch64 code.
pub(crate) fn align<S: LabelApi + ?Sized>(out: &mut S, alignment: usize) {
    jitasm_a64::dynamic::align(out, alignment)
}

/// What the names of a mnemonic's operands may be, beyond registers,
/// shifts and labels.
#[derive(Clone, Copy, Default)]
struct Context {
    cond: bool,
    barrier: bool,
    prefetch: bool,
    sysreg: bool,
    pstate: bool,
    creg: bool,
    symbol: bool,
}

impl Context {
    /// From the kinds of the mnemonic's forms (and the aliases' operands).
    fn of(m: &str) -> Context {
        let mut c = Context::default();
        for f in forms_of(m).unwrap_or(&[]) {
            for o in f.operands {
                match o.kind {
                    OpKind::Cond => c.cond = true,
                    OpKind::Barrier => c.barrier = true,
                    OpKind::Prefetch => c.prefetch = true,
                    OpKind::SysReg => c.sysreg = true,
                    OpKind::PState => c.pstate = true,
                    OpKind::CReg => c.creg = true,
                    _ => {}
                }
            }
        }
        if matches!(m, "cset" | "csetm" | "cinc" | "cinv" | "cneg") {
            c.cond = true;
        }
        // `bti`'s targets; the operations of `dc`, `ic`, `at`, `tlbi`
        // (`civac`), which the encoder looks up.
        c.symbol = m == "bti" || SYS_OP_MNEMONICS.contains(&m);
        c
    }

    /// The operand a name stands for in this context (`eq`, `ish`,
    /// `pldl1keep`, `nzcv`, `daifset`, `c7`, `bti`'s `c`, `dc`'s `civac`).
    fn named<'a>(&self, name: &'a str) -> Option<Operand<'a>> {
        if self.cond {
            if let Some(c) = Cond::parse(name) {
                return Some(Operand::Cond(c));
            }
        }
        if self.barrier {
            if let Some(b) = barrier_option(name) {
                return Some(Operand::Barrier(b));
            }
        }
        if self.prefetch {
            if let Some(op) = prefetch_op(name) {
                return Some(Operand::Prefetch(op));
            }
        }
        if self.sysreg {
            if let Some(r) = system_register(name) {
                return Some(Operand::SysReg(r));
            }
        }
        if self.pstate {
            if let Some(f) = pstate_field(name) {
                return Some(Operand::PState(f));
            }
        }
        if self.creg {
            let n = name
                .strip_prefix(['c', 'C'])
                .filter(|d| !d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|d| d.parse::<u8>().ok())
                .filter(|n| *n <= 15);
            if let Some(n) = n {
                return Some(Operand::CReg(n));
            }
        }
        self.symbol.then_some(Operand::Symbol(name))
    }
}

/// The mnemonic in lower case (in `buf` when it has capitals).
fn lower<'b>(name: &'b str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    if !name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some(name);
    }
    let dst = buf.get_mut(..name.len())?;
    dst.copy_from_slice(name.as_bytes());
    dst.make_ascii_lowercase();
    core::str::from_utf8(dst).ok()
}

/// Parses and emits one instruction.
pub(crate) fn instruction<'a, S: Output + ?Sized>(
    p: &mut Parser<'a, '_>,
    out: &mut S,
) -> EResult<()> {
    let Some(name) = p.ident() else {
        return Err(p.expected("a mnemonic"));
    };
    let mspan = p.tok.span;
    let mut buf = [0u8; 32];
    let m = lower(name, &mut buf)
        .filter(|m| jitasm_a64::is_mnemonic(m))
        .ok_or_else(|| (ErrorKind::UnknownMnemonic(name.to_string()), mspan))?;
    // An instruction lands on a word: `llvm-mc` would emit it after a
    // `.byte` as is, which no CPU can run. (`dynasm!` knows only the bytes
    // encoded while expanding, not what a `.align` or a Rust statement
    // emits at run time, so it cannot check.)
    let off = out.offset();
    if !p.exprs && out.address_of(off).unwrap_or(off as u64) % 4 != 0 {
        return Err((
            ErrorKind::BadOperand(
                "an A64 instruction must start at a multiple of 4 bytes: align the data before it (`.balign 4`)",
            ),
            mspan,
        ));
    }
    p.bump()?;
    let ctx = Context::of(m);
    let mut ops = [Operand::Imm(0); MAX_OPERANDS];
    let mut spans = [Span::default(); MAX_OPERANDS];
    let mut parts = [Parts::default(); MAX_OPERANDS];
    let mut n = 0usize;
    // A bare `[base]` just read (its place and value): the next operand is
    // its post-index.
    let mut post_of: Option<(usize, Mem)> = None;
    // `msr`'s first operand when its name is also a PSTATE field (`spsel`):
    // a system register unless an immediate follows.
    let mut pstate = None;
    // Which operands were written as a register family (`X(n)`).
    let mut family = [false; MAX_OPERANDS];
    if !p.at_end() {
        loop {
            let start = p.tok.span;
            if let (0, Some(name)) = (n, p.ident()) {
                if ctx.pstate && reg_tok(p, name).is_none() {
                    pstate = pstate_field(name);
                }
            }
            let is_family = match p.ident() {
                Some(name) if FAMILIES.iter().any(|(f, _)| *f == name) => {
                    p.peek()?.tok == Tok::Punct(b'(')
                }
                _ => false,
            };
            let (op, bare, part) = operand(p, &ctx)?;
            let span = start.to(p.last_token_end());
            if let Some((at, mem)) = post_of.take() {
                let offset = match op {
                    Operand::Imm(v) if !part.label_expr => {
                        parts[at].value = part.value;
                        MemOffset::Imm(v)
                    }
                    Operand::Reg(r) if r.is_gpr() => {
                        parts[at].index = part.reg;
                        MemOffset::Reg(r, None)
                    }
                    _ => return Err((
                        ErrorKind::BadOperand(
                            "a post-index is an immediate or a register: `[x0], #8`, `[x0], x2`",
                        ),
                        span,
                    )),
                };
                ops[at] = Operand::Mem(Mem {
                    offset,
                    mode: MemMode::PostIndex,
                    ..mem
                });
                spans[at] = spans[at].to(span);
            } else {
                if n == MAX_OPERANDS {
                    return Err((ErrorKind::BadOperand("too many operands"), span));
                }
                ops[n] = op;
                spans[n] = span;
                parts[n] = part;
                family[n] = is_family;
                if let (true, Operand::Mem(mem)) = (bare, op) {
                    post_of = Some((n, mem));
                }
                n += 1;
            }
            if !p.eat_punct(b',')? {
                break;
            }
        }
    }
    if !p.at_end() {
        return Err(p.expected("`,` or the end of the statement"));
    }
    if let (Some(f), [Operand::SysReg(_), Operand::Imm(_)]) = (pstate, &ops[..n]) {
        ops[0] = Operand::PState(f);
    }
    pair_placeholders(m, &mut ops[..n], &mut parts[..n], &family[..n]);
    let ops = &ops[..n];
    if parts[..n].iter().any(Parts::is_dynamic) {
        return emit_dynamic(out, m, ops, &parts[..n], &spans[..n], mspan);
    }
    match jitasm_a64::encode(&Instruction::new(m, ops)) {
        Ok(enc) => {
            enc.emit(out);
            Ok(())
        }
        Err(e) => {
            let whole = ops_span(mspan, &spans[..n]);
            let at = e
                .operand()
                .and_then(|i| spans[..n].get(i as usize).copied());
            Err((ErrorKind::EncodeA64(e), at.unwrap_or(whole)))
        }
    }
}

/// dynasm-rs's spelling of a register pair (`casp`, `caspa`, `caspal`,
/// `caspl`) whose first register is a family (`X(n)`): the second is
/// written `xzr`/`wzr`, meaning the register after the first. With a
/// constant number it becomes that register (`casp X(2), xzr, …` is `casp
/// x2, x3, …`; after number 31 it stays, and the encoder says the first
/// register must be even); with a Rust value the second operand takes the
/// same expression ([`Parts::reg`]), which the macro gives as the next
/// number (`jitasm_a64::dynamic::pair_next`). Any other spelling is left
/// to the encoder's rule (the second register must follow the first).
fn pair_placeholders(m: &str, ops: &mut [Operand<'_>], parts: &mut [Parts], family: &[bool]) {
    for k in 1..ops.len() {
        let is_pair = forms_of(m)
            .unwrap_or(&[])
            .iter()
            .any(|f| f.operands.get(k).is_some_and(|o| o.kind == OpKind::GprPair));
        let (Operand::Reg(first), Operand::Reg(second)) = (ops[k - 1], ops[k]) else {
            continue;
        };
        let placeholder = is_pair
            && family[k - 1]
            && !family[k]
            && parts[k].reg.is_none()
            && matches!(second.class(), RegClass::X | RegClass::W)
            && second.num() == 31
            && second.class() == first.class();
        if !placeholder {
            continue;
        }
        match parts[k - 1].reg {
            Some(id) => {
                parts[k].reg = Some(id);
                ops[k] = Operand::Reg(first);
            }
            None if first.num() < 31 => {
                if let Some(next) = Reg::new(first.class(), first.num() + 1) {
                    ops[k] = Operand::Reg(next);
                }
            }
            None => {}
        }
    }
}

fn ops_span(mspan: Span, spans: &[Span]) -> Span {
    spans.iter().fold(mspan, |a, s| a.to(*s))
}

/// An instruction with operands from Rust (`dynasm!`): the forms that may
/// take them go to the output with the stand-ins, or the error no value
/// can avoid is placed on its operand.
fn emit_dynamic<S: Output + ?Sized>(
    out: &mut S,
    mnemonic: &str,
    ops: &[Operand<'_>],
    parts: &[Parts],
    spans: &[Span],
    mspan: Span,
) -> EResult<()> {
    let whole = ops_span(mspan, spans);
    let mut unknown = [jitasm_a64::dynamic::Unknown::default(); MAX_OPERANDS];
    for (u, x) in unknown.iter_mut().zip(parts) {
        *u = jitasm_a64::dynamic::Unknown {
            reg: x.reg.is_some(),
            index: x.index.is_some(),
            value: x.value.is_some(),
        };
    }
    let forms =
        jitasm_a64::dynamic::may_fit(mnemonic, ops, &unknown[..ops.len()]).map_err(|e| {
            let at = e.operand().and_then(|i| spans.get(i as usize).copied());
            (ErrorKind::EncodeA64(e), at.unwrap_or(whole))
        })?;
    let item = Item::A64Instruction(A64Instruction {
        mnemonic,
        operands: ops,
        parts,
        forms,
    });
    out.dynamic(item).map_err(|k| (k, whole))
}

/// One operand, and what of it comes from Rust; the flag says it is a
/// bare `[base]`, which a post-index may follow.
fn operand<'a>(p: &mut Parser<'a, '_>, ctx: &Context) -> EResult<(Operand<'a>, bool, Parts)> {
    let not_bare = |(o, parts)| (o, false, parts);
    match p.tok.tok {
        Tok::Punct(b'[') => return memory(p),
        Tok::Punct(b'{') => return list(p).map(not_bare),
        Tok::Punct(b'#') => {
            p.bump()?;
            return value(p).map(not_bare);
        }
        Tok::Ident(name) => {
            if let Some(r) = register(p, name)? {
                return reg_operand(p, r).map(not_bare);
            }
            if let Some(kind) = ModKind::parse(name) {
                let (m, amount) = modifier(p, kind)?;
                let parts = Parts {
                    value: amount,
                    ..Parts::default()
                };
                return Ok((Operand::Modifier(m), false, parts));
            }
            if let Some(op) = ctx.named(name) {
                p.bump()?;
                return Ok((op, false, Parts::default()));
            }
        }
        _ => {}
    }
    value(p).map(not_bare)
}

/// A register read by [`register`]: the register (a stand-in when its
/// number is a Rust value), its span, and the Rust value.
type RegRead<'a> = (RegTok<'a>, Span, Option<ExprId>);

/// A register at `name` (the current token), read with what belongs to it
/// (a family's `(n)`, `V(n)`'s arrangement): the register and its span. In
/// `dynasm!` the number may be a Rust value: the register is then the
/// family's stand-in (number 0 of its class; `sp`/`wsp` for `XSP`/`WSP`,
/// whose 31 is the stack pointer).
fn register<'a>(p: &mut Parser<'a, '_>, name: &'a str) -> EResult<Option<RegRead<'a>>> {
    let start = p.tok.span;
    if let Some(&(_, classes)) = FAMILIES.iter().find(|(f, _)| *f == name) {
        if p.peek()?.tok == Tok::Punct(b'(') {
            p.bump()?;
            p.bump()?;
            let t = p.tok;
            let v = p.expr()?;
            let nspan = t.span.to(p.last_token_end());
            p.expect_punct(b')', "`)`")?;
            let dynamic = if v.is_dynamic() {
                let id = v.sole_expr().ok_or((
                    ErrorKind::BadOperand(
                        "a register number from Rust is one expression: `X(n)`, `V(n).s4`",
                    ),
                    nspan,
                ))?;
                Some(id)
            } else {
                None
            };
            let n = match dynamic {
                Some(_) => 0,
                None => v
                    .as_const()
                    .ok_or_else(|| crate::text::expected("a register number", &t, p.src))?,
            };
            let num = u8::try_from(n)
                .ok()
                .filter(|n| *n <= 31)
                .ok_or_else(|| out_of_range("register number", n, 0, 31, nspan))?;
            let r = match classes {
                Some((class, last)) if dynamic.is_some() && last != class => RegTok::Scalar(
                    Reg::new(last, 31)
                        .ok_or_else(|| out_of_range("register number", 31, 0, 31, nspan))?,
                ),
                Some((class, last)) => {
                    let class = if num == 31 { last } else { class };
                    RegTok::Scalar(
                        Reg::new(class, num)
                            .ok_or_else(|| out_of_range("register number", n, 0, 31, nspan))?,
                    )
                }
                None => {
                    // `V(n).s4`: the arrangement is the next token (`.s4`
                    // reads as a name).
                    let suffix = p.ident().and_then(|s| s.strip_prefix('.')).ok_or_else(|| {
                        p.expected("an arrangement after `V(n)` (`.s4`, `.b16`…)")
                    })?;
                    p.bump()?;
                    RegTok::Vector { num, suffix }
                }
            };
            return Ok(Some((r, start.to(p.last_token_end()), dynamic)));
        }
    }
    match reg_tok(p, name) {
        Some(r) => {
            p.bump()?;
            Ok(Some((r, start, None)))
        }
        None if vector_num(p.a64_alias(name).unwrap_or(name)).is_some() => Err((
            ErrorKind::BadOperand(
                "a vector register takes an arrangement (`v0.16b`, `v0.s4`) or an element (`v0.s[1]`)",
            ),
            start,
        )),
        None => Ok(None),
    }
}

/// A register operand: a scalar, a vector with its arrangement, or an
/// element (`v1.s[2]`).
fn reg_operand<'a>(p: &mut Parser<'a, '_>, r: RegRead<'a>) -> EResult<(Operand<'a>, Parts)> {
    let (r, span, dynamic) = r;
    let mut parts = Parts {
        reg: dynamic,
        ..Parts::default()
    };
    let (num, suffix) = match r {
        RegTok::Scalar(r) => return Ok((Operand::Reg(r), parts)),
        RegTok::Vector { num, suffix } => (num, suffix),
    };
    if p.is_punct(b'[') {
        let size = elem_size(suffix).ok_or((
            ErrorKind::BadOperand(
                "an element is `vN.<size>[i]` with size `b`, `h`, `s`, `d` (or `4b`, `2h`)",
            ),
            span,
        ))?;
        let (index, value) = lane(p)?;
        parts.value = value;
        let elem = Elem {
            reg: num,
            size,
            index,
        };
        return Ok((Operand::Elem(elem), parts));
    }
    let arr = arrangement(suffix).ok_or((
        ErrorKind::BadOperand(
            "expected an arrangement: `8b`, `16b`, `4h`, `8h`, `2s`, `4s`, `1d`, `2d` (or `b8`, `s4`…), or an element `vN.s[i]`",
        ),
        span,
    ))?;
    Ok((Operand::Reg(Reg::v(num, arr)), parts))
}

/// A number that may hold a Rust value (`dynasm!`): the constant part and
/// the Rust expression with its coefficient.
type Number = (i128, Option<(ExprId, i128)>);

/// The number an expression read at `t` is (`what` names it in errors).
fn number(
    p: &Parser<'_, '_>,
    v: &Lin<'_, jitasm_x64::Reg>,
    t: &crate::lex::Token<'_>,
    what: &'static str,
) -> EResult<Number> {
    if v.label_coef != 0 || v.registers().next().is_some() {
        return Err(crate::text::expected(what, t, p.src));
    }
    Ok((v.k, v.ext.filter(|(_, c)| *c != 0)))
}

/// `[i]`: a lane index (a Rust value in `dynasm!`).
fn lane(p: &mut Parser<'_, '_>) -> EResult<(u8, Option<(ExprId, i128)>)> {
    let open = p.tok.span;
    p.bump()?;
    let t = p.tok;
    let v = p.expr()?;
    let (k, ext) = number(p, &v, &t, "a lane index")?;
    let close = p.tok.span;
    p.expect_punct(b']', "`]`")?;
    let index =
        u8::try_from(k).map_err(|_| out_of_range("lane index", k, 0, 15, open.to(close)))?;
    Ok((index, ext))
}

/// A shift or extend at its name, with its amount if one is written (a
/// Rust value in `dynasm!`).
fn modifier(p: &mut Parser<'_, '_>, kind: ModKind) -> EResult<(Modifier, Option<(ExprId, i128)>)> {
    p.bump()?;
    if p.at_end() || p.is_punct(b',') || p.is_punct(b']') {
        return Ok((Modifier { kind, amount: None }, None));
    }
    p.eat_punct(b'#')?;
    let t = p.tok;
    let v = p.expr()?;
    let (k, ext) = number(p, &v, &t, "a shift amount")?;
    let amount = u8::try_from(k)
        .map_err(|_| out_of_range("shift amount", k, 0, 255, t.span.to(p.last_token_end())))?;
    let m = Modifier {
        kind,
        amount: Some(amount),
    };
    Ok((m, ext))
}

/// An immediate, a floating-point immediate or a label (after an optional
/// `#`); in `dynasm!` the number, the label's target or its addend may be
/// Rust values.
fn value<'a>(p: &mut Parser<'a, '_>) -> EResult<(Operand<'a>, Parts)> {
    let mut sign = 1.0;
    if let Tok::Punct(c @ (b'-' | b'+')) = p.tok.tok {
        if matches!(p.peek()?.tok, Tok::Float(_)) {
            p.bump()?;
            if c == b'-' {
                sign = -1.0;
            }
        }
    }
    if let Tok::Float(f) = p.tok.tok {
        p.bump()?;
        return Ok((Operand::Float(sign * f), Parts::default()));
    }
    let v = p.expr()?;
    let parts = Parts {
        value: v.ext.filter(|(_, c)| *c != 0),
        label_expr: v.label_ext && v.label_coef != 0,
        ..Parts::default()
    };
    if let Some(k) = v.as_const() {
        return Ok((Operand::Imm(to_i64(k, v.span)?), parts));
    }
    if let Some(l) = p.label_of(&v) {
        return Ok((Operand::Label(l), parts));
    }
    if v.is_dynamic() && v.label_coef == 0 && v.registers().next().is_none() {
        return Ok((Operand::Imm(to_i64(v.k, v.span)?), parts));
    }
    Err((
        ErrorKind::BadOperand(
            "expected a register, an immediate, a label, a memory operand `[…]` or a register list `{…}`",
        ),
        v.span,
    ))
}

/// `[base]`, `[base, #imm]`, `[base, #imm]!`, `[base, index{, extend}]`;
/// the flag says only a base was written (a post-index may follow).
fn memory<'a>(p: &mut Parser<'a, '_>) -> EResult<(Operand<'a>, bool, Parts)> {
    p.bump()?;
    let base_tok = p.tok;
    let base = match p.ident() {
        Some(name) => register(p, name)?,
        None => None,
    };
    let Some((RegTok::Scalar(base), _, base_dyn)) = base else {
        return Err(crate::text::expected(
            "a base register (`x0`…`x30` or `sp`)",
            &base_tok,
            p.src,
        ));
    };
    let mut parts = Parts {
        reg: base_dyn,
        ..Parts::default()
    };
    let mut offset = MemOffset::Imm(0);
    let mut written = false;
    if p.eat_punct(b',')? {
        written = true;
        let index = match p.ident() {
            Some(name) => register(p, name)?,
            None => None,
        };
        match index {
            Some((RegTok::Scalar(r), _, index_dyn)) => {
                parts.index = index_dyn;
                let m = if p.eat_punct(b',')? {
                    let kind = p.ident().and_then(ModKind::parse).ok_or_else(|| {
                        p.expected("an extend or shift (`lsl`, `uxtw`, `sxtw`, `sxtx`)")
                    })?;
                    let (m, amount) = modifier(p, kind)?;
                    parts.value = amount;
                    Some(m)
                } else {
                    None
                };
                offset = MemOffset::Reg(r, m);
            }
            Some((RegTok::Vector { .. }, span, _)) => {
                return Err((
                    ErrorKind::BadOperand("an index register is an x or w register"),
                    span,
                ))
            }
            None => {
                p.eat_punct(b'#')?;
                let t = p.tok;
                let v = p.expr()?;
                if v.label_coef != 0 || v.registers().next().is_some() {
                    return Err((
                        ErrorKind::BadOperand(
                            "a memory offset is a number (`:lo12:` and other relocation operators are not supported yet)",
                        ),
                        v.span,
                    ));
                }
                let (k, ext) = number(p, &v, &t, "an offset")?;
                parts.value = ext;
                offset = MemOffset::Imm(to_i64(k, v.span)?);
            }
        }
    }
    if !p.is_punct(b']') {
        return Err(p.expected("`]`"));
    }
    p.bump()?;
    let pre = p.is_punct(b'!');
    if pre {
        if matches!(offset, MemOffset::Reg(..)) {
            return Err((
                ErrorKind::BadOperand("pre-indexing `!` takes an immediate offset"),
                p.tok.span,
            ));
        }
        p.bump()?;
    }
    let mode = if pre {
        MemMode::PreIndex
    } else {
        MemMode::Offset
    };
    let mem = Operand::Mem(Mem { base, offset, mode });
    Ok((mem, !written && !pre, parts))
}

/// A vector register in a list: its number, suffix, span and the Rust
/// value giving its number (`V($0).s4`).
fn list_reg<'a>(p: &mut Parser<'a, '_>) -> EResult<(u8, &'a str, Span, Option<ExprId>)> {
    let t = p.tok;
    let r = match p.ident() {
        Some(name) => register(p, name)?,
        None => None,
    };
    match r {
        Some((RegTok::Vector { num, suffix }, span, dynamic)) => Ok((num, suffix, span, dynamic)),
        _ => Err(crate::text::expected(
            "a vector register with its arrangement (`v0.4s`, `v0.s4`) or element size (`v0.s`)",
            &t,
            p.src,
        )),
    }
}

/// Whether two suffixes say the same (`4s` and `s4`).
fn same_suffix(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || (arrangement(a).is_some() && arrangement(a) == arrangement(b))
        || (elem_size(a).is_some() && elem_size(a) == elem_size(b))
}

/// `{v0.4s, v1.4s}`, `{v0.16b-v3.16b}`, `{v0.b16 * 4}`, and with a lane
/// after the braces `{v0.s, v1.s}[1]`. A first register from Rust is
/// written `{V(n).s4 * count}` (or alone).
fn list<'a>(p: &mut Parser<'a, '_>) -> EResult<(Operand<'a>, Parts)> {
    let open = p.tok.span;
    p.bump()?;
    let (first, suffix, first_span, first_dyn) = list_reg(p)?;
    let mut parts = Parts {
        reg: first_dyn,
        ..Parts::default()
    };
    let only_count = (
        ErrorKind::BadOperand(
            "a list whose first register is a Rust value is written `{V(n).s4 * count}`",
        ),
        first_span,
    );
    let mut count: i128 = 1;
    if p.eat_punct(b'-')? {
        if first_dyn.is_some() {
            return Err(only_count);
        }
        let (last, s, span, last_dyn) = list_reg(p)?;
        if last_dyn.is_some() {
            return Err((
                ErrorKind::BadOperand("the last register of a range is a number: `{v0.4s-v3.4s}`"),
                span,
            ));
        }
        if !same_suffix(suffix, s) {
            return Err((
                ErrorKind::BadOperand("the registers of a list have one arrangement"),
                span,
            ));
        }
        if last == first {
            // llvm-mc refuses `{v5.16b-v5.16b}`: a range names two registers.
            return Err((
                ErrorKind::BadOperand("a range `{vA-vB}` ends at another register (write `{vA}`)"),
                span,
            ));
        }
        count = (last as i128 - first as i128).rem_euclid(32) + 1;
    } else if p.eat_punct(b'*')? {
        let t = p.tok;
        count = p.const_expr("a register count")?;
        if !(1..=4).contains(&count) {
            let span = t.span.to(p.last_token_end());
            return Err(out_of_range("register count", count, 1, 4, span));
        }
    } else {
        while p.eat_punct(b',')? {
            let (num, s, span, dynamic) = list_reg(p)?;
            if first_dyn.is_some() || dynamic.is_some() {
                return Err(only_count);
            }
            if !same_suffix(suffix, s) || num as i128 != (first as i128 + count) % 32 {
                return Err((
                    ErrorKind::BadOperand(
                        "the registers of a list are consecutive (modulo 32), with one arrangement",
                    ),
                    span,
                ));
            }
            count += 1;
        }
    }
    if !p.is_punct(b'}') {
        return Err(p.expected("`}`"));
    }
    let close = p.tok.span;
    p.bump()?;
    if !(1..=4).contains(&count) {
        return Err(out_of_range("register count", count, 1, 4, open.to(close)));
    }
    let count = count as u8;
    if p.is_punct(b'[') {
        let size = elem_size(suffix).ok_or((
            ErrorKind::BadOperand("a one-lane list names element sizes: `{v0.s, v1.s}[1]`"),
            first_span,
        ))?;
        let (index, value) = lane(p)?;
        parts.value = value;
        let list = VLaneList {
            first,
            count,
            size,
            index,
        };
        return Ok((Operand::LaneList(list), parts));
    }
    let arr = arrangement(suffix).ok_or((
        ErrorKind::BadOperand(
            "expected an arrangement (`v0.4s`, `v0.s4`), or a lane `[i]` after the list",
        ),
        first_span,
    ))?;
    Ok((Operand::List(VList { first, count, arr }), parts))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use crate::{assemble_into, AsmError, ErrorKind, Options};
    use jitasm_a64::EncodeError;
    use jitasm_core::{Arch, DynamicLabel, Error, FixupKind, LabelRef};
    use std::vec::Vec;

    struct Collect(Vec<u8>);
    impl jitasm_core::ByteSink for Collect {
        fn push(&mut self, b: u8) {
            self.0.push(b)
        }
        fn extend_from_slice(&mut self, b: &[u8]) {
            self.0.extend_from_slice(b)
        }
        fn offset(&self) -> usize {
            self.0.len()
        }
    }
    impl jitasm_core::CodeSink for Collect {
        fn fixup(&mut self, _: LabelRef<'_>, _: &'static FixupKind, _: usize, _: usize) {}
        fn record_error(&mut self, _: Error) {}
    }
    impl jitasm_core::LabelApi for Collect {
        fn define_global(&mut self, _: &str) -> Result<(), Error> {
            Ok(())
        }
        fn define_local(&mut self, _: &str) -> Result<(), Error> {
            Ok(())
        }
        fn define_dynamic(&mut self, _: DynamicLabel) -> Result<(), Error> {
            Ok(())
        }
        fn new_dynamic_label(&mut self) -> DynamicLabel {
            DynamicLabel::from_index(0)
        }
        fn address_of(&self, _: usize) -> Option<u64> {
            None
        }
    }

    fn asm(text: &str) -> Result<Vec<u8>, AsmError> {
        let mut out = Collect(Vec::new());
        assemble_into(&mut out, text, &Options::new(Arch::Aarch64))?;
        Ok(out.0)
    }

    /// The error of `text` and the text its span covers.
    fn error(text: &str) -> (EncodeError, &str) {
        let e = asm(text).unwrap_err();
        let ErrorKind::EncodeA64(k) = e.kind else {
            panic!("{text}: {e:?}")
        };
        (k, &text[e.span.start as usize..e.span.end as usize])
    }

    /// `dc`, `ic`, `at`, `tlbi` read their operation's name (any case, in
    /// both spellings) and are the `sys` instructions they stand for;
    /// the errors point at the operand at fault.
    #[test]
    fn system_operations() {
        let same = |a: &str, b: &str| assert_eq!(asm(a).unwrap(), asm(b).unwrap(), "{a}");
        same("dc civac, x1", "sys #3, c7, c14, #1, x1");
        same("DC CIVAC, X1", "sys #3, c7, c14, #1, x1");
        same("dc civac, X(1)", "sys #3, c7, c14, #1, x1");
        same("ic iallu", "sys #0, c7, c5, #0, xzr");
        same("ic iallu", "sys #0, c7, c5, #0");
        same("tlbi vae1is, x2", "sys #0, c8, c3, #1, x2");
        same("at s1e1r, x0", "sys #0, c7, c8, #0, x0");
        let (e, at) = error("dc civac");
        assert!(
            matches!(e, EncodeError::OperationRegister { takes: true, .. }),
            "{e:?}"
        );
        assert_eq!(at, "civac");
        let (e, at) = error("ic iallu, x0");
        assert!(
            matches!(e, EncodeError::OperationRegister { takes: false, .. }),
            "{e:?}"
        );
        assert_eq!(at, "x0");
        let (e, at) = error("tlbi foo, x0");
        assert_eq!(
            e,
            EncodeError::UnknownOperation {
                operand: 0,
                mnemonic: "tlbi"
            }
        );
        assert_eq!(at, "foo");
        let (e, at) = error("dc zva, w3");
        assert!(
            matches!(e, EncodeError::OperandMismatch { operand: 1, .. }),
            "{e:?}"
        );
        assert_eq!(at, "w3");
    }
}
