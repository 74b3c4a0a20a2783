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
mod emit;
mod errors;
mod expand;
mod fallback;
mod ir;
mod lower;
mod rules;
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
