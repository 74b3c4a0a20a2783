use autodiff::prelude::*;

#[differentiate(jacobian)]
fn f(x: f64) -> f64 {
    x * x
}

fn main() {}
