//! The matrix product of dual matrices as products of their parts:
//! `(A + A'ε)(B + B'ε) = AB + (AB' + A'B)ε`, each product by `A::gemm` (ndarray's
//! `matrixmultiply`, or BLAS with the `blas` feature, for `f32`/`f64`), instead of ndarray's
//! scalar loop for element types it does not know.
use super::Dual;
use crate::Scalar;
use ndarray::{Array2, ArrayView2, Zip};

/// `a · b` on three products of `A` matrices (two where one operand's tangent is zero, a
/// constant matrix such as the data).
pub(super) fn gemm<A: Scalar>(
    a: &ArrayView2<'_, Dual<A>>,
    b: &ArrayView2<'_, Dual<A>>,
) -> Array2<Dual<A>> {
    #[cfg(test)]
    tests::CALLS.with(|c| c.set(c.get() + 1));
    let (a_re, a_eps) = split(a);
    let (b_re, b_eps) = split(b);
    let re = A::gemm(&a_re.view(), &b_re.view());
    let eps = match (a_eps, b_eps) {
        (None, None) => None,
        (None, Some(b_eps)) => Some(A::gemm(&a_re.view(), &b_eps.view())),
        (Some(a_eps), None) => Some(A::gemm(&a_eps.view(), &b_re.view())),
        (Some(a_eps), Some(b_eps)) => {
            let mut eps = A::gemm(&a_re.view(), &b_eps.view());
            eps += &A::gemm(&a_eps.view(), &b_re.view());
            Some(eps)
        }
    };
    match eps {
        Some(eps) => Zip::from(&re)
            .and(&eps)
            .map_collect(|&re, &eps| Dual::new(re, eps)),
        None => re.mapv(Dual::constant),
    }
}

/// The values of a dual matrix, and its tangents unless they are all zero.
fn split<A: Scalar>(m: &ArrayView2<'_, Dual<A>>) -> (Array2<A>, Option<Array2<A>>) {
    let re = m.mapv(|d| d.re);
    let eps = if m.iter().all(|d| d.eps.is_zero()) {
        None
    } else {
        Some(m.mapv(|d| d.eps))
    };
    (re, eps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use std::cell::Cell;

    thread_local! {
        /// Calls of the split product on this thread (tests run one per thread).
        pub(super) static CALLS: Cell<usize> = const { Cell::new(0) };
    }

    /// The calls of the split product made by `f`.
    fn calls(f: impl FnOnce()) -> usize {
        let before = CALLS.with(Cell::get);
        f();
        CALLS.with(Cell::get) - before
    }

    /// Deterministic pseudo-random duals in [-1, 1).
    fn duals(rows: usize, cols: usize, seed: u64, constant: bool) -> Array2<Dual<f64>> {
        let mut s = seed;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        };
        Array2::from_shape_fn((rows, cols), |_| {
            let re = next();
            Dual::new(re, if constant { 0.0 } else { next() })
        })
    }

    fn close(a: &Array2<Dual<f64>>, b: &Array2<Dual<f64>>) -> bool {
        a.shape() == b.shape()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.re - y.re).abs() < 1e-12 && (x.eps - y.eps).abs() < 1e-12)
    }

    /// The split product equals ndarray's scalar loop over `Dual` (its `dot` for an element
    /// type it has no kernel for), for strided and transposed operands and constant parts.
    #[test]
    fn split_product_matches_the_scalar_loop() {
        for &(m, k, n) in &[(1, 1, 1), (3, 4, 5), (17, 9, 33), (0, 3, 2), (2, 0, 3)] {
            for &(ca, cb) in &[(false, false), (true, false), (false, true), (true, true)] {
                let a = duals(m, k, 1 + m as u64, ca);
                let b = duals(k, n, 7 + n as u64, cb);
                let want = a.dot(&b);
                assert!(close(&gemm(&a.view(), &b.view()), &want), "{m}x{k}x{n}");
                assert!(close(
                    &<Dual<f64> as Scalar>::gemm(&a.view(), &b.view()),
                    &want
                ));
                let (at, bt) = (a.t().to_owned(), b.t().to_owned());
                assert!(close(&gemm(&at.t(), &bt.t()), &want));
            }
        }
    }

    /// The runtime's products of dual matrices (`dot`, `matmul` and their VJPs, batched
    /// too) go through the split product, once per matrix product, and match the scalar loop.
    #[test]
    fn runtime_products_use_it() {
        let (a, b) = (duals(5, 4, 3, false), duals(4, 6, 4, false));
        let g = duals(5, 6, 5, false);
        let gd = g.clone().into_dyn();
        let check = |got: &Array2<Dual<f64>>, want: &Array2<Dual<f64>>| assert!(close(got, want));
        assert_eq!(calls(|| check(&crate::dot(&a, &b), &a.dot(&b))), 1);
        assert_eq!(
            calls(|| check(&crate::dot_vjp_lhs(&a, &b, &g), &g.dot(&b.t()))),
            1
        );
        assert_eq!(
            calls(|| check(&crate::dot_vjp_rhs(&a, &b, &g), &a.t().dot(&g))),
            1
        );
        let y = || crate::matmul(&a, &b).into_dimensionality().unwrap();
        assert_eq!(calls(|| check(&y(), &a.dot(&b))), 1);
        let da = || crate::matmul_vjp_lhs(&a, &b, &gd);
        assert_eq!(calls(|| check(&da(), &g.dot(&b.t()))), 1);
        let db = || crate::matmul_vjp_rhs(&a, &b, &gd);
        assert_eq!(calls(|| check(&db(), &a.t().dot(&g))), 1);
        // [3, 5, 4] @ [4, 6]: one product per batch element.
        let a3 = ndarray::Array3::from_shape_fn((3, 5, 4), |(i, r, c)| {
            a[[r, c]] * Dual::constant(i as f64 + 1.0)
        });
        let y3 = calls(|| {
            let y3 = crate::matmul(&a3, &b);
            for i in 0..3 {
                let yi = y3
                    .index_axis(ndarray::Axis(0), i)
                    .into_dimensionality()
                    .unwrap()
                    .to_owned();
                check(&yi, &a3.index_axis(ndarray::Axis(0), i).dot(&b));
            }
        });
        assert_eq!(y3, 3);
    }
}
