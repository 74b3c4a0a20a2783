//! Reductions and layout: `sum`, `mean`, `sum_axis`, `t`, with ndarray's exact semantics,
//! and `logsumexp` over all elements.
use crate::value::assert_same_shape;
use crate::{ArrayShape, Cotangent, Scalar, ScalarCotangent, Shaped};
use ndarray::{Array, ArrayBase, Axis, Data, Dimension, RemoveAxis, Zip};
use std::borrow::Borrow;
use std::borrow::Cow;

/// `x.sum()`: the sum of all elements.
///
/// ```
/// assert_eq!(autodiff_runtime::sum(&ndarray::array![1.0, 2.0]), 3.0);
/// ```
pub fn sum<A: Scalar, S: Data<Elem = A>, D: Dimension>(x: &ArrayBase<S, D>) -> A {
    x.sum()
}

/// VJP of [`sum`]: y = Σ x; dx += g (every element). Reads only the shape of `x`: the input
/// itself, or its [`shape_of`](crate::shape_of) kept for the reverse sweep; `g` by reference
/// or by value.
///
/// ```
/// use autodiff_runtime::{shape_of, sum_vjp};
/// let x = ndarray::array![1.0, 2.0];
/// assert_eq!(sum_vjp(&x, 0.5), ndarray::array![0.5, 0.5]);
/// assert_eq!(sum_vjp(&shape_of(&x), &0.5), ndarray::array![0.5, 0.5]);
/// ```
pub fn sum_vjp<A, T, D, G>(x: &T, g: G) -> Array<A, D>
where
    A: Scalar,
    T: Shaped<Shape = ArrayShape<D>> + ?Sized,
    D: Dimension,
    G: ScalarCotangent<A>,
{
    Array::from_elem(x.shape_of().0, G::scalar_cotangent(g))
}

/// `x.mean().unwrap()`: the mean of all elements.
///
/// **Panics** on an empty array (where ndarray's `mean()` returns `None`).
///
/// ```
/// assert_eq!(autodiff_runtime::mean(&ndarray::array![1.0, 2.0]), 1.5);
/// ```
#[track_caller]
pub fn mean<A: Scalar, S: Data<Elem = A>, D: Dimension>(x: &ArrayBase<S, D>) -> A {
    match x.mean() {
        Some(m) => m,
        None => panic!("mean: the array of shape {:?} is empty", x.shape()),
    }
}

/// VJP of [`mean`]: y = Σ x / n; dx += g / n ([`sum_vjp`] of `g / n`). Reads only the shape
/// of `x`, as [`sum_vjp`].
pub fn mean_vjp<A, T, D, G>(x: &T, g: G) -> Array<A, D>
where
    A: Scalar,
    T: Shaped<Shape = ArrayShape<D>> + ?Sized,
    D: Dimension,
    G: ScalarCotangent<A>,
{
    let n = A::of_f64(x.shape_of().0.size() as f64);
    sum_vjp(x, G::scalar_cotangent(g) / n)
}

/// `x.sum_axis(axis)`: sums along `axis`, removing it.
///
/// **Panics** if `axis` is out of bounds.
///
/// ```
/// use ndarray::{array, Axis};
/// let s = autodiff_runtime::sum_axis(&array![[1.0, 2.0], [3.0, 4.0]], Axis(0));
/// assert_eq!(s, array![4.0, 6.0]);
/// ```
#[track_caller]
pub fn sum_axis<A: Scalar, S: Data<Elem = A>, D: RemoveAxis>(
    x: &ArrayBase<S, D>,
    axis: Axis,
) -> Array<A, D::Smaller> {
    check_axis("sum_axis", axis, x.shape());
    // Short lanes along the last axis (`(&d * &d).sum_axis(Axis(1))` over a few columns): each
    // run of the contiguous data summed in place. ndarray's `sum_axis` makes a view of every
    // lane and sums it, which costs more than the additions for lanes of 2 (8% of GMM d2 K5's
    // gradient).
    let lane = x.shape().last().copied().unwrap_or(0);
    if axis.index() + 1 == x.ndim() && (1..=SHORT_LANE).contains(&lane) {
        if let Some(data) = x.as_slice() {
            let sums = data
                .chunks_exact(lane)
                .map(|run| run.iter().fold(A::zero(), |acc, &v| acc + v))
                .collect();
            if let Ok(y) = Array::from_shape_vec(x.raw_dim().remove_axis(axis), sums) {
                return y;
            }
        }
    }
    x.sum_axis(axis)
}

/// The longest lane [`sum_axis`] sums itself: ndarray sums lanes shorter than 8 in order too,
/// so the result is the same to the bit (from 8 on, ndarray's unrolled sum adds in another
/// order).
const SHORT_LANE: usize = 7;

/// Panics unless `axis` is an axis of an array of shape `shape` (`op` names the caller).
#[track_caller]
fn check_axis(op: &str, axis: Axis, shape: &[usize]) {
    assert!(
        axis.index() < shape.len(),
        "{op}: axis {} is out of bounds for shape {shape:?}",
        axis.index(),
    );
}

/// VJP of [`sum_axis`]: y = Σ_k x; dx += g broadcast back along axis k. Reads only the shape
/// of `x`, as [`sum_vjp`].
#[track_caller]
pub fn sum_axis_vjp<A, T, D, G>(x: &T, axis: Axis, g: G) -> Array<A, D>
where
    A: Scalar,
    T: Shaped<Shape = ArrayShape<D>> + ?Sized,
    D: RemoveAxis,
    G: Borrow<Array<A, D::Smaller>>,
{
    let (dim, g) = (x.shape_of().0, g.borrow());
    check_axis("sum_axis", axis, dim.slice());
    assert_same_shape("sum_axis", dim.remove_axis(axis).slice(), g.shape());
    // The last axis (`(&d * &d).sum_axis(Axis(1))`): each element of `g` repeated along it, in
    // one pass (a broadcast view's copy iterates element by element through dynamic shapes).
    if axis.index() + 1 == dim.ndim() {
        let n = dim[axis.index()];
        let mut data = Vec::with_capacity(g.len() * n);
        for &v in g.iter() {
            data.extend(std::iter::repeat_n(v, n));
        }
        if let Ok(dx) = Array::from_shape_vec(dim.clone(), data) {
            return dx;
        }
    }
    let g = g.view().into_dyn().insert_axis(axis);
    match g
        .broadcast(dim.clone().into_dyn())
        .map(|b| b.to_owned().into_dimensionality::<D>())
    {
        Some(Ok(dx)) => dx,
        _ => panic!(
            "sum_axis: an adjoint of shape {:?} does not fit input shape {:?}",
            g.shape(),
            dim.slice()
        ),
    }
}

/// `x.t()`: the transpose (all axes reversed). Returned owned, so the tape may keep it
/// across loop iterations; the copy is cheap next to the products it feeds.
///
/// ```
/// let a = ndarray::array![[1.0, 2.0, 3.0]];
/// assert_eq!(autodiff_runtime::t(&a).shape(), &[3, 1]);
/// ```
pub fn t<A: Scalar, S: Data<Elem = A>, D: Dimension>(x: &ArrayBase<S, D>) -> Array<A, D> {
    x.t().to_owned()
}

/// VJP of [`t`]: y = xᵀ; dx += gᵀ. Reads the output `y` (for its shape); `g` by reference, or
/// by value to transpose it in place ([`Cotangent`]).
#[track_caller]
pub fn t_vjp<'g, A: Scalar, S: Data<Elem = A>, D: Dimension + 'g>(
    y: &ArrayBase<S, D>,
    g: impl Cotangent<'g, Array<A, D>>,
) -> Array<A, D> {
    let g = g.into_cow();
    assert_same_shape("t", y.shape(), g.shape());
    match g {
        // An owned cotangent is transposed in place: the same buffer, axes reversed.
        Cow::Owned(g) => g.reversed_axes(),
        Cow::Borrowed(g) => g.t().to_owned(),
    }
}

/// `logsumexp(&x)`: `ln Σ exp(x)` over every element of an array or view of any rank,
/// max-shifted so that it is finite for any finite `x` (`-inf` for an empty array).
///
/// ```
/// use ndarray::array;
/// let y = autodiff_runtime::logsumexp(&array![[1000.0_f64, 1000.0], [f64::NEG_INFINITY, 1000.0]]);
/// assert!((y - (1000.0 + 3.0_f64.ln())).abs() < 1e-12);
/// ```
pub fn logsumexp<A: Scalar, S: Data<Elem = A>, D: Dimension>(x: &ArrayBase<S, D>) -> A {
    let m = x.fold(A::neg_infinity(), |m, &v| m.max(v));
    // By value alone (`==` on a dual number would compare its tangent too).
    if m.is_infinite() {
        return m;
    }
    m + x.fold(A::zero(), |s, &v| s + (v - m).exp()).ln()
}

/// VJP of [`logsumexp`]: y = ln Σ exp(x); dx += g exp(x - y), a softmax over all elements
/// (0 where `y` is infinite: an empty array, all `-inf`, or an infinite element).
pub fn logsumexp_vjp<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    x: &ArrayBase<S, D>,
    g: &A,
) -> Array<A, D> {
    let y = logsumexp(x);
    if !y.is_finite() {
        return Array::zeros(x.raw_dim());
    }
    let g = *g;
    x.mapv(|v| g * (v - y).exp())
}

/// [`logsumexp`] that also keeps what its VJP needs, from the same pass: the softmax
/// `exp(x - y)` (zeros where `y` is not finite, as [`logsumexp_vjp`] gives). The fused
/// forward the generated code calls where the value needs a gradient: the reverse sweep then
/// evaluates no `exp` and no `ln` again.
///
/// ```
/// let x = ndarray::array![0.0_f64, 2.0_f64.ln()];
/// let (y, softmax) = autodiff_runtime::logsumexp_saving(&x);
/// assert!((y - 3.0_f64.ln()).abs() < 1e-15);
/// assert!((softmax[1] - 2.0 / 3.0).abs() < 1e-15);
/// ```
pub fn logsumexp_saving<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    x: &ArrayBase<S, D>,
) -> (A, Array<A, D>) {
    let m = x.fold(A::neg_infinity(), |m, &v| m.max(v));
    if m.is_infinite() {
        return (m, Array::zeros(x.raw_dim()));
    }
    let mut e = x.mapv(|v| (v - m).exp());
    let sum = e.sum();
    let y = m + sum.ln();
    if !y.is_finite() {
        return (y, Array::zeros(x.raw_dim()));
    }
    e.mapv_inplace(|v| v / sum);
    (y, e)
}

/// VJP of [`logsumexp`] from what [`logsumexp_saving`] kept: dx += g softmax(x), scaled in
/// place.
pub fn logsumexp_saved_vjp<A: Scalar, D: Dimension>(saved: Array<A, D>, g: &A) -> Array<A, D> {
    let g = *g;
    let mut dx = saved;
    dx.mapv_inplace(|p| p * g);
    dx
}

/// `logsumexp_axis(&x, Axis(k))`: [`logsumexp`] of every lane along axis `k` (one value per
/// lane, the axis removed, as `sum_axis` does): scipy's and JAX's `logsumexp(x, axis=k)`.
/// Each lane is max-shifted, so the result is finite for any finite `x`.
///
/// **Panics** if `axis` is out of bounds.
///
/// ```
/// use ndarray::{array, Axis};
/// let x = array![[1000.0_f64, 1000.0], [0.0, f64::NEG_INFINITY]];
/// let y = autodiff_runtime::logsumexp_axis(&x, Axis(1));
/// assert!((y[0] - (1000.0 + 2.0_f64.ln())).abs() < 1e-12);
/// assert_eq!(y[1], 0.0);
/// ```
#[track_caller]
pub fn logsumexp_axis<A: Scalar, S: Data<Elem = A>, D: RemoveAxis>(
    x: &ArrayBase<S, D>,
    axis: Axis,
) -> Array<A, D::Smaller> {
    check_axis("logsumexp_axis", axis, x.shape());
    x.map_axis(axis, |lane| logsumexp(&lane))
}

/// VJP of [`logsumexp_axis`]: y_l = ln Σ_k exp(x_lk) per lane l; dx_lk += g_l exp(x_lk - y_l),
/// a softmax along each lane scaled by its cotangent (0 in a lane whose `y_l` is infinite).
#[track_caller]
pub fn logsumexp_axis_vjp<A: Scalar, S: Data<Elem = A>, D: RemoveAxis>(
    x: &ArrayBase<S, D>,
    axis: Axis,
    g: &Array<A, D::Smaller>,
) -> Array<A, D> {
    logsumexp_axis_saved_vjp(logsumexp_axis_saving(x, axis).1, g)
}

/// What [`logsumexp_axis_saving`] keeps for the VJP: the softmax of every lane, and the axis.
pub type LaneSoftmax<A, D> = (Array<A, D>, Axis);

/// [`logsumexp_axis`] that also keeps what its VJP needs, from the same pass: the softmax of
/// every lane (zeros in a lane whose value is not finite), and the axis. The fused forward the
/// generated code calls where the value needs a gradient.
///
/// ```
/// use ndarray::{array, Axis};
/// let x = array![[0.0_f64, 3.0_f64.ln()]];
/// let (y, (softmax, _)) = autodiff_runtime::logsumexp_axis_saving(&x, Axis(1));
/// assert!((y[0] - 4.0_f64.ln()).abs() < 1e-12);
/// assert!((softmax[[0, 1]] - 0.75).abs() < 1e-12);
/// ```
#[track_caller]
pub fn logsumexp_axis_saving<A: Scalar, S: Data<Elem = A>, D: RemoveAxis>(
    x: &ArrayBase<S, D>,
    axis: Axis,
) -> (Array<A, D::Smaller>, LaneSoftmax<A, D>) {
    check_axis("logsumexp_axis", axis, x.shape());
    let mut softmax = x.to_owned();
    let y = Zip::from(softmax.lanes_mut(axis)).map_collect(|mut lane| {
        let m = lane.fold(A::neg_infinity(), |m, &v| m.max(v));
        if m.is_infinite() {
            lane.fill(A::zero());
            return m;
        }
        lane.mapv_inplace(|v| (v - m).exp());
        let sum = lane.sum();
        let y = m + sum.ln();
        match y.is_finite() {
            true => lane.mapv_inplace(|v| v / sum),
            false => lane.fill(A::zero()),
        }
        y
    });
    (y, (softmax, axis))
}

/// VJP of [`logsumexp_axis`] from what [`logsumexp_axis_saving`] kept: each lane's softmax
/// scaled by its cotangent, in place.
///
/// **Panics** if `g` does not have the shape of the function's value.
#[track_caller]
pub fn logsumexp_axis_saved_vjp<A: Scalar, D: RemoveAxis>(
    (softmax, axis): LaneSoftmax<A, D>,
    g: &Array<A, D::Smaller>,
) -> Array<A, D> {
    let mut dx = softmax;
    assert_same_shape(
        "logsumexp_axis",
        dx.raw_dim().remove_axis(axis).slice(),
        g.shape(),
    );
    Zip::from(dx.lanes_mut(axis))
        .and(g)
        .for_each(|mut lane, &g| lane.mapv_inplace(|p| p * g));
    dx
}
