//! The VJPs of `+ - * /` and `powf` (every broadcast case) checked against central finite
//! differences (the method is in `fd/mod.rs`), and their forwards with a borrowed or owned
//! left operand.
mod fd;

use autodiff_runtime::*;
use fd::*;
use ndarray::{Array2, ArrayD, Axis, IxDyn, ShapeBuilder};
use rand::rngs::StdRng;

// ---------------------------------------------------------------------------------------
// + - * / powf
// ---------------------------------------------------------------------------------------

/// `$f` (`sum_to` or `neg_sum_to`) of the cotangent `$g` to operand `$x`'s shape, after
/// asserting that its three forms agree: from a kept shape, from the operand, and with the
/// cotangent owned.
macro_rules! all_forms {
    ($f:ident, $x:expr, $g:expr) => {
        same(same($f(&shape_of($x), $g), $f($x, $g)), $f($x, $g.clone()))
    };
}

/// All five binary arithmetic ops on one operand pair (positive magnitudes; `add sub mul div`
/// also get random signs, `powf` keeps a positive base).
macro_rules! check_arith {
    ($rng:expr, $a:expr, $b:expr) => {{
        let rng: &mut StdRng = $rng;
        let (a, b) = ($a, $b);
        let (sa, sb) = (flip(&a, rng), flip(&b, rng));
        check_binary(
            "add",
            &sa,
            &sb,
            |a, b| add(a, b),
            |a, b, _, g| same(add_vjp_lhs(a, b, g), add_vjp_lhs(a, b, g.clone())),
            |a, b, _, g| same(add_vjp_rhs(a, b, g), add_vjp_rhs(a, b, g.clone())),
            rng,
        );
        check_binary(
            "sub",
            &sa,
            &sb,
            |a, b| sub(a, b),
            |a, b, _, g| same(sub_vjp_lhs(a, b, g), sub_vjp_lhs(a, b, g.clone())),
            |a, b, _, g| same(sub_vjp_rhs(a, b, g), sub_vjp_rhs(a, b, g.clone())),
            rng,
        );
        // The VJPs the macro calls for `+` and `-`: from an operand's kept shape (loops) or
        // from the operand itself (straight-line code); both forms agree exactly.
        check_binary(
            "add (from shapes)",
            &sa,
            &sb,
            |a, b| add(a, b),
            |a, _, _, g| all_forms!(sum_to, a, g),
            |_, b, _, g| all_forms!(sum_to, b, g),
            rng,
        );
        check_binary(
            "sub (from shapes)",
            &sa,
            &sb,
            |a, b| sub(a, b),
            |a, _, _, g| all_forms!(sum_to, a, g),
            |_, b, _, g| all_forms!(neg_sum_to, b, g),
            rng,
        );
        check_binary(
            "mul",
            &sa,
            &sb,
            |a, b| mul(a, b),
            |a, b, _, g| same(mul_vjp_lhs(a, b, g), mul_vjp_lhs(a, b, g.clone())),
            |a, b, _, g| same(mul_vjp_rhs(a, b, g), mul_vjp_rhs(a, b, g.clone())),
            rng,
        );
        check_binary(
            "div",
            &sa,
            &sb,
            |a, b| div(a, b),
            |a, b, _, g| same(div_vjp_lhs(a, b, g), div_vjp_lhs(a, b, g.clone())),
            |a, b, _, g| same(div_vjp_rhs(a, b, g), div_vjp_rhs(a, b, g.clone())),
            rng,
        );
        check_binary(
            "powf",
            &a,
            &sb,
            |a, b| powf(a, b),
            |a, b, _, g| same(powf_vjp_base(a, b, g), powf_vjp_base(a, b, g.clone())),
            |a, b, _, g| same(powf_vjp_exp(a, b, g), powf_vjp_exp(a, b, g.clone())),
            rng,
        );
    }};
}

#[test]
fn arith_scalar_scalar() {
    let rng = &mut rng();
    for _ in 0..5 {
        let (a, b) = (pos_scalar(rng), pos_scalar(rng));
        check_arith!(rng, a, b);
    }
}

#[test]
fn arith_scalar_array() {
    let rng = &mut rng();
    let a = pos_scalar(rng);
    let b = pos(rng, (3, 4));
    check_arith!(rng, a, b);
    let b = pos(rng, 5);
    check_arith!(rng, a, b);
}

#[test]
fn arith_array_scalar() {
    let rng = &mut rng();
    let a = pos(rng, (3, 4));
    let b = pos_scalar(rng);
    check_arith!(rng, a, b);
    let a = pos(rng, (2, 3, 2));
    check_arith!(rng, a, b);
}

#[test]
fn arith_same_shape() {
    let rng = &mut rng();
    let (a, b) = (pos(rng, 6), pos(rng, 6));
    check_arith!(rng, a, b);
    let (a, b) = (pos(rng, (3, 4)), pos(rng, (3, 4)));
    check_arith!(rng, a, b);
    let (a, b) = (pos(rng, (2, 3, 4)), pos(rng, (2, 3, 4)));
    check_arith!(rng, a, b);
}

#[test]
fn arith_broadcast_matrix_with_row() {
    let rng = &mut rng();
    // [4, 3] with [3], both orders.
    let (a, b) = (pos(rng, (4, 3)), pos(rng, 3));
    check_arith!(rng, a.clone(), b.clone());
    check_arith!(rng, b, a);
}

#[test]
fn arith_broadcast_column_with_row() {
    let rng = &mut rng();
    // [4, 1] with [1, 3] -> [4, 3]: both operands are summed back.
    let (a, b) = (pos(rng, (4, 1)), pos(rng, (1, 3)));
    check_arith!(rng, a.clone(), b.clone());
    check_arith!(rng, b, a);
}

#[test]
fn arith_broadcast_3d_with_2d() {
    let rng = &mut rng();
    // [2, 1, 3] with [4, 1] -> [2, 4, 3].
    let (a, b) = (pos(rng, (2, 1, 3)), pos(rng, (4, 1)));
    assert_eq!(add(&a, &b).shape(), &[2, 4, 3]);
    check_arith!(rng, a.clone(), b.clone());
    check_arith!(rng, b, a);
}

#[test]
fn arith_broadcast_length_one_and_dyn() {
    let rng = &mut rng();
    let (a, b) = (pos(rng, 5), pos(rng, 1));
    check_arith!(rng, a, b);
    // Dynamic-dimensional operands broadcast the same way.
    let a: ArrayD<f64> = pos(rng, IxDyn(&[2, 1, 3]));
    let b: ArrayD<f64> = pos(rng, IxDyn(&[4, 1]));
    assert_eq!(mul(&a, &b).shape(), &[2, 4, 3]);
    check_arith!(rng, a, b);
}

#[test]
fn arith_bias_over_batch() {
    let rng = &mut rng();
    // A [H] bias over [B, H] activations.
    let (x, bias) = (pos(rng, (8, 6)), pos(rng, 6));
    check_arith!(rng, x.clone(), bias.clone());
    // The bias's gradient is the batch sum of the output adjoint (scaled by x for mul).
    let y = add(&x, &bias);
    let g = random_like(&y, rng);
    let d_bias = add_vjp_rhs(&x, &bias, &g);
    assert_eq!(d_bias.shape(), &[6]);
    let want = g.sum_axis(Axis(0));
    assert_close(&d_bias, &want, 1e-12);
    assert_eq!(mul(&x, &bias).shape(), g.shape());
    let d_bias = mul_vjp_rhs(&x, &bias, &g);
    let want = (&g * &x).sum_axis(Axis(0));
    assert_close(&d_bias, &want, 1e-12);
}

#[test]
fn arith_on_views() {
    // Transposed (non-standard layout) views go through the same paths.
    let rng = &mut rng();
    let (a, b) = (pos(rng, (3, 4)), pos(rng, 3));
    check_binary(
        "mul(view)",
        &a,
        &b,
        |a, b| mul(&a.t(), &b.view()),
        |a, b, _, g| mul_vjp_lhs(&a.t(), &b.view(), g).t().to_owned(),
        |a, b, _, g| mul_vjp_rhs(&a.t(), &b.view(), g),
        rng,
    );
    check_binary(
        "div(view)",
        &a,
        &b,
        |a, b| div(&a.t(), &b.view()),
        |a, b, _, g| div_vjp_lhs(&a.t(), &b.view(), g).t().to_owned(),
        |a, b, _, g| div_vjp_rhs(&a.t(), &b.view(), g),
        rng,
    );
}

#[test]
fn powf_exponent_at_zero_output() {
    // y = 0^b = 0: the exponent's adjoint is 0 (not NaN from 0 * ln 0).
    let (a, b) = (0.0_f64, 2.0_f64);
    let y = powf(&a, &b);
    assert_eq!(y, 0.0);
    assert_eq!(powf_vjp_exp(&a, &b, &1.0), 0.0);
}

// ---------------------------------------------------------------------------------------
// Forwards with a borrowed or owned left operand
// ---------------------------------------------------------------------------------------

/// `+ - * /` and `powf` give one result for a borrowed left operand and an owned one: in its
/// buffer where the right operand broadcasts to its shape, a new array where it does not.
#[test]
fn binary_forward_borrowed_and_owned_left_operand() {
    let rng = &mut rng();
    let a = uniform(rng, (3, 4), 0.5, 2.0);
    let row = uniform(rng, 4, 0.5, 2.0);
    let col = uniform(rng, (3, 1), 0.5, 2.0);
    let column_major = Array2::from_shape_vec((3, 4).f(), a.t().iter().copied().collect())
        .expect("12 values for a 3x4 matrix");
    assert_eq!(column_major, a);
    macro_rules! each_op {
        ($lhs:expr, $rhs:expr) => {{
            let (lhs, rhs) = (&$lhs, &$rhs);
            assert_eq!(add(lhs, rhs), add(lhs.clone(), rhs));
            assert_eq!(sub(lhs, rhs), sub(lhs.clone(), rhs));
            assert_eq!(mul(lhs, rhs), mul(lhs.clone(), rhs));
            assert_eq!(div(lhs, rhs), div(lhs.clone(), rhs));
            assert_eq!(powf(lhs, rhs), powf(lhs.clone(), rhs));
        }};
    }
    // In place: same shape, a broadcast row or column, a scalar, another memory order.
    each_op!(a, a);
    each_op!(a, row);
    each_op!(a, col);
    each_op!(a, 1.5);
    each_op!(column_major, row);
    each_op!(a.clone().into_dyn(), row.clone().into_dyn());
    // Not in place: the result is larger than the left operand.
    each_op!(row, a);
    each_op!(col, row);
    each_op!(row.clone().into_dyn(), a.clone().into_dyn());
    // Scalars.
    each_op!(1.5_f64, 0.75_f64);
    each_op!(1.5_f64, a);
    let owned = a.clone();
    let ptr = owned.as_ptr();
    let sum = add(owned, &row);
    assert_eq!(
        sum.as_ptr(),
        ptr,
        "the bias is added in the left operand's buffer"
    );
    assert_eq!(sum, &a + &row);
}
