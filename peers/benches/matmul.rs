//! The matrix products of one gradient step of the network in `../benches/network.rs`
//! (`cross_entropy(sigmoid(X W1) W2, y)`, `f32`), at both sizes, on each backend:
//!
//! | product | shape | operands |
//! | --- | --- | --- |
//! | `X W1` | `[B,D] [D,H]` | row-major, row-major |
//! | `S W2` | `[B,H] [H,C]` | row-major, row-major |
//! | `dW2 = Sᵀ G` | `[H,B] [B,C]` | `S.t()` (a column-major view), row-major |
//! | `dS = G W2ᵀ` | `[B,C] [C,H]` | row-major, `W2.t()` (a column-major view) |
//! | `dW1 = Xᵀ dA` | `[D,B] [B,H]` | `X.t()` (a column-major view), row-major |
//!
//! Backends, each single-threaded, each writing into a preallocated row-major output:
//!
//! - `ndarray general_mat_mul`: what the runtime's `dot` and `matmul` call. This is
//!   `matrixmultiply` in the default build and the system OpenBLAS with `--features blas`.
//! - `matrixmultiply sgemm`: the same crate called directly (so that the `--features blas`
//!   run times all three backends side by side).
//! - `gemm crate`: the pure-Rust `gemm` crate (`Parallelism::None`), called with the
//!   operands' strides, so the transposed views are not copied either.
//!
//! Every backend's result is checked against an `f64` triple loop (relative 1e-4) before
//! anything is timed.
//!
//! ```text
//! cd peers && cargo bench --bench matmul
//! cd peers && OPENBLAS_NUM_THREADS=1 cargo bench --bench matmul --features blas
//! ```
use autodiff::ndarray::linalg::general_mat_mul;
use autodiff::ndarray::{Array2, ArrayView2, Zip};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;

/// What `general_mat_mul` runs on `f32` in this build.
const NDARRAY_BACKEND: &str = if cfg!(feature = "blas") {
    "ndarray general_mat_mul (OpenBLAS)"
} else {
    "ndarray general_mat_mul (matrixmultiply)"
};

fn filled(rows: usize, cols: usize, seed: f32) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        (seed + 0.37 * i as f32 + 0.11 * j as f32).sin()
    })
}

/// `a b` in `f64`, the reference.
fn reference(a: &ArrayView2<f32>, b: &ArrayView2<f32>) -> Array2<f32> {
    let (m, k) = a.dim();
    let n = b.ncols();
    Array2::from_shape_fn((m, n), |(i, j)| {
        (0..k)
            .map(|p| f64::from(a[[i, p]]) * f64::from(b[[p, j]]))
            .sum::<f64>() as f32
    })
}

/// Max |a - b| relative to the largest |b| (at least 1).
fn rel_diff(a: &Array2<f32>, b: &Array2<f32>) -> f32 {
    assert_eq!(a.shape(), b.shape());
    let scale = b.fold(1.0_f32, |m, &v| m.max(v.abs()));
    let diff = Zip::from(a)
        .and(b)
        .fold(0.0_f32, |m, &p, &q| m.max((p - q).abs()));
    diff / scale
}

fn strides(a: &ArrayView2<f32>) -> (isize, isize) {
    let s = a.strides();
    (s[0], s[1])
}

/// `c = a b` with the `gemm` crate, on one thread, reading every operand through its strides.
fn gemm_crate(a: &ArrayView2<f32>, b: &ArrayView2<f32>, c: &mut Array2<f32>) {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    assert_eq!(k, k2);
    assert_eq!(c.dim(), (m, n));
    let (a_rs, a_cs) = strides(a);
    let (b_rs, b_cs) = strides(b);
    let (c_rs, c_cs) = (c.strides()[0], c.strides()[1]);
    // SAFETY: the pointers and strides come from live ndarray arrays of the asserted shapes,
    // so every element gemm addresses is in bounds; `c` is borrowed mutably and distinct from
    // `a` and `b`. `read_dst = false` makes gemm write `c = 1 * a b` without reading `c`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cs,
            c_rs,
            false,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            0.0_f32,
            1.0_f32,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// `c = a b` with `matrixmultiply::sgemm`, reading every operand through its strides.
fn matrixmultiply_direct(a: &ArrayView2<f32>, b: &ArrayView2<f32>, c: &mut Array2<f32>) {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    assert_eq!(k, k2);
    assert_eq!(c.dim(), (m, n));
    let (a_rs, a_cs) = strides(a);
    let (b_rs, b_cs) = strides(b);
    let (c_rs, c_cs) = (c.strides()[0], c.strides()[1]);
    // SAFETY: as in `gemm_crate`: in-bounds strided operands of the asserted shapes, `c`
    // distinct from `a` and `b`; with beta = 0 `c` is written without being read.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            a_rs,
            a_cs,
            b.as_ptr(),
            b_rs,
            b_cs,
            0.0,
            c.as_mut_ptr(),
            c_rs,
            c_cs,
        );
    }
}

fn matmul(crit: &mut Criterion) {
    let mut group = crit.benchmark_group("matmul f32");
    for &(b, d, h, k) in &[(64, 64, 32, 10), (256, 784, 256, 10)] {
        // The network's operands: data, weights, the hidden activations, the logits' adjoint.
        let x = filled(b, d, 0.1);
        let w1 = filled(d, h, 0.2);
        let s = filled(b, h, 0.3);
        let w2 = filled(h, k, 0.4);
        let g = filled(b, k, 0.5);
        let da = filled(b, h, 0.6);
        let products: [(&str, ArrayView2<f32>, ArrayView2<f32>); 5] = [
            ("X W1", x.view(), w1.view()),
            ("S W2", s.view(), w2.view()),
            ("dW2 = S^T G", s.t(), g.view()),
            ("dS = G W2^T", g.view(), w2.t()),
            ("dW1 = X^T dA", x.t(), da.view()),
        ];
        for (name, lhs, rhs) in products {
            let (m, n) = (lhs.nrows(), rhs.ncols());
            let id = format!(
                "{name} [{m},{}]x[{},{n}] (B={b} D={d} H={h} C={k})",
                lhs.ncols(),
                rhs.nrows()
            );
            let want = reference(&lhs, &rhs);
            let mut c = Array2::<f32>::zeros((m, n));

            // Every backend agrees with the f64 reference before anything is timed.
            general_mat_mul(1.0, &lhs, &rhs, 0.0, &mut c);
            let e = rel_diff(&c, &want);
            assert!(e < 1e-4, "{NDARRAY_BACKEND} on {id}: relative error {e}");
            c.fill(f32::NAN);
            gemm_crate(&lhs, &rhs, &mut c);
            let e = rel_diff(&c, &want);
            assert!(e < 1e-4, "gemm crate on {id}: relative error {e}");
            c.fill(f32::NAN);
            matrixmultiply_direct(&lhs, &rhs, &mut c);
            let e = rel_diff(&c, &want);
            assert!(e < 1e-4, "matrixmultiply on {id}: relative error {e}");

            group.bench_with_input(BenchmarkId::new(NDARRAY_BACKEND, &id), &(), |bn, _| {
                bn.iter(|| general_mat_mul(1.0, black_box(&lhs), black_box(&rhs), 0.0, &mut c))
            });
            group.bench_with_input(
                BenchmarkId::new("matrixmultiply sgemm", &id),
                &(),
                |bn, _| bn.iter(|| matrixmultiply_direct(black_box(&lhs), black_box(&rhs), &mut c)),
            );
            group.bench_with_input(BenchmarkId::new("gemm crate", &id), &(), |bn, _| {
                bn.iter(|| gemm_crate(black_box(&lhs), black_box(&rhs), &mut c))
            });
        }
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = matmul
}
criterion_main!(benches);
