//! The code a `dynasm!` invocation expands to.
//!
//! [`Collector`] is the output the grammar emits into while the macro
//! expands: bytes encoded at compile time accumulate and become one
//! `extend_from_slice` of a constant array (with the fixups of the labels they
//! reference); label definitions and statements with Rust values become calls
//! in their place. Every call goes through the path of the run-time support
//! the invoking crate passed (`$crate::…`), so the expansion works from
//! `jitasm` and `jitasm-dynasmrt` alike.

#[path = "emit_a64.rs"]
mod emit_a64;
#[path = "emit_template.rs"]
mod emit_template;

use crate::text::{Fail, Leaf, Text};
use jitasm_core::{Arch, DynamicLabel, Error, FixupKind, LabelApi, LabelRef, LabelTarget};
use jitasm_syntax::dynamic::{DynInstruction, DynLabel, ExprId, Item, Output, Parts, Value};
use jitasm_syntax::{ErrorKind, Options};
use jitasm_x64::{DispSize, Mem, Operand, Reg, RegClass};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use std::cell::Cell;
use std::collections::HashMap;

/// Expands an invocation whose text is `text`, emitting into `ops`.
pub fn generate(
    path: &TokenStream,
    dynasmrt: bool,
    ops: &TokenStream,
    text: &Text,
) -> Result<TokenStream, Fail> {
    // The run-time support under one short name, and the trait that gives
    // the output, for the whole invocation: the paths in every statement
    // stay short (the compiler parses and resolves each of them).
    let mut c = Collector {
        p: quote!(__jitasm),
        ops: ops.clone(),
        uses_labels: Cell::new(false),
        leaves: &text.leaves,
        pieces: Vec::new(),
        segment: 0,
        defined: HashMap::new(),
        pending: Vec::new(),
        bytes: Vec::new(),
        offset: 0,
        chunk_start: 0,
        fixups: Vec::new(),
        error: None,
        arch: text.arch(),
    };
    let options = Options::new(text.arch());
    let result = jitasm_syntax::dynamic::parse_macro(&mut c, &text.src, &options);
    if let Err(e) = result {
        let span = text.span_at(e.span.start as usize);
        return Err((e.kind.to_string(), span));
    }
    if let Some(e) = c.error.take() {
        return Err(e);
    }
    c.flush();
    let code = c.render();
    // With dynasmrt's API, the expansion uses its traits as dynasm-rs's
    // does, so a program importing them gets no unused-import warning (and
    // one that does not import them gets the same error).
    let api = if dynasmrt && !code.is_empty() {
        let mut uses = quote!((#ops).__dynasm_api(););
        if c.uses_labels.get() {
            uses.extend(quote!((#ops).__dynasm_label_api();));
        }
        uses
    } else {
        TokenStream::new()
    };
    if code.is_empty() {
        return Ok(quote!({ #api }));
    }
    Ok(quote!({
        #api
        #[allow(unused_imports)]
        use #path as __jitasm;
        #[allow(unused_imports)]
        use __jitasm::core::generated_code::EmitTarget as _;
        #code
    }))
}

/// The output the grammar emits into while the macro expands.
struct Collector<'t> {
    /// Path of the run-time support (`$crate::__private`).
    p: TokenStream,
    /// The assembler expression.
    ops: TokenStream,
    /// Whether a label is defined or referenced.
    uses_labels: Cell<bool>,
    leaves: &'t [Leaf],
    /// The statements generated so far.
    pieces: Vec<Piece>,
    /// Bytes not yet in a piece, and their fixups (offsets from the chunk).
    bytes: Vec<u8>,
    /// The static offset: bytes emitted since the invocation began, not
    /// counting statements whose size is known only at run time.
    offset: usize,
    chunk_start: usize,
    fixups: Vec<Fix>,
    /// Counts the statements of run-time size: two static offsets with the
    /// same segment are a known distance apart.
    segment: u32,
    /// Labels defined in this invocation: (global, name) → (segment, offset)
    /// of the latest definition.
    defined: HashMap<(bool, String), (u32, usize)>,
    /// Forward references to local labels and references to global labels
    /// not yet defined here, which a definition in the same segment resolves.
    pending: Vec<Pending>,
    error: Option<Fail>,
    /// The architecture of the invocation (x64, or AArch64 after `.arch`).
    arch: Arch,
}

/// A run of static bytes, or other generated statements.
enum Piece {
    Code(TokenStream),
    Chunk { bytes: Vec<u8>, fixups: Vec<Fix> },
    Word(Word),
}

/// An AArch64 instruction whose word is a template of its register numbers
/// (`emit_a64`): written with the static words and the other such
/// instructions around it in one write when every number fits
/// ([`Collector::render_words`]).
pub(super) struct Word {
    /// The bindings of its Rust values.
    pub(super) lets: TokenStream,
    /// A `bool`: the numbers are those of the template.
    pub(super) cond: TokenStream,
    /// The word (a `u32`), when `cond` holds.
    pub(super) word: TokenStream,
    /// Emits the instruction (or records its error) into `__ops`
    /// otherwise.
    pub(super) slow: TokenStream,
    /// Whether evaluating its Rust values before the writes of the
    /// statements before it changes nothing ([`plain`]).
    pub(super) plain: bool,
    /// Whether the template takes every number a register of the operand
    /// may have (otherwise a valid number, `sp` for `mov XSP(n), …`, takes
    /// the general path, and the instruction is written alone so that its
    /// neighbours keep the one write).
    pub(super) complete: bool,
}

/// Whether `expr` is made of names, literals, field accesses, indexing,
/// casts and operators only: no call, method call or macro, so evaluating
/// it earlier than written cannot observe or change anything.
pub(super) fn plain(expr: &TokenStream) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    let mut prev: Option<TokenTree> = None;
    for t in expr.clone() {
        match &t {
            TokenTree::Group(g) => {
                let callee = matches!(&prev, Some(TokenTree::Ident(_) | TokenTree::Group(_)))
                    || matches!(&prev, Some(TokenTree::Punct(p)) if p.as_char() == '>');
                if g.delimiter() == Delimiter::Parenthesis && callee
                    || g.delimiter() == Delimiter::Brace
                    || !plain(&g.stream())
                {
                    return false;
                }
            }
            TokenTree::Punct(p)
                if p.as_char() == '!' && matches!(prev, Some(TokenTree::Ident(_))) =>
            {
                return false
            }
            TokenTree::Ident(i) if i == "await" || i == "unsafe" => return false,
            _ => {}
        }
        prev = Some(t);
    }
    true
}

/// A label reference in static bytes.
struct Fix {
    /// Bindings the label expression uses, evaluated before the output is
    /// borrowed (a target given as a Rust value).
    lets: TokenStream,
    /// The `LabelRef` expression.
    label: TokenStream,
    /// The kind.
    kind: KindRef,
    /// Field and PC, from the start of the chunk.
    at: usize,
    pc: usize,
    /// The static offset of the chunk's start.
    origin: usize,
    /// Added to the label's address.
    addend: i64,
    /// Patched while expanding: no run-time fixup.
    resolved: bool,
}

/// A reference that a later definition in the same segment resolves.
struct Pending {
    key: (bool, String),
    segment: u32,
    /// The chunk holding it, once gathered (`None`: the current one).
    piece: Option<usize>,
    /// Its index among the chunk's fixups.
    fix: usize,
}

/// The fixup kinds the macro emits, by architecture: the module of
/// `jitasm_core::fixup` and its `ALL`.
const KIND_SETS: [(&str, &[&FixupKind]); 2] = [
    ("x86", jitasm_core::fixup::x86::ALL),
    ("aarch64", jitasm_core::fixup::aarch64::ALL),
];

/// A fixup kind as the generated code names it: `fixup::<set>::ALL[index]`.
#[derive(Clone, Copy)]
struct KindRef {
    set: usize,
    index: usize,
}

impl KindRef {
    fn kind(self) -> &'static FixupKind {
        KIND_SETS[self.set].1[self.index]
    }

    fn tokens(self, p: &TokenStream) -> TokenStream {
        let set = format_ident!("{}", KIND_SETS[self.set].0);
        let k = self.index;
        quote!(#p::core::fixup::#set::ALL[#k])
    }
}

/// Whether an instruction's one Rust value is its label target (its bytes
/// are then known while expanding).
fn only_a_label_target(parts: &[Parts]) -> bool {
    let values = parts
        .iter()
        .any(|x| x.reg.is_some() || x.index.is_some() || x.value.is_some());
    !values && parts.iter().filter(|x| x.label_expr).count() == 1
}

/// Where `kind` is among the kinds the generated code can name.
fn kind_index(kind: &FixupKind) -> Option<KindRef> {
    KIND_SETS.iter().enumerate().find_map(|(set, (_, all))| {
        let index = all.iter().position(|k| k.name == kind.name)?;
        Some(KindRef { set, index })
    })
}

fn lit_i64(v: i64) -> Literal {
    Literal::i64_suffixed(v)
}

impl Collector<'_> {
    /// Ends the run of static bytes gathered since the last call.
    fn flush(&mut self) {
        if self.bytes.is_empty() && self.fixups.is_empty() {
            return;
        }
        let index = self.pieces.len();
        for pending in &mut self.pending {
            if pending.piece.is_none() {
                pending.piece = Some(index);
            }
        }
        self.pieces.push(Piece::Chunk {
            bytes: std::mem::take(&mut self.bytes),
            fixups: std::mem::take(&mut self.fixups),
        });
        self.chunk_start = self.offset;
    }

    /// The generated statements.
    fn render(&self) -> TokenStream {
        let p = &self.p;
        let mut code = TokenStream::new();
        let mut i = 0;
        while i < self.pieces.len() {
            let run = self.word_run(i);
            if run > 0 {
                code.extend(self.render_words(&self.pieces[i..i + run]));
                i += run;
                continue;
            }
            let piece = &self.pieces[i];
            i += 1;
            let (bytes, fixups) = match piece {
                Piece::Code(t) => {
                    code.extend(t.clone());
                    continue;
                }
                Piece::Word(_) => {
                    code.extend(self.render_words(std::slice::from_ref(piece)));
                    continue;
                }
                Piece::Chunk { bytes, fixups } => (bytes, fixups),
            };
            let out = self.output();
            let bytes = Literal::byte_string(bytes);
            let live: Vec<&Fix> = fixups.iter().filter(|f| !f.resolved).collect();
            let fixups = live.iter().map(|f| {
                let (label, k, at, pc) = (&f.label, f.kind.tokens(p), f.at, f.pc);
                quote! {
                    #p::core::CodeSink::fixup(__ops, #label, #k, __s + #at, __s + #pc);
                }
            });
            if live.is_empty() {
                code.extend(quote!(#p::core::ByteSink::extend_from_slice(#out, #bytes);));
                continue;
            }
            let lets = live.iter().map(|f| &f.lets);
            let allow = allow();
            code.extend(quote! {
                #allow
                {
                    #(#lets)*
                    let __ops = #out;
                    let __s = #p::core::ByteSink::offset(__ops);
                    #p::core::ByteSink::extend_from_slice(__ops, #bytes);
                    #(#fixups)*
                }
            });
        }
        code
    }

    /// How many pieces from `i` on make one write: template words
    /// ([`Piece::Word`] taking every number; after the first, only those
    /// whose values may be evaluated early) and static words without a
    /// label reference left, two pieces at least, ending with a template
    /// word; 0 for none.
    fn word_run(&self, i: usize) -> usize {
        let mut words = 0;
        let mut j = i;
        while let Some(piece) = self.pieces.get(j) {
            match piece {
                Piece::Word(w) if w.complete && (j == i || w.plain) => words += 1,
                Piece::Chunk { bytes, fixups }
                    if bytes.len() % 4 == 0 && fixups.iter().all(|f| f.resolved) => {}
                _ => break,
            }
            j += 1;
        }
        // Static words after the last template word are written alone.
        while j > i && matches!(self.pieces[j - 1], Piece::Chunk { .. }) {
            j -= 1;
        }
        if words > 0 && j - i >= 2 {
            j - i
        } else {
            0
        }
    }

    /// `run` (template words and static words, [`Collector::word_run`]):
    /// the Rust values evaluated in order, then, when every number fits its
    /// template, every word in one write; otherwise piece by piece, each
    /// instruction whose numbers do not fit through the general path.
    fn render_words(&self, run: &[Piece]) -> TokenStream {
        let p = &self.p;
        let out = self.output();
        let mut lets = Vec::new();
        let mut conds = Vec::new();
        let mut all = Vec::new();
        let mut apart = Vec::new();
        for piece in run {
            match piece {
                Piece::Word(w) => {
                    let name = format_ident!("__w{}", lets.len());
                    let (l, word, cond, slow) = (&w.lets, &w.word, &w.cond, &w.slow);
                    lets.push(quote!(#l let #name: u32 = #word;));
                    conds.push(cond.clone());
                    all.push(quote!(#name));
                    apart.push(quote! {
                        if #cond {
                            #p::core::ByteSink::extend_from_slice(__ops, &#name.to_le_bytes());
                        } else {
                            #slow
                        }
                    });
                }
                Piece::Chunk { bytes, .. } => {
                    all.extend(bytes.chunks(4).map(|c| {
                        let w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                        let w = Literal::u32_suffixed(w);
                        quote!(#w)
                    }));
                    let b = Literal::byte_string(bytes);
                    apart.push(quote!(#p::core::ByteSink::extend_from_slice(__ops, #b);));
                }
                Piece::Code(_) => {}
            }
        }
        let allow = allow();
        let (n, b) = (all.len(), 4 * all.len());
        if let [apart] = &apart[..] {
            return quote! {
                #allow
                {
                    #(#lets)*
                    let __ops = #out;
                    #apart
                }
            };
        }
        quote! {
            #allow
            {
                #(#lets)*
                let __ops = #out;
                if #(#conds)&* {
                    #p::core::ByteSink::extend_from_slice(__ops, &#p::a64::dynamic::words::<#n, #b>([#(#all),*]));
                } else {
                    #(#apart)*
                }
            }
        }
    }

    /// Patches a reference whose label is defined in the same segment, at
    /// static offset `target`, when its field is relative (an absolute one
    /// needs the run-time address). `chunk` is `None` for the chunk being
    /// gathered.
    fn resolve(&mut self, chunk: Option<usize>, fix: usize, target: usize, label: &(bool, String)) {
        let (bytes, fixups) = match chunk {
            None => (&mut self.bytes, &mut self.fixups),
            Some(i) => match &mut self.pieces[i] {
                Piece::Chunk { bytes, fixups } => (bytes, fixups),
                Piece::Code(_) | Piece::Word(_) => return,
            },
        };
        let f = &mut fixups[fix];
        let kind = f.kind.kind();
        if kind.value != jitasm_core::fixup::Value::Relative || f.resolved {
            return;
        }
        // Static offsets of one segment are a known distance apart, so they
        // serve as addresses for a relative field.
        let target = (target as u64).wrapping_add(f.addend as u64);
        let pc = (f.origin + f.pc) as u64;
        let unit = &mut bytes[f.at..f.at + kind.unit as usize];
        match kind.apply(unit, target, pc) {
            Ok(()) => f.resolved = true,
            Err(e) => {
                let (sigil, name) = (if label.0 { "->" } else { "" }, &label.1);
                self.record(format!("label {sigil}{name} is out of reach: {e}"))
            }
        }
    }

    /// The output as a method receiver sees it (`ops` may be an assembler,
    /// a `&mut` to one, a field; the invocation imports `EmitTarget`).
    fn output(&self) -> TokenStream {
        let ops = &self.ops;
        quote!((#ops).__jitasm_output())
    }

    fn leaf(&self, id: ExprId) -> TokenStream {
        self.leaves
            .get(id as usize)
            .map_or_else(TokenStream::new, |l| l.tokens.clone())
    }

    /// A label reference with a constant target and addend.
    fn label_tokens(&self, l: &LabelRef<'_>) -> Result<TokenStream, ErrorKind> {
        self.uses_labels.set(true);
        let target = self.target_tokens(&l.target, None)?;
        let p = &self.p;
        let addend = lit_i64(l.addend);
        Ok(quote!(#p::core::LabelRef { target: #target, addend: #addend }))
    }

    /// A label target; with `expr`, the `Dynamic`/`Extern` payload is that
    /// binding.
    fn target_tokens(
        &self,
        t: &LabelTarget<'_>,
        expr: Option<&Ident>,
    ) -> Result<TokenStream, ErrorKind> {
        let p = &self.p;
        Ok(match (t, expr) {
            (LabelTarget::Global(n), _) => quote!(#p::core::LabelTarget::Global(#n)),
            (LabelTarget::Local { name, forward }, _) => {
                quote!(#p::core::LabelTarget::Local { name: #name, forward: #forward })
            }
            (LabelTarget::Dynamic(_), Some(e)) => quote!(#p::core::LabelTarget::Dynamic(#e)),
            (LabelTarget::Extern(_), Some(e)) => quote!(#p::core::LabelTarget::Extern(#e)),
            (LabelTarget::Extern(a), None) => {
                let a = Literal::u64_suffixed(*a);
                quote!(#p::core::LabelTarget::Extern(#a))
            }
            _ => {
                return Err(ErrorKind::BadOperand(
                    "this label cannot be referenced from `dynasm!`",
                ))
            }
        })
    }
}

impl jitasm_core::ByteSink for Collector<'_> {
    fn push(&mut self, byte: u8) {
        self.bytes.push(byte);
        self.offset += 1;
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.offset += bytes.len();
    }
    fn offset(&self) -> usize {
        self.offset
    }
}

impl jitasm_core::CodeSink for Collector<'_> {
    fn fixup(&mut self, label: LabelRef<'_>, kind: &'static FixupKind, at: usize, pc: usize) {
        let tokens = self.label_tokens(&label);
        match (tokens, kind_index(kind)) {
            (Ok(t), Some(k)) => {
                self.fixups.push(Fix {
                    lets: TokenStream::new(),
                    label: t,
                    kind: k,
                    at: at - self.chunk_start,
                    pc: pc - self.chunk_start,
                    origin: self.chunk_start,
                    addend: label.addend,
                    resolved: false,
                });
            }
            (Err(e), _) => return self.record(e.to_string()),
            (_, None) => return self.record(format!("no such fixup kind: {}", kind.name)),
        }
        // A label of this invocation: resolved here when its definition is
        // in the same segment (known distance), else by the output.
        let (global, name, forward) = match label.target {
            LabelTarget::Global(n) => (true, n, false),
            LabelTarget::Local { name, forward } => (false, name, forward),
            _ => return,
        };
        let fix = self.fixups.len() - 1;
        let key = (global, name.to_string());
        if !forward {
            // `<name` and `->name`: the definition seen last, if any.
            if let Some(&(segment, def)) = self.defined.get(&key) {
                if segment == self.segment {
                    self.resolve(None, fix, def, &key);
                }
                return;
            }
            // `<name` defined before this invocation: the output knows it.
            if !global {
                return;
            }
        }
        self.pending.push(Pending {
            key,
            segment: self.segment,
            piece: None,
            fix,
        });
    }
    fn record_error(&mut self, error: Error) {
        self.record(error.to_string());
    }
}

impl Collector<'_> {
    fn record(&mut self, msg: String) {
        if self.error.is_none() {
            self.error = Some((msg, Span::call_site()));
        }
    }

    fn define(&mut self, which: &str, name: &str) {
        self.uses_labels.set(true);
        self.flush();
        let key = (which == "define_global", name.to_string());
        // References waiting for this definition: resolved when in this
        // segment; either way, later definitions do not bind them.
        let (here, rest): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| p.key == key);
        self.pending = rest;
        for p in here {
            if p.segment == self.segment {
                self.resolve(p.piece, p.fix, self.offset, &p.key);
            }
        }
        self.defined.insert(key, (self.segment, self.offset));
        let p = &self.p;
        let out = self.output();
        let f = format_ident!("{}", which);
        self.pieces.push(Piece::Code(quote! {
            #p::core::generated_code::#f(#out, #name);
        }));
    }
}

impl LabelApi for Collector<'_> {
    fn define_global(&mut self, name: &str) -> Result<(), Error> {
        self.define("define_global", name);
        Ok(())
    }
    fn define_local(&mut self, name: &str) -> Result<(), Error> {
        self.define("define_local", name);
        Ok(())
    }
    fn define_dynamic(&mut self, _: DynamicLabel) -> Result<(), Error> {
        Err(Error::Unsupported {
            what: "a dynamic label numbered in the text",
        })
    }
    fn new_dynamic_label(&mut self) -> DynamicLabel {
        DynamicLabel::from_index(0)
    }
    fn address_of(&self, _: usize) -> Option<u64> {
        None
    }
}

/// Rust bindings for the expressions of one statement, each evaluated once
/// before the assembler is borrowed, and the checked values built from them.
#[derive(Default)]
struct Bindings {
    lets: TokenStream,
    names: HashMap<ExprId, Ident>,
    /// Each binding's name and type, in order (the parameters of an
    /// outlined statement, [`Bindings::finish_outlined`]).
    params: Vec<(Ident, TokenStream)>,
    /// The values the statement's operands take, in order.
    checks: Vec<Input>,
}

/// One value a statement's operands take.
struct Input {
    name: Ident,
    /// Its expression.
    expr: TokenStream,
    /// Whether `expr` gives an `Option` (`None` when the value does not
    /// fit: the error is recorded) or the value itself.
    checked: bool,
    /// For a register from Rust: the binding of its number (`u8`), and
    /// its class.
    reg: Option<(Ident, RegClass)>,
    /// For a value: the least and greatest its Rust type holds.
    range: Option<(i64, i64)>,
}

impl Bindings {
    /// Binds expression `id` (once) with the conversion `conv`, whose
    /// result has type `ty` (an `impl Trait` for a value of any type the
    /// trait takes).
    fn bind(
        &mut self,
        c: &Collector<'_>,
        id: ExprId,
        ty: TokenStream,
        conv: impl FnOnce(TokenStream) -> TokenStream,
    ) -> Ident {
        if let Some(n) = self.names.get(&id) {
            return n.clone();
        }
        let name = format_ident!("__e{}", id);
        let value = conv(c.leaf(id));
        self.lets.extend(quote!(let #name = #value;));
        self.names.insert(id, name.clone());
        self.params.push((name.clone(), ty));
        name
    }

    /// A value checked at run time: `Some` when it fits.
    fn check(&mut self, expr: TokenStream) -> Ident {
        self.checked(expr, true, None)
    }

    /// A value that `expr` gives (`checked`: as an `Option`, `None` when
    /// it does not fit), a register if `reg`.
    fn checked(
        &mut self,
        expr: TokenStream,
        checked: bool,
        reg: Option<(Ident, RegClass)>,
    ) -> Ident {
        let name = format_ident!("__o{}", self.checks.len());
        self.checks.push(Input {
            name: name.clone(),
            expr,
            checked,
            reg,
            range: None,
        });
        name
    }

    /// `k + coef·expr` as a checked 64-bit value (`None` when out of range);
    /// `expr` has type `ty`, signed, of `size` bytes if known.
    fn value(
        &mut self,
        c: &Collector<'_>,
        value: Option<(ExprId, i128)>,
        k: i64,
        ty: TokenStream,
        size: Option<u8>,
    ) -> TokenStream {
        let p = &c.p;
        match value {
            None => {
                let k = lit_i64(k);
                quote!(#k)
            }
            Some((id, coef)) => {
                let e = self.bind(
                    c,
                    id,
                    ty.clone(),
                    |leaf| quote!({ let __v: #ty = #leaf; __v }),
                );
                // Every type a value has here (`i8`…`i64`, `isize`) fits
                // an `i64`: only arithmetic on it needs a check.
                if (coef, k) == (1, 0) {
                    let o = self.checked(quote!(#e as i64), false, None);
                    if let (Some(size), Some(last)) = (size, self.checks.last_mut()) {
                        last.range = Some(signed_range(size));
                    }
                    return quote!(#o);
                }
                let coef = Literal::i128_suffixed(coef);
                let k = Literal::i128_suffixed(k as i128);
                let o = self.check(quote!(#p::x64::dynamic::value(__ops, #e as i128, #coef, #k)));
                quote!(#o)
            }
        }
    }

    fn reg(&mut self, c: &Collector<'_>, r: Reg, dynamic: Option<ExprId>) -> TokenStream {
        let p = &c.p;
        let class = format_ident!("{}", format!("{:?}", r.class()));
        match dynamic {
            None => {
                let n = r.num();
                quote!({ const R: #p::x64::Reg = #p::x64::dynamic::known_reg(#p::x64::RegClass::#class, #n); R })
            }
            Some(id) => {
                let e = self.bind(
                    c,
                    id,
                    quote!(u8),
                    |leaf| quote!(::core::convert::Into::<u8>::into(#leaf)),
                );
                let o = self.checked(
                    quote!(#p::x64::dynamic::reg(__ops, #p::x64::RegClass::#class, #e)),
                    true,
                    Some((e, r.class())),
                );
                quote!(#o)
            }
        }
    }

    /// A label whose target or addend may come from Rust.
    fn label(
        &mut self,
        c: &Collector<'_>,
        l: &LabelRef<'_>,
        target_expr: bool,
        addend: Option<(ExprId, i128)>,
    ) -> Result<TokenStream, ErrorKind> {
        c.uses_labels.set(true);
        let p = &c.p;
        let e = if target_expr {
            let id = match l.target {
                LabelTarget::Dynamic(d) => d.index(),
                LabelTarget::Extern(a) => a as u32,
                _ => {
                    return Err(ErrorKind::BadOperand(
                        "a label target from Rust must be `=>` or `extern`",
                    ))
                }
            };
            Some(match l.target {
                LabelTarget::Dynamic(_) => self.bind(
                    c,
                    id,
                    quote!(#p::core::DynamicLabel),
                    |leaf| quote!({ let __l: #p::core::DynamicLabel = #leaf; __l }),
                ),
                _ => self.bind(
                    c,
                    id,
                    quote!(u64),
                    |leaf| quote!(#p::x64::dynamic::Address::address(#leaf)),
                ),
            })
        } else {
            None
        };
        let target = c.target_tokens(&l.target, e.as_ref())?;
        let addend = self.value(c, addend, l.addend, quote!(isize), None);
        Ok(quote!(#p::core::LabelRef { target: #target, addend: #addend }))
    }

    /// The statement: bindings, then `body` once every check passed.
    fn finish(self, c: &Collector<'_>, body: TokenStream) -> TokenStream {
        let lets = self.lets;
        let out = c.output();
        let guarded = guard(self.checks, body);
        let allow = allow();
        quote! {
            #allow
            {
                #lets
                let __ops = #out;
                #guarded
            }
        }
    }
}

impl Bindings {
    /// As [`Bindings::finish`], with the checks and `body` in a function of
    /// their own that takes the bindings as arguments: LLVM optimizes each
    /// instruction's code apart (within one huge function its passes grow
    /// faster than the function, and a block of dynamic instructions in a
    /// loop took minutes to build), and the code stays one call wherever
    /// the statement is.
    fn finish_outlined(self, c: &Collector<'_>, body: TokenStream) -> TokenStream {
        let out = c.output();
        self.finish_outlined_to(c, out, body)
    }

    /// [`Bindings::finish_outlined`] writing to `out`.
    fn finish_outlined_to(
        self,
        c: &Collector<'_>,
        out: TokenStream,
        body: TokenStream,
    ) -> TokenStream {
        let p = &c.p;
        let lets = self.lets;
        let guarded = guard(self.checks, body);
        let (names, tys): (Vec<_>, Vec<_>) = self.params.into_iter().unzip();
        let allow = allow();
        quote! {
            #allow
            {
                #lets
                #[inline(never)]
                #[allow(clippy::too_many_arguments, unused_variables)]
                fn __emit<__S: #p::core::CodeSink + ?::core::marker::Sized>(
                    __ops: &mut __S,
                    #(#names: #tys,)*
                ) {
                    #guarded
                }
                __emit(#out, #(#names,)*);
            }
        }
    }
}

impl Bindings {
    /// The statement as a [`Word`]: `word` (a `u32`) when `cond` (a `bool`
    /// over the bindings) holds, the outlined `body` otherwise; `plain`
    /// and `complete` as [`Word`] has them.
    fn finish_word(
        mut self,
        c: &Collector<'_>,
        cond: TokenStream,
        word: TokenStream,
        body: TokenStream,
        plain: bool,
        complete: bool,
    ) -> Word {
        let lets = core::mem::take(&mut self.lets);
        let slow = self.finish_outlined_to(c, quote!(__ops), body);
        Word {
            lets,
            cond,
            word,
            slow,
            plain,
            complete,
        }
    }
}

/// The attribute of a statement with Rust values: lints about the shape of
/// the user's expressions (or a typed reference's offset arithmetic) and
/// of the arithmetic written around them are not the user's to fix.
fn allow() -> TokenStream {
    quote!(#[allow(
        clippy::unnecessary_cast,
        clippy::identity_op,
        clippy::manual_range_contains,
        clippy::precedence,
        unused_parens
    )])
}

/// `body` with every value bound to its name, run once every check gives
/// `Some`.
fn guard(checks: Vec<Input>, body: TokenStream) -> TokenStream {
    let (mut pats, mut exprs, mut plain) = (Vec::new(), Vec::new(), TokenStream::new());
    for Input {
        name,
        expr,
        checked,
        ..
    } in checks
    {
        if checked {
            pats.push(name);
            exprs.push(expr);
        } else {
            plain.extend(quote!(let #name = #expr;));
        }
    }
    if pats.is_empty() {
        return quote!(#plain #body);
    }
    quote! {
        #plain
        if let (#(::core::option::Option::Some(#pats),)*) = (#(#exprs,)*) {
            #body
        }
    }
}

/// The least and greatest of `int_type(size, true)`.
fn signed_range(size: u8) -> (i64, i64) {
    match size {
        1 => (i8::MIN.into(), i8::MAX.into()),
        2 => (i16::MIN.into(), i16::MAX.into()),
        4 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

fn int_type(size: u8, signed: bool) -> TokenStream {
    match (size, signed) {
        (1, true) => quote!(i8),
        (1, false) => quote!(u8),
        (2, true) => quote!(i16),
        (2, false) => quote!(u16),
        (4, true) => quote!(i32),
        (4, false) => quote!(u32),
        (_, true) => quote!(i64),
        (_, false) => quote!(u64),
    }
}

/// An operand's tokens for the general matcher, built on demand from the
/// path of the run-time support (see [`Collector::operand`]).
type OperandCode = Box<dyn FnOnce(&TokenStream) -> TokenStream>;

impl Collector<'_> {
    fn instruction(&self, d: &DynInstruction<'_, '_>) -> Result<TokenStream, ErrorKind> {
        let p = &self.p;
        let mut b = Bindings::default();
        // Each operand's values are bound now (in operand order); its
        // tokens are built only if the statement has no template.
        let mut ops = Vec::new();
        for (op, parts) in d.operands.iter().zip(d.parts) {
            ops.push(self.operand(&mut b, op, parts)?);
        }
        let mode = format_ident!("{}", format!("{:?}", d.mode));
        let mnemonic = d.mnemonic.index();
        let forms = &d.forms;
        let dec = &d.decorations;
        let mask = dec.mask.map(|k| b.reg(self, k, None));
        let call = |f: TokenStream| {
            let ops = ops.into_iter().map(|op| op(p));
            let mask = match mask {
                Some(r) => quote!(::core::option::Option::Some(#r)),
                None => quote!(::core::option::Option::None),
            };
            let zeroing = dec.zeroing;
            let sae = dec.sae;
            let rounding = match dec.rounding {
                Some(r) => {
                    let r = format_ident!("{}", format!("{:?}", r));
                    quote!(::core::option::Option::Some(#p::x64::Rounding::#r))
                }
                None => quote!(::core::option::Option::None),
            };
            let prefixes = d.prefixes.0;
            quote! {
                #p::x64::dynamic::#f(
                    __ops,
                    #p::x64::Mode::#mode,
                    #mnemonic,
                    &[#(#forms),*],
                    [#(#ops),*],
                    #p::x64::Decorations { mask: #mask, zeroing: #zeroing, rounding: #rounding, sae: #sae },
                    #p::x64::Prefixes(#prefixes),
                );
            }
        };
        // Straight-line code where the statement has a template; the
        // checked values are its holes, in the order they were checked.
        let template = d
            .holes()
            .filter(|h| h.len() == b.checks.len())
            .and_then(|h| emit_template::template_of(d, &h));
        Ok(match template {
            Some(t) => {
                let (inputs, checks) = emit_template::inputs(std::mem::take(&mut b.checks));
                b.checks = checks;
                let body = self.template_code(&t, &inputs);
                b.finish(self, body)
            }
            None => b.finish_outlined(self, call(quote!(emit))),
        })
    }

    /// Binds the operand's Rust values; the result builds its tokens (the
    /// general matcher's operand), given the path of the run-time support.
    fn operand(
        &self,
        b: &mut Bindings,
        op: &Operand<'_>,
        parts: &Parts,
    ) -> Result<OperandCode, ErrorKind> {
        Ok(match op {
            Operand::Reg(r) => {
                let r = b.reg(self, *r, parts.reg);
                Box::new(move |p| quote!(#p::x64::Operand::Reg(#r)))
            }
            Operand::Imm(imm) => {
                let ty = int_type(parts.imm_size.max(1), true);
                let size = parts.imm_size.max(1);
                let v = b.value(self, parts.value, imm.value, ty, Some(size));
                let size = imm.size;
                Box::new(
                    move |p| quote!(#p::x64::Operand::Imm(#p::x64::Imm { value: #v, size: #size })),
                )
            }
            Operand::Label(l, hint) => {
                let l = b.label(self, l, parts.label_expr, parts.value)?;
                let hint = *hint;
                Box::new(move |p| quote!(#p::x64::Operand::Label(#l, #hint)))
            }
            Operand::Far(sel, off) => {
                let (sel, off) = (*sel, *off);
                Box::new(move |p| quote!(#p::x64::Operand::Far(#sel, #off)))
            }
            Operand::Mem(m) => self.mem(b, m, parts)?,
        })
    }

    fn mem(&self, b: &mut Bindings, m: &Mem<'_>, parts: &Parts) -> Result<OperandCode, ErrorKind> {
        let base = m.base.map(|r| b.reg(self, r, parts.reg));
        let index = m.index.map(|r| b.reg(self, r, parts.index));
        let seg = m.seg.map(|r| b.reg(self, r, None));
        // A Rust value adds to the label's addend when there is a label,
        // to the displacement otherwise.
        let (disp, label) = match &m.label {
            Some(l) => {
                let l = b.label(self, l, parts.label_expr, parts.value)?;
                let d = lit_i64(m.disp);
                (quote!(#d), Some(l))
            }
            None => (
                b.value(self, parts.value, m.disp, quote!(i32), Some(4)),
                None,
            ),
        };
        let (scale, size, bcst, disp_size) = (m.scale, m.size, m.bcst, m.disp_size);
        Ok(Box::new(move |p| {
            let option = |t: Option<TokenStream>| match t {
                Some(t) => quote!(::core::option::Option::Some(#t)),
                None => quote!(::core::option::Option::None),
            };
            let (base, index, seg, label) =
                (option(base), option(index), option(seg), option(label));
            let ds = match disp_size {
                DispSize::Auto => quote!(Auto),
                DispSize::Byte => quote!(Byte),
                DispSize::Dword => quote!(Dword),
            };
            quote! {
            #p::x64::Operand::Mem(#p::x64::Mem {
                base: #base,
                index: #index,
                scale: #scale,
                disp: #disp,
                label: #label,
                seg: #seg,
                size: #size,
                bcst: #bcst,
                disp_size: #p::x64::DispSize::#ds,
            })
            }
        }))
    }

    fn data(
        &self,
        size: u8,
        signed: bool,
        float: bool,
        value: &Value,
    ) -> Result<TokenStream, ErrorKind> {
        let p = &self.p;
        let ty = match (float, size) {
            (true, 4) => quote!(f32),
            (true, _) => quote!(f64),
            (false, s) => int_type(s, signed),
        };
        let Some((id, 1)) = value.expr.filter(|_| value.k == 0) else {
            return Err(ErrorKind::BadOperand(
                "data is one Rust expression or a number",
            ));
        };
        let leaf = self.leaf(id);
        let out = self.output();
        Ok(quote! {
            {
                let __v: #ty = #leaf;
                #p::core::ByteSink::extend_from_slice(#out, &__v.to_le_bytes());
            }
        })
    }
}

impl Output for Collector<'_> {
    fn dynamic(&mut self, item: Item<'_, '_>) -> Result<(), ErrorKind> {
        if let Item::Instruction(d) = &item {
            if self.label_only(d)? {
                return Ok(());
            }
        }
        self.flush();
        let p = self.p.clone();
        let out = self.output();
        let code = match item {
            Item::Instruction(d) => self.instruction(&d)?,
            Item::A64Instruction(d) => return self.a64_instruction(&d),
            Item::Data {
                size,
                signed,
                float,
                value,
            } => self.data(size, signed, float, &value)?,
            Item::Bytes(id) => {
                let leaf = self.leaf(id);
                quote! {
                    {
                        let __b = #leaf;
                        #p::core::generated_code::bytes(#out, __b);
                    }
                }
            }
            Item::Align { alignment, fill } => {
                let n = match alignment.expr {
                    None => {
                        let k = usize::try_from(alignment.k).map_err(|_| {
                            ErrorKind::BadOperand("an alignment must be a power of two up to 2^30")
                        })?;
                        if !k.is_power_of_two() || k > 1 << 30 {
                            return Err(ErrorKind::BadOperand(
                                "an alignment must be a power of two up to 2^30",
                            ));
                        }
                        quote!(#k)
                    }
                    Some((id, 1)) if alignment.k == 0 => {
                        let leaf = self.leaf(id);
                        quote!({ let __a: usize = #leaf; __a })
                    }
                    Some(_) => {
                        return Err(ErrorKind::BadOperand(
                            "an alignment is one Rust expression or a number",
                        ))
                    }
                };
                match fill {
                    Some(f) => quote! {
                        {
                            let __a = #n;
                            #p::core::generated_code::align(#out, __a, #f);
                        }
                    },
                    None => {
                        let nops = self.code_align();
                        quote! {
                            {
                                let __a = #n;
                                #nops(#out, __a);
                            }
                        }
                    }
                }
            }
            Item::DefineDynamic(id) => {
                self.uses_labels.set(true);
                let leaf = self.leaf(id);
                quote! {
                    {
                        let __l: #p::core::DynamicLabel = #leaf;
                        #p::core::generated_code::define_dynamic(#out, __l);
                    }
                }
            }
            Item::Statement(id) => {
                let leaf = self.leaf(id);
                quote!(#leaf;)
            }
            Item::LabelData { kind, label } => self.label_data(kind, &label)?,
        };
        self.segment += 1;
        self.pieces.push(Piece::Code(code));
        Ok(())
    }
}

impl Collector<'_> {
    /// An instruction whose one run-time part is a label target (`jmp =>l`,
    /// `call extern f`, `lea rax, [=>l]`) has static bytes: they join the
    /// current run of static bytes, with a fixup whose target is evaluated
    /// at run time. Returns whether the instruction was handled so.
    fn label_only(&mut self, d: &DynInstruction<'_, '_>) -> Result<bool, ErrorKind> {
        if !only_a_label_target(d.parts) {
            return Ok(false);
        }
        let inst = jitasm_x64::Instruction {
            mnemonic: d.mnemonic,
            operands: d.operands,
            decorations: d.decorations,
            prefixes: d.prefixes,
        };
        let forms = d
            .forms
            .iter()
            .map(|&f| &jitasm_x64::table::FORMS[f as usize]);
        let (_, enc) =
            jitasm_x64::encode::select_among(d.mode, &inst, forms).map_err(ErrorKind::Encode)?;
        let Some(fx) = enc.fixup else {
            return Ok(false);
        };
        let Some(kind) = kind_index(fx.kind) else {
            return Ok(false);
        };
        self.push_with_label(&fx.label, kind, fx.at, fx.pc, enc.bytes())
    }

    /// Appends the static bytes of an instruction whose label target is a
    /// Rust value, with the fixup (field at `at`, PC at `pc`, from the
    /// instruction's start) whose target is evaluated at run time.
    fn push_with_label(
        &mut self,
        label: &LabelRef<'_>,
        kind: KindRef,
        at: u8,
        pc: u8,
        bytes: &[u8],
    ) -> Result<bool, ErrorKind> {
        let mut b = Bindings::default();
        let tokens = b.label(self, label, true, None)?;
        if !b.checks.is_empty() {
            return Ok(false);
        }
        let start = self.offset - self.chunk_start;
        self.fixups.push(Fix {
            lets: b.lets,
            label: tokens,
            kind,
            at: start + at as usize,
            pc: start + pc as usize,
            origin: self.chunk_start,
            addend: label.addend,
            resolved: false,
        });
        jitasm_core::ByteSink::extend_from_slice(self, bytes);
        Ok(true)
    }

    fn label_data(
        &self,
        kind: &'static FixupKind,
        l: &DynLabel<'_>,
    ) -> Result<TokenStream, ErrorKind> {
        let p = &self.p;
        let k = kind_index(kind)
            .ok_or(ErrorKind::BadOperand("no such data kind"))?
            .tokens(p);
        let mut b = Bindings::default();
        let label = b.label(self, &l.label, l.target_expr, l.addend_expr)?;
        let body = quote! {
            #p::core::LabelApi::emit_label_data(__ops, #label, #k);
        };
        Ok(b.finish(self, body))
    }
}
