//! `#[custom_vjp(rule)]`: a function whose VJP the user writes, used by differentiated callers
//! exactly like a built-in op (through the same pullback companion as a differentiated
//! function).
use crate::args::Args;
use crate::emit::names::name;
use crate::errors::Errors;
use crate::signature::{self, Kind, grad_type};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{ItemFn, Path};

/// The expansion of `#[custom_vjp(rule)] fn f(..) -> Out { .. }`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let msg = format!("#[custom_vjp] applies to a free function ({e})");
            let error = syn::Error::new(e.span(), msg).into_compile_error();
            return quote!(#error #item);
        }
    };
    let rule: Path = match syn::parse2(args.clone()) {
        Ok(p) => p,
        Err(_) => {
            let error = syn::Error::new_spanned(
                &args,
                "#[custom_vjp] takes the path of the VJP function: `#[custom_vjp(my_fn_vjp)]`",
            )
            .into_compile_error();
            return quote!(#error #func);
        }
    };
    let mut errors = Errors::default();
    let sig = signature::analyze(&func, &Args::default(), &mut errors);
    if let Some(error) = errors.finish() {
        let error = error.into_compile_error();
        return quote!(#error #func);
    }
    let fn_name = &func.sig.ident;
    let vis = &func.vis;
    let generics = &func.sig.generics;
    let where_clause = &generics.where_clause;
    let out = &sig.output;
    let params = sig.params.iter().map(|p| {
        let (ident, ty) = (&p.ident, &p.ty);
        quote!(#ident: #ty)
    });
    let idents: Vec<_> = sig.params.iter().map(|p| &p.ident).collect();
    let grads_ty = sig.params.iter().map(|p| match p.kind {
        Kind::Data => quote!(()),
        _ => grad_type(p),
    });
    let rule_grads: Vec<_> = sig
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind != Kind::Data)
        .map(|(k, _)| name(format_args!("g{k}")))
        .collect();
    let positions = sig.params.iter().enumerate().map(|(k, p)| match p.kind {
        Kind::Data => quote!(()),
        _ => {
            let g = name(format_args!("g{k}"));
            quote!(#g)
        }
    });
    let pb_name = crate::lower::pullback_name(fn_name);
    let opaque = quote_spanned!(Span::mixed_site()=> impl ::core::ops::FnOnce);
    let (ret, y, seed) = (
        name(format_args!("ret")),
        name(format_args!("y")),
        name(format_args!("seed")),
    );
    let call_rule = quote_spanned!(rule.segments.last().map_or(Span::call_site(), |s| s.ident.span())=>
        #rule(#(#idents,)* &#y, &#seed)
    );
    quote! {
        #func
        #[doc(hidden)]
        #[allow(unused_variables, clippy::all)]
        #vis fn #pb_name #generics (#(#params),*) -> (#out, #opaque(#out) -> (#(#grads_ty,)*)) #where_clause {
            let #ret = #fn_name(#(::core::clone::Clone::clone(&#idents)),*);
            let #y = ::core::clone::Clone::clone(&#ret);
            (#ret, move |#seed| {
                let (#(#rule_grads,)*) = #call_rule;
                (#(#positions,)*)
            })
        }
    }
}
