//! Parts of parameters read as views (`x.row(i)`, `x.column(j)`, `x.slice(..)` of an array
//! parameter: no copy in `NAME_vjp`/`NAME_grad`), and the places where a part stays a copy
//! (merged by a branch or a loop with a part of a local array, read by an expression, a
//! method's field): each function's gradient against central finite differences.
use autodiff::check::{max_relative_error, numeric_gradient};
use autodiff::ndarray::{array, s, Array1, Array2, ArrayView1, ArrayView2};
use autodiff::prelude::*;

const H: f64 = 1e-6;

fn matrix() -> Array2<f64> {
    array![
        [0.5, -0.3, 0.8, 0.1],
        [1.2, 0.1, -0.6, 0.4],
        [-0.9, 0.4, 0.2, 0.7]
    ]
}

/// Rows, columns, slices of rows (an LSTM cell's gates) in a loop: views kept on the tape.
#[allow(clippy::needless_range_loop)] // t indexes the rows of w too
#[differentiate]
fn gates(w: &Array2<f64>, v: &[f64]) -> f64 {
    let mut h = Array1::<f64>::zeros(2);
    let mut total = 0.0;
    for t in 0..w.nrows() {
        let row = w.row(t);
        let (a, b) = (row.slice(s![0..2]), row.slice(s![2..4]));
        let x = Array1::from_elem(2, v[t]);
        h = sigmoid(&(&a * &x + &b * &h)) * w.column(1).sum();
        total += (&h * &h).sum();
    }
    total + (&w.column(3) * &w.column(0)).sum()
}

#[test]
fn rows_columns_and_slices_of_parameters_in_a_loop() {
    let w = matrix();
    let v = vec![0.3, -0.7, 1.1];
    let (value, (dw, dv)) = gates_grad(&w, &v);
    assert_eq!(value, gates(&w, &v));
    let num = numeric_gradient(|w: &Array2<f64>| gates(w, &v), &w, H);
    assert!(max_relative_error(&dw, &num) < 1e-6, "{dw} vs {num}");
    let num = numeric_gradient(
        |v: &Array1<f64>| gates(&w, v.as_slice().unwrap()),
        &Array1::from(v.clone()),
        H,
    );
    assert!(max_relative_error(&Array1::from(dv), &num) < 1e-6);
}

/// A part of a parameter and a part of a local array merged by a branch and carried by a
/// loop (copies), read by an expression (a copy), in straight-line code with in-place ops.
#[differentiate]
fn merged(w: ArrayView2<f64>, k: f64) -> f64 {
    let local = &w * k;
    let picked = if k > 0.0 { w.row(0) } else { local.row(1) };
    let mut carried = w.row(1);
    let mut total = (&picked * &picked).sum();
    for i in 0..w.nrows() {
        total += (&carried * &local.row(i)).sum();
        carried = w.row(i);
    }
    let n = w.row(2).len() as f64;
    total + sigmoid(&(&w.row(2) * 2.0)).sum() / n
}

#[test]
fn parts_merged_carried_and_read_by_expressions() {
    let w = matrix();
    for k in [0.7, -0.4] {
        let (value, (dw, _)) = merged_grad(w.view(), k);
        assert_eq!(value, merged(w.view(), k));
        let num = numeric_gradient(|w: &Array2<f64>| merged(w.view(), k), &w, H);
        assert!(
            max_relative_error(&dw, &num) < 1e-6,
            "k = {k}: {dw} vs {num}"
        );
    }
}

/// A generic function reading rows, and a method reading rows of a field (a copy).
#[differentiate]
fn generic_rows<T: Float>(w: &Array2<T>) -> T {
    let mut total = T::zero();
    for i in 0..w.nrows() {
        total += (&w.row(i) * &w.row(0)).sum();
    }
    total
}

#[derive(Differentiable, Clone, Debug)]
struct Weights {
    w: Array2<f64>,
}

impl Weights {
    #[differentiate(wrt(self))]
    fn rows_of_field(&self, x: &Array1<f64>) -> f64 {
        let mut total = 0.0;
        for i in 0..self.w.nrows() {
            total += (&self.w.row(i) * &x.slice(s![0..4])).sum();
        }
        total
    }
}

#[test]
fn generic_functions_and_fields() {
    let w = matrix();
    let (value, (dw,)) = generic_rows_grad::<f64>(&w);
    assert_eq!(value, generic_rows(&w));
    let num = numeric_gradient(|w: &Array2<f64>| generic_rows(w), &w, H);
    assert!(max_relative_error(&dw, &num) < 1e-6, "{dw} vs {num}");
    let m = Weights { w };
    let x = array![0.2, -0.5, 0.9, 1.3, 0.4];
    let (value, (g,)) = m.rows_of_field_grad(&x);
    assert_eq!(value, m.rows_of_field(&x));
    let num = numeric_gradient(
        |w: &Array2<f64>| Weights { w: w.clone() }.rows_of_field(&x),
        &m.w,
        H,
    );
    assert!(max_relative_error(&g.w, &num) < 1e-6, "{} vs {num}", g.w);
}

/// A differentiated callee that takes a view, as a part is in plain Rust.
#[differentiate]
fn squares(v: ArrayView1<f64>) -> f64 {
    (&v * &v).sum()
}

#[differentiate]
fn weighted(v: &ArrayView1<f64>, k: f64) -> f64 {
    v.sum() * k
}

/// Parts of a parameter and of a local array passed to callees taking views, by value and
/// by reference.
#[differentiate]
fn calls_with_parts(x: &Array2<f64>) -> f64 {
    let local = x * 2.0;
    let mut total = 0.0;
    for i in 0..x.nrows() {
        total += squares(x.row(i)) + weighted(&local.row(i), x[[i, 0]]);
    }
    total + squares(x.slice(s![0, 1..3])) + weighted(&x.column(2), 0.5)
}

#[test]
fn parts_passed_to_callees_taking_views() {
    let x = matrix();
    let (value, (dx,)) = calls_with_parts_grad(&x);
    assert_eq!(value, calls_with_parts(&x));
    let num = numeric_gradient(calls_with_parts, &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
}

/// Parts merged by a branch and carried by a loop are views in plain Rust too: the callee
/// receives them as views (review: they did not compile).
#[differentiate]
fn merged_parts_to_callees(x: &Array2<f64>, k: usize) -> f64 {
    let r = if k > 0 { x.row(0) } else { x.row(1) };
    let mut q = x.row(0);
    for i in 1..x.nrows() {
        q = x.row(i);
    }
    squares(r) + squares(q) * weighted(&r, 0.5)
}

#[test]
fn merged_parts_passed_to_callees_taking_views() {
    let x = matrix();
    for k in [0, 1] {
        let (value, (dx,)) = merged_parts_to_callees_grad(&x, k);
        assert_eq!(value, merged_parts_to_callees(&x, k));
        let num = numeric_gradient(|x: &Array2<f64>| merged_parts_to_callees(x, k), &x, H);
        assert!(
            max_relative_error(&dx, &num) < 1e-6,
            "k = {k}: {dx} vs {num}"
        );
    }
}
