//! Generated names (one reserved prefix, `__ad_`, hygienic `mixed_site` spans) and the
//! absolute path to the runtime.
use crate::analyze::Slot;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;

/// A generated name, invisible to the user's code.
pub fn name(text: std::fmt::Arguments<'_>) -> Ident {
    Ident::new(&format!("__ad_{text}"), Span::mixed_site())
}

/// The binding of tape value `id` in the forward sweep.
pub fn value_ident(id: usize) -> Ident {
    name(format_args!("v{id}"))
}

/// The tape value a generated binding names (the inverse of [`value_ident`]).
pub fn value_id(ident: &Ident) -> Option<usize> {
    ident.to_string().strip_prefix("__ad_v")?.parse().ok()
}

/// The adjoint of tape value `id` in the reverse sweep.
pub fn adjoint_ident(id: usize) -> Ident {
    name(format_args!("d{id}"))
}

/// The pullback returned by the call that computes value `id`.
pub fn pullback_ident(id: usize) -> Ident {
    name(format_args!("p{id}"))
}

/// What the fused rule computing value `id` kept for its VJP.
pub fn saved_ident(id: usize) -> Ident {
    name(format_args!("s{id}"))
}

/// The binding a residual slot names.
pub fn slot_ident(slot: Slot) -> Ident {
    match slot {
        Slot::Value(v) => value_ident(v),
        Slot::Pullback(v) => pullback_ident(v),
        Slot::Saved(v) => saved_ident(v),
        Slot::Shape(v) => name(format_args!("z{v}")),
    }
}

/// The runtime's alias inside a generated function: `::autodiff::__private` under the
/// reserved prefix (a quarter of the tokens of the absolute path at every use).
const RUNTIME: &str = "__ad_rt";

/// `use ::autodiff::__private as __ad_rt;`: the first statement of a generated body.
pub fn runtime_alias() -> TokenStream {
    let alias = Ident::new(RUNTIME, Span::call_site());
    quote!(use ::autodiff::__private as #alias;)
}

/// `__ad_rt::NAME` (the runtime function `::autodiff::__private::NAME`), spanned at the
/// user's expression so rustc points there.
pub fn private(name: &str, span: Span) -> TokenStream {
    let alias = Ident::new(RUNTIME, span);
    let name = Ident::new(name, span);
    quote_spanned!(span=> #alias::#name)
}
