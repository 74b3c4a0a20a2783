//! A call to another function from a differentiated body: through the callee's pullback
//! companion, found next to the callee, or an error in our words when it has none.
//!
//! A proc macro cannot see whether the callee has `#[differentiate]` or `#[custom_vjp]`. So
//! the call looks the companion up by a glob import of the callee's module in an inner
//! block, where it shadows a fallback of the same name in the outer block (inner scopes
//! win); the fallback returns `NotDifferentiable`. The callee itself and either result go
//! through `DifferentiableFn::split`, whose `on_unimplemented` message names the callee and
//! both fixes: no "cannot find function" error, no generated name offered.
use super::names::name;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Ident, Path};

/// `let (v, pb) = <the companion of callee>(passed..);`.
pub fn companion_call(
    (v, pb): (&Ident, &Ident),
    callee: &Path,
    passed: &[TokenStream],
    span: Span,
) -> TokenStream {
    let Some(last) = callee.segments.last() else {
        return TokenStream::new();
    };
    let companion = crate::lower::pullback_name(&last.ident);
    let turbofish = &last.arguments;
    let import = module_import(callee, span);
    let args: Vec<Ident> = (0..passed.len())
        .map(|i| name(format_args!("a{i}")))
        .collect();
    let types: Vec<Ident> = (0..passed.len())
        .map(|i| name(format_args!("A{i}")))
        .collect();
    // A call from a `jvp`/`hvp` twin to another twin (`dual.rs`): the fallback's `NoTwin`
    // fails `TwinFn`, whose message says what to add (the span shows which function).
    let twin = last.ident.to_string().starts_with(crate::dual::TWIN_PREFIX);
    let fallback = match twin {
        true => quote!(::autodiff::__private::NoTwin),
        false => quote!(::autodiff::__private::NotDifferentiable),
    };
    let split = match twin {
        true => quote_spanned!(span=>
            ::autodiff::__private::TwinFn::split(#companion #turbofish (#(#args),*))
        ),
        // The callee is named for the error's message. A generic callee named without a
        // turbofish gets its type parameters from a call on the arguments' types, in a branch
        // that never runs (else it would be a value of uninferred type).
        // (Each `like` bound first: its type is then the argument's own, and the call
        // coerces it as it does the argument, `&Vec<f64>` to `&[f64]`.)
        false => {
            let c = name(format_args!("callee"));
            let likes: Vec<Ident> = (0..args.len())
                .map(|i| name(format_args!("like{i}")))
                .collect();
            quote_spanned!(span=>
                let #c = #callee;
                if false {
                    #(let #likes = ::autodiff::__private::like(&#args);)*
                    let _ = #c(#(#likes),*);
                }
                ::autodiff::__private::DifferentiableFn::split(#c, #companion #turbofish (#(#args),*))
            )
        }
    };
    quote_spanned! {span=>
        let (#v, #pb) = {
            #(let #args = #passed;)*
            #[allow(dead_code, non_camel_case_types, clippy::all)]
            fn #companion<#(#types),*>(#(_: #types),*) -> #fallback {
                #fallback
            }
            {
                #import
                #split
            }
        };
    }
}

/// `use <the callee's module>::*;`, which brings a companion defined next to the callee into
/// the inner block. `None` for an associated function
/// (`f64::max`, `Matrix::norm`): the attributes apply to free functions, and a type cannot be
/// glob-imported, so the caller's fallback it is.
fn module_import(callee: &Path, span: Span) -> Option<TokenStream> {
    let n = callee.segments.len();
    let owner = (n > 1).then(|| &callee.segments[n - 2].ident);
    match owner {
        Some(owner) if names_type(owner) => None,
        Some(_) => {
            let leading = &callee.leading_colon;
            let segments = callee.segments.iter().take(n - 1);
            Some(quote!(#leading #(#segments)::*))
        }
        None => Some(quote_spanned!(span=> self)),
    }
    .map(|module| quote_spanned!(span=> #[allow(unused_imports)] use #module::*;))
}

/// A path segment that names a type rather than a module: `Self`, a primitive, or a name in
/// `UpperCamelCase` (Rust's naming convention; modules are `snake_case`).
fn names_type(segment: &Ident) -> bool {
    const PRIMITIVES: &[&str] = &[
        "bool", "char", "str", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8",
        "u16", "u32", "u64", "u128", "usize",
    ];
    let text = segment.to_string();
    PRIMITIVES.contains(&text.as_str()) || text.starts_with(|c: char| c.is_ascii_uppercase())
}
