use autodiff::ndarray::Array2;
use autodiff::prelude::*;

#[derive(Differentiable, Clone)]
struct Model {
    w: Array2<f64>,
    #[differentiable(frozen)]
    b: f64,
}

fn main() {}
