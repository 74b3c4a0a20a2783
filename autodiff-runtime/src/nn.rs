//! Softmax family over the last axis (the cross-entropy loss is in `cross_entropy.rs`). All
//! max-shifted: finite for logits of any size.
use crate::value::assert_same_shape;
use crate::{Cotangent, Scalar};
use ndarray::{Array, ArrayBase, ArrayView1, ArrayViewMut1, Axis, Data, Dimension, Zip};

#[track_caller]
fn last_axis(op: &str, shape: &[usize]) -> Axis {
    assert!(
        !shape.is_empty(),
        "{op}: needs an array with at least one axis, got shape {shape:?}"
    );
    Axis(shape.len() - 1)
}

/// `(m, ln Σ exp(v - m))` with `m` the maximum, so that `ln Σ exp(v) = m + ln Σ exp(v - m)`
/// never overflows. The two parts are kept apart: callers subtract `m` first, as rounding
/// `m + ln Σ` to one number loses `ln Σ` for large `|m|`.
pub(crate) fn max_log_sum_exp<A: Scalar>(v: ArrayView1<'_, A>) -> (A, A) {
    let m = v.fold(A::neg_infinity(), |m, &x| m.max(x));
    // By value alone (`==` on a dual number would compare its tangent too).
    if m.is_infinite() {
        return (m, A::zero());
    }
    (m, v.fold(A::zero(), |s, &x| s + (x - m).exp()).ln())
}

/// Softmax of one row, in place: `exp(x - m) / Σ exp(x - m)`.
pub(crate) fn softmax_row<A: Scalar>(mut row: ArrayViewMut1<'_, A>) {
    let m = row.fold(A::neg_infinity(), |m, &x| m.max(x));
    row.mapv_inplace(|x| (x - m).exp());
    let s = row.sum();
    row.mapv_inplace(|e| e / s);
}

/// `softmax(&z)` over the last axis: `exp(z - max) / Σ exp(z - max)`, finite for any logits.
///
/// **Panics** on a 0-dimensional array.
///
/// ```
/// let p = autodiff_runtime::softmax(&ndarray::array![[1.0_f64, 1.0], [1e4, 0.0]]);
/// let want = ndarray::array![[0.5, 0.5], [1.0, 0.0]];
/// assert!((&p - &want).iter().all(|d| d.abs() < 1e-15));
/// ```
#[track_caller]
pub fn softmax<A: Scalar, S: Data<Elem = A>, D: Dimension>(z: &ArrayBase<S, D>) -> Array<A, D> {
    let axis = last_axis("softmax", z.shape());
    let mut out = z.to_owned();
    out.lanes_mut(axis).into_iter().for_each(softmax_row);
    out
}

/// VJP of [`softmax`]: y = softmax(z); dz += y ∘ (g - Σ_last(g ∘ y)). Reads the output `y`;
/// `g` by reference, or by value to write the result into its buffer ([`Cotangent`]).
#[track_caller]
pub fn softmax_vjp<'g, A: Scalar, S: Data<Elem = A>, D: Dimension + 'g>(
    y: &ArrayBase<S, D>,
    g: impl Cotangent<'g, Array<A, D>>,
) -> Array<A, D> {
    let axis = last_axis("softmax", y.shape());
    let g = g.into_cow();
    assert_same_shape("softmax", y.shape(), g.shape());
    let mut dz = g.into_owned();
    Zip::from(dz.lanes_mut(axis))
        .and(y.lanes(axis))
        .for_each(|mut d, y| {
            let dot = d.dot(&y);
            Zip::from(&mut d)
                .and(&y)
                .for_each(|d, &y| *d = y * (*d - dot));
        });
    dz
}

/// `log_softmax(&z)` over the last axis: `z - max - ln Σ exp(z - max)`, finite for any logits.
///
/// **Panics** on a 0-dimensional array.
///
/// ```
/// let l = autodiff_runtime::log_softmax(&ndarray::array![0.0_f64, 0.0]);
/// assert!((l[0] - (0.5_f64).ln()).abs() < 1e-15);
/// ```
#[track_caller]
pub fn log_softmax<A: Scalar, S: Data<Elem = A>, D: Dimension>(z: &ArrayBase<S, D>) -> Array<A, D> {
    let axis = last_axis("log_softmax", z.shape());
    let mut out = z.to_owned();
    for mut row in out.lanes_mut(axis) {
        let (m, ls) = max_log_sum_exp(row.view());
        row.mapv_inplace(|x| (x - m) - ls);
    }
    out
}

/// VJP of [`log_softmax`]: y = log_softmax(z); dz += g - exp(y) Σ_last g. Reads the output
/// `y`; `g` by reference, or by value to write the result into its buffer ([`Cotangent`]).
#[track_caller]
pub fn log_softmax_vjp<'g, A: Scalar, S: Data<Elem = A>, D: Dimension + 'g>(
    y: &ArrayBase<S, D>,
    g: impl Cotangent<'g, Array<A, D>>,
) -> Array<A, D> {
    let axis = last_axis("log_softmax", y.shape());
    let g = g.into_cow();
    assert_same_shape("log_softmax", y.shape(), g.shape());
    let mut dz = g.into_owned();
    Zip::from(dz.lanes_mut(axis))
        .and(y.lanes(axis))
        .for_each(|mut d, y| {
            let total = d.sum();
            Zip::from(&mut d)
                .and(&y)
                .for_each(|d, &y| *d -= y.exp() * total);
        });
    dz
}
