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
use autodiff::ndarray::linalg::general_mat_mul;
use autodiff::ndarray::{Array1, Array2, Zip};
use autodiff::prelude::*;
use criterion::{BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;

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

// ---------------------------------------------------------------------------------------
// 3. Two-layer network (as benches/network.rs)
// ---------------------------------------------------------------------------------------

#[differentiate(wrt(w1, w2))]
fn loss(x: &Array2<f32>, w1: &Array2<f32>, w2: &Array2<f32>, y: &[usize]) -> f32 {
    let z = sigmoid(&x.dot(w1));
    cross_entropy(&z.dot(w2), y)
}

/// Buffers for the hand-written gradient, allocated once per problem size.
struct Work {
    /// `X W1`, then `s = sigmoid(X W1)` in place.
    s: Array2<f32>,
    /// The logits `s W2`, then `dL/dlogits` in place.
    z: Array2<f32>,
    /// `dL/ds`, then `dL/d(X W1)` in place.
    ds: Array2<f32>,
    dw1: Array2<f32>,
    dw2: Array2<f32>,
}

impl Work {
    fn new(b: usize, d: usize, h: usize, c: usize) -> Self {
        Work {
            s: Array2::zeros((b, h)),
            z: Array2::zeros((b, c)),
            ds: Array2::zeros((b, h)),
            dw1: Array2::zeros((d, h)),
            dw2: Array2::zeros((h, c)),
        }
    }
}

/// Turns each row of logits into `(softmax - onehot) / B` in place; returns the mean loss.
fn softmax_ce_backward(z: &mut Array2<f32>, y: &[usize]) -> f32 {
    let scale = 1.0 / y.len() as f32;
    let mut total = 0.0_f32;
    for (mut row, &label) in z.outer_iter_mut().zip(y) {
        let m = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let zl = row[label];
        let mut sum = 0.0_f32;
        row.mapv_inplace(|v| {
            let e = (v - m).exp();
            sum += e;
            e
        });
        total += (m - zl) + sum.ln();
        let k = scale / sum;
        row.mapv_inplace(|e| e * k);
        row[label] -= scale;
    }
    total * scale
}

/// The careful hand-written gradient: five matrix products into preallocated buffers, the
/// sigmoid and the softmax done in place. The gradients land in `work.dw1`, `work.dw2`.
#[inline(never)]
fn hand_grad(
    x: &Array2<f32>,
    w1: &Array2<f32>,
    w2: &Array2<f32>,
    y: &[usize],
    work: &mut Work,
) -> f32 {
    let Work { s, z, ds, dw1, dw2 } = work;
    general_mat_mul(1.0, x, w1, 0.0, s);
    s.mapv_inplace(|a| 1.0 / (1.0 + (-a).exp()));
    general_mat_mul(1.0, s, w2, 0.0, z);
    let l = softmax_ce_backward(z, y);
    general_mat_mul(1.0, &s.t(), z, 0.0, dw2);
    general_mat_mul(1.0, z, &w2.t(), 0.0, ds);
    Zip::from(&mut *ds)
        .and(&*s)
        .for_each(|d, &s| *d *= s * (1.0 - s));
    general_mat_mul(1.0, &x.t(), ds, 0.0, dw1);
    l
}

type Inputs = (Array2<f32>, Array2<f32>, Array2<f32>, Vec<usize>);

fn inputs(b: usize, d: usize, h: usize, c: usize) -> Inputs {
    let x = Array2::from_shape_fn((b, d), |(i, j)| (0.1 * i as f32 + 0.37 * j as f32).sin());
    let w1 = Array2::from_shape_fn((d, h), |(i, j)| {
        0.01 * (0.3 * i as f32 + 0.7 * j as f32).cos()
    });
    let w2 = Array2::from_shape_fn((h, c), |(i, j)| {
        0.1 * (0.5 * i as f32 + 0.9 * j as f32).cos()
    });
    let y = (0..b).map(|i| i % c).collect();
    (x, w1, w2, y)
}

/// Max |a - b| relative to the largest |b| (at least 1e-3, so a tiny gradient is not
/// compared at the noise level), `a` given row-major.
fn rel_diff(a: &[f32], b: &Array2<f32>) -> f32 {
    assert_eq!(a.len(), b.len(), "gradient sizes differ");
    let scale = b.fold(1e-3_f32, |m, &v| m.max(v.abs()));
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0.0_f32, |m, (&p, &q)| m.max((p - q).abs()));
    diff / scale
}

/// Checks a peer's loss and gradients against ours (relative difference below 1e-3).
fn check(
    name: &str,
    size: &str,
    got: (f32, Vec<f32>, Vec<f32>),
    want: (f32, &Array2<f32>, &Array2<f32>),
) {
    let (l, g1, g2) = got;
    let (lw, w1, w2) = want;
    let el = (l - lw).abs() / lw.abs().max(1e-3);
    let e1 = rel_diff(&g1, w1);
    let e2 = rel_diff(&g2, w2);
    assert!(
        el < 1e-3 && e1 < 1e-3 && e2 < 1e-3,
        "{name} at {size}: loss {l} vs {lw} (rel {el}), dW1 rel {e1}, dW2 rel {e2}"
    );
    eprintln!("check {name:>12} at {size}: loss rel {el:.1e}, dW1 rel {e1:.1e}, dW2 rel {e2:.1e}");
}

/// candle: `Var`s for W1 and W2, a plain `Tensor` for X; candle-nn's fused `sigmoid` op and
/// its `cross_entropy` (max-shifted `log_softmax` + `gather`, mean over the batch).
mod candle_net {
    use candle_core::{backprop::GradStore, DType, Device, Result, Tensor, Var};

    pub struct Net {
        pub x: Tensor,
        pub w1: Var,
        pub w2: Var,
        pub y: Tensor,
    }

    impl Net {
        pub fn new(
            x: &[f32],
            w1: &[f32],
            w2: &[f32],
            y: &[usize],
            dims: (usize, usize, usize, usize),
        ) -> Result<Net> {
            let (b, d, h, c) = dims;
            let dev = Device::Cpu;
            let y: Vec<u32> = y.iter().map(|&v| v as u32).collect();
            Ok(Net {
                x: Tensor::from_slice(x, (b, d), &dev)?,
                w1: Var::from_tensor(&Tensor::from_slice(w1, (d, h), &dev)?)?,
                w2: Var::from_tensor(&Tensor::from_slice(w2, (h, c), &dev)?)?,
                y: Tensor::from_slice(&y, b, &dev)?.to_dtype(DType::U32)?,
            })
        }

        /// Forward, backward; the loss and the gradient store (holding dW1, dW2).
        pub fn step(&self) -> Result<(f32, GradStore)> {
            let s = candle_nn::ops::sigmoid(&self.x.matmul(self.w1.as_tensor())?)?;
            let logits = s.matmul(self.w2.as_tensor())?;
            let l = candle_nn::loss::cross_entropy(&logits, &self.y)?;
            let grads = l.backward()?;
            Ok((l.to_scalar::<f32>()?, grads))
        }

        pub fn gradients(&self) -> Result<(f32, Vec<f32>, Vec<f32>)> {
            let (l, grads) = self.step()?;
            let g1 = grads
                .get(&self.w1)
                .expect("dW1")
                .flatten_all()?
                .to_vec1::<f32>()?;
            let g2 = grads
                .get(&self.w2)
                .expect("dW2")
                .flatten_all()?
                .to_vec1::<f32>()?;
            Ok((l, g1, g2))
        }
    }
}

/// dfdx: a `Cpu` device, runtime-sized tensors, a tape traced from W1 and W2 only;
/// `cross_entropy_with_logits_loss` against one-hot targets (max-shifted `log_softmax`).
mod dfdx_net {
    use dfdx::prelude::*;

    type M = Tensor<(usize, usize), f32, Cpu>;

    pub struct Net {
        pub x: M,
        pub w1: M,
        pub w2: M,
        pub onehot: M,
    }

    impl Net {
        pub fn new(
            x: &[f32],
            w1: &[f32],
            w2: &[f32],
            y: &[usize],
            dims: (usize, usize, usize, usize),
        ) -> Net {
            let (b, d, h, c) = dims;
            let dev = Cpu::default();
            let mut onehot = vec![0.0_f32; b * c];
            for (i, &l) in y.iter().enumerate() {
                onehot[i * c + l] = 1.0;
            }
            Net {
                x: dev.tensor_from_vec(x.to_vec(), (b, d)),
                w1: dev.tensor_from_vec(w1.to_vec(), (d, h)),
                w2: dev.tensor_from_vec(w2.to_vec(), (h, c)),
                onehot: dev.tensor_from_vec(onehot, (b, c)),
            }
        }

        /// Forward, backward; the loss and the gradients (holding dW1, dW2).
        ///
        /// dfdx's `matmul` needs the taped operand on the left, so W1's tape is moved onto X
        /// (a tape is only the list of backward ops; X's own gradient is not read).
        pub fn step(&self) -> (f32, Gradients<f32, Cpu>) {
            let (w1, tape) = self.w1.clone().traced(Gradients::leaky()).split_tape();
            let w2 = self.w2.clone().traced(Gradients::leaky());
            let s = self.x.clone().put_tape(tape).matmul(w1).sigmoid();
            let logits = s.matmul(w2);
            let l = cross_entropy_with_logits_loss(logits, self.onehot.clone());
            let v = l.array();
            (v, l.backward())
        }

        pub fn gradients(&self) -> (f32, Vec<f32>, Vec<f32>) {
            let (l, grads) = self.step();
            (
                l,
                grads.get(&self.w1).as_vec(),
                grads.get(&self.w2).as_vec(),
            )
        }
    }
}

/// autograd (rust-autograd): the graph is defined per step inside `ag::with`, X and the
/// labels are constants (shared, not copied), W1 and W2 shared variables;
/// `sparse_softmax_cross_entropy` (max-shifted) then `reduce_mean`; `g.grad` asks for dW1
/// and dW2 only, and the lazy evaluator computes only what those need.
mod autograd_net {
    use autograd as ag;
    use autograd::ndarray as nd;
    use autograd::tensor::{Constant, Variable};
    use autograd::NdArray;
    use std::sync::{Arc, RwLock};

    pub struct Net {
        pub x: Arc<NdArray<f32>>,
        pub y: Arc<NdArray<f32>>,
        pub w1: Arc<RwLock<NdArray<f32>>>,
        pub w2: Arc<RwLock<NdArray<f32>>>,
    }

    impl Net {
        pub fn new(
            x: &[f32],
            w1: &[f32],
            w2: &[f32],
            y: &[usize],
            dims: (usize, usize, usize, usize),
        ) -> Net {
            let (b, d, h, c) = dims;
            let arr = |v: &[f32], s: &[usize]| nd::Array::from_shape_vec(s, v.to_vec()).unwrap();
            let labels: Vec<f32> = y.iter().map(|&v| v as f32).collect();
            Net {
                x: Arc::new(arr(x, &[b, d])),
                y: Arc::new(arr(&labels, &[b, 1])),
                w1: Arc::new(RwLock::new(arr(w1, &[d, h]))),
                w2: Arc::new(RwLock::new(arr(w2, &[h, c]))),
            }
        }

        /// Builds the graph and evaluates `[loss, dW1, dW2]`.
        pub fn step(&self) -> Vec<Result<NdArray<f32>, ag::EvalError>> {
            let mut out = Vec::new();
            ag::with(|g: &mut ag::Graph<f32>| {
                let x = g.constant(self.x.clone());
                let y = g.constant(self.y.clone());
                let w1 = g.variable(self.w1.clone());
                let w2 = g.variable(self.w2.clone());
                let s = g.sigmoid(g.matmul(x, w1));
                let logits = g.matmul(s, w2);
                let l = g.reduce_mean(g.sparse_softmax_cross_entropy(logits, y), &[0, 1], false);
                let grads = g.grad(&[l], &[w1, w2]);
                out = g.eval(&[l, grads[0], grads[1]], &[]);
            });
            out
        }

        pub fn gradients(&self) -> (f32, Vec<f32>, Vec<f32>) {
            let mut r = self.step().into_iter().map(|a| a.expect("autograd eval"));
            let l = r.next().unwrap();
            let flat = |a: NdArray<f32>| a.iter().copied().collect::<Vec<f32>>();
            let l = flat(l)[0];
            (l, flat(r.next().unwrap()), flat(r.next().unwrap()))
        }
    }
}

fn network(c: &mut Criterion) {
    let mut group = c.benchmark_group("network f32");
    for &(b, d, h, k) in &[(64, 64, 32, 10), (256, 784, 256, 10)] {
        let (x, w1, w2, y) = inputs(b, d, h, k);
        let mut work = Work::new(b, d, h, k);
        let size = format!("B={b} D={d} H={h} C={k}");
        let dims = (b, d, h, k);
        if b > 64 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(4));
        } else {
            group.sample_size(30);
            group.measurement_time(Duration::from_secs(3));
        }

        // Ours is the reference: the hand-written gradient and every peer agree with it
        // (relative difference below 1e-3) before anything is timed.
        let (l, (dw1, dw2)) = loss_grad(&x, &w1, &w2, &y);
        let lh = hand_grad(&x, &w1, &w2, &y, &mut work);
        let want = (l, &dw1, &dw2);
        let flat = |a: &Array2<f32>| a.iter().copied().collect::<Vec<f32>>();
        check(
            "hand-written",
            &size,
            (lh, flat(&work.dw1), flat(&work.dw2)),
            want,
        );
        let nonzero = dw1.iter().filter(|v| v.abs() > 1e-7).count();
        assert!(
            nonzero > dw1.len() / 2,
            "dW1 is nearly all zero: the check is trivial"
        );

        let (xs, w1s, w2s) = (flat(&x), flat(&w1), flat(&w2));
        let cn = candle_net::Net::new(&xs, &w1s, &w2s, &y, dims).expect("candle inputs");
        check("candle", &size, cn.gradients().expect("candle step"), want);
        let dn = dfdx_net::Net::new(&xs, &w1s, &w2s, &y, dims);
        check("dfdx", &size, dn.gradients(), want);
        let an = autograd_net::Net::new(&xs, &w1s, &w2s, &y, dims);
        check("autograd", &size, an.gradients(), want);

        group.bench_with_input(BenchmarkId::new("ours loss_grad", &size), &(), |bn, _| {
            bn.iter(|| loss_grad(black_box(&x), black_box(&w1), black_box(&w2), black_box(&y)))
        });
        group.bench_with_input(BenchmarkId::new("hand-written", &size), &(), |bn, _| {
            bn.iter(|| {
                hand_grad(
                    black_box(&x),
                    black_box(&w1),
                    black_box(&w2),
                    black_box(&y),
                    &mut work,
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("candle", &size), &(), |bn, _| {
            bn.iter(|| black_box(&cn).step().expect("candle step"))
        });
        group.bench_with_input(BenchmarkId::new("dfdx", &size), &(), |bn, _| {
            bn.iter(|| black_box(&dn).step())
        });
        group.bench_with_input(BenchmarkId::new("autograd", &size), &(), |bn, _| {
            bn.iter(|| black_box(&an).step())
        });
    }
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
    network(&mut c);
    c.final_summary();
}
