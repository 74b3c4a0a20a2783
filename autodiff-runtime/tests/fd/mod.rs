//! Every VJP of the runtime checked against central finite differences with a random
//! cotangent.
//!
//! For a forward `y = f(x)`, a random output adjoint `g` (of `y`'s shape) and every input
//! element `x_i`, the VJP's component `i` must equal
//! `Σ_j g_j (f_j(x + h e_i) - f_j(x - h e_i)) / 2h`, i.e. `<g, J e_i>`. All checks go through
//! one helper, [`fd_check`], on flattened inputs and outputs; [`check_unary`] and
//! [`check_binary`] wrap it for one- and two-argument ops and also assert that every gradient
//! has its input's shape.

// Each test crate (vjp_*.rs) uses a subset of these helpers.
#![allow(dead_code)]

use ndarray::{Array, ArrayBase, Data, Dimension, ShapeBuilder};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Finite-difference step.
pub const H: f64 = 1e-6;
/// Relative/absolute tolerance: `|vjp - fd| <= TOL * (1 + max(|vjp|, |fd|))`.
pub const TOL: f64 = 1e-6;

pub fn rng() -> StdRng {
    StdRng::seed_from_u64(0x5eed)
}

/// A value the checks can flatten to `Vec<f64>` (logical, row-major order) and rebuild.
pub trait Flat: Sized {
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
pub fn fd_check(name: &str, x: &[f64], f: impl Fn(&[f64]) -> Vec<f64>, g: &[f64], grad: &[f64]) {
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

/// A random cotangent of `y`'s shape, uniform in [-1, 1).
pub fn random_like<Y: Flat>(y: &Y, rng: &mut StdRng) -> Y {
    let v: Vec<f64> = (0..y.flat().len())
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    y.unflat(&v)
}

/// Checks a one-argument op: gradient shape, then finite differences.
pub fn check_unary<X: Flat, Y: Flat>(
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
pub fn check_binary<L: Flat, R: Flat, Y: Flat>(
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
pub fn uniform<D: Dimension, Sh: ShapeBuilder<Dim = D>>(
    rng: &mut StdRng,
    shape: Sh,
    lo: f64,
    hi: f64,
) -> Array<f64, D> {
    Array::from_shape_simple_fn(shape, || rng.random_range(lo..hi))
}

/// Positive values in [0.5, 2): safe for `ln`, `sqrt`, a `powf` base, a divisor.
pub fn pos<D: Dimension, Sh: ShapeBuilder<Dim = D>>(rng: &mut StdRng, shape: Sh) -> Array<f64, D> {
    uniform(rng, shape, 0.5, 2.0)
}

/// The same magnitudes with random signs: away from 0 (kinks of `abs`/`relu`, poles of `/`).
pub fn flip<X: Flat>(x: &X, rng: &mut StdRng) -> X {
    let v: Vec<f64> = x
        .flat()
        .into_iter()
        .map(|v| if rng.random_bool(0.5) { -v } else { v })
        .collect();
    x.unflat(&v)
}

/// Asserts two arrays (of any storage) have one shape and agree elementwise within `tol`.
#[track_caller]
pub fn assert_close<S1, S2, D>(got: &ArrayBase<S1, D>, want: &ArrayBase<S2, D>, tol: f64)
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
pub fn same<T: PartialEq + std::fmt::Debug>(x: T, y: T) -> T {
    assert_eq!(x, y, "the two forms of a VJP differ");
    x
}

pub fn pos_scalar(rng: &mut StdRng) -> f64 {
    rng.random_range(0.5..2.0)
}

// Input generators for the unary checks and the `dot`/`matmul` checks.
pub fn gen_pos<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    pos(rng, d)
}
pub fn gen_away<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    let x = pos(rng, d);
    flip(&x, rng)
}
pub fn gen_any<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    uniform(rng, d, -2.0, 2.0)
}
pub fn gen_tan<D: Dimension>(rng: &mut StdRng, d: D) -> Array<f64, D> {
    uniform(rng, d, -1.2, 1.2)
}
