//! On error: the original function, every error, and the companions with their real
//! signatures (bodies that are never compiled into a running program), so the user sees only
//! our errors and no "cannot find `f_grad`" cascade.
use crate::emit::Heads;
use crate::signature::Signature;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

pub fn emit(func: &ItemFn, sig: &Signature, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    let companions = quiet(func, sig);
    quote! {
        #error
        #companions
    }
}

/// The original and the companions' signatures, with no error of ours: for a body whose type
/// error rustc reports on the user's code (`widths`), once.
pub fn quiet(func: &ItemFn, sig: &Signature) -> TokenStream {
    let heads = Heads::new(func, sig);
    let body = quote!(::core::unreachable!(
        "#[differentiate] did not differentiate this function: it does not compile"
    ));
    heads.emit(&quote::ToTokens::to_token_stream(func), &body, "", None)
}
