// A float field beside a constant whose type the macro cannot see (`PI` imported bare, or a
// branch choosing one) is read as data; it would get no gradient, so it is an error that says
// how to read it as a value.
use autodiff::ndarray::Array1;
use autodiff::prelude::*;
use std::f64::consts::{E, PI};

#[derive(Differentiable, Clone, Debug)]
struct M {
    b: Array1<f64>,
}

impl M {
    #[differentiate]
    fn f(&self, x: f64) -> f64 {
        self.b[0] * PI + x
    }

    // The same for a constant chosen by a branch.
    #[differentiate]
    fn g(&self, x: f64, k: usize) -> f64 {
        self.b[0] * if k > 0 { PI } else { E } + x
    }

    // ... and for a value computed from such a choice, in a loop too.
    #[differentiate]
    fn h(&self, x: f64, k: usize) -> f64 {
        let mut c = if k > 0 { PI } else { E };
        for _ in 0..2 {
            c = c * E;
        }
        self.b[0] * (c * c) + x
    }
}

fn main() {}
