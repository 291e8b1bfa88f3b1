//! The `dynasm!` procedural macro of jitasm.
//!
//! Use it through `jitasm::dynasm!` (or `jitasm-dynasmrt`'s), which passes
//! the path of the run-time support first; this crate's own entry point,
//! `dynasm_impl!`, is not meant to be called directly.
//!
//! What the macro does: it writes the invocation's assembly out as text
//! with a placeholder for each Rust expression (`text.rs`), parses it with
//! the grammar every front end shares (`jitasm_syntax::dynamic`), and
//! generates (`emit.rs`) pushes of the bytes encoded while compiling, label
//! definitions and references, and, for an instruction with Rust values,
//! code that evaluates them once and encodes with the forms chosen while
//! compiling. Errors are compile errors at the operand they concern.

mod emit;
mod text;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::quote_spanned;

/// `dynasm_impl!([support path] [dynasmrt]? ops ; lines…)`: see the crate docs.
#[proc_macro]
pub fn dynasm_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match expand(input.into()) {
        Ok(t) => t.into(),
        Err((msg, span)) => quote_spanned!(span=> ::core::compile_error!(#msg);).into(),
    }
}

fn expand(input: TokenStream) -> Result<TokenStream, text::Fail> {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let (path, rest) = match tokens.split_first() {
        Some((TokenTree::Group(g), rest)) if g.delimiter() == Delimiter::Bracket => {
            (g.stream(), rest)
        }
        _ => {
            return Err((
                "dynasm_impl! is called by dynasm!".into(),
                Span::call_site(),
            ))
        }
    };
    // `[dynasmrt]`: the caller is jitasm-dynasmrt, whose traits the
    // expansion uses as dynasm-rs's does.
    let (dynasmrt, rest) = match rest.split_first() {
        Some((TokenTree::Group(g), rest))
            if g.delimiter() == Delimiter::Bracket && g.stream().to_string() == "dynasmrt" =>
        {
            (true, rest)
        }
        _ => (false, rest),
    };
    let segments = text::split(rest, ';');
    let ops: TokenStream = segments[0].iter().cloned().collect();
    if ops.is_empty() {
        return Err((
            "expected the assembler to emit into: `dynasm!(ops ; …)`".into(),
            Span::call_site(),
        ));
    }
    let mut text = text::Text::default();
    let mut rust_next = false;
    for seg in &segments[1..] {
        if seg.is_empty() {
            // `;;`: the next segment is a Rust statement.
            rust_next = true;
            continue;
        }
        if rust_next {
            rust_next = false;
            text.rust_statement(seg);
        } else {
            text.line(seg)?;
        }
        text.end();
    }
    emit::generate(&path, dynasmrt, &ops, &text)
}
