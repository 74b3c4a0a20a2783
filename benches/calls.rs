//! Calls between differentiated functions: a loop of 64 calls to a `#[differentiate]`
//! helper against the same loop with the helper's body written inline, plus the plain
//! hand-written gradient and the forward loop. A call must cost (close to) nothing: the
//! caller's `_grad` should be within 10% of the inlined one's.
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo bench --bench calls
//! ```
use autodiff::ndarray::Array1;
use autodiff::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 64;

#[differentiate]
fn helper(a: f64, b: f64) -> f64 {
    (a * b).sin() + a * a
}

/// `Σ_i helper(x[i], w)`, calling the helper.
#[differentiate]
fn calling(x: &Array1<f64>, w: f64) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() {
        total += helper(x[i], w);
    }
    total
}

/// The same sum with the helper's body inline.
#[differentiate]
fn inlined(x: &Array1<f64>, w: f64) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() {
        total += (x[i] * w).sin() + x[i] * x[i];
    }
    total
}

/// Value and gradient by hand: one pass, `dx` in a fresh `Array1`.
#[inline(never)]
fn hand(x: &Array1<f64>, w: f64) -> (f64, (Array1<f64>, f64)) {
    let mut dx = Array1::<f64>::zeros(x.len());
    let mut dw = 0.0;
    let mut total = 0.0;
    for (d, &xi) in dx.iter_mut().zip(x) {
        let (s, c) = (xi * w).sin_cos();
        total += s + xi * xi;
        *d = c * w + 2.0 * xi;
        dw += c * xi;
    }
    (total, (dx, dw))
}

/// Straight-line calls: `helper(a, b) * helper(b, a)`.
#[differentiate]
fn two_calls(a: f64, b: f64) -> f64 {
    helper(a, b) * helper(b, a)
}

/// The same product with both bodies inline.
#[differentiate]
fn two_inlined(a: f64, b: f64) -> f64 {
    ((a * b).sin() + a * a) * ((b * a).sin() + b * b)
}

fn calls(c: &mut Criterion) {
    let x = Array1::from_shape_fn(N, |i| (0.37 * i as f64).sin());
    let w = 0.8;
    let (v1, (dx1, dw1)) = calling_grad(&x, w);
    let (v2, (dx2, dw2)) = inlined_grad(&x, w);
    let (vh, (dxh, dwh)) = hand(&x, w);
    assert!((v1 - vh).abs() < 1e-12 && (v2 - vh).abs() < 1e-12);
    assert!((dw1 - dwh).abs() < 1e-12 && (dw2 - dwh).abs() < 1e-12);
    let err = dx1
        .iter()
        .zip(&dx2)
        .zip(&dxh)
        .fold(0.0_f64, |m, ((&p, &q), &r)| {
            m.max((p - r).abs()).max((q - r).abs())
        });
    assert!(err < 1e-12, "dx differs by {err}");
    let (a, b) = (two_calls_grad(0.3, 1.2), two_inlined_grad(0.3, 1.2));
    assert!((a.0 - b.0).abs() < 1e-12 && (a.1 .0 - b.1 .0).abs() < 1e-12);

    let mut group = c.benchmark_group("calls: loop of 64");
    group.bench_function("generated, calling helper", |bn| {
        bn.iter(|| calling_grad(black_box(&x), black_box(w)))
    });
    group.bench_function("generated, inlined", |bn| {
        bn.iter(|| inlined_grad(black_box(&x), black_box(w)))
    });
    group.bench_function("hand-written gradient", |bn| {
        bn.iter(|| hand(black_box(&x), black_box(w)))
    });
    group.bench_function("forward, calling helper", |bn| {
        bn.iter(|| calling(black_box(&x), black_box(w)))
    });
    group.finish();

    let mut group = c.benchmark_group("calls: straight line");
    group.bench_function("generated, two calls", |bn| {
        bn.iter(|| two_calls_grad(black_box(0.3), black_box(1.2)))
    });
    group.bench_function("generated, inlined", |bn| {
        bn.iter(|| two_inlined_grad(black_box(0.3), black_box(1.2)))
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
    targets = calls
}
criterion_main!(benches);
