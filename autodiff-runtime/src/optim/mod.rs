//! Optimisers: update parameters in place from their gradients.
//!
//! Each optimiser steps any [`Differentiable`](crate::Differentiable) value: a float array, a
//! scalar, a `Vec` or fixed array of them, or a struct with `#[derive(Differentiable)]`, whose
//! gradient has its own type. `opt.step(&mut params, &grads)` updates every leaf.
//!
//! - [`Sgd`]: `p ← p − lr·g`; no state, `step(&self, ..)`.
//! - [`Momentum`]: `v ← β·v + g`, `p ← p − lr·v` (PyTorch's form); one state array per leaf.
//! - [`Adam`]: bias-corrected first and second moments (Kingma and Ba, as in PyTorch); two
//!   state arrays per leaf.
//!
//! The stateful optimisers size their state at their first step, one array per leaf in
//! visiting order, of the leaf's shape and element type; a later step on parameters of another
//! structure panics. A step that panics (a gradient of another shape than its parameter, or
//! parameters that do not fit the state) has changed nothing.
//!
//! Hyperparameters are converted to each leaf's element type, so `Sgd::new(0.1)` steps `f32`
//! and `f64` parameters alike.
//!
//! ```
//! use autodiff_runtime::optim::{Adam, Momentum, Sgd};
//! use ndarray::array;
//!
//! // minimise f(w) = Σ (w - 3)², whose gradient is 2 (w - 3)
//! let grad = |w: &ndarray::Array1<f64>| w.mapv(|v| 2.0 * (v - 3.0));
//! let (sgd, mut momentum, mut adam) = (Sgd::new(0.25), Momentum::new(0.1, 0.5), Adam::new(0.1));
//! let (mut w1, mut w2, mut w3) = (array![0.0, 10.0], array![0.0, 10.0], array![0.0, 10.0]);
//! for _ in 0..500 {
//!     let (g1, g2, g3) = (grad(&w1), grad(&w2), grad(&w3));
//!     sgd.step(&mut w1, &g1);
//!     momentum.step(&mut w2, &g2);
//!     adam.step(&mut w3, &g3);
//! }
//! for w in [w1, w2, w3] {
//!     assert!(w.iter().all(|&v| (v - 3.0_f64).abs() < 1e-6), "{w}");
//! }
//! ```
mod adam;
mod momentum;
mod sgd;
mod state;

pub use adam::Adam;
pub use momentum::Momentum;
pub use sgd::Sgd;
