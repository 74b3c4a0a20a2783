//! An array filled element by element, then summed: `a[i] = x[i] * x[i + 1]` over
//! `N = 10_000` elements, generated and by hand (the same loop forward, its adjoint loop
//! backward). The cost of a write in a loop, forward and reverse.
use autodiff::ndarray::Array1;
use autodiff::prelude::*;

/// The length of `x`.
pub const N: usize = 10_000;

#[differentiate]
pub fn fill(x: &Array1<f64>) -> f64 {
    let n = x.len();
    let mut a = Array1::<f64>::zeros(n - 1);
    for i in 0..n - 1 {
        a[i] = x[i] * x[i + 1];
    }
    a.sum()
}

/// The gradient of [`fill`] by hand: the forward loop fills `a`, the reverse loop pulls the
/// sum's adjoint (1 for every element) back through each product.
pub fn fill_hand(x: &Array1<f64>) -> (f64, Array1<f64>) {
    let n = x.len();
    let mut a = Array1::<f64>::zeros(n - 1);
    for i in 0..n - 1 {
        a[i] = x[i] * x[i + 1];
    }
    let value = a.sum();
    let da = Array1::<f64>::ones(n - 1);
    let mut dx = Array1::<f64>::zeros(n);
    for i in (0..n - 1).rev() {
        dx[i] += da[i] * x[i + 1];
        dx[i + 1] += da[i] * x[i];
    }
    (value, dx)
}

/// The input: smooth, away from 0.
pub fn input() -> Array1<f64> {
    Array1::from_shape_fn(N, |i| 0.5 + 0.7 * (0.3 * i as f64).sin())
}

/// A recurrence: each element written from the one before, `a[i] = a[i - 1] * 0.5 + x[i]`,
/// then summed. A read of the array the loop then writes into.
#[differentiate]
pub fn recurrence(x: &Array1<f64>) -> f64 {
    let n = x.len();
    let mut a = Array1::<f64>::zeros(n);
    for i in 1..n {
        a[i] = a[i - 1] * 0.5 + x[i];
    }
    a.sum()
}

/// The gradient of [`recurrence`] by hand: the adjoint of `a` starts at 1 everywhere (the
/// sum); backwards, each written element passes its adjoint to `x[i]` and half of it to
/// `a[i - 1]`.
pub fn recurrence_hand(x: &Array1<f64>) -> (f64, Array1<f64>) {
    let n = x.len();
    let mut a = Array1::<f64>::zeros(n);
    for i in 1..n {
        a[i] = a[i - 1] * 0.5 + x[i];
    }
    let value = a.sum();
    let mut da = Array1::<f64>::ones(n);
    let mut dx = Array1::<f64>::zeros(n);
    for i in (1..n).rev() {
        let g = da[i];
        da[i] = 0.0;
        dx[i] += g;
        da[i - 1] += 0.5 * g;
    }
    (value, dx)
}
