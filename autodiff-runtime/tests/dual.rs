//! `Dual<f64>` against central finite differences: every `num_traits::Float` method and
//! operator, then the runtime's operations (and some VJPs: forward over reverse) on arrays of
//! duals. For `f` and a random tangent `v`, `f(x + vε).eps` must equal
//! `(f(x + hv) - f(x - hv)) / 2h` computed on `f64`, and `.re` must equal `f(x)`.
use autodiff_runtime::*;
use ndarray::{array, s, Array, Array1, Array2, Array3, Array4, ArrayD, Axis, Dimension};
use num_traits::Float as _;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Finite-difference step.
const H: f64 = 1e-6;
/// `|eps - fd| <= TOL (1 + max(|eps|, |fd|))`.
const TOL: f64 = 1e-7;

fn rng() -> StdRng {
    StdRng::seed_from_u64(0xd0a1)
}

#[track_caller]
fn assert_close(what: &str, got: f64, want: f64, tol: f64) {
    let bound = tol * (1.0 + got.abs().max(want.abs()));
    assert!(
        (got - want).abs() <= bound || (got.is_nan() && want.is_nan()),
        "{what}: {got} vs {want} (diff {:e})",
        (got - want).abs()
    );
}

// ---------------------------------------------------------------------------------------
// Scalars: every Float method and operator
// ---------------------------------------------------------------------------------------

/// Points on the real line away from kinks, on (0, ∞), inside (-1, 1) and above 1.
const REAL: &[f64] = &[-1.7, -0.6, 0.3, 1.3, 2.45];
const POSITIVE: &[f64] = &[0.3, 0.9, 1.7, 4.2];
const UNIT: &[f64] = &[-0.7, -0.2, 0.35, 0.8];
const ABOVE_ONE: &[f64] = &[1.2, 2.0, 5.5];

/// `|x| body` for `f64` and `Dual<f64>`: the dual's value against `f(x)` and its tangent
/// against the central difference along a random tangent, at every point.
macro_rules! unary {
    ($rng:expr, $($name:literal, $points:expr, |$x:ident| $body:expr;)*) => {$(
        for &p in $points {
            let v: f64 = $rng.random_range(-1.0..1.0);
            let f = |$x: f64| -> f64 { $body };
            let df = |$x: Dual<f64>| -> Dual<f64> { $body };
            let y = df(Dual::new(p, v));
            let fd = (f(p + H * v) - f(p - H * v)) / (2.0 * H);
            assert_close(concat!($name, " value"), y.re, f(p), 1e-15);
            assert_close(&format!("{} at {p} along {v}", $name), y.eps, fd, TOL);
        }
    )*};
}

/// The same for two arguments, with a random tangent on each.
macro_rules! binary {
    ($rng:expr, $($name:literal, $points:expr, |$a:ident, $b:ident| $body:expr;)*) => {$(
        for &(pa, pb) in $points {
            let (va, vb): (f64, f64) = ($rng.random_range(-1.0..1.0), $rng.random_range(-1.0..1.0));
            let f = |$a: f64, $b: f64| -> f64 { $body };
            let df = |$a: Dual<f64>, $b: Dual<f64>| -> Dual<f64> { $body };
            let y = df(Dual::new(pa, va), Dual::new(pb, vb));
            let fd = (f(pa + H * va, pb + H * vb) - f(pa - H * va, pb - H * vb)) / (2.0 * H);
            assert_close(concat!($name, " value"), y.re, f(pa, pb), 1e-15);
            assert_close(&format!("{} at ({pa}, {pb})", $name), y.eps, fd, TOL);
        }
    )*};
}

#[test]
fn unary_float_methods() {
    let rng = &mut rng();
    unary! { rng,
        "neg", REAL, |x| -x;
        "recip", REAL, |x| x.recip();
        "sqrt", POSITIVE, |x| x.sqrt();
        "cbrt", REAL, |x| x.cbrt();
        "exp", REAL, |x| x.exp();
        "exp2", REAL, |x| x.exp2();
        "exp_m1", REAL, |x| x.exp_m1();
        "ln", POSITIVE, |x| x.ln();
        "log2", POSITIVE, |x| x.log2();
        "log10", POSITIVE, |x| x.log10();
        "ln_1p", UNIT, |x| x.ln_1p();
        "sin", REAL, |x| x.sin();
        "cos", REAL, |x| x.cos();
        "tan", REAL, |x| x.tan();
        "sin_cos.0", REAL, |x| x.sin_cos().0;
        "sin_cos.1", REAL, |x| x.sin_cos().1;
        "asin", UNIT, |x| x.asin();
        "acos", UNIT, |x| x.acos();
        "atan", REAL, |x| x.atan();
        "sinh", REAL, |x| x.sinh();
        "cosh", REAL, |x| x.cosh();
        "tanh", REAL, |x| x.tanh();
        "asinh", REAL, |x| x.asinh();
        "acosh", ABOVE_ONE, |x| x.acosh();
        "atanh", UNIT, |x| x.atanh();
        "abs", REAL, |x| x.abs();
        "signum", REAL, |x| x.signum();
        "floor", REAL, |x| x.floor();
        "ceil", REAL, |x| x.ceil();
        "round", REAL, |x| x.round();
        "trunc", REAL, |x| x.trunc();
        "fract", REAL, |x| x.fract();
        "to_degrees", REAL, |x| x.to_degrees();
        "to_radians", REAL, |x| x.to_radians();
        "powi 0", REAL, |x| x.powi(0);
        "powi 1", REAL, |x| x.powi(1);
        "powi 3", REAL, |x| x.powi(3);
        "powi -2", REAL, |x| x.powi(-2);
        "clamp", REAL, |x| x.clamp(lit(-1.0), lit(1.5));
    }
}

/// `Sum` and `Product` of a generic float.
fn sum_product<T: Float + std::iter::Product>(a: T, b: T) -> T {
    [a, b, a * b].into_iter().sum::<T>() * [a, b].into_iter().product::<T>()
}

#[test]
fn binary_float_methods_and_operators() {
    let rng = &mut rng();
    let pairs: &[(f64, f64)] = &[(0.7, 1.9), (-1.3, 0.4), (2.2, -0.9), (-0.5, -1.6)];
    let positive: &[(f64, f64)] = &[(0.7, 1.9), (1.3, 0.4), (2.2, 3.1), (0.5, 1.6)];
    let bases: &[(f64, f64)] = &[(0.7, 1.9), (1.3, 0.4), (2.2, 3.1), (0.5, 1.6)];
    binary! { rng,
        "add", pairs, |a, b| a + b;
        "sub", pairs, |a, b| a - b;
        "mul", pairs, |a, b| a * b;
        "div", pairs, |a, b| a / b;
        "rem", pairs, |a, b| a % b;
        "powf", positive, |a, b| a.powf(b);
        "powf of a negative base, integer exponent", &[(-1.5, 3.0)], |a, _b| a.powf(lit(3.0));
        "log", bases, |a, b| a.log(b);
        "atan2", pairs, |a, b| a.atan2(b);
        "hypot", pairs, |a, b| a.hypot(b);
        "max", pairs, |a, b| a.max(b);
        "min", pairs, |a, b| a.min(b);
        "abs_sub", pairs, |a, b| num_traits::Float::abs_sub(a, b);
        "copysign", pairs, |a, b| a.copysign(b);
        "mul_add", pairs, |a, b| a.mul_add(b, a * b);
        "assign ops", pairs, |a, b| {
            let mut y = a;
            y += b;
            y *= a;
            y -= b;
            y /= b;
            y %= a;
            y
        };
        "sum and product", pairs, |a, b| sum_product(a, b);
    }
}

#[test]
fn selection_comparison_and_special_points() {
    let (a, b) = (Dual::new(1.0_f64, 3.0), Dual::new(2.0, -5.0));
    // max/min select the operand by value, its tangent with it; a NaN gives the other.
    assert_eq!(a.max(b), b);
    assert_eq!(a.min(b), a);
    assert_eq!(Dual::new(f64::NAN, 1.0).max(a), a);
    assert_eq!(a.max(Dual::new(f64::NAN, 1.0)), a);
    assert!(a < b && a > Dual::from(0.0));
    // abs: 0 at 0; sqrt and friends of a constant at a singular point stay finite.
    assert_eq!(Dual::new(0.0_f64, 1.0).abs(), Dual::new(0.0, 0.0));
    assert_eq!(Dual::constant(0.0_f64).sqrt(), Dual::constant(0.0));
    assert_eq!(
        Dual::constant(0.0_f64).powf(Dual::constant(0.5)),
        Dual::constant(0.0)
    );
    assert_eq!(Dual::new(0.0_f64, 1.0).hypot(Dual::new(0.0, 1.0)).eps, 0.0);
    // d/db 0^b = 0 (b > 0), not NaN from ln 0.
    assert_eq!(Dual::constant(0.0_f64).powf(Dual::new(2.0, 1.0)).eps, 0.0);
    // Constants, classification and decoding look at the value.
    assert_eq!(Dual::<f64>::nan().eps, 0.0);
    assert!(Dual::<f64>::nan().is_nan() && Dual::<f64>::infinity().is_infinite());
    assert_eq!(Dual::<f64>::epsilon(), Dual::constant(f64::EPSILON));
    assert_eq!(Dual::<f64>::max_value().re, f64::MAX);
    assert_eq!(Dual::<f64>::min_value().re, f64::MIN);
    assert_eq!(Dual::<f64>::min_positive_value().re, f64::MIN_POSITIVE);
    assert!(Dual::<f64>::neg_zero().is_sign_negative());
    assert_eq!(
        Dual::new(2.5_f64, 9.0).integer_decode(),
        num_traits::Float::integer_decode(2.5_f64)
    );
    assert_eq!(
        Dual::new(2.5_f64, 9.0).classify(),
        std::num::FpCategory::Normal
    );
    assert!(Dual::new(1e-310_f64, 1.0).is_subnormal() && !Dual::new(1.0_f64, 0.0).is_subnormal());
}

#[test]
fn num_traits_conversions_and_identities() {
    use num_traits::{FromPrimitive, Num, NumCast, One, Signed, ToPrimitive, Zero};
    type D = Dual<f64>;
    assert_eq!(D::zero(), Dual::new(0.0, 0.0));
    assert!(!Dual::new(0.0, 1.0).is_zero());
    assert_eq!(D::one(), Dual::new(1.0, 0.0));
    assert_eq!(
        D::from_str_radix("-1.5", 10).ok(),
        Some(Dual::constant(-1.5))
    );
    assert!(D::from_str_radix("x", 10).is_err());
    assert_eq!(<D as NumCast>::from(3_u8), Some(Dual::constant(3.0)));
    assert_eq!(D::from_usize(7), Some(Dual::constant(7.0)));
    assert_eq!(D::from_f32(0.5), Some(Dual::constant(0.5)));
    let x = Dual::new(-2.75_f64, 4.0);
    assert_eq!(
        (x.to_i64(), x.to_u64(), x.to_f64(), x.to_f32()),
        (Some(-2), None, Some(-2.75), Some(-2.75))
    );
    assert_eq!(
        (Signed::abs(&x), Signed::signum(&x)),
        (Dual::new(2.75, -4.0), Dual::constant(-1.0))
    );
    assert!(x.is_negative() && !x.is_positive());
    assert_eq!(Dual::<f32>::of_f64(0.25), Dual::constant(0.25_f32));
    assert_eq!(Dual::new(0.25_f32, 1.0).as_f64(), 0.25);
    assert_eq!(lit::<Dual<f64>>(2.0), Dual::constant(2.0));
    assert_eq!(
        format!("{} {:.1} {:e} {:E}", x, x, x, x),
        "-2.75 -2.8 -2.75e0 -2.75E0"
    );
}

// ---------------------------------------------------------------------------------------
// Runtime operations on arrays of duals
// ---------------------------------------------------------------------------------------

/// An output compared by value and by tangent.
trait Out {
    fn values(&self) -> Vec<f64>;
}
impl Out for f64 {
    fn values(&self) -> Vec<f64> {
        vec![*self]
    }
}
impl<D: Dimension> Out for Array<f64, D> {
    fn values(&self) -> Vec<f64> {
        self.iter().copied().collect()
    }
}
trait DualOut {
    fn parts(&self) -> (Vec<f64>, Vec<f64>);
}
impl DualOut for Dual<f64> {
    fn parts(&self) -> (Vec<f64>, Vec<f64>) {
        (vec![self.re], vec![self.eps])
    }
}
impl<D: Dimension> DualOut for Array<Dual<f64>, D> {
    fn parts(&self) -> (Vec<f64>, Vec<f64>) {
        (
            self.iter().map(|d| d.re).collect(),
            self.iter().map(|d| d.eps).collect(),
        )
    }
}

/// Random values in [-1, 1) of a shape.
fn random<D: Dimension>(
    shape: impl ndarray::ShapeBuilder<Dim = D>,
    rng: &mut StdRng,
) -> Array<f64, D> {
    Array::from_shape_simple_fn(shape, || rng.random_range(-1.0..1.0))
}

/// `f(x + hv)` and `f(x - hv)` against `f(x + vε)` for a body written once and run on `f64`
/// and on `Dual<f64>` arrays, a random tangent per input. `(x: Array2 = init; ..) => body`
/// declares the inputs, each type constructor taking the element type.
macro_rules! check_jvp {
    ($name:expr, $rng:expr, ($($x:ident: $ty:ident = $init:expr);*) => $body:expr) => {{
        $(let $x: $ty<f64> = $init; let $x = ($x.clone(), random($x.raw_dim(), $rng));)*
        let f = |$($x: &$ty<f64>),*| $body;
        let df = |$($x: &$ty<Dual<f64>>),*| $body;
        let y = df($(&ndarray::Zip::from(&$x.0).and(&$x.1).map_collect(|&r, &e| Dual::new(r, e))),*);
        let (re, eps) = DualOut::parts(&y);
        let want = Out::values(&f($(&$x.0),*));
        let plus = Out::values(&f($(&(&$x.0 + &($x.1.mapv(|t| t * H)))),*));
        let minus = Out::values(&f($(&(&$x.0 - &($x.1.mapv(|t| t * H)))),*));
        assert_eq!(re.len(), want.len(), "{}: output size", $name);
        for i in 0..want.len() {
            assert_close(&format!("{} value {i}", $name), re[i], want[i], 1e-13);
            let fd = (plus[i] - minus[i]) / (2.0 * H);
            assert_close(&format!("{} tangent {i}", $name), eps[i], fd, TOL);
        }
    }};
}

#[test]
fn elementwise_and_softmax_family() {
    let rng = &mut rng();
    check_jvp!("sigmoid", rng, (x: Array2 = random((3, 4), rng)) => sigmoid(x));
    check_jvp!("sigmoid owned", rng, (x: Array2 = random((3, 4), rng)) => sigmoid(x.clone()));
    check_jvp!("tanh, exp, ln", rng, (x: Array1 = random(5, rng) + 2.0) => ln(&exp(&tanh(x))) * &sin(x));
    check_jvp!("softmax", rng, (x: Array2 = random((3, 4), rng) * 3.0) => softmax(x));
    check_jvp!("log_softmax", rng, (x: Array2 = random((3, 4), rng) * 3.0) => log_softmax(x));
    check_jvp!("log_softmax 3-D", rng, (x: Array3 = random((2, 3, 4), rng)) => log_softmax(x));
    check_jvp!("cross_entropy", rng, (x: Array2 = random((3, 4), rng) * 3.0) => cross_entropy(x, &[0, 3, 1]));
    check_jvp!("logsumexp", rng, (x: Array2 = random((3, 4), rng) * 5.0) => logsumexp(x));
    check_jvp!("logsumexp_axis", rng, (x: Array2 = random((3, 4), rng) * 5.0) => logsumexp_axis(x, Axis(1)));
    check_jvp!("logsumexp_axis 0", rng, (x: Array3 = random((2, 3, 4), rng)) => logsumexp_axis(x, Axis(0)));
    check_jvp!("sum", rng, (x: Array3 = random((2, 3, 4), rng)) => sum(x));
    check_jvp!("mean", rng, (x: Array2 = random((3, 4), rng)) => mean(x));
    check_jvp!("sum_axis", rng, (x: Array2 = random((3, 4), rng)) => sum_axis(x, Axis(1)));
    check_jvp!("t", rng, (x: Array2 = random((3, 4), rng)) => t(x));
}

#[test]
fn broadcasting_arithmetic_and_selection() {
    let rng = &mut rng();
    check_jvp!("add broadcast", rng, (a: Array2 = random((3, 4), rng); b: Array1 = random(4, rng)) => add(a, b));
    check_jvp!("mul broadcast", rng, (a: Array2 = random((3, 4), rng); b: Array2 = random((3, 1), rng)) => mul(a, b));
    check_jvp!("sub owned left", rng, (a: Array2 = random((3, 4), rng); b: Array1 = random(4, rng)) => sub(a.clone(), b));
    check_jvp!("div", rng, (a: Array1 = random(4, rng); b: Array1 = random(4, rng) + 3.0) => div(a, b));
    check_jvp!("powf", rng, (a: Array1 = random(4, rng) + 2.0; b: Array1 = random(4, rng)) => powf(a, b));
    check_jvp!("array times scalar", rng, (a: Array2 = random((2, 3), rng); s: Array1 = random(1, rng)) => {
        mul(a, &s[0]) + &mul(&s[0], a)
    });
    check_jvp!("max, atan2, hypot", rng, (a: Array1 = random(2, rng); b: Array1 = random(2, rng)) => {
        array![max(&a[0], &b[0]), atan2(&a[1], &b[1]), hypot(&a[0], &b[1])]
    });
    check_jvp!("index", rng, (x: Array2 = random((3, 4), rng)) => index(x, [2, 1]) * index(x, [0, 3]));
    check_jvp!("slice", rng, (x: Array2 = random((3, 4), rng)) => slice(x, s![1.., ..;2]));
    check_jvp!("row, column", rng, (x: Array2 = random((3, 4), rng)) => row(x, 1) * column(x, 2)[0]);
}

#[test]
fn matrix_products() {
    let rng = &mut rng();
    check_jvp!("dot 1x1", rng, (a: Array1 = random(4, rng); b: Array1 = random(4, rng)) => dot(a, b));
    check_jvp!("dot 2x1", rng, (a: Array2 = random((3, 4), rng); b: Array1 = random(4, rng)) => dot(a, b));
    check_jvp!("dot 1x2", rng, (a: Array1 = random(3, rng); b: Array2 = random((3, 4), rng)) => dot(a, b));
    check_jvp!("dot 2x2", rng, (a: Array2 = random((3, 4), rng); b: Array2 = random((4, 5), rng)) => dot(a, b));
    check_jvp!("dot 2x2 transposed view", rng, (a: Array2 = random((4, 3), rng); b: Array2 = random((4, 5), rng)) => {
        dot(&a.t(), b)
    });
    check_jvp!("matmul 2x2", rng, (a: Array2 = random((3, 4), rng); b: Array2 = random((4, 2), rng)) => matmul(a, b));
    check_jvp!("matmul batched", rng, (a: Array3 = random((2, 3, 4), rng); b: Array3 = random((2, 4, 5), rng)) => {
        matmul(a, b)
    });
    check_jvp!("matmul broadcast", rng, (a: Array4 = random((2, 1, 3, 4), rng); b: Array3 = random((5, 4, 2), rng)) => {
        matmul(a, b)
    });
    check_jvp!("matmul 1-D x 3-D", rng, (a: Array1 = random(4, rng); b: Array3 = random((2, 4, 3), rng)) => matmul(a, b));
    check_jvp!("matmul 3-D x 1-D", rng, (a: Array3 = random((2, 3, 4), rng); b: Array1 = random(4, rng)) => matmul(a, b));
}

/// Forward over reverse: VJPs run on duals give the derivative of the gradient along the
/// tangent (a Hessian-vector product for a scalar function).
#[test]
fn vjps_on_duals() {
    let rng = &mut rng();
    check_jvp!("sigmoid_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array2 = random((3, 4), rng)) => {
        sigmoid_vjp(&sigmoid(x), g)
    });
    check_jvp!("square, square_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array2 = random((3, 4), rng)) => {
        square_vjp(&square(x), g)
    });
    check_jvp!("softmax_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array2 = random((3, 4), rng)) => {
        softmax_vjp(&softmax(x), g)
    });
    check_jvp!("log_softmax_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array2 = random((3, 4), rng)) => {
        log_softmax_vjp(&log_softmax(x), g)
    });
    check_jvp!("cross_entropy_vjp", rng, (x: Array2 = random((3, 4), rng)) => {
        cross_entropy_vjp(x, &[2, 0, 1], &one())
    });
    check_jvp!("logsumexp_vjp", rng, (x: Array2 = random((3, 4), rng)) => logsumexp_vjp(x, &one()));
    check_jvp!("logsumexp_saved_vjp", rng, (x: Array2 = random((3, 4), rng)) => {
        logsumexp_saved_vjp(logsumexp_saving(x).1, &one())
    });
    check_jvp!("sin_saved_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array2 = random((3, 4), rng)) => {
        sin_saved_vjp(sin_saving(x).1, g)
    });
    check_jvp!("cos_saved_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array2 = random((3, 4), rng)) => {
        cos_saved_vjp(cos_saving(x).1, g)
    });
    check_jvp!("logsumexp_axis_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array1 = random(3, rng)) => {
        logsumexp_axis_vjp(x, Axis(1), g)
    });
    check_jvp!("logsumexp_axis_saved_vjp", rng, (x: Array2 = random((3, 4), rng); g: Array1 = random(4, rng)) => {
        logsumexp_axis_saved_vjp(logsumexp_axis_saving(x, Axis(0)).1, g)
    });
    check_jvp!("mul_vjp_rhs broadcast", rng, (a: Array2 = random((3, 4), rng); b: Array1 = random(4, rng)) => {
        mul_vjp_rhs(a, b, &(a * b))
    });
    check_jvp!("matmul_vjp_lhs/rhs", rng, (a: Array3 = random((2, 3, 4), rng); b: Array2 = random((4, 2), rng)) => {
        let g = matmul(a, b).mapv(|v| v * v);
        let da: ArrayD<_> = matmul_vjp_lhs(a, b, &g).into_dyn();
        let db = matmul_vjp_rhs(a, b, &g).into_dyn();
        ndarray::concatenate(Axis(0), &[da.into_shape_with_order(24).unwrap().view(), db.into_shape_with_order(8).unwrap().view()]).unwrap()
    });
    check_jvp!("dot_vjp_rhs", rng, (a: Array2 = random((3, 4), rng); b: Array2 = random((4, 2), rng)) => {
        let g = dot(a, b);
        dot_vjp_rhs(a, b, &g)
    });
}

// ---------------------------------------------------------------------------------------
// Generic code over `T: Float` run with duals
// ---------------------------------------------------------------------------------------

fn is_float<T: Float>() {}

/// A generic function over the crate's `Float`, in the shape the macro generates.
fn generic<T: Float>(x: T, w: &Array1<T>) -> T {
    let h = mul(w, &x);
    sum(&sigmoid(h)).ln() + x * lit::<T>(2.0)
}

#[test]
fn dual_is_a_float_and_runs_generic_code() {
    is_float::<Dual<f32>>();
    is_float::<Dual<f64>>();
    is_float::<Dual<Dual<f64>>>();
    let rng = &mut rng();
    let (x, w) = (0.7, random(3, rng));
    let v = random(3, rng);
    let wd = ndarray::Zip::from(&w)
        .and(&v)
        .map_collect(|&w, &v| Dual::new(w, v));
    let y = generic(Dual::new(x, 0.5), &wd);
    let fd = (generic(x + 0.5 * H, &(&w + &(&v * H))) - generic(x - 0.5 * H, &(&w - &(&v * H))))
        / (2.0 * H);
    assert_close("generic", y.eps, fd, TOL);
    // A dual of duals: the second derivative of x³ is 6x.
    let x = Dual::new(Dual::new(1.5_f64, 1.0), Dual::new(1.0, 0.0));
    assert_eq!(x.powi(3).eps.eps, 9.0);
    // Runtime traits on a dual scalar parameter.
    assert_eq!(Dual::new(1.0_f64, 2.0).into_value(), Dual::new(1.0, 2.0));
    assert_eq!(
        (&Dual::new(1.0_f64, 2.0)).into_owned_value(),
        Dual::new(1.0, 2.0)
    );
    assert_eq!(zeros_like(&Dual::new(1.0_f64, 2.0)), Dual::constant(0.0));
    assert_eq!(
        scaled(Dual::new(1.0_f64, 2.0), &Dual::new(3.0, 1.0)),
        Dual::new(3.0, 7.0)
    );
    let mut d = None;
    accumulate(&mut d, Dual::new(1.0_f64, 2.0));
    accumulate(&mut d, Dual::new(1.0, 2.0));
    assert_eq!(d, Some(Dual::new(2.0, 4.0)));
}

#[test]
fn differentiable_visits_the_value() {
    let mut p = (
        vec![Dual::new(1.0_f64, 5.0), Dual::new(2.0, 6.0)],
        Dual::new(3.0_f64, 7.0),
    );
    p.0.scale_by(2.0);
    p.1.add_assign_from(&Dual::new(1.0, 100.0));
    assert_eq!(p.0, [Dual::new(2.0, 5.0), Dual::new(4.0, 6.0)]);
    assert_eq!(p.1, Dual::new(4.0, 7.0));
    assert_eq!(p.1.zero_like(), Dual::new(0.0, 7.0));
    let mut sgd_param = Dual::new(1.0_f64, 0.5);
    optim::Sgd::new(0.5).step(&mut sgd_param, &Dual::new(2.0, 9.0));
    assert_eq!(sgd_param, Dual::new(0.0, 0.5));
}
