//! Hygiene and robustness of generated code: user names that look like generated ones,
//! parameters called `seed` or `grad`, a user `sigmoid` outside bodies, use from many threads.
use autodiff::ndarray::{array, Array1, Array2};
use autodiff::prelude::*;

#[differentiate]
fn looks_generated(__ad_v0: f64, __ad_d1: f64) -> f64 {
    let __ad_g = __ad_v0 * __ad_d1;
    let __ad_tape1 = __ad_g.sin();
    __ad_tape1 + __ad_v0
}

#[test]
fn names_with_the_reserved_prefix_are_fine() {
    let (v, (da, db)) = looks_generated_grad(0.3, 2.0);
    assert!((v - looks_generated(0.3, 2.0)).abs() < 1e-15);
    assert!((da - ((0.6_f64).cos() * 2.0 + 1.0)).abs() < 1e-12);
    assert!((db - (0.6_f64).cos() * 0.3).abs() < 1e-12);
}

#[differentiate]
fn named_like_outputs(seed: f64, grad: f64, out: f64) -> f64 {
    seed * grad + out.exp()
}

#[test]
fn parameters_called_seed_and_grad() {
    let (v, (ds, dg, dout)) = named_like_outputs_grad(2.0, 3.0, 0.0);
    assert_eq!(v, 7.0);
    assert_eq!((ds, dg, dout), (3.0, 2.0, 1.0));
    let (_, (ds, _, _)) = named_like_outputs_vjp(2.0, 3.0, 0.0, 10.0);
    assert_eq!(ds, 30.0);
}

mod user_sigmoid {
    use autodiff::ndarray::Array1;
    use autodiff::prelude::differentiate;

    /// A user function named like a runtime function, not used in differentiated bodies.
    #[allow(dead_code)]
    pub fn sigmoid(x: f64) -> f64 {
        x * 100.0
    }

    #[differentiate]
    pub fn uses_runtime_sigmoid(x: &Array1<f64>) -> f64 {
        autodiff::prelude::sigmoid(x).sum()
    }
}

#[test]
fn a_user_sigmoid_outside_bodies_does_not_interfere() {
    let x = array![0.0, 1.0];
    let (v, (dx,)) = user_sigmoid::uses_runtime_sigmoid_grad(&x);
    let s1 = 1.0 / (1.0 + (-1.0_f64).exp());
    assert!((v - (0.5 + s1)).abs() < 1e-12);
    assert!((dx[0] - 0.25).abs() < 1e-12);
    assert!((dx[1] - s1 * (1.0 - s1)).abs() < 1e-12);
}

#[differentiate]
fn shadowed_prelude(x: f64) -> f64 {
    let ln = x * 2.0;
    let exp = ln.ln();
    exp * ln
}

#[test]
fn locals_named_like_methods() {
    let (v, (dx,)) = shadowed_prelude_grad(1.5);
    assert!((v - shadowed_prelude(1.5)).abs() < 1e-15);
    // y = 2x ln(2x); dy/dx = 2 ln(2x) + 2
    assert!((dx - (2.0 * (3.0_f64).ln() + 2.0)).abs() < 1e-12);
}

#[differentiate(wrt(w))]
fn layer(x: &Array2<f64>, w: &Array2<f64>) -> f64 {
    sigmoid(&x.dot(w)).mean().unwrap()
}

#[test]
fn generated_functions_run_on_many_threads() {
    let x = Array2::from_shape_fn((8, 3), |(i, j)| (i as f64 - j as f64) * 0.2);
    let w = Array2::from_shape_fn((3, 2), |(i, j)| (i + j) as f64 * 0.1);
    let (v0, (g0,)) = layer_grad(&x, &w);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| layer_grad(&x, &w))).collect();
        for h in handles {
            let (v, (g,)) = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            assert_eq!(v, v0);
            assert_eq!(g, g0);
        }
    });
}

#[differentiate]
fn array_out(x: &Array1<f64>) -> Array1<f64> {
    x.exp()
}

#[test]
#[should_panic(expected = "exp: the adjoint has shape [3] but the value has shape [2]")]
fn a_seed_of_the_wrong_shape_names_the_op_and_shapes() {
    let _ = array_out_vjp(&array![1.0, 2.0], Array1::ones(3));
}
