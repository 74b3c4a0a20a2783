//! The VJPs of the unary ops checked against central finite differences (the method is in
//! `fd/mod.rs`, and `fd_check_catches_a_wrong_vjp` checks it), and the unary forwards with a
//! borrowed or owned operand.
mod fd;

use autodiff_runtime::*;
use fd::*;
use ndarray::{array, Array1, Array2};
use rand::rngs::StdRng;

#[test]
#[should_panic(expected = "vs finite difference")]
fn fd_check_catches_a_wrong_vjp() {
    // The helper itself: sin checked against cos's VJP (-sin) must be rejected.
    let x = array![0.3, -0.7, 1.1];
    check_unary(
        "sin(wrong)",
        &x,
        |x| sin(x),
        |x, _y, g| cos_vjp(x, g),
        &mut rng(),
    );
}

// ---------------------------------------------------------------------------------------
// Unary ops
// ---------------------------------------------------------------------------------------

/// One unary op on a scalar, a 1-D, a 2-D and a 3-D array of inputs drawn by `$gen`, its VJP
/// written `$vjp(x)` or `$vjp(y)` after what it reads: the input `x` or the output `y`. The VJP
/// is called with the cotangent borrowed and owned, and both must agree.
macro_rules! check_unary_op {
    (@forms $rng:expr, $f:ident, $gen:expr, $vjp:expr) => {{
        let rng: &mut StdRng = $rng;
        let s: Array1<f64> = $gen(rng, ndarray::Ix1(1));
        check_unary(stringify!($f), &s[0], |x| $f(x), $vjp, rng);
        let a1: Array1<f64> = $gen(rng, ndarray::Ix1(5));
        check_unary(stringify!($f), &a1, |x| $f(x), $vjp, rng);
        let a2: Array2<f64> = $gen(rng, ndarray::Ix2(3, 4));
        check_unary(stringify!($f), &a2, |x| $f(x), $vjp, rng);
        let a3: ndarray::Array3<f64> = $gen(rng, ndarray::Ix3(2, 3, 2));
        check_unary(stringify!($f), &a3, |x| $f(x), $vjp, rng);
    }};
    ($rng:expr, $f:ident, $vjp:ident(x), $gen:expr) => {
        check_unary_op!(@forms $rng, $f, $gen, |x, _, g| same($vjp(x, g), $vjp(x, owned(g))))
    };
    ($rng:expr, $f:ident, $vjp:ident(y), $gen:expr) => {
        check_unary_op!(@forms $rng, $f, $gen, |_, y, g| same($vjp(y, g), $vjp(y, owned(g))))
    };
}

/// The cotangent passed by value (a copy of the borrowed one).
fn owned<T: Clone>(g: &T) -> T {
    g.clone()
}

#[test]
fn unary_neg() {
    check_unary_op!(&mut rng(), neg, neg_vjp(y), gen_any);
}

#[test]
fn unary_ln_sqrt() {
    let rng = &mut rng();
    check_unary_op!(rng, ln, ln_vjp(x), gen_pos);
    check_unary_op!(rng, sqrt, sqrt_vjp(y), gen_pos);
}

#[test]
fn unary_exp_trig_tanh_sigmoid() {
    let rng = &mut rng();
    check_unary_op!(rng, exp, exp_vjp(y), gen_any);
    check_unary_op!(rng, sin, sin_vjp(x), gen_any);
    check_unary_op!(rng, cos, cos_vjp(x), gen_any);
    check_unary_op!(rng, tan, tan_vjp(y), gen_tan);
    check_unary_op!(rng, tanh, tanh_vjp(y), gen_any);
    check_unary_op!(rng, sigmoid, sigmoid_vjp(y), gen_any);
}

/// The fused `sin` and `cos`: the forward's first result is the function, its second what
/// the VJP reads (the other one), from a borrowed or an owned operand alike.
#[test]
fn unary_sin_cos_saving() {
    let rng = &mut rng();
    let x = array![0.3, -1.7, 2.9];
    assert_eq!(sin_saving(&x), sin_saving(x.clone()));
    assert_eq!(cos_saving(&x), cos_saving(x.clone()));
    assert_eq!(sin_saving(&0.5_f64), (0.5_f64.sin(), 0.5_f64.cos()));
    assert_eq!(cos_saving(&0.5_f64), (0.5_f64.cos(), 0.5_f64.sin()));
    // `check_unary` differentiates the forward's first result.
    fn sin_first<X: Operand>(x: X) -> X::Owned {
        sin_saving(x).0
    }
    fn cos_first<X: Operand>(x: X) -> X::Owned {
        cos_saving(x).0
    }
    check_unary_op!(@forms rng, sin_first, gen_any, |x, _, g| {
        same(sin_saved_vjp(sin_saving(x).1, g), sin_saved_vjp(sin_saving(x).1, owned(g)))
    });
    check_unary_op!(@forms rng, cos_first, gen_any, |x, _, g| {
        same(cos_saved_vjp(cos_saving(x).1, g), cos_saved_vjp(cos_saving(x).1, owned(g)))
    });
}

#[test]
fn unary_abs_relu() {
    let rng = &mut rng();
    check_unary_op!(rng, abs, abs_vjp(x), gen_away);
    check_unary_op!(rng, relu, relu_vjp(y), gen_away);
    // At the kink the derivative is taken as 0 (relu's VJP reads its output, 0 there).
    assert_eq!(abs_vjp(&0.0, &1.0), 0.0);
    assert_eq!(relu_vjp(&relu(&0.0_f64), &1.0), 0.0);
    // Negative inputs: relu passes nothing back, abs flips the sign.
    assert_eq!(relu_vjp(&relu(&-1.5_f64), &2.0), 0.0);
    assert_eq!(abs_vjp(&-1.5, &2.0), -2.0);
}

#[test]
fn unary_powi() {
    let rng = &mut rng();
    for n in [-3, -2, -1, 0, 1, 2, 3, 5] {
        let s = flip(&pos_scalar(rng), rng);
        check_unary(
            &format!("powi({n})"),
            &s,
            |x| powi(x, n),
            |x, _, g| same(powi_vjp(x, n, g), powi_vjp(x, n, *g)),
            rng,
        );
        let a = flip(&pos(rng, (3, 4)), rng);
        check_unary(
            &format!("powi({n})"),
            &a,
            |x| powi(x, n),
            |x, _, g| same(powi_vjp(x, n, g), powi_vjp(x, n, g.clone())),
            rng,
        );
    }
}

#[test]
fn unary_to_owned() {
    check_unary_op!(&mut rng(), to_owned, to_owned_vjp(y), gen_any);
}

/// The elementwise forwards give one result for a borrowed operand and an owned one, which
/// they map in place (in its own buffer, whatever its memory order).
#[test]
fn unary_forward_borrowed_and_owned() {
    let rng = &mut rng();
    // Away from 0 for every function; positive for `ln` and `sqrt`.
    let a: Array2<f64> = gen_away(rng, ndarray::Ix2(3, 4));
    let p: Array2<f64> = gen_pos(rng, ndarray::Ix2(3, 4));
    let (sa, sp) = (flip(&pos_scalar(rng), rng), pos_scalar(rng));
    macro_rules! both {
        ($f:ident($($n:expr)?), $x:expr, $s:expr) => {{
            let (x, s): (&Array2<f64>, f64) = ($x, $s);
            let name = stringify!($f);
            let borrowed = $f(x $(, $n)?);
            let owned = x.clone();
            let buffer = owned.as_ptr();
            let owned = $f(owned $(, $n)?);
            assert_eq!(borrowed, owned, "{name}: borrowed vs owned array");
            assert_eq!(owned.as_ptr(), buffer, "{name}: the owned array is not mapped in place");
            // An owned array in column-major order.
            let f_order = x.t().as_standard_layout().into_owned().reversed_axes();
            assert!(!f_order.is_standard_layout());
            assert_eq!($f(f_order $(, $n)?), borrowed, "{name}: column-major owned array");
            assert_eq!($f(&s $(, $n)?), $f(s $(, $n)?), "{name}: borrowed vs owned f64");
            let s32 = s as f32;
            assert_eq!($f(&s32 $(, $n)?), $f(s32 $(, $n)?), "{name}: borrowed vs owned f32");
        }};
    }
    both!(sigmoid(), &a, sa);
    both!(neg(), &a, sa);
    both!(powi(3), &a, sa);
    both!(powi(-2), &a, sa);
    both!(exp(), &a, sa);
    both!(sin(), &a, sa);
    both!(cos(), &a, sa);
    both!(tan(), &a, sa);
    both!(tanh(), &a, sa);
    both!(abs(), &a, sa);
    both!(relu(), &a, sa);
    both!(to_owned(), &a, sa);
    both!(ln(), &p, sp);
    both!(sqrt(), &p, sp);
}

// API v2 section 2: the new elementwise methods.

/// Inside (-0.9, 0.9): away from the poles of `asin`/`acos` and of `ln_1p` at -1.
fn gen_unit<D: ndarray::Dimension>(rng: &mut StdRng, d: D) -> ndarray::Array<f64, D> {
    uniform(rng, d, -0.9, 0.9)
}

#[test]
fn logarithms_and_exponentials() {
    let rng = &mut rng();
    check_unary_op!(rng, ln_1p, ln_1p_vjp(x), gen_unit);
    check_unary_op!(rng, exp_m1, exp_m1_vjp(y), gen_any);
    check_unary_op!(rng, log2, log2_vjp(x), gen_pos);
    check_unary_op!(rng, log10, log10_vjp(x), gen_pos);
    check_unary_op!(rng, recip, recip_vjp(y), gen_away);
    check_unary_op!(rng, cbrt, cbrt_vjp(y), gen_away);
    check_unary_op!(rng, square, square_vjp(x), gen_any);
}

#[test]
fn hyperbolic_and_inverse_trigonometric() {
    let rng = &mut rng();
    check_unary_op!(rng, sinh, sinh_vjp(x), gen_any);
    check_unary_op!(rng, cosh, cosh_vjp(x), gen_any);
    check_unary_op!(rng, asin, asin_vjp(x), gen_unit);
    check_unary_op!(rng, acos, acos_vjp(x), gen_unit);
    check_unary_op!(rng, atan, atan_vjp(x), gen_any);
}

/// The forwards are the `f64` methods, elementwise and in place for an owned array.
#[test]
fn forwards_are_the_float_methods() {
    let x = array![0.25_f64, -0.5, 0.75];
    type Case = (&'static str, Array1<f64>, fn(f64) -> f64);
    let cases: [Case; 5] = [
        ("ln_1p", ln_1p(&x), f64::ln_1p),
        ("recip", recip(&x), f64::recip),
        ("cbrt", cbrt(&x), f64::cbrt),
        ("asin", asin(&x), f64::asin),
        ("exp_m1", exp_m1(x.clone()), f64::exp_m1),
    ];
    for (name, got, f) in cases {
        assert_eq!(got, x.mapv(f), "{name}");
    }
    assert_eq!(log2(&8.0_f32), 3.0);
    assert_eq!(log10(&1000.0_f64), 3.0);
}
