//! API v2 section 2 through the macro: the new elementwise methods, the methods of two
//! scalars, `logsumexp` and `logsumexp_axis`, in differentiated bodies, against finite
//! differences of the original function.
use autodiff::check::{
    check_hvp, check_jvp, max_relative_error, numeric_derivative, numeric_gradient,
};
use autodiff::ndarray::{array, Array1, Array2, Axis};
use autodiff::prelude::*;

const H: f64 = 1e-6;

#[differentiate]
fn elementwise(x: &Array1<f64>, s: f64) -> f64 {
    let a = (x * 0.5).ln_1p() + x.exp_m1() + (x * x + 1.0).log2() + (x * x + 2.0).log10();
    let b = (x + 3.0).recip() + x.sinh() * x.cosh() + (x * 0.5).asin() - (x * 0.4).acos();
    let c = x.atan() + x.cbrt();
    (a + b + c).sum() * s.atan() + s.cbrt() + s.recip() + s.ln_1p()
}

#[test]
fn elementwise_methods_on_arrays_and_scalars() {
    let x = array![0.3, -0.6, 1.1, 0.7];
    let s = 0.8;
    let (v, (dx, ds)) = elementwise_grad(&x, s);
    assert!((v - elementwise(&x, s)).abs() < 1e-12);
    let num = numeric_gradient(|x: &Array1<f64>| elementwise(x, s), &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
    let num_s = numeric_derivative(|s| elementwise(&x, s), s, H);
    assert!((ds - num_s).abs() < 1e-6 * (1.0 + num_s.abs()));
}

#[differentiate]
fn two_scalars(a: f64, b: f64) -> f64 {
    a.max(b) * 2.0 + a.min(b).sin() + a.atan2(b) + a.hypot(b) + a.max(0.0)
}

#[test]
fn methods_of_two_scalars() {
    for (a, b) in [(0.7, -0.4), (-0.3, 0.9), (1.5, 1.2), (-1.1, -2.0)] {
        let (v, (da, db)) = two_scalars_grad(a, b);
        assert!((v - two_scalars(a, b)).abs() < 1e-12);
        let na = numeric_derivative(|a| two_scalars(a, b), a, H);
        let nb = numeric_derivative(|b| two_scalars(a, b), b, H);
        assert!(
            (da - na).abs() < 1e-6 && (db - nb).abs() < 1e-6,
            "({a}, {b}): {da} {db} vs {na} {nb}"
        );
    }
}

#[test]
fn max_and_min_at_a_tie_give_the_gradient_to_the_receiver() {
    // max(a, b) * 2 + sin(min(a, b)) + ... at a = b: all of max's and min's go to `a`.
    let (_, (da, db)) = two_scalars_grad(0.5, 0.5);
    let (r2, c) = (0.5_f64, 0.5_f64.cos());
    let h = 0.5 / (2.0 * r2 * r2).sqrt();
    let at = 0.5 / (2.0 * r2 * r2);
    assert!((da - (2.0 + c + at + h + 1.0)).abs() < 1e-12, "{da}");
    assert!((db - (-at + h)).abs() < 1e-12, "{db}");
}

#[differentiate]
fn integers_keep_their_methods(x: &Array1<f64>, n: usize) -> f64 {
    let k = n.min(2);
    let m = n.max(1);
    x[k] * (m as f64)
}

#[test]
fn max_and_min_on_integers_are_data() {
    let x = array![1.0, 2.0, 3.0];
    let (v, (dx,)) = integers_keep_their_methods_grad(&x, 5);
    assert_eq!(v, 15.0);
    assert_eq!(dx, array![0.0, 0.0, 5.0]);
}

#[differentiate]
fn mixture(x: &Array2<f64>, means: &Array1<f64>, alphas: &Array1<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..x.nrows() {
        let d = x.row(i).to_owned() - means;
        total += logsumexp(&(alphas - &(&d * &d) * 0.5));
    }
    total + logsumexp(x)
}

#[test]
fn logsumexp_in_a_loop_and_of_a_matrix() {
    let x = array![[0.1, -0.5, 0.3], [1.2, 0.4, -0.8]];
    let means = array![0.0, 0.2, -0.1];
    let alphas = array![0.5, -0.3, 0.1];
    let (v, (dx, dm, da)) = mixture_grad(&x, &means, &alphas);
    assert!((v - mixture(&x, &means, &alphas)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array2<f64>| mixture(x, &means, &alphas), &x, H);
    let nm = numeric_gradient(|m: &Array1<f64>| mixture(&x, m, &alphas), &means, H);
    let na = numeric_gradient(|a: &Array1<f64>| mixture(&x, &means, a), &alphas, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6);
    assert!(max_relative_error(&dm, &nm) < 1e-6);
    assert!(max_relative_error(&da, &na) < 1e-6);
}

/// The mixture's log-sum-exp over components of every point at once (ADBench's GMM), with
/// a bias broadcast along the rows and a sum along the other axis.
#[differentiate(jvp, hvp)]
fn lanes(x: &Array2<f64>, alphas: &Array1<f64>) -> f64 {
    let terms = x * x * -0.5 + alphas;
    logsumexp_axis(&terms, Axis(1)).sum() + (logsumexp_axis(x, Axis(0)) * alphas).sum()
}

/// The same, one row at a time.
fn lanes_by_rows(x: &Array2<f64>, alphas: &Array1<f64>) -> f64 {
    let terms = x * x * -0.5 + alphas;
    let mut total = 0.0;
    for r in 0..x.nrows() {
        total += logsumexp(&terms.row(r));
    }
    for c in 0..x.ncols() {
        total += logsumexp(&x.column(c)) * alphas[c];
    }
    total
}

#[test]
fn logsumexp_along_an_axis_grad_jvp_and_hvp() {
    let x = array![
        [0.1, -0.5, 0.3],
        [1.2, 0.4, -0.8],
        [30.0, -2.0, 0.0],
        [0.6, 0.6, 0.6]
    ];
    let alphas = array![0.5, -0.3, 0.1];
    let (v, (dx, da)) = lanes_grad(&x, &alphas);
    assert!((v - lanes_by_rows(&x, &alphas)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array2<f64>| lanes(x, &alphas), &x, H);
    let na = numeric_gradient(|a: &Array1<f64>| lanes(&x, a), &alphas, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
    assert!(max_relative_error(&da, &na) < 1e-6, "{da} vs {na}");
    let tx = x.mapv(|v| (v * 3.7).sin());
    let (jv, tangent) = lanes_jvp(&x, &alphas, (tx.clone(), Array1::zeros(3)));
    assert!((jv - v).abs() < 1e-12);
    let e = check_jvp(|x: &Array2<f64>| lanes(x, &alphas), &x, &tx, &tangent, 1e-6);
    assert!(e < 1e-6, "jvp: {e}");
    let (_, (gx, _), (hx, _)) = lanes_hvp(&x, &alphas, (tx.clone(), Array1::zeros(3)));
    assert!(max_relative_error(&gx, &dx) < 1e-12);
    let e = check_hvp(
        |x: &Array2<f64>| lanes_grad(x, &alphas).1 .0,
        &x,
        &tx,
        &hx,
        1e-5,
    );
    assert!(e < 1e-6, "hvp: {e}");
}

#[differentiate]
fn rows_and_columns(x: &Array2<f64>, w: &Array1<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..x.nrows() {
        total += (&x.row(i) * w).sum().tanh();
    }
    for j in 0..x.ncols() {
        total += x.column(j).dot(&x.column(j)) * w[j];
    }
    total
}

#[test]
fn row_and_column_reads_scatter_back() {
    let x = array![[0.1, -0.5, 0.3], [1.2, 0.4, -0.8]];
    let w = array![0.5, -0.3, 0.1];
    let (v, (dx, dw)) = rows_and_columns_grad(&x, &w);
    assert!((v - rows_and_columns(&x, &w)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array2<f64>| rows_and_columns(x, &w), &x, H);
    let nw = numeric_gradient(|w: &Array1<f64>| rows_and_columns(&x, w), &w, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
    assert!(max_relative_error(&dw, &nw) < 1e-6);
}
