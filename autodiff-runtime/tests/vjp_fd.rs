//! Every VJP of the runtime checked against central finite differences with a random
//! cotangent.
//!
//! For a forward `y = f(x)`, a random output adjoint `g` (of `y`'s shape) and every input
//! element `x_i`, the VJP's component `i` must equal
//! `Σ_j g_j (f_j(x + h e_i) - f_j(x - h e_i)) / 2h`, i.e. `<g, J e_i>`. All checks go through
//! one helper, [`fd_check`], on flattened inputs and outputs; [`check_unary`] and
//! [`check_binary`] wrap it for one- and two-argument ops and also assert that every gradient
//! has its input's shape.
use autodiff_runtime::*;
use ndarray::{
    array, Array, Array1, Array2, ArrayBase, ArrayD, Axis, Data, Dimension, IxDyn, ShapeBuilder,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Finite-difference step.
const H: f64 = 1e-6;
/// Relative/absolute tolerance: `|vjp - fd| <= TOL * (1 + max(|vjp|, |fd|))`.
const TOL: f64 = 1e-6;

fn rng() -> StdRng {
    StdRng::seed_from_u64(0x5eed)
}

/// A value the checks can flatten to `Vec<f64>` (logical, row-major order) and rebuild.
trait Flat: Sized {
    fn flat(&self) -> Vec<f64>;
    /// A value of `self`'s shape holding `v`.
    fn unflat(&self, v: &[f64]) -> Self;
    fn dims(&self) -> Vec<usize>;
}

impl Flat for f64 {
    fn flat(&self) -> Vec<f64> {
        vec![*self]
    }
    fn unflat(&self, v: &[f64]) -> f64 {
        assert_eq!(v.len(), 1);
        v[0]
    }
    fn dims(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<D: Dimension> Flat for Array<f64, D> {
    fn flat(&self) -> Vec<f64> {
        self.iter().copied().collect()
    }
    fn unflat(&self, v: &[f64]) -> Self {
        Array::from_shape_vec(self.raw_dim(), v.to_vec()).expect("unflat: length")
    }
    fn dims(&self) -> Vec<usize> {
        self.shape().to_vec()
    }
}

/// The one finite-difference check: `grad[i]` against the central difference of `<g, f>` in
/// direction `e_i`, for every element of the input `x`.
///
/// The differences are taken per output element before weighting by `g`, which is the same
/// quantity as `(<g, f(x+h e_i)> - <g, f(x-h e_i)>) / 2h` with less cancellation.
fn fd_check(name: &str, x: &[f64], f: impl Fn(&[f64]) -> Vec<f64>, g: &[f64], grad: &[f64]) {
    assert_eq!(grad.len(), x.len(), "{name}: gradient length");
    let mut xp = x.to_vec();
    for i in 0..x.len() {
        xp[i] = x[i] + H;
        let fp = f(&xp);
        xp[i] = x[i] - H;
        let fm = f(&xp);
        xp[i] = x[i];
        assert_eq!(fp.len(), g.len(), "{name}: output length");
        let num = g
            .iter()
            .zip(fp.iter().zip(&fm))
            .map(|(g, (p, m))| g * (p - m))
            .sum::<f64>()
            / (2.0 * H);
        let ana = grad[i];
        assert!(ana.is_finite(), "{name}: VJP component {i} is {ana}");
        let tol = TOL * (1.0 + ana.abs().max(num.abs()));
        assert!(
            (ana - num).abs() <= tol,
            "{name}: component {i}: VJP {ana} vs finite difference {num} (diff {:e})",
            (ana - num).abs()
        );
    }
}

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

/// A random cotangent of `y`'s shape, uniform in [-1, 1).
fn random_like<Y: Flat>(y: &Y, rng: &mut StdRng) -> Y {
    let v: Vec<f64> = (0..y.flat().len())
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    y.unflat(&v)
}

/// Checks a one-argument op: gradient shape, then finite differences.
fn check_unary<X: Flat, Y: Flat>(
    name: &str,
    x: &X,
    f: impl Fn(&X) -> Y,
    vjp: impl Fn(&X, &Y, &Y) -> X,
    rng: &mut StdRng,
) {
    let name = format!("{name} {:?}", x.dims());
    let y = f(x);
    let g = random_like(&y, rng);
    let dx = vjp(x, &y, &g);
    assert_eq!(dx.dims(), x.dims(), "{name}: gradient shape");
    fd_check(
        &name,
        &x.flat(),
        |v| f(&x.unflat(v)).flat(),
        &g.flat(),
        &dx.flat(),
    );
}

/// Checks a two-argument op: both gradients' shapes, then finite differences in each operand.
fn check_binary<L: Flat, R: Flat, Y: Flat>(
    name: &str,
    a: &L,
    b: &R,
    f: impl Fn(&L, &R) -> Y,
    vjp_lhs: impl Fn(&L, &R, &Y, &Y) -> L,
    vjp_rhs: impl Fn(&L, &R, &Y, &Y) -> R,
    rng: &mut StdRng,
) {
    let name = format!("{name} {:?} x {:?}", a.dims(), b.dims());
    let y = f(a, b);
    let g = random_like(&y, rng);
    let da = vjp_lhs(a, b, &y, &g);
    let db = vjp_rhs(a, b, &y, &g);
    assert_eq!(da.dims(), a.dims(), "{name}: lhs gradient shape");
    assert_eq!(db.dims(), b.dims(), "{name}: rhs gradient shape");
    let gf = g.flat();
    fd_check(
        &format!("{name} (lhs)"),
        &a.flat(),
        |v| f(&a.unflat(v), b).flat(),
        &gf,
        &da.flat(),
    );
    fd_check(
        &format!("{name} (rhs)"),
        &b.flat(),
        |v| f(a, &b.unflat(v)).flat(),
        &gf,
        &db.flat(),
    );
}

/// An array of the given shape, uniform in [lo, hi).
fn uniform<D: Dimension, Sh: ShapeBuilder<Dim = D>>(
    rng: &mut StdRng,
    shape: Sh,
    lo: f64,
    hi: f64,
) -> Array<f64, D> {
    Array::from_shape_simple_fn(shape, || rng.random_range(lo..hi))
}

/// Positive values in [0.5, 2): safe for `ln`, `sqrt`, a `powf` base, a divisor.
fn pos<D: Dimension, Sh: ShapeBuilder<Dim = D>>(rng: &mut StdRng, shape: Sh) -> Array<f64, D> {
    uniform(rng, shape, 0.5, 2.0)
}

/// The same magnitudes with random signs: away from 0 (kinks of `abs`/`relu`, poles of `/`).
fn flip<X: Flat>(x: &X, rng: &mut StdRng) -> X {
    let v: Vec<f64> = x
        .flat()
        .into_iter()
        .map(|v| if rng.random_bool(0.5) { -v } else { v })
        .collect();
    x.unflat(&v)
}

/// Asserts two arrays (of any storage) have one shape and agree elementwise within `tol`.
#[track_caller]
fn assert_close<S1, S2, D>(got: &ArrayBase<S1, D>, want: &ArrayBase<S2, D>, tol: f64)
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
    D: Dimension,
{
    assert_eq!(got.shape(), want.shape(), "shapes differ");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "{got}\n  vs\n{want}");
    }
}

/// `x`, after asserting that `y` is the same (two spellings of one VJP, or one VJP with its
/// cotangent borrowed and owned).
fn same<T: PartialEq + std::fmt::Debug>(x: T, y: T) -> T {
    assert_eq!(x, y, "the two forms of a VJP differ");
    x
}

fn pos_scalar(rng: &mut StdRng) -> f64 {
    rng.random_range(0.5..2.0)
}

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

fn gen_pos<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    pos(rng, d)
}
fn gen_away<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    let x = pos(rng, d);
    flip(&x, rng)
}
fn gen_any<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    uniform(rng, d, -2.0, 2.0)
}
fn gen_tan<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    uniform(rng, d, -1.2, 1.2)
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
// softmax, log_softmax, cross_entropy
// ---------------------------------------------------------------------------------------

#[test]
fn softmax_and_log_softmax() {
    let rng = &mut rng();
    macro_rules! both {
        ($x:expr) => {{
            let x = $x;
            check_unary(
                "softmax",
                &x,
                |x| softmax(x),
                |_, y, g| same(softmax_vjp(y, g), softmax_vjp(y, g.clone())),
                rng,
            );
            check_unary(
                "log_softmax",
                &x,
                |x| log_softmax(x),
                |_, y, g| same(log_softmax_vjp(y, g), log_softmax_vjp(y, g.clone())),
                rng,
            );
        }};
    }
    both!(uniform(rng, 5, -3.0, 3.0));
    both!(uniform(rng, (3, 4), -3.0, 3.0));
    both!(uniform(rng, (2, 3, 4), -3.0, 3.0));
    // On a transposed view (softmax over the logical last axis). The VJP reads the output,
    // here also through a transposed view: `y` copied into the other memory order.
    let z = uniform(rng, (4, 3), -3.0, 3.0);
    check_unary(
        "softmax(view)",
        &z,
        |z| softmax(&z.t()),
        |_, y, g| {
            let yt = y.t().as_standard_layout().into_owned();
            same(softmax_vjp(&yt.t(), g), softmax_vjp(y, g))
                .t()
                .to_owned()
        },
        rng,
    );
}

#[test]
fn cross_entropy_gradients() {
    let rng = &mut rng();
    // [B, C] logits with B labels.
    let z = uniform(rng, (4, 5), -3.0, 3.0);
    let labels = [0, 4, 2, 2];
    check_unary(
        "cross_entropy",
        &z,
        |z| cross_entropy(z, &labels),
        |z, _, g| cross_entropy_vjp(z, &labels, g),
        rng,
    );
    // [C] logits with one label.
    let z = uniform(rng, 5, -3.0, 3.0);
    check_unary(
        "cross_entropy",
        &z,
        |z| cross_entropy(z, &[3]),
        |z, _, g| cross_entropy_vjp(z, &[3], g),
        rng,
    );
    // [2, 3, C] logits: 6 rows.
    let z = uniform(rng, (2, 3, 4), -3.0, 3.0);
    let labels = [0, 1, 2, 3, 3, 0];
    check_unary(
        "cross_entropy",
        &z,
        |z| cross_entropy(z, &labels),
        |z, _, g| cross_entropy_vjp(z, &labels, g),
        rng,
    );
    // A transposed view: logits [3, 4] read from a [4, 3] array.
    let z = uniform(rng, (4, 3), -3.0, 3.0);
    let labels = [1, 0, 3];
    check_unary(
        "cross_entropy(view)",
        &z,
        |z| cross_entropy(&z.t(), &labels),
        |z, _, g| cross_entropy_vjp(&z.t(), &labels, g).t().to_owned(),
        rng,
    );
}

/// The fused pair the macro uses where the loss needs a gradient: the same loss, and the
/// VJP from the kept probabilities, for every logit layout above.
#[test]
fn cross_entropy_saving_and_its_vjp() {
    let rng = &mut rng();
    let z = uniform(rng, (4, 5), -3.0, 3.0);
    let labels = [0, 4, 2, 2];
    check_unary(
        "cross_entropy_saving",
        &z,
        |z| cross_entropy_saving(z, &labels).0,
        |z, _, g| cross_entropy_saved_vjp(cross_entropy_saving(z, &labels).1, g),
        rng,
    );
    let z = uniform(rng, 5, -3.0, 3.0);
    check_unary(
        "cross_entropy_saving",
        &z,
        |z| cross_entropy_saving(z, &[3]).0,
        |z, _, g| cross_entropy_saved_vjp(cross_entropy_saving(z, &[3]).1, g),
        rng,
    );
    let z = uniform(rng, (2, 3, 4), -3.0, 3.0);
    let labels = [0, 1, 2, 3, 3, 0];
    check_unary(
        "cross_entropy_saving",
        &z,
        |z| cross_entropy_saving(z, &labels).0,
        |z, _, g| cross_entropy_saved_vjp(cross_entropy_saving(z, &labels).1, g),
        rng,
    );
    let z = uniform(rng, (4, 3), -3.0, 3.0);
    let labels = [1, 0, 3];
    check_unary(
        "cross_entropy_saving(view)",
        &z,
        |z| cross_entropy_saving(&z.t(), &labels).0,
        |z, _, g| {
            cross_entropy_saved_vjp(cross_entropy_saving(&z.t(), &labels).1, g)
                .t()
                .to_owned()
        },
        rng,
    );
    // Both forwards give the same loss, finite for huge logits.
    let z: ndarray::Array2<f64> = ndarray::array![[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]];
    let (loss, saved) = cross_entropy_saving(&z, &[1, 2]);
    assert_eq!(loss, cross_entropy(&z, &[1, 2]));
    let dz = cross_entropy_saved_vjp(saved, &1.0);
    assert_eq!(dz, cross_entropy_vjp(&z, &[1, 2], &1.0));
    assert!(dz.iter().all(|v| v.is_finite()));
}

/// Owned logits (the generated code's last read of them) give what borrowed ones give, in
/// standard layout (computed in their buffer) or not (copied first), at any rank.
#[test]
fn cross_entropy_saving_owned_logits() {
    use ndarray::ShapeBuilder;
    let rng = &mut rng();
    let z = uniform(rng, (4, 5), -3.0, 3.0);
    let labels = [0, 4, 2, 2];
    let column_major = ndarray::Array2::from_shape_vec((4, 5).f(), z.t().iter().copied().collect())
        .expect("20 values for a 4x5 matrix");
    assert_eq!(column_major, z);
    for owned in [z.clone(), column_major] {
        let (loss, saved) = cross_entropy_saving(&z, &labels);
        let (owned_loss, owned_saved) = cross_entropy_saving(owned, &labels);
        assert_eq!(loss, owned_loss);
        assert_eq!(
            cross_entropy_saved_vjp(saved, &0.5),
            cross_entropy_saved_vjp(owned_saved, &0.5)
        );
    }
    let z = uniform(rng, (2, 3, 4), -3.0, 3.0);
    let labels = [0, 1, 2, 3, 3, 0];
    let (loss, saved) = cross_entropy_saving(&z, &labels);
    let (owned_loss, owned_saved) = cross_entropy_saving(z.clone(), &labels);
    assert_eq!(loss, owned_loss);
    let (dz, owned_dz) = (
        cross_entropy_saved_vjp(saved, &1.0),
        cross_entropy_saved_vjp(owned_saved, &1.0),
    );
    assert_eq!(dz.shape(), z.shape());
    assert_eq!(dz, owned_dz);
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

// ---------------------------------------------------------------------------------------
// f32 smoke tests: the f32 VJPs agree with the f64 ones
// ---------------------------------------------------------------------------------------

fn to_f32<D: Dimension>(a: &Array<f64, D>) -> Array<f32, D> {
    a.mapv(|v| v as f32)
}

#[track_caller]
fn close_f32<D: Dimension>(got: &Array<f32, D>, want: &Array<f64, D>) {
    assert_eq!(got.shape(), want.shape());
    for (&g, &w) in got.iter().zip(want) {
        assert!(
            (f64::from(g) - w).abs() <= 1e-4 * (1.0 + w.abs()),
            "f32 {g} vs f64 {w}"
        );
    }
}

#[test]
fn f32_smoke() {
    let rng = &mut rng();
    let x = uniform(rng, (4, 3), -2.0, 2.0);
    let bias = uniform(rng, 3, 0.5, 2.0);
    let (xf, bf) = (to_f32(&x), to_f32(&bias));

    // Broadcast mul.
    let (y, yf) = (mul(&x, &bias), mul(&xf, &bf));
    close_f32(&yf, &y);
    let g = random_like(&y, rng);
    let gf = to_f32(&g);
    close_f32(&mul_vjp_rhs(&xf, &bf, &gf), &mul_vjp_rhs(&x, &bias, &g));
    close_f32(&mul_vjp_lhs(&xf, &bf, &gf), &mul_vjp_lhs(&x, &bias, &g));

    // tanh, sigmoid.
    let (y, yf) = (tanh(&x), tanh(&xf));
    close_f32(&tanh_vjp(&yf, &gf), &tanh_vjp(&y, &g));
    let (y, yf) = (sigmoid(&x), sigmoid(&xf));
    close_f32(&sigmoid_vjp(&yf, &gf), &sigmoid_vjp(&y, &g));
    let s = sigmoid(&0.5_f32);
    assert!((sigmoid_vjp(&s, &1.0) - s * (1.0 - s)).abs() < 1e-7);

    // softmax.
    let (y, yf) = (softmax(&x), softmax(&xf));
    close_f32(&yf, &y);
    close_f32(&softmax_vjp(&yf, &gf), &softmax_vjp(&y, &g));

    // matmul [4, 3] x [3, 2].
    let w = uniform(rng, (3, 2), -1.0, 1.0);
    let wf = to_f32(&w);
    let (y, yf) = (matmul(&x, &w), matmul(&xf, &wf));
    close_f32(&yf, &y);
    let g = random_like(&y, rng);
    let gf = to_f32(&g);
    close_f32(&matmul_vjp_lhs(&xf, &wf, &gf), &matmul_vjp_lhs(&x, &w, &g));
    close_f32(&matmul_vjp_rhs(&xf, &wf, &gf), &matmul_vjp_rhs(&x, &w, &g));

    // cross_entropy.
    let labels = [0, 2, 1, 1];
    let (l, lf) = (cross_entropy(&x, &labels), cross_entropy(&xf, &labels));
    assert!((f64::from(lf) - l).abs() < 1e-5);
    close_f32(
        &cross_entropy_vjp(&xf, &labels, &1.0),
        &cross_entropy_vjp(&x, &labels, &1.0),
    );

    // Scalar powf.
    let (a, b) = (1.5_f32, 2.5_f32);
    let y = powf(&a, &b);
    assert!((powf_vjp_base(&a, &b, &1.0) - b * a.powf(b - 1.0)).abs() < 1e-5);
    assert!((powf_vjp_exp(&a, &b, &1.0) - y * a.ln()).abs() < 1e-5);
}

// ---------------------------------------------------------------------------------------
// Numerics
// ---------------------------------------------------------------------------------------

#[test]
fn sigmoid_extremes_are_finite() {
    for x in [1e3_f64, -1e3] {
        let y = sigmoid(&x);
        assert!(y.is_finite(), "sigmoid({x}) = {y}");
        let d = sigmoid_vjp(&y, &1.0);
        assert!(d.is_finite(), "sigmoid'({x}) = {d}");
        assert!(d.abs() < 1e-300);
    }
    assert_eq!(sigmoid(&1e3_f64), 1.0);
    assert_eq!(sigmoid(&-1e3_f64), 0.0);
    let x = array![1e3_f32, -1e3, 0.0];
    let y = sigmoid(&x);
    assert_eq!(y, array![1.0, 0.0, 0.5]);
    assert!(sigmoid_vjp(&y, &Array1::ones(3))
        .iter()
        .all(|v| v.is_finite()));
}

#[test]
fn cross_entropy_huge_logits() {
    let z = array![[1e4_f64, -1e4, 0.0], [-1e4, 1e4, 1e4]];
    let labels = [1, 2];
    let loss = cross_entropy(&z, &labels);
    assert!(loss.is_finite());
    // Row 0: -log softmax = 1e4 - (-1e4) = 2e4. Row 1: ln 2.
    let want = (2e4 + 2f64.ln()) / 2.0;
    assert!((loss - want).abs() < 1e-9, "{loss} vs {want}");
    // (softmax - onehot) / B.
    let d = cross_entropy_vjp(&z, &labels, &1.0);
    let want = array![[1.0, -1.0, 0.0], [0.0, 0.5, -0.5]] / 2.0;
    assert!(d.iter().all(|v| v.is_finite()));
    assert_close(&d, &want, 1e-12);
    // The output adjoint scales the gradient.
    let d3 = cross_entropy_vjp(&z, &labels, &3.0);
    assert_close(&d3, &(want * 3.0), 1e-12);
}

#[test]
fn softmax_of_equal_logits_is_uniform() {
    // Exactly uniform however large the common logit: the max is subtracted before anything
    // is rounded together with it.
    for c in [0.0, 7.5, -1e4, 1e4, 1e300] {
        let p = softmax(&Array1::from_elem(4, c));
        assert_close(&p, &Array1::from_elem(4, 0.25), 1e-15);
        let p = softmax(&Array2::from_elem((2, 5), c));
        assert_close(&p, &Array2::from_elem((2, 5), 0.2), 1e-15);
        let l = log_softmax(&Array1::from_elem(4, c));
        assert_close(&l, &Array1::from_elem(4, -(4f64.ln())), 1e-15);
        let loss = cross_entropy(&Array2::from_elem((2, 4), c), &[0, 3]);
        assert!((loss - 4f64.ln()).abs() < 1e-15, "{loss}");
    }
    for c in [1e4_f32, 1e8] {
        let p = softmax(&Array1::from_elem(4, c));
        assert!(p.iter().all(|&v| v == 0.25), "f32 softmax of {c}: {p}");
        let l = log_softmax(&Array1::from_elem(4, c));
        assert!(l.iter().all(|&v| (v + 4f32.ln()).abs() < 1e-6), "{l}");
        let loss = cross_entropy(&Array1::from_elem(4, c), &[1]);
        assert!((loss - 4f32.ln()).abs() < 1e-6, "{loss}");
    }
    // f32 logits near 1e4 with an O(1) spread keep f32 accuracy.
    let p = softmax(&array![1e4_f32, 1e4 + 1.0, 1e4 - 1.0]);
    let want = softmax(&array![0.0_f64, 1.0, -1.0]);
    for (&p, &w) in p.iter().zip(&want) {
        assert!((f64::from(p) - w).abs() < 1e-6, "{p} vs {w}");
    }
}

#[test]
fn log_softmax_huge_spread_is_finite() {
    let z = array![[1e4_f64, 0.0, -1e4], [-5e3, 5e3, 0.0]];
    let y = log_softmax(&z);
    assert!(y.iter().all(|v| v.is_finite()), "{y}");
    assert_close(&y, &array![[0.0, -1e4, -2e4], [-1e4, 0.0, -5e3]], 1e-9);
    let g = Array2::ones((2, 3));
    let d = log_softmax_vjp(&y, &g);
    assert!(d.iter().all(|v| v.is_finite()), "{d}");
    // g - softmax * Σg, softmax one-hot at the max.
    assert_close(&d, &array![[-2.0, 1.0, 1.0], [1.0, -2.0, 1.0]], 1e-12);
    let p = softmax(&z);
    assert!(p.iter().all(|v| v.is_finite()));
    let d = softmax_vjp(&p, &g);
    assert!(d.iter().all(|v| v.is_finite()));
}
