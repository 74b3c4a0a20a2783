use autodiff::prelude::*;

#[differentiate]
fn f(x: f64, n: usize) -> f64 {
    x.powi(n)
}

fn main() {}
