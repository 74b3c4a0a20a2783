use autodiff::ndarray::Array1;
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
struct Linear {
    w: Array1<f64>,
}

impl Linear {
    #[differentiate]
    fn loss(&mut self, x: f64) -> f64 {
        self.w.sum() * x
    }
}

fn main() {}
