//! The two one-pass forms of the reverse sweep, each against central finite differences of
//! the original function and `NAME_vjp` against `seed * NAME_grad`:
//! - a loop of the function body that only adds into one scalar (`total += term(i)`) runs its
//!   VJPs inside the forward loop with the seed 1 and scales their sums afterwards;
//! - a straight-line scalar function that is a sum of terms differentiates each term where
//!   it is computed.
//!
//! And the loops that look like sums but are not (they must take the two-pass path).
use autodiff::check::{max_relative_error, numeric_derivative, numeric_gradient};
use autodiff::ndarray::{array, s, Array1, Array2};
use autodiff::prelude::*;

const H: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// `total` goes on after the loop (`ln`), so its adjoint is not 1: the sums are scaled.
#[differentiate]
fn weighted_then_log(x: &Array1<f64>, w: f64) -> f64 {
    let mut total = 1.0;
    for i in 0..x.len() {
        total += w * x[i] * x[i];
    }
    total.ln() * 3.0
}

#[test]
fn a_sum_used_after_the_loop_scales_the_gradients_of_arrays_and_scalars() {
    let x = array![0.3, -1.2, 2.0, 0.7];
    let w = 0.8;
    let (v, (dx, dw)) = weighted_then_log_grad(&x, w);
    assert_eq!(v, weighted_then_log(&x, w));
    let num = numeric_gradient(|x: &Array1<f64>| weighted_then_log(x, w), &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
    let num_w = numeric_derivative(|w| weighted_then_log(&x, w), w, H);
    assert!(close(dw, num_w), "{dw} vs {num_w}");
    // The pullback of a seed is the seed times the gradient.
    let (v2, (dx2, dw2)) = weighted_then_log_vjp(&x, w, -2.5);
    assert_eq!(v2, v);
    assert!(max_relative_error(&dx2, &(&dx * -2.5)) < 1e-12);
    assert!(close(dw2, -2.5 * dw));
}

/// `-=` and `total = term + total` are sums too; the terms read array rows and reduce them.
#[differentiate]
#[allow(clippy::assign_op_pattern)] // the `total = term + total` form is the point
fn rows(m: &Array2<f64>, b: &Array1<f64>) -> f64 {
    let mut total: f64 = 0.0;
    for i in 0..m.nrows() {
        let row = m.slice(s![i, ..]);
        total -= (&row * b).sum().sin();
        total = row.sum() * 0.5 + total;
    }
    total * total
}

#[test]
fn subtracted_and_prepended_terms_over_array_rows() {
    let m = array![[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]];
    let b = array![0.3, 0.9, -0.4];
    let (v, (dm, db)) = rows_grad(&m, &b);
    assert_eq!(v, rows(&m, &b));
    let num_m = numeric_gradient(|m: &Array2<f64>| rows(m, &b), &m, H);
    assert!(max_relative_error(&dm, &num_m) < 1e-6, "{dm} vs {num_m}");
    let num_b = numeric_gradient(|b: &Array1<f64>| rows(&m, b), &b, H);
    assert!(max_relative_error(&db, &num_b) < 1e-6, "{db} vs {num_b}");
}

/// f32, and a loop that may run zero times (the sums stay empty: zero gradient).
#[differentiate]
fn squares(x: &Array1<f32>, n: usize) -> f32 {
    let mut total = 0.0f32;
    for i in 0..n {
        total += x[i] * x[i];
    }
    total + x[0]
}

#[test]
fn f32_sums_and_a_loop_that_does_not_run() {
    let x: Array1<f32> = array![0.5, -2.0, 1.5];
    let (v, (dx,)) = squares_grad(&x, 3);
    assert_eq!(v, squares(&x, 3));
    assert_eq!(dx, array![2.0, -4.0, 3.0]);
    let (v, (dx,)) = squares_grad(&x, 0);
    assert_eq!(v, 0.5);
    assert_eq!(dx, array![1.0, 0.0, 0.0]);
}

/// Two loops adding into the same array's gradient, one after the other.
#[differentiate]
fn two_sums(x: &Array1<f64>) -> f64 {
    let mut a = 0.0;
    for i in 0..x.len() {
        a += x[i].exp();
    }
    let mut b = 0.0;
    for i in 1..x.len() {
        b += x[i] * x[i - 1];
    }
    a * b
}

#[test]
fn two_summing_loops_into_one_gradient() {
    let x = array![0.1, -0.4, 0.8, 0.3];
    let (v, (dx,)) = two_sums_grad(&x);
    assert_eq!(v, two_sums(&x));
    let num = numeric_gradient(two_sums, &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
}

/// Not sums: the carried value is read by the term (`total * ..`), a second carried value
/// is active, the loop is nested, or it breaks. Each keeps the two-pass sweep.
#[differentiate]
fn not_sums(x: &Array1<f64>) -> f64 {
    let mut total = 0.5;
    for i in 0..x.len() {
        total += total * x[i];
    }
    let mut p = 0.0;
    let mut q = 1.0;
    for i in 0..x.len() {
        p += x[i];
        q += p * x[i];
    }
    let mut r = 0.0;
    for _k in 0..2 {
        for i in 0..x.len() {
            r += x[i].sin();
        }
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        if s > 2.0 {
            break;
        }
        s += x[i] * x[i];
    }
    total + q + r + s
}

#[test]
fn loops_that_are_not_sums_keep_the_two_pass_sweep() {
    for x in [array![0.1, -0.4, 0.8, 0.3], array![1.5, 1.2, -0.7, 2.0]] {
        let (v, (dx,)) = not_sums_grad(&x);
        assert_eq!(v, not_sums(&x));
        let num = numeric_gradient(not_sums, &x, H);
        assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
    }
}

/// A helper with a summing loop, called from another differentiated function: its
/// pullback companion runs the unit sweep when called and scales when pulled back.
#[differentiate]
fn dot_self(x: &Array1<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() {
        total += x[i] * x[i];
    }
    total
}

#[differentiate]
fn calls_dot_self(x: &Array1<f64>, c: f64) -> f64 {
    dot_self(x).sqrt() * c
}

#[test]
fn a_summing_loop_in_a_callee() {
    let x = array![3.0, -4.0];
    let (v, (dx, dc)) = calls_dot_self_grad(&x, 2.0);
    assert!(close(v, 10.0));
    assert!(max_relative_error(&dx, &array![1.2, -1.6]) < 1e-12, "{dx}");
    assert!(close(dc, 5.0));
}

/// A straight-line sum with a repeated term, a negated subtree and a term that is also
/// used elsewhere (its adjoint then waits for both uses).
#[differentiate]
fn terms(x: f64, y: f64) -> f64 {
    let t = x * y;
    let u = t.sin();
    t + t - (u - y.exp()) + u * x
}

#[test]
fn straight_line_sums_with_shared_and_negated_terms() {
    for &(x, y) in &[(0.3, 1.7), (-1.1, 0.4), (2.0, -0.5)] {
        let (v, (dx, dy)) = terms_grad(x, y);
        assert_eq!(v, terms(x, y));
        assert!(
            close(dx, numeric_derivative(|x| terms(x, y), x, H)),
            "dx at {x},{y}"
        );
        assert!(
            close(dy, numeric_derivative(|y| terms(x, y), y, H)),
            "dy at {x},{y}"
        );
        let (_, (sx, sy)) = terms_vjp(x, y, 0.75);
        assert!(close(sx, 0.75 * dx) && close(sy, 0.75 * dy));
    }
}

/// An unrolled sum over array elements: each element read once however often it is written.
#[differentiate]
fn unrolled(x: &Array1<f64>) -> f64 {
    let a0 = x[1] - x[0] * x[0];
    let a1 = x[2] - x[1] * x[1];
    100.0 * a0 * a0 + (1.0 - x[0]) * (1.0 - x[0]) + 100.0 * a1 * a1 + (1.0 - x[1]) * (1.0 - x[1])
}

#[test]
fn unrolled_sum_over_elements() {
    let x = array![0.4, 1.3, -0.6];
    let (v, (dx,)) = unrolled_grad(&x);
    assert_eq!(v, unrolled(&x));
    let num = numeric_gradient(unrolled, &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
}
