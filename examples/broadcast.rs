//! Gradients through broadcasting: each comes back with the shape of its own argument.
//!
//! ```text
//! cargo run --example broadcast
//! ```
//!
//! 1. A batched matrix product `[5, 10, 20] × [20, 30] -> [5, 10, 30]` (NumPy `matmul`
//!    semantics): `B` is shared by the 5 batch elements, so its gradient `[20, 30]` is the
//!    sum of their contributions.
//! 2. A bias `[H]` added to every row of a `[B, H]` batch: its gradient, `[H]`, is the sum of
//!    the row gradients.
//!
//! Both are checked against the gradient worked out by hand.
use autodiff::ndarray::{Array1, Array2, Array3, Axis};
use autodiff::prelude::*;

/// `Σ matmul(A, B)`: `A` is a batch of 5 matrices `[10, 20]`, `B` is one `[20, 30]`.
#[differentiate]
fn batched_sum(a: &Array3<f64>, b: &Array2<f64>) -> f64 {
    matmul(a, b).sum()
}

/// `½ Σ h²` with `h = x·W + bias`: the bias `[H]` is broadcast over the `B` rows.
#[differentiate(wrt(w, bias))]
fn dense(x: &Array2<f64>, w: &Array2<f64>, bias: &Array1<f64>) -> f64 {
    let h = x.dot(w) + bias;
    0.5 * (&h * &h).sum()
}

fn max_abs_diff<D: autodiff::ndarray::Dimension>(
    a: &autodiff::ndarray::Array<f64, D>,
    b: &autodiff::ndarray::Array<f64, D>,
) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter()
        .zip(b)
        .fold(0.0_f64, |m, (x, y)| m.max((x - y).abs()))
}

fn main() {
    batched_matmul();
    println!();
    bias();
}

fn batched_matmul() {
    println!("1. batched matmul: L = sum(matmul(A, B))");
    let a = Array3::from_shape_fn((5, 10, 20), |(i, j, k)| {
        ((i * 200 + j * 20 + k) as f64 * 0.01).sin()
    });
    let b = Array2::from_shape_fn((20, 30), |(k, n)| ((k * 30 + n) as f64 * 0.02).cos());
    let (l, (da, db)) = batched_sum_grad(&a, &b);
    println!(
        "   A  {:?} x B {:?} -> {:?}",
        a.shape(),
        b.shape(),
        matmul(&a, &b).shape()
    );
    println!("   L  = {l:.6}");
    println!("   dA {:?} (the shape of A)", da.shape());
    println!(
        "   dB {:?} (the shape of B: summed over the 5 batch elements)",
        db.shape()
    );
    assert_eq!(da.shape(), a.shape());
    assert_eq!(db.shape(), b.shape());

    // By hand: L = Σ_i Σ_r Σ_n Σ_k A[i,r,k] B[k,n], so
    //   dL/dB[k,n] = Σ_i Σ_r A[i,r,k]  (the same for every column n) and
    //   dL/dA[i,r,k] = Σ_n B[k,n]      (the same for every batch element i and row r).
    let col_of_a = a.sum_axis(Axis(0)).sum_axis(Axis(0)); // [20]: Σ over i and r
    let want_db = Array2::from_shape_fn((20, 30), |(k, _)| col_of_a[k]);
    let row_of_b = b.sum_axis(Axis(1)); // [20]: Σ over n
    let want_da = Array3::from_shape_fn((5, 10, 20), |(_, _, k)| row_of_b[k]);
    let want_l: f64 = col_of_a.dot(&row_of_b);
    assert!(
        (l - batched_sum(&a, &b)).abs() < 1e-9,
        "the value is the original's"
    );
    println!("   by hand: L = (Σ_i,r A[i,r,:]) · (Σ_n B[:,n]) = {want_l:.6}");
    println!(
        "   dB[k, n] = Σ_i,r A[i,r,k]: dB[0, 0] = {:.6} (by hand {:.6}), dB[19, 29] = {:.6} (by hand {:.6})",
        db[[0, 0]],
        want_db[[0, 0]],
        db[[19, 29]],
        want_db[[19, 29]]
    );
    println!(
        "   dA[i, r, k] = Σ_n B[k,n]: dA[0, 0, 0] = {:.6} (by hand {:.6}), dA[4, 9, 19] = {:.6} (by hand {:.6})",
        da[[0, 0, 0]],
        want_da[[0, 0, 0]],
        da[[4, 9, 19]],
        want_da[[4, 9, 19]]
    );
    let (err_l, err_da, err_db) = (
        (l - want_l).abs(),
        max_abs_diff(&da, &want_da),
        max_abs_diff(&db, &want_db),
    );
    println!("   max |generated - by hand|: L {err_l:.1e}, dA {err_da:.1e}, dB {err_db:.1e}");
    assert!(err_l < 1e-9 && err_da < 1e-9 && err_db < 1e-9);
}

fn bias() {
    println!("2. bias broadcast: h = x·W + bias, L = ½ Σ h²");
    let (batch, inputs, hidden) = (6, 3, 4);
    let x = Array2::from_shape_fn((batch, inputs), |(i, j)| (i as f64 - j as f64) * 0.3);
    let w = Array2::from_shape_fn((inputs, hidden), |(i, j)| (i + j) as f64 * 0.1 - 0.2);
    let bias = Array1::from_vec(vec![0.1, -0.2, 0.3, 0.0]);
    let (l, (dw, dbias)) = dense_grad(&x, &w, &bias);
    assert_eq!(l, dense(&x, &w, &bias), "the value is the original's");
    let h = x.dot(&w) + &bias;
    println!(
        "   x {:?} · W {:?} + bias {:?} -> h {:?}",
        x.shape(),
        w.shape(),
        bias.shape(),
        h.shape()
    );
    println!("   L = {l:.6}");
    println!("   dW    {:?}", dw.shape());
    println!(
        "   dbias {:?} (the shape of bias: summed over the {batch} rows)",
        dbias.shape()
    );
    assert_eq!(dw.shape(), w.shape());
    assert_eq!(dbias.shape(), &[hidden]);

    // By hand: dL/dh = h, so dL/dbias[j] = Σ_b h[b,j] (column sums) and dL/dW = xᵀ h.
    let want_dbias = h.sum_axis(Axis(0));
    let want_dw = x.t().dot(&h);
    println!("   dbias           = {:.6}", dbias);
    println!("   Σ_rows h (hand) = {:.6}", want_dbias);
    let (err_bias, err_w) = (
        max_abs_diff(&dbias, &want_dbias),
        max_abs_diff(&dw, &want_dw),
    );
    println!("   max |generated - by hand|: dbias {err_bias:.1e}, dW {err_w:.1e}");
    assert!(err_bias < 1e-12 && err_w < 1e-12);
}
