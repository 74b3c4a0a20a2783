//! The two-layer network shared by `benches/network.rs` and `peers/benches/peers/network.rs`:
//! `cross_entropy(sigmoid(X W1) W2, y)` in f32 with `#[differentiate(wrt(w1, w2))]`, its
//! careful hand-written gradient and the inputs of the performance issue. Included with
//! `#[path]` (not a bench target of its own).
use autodiff::ndarray::linalg::general_mat_mul;
use autodiff::ndarray::{Array2, Zip};
use autodiff::prelude::*;
use std::hint::black_box;

#[differentiate(wrt(w1, w2))]
pub fn loss(x: &Array2<f32>, w1: &Array2<f32>, w2: &Array2<f32>, y: &[usize]) -> f32 {
    let z = sigmoid(&x.dot(w1));
    cross_entropy(&z.dot(w2), y)
}

/// Buffers for the hand-written gradient, allocated once per problem size.
pub struct Work {
    /// `X W1`, then `s = sigmoid(X W1)` in place.
    pub s: Array2<f32>,
    /// The logits `s W2`, then `dL/dlogits` in place.
    pub z: Array2<f32>,
    /// `dL/ds`, then `dL/d(X W1)` in place.
    pub ds: Array2<f32>,
    pub dw1: Array2<f32>,
    pub dw2: Array2<f32>,
}

impl Work {
    pub fn new(b: usize, d: usize, h: usize, c: usize) -> Self {
        Work {
            s: Array2::zeros((b, h)),
            z: Array2::zeros((b, c)),
            ds: Array2::zeros((b, h)),
            dw1: Array2::zeros((d, h)),
            dw2: Array2::zeros((h, c)),
        }
    }
}

/// Turns each row of logits into `(softmax - onehot) / B` in place; returns the mean loss.
pub fn softmax_ce_backward(z: &mut Array2<f32>, y: &[usize]) -> f32 {
    let scale = 1.0 / y.len() as f32;
    let mut total = 0.0_f32;
    for (mut row, &label) in z.outer_iter_mut().zip(y) {
        let m = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let zl = row[label];
        let mut sum = 0.0_f32;
        row.mapv_inplace(|v| {
            let e = (v - m).exp();
            sum += e;
            e
        });
        total += (m - zl) + sum.ln();
        let k = scale / sum;
        row.mapv_inplace(|e| e * k);
        row[label] -= scale;
    }
    total * scale
}

/// The careful hand-written gradient: five matrix products into preallocated buffers, the
/// sigmoid and the softmax done in place. The gradients land in `work.dw1`, `work.dw2`.
#[inline(never)]
pub fn hand_grad(
    x: &Array2<f32>,
    w1: &Array2<f32>,
    w2: &Array2<f32>,
    y: &[usize],
    work: &mut Work,
) -> f32 {
    let Work { s, z, ds, dw1, dw2 } = work;
    general_mat_mul(1.0, x, w1, 0.0, s);
    s.mapv_inplace(|a| 1.0 / (1.0 + (-a).exp()));
    general_mat_mul(1.0, s, w2, 0.0, z);
    let l = softmax_ce_backward(z, y);
    general_mat_mul(1.0, &s.t(), z, 0.0, dw2);
    general_mat_mul(1.0, z, &w2.t(), 0.0, ds);
    Zip::from(&mut *ds)
        .and(&*s)
        .for_each(|d, &s| *d *= s * (1.0 - s));
    general_mat_mul(1.0, &x.t(), ds, 0.0, dw1);
    l
}

/// The same gradient written as ordinary ndarray code: `.dot` and fresh arrays, returned
/// owned like `loss_grad`'s.
#[inline(never)]
pub fn hand_grad_alloc(
    x: &Array2<f32>,
    w1: &Array2<f32>,
    w2: &Array2<f32>,
    y: &[usize],
) -> (f32, (Array2<f32>, Array2<f32>)) {
    let s = x.dot(w1).mapv_into(|a| 1.0 / (1.0 + (-a).exp()));
    let mut z = s.dot(w2);
    let l = softmax_ce_backward(&mut z, y);
    let dw2 = s.t().dot(&z);
    let mut ds = z.dot(&w2.t());
    Zip::from(&mut ds)
        .and(&s)
        .for_each(|d, &s| *d *= s * (1.0 - s));
    let dw1 = x.t().dot(&ds);
    (l, (dw1, dw2))
}

/// One timed call of the generated gradient, its results folded into a number to keep (for
/// the timing loops of `interleaved.rs`, `peers/benches/interleaved.rs` and
/// `peers/examples/network_server.rs`).
pub fn generated_call(x: &Array2<f32>, w1: &Array2<f32>, w2: &Array2<f32>, y: &[usize]) -> f64 {
    let (l, (g1, g2)) = loss_grad(black_box(x), black_box(w1), w2, y);
    f64::from(l + g1[[0, 0]] + g2[[0, 0]])
}

/// One timed call of the hand-written gradient with buffers, as [`generated_call`].
pub fn buffers_call(
    x: &Array2<f32>,
    w1: &Array2<f32>,
    w2: &Array2<f32>,
    y: &[usize],
    work: &mut Work,
) -> f64 {
    let l = hand_grad(black_box(x), black_box(w1), w2, y, work);
    f64::from(l + work.dw1[[0, 0]] + work.dw2[[0, 0]])
}

/// One timed call of the allocating hand-written gradient, as [`generated_call`].
pub fn allocating_call(x: &Array2<f32>, w1: &Array2<f32>, w2: &Array2<f32>, y: &[usize]) -> f64 {
    let (l, (g1, g2)) = hand_grad_alloc(black_box(x), black_box(w1), w2, y);
    f64::from(l + g1[[0, 0]] + g2[[0, 0]])
}

/// One timed call of the forward loss alone, as [`generated_call`].
pub fn forward_call(x: &Array2<f32>, w1: &Array2<f32>, w2: &Array2<f32>, y: &[usize]) -> f64 {
    f64::from(loss(black_box(x), black_box(w1), w2, y))
}

pub type Inputs = (Array2<f32>, Array2<f32>, Array2<f32>, Vec<usize>);

pub fn inputs(b: usize, d: usize, h: usize, c: usize) -> Inputs {
    let x = Array2::from_shape_fn((b, d), |(i, j)| (0.1 * i as f32 + 0.37 * j as f32).sin());
    let w1 = Array2::from_shape_fn((d, h), |(i, j)| {
        0.01 * (0.3 * i as f32 + 0.7 * j as f32).cos()
    });
    let w2 = Array2::from_shape_fn((h, c), |(i, j)| {
        0.1 * (0.5 * i as f32 + 0.9 * j as f32).cos()
    });
    let y = (0..b).map(|i| i % c).collect();
    (x, w1, w2, y)
}
