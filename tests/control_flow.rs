//! `if`, loops, `break`, early `return`, indexing, slicing and calls between differentiated
//! functions, each against central finite differences of the original function.
use autodiff::check::{max_relative_error, numeric_derivative, numeric_gradient};
use autodiff::ndarray::{array, s, Array1, Array2};
use autodiff::prelude::*;

const H: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

#[differentiate]
fn branchy(x: f64, y: f64) -> f64 {
    let mut z = x * y;
    if x > 1.0 {
        z *= x;
    } else if x < -1.0 {
        z += y.exp();
    } else {
        z -= y.sin();
    }
    let w = if z > 0.0 { z.ln() } else { -z };
    w + x
}

#[test]
fn if_else_chains_take_each_branch() {
    for &(x, y) in &[
        (2.0, 0.7),
        (-2.0, 0.3),
        (0.5, 1.5),
        (0.5, -3.0),
        (2.0, -0.4),
    ] {
        let (v, (dx, dy)) = branchy_grad(x, y);
        assert_eq!(v, branchy(x, y));
        assert!(
            close(dx, numeric_derivative(|x| branchy(x, y), x, H)),
            "dx at {x},{y}"
        );
        assert!(
            close(dy, numeric_derivative(|y| branchy(x, y), y, H)),
            "dy at {x},{y}"
        );
    }
}

#[differentiate]
fn early_return(x: f64) -> f64 {
    let a = x * x;
    if a > 4.0 {
        return a.sqrt() * 3.0;
    }
    let b = a + x.sin();
    b * 2.0
}

#[test]
fn early_return_inside_a_branch() {
    for &x in &[3.0, -3.0, 0.5, -1.0] {
        let (v, (dx,)) = early_return_grad(x);
        assert_eq!(v, early_return(x));
        assert!(close(dx, numeric_derivative(early_return, x, H)), "at {x}");
    }
}

#[differentiate]
fn horner(c: &Array1<f64>, x: f64) -> f64 {
    let n = c.len();
    let mut acc = 0.0;
    for i in (0..n).rev() {
        acc = acc * x + c[i];
    }
    acc
}

#[test]
fn horner_polynomial_in_a_reversed_loop() {
    let c = array![1.0, -2.0, 0.5, 3.0];
    let x = 0.7;
    let (v, (dc, dx)) = horner_grad(&c, x);
    let want = 1.0 - 2.0 * x + 0.5 * x * x + 3.0 * x * x * x;
    assert!(close(v, want));
    assert!(close(dx, -2.0 + x + 9.0 * x * x));
    let want_dc = array![1.0, x, x * x, x * x * x];
    assert!(max_relative_error(&dc, &want_dc) < 1e-12);
}

#[test]
fn loops_with_zero_one_and_many_iterations() {
    let x = 0.3;
    for n in 0..4 {
        let c = Array1::from_shape_fn(n, |i| i as f64 + 1.0);
        let (v, (dc, dx)) = horner_grad(&c, x);
        assert_eq!(v, horner(&c, x));
        assert!(
            close(dx, numeric_derivative(|x| horner(&c, x), x, H)),
            "n = {n}"
        );
        let num = numeric_gradient(|c: &Array1<f64>| horner(c, x), &c, H);
        assert!(max_relative_error(&dc, &num) < 1e-6, "n = {n}");
    }
}

#[differentiate]
fn rosenbrock_loop(x: &Array1<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        total += 100.0 * a * a + b * b;
    }
    total
}

#[differentiate]
fn rosenbrock_unrolled(x: &Array1<f64>) -> f64 {
    let a0 = x[1] - x[0] * x[0];
    let a1 = x[2] - x[1] * x[1];
    let a2 = x[3] - x[2] * x[2];
    let b0 = 1.0 - x[0];
    let b1 = 1.0 - x[1];
    let b2 = 1.0 - x[2];
    100.0 * a0 * a0 + b0 * b0 + 100.0 * a1 * a1 + b1 * b1 + 100.0 * a2 * a2 + b2 * b2
}

#[test]
fn looped_and_unrolled_rosenbrock_agree() {
    let x = array![0.5, -1.2, 0.8, 1.1];
    let (v1, (g1,)) = rosenbrock_loop_grad(&x);
    let (v2, (g2,)) = rosenbrock_unrolled_grad(&x);
    assert!(close(v1, v2));
    assert!(max_relative_error(&g1, &g2) < 1e-12);
    let num = numeric_gradient(rosenbrock_loop, &x, H);
    assert!(max_relative_error(&g1, &num) < 1e-6);
}

#[differentiate]
fn newton_sqrt(x: f64) -> f64 {
    let mut y = x;
    let mut k = 0;
    while (y * y - x).abs() > 1e-12 * x && k < 100 {
        y = 0.5 * (y + x / y);
        k += 1;
    }
    y
}

#[test]
fn newton_iteration_square_root() {
    for &x in &[2.0, 9.0, 0.25] {
        let (v, (dx,)) = newton_sqrt_grad(x);
        assert!(close(v, x.sqrt()));
        // The iteration converges, so its derivative approaches 1/(2 sqrt x).
        assert!((dx - 0.5 / x.sqrt()).abs() < 1e-6, "{dx} at {x}");
    }
}

#[differentiate]
fn until_large(x: f64) -> f64 {
    let mut y = x;
    for _ in 0..100 {
        if y > 10.0 {
            break;
        }
        y = y * 1.5 + 0.1;
    }
    y
}

#[test]
fn break_replays_exactly_the_iterations_that_ran() {
    for &x in &[0.3, 2.0, 11.0] {
        let (v, (dx,)) = until_large_grad(x);
        assert_eq!(v, until_large(x));
        assert!(close(dx, numeric_derivative(until_large, x, H)), "at {x}");
    }
}

#[differentiate]
fn nested(m: &Array2<f64>, v: &Array1<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..m.nrows() {
        let mut row = 0.0;
        for j in 0..m.ncols() {
            if (i + j) % 2 == 0 {
                row += m[[i, j]] * v[j];
            } else {
                row -= (m[[i, j]] * v[j]).tanh();
            }
        }
        total += row * row;
    }
    total
}

#[test]
fn nested_loops_with_if_inside() {
    let m = Array2::from_shape_fn((3, 4), |(i, j)| (i as f64 - j as f64) * 0.3 + 0.1);
    let v = array![0.5, -0.2, 0.9, 0.4];
    let (val, (dm, dv)) = nested_grad(&m, &v);
    assert!(close(val, nested(&m, &v)));
    let num_m = numeric_gradient(|m: &Array2<f64>| nested(m, &v), &m, H);
    let num_v = numeric_gradient(|v: &Array1<f64>| nested(&m, v), &v, H);
    assert!(max_relative_error(&dm, &num_m) < 1e-6);
    assert!(max_relative_error(&dv, &num_v) < 1e-6);
}

#[differentiate]
fn window_product(x: &Array1<f64>) -> f64 {
    let head = x.slice(s![0..3]).sum();
    let k = x.len() - 2;
    let tail = x.slice(s![k..]).powi(2).sum();
    head * tail
}

#[test]
fn slices_scatter_their_gradient_back() {
    let x = array![0.5, -1.0, 2.0, 0.3, 1.5];
    let (v, (dx,)) = window_product_grad(&x);
    assert!(close(v, window_product(&x)));
    let num = numeric_gradient(window_product, &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6);
}

#[differentiate]
fn square(x: f64) -> f64 {
    x * x
}

#[differentiate]
fn sum_of_sines(x: f64, y: f64) -> f64 {
    square(x.sin()) + square(y) * x
}

mod utils {
    use autodiff::prelude::*;

    #[differentiate]
    pub fn helper(a: f64, b: f64) -> f64 {
        super::sum_of_sines(a, b) * b
    }
}

#[differentiate]
fn three_deep(x: f64) -> f64 {
    let mut t = 0.0;
    for i in 0..3 {
        t += utils::helper(x, i as f64 + 0.5);
    }
    t
}

#[test]
fn calls_compose_three_deep_and_across_modules() {
    let x = 0.7;
    let (v, (dx,)) = three_deep_grad(x);
    assert!(close(v, three_deep(x)));
    assert!(close(dx, numeric_derivative(three_deep, x, H)));
    let (_, (da, db)) = utils::helper_grad(0.3, 1.2);
    assert!(close(
        da,
        numeric_derivative(|a| utils::helper(a, 1.2), 0.3, H)
    ));
    assert!(close(
        db,
        numeric_derivative(|b| utils::helper(0.3, b), 1.2, H)
    ));
}

/// softplus(x) = ln(1 + e^x), computed stably; its VJP written by hand.
#[custom_vjp(softplus_rule)]
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

// y = softplus(x); dx += g * sigmoid(x)
fn softplus_rule(x: f64, _y: &f64, seed: &f64) -> (f64,) {
    (seed / (1.0 + (-x).exp()),)
}

#[differentiate]
fn uses_softplus(x: f64, w: f64) -> f64 {
    softplus(x * w) * w
}

#[test]
fn user_defined_rule_is_used_like_a_builtin() {
    for &(x, w) in &[(0.5, 2.0), (-30.0, 1.5), (800.0, 1.0)] {
        let (v, (dx, dw)) = uses_softplus_grad(x, w);
        assert!(v.is_finite() && dx.is_finite() && dw.is_finite());
        let s = 1.0 / (1.0 + (-(x * w)).exp());
        assert!(close(dx, s * w * w), "dx at {x}");
        assert!(close(dw, softplus(x * w) + s * x * w), "dw at {x}");
    }
}

/// Overlapping slices read in loops, of a vector and of a matrix (a step, a column range), in
/// a sum and in a recurrence: each slice's cotangent lands in its part, parts that overlap add.
#[differentiate]
fn sliding_windows(x: &Array1<f64>, m: &Array2<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() - 2 {
        let w = x.slice(s![i..i + 3]);
        total += (&w * &w).sum() * x[i];
    }
    let mut carry: f64 = 1.0;
    for j in 0..m.ncols() - 1 {
        let block = m.slice(s![..;2, j..j + 2]);
        carry = carry * 0.5 + (&block * &block).sum() * carry.sin();
    }
    total + carry
}

#[test]
fn overlapping_slices_in_loops_against_finite_differences() {
    let x = array![0.3, -1.2, 2.0, 0.7, -0.4, 1.1];
    let m = array![[0.5, -0.3, 0.8], [1.2, 0.1, -0.6], [-0.9, 0.4, 0.2]];
    let (v, (dx, dm)) = sliding_windows_grad(&x, &m);
    assert_eq!(v, sliding_windows(&x, &m));
    let num = numeric_gradient(|x: &Array1<f64>| sliding_windows(x, &m), &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
    let num = numeric_gradient(|m: &Array2<f64>| sliding_windows(&x, m), &m, H);
    assert!(max_relative_error(&dm, &num) < 1e-6, "{dm} vs {num}");
}
