use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
struct Linear {
    w: Array1<f64>,
}

#[differentiate(jvp)]
fn predict(m: &Linear, x: f64) -> f64 {
    m.w.sum() * x
}

fn main() {}
