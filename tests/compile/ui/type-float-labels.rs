use autodiff::ndarray::Array2;
use autodiff::prelude::*;

#[differentiate]
fn f(z: &Array2<f64>, y: &[f64]) -> f64 {
    cross_entropy(z, y)
}

fn main() {}
