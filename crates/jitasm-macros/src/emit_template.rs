//! Straight-line code for x86 statements with Rust values: the statement's
//! [`Template`] (derived while expanding, `jitasm_x64::encode::template`)
//! written out as Rust.
//!
//! The code computes the template's key from the checked values (one bit
//! per fact: `Feature::reg`/`Feature::value` on a constant feature), and for
//! each key the template answers, writes the shape's bytes: a constant,
//! exclusive-ored with the register numbers' bits shifted into place, the
//! immediates and displacement or-ed into their fields, `len` bytes in one
//! write. Every other key calls the run-time matcher with the statement
//! packed in a byte string (`dynamic::described`), which gives the same
//! bytes or the error.
//!
//! The code is written for the compiler as much as for the processor: it
//! runs in the caller's function (no nested function per statement), names
//! each register number once, and leaves every constant it can to the
//! byte string, since a crate of JIT code has thousands of statements and
//! every path and call is parsed, resolved and type-checked.

use super::{Collector, Input};
use jitasm_syntax::dynamic::DynInstruction;
use jitasm_x64::encode::template::{Bounds, Feature, Hole, Shape, Template, Test};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashMap;
use std::sync::Mutex;

/// What the code of a statement with a template is made from.
#[derive(Clone)]
pub(super) struct Derived {
    template: Template,
    holes: Vec<Hole>,
    /// The statement for the run-time matcher (`dynamic::described`).
    described: Vec<u8>,
}

/// Templates already derived in this compilation (statements repeat: the
/// same line in many functions, the same pattern in a generated file).
static MEMO: Mutex<Option<HashMap<String, Option<Derived>>>> = Mutex::new(None);

/// The template of `d` whose holes are `holes`, if it has one.
pub(super) fn template_of(d: &DynInstruction<'_, '_>, holes: &[Hole]) -> Option<Derived> {
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
    let t = d.template(holes).and_then(|template| {
        Some(Derived {
            template,
            holes: holes.to_vec(),
            described: d.describe(holes)?,
        })
    });
    memo.insert(key, t.clone());
    t
}

/// How a template's code reads one hole.
pub(super) struct HoleValue {
    /// The name it reads: a register's number as a `u64`, a value as an
    /// `i64`.
    name: Ident,
    /// The name's binding, at the top of the code (none for a value).
    binding: TokenStream,
    /// For a register whose class the code checks itself: an expression
    /// that is not 0 when the number is out of the class.
    out_of_class: Option<TokenStream>,
    /// For a value: the least and greatest its Rust type holds.
    range: Option<(i64, i64)>,
}

/// How the template's code reads each of `checks` (the statement's values,
/// in the holes' order), and the checks left to do before it runs.
///
/// A register of a class numbered from 0 to a power of two is checked by
/// the template's code in its key, without a branch of its own: an
/// out-of-class number selects the matcher, which records the error. The
/// others are checked before, as without a template.
pub(super) fn inputs(checks: Vec<Input>) -> (Vec<HoleValue>, Vec<Input>) {
    let mut values = Vec::new();
    let mut left = Vec::new();
    for (i, c) in checks.into_iter().enumerate() {
        let x = format_ident!("__x{}", i);
        match &c.reg {
            Some((e, class)) if class.first() == 0 && class.count().is_power_of_two() => {
                let bits = class.count().trailing_zeros();
                values.push(HoleValue {
                    binding: quote!(let #x = #e as u64;),
                    out_of_class: Some(quote!(#x >> #bits)),
                    name: x,
                    range: None,
                });
                continue;
            }
            Some(_) => {
                let o = &c.name;
                values.push(HoleValue {
                    binding: quote!(let #x = #o.num() as u64;),
                    out_of_class: None,
                    name: x,
                    range: None,
                });
            }
            None => values.push(HoleValue {
                name: c.name.clone(),
                binding: TokenStream::new(),
                out_of_class: None,
                range: c.range,
            }),
        }
        left.push(c);
    }
    (values, left)
}

impl Collector<'_> {
    /// The code of `t`, reading the holes as `inputs` says.
    pub(super) fn template_code(&self, t: &Derived, inputs: &[HoleValue]) -> TokenStream {
        let p = &self.p;
        let is_reg = |i: u8| {
            matches!(
                t.holes[i as usize],
                Hole::Reg(_) | Hole::Base(_) | Hole::Index(_)
            )
        };
        let value = |i: u8| -> Ident { inputs[i as usize].name.clone() };
        let bindings = inputs.iter().map(|h| &h.binding);
        let template = &t.template;
        let shapes: Vec<TokenStream> = template
            .shapes
            .iter()
            .map(|s| shape_code(p, s, &value))
            .collect();
        // A test its value's Rust type decides (`k: i32` always fits 32
        // bits) is no test: the keys with the other answer never occur.
        let known: Vec<Option<bool>> = template
            .tests
            .iter()
            .map(|test| {
                let (lo, hi) = inputs[test.input as usize].range?;
                let b = test.feature.bounds(false)?;
                if b.mask != u64::MAX {
                    return None;
                }
                if b.lo <= lo && hi <= b.hi {
                    Some(true)
                } else if hi < b.lo || b.hi < lo {
                    Some(false)
                } else {
                    None
                }
            })
            .collect();
        let live: Vec<usize> = (0..known.len()).filter(|&i| known[i].is_none()).collect();
        let fixed: usize = (0..known.len())
            .filter(|&i| known[i] == Some(true))
            .map(|i| 1 << i)
            .sum();
        let keys: Vec<u8> = (0..1usize << live.len())
            .map(|k| {
                let bits: usize = live
                    .iter()
                    .enumerate()
                    .map(|(j, &i)| (k >> j & 1) << i)
                    .sum();
                template.keys[fixed | bits]
            })
            .collect();
        let unchecked: Vec<&TokenStream> = inputs
            .iter()
            .filter_map(|h| h.out_of_class.as_ref())
            .collect();
        let first = keys[0];
        if keys.iter().all(|&k| k == first) && first != Template::MATCHER && unchecked.is_empty() {
            let code = &shapes[first as usize];
            return quote!(#(#bindings)* #code);
        }
        let f = quote!(#p::x64::encode::template::Feature);
        let mut bits: Vec<TokenStream> = live
            .iter()
            .enumerate()
            .map(|(b, &i)| {
                let Test { input, feature } = template.tests[i];
                let v = value(input);
                let b = b as u32;
                let holds = match feature.bounds(is_reg(input)) {
                    Some(bounds) => bounds_code(&v, is_reg(input), bounds),
                    None => {
                        let feature = feature_tokens(&f, p, feature);
                        quote!(#feature.value(#v))
                    }
                };
                quote!((#holds as u32) << #b)
            })
            .collect();
        if !unchecked.is_empty() {
            // Above every key: the matcher's.
            let b = live.len() as u32;
            bits.push(quote!((((#(#unchecked)|*) != 0) as u32) << #b));
        }
        let arms = shapes.iter().enumerate().filter_map(|(i, code)| {
            let keys: Vec<Literal> = keys
                .iter()
                .enumerate()
                .filter(|(_, &k)| k as usize == i)
                .map(|(key, _)| Literal::u32_unsuffixed(key as u32))
                .collect();
            (!keys.is_empty()).then(|| quote!(#(#keys)|* => { #code }))
        });
        let described = Literal::byte_string(&t.described);
        let vals = (0..inputs.len() as u8).map(|i| {
            let v = value(i);
            if is_reg(i) {
                quote!(#v as i64)
            } else {
                quote!(#v)
            }
        });
        quote! {
            #(#bindings)*
            match 0 #(| #bits)* {
                #(#arms)*
                _ => #p::x64::dynamic::described::emit(__ops, #described, &[#(#vals),*]),
            }
        }
    }
}

/// One shape: its bytes as an integer, written.
fn shape_code(p: &TokenStream, s: &Shape, value: &dyn Fn(u8) -> Ident) -> TokenStream {
    let wide = s.len > 8;
    let c = if wide {
        Literal::u128_suffixed(s.bytes)
    } else {
        Literal::u64_suffixed(s.bytes as u64)
    };
    // Register numbers are `u64`s, values `i64`s.
    let terms = s.terms.iter().map(|t| {
        let v = value(t.input);
        let mask = Literal::u8_unsuffixed(t.mask);
        let x = if wide {
            quote!((#v as u128 & #mask))
        } else {
            quote!((#v & #mask))
        };
        if t.shift >= 0 {
            let sh = t.shift as u32;
            quote!(#x << #sh)
        } else {
            let sh = (-t.shift) as u32;
            quote!(#x >> #sh)
        }
    });
    let fields = s.fields.iter().map(|f| {
        let v = value(f.input);
        let v = if f.scale > 1 {
            let sh = f.scale.trailing_zeros();
            quote!((#v >> #sh))
        } else {
            quote!(#v)
        };
        let at = 8 * f.at as u32;
        let x = if wide {
            quote!(#v as u64 as u128)
        } else {
            quote!(#v as u64)
        };
        if f.len >= 8 {
            quote!((#x) << #at)
        } else {
            let mask = Literal::u64_unsuffixed((1u64 << (8 * f.len as u32)) - 1);
            quote!((#x & #mask) << #at)
        }
    });
    let len = s.len as usize;
    let bytes = if wide {
        quote!((#c #(^ #terms)* #(| #fields)*))
    } else {
        quote!(((#c #(^ #terms)* #(| #fields)*) as u128))
    };
    quote! {
        #p::core::ByteSink::extend_padded(__ops, &#bytes.to_le_bytes(), #len);
    }
}

/// Whether `v` (a register number as a `u64` if `reg`, an `i64` value
/// otherwise) is within `b`, as a `bool`, without a branch.
fn bounds_code(v: &Ident, reg: bool, b: Bounds) -> TokenStream {
    // A register number is below 256: masking with 0xff changes nothing.
    let x = if b.mask == u64::MAX || (reg && b.mask == 0xff) {
        quote!(#v)
    } else {
        let mask = Literal::u64_unsuffixed(b.mask);
        quote!((#v & #mask))
    };
    let lit = |n: i64| {
        if reg {
            Literal::u64_unsuffixed(n as u64)
        } else {
            Literal::i64_suffixed(n)
        }
    };
    let (lo, hi) = (lit(b.lo), lit(b.hi));
    match (b.lo == i64::MIN, b.hi == i64::MAX) {
        _ if b.lo == b.hi => quote!((#x == #lo)),
        (true, true) => quote!(true),
        (true, false) => quote!((#x <= #hi)),
        (false, true) => quote!((#x >= #lo)),
        (false, false) => quote!(((#x >= #lo) & (#x <= #hi))),
    }
}

/// `feature` as a constant expression; `f` is the path of `Feature`.
fn feature_tokens(f: &TokenStream, p: &TokenStream, feature: Feature) -> TokenStream {
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
