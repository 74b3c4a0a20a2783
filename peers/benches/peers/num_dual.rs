//! num-dual on the seed function, shared by `peers.rs` (criterion) and `interleaved.rs`.

/// num-dual: one forward pass with a 2-vector of derivatives (`num_dual::gradient`).
#[inline(never)]
pub fn f_num_dual(x1: f64, x2: f64) -> (f64, (f64, f64)) {
    use nalgebra::SVector;
    use num_dual::{gradient, DualNum, DualSVec64};
    let (v, g) = gradient(
        |x: SVector<DualSVec64<2>, 2>| x[0].ln() + x[0] * x[1] - x[1].sin(),
        &SVector::from([x1, x2]),
    );
    (v, (g[0], g[1]))
}

/// num-dual: two forward passes with a scalar dual number (`Dual64`), one per input.
#[inline(never)]
pub fn f_num_dual_twice(x1: f64, x2: f64) -> (f64, (f64, f64)) {
    use num_dual::{Dual64, DualNum};
    let g = |a: Dual64, b: Dual64| a.ln() + a * b - b.sin();
    let r1 = g(Dual64::from(x1).derivative(), Dual64::from(x2));
    let r2 = g(Dual64::from(x1), Dual64::from(x2).derivative());
    (r1.re, (r1.eps, r2.eps))
}

/// Asserts that a seed gradient (`f(2, 5)` and its two partials) agrees with ours to 1e-9.
pub fn assert_agrees(name: &str, got: (f64, (f64, f64)), ours: (f64, (f64, f64))) {
    let ((pv, (p1, p2)), (v, (d1, d2))) = (got, ours);
    let e = (pv - v).abs().max((p1 - d1).abs()).max((p2 - d2).abs());
    assert!(e < 1e-9, "seed: {name} differs from ours by {e}");
}
