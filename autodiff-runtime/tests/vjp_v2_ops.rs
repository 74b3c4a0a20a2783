//! The operations of API v2 section 2 against central finite differences (`fd/mod.rs`; the
//! new elementwise methods are with the others in `vjp_unary.rs`): the methods of two scalars
//! (`max`, `min`, `atan2`, `hypot`) on random inputs and at ties, `logsumexp` over arrays of
//! rank 1 to 3, including large and infinite entries, `logsumexp_axis` along every axis of
//! arrays of rank 2 and 3, and `row`/`column` reads.
mod fd;

use autodiff_runtime::*;
use fd::*;
use ndarray::{array, Array1, Array2, Array3, Axis};
use rand::Rng;

type Scalar2 = fn(&f64, &f64) -> f64;
type Scalar2Vjp = fn(&f64, &f64, &f64) -> f64;

#[test]
fn methods_of_two_scalars() {
    let rng = &mut rng();
    let ops: [(&str, Scalar2, Scalar2Vjp, Scalar2Vjp); 4] = [
        ("max", max, max_vjp_lhs, max_vjp_rhs),
        ("min", min, min_vjp_lhs, min_vjp_rhs),
        ("atan2", atan2, atan2_vjp_lhs, atan2_vjp_rhs),
        ("hypot", hypot, hypot_vjp_lhs, hypot_vjp_rhs),
    ];
    for (name, f, lhs, rhs) in ops {
        for _ in 0..20 {
            let (a, b): (f64, f64) = (rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0));
            if (a - b).abs() < 1e-3 {
                continue; // max/min switch there: not a smooth point
            }
            check_binary(
                name,
                &a,
                &b,
                f,
                |a, b, _, g| lhs(a, b, g),
                |a, b, _, g| rhs(a, b, g),
                rng,
            );
        }
    }
}

#[test]
fn max_and_min_give_the_gradient_to_the_returned_operand() {
    // The returned operand gets g; at a tie, `a` does.
    assert_eq!(
        (max_vjp_lhs(&3.0, &1.0, &2.0), max_vjp_rhs(&3.0, &1.0, &2.0)),
        (2.0, 0.0)
    );
    assert_eq!(
        (max_vjp_lhs(&1.0, &3.0, &2.0), max_vjp_rhs(&1.0, &3.0, &2.0)),
        (0.0, 2.0)
    );
    assert_eq!(
        (max_vjp_lhs(&1.0, &1.0, &2.0), max_vjp_rhs(&1.0, &1.0, &2.0)),
        (2.0, 0.0)
    );
    assert_eq!(
        (min_vjp_lhs(&1.0, &3.0, &2.0), min_vjp_rhs(&1.0, &3.0, &2.0)),
        (2.0, 0.0)
    );
    assert_eq!(
        (min_vjp_lhs(&3.0, &1.0, &2.0), min_vjp_rhs(&3.0, &1.0, &2.0)),
        (0.0, 2.0)
    );
    assert_eq!(
        (min_vjp_lhs(&1.0, &1.0, &2.0), min_vjp_rhs(&1.0, &1.0, &2.0)),
        (2.0, 0.0)
    );
    // A NaN operand: `f64::max` returns the other one, which gets the gradient.
    assert_eq!(max(&f64::NAN, &2.0), 2.0);
    assert_eq!(
        (
            max_vjp_lhs(&f64::NAN, &2.0, &1.0),
            max_vjp_rhs(&f64::NAN, &2.0, &1.0)
        ),
        (0.0, 1.0)
    );
    // hypot at the origin: the subgradient 0, not NaN.
    assert_eq!(
        (
            hypot_vjp_lhs(&0.0, &0.0, &1.0),
            hypot_vjp_rhs(&0.0, &0.0, &1.0)
        ),
        (0.0, 0.0)
    );
}

#[test]
fn logsumexp_of_every_rank() {
    let rng = &mut rng();
    let vjp = |x: &_, _: &f64, g: &f64| logsumexp_vjp(x, g);
    let a1: Array1<f64> = uniform(rng, 6, -3.0, 3.0);
    check_unary("logsumexp", &a1, logsumexp, vjp, rng);
    let a2: Array2<f64> = uniform(rng, (3, 4), -3.0, 3.0);
    check_unary(
        "logsumexp",
        &a2,
        logsumexp,
        |x, _, g| logsumexp_vjp(x, g),
        rng,
    );
    let a3: Array3<f64> = uniform(rng, (2, 3, 2), -3.0, 3.0);
    check_unary(
        "logsumexp",
        &a3,
        logsumexp,
        |x, _, g| logsumexp_vjp(x, g),
        rng,
    );
    // The fused pair: the same value, and the VJP from what the forward kept.
    for x in [a2.clone(), a2.mapv(|v| v * 300.0)] {
        check_unary(
            "logsumexp_saving",
            &x,
            |x| logsumexp_saving(x).0,
            |x, _, g| logsumexp_saved_vjp(logsumexp_saving(x).1, g),
            rng,
        );
        assert!((logsumexp_saving(&x).0 - logsumexp(&x)).abs() < 1e-12);
    }
    // A view, and the gradient of a row: a softmax summing to g.
    let v = a2.row(1);
    let d = logsumexp_vjp(&v, &2.0);
    assert!((d.sum() - 2.0).abs() < 1e-12);
}

#[test]
fn logsumexp_is_stable() {
    let big = array![1000.0_f64, 1000.0, -1000.0];
    let y = logsumexp(&big);
    assert!((y - (1000.0 + 2.0_f64.ln())).abs() < 1e-12);
    let d = logsumexp_vjp(&big, &1.0);
    assert!(d.iter().all(|v| v.is_finite()));
    assert!((d[0] - 0.5).abs() < 1e-12 && d[2] == 0.0);
    // -inf entries get no gradient; all -inf (and empty) give -inf and zeros, no NaN.
    let some = array![f64::NEG_INFINITY, 0.0];
    assert_eq!(logsumexp(&some), 0.0);
    assert_eq!(logsumexp_vjp(&some, &1.0), array![0.0, 1.0]);
    let none = array![f64::NEG_INFINITY, f64::NEG_INFINITY];
    assert_eq!(logsumexp(&none), f64::NEG_INFINITY);
    assert_eq!(logsumexp_saving(&none).1, array![0.0, 0.0]);
    assert_eq!(logsumexp_saving(&some).1, array![0.0, 1.0]);
    let (y, p) = logsumexp_saving(&big);
    assert!((y - logsumexp(&big)).abs() < 1e-12 && (p[0] - 0.5).abs() < 1e-12 && p[2] == 0.0);
    assert_eq!(logsumexp_vjp(&none, &1.0), array![0.0, 0.0]);
    assert_eq!(logsumexp(&Array1::<f32>::zeros(0)), f32::NEG_INFINITY);
}

#[test]
fn logsumexp_axis_along_every_axis() {
    let rng = &mut rng();
    let a2: Array2<f64> = uniform(rng, (3, 4), -3.0, 3.0);
    for axis in [Axis(0), Axis(1)] {
        check_unary(
            "logsumexp_axis",
            &a2,
            |x| logsumexp_axis(x, axis),
            |x, _, g| logsumexp_axis_vjp(x, axis, g),
            rng,
        );
        // The fused pair, on moderate and large entries: the same value, and the VJP from
        // what the forward kept.
        for x in [a2.clone(), a2.mapv(|v| v * 300.0)] {
            check_unary(
                "logsumexp_axis_saving",
                &x,
                |x| logsumexp_axis_saving(x, axis).0,
                |x, _, g| logsumexp_axis_saved_vjp(logsumexp_axis_saving(x, axis).1, g),
                rng,
            );
            let (y, _) = logsumexp_axis_saving(&x, axis);
            for (y, lane) in y.iter().zip(x.lanes(axis)) {
                assert!((y - logsumexp(&lane)).abs() < 1e-12);
            }
        }
    }
    let a3: Array3<f64> = uniform(rng, (2, 3, 2), -3.0, 3.0);
    for k in 0..3 {
        check_unary(
            "logsumexp_axis 3-D",
            &a3,
            |x| logsumexp_axis(x, Axis(k)),
            |x, _, g| logsumexp_axis_saved_vjp(logsumexp_axis_saving(x, Axis(k)).1, g),
            rng,
        );
    }
}

#[test]
fn logsumexp_axis_is_stable_per_lane() {
    let inf = f64::NEG_INFINITY;
    let x = array![
        [1000.0_f64, 1000.0, -1000.0],
        [inf, 0.0, inf],
        [inf, inf, inf]
    ];
    let y = logsumexp_axis(&x, Axis(1));
    assert!((y[0] - (1000.0 + 2.0_f64.ln())).abs() < 1e-12);
    assert_eq!((y[1], y[2]), (0.0, inf));
    let (saved_y, (p, _)) = logsumexp_axis_saving(&x, Axis(1));
    assert_eq!(saved_y, y);
    // -inf entries get no gradient; an all -inf lane gives -inf and zeros, no NaN.
    assert!((p[[0, 0]] - 0.5).abs() < 1e-12 && p[[0, 2]] == 0.0);
    assert_eq!(p.row(1), array![0.0, 1.0, 0.0]);
    assert_eq!(p.row(2), array![0.0, 0.0, 0.0]);
    let d = logsumexp_axis_vjp(&x, Axis(1), &array![2.0, 3.0, 4.0]);
    assert!(d.iter().all(|v| v.is_finite()));
    assert_eq!(d.row(1), array![0.0, 3.0, 0.0]);
}

#[test]
fn rows_and_columns() {
    let rng = &mut rng();
    let x: Array2<f64> = uniform(rng, (3, 4), -2.0, 2.0);
    for i in 0..3 {
        check_unary(
            "row",
            &x,
            |x| row(x, i),
            |x, _, g| adjoint_from(row_vjp(x, i, g)),
            rng,
        );
    }
    for j in 0..4 {
        check_unary(
            "column",
            &x,
            |x| column(x, j),
            |x, _, g| adjoint_from(column_vjp(x, j, g)),
            rng,
        );
    }
    // Repeated reads add up in place; a view reads like the array.
    let mut d = adjoint_from(row_vjp(&x, 1, &array![1.0, 1.0, 1.0, 1.0]));
    add_into(&mut d, column_vjp(&x.view(), 2, &array![1.0, 2.0, 3.0]));
    assert_eq!(d.row(1), array![1.0, 1.0, 3.0, 1.0]);
    assert_eq!(d.column(2), array![1.0, 3.0, 3.0]);
}

#[test]
#[should_panic(expected = "row: index 3 is out of bounds for shape [3, 2]")]
fn a_row_out_of_bounds_names_the_op_and_the_shape() {
    let _ = row(&Array2::<f64>::zeros((3, 2)), 3);
}
