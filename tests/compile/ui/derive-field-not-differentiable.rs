use autodiff::ndarray::Array2;
use autodiff::prelude::*;

#[derive(Differentiable, Clone)]
struct Model {
    w: Array2<f64>,
    name: String,
}

fn main() {}
