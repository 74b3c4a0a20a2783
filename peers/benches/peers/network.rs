//! The two-layer network `cross_entropy(sigmoid(X W1) W2, y)` in f32 (gradients for W1 and
//! W2 only) at two sizes, in criterion: ours, the careful hand-written gradient, candle, dfdx
//! and autograd (`nets.rs`).
use crate::nets::{check, Peers};
use autodiff::ndarray::Array2;
use criterion::{BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;

// The peers use a subset of the shared workload.
#[allow(dead_code)]
#[path = "../../../benches/workloads/network.rs"]
mod workloads;
use workloads::*;

pub fn network(c: &mut Criterion) {
    let mut group = c.benchmark_group("network f32");
    for &(b, d, h, k) in &[(64, 64, 32, 10), (256, 784, 256, 10)] {
        let (x, w1, w2, y) = inputs(b, d, h, k);
        let mut work = Work::new(b, d, h, k);
        let size = format!("B={b} D={d} H={h} C={k}");
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

        let Peers {
            candle: cn,
            dfdx: dn,
            autograd: an,
        } = Peers::checked((&x, &w1, &w2, &y), want, &size);

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
