//! Straight-line code for x86 statements with Rust values: the statement's
//! [`Template`] (derived while expanding, `jitasm_x64::encode::template`)
//! written out as Rust.
//!
//! The code computes the template's key from the checked values (one bit
//! per fact: `Feature::reg`/`Feature::value` on a constant feature), and for
//! each key the template answers, writes the shape's bytes: a constant,
//! exclusive-ored with the register numbers' bits shifted into place, the
//! immediates and displacement or-ed into their fields, `len` bytes in one
//! write. Every other key calls the run-time matcher
//! (`dynamic::emit_matcher`), which gives the same bytes or the error.

use super::{lit_i64, Collector};
use jitasm_syntax::dynamic::DynInstruction;
use jitasm_x64::encode::template::{derive, Feature, Hole, Shape, Template, Test};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashMap;
use std::sync::Mutex;

/// Templates already derived in this compilation (statements repeat: the
/// same line in many functions, the same pattern in a generated file).
static MEMO: Mutex<Option<HashMap<String, Option<Template>>>> = Mutex::new(None);

/// The template of `d` whose holes are `holes`, if it has one.
pub(super) fn template_of(d: &DynInstruction<'_, '_>, holes: &[Hole]) -> Option<Template> {
    let key = format!(
        "{:?}",
        (
            d.mode,
            d.mnemonic,
            &d.forms,
            d.operands,
            d.decorations,
            d.prefixes,
            holes
        )
    );
    let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
    let memo = memo.get_or_insert_with(HashMap::new);
    if let Some(t) = memo.get(&key) {
        return t.clone();
    }
    let t = derive(
        d.mode,
        d.mnemonic,
        &d.forms,
        d.operands,
        d.decorations,
        d.prefixes,
        holes,
    );
    memo.insert(key, t.clone());
    t
}

impl Collector<'_> {
    /// The code of template `t`: `inputs` are the checked values of the
    /// holes (a `Reg` for a register, an `i64` otherwise), `matcher` the
    /// call to the run-time matcher.
    pub(super) fn template_code(
        &self,
        t: &Template,
        holes: &[Hole],
        inputs: &[Ident],
        matcher: TokenStream,
    ) -> TokenStream {
        let p = &self.p;
        let is_reg = |i: u8| {
            matches!(
                holes[i as usize],
                Hole::Reg(_) | Hole::Base(_) | Hole::Index(_)
            )
        };
        // Register numbers as `u8`, values as they are.
        let value = |i: u8| -> TokenStream {
            let v = &inputs[i as usize];
            if is_reg(i) {
                quote!(#v.num())
            } else {
                quote!(#v)
            }
        };
        let shapes: Vec<TokenStream> = t
            .shapes
            .iter()
            .map(|s| self.shape_code(s, &value))
            .collect();
        let everywhere = t.keys.iter().all(|&k| k == t.keys[0]) && t.keys[0] != Template::MATCHER;
        if everywhere {
            return shapes[t.keys[0] as usize].clone();
        }
        let bits = t.tests.iter().enumerate().map(|(b, test)| {
            let Test { input, feature } = *test;
            let f = feature_tokens(p, feature);
            let v = value(input);
            let method = if is_reg(input) {
                quote!(reg)
            } else {
                quote!(value)
            };
            let b = b as u32;
            quote!(((#f.#method(#v) as u32) << #b))
        });
        let arms = shapes.iter().enumerate().map(|(i, code)| {
            let keys = t
                .keys
                .iter()
                .enumerate()
                .filter(|(_, &k)| k as usize == i)
                .map(|(key, _)| Literal::u32_unsuffixed(key as u32));
            quote!(#(#keys)|* => { #code })
        });
        quote! {
            match 0u32 #(| #bits)* {
                #(#arms)*
                _ => { #matcher }
            }
        }
    }

    /// One shape: its bytes as an integer, written.
    fn shape_code(&self, s: &Shape, value: &dyn Fn(u8) -> TokenStream) -> TokenStream {
        let wide = s.len > 8;
        let ty = if wide { quote!(u128) } else { quote!(u64) };
        let c = if wide {
            Literal::u128_suffixed(s.bytes)
        } else {
            Literal::u64_suffixed(s.bytes as u64)
        };
        let terms = s.terms.iter().map(|t| {
            let v = value(t.input);
            let mask = Literal::u8_suffixed(t.mask);
            let x = quote!(((#v & #mask) as #ty));
            if t.shift >= 0 {
                let sh = t.shift as u32;
                quote!((#x << #sh))
            } else {
                let sh = (-t.shift) as u32;
                quote!((#x >> #sh))
            }
        });
        let fields = s.fields.iter().map(|f| {
            let v = value(f.input);
            let v = if f.scale > 1 {
                let sh = f.scale.trailing_zeros();
                quote!((#v >> #sh))
            } else {
                v
            };
            let at = 8 * f.at as u32;
            if f.len >= 8 {
                quote!(((#v as u64 as #ty) << #at))
            } else {
                let mask = lit_i64(((1u64 << (8 * f.len as u32)) - 1) as i64);
                quote!((((#v as u64) & (#mask as u64)) as #ty) << #at)
            }
        });
        let len = s.len as usize;
        let bytes = if wide {
            quote!(__w.to_le_bytes())
        } else {
            quote!((__w as u128).to_le_bytes())
        };
        quote! {
            let __w: #ty = #c #(^ #terms)* #(| #fields)*;
            __ops.extend_padded(&#bytes, #len);
        }
    }
}

/// `feature` as a constant expression.
fn feature_tokens(p: &TokenStream, feature: Feature) -> TokenStream {
    let f = quote!(#p::x64::encode::template::Feature);
    match feature {
        Feature::Bit(b) => quote!(#f::Bit(#b)),
        Feature::Eq(v) => quote!(#f::Eq(#v)),
        Feature::Low3(v) => quote!(#f::Low3(#v)),
        Feature::Range(lo, hi) => quote!(#f::Range(#lo, #hi)),
        Feature::Fits(k) => {
            let k = format_ident!("{}", format!("{:?}", k));
            quote!(#f::Fits(#p::x64::table::OpKind::#k))
        }
        Feature::Zero => quote!(#f::Zero),
        Feature::Disp8(n) => quote!(#f::Disp8(#n)),
        Feature::Disp32 => quote!(#f::Disp32),
    }
}
