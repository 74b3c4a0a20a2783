use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[differentiate]
fn f(x: &Array1<f64>) -> f64 {
    x.mapv(|v| v * v).sum()
}

fn main() {}
