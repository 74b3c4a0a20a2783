//! Calls on data from the hidden generic twin that `jvp` and `hvp` run (`dual.rs`). The
//! twin's rewrite renames every call of a user function to that function's twin, without
//! knowing which functions have one; a call on data needs none. Its arguments carry no
//! tangent, so the function itself runs on their values and its result is a constant of the
//! forward mode:
//!
//! - In the twin of a function generic over `T: Float`, the call as written: it runs with the
//!   twin's `T`, as the original runs with its own.
//! - In the twin of an `f64`/`f32` function, whose floats became the twin's type: every
//!   argument that may hold one is given back as the function's own type (`untwin`,
//!   inferred from the parameter; a reference as a reference to a converted copy), and the
//!   result's floats become the twin's type (`twin_data`); integers pass as they are, and so
//!   do literals, `const`s and enum values as written. A generic function called at the float
//!   type (`scale::<f64>(n)`, which the twin's rewrite made `scale::<T>`) is called at it.
use super::Lowerer;
use super::expr::strip_parens;
use super::kinds::DataKind;
use crate::ir::{Def, ValueId};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Expr, Path};

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

/// A call's path with the twin's float type `t` in its generic arguments given back as the
/// type it stands for (`g::<f64>(..)` in the original, which the twin's rewrite made
/// `g::<T>`): the call on data then runs as in the original (`size_of::<f64>()` is 8).
pub(super) fn at_original_float(path: &Path, t: &syn::Ident, original: &TokenStream) -> Path {
    fn replace(tokens: TokenStream, t: &syn::Ident, original: &TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .flat_map(|tt| match tt {
                proc_macro2::TokenTree::Ident(i) if &i == t => original.clone(),
                proc_macro2::TokenTree::Group(g) => {
                    let mut group =
                        proc_macro2::Group::new(g.delimiter(), replace(g.stream(), t, original));
                    group.set_span(g.span());
                    proc_macro2::TokenTree::Group(group).into()
                }
                other => other.into(),
            })
            .collect()
    }
    let mut path = path.clone();
    for seg in path.segments.iter_mut() {
        if !seg.arguments.is_empty() {
            let args = quote::ToTokens::to_token_stream(&seg.arguments);
            if let Ok(new) = syn::parse2(replace(args, t, original)) {
                seg.arguments = syn::PathArguments::AngleBracketed(new);
            }
        }
    }
    path
}

/// How an argument of a call on data in an `f64`/`f32` function's twin is given.
pub(super) enum TwinArg {
    /// Passed as it is (an integer, an index, a `bool`).
    AsIs(TokenStream),
    /// A value that may be of the twin's float type: given back as the function's own type.
    Value(TokenStream),
    /// A reference to one: a reference to a converted copy.
    Reference(TokenStream),
}

/// The call of `original` (the function itself) on `args` in an `f64`/`f32` function's twin,
/// whose float type is `t`: its arguments given back as the function's types, its result in
/// the twin's.
pub(super) fn plain_call(
    original: &Path,
    args: &[TwinArg],
    t: &TokenStream,
    span: Span,
) -> TokenStream {
    let args = args.iter().map(|a| match a {
        TwinArg::AsIs(e) => e.clone(),
        TwinArg::Value(e) => quote_spanned!(span=> ::autodiff::__private::untwin(#e)),
        TwinArg::Reference(e) => quote_spanned!(span=>
            &::autodiff::__private::untwin(::core::clone::Clone::clone(#e))
        ),
    });
    quote_spanned!(span=> ::autodiff::__private::twin_data::<#t, _>(#original(#(#args),*)))
}

impl Lowerer<'_> {
    /// The twin's float type parameter and the float type it stands for, in the twin of an
    /// `f64`/`f32` function.
    pub(super) fn twin_stands_for(&self) -> Option<(&syn::Ident, TokenStream)> {
        let t = self.sig.float_params.first()?;
        Some((t, crate::dual::twin_stands_for(t)?))
    }

    /// How the arguments of a call on data in a concrete function's twin are given: known
    /// data (integers, indices) as it is; anything that may be a float of the twin's type
    /// given back as the function's own (a reference, written `&a` or a parameter of a
    /// reference type, as a reference to a converted copy).
    pub(super) fn twin_args(
        &self,
        c: &syn::ExprCall,
        args: &[ValueId],
        tokens: Vec<TokenStream>,
    ) -> Vec<TwinArg> {
        c.args
            .iter()
            .zip(args)
            .zip(tokens)
            .map(|((syntax, &a), t)| {
                if self.constant_syntax(syntax) {
                    // A literal, a `const` or an enum value, as written (as the original
                    // passes it: `sc(2.0, 0.5)` infers a generic callee's type from it).
                    return TwinArg::AsIs(quote!(#syntax));
                }
                let written = matches!(strip_parens(syntax), Expr::Reference(_));
                // A parameter of a reference type passed as it is: its binding is a view
                // (a float parameter) or the reference itself (data).
                let (reference, t) = match &self.nodes[a].def {
                    Def::Param { index } if !written && self.sig.params[*index].by_reference() => {
                        (true, quote!(&#t))
                    }
                    Def::DataParam { index } if self.sig.params[*index].by_reference() => (true, t),
                    _ => (written, t),
                };
                match (self.data_kind(a), reference) {
                    (DataKind::Known, _) => TwinArg::AsIs(t),
                    (_, true) => TwinArg::Reference(t),
                    (_, false) => TwinArg::Value(t),
                }
            })
            .collect()
    }

    /// Whether an argument is written as a constant: a literal (negated or not), or a path
    /// that names no local (a `const`, an enum value), maybe behind a `&`.
    fn constant_syntax(&self, e: &Expr) -> bool {
        match strip_parens(e) {
            Expr::Lit(_) => true,
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => self.constant_syntax(&u.expr),
            Expr::Reference(r) if r.mutability.is_none() => self.constant_syntax(&r.expr),
            Expr::Path(p) if p.qself.is_none() => match p.path.get_ident() {
                Some(name) => {
                    self.lookup_value(name).is_none()
                        && !self.aliases.contains_key(&name.to_string())
                }
                None => true,
            },
            _ => false,
        }
    }
}
