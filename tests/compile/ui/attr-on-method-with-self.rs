use autodiff::prelude::*;

struct Model {
    w: f64,
}

impl Model {
    #[differentiate]
    fn predict(&self, x: f64) -> f64 {
        x * 2.0
    }
}

fn main() {}
