use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[differentiate]
fn f(x: Array1<f64>) -> f64 {
    let mut y = x.clone();
    y[0] = 1.0;
    y.sum()
}

fn main() {}
