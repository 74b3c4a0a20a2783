//! Our generated gradients against peer AD libraries, in one criterion run:
//!
//! 1. the seed function `ln x1 + x1 x2 - sin x2` at (2, 5), f64;
//! 2. the chained Rosenbrock function, n = 32, f64 (definition and input as
//!    `benches/scalar.rs`);
//! 3. the two-layer network `cross_entropy(sigmoid(X W1) W2, y)` in f32, gradients for
//!    W1 and W2 only, at two sizes (definition, inputs and hand-written gradient as
//!    `benches/network.rs`).
//!
//! Every peer's value and gradient is checked against ours before anything is timed.
//! Every library runs single-threaded (`RAYON_NUM_THREADS=1` unless set otherwise), as
//! ours does.
//!
//! ```text
//! cd peers && CARGO_TARGET_DIR=/work/target-peers nice -n 10 cargo bench --bench peers
//! ```
use autodiff::ndarray::Array1;
use autodiff::prelude::*;
use criterion::Criterion;
use std::hint::black_box;
use std::time::Duration;

#[path = "peers/network.rs"]
mod network;

// ---------------------------------------------------------------------------------------
// 1. The seed function
// ---------------------------------------------------------------------------------------

/// The seed function: `ln x1 + x1 x2 - sin x2`.
#[differentiate]
fn f(x1: f64, x2: f64) -> f64 {
    x1.ln() + x1 * x2 - x2.sin()
}

/// The seed function's value and gradient by hand: `(1/x1 + x2, x1 - cos x2)`, with one
/// `sin_cos` for both trigonometric terms.
#[inline(never)]
fn f_hand(x1: f64, x2: f64) -> (f64, (f64, f64)) {
    let (s, c) = x2.sin_cos();
    (x1.ln() + x1 * x2 - s, (1.0 / x1 + x2, x1 - c))
}

/// num-dual: one forward pass with a 2-vector of derivatives (`num_dual::gradient`).
#[inline(never)]
fn f_num_dual(x1: f64, x2: f64) -> (f64, (f64, f64)) {
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
fn f_num_dual_twice(x1: f64, x2: f64) -> (f64, (f64, f64)) {
    use num_dual::{Dual64, DualNum};
    let g = |a: Dual64, b: Dual64| a.ln() + a * b - b.sin();
    let r1 = g(Dual64::from(x1).derivative(), Dual64::from(x2));
    let r2 = g(Dual64::from(x1), Dual64::from(x2).derivative());
    (r1.re, (r1.eps, r2.eps))
}

/// candle: two scalar `Var`s, the graph built at run time, `backward()`.
#[inline(never)]
fn f_candle(x1: &candle_core::Var, x2: &candle_core::Var) -> (f64, (f64, f64)) {
    let run = || -> candle_core::Result<(f64, (f64, f64))> {
        let y = ((x1.log()? + x1.mul(x2)?)? - x2.sin()?)?;
        let grads = y.backward()?;
        let g1 = grads.get(x1).expect("dx1").to_scalar::<f64>()?;
        let g2 = grads.get(x2).expect("dx2").to_scalar::<f64>()?;
        Ok((y.to_scalar::<f64>()?, (g1, g2)))
    };
    run().expect("candle seed")
}

fn seed(c: &mut Criterion) {
    let (v, (d1, d2)) = f_grad(2.0, 5.0);
    let dev = candle_core::Device::Cpu;
    let cx1 = candle_core::Var::new(2.0_f64, &dev).unwrap();
    let cx2 = candle_core::Var::new(5.0_f64, &dev).unwrap();
    for (name, (pv, (p1, p2))) in [
        ("hand-written", f_hand(2.0, 5.0)),
        ("num-dual gradient", f_num_dual(2.0, 5.0)),
        ("num-dual Dual64 x2", f_num_dual_twice(2.0, 5.0)),
        ("candle", f_candle(&cx1, &cx2)),
    ] {
        let e = (pv - v).abs().max((p1 - d1).abs()).max((p2 - d2).abs());
        assert!(e < 1e-9, "seed: {name} differs from ours by {e}");
    }

    let mut group = c.benchmark_group("seed f64");
    group.bench_function("ours f_grad", |b| {
        b.iter(|| f_grad(black_box(2.0), black_box(5.0)))
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| f_hand(black_box(2.0), black_box(5.0)))
    });
    group.bench_function("num-dual gradient (DualSVec64<2>)", |b| {
        b.iter(|| f_num_dual(black_box(2.0), black_box(5.0)))
    });
    group.bench_function("num-dual Dual64 twice", |b| {
        b.iter(|| f_num_dual_twice(black_box(2.0), black_box(5.0)))
    });
    group.bench_function("candle Var", |b| {
        b.iter(|| f_candle(black_box(&cx1), black_box(&cx2)))
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// 2. Chained Rosenbrock, n = 32 (as benches/scalar.rs)
// ---------------------------------------------------------------------------------------

const N: usize = 32;

/// Chained Rosenbrock, `Σ_{i<n-1} 100 (x[i+1] - x[i]²)² + (1 - x[i])²`, as a loop.
#[differentiate]
fn rosen_loop(x: &Array1<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        total += 100.0 * a * a + b * b;
    }
    total
}

/// The same function for n = 32, unrolled: straight-line code, one `let` per term.
#[differentiate]
fn rosen_unrolled(x: &Array1<f64>) -> f64 {
    let a0 = x[1] - x[0] * x[0];
    let b0 = 1.0 - x[0];
    let a1 = x[2] - x[1] * x[1];
    let b1 = 1.0 - x[1];
    let a2 = x[3] - x[2] * x[2];
    let b2 = 1.0 - x[2];
    let a3 = x[4] - x[3] * x[3];
    let b3 = 1.0 - x[3];
    let a4 = x[5] - x[4] * x[4];
    let b4 = 1.0 - x[4];
    let a5 = x[6] - x[5] * x[5];
    let b5 = 1.0 - x[5];
    let a6 = x[7] - x[6] * x[6];
    let b6 = 1.0 - x[6];
    let a7 = x[8] - x[7] * x[7];
    let b7 = 1.0 - x[7];
    let a8 = x[9] - x[8] * x[8];
    let b8 = 1.0 - x[8];
    let a9 = x[10] - x[9] * x[9];
    let b9 = 1.0 - x[9];
    let a10 = x[11] - x[10] * x[10];
    let b10 = 1.0 - x[10];
    let a11 = x[12] - x[11] * x[11];
    let b11 = 1.0 - x[11];
    let a12 = x[13] - x[12] * x[12];
    let b12 = 1.0 - x[12];
    let a13 = x[14] - x[13] * x[13];
    let b13 = 1.0 - x[13];
    let a14 = x[15] - x[14] * x[14];
    let b14 = 1.0 - x[14];
    let a15 = x[16] - x[15] * x[15];
    let b15 = 1.0 - x[15];
    let a16 = x[17] - x[16] * x[16];
    let b16 = 1.0 - x[16];
    let a17 = x[18] - x[17] * x[17];
    let b17 = 1.0 - x[17];
    let a18 = x[19] - x[18] * x[18];
    let b18 = 1.0 - x[18];
    let a19 = x[20] - x[19] * x[19];
    let b19 = 1.0 - x[19];
    let a20 = x[21] - x[20] * x[20];
    let b20 = 1.0 - x[20];
    let a21 = x[22] - x[21] * x[21];
    let b21 = 1.0 - x[21];
    let a22 = x[23] - x[22] * x[22];
    let b22 = 1.0 - x[22];
    let a23 = x[24] - x[23] * x[23];
    let b23 = 1.0 - x[23];
    let a24 = x[25] - x[24] * x[24];
    let b24 = 1.0 - x[24];
    let a25 = x[26] - x[25] * x[25];
    let b25 = 1.0 - x[25];
    let a26 = x[27] - x[26] * x[26];
    let b26 = 1.0 - x[26];
    let a27 = x[28] - x[27] * x[27];
    let b27 = 1.0 - x[27];
    let a28 = x[29] - x[28] * x[28];
    let b28 = 1.0 - x[28];
    let a29 = x[30] - x[29] * x[29];
    let b29 = 1.0 - x[29];
    let a30 = x[31] - x[30] * x[30];
    let b30 = 1.0 - x[30];
    100.0 * a0 * a0
        + b0 * b0
        + 100.0 * a1 * a1
        + b1 * b1
        + 100.0 * a2 * a2
        + b2 * b2
        + 100.0 * a3 * a3
        + b3 * b3
        + 100.0 * a4 * a4
        + b4 * b4
        + 100.0 * a5 * a5
        + b5 * b5
        + 100.0 * a6 * a6
        + b6 * b6
        + 100.0 * a7 * a7
        + b7 * b7
        + 100.0 * a8 * a8
        + b8 * b8
        + 100.0 * a9 * a9
        + b9 * b9
        + 100.0 * a10 * a10
        + b10 * b10
        + 100.0 * a11 * a11
        + b11 * b11
        + 100.0 * a12 * a12
        + b12 * b12
        + 100.0 * a13 * a13
        + b13 * b13
        + 100.0 * a14 * a14
        + b14 * b14
        + 100.0 * a15 * a15
        + b15 * b15
        + 100.0 * a16 * a16
        + b16 * b16
        + 100.0 * a17 * a17
        + b17 * b17
        + 100.0 * a18 * a18
        + b18 * b18
        + 100.0 * a19 * a19
        + b19 * b19
        + 100.0 * a20 * a20
        + b20 * b20
        + 100.0 * a21 * a21
        + b21 * b21
        + 100.0 * a22 * a22
        + b22 * b22
        + 100.0 * a23 * a23
        + b23 * b23
        + 100.0 * a24 * a24
        + b24 * b24
        + 100.0 * a25 * a25
        + b25 * b25
        + 100.0 * a26 * a26
        + b26 * b26
        + 100.0 * a27 * a27
        + b27 * b27
        + 100.0 * a28 * a28
        + b28 * b28
        + 100.0 * a29 * a29
        + b29 * b29
        + 100.0 * a30 * a30
        + b30 * b30
}

/// Value and gradient by hand: one pass, the gradient written into a fresh `Array1`
/// (the generated `_grad` also returns an owned array).
#[inline(never)]
fn rosen_hand(x: &Array1<f64>) -> (f64, Array1<f64>) {
    let n = x.len();
    let mut g = Array1::<f64>::zeros(n);
    let mut total = 0.0;
    for i in 0..n - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        total += 100.0 * a * a + b * b;
        g[i] += -400.0 * a * x[i] - 2.0 * b;
        g[i + 1] += 200.0 * a;
    }
    (total, g)
}

/// The Rosenbrock function over any num-dual number type.
fn rosen_generic<D: num_dual::DualNum<Primitive = f64>>(x: &[D]) -> D {
    let mut total = D::from(0.0);
    for i in 0..x.len() - 1 {
        let a = x[i + 1].clone() - x[i].clone() * &x[i];
        let b = -x[i].clone() + 1.0;
        total += a.clone() * &a * 100.0 + b.clone() * &b;
    }
    total
}

/// num-dual, statically sized: `gradient` over an `SVector` of `DualSVec64<32>` (one
/// forward pass carrying 32 derivative directions on the stack).
#[inline(never)]
fn rosen_num_dual_static(x: &nalgebra::SVector<f64, N>) -> (f64, nalgebra::SVector<f64, N>) {
    use nalgebra::SVector;
    num_dual::gradient(
        |v: SVector<num_dual::DualSVec64<N>, N>| rosen_generic(v.as_slice()),
        x,
    )
}

/// num-dual, dynamically sized: `gradient` over a `DVector` of `DualDVec64`.
#[inline(never)]
fn rosen_num_dual_dynamic(x: &nalgebra::DVector<f64>) -> (f64, nalgebra::DVector<f64>) {
    use nalgebra::DVector;
    num_dual::gradient(
        |v: DVector<num_dual::DualDVec64>| rosen_generic(v.as_slice()),
        x,
    )
}

fn max_abs_diff<'a>(a: impl IntoIterator<Item = &'a f64>, b: &Array1<f64>) -> f64 {
    a.into_iter()
        .zip(b)
        .fold(0.0_f64, |m, (&p, &q)| m.max((p - q).abs()))
}

fn rosenbrock(c: &mut Criterion) {
    let x = Array1::from_shape_fn(N, |i| 0.5 + 0.7 * (0.3 * i as f64).sin());
    let xs = nalgebra::SVector::<f64, N>::from_iterator(x.iter().copied());
    let xd = nalgebra::DVector::<f64>::from_iterator(N, x.iter().copied());

    // Reference: ours (loop). Every other gradient agrees with it before timing.
    let (v, (g,)) = rosen_loop_grad(&x);
    let (vu, (gu,)) = rosen_unrolled_grad(&x);
    let (vh, gh) = rosen_hand(&x);
    let (vs, gs) = rosen_num_dual_static(&xs);
    let (vd, gd) = rosen_num_dual_dynamic(&xd);
    // Relative to the gradient's scale (|g| reaches ~100 here).
    let scale = g.fold(1.0_f64, |m, &q| m.max(q.abs()));
    for (name, pv, e) in [
        ("ours unrolled", vu, max_abs_diff(&gu, &g)),
        ("hand-written", vh, max_abs_diff(&gh, &g)),
        ("num-dual static", vs, max_abs_diff(gs.iter(), &g)),
        ("num-dual dynamic", vd, max_abs_diff(gd.iter(), &g)),
    ] {
        assert!(
            (pv - v).abs() < 1e-9 * v.abs().max(1.0) && e < 1e-9 * scale,
            "rosenbrock: {name} differs (value {pv} vs {v}, gradient by {e})"
        );
    }

    let mut group = c.benchmark_group("rosenbrock n=32 f64");
    group.bench_function("ours loop _grad", |b| {
        b.iter(|| rosen_loop_grad(black_box(&x)))
    });
    group.bench_function("ours unrolled _grad", |b| {
        b.iter(|| rosen_unrolled_grad(black_box(&x)))
    });
    group.bench_function("hand-written", |b| b.iter(|| rosen_hand(black_box(&x))));
    group.bench_function("num-dual gradient SVector<DualSVec64<32>>", |b| {
        b.iter(|| rosen_num_dual_static(black_box(&xs)))
    });
    group.bench_function("num-dual gradient DVector<DualDVec64>", |b| {
        b.iter(|| rosen_num_dual_dynamic(black_box(&xd)))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

fn main() {
    // Every library single-threaded, as ours is: candle's and dfdx's CPU matmuls use gemm
    // with a rayon pool sized from this variable. Set before any pool exists.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
    let mut c = config();
    seed(&mut c);
    rosenbrock(&mut c);
    network::network(&mut c);
    c.final_summary();
}
