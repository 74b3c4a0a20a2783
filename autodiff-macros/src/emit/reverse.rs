//! The reverse sweep: tape values in reverse order, each VJP's contribution created on first
//! write (`let mut d = ..`) and accumulated in place after; only values that need an adjoint.
use super::forward::operand;
use super::names::{adjoint_ident, private, value_ident};
use crate::ir::{Def, Tape};
use crate::rules::Arg;
use crate::signature::Signature;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Ident;

/// The adjoint code, and the gradient expression of each active parameter.
pub fn sweep(
    sig: &Signature,
    tape: &Tape,
    needs: &[bool],
    seed: &Ident,
) -> (TokenStream, Vec<TokenStream>) {
    let mut out = TokenStream::new();
    let mut defined = vec![false; tape.nodes.len()];
    if needs[tape.output] {
        let d = adjoint_ident(tape.output);
        out.extend(quote!(let mut #d = #seed;));
        defined[tape.output] = true;
    } else {
        out.extend(quote!(let _ = #seed;));
    }
    for (id, node) in tape.nodes.iter().enumerate().rev() {
        let Def::Op { rule, args } = &node.def else {
            continue;
        };
        if !needs[id] {
            continue;
        }
        let span = node.span;
        let (y, g) = (value_ident(id), adjoint_ident(id));
        let call_args: Vec<TokenStream> = args
            .iter()
            .zip(rule.args)
            .map(|(&a, kind)| {
                let a = operand(tape, sig, a);
                match kind {
                    Arg::Diff(_) => quote!(&#a),
                    Arg::Data => a,
                }
            })
            .collect();
        for (&a, kind) in args.iter().zip(rule.args) {
            let Arg::Diff(vjp) = kind else { continue };
            if !needs[a] {
                continue;
            }
            let f = private(vjp, span);
            let contribution = quote_spanned!(span=> #f(#(#call_args,)* &#y, &#g));
            let d = adjoint_ident(a);
            if defined[a] {
                let acc = private("accumulate", span);
                out.extend(quote_spanned!(span=> #acc(&mut #d, #contribution);));
            } else {
                out.extend(quote!(let mut #d = #contribution;));
                defined[a] = true;
            }
        }
    }
    let grads = sig
        .params
        .iter()
        .zip(&tape.params)
        .filter(|(p, _)| p.active)
        .map(|(_, &v)| {
            if defined[v] {
                let d = adjoint_ident(v);
                quote!(#d)
            } else {
                let v = value_ident(v);
                quote!(::autodiff::__private::zeros_like(&#v))
            }
        })
        .collect();
    (out, grads)
}
