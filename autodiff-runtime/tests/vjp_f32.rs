//! f32 smoke tests: the f32 VJPs agree with the f64 ones, which are checked against finite
//! differences (the method is in `fd/mod.rs`).
mod fd;

use autodiff_runtime::*;
use fd::*;
use ndarray::{Array, Dimension};

// ---------------------------------------------------------------------------------------
// f32 smoke tests: the f32 VJPs agree with the f64 ones
// ---------------------------------------------------------------------------------------

fn to_f32<D: Dimension>(a: &Array<f64, D>) -> Array<f32, D> {
    a.mapv(|v| v as f32)
}

#[track_caller]
fn close_f32<D: Dimension>(got: &Array<f32, D>, want: &Array<f64, D>) {
    assert_eq!(got.shape(), want.shape());
    for (&g, &w) in got.iter().zip(want) {
        assert!(
            (f64::from(g) - w).abs() <= 1e-4 * (1.0 + w.abs()),
            "f32 {g} vs f64 {w}"
        );
    }
}

#[test]
fn f32_smoke() {
    let rng = &mut rng();
    let x = uniform(rng, (4, 3), -2.0, 2.0);
    let bias = uniform(rng, 3, 0.5, 2.0);
    let (xf, bf) = (to_f32(&x), to_f32(&bias));

    // Broadcast mul.
    let (y, yf) = (mul(&x, &bias), mul(&xf, &bf));
    close_f32(&yf, &y);
    let g = random_like(&y, rng);
    let gf = to_f32(&g);
    close_f32(&mul_vjp_rhs(&xf, &bf, &gf), &mul_vjp_rhs(&x, &bias, &g));
    close_f32(&mul_vjp_lhs(&xf, &bf, &gf), &mul_vjp_lhs(&x, &bias, &g));

    // tanh, sigmoid.
    let (y, yf) = (tanh(&x), tanh(&xf));
    close_f32(&tanh_vjp(&yf, &gf), &tanh_vjp(&y, &g));
    let (y, yf) = (sigmoid(&x), sigmoid(&xf));
    close_f32(&sigmoid_vjp(&yf, &gf), &sigmoid_vjp(&y, &g));
    let s = sigmoid(&0.5_f32);
    assert!((sigmoid_vjp(&s, &1.0) - s * (1.0 - s)).abs() < 1e-7);

    // softmax.
    let (y, yf) = (softmax(&x), softmax(&xf));
    close_f32(&yf, &y);
    close_f32(&softmax_vjp(&yf, &gf), &softmax_vjp(&y, &g));

    // matmul [4, 3] x [3, 2].
    let w = uniform(rng, (3, 2), -1.0, 1.0);
    let wf = to_f32(&w);
    let (y, yf) = (matmul(&x, &w), matmul(&xf, &wf));
    close_f32(&yf, &y);
    let g = random_like(&y, rng);
    let gf = to_f32(&g);
    close_f32(&matmul_vjp_lhs(&xf, &wf, &gf), &matmul_vjp_lhs(&x, &w, &g));
    close_f32(&matmul_vjp_rhs(&xf, &wf, &gf), &matmul_vjp_rhs(&x, &w, &g));

    // cross_entropy.
    let labels = [0, 2, 1, 1];
    let (l, lf) = (cross_entropy(&x, &labels), cross_entropy(&xf, &labels));
    assert!((f64::from(lf) - l).abs() < 1e-5);
    close_f32(
        &cross_entropy_vjp(&xf, &labels, &1.0),
        &cross_entropy_vjp(&x, &labels, &1.0),
    );

    // Scalar powf.
    let (a, b) = (1.5_f32, 2.5_f32);
    let y = powf(&a, &b);
    assert!((powf_vjp_base(&a, &b, &1.0) - b * a.powf(b - 1.0)).abs() < 1e-5);
    assert!((powf_vjp_exp(&a, &b, &1.0) - y * a.ln()).abs() < 1e-5);
}
