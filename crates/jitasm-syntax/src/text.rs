//! The text assembler: statements, labels and directives, arch-neutral;
//! instructions are handed to the ISA's module ([`crate::x86`],
//! [`crate::a64`]).

use crate::dynamic::{NoExprs, Output};
use crate::error::{AsmError, ErrorKind, Span};
use crate::expr::{to_i64, EResult, Lin};
use crate::lex::{Lexer, Tok, Token};
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use jitasm_core::{
    fixup, Arch, AssemblyOffset, DynamicLabel, FixupKind, LabelApi, LabelRef, LabelTarget,
};
use jitasm_x64::{Mode, Reg};

/// The spelling of the text. For AArch64 both spellings of operands are
/// read either way (`v0.4s` and `v0.s4`, `{v0.16b-v3.16b}` and
/// `{v0.b16 * 4}`, `X(3)`); the syntax decides what labels and names mean,
/// and in GNU syntax the AArch64 data sizes (`.word` is 32 bits) and
/// `.align n` as 2^n bytes, as GNU as and llvm-mc read them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// GNU/LLVM Intel syntax: `dword ptr [rax + 8*rcx]`, labels `name:`
    /// referenced by name from anywhere (each defined once), numeric labels
    /// `1:` with `1b`/`1f`. The dynasm label forms (`->name`, `>name`,
    /// `<name`, `=>n`) are read too.
    #[default]
    Gnu,
    /// dynasm-rs syntax: `DWORD [rax + rcx*8]`, local labels `name:` (any
    /// number of times) referenced as `>name` / `<name`, global labels
    /// `->name:`, dynamic labels `=>n`; `[rax*2]` is encoded as
    /// `[rax + rax]` unless written `[NOSPLIT rax*2]`. A bare name must be a
    /// constant or an alias.
    Dynasm,
}

/// How to assemble a text: architecture, spelling, and the names the
/// caller defines.
#[derive(Clone, Debug)]
pub struct Options {
    /// The instruction set.
    pub arch: Arch,
    /// The spelling.
    pub syntax: Syntax,
    /// Every label referenced must be defined in the text itself (true for
    /// `jitasm::assemble`, which owns the whole output); otherwise a name not
    /// defined in the text refers to a global label of the output.
    pub standalone: bool,
    constants: BTreeMap<String, i64>,
    symbols: BTreeMap<String, u64>,
}

impl Options {
    /// GNU syntax for `arch`, labels resolved by the output.
    pub fn new(arch: Arch) -> Self {
        Options {
            arch,
            syntax: Syntax::Gnu,
            standalone: false,
            constants: BTreeMap::new(),
            symbols: BTreeMap::new(),
        }
    }

    /// The same options with another spelling.
    pub fn syntax(mut self, syntax: Syntax) -> Self {
        self.syntax = syntax;
        self
    }

    /// The same options with a named constant: `name` reads as `value`
    /// wherever a number may stand.
    pub fn constant(mut self, name: &str, value: i64) -> Self {
        self.constants.insert(name.to_string(), value);
        self
    }

    /// The same options with an external symbol: `name` is the absolute
    /// address `address` (a branch or call to it is relative to where the
    /// code runs; `offset name` is the address).
    pub fn symbol(mut self, name: &str, address: u64) -> Self {
        self.symbols.insert(name.to_string(), address);
        self
    }

    /// The same options with [`standalone`](Options::standalone) set.
    pub fn standalone(mut self, yes: bool) -> Self {
        self.standalone = yes;
        self
    }
}

/// One statement of the text and the bytes it emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementInfo {
    /// Offset of its first byte in the output.
    pub start: usize,
    /// Offset one past its last byte.
    pub end: usize,
    /// Where it is in the source.
    pub span: Span,
}

/// What [`assemble_into`] reports besides the bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInfo {
    /// Every statement, in order (labels and directives included).
    pub statements: Vec<StatementInfo>,
}

impl TextInfo {
    /// The statement whose bytes hold output offset `offset`.
    pub fn statement_at(&self, offset: usize) -> Option<&StatementInfo> {
        let i = self.statements.partition_point(|s| s.end <= offset);
        self.statements
            .get(i..)?
            .iter()
            .find(|s| s.start <= offset && offset < s.end)
    }

    /// An error the output reported when resolving labels (a label never
    /// defined, a target out of a field's range), placed at the statement
    /// whose bytes hold the reference; other errors at the text's start.
    pub fn output_error(&self, error: jitasm_core::Error, text: &str) -> AsmError {
        let at = match &error {
            jitasm_core::Error::UnknownLabel { at, .. } | jitasm_core::Error::Fixup { at, .. } => {
                Some(*at)
            }
            _ => None,
        };
        let span = at
            .and_then(|at| self.statement_at(at))
            .map_or(Span::default(), |s| s.span);
        AsmError::new(ErrorKind::Output(Box::new(error)), span, text)
    }
}

/// What the text assembler learns about x86 instructions while it
/// assembles — the matcher's choice of form for each operand signature
/// (see [`jitasm_x64::encode::SelectCache`]), the mnemonics it looked up —
/// kept between calls of [`assemble_into_cached`], so that a program
/// assembling many texts pays for each choice once. What it keeps depends
/// only on the instructions, never on the text, the options or the
/// output: any text may use any cache. A cache is bounded: at most 4,096
/// choices (about 400 KiB).
#[derive(Clone, Default)]
pub struct TextCache {
    select: jitasm_x64::encode::SelectCache,
    mnemonics: crate::x86::MnemonicCache,
}

impl TextCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }
}

impl core::fmt::Debug for TextCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TextCache")
            .field("select", &self.select)
            .finish_non_exhaustive()
    }
}

/// [`assemble_into`], with the choices of `cache` and keeping what it
/// learns there (see [`TextCache`]): the same result as `assemble_into`.
pub fn assemble_into_cached<S: LabelApi + ?Sized>(
    out: &mut S,
    text: &str,
    options: &Options,
    cache: &mut TextCache,
) -> Result<TextInfo, AsmError> {
    assemble_with_scanner(out, text, options, true, cache)
}

/// Assembles `text` into `out`: instructions, data and alignment are
/// emitted, labels defined and referenced through [`LabelApi`] (so they are
/// resolved when `out` is committed or finalized). Stops at the first error.
// The error is the flat, public `AsmError` (kind, place and line text); it
// ends the assembly, so its size costs nothing where the text is valid.
pub fn assemble_into<S: LabelApi + ?Sized>(
    out: &mut S,
    text: &str,
    options: &Options,
) -> Result<TextInfo, AsmError> {
    assemble_with_scanner(out, text, options, true, &mut TextCache::new())
}

/// [`assemble_into_cached`], with the line readers and the cache
/// ([`crate::x86::scan_line`], `fast_line`) or without them (the tests
/// compare the two).
pub(crate) fn assemble_with_scanner<S: LabelApi + ?Sized>(
    out: &mut S,
    text: &str,
    options: &Options,
    fast: bool,
    cache: &mut TextCache,
) -> Result<TextInfo, AsmError> {
    let fail = |(kind, span)| AsmError::new(kind, span, text);
    let (mode, isa) = isa_of(options.arch).map_err(fail)?;
    // AArch64 branches have one size: nothing to relax, so one pass.
    if options.syntax != Syntax::Gnu || isa == Isa::A64 {
        let mut p = Parser::new(text, options, mode, isa, None);
        p.fast = fast;
        p.lend(cache);
        let r = p.run(&mut NoExprs(out));
        p.lend(cache);
        r.map_err(fail)?;
        return Ok(p.info);
    }
    // GNU syntax sizes branches to the text's labels: every pass assumes the
    // branches not yet known to be far are short, records what it emits,
    // and marks those whose target turned out out of `rel8` range; when a
    // pass marks none, its record is replayed into `out`. Marks only grow,
    // so this ends (in one pass when every branch is short or none exists).
    let mut long = Vec::new();
    loop {
        let start = out.offset();
        let base = out.address_of(start);
        let mut rec = Recorder::new(text, out, start, base);
        let mut p = Parser::new(
            text,
            options,
            mode,
            isa,
            Some(Relax::new(core::mem::take(&mut long))),
        );
        p.fast = fast;
        p.lend(cache);
        let r = p.run(&mut rec);
        p.lend(cache);
        r.map_err(fail)?;
        let relax = p.relax.take().unwrap_or_else(|| Relax::new(Vec::new()));
        let (changed, marks) = relax.finish();
        if !changed {
            let info = p.info;
            let labels = p.label_spans;
            rec.replay(&labels).map_err(fail)?;
            return Ok(info);
        }
        long = marks;
    }
}

/// The instruction-set family of a text: which module reads its
/// instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// x86-64 and x86-32 ([`crate::x86`]), in the parser's `mode`.
    X86,
    /// AArch64 ([`crate::a64`]).
    A64,
}

/// The family an architecture is assembled as, and the x86 mode (unused
/// for AArch64).
fn isa_of(arch: Arch) -> EResult<(Mode, Isa)> {
    match arch {
        Arch::X64 => Ok((Mode::Long, Isa::X86)),
        Arch::X86 => Ok((Mode::Protected, Isa::X86)),
        Arch::Aarch64 => Ok((Mode::Long, Isa::A64)),
        other => Err((ErrorKind::UnsupportedArch(other.name()), Span::default())),
    }
}

/// [`crate::dynamic::parse_macro`]: dynasm syntax with Rust expressions.
pub(crate) fn parse_with_exprs<S: Output + ?Sized>(
    out: &mut S,
    text: &str,
    options: &Options,
) -> Result<TextInfo, AsmError> {
    let fail = |(kind, span)| AsmError::new(kind, span, text);
    let (mode, isa) = isa_of(options.arch).map_err(fail)?;
    let options = options.clone().syntax(Syntax::Dynasm);
    let mut p = Parser::new(text, &options, mode, isa, None);
    p.exprs = true;
    p.run(out).map_err(fail)?;
    Ok(p.info)
}

/// What branch sizing knows during one pass (GNU syntax).
pub(crate) struct Relax<'a> {
    /// Per relaxable branch, in text order: must it be `rel32`?
    long: Vec<bool>,
    /// Branches seen so far in this pass.
    seen: usize,
    /// Each branch's target and end offset.
    branches: Vec<(LabelTarget<'a>, i64, usize)>,
    /// Where the text's global labels are, and each local label's
    /// definitions in order.
    globals: BTreeMap<&'a str, usize>,
    locals: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> Relax<'a> {
    fn new(long: Vec<bool>) -> Self {
        Relax {
            long,
            seen: 0,
            branches: Vec::new(),
            globals: BTreeMap::new(),
            locals: BTreeMap::new(),
        }
    }

    /// Marks the branches whose target is not within `rel8`: whether any
    /// new mark was made, and the marks.
    fn finish(mut self) -> (bool, Vec<bool>) {
        self.long.resize(self.branches.len(), false);
        let mut changed = false;
        for (i, (target, addend, pc)) in self.branches.iter().enumerate() {
            if self.long[i] {
                continue;
            }
            let at = match *target {
                LabelTarget::Global(name) => self.globals.get(name).copied(),
                LabelTarget::Local { name, forward } => {
                    let defs = self.locals.get(name).map_or(&[][..], |v| &v[..]);
                    // The definition `>name` binds to is the first at or after
                    // the branch's end; `<name`'s the last before its start.
                    if forward {
                        defs.iter().copied().find(|d| *d >= *pc)
                    } else {
                        defs.iter().copied().rev().find(|d| *d < *pc)
                    }
                }
                _ => None,
            };
            let near = at.is_some_and(|at| {
                let d = at as i128 + *addend as i128 - *pc as i128;
                (-128..=127).contains(&d)
            });
            if !near {
                self.long[i] = true;
                changed = true;
            }
        }
        (changed, self.long)
    }
}

/// One call made into the output during a pass.
enum Event<'a> {
    Fixup(LabelRef<'a>, &'static FixupKind, usize, usize),
    Global(&'a str),
    Local(&'a str),
    Dynamic(DynamicLabel),
    Error(jitasm_core::Error),
}

/// Records a pass's output, so it reaches the real output only once the
/// branch sizes are final. Offsets continue the real output's.
struct Recorder<'a, 'r, S: ?Sized> {
    src: &'a str,
    out: &'r mut S,
    start: usize,
    base: Option<u64>,
    bytes: Vec<u8>,
    events: Vec<(usize, Event<'a>)>,
}

impl<'a, 'r, S: LabelApi + ?Sized> Recorder<'a, 'r, S> {
    fn new(src: &'a str, out: &'r mut S, start: usize, base: Option<u64>) -> Self {
        Recorder {
            src,
            out,
            start,
            base,
            // Code is rarely longer than its text.
            bytes: Vec::with_capacity(src.len() / 2),
            events: Vec::new(),
        }
    }

    /// The same name as a slice of the source (every name the parser
    /// passes is one).
    fn rebase(&self, name: &str) -> Option<&'a str> {
        let at = (name.as_ptr() as usize).checked_sub(self.src.as_ptr() as usize)?;
        self.src
            .get(at..at.checked_add(name.len())?)
            .filter(|s| *s == name)
    }

    fn rebase_ref(&self, l: LabelRef<'_>) -> Option<LabelRef<'a>> {
        let target = match l.target {
            LabelTarget::Global(n) => LabelTarget::Global(self.rebase(n)?),
            LabelTarget::Local { name, forward } => LabelTarget::Local {
                name: self.rebase(name)?,
                forward,
            },
            LabelTarget::Dynamic(d) => LabelTarget::Dynamic(d),
            LabelTarget::Offset(o) => LabelTarget::Offset(o),
            LabelTarget::Extern(a) => LabelTarget::Extern(a),
        };
        Some(LabelRef::new(target).plus(l.addend))
    }

    /// Emits the record into the real output; a label the output refuses
    /// is reported at the definition's place (`spans`, in definition order).
    fn replay(self, spans: &[Span]) -> EResult<()> {
        let mut done = 0;
        let mut labels = 0;
        for (len, event) in self.events {
            self.out.extend_from_slice(&self.bytes[done..len]);
            done = len;
            let r = match event {
                Event::Fixup(l, kind, at, pc) => {
                    self.out.fixup(l, kind, at, pc);
                    continue;
                }
                Event::Error(e) => {
                    self.out.record_error(e);
                    continue;
                }
                Event::Global(n) => self.out.define_global(n),
                Event::Local(n) => self.out.define_local(n),
                Event::Dynamic(d) => self.out.define_dynamic(d),
            };
            labels += 1;
            if let Err(e) = r {
                let kind = match e {
                    jitasm_core::Error::DuplicateLabel { label, .. } => {
                        ErrorKind::DuplicateLabel(label.to_string())
                    }
                    e => ErrorKind::Output(Box::new(e)),
                };
                return Err((kind, spans.get(labels - 1).copied().unwrap_or_default()));
            }
        }
        self.out.extend_from_slice(&self.bytes[done..]);
        Ok(())
    }
}

impl<S: LabelApi + ?Sized> jitasm_core::ByteSink for Recorder<'_, '_, S> {
    fn push(&mut self, byte: u8) {
        self.bytes.push(byte)
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes)
    }
    #[inline]
    fn extend_padded(&mut self, bytes: &[u8; 16], len: usize) {
        self.bytes.extend_padded(bytes, len)
    }
    fn offset(&self) -> usize {
        self.start + self.bytes.len()
    }
}

impl<S: LabelApi + ?Sized> jitasm_core::CodeSink for Recorder<'_, '_, S> {
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        let event = match self.rebase_ref(label) {
            Some(l) => Event::Fixup(l, kind, at, pc),
            None => Event::Error(jitasm_core::Error::Unsupported {
                what: "a label name that is not part of the text",
            }),
        };
        self.events.push((self.bytes.len(), event));
    }
    fn record_error(&mut self, error: jitasm_core::Error) {
        self.events.push((self.bytes.len(), Event::Error(error)));
    }
}

impl<S: LabelApi + ?Sized> Output for Recorder<'_, '_, S> {}

impl<S: LabelApi + ?Sized> LabelApi for Recorder<'_, '_, S> {
    fn define_global(&mut self, name: &str) -> Result<(), jitasm_core::Error> {
        let n = self.rebase(name).ok_or(jitasm_core::Error::Unsupported {
            what: "a label name that is not part of the text",
        })?;
        self.events.push((self.bytes.len(), Event::Global(n)));
        Ok(())
    }
    fn define_local(&mut self, name: &str) -> Result<(), jitasm_core::Error> {
        let n = self.rebase(name).ok_or(jitasm_core::Error::Unsupported {
            what: "a label name that is not part of the text",
        })?;
        self.events.push((self.bytes.len(), Event::Local(n)));
        Ok(())
    }
    fn define_dynamic(&mut self, label: DynamicLabel) -> Result<(), jitasm_core::Error> {
        self.events.push((self.bytes.len(), Event::Dynamic(label)));
        Ok(())
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.out.new_dynamic_label()
    }
    fn address_of(&self, offset: usize) -> Option<u64> {
        let base = self.base?;
        Some(base.wrapping_add(offset.checked_sub(self.start)? as u64))
    }
}

/// Parser state: the token stream, labels seen, names defined by the text.
pub(crate) struct Parser<'a, 'o> {
    pub lex: Lexer<'a>,
    pub tok: Token<'a>,
    pub src: &'a str,
    pub opts: &'o Options,
    pub mode: Mode,
    /// Which module reads instructions.
    pub isa: Isa,
    pub info: TextInfo,
    /// Output offset where the current statement started (for `.`).
    pub here: usize,
    aliases: BTreeMap<&'a str, Reg>,
    /// AArch64 `.alias name, reg`: the register's name (without arrangement).
    a64_aliases: BTreeMap<&'a str, &'a str>,
    equs: BTreeMap<&'a str, i64>,
    globals_defined: BTreeSet<&'a str>,
    locals_defined: BTreeSet<&'a str>,
    /// `>name` references waiting for a definition: first reference's span.
    forward: BTreeMap<&'a str, Span>,
    /// Global references (checked at the end when standalone).
    global_refs: Vec<(&'a str, Span)>,
    /// Dynamic labels defined (`=>n:`) and referenced, likewise.
    dynamics_defined: BTreeSet<u32>,
    dynamic_refs: Vec<(u32, Span)>,
    /// Nesting depth of the expression being parsed.
    pub depth: u32,
    /// Set when an expression names a label or symbol without `->`, `>`,
    /// `<`, `=>` or `extern` (GNU reads such an operand as memory).
    pub bare: bool,
    /// End of the previous token.
    prev_end: u32,
    /// Branch sizing (GNU syntax).
    pub(crate) relax: Option<Relax<'a>>,
    /// The token after `tok` and the lexer after it, once peeked.
    peeked: Option<(Token<'a>, Lexer<'a>)>,
    /// Where each label definition is, in order (to place errors the
    /// output reports when a record is replayed).
    pub(crate) label_spans: Vec<Span>,
    /// `$n` names the caller's Rust expression `n` (the `dynasm!` macro).
    pub exprs: bool,
    /// Mnemonics already looked up ([`crate::x86::MnemonicCache`]).
    pub(crate) mnemonics: crate::x86::MnemonicCache,
    /// Whether instructions of the usual shape are read by the line scanner
    /// ([`crate::x86::scan_line`]); off only to test it against the general
    /// path.
    pub(crate) fast: bool,
    /// The matcher's choices for the text's instructions (with `fast`).
    pub(crate) select_cache: jitasm_x64::encode::SelectCache,
}

/// Where the parser is: what [`Parser::save`] keeps for
/// [`Parser::restore`], so a fast path can read ahead and give the tokens
/// back when the text is not the shape it reads.
#[derive(Clone)]
pub(crate) struct Snapshot<'a> {
    lex: Lexer<'a>,
    tok: Token<'a>,
    prev_end: u32,
    peeked: Option<(Token<'a>, Lexer<'a>)>,
}

/// How deep parentheses may nest.
const MAX_DEPTH: u32 = 64;

pub(crate) fn expected(what: &'static str, t: &Token<'_>, src: &str) -> (ErrorKind, Span) {
    let found = match t.tok {
        Tok::End if src.as_bytes().get(t.span.start as usize) == Some(&b';') => "`;`".to_string(),
        Tok::End => "end of line".to_string(),
        Tok::Eof => "end of input".to_string(),
        _ => alloc::format!("`{}`", &src[t.span.start as usize..t.span.end as usize]),
    };
    (
        ErrorKind::Expected {
            expected: what,
            found,
        },
        t.span,
    )
}

impl<'a, 'o> Parser<'a, 'o> {
    fn new(
        src: &'a str,
        opts: &'o Options,
        mode: Mode,
        isa: Isa,
        relax: Option<Relax<'a>>,
    ) -> Self {
        Parser {
            // `#` starts a comment in x86 text; in AArch64 text it marks an
            // immediate (and a comment only at the start of a line).
            lex: Lexer::new(src, isa == Isa::X86),
            tok: Token {
                tok: Tok::End,
                span: Span::default(),
            },
            src,
            opts,
            mode,
            isa,
            info: TextInfo::default(),
            here: 0,
            aliases: BTreeMap::new(),
            a64_aliases: BTreeMap::new(),
            equs: BTreeMap::new(),
            globals_defined: BTreeSet::new(),
            locals_defined: BTreeSet::new(),
            forward: BTreeMap::new(),
            global_refs: Vec::new(),
            dynamics_defined: BTreeSet::new(),
            dynamic_refs: Vec::new(),
            depth: 0,
            bare: false,
            prev_end: 0,
            relax,
            peeked: None,
            label_spans: Vec::new(),
            exprs: false,
            mnemonics: crate::x86::MnemonicCache::new(),
            fast: true,
            select_cache: jitasm_x64::encode::SelectCache::new(),
        }
    }

    /// After a statement read from the bytes of the source (not through
    /// tokens): its last token ends at `last_end`, and its end (a newline,
    /// `;` or the end of the text) is at `end`. The parser is then where
    /// reading the statement's tokens would have left it: at the end token.
    pub(crate) fn finish_line(&mut self, last_end: usize, end: usize) {
        let tok = match self.src.as_bytes().get(end) {
            Some(_) => Token {
                tok: Tok::End,
                span: Span::new(end, end + 1),
            },
            None => Token {
                tok: Tok::Eof,
                span: Span::new(end, end),
            },
        };
        self.lex.set_pos(tok.span.end as usize);
        self.tok = tok;
        self.prev_end = Span::new(last_end, last_end).end;
        self.peeked = None;
    }

    /// Swaps the parser's caches with `cache`'s: lent before a run, given
    /// back after it.
    fn lend(&mut self, cache: &mut TextCache) {
        core::mem::swap(&mut self.select_cache, &mut cache.select);
        core::mem::swap(&mut self.mnemonics, &mut cache.mnemonics);
    }

    /// The parser's place in the text (see [`Snapshot`]).
    #[inline]
    pub(crate) fn save(&self) -> Snapshot<'a> {
        Snapshot {
            lex: self.lex.clone(),
            tok: self.tok,
            prev_end: self.prev_end,
            peeked: self.peeked.clone(),
        }
    }

    /// Goes back to a place [`save`](Self::save) kept.
    #[inline]
    pub(crate) fn restore(&mut self, s: Snapshot<'a>) {
        self.lex = s.lex;
        self.tok = s.tok;
        self.prev_end = s.prev_end;
        self.peeked = s.peeked;
    }

    /// Moves to the next token.
    pub fn bump(&mut self) -> EResult<()> {
        self.prev_end = self.tok.span.end;
        self.tok = match self.peeked.take() {
            Some((tok, lex)) => {
                self.lex = lex;
                tok
            }
            None => self.lex.next_token()?,
        };
        Ok(())
    }

    /// The token after the current one (lexed once: [`bump`](Self::bump)
    /// takes it from here).
    pub fn peek(&mut self) -> EResult<Token<'a>> {
        if let Some((tok, _)) = self.peeked {
            return Ok(tok);
        }
        let mut lex = self.lex.clone();
        let tok = lex.next_token()?;
        self.peeked = Some((tok, lex));
        Ok(tok)
    }

    /// An empty span at the end of the previous token.
    pub fn last_token_end(&self) -> Span {
        Span {
            start: self.prev_end,
            end: self.prev_end,
        }
    }

    pub fn is_punct(&self, c: u8) -> bool {
        self.tok.tok == Tok::Punct(c)
    }

    pub fn eat_punct(&mut self, c: u8) -> EResult<bool> {
        if self.is_punct(c) {
            self.bump()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub fn expect_punct(&mut self, c: u8, what: &'static str) -> EResult<()> {
        if self.eat_punct(c)? {
            Ok(())
        } else {
            Err(expected(what, &self.tok, self.src))
        }
    }

    pub fn expected(&self, what: &'static str) -> (ErrorKind, Span) {
        expected(what, &self.tok, self.src)
    }

    pub fn at_end(&self) -> bool {
        matches!(self.tok.tok, Tok::End | Tok::Eof)
    }

    pub fn ident(&self) -> Option<&'a str> {
        match self.tok.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    pub fn text(&self, span: Span) -> &'a str {
        &self.src[span.start as usize..span.end as usize]
    }

    fn run<S: Output + ?Sized>(&mut self, out: &mut S) -> EResult<()> {
        self.bump()?;
        loop {
            while self.tok.tok == Tok::End {
                self.bump()?;
            }
            if self.tok.tok == Tok::Eof {
                break;
            }
            let start_span = self.tok.span;
            self.here = out.offset();
            self.statement(out)?;
            if !self.at_end() {
                return Err(self.expected("`,` or the end of the statement"));
            }
            let span = Span {
                start: start_span.start,
                end: self.last_end(start_span),
            };
            self.info.statements.push(StatementInfo {
                start: self.here,
                end: out.offset(),
                span,
            });
        }
        // In `dynasm!` a local label may be defined by another invocation
        // (the output resolves it, or reports it when committing).
        if let (Some((name, span)), false) = (self.forward.iter().next(), self.exprs) {
            return Err((ErrorKind::UndefinedLabel(name.to_string()), *span));
        }
        if self.opts.standalone {
            if let Some((name, span)) = self
                .global_refs
                .iter()
                .find(|(n, _)| !self.globals_defined.contains(n))
            {
                return Err((ErrorKind::UndefinedLabel(name.to_string()), *span));
            }
            if let Some((id, span)) = self
                .dynamic_refs
                .iter()
                .find(|(id, _)| !self.dynamics_defined.contains(id))
            {
                return Err((ErrorKind::UndefinedLabel(alloc::format!("=>{id}")), *span));
            }
        }
        Ok(())
    }

    /// The end of the statement's text: the end of its last token (so
    /// comments and separators are left out, and `#` in a string is not one).
    fn last_end(&self, start: Span) -> u32 {
        self.prev_end.max(start.end)
    }

    fn statement<S: Output + ?Sized>(&mut self, out: &mut S) -> EResult<()> {
        // Label definitions, any number, then at most one directive or instruction.
        loop {
            if self.fast && self.isa == Isa::X86 && !self.exprs && self.not_a_label() {
                break;
            }
            let next = self.peek()?;
            match self.tok.tok {
                Tok::Ident(name) if next.tok == Tok::Punct(b':') && !name.starts_with('.') => {
                    let span = self.tok.span;
                    self.bump()?;
                    self.bump()?;
                    match self.opts.syntax {
                        Syntax::Gnu => self.define_global(out, name, span)?,
                        Syntax::Dynasm => self.define_local(out, name, span)?,
                    }
                }
                Tok::Int(_) if next.tok == Tok::Punct(b':') => {
                    let span = self.tok.span;
                    let name = self.text(span);
                    self.bump()?;
                    self.bump()?;
                    self.define_local(out, name, span)?;
                }
                Tok::Arrow => {
                    let Tok::Ident(name) = next.tok else {
                        self.bump()?;
                        return Err(self.expected("a label name after `->`"));
                    };
                    self.bump()?;
                    self.bump()?;
                    self.expect_punct(b':', "`:` after the label name")?;
                    self.define_global(out, name, next.span)?;
                }
                Tok::FatArrow => {
                    let span = self.tok.span;
                    self.bump()?;
                    if self.exprs {
                        // `=>$0:` (the colon is optional, as in dynasm-rs).
                        let t = self.tok;
                        let v = self.expr()?;
                        let id = v.sole_expr().ok_or_else(|| {
                            expected("a dynamic label (a Rust expression)", &t, self.src)
                        })?;
                        self.eat_punct(b':')?;
                        self.label_spans.push(span.to(self.last_token_end()));
                        out.dynamic(crate::dynamic::Item::DefineDynamic(id))
                            .map_err(|k| (k, span.to(self.last_token_end())))?;
                        continue;
                    }
                    let id = self.const_expr("a dynamic label number")?;
                    let id = u32::try_from(id).map_err(|_| {
                        (
                            ErrorKind::OutOfRange {
                                what: "dynamic label",
                                value: id,
                                min: 0,
                                max: u32::MAX as i128,
                            },
                            span,
                        )
                    })?;
                    self.eat_punct(b':')?;
                    self.dynamics_defined.insert(id);
                    self.label_spans.push(span.to(self.last_token_end()));
                    out.define_dynamic(DynamicLabel::from_index(id))
                        .map_err(|e| {
                            (
                                ErrorKind::Output(Box::new(e)),
                                span.to(self.last_token_end()),
                            )
                        })?;
                }
                _ => break,
            }
        }
        match self.tok.tok {
            Tok::Ident(name) if self.exprs && expr_id(name).is_some() => {
                // A Rust statement between lines (`;; stmt`), in its place.
                let id = expr_id(name).unwrap_or_default();
                let span = self.tok.span;
                self.bump()?;
                out.dynamic(crate::dynamic::Item::Statement(id))
                    .map_err(|k| (k, span))
            }
            Tok::Ident(name) if name.starts_with('.') && name.len() > 1 => self.directive(out),
            Tok::End | Tok::Eof => Ok(()),
            _ => match self.isa {
                Isa::X86 => crate::x86::instruction(self, out),
                Isa::A64 => crate::a64::instruction(self, out),
            },
        }
    }

    /// Whether the current token is a name (not a directive) that the
    /// byte after it, blanks skipped, shows is no label definition: not `:`
    /// and no comment (which could hide one). Then the statement is an
    /// instruction, and its reader looks at the next token itself (the
    /// general reader peeks at it first, so a lexing error there is the
    /// same error).
    fn not_a_label(&self) -> bool {
        let Tok::Ident(name) = self.tok.tok else {
            return false;
        };
        if name.starts_with('.') {
            return false;
        }
        let b = self.src.as_bytes();
        let mut i = self.tok.span.end as usize;
        while i < b.len() && crate::lex::is_blank(b[i]) {
            i += 1;
        }
        !matches!(b.get(i), Some(b':' | b'/' | b'#'))
    }

    pub fn define_global<S: Output + ?Sized>(
        &mut self,
        out: &mut S,
        name: &'a str,
        span: Span,
    ) -> EResult<()> {
        if !self.globals_defined.insert(name) {
            return Err((ErrorKind::DuplicateLabel(name.to_string()), span));
        }
        self.label_spans.push(span);
        if let Some(r) = &mut self.relax {
            r.globals.insert(name, out.offset());
        }
        out.define_global(name).map_err(|e| match e {
            jitasm_core::Error::DuplicateLabel { .. } => {
                (ErrorKind::DuplicateLabel(name.to_string()), span)
            }
            e => (ErrorKind::Output(Box::new(e)), span),
        })
    }

    fn define_local<S: Output + ?Sized>(
        &mut self,
        out: &mut S,
        name: &'a str,
        span: Span,
    ) -> EResult<()> {
        self.locals_defined.insert(name);
        self.forward.remove(name);
        self.label_spans.push(span);
        if let Some(r) = &mut self.relax {
            r.locals.entry(name).or_default().push(out.offset());
        }
        out.define_local(name)
            .map_err(|e| (ErrorKind::Output(Box::new(e)), span))
    }

    /// A `jmp`/`jcc` to `l` that may be sized: its number, if `l` can be
    /// one of the text's labels.
    pub(crate) fn relax_candidate(&mut self, l: LabelRef<'a>) -> Option<usize> {
        let r = self.relax.as_mut()?;
        if !matches!(l.target, LabelTarget::Global(_) | LabelTarget::Local { .. }) {
            return None;
        }
        let i = r.seen;
        r.seen += 1;
        r.branches.push((l.target, l.addend, 0));
        Some(i)
    }

    /// Whether branch `i` must take `rel32`.
    pub(crate) fn relax_is_long(&self, i: usize) -> bool {
        self.relax
            .as_ref()
            .is_some_and(|r| r.long.get(i).copied().unwrap_or(false))
    }

    /// Branch `i` ends at output offset `end`.
    pub(crate) fn relax_emitted(&mut self, i: usize, end: usize) {
        if let Some(b) = self.relax.as_mut().and_then(|r| r.branches.get_mut(i)) {
            b.2 = end;
        }
    }

    /// A reference to a label, checked as far as the text can tell.
    pub fn label_ref(&mut self, target: LabelTarget<'a>, span: Span) -> EResult<LabelTarget<'a>> {
        match target {
            LabelTarget::Local {
                name,
                forward: true,
            } => {
                self.forward.entry(name).or_insert(span);
            }
            LabelTarget::Local {
                name,
                forward: false,
            } if !self.locals_defined.contains(name) && !self.exprs => {
                return Err((ErrorKind::UndefinedLabel(name.to_string()), span));
            }
            LabelTarget::Global(name) => self.global_refs.push((name, span)),
            LabelTarget::Dynamic(d) => self.dynamic_refs.push((d.index(), span)),
            _ => {}
        }
        Ok(target)
    }

    /// Reads an expression that must be a number.
    pub fn const_expr(&mut self, what: &'static str) -> EResult<i128> {
        let start = self.tok;
        let v = self.expr()?;
        v.as_const().ok_or_else(|| expected(what, &start, self.src))
    }

    /// Looks up a name the text or the caller defined as a number.
    pub fn constant(&self, name: &str) -> Option<i64> {
        self.equs
            .get(name)
            .copied()
            .or_else(|| self.opts.constants.get(name).copied())
    }

    pub fn symbol(&self, name: &str) -> Option<u64> {
        self.opts.symbols.get(name).copied()
    }

    pub fn alias(&self, name: &str) -> Option<Reg> {
        self.aliases.get(name).copied()
    }

    /// The register an AArch64 `.alias` names (`acc` for `x0`).
    pub fn a64_alias(&self, name: &str) -> Option<&'a str> {
        self.a64_aliases.get(name).copied()
    }

    /// Reads an expression (see [`Lin`]).
    pub fn expr(&mut self) -> EResult<Lin<'a, Reg>> {
        self.binary(0)
    }

    /// Binary operators by precedence climbing: one frame per operator
    /// read, whatever the number of levels, so that nesting (bounded by
    /// [`MAX_DEPTH`]) stays cheap in stack even in debug builds. Levels,
    /// loosest first: | ^ & (<< >>) (+ -) (* / %); all left-associative.
    fn binary(&mut self, min_level: u8) -> EResult<Lin<'a, Reg>> {
        let mut lhs = self.unary()?;
        loop {
            let (op, level) = match self.tok.tok {
                Tok::Punct(b'|') => (b'|', 0),
                Tok::Punct(b'^') => (b'^', 1),
                Tok::Punct(b'&') => (b'&', 2),
                Tok::Shl => (b'<', 3),
                Tok::Shr => (b'>', 3),
                Tok::Punct(c @ (b'+' | b'-')) => (c, 4),
                Tok::Punct(c @ (b'*' | b'/' | b'%')) => (c, 5),
                _ => return Ok(lhs),
            };
            if level < min_level {
                return Ok(lhs);
            }
            self.bump()?;
            let rhs = self.binary(level + 1)?;
            lhs = combine(lhs, op, rhs)?;
        }
    }

    /// A unary expression. Every cycle of the recursive descent (`(`, a
    /// prefix operator, `=>`, `extern`) passes through here and counts
    /// against [`MAX_DEPTH`]; the frames on the cycle are kept small and the
    /// leaves (names, numbers, labels) are parsed in functions that do not
    /// recurse.
    fn unary(&mut self) -> EResult<Lin<'a, Reg>> {
        let span = self.tok.span;
        let op = match self.tok.tok {
            Tok::Punct(c @ (b'-' | b'+' | b'~' | b'!')) => c,
            Tok::FatArrow => b'=',
            Tok::Ident(name) if name.eq_ignore_ascii_case("extern") => b'e',
            Tok::Punct(b'(') => b'(',
            _ => return self.primary(),
        };
        self.enter(span)?;
        self.bump()?;
        let v = if op == b'(' {
            let v = self.expr()?;
            self.expect_punct(b')', "`)`")?;
            v
        } else {
            self.unary()?
        };
        self.depth -= 1;
        let v = prefix(op, v, span)?;
        if let (b'=', Some(target), false) = (op, v.label, v.label_ext) {
            self.label_ref(target, v.span)?;
        }
        Ok(v)
    }

    fn enter(&mut self, span: Span) -> EResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((ErrorKind::TooDeep, span));
        }
        Ok(())
    }

    fn primary(&mut self) -> EResult<Lin<'a, Reg>> {
        let t = self.tok;
        let span = t.span;
        match t.tok {
            Tok::Int(v) => {
                self.bump()?;
                Ok(Lin::constant(v as i128, span))
            }
            Tok::Char(c) => {
                self.bump()?;
                Ok(Lin::constant(c as i128, span))
            }
            Tok::NumLabel { forward, .. } => {
                self.bump()?;
                self.bare = true;
                let name = &self.src[span.start as usize..span.end as usize - 1];
                let t = self.label_ref(LabelTarget::Local { name, forward }, span)?;
                Ok(Lin::label(t, span))
            }
            Tok::Arrow | Tok::Punct(b'>') | Tok::Punct(b'<') => {
                self.bump()?;
                let Tok::Ident(name) = self.tok.tok else {
                    return Err(self.expected("a label name"));
                };
                let span = span.to(self.tok.span);
                self.bump()?;
                let target = match t.tok {
                    Tok::Arrow => LabelTarget::Global(name),
                    Tok::Punct(b'>') => LabelTarget::Local {
                        name,
                        forward: true,
                    },
                    _ => LabelTarget::Local {
                        name,
                        forward: false,
                    },
                };
                Ok(Lin::label(self.label_ref(target, span)?, span))
            }
            Tok::Ident(name) => self.name(name, span),
            _ => Err(self.expected("an operand or a number")),
        }
    }

    fn name(&mut self, name: &'a str, span: Span) -> EResult<Lin<'a, Reg>> {
        if self.exprs {
            if let Some(id) = expr_id(name) {
                self.bump()?;
                return Ok(Lin::ext(id, span));
            }
            if name == "." {
                return Err((
                    ErrorKind::BadOperand(
                        "`.` (the current address) is not available in `dynasm!`; define a label",
                    ),
                    span,
                ));
            }
        }
        if name == "." {
            self.bump()?;
            return Ok(Lin::label(
                LabelTarget::Offset(AssemblyOffset(self.here)),
                span,
            ));
        }
        match self.isa {
            Isa::X86 => {
                if let Some((r, dynamic)) = crate::x86::register(self, name, span)? {
                    let span = span.to(self.last_token_end());
                    return Ok(match dynamic {
                        Some(id) => Lin::dyn_reg(r, id, span),
                        None => Lin::reg(r, span),
                    });
                }
            }
            // AArch64 operands name registers outside expressions
            // (`[x1, #8]`, not `[x1 + 8]`).
            Isa::A64 if crate::a64::is_register_name(self, name) => {
                return Err((
                    ErrorKind::BadOperand(
                        "a register cannot be part of an expression (write `[x1, #8]`, `x2, lsl #3`)",
                    ),
                    span,
                ));
            }
            Isa::A64 => {}
        }
        self.bump()?;
        if let Some(v) = self.constant(name) {
            return Ok(Lin::constant(v as i128, span));
        }
        if let Some(a) = self.symbol(name) {
            self.bare = true;
            return Ok(Lin::label(LabelTarget::Extern(a), span));
        }
        self.bare = true;
        match self.opts.syntax {
            Syntax::Gnu => Ok(Lin::label(
                self.label_ref(LabelTarget::Global(name), span)?,
                span,
            )),
            Syntax::Dynasm => Err((ErrorKind::UnknownName(name.to_string()), span)),
        }
    }

    /// A label reference and addend from an expression that must be one.
    pub fn label_of(&self, v: &Lin<'a, Reg>) -> Option<LabelRef<'a>> {
        if v.label_coef != 1 || v.registers().next().is_some() {
            return None;
        }
        let k = i64::try_from(v.k).ok()?;
        Some(LabelRef::new(v.label?).plus(k))
    }

    fn directive<S: Output + ?Sized>(&mut self, out: &mut S) -> EResult<()> {
        let Tok::Ident(name) = self.tok.tok else {
            unreachable!()
        };
        let dspan = self.tok.span;
        self.bump()?;
        let lower = name.to_ascii_lowercase();
        // GNU AArch64 sizes: `.word` is 32 bits, `.hword` 16, `.dword` and
        // `.xword` 64 (as GNU as and llvm-mc read them for AArch64); the
        // dynasm spelling keeps dynasm-rs's sizes.
        if self.isa == Isa::A64 && self.opts.syntax == Syntax::Gnu {
            match lower.as_str() {
                ".word" => return self.data(out, 4, ".long"),
                ".hword" | ".half" => return self.data(out, 2, ".short"),
                ".dword" | ".xword" => return self.data(out, 8, ".quad"),
                ".code64" | ".code32" | ".intel_syntax" => {
                    return Err((ErrorKind::UnknownDirective(name.to_string()), dspan))
                }
                _ => {}
            }
        }
        match lower.as_str() {
            ".byte" | ".u8" | ".i8" | ".bytes" => self.data(out, 1, &lower),
            ".word" | ".short" | ".2byte" | ".u16" | ".i16" | ".value" => self.data(out, 2, &lower),
            ".long" | ".int" | ".4byte" | ".u32" | ".i32" | ".dword" => self.data(out, 4, &lower),
            ".quad" | ".8byte" | ".u64" | ".i64" | ".qword" => self.data(out, 8, &lower),
            ".f32" | ".float" | ".single" => self.floats(out, 4),
            ".f64" | ".double" => self.floats(out, 8),
            ".ascii" | ".asciz" | ".string" => self.strings(out, lower != ".ascii"),
            ".align" | ".balign" | ".p2align" if self.exprs && lower != ".p2align" => {
                // The address is only known at run time: always padded there.
                let t = self.tok;
                let v = self.expr()?;
                let alignment = self.value_of(&v, &t, "an alignment")?;
                let fill = if self.eat_punct(b',')? {
                    Some(self.byte_value("a fill byte")?)
                } else {
                    None
                };
                out.dynamic(crate::dynamic::Item::Align { alignment, fill })
                    .map_err(|k| (k, dspan.to(self.last_token_end())))
            }
            ".align" | ".balign" | ".p2align" => {
                let n = self.const_expr("an alignment")?;
                // GNU AArch64 `.align n` is 2^n bytes, as GNU as and llvm-mc
                // read it for Arm targets.
                let power = lower == ".p2align"
                    || (lower == ".align"
                        && self.isa == Isa::A64
                        && self.opts.syntax == Syntax::Gnu);
                let n = if power {
                    if !(0..=30).contains(&n) {
                        return Err(out_of_range(
                            "alignment power",
                            n,
                            0,
                            30,
                            dspan.to(self.last_token_end()),
                        ));
                    }
                    1i128 << n
                } else {
                    n
                };
                if n <= 0 || n > 1 << 30 || (n & (n - 1)) != 0 {
                    return Err((
                        ErrorKind::BadOperand("an alignment must be a power of two up to 2^30"),
                        dspan.to(self.last_token_end()),
                    ));
                }
                let fill = if self.eat_punct(b',')? {
                    Some(self.byte_value("a fill byte")?)
                } else {
                    None
                };
                self.align(out, n as usize, fill);
                Ok(())
            }
            ".zero" | ".skip" | ".space" | ".fill" => {
                let count_tok = self.tok;
                let count = self.const_expr("a count")?;
                if !(0..=1 << 24).contains(&count) {
                    let span = count_tok.span.to(self.last_token_end());
                    return Err(out_of_range("count", count, 0, 1 << 24, span));
                }
                let (size, value) = if lower == ".fill" {
                    let mut size_span = self.tok.span;
                    let size = if self.eat_punct(b',')? {
                        size_span = self.tok.span;
                        self.const_expr("a size")?
                    } else {
                        1
                    };
                    if !matches!(size, 1 | 2 | 4 | 8) {
                        let span = size_span.to(self.last_token_end());
                        return Err(out_of_range("fill size", size, 1, 8, span));
                    }
                    let mut value_span = dspan;
                    let value = if self.eat_punct(b',')? {
                        let t = self.tok;
                        let v = self.const_expr("a value")?;
                        value_span = t.span.to(self.last_token_end());
                        v
                    } else {
                        0
                    };
                    to_i64(value, value_span)?;
                    (size as usize, value)
                } else {
                    let value = if self.eat_punct(b',')? {
                        self.byte_value("a fill byte")? as i128
                    } else {
                        0
                    };
                    (1, value)
                };
                let bytes = (to_i64(value, dspan)? as u64).to_le_bytes();
                for _ in 0..count {
                    out.extend_from_slice(&bytes[..size]);
                }
                Ok(())
            }
            ".rel8" | ".rel16" | ".rel32" | ".rel64" | ".abs32" | ".abs64" => {
                let kind: &'static FixupKind = match (self.isa, lower.as_str()) {
                    (Isa::X86, ".rel8") => &fixup::x86::REL8,
                    (Isa::X86, ".rel16") => &fixup::x86::REL16,
                    (Isa::X86, ".rel32") => &fixup::x86::REL32,
                    (Isa::X86, ".rel64") => &fixup::x86::REL64,
                    (Isa::X86, ".abs32") => &fixup::x86::ABS32,
                    (Isa::X86, _) => &fixup::x86::ABS64,
                    // AArch64: `.rel32` is `label - .` (the field's own
                    // address), as `.word label - .` is in GNU as.
                    (Isa::A64, ".rel32") => &fixup::aarch64::PREL32,
                    (Isa::A64, ".abs32") => &fixup::aarch64::ABS32,
                    (Isa::A64, ".abs64") => &fixup::aarch64::ABS64,
                    (Isa::A64, _) => {
                        return Err((
                            ErrorKind::BadOperand(
                                "AArch64 label data is `.rel32`, `.abs32` or `.abs64`",
                            ),
                            dspan,
                        ))
                    }
                };
                loop {
                    let v = self.expr()?;
                    let l = self
                        .label_of(&v)
                        .ok_or((ErrorKind::BadOperand("expected a label"), v.span))?;
                    if v.is_dynamic() {
                        self.dyn_label_data(out, &v, l, kind)?;
                    } else {
                        out.emit_label_data(l, kind);
                    }
                    if !self.eat_punct(b',')? {
                        return Ok(());
                    }
                }
            }
            ".arch" => {
                let Tok::Ident(a) = self.tok.tok else {
                    return Err(self.expected("an architecture name"));
                };
                let arch = Arch::from_name(&a.to_ascii_lowercase()).ok_or_else(|| {
                    self.expected("an architecture name (x64, x86, aarch64, riscv64, riscv32)")
                })?;
                self.mode = match (self.isa, arch) {
                    (Isa::X86, Arch::X64) => Mode::Long,
                    (Isa::X86, Arch::X86) => Mode::Protected,
                    (Isa::A64, Arch::Aarch64) => self.mode,
                    (_, Arch::Riscv64 | Arch::Riscv32) => {
                        return Err((ErrorKind::UnsupportedArch(arch.name()), self.tok.span))
                    }
                    _ => {
                        return Err((
                            ErrorKind::BadOperand(
                                "`.arch` cannot switch between x86 and AArch64 in one text \
                                 (the output is for one of them): assemble each with its own architecture",
                            ),
                            self.tok.span,
                        ))
                    }
                };
                self.bump()
            }
            ".code64" => {
                self.mode = Mode::Long;
                Ok(())
            }
            ".code32" => {
                self.mode = Mode::Protected;
                Ok(())
            }
            ".feature" => {
                // jitasm encodes every extension it knows without being asked;
                // the names are read and not checked against the CPU.
                while !self.at_end() {
                    if self.ident().is_none() {
                        return Err(self.expected("a feature name"));
                    }
                    self.bump()?;
                    self.eat_punct(b',')?;
                }
                Ok(())
            }
            ".alias" if self.isa == Isa::A64 => {
                let (Some(name), span) = (self.ident(), self.tok.span) else {
                    return Err(self.expected("an alias name"));
                };
                self.bump()?;
                self.expect_punct(b',', "`,`")?;
                let target = self
                    .ident()
                    .map(|t| self.a64_alias(t).unwrap_or(t))
                    .filter(|t| crate::a64::is_base_register(t))
                    .ok_or_else(|| self.expected("a register (`x3`, `w0`, `v1`, `d2`…)"))?;
                self.bump()?;
                if crate::a64::is_register_name(self, name) && self.a64_alias(name).is_none() {
                    return Err((
                        ErrorKind::BadOperand("an alias cannot take a register's name"),
                        span,
                    ));
                }
                self.a64_aliases.insert(name, target);
                Ok(())
            }
            ".alias" => {
                let (Some(name), span) = (self.ident(), self.tok.span) else {
                    return Err(self.expected("an alias name"));
                };
                self.bump()?;
                self.expect_punct(b',', "`,`")?;
                let reg_tok = self.tok;
                let v = self.expr()?;
                let reg = match (
                    v.k,
                    v.label_coef,
                    v.registers().collect::<Vec<_>>().as_slice(),
                ) {
                    (0, 0, [(r, 1)]) => *r,
                    _ => return Err(expected("a register", &reg_tok, self.src)),
                };
                if crate::x86::register_name(self, name).is_some() && self.alias(name).is_none() {
                    return Err((
                        ErrorKind::BadOperand("an alias cannot take a register's name"),
                        span,
                    ));
                }
                self.aliases.insert(name, reg);
                Ok(())
            }
            ".equ" | ".set" => {
                let Some(name) = self.ident() else {
                    return Err(self.expected("a name"));
                };
                self.bump()?;
                self.expect_punct(b',', "`,`")?;
                let v_tok = self.tok;
                let v = self.const_expr("a number")?;
                let v = to_i64(v, v_tok.span.to(self.last_token_end()))?;
                self.equs.insert(name, v);
                Ok(())
            }
            ".intel_syntax" => {
                if let Some(w) = self.ident() {
                    if !w.eq_ignore_ascii_case("noprefix") {
                        return Err(self.expected("`noprefix`"));
                    }
                    self.bump()?;
                }
                Ok(())
            }
            ".text" => Ok(()),
            ".globl" | ".global" => {
                if self.ident().is_none() {
                    return Err(self.expected("a symbol name"));
                }
                self.bump()
            }
            _ => Err((ErrorKind::UnknownDirective(name.to_string()), dspan)),
        }
    }

    /// A number or `k + c·$n` (the macro), from an expression read at `t`.
    fn value_of(
        &self,
        v: &Lin<'a, Reg>,
        t: &Token<'a>,
        what: &'static str,
    ) -> EResult<crate::dynamic::Value> {
        if v.label_coef != 0 || v.registers().next().is_some() {
            return Err(expected(what, t, self.src));
        }
        Ok(crate::dynamic::Value {
            k: v.k,
            expr: v.ext.filter(|(_, c)| *c != 0),
        })
    }

    /// `.rel32`/`.abs64`… data for a label with a Rust target or addend.
    fn dyn_label_data<S: Output + ?Sized>(
        &self,
        out: &mut S,
        v: &Lin<'a, Reg>,
        label: LabelRef<'a>,
        kind: &'static FixupKind,
    ) -> EResult<()> {
        let item = crate::dynamic::Item::LabelData {
            kind,
            label: crate::dynamic::DynLabel {
                label,
                target_expr: v.label_ext,
                addend_expr: v.ext.filter(|(_, c)| *c != 0),
            },
        };
        out.dynamic(item).map_err(|k| (k, v.span))
    }

    fn byte_value(&mut self, what: &'static str) -> EResult<u8> {
        let t = self.tok;
        let v = self.const_expr(what)?;
        u8::try_from(v)
            .or_else(|_| i8::try_from(v).map(|b| b as u8))
            .map_err(|_| out_of_range("byte", v, -128, 255, t.span.to(self.last_token_end())))
    }

    /// Integer data of `size` bytes; `.iN`/`.uN` check their own range, the
    /// GNU names take signed or unsigned values.
    fn data<S: Output + ?Sized>(&mut self, out: &mut S, size: usize, name: &str) -> EResult<()> {
        let bits = size as u32 * 8;
        let b = name.as_bytes();
        let (min, max) = match (b[1], b.get(2).is_some_and(u8::is_ascii_digit)) {
            (b'i', true) => (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1),
            (b'u', true) => (0, (1i128 << bits) - 1),
            _ => (-(1i128 << (bits - 1)), (1i128 << bits) - 1),
        };
        loop {
            if let Tok::Str(s) = self.tok.tok {
                if size != 1 {
                    return Err(self.expected("a number"));
                }
                let span = self.tok.span;
                decode_string(s, span, |b| out.push(b))?;
                self.bump()?;
            } else {
                let v = self.expr()?;
                if v.is_dynamic() && v.label.is_none() && name == ".bytes" {
                    let id = v
                        .sole_expr()
                        .ok_or_else(|| expected("a Rust expression", &self.tok, self.src))?;
                    out.dynamic(crate::dynamic::Item::Bytes(id))
                        .map_err(|k| (k, v.span))?;
                } else if v.is_dynamic() && v.label.is_none() {
                    let t = self.tok;
                    let value = self.value_of(&v, &t, "a value")?;
                    out.dynamic(crate::dynamic::Item::Data {
                        size: size as u8,
                        signed: b[1] != b'u',
                        float: false,
                        value,
                    })
                    .map_err(|k| (k, v.span))?;
                } else if let (true, Some(l), 4 | 8) = (v.is_dynamic(), self.label_of(&v), size) {
                    let kind = self.abs_kind(size);
                    self.dyn_label_data(out, &v, l, kind)?;
                } else if let Some(k) = v.as_const() {
                    if k < min || k > max {
                        return Err(out_of_range("value", k, min, max, v.span));
                    }
                    out.extend_from_slice(&(k as u64).to_le_bytes()[..size]);
                } else if let (Some(l), 4 | 8) = (self.label_of(&v), size) {
                    out.emit_label_data(l, self.abs_kind(size));
                } else {
                    return Err((
                        ErrorKind::BadOperand(
                            "data must be numbers (or a label, in 4- and 8-byte data)",
                        ),
                        v.span,
                    ));
                }
            }
            if !self.eat_punct(b',')? {
                return Ok(());
            }
        }
    }

    /// The absolute fixup of a label in 4- or 8-byte data.
    fn abs_kind(&self, size: usize) -> &'static FixupKind {
        match (self.isa, size) {
            (Isa::X86, 4) => &fixup::x86::ABS32,
            (Isa::X86, _) => &fixup::x86::ABS64,
            (Isa::A64, 4) => &fixup::aarch64::ABS32,
            (Isa::A64, _) => &fixup::aarch64::ABS64,
        }
    }

    fn floats<S: Output + ?Sized>(&mut self, out: &mut S, size: usize) -> EResult<()> {
        loop {
            if let (true, Some(id)) = (self.exprs, self.ident().and_then(expr_id)) {
                let span = self.tok.span;
                self.bump()?;
                out.dynamic(crate::dynamic::Item::Data {
                    size: size as u8,
                    signed: true,
                    float: true,
                    value: crate::dynamic::Value {
                        k: 0,
                        expr: Some((id, 1)),
                    },
                })
                .map_err(|k| (k, span))?;
                if !self.eat_punct(b',')? {
                    return Ok(());
                }
                continue;
            }
            let neg = self.eat_punct(b'-')?;
            let v = match self.tok.tok {
                Tok::Float(f) => f,
                Tok::Int(i) => i as f64,
                Tok::Ident(s) if s.eq_ignore_ascii_case("inf") => f64::INFINITY,
                Tok::Ident(s) if s.eq_ignore_ascii_case("nan") => f64::NAN,
                _ => return Err(self.expected("a floating-point number")),
            };
            self.bump()?;
            let v = if neg { -v } else { v };
            if size == 4 {
                out.extend_from_slice(&(v as f32).to_le_bytes());
            } else {
                out.extend_from_slice(&v.to_le_bytes());
            }
            if !self.eat_punct(b',')? {
                return Ok(());
            }
        }
    }

    fn strings<S: Output + ?Sized>(&mut self, out: &mut S, nul: bool) -> EResult<()> {
        loop {
            let Tok::Str(s) = self.tok.tok else {
                return Err(self.expected("a string"));
            };
            decode_string(s, self.tok.span, |b| out.push(b))?;
            if nul {
                out.push(0);
            }
            self.bump()?;
            if !self.eat_punct(b',')? {
                return Ok(());
            }
        }
    }

    /// Pads to `alignment`: with `fill`, or in code with the manuals'
    /// NOPs (x86 multi-byte NOPs; AArch64 zeros to the next word, then
    /// `nop` words).
    fn align<S: Output + ?Sized>(&mut self, out: &mut S, alignment: usize, fill: Option<u8>) {
        match (fill, self.isa) {
            (Some(b), _) => {
                // The alignment was checked to be a power of two.
                let _ = out.align(alignment, b);
            }
            (None, Isa::X86) => jitasm_x64::dynamic::align(out, alignment),
            (None, Isa::A64) => crate::a64::align(out, alignment),
        }
    }
}

/// The number of a placeholder `$n` for a Rust expression.
pub(crate) fn expr_id(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('$')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `lhs op rhs` for a binary operator read by [`Parser::binary`].
fn combine<'a>(lhs: Lin<'a, Reg>, op: u8, rhs: Lin<'a, Reg>) -> EResult<Lin<'a, Reg>> {
    match op {
        b'+' => lhs.add(rhs, 1),
        b'-' => lhs.add(rhs, -1),
        b'*' => lhs.mul(rhs),
        _ => lhs.binary(op, rhs),
    }
}

/// A prefix operator read by [`Parser::unary`] (`(` for parentheses, `=`
/// for `=>`, `e` for `extern`) applied to its operand.
fn prefix<'a>(op: u8, v: Lin<'a, Reg>, span: Span) -> EResult<Lin<'a, Reg>> {
    let span = span.to(v.span);
    if matches!(op, b'=' | b'e') && v.is_dynamic() {
        // `=>$0`, `extern $0`: the label or address is the Rust value.
        let id = v.sole_expr().ok_or((
            ErrorKind::BadExpression("`=>` and `extern` take one Rust expression"),
            span,
        ))?;
        let target = if op == b'=' {
            LabelTarget::Dynamic(DynamicLabel::from_index(id))
        } else {
            LabelTarget::Extern(id as u64)
        };
        return Ok(Lin {
            label_ext: true,
            ..Lin::label(target, span)
        });
    }
    match op {
        b'(' => Ok(Lin { span, ..v }),
        b'-' => v.scale(-1, span),
        b'+' => Ok(v),
        b'=' => {
            let id = v.as_const().and_then(|k| u32::try_from(k).ok()).ok_or((
                ErrorKind::BadExpression("a dynamic label is `=>` and its number"),
                span,
            ))?;
            Ok(Lin::label(
                LabelTarget::Dynamic(DynamicLabel::from_index(id)),
                span,
            ))
        }
        b'e' => {
            let addr = v
                .as_const()
                .ok_or((ErrorKind::BadExpression("`extern` takes an address"), span))?;
            let addr = to_i64(addr, span)? as u64;
            Ok(Lin::label(LabelTarget::Extern(addr), span))
        }
        _ => {
            let k = v.as_const().ok_or((
                ErrorKind::BadExpression("`~` and `!` take numbers only"),
                span,
            ))?;
            Ok(Lin::constant(
                if op == b'~' { !k } else { (k == 0) as i128 },
                span,
            ))
        }
    }
}

pub(crate) fn out_of_range(
    what: &'static str,
    value: i128,
    min: i128,
    max: i128,
    span: Span,
) -> (ErrorKind, Span) {
    (
        ErrorKind::OutOfRange {
            what,
            value,
            min,
            max,
        },
        span,
    )
}

/// Decodes a string literal's escapes, byte by byte.
fn decode_string(s: &str, span: Span, mut f: impl FnMut(u8)) -> EResult<()> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let (v, used) = crate::lex::unescape(&s[i + 1..]).map_err(|_| {
                let at = span.start as usize + 1 + i;
                (ErrorKind::BadEscape, Span::new(at, at + 2))
            })?;
            if v > 0xff {
                let at = span.start as usize + 1 + i;
                return Err((ErrorKind::BadEscape, Span::new(at, at + 1 + used)));
            }
            f(v as u8);
            i += 1 + used;
        } else {
            f(b[i]);
            i += 1;
        }
    }
    Ok(())
}
