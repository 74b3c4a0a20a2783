use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[differentiate]
fn f(mut x: Array1<f64>, w: f64) -> f64 {
    x[0] = w;
    x.sum()
}

fn main() {}
