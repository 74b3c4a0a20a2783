//! # autodiff: reverse-mode automatic differentiation of plain Rust functions, at compile time
//!
//! `#[differentiate]` rewrites a function body into an SSA tape and generates, beside the
//! unchanged original, `NAME_grad` (value and gradient) and `NAME_vjp` (vector-Jacobian
//! product): a forward sweep, then the adjoint code in reverse order. No run-time tape, no
//! nightly compiler: an ordinary proc macro on stable Rust.
//!
//! ```
//! use autodiff::prelude::*;
//!
//! #[differentiate]
//! fn f(x1: f64, x2: f64) -> f64 {
//!     x1.ln() + x1 * x2 - x2.sin()
//! }
//!
//! let (y, (dx1, dx2)) = f_grad(2.0, 5.0);
//! assert!((y - 11.652).abs() < 1e-3);
//! assert!((dx1 - 5.5).abs() < 1e-12);
//! assert!((dx2 - (2.0 - 5.0_f64.cos())).abs() < 1e-12);
//! ```
//!
//! A two-layer network, with gradients for the weights only (`x` and `y` are data: the
//! generated code spends no work on them):
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::ndarray::{array, Array2};
//!
//! #[differentiate(wrt(w1, w2))]
//! fn loss(x: &Array2<f64>, w1: &Array2<f64>, w2: &Array2<f64>, y: &[usize]) -> f64 {
//!     let z = sigmoid(&x.dot(w1));
//!     cross_entropy(&z.dot(w2), y)
//! }
//!
//! let x = array![[0.5, -1.0], [1.5, 2.0]];
//! let w1 = array![[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]];
//! let w2 = array![[0.1, -0.1], [0.2, 0.0], [-0.3, 0.3]];
//! let (l, (dw1, dw2)) = loss_grad(&x, &w1, &w2, &[0, 1]);
//! assert!(l > 0.0);
//! assert_eq!(dw1.shape(), w1.shape());
//! assert_eq!(dw2.shape(), w2.shape());
//! ```
//!
//! See the README for the supported syntax and the derivative rules.
//!
//! Matrix products use ndarray's pure-Rust `matrixmultiply` by default; the cargo feature
//! `blas` routes every `f32`/`f64` product through the system OpenBLAS (`libopenblas-dev` on
//! Debian/Ubuntu). On the network shapes measured in BENCHMARKS.md neither is clearly faster.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// `#[derive(Differentiable)]`: implements [`Differentiable`](trait@Differentiable) for a
/// struct with named fields, so that it can be a parameter, a gradient and an optimiser's
/// target. Each field is walked in order through its own type's impl: `f32`, `f64`, float
/// ndarray arrays, `Vec<T>` and `[T; N]` of differentiable `T`, and other derived structs.
/// `#[differentiable(skip)]` marks a field as data: it is not visited, and
/// [`copy_skipped`](trait@Differentiable) clones it. Generic structs keep their generics,
/// with a bound per field. The struct must also be `Clone`.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::ndarray::{array, Array1, Array2};
/// use autodiff::optim::Adam;
///
/// #[derive(Differentiable, Clone, Debug, PartialEq)]
/// struct Layer<T: Float> {
///     w: Array2<T>,
///     b: Array1<T>,
/// }
///
/// #[derive(Differentiable, Clone, Debug)]
/// struct Mlp {
///     layers: Vec<Layer<f64>>,
///     temperature: f64,
///     #[differentiable(skip)]
///     name: String, // data: cloned into gradients, never stepped
/// }
///
/// let mut mlp = Mlp {
///     layers: vec![Layer { w: array![[1.0, 2.0]], b: array![0.5, -0.5] }],
///     temperature: 2.0,
///     name: "tiny".to_string(),
/// };
/// let mut grad = mlp.zero_like();
/// assert_eq!(grad.layers[0].b, array![0.0, 0.0]);
/// assert_eq!(grad.name, "tiny");
/// grad.layers[0].w[[0, 1]] = 1.0;
/// grad.temperature = -1.0;
///
/// let mut adam = Adam::new(0.1);
/// adam.step(&mut mlp, &grad);
/// assert!((mlp.layers[0].w[[0, 1]] - 1.9).abs() < 1e-6);
/// assert!((mlp.temperature - 2.1).abs() < 1e-6);
/// assert_eq!(mlp.layers[0].b, array![0.5, -0.5]); // a zero gradient moves nothing
/// ```
pub use autodiff_macros::Differentiable;
pub use autodiff_macros::{custom_vjp, differentiate};
/// The check behind a field read as data where its type is unknown to the macro (see its
/// documentation): it appears in the error for a float field read so.
pub use autodiff_runtime::DataField;
/// Values made of float leaves (parameters and their gradients): `f32`, `f64`, float ndarray
/// arrays, `Vec<T>`, `[T; N]`, and structs with
/// [`#[derive(Differentiable)]`](derive@Differentiable). The optimisers in [`optim`] step any
/// of them.
pub use autodiff_runtime::Differentiable;
/// The float types a generic differentiated function may use (`f32`, `f64`).
pub use autodiff_runtime::Float;
pub use autodiff_runtime::{check, datasets, optim};
/// The check behind calls from differentiated bodies (see its documentation): it appears in
/// the error for a call to a function without `#[differentiate]` or `#[custom_vjp]`.
pub use autodiff_runtime::{DifferentiableFn, NotDifferentiable};
/// What [`Differentiable::visit_leaves`] and [`Differentiable::visit_leaf_pairs`] call on
/// each leaf.
pub use autodiff_runtime::{LeafPairVisitor, LeafVisitor};
/// The check behind calls from functions with `jvp` or `hvp` (see its documentation): it
/// appears in the error for a call to a function without either.
pub use autodiff_runtime::{NoTwin, TwinFn};
/// ndarray, re-exported so users and the generated code share one version.
pub use ndarray;

/// Everything a differentiated body may call: the attribute and the runtime functions, and
/// `Differentiable` (the trait and its derive).
pub mod prelude {
    pub use autodiff_macros::{custom_vjp, differentiate, Differentiable};
    pub use autodiff_runtime::Differentiable;
    pub use autodiff_runtime::{
        cross_entropy, log_softmax, logsumexp, logsumexp_axis, matmul, relu, sigmoid, softmax,
        Float,
    };
}

/// Paths used by generated code. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use autodiff_runtime::*;
}
