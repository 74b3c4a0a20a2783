//! The forward sweep: one `let` per tape value, calling the runtime's forward functions.
use super::names::{private, value_ident};
use crate::ir::{Def, Tape};
use crate::rules::Arg;
use crate::signature::Signature;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

/// `let __ad_vN = ..;` for every value in program order.
pub fn sweep(sig: &Signature, tape: &Tape) -> TokenStream {
    let mut out = TokenStream::new();
    for (id, node) in tape.nodes.iter().enumerate() {
        let v = value_ident(id);
        let span = node.span;
        out.extend(match &node.def {
            Def::Param { index } => {
                let p = &sig.params[*index].ident;
                let value = private("Param", span);
                quote_spanned!(span=> let #v = #value::value(&#p);)
            }
            Def::DataParam { .. } => continue,
            Def::Expr(tokens) => quote!(let #v = #tokens;),
            Def::Op { rule, args } => {
                let f = private(rule.forward, span);
                let args = args.iter().zip(rule.args).map(|(&a, kind)| {
                    let a = operand(tape, sig, a);
                    match kind {
                        Arg::Diff(_) => quote!(&#a),
                        Arg::Data => a,
                    }
                });
                quote_spanned!(span=> let #v = #f(#(#args),*);)
            }
        });
    }
    out
}

/// The tokens naming a value: its binding, or a data parameter's own name.
pub fn operand(tape: &Tape, sig: &Signature, id: usize) -> TokenStream {
    match tape.nodes[id].def {
        Def::DataParam { index } => {
            let p = &sig.params[index].ident;
            quote!(#p)
        }
        _ => {
            let v = value_ident(id);
            quote!(#v)
        }
    }
}
