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
//! static bytes, with a fixup whose target is evaluated at run time.

use super::{kind_index, lit_i64, Collector, Fix, Piece};
use jitasm_a64::{Arrangement, ElemSize, Mem, MemOffset, Modifier, Operand, Reg, RegClass};
use jitasm_core::{Arch, LabelRef, LabelTarget};
use jitasm_syntax::dynamic::{A64Instruction, ExprId, Parts};
use jitasm_syntax::ErrorKind;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashMap;

/// The Rust values of one instruction, each bound once, in order.
#[derive(Default)]
struct Values {
    lets: TokenStream,
    names: HashMap<ExprId, Ident>,
}

impl Values {
    /// Binds expression `id` (once) as `conv` of it.
    fn bind(
        &mut self,
        c: &Collector<'_>,
        id: ExprId,
        conv: impl FnOnce(TokenStream) -> TokenStream,
    ) -> Ident {
        if let Some(n) = self.names.get(&id) {
            return n.clone();
        }
        let name = format_ident!("__v{}", id);
        let value = conv(c.leaf(id));
        // `#(n + 1)` is the user's parenthesized expression, kept whole.
        self.lets
            .extend(quote!(#[allow(unused_parens)] let #name = #value;));
        self.names.insert(id, name.clone());
        name
    }
}

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
        let mut v = Values::default();
        let mut ops = Vec::new();
        let mut patches = Vec::new();
        for (i, (op, parts)) in d.operands.iter().zip(d.parts).enumerate() {
            let at = i as u8;
            ops.push(self.a64_operand(&mut v, op, parts)?);
            let reg = |v: &mut Values, id, part: TokenStream| {
                let n = v.bind(self, id, |e| quote!(::core::convert::Into::<u8>::into(#e)));
                quote!(#p::a64::dynamic::Patch::reg(#at, #p::a64::dynamic::Part::#part, #n))
            };
            if let Some(id) = parts.reg {
                patches.push(reg(&mut v, id, quote!(Reg)));
            }
            if let Some(id) = parts.index {
                patches.push(reg(&mut v, id, quote!(Index)));
            }
            if let Some((id, coef)) = parts.value {
                let n = v.bind(self, id, |e| e);
                let coef = Literal::i128_suffixed(coef);
                patches.push(quote! {
                    #p::a64::dynamic::Immediate::patch(#n, #at, #p::a64::dynamic::Part::Value, #coef)
                });
            }
        }
        let mnemonic = d.mnemonic;
        let (lo, hi) = (d.forms.start, d.forms.end);
        let lets = &v.lets;
        let out = self.output();
        let code = quote! {
            {
                #lets
                let __ops = #out;
                #p::a64::dynamic::emit(__ops, #mnemonic, #lo..#hi, &[#(#ops),*], &[#(#patches),*]);
            }
        };
        self.flush();
        self.pieces.push(Piece::Code(code));
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
        let values = d
            .parts
            .iter()
            .any(|x| x.reg.is_some() || x.index.is_some() || x.value.is_some());
        if values || d.parts.iter().filter(|x| x.label_expr).count() != 1 {
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
        let mut v = Values::default();
        let label = self.a64_label(&mut v, &fx.label, true)?;
        let at = self.offset - self.chunk_start;
        self.fixups.push(Fix {
            lets: v.lets,
            label,
            kind,
            at: at + fx.at as usize,
            pc: at + fx.pc as usize,
            origin: self.chunk_start,
            addend: fx.label.addend,
            resolved: false,
        });
        jitasm_core::ByteSink::extend_from_slice(self, &enc.bytes());
        Ok(true)
    }

    /// A label whose target may be a Rust value (`=>e`: a `DynamicLabel`;
    /// `extern e`: an address).
    fn a64_label(
        &self,
        v: &mut Values,
        l: &LabelRef<'_>,
        target_expr: bool,
    ) -> Result<TokenStream, ErrorKind> {
        self.uses_labels.set(true);
        let p = &self.p;
        let binding = match (target_expr, l.target) {
            (false, _) => None,
            (true, LabelTarget::Dynamic(d)) => Some(v.bind(
                self,
                d.index(),
                |e| quote!({ let __l: #p::core::DynamicLabel = #e; __l }),
            )),
            (true, LabelTarget::Extern(a)) => Some(v.bind(
                self,
                a as ExprId,
                |e| quote!(#p::x64::dynamic::Address::address(#e)),
            )),
            (true, _) => {
                return Err(ErrorKind::BadOperand(
                    "a label target from Rust is `=>expr` or `extern expr`",
                ))
            }
        };
        let target = self.target_tokens(&l.target, binding.as_ref())?;
        let addend = lit_i64(l.addend);
        Ok(quote!(#p::core::LabelRef { target: #target, addend: #addend }))
    }

    /// A stand-in operand as an expression of `jitasm_a64::Operand`.
    fn a64_operand(
        &self,
        v: &mut Values,
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
                let l = self.a64_label(v, &l, parts.label_expr)?;
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
