//! Emission: the companions' signatures, the forward sweep, the reverse sweep.
mod forward;
mod heads;
pub mod names;
mod reverse;

pub use heads::Heads;

use crate::ir::Tape;
use crate::signature::Signature;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

/// The original function, `NAME_vjp` and (for a scalar output) `NAME_grad`.
pub fn companions(func: &ItemFn, sig: &Signature, tape: &Tape, needs: &[bool]) -> TokenStream {
    let heads = Heads::new(func, sig);
    let forward = forward::sweep(sig, tape);
    let (reverse, grads) = reverse::sweep(sig, tape, needs, &heads.seed);
    let out = names::value_ident(tape.output);
    let body = quote! {
        #forward
        #reverse
        (#out, (#(#grads,)*))
    };
    let listing = heads::listing(&heads.vjp, &body);
    heads.emit(func, &body, &listing)
}
