//! `jvp` and `hvp`: forward mode, and forward over reverse, by running generated code with
//! dual numbers (`Dual<f64>`: a value and a tangent).
//!
//! The function gets a hidden generic twin, `__ad_generic_NAME<T: Float>`: the same body with
//! its float type (`f64` or `f32`) a type parameter, expanded by this macro like any generic
//! function (so it has `_vjp` and a pullback too), calling the twins of the differentiated
//! functions it calls. `NAME_jvp` runs the twin with `T = Dual<f64>` on the parameters with
//! their tangents: one forward sweep that carries tangents beside values, no reverse sweep,
//! no tape. `NAME_hvp` runs the twin's `_vjp` with `T = Dual<f64>` and the tangents `v`: the
//! reverse sweep's values carry their directional derivatives, so the gradient's tangent
//! part is `H·v` (forward over reverse). The math of every rule stays in the runtime: the
//! dual type carries it through the same forward functions and VJPs.
use crate::args::Args;
use crate::signature::{Kind, Signature, grad_type, strip};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Expr, GenericParam, Ident, ItemFn, Type};

/// What a twin's name starts with (then the function's own name).
pub const TWIN_PREFIX: &str = "__ad_generic_";

/// The float type parameter a twin of an `f64` function gets (a generic function's twin keeps
/// its own `T: Float`).
pub const TWIN_FLOAT: &str = "__ad_T";

/// The same for an `f32` function's twin: the name says which type the twin stands in for.
pub const TWIN_FLOAT_32: &str = "__ad_T32";

/// The float type a concrete function's twin stands in for, from its type parameter's name
/// (`None` for a generic function's twin, or outside a twin).
pub fn twin_stands_for(param: &Ident) -> Option<TokenStream> {
    match param.to_string() {
        name if name == TWIN_FLOAT => Some(quote!(f64)),
        name if name == TWIN_FLOAT_32 => Some(quote!(f32)),
        _ => None,
    }
}

/// The hidden twin's name.
pub fn twin_name(name: &Ident) -> Ident {
    format_ident!("{}{}", TWIN_PREFIX, name, span = name.span())
}

/// Whether `ty` is `f32` or `f64` (a bare path).
fn is_float_type(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && (p.path.is_ident("f64") || p.path.is_ident("f32")))
}

/// Whether `ty` is a primitive integer type (a bare path: `usize`, `i32`, ..).
fn is_integer_type(ty: &Type) -> bool {
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.get_ident().is_some_and(|i| INTEGERS.contains(&i.to_string().as_str())))
}

/// The float type a concrete function works in: the first `f32`/`f64` among its parameters'
/// and its output's types (a name such as `loss_f32` does not count).
fn float_of(func: &ItemFn) -> TokenStream {
    fn first_float(tokens: TokenStream) -> Option<TokenStream> {
        tokens.into_iter().find_map(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) if i == "f32" => Some(quote!(f32)),
            proc_macro2::TokenTree::Ident(i) if i == "f64" => Some(quote!(f64)),
            proc_macro2::TokenTree::Group(g) => first_float(g.stream()),
            _ => None,
        })
    }
    let types = func.sig.inputs.iter().map(|arg| match arg {
        syn::FnArg::Typed(t) => t.ty.to_token_stream(),
        syn::FnArg::Receiver(r) => r.ty.to_token_stream(),
    });
    let output = match &func.sig.output {
        syn::ReturnType::Type(_, ty) => ty.to_token_stream(),
        syn::ReturnType::Default => TokenStream::new(),
    };
    types
        .chain(std::iter::once(output))
        .find_map(first_float)
        .unwrap_or_else(|| quote!(f64))
}

/// Rewrites the body and signature of the twin: `f64`/`f32` types become `t`, casts to them
/// and their constants convert to `t`, calls of user functions call their twins.
struct Twin<'a> {
    t: &'a Ident,
}

impl VisitMut for Twin<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if is_float_type(ty) {
            let t = self.t;
            *ty = syn::parse_quote!(#t);
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        let t = self.t.clone();
        match e {
            // `(n as f64 * 0.5) as usize` -> `twin_int::<usize, _>(..)`: computed in `T`
            // inside, cast by its value (`as` cannot cast a `T`). Only where `T` stands for
            // `f64`, whose dual numbers compute their values exactly as `f64` does: an `f32`
            // function's `T` would compute the original's `f64` in `f32` (another integer),
            // so there the cast stays as written. A path (`Norm::L2 as usize`, an enum value)
            // is no float.
            Expr::Cast(c) if is_integer_type(&c.ty) => {
                let path = matches!(&*c.expr, Expr::Path(p) if p.path.segments.len() > 1);
                let exact = *self.t == TWIN_FLOAT;
                if exact && !path {
                    self.visit_expr_mut(&mut c.expr);
                    let (inner, ty) = (&c.expr, &c.ty);
                    *e = syn::parse_quote!(::autodiff::__private::twin_int::<#ty, _>(#inner));
                }
                return;
            }
            // `n as f64` -> `twin_cast::<T, _>(n)`: an integer becomes a constant `T`, a float
            // (already `T`) stays itself, tangent and all.
            Expr::Cast(c) if is_float_type(&c.ty) => {
                self.visit_expr_mut(&mut c.expr);
                let inner = &c.expr;
                *e = syn::parse_quote!(::autodiff::__private::twin_cast::<#t, _>(#inner));
                return;
            }
            // `f64::EPSILON`, `std::f64::consts::PI` -> `lit::<T>(..)`.
            Expr::Path(p)
                if p.path.segments.len() > 1
                    && p.path
                        .segments
                        .iter()
                        .any(|s| s.ident == "f64" || s.ident == "f32") =>
            {
                let path = p.clone();
                *e = syn::parse_quote!(::autodiff::__private::lit::<#t>((#path) as f64));
                return;
            }
            Expr::Call(c) => {
                if let Expr::Path(p) = &mut *c.func {
                    twin_callee(&mut p.path, &t);
                    // Types in the path's generic arguments: `Array1::<f64>::zeros(n)`.
                    syn::visit_mut::visit_expr_path_mut(self, p);
                }
                for arg in c.args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                return;
            }
            // `0.5_f64` -> `0.5` (which the generic lowering then makes a `T`).
            Expr::Lit(l) => {
                if let syn::Lit::Float(f) = &l.lit
                    && matches!(f.suffix(), "f64" | "f32")
                {
                    let digits = f.base10_digits();
                    let text = if digits.contains(['.', 'e', 'E']) {
                        digits.to_string()
                    } else {
                        format!("{digits}.0")
                    };
                    l.lit = syn::Lit::Float(syn::LitFloat::new(&text, f.span()));
                }
                return;
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
}

/// A call's path in the twin: `f64::max` -> `T::max`; a user function `utils::g` ->
/// `utils::__ad_generic_g`; built-in functions (`sigmoid`) and associated functions
/// (`Array1::zeros`) as they are.
fn twin_callee(path: &mut syn::Path, t: &Ident) {
    for seg in path.segments.iter_mut() {
        if seg.ident == "f64" || seg.ident == "f32" {
            seg.ident = t.clone();
            return;
        }
    }
    const PRIMITIVES: &[&str] = &[
        "bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32",
        "u64", "u128", "usize",
    ];
    let n = path.segments.len();
    // `usize::min`, `Array1::zeros`, `Self::helper`: an associated function, kept.
    let owner_is_type = n > 1 && {
        let owner = path.segments[n - 2].ident.to_string();
        PRIMITIVES.contains(&owner.as_str()) || owner.starts_with(|c: char| c.is_ascii_uppercase())
    };
    let Some(last) = path.segments.last_mut() else {
        return;
    };
    let builtin = crate::rules::find(crate::rules::Syntax::Function, &last.ident.to_string())
        .is_some()
        || last
            .ident
            .to_string()
            .starts_with(|c: char| c.is_ascii_uppercase());
    if !builtin && !owner_is_type {
        last.ident = twin_name(&last.ident);
    }
}

/// The twin: generic in the float type (`__ad_T`, or the function's own `T: Float`), hidden.
fn twin(func: &ItemFn, sig: &Signature) -> (ItemFn, Ident) {
    let mut twin = func.clone();
    twin.sig.ident = twin_name(&func.sig.ident);
    twin.attrs.retain(|a| a.path().is_ident("cfg"));
    twin.attrs.push(syn::parse_quote!(#[doc(hidden)]));
    twin.attrs
        .push(syn::parse_quote!(#[allow(dead_code, clippy::all, clippy::pedantic)]));
    let t = match sig.float_params.first() {
        Some(t) => t.clone(),
        None => {
            let name = match float_of(func).to_string().as_str() {
                "f32" => TWIN_FLOAT_32,
                _ => TWIN_FLOAT,
            };
            let t = Ident::new(name, Span::mixed_site());
            let at = twin
                .sig
                .generics
                .params
                .iter()
                .take_while(|g| matches!(g, GenericParam::Lifetime(_)))
                .count();
            twin.sig
                .generics
                .params
                .insert(at, syn::parse_quote!(#t: ::autodiff::Float));
            t
        }
    };
    let mut rewrite = Twin { t: &t };
    for input in twin.sig.inputs.iter_mut() {
        if let syn::FnArg::Typed(pt) = input {
            rewrite.visit_type_mut(&mut pt.ty);
        }
    }
    if let syn::ReturnType::Type(_, ty) = &mut twin.sig.output {
        rewrite.visit_type_mut(ty);
    }
    rewrite.visit_block_mut(&mut twin.block);
    (twin, t)
}

/// The checks: what `jvp`/`hvp` do not support yet is an error on the option.
pub fn check(func: &ItemFn, sig: &Signature, args: &Args) -> Result<(), syn::Error> {
    let Some(option) = args.jvp.as_ref().or(args.hvp.as_ref()) else {
        return Ok(());
    };
    if sig.method || sig.params.iter().any(|p| p.record) {
        return Err(syn::Error::new(
            option.span(),
            format!(
                "`{option}` does not support struct parameters or methods yet (JVPs and HVPs with respect to structs are unspecified in this version); `{}` has one",
                func.sig.ident
            ),
        ));
    }
    Ok(())
}

/// The twin (expanded), `NAME_jvp` and `NAME_hvp`; with `real` false (the function has an
/// error), only the companions' signatures with bodies that never run.
pub fn companions(func: &ItemFn, sig: &Signature, args: &Args, real: bool) -> TokenStream {
    let (twin, t) = twin(func, sig);
    let twin_name = &twin.sig.ident;
    let wrt = args.wrt.as_ref().map(|w| quote!(wrt(#(#w),*)));
    let expanded = match real {
        true => crate::expand::expand_twin(quote!(#wrt), twin.to_token_stream()),
        false => TokenStream::new(),
    };
    let elem = match sig.float_params.first() {
        Some(t) => t.to_token_stream(),
        None => float_of(func),
    };
    let dual = quote!(::autodiff::__private::Dual<#elem>);
    // The twin's turbofish: the float parameter is the dual type, the others themselves.
    let fish: Vec<TokenStream> = twin
        .sig
        .generics
        .params
        .iter()
        .filter_map(|g| match g {
            GenericParam::Type(p) if p.ident == t => Some(dual.clone()),
            GenericParam::Type(p) => Some(p.ident.to_token_stream()),
            GenericParam::Const(c) => Some(c.ident.to_token_stream()),
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    let name = &func.sig.ident;
    let (vis, generics) = (&func.vis, &func.sig.generics);
    let where_clause = &generics.where_clause;
    let params = crate::emit::heads::params(func, sig);
    let out = &sig.output;
    let n = |s: &str| crate::emit::names::name(format_args!("{s}"));
    let active: Vec<&crate::signature::Param> = sig.active().collect();
    let tangent_types: Vec<TokenStream> = active.iter().map(|p| grad_type(p)).collect();
    let tangent_names: Vec<Ident> = (0..active.len()).map(|k| n(&format!("t{k}"))).collect();
    // Each float parameter as a dual value (its tangent, or zero), passed as declared.
    let mut duals = Vec::new();
    let mut passed = Vec::new();
    let mut k = 0;
    for p in &sig.params {
        let ident = &p.ident;
        if p.kind == Kind::Data {
            passed.push(quote!(#ident));
            continue;
        }
        let d = format_ident!("__ad_dual_{}", ident);
        let tangent = match p.active {
            true => {
                let t = &tangent_names[k];
                k += 1;
                quote!(::core::option::Option::Some(#t))
            }
            false => quote!(::core::option::Option::None),
        };
        duals.push(quote!(let #d = ::autodiff::__private::dualize(#ident, #tangent);));
        let view = matches!(strip(&p.ty), Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident.to_string().starts_with("ArrayView")));
        passed.push(match (&p.ty, view) {
            (_, true) => quote!(#d.view()),
            (Type::Reference(_), false) => quote!(&#d),
            _ => quote!(#d),
        });
    }
    let unreachable = quote!(::core::unreachable!(
        "#[differentiate] reported a compile error for this function"
    ));
    let mut items = expanded;
    let allow = quote!(#[allow(unused_variables, clippy::all, clippy::pedantic)]);
    let wrt_doc: Vec<String> = active.iter().map(|p| format!("`{}`", p.ident)).collect();
    let wrt_doc = wrt_doc.join(", ");
    if let Some(option) = &args.jvp {
        let jvp_name = format_ident!("{}_jvp", name, span = option.span());
        let tangents = n("tangents");
        let y = n("y");
        // The twin's forward sweep: its pullback companion, whose closure is never called.
        let twin_pullback = crate::lower::pullback_name(twin_name);
        let body = match real {
            true => quote! {
                let (#(#tangent_names,)*) = #tangents;
                #(#duals)*
                let (#y, _) = #twin_pullback::<#(#fish),*>(#(#passed),*);
                ::autodiff::__private::split_dual(#y)
            },
            false => unreachable.clone(),
        };
        let doc = format!(
            "Forward mode (Jacobian-vector product) of [`{name}`]: returns `{name}(..)` and its \
             directional derivative along `tangents` (one per parameter {wrt_doc}, in the \
             gradient's layout and types).\n\nGenerated by `#[differentiate(jvp)]`: one \
             forward sweep with dual numbers, no reverse sweep, no tape."
        );
        items.extend(quote! {
            #[doc = #doc]
            #allow
            #[must_use]
            #vis fn #jvp_name #generics (#(#params,)* #tangents: (#(#tangent_types,)*)) -> (#out, #out) #where_clause {
                #body
            }
        });
    }
    if let (Some(option), false) = (&args.hvp, sig.output_is_array) {
        let hvp_name = format_ident!("{}_hvp", name, span = option.span());
        let twin_vjp = format_ident!("{}_vjp", twin_name);
        let (v, y, g) = (n("v"), n("y"), n("g"));
        let grads: Vec<Ident> = (0..active.len()).map(|k| n(&format!("g{k}"))).collect();
        let hs: Vec<Ident> = (0..active.len()).map(|k| n(&format!("h{k}"))).collect();
        let index = (0..active.len()).map(syn::Index::from);
        let body = match real {
            true => quote! {
                let (#(#tangent_names,)*) = #v;
                #(#duals)*
                let (#y, #g) = #twin_vjp::<#(#fish),*>(
                    #(#passed,)*
                    ::autodiff::__private::Dual::constant(::autodiff::__private::one()),
                );
                #(let (#grads, #hs) = ::autodiff::__private::split_dual(#g.#index);)*
                (::autodiff::__private::split_dual(#y).0, (#(#grads,)*), (#(#hs,)*))
            },
            false => unreachable,
        };
        let doc = format!(
            "Value, gradient and Hessian-vector product of [`{name}`] with respect to {wrt_doc}: \
             `Hi = Σ_j ∂²f/∂p_i∂p_j · v_j`, in the gradient's layout and types.\n\nGenerated \
             by `#[differentiate(hvp)]`: the reverse sweep run with dual numbers (forward over \
             reverse), about the cost of a few gradients, no Hessian formed."
        );
        items.extend(quote! {
            #[doc = #doc]
            #allow
            #[must_use]
            #vis fn #hvp_name #generics (#(#params,)* #v: (#(#tangent_types,)*)) -> (#out, (#(#tangent_types,)*), (#(#tangent_types,)*)) #where_clause {
                #body
            }
        });
    }
    items
}
