//! From the macro's tokens to the text the shared grammar reads.
//!
//! Assembly (mnemonics, registers, labels, numbers) is written out as text;
//! every Rust expression becomes a placeholder `$n` whose tokens are kept,
//! so the grammar (`jitasm_syntax::dynamic`) decides what each part means and
//! the generated code evaluates the expression. Where the Rust expressions
//! are is decided here, by the shape of dynasm's operands: a register family
//! call `Rq(e)`, `=>e`, `extern e`, and whatever part of a sum (an immediate,
//! a displacement) is neither a register, a label nor a number.
//!
//! After `.arch aarch64` the lines are read with AArch64's operand shapes
//! (`Text::a64_instruction`): `#imm`, `[base, #off]`, `{list}`, `v0.4s`, family calls
//! `X(e)` … `V(e).s4`, and names glued to their dots (`b.eq`, `v0.s4`).

use jitasm_core::Arch;
use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};
use quote::quote_spanned;
use std::collections::HashSet;

/// A Rust expression found in the assembly.
pub struct Leaf {
    pub tokens: TokenStream,
}

/// The text of an invocation, where each piece came from, and its Rust
/// expressions.
#[derive(Default)]
pub struct Text {
    pub src: String,
    /// Offset in `src` where each piece starts, and the piece's span.
    spans: Vec<(usize, Span)>,
    pub leaves: Vec<Leaf>,
    /// `.alias` names seen so far (registers by another name).
    aliases: HashSet<String>,
    /// The next piece follows the last without a space (`->`, `<<`).
    glue: bool,
    /// The lines are AArch64 (after `.arch aarch64`).
    pub(crate) a64: bool,
    /// The architecture the invocation starts in: the first `.arch` when
    /// nothing but labels comes before it, else the default (x64).
    first_arch: Option<Arch>,
    /// An instruction or data line was read.
    started: bool,
}

/// An error found while reading the tokens.
pub type Fail = (String, Span);

const PREFIXES: &[&str] = &[
    "lock", "rep", "repe", "repz", "repne", "repnz", "xacquire", "xrelease", "bnd", "notrack",
    "data16", "cs", "ds", "es", "fs", "gs", "ss",
];

const SIZES: &[&str] = &[
    "BYTE", "WORD", "DWORD", "QWORD", "TWORD", "OWORD", "YWORD", "ZWORD", "FWORD", "AWORD", "byte",
    "word", "dword", "qword", "tword", "oword", "yword", "zword", "fword", "aword",
    // GNU/LLVM spellings, so text copied from a disassembler reads too.
    "tbyte", "mmword", "xmmword", "ymmword", "zmmword", "ptr",
];

const FAMILIES: &[&str] = &[
    "Rb", "Rh", "Rw", "Rd", "Rq", "Rf", "Rm", "Rx", "Ry", "Rz", "Rk", "Rs", "Rcr", "Rdr", "Rt",
    "Rbnd", "st",
];

pub(crate) fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

pub(crate) fn ident(t: &TokenTree) -> Option<String> {
    match t {
        TokenTree::Ident(i) => {
            let s = i.to_string();
            Some(s.strip_prefix("r#").map(str::to_string).unwrap_or(s))
        }
        _ => None,
    }
}

/// `->` at `i`.
pub(crate) fn is_arrow(t: &[TokenTree], i: usize) -> bool {
    matches!(&t[i], TokenTree::Punct(p) if p.as_char() == '-' && p.spacing() == Spacing::Joint)
        && t.get(i + 1).is_some_and(|n| is_punct(n, '>'))
}

/// `=>` at `i`.
pub(crate) fn is_fat_arrow(t: &[TokenTree], i: usize) -> bool {
    matches!(&t[i], TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Joint)
        && t.get(i + 1).is_some_and(|n| is_punct(n, '>'))
}

/// Splits at top-level `sep` punctuation.
pub fn split(tokens: &[TokenTree], sep: char) -> Vec<&[TokenTree]> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if is_punct(t, sep) {
            parts.push(&tokens[start..i]);
            start = i + 1;
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// A Rust literal as the grammar's number: suffix and `_` dropped, `b'x'`
/// as `'x'`.
fn literal_text(lit: &str) -> String {
    let mut s = lit.to_string();
    if let Some(rest) = s.strip_prefix('b') {
        if rest.starts_with('\'') {
            s = rest.to_string();
        }
    }
    if s.starts_with('\'') || s.starts_with('"') || s.starts_with("b\"") {
        return s;
    }
    for suffix in [
        "i128", "u128", "isize", "usize", "i16", "u16", "i32", "u32", "i64", "u64", "i8", "u8",
        "f32", "f64",
    ] {
        if let Some(rest) = s.strip_suffix(suffix) {
            let hex = s.starts_with("0x") || s.starts_with("0X");
            let float_suffix_on_hex = hex && suffix.starts_with('f');
            if !float_suffix_on_hex && !rest.is_empty() {
                s = rest.to_string();
                break;
            }
        }
    }
    s.replace('_', "")
}

impl Text {
    /// The architecture the invocation is assembled for.
    pub fn arch(&self) -> Arch {
        self.first_arch.unwrap_or(Arch::X64)
    }

    /// The span of the piece holding text offset `at` (an AArch64 `#`
    /// points at the value after it).
    pub fn span_at(&self, at: usize) -> Span {
        let mut i = self
            .spans
            .partition_point(|(s, _)| *s <= at)
            .saturating_sub(1);
        if self.src[at.min(self.src.len())..].starts_with('#') && i + 1 < self.spans.len() {
            i += 1;
        }
        self.spans
            .get(i)
            .map_or_else(Span::call_site, |(_, sp)| *sp)
    }

    pub(crate) fn push(&mut self, s: &str, span: Span) {
        if !self.glue && !self.src.is_empty() && !self.src.ends_with(['\n', ' ']) {
            self.src.push(' ');
        }
        self.glue = false;
        self.spans.push((self.src.len(), span));
        self.src.push_str(s);
    }

    /// `s` right after the last piece (`.` and what follows it in `v0.4s`).
    pub(crate) fn push_glued(&mut self, s: &str, span: Span) {
        self.glue = true;
        self.push(s, span);
    }

    pub(crate) fn leaf(&mut self, tokens: &[TokenTree]) {
        let span = tokens.first().map_or_else(Span::call_site, TokenTree::span);
        let id = self.leaves.len();
        self.push(&format!("${id}"), span);
        self.leaves.push(Leaf {
            tokens: tokens.iter().cloned().collect(),
        });
    }

    /// Tokens written out as they are (groups with their delimiters).
    pub(crate) fn raw(&mut self, tokens: &[TokenTree]) {
        for t in tokens {
            match t {
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    self.push(open, g.span_open());
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    self.raw(&inner);
                    self.push(close, g.span_close());
                }
                TokenTree::Ident(_) => self.push(&ident(t).unwrap_or_default(), t.span()),
                TokenTree::Punct(p) => {
                    self.push(&p.as_char().to_string(), p.span());
                    // Keep `->`, `=>`, `<<`, `>>` together.
                    self.glue = p.spacing() == Spacing::Joint;
                }
                TokenTree::Literal(l) => self.push(&literal_text(&l.to_string()), l.span()),
            }
        }
    }

    /// Ends a statement.
    pub fn end(&mut self) {
        self.glue = false;
        self.src.push('\n');
    }

    pub(crate) fn is_register(&self, name: &str) -> bool {
        if self.aliases.contains(name) {
            return true;
        }
        if self.a64 {
            return a64_is_register(name);
        }
        if jitasm_x64::Reg::parse(name).is_some() {
            return true;
        }
        // dynasm's numbered names: r0…r15 with an optional d/w/b suffix.
        let Some(rest) = name.strip_prefix('r') else {
            return false;
        };
        let digits = rest.trim_end_matches(['d', 'w', 'b']);
        !digits.is_empty()
            && digits.len() + 1 >= rest.len()
            && digits.parse::<u8>().is_ok_and(|n| n < 16)
    }

    /// Whether `name` followed by `(…)` is a register family call.
    pub(crate) fn is_family(&self, name: &str) -> bool {
        if self.a64 {
            A64_FAMILIES.contains(&name)
        } else {
            FAMILIES.contains(&name)
        }
    }

    /// Whether the tokens are numbers and operators only (folded by the
    /// grammar, as dynasm-rs folds constants).
    pub(crate) fn literal_only(tokens: &[TokenTree]) -> bool {
        tokens.iter().all(|t| match t {
            TokenTree::Literal(l) => {
                let s = l.to_string();
                !s.starts_with('"') && !s.starts_with("b\"")
            }
            TokenTree::Punct(p) => "+-*/%<>&|^:".contains(p.as_char()),
            TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                Text::literal_only(&inner)
            }
            _ => false,
        })
    }

    /// A Rust statement (`;; stmt`), kept in its place as a placeholder line.
    pub fn rust_statement(&mut self, t: &[TokenTree]) {
        self.leaf(t);
    }

    /// One `;`-separated line of assembly.
    pub fn line(&mut self, t: &[TokenTree]) -> Result<(), Fail> {
        if t.is_empty() {
            return Ok(());
        }
        // Directive.
        if is_punct(&t[0], '.') {
            let Some(name) = t.get(1).and_then(ident) else {
                return Err(("expected a directive name after `.`".into(), t[0].span()));
            };
            self.push(&format!(".{name}"), t[0].span());
            if name == "arch" {
                if let Some(arch) = t.get(2).and_then(ident) {
                    let arch = Arch::from_name(&arch.to_ascii_lowercase());
                    if !self.started && self.first_arch.is_none() {
                        self.first_arch = arch;
                    }
                    self.a64 = arch == Some(Arch::Aarch64);
                }
            } else if !matches!(name.as_str(), "alias" | "feature") {
                self.started = true;
            }
            return self.directive(&name, &t[2..]);
        }
        // `->name:`
        if is_arrow(t, 0) {
            self.raw(t);
            return Ok(());
        }
        // `=>expr`
        if is_fat_arrow(t, 0) {
            self.push("=>", t[0].span());
            let rest = &t[2..];
            let rest = match rest.last() {
                Some(l) if is_punct(l, ':') && rest.len() > 1 => &rest[..rest.len() - 1],
                _ => rest,
            };
            if rest.is_empty() {
                return Err(("expected a dynamic label after `=>`".into(), t[1].span()));
            }
            self.leaf(rest);
            return Ok(());
        }
        // `name:`
        if t.len() == 2 && ident(&t[0]).is_some() && is_punct(&t[1], ':') {
            self.raw(t);
            return Ok(());
        }
        self.started = true;
        if self.a64 {
            return self.a64_instruction(t);
        }
        self.instruction(t)
    }

    fn directive(&mut self, name: &str, args: &[TokenTree]) -> Result<(), Fail> {
        match name {
            "arch" | "feature" => {
                self.raw(args);
                Ok(())
            }
            "alias" => {
                if let Some(a) = args.first().and_then(ident) {
                    self.aliases.insert(a);
                }
                self.raw(args);
                Ok(())
            }
            _ => {
                if args.is_empty() {
                    return Ok(());
                }
                for (i, arg) in split(args, ',').into_iter().enumerate() {
                    if i > 0 {
                        self.push(",", arg.first().map_or_else(Span::call_site, |t| t.span()));
                    }
                    self.data_arg(arg)?;
                }
                Ok(())
            }
        }
    }

    /// A directive argument: a number, a label, or one Rust expression.
    fn data_arg(&mut self, arg: &[TokenTree]) -> Result<(), Fail> {
        let Some(first) = arg.first() else {
            return Err(("expected a value".into(), Span::call_site()));
        };
        let labelish = is_arrow(arg, 0)
            || is_fat_arrow(arg, 0)
            || ident(first).as_deref() == Some("extern")
            || (arg.len() >= 2
                && (is_punct(first, '>') || is_punct(first, '<'))
                && ident(&arg[1]).is_some());
        if labelish {
            return self.sum(arg);
        }
        // Numbers (and a string, for `.ascii`) are the grammar's; anything
        // else is one Rust expression.
        let string = matches!(arg, [TokenTree::Literal(_)]);
        if Text::literal_only(arg) || string {
            self.raw(arg);
        } else {
            self.leaf(arg);
        }
        Ok(())
    }

    fn instruction(&mut self, t: &[TokenTree]) -> Result<(), Fail> {
        let mut i = 0;
        // `{vex}`… and prefixes, then the mnemonic.
        loop {
            match t.get(i) {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                    self.raw(&t[i..=i]);
                    i += 1;
                }
                Some(tok) => {
                    let Some(name) = ident(tok) else {
                        return Err(("expected a mnemonic".into(), tok.span()));
                    };
                    self.push(&name, tok.span());
                    i += 1;
                    let prefix = PREFIXES.contains(&name.to_ascii_lowercase().as_str())
                        && t.get(i).and_then(ident).is_some();
                    if !prefix {
                        break;
                    }
                }
                None => return Err(("expected a mnemonic".into(), Span::call_site())),
            }
        }
        let rest = &t[i..];
        if rest.is_empty() {
            return Ok(());
        }
        for (n, op) in split(rest, ',').into_iter().enumerate() {
            if n > 0 {
                self.push(",", op.first().map_or_else(Span::call_site, |t| t.span()));
            }
            if op.is_empty() {
                return Err(("expected an operand".into(), rest[0].span()));
            }
            self.operand(op)?;
        }
        Ok(())
    }

    fn operand(&mut self, op: &[TokenTree]) -> Result<(), Fail> {
        // `{rn-sae}`, `{sae}`.
        if matches!(&op[0], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace) {
            self.raw(op);
            return Ok(());
        }
        let mut i = 0;
        while let Some(s) = op.get(i).and_then(ident) {
            if !SIZES.contains(&s.as_str()) || op.len() == i + 1 {
                break;
            }
            self.push(&s, op[i].span());
            i += 1;
        }
        // Decorations at the end: `{k1}{z}`, `{1to8}`.
        let mut end = op.len();
        while end > i
            && matches!(&op[end - 1], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
        {
            end -= 1;
        }
        let core = &op[i..end];
        match core {
            [TokenTree::Group(g)] if g.delimiter() == Delimiter::Bracket => {
                self.push("[", g.span_open());
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                self.memory(&inner)?;
                self.push("]", g.span_close());
            }
            _ => {
                if let Some(at) = (1..core.len()).find(|&k| is_fat_arrow(core, k)) {
                    self.typemap(&core[..at], &core[at + 2..], core[at].span())?;
                } else {
                    self.sum(core)?;
                }
            }
        }
        self.raw(&op[end..]);
        Ok(())
    }

    fn memory(&mut self, inner: &[TokenTree]) -> Result<(), Fail> {
        let mut i = 0;
        while let Some(s) = inner.get(i).and_then(ident) {
            let hint = matches!(s.as_str(), "NOSPLIT" | "BYTE" | "WORD" | "DWORD" | "QWORD");
            if !hint || inner.len() == i + 1 {
                break;
            }
            self.push(&s, inner[i].span());
            i += 1;
        }
        self.sum(&inner[i..])
    }

    /// `reg => Type.field`, `reg => Type[i].field`: memory at the field.
    fn typemap(&mut self, base: &[TokenTree], path: &[TokenTree], span: Span) -> Result<(), Fail> {
        // The type is the path up to `[` or the last `.field`.
        let mut k = 0;
        while k < path.len()
            && !is_punct(&path[k], '.')
            && !matches!(&path[k], TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket)
        {
            k += 1;
        }
        let ty: TokenStream = path[..k].iter().cloned().collect();
        if ty.is_empty() {
            return Err(("expected a type after `=>`".into(), span));
        }
        let mut index: Option<TokenStream> = None;
        if let Some(TokenTree::Group(g)) = path.get(k) {
            if g.delimiter() == Delimiter::Bracket {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                if inner.iter().any(|t| {
                    ident(t).is_some_and(|n| self.is_register(&n) || FAMILIES.contains(&n.as_str()))
                }) {
                    return Err((
                        "a typed reference indexed by a register needs its element size as a number: write `[base + index*size + offset]`".into(),
                        g.span(),
                    ));
                }
                index = Some(g.stream());
                k += 1;
            }
        }
        let field = if k < path.len() {
            if !is_punct(&path[k], '.') || path.len() != k + 2 || ident(&path[k + 1]).is_none() {
                return Err(("expected `.field` after the type".into(), path[k].span()));
            }
            Some(path[k + 1].clone())
        } else {
            None
        };
        let offset = match &field {
            Some(f) => quote_spanned!(span=> ::core::mem::offset_of!(#ty, #f)),
            None => quote_spanned!(span=> 0usize),
        };
        let disp = match index {
            Some(ix) => {
                quote_spanned!(span=> ((#ix) as usize * ::core::mem::size_of::<#ty>() + #offset) as i32)
            }
            None => quote_spanned!(span=> (#offset) as i32),
        };
        let disp: Vec<TokenTree> = disp.into_iter().collect();
        self.push("[", span);
        self.sum(base)?;
        self.push("+", span);
        self.leaf(&disp);
        self.push("]", span);
        Ok(())
    }

    /// A sum of terms (an immediate, a displacement, a label with offset):
    /// registers, labels and numbers are written out; the other terms are
    /// one Rust expression (with the numbers, when there is one, so that the
    /// expression keeps Rust's meaning).
    pub(crate) fn sum(&mut self, t: &[TokenTree]) -> Result<(), Fail> {
        // Terms with their sign.
        let mut terms: Vec<(bool, &[TokenTree], Span)> = Vec::new();
        let mut start = 0;
        let mut neg = false;
        let mut sign_span = t.first().map_or_else(Span::call_site, |x| x.span());
        if t.first().is_some_and(|x| is_punct(x, '-')) && !is_arrow(t, 0) {
            neg = true;
            start = 1;
        } else if t.first().is_some_and(|x| is_punct(x, '+')) {
            start = 1;
        }
        let mut i = start;
        while i < t.len() {
            // A sign after an operator (`* -1`) is not a new term.
            let split_here = (is_punct(&t[i], '+') || (is_punct(&t[i], '-') && !is_arrow(t, i)))
                && i > start
                && !matches!(&t[i - 1], TokenTree::Punct(_));
            if split_here {
                terms.push((neg, &t[start..i], sign_span));
                neg = is_punct(&t[i], '-');
                sign_span = t[i].span();
                start = i + 1;
            }
            i += 1;
        }
        if start < t.len() {
            terms.push((neg, &t[start..], sign_span));
        } else if start > 0 || t.is_empty() {
            let span = t.last().map_or_else(Span::call_site, |x| x.span());
            return Err(("expected a value".into(), span));
        }

        let mut rust: Vec<(bool, &[TokenTree], Span)> = Vec::new();
        let mut numbers: Vec<(bool, &[TokenTree], Span)> = Vec::new();
        let mut first = true;
        for (neg, term, span) in terms {
            let head = ident(&term[0]);
            let asm = is_arrow(term, 0)
                || is_fat_arrow(term, 0)
                || head.as_deref() == Some("extern")
                || ((is_punct(&term[0], '>') || is_punct(&term[0], '<'))
                    && term.get(1).and_then(ident).is_some())
                || term.iter().enumerate().any(|(k, x)| {
                    ident(x).is_some_and(|n| {
                        self.is_register(&n)
                            || (self.is_family(&n)
                                && matches!(term.get(k + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis))
                    })
                });
            if asm {
                if !first || neg {
                    self.push(if neg { "-" } else { "+" }, span);
                }
                first = false;
                self.asm_term(term)?;
            } else if Text::literal_only(term) {
                numbers.push((neg, term, span));
            } else {
                rust.push((neg, term, span));
            }
        }
        if rust.is_empty() {
            for (neg, term, span) in numbers {
                if !first || neg {
                    self.push(if neg { "-" } else { "+" }, span);
                }
                first = false;
                self.raw(term);
            }
            return Ok(());
        }
        // One Rust expression for every non-assembly term.
        let mut expr = TokenStream::new();
        for (k, (neg, term, _)) in rust.iter().chain(numbers.iter()).enumerate() {
            let body: TokenStream = term.iter().cloned().collect();
            let part = match (k, *neg) {
                (0, false) => quote::quote!((#body)),
                (0, true) => quote::quote!(-(#body)),
                (_, false) => quote::quote!(+ (#body)),
                (_, true) => quote::quote!(- (#body)),
            };
            expr.extend(part);
        }
        let tokens: Vec<TokenTree> = if rust.len() == 1 && numbers.is_empty() && !rust[0].0 {
            rust[0].1.to_vec()
        } else {
            expr.into_iter().collect()
        };
        if !first {
            self.push("+", rust[0].2);
        }
        let span = rust[0].1[0].span();
        let id = self.leaves.len();
        self.push(&format!("${id}"), span);
        self.leaves.push(Leaf {
            tokens: tokens.into_iter().collect(),
        });
        Ok(())
    }

    /// A term naming a register, a label or `extern`.
    fn asm_term(&mut self, term: &[TokenTree]) -> Result<(), Fail> {
        if is_fat_arrow(term, 0) {
            self.push("=>", term[0].span());
            let rest = &term[2..];
            if rest.is_empty() {
                return Err(("expected a dynamic label after `=>`".into(), term[1].span()));
            }
            self.leaf(rest);
            return Ok(());
        }
        if ident(&term[0]).as_deref() == Some("extern") {
            self.push("extern", term[0].span());
            let rest = &term[1..];
            if rest.is_empty() {
                return Err(("expected an address after `extern`".into(), term[0].span()));
            }
            self.leaf(rest);
            return Ok(());
        }
        if is_arrow(term, 0) || is_punct(&term[0], '>') || is_punct(&term[0], '<') {
            self.raw(term);
            return Ok(());
        }
        let mut k = 0;
        while k < term.len() {
            let x = &term[k];
            match (ident(x), term.get(k + 1)) {
                (Some(n), Some(TokenTree::Group(g)))
                    if self.is_family(&n) && g.delimiter() == Delimiter::Parenthesis =>
                {
                    self.push(&n, x.span());
                    self.push("(", g.span_open());
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    if inner.is_empty() {
                        return Err(("expected a register number".into(), g.span()));
                    }
                    if Text::literal_only(&inner) {
                        self.raw(&inner);
                    } else {
                        self.leaf(&inner);
                    }
                    self.push(")", g.span_close());
                    k += 2;
                    continue;
                }
                (Some(n), _) if self.is_register(&n) => self.push(&n, x.span()),
                (None, _) if matches!(x, TokenTree::Literal(_)) || is_punct(x, '*') => {
                    self.raw(std::slice::from_ref(x))
                }
                _ => {
                    return Err((
                        "a register is scaled by a number: 1, 2, 4 or 8 (a Rust value goes in a term of its own)".into(),
                        x.span(),
                    ))
                }
            }
            k += 1;
        }
        Ok(())
    }
}

/// AArch64 register families (dynasm-rs's): `X(n)`, `V(n).s4`…
const A64_FAMILIES: &[&str] = &["X", "W", "XSP", "WSP", "B", "H", "S", "D", "Q", "V"];

/// Shift and extend names.
const A64_MODIFIERS: &[&str] = &[
    "lsl", "lsr", "asr", "ror", "msl", "uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw",
    "sxtx",
];

/// Whether `name` is an AArch64 register (`x3`, `wzr`, `sp`, `d0`, `v1`).
fn a64_is_register(name: &str) -> bool {
    if jitasm_a64::Reg::parse(name).is_some() {
        return true;
    }
    let Some(digits) = name.strip_prefix(['v', 'V']) else {
        return false;
    };
    !digits.is_empty()
        && digits.len() <= 2
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u8>().is_ok_and(|n| n < 32)
}

/// Whether a bare name is one of the operand names AArch64 instructions
/// take (a condition, a barrier, a prefetch operation, a system register,
/// a PSTATE field, `c0`…`c15`, `bti`'s targets): written out for the
/// grammar, where any other bare name is a Rust value.
fn a64_is_operand_name(name: &str) -> bool {
    use jitasm_a64::operand::{barrier_option, prefetch_op, pstate_field, system_register};
    let creg = name
        .strip_prefix(['c', 'C'])
        .is_some_and(|d| !d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit()));
    jitasm_a64::Cond::parse(name).is_some()
        || barrier_option(name).is_some()
        || prefetch_op(name).is_some()
        || system_register(name).is_some()
        || pstate_field(name).is_some()
        || creg
        || ["c", "j", "jc", "csync"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(name))
}

/// Whether `name` is an operation of `mnemonic` (`dc`, `ic`, `at`, `tlbi`,
/// lower case): `civac` of `dc civac, x0`.
fn a64_is_sys_op(mnemonic: &str, name: &str) -> bool {
    jitasm_a64::operand::sys_op(mnemonic, name).is_some()
}

impl Text {
    /// An AArch64 instruction: the mnemonic (with its `.cond`), then the
    /// operands.
    fn a64_instruction(&mut self, t: &[TokenTree]) -> Result<(), Fail> {
        let Some(name) = ident(&t[0]) else {
            return Err(("expected a mnemonic".into(), t[0].span()));
        };
        self.push(&name, t[0].span());
        let mut i = 1;
        // `b.eq`: one name.
        while i + 1 < t.len() && is_punct(&t[i], '.') {
            let Some(part) = ident(&t[i + 1]) else { break };
            self.push_glued(".", t[i].span());
            self.push_glued(&part, t[i + 1].span());
            i += 2;
        }
        let rest = &t[i..];
        if rest.is_empty() {
            return Ok(());
        }
        let mnemonic = self.a64_mnemonic(&t[..i]);
        for (n, op) in split(rest, ',').into_iter().enumerate() {
            if n > 0 {
                self.push(",", op.first().map_or_else(Span::call_site, |t| t.span()));
            }
            if op.is_empty() {
                return Err(("expected an operand".into(), rest[0].span()));
            }
            // `dc civac, x0`: the operation's name, written out (any other
            // bare name there would be a Rust value).
            if let (0, [TokenTree::Ident(id)]) = (n, op) {
                let name = id.to_string();
                if a64_is_sys_op(&mnemonic, &name) {
                    self.push(&name, id.span());
                    continue;
                }
            }
            self.a64_operand(op)?;
        }
        Ok(())
    }

    /// The mnemonic of an instruction's first tokens (`b`, `.`, `eq`), in
    /// lower case.
    fn a64_mnemonic(&self, t: &[TokenTree]) -> String {
        t.iter()
            .map(|t| t.to_string())
            .collect::<String>()
            .to_ascii_lowercase()
    }

    /// One operand (or one item of a memory operand).
    fn a64_operand(&mut self, op: &[TokenTree]) -> Result<(), Fail> {
        match &op[0] {
            t if is_punct(t, '#') => {
                self.push("#", t.span());
                if op.len() == 1 {
                    return Err(("expected a value after `#`".into(), t.span()));
                }
                return self.sum(&op[1..]);
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
                self.push("[", g.span_open());
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                for (n, item) in split(&inner, ',').into_iter().enumerate() {
                    if n > 0 {
                        self.push(",", item.first().map_or_else(|| g.span(), |t| t.span()));
                    }
                    if item.is_empty() {
                        return Err(("expected a register or an offset".into(), g.span()));
                    }
                    self.a64_operand(item)?;
                }
                self.push("]", g.span_close());
                // `[x0, #8]!`
                self.raw(&op[1..]);
                return Ok(());
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                self.push("{", g.span_open());
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                self.a64_list(&inner)?;
                self.push("}", g.span_close());
                // `{v0.s, v1.s}[1]`
                return self.a64_lane(&op[1..]);
            }
            _ => {}
        }
        if let Some(name) = ident(&op[0]) {
            // `lsl #3`, `uxtw 2`, `lsl #n`.
            if op.len() > 1 && A64_MODIFIERS.iter().any(|m| m.eq_ignore_ascii_case(&name)) {
                self.push(&name, op[0].span());
                let rest = &op[1..];
                if is_punct(&rest[0], '#') {
                    self.push("#", rest[0].span());
                    if rest.len() == 1 {
                        return Err(("expected a shift amount after `#`".into(), rest[0].span()));
                    }
                    return self.sum(&rest[1..]);
                }
                return self.sum(rest);
            }
            if let Some(used) = self.a64_register(op)? {
                return self.a64_lane(&op[used..]);
            }
            if op.len() == 1
                && (a64_is_operand_name(&name)
                    || A64_MODIFIERS.iter().any(|m| m.eq_ignore_ascii_case(&name)))
            {
                self.push(&name, op[0].span());
                return Ok(());
            }
        }
        // A number, a label, or a Rust value.
        self.sum(op)
    }

    /// A register at the start of `t` (`x3`, `v0.4s`, `v1.s`, `X(e)`,
    /// `V(e).b16`), written out: how many tokens it took, `None` if `t`
    /// does not start with one.
    fn a64_register(&mut self, t: &[TokenTree]) -> Result<Option<usize>, Fail> {
        let Some(name) = t.first().and_then(ident) else {
            return Ok(None);
        };
        let mut used = 1;
        match t.get(1) {
            Some(TokenTree::Group(g))
                if g.delimiter() == Delimiter::Parenthesis
                    && A64_FAMILIES.contains(&name.as_str()) =>
            {
                self.push(&name, t[0].span());
                self.push("(", g.span_open());
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                if inner.is_empty() {
                    return Err(("expected a register number".into(), g.span()));
                }
                if Text::literal_only(&inner) {
                    self.raw(&inner);
                } else {
                    self.leaf(&inner);
                }
                self.push(")", g.span_close());
                used = 2;
            }
            _ if self.is_register(&name) => self.push(&name, t[0].span()),
            _ => return Ok(None),
        }
        // `.4s`, `.s4`, `.s`: glued, as the grammar reads `v0.4s` as one name.
        if let (Some(dot), Some(suffix)) = (t.get(used), t.get(used + 1)) {
            let text = match suffix {
                TokenTree::Ident(_) => ident(suffix),
                TokenTree::Literal(l) => Some(l.to_string()),
                _ => None,
            };
            if let (true, Some(text)) = (is_punct(dot, '.'), text) {
                self.push_glued(".", dot.span());
                self.push_glued(&text, suffix.span());
                used += 2;
            }
        }
        Ok(Some(used))
    }

    /// What follows a register or a list: a lane `[i]` (a number or a Rust
    /// value), or nothing.
    fn a64_lane(&mut self, t: &[TokenTree]) -> Result<(), Fail> {
        match t {
            [] => Ok(()),
            [TokenTree::Group(g)] if g.delimiter() == Delimiter::Bracket => {
                self.push("[", g.span_open());
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                if inner.is_empty() {
                    return Err(("expected a lane index".into(), g.span()));
                }
                self.sum(&inner)?;
                self.push("]", g.span_close());
                Ok(())
            }
            _ => {
                self.raw(t);
                Ok(())
            }
        }
    }

    /// Inside `{…}`: registers separated by `,` or `-`, or `reg * count`.
    fn a64_list(&mut self, t: &[TokenTree]) -> Result<(), Fail> {
        let mut i = 0;
        while i < t.len() {
            if let Some(used) = self.a64_register(&t[i..])? {
                i += used;
                continue;
            }
            if is_punct(&t[i], '*') {
                self.push("*", t[i].span());
                let count = &t[i + 1..];
                if count.is_empty() {
                    return Err(("expected a register count".into(), t[i].span()));
                }
                if Text::literal_only(count) {
                    self.raw(count);
                } else {
                    self.leaf(count);
                }
                return Ok(());
            }
            self.raw(&t[i..=i]);
            i += 1;
        }
        Ok(())
    }
}
