//! Emission: the companions' signatures, the forward sweep, the reverse sweep.
mod forward;
mod heads;
pub mod names;
mod reverse;

pub use heads::Heads;

use crate::analyze::{Analysis, analyze};
use crate::ir::Tape;
use crate::signature::{Kind, Signature};
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

/// Tapes up to this many values get their generated code in rustdoc.
const LISTING_LIMIT: usize = 400;

/// What the forward and reverse code generators read.
pub struct Emitter<'a> {
    pub sig: &'a Signature,
    pub tape: &'a Tape,
    pub an: &'a Analysis,
}

/// The original function, `NAME_vjp`, `NAME_grad` (for a scalar output) and the hidden
/// pullback companion that differentiated callers use.
pub fn companions(func: &ItemFn, sig: &Signature, tape: &Tape) -> TokenStream {
    let heads = Heads::new(func, sig);
    let seed = &heads.seed;
    let out = names::value_ident(tape.output);
    let original = &func.sig.ident;

    // The pullback: every float parameter is active (a caller decides what it uses).
    let float = |i: usize| sig.params[i].kind != Kind::Data;
    let all = analyze(tape, float);
    let e = Emitter { sig, tape, an: &all };
    let (tapes, forward, reverse) = (e.tapes(), e.forward(&tape.body), e.reverse(seed));
    let grads = e.grads(true, float);
    let ret = names::name(format_args!("ret"));
    let keep = quote!(::core::clone::Clone::clone(&#out));
    let pullback_body = quote! {
        #tapes
        #forward
        let #ret = #keep;
        (#ret, move |#seed| {
            #reverse
            (#(#grads,)*)
        })
    };

    // NAME_vjp: only the parameters of `wrt(..)` are active. When that is every float
    // parameter and the output is a scalar, it runs the pullback (one copy of the code).
    let every_float = sig.params.iter().all(|p| p.active == (p.kind != Kind::Data));
    let vjp_body = if every_float && !sig.output_is_array {
        let (y, pb, gs) = (ret, names::name(format_args!("pb")), names::name(format_args!("gs")));
        let companion = crate::lower::pullback_name(original);
        let args = sig.params.iter().map(|p| &p.ident);
        let picks = sig.params.iter().enumerate().filter(|(_, p)| p.active).map(|(k, _)| syn::Index::from(k));
        quote! {
            // The original stays the reference implementation (and counts as used).
            let _ = #original;
            let (#y, #pb) = #companion(#(#args),*);
            let #gs = #pb(#seed);
            (#y, (#(#gs.#picks,)*))
        }
    } else {
        let wrt = analyze(tape, |i| sig.params[i].active);
        let e = Emitter { sig, tape, an: &wrt };
        let (tapes, forward, reverse) = (e.tapes(), e.forward(&tape.body), e.reverse(seed));
        let grads = e.grads(false, |i| sig.params[i].active);
        quote! {
            // The original stays the reference implementation (and counts as used).
            let _ = #original;
            #tapes
            #forward
            #reverse
            (#out, (#(#grads,)*))
        }
    };
    // The generated code is shown in rustdoc for functions of readable size.
    let listing = match tape.nodes.len() <= LISTING_LIMIT {
        true if every_float && !sig.output_is_array => heads::listing(&heads.pullback, &pullback_body),
        true => heads::listing(&heads.vjp, &vjp_body),
        false => format!(
            "\n\n(The generated code of this {}-value tape is not shown; `AUTODIFF_DUMP` prints it.)",
            tape.nodes.len()
        ),
    };
    heads.emit(func, &vjp_body, &listing, Some(&pullback_body))
}
