//! Calls on data from the hidden generic twin that `jvp` and `hvp` run (`dual.rs`). The
//! twin's rewrite renames every call of a user function to that function's twin, without
//! knowing which functions have one; here, where the arguments' kinds are known, a call on
//! data finds its function again:
//!
//! - Given no float (`count(x.len())`, `scale(3)`): the function itself, as written; a float
//!   it returns becomes the twin's float type (`twin_data`), an integer stays one.
//! - Given a float (`helper(0.5)`, whose `0.5` is the twin's float type): the called function's
//!   own twin, looked up next to it as a pullback companion is (`emit/call.rs`); a function
//!   without one meets a fallback whose result is our error (`TwinResult`), which says to add
//!   `jvp` to it.
use super::calls::module_import;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote_spanned};
use syn::Path;

/// The function a twin's renamed call names: the path with the twin prefix taken off its last
/// segment, or `None` for a call that was not renamed (not in a twin).
pub(super) fn original(callee: &Path) -> Option<Path> {
    let last = callee.segments.last()?;
    let name = last.ident.to_string();
    let plain = name.strip_prefix(crate::dual::TWIN_PREFIX)?;
    let mut path = callee.clone();
    if let Some(seg) = path.segments.last_mut() {
        seg.ident = format_ident!("{}", plain, span = last.ident.span());
    }
    Some(path)
}

/// The call of `original` (the function itself) on `args`, none of them a float: its result
/// in the twin's float type `t` where it is a float.
pub(super) fn plain_call(
    original: &Path,
    args: &[TokenStream],
    t: &TokenStream,
    span: Span,
) -> TokenStream {
    quote_spanned!(span=> ::autodiff::__private::twin_data::<#t, _>(#original(#(#args),*)))
}

/// The call of `callee`'s own twin (the renamed path) on `args`, some of them floats of the
/// twin's type; a function without a twin meets a fallback whose result is our error
/// (`TwinResult`).
pub(super) fn twin_call(callee: &Path, args: &[TokenStream], span: Span) -> TokenStream {
    let Some(last) = callee.segments.last() else {
        return TokenStream::new();
    };
    let name = &last.ident;
    let import = module_import(callee, span);
    let types: Vec<syn::Ident> = (0..args.len())
        .map(|i| crate::emit::names::name(format_args!("A{i}")))
        .collect();
    quote_spanned! {span=>
        {
            #[allow(dead_code, non_camel_case_types, non_snake_case, clippy::all)]
            fn #name<#(#types),*>(#(_: #types),*) -> ::autodiff::__private::NoTwin {
                ::autodiff::__private::NoTwin
            }
            {
                #import
                ::autodiff::__private::TwinResult::twin_value(#callee(#(#args),*))
            }
        }
    }
}
