//! Runtime of the [`autodiff`](https://docs.rs/autodiff) crate: every differentiable
//! operation as a forward function with its vector-Jacobian products (VJPs) beside it.
//!
//! The `#[differentiate]` macro knows only the *structure* of a function body; this crate
//! knows the *math*. Each operation `op` has a forward function `op` and one VJP per
//! differentiable argument (`op_vjp` for one argument, `op_vjp_lhs` / `op_vjp_rhs` for two).
//! A VJP receives what it reads, the forward arguments (`mul_vjp_rhs(&a, &b, g)`) or the
//! forward output `y` alone (`sigmoid_vjp(&y, g)`), and the output's adjoint `g`, and returns
//! the adjoint contribution for its argument, always of that argument's own shape:
//! broadcasting is undone by [`unbroadcast`]. Elementwise forwards take their operand by
//! reference or, to write into its buffer, by value ([`Operand`]); elementwise VJPs take `g`
//! the same way ([`Cotangent`]).
//!
//! Dispatch is by traits, so the same `mul` serves `f64 * f64`, `f32 * Array2<f32>` and a
//! `[H]` bias broadcast over `[B, H]`, and rustc picks the implementation from the real types.
//!
//! ```
//! use autodiff_runtime::{mul, mul_vjp_rhs};
//! use ndarray::{array, Array1};
//!
//! let a = array![[1.0, 2.0], [3.0, 4.0]];
//! let bias: Array1<f64> = array![10.0, 20.0];
//! let y = mul(&a, &bias); // broadcast over rows
//! let g = ndarray::Array2::ones(y.raw_dim());
//! let d_bias = mul_vjp_rhs(&a, &bias, &g); // summed back to the bias's shape
//! assert_eq!(d_bias, array![4.0, 6.0]);
//! ```
//!
//! Matrix products (`dot`, `matmul` and their VJPs) go through ndarray, by default to its
//! pure-Rust `matrixmultiply`; the optional cargo feature `blas` sends the `f32`/`f64` ones to
//! the system OpenBLAS instead (Debian/Ubuntu: `libopenblas-dev`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// With the `blas` feature, ndarray calls cblas; this links the provider (the system OpenBLAS).
#[cfg(feature = "blas")]
extern crate blas_src;

mod arith;
mod broadcast;
pub mod check;
mod companion;
mod cross_entropy;
pub mod datasets;
mod differentiable;
mod dot;
mod dual;
mod float;
mod forward_mode;
mod heap;
mod jacobian;
mod left_operand;
mod matmul;
mod model;
mod nn;
pub mod optim;
mod param;
mod reduce;
mod reduction;
mod scalar_binary;
mod select;
mod shape;
mod tape;
mod unary;
mod value;
mod views;
mod writes;

pub use arith::*;
pub use broadcast::{broadcast_shape, unbroadcast};
pub use companion::{
    like, twin_cast, twin_data, twin_int, untwin, DifferentiableFn, NoTwin, NotDifferentiable,
    TwinCast, TwinData, TwinFn, TwinInt, Untwin,
};
pub use cross_entropy::*;
pub use differentiable::{Differentiable, LeafPairVisitor, LeafPath, LeafVisitor};
pub use dot::*;
pub use dual::Dual;
pub use float::{lit, Float};
pub use forward_mode::{dualize, split_dual, Dualize, SplitDual};
pub use heap::retain_freed_heap;
pub use jacobian::*;
pub use left_operand::*;
pub use matmul::*;
pub use model::*;
pub use nn::*;
pub use param::*;
pub use reduce::*;
pub use reduction::*;
pub use scalar_binary::*;
pub use select::*;
pub use shape::*;
pub use tape::{pop, OnceTape, RegionTape};
pub use unary::*;
pub use value::*;
pub use views::*;
pub use writes::*;
