use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[differentiate]
fn scaled(v: &Array1<f32>, s: f64) -> f32 {
    (v * s).sum()
}

fn main() {}
