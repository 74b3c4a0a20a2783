//! The two-layer network `cross_entropy(sigmoid(X W1) W2, y)` in `f32`, at two sizes: the
//! gradient `#[differentiate(wrt(w1, w2))]` generates, against a careful hand-written
//! gradient (preallocated buffers, `general_mat_mul`, no gradient for `X`), a plain
//! hand-written one that allocates like ordinary ndarray code, and the forward loss alone.
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo bench --bench network
//! ```
use autodiff::ndarray::{Array2, Zip};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;

#[allow(dead_code)] // the timing helpers serve the interleaved benches
#[path = "workloads/network.rs"]
mod workloads;
use workloads::*;

/// Max |a - b| relative to the largest |b| (at least 1).
fn rel_diff(a: &Array2<f32>, b: &Array2<f32>) -> f32 {
    assert_eq!(a.shape(), b.shape());
    let scale = b.fold(1.0_f32, |m, &v| m.max(v.abs()));
    let diff = Zip::from(a)
        .and(b)
        .fold(0.0_f32, |m, &p, &q| m.max((p - q).abs()));
    diff / scale
}

fn network(c: &mut Criterion) {
    let mut group = c.benchmark_group("network f32");
    for &(b, d, h, k) in &[(64, 64, 32, 10), (256, 784, 256, 10)] {
        let (x, w1, w2, y) = inputs(b, d, h, k);
        let mut work = Work::new(b, d, h, k);

        // The three gradients agree before anything is timed.
        let (l, (dw1, dw2)) = loss_grad(&x, &w1, &w2, &y);
        let lh = hand_grad(&x, &w1, &w2, &y, &mut work);
        let (la, (aw1, aw2)) = hand_grad_alloc(&x, &w1, &w2, &y);
        assert!(
            (l - lh).abs() < 1e-5 && (l - la).abs() < 1e-5,
            "loss {l} {lh} {la}"
        );
        assert!((l - loss(&x, &w1, &w2, &y)).abs() < 1e-6);
        for (name, got, want) in [
            ("dW1", &dw1, &work.dw1),
            ("dW2", &dw2, &work.dw2),
            ("dW1 (alloc)", &aw1, &work.dw1),
            ("dW2 (alloc)", &aw2, &work.dw2),
        ] {
            let e = rel_diff(got, want);
            assert!(e < 1e-4, "{name} differs by {e} (relative) at B={b} D={d}");
        }
        let nonzero = work.dw1.iter().filter(|v| v.abs() > 1e-7).count();
        assert!(
            nonzero > dw1.len() / 2,
            "dW1 is nearly all zero: the check is trivial"
        );
        assert_eq!((dw1.dim(), dw2.dim()), ((d, h), (h, k)));

        let size = format!("B={b} D={d} H={h} C={k}");
        group.bench_with_input(
            BenchmarkId::new("generated loss_grad", &size),
            &(),
            |bn, _| {
                bn.iter(|| loss_grad(black_box(&x), black_box(&w1), black_box(&w2), black_box(&y)))
            },
        );
        group.bench_with_input(
            BenchmarkId::new("hand-written, buffers", &size),
            &(),
            |bn, _| {
                bn.iter(|| {
                    hand_grad(
                        black_box(&x),
                        black_box(&w1),
                        black_box(&w2),
                        black_box(&y),
                        &mut work,
                    )
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("hand-written, allocating", &size),
            &(),
            |bn, _| {
                bn.iter(|| {
                    hand_grad_alloc(black_box(&x), black_box(&w1), black_box(&w2), black_box(&y))
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("forward loss", &size), &(), |bn, _| {
            bn.iter(|| loss(black_box(&x), black_box(&w1), black_box(&w2), black_box(&y)))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = benches;
    config = config();
    targets = network
}
criterion_main!(benches);
