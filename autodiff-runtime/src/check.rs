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

/// A function value finite differences work on: a scalar or an array.
pub trait Difference<A: Scalar>: Sized {
    /// `(plus - minus) / step`.
    fn central(plus: Self, minus: Self, step: A) -> Self;
    /// The largest [`relative_error`] between `self` (analytic) and `numeric`.
    fn max_error(&self, numeric: &Self) -> A;
}

impl<A: Scalar> Difference<A> for A {
    fn central(plus: A, minus: A, step: A) -> A {
        (plus - minus) / step
    }
    fn max_error(&self, numeric: &A) -> A {
        relative_error(*self, *numeric)
    }
}

impl<A: Scalar, E: Dimension> Difference<A> for Array<A, E> {
    #[track_caller]
    fn central(plus: Self, minus: Self, step: A) -> Self {
        assert!(
            plus.shape() == minus.shape(),
            "finite differences: f(x + h t) has shape {:?} but f(x - h t) has shape {:?}",
            plus.shape(),
            minus.shape()
        );
        (plus - minus).mapv_into(|d| d / step)
    }
    #[track_caller]
    fn max_error(&self, numeric: &Self) -> A {
        max_relative_error(self, numeric)
    }
}

/// The directional derivative of `f` at `x` along `t` by central differences,
/// `(f(x + h t) - f(x - h t)) / 2h` (elementwise for an array result): what `NAME_jvp`
/// returns as the output tangent.
///
/// # Panics
///
/// If `h` is not positive and finite, or `t` does not have the shape of `x`.
///
/// ```
/// use autodiff_runtime::check::numeric_jvp;
/// use ndarray::array;
/// // f(x) = x ⊙ x has the JVP 2 x ⊙ t
/// let (x, t) = (array![1.0_f64, -2.0], array![0.5, 1.0]);
/// let jvp = numeric_jvp(|x| x * x, &x, &t, 1e-6);
/// assert!((jvp[0] - 1.0).abs() < 1e-8 && (jvp[1] + 4.0).abs() < 1e-8);
/// ```
#[track_caller]
pub fn numeric_jvp<A, S, D, O>(
    mut f: impl FnMut(&Array<A, D>) -> O,
    x: &ArrayBase<S, D>,
    t: &Array<A, D>,
    h: A,
) -> O
where
    A: Scalar,
    S: Data<Elem = A>,
    D: Dimension,
    O: Difference<A>,
{
    check_step(h);
    assert!(
        x.shape() == t.shape(),
        "numeric_jvp: the tangent has shape {:?} but x has shape {:?}",
        t.shape(),
        x.shape()
    );
    let plus = x.to_owned() + &t.mapv(|v| v * h);
    let minus = x.to_owned() - &t.mapv(|v| v * h);
    let two = A::one() + A::one();
    O::central(f(&plus), f(&minus), two * h)
}

/// The largest relative error of a JVP's output tangent `jvp` (from `NAME_jvp`) against
/// [`numeric_jvp`] of `f` at `x` along `t`.
///
/// ```
/// use autodiff_runtime::check::check_jvp;
/// use ndarray::array;
/// let (x, t) = (array![1.0_f64, -2.0], array![0.5, 1.0]);
/// let err = check_jvp(|x| x.mapv(f64::sin).sum(), &x, &t, &(0.5 * 1f64.cos() + (-2f64).cos()), 1e-6);
/// assert!(err < 1e-8);
/// ```
#[track_caller]
pub fn check_jvp<A, S, D, O>(
    f: impl FnMut(&Array<A, D>) -> O,
    x: &ArrayBase<S, D>,
    t: &Array<A, D>,
    jvp: &O,
    h: A,
) -> A
where
    A: Scalar,
    S: Data<Elem = A>,
    D: Dimension,
    O: Difference<A>,
{
    jvp.max_error(&numeric_jvp(f, x, t, h))
}

/// The Hessian-vector product of a function at `x` along `v` by central differences of its
/// gradient `grad` (for example `|x| f_grad(x).1.0`): `(∇f(x + h v) - ∇f(x - h v)) / 2h`.
///
/// ```
/// use autodiff_runtime::check::numeric_hvp;
/// use ndarray::array;
/// // f(x) = Σ x³ / 3 has ∇f = x², H = diag(2x)
/// let (x, v) = (array![1.0_f64, 3.0], array![1.0, -1.0]);
/// let hv = numeric_hvp(|x| x.mapv(|e| e * e), &x, &v, 1e-5);
/// assert!((hv[0] - 2.0).abs() < 1e-8 && (hv[1] + 6.0).abs() < 1e-8);
/// ```
#[track_caller]
pub fn numeric_hvp<A, S, D>(
    grad: impl FnMut(&Array<A, D>) -> Array<A, D>,
    x: &ArrayBase<S, D>,
    v: &Array<A, D>,
    h: A,
) -> Array<A, D>
where
    A: Scalar,
    S: Data<Elem = A>,
    D: Dimension,
{
    numeric_jvp(grad, x, v, h)
}

/// The largest relative error of a Hessian-vector product `hvp` (from `NAME_hvp`) against
/// [`numeric_hvp`] of the gradient `grad` at `x` along `v`.
///
/// ```
/// use autodiff_runtime::check::check_hvp;
/// use ndarray::array;
/// let (x, v) = (array![1.0_f64, 3.0], array![1.0, -1.0]);
/// let err = check_hvp(|x| x.mapv(|e| e * e), &x, &v, &array![2.0, -6.0], 1e-5);
/// assert!(err < 1e-8);
/// ```
#[track_caller]
pub fn check_hvp<A, S, D>(
    grad: impl FnMut(&Array<A, D>) -> Array<A, D>,
    x: &ArrayBase<S, D>,
    v: &Array<A, D>,
    hvp: &Array<A, D>,
    h: A,
) -> A
where
    A: Scalar,
    S: Data<Elem = A>,
    D: Dimension,
{
    max_relative_error(hvp, &numeric_hvp(grad, x, v, h))
}

#[track_caller]
fn check_step<A: Scalar>(h: A) {
    assert!(
        h.is_finite() && h > A::zero(),
        "finite differences: the step h must be positive and finite, got {h}"
    );
}
