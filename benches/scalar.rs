//! Scalar workloads: the seed function and the chained Rosenbrock function (n = 32), each as
//! the gradient `#[differentiate]` generates against a careful hand-written gradient and the
//! plain forward evaluation, in one run.
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo bench --bench scalar
//! ```
use autodiff::ndarray::Array1;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

#[path = "workloads/scalar.rs"]
mod workloads;
use workloads::*;

fn max_abs_diff(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0_f64, |m, (&p, &q)| m.max((p - q).abs()))
}

fn seed(c: &mut Criterion) {
    let (v, (d1, d2)) = f_grad(2.0, 5.0);
    let (hv, (h1, h2)) = f_hand(2.0, 5.0);
    assert!((v - hv).abs() < 1e-12 && (d1 - h1).abs() < 1e-12 && (d2 - h2).abs() < 1e-12);

    let mut group = c.benchmark_group("seed");
    group.bench_function("generated f_grad", |b| {
        b.iter(|| f_grad(black_box(2.0), black_box(5.0)))
    });
    group.bench_function("hand-written gradient", |b| {
        b.iter(|| f_hand(black_box(2.0), black_box(5.0)))
    });
    group.bench_function("forward f", |b| {
        b.iter(|| f(black_box(2.0), black_box(5.0)))
    });
    group.finish();
}

fn rosenbrock(c: &mut Criterion) {
    let x = Array1::from_shape_fn(N, |i| 0.5 + 0.7 * (0.3 * i as f64).sin());
    let (v1, (g1,)) = rosen_loop_grad(&x);
    let (v2, (g2,)) = rosen_unrolled_grad(&x);
    let (vh, gh) = rosen_hand(&x);
    let (vu, gu) = rosen_hand_unrolled(&x);
    assert!(
        (v1 - vh).abs() < 1e-9 && (v2 - vh).abs() < 1e-9 && (vu - vh).abs() < 1e-9,
        "{v1} {v2} {vh} {vu}"
    );
    assert!(max_abs_diff(&g1, &gh) < 1e-9, "loop gradient differs");
    assert!(max_abs_diff(&g2, &gh) < 1e-9, "unrolled gradient differs");
    assert!(
        max_abs_diff(&gu, &gh) < 1e-9,
        "hand-written unrolled gradient differs"
    );

    let mut group = c.benchmark_group("rosenbrock n=32");
    group.bench_function("generated loop _grad", |b| {
        b.iter(|| rosen_loop_grad(black_box(&x)))
    });
    group.bench_function("generated unrolled _grad", |b| {
        b.iter(|| rosen_unrolled_grad(black_box(&x)))
    });
    group.bench_function("hand-written gradient", |b| {
        b.iter(|| rosen_hand(black_box(&x)))
    });
    group.bench_function("hand-written unrolled gradient", |b| {
        b.iter(|| rosen_hand_unrolled(black_box(&x)))
    });
    group.bench_function("forward loop", |b| b.iter(|| rosen_loop(black_box(&x))));
    group.bench_function("forward unrolled", |b| {
        b.iter(|| rosen_unrolled(black_box(&x)))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = seed, rosenbrock
}
criterion_main!(benches);
