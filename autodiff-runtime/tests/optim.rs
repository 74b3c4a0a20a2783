//! Plain SGD on arrays and scalars.
use autodiff_runtime::optim::Sgd;
use ndarray::{array, Array1, Array2, ArrayD, IxDyn};

#[test]
fn step_subtracts_lr_times_grad() {
    let sgd = Sgd::new(0.1_f64);
    let mut w = array![[1.0, 2.0], [3.0, 4.0]];
    sgd.step(&mut w, &array![[10.0, -10.0], [0.0, 5.0]]);
    assert_eq!(w, array![[0.0, 3.0], [3.0, 3.5]]);
}

#[test]
fn step_in_f32_and_dynamic_dimensions() {
    let sgd = Sgd::new(0.5_f32);
    let mut w = ArrayD::<f32>::ones(IxDyn(&[2, 2, 2]));
    sgd.step(&mut w, &ArrayD::from_elem(IxDyn(&[2, 2, 2]), 2.0));
    assert!(w.iter().all(|&v| v == 0.0));
}

#[test]
fn step_on_a_vec_of_rows() {
    let sgd = Sgd::new(1.0);
    let mut w = vec![Array1::<f64>::zeros(3), Array1::zeros(3)];
    sgd.step(&mut w, &vec![Array1::zeros(3), array![1.0, 2.0, 3.0]]);
    assert_eq!(w, [array![0.0, 0.0, 0.0], array![-1.0, -2.0, -3.0]]);
}

#[test]
fn step_scalar() {
    let sgd = Sgd::new(0.25_f32);
    let mut b = 1.0_f32;
    sgd.step_scalar(&mut b, -4.0);
    assert_eq!(b, 2.0);
}

#[test]
fn zero_learning_rate_leaves_parameters_alone() {
    let mut w = array![1.0, 2.0];
    Sgd::new(0.0).step(&mut w, &array![5.0, 6.0]);
    assert_eq!(w, array![1.0, 2.0]);
}

#[test]
fn descends_a_quadratic() {
    // f(w, b) = (w - 2)² + (b + 1)²
    let sgd = Sgd::new(0.1);
    let mut w = array![0.0, 10.0];
    let mut b = 5.0;
    for _ in 0..200 {
        let gw = w.mapv(|v| 2.0 * (v - 2.0));
        sgd.step(&mut w, &gw);
        let gb = 2.0 * (b + 1.0);
        sgd.step_scalar(&mut b, gb);
    }
    assert!(w.iter().all(|&v: &f64| (v - 2.0).abs() < 1e-12));
    assert!((b + 1.0_f64).abs() < 1e-12);
}

#[test]
#[should_panic(
    expected = "Sgd::step: the gradient has shape [3, 2] but the parameter has shape [2, 3]"
)]
fn shape_mismatch_names_both_shapes() {
    Sgd::new(0.1).step(&mut Array2::<f64>::zeros((2, 3)), &Array2::zeros((3, 2)));
}

#[test]
#[should_panic(expected = "learning rate must be finite and non-negative")]
fn nan_learning_rate_panics() {
    let _ = Sgd::new(f32::NAN);
}

#[test]
#[should_panic(expected = "learning rate must be finite and non-negative")]
fn negative_learning_rate_panics() {
    let _ = Sgd::new(-0.1_f64);
}
