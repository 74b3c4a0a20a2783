//! The VJPs of `dot`, `t`, the reductions and `matmul` checked against central finite
//! differences (the method is in `fd/mod.rs`).
mod fd;

use autodiff_runtime::*;
use fd::*;
use ndarray::{Array2, Axis};

// ---------------------------------------------------------------------------------------
// dot, t, reductions
// ---------------------------------------------------------------------------------------

/// `dot` on one operand pair.
macro_rules! check_dot {
    ($rng:expr, $a:expr, $b:expr) => {
        check_binary(
            "dot",
            &$a,
            &$b,
            |a, b| dot(a, b),
            |a, b, _, g| dot_vjp_lhs(a, b, g),
            |a, b, _, g| dot_vjp_rhs(a, b, g),
            $rng,
        )
    };
}

#[test]
fn dot_all_pairs() {
    let rng = &mut rng();
    let (v, w) = (gen_any(rng, ndarray::Ix1(4)), gen_any(rng, ndarray::Ix1(4)));
    check_dot!(rng, v, w); // vector . vector
    let m = gen_any(rng, ndarray::Ix2(3, 4));
    check_dot!(rng, m, w); // matrix . vector
    let m2 = gen_any(rng, ndarray::Ix2(4, 5));
    check_dot!(rng, v, m2); // vector . matrix
    check_dot!(rng, m, m2); // matrix . matrix
}

#[test]
fn dot_on_views() {
    let rng = &mut rng();
    let (a, b) = (
        gen_any(rng, ndarray::Ix2(4, 3)),
        gen_any(rng, ndarray::Ix2(5, 4)),
    );
    // aᵀ · bᵀ with transposed views: [3, 4] . [4, 5].
    check_binary(
        "dot(view)",
        &a,
        &b,
        |a, b| dot(&a.t(), &b.t()),
        |a, b, _, g| dot_vjp_lhs(&a.t(), &b.t(), g).t().to_owned(),
        |a, b, _, g| dot_vjp_rhs(&a.t(), &b.t(), g).t().to_owned(),
        rng,
    );
}

#[test]
fn transpose() {
    let rng = &mut rng();
    let a1 = gen_any(rng, ndarray::Ix1(4));
    check_unary(
        "t",
        &a1,
        t,
        |_, y, g| same(t_vjp(y, g), t_vjp(y, g.clone())),
        rng,
    );
    let a2 = gen_any(rng, ndarray::Ix2(3, 4));
    check_unary(
        "t",
        &a2,
        t,
        |_, y, g| same(t_vjp(y, g), t_vjp(y, g.clone())),
        rng,
    );
    let a3 = gen_any(rng, ndarray::Ix3(2, 3, 4));
    check_unary(
        "t",
        &a3,
        t,
        |_, y, g| same(t_vjp(y, g), t_vjp(y, g.clone())),
        rng,
    );
}

#[test]
fn sum_and_mean() {
    let rng = &mut rng();
    macro_rules! both {
        ($x:expr) => {{
            let x = $x;
            check_unary("sum", &x, |x| sum(x), |x, _, g| sum_vjp(x, g), rng);
            check_unary("mean", &x, |x| mean(x), |x, _, g| mean_vjp(x, g), rng);
            // From the kept shape, the cotangent by value, as the reverse sweep calls them.
            let kept = |x: &_, _: &_, g: &_| sum_vjp(&shape_of(x), *g);
            check_unary("sum (shape)", &x, |x| sum(x), kept, rng);
            let kept = |x: &_, _: &_, g: &_| mean_vjp(&shape_of(x), *g);
            check_unary("mean (shape)", &x, |x| mean(x), kept, rng);
        }};
    }
    both!(gen_any(rng, ndarray::Ix1(5)));
    both!(gen_any(rng, ndarray::Ix2(3, 4)));
    both!(gen_any(rng, ndarray::Ix3(2, 3, 4)));
}

#[test]
fn sum_axis_all_cases() {
    let rng = &mut rng();
    let a2 = gen_any(rng, ndarray::Ix2(3, 4));
    for axis in [Axis(0), Axis(1)] {
        check_unary(
            &format!("sum_axis({})", axis.index()),
            &a2,
            |x| sum_axis(x, axis),
            |x, _, g| sum_axis_vjp(x, axis, g),
            rng,
        );
    }
    let a3 = gen_any(rng, ndarray::Ix3(2, 3, 4));
    for axis in [Axis(0), Axis(1), Axis(2)] {
        check_unary(
            &format!("sum_axis({})", axis.index()),
            &a3,
            |x| sum_axis(x, axis),
            |x, _, g| sum_axis_vjp(x, axis, g),
            rng,
        );
        // From the kept shape (dynamic rank too), the cotangent by value.
        check_unary(
            &format!("sum_axis({}) (shape)", axis.index()),
            &a3.clone().into_dyn(),
            |x| sum_axis(x, axis),
            |x, _, g| sum_axis_vjp(&shape_of(x), axis, g.clone()),
            rng,
        );
    }
    let a1 = gen_any(rng, ndarray::Ix1(5));
    check_unary(
        "sum_axis(0)",
        &a1,
        |x| sum_axis(x, Axis(0)),
        |x, _, g| sum_axis_vjp(x, Axis(0), g),
        rng,
    );
}

// ---------------------------------------------------------------------------------------
// matmul
// ---------------------------------------------------------------------------------------

/// `matmul` on one operand pair.
macro_rules! check_matmul {
    ($rng:expr, $a:expr, $b:expr) => {
        check_binary(
            "matmul",
            &$a,
            &$b,
            |a, b| matmul(a, b),
            |a, b, _, g| matmul_vjp_lhs(a, b, g),
            |a, b, _, g| matmul_vjp_rhs(a, b, g),
            $rng,
        )
    };
}

#[test]
fn matmul_2d() {
    let rng = &mut rng();
    let (a, b) = (
        gen_any(rng, ndarray::Ix2(3, 4)),
        gen_any(rng, ndarray::Ix2(4, 5)),
    );
    assert_close(&matmul(&a, &b), &a.dot(&b).into_dyn(), 1e-12);
    check_matmul!(rng, a, b);
}

#[test]
fn matmul_batch_times_matrix() {
    let rng = &mut rng();
    let a = gen_any(rng, ndarray::Ix3(5, 10, 20));
    let b = gen_any(rng, ndarray::Ix2(20, 30));
    let y = matmul(&a, &b);
    assert_eq!(y.shape(), &[5, 10, 30]);
    for i in 0..5 {
        let want = a.index_axis(Axis(0), i).dot(&b).into_dyn();
        assert_close(&y.index_axis(Axis(0), i), &want, 1e-12);
    }
    check_matmul!(rng, a, b);
    // dB is the batch sum of A_iᵀ G_i, in B's own [20, 30] shape.
    let g = random_like(&y, rng);
    let db = matmul_vjp_rhs(&a, &b, &g);
    assert_eq!(db.shape(), &[20, 30]);
    let mut want = Array2::<f64>::zeros((20, 30));
    for i in 0..5 {
        let gi = g
            .index_axis(Axis(0), i)
            .into_dimensionality::<ndarray::Ix2>()
            .unwrap();
        want += &a.index_axis(Axis(0), i).t().dot(&gi);
    }
    assert_close(&db, &want, 1e-10);
}

#[test]
fn matmul_broadcast_batches() {
    let rng = &mut rng();
    let a = gen_any(rng, ndarray::Ix4(2, 1, 3, 4));
    let b = gen_any(rng, ndarray::Ix3(5, 4, 6));
    let y = matmul(&a, &b);
    assert_eq!(y.shape(), &[2, 5, 3, 6]);
    for (i, j) in [(0, 0), (1, 3), (1, 4)] {
        let am: ndarray::ArrayView2<f64> = a.slice(ndarray::s![i, 0, .., ..]);
        let want = am.dot(&b.index_axis(Axis(0), j)).into_dyn();
        assert_close(&y.slice(ndarray::s![i, j, .., ..]).into_dyn(), &want, 1e-12);
    }
    check_matmul!(rng, a, b);
    // Same batch on both sides.
    let (a, b) = (
        gen_any(rng, ndarray::Ix3(2, 3, 4)),
        gen_any(rng, ndarray::Ix3(2, 4, 5)),
    );
    check_matmul!(rng, a, b);
}

#[test]
fn matmul_vector_operands() {
    let rng = &mut rng();
    let v = gen_any(rng, ndarray::Ix1(4));
    let w = gen_any(rng, ndarray::Ix1(4));
    let m = gen_any(rng, ndarray::Ix2(4, 5));
    let m2 = gen_any(rng, ndarray::Ix2(3, 4));

    // NumPy: [4] @ [4, 5] -> [5], [3, 4] @ [4] -> [3], [4] @ [4] -> [].
    let y = matmul(&v, &m);
    assert_eq!(y.shape(), &[5]);
    assert_close(&y, &v.dot(&m).into_dyn(), 1e-12);
    let y = matmul(&m2, &v);
    assert_eq!(y.shape(), &[3]);
    assert_close(&y, &m2.dot(&v).into_dyn(), 1e-12);
    let y = matmul(&v, &w);
    assert_eq!(y.shape(), &[] as &[usize]);
    assert!((y[[]] - v.dot(&w)).abs() < 1e-12);

    check_matmul!(rng, v, m);
    check_matmul!(rng, m2, v);
    check_matmul!(rng, v, w);
}

#[test]
fn matmul_vector_with_batch() {
    let rng = &mut rng();
    // [4] @ [5, 4, 6] -> [5, 6] and [5, 3, 4] @ [4] -> [5, 3].
    let v = gen_any(rng, ndarray::Ix1(4));
    let b = gen_any(rng, ndarray::Ix3(5, 4, 6));
    let y = matmul(&v, &b);
    assert_eq!(y.shape(), &[5, 6]);
    for j in 0..5 {
        let want = v.dot(&b.index_axis(Axis(0), j)).into_dyn();
        assert_close(&y.index_axis(Axis(0), j), &want, 1e-12);
    }
    check_matmul!(rng, v, b);
    let a = gen_any(rng, ndarray::Ix3(5, 3, 4));
    let y = matmul(&a, &v);
    assert_eq!(y.shape(), &[5, 3]);
    check_matmul!(rng, a, v);
}

#[test]
fn matmul_on_views() {
    let rng = &mut rng();
    let (a, b) = (
        gen_any(rng, ndarray::Ix2(4, 3)),
        gen_any(rng, ndarray::Ix2(5, 4)),
    );
    check_binary(
        "matmul(view)",
        &a,
        &b,
        |a, b| matmul(&a.t(), &b.t()),
        |a, b, _, g| matmul_vjp_lhs(&a.t(), &b.t(), g).t().to_owned(),
        |a, b, _, g| matmul_vjp_rhs(&a.t(), &b.t(), g).t().to_owned(),
        rng,
    );
}

/// `x[i]` scatters its cotangent into a zero array of `x`'s shape (as its adjoint), 1-D and 2-D.
#[test]
fn index_gradients() {
    let rng = &mut rng();
    let x = uniform(rng, 5, -2.0, 2.0);
    check_unary(
        "index",
        &x,
        |x| index(x, 3),
        |x, _, g| adjoint_from(index_vjp(x, 3, g)),
        rng,
    );
    let x = uniform(rng, (3, 4), -2.0, 2.0);
    check_unary(
        "index",
        &x,
        |x| index(x, [2, 1]),
        |x, _, g| adjoint_from(index_vjp(x, [2, 1], g)),
        rng,
    );
}

/// `x.slice(s![..])`: the cotangent lands in the sliced part, zero elsewhere (ranges, steps,
/// an index that removes an axis).
#[test]
fn slice_gradients() {
    use ndarray::s;
    let rng = &mut rng();
    let x = uniform(rng, 7, -2.0, 2.0);
    check_unary(
        "slice",
        &x,
        |x| slice(x, s![1..6;2]),
        |x, _, g| adjoint_from(slice_vjp(x, s![1..6;2], g)),
        rng,
    );
    let x = uniform(rng, (4, 5), -2.0, 2.0);
    check_unary(
        "slice",
        &x,
        |x| slice(x, s![1..3, ..]),
        |x, _, g| adjoint_from(slice_vjp(x, s![1..3, ..], g)),
        rng,
    );
    check_unary(
        "slice",
        &x,
        |x| slice(x, s![.., 2]),
        |x, _, g| adjoint_from(slice_vjp(x, s![.., 2], g)),
        rng,
    );
}

/// `sum_axis` along the last axis equals ndarray's for lanes short and long, in standard and
/// transposed layout (the short-lane path sums the contiguous runs itself).
#[test]
fn sum_axis_matches_ndarray_for_every_lane_length() {
    let rng = &mut rng();
    for lane in [1, 2, 3, 8, 9, 17] {
        let x = gen_any(rng, ndarray::Ix2(5, lane));
        let want = x.sum_axis(Axis(1));
        let got = sum_axis(&x, Axis(1));
        assert!(
            got.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-12),
            "{lane}"
        );
        let xt = x.t().to_owned();
        let got_t = sum_axis(&xt.t(), Axis(1));
        assert!(
            got_t.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-12),
            "{lane} (transposed)"
        );
        let x3 = gen_any(rng, ndarray::Ix3(2, 3, lane));
        let got3 = sum_axis(&x3, Axis(2));
        assert!(got3
            .iter()
            .zip(&x3.sum_axis(Axis(2)))
            .all(|(a, b)| (a - b).abs() < 1e-12));
    }
}
