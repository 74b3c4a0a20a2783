//! The acceptance examples: the seed graph, the two-layer network against its closed form,
//! batched matmul and bias gradients.
use autodiff::ndarray::{Array, Array1, Array2, Array3, ArrayD, Axis, Ix2};
use autodiff::prelude::*;

#[differentiate]
fn f(x1: f64, x2: f64) -> f64 {
    x1.ln() + x1 * x2 - x2.sin()
}

#[differentiate]
fn f32_version(x1: f32, x2: f32) -> f32 {
    x1.ln() + x1 * x2 - x2.sin()
}

#[test]
fn seed_graph_value_and_gradient() {
    let (y, (dx1, dx2)) = f_grad(2.0, 5.0);
    assert!((y - 11.652).abs() < 1e-3, "{y}");
    assert_eq!(y, f(2.0, 5.0));
    // closed form: dy/dx1 = 1/x1 + x2, dy/dx2 = x1 - cos x2
    assert!((dx1 - (0.5 + 5.0)).abs() < 1e-12, "{dx1}");
    assert!((dx2 - (2.0 - 5.0_f64.cos())).abs() < 1e-12, "{dx2}");
    assert!((dx2 - 1.7163).abs() < 1e-4);
}

#[test]
fn seed_graph_vjp_scales_by_seed() {
    let (y, (dx1, dx2)) = f_vjp(2.0, 5.0, -3.0);
    assert!((y - 11.652).abs() < 1e-3);
    assert!((dx1 + 3.0 * 5.5).abs() < 1e-12);
    assert!((dx2 + 3.0 * (2.0 - 5.0_f64.cos())).abs() < 1e-12);
}

#[test]
fn seed_graph_f32() {
    let (y, (dx1, dx2)) = f32_version_grad(2.0, 5.0);
    assert!((y - 11.652).abs() < 1e-3);
    assert!((dx1 - 5.5).abs() < 1e-5);
    assert!((dx2 - 1.7163).abs() < 1e-4);
}

#[differentiate(wrt(w1, w2))]
fn loss(x: &Array2<f64>, w1: &Array2<f64>, w2: &Array2<f64>, y: &[usize]) -> f64 {
    let z = sigmoid(&x.dot(w1));
    cross_entropy(&z.dot(w2), y)
}

fn inputs(
    b: usize,
    d: usize,
    h: usize,
    c: usize,
) -> (Array2<f64>, Array2<f64>, Array2<f64>, Vec<usize>) {
    let x = Array2::from_shape_fn((b, d), |(i, j)| (0.1 * i as f64 + 0.37 * j as f64).sin());
    let w1 = Array2::from_shape_fn((d, h), |(i, j)| {
        0.5 * (0.3 * i as f64 + 0.7 * j as f64).cos()
    });
    let w2 = Array2::from_shape_fn((h, c), |(i, j)| (0.5 * i as f64 + 0.9 * j as f64).cos());
    let y = (0..b).map(|i| (i * 7) % c).collect();
    (x, w1, w2, y)
}

#[test]
fn network_gradients_match_closed_form() {
    let (x, w1, w2, y) = inputs(8, 5, 4, 3);
    let (l, (dw1, dw2)) = loss_grad(&x, &w1, &w2, &y);
    assert_eq!(l, loss(&x, &w1, &w2, &y));

    // closed form
    let a = x.dot(&w1);
    let s = a.mapv(|v| 1.0 / (1.0 + (-v).exp()));
    let z = s.dot(&w2);
    let mut delta = z.clone();
    for (mut row, &label) in delta.outer_iter_mut().zip(&y) {
        let m = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - m).exp());
        let total = row.sum();
        row /= total;
        row[label] -= 1.0;
    }
    delta /= y.len() as f64;
    let want_dw2 = s.t().dot(&delta);
    let back = delta.dot(&w2.t()) * &s.mapv(|v| v * (1.0 - v));
    let want_dw1 = x.t().dot(&back);

    let err1 = (&dw1 - &want_dw1)
        .mapv(f64::abs)
        .fold(0.0_f64, |m, &v| m.max(v));
    let err2 = (&dw2 - &want_dw2)
        .mapv(f64::abs)
        .fold(0.0_f64, |m, &v| m.max(v));
    assert!(err1 < 1e-12, "dW1 differs by {err1}");
    assert!(err2 < 1e-12, "dW2 differs by {err2}");
    assert!(
        want_dw1.iter().any(|v| v.abs() > 1e-3),
        "the check is not trivial"
    );
}

#[differentiate]
fn batched_sum(a: &Array3<f64>, b: &Array2<f64>) -> f64 {
    matmul(a, b).sum()
}

#[test]
fn batched_matmul_gradient_sums_over_the_batch() {
    let a = Array3::from_shape_fn((5, 10, 20), |(i, j, k)| {
        ((i * 200 + j * 20 + k) as f64 * 0.01).sin()
    });
    let b = Array2::from_shape_fn((20, 30), |(i, j)| ((i * 30 + j) as f64 * 0.02).cos());
    let (v, (da, db)) = batched_sum_grad(&a, &b);
    assert!((v - batched_sum(&a, &b)).abs() < 1e-9);
    assert_eq!(db.shape(), &[20, 30]);
    assert_eq!(da.shape(), &[5, 10, 20]);
    let ones = Array2::<f64>::ones((10, 30));
    let mut want = Array2::<f64>::zeros((20, 30));
    for ai in a.outer_iter() {
        want = want + ai.t().dot(&ones);
    }
    let err = (&db - &want).mapv(f64::abs).fold(0.0_f64, |m, &v| m.max(v));
    assert!(err < 1e-9, "dB differs by {err}");
    // dA_i = 1 Bᵀ for every batch element
    let want_da = ones.dot(&b.t());
    for dai in da.outer_iter() {
        let err = (&dai - &want_da)
            .mapv(f64::abs)
            .fold(0.0_f64, |m, &v| m.max(v));
        assert!(err < 1e-9);
    }
}

#[differentiate]
fn with_bias(x: &Array2<f64>, w: &Array2<f64>, bias: &Array1<f64>) -> f64 {
    let h = x.dot(w) + bias;
    (&h * &h).sum()
}

#[test]
fn bias_gradient_has_the_bias_shape() {
    let x = Array2::from_shape_fn((6, 3), |(i, j)| (i as f64 - j as f64) * 0.3);
    let w = Array2::from_shape_fn((3, 4), |(i, j)| (i + j) as f64 * 0.1);
    let bias = Array1::from_vec(vec![0.1, -0.2, 0.3, 0.0]);
    let (_, (_, dw, dbias)) = with_bias_grad(&x, &w, &bias);
    assert_eq!(dbias.shape(), &[4]);
    assert_eq!(dw.shape(), &[3, 4]);
    let h = x.dot(&w) + &bias;
    let want = (&h * 2.0).sum_axis(Axis(0));
    let err = (&dbias - &want)
        .mapv(f64::abs)
        .fold(0.0_f64, |m, &v| m.max(v));
    assert!(err < 1e-12);
}

#[differentiate]
fn dyn_output(a: &ArrayD<f64>, b: &Array2<f64>) -> ArrayD<f64> {
    matmul(a, b)
}

#[test]
fn array_output_vjp() {
    let a = Array::from_shape_fn((2, 3, 4), |(i, j, k)| (i + j + k) as f64 * 0.1).into_dyn();
    let b = Array2::from_shape_fn((4, 2), |(i, j)| (i * 2 + j) as f64 * 0.2);
    let seed = ArrayD::from_elem(vec![2, 3, 2], 1.0);
    let (y, (da, db)) = dyn_output_vjp(&a, &b, seed);
    assert_eq!(y.shape(), &[2, 3, 2]);
    assert_eq!(da.shape(), a.shape());
    let want_db = a
        .view()
        .into_dimensionality::<autodiff::ndarray::Ix3>()
        .unwrap()
        .outer_iter()
        .fold(Array2::<f64>::zeros((4, 2)), |acc, ai| {
            acc + ai.t().dot(&Array2::<f64>::ones((3, 2)))
        });
    let db = db.into_dimensionality::<Ix2>().unwrap();
    assert!((&db - &want_db).iter().all(|v| v.abs() < 1e-12));
}
