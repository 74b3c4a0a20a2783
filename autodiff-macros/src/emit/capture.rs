//! What the pullback companion's closure captures. It owns copies of the float parameters,
//! so it needs no lifetime of theirs: naming the lifetimes of the data parameters it may keep
//! (`use<'l, T>`) lets a caller pass a local array by reference and keep the closure on its
//! own tape afterwards.
use crate::signature::{Kind, Signature};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::{FnArg, GenericParam, Generics, ItemFn, Lifetime, LifetimeParam, Type};

/// The pullback's generics, parameters (`name: type`) and capture clause (`+ use<..>`).
pub struct Capture {
    pub generics: Generics,
    pub params: Vec<TokenStream>,
    pub clause: Option<TokenStream>,
}

/// Whether `ty` mentions a reference or a lifetime anywhere.
fn borrows(ty: &Type) -> bool {
    ty.to_token_stream().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Punct(p) => p.as_char() == '&' || p.as_char() == '\'',
        proc_macro2::TokenTree::Group(g) => borrows(&Type::Verbatim(g.stream())),
        _ => false,
    })
}

pub fn capture(func: &ItemFn, sig: &Signature) -> Capture {
    let mut generics = func.sig.generics.clone();
    let mut named: Vec<Lifetime> = Vec::new();
    let mut params = Vec::new();
    // A method's pullback captures every lifetime and type in scope: the `impl` block's
    // generics, which a `use<..>` clause would have to list, are not visible here.
    let mut nameable = !sig.method;
    for (arg, p) in func.sig.inputs.iter().zip(&sig.params) {
        let pt = match arg {
            FnArg::Typed(pt) => pt,
            FnArg::Receiver(r) => {
                params.push(super::heads::receiver(r));
                continue;
            }
        };
        let mut ty = (*pt.ty).clone();
        if p.kind == Kind::Data && borrows(&ty) {
            match &mut ty {
                // `lab: &[usize]` becomes `lab: &'__ad_l0 [usize]`; `&'a T` keeps `'a`.
                Type::Reference(r) if !borrows(&r.elem) => {
                    let lifetime = r.lifetime.get_or_insert_with(|| {
                        let name = format!("'__ad_l{}", named.len());
                        let l = Lifetime::new(&name, Span::call_site());
                        generics
                            .params
                            .insert(0, GenericParam::Lifetime(LifetimeParam::new(l.clone())));
                        l
                    });
                    if !named.contains(lifetime) {
                        named.push(lifetime.clone());
                    }
                }
                // A lifetime inside a type (`Labels<'_>`, `&[&str]`) cannot be named here:
                // the closure then captures every lifetime, as without the clause.
                _ => nameable = false,
            }
        }
        let ident = &p.ident;
        params.push(quote!(#ident: #ty));
    }
    let types = func.sig.generics.params.iter().filter_map(|g| match g {
        GenericParam::Type(t) => Some(t.ident.to_token_stream()),
        GenericParam::Const(c) => Some(c.ident.to_token_stream()),
        GenericParam::Lifetime(_) => None,
    });
    let list: Vec<TokenStream> = named
        .iter()
        .map(ToTokens::to_token_stream)
        .chain(types)
        .collect();
    let clause = nameable.then(|| quote_spanned!(Span::mixed_site()=> + use<#(#list),*>));
    Capture {
        generics,
        params,
        clause,
    }
}
