use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[differentiate]
fn f(x: &Array1<f64>) -> f64 {
    let mut s = 0.0;
    for v in x.iter() {
        s += v * v;
    }
    s
}

fn main() {}
