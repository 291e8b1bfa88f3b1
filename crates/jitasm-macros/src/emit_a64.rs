//! The code `dynasm!` generates for AArch64 instructions with Rust values.
//!
//! The grammar hands such an instruction over as an
//! [`A64Instruction`](jitasm_syntax::dynamic::A64Instruction): stand-in
//! operands, what each takes from Rust ([`Parts`]) and the forms that may
//! take them. The generated code evaluates each Rust expression once (a
//! register number as `Into<u8>`, a number as any primitive integer or
//! float: `jitasm_a64::dynamic::Immediate`), before the output is
//! borrowed, then calls `jitasm_a64::dynamic::emit` with the stand-ins and
//! one `Patch` per value: the encoder puts the values in, checks them and
//! encodes (or records the error). An instruction is always one word, so
//! it keeps the invocation's static offsets exact: labels around it are
//! still resolved while expanding. An instruction whose only Rust value is
//! its label target (`b =>l`, `bl extern f`) is encoded now and joins the
//! static bytes, with a fixup whose target is evaluated at run time. An
//! instruction whose only Rust values are register numbers is a template
//! word (`jitasm_a64::dynamic::reg_template`, a [`super::Word`]): the
//! numbers shifted into a constant, `emit_fast` only for numbers the
//! template does not take; runs of them are written in one piece
//! (`Collector::render_words`).

use super::{kind_index, lit_i64, only_a_label_target, plain, Bindings, Collector, Piece};
use jitasm_a64::dynamic::{reg_template, Part, RegTemplate};
use jitasm_a64::{Arrangement, ElemSize, Mem, MemOffset, Modifier, Operand, Reg, RegClass};
use jitasm_core::Arch;
use jitasm_syntax::dynamic::{A64Instruction, Parts};
use jitasm_syntax::ErrorKind;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

impl Collector<'_> {
    /// The function that pads code to an alignment with the invocation's
    /// NOPs (`.align n` without a fill byte).
    pub(super) fn code_align(&self) -> TokenStream {
        let p = &self.p;
        match self.arch {
            Arch::Aarch64 => quote!(#p::a64::dynamic::align),
            _ => quote!(#p::x64::dynamic::align),
        }
    }

    /// An AArch64 instruction with Rust values.
    pub(super) fn a64_instruction(&mut self, d: &A64Instruction<'_, '_>) -> Result<(), ErrorKind> {
        if self.a64_label_only(d)? {
            return Ok(());
        }
        let p = self.p.clone();
        let mut v = Bindings::default();
        let mut ops = Vec::new();
        let mut patches = Vec::new();
        // The register numbers (the holes of `reg_template`), and whether
        // every Rust value is one.
        let mut regs: Vec<(u8, Part, Ident)> = Vec::new();
        let mut only_regs = true;
        for (i, (op, parts)) in d.operands.iter().zip(d.parts).enumerate() {
            let at = i as u8;
            ops.push(self.a64_operand(&mut v, op, parts)?);
            let mut reg = |v: &mut Bindings, id, part: Part| {
                let n = v.bind(
                    self,
                    id,
                    quote!(u8),
                    |e| quote!(::core::convert::Into::<u8>::into(#e)),
                );
                regs.push((at, part, n.clone()));
                let part = format_ident!("{}", format!("{:?}", part));
                quote!(#p::a64::dynamic::Patch::reg(#at, #p::a64::dynamic::Part::#part, #n))
            };
            if let Some(id) = parts.reg {
                if i > 0 && d.parts[i - 1].reg == Some(id) && is_pair(d.mnemonic, i) {
                    // `casp X(n), xzr, …`: the register after the first
                    // (the grammar gave both the same expression).
                    let n = v.bind(
                        self,
                        id,
                        quote!(u8),
                        |e| quote!(::core::convert::Into::<u8>::into(#e)),
                    );
                    patches.push(quote! {
                        #p::a64::dynamic::Patch::reg(#at, #p::a64::dynamic::Part::Reg, #p::a64::dynamic::pair_next(#n))
                    });
                    only_regs = false;
                } else {
                    patches.push(reg(&mut v, id, Part::Reg));
                }
            }
            if let Some(id) = parts.index {
                patches.push(reg(&mut v, id, Part::Index));
            }
            if parts.value.is_some() || parts.label_expr {
                only_regs = false;
            }
            if let Some((id, coef)) = parts.value {
                let n = v.bind(self, id, quote!(impl #p::a64::dynamic::Immediate), |e| e);
                let coef = Literal::i128_suffixed(coef);
                patches.push(quote! {
                    #p::a64::dynamic::Immediate::patch(#n, #at, #p::a64::dynamic::Part::Value, #coef)
                });
            }
        }
        let mnemonic = d.mnemonic;
        let (lo, hi) = (d.forms.start, d.forms.end);
        let fast = a64_fast(&p, d);
        // Stand-ins without a label are constants: a `const` array, which
        // the code reads rather than builds (a float's `from_bits` is not
        // `const` at the crate's minimum Rust version).
        let template = if d
            .operands
            .iter()
            .any(|o| matches!(o, Operand::Label(_) | Operand::Float(_)))
        {
            quote!(&[#(#ops),*])
        } else {
            let n = ops.len();
            quote!({
                const __T: [#p::a64::Operand<'static>; #n] = [#(#ops),*];
                &__T
            })
        };
        let general = quote! {
            #p::a64::dynamic::emit_fast(
                __ops, #mnemonic, #lo..#hi, #template, [#(#patches),*], #fast,
            );
        };
        let held: Vec<(u8, Part)> = regs.iter().map(|(at, part, _)| (*at, *part)).collect();
        let piece = match only_regs
            .then(|| reg_template(d.mnemonic, d.forms.clone(), d.operands, &held))
            .flatten()
        {
            Some(t) => {
                let names: Vec<&Ident> = regs.iter().map(|(_, _, n)| n).collect();
                let (cond, word) = word_code(&t, &names);
                let plain = d
                    .parts
                    .iter()
                    .flat_map(|x| [x.reg, x.index])
                    .flatten()
                    .all(|id| plain(&self.leaf(id)));
                let complete = t.fields.iter().all(|f| f.complete);
                Piece::Word(v.finish_word(self, cond, word, general, plain, complete))
            }
            None => Piece::Code(v.finish_outlined(self, general)),
        };
        self.flush();
        self.pieces.push(piece);
        // One word, always (or an error recorded, after which nothing is
        // committed): the static offsets stay exact.
        self.offset += 4;
        self.chunk_start = self.offset;
        Ok(())
    }

    /// `b =>l`, `bl extern f`, `adr x0, =>l`: the word is known now; it
    /// joins the static bytes with a fixup whose target is the Rust value.
    /// Returns whether the instruction was handled so.
    fn a64_label_only(&mut self, d: &A64Instruction<'_, '_>) -> Result<bool, ErrorKind> {
        if !only_a_label_target(d.parts) {
            return Ok(false);
        }
        let inst = jitasm_a64::Instruction::new(d.mnemonic, d.operands);
        let enc = jitasm_a64::encode(&inst).map_err(ErrorKind::EncodeA64)?;
        let Some(fx) = enc.fixup else {
            return Ok(false);
        };
        let Some(kind) = kind_index(fx.kind) else {
            return Ok(false);
        };
        self.push_with_label(&fx.label, kind, fx.at, fx.pc, &enc.bytes())
    }

    /// A stand-in operand as an expression of `jitasm_a64::Operand`.
    fn a64_operand(
        &self,
        v: &mut Bindings,
        op: &Operand<'_>,
        parts: &Parts,
    ) -> Result<TokenStream, ErrorKind> {
        let p = &self.p;
        let a = quote!(#p::a64);
        Ok(match *op {
            Operand::Reg(r) => {
                let r = reg_tokens(p, r);
                quote!(#a::Operand::Reg(#r))
            }
            Operand::Elem(e) => {
                let (reg, index) = (e.reg, e.index);
                let size = elem_size_tokens(p, e.size);
                quote!(#a::Operand::Elem(#a::Elem { reg: #reg, size: #size, index: #index }))
            }
            Operand::List(l) => {
                let (first, count) = (l.first, l.count);
                let arr = arrangement_tokens(p, l.arr);
                quote!(#a::Operand::List(#a::VList { first: #first, count: #count, arr: #arr }))
            }
            Operand::LaneList(l) => {
                let (first, count, index) = (l.first, l.count, l.index);
                let size = elem_size_tokens(p, l.size);
                quote! {
                    #a::Operand::LaneList(#a::VLaneList { first: #first, count: #count, size: #size, index: #index })
                }
            }
            Operand::Imm(k) => {
                let k = lit_i64(k);
                quote!(#a::Operand::Imm(#k))
            }
            Operand::Float(f) => {
                let bits = Literal::u64_suffixed(f.to_bits());
                quote!(#a::Operand::Float(f64::from_bits(#bits)))
            }
            Operand::Modifier(m) => {
                let m = modifier_tokens(p, m);
                quote!(#a::Operand::Modifier(#m))
            }
            Operand::Mem(m) => {
                let m = self.mem_tokens(m);
                quote!(#a::Operand::Mem(#m))
            }
            Operand::Label(l) => {
                let l = v.label(self, &l, parts.label_expr, None)?;
                quote!(#a::Operand::Label(#l))
            }
            Operand::Cond(c) => {
                let code = c as u8;
                quote!(#a::Operand::Cond(#a::Cond::from_code(#code)))
            }
            Operand::SysReg(r) => quote!(#a::Operand::SysReg(#r)),
            Operand::PState(f) => quote!(#a::Operand::PState(#f)),
            Operand::Barrier(b) => quote!(#a::Operand::Barrier(#b)),
            Operand::Prefetch(x) => quote!(#a::Operand::Prefetch(#x)),
            Operand::CReg(n) => quote!(#a::Operand::CReg(#n)),
            Operand::Symbol(s) => quote!(#a::Operand::Symbol(#s)),
        })
    }

    fn mem_tokens(&self, m: Mem) -> TokenStream {
        let p = &self.p;
        let a = quote!(#p::a64);
        let base = reg_tokens(p, m.base);
        let offset = match m.offset {
            MemOffset::Imm(k) => {
                let k = lit_i64(k);
                quote!(#a::MemOffset::Imm(#k))
            }
            MemOffset::Reg(r, md) => {
                let r = reg_tokens(p, r);
                let md = match md {
                    Some(md) => {
                        let md = modifier_tokens(p, md);
                        quote!(::core::option::Option::Some(#md))
                    }
                    None => quote!(::core::option::Option::None),
                };
                quote!(#a::MemOffset::Reg(#r, #md))
            }
        };
        let mode = format_ident!("{}", format!("{:?}", m.mode));
        quote!(#a::Mem { base: #base, offset: #offset, mode: #a::MemMode::#mode })
    }
}

/// The fast path of an instruction with Rust values
/// (`jitasm_a64::dynamic::emit_fast`): a closure trying, on the operands
/// with the values in, the forms and alias rules found now
/// (`jitasm_a64::dynamic::fast_plan`), each form a constant of
/// `jitasm_a64::fast::FAST_FORMS`.
fn a64_fast(p: &TokenStream, d: &A64Instruction<'_, '_>) -> TokenStream {
    let unknown: Vec<jitasm_a64::dynamic::Unknown> = d
        .parts
        .iter()
        .map(|x| jitasm_a64::dynamic::Unknown {
            reg: x.reg.is_some(),
            index: x.index.is_some(),
            value: x.value.is_some(),
        })
        .collect();
    let plan = jitasm_a64::dynamic::fast_plan(d.mnemonic, d.operands, &unknown, d.forms.clone());
    let f = quote!(#p::a64::fast);
    let tries = |o: &TokenStream, forms: core::ops::Range<u16>| {
        let forms = forms.map(|i| Literal::usize_unsuffixed(i as usize));
        quote!(::core::option::Option::None #(.or_else(|| #f::encode_fast(#f::FAST_FORMS[#forms], #o)))*)
    };
    let own = tries(&quote!(__o), plan.own);
    if !plan.alias || plan.bases.is_empty() {
        return quote!(|__o| #own);
    }
    let m = d.mnemonic;
    let arms = plan.bases.into_iter().map(|(name, forms)| {
        let t = tries(&quote!(__s), forms);
        quote!(#name => #t,)
    });
    quote! {
        |__o| #own.or_else(|| {
            const __A: ::core::option::Option<#f::Alias> = #f::Alias::named(#m);
            let __r = #f::rewrite(__A, __o)?;
            let __s = __r.operands();
            match __r.mnemonic() {
                #(#arms)*
                _ => ::core::option::Option::None,
            }
        })
    }
}

/// The condition under which `t` gives the word (every number at most its
/// field's `max`; the others take the general path), and the word for the
/// register numbers `names` (`u8`s) as one expression.
fn word_code(t: &RegTemplate, names: &[&Ident]) -> (TokenStream, TokenStream) {
    let base = Literal::u32_suffixed(t.base);
    let mut terms = Vec::new();
    let mut conds = Vec::new();
    for (f, n) in t.fields.iter().zip(names) {
        for &s in &f.shifts {
            let s = Literal::u32_unsuffixed(s as u32);
            terms.push(quote!(((#n as u32) << #s)));
        }
        let max = Literal::u8_unsuffixed(f.max);
        conds.push(quote!((#n <= #max)));
    }
    (quote!(#(#conds)&*), quote!(#base #(^ #terms)*))
}

/// Whether operand `at` of `mnemonic` is the second register of a pair
/// (`casp`) in some form.
fn is_pair(mnemonic: &str, at: usize) -> bool {
    jitasm_a64::table::forms_of(mnemonic)
        .unwrap_or(&[])
        .iter()
        .any(|f| {
            f.operands
                .get(at)
                .is_some_and(|o| o.kind == jitasm_a64::table::OpKind::GprPair)
        })
}

/// A register, as a constant (an impossible one fails to compile).
fn reg_tokens(p: &TokenStream, r: Reg) -> TokenStream {
    let class = match r.class() {
        RegClass::V(arr) => {
            let arr = arrangement_tokens(p, arr);
            quote!(#p::a64::RegClass::V(#arr))
        }
        class => {
            let c = format_ident!("{}", format!("{:?}", class));
            quote!(#p::a64::RegClass::#c)
        }
    };
    let n = r.num();
    quote!({ const R: #p::a64::Reg = #p::a64::dynamic::known_reg(#class, #n); R })
}

fn arrangement_tokens(p: &TokenStream, a: Arrangement) -> TokenStream {
    let a = format_ident!("{}", format!("{:?}", a));
    quote!(#p::a64::Arrangement::#a)
}

fn elem_size_tokens(p: &TokenStream, e: ElemSize) -> TokenStream {
    let e = format_ident!("{}", format!("{:?}", e));
    quote!(#p::a64::ElemSize::#e)
}

fn modifier_tokens(p: &TokenStream, m: Modifier) -> TokenStream {
    let kind = format_ident!("{}", format!("{:?}", m.kind));
    let amount = match m.amount {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    quote!(#p::a64::Modifier { kind: #p::a64::ModKind::#kind, amount: #amount })
}
