//! Gradient checking: central finite differences to compare a gradient against, in your
//! own tests.
//!
//! ```
//! use autodiff_runtime::check::{max_relative_error, numeric_gradient};
//! use ndarray::array;
//!
//! // f(w) = Σ w³ has the gradient 3w²
//! let w = array![[1.0, -2.0], [0.5, 3.0]];
//! let analytic = w.mapv(|v: f64| 3.0 * v * v);
//! let numeric = numeric_gradient(|w| w.mapv(|v| v.powi(3)).sum(), &w, 1e-6);
//! assert!(max_relative_error(&analytic, &numeric) < 1e-6);
//! ```
//!
//! **Choosing `h`.** A central difference has a truncation error of order `h²` and a rounding
//! error of order `ε/h` (`ε` the machine epsilon), smallest near `h ≈ ε^(1/3)`: about `1e-5`
//! to `1e-6` for `f64` and `1e-2` to `1e-3` for `f32`, times the scale of `x` if it is far
//! from 1. Expect agreement to about `1e-6` in `f64` but only `1e-2` to `1e-3` in `f32`, so
//! prefer checking in `f64`. Near a kink (`relu`, `abs`, `max` at a tie) the two one-sided
//! slopes differ and no `h` helps: keep test points away from kinks.
use crate::Scalar;
use ndarray::{Array, ArrayBase, Data, Dimension, IntoDimension, Zip};

/// `(f(x + h) - f(x - h)) / 2h`: the central-difference estimate of `f'(x)`.
///
/// The divisor is the step actually taken, `(x + h) - (x - h)` in floating point, which is
/// slightly more accurate than `2h` when `x + h` rounds.
///
/// # Panics
///
/// If `h` is not positive and finite, or is too small to change `x`.
///
/// ```
/// use autodiff_runtime::check::numeric_derivative;
/// let d = numeric_derivative(|x: f64| x.sin(), 1.0, 1e-5);
/// assert!((d - 1f64.cos()).abs() < 1e-9);
/// ```
#[track_caller]
pub fn numeric_derivative<A: Scalar>(mut f: impl FnMut(A) -> A, x: A, h: A) -> A {
    check_step(h);
    let (plus, minus) = (x + h, x - h);
    let step = plus - minus;
    assert!(
        step > A::zero(),
        "numeric_derivative: h = {h} is too small to change x = {x}"
    );
    (f(plus) - f(minus)) / step
}

/// The gradient of `f` at `x` by central differences: element `i` of the result is
/// `(f(x + h eᵢ) - f(x - h eᵢ)) / 2h`, one element at a time (`2 · x.len()` calls of `f`).
///
/// `f` receives a copy of `x` with one element moved; it may be called with any shape
/// `x` has, and with views (`&ArrayView2`, ...) as `x`. To check a gradient with respect to
/// one argument of a multi-argument function, close over the others.
///
/// # Panics
///
/// If `h` is not positive and finite, or is too small to change some element of `x` (the
/// message names the index).
///
/// ```
/// use autodiff_runtime::check::numeric_gradient;
/// use ndarray::array;
///
/// let x = array![1.0_f64, -2.0, 3.0];
/// let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
/// // gradient of Σ (A x) with respect to x is the column sums of A
/// let g = numeric_gradient(|x| a.dot(x).sum(), &x, 1e-6);
/// assert!(g.iter().zip([5.0, 7.0, 9.0]).all(|(g, e)| (g - e).abs() < 1e-8));
/// ```
#[track_caller]
pub fn numeric_gradient<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    mut f: impl FnMut(&Array<A, D>) -> A,
    x: &ArrayBase<S, D>,
    h: A,
) -> Array<A, D> {
    check_step(h);
    let mut moved = x.to_owned();
    let mut grad = Array::zeros(x.raw_dim());
    for (index, g) in grad.indexed_iter_mut() {
        let i = index.into_dimension();
        let xi = moved[i.clone()];
        let (plus, minus) = (xi + h, xi - h);
        let step = plus - minus;
        assert!(
            step > A::zero(),
            "numeric_gradient: h = {h} is too small to change x{:?} = {xi}",
            i.slice()
        );
        moved[i.clone()] = plus;
        let f_plus = f(&moved);
        moved[i.clone()] = minus;
        let f_minus = f(&moved);
        moved[i] = xi;
        *g = (f_plus - f_minus) / step;
    }
    grad
}

/// `|a - n| / max(1, |a|, |n|)`: the relative error between an analytic and a numeric
/// derivative where they are large, the absolute error where both are below 1 (so values
/// near zero do not inflate it). NaN if either is NaN or infinite, so a `< tol` check fails.
///
/// ```
/// use autodiff_runtime::check::relative_error;
/// assert_eq!(relative_error(198.0, 200.0), 0.01); // relative above 1
/// assert_eq!(relative_error(1e-9, 0.0), 1e-9); // absolute below 1
/// assert!(relative_error(f64::NAN, 0.0).is_nan());
/// ```
pub fn relative_error<A: Scalar>(analytic: A, numeric: A) -> A {
    if !analytic.is_finite() || !numeric.is_finite() {
        return A::nan();
    }
    let scale = A::one().max(analytic.abs()).max(numeric.abs());
    (analytic - numeric).abs() / scale
}

/// The largest [`relative_error`] over corresponding elements: 0 for empty arrays, NaN if
/// any element is NaN or infinite (so a `< tol` check fails).
///
/// # Panics
///
/// If the shapes differ (the message names both).
///
/// ```
/// use autodiff_runtime::check::max_relative_error;
/// use ndarray::array;
/// let analytic = array![1.0_f64, 100.0, 0.0];
/// let numeric = array![1.0, 101.0, 1e-3];
/// assert!((max_relative_error(&analytic, &numeric) - 1.0 / 101.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn max_relative_error<A, S1, S2, D>(
    analytic: &ArrayBase<S1, D>,
    numeric: &ArrayBase<S2, D>,
) -> A
where
    A: Scalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D: Dimension,
{
    assert!(
        analytic.shape() == numeric.shape(),
        "max_relative_error: the analytic gradient has shape {:?} but the numeric one has shape {:?}",
        analytic.shape(),
        numeric.shape()
    );
    Zip::from(analytic)
        .and(numeric)
        .fold(A::zero(), |worst, &a, &n| {
            let e = relative_error(a, n);
            // a NaN, once seen, is the result
            if worst.is_nan() || e <= worst {
                worst
            } else {
                e
            }
        })
}

#[track_caller]
fn check_step<A: Scalar>(h: A) {
    assert!(
        h.is_finite() && h > A::zero(),
        "finite differences: the step h must be positive and finite, got {h}"
    );
}
