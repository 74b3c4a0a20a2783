//! The `#[differentiate]` attribute of the [`autodiff`](https://docs.rs/autodiff) crate.
//!
//! Use it through `autodiff::prelude::*`; this crate only holds the proc macro. It rewrites
//! the function body into an SSA tape (one `let` per operation), decides which values are
//! active, and emits `NAME_vjp` (forward sweep, then the adjoint code in reverse order) and
//! `NAME_grad` beside the unchanged original. The math lives in `autodiff-runtime`.
#![forbid(unsafe_code)]

mod analyze;
mod args;
mod custom;
mod derive;
mod dual;
mod emit;
mod errors;
mod expand;
mod fallback;
mod generic;
mod ir;
mod lower;
mod rules;
mod scalars;
mod signature;
#[cfg(test)]
mod tests;
mod widths;

use proc_macro::TokenStream;

/// Generates `NAME_grad` and `NAME_vjp` for a function on `f32`/`f64` scalars and float
/// ndarray arrays. `#[differentiate(wrt(a, b))]` restricts the gradient to those parameters;
/// without it every float parameter is active.
///
/// See the `autodiff` crate's documentation for the supported syntax and the generated
/// signatures.
#[proc_macro_attribute]
pub fn differentiate(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}

/// Declares the VJP of a function the macro should not see into (a numerically special
/// function, an FFI call): `#[custom_vjp(f_vjp)] fn f(..) -> Out`, where
/// `fn f_vjp(<f's parameters>, y: &Out, seed: &Out) -> (G1, ..)` returns one gradient per
/// float parameter of `f` (scalar, or an owned array of the parameter's shape). Functions
/// with `#[differentiate]` then call `f` like a built-in op.
#[proc_macro_attribute]
pub fn custom_vjp(args: TokenStream, item: TokenStream) -> TokenStream {
    custom::expand(args.into(), item.into()).into()
}

/// `#[derive(Differentiable)]`: implements `autodiff::Differentiable` for a struct with named
/// fields, walking the fields in order; `#[differentiable(skip)]` marks a field as data (not
/// differentiated; a gradient holds a clone of it). Every other field's type must be
/// differentiable: `f32`, `f64`, a float ndarray array, a `Vec<T>` or `[T; N]` of those, or
/// another struct with this derive. Generic structs get a bound per field.
///
/// See `autodiff::Differentiable` (the derive's re-export in the `autodiff` crate) for a
/// runnable example.
#[proc_macro_derive(Differentiable, attributes(differentiable))]
pub fn derive_differentiable(item: TokenStream) -> TokenStream {
    derive::derive(item.into()).into()
}
