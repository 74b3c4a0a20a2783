//! Our generated gradients against peer AD libraries, in one criterion run:
//!
//! 1. the seed function `ln x1 + x1 x2 - sin x2` at (2, 5), f64;
//! 2. the chained Rosenbrock function, n = 32, f64;
//! 3. the two-layer network `cross_entropy(sigmoid(X W1) W2, y)` in f32, gradients for
//!    W1 and W2 only, at two sizes.
//!
//! Our functions, the hand-written gradients and the network's inputs are the root benches'
//! own, included from `../benches/workloads/`.
//!
//! Every peer's value and gradient is checked against ours before anything is timed.
//! Every library runs single-threaded (`RAYON_NUM_THREADS=1` unless set otherwise), as
//! ours does.
//!
//! ```text
//! cd peers && CARGO_TARGET_DIR=/work/target-peers nice -n 10 cargo bench --bench peers
//! ```
use autodiff::ndarray::Array1;
use criterion::Criterion;
use std::hint::black_box;
use std::time::Duration;

#[path = "peers/nets.rs"]
mod nets;
#[path = "peers/network.rs"]
mod network;
#[path = "peers/num_dual.rs"]
mod num_dual_seed;
use num_dual_seed::{f_num_dual, f_num_dual_twice};
#[path = "../../benches/workloads/scalar.rs"]
mod workloads;
use workloads::*;

// ---------------------------------------------------------------------------------------
// 1. The seed function
// ---------------------------------------------------------------------------------------

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
    let ours = f_grad(2.0, 5.0);
    let dev = candle_core::Device::Cpu;
    let cx1 = candle_core::Var::new(2.0_f64, &dev).unwrap();
    let cx2 = candle_core::Var::new(5.0_f64, &dev).unwrap();
    for (name, got) in [
        ("hand-written", f_hand(2.0, 5.0)),
        ("num-dual gradient", f_num_dual(2.0, 5.0)),
        ("num-dual Dual64 x2", f_num_dual_twice(2.0, 5.0)),
        ("candle", f_candle(&cx1, &cx2)),
    ] {
        num_dual_seed::assert_agrees(name, got, ours);
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
    let (vhu, ghu) = rosen_hand_unrolled(&x);
    let (vs, gs) = rosen_num_dual_static(&xs);
    let (vd, gd) = rosen_num_dual_dynamic(&xd);
    // Relative to the gradient's scale (|g| reaches ~100 here).
    let scale = g.fold(1.0_f64, |m, &q| m.max(q.abs()));
    for (name, pv, e) in [
        ("ours unrolled", vu, max_abs_diff(&gu, &g)),
        ("hand-written", vh, max_abs_diff(&gh, &g)),
        ("hand-written unrolled", vhu, max_abs_diff(&ghu, &g)),
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
    group.bench_function("hand-written unrolled", |b| {
        b.iter(|| rosen_hand_unrolled(black_box(&x)))
    });
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
    nets::single_threaded();
    let mut c = config();
    seed(&mut c);
    rosenbrock(&mut c);
    network::network(&mut c);
    c.final_summary();
}
