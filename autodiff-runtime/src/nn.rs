//! Softmax family over the last axis, and the softmax cross-entropy loss. All max-shifted:
//! finite for logits of any size.
use crate::value::assert_same_shape;
use crate::Scalar;
use ndarray::{Array, Array2, ArrayBase, ArrayView1, ArrayViewMut1, Axis, Data, Dimension, Zip};

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
fn max_log_sum_exp<A: Scalar>(v: ArrayView1<'_, A>) -> (A, A) {
    let m = v.fold(A::neg_infinity(), |m, &x| m.max(x));
    if m == A::neg_infinity() || m == A::infinity() {
        return (m, A::zero());
    }
    (m, v.fold(A::zero(), |s, &x| s + (x - m).exp()).ln())
}

/// Softmax of one row, in place: `exp(x - m) / Σ exp(x - m)`.
fn softmax_row<A: Scalar>(mut row: ArrayViewMut1<'_, A>) {
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

/// VJP of [`softmax`]: y = softmax(z); dz += y ∘ (g - Σ_last(g ∘ y)).
#[track_caller]
pub fn softmax_vjp<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    z: &ArrayBase<S, D>,
    y: &Array<A, D>,
    g: &Array<A, D>,
) -> Array<A, D> {
    let axis = last_axis("softmax", z.shape());
    assert_same_shape("softmax", y.shape(), g.shape());
    let mut dz = g.clone();
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

/// VJP of [`log_softmax`]: y = log_softmax(z); dz += g - exp(y) Σ_last g.
#[track_caller]
pub fn log_softmax_vjp<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    z: &ArrayBase<S, D>,
    y: &Array<A, D>,
    g: &Array<A, D>,
) -> Array<A, D> {
    let axis = last_axis("log_softmax", z.shape());
    assert_same_shape("log_softmax", y.shape(), g.shape());
    let mut dz = g.clone();
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

/// Logits as a `[rows, classes]` matrix, checked against the labels.
#[track_caller]
fn logit_rows<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    z: &ArrayBase<S, D>,
    labels: &[usize],
) -> Array2<A> {
    let classes = z.shape().last().copied().unwrap_or(0);
    assert!(
        z.ndim() >= 1 && classes > 0,
        "cross_entropy: logits need a non-empty class axis, got shape {:?}",
        z.shape()
    );
    let rows = z.len() / classes;
    assert!(
        rows > 0,
        "cross_entropy: empty batch (logits of shape {:?})",
        z.shape()
    );
    assert!(
        labels.len() == rows,
        "cross_entropy: {} labels for logits of shape {:?} ({rows} rows)",
        labels.len(),
        z.shape()
    );
    if let Some((i, &l)) = labels.iter().enumerate().find(|(_, &l)| l >= classes) {
        panic!("cross_entropy: label {l} at row {i} is out of range for {classes} classes (logits of shape {:?})", z.shape());
    }
    // Standard layout, so that `cross_entropy_vjp` can reshape the gradient back (`to_shape`
    // keeps the layout of, say, a transposed view).
    match z.to_shape((rows, classes)) {
        Ok(m) => m.as_standard_layout().into_owned(),
        Err(e) => panic!("cross_entropy: {e}"),
    }
}

/// `cross_entropy(&logits, labels)`: the mean over the batch of `-log softmax(logits)[label]`,
/// with the classes on the last axis (`[B, C]` logits and `B` labels; a `[C]` vector takes one
/// label). Max-shifted: finite for logits of any size.
///
/// **Panics** naming the shapes on an empty batch, a label count that differs from the number
/// of rows, or a label `>= C`.
///
/// ```
/// let loss = autodiff_runtime::cross_entropy(&ndarray::array![[1e4, 0.0], [0.0, 0.0]], &[0, 1]);
/// assert!((loss - 0.5 * 2f64.ln()).abs() < 1e-12);
/// ```
#[track_caller]
pub fn cross_entropy<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    logits: &ArrayBase<S, D>,
    labels: &[usize],
) -> A {
    let z = logit_rows(logits, labels);
    let total = z
        .outer_iter()
        .zip(labels)
        .fold(A::zero(), |acc, (row, &l)| {
            let (m, ls) = max_log_sum_exp(row);
            acc + ((m - row[l]) + ls)
        });
    total / A::of_f64(labels.len() as f64)
}

/// VJP of [`cross_entropy`]: L = mean_i(-log softmax(z_i)\[y_i\]); dz += g (softmax(z) - e_y) / B.
#[track_caller]
pub fn cross_entropy_vjp<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    logits: &ArrayBase<S, D>,
    labels: &[usize],
    _loss: &A,
    g: &A,
) -> Array<A, D> {
    let mut dz = logit_rows(logits, labels);
    let scale = *g / A::of_f64(labels.len() as f64);
    for (mut row, &l) in dz.outer_iter_mut().zip(labels) {
        softmax_row(row.view_mut());
        row[l] -= A::one();
        row.mapv_inplace(|p| p * scale);
    }
    match dz.into_shape_with_order(logits.raw_dim()) {
        Ok(dz) => dz,
        Err(e) => panic!("cross_entropy: {e}"),
    }
}
