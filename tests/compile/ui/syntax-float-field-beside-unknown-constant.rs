// A float field beside a constant whose type the macro cannot see (`PI` imported bare) is read
// as data; it would get no gradient, so it is an error that says how to read it as a value.
use autodiff::ndarray::Array1;
use autodiff::prelude::*;
use std::f64::consts::PI;

#[derive(Differentiable, Clone, Debug)]
struct M {
    b: Array1<f64>,
}

impl M {
    #[differentiate]
    fn f(&self, x: f64) -> f64 {
        self.b[0] * PI + x
    }
}

fn main() {}
