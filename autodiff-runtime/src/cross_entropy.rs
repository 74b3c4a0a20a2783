//! The softmax cross-entropy loss over the last axis, max-shifted (finite for logits of any
//! size), with its VJP: plain, or from the probabilities its forward pass kept.
use crate::nn::{max_log_sum_exp, softmax_row};
use crate::Scalar;
use ndarray::{Array, Array2, ArrayBase, CowArray, Data, Dimension, Ix2};

/// The `[rows, classes]` matrix shape of logits of shape `shape`, checked against the labels.
#[track_caller]
fn rows_and_classes(shape: &[usize], labels: &[usize]) -> (usize, usize) {
    let classes = shape.last().copied().unwrap_or(0);
    assert!(
        !shape.is_empty() && classes > 0,
        "cross_entropy: logits need a non-empty class axis, got shape {shape:?}"
    );
    let rows = shape.iter().product::<usize>() / classes;
    assert!(
        rows > 0,
        "cross_entropy: empty batch (logits of shape {shape:?})"
    );
    assert!(
        labels.len() == rows,
        "cross_entropy: {} labels for logits of shape {shape:?} ({rows} rows)",
        labels.len()
    );
    if let Some((i, &l)) = labels.iter().enumerate().find(|(_, &l)| l >= classes) {
        panic!("cross_entropy: label {l} at row {i} is out of range for {classes} classes (logits of shape {shape:?})");
    }
    (rows, classes)
}

/// Logits as a `[rows, classes]` matrix, checked against the labels.
#[track_caller]
fn logit_rows<'a, A: Scalar, S: Data<Elem = A>, D: Dimension>(
    z: &'a ArrayBase<S, D>,
    labels: &[usize],
) -> CowArray<'a, A, Ix2> {
    match z.to_shape(rows_and_classes(z.shape(), labels)) {
        Ok(m) => m,
        Err(e) => panic!("cross_entropy: {e}"),
    }
}

/// The logits of [`cross_entropy_saving`]: borrowed, then copied into the probabilities it
/// keeps, or owned (when the caller is done with them), then the probabilities are computed in
/// their buffer. The generated code passes logits by value where it reads them last.
pub trait Logits {
    /// The element type.
    type Elem: Scalar;
    /// The logits' dimension.
    type Dim: Dimension;
    /// The logits as an owned `[rows, classes]` matrix in standard layout (checked against
    /// the labels), and their own shape.
    fn into_rows(self, labels: &[usize]) -> (Array2<Self::Elem>, Self::Dim);
}

impl<A: Scalar, S: Data<Elem = A>, D: Dimension> Logits for &ArrayBase<S, D> {
    type Elem = A;
    type Dim = D;
    #[track_caller]
    fn into_rows(self, labels: &[usize]) -> (Array2<A>, D) {
        // `to_shape` keeps the layout of, say, a transposed view: standard layout first, so
        // that a gradient computed in it reshapes back to the logits' shape.
        let rows = logit_rows(self, labels);
        // One copy: `to_shape`'s own when it had to make one, else of the view.
        let rows = if rows.is_standard_layout() {
            rows.into_owned()
        } else {
            rows.as_standard_layout().into_owned()
        };
        (rows, self.raw_dim())
    }
}

impl<A: Scalar, D: Dimension> Logits for Array<A, D> {
    type Elem = A;
    type Dim = D;
    #[track_caller]
    fn into_rows(self, labels: &[usize]) -> (Array2<A>, D) {
        if !self.is_standard_layout() {
            return (&self).into_rows(labels);
        }
        let (rows, classes) = rows_and_classes(self.shape(), labels);
        let dim = self.raw_dim();
        (reshaped(self, Ix2(rows, classes)), dim)
    }
}

/// A standard-layout array in shape `dim` (logits as rows, `dz` back in the logits' shape).
#[track_caller]
fn reshaped<A: Scalar, E: Dimension, D: Dimension>(a: Array<A, E>, dim: D) -> Array<A, D> {
    match a.into_shape_with_order(dim) {
        Ok(a) => a,
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
    g: &A,
) -> Array<A, D> {
    let (mut dz, dim) = logits.into_rows(labels);
    let scale = *g / A::of_f64(labels.len() as f64);
    for (mut row, &l) in dz.outer_iter_mut().zip(labels) {
        softmax_row(row.view_mut());
        row[l] -= A::one();
        row.mapv_inplace(|p| p * scale);
    }
    reshaped(dz, dim)
}

/// What [`cross_entropy_saving`] keeps for the reverse sweep: `softmax(z) - e_y` per row, in
/// the logits' shape (the gradient before the factor `g / B`).
#[derive(Clone, Debug)]
pub struct CrossEntropySaved<A, D: Dimension> {
    unscaled: Array<A, D>,
    rows: usize,
}

/// [`cross_entropy`] that also keeps what its VJP needs, from the same pass of `exp`: the
/// macro calls this one where the loss needs a gradient, then [`cross_entropy_saved_vjp`].
/// Owned logits hold the probabilities in their own buffer ([`Logits`]).
///
/// **Panics** as [`cross_entropy`] does.
///
/// ```
/// use autodiff_runtime::{cross_entropy, cross_entropy_saved_vjp, cross_entropy_saving};
/// let z = ndarray::array![[2.0_f64, 0.0], [0.0, 0.0]];
/// let (loss, saved) = cross_entropy_saving(&z, &[0, 1]);
/// assert_eq!(loss, cross_entropy(&z, &[0, 1]));
/// // dL/dz = (softmax(z) - e_y) / B: each row sums to zero.
/// let dz = cross_entropy_saved_vjp(saved, &1.0);
/// assert!(dz.rows().into_iter().all(|r| r.sum().abs() < 1e-15));
/// assert!((dz[[1, 0]] - 0.25).abs() < 1e-15);
/// ```
#[track_caller]
pub fn cross_entropy_saving<A: Scalar, L: Logits<Elem = A>>(
    logits: L,
    labels: &[usize],
) -> (A, CrossEntropySaved<A, L::Dim>) {
    let (mut p, dim) = logits.into_rows(labels);
    let mut total = A::zero();
    for (mut row, &l) in p.outer_iter_mut().zip(labels) {
        let m = row.fold(A::neg_infinity(), |m, &x| m.max(x));
        let zl = row[l];
        let mut sum = A::zero();
        row.mapv_inplace(|x| {
            let e = (x - m).exp();
            sum += e;
            e
        });
        total += (m - zl) + sum.ln();
        let inv = A::one() / sum;
        row.mapv_inplace(|e| e * inv);
        row[l] -= A::one();
    }
    let rows = labels.len();
    let loss = total / A::of_f64(rows as f64);
    let unscaled = reshaped(p, dim);
    (loss, CrossEntropySaved { unscaled, rows })
}

/// VJP of [`cross_entropy`] from what [`cross_entropy_saving`] kept:
/// dz += g (softmax(z) - e_y) / B, scaled in place.
pub fn cross_entropy_saved_vjp<A: Scalar, D: Dimension>(
    saved: CrossEntropySaved<A, D>,
    g: &A,
) -> Array<A, D> {
    let scale = *g / A::of_f64(saved.rows as f64);
    let mut dz = saved.unscaled;
    dz.mapv_inplace(|p| p * scale);
    dz
}
