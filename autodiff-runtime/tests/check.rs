//! The finite-difference gradient checker.
use autodiff_runtime::check::{
    max_relative_error, numeric_derivative, numeric_gradient, relative_error,
};
use ndarray::{array, Array, Array2, ArrayD, IxDyn};

#[test]
fn gradient_of_sum_of_squares_is_2x() {
    let x = array![[1.0, -2.0, 0.5], [3.0, 0.0, -7.25]];
    let numeric = numeric_gradient(|x| x.mapv(|v| v * v).sum(), &x, 1e-5);
    let analytic = x.mapv(|v| 2.0 * v);
    assert_eq!(numeric.shape(), x.shape());
    assert!(max_relative_error(&analytic, &numeric) < 1e-9);
}

#[test]
fn gradient_in_f32() {
    let x = array![0.3_f32, -1.2, 2.0];
    let numeric = numeric_gradient(|x| x.mapv(f32::sin).sum(), &x, 1e-2);
    let analytic = x.mapv(f32::cos);
    assert!(max_relative_error(&analytic, &numeric) < 1e-3);
}

#[test]
fn gradient_with_respect_to_one_argument_of_several() {
    // L(W) = Σ (x W)² for a fixed x; dL/dW = xᵀ (2 x W)
    let x = array![[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]];
    let w = array![[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]];
    let numeric = numeric_gradient(|w| x.dot(w).mapv(|v| v * v).sum(), &w, 1e-6);
    let analytic = x.t().dot(&(2.0 * x.dot(&w)));
    assert!(max_relative_error(&analytic, &numeric) < 1e-7);
}

#[test]
fn gradient_of_views_and_dynamic_and_zero_dim_arrays() {
    let x = array![[1.0, 2.0], [3.0, 4.0]];
    let g = numeric_gradient(|x| x.sum(), &x.t(), 1e-6);
    assert!(max_relative_error(&Array2::ones((2, 2)), &g) < 1e-8);

    let x: ArrayD<f64> = ArrayD::from_elem(IxDyn(&[2, 1, 3]), 2.0);
    let g = numeric_gradient(|x| x.mapv(f64::ln).sum(), &x, 1e-6);
    assert!(max_relative_error(&x.mapv(|v| 1.0 / v), &g) < 1e-8);

    let x = Array::from_elem((), 3.0);
    let g = numeric_gradient(|x| x[()] * x[()], &x, 1e-6);
    assert!((g[()] - 6.0_f64).abs() < 1e-8);
}

#[test]
fn gradient_leaves_the_point_unchanged_between_calls() {
    let x = array![1.0, 2.0, 3.0];
    let mut seen = Vec::new();
    numeric_gradient(
        |w| {
            seen.push(w.clone());
            0.0
        },
        &x,
        0.5,
    );
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[0], array![1.5, 2.0, 3.0]);
    assert_eq!(seen[1], array![0.5, 2.0, 3.0]);
    assert_eq!(seen[2], array![1.0, 2.5, 3.0]);
    assert_eq!(seen[5], array![1.0, 2.0, 2.5]);
}

#[test]
fn scalar_derivative() {
    let d = numeric_derivative(|x: f64| x.exp(), 0.5, 1e-5);
    assert!(relative_error(0.5_f64.exp(), d) < 1e-9);
    let d = numeric_derivative(|x: f32| x * x * x, 2.0, 1e-2);
    assert!(relative_error(12.0, d) < 1e-3);
}

#[test]
fn relative_error_floor_and_nan() {
    assert_eq!(relative_error(0.0, 0.0), 0.0);
    assert_eq!(relative_error(1e-3, 0.0), 1e-3);
    assert_eq!(relative_error(-1000.0, -1001.0), 1.0 / 1001.0);
    assert!(relative_error(f64::INFINITY, 1.0).is_nan());
    assert!(relative_error(1.0, f32::NAN).is_nan());
}

#[test]
fn max_relative_error_finds_the_worst_and_keeps_nan() {
    let a = array![1.0, 2.0, 3.0];
    assert_eq!(max_relative_error(&a, &a), 0.0);
    assert_eq!(max_relative_error(&a, &array![1.0, 2.5, 3.0]), 0.2);
    let e = max_relative_error(&a, &array![f64::NAN, 100.0, 3.0]);
    assert!(e.is_nan());
    let e = max_relative_error(&a, &array![1.0, 100.0, f64::NAN]);
    assert!(e.is_nan());
    let empty = Array2::<f64>::zeros((0, 3));
    assert_eq!(max_relative_error(&empty, &empty), 0.0);
}

#[test]
#[should_panic(
    expected = "the analytic gradient has shape [2, 3] but the numeric one has shape [3, 2]"
)]
fn max_relative_error_names_both_shapes() {
    max_relative_error(&Array2::<f64>::zeros((2, 3)), &Array2::zeros((3, 2)));
}

#[test]
#[should_panic(expected = "step h must be positive and finite")]
fn zero_step_panics() {
    numeric_derivative(|x: f64| x, 1.0, 0.0);
}

#[test]
#[should_panic(expected = "too small to change x[1]")]
fn step_lost_in_rounding_panics_naming_the_index() {
    numeric_gradient(|x| x.sum(), &array![1.0, 1e20], 1e-3);
}
