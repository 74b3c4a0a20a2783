use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[derive(Differentiable, Clone)]
struct Bias(Array1<f64>, f64);

fn main() {}
