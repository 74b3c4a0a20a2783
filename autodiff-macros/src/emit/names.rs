//! Generated names (one reserved prefix, `__ad_`, hygienic `mixed_site` spans) and the
//! absolute path to the runtime.
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote_spanned};
use syn::Ident;

/// The binding of tape value `id` in the forward sweep.
pub fn value_ident(id: usize) -> Ident {
    format_ident!("__ad_v{}", id, span = Span::mixed_site())
}

/// The adjoint of tape value `id` in the reverse sweep.
pub fn adjoint_ident(id: usize) -> Ident {
    format_ident!("__ad_d{}", id, span = Span::mixed_site())
}

/// `::autodiff::__private::NAME`, spanned at the user's expression so rustc points there.
pub fn private(name: &str, span: Span) -> TokenStream {
    let name = Ident::new(name, span);
    quote_spanned!(span=> ::autodiff::__private::#name)
}
