use autodiff::prelude::*;

#[differentiate(wrt(a, a))]
fn f(a: f64, b: f64) -> f64 {
    a * b
}

fn main() {}
