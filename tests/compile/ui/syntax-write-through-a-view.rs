use autodiff::ndarray::Array2;
use autodiff::prelude::*;

#[differentiate]
fn f(x: &Array2<f64>, w: f64) -> f64 {
    let mut a = x.to_owned();
    a.row(0).assign(&x.row(1));
    a.sum() * w
}

fn main() {}
