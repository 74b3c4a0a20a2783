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

pub use autodiff_macros::{custom_vjp, differentiate};
/// The float types a generic differentiated function may use (`f32`, `f64`).
pub use autodiff_runtime::Float;
pub use autodiff_runtime::{check, datasets, optim};
/// The check behind calls from differentiated bodies (see its documentation): it appears in
/// the error for a call to a function without `#[differentiate]` or `#[custom_vjp]`.
pub use autodiff_runtime::{DifferentiableFn, NotDifferentiable};
/// ndarray, re-exported so users and the generated code share one version.
pub use ndarray;

/// Everything a differentiated body may call: the attribute and the runtime functions.
pub mod prelude {
    pub use autodiff_macros::{custom_vjp, differentiate};
    pub use autodiff_runtime::{
        cross_entropy, log_softmax, logsumexp, matmul, relu, sigmoid, softmax, Float,
    };
}

/// Paths used by generated code. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use autodiff_runtime::*;
}
