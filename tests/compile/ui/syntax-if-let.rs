use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[differentiate]
fn f(x: &Array1<f64>) -> f64 {
    if let Some(m) = x.mean() {
        m * 2.0
    } else {
        0.0
    }
}

fn main() {}
